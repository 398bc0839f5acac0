/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-blas.c — loads OpenBLAS on first use with NNB_BLAS_KERNEL (see the header). */

#include "nnb-blas.h"
#include "nnb-tensor-private.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <glib/gi18n-lib.h>

typedef void (*SgemmFunc) (int order, int trans_a, int trans_b, int m, int n, int k, float alpha,
                           const float *a, int lda, const float *b, int ldb, float beta,
                           float *c, int ldc);

static struct
{
  SgemmFunc sgemm;
  void (*set_threads) (int n);
  int (*get_threads) (void);
  char *(*get_corename) (void);
} blas;

enum
{
  CBLAS_ROW_MAJOR = 101
};

gboolean
nnb_blas_kernel_supported (void)
{
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init ();
  return __builtin_cpu_supports ("avx2") && __builtin_cpu_supports ("fma");
#else
  return FALSE;
#endif
}

static gpointer
load_blas (gpointer unused)
{
  /* Debian's OpenBLAS first; any other CBLAS under the generic name */
  static const char *const names[] = { "libopenblas.so.0", "libopenblas.so", "libcblas.so.3", "libblas.so.3" };
  void *lib = NULL;

  /* OpenBLAS reads the variable once, while it loads: set it before */
  if (nnb_blas_kernel_supported ())
    g_setenv ("OPENBLAS_CORETYPE", NNB_BLAS_KERNEL, TRUE);
  for (gsize i = 0; i < G_N_ELEMENTS (names) && lib == NULL; i++)
    lib = dlopen (names[i], RTLD_NOW | RTLD_LOCAL);
  if (lib == NULL)
    g_error ("NN Blocks needs OpenBLAS (libopenblas.so.0), which could not be loaded: %s", dlerror ());
  blas.sgemm = (SgemmFunc) dlsym (lib, "cblas_sgemm");
  if (blas.sgemm == NULL)
    g_error ("The BLAS library NN Blocks loaded has no cblas_sgemm: %s", dlerror ());
  blas.set_threads = (void (*) (int)) dlsym (lib, "openblas_set_num_threads");
  blas.get_threads = (int (*) (void)) dlsym (lib, "openblas_get_num_threads");
  blas.get_corename = (char *(*) (void) ) dlsym (lib, "openblas_get_corename");
  return NULL;
}

static void
ensure_loaded (void)
{
  static GOnce once = G_ONCE_INIT;

  g_once (&once, load_blas, NULL);
}

void
nnb_blas_sgemm (NnbBlasTranspose trans_a, NnbBlasTranspose trans_b, int m, int n, int k,
                float alpha, const float *a, int lda, const float *b, int ldb,
                float beta, float *c, int ldc)
{
  ensure_loaded ();
  blas.sgemm (CBLAS_ROW_MAJOR, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void
nnb_blas_set_threads (int n_threads)
{
  ensure_loaded ();
  if (blas.set_threads != NULL)
    blas.set_threads (MAX (1, n_threads));
}

int
nnb_blas_get_threads (void)
{
  ensure_loaded ();
  return blas.get_threads != NULL ? blas.get_threads () : 1;
}

const char *
nnb_blas_kernel (void)
{
  ensure_loaded ();
  return blas.get_corename != NULL ? blas.get_corename () : "unknown";
}

char *
nnb_blas_kernel_note (void)
{
  const char *kernel = nnb_blas_kernel ();

  if (g_ascii_strcasecmp (kernel, NNB_BLAS_KERNEL) == 0)
    return NULL;
  if (!nnb_blas_kernel_supported ())
    return g_strdup_printf (_("This processor lacks AVX2 or FMA, so OpenBLAS runs its %s kernel "
                               "instead of the %s kernel the lessons were computed with: the last "
                               "digits of losses, and the epoch a run converges at, may differ "
                               "from the lesson's."),
                            kernel, NNB_BLAS_KERNEL);
  return g_strdup_printf (_("OpenBLAS runs its %s kernel instead of the %s kernel the lessons were "
                             "computed with: the last digits of losses, and the epoch a run "
                             "converges at, may differ from the lesson's."),
                          kernel, NNB_BLAS_KERNEL);
}
