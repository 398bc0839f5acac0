/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-confusion.c — the confusion matrix (rows: true class, columns:
 * predicted class) against PyTorch 1.13: the class each loss reads from a
 * row of outputs where its rule meets its edges (argmax's ties and NaNs,
 * 0 and −0 for BCEWithLogitsLoss, 0.5 for BCELoss), and every epoch's
 * matrices of a few training runs, through the training loop, the app's
 * trainer, `nnblocks-cli train` and the exported code. The diagonal is
 * the accuracy's count, always: one rule decides both.
 *
 * Golden data: tests/reference/make_confusion_golden.py →
 * tests/data/confusion-golden.json. */
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "nnb-confusion.h"
#include "nnb-loss.h"
#include "nnb-project.h"
#include "nnb-tensor-private.h"
#include "nnb-test-util.h"
#include "nnb-trainer.h"
#include "nnb-training.h"

static NnbLossKind
kind_of (JsonObject *c)
{
  NnbLossKind kind;

  g_assert_true (nnb_loss_kind_from_string (json_object_get_string_member (c, "loss"), &kind));
  return kind;
}

/* PyTorch's counts[true][predicted] against m, cell by cell */
static void
assert_matrix (const char *what, const NnbConfusion *m, JsonArray *expected)
{
  g_assert_nonnull (m);
  g_assert_cmpuint (json_array_get_length (expected), ==, (guint) m->k);
  for (int t = 0; t < m->k; t++)
    {
      JsonArray *row = json_array_get_array_element (expected, t);

      g_assert_cmpuint (json_array_get_length (row), ==, (guint) m->k);
      for (int p = 0; p < m->k; p++)
        if (nnb_confusion_get (m, t, p) != json_array_get_int_element (row, p))
          g_error ("%s: true class %d predicted as %d: %" G_GINT64_FORMAT " rows, PyTorch's %" G_GINT64_FORMAT, what, t,
                   p, nnb_confusion_get (m, t, p), json_array_get_int_element (row, p));
    }
}

/* hand-made rows: the class of each as torch predicts it, the matrix, and
 * the loss's count of right ones, which is the matrix's diagonal */
static void
test_rows (gconstpointer data)
{
  JsonObject *c = (JsonObject *) data;
  const char *name = json_object_get_string_member (c, "name");
  int64_t n = json_object_get_int_member (c, "n"), cols = json_object_get_int_member (c, "c");
  int k = (int) json_object_get_int_member (c, "classes");
  NnbLossKind kind = kind_of (c);
  gboolean indices = kind == NNB_LOSS_CROSS_ENTROPY || kind == NNB_LOSS_NLL;
  NnbPredictRule rule = nnb_predict_rule (kind, TRUE, indices, cols);
  JsonArray *x_bits = json_object_get_array_member (c, "x"), *targets = json_object_get_array_member (c, "target");
  JsonArray *predicted = json_object_get_array_member (c, "predicted");
  g_autoptr (NnbTensor) x = nnb_tensor_new_cpu (2, (int64_t[]){ n, cols });
  g_autoptr (NnbTensor) y = nnb_tensor_new_cpu (2, (int64_t[]){ n, 1 });
  g_autoptr (NnbConfusion) m = nnb_confusion_new (k);
  int64_t correct;

  g_assert_cmpint (rule, !=, NNB_PREDICT_NONE);
  for (int64_t i = 0; i < n * cols; i++)
    x->data[i] = nnb_test_float_of_hex (json_array_get_string_element (x_bits, i));
  for (int64_t i = 0; i < n; i++)
    {
      int64_t p = nnb_predict_class (rule, x->data + i * cols, cols);

      y->data[i] = (float) json_array_get_double_element (targets, i);
      if (p != json_array_get_int_element (predicted, i))
        g_error ("%s: row %" G_GINT64_FORMAT " is class %" G_GINT64_FORMAT ", torch's is %" G_GINT64_FORMAT, name, i,
                 p, json_array_get_int_element (predicted, i));
    }
  correct = nnb_confusion_count (m, rule, x->data, n, cols, y->data);
  assert_matrix (name, m, json_object_get_array_member (c, "matrix"));
  g_assert_cmpint (correct, ==, json_object_get_int_member (c, "correct"));
  g_assert_cmpint (nnb_confusion_correct (m), ==, correct);

  /* the loss counts its accuracy with the same rule (BCELoss refuses a
   * NaN input before it counts anything) */
  if (kind != NNB_LOSS_BCE)
    {
      g_autoptr (NnbLoss) loss = nnb_loss_new (kind);
      g_autoptr (GError) error = NULL;
      double value;

      nnb_loss_set_targets (loss, k, !indices);
      g_assert_true (nnb_loss_forward (loss, x, y, &value, &error));
      g_assert_no_error (error);
      g_assert_cmpint (nnb_loss_get_correct (loss), ==, correct);
      assert_matrix (name, nnb_loss_get_confusion (loss), json_object_get_array_member (c, "matrix"));
    }
}

