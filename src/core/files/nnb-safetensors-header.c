/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-safetensors-header.c — the safetensors header read by a small strict
 * JSON reader of its own rather than json-glib: json-glib silently wraps
 * integers past 2^63 (an offset of 2^64 + 4 would read as 4), accepts
 * comments and single quotes, and keeps only the last of two members with
 * the same name — all things a reader that must check every offset before
 * use cannot allow. */

#include "nnb-safetensors-private.h"

#include <string.h>
#include "nnb-error.h"
#include "nnb-json-guard.h"

/* Past this depth a header is not a safetensors header; refusing it keeps
 * a hostile file from exhausting the stack (the same limit as every JSON
 * NN Blocks reads, nnb-json-guard.h). */
#define MAX_JSON_DEPTH NNB_JSON_MAX_DEPTH

typedef struct
{
  const char *start;
  const char *p;
  const char *end;
} Scanner;

static gboolean G_GNUC_PRINTF (3, 4)
syntax_error (Scanner *s, GError **error, const char *format, ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_PARSE,
               "The safetensors header is not valid JSON: %s at byte %" G_GSIZE_FORMAT " of the header.",
               what, (gsize) (s->p - s->start));
  return FALSE;
}

/* A byte of the header for a message: the character when it is printable
 * ASCII, its value otherwise (a raw byte would make the message invalid
 * UTF-8, and a NUL would cut it short). */
static char *
describe_byte (char c)
{
  if (g_ascii_isgraph (c))
    return g_strdup_printf ("'%c'", c);
  return g_strdup_printf ("the byte 0x%02x", (guchar) c);
}

static void
skip_ws (Scanner *s)
{
  while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
    s->p++;
}

/* Consumes c after optional white space. */
static gboolean
accept (Scanner *s, char c)
{
  skip_ws (s);
  if (s->p < s->end && *s->p == c)
    {
      s->p++;
      return TRUE;
    }
  return FALSE;
}

static gboolean
expect (Scanner *s, char c, GError **error)
{
  g_autofree char *found = NULL;

  if (accept (s, c))
    return TRUE;
  if (s->p >= s->end)
    return syntax_error (s, error, "the header ends where '%c' was expected", c);
  found = describe_byte (*s->p);
  return syntax_error (s, error, "expected '%c' but found %s", c, found);
}

static int
hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static gboolean
read_hex4 (Scanner *s, gunichar *out, GError **error)
{
  gunichar value = 0;

  if (s->end - s->p < 4)
    return syntax_error (s, error, "the header ends inside a \\u escape");
  for (int i = 0; i < 4; i++)
    {
      int digit = hex_value (s->p[i]);
      if (digit < 0)
        return syntax_error (s, error, "a \\u escape needs four hexadecimal digits");
      value = value * 16 + digit;
    }
  s->p += 4;
  *out = value;
  return TRUE;
}

/* A \uXXXX escape, joining a UTF-16 surrogate pair into one character. */
static gboolean
read_unicode_escape (Scanner *s, GString *out, GError **error)
{
  gunichar c, low;

  if (!read_hex4 (s, &c, error))
    return FALSE;
  if (c >= 0xDC00 && c <= 0xDFFF)
    return syntax_error (s, error, "a \\u escape holds an unpaired surrogate");
  if (c >= 0xD800 && c <= 0xDBFF)
    {
      if (s->end - s->p < 2 || s->p[0] != '\\' || s->p[1] != 'u')
        return syntax_error (s, error, "a \\u escape holds an unpaired surrogate");
      s->p += 2;
      if (!read_hex4 (s, &low, error))
        return FALSE;
      if (low < 0xDC00 || low > 0xDFFF)
        return syntax_error (s, error, "a \\u escape holds an unpaired surrogate");
      c = 0x10000 + ((c - 0xD800) << 10) + (low - 0xDC00);
    }
  if (c == 0)
    return syntax_error (s, error, "a string holds a NUL character");
  g_string_append_unichar (out, c);
  return TRUE;
}

