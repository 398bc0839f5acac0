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
