/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-cli-train.c — `nnblocks-cli train`: the lesson's training loop with
 * the lesson's printout. Ctrl-C stops after the current step, still
 * writes -o and exits 130. */
#include "nnb-cli.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include "nnb-data-check.h"
#include "nnb-error.h"

static volatile sig_atomic_t interrupted;

static void
on_interrupt (int signum)
{
  interrupted = 1;
}

/* For a model that is one Linear(1, 1): the page's "learned: y = …" line. */
static void
print_learned_line (NnbProject *project)
{
  NnbModel *model = project->model;
  GPtrArray *params = nnb_model_named_parameters (model);
  NnbModule *module;
  float w, b;

  if (model->modules->len != 1)
    return;
  module = model->modules->pdata[0];
  if (module->kind != NNB_MODULE_LINEAR || module->in_features != 1 || module->out_features != 1 ||
      !module->has_bias || params->len != 2)
    return;
  nnb_tensor_read (((NnbNamedParameter *) params->pdata[0])->param->value, &w);
  nnb_tensor_read (((NnbNamedParameter *) params->pdata[1])->param->value, &b);
  printf ("learned: y = %.3fx + %.3f", w, b);
  if (project->data.kind == NNB_DATA_LINE)
    printf (" (true: y = %gx + %g)", project->data.a, project->data.b);
  printf ("\n");
}

/* f"{loss:.4f}" as Python writes it: nan, inf and -inf have no sign games */
static void
print_loss (const char *label, double loss)
{
  if (isnan (loss))
    printf (" %s nan", label);
  else if (isinf (loss))
    printf (" %s %sinf", label, loss < 0 ? "-" : "");
  else
    printf (" %s %.4f", label, loss);
}

/* "epoch   5 loss 0.1234", and " test_loss 0.2345" when the data holds
 * test rows (the loss on them after the epoch, nnb-training.h); for class
 * data under a classification loss, " accuracy 0.9500" and
 * " test_accuracy 0.9000" after them */
static void
print_epoch (NnbTraining *training, int epoch, double loss)
{
  printf ("epoch %3d", epoch);
  print_loss ("loss", loss);
  if (nnb_training_has_test_set (training) && !isnan (loss))
    print_loss ("test_loss", nnb_training_get_test_loss (training));
  if (!isnan (nnb_training_get_accuracy (training)) && !isnan (loss))
    {
      printf (" accuracy %.4f", nnb_training_get_accuracy (training));
      if (!isnan (nnb_training_get_test_accuracy (training)))
        printf (" test_accuracy %.4f", nnb_training_get_test_accuracy (training));
    }
  printf ("\n");
}

/* The last epoch's confusion matrices after the loss lines, as the
 * exported code's print_confusion prints them: the training rows' (the
 * epoch's forward passes, whose diagonal is its accuracy) and the test
 * rows'. Nothing for data without classes, or before the first epoch. */
static void
print_confusion (NnbTraining *training)
{
  const NnbConfusion *train = nnb_training_get_confusion (training);
  const NnbConfusion *test = nnb_training_get_test_confusion (training);

  if (train != NULL)
    {
      g_autofree char *table = nnb_confusion_format (train, "confusion matrix");

      fputs (table, stdout);
    }
  if (train != NULL && test != NULL)
    {
      g_autofree char *table = nnb_confusion_format (test, "test confusion matrix");

      fputs (table, stdout);
    }
}

/* PyTorch prints each distinct UserWarning once, when it first comes (a
 * smaller last batch brings its own); *printed counts those already shown. */
static void
print_new_warnings (NnbTraining *training, guint *printed)
{
  GPtrArray *warnings = nnb_training_get_warnings (training);

  for (; *printed < warnings->len; (*printed)++)
    fprintf (stderr, "UserWarning: %s\n", (const char *) warnings->pdata[*printed]);
}

static gboolean
should_log (int epoch, int epochs, int log_every)
{
  return log_every > 0 && (epoch % log_every == 0 || epoch == epochs - 1);
}

