/* nnb-safetensors.c — weights in and out of NN Blocks as safetensors, and
 * load_state_dict.
 *
 * Layout (https://github.com/huggingface/safetensors): an unsigned 64-bit
 * little-endian header length N, N bytes of JSON
 *   {"fc1.weight": {"dtype": "F32", "shape": [16, 3], "data_offsets": [0, 192]},
 *    "__metadata__": {"format": "pt"}}
 * and then the data, with offsets counted from the start of the data.
 *
 * The header is read by a small strict JSON reader of its own rather than
 * json-glib: json-glib silently wraps integers past 2^63 (an offset of
 * 2^64 + 4 would read as 4), accepts comments and single quotes, and keeps
 * only the last of two members with the same name — all things a reader
 * that must check every offset before use cannot allow. */
#include "nnb-safetensors.h"

#include "nnb-file-read.h"

#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>
#include "nnb-error.h"
#include "nnb-json-guard.h"
#include "nnb-file-write.h"

/* Past this depth a header is not a safetensors header; refusing it keeps
 * a hostile file from exhausting the stack (the same limit as every JSON
 * NN Blocks reads, nnb-json-guard.h). */
#define MAX_JSON_DEPTH NNB_JSON_MAX_DEPTH

/* ---------------------------------------------------------------------- */
/* Writing                                                                */
/* ---------------------------------------------------------------------- */

static void
append_json_string (GString *out, const char *text)
{
  g_string_append_c (out, '"');
  for (const guchar *p = (const guchar *) text; *p; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_printf (out, "\\%c", *p);
      else if (*p < 0x20)
        g_string_append_printf (out, "\\u%04x", *p);
      else
        g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static void
append_le32 (GByteArray *out, const float *values, int64_t n)
{
  for (int64_t i = 0; i < n; i++)
    {
      guint32 bits;
      memcpy (&bits, &values[i], sizeof bits);
      bits = GUINT32_TO_LE (bits);
      g_byte_array_append (out, (const guint8 *) &bits, sizeof bits);
    }
}

GBytes *
nnb_safetensors_serialize_model (NnbModel *model, GError **error)
{
  GPtrArray *params = nnb_model_named_parameters (model);
  g_autoptr (GString) header = g_string_new ("{");
  g_autoptr (GByteArray) file = g_byte_array_new ();
  guint64 offset = 0, header_len;

  /* state_dict() order; the file does not need it, but a person reading
   * the header sees the model's parameters as print(model) lists them */
  for (guint i = 0; i < params->len; i++)
    {
      NnbNamedParameter *named = params->pdata[i];
      const NnbTensor *value = named->param->value;
      guint64 bytes = (guint64) value->numel * sizeof (float);

      append_json_string (header, named->name);
      g_string_append (header, ":{\"dtype\":\"F32\",\"shape\":[");
      for (int d = 0; d < value->ndim; d++)
        g_string_append_printf (header, "%s%" G_GINT64_FORMAT, d ? "," : "", value->shape[d]);
      g_string_append_printf (header, "],\"data_offsets\":[%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT "]},",
                              offset, offset + bytes);
      offset += bytes;
    }
  /* what safetensors.torch.save_file writes for PyTorch files; transformers
   * looks for it */
  g_string_append (header, "\"__metadata__\":{\"format\":\"pt\"}}");
  /* the data starts 8-byte aligned, so a reader may map it in place */
  while ((8 + header->len) % 8 != 0)
    g_string_append_c (header, ' ');

  header_len = GUINT64_TO_LE ((guint64) header->len);
  g_byte_array_append (file, (const guint8 *) &header_len, sizeof header_len);
  g_byte_array_append (file, (const guint8 *) header->str, header->len);
  for (guint i = 0; i < params->len; i++)
    {
      NnbTensor *value = ((NnbNamedParameter *) params->pdata[i])->param->value;
      g_autofree float *host = g_try_new (float, value->numel);

      if (host == NULL)
        {
          g_set_error (error, NNB_ERROR, NNB_ERROR_OUT_OF_MEMORY,
                       "Not enough memory to copy %s for saving.", ((NnbNamedParameter *) params->pdata[i])->name);
          return NULL;
        }
      /* the parameter may live on a GPU */
      nnb_tensor_read (value, host);
      append_le32 (file, host, value->numel);
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&file));
}

/* a temporary file, synced and renamed over the old one; a device or a
 * pipe written into; a link followed (nnb-file-write.h) */
