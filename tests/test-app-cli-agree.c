/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-app-cli-agree.c — one engine, one answer: every example trained the
 * way the window trains it (NnbTrainer on its worker thread, shuffling from
 * the generator state NnbDocument keeps) gives the losses of the CLI's loop
 * bit for bit, and mlp-residual's shuffled mini-batches give real
 * PyTorch's (tests/data/minibatch-losses.json, from
 * tests/reference/make_minibatch_losses.py). */
#include <glib.h>
#include <math.h>
#include <string.h>
#include "nnb-project.h"
#include "nnb-test-util.h"
#include "nnb-trainer.h"

/* sinenet.nnb and sine-linear.nnb train 5000 epochs; the first 300 show
 * any disagreement (a different shuffle shows from the first epoch) and
 * keep this test to a few seconds */
#define MAX_EPOCHS 300
/* NNB_DOCUMENT_GRID_POINTS: the window's trainer also draws the fitted
 * curve between epochs, so this one does too */
#define GRID_POINTS 256
#define WAIT_US (60 * G_USEC_PER_SEC)

static gboolean
is_done (NnbTrainerState state)
{
  return state == NNB_TRAINER_FINISHED || state == NNB_TRAINER_CONVERGED ||
         state == NNB_TRAINER_DIVERGED || state == NNB_TRAINER_FAILED;
}

/* Starts trainer and waits, as the window's frame clock does, for the
 * snapshot that says it ended; returns its losses. */
static GArray *
run_to_the_end (NnbTrainer *trainer)
{
  g_autoptr (NnbSnapshot) snapshot = nnb_test_trainer_run_to_end (trainer, WAIT_US);

  g_assert_true (is_done (snapshot->state));
  g_assert_cmpstr (snapshot->message, ==, NULL);
  return g_array_ref (snapshot->losses);
}

/* The window's way (nnb-document.c): build the project keeping the file's
 * weights, keep the generator as the recipe left it, and hand the trainer
 * the data, the project's settings, that generator and a grid over the
 * data's x range. */
static GArray *
train_as_the_app (const char *path, int epochs, int64_t batch_size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbProject) project = nnb_project_load (path, &error);
  g_autoptr (NnbDataset) data = NULL;
  g_autoptr (NnbTrainer) trainer = NULL;
  NnbGenerator shuffle;
  NnbTrainingOptions options;
  double x_min = 0, x_max = 1;

  g_assert_no_error (error);
  data = nnb_project_build_for_training (project, TRUE, &shuffle, &error);
  g_assert_no_error (error);
  if (data->x->shape[1] == 1)
    {
      x_min = x_max = data->x->data[0];
      for (int64_t i = 1; i < data->x->numel; i++)
        {
          x_min = MIN (x_min, data->x->data[i]);
          x_max = MAX (x_max, data->x->data[i]);
        }
    }
  options = project->training;
  options.epochs = epochs;
  if (batch_size >= 0)
    options.batch_size = batch_size;
  trainer = nnb_trainer_new (project->model, data, &options, &shuffle, GRID_POINTS, x_min, x_max, &error);
  g_assert_no_error (error);
  return run_to_the_end (trainer);
}

/* The CLI's way (nnb-cli-train.c), written out as the PyTorch program
 * reads, without the shared helper: the recipe on the default generator,
 * then the loop shuffling from a copy of wherever the recipe left it. */
static GArray *
train_as_the_cli (const char *path, int epochs)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbProject) project = nnb_project_load (path, &error);
  g_autoptr (NnbDataset) data = NULL;
  g_autoptr (NnbTraining) training = NULL;
  g_autofree NnbGenerator *gen = NULL;
  GArray *losses = g_array_new (FALSE, FALSE, sizeof (double));

  g_assert_no_error (error);
  data = nnb_project_build (project, TRUE, &error);
  g_assert_no_error (error);
  gen = g_memdup2 (nnb_generator_default (), sizeof (NnbGenerator));
  training = nnb_training_new (project->model, data, &project->training, gen, &error);
  g_assert_no_error (error);
  for (int epoch = 0; epoch < epochs; epoch++)
    {
      double loss;

      g_assert_true (nnb_training_epoch (training, &loss, &error));
      g_assert_no_error (error);
      g_array_append_val (losses, loss);
      if (project->training.until_loss > 0 && loss < project->training.until_loss)
        break;
    }
  return losses;
}

