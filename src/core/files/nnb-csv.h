/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-csv.h — numbers from comma-separated text: one row per line, an
 * optional header line of names, the same number of columns in every row.
 * Bad cells are named by line and column so a student can find them. */
#pragma once

#include <glib.h>
#include <stdint.h>

G_BEGIN_DECLS

/* The most rows a CSV file may have, as many as the generators draw (10⁷). */
#define NNB_CSV_MAX_ROWS 10000000

/* Returns rows × cols floats (row-major), or NULL with an NNB_FILE_ERROR
 * such as "line 7, column 2: 'abc' is not a number". NaN and infinities
 * are refused; so are empty data, ragged rows and more than
 * NNB_CSV_MAX_ROWS rows. A UTF-8 byte-order mark is skipped; LF, CRLF and a
 * lone CR all end a line. */
float *nnb_csv_parse (const char *text, gsize length, int64_t *rows, int64_t *cols, GError **error);

G_END_DECLS
