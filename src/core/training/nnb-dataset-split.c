/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-dataset-split.c — held-out test rows and standardisation, as the
 * PyTorch program a project stands for (docs/file-format.md) writes them,
 * right after the data is drawn, on the same generator:
 *
 *   perm = torch.randperm(len(X))
 *   n_test = int(len(X) * test_fraction)
 *   X_test, y_test = X[perm[:n_test]], y[perm[:n_test]]
 *   X, y = X[perm[n_test:]], y[perm[n_test:]]
 *   x_mean, x_std = X.mean(0), X.std(0)
 *   X, X_test = (X - x_mean) / x_std, (X_test - x_mean) / x_std
 *   (the same for y with y_mean, y_std)
 *
 * The statistics come from the training rows only, as a scaler fitted on
 * the training set would: the test rows must not leak into training. Class
 * data keeps its n_classes through the split, and its targets (class
 * indices) are never standardised. */
#include "nnb-dataset.h"

#include <math.h>
#include <string.h>
#include "nnb-backend.h"
#include "nnb-error.h"

int64_t
nnb_data_test_rows (int64_t n, double test_fraction)
{
  /* Python's int(n * f): the double product, truncated */
  return (int64_t) ((double) n * test_fraction);
}

/* X[idx] for idx = perm[start … start + count) */
static NnbTensor *
gather (const NnbTensor *src, const int64_t *perm, int64_t start, int64_t count)
{
  int64_t cols = src->shape[1];
  NnbTensor *dst = nnb_tensor_new_2d (count, cols);

  for (int64_t r = 0; r < count; r++)
    memcpy (dst->data + r * cols, src->data + perm[start + r] * cols, cols * sizeof (float));
  return dst;
}

static gboolean
split (NnbDataset *data, double fraction, NnbGenerator *gen, GError **error)
{
  int64_t n = data->x->shape[0];
  int64_t n_test = nnb_data_test_rows (n, fraction);
  NnbTensor *x, *y;

  if (n_test == 0)
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT,
                   "A test fraction of %g leaves no test point out of %" G_GINT64_FORMAT
                   " (int(%" G_GINT64_FORMAT " * %g) is 0): raise it, or set it to 0 for no test set.",
                   fraction, n, n, fraction);
      return FALSE;
    }
  if (n_test >= n)
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT,
                   "A test fraction of %g leaves no training point out of %" G_GINT64_FORMAT ": lower it.",
                   fraction, n);
      return FALSE;
    }
  data->n_all = n;
  data->perm = g_new (int64_t, n);
  nnb_rng_randperm (gen, data->perm, n);
  /* the test rows first: perm[:n_test], then the training rows */
  data->x_test = gather (data->x, data->perm, 0, n_test);
  data->y_test = gather (data->y, data->perm, 0, n_test);
  x = gather (data->x, data->perm, n_test, n - n_test);
  y = gather (data->y, data->perm, n_test, n - n_test);
  nnb_tensor_unref (data->x);
  nnb_tensor_unref (data->y);
  data->x = x;
  data->y = y;
  return TRUE;
}

/* X.std(0) as PyTorch 1.13 computes it on the CPU: Welford's running mean
 * and sum of squared deviations in double (WelfordOps), row by row, then
 * sqrt(m2 / (n - 1)) rounded to float32 (correction 1, unbiased). */
static float
column_std (const float *x, int64_t rows, int64_t cols, int64_t c)
{
  double mean = 0.0, m2 = 0.0, count = 0.0;

  for (int64_t r = 0; r < rows; r++)
    {
      double v = x[r * cols + c];
      double delta = v - mean;
      count += 1.0;
      mean += delta / count;
      m2 += delta * (v - mean);
    }
  return (float) sqrt (m2 / (count - 1.0));
}

/* (t - mean) / std in float32, one op at a time as PyTorch's eager ops */
static void
apply_standardization (NnbTensor *t, const float *mean, const float *std)
{
  int64_t rows, cols;

  if (t == NULL)
    return;
  rows = t->shape[0];
  cols = t->shape[1];
  for (int64_t r = 0; r < rows; r++)
    for (int64_t c = 0; c < cols; c++)
      {
        float centred = t->data[r * cols + c] - mean[c];
        t->data[r * cols + c] = centred / std[c];
      }
}

