/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-backend-ops.c — every operation of the backend table (nnb-backend.h)
 * on every device against the CPU's scalar loops, one table row per
 * operation, as ggml's test-backend-ops does.
 *
 * The devices: the CPU with its AVX2/AVX-512 kernels, held to the scalar
 * loops' bits (the engine's parity with PyTorch rests on their agreeing),
 * and a CUDA GPU when there is one, held to each row's tolerance (its maths
 * library and cuBLAS differ from the CPU's in the last bits). A new field
 * in NnbBackend without a row here stops the build (the static assert on
 * the struct's size) or the test (the offsets must tile the struct). */
#include "nnb-config.h"

#include <float.h>
#include <math.h>
#include <stddef.h>
#include <string.h>
#include "nnb-backend-cpu-simd.h"
#include "nnb-backend.h"
#include "nnb-tensor-private.h"
#if NNB_HAVE_CUDA
#include "nnb-gpu.h"
#endif

/* odd sizes, so that every vector kernel runs its body and its tail */
#define N 203
#define ROWS 13
#define COLS 11

typedef struct
{
  const char *name;
  const NnbBackend *backend;
  gboolean scalar; /* the CPU table with its scalar loops: the reference */
} Device;

/* Each op's results, floats and doubles alike, in the order it made them */
typedef GArray Results; /* double */

/* ---- device helpers --------------------------------------------------- */

static float *
put (const Device *d, const float *host, gsize n)
{
  g_autoptr (GError) error = NULL;
  float *ptr = d->backend->alloc (MAX (n, 1) * sizeof (float), &error);

  g_assert_no_error (error);
  g_assert_nonnull (ptr);
  d->backend->upload (ptr, host, n);
  return ptr;
}

static void
get (const Device *d, Results *out, const float *ptr, gsize n)
{
  g_autofree float *host = g_new (float, n);

  d->backend->download (host, ptr, n);
  for (gsize i = 0; i < n; i++)
    {
      double v = host[i];
      g_array_append_val (out, v);
    }
}

static void
get_free (const Device *d, Results *out, float *ptr, gsize n)
{
  get (d, out, ptr, n);
  d->backend->free (ptr);
}

static void
add_value (Results *out, double v)
{
  g_array_append_val (out, v);
}

/* The same inputs on every device: a generator seeded per row */
static float *
inputs (GRand *rand, gsize n, double lo, double hi)
{
  float *x = g_new (float, n);

  for (gsize i = 0; i < n; i++)
    x[i] = (float) g_rand_double_range (rand, lo, hi);
  return x;
}

/* ---- one function per operation ---------------------------------------- */

static void
run_alloc (const Device *d, GRand *rand, Results *out)
{
  g_autoptr (GError) error = NULL;
  float *ptr = d->backend->alloc (N * sizeof (float), &error);

  g_assert_no_error (error);
  g_assert_nonnull (ptr);
  d->backend->fill (ptr, N, 1.5f);
  get_free (d, out, ptr, N);
}

/* free, upload and download: a round trip through device memory */
static void
run_round_trip (const Device *d, GRand *rand, Results *out)
{
  g_autofree float *x = inputs (rand, N, -3, 3);

  get_free (d, out, put (d, x, N), N);
}

static void
run_copy (const Device *d, GRand *rand, Results *out)
{
  g_autofree float *x = inputs (rand, N, -3, 3);
  g_autofree float *zeros = g_new0 (float, N);
  float *src = put (d, x, N), *dst = put (d, zeros, N);

  d->backend->copy (dst, src, N);
  d->backend->free (src);
  get_free (d, out, dst, N);
}

/* torch.cat's column blocks: columns 3… of a ROWS × COLS source into
 * columns 1… of a ROWS × (COLS + 2) destination, the rest left alone */
static void
run_copy_2d (const Device *d, GRand *rand, Results *out)
{
  const gsize width = 5, dst_cols = COLS + 2;
  g_autofree float *x = inputs (rand, ROWS * COLS, -3, 3);
  g_autofree float *zeros = g_new0 (float, ROWS *dst_cols);
  g_autofree float *host = g_new (float, ROWS *dst_cols);
  float *src = put (d, x, ROWS * COLS), *dst = put (d, zeros, ROWS * dst_cols);

  d->backend->copy_2d (dst + 1, dst_cols, src + 3, COLS, ROWS, width);
  d->backend->download (host, dst, ROWS * dst_cols);
  for (gsize r = 0; r < ROWS; r++)
    for (gsize c = 0; c < dst_cols; c++)
      g_assert_cmpfloat (host[r * dst_cols + c], ==, c >= 1 && c < 1 + width ? x[r * COLS + c + 2] : 0.0f);
  d->backend->free (src);
  get_free (d, out, dst, ROWS * dst_cols);
}

static void
run_fill (const Device *d, GRand *rand, Results *out)
{
  g_autofree float *zeros = g_new0 (float, N);
  float *y = put (d, zeros, N);

  d->backend->fill (y, N, -0.0f);
  get (d, out, y, N);
  d->backend->fill (y, N, 0.37f);
  get_free (d, out, y, N);
}

/* every transpose, with alpha and beta that are not 1; then the narrow
 * products the CPU computes without OpenBLAS (k < 8, or Aᵀ·B with fewer
 * than 8 columns; alpha 1, beta 0 or 1: nnb-simd-gemm.c), which must keep
 * OpenBLAS's bits, the scalar reference's */
static void
run_one_gemm (const Device *d, GRand *rand, Results *out, gboolean ta, gboolean tb, int m, int n, int k,
              float alpha, float beta)
{
  g_autofree float *a = inputs (rand, m * k, -1, 1);
  g_autofree float *b = inputs (rand, k * n, -1, 1);
  g_autofree float *c = inputs (rand, m * n, -1, 1);
  float *da, *db, *dc;

  /* C[0][0]'s products all round to -0, so its sum is -0: beta 0 must
   * still give +0 there, as OpenBLAS's C = sum + 0 does. (With beta 1 and
   * a C of -0, OpenBLAS's sign of that zero depends on the tile of C: some
   * of its tiles add a second, untouched accumulator. nnb-simd-gemm.c gives
   * -0; it is the one place where its bits can differ, and only when every
   * product underflows.) */
  for (int p = 0; p < k; p++)
    {
      a[ta ? p * m : p] = -FLT_TRUE_MIN;
      b[tb ? p : p * n] = 0.4f * fabsf (b[tb ? p : p * n]);
    }
  da = put (d, a, m * k);
  db = put (d, b, k * n);
  dc = put (d, c, m * n);
  d->backend->gemm (ta, tb, m, n, k, alpha, da, ta ? m : k, db, tb ? k : n, beta, dc, n);
  d->backend->free (da);
  d->backend->free (db);
  get_free (d, out, dc, m * n);
}

static void
run_gemm (const Device *d, GRand *rand, Results *out)
{
  static const int narrow[][3] = { { 1000, 16, 2 }, { 37, 17, 7 }, { 9, 3, 1 }, { 64, 200, 5 }, { 5, 8, 4 }, { 1000, 2, 16 }, { 45, 1, 64 }, { 33, 3, 13 }, { 17, 2, 320 }, { 7, 1, 9 } };

  for (int t = 0; t < 4; t++)
    run_one_gemm (d, rand, out, t & 1, t & 2, 5, 7, 9, 0.75f, 0.5f);
  for (gsize s = 0; s < G_N_ELEMENTS (narrow); s++)
    for (int t = 0; t < 4; t++)
      run_one_gemm (d, rand, out, FALSE, t & 1, narrow[s][0], narrow[s][1], narrow[s][2], 1.0f, t & 2 ? 1.0f : 0.0f);
  /* weight gradients of narrow layers, A transposed: k in OpenBLAS's blocks */
  static const int gradients[][3] = { { 16, 2, 1000 }, { 37, 5, 700 }, { 3, 1, 2000 }, { 20, 7, 641 }, { 9, 3, 5 }, { 2, 16, 1000 }, { 1, 37, 700 }, { 3, 9, 2000 }, { 4, 16, 30 } };
  for (gsize s = 0; s < G_N_ELEMENTS (gradients); s++)
    for (int beta = 0; beta < 2; beta++)
      run_one_gemm (d, rand, out, TRUE, FALSE, gradients[s][0], gradients[s][1], gradients[s][2], 1.0f, beta);
  /* layers of 16 units: OpenBLAS's tiles of 12 rows (and tails of 8, 4, 2,
   * 1 after them), some summed two ways, and its blocks of k */
  static const int sixteen[][2] = { { 1000, 16 }, { 1001, 9 }, { 23, 1000 }, { 14, 17 }, { 7, 321 }, { 45, 8 } };
  for (gsize s = 0; s < G_N_ELEMENTS (sixteen); s++)
    for (int t = 0; t < 3; t++)
      run_one_gemm (d, rand, out, t == 2, t == 1, sixteen[s][0], 16, sixteen[s][1], 1.0f, s % 2 ? 0.0f : 1.0f);
  /* just past the narrow kernels: 8 inputs and 8 outputs, 4 outputs, 321
   * inputs, alpha not 1 */
  run_one_gemm (d, rand, out, FALSE, TRUE, 40, 16, 8, 1.0f, 1.0f);
  run_one_gemm (d, rand, out, FALSE, TRUE, 40, 4, 16, 1.0f, 1.0f);
  run_one_gemm (d, rand, out, FALSE, FALSE, 20, 2, 321, 1.0f, 0.0f);
  run_one_gemm (d, rand, out, FALSE, TRUE, 40, 16, 2, 2.0f, 1.0f);
}

static void
run_bias_fill (const Device *d, GRand *rand, Results *out)
{
  g_autofree float *bias = inputs (rand, COLS, -1, 1);
  g_autofree float *zeros = g_new0 (float, ROWS *COLS);
  float *db = put (d, bias, COLS), *y = put (d, zeros, ROWS * COLS);

  d->backend->bias_fill (y, db, ROWS, COLS);
  d->backend->free (db);
  get_free (d, out, y, ROWS * COLS);
}

/* small tables, then a classifier's mini-batches, whose columns the CPU
 * sums in vector lanes (nnb-simd-cascade.c); 17487 rows leave all four
 * levels of the cascade holding a part of the sum at the end */
static void
run_bias_grad (const Device *d, GRand *rand, Results *out)
{
  static const gsize shapes[][2] = { { ROWS, COLS }, { 1000, 16 }, { 1000, 2 }, { 300, 5 }, { 4099, 13 }, { 70, 48 }, { 17487, 9 } };

  for (gsize s = 0; s < G_N_ELEMENTS (shapes); s++)
    {
      gsize rows = shapes[s][0], cols = shapes[s][1];
      g_autofree float *dy = inputs (rand, rows * cols, -1, 1);
      g_autofree float *start = inputs (rand, cols, -1, 1);
      float *ddy = put (d, dy, rows * cols), *db = put (d, start, cols);

      d->backend->bias_grad (db, ddy, rows, cols);
      d->backend->free (ddy);
      get_free (d, out, db, cols);
    }
}

static const NnbActivation activations[] = {
  NNB_ACT_IDENTITY,
  NNB_ACT_RELU,
  NNB_ACT_TANH,
  NNB_ACT_SIGMOID,
  NNB_ACT_LEAKY_RELU,
  NNB_ACT_GELU,
};

/* random values with the edges every kernel must get right among them */
static float *
activation_inputs (GRand *rand)
{
  float *x = inputs (rand, N, -6, 6);

  x[0] = 0.0f;
  x[1] = -0.0f;
  x[2] = 1e-8f;
  x[3] = -20.0f;
  x[4] = 20.0f;
  return x;
}

static void
run_act_forward (const Device *d, GRand *rand, Results *out)
{
  g_autofree float *x = activation_inputs (rand);
  g_autofree float *zeros = g_new0 (float, N);

  for (guint a = 0; a < G_N_ELEMENTS (activations); a++)
    {
      float *dx = put (d, x, N), *dy = put (d, zeros, N);

      d->backend->act_forward (activations[a], 0.01f, dx, dy, N);
      d->backend->free (dx);
      get_free (d, out, dy, N);
    }
}

static void
run_act_backward (const Device *d, GRand *rand, Results *out)
{
  g_autofree float *x = activation_inputs (rand);
  g_autofree float *grad = inputs (rand, N, -1, 1);
  g_autofree float *start = inputs (rand, N, -1, 1);
  g_autofree float *zeros = g_new0 (float, N);

  for (guint a = 0; a < G_N_ELEMENTS (activations); a++)
    for (int accumulate = 0; accumulate < 2; accumulate++)
      {
        float *dx = put (d, x, N), *y = put (d, zeros, N), *ddy = put (d, grad, N), *dgx = put (d, start, N);

        /* the output the forward gives, as training hands it over */
        d->backend->act_forward (activations[a], 0.01f, dx, y, N);
        d->backend->act_backward (activations[a], 0.01f, dx, y, ddy, dgx, N, accumulate);
        d->backend->free (dx);
        d->backend->free (y);
        d->backend->free (ddy);
        get_free (d, out, dgx, N);
      }
}

/* LayerNorm over ROWS rows of COLS features, with weight and bias and
 * without (elementwise_affine=False); the mean and rstd are results too */
/* BatchNorm1d with the batch's statistics (updating running ones) and with
 * the running ones, affine or not */
static void
run_batch_norm_forward (const Device *d, GRand *rand, Results *out)
{
  g_autofree float *x = inputs (rand, ROWS * COLS, -3, 5);
  g_autofree float *w = inputs (rand, COLS, -2, 2);
  g_autofree float *b = inputs (rand, COLS, -1, 1);
  g_autofree float *rm = inputs (rand, COLS, -1, 1);
  g_autofree float *rv = inputs (rand, COLS, 0.5, 2);
  g_autofree float *zeros = g_new0 (float, ROWS *COLS);

  for (int mode = 0; mode < 4; mode++)
    {
      gboolean affine = mode & 1, batch_stats = mode & 2;
      float *dx = put (d, x, ROWS * COLS), *dw = put (d, w, COLS), *db = put (d, b, COLS);
      float *drm = put (d, rm, COLS), *drv = put (d, rv, COLS);
      float *y = put (d, zeros, ROWS * COLS), *stats = put (d, zeros, 2 * COLS);

      d->backend->batch_norm_forward (dx, ROWS, COLS, affine ? dw : NULL, affine ? db : NULL, batch_stats, 1e-5, 0.1f,
                                      drm, drv, y, stats, stats + COLS);
      d->backend->free (dx);
      d->backend->free (dw);
      d->backend->free (db);
      get_free (d, out, y, ROWS * COLS);
      get_free (d, out, stats, 2 * COLS);
      get_free (d, out, drm, COLS);
      get_free (d, out, drv, COLS);
    }
}

static void
run_batch_norm_backward (const Device *d, GRand *rand, Results *out)
{
  g_autofree float *x = inputs (rand, ROWS * COLS, -3, 5);
  g_autofree float *w = inputs (rand, COLS, -2, 2);
  g_autofree float *dy = inputs (rand, ROWS * COLS, -1, 1);
  g_autofree float *rm = inputs (rand, COLS, -1, 1);
  g_autofree float *rv = inputs (rand, COLS, 0.5, 2);
  g_autofree float *zeros = g_new0 (float, ROWS *COLS);

  for (int mode = 0; mode < 4; mode++)
    {
      gboolean affine = mode & 1, batch_stats = mode & 2;
      float *dx = put (d, x, ROWS * COLS), *dw = put (d, w, COLS), *ddy = put (d, dy, ROWS * COLS);
      float *drm = put (d, rm, COLS), *drv = put (d, rv, COLS);
      float *y = put (d, zeros, ROWS * COLS), *stats = put (d, zeros, 2 * COLS);
      float *gx = put (d, zeros, ROWS * COLS), *gw = put (d, zeros, COLS), *gb = put (d, zeros, COLS);

      /* the statistics the forward gives, as training hands them over */
      d->backend->batch_norm_forward (dx, ROWS, COLS, affine ? dw : NULL, NULL, batch_stats, 1e-5, 0.1f, drm, drv, y,
                                      stats, stats + COLS);
      d->backend->batch_norm_backward (ddy, dx, ROWS, COLS, affine ? dw : NULL, stats, stats + COLS, batch_stats, gx,
                                       gw, gb);
      d->backend->free (dx);
      d->backend->free (dw);
      d->backend->free (ddy);
      d->backend->free (drm);
      d->backend->free (drv);
      d->backend->free (y);
      d->backend->free (stats);
      get_free (d, out, gx, ROWS * COLS);
      get_free (d, out, gw, COLS);
      get_free (d, out, gb, COLS);
    }
}

static void
run_layer_norm_forward (const Device *d, GRand *rand, Results *out)
{
  g_autofree float *x = inputs (rand, ROWS * COLS, -3, 5);
  g_autofree float *w = inputs (rand, COLS, -2, 2);
  g_autofree float *b = inputs (rand, COLS, -1, 1);
  g_autofree float *zeros = g_new0 (float, ROWS *COLS);

  for (int affine = 0; affine < 2; affine++)
    {
      float *dx = put (d, x, ROWS * COLS), *dw = put (d, w, COLS), *db = put (d, b, COLS);
      float *y = put (d, zeros, ROWS * COLS), *stats = put (d, zeros, 2 * ROWS);

      d->backend->layer_norm_forward (dx, affine ? dw : NULL, affine ? db : NULL, ROWS, COLS, 1e-5f, y, stats,
                                      stats + ROWS);
      d->backend->free (dx);
      d->backend->free (dw);
      d->backend->free (db);
      get_free (d, out, y, ROWS * COLS);
      get_free (d, out, stats, 2 * ROWS);
    }
}

static void
run_layer_norm_backward (const Device *d, GRand *rand, Results *out)
{
  g_autofree float *x = inputs (rand, ROWS * COLS, -3, 5);
  g_autofree float *w = inputs (rand, COLS, -2, 2);
  g_autofree float *dy = inputs (rand, ROWS * COLS, -1, 1);
  g_autofree float *zeros = g_new0 (float, ROWS *COLS);

  for (int affine = 0; affine < 2; affine++)
    {
      float *dx = put (d, x, ROWS * COLS), *dw = put (d, w, COLS), *ddy = put (d, dy, ROWS * COLS);
      float *y = put (d, zeros, ROWS * COLS), *stats = put (d, zeros, 2 * ROWS);
      float *gx = put (d, zeros, ROWS * COLS), *gw = put (d, zeros, COLS), *gb = put (d, zeros, COLS);

      /* the mean and rstd the forward gives, as training hands them over */
      d->backend->layer_norm_forward (dx, affine ? dw : NULL, NULL, ROWS, COLS, 1e-5f, y, stats, stats + ROWS);
      d->backend->layer_norm_backward (ddy, dx, stats, stats + ROWS, affine ? dw : NULL, ROWS, COLS, gx,
                                       affine ? gw : NULL, affine ? gb : NULL);
      d->backend->free (dx);
      d->backend->free (dw);
      d->backend->free (ddy);
      d->backend->free (y);
      d->backend->free (stats);
      get_free (d, out, gx, ROWS * COLS);
      get_free (d, out, gw, COLS);
      get_free (d, out, gb, COLS);
    }
}

/* Softmax and LogSoftmax over ROWS rows of COLS features (a vector and a
 * tail) and of 3 (fewer than a vector), shifted by 50 so that the row's
 * maximum matters */
static void
run_softmax_forward (const Device *d, GRand *rand, Results *out)
{
  g_autofree float *x = inputs (rand, ROWS * COLS, 45, 55);
  g_autofree float *zeros = g_new0 (float, ROWS *COLS);
  const gsize widths[] = { COLS, 3 };

  for (int log = 0; log < 2; log++)
    for (guint w = 0; w < G_N_ELEMENTS (widths); w++)
      {
        float *dx = put (d, x, ROWS * widths[w]), *y = put (d, zeros, ROWS * widths[w]);

        d->backend->softmax_forward (log, dx, y, ROWS, widths[w]);
        d->backend->free (dx);
        get_free (d, out, y, ROWS * widths[w]);
      }
}

/* from the forward's output, overwriting and accumulating */
static void
run_softmax_backward (const Device *d, GRand *rand, Results *out)
{
  g_autofree float *x = inputs (rand, ROWS * COLS, -4, 4);
  g_autofree float *dy = inputs (rand, ROWS * COLS, -1, 1);
  g_autofree float *start = inputs (rand, ROWS * COLS, -1, 1);
  const gsize widths[] = { COLS, 3 };

  for (int log = 0; log < 2; log++)
    for (guint w = 0; w < G_N_ELEMENTS (widths); w++)
      for (int accumulate = 0; accumulate < 2; accumulate++)
        {
          gsize n = ROWS * widths[w];
          float *y = put (d, x, n), *ddy = put (d, dy, n), *dx = put (d, start, n);

          d->backend->softmax_forward (log, y, y, ROWS, widths[w]);
          d->backend->softmax_backward (log, y, ddy, dx, ROWS, widths[w], accumulate);
          d->backend->free (y);
          d->backend->free (ddy);
          get_free (d, out, dx, n);
        }
}

static void
run_add (const Device *d, GRand *rand, Results *out)
{
  g_autofree float *a = inputs (rand, N, -3, 3);
  g_autofree float *b = inputs (rand, N, -3, 3);
  float *da = put (d, a, N), *db = put (d, b, N), *dy = put (d, a, N);

  d->backend->add (da, db, dy, N);
  d->backend->free (da);
  d->backend->free (db);
  get_free (d, out, dy, N);
}

static void
run_accumulate (const Device *d, GRand *rand, Results *out)
{
  g_autofree float *x = inputs (rand, N, -3, 3);
  g_autofree float *y = inputs (rand, N, -3, 3);
  float *dx = put (d, x, N), *dy = put (d, y, N);

  d->backend->accumulate (dy, dx, N);
  d->backend->free (dx);
  get_free (d, out, dy, N);
}

/* a Dropout mask: zeros and 1/(1 − p) */
static void
run_mul (const Device *d, GRand *rand, Results *out)
{
  g_autofree float *x = inputs (rand, N, -3, 3);
  g_autofree float *mask = g_new (float, N);
  float *dx, *dm, *dy;

  for (int i = 0; i < N; i++)
    mask[i] = g_rand_boolean (rand) ? 1.0f / 0.7f : 0.0f;
  dx = put (d, x, N);
  dm = put (d, mask, N);
  dy = put (d, x, N);
  d->backend->mul (dx, dm, dy, N);
  d->backend->free (dx);
  d->backend->free (dm);
  get_free (d, out, dy, N);
}

static void
run_loss (const Device *d, GRand *rand, Results *out)
{
  g_autofree float *pred = inputs (rand, N, -3, 3);
  g_autofree float *target = inputs (rand, N, -3, 3);
  g_autofree float *zeros = g_new0 (float, N);

  target[0] = pred[0]; /* L1's sign(0) */
  for (NnbLossKind kind = NNB_LOSS_MSE; kind <= NNB_LOSS_L1; kind++)
    {
      float *dp = put (d, pred, N), *dt = put (d, target, N), *grad = put (d, zeros, N);

      add_value (out, d->backend->loss (kind, dp, dt, N, NULL));
      add_value (out, d->backend->loss (kind, dp, dt, N, grad));
      d->backend->free (dp);
      d->backend->free (dt);
      get_free (d, out, grad, N);
    }
}

static void
run_sgd_step (const Device *d, GRand *rand, Results *out)
{
  /* plain; momentum with decay; Nesterov, dampening, a second step */
  static const struct
  {
    float momentum, dampening, weight_decay;
    gboolean nesterov;
  } cases[] = {
    { 0, 0, 0, FALSE },
    { 0.9f, 0, 0.01f, FALSE },
    { 0.9f, 0.1f, 0.001f, TRUE },
  };
  g_autofree float *param = inputs (rand, N, -1, 1);
  g_autofree float *grad = inputs (rand, N, -1, 1);
  g_autofree float *zeros = g_new0 (float, N);

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      float *p = put (d, param, N), *g = put (d, grad, N), *buf = put (d, zeros, N);

      for (int step = 0; step < 2; step++)
        d->backend->sgd_step (p, g, buf, N, 0.1f, cases[c].momentum, cases[c].dampening,
                              cases[c].weight_decay, cases[c].nesterov, step == 0);
      d->backend->free (g);
      get_free (d, out, p, N);
      get_free (d, out, buf, N);
    }
}

