/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-simd-accuracy.c — the vectorised element-wise kernels against libm in
 * double.
 *
 * Every kernel runs over a dense sample of all floats (every 251st bit
 * pattern, which steps through every exponent and, being odd, through
 * mantissas of every low bit) plus a list of edge cases: ±0, the smallest
 * subnormal, FLT_MIN, ±tiny, ±large, FLT_MAX, ±inf, nan and the points
 * where tanh saturates and exp overflows. The reference is the function in
 * double from libm; the error of a result is counted in ulps of the float
 * nearest to the reference (the spacing of floats there, the usual
 * definition). Where the true value is below FLT_MIN the spacing is that
 * of subnormals, so an early underflow to 0 would show as millions of ulps;
 * those results are held to an absolute bound of FLT_MIN instead, and say
 * so. The bounds below are asserted and the measured maxima printed
 * ("# tanh avx2: max 0.9 ulp …").
 *
 * The kernels must also give the bits the engine relies on for parity with
 * PyTorch: the 16-lane AVX-512 tanh and sigmoid exactly the 8-lane AVX2
 * ones (PyTorch's Vectorized<float> calls SLEEF's 8-lane u10 functions; all
 * 2³² inputs were compared once, this keeps the dense sample), ReLU,
 * LeakyReLU, the tanh and sigmoid backward, the losses' gradients and the
 * sum exactly the scalar float expressions, nan and -0 included, and the
 * bias gradient, summed 8 or 16 columns at a time, exactly PyTorch's
 * summation order. */
#include <float.h>
#include <math.h>
#include <string.h>

#include "nnb-backend-cpu-simd.h"
#include "nnb-backend.h"
#include "nnb-formulas.h"

/* The bounds, and what was measured on the machine that wrote them (AMD
 * EPYC, SLEEF 3.5.1, glibc 2.36; the test prints the maxima on each run).
 * SLEEF's u10 functions promise 1.0 ulp: tanh measures 1.000 (1.00000002)
 * at x = 7.3e-8, both widths. */
#define TANH_MAX_ULPS 1.01
/* sigmoid is PyTorch's 1 / (1 + exp(−x)) in float: exp's ulp plus the
 * roundings of the sum and the quotient; measured 2.255 at x = −16.64 */
#define SIGMOID_MAX_ULPS 2.5
/* GELU is no approximation of the true one to bound here: it is oneDNN's
 * float kernel, PyTorch's (several ulps off the true GELU), and the AVX2
 * lanes must give nnb-formulas.h's scalar bits (test-gelu-parity.c holds
 * those to torch's). */
/* backward: dy · (1 − y²) and dy · (1 − y) · y in float, as PyTorch
 * computes them, against the same expression in double from the same
 * float inputs. Near |y| = 1, 1 − y² cancels and its error is large
 * relative to itself, but never relative to dy: the error is bounded by a
 * few ulps of |dy|, and that is what is asserted. Measured: tanh 1.228,
 * sigmoid 0.611 ulps of dy. */
#define BACKWARD_MAX_ULPS_OF_DY 2.5

#define STRIDE 251
#define CHUNK 4096

static const float edge_cases[] = {
  0.0f,
  -0.0f,
  FLT_TRUE_MIN,
  -FLT_TRUE_MIN,
  FLT_MIN,
  -FLT_MIN,
  1e-30f,
  -1e-30f,
  1e-10f,
  -1e-10f,
  1e-4f,
  -1e-4f,
  0.5f,
  -0.5f,
  1.0f,
  -1.0f,
  8.66f,
  -8.66f,
  9.01f,
  -9.01f,
  10.0f,
  -10.0f,
  88.72f,
  -88.72f,
  103.97f,
  -103.97f,
  1e10f,
  -1e10f,
  1e30f,
  -1e30f,
  FLT_MAX,
  -FLT_MAX,
  INFINITY,
  -INFINITY,
  NAN,
  -NAN,
};

/* the spacing of floats at |reference| */
static double
float_ulp (double reference)
{
  float f = (float) fabs (reference);

  if (isinf (f))
    f = FLT_MAX;
  if (f < FLT_MIN)
    return FLT_TRUE_MIN;
  return (double) nextafterf (f, INFINITY) - (double) f;
}

