/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-lesson-action.c — what "Show me" prints and runs for a lesson step. */
#include "nnb-config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "nnb-error.h"
#include "nnb-lesson-action.h"
#include "nnb-lesson-check.h"
#include "nnb-lesson-classes.h"
#include "nnb-lesson-modes.h"
#include "nnb-loss.h"
#include "nnb-python.h"
#include "nnb-training.h"

/* print(param) as PyTorch 1.13 writes a small 1-D or 2-D parameter: four
 * decimals, every number right-aligned to the widest. */
static void
append_parameter_values (GString *out, const char *name, NnbParameter *param)
{
  NnbTensor *t = param->value;
  g_autofree float *values = g_new (float, t->numel);
  int64_t rows = t->ndim == 2 ? t->shape[0] : 1;
  int64_t cols = t->ndim == 2 ? t->shape[1] : t->numel;
  int width = 0;

  nnb_tensor_read (t, values);
  for (int64_t i = 0; i < t->numel; i++)
    {
      g_autofree char *number = g_strdup_printf ("%.4f", values[i]);
      width = MAX (width, (int) strlen (number));
    }
  g_string_append_printf (out, "%s\nParameter containing:\ntensor(%s", name, t->ndim == 2 ? "[" : "");
  for (int64_t r = 0; r < rows; r++)
    {
      if (r > 0)
        g_string_append (out, ",\n        ");
      g_string_append_c (out, '[');
      for (int64_t c = 0; c < cols; c++)
        g_string_append_printf (out, "%s%*.4f", c > 0 ? ", " : "", width, values[r * cols + c]);
      g_string_append_c (out, ']');
    }
  g_string_append_printf (out, "%s, requires_grad=True)\n", t->ndim == 2 ? "]" : "");
}

char *
nnb_lesson_describe (const NnbLessonStep *step, NnbProject *project, const NnbDataset *data, GError **error)
{
  NnbModel *model = project->model;
  g_autoptr (GString) out = g_string_new (NULL);

  if (step->show & NNB_LESSON_SHOW_MODEL)
    {
      g_autofree char *repr = nnb_model_repr (model);
      g_string_append_printf (out, "%s\n", repr);
    }
  if (step->show & NNB_LESSON_SHOW_PARAMETERS)
    {
      GPtrArray *params = nnb_model_named_parameters (model);
      g_autofree char *total = nnb_python_int_with_commas (nnb_model_count_parameters (model));

      if (out->len > 0)
        g_string_append_c (out, '\n');
      for (guint i = 0; i < params->len; i++)
        {
          NnbNamedParameter *named = params->pdata[i];
          g_autofree char *shape = nnb_tensor_shape_string (named->param->value);
          /* the page's f"{name:12s} {str(tuple(p.shape)):10s} requires_grad={…}" */
          g_string_append_printf (out, "%-12s %-10s requires_grad=%s\n", named->name, shape,
                                  named->param->requires_grad ? "True" : "False");
        }
      g_string_append_printf (out, "total parameters: %s\n", total);
    }
  if (step->show & NNB_LESSON_SHOW_COUNT)
    {
      /* the SineNet solution's print("params:", sum(p.numel() for p in
       * model.parameters())): print's space, and no commas */
      if (out->len > 0)
        g_string_append_c (out, '\n');
      g_string_append_printf (out, "params: %" G_GINT64_FORMAT "\n", (gint64) nnb_model_count_parameters (model));
    }
  if (step->show & NNB_LESSON_SHOW_TRACE)
    {
      g_autoptr (GPtrArray) lines = NULL;
      int64_t shape[NNB_MAX_DIMS] = { 5, nnb_model_input_features (model) };
      int ndim = 2;

      if (step->show_ndim > 0)
        {
          ndim = step->show_ndim;
          memcpy (shape, step->show_input, sizeof shape);
        }
      else if (shape[1] <= 0)
        shape[1] = 1;
      lines = nnb_model_trace (model, ndim, shape, error);
      if (lines == NULL)
        return NULL;
      if (out->len > 0)
        g_string_append_c (out, '\n');
      for (guint i = 0; i < lines->len; i++)
        g_string_append_printf (out, "%s\n", (char *) lines->pdata[i]);
    }
  if (step->show & NNB_LESSON_SHOW_VALUES)
    {
      GPtrArray *params = nnb_model_named_parameters (model);

      for (guint i = 0; i < params->len; i++)
        {
          NnbNamedParameter *named = params->pdata[i];

          if (out->len > 0)
            g_string_append_c (out, '\n');
          append_parameter_values (out, named->name, named->param);
        }
    }
  if (step->show & NNB_LESSON_SHOW_STD)
    {
      NnbParameter *param = nnb_model_get_parameter (model, step->show_parameter);

      if (param == NULL || param->value->numel < 2)
        {
          g_set_error (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT,
                       _("%s has no parameter %s with more than one value."), model->class_name, step->show_parameter);
          return NULL;
        }
      if (out->len > 0)
        g_string_append_c (out, '\n');
      g_string_append_printf (out, "%s.std()\ntensor(%.4f, grad_fn=<StdBackward0>)\n", step->show_parameter,
                              nnb_lesson_parameter_std (param));
    }
  if (step->show & NNB_LESSON_SHOW_PROBABILITIES)
    {
      g_autofree char *probabilities = nnb_lesson_describe_probabilities (project, data, step->show_rows, error);

      if (probabilities == NULL)
        return NULL;
      if (out->len > 0)
        g_string_append_c (out, '\n');
      g_string_append (out, probabilities);
    }
  if (step->show & (NNB_LESSON_SHOW_TRAINING | NNB_LESSON_SHOW_STATE_DICT | NNB_LESSON_SHOW_TRAIN_EVAL))
    {
      /* the flags as loaded, before train-eval leaves the model in eval mode */
      g_autofree char *training = step->show & NNB_LESSON_SHOW_TRAINING ? nnb_lesson_describe_training (project) : NULL;
      g_autofree char *state = step->show & NNB_LESSON_SHOW_STATE_DICT ? nnb_lesson_describe_state_dict (project) : NULL;
      g_autofree char *passes = NULL;

      if (step->show & NNB_LESSON_SHOW_TRAIN_EVAL)
        {
          passes = nnb_lesson_describe_train_eval (project, data, step->show_rows, step->show_seed, error);
          if (passes == NULL)
            return NULL;
        }
      for (int i = 0; i < 3; i++)
        {
          const char *part = i == 0 ? training : i == 1 ? state
                                                        : passes;

          if (part == NULL)
            continue;
          if (out->len > 0)
            g_string_append_c (out, '\n');
          g_string_append (out, part);
        }
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static char *
forward_mistake (const NnbLessonStep *step, NnbProject *project, NnbLessonRun *run)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbTensor) x = nnb_tensor_new (step->mistake_ndim, step->mistake_input, project->model->device, &error);
  g_autofree char *shape = nnb_shape_to_string (step->mistake_ndim, step->mistake_input);
  NnbTensor *y = x != NULL ? nnb_model_forward (project->model, x, &error) : NULL;

  if (y != NULL)
    {
      g_autofree char *out = nnb_tensor_shape_string (y);
      return g_strdup_printf (_("model(x) with x of shape %s ran, giving shape %s: there was no mistake to see."), shape, out);
    }
  g_free (run->error);
  run->error = g_strdup (error->message);
  return g_strdup_printf ("model(x)  # x.shape == %s\nRuntimeError: %s\n", shape, error->message);
}

