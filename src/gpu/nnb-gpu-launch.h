/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-gpu-launch.h — launch geometry shared by the .cu files. */
#pragma once

#include <stddef.h>

#define NNB_CUDA_THREADS 256

/* Enough blocks to cover n with one element per thread, capped: the
 * kernels loop with a grid stride, so a few thousand blocks fill any GPU
 * and a huge tensor does not need a huge grid. */
static inline unsigned int
nnb_cuda_blocks (size_t n)
{
  size_t blocks = (n + NNB_CUDA_THREADS - 1) / NNB_CUDA_THREADS;
  return (unsigned int) (blocks < 8192 ? blocks : 8192);
}

#define NNB_CUDA_GRID_STRIDE(i, n) \
  for (size_t i = (size_t) blockIdx.x * blockDim.x + threadIdx.x; i < (n); i += (size_t) gridDim.x * blockDim.x)

#ifdef __CUDACC__
/* Tree sum of one value per thread of a NNB_CUDA_THREADS block, in a fixed
 * order; valid in every thread on return. The first barrier lets a kernel
 * call it again with the same shared array: no thread still reads the
 * previous sum when the next one is written. */
__device__ static inline double
nnb_cuda_block_sum (double value, double *shared)
{
  unsigned int t = threadIdx.x;

  __syncthreads ();
  shared[t] = value;
  __syncthreads ();
  for (unsigned int s = NNB_CUDA_THREADS / 2; s > 0; s >>= 1)
    {
      if (t < s)
        shared[t] += shared[t + s];
      __syncthreads ();
    }
  return shared[0];
}
#endif
