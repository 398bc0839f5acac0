/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-locale-format.c — numbers for people, in their locale. */
#include "nnb-config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "nnb-locale-format.h"

/* The user's LC_NUMERIC (from LC_ALL, LC_NUMERIC or LANG), made once. It is
 * switched to only for the current thread and only while formatting
 * (uselocale), so the trainer's thread and the rest of this one keep "C". */
static locale_t
user_numeric_locale (void)
{
  static gsize user = 0;

  if (g_once_init_enter (&user))
    {
      locale_t made = newlocale (LC_NUMERIC_MASK, "", (locale_t) 0);

      /* An unknown locale name in the environment: the C one. */
      if (made == (locale_t) 0)
        made = newlocale (LC_NUMERIC_MASK, "C", (locale_t) 0);
      g_once_init_leave (&user, (gsize) made);
    }

  return (locale_t) user;
}

static char *
strdup_vprintf (const char *format, va_list args)
{
  locale_t previous = uselocale (user_numeric_locale ());
  char *text = g_strdup_vprintf (format, args);

  uselocale (previous);
  return text;
}

char *
nnb_locale_strdup_printf (const char *format, ...)
{
  va_list args;
  char *text;

  g_return_val_if_fail (format != NULL, NULL);

  va_start (args, format);
  text = strdup_vprintf (format, args);
  va_end (args);

  return text;
}

void
nnb_locale_string_append_printf (GString *string, const char *format, ...)
{
  va_list args;
  g_autofree char *text = NULL;

  g_return_if_fail (string != NULL);
  g_return_if_fail (format != NULL);

  va_start (args, format);
  text = strdup_vprintf (format, args);
  va_end (args);
  g_string_append (string, text);
}

char *
nnb_locale_format_count (gint64 count)
{
  return nnb_locale_strdup_printf ("%'" G_GINT64_FORMAT, count);
}

char *
nnb_locale_format_percent (double share, int decimals)
{
  /* Translators: a percentage (an accuracy on the loss plot's right axis
   * and in its read-out): the number, then the sign, spaced or not as
   * your language writes it ("97.5 %", "97.5%", "%97.5") */
  return nnb_locale_strdup_printf (_("%.*f %%"), decimals, share * 100);
}
