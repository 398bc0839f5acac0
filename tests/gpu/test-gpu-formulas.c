/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-gpu-formulas.c — the CUDA kernels' arithmetic, run on the host next
 * to the CPU backend: no GPU needed.
 *
 * src/core/tensor/nnb-formulas.h holds every per-element formula the .cu
 * files run (activations, softmax rows, losses, SGD, Adam), shared with the CPU backend's
 * scalar loops; nvcc compiles it for the GPU, and
 * this test compiles the same header for the CPU with -ffp-contract=off,
 * as nvcc builds it with --fmad=false. Where the formula itself is the
 * CPU's, the bits must agree; where the maths library differs (expf in the
 * sigmoid: glibc here, SLEEF in the CPU backend, CUDA's on the GPU) a few
 * ulps are allowed. What stays unverified without a GPU is the device's
 * own maths library and the launches themselves: tests/gpu/test-gpu.c's
 * /gpu/device/ tests compare those on a GPU. */
#include <glib.h>
#include <math.h>
#include <string.h>
#include "nnb-backend.h"
#include "nnb-formulas.h"

static float *
random_floats (GRand *rand, gsize n, double lo, double hi)
{
  float *values = g_new (float, n);

  for (gsize i = 0; i < n; i++)
    values[i] = (float) g_rand_double_range (rand, lo, hi);
  return values;
}

/* Distance in units in the last place between two finite floats. */
static guint32
ulps (float a, float b)
{
  gint32 ia, ib;

  memcpy (&ia, &a, 4);
  memcpy (&ib, &b, 4);
  if (ia < 0)
    ia = (gint32) 0x80000000 - ia;
  if (ib < 0)
    ib = (gint32) 0x80000000 - ib;
  return ia > ib ? (guint32) (ia - ib) : (guint32) (ib - ia);
}

static void
assert_same_bits (const char *what, const float *got, const float *want, gsize n)
{
  for (gsize i = 0; i < n; i++)
    if (memcmp (&got[i], &want[i], sizeof (float)) != 0)
      g_error ("%s: element %" G_GSIZE_FORMAT ": GPU formula %.9g, CPU %.9g", what, i, got[i], want[i]);
}

/* The inputs every activation sees: random values, plus the edges where
 * the formulas branch (0, −0) or saturate */
static float *
activation_inputs (GRand *rand, gsize n)
{
  float *x = random_floats (rand, n, -8, 8);
  const float edges[] = { 0.0f, -0.0f, 1e-8f, -1e-8f, 20.0f, -20.0f, 90.0f, -90.0f };

  memcpy (x, edges, sizeof edges);
  return x;
}

