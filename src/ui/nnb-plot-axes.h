/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-plot-axes.h — the frame every plot shares: a title, two axes with
 * their names, a light grid and, while there is nothing to plot, a short
 * message. A pure function of its arguments on any cairo_t, so the same code
 * draws on screen, into PNG, SVG and PDF files, and in tests. */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "nnb-plot-style.h"

G_BEGIN_DECLS

/* What an axis spans. With log, min and max must be positive and ticks fall
 * on powers of ten. */
typedef struct
{
  double min, max;
  gboolean log;
} NnbPlotScale;

/* Where value v of scale lands between the pixels from and to. */
double nnb_plot_scale_map (const NnbPlotScale *scale, double v, double from, double to);

/* Widens [min, max] to round numbers (and away from an empty span), so the
 * ends of the axes carry ticks. (In nnb-plot-ticks.c, with the ticks.) */
void nnb_plot_scale_nice (NnbPlotScale *scale);

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

/* The same frame with numbered axes: grid lines and tick labels at round
 * values of x_scale and y_scale (either may be NULL for an unnumbered axis). */
void nnb_plot_axes_draw_scaled (cairo_t *cr,
                                int width,
                                int height,
                                const char *title,
                                const char *x_label,
                                const char *y_label,
                                const char *message,
                                const NnbPlotStyle *style,
                                const NnbPlotScale *x_scale,
                                const NnbPlotScale *y_scale,
                                cairo_rectangle_t *plot_area);

/* Tick labels kept at most on one axis. */
#define NNB_PLOT_MAX_TICKS 16

/* Where the frame puts its text, computed before anything is drawn: the
 * drawing uses it, and tests read it. Tick labels are chosen so that their
 * rectangles never meet (a log axis over forty decades labels every tenth
 * one), and a label that would still meet another is left out. */
typedef struct
{
  cairo_rectangle_t plot_area;
  cairo_rectangle_t title;  /* zero size without a title */
  cairo_rectangle_t legend; /* the legend's band under the title; zero size without */
  int n_x_labels, n_y_labels;
  double x_ticks[NNB_PLOT_MAX_TICKS], y_ticks[NNB_PLOT_MAX_TICKS];
  cairo_rectangle_t x_labels[NNB_PLOT_MAX_TICKS];
  cairo_rectangle_t y_labels[NNB_PLOT_MAX_TICKS];
} NnbPlotAxesLayout;

/* Everything around the data: title, axis names, scales, message, and a
 * legend (may have n_legend 0) drawn in a band of its own between the title
 * and the data, so it never covers a curve. */
typedef struct
{
  const char *title, *x_label, *y_label, *message;
  const NnbPlotScale *x_scale, *y_scale; /* NULL: an unnumbered axis */
  const char *const *legend_labels;
  const int *legend_colors;      /* series colour indices (nnb-plot-marks.h) */
  const gboolean *legend_dashed; /* may be NULL */
  int n_legend;
  /* room kept right of the data for a second y axis that the plot draws
   * itself (nnb-plot-percent-axis.h); 0 for none */
  double right_margin;
} NnbPlotFrame;

/* The frame's layout in a width × height area, without drawing. */
void nnb_plot_axes_layout (cairo_t *cr,
                           int width,
                           int height,
                           const NnbPlotFrame *frame,
                           const NnbPlotStyle *style,
                           NnbPlotAxesLayout *layout);

/* A message centred in the plot area, wrapped, on a plate of the style's
 * background: for a plot that draws its data first and explains over it. */
void nnb_plot_axes_draw_message (cairo_t *cr, const NnbPlotStyle *style, const cairo_rectangle_t *area,
                                 const char *message);

/* Draws the frame; plot_area (may be NULL) receives where data belongs. */
void nnb_plot_axes_draw_frame (cairo_t *cr,
                               int width,
                               int height,
                               const NnbPlotFrame *frame,
                               const NnbPlotStyle *style,
                               cairo_rectangle_t *plot_area);

/* Formats a value that has no place on an axis: "nan", "inf", "-inf".
 * (In nnb-plot-ticks.c.) */
const char *nnb_plot_nonfinite_text (double v);

/* Draws a line of data point by point: continues it to (x, y) or, after a
 * gap (*pen_down FALSE: the start, or a value that has no place on the
 * axes), begins a new piece there. Sets *pen_down. */
void nnb_plot_line_to (cairo_t *cr, gboolean *pen_down, double x, double y);

/* Ends a line drawn with cairo_move_to / cairo_line_to: strokes it, or,
 * when it is a single point (one epoch), fills a dot there, which a stroke
 * of one point would not show. */
void nnb_plot_stroke_line (cairo_t *cr, gboolean single_point, const NnbPlotStyle *style);

G_END_DECLS
