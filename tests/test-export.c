/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-export.c — the model as PyTorch code and as ONNX.
 *
 * The exported code must run as is: with /usr/bin/python3 and torch
 * installed, each model's weights and code are written to a temporary
 * folder, the script runs (tests/reference/torch_forward.py), and PyTorch's
 * output for a fixed input must match nnb_model_forward. The ONNX files
 * must pass onnx.checker and strict shape inference
 * (tests/reference/onnx_run.py), and a real ONNX runtime (onnxruntime-web
 * under node, nnb_test_assert_onnxruntime_matches) must give the numbers of
 * the model's forward in eval mode again. */
#include <math.h>
#include <string.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "nnb-error.h"
#include "nnb-export.h"
#include "nnb-files-private.h"
#include "nnb-safetensors.h"
#include "nnb-test-util.h"

/* ---------------------------------------------------------------------- */
/* Models                                                                 */
/* ---------------------------------------------------------------------- */

/* A graph input → calls of `modules` in turn → output; NULL-terminated. */
static void
wire_chain (NnbModel *model, const char *const *modules)
{
  int previous = nnb_test_node (model, NNB_NODE_INPUT, "input", NULL, -1);

  for (int i = 0; modules[i] != NULL; i++)
    {
      g_autofree char *block = g_strdup_printf ("%s_%d", modules[i], i);
      previous = nnb_test_node (model, NNB_NODE_CALL, block, modules[i], previous);
    }
  nnb_test_node (model, NNB_NODE_OUTPUT, "output", NULL, previous);
}

/* (a) nn.Sequential(Linear(3, 16), ReLU(), Linear(16, 16), ReLU(), Linear(16, 1)) */
static NnbModel *
build_sequential (void)
{
  NnbModule *modules[] = {
    nnb_test_linear (3, 16, TRUE),
    nnb_activation_new (NNB_MODULE_RELU),
    nnb_test_linear (16, 16, TRUE),
    nnb_activation_new (NNB_MODULE_RELU),
    nnb_test_linear (16, 1, TRUE),
  };
  NnbModel *model = nnb_model_new_sequential (modules, G_N_ELEMENTS (modules));

  for (guint i = 0; i < G_N_ELEMENTS (modules); i++)
    nnb_module_unref (modules[i]);
  return model;
}

/* (b) the page's MLP(3, 16, 1):
 *   h = act(fc1(x)); h = act(fc2(h)) + h; return head(h) */
static NnbModel *
build_mlp (void)
{
  NnbModel *model = nnb_model_new ("MLP");
  int input, a1, a2;

  nnb_test_register (model, "fc1", nnb_test_linear (3, 16, TRUE));
  nnb_test_register (model, "fc2", nnb_test_linear (16, 16, TRUE));
  nnb_test_register (model, "head", nnb_test_linear (16, 1, TRUE));
  nnb_test_register (model, "act", nnb_activation_new (NNB_MODULE_RELU));
  input = nnb_test_node (model, NNB_NODE_INPUT, "input", NULL, -1);
  a1 = nnb_test_node (model, NNB_NODE_CALL, "act1", "act", nnb_test_node (model, NNB_NODE_CALL, "fc1", "fc1", input));
  a2 = nnb_test_node (model, NNB_NODE_CALL, "act2", "act", nnb_test_node (model, NNB_NODE_CALL, "fc2", "fc2", a1));
  nnb_test_node (model, NNB_NODE_OUTPUT, "output", NULL,
                 nnb_test_node (model, NNB_NODE_CALL, "head", "head", nnb_test_sum (model, "add", a2, a1)));
  return model;
}

/* (c) SineNet: self.net = nn.Sequential(Linear(1, 64), Tanh(), Linear(64, 64), Tanh(), Linear(64, 1)) */
static NnbModel *
build_sinenet (void)
{
  NnbModel *model = nnb_model_new ("SineNet");
  NnbModule *net = nnb_sequential_new ();
  static const char *const chain[] = { "net", NULL };

  for (int i = 0; i < 5; i++)
    {
      g_autoptr (NnbModule) child = i % 2 ? nnb_activation_new (NNB_MODULE_TANH)
                                          : nnb_test_linear (i == 0 ? 1 : 64, i == 4 ? 1 : 64, TRUE);
      nnb_sequential_append (net, child);
    }
  nnb_test_register (model, "net", net);
  wire_chain (model, chain);
  return model;
}

/* Every other kind of block, in a chain with the diagram's own names:
 * LeakyReLU's slope, GELU, Softmax, Sigmoid, Identity, LogSoftmax(dim=-1),
 * a Linear without bias. */
