/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-lesson-check.c — a lesson step's checks: what is right, or exactly
 * what is missing. */
#include "nnb-config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "nnb-backend.h"
#include "nnb-lesson-check-private.h"
#include "nnb-loss.h"

void
nnb_lesson_run_init (NnbLessonRun *run)
{
  memset (run, 0, sizeof *run);
  run->accuracy = NAN;
  run->kept = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

void
nnb_lesson_run_clear (NnbLessonRun *run)
{
  g_clear_pointer (&run->error, g_free);
  g_clear_pointer (&run->fixed, g_free);
  g_clear_pointer (&run->kept, g_hash_table_unref);
  memset (run, 0, sizeof *run);
}

void
nnb_lesson_run_forget (NnbLessonRun *run)
{
  run->trained = FALSE;
  run->diverged = FALSE;
  run->final_loss = NAN;
  run->accuracy = NAN;
  run->epochs = 0;
  run->finite_epochs = 0;
  g_clear_pointer (&run->error, g_free);
  g_clear_pointer (&run->fixed, g_free);
}

int
nnb_lesson_finite_epochs (const double *losses, int n)
{
  int finite = 0;

  while (finite < n && isfinite (losses[finite]))
    finite++;
  return finite;
}

gboolean
nnb_lesson_run_keep (NnbLessonRun *run, const char *label)
{
  if (!run->trained || run->diverged)
    return FALSE;
  g_hash_table_insert (run->kept, g_strdup (label), g_memdup2 (&run->final_loss, sizeof (double)));
  return TRUE;
}

/* The leaf calls in the forward's order, as the shape trace lists them
 * ("Linear", "Tanh", …), for a batch of 5. NULL with message when the
 * model cannot run. */
GPtrArray *
nnb_lesson_leaf_calls (const NnbLessonRun *run, char **message)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) lines = NULL;
  GPtrArray *calls;
  int64_t shape[2] = { 5, nnb_model_input_features (run->project->model) };

  if (shape[1] <= 0)
    shape[1] = 1;
  lines = nnb_model_trace (run->project->model, 2, shape, &error);
  if (lines == NULL)
    {
      *message = g_strdup_printf (_("%s cannot run yet: %s"), nnb_lesson_model_name (run), error->message);
      return NULL;
    }
  calls = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < lines->len; i++)
    {
      const char *line = lines->pdata[i];
      g_ptr_array_add (calls, g_strndup (line, strcspn (line, " ")));
    }
  return calls;
}

/* A hidden layer's non-linearity. Softmax and LogSoftmax turn a
 * classifier's outputs into probabilities; they are not counted. */
static gboolean
is_activation_kind (NnbModuleKind kind)
{
  return kind != NNB_MODULE_LINEAR && kind != NNB_MODULE_LAYER_NORM && kind != NNB_MODULE_SEQUENTIAL &&
         kind != NNB_MODULE_IDENTITY && kind != NNB_MODULE_SOFTMAX && kind != NNB_MODULE_LOG_SOFTMAX;
}

static gboolean
is_activation_class (const char *name)
{
  NnbModuleKind kind;

  return nnb_module_kind_from_string (name, &kind) && is_activation_kind (kind);
}

static int
count_linear_module (const NnbModule *module)
{
  int n = module->kind == NNB_MODULE_LINEAR;

  if (module->children != NULL)
    for (guint i = 0; i < module->children->len; i++)
      n += count_linear_module (module->children->pdata[i]);
  return n;
}

int
nnb_lesson_count_linear (NnbModel *model)
{
  int n = 0;

  for (guint i = 0; i < model->modules->len; i++)
    n += count_linear_module (model->modules->pdata[i]);
  return n;
}

double
nnb_lesson_parameter_std (NnbParameter *param)
{
  int64_t n = param->value->numel;
  g_autofree float *values = g_new (float, n);
  double mean = 0, var = 0;

  g_return_val_if_fail (n >= 2, NAN);
  nnb_tensor_read (param->value, values);
  for (int64_t i = 0; i < n; i++)
    mean += values[i];
  mean /= n;
  for (int64_t i = 0; i < n; i++)
    var += (values[i] - mean) * (values[i] - mean);
  return sqrt (var / (n - 1)); /* std() is unbiased by default, as in PyTorch */
}

static char *
shape_text (int ndim, const int64_t *shape)
{
  return nnb_shape_to_string (ndim, shape);
}

