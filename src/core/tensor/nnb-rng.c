/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-rng.c — PyTorch 1.13's CPU generator and its float32 transforms.
 *
 * Every step mirrors what Debian's libtorch_cpu does on an AVX2 machine,
 * down to which multiply-adds are fused, because the lesson promises the
 * same numbers as PyTorch for the same seed (tests/test-rng.c checks them
 * against tests/reference/make_rng_golden.py). */
#include "nnb-rng.h"
#include "nnb-tensor-private.h"

#include <math.h>
#include <string.h>

#define MT_N 624
#define MT_M 397
#define MT_MATRIX_A 0x9908b0dfu

/* c10::detail::default_rng_seed_val */
#define PYTORCH_DEFAULT_SEED G_GUINT64_CONSTANT (67280421310721)

/* normal_ on float32 takes the vectorised path from this many values on */
#define NORMAL_CHUNK 16
#define NORMAL_HALF 8

void
nnb_generator_manual_seed (NnbGenerator *gen, guint64 seed)
{
  g_return_if_fail (gen != NULL);

  /* at::mt19937 keeps only the low 32 bits of a 64-bit seed */
  gen->state[0] = (guint32) seed;
  for (guint32 i = 1; i < MT_N; i++)
    gen->state[i] = 1812433253u * (gen->state[i - 1] ^ (gen->state[i - 1] >> 30)) + i;
  gen->index = MT_N;
  gen->has_next_normal = FALSE;
  gen->next_normal = 0.0;
}

NnbGenerator *
nnb_generator_new (guint64 seed)
{
  NnbGenerator *gen = g_new (NnbGenerator, 1);

  nnb_generator_manual_seed (gen, seed);
  return gen;
}

NnbGenerator *
nnb_generator_default (void)
{
  static NnbGenerator default_gen;
  static gsize seeded = 0;

  if (g_once_init_enter (&seeded))
    {
      nnb_generator_manual_seed (&default_gen, PYTORCH_DEFAULT_SEED);
      g_once_init_leave (&seeded, 1);
    }
  return &default_gen;
}

/* The classic in-place twist: later words read already-updated ones. */
static void
mt_next_state (NnbGenerator *gen)
{
  guint32 *s = gen->state;

  for (int i = 0; i < MT_N; i++)
    {
      guint32 y = (s[i] & 0x80000000u) | (s[(i + 1) % MT_N] & 0x7fffffffu);
      s[i] = s[(i + MT_M) % MT_N] ^ (y >> 1) ^ ((y & 1u) ? MT_MATRIX_A : 0u);
    }
  gen->index = 0;
}

guint32
nnb_generator_random (NnbGenerator *gen)
{
  guint32 y;

  if (gen->index >= MT_N)
    mt_next_state (gen);
  y = gen->state[gen->index++];
  y ^= y >> 11;
  y ^= (y << 7) & 0x9d2c5680u;
  y ^= (y << 15) & 0xefc60000u;
  y ^= y >> 18;
  return y;
}

guint64
nnb_generator_random64 (NnbGenerator *gen)
{
  guint64 hi = nnb_generator_random (gen);
  guint64 lo = nnb_generator_random (gen);

  return (hi << 32) | lo;
}

/* uniform_real_distribution<float>(0, 1): 24 random bits, exact in float */
static inline float
uniform_float01 (NnbGenerator *gen)
{
  return (float) (nnb_generator_random (gen) & 0xffffffu) * 0x1p-24f;
}

/* uniform_real_distribution<double>(0, 1): 53 random bits */
static inline double
uniform_double01 (NnbGenerator *gen)
{
  return (double) (nnb_generator_random64 (gen) & G_GUINT64_CONSTANT (0x1fffffffffffff)) * 0x1p-53;
}

void
nnb_rng_uniform (NnbGenerator *gen, float *out, gsize n, double a, double b)
{
  /* The bounds become float32 first, their difference is a float
   * subtraction, and x·(b − a) + a is one float fused multiply-add: that is
   * how GCC compiled uniform_kernel for float in libtorch_cpu. */
  float from = (float) a;
  float range = (float) b - from;

  g_return_if_fail (gen != NULL);
  g_return_if_fail (out != NULL || n == 0);

  for (gsize i = 0; i < n; i++)
    out[i] = fmaf (uniform_float01 (gen), range, from);
}

/* at::normal_distribution<double>: Box–Muller in double; the sine half is
 * kept in the generator for the next call, which then draws nothing. */
