/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-trainer.c — the app's worker thread (nnb-trainer.h), driven the way
 * the window drives it: start, watch snapshots, pause, single-step, resume,
 * stop, diverge, and close the window while it runs (what its snapshots
 * carry for the plots is test-trainer-pictures.c). Built with
 * -Db_sanitize=thread too (docs/robustness.md, nnb-test-tsan.c), so every
 * hand-off here is also a data-race check. */
#include <glib.h>
#include <math.h>
#include <string.h>
#include "nnb-project.h"
#include "nnb-test-util.h"
#include "nnb-trainer.h"
#include "nnb-training-private.h"

/* generous for a loaded machine under ThreadSanitizer; a pass is far quicker */
#define WAIT_US (20 * G_USEC_PER_SEC)

typedef struct
{
  NnbProject *project;
  NnbDataset *data;
  NnbGenerator shuffle; /* the trainer borrows it, as the document's */
  NnbTrainer *trainer;
} Fixture;

/* The page's regression (100 points, Linear(1, 1)); epochs 0 trains until
 * told to stop. */
static void
fixture_set_up (Fixture *f, gconstpointer user_data)
{
  const double *lr = user_data;
  g_autofree char *path = nnb_test_source_path ("data/examples/regression.nnb");
  g_autoptr (GError) error = NULL;
  NnbTrainingOptions options;

  f->project = nnb_project_load (path, &error);
  g_assert_no_error (error);
  f->data = nnb_project_build_for_training (f->project, FALSE, &f->shuffle, &error);
  g_assert_no_error (error);
  options = f->project->training;
  options.epochs = 0;
  options.log_every = 0;
  if (lr != NULL)
    options.optimizer.lr = *lr;
  f->trainer = nnb_trainer_new (f->project->model, f->data, &options, &f->shuffle, 16, 0.0, 10.0, &error);
  g_assert_no_error (error);
  nnb_trainer_set_publish_interval (f->trainer, 1000);
}

static void
fixture_tear_down (Fixture *f, gconstpointer user_data)
{
  g_clear_pointer (&f->trainer, nnb_trainer_free);
  g_clear_pointer (&f->data, nnb_dataset_free);
  g_clear_pointer (&f->project, nnb_project_free);
}

/* Polls snapshots as the UI's frame clock would (nnb-test-util.h) */
static NnbSnapshot *
wait_for (NnbTrainer *trainer, NnbTestSnapshotCheck test, gconstpointer data, gint64 *waited_us)
{
  return nnb_test_wait_for_snapshot (trainer, test, data, WAIT_US, waited_us);
}

static gboolean
reached_epoch (const NnbSnapshot *snapshot, gconstpointer data)
{
  return snapshot->epoch >= GPOINTER_TO_INT (data);
}

static gboolean
in_state (const NnbSnapshot *snapshot, gconstpointer data)
{
  return snapshot->state == (NnbTrainerState) GPOINTER_TO_INT (data);
}

static gboolean
is_finite_snapshot (const NnbSnapshot *snapshot)
{
  for (guint i = 0; i < snapshot->parameters->len; i++)
    if (!isfinite (g_array_index (snapshot->parameters, NnbParameterStats, i).value_norm))
      return FALSE;
  return TRUE;
}

static void
test_idle_snapshot_before_start (Fixture *f, gconstpointer user_data)
{
  g_autoptr (NnbSnapshot) snapshot = nnb_trainer_get_snapshot (f->trainer);

  g_assert_cmpint (snapshot->state, ==, NNB_TRAINER_IDLE);
  g_assert_cmpint (snapshot->epoch, ==, 0);
  g_assert_cmpuint (snapshot->losses->len, ==, 0);
  g_assert_cmpuint (snapshot->parameters->len, ==, 2);
  g_assert_cmpint (snapshot->n_grid, ==, 16);
  g_assert_cmpint (snapshot->grid_outputs, ==, 1); /* Linear(1, 1): one curve */
  g_assert_cmpint (nnb_trainer_get_state (f->trainer), ==, NNB_TRAINER_IDLE);
}

