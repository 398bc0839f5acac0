/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-backend-cpu-batch-norm.h — the CPU backend's BatchNorm1d kernels, for
 * its table in nnb-backend-cpu.c (NnbBackend's batch_norm_forward and
 * batch_norm_backward say what they compute). */
#pragma once

#include <glib.h>

void nnb_cpu_batch_norm_forward (const float *x, gsize rows, gsize cols, const float *weight, const float *bias,
                                 gboolean batch_stats, double eps, float momentum, float *running_mean,
                                 float *running_var, float *y, float *save_mean, float *save_invstd);
void nnb_cpu_batch_norm_backward (const float *dy, const float *x, gsize rows, gsize cols, const float *weight,
                                  const float *save_mean, const float *save_invstd, gboolean batch_stats, float *dx,
                                  float *dweight, float *dbias);