static char *
normalize (const char *text)
{
  g_auto (GStrv) words = g_strsplit_set (text, " \t\n", -1);
  GString *out = g_string_new (NULL);

  for (int i = 0; words[i] != NULL; i++)
    if (*words[i] != '\0')
      g_string_append_printf (out, "%s%s", out->len > 0 ? " " : "", words[i]);
  return g_string_free (out, FALSE);
}

static gboolean
check_parameter_count (const NnbLessonCheck *check, const NnbLessonRun *run, char **message)
{
  int64_t total = nnb_model_count_parameters (run->project->model);

  if (check->value >= 0 && total != (int64_t) check->value)
    return nnb_lesson_fail (message, g_strdup_printf (_("%s has %lld parameters; this step expects %lld. Compare its layers’ sizes with the text."),
                                                      nnb_lesson_model_name (run), (long long) total, (long long) check->value));
  return nnb_lesson_pass (message, g_strdup_printf (_("%s has %lld parameters, as sum(p.numel() for p in model.parameters()) counts them."),
                                                    nnb_lesson_model_name (run), (long long) total));
}

static gboolean
check_parameter_names (const NnbLessonCheck *check, const NnbLessonRun *run, char **message)
{
  GPtrArray *params = nnb_model_named_parameters (run->project->model);
  g_auto (GStrv) expected = g_strsplit_set (check->text, " \t\n", -1);
  guint n = 0;

  for (int i = 0; expected[i] != NULL; i++)
    {
      if (*expected[i] == '\0')
        continue;
      if (n >= params->len)
        return nnb_lesson_fail (message, g_strdup_printf (_("named_parameters() ends before %s: a layer is missing."), expected[i]));
      if (!g_str_equal (((NnbNamedParameter *) params->pdata[n])->name, expected[i]))
        return nnb_lesson_fail (message, g_strdup_printf (_("named_parameters() gives %s where %s should be."),
                                                          ((NnbNamedParameter *) params->pdata[n])->name, expected[i]));
      n++;
    }
  if (n < params->len)
    return nnb_lesson_fail (message, g_strdup_printf (_("named_parameters() gives %s, which this step does not expect."),
                                                      ((NnbNamedParameter *) params->pdata[n])->name));
  return nnb_lesson_pass (message, g_strdup_printf (_("The parameters are named %s, after the attributes that hold them."), check->text));
}

static gboolean
check_parameter_shape (const NnbLessonCheck *check, const NnbLessonRun *run, char **message)
{
  NnbParameter *param = nnb_model_get_parameter (run->project->model, check->parameter);
  g_autofree char *shape = NULL;
  g_autofree char *expected = normalize (check->text);

  if (param == NULL)
    return nnb_lesson_fail (message, g_strdup_printf (_("%s has no parameter named %s."), nnb_lesson_model_name (run), check->parameter));
  shape = nnb_tensor_shape_string (param->value);
  if (!g_str_equal (shape, expected))
    return nnb_lesson_fail (message, g_strdup_printf (_("%s has the shape %s, not %s."), check->parameter, shape, expected));
  return nnb_lesson_pass (message, g_strdup_printf (_("%s has the shape %s."), check->parameter, shape));
}

static gboolean
check_output_shape (const NnbLessonCheck *check, const NnbLessonRun *run, char **message)
{
  NnbModel *model = run->project->model;
  g_autoptr (GError) error = NULL;
  g_autofree char *input = shape_text (check->ndim, check->input);
  g_autofree char *expected = normalize (check->text);
  g_autofree char *output = NULL;
  NnbNodeShape *shapes = NULL;
  gboolean ok = nnb_model_infer_shapes (model, check->ndim, check->input, &shapes, &error);

  for (guint i = 0; ok && i < model->nodes->len; i++)
    if (((NnbNode *) model->nodes->pdata[i])->kind == NNB_NODE_OUTPUT)
      output = shape_text (shapes[i].ndim, shapes[i].shape);
  if (shapes != NULL)
    nnb_node_shapes_free (shapes, model->nodes->len);
  if (!ok)
    return nnb_lesson_fail (message, g_strdup_printf (_("A batch of shape %s does not go through %s: %s"), input, nnb_lesson_model_name (run), error->message));
  if (output == NULL || !g_str_equal (output, expected))
    return nnb_lesson_fail (message, g_strdup_printf (_("A batch of shape %s comes out as %s, not %s."), input,
                                                      output != NULL ? output : "?", expected));
  return nnb_lesson_pass (message, g_strdup_printf (_("A batch of shape %s comes out as %s."), input, output));
}

