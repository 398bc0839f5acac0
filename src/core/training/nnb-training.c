/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "nnb-training.h"

#include <math.h>
#include <string.h>
#include "nnb-error.h"

struct _NnbTraining
{
  NnbTrainingOptions options;
  NnbModel *model;
  NnbOptimizer *optimizer;
  NnbLoss *loss;
  NnbGenerator *gen;
  NnbTensor *x, *y;             /* the whole data set, on the device */
  NnbTensor *x_test, *y_test;   /* the held-out rows, on the device; NULL without */
  NnbLoss *test_loss_fn;        /* its own loss: its warnings are not the training's */
  double test_loss;             /* after the last epoch; NAN before or without */
  NnbTensor *batch_x, *batch_y; /* mini-batch buffers (NULL for full batch) */
  NnbTensor *last_x, *last_y;   /* the smaller last batch, when n % batch != 0 */
  int64_t *perm;
  GPtrArray *snapshot; /* parameters before the last step, to undo a blow-up */
  GPtrArray *warnings; /* char*: each distinct loss warning, in the order it came */
  int epoch;
  /* class data with a classification loss: the right predictions of the
   * epoch's forward passes so far, and the last epoch's shares (NAN
   * without) */
  int64_t correct;
  double accuracy, test_accuracy;
  /* the same predictions by true and predicted class (nnb-confusion.h):
   * the epoch's so far, and the last epoch's on the training and the test
   * rows; NULL without class data, or with too many classes */
  NnbConfusion *running, *confusion, *test_confusion;
  /* nnb_training_set_observer's, and where the epoch's steps are */
  NnbStepObserver observer;
  gpointer observer_data;
  int batch;
};

void
nnb_training_options_init (NnbTrainingOptions *options)
{
  memset (options, 0, sizeof *options);
  options->epochs = 200;
  options->loss = NNB_LOSS_MSE;
  nnb_optimizer_options_init (&options->optimizer, NNB_OPTIMIZER_SGD);
  options->device = nnb_device_cpu ();
}

static NnbTensor *
rows_buffer (int64_t rows, const NnbTensor *like, NnbDevice device, GError **error)
{
  int64_t shape[2] = { rows, like->shape[1] };
  return nnb_tensor_new (2, shape, device, error);
}

