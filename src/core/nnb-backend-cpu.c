/* nnb-backend-cpu.c — the CPU backend: OpenBLAS for every matrix product,
 * plain loops (or the AVX2 kernels of nnb-backend-cpu-simd.c) for the
 * element-wise work. The formulas follow PyTorch 1.13's CPU kernels
 * operation by operation, so float32 rounding agrees with PyTorch's. */
#include "nnb-backend.h"

#include <cblas.h>
#include <math.h>
#include <sleef.h>
#include <string.h>
#include "nnb-backend-cpu-simd.h"
#include "nnb-error.h"

static void *
cpu_alloc (gsize bytes, GError **error)
{
  /* 64-byte alignment suits AVX-512 loads and BLAS packing */
  void *ptr = NULL;

  if (bytes == 0)
    bytes = 64;
  if (posix_memalign (&ptr, 64, (bytes + 63) & ~(gsize) 63) != 0 || ptr == NULL)
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_OUT_OF_MEMORY,
                   "Not enough memory: the tensor needs %.1f MiB. Try smaller layers or fewer data points.",
                   bytes / (1024.0 * 1024.0));
      return NULL;
    }
  memset (ptr, 0, bytes);
  return ptr;
}

static void
cpu_free (void *ptr)
{
  free (ptr);
}

static void
cpu_copy (float *dst, const float *src, gsize n)
{
  if (dst != src)
    memcpy (dst, src, n * sizeof (float));
}

static void
cpu_fill (float *dst, gsize n, float value)
{
  if (value == 0.0f)
    {
      memset (dst, 0, n * sizeof (float));
      return;
    }
  for (gsize i = 0; i < n; i++)
    dst[i] = value;
}