static gboolean
check_trace (const NnbLessonCheck *check, const NnbLessonRun *run, char **message)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) lines = nnb_model_trace (run->project->model, check->ndim, check->input, &error);
  g_auto (GStrv) expected = g_strsplit (check->text, ";", -1);
  guint n = 0;

  if (lines == NULL)
    return nnb_lesson_fail (message, g_strdup_printf (_("The forward pass stops: %s"), error->message));
  for (int i = 0; expected[i] != NULL; i++)
    {
      g_autofree char *want = normalize (expected[i]);
      g_autofree char *got = NULL;

      if (*want == '\0')
        continue;
      if (n >= lines->len)
        return nnb_lesson_fail (message, g_strdup_printf (_("The trace ends before “%s”: a layer is missing."), want));
      got = normalize (lines->pdata[n]);
      if (!g_str_equal (got, want))
        return nnb_lesson_fail (message, g_strdup_printf (_("Call %u of the trace is “%s”, where “%s” should be."), n + 1, got, want));
      n++;
    }
  if (n < lines->len)
    return nnb_lesson_fail (message, g_strdup_printf (_("The trace goes on with “%s”, which this step does not expect."),
                                                      (char *) lines->pdata[n]));
  return nnb_lesson_pass (message, g_strdup_printf (_("Each of the %u layer calls has the shape the text shows."), n));
}

static gboolean
check_activations (const NnbLessonCheck *check, const NnbLessonRun *run, char **message)
{
  g_autoptr (GPtrArray) calls = nnb_lesson_leaf_calls (run, message);
  const char *wrong = NULL;
  int n = 0;

  if (calls == NULL)
    return FALSE;
  for (guint i = 0; i < calls->len; i++)
    if (is_activation_class (calls->pdata[i]))
      {
        n++;
        if (wrong == NULL && !g_str_equal (calls->pdata[i], check->text))
          wrong = calls->pdata[i];
      }
  if (n == 0)
    return nnb_lesson_fail (message, g_strdup_printf (_("%s has no activation between its Linear layers, so all of it is one straight line: put a %s after every hidden Linear."),
                                                      nnb_lesson_model_name (run), check->text));
  if (wrong != NULL)
    return nnb_lesson_fail (message, g_strdup_printf (_("%s uses %s where this step asks for %s: replace every %s with %s."),
                                                      nnb_lesson_model_name (run), wrong, check->text, wrong, check->text));
  return nnb_lesson_pass (message, g_strdup_printf (_("Every activation in %s is %s."), nnb_lesson_model_name (run), check->text));
}

static gboolean
check_hidden_layers (const NnbLessonCheck *check, const NnbLessonRun *run, char **message)
{
  g_autoptr (GPtrArray) calls = nnb_lesson_leaf_calls (run, message);
  int hidden = 0, wanted = (int) check->value;

  if (calls == NULL)
    return FALSE;
  /* a hidden layer: a Linear whose output goes through an activation */
  for (guint i = 0; i + 1 < calls->len; i++)
    if (g_str_equal (calls->pdata[i], "Linear") && is_activation_class (calls->pdata[i + 1]))
      hidden++;
  if (hidden < wanted)
    return nnb_lesson_fail (message, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                                   "%s has %d hidden layer (a Linear followed by an activation); this step asks for at least %d. Add a Linear and an activation before the last Linear.",
                                                                   "%s has %d hidden layers (a Linear followed by an activation); this step asks for at least %d. Add a Linear and an activation before the last Linear.",
                                                                   hidden),
                                                      nnb_lesson_model_name (run), hidden, wanted));
  return nnb_lesson_pass (message, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s has %d hidden layer.", "%s has %d hidden layers.", hidden),
                                                    nnb_lesson_model_name (run), hidden));
}

static gboolean
check_init (const NnbLessonCheck *check, const NnbLessonRun *run, char **message)
{
  const char *used = nnb_init_method_to_string (run->project->init_weight);

  if (nnb_lesson_count_linear (run->project->model) == 0)
    return nnb_lesson_fail (message, g_strdup_printf (_("%s has no Linear layer to initialise."), nnb_lesson_model_name (run)));
  if (run->project->init_weight == NNB_INIT_DEFAULT)
    return nnb_lesson_fail (message, g_strdup_printf (_("The Linear weights keep the init nn.Linear gives them (kaiming_uniform_ with a = √5); this step asks for %s on every Linear’s weight, through model.apply(init_weights)."),
                                                      check->text));
  if (!g_str_equal (used, check->text))
    return nnb_lesson_fail (message, g_strdup_printf (_("The Linear weights are initialised with %s; this step asks for %s."), used, check->text));
  return nnb_lesson_pass (message, g_strdup_printf (_("Every Linear’s weight was initialised with %s."), used));
}