static void
test_snapshots_advance_while_running (Fixture *f, gconstpointer user_data)
{
  g_autoptr (NnbSnapshot) early = NULL;
  g_autoptr (NnbSnapshot) later = NULL;

  nnb_trainer_start (f->trainer);
  early = wait_for (f->trainer, reached_epoch, GINT_TO_POINTER (3), NULL);
  later = wait_for (f->trainer, reached_epoch, GINT_TO_POINTER (early->epoch + 5), NULL);

  g_assert_cmpint (later->state, ==, NNB_TRAINER_RUNNING);
  g_assert_cmpint (later->epoch, >, early->epoch);
  g_assert_cmpuint (later->losses->len, ==, (guint) later->epoch);
  /* the regression's loss falls from 561.6 at epoch 0 */
  g_assert_cmpfloat (later->loss, <, g_array_index (later->losses, double, 0));
  g_assert_cmpint (later->n_grid, ==, 16);
  g_assert_true (is_finite_snapshot (later));
  /* an older snapshot is immutable: it still says what it said */
  g_assert_cmpuint (early->losses->len, ==, (guint) early->epoch);
}

static void
test_pause_step_resume_stop (Fixture *f, gconstpointer user_data)
{
  g_autoptr (NnbSnapshot) paused = NULL;
  g_autoptr (NnbSnapshot) still = NULL;
  g_autoptr (NnbSnapshot) stepped = NULL;
  g_autoptr (NnbSnapshot) after_step = NULL;
  g_autoptr (NnbSnapshot) resumed = NULL;
  g_autoptr (NnbSnapshot) stopped = NULL;
  gint64 waited_us = 0;
  int epoch;

  nnb_trainer_start (f->trainer);
  nnb_snapshot_unref (wait_for (f->trainer, reached_epoch, GINT_TO_POINTER (3), NULL));

  /* pause: the UI sees it within 100 ms (one epoch here is microseconds) */
  nnb_trainer_pause (f->trainer);
  paused = wait_for (f->trainer, in_state, GINT_TO_POINTER (NNB_TRAINER_PAUSED), &waited_us);
  g_test_message ("pause took %" G_GINT64_FORMAT " µs", waited_us);
  g_assert_cmpint (waited_us, <, 100000);
  g_assert_cmpint (nnb_trainer_get_state (f->trainer), ==, NNB_TRAINER_PAUSED);

  /* paused means paused */
  g_usleep (50000);
  still = nnb_trainer_get_snapshot (f->trainer);
  g_assert_cmpint (still->epoch, ==, paused->epoch);
  g_assert_cmpint (still->state, ==, NNB_TRAINER_PAUSED);

  /* a single step: exactly one epoch, then paused again */
  epoch = paused->epoch;
  nnb_trainer_step (f->trainer);
  stepped = wait_for (f->trainer, reached_epoch, GINT_TO_POINTER (epoch + 1), NULL);
  g_assert_cmpint (stepped->epoch, ==, epoch + 1);
  g_assert_cmpint (stepped->state, ==, NNB_TRAINER_PAUSED);
  g_usleep (50000);
  after_step = nnb_trainer_get_snapshot (f->trainer);
  g_assert_cmpint (after_step->epoch, ==, epoch + 1);
  g_assert_cmpuint (after_step->losses->len, ==, (guint) epoch + 1);

  /* resume */
  nnb_trainer_set_lr (f->trainer, 0.005);
  nnb_trainer_start (f->trainer);
  resumed = wait_for (f->trainer, reached_epoch, GINT_TO_POINTER (epoch + 10), NULL);
  g_assert_cmpint (resumed->state, ==, NNB_TRAINER_RUNNING);

  /* stop waits for the worker; the last snapshot says so */
  nnb_trainer_stop (f->trainer);
  g_assert_cmpint (nnb_trainer_get_state (f->trainer), ==, NNB_TRAINER_STOPPED);
  stopped = nnb_trainer_get_snapshot (f->trainer);
  g_assert_cmpint (stopped->state, ==, NNB_TRAINER_STOPPED);
  g_assert_cmpint (stopped->epoch, >=, resumed->epoch);
  g_assert_true (is_finite_snapshot (stopped));
}

