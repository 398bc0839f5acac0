/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-model.c — a model's structure: registered modules, the graph of
 * calls, PyTorch's names and print(model). Shapes: nnb-shape-inference.c; running
 * data: nnb-autograd.c. */
#include "nnb-model-private.h"

#include <string.h>
#include "nnb-error.h"
#include "nnb-function.h"
#include "nnb-module-attributes.h"

static void
node_free (gpointer data)
{
  NnbNode *node = data;
  g_free (node->name);
  g_free (node->module);
  g_free (node->function);
  g_clear_pointer (&node->activation, nnb_module_unref);
  g_free (node);
}

static void
named_parameter_free (gpointer data)
{
  NnbNamedParameter *named = data;
  g_free (named->name);
  g_free (named);
}

NnbModel *
nnb_model_new (const char *class_name)
{
  NnbModel *model = g_new0 (NnbModel, 1);

  model->class_name = g_strdup (class_name ? class_name : "Model");
  model->module_names = g_ptr_array_new_with_free_func (g_free);
  model->modules = g_ptr_array_new_with_free_func ((GDestroyNotify) nnb_module_unref);
  model->nodes = g_ptr_array_new_with_free_func (node_free);
  model->device = nnb_device_cpu ();
  /* nn.Module.__init__ sets self.training = True */
  model->training = TRUE;
  model->ref_count = 1;
  return model;
}

NnbModel *
nnb_model_ref (NnbModel *model)
{
  g_return_val_if_fail (model != NULL, NULL);
  g_atomic_int_inc (&model->ref_count);
  return model;
}

void
nnb_model_unref (NnbModel *model)
{
  if (model == NULL || !g_atomic_int_dec_and_test (&model->ref_count))
    return;
  nnb_model_invalidate (model);
  g_free (model->class_name);
  g_ptr_array_unref (model->module_names);
  g_ptr_array_unref (model->modules);
  g_ptr_array_unref (model->nodes);
  g_free (model);
}

void
nnb_model_invalidate (NnbModel *model)
{
  model->plan = NULL;
  g_clear_pointer (&model->plans, g_ptr_array_unref);
  g_clear_pointer (&model->named_parameters_cache, g_ptr_array_unref);
}

gboolean
nnb_name_check_length (const char *name, const char *what, GError **error)
{
  g_autofree char *shown = NULL;
  gsize bytes;

  if (name == NULL)
    return TRUE;
  /* no name of more characters than this has fewer bytes; stop counting there */
  bytes = strnlen (name, NNB_NAME_MAX_CHARS * 4 + 1);
  if (g_utf8_strlen (name, bytes) <= NNB_NAME_MAX_CHARS && name[bytes] == '\0')
    return TRUE;
  shown = nnb_quote_short (name);
  g_set_error (error, NNB_ERROR, NNB_ERROR_GRAPH,
               "A %s can be at most %d characters long; '%s' is longer. Choose a shorter name.",
               what, NNB_NAME_MAX_CHARS, shown);
  return FALSE;
}

gboolean
nnb_is_python_identifier (const char *name)
{
  static const char *const keywords[] = {
    "False",
    "None",
    "True",
    "and",
    "as",
    "assert",
    "async",
    "await",
    "break",
    "class",
    "continue",
    "def",
    "del",
    "elif",
    "else",
    "except",
    "finally",
    "for",
    "from",
    "global",
    "if",
    "import",
    "in",
    "is",
    "lambda",
    "nonlocal",
    "not",
    "or",
    "pass",
    "raise",
    "return",
    "try",
    "while",
    "with",
    "yield",
  };

  if (name == NULL || !(g_ascii_isalpha (name[0]) || name[0] == '_'))
    return FALSE;
  for (const char *p = name; *p; p++)
    if (!(g_ascii_isalnum (*p) || *p == '_'))
      return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (keywords); i++)
    if (strcmp (name, keywords[i]) == 0)
      return FALSE;
  return TRUE;
}

