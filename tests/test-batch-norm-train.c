/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-batch-norm-train.c — BatchNorm1d through training, files and
 * exports, against real PyTorch 1.13 (tests/reference/make_batch_norm_golden.py):
 * 20 epochs of mini-batches bit for bit (losses, parameters and the
 * running statistics), the .nnb file's whole state_dict round trip,
 * safetensors both ways with load_state_dict's messages word for word,
 * the exported PyTorch code training alike, ONNX in a real runtime and
 * nnblocks-cli inspect's buffer lines. */
#include <string.h>
#include <glib/gstdio.h>
#include "nnb-export.h"
#include "nnb-files-private.h"
#include "nnb-project.h"
#include "nnb-rng-golden.h"
#include "nnb-safetensors.h"
#include "nnb-test-util.h"
#include "nnb-training.h"

static JsonObject *
golden (void)
{
  return nnb_test_golden ("data/batch-norm-golden.json");
}

static JsonObject *
run_of (guint index)
{
  return json_array_get_object_element (json_object_get_array_member (golden (), "training"), index);
}

static NnbProject *
project_of (JsonObject *run)
{
  g_autofree char *text = json_to_string (json_object_get_member (run, "project"), FALSE);
  g_autoptr (GError) error = NULL;
  NnbProject *project = nnb_project_load_from_data (text, strlen (text), &error);

  g_assert_no_error (error);
  return project;
}

/* Every state_dict entry, in PyTorch's order, against the golden one */
static void
assert_state_dict (NnbModel *model, JsonObject *run)
{
  JsonObject *expected = json_object_get_object_member (run, "state_dict");
  JsonArray *keys = json_object_get_array_member (run, "keys");
  g_autoptr (GPtrArray) state = nnb_model_state_dict (model);

  g_assert_cmpuint (state->len, ==, json_array_get_length (keys));
  for (guint i = 0; i < state->len; i++)
    {
      NnbStateEntry *entry = state->pdata[i];
      NnbTensor *value = entry->param != NULL ? entry->param->value : entry->buffer->value;
      g_autofree float *host = NULL;

      g_assert_cmpstr (entry->name, ==, json_array_get_string_element (keys, i));
      if (value == NULL)
        {
          g_assert_cmpint (entry->buffer->count, ==, json_object_get_int_member (expected, entry->name));
          continue;
        }
      host = g_new (float, value->numel);
      nnb_tensor_read (value, host);
      nnb_rng_golden_assert_bits (entry->name, host, value->numel, json_object_get_string_member (expected, entry->name));
    }
}

/* The golden run trained by the engine's training loop */
static NnbProject *
train (JsonObject *run, gboolean compare)
{
  NnbProject *project = project_of (run);
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbDataset) dataset = NULL;
  g_autoptr (NnbTraining) training = NULL;
  g_autoptr (GArray) losses = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) test_losses = g_array_new (FALSE, FALSE, sizeof (double));
  NnbGenerator shuffle;
  float next;

  dataset = nnb_project_build_for_training (project, FALSE, &shuffle, &error);
  g_assert_no_error (error);
  training = nnb_training_new (project->model, dataset, &project->training, &shuffle, &error);
  g_assert_no_error (error);
  for (int e = 0; e < project->training.epochs; e++)
    {
      double loss, test_loss;

      g_assert_true (nnb_training_epoch (training, &loss, &error));
      g_assert_no_error (error);
      test_loss = nnb_training_get_test_loss (training);
      g_array_append_val (losses, loss);
      g_array_append_val (test_losses, test_loss);
    }
  if (!compare)
    return project;
  nnb_test_assert_epoch_doubles ("the loss", json_object_get_array_member (run, "losses"), (double *) losses->data, losses->len);
  nnb_test_assert_epoch_doubles ("the test loss", json_object_get_array_member (run, "test_losses"), (double *) test_losses->data,
                                 test_losses->len);
  assert_state_dict (project->model, run);
  nnb_rng_uniform (&shuffle, &next, 1, 0.0, 1.0);
  nnb_rng_golden_assert_bits ("after: rand(1)", &next, 1, json_object_get_string_member (run, "after"));
  return project;
}

/* two BatchNorm1d (one momentum=None and affine=False): running statistics
 * and num_batches_tracked as PyTorch's after 20 epochs */