static NnbProject *
project_of (JsonObject *c)
{
  g_autofree char *text = json_to_string (json_object_get_member (c, "project"), FALSE);
  g_autoptr (GError) error = NULL;
  NnbProject *project = nnb_project_load_from_data (text, strlen (text), &error);

  g_assert_no_error (error);
  return project;
}

/* every epoch's matrices as nnblocks-cli train counts them; their
 * diagonals are the accuracies' counts */
static void
test_run (gconstpointer data)
{
  JsonObject *c = (JsonObject *) data;
  const char *name = json_object_get_string_member (c, "name");
  JsonArray *matrices = json_object_get_array_member (c, "matrices");
  JsonArray *test_matrices = json_object_get_array_member (c, "test_matrices");
  g_autoptr (NnbProject) project = project_of (c);
  g_autoptr (NnbDataset) dataset = NULL;
  g_autoptr (NnbTraining) training = NULL;
  g_autoptr (GError) error = NULL;
  NnbGenerator shuffle;

  dataset = nnb_project_build_for_training (project, FALSE, &shuffle, &error);
  g_assert_no_error (error);
  training = nnb_training_new (project->model, dataset, &project->training, &shuffle, &error);
  g_assert_no_error (error);
  g_assert_null (nnb_training_get_confusion (training));
  for (int e = 0; e < project->training.epochs; e++)
    {
      g_autofree char *what = g_strdup_printf ("%s, epoch %d", name, e);
      g_autofree char *test_what = g_strdup_printf ("%s, epoch %d, test rows", name, e);
      const NnbConfusion *m;
      double loss;

      g_assert_true (nnb_training_epoch (training, &loss, &error));
      g_assert_no_error (error);
      m = nnb_training_get_confusion (training);
      assert_matrix (what, m, json_array_get_array_element (matrices, e));
      g_assert_cmpint (m->k, ==, json_object_get_int_member (c, "classes"));
      g_assert_cmpfloat (nnb_training_get_accuracy (training), ==,
                         json_array_get_double_element (json_object_get_array_member (c, "accuracies"), e));
      g_assert_cmpfloat ((double) nnb_confusion_correct (m) / (double) dataset->x->shape[0], ==,
                         nnb_training_get_accuracy (training));
      if (json_array_get_length (test_matrices) == 0)
        {
          g_assert_null (nnb_training_get_test_confusion (training));
          continue;
        }
      m = nnb_training_get_test_confusion (training);
      assert_matrix (test_what, m, json_array_get_array_element (test_matrices, e));
      g_assert_cmpint (nnb_confusion_total (m), ==, dataset->x_test->shape[0]);
      g_assert_cmpfloat ((double) nnb_confusion_correct (m) / (double) dataset->x_test->shape[0], ==,
                         nnb_training_get_test_accuracy (training));
    }
}

static JsonArray *
last_of (JsonArray *array)
{
  return json_array_get_array_element (array, json_array_get_length (array) - 1);
}

