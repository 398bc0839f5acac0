/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-graph-edit.c — the editor's edits of an NnbGraph: adding, removing,
 * wiring, renaming and grouping blocks, each refusing what PyTorch would
 * refuse with a sentence that says why; and keeping the model's form
 * (a Sequential stays one while it is a chain) after them. */

#include "nnb-graph-private.h"
#include "nnb-function.h"

#include <math.h>
#include <string.h>
#include "nnb-error.h"
#include "nnb-module-attributes.h"

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
                              : n == 1 ? g_strdup (base)
                                       : g_strdup_printf ("%s_%d", base, n);
      if (!name_taken (graph, name, -1, NULL))
        return g_steal_pointer (&name);
    }
}

static const char *
base_for_module (NnbModuleKind kind)
{
  for (int k = 0; k < NNB_N_BLOCK_KINDS; k++)
    if (nnb_block_kinds[k].node == NNB_NODE_CALL && nnb_block_kinds[k].module == kind)
      return nnb_block_kinds[k].base;
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
  name = free_name (graph, nnb_block_kinds[kind].base);
  if (nnb_block_kinds[kind].node == NNB_NODE_CALL)
    g_ptr_array_add (graph->modules, nnb_graph_module_new (name, nnb_block_kinds[kind].module));
  g_ptr_array_add (graph->blocks, nnb_graph_block_new (name, nnb_block_kinds[kind].node,
                                                       nnb_block_kinds[kind].node == NNB_NODE_CALL       ? name
                                                       : nnb_block_kinds[kind].node == NNB_NODE_FUNCTION ? "torch.relu"
                                                                                                         : NULL,
                                                       x, y));
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
  g_ptr_array_add (graph->blocks, nnb_graph_block_new (name, NNB_NODE_CALL, block->module, x, y));
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
  module = block->kind == NNB_NODE_CALL ? nnb_graph_find_module (graph, block->module) : NULL;
  if (module == NULL)
    {
      name = free_name (graph, block->kind == NNB_NODE_FUNCTION ? nnb_function_short_name (block->function)
                                                                : nnb_block_kinds[nnb_graph_block_kind (graph, index)].base);
      NnbGraphBlock *twin = nnb_graph_block_new (name, block->kind, block->function, x, y);

      twin->n_inputs = block->n_inputs; /* a cat of three stays one */
      if (block->arguments != NULL)
        {
          /* F.leaky_relu(h, 0.1) stays 0.1 */
          twin->arguments->negative_slope = block->arguments->negative_slope;
          twin->arguments->dim = block->arguments->dim;
        }
      g_ptr_array_add (graph->blocks, twin);
      return graph->blocks->len - 1;
    }
  name = free_name (graph, base_for_module (module->kind));
  g_ptr_array_add (graph->modules, nnb_graph_module_copy (module, name));
  g_ptr_array_add (graph->blocks, nnb_graph_block_new (name, NNB_NODE_CALL, name, x, y));
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
      for (int s = 0; s < block->n_inputs; s++)
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
  if (!nnb_model_check_wire (source->kind, source->name, target->n_inputs, target->name, slot,
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

  g_return_if_fail (block != NULL && slot >= 0 && slot < block->n_inputs);
  block->inputs[slot] = -1;
}

gboolean
nnb_graph_set_n_inputs (NnbGraph *graph, int index, int n_inputs, GError **error)
{
  NnbGraphBlock *block;

  if (!check_block (graph, index, error))
    return FALSE;
  block = graph->blocks->pdata[index];
  if (!nnb_model_check_n_inputs (block->kind, block->name, n_inputs, error))
    return FALSE;
  for (int s = n_inputs; s < NNB_NODE_MAX_INPUTS; s++)
    block->inputs[s] = -1;
  block->n_inputs = n_inputs;
  return TRUE;
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
    module = nnb_graph_find_module (graph, block->module);
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

NnbGraphModule *
nnb_graph_block_child (const NnbGraph *graph, int index, int child)
{
  NnbGraphModule *module = nnb_graph_block_module (graph, index);

  if (child < 0 || module == NULL)
    return module;
  if (module->kind != NNB_MODULE_SEQUENTIAL || module->children == NULL || (guint) child >= module->children->len)
    return NULL;
  return g_ptr_array_index (module->children, child);
}

/* The module an edit of block `index` (child -1) or of one layer inside
 * its Sequential changes; with wrong_kind, only a module of `kind`. NULL
 * with a sentence otherwise. */
static NnbGraphModule *
edited_module (NnbGraph *graph, int index, int child, NnbModuleKind kind, const char *wrong_kind, GError **error)
{
  NnbGraphModule *module;

  if (!check_block (graph, index, error))
    return NULL;
  module = nnb_graph_block_child (graph, index, child);
  if (module == NULL && child >= 0)
    g_set_error (error, NNB_ERROR, NNB_ERROR_GRAPH, "The block “%s” has no layer %d inside.",
                 nnb_graph_get_block (graph, index)->name, child);
  else if (wrong_kind != NULL && (module == NULL || module->kind != kind))
    g_set_error_literal (error, NNB_ERROR, NNB_ERROR_GRAPH, wrong_kind);
  else
    return module;
  return NULL;
}

gboolean
nnb_graph_set_features (NnbGraph *graph, int index, int64_t in_features, int64_t out_features, GError **error)
{
  return nnb_graph_set_child_features (graph, index, -1, in_features, out_features, error);
}

gboolean
nnb_graph_set_child_features (NnbGraph *graph, int index, int child, int64_t in_features, int64_t out_features,
                              GError **error)
{
  NnbGraphModule *module = edited_module (graph, index, child, NNB_MODULE_LINEAR,
                                          "Only a Linear block has in_features and out_features.", error);

  if (module == NULL)
    return FALSE;
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

gboolean
nnb_graph_set_layer_norm (NnbGraph *graph, int index, int64_t normalized_shape, double eps, GError **error)
{
  return nnb_graph_set_child_layer_norm (graph, index, -1, normalized_shape, eps, error);
}

gboolean
nnb_graph_set_child_layer_norm (NnbGraph *graph, int index, int child, int64_t normalized_shape, double eps,
                                GError **error)
{
  NnbGraphModule *module = edited_module (graph, index, child, NNB_MODULE_LAYER_NORM,
                                          "Only a LayerNorm block has normalized_shape and eps.", error);

  if (module == NULL)
    return FALSE;
  if (normalized_shape < 1 || normalized_shape > G_MAXINT32)
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT,
                   "normalized_shape must be a whole number of at least 1 (got %" G_GINT64_FORMAT ").", normalized_shape);
      return FALSE;
    }
  /* eps keeps √(var + eps) away from 0 for a row of equal values */
  if (!(eps > 0.0) || !isfinite (eps))
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT,
                   "eps must be a small number greater than 0, such as 1e-05 (got %g).", eps);
      return FALSE;
    }
  module->normalized_shape = normalized_shape;
  module->eps = eps;
  return TRUE;
}