static void
test_batch_norm_run_is_pytorchs (void)
{
  g_autoptr (NnbProject) project = train (run_of (0), TRUE);
}

/* the same with the second BatchNorm1d affine: momentum=None alone */
static void
test_momentum_none_run_is_pytorchs (void)
{
  g_autoptr (NnbProject) project = train (run_of (2), TRUE);
}

/* BatchNorm1d(track_running_stats=False) with a LayerNorm, under Adam */
static void
test_batch_stats_run_is_pytorchs (void)
{
  g_autoptr (NnbProject) project = train (run_of (1), TRUE);
}

/* ------------------------------------------------------------ .nnb files */

/* Two models' state_dicts, bit for bit */
static void
assert_same_state (NnbModel *a, NnbModel *b)
{
  g_autoptr (GPtrArray) sa = nnb_model_state_dict (a);
  g_autoptr (GPtrArray) sb = nnb_model_state_dict (b);

  g_assert_cmpuint (sa->len, ==, sb->len);
  for (guint i = 0; i < sa->len; i++)
    {
      NnbStateEntry *x = sa->pdata[i], *y = sb->pdata[i];
      NnbTensor *tx = x->param != NULL ? x->param->value : x->buffer->value;
      NnbTensor *ty = y->param != NULL ? y->param->value : y->buffer->value;
      g_autofree float *hx = NULL, *hy = NULL;

      g_assert_cmpstr (x->name, ==, y->name);
      if (tx == NULL)
        {
          g_assert_null (ty);
          g_assert_cmpint (x->buffer->count, ==, y->buffer->count);
          continue;
        }
      g_assert_cmpint (tx->numel, ==, ty->numel);
      hx = g_new (float, tx->numel);
      hy = g_new (float, ty->numel);
      nnb_tensor_read (tx, hx);
      nnb_tensor_read (ty, hy);
      g_assert_cmpmem (hx, tx->numel * sizeof (float), hy, ty->numel * sizeof (float));
    }
}

static void
test_project_round_trip (void)
{
  g_autoptr (NnbProject) project = train (run_of (0), FALSE);
  g_autoptr (NnbProject) again = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL, *text_again = NULL;
  gsize length;

  text = nnb_project_to_data (project, TRUE, &length, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (text, "{\"type\": \"BatchNorm1d\", \"num_features\": 16, \"eps\": 1e-05, \"momentum\": 0.1, "
                                  "\"affine\": true, \"track_running_stats\": true}"));
  g_assert_nonnull (strstr (text, "\"momentum\": null, \"affine\": false"));
  g_assert_nonnull (strstr (text, "\"1.num_batches_tracked\": {\"shape\": [], \"data\": [100]}"));
  g_assert_nonnull (strstr (text, "\"4.running_var\": {\"shape\": [16], \"data\": ["));
  again = nnb_project_load_from_data (text, length, &error);
  g_assert_no_error (error);
  assert_same_state (project->model, again->model);
  text_again = nnb_project_to_data (again, TRUE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, text_again);
}

