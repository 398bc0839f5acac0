/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-project.c — .nnb projects: the examples load, files round-trip
 * exactly, every malformed file gets one clear sentence, and the recipe
 * replays PyTorch's numbers (tests/data/lesson-data.json). */
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>
#include "nnb-error.h"
#include "nnb-module-attributes.h"
#include "nnb-project.h"
#include "nnb-test-util.h"

static const char *const examples[] = {
  "regression.nnb",
  "sequential.nnb",
  "mlp-residual.nnb",
  "sinenet.nnb",
  "sine-linear.nnb",
};

static char *
example_path (const char *name)
{
  g_autofree char *relative = g_build_filename ("data", "examples", name, NULL);
  return nnb_test_source_path (relative);
}

static NnbProject *
load_text (const char *text, GError **error)
{
  return nnb_project_load_from_data (text, strlen (text), error);
}

static guint32
float_bits (float value)
{
  guint32 bits;
  memcpy (&bits, &value, sizeof bits);
  return bits;
}

/* ------------------------------------------------------------ examples */

static void
test_every_example_loads (void)
{
  struct
  {
    const char *file;
    const char *class_name;
    guint modules;
    guint nodes;
    int64_t params;
    NnbDataKind data;
  } want[] = {
    { "regression.nnb", "Linear", 1, 3, 2, NNB_DATA_LINE },
    { "sequential.nnb", "Sequential", 5, 7, 353, NNB_DATA_SINE_PRODUCT },
    { "mlp-residual.nnb", "MLP", 4, 8, 353, NNB_DATA_SINE_PRODUCT },
    { "sinenet.nnb", "SineNet", 1, 3, 4353, NNB_DATA_SINE },
    { "sine-linear.nnb", "Linear", 1, 3, 2, NNB_DATA_SINE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (want); i++)
    {
      g_autoptr (NnbProject) project = nnb_test_load_example (want[i].file);
      g_autoptr (GError) error = NULL;
      NnbModel *model = project->model;

      g_assert_cmpstr (model->class_name, ==, want[i].class_name);
      g_assert_cmpuint (model->modules->len, ==, want[i].modules);
      g_assert_cmpuint (model->nodes->len, ==, want[i].nodes);
      g_assert_cmpint (nnb_model_count_parameters (model), ==, want[i].params);
      g_assert_true (nnb_model_validate (model, &error));
      g_assert_no_error (error);
      g_assert_cmpint (project->data.kind, ==, want[i].data);
      g_assert_false (project->has_weights);
      g_assert_nonnull (project->title);
      /* laid out left to right */
      g_assert_cmpuint (project->positions->len, ==, want[i].nodes);
      for (guint k = 1; k < project->positions->len; k++)
        g_assert_cmpfloat (g_array_index (project->positions, NnbBlockPosition, k).x, >,
                           g_array_index (project->positions, NnbBlockPosition, k - 1).x);
    }
}

static void
test_examples_hold_the_pages_settings (void)
{
  g_autoptr (NnbProject) regression = nnb_test_load_example ("regression.nnb");
  g_autoptr (NnbProject) sinenet = nnb_test_load_example ("sinenet.nnb");
  g_autoptr (NnbProject) line = nnb_test_load_example ("sine-linear.nnb");
  g_autoptr (NnbProject) mlp = nnb_test_load_example ("mlp-residual.nnb");
  NnbNode *act_2;

  g_assert_cmpuint (regression->seed, ==, 0);
  g_assert_false (regression->has_model_seed);
  g_assert_cmpint (regression->data.n, ==, 100);
  g_assert_cmpfloat (regression->training.optimizer.lr, ==, 0.01);
  g_assert_cmpint (regression->training.epochs, ==, 200);
  g_assert_cmpint (regression->training.log_every, ==, 50);

  g_assert_cmpint (sinenet->init_weight, ==, NNB_INIT_XAVIER_UNIFORM);
  g_assert_cmpint (sinenet->init_bias, ==, NNB_INIT_ZEROS);
  g_assert_false (sinenet->has_init_seed);
  g_assert_cmpint (sinenet->data.n, ==, 200);
  g_assert_cmpfloat (sinenet->training.optimizer.lr, ==, 0.05);
  g_assert_cmpint (sinenet->training.epochs, ==, 5000);
  g_assert_cmpfloat (sinenet->training.until_loss, ==, 0.02);

  g_assert_true (line->has_model_seed);
  g_assert_cmpuint (line->model_seed, ==, 0);
  g_assert_cmpint (line->training.epochs, ==, 5000);

  /* one self.act called twice; the + adds act_2 and act */
  g_assert_true (mlp->has_init_seed);
  g_assert_cmpuint (mlp->init_seed, ==, 42);
  act_2 = nnb_model_get_node (mlp->model, nnb_model_find_node (mlp->model, "act_2"));
  g_assert_cmpstr (act_2->module, ==, "act");
  g_assert_false (nnb_model_is_chain (mlp->model));
}

/* A bare nn.Linear's state_dict keys are "weight" and "bias", unprefixed. */
static void
test_bare_linear_is_named_as_pytorch_names_it (void)
{
  g_autoptr (NnbProject) project = nnb_test_load_example ("regression.nnb");
  GPtrArray *params = nnb_model_named_parameters (project->model);
  g_autofree char *repr = nnb_model_repr (project->model);

  g_assert_cmpuint (params->len, ==, 2);
  g_assert_cmpstr (((NnbNamedParameter *) params->pdata[0])->name, ==, "weight");
  g_assert_cmpstr (((NnbNamedParameter *) params->pdata[1])->name, ==, "bias");
  g_assert_cmpstr (repr, ==, "Linear(in_features=1, out_features=1, bias=True)");
}

/* The examples are written exactly as the app writes files. */
static void
test_examples_are_in_the_saved_form (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (examples); i++)
    {
      g_autofree char *path = example_path (examples[i]);
      g_autofree char *text = NULL;
      g_autofree char *saved = NULL;
      g_autoptr (NnbProject) project = nnb_test_load_example (examples[i]);
      g_autoptr (GError) error = NULL;

      g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
      saved = nnb_project_to_data (project, FALSE, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (saved, ==, text);
    }
}

/* --------------------------------------------------------- round trips */

static void
assert_same_parameters (NnbModel *a, NnbModel *b)
{
  GPtrArray *pa = nnb_model_named_parameters (a);
  GPtrArray *pb = nnb_model_named_parameters (b);

  g_assert_cmpuint (pa->len, ==, pb->len);
  for (guint i = 0; i < pa->len; i++)
    {
      NnbNamedParameter *x = pa->pdata[i], *y = pb->pdata[i];
      g_assert_cmpstr (x->name, ==, y->name);
      g_assert_cmpint (x->param->value->numel, ==, y->param->value->numel);
      g_assert_cmpmem (x->param->value->data, x->param->value->numel * sizeof (float),
                       y->param->value->data, y->param->value->numel * sizeof (float));
    }
}

/* save → load gives the same project: same text, same weights to the bit. */
static void
test_save_and_load_round_trip_exactly (void)
{
  g_autofree char *dir = g_dir_make_tmp ("nnb-project-XXXXXX", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (examples); i++)
    {
      g_autofree char *path = g_build_filename (dir, examples[i], NULL);
      g_autoptr (NnbProject) project = nnb_test_load_example (examples[i]);
      g_autoptr (NnbProject) again = NULL;
      g_autoptr (NnbDataset) data = NULL;
      g_autoptr (GError) error = NULL;
      g_autofree char *first = NULL;
      g_autofree char *second = NULL;

      data = nnb_project_build (project, TRUE, &error);
      g_assert_no_error (error);
      g_assert_true (nnb_project_save (project, path, TRUE, &error));
      g_assert_no_error (error);
      again = nnb_project_load (path, &error);
      g_assert_no_error (error);
      g_assert_true (again->has_weights);
      assert_same_parameters (project->model, again->model);

      first = nnb_project_to_data (project, TRUE, NULL, &error);
      second = nnb_project_to_data (again, TRUE, NULL, &error);
      g_assert_cmpstr (first, ==, second);
      g_unlink (path);
    }
  g_rmdir (dir);
}

/* Every float32 survives the shortest decimal form. */
static void
test_awkward_floats_survive (void)
{
  const float values[] = { 0.1f, -0.0f, 1e-45f, 3.4028235e38f, 1.17549435e-38f, 16777217.0f, 0.30971584f, -1.5e-7f };
  const char *text =
    "{\"format\": \"nnblocks\", \"version\": 1,"
    " \"model\": {\"class\": \"Linear\", \"in_features\": 8, \"out_features\": 1, \"bias\": false}}";
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbProject) project = load_text (text, &error);
  g_autoptr (NnbProject) again = NULL;
  g_autofree char *saved = NULL;

  g_assert_no_error (error);
  nnb_tensor_write (nnb_model_get_parameter (project->model, "weight")->value, values);
  saved = nnb_project_to_data (project, TRUE, NULL, &error);
  g_assert_no_error (error);
  again = load_text (saved, &error);
  g_assert_no_error (error);
  assert_same_parameters (project->model, again->model);
  g_assert_nonnull (strstr (saved, "[0.1, -0.0, 1e-45, 3.4028235e+38, 1.1754944e-38, 16777216, 0.30971584, -1.5e-07]"));
}

/* The regression example saved with this title, and loaded back into *again. */
static char *
saved_with_title (const char *title, NnbProject **again)
{
  g_autoptr (NnbProject) project = nnb_test_load_example ("regression.nnb");
  g_autoptr (GError) error = NULL;
  char *saved;

  g_free (project->title);
  project->title = g_strdup (title);
  saved = nnb_project_to_data (project, FALSE, NULL, &error);
  g_assert_no_error (error);
  *again = load_text (saved, &error);
  g_assert_no_error (error);
  return saved;
}

static void
test_title_with_quotes_and_unicode_round_trips (void)
{
  const char *title = "Tag 2: \"Regression\" \\ Ü — ok\n\ttab\x01";
  g_autoptr (NnbProject) again = NULL;
  g_autofree char *saved = saved_with_title (title, &again);

  g_assert_cmpstr (again->title, ==, title);
}

