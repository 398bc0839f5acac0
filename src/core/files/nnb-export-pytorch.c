/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-export-pytorch.c — the model as the PyTorch source a student would
 * write: a subclass of nn.Module whose __init__ registers the diagram's
 * modules under their names and whose forward follows the wires, plus
 * nn.Sequential for a chain, a safetensors loader and a __main__ block.
 *
 * The file must run as is on a machine with only PyTorch, so the loader is
 * plain Python (struct + json + torch.frombuffer) and uses the safetensors
 * package only when it is there. */
#include "nnb-export.h"
#include "nnb-files-private.h"

#include <string.h>
#include "nnb-function.h"
#include "nnb-python.h"

#define INDENT "    "

/* Names the generated file defines or imports at module level; a model
 * class must not shadow them. */
static const char *const file_names[] = {
  "json",
  "os",
  "struct",
  "torch",
  "nn",
  "F",
  "OrderedDict",
  "load_safetensors",
  "make_sequential",
  /* the project's code (nnb-export-pytorch-train.c) */
  "sys",
  "read_csv",
  "make_data",
  "init_weights",
  "train",
  "predicted_class",
  "count_correct",
  "confusion_matrix",
  "print_confusion",
  /* the notebook's (nnb-export-notebook.c) */
  "plt",
  "model",
  "optimizer",
  "loss_fn",
  "losses",
};

/* What the file is for: the model alone, the project (--train replays
 * it), or the project's training script (it trains when run). */
typedef enum
{
  EXPORT_MODEL,
  EXPORT_PROJECT,
  EXPORT_SCRIPT,
} ExportKind;

typedef enum
{
  FORM_SUBCLASS,   /* class MLP(nn.Module) with named attributes */
  FORM_SEQUENTIAL, /* the model is nn.Sequential itself (modules 0, 1, …) */
  FORM_BARE,       /* the model is one bare module: nn.Linear(1, 1) */
} ExportForm;

static ExportForm
export_form (NnbModel *model)
{
  if (model->modules->len == 1 && ((char *) model->module_names->pdata[0])[0] == '\0')
    return FORM_BARE;
  if (strcmp (model->class_name, "Sequential") == 0)
    return FORM_SEQUENTIAL;
  return FORM_SUBCLASS;
}

/* The class the file defines: the model's own name when Python accepts it
 * and it names no PyTorch class (a "Sequential" or "Linear" subclass would
 * read as if it were PyTorch's own). */
static const char *
python_class_name (NnbModel *model)
{
  NnbModuleKind kind;

  if (!nnb_is_python_identifier (model->class_name) ||
      nnb_module_kind_from_string (model->class_name, &kind) ||
      strcmp (model->class_name, "Module") == 0)
    return "Model";
  for (guint i = 0; i < G_N_ELEMENTS (file_names); i++)
    if (strcmp (model->class_name, file_names[i]) == 0)
      return "Model";
  return model->class_name;
}

