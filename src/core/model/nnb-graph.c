/* nnb-graph.c — the editor's model: modules and blocks without
 * tensors, edits that refuse what PyTorch would refuse, and the bridge to
 * and from NnbModel. */
#include "nnb-graph.h"

#include <math.h>
#include <string.h>
#include "nnb-error.h"
#include "nnb-module-attributes.h"

#define LAYER_DX 160.0 /* the examples' spacing: room for a block and a shape label */
#define LAYER_DY 100.0 /* a skip connection's wire passes between two rows */

static const struct
{
  const char *name;
  NnbNodeKind node;
  NnbModuleKind module;
  const char *base; /* default attribute name */
} block_kinds[NNB_N_BLOCK_KINDS] = {
  [NNB_BLOCK_INPUT] = { "Input", NNB_NODE_INPUT, 0, "x" },
  [NNB_BLOCK_LINEAR] = { "Linear", NNB_NODE_CALL, NNB_MODULE_LINEAR, "fc" },
  [NNB_BLOCK_RELU] = { "ReLU", NNB_NODE_CALL, NNB_MODULE_RELU, "act" },
  [NNB_BLOCK_TANH] = { "Tanh", NNB_NODE_CALL, NNB_MODULE_TANH, "act" },
  [NNB_BLOCK_SIGMOID] = { "Sigmoid", NNB_NODE_CALL, NNB_MODULE_SIGMOID, "act" },
  [NNB_BLOCK_LEAKY_RELU] = { "LeakyReLU", NNB_NODE_CALL, NNB_MODULE_LEAKY_RELU, "act" },
  [NNB_BLOCK_GELU] = { "GELU", NNB_NODE_CALL, NNB_MODULE_GELU, "act" },
  [NNB_BLOCK_IDENTITY] = { "Identity", NNB_NODE_CALL, NNB_MODULE_IDENTITY, "identity" },
  [NNB_BLOCK_ADD] = { "Add", NNB_NODE_ADD, 0, "add" },
  [NNB_BLOCK_SEQUENTIAL] = { "Sequential", NNB_NODE_CALL, NNB_MODULE_SEQUENTIAL, "net" },
  [NNB_BLOCK_OUTPUT] = { "Output", NNB_NODE_OUTPUT, 0, "out" },
};


/* Modules */

static void
graph_module_free (gpointer data)
{
  NnbGraphModule *module = data;

  g_free (module->name);
  g_clear_pointer (&module->children, g_ptr_array_unref);
  g_free (module);
}

static NnbGraphModule *
graph_module_new (const char *name, NnbModuleKind kind)
{
  NnbGraphModule *module = g_new0 (NnbGraphModule, 1);

  module->name = g_strdup (name);
  module->kind = kind;
  module->in_features = 1;
  module->out_features = 1;
  module->bias = TRUE;
  module->negative_slope = 0.01;
  if (kind == NNB_MODULE_SEQUENTIAL)
    module->children = g_ptr_array_new_with_free_func (graph_module_free);
  return module;
}

static NnbGraphModule *
graph_module_copy (const NnbGraphModule *source, const char *name)
{
  NnbGraphModule *module = g_memdup2 (source, sizeof *source);

  module->name = g_strdup (name);
  if (source->children != NULL)
    {
      module->children = g_ptr_array_new_with_free_func (graph_module_free);
      for (guint i = 0; i < source->children->len; i++)
        g_ptr_array_add (module->children, graph_module_copy (source->children->pdata[i], NULL));
    }
  return module;
}

static gboolean
graph_module_equal (const NnbGraphModule *a, const NnbGraphModule *b)
{
  if (g_strcmp0 (a->name, b->name) != 0 || a->kind != b->kind || a->in_features != b->in_features
      || a->out_features != b->out_features || a->bias != b->bias || a->negative_slope != b->negative_slope
      || (a->children == NULL) != (b->children == NULL))
    return FALSE;
  if (a->children != NULL)
    {
      if (a->children->len != b->children->len)
        return FALSE;
      for (guint i = 0; i < a->children->len; i++)
        if (!graph_module_equal (a->children->pdata[i], b->children->pdata[i]))
          return FALSE;
    }
  return TRUE;
}

static NnbGraphModule *
graph_module_from_module (const char *name, const NnbModule *source)
{
  NnbGraphModule *module = graph_module_new (name, source->kind);

  module->in_features = source->kind == NNB_MODULE_LINEAR ? source->in_features : 1;
  module->out_features = source->kind == NNB_MODULE_LINEAR ? source->out_features : 1;
  module->bias = source->kind == NNB_MODULE_LINEAR ? source->has_bias : TRUE;
  if (source->kind == NNB_MODULE_LEAKY_RELU)
    module->negative_slope = source->negative_slope;
  if (source->kind == NNB_MODULE_SEQUENTIAL)
    for (guint i = 0; i < source->children->len; i++)
      g_ptr_array_add (module->children, graph_module_from_module (NULL, source->children->pdata[i]));
  return module;
}

