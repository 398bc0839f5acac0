/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-python-import.c — code → diagram: every construct of the Python
 * subset the reader takes, one refusal per kind of construct outside it
 * (with its line and column), the Day 2 page's programs with their
 * parameter counts, and export → import of every example and lesson
 * model giving the same model. */
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include "nnb-error.h"
#include "nnb-export.h"
#include "nnb-function.h"
#include "nnb-python-import.h"
#include "nnb-python-tokens.h"
#include "nnb-test-util.h"

static NnbModel *
import_ok (const char *source, const char *class_name)
{
  g_autoptr (GError) error = NULL;
  NnbModel *model = nnb_python_import (source, -1, class_name, &error);

  if (model == NULL)
    g_error ("import failed: %s\n--- source ---\n%s", error->message, source);
  return model;
}

static NnbModel *
import_file (const char *name)
{
  g_autofree char *path = nnb_test_source_path (name);
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  return import_ok (text, NULL);
}

static void
assert_names (NnbModel *model, const char *const *names)
{
  guint n = g_strv_length ((char **) names);

  g_assert_cmpuint (model->module_names->len, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpstr (model->module_names->pdata[i], ==, names[i]);
}

/* ------------------------------------------------------------ tokens */

static void
test_tokens (void)
{
  const char *source = "x = (1,\n     2)  # joined\n\n"
                       "if a:\n\ty = 1e-05 + 1_000 + 0.1 + 0x10 \\\n\t  + 'it''s'\n"
                       "s = '''a\nb'''\n";
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) tokens = nnb_py_tokenize (source, -1, &error);
  GString *kinds = g_string_new (NULL);
  g_autofree char *text = NULL;

  g_assert_no_error (error);
  for (guint i = 0; i < tokens->len; i++)
    {
      NnbPyToken *t = tokens->pdata[i];
      static const char letter[] = "NSSO;><$";
      g_string_append_c (kinds, t->kind == NNB_PY_NUMBER ? '1' : letter[t->kind]);
    }
  text = g_string_free (kinds, FALSE);
  /* x = ( 1 , 2 ) NEWLINE; if a : NEWLINE INDENT y = n + n + n + n + s s
   * NEWLINE DEDENT s = s NEWLINE END */
  g_assert_cmpstr (text, ==, "NOO1O1O;NNO;>NO1O1O1O1OSS;<NOS;$");
  g_assert_cmpfloat (((NnbPyToken *) tokens->pdata[15])->value, ==, 1e-05);
  g_assert_cmpfloat (((NnbPyToken *) tokens->pdata[17])->value, ==, 1000);
  g_assert_cmpfloat (((NnbPyToken *) tokens->pdata[21])->value, ==, 16);
  g_assert_cmpint (((NnbPyToken *) tokens->pdata[13])->line, ==, 5);
  g_assert_cmpint (((NnbPyToken *) tokens->pdata[13])->column, ==, 2);
  g_assert_cmpstr (((NnbPyToken *) tokens->pdata[29])->text, ==, "a\nb");
}

static void
test_token_errors (void)
{
  static const struct
  {
    const char *source, *message;
  } cases[] = {
    { "x = (1,\n", "line 1: '(' was never closed." },
    { "x = 1)\n", "line 1, column 6: unmatched ')'." },
    { "x = [1)\n", "line 1, column 7: closing parenthesis ')' does not match opening parenthesis '['." },
    { "s = 'abc\n", "line 1, column 5: unterminated string literal (detected at line 1)." },
    { "s = \"\"\"abc\n\n", "line 1, column 5: unterminated triple-quoted string literal (detected at line 3)." },
    { "if a:\n        x = 1\n    y = 2\n", "line 3, column 5: unindent does not match any outer indentation level." },
    { "if a:\n\tx = 1\n        y = 2\n", "line 3, column 9: inconsistent use of tabs and spaces in indentation." },
    { "x = 1 \\ 2\n", "line 1, column 7: unexpected character after line continuation character." },
    { "x = 1abc\n", "line 1, column 5: invalid decimal literal." },
    { "x = a $ b\n", "line 1, column 7: invalid syntax: '$' is not Python." },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GPtrArray) tokens = nnb_py_tokenize (cases[i].source, -1, &error);
      g_assert_null (tokens);
      g_assert_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_PARSE);
      g_assert_cmpstr (error->message, ==, cases[i].message);
    }
}

