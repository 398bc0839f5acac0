/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-csv.h — numbers from comma-separated text: one row per line, an
 * optional header line of names, the same number of columns in every row.
 * Bad cells are named by line and column so a student can find them; a
 * project chooses which columns are the inputs and which the targets, by
 * header name or by 0-based index (docs/file-format.md, "CSV files"). */
#pragma once

#include <glib.h>
#include <stdint.h>

G_BEGIN_DECLS

/* The most rows a CSV file may have, as many as the generators draw (10⁷,
 * NNB_PROJECT_MAX_POINTS). The file itself is read up to
 * NNB_FILE_READ_MAX_CSV_MB, and the chosen columns may hold at most
 * NNB_MAX_ELEMENTS numbers in all. */
#define NNB_CSV_MAX_ROWS 10000000
/* The most columns a project's "inputs" or "targets" may list. */
#define NNB_CSV_MAX_COLUMNS 10000

/* Whether the first line (blank and '#' lines skipped) names the columns. */
typedef enum
{
  NNB_CSV_HEADER_DETECT, /* "header" absent: a header when no cell is empty and none is a number */
  NNB_CSV_HEADER_YES,    /* "header": true — the first line names the columns, whatever it holds */
  NNB_CSV_HEADER_NO,     /* "header": false — the first line is data */
} NnbCsvHeader;

/* One chosen column: by its header name, or by its 0-based index when name
 * is NULL. */
typedef struct
{
  char *name;
  int64_t index;
} NnbCsvColumn;

/* Which columns become X and which y. With n_targets 0 the target is the
 * last column; with n_inputs 0 the inputs are every column that is not a
 * target, in file order: together, the old rule (inputs, then the target). */
typedef struct
{
  NnbCsvHeader header;
  const NnbCsvColumn *inputs;
  guint n_inputs;
  const NnbCsvColumn *targets;
  guint n_targets;
} NnbCsvChoice;

/* The chosen columns of a CSV file, read. */
typedef struct
{
  float *values; /* rows × (n_inputs + n_targets), row-major: each row's inputs, then its targets */
  int64_t rows;
  int64_t n_inputs, n_targets;
  int64_t *columns;     /* n_inputs + n_targets: the file's 0-based column of each */
  char **names;         /* their header names (NULL-terminated), NULL without a header */
  int64_t file_columns; /* how many columns the file has */
} NnbCsvTable;

/* Reads the chosen columns of text into table (cleared first). Columns not
 * chosen are not read, so they may hold text (an id, a label). Refuses, in
 * one sentence each: a column chosen twice, a name that is not in the
 * header (or a name when there is no header), an index past the last
 * column, no input or no target column, a chosen cell that is not a number
 * ("line 7, column 2: 'abc' is not a number."), ragged rows, and files over
 * the limits above. Messages name the project's fields (data.inputs[1]). */
gboolean nnb_csv_read_columns (const char *text, gsize length, const NnbCsvChoice *choice, NnbCsvTable *table,
                               GError **error);
/* Told now and then how far a read has come (the share of the text read,
 * 0 to 1); returning FALSE stops it, and the read fails with
 * G_IO_ERROR_CANCELLED. Called on the reading thread. */
typedef gboolean (*NnbCsvProgress) (double fraction, gpointer user_data);
/* Rows a reader with a list keeps reading past: a cell that is not a
 * number, a line with another number of cells. The first
 * NNB_CSV_BAD_ROWS_LISTED sentences, in line order, and how many in all. */
#define NNB_CSV_BAD_ROWS_LISTED 10
typedef struct
{
  GPtrArray *sentences; /* char *, owned by the caller's array (g_free) */
  int64_t count;
} NnbCsvBadRows;
/* nnb_csv_read_columns for a large file read on a worker: progress (may be
 * NULL) is called every few ten thousand lines, so a bar can follow and a
 * Cancel is heard within milliseconds. With bad_rows (may be NULL) every
 * bad row is counted and the first ones listed, so that a student sees
 * the file's mistakes at once; the read still fails, with the first
 * row's sentence, as nnb_csv_read_columns would. */
gboolean nnb_csv_read_columns_with_progress (const char *text, gsize length, const NnbCsvChoice *choice,
                                             NnbCsvProgress progress, gpointer user_data, NnbCsvBadRows *bad_rows,
                                             NnbCsvTable *table, GError **error);
void nnb_csv_table_clear (NnbCsvTable *table);

/* Every column, the header detected: rows × cols floats (row-major), or
 * NULL with an NNB_FILE_ERROR such as "line 7, column 2: 'abc' is not a
 * number". NaN and infinities are refused; so are empty data, ragged rows
 * and more than NNB_CSV_MAX_ROWS rows. A UTF-8 byte-order mark is skipped;
 * LF, CRLF and a lone CR all end a line. */
float *nnb_csv_parse (const char *text, gsize length, int64_t *rows, int64_t *cols, GError **error);

/* What the reader makes of the first lines, for a preview: TRUE when the
 * first line (blank and '#' lines skipped) is a header by the detection
 * rule above (no cell empty, none a number). */
gboolean nnb_csv_detect_header (const char *text, gsize length);
/* The first max_lines lines (blank and '#' lines skipped, a byte-order
 * mark dropped) split as the reader splits them: a GPtrArray of
 * NULL-terminated arrays of stripped cells (GStrv, freed with the array).
 * Reads no further than those lines, so a large file costs nothing. */
GPtrArray *nnb_csv_first_lines (const char *text, gsize length, guint max_lines);

/* Deep copies and frees of a list of chosen columns. */
NnbCsvColumn *nnb_csv_columns_copy (const NnbCsvColumn *columns, guint n);
void nnb_csv_columns_free (NnbCsvColumn *columns, guint n);

G_END_DECLS
