/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-plot-percent-axis.h — a second y axis on a plot's right, 0 % to
 * 100 %, for a share drawn against the same x as the plot's own quantity
 * (the accuracy beside the loss). The frame keeps room for it
 * (NnbPlotFrame.right_margin, from nnb_plot_percent_axis_width); the plot
 * draws it once the frame is drawn. Pure functions, like the plots. */
#pragma once

#include "nnb-plot-axes.h"

G_BEGIN_DECLS

/* The share axis: 0 at the bottom of the data, 1 at the top. */
extern const NnbPlotScale nnb_plot_percent_scale;

/* The room the axis needs right of the data: its tick marks, numbers and
 * name (label). */
double nnb_plot_percent_axis_width (cairo_t *cr, const char *label, const NnbPlotStyle *style);

/* Draws the axis along area's right edge, with as many of 0, 25, 50, 75
 * and 100 % as fit the height, and label turned as the left axis' name. */
void nnb_plot_percent_axis_draw (cairo_t *cr,
                                 const cairo_rectangle_t *area,
                                 const char *label,
                                 const NnbPlotStyle *style);

G_END_DECLS
