/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-backend-cpu.c — the CPU backend: OpenBLAS for the matrix products
 * (small layers' products computed directly with its bits: nnb-simd-gemm.c),
 * plain loops (or the AVX2 kernels of nnb-backend-cpu-simd.c) for the
 * element-wise work. The formulas follow PyTorch 1.13's CPU kernels
 * operation by operation, so float32 rounding agrees with PyTorch's. */
#include "nnb-backend.h"

#include <errno.h>
#include <math.h>
#include <sleef.h>
#include <string.h>
#include "nnb-backend-cpu-layer-norm.h"
#include "nnb-backend-cpu-batch-norm.h"
#include "nnb-backend-cpu-simd.h"
#include "nnb-softmax.h"
#include "nnb-formulas.h"
#include "nnb-optim-kernels.h"
#include "nnb-error.h"
#include "nnb-blas.h"

static void *
cpu_alloc (gsize bytes, GError **error)
{
  /* 64-byte alignment suits AVX-512 loads and BLAS packing */
  void *ptr = NULL;
  int err = ENOMEM;

  if (bytes == 0)
    bytes = 64;
  /* rounding up to whole cache lines must not wrap around */
  if (bytes > G_MAXSIZE - 63 || (err = posix_memalign (&ptr, 64, (bytes + 63) & ~(gsize) 63)) != 0 || ptr == NULL)
    {
      if (err == 0)
        err = ENOMEM;
      /* PyTorch 1.13's words (c10/core/impl/alloc_cpu.cpp), less its
       * "[enforce fail at alloc_cpu.cpp:75] err == 0." prefix, then what to do */
      g_set_error (error, NNB_ERROR, NNB_ERROR_OUT_OF_MEMORY,
                   "DefaultCPUAllocator: can't allocate memory: you tried to allocate %" G_GSIZE_FORMAT " bytes. "
                   "Error code %d (%s). Try smaller layers or fewer data points.",
                   bytes, err, g_strerror (err));
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
cpu_accumulate (float *y, const float *x, gsize n)
{
  if (nnb_simd_available ())
    nnb_simd_add (y, x, y, n);
  else
    for (gsize i = 0; i < n; i++)
      y[i] += x[i];
}

static void
cpu_gemm (gboolean trans_a, gboolean trans_b, int m, int n, int k,
          float alpha, const float *a, int lda, const float *b, int ldb,
          float beta, float *c, int ldc)
{
  /* a classifier's narrow products: OpenBLAS's bits without its packing */
  if (!trans_a && nnb_simd_available () &&
      nnb_simd_gemm_small (trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc))
    return;
  if (trans_a && !trans_b && nnb_simd_available () &&
      nnb_simd_gemm_tn_narrow (m, n, k, alpha, a, lda, b, ldb, beta, c, ldc))
    return;
  if (nnb_simd_available () && nnb_simd_gemm_sixteen (trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc))
    return;
  nnb_blas_sgemm (trans_a ? NNB_BLAS_TRANS : NNB_BLAS_NO_TRANS, trans_b ? NNB_BLAS_TRANS : NNB_BLAS_NO_TRANS,
                  m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

static void
cpu_bias_fill (float *y, const float *bias, gsize rows, gsize cols)
{
  /* one output column (a regression's last layer) is a fill, not a copy
   * of 4 bytes per row; the first row copied, then ever larger blocks of
   * whole rows: a memcpy per row cost a classifier's 1000 × 2 outputs
   * more than its gemm */
  gsize done;

  if (rows == 0)
    return;
  if (cols == 1)
    {
      for (gsize r = 0; r < rows; r++)
        y[r] = bias[0];
      return;
    }
  memcpy (y, bias, cols * sizeof (float));
  for (done = 1; done < rows; done *= 2)
    memcpy (y + done * cols, y, MIN (done, rows - done) * cols * sizeof (float));
}

/* PyTorch 1.13's cascade sum (SumKernel.cpp, multi_row_sum) of a column
 * over `size` rows: first, first + step, …, in float, with partial sums
 * that cascade through four levels. Reproducing its order makes the bias
 * gradient — grad_output.sum(0) — bit-identical to PyTorch's.
 *
 * Columns summed together, at most: the four levels of partial sums of
 * this many columns (8 KiB) stay in L1. */
#define CASCADE_WIDTH 512

/* acc[c] += row[c] for c < width, in blocks of 8 the compiler vectorises */
static inline void
add_row (float *acc, const float *row, gsize width)
{
  gsize c = 0;

  for (; c + 8 <= width; c += 8)
    for (int k = 0; k < 8; k++)
      acc[c + k] += row[c + k];
  for (; c < width; c++)
    acc[c] += row[c];
}

/* The cascade sums of columns c0 … c0 + width − 1 (width ≤ CASCADE_WIDTH)
 * into out. Every column gets exactly the arithmetic of PyTorch's per-column
 * loop, since the levels cascade at the same row counts for all of them;
 * walking the rows in memory order rather than each column down the rows
 * reads every cache line once, and in sequence. */
/* cascade_columns for at most 16 columns (a mini-batch's small layers):
 * the same arithmetic on a small array that needs no memset calls */
static inline __attribute__ ((always_inline)) void
cascade_columns_narrow (const float *dy, gsize cols, gsize c0, gsize width,
                        gsize first, gsize step, gsize size, float *out)
{
  const int num_levels = 4;
  const int level_power = MAX (4, nnb_ceil_log2 (size) / num_levels);
  const gsize level_step = (gsize) 1 << level_power;
  const gsize level_mask = level_step - 1;
  float acc[4][16] = { { 0 } };
  gsize i = 0;

  while (i + level_step <= size)
    {
      for (gsize j = 0; j < level_step; j++, i++)
        for (gsize c = 0; c < width; c++)
          acc[0][c] += dy[(first + i * step) * cols + c0 + c];
      for (int j = 1; j < num_levels; j++)
        {
          for (gsize c = 0; c < width; c++)
            {
              acc[j][c] += acc[j - 1][c];
              acc[j - 1][c] = 0;
            }
          if ((i & (level_mask << (j * level_power))) != 0)
            break;
        }
    }
  for (; i < size; i++)
    for (gsize c = 0; c < width; c++)
      acc[0][c] += dy[(first + i * step) * cols + c0 + c];
  for (gsize c = 0; c < width; c++)
    out[c] = ((acc[0][c] + acc[1][c]) + acc[2][c]) + acc[3][c];
}

static void
cascade_columns (const float *dy, gsize cols, gsize c0, gsize width,
                 gsize first, gsize step, gsize size, float *out)
{
  const int num_levels = 4;
  const int level_power = MAX (4, nnb_ceil_log2 (size) / num_levels);
  const gsize level_step = (gsize) 1 << level_power;
  const gsize level_mask = level_step - 1;
  float acc[4][CASCADE_WIDTH];
  gsize i = 0;

  if (width <= 16 && nnb_simd_available ())
    {
      nnb_simd_cascade_columns (dy, cols, c0, width, first, step, size, out);
      return;
    }
  /* a constant width of 16 or 8 lets the compiler vectorise the lanes */
  if (width == 16)
    {
      cascade_columns_narrow (dy, cols, c0, 16, first, step, size, out);
      return;
    }
  if (width == 8)
    {
      cascade_columns_narrow (dy, cols, c0, 8, first, step, size, out);
      return;
    }
  if (width < 16)
    {
      cascade_columns_narrow (dy, cols, c0, width, first, step, size, out);
      return;
    }
  for (int j = 0; j < num_levels; j++)
    memset (acc[j], 0, width * sizeof (float));
  while (i + level_step <= size)
    {
      for (gsize j = 0; j < level_step; j++, i++)
        add_row (acc[0], dy + (first + i * step) * cols + c0, width);
      for (int j = 1; j < num_levels; j++)
        {
          add_row (acc[j], acc[j - 1], width);
          memset (acc[j - 1], 0, width * sizeof (float));
          if ((i & (level_mask << (j * level_power))) != 0)
            break;
        }
    }
  for (; i < size; i++)
    add_row (acc[0], dy + (first + i * step) * cols + c0, width);
  for (int j = 1; j < num_levels; j++)
    add_row (acc[0], acc[j], width);
  memcpy (out, acc[0], width * sizeof (float));
}

/* row_sum: four interleaved cascades (rows k, k + 4, …), the rows left
 * over added to the first, then the four combined */
static void
interleaved_columns (const float *dy, gsize rows, gsize cols, gsize c0, gsize width, float *out)
{
  gsize size_ilp = rows / 4;
  float partial[4][CASCADE_WIDTH];

  for (gsize k = 0; k < 4; k++)
    cascade_columns (dy, cols, c0, width, k, 4, size_ilp, partial[k]);
  for (gsize i = size_ilp * 4; i < rows; i++)
    add_row (partial[0], dy + i * cols + c0, width);
  for (gsize c = 0; c < width; c++)
    out[c] = ((partial[0][c] + partial[1][c]) + partial[2][c]) + partial[3][c];
}

/* multi_row_sum over rows of 32 floats given one at a time: the levels
 * cascade after every level_step rows, as in cascade_columns */
typedef struct
{
  float acc[4][32];
  int level_power;
  gsize level_mask;
  gsize rows; /* given so far */
} Cascade32;

static void
cascade32_init (Cascade32 *c, gsize size)
{
  memset (c->acc, 0, sizeof c->acc);
  c->level_power = MAX (4, nnb_ceil_log2 (size) / 4);
  c->level_mask = ((gsize) 1 << c->level_power) - 1;
  c->rows = 0;
}

static void
cascade32_push (Cascade32 *c, const float *row)
{
  /* plain loops of 32: add_row's scalar tail here trips a false GCC warning */
  for (int k = 0; k < 32; k++)
    c->acc[0][k] += row[k];
  c->rows++;
  if ((c->rows & c->level_mask) != 0)
    return;
  for (int j = 1; j < 4; j++)
    {
      for (int k = 0; k < 32; k++)
        c->acc[j][k] += c->acc[j - 1][k];
      memset (c->acc[j - 1], 0, sizeof c->acc[j - 1]);
      if ((c->rows & (c->level_mask << (j * c->level_power))) != 0)
        break;
    }
}

/* Writes the terms start … start + count − 1 (count ≤ 32) of a sum to out */
typedef void (*SumTerms) (gconstpointer data, gsize start, gsize count, float *out);

/* PyTorch's sum of n contiguous floats (SumKernel.cpp, vectorized_inner_sum
 * with 8-float vectors): row_sum over the n / 8 vectors, whose four
 * interleaved cascades take vectors 4i … 4i + 3, that is the 32 floats of row
 * i of an (n / 32, 32) matrix; the vectors left over go to the first
 * cascade; the four are combined lane by lane; then 0 plus the floats left
 * over, plus the 8 lanes in order. Fewer than 8 floats take row_sum over the
 * floats themselves. Checked against torch for every n up to 3000. */
static float
contiguous_sum (SumTerms terms, gconstpointer data, gsize n)
{
  const gsize vec = 8;
  gsize vectors = n / vec, rows = vectors / 4;
  Cascade32 c;
  float block[32], partial[32], sum = 0;

  if (n < vec)
    {
      /* row_sum's four partial sums: one float each, if n reaches 4 */
      float p[4] = { 0, 0, 0, 0 };

      terms (data, 0, n, block);
      for (gsize i = 0; i < n; i++)
        p[i < n / 4 * 4 ? i : 0] += block[i];
      return ((p[0] + p[1]) + p[2]) + p[3];
    }
  cascade32_init (&c, rows);
  for (gsize i = 0; i < rows; i++)
    {
      terms (data, 32 * i, 32, block);
      cascade32_push (&c, block);
    }
  for (gsize k = 0; k < 32; k++)
    partial[k] = ((c.acc[0][k] + c.acc[1][k]) + c.acc[2][k]) + c.acc[3][k];
  for (gsize v = rows * 4; v < vectors; v++)
    {
      terms (data, v * vec, vec, block);
      add_row (partial, block, vec);
    }
  terms (data, vectors * vec, n - vectors * vec, block);
  for (gsize i = 0; i < n - vectors * vec; i++)
    sum += block[i];
  for (gsize k = 0; k < vec; k++)
    sum += ((partial[k] + partial[8 + k]) + partial[16 + k]) + partial[24 + k];
  return sum;
}

static void
copy_terms (gconstpointer data, gsize start, gsize count, float *out)
{
  memcpy (out, (const float *) data + start, count * sizeof (float));
}

float
nnb_cpu_contiguous_sum (const float *x, gsize n)
{
  return contiguous_sum (copy_terms, x, n);
}

static void
cpu_bias_grad (float *db, const float *dy, gsize rows, gsize cols)
{
  /* Which columns PyTorch sums directly and which through row_sum depends
   * on its vector width (8 floats, the AVX2 kernels Debian's build runs):
   * vectorized_outer_sum takes blocks of 4 vectors directly, and
   * scalar_outer_sum (fewer than 8 columns) blocks of 4 columns. */
  const gsize vec = 8;
  gsize direct = cols >= vec ? cols / (4 * vec) * (4 * vec) : cols / 4 * 4;
  float sums[CASCADE_WIDTH];

  /* a (rows, 1) gradient coalesces into one contiguous run: PyTorch sums
   * it along memory (the inner reduction) when it fills a vector, and with
   * row_sum over the floats (the column's own order) when it does not. Only
   * one column coalesces: two or more keep the output's stride apart from
   * the input's, so they take the outer reduction below. */
  if (cols == 1 && rows >= vec)
    {
      db[0] += contiguous_sum (copy_terms, dy, rows);
      return;
    }

  /* the column sum first, then one addition into .grad, as autograd
   * accumulates: two backward calls give exactly twice one */
  for (gsize c = 0; c < cols;)
    {
      gsize end = c < direct ? direct : cols;
      gsize width = MIN (CASCADE_WIDTH, end - c);

      if (c < direct)
        cascade_columns (dy, cols, c, width, 0, 1, rows, sums);
      else
        interleaved_columns (dy, rows, cols, c, width, sums);
      add_row (db + c, sums, width);
      c += width;
    }
}

/* The scalar loops' tanh and exp (GELU brings its own, nnb-formulas.h's).
 * SLEEF's one-lane functions built with fused multiply-adds give exactly
 * the bits of the 8-lane AVX2 ones the vector kernels call (compared on every 997th float), so the scalar loops
 * (NNB_CPU_KERNELS=scalar) still reproduce PyTorch. They execute FMA
 * instructions, so a processor without FMA gets SLEEF's plain one-lane
 * functions and libm instead, which can differ in the last bit. */
#ifndef FP_FAST_FMA
/* sleef.h declares its FMA builds only to files compiled for FMA
 * (FP_FAST_FMA); libsleef has them whatever the compiler flags */
float Sleef_tanhf1_u10purecfma (float);
float Sleef_expf1_u10purecfma (float);
#endif

typedef struct
{
  float (*tanhf) (float);
  float (*expf) (float);
} ScalarMath;

static const ScalarMath *
scalar_math (void)
{
  static ScalarMath math;
  static gsize chosen = 0;

  if (g_once_init_enter (&chosen))
    {
      __builtin_cpu_init ();
      if (__builtin_cpu_supports ("fma"))
        math = (ScalarMath){ Sleef_tanhf1_u10purecfma, Sleef_expf1_u10purecfma };
      else
        math = (ScalarMath){ Sleef_tanhf_u10, Sleef_expf_u10 };
      g_once_init_leave (&chosen, 1);
    }
  return &math;
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
      if (nnb_simd_available ())
        nnb_simd_relu (x, y, n);
      else
        for (gsize i = 0; i < n; i++)
          y[i] = nnb_f_relu (x[i]);
      break;
    case NNB_ACT_LEAKY_RELU:
      if (nnb_simd_available ())
        nnb_simd_leaky_relu (x, y, n, param);
      else
        for (gsize i = 0; i < n; i++)
          y[i] = nnb_f_leaky_relu (x[i], param);
      break;
    case NNB_ACT_TANH:
      if (nnb_avx512_available ())
        nnb_avx512_tanh (x, y, n);
      else if (nnb_simd_available ())
        nnb_simd_tanh (x, y, n);
      else
        for (gsize i = 0; i < n; i++)
          y[i] = scalar_math ()->tanhf (x[i]);
      break;
    case NNB_ACT_SIGMOID:
      if (nnb_avx512_available ())
        nnb_avx512_sigmoid (x, y, n);
      else if (nnb_simd_available ())
        nnb_simd_sigmoid (x, y, n);
      else
        for (gsize i = 0; i < n; i++)
          y[i] = nnb_f_sigmoid_from (scalar_math ()->expf (-x[i]));
      /* ATen's sigmoid is no VML kernel but cpu_kernel_vec: 16 floats at a
       * time through SLEEF's exp, the last n % 16 one by one through the C
       * library's std::exp, which differs from SLEEF's in a last bit now
       * and then (a mini-batch of 4 rows is all tail) */
      for (gsize i = n / 16 * 16; i < n; i++)
        y[i] = nnb_f_sigmoid_from (expf (-x[i]));
      break;
    case NNB_ACT_GELU:
      if (n == 1)
        y[0] = nnb_f_gelu_aten_from (x[0], erff (x[0] * NNB_F_GELU_ATEN_SQRT1_2));
      else if (nnb_simd_available ())
        nnb_simd_gelu (x, y, n);
      else
        for (gsize i = 0; i < n; i++)
          y[i] = nnb_f_gelu (x[i]);
      break;
    }
}

/* One loop per activation, the choice made once outside it: a switch
 * inside the element loop cost a jump-table branch per element. */
#define BACKWARD_LOOP(expr)         \
  G_STMT_START                      \
  {                                 \
    if (accumulate)                 \
      for (gsize i = 0; i < n; i++) \
        dx[i] = dx[i] + (expr);     \
    else                            \
      for (gsize i = 0; i < n; i++) \
        dx[i] = (expr);             \
  }                                 \
  G_STMT_END

static void
cpu_act_backward (NnbActivation act, float param, const float *x, const float *y,
                  const float *dy, float *dx, gsize n, gboolean accumulate)
{
  gboolean simd = nnb_simd_available ();

  switch (act)
    {
    case NNB_ACT_IDENTITY:
      if (accumulate)
        cpu_accumulate (dx, dy, n);
      else
        cpu_copy (dx, dy, n);
      break;
    case NNB_ACT_RELU:
      /* threshold_backward on the output: 0 where y <= 0 */
      if (simd)
        nnb_simd_relu_backward (y, dy, dx, n, accumulate);
      else
        BACKWARD_LOOP (nnb_f_relu_backward (y[i], dy[i]));
      break;
    case NNB_ACT_LEAKY_RELU:
      if (simd)
        nnb_simd_leaky_relu_backward (x, dy, dx, n, param, accumulate);
      else
        BACKWARD_LOOP (nnb_f_leaky_relu_backward (x[i], dy[i], param));
      break;
    case NNB_ACT_TANH:
      if (simd)
        nnb_simd_tanh_backward (y, dy, dx, n, accumulate);
      else
        BACKWARD_LOOP (nnb_f_tanh_backward (y[i], dy[i]));
      break;
    case NNB_ACT_SIGMOID:
      if (simd)
        nnb_simd_sigmoid_backward (y, dy, dx, n, accumulate);
      else
        BACKWARD_LOOP (nnb_f_sigmoid_backward (y[i], dy[i]));
      break;
    case NNB_ACT_GELU:
    default:
      if (n == 1)
        {
          float g = nnb_f_gelu_aten_backward_from (x[0], dy[0], erff (x[0] * NNB_F_GELU_ATEN_SQRT1_2),
                                                   expf (x[0] * x[0] * -0.5f));
          dx[0] = accumulate ? dx[0] + g : g;
        }
      else if (simd)
        nnb_simd_gelu_backward (x, dy, dx, n, accumulate);
      else
        BACKWARD_LOOP (nnb_f_gelu_backward (x[i], dy[i]));
      break;
    }
}

#undef BACKWARD_LOOP

/* one rounding per product, vectorised or not: any lane width gives the
 * bits of ATen's mul kernel */
static void
cpu_mul (const float *a, const float *b, float *y, gsize n)
{
  for (gsize i = 0; i < n; i++)
    y[i] = a[i] * b[i];
}

static void
cpu_copy_2d (float *dst, gsize dst_stride, const float *src, gsize src_stride, gsize rows, gsize cols)
{
  for (gsize r = 0; r < rows; r++)
    memcpy (dst + r * dst_stride, src + r * src_stride, cols * sizeof (float));
}

static void
cpu_add (const float *a, const float *b, float *y, gsize n)
{
  if (nnb_simd_available ())
    nnb_simd_add (a, b, y, n);
  else
    for (gsize i = 0; i < n; i++)
      y[i] = a[i] + b[i];
}

/* The per-element terms of a loss: (x − t)², as mse_loss's kernel, or
 * |x − t|, as l1_loss's input.sub (target).abs_ () */
typedef struct
{
  NnbLossKind kind;
  const float *pred, *target;
} LossTerms;

static void
loss_terms (gconstpointer data, gsize start, gsize count, float *out)
{
  const LossTerms *l = data;

  for (gsize i = 0; i < count; i++)
    out[i] = nnb_f_loss_term (l->kind == NNB_LOSS_MSE, l->pred[start + i], l->target[start + i]);
}

static double
cpu_loss (NnbLossKind kind, const float *pred, const float *target, gsize n, float *grad)
{
  LossTerms terms = { kind, pred, target };
  /* mse_loss_backward: (2 / N) · (x − t); l1: sign(x − t) / N */
  float norm = nnb_f_loss_norm (kind == NNB_LOSS_MSE, n);

  /* the gradient in one vectorised pass, the sum in another: the sum keeps
   * PyTorch's order, so it stays scalar */
  if (grad != NULL && nnb_simd_available ())
    nnb_simd_loss_grad (kind == NNB_LOSS_MSE, pred, target, grad, n, norm);
  else if (grad != NULL)
    for (gsize i = 0; i < n; i++)
      grad[i] = nnb_f_loss_grad (kind == NNB_LOSS_MSE, pred[i], target[i], norm);

  /* the mean as 1.13's mean_out takes it on the CPU: the terms' float sum
   * (a contiguous run, whatever the shape), then divided by their count. A
   * float sum, so a loss that overflows float is inf here too, as PyTorch
   * prints it (the page's lr 0.1 run: inf from epoch 21, nan from epoch 25) */
  return contiguous_sum (loss_terms, &terms, n) / (float) n;
}

static void
cpu_sgd_step (float *param, const float *grad, float *momentum_buf, gsize n,
              float lr, float momentum, float dampening, float weight_decay,
              gboolean nesterov, gboolean first_step)
{
  if (nnb_simd_available ())
    nnb_simd_sgd_step (param, grad, momentum_buf, n, lr, momentum, dampening, weight_decay, nesterov, first_step);
  else
    nnb_sgd_kernel (param, grad, momentum_buf, n, lr, momentum, dampening, weight_decay, nesterov, first_step);
}

static void
cpu_adam_step (float *param, const float *grad, float *exp_avg, float *exp_avg_sq, gsize n,
               double lr, double beta1, double beta2, double eps, double weight_decay, int step)
{
  NnbAdamScalars k = nnb_f_adam_scalars (lr, beta1, beta2, eps, weight_decay, step);

  if (nnb_simd_available ())
    nnb_simd_adam_step (param, grad, exp_avg, exp_avg_sq, n, &k);
  else
    nnb_adam_kernel (param, grad, exp_avg, exp_avg_sq, n, &k);
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
  .layer_norm_forward = nnb_cpu_layer_norm_forward,
  .layer_norm_backward = nnb_cpu_layer_norm_backward,
  .batch_norm_forward = nnb_cpu_batch_norm_forward,
  .batch_norm_backward = nnb_cpu_batch_norm_backward,
  .softmax_forward = nnb_cpu_softmax_forward,
  .softmax_backward = nnb_cpu_softmax_backward,
  .add = cpu_add,
  .accumulate = cpu_accumulate,
  .mul = cpu_mul,
  .copy_2d = cpu_copy_2d,
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
  nnb_blas_set_threads (n_threads);
}

int
nnb_backend_cpu_get_threads (void)
{
  return nnb_blas_get_threads ();
}