static gboolean
read_string (Scanner *s, char **out, GError **error)
{
  g_autoptr (GString) text = g_string_new (NULL);

  if (!expect (s, '"', error))
    return FALSE;
  while (TRUE)
    {
      const char *run = s->p;
      char c;

      while (s->p < s->end && *s->p != '"' && *s->p != '\\' && (guchar) *s->p >= 0x20)
        s->p++;
      g_string_append_len (text, run, s->p - run);
      if (s->p >= s->end)
        return syntax_error (s, error, "the header ends inside a string");
      c = *s->p++;
      if (c == '"')
        break;
      if (c != '\\')
        {
          s->p--;
          return syntax_error (s, error, "a string holds a control character");
        }
      if (s->p >= s->end)
        return syntax_error (s, error, "the header ends inside a string");
      c = *s->p++;
      switch (c)
        {
        case '"':
        case '\\':
        case '/': g_string_append_c (text, c); break;
        case 'b': g_string_append_c (text, '\b'); break;
        case 'f': g_string_append_c (text, '\f'); break;
        case 'n': g_string_append_c (text, '\n'); break;
        case 'r': g_string_append_c (text, '\r'); break;
        case 't': g_string_append_c (text, '\t'); break;
        case 'u':
          if (!read_unicode_escape (s, text, error))
            return FALSE;
          break;
        default:
          {
            g_autofree char *found = describe_byte (c);
            s->p--;
            return syntax_error (s, error, "a backslash before %s is not a JSON escape", found);
          }
        }
    }
  if (!g_utf8_validate_len (text->str, text->len, NULL))
    return syntax_error (s, error, "a string is not valid UTF-8");
  *out = g_string_free (g_steal_pointer (&text), FALSE);
  return TRUE;
}

/* A JSON number that must be a whole number from 0 to 2^64 − 1. `what`
 * names it in messages ("a size in the shape of \"fc1.weight\""). */
static gboolean
read_size (Scanner *s, const char *what, guint64 *out, GError **error)
{
  const char *begin;
  gboolean negative = FALSE, overflow = FALSE;
  guint64 value = 0;

  skip_ws (s);
  begin = s->p;
  if (s->p < s->end && *s->p == '-')
    {
      negative = TRUE;
      s->p++;
    }
  if (s->p >= s->end || !g_ascii_isdigit (*s->p))
    {
      s->p = begin;
      return syntax_error (s, error, "%s must be a number", what);
    }
  if (*s->p == '0' && s->p + 1 < s->end && g_ascii_isdigit (s->p[1]))
    return syntax_error (s, error, "a number starts with 0");
  while (s->p < s->end && g_ascii_isdigit (*s->p))
    {
      /* checked before use: value * 10 + digit must fit in 64 bits */
      if (!g_uint64_checked_mul (&value, value, 10) ||
          !g_uint64_checked_add (&value, value, (guint64) (*s->p - '0')))
        overflow = TRUE;
      s->p++;
    }
  if (s->p < s->end && (*s->p == '.' || *s->p == 'e' || *s->p == 'E'))
    {
      while (s->p < s->end && (g_ascii_isdigit (*s->p) || strchr (".eE+-", *s->p) != NULL))
        s->p++;
      g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_INVALID,
                   "In the safetensors header, %s is %.*s: it must be a whole number.",
                   what, (int) MIN (s->p - begin, 40), begin);
      return FALSE;
    }
  if (negative)
    {
      g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_INVALID,
                   "In the safetensors header, %s is negative (%.*s); sizes and offsets cannot be negative.",
                   what, (int) (s->p - begin), begin);
      return FALSE;
    }
  if (overflow)
    {
      g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_INVALID,
                   "In the safetensors header, %s (%.*s) is too large for a 64-bit number.",
                   what, (int) MIN (s->p - begin, 40), begin);
      return FALSE;
    }
  *out = value;
  return TRUE;
}

static gboolean
read_literal (Scanner *s, const char *word, GError **error)
{
  gsize len = strlen (word);

  if ((gsize) (s->end - s->p) < len || memcmp (s->p, word, len) != 0)
    {
      g_autofree char *found = describe_byte (*s->p);
      return syntax_error (s, error, "unexpected character %s", found);
    }
  s->p += len;
  return TRUE;
}

static gboolean skip_value (Scanner *s, int depth, GError **error);

/* Walks an object or array whose members this reader does not need, still
 * checking its syntax. */
static gboolean
skip_container (Scanner *s, int depth, GError **error)
{
  char close = *s->p == '{' ? '}' : ']';
  gboolean object = close == '}';

  s->p++;
  if (accept (s, close))
    return TRUE;
  do
    {
      if (object)
        {
          g_autofree char *key = NULL;
          if (!read_string (s, &key, error) || !expect (s, ':', error))
            return FALSE;
        }
      if (!skip_value (s, depth + 1, error))
        return FALSE;
    }
  while (accept (s, ','));
  return expect (s, close, error);
}

