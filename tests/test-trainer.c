/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-trainer.c — the app's worker thread (nnb-trainer.h), driven the way
 * the window drives it: start, watch snapshots, pause, single-step, resume,
 * stop, diverge, and close the window while it runs. Built with
 * -Db_sanitize=thread too (docs/robustness.md), so every hand-off here is
 * also a data-race check. */
#include <glib.h>
#include <math.h>
#include <string.h>
#include "nnb-class-probabilities.h"
#include "nnb-project.h"
#include "nnb-softmax.h"
#include "nnb-test-util.h"
#include "nnb-trainer.h"
#include "nnb-training-private.h"

#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define NNB_TSAN 1
#endif
#endif

#ifdef NNB_TSAN
/* GLib's GMutex and GCond are futexes inside an uninstrumented library, so
 * ThreadSanitizer cannot see that they order the trainer's accesses and
 * reports every snapshot hand-off as a race. These wrappers (the engine's
 * calls bind to them when it is linked into this program) call GLib's own
 * functions and tell ThreadSanitizer what they do; a real race — an access
 * outside the lock — is still reported. */
#include <dlfcn.h>

void __tsan_acquire (void *addr);
void __tsan_release (void *addr);

typedef void (*MutexFunc) (GMutex *mutex);
typedef void (*CondWaitFunc) (GCond *cond, GMutex *mutex);

void
g_mutex_lock (GMutex *mutex)
{
  static MutexFunc real;

  if (real == NULL)
    real = (MutexFunc) dlsym (RTLD_NEXT, "g_mutex_lock");
  real (mutex);
  __tsan_acquire (mutex);
}

void
g_mutex_unlock (GMutex *mutex)
{
  static MutexFunc real;

  if (real == NULL)
    real = (MutexFunc) dlsym (RTLD_NEXT, "g_mutex_unlock");
  __tsan_release (mutex);
  real (mutex);
}

void
g_cond_wait (GCond *cond, GMutex *mutex)
{
  static CondWaitFunc real;

  if (real == NULL)
    real = (CondWaitFunc) dlsym (RTLD_NEXT, "g_cond_wait");
  __tsan_release (mutex);
  real (cond, mutex);
  __tsan_acquire (mutex);
}
#endif

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

typedef gboolean (*SnapshotTest) (const NnbSnapshot *snapshot, gconstpointer data);

/* Polls snapshots as the UI's frame clock would, until test holds; returns
 * the snapshot that passed (and the time it took in *waited_us). */
static NnbSnapshot *
wait_for (NnbTrainer *trainer, SnapshotTest test, gconstpointer data, gint64 *waited_us)
{
  gint64 start = g_get_monotonic_time ();

  for (;;)
    {
      NnbSnapshot *snapshot = nnb_trainer_get_snapshot (trainer);
      gint64 now = g_get_monotonic_time ();

      if (test (snapshot, data))
        {
          if (waited_us)
            *waited_us = now - start;
          return snapshot;
        }
      nnb_snapshot_unref (snapshot);
      if (now - start > WAIT_US)
        g_error ("the trainer did not reach the expected state within %d s", (int) (WAIT_US / G_USEC_PER_SEC));
      g_usleep (200);
    }
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

/* Issue 19: data with three inputs has no curve to draw; the snapshots
 * carry the model's predictions for the first training rows beside their
 * targets instead, for the plot of predicted against true. */
static void
test_snapshots_carry_predictions_without_a_curve (void)
{
  g_autofree char *path = nnb_test_source_path ("data/examples/mlp-residual.nnb");
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbProject) project = nnb_project_load (path, &error);
  g_autoptr (NnbDataset) data = NULL;
  g_autoptr (NnbTrainer) trainer = NULL;
  g_autoptr (NnbSnapshot) done = NULL;
  g_autoptr (NnbTensor) rows = NULL;
  NnbTensor *out;
  NnbGenerator shuffle;

  g_assert_no_error (error);
  project->training.epochs = 3;
  data = nnb_project_build_for_training (project, FALSE, &shuffle, &error);
  g_assert_no_error (error);
  g_assert_cmpint (data->x->shape[1], ==, 3);
  trainer = nnb_trainer_new (project->model, data, &project->training, &shuffle, 16, 0, 1, &error);
  g_assert_no_error (error);
  nnb_trainer_start (trainer);
  done = wait_for (trainer, finished, NULL, NULL);
  g_assert_cmpint (done->n_grid, ==, 0);
  g_assert_cmpint (done->n_check, ==, NNB_TRAINER_MAX_CHECK_ROWS);
  /* the targets of the first rows, and the trained model's outputs for them */
  for (int i = 0; i < done->n_check; i++)
    g_assert_cmpfloat (done->check_true[i], ==, data->y->data[i]);
  rows = nnb_tensor_new_2d (NNB_TRAINER_MAX_CHECK_ROWS, 3);
  memcpy (rows->data, data->x->data, sizeof (float) * NNB_TRAINER_MAX_CHECK_ROWS * 3);
  out = nnb_model_forward (project->model, rows, &error);
  g_assert_no_error (error);
  for (int i = 0; i < done->n_check; i++)
    g_assert_cmpfloat (done->check_pred[i], ==, out->data[i]);
  g_clear_pointer (&trainer, nnb_trainer_free);
}