static char *
device_mistake (NnbProject *project, NnbLessonRun *run)
{
  static const char pytorch[] =
    "RuntimeError: Expected all tensors to be on the same device, but found at least two devices, cuda:0 and cpu! "
    "(when checking argument for argument mat1 in method wrapper_addmm)";
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbTensor) x = NULL;
  g_autoptr (NnbTensor) x_gpu = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *fixed = NULL;
  int64_t shape[2] = { 5, nnb_model_input_features (project->model) };
  NnbDevice before = project->model->device;
  NnbDevice gpu;
  NnbTensor *y;
  char name[16];
  gboolean ran;

  /* Without a GPU the engine has no second device to disagree with: the
   * student reads PyTorch's words instead, and is told so. */
  if (!nnb_lesson_find_cuda (&gpu, &reason))
    return g_strdup_printf (_("This computer has no CUDA GPU (%s), so NN Blocks cannot make this mistake for real. On a computer with one, PyTorch stops with:\n%s\n"),
                            reason, pytorch);

  if (shape[1] <= 0)
    shape[1] = 1;
  g_clear_pointer (&run->fixed, g_free);
  if (!nnb_model_to (project->model, gpu, &error))
    return g_strdup_printf (_("The model could not move to the GPU: %s"), error->message);
  x = nnb_tensor_new_2d (shape[0], shape[1]); /* on the CPU: that is the mistake */
  ran = nnb_model_forward (project->model, x, &error) != NULL;
  if (ran)
    {
      nnb_model_to (project->model, before, NULL);
      return g_strdup (_("The model ran with its input on another device: there was no mistake to see."));
    }
  g_free (run->error);
  run->error = g_strdup (error->message);
  g_clear_error (&error);
  /* the cure the text gives: the input goes where the model is */
  x_gpu = nnb_tensor_to (x, gpu, &error);
  y = x_gpu != NULL ? nnb_model_forward (project->model, x_gpu, &error) : NULL;
  if (y != NULL)
    {
      fixed = nnb_shape_torch_size (y->ndim, y->shape);
      run->fixed = nnb_tensor_shape_string (y);
    }
  else
    fixed = g_strdup_printf ("RuntimeError: %s", error->message);
  nnb_model_to (project->model, before, NULL);
  nnb_device_name (gpu, name, sizeof name);
  return g_strdup_printf ("model = model.to(\"%s\")\nx = torch.randn(5, %lld)\nmodel(x)  # x is still on the CPU\nRuntimeError: %s\n"
                          "model(x.to(\"%s\")).shape\n%s\n",
                          name, (long long) shape[1], run->error, name, fixed);
}

