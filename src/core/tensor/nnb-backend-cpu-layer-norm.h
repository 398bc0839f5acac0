/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-backend-cpu-layer-norm.h — the CPU backend's LayerNorm kernels, for
 * its table in nnb-backend-cpu.c (NnbBackend's layer_norm_forward and
 * layer_norm_backward say what they compute). */
#pragma once

#include <glib.h>
#include <stdint.h>

void nnb_cpu_layer_norm_forward (const float *x, const float *weight, const float *bias, gsize rows, gsize cols,
                                 float eps, float *y, float *mean, float *rstd);
void nnb_cpu_layer_norm_backward (const float *dy, const float *x, const float *mean, const float *rstd,
                                  const float *weight, gsize rows, gsize cols, float *dx, float *dweight,
                                  float *dbias);