static NnbModule *
graph_module_build (const NnbGraphModule *module, GError **error)
{
  switch (module->kind)
    {
    case NNB_MODULE_LINEAR:
      /* no generator: zeros, until the project's recipe initialises them */
      return nnb_linear_new (module->in_features, module->out_features, module->bias, NULL, error);
    case NNB_MODULE_LEAKY_RELU:
      return nnb_leaky_relu_new (module->negative_slope);
    case NNB_MODULE_SEQUENTIAL:
      {
        g_autoptr (NnbModule) sequential = nnb_sequential_new ();

        for (guint i = 0; i < module->children->len; i++)
          {
            g_autoptr (NnbModule) child = graph_module_build (module->children->pdata[i], error);

            if (child == NULL)
              return NULL;
            nnb_sequential_append (sequential, child);
          }
        return g_steal_pointer (&sequential);
      }
    default:
      return nnb_activation_new (module->kind);
    }
}

static int
module_index (const NnbGraph *graph, const char *name)
{
  for (guint i = 0; i < graph->modules->len; i++)
    if (g_strcmp0 (((NnbGraphModule *) graph->modules->pdata[i])->name, name) == 0)
      return i;
  return -1;
}

static NnbGraphModule *
find_module (const NnbGraph *graph, const char *name)
{
  int index = module_index (graph, name);

  return index >= 0 ? graph->modules->pdata[index] : NULL;
}

/* Blocks */

static void
graph_block_free (gpointer data)
{
  NnbGraphBlock *block = data;

  g_free (block->name);
  g_free (block->module);
  g_free (block);
}

static NnbGraphBlock *
graph_block_new (const char *name, NnbNodeKind kind, const char *module, double x, double y)
{
  NnbGraphBlock *block = g_new0 (NnbGraphBlock, 1);

  block->name = g_strdup (name);
  block->kind = kind;
  block->module = g_strdup (module);
  block->inputs[0] = block->inputs[1] = -1;
  block->x = x;
  block->y = y;
  return block;
}

/* The graph */

NnbGraph *
nnb_graph_new (const char *class_name)
{
  NnbGraph *graph = g_new0 (NnbGraph, 1);

  graph->class_name = g_strdup (class_name != NULL ? class_name : "Model");
  graph->modules = g_ptr_array_new_with_free_func (graph_module_free);
  graph->blocks = g_ptr_array_new_with_free_func (graph_block_free);
  return graph;
}

void
nnb_graph_free (NnbGraph *graph)
{
  if (graph == NULL)
    return;
  g_free (graph->class_name);
  g_ptr_array_unref (graph->modules);
  g_ptr_array_unref (graph->blocks);
  g_free (graph);
}

NnbGraph *
nnb_graph_copy (const NnbGraph *graph)
{
  NnbGraph *copy = nnb_graph_new (graph->class_name);

  for (guint i = 0; i < graph->modules->len; i++)
    {
      const NnbGraphModule *module = graph->modules->pdata[i];
      g_ptr_array_add (copy->modules, graph_module_copy (module, module->name));
    }
  for (guint i = 0; i < graph->blocks->len; i++)
    {
      const NnbGraphBlock *block = graph->blocks->pdata[i];
      NnbGraphBlock *twin = graph_block_new (block->name, block->kind, block->module, block->x, block->y);

      twin->inputs[0] = block->inputs[0];
      twin->inputs[1] = block->inputs[1];
      g_ptr_array_add (copy->blocks, twin);
    }
  return copy;
}

gboolean
nnb_graph_equal (const NnbGraph *a, const NnbGraph *b)
{
  if (g_strcmp0 (a->class_name, b->class_name) != 0 || a->modules->len != b->modules->len
      || a->blocks->len != b->blocks->len)
    return FALSE;
  for (guint i = 0; i < a->modules->len; i++)
    if (!graph_module_equal (a->modules->pdata[i], b->modules->pdata[i]))
      return FALSE;
  for (guint i = 0; i < a->blocks->len; i++)
    {
      const NnbGraphBlock *p = a->blocks->pdata[i], *q = b->blocks->pdata[i];

      if (g_strcmp0 (p->name, q->name) != 0 || p->kind != q->kind || g_strcmp0 (p->module, q->module) != 0
          || p->inputs[0] != q->inputs[0] || p->inputs[1] != q->inputs[1] || p->x != q->x || p->y != q->y)
        return FALSE;
    }
  return TRUE;
}

guint
nnb_graph_n_blocks (const NnbGraph *graph)
{
  return graph->blocks->len;
}

NnbGraphBlock *
nnb_graph_get_block (const NnbGraph *graph, int index)
{
  g_return_val_if_fail (index >= 0 && (guint) index < graph->blocks->len, NULL);
  return graph->blocks->pdata[index];
}

int
nnb_graph_find_block (const NnbGraph *graph, const char *name)
{
  for (guint i = 0; i < graph->blocks->len; i++)
    if (g_strcmp0 (((NnbGraphBlock *) graph->blocks->pdata[i])->name, name) == 0)
      return i;
  return -1;
}

NnbGraphModule *
nnb_graph_block_module (const NnbGraph *graph, int index)
{
  NnbGraphBlock *block = nnb_graph_get_block (graph, index);

  if (block == NULL || block->kind != NNB_NODE_CALL)
    return NULL;
  return find_module (graph, block->module);
}

