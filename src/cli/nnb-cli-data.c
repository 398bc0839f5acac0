/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-cli-data.c — `nnblocks-cli data`: the data a project trains on, as
 * its PyTorch program would have it: the recipe, the tensors' shapes, the
 * columns used (a CSV file's chosen inputs and targets, by header name),
 * class data's classes and points per class, the split and the
 * standardisation, and the first rows. */
#include "nnb-cli.h"

#include <stdio.h>

/* The recipe in a line: what the generator draws, with its numbers. */
static void
print_recipe (const NnbDataSpec *spec)
{
  const char *kind = nnb_data_kind_to_string (spec->kind);

  switch (spec->kind)
    {
    case NNB_DATA_CSV:
      printf ("data: csv, %s\n", spec->csv_path != NULL ? spec->csv_path : "?");
      break;
    case NNB_DATA_SINE_PRODUCT:
    case NNB_DATA_XOR:
    case NNB_DATA_MOONS:
      printf ("data: %s, %lld points, noise %g\n", kind, (long long) spec->n, spec->noise);
      break;
    case NNB_DATA_CIRCLE:
      printf ("data: %s, %lld points, radius %g, noise %g\n", kind, (long long) spec->n, spec->radius, spec->noise);
      break;
    case NNB_DATA_GAUSS:
      printf ("data: %s, %lld points, distance %g, noise %g\n", kind, (long long) spec->n, spec->distance,
              spec->noise);
      break;
    case NNB_DATA_SPIRAL:
      printf ("data: %s, %lld points, turns %g, noise %g\n", kind, (long long) spec->n, spec->turns, spec->noise);
      break;
    case NNB_DATA_BLOBS:
      printf ("data: %s, %lld points, %lld classes, noise %g\n", kind, (long long) spec->n, (long long) spec->classes,
              spec->noise);
      break;
    default:
      printf ("data: %s, %lld points, noise %g, x from 0 to %g\n", kind, (long long) spec->n, spec->noise,
              spec->x_max);
    }
}

/* "x1, x2, x3" by header name, or "columns 0, 1, 2" (0-based) without one */
static char *
column_list (const int64_t *columns, char **names, int64_t n)
{
  GString *text = g_string_new (names == NULL ? (n == 1 ? "column " : "columns ") : NULL);

  for (int64_t j = 0; j < n; j++)
    {
      if (j > 0)
        g_string_append (text, ", ");
      if (names != NULL)
        g_string_append (text, names[j]);
      else
        g_string_append_printf (text, "%lld", (long long) columns[j]);
    }
  return g_string_free (text, FALSE);
}

/* Which columns are inputs and which the targets, by the names the PyTorch
 * program gives them; a CSV's by its header's names (or 0-based indices). */
static void
print_columns (const NnbDataSpec *spec, const NnbDataset *data)
{
  int64_t in = data->x->shape[1];

  if (spec->kind == NNB_DATA_CSV && data->x_columns != NULL)
    {
      g_autofree char *inputs = column_list (data->x_columns, data->x_names, in);
      g_autofree char *targets = column_list (data->y_columns, data->y_names, data->y->shape[1]);

      printf ("columns: X from %s; y from %s%s\n", inputs, targets,
              data->x_names == NULL ? " (0-based)" : "");
    }
  else if (in == 1)
    printf ("columns: X[:, 0] is x, y is the target\n");
  else
    printf ("columns: X[:, 0] … X[:, %lld] are the inputs, y is the %s\n", (long long) (in - 1),
            data->n_classes > 0 ? "class of each point" : "target");
}

/* "0: 100, 1: 100": how many of y's rows hold each class */
static void
print_class_counts (const char *what, const NnbTensor *y, int64_t n_classes)
{
  g_autofree int64_t *counts = g_new0 (int64_t, n_classes);

  for (int64_t r = 0; r < y->shape[0]; r++)
    {
      int64_t c = (int64_t) y->data[r];
      if (c >= 0 && c < n_classes)
        counts[c]++;
    }
  printf ("points per class%s:", what);
  for (int64_t c = 0; c < n_classes; c++)
    printf ("%s %lld: %lld", c > 0 ? "," : "", (long long) c, (long long) counts[c]);
  printf ("\n");
}

/* Class data: y holds class indices (a LongTensor of shape (n,) in the
 * PyTorch program, as nn.CrossEntropyLoss takes it), and how many points
 * each class has, in the training and test rows. */
static void
print_classes (const NnbDataset *data)
{
  if (data->n_classes == 0)
    return;
  printf ("classes: %lld (y holds each point's class, 0 to %lld)\n", (long long) data->n_classes,
          (long long) (data->n_classes - 1));
  print_class_counts (data->y_test != NULL ? " (training rows)" : "", data->y, data->n_classes);
  if (data->y_test != NULL)
    print_class_counts (" (test rows)", data->y_test, data->n_classes);
}

/* A column's heading: its header name, or x, x0, x1 …, y, y0, y1 … */
static char *
heading (char **names, const char *letter, int64_t count, int64_t j)
{
  if (names != NULL)
    return g_strdup (names[j]);
  return count == 1 ? g_strdup (letter) : g_strdup_printf ("%s%lld", letter, (long long) j);
}

static void
print_rows (const NnbDataset *data, int64_t rows)
{
  const NnbTensor *x = data->x, *y = data->y;
  int64_t in = x->shape[1], out = y->shape[1];

  for (int64_t c = 0; c < in; c++)
    {
      g_autofree char *name = heading (data->x_names, "x", in, c);
      printf ("%10s", name);
    }
  for (int64_t c = 0; c < out; c++)
    {
      g_autofree char *name = heading (data->y_names, "y", out, c);
      printf ("%10s", name);
    }
  printf ("\n");
  for (int64_t r = 0; r < rows; r++)
    {
      for (int64_t c = 0; c < in; c++)
        printf ("%10.4f", x->data[r * in + c]);
      for (int64_t c = 0; c < out; c++)
        if (data->n_classes > 0) /* a class index, a whole number */
          printf ("%10lld", (long long) y->data[r * out + c]);
        else
          printf ("%10.4f", y->data[r * out + c]);
      printf ("\n");
    }
}

int
nnb_cli_data (int argc, char **argv)
{
  static int rows = 5;
  static const GOptionEntry entries[] = {
    { "rows", 0, 0, G_OPTION_ARG_INT, &rows, "How many of the first rows to print (default 5)", "N" },
    { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("FILE.nnb");
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbProject) project = NULL;
  NnbDataset *data = NULL;
  const NnbDataSpec *spec;
  int64_t n_train, n_test;
  int status;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!nnb_cli_parse (context, &argc, &argv, 1,
                      "Prints the data a project trains on: its recipe, the shapes of X and y, the columns, the "
                      "test split and the standardisation, and the first rows.",
                      &status))
    return status;
  if (rows < 0)
    {
      fprintf (stderr, "nnblocks-cli: --rows must be 0 or more, not %d\n", rows);
      return NNB_EXIT_USAGE;
    }
  project = nnb_cli_load_project (argv[1], &data, &error);
  if (project == NULL)
    return nnb_cli_fail (error);

  spec = &project->data;
  n_train = data->x->shape[0];
  n_test = data->x_test != NULL ? data->x_test->shape[0] : 0;
  print_recipe (spec);
  if (data->n_classes > 0) /* the program's y: a LongTensor of class indices */
    printf ("X: torch.Size([%lld, %lld])  y: torch.Size([%lld]), torch.int64\n", (long long) (n_train + n_test),
            (long long) data->x->shape[1], (long long) (n_train + n_test));
  else
    printf ("X: torch.Size([%lld, %lld])  y: torch.Size([%lld, %lld])\n", (long long) (n_train + n_test),
            (long long) data->x->shape[1], (long long) (n_train + n_test), (long long) data->y->shape[1]);
  print_columns (spec, data);
  print_classes (data);
  if (n_test > 0)
    printf ("test_fraction %g: %lld test rows (X_test), %lld training rows (X)\n", spec->test_fraction,
            (long long) n_test, (long long) n_train);
  if (spec->standardize_inputs || spec->standardize_targets)
    printf ("standardised with the training rows' mean(0) and std(0): %s\n",
            spec->standardize_inputs && spec->standardize_targets ? "X and y"
            : spec->standardize_inputs                            ? "X"
                                                                  : "y");
  if (rows > 0)
    {
      printf ("first %lld %srows:\n", (long long) MIN (rows, n_train), n_test > 0 ? "training " : "");
      print_rows (data, MIN (rows, n_train));
    }
  nnb_dataset_free (data);
  return NNB_EXIT_OK;
}