gboolean
nnb_graph_set_batch_norm (NnbGraph *graph, int index, int child, int64_t num_features, double eps, double momentum,
                          gboolean has_momentum, gboolean affine, gboolean track_running_stats, GError **error)
{
  NnbGraphModule *module = edited_module (graph, index, child, NNB_MODULE_BATCH_NORM,
                                          "Only a BatchNorm1d block has num_features, eps and momentum.", error);
  g_autoptr (NnbModule) check = NULL;

  if (module == NULL)
    return FALSE;
  /* eps keeps √(var + eps) away from 0 when a feature is the same across the batch */
  if (num_features > 0 && (!(eps > 0.0) || !isfinite (eps)))
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT,
                   "eps must be a small number greater than 0, such as 1e-05 (got %g).", eps);
      return FALSE;
    }
  if (num_features > 0 && has_momentum && !isfinite (momentum))
    {
      g_set_error_literal (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT,
                           "momentum must be a number such as 0.1 (how far each batch moves the running estimates), or None for a cumulative average.");
      return FALSE;
    }
  /* the engine's constructor is the one judge of what builds */
  check = nnb_batch_norm_new (num_features, eps, momentum, has_momentum, affine, track_running_stats, error);
  if (check == NULL)
    return FALSE;
  module->num_features = num_features;
  module->eps = eps;
  /* None keeps the last number, which comes back when None is turned off */
  if (has_momentum || isfinite (momentum))
    module->momentum = momentum;
  module->has_momentum = has_momentum;
  module->affine = affine;
  module->track_running_stats = track_running_stats;
  return TRUE;
}