/* Bytes that are not UTF-8 would make the file unreadable JSON: they are
 * written as U+FFFD, and the rest of the title stays as it was. */
static void
test_title_with_invalid_utf8_saves_as_valid_json (void)
{
  g_autoptr (NnbProject) again = NULL;
  g_autofree char *saved = saved_with_title ("Day \xff"
                                             "2 \x7f\b",
                                             &again);

  g_assert_nonnull (strstr (saved, "\"title\": \"Day \xef\xbf\xbd"
                                   "2 \x7f\\u0008\""));
  g_assert_cmpstr (again->title, ==, "Day \xef\xbf\xbd"
                                     "2 \x7f\b");
}

/* A new, empty project saves and reloads (the app's File ▸ New). */
static void
test_new_project_round_trips (void)
{
  g_autoptr (NnbProject) project = nnb_project_new ();
  g_autoptr (NnbProject) again = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *first = nnb_project_to_data (project, TRUE, NULL, &error);
  g_autofree char *second = NULL;

  g_assert_no_error (error);
  again = load_text (first, &error);
  g_assert_no_error (error);
  second = nnb_project_to_data (again, TRUE, NULL, &error);
  g_assert_cmpstr (first, ==, second);
}

/* Hand-written files may explain themselves anywhere. */
static void
test_comments_are_welcome_anywhere (void)
{
  const char *text =
    "{\"format\": \"nnblocks\", \"version\": 1, \"comment\": \"Day 2\","
    " \"model\": {\"comment\": [1, 2], \"class\": \"Sequential\", \"modules\": ["
    "{\"type\": \"Linear\", \"in_features\": 1, \"out_features\": 1, \"comment\": \"y = wx + b\"}]},"
    " \"data\": {\"kind\": \"sine\", \"comment\": null},"
    " \"training\": {\"comment\": {\"why\": \"slow\"}, \"lr\": 0.05}}";
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbProject) project = load_text (text, &error);

  g_assert_no_error (error);
  g_assert_cmpfloat (project->training.optimizer.lr, ==, 0.05);
}

/* ------------------------------------------------------- the recipe */

static void
assert_recipe_parameters (NnbProject *project, const char *example)
{
  JsonObject *recipe = json_object_get_object_member (json_object_get_object_member (nnb_test_golden ("data/lesson-data.json"), "recipes"), example);
  JsonObject *expected = json_object_get_object_member (recipe, "parameters");
  GPtrArray *params = nnb_model_named_parameters (project->model);
  float next;

  g_assert_cmpuint (params->len, ==, json_object_get_size (expected));
  for (guint i = 0; i < params->len; i++)
    {
      NnbNamedParameter *named = params->pdata[i];
      JsonObject *want = json_object_get_object_member (expected, named->name);
      g_autofree char *what = g_strdup_printf ("%s %s", example, named->name);

      g_assert_nonnull (want);
      nnb_test_assert_float_bits (what, named->param->value->data, named->param->value->numel,
                                  json_object_get_array_member (want, "bits"));
    }
  /* the generator is left where PyTorch's is: the next rand() agrees */
  nnb_rng_uniform (nnb_generator_default (), &next, 1, 0.0, 1.0);
  g_assert_cmphex (float_bits (next), ==,
                   (guint32) g_ascii_strtoull (json_object_get_string_member (recipe, "next_rand"), NULL, 16));
}

/* nnb_project_build on the page's regression gives the page's data. */
static void
test_building_regression_gives_the_golden_data (void)
{
  g_autoptr (NnbProject) project = nnb_test_load_example ("regression.nnb");
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbDataset) data = nnb_project_build (project, TRUE, &error);
  JsonObject *regression = json_object_get_object_member (nnb_test_golden ("data/lesson-data.json"), "regression");

  g_assert_no_error (error);
  nnb_test_assert_float_bits ("X", data->x->data, data->x->numel, json_object_get_array_member (regression, "x"));
  nnb_test_assert_float_bits ("y", data->y->data, data->y->numel, json_object_get_array_member (regression, "y"));
  assert_recipe_parameters (project, "regression.nnb");
}

/* Every example's recipe draws the same initial weights as its PyTorch program. */
static void
test_every_recipe_gives_pytorchs_weights (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (examples); i++)
    {
      g_autoptr (NnbProject) project = nnb_test_load_example (examples[i]);
      g_autoptr (GError) error = NULL;
      g_autoptr (NnbDataset) data = nnb_project_build (project, TRUE, &error);

      g_assert_no_error (error);
      g_assert_nonnull (data);
      assert_recipe_parameters (project, examples[i]);
    }
}

/* A file's weights survive a build that keeps them, the generator still
 * ends where the recipe leaves it, and a build that drops them forgets
 * that they came from the file. */
static void
test_build_keeps_or_replaces_the_files_weights (void)
{
  g_autoptr (NnbProject) project = nnb_test_load_example ("sine-linear.nnb");
  g_autoptr (NnbProject) trained = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbDataset) data = NULL;
  g_autofree char *text = NULL;
  const float weight = 0.25f, bias = -4.0f;

  data = nnb_project_build (project, TRUE, &error);
  g_assert_no_error (error);
  nnb_tensor_write (nnb_model_get_parameter (project->model, "weight")->value, &weight);
  nnb_tensor_write (nnb_model_get_parameter (project->model, "bias")->value, &bias);
  text = nnb_project_to_data (project, TRUE, NULL, &error);
  g_assert_nonnull (strstr (text, "\"weights\": {\n    \"weight\": {\"shape\": [1, 1], \"data\": [0.25]},\n"
                                  "    \"bias\": {\"shape\": [1], \"data\": [-4]}\n  }\n}\n"));

  trained = load_text (text, &error);
  g_assert_no_error (error);
  g_assert_true (trained->has_weights);
  g_clear_pointer (&data, nnb_dataset_free);
  data = nnb_project_build (trained, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (nnb_model_get_parameter (trained->model, "weight")->value->data[0], ==, weight);
  g_assert_cmpfloat (nnb_model_get_parameter (trained->model, "bias")->value->data[0], ==, bias);
  g_assert_true (trained->has_weights);
  {
    JsonObject *recipe = json_object_get_object_member (json_object_get_object_member (nnb_test_golden ("data/lesson-data.json"), "recipes"), "sine-linear.nnb");
    float next;
    nnb_rng_uniform (nnb_generator_default (), &next, 1, 0.0, 1.0);
    g_assert_cmphex (float_bits (next), ==,
                     (guint32) g_ascii_strtoull (json_object_get_string_member (recipe, "next_rand"), NULL, 16));
  }

  g_clear_pointer (&data, nnb_dataset_free);
  data = nnb_project_build (trained, FALSE, &error);
  g_assert_no_error (error);
  g_assert_false (trained->has_weights);
  assert_recipe_parameters (trained, "sine-linear.nnb");
}

/* --------------------------------------------------- implied graphs */

static void
test_sequential_and_bare_module_may_leave_out_the_graph (void)
{
  const char *sequential =
    "{\"format\": \"nnblocks\", \"version\": 1, \"model\": {\"class\": \"Sequential\", \"modules\": ["
    "{\"type\": \"Linear\", \"in_features\": 3, \"out_features\": 16},"
    "{\"type\": \"ReLU\"}, {\"name\": \"2\", \"type\": \"Linear\", \"in_features\": 16, \"out_features\": 1}]}}";
  const char *bare = "{\"format\": \"nnblocks\", \"version\": 1, \"model\": {\"class\": \"Tanh\"}}";
  const char *names[] = { "x", "0", "1", "2", "out" };
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbProject) project = load_text (sequential, &error);
  g_autoptr (NnbProject) tanh_model = NULL;
  g_autofree char *saved = NULL;

  g_assert_no_error (error);
  g_assert_true (nnb_model_is_chain (project->model));
  g_assert_cmpuint (project->model->nodes->len, ==, G_N_ELEMENTS (names));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_assert_cmpstr (nnb_model_get_node (project->model, i)->name, ==, names[i]);
      g_assert_true (isnan (g_array_index (project->positions, NnbBlockPosition, i).x));
    }
  g_assert_nonnull (nnb_model_get_parameter (project->model, "2.bias"));
  /* the defaults: the page's regression data and SGD(lr=0.01) */
  g_assert_cmpint (project->data.kind, ==, NNB_DATA_LINE);
  g_assert_cmpfloat (project->training.optimizer.lr, ==, 0.01);
  /* positions not known yet are not written */
  saved = nnb_project_to_data (project, FALSE, NULL, &error);
  g_assert_null (strstr (saved, "\"pos\""));

  tanh_model = load_text (bare, &error);
  g_assert_no_error (error);
  g_assert_true (nnb_model_validate (tanh_model->model, NULL));
  g_assert_cmpstr (nnb_model_get_node (tanh_model->model, 1)->name, ==, "tanh");
}

/* The app saves work in progress: unwired slots are null and reload as such. */
static void
test_unfinished_graph_loads_and_saves (void)
{
  const char *text =
    "{\"format\": \"nnblocks\", \"version\": 1, \"model\": {\"class\": \"Net\","
    " \"modules\": [{\"name\": \"fc\", \"type\": \"Linear\", \"in_features\": 2, \"out_features\": 2}],"
    " \"graph\": {\"nodes\": [{\"name\": \"x\", \"op\": \"input\"},"
    " {\"name\": \"fc\", \"op\": \"call\", \"inputs\": [\"x\"]},"
    " {\"name\": \"add\", \"op\": \"add\", \"inputs\": [\"fc\", null]}]}}}";
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbProject) project = load_text (text, &error);
  g_autofree char *saved = NULL;

  g_assert_no_error (error);
  g_assert_false (nnb_model_validate (project->model, NULL));
  saved = nnb_project_to_data (project, FALSE, NULL, &error);
  g_assert_nonnull (strstr (saved, "{\"name\": \"add\", \"op\": \"add\", \"inputs\": [\"fc\", null]}"));
  g_clear_pointer (&project, nnb_project_free);
  project = load_text (saved, &error);
  g_assert_no_error (error);
}