NnbTraining *
nnb_training_new (NnbModel *model, NnbDataset *data, const NnbTrainingOptions *options,
                  NnbGenerator *gen, GError **error)
{
  g_autoptr (NnbTraining) t = g_new0 (NnbTraining, 1);
  int64_t n = data->x->shape[0];
  GPtrArray *params;

  if (options->epochs < 0)
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT,
                   "The number of epochs must be 0 or more, not %d.", options->epochs);
      return NULL;
    }
  if (options->batch_size < 0)
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT,
                   "The batch size must be a positive whole number (or 0 for the whole data set), not %" G_GINT64_FORMAT ".",
                   options->batch_size);
      return NULL;
    }
  t->options = *options;
  t->model = nnb_model_ref (model);
  t->gen = gen;
  if (!(options->label_smoothing >= 0 && options->label_smoothing <= 1))
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT,
                   "label_smoothing must be between 0.0 and 1.0. Got: %g", options->label_smoothing);
      return NULL;
    }
  t->loss = nnb_loss_new (options->loss);
  nnb_loss_set_targets (t->loss, data->n_classes, data->float_targets);
  nnb_loss_set_label_smoothing (t->loss, options->label_smoothing);
  t->warnings = g_ptr_array_new_with_free_func (g_free);
  t->accuracy = t->test_accuracy = NAN;
  if (data->n_classes > 0 && data->n_classes <= NNB_CONFUSION_MAX_CLASSES)
    {
      /* as the loss sizes its own (nnb_loss_set_targets) */
      int k = (int) MAX (data->n_classes, 2);

      t->running = nnb_confusion_new (k);
      t->confusion = nnb_confusion_new (k);
      t->test_confusion = nnb_confusion_new (k);
    }

  /* the page's order: model to the device first, then the optimizer */
  if (!nnb_model_to (model, options->device, error))
    return NULL;
  t->optimizer = nnb_optimizer_new (model, &options->optimizer, error);
  if (t->optimizer == NULL)
    return NULL;
  t->x = nnb_tensor_to (data->x, options->device, error);
  t->y = t->x ? nnb_tensor_to (data->y, options->device, error) : NULL;
  if (t->y == NULL)
    return NULL;
  t->test_loss = NAN;
  if (data->x_test != NULL && data->y_test != NULL)
    {
      t->x_test = nnb_tensor_to (data->x_test, options->device, error);
      t->y_test = t->x_test ? nnb_tensor_to (data->y_test, options->device, error) : NULL;
      if (t->y_test == NULL)
        return NULL;
      t->test_loss_fn = nnb_loss_new (options->loss);
      nnb_loss_set_targets (t->test_loss_fn, data->n_classes, data->float_targets);
      nnb_loss_set_label_smoothing (t->test_loss_fn, options->label_smoothing);
    }

  if (options->batch_size > 0 && options->batch_size < n)
    {
      int64_t tail = n % options->batch_size;
      t->perm = g_new (int64_t, n);
      t->batch_x = rows_buffer (options->batch_size, data->x, options->device, error);
      t->batch_y = t->batch_x ? rows_buffer (options->batch_size, data->y, options->device, error) : NULL;
      if (t->batch_y == NULL)
        return NULL;
      if (tail > 0)
        {
          t->last_x = rows_buffer (tail, data->x, options->device, error);
          t->last_y = t->last_x ? rows_buffer (tail, data->y, options->device, error) : NULL;
          if (t->last_y == NULL)
            return NULL;
        }
    }

  t->snapshot = g_ptr_array_new_with_free_func ((GDestroyNotify) nnb_tensor_unref);
  params = nnb_model_named_parameters (model);
  for (guint i = 0; i < params->len; i++)
    {
      NnbTensor *copy = nnb_tensor_copy (((NnbNamedParameter *) params->pdata[i])->param->value, error);
      if (copy == NULL)
        return NULL;
      g_ptr_array_add (t->snapshot, copy);
    }
  return g_steal_pointer (&t);
}

void
nnb_training_free (NnbTraining *t)
{
  if (t == NULL)
    return;
  nnb_optimizer_free (t->optimizer);
  nnb_loss_free (t->loss);
  nnb_model_unref (t->model);
  nnb_tensor_unref (t->x);
  nnb_tensor_unref (t->y);
  nnb_tensor_unref (t->x_test);
  nnb_tensor_unref (t->y_test);
  if (t->test_loss_fn)
    nnb_loss_free (t->test_loss_fn);
  nnb_tensor_unref (t->batch_x);
  nnb_tensor_unref (t->batch_y);
  nnb_tensor_unref (t->last_x);
  nnb_tensor_unref (t->last_y);
  g_free (t->perm);
  if (t->snapshot)
    g_ptr_array_unref (t->snapshot);
  if (t->warnings)
    g_ptr_array_unref (t->warnings);
  nnb_confusion_free (t->running);
  nnb_confusion_free (t->confusion);
  nnb_confusion_free (t->test_confusion);
  g_free (t);
}

static void
copy_parameters (NnbTraining *t, gboolean to_snapshot)
{
  GPtrArray *params = nnb_model_named_parameters (t->model);
  const NnbBackend *backend = nnb_backend_get (t->model->device, NULL);

  for (guint i = 0; i < params->len; i++)
    {
      NnbTensor *value = ((NnbNamedParameter *) params->pdata[i])->param->value;
      NnbTensor *saved = t->snapshot->pdata[i];
      if (to_snapshot)
        backend->copy (saved->data, value->data, value->numel);
      else
        backend->copy (value->data, saved->data, value->numel);
    }
}

/* warnings.warn's default filter shows a message once per place: a smaller
 * last batch has shapes of its own, so its warning is a second message */
