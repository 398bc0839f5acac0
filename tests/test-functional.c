/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-functional.c — functional activations in forward (torch.relu(h),
 * F.leaky_relu(h, 0.1), F.softmax(h, dim=1)…) as function blocks, which
 * register no module:
 *
 *  - every spelling the reader takes, with Python's argument rules, and
 *    the refusals (no dim, inplace=True, a function NN Blocks lacks);
 *  - a model of every function against real PyTorch 1.13: print(model),
 *    its parameters and state_dict keys, the hook trace, and five SGD
 *    steps bit for bit;
 *  - .nnb files ("op": "function") saved and loaded, with sentences for
 *    bad values; the editor's graph and back; PyTorch code (F imported
 *    only when used) read back as the same model; ONNX in onnxruntime.
 *
 * Golden bits: tests/reference/make_functional_golden.py →
 * tests/data/functional-golden.json. */
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "nnb-export.h"
#include "nnb-function.h"
#include "nnb-graph.h"
#include "nnb-loss.h"
#include "nnb-model-private.h"
#include "nnb-optimizer.h"
#include "nnb-project.h"
#include "nnb-python-import.h"
#include "nnb-test-util.h"

static JsonObject *
golden (void)
{
  return nnb_test_golden ("data/functional-golden.json");
}

static NnbModel *
import_golden (void)
{
  g_autoptr (GError) error = NULL;
  NnbModel *model = nnb_python_import (json_object_get_string_member (golden (), "source"), -1, NULL, &error);

  g_assert_no_error (error);
  return model;
}

#define HEAD "import torch\nfrom torch import nn\nimport torch.nn.functional as F\n"
#define FORWARD                                                                       \
  HEAD "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n" \
       "        self.fc = nn.Linear(2, 3)\n    def forward(self, x):\n"

