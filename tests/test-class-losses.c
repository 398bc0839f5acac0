/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-class-losses.c — nn.CrossEntropyLoss (class indices, label
 * smoothing, class probabilities), nn.NLLLoss, nn.BCEWithLogitsLoss and
 * nn.BCELoss against PyTorch 1.13, bit for bit: each loss's value and
 * gradient on one batch; a few epochs of training on class data with the
 * loss, test loss, accuracy and test accuracy of every epoch; and the
 * messages PyTorch gives for the targets students get wrong.
 *
 * Golden data: tests/reference/make_class_loss_golden.py →
 * tests/data/class-loss-golden.json. */
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "nnb-backend.h"
#include "nnb-error.h"
#include "nnb-loss.h"
#include "nnb-project.h"
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

static NnbTensor *
tensor_of_bits (JsonArray *array, int64_t rows, int64_t cols)
{
  int64_t shape[2] = { rows, cols };
  NnbTensor *t = nnb_tensor_new_cpu (2, shape);

  g_assert_cmpint (json_array_get_length (array), ==, rows * cols);
  for (int64_t i = 0; i < rows * cols; i++)
    t->data[i] = nnb_test_float_of_hex (json_array_get_string_element (array, i));
  return t;
}

/* class indices come as numbers: y (n, 1) holds them, as class data does */
static NnbTensor *
target_of (JsonObject *c, int64_t n, int64_t cols)
{
  JsonArray *target = json_object_get_array_member (c, "target");
  int64_t shape[2] = { n, 1 };
  NnbTensor *t;

  if (g_strcmp0 (json_object_get_string_member (c, "targets"), "classes") != 0)
    return tensor_of_bits (target, n, cols);
  t = nnb_tensor_new_cpu (2, shape);
  for (int64_t i = 0; i < n; i++)
    t->data[i] = (float) json_array_get_double_element (target, i);
  return t;
}

/* one batch: the value's and the gradient's bits */
static void
test_unit (gconstpointer data)
{
  JsonObject *c = (JsonObject *) data;
  int64_t n = json_object_get_int_member (c, "n"), cols = json_object_get_int_member (c, "c");
  gboolean classes = g_strcmp0 (json_object_get_string_member (c, "targets"), "classes") == 0;
  g_autoptr (NnbTensor) x = tensor_of_bits (json_object_get_array_member (c, "x"), n, cols);
  g_autoptr (NnbTensor) t = target_of (c, n, cols);
  g_autoptr (NnbLoss) loss = nnb_loss_new (kind_of (c));
  g_autoptr (GError) error = NULL;
  JsonArray *expected = json_array_new ();
  const char *targets = json_object_get_string_member (c, "targets");
  double value;
  float value_f;

  /* class indices are class data, 0/1 floats class data given as floats
   * (y.float ().unsqueeze (1)); probabilities are plain float targets */
  if (g_strcmp0 (targets, "probabilities") != 0)
    nnb_loss_set_targets (loss, 2, !classes);
  nnb_loss_set_label_smoothing (loss, json_object_get_double_member (c, "label_smoothing"));
  g_assert_true (nnb_loss_forward (loss, x, t, &value, &error));
  g_assert_no_error (error);
  value_f = (float) value;
  json_array_add_string_element (expected, json_object_get_string_member (c, "value"));
  nnb_test_assert_float_bits ("value", &value_f, 1, expected);
  nnb_test_assert_float_bits ("grad", nnb_loss_grad (loss)->data, n * cols, json_object_get_array_member (c, "grad"));
  json_array_unref (expected);
}

static void
assert_doubles (const char *name, const char *what, JsonArray *expected, const double *got, guint n)
{
  g_assert_cmpuint (json_array_get_length (expected), ==, n);
  for (guint e = 0; e < n; e++)
    if (json_array_get_double_element (expected, e) != got[e])
      g_error ("%s: %s at epoch %u is %.17g, PyTorch's is %.17g", name, what, e, got[e],
               json_array_get_double_element (expected, e));
}

