/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-csv-columns.c — a CSV file's columns chosen in the project (issue
 * 19): "header", "inputs" and "targets" by name or 0-based index, several
 * targets making y (n, k). The data, every epoch's loss and test loss, bit
 * for bit with PyTorch; the model's output width against k with PyTorch's
 * message; and each mistake in one sentence, through the project reader
 * and through nnblocks-cli.
 *
 * Golden data: tests/reference/make_csv_golden.py → tests/data/csv-golden.json
 * (and the fixture tests/data/csv-columns.csv, csv-columns.nnb). */
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "nnb-data-check.h"
#include "nnb-error.h"
#include "nnb-project.h"
#include "nnb-test-util.h"
#include "nnb-training.h"

/* The case's project with its CSV path made absolute, built as a run starts. */
static NnbProject *
load_case (JsonObject *c, NnbDataset **data, NnbGenerator *shuffle)
{
  g_autoptr (GError) error = NULL;
  JsonObject *spec = json_object_get_object_member (json_object_get_object_member (c, "project"), "data");
  g_autofree char *csv = nnb_test_source_path ("tests/data/csv-columns.csv");
  g_autofree char *text = NULL;
  g_autoptr (NnbProject) project = NULL;

  json_object_set_string_member (spec, "path", csv);
  text = json_to_string (json_object_get_member (c, "project"), FALSE);
  project = nnb_project_load_from_data (text, strlen (text), &error);
  g_assert_no_error (error);
  *data = nnb_project_build_for_training (project, FALSE, shuffle, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&project);
}

/* X (n, 3) and y (n, 2) from the chosen columns, PyTorch's to the bit */
static void
test_data_is_pytorchs (gconstpointer user_data)
{
  JsonObject *c = (JsonObject *) user_data;
  g_autoptr (NnbDataset) data = NULL;
  NnbGenerator shuffle;
  g_autoptr (NnbProject) project = load_case (c, &data, &shuffle);
  JsonArray *x_shape = json_object_get_array_member (c, "x_shape");
  JsonArray *y_shape = json_object_get_array_member (c, "y_shape");
  g_autofree char *x_what = g_strdup_printf ("%s: X", json_object_get_string_member (c, "name"));
  g_autofree char *y_what = g_strdup_printf ("%s: y", json_object_get_string_member (c, "name"));

  g_assert_cmpint (data->x->shape[0], ==, json_array_get_int_element (x_shape, 0));
  g_assert_cmpint (data->x->shape[1], ==, json_array_get_int_element (x_shape, 1));
  g_assert_cmpint (data->y->shape[0], ==, json_array_get_int_element (y_shape, 0));
  g_assert_cmpint (data->y->shape[1], ==, 2);
  g_assert_cmpint (data->y->shape[1], ==, json_array_get_int_element (y_shape, 1));
  nnb_test_assert_float_bits (x_what, data->x->data, data->x->numel, json_object_get_array_member (c, "x"));
  nnb_test_assert_float_bits (y_what, data->y->data, data->y->numel, json_object_get_array_member (c, "y"));
}

/* The loop nnblocks-cli train runs: MSELoss over (n, 2), the mean of all
 * the elements summed in PyTorch's order, every epoch as PyTorch's */