static void
test_activations_match_cpu (void)
{
  const NnbBackend *cpu = nnb_backend_cpu ();
  const gsize n = 4099;
  g_autoptr (GRand) rand = g_rand_new_with_seed (21);
  g_autofree float *x = activation_inputs (rand, n);
  g_autofree float *dy = random_floats (rand, n, -1, 1);
  g_autofree float *y = g_new (float, n), *dx = g_new (float, n);
  g_autofree float *fy = g_new (float, n), *fdx = g_new (float, n);
  const float slopes[] = { 0.01f, 0.2f };

  /* ReLU: forward and threshold_backward on the output */
  cpu->act_forward (NNB_ACT_RELU, 0.0f, x, y, n);
  cpu->act_backward (NNB_ACT_RELU, 0.0f, x, y, dy, dx, n, FALSE);
  for (gsize i = 0; i < n; i++)
    {
      fy[i] = nnb_f_relu (x[i]);
      fdx[i] = nnb_f_relu_backward (y[i], dy[i]);
    }
  assert_same_bits ("ReLU forward", fy, y, n);
  assert_same_bits ("ReLU backward", fdx, dx, n);

  for (guint s = 0; s < G_N_ELEMENTS (slopes); s++)
    {
      cpu->act_forward (NNB_ACT_LEAKY_RELU, slopes[s], x, y, n);
      cpu->act_backward (NNB_ACT_LEAKY_RELU, slopes[s], x, y, dy, dx, n, FALSE);
      for (gsize i = 0; i < n; i++)
        {
          fy[i] = nnb_f_leaky_relu (x[i], slopes[s]);
          fdx[i] = nnb_f_leaky_relu_backward (x[i], dy[i], slopes[s]);
        }
      assert_same_bits ("LeakyReLU forward", fy, y, n);
      assert_same_bits ("LeakyReLU backward", fdx, dx, n);
    }

  /* Tanh: the backward from the CPU's own outputs, to the bit */
  cpu->act_forward (NNB_ACT_TANH, 0.0f, x, y, n);
  cpu->act_backward (NNB_ACT_TANH, 0.0f, x, y, dy, dx, n, FALSE);
  for (gsize i = 0; i < n; i++)
    fdx[i] = nnb_f_tanh_backward (y[i], dy[i]);
  assert_same_bits ("Tanh backward", fdx, dx, n);

  /* Sigmoid: expf is the library's (a few ulps), the backward exact */
  cpu->act_forward (NNB_ACT_SIGMOID, 0.0f, x, y, n);
  cpu->act_backward (NNB_ACT_SIGMOID, 0.0f, x, y, dy, dx, n, FALSE);
  for (gsize i = 0; i < n; i++)
    {
      float f = nnb_f_sigmoid (x[i]);
      if (ulps (f, y[i]) > 4)
        g_error ("Sigmoid forward at %.9g: formula %.9g, CPU %.9g", x[i], f, y[i]);
      fdx[i] = nnb_f_sigmoid_backward (y[i], dy[i]);
    }
  assert_same_bits ("Sigmoid backward", fdx, dx, n);

  /* GELU, exact form: oneDNN's float kernel, the same bits as the CPU's */
  cpu->act_forward (NNB_ACT_GELU, 0.0f, x, y, n);
  cpu->act_backward (NNB_ACT_GELU, 0.0f, x, y, dy, dx, n, FALSE);
  for (gsize i = 0; i < n; i++)
    {
      fy[i] = nnb_f_gelu (x[i]);
      fdx[i] = nnb_f_gelu_backward (x[i], dy[i]);
    }
  assert_same_bits ("GELU forward", fy, y, n);
  assert_same_bits ("GELU backward", fdx, dx, n);
}

/* approximate='none': GELU(1) = Φ(1) = 0.8413447…, not tanh's 0.8411920… */
static void
test_gelu_is_the_erf_form (void)
{
  g_assert_cmpfloat (fabsf (nnb_f_gelu (1.0f) - 0.841344746f), <, 1e-7f);
  /* d/dx at 0 is Φ(0) = 1/2 */
  g_assert_cmpfloat (nnb_f_gelu_backward (0.0f, 1.0f), ==, 0.5f);
}

static void
test_loss_matches_cpu (void)
{
  const NnbBackend *cpu = nnb_backend_cpu ();
  const gsize sizes[] = { 1, 7, 200, 100003 };
  g_autoptr (GRand) rand = g_rand_new_with_seed (22);

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    for (int is_mse = 0; is_mse <= 1; is_mse++)
      {
        gsize n = sizes[s];
        g_autofree float *pred = random_floats (rand, n, -2, 2);
        g_autofree float *target = random_floats (rand, n, -2, 2);
        g_autofree float *grad = g_new (float, n), *fgrad = g_new (float, n);
        float norm = nnb_f_loss_norm (is_mse, n);
        double want, got, sum = 0.0;

        /* L1's sign(0) = 0 */
        target[n / 2] = pred[n / 2];
        want = cpu->loss (is_mse ? NNB_LOSS_MSE : NNB_LOSS_L1, pred, target, n, grad);
        for (gsize i = 0; i < n; i++)
          {
            sum += nnb_f_loss_term (is_mse, pred[i], target[i]);
            fgrad[i] = nnb_f_loss_grad (is_mse, pred[i], target[i], norm);
          }
        got = nnb_f_loss_mean (sum, n);
        assert_same_bits (is_mse ? "MSE gradient" : "L1 gradient", fgrad, grad, n);
        g_assert_cmpfloat (fgrad[n / 2], ==, 0.0f);
        /* the GPU sums in double, the CPU in float pairs: rounding apart */
        g_assert_cmpfloat (fabs (got - want), <=, 1e-6 * fabs (want));
      }
}