static void
keep_warning (NnbTraining *t)
{
  const char *warning = nnb_loss_get_warning (t->loss);

  if (warning == NULL)
    return;
  for (guint i = 0; i < t->warnings->len; i++)
    if (strcmp (t->warnings->pdata[i], warning) == 0)
      return;
  g_ptr_array_add (t->warnings, g_strdup (warning));
}

void
nnb_training_set_observer (NnbTraining *t, NnbStepObserver observer, gpointer user_data)
{
  t->observer = observer;
  t->observer_data = user_data;
}

/* The observer's look at the step, where it has one */
static gboolean
observe (NnbTraining *t, NnbStepStage stage, NnbStepContext *context, GError **error)
{
  return t->observer == NULL || t->observer (stage, context, t->observer_data, error);
}

/* forward → loss → zero_grad → backward → step, as the page's loop */
static gboolean
train_step (NnbTraining *t, NnbTensor *x, NnbTensor *y, double *loss, GError **error)
{
  NnbTensor *pred = nnb_model_forward (t->model, x, error);
  NnbStepContext context = { t->model, t->optimizer, t->loss, x, y, 0, t->epoch, t->batch, TRUE };

  if (pred == NULL || !nnb_loss_forward (t->loss, pred, y, loss, error))
    return FALSE;
  context.loss = *loss;
  if (!observe (t, NNB_STEP_STAGE_LOSS, &context, error))
    return FALSE;
  keep_warning (t);
  if (nnb_loss_get_correct (t->loss) >= 0 && t->correct >= 0)
    t->correct += nnb_loss_get_correct (t->loss);
  else
    t->correct = -1;
  /* the same forward's predictions, by class: no forward of its own */
  if (t->running != NULL && nnb_loss_get_confusion (t->loss) != NULL)
    nnb_confusion_add (t->running, nnb_loss_get_confusion (t->loss));
  if (isnan (*loss))
    return TRUE;
  if (!observe (t, NNB_STEP_STAGE_ZERO_GRAD, &context, error))
    return FALSE;
  if (context.zero_grad)
    nnb_optimizer_zero_grad (t->optimizer);
  if (!nnb_model_backward (t->model, nnb_loss_grad (t->loss), error) ||
      !observe (t, NNB_STEP_STAGE_BACKWARD, &context, error))
    return FALSE;
  /* an infinite loss may come from infinite weights: the ones kept for a
   * divergence are the last that gave a finite loss, so they still save */
  if (isfinite (*loss))
    copy_parameters (t, TRUE);
  return nnb_optimizer_step (t->optimizer, error) && observe (t, NNB_STEP_STAGE_STEP, &context, error);
}

/* Copies the rows perm[start … start+count) of src into dst. */
static void
gather_rows (NnbTensor *dst, const NnbTensor *src, const int64_t *perm, int64_t start, int64_t count)
{
  const NnbBackend *backend = nnb_backend_get (src->device, NULL);
  int64_t cols = src->shape[1];

  for (int64_t r = 0; r < count; r++)
    backend->copy (dst->data + r * cols, src->data + perm[start + r] * cols, cols);
}

/* A rate worth trying after lr diverged: the largest power of ten that is
 * at most lr / 10 (halving 1e30 gives "5e+29", which diverges just the
 * same), written as a person would type it: "1", "0.01", "1e29". NULL
 * when there is none to give (lr 0, or so small that lr / 10 is 0). */
static char *
smaller_learning_rate (double lr)
{
  double target = lr / 10;
  int e;

  if (!(target > 0) || !isfinite (target))
    return NULL;
  e = (int) floor (log10 (target));
  /* log10 rounds: make 10^e the largest power of ten ≤ target */
  if (pow (10, e + 1) <= target)
    e++;
  if (pow (10, e) > target)
    e--;
  if (!(pow (10, e) > 0))
    return NULL;
  if (e >= 5 || e <= -5)
    return g_strdup_printf ("1e%d", e);
  if (e >= 0)
    return g_strdup_printf ("%.0f", pow (10, e));
  return g_strdup_printf ("%.*f", -e, pow (10, e));
}

