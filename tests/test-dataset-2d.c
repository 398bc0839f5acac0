/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-dataset-2d.c — the two-dimensional class data (circle, xor, gauss,
 * spiral, moons, blobs), bit for bit as their PyTorch programs draw it:
 * every point's float32 bits and every class index, with noise and without,
 * two seeds, a test split; the exported make_data() run in real PyTorch
 * gives the engine's numbers; class targets are never standardised; the
 * kinds' fields round-trip through a project file and refused values get a
 * sentence each; `nnblocks-cli data` counts the points per class.
 *
 * Golden data: tests/reference/make_2d_data_golden.py → tests/data/2d-data-golden.json. */
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "nnb-dataset.h"
#include "nnb-export.h"
#include "nnb-project.h"
#include "nnb-test-util.h"

#define GOLDEN "data/2d-data-golden.json"

static const char *const class_kinds[] = { "circle", "xor", "gauss", "spiral", "moons", "blobs" };

/* A project around the data object: a Linear(2, 1), nothing else. */
static char *
project_json (const char *data_json, guint64 seed)
{
  return g_strdup_printf ("{\"format\": \"nnblocks\", \"version\": 1, \"seed\": %" G_GUINT64_FORMAT ", "
                          "\"model\": {\"class\": \"Linear\", \"in_features\": 2, \"out_features\": 1}, "
                          "\"data\": %s}",
                          seed, data_json);
}

/* The case's project, read from text as a file would be, and its data. */
static NnbProject *
load_case (JsonObject *c, NnbDataset **data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *data_json = json_to_string (json_object_get_member (c, "data"), FALSE);
  g_autofree char *text = project_json (data_json, json_object_get_int_member (c, "seed"));
  g_autoptr (NnbProject) project = nnb_project_load_from_data (text, strlen (text), &error);

  g_assert_no_error (error);
  *data = nnb_project_build (project, FALSE, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&project);
}

/* y's float32 bits are those of PyTorch's class indices, each exactly */
static void
assert_classes (const char *what, const NnbTensor *y, JsonArray *want)
{
  g_assert_cmpint (y->ndim, ==, 2);
  g_assert_cmpint (y->shape[1], ==, 1);
  g_assert_cmpuint (json_array_get_length (want), ==, y->shape[0]);
  for (guint i = 0; i < json_array_get_length (want); i++)
    {
      float index = (float) json_array_get_int_element (want, i);
      if (memcmp (&index, &y->data[i], sizeof index) != 0)
        g_error ("%s[%u] = %.9g, PyTorch's class is %g", what, i, y->data[i], index);
    }
}

static void
test_class_data_is_pytorchs (gconstpointer user_data)
{
  JsonObject *c = (JsonObject *) user_data;
  const char *name = json_object_get_string_member (c, "name");
  g_autoptr (NnbDataset) data = NULL;
  g_autoptr (NnbProject) project = load_case (c, &data);
  JsonNode *perm = json_object_get_member (c, "perm");
  g_autofree char *x_what = g_strdup_printf ("%s: X", name);
  g_autofree char *y_what = g_strdup_printf ("%s: y", name);

  g_assert_cmpint (data->n_classes, ==, json_object_get_int_member (c, "n_classes"));
  g_assert_cmpint (nnb_data_spec_classes (&project->data), ==, data->n_classes);
  g_assert_cmpint (data->x->shape[1], ==, 2);
  nnb_test_assert_float_bits (x_what, data->x->data, data->x->numel, json_object_get_array_member (c, "x"));
  assert_classes (y_what, data->y, json_object_get_array_member (c, "y"));
  if (JSON_NODE_HOLDS_NULL (perm))
    {
      g_assert_null (data->perm);
      g_assert_null (data->x_test);
    }
  else
    {
      JsonArray *want = json_node_get_array (perm);
      g_autofree char *y_test_what = g_strdup_printf ("%s: y_test", name);

      g_assert_cmpint (data->n_all, ==, json_array_get_length (want));
      for (guint i = 0; i < json_array_get_length (want); i++)
        g_assert_cmpint (data->perm[i], ==, json_array_get_int_element (want, i));
      assert_classes (y_test_what, data->y_test, json_object_get_array_member (c, "y_test"));
    }
  nnb_test_assert_case_bits (c, "x_test", data->x_test ? data->x_test->data : NULL,
                             data->x_test ? data->x_test->numel : 0);
  nnb_test_assert_case_bits (c, "x_mean", data->x_mean, 2);
  nnb_test_assert_case_bits (c, "x_std", data->x_std, 2);
  g_assert_null (data->y_mean);
}

