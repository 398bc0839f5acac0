/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-backend-cpu-layer-norm.c — the CPU backend's nn.LayerNorm forward and
 * backward, in their own file because matching PyTorch's bits takes its
 * kernel's Welford moments and fused multiply-adds, step by step. */
#include "nnb-backend-cpu-layer-norm.h"

#include <math.h>
#include <string.h>

/* nn.LayerNorm, as PyTorch 1.13's CPU kernel computes it with its AVX2
 * build (aten/src/ATen/native/cpu/layer_norm_kernel.cpp, moments_utils.h,
 * vec/functional_base.h; 8-float vectors). That file is compiled with
 * -mfma and GCC's default -ffp-contract=fast, so some a · b + c became
 * fused multiply-adds and others did not: the fmaf calls below are where
 * the compiler fused, found by comparing every variant with torch for
 * widths 1 … 5000 (tests/reference/make_layer_norm_golden.py holds the
 * result). This file is built with -ffp-contract=off, so what is not an
 * fmaf rounds as written. */
#define LN_VEC 8
#define LN_CHUNK 16

/* AddMoments (moments_utils.h): merges the Welford moments of m0_add
 * values into (m0, m1, m2); plain products, no fused ones */
static void
ln_add_moments (int64_t m0_add, float m1_add, float m2_add, int64_t *m0, float *m1, float *m2)
{
  int64_t n = *m0 + m0_add;
  float c = n == 0 ? 0.0f : (float) m0_add / (float) n;
  float delta = m1_add - *m1;

  *m1 += c * delta;
  *m2 += m2_add + delta * delta * c * (float) *m0;
  *m0 = n;
}

/* RowwiseMoments: Welford's algorithm per vector lane over chunks of 16
 * vectors, the chunks merged in a cascade (pairwise), then the floats left
 * over one by one, then the 8 lanes merged in order. Returns the mean and
 * the biased variance. */
static void
ln_row_moments (const float *x, gsize cols, float *mean, float *var)
{
  int64_t n = cols / LN_VEC, m = (n + LN_CHUNK - 1) / LN_CHUNK;
  int depth = 0;
  int64_t m0_stk[64] = { 0 };
  float m1_stk[64][LN_VEC] = { { 0 } }, m2_stk[64][LN_VEC] = { { 0 } };
  int64_t m0 = 0;
  float m1 = 0, m2 = 0;

  while (((int64_t) 1 << depth) < m)
    depth++;
  for (int64_t i = 0; i < m; i++)
    {
      const float *xp = x + i * LN_CHUNK * LN_VEC;
      int64_t rows = MIN (LN_CHUNK, n - i * LN_CHUNK);
      float m1v[LN_VEC] = { 0 }, m2v[LN_VEC] = { 0 };

      for (int64_t j = 0; j < rows; j++)
        for (int k = 0; k < LN_VEC; k++)
          {
            float v = xp[j * LN_VEC + k], delta = v - m1v[k];
            m1v[k] += delta * (1.0f / (float) (j + 1));
            m2v[k] += delta * (v - m1v[k]);
          }
      /* AddMomentsVec into the stack's first level, then the cascade */
      for (int level = 0; level < MAX (depth, 1); level++)
        {
          const int64_t *add0 = level == 0 ? &rows : &m0_stk[level - 1];
          const float *add1 = level == 0 ? m1v : m1_stk[level - 1];
          const float *add2 = level == 0 ? m2v : m2_stk[level - 1];
          int64_t count = *add0 + m0_stk[level];
          float c = count == 0 ? 0.0f : (float) *add0 / (float) count;

          if (level > 0 && (((i + 1) >> (level - 1)) & 1) != 0)
            break;
          for (int k = 0; k < LN_VEC; k++)
            {
              float delta = add1[k] - m1_stk[level][k];
              m1_stk[level][k] += c * delta;
              m2_stk[level][k] += add2[k] + delta * delta * c * (float) m0_stk[level];
            }
          m0_stk[level] = count;
          if (level > 0)
            {
              m0_stk[level - 1] = 0;
              memset (m1_stk[level - 1], 0, sizeof m1_stk[0]);
              memset (m2_stk[level - 1], 0, sizeof m2_stk[0]);
            }
        }
    }
  for (int level = 1; level < depth; level++)
    {
      int64_t count = m0_stk[level] + m0_stk[0];
      float c = count == 0 ? 0.0f : (float) m0_stk[level] / (float) count;
      for (int k = 0; k < LN_VEC; k++)
        {
          float delta = m1_stk[level][k] - m1_stk[0][k];
          m1_stk[0][k] += c * delta;
          m2_stk[0][k] += m2_stk[level][k] + delta * delta * c * (float) m0_stk[0];
        }
      m0_stk[0] = count;
    }
  for (gsize i = n * LN_VEC; i < cols; i++)
    {
      float delta = x[i] - m1;
      m0++;
      m1 += delta / (float) m0;
      m2 += delta * (x[i] - m1);
    }
  for (int k = 0; k < LN_VEC; k++)
    ln_add_moments (n, m1_stk[0][k], m2_stk[0][k], &m0, &m1, &m2);
  *mean = m1;
  *var = m2 / (float) cols;
}