static double
normal_double (NnbGenerator *gen, double mean, double std)
{
  double ret;

  if (gen->has_next_normal)
    {
      gen->has_next_normal = FALSE;
      ret = gen->next_normal;
    }
  else
    {
      double u1 = uniform_double01 (gen);
      double u2 = uniform_double01 (gen);
      double r = sqrt (-2.0 * log (1.0 - u2));
      double theta = 2.0 * G_PI * u1;

      /* GCC turns this pair into one sincos call, as in libtorch; glibc
       * gives the same bits either way */
      gen->next_normal = r * sin (theta);
      gen->has_next_normal = TRUE;
      ret = r * cos (theta);
    }
  /* transformation::normal, contracted to one fma by the compiler */
  return fma (ret, std, mean);
}

/* The Cephes single-precision polynomials of avx_mathfun.h (log256_ps,
 * sincos256_ps), one lane at a time, with its constants. Multiplies and
 * adds are fused exactly where GCC fused them in libtorch_cpu's
 * normal_fill_AVX2 (read from its disassembly) and nowhere else; no plain
 * a·b + c is left, so a compiler that contracts on its own changes nothing. */

static inline guint32
float_bits (float x)
{
  guint32 u;

  memcpy (&u, &x, sizeof u);
  return u;
}

static inline float
bits_float (guint32 u)
{
  float x;

  memcpy (&x, &u, sizeof x);
  return x;
}

static float
cephes_logf (float x)
{
  const float one = 1.0f;
  gboolean invalid = x <= 0.0f;
  float e, e_q1, tmp, y, z, below;
  gboolean folded;
  gint32 exponent;

  /* _mm256_max_ps (x, smallest normal): cuts off denormals */
  x = x > bits_float (0x00800000u) ? x : bits_float (0x00800000u);
  exponent = (gint32) (float_bits (x) >> 23) - 0x7f;
  x = bits_float ((float_bits (x) & ~0x7f800000u) | float_bits (0.5f));
  e = (float) exponent + one;

  /* mantissa in [√½, √2): fold the lower half up, one less exponent */
  folded = x < 0.707106781186547524f;
  tmp = folded ? x : 0.0f;
  below = folded ? one : 0.0f;
  x = x + -1.0f;
  e = e - below;
  e_q1 = e * -2.12194440e-4f;
  x = tmp + x;

  y = 7.0376836292E-2f;
  y = fmaf (x, y, -1.1514610310E-1f);
  y = fmaf (x, y, 1.1676998740E-1f);
  y = fmaf (x, y, -1.2420140846E-1f);
  y = fmaf (x, y, 1.4249322787E-1f);
  y = fmaf (x, y, -1.6668057665E-1f);
  y = fmaf (x, y, 2.0000714765E-1f);
  y = fmaf (x, y, -2.4999993993E-1f);
  y = fmaf (x, y, 3.3333331174E-1f);
  z = x * x;
  y = x * y;
  y = fmaf (y, z, e_q1);
  y = fmaf (-z, 0.5f, y);
  x = x + y;
  x = fmaf (e, 0.693359375f, x);
  return invalid ? NAN : x;
}

static void
cephes_sincosf (float x, float *s, float *c)
{
  guint32 sign_sin = float_bits (x) & 0x80000000u;
  guint32 swap_sign, sign_cos;
  gboolean poly_cos;
  float y, y2, z, tmp, ysin1, ysin2;
  gint32 j;

  x = fabsf (x);
  y = x * 1.27323954473516f; /* 4/π */

  /* octant, rounded up to even (see the Cephes sources) */
  j = (gint32) y;
  j = (j + 1) & ~1;
  y = (float) j;
  swap_sign = ((guint32) j & 4u) << 29;
  poly_cos = (j & 2) == 0;

  /* extended-precision reduction: x − y·π/4 in three pieces */
  x = fmaf (y, -0.78515625f, x);
  x = fmaf (y, -2.4187564849853515625e-4f, x);
  x = fmaf (y, -3.77489497744594108e-8f, x);

  sign_cos = (~(guint32) (j - 2) & 4u) << 29;
  sign_sin ^= swap_sign;

  /* cosine polynomial on [0, π/4] */
  z = x * x;
  y = 2.443315711809948E-005f;
  y = fmaf (z, y, -1.388731625493765E-003f);
  y = fmaf (z, y, 4.166664568298827E-002f);
  tmp = z * 0.5f;
  y = z * y;
  y = fmaf (y, z, -tmp);

  /* sine polynomial on [0, π/4] */
  y2 = -1.9515295891E-4f;
  y2 = fmaf (z, y2, 8.3321608736E-3f);
  y2 = fmaf (z, y2, -1.6666654611E-1f);
  y = y + 1.0f;
  y2 = z * y2;
  y2 = fmaf (y2, x, x);

  /* pick each result's polynomial by masking, as the vector code does */
  ysin2 = poly_cos ? y2 : 0.0f;
  ysin1 = poly_cos ? 0.0f : y;
  y2 = y2 - ysin2;
  y = y - ysin1;
  *s = bits_float (float_bits (ysin2 + ysin1) ^ sign_sin);
  *c = bits_float (float_bits (y + y2) ^ sign_cos);
}