/* Every kind is in the golden file, with two seeds, noise and none. */
static void
test_golden_file_has_every_kind (void)
{
  JsonArray *cases = json_object_get_array_member (nnb_test_golden (GOLDEN), "cases");

  for (guint k = 0; k < G_N_ELEMENTS (class_kinds); k++)
    {
      guint seeds = 0, quiet = 0;

      for (guint i = 0; i < json_array_get_length (cases); i++)
        {
          JsonObject *c = json_array_get_object_element (cases, i);
          JsonObject *data = json_object_get_object_member (c, "data");

          if (!g_str_equal (json_object_get_string_member (data, "kind"), class_kinds[k]))
            continue;
          seeds |= 1u << MIN (json_object_get_int_member (c, "seed"), 31);
          if (json_object_has_member (data, "noise") && json_object_get_double_member (data, "noise") == 0.0)
            quiet++;
        }
      g_assert_cmpint (__builtin_popcount (seeds), >=, 2);
      g_assert_cmpuint (quiet, >=, 2);
    }
}

/* ------------------------------------------------------ the exported code */

/* The PyTorch the engine reproduces (tests/reference/nnb_pytorch_env.py). */
static const char *const python_env[] = { "OPENBLAS_CORETYPE=Haswell", "OPENBLAS_NUM_THREADS=1",
                                          "OMP_NUM_THREADS=1", "ATEN_CPU_CAPABILITY=avx2", "PATH=/usr/bin:/bin",
                                          NULL };

/* make_data()'s lines, as the Data panel shows them, run in PyTorch: the
 * bits of X, X_test and the class indices, as JSON */
static JsonParser *
run_exported_lines (const NnbDataSpec *spec, guint64 seed)
{
  g_autofree char *lines = nnb_export_pytorch_data_lines (seed, spec);
  g_autofree char *program = g_strconcat ("import json, struct\nimport torch\ntorch.set_num_threads(1)\n", lines,
                                          "def bits(t):\n"
                                          "    return None if t is None else ['%08x' % struct.unpack('<I', "
                                          "struct.pack('<f', v))[0] for v in t.reshape(-1).tolist()]\n"
                                          "assert y.dtype == torch.int64 and y.dim() == 1\n"
                                          "print(json.dumps({'x': bits(X), 'y': y.tolist(), 'x_test': bits(X_test),\n"
                                          "                  'y_test': None if y_test is None else y_test.tolist()}))\n",
                                          NULL);
  const char *argv[] = { "/usr/bin/python3", "-c", program, NULL };
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr (GError) error = NULL;
  JsonParser *parser = json_parser_new ();

  if (nnb_test_run_env (argv, python_env, &out, &err) != 0)
    g_error ("the exported lines failed in PyTorch:\n%s\n%s", program, err);
  if (!json_parser_load_from_data (parser, out, -1, &error))
    g_error ("the exported lines printed no JSON (%s):\n%s", error->message, out);
  return parser;
}

