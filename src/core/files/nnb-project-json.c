/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-project-json.c — the small reader a project is read with: typed
 * getters over json-glib that refuse a wrong value with a sentence naming
 * its place, and json-glib's parse errors said for a student. */

#include "nnb-project-private.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "nnb-error.h"
#include "nnb-json-write.h"

/* ------------------------------------------------------- error helpers */

/* A user's text as a message quotes it (nnb_quote_short: at most
 * NNB_QUOTE_MAX_CHARS characters, valid UTF-8), for use as a printf
 * argument: a small ring per thread, so one message may quote up to four
 * such pieces. A 1 MB field name must not make a 1 MB message. */
const char *
nnb_json_quoted (const char *text)
{
  static _Thread_local char ring[4][NNB_QUOTE_MAX_CHARS * 4 + 8];
  static _Thread_local unsigned next;
  g_autofree char *shown = nnb_quote_short (text != NULL ? text : "");
  char *slot = ring[next++ % G_N_ELEMENTS (ring)];

  g_strlcpy (slot, shown, sizeof ring[0]);
  return slot;
}

/* Sets "where: message", or just the message at the top level. */
gboolean
nnb_json_fail (GError **error, int code, const char *where, const char *format, ...)
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

/* How a wrong value is quoted back to the student: -3, "abc", true, a list. */
char *
nnb_json_describe_node (JsonNode *node)
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
      nnb_json_format_double (buf, sizeof buf, json_node_get_double (node));
      return g_strdup (buf);
    }
}

gboolean
nnb_json_node_is_number (JsonNode *node)
{
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  type = json_node_get_value_type (node);
  return type == G_TYPE_INT64 || type == G_TYPE_DOUBLE;
}

gboolean
nnb_json_node_is_string (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
}

/* "a, b and c" */
char *
nnb_json_join_words (const char *const *words)
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
gboolean
nnb_json_check_fields (JsonObject *object, const char *where, const char *const *allowed, GError **error)
{
  g_autoptr (GList) members = json_object_get_members (object);

  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *key = l->data;
      if (strcmp (key, "comment") == 0 || g_strv_contains (allowed, key))
        continue;
      g_autofree char *known = nnb_json_join_words (allowed);
      return nnb_json_fail (error, NNB_FILE_ERROR_INVALID, where,
                            "unknown field \"%s\"; the fields here are %s.", nnb_json_quoted (key), known);
    }
  return TRUE;
}

JsonNode *
nnb_json_member (JsonObject *object, const char *key)
{
  return json_object_has_member (object, key) ? json_object_get_member (object, key) : NULL;
}

/* ------------------------------------------------------- value readers */

/* 3 or 3.0, not 2.5 and not "3" */
gboolean
nnb_json_node_to_whole (JsonNode *node, int64_t *out)
{
  double value;

  if (!nnb_json_node_is_number (node))
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
gboolean
nnb_json_read_whole (JsonObject *object, const char *where, const char *key, int64_t min, int64_t max,
                     gboolean required, int64_t fallback, int64_t *out, GError **error)
{
  JsonNode *node = nnb_json_member (object, key);
  g_autofree char *value = NULL;
  int64_t whole;

  if (node == NULL)
    {
      if (required)
        return nnb_json_fail (error, NNB_FILE_ERROR_INVALID, where, "%s is missing.", key);
      *out = fallback;
      return TRUE;
    }
  value = nnb_json_describe_node (node);
  if (!nnb_json_node_to_whole (node, &whole) || whole < min)
    return nnb_json_fail (error, NNB_FILE_ERROR_INVALID, where, "%s must be %s, not %s.", key,
                          min > 0 ? "a positive whole number" : "a whole number, 0 or more", value);
  if (whole > max)
    return nnb_json_fail (error, NNB_FILE_ERROR_INVALID, where,
                          "%s must be at most %" G_GINT64_FORMAT ", not %s.", key, max, value);
  *out = whole;
  return TRUE;
}

static gboolean
number_allowed (double v, NnbJsonNumberRule rule)
{
  if (!isfinite (v))
    return FALSE;
  switch (rule)
    {
    case NNB_JSON_NUMBER_NON_NEGATIVE: return v >= 0.0;
    case NNB_JSON_NUMBER_POSITIVE: return v > 0.0;
    case NNB_JSON_NUMBER_UNIT: return v >= 0.0 && v < 1.0;
    case NNB_JSON_NUMBER_ANY:
    default:
      return TRUE;
    }
}

static const char *
number_rule_words (NnbJsonNumberRule rule)
{
  switch (rule)
    {
    case NNB_JSON_NUMBER_NON_NEGATIVE: return "a number, 0 or more";
    case NNB_JSON_NUMBER_POSITIVE: return "a number more than 0";
    case NNB_JSON_NUMBER_UNIT: return "a number from 0 up to (not including) 1";
    case NNB_JSON_NUMBER_ANY:
    default:
      return "a number";
    }
}

gboolean
nnb_json_check_number (JsonNode *node, const char *where, const char *what, NnbJsonNumberRule rule,
                       double *out, GError **error)
{
  if (!nnb_json_node_is_number (node) || !number_allowed (json_node_get_double (node), rule))
    {
      g_autofree char *value = nnb_json_describe_node (node);
      return nnb_json_fail (error, NNB_FILE_ERROR_INVALID, where, "%s must be %s, not %s.",
                            what, number_rule_words (rule), value);
    }
  *out = json_node_get_double (node);
  return TRUE;
}

/* An optional number; *out keeps its value when the field is absent. */
gboolean
nnb_json_read_number (JsonObject *object, const char *where, const char *key, NnbJsonNumberRule rule,
                      double *out, GError **error)
{
  JsonNode *node = nnb_json_member (object, key);

  if (node == NULL)
    return TRUE;
  if (!nnb_json_check_number (node, where, key, rule, out, error))
    return FALSE;
  /* the engine computes in float32, as PyTorch's tensors do: 1e308 would
   * become infinity there and train to "y = infx + inf" */
  if (isinf ((float) *out))
    {
      g_autofree char *value = nnb_json_describe_node (node);
      return nnb_json_fail (error, NNB_FILE_ERROR_INVALID, where,
                            "%s is too large for a float32: %s is more than about 3.4e38 in size.", key, value);
    }
  return TRUE;
}

gboolean
nnb_json_read_bool (JsonObject *object, const char *where, const char *key, gboolean *out, GError **error)
{
  JsonNode *node = nnb_json_member (object, key);

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    {
      g_autofree char *value = nnb_json_describe_node (node);
      return nnb_json_fail (error, NNB_FILE_ERROR_INVALID, where, "%s must be true or false, not %s.", key, value);
    }
  *out = json_node_get_boolean (node);
  return TRUE;
}

/* A string member; *out stays NULL when absent and not required. */
gboolean
nnb_json_read_string (JsonObject *object, const char *where, const char *key, gboolean required,
                      const char **out, GError **error)
{
  JsonNode *node = nnb_json_member (object, key);

  *out = NULL;
  if (node == NULL)
    return required ? nnb_json_fail (error, NNB_FILE_ERROR_INVALID, where, "%s is missing.", key) : TRUE;
  if (!nnb_json_node_is_string (node))
    {
      g_autofree char *value = nnb_json_describe_node (node);
      return nnb_json_fail (error, NNB_FILE_ERROR_INVALID, where, "%s must be text in quotes, not %s.", key, value);
    }
  *out = json_node_get_string (node);
  return TRUE;
}

/* A seed, or null for "do not reseed". */
gboolean
nnb_json_read_optional_seed (JsonObject *object, const char *where, const char *key,
                             gboolean *has_seed, guint64 *seed, GError **error)
{
  JsonNode *node = nnb_json_member (object, key);
  int64_t value;

  *has_seed = FALSE;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!nnb_json_read_whole (object, where, key, 0, G_MAXINT64, TRUE, 0, &value, error))
    return FALSE;
  *has_seed = TRUE;
  *seed = (guint64) value;
  return TRUE;
}

