/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-lesson-parse-values.h — the lesson parser's readers of attribute
 * values (numbers, shapes, init methods), each refusing what it cannot
 * take with a message that names the line; for nnb-lesson-parse.c only. */
#pragma once

#include <glib.h>
#include <stdint.h>

#include "nnb-init.h"

G_BEGIN_DECLS

/* Sets error to "Line N: " and the message; returns FALSE, for
 * `return nnb_lp_error (…)`. */
gboolean nnb_lp_error (GMarkupParseContext *context, GError **error, const char *format, ...) G_GNUC_PRINTF (3, 4);
/* The value of the attribute name, or NULL. */
const char *nnb_lp_attribute (const char **names, const char **values, const char *name);
/* FALSE, with the error, when an attribute is not in allowed. */
gboolean nnb_lp_only_attributes (GMarkupParseContext *context, const char *element, const char **names,
                                 const char *const *allowed, GError **error);
gboolean nnb_lp_double (GMarkupParseContext *context, const char *element, const char *name, const char *text,
                        double min, double *out, GError **error);
gboolean nnb_lp_int (GMarkupParseContext *context, const char *element, const char *name, const char *text,
                     int64_t min, int64_t max, int64_t *out, GError **error);
gboolean nnb_lp_shape (GMarkupParseContext *context, const char *element, const char *text, int *ndim,
                       int64_t *shape, GError **error);
gboolean nnb_lp_init_method (GMarkupParseContext *context, const char *text, NnbInitMethod *out, GError **error);

G_END_DECLS