/* Module names: identifiers in a subclass; 0, 1, 2… in a Sequential; the
 * empty name for a model that is one bare module (nn.Linear(1, 1)). */
static gboolean
module_name_allowed (NnbModel *model, const char *name)
{
  if (name[0] == '\0')
    return model->modules->len == 0;
  if (strcmp (model->class_name, "Sequential") == 0)
    {
      for (const char *p = name; *p; p++)
        if (!g_ascii_isdigit (*p))
          return FALSE;
      return TRUE;
    }
  return nnb_is_python_identifier (name);
}

static int
module_index (const NnbModel *model, const char *name)
{
  for (guint i = 0; i < model->module_names->len; i++)
    if (strcmp (model->module_names->pdata[i], name) == 0)
      return i;
  return -1;
}

gboolean
nnb_model_register_module (NnbModel *model, const char *name, NnbModule *module, GError **error)
{
  g_return_val_if_fail (name != NULL && module != NULL, FALSE);

  if (model->modules->len == 1 && ((char *) model->module_names->pdata[0])[0] == '\0')
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_GRAPH,
                   "This model is a single %s; it cannot hold another module.", model->class_name);
      return FALSE;
    }
  if (!nnb_name_check_length (name, "module name", error))
    return FALSE;
  if (!module_name_allowed (model, name))
    {
      g_autofree char *shown = nnb_quote_short (name);
      g_set_error (error, NNB_ERROR, NNB_ERROR_GRAPH,
                   "'%s' cannot be a module name: use a Python identifier such as fc1 or head (letters, digits and _, not starting with a digit).",
                   shown);
      return FALSE;
    }
  if (!nnb_module_attribute_check (name, error))
    return FALSE;
  if (module_index (model, name) >= 0)
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_GRAPH,
                   "There is already a module named '%s'; every module needs its own name.", name);
      return FALSE;
    }
  g_ptr_array_add (model->module_names, g_strdup (name));
  g_ptr_array_add (model->modules, nnb_module_ref (module));
  nnb_model_invalidate (model);
  return TRUE;
}

NnbModule *
nnb_model_get_module (const NnbModel *model, const char *name)
{
  int i = module_index (model, name);
  return i >= 0 ? model->modules->pdata[i] : NULL;
}

gboolean
nnb_model_unregister_module (NnbModel *model, const char *name, GError **error)
{
  int i = module_index (model, name);

  if (i < 0)
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_GRAPH, "There is no module named '%s'.", name);
      return FALSE;
    }
  for (guint n = 0; n < model->nodes->len; n++)
    {
      NnbNode *node = model->nodes->pdata[n];
      if (node->kind == NNB_NODE_CALL && strcmp (node->module, name) == 0)
        {
          g_set_error (error, NNB_ERROR, NNB_ERROR_GRAPH,
                       "The module '%s' is still called by the block '%s'; delete that block first.", name, node->name);
          return FALSE;
        }
    }
  g_ptr_array_remove_index (model->module_names, i);
  g_ptr_array_remove_index (model->modules, i);
  nnb_model_invalidate (model);
  return TRUE;
}

int
nnb_model_n_inputs (NnbNodeKind kind)
{
  switch (kind)
    {
    case NNB_NODE_INPUT: return 0;
    case NNB_NODE_ADD:
    case NNB_NODE_CAT:
    case NNB_NODE_MUL: return 2;
    case NNB_NODE_CALL:
    case NNB_NODE_OUTPUT:
    default:
      return 1;
    }
}

int
nnb_model_find_node (const NnbModel *model, const char *name)
{
  for (guint i = 0; i < model->nodes->len; i++)
    if (strcmp (((NnbNode *) model->nodes->pdata[i])->name, name) == 0)
      return i;
  return -1;
}

NnbNode *
nnb_model_get_node (const NnbModel *model, int index)
{
  g_return_val_if_fail (index >= 0 && (guint) index < model->nodes->len, NULL);
  return model->nodes->pdata[index];
}