/* A Python string literal for any text. */
static void
append_python_string (GString *out, const char *text)
{
  g_string_append_c (out, '"');
  for (const guchar *p = (const guchar *) text; *p; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_printf (out, "\\%c", *p);
      else if (*p < 0x20 || *p == 0x7f)
        g_string_append_printf (out, "\\x%02x", *p);
      else
        g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

/* The constructor's arguments, as PyTorch spells them. */
static char *
constructor_arguments (const NnbModule *module)
{
  switch (module->kind)
    {
    case NNB_MODULE_LINEAR:
      return g_strdup_printf ("%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "%s",
                              module->in_features, module->out_features,
                              module->has_bias ? "" : ", bias=False");
    case NNB_MODULE_LAYER_NORM:
      {
        /* the defaults left out, as a student writes nn.LayerNorm(16) */
        g_autofree char *eps = nnb_python_float_repr (module->eps);
        return g_strdup_printf ("%" G_GINT64_FORMAT "%s%s%s", module->normalized_shape,
                                module->eps != 1e-5 ? ", eps=" : "", module->eps != 1e-5 ? eps : "",
                                module->elementwise_affine ? "" : ", elementwise_affine=False");
      }
    case NNB_MODULE_BATCH_NORM:
      {
        /* nn.BatchNorm1d(16): only what differs from the defaults, in
         * print(model)'s order */
        GString *args = g_string_new (NULL);
        g_string_append_printf (args, "%" G_GINT64_FORMAT, module->num_features);
        if (module->eps != 1e-5)
          {
            g_autofree char *eps = nnb_python_float_repr (module->eps);
            g_string_append_printf (args, ", eps=%s", eps);
          }
        if (!module->has_momentum)
          g_string_append (args, ", momentum=None");
        else if (module->momentum != 0.1)
          {
            g_autofree char *momentum = nnb_python_float_repr (module->momentum);
            g_string_append_printf (args, ", momentum=%s", momentum);
          }
        if (!module->affine)
          g_string_append (args, ", affine=False");
        if (!module->track_running_stats)
          g_string_append (args, ", track_running_stats=False");
        return g_string_free (args, FALSE);
      }
    case NNB_MODULE_SOFTMAX:
    case NNB_MODULE_LOG_SOFTMAX:
      /* always written: nn.Softmax() without dim is deprecated */
      return g_strdup_printf ("dim=%" G_GINT64_FORMAT, module->dim);
    case NNB_MODULE_DROPOUT:
      /* nn.Dropout(0.5): p as Python's repr, so print(model) says p=0.5 */
      return nnb_python_float_repr (module->p);
    case NNB_MODULE_LEAKY_RELU:
      {
        /* print(model) already writes the slope as Python's repr does */
        g_autofree char *repr = nnb_module_repr (module, 0);
        const char *open = strchr (repr, '(');
        return g_strndup (open + 1, strlen (open + 1) - 1);
      }
    default:
      return g_strdup ("");
    }
}

static void append_constructor (GString *out, const NnbModule *module, int indent);

/* Children of a Sequential, one per line, each followed by a comma. */
static void
append_children (GString *out, const NnbModule *module, int indent)
{
  for (guint i = 0; i < module->children->len; i++)
    {
      g_string_append_printf (out, "%*s", indent, "");
      append_constructor (out, module->children->pdata[i], indent);
      g_string_append (out, ",\n");
    }
}

/* nn.Linear(3, 16), nn.ReLU(), nn.Sequential(\n …\n) at the given
 * indentation (of the line the expression starts on). */
static void
append_constructor (GString *out, const NnbModule *module, int indent)
{
  g_autofree char *args = NULL;

  if (module->kind == NNB_MODULE_SEQUENTIAL)
    {
      if (module->children->len == 0)
        {
          g_string_append (out, "nn.Sequential()");
          return;
        }
      g_string_append (out, "nn.Sequential(\n");
      append_children (out, module, indent + 4);
      g_string_append_printf (out, "%*s)", indent, "");
      return;
    }
  args = constructor_arguments (module);
  g_string_append_printf (out, "nn.%s(%s)", nnb_module_kind_to_string (module->kind), args);
}

/* TRUE when a Sequential model's modules are named 0, 1, 2… in order, so
 * nn.Sequential(a, b, …) gives them the same names. */
static gboolean
names_are_positions (NnbModel *model)
{
  for (guint i = 0; i < model->module_names->len; i++)
    {
      g_autofree char *position = g_strdup_printf ("%u", i);
      if (strcmp (model->module_names->pdata[i], position) != 0)
        return FALSE;
    }
  return TRUE;
}

/* The model's modules as nn.Sequential arguments: positional when the
 * names are 0, 1, …, else an OrderedDict that keeps the names (and with
 * them the state_dict keys). */
static void
append_sequential_arguments (GString *out, NnbModel *model, int indent)
{
  gboolean positional = strcmp (model->class_name, "Sequential") == 0 && names_are_positions (model);

  if (!positional)
    {
      g_string_append_printf (out, "%*sOrderedDict([\n", indent, "");
      indent += 4;
    }
  for (guint i = 0; i < model->modules->len; i++)
    {
      g_string_append_printf (out, "%*s", indent, "");
      if (!positional)
        {
          g_string_append_c (out, '(');
          append_python_string (out, model->module_names->pdata[i]);
          g_string_append (out, ", ");
        }
      append_constructor (out, model->modules->pdata[i], indent);
      g_string_append (out, positional ? ",\n" : "),\n");
    }
  if (!positional)
    g_string_append_printf (out, "%*s]),\n", indent - 4, "");
}

static gboolean
needs_ordered_dict (NnbModel *model, gboolean chain)
{
  switch (export_form (model))
    {
    case FORM_SEQUENTIAL:
      return !names_are_positions (model);
    case FORM_SUBCLASS:
      return chain;
    case FORM_BARE:
    default:
      return FALSE;
    }
}

/* ---------------------------------------------------------------------- */
/* forward                                                                */
/* ---------------------------------------------------------------------- */

/* How forward refers to a registered module. */
static char *
module_reference (NnbModel *model, const char *name)
{
  if (export_form (model) == FORM_SEQUENTIAL)
    {
      /* a Sequential subclass indexes its layers by position */
      for (guint i = 0; i < model->module_names->len; i++)
        if (strcmp (model->module_names->pdata[i], name) == 0)
          return g_strdup_printf ("self[%u]", i);
    }
  return g_strdup_printf ("self.%s", name);
}

/* Variables for forward: a value keeps its variable while a later block
 * still reads it; a variable whose value is dead is reused. The input is
 * x, the others h, h2, h3… — so a chain reads x = self.fc1(x), x =
 * self.act(x), and a skip connection keeps its second name visible. */
typedef struct
{
  GPtrArray *free_names; /* char*, owned */
  int n_created;
} VarPool;

static char *
pool_take (VarPool *pool)
{
  if (pool->free_names->len > 0)
    return g_ptr_array_steal_index (pool->free_names, pool->free_names->len - 1);
  pool->n_created++;
  return pool->n_created == 1 ? g_strdup ("h") : g_strdup_printf ("h%d", pool->n_created);
}

static void
append_forward_body (GString *out, NnbModel *model, GArray *order)
{
  guint n = model->nodes->len;
  g_autofree int *position = g_new0 (int, n);
  g_autofree int *last_use = g_new0 (int, n);
  g_autofree int *n_uses = g_new0 (int, n);
  g_autoptr (GPtrArray) vars = g_ptr_array_new_full (n, g_free);
  VarPool pool = { g_ptr_array_new_with_free_func (g_free), 0 };

  g_ptr_array_set_size (vars, n);
  for (guint k = 0; k < order->len; k++)
    position[g_array_index (order, int, k)] = k;
  for (guint i = 0; i < n; i++)
    {
      NnbNode *node = model->nodes->pdata[i];
      for (int s = 0; s < node->n_inputs; s++)
        {
          last_use[node->inputs[s]] = MAX (last_use[node->inputs[s]], position[i]);
          n_uses[node->inputs[s]]++;
        }
    }

  for (guint k = 0; k < order->len; k++)
    {
      int index = g_array_index (order, int, k);
      NnbNode *node = model->nodes->pdata[index];
      g_autofree char *expr = NULL;
      char *result = NULL;

      switch (node->kind)
        {
        case NNB_NODE_INPUT:
          vars->pdata[index] = g_strdup ("x");
          continue;
        case NNB_NODE_OUTPUT:
          g_string_append_printf (out, INDENT INDENT "return %s\n", (char *) vars->pdata[node->inputs[0]]);
          continue;
        case NNB_NODE_CALL:
          {
            g_autofree char *ref = module_reference (model, node->module);
            expr = g_strdup_printf ("%s(%s)", ref, (char *) vars->pdata[node->inputs[0]]);
          }
          break;
        case NNB_NODE_FUNCTION:
          expr = nnb_function_call_text (node->function, node->activation, vars->pdata[node->inputs[0]]);
          break;
        case NNB_NODE_MUL:
          expr = g_strdup_printf ("%s * %s", (char *) vars->pdata[node->inputs[0]],
                                  (char *) vars->pdata[node->inputs[1]]);
          break;
        case NNB_NODE_CAT:
          {
            GString *list = g_string_new ("torch.cat([");
            for (int s = 0; s < node->n_inputs; s++)
              g_string_append_printf (list, "%s%s", s ? ", " : "", (char *) vars->pdata[node->inputs[s]]);
            g_string_append (list, "], dim=1)");
            expr = g_string_free (list, FALSE);
          }
          break;
        case NNB_NODE_ADD:
        default:
          expr = g_strdup_printf ("%s + %s", (char *) vars->pdata[node->inputs[0]],
                                  (char *) vars->pdata[node->inputs[1]]);
          break;
        }

      /* the value that only `return` reads is returned directly; the
       * output block is the last in the order, so this ends forward */
      if (n_uses[index] == 1 && k + 1 < order->len)
        {
          NnbNode *next = model->nodes->pdata[g_array_index (order, int, k + 1)];
          if (next->kind == NNB_NODE_OUTPUT && next->inputs[0] == index)
            {
              g_string_append_printf (out, INDENT INDENT "return %s\n", expr);
              break;
            }
        }

      /* inputs read for the last time free their variables; the result
       * takes the first of them, so the chain keeps one name */
      for (int s = 0; s < node->n_inputs; s++)
        {
          int from = node->inputs[s];
          if (last_use[from] == (int) k && vars->pdata[from] != NULL)
            {
              char *name = g_steal_pointer (&vars->pdata[from]);
              if (result == NULL)
                result = name;
              else
                g_ptr_array_add (pool.free_names, name);
            }
        }
      if (result == NULL)
        result = pool_take (&pool);
      g_string_append_printf (out, INDENT INDENT "%s = %s\n", result, expr);
      vars->pdata[index] = result;
    }
  g_ptr_array_unref (pool.free_names);
}

/* forward, or, for a diagram that is not finished, a forward that says
 * why it cannot run (the code view shows it live while the student
 * builds). */
static void
append_forward (GString *out, NnbModel *model)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) order = NULL;

  g_string_append (out, "\n" INDENT "def forward(self, x):\n");
  if (!nnb_model_validate (model, &error) || (order = nnb_model_topological_order (model, &error)) == NULL)
    {
      g_string_append (out, INDENT INDENT "# The diagram is not finished yet.\n");
      g_string_append (out, INDENT INDENT "raise NotImplementedError(");
      append_python_string (out, error->message);
      g_string_append (out, ")\n");
      return;
    }
  append_forward_body (out, model, order);
}

