/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "nnb-backend-cpu-simd.h"

#include <immintrin.h>
#include <math.h>
#include <sleef.h>
#include <string.h>
#include "nnb-formulas.h"
#include "nnb-tensor-private.h"

/* tests/test-backend-ops.c's switch to the scalar loops for one call,
 * so that both kinds of kernel run in one process */
static gboolean force_scalar;

void
nnb_backend_cpu_force_scalar (gboolean scalar)
{
  force_scalar = scalar;
}

/* Whether the CPU backend uses these kernels (and, through
 * nnb_avx512_available, the AVX-512 ones): when the processor has AVX2 and
 * FMA, unless the environment variable NNB_CPU_KERNELS is "scalar". That
 * switch forces the plain loops of nnb-backend-cpu.c, which a machine
 * without AVX2 runs and which no test would reach otherwise; `meson test
 * --setup scalar` runs the suites through them (docs/testing.md). It is
 * read once, at the backend's first choice of kernel. */
gboolean
nnb_simd_available (void)
{
  static int available = -1;

  if (available < 0)
    {
      const char *kernels = g_getenv ("NNB_CPU_KERNELS");

      __builtin_cpu_init ();
      available = __builtin_cpu_supports ("avx2") && __builtin_cpu_supports ("fma") &&
                  g_strcmp0 (kernels, "scalar") != 0;
    }
  return available && !force_scalar;
}

void
nnb_simd_tanh (const float *x, float *y, gsize n)
{
  gsize i = 0;

  for (; i + 8 <= n; i += 8)
    _mm256_storeu_ps (y + i, Sleef_tanhf8_u10 (_mm256_loadu_ps (x + i)));
  if (i < n)
    {
      /* the tail through the same 8-lane function, like Vectorized::loadu(ptr, count) */
      float in[8] = { 0 }, out[8];
      memcpy (in, x + i, (n - i) * sizeof (float));
      _mm256_storeu_ps (out, Sleef_tanhf8_u10 (_mm256_loadu_ps (in)));
      memcpy (y + i, out, (n - i) * sizeof (float));
    }
}

static inline __m256
sigmoid8 (__m256 x)
{
  /* PyTorch: 1 / (1 + exp(-x)) */
  const __m256 one = _mm256_set1_ps (1.0f);
  __m256 e = Sleef_expf8_u10 (_mm256_sub_ps (_mm256_setzero_ps (), x));
  return _mm256_div_ps (one, _mm256_add_ps (one, e));
}

void
nnb_simd_sigmoid (const float *x, float *y, gsize n)
{
  gsize i = 0;

  for (; i + 8 <= n; i += 8)
    _mm256_storeu_ps (y + i, sigmoid8 (_mm256_loadu_ps (x + i)));
  if (i < n)
    {
      float in[8] = { 0 }, out[8];
      memcpy (in, x + i, (n - i) * sizeof (float));
      _mm256_storeu_ps (out, sigmoid8 (_mm256_loadu_ps (in)));
      memcpy (y + i, out, (n - i) * sizeof (float));
    }
}

void
nnb_simd_tanh_backward (const float *y, const float *dy, float *dx, gsize n, gboolean accumulate)
{
  const __m256 one = _mm256_set1_ps (1.0f);
  gsize i = 0;

  /* PyTorch's tanh_backward: dy · (1 − y²), its a * (one_vec - b * b)
   * compiled with FMA, which GCC contracts into one fused 1 − y·y */
  for (; i + 8 <= n; i += 8)
    {
      __m256 yv = _mm256_loadu_ps (y + i);
      __m256 g = _mm256_mul_ps (_mm256_loadu_ps (dy + i), _mm256_fnmadd_ps (yv, yv, one));
      if (accumulate)
        g = _mm256_add_ps (_mm256_loadu_ps (dx + i), g);
      _mm256_storeu_ps (dx + i, g);
    }
  for (; i < n; i++)
    {
      float g = nnb_f_tanh_backward (y[i], dy[i]);
      dx[i] = accumulate ? dx[i] + g : g;
    }
}

/* ReLU as compare-and-mask: no branch on the sign of the value, which in
 * training is random and made the plain loop mispredict about every other
 * element. The mask keeps the scalar rule bit for bit: x > 0 (false for
 * nan and -0) keeps x, anything else gives +0. */
void
nnb_simd_relu (const float *x, float *y, gsize n)
{
  const __m256 zero = _mm256_setzero_ps ();
  gsize i = 0;

  for (; i + 8 <= n; i += 8)
    {
      __m256 v = _mm256_loadu_ps (x + i);
      _mm256_storeu_ps (y + i, _mm256_and_ps (v, _mm256_cmp_ps (v, zero, _CMP_GT_OQ)));
    }
  for (; i < n; i++)
    y[i] = nnb_f_relu (x[i]);
}