typedef struct
{
  const char *name;
  double max_ulps;     /* over results whose reference is ≥ FLT_MIN */
  double max_abs_tiny; /* over results whose reference is below FLT_MIN */
  float worst_x;
  gsize count;
} Accuracy;

/* Scores got[i] against reference ref[i]; both nan, or equal infinities,
 * count as exact. */
static void
score (Accuracy *acc, const float *x, const float *got, const double *ref, gsize n)
{
  for (gsize i = 0; i < n; i++)
    {
      double r = ref[i], g = got[i];

      acc->count++;
      if (isnan (r) || isinf (r) || isinf ((float) r))
        {
          /* the reference rounds to inf or is nan: the result must too */
          if (isnan (r))
            g_assert_true (isnan (g));
          else
            g_assert_cmpfloat (g, ==, (double) (float) r);
          continue;
        }
      g_assert_false (isnan (g));
      if (fabs (r) < FLT_MIN)
        {
          if (fabs (g - r) > acc->max_abs_tiny)
            acc->max_abs_tiny = fabs (g - r);
          continue;
        }
      if (fabs (g - r) / float_ulp (r) > acc->max_ulps)
        {
          acc->max_ulps = fabs (g - r) / float_ulp (r);
          acc->worst_x = x[i];
        }
    }
}

static void
report (const Accuracy *acc, double bound)
{
  g_test_message ("%s: max %.3f ulp at x = %a (%.9g), bound %.3f; %" G_GSIZE_FORMAT " values; "
                  "where the true value is below FLT_MIN, max abs. error %.3g",
                  acc->name, acc->max_ulps, acc->worst_x, acc->worst_x, bound, acc->count, acc->max_abs_tiny);
  g_assert_cmpfloat (acc->max_ulps, <=, bound);
  g_assert_cmpfloat (acc->max_abs_tiny, <=, FLT_MIN);
}

/* Calls fn for successive chunks of the sample: the edge cases first,
 * then every STRIDE-th float bit pattern. */
typedef void (*ChunkFunc) (const float *x, gsize n, gpointer data);

static void
for_each_chunk (ChunkFunc fn, gpointer data)
{
  float *x = g_new (float, CHUNK);
  gsize n = 0;

  fn (edge_cases, G_N_ELEMENTS (edge_cases), data);
  for (guint64 bits = 0; bits <= G_MAXUINT32; bits += STRIDE)
    {
      guint32 b = (guint32) bits;
      memcpy (&x[n++], &b, sizeof b);
      if (n == CHUNK)
        {
          fn (x, n, data);
          n = 0;
        }
    }
  if (n > 0)
    fn (x, n, data);
  g_free (x);
}

/* ---- forward: tanh, sigmoid, GELU ---- */

typedef struct
{
  Accuracy avx2, avx512;
  gboolean sigmoid;
  float y8[CHUNK], y16[CHUNK];
  double ref[CHUNK];
} ForwardCheck;

static double
sigmoid_reference (float x)
{
  return 1.0 / (1.0 + exp (-(double) x));
}

static void
forward_chunk (const float *x, gsize n, gpointer data)
{
  ForwardCheck *c = data;

  for (gsize i = 0; i < n; i++)
    c->ref[i] = c->sigmoid ? sigmoid_reference (x[i]) : tanh ((double) x[i]);
  if (c->sigmoid)
    nnb_simd_sigmoid (x, c->y8, n);
  else
    nnb_simd_tanh (x, c->y8, n);
  score (&c->avx2, x, c->y8, c->ref, n);
  if (!nnb_avx512_available ())
    return;
  if (c->sigmoid)
    nnb_avx512_sigmoid (x, c->y16, n);
  else
    nnb_avx512_tanh (x, c->y16, n);
  score (&c->avx512, x, c->y16, c->ref, n);
  /* the engine's bits are PyTorch's only if both widths agree exactly */
  for (gsize i = 0; i < n; i++)
    if (!isnan (c->y8[i]) || !isnan (c->y16[i]))
      g_assert_cmpmem (&c->y8[i], sizeof (float), &c->y16[i], sizeof (float));
}