static void
test_losses_are_pytorchs (gconstpointer user_data)
{
  JsonObject *c = (JsonObject *) user_data;
  const char *name = json_object_get_string_member (c, "name");
  g_autoptr (NnbDataset) data = NULL;
  NnbGenerator shuffle;
  g_autoptr (NnbProject) project = load_case (c, &data, &shuffle);
  g_autoptr (NnbTraining) training = NULL;
  g_autoptr (GArray) losses = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) test_losses = g_array_new (FALSE, FALSE, sizeof (float));
  g_autoptr (GError) error = NULL;
  JsonArray *want = json_object_get_array_member (c, "losses_double");
  JsonNode *bits = json_object_get_member (c, "losses");
  JsonNode *test_bits = json_object_get_member (c, "test_losses");
  NnbStopRule rule;
  NnbStopReason reason = NNB_STOP_NONE;

  training = nnb_training_new (project->model, data, &project->training, &shuffle, &error);
  g_assert_no_error (error);
  nnb_stop_rule_init (&rule, &project->training);
  while (reason == NNB_STOP_NONE)
    {
      double loss;
      float test_loss;

      reason = nnb_training_run_epoch (training, &rule, &loss, &error);
      g_assert_no_error (error);
      g_array_append_val (losses, loss);
      if (nnb_training_has_test_set (training))
        {
          test_loss = (float) nnb_training_get_test_loss (training);
          g_array_append_val (test_losses, test_loss);
        }
    }
  g_assert_cmpint (reason, ==, NNB_STOP_FINISHED);
  g_assert_cmpuint (losses->len, ==, json_array_get_length (want));
  for (guint epoch = 0; epoch < losses->len; epoch++)
    if (g_array_index (losses, double, epoch) != json_array_get_double_element (want, epoch))
      g_error ("%s: epoch %u's loss is %.17g, PyTorch's %.17g (the first that differs)", name, epoch,
               g_array_index (losses, double, epoch), json_array_get_double_element (want, epoch));
  /* a full batch's loss is a float32: the same bits */
  if (!JSON_NODE_HOLDS_NULL (bits))
    {
      g_autofree float *as_float = g_new (float, losses->len);
      g_autofree char *what = g_strdup_printf ("%s: losses", name);

      for (guint epoch = 0; epoch < losses->len; epoch++)
        as_float[epoch] = (float) g_array_index (losses, double, epoch);
      nnb_test_assert_float_bits (what, as_float, losses->len, json_node_get_array (bits));
    }
  if (!JSON_NODE_HOLDS_NULL (test_bits))
    {
      g_autofree char *what = g_strdup_printf ("%s: test_losses", name);
      nnb_test_assert_float_bits (what, (float *) test_losses->data, test_losses->len, json_node_get_array (test_bits));
    }
  else
    g_assert_cmpuint (test_losses->len, ==, 0);
}

/* The data check before a run: k targets need k outputs. One output is
 * broadcast against y with PyTorch's warning; three against two targets is
 * PyTorch's error from F.mse_loss */
static void
test_output_width_must_be_the_targets (void)
{
  JsonObject *golden = nnb_test_golden ("data/csv-golden.json");
  JsonObject *c = json_array_get_object_element (json_object_get_array_member (golden, "cases"), 0);
  JsonObject *modules = NULL;
  g_autoptr (NnbDataset) data = NULL;
  NnbGenerator shuffle;
  g_autoptr (NnbProject) project = NULL;
  static const struct
  {
    int outputs;
    const char *warning, *error;
  } cases[] = {
    { 2, NULL, NULL },
    { 1,
      "Using a target size (torch.Size([40, 2])) that is different to the input size (torch.Size([40, 1])). "
      "This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.",
      NULL },
    { 3, NULL, "The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 1" },
  };

  modules = json_array_get_object_element (
    json_object_get_array_member (json_object_get_object_member (json_object_get_object_member (c, "project"), "model"),
                                  "modules"),
    2);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *warning = NULL;
      g_autoptr (GError) error = NULL;
      gboolean ok;

      json_object_set_int_member (modules, "out_features", cases[i].outputs);
      g_clear_pointer (&data, nnb_dataset_free);
      g_clear_pointer (&project, nnb_project_free);
      project = load_case (c, &data, &shuffle);
      ok = nnb_model_check_data (project->model, data, &project->training, &warning, &error);
      if (cases[i].error != NULL)
        {
          g_assert_false (ok);
          g_assert_error (error, NNB_ERROR, NNB_ERROR_SHAPE);
          g_assert_cmpstr (error->message, ==, cases[i].error);
        }
      else
        {
          g_assert_no_error (error);
          g_assert_true (ok);
          g_assert_cmpstr (warning, ==, cases[i].warning);
        }
    }
  json_object_set_int_member (modules, "out_features", 2);
}

