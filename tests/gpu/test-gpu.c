/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-gpu.c — the CUDA backend against the CPU: every table operation on
 * random data, one training step of the page's MLP with its skip
 * connection, a SineNet run's loss curve, and PyTorch's device-mismatch
 * message.
 *
 * Tests under /gpu/device/ need a GPU and skip, with the device list's
 * reason ("CUDA: no NVIDIA driver found"), where there is none; tests under
 * /gpu/list/ run everywhere. meson runs the two groups as two tests, so a
 * machine without a GPU shows SKIP for the first, not a pass or a failure.
 *
 * The program's subprocesses (g_test_trap_subprocess) stand for a machine
 * without cuBLAS: main points the backend at a library that does not exist
 * before anything loads it. */
#include <cuda_runtime_api.h>
#include <glib.h>
#include <math.h>
#include <string.h>
#include "nnb-backend.h"
#include "nnb-device-race.h"
#include "nnb-gpu.h"
#include "nnb-gpu-host.h"
#include "nnb-loss.h"
#include "nnb-model.h"
#include "nnb-test-util.h"
#include "nnb-optimizer.h"

static gboolean gpu_available;
static char *skip_reason;

#define CUDA0 ((NnbDevice){ NNB_DEVICE_CUDA, 0 })

#define REQUIRE_GPU()              \
  G_STMT_START                     \
  {                                \
    if (!gpu_available)            \
      {                            \
        g_test_skip (skip_reason); \
        return;                    \
      }                            \
  }                                \
  G_STMT_END

/* ---- helpers ---------------------------------------------------------- */

static float *
random_floats (GRand *rand, gsize n, double lo, double hi)
{
  float *values = g_new (float, n);

  for (gsize i = 0; i < n; i++)
    values[i] = (float) g_rand_double_range (rand, lo, hi);
  return values;
}

static const NnbBackend *
cuda_table (void)
{
  g_autoptr (GError) error = NULL;
  const NnbBackend *backend = nnb_backend_get (CUDA0, &error);

  g_assert_no_error (error);
  g_assert_nonnull (backend);
  return backend;
}

/* Device buffer holding a copy of host values (or zeros when NULL). */
static float *
gpu_buffer (const float *host, gsize n)
{
  g_autoptr (GError) error = NULL;
  const NnbBackend *be = cuda_table ();
  float *ptr = be->alloc (n * sizeof (float), &error);

  g_assert_no_error (error);
  g_assert_nonnull (ptr);
  if (host)
    be->upload (ptr, host, n);
  else
    be->fill (ptr, n, 0.0f);
  return ptr;
}

static float *
gpu_read (const float *ptr, gsize n)
{
  float *host = g_new (float, n);

  cuda_table ()->download (host, ptr, n);
  return host;
}

static void
gpu_release (float *ptr)
{
  cuda_table ()->free (ptr);
}

static void
assert_synced (void)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (cuda_table ()->sync (&error));
  g_assert_no_error (error);
}

/* Element by element: |got − want| ≤ rel·|want| (plus a denormal's worth,
 * so that exact zeros compare equal). */
static void
assert_close_each (const char *what, const float *got, const float *want, gsize n, double rel)
{
  for (gsize i = 0; i < n; i++)
    {
      double diff = fabs ((double) got[i] - want[i]);
      if (!(diff <= rel * fabs (want[i]) + 1e-30) && !(isnan (got[i]) && isnan (want[i])))
        g_error ("%s: element %" G_GSIZE_FORMAT ": GPU %.9g, CPU %.9g (relative %.3g, allowed %.1g)",
                 what, i, got[i], want[i], diff / fabs (want[i]), rel);
    }
}

/* As a whole: max |got − want| ≤ rel · max |want|. For sums whose order
 * differs between devices (matrix products, column sums), where a single
 * element near zero may legitimately differ by more than rel of itself. */
static void
assert_close_norm (const char *what, const float *got, const float *want, gsize n, double rel)
{
  double max_diff = 0.0, max_want = 0.0;
  gsize worst = 0;

  for (gsize i = 0; i < n; i++)
    {
      double diff = fabs ((double) got[i] - want[i]);
      g_assert_true (isfinite (got[i]));
      if (diff > max_diff)
        {
          max_diff = diff;
          worst = i;
        }
      max_want = MAX (max_want, fabs (want[i]));
    }
  if (max_diff > rel * max_want)
    g_error ("%s: element %" G_GSIZE_FORMAT ": GPU %.9g, CPU %.9g; largest difference %.3g of a largest value %.3g "
             "(allowed relative %.1g)",
             what, worst, got[worst], want[worst], max_diff, max_want, rel);
}

/* ---- the table, operation by operation -------------------------------- */

static void
test_memory (void)
{
  g_autoptr (GRand) rand = NULL;
  g_autofree float *host = NULL, *back = NULL, *copied = NULL, *filled = NULL;
  float *a, *b;
  const gsize n = 1000;

  REQUIRE_GPU ();
  rand = g_rand_new_with_seed (1);
  host = random_floats (rand, n, -4, 4);
  a = gpu_buffer (host, n);
  b = gpu_buffer (NULL, n);
  back = gpu_read (a, n);
  g_assert_cmpmem (back, n * sizeof (float), host, n * sizeof (float));
  cuda_table ()->copy (b, a, n);
  copied = gpu_read (b, n);
  g_assert_cmpmem (copied, n * sizeof (float), host, n * sizeof (float));
  cuda_table ()->fill (b, n, 0.5f);
  filled = gpu_read (b, n);
  for (gsize i = 0; i < n; i++)
    g_assert_cmpfloat (filled[i], ==, 0.5f);
  gpu_release (a);
  gpu_release (b);
  assert_synced ();
}

