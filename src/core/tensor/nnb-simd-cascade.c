/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-simd-cascade.c — the bias gradient's column sums of a small layer in
 * vector lanes. Built for AVX2. */
#include "nnb-backend-cpu-simd.h"

#include <immintrin.h>

/* The arithmetic of cascade_columns_narrow in nnb-backend-cpu.c, which
 * follows PyTorch's multi_row_sum: each lane is one column and gets exactly
 * its additions, in its order. The compiler kept that function's levels in
 * memory, so every row's additions waited on a store; here the four levels
 * of two 8-column halves stay in registers. */
void
nnb_simd_cascade_columns (const float *dy, gsize cols, gsize c0, gsize width, gsize first, gsize step, gsize size,
                          float *out)
{
  static const int ones[24] = { -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
                                0, 0, 0, 0, 0, 0, 0, 0 };
  const int level_power = MAX (4, nnb_ceil_log2 (size) / 4);
  const gsize level_step = (gsize) 1 << level_power;
  const gsize level_mask = level_step - 1;
  /* lanes of the two halves that are columns: width of 16 */
  const __m256i lo_mask = _mm256_loadu_si256 ((const __m256i *) (ones + 16 - MIN (width, 8)));
  const __m256i hi_mask = _mm256_loadu_si256 ((const __m256i *) (ones + 16 - (width > 8 ? width - 8 : 0)));
  const float *base = dy + first * cols + c0;
  const gsize stride = step * cols;
  __m256 lo[4], hi[4];
  float lanes[16];
  gsize i = 0;

  g_assert (width <= 16);
  for (int j = 0; j < 4; j++)
    lo[j] = hi[j] = _mm256_setzero_ps ();
  while (i + level_step <= size)
    {
      for (gsize j = 0; j < level_step; j++, i++)
        {
          const float *row = base + i * stride;

          lo[0] = _mm256_add_ps (lo[0], _mm256_maskload_ps (row, lo_mask));
          hi[0] = _mm256_add_ps (hi[0], _mm256_maskload_ps (row + 8, hi_mask));
        }
      for (int j = 1; j < 4; j++)
        {
          lo[j] = _mm256_add_ps (lo[j], lo[j - 1]);
          hi[j] = _mm256_add_ps (hi[j], hi[j - 1]);
          lo[j - 1] = hi[j - 1] = _mm256_setzero_ps ();
          if ((i & (level_mask << (j * level_power))) != 0)
            break;
        }
    }
  for (; i < size; i++)
    {
      const float *row = base + i * stride;

      lo[0] = _mm256_add_ps (lo[0], _mm256_maskload_ps (row, lo_mask));
      hi[0] = _mm256_add_ps (hi[0], _mm256_maskload_ps (row + 8, hi_mask));
    }
  _mm256_storeu_ps (lanes, _mm256_add_ps (_mm256_add_ps (_mm256_add_ps (lo[0], lo[1]), lo[2]), lo[3]));
  _mm256_storeu_ps (lanes + 8, _mm256_add_ps (_mm256_add_ps (_mm256_add_ps (hi[0], hi[1]), hi[2]), hi[3]));
  for (gsize c = 0; c < width; c++)
    out[c] = lanes[c];
}