NnbBlockKind
nnb_graph_block_kind (const NnbGraph *graph, int index)
{
  NnbGraphBlock *block = nnb_graph_get_block (graph, index);
  NnbGraphModule *module;

  switch (block->kind)
    {
    case NNB_NODE_INPUT:
      return NNB_BLOCK_INPUT;
    case NNB_NODE_OUTPUT:
      return NNB_BLOCK_OUTPUT;
    case NNB_NODE_ADD:
      return NNB_BLOCK_ADD;
    case NNB_NODE_CALL:
    default:
      module = find_module (graph, block->module);
      for (int k = 0; k < NNB_N_BLOCK_KINDS; k++)
        if (module != NULL && block_kinds[k].node == NNB_NODE_CALL && block_kinds[k].module == module->kind)
          return k;
      return NNB_BLOCK_IDENTITY;
    }
}

guint
nnb_graph_module_calls (const NnbGraph *graph, const char *module)
{
  guint calls = 0;

  for (guint i = 0; i < graph->blocks->len; i++)
    {
      NnbGraphBlock *block = graph->blocks->pdata[i];
      if (block->kind == NNB_NODE_CALL && g_strcmp0 (block->module, module) == 0)
        calls++;
    }
  return calls;
}

const char *
nnb_block_kind_to_string (NnbBlockKind kind)
{
  g_return_val_if_fail (kind < NNB_N_BLOCK_KINDS, NULL);
  return block_kinds[kind].name;
}

gboolean
nnb_block_kind_from_string (const char *text, NnbBlockKind *kind)
{
  for (int k = 0; k < NNB_N_BLOCK_KINDS; k++)
    if (g_strcmp0 (text, block_kinds[k].name) == 0)
      {
        *kind = k;
        return TRUE;
      }
  return FALSE;
}

/* From and to the engine's model */

GArray *
nnb_graph_positions (const NnbGraph *graph)
{
  GArray *positions = g_array_sized_new (FALSE, FALSE, sizeof (NnbBlockPosition), graph->blocks->len);

  for (guint i = 0; i < graph->blocks->len; i++)
    {
      NnbGraphBlock *block = graph->blocks->pdata[i];
      NnbBlockPosition position = { block->x, block->y };
      g_array_append_val (positions, position);
    }
  return positions;
}

NnbGraph *
nnb_graph_from_model (NnbModel *model, const NnbBlockPosition *positions, guint n_positions)
{
  NnbGraph *graph;
  gboolean needs_layout = FALSE;

  g_return_val_if_fail (model != NULL, NULL);

  graph = nnb_graph_new (model->class_name);
  for (guint i = 0; i < model->modules->len; i++)
    g_ptr_array_add (graph->modules, graph_module_from_module (model->module_names->pdata[i], model->modules->pdata[i]));
  for (guint i = 0; i < model->nodes->len; i++)
    {
      NnbNode *node = model->nodes->pdata[i];
      double x = NAN, y = NAN;
      NnbGraphBlock *block;

      if (positions != NULL && i < n_positions)
        x = positions[i].x, y = positions[i].y;
      if (isnan (x) || isnan (y))
        needs_layout = TRUE;
      block = graph_block_new (node->name, node->kind, node->kind == NNB_NODE_CALL ? node->module : NULL, x, y);
      block->inputs[0] = node->inputs[0];
      block->inputs[1] = node->inputs[1];
      g_ptr_array_add (graph->blocks, block);
    }
  if (needs_layout)
    nnb_graph_layout (graph);
  return graph;
}

NnbModel *
nnb_graph_to_model (const NnbGraph *graph, GError **error)
{
  g_autoptr (NnbModel) model = nnb_model_new (graph->class_name);

  for (guint i = 0; i < graph->modules->len; i++)
    {
      const NnbGraphModule *source = graph->modules->pdata[i];
      g_autoptr (NnbModule) module = graph_module_build (source, error);

      if (module == NULL || !nnb_model_register_module (model, source->name, module, error))
        return NULL;
    }
  for (guint i = 0; i < graph->blocks->len; i++)
    {
      const NnbGraphBlock *block = graph->blocks->pdata[i];

      if (nnb_model_add_node (model, block->kind, block->name, block->module, error) < 0)
        return NULL;
    }
  for (guint i = 0; i < graph->blocks->len; i++)
    {
      const NnbGraphBlock *block = graph->blocks->pdata[i];

      for (int s = 0; s < nnb_model_n_inputs (block->kind); s++)
        if (block->inputs[s] >= 0 && !nnb_model_connect (model, block->inputs[s], i, s, error))
          return NULL;
    }
  return g_steal_pointer (&model);
}

/* Names */

static gboolean
name_taken (const NnbGraph *graph, const char *name, int except_block, const char *except_module)
{
  for (guint i = 0; i < graph->blocks->len; i++)
    if ((int) i != except_block && g_strcmp0 (((NnbGraphBlock *) graph->blocks->pdata[i])->name, name) == 0)
      return TRUE;
  for (guint i = 0; i < graph->modules->len; i++)
    {
      const char *module = ((NnbGraphModule *) graph->modules->pdata[i])->name;
      if (g_strcmp0 (module, name) == 0 && g_strcmp0 (module, except_module) != 0)
        return TRUE;
    }
  return FALSE;
}