static void
check_gemm (GRand *rand, gboolean ta, gboolean tb, float beta)
{
  const NnbBackend *cpu = nnb_backend_cpu (), *gpu = cuda_table ();
  const int m = 37, n = 23, k = 45;
  /* row-major, with op() applied: A is m×k (stored k×m when transposed) */
  int lda = ta ? m : k, ldb = tb ? k : n, ldc = n;
  g_autofree float *a = random_floats (rand, (gsize) m * k, -1, 1);
  g_autofree float *b = random_floats (rand, (gsize) k * n, -1, 1);
  g_autofree float *c = random_floats (rand, (gsize) m * n, -1, 1);
  g_autofree float *got = NULL;
  g_autofree char *what = g_strdup_printf ("gemm(trans_a=%d, trans_b=%d, beta=%g)", ta, tb, beta);
  float *da = gpu_buffer (a, (gsize) m * k), *db = gpu_buffer (b, (gsize) k * n), *dc = gpu_buffer (c, (gsize) m * n);

  cpu->gemm (ta, tb, m, n, k, 1.0f, a, lda, b, ldb, beta, c, ldc);
  gpu->gemm (ta, tb, m, n, k, 1.0f, da, lda, db, ldb, beta, dc, ldc);
  got = gpu_read (dc, (gsize) m * n);
  assert_close_norm (what, got, c, (gsize) m * n, 1e-4);
  gpu_release (da);
  gpu_release (db);
  gpu_release (dc);
}

static void
test_gemm (void)
{
  g_autoptr (GRand) rand = NULL;

  REQUIRE_GPU ();
  rand = g_rand_new_with_seed (2);
  /* every transpose the executor uses (and the one it does not), with C
   * overwritten (beta 0) and added to (beta 1, as .grad accumulates) */
  for (int ta = 0; ta < 2; ta++)
    for (int tb = 0; tb < 2; tb++)
      {
        check_gemm (rand, ta, tb, 0.0f);
        check_gemm (rand, ta, tb, 1.0f);
      }
  assert_synced ();
}

static void
test_bias (void)
{
  const NnbBackend *cpu = nnb_backend_cpu (), *gpu = cuda_table ();
  const gsize widths[] = { 1, 3, 17, 40, 300 };
  const gsize rows = 500;
  g_autoptr (GRand) rand = NULL;

  REQUIRE_GPU ();
  rand = g_rand_new_with_seed (3);
  for (guint w = 0; w < G_N_ELEMENTS (widths); w++)
    {
      gsize cols = widths[w];
      g_autofree float *bias = random_floats (rand, cols, -1, 1);
      g_autofree float *y = g_new0 (float, rows *cols);
      g_autofree float *dy = random_floats (rand, rows * cols, -1, 1);
      g_autofree float *db = random_floats (rand, cols, -1, 1);
      g_autofree float *got_y = NULL, *got_db = NULL;
      g_autofree char *what = g_strdup_printf ("bias_grad(%" G_GSIZE_FORMAT " columns)", cols);
      float *d_bias = gpu_buffer (bias, cols), *d_y = gpu_buffer (NULL, rows * cols);
      float *d_dy = gpu_buffer (dy, rows * cols), *d_db = gpu_buffer (db, cols);

      cpu->bias_fill (y, bias, rows, cols);
      gpu->bias_fill (d_y, d_bias, rows, cols);
      got_y = gpu_read (d_y, rows * cols);
      g_assert_cmpmem (got_y, rows * cols * sizeof (float), y, rows * cols * sizeof (float));

      /* db starts non-zero: the sum adds into .grad */
      cpu->bias_grad (db, dy, rows, cols);
      gpu->bias_grad (d_db, d_dy, rows, cols);
      got_db = gpu_read (d_db, cols);
      assert_close_norm (what, got_db, db, cols, 1e-5);

      gpu_release (d_bias);
      gpu_release (d_y);
      gpu_release (d_dy);
      gpu_release (d_db);
    }
  assert_synced ();
}

static const struct
{
  NnbActivation act;
  float param;
  const char *name;
} activations[] = {
  { NNB_ACT_IDENTITY, 0.0f, "Identity" },
  { NNB_ACT_RELU, 0.0f, "ReLU" },
  { NNB_ACT_TANH, 0.0f, "Tanh" },
  { NNB_ACT_SIGMOID, 0.0f, "Sigmoid" },
  { NNB_ACT_LEAKY_RELU, 0.01f, "LeakyReLU(0.01)" },
  { NNB_ACT_LEAKY_RELU, 0.2f, "LeakyReLU(0.2)" },
  { NNB_ACT_GELU, 0.0f, "GELU" },
};