static NnbModel *
build_every_activation (void)
{
  NnbModel *model = nnb_model_new ("Zoo");
  static const char *const chain[] = { "fc1", "leaky", "fc2", "gelu", "soft", "fc3", "sig", "ident", "logsoft", NULL };

  nnb_test_register (model, "fc1", nnb_test_linear (4, 8, TRUE));
  nnb_test_register (model, "leaky", nnb_leaky_relu_new (0.2));
  nnb_test_register (model, "fc2", nnb_test_linear (8, 8, FALSE));
  nnb_test_register (model, "gelu", nnb_activation_new (NNB_MODULE_GELU));
  nnb_test_register (model, "soft", nnb_softmax_new (NNB_MODULE_SOFTMAX, 1, NULL));
  nnb_test_register (model, "fc3", nnb_test_linear (8, 2, TRUE));
  nnb_test_register (model, "sig", nnb_activation_new (NNB_MODULE_SIGMOID));
  nnb_test_register (model, "ident", nnb_activation_new (NNB_MODULE_IDENTITY));
  nnb_test_register (model, "logsoft", nnb_softmax_new (NNB_MODULE_LOG_SOFTMAX, -1, NULL));
  wire_chain (model, chain);
  return model;
}

/* LayerNorm with its defaults and without them:
 * fc1 → norm → act → norm2 (eps=0.001, no affine) → head */
static NnbModel *
build_layer_norm (void)
{
  NnbModel *model = nnb_model_new ("Normed");
  static const char *const chain[] = { "fc1", "norm", "act", "norm2", "head", NULL };
  g_autoptr (GError) error = NULL;

  nnb_test_register (model, "fc1", nnb_test_linear (4, 8, TRUE));
  nnb_test_register (model, "norm", nnb_layer_norm_new (8, 1e-5, TRUE, &error));
  nnb_test_register (model, "act", nnb_activation_new (NNB_MODULE_TANH));
  nnb_test_register (model, "norm2", nnb_layer_norm_new (8, 0.001, FALSE, &error));
  nnb_test_register (model, "head", nnb_test_linear (8, 2, TRUE));
  g_assert_no_error (error);
  wire_chain (model, chain);
  return model;
}

/* One Linear called twice: x → fc_in → shared → act → shared → (+ x') → head */
static NnbModel *
build_shared (void)
{
  NnbModel *model = nnb_model_new ("Shared");
  int input, h0, h1, h2;

  nnb_test_register (model, "fc_in", nnb_test_linear (2, 8, TRUE));
  nnb_test_register (model, "shared", nnb_test_linear (8, 8, TRUE));
  nnb_test_register (model, "act", nnb_activation_new (NNB_MODULE_TANH));
  nnb_test_register (model, "head", nnb_test_linear (8, 3, TRUE));
  input = nnb_test_node (model, NNB_NODE_INPUT, "input", NULL, -1);
  h0 = nnb_test_node (model, NNB_NODE_CALL, "fc_in", "fc_in", input);
  h1 = nnb_test_node (model, NNB_NODE_CALL, "act", "act", nnb_test_node (model, NNB_NODE_CALL, "shared1", "shared", h0));
  h2 = nnb_test_node (model, NNB_NODE_CALL, "shared2", "shared", h1);
  nnb_test_node (model, NNB_NODE_OUTPUT, "output", NULL,
                 nnb_test_node (model, NNB_NODE_CALL, "head", "head", nnb_test_sum (model, "skip", h2, h0)));
  return model;
}

/* Two branches merged by cat, gated by *, then cat with the input:
 * head(torch.cat([torch.cat([a, b], dim=1) * sig(gate(x)), x], dim=1)) */
static NnbModel *
build_gated (void)
{
  NnbModel *model = nnb_model_new ("Gated");
  int input, a, b, g, m;

  nnb_test_register (model, "fc_a", nnb_test_linear (2, 4, TRUE));
  nnb_test_register (model, "fc_b", nnb_test_linear (2, 3, TRUE));
  nnb_test_register (model, "gate", nnb_test_linear (2, 7, TRUE));
  nnb_test_register (model, "act", nnb_activation_new (NNB_MODULE_TANH));
  nnb_test_register (model, "sig", nnb_activation_new (NNB_MODULE_SIGMOID));
  nnb_test_register (model, "head", nnb_test_linear (9, 3, TRUE));
  input = nnb_test_node (model, NNB_NODE_INPUT, "input", NULL, -1);
  a = nnb_test_node (model, NNB_NODE_CALL, "act_a", "act", nnb_test_node (model, NNB_NODE_CALL, "fc_a", "fc_a", input));
  b = nnb_test_node (model, NNB_NODE_CALL, "act_b", "act", nnb_test_node (model, NNB_NODE_CALL, "fc_b", "fc_b", input));
  g = nnb_test_node (model, NNB_NODE_CALL, "sig", "sig", nnb_test_node (model, NNB_NODE_CALL, "gate", "gate", input));
  m = nnb_test_two_input_node (model, NNB_NODE_MUL, "mul", nnb_test_two_input_node (model, NNB_NODE_CAT, "cat", a, b), g);
  nnb_test_node (model, NNB_NODE_OUTPUT, "output", NULL,
                 nnb_test_node (model, NNB_NODE_CALL, "head", "head",
                                nnb_test_two_input_node (model, NNB_NODE_CAT, "cat_2", m, input)));
  return model;
}

