/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "nnb-test-util.h"

#include <math.h>
#include <string.h>
#include <stdarg.h>
#include <sys/wait.h>
#include <glib/gstdio.h>

char *
nnb_test_path (const char *relative)
{
  return g_test_build_filename (G_TEST_DIST, relative, NULL);
}

char *
nnb_test_source_path (const char *relative)
{
  const char *root = g_getenv ("NNB_SOURCE_DIR");
  g_autofree char *fallback = NULL;

  if (root == NULL)
    {
      fallback = g_test_build_filename (G_TEST_DIST, "..", NULL);
      root = fallback;
    }
  return g_build_filename (root, relative, NULL);
}

NnbProject *
nnb_test_load_example (const char *name)
{
  g_autofree char *relative = g_build_filename ("data", "examples", name, NULL);
  g_autofree char *path = nnb_test_source_path (relative);
  g_autoptr (GError) error = NULL;
  NnbProject *project = nnb_project_load (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (project);
  return project;
}

gboolean
nnb_test_python_has (const char *module, ...)
{
  g_autoptr (GString) script = g_string_new ("import ");
  va_list args;
  int status = 0;

  if (!g_file_test ("/usr/bin/python3", G_FILE_TEST_IS_EXECUTABLE))
    return FALSE;
  va_start (args, module);
  for (const char *m = module; m != NULL; m = va_arg (args, const char *))
    g_string_append_printf (script, "%s%s", m == module ? "" : ", ", m);
  va_end (args);

  const char *argv[] = { "/usr/bin/python3", "-c", script->str, NULL };
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, NULL, NULL, &status, NULL))
    return FALSE;
  return g_spawn_check_wait_status (status, NULL);
}

void
nnb_test_missing (const char *what)
{
  if (g_strcmp0 (g_getenv ("NNB_TEST_STRICT"), "1") == 0)
    g_test_fail_printf ("%s; ./test.sh installs what the tests need (NNB_TEST_STRICT=1)", what);
  else
    g_test_skip (what);
}

int
nnb_test_run (const char *const *argv, char **out, char **err)
{
  return nnb_test_run_env (argv, NULL, out, err);
}

int
nnb_test_run_env (const char *const *argv, const char *const *envp, char **out, char **err)
{
  g_autoptr (GError) error = NULL;
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, (char **) envp, G_SPAWN_DEFAULT, NULL, NULL, out, err, &status, &error))
    g_error ("cannot run %s: %s", argv[0], error->message);
  if (WIFEXITED (status))
    return WEXITSTATUS (status);
  return 128 + WTERMSIG (status);
}

double
nnb_test_rel_diff (double a, double b)
{
  double scale = fabs (b) > 1e-30 ? fabs (b) : 1e-30;
  return fabs (a - b) / scale;
}

NnbModule *
nnb_test_linear (int64_t in, int64_t out, gboolean bias)
{
  g_autoptr (GError) error = NULL;
  NnbModule *module = nnb_linear_new (in, out, bias, NULL, &error);

  g_assert_no_error (error);
  return module;
}

void
nnb_test_register (NnbModel *model, const char *name, NnbModule *module)
{
  g_autoptr (NnbModule) owned = module;
  g_autoptr (GError) error = NULL;

  g_assert_true (nnb_model_register_module (model, name, owned, &error));
  g_assert_no_error (error);
}

int
nnb_test_node (NnbModel *model, NnbNodeKind kind, const char *block, const char *module, int from)
{
  g_autoptr (GError) error = NULL;
  int node = nnb_model_add_node (model, kind, block, module, &error);

  g_assert_no_error (error);
  if (from >= 0)
    g_assert_true (nnb_model_connect (model, from, node, 0, &error));
  g_assert_no_error (error);
  return node;
}

int
nnb_test_sum (NnbModel *model, const char *block, int a, int b)
{
  g_autoptr (GError) error = NULL;
  int node = nnb_test_node (model, NNB_NODE_ADD, block, NULL, -1);

  g_assert_true (nnb_model_connect (model, a, node, 0, &error));
  g_assert_true (nnb_model_connect (model, b, node, 1, &error));
  g_assert_no_error (error);
  return node;
}

void
nnb_test_fill_parameters (NnbModel *model, double phase)
{
  GPtrArray *params = nnb_model_named_parameters (model);

  for (guint k = 0; k < params->len; k++)
    {
      NnbTensor *value = ((NnbNamedParameter *) params->pdata[k])->param->value;
      g_autofree float *host = g_new (float, value->numel);
      for (int64_t i = 0; i < value->numel; i++)
        host[i] = (float) (0.6 * sin (0.37 * (double) i + 1.3 * k + phase));
      nnb_tensor_write (value, host);
    }
}