static void
check_forward (gboolean sigmoid, double bound)
{
  g_autofree ForwardCheck *c = g_new0 (ForwardCheck, 1);

  if (!nnb_simd_available ())
    {
      g_test_skip ("This processor has no AVX2 and FMA: the engine uses its scalar loops.");
      return;
    }
  c->sigmoid = sigmoid;
  c->avx2.name = sigmoid ? "sigmoid, AVX2 (SLEEF expf8_u10)" : "tanh, AVX2 (SLEEF tanhf8_u10)";
  c->avx512.name = sigmoid ? "sigmoid, AVX-512 (SLEEF expf16_u10)" : "tanh, AVX-512 (SLEEF tanhf16_u10)";
  for_each_chunk (forward_chunk, c);
  report (&c->avx2, bound);
  if (nnb_avx512_available ())
    report (&c->avx512, bound);
  else
    g_test_message ("no AVX-512F here: the 16-lane kernels were not run");

  /* the edges exactly: tanh(±0) = ±0, tanh(±inf) = ±1, sigmoid(+inf) = 1,
   * sigmoid(-inf) = 0, nan stays nan */
  {
    const float in[] = { 0.0f, -0.0f, INFINITY, -INFINITY, NAN };
    float out[G_N_ELEMENTS (in)];

    if (sigmoid)
      nnb_simd_sigmoid (in, out, G_N_ELEMENTS (in));
    else
      nnb_simd_tanh (in, out, G_N_ELEMENTS (in));
    g_assert_cmpfloat (out[0], ==, sigmoid ? 0.5f : 0.0f);
    g_assert_true (sigmoid || !signbit (out[0]));
    g_assert_cmpfloat (out[1], ==, sigmoid ? 0.5f : 0.0f);
    g_assert_true (sigmoid || signbit (out[1]));
    g_assert_cmpfloat (out[2], ==, 1.0f);
    g_assert_cmpfloat (out[3], ==, sigmoid ? 0.0f : -1.0f);
    g_assert_true (isnan (out[4]));
  }
}

static void
test_tanh (void)
{
  check_forward (FALSE, TANH_MAX_ULPS);
}

static void
test_sigmoid (void)
{
  check_forward (TRUE, SIGMOID_MAX_ULPS);
}

typedef struct
{
  gsize count;
  float y[CHUNK];
} GeluCheck;

/* the AVX2 lanes against nnb_f_gelu, bit for bit */
static void
gelu_chunk (const float *x, gsize n, gpointer data)
{
  GeluCheck *c = data;

  nnb_simd_gelu (x, c->y, n);
  for (gsize i = 0; i < n; i++)
    {
      float scalar = nnb_f_gelu (x[i]);
      if (memcmp (&scalar, &c->y[i], sizeof (float)) != 0)
        g_error ("GELU of %a: AVX2 %a, nnb_f_gelu %a", x[i], c->y[i], scalar);
    }
  c->count += n;
}

static void
test_gelu (void)
{
  g_autofree GeluCheck *c = g_new0 (GeluCheck, 1);

  if (!nnb_simd_available ())
    {
      g_test_skip ("This processor has no AVX2 and FMA: the engine uses its scalar loops.");
      return;
    }
  for_each_chunk (gelu_chunk, c);
  g_test_message ("GELU, AVX2: nnb_f_gelu's bits on all %" G_GSIZE_FORMAT " values", c->count);
}

/* ---- backward ---- */

typedef enum
{
  BACKWARD_TANH,
  BACKWARD_SIGMOID,
  BACKWARD_GELU,
} BackwardKind;

typedef struct
{
  BackwardKind kind;
  double max_ulps_of_dy;
  float worst_x;
  gsize count;
  float y[CHUNK], dy[CHUNK], dx[CHUNK], acc[CHUNK], in[CHUNK];
} BackwardCheck;

