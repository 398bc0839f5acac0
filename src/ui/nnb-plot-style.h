/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-plot-style.h — how every picture is dressed: the colours, type and
 * line widths of a plot or the diagram (NnbPlotStyle), and the few calls
 * that set them on a cairo_t, so that each plot sets them the same way. */
#pragma once

#include <cairo.h>
#include <glib.h>
#include <pango/pangocairo.h>

G_BEGIN_DECLS

typedef struct
{
  double foreground[4];    /* RGBA of text and axes; the grid is a faint version */
  const char *font_family; /* NULL for "Sans" */
  double font_size;        /* in Cairo units: pixels on screen */
  double line_width;       /* of the axes */
  double accent[4];        /* RGBA of the fitted curve and the loss line */
  double background[4];    /* RGBA behind the plot; alpha 0: leave it as it is */
  double marker_scale;     /* data points this many times their usual size; 0 counts as 1
                            * (presentation mode: 2, nnb-presentation.h) */
  double corner_width;     /* room kept free in the top-right corner for a */
  double corner_height;    /* button over the plot; 0 for none (files) */
} NnbPlotStyle;

/* Whether a and b dress a picture alike (their colours, sizes and corner;
 * not their font family, which a caller keeping a picture compares as it
 * can): a picture drawn in one is good for the other. */
gboolean nnb_plot_style_equal (const NnbPlotStyle *a, const NnbPlotStyle *b);

/* A picture kept between frames (a plot's layer that changes less often
 * than the plot): a cairo_t on a new transparent image of width × height
 * at scale (the widget's scale factor), with the font options of like, the
 * widget's own cairo_t, so that text measures and looks as drawn there.
 * The image is cairo_get_target's; destroy the cairo_t when done. */
cairo_t *nnb_plot_style_create_layer (cairo_t *like, int width, int height, int scale);

/* The style a plot gets outside a window (files, tests): black on white.
 * On screen, nnb_plot_style_for_widget (nnb-diagram-view.h) takes it from
 * the widget's font and colours. */
void nnb_plot_style_init_default (NnbPlotStyle *style);

/* A layout of text (may be NULL: set it later) in style's font family
 * (style may be NULL: "Sans") at size Cairo units, bold or regular. Plots
 * pass a multiple of style->font_size; the diagram and the handout their
 * own sizes. */
PangoLayout *nnb_plot_style_make_layout (cairo_t *cr,
                                         const NnbPlotStyle *style,
                                         const char *text,
                                         double size,
                                         gboolean bold);

/* Sets rgba (one of a style's colours, or a series colour) as the source,
 * with its alpha multiplied by alpha: 1.0 for the colour as it is. */
void nnb_plot_set_source (cairo_t *cr, const double rgba[4], double alpha);
/* The same colour with alpha in place of its own: faint marks (a legend's
 * frame, a dashed guide) whose strength is fixed, not relative. */
void nnb_plot_set_source_alpha (cairo_t *cr, const double rgba[4], double alpha);

/* Paints the whole surface in style's background, unless its alpha is 0
 * (drawn over a widget, whose own background shows). */
void nnb_plot_style_paint_background (cairo_t *cr, const NnbPlotStyle *style);

/* Gets ready to stroke a line of data in rgba: width times the style's
 * line width, with round joins so that steep bends stay smooth. */
void nnb_plot_style_set_data_line (cairo_t *cr, const NnbPlotStyle *style, const double rgba[4], double width);

/* Dashes a line of a second quantity drawn beside solid ones (accuracy
 * beside the loss), and its legend swatch, the same way: dashes long
 * enough to read as such on a noisy curve, growing with the line width
 * (presentation mode's heavier lines), with butt caps so the gaps stay
 * open. phase shifts them along the line, in periods: 0.5 puts a second
 * line's dashes into the first's gaps, so both show where they meet. */
void nnb_plot_style_set_dashes (cairo_t *cr, const NnbPlotStyle *style, double phase);

G_END_DECLS