void
nnb_cpu_layer_norm_forward (const float *x, const float *weight, const float *bias, gsize rows, gsize cols,
                            float eps, float *y, float *mean, float *rstd)
{
  for (gsize i = 0; i < rows; i++)
    {
      const float *xr = x + i * cols;
      float mu, var, r, shift;

      ln_row_moments (xr, cols, &mu, &var);
      r = 1.0f / sqrtf (var + eps);
      shift = -r * mu;
      /* (x · rstd − rstd · mean) · weight + bias, both fused */
      for (gsize j = 0; j < cols; j++)
        y[i * cols + j] = fmaf (fmaf (xr[j], r, shift), weight ? weight[j] : 1.0f, bias ? bias[j] : 0.0f);
      mean[i] = mu;
      rstd[i] = r;
    }
}

/* vec_reduce_all's AVX2 shuffles: lanes 4 apart, then 2, then 1 */
static float
ln_lanes_sum (const float *v)
{
  return ((v[0] + v[4]) + (v[2] + v[6])) + ((v[1] + v[5]) + (v[3] + v[7]));
}

/* Σ dy·x·w and Σ dy·w over a row (map3_reduce_all, map2_reduce_all; w = 1
 * without weight, where PyTorch's map2_reduce_all(dy·x) and reduce_all(dy)
 * fuse the same products): fewer than 8 floats are summed in order, more
 * in 8 lanes that the shuffles then add. */
static void
ln_row_sums (const float *dy, const float *x, const float *w, gsize cols, float *ds, float *db)
{
  float a[LN_VEC] = { 0 }, b[LN_VEC] = { 0 };
  gsize d;

  if (cols < LN_VEC)
    {
      for (gsize j = 0; j < cols; j++)
        {
          a[j] = w ? dy[j] * x[j] * w[j] : dy[j] * x[j];
          b[j] = w ? dy[j] * w[j] : dy[j];
        }
      *ds = a[0];
      *db = b[0];
      for (gsize j = 1; j < cols; j++)
        {
          *ds += a[j];
          *db += b[j];
        }
      return;
    }
  for (int k = 0; k < LN_VEC; k++)
    {
      a[k] = w ? dy[k] * x[k] * w[k] : dy[k] * x[k];
      b[k] = w ? dy[k] * w[k] : dy[k];
    }
  /* full vectors, then the partial one into its first lanes */
  for (d = LN_VEC; d < cols; d += LN_VEC)
    for (gsize k = 0; k < LN_VEC && d + k < cols; k++)
      {
        a[k] = w ? fmaf (dy[d + k] * x[d + k], w[d + k], a[k]) : fmaf (dy[d + k], x[d + k], a[k]);
        b[k] = w ? fmaf (dy[d + k], w[d + k], b[k]) : b[k] + dy[d + k];
      }
  *ds = ln_lanes_sum (a);
  *db = ln_lanes_sum (b);
}

void
nnb_cpu_layer_norm_backward (const float *dy, const float *x, const float *mean, const float *rstd,
                             const float *weight, gsize rows, gsize cols, float *dx, float *dweight,
                             float *dbias)
{
  float scale = 1.0f / (float) cols;

  /* PyTorch sums dweight and dbias per thread, then the threads' sums;
   * one thread (the reference's torch.set_num_threads(1)) is 0 + the rows */
  if (dweight != NULL)
    {
      memset (dweight, 0, cols * sizeof (float));
      memset (dbias, 0, cols * sizeof (float));
    }
  for (gsize i = 0; i < rows; i++)
    {
      const float *dyr = dy + i * cols, *xr = x + i * cols;
      float a = rstd[i], mu = mean[i], ds, db, b, c;

      if (dweight != NULL)
        {
          float shift = -a * mu;
          for (gsize j = 0; j < cols; j++)
            {
              dweight[j] = fmaf (dyr[j], fmaf (a, xr[j], shift), dweight[j]);
              dbias[j] += dyr[j];
            }
        }
      if (dx == NULL)
        continue;
      /* dx = rstd · dy · w + b · x + c, the terms of x̂'s mean and of its
       * correlation with dy · w folded into b and c */
      ln_row_sums (dyr, xr, weight, cols, &ds, &db);
      b = fmaf (db, mu, -ds) * a * a * a * scale;
      c = fmaf (-b, mu, -(db * a * scale));
      for (gsize j = 0; j < cols; j++)
        dx[i * cols + j] = fmaf (b, xr[j], a * dyr[j] * (weight ? weight[j] : 1.0f)) + c;
    }
}
