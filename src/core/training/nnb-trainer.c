/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-trainer.c — the worker thread and its snapshots (see the header for
 * the hand-off). */
#include "nnb-trainer.h"
#include "nnb-class-probabilities.h"
#include "nnb-training-private.h"
#include "nnb-units.h"

#include <math.h>
#include <string.h>
#include <time.h>
#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

struct _NnbTrainer
{
  NnbModel *model;
  NnbDataset *data;
  NnbStopRule rule;      /* the engine's, with 0 epochs as "until stopped" */
  NnbGenerator *shuffle; /* borrowed; the worker's only while it runs */
  NnbTraining *training; /* used by the worker only */
  GThread *thread;

  GMutex lock; /* guards everything below */
  GCond wake;
  NnbSnapshot *snapshot;
  gboolean run;    /* keep stepping */
  gint steps_left; /* single steps requested while paused */
  /* of those, the ones to record (nnb_trainer_explain_step), and how */
  gint explain_left;
  gboolean explain_skip_zero_grad;
  NnbStepExplain *explain; /* the last record, for the snapshots */
  gboolean quit;
  gboolean want_values; /* the next snapshot carries the weights */
  double new_lr;        /* NAN: unchanged */
  NnbTrainerState state;
  int watch_node, watch_layer; /* the block whose units snapshots carry; -1: none */
  gboolean want_publish;       /* a paused worker publishes once more (a new watch) */
  gboolean draw_training;      /* snapshots' pictures in train mode */
  /* Dropout's masks in train-mode pictures: the trainer's own generator,
   * never the training's, so looking at a picture cannot change the run */
  NnbGenerator *picture_gen;
  gboolean worker_done; /* the worker left its loop: the model is free again */

  gint64 publish_interval_us;
  GArray *losses;      /* worker's own history */
  GArray *test_losses; /* parallel to losses when the data has a test set */
  /* parallel to losses for class data under a classification loss */
  GArray *accuracies, *test_accuracies;
  /* the norms' history (nnb-trainer.h): the worker's, copied into each
   * snapshot; norm_count counts the epochs recorded, before thinning */
  GArray *norm_epochs, *value_norms, *grad_norms;
  int norm_count;
  GPtrArray *values; /* worker's latest copy of the weights, or NULL */
  int values_epoch;
  NnbTensor *grid_input; /* (n_grid, 1) */
  float *grid_x;
  int n_grid;
  NnbTensor *check_input; /* the first training rows, without a grid */
  float *check_true;      /* their targets */
  int n_check;
  /* the decision boundary's cell centres (NnbSnapshot.boundary_*), with
   * two inputs on class data; NULL otherwise */
  NnbTensor *boundary_input; /* (size², 2) */
  double boundary_extent[4];
  /* the plane the watched block's units are drawn over, for a model with
   * two inputs (NNB_UNITS_GRID_SIZE² cells); NULL otherwise */
  NnbTensor *units_input;
  double units_extent[4];
  NnbLossKind loss;
};

NnbSnapshot *
nnb_snapshot_ref (NnbSnapshot *snapshot)
{
  g_atomic_int_inc (&snapshot->ref_count);
  return snapshot;
}

static void
parameter_stats_clear (gpointer data)
{
  g_free (((NnbParameterStats *) data)->name);
}

void
nnb_snapshot_unref (NnbSnapshot *snapshot)
{
  if (snapshot == NULL || !g_atomic_int_dec_and_test (&snapshot->ref_count))
    return;
  g_array_unref (snapshot->losses);
  g_clear_pointer (&snapshot->test_losses, g_array_unref);
  g_clear_pointer (&snapshot->accuracies, g_array_unref);
  g_clear_pointer (&snapshot->test_accuracies, g_array_unref);
  nnb_confusion_free (snapshot->confusion);
  nnb_confusion_free (snapshot->test_confusion);
  g_array_unref (snapshot->parameters);
  g_clear_pointer (&snapshot->norm_epochs, g_array_unref);
  g_clear_pointer (&snapshot->value_norms, g_array_unref);
  g_clear_pointer (&snapshot->grad_norms, g_array_unref);
  g_free (snapshot->grid_x);
  g_free (snapshot->grid_y);
  g_free (snapshot->check_true);
  g_free (snapshot->check_pred);
  g_free (snapshot->boundary_class);
  g_free (snapshot->boundary_prob);
  g_free (snapshot->message);
  nnb_units_free (snapshot->units);
  g_clear_pointer (&snapshot->values, g_ptr_array_unref);
  nnb_step_explain_unref (snapshot->explain);
  g_free (snapshot);
}

