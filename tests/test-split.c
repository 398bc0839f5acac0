/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-split.c — held-out test rows and standardised data, bit for bit
 * with PyTorch: the randperm split (test rows first), the training rows'
 * X.mean(0) and X.std(0), the standardised values, and every epoch's train
 * and test loss, in the CLI's loop and the app's trainer alike. Then the
 * mistakes the split and standardisation refuse, one sentence each.
 *
 * Golden data: tests/reference/make_split_golden.py → tests/data/split-golden.json. */
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "nnb-error.h"
#include "nnb-project.h"
#include "nnb-test-util.h"
#include "nnb-trainer.h"
#include "nnb-training.h"

#define WAIT_US (60 * G_USEC_PER_SEC)

/* The case's project, built as a training run starts from it. */
static NnbProject *
load_case (JsonObject *c, NnbDataset **data, NnbGenerator *shuffle)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *text = json_to_string (json_object_get_member (c, "project"), FALSE);
  g_autoptr (NnbProject) project = nnb_project_load_from_data (text, strlen (text), &error);

  g_assert_no_error (error);
  *data = nnb_project_build_for_training (project, FALSE, shuffle, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&project);
}

/* a tensor's bits against the golden member (null: the tensor is NULL) */
static void
test_split_and_standardization_are_pytorchs (gconstpointer user_data)
{
  JsonObject *c = (JsonObject *) user_data;
  g_autoptr (NnbDataset) data = NULL;
  NnbGenerator shuffle;
  g_autoptr (NnbProject) project = load_case (c, &data, &shuffle);
  int64_t n_test = json_object_get_int_member (c, "n_test");
  JsonNode *perm = json_object_get_member (c, "perm");
  int64_t cols = data->x->shape[1];

  if (n_test == 0)
    {
      g_assert_null (data->x_test);
      g_assert_null (data->perm);
    }
  else
    {
      JsonArray *want = json_node_get_array (perm);
      g_assert_cmpint (data->x_test->shape[0], ==, n_test);
      g_assert_cmpint (data->n_all, ==, json_array_get_length (want));
      for (guint i = 0; i < json_array_get_length (want); i++)
        if (data->perm[i] != json_array_get_int_element (want, i))
          g_error ("%s: perm[%u] is %" G_GINT64_FORMAT ", PyTorch's %" G_GINT64_FORMAT,
                   json_object_get_string_member (c, "name"), i, data->perm[i],
                   json_array_get_int_element (want, i));
    }
  nnb_test_assert_case_bits (c, "x", data->x->data, data->x->numel);
  nnb_test_assert_case_bits (c, "y", data->y->data, data->y->numel);
  nnb_test_assert_case_bits (c, "x_test", data->x_test ? data->x_test->data : NULL, n_test * cols);
  nnb_test_assert_case_bits (c, "y_test", data->y_test ? data->y_test->data : NULL, n_test);
  nnb_test_assert_case_bits (c, "x_mean", data->x_mean, cols);
  nnb_test_assert_case_bits (c, "x_std", data->x_std, cols);
  nnb_test_assert_case_bits (c, "y_mean", data->y_mean, 1);
  nnb_test_assert_case_bits (c, "y_std", data->y_std, 1);
}

/* got[i] against the golden doubles, exactly; names the first that differs */
static void
assert_losses (JsonObject *c, const char *how, const char *member, const double *got, guint n)
{
  JsonArray *want = json_object_get_array_member (c, member);

  g_assert_cmpuint (n, ==, json_array_get_length (want));
  for (guint epoch = 0; epoch < n; epoch++)
    if (got[epoch] != json_array_get_double_element (want, epoch))
      g_error ("%s, %s: epoch %u's %s is %.17g, PyTorch's %.17g (the first that differs)", how,
               json_object_get_string_member (c, "name"), epoch, member, got[epoch],
               json_array_get_double_element (want, epoch));
}

