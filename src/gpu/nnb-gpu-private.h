/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-gpu-private.h — what the backend's files share: the kernels' launch
 * functions (in the .cu files) and the sticky error (nnb-gpu-error.c).
 *
 * Plain C and free of GLib, because nvcc compiles the .cu files without the
 * project's pkg-config flags; sizes are size_t (gsize is the same type on
 * every platform GLib supports with CUDA). */
#pragma once

#include <stddef.h>
#include <cuda_runtime_api.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Mirrors NnbActivation and NnbLossKind; nnb-gpu.c asserts they agree. */
enum
{
  NNB_CUDA_ACT_IDENTITY,
  NNB_CUDA_ACT_RELU,
  NNB_CUDA_ACT_TANH,
  NNB_CUDA_ACT_SIGMOID,
  NNB_CUDA_ACT_LEAKY_RELU,
  NNB_CUDA_ACT_GELU,
};

enum
{
  NNB_CUDA_LOSS_MSE,
  NNB_CUDA_LOSS_L1,
};

/* The sticky error: the first failure since the last sync(), reported there.
 * Returns TRUE when status is cudaSuccess. */
int nnb_gpu_check (cudaError_t status, const char *what);
void nnb_gpu_record_error (const char *message);
/* Hands over the recorded message (NULL when none) and clears it. */
char *nnb_gpu_take_error (void);

/* nnb-gpu-elementwise.cu */
void nnb_cuda_fill (float *dst, size_t n, float value);
void nnb_cuda_bias_fill (float *y, const float *bias, size_t rows, size_t cols);
void nnb_cuda_act_forward (int act, float param, const float *x, float *y, size_t n);
void nnb_cuda_act_backward (int act, float param, const float *x, const float *y,
                            const float *dy, float *dx, size_t n, int accumulate);
void nnb_cuda_add (const float *a, const float *b, float *y, size_t n);
void nnb_cuda_accumulate (float *y, const float *x, size_t n);
void nnb_cuda_mul (const float *a, const float *b, float *y, size_t n);
/* y[c, r] += x[r, c] for x of rows × cols */

/* nnb-gpu-reduce.cu */
void nnb_cuda_bias_grad (float *db, const float *dy, size_t rows, size_t cols);
double nnb_cuda_loss (int kind, const float *pred, const float *target, size_t n, float *grad);
double nnb_cuda_sum_squares (const float *x, size_t n);
int nnb_cuda_all_finite (const float *x, size_t n);

/* nnb-gpu-batch-norm.cu: the table's batch_norm_forward and _backward */
void nnb_cuda_batch_norm_forward (const float *x, size_t rows, size_t cols, const float *weight, const float *bias,
                                  int batch_stats, double eps, float momentum, float *running_mean,
                                  float *running_var, float *y, float *save_mean, float *save_invstd);
void nnb_cuda_batch_norm_backward (const float *dy, const float *x, size_t rows, size_t cols, const float *weight,
                                   const float *save_mean, const float *save_invstd, int batch_stats, float *dx,
                                   float *dweight, float *dbias);

/* nnb-gpu-layer-norm.cu: the table's layer_norm_forward and _backward */
void nnb_cuda_layer_norm_forward (const float *x, const float *weight, const float *bias, size_t rows, size_t cols,
                                  float eps, float *y, float *mean, float *rstd);
void nnb_cuda_layer_norm_backward (const float *dy, const float *x, const float *mean, const float *rstd,
                                   const float *weight, size_t rows, size_t cols, float *dx, float *dweight,
                                   float *dbias);

/* nnb-gpu-softmax.cu: the table's softmax_forward and _backward */
void nnb_cuda_softmax_forward (int log_softmax, const float *x, float *y, size_t rows, size_t cols);
void nnb_cuda_softmax_backward (int log_softmax, const float *y, const float *dy, float *dx, size_t rows, size_t cols,
                                int accumulate);

/* nnb-gpu-optim.cu */
void nnb_cuda_sgd_step (float *param, const float *grad, float *momentum_buf, size_t n,
                        float lr, float momentum, float dampening, float weight_decay,
                        int nesterov, int first_step);
void nnb_cuda_adam_step (float *param, const float *grad, float *exp_avg, float *exp_avg_sq, size_t n,
                         double lr, double beta1, double beta2, double eps, double weight_decay, int step);

#ifdef __cplusplus
}
#endif
