/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-gpu-memory.c — device memory for the CUDA backend: allocation and
 * the copies between host and GPU.
 *
 * Plain cudaMalloc, never managed memory: on a shared machine asking for
 * more managed memory than the card holds can hang the GPU, and tensors are
 * sized once before the loop anyway. Everything runs on the legacy default
 * stream, so kernels, cuBLAS calls and copies happen in the order issued. */
#include "nnb-gpu-host.h"

#include <math.h>
#include "nnb-error.h"

/* "2.00 GiB", "12.50 MiB", as PyTorch words its out-of-memory error */
static char *
format_bytes (double bytes)
{
  if (bytes >= 1024.0 * 1024.0 * 1024.0)
    return g_strdup_printf ("%.2f GiB", bytes / (1024.0 * 1024.0 * 1024.0));
  return g_strdup_printf ("%.2f MiB", bytes / (1024.0 * 1024.0));
}

static void
set_alloc_error (cudaError_t status, gsize bytes, GError **error)
{
  g_autofree char *wanted = format_bytes (bytes);
  int driver = 0, runtime = 0, device = 0;
  size_t free_bytes = 0, total_bytes = 0;

  switch (status)
    {
    case cudaErrorInsufficientDriver:
      /* PyTorch's words for model.to("cuda") on a machine without a driver */
      if (cudaDriverGetVersion (&driver) != cudaSuccess || driver == 0)
        {
          g_set_error_literal (error, NNB_ERROR, NNB_ERROR_DEVICE,
                               "Found no NVIDIA driver on your system. Please check that you have an NVIDIA GPU and "
                               "installed a driver from http://www.nvidia.com/Download/index.aspx");
          return;
        }
      if (cudaRuntimeGetVersion (&runtime) != cudaSuccess)
        runtime = CUDART_VERSION;
      g_set_error (error, NNB_ERROR, NNB_ERROR_DEVICE,
                   "The NVIDIA driver on your system is too old: it supports CUDA %d.%d and NN Blocks was built with "
                   "CUDA %d.%d. Update the GPU driver from http://www.nvidia.com/Download/index.aspx, or train on the CPU.",
                   driver / 1000, driver % 1000 / 10, runtime / 1000, runtime % 1000 / 10);
      return;
    case cudaErrorNoDevice:
      g_set_error_literal (error, NNB_ERROR, NNB_ERROR_DEVICE, "No CUDA GPUs are available");
      return;
    case cudaErrorMemoryAllocation:
      {
        g_autofree char *total = NULL, *left = NULL;

        if (cudaGetDevice (&device) != cudaSuccess ||
            cudaMemGetInfo (&free_bytes, &total_bytes) != cudaSuccess)
          {
            cudaGetLastError ();
            g_set_error (error, NNB_ERROR, NNB_ERROR_OUT_OF_MEMORY,
                         "CUDA out of memory. Tried to allocate %s. "
                         "Use smaller layers or fewer data points, or train on the CPU.",
                         wanted);
            return;
          }
        total = format_bytes (total_bytes);
        left = format_bytes (free_bytes);
        g_set_error (error, NNB_ERROR, NNB_ERROR_OUT_OF_MEMORY,
                     "CUDA out of memory. Tried to allocate %s (GPU %d; %s total capacity; %s free). "
                     "Use smaller layers or fewer data points, or train on the CPU.",
                     wanted, device, total, left);
        return;
      }
    default:
      g_set_error (error, NNB_ERROR, NNB_ERROR_DEVICE,
                   "CUDA error: %s (%s, while allocating %s on the GPU).",
                   cudaGetErrorString (status), cudaGetErrorName (status), wanted);
      return;
    }
}

void *
nnb_gpu_alloc (gsize bytes, GError **error)
{
  void *ptr = NULL;
  cudaError_t status;

  /* cudaMalloc (0) succeeds with NULL, which callers would take for a
   * failure; 256 bytes is what CUDA aligns every allocation to anyway */
  status = cudaMalloc (&ptr, MAX (bytes, 256));
  if (status == cudaSuccess)
    {
      /* zeroed, as the CPU backend's memory is */
      status = cudaMemsetAsync (ptr, 0, MAX (bytes, 256), 0);
      if (status == cudaSuccess)
        return ptr;
      nnb_gpu_free (ptr);
    }
  /* a failed allocation leaves the GPU usable: clear the runtime's
   * last-error slot so the next kernel's check does not report it */
  cudaGetLastError ();
  set_alloc_error (status, bytes, error);
  return NULL;
}

void
nnb_gpu_free (void *ptr)
{
  cudaError_t status;

  if (ptr == NULL)
    return;
  status = cudaFree (ptr);
  /* tensors freed by exit handlers after the runtime shut down: the
   * memory went with the context, nothing to report */
  if (status == cudaErrorCudartUnloading)
    return;
  nnb_gpu_check (status, "freeing GPU memory");
}

void
nnb_gpu_upload (float *dst, const float *host_src, gsize n)
{
  if (n == 0)
    return;
  nnb_gpu_check (cudaMemcpy (dst, host_src, n * sizeof (float), cudaMemcpyHostToDevice),
                 "copying a tensor to the GPU");
}

void
nnb_gpu_download (float *host_dst, const float *src, gsize n)
{
  if (n == 0)
    return;
  /* the copy waits for the kernels before it, so it is also where their
   * failures show; then the numbers read back are nan, not stale values */
  if (!nnb_gpu_check (cudaMemcpy (host_dst, src, n * sizeof (float), cudaMemcpyDeviceToHost),
                      "copying a tensor from the GPU"))
    for (gsize i = 0; i < n; i++)
      host_dst[i] = NAN;
}

void
nnb_gpu_copy (float *dst, const float *src, gsize n)
{
  if (dst == src || n == 0)
    return;
  nnb_gpu_check (cudaMemcpyAsync (dst, src, n * sizeof (float), cudaMemcpyDeviceToDevice, 0),
                 "copying a tensor on the GPU");
}

/* one strided copy for torch.cat's column blocks, not one per row */
void
nnb_gpu_copy_2d (float *dst, gsize dst_stride, const float *src, gsize src_stride, gsize rows, gsize cols)
{
  if (rows == 0 || cols == 0)
    return;
  nnb_gpu_check (cudaMemcpy2DAsync (dst, dst_stride * sizeof (float), src, src_stride * sizeof (float),
                                    cols * sizeof (float), rows, cudaMemcpyDeviceToDevice, 0),
                 "copying columns of a tensor on the GPU");
}

void
nnb_gpu_fill (float *dst, gsize n, float value)
{
  if (n == 0)
    return;
  /* zeros (the CPU's memset case, −0 included) need no kernel */
  if (value == 0.0f)
    nnb_gpu_check (cudaMemsetAsync (dst, 0, n * sizeof (float), 0), "zeroing a tensor on the GPU");
  else
    nnb_cuda_fill (dst, n, value);
}