/* a few epochs as nnblocks-cli train runs them */
static void
test_run (gconstpointer data)
{
  JsonObject *c = (JsonObject *) data;
  const char *name = json_object_get_string_member (c, "name");
  g_autofree char *text = json_to_string (json_object_get_member (c, "project"), FALSE);
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbProject) project = nnb_project_load_from_data (text, strlen (text), &error);
  g_autoptr (NnbDataset) dataset = NULL;
  g_autoptr (NnbTraining) training = NULL;
  g_autoptr (GArray) losses = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) test_losses = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) accuracies = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) test_accuracies = g_array_new (FALSE, FALSE, sizeof (double));
  NnbGenerator shuffle;

  g_assert_no_error (error);
  dataset = nnb_project_build_for_training (project, FALSE, &shuffle, &error);
  g_assert_no_error (error);
  g_assert_cmpint (dataset->n_classes, >, 0);
  training = nnb_training_new (project->model, dataset, &project->training, &shuffle, &error);
  g_assert_no_error (error);
  for (int e = 0; e < project->training.epochs; e++)
    {
      double loss, value;

      g_assert_true (nnb_training_epoch (training, &loss, &error));
      g_assert_no_error (error);
      g_array_append_val (losses, loss);
      value = nnb_training_get_accuracy (training);
      g_array_append_val (accuracies, value);
      if (nnb_training_has_test_set (training))
        {
          value = nnb_training_get_test_loss (training);
          g_array_append_val (test_losses, value);
          value = nnb_training_get_test_accuracy (training);
          g_array_append_val (test_accuracies, value);
        }
    }
  assert_doubles (name, "the loss", json_object_get_array_member (c, "losses"), (double *) losses->data, losses->len);
  assert_doubles (name, "the test loss", json_object_get_array_member (c, "test_losses"), (double *) test_losses->data,
                  test_losses->len);
  assert_doubles (name, "the accuracy", json_object_get_array_member (c, "accuracies"), (double *) accuracies->data,
                  accuracies->len);
  assert_doubles (name, "the test accuracy", json_object_get_array_member (c, "test_accuracies"),
                  (double *) test_accuracies->data, test_accuracies->len);
}

/* the app's trainer publishes the same accuracies, epoch by epoch */
static void
test_app_trainer (gconstpointer data)
{
  JsonObject *c = (JsonObject *) data;
  const char *name = json_object_get_string_member (c, "name");
  g_autofree char *text = json_to_string (json_object_get_member (c, "project"), FALSE);
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbProject) project = nnb_project_load_from_data (text, strlen (text), &error);
  g_autoptr (NnbDataset) dataset = NULL;
  g_autoptr (NnbTrainer) trainer = NULL;
  g_autoptr (NnbSnapshot) snapshot = NULL;
  NnbGenerator shuffle;

  g_assert_no_error (error);
  dataset = nnb_project_build_for_training (project, FALSE, &shuffle, &error);
  g_assert_no_error (error);
  trainer = nnb_trainer_new (project->model, dataset, &project->training, &shuffle, 0, 0, 0, &error);
  g_assert_no_error (error);
  snapshot = nnb_test_trainer_run_to_end (trainer, 60 * G_USEC_PER_SEC);
  g_assert_cmpint (snapshot->state, ==, NNB_TRAINER_FINISHED);
  assert_doubles (name, "the trainer's loss", json_object_get_array_member (c, "losses"),
                  (double *) snapshot->losses->data, snapshot->losses->len);
  assert_doubles (name, "the trainer's accuracy", json_object_get_array_member (c, "accuracies"),
                  (double *) snapshot->accuracies->data, snapshot->accuracies->len);
  assert_doubles (name, "the trainer's test accuracy", json_object_get_array_member (c, "test_accuracies"),
                  (double *) snapshot->test_accuracies->data, snapshot->test_accuracies->len);
}

