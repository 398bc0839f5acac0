/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-plot-data.h — the training data as points and the model's fitted
 * curve through them, for models with one input: one curve per output,
 * each through its own target column's points. A pure function of its
 * arguments, like every plot (nnb-plot-axes.h). */
#pragma once

#include "nnb-plot-axes.h"
#include "nnb-plot-density.h"
#include "nnb-plot-marks.h"

G_BEGIN_DECLS

/* A curve kept for comparison (the page's straight line beside SineNet):
 * one line per output of the model it was kept from, all in its colour. */
typedef struct
{
  const char *label;
  const float *x; /* ascending */
  const float *y; /* n rows of n_outputs values */
  int n;
  int n_outputs; /* 0 counts as 1 */
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
  NnbPlotPointer pointer; /* read-out of the point (or curve) nearest to it */
  /* May be NULL. Keeps, between draws, the points' extent and, past
   * NNB_PLOT_DATA_MAX_DOTS points, their density mask; owned by the
   * caller, who resets it when the points change. */
  NnbPlotDensity *density;
  /* The held-out test rows (data.test_fraction), drawn as rings in the
   * colour of the loss plot's test curve; may be NULL. */
  const float *test_x;
  const float *test_y;
  int n_test;
  /* The targets' count k (a model with k outputs; 0 counts as 1): data_y,
   * test_y and curve_y hold k values a point, row by row as a y of shape
   * (n, k). With one, the points are grey and the curve the accent; with
   * more, output j's curve and points share series colour
   * nnb_plot_data_output_color (j), and the legend names each. */
  int n_outputs;
  /* The outputs' names in the legend and the read-out, n_outputs of them
   * (a CSV's target columns); NULL (or a NULL or empty name): "output 0", … */
  const char *const *output_names;
  const char *title; /* NULL: "Data and Fitted Curve" */
} NnbDataSeries;

/* Up to this many points are drawn as dots, one arc each; more as a
 * density mask (nnb-plot-density.h) that looks the same and costs the
 * same however many points there are. */
#define NNB_PLOT_DATA_MAX_DOTS 4000

void nnb_plot_data_draw (cairo_t *cr,
                         int width,
                         int height,
                         const NnbDataSeries *series,
                         const NnbPlotStyle *style);

/* Where the plot's parts lie, for drawing the curves over its points. */
typedef struct
{
  cairo_rectangle_t area; /* inside the axes; empty: nothing goes over it */
  NnbPlotScale x_scale, y_scale;
} NnbDataLayout;

/* The axes' ranges the plot takes for series: the points' (the curves are
 * clipped), or the curves' when there are no points. */
void nnb_plot_data_get_ranges (const NnbDataSeries *series, NnbPlotScale *x_scale, NnbPlotScale *y_scale);

/* nnb_plot_data_draw in two layers, for a caller that keeps the first
 * while the curves move (the plots panel keeps it in a surface): _under
 * draws the frame, axes, legend and points, and fills *layout; _over the
 * kept curves, the model's curve and the pointer's read-out. */
void nnb_plot_data_draw_under (cairo_t *cr,
                               int width,
                               int height,
                               const NnbDataSeries *series,
                               const NnbPlotStyle *style,
                               NnbDataLayout *layout);
void nnb_plot_data_draw_over (cairo_t *cr,
                              const NnbDataLayout *layout,
                              const NnbDataSeries *series,
                              const NnbPlotStyle *style);

/* The series colour (nnb-plot-marks.h) of output j's curve and points:
 * the accent for the first, then skipping colour 1, which is the test
 * points' here and the test loss's in the loss plot whatever the outputs. */
int nnb_plot_data_output_color (int j);

/* For tests: draws more than max points as a density mask instead of
 * NNB_PLOT_DATA_MAX_DOTS (-1: back to it). Returns the old limit. */
int nnb_plot_data_set_max_dots (int max);
/* The limit in force (the class plot, nnb-plot-boundary.h, keeps it too). */
int nnb_plot_data_get_max_dots (void);

G_END_DECLS