/* The command line's overrides of the project's training settings, held
 * until the project is loaded; G_MININT and NAN: not given. */
typedef struct
{
  int epochs, log_every, threads;
  double lr, until_loss;
  gint64 seed;
  char *device_name, *output;
} TrainArgs;

/* Applies args to the project and checks what the reader would refuse, in
 * its limits and words (nnb-project.c), so that -o writes a project that
 * loads again. Returns NNB_EXIT_OK or the exit status to stop with. */
static int
apply_args (const TrainArgs *args, NnbProject *project)
{
  NnbTrainingOptions *opts = &project->training;
  g_autoptr (GError) error = NULL;

  if (args->seed >= 0)
    project->seed = (guint64) args->seed;
  if (args->epochs != G_MININT)
    opts->epochs = args->epochs;
  if (!isnan (args->lr))
    opts->optimizer.lr = args->lr;
  if (!isnan (args->until_loss))
    opts->until_loss = args->until_loss;
  if (args->log_every != G_MININT)
    opts->log_every = args->log_every;
  if (opts->epochs > NNB_PROJECT_MAX_EPOCHS || opts->log_every > NNB_PROJECT_MAX_EPOCHS)
    {
      gboolean too_many = opts->epochs > NNB_PROJECT_MAX_EPOCHS;
      fprintf (stderr, "nnblocks-cli: training: %s must be at most %d, not %d.\n", too_many ? "epochs" : "log_every",
               NNB_PROJECT_MAX_EPOCHS, too_many ? opts->epochs : opts->log_every);
      return NNB_EXIT_USAGE;
    }
  if (opts->log_every < 0)
    {
      fprintf (stderr, "nnblocks-cli: --log-every must be 0 or more, not %d\n", opts->log_every);
      return NNB_EXIT_USAGE;
    }
  if (args->threads < 1)
    {
      fprintf (stderr, "nnblocks-cli: --threads must be 1 or more, not %d\n", args->threads);
      return NNB_EXIT_USAGE;
    }
  /* the order of BLAS's float sums depends on the thread count; one thread
   * reproduces the lesson's PyTorch numbers and is fastest for small nets */
  nnb_backend_cpu_set_threads (args->threads);
  if (args->device_name != NULL && !nnb_device_parse (args->device_name, &opts->device, &error))
    return nnb_cli_fail (error);
  return NNB_EXIT_OK;
}

/* The page's loop, printing as it goes, until the engine's stop rule or
 * Ctrl-C ends it. *epoch is left as a for loop over the epochs leaves it:
 * the epoch count when it ran out or was interrupted, the last epoch's
 * number when it converged or diverged. */
static NnbStopReason
train_epochs (NnbTraining *training, const NnbTrainingOptions *opts, int *epoch, double *loss, GError **error)
{
  NnbStopRule rule;
  NnbStopReason reason;
  guint warnings_printed = 0;

  nnb_stop_rule_init (&rule, opts);
  reason = nnb_training_should_stop (&rule, 0, *loss);
  for (*epoch = 0; reason == NNB_STOP_NONE && !interrupted; (*epoch)++)
    {
      reason = nnb_training_run_epoch (training, &rule, loss, error);
      if (reason == NNB_STOP_FAILED)
        break;
      print_new_warnings (training, &warnings_printed);
      if (should_log (*epoch, opts->epochs, opts->log_every))
        print_epoch (training, *epoch, *loss);
      if (reason == NNB_STOP_CONVERGED)
        printf ("converged at epoch %d, loss %.4f\n", *epoch, *loss);
      if (reason == NNB_STOP_CONVERGED || reason == NNB_STOP_DIVERGED)
        break;
    }
  /* the last step may have blown the weights up after its loss was
   * printed: then -o keeps the last finite ones, as for a nan loss */
  return nnb_training_finish (training, reason, error);
}