/* fc1, fc2…: numbered from 1 like the page's layers; act, act_2…: a
 * second one is the exception. */
static char *
free_name (const NnbGraph *graph, const char *base)
{
  gboolean numbered = strcmp (base, "fc") == 0;

  for (int n = 1;; n++)
    {
      g_autofree char *name = numbered ? g_strdup_printf ("%s%d", base, n)
                                       : n == 1 ? g_strdup (base) : g_strdup_printf ("%s_%d", base, n);
      if (!name_taken (graph, name, -1, NULL))
        return g_steal_pointer (&name);
    }
}

static const char *
base_for_module (NnbModuleKind kind)
{
  for (int k = 0; k < NNB_N_BLOCK_KINDS; k++)
    if (block_kinds[k].node == NNB_NODE_CALL && block_kinds[k].module == kind)
      return block_kinds[k].base;
  return "layer";
}

/* Edits */

static gboolean
check_block (const NnbGraph *graph, int block, GError **error)
{
  if (block < 0 || (guint) block >= graph->blocks->len)
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_GRAPH, "There is no block number %d in the diagram.", block + 1);
      return FALSE;
    }
  return TRUE;
}

int
nnb_graph_add_block (NnbGraph *graph, NnbBlockKind kind, double x, double y, GError **error)
{
  g_autofree char *name = NULL;

  if ((guint) kind >= NNB_N_BLOCK_KINDS)
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_GRAPH, "There is no block of kind %d.", kind);
      return -1;
    }
  name = free_name (graph, block_kinds[kind].base);
  if (block_kinds[kind].node == NNB_NODE_CALL)
    g_ptr_array_add (graph->modules, graph_module_new (name, block_kinds[kind].module));
  g_ptr_array_add (graph->blocks, graph_block_new (name, block_kinds[kind].node,
                                                   block_kinds[kind].node == NNB_NODE_CALL ? name : NULL, x, y));
  return graph->blocks->len - 1;
}

int
nnb_graph_add_call (NnbGraph *graph, int index, double x, double y, GError **error)
{
  NnbGraphBlock *block;
  g_autofree char *name = NULL;

  if (!check_block (graph, index, error))
    return -1;
  block = graph->blocks->pdata[index];
  if (block->kind != NNB_NODE_CALL)
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_GRAPH,
                   "'%s' is not a module: only a module's block can be called again.", block->name);
      return -1;
    }
  name = free_name (graph, block->module);
  g_ptr_array_add (graph->blocks, graph_block_new (name, NNB_NODE_CALL, block->module, x, y));
  return graph->blocks->len - 1;
}

int
nnb_graph_duplicate (NnbGraph *graph, int index, double x, double y, GError **error)
{
  NnbGraphBlock *block;
  NnbGraphModule *module;
  g_autofree char *name = NULL;

  if (!check_block (graph, index, error))
    return -1;
  block = graph->blocks->pdata[index];
  module = block->kind == NNB_NODE_CALL ? find_module (graph, block->module) : NULL;
  if (module == NULL)
    {
      name = free_name (graph, block_kinds[nnb_graph_block_kind (graph, index)].base);
      g_ptr_array_add (graph->blocks, graph_block_new (name, block->kind, NULL, x, y));
      return graph->blocks->len - 1;
    }
  name = free_name (graph, base_for_module (module->kind));
  g_ptr_array_add (graph->modules, graph_module_copy (module, name));
  g_ptr_array_add (graph->blocks, graph_block_new (name, NNB_NODE_CALL, name, x, y));
  return graph->blocks->len - 1;
}

static void
drop_unused_modules (NnbGraph *graph)
{
  for (guint i = graph->modules->len; i-- > 0;)
    if (nnb_graph_module_calls (graph, ((NnbGraphModule *) graph->modules->pdata[i])->name) == 0)
      g_ptr_array_remove_index (graph->modules, i);
}

/* Removes the doomed blocks; wires from them are cut, the others renumbered. */
static void
remove_doomed (NnbGraph *graph, const gboolean *doomed)
{
  guint n = graph->blocks->len;
  g_autofree int *map = g_new (int, n);
  int next = 0;

  for (guint i = 0; i < n; i++)
    map[i] = doomed[i] ? -1 : next++;
  for (guint i = n; i-- > 0;)
    if (doomed[i])
      g_ptr_array_remove_index (graph->blocks, i);
  for (guint i = 0; i < graph->blocks->len; i++)
    {
      NnbGraphBlock *block = graph->blocks->pdata[i];
      for (int s = 0; s < 2; s++)
        if (block->inputs[s] >= 0)
          block->inputs[s] = map[block->inputs[s]];
    }
  drop_unused_modules (graph);
}

void
nnb_graph_remove_blocks (NnbGraph *graph, const int *blocks, guint n_blocks)
{
  g_autofree gboolean *doomed = g_new0 (gboolean, graph->blocks->len + 1);

  for (guint k = 0; k < n_blocks; k++)
    if (blocks[k] >= 0 && (guint) blocks[k] < graph->blocks->len)
      doomed[blocks[k]] = TRUE;
  remove_doomed (graph, doomed);
}