static GArray *
copy_doubles (const GArray *array)
{
  GArray *copy = g_array_sized_new (FALSE, FALSE, sizeof (double), array->len);

  g_array_append_vals (copy, array->data, array->len);
  return copy;
}

/* Halves the norms' history, keeping the first point and every second
 * after it: the curves keep their shape, and a snapshot stays cheap to
 * copy however long the run. */
static void
thin_norms (NnbTrainer *t, guint n_params)
{
  guint kept = 0;

  for (guint p = 0; p < t->norm_epochs->len; p += 2, kept++)
    {
      g_array_index (t->norm_epochs, double, kept) = g_array_index (t->norm_epochs, double, p);
      memmove (&g_array_index (t->value_norms, double, kept *n_params),
               &g_array_index (t->value_norms, double, p *n_params), n_params * sizeof (double));
      memmove (&g_array_index (t->grad_norms, double, kept *n_params),
               &g_array_index (t->grad_norms, double, p *n_params), n_params * sizeof (double));
    }
  g_array_set_size (t->norm_epochs, kept);
  g_array_set_size (t->value_norms, kept * n_params);
  g_array_set_size (t->grad_norms, kept * n_params);
}

/* Records every parameter's norms after an epoch, as its loss is: reads
 * the parameters, changes nothing. Runs on the worker thread. */
static void
record_norms (NnbTrainer *t)
{
  GPtrArray *params = nnb_model_named_parameters (t->model);
  const NnbBackend *backend = nnb_backend_get (t->model->device, NULL);
  double epoch = t->norm_count++;

  if (t->norm_epochs->len >= NNB_TRAINER_MAX_NORM_POINTS)
    thin_norms (t, params->len);
  g_array_append_val (t->norm_epochs, epoch);
  for (guint i = 0; i < params->len; i++)
    {
      NnbNamedParameter *named = params->pdata[i];
      double value = sqrt (backend->sum_squares (named->param->value->data, named->param->value->numel));
      double grad = sqrt (backend->sum_squares (named->param->grad->data, named->param->grad->numel));

      g_array_append_val (t->value_norms, value);
      g_array_append_val (t->grad_norms, grad);
    }
}

/* How many outputs the model gave for each of the grid's n_grid rows:
 * (n_grid,) or (n_grid, 1) is one, (n_grid, k) is k (a model fitting k
 * target columns draws k curves); any other shape, or no output, none. */
static int
grid_outputs (const NnbTensor *out, int n_grid)
{
  if (out == NULL)
    return 0;
  if (out->numel == n_grid)
    return 1;
  if (out->ndim == 2 && out->shape[0] == n_grid && out->shape[1] > 0 && out->shape[1] <= G_MAXINT / n_grid)
    return (int) out->shape[1];
  return 0;
}

/* The model's class probabilities on the boundary's cells, kept as each
 * cell's predicted class and its probability: a fifth of the probabilities'
 * size for two classes, and all a picture of them needs. A forward that
 * fails leaves the snapshot without a boundary; training reports it. */
