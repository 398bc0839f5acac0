/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-json-write.c — strings and numbers written as JSON by hand, for the
 * project writer and the safetensors header; see the header. */

#include "nnb-json-write.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* "%.Ng" for N significant digits */
static const char *
precision_format (int digits)
{
  static const char *const formats[] = {
    "%.0g",
    "%.1g",
    "%.2g",
    "%.3g",
    "%.4g",
    "%.5g",
    "%.6g",
    "%.7g",
    "%.8g",
    "%.9g",
    "%.10g",
    "%.11g",
    "%.12g",
    "%.13g",
    "%.14g",
    "%.15g",
    "%.16g",
    "%.17g",
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

/* The fewest significant digits (up to max, which always reads back) whose
 * correctly rounded decimal reads back as value, as a double or through
 * a double as a float. A binary search: if d digits read back, so do
 * d + 1 (the d-digit decimal is one of the (d + 1)-digit ones, and the
 * nearest of those is no farther), so about 4 tries instead of up to 17
 * (autosaving a model of half a million weights spent a core on this). */
static int
shortest_digits (double value, int max, gboolean as_float)
{
  int lo = 1, hi = max;

  while (lo < hi)
    {
      int mid = (lo + hi) / 2;
      char buf[G_ASCII_DTOSTR_BUF_SIZE];
      double back;

      g_ascii_formatd (buf, sizeof buf, precision_format (mid), value);
      back = g_ascii_strtod (buf, NULL);
      if (as_float ? (float) back == (float) value : back == value)
        hi = mid;
      else
        lo = mid + 1;
    }
  return lo;
}

/* The shortest decimal that reads back as the same double. */
void
nnb_json_format_double (char *buf, gsize size, double value)
{
  if (!isfinite (value))
    {
      g_strlcpy (buf, isnan (value) ? "nan" : value > 0 ? "inf"
                                                        : "-inf",
                 size);
      return;
    }
  g_ascii_formatd (buf, size, precision_format (shortest_digits (value, 17, FALSE)), value);
  plain_integers (buf, size, value);
}

/* The shortest decimal that reads back (through a double, as a JSON reader
 * does) as the same float32. */
void
nnb_json_format_float (char *buf, gsize size, float value)
{
  /* JSON readers take "-0" for the integer 0: the sign needs a decimal point */
  if (value == 0.0f && signbit (value))
    {
      g_strlcpy (buf, "-0.0", size);
      return;
    }
  g_ascii_formatd (buf, size, precision_format (shortest_digits (value, 9, TRUE)), value);
  plain_integers (buf, size, value);
}

char *
nnb_json_shape_list (int ndim, const int64_t *shape)
{
  GString *text = g_string_new ("[");
  for (int d = 0; d < ndim; d++)
    g_string_append_printf (text, "%s%" G_GINT64_FORMAT, d ? ", " : "", shape[d]);
  g_string_append (text, "]");
  return g_string_free (text, FALSE);
}

void
nnb_json_append_string (GString *out, const char *text)
{
  g_autofree char *valid = NULL;

  /* raw bytes that are not UTF-8 would make the whole file unreadable */
  if (!g_utf8_validate (text, -1, NULL))
    text = valid = g_utf8_make_valid (text, -1);
  g_string_append_c (out, '"');
  for (const guchar *p = (const guchar *) text; *p; p++)
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