/* threshold_backward on the output: 0 where y <= 0 (not for nan), else dy */
void
nnb_simd_relu_backward (const float *y, const float *dy, float *dx, gsize n, gboolean accumulate)
{
  const __m256 zero = _mm256_setzero_ps ();
  gsize i = 0;

  if (accumulate)
    for (; i + 8 <= n; i += 8)
      {
        __m256 off = _mm256_cmp_ps (_mm256_loadu_ps (y + i), zero, _CMP_LE_OQ);
        __m256 g = _mm256_andnot_ps (off, _mm256_loadu_ps (dy + i));
        _mm256_storeu_ps (dx + i, _mm256_add_ps (_mm256_loadu_ps (dx + i), g));
      }
  else
    for (; i + 8 <= n; i += 8)
      {
        __m256 off = _mm256_cmp_ps (_mm256_loadu_ps (y + i), zero, _CMP_LE_OQ);
        _mm256_storeu_ps (dx + i, _mm256_andnot_ps (off, _mm256_loadu_ps (dy + i)));
      }
  for (; i < n; i++)
    {
      float g = nnb_f_relu_backward (y[i], dy[i]);
      dx[i] = accumulate ? dx[i] + g : g;
    }
}

/* LeakyReLU: x > 0 ? x : x * slope, as a blend of both */
void
nnb_simd_leaky_relu (const float *x, float *y, gsize n, float slope)
{
  const __m256 zero = _mm256_setzero_ps (), s = _mm256_set1_ps (slope);
  gsize i = 0;

  for (; i + 8 <= n; i += 8)
    {
      __m256 v = _mm256_loadu_ps (x + i);
      __m256 pos = _mm256_cmp_ps (v, zero, _CMP_GT_OQ);
      _mm256_storeu_ps (y + i, _mm256_blendv_ps (_mm256_mul_ps (v, s), v, pos));
    }
  for (; i < n; i++)
    y[i] = nnb_f_leaky_relu (x[i], slope);
}

/* LeakyReLU's backward on the input: x > 0 ? dy : dy * slope */
void
nnb_simd_leaky_relu_backward (const float *x, const float *dy, float *dx, gsize n, float slope,
                              gboolean accumulate)
{
  const __m256 zero = _mm256_setzero_ps (), s = _mm256_set1_ps (slope);
  gsize i = 0;

  for (; i + 8 <= n; i += 8)
    {
      __m256 d = _mm256_loadu_ps (dy + i);
      __m256 pos = _mm256_cmp_ps (_mm256_loadu_ps (x + i), zero, _CMP_GT_OQ);
      __m256 g = _mm256_blendv_ps (_mm256_mul_ps (d, s), d, pos);
      if (accumulate)
        g = _mm256_add_ps (_mm256_loadu_ps (dx + i), g);
      _mm256_storeu_ps (dx + i, g);
    }
  for (; i < n; i++)
    {
      float g = nnb_f_leaky_relu_backward (x[i], dy[i], slope);
      dx[i] = accumulate ? dx[i] + g : g;
    }
}

/* sigmoid's backward on the output: dy * (1 - y) * y, left to right */
void
nnb_simd_sigmoid_backward (const float *y, const float *dy, float *dx, gsize n, gboolean accumulate)
{
  const __m256 one = _mm256_set1_ps (1.0f);
  gsize i = 0;

  for (; i + 8 <= n; i += 8)
    {
      __m256 yv = _mm256_loadu_ps (y + i);
      __m256 g = _mm256_mul_ps (_mm256_mul_ps (_mm256_loadu_ps (dy + i), _mm256_sub_ps (one, yv)), yv);
      if (accumulate)
        g = _mm256_add_ps (_mm256_loadu_ps (dx + i), g);
      _mm256_storeu_ps (dx + i, g);
    }
  for (; i < n; i++)
    {
      float g = nnb_f_sigmoid_backward (y[i], dy[i]);
      dx[i] = accumulate ? dx[i] + g : g;
    }
}

/* GELU (erf form) eight floats at a time: nnb-formulas.h's nnb_f_gelu
 * and nnb_f_gelu_derivative (oneDNN's AVX2 kernel, PyTorch's) in AVX2
 * instructions, one for one; the scalar formulas give the same bits */
#define GELU_C(bits) _mm256_castsi256_ps (_mm256_set1_epi32 ((int) (bits)))