/* ---------------------------------------------------------------------- */
/* The parts of the file                                                  */
/* ---------------------------------------------------------------------- */

void
nnb_export_pytorch_append_environment (GString *out)
{
  g_string_append (out, "# The CPU's float sums in the order NN Blocks reproduces: OpenBLAS's\n"
                        "# Haswell kernels on one thread, PyTorch's AVX2 kernels (set before torch\n"
                        "# loads). Without these lines it trains faster, a few digits apart.\n"
                        "os.environ[\"OPENBLAS_CORETYPE\"] = \"Haswell\"\n"
                        "os.environ[\"OPENBLAS_NUM_THREADS\"] = \"1\"\n"
                        "os.environ[\"ATEN_CPU_CAPABILITY\"] = \"avx2\"\n");
}

/* The training script's docstring and first lines: how to move it to a
 * GPU, and the PyTorch set-up whose float sums NN Blocks reproduces
 * (tests/reference/nnb_pytorch_env.py), chosen before torch loads. */
static void
append_script_header (GString *out, const char *weights_file)
{
  g_string_append (out, "\"\"\"An NN Blocks project as a PyTorch training script.\n\n"
                        "Run it with python3: it makes the project's data, builds the model,\n");
  g_string_append (out, weights_file != NULL ? "loads the weights saved beside it" : "initialises it");
  g_string_append (out, " and trains it, printing the losses as\n"
                        "nnblocks-cli train prints them, line for line.\n"
                        "\n"
                        "To train on a GPU instead: put the model there after its init, before\n"
                        "the optimizer is made (model = model.to(\"cuda\")), and every tensor the\n"
                        "loop feeds it (X, y = X.to(\"cuda\"), y.to(\"cuda\"), and X_test, y_test\n"
                        "likewise), then delete the os.environ lines below: the losses will\n"
                        "differ from NN Blocks' in their last digits, as the GPU sums in\n"
                        "another order.\n"
                        "\"\"\"\n"
                        "import os\n"
                        "\n");
  nnb_export_pytorch_append_environment (out);
  /* for load_safetensors */
  if (weights_file != NULL)
    g_string_append (out, "\n"
                          "import json  # noqa: E402\n"
                          "import struct  # noqa: E402\n");
}