static char *
accumulate_mistake (NnbLessonRun *run)
{
  g_autoptr (GError) error = NULL;
  g_autofree NnbGenerator *gen = nnb_generator_new (0);
  g_autoptr (NnbModule) layer = nnb_linear_new (1, 1, TRUE, gen, &error);
  NnbModule *modules[1] = { layer };
  g_autoptr (NnbModel) model = nnb_model_new_sequential (modules, 1);
  g_autoptr (NnbTensor) x = nnb_tensor_new_2d (4, 1);
  g_autoptr (NnbTensor) y = nnb_tensor_new_2d (4, 1);
  g_autoptr (NnbLoss) loss = nnb_loss_new (NNB_LOSS_MSE);
  NnbParameter *weight = nnb_model_get_parameter (model, "0.weight");
  /* print shows 4 decimals (tensor([[1.0579]])) unless asked for the 7 the
   * lesson quotes (tests/reference/day02_text_numbers.py) */
  GString *out = g_string_new ("torch.set_printoptions(precision=7)\n"
                               "torch.manual_seed(0)\nmodel = nn.Linear(1, 1)\n"
                               "X = torch.ones(4, 1); y = torch.zeros(4, 1)\n");

  nnb_tensor_fill (x, 1.0f);
  run->n_grads = 0;
  for (int i = 0; i < 3; i++)
    {
      double value;
      NnbTensor *pred = nnb_model_forward (model, x, &error);
      float grad;

      if (pred == NULL || !nnb_loss_forward (loss, pred, y, &value, &error) ||
          !nnb_model_backward (model, nnb_loss_grad (loss), &error))
        {
          g_string_append_printf (out, "%s\n", error->message);
          return g_string_free (out, FALSE);
        }
      nnb_tensor_read (weight->grad, &grad);
      run->grads[run->n_grads++] = grad;
      g_string_append_printf (out, "loss_fn(model(X), y).backward()  # no zero_grad()\nprint(model.weight.grad)  # tensor([[%.7f]])\n",
                              grad);
    }
  return g_string_free (out, FALSE);
}

char *
nnb_lesson_make_mistake (const NnbLessonStep *step, NnbProject *project, const NnbDataset *data, NnbLessonRun *run)
{
  switch (step->mistake)
    {
    case NNB_LESSON_MISTAKE_TARGET:
      return project != NULL ? nnb_lesson_target_mistake (project, data, run) : g_strdup (_("There is no model to run."));
    case NNB_LESSON_MISTAKE_FORWARD:
      return project != NULL ? forward_mistake (step, project, run) : g_strdup (_("There is no model to run."));
    case NNB_LESSON_MISTAKE_DEVICE:
      return project != NULL ? device_mistake (project, run) : g_strdup (_("There is no model to run."));
    case NNB_LESSON_MISTAKE_ACCUMULATE:
      return accumulate_mistake (run);
    case NNB_LESSON_MISTAKE_EVAL_FORGOTTEN:
      return project != NULL ? nnb_lesson_eval_forgotten_mistake (project, data, run)
                             : g_strdup (_("There is no model to run."));
    case NNB_LESSON_MISTAKE_MISSING_BUFFER:
      return project != NULL ? nnb_lesson_missing_buffer_mistake (project, data, run)
                             : g_strdup (_("There is no model to run."));
    case NNB_LESSON_MISTAKE_NONE:
      break;
    }
  return g_strdup ("");
}

/* f"{loss:.4f}" as Python writes it: nan and inf have no sign games;
 * then the epoch's accuracy, as `nnblocks-cli train` prints it */
static void
append_epoch (GString *out, int epoch, double loss, double accuracy)
{
  if (isnan (loss))
    g_string_append_printf (out, "epoch %3d loss nan\n", epoch);
  else if (isinf (loss))
    g_string_append_printf (out, "epoch %3d loss %sinf\n", epoch, loss < 0 ? "-" : "");
  else if (!isnan (accuracy))
    g_string_append_printf (out, "epoch %3d loss %.4f accuracy %.4f\n", epoch, loss, accuracy);
  else
    g_string_append_printf (out, "epoch %3d loss %.4f\n", epoch, loss);
}

