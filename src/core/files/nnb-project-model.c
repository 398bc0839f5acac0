/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-project-model.c — a project's "model" read into an NnbModel: its
 * modules (a Sequential, a subclass of nn.Module or one bare module) and the
 * graph of blocks that is its forward, with the blocks' positions. */

#include "nnb-project-private.h"

#include <math.h>
#include <string.h>
#include "nnb-error.h"
#include "nnb-function.h"
#include "nnb-module-attributes.h"

/* Limits that keep a hand-written typo (a size of 1e12) from exhausting the
 * machine; far beyond anything a lesson uses. */
#define MAX_FEATURES ((int64_t) 1000000)
#define MAX_MODULES 1000
#define MAX_NODES 1000
#define MAX_DEPTH 16

/* ------------------------------------------------------------- modules */

static const char *const module_types[] = {
  "Linear", "ReLU", "Tanh", "Sigmoid", "LeakyReLU", "GELU", "Identity", "LayerNorm", "Softmax", "LogSoftmax",
  "Dropout", "BatchNorm1d", "Sequential", NULL
};

static gboolean
parse_module_type (const char *text, const char *where, const char *key, NnbModuleKind *kind, GError **error)
{
  g_autofree char *known = NULL;

  if (nnb_module_kind_from_string (text, kind))
    return TRUE;
  for (guint i = 0; module_types[i]; i++)
    if (g_ascii_strcasecmp (text, module_types[i]) == 0)
      return nnb_json_fail (error, NNB_FILE_ERROR_INVALID, where,
                            "unknown %s \"%s\"; did you mean \"%s\"? (PyTorch's names are case-sensitive)",
                            key, nnb_json_quoted (text), module_types[i]);
  known = nnb_json_join_words (module_types);
  return nnb_json_fail (error, NNB_FILE_ERROR_INVALID, where, "unknown %s \"%s\"; NN Blocks knows %s.",
                        key, nnb_json_quoted (text), known);
}

static NnbModule *parse_module_fields (JsonObject *object, const char *where, const char *type_key,
                                       const char *const *extra_fields, int depth, GError **error);

static NnbModule *
parse_linear (JsonObject *object, const char *where, GError **error)
{
  int64_t in_features, out_features;
  gboolean bias = TRUE;
  g_autoptr (GError) local = NULL;
  NnbModule *module;

  if (!nnb_json_read_whole (object, where, "in_features", 1, MAX_FEATURES, TRUE, 0, &in_features, error) ||
      !nnb_json_read_whole (object, where, "out_features", 1, MAX_FEATURES, TRUE, 0, &out_features, error) ||
      !nnb_json_read_bool (object, where, "bias", &bias, error))
    return NULL;
  /* no generator: the recipe (nnb_project_build) or the file's weights
   * give the parameters their values */
  module = nnb_linear_new (in_features, out_features, bias, NULL, &local);
  if (module == NULL)
    nnb_json_fail (error, NNB_FILE_ERROR_INVALID, where, "%s", local->message);
  return module;
}

static NnbModule *
parse_layer_norm (JsonObject *object, const char *where, GError **error)
{
  int64_t normalized_shape;
  double eps = 1e-5;
  gboolean affine = TRUE;
  g_autoptr (GError) local = NULL;
  NnbModule *module;

  if (!nnb_json_read_whole (object, where, "normalized_shape", 1, MAX_FEATURES, TRUE, 0, &normalized_shape, error) ||
      !nnb_json_read_number (object, where, "eps", NNB_JSON_NUMBER_POSITIVE, &eps, error) ||
      !nnb_json_read_bool (object, where, "elementwise_affine", &affine, error))
    return NULL;
  module = nnb_layer_norm_new (normalized_shape, eps, affine, &local);
  if (module == NULL)
    nnb_json_fail (error, NNB_FILE_ERROR_INVALID, where, "%s", local->message);
  return module;
}

/* Softmax and LogSoftmax: "dim" is required, and 1 or -1. nn.Softmax()
 * without dim still runs in PyTorch 1.13, with a deprecation warning, and
 * picks dim 1 for 2-D input; a file says which axis it means. */
