/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-lesson-parse-values.c — the lesson parser's readers of attribute
 * values (see the header). */

#include "nnb-config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "nnb-error.h"
#include "nnb-lesson-parse-values.h"
#include "nnb-tensor.h"

gboolean
nnb_lp_error (GMarkupParseContext *context, GError **error, const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list args;
  int line = 0;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_markup_parse_context_get_position (context, &line, NULL);
  g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_INVALID, _("Line %d: %s"), line, message);
  return FALSE;
}

const char *
nnb_lp_attribute (const char **names, const char **values, const char *name)
{
  for (int i = 0; names[i] != NULL; i++)
    if (g_str_equal (names[i], name))
      return values[i];
  return NULL;
}

gboolean
nnb_lp_only_attributes (GMarkupParseContext *context, const char *element, const char **names,
                        const char *const *allowed, GError **error)
{
  for (int i = 0; names[i] != NULL; i++)
    if (!g_strv_contains (allowed, names[i]))
      return nnb_lp_error (context, error, _("<%s> has no attribute “%s”."), element, names[i]);
  return TRUE;
}

/* NaN and infinities are not numbers a lesson means ("nan" would train
 * with a NaN learning rate); min is the smallest value allowed, or -INFINITY.
 * The engine computes in float32 and a project file refuses what float32
 * cannot hold (nnb_json_read_number), so a lesson refuses it too: lr="1e39"
 * used to load a project that did not open again once saved
 * (tests/fuzz/regressions/lesson/). */
gboolean
nnb_lp_double (GMarkupParseContext *context, const char *element, const char *name,
               const char *text, double min, double *out, GError **error)
{
  char *end = NULL;

  errno = 0;
  *out = g_ascii_strtod (text, &end);
  if (errno != 0 || end == text || *end != '\0' || !isfinite (*out))
    return nnb_lp_error (context, error, _("The %s of <%s> must be a number, not “%s”."), name, element, text);
  if (*out < min)
    return nnb_lp_error (context, error, _("The %s of <%s> must be %g or more, not “%s”."), name, element, min, text);
  if (isinf ((float) *out))
    return nnb_lp_error (context, error, _("The %s of <%s> is too large for a float32: “%s” is more than about 3.4e38 in size."),
                         name, element, text);
  return TRUE;
}

/* A whole number from min to max; max is what a project file takes for
 * the same setting, or G_MAXINT. */
gboolean
nnb_lp_int (GMarkupParseContext *context, const char *element, const char *name,
            const char *text, int64_t min, int64_t max, int64_t *out, GError **error)
{
  char *end = NULL;

  errno = 0;
  *out = g_ascii_strtoll (text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || *out < min || *out > G_MAXINT)
    return nnb_lp_error (context, error, _("The %s of <%s> must be a whole number from %lld, not “%s”."),
                         name, element, (long long) min, text);
  if (*out > max)
    return nnb_lp_error (context, error, _("The %s of <%s> must be at most %lld, not “%s”."), name, element,
                         (long long) max, text);
  return TRUE;
}

/* "5,3", "(5, 3)" or "5": a batch the engine can make, at most
 * NNB_MAX_ELEMENTS numbers in all (a check's shape inference multiplies
 * the sizes: "4611686018427387904, 4611686018427387904, 5" overflowed
 * int64 there) */
gboolean
nnb_lp_shape (GMarkupParseContext *context, const char *element, const char *text,
              int *ndim, int64_t *shape, GError **error)
{
  g_autofree char *copy = g_strdup (text);
  g_auto (GStrv) parts = NULL;
  int64_t numel = 1;

  g_strdelimit (copy, "()", ' ');
  parts = g_strsplit (copy, ",", -1);
  *ndim = 0;
  for (int i = 0; parts[i] != NULL; i++)
    {
      char *part = g_strstrip (parts[i]);
      char *end = NULL;
      gint64 size;

      if (*part == '\0' && parts[i + 1] == NULL && *ndim > 0)
        break; /* "(5,)" */
      errno = 0;
      size = g_ascii_strtoll (part, &end, 10);
      if (errno != 0 || end == part || *end != '\0' || size <= 0 || *ndim == NNB_MAX_DIMS)
        return nnb_lp_error (context, error,
                             _("The input of <%s> must be a shape such as “5, 3”, not “%s”."), element, text);
      if (numel > NNB_MAX_ELEMENTS / size)
        return nnb_lp_error (context, error,
                             _("The input of <%s> is too large: a batch of shape “%s” would hold more than %lld numbers."),
                             element, text, (long long) NNB_MAX_ELEMENTS);
      numel *= size;
      shape[(*ndim)++] = size;
    }
  if (*ndim == 0)
    return nnb_lp_error (context, error, _("The input of <%s> must be a shape such as “5, 3”, not “%s”."), element, text);
  return TRUE;
}

gboolean
nnb_lp_init_method (GMarkupParseContext *context, const char *text, NnbInitMethod *out, GError **error)
{
  if (!nnb_init_method_from_string (text, out))
    return nnb_lp_error (context, error, _("“%s” is not an init method NN Blocks knows (for example xavier_uniform_, zeros_)."), text);
  return TRUE;
}