/* A project reading text as a CSV file, built; the error's message. */
static char *
build_error (const char *csv_text, const char *fields)
{
  g_autofree char *dir = g_dir_make_tmp ("nnb-csv-XXXXXX", NULL);
  g_autofree char *csv = g_build_filename (dir, "table.csv", NULL);
  g_autofree char *json = NULL;
  g_autoptr (NnbProject) project = NULL;
  g_autoptr (NnbDataset) data = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (g_file_set_contents (csv, csv_text, -1, NULL));
  json = g_strdup_printf ("{\"format\": \"nnblocks\", \"version\": 1, "
                          "\"model\": {\"class\": \"Linear\", \"in_features\": 1, \"out_features\": 1}, "
                          "\"data\": {\"kind\": \"csv\", \"path\": \"%s\"%s%s}}",
                          csv, fields[0] ? ", " : "", fields);
  project = nnb_project_load_from_data (json, strlen (json), &error);
  if (project != NULL)
    data = nnb_project_build (project, FALSE, &error);
  g_remove (csv);
  g_rmdir (dir);
  g_assert_nonnull (error);
  g_assert_null (data);
  return g_strdup (error->message);
}

static const char table[] = "# a header, then rows\nx1,x2,label,y1,y2\n1,2,a,3,4\n5,6,b,7,8\n9,10,c,11,12\n";

static const struct
{
  const char *csv, *fields, *message;
} mistakes[] = {
  /* in the project file, before the CSV is read */
  { table, "\"inputs\": []",
    "data.inputs is empty: name at least one input column, or leave inputs out for every column that is not a target." },
  { table, "\"targets\": []",
    "data.targets is empty: name at least one target column, or leave targets out for the last column." },
  { table, "\"inputs\": [\"x1\", -1]",
    "data.inputs[1] must be a column's name in the header or its 0-based index (0, 1, …), not -1." },
  { table, "\"targets\": [1.5]",
    "data.targets[0] must be a column's name in the header or its 0-based index (0, 1, …), not 1.5." },
  { table, "\"inputs\": \"x1\"", "data: inputs must be a list ([ … ]), not \"x1\"." },
  { table, "\"header\": 1", "data: header must be true or false" },
  /* against the CSV file */
  { table, "\"inputs\": [\"x1\", \"x1\"], \"targets\": [\"y1\"]",
    "table.csv: The column \"x1\" (index 0) is chosen twice, as data.inputs[0] and as data.inputs[1]; a column can "
    "be one input or one target." },
  { table, "\"inputs\": [\"x1\", \"x2\"], \"targets\": [\"y1\", 1]",
    "table.csv: The column \"x2\" (index 1) is chosen twice, as data.inputs[1] and as data.targets[1]; a column can "
    "be one input or one target." },
  { table, "\"inputs\": [\"x1\", \"y2\"]",
    "table.csv: The column \"y2\" (index 4) is chosen twice, as data.inputs[1] and as the default target (the "
    "last column); a column can be one input or one target." },
  { table, "\"inputs\": [\"x1\", \"x3\"], \"targets\": [\"y1\"]",
    "table.csv: data.inputs[1]: \"x3\" is not a column of the CSV file's header (x1, x2, label, y1 and y2)." },
  { table, "\"inputs\": [0], \"targets\": [5]",
    "table.csv: data.targets[0] is index 5, but the CSV file has 5 columns (indices 0 to 4)." },
  { "1,2,3\n4,5,6\n", "\"inputs\": [\"x1\"]",
    "table.csv: data.inputs[0] is the name \"x1\", but the CSV file has no header line of names: choose the column "
    "by its 0-based index, or set \"header\": true." },
  { table, "\"header\": false, \"inputs\": [0], \"targets\": [3]",
    "table.csv: line 2, column 1: 'x1' is not a number." },
  { table, "\"inputs\": [\"x1\"], \"targets\": [\"label\"]",
    "table.csv: line 3, column 3: 'a' is not a number." },
  { table, "\"targets\": [\"x1\", \"x2\", \"label\", \"y1\", \"y2\"]",
    "table.csv: data.targets takes all 5 columns of the CSV file, which leaves no input column; name the inputs in "
    "data.inputs, or fewer targets." },
  { "a,a,y\n1,2,3\n", "\"inputs\": [\"a\"]",
    "table.csv: data.inputs[0]: \"a\" names 2 columns of the header (the first at index 0); choose one by its "
    "0-based index." },
  { "x,y\n1,2\n3\n", "\"inputs\": [\"x\"], \"targets\": [\"y\"]",
    "table.csv: line 3 has 1 columns, but the lines before it have 2." },
};