static NnbModule *
parse_softmax (JsonObject *object, const char *where, NnbModuleKind kind, GError **error)
{
  const char *name = nnb_module_kind_to_string (kind);
  JsonNode *node = nnb_json_member (object, "dim");
  g_autoptr (GError) local = NULL;
  NnbModule *module;
  int64_t dim;

  if (node == NULL)
    {
      nnb_json_fail (error, NNB_FILE_ERROR_INVALID, where,
                     "dim is missing: write \"dim\": 1, the features' axis, as nn.%s(dim=1) does (PyTorch warns "
                     "\"Implicit dimension choice for %s has been deprecated\" without it).",
                     name, kind == NNB_MODULE_SOFTMAX ? "softmax" : "log_softmax");
      return NULL;
    }
  if (!nnb_json_node_to_whole (node, &dim))
    {
      g_autofree char *value = nnb_json_describe_node (node);
      nnb_json_fail (error, NNB_FILE_ERROR_INVALID, where, "dim must be a whole number, 1 or -1, not %s.", value);
      return NULL;
    }
  module = nnb_softmax_new (kind, dim, &local);
  if (module == NULL)
    nnb_json_fail (error, NNB_FILE_ERROR_INVALID, where, "%s", local->message);
  return module;
}

/* Dropout: "p" (0.5 when left out, nn.Dropout()'s default), in [0, 1] */
static NnbModule *
parse_dropout (JsonObject *object, const char *where, GError **error)
{
  double p = 0.5;
  g_autoptr (GError) local = NULL;
  NnbModule *module;

  if (!nnb_json_read_number (object, where, "p", NNB_JSON_NUMBER_ANY, &p, error))
    return NULL;
  module = nnb_dropout_new (p, &local);
  if (module == NULL)
    nnb_json_fail (error, NNB_FILE_ERROR_INVALID, where, "%s", local->message);
  return module;
}

/* BatchNorm1d: num_features required; eps 1e-05, momentum 0.1 (null is
 * momentum=None, a cumulative average), affine and track_running_stats
 * true when left out, as nn.BatchNorm1d(16) has them */
static NnbModule *
parse_batch_norm (JsonObject *object, const char *where, GError **error)
{
  int64_t num_features;
  double eps = 1e-5, momentum = 0.1;
  gboolean has_momentum = TRUE, affine = TRUE, track_running_stats = TRUE;
  JsonNode *momentum_node = nnb_json_member (object, "momentum");
  g_autoptr (GError) local = NULL;
  NnbModule *module;

  if (!nnb_json_read_whole (object, where, "num_features", 1, MAX_FEATURES, TRUE, 0, &num_features, error) ||
      !nnb_json_read_number (object, where, "eps", NNB_JSON_NUMBER_POSITIVE, &eps, error))
    return NULL;
  if (momentum_node != NULL && JSON_NODE_HOLDS_NULL (momentum_node))
    has_momentum = FALSE;
  else if (momentum_node != NULL && (!nnb_json_node_is_number (momentum_node) ||
                                     !nnb_json_read_number (object, where, "momentum", NNB_JSON_NUMBER_ANY, &momentum, NULL)))
    {
      g_autofree char *value = nnb_json_describe_node (momentum_node);
      nnb_json_fail (error, NNB_FILE_ERROR_INVALID, where,
                     "momentum must be a number (0.1 is PyTorch's default) or null for None, not %s.", value);
      return NULL;
    }
  if (!nnb_json_read_bool (object, where, "affine", &affine, error) ||
      !nnb_json_read_bool (object, where, "track_running_stats", &track_running_stats, error))
    return NULL;
  module = nnb_batch_norm_new (num_features, eps, momentum, has_momentum, affine, track_running_stats, &local);
  if (module == NULL)
    nnb_json_fail (error, NNB_FILE_ERROR_INVALID, where, "%s", local->message);
  return module;
}

