/* nnb-project.c — reading, writing and replaying .nnb projects.
 *
 * The format is documented in docs/file-format.md; this file is its
 * reference implementation. Reading is strict (unknown fields, wrong types
 * and impossible sizes are refused with a sentence naming the place, e.g.
 * "model.modules[2] (fc2): in_features must be a positive whole number, not
 * -3") because most mistakes in a hand-written file are typos, and a typo
 * silently ignored is a lesson that silently goes wrong. The graph may be
 * incomplete, though: the app saves work in progress, and the engine says
 * what is missing when the model runs.
 *
 * Writing is by hand rather than through JsonGenerator, so that the file
 * reads well: one line per module and per block, one line per weight row,
 * and numbers in their shortest exact form (0.01, not 0.01000000000000000021). */
#include "nnb-project.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>
#include "nnb-error.h"
#include "nnb-file-read.h"
#include "nnb-file-write.h"
#include "nnb-json-guard.h"
#include "nnb-module-attributes.h"

/* Limits that keep a hand-written typo (a size of 1e12) from exhausting the
 * machine; far beyond anything a lesson uses. */
#define MAX_FEATURES ((int64_t) 1000000)
#define MAX_POINTS ((int64_t) 10000000)
#define MAX_EPOCHS ((int64_t) NNB_PROJECT_MAX_EPOCHS)
#define MAX_MODULES 1000
#define MAX_NODES 1000
#define MAX_DEPTH 16

/* ---------------------------------------------------------------- life */

NnbProject *
nnb_project_new (void)
{
  NnbProject *project = g_new0 (NnbProject, 1);

  project->model = nnb_model_new ("Model");
  project->positions = g_array_new (FALSE, TRUE, sizeof (NnbBlockPosition));
  project->init_weight = NNB_INIT_DEFAULT;
  project->init_bias = NNB_INIT_DEFAULT;
  nnb_data_spec_init (&project->data, NNB_DATA_LINE);
  nnb_training_options_init (&project->training);
  return project;
}

void
nnb_project_free (NnbProject *project)
{
  if (project == NULL)
    return;
  g_free (project->title);
  g_clear_pointer (&project->model, nnb_model_unref);
  g_clear_pointer (&project->positions, g_array_unref);
  nnb_data_spec_clear (&project->data);
  g_free (project);
}

/* ------------------------------------------------------- error helpers */

/* A user's text as a message quotes it (nnb_quote_short: at most
 * NNB_QUOTE_MAX_CHARS characters, valid UTF-8), for use as a printf
 * argument: a small ring per thread, so one message may quote up to four
 * such pieces. A 1 MB field name must not make a 1 MB message. */
static const char *
quoted (const char *text)
{
  static _Thread_local char ring[4][NNB_QUOTE_MAX_CHARS * 4 + 8];
  static _Thread_local unsigned next;
  g_autofree char *shown = nnb_quote_short (text != NULL ? text : "");
  char *slot = ring[next++ % G_N_ELEMENTS (ring)];

  g_strlcpy (slot, shown, sizeof ring[0]);
  return slot;
}

/* Sets "where: message", or just the message at the top level. */
static gboolean G_GNUC_PRINTF (4, 5)
fail (GError **error, int code, const char *where, const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  if (where != NULL && where[0] != '\0')
    g_set_error (error, NNB_FILE_ERROR, code, "%s: %s", where, message);
  else
    g_set_error_literal (error, NNB_FILE_ERROR, code, message);
  return FALSE;
}

/* "%.Ng" for N significant digits */
static const char *
precision_format (int digits)
{
  static const char *const formats[] = {
    "%.0g", "%.1g", "%.2g", "%.3g", "%.4g", "%.5g", "%.6g", "%.7g", "%.8g", "%.9g",
    "%.10g", "%.11g", "%.12g", "%.13g", "%.14g", "%.15g", "%.16g", "%.17g",
  };
  return formats[CLAMP (digits, 1, 17)];
}

/* %g writes 160 as "1.6e+02" once it needs fewer digits than the number
 * has; a person writes 160. More digits still read back the same value. */
static void
plain_integers (char *buf, gsize size, double value)
{
  const char *e = strstr (buf, "e+");
  int exponent;

  if (e == NULL)
    return;
  exponent = atoi (e + 2);
  if (exponent < 16)
    g_ascii_formatd (buf, size, precision_format (exponent + 1), value);
}

/* The shortest decimal that reads back as the same double. */
static void
format_double (char *buf, gsize size, double value)
{
  if (!isfinite (value))
    {
      g_strlcpy (buf, isnan (value) ? "nan" : value > 0 ? "inf" : "-inf", size);
      return;
    }
  for (int digits = 1; digits <= 17; digits++)
    {
      g_ascii_formatd (buf, size, precision_format (digits), value);
      if (g_ascii_strtod (buf, NULL) == value)
        break;
    }
  plain_integers (buf, size, value);
}

/* The shortest decimal that reads back (through a double, as a JSON reader
 * does) as the same float32. */
static void
format_float (char *buf, gsize size, float value)
{
  /* JSON readers take "-0" for the integer 0: the sign needs a decimal point */
  if (value == 0.0f && signbit (value))
    {
      g_strlcpy (buf, "-0.0", size);
      return;
    }
  for (int digits = 1; digits <= 9; digits++)
    {
      g_ascii_formatd (buf, size, precision_format (digits), value);
      if ((float) g_ascii_strtod (buf, NULL) == value)
        break;
    }
  plain_integers (buf, size, value);
}

/* How a wrong value is quoted back to the student: -3, "abc", true, a list. */
static char *
describe_node (JsonNode *node)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return g_strdup ("null");
  if (JSON_NODE_HOLDS_ARRAY (node))
    return g_strdup ("a list");
  if (JSON_NODE_HOLDS_OBJECT (node))
    return g_strdup ("an object");
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_BOOLEAN:
      return g_strdup (json_node_get_boolean (node) ? "true" : "false");
    case G_TYPE_STRING:
      return g_strdup_printf ("\"%s\"", json_node_get_string (node));
    case G_TYPE_INT64:
      return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
    default:
      format_double (buf, sizeof buf, json_node_get_double (node));
      return g_strdup (buf);
    }
}

static gboolean
node_is_number (JsonNode *node)
{
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  type = json_node_get_value_type (node);
  return type == G_TYPE_INT64 || type == G_TYPE_DOUBLE;
}

static gboolean
node_is_string (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
}

/* "a, b and c" */
static char *
join_words (const char *const *words)
{
  GString *text = g_string_new (NULL);
  guint n = g_strv_length ((char **) words);

  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append (text, i == n - 1 ? " and " : ", ");
      g_string_append (text, words[i]);
    }
  return g_string_free (text, FALSE);
}

/* Refuses fields the format does not define: in a hand-written file they
 * are nearly always typos ("out_feature"). "comment" is welcome anywhere. */
static gboolean
check_fields (JsonObject *object, const char *where, const char *const *allowed, GError **error)
{
  g_autoptr (GList) members = json_object_get_members (object);

  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *key = l->data;
      if (strcmp (key, "comment") == 0 || g_strv_contains (allowed, key))
        continue;
      g_autofree char *known = join_words (allowed);
      return fail (error, NNB_FILE_ERROR_INVALID, where,
                   "unknown field \"%s\"; the fields here are %s.", quoted (key), known);
    }
  return TRUE;
}

static JsonNode *
member (JsonObject *object, const char *key)
{
  return json_object_has_member (object, key) ? json_object_get_member (object, key) : NULL;
}

/* ------------------------------------------------------- value readers */

/* 3 or 3.0, not 2.5 and not "3" */
static gboolean
node_to_whole (JsonNode *node, int64_t *out)
{
  double value;

  if (!node_is_number (node))
    return FALSE;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    {
      *out = json_node_get_int (node);
      return TRUE;
    }
  value = json_node_get_double (node);
  if (value != floor (value) || fabs (value) >= 9.2e18) /* also NaN and infinities */
    return FALSE;
  *out = (int64_t) value;
  return TRUE;
}

