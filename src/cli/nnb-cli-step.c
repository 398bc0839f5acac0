/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-cli-step.c — `nnblocks-cli step FILE.nnb --explain`: one step of the
 * training `train` runs, stage by stage, with its numbers (nnb-step-explain.h).
 * The stages come in the loop's own order (nnb-training.h): forward and
 * loss, zero_grad, backward, step. */
#include "nnb-cli.h"

#include <math.h>
#include <stdio.h>
#include "nnb-data-check.h"
#include "nnb-step-explain.h"

/* At most this many values are printed one by one; more get a summary */
#define FULL_VALUES 8
/* The loss's rows shown before "…" */
#define LOSS_ROWS 4

/* "(2, 1) [0.5, -1.25]" for a few values, else
 * "(32, 16) min -1.2 mean 0.034 max 2.5" */
static void
print_tensor (const NnbTensor *t)
{
  g_autofree char *shape = nnb_tensor_shape_string (t);

  printf ("%s", shape);
  if (t->numel <= FULL_VALUES)
    {
      printf (" [");
      for (int64_t i = 0; i < t->numel; i++)
        printf ("%s%.7g", i > 0 ? ", " : "", t->data[i]);
      printf ("]");
    }
  else
    {
      double min, mean, max;

      nnb_step_explain_range (t, &min, &mean, &max);
      printf (" min %.6g mean %.6g max %.6g", min, mean, max);
    }
  printf ("\n");
}

static void
heading (const char *title, const char *sentence)
{
  printf ("\n== %s ==\n%s\n", title, sentence);
}

static void
print_forward (const NnbStepExplain *e)
{
  heading ("Forward: y_hat = model(X)",
           "PyTorch runs the model's forward on the batch: each block takes the tensor on its input wire "
           "and puts its result on its output wire.");
  for (guint w = 0; w < e->wires->len; w++)
    {
      const NnbStepWire *wire = e->wires->pdata[w];

      printf ("  %-10s ", wire->label);
      print_tensor (wire->value);
    }
}

static void
print_loss (const NnbStepExplain *e)
{
  const NnbStepWire *pred = nnb_step_explain_prediction (e);
  g_autofree char *title = g_strdup_printf ("Loss: loss = loss_fn(y_hat, y), loss_fn = nn.%s()",
                                            nnb_loss_kind_to_string (e->loss_kind));

  heading (title, "The loss function compares the prediction with the target and gives one number "
                  "that training makes smaller.");
  printf ("  %s\n", nnb_step_explain_loss_formula (e->loss_kind));
  if (!isnan (nnb_step_explain_loss_term (e, 0)))
    {
      int64_t n = pred->value->numel;

      for (int64_t i = 0; i < MIN (n, LOSS_ROWS); i++)
        printf ("  row %" G_GINT64_FORMAT ": y_hat %.7g, y %.7g, term %.7g\n", i, pred->value->data[i],
                e->y->data[i], nnb_step_explain_loss_term (e, i));
      if (n > LOSS_ROWS)
        printf ("  ... %" G_GINT64_FORMAT " more rows\n", n - LOSS_ROWS);
      printf ("  loss = the mean of the %" G_GINT64_FORMAT " terms = %.7g\n", n, e->loss);
    }
  else
    printf ("  loss = %.7g\n", e->loss);
}

static void
print_zero_grad (const NnbStepExplain *e)
{
  if (e->zero_grad_skipped)
    heading ("Zero grad: skipped (--skip-zero-grad)",
             "Without optimizer.zero_grad(), this step's gradients are added to the ones .grad already holds.");
  else
    heading ("Zero grad: optimizer.zero_grad()",
             "Every parameter's .grad is set to zero, so that backward starts from nothing "
             "instead of adding to the last step's gradients.");
  for (guint i = 0; i < e->parameters->len; i++)
    {
      const NnbStepParameter *p = e->parameters->pdata[i];

      if (p->grad_prior == NULL)
        printf ("  %-14s .grad is None (no backward yet)\n", p->name);
      else
        printf ("  %-14s .grad norm %.7g%s\n", p->name, nnb_step_explain_norm (p->grad_prior), e->zero_grad_skipped ? ", kept" : " -> 0");
    }
}