/* A model file's mistakes, each refused with a sentence */
static void
test_project_refuses_bad_values (void)
{
  static const struct
  {
    const char *module;
    const char *weights;
    const char *message;
  } cases[] = {
    { "{\"type\": \"BatchNorm1d\"}", NULL, "model.modules[0] (0): num_features is missing" },
    { "{\"type\": \"BatchNorm1d\", \"num_features\": 2, \"momentum\": \"fast\"}", NULL,
      "model.modules[0] (0): momentum must be a number (0.1 is PyTorch's default) or null for None, not \"fast\"." },
    { "{\"type\": \"BatchNorm1d\", \"num_features\": 2, \"affine\": 1}", NULL,
      "model.modules[0] (0): affine must be true or false, not 1." },
    { "{\"type\": \"BatchNorm1d\", \"num_features\": 2, \"eps\": 0}", NULL, "model.modules[0] (0): eps must be" },
    { "{\"type\": \"BatchNorm1d\", \"num_features\": 2, \"mean\": 0}", NULL, "model.modules[0] (0): " },
    { "{\"type\": \"BatchNorm1d\", \"num_features\": 2}",
      "{\"0.weight\": {\"shape\": [2], \"data\": [1, 1]}, \"0.bias\": {\"shape\": [2], \"data\": [0, 0]}}",
      "weights: the model's buffer \"0.running_mean\" has no values here; give every parameter and buffer (the whole "
      "state_dict), or leave out \"weights\"." },
    { "{\"type\": \"BatchNorm1d\", \"num_features\": 2, \"affine\": false}",
      "{\"0.running_mean\": {\"shape\": [2], \"data\": [0, 0]}, \"0.running_var\": {\"shape\": [2], \"data\": [1, 1]}, "
      "\"0.num_batches_tracked\": {\"shape\": [], \"data\": [2.5]}}",
      "weights[\"0.num_batches_tracked\"]: num_batches_tracked counts batches: a whole number, 0 or more, not 2.5." },
    { "{\"type\": \"BatchNorm1d\", \"num_features\": 2, \"affine\": false}",
      "{\"0.running_mean\": {\"shape\": [2], \"data\": [0, 0]}, \"0.running_var\": {\"shape\": [2], \"data\": [1, 1]}, "
      "\"0.num_batches_tracked\": {\"shape\": [1], \"data\": [2]}}",
      "weights[\"0.num_batches_tracked\"]: shape [1] does not match the model's 0.num_batches_tracked, whose shape is []." },
    { "{\"type\": \"BatchNorm1d\", \"num_features\": 2, \"affine\": false, \"track_running_stats\": false}",
      "{\"0.running_mean\": {\"shape\": [2], \"data\": [0, 0]}}",
      "weights: \"0.running_mean\" is not a parameter of this model." },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *text = g_strdup_printf ("{\"format\": \"nnblocks\", \"version\": 1, \"model\": "
                                               "{\"class\": \"Sequential\", \"modules\": [%s]}, "
                                               "\"data\": {\"kind\": \"sine\", \"n\": 8}%s%s}",
                                               cases[i].module, cases[i].weights ? ", \"weights\": " : "",
                                               cases[i].weights ? cases[i].weights : "");
      g_autoptr (NnbProject) project = nnb_project_load_from_data (text, strlen (text), &error);

      g_assert_null (project);
      g_assert_nonnull (error);
      if (!g_str_has_prefix (error->message, cases[i].message))
        g_error ("case %u: %s\nwanted: %s", i, error->message, cases[i].message);
    }
}

/* ----------------------------------------------------------- safetensors */

static guint8 *
bytes_of_hex (const char *hex, gsize *length)
{
  gsize n = strlen (hex) / 2;
  guint8 *out = g_new (guint8, n);

  for (gsize i = 0; i < n; i++)
    out[i] = (guint8) (g_ascii_xdigit_value (hex[2 * i]) << 4 | g_ascii_xdigit_value (hex[2 * i + 1]));
  *length = n;
  return out;
}

static NnbTensor *
golden_x (void)
{
  JsonObject *st = json_object_get_object_member (golden (), "safetensors");
  const char *hex = json_object_get_string_member (st, "x");
  int64_t rows = (int64_t) nnb_rng_golden_count (hex);
  NnbTensor *x = nnb_tensor_new_2d (rows, 1);

  for (int64_t i = 0; i < rows; i++)
    x->data[i] = nnb_rng_golden_float (nnb_rng_golden_word (hex + 8 * i));
  return x;
}

/* model.eval(); model(x): a reference of its own (the model keeps and
 * overwrites its output) */
static NnbTensor *
eval_forward (NnbModel *model, NnbTensor *x)
{
  g_autoptr (GError) error = NULL;
  NnbTensor *y;

  nnb_model_eval (model);
  y = nnb_model_forward (model, x, &error);
  g_assert_no_error (error);
  return nnb_tensor_ref (y);
}

/* PyTorch's safetensors (num_batches_tracked I64) loads, and the model
 * gives PyTorch's eval outputs bit for bit */
static void
test_pytorch_safetensors_load (void)
{
  JsonObject *st = json_object_get_object_member (golden (), "safetensors");
  g_autoptr (NnbProject) project = project_of (run_of (0));
  g_autoptr (GHashTable) tensors = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbTensor) x = golden_x ();
  g_autoptr (NnbTensor) y = NULL;
  g_autofree guint8 *data = NULL;
  gsize length;

  data = bytes_of_hex (json_object_get_string_member (st, "bytes"), &length);
  tensors = nnb_safetensors_parse (data, length, &error);
  g_assert_no_error (error);
  g_assert_true (nnb_model_load_state_dict (project->model, tensors, &error));
  g_assert_no_error (error);
  assert_state_dict (project->model, run_of (0));
  y = eval_forward (project->model, x);
  nnb_rng_golden_assert_bits ("eval output", y->data, y->numel, json_object_get_string_member (st, "y"));
}