/* ---------------------------------------------------- malformed files */

typedef struct
{
  const char *json;
  int code;
  const char *message;
} Malformed;

/* A valid project with one piece swapped: MODEL, DATA, TRAIN, REST fill
 * the holes of the template below. */
static char *
project_with (const char *model, const char *rest)
{
  return g_strdup_printf ("{\"format\": \"nnblocks\", \"version\": 1, \"model\": %s%s}", model, rest ? rest : "");
}

#define MLP_MODULES                                                                                    \
  "\"modules\": [{\"name\": \"fc1\", \"type\": \"Linear\", \"in_features\": 3, \"out_features\": 16}," \
  " {\"name\": \"act\", \"type\": \"ReLU\"},"                                                          \
  " {\"name\": \"fc2\", \"type\": \"Linear\", \"in_features\": 16, \"out_features\": 1}]"
#define LINEAR_MODEL "{\"class\": \"Linear\", \"in_features\": 1, \"out_features\": 1}"

static void
check_malformed (const char *json, int code, const char *message)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbProject) project = load_text (json, &error);

  if (project != NULL)
    g_error ("accepted: %s", json);
  g_assert_error (error, NNB_FILE_ERROR, code);
  if (message != NULL)
    g_assert_cmpstr (error->message, ==, message);
}

static void
check_bad_model (const char *model, int code, const char *message)
{
  g_autofree char *json = project_with (model, NULL);
  check_malformed (json, code, message);
}

static void
check_bad_rest (const char *rest, int code, const char *message)
{
  g_autofree char *json = project_with (LINEAR_MODEL, rest);
  check_malformed (json, code, message);
}

/* json-glib also reads C's escapes; a title "\\333" would load as the byte
 * 0xdb and save a file that cannot be read again (a fuzzer found it) */
static void
test_only_json_escapes_are_read (void)
{
  check_bad_rest (", \"title\": \"Day \\333\"", NNB_FILE_ERROR_PARSE,
                  "This is not a valid project file: at line 1, column 119 a string has an escape JSON does not "
                  "know (write \\\\ for a backslash).");
  check_bad_rest (", \"title\": \"\\ud800 alone\"", NNB_FILE_ERROR_PARSE,
                  "This is not a valid project file: at line 1, column 115 a string has the first half of a "
                  "\\u surrogate pair without its second.");
  {
    g_autofree char *json = project_with (LINEAR_MODEL, ", \"title\": \"a \\ud83d\\ude00 and \\\\ \\u00e9\\n\"");
    g_autoptr (GError) error = NULL;
    g_autoptr (NnbProject) project = nnb_project_load_from_data (json, strlen (json), &error);

    g_assert_no_error (error);
    g_assert_cmpstr (project->title, ==, "a 😀 and \\ é\n");
  }
}

static void
test_truncated_json_says_the_file_is_cut_off (void)
{
  g_autofree char *path = example_path ("mlp-residual.nnb");
  g_autofree char *text = NULL;
  gsize length;
  const char *cut_off =
    "The file ends too early: it stops in the middle of the project, so it was probably not saved completely.";

  g_assert_true (g_file_get_contents (path, &text, &length, NULL));
  /* wherever it is cut */
  for (gsize cut = 1; cut < length - 2; cut += 97)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (NnbProject) project = nnb_project_load_from_data (text, cut, &error);
      g_assert_null (project);
      g_assert_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_PARSE);
      g_assert_cmpstr (error->message, ==, cut_off);
    }
  check_malformed ("{\"format\": \"nnblocks\", \"title\": \"unfinished", NNB_FILE_ERROR_PARSE, cut_off);
}

static void
test_invalid_json_names_line_and_column (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbProject) project = load_text ("{\"format\": \"nnblocks\",\n \"version\": tru}", &error);

  g_assert_null (project);
  g_assert_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_PARSE);
  g_assert_cmpstr (error->message, ==,
                   "This is not a valid project file: the JSON is broken at line 2, column 15: a word JSON does not know; "
                   "text needs double quotes, and true, false and null are lowercase.");
  check_malformed ("{\"format\": \"nnblocks\", \"version\": 1,}", NNB_FILE_ERROR_PARSE,
                   "This is not a valid project file: the JSON is broken at line 1, column 36: "
                   "there is a comma before a closing bracket; remove it.");
  check_malformed ("{\"format\": \"nnblocks\" \"version\": 1}", NNB_FILE_ERROR_PARSE,
                   "This is not a valid project file: the JSON is broken at line 1, column 21: "
                   "a comma is missing between two items.");
  check_malformed ("{\"format\": \"nnblocks\", \"version\": 1}\n{", NNB_FILE_ERROR_PARSE,
                   "The file ends too early: it stops in the middle of the project, so it was probably not saved completely.");
  check_malformed ("{\"format\": \"nnblocks\", \"version\": 1}}", NNB_FILE_ERROR_PARSE, NULL);
  check_malformed ("\xff\xfe{}", NNB_FILE_ERROR_PARSE,
                   "This is not a valid project file: JSON data must be UTF-8 encoded.");
  check_malformed ("", NNB_FILE_ERROR_PARSE, "The file is empty.");
  check_malformed ("[1, 2]", NNB_FILE_ERROR_INVALID,
                   "This is not an NN Blocks project: a project is a JSON object ({ … }), not a list.");
}

