/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-lesson-private.h — how the lesson's files build one: the parser
 * (nnb-lesson-parse.c) makes lessons, steps and checks with these, and
 * nnb-lesson.c frees them; not for the app. */
#pragma once

#include "nnb-lesson.h"

G_BEGIN_DECLS

/* An empty lesson holding one reference. */
NnbLesson *nnb_lesson_new (const char *id);
/* An empty step; the lesson's steps array frees it. */
NnbLessonStep *nnb_lesson_step_new (const char *id);
void nnb_lesson_check_free (NnbLessonCheck *check);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NnbLessonCheck, nnb_lesson_check_free)

G_END_DECLS