/* the app's trainer publishes the last epoch's matrices */
static void
test_app_trainer (gconstpointer data)
{
  JsonObject *c = (JsonObject *) data;
  JsonArray *test_matrices = json_object_get_array_member (c, "test_matrices");
  g_autoptr (NnbProject) project = project_of (c);
  g_autoptr (NnbDataset) dataset = NULL;
  g_autoptr (NnbTrainer) trainer = NULL;
  g_autoptr (NnbSnapshot) snapshot = NULL;
  g_autoptr (GError) error = NULL;
  NnbGenerator shuffle;

  dataset = nnb_project_build_for_training (project, FALSE, &shuffle, &error);
  g_assert_no_error (error);
  trainer = nnb_trainer_new (project->model, dataset, &project->training, &shuffle, 0, 0, 0, &error);
  g_assert_no_error (error);
  /* nothing trained, nothing counted */
  snapshot = nnb_trainer_get_snapshot (trainer);
  g_assert_null (snapshot->confusion);
  g_clear_pointer (&snapshot, nnb_snapshot_unref);
  snapshot = nnb_test_trainer_run_to_end (trainer, 60 * G_USEC_PER_SEC);
  g_assert_cmpint (snapshot->state, ==, NNB_TRAINER_FINISHED);
  assert_matrix ("the trainer's matrix", snapshot->confusion, last_of (json_object_get_array_member (c, "matrices")));
  if (json_array_get_length (test_matrices) > 0)
    assert_matrix ("the trainer's test matrix", snapshot->test_confusion, last_of (test_matrices));
  else
    g_assert_null (snapshot->test_confusion);
}

/* PyTorch's last matrix as nnblocks-cli train prints it */
static char *
expected_table (const char *title, JsonArray *rows)
{
  g_autoptr (NnbConfusion) m = nnb_confusion_new ((int) json_array_get_length (rows));

  for (int t = 0; t < m->k; t++)
    for (int p = 0; p < m->k; p++)
      m->counts[t * m->k + p] = json_array_get_int_element (json_array_get_array_element (rows, t), p);
  return nnb_confusion_format (m, title);
}

/* nnblocks-cli train prints the last epoch's tables after the loss lines,
 * PyTorch's counts; the exported code prints the same in real PyTorch */
static void
test_cli_and_exported_code (gconstpointer data)
{
  JsonObject *c = (JsonObject *) data;
  JsonArray *test_matrices = json_object_get_array_member (c, "test_matrices");
  g_autofree char *dir = NULL, *path = NULL, *json = NULL, *printed = NULL, *table = NULL;
  const char *argv[] = { g_getenv ("NNB_CLI"), "train", NULL, NULL };

  dir = g_dir_make_tmp ("nnb-confusion-XXXXXX", NULL);
  path = g_build_filename (dir, "case.nnb", NULL);
  json = json_to_string (json_object_get_member (c, "project"), TRUE);
  g_assert_true (g_file_set_contents (path, json, -1, NULL));
  argv[2] = path;
  if (nnb_test_python_has ("torch", NULL))
    printed = nnb_test_export_trains_alike (path, NULL);
  else
    {
      nnb_test_missing ("/usr/bin/python3 cannot import torch (apt-get install python3-torch): the CLI alone");
      g_assert_cmpint (nnb_test_run (argv, &printed, NULL), ==, 0);
    }
  /* log_every 0: the tables are all it prints */
  table = expected_table ("confusion matrix", last_of (json_object_get_array_member (c, "matrices")));
  if (json_array_get_length (test_matrices) > 0)
    {
      g_autofree char *test_table = expected_table ("test confusion matrix", last_of (test_matrices));
      char *both = g_strconcat (table, test_table, NULL);

      g_free (table);
      table = both;
    }
  g_assert_cmpstr (printed, ==, table);
  g_remove (path);
  g_rmdir (dir);
}

/* the table: a title saying what rows and columns are, every column as
 * wide as the widest number */
static void
test_format (void)
{
  g_autoptr (NnbConfusion) two = nnb_confusion_new (2);
  g_autoptr (NnbConfusion) twelve = nnb_confusion_new (12);
  g_autofree char *small = NULL, *wide = NULL;
  g_auto (GStrv) lines = NULL;

  two->counts[0] = 52, two->counts[1] = 3, two->counts[2] = 4, two->counts[3] = 61;
  small = nnb_confusion_format (two, "confusion matrix");
  g_assert_cmpstr (small, ==,
                   "confusion matrix (rows: true class, columns: predicted class)\n"
                   "      predicted\n"
                   "true    0    1\n"
                   "   0   52    3\n"
                   "   1    4   61\n");
  g_assert_cmpint (nnb_confusion_correct (two), ==, 113);
  g_assert_cmpint (nnb_confusion_total (two), ==, 120);
  two->counts[1] = 12345;
  g_free (small);
  small = nnb_confusion_format (two, "test confusion matrix");
  g_assert_cmpstr (small, ==,
                   "test confusion matrix (rows: true class, columns: predicted class)\n"
                   "      predicted\n"
                   "true      0      1\n"
                   "   0     52  12345\n"
                   "   1      4     61\n");
  /* twelve classes: class 11 fits the columns, each line as long */
  twelve->counts[11 * 12 + 3] = 7;
  wide = nnb_confusion_format (twelve, "confusion matrix");
  lines = g_strsplit (wide, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 2 + 1 + 12 + 1);
  g_assert_true (g_str_has_suffix (lines[2], "   10   11"));
  g_assert_cmpstr (lines[14], ==, "  11    0    0    0    7    0    0    0    0    0    0    0    0");
  for (int i = 3; i < 15; i++)
    g_assert_cmpuint (strlen (lines[i]), ==, strlen (lines[2]));
}

