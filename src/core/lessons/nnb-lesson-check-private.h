/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-lesson-check-private.h — what the files of a lesson's checks share:
 * nnb-lesson-check.c (the table and the checks of models and training) and
 * nnb-lesson-check-classes.c (the checks of classifiers). */
#pragma once

#include <glib/gi18n-lib.h>

#include "nnb-lesson-check.h"

G_BEGIN_DECLS

static inline const char *
nnb_lesson_model_name (const NnbLessonRun *run)
{
  return run->project->model->class_name;
}

/* A check's verdict with its sentence (text is taken) */
static inline gboolean
nnb_lesson_fail (char **message, char *text)
{
  *message = text;
  return FALSE;
}

static inline gboolean
nnb_lesson_pass (char **message, char *text)
{
  *message = text;
  return TRUE;
}

static inline char *
nnb_lesson_not_trained (const NnbLessonRun *run)
{
  return g_strdup_printf (_("%s has not been trained yet: press Show me (or Train) and wait until training ends."),
                          nnb_lesson_model_name (run));
}

/* The leaf calls in the forward's order, as the shape trace lists them
 * ("Linear", "Tanh", …), for a batch of 5. NULL with message when the
 * model cannot run. */
GPtrArray *nnb_lesson_leaf_calls (const NnbLessonRun *run, char **message);

gboolean nnb_lesson_check_loss (const NnbLessonCheck *check, const NnbLessonRun *run, char **message);
gboolean nnb_lesson_check_last_layer (const NnbLessonCheck *check, const NnbLessonRun *run, char **message);
gboolean nnb_lesson_check_accuracy_above (const NnbLessonCheck *check, const NnbLessonRun *run, char **message);
gboolean nnb_lesson_check_accuracy_below (const NnbLessonCheck *check, const NnbLessonRun *run, char **message);
/* nnb-lesson-check-modes.c */
gboolean nnb_lesson_check_mode (const NnbLessonCheck *check, const NnbLessonRun *run, char **message);
gboolean nnb_lesson_check_module (const NnbLessonCheck *check, const NnbLessonRun *run, char **message);
gboolean nnb_lesson_check_state_dict (const NnbLessonCheck *check, const NnbLessonRun *run, char **message);

G_END_DECLS