int
nnb_model_add_node (NnbModel *model, NnbNodeKind kind, const char *name,
                    const char *module_name, GError **error)
{
  NnbNode *node;

  if (name == NULL || name[0] == '\0')
    {
      g_set_error_literal (error, NNB_ERROR, NNB_ERROR_GRAPH, "Every block needs a name.");
      return -1;
    }
  if (!nnb_name_check_length (name, "block name", error))
    return -1;
  if (nnb_model_find_node (model, name) >= 0)
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_GRAPH,
                   "There is already a block named '%s'; every block needs its own name.", name);
      return -1;
    }
  if (kind == NNB_NODE_CALL && (module_name == NULL || module_index (model, module_name) < 0))
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_GRAPH,
                   "The block '%s' calls a module named '%s', but the model has no such module.",
                   name, module_name ? module_name : "");
      return -1;
    }
  if (kind == NNB_NODE_FUNCTION && !nnb_function_kind (module_name, NULL))
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_GRAPH,
                   "The block '%s' calls the function '%s', which NN Blocks does not know.", name,
                   module_name ? module_name : "");
      return -1;
    }
  node = g_new0 (NnbNode, 1);
  node->name = g_strdup (name);
  node->kind = kind;
  node->module = kind == NNB_NODE_CALL ? g_strdup (module_name) : NULL;
  if (kind == NNB_NODE_FUNCTION)
    {
      node->function = g_strdup (module_name);
      node->activation = nnb_function_new_activation (module_name);
    }
  node->n_inputs = nnb_model_n_inputs (kind);
  for (int s = 0; s < NNB_NODE_MAX_INPUTS; s++)
    node->inputs[s] = -1;
  g_ptr_array_add (model->nodes, node);
  nnb_model_invalidate (model);
  return model->nodes->len - 1;
}

gboolean
nnb_model_set_activation (NnbModel *model, int index, NnbModule *activation, GError **error)
{
  NnbNode *node;
  NnbModuleKind kind;

  g_return_val_if_fail (index >= 0 && (guint) index < model->nodes->len && activation != NULL, FALSE);
  node = model->nodes->pdata[index];
  if (node->kind != NNB_NODE_FUNCTION || !nnb_function_kind (node->function, &kind) || activation->kind != kind)
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_GRAPH, "The block '%s' does not compute %s.", node->name,
                   nnb_module_kind_to_string (activation->kind));
      return FALSE;
    }
  nnb_module_ref (activation);
  g_clear_pointer (&node->activation, nnb_module_unref);
  node->activation = activation;
  nnb_model_invalidate (model);
  return TRUE;
}

gboolean
nnb_model_wires_reach (const GPtrArray *items, glong inputs_offset, int start, int target)
{
  g_autofree gboolean *seen = g_new0 (gboolean, items->len);
  g_autoptr (GArray) stack = g_array_new (FALSE, FALSE, sizeof (int));

  g_array_append_val (stack, start);
  while (stack->len > 0)
    {
      int current = g_array_index (stack, int, stack->len - 1);
      g_array_set_size (stack, stack->len - 1);
      if (current == target)
        return TRUE;
      if (seen[current])
        continue;
      seen[current] = TRUE;
      for (guint i = 0; i < items->len; i++)
        {
          const int *inputs = G_STRUCT_MEMBER_P (items->pdata[i], inputs_offset);
          for (int s = 0; s < NNB_NODE_MAX_INPUTS; s++)
            if (inputs[s] == current)
              {
                int next = i;
                g_array_append_val (stack, next);
                break;
              }
        }
    }
  return FALSE;
}