/* PyTorch's words for a wrong target */
static void
test_message (gconstpointer data)
{
  JsonObject *c = (JsonObject *) data;
  JsonArray *x_shape = json_object_get_array_member (c, "x_shape");
  JsonArray *target_shape = json_object_get_array_member (c, "target_shape");
  JsonArray *values = json_object_get_array_member (c, "target_values");
  gboolean classes = g_strcmp0 (json_object_get_string_member (c, "target"), "classes") == 0;
  int64_t n = json_array_get_int_element (x_shape, 0), cols = json_array_get_int_element (x_shape, 1);
  int64_t t_shape[2] = { json_array_get_int_element (target_shape, 0),
                         classes ? 1 : json_array_get_int_element (target_shape, 1) };
  g_autoptr (NnbTensor) x = nnb_tensor_new_cpu (2, (int64_t[]){ n, cols });
  g_autoptr (NnbTensor) t = nnb_tensor_new_cpu (2, t_shape);
  g_autoptr (NnbLoss) loss = nnb_loss_new (kind_of (c));
  g_autoptr (GError) error = NULL;
  double value;

  /* inside (0, 1), so that only BCELoss's own case is outside */
  for (int64_t i = 0; i < x->numel; i++)
    x->data[i] = json_object_has_member (c, "x")
                   ? (float) json_array_get_double_element (json_object_get_array_member (c, "x"), i)
                   : 0.25f + 0.5f * (float) i / (float) x->numel;
  for (int64_t i = 0; i < t->numel; i++)
    t->data[i] = (float) json_array_get_double_element (values, i);
  /* class indices: class data; floats: plain float targets */
  nnb_loss_set_targets (loss, classes ? 4 : 0, FALSE);
  g_assert_false (nnb_loss_forward (loss, x, t, &value, &error));
  g_assert_nonnull (error);
  g_assert_cmpstr (error->message, ==, json_object_get_string_member (c, "message"));
}

/* MSELoss on class indices: PyTorch's warning, then its backward refuses
 * the LongTensor; L1Loss trains on the (n, n) broadcast, as PyTorch does */
static void
test_regression_losses_on_class_indices (void)
{
  g_autoptr (NnbTensor) x = nnb_tensor_new_cpu (2, (int64_t[]){ 4, 1 });
  g_autoptr (NnbTensor) t = nnb_tensor_new_cpu (2, (int64_t[]){ 4, 1 });
  g_autoptr (NnbLoss) mse = nnb_loss_new (NNB_LOSS_MSE);
  g_autoptr (NnbLoss) l1 = nnb_loss_new (NNB_LOSS_L1);
  g_autoptr (GError) error = NULL;
  double value;

  for (int i = 0; i < 4; i++)
    x->data[i] = 0.1f * (float) i, t->data[i] = (float) (i % 2);
  nnb_loss_set_targets (mse, 2, FALSE);
  g_assert_false (nnb_loss_forward (mse, x, t, &value, &error));
  g_assert_cmpstr (error->message, ==, "Found dtype Long but expected Float");
  g_assert_nonnull (strstr (nnb_loss_get_warning (mse), "target size (torch.Size([4]))"));
  nnb_loss_set_targets (l1, 2, FALSE);
  g_assert_true (nnb_loss_forward (l1, x, t, &value, NULL));
  /* mean |x_i − t_j| over the 4 × 4 pairs */
  g_assert_cmpfloat_with_epsilon (value, 0.5, 1e-6);
  /* given as floats, MSELoss takes them */
  nnb_loss_set_targets (mse, 2, TRUE);
  g_clear_error (&error);
  g_assert_true (nnb_loss_forward (mse, x, t, &value, &error));
  g_assert_no_error (error);
}