/* no rule, no matrix: regression, class probabilities as targets; and
 * more classes than a table holds keeps the accuracy without one */
static void
test_no_matrix (void)
{
  g_autoptr (NnbTensor) x = nnb_tensor_new_cpu (2, (int64_t[]){ 3, 3 });
  g_autoptr (NnbTensor) indices = nnb_tensor_new_cpu (2, (int64_t[]){ 3, 1 });
  g_autoptr (NnbTensor) probabilities = nnb_tensor_new_cpu (2, (int64_t[]){ 3, 3 });
  g_autoptr (NnbLoss) loss = nnb_loss_new (NNB_LOSS_CROSS_ENTROPY);
  g_autoptr (NnbLoss) many = nnb_loss_new (NNB_LOSS_CROSS_ENTROPY);
  double value;

  for (int i = 0; i < 9; i++)
    x->data[i] = (float) ((i * 7) % 5), probabilities->data[i] = 1.0f / 3;
  for (int i = 0; i < 3; i++)
    indices->data[i] = (float) i;
  g_assert_cmpint (nnb_predict_rule (NNB_LOSS_MSE, TRUE, TRUE, 3), ==, NNB_PREDICT_NONE);
  g_assert_cmpint (nnb_predict_rule (NNB_LOSS_BCE_WITH_LOGITS, TRUE, FALSE, 2), ==, NNB_PREDICT_NONE);
  g_assert_cmpint (nnb_predict_rule (NNB_LOSS_BCE_WITH_LOGITS, FALSE, FALSE, 1), ==, NNB_PREDICT_NONE);
  g_assert_true (nnb_loss_forward (loss, x, probabilities, &value, NULL));
  g_assert_null (nnb_loss_get_confusion (loss));
  g_assert_cmpint (nnb_loss_get_correct (loss), ==, -1);
  nnb_loss_set_targets (loss, 3, FALSE);
  g_assert_true (nnb_loss_forward (loss, x, indices, &value, NULL));
  g_assert_nonnull (nnb_loss_get_confusion (loss));
  g_assert_cmpint (nnb_confusion_total (nnb_loss_get_confusion (loss)), ==, 3);
  g_assert_cmpint (nnb_confusion_correct (nnb_loss_get_confusion (loss)), ==, nnb_loss_get_correct (loss));
  nnb_loss_set_targets (many, NNB_CONFUSION_MAX_CLASSES + 1, FALSE);
  g_assert_true (nnb_loss_forward (many, x, indices, &value, NULL));
  g_assert_null (nnb_loss_get_confusion (many));
  g_assert_cmpint (nnb_loss_get_correct (many), ==, nnb_loss_get_correct (loss));
}

/* a regression project: no matrix in the training, the trainer or the CLI */
static void
test_regression_has_none (void)
{
  g_autoptr (NnbProject) project = nnb_test_load_example ("sine-linear.nnb");
  g_autoptr (NnbDataset) dataset = NULL;
  g_autoptr (NnbTraining) training = NULL;
  g_autoptr (GError) error = NULL;
  NnbGenerator shuffle;
  double loss;

  dataset = nnb_project_build_for_training (project, FALSE, &shuffle, &error);
  g_assert_no_error (error);
  training = nnb_training_new (project->model, dataset, &project->training, &shuffle, &error);
  g_assert_no_error (error);
  g_assert_true (nnb_training_epoch (training, &loss, &error));
  g_assert_null (nnb_training_get_confusion (training));
  g_assert_null (nnb_training_get_test_confusion (training));
}

