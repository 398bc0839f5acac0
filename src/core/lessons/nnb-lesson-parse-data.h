/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-lesson-parse-data.h — the lesson parser's reader of data fields;
 * for nnb-lesson-parse.c only. */
#pragma once

#include <glib.h>

#include "nnb-lesson.h"

G_BEGIN_DECLS

/* The data fields of <data> and of a data check (element names which),
 * into spec; given gets a flag for each field there is. Refuses what a
 * project file would, naming the line. */
gboolean nnb_lp_data_fields (GMarkupParseContext *context, const char *element, const char **names,
                             const char **values, NnbDataSpec *spec, NnbLessonDataFields *given, GError **error);

G_END_DECLS