static inline __m256
onednn_exp8 (__m256 x)
{
  const __m256 ln_flt_min = GELU_C (0xc2aeac50u);
  __m256 underflow = _mm256_cmp_ps (x, ln_flt_min, _CMP_LT_OS);
  __m256 fx, r, p, two_n;
  __m256i n;

  x = _mm256_max_ps (_mm256_min_ps (x, GELU_C (0x42b17218u)), ln_flt_min);
  fx = _mm256_floor_ps (_mm256_add_ps (_mm256_mul_ps (x, GELU_C (0x3fb8aa3bu)), _mm256_set1_ps (0.5f)));
  r = _mm256_fnmadd_ps (fx, GELU_C (0x3f317218u), x);
  n = _mm256_slli_epi32 (_mm256_add_epi32 (_mm256_cvtps_epi32 (fx), _mm256_set1_epi32 (127)), 23);
  two_n = _mm256_blendv_ps (_mm256_castsi256_ps (n), _mm256_setzero_ps (), underflow);
  p = _mm256_fmadd_ps (GELU_C (0x3c07cfceu), r, GELU_C (0x3d2b9d0du));
  p = _mm256_fmadd_ps (p, r, GELU_C (0x3e2aad40u));
  p = _mm256_fmadd_ps (p, r, GELU_C (0x3efffee3u));
  p = _mm256_fmadd_ps (p, r, GELU_C (0x3f7ffffbu));
  p = _mm256_fmadd_ps (p, r, _mm256_set1_ps (1.0f));
  return _mm256_mul_ps (p, two_n);
}

/* erf(z) from q = −exp(−z²), as nnb_f_onednn_erf_from */
static inline __m256
onednn_erf8 (__m256 z, __m256 q)
{
  const __m256 sign = _mm256_set1_ps (-0.0f), one = _mm256_set1_ps (1.0f);
  __m256 t = _mm256_div_ps (one, _mm256_fmadd_ps (GELU_C (0x3ea7ba05u), _mm256_andnot_ps (sign, z), one));
  __m256 p = _mm256_fmadd_ps (GELU_C (0x3f87dc22u), t, GELU_C (0xbfba00e3u));

  p = _mm256_fmadd_ps (p, t, GELU_C (0x3fb5f0e3u));
  p = _mm256_fmadd_ps (p, t, GELU_C (0xbe91a98eu));
  p = _mm256_fmadd_ps (p, t, GELU_C (0x3e827906u));
  return _mm256_xor_ps (_mm256_fmadd_ps (_mm256_mul_ps (q, t), p, one), _mm256_and_ps (z, sign));
}

static inline __m256
gelu8 (__m256 s)
{
  const __m256 sign = _mm256_set1_ps (-0.0f);
  __m256 z = _mm256_mul_ps (s, GELU_C (0x3f3504f3u)), half_s = _mm256_mul_ps (s, _mm256_set1_ps (0.5f));
  __m256 q = _mm256_xor_ps (onednn_exp8 (_mm256_xor_ps (_mm256_mul_ps (z, z), sign)), sign);

  return _mm256_fmadd_ps (onednn_erf8 (z, q), half_s, half_s);
}

static inline __m256
gelu_derivative8 (__m256 s)
{
  const __m256 sign = _mm256_set1_ps (-0.0f), half = _mm256_set1_ps (0.5f);
  __m256 z = _mm256_mul_ps (s, GELU_C (0x3f3504f3u));
  __m256 q = onednn_exp8 (_mm256_xor_ps (_mm256_mul_ps (z, z), sign));
  __m256 density = _mm256_mul_ps (_mm256_mul_ps (z, GELU_C (0x3f106ebau)), q);

  return _mm256_fmadd_ps (onednn_erf8 (z, _mm256_xor_ps (q, sign)), half, _mm256_add_ps (density, half));
}

#undef GELU_C

void
nnb_simd_gelu (const float *x, float *y, gsize n)
{
  gsize i = 0;

  for (; i + 8 <= n; i += 8)
    _mm256_storeu_ps (y + i, gelu8 (_mm256_loadu_ps (x + i)));
  for (; i < n; i++)
    y[i] = nnb_f_gelu (x[i]);
}

/* dy · GELU'(x), the product in float */
void
nnb_simd_gelu_backward (const float *x, const float *dy, float *dx, gsize n, gboolean accumulate)
{
  gsize i = 0;

  for (; i + 8 <= n; i += 8)
    {
      __m256 g = _mm256_mul_ps (_mm256_loadu_ps (dy + i), gelu_derivative8 (_mm256_loadu_ps (x + i)));
      if (accumulate)
        g = _mm256_add_ps (_mm256_loadu_ps (dx + i), g);
      _mm256_storeu_ps (dx + i, g);
    }
  for (; i < n; i++)
    {
      float g = nnb_f_gelu_backward (x[i], dy[i]);
      dx[i] = accumulate ? dx[i] + g : g;
    }
}