static void
run_adam_step (const Device *d, GRand *rand, Results *out)
{
  g_autofree float *param = inputs (rand, N, -1, 1);
  g_autofree float *grad = inputs (rand, N, -1, 1);
  g_autofree float *zeros = g_new0 (float, N);

  for (int decay = 0; decay < 2; decay++)
    {
      float *p = put (d, param, N), *g = put (d, grad, N), *m = put (d, zeros, N), *v = put (d, zeros, N);

      for (int step = 1; step <= 3; step++)
        d->backend->adam_step (p, g, m, v, N, 1e-3, 0.9, 0.999, 1e-8, decay ? 0.01 : 0.0, step);
      d->backend->free (g);
      get_free (d, out, p, N);
      get_free (d, out, m, N);
      get_free (d, out, v, N);
    }
}

static void
run_sum_squares (const Device *d, GRand *rand, Results *out)
{
  g_autofree float *x = inputs (rand, N, -3, 3);
  float *dx = put (d, x, N);

  add_value (out, d->backend->sum_squares (dx, N));
  d->backend->free (dx);
}

static void
run_all_finite (const Device *d, GRand *rand, Results *out)
{
  g_autofree float *x = inputs (rand, N, -3, 3);
  float *dx = put (d, x, N);

  add_value (out, d->backend->all_finite (dx, N));
  x[N - 1] = INFINITY;
  d->backend->upload (dx, x, N);
  add_value (out, d->backend->all_finite (dx, N));
  x[N - 1] = NAN;
  d->backend->upload (dx, x, N);
  add_value (out, d->backend->all_finite (dx, N));
  d->backend->free (dx);
}