static void
test_wrong_format_and_newer_version_are_refused (void)
{
  const Malformed cases[] = {
    { "{\"version\": 1}", NNB_FILE_ERROR_INVALID,
      "This is not an NN Blocks project: it has no \"format\": \"nnblocks\"." },
    { "{\"format\": \"keras\", \"version\": 1}", NNB_FILE_ERROR_INVALID,
      "This is not an NN Blocks project: its format is \"keras\", not \"nnblocks\"." },
    { "{\"format\": \"nnblocks\", \"version\": 2, \"model\": {\"class\": \"Transformer\"}, \"future\": 1}",
      NNB_FILE_ERROR_VERSION,
      "This file was written by a newer NN Blocks (format version 2); this version reads up to version 1." },
    { "{\"format\": \"nnblocks\"}", NNB_FILE_ERROR_INVALID, "version is missing." },
    { "{\"format\": \"nnblocks\", \"version\": \"1\"}", NNB_FILE_ERROR_INVALID,
      "version must be a positive whole number, not \"1\"." },
    { "{\"format\": \"nnblocks\", \"version\": 1}", NNB_FILE_ERROR_INVALID,
      "The project has no model: \"model\" is missing." },
    { "{\"format\": \"nnblocks\", \"version\": 1, \"modle\": {}}", NNB_FILE_ERROR_INVALID,
      "unknown field \"modle\"; the fields here are format, version, title, model, seed, model_seed, init, data, training and weights." },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    check_malformed (cases[i].json, cases[i].code, cases[i].message);
}

static void
test_bad_modules_are_named_by_place (void)
{
  const Malformed cases[] = {
    { "{\"class\": \"MLP\", \"modules\": [{\"name\": \"act\", \"type\": \"Softplus\"}], \"graph\": {\"nodes\": []}}",
      NNB_FILE_ERROR_INVALID,
      "model.modules[0] (act): unknown type \"Softplus\"; NN Blocks knows Linear, ReLU, Tanh, Sigmoid, LeakyReLU, GELU, Identity, LayerNorm, Softmax, LogSoftmax, Dropout, BatchNorm1d and Sequential." },
    { "{\"class\": \"MLP\", \"modules\": [{\"name\": \"act\", \"type\": \"softmax\", \"dim\": 1}], \"graph\": {\"nodes\": []}}",
      NNB_FILE_ERROR_INVALID,
      "model.modules[0] (act): unknown type \"softmax\"; did you mean \"Softmax\"? (PyTorch's names are case-sensitive)" },
    { "{\"class\": \"MLP\", \"modules\": [{\"name\": \"act\", \"type\": \"Relu\"}], \"graph\": {\"nodes\": []}}",
      NNB_FILE_ERROR_INVALID,
      "model.modules[0] (act): unknown type \"Relu\"; did you mean \"ReLU\"? (PyTorch's names are case-sensitive)" },
    { "{\"class\": \"MLP\", \"modules\": [{\"name\": \"fc1\", \"type\": \"Linear\", \"in_features\": 3, \"out_features\": 16},"
      " {\"name\": \"act\", \"type\": \"ReLU\"}, {\"name\": \"fc2\", \"type\": \"Linear\", \"in_features\": -3, \"out_features\": 1}],"
      " \"graph\": {\"nodes\": []}}",
      NNB_FILE_ERROR_INVALID, "model.modules[2] (fc2): in_features must be a positive whole number, not -3." },
    { "{\"class\": \"MLP\", \"modules\": [{\"name\": \"fc1\", \"type\": \"Linear\", \"in_features\": 3, \"out_features\": 0}], \"graph\": {\"nodes\": []}}",
      NNB_FILE_ERROR_INVALID, "model.modules[0] (fc1): out_features must be a positive whole number, not 0." },
    { "{\"class\": \"MLP\", \"modules\": [{\"name\": \"fc1\", \"type\": \"Linear\", \"in_features\": 1e12, \"out_features\": 2}], \"graph\": {\"nodes\": []}}",
      NNB_FILE_ERROR_INVALID, "model.modules[0] (fc1): in_features must be at most 1000000, not 1000000000000." },
    { "{\"class\": \"MLP\", \"modules\": [{\"name\": \"fc1\", \"type\": \"Linear\", \"in_features\": 2.5, \"out_features\": 2}], \"graph\": {\"nodes\": []}}",
      NNB_FILE_ERROR_INVALID, "model.modules[0] (fc1): in_features must be a positive whole number, not 2.5." },
    { "{\"class\": \"MLP\", \"modules\": [{\"name\": \"fc1\", \"type\": \"Linear\", \"in_features\": \"3\", \"out_features\": 2}], \"graph\": {\"nodes\": []}}",
      NNB_FILE_ERROR_INVALID, "model.modules[0] (fc1): in_features must be a positive whole number, not \"3\"." },
    { "{\"class\": \"MLP\", \"modules\": [{\"name\": \"fc1\", \"type\": \"Linear\", \"in_features\": 3}], \"graph\": {\"nodes\": []}}",
      NNB_FILE_ERROR_INVALID, "model.modules[0] (fc1): out_features is missing." },
    /* both sizes fine, the weight too large to allocate: the engine's words */
    { "{\"class\": \"MLP\", \"modules\": [{\"name\": \"fc1\", \"type\": \"Linear\", \"in_features\": 1000000, \"out_features\": 1000000}], \"graph\": {\"nodes\": []}}",
      NNB_FILE_ERROR_INVALID, NULL },
    { "{\"class\": \"MLP\", \"modules\": [{\"name\": \"fc1\", \"type\": \"Linear\", \"in_features\": 3, \"out_feature\": 2}], \"graph\": {\"nodes\": []}}",
      NNB_FILE_ERROR_INVALID,
      "model.modules[0] (fc1): unknown field \"out_feature\"; the fields here are type, name, in_features, out_features and bias." },
    { "{\"class\": \"MLP\", \"modules\": [{\"name\": \"fc1\", \"type\": \"Linear\", \"in_features\": 3, \"out_features\": 2, \"bias\": 1}], \"graph\": {\"nodes\": []}}",
      NNB_FILE_ERROR_INVALID, "model.modules[0] (fc1): bias must be true or false, not 1." },
    { "{\"class\": \"MLP\", \"modules\": [{\"name\": \"act\", \"type\": \"ReLU\"}, {\"name\": \"act\", \"type\": \"Tanh\"}], \"graph\": {\"nodes\": []}}",
      NNB_FILE_ERROR_INVALID,
      "model.modules[1] (act): the name \"act\" is already used by model.modules[0]; every module needs its own name." },
    { "{\"class\": \"MLP\", \"modules\": [{\"name\": \"1st\", \"type\": \"ReLU\"}], \"graph\": {\"nodes\": []}}",
      NNB_FILE_ERROR_INVALID,
      "model.modules[0] (1st): \"1st\" cannot be a module name: use a Python identifier such as fc1 or head (letters, digits and _, not starting with a digit)." },
    { "{\"class\": \"MLP\", \"modules\": [{\"type\": \"ReLU\"}], \"graph\": {\"nodes\": []}}",
      NNB_FILE_ERROR_INVALID, "model.modules[0]: name is missing." },
    { "{\"class\": \"MLP\", \"modules\": [3], \"graph\": {\"nodes\": []}}",
      NNB_FILE_ERROR_INVALID, "model.modules[0] must be an object ({ … }), not 3." },
    { "{\"class\": \"my net\", \"modules\": []}", NNB_FILE_ERROR_INVALID,
      "model: class must be a Python class name such as MLP or SineNet, not \"my net\"." },
    { "{\"class\": \"MLP\", " MLP_MODULES "}", NNB_FILE_ERROR_INVALID,
      "model: graph is missing: a subclass of nn.Module needs its forward, written as a graph (only a Sequential or a single module may leave it out)." },
    { "{\"class\": \"Sequential\", \"modules\": [{\"name\": \"first\", \"type\": \"ReLU\"}]}", NNB_FILE_ERROR_INVALID,
      "model.modules[0] (first): a Sequential names its modules by position (0, 1, 2…), not \"first\"." },
    { "{\"class\": \"SineNet\", \"modules\": [{\"name\": \"net\", \"type\": \"Sequential\", \"children\": ["
      "{\"type\": \"Linear\", \"in_features\": 1, \"out_features\": 4}, {\"name\": \"0\", \"type\": \"Tanh\"}]}], \"graph\": {\"nodes\": []}}",
      NNB_FILE_ERROR_INVALID,
      "model.modules[0] (net).children[1]: a Sequential's children are named by position; this one is \"1\", not \"0\"." },
    { "{\"class\": \"SineNet\", \"modules\": [{\"name\": \"net\", \"type\": \"Sequential\", \"children\": ["
      "{\"type\": \"Linear\", \"in_features\": 0, \"out_features\": 4}]}], \"graph\": {\"nodes\": []}}",
      NNB_FILE_ERROR_INVALID, "model.modules[0] (net).children[0]: in_features must be a positive whole number, not 0." },
    { "{\"class\": \"Linear\", \"in_features\": 1}", NNB_FILE_ERROR_INVALID, "model: out_features is missing." },
    { "{\"class\": \"ReLU\", \"in_features\": 1}", NNB_FILE_ERROR_INVALID,
      "model: unknown field \"in_features\"; the fields here are class and graph." },
    { "{\"class\": \"LeakyReLU\", \"negative_slope\": \"0.2\"}", NNB_FILE_ERROR_INVALID,
      "model: negative_slope must be a number, not \"0.2\"." },
    { "{\"class\": \"LayerNorm\"}", NNB_FILE_ERROR_INVALID, "model: normalized_shape is missing." },
    { "{\"class\": \"LayerNorm\", \"normalized_shape\": 3, \"eps\": 0}", NNB_FILE_ERROR_INVALID,
      "model: eps must be a number more than 0, not 0." },
    { "{\"class\": \"LayerNorm\", \"normalized_shape\": 3, \"affine\": false}", NNB_FILE_ERROR_INVALID,
      "model: unknown field \"affine\"; the fields here are class, graph, normalized_shape, eps and elementwise_affine." },
    /* nn.Softmax() without dim warns in PyTorch: a file names the axis */
    { "{\"class\": \"Softmax\"}", NNB_FILE_ERROR_INVALID,
      "model: dim is missing: write \"dim\": 1, the features' axis, as nn.Softmax(dim=1) does (PyTorch warns \"Implicit "
      "dimension choice for softmax has been deprecated\" without it)." },
    { "{\"class\": \"LogSoftmax\", \"dim\": 0}", NNB_FILE_ERROR_INVALID,
      "model: LogSoftmax(dim=0): dim must be 1 (or -1, the same axis), the features of each sample; NN Blocks' data is "
      "(batch, features), and LogSoftmax over any other dimension would mix the samples of a batch." },
    { "{\"class\": \"Softmax\", \"dim\": \"1\"}", NNB_FILE_ERROR_INVALID,
      "model: dim must be a whole number, 1 or -1, not \"1\"." },
    { "{\"class\": \"Softmax\", \"dim\": 1, \"axis\": 1}", NNB_FILE_ERROR_INVALID,
      "model: unknown field \"axis\"; the fields here are class, graph and dim." },
    { "[]", NNB_FILE_ERROR_INVALID, "model must be an object ({ … }), not a list." },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      if (cases[i].message == NULL)
        {
          g_autofree char *json = project_with (cases[i].json, NULL);
          g_autoptr (GError) error = NULL;
          g_autoptr (NnbProject) project = load_text (json, &error);
          g_assert_null (project);
          g_assert_error (error, NNB_FILE_ERROR, cases[i].code);
          g_assert_true (g_str_has_prefix (error->message, "model.modules[0] (fc1): Linear(1000000, 1000000): "));
          continue;
        }
      check_bad_model (cases[i].json, cases[i].code, cases[i].message);
    }
}

#define GRAPH(nodes) "{\"class\": \"MLP\", " MLP_MODULES ", \"graph\": {\"nodes\": [" nodes "]}}"

static void
test_bad_graphs_are_named_by_place (void)
{
  const Malformed cases[] = {
    { GRAPH ("{\"name\": \"x\", \"op\": \"input\"}, {\"name\": \"fc1\", \"op\": \"call\", \"inputs\": [\"z\"]}"),
      NNB_FILE_ERROR_INVALID, "model.graph.nodes[1] (fc1): its input \"z\" is not a block of this graph." },
    { GRAPH ("{\"name\": \"x\", \"op\": \"input\"}, {\"name\": \"fc1\", \"op\": \"call\", \"module\": \"fc9\"}"),
      NNB_FILE_ERROR_INVALID,
      "model.graph.nodes[1] (fc1): it calls the module \"fc9\", but model.modules has no module of that name." },
    { GRAPH ("{\"name\": \"x\", \"op\": \"input\"}, {\"name\": \"x\", \"op\": \"output\"}"), NNB_FILE_ERROR_INVALID,
      "model.graph.nodes[1] (x): the name \"x\" is already used by model.graph.nodes[0]; every block needs its own name." },
    { GRAPH ("{\"name\": \"x\", \"op\": \"input\"},"
             " {\"name\": \"fc1\", \"op\": \"call\", \"inputs\": [\"act\"]},"
             " {\"name\": \"act\", \"op\": \"call\", \"inputs\": [\"fc1\"]}"),
      NNB_FILE_ERROR_INVALID,
      "model.graph.nodes[2] (act): taking its input from \"fc1\" makes a loop; data must flow from the input to the output without coming back." },
    { GRAPH ("{\"name\": \"fc1\", \"op\": \"call\", \"inputs\": [\"fc1\"]}"), NNB_FILE_ERROR_INVALID,
      "model.graph.nodes[0] (fc1): taking its input from \"fc1\" makes a loop; data must flow from the input to the output without coming back." },
    { GRAPH ("{\"name\": \"x\", \"op\": \"cal\"}"), NNB_FILE_ERROR_INVALID,
      "model.graph.nodes[0] (x): unknown op \"cal\"; a block's op is input, call, function, add, mul, cat or output." },
    { GRAPH ("{\"name\": \"x\", \"op\": \"input\"}, {\"name\": \"add\", \"op\": \"add\", \"inputs\": [\"x\"]}"),
      NNB_FILE_ERROR_INVALID, "model.graph.nodes[1] (add): an add block takes 2 inputs, not 1." },
    { GRAPH ("{\"name\": \"x\", \"op\": \"input\", \"inputs\": [\"x\"]}"),
      NNB_FILE_ERROR_INVALID, "model.graph.nodes[0] (x): an input block takes 0 inputs, not 1." },
    { GRAPH ("{\"name\": \"x\", \"op\": \"input\", \"module\": \"fc1\"}"), NNB_FILE_ERROR_INVALID,
      "model.graph.nodes[0] (x): only a call block names a module; this one is an input block." },
    { GRAPH ("{\"name\": \"out\", \"op\": \"output\"}, {\"name\": \"fc1\", \"op\": \"call\", \"inputs\": [\"out\"]}"),
      NNB_FILE_ERROR_INVALID, "model.graph.nodes[1] (fc1): its input \"out\" is the output block, which ends the model." },
    { GRAPH ("{\"name\": \"x\", \"op\": \"input\", \"pos\": [1]}"), NNB_FILE_ERROR_INVALID,
      "model.graph.nodes[0] (x): pos must be a list of two numbers [x, y], not a list." },
    { GRAPH ("{\"name\": \"\", \"op\": \"input\"}"), NNB_FILE_ERROR_INVALID,
      "model.graph.nodes[0]: name must not be empty: every block needs a name." },
    { GRAPH ("{\"name\": \"x\", \"op\": \"input\"}, {\"name\": \"fc1\", \"op\": \"call\", \"inputs\": [3]}"),
      NNB_FILE_ERROR_INVALID, "model.graph.nodes[1] (fc1): inputs[0] must be the name of a block (or null), not 3." },
    { "{\"class\": \"MLP\", " MLP_MODULES ", \"graph\": {\"edges\": []}}", NNB_FILE_ERROR_INVALID,
      "model.graph: unknown field \"edges\"; the fields here are nodes." },
    /* a complete graph that branches cannot be a Sequential */
    { "{\"class\": \"Sequential\", \"modules\": [{\"type\": \"ReLU\"}], \"graph\": {\"nodes\": ["
      "{\"name\": \"x\", \"op\": \"input\"}, {\"name\": \"0\", \"op\": \"call\", \"inputs\": [\"x\"]},"
      "{\"name\": \"add\", \"op\": \"add\", \"inputs\": [\"0\", \"x\"]}, {\"name\": \"out\", \"op\": \"output\", \"inputs\": [\"add\"]}]}}",
      NNB_FILE_ERROR_INVALID,
      "model.graph: a Sequential runs its modules one after another, in order, but this graph does not; give the model a class name of its own (such as \"Net\") to wire it freely." },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    check_bad_model (cases[i].json, cases[i].code, cases[i].message);
}

/* tests/reference/edge_cases.py, case 2: a bare module is the whole model,
 * as model = nn.Linear(2, 2) is, and its forward is one call. A graph that
 * calls it twice would train lin(lin(x)) while the exported code (one
 * nn.Linear) runs lin(x): such a model is a subclass, as for a Sequential. */
static void
test_bare_module_is_called_once (void)
{
  check_bad_model ("{\"class\": \"Linear\", \"in_features\": 2, \"out_features\": 2, \"graph\": {\"nodes\": ["
                   "{\"name\": \"x\", \"op\": \"input\"}, {\"name\": \"linear\", \"op\": \"call\", \"inputs\": [\"x\"]},"
                   "{\"name\": \"linear_2\", \"op\": \"call\", \"inputs\": [\"linear\"]},"
                   "{\"name\": \"out\", \"op\": \"output\", \"inputs\": [\"linear_2\"]}]}}",
                   NNB_FILE_ERROR_INVALID,
                   "model.graph: a single Linear runs once, on the input, but this graph calls it otherwise; "
                   "to call it twice or wire it freely, make the model a subclass of nn.Module: "
                   "a class name of its own (such as \"Net\") with the Linear in modules.");
  check_bad_model ("{\"class\": \"ReLU\", \"graph\": {\"nodes\": ["
                   "{\"name\": \"x\", \"op\": \"input\"}, {\"name\": \"relu\", \"op\": \"call\", \"inputs\": [\"x\"]},"
                   "{\"name\": \"add\", \"op\": \"add\", \"inputs\": [\"relu\", \"x\"]},"
                   "{\"name\": \"out\", \"op\": \"output\", \"inputs\": [\"add\"]}]}}",
                   NNB_FILE_ERROR_INVALID,
                   "model.graph: a single ReLU runs once, on the input, but this graph calls it otherwise; "
                   "to call it twice or wire it freely, make the model a subclass of nn.Module: "
                   "a class name of its own (such as \"Net\") with the ReLU in modules.");

  /* the one call, with its positions, still loads */
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (NnbProject) project = load_text (
      "{\"format\": \"nnblocks\", \"version\": 1, \"model\": {\"class\": \"Linear\", \"in_features\": 2, "
      "\"out_features\": 2, \"graph\": {\"nodes\": [{\"name\": \"x\", \"op\": \"input\", \"pos\": [0, 0]},"
      "{\"name\": \"linear\", \"op\": \"call\", \"inputs\": [\"x\"], \"pos\": [160, 0]},"
      "{\"name\": \"out\", \"op\": \"output\", \"inputs\": [\"linear\"], \"pos\": [320, 0]}]}}}",
      &error);
    g_assert_no_error (error);
    g_assert_true (nnb_model_validate (project->model, NULL));
  }
}

/* tests/reference/edge_cases.py, case 4: every name in dir(nn.Module()) is
 * taken. add_module raises KeyError "attribute 'forward' already exists";
 * the exported __init__'s self.forward = nn.Linear(…) is accepted by
 * PyTorch but leaves forward calling itself (RecursionError). */
static void
test_names_every_nn_module_has_are_refused (void)
{
  const char *taken[] = { "forward", "training", "parameters", "state_dict", "to", "cuda", "train",
                          "eval", "_modules", "__init__", "T_destination", "register_module" };
  const char *free_names[] = { "forward_1", "trained", "fc", "net", "head" };

  for (guint i = 0; i < G_N_ELEMENTS (taken); i++)
    {
      g_autofree char *model = g_strdup_printf (
        "{\"class\": \"Net\", \"modules\": [{\"name\": \"%s\", \"type\": \"Linear\", \"in_features\": 1, \"out_features\": 1}],"
        " \"graph\": {\"nodes\": [{\"name\": \"x\", \"op\": \"input\"},"
        " {\"name\": \"fc\", \"op\": \"call\", \"module\": \"%s\", \"inputs\": [\"x\"]},"
        " {\"name\": \"out\", \"op\": \"output\", \"inputs\": [\"fc\"]}]}}",
        taken[i], taken[i]);
      g_autofree char *message = g_strdup_printf (
        "model.modules[0] (%s): attribute '%s' already exists: every nn.Module has it; choose another name.",
        taken[i], taken[i]);
      check_bad_model (model, NNB_FILE_ERROR_INVALID, message);
    }

  /* the engine refuses them too, whoever builds the model */
  for (guint i = 0; i < G_N_ELEMENTS (taken); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (NnbModel) model = nnb_model_new ("Net");
      g_autoptr (NnbModule) relu = nnb_activation_new (NNB_MODULE_RELU);
      g_autofree char *message = g_strdup_printf (
        "attribute '%s' already exists: every nn.Module has it; choose another name.", taken[i]);

      g_assert_true (nnb_module_attribute_exists (taken[i]));
      g_assert_false (nnb_model_register_module (model, taken[i], relu, &error));
      g_assert_error (error, NNB_ERROR, NNB_ERROR_GRAPH);
      g_assert_cmpstr (error->message, ==, message);
    }
  for (guint i = 0; i < G_N_ELEMENTS (free_names); i++)
    g_assert_false (nnb_module_attribute_exists (free_names[i]));
}

static void
test_bad_settings_are_named_by_place (void)
{
  const Malformed cases[] = {
    { ", \"data\": {\"kind\": \"cosine\"}", NNB_FILE_ERROR_INVALID,
      "data: unknown kind \"cosine\"; NN Blocks generates line, sine, polynomial, step and sine-product data, the "
      "classes circle, xor, gauss, spiral, moons and blobs, or reads csv." },
    { ", \"data\": {\"n\": 5}", NNB_FILE_ERROR_INVALID, "data: kind is missing." },
    { ", \"data\": {\"kind\": \"line\", \"n\": 0}", NNB_FILE_ERROR_INVALID, "data: n must be a positive whole number, not 0." },
    { ", \"data\": {\"kind\": \"line\", \"n\": 100000000}", NNB_FILE_ERROR_INVALID, "data: n must be at most 10000000, not 100000000." },
    { ", \"data\": {\"kind\": \"sine\", \"noise\": -0.1}", NNB_FILE_ERROR_INVALID, "data: noise must be a number, 0 or more, not -0.1." },
    { ", \"data\": {\"kind\": \"sine\", \"x_max\": 0}", NNB_FILE_ERROR_INVALID, "data: x_max must be a number more than 0, not 0." },
    { ", \"data\": {\"kind\": \"line\", \"a\": 1e999}", NNB_FILE_ERROR_INVALID, "data: a must be a number, not inf." },
    { ", \"data\": {\"kind\": \"sine\", \"a\": 1}", NNB_FILE_ERROR_INVALID,
      "data: unknown field \"a\"; the fields here are kind, n, noise, x_max, test_fraction and standardize." },
    { ", \"data\": {\"kind\": \"csv\"}", NNB_FILE_ERROR_INVALID, "data: path is missing." },
    { ", \"training\": {\"optimizer\": \"RMSprop\"}", NNB_FILE_ERROR_INVALID,
      "training: unknown optimizer \"RMSprop\"; NN Blocks has SGD and Adam." },
    { ", \"training\": {\"optimizer\": \"Adam\", \"momentum\": 0.9}", NNB_FILE_ERROR_INVALID,
      "training: unknown field \"momentum\"; the fields here are optimizer, lr, betas, eps, weight_decay, loss, label_smoothing, epochs, batch_size, until_loss, log_every and device." },
    { ", \"training\": {\"loss\": \"HuberLoss\"}", NNB_FILE_ERROR_INVALID,
      "training: unknown loss \"HuberLoss\"; NN Blocks has MSELoss, L1Loss, CrossEntropyLoss, NLLLoss, BCEWithLogitsLoss and BCELoss." },
    { ", \"training\": {\"loss\": \"MSELoss\", \"label_smoothing\": 0.1}", NNB_FILE_ERROR_INVALID,
      "training: label_smoothing is an option of CrossEntropyLoss, not of MSELoss: leave it out, or choose CrossEntropyLoss." },
    { ", \"training\": {\"lr\": -0.1}", NNB_FILE_ERROR_INVALID, "training: lr must be a number, 0 or more, not -0.1." },
    { ", \"training\": {\"epochs\": -3}", NNB_FILE_ERROR_INVALID, "training: epochs must be a whole number, 0 or more, not -3." },
    { ", \"training\": {\"batch_size\": 1.5}", NNB_FILE_ERROR_INVALID, "training: batch_size must be a whole number, 0 or more, not 1.5." },
    { ", \"training\": {\"optimizer\": \"Adam\", \"betas\": [0.9, 1]}", NNB_FILE_ERROR_INVALID,
      "training: betas[1] must be a number from 0 up to (not including) 1, not 1." },
    { ", \"training\": {\"optimizer\": \"Adam\", \"betas\": 0.9}", NNB_FILE_ERROR_INVALID,
      "training: betas must be a list of two numbers, not 0.9." },
    { ", \"training\": {\"nesterov\": \"yes\"}", NNB_FILE_ERROR_INVALID, "training: nesterov must be true or false, not \"yes\"." },
    { ", \"init\": {\"weight\": \"he_uniform_\"}", NNB_FILE_ERROR_INVALID,
      "init: unknown weight method \"he_uniform_\"; use default, xavier_uniform_, xavier_normal_, kaiming_uniform_, kaiming_normal_, zeros_, ones_, constant_, normal_ or uniform_." },
    { ", \"init\": {\"seed\": -1}", NNB_FILE_ERROR_INVALID, "init: seed must be a whole number, 0 or more, not -1." },
    { ", \"seed\": \"zero\"", NNB_FILE_ERROR_INVALID, "seed must be a whole number, 0 or more, not \"zero\"." },
    { ", \"model_seed\": 1.5", NNB_FILE_ERROR_INVALID, "model_seed must be a whole number, 0 or more, not 1.5." },
    { ", \"title\": 7", NNB_FILE_ERROR_INVALID, "title must be text in quotes, not 7." },
    { ", \"data\": [1]", NNB_FILE_ERROR_INVALID, "data must be an object ({ … }), not a list." },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    check_bad_rest (cases[i].json, cases[i].code, cases[i].message);
}

static void
test_weights_must_fit_the_model (void)
{
  const Malformed cases[] = {
    { ", \"weights\": {\"weight\": {\"shape\": [1, 1], \"data\": [1]}}", NNB_FILE_ERROR_MISMATCH,
      "weights: the model's parameter \"bias\" has no values here; give every parameter, or leave out \"weights\"." },
    { ", \"weights\": {\"fc1.weight\": {\"shape\": [1, 1], \"data\": [1]}}", NNB_FILE_ERROR_MISMATCH,
      "weights: \"fc1.weight\" is not a parameter of this model." },
    { ", \"weights\": {\"weight\": {\"shape\": [1, 2], \"data\": [1, 2]}, \"bias\": {\"shape\": [1], \"data\": [0]}}",
      NNB_FILE_ERROR_MISMATCH,
      "weights[\"weight\"]: shape [1, 2] does not match the model's weight, whose shape is [1, 1]." },
    { ", \"weights\": {\"weight\": {\"shape\": [1, 1], \"data\": []}, \"bias\": {\"shape\": [1], \"data\": [0]}}",
      NNB_FILE_ERROR_MISMATCH, "weights[\"weight\"]: shape [1, 1] needs 1 numbers, but data has 0." },
    { ", \"weights\": {\"weight\": {\"shape\": [1, 1], \"data\": [\"x\"]}, \"bias\": {\"shape\": [1], \"data\": [0]}}",
      NNB_FILE_ERROR_INVALID, "weights[\"weight\"]: data[0] must be a number, not \"x\"." },
    { ", \"weights\": {\"weight\": {\"shape\": [1, 1], \"data\": [1e39]}, \"bias\": {\"shape\": [1], \"data\": [0]}}",
      NNB_FILE_ERROR_INVALID, "weights[\"weight\"]: data[0] is too large for a float32." },
    { ", \"weights\": {\"weight\": {\"data\": [1]}, \"bias\": {\"shape\": [1], \"data\": [0]}}",
      NNB_FILE_ERROR_INVALID, "weights[\"weight\"]: shape is missing." },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    check_bad_rest (cases[i].json, cases[i].code, cases[i].message);
}

/* ------------------------------------------------------------- saving */

static void
test_save_reports_what_it_cannot_write (void)
{
  g_autoptr (NnbProject) project = nnb_test_load_example ("regression.nnb");
  g_autoptr (GError) error = NULL;
  const float nan_weight = NAN;

  g_assert_false (nnb_project_save (project, "/nonexistent-dir/x.nnb", FALSE, &error));
  g_assert_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_IO);
  g_clear_error (&error);

  nnb_tensor_write (nnb_model_get_parameter (project->model, "weight")->value, &nan_weight);
  g_assert_null (nnb_project_to_data (project, TRUE, NULL, &error));
  g_assert_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==,
                   "The parameter weight holds NaN or infinite values (did training diverge?); reset the model or save without weights.");
}

/* Saving replaces the old file as a whole (no half-written file). */
static void
test_save_replaces_the_whole_file (void)
{
  g_autofree char *dir = g_dir_make_tmp ("nnb-project-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "p.nnb", NULL);
  g_autofree char *text = NULL;
  g_autoptr (NnbProject) project = nnb_test_load_example ("sinenet.nnb");
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbProject) again = NULL;

  g_assert_true (g_file_set_contents (path, "old content that is longer than nothing", -1, NULL));
  g_assert_true (nnb_project_save (project, path, FALSE, &error));
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_true (g_str_has_prefix (text, "{\n  \"format\": \"nnblocks\",\n  \"version\": 1,\n"));
  again = nnb_project_load (path, &error);
  g_assert_no_error (error);
  g_unlink (path);
  g_rmdir (dir);
}

/* A CSV beside the project is named relative to it, so a folder can move. */
static void
test_csv_path_is_relative_to_the_project (void)
{
  g_autofree char *dir = g_dir_make_tmp ("nnb-project-XXXXXX", NULL);
  g_autofree char *csv = g_build_filename (dir, "points.csv", NULL);
  g_autofree char *path = g_build_filename (dir, "p.nnb", NULL);
  g_autofree char *text = NULL;
  g_autofree char *json = project_with (LINEAR_MODEL, ", \"data\": {\"kind\": \"csv\", \"path\": \"points.csv\"}");
  g_autoptr (NnbProject) project = NULL;
  g_autoptr (NnbDataset) data = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (g_file_set_contents (csv, "x,y\n1,3\n2,5\n", -1, NULL));
  g_assert_true (g_file_set_contents (path, json, -1, NULL));
  project = nnb_project_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (project->data.csv_path, ==, csv);
  data = nnb_project_build (project, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (data->x->shape[0], ==, 2);
  g_assert_cmpfloat (data->y->data[1], ==, 5.0f);

  g_assert_true (nnb_project_save (project, path, FALSE, &error));
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "\"data\": {\"kind\": \"csv\", \"path\": \"points.csv\"},\n"));
  g_unlink (csv);
  g_unlink (path);
  g_rmdir (dir);
}