/* A whole number in [min, max]; fallback when absent (unless required). */
static gboolean
read_whole (JsonObject *object, const char *where, const char *key, int64_t min, int64_t max,
            gboolean required, int64_t fallback, int64_t *out, GError **error)
{
  JsonNode *node = member (object, key);
  g_autofree char *value = NULL;
  int64_t whole;

  if (node == NULL)
    {
      if (required)
        return fail (error, NNB_FILE_ERROR_INVALID, where, "%s is missing.", key);
      *out = fallback;
      return TRUE;
    }
  value = describe_node (node);
  if (!node_to_whole (node, &whole) || whole < min)
    return fail (error, NNB_FILE_ERROR_INVALID, where, "%s must be %s, not %s.", key,
                 min > 0 ? "a positive whole number" : "a whole number, 0 or more", value);
  if (whole > max)
    return fail (error, NNB_FILE_ERROR_INVALID, where,
                 "%s must be at most %" G_GINT64_FORMAT ", not %s.", key, max, value);
  *out = whole;
  return TRUE;
}

typedef enum
{
  NUMBER_ANY,          /* any finite number */
  NUMBER_NON_NEGATIVE, /* 0 or more */
  NUMBER_POSITIVE,     /* more than 0 */
  NUMBER_UNIT,         /* 0 ≤ x < 1 (Adam's betas) */
} NumberRule;

static gboolean
number_allowed (double v, NumberRule rule)
{
  if (!isfinite (v))
    return FALSE;
  switch (rule)
    {
    case NUMBER_NON_NEGATIVE: return v >= 0.0;
    case NUMBER_POSITIVE: return v > 0.0;
    case NUMBER_UNIT: return v >= 0.0 && v < 1.0;
    case NUMBER_ANY:
    default:
      return TRUE;
    }
}

static const char *
number_rule_words (NumberRule rule)
{
  switch (rule)
    {
    case NUMBER_NON_NEGATIVE: return "a number, 0 or more";
    case NUMBER_POSITIVE: return "a number more than 0";
    case NUMBER_UNIT: return "a number from 0 up to (not including) 1";
    case NUMBER_ANY:
    default:
      return "a number";
    }
}

static gboolean
check_number (JsonNode *node, const char *where, const char *what, NumberRule rule, double *out, GError **error)
{
  if (!node_is_number (node) || !number_allowed (json_node_get_double (node), rule))
    {
      g_autofree char *value = describe_node (node);
      return fail (error, NNB_FILE_ERROR_INVALID, where, "%s must be %s, not %s.", what, number_rule_words (rule), value);
    }
  *out = json_node_get_double (node);
  return TRUE;
}

/* An optional number; *out keeps its value when the field is absent. */
static gboolean
read_number (JsonObject *object, const char *where, const char *key, NumberRule rule, double *out, GError **error)
{
  JsonNode *node = member (object, key);

  if (node == NULL)
    return TRUE;
  if (!check_number (node, where, key, rule, out, error))
    return FALSE;
  /* the engine computes in float32, as PyTorch's tensors do: 1e308 would
   * become infinity there and train to "y = infx + inf" */
  if (isinf ((float) *out))
    {
      g_autofree char *value = describe_node (node);
      return fail (error, NNB_FILE_ERROR_INVALID, where,
                   "%s is too large for a float32: %s is more than about 3.4e38 in size.", key, value);
    }
  return TRUE;
}

static gboolean
read_bool (JsonObject *object, const char *where, const char *key, gboolean *out, GError **error)
{
  JsonNode *node = member (object, key);

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    {
      g_autofree char *value = describe_node (node);
      return fail (error, NNB_FILE_ERROR_INVALID, where, "%s must be true or false, not %s.", key, value);
    }
  *out = json_node_get_boolean (node);
  return TRUE;
}

/* A string member; *out stays NULL when absent and not required. */
static gboolean
read_string (JsonObject *object, const char *where, const char *key, gboolean required,
             const char **out, GError **error)
{
  JsonNode *node = member (object, key);

  *out = NULL;
  if (node == NULL)
    return required ? fail (error, NNB_FILE_ERROR_INVALID, where, "%s is missing.", key) : TRUE;
  if (!node_is_string (node))
    {
      g_autofree char *value = describe_node (node);
      return fail (error, NNB_FILE_ERROR_INVALID, where, "%s must be text in quotes, not %s.", key, value);
    }
  *out = json_node_get_string (node);
  return TRUE;
}

/* A seed, or null for "do not reseed". */
static gboolean
read_optional_seed (JsonObject *object, const char *where, const char *key,
                    gboolean *has_seed, guint64 *seed, GError **error)
{
  JsonNode *node = member (object, key);
  int64_t value;

  *has_seed = FALSE;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!read_whole (object, where, key, 0, G_MAXINT64, TRUE, 0, &value, error))
    return FALSE;
  *has_seed = TRUE;
  *seed = (guint64) value;
  return TRUE;
}

static JsonObject *
require_object (JsonNode *node, const char *where, GError **error)
{
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_autofree char *value = describe_node (node);
      fail (error, NNB_FILE_ERROR_INVALID, NULL, "%s must be an object ({ … }), not %s.", where, value);
      return NULL;
    }
  return json_node_get_object (node);
}

static JsonArray *
require_array (JsonObject *object, const char *where, const char *key, GError **error)
{
  JsonNode *node = member (object, key);

  if (node == NULL)
    {
      fail (error, NNB_FILE_ERROR_INVALID, where, "%s is missing.", key);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_autofree char *value = describe_node (node);
      fail (error, NNB_FILE_ERROR_INVALID, where, "%s must be a list ([ … ]), not %s.", key, value);
      return NULL;
    }
  return json_node_get_array (node);
}

/* ------------------------------------------------------------- modules */

static const char *const module_types[] = {
  "Linear", "ReLU", "Tanh", "Sigmoid", "LeakyReLU", "GELU", "Identity", "Sequential", NULL
};

static gboolean
parse_module_type (const char *text, const char *where, const char *key, NnbModuleKind *kind, GError **error)
{
  g_autofree char *known = NULL;

  if (nnb_module_kind_from_string (text, kind))
    return TRUE;
  for (guint i = 0; module_types[i]; i++)
    if (g_ascii_strcasecmp (text, module_types[i]) == 0)
      return fail (error, NNB_FILE_ERROR_INVALID, where,
                   "unknown %s \"%s\"; did you mean \"%s\"? (PyTorch's names are case-sensitive)",
                   key, quoted (text), module_types[i]);
  known = join_words (module_types);
  return fail (error, NNB_FILE_ERROR_INVALID, where, "unknown %s \"%s\"; NN Blocks knows %s.", key, quoted (text), known);
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

  if (!read_whole (object, where, "in_features", 1, MAX_FEATURES, TRUE, 0, &in_features, error) ||
      !read_whole (object, where, "out_features", 1, MAX_FEATURES, TRUE, 0, &out_features, error) ||
      !read_bool (object, where, "bias", &bias, error))
    return NULL;
  /* no generator: the recipe (nnb_project_build) or the file's weights
   * give the parameters their values */
  module = nnb_linear_new (in_features, out_features, bias, NULL, &local);
  if (module == NULL)
    fail (error, NNB_FILE_ERROR_INVALID, where, "%s", local->message);
  return module;
}

