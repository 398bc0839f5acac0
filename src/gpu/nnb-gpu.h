/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-gpu.h — the CUDA backend: cuBLAS for matrix products, CUDA C kernels
 * for everything else, installed into the engine's backend table.
 *
 * Built only when nvcc is found (meson option `cuda`); callers guard the
 * call with `#if NNB_HAVE_CUDA` from nnb-config.h. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Registers the CUDA table (nnb_backend_register) and the device-list hook
 * (nnb_backend_cuda_list_devices). Safe without a GPU or a driver: the
 * device list then shows CUDA as unavailable with the reason, and moving a
 * model to cuda fails with PyTorch's message. Where a GPU is present it also
 * loads cuBLAS (dlopen, libcublas.so.13); without one it never does, so a
 * process that does not use the GPU starts fast. Returns TRUE when at least
 * one GPU can be used, cuBLAS included. Call it once at start-up; later
 * calls only answer again. */
gboolean nnb_gpu_init (void);

G_END_DECLS