gboolean
nnb_export_pytorch_uses_f (NnbModel *model)
{
  for (guint i = 0; i < model->nodes->len; i++)
    {
      NnbNode *node = model->nodes->pdata[i];
      if (node->kind == NNB_NODE_FUNCTION && nnb_function_needs_f (node->function))
        return TRUE;
    }
  return FALSE;
}

static void
append_header (GString *out, NnbModel *model, const char *weights_file, gboolean ordered_dict,
               ExportKind kind)
{
  /* as a student writes it, and only when forward calls F.… */
  const char *functional = nnb_export_pytorch_uses_f (model) ? "import torch.nn.functional as F\n" : "";

  const char *name = nnb_is_python_identifier (model->class_name) ? model->class_name : "Model";
  gboolean with_training = kind == EXPORT_PROJECT;

  if (kind == EXPORT_SCRIPT)
    {
      append_script_header (out, weights_file);
      if (ordered_dict)
        g_string_append (out, "from collections import OrderedDict  # noqa: E402\n");
      g_string_append (out, "\n"
                            "import torch  # noqa: E402\n"
                            "from torch import nn  # noqa: E402\n");
      if (functional[0])
        g_string_append (out, "import torch.nn.functional as F  # noqa: E402\n");
      g_string_append (out, "\n"
                            "torch.set_num_threads(1)\n");
      return;
    }
  g_string_append_printf (out, "\"\"\"The model %s from NN Blocks, as PyTorch code.\n\n", name);
  if (weights_file != NULL)
    g_string_append (out, "Run it with python3: it builds the model, loads the trained weights from\n"
                          "the safetensors file beside it (named in the __main__ block) and prints\n"
                          "the model.\n");
  else
    g_string_append (out, "Run it with python3: it builds the model and prints it.\n");
  if (with_training)
    g_string_append (out, "\nWith --train it replays the project instead: the seeds, the data (with its\n"
                          "held-out test rows and standardisation, if any), the init and the training\n"
                          "loop, printing the losses as nnblocks-cli train prints them.\n");
  g_string_append (out, "\"\"\"\n"
                        "import json\n"
                        "import os\n"
                        "import struct\n");
  if (with_training)
    g_string_append (out, "import sys\n");
  if (ordered_dict)
    g_string_append (out, "from collections import OrderedDict\n");
  g_string_append (out, "\n"
                        "import torch\n"
                        "from torch import nn\n");
  g_string_append (out, functional);
}