static void
test_every_function_imports (void)
{
  static const struct
  {
    const char *call;
    const char *function;
    NnbModuleKind kind;
    double slope;
    int64_t dim;
  } cases[] = {
    { "torch.relu(h)", "torch.relu", NNB_MODULE_RELU, 0, 0 },
    { "F.relu(h)", "F.relu", NNB_MODULE_RELU, 0, 0 },
    { "F.relu(h, inplace=False)", "F.relu", NNB_MODULE_RELU, 0, 0 },
    { "torch.tanh(h)", "torch.tanh", NNB_MODULE_TANH, 0, 0 },
    { "F.tanh(h)", "F.tanh", NNB_MODULE_TANH, 0, 0 },
    { "torch.sigmoid(input=h)", "torch.sigmoid", NNB_MODULE_SIGMOID, 0, 0 },
    { "F.sigmoid(h)", "F.sigmoid", NNB_MODULE_SIGMOID, 0, 0 },
    { "F.gelu(h)", "F.gelu", NNB_MODULE_GELU, 0, 0 },
    { "F.gelu(h, approximate='none')", "F.gelu", NNB_MODULE_GELU, 0, 0 },
    { "F.leaky_relu(h)", "F.leaky_relu", NNB_MODULE_LEAKY_RELU, 0.01, 0 },
    { "F.leaky_relu(h, 0.1)", "F.leaky_relu", NNB_MODULE_LEAKY_RELU, 0.1, 0 },
    { "F.leaky_relu(h, negative_slope=0.2)", "F.leaky_relu", NNB_MODULE_LEAKY_RELU, 0.2, 0 },
    { "F.softmax(h, dim=1)", "F.softmax", NNB_MODULE_SOFTMAX, 0, 1 },
    { "F.softmax(h, -1)", "F.softmax", NNB_MODULE_SOFTMAX, 0, -1 },
    { "torch.softmax(h, 1)", "torch.softmax", NNB_MODULE_SOFTMAX, 0, 1 },
    { "F.log_softmax(h, dim=1)", "F.log_softmax", NNB_MODULE_LOG_SOFTMAX, 0, 1 },
    { "torch.log_softmax(h, dim=-1)", "torch.log_softmax", NNB_MODULE_LOG_SOFTMAX, 0, -1 },
    { "torch.nn.functional.relu(h)", "F.relu", NNB_MODULE_RELU, 0, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *source = g_strdup_printf (FORWARD "        h = self.fc(x)\n        return %s\n", cases[i].call);
      g_autoptr (GError) error = NULL;
      g_autoptr (NnbModel) model = nnb_python_import (source, -1, NULL, &error);
      NnbNode *node;

      if (model == NULL)
        g_error ("%s: %s", cases[i].call, error->message);
      /* x, fc, the function, out: no module registered for it */
      g_assert_cmpuint (model->nodes->len, ==, 4);
      g_assert_cmpuint (model->modules->len, ==, 1);
      node = nnb_model_get_node (model, 2);
      g_assert_cmpint (node->kind, ==, NNB_NODE_FUNCTION);
      g_assert_cmpstr (node->function, ==, cases[i].function);
      g_assert_cmpstr (node->name, ==, nnb_function_short_name (cases[i].function));
      g_assert_null (node->module);
      g_assert_cmpint (node->activation->kind, ==, cases[i].kind);
      if (cases[i].kind == NNB_MODULE_LEAKY_RELU)
        g_assert_cmpfloat (node->activation->negative_slope, ==, cases[i].slope);
      if (cases[i].kind == NNB_MODULE_SOFTMAX || cases[i].kind == NNB_MODULE_LOG_SOFTMAX)
        g_assert_cmpint (node->activation->dim, ==, cases[i].dim);
      g_assert_cmpint (node->inputs[0], ==, 1);
    }
}

static void
test_refusals (void)
{
  static const struct
  {
    const char *line, *message;
  } cases[] = {
    { "        return F.softmax(self.fc(x))\n",
      "line 9, column 25: softmax() needs dim=1: without it PyTorch warns that the implicit choice is deprecated." },
    { "        return torch.softmax(self.fc(x))\n",
      "line 9, column 29: softmax() missing 1 required positional argument: 'dim'." },
    { "        return F.relu(self.fc(x), inplace=True)\n",
      "line 9, column 43: NN Blocks draws no in-place activations; leave inplace=True out." },
    { "        return torch.relu(self.fc(x), 0.1)\n",
      "line 9, column 39: relu() takes at most 1 positional arguments but 2 were given." },
    { "        return F.leaky_relu(self.fc(x), 0.1, False, 2)\n",
      "line 9, column 53: leaky_relu() takes at most 3 positional arguments but 4 were given." },
    { "        return F.gelu(self.fc(x), approximate='tanh')\n",
      "line 9, column 47: NN Blocks has gelu(approximate='none') only." },
    { "        return F.softmax(self.fc(x), dim=2)\n",
      "line 9, column 42: Softmax(dim=2): dim must be 1 (or -1, the same axis), the features of each sample; NN "
      "Blocks' data is (batch, features), and Softmax over any other dimension would mix the samples of a batch." },
    { "        return torch.tanh(self.fc(x), out=None)\n",
      "line 9, column 39: tanh() got an unexpected keyword argument 'out'." },
    { "        return F.dropout(self.fc(x))\n",
      "line 9, column 16: F.dropout(…) is a function, and NN Blocks draws registered modules only: write self.dropout = "
      "nn.Dropout() in __init__() and call self.dropout(…) here." },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *source = g_strconcat (FORWARD, cases[i].line, NULL);
      g_autoptr (GError) error = NULL;
      g_autoptr (NnbModel) model = nnb_python_import (source, -1, NULL, &error);

      if (model != NULL)
        g_error ("case %u imported", i);
      if (strcmp (error->message, cases[i].message) != 0)
        g_error ("case %u:\n  got      %s\n  expected %s", i, error->message, cases[i].message);
    }
}

/* print(model), named_parameters(), state_dict() and the hook trace are
 * PyTorch's: a function registers nothing */
static void
test_model_is_pytorchs (void)
{
  JsonObject *g = golden ();
  g_autoptr (NnbModel) model = import_golden ();
  g_autofree char *repr = nnb_model_repr (model);
  g_autoptr (GPtrArray) state = nnb_model_state_dict (model);
  JsonArray *keys = json_object_get_array_member (g, "state_dict");
  JsonArray *lines = json_object_get_array_member (g, "trace");
  g_autoptr (GPtrArray) trace = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_cmpstr (repr, ==, json_object_get_string_member (g, "repr"));
  g_assert_cmpint (nnb_model_count_parameters (model), ==, json_object_get_int_member (g, "parameters"));
  g_assert_cmpuint (state->len, ==, json_array_get_length (keys));
  for (guint i = 0; i < state->len; i++)
    g_assert_cmpstr (((NnbStateEntry *) state->pdata[i])->name, ==, json_array_get_string_element (keys, i));
  trace = nnb_model_trace (model, 2, (const int64_t[]){ 5, 3 }, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (trace->len, ==, json_array_get_length (lines));
  for (guint i = 0; i < trace->len; i++)
    g_assert_cmpstr (trace->pdata[i], ==, json_array_get_string_element (lines, i));
}

/* five SGD steps: every loss and the parameters after them, bit for bit */
static void
test_trains_like_pytorch (void)
{
  g_autoptr (NnbModel) model = import_golden ();

  nnb_test_assert_sgd_steps (model, golden (), 8, 0.1);
}

/* every node field a function has, in a file and back */
static void
assert_same_functions (NnbModel *a, NnbModel *b)
{
  g_assert_cmpuint (a->nodes->len, ==, b->nodes->len);
  for (guint i = 0; i < a->nodes->len; i++)
    {
      NnbNode *p = a->nodes->pdata[i], *q = b->nodes->pdata[i];

      g_assert_cmpstr (p->name, ==, q->name);
      g_assert_cmpint (p->kind, ==, q->kind);
      g_assert_cmpstr (p->function, ==, q->function);
      g_assert_cmpmem (p->inputs, sizeof p->inputs, q->inputs, sizeof q->inputs);
      if (p->kind != NNB_NODE_FUNCTION)
        continue;
      g_assert_cmpint (p->activation->kind, ==, q->activation->kind);
      g_assert_cmpfloat (p->activation->negative_slope, ==, q->activation->negative_slope);
      g_assert_cmpint (p->activation->dim, ==, q->activation->dim);
    }
}

static void
test_file_round_trip (void)
{
  g_autoptr (NnbModel) model = import_golden ();
  NnbProject *project = nnb_project_new_for_model (model);
  g_autoptr (GError) error = NULL;
  g_autofree char *data = nnb_project_to_data (project, FALSE, NULL, &error);
  NnbProject *back;

  g_assert_no_error (error);
  g_assert_nonnull (strstr (data, "{\"name\": \"leaky_relu\", \"op\": \"function\", \"function\": \"F.leaky_relu\", "
                                  "\"negative_slope\": 0.1, \"inputs\": [\"fc2\"]"));
  g_assert_nonnull (strstr (data, "\"op\": \"function\", \"function\": \"torch.softmax\", \"dim\": 1,"));
  back = nnb_project_load_from_data (data, strlen (data), &error);
  g_assert_no_error (error);
  assert_same_functions (model, back->model);
  nnb_project_free (back);
  nnb_project_free (project);
}

static void
test_file_refusals (void)
{
  static const struct
  {
    const char *node, *message;
  } cases[] = {
    { "{\"name\": \"f\", \"op\": \"function\", \"function\": \"F.swish\", \"inputs\": [\"x\"]}",
      "model.graph.nodes[1] (f): unknown function \"F.swish\"; a function block calls one of torch.relu, F.relu, "
      "torch.tanh, F.tanh, torch.sigmoid, F.sigmoid, F.gelu, F.leaky_relu, torch.softmax, F.softmax, "
      "torch.log_softmax, F.log_softmax." },
    { "{\"name\": \"f\", \"op\": \"function\", \"inputs\": [\"x\"]}", "model.graph.nodes[1] (f): function is missing." },
    { "{\"name\": \"f\", \"op\": \"function\", \"function\": \"F.softmax\", \"inputs\": [\"x\"]}",
      "model.graph.nodes[1] (f): dim is missing: write \"dim\": 1, the features' axis, as nn.Softmax(dim=1) does "
      "(PyTorch warns \"Implicit dimension choice for softmax has been deprecated\" without it)." },
    { "{\"name\": \"f\", \"op\": \"function\", \"function\": \"F.relu\", \"dim\": 1, \"inputs\": [\"x\"]}",
      "model.graph.nodes[1] (f): unknown field \"dim\"" },
    { "{\"name\": \"f\", \"op\": \"function\", \"function\": \"F.leaky_relu\", \"negative_slope\": \"big\", "
      "\"inputs\": [\"x\"]}",
      "model.graph.nodes[1] (f): negative_slope must be a number" },
    { "{\"name\": \"f\", \"op\": \"call\", \"module\": \"fc\", \"function\": \"F.relu\", \"inputs\": [\"x\"]}",
      "model.graph.nodes[1] (f): unknown field \"function\"" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *json = g_strdup_printf (
        "{\"format\": \"nnblocks\", \"version\": 1, \"model\": {\"class\": \"Net\", \"modules\": [{\"name\": \"fc\", "
        "\"type\": \"Linear\", \"in_features\": 1, \"out_features\": 1}], \"graph\": {\"nodes\": [{\"name\": \"x\", "
        "\"op\": \"input\"}, %s, {\"name\": \"out\", \"op\": \"output\", \"inputs\": [\"f\"]}]}}}",
        cases[i].node);
      g_autoptr (GError) error = NULL;
      NnbProject *project = nnb_project_load_from_data (json, strlen (json), &error);

      g_assert_null (project);
      g_assert_nonnull (error);
      if (!g_str_has_prefix (error->message, cases[i].message))
        g_error ("case %u:\n  got      %s\n  expected %s", i, error->message, cases[i].message);
    }
}

/* the editor's blocks: a Function block, from the model and back */
static void
test_graph_round_trip (void)
{
  g_autoptr (NnbModel) model = import_golden ();
  g_autoptr (NnbGraph) graph = nnb_graph_from_model (model, NULL, 0);
  g_autoptr (NnbGraph) copy = nnb_graph_copy (graph);
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbModel) back = nnb_graph_to_model (graph, &error);
  int leaky = nnb_graph_find_block (graph, "leaky_relu"), twin, added;

  g_assert_no_error (error);
  assert_same_functions (model, back);
  g_assert_true (nnb_graph_equal (graph, copy));
  g_assert_cmpint (nnb_graph_block_kind (graph, leaky), ==, NNB_BLOCK_FUNCTION);
  g_assert_null (nnb_graph_block_module (graph, leaky));
  g_assert_cmpuint (graph->modules->len, ==, 3);
  /* a copy keeps the function and its slope; a new one is torch.relu */
  twin = nnb_graph_duplicate (graph, leaky, 0, 0, &error);
  g_assert_cmpstr (nnb_graph_get_block (graph, twin)->function, ==, "F.leaky_relu");
  g_assert_cmpfloat (nnb_graph_get_block (graph, twin)->arguments->negative_slope, ==, 0.1);
  g_assert_cmpstr (nnb_graph_get_block (graph, twin)->name, ==, "leaky_relu_2");
  g_assert_false (nnb_graph_equal (graph, copy));
  added = nnb_graph_add_block (graph, NNB_BLOCK_FUNCTION, 0, 0, &error);
  g_assert_cmpstr (nnb_graph_get_block (graph, added)->function, ==, "torch.relu");
  g_assert_cmpuint (graph->modules->len, ==, 3);
}

/* forward as the student writes it; F imported only when used; read back
 * as the same model */
static void
test_pytorch_code (void)
{
  g_autoptr (NnbModel) model = import_golden ();
  g_autofree char *code = nnb_export_pytorch_code (model, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbModel) back = nnb_python_import (code, -1, NULL, &error);
  g_autoptr (NnbModel) plain = NULL;
  g_autofree char *plain_code = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (strstr (code, "\nimport torch.nn.functional as F\n"));
  g_assert_nonnull (strstr (code, "        x = torch.relu(x)\n"));
  g_assert_nonnull (strstr (code, "F.leaky_relu(x, negative_slope=0.1)\n"));
  g_assert_nonnull (strstr (code, "torch.softmax(h, dim=1)"));
  g_assert_nonnull (strstr (code, "        return F.log_softmax(x, dim=1)\n"));
  assert_same_functions (model, back);
  /* torch.… alone needs no F */
  plain = nnb_python_import (FORWARD "        return torch.tanh(self.fc(x))\n", -1, NULL, &error);
  g_assert_no_error (error);
  plain_code = nnb_export_pytorch_code (plain, NULL);
  g_assert_null (strstr (plain_code, "functional"));
  g_assert_nonnull (strstr (plain_code, "        return torch.tanh(x)\n"));
}

/* the same ONNX ops as the modules, in a real runtime */
static void
test_onnx_runs_in_onnxruntime (void)
{
  g_autoptr (NnbModel) model = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbTensor) x = nnb_tensor_new_2d (8, 3);
  g_autofree float *xs = nnb_test_floats_of_hex (golden (), "x", 8 * 3);
  g_autofree char *dir = NULL, *path = NULL;
  NnbTensor *y;

  if (!nnb_test_have_onnxruntime ())
    {
      nnb_test_missing ("node cannot load onnxruntime-web from tests/onnxruntime/node_modules");
      return;
    }
  /* every function once more, in another arrangement */
  model = nnb_python_import (HEAD "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
                                  "        self.fc = nn.Linear(3, 4)\n    def forward(self, x):\n"
                                  "        h = self.fc(x)\n        h = F.gelu(h) + torch.relu(h) + F.leaky_relu(h, 0.2)\n"
                                  "        h = torch.tanh(h) * F.sigmoid(h) + torch.softmax(h, 1)\n"
                                  "        return F.log_softmax(h, dim=-1)\n",
                             -1, NULL, &error);
  g_assert_no_error (error);
  nnb_test_fill_parameters (model, 0.3);
  nnb_tensor_write (x, xs);
  dir = g_dir_make_tmp ("nnb-functional-onnx-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "functional.onnx", NULL);
  g_assert_true (nnb_export_onnx_file (model, path, &error));
  g_assert_no_error (error);
  nnb_model_eval (model);
  y = nnb_model_forward (model, x, &error);
  g_assert_no_error (error);
  nnb_test_assert_onnxruntime_matches ("functional activations", path, x, y);
  g_remove (path), g_rmdir (dir);
}

/* the exported project's --train in real PyTorch prints what
 * nnblocks-cli train prints: its forward calls the functions */
static void
test_exported_code_trains_alike (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbModel) model = NULL;
  g_autofree char *dir = NULL, *path = NULL, *printed = NULL, *code = NULL;
  NnbProject *project;

  if (!nnb_test_python_has ("torch", NULL))
    {
      nnb_test_missing ("/usr/bin/python3 cannot import torch (apt-get install python3-torch)");
      return;
    }
  /* the sine-product data: 3 features, 1 target */
  model = nnb_python_import (HEAD "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
                                  "        self.fc1 = nn.Linear(3, 8)\n        self.fc2 = nn.Linear(8, 8)\n"
                                  "        self.head = nn.Linear(8, 1)\n    def forward(self, x):\n"
                                  "        h = F.leaky_relu(self.fc1(x), 0.5)\n"
                                  "        a = torch.tanh(self.fc2(h)) + torch.sigmoid(h) * F.relu(h)\n"
                                  "        return self.head(F.softmax(a, dim=1) + torch.log_softmax(a, dim=-1))\n",
                             -1, NULL, &error);
  g_assert_no_error (error);
  project = nnb_project_new_for_model (model);
  project->training.epochs = 30;
  project->training.log_every = 10;
  dir = g_dir_make_tmp ("nnb-functional-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "functional.nnb", NULL);
  g_assert_true (nnb_project_save (project, path, FALSE, &error));
  g_assert_no_error (error);
  printed = nnb_test_export_trains_alike (path, &code);
  g_assert_nonnull (strstr (code, "        x = F.leaky_relu(x, negative_slope=0.5)\n"));
  g_assert_cmpuint (strlen (printed), >, 0);
  nnb_project_free (project);
  g_remove (path), g_rmdir (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/functional/every-function-imports", test_every_function_imports);
  g_test_add_func ("/functional/refusals", test_refusals);
  g_test_add_func ("/functional/model-is-pytorchs", test_model_is_pytorchs);
  g_test_add_func ("/functional/trains-like-pytorch", test_trains_like_pytorch);
  g_test_add_func ("/functional/file-round-trip", test_file_round_trip);
  g_test_add_func ("/functional/file-refusals", test_file_refusals);
  g_test_add_func ("/functional/graph-round-trip", test_graph_round_trip);
  g_test_add_func ("/functional/pytorch-code", test_pytorch_code);
  g_test_add_func ("/functional/onnx-runs-in-onnxruntime", test_onnx_runs_in_onnxruntime);
  g_test_add_func ("/functional/exported-code-trains-alike", test_exported_code_trains_alike);
  return g_test_run ();
}
