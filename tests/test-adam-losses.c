/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-adam-losses.c — torch.optim.Adam to the last bit: every epoch's
 * train (and test) loss of five runs is real PyTorch 1.13's, and so is one
 * Adam step's exp_avg, exp_avg_sq and parameter on 67 floats.
 * tests/data/adam-losses.json, from tests/reference/make_adam_losses.py.
 *
 * The runs (tests/data/adam-*.nnb and tanh-128*.nnb): Adam on shuffled
 * mini-batches of the line (Linear(1, 1), no split, no standardisation),
 * once with weight decay, other betas and eps; full-batch Adam on
 * data/examples/overfit.nnb; and the overfit net 128 wide on its 18
 * training rows, with SGD and momentum and with Adam. PyTorch's addcmul_ in exp_avg_sq.mul_(beta2).addcmul_(g,
 * g, value=1 − beta2) is one fused multiply-add; an engine that rounds the
 * product first drifts by an ulp at the second step, which the losses show
 * within a few epochs (epoch 2 on the line, 3 on overfit).
 *
 * Each run trains through the CLI's loop and through the app's trainer,
 * and the step runs through the AVX2 kernels and the plain loops. */
#include <glib.h>
#include <math.h>
#include <string.h>
#include "nnb-backend-cpu-simd.h"
#include "nnb-tensor-private.h"
#include "nnb-backend.h"
#include "nnb-project.h"
#include "nnb-test-util.h"
#include "nnb-trainer.h"
#include "nnb-training.h"

#define WAIT_US (120 * G_USEC_PER_SEC)

static double
double_of_hex (const char *hex)
{
  guint64 bits = g_ascii_strtoull (hex, NULL, 16);
  double value;

  memcpy (&value, &bits, sizeof value);
  return value;
}

static NnbProject *
load_run (JsonObject *run, NnbDataset **data, NnbGenerator *shuffle)
{
  g_autofree char *path = nnb_test_source_path (json_object_get_string_member (run, "project"));
  g_autoptr (GError) error = NULL;
  NnbProject *project = nnb_project_load (path, &error);

  g_assert_no_error (error);
  g_assert_cmpint (project->training.epochs, ==, json_object_get_int_member (run, "epochs"));
  /* one OpenBLAS thread, as the CLI, the app and the reference run */
  nnb_backend_cpu_set_threads (1);
  *data = nnb_project_build_for_training (project, TRUE, shuffle, &error);
  g_assert_no_error (error);
  return project;
}

/* got[i] against PyTorch's epoch i (member "losses" or "test_losses"), as
 * doubles to the bit; names the first epoch that differs */
static void
assert_pytorchs (const char *how, JsonObject *run, const char *member, const double *got, guint n)
{
  JsonArray *want = json_object_has_member (run, member) ? json_object_get_array_member (run, member) : NULL;

  g_assert_cmpuint (n, ==, want != NULL ? json_array_get_length (want) : 0);
  for (guint epoch = 0; epoch < n; epoch++)
    {
      double torch = double_of_hex (json_array_get_string_element (want, epoch));

      if (memcmp (&torch, &got[epoch], sizeof torch) != 0)
        g_error ("%s, %s: epoch %u's %s is %.17g, PyTorch's %.17g (the first that differs)", how,
                 json_object_get_string_member (run, "project"), epoch,
                 strcmp (member, "losses") == 0 ? "loss" : "test loss", got[epoch], torch);
    }
}

static void
test_cli_loop (gconstpointer data)
{
  JsonObject *run = (JsonObject *) data;
  g_autoptr (NnbDataset) dataset = NULL;
  g_autoptr (NnbProject) project = NULL;
  g_autoptr (NnbTraining) training = NULL;
  g_autoptr (GArray) losses = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) test_losses = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GError) error = NULL;
  NnbGenerator shuffle;
  NnbStopRule rule;
  NnbStopReason reason = NNB_STOP_NONE;

  project = load_run (run, &dataset, &shuffle);
  training = nnb_training_new (project->model, dataset, &project->training, &shuffle, &error);
  g_assert_no_error (error);
  nnb_stop_rule_init (&rule, &project->training);
  while (reason == NNB_STOP_NONE)
    {
      double loss, test_loss;

      reason = nnb_training_run_epoch (training, &rule, &loss, &error);
      g_assert_no_error (error);
      g_array_append_val (losses, loss);
      test_loss = nnb_training_get_test_loss (training);
      if (nnb_training_has_test_set (training))
        g_array_append_val (test_losses, test_loss);
    }
  g_assert_cmpint (reason, ==, NNB_STOP_FINISHED);
  assert_pytorchs ("the CLI's loop", run, "losses", (const double *) losses->data, losses->len);
  assert_pytorchs ("the CLI's loop", run, "test_losses", (const double *) test_losses->data, test_losses->len);
}