gboolean
nnb_graph_connect (NnbGraph *graph, int from, int to, int slot, GError **error)
{
  NnbGraphBlock *source, *target;

  if (!check_block (graph, from, error) || !check_block (graph, to, error))
    return FALSE;
  source = graph->blocks->pdata[from];
  target = graph->blocks->pdata[to];
  /* the editor says why an input takes no wire before the engine's "no
   * input number 1"; the other rules are the engine's own */
  if (source->kind != NNB_NODE_OUTPUT && target->kind == NNB_NODE_INPUT)
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_GRAPH,
                   "The input block '%s' is where the data comes in; nothing can be wired into it.", target->name);
      return FALSE;
    }
  if (!nnb_model_check_wire (source->kind, source->name, target->kind, target->name, slot,
                             from == to || nnb_model_wires_reach (graph->blocks, G_STRUCT_OFFSET (NnbGraphBlock, inputs), to, from),
                             error))
    return FALSE;
  target->inputs[slot] = from;
  return TRUE;
}

void
nnb_graph_disconnect (NnbGraph *graph, int to, int slot)
{
  NnbGraphBlock *block = nnb_graph_get_block (graph, to);

  g_return_if_fail (block != NULL && slot >= 0 && slot < 2);
  block->inputs[slot] = -1;
}

gboolean
nnb_graph_rename (NnbGraph *graph, int index, const char *name, GError **error)
{
  NnbGraphBlock *block;
  NnbGraphModule *module = NULL;

  if (!check_block (graph, index, error))
    return FALSE;
  block = graph->blocks->pdata[index];
  if (g_strcmp0 (block->name, name) == 0)
    return TRUE;
  if (!nnb_name_check_length (name, "name", error))
    return FALSE;
  if (!nnb_is_python_identifier (name))
    {
      g_autofree char *shown = nnb_quote_short (name);
      g_set_error (error, NNB_ERROR, NNB_ERROR_GRAPH,
                   "'%s' cannot be a name: use a Python identifier such as fc1 or head (letters, digits and _, not starting with a digit, not a keyword).",
                   shown);
      return FALSE;
    }
  /* self.forward = nn.Linear(…) would hide the method and break the model */
  if (!nnb_module_attribute_check (name, error))
    return FALSE;
  /* the block names its module when it is the module's own block */
  if (block->kind == NNB_NODE_CALL && g_strcmp0 (block->module, block->name) == 0)
    module = find_module (graph, block->module);
  if (name_taken (graph, name, index, module != NULL ? module->name : NULL))
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_GRAPH,
                   "The name '%s' is already used in this model; each block needs a name of its own.", name);
      return FALSE;
    }
  if (module != NULL)
    {
      for (guint i = 0; i < graph->blocks->len; i++)
        {
          NnbGraphBlock *caller = graph->blocks->pdata[i];
          if (caller->kind == NNB_NODE_CALL && g_strcmp0 (caller->module, module->name) == 0)
            {
              g_free (caller->module);
              caller->module = g_strdup (name);
            }
        }
      g_free (module->name);
      module->name = g_strdup (name);
    }
  g_free (block->name);
  block->name = g_strdup (name);
  return TRUE;
}

gboolean
nnb_graph_set_features (NnbGraph *graph, int index, int64_t in_features, int64_t out_features, GError **error)
{
  NnbGraphModule *module;

  if (!check_block (graph, index, error))
    return FALSE;
  module = nnb_graph_block_module (graph, index);
  if (module == NULL || module->kind != NNB_MODULE_LINEAR)
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_GRAPH, "Only a Linear block has in_features and out_features.");
      return FALSE;
    }
  if (in_features < 1 || out_features < 1 || in_features > G_MAXINT32 || out_features > G_MAXINT32)
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT,
                   "in_features and out_features must be whole numbers of at least 1 (got %" G_GINT64_FORMAT " and %" G_GINT64_FORMAT ").",
                   in_features, out_features);
      return FALSE;
    }
  module->in_features = in_features;
  module->out_features = out_features;
  return TRUE;
}

void
nnb_graph_move (NnbGraph *graph, int index, double x, double y)
{
  NnbGraphBlock *block = nnb_graph_get_block (graph, index);

  g_return_if_fail (block != NULL);
  block->x = x;
  block->y = y;
}

/* Blocks whose input slot is fed by `index`. */
static guint
n_consumers (const NnbGraph *graph, int index, const gboolean *only)
{
  guint n = 0;

  for (guint i = 0; i < graph->blocks->len; i++)
    {
      NnbGraphBlock *block = graph->blocks->pdata[i];
      if (only != NULL && !only[i])
        continue;
      for (int s = 0; s < nnb_model_n_inputs (block->kind); s++)
        n += block->inputs[s] == index;
    }
  return n;
}

static void
redirect (NnbGraph *graph, int from, int to)
{
  for (guint i = 0; i < graph->blocks->len; i++)
    {
      NnbGraphBlock *block = graph->blocks->pdata[i];
      for (int s = 0; s < 2; s++)
        if (block->inputs[s] == from)
          block->inputs[s] = to;
    }
}