static NnbModule *
parse_sequential (JsonObject *object, const char *where, int depth, GError **error)
{
  static const char *const child_fields[] = { "name", NULL };
  JsonArray *children = nnb_json_require_array (object, where, "children", error);
  g_autoptr (NnbModule) sequential = NULL;

  if (children == NULL)
    return NULL;
  if (depth >= MAX_DEPTH)
    {
      nnb_json_fail (error, NNB_FILE_ERROR_INVALID, where, "Sequentials are nested more than %d deep.", MAX_DEPTH);
      return NULL;
    }
  if (json_array_get_length (children) > MAX_MODULES)
    {
      nnb_json_fail (error, NNB_FILE_ERROR_INVALID, where, "a Sequential holds at most %d modules, not %u.",
                     MAX_MODULES, json_array_get_length (children));
      return NULL;
    }
  sequential = nnb_sequential_new ();
  for (guint i = 0; i < json_array_get_length (children); i++)
    {
      g_autofree char *child_where = g_strdup_printf ("%s.children[%u]", where, i);
      g_autofree char *index = g_strdup_printf ("%u", i);
      JsonObject *child_object = nnb_json_require_object (json_array_get_element (children, i), child_where, error);
      const char *name = NULL;
      g_autoptr (NnbModule) child = NULL;

      if (child_object == NULL || !nnb_json_read_string (child_object, child_where, "name", FALSE, &name, error))
        return NULL;
      /* nn.Sequential names its children 0, 1, 2…; a name, if given, must agree */
      if (name != NULL && strcmp (name, index) != 0)
        {
          nnb_json_fail (error, NNB_FILE_ERROR_INVALID, child_where,
                         "a Sequential's children are named by position; this one is \"%s\", not \"%s\".",
                         index, nnb_json_quoted (name));
          return NULL;
        }
      child = parse_module_fields (child_object, child_where, "type", child_fields, depth + 1, error);
      if (child == NULL)
        return NULL;
      nnb_sequential_append (sequential, child);
    }
  return g_steal_pointer (&sequential);
}

/* The fields a module of this kind may have, besides type_key and extra. */
static const char *const *
module_fields (NnbModuleKind kind)
{
  static const char *const linear[] = { "in_features", "out_features", "bias", NULL };
  static const char *const leaky[] = { "negative_slope", NULL };
  static const char *const layer_norm[] = { "normalized_shape", "eps", "elementwise_affine", NULL };
  static const char *const softmax[] = { "dim", NULL };
  static const char *const dropout[] = { "p", NULL };
  static const char *const batch_norm[] = { "num_features", "eps", "momentum", "affine", "track_running_stats", NULL };
  static const char *const sequential[] = { "children", NULL };
  static const char *const none[] = { NULL };

  switch (kind)
    {
    case NNB_MODULE_LINEAR: return linear;
    case NNB_MODULE_LEAKY_RELU: return leaky;
    case NNB_MODULE_LAYER_NORM: return layer_norm;
    case NNB_MODULE_SOFTMAX: return softmax;
    case NNB_MODULE_LOG_SOFTMAX: return softmax;
    case NNB_MODULE_DROPOUT: return dropout;
    case NNB_MODULE_BATCH_NORM: return batch_norm;
    case NNB_MODULE_SEQUENTIAL: return sequential;
    default: return none;
    }
}

/* A module described by object's fields: its type under type_key ("type",
 * or "class" for a model that is one bare module), its sizes, and the
 * caller's extra fields (name, graph, …) which the caller reads. */
static NnbModule *
parse_module_fields (JsonObject *object, const char *where, const char *type_key,
                     const char *const *extra_fields, int depth, GError **error)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) allowed = NULL;
  const char *type = NULL;
  NnbModuleKind kind;

  if (!nnb_json_read_string (object, where, type_key, TRUE, &type, error) ||
      !parse_module_type (type, where, type_key, &kind, error))
    return NULL;
  g_strv_builder_add (builder, type_key);
  g_strv_builder_addv (builder, (const char **) extra_fields);
  g_strv_builder_addv (builder, (const char **) module_fields (kind));
  allowed = g_strv_builder_end (builder);
  if (!nnb_json_check_fields (object, where, (const char *const *) allowed, error))
    return NULL;

  switch (kind)
    {
    case NNB_MODULE_LINEAR:
      return parse_linear (object, where, error);
    case NNB_MODULE_SEQUENTIAL:
      return parse_sequential (object, where, depth, error);
    case NNB_MODULE_LAYER_NORM:
      return parse_layer_norm (object, where, error);
    case NNB_MODULE_SOFTMAX:
    case NNB_MODULE_LOG_SOFTMAX:
      return parse_softmax (object, where, kind, error);
    case NNB_MODULE_DROPOUT:
      return parse_dropout (object, where, error);
    case NNB_MODULE_BATCH_NORM:
      return parse_batch_norm (object, where, error);
    case NNB_MODULE_LEAKY_RELU:
      {
        double slope = 0.01;
        if (!nnb_json_read_number (object, where, "negative_slope", NNB_JSON_NUMBER_ANY, &slope, error))
          return NULL;
        return nnb_leaky_relu_new (slope);
      }
    default:
      return nnb_activation_new (kind);
    }
}

