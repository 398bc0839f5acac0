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

/* C = A·op(B) (row-major, A not transposed, alpha 1, beta 0 or 1) for
 * k < 8 (a layer with fewer than 8 inputs, or the gradient through one with
 * fewer than 8 outputs) or n ≤ 3 with k ≤ 320 (a layer with at most 3
 * outputs), with OpenBLAS's Haswell bits (nnb-simd-gemm.c). FALSE,
 * touching nothing, for any other product. */
gboolean nnb_simd_gemm_small (gboolean trans_b, int m, int n, int k, float alpha, const float *a, int lda,
                              const float *b, int ldb, float beta, float *c, int ldc);
/* C = Aᵀ·B (row-major, B not transposed, alpha 1, beta 0 or 1) for C with
 * fewer than 8 columns or at most 3 rows (the weight gradient of a layer
 * with fewer than 8 inputs or at most 3 outputs), with OpenBLAS's Haswell
 * bits, its blocks of k included. FALSE, touching nothing, for any other
 * product. */
gboolean nnb_simd_gemm_tn_narrow (int m, int n, int k, float alpha, const float *a, int lda, const float *b, int ldb,
                                  float beta, float *c, int ldc);
/* The 2 × 2 confusion counts of n rows of two outputs against 0/1
 * targets, added to cells (true class 0: predicted 0, 1; true class 1: …) */
void nnb_simd_count_two_classes (const float *pred, gsize n, const float *target, int64_t cells[4]);
/* C = op(A)·op(B) (row-major, not both transposed, alpha 1, beta 0 or 1)
 * for C of exactly 16 columns, a layer of 16 units, with OpenBLAS's
 * Haswell bits: its tiles of 12 rows, some summed in two accumulators, and
 * its blocks of k. FALSE, touching nothing, for any other product. */
gboolean nnb_simd_gemm_sixteen (gboolean trans_a, gboolean trans_b, int m, int n, int k, float alpha, const float *a,
                                int lda, const float *b, int ldb, float beta, float *c, int ldc);
/* The levels of PyTorch's cascade sums (SumKernel.cpp) cascade every
 * 2^MAX (4, ceil_log2 (size) / levels) rows: ceil_log2 for both files that
 * sum that way, nnb-backend-cpu.c and nnb-simd-cascade.c */
static inline int
nnb_ceil_log2 (gsize x)
{
  int bits = 0;

  while (((gsize) 1 << bits) < x)
    bits++;
  return bits;
}

/* PyTorch's cascade sum of width ≤ 16 columns (nnb-backend-cpu.c's
 * cascade_columns), the columns in vector lanes, the levels in registers */
void nnb_simd_cascade_columns (const float *dy, gsize cols, gsize c0, gsize width, gsize first, gsize step,
                               gsize size, float *out);

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