static void
test_step_from_idle_runs_one_epoch (Fixture *f, gconstpointer user_data)
{
  g_autoptr (NnbSnapshot) stepped = NULL;

  nnb_trainer_step (f->trainer);
  stepped = wait_for (f->trainer, reached_epoch, GINT_TO_POINTER (1), NULL);
  g_assert_cmpint (stepped->epoch, ==, 1);
  g_assert_cmpint (stepped->state, ==, NNB_TRAINER_PAUSED);
  g_assert_cmpuint (stepped->losses->len, ==, 1);
}

static gboolean
has_ended (const NnbSnapshot *snapshot, gconstpointer data)
{
  return snapshot->state != NNB_TRAINER_IDLE && snapshot->state != NNB_TRAINER_RUNNING &&
         snapshot->state != NNB_TRAINER_PAUSED;
}

static void
test_large_lr_diverges_with_a_message (Fixture *f, gconstpointer user_data)
{
  g_autoptr (NnbSnapshot) ended = NULL;

  nnb_trainer_start (f->trainer);
  ended = wait_for (f->trainer, has_ended, NULL, NULL);
  g_assert_cmpint (ended->state, ==, NNB_TRAINER_DIVERGED);
  g_assert_cmpint (nnb_trainer_get_state (f->trainer), ==, NNB_TRAINER_DIVERGED);
  g_assert_nonnull (ended->message);
  g_assert_true (g_str_has_prefix (ended->message, "Training diverged at epoch "));
  g_assert_nonnull (strstr (ended->message, "Try a smaller learning rate"));
  /* the model keeps the last weights that gave a number */
  g_assert_true (is_finite_snapshot (ended));
  /* stopping a finished trainer is harmless */
  nnb_trainer_stop (f->trainer);
  g_assert_cmpint (nnb_trainer_get_state (f->trainer), ==, NNB_TRAINER_DIVERGED);
}

static gboolean
has_values (const NnbSnapshot *snapshot, gconstpointer data)
{
  return snapshot->values != NULL;
}

/* The autosave's way to the weights: asked for while the worker runs, they
 * come in the next snapshot, one CPU copy per parameter, which the snapshots
 * after it share until the next request. */