/* The share on the diagonal of a confusion matrix as nnblocks-cli train
 * prints it (nnb-confusion.h): the title, "predicted", the classes, then a
 * row per true class, its number first. */
static double
table_accuracy (char **lines)
{
  int64_t diagonal = 0, total = 0;
  int k = 0;

  while (lines[3 + k] != NULL && g_ascii_isspace (lines[3 + k][0]))
    {
      g_auto (GStrv) cells = g_strsplit_set (g_strstrip (lines[3 + k]), " ", -1);
      int column = 0;

      for (guint i = 1; cells[i] != NULL; i++)
        if (cells[i][0] != '\0')
          {
            int64_t count = g_ascii_strtoll (cells[i], NULL, 10);

            total += count;
            diagonal += column++ == k ? count : 0;
          }
      k++;
    }
  g_assert_cmpint (k, >=, 2);
  return (double) diagonal / (double) total;
}

/* nnblocks-cli train prints PyTorch's accuracies after the losses, then
 * the last epoch's confusion matrices; the exported code's --train prints
 * the same lines in real PyTorch */
static void
test_cli_and_exported_code (gconstpointer data)
{
  JsonObject *c = (JsonObject *) data;
  JsonObject *training = json_object_get_object_member (json_object_get_object_member (c, "project"), "training");
  JsonArray *accuracies = json_object_get_array_member (c, "accuracies");
  g_autofree char *dir = NULL, *path = NULL, *json = NULL, *printed = NULL, *first = NULL;
  g_auto (GStrv) lines = NULL;
  guint epochs;

  if (!nnb_test_python_has ("torch", NULL))
    {
      nnb_test_missing ("/usr/bin/python3 cannot import torch (apt-get install python3-torch)");
      return;
    }
  dir = g_dir_make_tmp ("nnb-class-losses-XXXXXX", NULL);
  path = g_build_filename (dir, "case.nnb", NULL);
  json_object_set_int_member (training, "log_every", 1);
  json = json_to_string (json_object_get_member (c, "project"), TRUE);
  json_object_set_int_member (training, "log_every", 0);
  g_assert_true (g_file_set_contents (path, json, -1, NULL));
  printed = nnb_test_export_trains_alike (path, NULL);
  lines = g_strsplit (printed, "\n", -1);
  epochs = json_array_get_length (accuracies);
  first = g_strdup_printf (" accuracy %.4f", json_array_get_double_element (accuracies, 0));
  g_assert_nonnull (strstr (lines[0], first));
  /* then the last epoch's confusion matrix (and the test rows'), whose
   * diagonal holds PyTorch's right predictions */
  g_assert_cmpuint (g_strv_length (lines), >, epochs + 3);
  g_assert_cmpstr (lines[epochs], ==, "confusion matrix (rows: true class, columns: predicted class)");
  g_assert_cmpfloat (table_accuracy (lines + epochs), ==, json_array_get_double_element (accuracies, epochs - 1));
  g_remove (path);
  g_rmdir (dir);
}

