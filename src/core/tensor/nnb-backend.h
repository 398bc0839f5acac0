/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-backend.h — one table of operations per device kind.
 *
 * Every numeric operation of the engine goes through the table of the device
 * its tensors live on (ggml's backend split): the CPU table uses OpenBLAS for
 * matrix products, the CUDA table (src/gpu) cuBLAS and its own kernels.
 * Pointers passed to a table's operations are that device's memory.
 * Matrices are row-major. Operations that cannot fail return void; a device
 * that can fail asynchronously reports its first error from sync(). */
#pragma once

#include <glib.h>
#include "nnb-device.h"

G_BEGIN_DECLS

typedef enum
{
  NNB_ACT_IDENTITY,
  NNB_ACT_RELU,
  NNB_ACT_TANH,
  NNB_ACT_SIGMOID,
  NNB_ACT_LEAKY_RELU, /* param: negative_slope */
  NNB_ACT_GELU,       /* exact (erf) form, PyTorch's approximate='none' */
} NnbActivation;

typedef enum
{
  NNB_LOSS_MSE,
  NNB_LOSS_L1,
  /* the classification losses (nnb-loss-classes.c): computed on the host,
   * whatever the device, as the backend's loss entry takes only the two
   * above */
  NNB_LOSS_CROSS_ENTROPY,
  NNB_LOSS_NLL,
  NNB_LOSS_BCE_WITH_LOGITS,
  NNB_LOSS_BCE,
} NnbLossKind;

typedef struct
{
  const char *name; /* "cpu", "cuda" */

  /* memory */
  void *(*alloc) (gsize bytes, GError **error);
  void (*free) (void *ptr);
  void (*upload) (float *dst, const float *host_src, gsize n);
  void (*download) (float *host_dst, const float *src, gsize n);
  void (*copy) (float *dst, const float *src, gsize n);
  void (*fill) (float *dst, gsize n, float value);

  /* C[m×n] = alpha · op(A) · op(B) + beta · C, row-major, op = transpose when trans_* */
  void (*gemm) (gboolean trans_a, gboolean trans_b, int m, int n, int k,
                float alpha, const float *a, int lda, const float *b, int ldb,
                float beta, float *c, int ldc);
  /* y[r, c] = bias[c] for every row: Linear fills its output with the bias
   * and lets gemm add x·Wᵀ with beta = 1, as PyTorch's addmm does */
  void (*bias_fill) (float *y, const float *bias, gsize rows, gsize cols);
  /* db[c] += Σ_r dy[r, c] */
  void (*bias_grad) (float *db, const float *dy, gsize rows, gsize cols);

  void (*act_forward) (NnbActivation act, float param, const float *x, float *y, gsize n);
  /* dx = f'(x) · dy, or dx += … when accumulate; x is the input, y the output */
  void (*act_backward) (NnbActivation act, float param, const float *x, const float *y,
                        const float *dy, float *dx, gsize n, gboolean accumulate);

  /* nn.LayerNorm over rows × cols (each row normalised over its cols):
   * y = (x − mean) · rstd · weight + bias with rstd = 1/√(var + eps), var
   * the biased variance; weight and bias are NULL without
   * elementwise_affine. Writes mean and rstd (rows each) for backward. */
  void (*layer_norm_forward) (const float *x, const float *weight, const float *bias, gsize rows, gsize cols,
                              float eps, float *y, float *mean, float *rstd);
  /* Its gradients from forward's mean and rstd: dx (overwritten), and the
   * sums over rows dweight = Σ dy · x̂, dbias = Σ dy (overwritten); dweight
   * and dbias are NULL without elementwise_affine (weight NULL too). */
  void (*layer_norm_backward) (const float *dy, const float *x, const float *mean, const float *rstd,
                               const float *weight, gsize rows, gsize cols, float *dx, float *dweight,
                               float *dbias);

  /* nn.BatchNorm1d over rows × cols, each column a feature normalised over
   * the rows: y = x · α + β with α = invstd · weight, β = bias − mean · α
   * (weight and bias NULL without affine: 1 and 0). With batch_stats, mean
   * and invstd = 1/√(Σ (x − mean)² / rows + eps) are the batch's, written
   * into save_mean and save_invstd; running_mean and running_var, when
   * not NULL, then move by momentum towards the batch's mean and unbiased
   * variance (rows ≥ 2). Without batch_stats, the running estimates
   * normalise, and save_mean and save_invstd receive the mean and the
   * invstd backward uses (PyTorch rounds the latter in double). */
  void (*batch_norm_forward) (const float *x, gsize rows, gsize cols, const float *weight, const float *bias,
                              gboolean batch_stats, double eps, float momentum, float *running_mean,
                              float *running_var, float *y, float *save_mean, float *save_invstd);
  /* Its gradients from forward's save_mean and save_invstd: dx
   * (overwritten; NULL when not wanted), dweight = Σ (x − mean) · dy ·
   * invstd and dbias = Σ dy (overwritten, always written: they hold the
   * sums dx needs). batch_stats as in the forward: the batch's statistics
   * depend on x, the running ones do not. */
  void (*batch_norm_backward) (const float *dy, const float *x, gsize rows, gsize cols, const float *weight,
                               const float *save_mean, const float *save_invstd, gboolean batch_stats, float *dx,
                               float *dweight, float *dbias);

  /* nn.Softmax (log_softmax FALSE) or nn.LogSoftmax (TRUE) over each row of
   * rows × cols (dim=1 of a (B, F) tensor): y = exp(x − max) / Σ exp(x − max)
   * or y = (x − max) − log Σ exp(x − max), the rows of nnb-formulas.h. */
  void (*softmax_forward) (gboolean log_softmax, const float *x, float *y, gsize rows, gsize cols);
  /* Their backward from the output y: dx = (dy − Σ dy·y) · y for Softmax,
   * dx = dy − exp(y) · Σ dy for LogSoftmax, the sums over each row; dx +=
   * … when accumulate */
  void (*softmax_backward) (gboolean log_softmax, const float *y, const float *dy, float *dx, gsize rows, gsize cols,
                            gboolean accumulate);

  /* y = a + b */
  void (*add) (const float *a, const float *b, float *y, gsize n);
  /* y += x */
  void (*accumulate) (float *y, const float *x, gsize n);
  /* y = a · b, element by element (Dropout's mask, the × block) */
  void (*mul) (const float *a, const float *b, float *y, gsize n);
  /* rows × cols floats from src (rows src_stride apart) into dst (rows
   * dst_stride apart): torch.cat along dim 1 and its backward */
  void (*copy_2d) (float *dst, gsize dst_stride, const float *src, gsize src_stride, gsize rows, gsize cols);

  /* Mean loss over n elements of same-shaped pred and target; writes dL/dpred
   * (times grad_scale) into grad when grad is not NULL. */
  double (*loss) (NnbLossKind kind, const float *pred, const float *target, gsize n, float *grad);

  /* torch.optim.SGD for one parameter; momentum_buf may be NULL when momentum is 0.
   * first_step tells that the momentum buffer has to be initialised from the gradient. */
  void (*sgd_step) (float *param, const float *grad, float *momentum_buf, gsize n,
                    float lr, float momentum, float dampening, float weight_decay,
                    gboolean nesterov, gboolean first_step);
  /* torch.optim.Adam for one parameter (PyTorch 1.13 single-tensor formulas) */
  void (*adam_step) (float *param, const float *grad, float *exp_avg, float *exp_avg_sq, gsize n,
                     double lr, double beta1, double beta2, double eps, double weight_decay, int step);

  /* Σ x² in double, for norms shown in the UI */
  double (*sum_squares) (const float *x, gsize n);
  /* TRUE when every value is finite */
  gboolean (*all_finite) (const float *x, gsize n);

  /* waits for queued work; reports the first asynchronous error */
  gboolean (*sync) (GError **error);
} NnbBackend;

/* The table for a device kind; NULL (with error) when that kind is unavailable. */
const NnbBackend *nnb_backend_get (NnbDevice device, GError **error);

/* Called by src/gpu at start-up to install the CUDA table. */
void nnb_backend_register (NnbDeviceType type, const NnbBackend *backend);

const NnbBackend *nnb_backend_cpu (void);

/* PyTorch 1.13's float sum of n contiguous floats on the CPU, in its
 * order (SumKernel.cpp: 8-float vectors, four interleaved cascades): what
 * x.sum() and the mean of a loss give. */
float nnb_cpu_contiguous_sum (const float *x, gsize n);

/* Number of OpenBLAS threads used by the CPU backend. */
void nnb_backend_cpu_set_threads (int n_threads);
int nnb_backend_cpu_get_threads (void);

/* A device's description for device lists: "CPU (OpenBLAS, 2 threads)",
 * "NVIDIA H200 (139 GiB)"; available is FALSE with the reason in the text
 * ("CUDA: no NVIDIA driver found") when it cannot be used. */
typedef struct
{
  NnbDevice device;
  char *label;
  gboolean available;
  char *reason;
  char *note; /* for a usable device, what a student should know (or NULL):
               * another BLAS kernel than the lessons' (nnb-blas.h) */
} NnbDeviceInfo;

/* All devices this build knows, CPU first. Free with g_ptr_array_unref. */
GPtrArray *nnb_device_list (void);

G_END_DECLS

G_BEGIN_DECLS
/* Set by src/gpu at start-up: appends the CUDA devices (or why there are none). */
extern void (*nnb_backend_cuda_list_devices) (GPtrArray *infos);
G_END_DECLS
