/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-csv.c — the CSV reader: the header line (given or detected), the
 * project's choice of input and target columns resolved against it, and
 * the chosen cells as float32, each refused mistake named in one sentence
 * with its line and column. */
#include "nnb-csv.h"

#include <gio/gio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "nnb-error.h"
#include "nnb-tensor.h"

static gboolean
parse_cell (const char *cell, float *out)
{
  char *end = NULL;
  double value;

  if (*cell == '\0')
    return FALSE;
  value = g_ascii_strtod (cell, &end);
  if (end == cell || *end != '\0' || !isfinite (value) || !isfinite ((float) value))
    return FALSE;
  *out = (float) value;
  return TRUE;
}

/* A header names every column: no cell is empty and none is a number. */
static gboolean
line_is_header (GPtrArray *cells)
{
  float dummy;
  for (guint i = 0; i < cells->len; i++)
    {
      const char *cell = cells->pdata[i];
      if (*cell == '\0' || parse_cell (cell, &dummy))
        return FALSE;
    }
  return TRUE;
}

/* Splits line (changed in place) at its commas into stripped cells. */
static void
split_cells (char *line, GPtrArray *cells)
{
  g_ptr_array_set_size (cells, 0);
  for (;;)
    {
      char *comma = strchr (line, ',');

      if (comma != NULL)
        *comma = '\0';
      g_ptr_array_add (cells, g_strstrip (line));
      if (comma == NULL)
        break;
      line = comma + 1;
    }
}

/* The next line of *p, NUL-terminated in place; *p moves past its end.
 * LF, CRLF and a lone CR (old Mac files) all end a line. */
static char *
next_line (char **p)
{
  char *line = *p;
  char *end = line + strcspn (line, "\r\n");

  if (*end == '\0')
    *p = end;
  else
    {
      *p = end + (end[0] == '\r' && end[1] == '\n' ? 2 : 1);
      *end = '\0';
    }
  return line;
}

/* A cell as a message can show it: valid UTF-8 (the file may not be), and
 * at most 40 characters. */
static char *
shown_text (const char *cell)
{
  g_autofree char *valid = g_utf8_make_valid (cell, -1);

  if (g_utf8_strlen (valid, -1) > 40)
    {
      g_autofree char *start = g_utf8_substring (valid, 0, 40);
      return g_strconcat (start, "…", NULL);
    }
  return g_steal_pointer (&valid);
}

NnbCsvColumn *
nnb_csv_columns_copy (const NnbCsvColumn *columns, guint n)
{
  NnbCsvColumn *copy;

  if (columns == NULL || n == 0)
    return NULL;
  copy = g_new (NnbCsvColumn, n);
  for (guint i = 0; i < n; i++)
    {
      copy[i].name = g_strdup (columns[i].name);
      copy[i].index = columns[i].index;
    }
  return copy;
}

void
nnb_csv_columns_free (NnbCsvColumn *columns, guint n)
{
  if (columns == NULL)
    return;
  for (guint i = 0; i < n; i++)
    g_free (columns[i].name);
  g_free (columns);
}

void
nnb_csv_table_clear (NnbCsvTable *table)
{
  g_free (table->values);
  g_free (table->columns);
  g_strfreev (table->names);
  memset (table, 0, sizeof *table);
}

/* The column one entry of data.inputs or data.targets chooses, or -1 with
 * the sentence that says why none. names is NULL without a header. */