static gboolean
check_std (const NnbLessonCheck *check, const NnbLessonRun *run, char **message)
{
  NnbParameter *param = nnb_model_get_parameter (run->project->model, check->parameter);
  double std;

  if (param == NULL)
    return nnb_lesson_fail (message, g_strdup_printf (_("%s has no parameter named %s."), nnb_lesson_model_name (run), check->parameter));
  if (param->value->numel < 2)
    return nnb_lesson_fail (message, g_strdup_printf (_("%s has a single value: it has no spread."), check->parameter));
  std = nnb_lesson_parameter_std (param);
  if (fabs (round (std * 1e4) / 1e4 - check->value) > 5e-5)
    return nnb_lesson_fail (message, g_strdup_printf (_("%s.std() is %.4f, not %.4f: check the init method and its seed."),
                                                      check->parameter, std, check->value));
  return nnb_lesson_pass (message, g_strdup_printf (_("%s.std() is %.4f."), check->parameter, std));
}

int
nnb_lesson_decimals_to_compare (double value, double target)
{
  gboolean below = value < target;

  if (!isfinite (value) || !isfinite (target))
    return 4;
  /* 17 decimals tell apart any two doubles of a loss's size */
  for (int decimals = 4; decimals < 17; decimals++)
    {
      char format[8];
      char printed[G_ASCII_DTOSTR_BUF_SIZE + 320]; /* %.16f of DBL_MAX */

      g_snprintf (format, sizeof format, "%%.%df", decimals);
      g_ascii_formatd (printed, sizeof printed, format, value);
      if ((g_ascii_strtod (printed, NULL) < target) == below)
        return decimals;
    }
  return 17;
}

static gboolean
check_loss_below (const NnbLessonCheck *check, const NnbLessonRun *run, char **message)
{
  int decimals;

  if (!run->trained)
    return nnb_lesson_fail (message, nnb_lesson_not_trained (run));
  if (run->diverged)
    return nnb_lesson_fail (message, g_strdup_printf (_("Training diverged (the loss became nan at epoch %d): lower the learning rate and train again."),
                                                      run->epochs - 1));
  /* "0.0200, below 0.02" would read as a contradiction: as many digits as it takes */
  decimals = nnb_lesson_decimals_to_compare (run->final_loss, check->value);
  if (!(run->final_loss < check->value))
    return nnb_lesson_fail (message, g_strdup_printf (_("The final loss is %.*f, not below %g. Train for more epochs, or try a somewhat larger learning rate."),
                                                      decimals, run->final_loss, check->value));
  return nnb_lesson_pass (message, g_strdup_printf (_("The final loss is %.*f, below %g, at epoch %d."),
                                                    decimals, run->final_loss, check->value, run->epochs - 1));
}

static gboolean
check_diverged (const NnbLessonCheck *check, const NnbLessonRun *run, char **message)
{
  if (!run->trained)
    return nnb_lesson_fail (message, nnb_lesson_not_trained (run));
  if (!run->diverged)
    return nnb_lesson_fail (message, g_strdup_printf (_("Training did not diverge: with lr %g the loss stayed finite (%.4f). This step is about a learning rate that is too large."),
                                                      run->project->training.optimizer.lr, run->final_loss));
  /* as the printout says it: inf for a few epochs first, then nan */
  if (run->finite_epochs < run->epochs - 1)
    return nnb_lesson_pass (message, g_strdup_printf (_("The loss was inf from epoch %d and nan at epoch %d: lr %g is too large."),
                                                      run->finite_epochs, run->epochs - 1, run->project->training.optimizer.lr));
  return nnb_lesson_pass (message, g_strdup_printf (_("The loss became nan at epoch %d: lr %g is too large."), run->epochs - 1,
                                                    run->project->training.optimizer.lr));
}

static gboolean
check_error (const NnbLessonCheck *check, const NnbLessonRun *run, char **message)
{
  if (run->error == NULL)
    return nnb_lesson_fail (message, g_strdup (_("The mistake has not been made yet: press Show me to make it.")));
  if (strstr (run->error, check->text) != NULL)
    return nnb_lesson_pass (message, g_strdup_printf (_("PyTorch’s message, word for word: %s"), check->text));
  /* the target mistake makes several, one a line */
  if (strchr (run->error, '\n') != NULL)
    {
      g_auto (GStrv) lines = g_strsplit (run->error, "\n", -1);
      g_autofree char *joined = g_strjoinv ("”, “", lines);

      return nnb_lesson_fail (message, g_strdup_printf (_("The messages were “%s”, none of them the expected “%s”."), joined,
                                                        check->text));
    }
  return nnb_lesson_fail (message, g_strdup_printf (_("The message was “%s”, not the expected “%s”."), run->error, check->text));
}

