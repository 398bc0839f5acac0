#include "nnb-backend-cpu-simd.h"

#include <immintrin.h>
#include <sleef.h>
#include <string.h>

gboolean
nnb_simd_available (void)
{
  static int available = -1;

  if (available < 0)
    {
      __builtin_cpu_init ();
      available = __builtin_cpu_supports ("avx2") && __builtin_cpu_supports ("fma");
    }
  return available;
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

  /* PyTorch's tanh_backward: dy · (1 − y²), computed as dy * (1 - y*y) */
  for (; i + 8 <= n; i += 8)
    {
      __m256 yv = _mm256_loadu_ps (y + i);
      __m256 g = _mm256_mul_ps (_mm256_loadu_ps (dy + i), _mm256_sub_ps (one, _mm256_mul_ps (yv, yv)));
      if (accumulate)
        g = _mm256_add_ps (_mm256_loadu_ps (dx + i), g);
      _mm256_storeu_ps (dx + i, g);
    }
  for (; i < n; i++)
    {
      float yy = y[i] * y[i];
      float g = dy[i] * (1.0f - yy);
      dx[i] = accumulate ? dx[i] + g : g;
    }
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