static gboolean
set_contents (const char *path, const char *data, gsize size, GError **error)
{
  return nnb_file_write (path, data, size, 0666, error);
}

gboolean
nnb_safetensors_save_model (NnbModel *model, const char *path, GError **error)
{
  g_autoptr (GBytes) bytes = nnb_safetensors_serialize_model (model, error);
  g_autoptr (GError) local = NULL;
  gsize size;
  const char *data;

  if (bytes == NULL)
    return FALSE;
  data = g_bytes_get_data (bytes, &size);
  /* written beside and renamed: a crash or a full disk never leaves half
   * a weights file behind */
  if (!set_contents (path, data, size, &local))
    {
      g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_IO,
                   "Cannot save the weights: %s", local->message);
      return FALSE;
    }
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* Reading the JSON header                                                */
/* ---------------------------------------------------------------------- */

typedef struct
{
  const char *start;
  const char *p;
  const char *end;
} Scanner;

typedef struct
{
  char *name;
  char *dtype;
  GArray *shape;           /* guint64 */
  guint64 begin, end;
  gboolean has_offsets;
} TensorInfo;

static void
tensor_info_free (gpointer data)
{
  TensorInfo *info = data;
  g_free (info->name);
  g_free (info->dtype);
  if (info->shape)
    g_array_unref (info->shape);
  g_free (info);
}

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
        case '"': case '\\': case '/': g_string_append_c (text, c); break;
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
read_tensor_info (Scanner *s, TensorInfo *info, GError **error)
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

/* The whole header: an object of tensor entries (and __metadata__), then
 * nothing but white space (writers pad with spaces). */
static GPtrArray *
read_header (const char *text, gsize length, GError **error)
{
  Scanner scanner = { text, text, text + length };
  Scanner *s = &scanner;
  g_autoptr (GPtrArray) infos = g_ptr_array_new_with_free_func (tensor_info_free);
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
          TensorInfo *info = g_new0 (TensorInfo, 1);
          info->name = g_steal_pointer (&key);
          g_ptr_array_add (infos, info);
          g_hash_table_add (names, info->name);
          if (!read_tensor_info (s, info, error))
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

/* ---------------------------------------------------------------------- */
/* Checking the entries against the data                                  */
/* ---------------------------------------------------------------------- */

static char *
shape_text (GArray *shape)
{
  GString *text = g_string_new ("[");
  for (guint i = 0; i < shape->len; i++)
    g_string_append_printf (text, "%s%" G_GUINT64_FORMAT, i ? ", " : "", g_array_index (shape, guint64, i));
  g_string_append_c (text, ']');
  return g_string_free (text, FALSE);
}

/* One entry on its own: fields present, F32, offsets that fit its shape
 * and lie inside the data. */
static gboolean
check_entry (const TensorInfo *info, guint64 data_len, GError **error)
{
  g_autofree char *shape = NULL;
  guint64 bytes = sizeof (float);

  if (info->dtype == NULL || info->shape == NULL || !info->has_offsets)
    {
      g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_PARSE,
                   "In the safetensors header, \"%s\" has no %s; every tensor needs dtype, shape and data_offsets.",
                   info->name, info->dtype == NULL ? "dtype" : info->shape == NULL ? "shape" : "data_offsets");
      return FALSE;
    }
  if (strcmp (info->dtype, "F32") != 0)
    {
      g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_INVALID,
                   "The tensor \"%s\" has dtype %s, but NN Blocks supports only float32 (F32) tensors. "
                   "Convert the weights in PyTorch with {k: v.float() for k, v in state_dict.items()} before saving.",
                   info->name, info->dtype);
      return FALSE;
    }
  shape = shape_text (info->shape);
  for (guint i = 0; i < info->shape->len; i++)
    if (!g_uint64_checked_mul (&bytes, bytes, g_array_index (info->shape, guint64, i)))
      {
        g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_INVALID,
                     "The tensor \"%s\" has shape %s: its size in bytes overflows 64 bits, so the file is damaged.",
                     info->name, shape);
        return FALSE;
      }
  if (info->end < info->begin)
    {
      g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_INVALID,
                   "The data_offsets of \"%s\" end (%" G_GUINT64_FORMAT ") before they begin (%" G_GUINT64_FORMAT ").",
                   info->name, info->end, info->begin);
      return FALSE;
    }
  if (info->end - info->begin != bytes)
    {
      g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_INVALID,
                   "The tensor \"%s\" has shape %s, which is %" G_GUINT64_FORMAT " bytes of float32, "
                   "but its data_offsets [%" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT "] hold %" G_GUINT64_FORMAT " bytes.",
                   info->name, shape, bytes, info->begin, info->end, info->end - info->begin);
      return FALSE;
    }
  if (info->end > data_len)
    {
      g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_PARSE,
                   "The tensor \"%s\" needs bytes %" G_GUINT64_FORMAT " to %" G_GUINT64_FORMAT " of the data, "
                   "but the file holds only %" G_GUINT64_FORMAT " bytes of data: the file is truncated or its offsets are wrong.",
                   info->name, info->begin, info->end, data_len);
      return FALSE;
    }
  return TRUE;
}