static gboolean
check_gradients (const NnbLessonCheck *check, const NnbLessonRun *run, char **message)
{
  if (run->n_grads < 3)
    return nnb_lesson_fail (message, g_strdup (_("The three backward() calls have not run yet: press Show me.")));
  for (int i = 1; i < 3; i++)
    if (fabs (run->grads[i] - (i + 1) * run->grads[0]) > 1e-5 * fabs ((i + 1) * run->grads[0]))
      return nnb_lesson_fail (message, g_strdup_printf (_("weight.grad went %.7f, %.7f, %.7f: it should add the same gradient on each backward()."),
                                                        run->grads[0], run->grads[1], run->grads[2]));
  return nnb_lesson_pass (message, g_strdup_printf (_("weight.grad went %.7f, %.7f, %.7f: each backward() added the same gradient again, until zero_grad() clears it."),
                                                    run->grads[0], run->grads[1], run->grads[2]));
}

static gboolean
check_compare (const NnbLessonCheck *check, const NnbLessonRun *run, char **message)
{
  const double *kept = g_hash_table_lookup (run->kept, check->text);

  if (kept == NULL)
    return nnb_lesson_fail (message, g_strdup_printf (_("There is no run of %s to compare with: do the step that trains it first."), check->text));
  if (!run->trained)
    return nnb_lesson_fail (message, nnb_lesson_not_trained (run));
  if (run->diverged)
    return nnb_lesson_fail (message, g_strdup_printf (_("Training diverged: there is no final loss to compare with %s’s."), check->text));
  if (!(*kept < run->final_loss))
    return nnb_lesson_fail (message, g_strdup_printf (_("%s ends at %.4f, no worse than %s’s %.4f: this comparison expects %s to win."),
                                                      nnb_lesson_model_name (run), run->final_loss, check->text, *kept, check->text));
  return nnb_lesson_pass (message, g_strdup_printf (_("%s ends at a loss of %.4f and %s at %.4f, on the same data."),
                                                    check->text, *kept, nnb_lesson_model_name (run), run->final_loss));
}

/* The activation whose output a call node gives: the module's own, or a
 * Sequential's last child's; NULL when the node gives no activation's output. */
static const NnbModule *
node_activation (NnbModel *model, const NnbNode *node)
{
  const NnbModule *module;

  if (node->kind != NNB_NODE_CALL || (module = nnb_model_get_module (model, node->module)) == NULL)
    return NULL;
  while (module->kind == NNB_MODULE_SEQUENTIAL && module->children != NULL && module->children->len > 0)
    module = module->children->pdata[module->children->len - 1];
  return is_activation_kind (module->kind) ? module : NULL;
}

static gboolean
check_skip_connection (const NnbLessonCheck *check, const NnbLessonRun *run, char **message)
{
  NnbModel *model = run->project->model;
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) order = nnb_model_topological_order (model, &error);
  const NnbModule *activation = NULL;
  const NnbNode *wrong = NULL;
  const char *act_class;
  int first = -1;

  if (order == NULL)
    return nnb_lesson_fail (message, g_strdup_printf (_("%s cannot run yet: %s"), nnb_lesson_model_name (run), error->message));
  for (guint i = 0; i < order->len && first < 0; i++)
    {
      int index = g_array_index (order, int, i);

      if ((activation = node_activation (model, model->nodes->pdata[index])) != NULL)
        first = index;
    }
  if (first < 0)
    return nnb_lesson_fail (message, g_strdup_printf (_("%s has no activation for a skip connection to start from: the + block adds the first activation’s output to the output of the branch computed from it."),
                                                      nnb_lesson_model_name (run)));
  act_class = nnb_module_kind_to_string (activation->kind);
  /* a skip connection: a + of the first activation's output and of
   * something computed from it, the branch it went around */
  for (guint i = 0; i < model->nodes->len; i++)
    {
      const NnbNode *node = model->nodes->pdata[i];

      if (node->kind != NNB_NODE_ADD || node->inputs[0] < 0 || node->inputs[1] < 0)
        continue;
      for (int slot = 0; slot < 2; slot++)
        {
          int other = node->inputs[1 - slot];

          if (node->inputs[slot] == first && other != first &&
              nnb_model_wires_reach (model->nodes, G_STRUCT_OFFSET (NnbNode, inputs), first, other))
            return nnb_lesson_pass (message, g_strdup_printf (_("%s has a skip connection: its + block adds the first %s’s output to the branch computed from it."),
                                                              nnb_lesson_model_name (run), act_class));
        }
      if (wrong == NULL)
        wrong = node;
    }
  if (wrong == NULL)
    return nnb_lesson_fail (message, g_strdup_printf (_("%s has no skip connection: a + block must add the first %s’s output to the output of the branch computed from it."),
                                                      nnb_lesson_model_name (run), act_class));
  return nnb_lesson_fail (message, g_strdup_printf (_("The + block of %s adds %s and %s; a skip connection adds the first %s’s output (%s) to the output of the branch computed from it."),
                                                    nnb_lesson_model_name (run), ((NnbNode *) model->nodes->pdata[wrong->inputs[0]])->name,
                                                    ((NnbNode *) model->nodes->pdata[wrong->inputs[1]])->name, act_class,
                                                    ((NnbNode *) model->nodes->pdata[first])->name));
}

