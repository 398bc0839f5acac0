/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-plot-predicted.h — for data with more than one input (or output),
 * which has no curve to draw: the model's predictions against the true
 * targets, with the line y = x where a perfect model's points would lie.
 * A pure function of its arguments, like every plot (nnb-plot-axes.h). */
#pragma once

#include "nnb-plot-axes.h"
#include "nnb-plot-marks.h"

G_BEGIN_DECLS

typedef struct
{
  const float *true_y; /* the targets of some training rows */
  const float *pred_y; /* the model's outputs for them, in the same order */
  int n;
  const char *message; /* shown when there is nothing to plot yet; may be NULL */
} NnbPredictedSeries;

void nnb_plot_predicted_draw (cairo_t *cr,
                              int width,
                              int height,
                              const NnbPredictedSeries *series,
                              const NnbPlotStyle *style);

G_END_DECLS