static NnbModule *
parse_sequential (JsonObject *object, const char *where, int depth, GError **error)
{
  static const char *const child_fields[] = { "name", NULL };
  JsonArray *children = require_array (object, where, "children", error);
  g_autoptr (NnbModule) sequential = NULL;

  if (children == NULL)
    return NULL;
  if (depth >= MAX_DEPTH)
    {
      fail (error, NNB_FILE_ERROR_INVALID, where, "Sequentials are nested more than %d deep.", MAX_DEPTH);
      return NULL;
    }
  if (json_array_get_length (children) > MAX_MODULES)
    {
      fail (error, NNB_FILE_ERROR_INVALID, where, "a Sequential holds at most %d modules, not %u.",
            MAX_MODULES, json_array_get_length (children));
      return NULL;
    }
  sequential = nnb_sequential_new ();
  for (guint i = 0; i < json_array_get_length (children); i++)
    {
      g_autofree char *child_where = g_strdup_printf ("%s.children[%u]", where, i);
      g_autofree char *index = g_strdup_printf ("%u", i);
      JsonObject *child_object = require_object (json_array_get_element (children, i), child_where, error);
      const char *name = NULL;
      g_autoptr (NnbModule) child = NULL;

      if (child_object == NULL || !read_string (child_object, child_where, "name", FALSE, &name, error))
        return NULL;
      /* nn.Sequential names its children 0, 1, 2…; a name, if given, must agree */
      if (name != NULL && strcmp (name, index) != 0)
        {
          fail (error, NNB_FILE_ERROR_INVALID, child_where,
                "a Sequential's children are named by position; this one is \"%s\", not \"%s\".", index, quoted (name));
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
  static const char *const sequential[] = { "children", NULL };
  static const char *const none[] = { NULL };

  switch (kind)
    {
    case NNB_MODULE_LINEAR: return linear;
    case NNB_MODULE_LEAKY_RELU: return leaky;
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

  if (!read_string (object, where, type_key, TRUE, &type, error) ||
      !parse_module_type (type, where, type_key, &kind, error))
    return NULL;
  g_strv_builder_add (builder, type_key);
  g_strv_builder_addv (builder, (const char **) extra_fields);
  g_strv_builder_addv (builder, (const char **) module_fields (kind));
  allowed = g_strv_builder_end (builder);
  if (!check_fields (object, where, (const char *const *) allowed, error))
    return NULL;

  switch (kind)
    {
    case NNB_MODULE_LINEAR:
      return parse_linear (object, where, error);
    case NNB_MODULE_SEQUENTIAL:
      return parse_sequential (object, where, depth, error);
    case NNB_MODULE_LEAKY_RELU:
      {
        double slope = 0.01;
        if (!read_number (object, where, "negative_slope", NUMBER_ANY, &slope, error))
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
};

/* "an add block", "a call block" */
static const char *
op_article (NnbNodeKind kind)
{
  return kind == NNB_NODE_CALL ? "a" : "an";
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
  JsonNode *node = member (object, "pos");
  JsonArray *array;

  pos->x = pos->y = NAN; /* laid out later */
  if (node == NULL)
    return TRUE;
  array = JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
  if (array == NULL || json_array_get_length (array) != 2 ||
      !node_is_number (json_array_get_element (array, 0)) || !node_is_number (json_array_get_element (array, 1)) ||
      !isfinite (json_array_get_double_element (array, 0)) || !isfinite (json_array_get_double_element (array, 1)))
    {
      g_autofree char *value = describe_node (node);
      return fail (error, NNB_FILE_ERROR_INVALID, where, "pos must be a list of two numbers [x, y], not %s.", value);
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
  return fail (error, NNB_FILE_ERROR_INVALID, where, "%s", local->message);
}

/* First pass over the blocks: names, ops, modules and positions. */
static gboolean
add_node (NnbProject *project, JsonNode *json, guint index, ModelShape shape, GError **error)
{
  static const char *const fields[] = { "name", "op", "module", "inputs", "pos", NULL };
  NnbModel *model = project->model;
  g_autofree char *where = node_where (index, NULL);
  JsonObject *object = require_object (json, where, error);
  const char *name, *op, *module = NULL;
  NnbNodeKind kind = NNB_NODE_INPUT;
  NnbBlockPosition pos;
  gboolean known_op = FALSE;
  int existing;

  if (object == NULL || !read_string (object, where, "name", TRUE, &name, error))
    return FALSE;
  if (name[0] == '\0')
    return fail (error, NNB_FILE_ERROR_INVALID, where, "name must not be empty: every block needs a name.");
  if (!name_fits (name, where, error))
    return FALSE;
  g_free (where);
  where = node_where (index, name);
  if (!check_fields (object, where, fields, error) ||
      !read_string (object, where, "op", TRUE, &op, error) ||
      !read_string (object, where, "module", FALSE, &module, error) ||
      !parse_position (object, where, &pos, error))
    return FALSE;
  for (guint k = 0; k < G_N_ELEMENTS (op_names); k++)
    if (strcmp (op, op_names[k]) == 0)
      {
        kind = (NnbNodeKind) k;
        known_op = TRUE;
      }
  if (!known_op)
    return fail (error, NNB_FILE_ERROR_INVALID, where,
                 "unknown op \"%s\"; a block's op is input, call, add or output.", quoted (op));
  existing = nnb_model_find_node (model, name);
  if (existing >= 0)
    return fail (error, NNB_FILE_ERROR_INVALID, where,
                 "the name \"%s\" is already used by model.graph.nodes[%d]; every block needs its own name.",
                 name, existing);
  if (kind != NNB_NODE_CALL && module != NULL)
    return fail (error, NNB_FILE_ERROR_INVALID, where,
                 "only a call block names a module; this one is %s %s block.", op_article (kind), op);
  if (kind == NNB_NODE_CALL)
    {
      /* the module defaults to the block's name (or the bare model's one module) */
      if (module == NULL)
        module = shape == MODEL_BARE ? "" : name;
      if (nnb_model_get_module (model, module) == NULL)
        return fail (error, NNB_FILE_ERROR_INVALID, where,
                     "it calls the module \"%s\", but model.modules has no module of that name.", quoted (module));
    }
  if (nnb_model_add_node (model, kind, name, kind == NNB_NODE_CALL ? module : NULL, error) < 0)
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
  int slots = nnb_model_n_inputs (node->kind);
  JsonNode *inputs_node = member (object, "inputs");
  JsonArray *inputs;

  if (inputs_node == NULL)
    return TRUE; /* unwired: work in progress */
  if (!JSON_NODE_HOLDS_ARRAY (inputs_node))
    {
      g_autofree char *value = describe_node (inputs_node);
      return fail (error, NNB_FILE_ERROR_INVALID, where, "inputs must be a list of block names, not %s.", value);
    }
  inputs = json_node_get_array (inputs_node);
  if ((int) json_array_get_length (inputs) != slots)
    return fail (error, NNB_FILE_ERROR_INVALID, where, "%s %s block takes %d input%s, not %u.",
                 op_article (node->kind), op_names[node->kind], slots, slots == 1 ? "" : "s", json_array_get_length (inputs));
  for (int slot = 0; slot < slots; slot++)
    {
      JsonNode *input = json_array_get_element (inputs, slot);
      const char *from_name;
      int from;

      if (JSON_NODE_HOLDS_NULL (input))
        continue; /* this slot is not wired yet */
      if (!node_is_string (input))
        {
          g_autofree char *value = describe_node (input);
          return fail (error, NNB_FILE_ERROR_INVALID, where,
                       "inputs[%d] must be the name of a block (or null), not %s.", slot, value);
        }
      from_name = json_node_get_string (input);
      from = nnb_model_find_node (model, from_name);
      if (from < 0)
        return fail (error, NNB_FILE_ERROR_INVALID, where, "its input \"%s\" is not a block of this graph.", quoted (from_name));
      if (nnb_model_get_node (model, from)->kind == NNB_NODE_OUTPUT)
        return fail (error, NNB_FILE_ERROR_INVALID, where,
                     "its input \"%s\" is the output block, which ends the model.", quoted (from_name));
      /* the only other refusal: a wire that closes a loop */
      if (!nnb_model_connect (model, from, index, slot, NULL))
        return fail (error, NNB_FILE_ERROR_INVALID, where,
                     "taking its input from \"%s\" makes a loop; data must flow from the input to the output without coming back.",
                     quoted (from_name));
    }
  return TRUE;
}

static gboolean
parse_graph (NnbProject *project, JsonObject *graph, ModelShape shape, GError **error)
{
  static const char *const fields[] = { "nodes", NULL };
  JsonArray *nodes;
  guint n;

  if (!check_fields (graph, "model.graph", fields, error))
    return FALSE;
  nodes = require_array (graph, "model.graph", "nodes", error);
  if (nodes == NULL)
    return FALSE;
  n = json_array_get_length (nodes);
  if (n > MAX_NODES)
    return fail (error, NNB_FILE_ERROR_INVALID, "model.graph", "a graph holds at most %d blocks, not %u.", MAX_NODES, n);
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
  JsonArray *modules = require_array (object, "model", "modules", error);

  if (modules == NULL)
    return FALSE;
  if (json_array_get_length (modules) > MAX_MODULES)
    return fail (error, NNB_FILE_ERROR_INVALID, "model", "a model holds at most %d modules, not %u.",
                 MAX_MODULES, json_array_get_length (modules));
  for (guint i = 0; i < json_array_get_length (modules); i++)
    {
      g_autofree char *where = g_strdup_printf ("model.modules[%u]", i);
      g_autofree char *index = g_strdup_printf ("%u", i);
      JsonObject *entry = require_object (json_array_get_element (modules, i), where, error);
      const char *name = NULL;
      g_autoptr (NnbModule) module = NULL;
      g_autoptr (GError) taken = NULL;

      if (entry == NULL || !read_string (entry, where, "name", shape == MODEL_SUBCLASS, &name, error))
        return FALSE;
      if (name == NULL)
        name = index; /* nn.Sequential's own names */
      if (!name_fits (name, where, error))
        return FALSE;
      g_free (where);
      where = g_strdup_printf ("model.modules[%u] (%s)", i, name);
      if (shape == MODEL_SUBCLASS && !nnb_is_python_identifier (name))
        return fail (error, NNB_FILE_ERROR_INVALID, where,
                     "\"%s\" cannot be a module name: use a Python identifier such as fc1 or head "
                     "(letters, digits and _, not starting with a digit).", quoted (name));
      if (shape == MODEL_SUBCLASS && !nnb_module_attribute_check (name, &taken))
        return fail (error, NNB_FILE_ERROR_INVALID, where, "%s", taken->message);
      if (shape == MODEL_SEQUENTIAL && strspn (name, "0123456789") != strlen (name))
        return fail (error, NNB_FILE_ERROR_INVALID, where,
                     "a Sequential names its modules by position (0, 1, 2…), not \"%s\".", quoted (name));
      for (guint k = 0; k < model->module_names->len; k++)
        if (strcmp (model->module_names->pdata[k], name) == 0)
          return fail (error, NNB_FILE_ERROR_INVALID, where,
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
  return fail (error, NNB_FILE_ERROR_INVALID, "model.graph",
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
  return fail (error, NNB_FILE_ERROR_INVALID, "model.graph",
               "a single %s runs once, on the input, but this graph calls it otherwise; to call it twice or wire "
               "it freely, make the model a subclass of nn.Module: a class name of its own (such as \"Net\") "
               "with the %s in modules.", model->class_name, model->class_name);
}

static gboolean
parse_model (NnbProject *project, JsonNode *node, GError **error)
{
  static const char *const subclass_fields[] = { "class", "modules", "graph", NULL };
  static const char *const bare_extra[] = { "graph", NULL };
  JsonObject *object = require_object (node, "model", error);
  const char *class_name;
  NnbModuleKind kind;
  ModelShape shape;
  JsonNode *graph;

  if (object == NULL || !read_string (object, "model", "class", TRUE, &class_name, error) ||
      !name_fits (class_name, "model.class", error))
    return FALSE;
  if (strcmp (class_name, "Sequential") == 0)
    shape = MODEL_SEQUENTIAL;
  else if (nnb_module_kind_from_string (class_name, &kind))
    shape = MODEL_BARE;
  else if (nnb_is_python_identifier (class_name))
    shape = MODEL_SUBCLASS;
  else
    return fail (error, NNB_FILE_ERROR_INVALID, "model",
                 "class must be a Python class name such as MLP or SineNet, not \"%s\".", quoted (class_name));

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
  else if (!check_fields (object, "model", subclass_fields, error) ||
           !parse_modules (project, object, shape, error))
    return FALSE;

  graph = member (object, "graph");
  if (graph == NULL && shape == MODEL_SUBCLASS)
    return fail (error, NNB_FILE_ERROR_INVALID, "model",
                 "graph is missing: a subclass of nn.Module needs its forward, written as a graph "
                 "(only a Sequential or a single module may leave it out).");
  if (graph == NULL)
    {
      add_implied_chain (project, shape);
      return TRUE;
    }
  object = require_object (graph, "model.graph", error);
  if (object == NULL || !parse_graph (project, object, shape, error))
    return FALSE;
  if (shape == MODEL_BARE)
    return check_bare_graph (project->model, error);
  return shape != MODEL_SEQUENTIAL || check_sequential_graph (project->model, error);
}

/* ------------------------------------------------------- init and data */

static gboolean
parse_init_method (JsonObject *object, const char *key, NnbInitMethod *out, GError **error)
{
  const char *text = NULL;

  if (!read_string (object, "init", key, FALSE, &text, error))
    return FALSE;
  if (text == NULL)
    return TRUE;
  if (!nnb_init_method_from_string (text, out))
    return fail (error, NNB_FILE_ERROR_INVALID, "init",
                 "unknown %s method \"%s\"; use default, xavier_uniform_, xavier_normal_, kaiming_uniform_, "
                 "kaiming_normal_, zeros_, ones_, constant_, normal_ or uniform_.", key, quoted (text));
  return TRUE;
}

static gboolean
parse_init (NnbProject *project, JsonNode *node, GError **error)
{
  static const char *const fields[] = { "weight", "bias", "seed", NULL };
  JsonObject *object;

  if (node == NULL)
    return TRUE;
  object = require_object (node, "init", error);
  return object != NULL &&
         check_fields (object, "init", fields, error) &&
         parse_init_method (object, "weight", &project->init_weight, error) &&
         parse_init_method (object, "bias", &project->init_bias, error) &&
         read_optional_seed (object, "init", "seed", &project->has_init_seed, &project->init_seed, error);
}

/* The fields each kind of data uses (docs/file-format.md). */
static const char *const *
data_fields (NnbDataKind kind)
{
  static const char *const line[] = { "kind", "n", "a", "b", "noise", "x_max", NULL };
  static const char *const sine[] = { "kind", "n", "noise", "x_max", NULL };
  static const char *const polynomial[] = { "kind", "n", "a", "b", "c", "noise", "x_max", NULL };
  static const char *const step[] = { "kind", "n", "noise", "x_max", NULL };
  static const char *const sine_product[] = { "kind", "n", "noise", NULL };
  static const char *const csv[] = { "kind", "path", NULL };

  switch (kind)
    {
    case NNB_DATA_LINE: return line;
    case NNB_DATA_SINE: return sine;
    case NNB_DATA_POLYNOMIAL: return polynomial;
    case NNB_DATA_STEP: return step;
    case NNB_DATA_SINE_PRODUCT: return sine_product;
    case NNB_DATA_CSV:
    default:
      return csv;
    }
}

static gboolean
parse_data (NnbProject *project, JsonNode *node, const char *base_dir, GError **error)
{
  NnbDataSpec *spec = &project->data;
  const char *kind_text, *path;
  JsonObject *object;
  NnbDataKind kind;

  if (node == NULL)
    return TRUE; /* the page's regression data */
  object = require_object (node, "data", error);
  if (object == NULL || !read_string (object, "data", "kind", TRUE, &kind_text, error))
    return FALSE;
  if (!nnb_data_kind_from_string (kind_text, &kind))
    return fail (error, NNB_FILE_ERROR_INVALID, "data",
                 "unknown kind \"%s\"; NN Blocks generates line, sine, polynomial, step and sine-product data, "
                 "or reads csv.", quoted (kind_text));
  nnb_data_spec_clear (spec);
  nnb_data_spec_init (spec, kind);
  if (!check_fields (object, "data", data_fields (kind), error))
    return FALSE;
  if (kind == NNB_DATA_CSV)
    {
      if (!read_string (object, "data", "path", TRUE, &path, error))
        return FALSE;
      if (path[0] == '\0')
        return fail (error, NNB_FILE_ERROR_INVALID, "data", "path must name a CSV file.");
      /* relative to the project file, so a folder can be moved as a whole */
      if (base_dir != NULL && !g_path_is_absolute (path))
        spec->csv_path = g_build_filename (base_dir, path, NULL);
      else
        spec->csv_path = g_strdup (path);
      return TRUE;
    }
  return read_whole (object, "data", "n", 1, MAX_POINTS, FALSE, spec->n, &spec->n, error) &&
         read_number (object, "data", "a", NUMBER_ANY, &spec->a, error) &&
         read_number (object, "data", "b", NUMBER_ANY, &spec->b, error) &&
         read_number (object, "data", "c", NUMBER_ANY, &spec->c, error) &&
         read_number (object, "data", "noise", NUMBER_NON_NEGATIVE, &spec->noise, error) &&
         read_number (object, "data", "x_max", NUMBER_POSITIVE, &spec->x_max, error);
}

/* ------------------------------------------------------------ training */

static const char *const *
training_fields (NnbOptimizerKind kind)
{
  static const char *const sgd[] = {
    "optimizer", "lr", "momentum", "dampening", "weight_decay", "nesterov",
    "loss", "epochs", "batch_size", "until_loss", "log_every", "device", NULL
  };
  static const char *const adam[] = {
    "optimizer", "lr", "betas", "eps", "weight_decay",
    "loss", "epochs", "batch_size", "until_loss", "log_every", "device", NULL
  };
  return kind == NNB_OPTIMIZER_ADAM ? adam : sgd;
}

static gboolean
parse_betas (JsonObject *object, NnbOptimizerOptions *opt, GError **error)
{
  JsonNode *node = member (object, "betas");
  JsonArray *array;

  if (node == NULL)
    return TRUE;
  array = JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
  if (array == NULL || json_array_get_length (array) != 2)
    {
      g_autofree char *value = describe_node (node);
      return fail (error, NNB_FILE_ERROR_INVALID, "training", "betas must be a list of two numbers, not %s.", value);
    }
  return check_number (json_array_get_element (array, 0), "training", "betas[0]", NUMBER_UNIT, &opt->beta1, error) &&
         check_number (json_array_get_element (array, 1), "training", "betas[1]", NUMBER_UNIT, &opt->beta2, error);
}

static gboolean
parse_training_kinds (JsonObject *object, NnbTrainingOptions *opts, GError **error)
{
  const char *optimizer = NULL, *loss = NULL, *device = NULL;
  NnbOptimizerKind kind = NNB_OPTIMIZER_SGD;

  if (!read_string (object, "training", "optimizer", FALSE, &optimizer, error) ||
      !read_string (object, "training", "loss", FALSE, &loss, error) ||
      !read_string (object, "training", "device", FALSE, &device, error))
    return FALSE;
  if (optimizer != NULL && !nnb_optimizer_kind_from_string (optimizer, &kind))
    return fail (error, NNB_FILE_ERROR_INVALID, "training",
                 "unknown optimizer \"%s\"; NN Blocks has SGD and Adam.", quoted (optimizer));
  nnb_optimizer_options_init (&opts->optimizer, kind);
  if (loss != NULL && !nnb_loss_kind_from_string (loss, &opts->loss))
    return fail (error, NNB_FILE_ERROR_INVALID, "training",
                 "unknown loss \"%s\"; NN Blocks has MSELoss and L1Loss.", quoted (loss));
  if (device != NULL)
    {
      g_autoptr (GError) local = NULL;
      if (!nnb_device_parse (device, &opts->device, &local))
        return fail (error, NNB_FILE_ERROR_INVALID, "training", "device: %s", local->message);
    }
  return TRUE;
}

static gboolean
parse_training (NnbProject *project, JsonNode *node, GError **error)
{
  NnbTrainingOptions *opts = &project->training;
  NnbOptimizerOptions *opt = &opts->optimizer;
  int64_t epochs, log_every;
  JsonObject *object;

  if (node == NULL)
    return TRUE;
  object = require_object (node, "training", error);
  if (object == NULL || !parse_training_kinds (object, opts, error) ||
      !check_fields (object, "training", training_fields (opt->kind), error))
    return FALSE;
  if (!read_number (object, "training", "lr", NUMBER_NON_NEGATIVE, &opt->lr, error) ||
      !read_number (object, "training", "momentum", NUMBER_NON_NEGATIVE, &opt->momentum, error) ||
      !read_number (object, "training", "dampening", NUMBER_ANY, &opt->dampening, error) ||
      !read_number (object, "training", "weight_decay", NUMBER_NON_NEGATIVE, &opt->weight_decay, error) ||
      !read_bool (object, "training", "nesterov", &opt->nesterov, error) ||
      !parse_betas (object, opt, error) ||
      !read_number (object, "training", "eps", NUMBER_NON_NEGATIVE, &opt->eps, error) ||
      !read_whole (object, "training", "epochs", 0, MAX_EPOCHS, FALSE, opts->epochs, &epochs, error) ||
      !read_whole (object, "training", "batch_size", 0, MAX_POINTS, FALSE, opts->batch_size, &opts->batch_size, error) ||
      !read_number (object, "training", "until_loss", NUMBER_NON_NEGATIVE, &opts->until_loss, error) ||
      !read_whole (object, "training", "log_every", 0, MAX_EPOCHS, FALSE, opts->log_every, &log_every, error))
    return FALSE;
  opts->epochs = (int) epochs;
  opts->log_every = (int) log_every;
  return TRUE;
}

/* ------------------------------------------------------------- weights */

static char *
shape_list (int ndim, const int64_t *shape)
{
  GString *text = g_string_new ("[");
  for (int d = 0; d < ndim; d++)
    g_string_append_printf (text, "%s%" G_GINT64_FORMAT, d ? ", " : "", shape[d]);
  g_string_append (text, "]");
  return g_string_free (text, FALSE);
}

/* [16, 3] as written in the file, or how a wrong value reads */
static char *
describe_shape (JsonArray *shape)
{
  GString *text = g_string_new ("[");

  for (guint d = 0; d < json_array_get_length (shape); d++)
    {
      g_autofree char *dim = describe_node (json_array_get_element (shape, d));
      g_string_append_printf (text, "%s%s", d ? ", " : "", dim);
    }
  g_string_append (text, "]");
  return g_string_free (text, FALSE);
}

static gboolean
parse_one_weight (NnbParameter *param, const char *name, JsonNode *node, GError **error)
{
  static const char *const fields[] = { "shape", "data", NULL };
  g_autofree char *where = g_strdup_printf ("weights[\"%s\"]", quoted (name));
  g_autofree char *expected = shape_list (param->value->ndim, param->value->shape);
  g_autofree float *values = NULL;
  JsonObject *object = require_object (node, where, error);
  JsonArray *shape, *data;
  gboolean same_shape;

  if (object == NULL || !check_fields (object, where, fields, error))
    return FALSE;
  shape = require_array (object, where, "shape", error);
  if (shape == NULL)
    return FALSE;
  same_shape = json_array_get_length (shape) == (guint) param->value->ndim;
  for (guint d = 0; same_shape && d < json_array_get_length (shape); d++)
    {
      JsonNode *dim = json_array_get_element (shape, d);
      same_shape = node_is_number (dim) && json_node_get_double (dim) == (double) param->value->shape[d];
    }
  if (!same_shape)
    {
      g_autofree char *given = describe_shape (shape);
      return fail (error, NNB_FILE_ERROR_MISMATCH, where,
                   "shape %s does not match the model's %s, whose shape is %s.", given, name, expected);
    }
  data = require_array (object, where, "data", error);
  if (data == NULL)
    return FALSE;
  if ((int64_t) json_array_get_length (data) != param->value->numel)
    return fail (error, NNB_FILE_ERROR_MISMATCH, where,
                 "shape %s needs %" G_GINT64_FORMAT " numbers, but data has %u.",
                 expected, param->value->numel, json_array_get_length (data));
  values = g_new (float, param->value->numel);
  for (guint i = 0; i < json_array_get_length (data); i++)
    {
      JsonNode *value = json_array_get_element (data, i);
      if (!node_is_number (value) || !isfinite ((float) json_node_get_double (value)))
        {
          g_autofree char *what = g_strdup_printf ("data[%u]", i);
          double dummy;
          return check_number (value, where, what, NUMBER_ANY, &dummy, error) &&
                 fail (error, NNB_FILE_ERROR_INVALID, where, "data[%u] is too large for a float32.", i);
        }
      values[i] = (float) json_node_get_double (value);
    }
  nnb_tensor_write (param->value, values);
  return TRUE;
}

/* The file's weights must name every parameter, and nothing else — like
 * load_state_dict(strict=True). */
static gboolean
parse_weights (NnbProject *project, JsonNode *node, GError **error)
{
  GPtrArray *params = nnb_model_named_parameters (project->model);
  g_autoptr (GList) names = NULL;
  JsonObject *object;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  object = require_object (node, "weights", error);
  if (object == NULL)
    return FALSE;
  names = json_object_get_members (object);
  for (GList *l = names; l != NULL; l = l->next)
    if (nnb_model_get_parameter (project->model, l->data) == NULL)
      return fail (error, NNB_FILE_ERROR_MISMATCH, "weights",
                   "\"%s\" is not a parameter of this model.", quoted ((const char *) l->data));
  for (guint i = 0; i < params->len; i++)
    {
      NnbNamedParameter *named = params->pdata[i];
      if (!json_object_has_member (object, named->name))
        return fail (error, NNB_FILE_ERROR_MISMATCH, "weights",
                     "the model's parameter \"%s\" has no values here; give every parameter, or leave out \"weights\".",
                     named->name);
      if (!parse_one_weight (named->param, named->name, json_object_get_member (object, named->name), error))
        return FALSE;
    }
  project->has_weights = TRUE;
  return TRUE;
}

/* ------------------------------------------------------------- reading */

/* What is still open where the text ends: brackets, a string. */
typedef struct
{
  int depth;
  gboolean in_string;
  char last;
  int last_line; /* of the last character that is not white space */
  int end_line, end_column; /* just after it */
  gboolean closed; /* a '}' or ']', then a new line, ends the text */
} JsonEnd;

static void
json_end (const char *text, gsize length, JsonEnd *end)
{
  int line = 1, column = 1;

  *end = (JsonEnd) { 0 };
  for (gsize i = 0; i < length; i++)
    {
      char c = text[i];
      if (end->in_string)
        {
          if (c == '\\' && i + 1 < length)
            {
              i++;
              column++;
            }
          else if (c == '"')
            end->in_string = FALSE;
        }
      else if (c == '"')
        end->in_string = TRUE;
      else if (c == '{' || c == '[')
        end->depth++;
      else if (c == '}' || c == ']')
        end->depth--;
      if (c == '\n')
        {
          end->closed = end->closed || end->last == '}' || end->last == ']';
          line++;
          column = 1;
          continue;
        }
      if (((guchar) c & 0xc0) != 0x80)
        column++;
      if (!g_ascii_isspace (c))
        {
          end->last = c;
          end->closed = FALSE;
          end->last_line = line;
          end->end_line = line;
          end->end_column = column;
        }
    }
}

/* json-glib's words for the common slips, said for a student; other
 * errors keep json-glib's own detail. */
static char *
json_problem (const GError *parse_error, const char *detail)
{
  if (parse_error->domain == JSON_PARSER_ERROR)
    switch (parse_error->code)
      {
      case JSON_PARSER_ERROR_TRAILING_COMMA:
        return g_strdup ("there is a comma before a closing bracket; remove it");
      case JSON_PARSER_ERROR_MISSING_COMMA:
        return g_strdup ("a comma is missing between two items");
      case JSON_PARSER_ERROR_MISSING_COLON:
        return g_strdup ("a colon is missing after a field name");
      case JSON_PARSER_ERROR_INVALID_BAREWORD:
        return g_strdup ("a word JSON does not know; text needs double quotes, and true, false and null are lowercase");
      case JSON_PARSER_ERROR_EMPTY_MEMBER_NAME:
        return g_strdup ("a field name is empty");
      default:
        break;
      }
  return g_strdup (detail);
}

static gboolean
json_error (const GError *parse_error, const char *text, gsize length, GError **error)
{
  const char *marker = strstr (parse_error->message, ": Parse error: ");
  g_autofree char *problem = NULL;
  int line = 0, column = 0;
  gboolean placed;
  JsonEnd end;

  json_end (text, length, &end);
  /* json-glib says "<data>:LINE:COL: Parse error: what" */
  placed = marker != NULL && sscanf (parse_error->message, "<data>:%d:%d:", &line, &column) == 2;
  /* A file cut short stops in the middle of something; one that ends on a
   * closing bracket and a new line was saved whole, only missing a bracket
   * or a quote, and json-glib's place for the slip says where to look. */
  if ((end.in_string || end.depth > 0) && !end.closed)
    return fail (error, NNB_FILE_ERROR_PARSE, NULL,
                 "The file ends too early: it stops in the middle of the project, "
                 "so it was probably not saved completely.");
  if (end.depth > 0 && !end.in_string && (!placed || line >= end.last_line))
    return fail (error, NNB_FILE_ERROR_PARSE, NULL,
                 "This is not a valid project file: the JSON ends at line %d, column %d with %d bracket%s "
                 "still open; a '}' or ']' is missing.",
                 end.end_line, end.end_column, end.depth, end.depth == 1 ? "" : "s");
  if (placed)
    {
      problem = json_problem (parse_error, marker + strlen (": Parse error: "));
      return fail (error, NNB_FILE_ERROR_PARSE, NULL,
                   "This is not a valid project file: the JSON is broken at line %d, column %d: %s.",
                   line, column, problem);
    }
  problem = json_problem (parse_error, parse_error->message);
  return fail (error, NNB_FILE_ERROR_PARSE, NULL, "This is not a valid project file: %s.", problem);
}

static gboolean
check_format (JsonObject *root, GError **error)
{
  JsonNode *format = member (root, "format");
  int64_t version;

  if (!node_is_string (format) || strcmp (json_node_get_string (format), "nnblocks") != 0)
    {
      g_autofree char *value = describe_node (format);
      if (format == NULL)
        return fail (error, NNB_FILE_ERROR_INVALID, NULL,
                     "This is not an NN Blocks project: it has no \"format\": \"nnblocks\".");
      return fail (error, NNB_FILE_ERROR_INVALID, NULL,
                   "This is not an NN Blocks project: its format is %s, not \"nnblocks\".", value);
    }
  if (!read_whole (root, NULL, "version", 1, G_MAXINT64, TRUE, 0, &version, error))
    return FALSE;
  if (version > NNB_PROJECT_FORMAT_VERSION)
    return fail (error, NNB_FILE_ERROR_VERSION, NULL,
                 "This file was written by a newer NN Blocks (format version %" G_GINT64_FORMAT
                 "); this version reads up to version %d.", version, NNB_PROJECT_FORMAT_VERSION);
  return TRUE;
}

static gboolean
parse_root (NnbProject *project, JsonObject *root, const char *base_dir, GError **error)
{
  static const char *const fields[] = {
    "format", "version", "title", "model", "seed", "model_seed", "init", "data", "training", "weights", NULL
  };
  const char *title = NULL;
  int64_t seed;

  if (!check_format (root, error) || !check_fields (root, NULL, fields, error) ||
      !read_string (root, NULL, "title", FALSE, &title, error) ||
      !read_whole (root, NULL, "seed", 0, G_MAXINT64, FALSE, 0, &seed, error) ||
      !read_optional_seed (root, NULL, "model_seed", &project->has_model_seed, &project->model_seed, error))
    return FALSE;
  project->title = g_strdup (title);
  project->seed = (guint64) seed;
  if (!json_object_has_member (root, "model"))
    return fail (error, NNB_FILE_ERROR_INVALID, NULL, "The project has no model: \"model\" is missing.");
  return parse_model (project, json_object_get_member (root, "model"), error) &&
         parse_init (project, member (root, "init"), error) &&
         parse_data (project, member (root, "data"), base_dir, error) &&
         parse_training (project, member (root, "training"), error) &&
         parse_weights (project, member (root, "weights"), error);
}

static NnbProject *
load_from_data (const char *text, gsize length, const char *base_dir, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) parse_error = NULL;
  g_autoptr (NnbProject) project = NULL;
  JsonNode *root;

  /* before json-glib, whose recursive parser a deeply nested file would
   * crash; after it, what it would silently get wrong */
  if (!nnb_json_check_nesting (text, length, "project file", error))
    return NULL;
  if (!json_parser_load_from_data (parser, text, length, &parse_error))
    {
      json_error (parse_error, text, length, error);
      return NULL;
    }
  if (!nnb_json_check_members (text, length, error))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      fail (error, NNB_FILE_ERROR_PARSE, NULL, "The file is empty.");
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_autofree char *value = describe_node (root);
      fail (error, NNB_FILE_ERROR_INVALID, NULL,
            "This is not an NN Blocks project: a project is a JSON object ({ … }), not %s.", value);
      return NULL;
    }
  project = nnb_project_new ();
  if (!parse_root (project, json_node_get_object (root), base_dir, error))
    return NULL;
  return g_steal_pointer (&project);
}

NnbProject *
nnb_project_load_from_data (const char *json, gsize length, GError **error)
{
  g_return_val_if_fail (json != NULL || length == 0, NULL);
  return load_from_data (json ? json : "", length, NULL, error);
}

NnbProject *
nnb_project_load (const char *path, GError **error)
{
  g_autofree char *text = NULL;
  g_autofree char *base_dir = NULL;
  gsize length = 0;

  g_return_val_if_fail (path != NULL, NULL);

  /* a pipe would hang, a device fill the memory (a lesson's file="…" too) */
  if (!nnb_file_read (path, NNB_FILE_READ_MAX_PROJECT_MB, &text, &length, error))
    return NULL;
  base_dir = g_path_get_dirname (path);
  return load_from_data (text, length, base_dir, error);
}

/* ------------------------------------------------------------- writing */

static void
append_json_string (GString *out, const char *text)
{
  g_string_append_c (out, '"');
  for (const unsigned char *p = (const unsigned char *) text; *p; p++)
    {
      switch (*p)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\t': g_string_append (out, "\\t"); break;
        case '\r': g_string_append (out, "\\r"); break;
        default:
          if (*p < 0x20)
            g_string_append_printf (out, "\\u%04x", *p);
          else
            g_string_append_c (out, *p);
        }
    }
  g_string_append_c (out, '"');
}

static void
append_double (GString *out, double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  format_double (buf, sizeof buf, value);
  g_string_append (out, buf);
}

/* ", "key": */
static void
append_key (GString *out, gboolean *first, const char *key)
{
  if (!*first)
    g_string_append (out, ", ");
  *first = FALSE;
  append_json_string (out, key);
  g_string_append (out, ": ");
}

static void
append_seed (GString *out, gboolean has_seed, guint64 seed)
{
  if (has_seed)
    g_string_append_printf (out, "%" G_GUINT64_FORMAT, seed);
  else
    g_string_append (out, "null");
}

/* The module's fields after its name and type: sizes, slope, children. */
static void
append_module_fields (GString *out, const NnbModule *module, gboolean *first, int indent)
{
  switch (module->kind)
    {
    case NNB_MODULE_LINEAR:
      append_key (out, first, "in_features");
      g_string_append_printf (out, "%" G_GINT64_FORMAT, module->in_features);
      append_key (out, first, "out_features");
      g_string_append_printf (out, "%" G_GINT64_FORMAT, module->out_features);
      append_key (out, first, "bias");
      g_string_append (out, module->has_bias ? "true" : "false");
      break;
    case NNB_MODULE_LEAKY_RELU:
      append_key (out, first, "negative_slope");
      append_double (out, module->negative_slope);
      break;
    case NNB_MODULE_SEQUENTIAL:
      append_key (out, first, "children");
      g_string_append (out, "[");
      for (guint i = 0; i < module->children->len; i++)
        {
          const NnbModule *child = module->children->pdata[i];
          gboolean child_first = TRUE;
          g_string_append_printf (out, "%s\n%*s{", i ? "," : "", indent + 2, "");
          append_key (out, &child_first, "type");
          append_json_string (out, nnb_module_kind_to_string (child->kind));
          append_module_fields (out, child, &child_first, indent + 2);
          g_string_append (out, "}");
        }
      if (module->children->len > 0)
        g_string_append_printf (out, "\n%*s", indent, "");
      g_string_append (out, "]");
      break;
    default:
      break;
    }
}

static gboolean
model_is_bare (const NnbModel *model)
{
  return model->modules->len == 1 && ((const char *) model->module_names->pdata[0])[0] == '\0';
}

static void
append_graph (GString *out, NnbProject *project)
{
  NnbModel *model = project->model;

  g_string_append (out, "    \"graph\": {\n      \"nodes\": [");
  for (guint i = 0; i < model->nodes->len; i++)
    {
      NnbNode *node = model->nodes->pdata[i];
      int slots = nnb_model_n_inputs (node->kind);
      gboolean first = TRUE;

      g_string_append_printf (out, "%s\n        {", i ? "," : "");
      append_key (out, &first, "name");
      append_json_string (out, node->name);
      append_key (out, &first, "op");
      append_json_string (out, op_names[node->kind]);
      /* a bare module's one call needs no module name (it is the empty name) */
      if (node->kind == NNB_NODE_CALL && !model_is_bare (model))
        {
          append_key (out, &first, "module");
          append_json_string (out, node->module);
        }
      if (slots > 0)
        {
          append_key (out, &first, "inputs");
          g_string_append (out, "[");
          for (int s = 0; s < slots; s++)
            {
              if (s > 0)
                g_string_append (out, ", ");
              if (node->inputs[s] >= 0)
                append_json_string (out, nnb_model_get_node (model, node->inputs[s])->name);
              else
                g_string_append (out, "null");
            }
          g_string_append (out, "]");
        }
      if (i < project->positions->len)
        {
          NnbBlockPosition *pos = &g_array_index (project->positions, NnbBlockPosition, i);
          if (isfinite (pos->x) && isfinite (pos->y))
            {
              append_key (out, &first, "pos");
              g_string_append (out, "[");
              append_double (out, pos->x);
              g_string_append (out, ", ");
              append_double (out, pos->y);
              g_string_append (out, "]");
            }
        }
      g_string_append (out, "}");
    }
  g_string_append (out, "\n      ]\n    }\n");
}

static void
append_model (GString *out, NnbProject *project)
{
  NnbModel *model = project->model;
  gboolean sequential = strcmp (model->class_name, "Sequential") == 0;

  g_string_append (out, "  \"model\": {\n");
  if (model_is_bare (model))
    {
      const NnbModule *module = model->modules->pdata[0];
      gboolean first = TRUE;
      g_string_append (out, "    ");
      append_key (out, &first, "class");
      append_json_string (out, nnb_module_kind_to_string (module->kind));
      append_module_fields (out, module, &first, 4);
      g_string_append (out, ",\n");
    }
  else
    {
      g_string_append (out, "    \"class\": ");
      append_json_string (out, model->class_name);
      g_string_append (out, ",\n    \"modules\": [");
      for (guint i = 0; i < model->modules->len; i++)
        {
          const NnbModule *module = model->modules->pdata[i];
          const char *name = model->module_names->pdata[i];
          g_autofree char *index = g_strdup_printf ("%u", i);
          gboolean first = TRUE;

          g_string_append_printf (out, "%s\n      {", i ? "," : "");
          /* a Sequential's names are its positions: written only if not */
          if (!sequential || strcmp (name, index) != 0)
            {
              append_key (out, &first, "name");
              append_json_string (out, name);
            }
          append_key (out, &first, "type");
          append_json_string (out, nnb_module_kind_to_string (module->kind));
          append_module_fields (out, module, &first, 6);
          g_string_append (out, "}");
        }
      g_string_append (out, model->modules->len ? "\n    ],\n" : "],\n");
    }
  append_graph (out, project);
  g_string_append (out, "  },\n");
}

static void
append_data (GString *out, const NnbDataSpec *spec, const char *base_dir)
{
  const char *const *fields = data_fields (spec->kind);
  gboolean first = TRUE;

  g_string_append (out, "  \"data\": {");
  for (guint i = 0; fields[i]; i++)
    {
      const char *key = fields[i];
      append_key (out, &first, key);
      if (strcmp (key, "kind") == 0)
        append_json_string (out, nnb_data_kind_to_string (spec->kind));
      else if (strcmp (key, "n") == 0)
        g_string_append_printf (out, "%" G_GINT64_FORMAT, spec->n);
      else if (strcmp (key, "path") == 0)
        {
          const char *path = spec->csv_path ? spec->csv_path : "";
          g_autofree char *prefix = base_dir ? g_strconcat (base_dir, G_DIR_SEPARATOR_S, NULL) : NULL;
          /* beside the project: written relative, so the folder can move */
          if (prefix != NULL && g_str_has_prefix (path, prefix))
            path += strlen (prefix);
          append_json_string (out, path);
        }
      else
        append_double (out, strcmp (key, "a") == 0 ? spec->a : strcmp (key, "b") == 0 ? spec->b
                            : strcmp (key, "c") == 0 ? spec->c : strcmp (key, "noise") == 0 ? spec->noise
                            : spec->x_max);
    }
  g_string_append (out, "},\n");
}

static void
append_training (GString *out, const NnbTrainingOptions *opts)
{
  const NnbOptimizerOptions *opt = &opts->optimizer;
  char device[32];

  g_string_append (out, "  \"training\": {\n    \"optimizer\": ");
  append_json_string (out, nnb_optimizer_kind_to_string (opt->kind));
  g_string_append (out, ", \"lr\": ");
  append_double (out, opt->lr);
  if (opt->kind == NNB_OPTIMIZER_ADAM)
    {
      g_string_append (out, ", \"betas\": [");
      append_double (out, opt->beta1);
      g_string_append (out, ", ");
      append_double (out, opt->beta2);
      g_string_append (out, "], \"eps\": ");
      append_double (out, opt->eps);
    }
  else
    {
      g_string_append (out, ", \"momentum\": ");
      append_double (out, opt->momentum);
      g_string_append (out, ", \"dampening\": ");
      append_double (out, opt->dampening);
      g_string_append_printf (out, ", \"nesterov\": %s", opt->nesterov ? "true" : "false");
    }
  g_string_append (out, ", \"weight_decay\": ");
  append_double (out, opt->weight_decay);
  g_string_append (out, ",\n    \"loss\": ");
  append_json_string (out, nnb_loss_kind_to_string (opts->loss));
  g_string_append_printf (out, ", \"epochs\": %d, \"batch_size\": %" G_GINT64_FORMAT ", \"until_loss\": ",
                          opts->epochs, opts->batch_size);
  append_double (out, opts->until_loss);
  g_string_append_printf (out, ", \"log_every\": %d, \"device\": ", opts->log_every);
  append_json_string (out, nnb_device_name (opts->device, device, sizeof device));
  g_string_append (out, "\n  }");
}

/* One line per row of a matrix, 16 numbers a line for a vector. */
static gboolean
append_weights (GString *out, NnbModel *model, GError **error)
{
  GPtrArray *params = nnb_model_named_parameters (model);

  g_string_append (out, ",\n  \"weights\": {");
  for (guint i = 0; i < params->len; i++)
    {
      NnbNamedParameter *named = params->pdata[i];
      NnbTensor *value = named->param->value;
      g_autofree float *host = g_new (float, value->numel);
      g_autofree char *shape = shape_list (value->ndim, value->shape);
      int64_t per_line = value->ndim >= 2 ? value->shape[value->ndim - 1] : 16;

      nnb_tensor_read (value, host);
      g_string_append_printf (out, "%s\n    ", i ? "," : "");
      append_json_string (out, named->name);
      g_string_append_printf (out, ": {\"shape\": %s, \"data\": [", shape);
      for (int64_t k = 0; k < value->numel; k++)
        {
          char buf[G_ASCII_DTOSTR_BUF_SIZE];
          if (!isfinite (host[k]))
            return fail (error, NNB_FILE_ERROR_INVALID, NULL,
                         "The parameter %s holds NaN or infinite values (did training diverge?); "
                         "reset the model or save without weights.", named->name);
          if (k > 0)
            g_string_append (out, k % per_line == 0 ? ",\n      " : ", ");
          else if (value->numel > per_line)
            g_string_append (out, "\n      ");
          format_float (buf, sizeof buf, host[k]);
          g_string_append (out, buf);
        }
      g_string_append (out, value->numel > per_line ? "\n    ]}" : "]}");
    }
  g_string_append (out, "\n  }");
  return TRUE;
}

static char *
project_to_text (NnbProject *project, gboolean with_weights, const char *base_dir, gsize *length, GError **error)
{
  g_autoptr (GString) out = g_string_new ("{\n  \"format\": \"nnblocks\",\n");
  gboolean first = TRUE;

  g_return_val_if_fail (project != NULL && project->model != NULL, NULL);

  g_string_append_printf (out, "  \"version\": %d,\n", NNB_PROJECT_FORMAT_VERSION);
  if (project->title != NULL)
    {
      g_string_append (out, "  \"title\": ");
      append_json_string (out, project->title);
      g_string_append (out, ",\n");
    }
  append_model (out, project);
  g_string_append_printf (out, "  \"seed\": %" G_GUINT64_FORMAT ",\n  \"model_seed\": ", project->seed);
  append_seed (out, project->has_model_seed, project->model_seed);
  g_string_append (out, ",\n  \"init\": {");
  append_key (out, &first, "weight");
  append_json_string (out, nnb_init_method_to_string (project->init_weight));
  append_key (out, &first, "bias");
  append_json_string (out, nnb_init_method_to_string (project->init_bias));
  append_key (out, &first, "seed");
  append_seed (out, project->has_init_seed, project->init_seed);
  g_string_append (out, "},\n");
  append_data (out, &project->data, base_dir);
  append_training (out, &project->training);
  if (with_weights && !append_weights (out, project->model, error))
    return NULL;
  g_string_append (out, "\n}\n");
  if (length != NULL)
    *length = out->len;
  return g_string_free (g_steal_pointer (&out), FALSE);
}

char *
nnb_project_to_data (NnbProject *project, gboolean with_weights, gsize *length, GError **error)
{
  return project_to_text (project, with_weights, NULL, length, error);
}

/* a temporary file, synced and renamed over the old one; a device or a
 * pipe written into; a link followed (nnb-file-write.h) */
static gboolean
set_contents (const char *path, const char *data, gsize size, GError **error)
{
  return nnb_file_write (path, data, size, 0666, error);
}

gboolean
nnb_project_save (NnbProject *project, const char *path, gboolean with_weights, GError **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *text = NULL;
  g_autoptr (GError) io_error = NULL;
  gsize length = 0;

  g_return_val_if_fail (path != NULL, FALSE);

  dir = g_path_get_dirname (path);
  text = project_to_text (project, with_weights, dir, &length, error);
  if (text == NULL)
    return FALSE;
  /* written to a temporary file and renamed over the old one */
  if (!set_contents (path, text, length, &io_error))
    {
      g_set_error_literal (error, NNB_FILE_ERROR, NNB_FILE_ERROR_IO, io_error->message);
      return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------ the recipe */

static GPtrArray *
save_parameters (NnbModel *model)
{
  GPtrArray *params = nnb_model_named_parameters (model);
  GPtrArray *saved = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < params->len; i++)
    {
      NnbTensor *value = ((NnbNamedParameter *) params->pdata[i])->param->value;
      float *host = g_new (float, value->numel);
      nnb_tensor_read (value, host);
      g_ptr_array_add (saved, host);
    }
  return saved;
}

static void
restore_parameters (NnbModel *model, GPtrArray *saved)
{
  GPtrArray *params = nnb_model_named_parameters (model);

  for (guint i = 0; i < params->len && i < saved->len; i++)
    nnb_tensor_write (((NnbNamedParameter *) params->pdata[i])->param->value, saved->pdata[i]);
}

/* The page's order, on PyTorch's default generator:
 *   torch.manual_seed(seed); X, y = …
 *   [torch.manual_seed(model_seed)]; model = Model()
 *   [torch.manual_seed(init_seed)]; model.apply(init_weights)
 * Kept weights are put back at the end, after every draw, so the generator
 * is left where the recipe leaves it (the shuffles draw from there on). */
NnbDataset *
nnb_project_build (NnbProject *project, gboolean keep_weights, GError **error)
{
  NnbGenerator *gen = nnb_generator_default ();
  g_autoptr (GPtrArray) kept = NULL;
  g_autoptr (NnbDataset) data = NULL;

  g_return_val_if_fail (project != NULL && project->model != NULL, NULL);

  if (keep_weights && project->has_weights)
    kept = save_parameters (project->model);

  nnb_generator_manual_seed (gen, project->seed);
  data = nnb_dataset_new (&project->data, gen, error);
  if (data == NULL)
    return NULL;
  if (project->has_model_seed)
    nnb_generator_manual_seed (gen, project->model_seed);
  if (!nnb_model_reset_parameters (project->model, gen, error))
    return NULL;
  if (project->init_weight != NNB_INIT_DEFAULT || project->init_bias != NNB_INIT_DEFAULT)
    {
      if (project->has_init_seed)
        nnb_generator_manual_seed (gen, project->init_seed);
      if (!nnb_model_apply_init (project->model, project->init_weight, project->init_bias, gen, error))
        return NULL;
    }
  if (kept != NULL)
    restore_parameters (project->model, kept);
  else
    project->has_weights = FALSE;
  return g_steal_pointer (&data);
}

NnbDataset *
nnb_project_build_for_training (NnbProject *project, gboolean keep_weights, NnbGenerator *shuffle,
                                GError **error)
{
  NnbDataset *data;

  g_return_val_if_fail (shuffle != NULL, NULL);

  data = nnb_project_build (project, keep_weights, error);
  /* a copy: the run's draws must not move the default generator under a
   * later recipe, nor a later recipe move the run's */
  if (data != NULL)
    *shuffle = *nnb_generator_default ();
  return data;
}
