/* nnb-gpu-host.h — the backend's host-side entries that need GLib (GError,
 * gsize): memory (nnb-gpu-memory.c), cuBLAS (nnb-gpu-blas.c) and sync
 * (nnb-gpu-error.c). nnb-gpu.c gathers them into the table. */
#pragma once

#include <glib.h>
#include "nnb-backend.h"
#include "nnb-gpu-private.h"

G_BEGIN_DECLS

void *nnb_gpu_alloc (gsize bytes, GError **error);
void nnb_gpu_free (void *ptr);
void nnb_gpu_upload (float *dst, const float *host_src, gsize n);
void nnb_gpu_download (float *host_dst, const float *src, gsize n);
void nnb_gpu_copy (float *dst, const float *src, gsize n);
void nnb_gpu_fill (float *dst, gsize n, float value);

void nnb_gpu_gemm (gboolean trans_a, gboolean trans_b, int m, int n, int k,
                   float alpha, const float *a, int lda, const float *b, int ldb,
                   float beta, float *c, int ldc);

gboolean nnb_gpu_sync (GError **error);

/* "CUDA: no NVIDIA driver found", or "CUDA: " and the runtime's words */
char *nnb_gpu_status_reason (cudaError_t status);

G_END_DECLS
