/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-data-plot.h — the data plot, gathered and drawn in one place for the
 * plots panel, the app's Export Picture and `nnblocks-cli export --format
 * png|svg|pdf` (one engine, one answer): which picture the data calls for
 * (points and fitted curves for one input, the decision boundary for
 * two-input class data, predictions against the true values otherwise),
 * what each shows, and, for a file drawn outside the app, the snapshot of
 * the model's current weights. Pure Cairo and the engine: no GTK. */
#pragma once

#include "nnb-class-plot.h"
#include "nnb-plot-data.h"
#include "nnb-project.h"
#include "nnb-trainer.h"

G_BEGIN_DECLS

/* Points of the grid a one-input model's fitted curve is drawn from. */
#define NNB_DATA_PLOT_GRID_POINTS 256

/* Everything the data plot shows; the caller owns every pointer, which
 * must outlive the series and drawings made from it. */
typedef struct
{
  /* data with one input: n_data rows, x and n_outputs targets a row (0
   * counts as 1), the targets' names (may be NULL), the held-out rows */
  const float *data_x, *data_y;
  int n_data;
  int n_outputs;
  const char *const *output_names;
  const float *test_x, *test_y;
  int n_test;
  const char *model_name;         /* the project's name; NULL: no project */
  const NnbSnapshot *snapshot;    /* the model's outputs; NULL: not trained yet */
  const NnbPlotCurve *references; /* curves kept for comparison */
  int n_references;
  NnbClassPlot *classes; /* two-input class data's points; may be NULL */
  gboolean discretize;   /* hard class regions on the decision boundary */
  /* the weights come from a file: predictions are shown at epoch 0 too
   * (a snapshot's epoch counts the run's epochs, not the weights') */
  gboolean saved_weights;
} NnbDataPlotSource;

/* Sets source's points (the fields above model_name) to those of data
 * the plot draws on an x axis, pointing into data: x of shape (n, 1) and
 * y of (n, k) give n rows of k targets named by y_names, test rows
 * likewise; other data gives none (n 0, one output). */
void nnb_data_plot_points (const NnbDataset *data, NnbDataPlotSource *source);

/* Where the fitted curve's grid spans: the training inputs' range for
 * data with one input, 0 to 1 otherwise, so the curve lies over the points. */
void nnb_data_plot_grid (const NnbDataset *data, double *x_min, double *x_max);

/* What source's data plot shows. Data with more than one input and no
 * class plot has no x axis: predictions against the true values. */
gboolean nnb_data_plot_shows_classes (const NnbDataPlotSource *source);
gboolean nnb_data_plot_shows_predictions (const NnbDataPlotSource *source);
/* The series for points and curves (nnb-plot-data.h; no density mask),
 * and for the decision boundary (nnb-plot-boundary.h; the class plot's
 * masks, kept for the screen), without a pointer. */
void nnb_data_plot_get_series (const NnbDataPlotSource *source, NnbDataSeries *series);
void nnb_data_plot_get_boundary_series (const NnbDataPlotSource *source, NnbBoundarySeries *series);

/* Draws source's data plot in one go (a file, a test; the panel draws
 * through kept layers on screen), with pointer's read-out unless pointer
 * is NULL. */
void nnb_data_plot_draw (cairo_t *cr, int width, int height, const NnbDataPlotSource *source,
                         const NnbPlotStyle *style, const NnbPlotPointer *pointer);

/* The snapshot a trainer that never starts publishes for model on data:
 * the model's outputs with its current weights on the plotting grid, its
 * decision boundary, its predictions, as the app shows a finished run.
 * shuffle is left as it was. NULL with error when the model cannot train
 * on data. */
NnbSnapshot *nnb_data_plot_snapshot (NnbModel *model, NnbDataset *data, const NnbTrainingOptions *options,
                                     NnbGenerator *shuffle, GError **error);

/* The data plot of a project with its current weights, for a file: owns
 * the class plot and the snapshot, borrows data (which must outlive it). */
typedef struct _NnbDataPlot NnbDataPlot;

/* name labels the model's curve (the project's file name without .nnb). */
NnbDataPlot *nnb_data_plot_new (NnbProject *project, NnbDataset *data, NnbGenerator *shuffle, const char *name,
                                GError **error);
void nnb_data_plot_free (NnbDataPlot *self);
void nnb_data_plot_set_discretize (NnbDataPlot *self, gboolean discretize);
const NnbDataPlotSource *nnb_data_plot_get_source (NnbDataPlot *self);
/* An NnbPictureDrawFunc (nnb-picture-export.h): user_data is the NnbDataPlot. */
void nnb_data_plot_draw_picture (cairo_t *cr, int width, int height, const NnbPlotStyle *style,
                                 gpointer user_data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NnbDataPlot, nnb_data_plot_free)

G_END_DECLS