static void
append_subclass (GString *out, NnbModel *model)
{
  g_autoptr (GHashTable) first_name = g_hash_table_new (NULL, NULL);

  g_string_append_printf (out, "\n\nclass %s(nn.Module):\n", python_class_name (model));
  g_string_append (out, INDENT "def __init__(self):\n" INDENT INDENT "super().__init__()\n");
  for (guint i = 0; i < model->modules->len; i++)
    {
      NnbModule *module = model->modules->pdata[i];
      const char *name = model->module_names->pdata[i];
      const char *earlier = g_hash_table_lookup (first_name, module);

      g_string_append_printf (out, INDENT INDENT "self.%s = ", name);
      /* one module under two names is one object in PyTorch too */
      if (earlier != NULL)
        g_string_append_printf (out, "self.%s", earlier);
      else
        append_constructor (out, module, 8);
      g_string_append_c (out, '\n');
      if (earlier == NULL)
        g_hash_table_insert (first_name, module, (gpointer) name);
    }
  append_forward (out, model);
}

static void
append_sequential_subclass (GString *out, NnbModel *model, gboolean chain)
{
  g_string_append_printf (out, "\n\nclass %s(nn.Sequential):\n", python_class_name (model));
  g_string_append (out, INDENT "def __init__(self):\n" INDENT INDENT "super().__init__(\n");
  append_sequential_arguments (out, model, 12);
  g_string_append (out, INDENT INDENT ")\n");
  /* nn.Sequential's own forward runs the layers in order; a diagram that
   * is not a chain writes its own */
  if (!chain)
    append_forward (out, model);
}