static void
test_activations (void)
{
  const NnbBackend *cpu = nnb_backend_cpu (), *gpu = cuda_table ();
  const gsize n = 4099; /* not a multiple of any vector width */
  g_autoptr (GRand) rand = NULL;

  REQUIRE_GPU ();
  rand = g_rand_new_with_seed (4);
  for (guint a = 0; a < G_N_ELEMENTS (activations); a++)
    {
      NnbActivation act = activations[a].act;
      float param = activations[a].param;
      g_autofree float *x = random_floats (rand, n, -6, 6);
      g_autofree float *dy = random_floats (rand, n, -1, 1);
      g_autofree float *y = g_new (float, n);
      g_autofree float *dx = random_floats (rand, n, -1, 1);
      g_autofree float *dx_acc = g_memdup2 (dx, n * sizeof (float));
      g_autofree float *got_y = NULL, *got_dx = NULL, *got_acc = NULL;
      g_autofree char *fwd = g_strdup_printf ("%s forward", activations[a].name);
      g_autofree char *bwd = g_strdup_printf ("%s backward", activations[a].name);
      g_autofree char *acc = g_strdup_printf ("%s backward, accumulating", activations[a].name);
      float *d_x = gpu_buffer (x, n), *d_y = gpu_buffer (NULL, n), *d_dy = gpu_buffer (dy, n);
      float *d_dx = gpu_buffer (NULL, n), *d_acc = gpu_buffer (dx_acc, n);

      cpu->act_forward (act, param, x, y, n);
      gpu->act_forward (act, param, d_x, d_y, n);
      got_y = gpu_read (d_y, n);
      assert_close_each (fwd, got_y, y, n, 1e-5);

      /* both backwards see the CPU's y, so only the backward is compared */
      gpu->upload (d_y, y, n);
      cpu->act_backward (act, param, x, y, dy, dx, n, FALSE);
      gpu->act_backward (act, param, d_x, d_y, d_dy, d_dx, n, FALSE);
      got_dx = gpu_read (d_dx, n);
      assert_close_each (bwd, got_dx, dx, n, 1e-5);

      cpu->act_backward (act, param, x, y, dy, dx_acc, n, TRUE);
      gpu->act_backward (act, param, d_x, d_y, d_dy, d_acc, n, TRUE);
      got_acc = gpu_read (d_acc, n);
      assert_close_each (acc, got_acc, dx_acc, n, 1e-5);

      gpu_release (d_x);
      gpu_release (d_y);
      gpu_release (d_dy);
      gpu_release (d_dx);
      gpu_release (d_acc);
    }
  assert_synced ();
}

static void
test_add_accumulate (void)
{
  const NnbBackend *cpu = nnb_backend_cpu (), *gpu = cuda_table ();
  const gsize n = 3001;
  g_autoptr (GRand) rand = NULL;
  g_autofree float *a = NULL, *b = NULL, *y = NULL, *got = NULL, *got_acc = NULL;
  float *d_a, *d_b, *d_y;

  REQUIRE_GPU ();
  rand = g_rand_new_with_seed (5);
  a = random_floats (rand, n, -3, 3);
  b = random_floats (rand, n, -3, 3);
  y = g_new (float, n);
  d_a = gpu_buffer (a, n);
  d_b = gpu_buffer (b, n);
  d_y = gpu_buffer (NULL, n);

  cpu->add (a, b, y, n);
  gpu->add (d_a, d_b, d_y, n);
  got = gpu_read (d_y, n);
  assert_close_each ("add", got, y, n, 1e-5);

  cpu->accumulate (a, b, n);
  gpu->accumulate (d_a, d_b, n);
  got_acc = gpu_read (d_a, n);
  assert_close_each ("accumulate", got_acc, a, n, 1e-5);

  gpu_release (d_a);
  gpu_release (d_b);
  gpu_release (d_y);
  assert_synced ();
}

static void
test_loss (void)
{
  const NnbBackend *cpu = nnb_backend_cpu (), *gpu = cuda_table ();
  /* one element, one block, and many blocks (the two-pass reduction) */
  const gsize sizes[] = { 1, 200, 100003 };
  g_autoptr (GRand) rand = NULL;

  REQUIRE_GPU ();
  rand = g_rand_new_with_seed (6);
  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    for (int kind = NNB_LOSS_MSE; kind <= NNB_LOSS_L1; kind++)
      {
        gsize n = sizes[s];
        g_autofree float *pred = random_floats (rand, n, -2, 2);
        g_autofree float *target = random_floats (rand, n, -2, 2);
        g_autofree float *grad = g_new (float, n);
        g_autofree float *got_grad = NULL;
        g_autofree char *what = g_strdup_printf ("%s gradient, n = %" G_GSIZE_FORMAT,
                                                 kind == NNB_LOSS_MSE ? "MSE" : "L1", n);
        float *d_pred = gpu_buffer (pred, n), *d_target = gpu_buffer (target, n), *d_grad = gpu_buffer (NULL, n);
        double want, got, got_no_grad;

        if (n > 1)
          target[n / 2] = pred[n / 2]; /* L1's sign(0) = 0 */
        gpu->upload (d_target, target, n);
        want = cpu->loss (kind, pred, target, n, grad);
        got = gpu->loss (kind, d_pred, d_target, n, d_grad);
        got_no_grad = gpu->loss (kind, d_pred, d_target, n, NULL);
        g_assert_cmpfloat (fabs (got - want), <=, 1e-5 * fabs (want));
        g_assert_cmpfloat (got_no_grad, ==, got);
        got_grad = gpu_read (d_grad, n);
        assert_close_each (what, got_grad, grad, n, 1e-5);

        gpu_release (d_pred);
        gpu_release (d_target);
        gpu_release (d_grad);
      }
  assert_synced ();
}

