/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-test-lesson.h — a lesson's "Show me" without a screen, as
 * `nnblocks-cli lesson` runs it, for the lesson tests. */
#pragma once

#include <glib.h>

#include "nnb-lesson-action.h"

/* The model on screen and its data's training rows. */
typedef struct
{
  NnbProject *project;
  NnbDataset *data;
} NnbTestShown;

void nnb_test_shown_clear (NnbTestShown *shown);

/* Does what the step's Show me does (keep, load, show, mistake, train),
 * asserting that every part of it ran, and returns what it printed. */
char *nnb_test_lesson_show_me (NnbLesson *lesson, NnbLessonStep *step, NnbTestShown *shown, NnbLessonRun *run);

/* The built-in lesson named id (asserts that it reads). */
NnbLesson *nnb_test_lesson (const char *id);

/* Every line of text indented as `nnblocks-cli lesson` indents Show me's
 * printouts (blank lines stay empty; no trailing empty line). */
char *nnb_test_lesson_indented (const char *text);