static GHashTable *
trained_tensors (NnbModel *model)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = nnb_safetensors_serialize_model (model, &error);
  GHashTable *tensors;

  g_assert_no_error (error);
  tensors = nnb_safetensors_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);
  return tensors;
}

static void
assert_load_message (NnbModel *model, GHashTable *tensors, const char *member)
{
  g_autoptr (GError) error = NULL;
  const char *expected = json_object_get_string_member (json_object_get_object_member (golden (), "messages"), member);

  g_assert_false (nnb_model_load_state_dict (model, tensors, &error));
  g_assert_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_MISMATCH);
  g_assert_cmpstr (error->message, ==, expected);
}

/* load_state_dict's messages with buffers, word for word */
static void
test_state_dict_messages (void)
{
  g_autoptr (NnbProject) project = project_of (run_of (0));
  g_autoptr (NnbProject) fresh = project_of (run_of (0));
  g_autoptr (GHashTable) tensors = trained_tensors (project->model);
  g_autoptr (GError) error = NULL;
  const int64_t eight = 8;

  nnb_model_get_buffer (project->model, "4.num_batches_tracked")->count = 7;
  g_hash_table_unref (tensors);
  tensors = trained_tensors (project->model);

  /* without num_batches_tracked: tensor(0), as _NormBase fills it in */
  g_hash_table_remove (tensors, "4.num_batches_tracked");
  nnb_model_get_buffer (fresh->model, "4.num_batches_tracked")->count = 5;
  g_assert_true (nnb_model_load_state_dict (fresh->model, tensors, &error));
  g_assert_no_error (error);
  g_assert_cmpint (nnb_model_get_buffer (fresh->model, "4.num_batches_tracked")->count, ==,
                   json_object_get_int_member (json_object_get_object_member (golden (), "messages"),
                                               "num_batches_tracked_after_load"));

  g_hash_table_remove (tensors, "1.running_var");
  g_hash_table_insert (tensors, g_strdup ("1.foo"), nnb_tensor_new_2d (1, 16));
  assert_load_message (fresh->model, tensors, "missing_and_unexpected");

  g_hash_table_unref (tensors);
  tensors = trained_tensors (project->model);
  g_hash_table_insert (tensors, g_strdup ("4.running_mean"), nnb_tensor_new_cpu (1, &eight));
  /* a one-number [1] fills a scalar, as PyTorch allows */
  g_hash_table_insert (tensors, g_strdup ("1.num_batches_tracked"), nnb_tensor_new_cpu (1, (const int64_t[]){ 1 }));
  assert_load_message (fresh->model, tensors, "size_mismatch");
}

static char *
temp_path (const char *dir, const char *name)
{
  return g_build_filename (dir, name, NULL);
}

/* NN Blocks' safetensors: PyTorch's load_state_dict (strict) takes it and
 * the model computes what the engine computes */
static void
test_safetensors_to_pytorch (void)
{
  g_autoptr (NnbProject) project = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbTensor) x = golden_x ();
  g_autoptr (NnbTensor) y = NULL;
  g_autofree char *dir = NULL, *weights = NULL, *project_path = NULL, *out = NULL, *err = NULL, *x_hex = NULL;
  g_autofree char *script = nnb_test_path ("reference/make_batch_norm_golden.py");
  g_autofree char *project_text = NULL;
  GString *hex = g_string_new (NULL);

  if (!nnb_test_python_has ("torch", NULL))
    {
      nnb_test_missing ("/usr/bin/python3 cannot import torch");
      g_string_free (hex, TRUE);
      return;
    }
  project = train (run_of (0), FALSE);
  dir = g_dir_make_tmp ("nnb-bn-XXXXXX", &error);
  g_assert_no_error (error);
  weights = temp_path (dir, "w.safetensors");
  project_path = temp_path (dir, "p.json");
  g_assert_true (nnb_safetensors_save_model (project->model, weights, &error));
  g_assert_no_error (error);
  project_text = json_to_string (json_object_get_member (run_of (0), "project"), FALSE);
  g_assert_true (g_file_set_contents (project_path, project_text, -1, &error));
  for (int64_t i = 0; i < x->numel; i++)
    {
      guint32 bits;
      memcpy (&bits, &x->data[i], sizeof bits);
      g_string_append_printf (hex, "%08x", bits);
    }
  x_hex = g_string_free (hex, FALSE);
  {
    const char *argv[] = { "/usr/bin/python3", script, "--check", project_path, weights, x_hex, NULL };
    if (nnb_test_run (argv, &out, &err) != 0)
      g_error ("%s --check failed:\n%s", script, err);
  }
  y = eval_forward (project->model, x);
  g_strstrip (out);
  nnb_rng_golden_assert_bits ("PyTorch's output with NN Blocks' weights", y->data, y->numel, out);
  g_unlink (weights);
  g_unlink (project_path);
  g_rmdir (dir);
}