static void
set_diverged (NnbTraining *t, int epoch, const char *what, GError **error)
{
  g_autofree char *advice = smaller_learning_rate (t->options.optimizer.lr);
  g_autofree char *example = advice ? g_strdup_printf (", for example %s", advice) : NULL;

  g_set_error (error, NNB_ERROR, NNB_ERROR_DIVERGED,
               "Training diverged at epoch %d: %s. The learning rate (%g) is too large for this model, "
               "so each step overshoots and the weights blow up. Try a smaller learning rate%s.",
               epoch, what, t->options.optimizer.lr, example ? example : "");
}

static gboolean training_epoch (NnbTraining *t, double *loss_out, GError **error);

/* model.train() for the epoch's steps and model.eval() after them, for the
 * test loss and whatever draws predictions next, as a PyTorch loop does.
 * Dropout's masks come from the shuffles' generator: PyTorch draws both
 * from its one global generator, in the order the loop asks. */
gboolean
nnb_training_epoch (NnbTraining *t, double *loss_out, GError **error)
{
  NnbGenerator *before = nnb_model_set_generator (t->model, t->gen != NULL ? t->gen : nnb_generator_default ());
  gboolean ok;

  nnb_model_train (t->model, TRUE);
  ok = training_epoch (t, loss_out, error);
  nnb_model_eval (t->model);
  nnb_model_set_generator (t->model, before);
  return ok;
}

static gboolean
training_epoch (NnbTraining *t, double *loss_out, GError **error)
{
  double loss = 0.0;

  t->correct = 0;
  if (t->running != NULL)
    nnb_confusion_clear (t->running);
  t->batch = 0;
  if (t->batch_x == NULL)
    {
      if (!train_step (t, t->x, t->y, &loss, error))
        return FALSE;
    }
  else
    {
      int64_t n = t->x->shape[0], b = t->options.batch_size;
      double sum = 0.0;
      int batches = 0;

      nnb_rng_randperm (t->gen, t->perm, n);
      for (int64_t start = 0; start < n; start += b, batches++)
        {
          int64_t count = MIN (b, n - start);
          NnbTensor *bx = count == b ? t->batch_x : t->last_x;
          NnbTensor *by = count == b ? t->batch_y : t->last_y;
          double batch_loss;
          gather_rows (bx, t->x, t->perm, start, count);
          gather_rows (by, t->y, t->perm, start, count);
          t->batch = batches;
          if (!train_step (t, bx, by, &batch_loss, error))
            return FALSE;
          sum += batch_loss;
          if (isnan (batch_loss))
            break;
        }
      loss = sum / batches;
    }

  /* Diverged means nan, as in PyTorch's printout: an infinite loss alone
   * is the float sum of the squares overflowing while the weights are
   * still numbers, and PyTorch's loop keeps going through it (the page's
   * lr 0.1 run prints inf from epoch 21, nan from epoch 25). */
  if (isnan (loss))
    {
      /* keep the last weights that gave a loss that was a number */
      copy_parameters (t, FALSE);
      set_diverged (t, t->epoch, "the loss became nan", error);
      if (loss_out)
        *loss_out = loss;
      return FALSE;
    }
  /* model.eval(); with torch.no_grad(): test_loss = loss_fn(model(X_test),
   * y_test), after the epoch's steps: a forward and the loss, no backward */
  nnb_model_eval (t->model);
  if (t->x_test != NULL)
    {
      NnbTensor *pred = nnb_model_forward (t->model, t->x_test, error);
      int64_t correct;

      if (pred == NULL || !nnb_loss_forward (t->test_loss_fn, pred, t->y_test, &t->test_loss, error))
        return FALSE;
      correct = nnb_loss_get_correct (t->test_loss_fn);
      t->test_accuracy = correct >= 0 ? (double) correct / (double) t->x_test->shape[0] : NAN;
      if (t->test_confusion != NULL && nnb_loss_get_confusion (t->test_loss_fn) != NULL)
        {
          nnb_confusion_clear (t->test_confusion);
          nnb_confusion_add (t->test_confusion, nnb_loss_get_confusion (t->test_loss_fn));
        }
    }
  /* correct / len(X): the right predictions of the epoch's forward passes */
  t->accuracy = t->correct >= 0 ? (double) t->correct / (double) t->x->shape[0] : NAN;
  if (t->running != NULL)
    {
      NnbConfusion *done = t->running;

      t->running = t->confusion;
      t->confusion = done;
    }
  t->epoch++;
  if (loss_out)
    *loss_out = loss;
  return TRUE;
}