/* Two outputs and two classes take a vector kernel (eight rows at a time)
 * on a processor with AVX2; it must count what the row-by-row rule counts
 * (the same data as a 3-class matrix, which takes the rows one by one),
 * with the scalar loops too, on rows full of edges: ties, NaNs, infinities,
 * -0, and targets that are no class */
static void
test_two_classes_vector_and_rows_agree (void)
{
  const float edges[] = { 0.0f, -0.0f, 1.0f, -1.0f, NAN, INFINITY, -INFINITY, 0.5f };
  const float targets[] = { 0.0f, 1.0f, 1.0f, 0.0f, 2.0f, 0.5f, NAN, -1.0f };
  const int64_t n = 1003;
  g_autofree float *pred = g_new (float, 2 * n);
  g_autofree float *target = g_new (float, n);
  g_autoptr (GRand) rand = g_rand_new_with_seed (7);

  for (int64_t i = 0; i < n; i++)
    {
      pred[2 * i] = g_rand_int_range (rand, 0, 4) == 0 ? edges[g_rand_int_range (rand, 0, 8)]
                                                       : (float) g_rand_double_range (rand, -1, 1);
      pred[2 * i + 1] = g_rand_int_range (rand, 0, 4) == 0 ? edges[g_rand_int_range (rand, 0, 8)]
                                                           : (float) g_rand_double_range (rand, -1, 1);
      target[i] = g_rand_int_range (rand, 0, 5) == 0 ? targets[g_rand_int_range (rand, 0, 8)]
                                                     : (float) g_rand_int_range (rand, 0, 2);
    }
  for (int scalar = 0; scalar < 2; scalar++)
    {
      NnbConfusion *two = nnb_confusion_new (2), *three = nnb_confusion_new (3);
      int64_t right_two, right_three;

      nnb_backend_cpu_force_scalar (scalar);
      right_two = nnb_confusion_count (two, NNB_PREDICT_ARGMAX, pred, n, 2, target);
      right_three = nnb_confusion_count (three, NNB_PREDICT_ARGMAX, pred, n, 2, target);
      nnb_backend_cpu_force_scalar (FALSE);
      g_assert_cmpint (right_two, ==, right_three);
      g_assert_cmpint (right_two, ==, nnb_confusion_correct (two));
      for (int t = 0; t < 2; t++)
        for (int p = 0; p < 2; p++)
          g_assert_cmpint (nnb_confusion_get (two, t, p), ==, nnb_confusion_get (three, t, p));
      g_assert_cmpint (nnb_confusion_total (two), >, n / 2);
      g_assert_cmpint (nnb_confusion_total (two), <, n);
      nnb_confusion_free (two);
      nnb_confusion_free (three);
    }
}

int
main (int argc, char *argv[])
{
  JsonObject *golden;
  JsonArray *rows, *runs;

  g_test_init (&argc, &argv, NULL);
  golden = nnb_test_golden ("data/confusion-golden.json");
  rows = json_object_get_array_member (golden, "rows");
  runs = json_object_get_array_member (golden, "runs");
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *c = json_array_get_object_element (rows, i);
      g_autofree char *path = g_strdup_printf ("/confusion/rows/%s", json_object_get_string_member (c, "name"));

      g_test_add_data_func (path, c, test_rows);
    }
  for (guint i = 0; i < json_array_get_length (runs); i++)
    {
      JsonObject *c = json_array_get_object_element (runs, i);
      const char *name = json_object_get_string_member (c, "name");
      g_autofree char *run = g_strdup_printf ("/confusion/runs/%s", name);
      g_autofree char *app = g_strdup_printf ("/confusion/app-trainer/%s", name);
      g_autofree char *cli = g_strdup_printf ("/confusion/cli-and-exported-code/%s", name);

      g_test_add_data_func (run, c, test_run);
      g_test_add_data_func (app, c, test_app_trainer);
      g_test_add_data_func (cli, c, test_cli_and_exported_code);
    }
  g_test_add_func ("/confusion/two-classes-vector-and-rows-agree", test_two_classes_vector_and_rows_agree);
  g_test_add_func ("/confusion/format", test_format);
  g_test_add_func ("/confusion/no-matrix", test_no_matrix);
  g_test_add_func ("/confusion/regression-has-none", test_regression_has_none);
  return g_test_run ();
}