/* Equal doubles, bit for bit; names the first epoch that differs. */
static void
assert_same_losses (const char *what, GArray *got, GArray *want)
{
  for (guint i = 0; i < MIN (got->len, want->len); i++)
    {
      double a = g_array_index (got, double, i), b = g_array_index (want, double, i);

      if (memcmp (&a, &b, sizeof a) != 0)
        g_error ("%s: epoch %u's loss is %.17g, not %.17g", what, i, a, b);
    }
  g_assert_cmpuint (got->len, ==, want->len);
}

/* The epochs' "loss 0.1234" lines that `nnblocks-cli train --log-every 1`
 * prints, in order. */
static GPtrArray *
cli_printed_losses (const char *path, int epochs)
{
  g_autofree char *epochs_text = g_strdup_printf ("%d", epochs);
  const char *argv[] = { g_getenv ("NNB_CLI"), "train", path, "--epochs", epochs_text, "--log-every", "1", NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto (GStrv) lines = NULL;
  GPtrArray *printed = g_ptr_array_new_with_free_func (g_free);

  g_assert_nonnull (argv[0]);
  if (nnb_test_run (argv, &out, &err) != 0)
    g_error ("nnblocks-cli train %s failed: %s", path, err);
  lines = g_strsplit (out, "\n", -1);
  for (int i = 0; lines[i] != NULL; i++)
    {
      const char *loss = strstr (lines[i], " loss ");

      /* the train loss: the word after " loss " (a test_loss may follow) */
      if (g_str_has_prefix (lines[i], "epoch ") && loss != NULL)
        g_ptr_array_add (printed, g_strndup (loss + strlen (" loss "), strcspn (loss + strlen (" loss "), " ")));
    }
  return printed;
}

static void
test_every_example_trains_alike_in_the_app_and_the_cli (void)
{
  g_autofree char *dir = nnb_test_source_path ("data/examples");
  g_autoptr (GDir) examples = g_dir_open (dir, 0, NULL);
  const char *name;
  int n = 0;

  g_assert_nonnull (examples);
  while ((name = g_dir_read_name (examples)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autoptr (GError) error = NULL;
      g_autoptr (NnbProject) project = NULL;
      g_autoptr (GArray) app = NULL;
      g_autoptr (GArray) cli = NULL;
      g_autoptr (GPtrArray) printed = NULL;
      int epochs;

      if (!g_str_has_suffix (name, ".nnb"))
        continue;
      project = nnb_project_load (path, &error);
      g_assert_no_error (error);
      epochs = MIN (project->training.epochs, MAX_EPOCHS);
      g_test_message ("%s: %d epochs, batch_size %" G_GINT64_FORMAT, name, epochs, project->training.batch_size);

      app = train_as_the_app (path, epochs, -1);
      cli = train_as_the_cli (path, epochs);
      g_assert_cmpuint (app->len, >, 0);
      assert_same_losses (name, app, cli);

      /* and the CLI itself prints the app's losses, to its 4 decimals */
      printed = cli_printed_losses (path, epochs);
      g_assert_cmpuint (printed->len, ==, app->len);
      for (guint i = 0; i < app->len; i++)
        {
          g_autofree char *want = g_strdup_printf ("%.4f", g_array_index (app, double, i));

          if (!g_str_equal (printed->pdata[i], want))
            g_error ("%s: the CLI prints epoch %u's loss as %s, the app has %s", name, i,
                     (char *) printed->pdata[i], want);
        }
      n++;
    }
  g_assert_cmpint (n, >=, 5);
}

/* Train, a settings change, Train again: the window makes a new trainer
 * on the document's generator, which the first one advanced, so the
 * second run shuffles as a second loop in the same PyTorch script would.
 * With plain SGD (no optimizer state) 3 + 3 epochs are then exactly 6. */
static void
test_a_second_run_draws_on_from_the_first (void)
{
  g_autofree char *path = nnb_test_source_path ("data/examples/mlp-residual.nnb");
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbProject) project = nnb_project_load (path, &error);
  g_autoptr (NnbDataset) data = NULL;
  g_autoptr (GArray) straight = NULL;
  g_autoptr (GArray) first = NULL;
  g_autoptr (GArray) second = NULL;
  NnbGenerator shuffle;
  NnbTrainingOptions options;

  g_assert_no_error (error);
  g_assert_cmpint (project->training.optimizer.kind, ==, NNB_OPTIMIZER_SGD);
  g_assert_cmpfloat (project->training.optimizer.momentum, ==, 0);
  g_assert_cmpint (project->training.batch_size, >, 0);
  straight = train_as_the_app (path, 6, -1);

  data = nnb_project_build_for_training (project, TRUE, &shuffle, &error);
  g_assert_no_error (error);
  options = project->training;
  options.epochs = 3;
  {
    g_autoptr (NnbTrainer) trainer = nnb_trainer_new (project->model, data, &options, &shuffle, 0, 0, 0, &error);
    g_assert_no_error (error);
    first = run_to_the_end (trainer);
  }
  {
    g_autoptr (NnbTrainer) trainer = nnb_trainer_new (project->model, data, &options, &shuffle, 0, 0, 0, &error);
    g_assert_no_error (error);
    second = run_to_the_end (trainer);
  }
  g_array_append_vals (first, second->data, second->len);
  assert_same_losses ("3 + 3 epochs against 6", first, straight);
}

/* tests/data/minibatch-losses.json: PyTorch 1.13's epoch losses (the mean
 * of the batches' loss.item()) for mlp-residual.nnb, 20 epochs of shuffled
 * batches of 32 (32 equal batches) and of 48 (the last one 16 points).
 *
 * Bit for bit, every epoch: 640 or 440 steps only stay on PyTorch's bits
 * if every one of them is, so this holds the engine to the sums PyTorch
 * makes where the order is easiest to get wrong: the weight gradient as the
 * sgemm call autograd makes (dYᵀ · X, not (Xᵀ · dY)ᵀ), the (B, 1) bias
 * gradient and the loss's mean as one contiguous run (SumKernel.cpp's
 * inner sum), and the epoch's loss as the plain mean of the batches'
 * loss.item (), not one weighted by the batches' sizes. */

static void
test_minibatch_losses_are_pytorchs (void)
{
  g_autofree char *path = nnb_test_source_path ("data/examples/mlp-residual.nnb");
  JsonObject *golden = nnb_test_golden ("data/minibatch-losses.json");
  JsonArray *runs = json_object_get_array_member (golden, "runs");

  g_assert_cmpstr (json_object_get_string_member (golden, "project"), ==, "data/examples/mlp-residual.nnb");
  g_assert_cmpuint (json_array_get_length (runs), ==, 2);
  for (guint r = 0; r < json_array_get_length (runs); r++)
    {
      JsonObject *run = json_array_get_object_element (runs, r);
      int64_t batch_size = json_object_get_int_member (run, "batch_size");
      JsonArray *want = json_object_get_array_member (run, "losses");
      g_autoptr (GArray) app = train_as_the_app (path, (int) json_array_get_length (want), batch_size);

      g_assert_cmpuint (app->len, ==, json_array_get_length (want));
      for (guint i = 0; i < app->len; i++)
        {
          double got = g_array_index (app, double, i), torch = json_array_get_double_element (want, i);

          if (got != torch)
            g_error ("batch_size %" G_GINT64_FORMAT ": epoch %u's loss is %.17g, PyTorch's %.17g (%.2g relative)",
                     batch_size, i, got, torch, fabs (got - torch) / fabs (torch));
        }
      g_test_message ("batch_size %" G_GINT64_FORMAT ": %u epochs, PyTorch's losses bit for bit", batch_size, app->len);
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app-cli-agree/every-example-trains-alike-in-the-app-and-the-cli",
                   test_every_example_trains_alike_in_the_app_and_the_cli);
  g_test_add_func ("/app-cli-agree/a-second-run-draws-on-from-the-first", test_a_second_run_draws_on_from_the_first);
  g_test_add_func ("/app-cli-agree/minibatch-losses-are-pytorchs", test_minibatch_losses_are_pytorchs);
  return g_test_run ();
}
