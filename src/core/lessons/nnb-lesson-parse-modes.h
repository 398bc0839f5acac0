/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-lesson-parse-modes.h — the lesson parser's words for train and eval
 * mode and buffers (<show what="train-eval training state_dict">, the
 * eval-forgotten and missing-buffer mistakes, the mode, module and
 * state-dict checks); for nnb-lesson-parse.c only. */
#pragma once

#include <glib.h>

#include "nnb-lesson.h"

G_BEGIN_DECLS

/* The flag of a <show what> word of these, or 0 */
NnbLessonShow nnb_lp_modes_show (const char *word);
/* A <mistake kind> of these: TRUE with *mistake */
gboolean nnb_lp_modes_mistake (const char *kind, NnbLessonMistake *mistake);
/* What a mode, module or state-dict check cannot do without (text: its
 * expect); TRUE for the other kinds. */
gboolean nnb_lp_modes_check (GMarkupParseContext *context, const NnbLessonCheck *check, const char *kind,
                             const char *value, const char *text, GError **error);

G_END_DECLS