/* ------------------------------------------------------------- exports */

static void
test_exported_code (void)
{
  g_autoptr (NnbProject) project = project_of (run_of (0));
  g_autoptr (NnbProject) stats = project_of (run_of (1));
  g_autoptr (GError) error = NULL;
  g_autofree char *code = NULL, *stats_code = NULL, *printed = NULL, *dir = NULL, *path = NULL;

  code = nnb_export_pytorch_code (project->model, NULL);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (code, "nn.BatchNorm1d(16),"));
  g_assert_nonnull (strstr (code, "nn.BatchNorm1d(16, momentum=None, affine=False),"));
  stats_code = nnb_export_pytorch_code (stats->model, NULL);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (stats_code, "nn.BatchNorm1d(8, eps=0.001, track_running_stats=False),"));

  if (!nnb_test_python_has ("torch", NULL))
    {
      nnb_test_missing ("/usr/bin/python3 cannot import torch");
      return;
    }
  dir = g_dir_make_tmp ("nnb-bn-XXXXXX", &error);
  g_assert_no_error (error);
  path = temp_path (dir, "bn.nnb");
  project->training.log_every = 1;
  g_assert_true (nnb_project_save (project, path, FALSE, &error));
  g_assert_no_error (error);
  printed = nnb_test_export_trains_alike (path, NULL);
  if (strstr (printed, "epoch  19 loss") == NULL)
    g_error ("printed:\n%s", printed);
  g_unlink (path);
  g_rmdir (dir);
}

/* eval mode in ONNX: BatchNormalization with the running statistics,
 * ones and zeros without affine, the batch's statistics decomposed */
static void
test_onnx (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("nnb-bn-XXXXXX", &error);
  g_autofree char *script = nnb_test_path ("reference/onnx_run.py");
  gboolean checker = nnb_test_python_has ("onnx", NULL), runtime = nnb_test_have_onnxruntime ();
  static const char *const ops[] = {
    "[\"Gemm\", \"BatchNormalization\", \"Tanh\", \"Gemm\", \"BatchNormalization\", \"Relu\", \"Gemm\"]",
    "[\"Gemm\", \"ReduceMean\", \"Sub\", \"Mul\", \"ReduceMean\", \"Add\", \"Sqrt\", \"Div\", \"Mul\", \"Add\", "
    "\"Relu\", \"Gemm\", \"ReduceMean\", \"Sub\", \"Mul\", \"ReduceMean\", \"Add\", \"Sqrt\", \"Div\", \"Mul\", "
    "\"Add\", \"Tanh\", \"Gemm\"]",
  };

  g_assert_no_error (error);
  if (!checker)
    nnb_test_missing ("/usr/bin/python3 cannot import onnx");
  for (guint r = 0; r < 2; r++)
    {
      g_autoptr (NnbProject) project = train (run_of (r), FALSE);
      g_autofree char *path = g_strdup_printf ("%s/bn%u.onnx", dir, r);
      g_autoptr (NnbTensor) x = golden_x ();
      g_autoptr (NnbTensor) y = NULL;
      g_autofree char *out = NULL, *err = NULL;

      g_assert_true (nnb_export_onnx_file (project->model, path, &error));
      g_assert_no_error (error);
      y = eval_forward (project->model, x);
      if (runtime)
        nnb_test_assert_onnxruntime_matches (path, path, x, y);
      if (checker)
        {
          const char *argv[] = { "/usr/bin/python3", script, path, NULL };
          if (nnb_test_run (argv, &out, &err) != 0)
            g_error ("onnx_run.py refused %s:\n%s", path, err);
          if (strstr (out, ops[r]) == NULL)
            g_error ("run %u: %s\nwanted ops %s", r, out, ops[r]);
          if (r == 0)
            g_assert_nonnull (strstr (out, "\"1.running_mean\", \"1.running_var\", \"4.running_mean\", \"4.running_var\""));
        }
      g_unlink (path);
    }
  g_rmdir (dir);
}