static void
boundary_build (NnbTrainer *t, NnbSnapshot *s)
{
  int cells = NNB_TRAINER_BOUNDARY_SIZE * NNB_TRAINER_BOUNDARY_SIZE, c = 0;
  g_autofree float *probs = nnb_model_class_probabilities (t->model, t->loss, t->boundary_input, &c, NULL);

  if (probs == NULL || c > G_MAXUINT8 + 1)
    return;
  s->boundary_size = NNB_TRAINER_BOUNDARY_SIZE;
  s->boundary_classes = c;
  memcpy (s->boundary_extent, t->boundary_extent, sizeof s->boundary_extent);
  s->boundary_class = g_new (guint8, cells);
  s->boundary_prob = g_new (float, cells);
  for (int k = 0; k < cells; k++)
    {
      const float *row = probs + (gsize) k * c;
      int best = 0;

      /* a nan loses to every number, as it would never be the most probable */
      for (int j = 1; j < c; j++)
        if (row[j] > row[best] || (isnan (row[best]) && !isnan (row[j])))
          best = j;
      s->boundary_class[k] = (guint8) best;
      s->boundary_prob[k] = row[best];
    }
}

/* The boundary's cell centres (nnb-trainer.h gives the formula), on the
 * model's device; FALSE only when the copy there fails. */
static gboolean
boundary_init (NnbTrainer *t, NnbDevice device, GError **error)
{
  int size = NNB_TRAINER_BOUNDARY_SIZE;
  g_autoptr (NnbTensor) host = nnb_tensor_new_2d ((int64_t) size * size, 2);
  const double *e = t->boundary_extent;

  for (int j = 0; j < size; j++)
    for (int i = 0; i < size; i++)
      {
        host->data[2 * (j * size + i)] = (float) (e[0] + (e[1] - e[0]) * (i + 0.5) / size);
        host->data[2 * (j * size + i) + 1] = (float) (e[2] + (e[3] - e[2]) * (j + 0.5) / size);
      }
  t->boundary_input = nnb_tensor_to (host, device, error);
  return t->boundary_input != NULL;
}

/* Builds a snapshot from the worker's state; runs on the worker thread
 * (or before it starts), so it may read the model freely. */