gboolean
nnb_model_check_wire (NnbNodeKind source_kind, const char *source_name, int target_slots,
                      const char *target_name, int slot, gboolean loop, GError **error)
{
  if (source_kind == NNB_NODE_OUTPUT)
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_GRAPH,
                   "The output block '%s' ends the model; nothing can be wired from it.", source_name);
      return FALSE;
    }
  if (slot < 0 || slot >= target_slots)
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_GRAPH,
                   "The block '%s' has no input number %d.", target_name, slot + 1);
      return FALSE;
    }
  if (loop)
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_GRAPH,
                   "Wiring '%s' into '%s' would make a loop: data must flow from the input to the output without coming back.",
                   source_name, target_name);
      return FALSE;
    }
  return TRUE;
}

gboolean
nnb_model_connect (NnbModel *model, int from, int to, int slot, GError **error)
{
  NnbNode *source, *target;

  g_return_val_if_fail (from >= 0 && (guint) from < model->nodes->len, FALSE);
  g_return_val_if_fail (to >= 0 && (guint) to < model->nodes->len, FALSE);
  source = model->nodes->pdata[from];
  target = model->nodes->pdata[to];

  if (!nnb_model_check_wire (source->kind, source->name, target->n_inputs, target->name, slot,
                             from == to || nnb_model_wires_reach (model->nodes, G_STRUCT_OFFSET (NnbNode, inputs), to, from),
                             error))
    return FALSE;
  target->inputs[slot] = from;
  nnb_model_invalidate (model);
  return TRUE;
}

void
nnb_model_disconnect (NnbModel *model, int to, int slot)
{
  NnbNode *node = nnb_model_get_node (model, to);
  g_return_if_fail (slot >= 0 && slot < node->n_inputs);
  node->inputs[slot] = -1;
  nnb_model_invalidate (model);
}

gboolean
nnb_model_check_n_inputs (NnbNodeKind kind, const char *name, int n_inputs, GError **error)
{
  if (kind == NNB_NODE_CAT ? n_inputs >= NNB_NODE_CAT_MIN_INPUTS && n_inputs <= NNB_NODE_MAX_INPUTS
                           : n_inputs == nnb_model_n_inputs (kind))
    return TRUE;
  if (kind == NNB_NODE_CAT)
    g_set_error (error, NNB_ERROR, NNB_ERROR_GRAPH,
                 "The cat block '%s' has %d inputs; a cat block joins %d to %d tensors.", name, n_inputs,
                 NNB_NODE_CAT_MIN_INPUTS, NNB_NODE_MAX_INPUTS);
  else
    g_set_error (error, NNB_ERROR, NNB_ERROR_GRAPH, "The block '%s' has %d inputs; a block of its kind has %d.", name,
                 n_inputs, nnb_model_n_inputs (kind));
  return FALSE;
}

gboolean
nnb_model_set_n_inputs (NnbModel *model, int index, int n_inputs, GError **error)
{
  NnbNode *node = nnb_model_get_node (model, index);

  g_return_val_if_fail (node != NULL, FALSE);
  if (!nnb_model_check_n_inputs (node->kind, node->name, n_inputs, error))
    return FALSE;
  for (int s = n_inputs; s < NNB_NODE_MAX_INPUTS; s++)
    node->inputs[s] = -1;
  node->n_inputs = n_inputs;
  nnb_model_invalidate (model);
  return TRUE;
}

NnbModel *
nnb_model_new_sequential (NnbModule **modules, int n_modules)
{
  NnbModel *model = nnb_model_new ("Sequential");
  int previous = nnb_model_add_node (model, NNB_NODE_INPUT, "input", NULL, NULL);

  for (int i = 0; i < n_modules; i++)
    {
      char name[16];
      int node;
      g_snprintf (name, sizeof name, "%d", i);
      nnb_model_register_module (model, name, modules[i], NULL);
      node = nnb_model_add_node (model, NNB_NODE_CALL, name, name, NULL);
      nnb_model_connect (model, previous, node, 0, NULL);
      previous = node;
    }
  nnb_model_connect (model, previous, nnb_model_add_node (model, NNB_NODE_OUTPUT, "output", NULL, NULL), 0, NULL);
  return model;
}