int
nnb_cli_train (int argc, char **argv)
{
  static TrainArgs args = {
    .epochs = G_MININT,
    .log_every = G_MININT,
    .threads = 1,
    .lr = NAN,
    .until_loss = NAN,
    .seed = -1,
  };
  static const GOptionEntry entries[] = {
    { "epochs", 'e', 0, G_OPTION_ARG_INT, &args.epochs, "Number of epochs (default: the project's)", "N" },
    { "lr", 0, 0, G_OPTION_ARG_DOUBLE, &args.lr, "Learning rate (default: the project's)", "X" },
    { "seed", 's', 0, G_OPTION_ARG_INT64, &args.seed, "Seed for torch.manual_seed before the data", "S" },
    { "until-loss", 0, 0, G_OPTION_ARG_DOUBLE, &args.until_loss, "Stop when the loss drops below L (0: never)", "L" },
    { "log-every", 0, 0, G_OPTION_ARG_INT, &args.log_every, "Print the loss every K epochs and at the last (0: never)", "K" },
    { "device", 'd', 0, G_OPTION_ARG_STRING, &args.device_name, "Device: cpu or cuda", "DEVICE" },
    { "threads", 't', 0, G_OPTION_ARG_INT, &args.threads, "OpenBLAS threads on the CPU (default 1, as the lesson's PyTorch numbers were measured)", "N" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &args.output, "Save the trained project (with weights) here", "OUT.nnb" },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("FILE.nnb");
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbProject) project = NULL;
  g_autoptr (NnbDataset) data = NULL;
  g_autoptr (NnbTraining) training = NULL;
  NnbGenerator shuffle;
  NnbTrainingOptions *opts;
  NnbStopReason reason;
  double loss = NAN;
  int status, epoch;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!nnb_cli_parse (context, &argc, &argv, 1, "Trains the project's model as the lesson's loop does.", &status))
    return status;

  project = nnb_project_load (argv[1], &error);
  if (project == NULL)
    return nnb_cli_fail (error);
  status = apply_args (&args, project);
  if (status != NNB_EXIT_OK)
    return status;
  opts = &project->training;

  /* shuffles draw from the generator the recipe left behind, as they would
   * in PyTorch, and as the app's do */
  data = nnb_project_build_for_training (project, TRUE, &shuffle, &error);
  if (data == NULL)
    return nnb_cli_fail (error);
  /* a model that cannot run on this data stops here, in PyTorch's words,
   * before any step (the loss's warning comes from the run itself) */
  if (!nnb_model_check_data (project->model, data, opts, NULL, &error))
    return nnb_cli_fail (error);
  training = nnb_training_new (project->model, data, opts, &shuffle, &error);
  if (training == NULL)
    return nnb_cli_fail (error);

  signal (SIGINT, on_interrupt);
  reason = train_epochs (training, opts, &epoch, &loss, &error);
  if (reason == NNB_STOP_FAILED)
    return nnb_cli_fail (error);
  if (reason != NNB_STOP_DIVERGED)
    print_confusion (training);
  fflush (stdout);

  /* what the page prints after its loop */
  if (interrupted)
    fprintf (stderr, "nnblocks-cli: interrupted after epoch %d\n", epoch - 1);
  if (reason != NNB_STOP_DIVERGED)
    {
      /* with --epochs 0 no epoch ran, so there is no loss to report */
      if (opts->until_loss > 0 && reason != NNB_STOP_CONVERGED && !interrupted && epoch > 0)
        printf ("final loss %.4f\n", loss);
      print_learned_line (project);
    }
  if (args.output != NULL)
    {
      g_autoptr (GError) save_error = NULL;
      if (!nnb_model_to (project->model, nnb_device_cpu (), &save_error) ||
          !nnb_project_save (project, args.output, TRUE, &save_error))
        return nnb_cli_fail (save_error);
    }
  if (reason == NNB_STOP_DIVERGED)
    {
      fprintf (stderr, "nnblocks-cli: %s\n", error->message);
      return NNB_EXIT_DIVERGED;
    }
  /* 128 + SIGINT, what a shell reports for a program Ctrl-C stopped, so a
   * script can tell a stopped run from a finished one */
  if (interrupted)
    return NNB_EXIT_INTERRUPTED;
  return NNB_EXIT_OK;
}