static NnbSnapshot *
snapshot_build (NnbTrainer *t, NnbTrainerState state, const char *message, gboolean with_values,
                int watch_node, int watch_layer, gboolean draw_training)
{
  NnbSnapshot *s = g_new0 (NnbSnapshot, 1);
  NnbGenerator *gen_before = NULL;
  GPtrArray *params = nnb_model_named_parameters (t->model);
  const NnbBackend *backend = nnb_backend_get (t->model->device, NULL);

  s->ref_count = 1;
  s->state = state;
  s->epoch = t->training ? nnb_training_get_epoch (t->training) : 0;
  /* the fitted curve, boundary, units and checks are predictions: drawn in
   * eval mode, as after model.eval() (each epoch trains in train mode),
   * unless the student asked to see them in train mode */
  nnb_model_eval (t->model);
  s->has_mode = nnb_model_has_mode (t->model);
  if (draw_training && s->has_mode)
    {
      /* seeded again for every picture: the same weights draw the same
       * masks, so a paused run's curve holds still */
      nnb_generator_manual_seed (t->picture_gen, 0);
      gen_before = nnb_model_set_generator (t->model, t->picture_gen);
      nnb_model_train (t->model, TRUE);
      /* BatchNorm normalises the grid with its own statistics, without
       * moving the running estimates training keeps */
      nnb_model_keep_buffers (t->model, TRUE);
      s->drawn_training = TRUE;
    }
  s->losses = g_array_sized_new (FALSE, FALSE, sizeof (double), t->losses->len);
  g_array_append_vals (s->losses, t->losses->data, t->losses->len);
  s->test_losses = copy_doubles (t->test_losses);
  s->accuracies = copy_doubles (t->accuracies);
  s->test_accuracies = copy_doubles (t->test_accuracies);
  if (t->training != NULL)
    {
      /* counted by the epoch's own forward passes: a copy is all it costs */
      const NnbConfusion *confusion = nnb_training_get_confusion (t->training);
      const NnbConfusion *test_confusion = nnb_training_get_test_confusion (t->training);

      s->confusion = confusion != NULL ? nnb_confusion_copy (confusion) : NULL;
      s->test_confusion = test_confusion != NULL ? nnb_confusion_copy (test_confusion) : NULL;
    }
  s->loss = t->losses->len ? g_array_index (t->losses, double, t->losses->len - 1) : NAN;
  s->norm_epochs = copy_doubles (t->norm_epochs);
  s->value_norms = copy_doubles (t->value_norms);
  s->grad_norms = copy_doubles (t->grad_norms);
  s->parameters = g_array_sized_new (FALSE, TRUE, sizeof (NnbParameterStats), params->len);
  g_array_set_clear_func (s->parameters, parameter_stats_clear);
  for (guint i = 0; i < params->len; i++)
    {
      NnbNamedParameter *named = params->pdata[i];
      NnbParameterStats stats = {
        .name = g_strdup (named->name),
        .value_norm = sqrt (backend->sum_squares (named->param->value->data, named->param->value->numel)),
        .grad_norm = sqrt (backend->sum_squares (named->param->grad->data, named->param->grad->numel)),
      };
      g_array_append_val (s->parameters, stats);
    }
  if (with_values)
    {
      GPtrArray *values = g_ptr_array_new_full (params->len, (GDestroyNotify) nnb_tensor_unref);

      for (guint i = 0; i < params->len && values != NULL; i++)
        {
          NnbTensor *value = ((NnbNamedParameter *) params->pdata[i])->param->value;
          NnbTensor *copy = nnb_tensor_new (value->ndim, value->shape, nnb_device_cpu (), NULL);

          /* no memory for a copy: no copy this time, and training goes on */
          if (copy == NULL)
            {
              g_clear_pointer (&values, g_ptr_array_unref);
              break;
            }
          nnb_tensor_read (value, copy->data);
          g_ptr_array_add (values, copy);
        }
      if (values != NULL)
        {
          g_clear_pointer (&t->values, g_ptr_array_unref);
          t->values = values;
          t->values_epoch = s->epoch;
        }
    }
  /* shared, read-only, by every snapshot until the next copy */
  s->values = t->values != NULL ? g_ptr_array_ref (t->values) : NULL;
  s->values_epoch = t->values != NULL ? t->values_epoch : -1;
  if (t->grid_input != NULL)
    {
      NnbTensor *out = nnb_model_forward (t->model, t->grid_input, NULL);
      int outputs = grid_outputs (out, t->n_grid);
      gsize n_values = (gsize) t->n_grid * outputs;

      if (outputs > 0)
        {
          s->n_grid = t->n_grid;
          s->grid_outputs = outputs;
          s->grid_x = g_memdup2 (t->grid_x, t->n_grid * sizeof (float));
          s->grid_y = g_new (float, n_values);
          nnb_tensor_read (out, s->grid_y);
        }
      /* the watched block's units come with this forward: no extra one */
      if (out != NULL && watch_node >= 0)
        {
          double extent[4] = { t->grid_x[0], t->grid_x[t->n_grid - 1], 0, 0 };
          s->units = nnb_units_read (t->model, watch_node, watch_layer, 1, t->n_grid, extent, t->grid_x);
        }
    }
  else if (t->units_input != NULL && watch_node >= 0 && nnb_model_forward (t->model, t->units_input, NULL) != NULL)
    s->units = nnb_units_read (t->model, watch_node, watch_layer, 2, NNB_UNITS_GRID_SIZE, t->units_extent, NULL);
  if (t->check_input != NULL)
    {
      NnbTensor *out = nnb_model_forward (t->model, t->check_input, NULL);
      if (out != NULL && out->numel == t->n_check)
        {
          s->n_check = t->n_check;
          s->check_true = g_memdup2 (t->check_true, t->n_check * sizeof (float));
          s->check_pred = g_new (float, t->n_check);
          nnb_tensor_read (out, s->check_pred);
        }
    }
  if (t->boundary_input != NULL)
    boundary_build (t, s);
  if (s->drawn_training)
    {
      nnb_model_eval (t->model);
      nnb_model_keep_buffers (t->model, FALSE);
      nnb_model_set_generator (t->model, gen_before);
    }
  s->message = g_strdup (message);
  s->published_us = g_get_monotonic_time ();
  {
    struct timespec cpu;
    s->worker_cpu_us = clock_gettime (CLOCK_THREAD_CPUTIME_ID, &cpu) == 0
                         ? (gint64) cpu.tv_sec * G_USEC_PER_SEC + cpu.tv_nsec / 1000
                         : 0;
  }
  return s;
}