GArray *
nnb_model_topological_order (NnbModel *model, GError **error)
{
  guint n = model->nodes->len;
  g_autofree int *pending = g_new0 (int, n);
  g_autofree gboolean *done = g_new0 (gboolean, n);
  GArray *order = g_array_sized_new (FALSE, FALSE, sizeof (int), n);

  for (guint i = 0; i < n; i++)
    {
      NnbNode *node = model->nodes->pdata[i];
      for (int s = 0; s < node->n_inputs; s++)
        if (node->inputs[s] >= 0)
          pending[i]++;
    }
  /* Kahn's algorithm, always taking the lowest-numbered ready block, so the
   * execution order follows the order in which the forward was written. */
  while (order->len < n)
    {
      int next = -1;
      for (guint i = 0; i < n && next < 0; i++)
        if (!done[i] && pending[i] == 0)
          next = i;
      if (next < 0)
        {
          for (guint i = 0; i < n; i++)
            if (!done[i])
              {
                g_set_error (error, NNB_ERROR, NNB_ERROR_GRAPH,
                             "The block '%s' is part of a loop: data must flow from the input to the output without coming back.",
                             ((NnbNode *) model->nodes->pdata[i])->name);
                break;
              }
          g_array_unref (order);
          return NULL;
        }
      done[next] = TRUE;
      g_array_append_val (order, next);
      for (guint i = 0; i < n; i++)
        {
          NnbNode *node = model->nodes->pdata[i];
          for (int s = 0; s < node->n_inputs; s++)
            if (node->inputs[s] == next)
              pending[i]--;
        }
    }
  return order;
}

gboolean
nnb_model_validate (NnbModel *model, GError **error)
{
  int n_inputs = 0, n_outputs = 0;
  g_autoptr (GArray) order = NULL;
  g_autofree gboolean *used = g_new0 (gboolean, model->nodes->len + 1);

  for (guint i = 0; i < model->nodes->len; i++)
    {
      NnbNode *node = model->nodes->pdata[i];
      n_inputs += node->kind == NNB_NODE_INPUT;
      n_outputs += node->kind == NNB_NODE_OUTPUT;
      for (int s = 0; s < node->n_inputs; s++)
        {
          if (node->inputs[s] < 0)
            {
              if (node->kind == NNB_NODE_ADD)
                g_set_error (error, NNB_ERROR, NNB_ERROR_GRAPH,
                             "The + block '%s' needs two inputs; its input %d is not connected.", node->name, s + 1);
              else if (node->kind == NNB_NODE_MUL || (node->kind == NNB_NODE_CAT && node->n_inputs == 2))
                g_set_error (error, NNB_ERROR, NNB_ERROR_GRAPH,
                             "The %s block '%s' needs two inputs; its input %d is not connected.",
                             node->kind == NNB_NODE_MUL ? "*" : "cat", node->name, s + 1);
              else if (node->kind == NNB_NODE_CAT)
                g_set_error (error, NNB_ERROR, NNB_ERROR_GRAPH,
                             "The cat block '%s' needs %d inputs; its input %d is not connected.", node->name,
                             node->n_inputs, s + 1);
              else
                g_set_error (error, NNB_ERROR, NNB_ERROR_GRAPH,
                             "The block '%s' has nothing connected to its input.", node->name);
              return FALSE;
            }
          used[node->inputs[s]] = TRUE;
        }
    }
  if (n_inputs != 1)
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_GRAPH,
                   n_inputs == 0 ? "The model has no input block: add one where the data comes in."
                                 : "The model has %d input blocks; NN Blocks models take one input.",
                   n_inputs);
      return FALSE;
    }
  if (n_outputs != 1)
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_GRAPH,
                   n_outputs == 0 ? "The model has no output block: add one for what forward returns."
                                  : "The model has %d output blocks; forward returns one value.",
                   n_outputs);
      return FALSE;
    }
  for (guint i = 0; i < model->nodes->len; i++)
    {
      NnbNode *node = model->nodes->pdata[i];
      if (node->kind != NNB_NODE_OUTPUT && !used[i])
        {
          g_set_error (error, NNB_ERROR, NNB_ERROR_GRAPH,
                       "The output of the block '%s' goes nowhere: connect it or delete the block.", node->name);
          return FALSE;
        }
    }
  order = nnb_model_topological_order (model, error);
  return order != NULL;
}