/* ------------------------------------------------ what json-glib gets wrong */

/* json-glib parses recursively: 80,000 levels (a 160 KB file) overflowed
 * the stack. The guard refuses past 64 before json-glib sees the text. */
static void
test_deep_nesting_is_refused_before_parsing (void)
{
  const int depths[] = { 65, 80000 };

  for (guint i = 0; i < G_N_ELEMENTS (depths); i++)
    {
      GString *text = g_string_new ("{\"format\": \"nnblocks\", \"version\": 1, \"comment\": ");
      g_autoptr (GError) error = NULL;
      g_autoptr (NnbProject) project = NULL;

      for (int d = 1; d < depths[i]; d++)
        g_string_append_c (text, '[');
      for (int d = 1; d < depths[i]; d++)
        g_string_append_c (text, ']');
      g_string_append (text, ", \"model\": " LINEAR_MODEL "}");
      project = nnb_project_load_from_data (text->str, text->len, &error);
      g_assert_null (project);
      g_assert_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_PARSE);
      g_assert_cmpstr (error->message, ==,
                       "This project file is nested too deeply: at line 1, column 112 a '[' opens level 65, "
                       "and NN Blocks reads at most 64 levels of {…} and […] (a real one needs fewer than 10).");
      g_string_free (text, TRUE);
    }
  /* 64 levels, the limit, still load; brackets inside text do not count */
  {
    GString *text = g_string_new ("{\"format\": \"nnblocks\", \"version\": 1, \"title\": \"[[[[[[[[[[\\\"[[[[[[[[\", \"comment\": ");
    g_autoptr (GError) error = NULL;
    g_autoptr (NnbProject) project = NULL;

    for (int d = 1; d < 64; d++)
      g_string_append (text, "[\"[\\\"{\", ");
    g_string_append_c (text, '0');
    for (int d = 1; d < 64; d++)
      g_string_append_c (text, ']');
    g_string_append (text, ", \"model\": " LINEAR_MODEL "}");
    project = nnb_project_load_from_data (text->str, text->len, &error);
    g_assert_no_error (error);
    g_string_free (text, TRUE);
  }
}

