/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-gpu-elementwise.cu — the CUDA backend's element-wise kernels: fill,
 * the bias broadcast, every activation forward and backward, add,
 * accumulate and mul (Dropout's mask, drawn on the host and uploaded).
 *
 * Each formula is the CPU backend's (nnb-backend-cpu.c), written the same
 * way and built with --fmad=false, so that no multiply-add is fused where
 * the CPU rounds twice: most results agree to the bit, and tanh, sigmoid
 * and GELU (different libm) within a few float ulps. */
#include "nnb-gpu-private.h"
#include "nnb-gpu-launch.h"
#include "nnb-formulas.h"

__global__ static void
fill_kernel (float *dst, size_t n, float value)
{
  NNB_CUDA_GRID_STRIDE (i, n)
    dst[i] = value;
}

void
nnb_cuda_fill (float *dst, size_t n, float value)
{
  if (n == 0)
    return;
  fill_kernel<<<nnb_cuda_blocks (n), NNB_CUDA_THREADS>>> (dst, n, value);
  nnb_gpu_check (cudaGetLastError (), "filling a tensor");
}

__global__ static void
bias_fill_kernel (float *y, const float *bias, size_t rows, size_t cols)
{
  NNB_CUDA_GRID_STRIDE (i, rows * cols)
    y[i] = bias[i % cols];
}

void
nnb_cuda_bias_fill (float *y, const float *bias, size_t rows, size_t cols)
{
  if (rows == 0 || cols == 0)
    return;
  bias_fill_kernel<<<nnb_cuda_blocks (rows * cols), NNB_CUDA_THREADS>>> (y, bias, rows, cols);
  nnb_gpu_check (cudaGetLastError (), "adding a Linear layer's bias");
}

/* One struct per activation: forward f(x), and backward f'(·)·dy given the
 * input x and the output y. The arithmetic is nnb-formulas.h's, the CPU's
 * too, which tests/gpu/test-gpu-formulas.c checks on any machine. */
struct Relu
{
  __device__ static float forward (float x, float) { return nnb_f_relu (x); }
  __device__ static float backward (float, float y, float dy, float) { return nnb_f_relu_backward (y, dy); }
};

struct LeakyRelu
{
  __device__ static float forward (float x, float slope) { return nnb_f_leaky_relu (x, slope); }
  __device__ static float backward (float x, float, float dy, float slope)
  {
    return nnb_f_leaky_relu_backward (x, dy, slope);
  }
};

struct Tanh
{
  __device__ static float forward (float x, float) { return tanhf (x); }
  __device__ static float backward (float, float y, float dy, float) { return nnb_f_tanh_backward (y, dy); }
};

struct Sigmoid
{
  __device__ static float forward (float x, float) { return nnb_f_sigmoid (x); }
  __device__ static float backward (float, float y, float dy, float) { return nnb_f_sigmoid_backward (y, dy); }
};

struct Gelu
{
  __device__ static float forward (float x, float) { return nnb_f_gelu (x); }
  __device__ static float backward (float x, float, float dy, float) { return nnb_f_gelu_backward (x, dy); }
};

struct Identity
{
  __device__ static float forward (float x, float) { return x; }
  __device__ static float backward (float, float, float dy, float) { return dy; }
};

template <typename Act>
__global__ static void
act_forward_kernel (float param, const float *x, float *y, size_t n)
{
  NNB_CUDA_GRID_STRIDE (i, n)
    y[i] = Act::forward (x[i], param);
}

template <typename Act>
__global__ static void
act_backward_kernel (float param, const float *x, const float *y, const float *dy, float *dx,
                     size_t n, int accumulate)
{
  NNB_CUDA_GRID_STRIDE (i, n)
    {
      float g = Act::backward (x[i], y[i], dy[i], param);
      dx[i] = accumulate ? dx[i] + g : g;
    }
}

template <typename Act>
static void
launch_forward (float param, const float *x, float *y, size_t n)
{
  act_forward_kernel<Act><<<nnb_cuda_blocks (n), NNB_CUDA_THREADS>>> (param, x, y, n);
}

template <typename Act>
static void
launch_backward (float param, const float *x, const float *y, const float *dy, float *dx,
                 size_t n, int accumulate)
{
  act_backward_kernel<Act><<<nnb_cuda_blocks (n), NNB_CUDA_THREADS>>> (param, x, y, dy, dx, n, accumulate);
}

void
nnb_cuda_act_forward (int act, float param, const float *x, float *y, size_t n)
{
  if (n == 0)
    return;
  switch (act)
    {
    case NNB_CUDA_ACT_IDENTITY:
      /* the CPU copies too (and skips a copy onto itself) */
      if (x != y)
        nnb_gpu_check (cudaMemcpyAsync (y, x, n * sizeof (float), cudaMemcpyDeviceToDevice, 0),
                       "running Identity");
      return;
    case NNB_CUDA_ACT_RELU:
      launch_forward<Relu> (param, x, y, n);
      break;
    case NNB_CUDA_ACT_LEAKY_RELU:
      launch_forward<LeakyRelu> (param, x, y, n);
      break;
    case NNB_CUDA_ACT_TANH:
      launch_forward<Tanh> (param, x, y, n);
      break;
    case NNB_CUDA_ACT_SIGMOID:
      launch_forward<Sigmoid> (param, x, y, n);
      break;
    case NNB_CUDA_ACT_GELU:
    default:
      launch_forward<Gelu> (param, x, y, n);
      break;
    }
  nnb_gpu_check (cudaGetLastError (), "running an activation");
}

void
nnb_cuda_act_backward (int act, float param, const float *x, const float *y,
                       const float *dy, float *dx, size_t n, int accumulate)
{
  if (n == 0)
    return;
  switch (act)
    {
    case NNB_CUDA_ACT_IDENTITY:
      launch_backward<Identity> (param, x, y, dy, dx, n, accumulate);
      break;
    case NNB_CUDA_ACT_RELU:
      launch_backward<Relu> (param, x, y, dy, dx, n, accumulate);
      break;
    case NNB_CUDA_ACT_LEAKY_RELU:
      launch_backward<LeakyRelu> (param, x, y, dy, dx, n, accumulate);
      break;
    case NNB_CUDA_ACT_TANH:
      launch_backward<Tanh> (param, x, y, dy, dx, n, accumulate);
      break;
    case NNB_CUDA_ACT_SIGMOID:
      launch_backward<Sigmoid> (param, x, y, dy, dx, n, accumulate);
      break;
    case NNB_CUDA_ACT_GELU:
    default:
      launch_backward<Gelu> (param, x, y, dy, dx, n, accumulate);
      break;
    }
  nnb_gpu_check (cudaGetLastError (), "back-propagating through an activation");
}

__global__ static void
add_kernel (const float *a, const float *b, float *y, size_t n)
{
  NNB_CUDA_GRID_STRIDE (i, n)
    y[i] = a[i] + b[i];
}

void
nnb_cuda_add (const float *a, const float *b, float *y, size_t n)
{
  if (n == 0)
    return;
  add_kernel<<<nnb_cuda_blocks (n), NNB_CUDA_THREADS>>> (a, b, y, n);
  nnb_gpu_check (cudaGetLastError (), "adding two tensors");
}

__global__ static void
mul_kernel (const float *a, const float *b, float *y, size_t n)
{
  NNB_CUDA_GRID_STRIDE (i, n)
    y[i] = a[i] * b[i];
}

void
nnb_cuda_mul (const float *a, const float *b, float *y, size_t n)
{
  if (n == 0)
    return;
  mul_kernel<<<nnb_cuda_blocks (n), NNB_CUDA_THREADS>>> (a, b, y, n);
  nnb_gpu_check (cudaGetLastError (), "multiplying by a Dropout mask");
}

__global__ static void
accumulate_kernel (float *y, const float *x, size_t n)
{
  NNB_CUDA_GRID_STRIDE (i, n)
    y[i] += x[i];
}

void
nnb_cuda_accumulate (float *y, const float *x, size_t n)
{
  if (n == 0)
    return;
  accumulate_kernel<<<nnb_cuda_blocks (n), NNB_CUDA_THREADS>>> (y, x, n);
  nnb_gpu_check (cudaGetLastError (), "adding up gradients");
}
