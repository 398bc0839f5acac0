/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-data-plot.c — the data plot gathered and drawn in one place (see the
 * header): the plots panel, the app's picture export and the CLI's. */
#include "nnb-config.h"

#include <glib/gi18n.h>

#include "nnb-data-plot.h"
#include "nnb-plot-predicted.h"

void
nnb_data_plot_points (const NnbDataset *data, NnbDataPlotSource *source)
{
  int k;

  g_return_if_fail (data != NULL && source != NULL);

  source->data_x = source->data_y = source->test_x = source->test_y = NULL;
  source->n_data = source->n_test = 0;
  source->n_outputs = 1;
  source->output_names = NULL;
  /* Points only for one input: more inputs have no x axis to put them on.
   * k target columns (y of shape (n, k)) are k sets of points, a curve
   * each, named by the CSV's header. */
  k = data->y->ndim == 2 ? (int) data->y->shape[1] : 1;
  if (!(data->x->ndim == 2 && data->x->shape[1] == 1 && k >= 1 && data->y->numel == data->x->numel * k))
    return;
  source->data_x = data->x->data;
  source->data_y = data->y->data;
  source->n_data = (int) data->x->numel;
  source->n_outputs = k;
  source->output_names = (const char *const *) data->y_names;
  if (data->x_test != NULL && data->y_test != NULL && data->x_test->ndim == 2 && data->x_test->shape[1] == 1 &&
      data->y_test->numel == data->x_test->numel * k)
    {
      source->test_x = data->x_test->data;
      source->test_y = data->y_test->data;
      source->n_test = (int) data->x_test->numel;
    }
}

void
nnb_data_plot_grid (const NnbDataset *data, double *x_min, double *x_max)
{
  const NnbTensor *x = data->x;

  *x_min = 0;
  *x_max = 1;
  if (x->ndim == 2 && x->shape[1] == 1 && x->numel > 0)
    {
      *x_min = *x_max = x->data[0];
      for (int64_t i = 1; i < x->numel; i++)
        {
          *x_min = MIN (*x_min, x->data[i]);
          *x_max = MAX (*x_max, x->data[i]);
        }
    }
}

gboolean
nnb_data_plot_shows_classes (const NnbDataPlotSource *source)
{
  return source->classes != NULL && nnb_class_plot_is_shown (source->classes);
}

gboolean
nnb_data_plot_shows_predictions (const NnbDataPlotSource *source)
{
  return !nnb_data_plot_shows_classes (source) && source->n_data == 0 && source->model_name != NULL;
}

void
nnb_data_plot_get_series (const NnbDataPlotSource *source, NnbDataSeries *series)
{
  const NnbSnapshot *snapshot = source->snapshot;
  int n_outputs = MAX (source->n_outputs, 1);

  memset (series, 0, sizeof *series);
  series->data_x = source->data_x;
  series->data_y = source->data_y;
  series->n_data = source->n_data;
  series->test_x = source->test_x;
  series->test_y = source->test_y;
  series->n_test = source->n_test;
  series->curve_label = source->model_name;
  series->n_outputs = n_outputs;
  series->output_names = source->output_names;
  /* a curve a target column: a model whose outputs are not the data's
   * columns (which broadcasting trains on) has none to draw against them */
  if (snapshot != NULL && snapshot->n_grid > 1 && snapshot->grid_outputs == n_outputs)
    {
      series->curve_x = snapshot->grid_x;
      series->curve_y = snapshot->grid_y;
      series->n_curve = snapshot->n_grid;
      /* a model with a mode says which one its curve shows (nnb-window-mode.c) */
      if (snapshot->has_mode)
        series->title = snapshot->drawn_training ? _("Data and Fitted Curve (model.train())")
                                                 : _("Data and Fitted Curve (model.eval())");
    }
  series->references = source->references;
  series->n_references = source->n_references;
  if (source->model_name != NULL && source->n_data == 0)
    series->message = _("This model does not map one number to one number: there is no curve to draw");
  else if (source->model_name != NULL && snapshot != NULL && snapshot->n_grid > 1 && series->n_curve == 0)
    series->message =
      _("The model’s outputs do not match the data’s target columns one for one: there are no curves to draw");
  else if (source->model_name != NULL && series->n_curve == 0)
    series->message =
      g_dngettext (GETTEXT_PACKAGE, "Train to see the fitted curve", "Train to see the fitted curves", n_outputs);
}

void
nnb_data_plot_get_boundary_series (const NnbDataPlotSource *source, NnbBoundarySeries *series)
{
  g_return_if_fail (nnb_data_plot_shows_classes (source));

  nnb_class_plot_get_series (source->classes, source->snapshot, source->discretize, series);
}