/* A saved file with one '}' or '"' missing is not cut short: say where. */
static void
test_missing_bracket_or_quote_names_line_and_column (void)
{
  g_autofree char *path = example_path ("mlp-residual.nnb");
  g_autofree char *text = NULL;
  g_autofree char *no_brace = NULL;
  g_autofree char *no_quote = NULL;
  char *title;
  gsize length;

  g_assert_true (g_file_get_contents (path, &text, &length, NULL));
  g_assert_true (g_str_has_suffix (text, "}\n"));
  text[length - 2] = '\0';
  no_brace = g_strconcat (text, "\n", NULL);
  text[length - 2] = '}';
  check_malformed (no_brace, NNB_FILE_ERROR_PARSE,
                   "This is not a valid project file: the JSON ends at line 33, column 4 with 1 bracket still open; "
                   "a '}' or ']' is missing.");
  no_quote = g_strdup (text);
  title = strstr (no_quote, "\"Day 2");
  memmove (title, title + 1, strlen (title));
  check_malformed (no_quote, NNB_FILE_ERROR_PARSE,
                   "This is not a valid project file: the JSON is broken at line 4, column 14: a word JSON does not know; "
                   "text needs double quotes, and true, false and null are lowercase.");
}

/* json-glib wraps 2^63 to -2^63 and 2^64 to -1; say the number as written. */
static void
test_too_large_whole_numbers_are_quoted_as_written (void)
{
  check_bad_rest (",\n \"seed\": 9223372036854775808", NNB_FILE_ERROR_INVALID,
                  "seed: 9223372036854775808 (line 2, column 10) is too large for a whole number: "
                  "NN Blocks reads whole numbers from -9223372036854775808 to 9223372036854775807.");
  check_bad_rest (", \"training\": {\"epochs\": 18446744073709551616}", NNB_FILE_ERROR_INVALID,
                  "training.epochs: 18446744073709551616 (line 1, column 128) is too large for a whole number: "
                  "NN Blocks reads whole numbers from -9223372036854775808 to 9223372036854775807.");
  check_bad_rest (", \"data\": {\"kind\": \"line\", \"a\": -9223372036854775809}", NNB_FILE_ERROR_INVALID,
                  "data.a: -9223372036854775809 (line 1, column 135) is too large for a whole number: "
                  "NN Blocks reads whole numbers from -9223372036854775808 to 9223372036854775807.");
  /* the ends of the range are numbers like any other */
  check_bad_rest (", \"seed\": -9223372036854775808", NNB_FILE_ERROR_INVALID,
                  "seed must be a whole number, 0 or more, not -9223372036854775808.");
}