static void
test_exported_data_is_the_engines (void)
{
  if (!nnb_test_python_has ("torch", NULL))
    {
      nnb_test_missing ("/usr/bin/python3 cannot import torch");
      return;
    }
  for (guint k = 0; k < G_N_ELEMENTS (class_kinds); k++)
    {
      g_autoptr (JsonParser) parser = NULL;
      g_autoptr (NnbDataset) data = NULL;
      g_autoptr (GError) error = NULL;
      g_autofree NnbGenerator *gen = nnb_generator_new (k + 11);
      NnbDataSpec spec;
      NnbDataKind kind;
      JsonObject *result;

      g_assert_true (nnb_data_kind_from_string (class_kinds[k], &kind));
      nnb_data_spec_init (&spec, kind);
      spec.n = 61 + 10 * k;
      spec.noise = 0.13;
      /* non-default fields, and a test set for every other kind */
      spec.radius = 1.7, spec.distance = 2.2, spec.turns = 2.25, spec.classes = 7;
      spec.test_fraction = k % 2 ? 0.2 : 0.0;
      spec.standardize_inputs = k % 2;
      data = nnb_dataset_new (&spec, gen, &error);
      g_assert_no_error (error);
      parser = run_exported_lines (&spec, k + 11);
      result = json_node_get_object (json_parser_get_root (parser));
      nnb_test_assert_float_bits (class_kinds[k], data->x->data, data->x->numel,
                                  json_object_get_array_member (result, "x"));
      assert_classes (class_kinds[k], data->y, json_object_get_array_member (result, "y"));
      if (spec.test_fraction > 0)
        {
          nnb_test_assert_float_bits (class_kinds[k], data->x_test->data, data->x_test->numel,
                                      json_object_get_array_member (result, "x_test"));
          assert_classes (class_kinds[k], data->y_test, json_object_get_array_member (result, "y_test"));
        }
      nnb_data_spec_clear (&spec);
    }
}

/* --------------------------------------------------- targets and fields */

static char *
build_error (const char *data_json)
{
  g_autofree char *text = project_json (data_json, 0);
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

/* class indices are what CrossEntropyLoss takes: never rescaled, in a file
 * or a spec filled by hand (the Data panel, the CLI) */
static void
test_class_targets_are_not_standardised (void)
{
  g_autofree char *file = build_error ("{\"kind\": \"moons\", \"standardize\": {\"targets\": true}}");
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbDataset) data = NULL;
  g_autofree NnbGenerator *gen = nnb_generator_new (0);
  NnbDataSpec spec;

  g_assert_cmpstr (file, ==,
                   "Class indices cannot be standardised: the moons data's y is the class of each point, not a value "
                   "to rescale; set data.standardize.targets to false.");
  nnb_data_spec_init (&spec, NNB_DATA_BLOBS);
  spec.test_fraction = 0.25;
  spec.standardize_inputs = TRUE;
  spec.standardize_targets = TRUE;
  data = nnb_dataset_new (&spec, gen, &error);
  g_assert_null (data);
  g_assert_error (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (error->message, ==,
                   "Class indices cannot be standardised: the blobs data's y is the class of each point (0 to 2), "
                   "not a value to rescale; standardise the inputs only.");
}

/* the inputs may be standardised; the split keeps n_classes */
static void
test_split_keeps_the_classes (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbDataset) data = NULL;
  g_autoptr (NnbDataset) line = NULL;
  g_autofree NnbGenerator *gen = nnb_generator_new (3);
  NnbDataSpec spec;

  nnb_data_spec_init (&spec, NNB_DATA_BLOBS);
  spec.classes = 5;
  spec.test_fraction = 0.5;
  spec.standardize_inputs = TRUE;
  data = nnb_dataset_new (&spec, gen, &error);
  g_assert_no_error (error);
  g_assert_cmpint (data->n_classes, ==, 5);
  g_assert_cmpint (data->x->shape[0], ==, 100);
  g_assert_cmpint (data->y_test->shape[0], ==, 100);
  g_assert_nonnull (data->x_mean);
  for (int64_t i = 0; i < data->y->numel; i++)
    g_assert_true (data->y->data[i] >= 0 && data->y->data[i] <= 4 && data->y->data[i] == (int) data->y->data[i]);
  /* regression data has none */
  nnb_data_spec_init (&spec, NNB_DATA_LINE);
  line = nnb_dataset_new (&spec, gen, &error);
  g_assert_no_error (error);
  g_assert_cmpint (line->n_classes, ==, 0);
  g_assert_cmpint (nnb_data_spec_classes (&spec), ==, 0);
}

