/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-dataset-csv.c — data from a CSV file: the chosen columns read into X
 * and y, whole (the table), then copied, split and standardised as
 * nnb_dataset_new does for drawn data. Reading is what costs (a second for
 * a million rows), so a caller that rebuilds often keeps the table and
 * names it by nnb_data_spec_csv_key. */
#include "nnb-dataset.h"
#include "nnb-training-private.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include "nnb-error.h"
#include "nnb-file-read.h"

NnbDataset *
nnb_dataset_new_from_csv_table (NnbCsvTable *table)
{
  NnbDataset *data;
  int64_t nx, ny, width;

  g_return_val_if_fail (table != NULL && table->values != NULL, NULL);

  nx = table->n_inputs;
  ny = table->n_targets;
  width = nx + ny;
  data = g_new0 (NnbDataset, 1);
  data->x = nnb_tensor_new_2d (table->rows, nx);
  data->y = nnb_tensor_new_2d (table->rows, ny);
  /* each row of the table is its inputs, then its targets */
  for (int64_t r = 0; r < table->rows; r++)
    {
      memcpy (data->x->data + r * nx, table->values + r * width, nx * sizeof (float));
      memcpy (data->y->data + r * ny, table->values + r * width + nx, ny * sizeof (float));
    }
  data->x_columns = g_memdup2 (table->columns, nx * sizeof (int64_t));
  data->y_columns = g_memdup2 (table->columns + nx, ny * sizeof (int64_t));
  if (table->names != NULL)
    {
      data->x_names = g_new0 (char *, nx + 1);
      data->y_names = g_new0 (char *, ny + 1);
      for (int64_t j = 0; j < width; j++)
        {
          if (j < nx)
            data->x_names[j] = g_strdup (table->names[j]);
          else
            data->y_names[j - nx] = g_strdup (table->names[j]);
        }
    }
  nnb_csv_table_clear (table);
  return data;
}

NnbDataset *
nnb_dataset_new_from_csv_columns (const char *text, gsize length, const NnbCsvChoice *choice, GError **error)
{
  NnbCsvTable table;

  if (!nnb_csv_read_columns (text, length, choice, &table, error))
    return NULL;
  return nnb_dataset_new_from_csv_table (&table);
}

NnbDataset *
nnb_dataset_new_from_csv_text (const char *text, gsize length, GError **error)
{
  g_return_val_if_fail (text != NULL || length == 0, NULL);

  return nnb_dataset_new_from_csv_columns (text, length, NULL, error);
}

NnbDataset *
nnb_dataset_read_csv (const NnbDataSpec *spec, GError **error)
{
  NnbCsvChoice choice;
  g_autofree char *text = NULL;
  gsize length = 0;
  NnbDataset *data;

  g_return_val_if_fail (spec != NULL && spec->kind == NNB_DATA_CSV, NULL);

  if (spec->csv_path == NULL || spec->csv_path[0] == '\0')
    {
      g_set_error_literal (error, NNB_FILE_ERROR, NNB_FILE_ERROR_INVALID,
                           "The data comes from a CSV file, but no file is named.");
      return NULL;
    }
  /* a pipe or a device named as the data would hang or fill the memory */
  if (!nnb_file_read (spec->csv_path, NNB_FILE_READ_MAX_CSV_MB, &text, &length, error))
    return NULL;
  choice = (NnbCsvChoice){ spec->csv_header, spec->csv_inputs, spec->csv_n_inputs, spec->csv_targets,
                           spec->csv_n_targets };
  data = nnb_dataset_new_from_csv_columns (text, length, &choice, error);
  if (data == NULL)
    {
      g_autofree char *name = g_path_get_basename (spec->csv_path);
      g_prefix_error (error, "%s: ", name);
    }
  return data;
}

static NnbTensor *
copy_tensor (const NnbTensor *tensor)
{
  NnbTensor *copy;

  if (tensor == NULL)
    return NULL;
  copy = nnb_tensor_new_2d (tensor->shape[0], tensor->shape[1]);
  memcpy (copy->data, tensor->data, tensor->numel * sizeof (float));
  return copy;
}