static void
test_sgd (void)
{
  const NnbBackend *cpu = nnb_backend_cpu (), *gpu = cuda_table ();
  const gsize n = 777;
  const struct
  {
    float momentum, dampening, weight_decay;
    gboolean nesterov;
  } cases[] = {
    { 0.0f, 0.0f, 0.0f, FALSE },
    { 0.0f, 0.0f, 0.01f, FALSE },
    { 0.9f, 0.0f, 0.0f, FALSE },
    { 0.9f, 0.1f, 0.001f, FALSE },
    { 0.9f, 0.0f, 0.0f, TRUE },
  };
  g_autoptr (GRand) rand = NULL;

  REQUIRE_GPU ();
  rand = g_rand_new_with_seed (7);
  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autofree float *param = random_floats (rand, n, -1, 1);
      g_autofree float *buf = g_new0 (float, n);
      g_autofree float *got_param = NULL, *got_buf = NULL;
      g_autofree char *what = g_strdup_printf ("SGD case %u", c);
      float *d_param = gpu_buffer (param, n), *d_buf = gpu_buffer (NULL, n);
      gboolean with_buf = cases[c].momentum != 0.0f;

      /* three steps, so that momentum's second formula runs too */
      for (int step = 1; step <= 3; step++)
        {
          g_autofree float *grad = random_floats (rand, n, -1, 1);
          float *d_grad = gpu_buffer (grad, n);
          cpu->sgd_step (param, grad, with_buf ? buf : NULL, n, 0.1f, cases[c].momentum, cases[c].dampening,
                         cases[c].weight_decay, cases[c].nesterov, step == 1);
          gpu->sgd_step (d_param, d_grad, with_buf ? d_buf : NULL, n, 0.1f, cases[c].momentum, cases[c].dampening,
                         cases[c].weight_decay, cases[c].nesterov, step == 1);
          gpu_release (d_grad);
        }
      got_param = gpu_read (d_param, n);
      assert_close_each (what, got_param, param, n, 1e-5);
      if (with_buf)
        {
          got_buf = gpu_read (d_buf, n);
          assert_close_each (what, got_buf, buf, n, 1e-5);
        }
      gpu_release (d_param);
      gpu_release (d_buf);
    }
  assert_synced ();
}

static void
test_adam (void)
{
  const NnbBackend *cpu = nnb_backend_cpu (), *gpu = cuda_table ();
  const gsize n = 777;
  const double weight_decays[] = { 0.0, 0.01 };
  g_autoptr (GRand) rand = NULL;

  REQUIRE_GPU ();
  rand = g_rand_new_with_seed (8);
  for (guint c = 0; c < G_N_ELEMENTS (weight_decays); c++)
    {
      g_autofree float *param = random_floats (rand, n, -1, 1);
      g_autofree float *m = g_new0 (float, n), *v = g_new0 (float, n);
      g_autofree float *got_param = NULL, *got_m = NULL, *got_v = NULL;
      g_autofree char *what = g_strdup_printf ("Adam, weight_decay %g", weight_decays[c]);
      float *d_param = gpu_buffer (param, n), *d_m = gpu_buffer (NULL, n), *d_v = gpu_buffer (NULL, n);

      for (int step = 1; step <= 3; step++)
        {
          g_autofree float *grad = random_floats (rand, n, -1, 1);
          float *d_grad = gpu_buffer (grad, n);
          cpu->adam_step (param, grad, m, v, n, 0.01, 0.9, 0.999, 1e-8, weight_decays[c], step);
          gpu->adam_step (d_param, d_grad, d_m, d_v, n, 0.01, 0.9, 0.999, 1e-8, weight_decays[c], step);
          gpu_release (d_grad);
        }
      got_param = gpu_read (d_param, n);
      got_m = gpu_read (d_m, n);
      got_v = gpu_read (d_v, n);
      assert_close_each (what, got_param, param, n, 1e-5);
      assert_close_each (what, got_m, m, n, 1e-5);
      assert_close_each (what, got_v, v, n, 1e-5);
      gpu_release (d_param);
      gpu_release (d_m);
      gpu_release (d_v);
    }
  assert_synced ();
}

static void
test_sum_squares_finite (void)
{
  const NnbBackend *cpu = nnb_backend_cpu (), *gpu = cuda_table ();
  const gsize n = 250001;
  g_autoptr (GRand) rand = NULL;
  g_autofree float *x = NULL;
  float *d_x;
  const float bad = NAN, inf = INFINITY;

  REQUIRE_GPU ();
  rand = g_rand_new_with_seed (9);
  x = random_floats (rand, n, -3, 3);
  d_x = gpu_buffer (x, n);
  g_assert_cmpfloat (fabs (gpu->sum_squares (d_x, n) - cpu->sum_squares (x, n)), <=, 1e-9 * cpu->sum_squares (x, n));
  g_assert_true (gpu->all_finite (d_x, n));
  g_assert_true (cpu->all_finite (x, n));

  gpu->upload (d_x + n - 1, &bad, 1);
  g_assert_false (gpu->all_finite (d_x, n));
  gpu->upload (d_x + n - 1, &x[n - 1], 1);
  gpu->upload (d_x + 12345, &inf, 1);
  g_assert_false (gpu->all_finite (d_x, n));
  /* and true again once the bad value is gone: the flag is reset each call */
  gpu->upload (d_x + 12345, &x[12345], 1);
  g_assert_true (gpu->all_finite (d_x, n));
  gpu_release (d_x);
  assert_synced ();
}

