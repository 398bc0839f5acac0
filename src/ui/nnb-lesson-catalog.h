/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-lesson-catalog.h — the lessons NN Blocks knows, by name ("day02"):
 * the built-in ones and the instructor's own (nnb-lesson.h finds both),
 * read once and kept for the application's life. */
#pragma once

#include <glib.h>

#include "nnb-lesson.h"

G_BEGIN_DECLS

/* The translated title of a lesson, or NULL when there is no such lesson. */
const char *nnb_lesson_catalog_get_title (const char *lesson_id);

/* The names of every lesson, comma-separated, for messages: "day02". */
char *nnb_lesson_catalog_dup_names (void);

/* The lesson (a new reference), or NULL with a sentence saying why: no
 * such lesson (with the names there are), or what is wrong in its file. */
NnbLesson *nnb_lesson_catalog_load (const char *lesson_id, GError **error);

G_END_DECLS