static gboolean
check_class (const NnbLessonCheck *check, const NnbLessonRun *run, char **message)
{
  const char *got = nnb_lesson_model_name (run);
  NnbModuleKind kind;
  gboolean got_torch = nnb_module_kind_from_string (got, &kind);
  gboolean want_torch = nnb_module_kind_from_string (check->text, &kind);
  g_autofree char *shown = got_torch ? g_strdup_printf ("nn.%s", got) : g_strdup (got);

  if (g_str_equal (got, check->text))
    return nnb_lesson_pass (message, want_torch ? g_strdup_printf (_("The model is a plain nn.%s."), got)
                                                : g_strdup_printf (_("The model is a subclass of nn.Module called %s."), got));
  if (want_torch)
    return nnb_lesson_fail (message, g_strdup_printf (_("The model is %s; this step trains a plain nn.%s. Press Show me to load it."),
                                                      shown, check->text));
  if (got_torch)
    return nnb_lesson_fail (message, g_strdup_printf (_("The model is a plain %s, not a subclass: this step asks for class %s(nn.Module). Press Show me to load it."),
                                                      shown, check->text));
  return nnb_lesson_fail (message, g_strdup_printf (_("The model’s class is %s; this step asks for a subclass of nn.Module called %s."),
                                                    got, check->text));
}

/* The data, as the text of the lessons names it. */
static const char *
data_words (NnbDataKind kind)
{
  switch (kind)
    {
    case NNB_DATA_LINE:
      return _("a straight line, y = a·x + b");
    case NNB_DATA_SINE:
      return _("the sine, y = sin x");
    case NNB_DATA_POLYNOMIAL:
      return _("a parabola, y = a·x² + b·x + c");
    case NNB_DATA_STEP:
      return _("a step from 0 to 1");
    case NNB_DATA_SINE_PRODUCT:
      return _("y = sin(x₀·x₁) + x₂");
    case NNB_DATA_CSV:
      return _("a CSV file");
    case NNB_DATA_CIRCLE:
      return _("two classes, a disc inside a ring");
    case NNB_DATA_XOR:
      return _("two classes in opposite quadrants (xor)");
    case NNB_DATA_GAUSS:
      return _("two Gaussian clusters");
    case NNB_DATA_SPIRAL:
      return _("two interleaved spirals");
    case NNB_DATA_MOONS:
      return _("two interleaved moons");
    case NNB_DATA_BLOBS:
      return _("clusters around a circle, one per class");
    }
  g_return_val_if_reached ("?");
}

/* Numbers typed into a lesson (x-max="6.283") or the data panel match
 * the recipe's to 0.1 %, and to 0.001 below 1. */
static gboolean
about_equal (double got, double want)
{
  return fabs (got - want) <= 1e-3 * MAX (1.0, fabs (want));
}