static void
test_refused_values_are_one_sentence_each (void)
{
  static const struct
  {
    const char *data;
    const char *message;
  } cases[] = {
    { "{\"kind\": \"circle\", \"radius\": 0}", "data: radius must be a number more than 0, not 0." },
    { "{\"kind\": \"gauss\", \"distance\": -1}", "data: distance must be a number, 0 or more, not -1." },
    { "{\"kind\": \"spiral\", \"turns\": -2.5}", "data: turns must be a number more than 0, not -2.5." },
    { "{\"kind\": \"blobs\", \"classes\": 11}", "data: classes must be a whole number from 2 to 10, not 11." },
    { "{\"kind\": \"blobs\", \"classes\": 1}", "data: classes must be a whole number from 2 to 10, not 1." },
    { "{\"kind\": \"blobs\", \"classes\": 2.5}", "data: classes must be a whole number from 2 to 10, not 2.5." },
    { "{\"kind\": \"xor\", \"radius\": 2}", "data: unknown field \"radius\"" },
    { "{\"kind\": \"circle\", \"x_max\": 2}", "data: unknown field \"x_max\"" },
    { "{\"kind\": \"moons\", \"noise\": -0.1}", "data: noise must be a number, 0 or more, not -0.1." },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *message = build_error (cases[i].data);
      if (!g_str_has_prefix (message, cases[i].message))
        g_error ("%s\n  gave: %s\n  want: %s", cases[i].data, message, cases[i].message);
    }
}

/* the engine's own checks, for a spec filled by hand */
static void
test_hand_filled_specs_are_checked (void)
{
  static const struct
  {
    NnbDataKind kind;
    double radius, distance, turns;
    int64_t classes;
    const char *message;
  } cases[] = {
    { NNB_DATA_CIRCLE, -1, 0, 0, 3, "The circle's radius (the ring's outer edge) must be more than 0, not -1." },
    { NNB_DATA_GAUSS, 0, -0.5, 0, 3, "The distance between the two centres must be 0 or more, not -0.5." },
    { NNB_DATA_SPIRAL, 0, 0, 0, 3, "The spiral's turns must be more than 0, not 0." },
    { NNB_DATA_BLOBS, 0, 0, 0, 12, "The blobs must be between 2 and 10 classes, not 12." },
    { NNB_DATA_CIRCLE, NAN, 0, 0, 3, "The circle data's settings must be ordinary numbers, not NaN or infinity." },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (NnbDataset) data = NULL;
      NnbDataSpec spec;

      nnb_data_spec_init (&spec, cases[i].kind);
      spec.radius = cases[i].radius, spec.distance = cases[i].distance, spec.turns = cases[i].turns;
      spec.classes = cases[i].classes;
      data = nnb_dataset_new (&spec, NULL, &error);
      g_assert_null (data);
      g_assert_cmpstr (error->message, ==, cases[i].message);
    }
}