static void
run_sync (const Device *d, GRand *rand, Results *out)
{
  g_autoptr (GError) error = NULL;

  add_value (out, d->backend->sync (&error));
  g_assert_no_error (error);
}

/* ---- the table -------------------------------------------------------- */

typedef struct
{
  const char *name;
  size_t offset; /* the field in NnbBackend the row covers */
  void (*run) (const Device *d, GRand *rand, Results *out);
  double gpu_tolerance; /* relative, against the CPU; the CPU's kernels: 0, the same bits */
} OpRow;

#define ROW(field, run, tol)                      \
  {                                               \
#field, offsetof(NnbBackend, field), run, tol \
  }

static const OpRow ops[] = {
  ROW (alloc, run_alloc, 0),
  ROW (free, run_round_trip, 0),
  ROW (upload, run_round_trip, 0),
  ROW (download, run_round_trip, 0),
  ROW (copy, run_copy, 0),
  ROW (fill, run_fill, 0),
  ROW (gemm, run_gemm, 1e-5), /* cuBLAS sums in its own order */
  ROW (bias_fill, run_bias_fill, 0),
  ROW (bias_grad, run_bias_grad, 1e-6),
  ROW (act_forward, run_act_forward, 1e-6), /* tanhf, expf, erf: CUDA's maths library */
  ROW (act_backward, run_act_backward, 1e-6),
  ROW (layer_norm_forward, run_layer_norm_forward, 1e-5), /* moments in double, not Welford's floats */
  ROW (layer_norm_backward, run_layer_norm_backward, 1e-5),
  ROW (batch_norm_forward, run_batch_norm_forward, 0), /* the CPU's sums, fmaf for fmaf */
  ROW (batch_norm_backward, run_batch_norm_backward, 0),
  ROW (softmax_forward, run_softmax_forward, 1e-5), /* expf and logf: CUDA's maths library */
  ROW (softmax_backward, run_softmax_backward, 1e-5),
  ROW (add, run_add, 0),
  ROW (accumulate, run_accumulate, 0),
  ROW (mul, run_mul, 0),
  ROW (copy_2d, run_copy_2d, 0),
  ROW (loss, run_loss, 1e-6), /* the GPU's reduction order */
  ROW (sgd_step, run_sgd_step, 0),
  ROW (adam_step, run_adam_step, 0),
  ROW (sum_squares, run_sum_squares, 1e-9),
  ROW (all_finite, run_all_finite, 0),
  ROW (sync, run_sync, 0),
};

