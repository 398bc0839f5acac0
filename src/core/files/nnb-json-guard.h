/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-json-guard.h — the checks every JSON text NN Blocks reads goes
 * through before (and right after) its parser sees it: a nesting limit,
 * duplicate member names and whole numbers too large for 64 bits.
 *
 * json-glib parses recursively (a file nested 80,000 levels deep overflows
 * the stack), keeps only the last of two members with the same name, and
 * wraps integers past 2^63 around; none of that may reach a student as a
 * crash or as a silently different setting. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Levels of { and [ a JSON text may open. The formats need fewer than 10
 * (a project's weights sit 4 deep; nested Sequentials are limited to 16). */
#define NNB_JSON_MAX_DEPTH 64

/* Refuses text nested deeper than NNB_JSON_MAX_DEPTH, with the line and
 * column (NNB_FILE_ERROR_PARSE). Works on any text, valid JSON or not: call
 * it before the parser. `what` names the text: "project file". */
gboolean nnb_json_check_nesting (const char *text, gsize length, const char *what, GError **error);

/* On text the parser has accepted: refuses a member name given twice in one
 * object and a whole number outside the signed 64-bit range, naming the
 * place, the line and the column (NNB_FILE_ERROR_INVALID). */
gboolean nnb_json_check_members (const char *text, gsize length, GError **error);

G_END_DECLS
