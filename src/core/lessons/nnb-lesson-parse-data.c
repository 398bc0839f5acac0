/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-lesson-parse-data.c — the data fields of <data> and of a data check
 * (n, a, b, c, noise, x-max and the class kinds' radius, distance, turns,
 * classes), with a project file's limits; for nnb-lesson-parse.c. */
#include "nnb-config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "nnb-lesson-parse-data.h"
#include "nnb-lesson-parse-values.h"
#include "nnb-project.h"

/* The class kinds' own fields (radius, distance, turns, classes), with the
 * project file's limits, so that the project a student saves opens again. */
static gboolean
parse_class_data_fields (GMarkupParseContext *context, const char *element, const char **names,
                         const char **values, NnbDataSpec *spec, NnbLessonDataFields *given, GError **error)
{
  const struct
  {
    const char *name;
    NnbLessonDataFields flag;
    double *field;
    gboolean positive; /* more than 0, else 0 or more */
  } numbers[] = {
    { "radius", NNB_LESSON_DATA_RADIUS, &spec->radius, TRUE },
    { "distance", NNB_LESSON_DATA_DISTANCE, &spec->distance, FALSE },
    { "turns", NNB_LESSON_DATA_TURNS, &spec->turns, TRUE },
  };
  const char *text;
  int64_t number;

  for (guint i = 0; i < G_N_ELEMENTS (numbers); i++)
    {
      if ((text = nnb_lp_attribute (names, values, numbers[i].name)) == NULL)
        continue;
      if (!nnb_lp_double (context, element, numbers[i].name, text, 0, numbers[i].field, error))
        return FALSE;
      if (numbers[i].positive && *numbers[i].field <= 0)
        return nnb_lp_error (context, error, _("The %s of <%s> must be more than 0, not “%s”."), numbers[i].name,
                             element, text);
      *given |= numbers[i].flag;
    }
  if ((text = nnb_lp_attribute (names, values, "classes")) != NULL)
    {
      if (!nnb_lp_int (context, element, "classes", text, NNB_DATA_MIN_CLASSES, NNB_DATA_MAX_CLASSES, &number, error))
        return FALSE;
      spec->classes = number;
      *given |= NNB_LESSON_DATA_CLASSES;
    }
  return TRUE;
}

/* The data fields of <data> and of a data check, into spec; given gets a
 * flag for each field there is. */
gboolean
nnb_lp_data_fields (GMarkupParseContext *context, const char *element, const char **names, const char **values,
                    NnbDataSpec *spec, NnbLessonDataFields *given, GError **error)
{
  const char *text;
  int64_t number;

  *given = 0;
  if ((text = nnb_lp_attribute (names, values, "n")) != NULL)
    {
      /* the step's data goes into the project the student saves, which must open again */
      if (!nnb_lp_int (context, element, "n", text, 1, NNB_PROJECT_MAX_POINTS, &number, error))
        return FALSE;
      spec->n = number;
      *given |= NNB_LESSON_DATA_N;
    }
  if ((text = nnb_lp_attribute (names, values, "a")) != NULL)
    {
      if (!nnb_lp_double (context, element, "a", text, -INFINITY, &spec->a, error))
        return FALSE;
      *given |= NNB_LESSON_DATA_A;
    }
  if ((text = nnb_lp_attribute (names, values, "b")) != NULL)
    {
      if (!nnb_lp_double (context, element, "b", text, -INFINITY, &spec->b, error))
        return FALSE;
      *given |= NNB_LESSON_DATA_B;
    }
  if ((text = nnb_lp_attribute (names, values, "c")) != NULL)
    {
      if (!nnb_lp_double (context, element, "c", text, -INFINITY, &spec->c, error))
        return FALSE;
      *given |= NNB_LESSON_DATA_C;
    }
  if ((text = nnb_lp_attribute (names, values, "noise")) != NULL)
    {
      if (!nnb_lp_double (context, element, "noise", text, 0, &spec->noise, error))
        return FALSE;
      *given |= NNB_LESSON_DATA_NOISE;
    }
  if ((text = nnb_lp_attribute (names, values, "x-max")) != NULL)
    {
      if (!nnb_lp_double (context, element, "x-max", text, 0, &spec->x_max, error))
        return FALSE;
      if (spec->x_max <= 0 && g_str_equal (element, "data"))
        return nnb_lp_error (context, error, _("The x-max of <data> must be more than 0, not “%s”."), text);
      if (spec->x_max <= 0)
        return nnb_lp_error (context, error, _("The x-max of a data check must be more than 0, not “%s”."), text);
      *given |= NNB_LESSON_DATA_X_MAX;
    }
  return parse_class_data_fields (context, element, names, values, spec, given, error);
}