/* class_targets: the one target column's values are classes 0, 1, 2, …
 * (PyTorch's .long () would cut 2.5 to 2 without a word: refused here);
 * the count is the largest plus one (nnb-dataset.h) */
gboolean
nnb_dataset_read_class_targets (NnbDataset *data, GError **error)
{
  int64_t largest = -1;

  if (data->y->shape[1] != 1)
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT,
                   "data.class_targets needs one target column, the class of each row, not %" G_GINT64_FORMAT ".",
                   data->y->shape[1]);
      return FALSE;
    }
  for (int64_t r = 0; r < data->y->shape[0]; r++)
    {
      float v = data->y->data[r];

      if (!(v >= 0 && v <= 1e6f && v == floorf (v)))
        {
          g_set_error (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT,
                       "Row %" G_GINT64_FORMAT " of the data has the target %g, which is no class: with "
                       "data.class_targets the target column holds whole numbers 0, 1, 2, … (at most 1000000).",
                       r + 1, (double) v);
          return FALSE;
        }
      largest = MAX (largest, (int64_t) v);
    }
  data->n_classes = largest + 1;
  return TRUE;
}

NnbDataset *
nnb_dataset_new_from_table (const NnbDataSpec *spec, const NnbDataset *table, NnbGenerator *gen, GError **error)
{
  g_autoptr (NnbDataset) data = NULL;

  g_return_val_if_fail (spec != NULL && table != NULL, NULL);
  g_return_val_if_fail (table->perm == NULL && table->x_mean == NULL && table->y_mean == NULL, NULL);

  data = g_new0 (NnbDataset, 1);
  data->x = copy_tensor (table->x);
  data->y = copy_tensor (table->y);
  data->x_columns = g_memdup2 (table->x_columns, table->x->shape[1] * sizeof (int64_t));
  data->y_columns = g_memdup2 (table->y_columns, table->y->shape[1] * sizeof (int64_t));
  data->x_names = g_strdupv (table->x_names);
  data->y_names = g_strdupv (table->y_names);
  if (spec->csv_class_targets && !nnb_dataset_read_class_targets (data, error))
    return NULL;
  if (!nnb_dataset_split_and_standardize (data, spec, gen != NULL ? gen : nnb_generator_default (), error))
    return NULL;
  return g_steal_pointer (&data);
}

/* Each column as " index" or " \"name\"", the name escaped so that no
 * name can pass for two columns. */
static void
append_columns (GString *key, const NnbCsvColumn *columns, guint n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = columns[i].name != NULL ? g_strescape (columns[i].name, NULL) : NULL;

      if (name != NULL)
        g_string_append_printf (key, " \"%s\"", name);
      else
        g_string_append_printf (key, " %" G_GINT64_FORMAT, columns[i].index);
    }
}

char *
nnb_data_spec_csv_key (const NnbDataSpec *spec)
{
  GString *key;
  GStatBuf st;

  g_return_val_if_fail (spec != NULL, NULL);

  if (spec->kind != NNB_DATA_CSV || spec->csv_path == NULL || g_stat (spec->csv_path, &st) != 0)
    return NULL;
  key = g_string_new (spec->csv_path);
  /* the file as it is now: a new save of it is a new table */
  g_string_append_printf (key, "\n%" G_GUINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT,
                          (guint64) st.st_ino, (gint64) st.st_size, (gint64) st.st_mtime);
#ifdef __linux__
  g_string_append_printf (key, ".%09ld", (long) st.st_mtim.tv_nsec);
#endif
  g_string_append_printf (key, "\nheader %d\ninputs", spec->csv_header);
  append_columns (key, spec->csv_inputs, spec->csv_n_inputs);
  g_string_append (key, "\ntargets");
  append_columns (key, spec->csv_targets, spec->csv_n_targets);
  return g_string_free (key, FALSE);
}
