/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-cli-loss.c — export --what loss: the project trained as `train`
 * trains it, each epoch's losses and accuracies kept as the app's trainer
 * keeps them (nnb-trainer.c), and drawn by the app's Loss plot
 * (nnb-plot-loss.h) on its default log axis: the picture the app's Export
 * Picture writes after the same run. */
#include "nnb-cli-picture.h"

#include <math.h>
#include <stdio.h>

#include "nnb-plot-loss.h"

typedef struct
{
  GArray *losses, *test_losses, *accuracies, *test_accuracies; /* double */
} History;

static void
history_clear (History *h)
{
  g_clear_pointer (&h->losses, g_array_unref);
  g_clear_pointer (&h->test_losses, g_array_unref);
  g_clear_pointer (&h->accuracies, g_array_unref);
  g_clear_pointer (&h->test_accuracies, g_array_unref);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (History, history_clear)

/* After an epoch that did not diverge, what the app's trainer records. */
static void
record_epoch (History *h, NnbTraining *training, double loss)
{
  double test_loss = nnb_training_get_test_loss (training);
  double accuracy = nnb_training_get_accuracy (training);
  double test_accuracy = nnb_training_get_test_accuracy (training);

  g_array_append_val (h->losses, loss);
  if (nnb_training_has_test_set (training))
    g_array_append_val (h->test_losses, test_loss);
  if (!isnan (accuracy))
    g_array_append_val (h->accuracies, accuracy);
  if (!isnan (test_accuracy))
    g_array_append_val (h->test_accuracies, test_accuracy);
}

/* As nnb-plots-panel.c's loss_series: the log axis the panel starts with. */
static void
draw_loss (cairo_t *cr, int width, int height, const NnbPlotStyle *style, gpointer user_data)
{
  const History *h = user_data;
  NnbLossSeries series = {
    .losses = (const double *) h->losses->data,
    .n = (int) h->losses->len,
    .log_scale = TRUE,
    .test_losses = (const double *) h->test_losses->data,
    .n_test = (int) MIN (h->test_losses->len, h->losses->len),
    .accuracies = (const double *) h->accuracies->data,
    .n_accuracy = (int) MIN (h->accuracies->len, h->losses->len),
    .test_accuracies = (const double *) h->test_accuracies->data,
    .n_test_accuracy = (int) MIN (h->test_accuracies->len, h->losses->len),
  };

  nnb_plot_loss_draw (cr, width, height, &series, style);
}

int
nnb_cli_export_loss (NnbProject *project, NnbDataset *data, NnbGenerator *shuffle, const char *output,
                     NnbPictureFormat format, int width, int height)
{
  g_auto (History) h = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) write_error = NULL;
  g_autoptr (NnbTraining) training = NULL;
  NnbStopRule rule;
  NnbStopReason reason;
  double loss = NAN;

  h.losses = g_array_new (FALSE, FALSE, sizeof (double));
  h.test_losses = g_array_new (FALSE, FALSE, sizeof (double));
  h.accuracies = g_array_new (FALSE, FALSE, sizeof (double));
  h.test_accuracies = g_array_new (FALSE, FALSE, sizeof (double));

  /* one thread, as `train` and the app train by default: the lesson's
   * PyTorch numbers */
  nnb_backend_cpu_set_threads (1);
  training = nnb_training_new (project->model, data, &project->training, shuffle, &error);
  if (training == NULL)
    return nnb_cli_fail (error);
  nnb_stop_rule_init (&rule, &project->training);
  reason = nnb_training_should_stop (&rule, 0, loss);
  while (reason == NNB_STOP_NONE)
    {
      reason = nnb_training_run_epoch (training, &rule, &loss, &error);
      if (reason != NNB_STOP_DIVERGED && reason != NNB_STOP_FAILED)
        record_epoch (&h, training, loss);
    }
  reason = nnb_training_finish (training, reason, &error);
  if (reason == NNB_STOP_FAILED)
    return nnb_cli_fail (error);

  /* a run that diverged is drawn too: the curve shows where it went */
  if (!nnb_picture_export_format (output, format, width, height, draw_loss, &h, &write_error))
    return nnb_cli_fail (write_error);
  if (reason == NNB_STOP_DIVERGED)
    {
      fprintf (stderr, "nnblocks-cli: %s\n", error->message);
      return NNB_EXIT_DIVERGED;
    }
  return NNB_EXIT_OK;
}