static void
backward_chunk (const float *x, gsize n, gpointer data)
{
  BackwardCheck *c = data;

  /* the forward value the backward reads (tanh and sigmoid take their
   * output), and a varied dy in [-2, 2) of either sign */
  if (c->kind == BACKWARD_TANH)
    nnb_simd_tanh (x, c->y, n);
  else if (c->kind == BACKWARD_SIGMOID)
    nnb_simd_sigmoid (x, c->y, n);
  else
    memcpy (c->y, x, n * sizeof (float));
  for (gsize i = 0; i < n; i++)
    {
      c->dy[i] = (float) ((double) ((i * 7919u + c->count) % 4001u) / 1000.0 - 2.0);
      c->acc[i] = (float) ((double) ((i * 104729u) % 1001u) / 1000.0 - 0.5);
      c->in[i] = c->acc[i];
    }

  switch (c->kind)
    {
    case BACKWARD_TANH:
      nnb_simd_tanh_backward (c->y, c->dy, c->dx, n, FALSE);
      nnb_simd_tanh_backward (c->y, c->dy, c->acc, n, TRUE);
      break;
    case BACKWARD_SIGMOID:
      nnb_simd_sigmoid_backward (c->y, c->dy, c->dx, n, FALSE);
      nnb_simd_sigmoid_backward (c->y, c->dy, c->acc, n, TRUE);
      break;
    case BACKWARD_GELU:
      nnb_simd_gelu_backward (c->y, c->dy, c->dx, n, FALSE);
      nnb_simd_gelu_backward (c->y, c->dy, c->acc, n, TRUE);
      break;
    }

  for (gsize i = 0; i < n; i++)
    {
      float y = c->y[i], dy = c->dy[i], scalar;
      double ref;

      /* the scalar float expression, PyTorch's, must match bit for bit */
      switch (c->kind)
        {
        case BACKWARD_TANH:
          scalar = dy * fmaf (-y, y, 1.0f); /* PyTorch fuses 1 − y·y */
          ref = (double) dy * (1.0 - (double) y * y);
          break;
        case BACKWARD_SIGMOID:
          scalar = dy * (1.0f - y) * y;
          ref = (double) dy * (1.0 - y) * y;
          break;
        case BACKWARD_GELU:
        default:
          /* nnb-formulas.h's bits are the whole check (oneDNN's kernel) */
          scalar = nnb_f_gelu_backward (y, dy);
          ref = NAN;
          break;
        }
      c->count++;
      if (c->kind == BACKWARD_GELU)
        {
          float summed = c->in[i] + c->dx[i];
          g_assert_cmpmem (&c->dx[i], sizeof (float), &scalar, sizeof (float));
          g_assert_cmpmem (&c->acc[i], sizeof (float), &summed, sizeof (float));
          continue;
        }
      if (isnan (ref))
        {
          g_assert_true (isnan (c->dx[i]));
          continue;
        }
      g_assert_cmpmem (&c->dx[i], sizeof (float), &scalar, sizeof (float));
      {
        float summed = c->in[i] + c->dx[i];
        g_assert_cmpmem (&c->acc[i], sizeof (float), &summed, sizeof (float));
      }
      if (isinf (ref) || isinf ((float) ref))
        {
          g_assert_cmpfloat (c->dx[i], ==, (float) ref);
          continue;
        }
      if (dy != 0.0f && fabs (c->dx[i] - ref) / float_ulp (dy) > c->max_ulps_of_dy)
        {
          c->max_ulps_of_dy = fabs (c->dx[i] - ref) / float_ulp (dy);
          c->worst_x = x[i];
        }
    }
}

static void
check_backward (BackwardKind kind, const char *name)
{
  g_autofree BackwardCheck *c = g_new0 (BackwardCheck, 1);

  if (!nnb_simd_available ())
    {
      g_test_skip ("This processor has no AVX2 and FMA: the engine uses its scalar loops.");
      return;
    }
  c->kind = kind;
  for_each_chunk (backward_chunk, c);
  if (kind == BACKWARD_GELU)
    {
      g_test_message ("GELU backward, AVX2: nnb_f_gelu_backward's bits on all %" G_GSIZE_FORMAT " values", c->count);
      return;
    }
  g_test_message ("%s backward, AVX2: max %.3f ulp of dy at x = %a (%.9g), bound %.1f; %" G_GSIZE_FORMAT " values",
                  name, c->max_ulps_of_dy, c->worst_x, c->worst_x, BACKWARD_MAX_ULPS_OF_DY, c->count);
  g_assert_cmpfloat (c->max_ulps_of_dy, <=, BACKWARD_MAX_ULPS_OF_DY);
}

static void
test_tanh_backward (void)
{
  check_backward (BACKWARD_TANH, "tanh");
}

