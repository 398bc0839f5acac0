/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "nnb-csv.h"

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

float *
nnb_csv_parse (const char *text, gsize length, int64_t *rows_out, int64_t *cols_out, GError **error)
{
  g_autofree char *copy = NULL;
  g_autoptr (GPtrArray) cells = g_ptr_array_new ();
  g_autoptr (GArray) values = g_array_new (FALSE, FALSE, sizeof (float));
  int64_t cols = -1, rows = 0;
  char *p;

  if (memchr (text, '\0', length) != NULL)
    {
      g_set_error_literal (error, NNB_FILE_ERROR, NNB_FILE_ERROR_PARSE,
                           "This is not a CSV text file: it contains binary data.");
      return NULL;
    }
  copy = g_strndup (text, length);
  p = copy;
  /* a byte-order mark, as spreadsheets write UTF-8, is not part of a cell */
  if (g_str_has_prefix (p, "\xef\xbb\xbf"))
    p += 3;

  for (int64_t l = 1; *p != '\0'; l++)
    {
      char *line = g_strstrip (next_line (&p));
      int64_t n;

      if (*line == '\0' || *line == '#')
        continue;
      split_cells (line, cells);
      n = cells->len;
      /* the first non-empty line may name the columns */
      if (cols < 0 && rows == 0 && line_is_header (cells))
        {
          cols = n;
          continue;
        }
      if (cols >= 0 && n != cols)
        {
          g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_PARSE,
                       "line %" G_GINT64_FORMAT " has %" G_GINT64_FORMAT " columns, but the lines before it have %" G_GINT64_FORMAT ".",
                       l, n, cols);
          return NULL;
        }
      if (rows == NNB_CSV_MAX_ROWS)
        {
          g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_INVALID,
                       "line %" G_GINT64_FORMAT ": the CSV file has more than %d rows of numbers, the most NN Blocks loads.",
                       l, NNB_CSV_MAX_ROWS);
          return NULL;
        }
      cols = n;
      for (int64_t c = 0; c < n; c++)
        {
          float value;
          const char *cell = cells->pdata[c];
          if (!parse_cell (cell, &value))
            {
              /* the cell as the message can show it: valid UTF-8 (the
               * file may not be), and short */
              g_autofree char *valid = g_utf8_make_valid (cell, -1);
              g_autofree char *shown = NULL;

              if (g_utf8_strlen (valid, -1) > 40)
                {
                  g_autofree char *start = g_utf8_substring (valid, 0, 40);
                  shown = g_strconcat (start, "…", NULL);
                }
              else
                shown = g_steal_pointer (&valid);
              g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_PARSE,
                           "line %" G_GINT64_FORMAT ", column %" G_GINT64_FORMAT ": '%s' is not a number.", l, c + 1, shown);
              return NULL;
            }
          g_array_append_val (values, value);
        }
      if (++rows > NNB_MAX_ELEMENTS / MAX (cols, 1))
        {
          g_set_error_literal (error, NNB_FILE_ERROR, NNB_FILE_ERROR_INVALID, "The CSV file is too large to load.");
          return NULL;
        }
    }
  if (rows == 0)
    {
      g_set_error_literal (error, NNB_FILE_ERROR, NNB_FILE_ERROR_INVALID,
                           "The CSV file has no rows of numbers.");
      return NULL;
    }
  *rows_out = rows;
  *cols_out = cols;
  return (float *) g_array_free (g_steal_pointer (&values), FALSE);
}