/* Computes the training rows' mean and std of every column of *train and
 * standardises it and *test with them. what names the tensor in messages. */
static gboolean
standardize (NnbTensor *train, NnbTensor *test, const char *what, const char *name,
             float **mean_out, float **std_out, GError **error)
{
  const NnbBackend *cpu = nnb_backend_get (nnb_device_cpu (), NULL);
  int64_t rows = train->shape[0], cols = train->shape[1];
  g_autofree float *mean = g_new0 (float, cols);
  g_autofree float *std = g_new (float, cols);

  if (rows < 2)
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT,
                   "Cannot standardise the %s with only one training row: %s.std(0) would be nan "
                   "(PyTorch: std(): degrees of freedom is <= 0).",
                   what, name);
      return FALSE;
    }
  /* X.mean(0) on the CPU is X.sum(0) / n: the column sums in PyTorch's
   * cascade order (the backend's bias gradient is the same sum), then one
   * float32 division */
  cpu->bias_grad (mean, train->data, rows, cols);
  for (int64_t c = 0; c < cols; c++)
    {
      mean[c] = mean[c] / (float) rows;
      std[c] = column_std (train->data, rows, cols, c);
      if (!(std[c] > 0.0f) || !isfinite (std[c]))
        {
          g_autofree char *column = cols > 1 ? g_strdup_printf (" column %" G_GINT64_FORMAT, c) : g_strdup ("");
          if (std[c] == 0.0f)
            g_set_error (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT,
                         "Cannot standardise the %s: %s%s has the same value in every training row, so its std is 0 "
                         "and dividing by it would give nan.",
                         what, name, column);
          else
            g_set_error (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT,
                         "Cannot standardise the %s: the std of %s%s is %g, not an ordinary number.", what, name,
                         column, (double) std[c]);
          return FALSE;
        }
    }
  apply_standardization (train, mean, std);
  apply_standardization (test, mean, std);
  *mean_out = g_steal_pointer (&mean);
  *std_out = g_steal_pointer (&std);
  return TRUE;
}

gboolean
nnb_dataset_split_and_standardize (NnbDataset *data, const NnbDataSpec *spec, NnbGenerator *gen, GError **error)
{
  g_return_val_if_fail (data != NULL && spec != NULL, FALSE);

  /* y.float ().unsqueeze (1) needs class indices to turn into floats */
  if (spec->float_targets && data->n_classes == 0)
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT,
                   "data.float_targets turns class indices into floats (y.float().unsqueeze(1)), but the %s data's "
                   "y holds values, not classes: leave float_targets out.",
                   nnb_data_kind_to_string (spec->kind));
      return FALSE;
    }
  data->float_targets = spec->float_targets;
  if (!(spec->test_fraction >= 0.0 && spec->test_fraction < 1.0))
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT,
                   "The test fraction must be at least 0 and less than 1, not %g.", spec->test_fraction);
      return FALSE;
    }
  if (spec->test_fraction > 0.0 && !split (data, spec->test_fraction, gen ? gen : nnb_generator_default (), error))
    return FALSE;
  if (spec->standardize_inputs &&
      !standardize (data->x, data->x_test, "inputs", "X", &data->x_mean, &data->x_std, error))
    return FALSE;
  if (spec->standardize_targets && data->n_classes > 0)
    {
      /* y holds class indices, which nn.CrossEntropyLoss takes as they are */
      g_set_error (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT,
                   "Class indices cannot be standardised: the %s data's y is the class of each point (0 to %" G_GINT64_FORMAT
                   "), not a value to rescale; standardise the inputs only.",
                   nnb_data_kind_to_string (spec->kind), data->n_classes - 1);
      return FALSE;
    }
  if (spec->standardize_targets &&
      !standardize (data->y, data->y_test, "targets", "y", &data->y_mean, &data->y_std, error))
    return FALSE;
  return TRUE;
}