/* ------------------------------------------------------------ the page */

static void
test_page_mlp (void)
{
  static const char *const names[] = { "fc1", "fc2", "head", "act", NULL };
  g_autoptr (NnbModel) model = import_file ("tests/data/python/day02-mlp.py");
  g_autofree char *repr = nnb_model_repr (model);

  g_assert_cmpstr (model->class_name, ==, "MLP");
  assert_names (model, names);
  g_assert_cmpint (nnb_model_count_parameters (model), ==, 353);
  g_assert_cmpstr (repr, ==,
                   "MLP(\n"
                   "  (fc1): Linear(in_features=3, out_features=16, bias=True)\n"
                   "  (fc2): Linear(in_features=16, out_features=16, bias=True)\n"
                   "  (head): Linear(in_features=16, out_features=1, bias=True)\n"
                   "  (act): ReLU()\n"
                   ")");
  /* x, fc1, act, fc2, act_2, add, head, out: the order Python evaluates */
  g_assert_cmpuint (model->nodes->len, ==, 8);
  g_assert_cmpstr (nnb_model_get_node (model, 4)->name, ==, "act_2");
  g_assert_cmpint (nnb_model_get_node (model, 5)->kind, ==, NNB_NODE_ADD);
  g_assert_cmpint (nnb_model_get_node (model, 5)->inputs[0], ==, 4);
  g_assert_cmpint (nnb_model_get_node (model, 5)->inputs[1], ==, 2);
}

static void
test_page_sinenet (void)
{
  g_autoptr (NnbModel) model = import_file ("tests/data/python/day02-sinenet.py");
  g_autofree char *repr = nnb_model_repr (model);

  g_assert_cmpstr (model->class_name, ==, "SineNet");
  g_assert_cmpint (nnb_model_count_parameters (model), ==, 4353);
  /* hidden: int = 64, the default, as print(model) shows it */
  g_assert_cmpstr (repr, ==,
                   "SineNet(\n"
                   "  (net): Sequential(\n"
                   "    (0): Linear(in_features=1, out_features=64, bias=True)\n"
                   "    (1): Tanh()\n"
                   "    (2): Linear(in_features=64, out_features=64, bias=True)\n"
                   "    (3): Tanh()\n"
                   "    (4): Linear(in_features=64, out_features=1, bias=True)\n"
                   "  )\n"
                   ")");
}

static void
test_page_sequential (void)
{
  g_autoptr (NnbModel) model = import_file ("tests/data/python/day02-sequential.py");
  g_autoptr (NnbModel) line = import_file ("tests/data/python/day02-regression.py");
  g_autofree char *repr = nnb_model_repr (line);

  /* the last `model = …` line: nn.Sequential(Linear(1, 32), ReLU, Linear(32, 1)) */
  g_assert_cmpstr (model->class_name, ==, "Sequential");
  g_assert_cmpint (nnb_model_count_parameters (model), ==, 97);
  g_assert_true (nnb_model_is_chain (model));
  /* model = nn.Linear(1, 1): a bare module, form 1 of the file format */
  g_assert_cmpstr (line->class_name, ==, "Linear");
  g_assert_cmpstr (line->module_names->pdata[0], ==, "");
  g_assert_cmpstr (repr, ==, "Linear(in_features=1, out_features=1, bias=True)");
}

/* ------------------------------------------------------------ the subset */