gboolean
nnb_graph_remove_child (NnbGraph *graph, int index, int child, GError **error)
{
  NnbGraphModule *module;

  if (child < 0)
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_GRAPH, "Choose a layer inside a Sequential to remove.");
      return FALSE;
    }
  if (edited_module (graph, index, child, NNB_MODULE_SEQUENTIAL, NULL, error) == NULL)
    return FALSE;
  module = nnb_graph_block_module (graph, index);
  if (module->children->len == 1)
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_GRAPH,
                   "“%s” has only this layer left: delete the whole block instead, or ungroup it.",
                   nnb_graph_get_block (graph, index)->name);
      return FALSE;
    }
  /* the layers after it move up: PyTorch numbers a Sequential's children 0, 1, 2… */
  g_ptr_array_remove_index (module->children, child);
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

/* Grouping into an nn.Sequential, and back */

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
      for (int s = 0; s < block->n_inputs; s++)
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
      for (int s = 0; s < block->n_inputs; s++)
        if (block->inputs[s] == from)
          block->inputs[s] = to;
    }
}

/* Marks the selected blocks in `chosen`; each must call a module of its
 * own, or the Sequential would change what another block computes. */
static gboolean
mark_selection (const NnbGraph *graph, const int *blocks, guint n_blocks, gboolean *chosen, GError **error)
{
  if (n_blocks == 0)
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_GRAPH, "Select the blocks of a chain to group them.");
      return FALSE;
    }
  for (guint k = 0; k < n_blocks; k++)
    {
      NnbGraphBlock *block;

      if (!check_block (graph, blocks[k], error))
        return FALSE;
      block = graph->blocks->pdata[blocks[k]];
      if (block->kind != NNB_NODE_CALL || nnb_graph_module_calls (graph, block->module) != 1)
        {
          g_set_error (error, NNB_ERROR, NNB_ERROR_GRAPH,
                       block->kind == NNB_NODE_CALL
                         ? "'%s' calls a module that other blocks call too; only blocks with a module of their own can go into an nn.Sequential."
                         : "'%s' is not a module; an nn.Sequential holds modules only.",
                       block->name);
          return FALSE;
        }
      chosen[blocks[k]] = TRUE;
    }
  return TRUE;
}

/* The head is the one block fed from outside the selection; -1 when there
 * is none or more than one. */
static int
find_chain_head (const NnbGraph *graph, const gboolean *chosen, GError **error)
{
  int head_index = -1;

  for (guint i = 0; i < graph->blocks->len; i++)
    if (chosen[i] && (((NnbGraphBlock *) graph->blocks->pdata[i])->inputs[0] < 0 || !chosen[((NnbGraphBlock *) graph->blocks->pdata[i])->inputs[0]]))
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
    g_set_error (error, NNB_ERROR, NNB_ERROR_GRAPH, "The selected blocks are not one chain.");
  return head_index;
}

/* Appends the chain's blocks to `chain`, from the head along the wires; the
 * selection must be that chain and nothing else. */
static gboolean
follow_chain (const NnbGraph *graph, int head_index, const gboolean *chosen, guint n_blocks,
              GArray *chain, GError **error)
{
  for (int current = head_index;;)
    {
      int next = -1;

      g_array_append_val (chain, current);
      if (n_consumers (graph, current, chosen) > 1)
        {
          g_set_error (error, NNB_ERROR, NNB_ERROR_GRAPH, "The selected blocks branch after '%s'; an nn.Sequential is a straight chain.",
                       ((NnbGraphBlock *) graph->blocks->pdata[current])->name);
          return FALSE;
        }
      for (guint i = 0; i < graph->blocks->len && next < 0; i++)
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
          return FALSE;
        }
      current = next;
    }
  if (chain->len != n_blocks)
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_GRAPH, "The selected blocks are not one chain: select blocks that follow each other.");
      return FALSE;
    }
  return TRUE;
}

