/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-backend-cpu-batch-norm.c — nn.BatchNorm1d on (rows, features) data:
 * one feature after the other, through the formulas the CUDA kernels share
 * (nnb-formulas.h, which says whose bits they are). */
#include "nnb-backend-cpu-batch-norm.h"

#include "nnb-formulas.h"

void
nnb_cpu_batch_norm_forward (const float *x, gsize rows, gsize cols, const float *weight, const float *bias,
                            gboolean batch_stats, double eps, float momentum, float *running_mean, float *running_var,
                            float *y, float *save_mean, float *save_invstd)
{
  for (gsize c = 0; c < cols; c++)
    nnb_f_batch_norm_column (x, rows, cols, c, weight, bias, batch_stats, eps, momentum, running_mean, running_var, y,
                             save_mean, save_invstd);
}

void
nnb_cpu_batch_norm_backward (const float *dy, const float *x, gsize rows, gsize cols, const float *weight,
                             const float *save_mean, const float *save_invstd, gboolean batch_stats, float *dx,
                             float *dweight, float *dbias)
{
  for (gsize c = 0; c < cols; c++)
    nnb_f_batch_norm_column_backward (dy, x, rows, cols, c, weight, save_mean, save_invstd, batch_stats, dx, dweight,
                                      dbias);
}
