/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-gpu-batch-norm.cu — nn.BatchNorm1d's forward and backward on the GPU.
 *
 * One thread per feature walks the rows in order through the CPU's own
 * formulas (nnb-formulas.h: its float sums and fmaf calls), so both devices
 * give PyTorch's bits; sqrt and division round correctly under nvcc's
 * defaults (no --use_fast_math), and --fmad=false fuses nothing else. A column per thread is slow for a huge batch of few
 * features; BatchNorm layers here are a few hundred features wide at most
 * and the rows a mini-batch, so exactness wins (docs/gpu-review.md). */
#include "nnb-gpu-private.h"
#include "nnb-gpu-launch.h"
#include "nnb-formulas.h"

__global__ static void
batch_norm_forward_kernel (const float *x, size_t rows, size_t cols, const float *weight, const float *bias,
                           int batch_stats, double eps, float momentum, float *running_mean, float *running_var,
                           float *y, float *save_mean, float *save_invstd)
{
  NNB_CUDA_GRID_STRIDE (c, cols)
  nnb_f_batch_norm_column (x, rows, cols, c, weight, bias, batch_stats, eps, momentum, running_mean, running_var, y,
                           save_mean, save_invstd);
}

__global__ static void
batch_norm_backward_kernel (const float *dy, const float *x, size_t rows, size_t cols, const float *weight,
                            const float *save_mean, const float *save_invstd, int batch_stats, float *dx,
                            float *dweight, float *dbias)
{
  NNB_CUDA_GRID_STRIDE (c, cols)
  nnb_f_batch_norm_column_backward (dy, x, rows, cols, c, weight, save_mean, save_invstd, batch_stats, dx, dweight,
                                    dbias);
}

void
nnb_cuda_batch_norm_forward (const float *x, size_t rows, size_t cols, const float *weight, const float *bias,
                             int batch_stats, double eps, float momentum, float *running_mean, float *running_var,
                             float *y, float *save_mean, float *save_invstd)
{
  if (rows == 0 || cols == 0)
    return;
  batch_norm_forward_kernel<<<nnb_cuda_blocks (cols), NNB_CUDA_THREADS>>> (
    x, rows, cols, weight, bias, batch_stats, eps, momentum, running_mean, running_var, y, save_mean, save_invstd);
  nnb_gpu_check (cudaGetLastError (), "running a BatchNorm1d layer");
}

void
nnb_cuda_batch_norm_backward (const float *dy, const float *x, size_t rows, size_t cols, const float *weight,
                              const float *save_mean, const float *save_invstd, int batch_stats, float *dx,
                              float *dweight, float *dbias)
{
  if (rows == 0 || cols == 0)
    return;
  batch_norm_backward_kernel<<<nnb_cuda_blocks (cols), NNB_CUDA_THREADS>>> (
    dy, x, rows, cols, weight, save_mean, save_invstd, batch_stats, dx, dweight, dbias);
  nnb_gpu_check (cudaGetLastError (), "computing a BatchNorm1d layer's gradients");
}