void
nnb_test_connect (NnbModel *model, int from, int to, int slot)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (nnb_model_connect (model, from, to, slot, &error));
  g_assert_no_error (error);
}

NnbModel *
nnb_test_page_mlp (void)
{
  g_autoptr (GError) error = NULL;
  NnbModel *model = nnb_model_new ("MLP");
  int x, fc1, act, fc2, act2, add, head;

  nnb_test_register (model, "fc1", nnb_test_linear (3, 16, TRUE));
  nnb_test_register (model, "fc2", nnb_test_linear (16, 16, TRUE));
  nnb_test_register (model, "head", nnb_test_linear (16, 1, TRUE));
  nnb_test_register (model, "act", nnb_activation_new (NNB_MODULE_RELU));
  x = nnb_test_node (model, NNB_NODE_INPUT, "x", NULL, -1);
  fc1 = nnb_test_node (model, NNB_NODE_CALL, "fc1", "fc1", x);
  act = nnb_test_node (model, NNB_NODE_CALL, "act", "act", fc1);
  fc2 = nnb_test_node (model, NNB_NODE_CALL, "fc2", "fc2", act);
  act2 = nnb_test_node (model, NNB_NODE_CALL, "act_2", "act", fc2);
  add = nnb_test_sum (model, "add", act2, act);
  head = nnb_test_node (model, NNB_NODE_CALL, "head", "head", add);
  nnb_test_node (model, NNB_NODE_OUTPUT, "out", NULL, head);
  g_assert_true (nnb_model_validate (model, &error));
  g_assert_no_error (error);
  return model;
}

JsonObject *
nnb_test_golden (const char *relative)
{
  static GHashTable *parsers;
  JsonParser *parser;

  if (parsers == NULL)
    parsers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  parser = g_hash_table_lookup (parsers, relative);
  if (parser == NULL)
    {
      g_autofree char *path = nnb_test_path (relative);
      g_autoptr (GError) error = NULL;
      parser = json_parser_new ();
      json_parser_load_from_file (parser, path, &error);
      g_assert_no_error (error);
      g_hash_table_insert (parsers, g_strdup (relative), parser);
    }
  return json_node_get_object (json_parser_get_root (parser));
}

static guint32
float_bits (float value)
{
  guint32 bits;
  memcpy (&bits, &value, sizeof bits);
  return bits;
}

float
nnb_test_float_of_hex (const char *hex)
{
  guint32 bits = (guint32) g_ascii_strtoull (hex, NULL, 16);
  float value;

  memcpy (&value, &bits, sizeof value);
  return value;
}

void
nnb_test_assert_grad_bits (GPtrArray *params, JsonObject *grads)
{
  for (guint p = 0; p < params->len; p++)
    {
      NnbNamedParameter *named = params->pdata[p];
      g_autofree char *label = g_strdup_printf ("%s.grad", named->name);

      nnb_test_assert_float_bits (label, named->param->grad->data, named->param->grad->numel,
                                  json_object_get_array_member (grads, named->name));
    }
}

void
nnb_test_assert_parameter_bits (NnbModel *model, JsonObject *by_name, const char *what)
{
  GPtrArray *params = nnb_model_named_parameters (model);

  g_assert_cmpuint (params->len, ==, json_object_get_size (by_name));
  for (guint p = 0; p < params->len; p++)
    {
      NnbNamedParameter *named = params->pdata[p];
      g_autofree float *values = g_new (float, named->param->value->numel);
      g_autofree char *label = g_strdup_printf ("%s: %s", what, named->name);

      nnb_tensor_read (named->param->value, values);
      nnb_test_assert_float_bits (label, values, named->param->value->numel,
                                  json_object_get_array_member (by_name, named->name));
    }
}

void
nnb_test_load_parameter_bits (NnbModel *model, JsonObject *by_name)
{
  GPtrArray *params = nnb_model_named_parameters (model);

  g_assert_cmpuint (params->len, ==, json_object_get_size (by_name));
  for (guint p = 0; p < params->len; p++)
    {
      NnbNamedParameter *named = params->pdata[p];
      g_autofree float *v = nnb_test_floats_of_hex (by_name, named->name, named->param->value->numel);
      nnb_tensor_write (named->param->value, v);
    }
}