/* ---------------------------------------------------------------- graph */

typedef enum
{
  MODEL_BARE,       /* the model is one module: nn.Linear(1, 1) */
  MODEL_SEQUENTIAL, /* nn.Sequential(…) */
  MODEL_SUBCLASS,   /* class MLP(nn.Module) with a forward */
} ModelShape;

static const char *const op_names[] = {
  [NNB_NODE_INPUT] = "input",
  [NNB_NODE_CALL] = "call",
  [NNB_NODE_ADD] = "add",
  [NNB_NODE_OUTPUT] = "output",
  [NNB_NODE_CAT] = "cat",
  [NNB_NODE_MUL] = "mul",
  [NNB_NODE_FUNCTION] = "function",
};

const char *
nnb_project_op_name (NnbNodeKind kind)
{
  return op_names[kind];
}

/* "an add block", "a call block", "a mul block" */
static const char *
op_article (NnbNodeKind kind)
{
  return kind == NNB_NODE_CALL || kind == NNB_NODE_CAT || kind == NNB_NODE_MUL || kind == NNB_NODE_FUNCTION ? "a"
                                                                                                            : "an";
}

static char *
node_where (guint index, const char *name)
{
  if (name != NULL)
    return g_strdup_printf ("model.graph.nodes[%u] (%s)", index, name);
  return g_strdup_printf ("model.graph.nodes[%u]", index);
}

static gboolean
parse_position (JsonObject *object, const char *where, NnbBlockPosition *pos, GError **error)
{
  JsonNode *node = nnb_json_member (object, "pos");
  JsonArray *array;

  pos->x = pos->y = NAN; /* laid out later */
  if (node == NULL)
    return TRUE;
  array = JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
  if (array == NULL || json_array_get_length (array) != 2 ||
      !nnb_json_node_is_number (json_array_get_element (array, 0)) ||
      !nnb_json_node_is_number (json_array_get_element (array, 1)) ||
      !isfinite (json_array_get_double_element (array, 0)) || !isfinite (json_array_get_double_element (array, 1)))
    {
      g_autofree char *value = nnb_json_describe_node (node);
      return nnb_json_fail (error, NNB_FILE_ERROR_INVALID, where, "pos must be a list of two numbers [x, y], not %s.", value);
    }
  pos->x = json_array_get_double_element (array, 0);
  pos->y = json_array_get_double_element (array, 1);
  return TRUE;
}

/* Names hold at most NNB_NAME_MAX_CHARS characters (docs/file-format.md),
 * checked before a name goes into "where" or any message. */
static gboolean
name_fits (const char *name, const char *where, GError **error)
{
  g_autoptr (GError) local = NULL;

  if (nnb_name_check_length (name, "name", &local))
    return TRUE;
  return nnb_json_fail (error, NNB_FILE_ERROR_INVALID, where, "%s", local->message);
}

/* A function block's function and its arguments (the fields its module
 * would have: negative_slope, dim), checked as the module's are. */
static gboolean
check_function (JsonObject *object, const char *where, const char **function, GError **error)
{
  if (!nnb_json_read_string (object, where, "function", TRUE, function, error))
    return FALSE;
  if (!nnb_function_kind (*function, NULL))
    {
      g_autofree char *known = g_strjoinv (", ", (char **) nnb_function_names ());
      return nnb_json_fail (error, NNB_FILE_ERROR_INVALID, where,
                            "unknown function \"%s\"; a function block calls one of %s.", nnb_json_quoted (*function),
                            known);
    }
  return TRUE;
}

