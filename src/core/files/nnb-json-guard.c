/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-json-guard.c — one pass over a JSON text that respects strings and
 * escapes, for what json-glib cannot be trusted with (nnb-json-guard.h). */

#include "nnb-json-guard.h"

#include <string.h>
#include "nnb-error.h"

typedef struct
{
  gboolean object;
  GHashTable *keys; /* names seen in this object (members check only) */
  const char *key;  /* the member being read, owned by keys */
  guint index;      /* the element being read, in an array */
  gboolean expect_key;
} Frame;

typedef struct
{
  const char *text;
  gsize length;
  gboolean members;
  Frame stack[NNB_JSON_MAX_DEPTH];
  int depth;
} Guard;

/* 1-based line and column (in characters) of a byte offset */
static void
position (const char *text, gsize offset, int *line, int *column)
{
  *line = 1;
  *column = 1;
  for (gsize i = 0; i < offset; i++)
    {
      if (text[i] == '\n')
        {
          (*line)++;
          *column = 1;
        }
      else if (((guchar) text[i] & 0xc0) != 0x80)
        (*column)++;
    }
}

/* "model.modules[2]": where the value being read sits, from the first
 * `levels` containers */
static char *
place (const Guard *g, int levels)
{
  GString *out = g_string_new (NULL);

  for (int d = 0; d < levels; d++)
    {
      const Frame *f = &g->stack[d];
      if (!f->object)
        g_string_append_printf (out, "[%u]", f->index);
      else if (f->key != NULL)
        g_string_append_printf (out, "%s%s", out->len ? "." : "", f->key);
    }
  return g_string_free (out, FALSE);
}

/* The end of the string that opens at text[start] (the closing quote, or
 * the end of the text) */
static gsize
string_end (const char *text, gsize length, gsize start)
{
  gsize i = start + 1;

  while (i < length && text[i] != '"')
    i += text[i] == '\\' ? 2 : 1;
  return MIN (i, length);
}

static guint
hex4 (const char *p)
{
  guint value = 0;

  for (int k = 0; k < 4; k++)
    value = value * 16 + (guint) g_ascii_xdigit_value (p[k]);
  return value;
}

/* A member name as the parser sees it: escapes decoded, so "l\u0072" and
 * "lr" are the same name. The text is valid JSON here. */
static char *
decode_string (const char *p, gsize n)
{
  GString *out = g_string_sized_new (n);

  for (gsize i = 0; i < n; i++)
    {
      if (p[i] != '\\' || i + 1 >= n)
        {
          g_string_append_c (out, p[i]);
          continue;
        }
      switch (p[++i])
        {
        case 'b': g_string_append_c (out, '\b'); break;
        case 'f': g_string_append_c (out, '\f'); break;
        case 'n': g_string_append_c (out, '\n'); break;
        case 'r': g_string_append_c (out, '\r'); break;
        case 't': g_string_append_c (out, '\t'); break;
        case 'u':
          if (i + 4 < n)
            {
              gunichar c = hex4 (p + i + 1);
              i += 4;
              if (c >= 0xd800 && c < 0xdc00 && i + 6 < n && p[i + 1] == '\\' && p[i + 2] == 'u')
                {
                  gunichar low = hex4 (p + i + 3);
                  if (low >= 0xdc00 && low < 0xe000)
                    {
                      c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
                      i += 6;
                    }
                }
              g_string_append_unichar (out, c);
            }
          break;
        default: g_string_append_c (out, p[i]); break;
        }
    }
  return g_string_free (out, FALSE);
}

/* Whether digits (no sign, no fraction, no exponent) exceed the signed
 * 64-bit range: 9223372036854775807, or …808 after a minus sign. */
static gboolean
integer_overflows (const char *digits, gsize n, gboolean negative)
{
  static const char max[] = "9223372036854775807";
  int order;

  while (n > 1 && digits[0] == '0')
    digits++, n--;
  if (n != sizeof max - 1)
    return n > sizeof max - 1;
  order = memcmp (digits, max, n);
  if (order == 0 && negative)
    return FALSE;
  return order > 0 && !(negative && memcmp (digits, "9223372036854775808", n) == 0);
}

static gboolean
check_number (Guard *g, gsize start, gsize *end, GError **error)
{
  const char *t = g->text;
  gsize i = start, digits;
  gboolean negative = t[i] == '-', whole = TRUE;

  if (negative)
    i++;
  digits = i;
  while (i < g->length && g_ascii_isdigit (t[i]))
    i++;
  while (i < g->length && (g_ascii_isdigit (t[i]) || strchr (".eE+-", t[i]) != NULL))
    {
      whole = FALSE;
      i++;
    }
  *end = i;
  if (whole && integer_overflows (t + digits, i - digits, negative))
    {
      g_autofree char *where = place (g, g->depth);
      int line, column;
      position (t, start, &line, &column);
      g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_INVALID,
                   "%s%s%.*s (line %d, column %d) is too large for a whole number: NN Blocks reads "
                   "whole numbers from -9223372036854775808 to 9223372036854775807.",
                   where, where[0] ? ": " : "The number ", (int) MIN (i - start, 60), t + start,
                   line, column);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_key (Guard *g, gsize start, gsize end, GError **error)
{
  Frame *f = &g->stack[g->depth - 1];
  char *key = decode_string (g->text + start + 1, end - start - 1);

  f->expect_key = FALSE;
  if (g_hash_table_contains (f->keys, key))
    {
      g_autofree char *where = place (g, g->depth - 1);
      int line, column;
      position (g->text, start, &line, &column);
      g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_INVALID,
                   "%s%s\"%s\" is given twice in the same object (the second time at line %d, column %d); "
                   "only one value can count, so remove the other.",
                   where, where[0] ? ": " : "The field ", key, line, column);
      g_free (key);
      return FALSE;
    }
  g_hash_table_add (f->keys, key);
  f->key = key;
  return TRUE;
}

