/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-simd-gemm.c — the narrow matrix products of small classifiers (2
 * inputs, 2 classes) without OpenBLAS's packing, which costs more than the
 * arithmetic there, with OpenBLAS's bits. Built for AVX2 and FMA. */
#include "nnb-backend-cpu-simd.h"

#include <immintrin.h>
#include <string.h>

/* What OpenBLAS 0.3.21's Haswell sgemm computes when k < 8, or when C has
 * fewer than 8 columns (found element by element against cblas_sgemm;
 * tests/test-backend-ops.c's gemm row keeps it so): one accumulator per element of C, starting at 0, fused
 * multiply-adds in k's order, then C = acc + C (alpha 1; beta 0 first
 * zeroes C); likewise when C has at most 3 rows. The one difference: when every product underflows, so that
 * the sum is -0, and C is -0 with beta 1, some of OpenBLAS's tiles give +0
 * (they add a second accumulator that k < 8 leaves at +0) and these give
 * -0. From k = 8 on, for C of 8 columns or more, its main loop splits k
 * over two accumulators for some tiles of C and not for others, and beyond
 * 320 it sums k in blocks; those products stay with OpenBLAS. */
#define PACKED_MAX (320 * 8)

static inline __m256i
lane_mask (int lanes)
{
  static const int ones[16] = { -1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0 };

  return _mm256_loadu_si256 ((const __m256i *) (ones + 8 - lanes));
}

/* k < 8: each row of C in groups of 8 columns, B packed as k rows of n8;
 * inlined for each k and each beta, which keeps the loop short enough to
 * run at the speed of its loads and stores */
static inline __attribute__ ((always_inline)) void
gemm_short_k (const int k, const gboolean beta_one, int m, int n, const float *a, int lda, const float *packed,
              int n8, float *c, int ldc)
{
  const __m256i tail = lane_mask (n - (n8 - 8));

  for (int i = 0; i < m; i++)
    {
      const float *ai = a + (gsize) i * lda;
      float *ci = c + (gsize) i * ldc;
      __m256 x[8];

      for (int p = 0; p < k; p++)
        x[p] = _mm256_broadcast_ss (ai + p);
      for (int j = 0; j < n8; j += 8)
        {
          __m256 acc = _mm256_setzero_ps ();

          for (int p = 0; p < k; p++)
            acc = _mm256_fmadd_ps (x[p], _mm256_loadu_ps (packed + p * n8 + j), acc);
          if (j + 8 <= n)
            _mm256_storeu_ps (ci + j, _mm256_add_ps (acc, beta_one ? _mm256_loadu_ps (ci + j) : _mm256_setzero_ps ()));
          else
            _mm256_maskstore_ps (ci + j, tail,
                                 _mm256_add_ps (acc, beta_one ? _mm256_maskload_ps (ci + j, tail)
                                                              : _mm256_setzero_ps ()));
        }
    }
}

#define SHORT_K(K)                                               \
  case K:                                                        \
    if (beta_one)                                                \
      gemm_short_k (K, TRUE, m, n, a, lda, packed, n8, c, ldc);  \
    else                                                         \
      gemm_short_k (K, FALSE, m, n, a, lda, packed, n8, c, ldc); \
    break;

static void
gemm_short_k_any (int k, gboolean beta_one, int m, int n, const float *a, int lda, const float *packed, int n8,
                  float *c, int ldc)
{
  switch (k)
    {
      SHORT_K (1)
      SHORT_K (2)
      SHORT_K (3)
      SHORT_K (4)
      SHORT_K (5)
      SHORT_K (6)
      SHORT_K (7)
    default:
      g_assert_not_reached ();
    }
}