/* NnbBackend is its name and then function pointers only: one row each */
G_STATIC_ASSERT (sizeof (NnbBackend) == sizeof (const char *) + G_N_ELEMENTS (ops) * sizeof (void (*) (void)));

static void
test_table_covers_backend (void)
{
  gboolean covered[G_N_ELEMENTS (ops)] = { FALSE };

  g_assert_cmpuint (offsetof (NnbBackend, name), ==, 0);
  for (guint r = 0; r < G_N_ELEMENTS (ops); r++)
    {
      size_t slot = (ops[r].offset - sizeof (const char *)) / sizeof (void (*) (void));

      g_assert_cmpuint ((ops[r].offset - sizeof (const char *)) % sizeof (void (*) (void)), ==, 0);
      g_assert_cmpuint (slot, <, G_N_ELEMENTS (ops));
      if (covered[slot])
        g_error ("two rows cover the field %s", ops[r].name);
      covered[slot] = TRUE;
    }
}

static Results *
run_on (const Device *d, const OpRow *row, guint index)
{
  Results *out = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GRand) rand = g_rand_new_with_seed (1000 + index);

  nnb_backend_cpu_force_scalar (d->scalar);
  row->run (d, rand, out);
  nnb_backend_cpu_force_scalar (FALSE);
  return out;
}