JsonObject *
nnb_json_require_object (JsonNode *node, const char *where, GError **error)
{
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_autofree char *value = nnb_json_describe_node (node);
      nnb_json_fail (error, NNB_FILE_ERROR_INVALID, NULL, "%s must be an object ({ … }), not %s.", where, value);
      return NULL;
    }
  return json_node_get_object (node);
}

JsonArray *
nnb_json_require_array (JsonObject *object, const char *where, const char *key, GError **error)
{
  JsonNode *node = nnb_json_member (object, key);

  if (node == NULL)
    {
      nnb_json_fail (error, NNB_FILE_ERROR_INVALID, where, "%s is missing.", key);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_autofree char *value = nnb_json_describe_node (node);
      nnb_json_fail (error, NNB_FILE_ERROR_INVALID, where, "%s must be a list ([ … ]), not %s.", key, value);
      return NULL;
    }
  return json_node_get_array (node);
}

/* ---------------------------------------------------- broken JSON text */

/* What is still open where the text ends: brackets, a string. */
typedef struct
{
  int depth;
  gboolean in_string;
  char last;
  int last_line;            /* of the last character that is not white space */
  int end_line, end_column; /* just after it */
  gboolean closed;          /* a '}' or ']', then a new line, ends the text */
} JsonEnd;

static void
json_end (const char *text, gsize length, JsonEnd *end)
{
  int line = 1, column = 1;

  *end = (JsonEnd){ 0 };
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

gboolean
nnb_json_parse_error (const GError *parse_error, const char *text, gsize length, GError **error)
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
    return nnb_json_fail (error, NNB_FILE_ERROR_PARSE, NULL,
                          "The file ends too early: it stops in the middle of the project, "
                          "so it was probably not saved completely.");
  if (end.depth > 0 && !end.in_string && (!placed || line >= end.last_line))
    return nnb_json_fail (error, NNB_FILE_ERROR_PARSE, NULL,
                          "This is not a valid project file: the JSON ends at line %d, column %d with %d bracket%s "
                          "still open; a '}' or ']' is missing.",
                          end.end_line, end.end_column, end.depth, end.depth == 1 ? "" : "s");
  if (placed)
    {
      problem = json_problem (parse_error, marker + strlen (": Parse error: "));
      return nnb_json_fail (error, NNB_FILE_ERROR_PARSE, NULL,
                            "This is not a valid project file: the JSON is broken at line %d, column %d: %s.",
                            line, column, problem);
    }
  problem = json_problem (parse_error, parse_error->message);
  return nnb_json_fail (error, NNB_FILE_ERROR_PARSE, NULL, "This is not a valid project file: %s.", problem);
}
