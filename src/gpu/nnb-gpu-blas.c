/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-gpu-blas.c — matrix products on the GPU through cuBLAS.
 *
 * The engine's matrices are row-major and cuBLAS reads column-major. A
 * row-major matrix read column-major is its transpose, so C = op(A)·op(B)
 * is computed as Cᵀ = op(B)ᵀ·op(A)ᵀ: the same call with A and B swapped,
 * m and n swapped, and no copy of anything.
 *
 * cuBLAS is opened with dlopen, not linked: libcublasLt alone is over half a
 * gigabyte, and loading it cost every process of a CUDA build (the CLI's
 * --version included) 0.4 s at start-up, GPU or not, while a build linked to
 * it could not start at all where it is missing. It is loaded the first time
 * a product is needed, or by nnb_gpu_init when a GPU is present, and then
 * stays for the life of the process. Its header gives the types only. */
#include "nnb-gpu-host.h"

#include <cublas_v2.h>
#include <dlfcn.h>
#include <string.h>

/* The sonames tried in turn: the one this build was made with, then any
 * (cuBLAS keeps its C ABI across versions). */
static const char *const default_names[] = { "libcublas.so.13", "libcublas.so", NULL };
static const char *const *library_names = default_names;

/* The few entries used, with the header's own types. The macros of
 * cublas_v2.h map cublasCreate to cublasCreate_v2 and so on: the symbols
 * are the _v2 ones. */
static struct
{
  __typeof__ (cublasCreate_v2) *create;
  __typeof__ (cublasDestroy_v2) *destroy;
  __typeof__ (cublasSetMathMode) *set_math_mode;
  __typeof__ (cublasSgemm_v2) *sgemm;
  __typeof__ (cublasGetStatusString) *get_status_string;
} blas;

static GMutex handle_lock;
/* guarded by handle_lock */
static gboolean load_tried;
static char *load_error;
static void *library;
static cublasHandle_t handle;
static gboolean handle_failed;

static void *
find_symbol (void *lib, const char *name, char **error)
{
  void *symbol;

  /* a symbol's address may be NULL in principle: dlerror tells */
  dlerror ();
  symbol = dlsym (lib, name);
  if (symbol == NULL)
    {
      const char *reason = dlerror ();

      if (*error == NULL)
        *error = g_strdup (reason != NULL ? reason : "no such symbol");
    }
  return symbol;
}

/* Returns the library with every entry of blas found, or NULL with the
 * reason in *error. */
static void *
open_library (char **error)
{
  g_autofree char *first_error = NULL;
  void *lib = NULL;

  for (guint i = 0; library_names[i] != NULL && lib == NULL; i++)
    {
      lib = dlopen (library_names[i], RTLD_NOW | RTLD_LOCAL);
      if (lib == NULL && first_error == NULL)
        {
          const char *reason = dlerror ();

          /* the first name's failure is the telling one ("libcublas.so.13:
           * cannot open shared object file: No such file or directory") */
          first_error = g_strdup (reason != NULL ? reason : "unknown error");
        }
    }
  if (lib == NULL)
    {
      *error = g_steal_pointer (&first_error);
      return NULL;
    }

  blas.create = (__typeof__ (blas.create)) find_symbol (lib, "cublasCreate_v2", error);
  blas.destroy = (__typeof__ (blas.destroy)) find_symbol (lib, "cublasDestroy_v2", error);
  blas.set_math_mode = (__typeof__ (blas.set_math_mode)) find_symbol (lib, "cublasSetMathMode", error);
  blas.sgemm = (__typeof__ (blas.sgemm)) find_symbol (lib, "cublasSgemm_v2", error);
  blas.get_status_string = (__typeof__ (blas.get_status_string)) find_symbol (lib, "cublasGetStatusString", error);
  if (*error != NULL)
    {
      memset (&blas, 0, sizeof blas);
      if (dlclose (lib) != 0)
        {
          const char *reason = dlerror ();

          g_warning ("Closing cuBLAS after a failed load: %s", reason != NULL ? reason : "unknown error");
        }
      return NULL;
    }
  return lib;
}

/* Called with handle_lock held. */
static const char *
load_locked (void)
{
  g_autofree char *reason = NULL;

  if (load_tried)
    return load_error;
  load_tried = TRUE;
  library = open_library (&reason);
  if (library == NULL)
    load_error = g_strdup_printf ("CUDA: cuBLAS (%s) could not be loaded: %s", library_names[0], reason);
  return load_error;
}

const char *
nnb_gpu_blas_load (void)
{
  const char *error;

  g_mutex_lock (&handle_lock);
  error = load_locked ();
  g_mutex_unlock (&handle_lock);
  /* never freed or changed once set: safe to hand out */
  return error;
}

void
nnb_gpu_blas_use_library (const char *name)
{
  static const char *names[2];

  g_mutex_lock (&handle_lock);
  if (load_tried)
    g_critical ("nnb_gpu_blas_use_library (\"%s\") after cuBLAS was loaded: ignored", name);
  else
    {
      names[0] = g_intern_string (name);
      names[1] = NULL;
      library_names = names;
    }
  g_mutex_unlock (&handle_lock);
}

static gboolean
blas_check (cublasStatus_t status, const char *what)
{
  g_autofree char *message = NULL;

  if (status == CUBLAS_STATUS_SUCCESS)
    return TRUE;
  message = g_strdup_printf ("cuBLAS error: %s (while %s). The GPU's results since then cannot be trusted: "
                             "save your work and restart, or train on the CPU.",
                             blas.get_status_string (status), what);
  nnb_gpu_record_error (message);
  return FALSE;
}

/* Created on first use, on the device current then: nnb_gpu_init must not
 * touch the GPU (it also runs where there is none). NULL, with the reason
 * recorded as the sticky error, when cuBLAS is missing or cannot start. */
static cublasHandle_t
get_handle (void)
{
  g_autofree char *message = NULL;
  cublasHandle_t h;

  g_mutex_lock (&handle_lock);
  if (handle == NULL && !handle_failed)
    {
      if (load_locked () == NULL && blas_check (blas.create (&handle), "starting cuBLAS"))
        {
          /* no TF32: float32 products as the CPU computes them, so GPU and
           * CPU agree within float rounding (1e-4 on a training step) */
          if (!blas_check (blas.set_math_mode (handle, CUBLAS_DEFAULT_MATH), "choosing cuBLAS's float32 mode"))
            {
              blas_check (blas.destroy (handle), "closing cuBLAS");
              handle = NULL;
            }
        }
      else
        handle = NULL;
      /* one failure is tried once, not at every product */
      handle_failed = handle == NULL;
    }
  h = handle;
  if (h == NULL)
    {
      /* reported at every product, as sync() clears the sticky error */
      if (load_error != NULL)
        message = g_strconcat (load_error, ". Without cuBLAS the GPU cannot multiply matrices: "
                                           "install cuBLAS from the CUDA Toolkit 13, or train on the CPU.",
                               NULL);
      else
        message = g_strdup ("cuBLAS could not start, so the GPU cannot multiply matrices: train on the CPU.");
    }
  g_mutex_unlock (&handle_lock);

  /* the sticky error keeps the first message, so a failed start's own words
   * (recorded by blas_check) come before this summary */
  if (message != NULL)
    nnb_gpu_record_error (message);
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
    return;
  blas_check (blas.sgemm (h, trans_b ? CUBLAS_OP_T : CUBLAS_OP_N, trans_a ? CUBLAS_OP_T : CUBLAS_OP_N,
                          n, m, k, &alpha, b, ldb, a, lda, &beta, c, ldc),
              "multiplying matrices");
}