static void
append_bare_subclass (GString *out, NnbModel *model)
{
  NnbModule *module = model->modules->pdata[0];

  g_string_append_printf (out, "\n\nclass %s(nn.%s):\n", python_class_name (model),
                          nnb_module_kind_to_string (module->kind));
  g_string_append (out, INDENT "def __init__(self):\n" INDENT INDENT "super().__init__(");
  if (module->kind == NNB_MODULE_SEQUENTIAL && module->children->len > 0)
    {
      g_string_append_c (out, '\n');
      append_children (out, module, 12);
      g_string_append (out, INDENT INDENT);
    }
  else
    {
      g_autofree char *args = constructor_arguments (module);
      g_string_append (out, args);
    }
  g_string_append (out, ")\n");
}

static void
append_make_sequential (GString *out, NnbModel *model)
{
  g_string_append (out, "\n\ndef make_sequential():\n" INDENT "\"\"\"The same model as nn.Sequential: the diagram is a chain.\"\"\"\n" INDENT "return nn.Sequential(\n");
  append_sequential_arguments (out, model, 8);
  g_string_append (out, INDENT ")\n");
}

static const char loader_source[] =
  "\n\n"
  "def load_safetensors(path):\n"
  "    \"\"\"Reads a safetensors file into a state_dict of float32 tensors.\n"
  "\n"
  "    Uses the safetensors package when it is installed; otherwise reads the\n"
  "    format itself: an 8-byte little-endian header length, a JSON header\n"
  "    {name: {dtype, shape, data_offsets}}, then the little-endian data.\n"
  "    \"\"\"\n"
  "    try:\n"
  "        from safetensors.torch import load_file\n"
  "    except ImportError:\n"
  "        load_file = None\n"
  "    if load_file is not None:\n"
  "        return load_file(path)\n"
  "\n"
  "    with open(path, \"rb\") as f:\n"
  "        data = f.read()\n"
  "    (header_len,) = struct.unpack(\"<Q\", data[:8])\n"
  "    header = json.loads(data[8:8 + header_len])\n"
  "    start = 8 + header_len\n"
  "    state_dict = {}\n"
  "    for name, info in header.items():\n"
  "        if name == \"__metadata__\":\n"
  "            continue\n"
  "        if info[\"dtype\"] != \"F32\":\n"
  "            raise ValueError(f\"{name}: dtype {info['dtype']} is not float32 (F32)\")\n"
  "        begin, end = info[\"data_offsets\"]\n"
  "        if begin == end:\n"
  "            tensor = torch.zeros(info[\"shape\"])\n"
  "        else:\n"
  "            # a bytearray copy: frombuffer wants a writable buffer, and the\n"
  "            # tensor keeps it alive\n"
  "            buffer = bytearray(data[start + begin:start + end])\n"
  "            tensor = torch.frombuffer(buffer, dtype=torch.float32).reshape(info[\"shape\"])\n"
  "        state_dict[name] = tensor\n"
  "    return state_dict\n";

/* print(model) shows what NN Blocks shows: nn.Sequential itself for a
 * Sequential model */
static char *
model_expression (NnbModel *model, ExportForm form, gboolean chain)
{
  if (form == FORM_SEQUENTIAL && chain)
    return g_strdup ("make_sequential()");
  return g_strdup_printf ("%s()", python_class_name (model));
}

