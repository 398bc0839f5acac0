/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-tensor-private.h — tensor and backend functions only the tests call:
 * kept out of the public headers so the engine's API is what the app and
 * the CLI use. */
#pragma once

#include <glib.h>
#include "nnb-rng.h"
#include "nnb-tensor.h"

G_BEGIN_DECLS

NnbTensor *nnb_tensor_new_1d (int64_t n); /* CPU, zeros */

/* The kernel OpenBLAS runs, e.g. "Haswell" ("unknown" for another BLAS). */
const char *nnb_blas_kernel (void);
/* TRUE when this processor runs NNB_BLAS_KERNEL (AVX2 and FMA). */
gboolean nnb_blas_kernel_supported (void);

guint32 nnb_generator_random (NnbGenerator *gen);   /* one mt19937 draw */
guint64 nnb_generator_random64 (NnbGenerator *gen); /* (a << 32) | b */

/* TRUE: the CPU table runs its scalar loops (NNB_CPU_KERNELS=scalar's
 * kernels) until called again with FALSE, so that a test can hold the
 * vector kernels against them in one process (tests/test-backend-ops.c). */
void nnb_backend_cpu_force_scalar (gboolean scalar);

G_END_DECLS