static void
test_sigmoid_backward (void)
{
  check_backward (BACKWARD_SIGMOID, "sigmoid");
}

static void
test_gelu_backward (void)
{
  check_backward (BACKWARD_GELU, "GELU");
}

/* ---- exact kernels: ReLU, LeakyReLU, add ---- */

typedef struct
{
  float y[CHUNK], dy[CHUNK], dx[CHUNK], acc[CHUNK], in[CHUNK];
} ExactCheck;

static void
exact_chunk (const float *x, gsize n, gpointer data)
{
  ExactCheck *c = data;
  const float slope = 0.01f;

  for (gsize i = 0; i < n; i++)
    {
      /* dy walks the sample backwards, so it too holds every edge */
      c->dy[i] = x[n - 1 - i];
      c->acc[i] = c->in[i] = (float) i - 100.5f;
    }

  nnb_simd_relu (x, c->y, n);
  nnb_simd_relu_backward (x, c->dy, c->dx, n, FALSE);
  nnb_simd_relu_backward (x, c->dy, c->acc, n, TRUE);
  for (gsize i = 0; i < n; i++)
    {
      float y = x[i] > 0.0f ? x[i] : 0.0f;
      float g = x[i] <= 0.0f ? 0.0f : c->dy[i];
      float a = c->in[i] + g;
      g_assert_cmpmem (&c->y[i], 4, &y, 4);
      g_assert_cmpmem (&c->dx[i], 4, &g, 4);
      g_assert_cmpmem (&c->acc[i], 4, &a, 4);
    }

  for (gsize i = 0; i < n; i++)
    c->acc[i] = c->in[i];
  nnb_simd_leaky_relu (x, c->y, n, slope);
  nnb_simd_leaky_relu_backward (x, c->dy, c->dx, n, slope, FALSE);
  nnb_simd_leaky_relu_backward (x, c->dy, c->acc, n, slope, TRUE);
  for (gsize i = 0; i < n; i++)
    {
      float y = x[i] > 0.0f ? x[i] : x[i] * slope;
      float g = x[i] > 0.0f ? c->dy[i] : c->dy[i] * slope;
      float a = c->in[i] + g;
      if (isnan (y))
        g_assert_true (isnan (c->y[i]));
      else
        g_assert_cmpmem (&c->y[i], 4, &y, 4);
      if (isnan (g))
        g_assert_true (isnan (c->dx[i]) && isnan (c->acc[i]));
      else
        {
          g_assert_cmpmem (&c->dx[i], 4, &g, 4);
          g_assert_cmpmem (&c->acc[i], 4, &a, 4);
        }
    }

  /* the loss's gradient: MSE norm · (x − t), L1 sign(x − t) · norm */
  for (int mse = 0; mse <= 1; mse++)
    {
      const float norm = 0.015625f;
      nnb_simd_loss_grad (mse, x, c->dy, c->dx, n, norm);
      for (gsize i = 0; i < n; i++)
        {
          float diff = x[i] - c->dy[i];
          float g = mse ? norm * diff : diff > 0.0f ? norm
                                      : diff < 0.0f ? -norm
                                                    : 0.0f;
          if (isnan (g))
            g_assert_true (isnan (c->dx[i]));
          else
            g_assert_cmpmem (&c->dx[i], 4, &g, 4);
        }
    }

  nnb_simd_add (x, c->dy, c->y, n);
  for (gsize i = 0; i < n; i++)
    {
      float s = x[i] + c->dy[i];
      if (isnan (s))
        g_assert_true (isnan (c->y[i]));
      else
        g_assert_cmpmem (&c->y[i], 4, &s, 4);
    }
}

static void
test_exact_kernels (void)
{
  g_autofree ExactCheck *c = g_new0 (ExactCheck, 1);

  if (!nnb_simd_available ())
    {
      g_test_skip ("This processor has no AVX2 and FMA: the engine uses its scalar loops.");
      return;
    }
  for_each_chunk (exact_chunk, c);
  g_test_message ("ReLU, LeakyReLU (forward, backward, accumulate), the losses' gradients and add: "
                  "0 ulp, bit for bit the scalar rule");
}