static gboolean
agrees (double got, double want, double tolerance)
{
  if (isnan (got) || isnan (want))
    return isnan (got) && isnan (want);
  if (tolerance == 0)
    return memcmp (&got, &want, sizeof got) == 0; /* -0 is not +0 */
  return fabs (got - want) <= tolerance * MAX (1.0, fabs (want));
}

typedef struct
{
  Device device;
  guint row;
} OpCase;

static const Device reference = { "cpu-scalar", NULL, TRUE };

static void
test_op (gconstpointer data)
{
  const OpCase *c = data;
  const OpRow *row = &ops[c->row];
  Device ref = reference;
  g_autoptr (GArray) want = NULL;
  g_autoptr (GArray) got = NULL;
  double tolerance = c->device.backend == nnb_backend_cpu () ? 0 : row->gpu_tolerance;
  guint bad = 0;

  if (c->device.backend == NULL)
    {
      g_test_skip ("No usable CUDA GPU here");
      return;
    }
  if (c->device.backend == nnb_backend_cpu () && !nnb_simd_available ())
    {
      g_test_skip ("The CPU runs its scalar loops here (no AVX2 and FMA, or NNB_CPU_KERNELS=scalar)");
      return;
    }
  ref.backend = nnb_backend_cpu ();
  want = run_on (&ref, row, c->row);
  got = run_on (&c->device, row, c->row);
  g_assert_cmpuint (got->len, ==, want->len);
  g_assert_cmpuint (want->len, >, 0);
  for (guint i = 0; i < want->len; i++)
    {
      double w = g_array_index (want, double, i), g = g_array_index (got, double, i);

      if (!agrees (g, w, tolerance) && bad++ < 5)
        g_test_message ("%s on %s: result %u is %.9g, the scalar CPU's %.9g", row->name, c->device.name, i, g, w);
    }
  if (bad > 0)
    g_test_fail_printf ("%s on %s: %u of %u results differ from the scalar CPU's", row->name, c->device.name, bad,
                        want->len);
}

static void
add_device_tests (const Device *device)
{
  for (guint r = 0; r < G_N_ELEMENTS (ops); r++)
    {
      OpCase *c = g_new0 (OpCase, 1);
      g_autofree char *path = g_strdup_printf ("/backend-ops/%s/%s", device->name, ops[r].name);

      c->device = *device;
      c->row = r;
      g_test_add_data_func_full (path, c, test_op, g_free);
    }
}

int
main (int argc, char **argv)
{
  Device cpu = { "cpu", NULL, FALSE }, cuda = { "cuda", NULL, FALSE };

  g_test_init (&argc, &argv, NULL);
  /* one BLAS thread: the products' sums in one order on every run */
  nnb_backend_cpu_set_threads (1);
  cpu.backend = nnb_backend_cpu ();
#if NNB_HAVE_CUDA
  if (nnb_gpu_init ())
    cuda.backend = nnb_backend_get ((NnbDevice){ NNB_DEVICE_CUDA, 0 }, NULL);
#endif
  g_test_add_func ("/backend-ops/table-covers-backend", test_table_covers_backend);
  add_device_tests (&cpu);
  add_device_tests (&cuda);
  return g_test_run ();
}
