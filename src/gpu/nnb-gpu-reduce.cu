/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-gpu-reduce.cu — the CUDA backend's reductions: the bias gradient
 * (column sums), the losses with their gradient, Σ x² and the finiteness
 * test.
 *
 * Sums are taken in double, in a fixed order (per-thread strides, then a
 * tree in shared memory, then one block over the blocks' partial sums): the
 * same data always gives the same bits, run after run, with no atomics. The
 * CPU sums in a different order, so the two agree to float rounding, not to
 * the bit. */
#include <pthread.h>
#include "nnb-gpu-private.h"
#include "nnb-gpu-launch.h"
#include "nnb-formulas.h"

/* partial sums of at most this many blocks; one block then adds them up */
#define REDUCE_BLOCKS 256

typedef struct
{
  double partial[REDUCE_BLOCKS];
  double total;
  int non_finite;
} Scratch;

/* Allocated once on first use and kept: a training step allocates nothing.
 * The lock keeps two threads (trainer and UI) from sharing it at once. */
static pthread_mutex_t scratch_lock = PTHREAD_MUTEX_INITIALIZER;
static Scratch *scratch;

static Scratch *
lock_scratch (void)
{
  pthread_mutex_lock (&scratch_lock);
  if (scratch == NULL &&
      !nnb_gpu_check (cudaMalloc ((void **) &scratch, sizeof (Scratch)), "allocating the GPU's reduction buffer"))
    {
      scratch = NULL;
      pthread_mutex_unlock (&scratch_lock);
      return NULL;
    }
  return scratch;
}

static void
unlock_scratch (void)
{
  pthread_mutex_unlock (&scratch_lock);
}

/* second pass: one block adds the first pass's partial sums */
__global__ static void
sum_partials_kernel (Scratch *s, unsigned int n_partials)
{
  __shared__ double shared[NNB_CUDA_THREADS];
  double value = 0.0;

  for (unsigned int i = threadIdx.x; i < n_partials; i += NNB_CUDA_THREADS)
    value += s->partial[i];
  value = nnb_cuda_block_sum (value, shared);
  if (threadIdx.x == 0)
    s->total = value;
}

static unsigned int
reduce_blocks (size_t n)
{
  unsigned int blocks = nnb_cuda_blocks (n);
  return blocks < REDUCE_BLOCKS ? blocks : REDUCE_BLOCKS;
}

/* Runs the second pass and brings the total to the host; NaN on failure. */
static double
finish_sum (Scratch *s, unsigned int blocks, const char *what)
{
  double total = NAN;

  sum_partials_kernel<<<1, NNB_CUDA_THREADS>>> (s, blocks);
  if (!nnb_gpu_check (cudaGetLastError (), what) ||
      !nnb_gpu_check (cudaMemcpy (&total, &s->total, sizeof total, cudaMemcpyDeviceToHost), what))
    return NAN;
  return total;
}

/* db[c] += Σ_r dy[r, c]. A block covers `width` adjacent columns (reads of
 * a row are coalesced) with 256 / width threads down the rows of each; with
 * few columns (a Linear with one output) most threads work down the rows. */
__global__ static void
bias_grad_kernel (float *db, const float *dy, size_t rows, size_t cols, unsigned int width)
{
  __shared__ double shared[NNB_CUDA_THREADS];
  unsigned int tx = threadIdx.x % width, ty = threadIdx.x / width;
  unsigned int height = NNB_CUDA_THREADS / width;
  size_t c = (size_t) blockIdx.x * width + tx;
  double sum = 0.0;

  if (c < cols)
    for (size_t r = ty; r < rows; r += height)
      sum += dy[r * cols + c];
  shared[threadIdx.x] = sum;
  __syncthreads ();
  for (unsigned int s = height / 2; s > 0; s >>= 1)
    {
      if (ty < s)
        shared[ty * width + tx] += shared[(ty + s) * width + tx];
      __syncthreads ();
    }
  /* one addition into .grad, as the CPU does after its column sum */
  if (ty == 0 && c < cols)
    db[c] += (float) shared[tx];
}

void
nnb_cuda_bias_grad (float *db, const float *dy, size_t rows, size_t cols)
{
  unsigned int width = 1;
  size_t blocks;

  if (rows == 0 || cols == 0)
    return;
  while (width < 32 && width < cols)
    width *= 2;
  blocks = (cols + width - 1) / width;
  bias_grad_kernel<<<(unsigned int) blocks, NNB_CUDA_THREADS>>> (db, dy, rows, cols, width);
  nnb_gpu_check (cudaGetLastError (), "summing a Linear layer's bias gradient");
}

/* First pass of the loss: per-element gradient, partial sums per block. */
__global__ static void
loss_kernel (int kind, const float *pred, const float *target, size_t n, float *grad, float norm, Scratch *s)
{
  __shared__ double shared[NNB_CUDA_THREADS];
  double sum = 0.0;

  int is_mse = kind == NNB_CUDA_LOSS_MSE;

  /* each term rounded to float first, as the CPU's are */
  NNB_CUDA_GRID_STRIDE (i, n)
    {
      sum += nnb_f_loss_term (is_mse, pred[i], target[i]);
      if (grad)
        grad[i] = nnb_f_loss_grad (is_mse, pred[i], target[i], norm);
    }
  sum = nnb_cuda_block_sum (sum, shared);
  if (threadIdx.x == 0)
    s->partial[blockIdx.x] = sum;
}

double
nnb_cuda_loss (int kind, const float *pred, const float *target, size_t n, float *grad)
{
  /* mse_loss_backward: (2 / N) · (x − t); l1: sign(x − t) / N */
  float norm = nnb_f_loss_norm (kind == NNB_CUDA_LOSS_MSE, n);
  unsigned int blocks = reduce_blocks (n);
  Scratch *s;
  double sum;

  if (n == 0)
    return NAN;
  s = lock_scratch ();
  if (s == NULL)
    return NAN;
  loss_kernel<<<blocks, NNB_CUDA_THREADS>>> (kind, pred, target, n, grad, norm, s);
  sum = nnb_gpu_check (cudaGetLastError (), "computing the loss")
          ? finish_sum (s, blocks, "computing the loss")
          : NAN;
  unlock_scratch ();
  return nnb_f_loss_mean (sum, n);
}

__global__ static void
sum_squares_kernel (const float *x, size_t n, Scratch *s)
{
  __shared__ double shared[NNB_CUDA_THREADS];
  double sum = 0.0;

  NNB_CUDA_GRID_STRIDE (i, n)
    sum += (double) x[i] * x[i];
  sum = nnb_cuda_block_sum (sum, shared);
  if (threadIdx.x == 0)
    s->partial[blockIdx.x] = sum;
}

double
nnb_cuda_sum_squares (const float *x, size_t n)
{
  unsigned int blocks = reduce_blocks (n);
  Scratch *s;
  double sum;

  if (n == 0)
    return 0.0;
  s = lock_scratch ();
  if (s == NULL)
    return NAN;
  sum_squares_kernel<<<blocks, NNB_CUDA_THREADS>>> (x, n, s);
  sum = nnb_gpu_check (cudaGetLastError (), "computing a norm")
          ? finish_sum (s, blocks, "computing a norm")
          : NAN;
  unlock_scratch ();
  return sum;
}

__global__ static void
all_finite_kernel (const float *x, size_t n, Scratch *s)
{
  NNB_CUDA_GRID_STRIDE (i, n)
    /* every writer stores the same 1: the race is harmless */
    if (!isfinite (x[i]))
      s->non_finite = 1;
}

int
nnb_cuda_all_finite (const float *x, size_t n)
{
  int non_finite = 1;
  Scratch *s;

  if (n == 0)
    return 1;
  s = lock_scratch ();
  if (s == NULL)
    return 0;
  /* on any failure non_finite stays 1: "not finite" stops training, which
   * is safer than trusting numbers the GPU could not check */
  if (nnb_gpu_check (cudaMemsetAsync (&s->non_finite, 0, sizeof (int), 0), "checking for nan"))
    {
      all_finite_kernel<<<nnb_cuda_blocks (n), NNB_CUDA_THREADS>>> (x, n, s);
      if (nnb_gpu_check (cudaGetLastError (), "checking for nan"))
        nnb_gpu_check (cudaMemcpy (&non_finite, &s->non_finite, sizeof (int), cudaMemcpyDeviceToHost),
                       "checking for nan");
    }
  unlock_scratch ();
  return !non_finite;
}