static void
test_alloc_too_large (void)
{
  g_autoptr (GError) error = NULL;
  const NnbBackend *gpu;
  float *small;
  void *ptr;

  REQUIRE_GPU ();
  gpu = cuda_table ();
  /* a petabyte: the failure comes back as a GError at once … */
  ptr = gpu->alloc ((gsize) 1 << 50, &error);
  g_assert_null (ptr);
  g_assert_error (error, NNB_ERROR, NNB_ERROR_OUT_OF_MEMORY);
  g_assert_true (g_str_has_prefix (error->message, "CUDA out of memory. Tried to allocate "));
  /* … and leaves no sticky error behind: the GPU goes on working */
  small = gpu_buffer (NULL, 16);
  gpu_release (small);
  assert_synced ();
}

/* ---- models ------------------------------------------------------------ */

static NnbModule *
linear (int64_t in, int64_t out)
{
  g_autoptr (GError) error = NULL;
  NnbModule *module = nnb_linear_new (in, out, TRUE, NULL, &error);

  g_assert_no_error (error);
  return module;
}

/* The same parameters on every model built with the same seed: xavier-like
 * uniform weights and small biases, drawn in named_parameters() order. */
static void
fill_parameters (NnbModel *model, guint32 seed)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (seed);
  GPtrArray *params = nnb_model_named_parameters (model);

  for (guint i = 0; i < params->len; i++)
    {
      NnbTensor *value = ((NnbNamedParameter *) params->pdata[i])->param->value;
      double bound = value->ndim == 2 ? sqrt (6.0 / (value->shape[0] + value->shape[1])) : 0.1;
      g_autofree float *values = random_floats (rand, value->numel, -bound, bound);
      nnb_tensor_write (value, values);
    }
}

/* SineNet: Linear(1, 64), Tanh, Linear(64, 64), Tanh, Linear(64, 1) */
static NnbModel *
build_sinenet (void)
{
  NnbModule *modules[] = {
    linear (1, 64),
    nnb_activation_new (NNB_MODULE_TANH),
    linear (64, 64),
    nnb_activation_new (NNB_MODULE_TANH),
    linear (64, 1),
  };
  NnbModel *model = nnb_model_new_sequential (modules, G_N_ELEMENTS (modules));

  for (guint i = 0; i < G_N_ELEMENTS (modules); i++)
    nnb_module_unref (modules[i]);
  return model;
}

/* A model and everything its loop needs, on one device. */
typedef struct
{
  NnbModel *model;
  NnbLoss *loss;
  NnbOptimizer *optimizer;
  NnbTensor *x, *y;
} Run;

static void
run_init (Run *run, NnbModel *model, NnbDevice device, const NnbTensor *x, const NnbTensor *y,
          const NnbOptimizerOptions *options)
{
  g_autoptr (GError) error = NULL;

  run->model = model;
  /* the page's order: the model to the device, then the optimizer */
  g_assert_true (nnb_model_to (model, device, &error));
  g_assert_no_error (error);
  run->optimizer = nnb_optimizer_new (model, options, &error);
  g_assert_no_error (error);
  run->loss = nnb_loss_new (NNB_LOSS_MSE);
  run->x = nnb_tensor_to (x, device, &error);
  g_assert_no_error (error);
  run->y = nnb_tensor_to (y, device, &error);
  g_assert_no_error (error);
}

static void
run_clear (Run *run)
{
  nnb_optimizer_free (run->optimizer);
  nnb_loss_free (run->loss);
  nnb_model_unref (run->model);
  nnb_tensor_unref (run->x);
  nnb_tensor_unref (run->y);
}

/* y_hat = model(X); loss = loss_fn(y_hat, y); zero_grad; backward; step */
static double
run_step (Run *run)
{
  g_autoptr (GError) error = NULL;
  NnbTensor *pred = nnb_model_forward (run->model, run->x, &error);
  double loss = NAN;

  g_assert_no_error (error);
  g_assert_true (nnb_loss_forward (run->loss, pred, run->y, &loss, &error));
  g_assert_no_error (error);
  nnb_optimizer_zero_grad (run->optimizer);
  g_assert_true (nnb_model_backward (run->model, nnb_loss_grad (run->loss), &error));
  g_assert_no_error (error);
  g_assert_true (nnb_optimizer_step (run->optimizer, &error));
  g_assert_no_error (error);
  return loss;
}

static void
assert_tensors_close (const char *what, const NnbTensor *gpu, const NnbTensor *cpu, double rel)
{
  g_autofree float *got = g_new (float, gpu->numel);

  g_assert_cmpint (gpu->device.type, ==, NNB_DEVICE_CUDA);
  g_assert_cmpint (gpu->numel, ==, cpu->numel);
  nnb_tensor_read (gpu, got);
  assert_close_norm (what, got, cpu->data, cpu->numel, rel);
}

