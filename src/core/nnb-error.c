/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "nnb-error.h"

#include <string.h>

/* the quark names are stringified as written */
/* clang-format off */
G_DEFINE_QUARK (nnb-error-quark, nnb_error)
G_DEFINE_QUARK (nnb-file-error-quark, nnb_file_error)
/* clang-format on */

char *
nnb_quote_short (const char *s)
{
  /* 4 bytes a character at most: this many bytes hold more than the
   * characters shown whenever s goes on past them */
  gsize limit = NNB_QUOTE_MAX_CHARS * 4 + 1;
  gsize length;
  g_autofree char *valid = NULL;
  glong chars;

  if (s == NULL)
    return g_strdup ("");
  length = strnlen (s, limit);
  valid = g_utf8_make_valid (s, length);
  for (char *p = valid; *p; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      *p = ' ';
  chars = g_utf8_strlen (valid, -1);
  if (chars <= NNB_QUOTE_MAX_CHARS && s[length] == '\0')
    return g_steal_pointer (&valid);
  *g_utf8_offset_to_pointer (valid, MIN (chars, NNB_QUOTE_MAX_CHARS - 1)) = '\0';
  return g_strconcat (valid, "…", NULL);
}