/* Issue 19: one input and two target columns (data/examples/two-outputs.nnb,
 * x against sin and cos) trains a model with two outputs, and the
 * snapshots draw a curve for each: the grid's outputs row by row, as
 * model(grid) gives them, to the bit. */
static void
test_two_outputs_give_two_curves_on_the_grid (void)
{
  g_autofree char *path = nnb_test_source_path ("data/examples/two-outputs.nnb");
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbProject) project = nnb_project_load (path, &error);
  g_autoptr (NnbDataset) data = NULL;
  g_autoptr (NnbTrainer) trainer = NULL;
  g_autoptr (NnbSnapshot) idle = NULL;
  g_autoptr (NnbSnapshot) done = NULL;
  g_autoptr (NnbTensor) grid = NULL;
  NnbTensor *out;
  NnbGenerator shuffle;

  g_assert_no_error (error);
  project->training.epochs = 20;
  data = nnb_project_build_for_training (project, FALSE, &shuffle, &error);
  g_assert_no_error (error);
  g_assert_cmpint (data->x->shape[1], ==, 1);
  g_assert_cmpint (data->y->shape[1], ==, 2);
  trainer = nnb_trainer_new (project->model, data, &project->training, &shuffle, 33, -3, 3, &error);
  g_assert_no_error (error);
  /* before training too: the untrained curves */
  idle = nnb_trainer_get_snapshot (trainer);
  g_assert_cmpint (idle->n_grid, ==, 33);
  g_assert_cmpint (idle->grid_outputs, ==, 2);
  nnb_trainer_start (trainer);
  done = wait_for (trainer, finished, NULL, NULL);
  g_assert_cmpint (done->epoch, ==, 20);
  g_assert_cmpint (done->n_grid, ==, 33);
  g_assert_cmpint (done->grid_outputs, ==, 2);
  g_assert_cmpint (done->n_check, ==, 0); /* curves, not predicted against true */
  g_assert_cmpfloat (done->grid_x[0], ==, -3.0f);
  g_assert_cmpfloat (done->grid_x[32], ==, 3.0f);

  grid = nnb_tensor_new_2d (33, 1);
  memcpy (grid->data, done->grid_x, sizeof (float) * 33);
  out = nnb_model_forward (project->model, grid, &error);
  g_assert_no_error (error);
  g_assert_cmpint (out->ndim, ==, 2);
  g_assert_cmpint (out->shape[0], ==, 33);
  g_assert_cmpint (out->shape[1], ==, 2);
  /* grid_y[i * 2 + j] = model(grid_x[i])[j] */
  g_assert_cmpmem (done->grid_y, sizeof (float) * 33 * 2, out->data, sizeof (float) * 33 * 2);
  /* and the two curves differ: sin and cos, not one output twice */
  g_assert_cmpfloat (done->grid_y[0], !=, done->grid_y[1]);
  g_clear_pointer (&trainer, nnb_trainer_free);
}