/* Transposes the 8 × 8 block in r[0..7] in place: r[q] becomes column q. */
static inline __attribute__ ((always_inline)) void
transpose8 (__m256 r[8])
{
  __m256 t0 = _mm256_unpacklo_ps (r[0], r[1]), t1 = _mm256_unpackhi_ps (r[0], r[1]);
  __m256 t2 = _mm256_unpacklo_ps (r[2], r[3]), t3 = _mm256_unpackhi_ps (r[2], r[3]);
  __m256 t4 = _mm256_unpacklo_ps (r[4], r[5]), t5 = _mm256_unpackhi_ps (r[4], r[5]);
  __m256 t6 = _mm256_unpacklo_ps (r[6], r[7]), t7 = _mm256_unpackhi_ps (r[6], r[7]);
  __m256 s0 = _mm256_shuffle_ps (t0, t2, 0x44), s1 = _mm256_shuffle_ps (t0, t2, 0xee);
  __m256 s2 = _mm256_shuffle_ps (t1, t3, 0x44), s3 = _mm256_shuffle_ps (t1, t3, 0xee);
  __m256 s4 = _mm256_shuffle_ps (t4, t6, 0x44), s5 = _mm256_shuffle_ps (t4, t6, 0xee);
  __m256 s6 = _mm256_shuffle_ps (t5, t7, 0x44), s7 = _mm256_shuffle_ps (t5, t7, 0xee);

  r[0] = _mm256_permute2f128_ps (s0, s4, 0x20);
  r[1] = _mm256_permute2f128_ps (s1, s5, 0x20);
  r[2] = _mm256_permute2f128_ps (s2, s6, 0x20);
  r[3] = _mm256_permute2f128_ps (s3, s7, 0x20);
  r[4] = _mm256_permute2f128_ps (s0, s4, 0x31);
  r[5] = _mm256_permute2f128_ps (s1, s5, 0x31);
  r[6] = _mm256_permute2f128_ps (s2, s6, 0x31);
  r[7] = _mm256_permute2f128_ps (s3, s7, 0x31);
}

/* Eight rows of A from column p0, depth ≤ 8 columns, as columns */
static inline __attribute__ ((always_inline)) void
load_columns (const float *a, int lda, int p0, int depth, __m256 col[8])
{
  if (depth == 8)
    for (int r = 0; r < 8; r++)
      col[r] = _mm256_loadu_ps (a + (gsize) r * lda + p0);
  else
    for (int r = 0; r < 8; r++)
      col[r] = _mm256_maskload_ps (a + (gsize) r * lda + p0, lane_mask (depth));
  transpose8 (col);
}

/* A layer with at most 3 outputs (a classifier's or a regression's head):
 * C (m × n, n ≤ 3) = A·op(B), k ≤ 320. Lanes are rows of C, 16 at a time
 * (two chains of fused multiply-adds per output, to overlap their
 * latency), A's rows turned into columns 8 × 8; packed holds B as k rows
 * of 8. Inlined for each n. */
static inline __attribute__ ((always_inline)) void
gemm_head (const int n, int m, int k, const float *a, int lda, const float *packed, gboolean beta_one, float *c,
           int ldc)
{
  int i = 0;

  for (; i + 16 <= m; i += 16)
    {
      __m256 acc[2][3];
      float sums[2][3][8];

#pragma GCC unroll 2
      for (int h = 0; h < 2; h++)
#pragma GCC unroll 3
        for (int j = 0; j < n; j++)
          acc[h][j] = _mm256_setzero_ps ();
      for (int p0 = 0; p0 < k; p0 += 8)
        {
          const int depth = MIN (8, k - p0);
          __m256 x[8], y[8];

          load_columns (a + (gsize) i * lda, lda, p0, depth, x);
          load_columns (a + (gsize) (i + 8) * lda, lda, p0, depth, y);
          if (depth == 8)
            {
#pragma GCC unroll 8
              for (int q = 0; q < 8; q++)
#pragma GCC unroll 3
                for (int j = 0; j < n; j++)
                  {
                    const __m256 w = _mm256_broadcast_ss (packed + (p0 + q) * 8 + j);

                    acc[0][j] = _mm256_fmadd_ps (x[q], w, acc[0][j]);
                    acc[1][j] = _mm256_fmadd_ps (y[q], w, acc[1][j]);
                  }
            }
          else
            for (int q = 0; q < depth; q++)
#pragma GCC unroll 3
              for (int j = 0; j < n; j++)
                {
                  const __m256 w = _mm256_broadcast_ss (packed + (p0 + q) * 8 + j);

                  acc[0][j] = _mm256_fmadd_ps (x[q], w, acc[0][j]);
                  acc[1][j] = _mm256_fmadd_ps (y[q], w, acc[1][j]);
                }
        }
      if (n == 2 && ldc == 2)
        {
          /* two outputs a row, rows packed: interleave the two lanes' rows */
#pragma GCC unroll 2
          for (int h = 0; h < 2; h++)
            {
              float *ci = c + (gsize) (i + 8 * h) * 2;
              const __m256 lo = _mm256_unpacklo_ps (acc[h][0], acc[h][1]);
              const __m256 hi = _mm256_unpackhi_ps (acc[h][0], acc[h][1]);
              const __m256 first = _mm256_permute2f128_ps (lo, hi, 0x20);
              const __m256 second = _mm256_permute2f128_ps (lo, hi, 0x31);

              _mm256_storeu_ps (ci, _mm256_add_ps (first, beta_one ? _mm256_loadu_ps (ci) : _mm256_setzero_ps ()));
              _mm256_storeu_ps (ci + 8,
                                _mm256_add_ps (second, beta_one ? _mm256_loadu_ps (ci + 8) : _mm256_setzero_ps ()));
            }
          continue;
        }
#pragma GCC unroll 2
      for (int h = 0; h < 2; h++)
#pragma GCC unroll 3
        for (int j = 0; j < n; j++)
          _mm256_storeu_ps (sums[h][j], acc[h][j]);
      for (int r = 0; r < 16; r++)
        {
          float *ci = c + (gsize) (i + r) * ldc;

          for (int j = 0; j < n; j++)
            ci[j] = sums[r / 8][j][r % 8] + (beta_one ? ci[j] : 0.0f);
        }
    }
  for (; i < m; i++)
    {
      const float *ai = a + (gsize) i * lda;
      float *ci = c + (gsize) i * ldc;

      for (int j = 0; j < n; j++)
        {
          float acc = 0.0f;

          for (int p = 0; p < k; p++)
            acc = __builtin_fmaf (ai[p], packed[p * 8 + j], acc);
          ci[j] = acc + (beta_one ? ci[j] : 0.0f);
        }
    }
}