static void
publish (NnbTrainer *t, NnbTrainerState state, const char *message)
{
  NnbSnapshot *fresh, *old;
  gboolean with_values;
  int watch_node, watch_layer;
  gboolean draw_training;

  g_mutex_lock (&t->lock);
  draw_training = t->draw_training;
  with_values = t->want_values;
  t->want_values = FALSE;
  t->want_publish = FALSE;
  watch_node = t->watch_node;
  watch_layer = t->watch_layer;
  g_mutex_unlock (&t->lock);
  fresh = snapshot_build (t, state, message, with_values, watch_node, watch_layer, draw_training);

  g_mutex_lock (&t->lock);
  fresh->explain = t->explain != NULL ? nnb_step_explain_ref (t->explain) : NULL;
  old = t->snapshot;
  t->snapshot = fresh;
  t->state = state;
  g_mutex_unlock (&t->lock);
  nnb_snapshot_unref (old);
}

/* The engine's stop rule, in the trainer's words */
static NnbTrainerState
stopped_state (NnbStopReason reason)
{
  switch (reason)
    {
    case NNB_STOP_FINISHED:
      return NNB_TRAINER_FINISHED;
    case NNB_STOP_CONVERGED:
      return NNB_TRAINER_CONVERGED;
    case NNB_STOP_DIVERGED:
      return NNB_TRAINER_DIVERGED;
    case NNB_STOP_FAILED:
      return NNB_TRAINER_FAILED;
    case NNB_STOP_NONE:
      break;
    }
  return NNB_TRAINER_RUNNING;
}

static gpointer
worker (gpointer data)
{
  NnbTrainer *t = data;
  gint64 last_publish = 0;

#ifdef __linux__
  /* A little below the UI's priority: where cores are few, the frame the
   * student watches comes first and training takes what is left — nearly
   * everything, as drawing a frame is short. Linux keeps a nice per thread. */
  setpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid), 5);