static void
test_values_on_request_while_running (Fixture *f, gconstpointer user_data)
{
  g_autoptr (NnbSnapshot) running = NULL;
  g_autoptr (NnbSnapshot) with_values = NULL;
  g_autoptr (NnbSnapshot) later = NULL;
  g_autoptr (NnbSnapshot) paused = NULL;
  g_autoptr (NnbSnapshot) stepped = NULL;
  GPtrArray *params;
  guint n_params;
  int history_row = -1;

  nnb_trainer_start (f->trainer);
  running = wait_for (f->trainer, reached_epoch, GINT_TO_POINTER (3), NULL);
  g_assert_null (running->values);
  g_assert_cmpint (running->values_epoch, ==, -1);

  nnb_trainer_request_values (f->trainer);
  with_values = wait_for (f->trainer, has_values, NULL, NULL);
  g_assert_cmpint (with_values->epoch, >=, running->epoch);
  g_assert_cmpint (with_values->values_epoch, <=, with_values->epoch);
  g_assert_cmpint (with_values->values_epoch, >=, running->epoch);
  g_assert_cmpuint (with_values->values->len, ==, with_values->parameters->len);
  /* The poll may miss the snapshot that made the copy (a slow machine,
   * ThreadSanitizer) and see a later one that shares it: the copy is then
   * the weights after epoch count values_epoch, whose norms the history
   * holds at its epoch values_epoch - 1 unless a long run thinned it out. */
  n_params = with_values->parameters->len;
  for (guint p = 0; p < with_values->norm_epochs->len; p++)
    if (g_array_index (with_values->norm_epochs, double, p) == with_values->values_epoch - 1)
      history_row = (int) p;
  if (with_values->values_epoch != with_values->epoch && history_row < 0)
    g_test_message ("the poll missed the copy's snapshot by %d epochs, past the norms' history",
                    with_values->epoch - with_values->values_epoch);
  for (guint i = 0; i < with_values->values->len; i++)
    {
      NnbTensor *value = with_values->values->pdata[i];
      NnbParameterStats *stats = &g_array_index (with_values->parameters, NnbParameterStats, i);
      double sum = 0;

      for (int64_t k = 0; k < value->numel; k++)
        sum += (double) value->data[k] * value->data[k];
      /* the copy is the weights the snapshot describes… */
      if (with_values->values_epoch == with_values->epoch)
        g_assert_cmpfloat_with_epsilon (sqrt (sum), stats->value_norm, 1e-5 * (1 + stats->value_norm));
      /* …or those of the epoch it names */
      if (history_row >= 0)
        {
          double norm_then = g_array_index (with_values->value_norms, double, history_row *n_params + i);
          g_assert_cmpfloat_with_epsilon (sqrt (sum), norm_then, 1e-5 * (1 + norm_then));
        }
    }
  /* one request, one copy: the snapshots after it share it */
  later = wait_for (f->trainer, reached_epoch, GINT_TO_POINTER (with_values->epoch + 3), NULL);
  g_assert_true (later->values == with_values->values);
  g_assert_cmpint (later->values_epoch, ==, with_values->values_epoch);

  /* paused after one step, the model may be read: the copy equals it */
  nnb_trainer_pause (f->trainer);
  paused = wait_for (f->trainer, in_state, GINT_TO_POINTER (NNB_TRAINER_PAUSED), NULL);
  nnb_trainer_request_values (f->trainer);
  nnb_trainer_step (f->trainer);
  stepped = wait_for (f->trainer, reached_epoch, GINT_TO_POINTER (paused->epoch + 1), NULL);
  g_assert_cmpint (stepped->state, ==, NNB_TRAINER_PAUSED);
  g_assert_true (stepped->values != with_values->values);
  g_assert_cmpint (stepped->values_epoch, ==, stepped->epoch);
  params = nnb_model_named_parameters (f->project->model);
  g_assert_cmpuint (stepped->values->len, ==, params->len);
  for (guint i = 0; i < params->len; i++)
    {
      NnbTensor *live = ((NnbNamedParameter *) params->pdata[i])->param->value;
      NnbTensor *copy = stepped->values->pdata[i];

      g_assert_true (nnb_tensor_same_shape (live, copy));
      g_assert_cmpmem (live->data, live->numel * sizeof (float), copy->data, copy->numel * sizeof (float));
    }
}

static void
test_free_while_running (Fixture *f, gconstpointer user_data)
{
  g_autoptr (NnbSnapshot) running = NULL;

  nnb_trainer_start (f->trainer);
  running = wait_for (f->trainer, reached_epoch, GINT_TO_POINTER (2), NULL);
  /* the window closes: the trainer goes with the worker still stepping;
   * a snapshot the UI holds outlives it */
  g_clear_pointer (&f->trainer, nnb_trainer_free);
  g_assert_cmpint (running->epoch, >=, 2);
  g_assert_cmpuint (running->losses->len, ==, (guint) running->epoch);
}

static void
test_free_while_paused_and_never_started (Fixture *f, gconstpointer user_data)
{
  g_autoptr (NnbSnapshot) paused = NULL;

  nnb_trainer_step (f->trainer);
  paused = wait_for (f->trainer, in_state, GINT_TO_POINTER (NNB_TRAINER_PAUSED), NULL);
  g_clear_pointer (&f->trainer, nnb_trainer_free);
}

static gboolean
finished (const NnbSnapshot *snapshot, gconstpointer data)
{
  return snapshot->state == NNB_TRAINER_FINISHED;
}