/* JSON's escapes only: json-glib's scanner also takes C's (an octal \333
 * becomes the byte 0xdb, which is not UTF-8, so the project would save a
 * file it cannot read again), and a \u surrogate must come in a pair. */
static gboolean
check_escapes (Guard *g, gsize start, gsize end, GError **error)
{
  const char *t = g->text;

  for (gsize i = start + 1; i < end; i++)
    {
      const char *problem = NULL;
      guint code;

      if (t[i] != '\\')
        continue;
      if (i + 1 >= end)
        problem = "a \\ at the end of a string";
      else if (strchr ("\"\\/bfnrt", t[i + 1]) != NULL && t[i + 1] != '\0')
        {
          i++;
          continue;
        }
      else if (t[i + 1] != 'u')
        problem = "an escape JSON does not know (write \\\\ for a backslash)";
      else if (i + 5 >= end || !g_ascii_isxdigit (t[i + 2]) || !g_ascii_isxdigit (t[i + 3]) || !g_ascii_isxdigit (t[i + 4]) || !g_ascii_isxdigit (t[i + 5]))
        problem = "a \\u without four hexadecimal digits";
      else if ((code = hex4 (t + i + 2)) >= 0xdc00 && code < 0xe000)
        problem = "the second half of a \\u surrogate pair without its first";
      else if (code >= 0xd800 && code < 0xdc00 && !(i + 11 < end && t[i + 6] == '\\' && t[i + 7] == 'u' && g_ascii_isxdigit (t[i + 8]) && g_ascii_isxdigit (t[i + 9]) && g_ascii_isxdigit (t[i + 10]) && g_ascii_isxdigit (t[i + 11]) && hex4 (t + i + 8) >= 0xdc00 && hex4 (t + i + 8) < 0xe000))
        problem = "the first half of a \\u surrogate pair without its second";
      else
        {
          i += code >= 0xd800 && code < 0xdc00 ? 11 : 5;
          continue;
        }
      {
        int line, column;
        position (t, i, &line, &column);
        g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_PARSE,
                     "This is not a valid project file: at line %d, column %d a string has %s.", line, column, problem);
        return FALSE;
      }
    }
  return TRUE;
}

static gboolean
scan (Guard *g, const char *what, GError **error)
{
  const char *t = g->text;

  for (gsize i = 0; i < g->length; i++)
    {
      Frame *top = g->depth > 0 ? &g->stack[g->depth - 1] : NULL;
      switch (t[i])
        {
        case '"':
          {
            gsize end = string_end (t, g->length, i);
            if (g->members && !check_escapes (g, i, end, error))
              return FALSE;
            if (g->members && top != NULL && top->object && top->expect_key && !check_key (g, i, end, error))
              return FALSE;
            i = end;
            break;
          }
        case '{':
        case '[':
          if (g->depth == NNB_JSON_MAX_DEPTH)
            {
              int line, column;
              position (t, i, &line, &column);
              g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_PARSE,
                           "This %s is nested too deeply: at line %d, column %d a '%c' opens level %d, and NN Blocks "
                           "reads at most %d levels of {…} and […] (a real one needs fewer than 10).",
                           what, line, column, t[i], NNB_JSON_MAX_DEPTH + 1, NNB_JSON_MAX_DEPTH);
              return FALSE;
            }
          g->stack[g->depth] = (Frame){ .object = t[i] == '{', .expect_key = t[i] == '{' };
          if (g->members && t[i] == '{')
            g->stack[g->depth].keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
          g->depth++;
          break;
        case '}':
        case ']':
          if (top != NULL)
            {
              g_clear_pointer (&top->keys, g_hash_table_unref);
              g->depth--;
            }
          break;
        case ',':
          if (top != NULL)
            {
              top->expect_key = top->object;
              top->index++;
            }
          break;
        default:
          if (g->members && (t[i] == '-' || g_ascii_isdigit (t[i])))
            {
              gsize end;
              if (!check_number (g, i, &end, error))
                return FALSE;
              i = end - 1;
            }
          break;
        }
    }
  return TRUE;
}

static gboolean
run (const char *text, gsize length, gboolean members, const char *what, GError **error)
{
  Guard *g = g_new0 (Guard, 1);
  gboolean ok;

  g->text = text;
  g->length = length;
  g->members = members;
  ok = scan (g, what, error);
  for (int d = 0; d < g->depth; d++)
    g_clear_pointer (&g->stack[d].keys, g_hash_table_unref);
  g_free (g);
  return ok;
}

gboolean
nnb_json_check_nesting (const char *text, gsize length, const char *what, GError **error)
{
  g_return_val_if_fail (text != NULL || length == 0, FALSE);
  return run (text, length, FALSE, what, error);
}

gboolean
nnb_json_check_members (const char *text, gsize length, GError **error)
{
  g_return_val_if_fail (text != NULL || length == 0, FALSE);
  return run (text, length, TRUE, "JSON text", error);
}