static void
test_mistakes_are_one_sentence_each (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (mistakes); i++)
    {
      g_autofree char *message = build_error (mistakes[i].csv, mistakes[i].fields);

      if (!g_str_has_prefix (message, mistakes[i].message))
        g_error ("%s\n  gave: %s\n  want: %s", mistakes[i].fields, message, mistakes[i].message);
      /* one sentence: a single full stop at the end (names aside) */
      g_assert_true (g_str_has_suffix (message, ".") || g_str_has_suffix (message, "false."));
    }
}

/* nnblocks-cli train says the same sentence and exits 1 */
static void
test_cli_says_the_mistake (void)
{
  g_autofree char *dir = g_dir_make_tmp ("nnb-csv-XXXXXX", NULL);
  g_autofree char *csv = g_build_filename (dir, "table.csv", NULL);
  g_autofree char *path = g_build_filename (dir, "p.nnb", NULL);
  g_autofree char *json = g_strdup_printf ("{\"format\": \"nnblocks\", \"version\": 1, "
                                           "\"model\": {\"class\": \"Linear\", \"in_features\": 2, \"out_features\": 1}, "
                                           "\"data\": {\"kind\": \"csv\", \"path\": \"table.csv\", "
                                           "\"inputs\": [\"x1\", \"x3\"], \"targets\": [\"y1\"]}}");
  const char *train[] = { g_getenv ("NNB_CLI"), "train", path, NULL };
  const char *data[] = { g_getenv ("NNB_CLI"), "data", path, NULL };
  g_autofree char *out = NULL, *err = NULL, *out2 = NULL, *err2 = NULL;

  g_assert_true (g_file_set_contents (csv, table, -1, NULL));
  g_assert_true (g_file_set_contents (path, json, -1, NULL));
  g_assert_cmpint (nnb_test_run (train, &out, &err), ==, 1);
  g_assert_cmpstr (out, ==, "");
  g_assert_cmpstr (err, ==,
                   "nnblocks-cli: table.csv: data.inputs[1]: \"x3\" is not a column of the CSV file's header (x1, x2, "
                   "label, y1 and y2).\n");
  g_assert_cmpint (nnb_test_run (data, &out2, &err2), ==, 1);
  g_assert_cmpstr (err2, ==, err);
  g_remove (csv);
  g_remove (path);
  g_rmdir (dir);
}

/* the fields survive a save and a load; a file without them saves without them */
static void
test_fields_round_trip (void)
{
  static const char text[] = "{\"format\": \"nnblocks\", \"version\": 1, "
                             "\"model\": {\"class\": \"Linear\", \"in_features\": 2, \"out_features\": 2}, "
                             "\"data\": {\"kind\": \"csv\", \"path\": \"/tmp/t.csv\", \"header\": false, "
                             "\"inputs\": [\"x1\", 2], \"targets\": [3, \"y\"]}}";
  static const char plain[] = "{\"format\": \"nnblocks\", \"version\": 1, "
                              "\"model\": {\"class\": \"Linear\", \"in_features\": 2, \"out_features\": 1}, "
                              "\"data\": {\"kind\": \"csv\", \"path\": \"/tmp/t.csv\"}}";
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbProject) project = nnb_project_load_from_data (text, strlen (text), &error);
  g_autoptr (NnbProject) old = NULL;
  g_autofree char *saved = NULL, *saved_old = NULL;
  NnbDataSpec copy = { 0 };

  g_assert_no_error (error);
  g_assert_cmpint (project->data.csv_header, ==, NNB_CSV_HEADER_NO);
  g_assert_cmpuint (project->data.csv_n_inputs, ==, 2);
  g_assert_cmpstr (project->data.csv_inputs[0].name, ==, "x1");
  g_assert_null (project->data.csv_inputs[1].name);
  g_assert_cmpint (project->data.csv_inputs[1].index, ==, 2);
  saved = nnb_project_to_data (project, FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (saved, "\"data\": {\"kind\": \"csv\", \"path\": \"/tmp/t.csv\", \"header\": false, "
                                   "\"inputs\": [\"x1\", 2], \"targets\": [3, \"y\"]},\n"));
  nnb_data_spec_copy (&copy, &project->data);
  g_assert_true (copy.csv_inputs != project->data.csv_inputs);
  g_assert_cmpstr (copy.csv_targets[1].name, ==, "y");
  nnb_data_spec_clear (&copy);

  old = nnb_project_load_from_data (plain, strlen (plain), &error);
  g_assert_no_error (error);
  g_assert_cmpint (old->data.csv_header, ==, NNB_CSV_HEADER_DETECT);
  g_assert_cmpuint (old->data.csv_n_inputs + old->data.csv_n_targets, ==, 0);
  saved_old = nnb_project_to_data (old, FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (saved_old, "\"data\": {\"kind\": \"csv\", \"path\": \"/tmp/t.csv\"},\n"));
}