/* Replaces the chain's modules with one nn.Sequential holding copies of
 * them, 0, 1, 2…; returns its name. */
static char *
register_sequential (NnbGraph *graph, GArray *chain)
{
  char *name = free_name (graph, "net");
  NnbGraphModule *sequential = nnb_graph_module_new (name, NNB_MODULE_SEQUENTIAL);
  int first_module = G_MAXINT;

  for (guint k = 0; k < chain->len; k++)
    {
      NnbGraphBlock *block = graph->blocks->pdata[g_array_index (chain, int, k)];
      int index = nnb_graph_module_index (graph, block->module);

      first_module = MIN (first_module, index);
      g_ptr_array_add (sequential->children, nnb_graph_module_copy (graph->modules->pdata[index], NULL));
    }
  /* registered where its first child was: __init__ builds the children in
   * that order, so the initialisation draws the same numbers */
  for (guint k = 0; k < chain->len; k++)
    {
      NnbGraphBlock *block = graph->blocks->pdata[g_array_index (chain, int, k)];
      g_ptr_array_remove_index (graph->modules, nnb_graph_module_index (graph, block->module));
    }
  g_ptr_array_insert (graph->modules, first_module, sequential);
  return name;
}

int
nnb_graph_group (NnbGraph *graph, const int *blocks, guint n_blocks, GError **error)
{
  g_autofree gboolean *chosen = g_new0 (gboolean, graph->blocks->len + 1);
  g_autoptr (GArray) chain = g_array_new (FALSE, FALSE, sizeof (int));
  NnbGraphBlock *head, *group;
  g_autofree char *name = NULL;
  int head_index, tail, result;

  if (!mark_selection (graph, blocks, n_blocks, chosen, error))
    return -1;
  head_index = find_chain_head (graph, chosen, error);
  if (head_index < 0 || !follow_chain (graph, head_index, chosen, n_blocks, chain, error))
    return -1;
  name = register_sequential (graph, chain);

  /* one block calls the Sequential where the head was; what read the
   * chain's end reads it */
  head = graph->blocks->pdata[head_index];
  tail = g_array_index (chain, int, chain->len - 1);
  group = nnb_graph_block_new (name, NNB_NODE_CALL, name, head->x, head->y);
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

  position = nnb_graph_module_index (graph, sequential->name);
  previous = block->inputs[0];
  x = block->x;
  y = block->y;
  for (guint c = 0; c < sequential->children->len; c++)
    {
      NnbGraphModule *child = sequential->children->pdata[c];
      g_autofree char *name = free_name (graph, base_for_module (child->kind));
      NnbGraphBlock *link = nnb_graph_block_new (name, NNB_NODE_CALL, name, x + c * NNB_GRAPH_LAYER_DX, y);

      /* children register where the Sequential was, in order */
      g_ptr_array_insert (graph->modules, position + 1 + c, nnb_graph_module_copy (child, name));
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
   * a skip (or a mul, a cat), it would no longer be the nn.Linear it is exported as */
  if (nnb_module_kind_from_string (graph->class_name, &kind))
    {
      guint calls = 0;

      if (graph->modules->len != 1 || g_strcmp0 (((NnbGraphModule *) graph->modules->pdata[0])->name, "") != 0)
        return FALSE;
      for (guint i = 0; i < graph->blocks->len; i++)
        {
          NnbNodeKind block_kind = ((NnbGraphBlock *) graph->blocks->pdata[i])->kind;
          if (nnb_model_n_inputs (block_kind) > 1 || block_kind == NNB_NODE_FUNCTION ||
              (block_kind == NNB_NODE_CALL && ++calls > 1))
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
