/* nnb-lesson-catalog.h — the lessons NN Blocks knows, by name ("day02"), and
 * their titles. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The translated title of a lesson, or NULL when there is no such lesson. */
const char *nnb_lesson_catalog_get_title (const char *lesson_id);

/* The names of every lesson, comma-separated, for messages: "day02". */
char *nnb_lesson_catalog_dup_names (void);

G_END_DECLS