/* the fixture project, as the test data has it, loads beside its CSV */
static void
test_fixture_project_names_its_columns (void)
{
  g_autofree char *path = nnb_test_source_path ("tests/data/csv-columns.nnb");
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbProject) project = nnb_project_load (path, &error);
  g_autoptr (NnbDataset) data = NULL;

  g_assert_no_error (error);
  data = nnb_project_build (project, FALSE, &error);
  g_assert_no_error (error);
  /* id,x1,y1,x2,note,x3,y2: the inputs and targets by name */
  g_assert_cmpint (data->x_columns[0], ==, 1);
  g_assert_cmpint (data->x_columns[1], ==, 3);
  g_assert_cmpint (data->x_columns[2], ==, 5);
  g_assert_cmpint (data->y_columns[0], ==, 2);
  g_assert_cmpint (data->y_columns[1], ==, 6);
  g_assert_cmpstr (data->x_names[2], ==, "x3");
  g_assert_cmpstr (data->y_names[1], ==, "y2");
  g_assert_null (data->y_names[2]);
}

/* The import dialog's preview: the first lines as the reader splits them
 * (a byte-order mark, blank and '#' lines skipped, CRLF and lone CR), and
 * the header rule it applies when "header" is absent. */
static void
test_preview_lines_and_header_rule (void)
{
  static const char text[] = "\xef\xbb\xbf# comment\r\n\r\n a , b,y\r\n1,2,3\r4, 5 ,6\n7,8,9\n";
  g_autoptr (GPtrArray) lines = nnb_csv_first_lines (text, sizeof text - 1, 3);

  g_assert_cmpuint (lines->len, ==, 3);
  g_assert_cmpstrv (lines->pdata[0], ((const char *const[]){ "a", "b", "y", NULL }));
  g_assert_cmpstrv (lines->pdata[1], ((const char *const[]){ "1", "2", "3", NULL }));
  g_assert_cmpstrv (lines->pdata[2], ((const char *const[]){ "4", "5", "6", NULL }));
  g_assert_true (nnb_csv_detect_header (text, sizeof text - 1));
  /* a number, or an empty name, makes the first line data */
  g_assert_false (nnb_csv_detect_header ("a,2,y\n1,2,3\n", 12));
  g_assert_false (nnb_csv_detect_header ("a,,y\n1,2,3\n", 11));
  g_assert_false (nnb_csv_detect_header ("", 0));
}

/* Saving beside the CSV file names it relative to the project's folder;
 * elsewhere the path stays whole. */
static void
test_csv_beside_the_project_is_written_relative (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = nnb_test_source_path ("tests/data/csv-columns.nnb");
  NnbProject *project;
  g_autofree char *text = NULL;
  g_autofree char *elsewhere = NULL;

  project = nnb_project_load (path, &error);
  g_assert_no_error (error);
  g_free (project->data.csv_path);
  project->data.csv_path = g_strdup ("/work/data/points.csv");
  text = nnb_project_to_data_for (project, FALSE, "/work/data/model.nnb", NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (text, "\"path\": \"points.csv\""));
  elsewhere = nnb_project_to_data_for (project, FALSE, "/home/model.nnb", NULL, &error);
  g_assert_nonnull (strstr (elsewhere, "\"path\": \"/work/data/points.csv\""));
  nnb_project_free (project);
}