/* the new fields go through a save and a load; float_targets needs classes */
static void
test_fields_round_trip (void)
{
  static const char text[] =
    "{\"format\": \"nnblocks\", \"version\": 1, \"model\": {\"class\": \"Linear\", \"in_features\": 2, "
    "\"out_features\": 3}, \"data\": {\"kind\": \"blobs\", \"classes\": 3, \"float_targets\": true}, "
    "\"training\": {\"loss\": \"CrossEntropyLoss\", \"label_smoothing\": 0.25}}";
  static const char sine[] =
    "{\"format\": \"nnblocks\", \"version\": 1, \"model\": {\"class\": \"Linear\", \"in_features\": 1, "
    "\"out_features\": 1}, \"data\": {\"kind\": \"sine\", \"float_targets\": true}}";
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbProject) project = nnb_project_load_from_data (text, strlen (text), &error);
  g_autoptr (NnbProject) again = NULL;
  g_autoptr (NnbProject) values = NULL;
  g_autoptr (NnbDataset) data = NULL;
  g_autofree char *saved = NULL;

  g_assert_no_error (error);
  g_assert_true (project->data.float_targets);
  g_assert_cmpfloat (project->training.label_smoothing, ==, 0.25);
  saved = nnb_project_to_data (project, FALSE, NULL, &error);
  g_assert_no_error (error);
  again = nnb_project_load_from_data (saved, strlen (saved), &error);
  g_assert_no_error (error);
  g_assert_true (again->data.float_targets);
  g_assert_cmpfloat (again->training.label_smoothing, ==, 0.25);
  /* a field of class data only: the reader names the sine's own */
  values = nnb_project_load_from_data (sine, strlen (sine), &error);
  g_assert_null (values);
  g_assert_cmpstr (error->message, ==,
                   "data: unknown field \"float_targets\"; the fields here are kind, n, noise, x_max, test_fraction "
                   "and standardize.");
  /* and a spec filled by hand is refused when the data is made */
  g_clear_error (&error);
  nnb_data_spec_init (&project->data, NNB_DATA_SINE);
  project->data.float_targets = TRUE;
  data = nnb_project_build (project, FALSE, &error);
  g_assert_null (data);
  g_assert_cmpstr (error->message, ==,
                   "data.float_targets turns class indices into floats (y.float().unsqueeze(1)), but the sine "
                   "data's y holds values, not classes: leave float_targets out.");
}

/* forward --probabilities prints torch.softmax (model (X), dim=1) of the
 * outputs forward prints, to the bit, for a CrossEntropyLoss project */
static void
test_forward_probabilities (void)
{
  g_autofree char *example = nnb_test_source_path ("data/examples/xor.nnb");
  g_autofree char *dir = g_dir_make_tmp ("nnb-forward-p-XXXXXX", NULL);
  g_autofree char *trained = g_build_filename (dir, "trained.nnb", NULL);
  g_autofree char *points = g_build_filename (dir, "points.csv", NULL);
  const char *train_argv[] = { g_getenv ("NNB_CLI"), "train", example, "--epochs", "40", "-o", trained, NULL };
  const char *raw_argv[] = { g_getenv ("NNB_CLI"), "forward", trained, "-i", points, NULL };
  const char *p_argv[] = { g_getenv ("NNB_CLI"), "forward", trained, "-i", points, "-p", NULL };
  g_autofree char *raw = NULL, *probs = NULL, *theirs = NULL, *script = NULL, *printed = NULL;

  if (!nnb_test_python_has ("torch", NULL))
    {
      nnb_test_missing ("/usr/bin/python3 cannot import torch (apt-get install python3-torch)");
      return;
    }
  g_assert_true (g_file_set_contents (points, "0.5,0.5\n-0.5,0.5\n0.1,-0.9\n", -1, NULL));
  g_assert_cmpint (nnb_test_run (train_argv, &printed, NULL), ==, 0);
  g_assert_cmpint (nnb_test_run (raw_argv, &raw, NULL), ==, 0);
  g_assert_cmpint (nnb_test_run (p_argv, &probs, NULL), ==, 0);
  /* the printed outputs (%.9g, exact float32) back into torch */
  script = g_strdup_printf ("import torch\n"
                            "rows = [[float(v) for v in line.split(',')] for line in \"\"\"%s\"\"\".split()]\n"
                            "for row in torch.softmax(torch.tensor(rows), dim=1).tolist():\n"
                            "    print(','.join('%%.9g' %% v for v in row))\n",
                            raw);
  {
    const char *python_argv[] = { "/usr/bin/python3", "-c", script, NULL };

    g_assert_cmpint (nnb_test_run (python_argv, &theirs, NULL), ==, 0);
  }
  g_assert_cmpstr (probs, ==, theirs);
  g_remove (trained);
  g_remove (points);
  g_rmdir (dir);
}