static int64_t
resolve_column (const NnbCsvColumn *column, const char *field, guint i, GPtrArray *names, int64_t cols,
                GError **error)
{
  g_autofree char *name = NULL;
  g_autoptr (GString) list = NULL;
  int64_t found = -1, count = 0;

  if (column->name == NULL)
    {
      if (column->index >= 0 && column->index < cols)
        return column->index;
      g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_INVALID,
                   "%s[%u] is index %" G_GINT64_FORMAT ", but the CSV file has %" G_GINT64_FORMAT
                   " column%s (indices 0 to %" G_GINT64_FORMAT ").",
                   field, i, column->index, cols, cols == 1 ? "" : "s", cols - 1);
      return -1;
    }
  name = shown_text (column->name);
  if (names == NULL)
    {
      g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_INVALID,
                   "%s[%u] is the name \"%s\", but the CSV file has no header line of names: choose the column "
                   "by its 0-based index, or set \"header\": true.",
                   field, i, name);
      return -1;
    }
  for (int64_t c = 0; c < cols; c++)
    if (strcmp (names->pdata[c], column->name) == 0 && count++ == 0)
      found = c;
  if (count == 1)
    return found;
  if (count > 1)
    {
      g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_INVALID,
                   "%s[%u]: \"%s\" names %" G_GINT64_FORMAT " columns of the header (the first at index %" G_GINT64_FORMAT
                   "); choose one by its 0-based index.",
                   field, i, name, count, found);
      return -1;
    }
  /* the header as the student can compare it: its first 12 names */
  list = g_string_new (NULL);
  for (int64_t c = 0; c < cols && c < 12; c++)
    {
      g_autofree char *shown = shown_text (names->pdata[c]);
      g_string_append_printf (list, "%s%s", c == 0 ? "" : c == cols - 1 ? " and "
                                                                        : ", ",
                              shown);
    }
  if (cols > 12)
    g_string_append (list, ", …");
  g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_INVALID,
               "%s[%u]: \"%s\" is not a column of the CSV file's header (%s).", field, i, name, list->str);
  return -1;
}

/* Fills table->columns, n_inputs and n_targets from choice, against names
 * (the header's cells; NULL without a header) and the file's column count.
 * The targets are resolved first: the default inputs are the rest. */
static gboolean
resolve_choice (const NnbCsvChoice *choice, GPtrArray *names, int64_t cols, NnbCsvTable *table, GError **error)
{
  /* who[c]: how column c was chosen, NULL while it is not */
  g_autoptr (GPtrArray) who = g_ptr_array_new_full (cols, g_free);
  g_autoptr (GArray) targets = g_array_new (FALSE, FALSE, sizeof (int64_t));
  g_autoptr (GArray) inputs = g_array_new (FALSE, FALSE, sizeof (int64_t));

  if (choice->n_inputs == 0 && choice->n_targets == 0 && cols < 2)
    {
      g_set_error_literal (error, NNB_FILE_ERROR, NNB_FILE_ERROR_INVALID,
                           "The CSV data has only one column; it needs at least two: "
                           "the inputs first, then the target in the last column.");
      return FALSE;
    }
  g_ptr_array_set_size (who, cols);
  for (int pass = 0; pass < 2; pass++)
    {
      gboolean target = pass == 0;
      const char *field = target ? "data.targets" : "data.inputs";
      const NnbCsvColumn *list = target ? choice->targets : choice->inputs;
      guint n = target ? choice->n_targets : choice->n_inputs;
      GArray *out = target ? targets : inputs;

      if (n == 0)
        {
          /* the old rule: the last column is the target, the rest inputs */
          if (target)
            {
              int64_t last = cols - 1;
              g_array_append_val (out, last);
              who->pdata[last] = g_strdup ("the default target (the last column)");
            }
          else
            for (int64_t c = 0; c < cols; c++)
              if (who->pdata[c] == NULL)
                g_array_append_val (out, c);
          continue;
        }
      for (guint i = 0; i < n; i++)
        {
          int64_t c = resolve_column (&list[i], field, i, names, cols, error);
          g_autofree char *by = NULL;

          if (c < 0)
            return FALSE;
          by = g_strdup_printf ("%s[%u]", field, i);
          if (who->pdata[c] != NULL)
            {
              g_autofree char *what = names != NULL
                                        ? g_strdup_printf ("The column \"%s\" (index %" G_GINT64_FORMAT ")",
                                                           (const char *) names->pdata[c], c)
                                        : g_strdup_printf ("The column at index %" G_GINT64_FORMAT, c);
              const char *earlier = who->pdata[c];
              /* the inputs named first, as the file lists them */
              gboolean swap = !target && !g_str_has_prefix (earlier, "data.inputs");

              g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_INVALID,
                           "%s is chosen twice, as %s and as %s; a column can be one input or one target.", what,
                           swap ? by : earlier, swap ? earlier : by);
              return FALSE;
            }
          g_array_append_val (out, c);
          who->pdata[c] = g_steal_pointer (&by);
        }
    }
  if (inputs->len == 0)
    {
      g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_INVALID,
                   "data.targets takes all %" G_GINT64_FORMAT " columns of the CSV file, which leaves no input column; "
                   "name the inputs in data.inputs, or fewer targets.",
                   cols);
      return FALSE;
    }
  table->n_inputs = inputs->len;
  table->n_targets = targets->len;
  table->columns = g_new (int64_t, inputs->len + targets->len);
  memcpy (table->columns, inputs->data, inputs->len * sizeof (int64_t));
  memcpy (table->columns + inputs->len, targets->data, targets->len * sizeof (int64_t));
  if (names != NULL)
    {
      table->names = g_new0 (char *, inputs->len + targets->len + 1);
      for (guint j = 0; j < inputs->len + targets->len; j++)
        table->names[j] = g_strdup (names->pdata[table->columns[j]]);
    }
  return TRUE;
}