/* Issue 20: xor, as a student writes it (2 → 8 → Tanh → 2, CrossEntropyLoss). */
static const char xor_project[] =
  "{\"format\": \"nnblocks\", \"version\": 1, \"model\": {\"class\": \"Sequential\", \"modules\": ["
  "{\"name\": \"0\", \"type\": \"Linear\", \"in_features\": 2, \"out_features\": 8}, "
  "{\"name\": \"1\", \"type\": \"Tanh\"}, "
  "{\"name\": \"2\", \"type\": \"Linear\", \"in_features\": 8, \"out_features\": 2}]}, "
  "\"seed\": 0, \"model_seed\": 1, "
  "\"data\": {\"kind\": \"xor\", \"n\": 200, \"noise\": 0.05, \"test_fraction\": 0.25}, "
  "\"training\": {\"optimizer\": \"Adam\", \"lr\": 0.05, \"loss\": \"CrossEntropyLoss\", \"epochs\": 40}}";

/* Issue 20: a model with two inputs on class data carries its decision
 * boundary in every snapshot, from the first: 100 × 100 cells over the
 * data's padded range, each the softmax of model(its centre) to the bit —
 * the grid rebuilt here from the header's formula and run through the
 * trained model, at cells in every corner and in the middle. */
static void
test_snapshots_carry_the_decision_boundary (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbProject) project = nnb_project_load_from_data (xor_project, sizeof xor_project - 1, &error);
  g_autoptr (NnbDataset) data = NULL;
  g_autoptr (NnbTrainer) trainer = NULL;
  g_autoptr (NnbSnapshot) idle = NULL;
  g_autoptr (NnbSnapshot) done = NULL;
  g_autoptr (NnbTensor) grid = NULL;
  const int size = NNB_TRAINER_BOUNDARY_SIZE;
  const int cells[] = { 0, size - 1, size * (size - 1), size * size - 1, size * size / 2 + size / 2, 1234, 8765 };
  double extent[4];
  int changed = 0;
  NnbTensor *out;
  NnbGenerator shuffle;

  g_assert_no_error (error);
  data = nnb_project_build_for_training (project, FALSE, &shuffle, &error);
  g_assert_no_error (error);
  g_assert_cmpint (data->n_classes, ==, 2);
  trainer = nnb_trainer_new (project->model, data, &project->training, &shuffle, 0, 0, 0, &error);
  g_assert_no_error (error);
  idle = nnb_trainer_get_snapshot (trainer);
  g_assert_cmpint (idle->boundary_size, ==, size);
  nnb_trainer_start (trainer);
  done = wait_for (trainer, finished, NULL, NULL);
  g_assert_cmpint (done->epoch, ==, 40);
  g_assert_cmpint (done->boundary_size, ==, size);
  g_assert_cmpint (done->boundary_classes, ==, 2);
  g_assert_true (nnb_class_boundary_extent (data, extent));
  g_assert_cmpmem (done->boundary_extent, sizeof extent, extent, sizeof extent);
  /* xor's points fill [−1, 1)², a little more with noise, and a little more padded */
  g_assert_cmpfloat (extent[0], <, -1.0);
  g_assert_cmpfloat (extent[3], >, 1.0);

  grid = nnb_tensor_new_2d ((int64_t) size * size, 2);
  for (int j = 0; j < size; j++)
    for (int i = 0; i < size; i++)
      {
        grid->data[2 * (j * size + i)] = (float) (extent[0] + (extent[1] - extent[0]) * (i + 0.5) / size);
        grid->data[2 * (j * size + i) + 1] = (float) (extent[2] + (extent[3] - extent[2]) * (j + 0.5) / size);
      }
  out = nnb_model_forward (project->model, grid, &error);
  g_assert_no_error (error);
  for (guint k = 0; k < G_N_ELEMENTS (cells); k++)
    {
      float probs[2];
      int best;

      nnb_softmax_row (out->data + 2 * cells[k], probs, 2);
      best = probs[1] > probs[0];
      g_assert_cmpint (done->boundary_class[cells[k]], ==, best);
      g_assert_cmpmem (&done->boundary_prob[cells[k]], sizeof (float), &probs[best], sizeof (float));
    }
  /* training moved it: the untrained model's guesses are not the trained one's */
  for (int k = 0; k < size * size; k++)
    changed += idle->boundary_class[k] != done->boundary_class[k] || idle->boundary_prob[k] != done->boundary_prob[k];
  g_assert_cmpint (changed, >, size * size / 2);
  /* and it learnt xor: opposite quadrants alike, neighbours not */
  g_assert_cmpint (done->boundary_class[size / 4 * size + size / 4], ==, done->boundary_class[3 * size / 4 * size + 3 * size / 4]);
  g_assert_cmpint (done->boundary_class[size / 4 * size + size / 4], !=, done->boundary_class[size / 4 * size + 3 * size / 4]);
  g_clear_pointer (&trainer, nnb_trainer_free);
}