/* The loss's gradient: MSE (2/N)·(x − t), L1 sign(x − t)/N (0 where
 * x − t is 0 or nan), N folded into norm */
void
nnb_simd_loss_grad (gboolean mse, const float *pred, const float *target, float *grad, gsize n, float norm)
{
  const __m256 zero = _mm256_setzero_ps (), pos = _mm256_set1_ps (norm), neg = _mm256_set1_ps (-norm);
  gsize i = 0;

  if (mse)
    for (; i + 8 <= n; i += 8)
      {
        __m256 diff = _mm256_sub_ps (_mm256_loadu_ps (pred + i), _mm256_loadu_ps (target + i));
        _mm256_storeu_ps (grad + i, _mm256_mul_ps (pos, diff));
      }
  else
    for (; i + 8 <= n; i += 8)
      {
        __m256 diff = _mm256_sub_ps (_mm256_loadu_ps (pred + i), _mm256_loadu_ps (target + i));
        __m256 g = _mm256_or_ps (_mm256_and_ps (_mm256_cmp_ps (diff, zero, _CMP_GT_OQ), pos),
                                 _mm256_and_ps (_mm256_cmp_ps (diff, zero, _CMP_LT_OQ), neg));
        _mm256_storeu_ps (grad + i, g);
      }
  for (; i < n; i++)
    grad[i] = nnb_f_loss_grad (mse, pred[i], target[i], norm);
}

void
nnb_simd_add (const float *a, const float *b, float *y, gsize n)
{
  gsize i = 0;

  for (; i + 8 <= n; i += 8)
    _mm256_storeu_ps (y + i, _mm256_add_ps (_mm256_loadu_ps (a + i), _mm256_loadu_ps (b + i)));
  for (; i < n; i++)
    y[i] = a[i] + b[i];
}

void
nnb_simd_sgd_step (float *param, const float *grad, float *momentum_buf, gsize n,
                   float lr, float momentum, float dampening, float weight_decay,
                   gboolean nesterov, gboolean first_step)
{
  nnb_sgd_kernel (param, grad, momentum_buf, n, lr, momentum, dampening, weight_decay, nesterov, first_step);
}

void
nnb_simd_adam_step (float *param, const float *grad, float *exp_avg, float *exp_avg_sq,
                    gsize n, const NnbAdamScalars *scalars)
{
  nnb_adam_kernel (param, grad, exp_avg, exp_avg_sq, n, scalars);
}

/* ---- log_softmax of narrow rows, eight rows at a time ------------------- */

/* nnb_f_row_max_step in eight lanes: a NaN accumulator stays, else the
 * larger, else x (vec::maximum's order) */
static inline __m256
max_step8 (__m256 acc, __m256 x)
{
  __m256 r = _mm256_blendv_ps (x, acc, _mm256_cmp_ps (acc, x, _CMP_GT_OQ));

  return _mm256_blendv_ps (r, acc, _mm256_cmp_ps (acc, acc, _CMP_UNORD_Q));
}

/* column j of the eight rows from x (row stride cols) */
static inline __m256
gather_column (const float *x, gsize cols, gsize j)
{
  const __m256i rows = _mm256_setr_epi32 (0, 1, 2, 3, 4, 5, 6, 7);

  return _mm256_i32gather_ps (x + j, _mm256_mullo_epi32 (rows, _mm256_set1_epi32 ((int) cols)), 4);
}

static inline void
scatter_column (float *y, gsize cols, gsize j, __m256 v)
{
  float lanes[8];

  _mm256_storeu_ps (lanes, v);
  for (int k = 0; k < 8; k++)
    y[k * cols + j] = lanes[k];
}