static gboolean
skip_number (Scanner *s, GError **error)
{
  const char *digits;

  if (*s->p == '-')
    s->p++;
  digits = s->p;
  while (s->p < s->end && g_ascii_isdigit (*s->p))
    s->p++;
  if (s->p == digits)
    return syntax_error (s, error, "a number has no digits");
  if (s->p < s->end && *s->p == '.')
    {
      digits = ++s->p;
      while (s->p < s->end && g_ascii_isdigit (*s->p))
        s->p++;
      if (s->p == digits)
        return syntax_error (s, error, "a number has no digits after '.'");
    }
  if (s->p < s->end && (*s->p == 'e' || *s->p == 'E'))
    {
      s->p++;
      if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
        s->p++;
      digits = s->p;
      while (s->p < s->end && g_ascii_isdigit (*s->p))
        s->p++;
      if (s->p == digits)
        return syntax_error (s, error, "a number has no exponent digits");
    }
  return TRUE;
}

static gboolean
skip_value (Scanner *s, int depth, GError **error)
{
  g_autofree char *ignored = NULL;

  if (depth > MAX_JSON_DEPTH)
    return syntax_error (s, error, "the values are nested too deeply");
  skip_ws (s);
  if (s->p >= s->end)
    return syntax_error (s, error, "the header ends where a value was expected");
  switch (*s->p)
    {
    case '{':
    case '[':
      return skip_container (s, depth, error);
    case '"':
      return read_string (s, &ignored, error);
    case 't':
      return read_literal (s, "true", error);
    case 'f':
      return read_literal (s, "false", error);
    case 'n':
      return read_literal (s, "null", error);
    default:
      if (*s->p == '-' || g_ascii_isdigit (*s->p))
        return skip_number (s, error);
      {
        g_autofree char *found = describe_byte (*s->p);
        return syntax_error (s, error, "unexpected character %s", found);
      }
    }
}

/* [a, b, …] of sizes */
static gboolean
read_size_array (Scanner *s, const char *what, GArray *out, GError **error)
{
  if (!expect (s, '[', error))
    return FALSE;
  if (accept (s, ']'))
    return TRUE;
  do
    {
      guint64 value;
      if (!read_size (s, what, &value, error))
        return FALSE;
      g_array_append_val (out, value);
    }
  while (accept (s, ','));
  return expect (s, ']', error);
}

static gboolean
duplicate_key_error (const char *key, const char *where, GError **error)
{
  g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_PARSE,
               "The safetensors header names \"%s\" twice%s; every name must be unique.", key, where);
  return FALSE;
}

/* {"dtype": …, "shape": […], "data_offsets": [b, e]}; other members are
 * allowed and ignored, as the reference reader does. */
static gboolean
read_entry (Scanner *s, NnbSafetensorsEntry *info, GError **error)
{
  g_autofree char *in_tensor = g_strdup_printf (" in the entry of \"%s\"", info->name);
  g_autofree char *shape_what = g_strdup_printf ("a size in the shape of \"%s\"", info->name);
  g_autofree char *offset_what = g_strdup_printf ("an offset of \"%s\"", info->name);

  skip_ws (s);
  if (s->p >= s->end || *s->p != '{')
    {
      g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_PARSE,
                   "In the safetensors header, \"%s\" must be an object with dtype, shape and data_offsets.",
                   info->name);
      return FALSE;
    }
  s->p++;
  if (accept (s, '}'))
    return TRUE;
  do
    {
      g_autofree char *key = NULL;
      if (!read_string (s, &key, error) || !expect (s, ':', error))
        return FALSE;
      if (strcmp (key, "dtype") == 0)
        {
          if (info->dtype != NULL)
            return duplicate_key_error (key, in_tensor, error);
          skip_ws (s);
          if (s->p >= s->end || *s->p != '"')
            {
              g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_PARSE,
                           "In the safetensors header, the dtype of \"%s\" must be a string such as \"F32\".", info->name);
              return FALSE;
            }
          if (!read_string (s, &info->dtype, error))
            return FALSE;
        }
      else if (strcmp (key, "shape") == 0)
        {
          if (info->shape != NULL)
            return duplicate_key_error (key, in_tensor, error);
          info->shape = g_array_new (FALSE, FALSE, sizeof (guint64));
          if (!read_size_array (s, shape_what, info->shape, error))
            return FALSE;
        }
      else if (strcmp (key, "data_offsets") == 0)
        {
          g_autoptr (GArray) offsets = g_array_new (FALSE, FALSE, sizeof (guint64));
          if (info->has_offsets)
            return duplicate_key_error (key, in_tensor, error);
          if (!read_size_array (s, offset_what, offsets, error))
            return FALSE;
          if (offsets->len != 2)
            {
              g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_PARSE,
                           "In the safetensors header, the data_offsets of \"%s\" must be two numbers [begin, end], not %u.",
                           info->name, offsets->len);
              return FALSE;
            }
          info->begin = g_array_index (offsets, guint64, 0);
          info->end = g_array_index (offsets, guint64, 1);
          info->has_offsets = TRUE;
        }
      else if (!skip_value (s, 2, error))
        return FALSE;
    }
  while (accept (s, ','));
  return expect (s, '}', error);
}

