/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-lesson-catalog.c — the lessons NN Blocks knows, read once. */
#include "nnb-config.h"

#include "nnb-lesson-catalog.h"

/* id → NnbLesson*; lessons are small and read on the main thread only */
static GHashTable *lessons;

NnbLesson *
nnb_lesson_catalog_load (const char *lesson_id, GError **error)
{
  NnbLesson *lesson;

  g_return_val_if_fail (lesson_id != NULL, NULL);

  if (lessons == NULL)
    lessons = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) nnb_lesson_unref);
  lesson = g_hash_table_lookup (lessons, lesson_id);
  if (lesson == NULL)
    {
      lesson = nnb_lesson_find (lesson_id, error);
      if (lesson == NULL)
        return NULL;
      g_hash_table_insert (lessons, g_strdup (lesson_id), lesson);
    }
  return nnb_lesson_ref (lesson);
}

const char *
nnb_lesson_catalog_get_title (const char *lesson_id)
{
  g_autoptr (NnbLesson) lesson = NULL;

  g_return_val_if_fail (lesson_id != NULL, NULL);

  lesson = nnb_lesson_catalog_load (lesson_id, NULL);
  /* the catalogue keeps its own reference: the title outlives this one */
  return lesson != NULL ? lesson->title : NULL;
}

char *
nnb_lesson_catalog_dup_names (void)
{
  g_autoptr (GPtrArray) ids = nnb_lesson_list_ids ();
  GString *names = g_string_new (NULL);

  for (guint i = 0; i < ids->len; i++)
    {
      if (i > 0)
        g_string_append (names, ", ");
      g_string_append (names, ids->pdata[i]);
    }
  return g_string_free (names, FALSE);
}