static gboolean
read_arguments (NnbModel *model, int index, JsonObject *object, const char *where, GError **error)
{
  static const char *const fields[] = { "name", "op", "function", "inputs", "pos", NULL };
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) allowed = NULL;
  g_autoptr (NnbModule) activation = NULL;
  NnbModuleKind kind = nnb_model_get_node (model, index)->activation->kind;
  g_strv_builder_addv (builder, (const char **) fields);
  g_strv_builder_addv (builder, (const char **) module_fields (kind));
  allowed = g_strv_builder_end (builder);
  if (!nnb_json_check_fields (object, where, (const char *const *) allowed, error))
    return FALSE;
  switch (kind)
    {
    case NNB_MODULE_SOFTMAX:
    case NNB_MODULE_LOG_SOFTMAX:
      activation = parse_softmax (object, where, kind, error);
      break;
    case NNB_MODULE_LEAKY_RELU:
      {
        double slope = 0.01;
        if (!nnb_json_read_number (object, where, "negative_slope", NNB_JSON_NUMBER_ANY, &slope, error))
          return FALSE;
        activation = nnb_leaky_relu_new (slope);
        break;
      }
    default:
      activation = nnb_activation_new (kind);
      break;
    }
  if (activation == NULL)
    return FALSE;
  return nnb_model_set_activation (model, index, activation, error);
}

/* First pass over the blocks: names, ops, modules and positions. */
static gboolean
add_node (NnbProject *project, JsonNode *json, guint index, ModelShape shape, GError **error)
{
  static const char *const fields[] = { "name", "op", "module", "inputs", "pos", NULL };
  static const char *const function_fields[] = { "name", "op", "function", "negative_slope", "dim", "inputs", "pos", NULL };
  NnbModel *model = project->model;
  g_autofree char *where = node_where (index, NULL);
  JsonObject *object = nnb_json_require_object (json, where, error);
  const char *name, *op, *module = NULL;
  NnbNodeKind kind = NNB_NODE_INPUT;
  NnbBlockPosition pos;
  gboolean known_op = FALSE;
  int existing;

  if (object == NULL || !nnb_json_read_string (object, where, "name", TRUE, &name, error))
    return FALSE;
  if (name[0] == '\0')
    return nnb_json_fail (error, NNB_FILE_ERROR_INVALID, where, "name must not be empty: every block needs a name.");
  if (!name_fits (name, where, error))
    return FALSE;
  g_free (where);
  where = node_where (index, name);
  if (!nnb_json_read_string (object, where, "op", TRUE, &op, error) ||
      !nnb_json_check_fields (object, where, strcmp (op, "function") == 0 ? function_fields : fields, error) ||
      !nnb_json_read_string (object, where, "module", FALSE, &module, error) ||
      !parse_position (object, where, &pos, error))
    return FALSE;
  for (guint k = 0; k < G_N_ELEMENTS (op_names); k++)
    if (strcmp (op, op_names[k]) == 0)
      {
        kind = (NnbNodeKind) k;
        known_op = TRUE;
      }
  if (!known_op)
    return nnb_json_fail (error, NNB_FILE_ERROR_INVALID, where,
                          "unknown op \"%s\"; a block's op is input, call, function, add, mul, cat or output.",
                          nnb_json_quoted (op));
  existing = nnb_model_find_node (model, name);
  if (existing >= 0)
    return nnb_json_fail (error, NNB_FILE_ERROR_INVALID, where,
                          "the name \"%s\" is already used by model.graph.nodes[%d]; every block needs its own name.",
                          name, existing);
  if (kind != NNB_NODE_CALL && module != NULL)
    return nnb_json_fail (error, NNB_FILE_ERROR_INVALID, where,
                          "only a call block names a module; this one is %s %s block.", op_article (kind), op);
  if (kind == NNB_NODE_CALL)
    {
      /* the module defaults to the block's name (or the bare model's one module) */
      if (module == NULL)
        module = shape == MODEL_BARE ? "" : name;
      if (nnb_model_get_module (model, module) == NULL)
        return nnb_json_fail (error, NNB_FILE_ERROR_INVALID, where,
                              "it calls the module \"%s\", but model.modules has no module of that name.",
                              nnb_json_quoted (module));
    }
  if (kind == NNB_NODE_FUNCTION && shape != MODEL_SUBCLASS)
    return nnb_json_fail (error, NNB_FILE_ERROR_INVALID, where,
                          "a function block needs a class with a forward; nn.Sequential and a bare module have none.");
  if (kind == NNB_NODE_FUNCTION && !check_function (object, where, &module, error))
    return FALSE;
  if (nnb_model_add_node (model, kind, name, kind == NNB_NODE_CALL || kind == NNB_NODE_FUNCTION ? module : NULL, error) < 0)
    return FALSE;
  if (kind == NNB_NODE_FUNCTION && !read_arguments (model, model->nodes->len - 1, object, where, error))
    return FALSE;
  g_array_append_val (project->positions, pos);
  return TRUE;
}