#endif

  for (;;)
    {
      g_autoptr (GError) error = NULL;
      gboolean single = FALSE, want_values, explain = FALSE, skip_zero_grad = FALSE;
      NnbStepRecording *recording = NULL;
      NnbStopReason reason;
      gint64 interval_us;
      double lr, loss;

      g_mutex_lock (&t->lock);
      while (!t->quit && !t->run && t->steps_left == 0)
        {
          if (t->state == NNB_TRAINER_RUNNING)
            {
              /* announce the pause at once, with the weights as they are */
              g_mutex_unlock (&t->lock);
              publish (t, NNB_TRAINER_PAUSED, NULL);
              g_mutex_lock (&t->lock);
              continue;
            }
          if (t->want_publish)
            {
              /* a new block watched while paused: its units, now */
              NnbTrainerState state = t->state;

              g_mutex_unlock (&t->lock);
              publish (t, state, NULL);
              g_mutex_lock (&t->lock);
              continue;
            }
          g_cond_wait (&t->wake, &t->lock);
        }
      if (t->quit)
        {
          g_mutex_unlock (&t->lock);
          break;
        }
      if (!t->run)
        {
          t->steps_left--;
          single = TRUE;
          explain = t->explain_left > 0;
          skip_zero_grad = t->explain_skip_zero_grad;
          t->explain_left = MAX (t->explain_left - 1, 0);
        }
      lr = t->new_lr;
      t->new_lr = NAN;
      want_values = t->want_values;
      interval_us = t->publish_interval_us;
      t->state = NNB_TRAINER_RUNNING;
      g_mutex_unlock (&t->lock);

      if (!isnan (lr))
        nnb_optimizer_set_lr (nnb_training_get_optimizer (t->training), lr);

      if (explain)
        recording = nnb_step_explain_attach (t->training, skip_zero_grad);
      reason = nnb_training_run_epoch (t->training, &t->rule, &loss, &error);
      if (recording != NULL)
        {
          NnbStepExplain *record = nnb_step_explain_detach (recording);

          if (record != NULL)
            {
              g_mutex_lock (&t->lock);
              nnb_step_explain_unref (t->explain);
              t->explain = record;
              g_mutex_unlock (&t->lock);
            }
        }
      if (reason != NNB_STOP_DIVERGED && reason != NNB_STOP_FAILED)
        {
          double test_loss = nnb_training_get_test_loss (t->training);
          double accuracy = nnb_training_get_accuracy (t->training);
          double test_accuracy = nnb_training_get_test_accuracy (t->training);

          g_array_append_val (t->losses, loss);
          if (nnb_training_has_test_set (t->training))
            g_array_append_val (t->test_losses, test_loss);
          if (!isnan (accuracy))
            g_array_append_val (t->accuracies, accuracy);
          if (!isnan (test_accuracy))
            g_array_append_val (t->test_accuracies, test_accuracy);
        }
      /* the epoch that diverged too: its nan or inf norms say where */
      if (reason != NNB_STOP_FAILED)
        record_norms (t);
      if (reason != NNB_STOP_NONE)
        {
          reason = nnb_training_finish (t->training, reason, &error);
          publish (t, stopped_state (reason), error != NULL ? error->message : NULL);
          break;
        }
      if (single || want_values || g_get_monotonic_time () - last_publish >= interval_us)
        {
          publish (t, single ? NNB_TRAINER_PAUSED : NNB_TRAINER_RUNNING, NULL);
          last_publish = g_get_monotonic_time ();
        }
    }

  g_mutex_lock (&t->lock);
  t->run = FALSE;
  if (t->state == NNB_TRAINER_RUNNING || t->state == NNB_TRAINER_PAUSED)
    {
      g_mutex_unlock (&t->lock);
      publish (t, NNB_TRAINER_STOPPED, NULL);
      g_mutex_lock (&t->lock);
    }
  /* from here the worker touches nothing but this flag */
  t->worker_done = TRUE;
  g_mutex_unlock (&t->lock);
  return NULL;
}