/* A loss whose float sum overflows although its mean would not: inf on
 * the CPU (PyTorch prints inf too), so inf from the GPU's formula as well */
static void
test_loss_overflow_is_inf (void)
{
  const NnbBackend *cpu = nnb_backend_cpu ();
  const gsize n = 100;
  float pred[100], target[100];
  double sum = 0.0;

  for (gsize i = 0; i < n; i++)
    {
      pred[i] = 5e18f; /* (5e18)² = 2.5e37 each, 2.5e39 in all */
      target[i] = 0.0f;
      sum += nnb_f_loss_term (TRUE, pred[i], target[i]);
    }
  g_assert_true (isinf (cpu->loss (NNB_LOSS_MSE, pred, target, n, NULL)));
  g_assert_true (isinf (nnb_f_loss_mean (sum, n)));
}

static void
test_sgd_matches_cpu (void)
{
  const NnbBackend *cpu = nnb_backend_cpu ();
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
    { 0.5f, 0.0f, 0.05f, TRUE },
  };
  g_autoptr (GRand) rand = g_rand_new_with_seed (23);

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autofree float *param = random_floats (rand, n, -1, 1);
      g_autofree float *fparam = g_memdup2 (param, n * sizeof (float));
      g_autofree float *buf = g_new0 (float, n), *fbuf = g_new0 (float, n);
      gboolean with_buf = cases[c].momentum != 0.0f;

      /* three steps: the first initialises the buffer, the others use it */
      for (int step = 1; step <= 3; step++)
        {
          g_autofree float *grad = random_floats (rand, n, -1, 1);

          cpu->sgd_step (param, grad, with_buf ? buf : NULL, n, 0.1f, cases[c].momentum, cases[c].dampening,
                         cases[c].weight_decay, cases[c].nesterov, step == 1);
          for (gsize i = 0; i < n; i++)
            nnb_f_sgd (&fparam[i], grad[i], with_buf ? &fbuf[i] : NULL, 0.1f, cases[c].momentum,
                       cases[c].dampening, cases[c].weight_decay, cases[c].nesterov, step == 1);
        }
      assert_same_bits ("SGD parameters", fparam, param, n);
      assert_same_bits ("SGD momentum buffer", fbuf, buf, n);
    }
}

static void
test_adam_matches_cpu (void)
{
  const NnbBackend *cpu = nnb_backend_cpu ();
  const gsize n = 777;
  const double weight_decays[] = { 0.0, 0.01 };
  g_autoptr (GRand) rand = g_rand_new_with_seed (24);

  for (guint w = 0; w < G_N_ELEMENTS (weight_decays); w++)
    {
      g_autofree float *param = random_floats (rand, n, -1, 1);
      g_autofree float *fparam = g_memdup2 (param, n * sizeof (float));
      g_autofree float *m = g_new0 (float, n), *v = g_new0 (float, n);
      g_autofree float *fm = g_new0 (float, n), *fv = g_new0 (float, n);

      /* the bias corrections change every step: five of them */
      for (int step = 1; step <= 5; step++)
        {
          g_autofree float *grad = random_floats (rand, n, -1, 1);
          NnbAdamScalars k = nnb_f_adam_scalars (1e-3, 0.9, 0.999, 1e-8, weight_decays[w], step);

          cpu->adam_step (param, grad, m, v, n, 1e-3, 0.9, 0.999, 1e-8, weight_decays[w], step);
          for (gsize i = 0; i < n; i++)
            nnb_f_adam (&fparam[i], grad[i], &fm[i], &fv[i], &k);
        }
      assert_same_bits ("Adam parameters", fparam, param, n);
      assert_same_bits ("Adam exp_avg", fm, m, n);
      assert_same_bits ("Adam exp_avg_sq", fv, v, n);
    }
}