/* normal_fill_16_AVX2: d[j] (1 − u1) and d[j + 8] (u2) become a pair of
 * normals; mean and std are float32 here, unlike the scalar path. */
static void
normal_fill_16 (float *d, float mean, float std)
{
  for (int j = 0; j < NORMAL_HALF; j++)
    {
      float u1 = 1.0f - d[j];
      float u2 = d[j + NORMAL_HALF];
      float radius = sqrtf (-2.0f * cephes_logf (u1));
      float theta = 6.28318530717958647692f * u2;
      float s, c;

      cephes_sincosf (theta, &s, &c);
      d[j] = fmaf (radius * c, std, mean);
      d[j + NORMAL_HALF] = fmaf (radius * s, std, mean);
    }
}

static void
normal_fill (NnbGenerator *gen, float *data, gsize n, float mean, float std)
{
  for (gsize i = 0; i < n; i++)
    data[i] = uniform_float01 (gen);
  for (gsize i = 0; i + NORMAL_CHUNK <= n; i += NORMAL_CHUNK)
    normal_fill_16 (data + i, mean, std);

  /* a ragged end redraws the last 16 slots from fresh uniforms */
  if (n % NORMAL_CHUNK != 0)
    {
      float *tail = data + n - NORMAL_CHUNK;

      for (int i = 0; i < NORMAL_CHUNK; i++)
        tail[i] = uniform_float01 (gen);
      normal_fill_16 (tail, mean, std);
    }
}

void
nnb_rng_normal (NnbGenerator *gen, float *out, gsize n, double mean, double std)
{
  g_return_if_fail (gen != NULL);
  g_return_if_fail (out != NULL || n == 0);

  if (n >= NORMAL_CHUNK)
    {
      normal_fill (gen, out, n, (float) mean, (float) std);
      return;
    }
  for (gsize i = 0; i < n; i++)
    out[i] = (float) normal_double (gen, mean, std);
}

void
nnb_rng_randperm (NnbGenerator *gen, int64_t *out, int64_t n)
{
  g_return_if_fail (gen != NULL);
  g_return_if_fail (out != NULL || n <= 0);

  for (int64_t i = 0; i < n; i++)
    out[i] = i;
  /* randperm_cpu: a forward Fisher–Yates with one 32-bit draw per step */
  for (int64_t i = 0; i < n - 1; i++)
    {
      int64_t z = (int64_t) (nnb_generator_random (gen) % (guint64) (n - i));
      int64_t saved = out[i];

      out[i] = out[i + z];
      out[i + z] = saved;
    }
}

void
nnb_rng_dropout_mask (NnbGenerator *gen, float *mask, gsize n, double p)
{
  /* bernoulli_'s probability is 1 − p in double; div_'s divisor is the
   * same 1 − p rounded to float32, then a float division */
  double keep = 1.0 - p;
  float scale;

  g_return_if_fail (gen != NULL);
  g_return_if_fail (mask != NULL || n == 0);
  g_return_if_fail (p >= 0.0 && p <= 1.0);

  /* _dropout_impl returns before drawing: the input for p = 0, input · 0
   * for p = 1 */
  if (p == 0.0 || p == 1.0)
    {
      for (gsize i = 0; i < n; i++)
        mask[i] = p == 0.0 ? 1.0f : 0.0f;
      return;
    }
  scale = 1.0f / (float) keep;
  /* bernoulli_scalar_cpu_kernel without MKL (Debian's build): one
   * bernoulli_distribution<double> per value, serially, each a
   * uniform_real_distribution<double> — two 32-bit draws */
  for (gsize i = 0; i < n; i++)
    mask[i] = uniform_double01 (gen) < keep ? scale : 0.0f;
}
