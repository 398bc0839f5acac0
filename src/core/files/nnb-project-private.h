/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-project-private.h — what the nnb-project*.c files share and nothing
 * else includes: the JSON reader's typed getters (nnb-project-json.c), the
 * model reader (nnb-project-model.c) and the tables the reader and the
 * writer both follow. Other areas use nnb-project.h. */
#pragma once

#include <json-glib/json-glib.h>
#include "nnb-project.h"

G_BEGIN_DECLS

/* --- nnb-project-json.c: a small strict reader over json-glib ---
 *
 * Every getter names the place it reads ("where": "model.modules[2] (fc2)",
 * or NULL at the top level) in its error, so that a message reads
 * "model.modules[2] (fc2): in_features must be a positive whole number,
 * not -3". Errors are NNB_FILE_ERROR_INVALID unless said otherwise. */

/* Sets "where: message" (or the bare message) in NNB_FILE_ERROR with code;
 * returns FALSE, so that a check can end in `return nnb_json_fail (…)`. */
gboolean nnb_json_fail (GError **error, int code, const char *where, const char *format, ...) G_GNUC_PRINTF (4, 5);
/* A user's text as a message may quote it: cut short and valid UTF-8. The
 * result lives until the fourth call after this one on the same thread. */
const char *nnb_json_quoted (const char *text);
/* How a wrong value is quoted back to the student: -3, "abc", true, a list. */
char *nnb_json_describe_node (JsonNode *node);
/* "a, b and c" */
char *nnb_json_join_words (const char *const *words);

gboolean nnb_json_node_is_number (JsonNode *node);
gboolean nnb_json_node_is_string (JsonNode *node);
/* node as a whole number (3 or 3.0, not 2.5 and not "3"); FALSE when not. */
gboolean nnb_json_node_to_whole (JsonNode *node, int64_t *out);
/* The member, or NULL when the object has none of that name. */
JsonNode *nnb_json_member (JsonObject *object, const char *key);

/* Refuses a member that is not in allowed (NULL-terminated); "comment" is
 * welcome anywhere. */
gboolean nnb_json_check_fields (JsonObject *object, const char *where, const char *const *allowed, GError **error);
/* A whole number (3 or 3.0) in [min, max]; fallback when absent, unless required. */
gboolean nnb_json_read_whole (JsonObject *object, const char *where, const char *key, int64_t min, int64_t max,
                              gboolean required, int64_t fallback, int64_t *out, GError **error);

typedef enum
{
  NNB_JSON_NUMBER_ANY,          /* any finite number */
  NNB_JSON_NUMBER_NON_NEGATIVE, /* 0 or more */
  NNB_JSON_NUMBER_POSITIVE,     /* more than 0 */
  NNB_JSON_NUMBER_UNIT,         /* 0 ≤ x < 1 (Adam's betas) */
} NnbJsonNumberRule;

/* node as a number that follows rule; `what` names it in the message. */
gboolean nnb_json_check_number (JsonNode *node, const char *where, const char *what, NnbJsonNumberRule rule,
                                double *out, GError **error);
/* An optional number that also fits a float32; *out keeps its value when absent. */
gboolean nnb_json_read_number (JsonObject *object, const char *where, const char *key, NnbJsonNumberRule rule,
                               double *out, GError **error);
/* An optional true or false; *out keeps its value when absent. */
gboolean nnb_json_read_bool (JsonObject *object, const char *where, const char *key, gboolean *out, GError **error);
/* A string; *out stays NULL when absent and not required. It belongs to object. */
gboolean nnb_json_read_string (JsonObject *object, const char *where, const char *key, gboolean required,
                               const char **out, GError **error);
/* A seed, or null (or nothing) for "do not reseed". */
gboolean nnb_json_read_optional_seed (JsonObject *object, const char *where, const char *key,
                                      gboolean *has_seed, guint64 *seed, GError **error);
/* node as an object (here `where` is the whole name: "model.graph"), or NULL. */
JsonObject *nnb_json_require_object (JsonNode *node, const char *where, GError **error);
/* object's member key as an array, or NULL when it is missing or not one. */
JsonArray *nnb_json_require_array (JsonObject *object, const char *where, const char *key, GError **error);

/* Turns json-glib's parse error into a sentence for a student, telling a
 * file cut short from a slip with a line and a column (NNB_FILE_ERROR_PARSE).
 * Returns FALSE. */
gboolean nnb_json_parse_error (const GError *parse_error, const char *text, gsize length, GError **error);

/* --- nnb-project-model.c --- */

/* The "model" member: class, modules and graph, into project->model and
 * project->positions (a new model replaces the old one). */
gboolean nnb_project_read_model (NnbProject *project, JsonNode *node, GError **error);
/* A block's op as the file writes it: "input", "call", "add", "output". */
const char *nnb_project_op_name (NnbNodeKind kind);

/* --- nnb-project-read.c --- */

/* The fields each kind of data uses, in the order the writer writes them
 * (docs/file-format.md); NULL-terminated. */
const char *const *nnb_project_data_fields (NnbDataKind kind);

G_END_DECLS