/* Every length from 0 to 40, so each tail path runs, against the kernel on
 * a longer array: a lane's value must not depend on where it sits — but
 * for sigmoid, whose last n % 16 floats PyTorch computes with the C
 * library's exp (test-class-losses.c holds that to torch's bits), as the
 * rule says. */
static void
test_tails (void)
{
  float x[40], full[48], part[40];

  if (!nnb_simd_available ())
    {
      g_test_skip ("This processor has no AVX2 and FMA: the engine uses its scalar loops.");
      return;
    }
  for (int i = 0; i < 40; i++)
    x[i] = (float) (i - 20) * 0.37f;
  for (gsize n = 0; n <= 40; n++)
    {
      const NnbActivation acts[] = { NNB_ACT_TANH, NNB_ACT_SIGMOID, NNB_ACT_GELU, NNB_ACT_RELU, NNB_ACT_LEAKY_RELU };
      for (guint a = 0; a < G_N_ELEMENTS (acts); a++)
        {
          memset (part, 0x7f, sizeof part);
          nnb_backend_cpu ()->act_forward (acts[a], 0.01f, x, full, 40);
          nnb_backend_cpu ()->act_forward (acts[a], 0.01f, x, part, n);
          if (acts[a] == NNB_ACT_SIGMOID)
            for (gsize i = n / 16 * 16; i < n; i++)
              full[i] = 1.0f / (1.0f + expf (-x[i]));
          /* one element is ATen's GELU, not oneDNN's (test-gelu-parity.c) */
          if (acts[a] == NNB_ACT_GELU && n == 1)
            full[0] = nnb_f_gelu_aten_from (x[0], erff (x[0] * NNB_F_GELU_ATEN_SQRT1_2));
          g_assert_cmpmem (part, n * sizeof (float), full, n * sizeof (float));
          /* nothing written past n */
          for (gsize i = n; i < 40; i++)
            {
              guint32 bits;
              memcpy (&bits, &part[i], 4);
              g_assert_cmphex (bits, ==, 0x7f7f7f7f);
            }
        }
    }
}

/* ---- bias gradient: PyTorch's cascade sum, column by column ---- */

/* The plain scalar form of PyTorch 1.13's sum over rows (SumKernel.cpp),
 * one column at a time, as the engine's comments describe it: the engine
 * sums 8 or 16 columns at once and must give these bits. */
static float
reference_cascade (const float *dy, gsize cols, gsize c, gsize first, gsize step, gsize size)
{
  int bits = 0, level_power;
  gsize level_step, level_mask, i = 0;
  float acc[4] = { 0 };

  while (((gsize) 1 << bits) < size)
    bits++;
  level_power = MAX (4, bits / 4);
  level_step = (gsize) 1 << level_power;
  level_mask = level_step - 1;
  while (i + level_step <= size)
    {
      for (gsize j = 0; j < level_step; j++, i++)
        acc[0] += dy[(first + i * step) * cols + c];
      for (int j = 1; j < 4; j++)
        {
          acc[j] += acc[j - 1];
          acc[j - 1] = 0;
          if ((i & (level_mask << (j * level_power))) != 0)
            break;
        }
    }
  for (; i < size; i++)
    acc[0] += dy[(first + i * step) * cols + c];
  for (int j = 1; j < 4; j++)
    acc[0] += acc[j];
  return acc[0];
}

/* A (rows, 1) gradient is one contiguous run of floats to PyTorch (from 8
 * rows on): vectorized_inner_sum's row_sum over 8-float vectors, four at a
 * time, that is the cascades of the 32 columns of a (rows / 32, 32)
 * matrix; vectors left over go to the first four-vector group, the groups
 * combine lane by lane, then 0 plus the floats left over plus the 8 lanes. */
static float
reference_contiguous_sum (const float *x, gsize n)
{
  gsize vectors = n / 8, groups = vectors / 4;
  float partial[32], sum = 0.0f;

  for (gsize j = 0; j < 32; j++)
    partial[j] = reference_cascade (x, 32, j, 0, 1, groups);
  for (gsize v = groups * 4; v < vectors; v++)
    for (gsize l = 0; l < 8; l++)
      partial[l] += x[v * 8 + l];
  for (gsize l = 0; l < 8; l++)
    for (gsize k = 1; k < 4; k++)
      partial[l] += partial[8 * k + l];
  for (gsize i = vectors * 8; i < n; i++)
    sum += x[i];
  for (gsize l = 0; l < 8; l++)
    sum += partial[l];
  return sum;
}