static void
gemm_head_any (int n, int m, int k, const float *a, int lda, const float *packed, gboolean beta_one, float *c,
               int ldc)
{
  switch (n)
    {
    case 1: gemm_head (1, m, k, a, lda, packed, beta_one, c, ldc); break;
    case 2: gemm_head (2, m, k, a, lda, packed, beta_one, c, ldc); break;
    default: gemm_head (3, m, k, a, lda, packed, beta_one, c, ldc); break;
    }
}

gboolean
nnb_simd_gemm_small (gboolean trans_b, int m, int n, int k, float alpha, const float *a, int lda, const float *b,
                     int ldb, float beta, float *c, int ldc)
{
  float packed[PACKED_MAX];
  int width;

  if (alpha != 1.0f || (beta != 0.0f && beta != 1.0f) || m <= 0 || n <= 0 || k <= 0)
    return FALSE;
  /* k ≥ 8: only heads of at most 3 outputs, k in one of OpenBLAS's blocks */
  if (k >= 8 && (n > 3 || k > 320))
    return FALSE;
  width = (n + 7) / 8 * 8;
  if (k * width > PACKED_MAX)
    return FALSE;
  /* B as k rows of width floats, whatever its layout */
  memset (packed, 0, sizeof (float) * k * width);
  for (int p = 0; p < k; p++)
    for (int j = 0; j < n; j++)
      packed[p * width + j] = trans_b ? b[(gsize) j * ldb + p] : b[(gsize) p * ldb + j];
  if (k < 8)
    gemm_short_k_any (k, beta == 1.0f, m, n, a, lda, packed, width, c, ldc);
  else
    gemm_head_any (n, m, k, a, lda, packed, beta == 1.0f, c, ldc);
  return TRUE;
}

/* OpenBLAS's blocks of k (its level-3 driver's ls loop, with the Haswell
 * sgemm's GEMM_Q 320 and GEMM_UNROLL_M 8): each block is summed on its
 * own, from 0, and then added to C */
static int
k_block (int remaining)
{
  if (remaining >= 2 * 320)
    return 320;
  if (remaining > 320)
    return (remaining / 2 + 7) / 8 * 8;
  return remaining;
}

/* Cᵀ's narrow case: C (m × n, n < 8) = Aᵀ·B with A (k × m) and B (k × n),
 * a weight gradient with fewer than 8 inputs (dW = dYᵀ·X). Lanes are rows
 * of C, groups of them at a time, so that the chains of fused
 * multiply-adds along k overlap; inlined for each n and group count. */
