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
line_is_header (char **cells)
{
  float dummy;
  for (int i = 0; cells[i]; i++)
    {
      char *cell = g_strstrip (cells[i]);
      if (*cell == '\0' || parse_cell (cell, &dummy))
        return FALSE;
    }
  return TRUE;
}

float *
nnb_csv_parse (const char *text, gsize length, int64_t *rows_out, int64_t *cols_out, GError **error)
{
  g_autofree char *copy = NULL;
  g_auto (GStrv) lines = NULL;
  g_autoptr (GArray) values = g_array_new (FALSE, FALSE, sizeof (float));
  int64_t cols = -1, rows = 0;

  if (memchr (text, '\0', length) != NULL)
    {
      g_set_error_literal (error, NNB_FILE_ERROR, NNB_FILE_ERROR_PARSE,
                           "This is not a CSV text file: it contains binary data.");
      return NULL;
    }
  copy = g_strndup (text, length);
  lines = g_strsplit (copy, "\n", -1);

  for (int l = 0; lines[l]; l++)
    {
      g_auto (GStrv) cells = NULL;
      char *line = g_strstrip (lines[l]);
      int64_t n = 0;

      if (*line == '\0' || *line == '#')
        continue;
      cells = g_strsplit (line, ",", -1);
      n = g_strv_length (cells);
      /* the first non-empty line may name the columns */
      if (cols < 0 && rows == 0 && line_is_header (cells))
        {
          cols = n;
          continue;
        }
      if (cols >= 0 && n != cols)
        {
          g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_PARSE,
                       "line %d has %" G_GINT64_FORMAT " columns, but the lines before it have %" G_GINT64_FORMAT ".",
                       l + 1, n, cols);
          return NULL;
        }
      cols = n;
      for (int c = 0; c < n; c++)
        {
          float value;
          char *cell = g_strstrip (cells[c]);
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
                           "line %d, column %d: '%s' is not a number.", l + 1, c + 1, shown);
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