static float
reference_column_sum (const float *dy, gsize rows, gsize cols, gsize c)
{
  /* columns in whole blocks of 4 vectors of 8 (or of 4 columns when there
   * are fewer than 8) are summed directly, the others with four
   * interleaved accumulators */
  gsize direct = cols >= 8 ? cols / 32 * 32 : cols / 4 * 4;
  gsize size_ilp = rows / 4;
  float partial[4];

  if (cols == 1 && rows >= 8)
    return reference_contiguous_sum (dy, rows);
  if (c < direct)
    return reference_cascade (dy, cols, c, 0, 1, rows);
  for (gsize k = 0; k < 4; k++)
    partial[k] = reference_cascade (dy, cols, c, k, 4, size_ilp);
  for (gsize i = size_ilp * 4; i < rows; i++)
    partial[0] += dy[i * cols + c];
  for (int k = 1; k < 4; k++)
    partial[0] += partial[k];
  return partial[0];
}

static void
test_bias_grad (void)
{
  const gsize rows_list[] = { 1, 3, 5, 8, 17, 32, 48, 100, 200, 1000, 4099 };
  /* 600 and 1100: more columns than the engine sums in one pass (512) */
  const gsize cols_list[] = { 1, 3, 4, 7, 8, 9, 16, 17, 24, 31, 32, 33, 48, 64, 65, 96, 130, 600, 1100 };
  g_autofree float *dy = g_new (float, 4099 * 1100);
  float db[1100], want[1100];
  guint naive_differs = 0;

  /* values of mixed sign and size, whose sums round differently in any
   * other order */
  for (gsize i = 0; i < 4099 * 1100; i++)
    dy[i] = (float) (sin ((double) i * 0.7) * pow (10.0, (double) (i % 7) - 3.0));
  for (guint r = 0; r < G_N_ELEMENTS (rows_list); r++)
    for (guint k = 0; k < G_N_ELEMENTS (cols_list); k++)
      {
        gsize rows = rows_list[r], cols = cols_list[k];
        for (gsize c = 0; c < cols; c++)
          {
            db[c] = (float) c * 0.25f; /* .grad accumulates: db += Σ dy */
            want[c] = db[c] + reference_column_sum (dy, rows, cols, c);
            {
              float naive = 0.0f;
              for (gsize i = 0; i < rows; i++)
                naive += dy[i * cols + c];
              naive_differs += db[c] + naive != want[c];
            }
          }
        nnb_backend_cpu ()->bias_grad (db, dy, rows, cols);
        for (gsize c = 0; c < cols; c++)
          if (memcmp (&db[c], &want[c], sizeof (float)) != 0)
            g_error ("bias gradient of %" G_GSIZE_FORMAT "×%" G_GSIZE_FORMAT ", column %" G_GSIZE_FORMAT
                     ": %a, PyTorch's order gives %a",
                     rows, cols, c, db[c], want[c]);
      }
  g_test_message ("bias gradient: 0 ulp, bit for bit PyTorch's summation order, %u shapes; "
                  "a plain row-by-row sum would differ in %u columns",
                  (guint) (G_N_ELEMENTS (rows_list) * G_N_ELEMENTS (cols_list)), naive_differs);
  /* the data tells summation orders apart, or this test could not fail */
  g_assert_cmpuint (naive_differs, >, 100);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/simd/tanh", test_tanh);
  g_test_add_func ("/simd/sigmoid", test_sigmoid);
  g_test_add_func ("/simd/gelu", test_gelu);
  g_test_add_func ("/simd/tanh-backward", test_tanh_backward);
  g_test_add_func ("/simd/sigmoid-backward", test_sigmoid_backward);
  g_test_add_func ("/simd/gelu-backward", test_gelu_backward);
  g_test_add_func ("/simd/relu-leaky-relu-loss-add-exact", test_exact_kernels);
  g_test_add_func ("/simd/tails", test_tails);
  g_test_add_func ("/simd/bias-grad-order", test_bias_grad);
  return g_test_run ();
}
