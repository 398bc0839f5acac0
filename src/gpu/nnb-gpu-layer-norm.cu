/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-gpu-layer-norm.cu — nn.LayerNorm's forward and backward on the GPU.
 *
 * One block per row (a grid stride over rows) takes the row's sums in
 * double, in a fixed tree order; the weight and bias gradients are column
 * sums, one thread per column walking the rows in order. Deterministic, no
 * atomics; the CPU reproduces PyTorch's float Welford moments instead, so
 * the two devices agree to float rounding, not to the bit. */
#include "nnb-gpu-private.h"
#include "nnb-gpu-launch.h"

__global__ static void
layer_norm_forward_kernel (const float *x, const float *weight, const float *bias, size_t rows, size_t cols,
                           float eps, float *y, float *mean, float *rstd)
{
  __shared__ double shared[NNB_CUDA_THREADS];

  for (size_t r = blockIdx.x; r < rows; r += gridDim.x)
    {
      const float *xr = x + r * cols;
      double sum = 0.0, sq = 0.0;
      float mu, inv;

      for (size_t j = threadIdx.x; j < cols; j += blockDim.x)
        sum += xr[j];
      mu = (float) (nnb_cuda_block_sum (sum, shared) / (double) cols);
      for (size_t j = threadIdx.x; j < cols; j += blockDim.x)
        {
          double d = (double) xr[j] - (double) mu;
          sq += d * d;
        }
      inv = 1.0f / sqrtf ((float) (nnb_cuda_block_sum (sq, shared) / (double) cols) + eps);
      for (size_t j = threadIdx.x; j < cols; j += blockDim.x)
        {
          /* the CPU's (and PyTorch's) fused form */
          float h = fmaf (xr[j], inv, -inv * mu);
          y[r * cols + j] = fmaf (h, weight ? weight[j] : 1.0f, bias ? bias[j] : 0.0f);
        }
      if (threadIdx.x == 0)
        {
          mean[r] = mu;
          rstd[r] = inv;
        }
    }
}

__global__ static void
layer_norm_dx_kernel (const float *dy, const float *x, const float *mean, const float *rstd, const float *weight,
                      size_t rows, size_t cols, float *dx)
{
  __shared__ double shared[NNB_CUDA_THREADS];

  for (size_t r = blockIdx.x; r < rows; r += gridDim.x)
    {
      const float *dyr = dy + r * cols, *xr = x + r * cols;
      double ds = 0.0, db = 0.0;
      float a = rstd[r], mu = mean[r], b, c, scale = 1.0f / (float) cols;

      for (size_t j = threadIdx.x; j < cols; j += blockDim.x)
        {
          double g = (double) dyr[j] * (weight ? weight[j] : 1.0f);
          ds += g * xr[j];
          db += g;
        }
      ds = nnb_cuda_block_sum (ds, shared);
      db = nnb_cuda_block_sum (db, shared);
      /* dx = rstd · dy · w + b · x + c, as the CPU computes it */
      b = fmaf ((float) db, mu, -(float) ds) * a * a * a * scale;
      c = fmaf (-b, mu, -((float) db * a * scale));
      for (size_t j = threadIdx.x; j < cols; j += blockDim.x)
        dx[r * cols + j] = fmaf (b, xr[j], a * dyr[j] * (weight ? weight[j] : 1.0f)) + c;
    }
}

__global__ static void
layer_norm_params_kernel (const float *dy, const float *x, const float *mean, const float *rstd, size_t rows,
                          size_t cols, float *dweight, float *dbias)
{
  NNB_CUDA_GRID_STRIDE (j, cols)
  {
    float gw = 0.0f, gb = 0.0f;

    /* rows in order, as the CPU's single pass */
    for (size_t r = 0; r < rows; r++)
      {
        float d = dy[r * cols + j];
        gw = fmaf (d, fmaf (rstd[r], x[r * cols + j], -rstd[r] * mean[r]), gw);
        gb += d;
      }
    dweight[j] = gw;
    dbias[j] = gb;
  }
}

static unsigned int
row_blocks (size_t rows)
{
  return (unsigned int) (rows < 8192 ? rows : 8192);
}

void
nnb_cuda_layer_norm_forward (const float *x, const float *weight, const float *bias, size_t rows, size_t cols,
                             float eps, float *y, float *mean, float *rstd)
{
  if (rows == 0 || cols == 0)
    return;
  layer_norm_forward_kernel<<<row_blocks (rows), NNB_CUDA_THREADS>>> (x, weight, bias, rows, cols, eps, y, mean, rstd);
  nnb_gpu_check (cudaGetLastError (), "running a LayerNorm layer");
}

void
nnb_cuda_layer_norm_backward (const float *dy, const float *x, const float *mean, const float *rstd,
                              const float *weight, size_t rows, size_t cols, float *dx, float *dweight,
                              float *dbias)
{
  if (rows == 0 || cols == 0)
    return;
  if (dx != NULL)
    {
      layer_norm_dx_kernel<<<row_blocks (rows), NNB_CUDA_THREADS>>> (dy, x, mean, rstd, weight, rows, cols, dx);
      nnb_gpu_check (cudaGetLastError (), "computing a LayerNorm layer's input gradient");
    }
  if (dweight != NULL)
    {
      layer_norm_params_kernel<<<nnb_cuda_blocks (cols), NNB_CUDA_THREADS>>> (dy, x, mean, rstd, rows, cols, dweight,
                                                                              dbias);
      nnb_gpu_check (cudaGetLastError (), "computing a LayerNorm layer's weight and bias gradients");
    }
}