static void
append_main (GString *out, NnbModel *model, ExportForm form, gboolean chain, const char *weights_file,
             ExportKind kind)
{
  g_autofree char *expression = model_expression (model, form, chain);

  if (kind == EXPORT_SCRIPT)
    {
      g_string_append (out, "\n\nif __name__ == \"__main__\":\n" INDENT "train()\n");
      return;
    }
  if (kind == EXPORT_PROJECT)
    g_string_append (out, "\n\nif __name__ == \"__main__\" and sys.argv[1:] == [\"--train\"]:\n" INDENT
                          "train()\n"
                          "elif __name__ == \"__main__\":\n");
  else
    g_string_append (out, "\n\nif __name__ == \"__main__\":\n");
  g_string_append_printf (out, INDENT "model = %s\n", expression);
  if (weights_file != NULL)
    {
      g_string_append (out, INDENT "path = os.path.join(os.path.dirname(os.path.abspath(__file__)), ");
      append_python_string (out, weights_file);
      g_string_append (out, ")\n" INDENT "model.load_state_dict(load_safetensors(path))\n");
    }
  g_string_append (out, INDENT "print(model)\n");
}

/* The model's class and, for a chain, make_sequential(); returns the
 * expression that builds the model. */
static char *
append_model (GString *out, NnbModel *model, ExportForm form, gboolean chain)
{
  switch (form)
    {
    case FORM_BARE:
      append_bare_subclass (out, model);
      break;
    case FORM_SEQUENTIAL:
      append_sequential_subclass (out, model, chain);
      break;
    case FORM_SUBCLASS:
    default:
      append_subclass (out, model);
      break;
    }
  if (chain)
    append_make_sequential (out, model);
  return model_expression (model, form, chain);
}

static gboolean
is_chain (NnbModel *model, ExportForm form)
{
  return form != FORM_BARE && model->modules->len > 0 && nnb_model_is_chain (model);
}

char *
nnb_export_pytorch_append_model (GString *out, NnbModel *model)
{
  ExportForm form = export_form (model);

  return append_model (out, model, form, is_chain (model, form));
}

void
nnb_export_pytorch_append_loader (GString *out)
{
  g_string_append (out, loader_source);
}

static char *
export_code (NnbModel *model, const char *weights_file, NnbProject *project, ExportKind kind)
{
  ExportForm form = export_form (model);
  gboolean chain = is_chain (model, form);
  GString *out = g_string_new (NULL);
  g_autofree char *expression = NULL;

  append_header (out, model, weights_file, needs_ordered_dict (model, chain), kind);
  expression = append_model (out, model, form, chain);
  /* the script reads weights only when it has some to read */
  if (kind != EXPORT_SCRIPT || weights_file != NULL)
    g_string_append (out, loader_source);
  if (kind == EXPORT_SCRIPT)
    {
      g_autoptr (GString) path = g_string_new ("os.path.join(os.path.dirname(os.path.abspath(__file__)), ");
      if (weights_file != NULL)
        {
          append_python_string (path, weights_file);
          g_string_append_c (path, ')');
        }
      nnb_export_pytorch_append_training (out, project, expression, weights_file != NULL ? path->str : NULL);
    }
  else if (kind == EXPORT_PROJECT)
    nnb_export_pytorch_append_training (out, project, expression, NULL);
  append_main (out, model, form, chain, weights_file, kind);
  return g_string_free (out, FALSE);
}

char *
nnb_export_pytorch_code (NnbModel *model, const char *weights_file)
{
  g_return_val_if_fail (model != NULL, NULL);

  return export_code (model, weights_file, NULL, EXPORT_MODEL);
}

char *
nnb_export_pytorch_project_code (NnbProject *project, const char *weights_file)
{
  g_return_val_if_fail (project != NULL && project->model != NULL, NULL);

  return export_code (project->model, weights_file, project, EXPORT_PROJECT);
}

char *
nnb_export_pytorch_script (NnbProject *project, const char *weights_file)
{
  g_return_val_if_fail (project != NULL && project->model != NULL, NULL);

  return export_code (project->model, weights_file, project, EXPORT_SCRIPT);
}
