/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-gpu-softmax.cu — nn.Softmax and nn.LogSoftmax, forward and backward,
 * on the GPU.
 *
 * One thread per row (a grid stride over rows) runs the row of
 * nnb-formulas.h that the CPU runs, in PyTorch's order of sums, with
 * CUDA's expf and logf where the CPU has SLEEF's: the two devices differ
 * only by the maths library, a few ulps. A (B, F) classifier's rows are
 * short (F classes), so a row per thread keeps every sum in the CPU's
 * order without a tree. */
#include "nnb-gpu-private.h"
#include "nnb-gpu-launch.h"
#include "nnb-formulas.h"

__device__ static float
device_expf (float x)
{
  return expf (x);
}

__device__ static float
device_logf (float x)
{
  return logf (x);
}

__global__ static void
softmax_forward_kernel (int log_softmax, const float *x, float *y, size_t rows, size_t cols)
{
  NNB_CUDA_GRID_STRIDE (r, rows)
  {
    if (log_softmax)
      nnb_f_log_softmax_row (device_expf, device_logf, x + r * cols, y + r * cols, cols);
    else
      nnb_f_softmax_row (device_expf, x + r * cols, y + r * cols, cols);
  }
}

__global__ static void
softmax_backward_kernel (int log_softmax, const float *y, const float *dy, float *dx, size_t rows, size_t cols,
                         int accumulate)
{
  NNB_CUDA_GRID_STRIDE (r, rows)
  {
    if (log_softmax)
      nnb_f_log_softmax_backward_row (device_expf, y + r * cols, dy + r * cols, dx + r * cols, cols, accumulate);
    else
      nnb_f_softmax_backward_row (y + r * cols, dy + r * cols, dx + r * cols, cols, accumulate);
  }
}

void
nnb_cuda_softmax_forward (int log_softmax, const float *x, float *y, size_t rows, size_t cols)
{
  if (rows == 0 || cols == 0)
    return;
  softmax_forward_kernel<<<nnb_cuda_blocks (rows), NNB_CUDA_THREADS>>> (log_softmax, x, y, rows, cols);
  nnb_gpu_check (cudaGetLastError (), log_softmax ? "running a LogSoftmax layer" : "running a Softmax layer");
}

void
nnb_cuda_softmax_backward (int log_softmax, const float *y, const float *dy, float *dx, size_t rows, size_t cols,
                           int accumulate)
{
  if (rows == 0 || cols == 0)
    return;
  softmax_backward_kernel<<<nnb_cuda_blocks (rows), NNB_CUDA_THREADS>>> (log_softmax, y, dy, dx, rows, cols, accumulate);
  nnb_gpu_check (cudaGetLastError (),
                 log_softmax ? "computing a LogSoftmax layer's input gradient" : "computing a Softmax layer's input gradient");
}