/* points.csv in dir: rows rows of x1, x2 and y = x1 + 2·x2. */
static char *
write_points (const char *dir, int rows)
{
  char *csv = g_build_filename (dir, "points.csv", NULL);
  g_autoptr (GString) text = g_string_new ("x1,x2,y\n");

  for (int r = 0; r < rows; r++)
    g_string_append_printf (text, "%d.5,%d,%d.5\n", r, r % 7, r + 2 * (r % 7));
  g_assert_true (g_file_set_contents (csv, text->str, text->len, NULL));
  return csv;
}

/* A project on csv, the target y, a quarter held out and the inputs
 * standardised. */
static NnbProject *
project_on_csv (const char *csv)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *json = NULL;
  NnbProject *project;

  json = g_strdup_printf ("{\"format\": \"nnblocks\", \"version\": 1, \"model\": {\"class\": \"Linear\", "
                          "\"in_features\": 2, \"out_features\": 1, \"bias\": true}, \"seed\": 3, \"data\": "
                          "{\"kind\": \"csv\", \"path\": \"%s\", \"targets\": [\"y\"], \"test_fraction\": 0.25, "
                          "\"standardize\": {\"inputs\": true}}}",
                          csv);
  project = nnb_project_load_from_data (json, strlen (json), &error);
  g_assert_no_error (error);
  return project;
}

static gboolean
holds (const NnbDataset *data, float value)
{
  const NnbTensor *parts[] = { data->y, data->y_test };

  for (guint p = 0; p < G_N_ELEMENTS (parts); p++)
    for (int64_t i = 0; parts[p] != NULL && i < parts[p]->numel; i++)
      if (parts[p]->data[i] == value)
        return TRUE;
  return FALSE;
}

static int64_t
rows_of (const NnbDataset *data)
{
  return data->x->shape[0] + (data->x_test != NULL ? data->x_test->shape[0] : 0);
}

/* The app rebuilds the data on every edit: the file is read once and its
 * table kept, until the file or the choice of columns changes. The kept
 * table gives the numbers a fresh read gives, bit for bit. */