static void
test_mlp_training_step (void)
{
  g_autoptr (GRand) rand = NULL;
  g_autoptr (NnbTensor) x = NULL, y = NULL;
  g_autofree float *xs = NULL, *ys = NULL;
  NnbOptimizerOptions options;
  Run cpu, gpu;
  GPtrArray *cpu_params, *gpu_params;
  double cpu_loss, gpu_loss;
  const int64_t n = 64;

  REQUIRE_GPU ();
  rand = g_rand_new_with_seed (10);
  xs = random_floats (rand, n * 3, -2, 2);
  ys = random_floats (rand, n, -1, 1);
  x = nnb_tensor_new_from_data (2, (int64_t[]){ n, 3 }, xs);
  y = nnb_tensor_new_from_data (2, (int64_t[]){ n, 1 }, ys);
  nnb_optimizer_options_init (&options, NNB_OPTIMIZER_SGD);
  options.lr = 0.1;
  options.momentum = 0.9;

  run_init (&cpu, nnb_test_page_mlp (), nnb_device_cpu (), x, y, &options);
  run_init (&gpu, nnb_test_page_mlp (), CUDA0, x, y, &options);
  fill_parameters (cpu.model, 11);
  fill_parameters (gpu.model, 11);

  cpu_loss = run_step (&cpu);
  gpu_loss = run_step (&gpu);
  g_assert_cmpfloat (fabs (gpu_loss - cpu_loss), <=, 1e-4 * cpu_loss);

  /* the gradients backward left, and the parameters after the step */
  cpu_params = nnb_model_named_parameters (cpu.model);
  gpu_params = nnb_model_named_parameters (gpu.model);
  g_assert_cmpuint (gpu_params->len, ==, cpu_params->len);
  for (guint i = 0; i < cpu_params->len; i++)
    {
      NnbNamedParameter *c = cpu_params->pdata[i], *g = gpu_params->pdata[i];
      g_autofree char *grad_what = g_strdup_printf ("%s.grad", c->name);
      g_assert_cmpstr (g->name, ==, c->name);
      assert_tensors_close (grad_what, g->param->grad, c->param->grad, 1e-4);
      assert_tensors_close (c->name, g->param->value, c->param->value, 1e-4);
    }
  run_clear (&cpu);
  run_clear (&gpu);
}

static void
test_sinenet_loss_curve (void)
{
  g_autoptr (GRand) rand = NULL;
  g_autoptr (NnbTensor) x = NULL, y = NULL;
  float xs[200], ys[200];
  NnbOptimizerOptions options;
  Run cpu, gpu;
  const int epochs = 300;

  REQUIRE_GPU ();
  /* the exercise's data: 200 points of sin on [0, 2π) */
  rand = g_rand_new_with_seed (12);
  for (int i = 0; i < 200; i++)
    {
      xs[i] = (float) g_rand_double_range (rand, 0.0, 2.0 * G_PI);
      ys[i] = sinf (xs[i]);
    }
  x = nnb_tensor_new_from_data (2, (int64_t[]){ 200, 1 }, xs);
  y = nnb_tensor_new_from_data (2, (int64_t[]){ 200, 1 }, ys);
  /* lr 0.05: the rate FACTS.md shows converging (0.1 diverges) */
  nnb_optimizer_options_init (&options, NNB_OPTIMIZER_SGD);
  options.lr = 0.05;

  run_init (&cpu, build_sinenet (), nnb_device_cpu (), x, y, &options);
  run_init (&gpu, build_sinenet (), CUDA0, x, y, &options);
  fill_parameters (cpu.model, 13);
  fill_parameters (gpu.model, 13);

  for (int epoch = 0; epoch < epochs; epoch++)
    {
      double cpu_loss = run_step (&cpu);
      double gpu_loss = run_step (&gpu);
      if (!(fabs (gpu_loss - cpu_loss) <= 1e-3 * cpu_loss))
        g_error ("epoch %d: GPU loss %.7g, CPU loss %.7g (allowed relative 1e-3)", epoch, gpu_loss, cpu_loss);
    }
  run_clear (&cpu);
  run_clear (&gpu);
}

static void
test_device_mismatch (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbModel) model = NULL;
  g_autoptr (NnbTensor) x = NULL;

  REQUIRE_GPU ();
  model = nnb_test_page_mlp ();
  g_assert_true (nnb_model_to (model, CUDA0, &error));
  g_assert_no_error (error);
  /* the page's mistake: the model on the GPU, the data left on the CPU */
  x = nnb_tensor_new_2d (5, 3);
  g_assert_null (nnb_model_forward (model, x, &error));
  g_assert_error (error, NNB_ERROR, NNB_ERROR_DEVICE);
  g_assert_cmpstr (error->message, ==,
                   "Expected all tensors to be on the same device, but found at least two devices, cuda:0 and cpu! "
                   "(when checking argument for argument mat1 in method wrapper_addmm)");
}

/* ---- runs everywhere --------------------------------------------------- */