NnbTrainer *
nnb_trainer_new (NnbModel *model, NnbDataset *data, const NnbTrainingOptions *options,
                 NnbGenerator *shuffle, int n_grid, double grid_min, double grid_max, GError **error)
{
  NnbTrainer *t;

  g_return_val_if_fail (shuffle != NULL, NULL);

  t = g_new0 (NnbTrainer, 1);

  g_mutex_init (&t->lock);
  g_cond_init (&t->wake);
  t->model = nnb_model_ref (model);
  t->data = data;
  nnb_stop_rule_init (&t->rule, options);
  /* the app's 0 epochs: train until the student stops it */
  if (t->rule.epochs == 0)
    t->rule.epochs = -1;
  t->new_lr = NAN;
  t->watch_node = t->watch_layer = -1;
  t->picture_gen = nnb_generator_new (0);
  t->publish_interval_us = 10000;
  t->losses = g_array_new (FALSE, FALSE, sizeof (double));
  t->test_losses = g_array_new (FALSE, FALSE, sizeof (double));
  t->accuracies = g_array_new (FALSE, FALSE, sizeof (double));
  t->test_accuracies = g_array_new (FALSE, FALSE, sizeof (double));
  t->norm_epochs = g_array_new (FALSE, FALSE, sizeof (double));
  t->value_norms = g_array_new (FALSE, FALSE, sizeof (double));
  t->grad_norms = g_array_new (FALSE, FALSE, sizeof (double));
  /* never reseeded here: the page's loop shuffles from wherever the recipe
   * (or the previous loop) left PyTorch's generator */
  t->shuffle = shuffle;
  t->training = nnb_training_new (model, data, options, t->shuffle, error);
  if (t->training == NULL)
    {
      nnb_trainer_free (t);
      return NULL;
    }
  if (n_grid > 1 && nnb_model_input_features (model) == 1)
    {
      g_autoptr (NnbTensor) host = nnb_tensor_new_2d (n_grid, 1);
      t->n_grid = n_grid;
      t->grid_x = g_new (float, n_grid);
      for (int i = 0; i < n_grid; i++)
        t->grid_x[i] = host->data[i] = (float) (grid_min + (grid_max - grid_min) * i / (n_grid - 1));
      t->grid_input = nnb_tensor_to (host, options->device, error);
      if (t->grid_input == NULL)
        {
          nnb_trainer_free (t);
          return NULL;
        }
    }
  else if (data->x->ndim == 2 && data->y->ndim == 2 && data->x->shape[0] > 0 &&
           (data->x->shape[1] != 1 || data->y->shape[1] != 1))
    {
      /* no curve to draw: predictions against the true values instead */
      int64_t rows = MIN (data->x->shape[0], NNB_TRAINER_MAX_CHECK_ROWS);
      g_autoptr (NnbTensor) host = nnb_tensor_new_2d (rows, data->x->shape[1]);

      memcpy (host->data, data->x->data, rows * data->x->shape[1] * sizeof (float));
      t->n_check = (int) (rows * data->y->shape[1]);
      t->check_true = g_memdup2 (data->y->data, t->n_check * sizeof (float));
      t->check_input = nnb_tensor_to (host, options->device, error);
      if (t->check_input == NULL)
        {
          nnb_trainer_free (t);
          return NULL;
        }
    }
  t->loss = options->loss;
  if (data->n_classes > 0 && nnb_loss_kind_is_classification (options->loss) &&
      nnb_model_input_features (model) == 2 && nnb_class_boundary_extent (data, t->boundary_extent) &&
      !boundary_init (t, options->device, error))
    {
      nnb_trainer_free (t);
      return NULL;
    }
  /* the plane for a watched block's units, allocated once, used only
   * while a block is watched */
  if (t->grid_input == NULL && nnb_model_input_features (model) == 2 && nnb_class_boundary_extent (data, t->units_extent))
    {
      g_autoptr (NnbTensor) host = nnb_units_plane_grid (t->units_extent, NNB_UNITS_GRID_SIZE);

      t->units_input = nnb_tensor_to (host, options->device, error);
      if (t->units_input == NULL)
        {
          nnb_trainer_free (t);
          return NULL;
        }
    }
  t->state = NNB_TRAINER_IDLE;
  t->snapshot = snapshot_build (t, NNB_TRAINER_IDLE, NULL, FALSE, -1, -1, FALSE);
  return t;
}

static void
ensure_thread (NnbTrainer *t)
{
  if (t->thread == NULL && !t->quit)
    t->thread = g_thread_new ("nnb-trainer", worker, t);
}

void
nnb_trainer_start (NnbTrainer *t)
{
  g_mutex_lock (&t->lock);
  t->run = TRUE;
  g_cond_signal (&t->wake);
  g_mutex_unlock (&t->lock);
  ensure_thread (t);
}

void
nnb_trainer_pause (NnbTrainer *t)
{
  g_mutex_lock (&t->lock);
  t->run = FALSE;
  t->steps_left = 0;
  t->explain_left = 0;
  g_cond_signal (&t->wake);
  g_mutex_unlock (&t->lock);
}

void
nnb_trainer_step (NnbTrainer *t)
{
  g_mutex_lock (&t->lock);
  t->run = FALSE;
  t->steps_left++;
  g_cond_signal (&t->wake);
  g_mutex_unlock (&t->lock);
  ensure_thread (t);
}

void
nnb_trainer_explain_step (NnbTrainer *t, gboolean skip_zero_grad)
{
  g_mutex_lock (&t->lock);
  t->run = FALSE;
  /* a running trainer pauses after its step; single steps asked for
   * before and not yet taken are dropped, so that the next step taken is
   * this one, and the steps pending are all explained ones */
  t->steps_left = ++t->explain_left;
  t->explain_skip_zero_grad = skip_zero_grad;
  g_cond_signal (&t->wake);
  g_mutex_unlock (&t->lock);
  ensure_thread (t);
}