static int
compare_by_offset (gconstpointer a, gconstpointer b)
{
  const TensorInfo *x = *(const TensorInfo *const *) a;
  const TensorInfo *y = *(const TensorInfo *const *) b;

  if (x->begin != y->begin)
    return x->begin < y->begin ? -1 : 1;
  if (x->end != y->end)
    return x->end < y->end ? -1 : 1;
  return strcmp (x->name, y->name);
}

/* The tensors must tile the data exactly: no overlap (two names sharing
 * bytes), no gap, nothing after the last one — the format's rule, and what
 * makes a damaged file show up here rather than as wrong weights. */
static gboolean
check_coverage (GPtrArray *infos, guint64 data_len, GError **error)
{
  g_autoptr (GPtrArray) sorted = g_ptr_array_copy (infos, NULL, NULL);
  guint64 covered = 0;
  const TensorInfo *previous = NULL;

  /* the copy borrows the entries (it inherits the free function) */
  g_ptr_array_set_free_func (sorted, NULL);
  g_ptr_array_sort (sorted, compare_by_offset);
  for (guint i = 0; i < sorted->len; i++)
    {
      const TensorInfo *info = sorted->pdata[i];
      if (info->begin < covered)
        {
          g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_INVALID,
                       "The tensors \"%s\" and \"%s\" overlap in the data (bytes %" G_GUINT64_FORMAT " to %" G_GUINT64_FORMAT "); "
                       "each tensor needs its own bytes.",
                       previous->name, info->name, info->begin, MIN (covered, info->end));
          return FALSE;
        }
      if (info->begin > covered)
        {
          g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_INVALID,
                       "The bytes %" G_GUINT64_FORMAT " to %" G_GUINT64_FORMAT " of the data belong to no tensor; "
                       "the tensors must cover the data without gaps.",
                       covered, info->begin);
          return FALSE;
        }
      covered = info->end;
      previous = info;
    }
  if (covered != data_len)
    {
      g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_INVALID,
                   "The file has %" G_GUINT64_FORMAT " bytes of data after the last tensor; "
                   "the header does not describe the whole file.",
                   data_len - covered);
      return FALSE;
    }
  return TRUE;
}

/* A valid entry NN Blocks still cannot hold: its tensors have 1 to 4
 * dimensions and no empty dimension. */
static NnbTensor *
tensor_from_entry (const TensorInfo *info, const guint8 *data, GError **error)
{
  int64_t shape[NNB_MAX_DIMS];
  g_autoptr (GError) local = NULL;
  NnbTensor *tensor;

  if (info->shape->len < 1 || info->shape->len > NNB_MAX_DIMS)
    {
      g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_INVALID,
                   "The tensor \"%s\" has %u dimensions; NN Blocks reads tensors with 1 to %d dimensions.",
                   info->name, info->shape->len, NNB_MAX_DIMS);
      return NULL;
    }
  for (guint i = 0; i < info->shape->len; i++)
    {
      guint64 size = g_array_index (info->shape, guint64, i);
      if (size == 0)
        {
          g_autofree char *text = shape_text (info->shape);
          g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_INVALID,
                       "The tensor \"%s\" is empty (shape %s); NN Blocks reads tensors that hold at least one number.",
                       info->name, text);
          return NULL;
        }
      /* the byte count was checked against the file, so each size is
       * below 2^61 and fits in int64_t */
      shape[i] = (int64_t) size;
    }
  tensor = nnb_tensor_new (info->shape->len, shape, nnb_device_cpu (), &local);
  if (tensor == NULL)
    {
      g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_INVALID,
                   "The tensor \"%s\" cannot be loaded: %s", info->name, local->message);
      return NULL;
    }
  /* the data need not be 4-byte aligned in memory, and is little-endian */
  memcpy (tensor->data, data + info->begin, info->end - info->begin);
