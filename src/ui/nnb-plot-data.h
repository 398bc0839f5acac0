/* nnb-plot-data.h — the training data as points and the model's fitted
 * curve through them, for models with one input and one output. A pure
 * function of its arguments, like every plot (nnb-plot-axes.h). */
#pragma once

#include "nnb-plot-axes.h"

G_BEGIN_DECLS

typedef struct
{
  const float *data_x;  /* the training points; may be NULL */
  const float *data_y;
  int n_data;
  const float *curve_x; /* the model's output on a grid, x ascending; may be NULL */
  const float *curve_y;
  int n_curve;
  const char *message;  /* shown instead of an empty plot (e.g. why there is no curve) */
} NnbDataSeries;

void nnb_plot_data_draw (cairo_t *cr,
                         int width,
                         int height,
                         const NnbDataSeries *series,
                         const NnbPlotStyle *style);

G_END_DECLS
