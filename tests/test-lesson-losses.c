/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-lesson-losses.c — every epoch's loss of the Day 2 lesson's runs
 * (the regression, SineNet at lr 0.1, 0.05 and 0.01, the straight line on
 * the sine) is real PyTorch 1.13's, bit for bit, for the whole run:
 * tests/data/lesson-losses.json, from tests/reference/make_lesson_losses.py.
 *
 * Each run trains twice: through the loop the CLI and the lesson share
 * (the recipe, then nnb_training_run_epoch with the project's stop rule)
 * and through the app's trainer on its worker thread. A last bit that
 * drifts anywhere in the forward pass, the backward pass or the update
 * shows here at the first epoch it reaches the loss. All ten trainings
 * (about 31 000 epochs) take about three seconds. */
#include <glib.h>
#include <math.h>
#include <string.h>
#include "nnb-backend.h"
#include "nnb-project.h"
#include "nnb-test-util.h"
#include "nnb-trainer.h"
#include "nnb-training.h"

#define WAIT_US (120 * G_USEC_PER_SEC)

/* The golden run's project, set up as `nnblocks-cli train EXAMPLE --lr LR
 * --epochs N --until-loss 0` sets it up, and its data and shuffle state. */
static NnbProject *
load_run (JsonObject *run, NnbDataset **data, NnbGenerator *shuffle)
{
  g_autofree char *path = nnb_test_source_path (json_object_get_string_member (run, "project"));
  g_autoptr (GError) error = NULL;
  NnbProject *project = nnb_project_load (path, &error);

  g_assert_no_error (error);
  project->training.optimizer.lr = json_object_get_double_member (run, "lr");
  project->training.epochs = (int) json_object_get_int_member (run, "epochs");
  project->training.until_loss = 0;
  /* one OpenBLAS thread, as the CLI, the app and the reference run */
  nnb_backend_cpu_set_threads (1);
  *data = nnb_project_build_for_training (project, TRUE, shuffle, &error);
  g_assert_no_error (error);
  return project;
}

/* got[i] against PyTorch's epoch i, to the bit (a nan is any nan); names
 * the first epoch that differs. */
static void
assert_pytorchs_losses (const char *how, JsonObject *run, const double *got, guint n)
{
  JsonArray *want = json_object_get_array_member (run, "losses");

  g_assert_cmpuint (n, <=, json_array_get_length (want));
  for (guint epoch = 0; epoch < n; epoch++)
    {
      float torch = nnb_test_float_of_hex (json_array_get_string_element (want, epoch));
      double loss = got[epoch];

      if (isnan (torch) && isnan (loss))
        continue;
      if ((float) loss != torch || signbit (loss) != signbit (torch) || (double) (float) loss != loss)
        g_error ("%s, %s at lr %g: epoch %u's loss is %.9g, PyTorch's %.9g (the first that differs)", how,
                 json_object_get_string_member (run, "project"), json_object_get_double_member (run, "lr"),
                 epoch, loss, torch);
    }
}

static void
test_cli_loop (gconstpointer data)
{
  JsonObject *run = (JsonObject *) data;
  guint n = json_array_get_length (json_object_get_array_member (run, "losses"));
  g_autoptr (NnbDataset) dataset = NULL;
  g_autoptr (NnbProject) project = NULL;
  g_autoptr (NnbTraining) training = NULL;
  g_autoptr (GArray) losses = g_array_new (FALSE, FALSE, sizeof (double));
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
      g_autoptr (GError) step_error = NULL;
      double loss;

      reason = nnb_training_run_epoch (training, &rule, &loss, &step_error);
      g_assert_cmpint (reason, !=, NNB_STOP_FAILED);
      g_array_append_val (losses, loss);
    }
  assert_pytorchs_losses ("the CLI's loop", run, (const double *) losses->data, losses->len);
  /* it stops where PyTorch's losses end: the epochs asked for, or the first nan */
  g_assert_cmpuint (losses->len, ==, n);
  g_assert_cmpint (reason, ==, isnan (g_array_index (losses, double, n - 1)) ? NNB_STOP_DIVERGED : NNB_STOP_FINISHED);
}

static void
test_app_trainer (gconstpointer data)
{
  JsonObject *run = (JsonObject *) data;
  JsonArray *want = json_object_get_array_member (run, "losses");
  guint n = json_array_get_length (want);
  gboolean diverges = isnan (nnb_test_float_of_hex (json_array_get_string_element (want, n - 1)));
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
  g_assert_cmpint (snapshot->state, ==, diverges ? NNB_TRAINER_DIVERGED : NNB_TRAINER_FINISHED);
  assert_pytorchs_losses ("the app's trainer", run, (const double *) snapshot->losses->data, snapshot->losses->len);
  /* the app keeps the losses before the nan, whose epoch the message names */
  g_assert_cmpuint (snapshot->losses->len, ==, diverges ? n - 1 : n);
}

int
main (int argc, char *argv[])
{
  JsonArray *runs;

  g_test_init (&argc, &argv, NULL);
  runs = json_object_get_array_member (nnb_test_golden ("data/lesson-losses.json"), "runs");
  for (guint i = 0; i < json_array_get_length (runs); i++)
    {
      JsonObject *run = json_array_get_object_element (runs, i);
      g_autofree char *base = g_path_get_basename (json_object_get_string_member (run, "project"));
      g_autofree char *cli = NULL;
      g_autofree char *app = NULL;

      *strrchr (base, '.') = '\0';
      cli = g_strdup_printf ("/lesson-losses/cli/%s-lr-%g-gives-pytorchs-loss-every-epoch", base,
                             json_object_get_double_member (run, "lr"));
      app = g_strdup_printf ("/lesson-losses/app/%s-lr-%g-gives-pytorchs-loss-every-epoch", base,
                             json_object_get_double_member (run, "lr"));
      g_test_add_data_func (cli, run, test_cli_loop);
      g_test_add_data_func (app, run, test_app_trainer);
    }
  return g_test_run ();
}