/* Issue 20, "Inside every unit": with a block watched, each snapshot
 * carries that block's output on the plotting grid, unit by unit, the
 * very floats nnb_model_forward leaves in the block on the same grid;
 * with none watched, none (and nothing is computed). SineNet's first Tanh
 * (net[1]): 64 units over 200 points of x. */
static void
test_watched_block_units_are_its_forward_output (void)
{
  g_autofree char *path = nnb_test_source_path ("data/examples/sinenet.nnb");
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbProject) project = nnb_project_load (path, &error);
  g_autoptr (NnbDataset) data = NULL;
  g_autoptr (NnbTrainer) trainer = NULL;
  g_autoptr (NnbSnapshot) idle = NULL;
  g_autoptr (NnbSnapshot) watched = NULL;
  g_autoptr (NnbSnapshot) stepped = NULL;
  g_autoptr (NnbTensor) grid = NULL;
  const int n_grid = 200, reps = 200;
  const double x_max = 2 * G_PI;
  NnbTrainingOptions options;
  NnbGenerator shuffle;
  NnbTensor *out;
  gint64 start, plain_us, watched_us;
  int net, changed = 0;

  g_assert_no_error (error);
  data = nnb_project_build_for_training (project, FALSE, &shuffle, &error);
  g_assert_no_error (error);
  options = project->training;
  options.epochs = 0;
  net = nnb_model_find_node (project->model, "net");
  g_assert_cmpint (net, >=, 0);
  trainer = nnb_trainer_new (project->model, data, &options, &shuffle, n_grid, 0.0, x_max, &error);
  g_assert_no_error (error);
  idle = nnb_trainer_get_snapshot (trainer);
  g_assert_null (idle->units);

  /* not started: the snapshot is built at once, on this thread */
  nnb_trainer_watch_node (trainer, net, 1);
  watched = nnb_trainer_get_snapshot (trainer);
  g_assert_nonnull (watched->units);
  g_assert_cmpint (watched->units->node, ==, net);
  g_assert_cmpint (watched->units->layer, ==, 1);
  g_assert_cmpint (watched->units->features, ==, 64);
  g_assert_cmpint (watched->units->units, ==, 64);
  g_assert_cmpint (watched->units->inputs, ==, 1);
  g_assert_cmpint (watched->units->size, ==, n_grid);
  g_assert_cmpmem (watched->units->x, n_grid * sizeof (float), watched->grid_x, n_grid * sizeof (float));

  nnb_trainer_step (trainer);
  nnb_trainer_step (trainer);
  stepped = wait_for (trainer, reached_epoch, GINT_TO_POINTER (2), NULL);
  nnb_trainer_stop (trainer);
  g_clear_pointer (&stepped, nnb_snapshot_unref);
  stepped = nnb_trainer_get_snapshot (trainer);
  g_assert_cmpint (stepped->epoch, ==, 2);
  g_assert_nonnull (stepped->units);

  grid = nnb_tensor_new_2d (n_grid, 1);
  for (int i = 0; i < n_grid; i++)
    grid->data[i] = (float) (x_max * i / (n_grid - 1));
  g_assert_nonnull (nnb_model_forward (project->model, grid, &error));
  g_assert_no_error (error);
  out = nnb_model_node_output (project->model, net, 1);
  g_assert_nonnull (out);
  g_assert_cmpint (out->shape[0], ==, n_grid);
  g_assert_cmpint (out->shape[1], ==, 64);
  for (int u = 0; u < 64; u++)
    for (int p = 0; p < n_grid; p++)
      {
        g_assert_cmpmem (&stepped->units->values[u * n_grid + p], sizeof (float), &out->data[p * 64 + u], sizeof (float));
        changed += stepped->units->values[u * n_grid + p] != watched->units->values[u * n_grid + p];
      }
  /* two steps of SGD moved the curves */
  g_assert_cmpint (changed, >, 64 * n_grid / 2);
  /* the Sequential's own output is its last layer's */
  g_assert_true (nnb_model_node_output (project->model, net, -1) == nnb_model_node_output (project->model, net, 4));
  g_assert_null (nnb_model_node_output (project->model, net, 5));

  /* what watching costs per snapshot: the transpose of 64 × 200 floats,
   * the grid's forward being run for the fitted curve anyway */
  start = g_get_monotonic_time ();
  for (int r = 0; r < reps; r++)
    nnb_model_forward (project->model, grid, NULL);
  plain_us = g_get_monotonic_time () - start;
  start = g_get_monotonic_time ();
  for (int r = 0; r < reps; r++)
    {
      double extent[4] = { 0, x_max, 0, 0 };
      nnb_model_forward (project->model, grid, NULL);
      nnb_units_free (nnb_units_read (project->model, net, 1, 1, n_grid, extent, grid->data));
    }
  watched_us = g_get_monotonic_time () - start;
  g_test_message ("SineNet grid forward %.1f us, with net[1]'s 64 units read %.1f us (per snapshot)",
                  (double) plain_us / reps, (double) watched_us / reps);
  g_clear_pointer (&trainer, nnb_trainer_free);
}