/* A CSV file whose last column is each row's class (data.class_targets):
 * CrossEntropyLoss trains on it as PyTorch does, y = y[:, 0].long ()
 * (the exported code runs in torch and prints the same lines, accuracy
 * included); a class that is no whole number, or two target columns, is
 * refused in one sentence */
static char *
write_class_csv (const char *dir, const char *bad)
{
  g_autoptr (GString) text = g_string_new ("x1,x2,label\n");
  char *path = g_build_filename (dir, "points.csv", NULL);

  for (int r = 0; r < 60; r++)
    {
      double x1 = sin (r * 1.7), x2 = cos (r * 0.9);

      if (bad != NULL && r == 41)
        g_string_append_printf (text, "%.4f,%.4f,%s\n", x1, x2, bad);
      else
        g_string_append_printf (text, "%.4f,%.4f,%d\n", x1, x2, x1 * x2 > 0.1 ? 2 : x1 > 0 ? 1
                                                                                           : 0);
    }
  g_assert_true (g_file_set_contents (path, text->str, text->len, NULL));
  return path;
}

static char *
class_project (const char *dir, const char *csv, const char *extra)
{
  char *path = g_build_filename (dir, "classes.nnb", NULL);
  g_autofree char *json = g_strdup_printf (
    "{\"format\": \"nnblocks\", \"version\": 1, \"model\": {\"class\": \"Sequential\", \"modules\": ["
    "{\"type\": \"Linear\", \"in_features\": 2, \"out_features\": 8}, {\"type\": \"Tanh\"}, "
    "{\"type\": \"Linear\", \"in_features\": 8, \"out_features\": 3}]}, \"seed\": 2, \"model_seed\": 1, "
    "\"data\": {\"kind\": \"csv\", \"path\": \"%s\", \"class_targets\": true, \"test_fraction\": 0.25%s}, "
    "\"training\": {\"optimizer\": \"Adam\", \"lr\": 0.05, \"loss\": \"CrossEntropyLoss\", \"epochs\": 30, "
    "\"batch_size\": 16, \"log_every\": 1}}",
    csv, extra);

  g_assert_true (g_file_set_contents (path, json, -1, NULL));
  return path;
}

static void
test_csv_class_targets (void)
{
  g_autofree char *dir = g_dir_make_tmp ("nnb-csv-classes-XXXXXX", NULL);
  g_autofree char *csv = write_class_csv (dir, NULL);
  g_autofree char *path = class_project (dir, csv, "");
  g_autofree char *printed = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbProject) project = nnb_project_load (path, &error);
  g_autoptr (NnbDataset) data = NULL;

  g_assert_no_error (error);
  data = nnb_project_build (project, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (data->n_classes, ==, 3);
  if (!nnb_test_python_has ("torch", NULL))
    nnb_test_missing ("/usr/bin/python3 cannot import torch (apt-get install python3-torch)");
  else
    {
      printed = nnb_test_export_trains_alike (path, NULL);
      g_assert_nonnull (strstr (printed, "epoch  29 loss "));
      g_assert_nonnull (strstr (printed, " test_accuracy "));
    }
  g_clear_pointer (&project, nnb_project_free);
  g_clear_pointer (&data, nnb_dataset_free);

  /* 2.5 is no class: .long () would make it 2 without a word */
  g_free (csv);
  csv = write_class_csv (dir, "2.5");
  project = nnb_project_load (path, &error);
  g_assert_no_error (error);
  data = nnb_project_build (project, FALSE, &error);
  g_assert_null (data);
  g_assert_cmpstr (error->message, ==,
                   "Row 42 of the data has the target 2.5, which is no class: with data.class_targets the target "
                   "column holds whole numbers 0, 1, 2, … (at most 1000000).");
  g_clear_error (&error);
  g_clear_pointer (&project, nnb_project_free);

  /* standardising classes is refused when the file is read */
  g_free (path);
  path = class_project (dir, csv, ", \"standardize\": {\"targets\": true}");
  project = nnb_project_load (path, &error);
  g_assert_null (project);
  g_assert_nonnull (strstr (error->message, "Class indices cannot be standardised"));
  g_remove (path);
  g_remove (csv);
  g_rmdir (dir);
}