int
nnb_graph_group (NnbGraph *graph, const int *blocks, guint n_blocks, GError **error)
{
  guint n = graph->blocks->len;
  g_autofree gboolean *chosen = g_new0 (gboolean, n + 1);
  g_autoptr (GArray) chain = g_array_new (FALSE, FALSE, sizeof (int));
  NnbGraphModule *sequential;
  NnbGraphBlock *head, *group;
  g_autofree char *name = NULL;
  int first_module = G_MAXINT, head_index = -1, tail, result;

  if (n_blocks == 0)
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_GRAPH, "Select the blocks of a chain to group them.");
      return -1;
    }
  for (guint k = 0; k < n_blocks; k++)
    {
      NnbGraphBlock *block;

      if (!check_block (graph, blocks[k], error))
        return -1;
      block = graph->blocks->pdata[blocks[k]];
      if (block->kind != NNB_NODE_CALL || nnb_graph_module_calls (graph, block->module) != 1)
        {
          g_set_error (error, NNB_ERROR, NNB_ERROR_GRAPH,
                       block->kind == NNB_NODE_CALL
                         ? "'%s' calls a module that other blocks call too; only blocks with a module of their own can go into an nn.Sequential."
                         : "'%s' is not a module; an nn.Sequential holds modules only.",
                       block->name);
          return -1;
        }
      chosen[blocks[k]] = TRUE;
    }
  /* the head is the one block fed from outside the selection */
  for (guint i = 0; i < n; i++)
    if (chosen[i] && (((NnbGraphBlock *) graph->blocks->pdata[i])->inputs[0] < 0
                      || !chosen[((NnbGraphBlock *) graph->blocks->pdata[i])->inputs[0]]))
      {
        if (head_index >= 0)
          {
            g_set_error (error, NNB_ERROR, NNB_ERROR_GRAPH,
                         "The selected blocks are not one chain: '%s' and '%s' both start one. Select blocks that follow each other.",
                         ((NnbGraphBlock *) graph->blocks->pdata[head_index])->name,
                         ((NnbGraphBlock *) graph->blocks->pdata[i])->name);
            return -1;
          }
        head_index = i;
      }
  if (head_index < 0)
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_GRAPH, "The selected blocks are not one chain.");
      return -1;
    }
  for (int current = head_index;;)
    {
      int next = -1;

      g_array_append_val (chain, current);
      if (n_consumers (graph, current, chosen) > 1)
        {
          g_set_error (error, NNB_ERROR, NNB_ERROR_GRAPH, "The selected blocks branch after '%s'; an nn.Sequential is a straight chain.",
                       ((NnbGraphBlock *) graph->blocks->pdata[current])->name);
          return -1;
        }
      for (guint i = 0; i < n && next < 0; i++)
        if (chosen[i] && ((NnbGraphBlock *) graph->blocks->pdata[i])->inputs[0] == current)
          next = i;
      if (next < 0)
        break;
      /* an inner value used outside would be lost inside the Sequential */
      if (n_consumers (graph, current, NULL) > 1)
        {
          g_set_error (error, NNB_ERROR, NNB_ERROR_GRAPH,
                       "The output of '%s' is also used outside the selection; it cannot disappear inside an nn.Sequential.",
                       ((NnbGraphBlock *) graph->blocks->pdata[current])->name);
          return -1;
        }
      current = next;
    }
  if (chain->len != n_blocks)
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_GRAPH, "The selected blocks are not one chain: select blocks that follow each other.");
      return -1;
    }

  name = free_name (graph, "net");
  sequential = graph_module_new (name, NNB_MODULE_SEQUENTIAL);
  for (guint k = 0; k < chain->len; k++)
    {
      NnbGraphBlock *block = graph->blocks->pdata[g_array_index (chain, int, k)];
      int index = module_index (graph, block->module);

      first_module = MIN (first_module, index);
      g_ptr_array_add (sequential->children, graph_module_copy (graph->modules->pdata[index], NULL));
    }
  /* registered where its first child was: __init__ builds the children in
   * that order, so the initialisation draws the same numbers */
  for (guint k = 0; k < chain->len; k++)
    {
      NnbGraphBlock *block = graph->blocks->pdata[g_array_index (chain, int, k)];
      g_ptr_array_remove_index (graph->modules, module_index (graph, block->module));
    }
  g_ptr_array_insert (graph->modules, first_module, sequential);

  head = graph->blocks->pdata[head_index];
  tail = g_array_index (chain, int, chain->len - 1);
  group = graph_block_new (name, NNB_NODE_CALL, name, head->x, head->y);
  group->inputs[0] = head->inputs[0];
  g_ptr_array_add (graph->blocks, group);
  redirect (graph, tail, graph->blocks->len - 1);
  group->inputs[0] = head->inputs[0];

  chosen = g_renew (gboolean, chosen, graph->blocks->len);
  chosen[graph->blocks->len - 1] = FALSE;
  result = graph->blocks->len - 1 - (int) chain->len;
  remove_doomed (graph, chosen);
  return result;
}