static inline __attribute__ ((always_inline)) void
gemm_tn_narrow (const int n, const int groups, int m, int k, const float *a, int lda, const float *b, int ldb,
                gboolean beta_one, float *c, int ldc)
{
  for (int i0 = 0; i0 < m; i0 += 8 * groups)
    {
      __m256i mask[2];
      int lanes[2];

      for (int g = 0; g < groups; g++)
        {
          lanes[g] = MAX (0, MIN (8, m - (i0 + 8 * g)));
          mask[g] = lane_mask (lanes[g]);
        }
      for (int ls = 0, block; ls < k; ls += block)
        {
          __m256 acc[2][7];
          float sums[2][7][8];

          block = k_block (k - ls);
          for (int g = 0; g < groups; g++)
            for (int j = 0; j < n; j++)
              acc[g][j] = _mm256_setzero_ps ();
          for (int p = ls; p < ls + block; p++)
            {
              const float *ap = a + (gsize) p * lda + i0;
              const float *bp = b + (gsize) p * ldb;

              for (int g = 0; g < groups; g++)
                {
                  __m256 x = _mm256_maskload_ps (ap + 8 * g, mask[g]);

                  for (int j = 0; j < n; j++)
                    acc[g][j] = _mm256_fmadd_ps (x, _mm256_broadcast_ss (bp + j), acc[g][j]);
                }
            }
          for (int g = 0; g < groups; g++)
            for (int j = 0; j < n; j++)
              _mm256_storeu_ps (sums[g][j], acc[g][j]);
          for (int g = 0; g < groups; g++)
            for (int r = 0; r < lanes[g]; r++)
              {
                float *ci = c + (gsize) (i0 + 8 * g + r) * ldc;

                for (int j = 0; j < n; j++)
                  ci[j] = sums[g][j][r] + (ls > 0 || beta_one ? ci[j] : 0.0f);
              }
        }
    }
}

/* Cᵀ's short case: C (m × n, m ≤ 3) = Aᵀ·B, the weight gradient of a
 * layer with at most 3 outputs (dW = dYᵀ·X). Lanes are columns of C, 16
 * at a time; inlined for each m. */
static inline __attribute__ ((always_inline)) void
gemm_tn_few_rows (const int m, int n, int k, const float *a, int lda, const float *b, int ldb, gboolean beta_one,
                  float *c, int ldc)
{
  for (int j0 = 0; j0 < n; j0 += 16)
    {
      const __m256i mask_lo = lane_mask (MIN (8, n - j0)), mask_hi = lane_mask (MAX (0, MIN (8, n - j0 - 8)));

      for (int ls = 0, block; ls < k; ls += block)
        {
          __m256 lo[3], hi[3];

          block = k_block (k - ls);
          for (int i = 0; i < m; i++)
            lo[i] = hi[i] = _mm256_setzero_ps ();
          for (int p = ls; p < ls + block; p++)
            {
              const float *bp = b + (gsize) p * ldb + j0;
              const __m256 y_lo = _mm256_maskload_ps (bp, mask_lo), y_hi = _mm256_maskload_ps (bp + 8, mask_hi);

              for (int i = 0; i < m; i++)
                {
                  const __m256 x = _mm256_broadcast_ss (a + (gsize) p * lda + i);

                  lo[i] = _mm256_fmadd_ps (x, y_lo, lo[i]);
                  hi[i] = _mm256_fmadd_ps (x, y_hi, hi[i]);
                }
            }
          for (int i = 0; i < m; i++)
            {
              float *ci = c + (gsize) i * ldc + j0;
              const gboolean add_c = ls > 0 || beta_one;

              _mm256_maskstore_ps (ci, mask_lo,
                                   _mm256_add_ps (lo[i], add_c ? _mm256_maskload_ps (ci, mask_lo) : _mm256_setzero_ps ()));
              _mm256_maskstore_ps (ci + 8, mask_hi,
                                   _mm256_add_ps (hi[i], add_c ? _mm256_maskload_ps (ci + 8, mask_hi)
                                                               : _mm256_setzero_ps ()));
            }
        }
    }
}

