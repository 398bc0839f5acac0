/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-graph.c — the editor's model: modules and blocks without tensors,
 * what the editor asks of them, and the bridge to and from NnbModel. Edits:
 * nnb-graph-edit.c; layout: nnb-graph-layout.c. */
#include "nnb-graph-private.h"

#include <math.h>
#include <string.h>
#include "nnb-function.h"

const NnbBlockKindInfo nnb_block_kinds[NNB_N_BLOCK_KINDS] = {
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
  [NNB_BLOCK_LAYER_NORM] = { "LayerNorm", NNB_NODE_CALL, NNB_MODULE_LAYER_NORM, "norm" },
  [NNB_BLOCK_SOFTMAX] = { "Softmax", NNB_NODE_CALL, NNB_MODULE_SOFTMAX, "softmax" },
  [NNB_BLOCK_LOG_SOFTMAX] = { "LogSoftmax", NNB_NODE_CALL, NNB_MODULE_LOG_SOFTMAX, "log_softmax" },
  [NNB_BLOCK_DROPOUT] = { "Dropout", NNB_NODE_CALL, NNB_MODULE_DROPOUT, "dropout" },
  [NNB_BLOCK_CAT] = { "Cat", NNB_NODE_CAT, 0, "cat" },
  [NNB_BLOCK_MUL] = { "Mul", NNB_NODE_MUL, 0, "mul" },
  [NNB_BLOCK_BATCH_NORM] = { "BatchNorm1d", NNB_NODE_CALL, NNB_MODULE_BATCH_NORM, "bn" },
  [NNB_BLOCK_FUNCTION] = { "Function", NNB_NODE_FUNCTION, NNB_MODULE_RELU, "relu" },
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

NnbGraphModule *
nnb_graph_module_new (const char *name, NnbModuleKind kind)
{
  NnbGraphModule *module = g_new0 (NnbGraphModule, 1);

  module->name = g_strdup (name);
  module->kind = kind;
  module->in_features = 1;
  module->out_features = 1;
  module->bias = TRUE;
  module->negative_slope = 0.01;
  module->normalized_shape = 1;
  module->eps = 1e-5;
  module->elementwise_affine = TRUE;
  /* over the features: what a student means, and PyTorch's choice for 2-D
   * input when dim is left out (with a deprecation warning) */
  module->dim = 1;
  /* nn.Dropout()'s default */
  module->p = 0.5;
  /* nn.BatchNorm1d(num_features)'s defaults */
  module->num_features = 1;
  module->momentum = 0.1;
  module->has_momentum = TRUE;
  module->affine = TRUE;
  module->track_running_stats = TRUE;
  if (kind == NNB_MODULE_SEQUENTIAL)
    module->children = g_ptr_array_new_with_free_func (graph_module_free);
  return module;
}

NnbGraphModule *
nnb_graph_module_copy (const NnbGraphModule *source, const char *name)
{
  NnbGraphModule *module = g_memdup2 (source, sizeof *source);

  module->name = g_strdup (name);
  if (source->children != NULL)
    {
      module->children = g_ptr_array_new_with_free_func (graph_module_free);
      for (guint i = 0; i < source->children->len; i++)
        g_ptr_array_add (module->children, nnb_graph_module_copy (source->children->pdata[i], NULL));
    }
  return module;
}

static gboolean
graph_module_equal (const NnbGraphModule *a, const NnbGraphModule *b)
{
  if (g_strcmp0 (a->name, b->name) != 0 || a->kind != b->kind || a->in_features != b->in_features || a->out_features != b->out_features || a->bias != b->bias || a->negative_slope != b->negative_slope || a->normalized_shape != b->normalized_shape || a->eps != b->eps || a->elementwise_affine != b->elementwise_affine || a->dim != b->dim || a->p != b->p || a->num_features != b->num_features || a->momentum != b->momentum || a->has_momentum != b->has_momentum || a->affine != b->affine || a->track_running_stats != b->track_running_stats || (a->children == NULL) != (b->children == NULL))
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
  NnbGraphModule *module = nnb_graph_module_new (name, source->kind);

  module->in_features = source->kind == NNB_MODULE_LINEAR ? source->in_features : 1;
  module->out_features = source->kind == NNB_MODULE_LINEAR ? source->out_features : 1;
  module->bias = source->kind == NNB_MODULE_LINEAR ? source->has_bias : TRUE;
  if (source->kind == NNB_MODULE_LEAKY_RELU)
    module->negative_slope = source->negative_slope;
  if (source->kind == NNB_MODULE_LAYER_NORM)
    {
      module->normalized_shape = source->normalized_shape;
      module->eps = source->eps;
      module->elementwise_affine = source->elementwise_affine;
    }
  if (source->kind == NNB_MODULE_SOFTMAX || source->kind == NNB_MODULE_LOG_SOFTMAX)
    module->dim = source->dim;
  if (source->kind == NNB_MODULE_DROPOUT)
    module->p = source->p;
  if (source->kind == NNB_MODULE_BATCH_NORM)
    {
      module->num_features = source->num_features;
      module->eps = source->eps;
      /* the engine keeps 0 for None; the default comes back if None is turned off */
      module->momentum = source->has_momentum ? source->momentum : 0.1;
      module->has_momentum = source->has_momentum;
      module->affine = source->affine;
      module->track_running_stats = source->track_running_stats;
    }
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
    case NNB_MODULE_LAYER_NORM:
      return nnb_layer_norm_new (module->normalized_shape, module->eps, module->elementwise_affine, error);
    case NNB_MODULE_SOFTMAX:
    case NNB_MODULE_LOG_SOFTMAX:
      return nnb_softmax_new (module->kind, module->dim, error);
    case NNB_MODULE_DROPOUT:
      return nnb_dropout_new (module->p, error);
    case NNB_MODULE_BATCH_NORM:
      return nnb_batch_norm_new (module->num_features, module->eps, module->momentum, module->has_momentum,
                                 module->affine, module->track_running_stats, error);
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

int
nnb_graph_module_index (const NnbGraph *graph, const char *name)
{
  for (guint i = 0; i < graph->modules->len; i++)
    if (g_strcmp0 (((NnbGraphModule *) graph->modules->pdata[i])->name, name) == 0)
      return i;
  return -1;
}

NnbGraphModule *
nnb_graph_find_module (const NnbGraph *graph, const char *name)
{
  int index = nnb_graph_module_index (graph, name);

  return index >= 0 ? graph->modules->pdata[index] : NULL;
}

/* Blocks */

static void
graph_block_free (gpointer data)
{
  NnbGraphBlock *block = data;

  g_free (block->name);
  g_free (block->module);
  g_free (block->function);
  g_clear_pointer (&block->arguments, graph_module_free);
  g_free (block);
}

NnbGraphBlock *
nnb_graph_block_new (const char *name, NnbNodeKind kind, const char *module, double x, double y)
{
  NnbGraphBlock *block = g_new0 (NnbGraphBlock, 1);

  block->name = g_strdup (name);
  block->kind = kind;
  if (kind == NNB_NODE_FUNCTION)
    {
      NnbModuleKind activation = NNB_MODULE_RELU;

      nnb_function_kind (module, &activation);
      block->function = g_strdup (module);
      block->arguments = nnb_graph_module_new (NULL, activation);
    }
  else
    block->module = g_strdup (module);
  block->n_inputs = nnb_model_n_inputs (kind);
  for (int s = 0; s < NNB_NODE_MAX_INPUTS; s++)
    block->inputs[s] = -1;
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
      g_ptr_array_add (copy->modules, nnb_graph_module_copy (module, module->name));
    }
  for (guint i = 0; i < graph->blocks->len; i++)
    {
      const NnbGraphBlock *block = graph->blocks->pdata[i];
      NnbGraphBlock *twin = nnb_graph_block_new (block->name, block->kind,
                                                 block->kind == NNB_NODE_FUNCTION ? block->function : block->module,
                                                 block->x, block->y);

      if (block->arguments != NULL)
        {
          graph_module_free (twin->arguments);
          twin->arguments = nnb_graph_module_copy (block->arguments, NULL);
        }
      twin->n_inputs = block->n_inputs;
      memcpy (twin->inputs, block->inputs, sizeof twin->inputs);
      g_ptr_array_add (copy->blocks, twin);
    }
  return copy;
}

gboolean
nnb_graph_equal (const NnbGraph *a, const NnbGraph *b)
{
  if (g_strcmp0 (a->class_name, b->class_name) != 0 || a->modules->len != b->modules->len || a->blocks->len != b->blocks->len)
    return FALSE;
  for (guint i = 0; i < a->modules->len; i++)
    if (!graph_module_equal (a->modules->pdata[i], b->modules->pdata[i]))
      return FALSE;
  for (guint i = 0; i < a->blocks->len; i++)
    {
      const NnbGraphBlock *p = a->blocks->pdata[i], *q = b->blocks->pdata[i];

      if (g_strcmp0 (p->name, q->name) != 0 || p->kind != q->kind || g_strcmp0 (p->module, q->module) != 0 || p->n_inputs != q->n_inputs || memcmp (p->inputs, q->inputs, sizeof p->inputs) != 0 || p->x != q->x || p->y != q->y)
        return FALSE;
      if (g_strcmp0 (p->function, q->function) != 0 || (p->arguments == NULL) != (q->arguments == NULL) ||
          (p->arguments != NULL && !graph_module_equal (p->arguments, q->arguments)))
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
  return nnb_graph_find_module (graph, block->module);
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
    case NNB_NODE_CAT:
      return NNB_BLOCK_CAT;
    case NNB_NODE_MUL:
      return NNB_BLOCK_MUL;
    case NNB_NODE_FUNCTION:
      return NNB_BLOCK_FUNCTION;
    case NNB_NODE_CALL:
    default:
      module = nnb_graph_find_module (graph, block->module);
      for (int k = 0; k < NNB_N_BLOCK_KINDS; k++)
        if (module != NULL && nnb_block_kinds[k].node == NNB_NODE_CALL && nnb_block_kinds[k].module == module->kind)
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
  return nnb_block_kinds[kind].name;
}

gboolean
nnb_block_kind_from_string (const char *text, NnbBlockKind *kind)
{
  for (int k = 0; k < NNB_N_BLOCK_KINDS; k++)
    if (g_strcmp0 (text, nnb_block_kinds[k].name) == 0)
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
      block = nnb_graph_block_new (node->name, node->kind,
                                   node->kind == NNB_NODE_CALL       ? node->module
                                   : node->kind == NNB_NODE_FUNCTION ? node->function
                                                                     : NULL,
                                   x, y);
      if (node->kind == NNB_NODE_FUNCTION)
        {
          graph_module_free (block->arguments);
          block->arguments = graph_module_from_module (NULL, node->activation);
        }
      block->n_inputs = node->n_inputs;
      memcpy (block->inputs, node->inputs, sizeof block->inputs);
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

      int index = nnb_model_add_node (model, block->kind, block->name,
                                      block->kind == NNB_NODE_FUNCTION ? block->function : block->module, error);

      if (index < 0 || !nnb_model_set_n_inputs (model, index, block->n_inputs, error))
        return NULL;
      if (block->kind == NNB_NODE_FUNCTION)
        {
          g_autoptr (NnbModule) activation = graph_module_build (block->arguments, error);

          if (activation == NULL || !nnb_model_set_activation (model, index, activation, error))
            return NULL;
        }
    }
  for (guint i = 0; i < graph->blocks->len; i++)
    {
      const NnbGraphBlock *block = graph->blocks->pdata[i];

      for (int s = 0; s < block->n_inputs; s++)
        if (block->inputs[s] >= 0 && !nnb_model_connect (model, block->inputs[s], i, s, error))
          return NULL;
    }
  return g_steal_pointer (&model);
}
