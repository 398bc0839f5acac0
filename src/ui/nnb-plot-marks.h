/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-plot-marks.h — what plots draw on top of their data: the read-out
 * of the value under the pointer, marks where data leaves the axes, and the
 * colours that tell one series from another (the legend, beside the data,
 * is the frame's: nnb-plot-axes.h). Pure functions on a cairo_t, like the
 * plots. */
#pragma once

#include "nnb-plot-axes.h"

G_BEGIN_DECLS

/* Where the pointer is over a plot, in the plot's pixels; active FALSE when
 * it is elsewhere. The plots read out the value nearest to it. */
typedef struct
{
  gboolean active;
  double x, y;
} NnbPlotPointer;

/* The colour of series `index`: index 0 is the style's accent, the others
 * hues that stay apart from it and from each other on light and dark
 * backgrounds. */
void nnb_plot_series_color (const NnbPlotStyle *style, int index, double rgba[4]);

/* Marks where data leaves area at horizontal position px: a small
 * triangle at the top (top TRUE) or bottom edge pointing out, in rgba, and
 * text beside it (may be NULL): "nan", "inf" for values with no place on
 * the axes. */
void nnb_plot_draw_edge_mark (cairo_t *cr,
                              const cairo_rectangle_t *area,
                              double px,
                              gboolean top,
                              const char *text,
                              const double rgba[4],
                              const NnbPlotStyle *style);

/* Marks the point (px, py) and shows text (lines separated by '\n') in a
 * box beside it, kept inside area. */
void nnb_plot_draw_readout (cairo_t *cr,
                            const cairo_rectangle_t *area,
                            double px,
                            double py,
                            const char *text,
                            const NnbPlotStyle *style);

G_END_DECLS