/* Second pass: the wires, now that every block can be named. */
static gboolean
wire_node (NnbModel *model, JsonObject *object, guint index, GError **error)
{
  NnbNode *node = nnb_model_get_node (model, index);
  g_autofree char *where = node_where (index, node->name);
  int slots = node->n_inputs;
  JsonNode *inputs_node = nnb_json_member (object, "inputs");
  JsonArray *inputs;

  if (inputs_node == NULL)
    return TRUE; /* unwired: work in progress */
  if (!JSON_NODE_HOLDS_ARRAY (inputs_node))
    {
      g_autofree char *value = nnb_json_describe_node (inputs_node);
      return nnb_json_fail (error, NNB_FILE_ERROR_INVALID, where, "inputs must be a list of block names, not %s.", value);
    }
  inputs = json_node_get_array (inputs_node);
  /* a cat joins as many tensors as its list names */
  if (node->kind == NNB_NODE_CAT)
    {
      guint length = json_array_get_length (inputs);

      if (length < NNB_NODE_CAT_MIN_INPUTS || length > NNB_NODE_MAX_INPUTS)
        return nnb_json_fail (error, NNB_FILE_ERROR_INVALID, where, "a cat block takes %d to %d inputs, not %u.",
                              NNB_NODE_CAT_MIN_INPUTS, NNB_NODE_MAX_INPUTS, length);
      nnb_model_set_n_inputs (model, index, length, NULL);
      slots = length;
    }
  if ((int) json_array_get_length (inputs) != slots)
    return nnb_json_fail (error, NNB_FILE_ERROR_INVALID, where, "%s %s block takes %d input%s, not %u.",
                          op_article (node->kind), op_names[node->kind], slots, slots == 1 ? "" : "s",
                          json_array_get_length (inputs));
  for (int slot = 0; slot < slots; slot++)
    {
      JsonNode *input = json_array_get_element (inputs, slot);
      const char *from_name;
      int from;

      if (JSON_NODE_HOLDS_NULL (input))
        continue; /* this slot is not wired yet */
      if (!nnb_json_node_is_string (input))
        {
          g_autofree char *value = nnb_json_describe_node (input);
          return nnb_json_fail (error, NNB_FILE_ERROR_INVALID, where,
                                "inputs[%d] must be the name of a block (or null), not %s.", slot, value);
        }
      from_name = json_node_get_string (input);
      from = nnb_model_find_node (model, from_name);
      if (from < 0)
        return nnb_json_fail (error, NNB_FILE_ERROR_INVALID, where, "its input \"%s\" is not a block of this graph.",
                              nnb_json_quoted (from_name));
      if (nnb_model_get_node (model, from)->kind == NNB_NODE_OUTPUT)
        return nnb_json_fail (error, NNB_FILE_ERROR_INVALID, where,
                              "its input \"%s\" is the output block, which ends the model.", nnb_json_quoted (from_name));
      /* the only other refusal: a wire that closes a loop */
      if (!nnb_model_connect (model, from, index, slot, NULL))
        return nnb_json_fail (error, NNB_FILE_ERROR_INVALID, where,
                              "taking its input from \"%s\" makes a loop; data must flow from the input to the output "
                              "without coming back.",
                              nnb_json_quoted (from_name));
    }
  return TRUE;
}