gsize
nnb_simd_log_softmax_narrow (const float *x, float *y, gsize rows, gsize cols)
{
  gsize r = 0;

  g_return_val_if_fail (cols >= 1 && cols < 8, 0);
  /* each lane one row, each step nnb_f_log_softmax_row's for fewer than 8
   * floats: the max and the sum one column after the other, SLEEF's exp
   * and log (the one-lane builds the rows use give the same bits) */
  for (; r + 8 <= rows; r += 8)
    {
      const float *xr = x + r * cols;
      __m256 v[7], max, sum, log_sum;

      for (gsize j = 0; j < cols; j++)
        v[j] = gather_column (xr, cols, j);
      max = v[0];
      for (gsize j = 1; j < cols; j++)
        max = max_step8 (max, v[j]);
      sum = Sleef_expf8_u10 (_mm256_sub_ps (v[0], max));
      for (gsize j = 1; j < cols; j++)
        sum = _mm256_add_ps (sum, Sleef_expf8_u10 (_mm256_sub_ps (v[j], max)));
      log_sum = Sleef_logf8_u10 (sum);
      for (gsize j = 0; j < cols; j++)
        scatter_column (y + r * cols, cols, j, _mm256_sub_ps (_mm256_sub_ps (v[j], max), log_sum));
    }
  return r;
}

gsize
nnb_simd_log_softmax_backward_narrow (const float *y, const float *dy, float *dx, gsize rows, gsize cols,
                                      gboolean accumulate)
{
  gsize r = 0;

  g_return_val_if_fail (cols >= 1 && cols < 8, 0);
  /* nnb_f_log_softmax_backward_row: Σ dy one column after the other, then
   * fmaf (−exp (y), Σ, dy) */
  for (; r + 8 <= rows; r += 8)
    {
      __m256 g[7], sum = gather_column (dy + r * cols, cols, 0);

      for (gsize j = 1; j < cols; j++)
        sum = _mm256_add_ps (sum, gather_column (dy + r * cols, cols, j));
      for (gsize j = 0; j < cols; j++)
        {
          __m256 e = Sleef_expf8_u10 (gather_column (y + r * cols, cols, j));

          g[j] = _mm256_fnmadd_ps (e, sum, gather_column (dy + r * cols, cols, j));
          if (accumulate)
            g[j] = _mm256_add_ps (gather_column (dx + r * cols, cols, j), g[j]);
        }
      for (gsize j = 0; j < cols; j++)
        scatter_column (dx + r * cols, cols, j, g[j]);
    }
  return r;
}

/* Counts two-output rows (n × 2 logits) against 0/1 targets into cells (the
 * 2 × 2 confusion matrix, rows the true class), eight rows at a time: the
 * prediction is torch.argmax's (class 1 when output 0 is a number and
 * output 1 a NaN or larger), a target that is neither 0 nor 1 counts
 * nowhere. nnb-confusion.c's count_two_classes does the same row by row. */
void
nnb_simd_count_two_classes (const float *pred, gsize n, const float *target, int64_t cells[4])
{
  const __m256 zero = _mm256_setzero_ps (), one = _mm256_set1_ps (1.0f);
  gsize i = 0;

  for (; i + 8 <= n; i += 8)
    {
      /* outputs 0 and 1 of rows 0, 1, 4, 5, 2, 3, 6, 7, then in row order */
      __m256 v0 = _mm256_loadu_ps (pred + 2 * i), v1 = _mm256_loadu_ps (pred + 2 * i + 8);
      __m256 r0 = _mm256_castpd_ps (_mm256_permute4x64_pd (_mm256_castps_pd (_mm256_shuffle_ps (v0, v1, 0x88)), 0xd8));
      __m256 r1 = _mm256_castpd_ps (_mm256_permute4x64_pd (_mm256_castps_pd (_mm256_shuffle_ps (v0, v1, 0xdd)), 0xd8));
      __m256 t = _mm256_loadu_ps (target + i);
      __m256 p = _mm256_and_ps (_mm256_cmp_ps (r0, r0, _CMP_ORD_Q),
                                _mm256_or_ps (_mm256_cmp_ps (r1, r1, _CMP_UNORD_Q), _mm256_cmp_ps (r1, r0, _CMP_GT_OQ)));
      int predicted = _mm256_movemask_ps (p);
      int t0 = _mm256_movemask_ps (_mm256_cmp_ps (t, zero, _CMP_EQ_OQ));
      int t1 = _mm256_movemask_ps (_mm256_cmp_ps (t, one, _CMP_EQ_OQ));

      cells[0] += __builtin_popcount (t0 & ~predicted);
      cells[1] += __builtin_popcount (t0 & predicted);
      cells[2] += __builtin_popcount (t1 & ~predicted);
      cells[3] += __builtin_popcount (t1 & predicted);
    }
  for (; i < n; i++)
    {
      const float r0 = pred[2 * i], r1 = pred[2 * i + 1], t = target[i];
      const int p = (r0 == r0) & ((r1 != r1) | (r1 > r0));

      cells[0] += (t == 0.0f) & !p;
      cells[1] += (t == 0.0f) & p;
      cells[2] += (t == 1.0f) & !p;
      cells[3] += (t == 1.0f) & p;
    }
}