static void
test_cli_loop_gives_pytorchs_test_losses (gconstpointer user_data)
{
  JsonObject *c = (JsonObject *) user_data;
  g_autoptr (NnbDataset) data = NULL;
  NnbGenerator shuffle;
  g_autoptr (NnbProject) project = load_case (c, &data, &shuffle);
  g_autoptr (NnbTraining) training = NULL;
  g_autoptr (GArray) losses = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) test_losses = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GError) error = NULL;
  NnbStopRule rule;
  NnbStopReason reason = NNB_STOP_NONE;

  training = nnb_training_new (project->model, data, &project->training, &shuffle, &error);
  g_assert_no_error (error);
  g_assert_true (isnan (nnb_training_get_test_loss (training)));
  nnb_stop_rule_init (&rule, &project->training);
  while (reason == NNB_STOP_NONE)
    {
      double loss, test_loss;
      reason = nnb_training_run_epoch (training, &rule, &loss, &error);
      g_assert_no_error (error);
      test_loss = nnb_training_get_test_loss (training);
      g_array_append_val (losses, loss);
      if (nnb_training_has_test_set (training))
        g_array_append_val (test_losses, test_loss);
      else
        g_assert_true (isnan (test_loss));
    }
  g_assert_cmpint (reason, ==, NNB_STOP_FINISHED);
  assert_losses (c, "the CLI's loop", "losses", (double *) losses->data, losses->len);
  assert_losses (c, "the CLI's loop", "test_losses", (double *) test_losses->data, test_losses->len);
}

static void
test_app_trainer_gives_pytorchs_test_losses (gconstpointer user_data)
{
  JsonObject *c = (JsonObject *) user_data;
  g_autoptr (NnbDataset) data = NULL;
  NnbGenerator shuffle;
  g_autoptr (NnbProject) project = load_case (c, &data, &shuffle);
  g_autoptr (NnbTrainer) trainer = NULL;
  g_autoptr (NnbSnapshot) snapshot = NULL;
  g_autoptr (GError) error = NULL;

  trainer = nnb_trainer_new (project->model, data, &project->training, &shuffle, 0, 0, 0, &error);
  g_assert_no_error (error);
  snapshot = nnb_test_trainer_run_to_end (trainer, WAIT_US);
  g_assert_cmpint (snapshot->state, ==, NNB_TRAINER_FINISHED);
  assert_losses (c, "the app's trainer", "losses", (double *) snapshot->losses->data, snapshot->losses->len);
  assert_losses (c, "the app's trainer", "test_losses", (double *) snapshot->test_losses->data,
                 snapshot->test_losses->len);
}

/* ------------------------------------------------------------ mistakes */

static char *
build_error (const char *data_json)
{
  g_autofree char *text = g_strdup_printf ("{\"format\": \"nnblocks\", \"version\": 1, "
                                           "\"model\": {\"class\": \"Linear\", \"in_features\": 1, \"out_features\": 1}, "
                                           "\"data\": %s}",
                                           data_json);
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbProject) project = nnb_project_load_from_data (text, strlen (text), &error);
  g_autoptr (NnbDataset) data = NULL;

  if (project == NULL)
    return g_strdup (error->message);
  data = nnb_project_build (project, FALSE, &error);
  g_assert_null (data);
  g_assert_nonnull (error);
  return g_strdup (error->message);
}

static void
test_mistakes_are_one_sentence_each (void)
{
  static const struct
  {
    const char *data;
    const char *message;
  } cases[] = {
    { "{\"kind\": \"sine\", \"test_fraction\": 1}",
      "data: test_fraction must be a number from 0 up to (not including) 1, not 1." },
    { "{\"kind\": \"sine\", \"test_fraction\": -0.5}",
      "data: test_fraction must be a number from 0 up to (not including) 1, not -0.5." },
    { "{\"kind\": \"sine\", \"n\": 50, \"test_fraction\": 0.01}",
      "A test fraction of 0.01 leaves no test point out of 50 (int(50 * 0.01) is 0): raise it, or set it to 0 "
      "for no test set." },
    { "{\"kind\": \"line\", \"n\": 1, \"standardize\": {\"inputs\": true}}",
      "Cannot standardise the inputs with only one training row: X.std(0) would be nan "
      "(PyTorch: std(): degrees of freedom is <= 0)." },
    { "{\"kind\": \"sine-product\", \"n\": 5, \"standardize\": {\"target\": true}}",
      "data.standardize: unknown field \"target\"" },
    { "{\"kind\": \"sine\", \"standardize\": true}", "data.standardize" },
    { "{\"kind\": \"sine\", \"standardize\": {\"inputs\": 1}}",
      "data.standardize: inputs must be true or false, not 1." },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *message = build_error (cases[i].data);
      if (!g_str_has_prefix (message, cases[i].message))
        g_error ("%s\n  gave: %s\n  want: %s", cases[i].data, message, cases[i].message);
    }
}

/* the CSV's error for standardize, with its text and the data's fields */
static char *
csv_error (const char *csv_text, const char *fields)
{
  g_autofree char *dir = g_dir_make_tmp ("nnb-split-XXXXXX", NULL);
  g_autofree char *csv = g_build_filename (dir, "flat.csv", NULL);
  g_autofree char *json = NULL;
  char *message;

  g_assert_true (g_file_set_contents (csv, csv_text, -1, NULL));
  json = g_strdup_printf ("{\"kind\": \"csv\", \"path\": \"%s\", %s}", csv, fields);
  message = build_error (json);
  g_remove (csv);
  g_rmdir (dir);
  return message;
}