/* json-glib keeps the last of two members with one name: "lr": 0.5,
 * "lr": 7 trained at 7. */
static void
test_duplicate_fields_are_refused (void)
{
  check_bad_rest (",\n \"training\": {\"lr\": 0.5, \"lr\": 7}", NNB_FILE_ERROR_INVALID,
                  "training: \"lr\" is given twice in the same object (the second time at line 2, column 26); "
                  "only one value can count, so remove the other.");
  check_bad_rest (", \"training\": {\"lr\": 0.5, \"l\\u0072\": 7}", NNB_FILE_ERROR_INVALID, NULL);
  check_malformed ("{\"format\": \"nnblocks\", \"format\": \"nnblocks\", \"version\": 1}", NNB_FILE_ERROR_INVALID,
                   "The field \"format\" is given twice in the same object (the second time at line 1, column 24); "
                   "only one value can count, so remove the other.");
  check_bad_model ("{\"class\": \"Net\", \"modules\": [{\"name\": \"fc\", \"type\": \"Linear\", \"in_features\": 1, "
                   "\"out_features\": 1, \"bias\": true, \"bias\": false}], \"graph\": {\"nodes\": []}}",
                   NNB_FILE_ERROR_INVALID,
                   "model.modules[0]: \"bias\" is given twice in the same object (the second time at line 1, column 160); "
                   "only one value can count, so remove the other.");
  /* the same name in two objects is fine */
  {
    g_autoptr (GError) error = NULL;
    g_autofree char *json = project_with (LINEAR_MODEL, ", \"comment\": {\"lr\": 1, \"x\": {\"lr\": 2}}, "
                                                        "\"training\": {\"lr\": 0.5}");
    g_autoptr (NnbProject) project = load_text (json, &error);
    g_assert_no_error (error);
    g_assert_cmpfloat (project->training.optimizer.lr, ==, 0.5);
  }
}

/* 1e308 is a finite double but infinite as the float32 the engine uses:
 * training printed "y = infx + inf" and exited 0. */
static void
test_settings_too_large_for_float32_are_refused (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *json = NULL;
  g_autoptr (NnbProject) project = NULL;

  check_bad_rest (", \"data\": {\"kind\": \"line\", \"a\": 1e308}", NNB_FILE_ERROR_INVALID,
                  "data: a is too large for a float32: 1e+308 is more than about 3.4e38 in size.");
  check_bad_rest (", \"data\": {\"kind\": \"polynomial\", \"c\": -3.5e38}", NNB_FILE_ERROR_INVALID,
                  "data: c is too large for a float32: -3.5e+38 is more than about 3.4e38 in size.");
  check_bad_rest (", \"training\": {\"lr\": 1e39}", NNB_FILE_ERROR_INVALID,
                  "training: lr is too large for a float32: 1e+39 is more than about 3.4e38 in size.");
  check_bad_rest (", \"training\": {\"optimizer\": \"Adam\", \"eps\": 1e300}", NNB_FILE_ERROR_INVALID,
                  "training: eps is too large for a float32: 1e+300 is more than about 3.4e38 in size.");
  /* the largest float32 itself is allowed */
  json = project_with (LINEAR_MODEL, ", \"data\": {\"kind\": \"line\", \"a\": 3.4028234663852886e38}");
  project = load_text (json, &error);
  g_assert_no_error (error);
}

/* What the writer writes, the reader reads: a project at every numeric
 * limit of the format saves and loads again unchanged, and one past it is
 * refused. */
static void
assert_round_trips (const char *json)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbProject) project = load_text (json, &error);
  g_autoptr (NnbProject) again = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;

  g_assert_no_error (error);
  first = nnb_project_to_data (project, FALSE, NULL, &error);
  g_assert_no_error (error);
  again = load_text (first, &error);
  g_assert_no_error (error);
  second = nnb_project_to_data (again, FALSE, NULL, &error);
  g_assert_cmpstr (first, ==, second);
}

/* LayerNorm with its defaults left out and with both given: the writer
 * writes every field, and the reader gives back the same modules */
static void
test_layer_norm_round_trips (void)
{
  g_autofree char *json = project_with (
    "{\"class\": \"Sequential\", \"modules\": [{\"type\": \"Linear\", \"in_features\": 3, \"out_features\": 4},"
    " {\"type\": \"LayerNorm\", \"normalized_shape\": 4},"
    " {\"type\": \"LayerNorm\", \"normalized_shape\": 4, \"eps\": 0.001, \"elementwise_affine\": false}]}",
    NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbProject) project = load_text (json, &error);
  g_autofree char *text = NULL;
  g_autofree char *repr = NULL;

  g_assert_no_error (error);
  repr = nnb_model_repr (project->model);
  g_assert_cmpstr (repr, ==,
                   "Sequential(\n"
                   "  (0): Linear(in_features=3, out_features=4, bias=True)\n"
                   "  (1): LayerNorm((4,), eps=1e-05, elementwise_affine=True)\n"
                   "  (2): LayerNorm((4,), eps=0.001, elementwise_affine=False)\n"
                   ")");
  text = nnb_project_to_data (project, FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (text, "\"normalized_shape\": 4, \"eps\": 0.001, \"elementwise_affine\": false"));
  assert_round_trips (json);
}

/* Softmax and LogSoftmax keep their dim, 1 or -1, through a save */
static void
test_softmax_round_trips (void)
{
  g_autofree char *json = project_with (
    "{\"class\": \"Sequential\", \"modules\": [{\"type\": \"Linear\", \"in_features\": 2, \"out_features\": 3},"
    " {\"type\": \"Softmax\", \"dim\": 1}, {\"type\": \"LogSoftmax\", \"dim\": -1}]}",
    NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbProject) project = load_text (json, &error);
  g_autofree char *text = NULL;
  g_autofree char *repr = NULL;

  g_assert_no_error (error);
  repr = nnb_model_repr (project->model);
  g_assert_cmpstr (repr, ==,
                   "Sequential(\n"
                   "  (0): Linear(in_features=2, out_features=3, bias=True)\n"
                   "  (1): Softmax(dim=1)\n"
                   "  (2): LogSoftmax(dim=-1)\n"
                   ")");
  text = nnb_project_to_data (project, FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (text, "\"type\": \"Softmax\", \"dim\": 1}"));
  g_assert_nonnull (strstr (text, "\"type\": \"LogSoftmax\", \"dim\": -1}"));
  assert_round_trips (json);
}

static char *
net_with (int modules, int calls)
{
  GString *text = g_string_new ("{\"class\": \"Net\", \"modules\": [");

  for (int m = 0; m < modules; m++)
    g_string_append_printf (text, "%s{\"name\": \"m%d\", \"type\": \"ReLU\"}", m ? ", " : "", m);
  g_string_append (text, "], \"graph\": {\"nodes\": [{\"name\": \"x\", \"op\": \"input\"}");
  for (int c = 0; c < calls; c++)
    {
      g_autofree char *from = c ? g_strdup_printf ("c%d", c - 1) : g_strdup ("x");
      g_string_append_printf (text, ", {\"name\": \"c%d\", \"op\": \"call\", \"module\": \"m0\", \"inputs\": [\"%s\"]}",
                              c, from);
    }
  g_string_append (text, "]}}");
  return g_string_free (text, FALSE);
}

static char *
nested_sequential (int depth)
{
  GString *text = g_string_new ("{\"class\": \"Sequential\", \"modules\": [");

  for (int d = 1; d < depth; d++)
    g_string_append (text, "{\"type\": \"Sequential\", \"children\": [");
  g_string_append (text, "{\"type\": \"ReLU\"}");
  for (int d = 1; d < depth; d++)
    g_string_append (text, "]}");
  g_string_append (text, "]}");
  return g_string_free (text, FALSE);
}