static void
test_modules (void)
{
  const char *source =
    "from torch import nn\nfrom collections import OrderedDict\n\n"
    "class Net(nn.Module):\n"
    "    \"\"\"Every module, keyword and positional.\"\"\"\n\n"
    "    def __init__(self):\n"
    "        super(Net, self).__init__()\n"
    "        width = 2 * 2\n"
    "        self.fc = nn.Linear(in_features=2, out_features=width, bias=False)\n"
    "        self.a1 = nn.ReLU(inplace=False)\n"
    "        self.a2 = nn.Tanh()\n"
    "        self.a3 = nn.Sigmoid()\n"
    "        self.a4 = nn.LeakyReLU(0.2)\n"
    "        self.a5 = nn.GELU(approximate='none')\n"
    "        self.a6 = nn.Identity()\n"
    "        self.ln = nn.LayerNorm((4,), eps=1e-3, elementwise_affine=False)\n"
    "        self.sm = nn.Softmax(dim=-1)\n"
    "        self.lsm = nn.LogSoftmax(1)\n"
    "        self.drop = nn.Dropout(p=0.25)\n"
    "        self.bn = nn.BatchNorm1d(4, 1e-3, None, affine=False, track_running_stats=False)\n"
    "        self.seq = nn.Sequential(OrderedDict([('0', nn.Linear(4, 4)), ('1', nn.ReLU())]))\n"
    "        self.again = self.a1\n\n"
    "    def forward(self, x):\n"
    "        h = self.a6(self.a5(self.a4(self.a3(self.a2(self.a1(self.fc(x)))))))\n"
    "        h = self.drop(self.lsm(self.sm(self.ln(h))))\n"
    "        return self.again(self.seq(self.bn(h)))\n";
  static const char *const names[] = { "fc", "a1", "a2", "a3", "a4", "a5", "a6", "ln", "sm", "lsm", "drop", "bn", "seq",
                                       "again", NULL };
  g_autoptr (NnbModel) model = import_ok (source, NULL);
  NnbModule *m;

  assert_names (model, names);
  m = nnb_model_get_module (model, "fc");
  g_assert_cmpint (m->in_features, ==, 2);
  g_assert_cmpint (m->out_features, ==, 4);
  g_assert_false (m->has_bias);
  g_assert_cmpfloat (nnb_model_get_module (model, "a4")->negative_slope, ==, 0.2);
  m = nnb_model_get_module (model, "ln");
  g_assert_cmpint (m->normalized_shape, ==, 4);
  g_assert_cmpfloat (m->eps, ==, 1e-3);
  g_assert_false (m->elementwise_affine);
  g_assert_cmpint (nnb_model_get_module (model, "sm")->dim, ==, -1);
  g_assert_cmpint (nnb_model_get_module (model, "lsm")->dim, ==, 1);
  g_assert_cmpfloat (nnb_model_get_module (model, "drop")->p, ==, 0.25);
  m = nnb_model_get_module (model, "bn");
  g_assert_cmpfloat (m->eps, ==, 1e-3);
  g_assert_false (m->has_momentum);
  g_assert_false (m->affine);
  g_assert_false (m->track_running_stats);
  g_assert_cmpuint (nnb_model_get_module (model, "seq")->children->len, ==, 2);
  g_assert_true (nnb_model_get_module (model, "again") == nnb_model_get_module (model, "a1"));
}

static void
test_forward (void)
{
  const char *source =
    "import torch\nimport torch.nn as nn\n"
    "class Gate(nn.Module):\n"
    "    def __init__(self):\n"
    "        super().__init__()\n"
    "        self.a = nn.Linear(2, 3)\n"
    "        self.b = nn.Linear(2, 3)\n"
    "        self.c = nn.Linear(9, 1)\n\n"
    "    def forward(self, inputs):\n"
    "        # comments, blank lines, continuations\n\n"
    "        a = self.a(inputs)\n"
    "        b = self.b(\n"
    "            inputs,\n"
    "        )\n"
    "        g = a * b\n"
    "        g += a\n"
    "        joined = torch.cat([a, b,\n"
    "                            g], dim=-1)\n"
    "        return self.c(joined)\n";
  g_autoptr (NnbModel) model = import_ok (source, NULL);
  NnbNode *cat;

  /* inputs a b mul add cat c out */
  g_assert_cmpuint (model->nodes->len, ==, 8);
  g_assert_cmpstr (nnb_model_get_node (model, 0)->name, ==, "inputs");
  g_assert_cmpint (nnb_model_get_node (model, 3)->kind, ==, NNB_NODE_MUL);
  g_assert_cmpint (nnb_model_get_node (model, 4)->kind, ==, NNB_NODE_ADD);
  g_assert_cmpint (nnb_model_get_node (model, 4)->inputs[0], ==, 3);
  cat = nnb_model_get_node (model, 5);
  g_assert_cmpint (cat->kind, ==, NNB_NODE_CAT);
  g_assert_cmpint (cat->n_inputs, ==, 3);
  g_assert_cmpint (cat->inputs[2], ==, 4);
}