static NnbDeviceInfo *
find_cuda_entry (GPtrArray *infos)
{
  for (guint i = 0; i < infos->len; i++)
    {
      NnbDeviceInfo *info = infos->pdata[i];
      if (info->device.type == NNB_DEVICE_CUDA)
        return info;
    }
  return NULL;
}

static void
test_device_list (void)
{
  g_autoptr (GPtrArray) infos = nnb_device_list ();
  NnbDeviceInfo *cuda = find_cuda_entry (infos);
  NnbDeviceInfo *cpu = infos->pdata[0];
  cudaError_t status;
  int count = 0, driver = -1;

  g_assert_cmpint (cpu->device.type, ==, NNB_DEVICE_CPU);
  g_assert_nonnull (cuda);
  if (gpu_available)
    {
      /* "NVIDIA H200 (139 GiB)" */
      g_assert_true (cuda->available);
      g_assert_true (g_str_has_suffix (cuda->label, " GiB)"));
      g_test_message ("GPU: %s", cuda->label);
      return;
    }
  g_assert_false (cuda->available);
  g_assert_cmpstr (cuda->label, ==, "CUDA");
  g_assert_true (g_str_has_prefix (cuda->reason, "CUDA: "));
  /* the build machine's case: the toolkit's runtime, but no driver at all
   * (error 35 and no driver version) */
  status = cudaGetDeviceCount (&count);
  if (status == cudaErrorInsufficientDriver && cudaDriverGetVersion (&driver) == cudaSuccess && driver == 0)
    g_assert_cmpstr (cuda->reason, ==, "CUDA: no NVIDIA driver found");
  else
    g_test_message ("cudaGetDeviceCount: %d; reason shown: %s", (int) status, cuda->reason);
}

static void
test_no_driver_message (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) infos = nnb_device_list ();
  g_autoptr (NnbModel) model = NULL;
  NnbDeviceInfo *cuda = find_cuda_entry (infos);

  if (gpu_available || g_strcmp0 (cuda->reason, "CUDA: no NVIDIA driver found") != 0)
    {
      g_test_skip ("this machine has an NVIDIA driver");
      return;
    }
  /* model.to("cuda") without a driver: PyTorch's words, not a crash */
  model = nnb_test_page_mlp ();
  g_assert_false (nnb_model_to (model, CUDA0, &error));
  g_assert_error (error, NNB_ERROR, NNB_ERROR_DEVICE);
  g_assert_true (g_str_has_prefix (error->message, "Found no NVIDIA driver on your system."));
}

/* Every entry of the CUDA table is set: the engine calls them without
 * checking, so a missing one (one once was) would crash
 * the first backward on a GPU. Runs without a GPU: the table is
 * registered everywhere. The table is a name followed by function
 * pointers only, so it is walked as an array of them, which also covers
 * entries added to nnb-backend.h later. */
static void
test_table_complete (void)
{
  const NnbBackend *be = cuda_table ();
  const NnbBackend *cpu = nnb_backend_cpu ();
  typedef void (*AnyFunction) (void);
  gsize n = (sizeof (NnbBackend) - G_STRUCT_OFFSET (NnbBackend, alloc)) / sizeof (AnyFunction);

  G_STATIC_ASSERT ((sizeof (NnbBackend) - G_STRUCT_OFFSET (NnbBackend, alloc)) % sizeof (AnyFunction) == 0);
  g_assert_cmpstr (be->name, ==, "cuda");
  for (gsize i = 0; i < n; i++)
    {
      AnyFunction gpu_entry, cpu_entry;

      memcpy (&gpu_entry, (const char *) be + G_STRUCT_OFFSET (NnbBackend, alloc) + i * sizeof (AnyFunction),
              sizeof gpu_entry);
      memcpy (&cpu_entry, (const char *) cpu + G_STRUCT_OFFSET (NnbBackend, alloc) + i * sizeof (AnyFunction),
              sizeof cpu_entry);
      g_assert_nonnull (cpu_entry);
      if (gpu_entry == NULL)
        g_error ("entry %" G_GSIZE_FORMAT " of the CUDA backend's table (counting from alloc) is NULL", i);
    }
}

/* The device race with the CUDA backend built in: without a GPU the CUDA
 * rows carry the device list's reason ("CUDA: no NVIDIA driver found"
 * here); with one they carry a time, and the GPU's first loss agrees with
 * the CPU's as the rest of this file checks. */
static void
test_race_rows (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) infos = nnb_device_list ();
  g_autoptr (GPtrArray) rows = NULL;
  NnbDeviceInfo *cuda = find_cuda_entry (infos);
  NnbRaceOptions options;
  guint cuda_rows = 0;

  nnb_race_options_init (&options);
  options.max_width = 32;
  options.points = 64;
  options.seconds_per_cell = 0.02;
  rows = nnb_device_race_run (&options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < rows->len; i++)
    {
      const NnbRaceRow *row = rows->pdata[i];

      if (row->device.type != NNB_DEVICE_CUDA || row->device.index != 0)
        continue;
      cuda_rows++;
      if (gpu_available)
        {
          g_assert_null (row->reason);
          g_assert_cmpfloat (row->us_per_epoch, >, 0.0);
        }
      else
        {
          g_assert_true (isnan (row->us_per_epoch));
          g_assert_cmpstr (row->reason, ==, cuda->reason);
        }
    }
  g_assert_cmpuint (cuda_rows, ==, 2);
}