/* The same for two inputs: a hidden layer of 16 on xor, as heat maps of
 * NNB_UNITS_GRID_SIZE² cells over the data's extent, equal to the forward
 * on that plane; and watching nothing again drops them. */
static void
test_watched_units_on_the_plane (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *json = NULL;
  g_autoptr (NnbProject) project = NULL;
  g_autoptr (NnbDataset) data = NULL;
  g_autoptr (NnbTrainer) trainer = NULL;
  g_autoptr (NnbSnapshot) done = NULL;
  g_autoptr (NnbTensor) plane = NULL;
  g_autoptr (NnbUnits) direct = NULL;
  const int size = NNB_UNITS_GRID_SIZE, cells = size * size, reps = 200;
  double extent[4];
  NnbGenerator shuffle;
  NnbTensor *out;
  gint64 start;
  int hidden;

  json = g_strdup (xor_project);
  /* 2 → 16 → Tanh → 2 */
  memcpy (strstr (json, "\"out_features\": 8"), "\"out_features\":16", 17);
  memcpy (strstr (json, "\"in_features\": 8"), "\"in_features\":16", 16);
  project = nnb_project_load_from_data (json, strlen (json), &error);
  g_assert_no_error (error);
  data = nnb_project_build_for_training (project, FALSE, &shuffle, &error);
  g_assert_no_error (error);
  hidden = nnb_model_find_node (project->model, "1");
  g_assert_cmpint (hidden, >=, 0);
  trainer = nnb_trainer_new (project->model, data, &project->training, &shuffle, 0, 0, 0, &error);
  g_assert_no_error (error);
  nnb_trainer_start (trainer);
  /* watched while it runs: the worker picks it up at its next snapshot */
  nnb_trainer_watch_node (trainer, hidden, -1);
  done = wait_for (trainer, finished, NULL, NULL);
  g_assert_nonnull (done->units);
  g_assert_cmpint (done->units->node, ==, hidden);
  g_assert_cmpint (done->units->units, ==, 16);
  g_assert_cmpint (done->units->inputs, ==, 2);
  g_assert_cmpint (done->units->size, ==, size);
  g_assert_null (done->units->x);
  g_assert_true (nnb_class_boundary_extent (data, extent));
  g_assert_cmpmem (done->units->extent, sizeof extent, extent, sizeof extent);

  plane = nnb_units_plane_grid (extent, size);
  g_assert_nonnull (nnb_model_forward (project->model, plane, &error));
  out = nnb_model_node_output (project->model, hidden, -1);
  for (int u = 0; u < 16; u++)
    for (int p = 0; p < cells; p++)
      g_assert_cmpmem (&done->units->values[u * cells + p], sizeof (float), &out->data[p * 16 + u], sizeof (float));
  /* the window's own path, with no trainer running, gives the same */
  direct = nnb_units_compute (project->model, data, 0, 0, 0, hidden, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (direct->values, 16 * cells * sizeof (float), done->units->values, 16 * cells * sizeof (float));

  start = g_get_monotonic_time ();
  for (int r = 0; r < reps; r++)
    {
      nnb_model_forward (project->model, plane, NULL);
      nnb_units_free (nnb_units_read (project->model, hidden, -1, 2, size, extent, NULL));
    }
  g_test_message ("xor 2→16: the 32×32 plane's forward and 16 units read %.1f us per snapshot",
                  (double) (g_get_monotonic_time () - start) / reps);

  /* the run has ended: watching nothing builds a snapshot without units here */
  nnb_trainer_watch_node (trainer, -1, -1);
  nnb_trainer_watch_node (trainer, hidden, 0);
  g_clear_pointer (&done, nnb_snapshot_unref);
  done = nnb_trainer_get_snapshot (trainer);
  /* no layer 0 inside a Tanh: nothing to show */
  g_assert_null (done->units);
  g_clear_pointer (&trainer, nnb_trainer_free);
}

/* Issue 20: each loss's class probabilities, as PyTorch reads the outputs
 * it takes; and no boundary where the loss reads no classes. */
static void
test_class_probabilities_follow_the_loss (void)
{
  const float logits[] = { 1.5f, -0.5f, 0.25f, 0.25f };
  float probs[4], want[2];
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbProject) project = nnb_project_load_from_data (xor_project, sizeof xor_project - 1, &error);
  g_autoptr (NnbDataset) data = NULL;
  g_autoptr (NnbTrainer) trainer = NULL;
  g_autoptr (NnbSnapshot) idle = NULL;
  NnbGenerator shuffle;

  g_assert_true (nnb_class_probabilities_from_outputs (NNB_LOSS_CROSS_ENTROPY, logits, 2, 2, probs));
  nnb_softmax_row (logits, want, 2);
  g_assert_cmpmem (probs, sizeof want, want, sizeof want);
  g_assert_cmpfloat (probs[2], ==, 0.5f);
  g_assert_true (nnb_class_probabilities_from_outputs (NNB_LOSS_NLL, logits, 2, 2, probs));
  g_assert_cmpfloat (probs[0], ==, nnb_torch_expf (1.5f));
  /* one output: class 1's probability, and class 0's beside it */
  g_assert_true (nnb_class_probabilities_from_outputs (NNB_LOSS_BCE_WITH_LOGITS, logits, 2, 1, probs));
  g_assert_cmpfloat (probs[1], ==, 1.0f / (1.0f + nnb_torch_expf (-1.5f)));
  g_assert_cmpfloat (probs[0], ==, 1.0f - probs[1]);
  g_assert_cmpfloat (probs[3], ==, 1.0f / (1.0f + nnb_torch_expf (0.5f)));
  g_assert_true (nnb_class_probabilities_from_outputs (NNB_LOSS_BCE, (const float[]){ 0.75f }, 1, 1, probs));
  g_assert_cmpfloat (probs[1], ==, 0.75f);
  g_assert_cmpfloat (probs[0], ==, 0.25f);
  g_assert_false (nnb_class_probabilities_from_outputs (NNB_LOSS_MSE, logits, 2, 2, probs));
  g_assert_false (nnb_class_probabilities_from_outputs (NNB_LOSS_BCE, logits, 2, 2, probs));

  g_assert_no_error (error);
  project->training.loss = NNB_LOSS_MSE;
  data = nnb_project_build_for_training (project, FALSE, &shuffle, &error);
  g_assert_no_error (error);
  trainer = nnb_trainer_new (project->model, data, &project->training, &shuffle, 0, 0, 0, &error);
  g_assert_no_error (error);
  idle = nnb_trainer_get_snapshot (trainer);
  g_assert_cmpint (idle->boundary_size, ==, 0);
  g_assert_null (idle->boundary_class);
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
  g_test_add_func ("/trainer/snapshots-carry-predictions-without-a-curve",
                   test_snapshots_carry_predictions_without_a_curve);
  g_test_add_func ("/trainer/two-outputs-give-two-curves-on-the-grid", test_two_outputs_give_two_curves_on_the_grid);
  g_test_add_func ("/trainer/stop-rule-order", test_stop_rule_order);
  g_test_add_func ("/trainer/snapshots-carry-the-decision-boundary", test_snapshots_carry_the_decision_boundary);
  g_test_add_func ("/trainer/class-probabilities-follow-the-loss", test_class_probabilities_follow_the_loss);
  g_test_add_func ("/trainer/watched-block-units-are-its-forward-output", test_watched_block_units_are_its_forward_output);
  g_test_add_func ("/trainer/watched-units-on-the-plane", test_watched_units_on_the_plane);
  return g_test_run ();
}