int
nnb_graph_ungroup (NnbGraph *graph, int index, GError **error)
{
  NnbGraphBlock *block;
  NnbGraphModule *sequential;
  int position, previous, first = -1;
  g_autofree gboolean *doomed = NULL;
  double x, y;

  if (!check_block (graph, index, error))
    return -1;
  block = graph->blocks->pdata[index];
  sequential = nnb_graph_block_module (graph, index);
  if (sequential == NULL || sequential->kind != NNB_MODULE_SEQUENTIAL)
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_GRAPH, "'%s' is not an nn.Sequential; only a Sequential can be ungrouped.", block->name);
      return -1;
    }
  if (nnb_graph_module_calls (graph, sequential->name) != 1)
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_GRAPH,
                   "'%s' is called by more than one block; ungrouping it would change what the others compute.",
                   block->name);
      return -1;
    }

  position = module_index (graph, sequential->name);
  previous = block->inputs[0];
  x = block->x;
  y = block->y;
  for (guint c = 0; c < sequential->children->len; c++)
    {
      NnbGraphModule *child = sequential->children->pdata[c];
      g_autofree char *name = free_name (graph, base_for_module (child->kind));
      NnbGraphBlock *link = graph_block_new (name, NNB_NODE_CALL, name, x + c * LAYER_DX, y);

      /* children register where the Sequential was, in order */
      g_ptr_array_insert (graph->modules, position + 1 + c, graph_module_copy (child, name));
      link->inputs[0] = previous;
      g_ptr_array_add (graph->blocks, link);
      previous = graph->blocks->len - 1;
      if (first < 0)
        first = previous;
    }
  /* consumers of the Sequential now read the chain's end (or its input) */
  redirect (graph, index, previous);
  if (first >= 0)
    ((NnbGraphBlock *) graph->blocks->pdata[first])->inputs[0] = block->inputs[0];
  doomed = g_new0 (gboolean, graph->blocks->len);
  doomed[index] = TRUE;
  remove_doomed (graph, doomed);
  if (first < 0)
    return -1;
  return first > index ? first - 1 : first;
}

/* Layout: layers by longest path from a source; long wires get a placeholder
 * in each layer they cross, so the blocks of a skipped path move aside and
 * the skip connection runs straight. */

typedef struct
{
  int block;      /* -1 for a placeholder */
  double key;     /* mean row of what feeds it, for ordering */
  int pred;       /* placeholder: the item (index in the previous layer) feeding it */
} LayoutItem;

void
nnb_graph_layout (NnbGraph *graph)
{
  guint n = graph->blocks->len;
  g_autofree int *layer = g_new0 (int, n + 1);
  g_autofree int *row = g_new0 (int, n + 1);
  g_autofree gboolean *done = g_new0 (gboolean, n + 1);
  g_autoptr (GPtrArray) layers = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  int n_layers = 0;
  guint placed = 0;

  if (n == 0)
    return;

  /* longest path, by repeated relaxation (the graph has no loop) */
  while (placed < n)
    {
      gboolean progress = FALSE;

      for (guint i = 0; i < n; i++)
        {
          NnbGraphBlock *block = graph->blocks->pdata[i];
          gboolean ready = TRUE;
          int depth = 0;

          if (done[i])
            continue;
          for (int s = 0; s < nnb_model_n_inputs (block->kind); s++)
            if (block->inputs[s] >= 0)
              {
                if (!done[block->inputs[s]])
                  ready = FALSE;
                else
                  depth = MAX (depth, layer[block->inputs[s]] + 1);
              }
          if (ready)
            {
              layer[i] = depth;
              done[i] = TRUE;
              placed++;
              progress = TRUE;
            }
        }
      if (!progress) /* a loop: should not happen; put the rest at the end */
        for (guint i = 0; i < n; i++)
          if (!done[i])
            layer[i] = 0, done[i] = TRUE, placed++;
    }
  for (guint i = 0; i < n; i++)
    n_layers = MAX (n_layers, layer[i] + 1);
  for (int l = 0; l < n_layers; l++)
    g_ptr_array_add (layers, g_array_new (FALSE, FALSE, sizeof (LayoutItem)));

  for (int l = 0; l < n_layers; l++)
    {
      GArray *items = layers->pdata[l];
      GArray *above = l > 0 ? layers->pdata[l - 1] : NULL;

      /* the blocks of this layer, keyed by the rows of what feeds them */
      for (guint i = 0; i < n; i++)
        if (layer[i] == l)
          {
            NnbGraphBlock *block = graph->blocks->pdata[i];
            LayoutItem item = { (int) i, (double) i * 1e-3, -1 };
            double sum = 0;
            int count = 0;

            for (int s = 0; s < nnb_model_n_inputs (block->kind); s++)
              {
                int from = block->inputs[s];
                if (from < 0 || above == NULL)
                  continue;
                if (layer[from] == l - 1)
                  sum += row[from], count++;
                else
                  for (guint k = 0; k < above->len; k++)
                    {
                      LayoutItem *p = &g_array_index (above, LayoutItem, k);
                      /* the placeholder of this wire in the layer above */
                      if (p->block < 0 && p->pred == from)
                        sum += k, count++;
                    }
              }
            if (count > 0)
              item.key = sum / count + item.key;
            g_array_append_val (items, item);
          }
      /* placeholders for wires that pass through this layer */
      for (guint i = 0; i < n; i++)
        {
          gboolean needed = FALSE;

          if (layer[i] >= l)
            continue;
          for (guint j = 0; j < n && !needed; j++)
            {
              NnbGraphBlock *block = graph->blocks->pdata[j];
              for (int s = 0; s < nnb_model_n_inputs (block->kind); s++)
                if (block->inputs[s] == (int) i && layer[j] > l)
                  needed = TRUE;
            }
          if (needed)
            {
              /* after the blocks with the same key: the main path stays first */
              LayoutItem item = { -1, (layer[i] == l - 1 ? row[i] : 0) + 0.5, (int) i };

              if (above != NULL && layer[i] < l - 1)
                for (guint k = 0; k < above->len; k++)
                  if (g_array_index (above, LayoutItem, k).block < 0 && g_array_index (above, LayoutItem, k).pred == (int) i)
                    item.key = k + 0.5;
              g_array_append_val (items, item);
            }
        }
      /* order by key (insertion sort: layers are small) */
      for (guint a = 1; a < items->len; a++)
        for (guint b = a; b > 0 && g_array_index (items, LayoutItem, b).key < g_array_index (items, LayoutItem, b - 1).key; b--)
          {
            LayoutItem t = g_array_index (items, LayoutItem, b);
            g_array_index (items, LayoutItem, b) = g_array_index (items, LayoutItem, b - 1);
            g_array_index (items, LayoutItem, b - 1) = t;
          }
      for (guint k = 0; k < items->len; k++)
        {
          LayoutItem *item = &g_array_index (items, LayoutItem, k);
          if (item->block >= 0)
            {
              NnbGraphBlock *block = graph->blocks->pdata[item->block];
              row[item->block] = k;
              block->x = l * LAYER_DX;
              /* rows centred on the layer, so a chain stays on one line */
              block->y = (k - (items->len - 1) / 2.0) * LAYER_DY;
            }
        }
    }
}