static void
test_classes (void)
{
  const char *source = "from torch import nn\n"
                       "class A(nn.Module):\n"
                       "    def __init__(self, n=2):\n"
                       "        super().__init__()\n"
                       "        self.fc = nn.Linear(n, 1)\n"
                       "    def forward(self, x):\n"
                       "        return self.fc(x)\n"
                       "class B(nn.Sequential):\n"
                       "    def __init__(self):\n"
                       "        super().__init__(nn.Linear(1, 1), nn.ReLU())\n"
                       "class Helper:\n"
                       "    pass\n";
  g_autofree char *with_line = g_strconcat (source, "model = A(5)\n", NULL);
  g_autoptr (NnbModel) last = import_ok (source, NULL);
  g_autoptr (NnbModel) named = import_ok (source, "A");
  g_autoptr (NnbModel) by_line = import_ok (with_line, NULL);
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) classes = NULL;
  int chosen = -2;
  gboolean by_model_line = TRUE;

  /* no model line: the last model class; a Sequential subclass with layers
   * by position is the engine's Sequential */
  g_assert_cmpstr (last->class_name, ==, "Sequential");
  g_assert_true (nnb_model_is_chain (last));
  g_assert_cmpint (nnb_model_get_module (named, "fc")->in_features, ==, 2);
  g_assert_cmpint (nnb_model_get_module (by_line, "fc")->in_features, ==, 5);
  classes = nnb_python_import_classes (source, -1, &chosen, &by_model_line, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (classes), ==, 2);
  g_assert_cmpstr (classes[0], ==, "A");
  g_assert_cmpint (chosen, ==, 1);
  g_assert_false (by_model_line);
  g_assert_null (nnb_python_import (source, -1, "Helper", &error));
  g_assert_cmpstr (error->message, ==, "The file has no model class Helper; its model classes are A, B.");
}

/* ------------------------------------------------------------ refusals */

#define HEAD "import torch\nfrom torch import nn\nimport torch.nn.functional as F\n"
#define CLASS HEAD "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(2, 2)\n"
#define FORWARD CLASS "    def forward(self, x):\n"