void
nnb_trainer_stop (NnbTrainer *t)
{
  g_mutex_lock (&t->lock);
  t->quit = TRUE;
  t->run = FALSE;
  g_cond_signal (&t->wake);
  g_mutex_unlock (&t->lock);
  g_clear_pointer (&t->thread, g_thread_join);
}

void
nnb_trainer_set_lr (NnbTrainer *t, double lr)
{
  g_mutex_lock (&t->lock);
  t->new_lr = lr;
  g_mutex_unlock (&t->lock);
}

void
nnb_trainer_request_values (NnbTrainer *t)
{
  g_mutex_lock (&t->lock);
  t->want_values = TRUE;
  g_mutex_unlock (&t->lock);
}

/* Publishes a snapshot with what was just asked (a new watch, a new
 * mode): here when no worker runs, the model being the caller's (as
 * nnb_trainer_new builds the first); otherwise the worker does, after the
 * step in progress or at once when paused. Called with the lock held;
 * releases it. */
static void
republish_unlock (NnbTrainer *t, gboolean publish_here)
{
  gboolean here = t->thread == NULL || t->worker_done;
  char *message = NULL;
  NnbTrainerState state;

  if (!here)
    {
      t->want_publish = TRUE;
      g_cond_signal (&t->wake);
    }
  state = t->snapshot->state;
  message = g_strdup (t->snapshot->message);
  g_mutex_unlock (&t->lock);
  if (here && publish_here)
    publish (t, state, message);
  g_free (message);
}

void
nnb_trainer_watch_node (NnbTrainer *t, int node, int layer)
{
  g_mutex_lock (&t->lock);
  if (t->watch_node == node && t->watch_layer == (node >= 0 ? layer : -1))
    {
      g_mutex_unlock (&t->lock);
      return;
    }
  t->watch_node = node;
  t->watch_layer = node >= 0 ? layer : -1;
  republish_unlock (t, node >= 0);
}

void
nnb_trainer_set_draw_training (NnbTrainer *t, gboolean training)
{
  g_mutex_lock (&t->lock);
  if (t->draw_training == !!training)
    {
      g_mutex_unlock (&t->lock);
      return;
    }
  t->draw_training = !!training;
  republish_unlock (t, TRUE);
}

void
nnb_trainer_set_publish_interval (NnbTrainer *t, gint64 interval_us)
{
  g_mutex_lock (&t->lock);
  t->publish_interval_us = interval_us;
  g_mutex_unlock (&t->lock);
}

NnbSnapshot *
nnb_trainer_get_snapshot (NnbTrainer *t)
{
  NnbSnapshot *s;

  g_mutex_lock (&t->lock);
  s = nnb_snapshot_ref (t->snapshot);
  g_mutex_unlock (&t->lock);
  return s;
}

NnbTrainerState
nnb_trainer_get_state (NnbTrainer *t)
{
  NnbTrainerState state;

  g_mutex_lock (&t->lock);
  state = t->state;
  g_mutex_unlock (&t->lock);
  return state;
}

void
nnb_trainer_free (NnbTrainer *t)
{
  if (t == NULL)
    return;
  nnb_trainer_stop (t);
  nnb_training_free (t->training);
  nnb_snapshot_unref (t->snapshot);
  nnb_tensor_unref (t->grid_input);
  g_free (t->grid_x);
  nnb_tensor_unref (t->check_input);
  g_free (t->check_true);
  nnb_tensor_unref (t->boundary_input);
  nnb_tensor_unref (t->units_input);
  g_array_unref (t->losses);
  g_array_unref (t->test_losses);
  g_array_unref (t->accuracies);
  g_array_unref (t->test_accuracies);
  g_array_unref (t->norm_epochs);
  g_array_unref (t->value_norms);
  g_array_unref (t->grad_norms);
  g_clear_pointer (&t->values, g_ptr_array_unref);
  nnb_step_explain_unref (t->explain);
  nnb_model_unref (t->model);
  g_free (t->picture_gen);
  g_mutex_clear (&t->lock);
  g_cond_clear (&t->wake);
  g_free (t);
}