/* Keeping the model's form */

static gboolean
all_digits (const char *name)
{
  if (name == NULL || name[0] == '\0')
    return FALSE;
  for (const char *p = name; *p; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  return TRUE;
}

static gboolean
form_holds (const NnbGraph *graph)
{
  NnbModuleKind kind;

  if (strcmp (graph->class_name, "Sequential") == 0)
    {
      g_autoptr (NnbModel) model = nnb_graph_to_model (graph, NULL);

      if (model == NULL || !nnb_model_is_chain (model))
        return FALSE;
      for (guint i = 0; i < graph->modules->len; i++)
        {
          g_autofree char *expected = g_strdup_printf ("%u", i);
          if (g_strcmp0 (((NnbGraphModule *) graph->modules->pdata[i])->name, expected) != 0)
            return FALSE;
        }
      return TRUE;
    }
  /* a bare module (nn.Linear(1, 1) as the whole model) stays one while it
   * is the only module and its one call: called twice, or with an add for
   * a skip, it would no longer be the nn.Linear it is exported as */
  if (nnb_module_kind_from_string (graph->class_name, &kind))
    {
      guint calls = 0;

      if (graph->modules->len != 1 || g_strcmp0 (((NnbGraphModule *) graph->modules->pdata[0])->name, "") != 0)
        return FALSE;
      for (guint i = 0; i < graph->blocks->len; i++)
        {
          NnbNodeKind block_kind = ((NnbGraphBlock *) graph->blocks->pdata[i])->kind;
          if (block_kind == NNB_NODE_ADD || (block_kind == NNB_NODE_CALL && ++calls > 1))
            return FALSE;
        }
      return TRUE;
    }
  for (guint i = 0; i < graph->modules->len; i++)
    if (!nnb_is_python_identifier (((NnbGraphModule *) graph->modules->pdata[i])->name))
      return FALSE;
  return TRUE;
}

void
nnb_graph_normalize (NnbGraph *graph)
{
  if (form_holds (graph))
    return;

  /* a subclass: names that are not identifiers get one */
  g_free (graph->class_name);
  graph->class_name = g_strdup ("Model");
  for (guint i = 0; i < graph->modules->len; i++)
    {
      NnbGraphModule *module = graph->modules->pdata[i];
      g_autofree char *name = NULL;

      if (nnb_is_python_identifier (module->name))
        continue;
      name = all_digits (module->name) ? g_strdup_printf ("layer%s", module->name) : NULL;
      if (name == NULL || name_taken (graph, name, -1, NULL))
        {
          g_free (name);
          name = free_name (graph, base_for_module (module->kind));
        }
      for (guint b = 0; b < graph->blocks->len; b++)
        {
          NnbGraphBlock *block = graph->blocks->pdata[b];
          if (block->kind != NNB_NODE_CALL || g_strcmp0 (block->module, module->name) != 0)
            continue;
          if (g_strcmp0 (block->name, module->name) == 0 || block->name[0] == '\0')
            {
              g_free (block->name);
              block->name = g_strdup (name);
            }
          g_free (block->module);
          block->module = g_strdup (name);
        }
      g_free (module->name);
      module->name = g_steal_pointer (&name);
    }
}