gboolean
nnb_simd_gemm_tn_narrow (int m, int n, int k, float alpha, const float *a, int lda, const float *b, int ldb,
                         float beta, float *c, int ldc)
{
  const gboolean beta_one = beta == 1.0f;

  if (alpha != 1.0f || (beta != 0.0f && beta != 1.0f) || m <= 0 || n <= 0 || k <= 0 || (n >= 8 && m > 3))
    return FALSE;
  if (n >= 8)
    {
      switch (m)
        {
        case 1: gemm_tn_few_rows (1, n, k, a, lda, b, ldb, beta_one, c, ldc); break;
        case 2: gemm_tn_few_rows (2, n, k, a, lda, b, ldb, beta_one, c, ldc); break;
        default: gemm_tn_few_rows (3, n, k, a, lda, b, ldb, beta_one, c, ldc); break;
        }
      return TRUE;
    }
  switch (n)
    {
    case 1: gemm_tn_narrow (1, 2, m, k, a, lda, b, ldb, beta_one, c, ldc); break;
    case 2: gemm_tn_narrow (2, 2, m, k, a, lda, b, ldb, beta_one, c, ldc); break;
    case 3: gemm_tn_narrow (3, 2, m, k, a, lda, b, ldb, beta_one, c, ldc); break;
    case 4: gemm_tn_narrow (4, 1, m, k, a, lda, b, ldb, beta_one, c, ldc); break;
    case 5: gemm_tn_narrow (5, 1, m, k, a, lda, b, ldb, beta_one, c, ldc); break;
    case 6: gemm_tn_narrow (6, 1, m, k, a, lda, b, ldb, beta_one, c, ldc); break;
    default: gemm_tn_narrow (7, 1, m, k, a, lda, b, ldb, beta_one, c, ldc); break;
    }
  return TRUE;
}

/* ---- C of exactly 16 columns ------------------------------------------
 *
 * A layer of 16 units (the lessons' hidden layers): OpenBLAS computes C in
 * tiles of 16 columns and 12 rows, and sums the first 6 rows of each 12 in
 * two accumulators, even and odd k of its unrolled loop (each block of k
 * from its start, in steps of 8; the k left over go to the even one), added
 * at the end; the other 6 rows in one. Rows past the last 12 go in tiles of
 * 8, 4, 2 and 1 rows, the tiles of 8 and 4 two ways. Found element by
 * element against cblas_sgemm, for every m up to 40 and beyond, k up to
 * 1001, each transpose and beta; only for 16 columns (8, 12, 24, 32 sum
 * other tiles otherwise). */

/* Whether row i of m is summed in two accumulators */
static gboolean
row_sums_two_ways (int i, int m)
{
  const int full = m / 12 * 12;
  int start = full;

  if (i < full)
    return i % 12 < 6;
  for (int size = 8; size >= 1; size /= 2)
    if (m - start >= size)
      {
        if (i < start + size)
          return size >= 4;
        start += size;
      }
  return FALSE;
}

/* rows i0 … i0 + rows − 1 of C (16 columns), all summed one way or all
 * two ways. A[i][p] is a[i * a_row + p * a_col]; row p of B is the 16
 * floats at b + p * ldb. Inlined for each way and row count, which keeps
 * the accumulators (at most 12) in registers. */
static inline __attribute__ ((always_inline)) void
sixteen_rows (const gboolean two_ways, const int rows, int i0, int k, const float *a, int a_row, int a_col,
              const float *b, int ldb, gboolean beta_one, float *c, int ldc)
{
  for (int ls = 0, block; ls < k; ls += block)
    {
      __m256 even[6][2], odd[6][2];
      int p = ls, unrolled;

      block = k_block (k - ls);
      unrolled = ls + block / 8 * 8;
#pragma GCC unroll 6
      for (int r = 0; r < rows; r++)
#pragma GCC unroll 2
        for (int h = 0; h < 2; h++)
          even[r][h] = odd[r][h] = _mm256_setzero_ps ();
      if (two_ways)
        for (; p < unrolled; p += 2)
          {
            const __m256 b0 = _mm256_loadu_ps (b + (gsize) p * ldb), b1 = _mm256_loadu_ps (b + (gsize) p * ldb + 8);
            const __m256 c0 = _mm256_loadu_ps (b + (gsize) (p + 1) * ldb);
            const __m256 c1 = _mm256_loadu_ps (b + (gsize) (p + 1) * ldb + 8);

#pragma GCC unroll 6
            for (int r = 0; r < rows; r++)
              {
                const float *ar = a + (gsize) (i0 + r) * a_row;
                const __m256 x = _mm256_broadcast_ss (ar + (gsize) p * a_col);
                const __m256 y = _mm256_broadcast_ss (ar + (gsize) (p + 1) * a_col);

                even[r][0] = _mm256_fmadd_ps (x, b0, even[r][0]);
                even[r][1] = _mm256_fmadd_ps (x, b1, even[r][1]);
                odd[r][0] = _mm256_fmadd_ps (y, c0, odd[r][0]);
                odd[r][1] = _mm256_fmadd_ps (y, c1, odd[r][1]);
              }
          }
      for (; p < ls + block; p++)
        {
          const __m256 b0 = _mm256_loadu_ps (b + (gsize) p * ldb), b1 = _mm256_loadu_ps (b + (gsize) p * ldb + 8);

#pragma GCC unroll 6
          for (int r = 0; r < rows; r++)
            {
              const __m256 x = _mm256_broadcast_ss (a + (gsize) (i0 + r) * a_row + (gsize) p * a_col);

              even[r][0] = _mm256_fmadd_ps (x, b0, even[r][0]);
              even[r][1] = _mm256_fmadd_ps (x, b1, even[r][1]);
            }
        }
#pragma GCC unroll 6
      for (int r = 0; r < rows; r++)
        {
          float *cr = c + (gsize) (i0 + r) * ldc;
          const gboolean add_c = ls > 0 || beta_one;

          for (int h = 0; h < 2; h++)
            {
              __m256 sum = two_ways ? _mm256_add_ps (even[r][h], odd[r][h]) : even[r][h];

              _mm256_storeu_ps (cr + 8 * h,
                                _mm256_add_ps (sum, add_c ? _mm256_loadu_ps (cr + 8 * h) : _mm256_setzero_ps ()));
            }
        }
    }
}

