/* SPDX-License-Identifier: GPL-3.0-or-later */
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
void nnb_gpu_copy_2d (float *dst, gsize dst_stride, const float *src, gsize src_stride, gsize rows, gsize cols);
void nnb_gpu_fill (float *dst, gsize n, float value);

void nnb_gpu_gemm (gboolean trans_a, gboolean trans_b, int m, int n, int k,
                   float alpha, const float *a, int lda, const float *b, int ldb,
                   float beta, float *c, int ldc);

/* Opens cuBLAS (dlopen) unless done before. Returns NULL once it is loaded,
 * else the reason, "CUDA: cuBLAS (libcublas.so.13) could not be loaded: "
 * and dlerror's words, owned by the backend and the same at every call. */
const char *nnb_gpu_blas_load (void);
/* For tests: the library to try instead of libcublas.so.13 and
 * libcublas.so. Only before the first load. */
void nnb_gpu_blas_use_library (const char *name);

gboolean nnb_gpu_sync (GError **error);

/* "CUDA: no NVIDIA driver found", or "CUDA: " and the runtime's words */
char *nnb_gpu_status_reason (cudaError_t status);

G_END_DECLS