gboolean
nnb_model_is_chain (NnbModel *model)
{
  g_autoptr (GArray) order = NULL;
  guint calls = 0;

  if (!nnb_model_validate (model, NULL))
    return FALSE;
  order = nnb_model_topological_order (model, NULL);
  for (guint i = 0; i < order->len; i++)
    {
      NnbNode *node = model->nodes->pdata[g_array_index (order, int, i)];
      /* nn.Sequential has no place for a function */
      if (node->n_inputs > 1 || node->kind == NNB_NODE_FUNCTION)
        return FALSE;
      if (node->kind == NNB_NODE_CALL)
        {
          if (calls >= model->modules->len || strcmp (node->module, model->module_names->pdata[calls]) != 0)
            return FALSE;
          calls++;
        }
      /* in a chain, each block feeds the next one in order */
      if (i > 0 && node->inputs[0] != g_array_index (order, int, i - 1))
        return FALSE;
    }
  return calls == model->modules->len;
}

static gboolean
array_has (GPtrArray *array, gpointer item)
{
  for (guint i = 0; i < array->len; i++)
    if (array->pdata[i] == item)
      return TRUE;
  return FALSE;
}

static void
collect_parameters (GPtrArray *out, GPtrArray *seen, NnbModule *module, const char *prefix)
{
  if (array_has (seen, module))
    return;
  g_ptr_array_add (seen, module);
  for (guint i = 0; i < module->parameters->len; i++)
    {
      NnbParameter *param = module->parameters->pdata[i];
      NnbNamedParameter *named = g_new0 (NnbNamedParameter, 1);
      named->name = prefix[0] ? g_strconcat (prefix, ".", param->name, NULL) : g_strdup (param->name);
      named->param = param;
      named->module = module;
      g_ptr_array_add (out, named);
    }
  for (guint i = 0; i < module->children->len; i++)
    {
      g_autofree char *child_prefix = prefix[0] ? g_strdup_printf ("%s.%u", prefix, i) : g_strdup_printf ("%u", i);
      collect_parameters (out, seen, module->children->pdata[i], child_prefix);
    }
}

GPtrArray *
nnb_model_named_parameters (NnbModel *model)
{
  if (model->named_parameters_cache == NULL)
    {
      g_autoptr (GPtrArray) seen = g_ptr_array_new ();
      model->named_parameters_cache = g_ptr_array_new_with_free_func (named_parameter_free);
      for (guint i = 0; i < model->modules->len; i++)
        collect_parameters (model->named_parameters_cache, seen, model->modules->pdata[i],
                            model->module_names->pdata[i]);
    }
  return model->named_parameters_cache;
}

NnbParameter *
nnb_model_get_parameter (NnbModel *model, const char *dotted_name)
{
  GPtrArray *params = nnb_model_named_parameters (model);

  for (guint i = 0; i < params->len; i++)
    {
      NnbNamedParameter *named = params->pdata[i];
      if (strcmp (named->name, dotted_name) == 0)
        return named->param;
    }
  return NULL;
}

int64_t
nnb_model_count_parameters (NnbModel *model)
{
  GPtrArray *params = nnb_model_named_parameters (model);
  int64_t total = 0;

  for (guint i = 0; i < params->len; i++)
    total += ((NnbNamedParameter *) params->pdata[i])->param->value->numel;
  return total;
}

static void
state_entry_free (gpointer data)
{
  NnbStateEntry *entry = data;
  g_free (entry->name);
  g_free (entry);
}