/* --------------------------------------------------------------- the CLI */

static void
test_cli_inspect_lists_buffers (void)
{
  g_autoptr (NnbProject) project = project_of (run_of (0));
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("nnb-bn-XXXXXX", &error);
  g_autofree char *path = temp_path (dir, "bn.nnb");
  g_autofree char *out = NULL, *train_out = NULL, *eval_out = NULL, *input = NULL;
  const char *cli = g_getenv ("NNB_CLI");

  g_assert_true (nnb_project_save (project, path, FALSE, &error));
  g_assert_no_error (error);
  {
    const char *argv[] = { cli, "inspect", path, NULL };
    g_assert_cmpint (nnb_test_run (argv, &out, NULL), ==, 0);
  }
  /* PyTorch: sum(p.numel() for p in parameters()) = 32+32+272+17 = 353;
   * buffers 16+16+1 twice = 66; len(state_dict()) = 14 */
  g_assert_nonnull (strstr (out, "total parameters: 353\n"));
  g_assert_nonnull (strstr (out, "1.running_mean (16,)      buffer\n"));
  g_assert_nonnull (strstr (out, "4.num_batches_tracked ()         buffer\n"));
  g_assert_nonnull (strstr (out, "total buffers: 66 (not trained)\nstate_dict: 14 entries, 419 numbers\n"));

  input = temp_path (dir, "x.csv");
  g_assert_true (g_file_set_contents (input, "x\n0.5\n-1\n2\n", -1, &error));
  {
    const char *argv[] = { cli, "forward", path, "--input", input, "--train", NULL };
    const char *argv_eval[] = { cli, "forward", path, "--input", input, "--eval", NULL };
    g_autofree char *train_err = NULL, *eval_err = NULL;
    g_assert_cmpint (nnb_test_run (argv, &train_out, &train_err), ==, 0);
    g_assert_cmpint (nnb_test_run (argv_eval, &eval_out, &eval_err), ==, 0);
    g_assert_cmpstr (train_err, ==, "nnblocks-cli: forward in train mode (model.train())\n");
    g_assert_cmpstr (eval_err, ==, "nnblocks-cli: forward in eval mode (model.eval()); --train for train mode\n");
  }
  /* batch statistics against the running ones (zeros and ones) */
  g_assert_cmpstr (train_out, !=, eval_out);
  g_unlink (path);
  g_unlink (input);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/batch-norm-train/run-is-pytorchs", test_batch_norm_run_is_pytorchs);
  g_test_add_func ("/batch-norm-train/momentum-none-run-is-pytorchs", test_momentum_none_run_is_pytorchs);
  g_test_add_func ("/batch-norm-train/batch-stats-and-layer-norm-run-is-pytorchs", test_batch_stats_run_is_pytorchs);
  g_test_add_func ("/batch-norm-train/project/round-trip-keeps-the-state-dict", test_project_round_trip);
  g_test_add_func ("/batch-norm-train/project/bad-values-are-refused", test_project_refuses_bad_values);
  g_test_add_func ("/batch-norm-train/safetensors/pytorch-file-loads", test_pytorch_safetensors_load);
  g_test_add_func ("/batch-norm-train/safetensors/load-state-dict-messages", test_state_dict_messages);
  g_test_add_func ("/batch-norm-train/safetensors/pytorch-loads-ours", test_safetensors_to_pytorch);
  g_test_add_func ("/batch-norm-train/export/pytorch-code-trains-alike", test_exported_code);
  g_test_add_func ("/batch-norm-train/export/onnx", test_onnx);
  g_test_add_func ("/batch-norm-train/cli/inspect-and-forward", test_cli_inspect_lists_buffers);
  return g_test_run ();
}