static void
test_app_trainer (gconstpointer data)
{
  JsonObject *run = (JsonObject *) data;
  g_autoptr (NnbDataset) dataset = NULL;
  g_autoptr (NnbProject) project = NULL;
  g_autoptr (NnbTrainer) trainer = NULL;
  g_autoptr (NnbSnapshot) snapshot = NULL;
  g_autoptr (GError) error = NULL;
  NnbGenerator shuffle;

  project = load_run (run, &dataset, &shuffle);
  trainer = nnb_trainer_new (project->model, dataset, &project->training, &shuffle, 0, 0, 0, &error);
  g_assert_no_error (error);
  snapshot = nnb_test_trainer_run_to_end (trainer, WAIT_US);
  g_assert_cmpint (snapshot->state, ==, NNB_TRAINER_FINISHED);
  assert_pytorchs ("the app's trainer", run, "losses", (const double *) snapshot->losses->data,
                   snapshot->losses->len);
  assert_pytorchs ("the app's trainer", run, "test_losses", (const double *) snapshot->test_losses->data,
                   snapshot->test_losses->len);
}

static float *
floats_of (JsonObject *step, const char *member, gsize *n)
{
  JsonArray *hex = json_object_get_array_member (step, member);
  float *values;

  *n = json_array_get_length (hex);
  values = g_new (float, *n);
  for (gsize i = 0; i < *n; i++)
    values[i] = nnb_test_float_of_hex (json_array_get_string_element (hex, i));
  return values;
}

/* Adam's second step from a given state, through the CPU backend's vector
 * kernels (scalar = FALSE) or its plain loops */
static void
test_one_step (gconstpointer data)
{
  gboolean scalar = GPOINTER_TO_INT (data);
  JsonObject *step = json_object_get_object_member (nnb_test_golden ("data/adam-losses.json"), "step");
  JsonArray *betas = json_object_get_array_member (step, "betas");
  gsize n, n_grad, n_avg, n_avg_sq;
  g_autofree float *param = floats_of (step, "param", &n);
  g_autofree float *grad = floats_of (step, "grad", &n_grad);
  g_autofree float *exp_avg = floats_of (step, "exp_avg", &n_avg);
  g_autofree float *exp_avg_sq = floats_of (step, "exp_avg_sq", &n_avg_sq);

  g_assert_cmpuint (n_grad, ==, n);
  g_assert_cmpuint (n_avg, ==, n);
  g_assert_cmpuint (n_avg_sq, ==, n);
  if (!scalar && !nnb_simd_available ())
    {
      g_test_skip ("this processor has no AVX2 and FMA");
      return;
    }
  nnb_backend_cpu_force_scalar (scalar);
  nnb_backend_cpu ()->adam_step (param, grad, exp_avg, exp_avg_sq, n, json_object_get_double_member (step, "lr"),
                                 json_array_get_double_element (betas, 0), json_array_get_double_element (betas, 1),
                                 json_object_get_double_member (step, "eps"), 0.0,
                                 (int) json_object_get_int_member (step, "step"));
  nnb_backend_cpu_force_scalar (FALSE);
  /* exp_avg_sq first: the fused multiply-add shows there before anywhere else */
  nnb_test_assert_float_bits ("exp_avg_sq", exp_avg_sq, n, json_object_get_array_member (step, "exp_avg_sq_after"));
  nnb_test_assert_float_bits ("exp_avg", exp_avg, n, json_object_get_array_member (step, "exp_avg_after"));
  nnb_test_assert_float_bits ("param", param, n, json_object_get_array_member (step, "param_after"));
}

int
main (int argc, char *argv[])
{
  JsonArray *runs;

  g_test_init (&argc, &argv, NULL);
  g_test_add_data_func ("/adam-losses/one-step/simd-gives-pytorchs-bits", GINT_TO_POINTER (FALSE), test_one_step);
  g_test_add_data_func ("/adam-losses/one-step/scalar-gives-pytorchs-bits", GINT_TO_POINTER (TRUE), test_one_step);
  runs = json_object_get_array_member (nnb_test_golden ("data/adam-losses.json"), "runs");
  for (guint i = 0; i < json_array_get_length (runs); i++)
    {
      JsonObject *run = json_array_get_object_element (runs, i);
      g_autofree char *base = g_path_get_basename (json_object_get_string_member (run, "project"));
      g_autofree char *cli = NULL;
      g_autofree char *app = NULL;

      *strrchr (base, '.') = '\0';
      cli = g_strdup_printf ("/adam-losses/cli/%s-gives-pytorchs-loss-every-epoch", base);
      app = g_strdup_printf ("/adam-losses/app/%s-gives-pytorchs-loss-every-epoch", base);
      g_test_add_data_func (cli, run, test_cli_loop);
      g_test_add_data_func (app, run, test_app_trainer);
    }
  return g_test_run ();
}