/* Lines read between two calls of a progress callback: a million-row file
 * calls it about 60 times, each a few milliseconds apart. */
#define PROGRESS_LINES 16384

/* every: all the columns as inputs, no target (nnb_csv_parse) */
/* A bad row's sentence: kept in bad_rows (when there is a list) and the
 * reading goes on with the next line, or it ends the reading. */
static gboolean
note_bad_row (NnbCsvBadRows *bad_rows, GError **error, const char *format, ...) G_GNUC_PRINTF (3, 4);

static gboolean
note_bad_row (NnbCsvBadRows *bad_rows, GError **error, const char *format, ...)
{
  va_list args;
  char *sentence;

  va_start (args, format);
  sentence = g_strdup_vprintf (format, args);
  va_end (args);
  if (bad_rows == NULL)
    {
      g_set_error_literal (error, NNB_FILE_ERROR, NNB_FILE_ERROR_PARSE, sentence);
      g_free (sentence);
      return FALSE;
    }
  if (bad_rows->count++ < NNB_CSV_BAD_ROWS_LISTED)
    g_ptr_array_add (bad_rows->sentences, sentence);
  else
    g_free (sentence);
  return TRUE;
}

static gboolean
read_table (const char *text, gsize length, const NnbCsvChoice *choice, gboolean every, NnbCsvProgress progress,
            gpointer progress_data, NnbCsvBadRows *bad_rows, NnbCsvTable *table, GError **error)
{
  g_autofree char *copy = NULL;
  g_autofree int64_t *slot = NULL; /* slot[c]: column c's place in a row of values, or -1 */
  g_autoptr (GPtrArray) cells = g_ptr_array_new ();
  g_autoptr (GPtrArray) names = NULL;
  g_autoptr (GArray) values = g_array_new (FALSE, FALSE, sizeof (float));
  g_autofree float *row = NULL;
  int64_t cols = -1, rows = 0, width = 0;
  char *p;

  g_return_val_if_fail (text != NULL || length == 0, FALSE);
  g_return_val_if_fail (table != NULL, FALSE);

  memset (table, 0, sizeof *table);
  if (length > 0 && memchr (text, '\0', length) != NULL)
    {
      g_set_error_literal (error, NNB_FILE_ERROR, NNB_FILE_ERROR_PARSE,
                           "This is not a CSV text file: it contains binary data.");
      return FALSE;
    }
  copy = g_strndup (text ? text : "", length);
  p = copy;
  /* a byte-order mark, as spreadsheets write UTF-8, is not part of a cell */
  if (g_str_has_prefix (p, "\xef\xbb\xbf"))
    p += 3;

  for (int64_t l = 1; *p != '\0'; l++)
    {
      char *line = g_strstrip (next_line (&p));
      int64_t n, c;

      if (progress != NULL && l % PROGRESS_LINES == 0 && !progress ((double) (p - copy) / MAX (length, 1), progress_data))
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "The CSV file's reading was cancelled.");
          nnb_csv_table_clear (table);
          return FALSE;
        }
      if (*line == '\0' || *line == '#')
        continue;
      split_cells (line, cells);
      n = cells->len;
      if (cols < 0)
        {
          /* the first non-empty line may name the columns */
          gboolean header = choice->header == NNB_CSV_HEADER_YES ||
                            (choice->header == NNB_CSV_HEADER_DETECT && line_is_header (cells));

          cols = n;
          if (header)
            {
              names = g_ptr_array_new_with_free_func (g_free);
              for (guint c = 0; c < cells->len; c++)
                g_ptr_array_add (names, g_strdup (cells->pdata[c]));
            }
          if (every)
            {
              table->n_inputs = cols;
              table->columns = g_new (int64_t, cols);
              for (int64_t c = 0; c < cols; c++)
                table->columns[c] = c;
            }
          else if (!resolve_choice (choice, names, cols, table, error))
            {
              nnb_csv_table_clear (table);
              return FALSE;
            }
          width = table->n_inputs + table->n_targets;
          slot = g_new (int64_t, cols);
          for (int64_t c = 0; c < cols; c++)
            slot[c] = -1;
          for (int64_t j = 0; j < width; j++)
            slot[table->columns[j]] = j;
          row = g_new (float, width);
          if (header)
            continue;
        }
      if (n != cols)
        {
          if (note_bad_row (bad_rows, error,
                            "line %" G_GINT64_FORMAT " has %" G_GINT64_FORMAT " columns, but the lines before it have %" G_GINT64_FORMAT ".",
                            l, n, cols))
            continue;
          nnb_csv_table_clear (table);
          return FALSE;
        }
      if (rows == NNB_CSV_MAX_ROWS)
        {
          g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_INVALID,
                       "line %" G_GINT64_FORMAT ": the CSV file has more than %d rows of numbers, the most NN Blocks loads.",
                       l, NNB_CSV_MAX_ROWS);
          nnb_csv_table_clear (table);
          return FALSE;
        }
      /* only the chosen cells are numbers to read, left to right */
      for (c = 0; c < n; c++)
        {
          const char *cell = cells->pdata[c];

          if (slot[c] >= 0 && !parse_cell (cell, &row[slot[c]]))
            {
              g_autofree char *shown = shown_text (cell);

              if (note_bad_row (bad_rows, error,
                                "line %" G_GINT64_FORMAT ", column %" G_GINT64_FORMAT ": '%s' is not a number.", l,
                                c + 1, shown))
                break;
              nnb_csv_table_clear (table);
              return FALSE;
            }
        }
      if (c < n)
        continue; /* a bad row, listed */
      g_array_append_vals (values, row, width);
      if (++rows > NNB_MAX_ELEMENTS / MAX (width, 1))
        {
          g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_INVALID,
                       "line %" G_GINT64_FORMAT ": the CSV file is too large to load: its %" G_GINT64_FORMAT
                       " chosen columns hold more than %" G_GINT64_FORMAT " numbers, the most NN Blocks loads.",
                       l, width, (int64_t) NNB_MAX_ELEMENTS);
          nnb_csv_table_clear (table);
          return FALSE;
        }
    }
  if (bad_rows != NULL && bad_rows->count > 0)
    {
      /* the first bad row, as the reader without a list says it */
      g_set_error_literal (error, NNB_FILE_ERROR, NNB_FILE_ERROR_PARSE, bad_rows->sentences->pdata[0]);
      nnb_csv_table_clear (table);
      return FALSE;
    }
  if (rows == 0)
    {
      g_set_error_literal (error, NNB_FILE_ERROR, NNB_FILE_ERROR_INVALID,
                           "The CSV file has no rows of numbers.");
      nnb_csv_table_clear (table);
      return FALSE;
    }
  table->rows = rows;
  table->file_columns = cols;
  table->values = (float *) g_array_free (g_steal_pointer (&values), FALSE);
  return TRUE;
}