/* torch.sigmoid (BCELoss's usual input): 15 floats alone are all the
 * kernel's tail (the C library's exp), the same floats inside 4096 all
 * vectors (SLEEF's); the golden holds values where the two differ */
static void
test_sigmoid_tail_and_vectors (gconstpointer data)
{
  JsonObject *c = (JsonObject *) data;
  JsonArray *x_bits = json_object_get_array_member (c, "x");
  const NnbBackend *cpu = nnb_backend_cpu ();
  gsize n = json_array_get_length (x_bits);
  g_autofree float *x = g_new (float, 4096), *alone = g_new (float, n), *inside = g_new (float, 4096);

  g_assert_cmpint (json_object_get_int_member (c, "differ"), >, 0);
  memset (x, 0, 4096 * sizeof (float));
  for (gsize i = 0; i < n; i++)
    x[i] = nnb_test_float_of_hex (json_array_get_string_element (x_bits, i));
  for (gsize i = 0; i < n; i += 15)
    cpu->act_forward (NNB_ACT_SIGMOID, 0, x + i, alone + i, 15);
  cpu->act_forward (NNB_ACT_SIGMOID, 0, x, inside, 4096);
  nnb_test_assert_float_bits ("sigmoid of 15 alone", alone, n, json_object_get_array_member (c, "alone_15"));
  nnb_test_assert_float_bits ("sigmoid inside 4096", inside, n, json_object_get_array_member (c, "in_4096"));
}

int
main (int argc, char *argv[])
{
  JsonObject *golden;
  const char *groups[] = { "units", "runs", "messages" };
  GTestDataFunc tests[] = { test_unit, test_run, test_message };

  g_test_init (&argc, &argv, NULL);
  golden = nnb_test_golden ("data/class-loss-golden.json");
  for (guint g = 0; g < G_N_ELEMENTS (groups); g++)
    {
      JsonArray *cases = json_object_get_array_member (golden, groups[g]);

      for (guint i = 0; i < json_array_get_length (cases); i++)
        {
          JsonObject *c = json_array_get_object_element (cases, i);
          g_autofree char *path = g_strdup_printf ("/class-losses/%s/%s", groups[g], json_object_get_string_member (c, "name"));

          g_test_add_data_func (path, c, tests[g]);
        }
    }
  g_test_add_func ("/class-losses/regression-losses-on-class-indices", test_regression_losses_on_class_indices);
  g_test_add_func ("/class-losses/fields-round-trip", test_fields_round_trip);
  g_test_add_func ("/class-losses/forward-probabilities", test_forward_probabilities);
  g_test_add_func ("/class-losses/csv-class-targets", test_csv_class_targets);
  {
    JsonArray *runs = json_object_get_array_member (golden, "runs");

    for (guint i = 0; i < json_array_get_length (runs); i++)
      {
        JsonObject *c = json_array_get_object_element (runs, i);
        g_autofree char *path = g_strdup_printf ("/class-losses/cli-and-exported-code/%s",
                                                 json_object_get_string_member (c, "name"));
        g_autofree char *app = g_strdup_printf ("/class-losses/app-trainer/%s", json_object_get_string_member (c, "name"));

        g_test_add_data_func (path, c, test_cli_and_exported_code);
        g_test_add_data_func (app, c, test_app_trainer);
      }
  }
  g_test_add_data_func ("/class-losses/sigmoid-tail-and-vectors", json_object_get_object_member (golden, "sigmoid"),
                        test_sigmoid_tail_and_vectors);
  return g_test_run ();
}