static void
test_runs_to_the_last_epoch (void)
{
  g_autofree char *path = nnb_test_source_path ("data/examples/regression.nnb");
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbProject) project = nnb_project_load (path, &error);
  g_autoptr (NnbDataset) data = NULL;
  g_autoptr (NnbTrainer) trainer = NULL;
  g_autoptr (NnbSnapshot) done = NULL;
  NnbGenerator shuffle;

  g_assert_no_error (error);
  data = nnb_project_build_for_training (project, FALSE, &shuffle, &error);
  g_assert_no_error (error);
  trainer = nnb_trainer_new (project->model, data, &project->training, &shuffle, 0, 0, 0, &error);
  g_assert_no_error (error);
  nnb_trainer_start (trainer);
  done = wait_for (trainer, finished, NULL, NULL);
  /* regression.nnb: 200 epochs, ending near the page's 0.3421 */
  g_assert_cmpint (done->epoch, ==, 200);
  g_assert_cmpuint (done->losses->len, ==, 200);
  g_assert_cmpfloat (fabs (done->loss - 0.3421), <, 1e-3);
  g_assert_cmpint (done->n_grid, ==, 0);
  /* the norms as the losses: one point per epoch, epoch 0 to 199, and the
   * last one the norms the snapshot reports now */
  g_assert_cmpuint (done->norm_epochs->len, ==, 200);
  g_assert_cmpuint (done->value_norms->len, ==, 200 * done->parameters->len);
  g_assert_cmpuint (done->grad_norms->len, ==, 200 * done->parameters->len);
  for (guint i = 0; i < 200; i++)
    g_assert_cmpfloat (g_array_index (done->norm_epochs, double, i), ==, i);
  for (guint p = 0; p < done->parameters->len; p++)
    {
      const NnbParameterStats *stats = &g_array_index (done->parameters, NnbParameterStats, p);

      g_assert_cmpfloat (g_array_index (done->value_norms, double, 199 * done->parameters->len + p), ==, stats->value_norm);
      g_assert_cmpfloat (g_array_index (done->grad_norms, double, 199 * done->parameters->len + p), ==, stats->grad_norm);
    }
  g_clear_pointer (&trainer, nnb_trainer_free);
}

static void
test_bad_options_are_refused (void)
{
  g_autofree char *path = nnb_test_source_path ("data/examples/regression.nnb");
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbProject) project = nnb_project_load (path, &error);
  g_autoptr (NnbDataset) data = NULL;
  NnbTrainingOptions options;
  NnbGenerator shuffle;

  g_assert_no_error (error);
  data = nnb_project_build_for_training (project, FALSE, &shuffle, &error);
  g_assert_no_error (error);
  options = project->training;
  options.epochs = -1;
  g_assert_null (nnb_trainer_new (project->model, data, &options, &shuffle, 0, 0, 0, &error));
  g_assert_error (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  options = project->training;
  options.optimizer.lr = NAN;
  g_assert_null (nnb_trainer_new (project->model, data, &options, &shuffle, 0, 0, 0, &error));
  g_assert_error (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT);
}

/* tests/reference/edge_cases.py, case 3: forward returns act(x), reaching no
 * parameter, and PyTorch's loss.backward() raises at the first epoch. The
 * window toasts a failed snapshot's message, so Train shows this. */
static void
test_forward_reaching_no_parameter_fails_with_pytorchs_message (void)
{
  static const char json[] =
    "{\"format\": \"nnblocks\", \"version\": 1, \"model\": {\"class\": \"Net\", \"modules\": ["
    "{\"name\": \"fc1\", \"type\": \"Linear\", \"in_features\": 1, \"out_features\": 1}, {\"name\": \"act\", \"type\": \"ReLU\"}],"
    " \"graph\": {\"nodes\": [{\"name\": \"x\", \"op\": \"input\"}, {\"name\": \"act\", \"op\": \"call\", \"inputs\": [\"x\"]},"
    " {\"name\": \"out\", \"op\": \"output\", \"inputs\": [\"act\"]}]}}}";
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbProject) project = nnb_project_load_from_data (json, strlen (json), &error);
  g_autoptr (NnbDataset) data = NULL;
  g_autoptr (NnbTrainer) trainer = NULL;
  g_autoptr (NnbSnapshot) ended = NULL;
  NnbGenerator shuffle;

  g_assert_no_error (error);
  data = nnb_project_build_for_training (project, FALSE, &shuffle, &error);
  g_assert_no_error (error);
  trainer = nnb_trainer_new (project->model, data, &project->training, &shuffle, 0, 0, 0, &error);
  g_assert_no_error (error);
  nnb_trainer_start (trainer);
  ended = wait_for (trainer, has_ended, NULL, NULL);
  g_assert_cmpint (ended->state, ==, NNB_TRAINER_FAILED);
  g_assert_cmpstr (ended->message, ==, "element 0 of tensors does not require grad and does not have a grad_fn");
  g_assert_cmpint (ended->epoch, ==, 0);
  g_clear_pointer (&trainer, nnb_trainer_free);
}

