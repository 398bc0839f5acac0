/* nnb-lesson-catalog.c — the lessons NN Blocks knows. */
#include "nnb-config.h"

#include <glib/gi18n.h>

#include "nnb-lesson-catalog.h"

typedef struct
{
  const char *id;
  const char *title; /* untranslated: N_() marks it, _() translates on use */
} NnbLessonEntry;

static const NnbLessonEntry lessons[] = {
  { "day02", N_("Day 2 — Building models with nn.Module") },
};

const char *
nnb_lesson_catalog_get_title (const char *lesson_id)
{
  g_return_val_if_fail (lesson_id != NULL, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (lessons); i++)
    if (g_str_equal (lessons[i].id, lesson_id))
      return _(lessons[i].title);

  return NULL;
}

char *
nnb_lesson_catalog_dup_names (void)
{
  GString *names = g_string_new (NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (lessons); i++)
    {
      if (i > 0)
        g_string_append (names, ", ");
      g_string_append (names, lessons[i].id);
    }

  return g_string_free (names, FALSE);
}
