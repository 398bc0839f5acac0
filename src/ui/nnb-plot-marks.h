/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-plot-marks.h — what plots draw on top of their data: a legend, the
 * read-out of the value under the pointer, and the colours that tell one
 * series from another. Pure functions on a cairo_t, like the plots. */
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

/* A legend in the top-left corner of area: a short line in each series'
 * colour (dashed where asked) and its label. dashed may be NULL. */
void nnb_plot_draw_legend (cairo_t *cr,
                           const cairo_rectangle_t *area,
                           const char *const *labels,
                           const int *color_indices,
                           const gboolean *dashed,
                           int n,
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