static gboolean
check_data (const NnbLessonCheck *check, const NnbLessonRun *run, char **message)
{
  const NnbDataSpec *got = &run->project->data;
  const NnbDataSpec *want = &check->data;
  const struct
  {
    NnbLessonDataFields field;
    const char *name;
    double got, want;
  } numbers[] = {
    { NNB_LESSON_DATA_A, "a", got->a, want->a },
    { NNB_LESSON_DATA_B, "b", got->b, want->b },
    { NNB_LESSON_DATA_C, "c", got->c, want->c },
    { NNB_LESSON_DATA_RADIUS, "radius", got->radius, want->radius },
    { NNB_LESSON_DATA_DISTANCE, "distance", got->distance, want->distance },
    { NNB_LESSON_DATA_TURNS, "turns", got->turns, want->turns },
    { NNB_LESSON_DATA_CLASSES, "classes", (double) got->classes, (double) want->classes },
  };

  if (!run->trained)
    return nnb_lesson_fail (message, nnb_lesson_not_trained (run));
  if (got->kind != want->kind)
    return nnb_lesson_fail (message, g_strdup_printf (_("%s was trained on %s; this step trains it on %s. Press Show me to load this step’s data."),
                                                      nnb_lesson_model_name (run), data_words (got->kind), data_words (want->kind)));
  if ((check->data_fields & NNB_LESSON_DATA_N) && got->n != want->n)
    return nnb_lesson_fail (message, g_strdup_printf (_("%s was trained on %lld points; this step’s data has %lld. Press Show me to load this step’s data."),
                                                      nnb_lesson_model_name (run), (long long) got->n, (long long) want->n));
  if ((check->data_fields & NNB_LESSON_DATA_NOISE) && !about_equal (got->noise, want->noise))
    return nnb_lesson_fail (message, g_strdup_printf (_("%s was trained on data with noise %g; this step’s data has noise %g. Press Show me to load this step’s data."),
                                                      nnb_lesson_model_name (run), got->noise, want->noise));
  if ((check->data_fields & NNB_LESSON_DATA_X_MAX) && !about_equal (got->x_max, want->x_max))
    return nnb_lesson_fail (message, g_strdup_printf (_("%s was trained on x up to %g; this step’s data goes up to %g. Press Show me to load this step’s data."),
                                                      nnb_lesson_model_name (run), got->x_max, want->x_max));
  for (guint i = 0; i < G_N_ELEMENTS (numbers); i++)
    if ((check->data_fields & numbers[i].field) && !about_equal (numbers[i].got, numbers[i].want))
      return nnb_lesson_fail (message, g_strdup_printf (_("%s was trained on data with %s = %g; this step’s data has %s = %g. Press Show me to load this step’s data."),
                                                        nnb_lesson_model_name (run), numbers[i].name, numbers[i].got, numbers[i].name, numbers[i].want));
  return nnb_lesson_pass (message, g_strdup_printf (_("%s was trained on this step’s data: %s, %lld points."), nnb_lesson_model_name (run),
                                                    data_words (got->kind), (long long) got->n));
}

gboolean
nnb_lesson_find_cuda (NnbDevice *device, char **reason)
{
  g_autoptr (GPtrArray) devices = nnb_device_list ();

  *reason = NULL;
  for (guint i = 0; i < devices->len; i++)
    {
      NnbDeviceInfo *info = devices->pdata[i];

      if (info->device.type != NNB_DEVICE_CUDA)
        continue;
      if (info->available)
        {
          g_clear_pointer (reason, g_free);
          *device = info->device;
          return TRUE;
        }
      if (*reason == NULL && info->reason != NULL)
        *reason = g_strdup (info->reason);
    }
  if (*reason == NULL)
    *reason = g_strdup (_("this NN Blocks was built without CUDA"));
  return FALSE;
}

static gboolean
check_device (const NnbLessonCheck *check, const NnbLessonRun *run, char **message)
{
  static const char mismatch[] = "Expected all tensors to be on the same device";
  g_autofree char *reason = NULL;
  NnbDevice gpu;

  /* nothing to check is said, with why, rather than a check that cannot pass */
  if (!nnb_lesson_find_cuda (&gpu, &reason))
    return nnb_lesson_pass (message, g_strdup_printf (_("Nothing is checked on this computer: it has no CUDA GPU (%s), so the mistake could not be made for real. On a computer with one, Check looks for PyTorch’s message and then for the fixed call, model(x.to(device))."),
                                                      reason));
  if (run->error == NULL)
    return nnb_lesson_fail (message, g_strdup (_("The mistake has not been made yet: press Show me to make it.")));
  if (strstr (run->error, mismatch) == NULL)
    return nnb_lesson_fail (message, g_strdup_printf (_("The message was “%s”, not the expected “%s”."), run->error, mismatch));
  if (run->fixed == NULL)
    return nnb_lesson_fail (message, g_strdup (_("The fixed call, model(x.to(device)), has not run yet: press Show me.")));
  return nnb_lesson_pass (message, g_strdup_printf (_("PyTorch’s message, word for word: %s — and with the input moved too, model(x.to(device)) gives a batch of shape %s."),
                                                    run->error, run->fixed));
}