/* A module called more than once: each call's part of a .grad, then
 * their sum ("fc.weight.grad = call 1 + call 2"), which is what backward
 * added into .grad */
static void
print_calls (const NnbStepExplain *e, const NnbStepParameter *p, NnbModel *model)
{
  g_autoptr (GString) sum = g_string_new (NULL);

  for (guint k = 0; k < p->calls->len; k++)
    {
      const NnbStepCall *call = p->calls->pdata[k];
      const char *block = nnb_model_get_node (model, call->node)->name;
      g_autofree char *label = call->layer < 0 ? g_strdup_printf ("call %u (%s)", k + 1, block)
                                               : g_strdup_printf ("call %u (%s[%d])", k + 1, block, call->layer);

      printf ("    %-16s norm %.7g ", label, nnb_step_explain_norm (call->grad));
      print_tensor (call->grad);
      g_string_append_printf (sum, "%scall %u", k > 0 ? " + " : "", k + 1);
    }
  printf ("    %s.grad = %s%s\n", p->name, e->zero_grad_skipped ? "the .grad kept + " : "", sum->str);
}

static void
print_backward (const NnbStepExplain *e, NnbModel *model)
{
  heading ("Backward: loss.backward()",
           "Autograd sends the gradient of the loss back through every block, from the loss to the input: "
           "each wire gets dL/d(its value), and each parameter's gradient is added into its .grad.");
  printf ("  dL/dy_hat   ");
  print_tensor (e->loss_grad);
  for (guint w = e->wires->len; w-- > 0;)
    {
      const NnbStepWire *wire = e->wires->pdata[w];

      printf ("  %-10s  ", wire->label);
      if (wire->grad != NULL)
        print_tensor (wire->grad);
      else
        printf ("no gradient: the input does not require grad\n");
    }
  for (guint i = 0; i < e->parameters->len; i++)
    {
      const NnbStepParameter *p = e->parameters->pdata[i];

      printf ("  %-14s .grad ", p->name);
      if (p->grad != NULL)
        {
          printf ("norm %.7g ", nnb_step_explain_norm (p->grad));
          print_tensor (p->grad);
          if (p->calls != NULL)
            print_calls (e, p, model);
        }
      else
        printf ("is None: backward does not reach it\n");
    }
}

static void
print_step (const NnbStepExplain *e)
{
  const NnbOptimizerOptions *o = &e->optimizer;
  g_autofree char *title = g_strdup_printf ("Step: optimizer.step(), optimizer = %s(lr=%g)",
                                            nnb_optimizer_kind_to_string (o->kind), o->lr);
  gboolean shown = FALSE;

  heading (title, o->kind == NNB_OPTIMIZER_SGD
                    ? "SGD moves each parameter a small step against its gradient."
                    : "Adam moves each parameter by its gradient's running mean over the square root of its "
                      "running mean square, corrected for the first steps.");
  for (guint i = 0; i < e->parameters->len; i++)
    {
      const NnbStepParameter *p = e->parameters->pdata[i];

      if (!p->stepped)
        {
          printf ("  %-14s unchanged: no gradient\n", p->name);
          continue;
        }
      printf ("  %-14s changed by norm %.7g, now ", p->name, nnb_step_explain_change (p));
      print_tensor (p->after);
    }
  /* one element's arithmetic: the first parameter that stepped */
  for (guint i = 0; i < e->parameters->len && !shown; i++)
    {
      g_autofree char *text = nnb_step_explain_update_text (e, i, 0);
      g_auto (GStrv) lines = text ? g_strsplit (g_strchomp (text), "\n", -1) : NULL;

      for (guint l = 0; lines != NULL && lines[l] != NULL; l++)
        printf ("  %s\n", lines[l]);
      shown = text != NULL;
    }
}