static gboolean
parse_graph (NnbProject *project, JsonObject *graph, ModelShape shape, GError **error)
{
  static const char *const fields[] = { "nodes", NULL };
  JsonArray *nodes;
  guint n;

  if (!nnb_json_check_fields (graph, "model.graph", fields, error))
    return FALSE;
  nodes = nnb_json_require_array (graph, "model.graph", "nodes", error);
  if (nodes == NULL)
    return FALSE;
  n = json_array_get_length (nodes);
  if (n > MAX_NODES)
    return nnb_json_fail (error, NNB_FILE_ERROR_INVALID, "model.graph", "a graph holds at most %d blocks, not %u.", MAX_NODES, n);
  for (guint i = 0; i < n; i++)
    if (!add_node (project, json_array_get_element (nodes, i), i, shape, error))
      return FALSE;
  for (guint i = 0; i < n; i++)
    if (!wire_node (project->model, json_array_get_object_element (nodes, i), i, error))
      return FALSE;
  return TRUE;
}

/* The graph a Sequential or a bare module implies: x → each module → out. */
static void
add_implied_chain (NnbProject *project, ModelShape shape)
{
  NnbModel *model = project->model;
  NnbBlockPosition unknown = { NAN, NAN };
  int previous = nnb_model_add_node (model, NNB_NODE_INPUT, "x", NULL, NULL);
  int out;

  g_array_append_val (project->positions, unknown);
  for (guint i = 0; i < model->modules->len; i++)
    {
      const char *module = model->module_names->pdata[i];
      g_autofree char *name = NULL;
      int node;

      if (shape == MODEL_BARE)
        name = g_ascii_strdown (nnb_module_kind_to_string (((NnbModule *) model->modules->pdata[i])->kind), -1);
      else
        name = g_strdup (module);
      node = nnb_model_add_node (model, NNB_NODE_CALL, name, module, NULL);
      nnb_model_connect (model, previous, node, 0, NULL);
      g_array_append_val (project->positions, unknown);
      previous = node;
    }
  out = nnb_model_add_node (model, NNB_NODE_OUTPUT, "out", NULL, NULL);
  nnb_model_connect (model, previous, out, 0, NULL);
  g_array_append_val (project->positions, unknown);
}

/* model.modules of a Sequential or a subclass. */
static gboolean
parse_modules (NnbProject *project, JsonObject *object, ModelShape shape, GError **error)
{
  static const char *const extra[] = { "name", NULL };
  NnbModel *model = project->model;
  JsonArray *modules = nnb_json_require_array (object, "model", "modules", error);

  if (modules == NULL)
    return FALSE;
  if (json_array_get_length (modules) > MAX_MODULES)
    return nnb_json_fail (error, NNB_FILE_ERROR_INVALID, "model", "a model holds at most %d modules, not %u.",
                          MAX_MODULES, json_array_get_length (modules));
  for (guint i = 0; i < json_array_get_length (modules); i++)
    {
      g_autofree char *where = g_strdup_printf ("model.modules[%u]", i);
      g_autofree char *index = g_strdup_printf ("%u", i);
      JsonObject *entry = nnb_json_require_object (json_array_get_element (modules, i), where, error);
      const char *name = NULL;
      g_autoptr (NnbModule) module = NULL;
      g_autoptr (GError) taken = NULL;

      if (entry == NULL || !nnb_json_read_string (entry, where, "name", shape == MODEL_SUBCLASS, &name, error))
        return FALSE;
      if (name == NULL)
        name = index; /* nn.Sequential's own names */
      if (!name_fits (name, where, error))
        return FALSE;
      g_free (where);
      where = g_strdup_printf ("model.modules[%u] (%s)", i, name);
      if (shape == MODEL_SUBCLASS && !nnb_is_python_identifier (name))
        return nnb_json_fail (error, NNB_FILE_ERROR_INVALID, where,
                              "\"%s\" cannot be a module name: use a Python identifier such as fc1 or head "
                              "(letters, digits and _, not starting with a digit).",
                              nnb_json_quoted (name));
      if (shape == MODEL_SUBCLASS && !nnb_module_attribute_check (name, &taken))
        return nnb_json_fail (error, NNB_FILE_ERROR_INVALID, where, "%s", taken->message);
      if (shape == MODEL_SEQUENTIAL && strspn (name, "0123456789") != strlen (name))
        return nnb_json_fail (error, NNB_FILE_ERROR_INVALID, where,
                              "a Sequential names its modules by position (0, 1, 2…), not \"%s\".", nnb_json_quoted (name));
      for (guint k = 0; k < model->module_names->len; k++)
        if (strcmp (model->module_names->pdata[k], name) == 0)
          return nnb_json_fail (error, NNB_FILE_ERROR_INVALID, where,
                                "the name \"%s\" is already used by model.modules[%u]; every module needs its own name.",
                                name, k);
      module = parse_module_fields (entry, where, "type", extra, 0, error);
      if (module == NULL)
        return FALSE;
      if (!nnb_model_register_module (model, name, module, error))
        return FALSE;
    }
  return TRUE;
}