/* A Sequential whose diagram gained a skip connection: modules 0, 1, 2,
 * and forward 0 → 1 → 2, + the output of 0. */
static NnbModel *
build_sequential_with_skip (void)
{
  NnbModel *model = nnb_model_new ("Sequential");
  int input, h0, h2;

  nnb_test_register (model, "0", nnb_test_linear (3, 5, TRUE));
  nnb_test_register (model, "1", nnb_activation_new (NNB_MODULE_TANH));
  nnb_test_register (model, "2", nnb_test_linear (5, 5, TRUE));
  input = nnb_test_node (model, NNB_NODE_INPUT, "input", NULL, -1);
  h0 = nnb_test_node (model, NNB_NODE_CALL, "b0", "0", input);
  h2 = nnb_test_node (model, NNB_NODE_CALL, "b2", "2", nnb_test_node (model, NNB_NODE_CALL, "b1", "1", h0));
  nnb_test_node (model, NNB_NODE_OUTPUT, "output", NULL, nnb_test_sum (model, "plus", h2, h0));
  return model;
}

/* A Sequential chain after a block was deleted: modules 0 and 2. */
static NnbModel *
build_sequential_with_gap (void)
{
  NnbModel *model = nnb_model_new ("Sequential");
  static const char *const chain[] = { "0", "2", NULL };

  nnb_test_register (model, "0", nnb_test_linear (2, 4, TRUE));
  nnb_test_register (model, "2", nnb_activation_new (NNB_MODULE_SIGMOID));
  wire_chain (model, chain);
  return model;
}

/* nn.ReLU() alone: no Linear fixes the width */
static NnbModel *
build_activation_only (void)
{
  NnbModel *model = nnb_model_new ("Act");
  static const char *const chain[] = { "act", NULL };

  nnb_test_register (model, "act", nnb_activation_new (NNB_MODULE_RELU));
  wire_chain (model, chain);
  return model;
}

/* ---------------------------------------------------------------------- */
/* Running Python                                                         */
/* ---------------------------------------------------------------------- */

/* Importing torch takes a second or two: ask once per program. */
static gboolean
have_torch (void)
{
  static int answer = -1;
  if (answer < 0)
    answer = nnb_test_python_has ("torch", NULL);
  return answer;
}

static gboolean
have_onnx (void)
{
  static int answer = -1;
  if (answer < 0)
    answer = nnb_test_python_has ("onnx", NULL);
  return answer;
}

typedef struct
{
  char *dir;
  GPtrArray *files;
} TempDir;

static TempDir *
temp_dir_new (void)
{
  g_autoptr (GError) error = NULL;
  TempDir *tmp = g_new0 (TempDir, 1);

  tmp->dir = g_dir_make_tmp ("nnb-export-XXXXXX", &error);
  g_assert_no_error (error);
  tmp->files = g_ptr_array_new_with_free_func (g_free);
  return tmp;
}

static char *
temp_file (TempDir *tmp, const char *name)
{
  char *path = g_build_filename (tmp->dir, name, NULL);
  g_ptr_array_add (tmp->files, g_strdup (path));
  return path;
}

static void
temp_dir_free (TempDir *tmp)
{
  if (g_getenv ("NNB_TEST_KEEP_FILES") != NULL)
    {
      g_test_message ("files kept in %s", tmp->dir);
      g_ptr_array_unref (tmp->files);
      g_free (tmp->dir);
      g_free (tmp);
      return;
    }
  for (guint i = 0; i < tmp->files->len; i++)
    g_unlink (tmp->files->pdata[i]);
  /* Python may leave its bytecode cache beside an imported script */
  g_autofree char *cache = g_build_filename (tmp->dir, "__pycache__", NULL);
  g_rmdir (cache);
  g_rmdir (tmp->dir);
  g_ptr_array_unref (tmp->files);
  g_free (tmp->dir);
  g_free (tmp);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TempDir, temp_dir_free)

static void
write_file (const char *path, const char *text)
{
  g_autoptr (GError) error = NULL;
  g_assert_true (g_file_set_contents (path, text, -1, &error));
  g_assert_no_error (error);
}

/* A fixed input of n rows for a model with `features` inputs. */
static NnbTensor *
fixed_input (int64_t rows, int64_t features)
{
  NnbTensor *x = nnb_tensor_new_2d (rows, features);
  for (int64_t i = 0; i < x->numel; i++)
    x->data[i] = (float) (2.5 * sin (0.9 * (double) i + 0.4));
  return x;
}

