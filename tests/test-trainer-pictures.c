/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-trainer-pictures.c — what the trainer's snapshots carry for the
 * plots, each checked against the model's own forward, bit for bit: the
 * predictions beside their targets when there is no curve (issue 19), one
 * curve per output, the decision boundary of class data and its
 * probabilities as each loss reads them, and the units of a watched block
 * (issue 20). Built with -Db_sanitize=thread too (nnb-test-tsan.c). */
#include <glib.h>
#include <math.h>
#include <string.h>
#include "nnb-class-probabilities.h"
#include "nnb-project.h"
#include "nnb-softmax.h"
#include "nnb-test-util.h"
#include "nnb-trainer.h"
#include "nnb-training-private.h"
#include "nnb-units.h"

/* generous for a loaded machine under ThreadSanitizer; a pass is far quicker */
#define WAIT_US (20 * G_USEC_PER_SEC)

static NnbSnapshot *
wait_for (NnbTrainer *trainer, NnbTestSnapshotCheck test, gconstpointer data, gint64 *waited_us)
{
  return nnb_test_wait_for_snapshot (trainer, test, data, WAIT_US, waited_us);
}

static gboolean
finished (const NnbSnapshot *snapshot, gconstpointer data)
{
  return snapshot->state == NNB_TRAINER_FINISHED;
}

static gboolean
reached_epoch (const NnbSnapshot *snapshot, gconstpointer data)
{
  return snapshot->epoch >= GPOINTER_TO_INT (data);
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

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/trainer-pictures/snapshots-carry-predictions-without-a-curve",
                   test_snapshots_carry_predictions_without_a_curve);
  g_test_add_func ("/trainer-pictures/two-outputs-give-two-curves-on-the-grid", test_two_outputs_give_two_curves_on_the_grid);
  g_test_add_func ("/trainer-pictures/snapshots-carry-the-decision-boundary", test_snapshots_carry_the_decision_boundary);
  g_test_add_func ("/trainer-pictures/class-probabilities-follow-the-loss", test_class_probabilities_follow_the_loss);
  g_test_add_func ("/trainer-pictures/watched-block-units-are-its-forward-output", test_watched_block_units_are_its_forward_output);
  g_test_add_func ("/trainer-pictures/watched-units-on-the-plane", test_watched_units_on_the_plane);
  return g_test_run ();
}