#if G_BYTE_ORDER == G_BIG_ENDIAN
  for (int64_t i = 0; i < tensor->numel; i++)
    {
      guint32 bits;
      memcpy (&bits, &tensor->data[i], sizeof bits);
      bits = GUINT32_FROM_LE (bits);
      memcpy (&tensor->data[i], &bits, sizeof bits);
    }
#endif
  return tensor;
}

GHashTable *
nnb_safetensors_parse (const guint8 *data, gsize length, GError **error)
{
  guint64 header_len, data_len;
  g_autoptr (GPtrArray) infos = NULL;
  g_autoptr (GHashTable) tensors = NULL;
  const guint8 *buffer;

  if (length < 8)
    {
      g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_PARSE,
                   "The file is truncated: it has %" G_GSIZE_FORMAT " bytes, but a safetensors file starts with an 8-byte header length.",
                   length);
      return NULL;
    }
  memcpy (&header_len, data, sizeof header_len);
  header_len = GUINT64_FROM_LE (header_len);
  if (header_len > length - 8)
    {
      g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_PARSE,
                   "The header length says %" G_GUINT64_FORMAT " bytes, but only %" G_GSIZE_FORMAT " bytes follow it: "
                   "the file is truncated or is not safetensors.",
                   header_len, length - 8);
      return NULL;
    }
  if (!nnb_json_check_nesting ((const char *) data + 8, header_len, "safetensors header", error))
    return NULL;
  infos = read_header ((const char *) data + 8, header_len, error);
  if (infos == NULL)
    return NULL;

  buffer = data + 8 + header_len;
  data_len = length - 8 - header_len;
  for (guint i = 0; i < infos->len; i++)
    if (!check_entry (infos->pdata[i], data_len, error))
      return NULL;
  if (!check_coverage (infos, data_len, error))
    return NULL;

  tensors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) nnb_tensor_unref);
  for (guint i = 0; i < infos->len; i++)
    {
      TensorInfo *info = infos->pdata[i];
      NnbTensor *tensor = tensor_from_entry (info, buffer, error);
      if (tensor == NULL)
        return NULL;
      g_hash_table_insert (tensors, g_strdup (info->name), tensor);
    }
  return g_steal_pointer (&tensors);
}

GHashTable *
nnb_safetensors_load (const char *path, GError **error)
{
  g_autofree char *contents = NULL;
  g_autoptr (GError) local = NULL;
  gsize length;
  GHashTable *tensors;

  /* a regular file only: a pipe would wait forever, /dev/zero never end */
  if (!nnb_file_read (path, NNB_FILE_READ_MAX_PROJECT_MB, &contents, &length, &local))
    {
      g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_IO,
                   "Cannot read the weights: %s", local->message);
      return NULL;
    }
  tensors = nnb_safetensors_parse ((const guint8 *) contents, length, error);
  if (tensors == NULL)
    {
      g_autofree char *base = g_path_get_basename (path);
      g_prefix_error (error, "%s: ", base);
    }
  return tensors;
}

/* ---------------------------------------------------------------------- */
/* load_state_dict                                                        */
/* ---------------------------------------------------------------------- */

/* torch.Size([16, 3]) */
static void
append_torch_size (GString *out, int ndim, const int64_t *shape)
{
  g_string_append (out, "torch.Size([");
  for (int i = 0; i < ndim; i++)
    g_string_append_printf (out, "%s%" G_GINT64_FORMAT, i ? ", " : "", shape[i]);
  g_string_append (out, "])");
}

/* The dotted paths of every submodule, in named_modules() order: "" for
 * the model itself, then "fc1", "net", "net.0", … */
static void
collect_module_paths (GPtrArray *out, const NnbModule *module, const char *path)
{
  g_ptr_array_add (out, g_strdup (path));
  for (guint i = 0; i < module->children->len; i++)
    {
      g_autofree char *child = path[0] ? g_strdup_printf ("%s.%u", path, i) : g_strdup_printf ("%u", i);
      collect_module_paths (out, module->children->pdata[i], child);
    }
}

/* Which module's load() reports an unexpected key in PyTorch: the deepest
 * module whose dotted path prefixes the key. Its index in named_modules()
 * order ranks the key, so keys come out in PyTorch's order. */