static void
test_refusals (void)
{
  static const struct
  {
    const char *source, *message;
  } cases[] = {
    { FORWARD "        for i in range(3):\n            x = self.fc(x)\n        return x\n",
      "line 9, column 9: a for loop in forward() cannot be drawn as blocks." },
    { FORWARD "        if x:\n            x = self.fc(x)\n        return x\n",
      "line 9, column 9: an if statement in forward() cannot be drawn as blocks." },
    { FORWARD "        while x:\n            pass\n        return x\n",
      "line 9, column 9: a while loop in forward() cannot be drawn as blocks." },
    { FORWARD "        print(x)\n        return self.fc(x)\n",
      "line 9, column 9: this statement in forward() cannot be drawn as blocks." },
    { "import numpy as np\n" FORWARD "        return self.fc(x)\n",
      "line 1, column 8: only import torch, torch.nn, torch.nn.functional and collections.OrderedDict are understood "
      "(and Python's math, os, sys…), not numpy." },
    { "from torchvision import models\n",
      "line 1, column 1: only import torch, torch.nn, torch.nn.functional and collections.OrderedDict are understood "
      "(and Python's math, os, sys…), not torchvision." },
    { CLASS "        self.conv = nn.Conv2d(1, 2, 3)\n", "line 8, column 21: nn.Conv2d is not a block NN Blocks has." },
    { FORWARD "        return self.fc9(x)\n", "line 9, column 16: self.fc9 is not a module registered in __init__()." },
    /* functional activations are function blocks (test-functional.c);
     * other functions name the module to register */
    { FORWARD "        return F.dropout(self.fc(x))\n",
      "line 9, column 16: F.dropout(…) is a function, and NN Blocks draws registered modules only: write "
      "self.dropout = nn.Dropout() in __init__() and call self.dropout(…) here." },
    { FORWARD "        return F.softmax(self.fc(x))\n",
      "line 9, column 25: softmax() needs dim=1: without it PyTorch warns that the implicit choice is deprecated." },
    { FORWARD "        return x.relu()\n",
      "line 9, column 16: x.relu(…) is a tensor method NN Blocks does not draw: write torch.relu(x)." },
    { FORWARD "        return x.dropout()\n",
      "line 9, column 16: x.dropout(…) is a function, and NN Blocks draws registered modules only: write "
      "self.dropout = nn.Dropout() in __init__() and call self.dropout(…) here." },
    { FORWARD "        return self.fc(x) - x\n",
      "line 9, column 27: '-' of two values cannot be drawn as blocks: NN Blocks has + and *." },
    { FORWARD "        return torch.cat([x, x])\n",
      "line 9, column 25: torch.cat without dim joins along dim 0, the samples; NN Blocks joins features: write dim=1." },
    { FORWARD "        h = self.fc(y)\n        return h\n", "line 9, column 21: name 'y' is not defined" },
    { FORWARD "        h = self.fc(x)\n", "line 9, column 9: forward() ends without return: return the model's output." },
    { FORWARD "        return x\n        x = self.fc(x)\n",
      "line 10, column 9: code after return in forward() never runs; remove it." },
    { HEAD "class Net(nn.Module):\n    def __init__(self):\n        self.fc = nn.Linear(2, 2)\n",
      "line 6, column 9: cannot assign module before Module.__init__() call" },
    { CLASS "        for i in range(2):\n            pass\n",
      "line 8, column 9: a for loop in __init__() cannot be drawn as blocks." },
    { CLASS "        self.fc2 = nn.Linear(2, 2, bias=True, bias=False)\n",
      "line 8, column 47: Linear.__init__() got multiple values for argument 'bias'." },
    { CLASS "        self.fc2 = nn.Linear(2)\n",
      "line 8, column 29: Linear.__init__() missing 1 required positional argument: 'out_features'." },
    { CLASS "        self.fc2 = nn.Linear(2, 2, biased=False)\n",
      "line 8, column 36: Linear.__init__() got an unexpected keyword argument 'biased'." },
    { CLASS "        self.sm = nn.Softmax()\n",
      "line 8, column 29: nn.Softmax() needs dim=1: without it PyTorch warns that the implicit choice is deprecated." },
    { CLASS "        self.act = nn.ReLU(inplace=True)\n",
      "line 8, column 36: inplace=… is not understood: NN Blocks draws no in-place activations; leave inplace=True out." },
    { CLASS "    def helper(self):\n        pass\n",
      "line 8, column 9: the method helper() is not understood: NN Blocks reads a model class's __init__() and forward() "
      "only." },
    { CLASS, "line 4, column 7: class Net has no forward(): write def forward(self, x): and what it computes." },
    { HEAD "model = nn.Sequential(OrderedDict([('fc', nn.Linear(1, 2))]))\nfrom collections import OrderedDict\n",
      "line 4, column 22: NN Blocks keeps the layers of an nn.Sequential model by position (0, 1, 2…), so the name \"fc\" "
      "cannot be kept: write a class of nn.Module with self.fc = … to keep the names." },
    { HEAD "x = 1\n", "The file defines no subclass of nn.Module and no `model = …` line, so there is no model to draw." },
    { HEAD "model = nn.Linear(1, 1) if True else None\n", "line 4, column 25: a conditional expression (a if b else c) is not understood in a model's code." },
    { FORWARD "        return self.fc(x), x\n", "line 9, column 9: forward() returns one value in NN Blocks, not a tuple." },
    { HEAD "model = nn.Linear(0, 1)\n",
      "line 4, column 9: Linear(0, 1): in_features and out_features must be positive whole numbers." },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (NnbModel) model = nnb_python_import (cases[i].source, -1, NULL, &error);
      if (model != NULL)
        g_error ("case %u imported:\n%s", i, cases[i].source);
      g_assert_nonnull (error);
      if (strcmp (error->message, cases[i].message) != 0)
        g_error ("case %u:\n  got      %s\n  expected %s", i, error->message, cases[i].message);
    }
}

/* ------------------------------------------------------------ round trip */

/* The graph in execution order: kind, module and inputs by position */
static char *
graph_signature (NnbModel *model)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) order = nnb_model_topological_order (model, &error);
  g_autofree int *position = g_new0 (int, model->nodes->len);
  GString *out = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint k = 0; k < order->len; k++)
    position[g_array_index (order, int, k)] = k;
  for (guint k = 0; k < order->len; k++)
    {
      NnbNode *node = nnb_model_get_node (model, g_array_index (order, int, k));
      g_string_append_printf (out, "%u:%d:%s%s(", k, node->kind, node->module ? node->module : "",
                              node->function ? node->function : "");
      if (node->activation != NULL)
        g_string_append_printf (out, "[%g,%" G_GINT64_FORMAT "]", node->activation->negative_slope,
                                node->activation->dim);
      for (int s = 0; s < node->n_inputs; s++)
        g_string_append_printf (out, "%d,", position[node->inputs[s]]);
      g_string_append (out, ") ");
    }
  return g_string_free (out, FALSE);
}