/* The one rule the CLI, the lesson and this trainer stop by: nan first,
 * then the target, then the count; -1 epochs (the app's 0) never ends */
static void
test_stop_rule_order (void)
{
  NnbStopRule rule = { .epochs = 3, .until_loss = 0.5 };
  NnbStopRule endless = { .epochs = -1, .until_loss = 0 };
  NnbStopRule none = { .epochs = 0, .until_loss = 0.5 };

  g_assert_cmpint (nnb_training_should_stop (&rule, 0, NAN), ==, NNB_STOP_NONE);
  g_assert_cmpint (nnb_training_should_stop (&rule, 1, 2.0), ==, NNB_STOP_NONE);
  g_assert_cmpint (nnb_training_should_stop (&rule, 1, INFINITY), ==, NNB_STOP_NONE);
  g_assert_cmpint (nnb_training_should_stop (&rule, 2, NAN), ==, NNB_STOP_DIVERGED);
  g_assert_cmpint (nnb_training_should_stop (&rule, 3, 0.25), ==, NNB_STOP_CONVERGED);
  g_assert_cmpint (nnb_training_should_stop (&rule, 3, 0.5), ==, NNB_STOP_FINISHED);
  g_assert_cmpint (nnb_training_should_stop (&none, 0, NAN), ==, NNB_STOP_FINISHED);
  g_assert_cmpint (nnb_training_should_stop (&endless, 100000, 1e-9), ==, NNB_STOP_NONE);
}

int
main (int argc, char *argv[])
{
  static const double large_lr = 10.0;

  g_test_init (&argc, &argv, NULL);
  g_test_add ("/trainer/idle-snapshot-before-start", Fixture, NULL, fixture_set_up,
              test_idle_snapshot_before_start, fixture_tear_down);
  g_test_add ("/trainer/snapshots-advance-while-running", Fixture, NULL, fixture_set_up,
              test_snapshots_advance_while_running, fixture_tear_down);
  g_test_add ("/trainer/pause-within-100ms-step-resume-stop", Fixture, NULL, fixture_set_up,
              test_pause_step_resume_stop, fixture_tear_down);
  g_test_add ("/trainer/step-from-idle-runs-one-epoch", Fixture, NULL, fixture_set_up,
              test_step_from_idle_runs_one_epoch, fixture_tear_down);
  g_test_add ("/trainer/lr-10-diverges-with-a-message", Fixture, &large_lr, fixture_set_up,
              test_large_lr_diverges_with_a_message, fixture_tear_down);
  g_test_add ("/trainer/values-on-request-while-running", Fixture, NULL, fixture_set_up,
              test_values_on_request_while_running, fixture_tear_down);
  g_test_add ("/trainer/free-while-running", Fixture, NULL, fixture_set_up,
              test_free_while_running, fixture_tear_down);
  g_test_add ("/trainer/free-while-paused", Fixture, NULL, fixture_set_up,
              test_free_while_paused_and_never_started, fixture_tear_down);
  g_test_add_func ("/trainer/runs-to-the-last-epoch", test_runs_to_the_last_epoch);
  g_test_add_func ("/trainer/forward-reaching-no-parameter-fails-with-pytorchs-message",
                   test_forward_reaching_no_parameter_fails_with_pytorchs_message);
  g_test_add_func ("/trainer/bad-options-are-refused", test_bad_options_are_refused);
  g_test_add_func ("/trainer/stop-rule-order", test_stop_rule_order);
  return g_test_run ();
}