/* "__metadata__": {"key": "value", …}, strings only (the format says so) */
static gboolean
read_metadata (Scanner *s, GError **error)
{
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  skip_ws (s);
  if (s->p >= s->end || *s->p != '{')
    goto not_strings;
  s->p++;
  if (accept (s, '}'))
    return TRUE;
  do
    {
      g_autofree char *key = NULL;
      g_autofree char *value = NULL;
      if (!read_string (s, &key, error) || !expect (s, ':', error))
        return FALSE;
      if (g_hash_table_contains (seen, key))
        return duplicate_key_error (key, " in __metadata__", error);
      skip_ws (s);
      if (s->p >= s->end || *s->p != '"')
        goto not_strings;
      if (!read_string (s, &value, error))
        return FALSE;
      g_hash_table_add (seen, g_steal_pointer (&key));
    }
  while (accept (s, ','));
  return expect (s, '}', error);

not_strings:
  g_set_error_literal (error, NNB_FILE_ERROR, NNB_FILE_ERROR_PARSE,
                       "In the safetensors header, __metadata__ must map names to strings.");
  return FALSE;
}

void
nnb_safetensors_entry_free (gpointer data)
{
  NnbSafetensorsEntry *info = data;
  g_free (info->name);
  g_free (info->dtype);
  if (info->shape)
    g_array_unref (info->shape);
  g_free (info);
}

/* The whole header: an object of tensor entries (and __metadata__), then
 * nothing but white space (writers pad with spaces). */
GPtrArray *
nnb_safetensors_read_header (const char *text, gsize length, GError **error)
{
  Scanner scanner = { text, text, text + length };
  Scanner *s = &scanner;
  g_autoptr (GPtrArray) infos = g_ptr_array_new_with_free_func (nnb_safetensors_entry_free);
  g_autoptr (GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  gboolean have_metadata = FALSE;

  skip_ws (s);
  if (s->p >= s->end || *s->p != '{')
    {
      g_set_error_literal (error, NNB_FILE_ERROR, NNB_FILE_ERROR_PARSE,
                           "The safetensors header must be a JSON object; this file is not safetensors or is damaged.");
      return NULL;
    }
  s->p++;
  if (!accept (s, '}'))
    {
      do
        {
          g_autofree char *key = NULL;
          if (!read_string (s, &key, error) || !expect (s, ':', error))
            return NULL;
          if (strcmp (key, "__metadata__") == 0)
            {
              if (have_metadata)
                {
                  duplicate_key_error (key, "", error);
                  return NULL;
                }
              have_metadata = TRUE;
              if (!read_metadata (s, error))
                return NULL;
              continue;
            }
          if (g_hash_table_contains (names, key))
            {
              g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_PARSE,
                           "The tensor name \"%s\" appears twice in the safetensors header; every tensor needs its own name.",
                           key);
              return NULL;
            }
          NnbSafetensorsEntry *info = g_new0 (NnbSafetensorsEntry, 1);
          info->name = g_steal_pointer (&key);
          g_ptr_array_add (infos, info);
          g_hash_table_add (names, info->name);
          if (!read_entry (s, info, error))
            return NULL;
        }
      while (accept (s, ','));
      if (!expect (s, '}', error))
        return NULL;
    }
  skip_ws (s);
  if (s->p < s->end)
    {
      syntax_error (s, error, "there is more after the closing '}'");
      return NULL;
    }
  return g_steal_pointer (&infos);
}