/* Sequential's contract (nnb-model.h): its graph is the chain through its
 * modules in order. A complete graph that branches belongs to a subclass. */
static gboolean
check_sequential_graph (NnbModel *model, GError **error)
{
  if (!nnb_model_validate (model, NULL) || nnb_model_is_chain (model))
    return TRUE;
  return nnb_json_fail (error, NNB_FILE_ERROR_INVALID, "model.graph",
                        "a Sequential runs its modules one after another, in order, but this graph does not; "
                        "give the model a class name of its own (such as \"Net\") to wire it freely.");
}

/* A bare module is the whole model (model = nn.Linear(1, 1)) and its forward
 * is the one call: the export is that module, so a graph that calls it
 * twice would train lin(lin(x)) while PyTorch runs lin(x). */
static gboolean
check_bare_graph (NnbModel *model, GError **error)
{
  if (!nnb_model_validate (model, NULL) || nnb_model_is_chain (model))
    return TRUE;
  return nnb_json_fail (error, NNB_FILE_ERROR_INVALID, "model.graph",
                        "a single %s runs once, on the input, but this graph calls it otherwise; to call it twice or wire "
                        "it freely, make the model a subclass of nn.Module: a class name of its own (such as \"Net\") "
                        "with the %s in modules.",
                        model->class_name, model->class_name);
}

gboolean
nnb_project_read_model (NnbProject *project, JsonNode *node, GError **error)
{
  static const char *const subclass_fields[] = { "class", "modules", "graph", NULL };
  static const char *const bare_extra[] = { "graph", NULL };
  JsonObject *object = nnb_json_require_object (node, "model", error);
  const char *class_name;
  NnbModuleKind kind;
  ModelShape shape;
  JsonNode *graph;

  if (object == NULL || !nnb_json_read_string (object, "model", "class", TRUE, &class_name, error) ||
      !name_fits (class_name, "model.class", error))
    return FALSE;
  if (strcmp (class_name, "Sequential") == 0)
    shape = MODEL_SEQUENTIAL;
  else if (nnb_module_kind_from_string (class_name, &kind))
    shape = MODEL_BARE;
  else if (nnb_is_python_identifier (class_name))
    shape = MODEL_SUBCLASS;
  else
    return nnb_json_fail (error, NNB_FILE_ERROR_INVALID, "model",
                          "class must be a Python class name such as MLP or SineNet, not \"%s\".", nnb_json_quoted (class_name));

  g_clear_pointer (&project->model, nnb_model_unref);
  project->model = nnb_model_new (class_name);
  if (shape == MODEL_BARE)
    {
      g_autoptr (NnbModule) module = parse_module_fields (object, "model", "class", bare_extra, 0, error);
      /* registered under the empty name: its parameters are "weight" and
       * "bias", as a bare nn.Linear's state_dict names them */
      if (module == NULL || !nnb_model_register_module (project->model, "", module, error))
        return FALSE;
    }
  else if (!nnb_json_check_fields (object, "model", subclass_fields, error) ||
           !parse_modules (project, object, shape, error))
    return FALSE;

  graph = nnb_json_member (object, "graph");
  if (graph == NULL && shape == MODEL_SUBCLASS)
    return nnb_json_fail (error, NNB_FILE_ERROR_INVALID, "model",
                          "graph is missing: a subclass of nn.Module needs its forward, written as a graph "
                          "(only a Sequential or a single module may leave it out).");
  if (graph == NULL)
    {
      add_implied_chain (project, shape);
      return TRUE;
    }
  object = nnb_json_require_object (graph, "model.graph", error);
  if (object == NULL || !parse_graph (project, object, shape, error))
    return FALSE;
  if (shape == MODEL_BARE)
    return check_bare_graph (project->model, error);
  return shape != MODEL_SEQUENTIAL || check_sequential_graph (project->model, error);
}
