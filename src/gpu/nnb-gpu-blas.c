/* nnb-gpu-blas.c — matrix products on the GPU through cuBLAS.
 *
 * The engine's matrices are row-major and cuBLAS reads column-major. A
 * row-major matrix read column-major is its transpose, so C = op(A)·op(B)
 * is computed as Cᵀ = op(B)ᵀ·op(A)ᵀ: the same call with A and B swapped,
 * m and n swapped, and no copy of anything. */
#include "nnb-gpu-host.h"

#include <cublas_v2.h>

static GMutex handle_lock;
static cublasHandle_t handle;
static gboolean handle_failed;

static gboolean
blas_check (cublasStatus_t status, const char *what)
{
  g_autofree char *message = NULL;

  if (status == CUBLAS_STATUS_SUCCESS)
    return TRUE;
  message = g_strdup_printf ("cuBLAS error: %s (while %s). The GPU's results since then cannot be trusted: "
                             "save your work and restart, or train on the CPU.",
                             cublasGetStatusString (status), what);
  nnb_gpu_record_error (message);
  return FALSE;
}

/* Created on first use, on the device current then: nnb_gpu_init must not
 * touch the GPU (it also runs where there is none). */
static cublasHandle_t
get_handle (void)
{
  cublasHandle_t h;

  g_mutex_lock (&handle_lock);
  if (handle == NULL && !handle_failed)
    {
      if (blas_check (cublasCreate (&handle), "starting cuBLAS"))
        {
          /* no TF32: float32 products as the CPU computes them, so GPU and
           * CPU agree within float rounding (1e-4 on a training step) */
          if (!blas_check (cublasSetMathMode (handle, CUBLAS_DEFAULT_MATH), "choosing cuBLAS's float32 mode"))
            {
              blas_check (cublasDestroy (handle), "closing cuBLAS");
              handle = NULL;
            }
        }
      /* one failure is reported once, not at every product */
      handle_failed = handle == NULL;
    }
  h = handle;
  g_mutex_unlock (&handle_lock);
  return h;
}

void
nnb_gpu_gemm (gboolean trans_a, gboolean trans_b, int m, int n, int k,
              float alpha, const float *a, int lda, const float *b, int ldb,
              float beta, float *c, int ldc)
{
  cublasHandle_t h;

  if (m <= 0 || n <= 0)
    return;
  h = get_handle ();
  if (h == NULL)
    {
      nnb_gpu_record_error ("cuBLAS could not start, so the GPU cannot multiply matrices: train on the CPU.");
      return;
    }
  blas_check (cublasSgemm (h, trans_b ? CUBLAS_OP_T : CUBLAS_OP_N, trans_a ? CUBLAS_OP_T : CUBLAS_OP_N,
                           n, m, k, &alpha, b, ldb, a, lda, &beta, c, ldc),
              "multiplying matrices");
}