/* a column with one value in every training row has std 0 */
static void
test_constant_columns_are_refused (void)
{
  g_autofree char *inputs = csv_error ("1,5,2\n2,5,3\n3,5,4\n4,5,6\n", "\"standardize\": {\"inputs\": true}");
  g_autofree char *targets = csv_error ("1,2\n2,2\n3,2\n4,2\n",
                                        "\"test_fraction\": 0.25, \"standardize\": {\"targets\": true}");

  g_assert_cmpstr (inputs, ==,
                   "Cannot standardise the inputs: X column 1 has the same value in every training row, so its std "
                   "is 0 and dividing by it would give nan.");
  g_assert_cmpstr (targets, ==,
                   "Cannot standardise the targets: y has the same value in every training row, so its std is 0 "
                   "and dividing by it would give nan.");
}

/* old files read unchanged, and the new fields survive a save */
static void
test_fields_round_trip (void)
{
  static const char text[] = "{\"format\": \"nnblocks\", \"version\": 1, "
                             "\"model\": {\"class\": \"Linear\", \"in_features\": 1, \"out_features\": 1}, "
                             "\"data\": {\"kind\": \"sine\", \"n\": 30, \"test_fraction\": 0.3, "
                             "\"standardize\": {\"targets\": true}}}";
  static const char plain_text[] = "{\"format\": \"nnblocks\", \"version\": 1, "
                                   "\"model\": {\"class\": \"Linear\", \"in_features\": 1, \"out_features\": 1}, "
                                   "\"data\": {\"kind\": \"sine\", \"n\": 30}}";
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbProject) project = nnb_project_load_from_data (text, strlen (text), &error);
  g_autoptr (NnbProject) again = NULL;
  g_autoptr (NnbProject) plain = NULL;
  g_autofree char *saved = NULL;
  g_autofree char *plain_saved = NULL;

  g_assert_no_error (error);
  g_assert_cmpfloat (project->data.test_fraction, ==, 0.3);
  g_assert_false (project->data.standardize_inputs);
  g_assert_true (project->data.standardize_targets);
  saved = nnb_project_to_data (project, FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (saved, "\"test_fraction\": 0.3, \"standardize\": {\"inputs\": false, \"targets\": true}"));
  again = nnb_project_load_from_data (saved, strlen (saved), &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (again->data.test_fraction, ==, 0.3);
  g_assert_true (again->data.standardize_targets);
  /* without them, nothing new is written */
  plain = nnb_project_load_from_data (plain_text, strlen (plain_text), &error);
  g_assert_no_error (error);
  plain_saved = nnb_project_to_data (plain, FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (strstr (plain_saved, "test_fraction"));
  g_assert_null (strstr (plain_saved, "standardize"));
}

/* ------------------------------------------------------------ the CLI */

/* nnblocks-cli train on json written to a file; returns the exit status */
static int
cli_train (const char *json, char **out, char **err)
{
  g_autofree char *dir = g_dir_make_tmp ("nnb-split-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "split.nnb", NULL);
  const char *argv[] = { g_getenv ("NNB_CLI"), "train", path, NULL };
  int status;

  g_assert_nonnull (argv[0]);
  g_assert_true (g_file_set_contents (path, json, -1, NULL));
  status = nnb_test_run (argv, out, err);
  g_remove (path);
  g_rmdir (dir);
  return status;
}

/* "epoch   0 loss 0.4496 test_loss 0.3063": PyTorch's losses, printed as
 * print(f"epoch {epoch:3d} loss {loss:.4f} test_loss {test_loss:.4f}") */
static void
test_cli_prints_the_test_loss (void)
{
  JsonArray *cases = json_object_get_array_member (nnb_test_golden ("data/split-golden.json"), "cases");
  JsonObject *c = json_array_get_object_element (cases, 0);
  JsonObject *project = json_object_get_object_member (c, "project");
  JsonObject *training = json_object_get_object_member (project, "training");
  JsonArray *losses = json_object_get_array_member (c, "losses");
  JsonArray *test_losses = json_object_get_array_member (c, "test_losses");
  guint epochs = json_array_get_length (losses);
  g_autoptr (GString) want = g_string_new (NULL);
  g_autofree char *json = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpstr (json_object_get_string_member (c, "name"), ==, "split");
  json_object_set_int_member (training, "log_every", 10);
  json = json_to_string (json_object_get_member (c, "project"), TRUE);
  json_object_set_int_member (training, "log_every", 0);
  for (guint epoch = 0; epoch < epochs; epoch++)
    if (epoch % 10 == 0 || epoch == epochs - 1)
      g_string_append_printf (want, "epoch %3u loss %.4f test_loss %.4f\n", epoch,
                              json_array_get_double_element (losses, epoch),
                              json_array_get_double_element (test_losses, epoch));
  g_assert_cmpint (cli_train (json, &out, &err), ==, 0);
  g_assert_cmpstr (err, ==, "");
  g_assert_cmpstr (out, ==, want->str);
}

static void
test_cli_refuses_bad_fractions_in_one_sentence (void)
{
  static const struct
  {
    const char *data;
    const char *err;
  } cases[] = {
    { "{\"kind\": \"sine\", \"test_fraction\": 1.5}",
      "nnblocks-cli: data: test_fraction must be a number from 0 up to (not including) 1, not 1.5.\n" },
    { "{\"kind\": \"sine\", \"n\": 50, \"test_fraction\": 0.01}",
      "nnblocks-cli: A test fraction of 0.01 leaves no test point out of 50 (int(50 * 0.01) is 0): raise it, or set "
      "it to 0 for no test set.\n" },
    { "{\"kind\": \"line\", \"n\": 1, \"standardize\": {\"targets\": true}}",
      "nnblocks-cli: Cannot standardise the targets with only one training row: y.std(0) would be nan "
      "(PyTorch: std(): degrees of freedom is <= 0).\n" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"format\": \"nnblocks\", \"version\": 1, "
                                               "\"model\": {\"class\": \"Linear\", \"in_features\": 1, "
                                               "\"out_features\": 1}, \"data\": %s, "
                                               "\"training\": {\"epochs\": 3, \"log_every\": 1}}",
                                               cases[i].data);
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;

      g_assert_cmpint (cli_train (json, &out, &err), ==, 1);
      g_assert_cmpstr (out, ==, "");
      g_assert_cmpstr (err, ==, cases[i].err);
    }
}

/* `export --format pytorch` writes the split and standardisation lines,
 * and the exported program's `--train` prints what `train` prints */
static void
assert_export_trains_alike (const char *path)
{
  g_autofree char *text = NULL;
  g_autofree char *printed = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbProject) project = nnb_project_load (path, &error);

  g_assert_no_error (error);
  printed = nnb_test_export_trains_alike (path, &text);
  if (project->data.test_fraction > 0)
    g_assert_nonnull (strstr (text, "    perm = torch.randperm(len(X))\n"
                                    "    n_test = int(len(X) * "));
  if (project->data.standardize_inputs)
    g_assert_nonnull (strstr (text, "    x_mean, x_std = X.mean(0), X.std(0)"));
  if (project->data.standardize_targets)
    g_assert_nonnull (strstr (text, "    y_mean, y_std = y.mean(0), y.std(0)"));
  if (project->data.csv_n_inputs > 0 && project->data.csv_header == NNB_CSV_HEADER_YES)
    g_assert_nonnull (strstr (text, ", inputs=[\"x1\", \"x2\", \"x3\"], targets=[\"y1\", \"y2\"], header=True)\n"));
}

static void
test_exported_code_trains_alike (void)
{
  JsonArray *cases = json_object_get_array_member (nnb_test_golden ("data/split-golden.json"), "cases");
  g_autofree char *example = nnb_test_source_path ("data/examples/overfit.nnb");

  if (!nnb_test_python_has ("torch", NULL))
    {
      nnb_test_missing ("/usr/bin/python3 cannot import torch (apt-get install python3-torch)");
      return;
    }
  assert_export_trains_alike (example);
  for (guint i = 0; i < json_array_get_length (cases); i++)
    {
      JsonObject *c = json_array_get_object_element (cases, i);
      JsonObject *training = json_object_get_object_member (json_object_get_object_member (c, "project"), "training");
      g_autofree char *dir = NULL;
      g_autofree char *path = NULL;
      g_autofree char *json = NULL;

      if (g_str_equal (json_object_get_string_member (c, "name"), "overfit"))
        continue;
      dir = g_dir_make_tmp ("nnb-split-XXXXXX", NULL);
      path = g_build_filename (dir, "case.nnb", NULL);
      json_object_set_int_member (training, "log_every", 1);
      json = json_to_string (json_object_get_member (c, "project"), TRUE);
      json_object_set_int_member (training, "log_every", 0);
      g_assert_true (g_file_set_contents (path, json, -1, NULL));
      assert_export_trains_alike (path);
      g_remove (path);
      g_rmdir (dir);
    }
  /* a CSV with a header, 3 inputs chosen by name and 2 targets
   * (tests/reference/make_csv_golden.py): read_csv's lines */
  cases = json_object_get_array_member (nnb_test_golden ("data/csv-golden.json"), "cases");
  for (guint i = 0; i < json_array_get_length (cases); i++)
    {
      JsonObject *project = json_object_get_object_member (json_array_get_object_element (cases, i), "project");
      JsonObject *training = json_object_get_object_member (project, "training");
      g_autofree char *csv = nnb_test_source_path ("tests/data/csv-columns.csv");
      g_autofree char *dir = g_dir_make_tmp ("nnb-split-csv-XXXXXX", NULL);
      g_autofree char *path = g_build_filename (dir, "case.nnb", NULL);
      g_autofree char *json = NULL;

      json_object_set_string_member (json_object_get_object_member (project, "data"), "path", csv);
      json_object_set_int_member (training, "log_every", 1);
      json = json_to_string (json_object_get_member (json_array_get_object_element (cases, i), "project"), TRUE);
      json_object_set_int_member (training, "log_every", 0);
      g_assert_true (g_file_set_contents (path, json, -1, NULL));
      assert_export_trains_alike (path);
      g_remove (path);
      g_rmdir (dir);
    }
}

/* data/examples/overfit.nnb does what its title says: the test loss is
 * lowest early on, then climbs while the train loss keeps falling; and it
 * is written as the app writes files */
static void
test_overfit_example_overfits (void)
{
  JsonArray *cases = json_object_get_array_member (nnb_test_golden ("data/split-golden.json"), "cases");
  JsonObject *c = json_array_get_object_element (cases, json_array_get_length (cases) - 1);
  JsonArray *losses = json_object_get_array_member (c, "losses");
  JsonArray *test_losses = json_object_get_array_member (c, "test_losses");
  guint n = json_array_get_length (test_losses), best = 0;
  g_autoptr (NnbProject) project = nnb_test_load_example ("overfit.nnb");
  g_autofree char *path = nnb_test_source_path ("data/examples/overfit.nnb");
  g_autofree char *text = NULL;
  g_autofree char *saved = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_cmpstr (json_object_get_string_member (c, "name"), ==, "overfit");
  for (guint i = 1; i < n; i++)
    if (json_array_get_double_element (test_losses, i) < json_array_get_double_element (test_losses, best))
      best = i;
  g_assert_cmpuint (best, <, n / 4);
  g_assert_cmpfloat (json_array_get_double_element (test_losses, n - 1), >,
                     3 * json_array_get_double_element (test_losses, best));
  g_assert_cmpfloat (json_array_get_double_element (losses, n - 1), <,
                     json_array_get_double_element (losses, best) / 3);

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  saved = nnb_project_to_data (project, FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (saved, ==, text);
}

int
main (int argc, char *argv[])
{
  JsonArray *cases;

  g_test_init (&argc, &argv, NULL);
  cases = json_object_get_array_member (nnb_test_golden ("data/split-golden.json"), "cases");
  for (guint i = 0; i < json_array_get_length (cases); i++)
    {
      JsonObject *c = json_array_get_object_element (cases, i);
      const char *name = json_object_get_string_member (c, "name");
      g_autofree char *data = g_strdup_printf ("/split/%s/data-is-pytorchs", name);
      g_autofree char *cli = g_strdup_printf ("/split/%s/cli-loop-gives-pytorchs-losses", name);
      g_autofree char *app = g_strdup_printf ("/split/%s/app-trainer-gives-pytorchs-losses", name);

      g_test_add_data_func (data, c, test_split_and_standardization_are_pytorchs);
      g_test_add_data_func (cli, c, test_cli_loop_gives_pytorchs_test_losses);
      g_test_add_data_func (app, c, test_app_trainer_gives_pytorchs_test_losses);
    }
  g_test_add_func ("/split/mistakes-are-one-sentence-each", test_mistakes_are_one_sentence_each);
  g_test_add_func ("/split/constant-columns-are-refused", test_constant_columns_are_refused);
  g_test_add_func ("/split/fields-round-trip", test_fields_round_trip);
  g_test_add_func ("/split/cli-prints-the-test-loss", test_cli_prints_the_test_loss);
  g_test_add_func ("/split/cli-refuses-bad-fractions-in-one-sentence", test_cli_refuses_bad_fractions_in_one_sentence);
  g_test_add_func ("/split/overfit-example-overfits", test_overfit_example_overfits);
  g_test_add_func ("/split/exported-code-trains-alike", test_exported_code_trains_alike);
  return g_test_run ();
}