GPtrArray *
nnb_csv_first_lines (const char *text, gsize length, guint max_lines)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autoptr (GPtrArray) cells = g_ptr_array_new ();
  const char *p = text, *end = text + length;

  if (text == NULL)
    return lines;
  if (length >= 3 && memcmp (p, "\xef\xbb\xbf", 3) == 0)
    p += 3;
  while (p < end && lines->len < max_lines)
    {
      const char *stop = p;
      g_autofree char *line = NULL;
      char *stripped;
      GStrv row;

      while (stop < end && *stop != '\n' && *stop != '\r' && *stop != '\0')
        stop++;
      line = g_strndup (p, stop - p);
      p = stop < end && stop[0] == '\r' && stop + 1 < end && stop[1] == '\n' ? stop + 2 : stop + 1;
      stripped = g_strstrip (line);
      if (*stripped == '\0' || *stripped == '#')
        continue;
      split_cells (stripped, cells);
      row = g_new0 (char *, cells->len + 1);
      for (guint c = 0; c < cells->len; c++)
        row[c] = g_strdup (cells->pdata[c]);
      g_ptr_array_add (lines, row);
    }
  return lines;
}

gboolean
nnb_csv_detect_header (const char *text, gsize length)
{
  g_autoptr (GPtrArray) lines = nnb_csv_first_lines (text, length, 1);
  g_autoptr (GPtrArray) cells = g_ptr_array_new ();

  if (lines->len == 0)
    return FALSE;
  for (char **cell = lines->pdata[0]; *cell != NULL; cell++)
    g_ptr_array_add (cells, *cell);
  return line_is_header (cells);
}

