/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-backend-cpu-avx512.c — tanh and sigmoid 16 lanes at a time.
 *
 * Only this file is compiled with -mavx512f. SLEEF's 16-lane u10 tanh and
 * exp give exactly the bits of its 8-lane AVX2 functions, which PyTorch's
 * Vectorized<float> calls, for every float input (compared for all 2³²
 * inputs when this file was written; tests/test-simd-accuracy.c checks a
 * dense sample on every run), and they take half the time: tanh is the
 * largest element-wise cost of training SineNet. */
#include "nnb-backend-cpu-simd.h"

#include <immintrin.h>
#include <sleef.h>

gboolean
nnb_avx512_available (void)
{
  static int available = -1;

  if (available < 0)
    {
      __builtin_cpu_init ();
      available = __builtin_cpu_supports ("avx512f");
    }
  /* asked each time: the AVX2 switch may change (NNB_CPU_KERNELS, tests) */
  return available && nnb_simd_available ();
}

void
nnb_avx512_tanh (const float *x, float *y, gsize n)
{
  gsize i = 0;

  for (; i + 16 <= n; i += 16)
    _mm512_storeu_ps (y + i, Sleef_tanhf16_u10avx512f (_mm512_loadu_ps (x + i)));
  if (i < n)
    {
      /* the tail through the same function, its missing lanes zero; each
       * lane is computed on its own, so the padding changes nothing */
      __mmask16 mask = (__mmask16) ((1u << (n - i)) - 1);
      _mm512_mask_storeu_ps (y + i, mask, Sleef_tanhf16_u10avx512f (_mm512_maskz_loadu_ps (mask, x + i)));
    }
}

static inline __m512
sigmoid16 (__m512 x)
{
  /* PyTorch: 1 / (1 + exp(-x)) */
  const __m512 one = _mm512_set1_ps (1.0f);
  __m512 e = Sleef_expf16_u10avx512f (_mm512_sub_ps (_mm512_setzero_ps (), x));
  return _mm512_div_ps (one, _mm512_add_ps (one, e));
}

void
nnb_avx512_sigmoid (const float *x, float *y, gsize n)
{
  gsize i = 0;

  for (; i + 16 <= n; i += 16)
    _mm512_storeu_ps (y + i, sigmoid16 (_mm512_loadu_ps (x + i)));
  if (i < n)
    {
      __mmask16 mask = (__mmask16) ((1u << (n - i)) - 1);
      _mm512_mask_storeu_ps (y + i, mask, sigmoid16 (_mm512_maskz_loadu_ps (mask, x + i)));
    }
}