gboolean
nnb_lesson_check_evaluate (const NnbLessonCheck *check, const NnbLessonRun *run, char **message)
{
  g_return_val_if_fail (check != NULL && run != NULL && message != NULL, FALSE);

  if (run->project == NULL)
    return nnb_lesson_fail (message, g_strdup (_("There is no model yet: press Show me to load this step’s model.")));

  switch (check->kind)
    {
    case NNB_LESSON_CHECK_PARAMETER_COUNT:
      return check_parameter_count (check, run, message);
    case NNB_LESSON_CHECK_PARAMETER_NAMES:
      return check_parameter_names (check, run, message);
    case NNB_LESSON_CHECK_PARAMETER_SHAPE:
      return check_parameter_shape (check, run, message);
    case NNB_LESSON_CHECK_OUTPUT_SHAPE:
      return check_output_shape (check, run, message);
    case NNB_LESSON_CHECK_TRACE:
      return check_trace (check, run, message);
    case NNB_LESSON_CHECK_ACTIVATIONS:
      return check_activations (check, run, message);
    case NNB_LESSON_CHECK_HIDDEN_LAYERS:
      return check_hidden_layers (check, run, message);
    case NNB_LESSON_CHECK_INIT:
      return check_init (check, run, message);
    case NNB_LESSON_CHECK_STD:
      return check_std (check, run, message);
    case NNB_LESSON_CHECK_LOSS_BELOW:
      return check_loss_below (check, run, message);
    case NNB_LESSON_CHECK_DIVERGED:
      return check_diverged (check, run, message);
    case NNB_LESSON_CHECK_ERROR:
      return check_error (check, run, message);
    case NNB_LESSON_CHECK_GRADIENTS:
      return check_gradients (check, run, message);
    case NNB_LESSON_CHECK_COMPARE:
      return check_compare (check, run, message);
    case NNB_LESSON_CHECK_SKIP_CONNECTION:
      return check_skip_connection (check, run, message);
    case NNB_LESSON_CHECK_CLASS:
      return check_class (check, run, message);
    case NNB_LESSON_CHECK_DATA:
      return check_data (check, run, message);
    case NNB_LESSON_CHECK_DEVICE:
      return check_device (check, run, message);
    case NNB_LESSON_CHECK_LOSS:
      return nnb_lesson_check_loss (check, run, message);
    case NNB_LESSON_CHECK_LAST_LAYER:
      return nnb_lesson_check_last_layer (check, run, message);
    case NNB_LESSON_CHECK_ACCURACY_ABOVE:
      return nnb_lesson_check_accuracy_above (check, run, message);
    case NNB_LESSON_CHECK_ACCURACY_BELOW:
      return nnb_lesson_check_accuracy_below (check, run, message);
    case NNB_LESSON_CHECK_MODE:
      return nnb_lesson_check_mode (check, run, message);
    case NNB_LESSON_CHECK_MODULE:
      return nnb_lesson_check_module (check, run, message);
    case NNB_LESSON_CHECK_STATE_DICT:
      return nnb_lesson_check_state_dict (check, run, message);
    }
  g_return_val_if_reached (FALSE);
}

static void
result_free (gpointer data)
{
  NnbLessonCheckResult *result = data;

  g_free (result->message);
  g_free (result);
}

static gboolean
said_already (GPtrArray *results, const char *message)
{
  for (guint i = 0; i < results->len; i++)
    if (g_str_equal (((NnbLessonCheckResult *) results->pdata[i])->message, message))
      return TRUE;
  return FALSE;
}

gboolean
nnb_lesson_step_check (const NnbLessonStep *step, const NnbLessonRun *run, GPtrArray **results)
{
  g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func (result_free);
  gboolean all = TRUE;

  for (guint i = 0; i < step->checks->len; i++)
    {
      NnbLessonCheckResult *result = g_new0 (NnbLessonCheckResult, 1);

      result->passed = nnb_lesson_check_evaluate (step->checks->pdata[i], run, &result->message);
      all = all && result->passed;
      /* five checks of a step with no model have one reason to fail: it is
       * said once */
      if (!result->passed && said_already (list, result->message))
        {
          result_free (result);
          continue;
        }
      g_ptr_array_add (list, result);
    }
  if (results != NULL)
    *results = g_steal_pointer (&list);
  return all;
}
