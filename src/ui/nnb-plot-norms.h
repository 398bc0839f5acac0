/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-plot-norms.h — each parameter's norm (its values or its gradient)
 * over the epochs, on a log axis: shows which layer learns, which stalls
 * and when gradients vanish or explode. A pure function of its arguments,
 * like every plot (nnb-plot-axes.h). */
#pragma once

#include "nnb-plot-axes.h"
#include "nnb-plot-marks.h"

G_BEGIN_DECLS

typedef struct
{
  const char *const *names; /* one per series: "fc1.weight" */
  int n_series;
  const double *epochs; /* n_points, ascending */
  const double *norms;  /* norms[point * n_series + series] */
  int n_points;
  gboolean gradients;     /* the norms are of gradients (titles say so) */
  NnbPlotPointer pointer; /* read-out of every series at the epoch under it */
} NnbNormSeries;

void nnb_plot_norms_draw (cairo_t *cr,
                          int width,
                          int height,
                          const NnbNormSeries *series,
                          const NnbPlotStyle *style);

G_END_DECLS