/* {"shape": [...], "data": [...]} as the reference scripts read it */
static void
write_input_json (const char *path, const NnbTensor *x)
{
  g_autoptr (GString) text = g_string_new ("{\"shape\": [");

  for (int d = 0; d < x->ndim; d++)
    g_string_append_printf (text, "%s%" G_GINT64_FORMAT, d ? ", " : "", x->shape[d]);
  g_string_append (text, "], \"data\": [");
  for (int64_t i = 0; i < x->numel; i++)
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];
      g_string_append_printf (text, "%s%s", i ? ", " : "", g_ascii_dtostr (buf, sizeof buf, x->data[i]));
    }
  g_string_append (text, "]}");
  write_file (path, text->str);
}

/* Runs /usr/bin/python3 tests/reference/SCRIPT args…; returns its JSON. */
static JsonParser *
run_reference (const char *script, const char *const *args)
{
  g_autofree char *relative = g_strconcat ("reference/", script, NULL);
  g_autofree char *script_path = nnb_test_path (relative);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr (GError) error = NULL;
  JsonParser *parser = json_parser_new ();
  int status;

  g_ptr_array_add (argv, "/usr/bin/python3");
  g_ptr_array_add (argv, script_path);
  for (int i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  status = nnb_test_run ((const char *const *) argv->pdata, &out, &err);
  if (status != 0)
    g_error ("%s failed (%d):\n%s", script, status, err);
  if (!json_parser_load_from_data (parser, out, -1, &error))
    g_error ("%s printed no JSON (%s):\n%s", script, error->message, out);
  return parser;
}

/* Output {"shape", "data"} against the engine's forward: within 1e-6 of
 * the value (or of the largest output, for values near zero, where a
 * relative error means nothing). */
static void
assert_matches_output (JsonObject *result, const NnbTensor *expected, const char *what)
{
  JsonArray *shape = json_object_get_array_member (result, "shape");
  JsonArray *data = json_object_get_array_member (result, "data");
  double largest = 0.0, worst = 0.0;

  g_assert_cmpuint (json_array_get_length (shape), ==, expected->ndim);
  for (int d = 0; d < expected->ndim; d++)
    g_assert_cmpint (json_array_get_int_element (shape, d), ==, expected->shape[d]);
  g_assert_cmpuint (json_array_get_length (data), ==, expected->numel);
  for (int64_t i = 0; i < expected->numel; i++)
    largest = MAX (largest, fabs (expected->data[i]));
  for (int64_t i = 0; i < expected->numel; i++)
    {
      double got = json_array_get_double_element (data, i);
      double scale = MAX (fabs (expected->data[i]), 1e-3 * largest);
      double rel = fabs (got - expected->data[i]) / MAX (scale, 1e-30);
      worst = MAX (worst, rel);
      if (rel > 1e-6)
        g_error ("%s: output %" G_GINT64_FORMAT " is %.9g, NN Blocks gives %.9g (relative difference %.3g)",
                 what, i, got, expected->data[i], rel);
    }
  g_test_message ("%s: largest relative difference %.3g", what, worst);
}

static NnbTensor *
forward (NnbModel *model, const NnbTensor *x)
{
  g_autoptr (GError) error = NULL;
  NnbTensor *y = nnb_model_forward (model, (NnbTensor *) x, &error);

  g_assert_no_error (error);
  return nnb_tensor_copy (y, NULL);
}

/* ---------------------------------------------------------------------- */
/* PyTorch code                                                           */
/* ---------------------------------------------------------------------- */

static void
assert_contains (const char *code, const char *fragment)
{
  if (strstr (code, fragment) == NULL)
    g_error ("the code lacks \"%s\":\n%s", fragment, code);
}

/* Exports weights and code, runs the code with PyTorch and compares. */
static void
check_runs_in_pytorch (NnbModel *model, const char *stem, const char *class_name, gboolean chain,
                       gboolean same_repr)
{
  g_autoptr (TempDir) tmp = NULL;
  g_autofree char *weights_name = g_strconcat (stem, ".safetensors", NULL);
  g_autofree char *code_name = g_strconcat (stem, ".py", NULL);
  g_autofree char *weights = NULL, *code_path = NULL, *input_path = NULL, *code = NULL;
  g_autofree char *repr = NULL, *printed = NULL;
  g_autoptr (NnbTensor) x = NULL;
  g_autoptr (NnbTensor) y = NULL;
  g_autoptr (JsonParser) parser = NULL;
  g_autoptr (GError) error = NULL;
  JsonObject *result;

  if (!have_torch ())
    {
      nnb_test_missing ("/usr/bin/python3 cannot import torch");
      return;
    }
  tmp = temp_dir_new ();
  weights = temp_file (tmp, weights_name);
  code_path = temp_file (tmp, code_name);
  input_path = temp_file (tmp, "input.json");

  nnb_test_fill_parameters (model, 0.7);
  g_assert_true (nnb_safetensors_save_model (model, weights, &error));
  g_assert_no_error (error);
  code = nnb_export_pytorch_code (model, weights_name);
  write_file (code_path, code);
  x = fixed_input (6, nnb_model_input_features (model));
  write_input_json (input_path, x);
  y = forward (model, x);

  {
    const char *args[] = { code_path, input_path, class_name, NULL };
    parser = run_reference ("torch_forward.py", args);
  }
  result = json_node_get_object (json_parser_get_root (parser));
  /* print(model) in the script prints what NN Blocks prints (but for the
   * class name of a Sequential that is not a chain: it is a subclass) */
  repr = nnb_model_repr (model);
  printed = g_strconcat (repr, "\n", NULL);
  if (same_repr)
    g_assert_cmpstr (json_object_get_string_member (result, "repr"), ==, printed);
  assert_matches_output (json_object_get_object_member (result, "output"), y, "the script's model");
  assert_matches_output (json_object_get_object_member (result, "class"), y, class_name);
  g_assert_cmpint (json_object_has_member (result, "sequential"), ==, chain);
  if (chain)
    assert_matches_output (json_object_get_object_member (result, "sequential"), y, "make_sequential()");
}

static void
test_code_sequential (void)
{
  g_autoptr (NnbModel) model = build_sequential ();
  g_autofree char *code = nnb_export_pytorch_code (model, "seq.safetensors");

  g_test_message ("%s", code);
  /* nn.Sequential is PyTorch's own class: the file subclasses it as Model
   * and builds the real thing in make_sequential() */
  assert_contains (code, "class Model(nn.Sequential):\n"
                         "    def __init__(self):\n"
                         "        super().__init__(\n"
                         "            nn.Linear(3, 16),\n"
                         "            nn.ReLU(),\n"
                         "            nn.Linear(16, 16),\n"
                         "            nn.ReLU(),\n"
                         "            nn.Linear(16, 1),\n"
                         "        )\n");
  assert_contains (code, "def make_sequential():\n");
  assert_contains (code, "    return nn.Sequential(\n        nn.Linear(3, 16),\n");
  assert_contains (code, "    model = make_sequential()\n");
  assert_contains (code, "\"seq.safetensors\")\n    model.load_state_dict(load_safetensors(path))\n    print(model)\n");
  check_runs_in_pytorch (model, "seq", "Model", TRUE, TRUE);
}

static void
test_code_mlp_with_skip_connection (void)
{
  g_autoptr (NnbModel) model = build_mlp ();
  g_autofree char *code = nnb_export_pytorch_code (model, "mlp.safetensors");

  g_test_message ("%s", code);
  assert_contains (code, "class MLP(nn.Module):\n"
                         "    def __init__(self):\n"
                         "        super().__init__()\n"
                         "        self.fc1 = nn.Linear(3, 16)\n"
                         "        self.fc2 = nn.Linear(16, 16)\n"
                         "        self.head = nn.Linear(16, 1)\n"
                         "        self.act = nn.ReLU()\n"
                         "\n"
                         "    def forward(self, x):\n"
                         "        x = self.fc1(x)\n"
                         "        x = self.act(x)\n"
                         "        h = self.fc2(x)\n"
                         "        h = self.act(h)\n"
                         "        h = h + x\n"
                         "        return self.head(h)\n");
  /* a skip connection is not a chain */
  g_assert_null (strstr (code, "make_sequential"));
  assert_contains (code, "    model = MLP()\n");
  check_runs_in_pytorch (model, "mlp", "MLP", FALSE, TRUE);
}

static void
test_code_sinenet (void)
{
  g_autoptr (NnbModel) model = build_sinenet ();
  g_autofree char *code = nnb_export_pytorch_code (model, "sine.safetensors");

  g_test_message ("%s", code);
  assert_contains (code, "class SineNet(nn.Module):\n"
                         "    def __init__(self):\n"
                         "        super().__init__()\n"
                         "        self.net = nn.Sequential(\n"
                         "            nn.Linear(1, 64),\n"
                         "            nn.Tanh(),\n"
                         "            nn.Linear(64, 64),\n"
                         "            nn.Tanh(),\n"
                         "            nn.Linear(64, 1),\n"
                         "        )\n"
                         "\n"
                         "    def forward(self, x):\n"
                         "        return self.net(x)\n");
  /* one registered module called once is a chain too: the names survive */
  assert_contains (code, "    return nn.Sequential(\n        OrderedDict([\n            (\"net\", nn.Sequential(\n");
  check_runs_in_pytorch (model, "sine", "SineNet", TRUE, TRUE);
}

static void
test_code_every_activation (void)
{
  g_autoptr (NnbModel) model = build_every_activation ();
  g_autofree char *code = nnb_export_pytorch_code (model, "zoo.safetensors");

  g_test_message ("%s", code);
  assert_contains (code, "        self.leaky = nn.LeakyReLU(negative_slope=0.2)\n");
  assert_contains (code, "        self.fc2 = nn.Linear(8, 8, bias=False)\n");
  assert_contains (code, "        self.gelu = nn.GELU()\n");
  assert_contains (code, "        self.sig = nn.Sigmoid()\n");
  assert_contains (code, "        self.ident = nn.Identity()\n");
  assert_contains (code, "        self.soft = nn.Softmax(dim=1)\n");
  assert_contains (code, "        self.logsoft = nn.LogSoftmax(dim=-1)\n");
  assert_contains (code, "from collections import OrderedDict\n");
  check_runs_in_pytorch (model, "zoo", "Zoo", TRUE, TRUE);
}

static void
test_code_layer_norm (void)
{
  g_autoptr (NnbModel) model = build_layer_norm ();
  g_autofree char *code = nnb_export_pytorch_code (model, "normed.safetensors");

  assert_contains (code, "        self.norm = nn.LayerNorm(8)\n");
  assert_contains (code, "        self.norm2 = nn.LayerNorm(8, eps=0.001, elementwise_affine=False)\n");
  check_runs_in_pytorch (model, "normed", "Normed", TRUE, TRUE);
}

static void
test_code_module_called_twice (void)
{
  g_autoptr (NnbModel) model = build_shared ();
  g_autofree char *code = nnb_export_pytorch_code (model, "shared.safetensors");

  g_test_message ("%s", code);
  assert_contains (code, "        x = self.fc_in(x)\n"
                         "        h = self.shared(x)\n"
                         "        h = self.act(h)\n"
                         "        h = self.shared(h)\n"
                         "        h = h + x\n"
                         "        return self.head(h)\n");
  check_runs_in_pytorch (model, "shared", "Shared", FALSE, TRUE);
}

static void
test_code_sequential_with_skip (void)
{
  g_autoptr (NnbModel) model = build_sequential_with_skip ();
  g_autofree char *code = nnb_export_pytorch_code (model, "skip.safetensors");

  g_test_message ("%s", code);
  /* still nn.Sequential's names (0.weight), with a forward of its own */
  assert_contains (code, "class Model(nn.Sequential):\n");
  assert_contains (code, "    def forward(self, x):\n"
                         "        x = self[0](x)\n"
                         "        h = self[1](x)\n"
                         "        h = self[2](h)\n"
                         "        return h + x\n");
  g_assert_null (strstr (code, "make_sequential"));
  assert_contains (code, "    model = Model()\n");
  check_runs_in_pytorch (model, "skip", "Model", FALSE, FALSE);
}

static void
test_code_cat_and_mul (void)
{
  g_autoptr (NnbModel) model = build_gated ();
  g_autofree char *code = nnb_export_pytorch_code (model, "gated.safetensors");

  g_test_message ("%s", code);
  assert_contains (code, "torch.cat([");
  assert_contains (code, "], dim=1)");
  assert_contains (code, " * ");
  check_runs_in_pytorch (model, "gated", "Gated", FALSE, TRUE);
}

static void
test_code_sequential_keeps_names (void)
{
  g_autoptr (NnbModel) model = build_sequential_with_gap ();
  g_autofree char *code = nnb_export_pytorch_code (model, "gap.safetensors");

  g_test_message ("%s", code);
  /* nn.Sequential(a, b) would rename "2" to "1" and lose the weights */
  assert_contains (code, "            (\"0\", nn.Linear(2, 4)),\n            (\"2\", nn.Sigmoid()),\n");
  check_runs_in_pytorch (model, "gap", "Model", TRUE, TRUE);
}

/* The code view is live: a diagram half built still gives a file Python
 * reads, whose forward says what is missing. */
static void
test_code_for_unfinished_diagram (void)
{
  g_autoptr (NnbModel) model = nnb_model_new ("Draft");
  g_autofree char *code = NULL;

  nnb_test_register (model, "fc1", nnb_test_linear (3, 4, TRUE));
  nnb_test_node (model, NNB_NODE_CALL, "fc1", "fc1", nnb_test_node (model, NNB_NODE_INPUT, "input", NULL, -1));
  code = nnb_export_pytorch_code (model, NULL);
  g_test_message ("%s", code);
  assert_contains (code, "        raise NotImplementedError(\"The model has no output block");
  g_assert_null (strstr (code, "load_state_dict"));

  if (nnb_test_python_has ("ast", NULL))
    {
      g_autoptr (TempDir) tmp = temp_dir_new ();
      g_autofree char *path = temp_file (tmp, "draft.py");
      const char *argv[] = { "/usr/bin/python3", "-c", "import ast, sys; ast.parse(open(sys.argv[1]).read())", path, NULL };
      write_file (path, code);
      g_assert_cmpint (nnb_test_run (argv, NULL, NULL), ==, 0);
    }
}

/* A class name Python cannot use, or one that is PyTorch's, becomes Model. */
static void
test_code_class_names (void)
{
  g_autoptr (NnbModel) odd = nnb_model_new ("my net");
  g_autoptr (NnbModel) bare = nnb_model_new ("Linear");
  g_autofree char *odd_code = NULL, *bare_code = NULL;

  nnb_test_register (odd, "fc", nnb_test_linear (2, 2, TRUE));
  odd_code = nnb_export_pytorch_code (odd, "w.safetensors");
  assert_contains (odd_code, "class Model(nn.Module):\n");

  /* model = nn.Linear(1, 1): a model that is one bare module */
  nnb_test_register (bare, "", nnb_test_linear (1, 1, TRUE));
  bare_code = nnb_export_pytorch_code (bare, "w.safetensors");
  g_test_message ("%s", bare_code);
  assert_contains (bare_code, "class Model(nn.Linear):\n    def __init__(self):\n        super().__init__(1, 1)\n");
}

/* ---------------------------------------------------------------------- */
/* ONNX                                                                   */
/* ---------------------------------------------------------------------- */

static void
test_onnx_starts_as_model_proto (void)
{
  g_autoptr (NnbModel) model = build_mlp ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = nnb_export_onnx (model, &error);
  gsize size;
  const guint8 *data;

  g_assert_no_error (error);
  data = g_bytes_get_data (bytes, &size);
  /* ModelProto.ir_version = 7: field 1, varint */
  g_assert_cmpuint (size, >, 353 * 4);
  g_assert_cmpint (data[0], ==, 0x08);
  g_assert_cmpint (data[1], ==, 7);
  g_assert_nonnull (memmem (data, size, "Gemm", 4));
  g_assert_nonnull (memmem (data, size, "fc1.weight", 10));
}

static void
test_onnx_refuses_unfinished_diagram (void)
{
  g_autoptr (NnbModel) model = nnb_model_new ("Draft");
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = NULL;

  nnb_test_register (model, "fc1", nnb_test_linear (3, 4, TRUE));
  nnb_test_node (model, NNB_NODE_CALL, "fc1", "fc1", nnb_test_node (model, NNB_NODE_INPUT, "input", NULL, -1));
  bytes = nnb_export_onnx (model, &error);
  g_assert_null (bytes);
  g_assert_error (error, NNB_ERROR, NNB_ERROR_GRAPH);
  g_assert_cmpstr (error->message, ==, "Cannot export to ONNX: The model has no output block: add one for what forward returns.");
}

/* Writes the ONNX file, checks it with onnx (when `checker`; returns its
 * report, else NULL) and runs it in onnxruntime-web (when `runtime`). */
static JsonObject *
check_onnx (NnbModel *model, const char *name, gboolean checker, gboolean runtime, JsonParser **parser_out)
{
  g_autoptr (TempDir) tmp = NULL;
  g_autofree char *file = g_strconcat (name, ".onnx", NULL);
  g_autofree char *path = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbTensor) x = NULL;
  g_autoptr (NnbTensor) y = NULL;
  int64_t features = nnb_model_input_features (model);
  JsonObject *result;
  JsonArray *dims;

  tmp = temp_dir_new ();
  path = temp_file (tmp, file);
  nnb_test_fill_parameters (model, 1.1);
  g_assert_true (nnb_export_onnx_file (model, path, &error));
  g_assert_no_error (error);
  x = fixed_input (4, features > 0 ? features : 5);
  /* the file is the model in eval mode (nnblocks-cli forward --eval) */
  nnb_model_eval (model);
  y = forward (model, x);
  if (runtime)
    nnb_test_assert_onnxruntime_matches (name, path, x, y);
  if (!checker)
    return NULL;

  {
    const char *args[] = { path, NULL };
    *parser_out = run_reference ("onnx_run.py", args);
  }
  result = json_node_get_object (json_parser_get_root (*parser_out));
  g_assert_cmpint (json_object_get_int_member (result, "ir_version"), ==, 7);
  g_assert_cmpstr (json_object_get_string_member (result, "producer"), ==, "NN Blocks");
  /* (batch, in_features) → (batch, out_features); a model without a
   * Linear does not fix its width, which stays a symbol */
  dims = json_object_get_array_member (result, "input_dims");
  g_assert_cmpstr (json_array_get_string_element (dims, 0), ==, "batch");
  if (features > 0)
    g_assert_cmpint (json_array_get_int_element (dims, 1), ==, features);
  else
    g_assert_cmpstr (json_array_get_string_element (dims, 1), ==, "features");
  dims = json_object_get_array_member (result, "output_dims");
  g_assert_cmpstr (json_array_get_string_element (dims, 0), ==, "batch");
  if (features > 0)
    g_assert_cmpint (json_array_get_int_element (dims, 1), ==, y->shape[1]);
  else
    g_assert_cmpstr (json_array_get_string_element (dims, 1), ==, "features");
  return result;
}

