/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-tensor.h — float32, contiguous, up to 4 dimensions, reference counted.
 *
 * The storage belongs to the backend of the device the tensor lives on; on
 * the CPU `data` is an ordinary pointer you may read and write. Fields are
 * public for reading; change a tensor's values only through the functions
 * here or a backend. */
#pragma once

#include <glib.h>
#include <stdint.h>
#include "nnb-device.h"
#include "nnb-error.h"

G_BEGIN_DECLS

#define NNB_MAX_DIMS 4

/* The largest tensor the engine agrees to allocate (elements). Larger
 * requests fail with a sentence about memory instead of crashing. */
#define NNB_MAX_ELEMENTS ((int64_t) 1 << 31)

typedef struct _NnbTensor NnbTensor;

struct _NnbTensor
{
  int ndim;
  int64_t shape[NNB_MAX_DIMS];
  int64_t numel;
  NnbDevice device;
  float *data;
  /*< private >*/
  gint ref_count;
};

/* Zero-filled tensor; fails on non-positive or overflowing sizes. */
NnbTensor *nnb_tensor_new (int ndim, const int64_t *shape, NnbDevice device, GError **error);
/* CPU tensor, aborts only on programmer errors: for tests and small fixed shapes */
NnbTensor *nnb_tensor_new_cpu (int ndim, const int64_t *shape);
NnbTensor *nnb_tensor_new_2d (int64_t rows, int64_t cols);
NnbTensor *nnb_tensor_new_from_data (int ndim, const int64_t *shape, const float *values);

NnbTensor *nnb_tensor_ref (NnbTensor *tensor);
void nnb_tensor_unref (NnbTensor *tensor);

/* A copy on another device (or the same device). */
NnbTensor *nnb_tensor_to (const NnbTensor *tensor, NnbDevice device, GError **error);
NnbTensor *nnb_tensor_copy (const NnbTensor *tensor, GError **error);
/* Copies values into host memory (numel floats) from any device. */
void nnb_tensor_read (const NnbTensor *tensor, float *host_dst);
/* Copies numel floats from host memory into the tensor, on any device. */
void nnb_tensor_write (NnbTensor *tensor, const float *host_src);
void nnb_tensor_fill (NnbTensor *tensor, float value);

gboolean nnb_tensor_same_shape (const NnbTensor *a, const NnbTensor *b);
int64_t nnb_tensor_rows (const NnbTensor *tensor); /* product of all but the last dim */
int64_t nnb_tensor_cols (const NnbTensor *tensor); /* the last dim */

/* "(5, 16)", "(16,)" as Python prints a tuple; a dimension equal to
 * NNB_DIM_BATCH prints as "B". */
#define NNB_DIM_BATCH ((int64_t) -1)
char *nnb_shape_to_string (int ndim, const int64_t *shape);
char *nnb_tensor_shape_string (const NnbTensor *tensor);
/* "torch.Size([200, 1])", as PyTorch's messages print a shape */
char *nnb_shape_torch_size (int ndim, const int64_t *shape);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NnbTensor, nnb_tensor_unref)

G_END_DECLS