/* nnb_training_finish's look at the weights after the last step */
static gboolean
check_weights (NnbTraining *t, GError **error)
{
  GPtrArray *params = nnb_model_named_parameters (t->model);
  gboolean finite = TRUE;

  for (guint i = 0; i < params->len && finite; i++)
    {
      NnbTensor *value = ((NnbNamedParameter *) params->pdata[i])->param->value;
      g_autofree float *host = g_try_new (float, value->numel);

      /* no room to look: the weights stay as they are, unchecked */
      if (host == NULL)
        return TRUE;
      nnb_tensor_read (value, host);
      for (int64_t k = 0; k < value->numel && finite; k++)
        finite = isfinite (host[k]);
    }
  if (finite)
    return TRUE;
  copy_parameters (t, FALSE);
  set_diverged (t, MAX (t->epoch - 1, 0), "the weights became nan or infinite", error);
  return FALSE;
}

void
nnb_stop_rule_init (NnbStopRule *rule, const NnbTrainingOptions *options)
{
  rule->epochs = options->epochs;
  rule->until_loss = options->until_loss;
}

NnbStopReason
nnb_training_should_stop (const NnbStopRule *rule, int epochs_done, double loss)
{
  if (epochs_done > 0 && isnan (loss))
    return NNB_STOP_DIVERGED;
  if (epochs_done > 0 && rule->until_loss > 0 && loss < rule->until_loss)
    return NNB_STOP_CONVERGED;
  if (rule->epochs >= 0 && epochs_done >= rule->epochs)
    return NNB_STOP_FINISHED;
  return NNB_STOP_NONE;
}

NnbStopReason
nnb_training_run_epoch (NnbTraining *t, const NnbStopRule *rule, double *loss, GError **error)
{
  g_autoptr (GError) local = NULL;

  *loss = NAN;
  if (!nnb_training_epoch (t, loss, &local))
    {
      gboolean diverged = g_error_matches (local, NNB_ERROR, NNB_ERROR_DIVERGED);
      g_propagate_error (error, g_steal_pointer (&local));
      return diverged ? NNB_STOP_DIVERGED : NNB_STOP_FAILED;
    }
  return nnb_training_should_stop (rule, t->epoch, *loss);
}

NnbStopReason
nnb_training_finish (NnbTraining *t, NnbStopReason reason, GError **error)
{
  if (reason == NNB_STOP_DIVERGED || reason == NNB_STOP_FAILED)
    return reason;
  return check_weights (t, error) ? reason : NNB_STOP_DIVERGED;
}

gboolean
nnb_training_has_test_set (const NnbTraining *t)
{
  return t->x_test != NULL;
}

double
nnb_training_get_accuracy (const NnbTraining *t)
{
  return t->accuracy;
}

double
nnb_training_get_test_accuracy (const NnbTraining *t)
{
  return t->test_accuracy;
}

const NnbConfusion *
nnb_training_get_confusion (const NnbTraining *t)
{
  return isnan (t->accuracy) ? NULL : t->confusion;
}

const NnbConfusion *
nnb_training_get_test_confusion (const NnbTraining *t)
{
  return isnan (t->test_accuracy) ? NULL : t->test_confusion;
}

double
nnb_training_get_test_loss (const NnbTraining *t)
{
  return t->test_loss;
}

int
nnb_training_get_epoch (const NnbTraining *t)
{
  return t->epoch;
}

NnbOptimizer *
nnb_training_get_optimizer (NnbTraining *t)
{
  return t->optimizer;
}

const NnbTrainingOptions *
nnb_training_get_options (const NnbTraining *t)
{
  return &t->options;
}

GPtrArray *
nnb_training_get_warnings (NnbTraining *t)
{
  return t->warnings;
}
