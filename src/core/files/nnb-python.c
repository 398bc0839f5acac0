/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "nnb-python.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Python prints the fewest digits that read back as the same double
 * (g_ascii_dtostr prints 17: -0.10000000000000001), in fixed notation when
 * the decimal exponent is in [−4, 16), else as 1e-05 / 1e+16. */
char *
nnb_python_float_repr (double v)
{
  char buf[64], format[16];
  int digits, exponent;

  if (isnan (v))
    return g_strdup ("nan");
  if (isinf (v))
    return g_strdup (v > 0 ? "inf" : "-inf");
  for (digits = 1; digits < 17; digits++)
    {
      g_snprintf (format, sizeof format, "%%.%de", digits - 1);
      g_ascii_formatd (buf, sizeof buf, format, v);
      if (g_ascii_strtod (buf, NULL) == v)
        break;
    }
  g_snprintf (format, sizeof format, "%%.%de", digits - 1);
  g_ascii_formatd (buf, sizeof buf, format, v);
  exponent = atoi (strchr (buf, 'e') + 1);
  if (exponent < -4 || exponent >= 16)
    return g_strdup (buf);
  g_snprintf (format, sizeof format, "%%.%df", MAX (0, digits - 1 - exponent));
  g_ascii_formatd (buf, sizeof buf, format, v);
  if (!strchr (buf, '.'))
    return g_strconcat (buf, ".0", NULL);
  return g_strdup (buf);
}

char *
nnb_python_int_with_commas (int64_t value)
{
  g_autofree char *digits = g_strdup_printf ("%" G_GINT64_FORMAT, value);
  GString *text = g_string_new (NULL);
  int len = strlen (digits);

  for (int i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0 && digits[i - 1] != '-')
        g_string_append_c (text, ',');
      g_string_append_c (text, digits[i]);
    }
  return g_string_free (text, FALSE);
}
