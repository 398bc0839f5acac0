/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-safetensors.h — the safetensors format (8-byte little-endian header
 * length, a JSON header, then raw little-endian data), F32 tensors (and I64 scalars),
 * with PyTorch's parameter names, so that
 * model.load_state_dict(safetensors.torch.load_file(path)) works on the
 * equivalent PyTorch model. Every length and offset is checked before use. */
#pragma once

#include <glib.h>
#include "nnb-model.h"

G_BEGIN_DECLS

/* A model's state_dict() to a file (atomically). */
gboolean nnb_safetensors_save_model (NnbModel *model, const char *path, GError **error);

/* Named CPU tensors read from a file: name → NnbTensor*. An I64 entry
 * of shape [] (num_batches_tracked) is a count: a tensor of ndim 0 whose
 * value only the two functions below read. */
GHashTable *nnb_safetensors_load (const char *path, GError **error);
NnbTensor *nnb_safetensors_count_new (int64_t count);
gboolean nnb_safetensors_tensor_is_count (const NnbTensor *tensor);
int64_t nnb_safetensors_tensor_count (const NnbTensor *tensor);

/* model.load_state_dict(tensors, strict=True): refuses missing keys,
 * unexpected keys and size mismatches with PyTorch's message
 * ('Error(s) in loading state_dict for MLP: Missing key(s) in state_dict:
 * "fc1.weight". …'); the model is unchanged on failure. */
gboolean nnb_model_load_state_dict (NnbModel *model, GHashTable *tensors, GError **error);

G_END_DECLS