/* The GPU's softmax rows (one thread per row runs nnb-formulas.h's) with
 * the maths library's expf and logf, against the CPU's with SLEEF's: the
 * same order of sums, so only the exp and log differ; the softmax backward
 * has neither and agrees to the bit, accumulating or not */
static void
test_softmax_matches_cpu (void)
{
  const NnbBackend *cpu = nnb_backend_cpu ();
  const gsize widths[] = { 1, 3, 7, 8, 9, 33, 100 }, rows = 4;
  g_autoptr (GRand) rand = g_rand_new_with_seed (25);

  for (guint w = 0; w < G_N_ELEMENTS (widths); w++)
    for (int log = 0; log < 2; log++)
      {
        gsize cols = widths[w], n = rows * cols;
        g_autofree float *x = random_floats (rand, n, 40, 60);
        g_autofree float *dy = random_floats (rand, n, -1, 1);
        g_autofree float *y = g_new (float, n), *dx = g_new (float, n);
        g_autofree float *fy = g_new (float, n), *fdx = random_floats (rand, n, -1, 1);
        g_autofree float *start = g_memdup2 (fdx, n * sizeof (float));

        cpu->softmax_forward (log, x, y, rows, cols);
        for (gsize r = 0; r < rows; r++)
          if (log)
            nnb_f_log_softmax_row (expf, logf, x + r * cols, fy + r * cols, cols);
          else
            nnb_f_softmax_row (expf, x + r * cols, fy + r * cols, cols);
        for (gsize i = 0; i < n; i++)
          if (fabsf (fy[i] - y[i]) > 1e-6f * MAX (1.0f, fabsf (y[i])))
            g_error ("%s forward, width %" G_GSIZE_FORMAT ": formula %.9g, CPU %.9g", log ? "LogSoftmax" : "Softmax",
                     cols, fy[i], y[i]);

        /* from the CPU's own outputs, added into a gradient already there */
        memcpy (dx, start, n * sizeof (float));
        cpu->softmax_backward (log, y, dy, dx, rows, cols, TRUE);
        for (gsize r = 0; r < rows; r++)
          if (log)
            nnb_f_log_softmax_backward_row (expf, y + r * cols, dy + r * cols, fdx + r * cols, cols, TRUE);
          else
            nnb_f_softmax_backward_row (y + r * cols, dy + r * cols, fdx + r * cols, cols, TRUE);
        if (!log)
          assert_same_bits ("Softmax backward", fdx, dx, n);
        else
          for (gsize i = 0; i < n; i++)
            if (fabsf (fdx[i] - dx[i]) > 1e-6f * MAX (1.0f, fabsf (dx[i])))
              g_error ("LogSoftmax backward, width %" G_GSIZE_FORMAT ": formula %.9g, CPU %.9g", cols, fdx[i], dx[i]);
      }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gpu/formulas/activations-match-cpu", test_activations_match_cpu);
  g_test_add_func ("/gpu/formulas/gelu-is-the-erf-form", test_gelu_is_the_erf_form);
  g_test_add_func ("/gpu/formulas/loss-matches-cpu", test_loss_matches_cpu);
  g_test_add_func ("/gpu/formulas/loss-overflow-is-inf", test_loss_overflow_is_inf);
  g_test_add_func ("/gpu/formulas/softmax-matches-cpu", test_softmax_matches_cpu);
  g_test_add_func ("/gpu/formulas/sgd-matches-cpu", test_sgd_matches_cpu);
  g_test_add_func ("/gpu/formulas/adam-matches-cpu", test_adam_matches_cpu);

  return g_test_run ();
}