static void
add_state_entry (GPtrArray *out, const char *prefix, const char *name, NnbParameter *param, NnbBuffer *buffer,
                 NnbModule *module)
{
  NnbStateEntry *entry = g_new0 (NnbStateEntry, 1);

  entry->name = prefix[0] ? g_strconcat (prefix, ".", name, NULL) : g_strdup (name);
  entry->param = param;
  entry->buffer = buffer;
  entry->module = module;
  entry->value = param != NULL ? param->value : buffer->value;
  g_ptr_array_add (out, entry);
}

/* Module._save_to_state_dict's order: a module's parameters, then its
 * buffers, then each child's */
static void
collect_state (GPtrArray *out, GPtrArray *seen, NnbModule *module, const char *prefix)
{
  if (array_has (seen, module))
    return;
  g_ptr_array_add (seen, module);
  for (guint i = 0; i < module->parameters->len; i++)
    {
      NnbParameter *param = module->parameters->pdata[i];
      add_state_entry (out, prefix, param->name, param, NULL, module);
    }
  for (guint i = 0; i < module->buffers->len; i++)
    {
      NnbBuffer *buffer = module->buffers->pdata[i];
      add_state_entry (out, prefix, buffer->name, NULL, buffer, module);
    }
  for (guint i = 0; i < module->children->len; i++)
    {
      g_autofree char *child_prefix = prefix[0] ? g_strdup_printf ("%s.%u", prefix, i) : g_strdup_printf ("%u", i);
      collect_state (out, seen, module->children->pdata[i], child_prefix);
    }
}

GPtrArray *
nnb_model_state_dict (NnbModel *model)
{
  g_autoptr (GPtrArray) seen = g_ptr_array_new ();
  GPtrArray *out = g_ptr_array_new_with_free_func (state_entry_free);

  for (guint i = 0; i < model->modules->len; i++)
    collect_state (out, seen, model->modules->pdata[i], model->module_names->pdata[i]);
  return out;
}

NnbBuffer *
nnb_model_get_buffer (NnbModel *model, const char *dotted_name)
{
  g_autoptr (GPtrArray) state = nnb_model_state_dict (model);

  for (guint i = 0; i < state->len; i++)
    {
      NnbStateEntry *entry = state->pdata[i];
      if (entry->buffer != NULL && strcmp (entry->name, dotted_name) == 0)
        return entry->buffer;
    }
  return NULL;
}

int64_t
nnb_model_count_buffers (NnbModel *model)
{
  g_autoptr (GPtrArray) state = nnb_model_state_dict (model);
  int64_t total = 0;

  for (guint i = 0; i < state->len; i++)
    {
      NnbBuffer *buffer = ((NnbStateEntry *) state->pdata[i])->buffer;
      if (buffer != NULL)
        total += buffer->value != NULL ? buffer->value->numel : 1;
    }
  return total;
}

char *
nnb_model_repr (NnbModel *model)
{
  GString *text;

  /* a bare module prints as itself */
  if (model->modules->len == 1 && ((char *) model->module_names->pdata[0])[0] == '\0')
    return nnb_module_repr (model->modules->pdata[0], 0);
  if (model->modules->len == 0)
    return g_strdup_printf ("%s()", model->class_name);
  text = g_string_new (NULL);
  g_string_append_printf (text, "%s(\n", model->class_name);
  for (guint i = 0; i < model->modules->len; i++)
    {
      g_autofree char *child = nnb_module_repr (model->modules->pdata[i], 2);
      g_string_append_printf (text, "  (%s): %s\n", (char *) model->module_names->pdata[i], child);
    }
  g_string_append (text, ")");
  return g_string_free (text, FALSE);
}

/* Every module once, depth first, in registration order: the order in which
 * __init__ constructed them and in which apply() meets the Linear layers. */
static void
collect_modules (GPtrArray *out, NnbModule *module)
{
  if (array_has (out, module))
    return;
  g_ptr_array_add (out, module);
  for (guint i = 0; i < module->children->len; i++)
    collect_modules (out, module->children->pdata[i]);
}