/* The name a subprocess tries instead of libcublas.so.13. */
#define NO_CUBLAS "libnnb-test-no-such-cublas.so.13"

/* cuBLAS missing: the first product records the loader's words as the
 * sticky error, sync() reports them, and a GPU, if any, is listed as
 * unavailable for that reason. */
static void
test_cublas_missing (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) infos = NULL;
  const char *prefix = "CUDA: cuBLAS (" NO_CUBLAS ") could not be loaded: " NO_CUBLAS ": ";
  const NnbBackend *be;
  const char *load_error;
  float one = 1.0f;
  int count = 0;

  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
      g_test_trap_assert_passed ();
      return;
    }

  g_assert_false (gpu_available);
  load_error = nnb_gpu_blas_load ();
  g_assert_nonnull (load_error);
  g_assert_true (g_str_has_prefix (load_error, prefix));
  /* the same words every time, the library is tried once */
  g_assert_true (nnb_gpu_blas_load () == load_error);

  /* cuBLAS fails before it would read the (here absent) matrices */
  be = cuda_table ();
  be->gemm (FALSE, FALSE, 1, 1, 1, 1.0f, &one, 1, &one, 1, 0.0f, &one, 1);
  g_assert_false (be->sync (&error));
  g_assert_error (error, NNB_ERROR, NNB_ERROR_DEVICE);
  g_assert_true (g_str_has_prefix (error->message, load_error));
  g_test_message ("sync: %s", error->message);
  g_clear_error (&error);
  /* reported again at the next product, not only once */
  be->gemm (FALSE, FALSE, 1, 1, 1, 1.0f, &one, 1, &one, 1, 0.0f, &one, 1);
  g_assert_false (be->sync (&error));
  g_assert_true (g_str_has_prefix (error->message, load_error));

  if (cudaGetDeviceCount (&count) == cudaSuccess && count > 0)
    {
      NnbDeviceInfo *cuda;

      infos = nnb_device_list ();
      cuda = find_cuda_entry (infos);
      g_assert_false (cuda->available);
      g_assert_cmpstr (cuda->reason, ==, load_error);
    }
  else
    cudaGetLastError ();
}

/* The real cuBLAS, where the loader finds one: every entry resolves. */
static void
test_cublas_loads (void)
{
  const char *load_error = nnb_gpu_blas_load ();

  if (load_error != NULL && strstr (load_error, "cannot open shared object file") != NULL)
    {
      g_test_skip (load_error);
      return;
    }
  g_assert_null (load_error);
  if (!gpu_available)
    {
      g_autoptr (GError) error = NULL;
      const NnbBackend *be = cuda_table ();
      float one = 1.0f;

      /* loaded, but no GPU to start on: an error, not a crash */
      be->gemm (FALSE, FALSE, 1, 1, 1, 1.0f, &one, 1, &one, 1, 0.0f, &one, 1);
      g_assert_false (be->sync (&error));
      g_assert_error (error, NNB_ERROR, NNB_ERROR_DEVICE);
      g_test_message ("sync: %s", error->message);
      g_assert_true (g_str_has_prefix (error->message, "cuBLAS error: "));
    }
}

int
main (int argc, char **argv)
{
  g_autoptr (GPtrArray) infos = NULL;
  NnbDeviceInfo *cuda;

  g_test_init (&argc, &argv, NULL);
  if (g_test_subprocess ())
    nnb_gpu_blas_use_library (NO_CUBLAS);
  gpu_available = nnb_gpu_init ();
  infos = nnb_device_list ();
  cuda = find_cuda_entry (infos);
  skip_reason = g_strdup (cuda && cuda->reason ? cuda->reason : "CUDA: no usable GPU");

  g_test_add_func ("/gpu/list/device-list", test_device_list);
  g_test_add_func ("/gpu/list/no-driver-message", test_no_driver_message);
  g_test_add_func ("/gpu/list/cublas-missing", test_cublas_missing);
  g_test_add_func ("/gpu/list/cublas-loads", test_cublas_loads);
  g_test_add_func ("/gpu/list/table-complete", test_table_complete);
  g_test_add_func ("/gpu/list/race-rows", test_race_rows);

  g_test_add_func ("/gpu/device/memory", test_memory);
  g_test_add_func ("/gpu/device/gemm", test_gemm);
  g_test_add_func ("/gpu/device/bias", test_bias);
  g_test_add_func ("/gpu/device/activations", test_activations);
  g_test_add_func ("/gpu/device/add-accumulate", test_add_accumulate);
  g_test_add_func ("/gpu/device/loss", test_loss);
  g_test_add_func ("/gpu/device/sgd", test_sgd);
  g_test_add_func ("/gpu/device/adam", test_adam);
  g_test_add_func ("/gpu/device/sum-squares-finite", test_sum_squares_finite);
  g_test_add_func ("/gpu/device/alloc-too-large", test_alloc_too_large);
  g_test_add_func ("/gpu/device/mlp-training-step", test_mlp_training_step);
  g_test_add_func ("/gpu/device/sinenet-loss-curve", test_sinenet_loss_curve);
  g_test_add_func ("/gpu/device/device-mismatch", test_device_mismatch);

  return g_test_run ();
}