char *
nnb_lesson_training_log (const NnbTrainingOptions *options, const double *losses, const double *accuracies, int n,
                         gboolean converged, gboolean diverged)
{
  GString *out = g_string_new (NULL);
  int every = options->log_every;

  for (int epoch = 0; epoch < n; epoch++)
    if (every > 0 && (epoch % every == 0 || epoch == options->epochs - 1 || (epoch == n - 1 && (converged || diverged))))
      append_epoch (out, epoch, losses[epoch], accuracies != NULL ? accuracies[epoch] : NAN);
  if (diverged)
    g_string_append (out, _("Training diverged: the loss is no longer a finite number.\n"));
  else if (converged && n > 0)
    g_string_append_printf (out, "converged at epoch %d, loss %.4f\n", n - 1, losses[n - 1]);
  else if (options->until_loss > 0 && n > 0)
    g_string_append_printf (out, "final loss %.4f\n", losses[n - 1]);
  return g_string_free (out, FALSE);
}

char *
nnb_lesson_learned_line (NnbProject *project)
{
  NnbModel *model = project->model;
  GPtrArray *params = nnb_model_named_parameters (model);
  NnbModule *module;
  float w, b;
  GString *out;

  if (model->modules->len != 1)
    return NULL;
  module = model->modules->pdata[0];
  if (module->kind != NNB_MODULE_LINEAR || module->in_features != 1 || module->out_features != 1 ||
      !module->has_bias || params->len != 2)
    return NULL;
  nnb_tensor_read (((NnbNamedParameter *) params->pdata[0])->param->value, &w);
  nnb_tensor_read (((NnbNamedParameter *) params->pdata[1])->param->value, &b);
  out = g_string_new (NULL);
  g_string_append_printf (out, "learned: y = %.3fx + %.3f", w, b);
  if (project->data.kind == NNB_DATA_LINE)
    g_string_append_printf (out, " (true: y = %gx + %g)", project->data.a, project->data.b);
  return g_string_free (out, FALSE);
}

char *
nnb_lesson_train (NnbProject *project, NnbDataset *data, NnbLessonRun *run, GError **error)
{
  const NnbTrainingOptions *opts = &project->training;
  g_autoptr (NnbTraining) training = NULL;
  g_autofree NnbGenerator *gen = NULL;
  g_autoptr (GArray) losses = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) accuracies = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *log = NULL;
  g_autofree char *line = NULL;
  g_autoptr (GError) stopped = NULL;
  NnbStopRule rule;
  NnbStopReason reason;
  gboolean converged, diverged;

  /* shuffles draw from the generator the recipe left behind, as in PyTorch */
  gen = g_memdup2 (nnb_generator_default (), sizeof (NnbGenerator));
  training = nnb_training_new (project->model, data, opts, gen, error);
  if (training == NULL)
    return NULL;
  nnb_stop_rule_init (&rule, opts);
  reason = nnb_training_should_stop (&rule, 0, NAN);
  while (reason == NNB_STOP_NONE)
    {
      double loss;

      double accuracy;

      reason = nnb_training_run_epoch (training, &rule, &loss, &stopped);
      if (reason == NNB_STOP_FAILED)
        {
          g_propagate_error (error, g_steal_pointer (&stopped));
          return NULL;
        }
      accuracy = nnb_training_get_accuracy (training);
      g_array_append_val (losses, loss);
      g_array_append_val (accuracies, accuracy);
    }
  /* the divergence is told in the log's own words, not the error's */
  reason = nnb_training_finish (training, reason, &stopped);
  converged = reason == NNB_STOP_CONVERGED;
  diverged = reason == NNB_STOP_DIVERGED;

  nnb_lesson_run_forget (run);
  run->trained = TRUE;
  run->diverged = diverged;
  run->epochs = (int) losses->len;
  run->finite_epochs = nnb_lesson_finite_epochs ((const double *) losses->data, (int) losses->len);
  run->final_loss = losses->len > 0 ? g_array_index (losses, double, losses->len - 1) : NAN;
  run->accuracy = accuracies->len > 0 ? g_array_index (accuracies, double, accuracies->len - 1) : NAN;
  log = nnb_lesson_training_log (opts, (const double *) losses->data, (const double *) accuracies->data,
                                 (int) losses->len, converged, diverged);
  line = diverged ? NULL : nnb_lesson_learned_line (project);
  if (line != NULL)
    return g_strconcat (log, line, "\n", NULL);
  return g_steal_pointer (&log);
}