static GPtrArray *
modules_in_order (NnbModel *model)
{
  GPtrArray *out = g_ptr_array_new ();
  for (guint i = 0; i < model->modules->len; i++)
    collect_modules (out, model->modules->pdata[i]);
  return out;
}

gboolean
nnb_model_reset_parameters (NnbModel *model, NnbGenerator *gen, GError **error)
{
  g_autoptr (GPtrArray) modules = modules_in_order (model);

  for (guint i = 0; i < modules->len; i++)
    {
      NnbModule *module = modules->pdata[i];
      if (module->kind == NNB_MODULE_LINEAR && !nnb_linear_reset_parameters (module, gen, error))
        return FALSE;
      if (module->kind == NNB_MODULE_LAYER_NORM)
        nnb_layer_norm_reset_parameters (module);
      if (module->kind == NNB_MODULE_BATCH_NORM)
        nnb_batch_norm_reset_parameters (module);
      /* a model built afresh has no .grad yet */
      for (guint k = 0; k < module->parameters->len; k++)
        ((NnbParameter *) module->parameters->pdata[k])->has_grad = FALSE;
    }
  return TRUE;
}

static gboolean
init_parameter (NnbParameter *param, NnbInitMethod method, NnbGenerator *gen, GError **error)
{
  g_autoptr (NnbTensor) host = NULL;

  if (param == NULL || method == NNB_INIT_DEFAULT)
    return TRUE;
  host = nnb_tensor_to (param->value, nnb_device_cpu (), error);
  if (host == NULL || !nnb_init_apply_method (host, method, 0.0, gen, error))
    return FALSE;
  nnb_tensor_write (param->value, host->data);
  return TRUE;
}

gboolean
nnb_model_apply_init (NnbModel *model, NnbInitMethod weight_method,
                      NnbInitMethod bias_method, NnbGenerator *gen, GError **error)
{
  g_autoptr (GPtrArray) modules = modules_in_order (model);

  for (guint i = 0; i < modules->len; i++)
    {
      NnbModule *module = modules->pdata[i];
      if (module->kind != NNB_MODULE_LINEAR)
        continue;
      if (!init_parameter (nnb_module_get_parameter (module, "weight"), weight_method, gen, error) ||
          !init_parameter (nnb_module_get_parameter (module, "bias"), bias_method, gen, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
nnb_model_to (NnbModel *model, NnbDevice device, GError **error)
{
  if (nnb_backend_get (device, error) == NULL)
    return FALSE;
  for (guint i = 0; i < model->modules->len; i++)
    if (!nnb_module_to (model->modules->pdata[i], device, error))
      return FALSE;
  model->device = device;
  model->plan = NULL;
  g_clear_pointer (&model->plans, g_ptr_array_unref);
  return TRUE;
}

void
nnb_model_zero_grad (NnbModel *model)
{
  GPtrArray *params = nnb_model_named_parameters (model);

  for (guint i = 0; i < params->len; i++)
    nnb_tensor_fill (((NnbNamedParameter *) params->pdata[i])->param->grad, 0.0f);
}

void
nnb_model_train (NnbModel *model, gboolean mode)
{
  g_return_if_fail (model != NULL);
  model->training = mode != FALSE;
}

void
nnb_model_eval (NnbModel *model)
{
  nnb_model_train (model, FALSE);
}

NnbGenerator *
nnb_model_set_generator (NnbModel *model, NnbGenerator *gen)
{
  NnbGenerator *before;

  g_return_val_if_fail (model != NULL, NULL);
  before = model->generator;
  model->generator = gen;
  return before;
}

gboolean
nnb_model_keep_buffers (NnbModel *model, gboolean keep)
{
  gboolean before = model->keep_buffers;

  model->keep_buffers = keep;
  return before;
}

gboolean
nnb_model_has_mode (const NnbModel *model)
{
  for (guint i = 0; i < model->modules->len; i++)
    if (nnb_module_has_mode (model->modules->pdata[i]))
      return TRUE;
  return FALSE;
}