void
nnb_test_assert_epoch_doubles (const char *what, JsonArray *expected, const double *got, guint n)
{
  g_assert_cmpuint (json_array_get_length (expected), ==, n);
  for (guint e = 0; e < n; e++)
    if (json_array_get_double_element (expected, e) != got[e])
      {
        g_test_fail_printf ("%s at epoch %u is %.17g, PyTorch's is %.17g", what, e, got[e],
                            json_array_get_double_element (expected, e));
        return;
      }
}

float *
nnb_test_floats_of_hex (JsonObject *o, const char *name, gsize n)
{
  JsonArray *hex = json_object_get_array_member (o, name);
  float *values = g_new (float, MAX (n, 1));

  g_assert_cmpuint (json_array_get_length (hex), ==, n);
  for (gsize i = 0; i < n; i++)
    values[i] = nnb_test_float_of_hex (json_array_get_string_element (hex, i));
  return values;
}

void
nnb_test_assert_sgd_steps (NnbModel *model, JsonObject *golden, gsize rows, double lr)
{
  gsize n_x = json_array_get_length (json_object_get_array_member (golden, "x"));
  gsize n_target = json_array_get_length (json_object_get_array_member (golden, "target"));
  g_autoptr (NnbTensor) x = nnb_tensor_new_2d (rows, n_x / rows);
  g_autoptr (NnbTensor) target = nnb_tensor_new_2d (rows, n_target / rows);
  g_autoptr (NnbLoss) loss = nnb_loss_new (NNB_LOSS_MSE);
  g_autofree float *xs = nnb_test_floats_of_hex (golden, "x", n_x);
  g_autofree float *ts = nnb_test_floats_of_hex (golden, "target", n_target);
  JsonArray *losses = json_object_get_array_member (golden, "losses");
  g_autofree char *after = g_strdup_printf ("after %u steps", json_array_get_length (losses));
  NnbOptimizerOptions options;
  g_autoptr (NnbOptimizer) optimizer = NULL;
  g_autoptr (GError) error = NULL;

  nnb_tensor_write (x, xs);
  nnb_tensor_write (target, ts);
  nnb_test_load_parameter_bits (model, json_object_get_object_member (golden, "initial"));
  nnb_optimizer_options_init (&options, NNB_OPTIMIZER_SGD);
  options.lr = lr;
  optimizer = nnb_optimizer_new (model, &options, &error);
  g_assert_no_error (error);
  for (guint step = 0; step < json_array_get_length (losses); step++)
    {
      NnbTensor *out;
      double value;
      float value_f;

      nnb_optimizer_zero_grad (optimizer);
      out = nnb_model_forward (model, x, &error);
      g_assert_no_error (error);
      g_assert_true (nnb_loss_forward (loss, out, target, &value, &error));
      value_f = (float) value;
      if (value_f != nnb_test_float_of_hex (json_array_get_string_element (losses, step)))
        g_error ("loss of step %u: %.9g, PyTorch's %s", step + 1, value_f,
                 json_array_get_string_element (losses, step));
      g_assert_true (nnb_model_backward (model, nnb_loss_grad (loss), &error));
      g_assert_true (nnb_optimizer_step (optimizer, &error));
    }
  nnb_test_assert_parameter_bits (model, json_object_get_object_member (golden, "final"), after);
}

int
nnb_test_two_input_node (NnbModel *model, NnbNodeKind kind, const char *name, int a, int b)
{
  int node = nnb_test_node (model, kind, name, NULL, -1);

  nnb_test_connect (model, a, node, 0);
  nnb_test_connect (model, b, node, 1);
  return node;
}

void
nnb_test_assert_float_bits (const char *what, const float *values, gsize n, JsonArray *expected)
{
  g_assert_cmpuint (json_array_get_length (expected), ==, n);
  for (gsize i = 0; i < n; i++)
    {
      const char *hex = json_array_get_string_element (expected, i);
      guint32 want = (guint32) g_ascii_strtoull (hex, NULL, 16);
      if (float_bits (values[i]) != want)
        g_error ("%s[%" G_GSIZE_FORMAT "] = %.9g (%08x), PyTorch has %.9g (%08x)", what, i, values[i],
                 float_bits (values[i]), nnb_test_float_of_hex (hex), want);
    }
}