static void
test_every_limit_round_trips (void)
{
  static const struct
  {
    const char *at;
    const char *past;
  } rest[] = {
    { ", \"seed\": 9223372036854775807, \"model_seed\": 9223372036854775807, "
      "\"init\": {\"weight\": \"zeros_\", \"seed\": 9223372036854775807}",
      NULL },
    { ", \"seed\": 9e18", ", \"seed\": 9223372036854775808" },
    { ", \"data\": {\"kind\": \"line\", \"n\": 10000000}", ", \"data\": {\"kind\": \"line\", \"n\": 10000001}" },
    { ", \"data\": {\"kind\": \"line\", \"a\": -3.4028234663852886e38, \"b\": 3.4028234663852886e38, "
      "\"noise\": 3.4028234663852886e38, \"x_max\": 1e-45}",
      ", \"data\": {\"kind\": \"line\", \"b\": 3.5e38}" },
    { ", \"training\": {\"epochs\": 100000000, \"log_every\": 100000000, \"batch_size\": 10000000}",
      ", \"training\": {\"epochs\": 100000001}" },
    { ", \"training\": {\"log_every\": 100000000}", ", \"training\": {\"log_every\": 100000001}" },
    { ", \"training\": {\"batch_size\": 10000000}", ", \"training\": {\"batch_size\": 10000001}" },
    { ", \"training\": {\"lr\": 3.4028234663852886e38, \"momentum\": 3.4028234663852886e38, "
      "\"weight_decay\": 3.4028234663852886e38, \"until_loss\": 3.4028234663852886e38}",
      ", \"training\": {\"weight_decay\": 3.5e38}" },
  };
  g_autofree char *net_at = net_with (1000, 998);
  g_autofree char *net_past_modules = net_with (1001, 0);
  g_autofree char *net_past_nodes = net_with (1, 1000);
  /* the model's Sequential, and Sequentials nested 16 deep in it */
  g_autofree char *seq_at = nested_sequential (17);
  g_autofree char *seq_past = nested_sequential (18);
  const char *models_at[] = {
    "{\"class\": \"Linear\", \"in_features\": 1000000, \"out_features\": 1}",
    "{\"class\": \"Linear\", \"in_features\": 1, \"out_features\": 1000000}",
    net_at,
    seq_at,
  };
  const char *models_past[] = {
    "{\"class\": \"Linear\", \"in_features\": 1000001, \"out_features\": 1}",
    "{\"class\": \"Linear\", \"in_features\": 1, \"out_features\": 1000001}",
    net_past_modules,
    net_past_nodes,
    seq_past,
  };

  for (guint i = 0; i < G_N_ELEMENTS (rest); i++)
    {
      g_autofree char *at = project_with (LINEAR_MODEL, rest[i].at);
      assert_round_trips (at);
      if (rest[i].past != NULL)
        check_bad_rest (rest[i].past, NNB_FILE_ERROR_INVALID, NULL);
    }
  for (guint i = 0; i < G_N_ELEMENTS (models_at); i++)
    {
      g_autofree char *at = project_with (models_at[i], NULL);
      assert_round_trips (at);
    }
  for (guint i = 0; i < G_N_ELEMENTS (models_past); i++)
    check_bad_model (models_past[i], NNB_FILE_ERROR_INVALID, NULL);
}

/* Names hold at most 64 characters; a longer one is refused with a message
 * that quotes a short piece of it, however long it is (a 1 MB name made a
 * 1 MB message, and a 50 KB one froze the app's window). */
/* A 1 MB unknown field name, op, kind or module reference: the message
 * quotes a short piece of it, never the whole */
static void
test_long_values_are_quoted_short (void)
{
  static const char *const places[][2] = {
    { "\"epochs\"", "\"%s\": 1, \"epochs\"" }, /* an unknown field */
    { "\"call\"", "\"%s\"" },                  /* an unknown op */
    { "\"MSELoss\"", "\"%s\"" },               /* an unknown loss */
  };
  g_autofree char *path = nnb_test_source_path ("data/examples/mlp-residual.nnb");
  g_autofree char *text = NULL;
  g_autofree char *huge = g_strnfill (1 << 20, 'x');

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (places); i++)
    {
      g_autoptr (GString) json = g_string_new (text);
      g_autofree char *replacement = g_strdup_printf (places[i][1], huge);
      g_autoptr (NnbProject) project = NULL;
      g_autoptr (GError) error = NULL;

      g_assert_cmpint (g_string_replace (json, places[i][0], replacement, 1), ==, 1);
      project = nnb_project_load_from_data (json->str, json->len, &error);
      g_assert_null (project);
      g_assert_nonnull (error);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, "xxx…"));
      g_assert_cmpint (strlen (error->message), <, 400);
    }
}

static void
test_long_names_are_refused_and_quoted_short (void)
{
  static const int lengths[] = { 64, 65, 50000, 1 << 20 };
  g_autofree char *path = nnb_test_source_path ("data/examples/mlp-residual.nnb");
  g_autofree char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (lengths); i++)
    {
      g_autoptr (GString) json = g_string_new (text);
      g_autofree char *name = g_strnfill (lengths[i], 'a');
      g_autofree char *quoted = g_strdup_printf ("\"%s\"", name);
      g_autoptr (NnbProject) project = NULL;
      g_autoptr (GError) error = NULL;

      /* the module and its block are both called fc1 */
      g_assert_cmpint (g_string_replace (json, "\"fc1\"", quoted, 0), >=, 2);
      project = nnb_project_load_from_data (json->str, json->len, &error);
      if (lengths[i] <= NNB_NAME_MAX_CHARS)
        {
          g_assert_no_error (error);
          continue;
        }
      g_assert_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, "at most 64 characters"));
      g_assert_cmpint (strlen (error->message), <, 300);
    }

  /* the helper every such message uses */
  {
    g_autofree char *short_name = nnb_quote_short ("fc1");
    g_autofree char *long_name = g_strnfill (100000, 'b');
    g_autofree char *cut = nnb_quote_short (long_name);
    g_autofree char *odd = nnb_quote_short ("a\nb\xff");

    g_assert_cmpstr (short_name, ==, "fc1");
    g_assert_cmpint (g_utf8_strlen (cut, -1), ==, NNB_QUOTE_MAX_CHARS);
    g_assert_true (g_str_has_suffix (cut, "b…"));
    g_assert_true (g_utf8_validate (odd, -1, NULL));
    g_assert_null (strchr (odd, '\n'));
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/project/every-example-loads", test_every_example_loads);
  g_test_add_func ("/project/examples-hold-the-pages-settings", test_examples_hold_the_pages_settings);
  g_test_add_func ("/project/bare-linear-is-named-as-pytorch-names-it", test_bare_linear_is_named_as_pytorch_names_it);
  g_test_add_func ("/project/examples-are-in-the-saved-form", test_examples_are_in_the_saved_form);
  g_test_add_func ("/project/save-and-load-round-trip-exactly", test_save_and_load_round_trip_exactly);
  g_test_add_func ("/project/awkward-floats-survive", test_awkward_floats_survive);
  g_test_add_func ("/project/title-with-quotes-and-unicode-round-trips", test_title_with_quotes_and_unicode_round_trips);
  g_test_add_func ("/project/title-with-invalid-utf8-saves-as-valid-json", test_title_with_invalid_utf8_saves_as_valid_json);
  g_test_add_func ("/project/new-project-round-trips", test_new_project_round_trips);
  g_test_add_func ("/project/comments-are-welcome-anywhere", test_comments_are_welcome_anywhere);
  g_test_add_func ("/project/building-regression-gives-the-golden-data", test_building_regression_gives_the_golden_data);
  g_test_add_func ("/project/every-recipe-gives-pytorchs-weights", test_every_recipe_gives_pytorchs_weights);
  g_test_add_func ("/project/build-keeps-or-replaces-the-files-weights", test_build_keeps_or_replaces_the_files_weights);
  g_test_add_func ("/project/sequential-and-bare-module-may-leave-out-the-graph", test_sequential_and_bare_module_may_leave_out_the_graph);
  g_test_add_func ("/project/unfinished-graph-loads-and-saves", test_unfinished_graph_loads_and_saves);
  g_test_add_func ("/project/truncated-json-says-the-file-is-cut-off", test_truncated_json_says_the_file_is_cut_off);
  g_test_add_func ("/project/invalid-json-names-line-and-column", test_invalid_json_names_line_and_column);
  g_test_add_func ("/project/deep-nesting-is-refused-before-parsing", test_deep_nesting_is_refused_before_parsing);
  g_test_add_func ("/project/missing-bracket-or-quote-names-line-and-column",
                   test_missing_bracket_or_quote_names_line_and_column);
  g_test_add_func ("/project/too-large-whole-numbers-are-quoted-as-written",
                   test_too_large_whole_numbers_are_quoted_as_written);
  g_test_add_func ("/project/duplicate-fields-are-refused", test_duplicate_fields_are_refused);
  g_test_add_func ("/project/settings-too-large-for-float32-are-refused", test_settings_too_large_for_float32_are_refused);
  g_test_add_func ("/project/every-limit-round-trips", test_every_limit_round_trips);
  g_test_add_func ("/project/layer-norm-round-trips", test_layer_norm_round_trips);
  g_test_add_func ("/project/softmax-round-trips", test_softmax_round_trips);
  g_test_add_func ("/project/wrong-format-and-newer-version-are-refused", test_wrong_format_and_newer_version_are_refused);
  g_test_add_func ("/project/bad-modules-are-named-by-place", test_bad_modules_are_named_by_place);
  g_test_add_func ("/project/bad-graphs-are-named-by-place", test_bad_graphs_are_named_by_place);
  g_test_add_func ("/project/bare-module-is-called-once", test_bare_module_is_called_once);
  g_test_add_func ("/project/names-every-nn-module-has-are-refused", test_names_every_nn_module_has_are_refused);
  g_test_add_func ("/project/bad-settings-are-named-by-place", test_bad_settings_are_named_by_place);
  g_test_add_func ("/project/weights-must-fit-the-model", test_weights_must_fit_the_model);
  g_test_add_func ("/project/save-reports-what-it-cannot-write", test_save_reports_what_it_cannot_write);
  g_test_add_func ("/project/save-replaces-the-whole-file", test_save_replaces_the_whole_file);
  g_test_add_func ("/project/csv-path-is-relative-to-the-project", test_csv_path_is_relative_to_the_project);
  g_test_add_func ("/project/long-names-are-refused-and-quoted-short", test_long_names_are_refused_and_quoted_short);
  g_test_add_func ("/project/long-values-are-quoted-short", test_long_values_are_quoted_short);
  g_test_add_func ("/project/only-json-escapes-are-read", test_only_json_escapes_are_read);
  return g_test_run ();
}
