/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-json-write.h — the pieces of JSON that NN Blocks writes by hand (a
 * project, a safetensors header): strings escaped once, the same way for
 * every file, and numbers in their shortest exact form. */
#pragma once

#include <glib.h>
#include <stdint.h>

G_BEGIN_DECLS

/* Appends text as a JSON string, quotes included: " and \ escaped, \n \t \r
 * as themselves, other control characters as \u00XX, everything else as it
 * is (UTF-8). Bytes that are not valid UTF-8 become U+FFFD, so the output is
 * always JSON that json-glib and Python's json module read back. */
void nnb_json_append_string (GString *out, const char *text);

/* The shortest decimal that reads back as the same double ("0.01", "160");
 * "nan", "inf" or "-inf" for a value that is not finite, which JSON cannot
 * hold: callers write only finite values. buf holds G_ASCII_DTOSTR_BUF_SIZE. */
void nnb_json_format_double (char *buf, gsize size, double value);

/* The shortest decimal that reads back (through a double, as a JSON reader
 * does) as the same float32; -0 as "-0.0". */
void nnb_json_format_float (char *buf, gsize size, float value);

/* "[16, 3]": a tensor's shape as a project file writes it (and as its
 * messages quote it). */
char *nnb_json_shape_list (int ndim, const int64_t *shape);

G_END_DECLS