static void
test_table_is_read_once (void)
{
  g_autofree char *dir = g_dir_make_tmp ("nnb-csv-table-XXXXXX", NULL);
  g_autofree char *csv = write_points (dir, 20);
  g_autofree char *again = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbProject) project = project_on_csv (csv);
  g_autoptr (NnbDataset) first = nnb_project_build (project, FALSE, &error);
  g_autoptr (NnbDataset) fresh = NULL, kept = NULL, reread = NULL, rechosen = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (project->csv_table);
  g_assert_cmpint (rows_of (first), ==, 20);
  /* the file read and split by hand, as the recipe does: the same bits */
  nnb_generator_manual_seed (nnb_generator_default (), 3);
  fresh = nnb_dataset_new (&project->data, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (first->perm, 20 * sizeof (int64_t), fresh->perm, 20 * sizeof (int64_t));
  g_assert_cmpmem (first->x->data, first->x->numel * sizeof (float), fresh->x->data, fresh->x->numel * sizeof (float));
  g_assert_cmpmem (first->x_test->data, first->x_test->numel * sizeof (float), fresh->x_test->data,
                   fresh->x_test->numel * sizeof (float));
  g_assert_cmpmem (first->y->data, first->y->numel * sizeof (float), fresh->y->data, fresh->y->numel * sizeof (float));

  /* a mark in the kept table shows that the next build takes it */
  g_assert_false (holds (first, 12345.0f));
  project->csv_table->y->data[0] = 12345.0f;
  kept = nnb_project_build (project, FALSE, &error);
  g_assert_no_error (error);
  g_assert_true (holds (kept, 12345.0f));

  /* the file saved again, a row longer: read again */
  again = write_points (dir, 21);
  reread = nnb_project_build (project, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (rows_of (reread), ==, 21);
  g_assert_false (holds (reread, 12345.0f));

  /* another target column: read again (x2's 6 is no y's value) */
  project->csv_table->y->data[0] = 12345.0f;
  g_free (project->data.csv_targets[0].name);
  project->data.csv_targets[0].name = g_strdup ("x2");
  rechosen = nnb_project_build (project, FALSE, &error);
  g_assert_no_error (error);
  g_assert_false (holds (rechosen, 12345.0f));
  g_assert_true (holds (rechosen, 6.0f));

  g_remove (csv);
  g_rmdir (dir);
}

/* A reader with a list reads past bad rows: all of them counted, the
 * first ten listed in line order, and the read still fails with the first
 * row's sentence, the one the CLI says. */
static void
test_bad_rows_are_listed (void)
{
  g_autoptr (GString) text = g_string_new ("a,b\n");
  g_autoptr (GPtrArray) sentences = g_ptr_array_new_with_free_func (g_free);
  NnbCsvBadRows bad_rows = { sentences, 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) cli_error = NULL;
  NnbCsvTable table;

  for (int r = 0; r < 30; r++)
    {
      if (r % 2 == 1)
        g_string_append_printf (text, "%d,x%d\n", r, r); /* line r + 2 */
      else if (r == 4)
        g_string_append (text, "1,2,3\n"); /* line 6: three cells */
      else
        g_string_append_printf (text, "%d,%d\n", r, r);
    }
  g_assert_false (nnb_csv_read_columns_with_progress (text->str, text->len, NULL, NULL, NULL, &bad_rows, &table, &error));
  g_assert_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_PARSE);
  g_assert_cmpint (bad_rows.count, ==, 16);
  g_assert_cmpuint (sentences->len, ==, NNB_CSV_BAD_ROWS_LISTED);
  g_assert_cmpstr (sentences->pdata[0], ==, "line 3, column 2: 'x1' is not a number.");
  g_assert_cmpstr (sentences->pdata[2], ==, "line 6 has 3 columns, but the lines before it have 2.");
  g_assert_cmpstr (sentences->pdata[9], ==, "line 19, column 2: 'x17' is not a number.");
  g_assert_cmpstr (error->message, ==, sentences->pdata[0]);
  g_assert_false (nnb_csv_read_columns (text->str, text->len, NULL, &table, &cli_error));
  g_assert_cmpstr (cli_error->message, ==, error->message);
}

int
main (int argc, char *argv[])
{
  JsonArray *cases;

  g_test_init (&argc, &argv, NULL);
  cases = json_object_get_array_member (nnb_test_golden ("data/csv-golden.json"), "cases");
  for (guint i = 0; i < json_array_get_length (cases); i++)
    {
      JsonObject *c = json_array_get_object_element (cases, i);
      const char *name = json_object_get_string_member (c, "name");
      g_autofree char *data = g_strdup_printf ("/csv-columns/%s/data-is-pytorchs", name);
      g_autofree char *losses = g_strdup_printf ("/csv-columns/%s/losses-are-pytorchs", name);

      g_test_add_data_func (data, c, test_data_is_pytorchs);
      g_test_add_data_func (losses, c, test_losses_are_pytorchs);
    }
  g_test_add_func ("/csv-columns/output-width-must-be-the-targets", test_output_width_must_be_the_targets);
  g_test_add_func ("/csv-columns/mistakes-are-one-sentence-each", test_mistakes_are_one_sentence_each);
  g_test_add_func ("/csv-columns/cli-says-the-mistake", test_cli_says_the_mistake);
  g_test_add_func ("/csv-columns/fields-round-trip", test_fields_round_trip);
  g_test_add_func ("/csv-columns/fixture-project-names-its-columns", test_fixture_project_names_its_columns);
  g_test_add_func ("/csv-columns/preview-lines-and-header-rule", test_preview_lines_and_header_rule);
  g_test_add_func ("/csv-columns/csv-beside-the-project-is-written-relative",
                   test_csv_beside_the_project_is_written_relative);
  g_test_add_func ("/csv-columns/table-is-read-once", test_table_is_read_once);
  g_test_add_func ("/csv-columns/bad-rows-are-listed", test_bad_rows_are_listed);
  return g_test_run ();
}
