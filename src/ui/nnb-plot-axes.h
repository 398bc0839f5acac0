/* nnb-plot-axes.h — the frame every plot shares: a title, two axes with
 * their names, a light grid and, while there is nothing to plot, a short
 * message. A pure function of its arguments on any cairo_t, so the same code
 * draws on screen, into PNG, SVG and PDF files, and in tests. */
#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  double foreground[4];    /* RGBA of text and axes; the grid is a faint version */
  const char *font_family; /* NULL for "Sans" */
  double font_size;        /* in Cairo units: pixels on screen */
  double line_width;       /* of the axes */
} NnbPlotStyle;

/* Draws the frame in a width × height area at the origin. `message` (may be
 * NULL) is centred in the plotting area; `plot_area` (may be NULL) receives
 * the rectangle inside the axes, where data belongs. */
void nnb_plot_axes_draw (cairo_t *cr,
                         int width,
                         int height,
                         const char *title,
                         const char *x_label,
                         const char *y_label,
                         const char *message,
                         const NnbPlotStyle *style,
                         cairo_rectangle_t *plot_area);

G_END_DECLS