static guint
owner_rank (GPtrArray *paths, const char *key)
{
  guint best = 0;
  gsize best_len = 0;

  for (guint i = 1; i < paths->len; i++)
    {
      const char *path = paths->pdata[i];
      gsize len = strlen (path);
      if (len > best_len && strncmp (key, path, len) == 0 && key[len] == '.')
        {
          best = i;
          best_len = len;
        }
    }
  return best;
}

typedef struct
{
  const char *key;
  guint rank;
} RankedKey;

static int
compare_ranked (gconstpointer a, gconstpointer b)
{
  const RankedKey *x = a, *y = b;

  if (x->rank != y->rank)
    return x->rank < y->rank ? -1 : 1;
  return strcmp (x->key, y->key);
}

/* Unexpected keys grouped as PyTorch meets them (module by module); within
 * a module, sorted, since a hash table has no order of its own. */
static GArray *
unexpected_keys (NnbModel *model, GHashTable *tensors)
{
  g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  GArray *keys = g_array_new (FALSE, FALSE, sizeof (RankedKey));
  GHashTableIter iter;
  gpointer key;

  g_ptr_array_add (paths, g_strdup (""));
  for (guint i = 0; i < model->modules->len; i++)
    collect_module_paths (paths, model->modules->pdata[i], model->module_names->pdata[i]);
  g_hash_table_iter_init (&iter, tensors);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (nnb_model_get_parameter (model, key) == NULL)
      {
        RankedKey ranked = { key, owner_rank (paths, key) };
        g_array_append_val (keys, ranked);
      }
  g_array_sort (keys, compare_ranked);
  return keys;
}

gboolean
nnb_model_load_state_dict (NnbModel *model, GHashTable *tensors, GError **error)
{
  GPtrArray *params = nnb_model_named_parameters (model);
  g_autoptr (GString) missing = g_string_new (NULL);
  g_autoptr (GString) mismatches = g_string_new (NULL);
  g_autoptr (GArray) unexpected = unexpected_keys (model, tensors);

  /* check everything first: the model is unchanged unless every key fits */
  for (guint i = 0; i < params->len; i++)
    {
      NnbNamedParameter *named = params->pdata[i];
      NnbTensor *value = named->param->value;
      NnbTensor *loaded = g_hash_table_lookup (tensors, named->name);

      if (loaded == NULL)
        g_string_append_printf (missing, "%s\"%s\"", missing->len ? ", " : "", named->name);
      else if (!nnb_tensor_same_shape (loaded, value))
        {
          g_string_append_printf (mismatches, "\n\tsize mismatch for %s: copying a param with shape ", named->name);
          append_torch_size (mismatches, loaded->ndim, loaded->shape);
          g_string_append (mismatches, " from checkpoint, the shape in current model is ");
          append_torch_size (mismatches, value->ndim, value->shape);
          g_string_append_c (mismatches, '.');
        }
    }
  if (missing->len || unexpected->len || mismatches->len)
    {
      /* torch 1.13 word for word, including the space before each "\n\t" */
      g_autoptr (GString) message = g_string_new (NULL);
      g_string_append_printf (message, "Error(s) in loading state_dict for %s:", model->class_name);
      if (missing->len)
        g_string_append_printf (message, "\n\tMissing key(s) in state_dict: %s. ", missing->str);
      if (unexpected->len)
        {
          g_string_append (message, "\n\tUnexpected key(s) in state_dict: ");
          for (guint i = 0; i < unexpected->len; i++)
            g_string_append_printf (message, "%s\"%s\"", i ? ", " : "", g_array_index (unexpected, RankedKey, i).key);
          g_string_append (message, ". ");
        }
      g_string_append (message, mismatches->str);
      g_set_error_literal (error, NNB_FILE_ERROR, NNB_FILE_ERROR_MISMATCH, message->str);
      return FALSE;
    }

  for (guint i = 0; i < params->len; i++)
    {
      NnbNamedParameter *named = params->pdata[i];
      NnbTensor *loaded = g_hash_table_lookup (tensors, named->name);
      g_autofree float *host = NULL;
      const float *values = loaded->data;

      /* nnb_tensor_write copies host memory into the parameter wherever it
       * lives; the tensors nnb_safetensors_parse gives are host tensors
       * already, others are copied to the host first */
      if (loaded->device.type != NNB_DEVICE_CPU)
        {
          host = g_new (float, loaded->numel);
          nnb_tensor_read (loaded, host);
          values = host;
        }
      nnb_tensor_write (named->param->value, values);
    }
  return TRUE;
}