static void
draw_predictions (cairo_t *cr, int width, int height, const NnbDataPlotSource *source, const NnbPlotStyle *style)
{
  const NnbSnapshot *snapshot = source->snapshot;
  NnbPredictedSeries series = { NULL, NULL, 0, _("Train to see the model’s predictions against the true values") };

  if (snapshot != NULL && snapshot->n_check > 0 && (snapshot->epoch > 0 || source->saved_weights))
    {
      series.true_y = snapshot->check_true;
      series.pred_y = snapshot->check_pred;
      series.n = snapshot->n_check;
    }
  nnb_plot_predicted_draw (cr, width, height, &series, style);
}

void
nnb_data_plot_draw (cairo_t *cr, int width, int height, const NnbDataPlotSource *source, const NnbPlotStyle *style,
                    const NnbPlotPointer *pointer)
{
  NnbDataSeries series;

  g_return_if_fail (cr != NULL && source != NULL && style != NULL);

  if (nnb_data_plot_shows_classes (source))
    {
      NnbBoundarySeries classes;

      nnb_data_plot_get_boundary_series (source, &classes);
      classes.density = NULL; /* the screen's masks: a file's size is not the screen's */
      if (pointer != NULL)
        classes.pointer = *pointer;
      nnb_plot_boundary_draw (cr, width, height, &classes, style);
      return;
    }
  if (nnb_data_plot_shows_predictions (source))
    {
      draw_predictions (cr, width, height, source, style);
      return;
    }
  nnb_data_plot_get_series (source, &series);
  if (pointer != NULL)
    series.pointer = *pointer;
  nnb_plot_data_draw (cr, width, height, &series, style);
}

NnbSnapshot *
nnb_data_plot_snapshot (NnbModel *model, NnbDataset *data, const NnbTrainingOptions *options, NnbGenerator *shuffle,
                        GError **error)
{
  NnbGenerator kept;
  NnbTrainer *trainer;
  NnbSnapshot *snapshot;
  double x_min, x_max;

  g_return_val_if_fail (model != NULL && data != NULL && options != NULL && shuffle != NULL, NULL);

  /* the grid the app's trainer plots on (nnb_document_ensure_trainer);
   * a trainer borrows the generator: put back, the next run shuffles as
   * it would have */
  kept = *shuffle;
  nnb_data_plot_grid (data, &x_min, &x_max);
  trainer = nnb_trainer_new (model, data, options, shuffle, NNB_DATA_PLOT_GRID_POINTS, x_min, x_max, error);
  if (trainer == NULL)
    {
      *shuffle = kept;
      return NULL;
    }
  snapshot = nnb_trainer_get_snapshot (trainer);
  nnb_trainer_free (trainer);
  *shuffle = kept;
  return snapshot;
}

struct _NnbDataPlot
{
  NnbDataPlotSource source;
  NnbClassPlot *classes;
  NnbSnapshot *snapshot;
  char *name;
};

NnbDataPlot *
nnb_data_plot_new (NnbProject *project, NnbDataset *data, NnbGenerator *shuffle, const char *name, GError **error)
{
  g_autoptr (NnbDataPlot) self = NULL;
  NnbTrainingOptions options;

  g_return_val_if_fail (project != NULL && data != NULL && shuffle != NULL, NULL);

  /* a picture needs no GPU: the CPU's numbers are the reference the GPU's
   * follow (within float rounding, invisible in a colour) */
  options = project->training;
  options.device = nnb_device_cpu ();
  self = g_new0 (NnbDataPlot, 1);
  self->snapshot = nnb_data_plot_snapshot (project->model, data, &options, shuffle, error);
  if (self->snapshot == NULL)
    return NULL;
  self->name = g_strdup (name);
  self->classes = nnb_class_plot_new ();
  nnb_class_plot_set_data (self->classes, data);
  nnb_data_plot_points (data, &self->source);
  self->source.model_name = self->name;
  self->source.snapshot = self->snapshot;
  self->source.classes = self->classes;
  self->source.saved_weights = project->has_weights;
  return g_steal_pointer (&self);
}

void
nnb_data_plot_free (NnbDataPlot *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->snapshot, nnb_snapshot_unref);
  g_clear_pointer (&self->classes, nnb_class_plot_free);
  g_free (self->name);
  g_free (self);
}

void
nnb_data_plot_set_discretize (NnbDataPlot *self, gboolean discretize)
{
  g_return_if_fail (self != NULL);

  self->source.discretize = discretize;
}

const NnbDataPlotSource *
nnb_data_plot_get_source (NnbDataPlot *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return &self->source;
}

void
nnb_data_plot_draw_picture (cairo_t *cr, int width, int height, const NnbPlotStyle *style, gpointer user_data)
{
  NnbDataPlot *self = user_data;

  nnb_data_plot_draw (cr, width, height, &self->source, style, NULL);
}