NnbSnapshot *
nnb_test_trainer_run_to_end (NnbTrainer *trainer, gint64 wait_us)
{
  gint64 start = g_get_monotonic_time ();

  nnb_trainer_start (trainer);
  for (;;)
    {
      NnbSnapshot *snapshot = nnb_trainer_get_snapshot (trainer);

      if (snapshot->state != NNB_TRAINER_IDLE && snapshot->state != NNB_TRAINER_RUNNING)
        return snapshot;
      nnb_snapshot_unref (snapshot);
      if (g_get_monotonic_time () - start > wait_us)
        g_error ("the trainer did not finish within %d s", (int) (wait_us / G_USEC_PER_SEC));
      g_usleep (1000);
    }
}

void
nnb_test_assert_case_bits (JsonObject *c, const char *member, const float *values, gsize n)
{
  JsonNode *node = json_object_get_member (c, member);
  g_autofree char *what = g_strdup_printf ("%s: %s", json_object_get_string_member (c, "name"), member);

  if (JSON_NODE_HOLDS_NULL (node))
    {
      g_assert_null (values);
      return;
    }
  g_assert_nonnull (values);
  nnb_test_assert_float_bits (what, values, n, json_node_get_array (node));
}

NnbSnapshot *
nnb_test_wait_for_snapshot (NnbTrainer *trainer, NnbTestSnapshotCheck check, gconstpointer data, gint64 wait_us,
                            gint64 *waited_us)
{
  gint64 start = g_get_monotonic_time ();

  for (;;)
    {
      NnbSnapshot *snapshot = nnb_trainer_get_snapshot (trainer);
      gint64 now = g_get_monotonic_time ();

      if (check (snapshot, data))
        {
          if (waited_us != NULL)
            *waited_us = now - start;
          return snapshot;
        }
      nnb_snapshot_unref (snapshot);
      if (now - start > wait_us)
        g_error ("the trainer did not reach the expected state within %d s", (int) (wait_us / G_USEC_PER_SEC));
      g_usleep (200);
    }
}

char *
nnb_test_export_trains_alike (const char *path, char **code)
{
  g_autofree char *dir = g_dir_make_tmp ("nnb-export-XXXXXX", NULL);
  g_autofree char *script = g_build_filename (dir, "model.py", NULL);
  const char *export_argv[] = { g_getenv ("NNB_CLI"), "export", path, "--format", "pytorch", "-o", script, NULL };
  const char *train_argv[] = { g_getenv ("NNB_CLI"), "train", path, NULL };
  const char *python_argv[] = { "/usr/bin/python3", script, "--train", NULL };
  /* the PyTorch the engine reproduces (tests/reference/nnb_pytorch_env.py) */
  const char *python_env[] = { "OPENBLAS_CORETYPE=Haswell", "OPENBLAS_NUM_THREADS=1", "OMP_NUM_THREADS=1",
                               "ATEN_CPU_CAPABILITY=avx2", "PATH=/usr/bin:/bin", NULL };
  g_autofree char *theirs = NULL;
  g_autofree char *err = NULL;
  char *ours = NULL;

  g_assert_cmpint (nnb_test_run (export_argv, NULL, NULL), ==, 0);
  if (code != NULL)
    g_assert_true (g_file_get_contents (script, code, NULL, NULL));
  g_assert_cmpint (nnb_test_run (train_argv, &ours, NULL), ==, 0);
  if (nnb_test_run_env (python_argv, python_env, &theirs, &err) != 0)
    g_error ("%s: the exported code failed in PyTorch: %s", path, err);
  g_assert_cmpstr (theirs, ==, ours);
  g_remove (script);
  g_rmdir (dir);
  return ours;
}

/* ---------------------------------------------------------------------- */
/* ONNX files in onnxruntime-web                                          */
/* ---------------------------------------------------------------------- */

gboolean
nnb_test_have_onnxruntime (void)
{
  static int answer = -1;

  if (answer < 0)
    {
      g_autofree char *node = g_find_program_in_path ("node");
      g_autofree char *package = nnb_test_path ("onnxruntime/node_modules/onnxruntime-web/package.json");
      answer = node != NULL && g_file_test (package, G_FILE_TEST_IS_REGULAR);
    }
  return answer;
}