static void
assert_code_round_trip (const char *what, NnbModel *model, const char *code)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbModel) back = nnb_python_import (code, -1, NULL, &error);
  g_autofree char *repr = NULL, *back_repr = NULL, *graph = NULL, *back_graph = NULL;

  if (back == NULL)
    g_error ("%s: %s\n%s", what, error->message, code);
  g_assert_cmpstr (back->class_name, ==, model->class_name);
  g_assert_cmpuint (back->module_names->len, ==, model->module_names->len);
  for (guint i = 0; i < model->module_names->len; i++)
    g_assert_cmpstr (back->module_names->pdata[i], ==, model->module_names->pdata[i]);
  repr = nnb_model_repr (model);
  back_repr = nnb_model_repr (back);
  g_assert_cmpstr (back_repr, ==, repr);
  graph = graph_signature (model);
  back_graph = graph_signature (back);
  g_assert_cmpstr (back_graph, ==, graph);
  g_assert_cmpint (nnb_model_count_parameters (back), ==, nnb_model_count_parameters (model));
}

static void
assert_round_trip (const char *what, NnbModel *model)
{
  g_autofree char *code = nnb_export_pytorch_code (model, "weights.safetensors");

  assert_code_round_trip (what, model, code);
}

static void
round_trip_dir (const char *dir_name)
{
  g_autofree char *dir_path = nnb_test_source_path (dir_name);
  g_autoptr (GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autoptr (NnbProject) project = NULL;
      g_autoptr (GError) error = NULL;

      if (!g_str_has_suffix (name, ".nnb"))
        continue;
      path = g_build_filename (dir_path, name, NULL);
      project = nnb_project_load (path, &error);
      g_assert_no_error (error);
      assert_round_trip (name, project->model);
      {
        /* the whole project's file too: data, training and a __main__
         * block that builds the model after `if __name__ == "__main__"` */
        g_autofree char *code = nnb_export_pytorch_project_code (project, NULL);
        assert_code_round_trip (name, project->model, code);
      }
      n++;
    }
  g_assert_cmpuint (n, >, 5);
}

static void
test_round_trip_examples (void)
{
  round_trip_dir ("data/examples");
}

static void
test_round_trip_lessons (void)
{
  round_trip_dir ("data/lessons");
}

static void
test_round_trip_forms (void)
{
  g_autoptr (NnbModel) mlp = nnb_test_page_mlp ();
  const char *sources[] = {
    /* a chain subclass with a shared module, a cat and a mul */
    HEAD "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
         "        self.a = nn.Linear(2, 2)\n        self.b = nn.Linear(2, 2)\n        self.act = nn.Tanh()\n"
         "        self.act2 = self.act\n        self.c = nn.Linear(4, 1)\n"
         "    def forward(self, x):\n        a = self.act(self.a(x))\n        b = self.act2(self.b(x)) * a\n"
         "        return self.c(torch.cat([a, b], dim=1))\n",
    HEAD "model = nn.Sequential(nn.Linear(2, 4), nn.BatchNorm1d(4, momentum=None), nn.Dropout(0.1), "
         "nn.Sequential(nn.Linear(4, 1)))\n",
    HEAD "model = nn.LayerNorm(3, eps=1e-3)\n",
    /* functional activations beside a module of the same name */
    HEAD "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
         "        self.relu = nn.ReLU()\n        self.fc = nn.Linear(2, 2)\n"
         "    def forward(self, x):\n        h = torch.relu(self.fc(x))\n        h = self.relu(F.leaky_relu(h, 0.3))\n"
         "        return F.softmax(h, dim=-1) * torch.sigmoid(h)\n",
  };

  assert_round_trip ("page MLP", mlp);
  for (guint i = 0; i < G_N_ELEMENTS (sources); i++)
    {
      g_autoptr (NnbModel) model = import_ok (sources[i], NULL);
      assert_round_trip (sources[i], model);
    }
}

/* Random graphs: a chain from the input to the output where each step is
 * a new module's call, a call of a module already there, a functional
 * activation, or a +, * or cat with an earlier value, so that every value
 * reaches the output as an exported forward writes it. */

