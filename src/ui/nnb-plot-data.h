/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-plot-data.h — the training data as points and the model's fitted
 * curve through them, for models with one input and one output. A pure
 * function of its arguments, like every plot (nnb-plot-axes.h). */
#pragma once

#include "nnb-plot-axes.h"
#include "nnb-plot-marks.h"

G_BEGIN_DECLS

/* A curve kept for comparison (the page's straight line beside SineNet). */
typedef struct
{
  const char *label;
  const float *x; /* ascending */
  const float *y;
  int n;
} NnbPlotCurve;

typedef struct
{
  const float *data_x; /* the training points; may be NULL */
  const float *data_y;
  int n_data;
  const float *curve_x; /* the model's output on a grid, x ascending; may be NULL */
  const float *curve_y;
  int n_curve;
  const char *curve_label;        /* the model's name in the legend; NULL: "Model" */
  const NnbPlotCurve *references; /* drawn on the same axes, with a legend */
  int n_references;
  const char *message;    /* shown instead of an empty plot (e.g. why there is no curve) */
  NnbPlotPointer pointer; /* read-out of the point nearest to it */
} NnbDataSeries;

void nnb_plot_data_draw (cairo_t *cr,
                         int width,
                         int height,
                         const NnbDataSeries *series,
                         const NnbPlotStyle *style);

G_END_DECLS
