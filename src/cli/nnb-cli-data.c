/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-cli-data.c — `nnblocks-cli data`: the data a project trains on, as
 * its PyTorch program would have it: the recipe, the tensors' shapes, the
 * columns used, the split and the standardisation, and the first rows. */
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
      printf ("data: %s, %lld points, noise %g\n", kind, (long long) spec->n, spec->noise);
      break;
    default:
      printf ("data: %s, %lld points, noise %g, x from 0 to %g\n", kind, (long long) spec->n, spec->noise,
              spec->x_max);
    }
}

/* Which columns are inputs and which the target, by the names the PyTorch
 * program gives them. */
static void
print_columns (const NnbDataSpec *spec, const NnbDataset *data)
{
  int64_t in = data->x->shape[1];

  if (spec->kind == NNB_DATA_CSV)
    printf ("columns: the first %lld are the inputs X, the last is the target y\n", (long long) in);
  else if (in == 1)
    printf ("columns: X[:, 0] is x, y is the target\n");
  else
    printf ("columns: X[:, 0] … X[:, %lld] are the inputs, y is the target\n", (long long) (in - 1));
}

static void
print_rows (const NnbTensor *x, const NnbTensor *y, int64_t rows)
{
  int64_t in = x->shape[1];

  for (int64_t c = 0; c < in; c++)
    {
      g_autofree char *name = in == 1 ? g_strdup ("x") : g_strdup_printf ("x%lld", (long long) c);

      printf ("%10s", name);
    }
  printf ("%10s\n", "y");
  for (int64_t r = 0; r < rows; r++)
    {
      for (int64_t c = 0; c < in; c++)
        printf ("%10.4f", x->data[r * in + c]);
      printf ("%10.4f\n", y->data[r]);
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
  printf ("X: torch.Size([%lld, %lld])  y: torch.Size([%lld, 1])\n", (long long) (n_train + n_test),
          (long long) data->x->shape[1], (long long) (n_train + n_test));
  print_columns (spec, data);
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
      print_rows (data->x, data->y, MIN (rows, n_train));
    }
  nnb_dataset_free (data);
  return NNB_EXIT_OK;
}