static void
check (gboolean ok, GError *error)
{
  g_assert_no_error (error);
  g_assert_true (ok);
}

static int
add_node (NnbModel *model, NnbNodeKind kind, const char *module, int first, int second)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *name = g_strdup_printf ("n%u", model->nodes->len);
  int node = nnb_model_add_node (model, kind, name, module, &error);

  g_assert_no_error (error);
  g_assert_cmpint (node, >=, 0);
  if (first >= 0)
    check (nnb_model_connect (model, first, node, 0, &error), error);
  if (second >= 0)
    check (nnb_model_connect (model, second, node, 1, &error), error);
  return node;
}

static NnbModule *
random_module (void)
{
  static const NnbModuleKind activations[] = { NNB_MODULE_RELU, NNB_MODULE_TANH, NNB_MODULE_SIGMOID,
                                               NNB_MODULE_GELU, NNB_MODULE_IDENTITY };
  g_autoptr (GError) error = NULL;
  NnbModule *module = NULL;

  switch (g_test_rand_int_range (0, 7))
    {
    case 0:
    case 1:
      {
        g_autofree NnbGenerator *gen = nnb_generator_new (0);

        module = nnb_linear_new (g_test_rand_int_range (1, 9), g_test_rand_int_range (1, 9), g_test_rand_bit (), gen,
                                 &error);
      }
      break;
    case 2:
      module = nnb_activation_new (activations[g_test_rand_int_range (0, G_N_ELEMENTS (activations))]);
      break;
    case 3:
      module = nnb_leaky_relu_new (g_test_rand_int_range (1, 50) / 100.0);
      break;
    case 4:
      module = nnb_layer_norm_new (g_test_rand_int_range (1, 9), 1e-5, g_test_rand_bit (), &error);
      break;
    case 5:
      module = nnb_dropout_new (g_test_rand_int_range (0, 10) / 10.0, &error);
      break;
    default:
      module = nnb_batch_norm_new (g_test_rand_int_range (1, 9), 1e-5, 0.1, g_test_rand_bit (), g_test_rand_bit (),
                                   g_test_rand_bit (), &error);
      break;
    }
  g_assert_no_error (error);
  return module;
}

static NnbModel *
random_model (void)
{
  const char *const *functions = nnb_function_names ();
  NnbModel *model = nnb_model_new ("Net");
  int steps = g_test_rand_int_range (1, 10);
  int prev = add_node (model, NNB_NODE_INPUT, NULL, -1, -1);

  for (int s = 0; s < steps; s++)
    {
      int earlier = g_test_rand_int_range (0, model->nodes->len);

      switch (g_test_rand_int_range (0, 7))
        {
        case 0:
        case 1:
          {
            g_autoptr (GError) error = NULL;
            g_autofree char *name = g_strdup_printf ("m%u", model->modules->len);
            g_autoptr (NnbModule) module = random_module ();

            check (nnb_model_register_module (model, name, module, &error), error);
            prev = add_node (model, NNB_NODE_CALL, name, prev, -1);
          }
          break;
        case 2:
          /* a module called again: its parameters are shared */
          if (model->modules->len > 0)
            prev = add_node (model, NNB_NODE_CALL,
                             model->module_names->pdata[g_test_rand_int_range (0, model->modules->len)], prev, -1);
          break;
        case 3:
          prev = add_node (model, NNB_NODE_FUNCTION,
                           functions[g_test_rand_int_range (0, g_strv_length ((char **) functions))], prev, -1);
          break;
        case 4:
          prev = add_node (model, NNB_NODE_ADD, NULL, prev, earlier);
          break;
        case 5:
          prev = add_node (model, NNB_NODE_MUL, NULL, earlier, prev);
          break;
        default:
          {
            g_autoptr (GError) error = NULL;
            int n = g_test_rand_int_range (2, 4);
            int cat = add_node (model, NNB_NODE_CAT, NULL, prev, earlier);

            check (nnb_model_set_n_inputs (model, cat, n, &error), error);
            for (int slot = 2; slot < n; slot++)
              check (nnb_model_connect (model, g_test_rand_int_range (0, model->nodes->len - 1), cat, slot, &error),
                     error);
            prev = cat;
          }
          break;
        }
    }
  add_node (model, NNB_NODE_OUTPUT, NULL, prev, -1);
  return model;
}