gboolean
nnb_csv_read_columns (const char *text, gsize length, const NnbCsvChoice *choice, NnbCsvTable *table,
                      GError **error)
{
  static const NnbCsvChoice old_rule = { NNB_CSV_HEADER_DETECT, NULL, 0, NULL, 0 };

  return read_table (text, length, choice != NULL ? choice : &old_rule, FALSE, NULL, NULL, NULL, table, error);
}

gboolean
nnb_csv_read_columns_with_progress (const char *text, gsize length, const NnbCsvChoice *choice,
                                    NnbCsvProgress progress, gpointer user_data, NnbCsvBadRows *bad_rows,
                                    NnbCsvTable *table, GError **error)
{
  static const NnbCsvChoice old_rule = { NNB_CSV_HEADER_DETECT, NULL, 0, NULL, 0 };

  return read_table (text, length, choice != NULL ? choice : &old_rule, FALSE, progress, user_data, bad_rows, table,
                     error);
}

float *
nnb_csv_parse (const char *text, gsize length, int64_t *rows_out, int64_t *cols_out, GError **error)
{
  NnbCsvTable table;
  int64_t cols;
  float *values;

  static const NnbCsvChoice detect = { NNB_CSV_HEADER_DETECT, NULL, 0, NULL, 0 };

  if (!read_table (text, length, &detect, TRUE, NULL, NULL, NULL, &table, error))
    return NULL;
  cols = table.n_inputs + table.n_targets;
  values = g_steal_pointer (&table.values);
  *rows_out = table.rows;
  *cols_out = cols;
  nnb_csv_table_clear (&table);
  return values;
}