static void
print_explain (const NnbStepExplain *e, NnbProject *project, int64_t rows)
{
  printf ("One training step of %s%s%s%s, epoch %d, mini-batch %d: %" G_GINT64_FORMAT " rows of %" G_GINT64_FORMAT "\n",
          project->model->class_name, project->title ? " (" : "", project->title ? project->title : "",
          project->title ? ")" : "", e->epoch, e->batch, e->x->shape[0], rows);
  printf ("  X "), print_tensor (e->x);
  printf ("  y "), print_tensor (e->y);
  print_forward (e);
  print_loss (e);
  print_zero_grad (e);
  print_backward (e, project->model);
  print_step (e);
}

int
nnb_cli_step (int argc, char **argv)
{
  static gboolean explain, skip_zero_grad;
  static int epoch = 0, steps = 1;
  static double lr = NAN;
  static char *device_name;
  static const GOptionEntry entries[] = {
    { "explain", 0, 0, G_OPTION_ARG_NONE, &explain, "Print every stage of the step with its numbers", NULL },
    { "epoch", 'e', 0, G_OPTION_ARG_INT, &epoch, "Train N epochs first; the step is the next epoch's first (default 0)", "N" },
    { "steps", 0, 0, G_OPTION_ARG_INT, &steps, "Explain K steps in a row, each its epoch's first (default 1)", "K" },
    { "skip-zero-grad", 0, 0, G_OPTION_ARG_NONE, &skip_zero_grad, "Leave out optimizer.zero_grad() in the explained steps, so gradients add up", NULL },
    { "lr", 0, 0, G_OPTION_ARG_DOUBLE, &lr, "Learning rate (default: the project's)", "X" },
    { "device", 'd', 0, G_OPTION_ARG_STRING, &device_name, "Device: cpu or cuda", "DEVICE" },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("FILE.nnb");
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbProject) project = NULL;
  g_autoptr (NnbDataset) data = NULL;
  g_autoptr (NnbTraining) training = NULL;
  NnbTrainingOptions *opts;
  NnbGenerator shuffle;
  int status;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!nnb_cli_parse (context, &argc, &argv, 1,
                      "Takes one step of the project's training and shows what each line of the loop does.", &status))
    return status;
  if (!explain)
    {
      fprintf (stderr, "nnblocks-cli: step needs --explain, which prints the step's stages; "
                       "to train, use 'nnblocks-cli train'.\n");
      return NNB_EXIT_USAGE;
    }
  if (epoch < 0 || epoch > NNB_PROJECT_MAX_EPOCHS || steps < 1 || steps > 100)
    {
      fprintf (stderr, "nnblocks-cli: --epoch must be between 0 and %d and --steps between 1 and 100, not %d and %d.\n",
               NNB_PROJECT_MAX_EPOCHS, epoch, steps);
      return NNB_EXIT_USAGE;
    }

  project = nnb_project_load (argv[1], &error);
  if (project == NULL)
    return nnb_cli_fail (error);
  opts = &project->training;
  if (!isnan (lr))
    opts->optimizer.lr = lr;
  if (device_name != NULL && !nnb_device_parse (device_name, &opts->device, &error))
    return nnb_cli_fail (error);
  /* one thread: the sums' order of the lesson's PyTorch numbers (as train) */
  nnb_backend_cpu_set_threads (1);
  data = nnb_project_build_for_training (project, TRUE, &shuffle, &error);
  if (data == NULL || !nnb_model_check_data (project->model, data, opts, NULL, &error))
    return nnb_cli_fail (error);
  training = nnb_training_new (project->model, data, opts, &shuffle, &error);
  if (training == NULL)
    return nnb_cli_fail (error);

  for (int e = 0; e < epoch; e++)
    {
      double loss;

      if (!nnb_training_epoch (training, &loss, &error))
        break;
    }
  for (int s = 0; s < steps && error == NULL; s++)
    {
      g_autoptr (NnbStepExplain) e = nnb_step_explain_next (training, skip_zero_grad, NULL, &error);

      if (e == NULL)
        break;
      if (s > 0)
        printf ("\n");
      print_explain (e, project, data->x->shape[0]);
    }
  if (error != NULL)
    {
      fprintf (stderr, "nnblocks-cli: %s\n", error->message);
      return g_error_matches (error, NNB_ERROR, NNB_ERROR_DIVERGED) ? NNB_EXIT_DIVERGED : NNB_EXIT_FAILURE;
    }
  return NNB_EXIT_OK;
}