#define SIXTEEN_ROWS(WAYS, ROWS) \
  sixteen_rows (WAYS, ROWS, i0, k, a, a_row, a_col, b, ldb, beta_one, c, ldc)

/* rows i0 … i0 + count − 1, all summed the same way: in blocks of 3 rows
 * two ways, 6 rows one way (12 accumulators either way) */
static void
sixteen_run (gboolean two_ways, int i0, int count, int k, const float *a, int a_row, int a_col, const float *b,
             int ldb, gboolean beta_one, float *c, int ldc)
{
  const int step = two_ways ? 3 : 6;

  for (int end = i0 + count; i0 < end; i0 += MIN (step, end - i0))
    switch (MIN (step, end - i0) + (two_ways ? 0 : 10))
      {
      case 1: SIXTEEN_ROWS (TRUE, 1); break;
      case 2: SIXTEEN_ROWS (TRUE, 2); break;
      case 3: SIXTEEN_ROWS (TRUE, 3); break;
      case 11: SIXTEEN_ROWS (FALSE, 1); break;
      case 12: SIXTEEN_ROWS (FALSE, 2); break;
      case 13: SIXTEEN_ROWS (FALSE, 3); break;
      case 14: SIXTEEN_ROWS (FALSE, 4); break;
      case 15: SIXTEEN_ROWS (FALSE, 5); break;
      default: SIXTEEN_ROWS (FALSE, 6); break;
      }
}

static void
gemm_sixteen (int m, int k, const float *a, int a_row, int a_col, const float *b, int ldb, gboolean beta_one,
              float *c, int ldc)
{
  int i = 0;

  /* the runs of rows row_sums_two_ways gives, without asking it row by row */
  for (; i + 12 <= m; i += 12)
    {
      sixteen_run (TRUE, i, 6, k, a, a_row, a_col, b, ldb, beta_one, c, ldc);
      sixteen_run (FALSE, i + 6, 6, k, a, a_row, a_col, b, ldb, beta_one, c, ldc);
    }
  for (int size = 8; size >= 1; size /= 2)
    if (m - i >= size)
      {
        g_assert (row_sums_two_ways (i, m) == (size >= 4));
        sixteen_run (size >= 4, i, size, k, a, a_row, a_col, b, ldb, beta_one, c, ldc);
        i += size;
      }
}

gboolean
nnb_simd_gemm_sixteen (gboolean trans_a, gboolean trans_b, int m, int n, int k, float alpha, const float *a,
                       int lda, const float *b, int ldb, float beta, float *c, int ldc)
{
  float packed[PACKED_MAX * 2];

  if (n != 16 || alpha != 1.0f || (beta != 0.0f && beta != 1.0f) || m <= 0 || k <= 0 || (trans_a && trans_b))
    return FALSE;
  if (trans_b)
    {
      /* B as k rows of 16, on the stack: a layer's weight, k its inputs */
      if (k * 16 > (int) G_N_ELEMENTS (packed))
        return FALSE;
      for (int p = 0; p < k; p++)
        for (int j = 0; j < 16; j++)
          packed[p * 16 + j] = b[(gsize) j * ldb + p];
      b = packed;
      ldb = 16;
    }
  if (trans_a)
    gemm_sixteen (m, k, a, 1, lda, b, ldb, beta == 1.0f, c, ldc);
  else
    gemm_sixteen (m, k, a, lda, 1, b, ldb, beta == 1.0f, c, ldc);
  return TRUE;
}
