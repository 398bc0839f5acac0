/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-test-lesson.c — a lesson's "Show me" without a screen (see the header). */
#include "nnb-test-lesson.h"

void
nnb_test_shown_clear (NnbTestShown *shown)
{
  g_clear_pointer (&shown->project, nnb_project_free);
  g_clear_pointer (&shown->data, nnb_dataset_free);
}

char *
nnb_test_lesson_show_me (NnbLesson *lesson, NnbLessonStep *step, NnbTestShown *shown, NnbLessonRun *run)
{
  g_autoptr (GError) error = NULL;
  GString *printed = g_string_new (NULL);

  if (step->keep != NULL)
    nnb_lesson_run_keep (run, step->keep);
  if (nnb_lesson_step_loads (step))
    {
      NnbProject *loaded = nnb_lesson_step_load_project (lesson, step, &error);
      NnbDataset *data = NULL;

      g_assert_no_error (error);
      data = nnb_project_build (loaded, FALSE, &error);
      g_assert_no_error (error);
      nnb_test_shown_clear (shown);
      shown->project = loaded;
      shown->data = data;
      nnb_lesson_run_forget (run);
      run->project = loaded;
    }
  else if (shown->project != NULL)
    nnb_lesson_step_apply_settings (step, shown->project);
  if (step->show != 0)
    {
      g_autofree char *text = nnb_lesson_describe (step, shown->project, shown->data, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (text, !=, "");
      g_string_append (printed, text);
    }
  if (step->mistake != NNB_LESSON_MISTAKE_NONE)
    {
      g_autofree char *text = nnb_lesson_make_mistake (step, shown->project, shown->data, run);

      g_string_append (printed, text);
    }
  if (step->train)
    {
      g_autofree char *log = NULL;

      g_clear_pointer (&shown->data, nnb_dataset_free);
      shown->data = nnb_project_build (shown->project, FALSE, &error);
      g_assert_no_error (error);
      log = nnb_lesson_train (shown->project, shown->data, run, &error);
      g_assert_no_error (error);
      g_assert_nonnull (log);
      g_string_append (printed, log);
    }
  return g_string_free (printed, FALSE);
}

NnbLesson *
nnb_test_lesson (const char *id)
{
  g_autoptr (GError) error = NULL;
  NnbLesson *lesson = nnb_lesson_find (id, &error);

  g_assert_no_error (error);
  return lesson;
}

char *
nnb_test_lesson_indented (const char *text)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  GString *out = g_string_new (NULL);

  for (int i = 0; lines[i] != NULL; i++)
    if (lines[i + 1] != NULL || *lines[i] != '\0')
      g_string_append_printf (out, "%s%s\n", *lines[i] != '\0' ? "    " : "", lines[i]);
  return g_string_free (out, FALSE);
}
