/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-torch-str.c — print(t) as PyTorch 1.13 prints a small tensor; the
 * rules are _Formatter, _vector_str and _add_suffixes of
 * torch/_tensor_str.py, with precision 4 and linewidth 80. */
#include "nnb-config.h"

#include <math.h>
#include <string.h>

#include "nnb-torch-str.h"

#define PRECISION 4
#define LINEWIDTH 80
#define MAX_NUMBERS 1000 /* PyTorch's threshold: more are summarised with "..." */

typedef struct
{
  gboolean integer; /* a LongTensor */
  gboolean int_mode, sci_mode;
  int width;
} Formatter;

/* Python's "{:.4f}" / "{:.4e}" / "{:.0f}" of the float32's double, which
 * C's printf rounds alike; nan and inf have no sign games in Python. */
static char *
format_plain (double value, char style)
{
  if (isnan (value))
    return g_strdup ("nan");
  if (isinf (value))
    return g_strdup (value < 0 ? "-inf" : "inf");
  switch (style)
    {
    case 'e':
      return g_strdup_printf ("%.*e", PRECISION, value);
    case '0':
      return g_strdup_printf ("%.0f", value);
    default:
      return g_strdup_printf ("%.*f", PRECISION, value);
    }
}

static int
text_width (char *text)
{
  int width = (int) strlen (text);

  g_free (text);
  return width;
}

/* _Formatter.__init__: the mode and the width from the nonzero finite
 * numbers (all numbers for a LongTensor). */
static void
formatter_init (Formatter *f, const float *values, gsize n, gboolean integer)
{
  double min = INFINITY, max = 0;
  gsize nonzero = 0;

  f->integer = integer;
  f->int_mode = TRUE;
  f->sci_mode = FALSE;
  f->width = 1;
  if (integer)
    {
      for (gsize i = 0; i < n; i++)
        f->width = MAX (f->width, text_width (g_strdup_printf ("%lld", (long long) values[i])));
      return;
    }
  for (gsize i = 0; i < n; i++)
    if (isfinite (values[i]) && values[i] != 0)
      {
        min = MIN (min, fabs ((double) values[i]));
        max = MAX (max, fabs ((double) values[i]));
        if (values[i] != ceilf (values[i]))
          f->int_mode = FALSE;
        nonzero++;
      }
  if (nonzero == 0)
    return;
  f->sci_mode = max / min > 1000.0 || max > 1.0e8 || (!f->int_mode && min < 1.0e-4);
  for (gsize i = 0; i < n; i++)
    {
      if (!isfinite (values[i]) || values[i] == 0)
        continue;
      if (f->sci_mode)
        f->width = MAX (f->width, text_width (format_plain (values[i], 'e')));
      else if (f->int_mode)
        f->width = MAX (f->width, text_width (format_plain (values[i], '0')) + 1); /* and its "." */
      else
        f->width = MAX (f->width, text_width (format_plain (values[i], 'f')));
    }
}

/* _Formatter.format: right-aligned to the width */
static void
append_number (GString *out, const Formatter *f, float value)
{
  g_autofree char *text = NULL;

  if (f->integer)
    text = g_strdup_printf ("%lld", (long long) value);
  else if (f->sci_mode)
    text = format_plain (value, 'e');
  else if (f->int_mode)
    {
      g_autofree char *whole = format_plain (value, '0');
      /* a float tensor of whole numbers: "1." says it is floating */
      text = isfinite (value) ? g_strconcat (whole, ".", NULL) : g_steal_pointer (&whole);
    }
  else
    text = format_plain (value, 'f');
  for (int pad = f->width - (int) strlen (text); pad > 0; pad--)
    g_string_append_c (out, ' ');
  g_string_append (out, text);
}

/* _vector_str: as many numbers a line as fit in 80 characters */
static void
append_vector (GString *out, const Formatter *f, const float *values, int64_t n, int indent)
{
  int per_line = MAX (1, (LINEWIDTH - indent) / (f->width + 2));

  g_string_append_c (out, '[');
  for (int64_t i = 0; i < n; i++)
    {
      if (i > 0 && i % per_line == 0)
        {
          g_string_append (out, ",\n");
          for (int s = 0; s < indent + 1; s++)
            g_string_append_c (out, ' ');
        }
      else if (i > 0)
        g_string_append (out, ", ");
      append_number (out, f, values[i]);
    }
  g_string_append_c (out, ']');
}

char *
nnb_torch_str (const float *values, int ndim, const int64_t *shape, gboolean integer, const char *grad_fn)
{
  static const char prefix[] = "tensor(";
  const int indent = (int) strlen (prefix);
  GString *out = g_string_new (prefix);
  gsize n = 1;
  Formatter f;

  g_return_val_if_fail (ndim >= 0 && ndim <= 2, NULL);
  for (int d = 0; d < ndim; d++)
    n *= (gsize) shape[d];
  g_return_val_if_fail (n <= MAX_NUMBERS && (n == 0 || values != NULL), NULL);

  formatter_init (&f, values, n, integer);
  if (n == 0)
    g_string_append (out, "[]");
  else if (ndim == 0)
    append_number (out, &f, values[0]);
  else if (ndim == 1)
    append_vector (out, &f, values, shape[0], indent);
  else
    {
      g_string_append_c (out, '[');
      for (int64_t r = 0; r < shape[0]; r++)
        {
          if (r > 0)
            {
              g_string_append (out, ",\n");
              for (int s = 0; s < indent + 1; s++)
                g_string_append_c (out, ' ');
            }
          append_vector (out, &f, values + r * shape[1], shape[1], indent + 1);
        }
      g_string_append_c (out, ']');
    }
  /* _add_suffixes: on the same line while it fits in 80 characters
   * (PyTorch counts the last line's length one too long, and so here) */
  if (grad_fn != NULL)
    {
      const char *newline = strrchr (out->str, '\n');
      gsize last_line = newline != NULL ? out->len - (gsize) (newline - out->str) + 1 : out->len + 2;
      g_autofree char *suffix = g_strdup_printf ("grad_fn=<%s>", grad_fn);

      if (last_line + strlen (suffix) + 2 > LINEWIDTH)
        g_string_append_printf (out, ",\n%*s%s", indent, "", suffix);
      else
        g_string_append_printf (out, ", %s", suffix);
    }
  g_string_append_c (out, ')');
  return g_string_free (out, FALSE);
}
