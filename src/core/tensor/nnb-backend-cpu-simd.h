/* SPDX-License-Identifier: GPL-3.0-or-later */
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
/* log_softmax over rows of fewer than 8 floats (a classifier's outputs),
 * eight rows at a time with the bits of nnb-formulas.h's rows; they do the
 * first rows / 8 * 8 rows and return how many (the caller does the rest
 * row by row). dx may be dy when not accumulating. */
gsize nnb_simd_log_softmax_narrow (const float *x, float *y, gsize rows, gsize cols);
gsize nnb_simd_log_softmax_backward_narrow (const float *y, const float *dy, float *dx, gsize rows, gsize cols,
                                            gboolean accumulate);
void nnb_simd_tanh_backward (const float *y, const float *dy, float *dx, gsize n, gboolean accumulate);
void nnb_simd_sigmoid_backward (const float *y, const float *dy, float *dx, gsize n, gboolean accumulate);
void nnb_simd_relu (const float *x, float *y, gsize n);
void nnb_simd_relu_backward (const float *y, const float *dy, float *dx, gsize n, gboolean accumulate);
void nnb_simd_leaky_relu (const float *x, float *y, gsize n, float slope);
void nnb_simd_leaky_relu_backward (const float *x, const float *dy, float *dx, gsize n, float slope,
                                   gboolean accumulate);
void nnb_simd_add (const float *a, const float *b, float *y, gsize n);
void nnb_simd_loss_grad (gboolean mse, const float *pred, const float *target, float *grad, gsize n, float norm);
void nnb_simd_gelu (const float *x, float *y, gsize n);
void nnb_simd_gelu_backward (const float *x, const float *dy, float *dx, gsize n, gboolean accumulate);

/* The same tanh and sigmoid 16 lanes at a time, from SLEEF's AVX-512
 * functions (nnb-backend-cpu-avx512.c), which give the 8-lane functions'
 * bits for every float (checked exhaustively; tests/test-simd-accuracy.c
 * keeps a sample of it) in half the time. */
gboolean nnb_avx512_available (void);
void nnb_avx512_tanh (const float *x, float *y, gsize n);
void nnb_avx512_sigmoid (const float *x, float *y, gsize n);

G_END_DECLS

#include "nnb-optim-kernels.h"

G_BEGIN_DECLS
void nnb_simd_sgd_step (float *param, const float *grad, float *momentum_buf, gsize n,
                        float lr, float momentum, float dampening, float weight_decay,
                        gboolean nesterov, gboolean first_step);
void nnb_simd_adam_step (float *param, const float *grad, float *exp_avg, float *exp_avg_sq,
                         gsize n, const NnbAdamScalars *scalars);
G_END_DECLS