static void
test_round_trip_random (void)
{
  for (int i = 0; i < 300; i++)
    {
      g_autoptr (NnbModel) model = random_model ();
      g_autofree char *what = g_strdup_printf ("random graph %d", i);

      assert_round_trip (what, model);
    }
}

/* ------------------------------------------------------------ the CLI */

static int
run_cli (const char *py, const char *out_path, const char *class_name, char **err)
{
  const char *cli = g_getenv ("NNB_CLI");
  const char *argv[] = { cli, "import-code", py, "-o", out_path, class_name ? "--class" : NULL, class_name, NULL };
  g_autofree char *out = NULL;

  return nnb_test_run (argv, &out, err);
}

static void
test_cli (void)
{
  g_autofree char *dir = g_dir_make_tmp ("nnb-import-XXXXXX", NULL);
  g_autofree char *out_path = g_build_filename (dir, "mlp.nnb", NULL);
  g_autofree char *two = g_build_filename (dir, "two.py", NULL);
  g_autofree char *mlp = nnb_test_source_path ("tests/data/python/day02-mlp.py");
  g_autofree char *err = NULL, *err2 = NULL, *err3 = NULL, *expected = NULL;
  g_autoptr (NnbProject) project = NULL;
  g_autoptr (GError) error = NULL;

  if (g_getenv ("NNB_CLI") == NULL)
    {
      g_test_skip ("NNB_CLI is not set (run through meson test)");
      return;
    }
  g_assert_cmpint (run_cli (mlp, out_path, NULL, &err), ==, 0);
  g_assert_cmpstr (err, ==, "");
  project = nnb_project_load (out_path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (nnb_model_count_parameters (project->model), ==, 353);
  /* three inputs: the page's data, so it trains (the app's paste makes the
   * same project: nnb_project_new_for_model) */
  g_assert_cmpint (project->data.kind, ==, NNB_DATA_SINE_PRODUCT);
  /* laid out: a position for every block */
  g_assert_cmpuint (project->positions->len, ==, project->model->nodes->len);
  for (guint i = 0; i < project->positions->len; i++)
    g_assert_true (isfinite (g_array_index (project->positions, NnbBlockPosition, i).x));

  g_assert_true (g_file_set_contents (two,
                                      "from torch import nn\n"
                                      "class A(nn.Module):\n"
                                      "    def __init__(self):\n"
                                      "        super().__init__()\n"
                                      "        self.fc = nn.Linear(1, 1)\n"
                                      "    def forward(self, x):\n"
                                      "        for i in x:\n"
                                      "            pass\n"
                                      "        return self.fc(x)\n"
                                      "class B(nn.Sequential):\n"
                                      "    pass\n",
                                      -1, NULL));
  g_assert_cmpint (run_cli (two, out_path, NULL, &err2), ==, 0);
  g_assert_cmpstr (err2, ==, "nnblocks-cli: the file defines the model classes A, B; importing B, the last (choose "
                             "another with --class NAME).\n");
  g_assert_cmpint (run_cli (two, out_path, "A", &err3), !=, 0);
  expected = g_strdup_printf ("nnblocks-cli: %s: line 7, column 9: a for loop in forward() cannot be drawn as blocks.\n",
                              two);
  g_assert_cmpstr (err3, ==, expected);
  g_unlink (two);
  g_unlink (out_path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/python-import/tokens", test_tokens);
  g_test_add_func ("/python-import/token-errors", test_token_errors);
  g_test_add_func ("/python-import/page-mlp", test_page_mlp);
  g_test_add_func ("/python-import/page-sinenet", test_page_sinenet);
  g_test_add_func ("/python-import/page-sequential", test_page_sequential);
  g_test_add_func ("/python-import/modules", test_modules);
  g_test_add_func ("/python-import/forward", test_forward);
  g_test_add_func ("/python-import/classes", test_classes);
  g_test_add_func ("/python-import/refusals", test_refusals);
  g_test_add_func ("/python-import/round-trip-examples", test_round_trip_examples);
  g_test_add_func ("/python-import/round-trip-lessons", test_round_trip_lessons);
  g_test_add_func ("/python-import/round-trip-forms", test_round_trip_forms);
  g_test_add_func ("/python-import/round-trip-random", test_round_trip_random);
  g_test_add_func ("/python-import/cli", test_cli);
  return g_test_run ();
}
