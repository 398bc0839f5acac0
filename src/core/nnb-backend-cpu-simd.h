/* nnb-backend-cpu-simd.h — element-wise kernels compiled for AVX2+FMA.
 *
 * They live in their own file because only that file is compiled with
 * -mavx2 -mfma; the CPU backend calls them when the processor has both.
 * tanh and exp come from SLEEF's 8-lane u10 functions, as PyTorch's
 * Vectorized<float> computes them, so the bits agree with PyTorch. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean nnb_simd_available (void);
void nnb_simd_tanh (const float *x, float *y, gsize n);
void nnb_simd_sigmoid (const float *x, float *y, gsize n);
void nnb_simd_tanh_backward (const float *y, const float *dy, float *dx, gsize n, gboolean accumulate);

G_END_DECLS

#include "nnb-optim-kernels.h"

G_BEGIN_DECLS
void nnb_simd_sgd_step (float *param, const float *grad, float *momentum_buf, gsize n,
                        float lr, float momentum, float dampening, float weight_decay,
                        gboolean nesterov, gboolean first_step);
void nnb_simd_adam_step (float *param, const float *grad, float *exp_avg, float *exp_avg_sq,
                         gsize n, const NnbAdamScalars *scalars);
G_END_DECLS