static char *
ops_of (JsonObject *result)
{
  JsonArray *ops = json_object_get_array_member (result, "ops");
  g_autoptr (GString) text = g_string_new (NULL);

  for (guint i = 0; i < json_array_get_length (ops); i++)
    g_string_append_printf (text, "%s%s", i ? " " : "", json_array_get_string_element (ops, i));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
test_onnx_passes_checker (void)
{
  struct
  {
    NnbModel *(*build) (void);
    const char *name;
    const char *ops;
    guint n_initializers;
  } cases[] = {
    { build_sequential, "sequential", "Gemm Relu Gemm Relu Gemm", 6 },
    { build_mlp, "mlp", "Gemm Relu Gemm Relu Add Gemm", 6 },
    { build_sinenet, "sinenet", "Gemm Tanh Gemm Tanh Gemm", 6 },
    /* GELU as erf, since opset 13 has no Gelu; 3 of the 8 initializers are its constants;
     * Softmax and LogSoftmax with axis 1 and -1 */
    { build_every_activation, "zoo", "Gemm LeakyRelu Gemm Div Erf Add Mul Mul Softmax Gemm Sigmoid Identity LogSoftmax", 8 },
    /* the shared Linear: two Gemm nodes, one weight */
    { build_shared, "shared", "Gemm Gemm Tanh Gemm Add Gemm", 6 },
    { build_sequential_with_skip, "seqskip", "Gemm Tanh Gemm Add", 4 },
    /* LayerNorm from its definition (LayerNormalization is opset 17); its
     * two eps are initializers too */
    { build_layer_norm, "normed",
      "Gemm ReduceMean Sub Mul ReduceMean Add Sqrt Div Mul Add Tanh ReduceMean Sub Mul ReduceMean Add Sqrt Div Gemm", 8 },
    { build_sequential_with_gap, "seqgap", "Gemm Sigmoid", 2 },
    { build_activation_only, "act", "Relu", 0 },
    { build_gated, "gated", "Gemm Tanh Gemm Tanh Gemm Sigmoid Concat Mul Concat Gemm", 8 },
  };

  gboolean checker = have_onnx (), runtime = nnb_test_have_onnxruntime ();

  if (!checker)
    nnb_test_missing ("/usr/bin/python3 cannot import onnx");
  if (!runtime)
    nnb_test_missing ("node cannot load onnxruntime-web from tests/onnxruntime/node_modules");
  for (guint i = 0; i < G_N_ELEMENTS (cases) && (checker || runtime); i++)
    {
      g_autoptr (NnbModel) model = cases[i].build ();
      g_autoptr (JsonParser) parser = NULL;
      JsonObject *result = check_onnx (model, cases[i].name, checker, runtime, &parser);
      g_autofree char *ops = NULL;

      if (result == NULL)
        continue;
      ops = ops_of (result);
      g_assert_cmpstr (ops, ==, cases[i].ops);
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (result, "initializers")), ==,
                        cases[i].n_initializers);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/export/pytorch/sequential", test_code_sequential);
  g_test_add_func ("/export/pytorch/mlp-with-skip-connection", test_code_mlp_with_skip_connection);
  g_test_add_func ("/export/pytorch/sinenet", test_code_sinenet);
  g_test_add_func ("/export/pytorch/every-activation", test_code_every_activation);
  g_test_add_func ("/export/pytorch/layer-norm", test_code_layer_norm);
  g_test_add_func ("/export/pytorch/module-called-twice", test_code_module_called_twice);
  g_test_add_func ("/export/pytorch/sequential-with-skip", test_code_sequential_with_skip);
  g_test_add_func ("/export/pytorch/sequential-keeps-names", test_code_sequential_keeps_names);
  g_test_add_func ("/export/pytorch/cat-and-mul", test_code_cat_and_mul);
  g_test_add_func ("/export/pytorch/unfinished-diagram", test_code_for_unfinished_diagram);
  g_test_add_func ("/export/pytorch/class-names", test_code_class_names);
  g_test_add_func ("/export/onnx/starts-as-model-proto", test_onnx_starts_as_model_proto);
  g_test_add_func ("/export/onnx/refuses-unfinished-diagram", test_onnx_refuses_unfinished_diagram);
  g_test_add_func ("/export/onnx/passes-checker", test_onnx_passes_checker);
  return g_test_run ();
}