static void
cpu_gemm (gboolean trans_a, gboolean trans_b, int m, int n, int k,
          float alpha, const float *a, int lda, const float *b, int ldb,
          float beta, float *c, int ldc)
{
  cblas_sgemm (CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans,
               m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

static void
cpu_bias_fill (float *y, const float *bias, gsize rows, gsize cols)
{
  for (gsize r = 0; r < rows; r++)
    memcpy (y + r * cols, bias, cols * sizeof (float));
}

static void
cpu_bias_grad (float *db, const float *dy, gsize rows, gsize cols)
{
  /* grad_output.sum(0), row by row, and only then one addition into .grad,
   * as autograd accumulates: two backward calls give exactly twice one.
   * Summing straight into db would round differently once db is not 0. */
  float sum[256];

  for (gsize c0 = 0; c0 < cols; c0 += G_N_ELEMENTS (sum))
    {
      gsize width = MIN (G_N_ELEMENTS (sum), cols - c0);

      memset (sum, 0, width * sizeof (float));
      for (gsize r = 0; r < rows; r++)
        {
          const float *row = dy + r * cols + c0;
          for (gsize c = 0; c < width; c++)
            sum[c] += row[c];
        }
      for (gsize c = 0; c < width; c++)
        db[c0 + c] += sum[c];
    }
}

static inline float
gelu (float x)
{
  return (float) (0.5 * x * (1.0 + erf (x * M_SQRT1_2)));
}

static inline float
gelu_derivative (float x)
{
  double cdf = 0.5 * (1.0 + erf (x * M_SQRT1_2));
  double pdf = exp (-0.5 * (double) x * x) / sqrt (2.0 * M_PI);
  return (float) (cdf + x * pdf);
}

static void
cpu_act_forward (NnbActivation act, float param, const float *x, float *y, gsize n)
{
  switch (act)
    {
    case NNB_ACT_IDENTITY:
      cpu_copy (y, x, n);
      break;
    case NNB_ACT_RELU:
      for (gsize i = 0; i < n; i++)
        y[i] = x[i] > 0.0f ? x[i] : 0.0f;
      break;
    case NNB_ACT_LEAKY_RELU:
      for (gsize i = 0; i < n; i++)
        y[i] = x[i] > 0.0f ? x[i] : x[i] * param;
      break;
    case NNB_ACT_TANH:
      if (nnb_simd_available ())
        nnb_simd_tanh (x, y, n);
      else
        for (gsize i = 0; i < n; i++)
          y[i] = Sleef_tanhf_u10 (x[i]);
      break;
    case NNB_ACT_SIGMOID:
      if (nnb_simd_available ())
        nnb_simd_sigmoid (x, y, n);
      else
        for (gsize i = 0; i < n; i++)
          y[i] = 1.0f / (1.0f + Sleef_expf_u10 (-x[i]));
      break;
    case NNB_ACT_GELU:
      for (gsize i = 0; i < n; i++)
        y[i] = gelu (x[i]);
      break;
    }
}

static void
cpu_act_backward (NnbActivation act, float param, const float *x, const float *y,
                  const float *dy, float *dx, gsize n, gboolean accumulate)
{
  if (act == NNB_ACT_TANH && nnb_simd_available ())
    {
      nnb_simd_tanh_backward (y, dy, dx, n, accumulate);
      return;
    }
  for (gsize i = 0; i < n; i++)
    {
      float g;
      switch (act)
        {
        case NNB_ACT_IDENTITY:
          g = dy[i];
          break;
        case NNB_ACT_RELU:
          /* threshold_backward on the output: 0 where y <= 0 */
          g = y[i] <= 0.0f ? 0.0f : dy[i];
          break;
        case NNB_ACT_LEAKY_RELU:
          g = x[i] > 0.0f ? dy[i] : dy[i] * param;
          break;
        case NNB_ACT_TANH:
          g = dy[i] * (1.0f - y[i] * y[i]);
          break;
        case NNB_ACT_SIGMOID:
          g = dy[i] * (1.0f - y[i]) * y[i];
          break;
        case NNB_ACT_GELU:
        default:
          g = dy[i] * gelu_derivative (x[i]);
          break;
        }
      dx[i] = accumulate ? dx[i] + g : g;
    }
}

static void
cpu_add (const float *a, const float *b, float *y, gsize n)
{
  for (gsize i = 0; i < n; i++)
    y[i] = a[i] + b[i];
}

static void
cpu_accumulate (float *y, const float *x, gsize n)
{
  for (gsize i = 0; i < n; i++)
    y[i] += x[i];
}

static double
cpu_loss (NnbLossKind kind, const float *pred, const float *target, gsize n, float *grad)
{
  double sum = 0.0;
  /* mse_loss_backward: (2 / N) · (x − t); l1: sign(x − t) / N */
  float norm = kind == NNB_LOSS_MSE ? (float) (2.0 / n) : (float) (1.0 / n);

  for (gsize i = 0; i < n; i++)
    {
      float diff = pred[i] - target[i];
      if (kind == NNB_LOSS_MSE)
        {
          float sq = diff * diff;
          sum += sq;
          if (grad)
            grad[i] = norm * diff;
        }
      else
        {
          sum += fabsf (diff);
          if (grad)
            grad[i] = diff > 0.0f ? norm : diff < 0.0f ? -norm : 0.0f;
        }
    }
  return (double) (float) (sum / n);
}

static void
cpu_sgd_step (float *param, const float *grad, float *momentum_buf, gsize n,
              float lr, float momentum, float dampening, float weight_decay,
              gboolean nesterov, gboolean first_step)
{
  /* torch.optim.SGD (_single_tensor_sgd); PyTorch's add_(…, alpha) is a
   * fused multiply-add in its vectorised kernel, hence fmaf */
  for (gsize i = 0; i < n; i++)
    {
      float d_p = grad[i];
      if (weight_decay != 0.0f)
        d_p = fmaf (weight_decay, param[i], d_p);
      if (momentum != 0.0f)
        {
          float buf;
          if (first_step)
            buf = d_p;
          else
            buf = fmaf (1.0f - dampening, d_p, momentum_buf[i] * momentum);
          momentum_buf[i] = buf;
          d_p = nesterov ? fmaf (momentum, buf, d_p) : buf;
        }
      param[i] = fmaf (-lr, d_p, param[i]);
    }
}

static void
cpu_adam_step (float *param, const float *grad, float *exp_avg, float *exp_avg_sq, gsize n,
               double lr, double beta1_d, double beta2_d, double eps_d, double weight_decay_d, int step)
{
  /* torch.optim.Adam, PyTorch 1.13 _single_tensor_adam: the bias
   * corrections in Python floats (double), the tensor work in float32 */
  double bias_correction1 = 1.0 - pow (beta1_d, step);
  double bias_correction2 = 1.0 - pow (beta2_d, step);
  float step_size = (float) (lr / bias_correction1);
  float bias_correction2_sqrt = (float) sqrt (bias_correction2);
  float beta1 = (float) beta1_d, beta2 = (float) beta2_d;
  float one_minus_beta1 = (float) (1.0 - beta1_d), one_minus_beta2 = (float) (1.0 - beta2_d);
  float eps = (float) eps_d, weight_decay = (float) weight_decay_d;

  for (gsize i = 0; i < n; i++)
    {
      float g = grad[i];
      if (weight_decay != 0.0f)
        g = fmaf (weight_decay, param[i], g);
      exp_avg[i] = fmaf (one_minus_beta1, g, exp_avg[i] * beta1);
      exp_avg_sq[i] = exp_avg_sq[i] * beta2 + one_minus_beta2 * g * g;
      float denom = sqrtf (exp_avg_sq[i]) / bias_correction2_sqrt + eps;
      param[i] = param[i] + (-step_size) * (exp_avg[i] / denom);
    }
}

static double
cpu_sum_squares (const float *x, gsize n)
{
  double sum = 0.0;
  for (gsize i = 0; i < n; i++)
    sum += (double) x[i] * x[i];
  return sum;
}

static gboolean
cpu_all_finite (const float *x, gsize n)
{
  for (gsize i = 0; i < n; i++)
    if (!isfinite (x[i]))
      return FALSE;
  return TRUE;
}

static gboolean
cpu_sync (GError **error)
{
  return TRUE;
}

static const NnbBackend cpu_backend = {
  .name = "cpu",
  .alloc = cpu_alloc,
  .free = cpu_free,
  .upload = cpu_copy,
  .download = cpu_copy,
  .copy = cpu_copy,
  .fill = cpu_fill,
  .gemm = cpu_gemm,
  .bias_fill = cpu_bias_fill,
  .bias_grad = cpu_bias_grad,
  .act_forward = cpu_act_forward,
  .act_backward = cpu_act_backward,
  .add = cpu_add,
  .accumulate = cpu_accumulate,
  .loss = cpu_loss,
  .sgd_step = cpu_sgd_step,
  .adam_step = cpu_adam_step,
  .sum_squares = cpu_sum_squares,
  .all_finite = cpu_all_finite,
  .sync = cpu_sync,
};

const NnbBackend *
nnb_backend_cpu (void)
{
  return &cpu_backend;
}

void
nnb_backend_cpu_set_threads (int n_threads)
{
  openblas_set_num_threads (MAX (1, n_threads));
}

int
nnb_backend_cpu_get_threads (void)
{
  return openblas_get_num_threads ();
}