/* {"shape": [...], "data": [...]}, each float32 exactly (%.9g round-trips) */
static char *
tensor_json (const NnbTensor *x)
{
  GString *text = g_string_new ("{\"shape\": [");

  for (int d = 0; d < x->ndim; d++)
    g_string_append_printf (text, "%s%" G_GINT64_FORMAT, d ? ", " : "", x->shape[d]);
  g_string_append (text, "], \"data\": [");
  for (int64_t i = 0; i < x->numel; i++)
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];
      g_string_append_printf (text, "%s%s", i ? ", " : "", g_ascii_formatd (buf, sizeof buf, "%.9g", x->data[i]));
    }
  g_string_append (text, "]}");
  return g_string_free (text, FALSE);
}

NnbTensor *
nnb_test_onnxruntime_run (const char *model_path, const NnbTensor *x)
{
  g_autofree char *node = g_find_program_in_path ("node");
  g_autofree char *runner = nnb_test_path ("onnxruntime/run.mjs");
  g_autofree char *input_path = NULL, *input = tensor_json (x);
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  int fd, status;
  JsonObject *output;
  JsonArray *shape, *data;
  int64_t dims[NNB_MAX_DIMS];
  NnbTensor *y;

  g_assert_nonnull (node);
  fd = g_file_open_tmp ("nnb-ort-input-XXXXXX.json", &input_path, &error);
  g_assert_no_error (error);
  g_close (fd, NULL);
  g_assert_true (g_file_set_contents (input_path, input, -1, &error));
  {
    const char *argv[] = { node, runner, model_path, input_path, NULL };
    status = nnb_test_run (argv, &out, &err);
  }
  g_unlink (input_path);
  if (status != 0)
    g_error ("onnxruntime-web could not run %s (%d):\n%s", model_path, status, err);
  if (!json_parser_load_from_data (parser, out, -1, &error))
    g_error ("tests/onnxruntime/run.mjs printed no JSON (%s):\n%s", error->message, out);
  output = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)), "output");
  shape = json_object_get_array_member (output, "shape");
  data = json_object_get_array_member (output, "data");
  g_assert_cmpuint (json_array_get_length (shape), <=, NNB_MAX_DIMS);
  for (guint d = 0; d < json_array_get_length (shape); d++)
    dims[d] = json_array_get_int_element (shape, d);
  y = nnb_tensor_new_cpu ((int) json_array_get_length (shape), dims);
  g_assert_cmpuint (json_array_get_length (data), ==, y->numel);
  for (int64_t i = 0; i < y->numel; i++)
    y->data[i] = (float) json_array_get_double_element (data, i);
  return y;
}

/* The tolerance: |ort − ours| ≤ 1e-5·|ours| + 1e-6·max|ours|. Both sides
 * run float32 and round each operation, but ORT's kernels are not PyTorch's:
 * MLAS sums a Gemm's products in another order and blocking, and its tanh,
 * sigmoid, erf and exp are its own polynomials, a few float32 ulps (1 ulp is
 * 6e-8 relative) from SLEEF's; a chain of ten such ops stays far below 1e-5.
 * The absolute term, scaled by the largest output, covers values that are
 * a near-cancelling sum (a difference of two larger terms carries their
 * rounding, not its own). A wrong weight, transpose, axis or constant moves
 * values by percents, not by 1e-5 (a LayerNorm eps 10 % off fails by 10×).
 * test-export's models use at most a tenth of this (onnxruntime-web 1.20.1). */
void
nnb_test_assert_onnxruntime_matches (const char *what, const char *model_path, const NnbTensor *x,
                                     const NnbTensor *expected)
{
  g_autoptr (NnbTensor) y = nnb_test_onnxruntime_run (model_path, x);
  double largest = 0.0, worst = 0.0;

  g_assert_cmpint (y->ndim, ==, expected->ndim);
  for (int d = 0; d < expected->ndim; d++)
    g_assert_cmpint (y->shape[d], ==, expected->shape[d]);
  for (int64_t i = 0; i < expected->numel; i++)
    largest = MAX (largest, fabs (expected->data[i]));
  for (int64_t i = 0; i < expected->numel; i++)
    {
      double want = expected->data[i], got = y->data[i];
      double allowed = 1e-5 * fabs (want) + 1e-6 * largest;
      worst = MAX (worst, fabs (got - want) / MAX (allowed, 1e-30));
      if (!(fabs (got - want) <= allowed))
        g_error ("%s: onnxruntime-web gives %.9g for output %" G_GINT64_FORMAT ", NN Blocks gives %.9g (difference %.3g, allowed %.3g)",
                 what, got, i, want, fabs (got - want), allowed);
    }
  g_test_message ("%s: onnxruntime-web's largest difference is %.3g of the allowed one", what, worst);
}
