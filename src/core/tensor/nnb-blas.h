/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-blas.h — OpenBLAS, loaded by the engine with the kernel the lessons'
 * numbers belong to.
 *
 * OpenBLAS picks its sgemm kernel for the processor when it loads, and the
 * kernel decides the order of float sums: with the Haswell kernel SineNet
 * converges at epoch 1543, as PyTorch 1.13 does with Debian's OpenBLAS on
 * that kernel (and its own AVX2 kernels); with Sandybridge's at 1546. So
 * that every classroom machine shows the same numbers, the engine
 * loads OpenBLAS itself, on first use, after setting OPENBLAS_CORETYPE to
 * NNB_BLAS_KERNEL, which every x86-64 processor with AVX2 and FMA runs
 * (whatever the environment said: the choice is the engine's). Linking
 * OpenBLAS instead would let it choose before main() runs. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The kernel PyTorch's numbers in lessons and tests come from. */
#define NNB_BLAS_KERNEL "Haswell"

typedef enum
{
  NNB_BLAS_NO_TRANS = 111, /* CBLAS's values */
  NNB_BLAS_TRANS = 112,
} NnbBlasTranspose;

/* C = alpha·op(A)·op(B) + beta·C, row-major, as cblas_sgemm. */
void nnb_blas_sgemm (NnbBlasTranspose trans_a, NnbBlasTranspose trans_b, int m, int n, int k,
                     float alpha, const float *a, int lda, const float *b, int ldb,
                     float beta, float *c, int ldc);

void nnb_blas_set_threads (int n_threads);
int nnb_blas_get_threads (void);

/* NULL when OpenBLAS runs NNB_BLAS_KERNEL; otherwise a sentence for the
 * device list saying which kernel runs instead and what that changes. */
char *nnb_blas_kernel_note (void);

G_END_DECLS