/* the defaults are the documented ones; every field survives a save */
static void
test_fields_round_trip (void)
{
  static const char *const kinds_and_fields[][2] = {
    { "circle", "\"n\": 31, \"radius\": 2.5, \"noise\": 0.25" },
    { "xor", "\"n\": 32, \"noise\": 0.5" },
    { "gauss", "\"n\": 33, \"distance\": 0.75, \"noise\": 1.5" },
    { "spiral", "\"n\": 34, \"turns\": 3.25, \"noise\": 0" },
    { "moons", "\"n\": 35, \"noise\": 0.125" },
    { "blobs", "\"n\": 36, \"classes\": 7, \"noise\": 0.0625" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (kinds_and_fields); i++)
    {
      g_autofree char *data = g_strdup_printf ("{\"kind\": \"%s\", %s}", kinds_and_fields[i][0],
                                               kinds_and_fields[i][1]);
      g_autofree char *text = project_json (data, 0);
      g_autofree char *want = g_strdup_printf ("\"data\": %s,", data);
      g_autoptr (GError) error = NULL;
      g_autoptr (NnbProject) project = nnb_project_load_from_data (text, strlen (text), &error);
      g_autofree char *saved = NULL;

      g_assert_no_error (error);
      saved = nnb_project_to_data (project, FALSE, NULL, &error);
      g_assert_no_error (error);
      if (strstr (saved, want) == NULL)
        g_error ("%s was saved as\n%s", want, saved);
    }
}

static void
test_defaults_are_documented (void)
{
  NnbDataSpec spec;

  nnb_data_spec_init (&spec, NNB_DATA_CIRCLE);
  g_assert_true (spec.n == 200 && spec.radius == 1.0 && spec.noise == 0.1);
  nnb_data_spec_init (&spec, NNB_DATA_XOR);
  g_assert_true (spec.n == 200 && spec.noise == 0.1);
  nnb_data_spec_init (&spec, NNB_DATA_GAUSS);
  g_assert_true (spec.n == 200 && spec.distance == 3.0 && spec.noise == 0.5);
  nnb_data_spec_init (&spec, NNB_DATA_SPIRAL);
  g_assert_true (spec.n == 200 && spec.turns == 1.5 && spec.noise == 0.05);
  nnb_data_spec_init (&spec, NNB_DATA_MOONS);
  g_assert_true (spec.n == 200 && spec.noise == 0.1);
  nnb_data_spec_init (&spec, NNB_DATA_BLOBS);
  g_assert_true (spec.n == 200 && spec.classes == 3 && spec.noise == 0.2);
  g_assert_cmpint (nnb_data_spec_classes (&spec), ==, 3);
}

/* ------------------------------------------------------------- the CLI */

static void
test_cli_counts_points_per_class (void)
{
  g_autofree char *dir = g_dir_make_tmp ("nnb-2d-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "blobs.nnb", NULL);
  g_autofree char *text = project_json ("{\"kind\": \"blobs\", \"n\": 50, \"classes\": 4, \"test_fraction\": 0.3}", 2);
  const char *argv[] = { g_getenv ("NNB_CLI"), "data", path, "--rows", "0", NULL };
  g_autofree char *out = NULL, *err = NULL;

  g_assert_nonnull (argv[0]);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  g_assert_cmpint (nnb_test_run (argv, &out, &err), ==, 0);
  g_remove (path);
  g_rmdir (dir);
  g_assert_cmpstr (err, ==, "");
  g_assert_nonnull (strstr (out, "data: blobs, 50 points, 4 classes, noise 0.2\n"
                                 "X: torch.Size([50, 2])  y: torch.Size([50]), torch.int64\n"));
  g_assert_nonnull (strstr (out, "classes: 4 (y holds each point's class, 0 to 3)\n"));
  g_assert_nonnull (strstr (out, "points per class (training rows): 0: "));
  g_assert_nonnull (strstr (out, "points per class (test rows): 0: "));
}

int
main (int argc, char *argv[])
{
  JsonArray *cases;

  g_test_init (&argc, &argv, NULL);
  cases = json_object_get_array_member (nnb_test_golden (GOLDEN), "cases");
  for (guint i = 0; i < json_array_get_length (cases); i++)
    {
      JsonObject *c = json_array_get_object_element (cases, i);
      g_autofree char *path = g_strdup_printf ("/dataset-2d/pytorchs/%s", json_object_get_string_member (c, "name"));
      g_test_add_data_func (path, c, test_class_data_is_pytorchs);
    }
  g_test_add_func ("/dataset-2d/golden-file-has-every-kind", test_golden_file_has_every_kind);
  g_test_add_func ("/dataset-2d/exported-data-is-the-engines", test_exported_data_is_the_engines);
  g_test_add_func ("/dataset-2d/class-targets-are-not-standardised", test_class_targets_are_not_standardised);
  g_test_add_func ("/dataset-2d/split-keeps-the-classes", test_split_keeps_the_classes);
  g_test_add_func ("/dataset-2d/refused-values-are-one-sentence-each", test_refused_values_are_one_sentence_each);
  g_test_add_func ("/dataset-2d/hand-filled-specs-are-checked", test_hand_filled_specs_are_checked);
  g_test_add_func ("/dataset-2d/fields-round-trip", test_fields_round_trip);
  g_test_add_func ("/dataset-2d/defaults-are-documented", test_defaults_are_documented);
  g_test_add_func ("/dataset-2d/cli-counts-points-per-class", test_cli_counts_points_per_class);
  return g_test_run ();
}
