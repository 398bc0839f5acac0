/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-files-private.h — the file formats in memory, without the disk: what
 * the tests and the fuzzers call directly. The app and the CLI read and
 * write files through the public headers (nnb-safetensors.h, nnb-export.h). */
#pragma once

#include <glib.h>
#include "nnb-model.h"
#include "nnb-project.h"

G_BEGIN_DECLS

/* The bytes nnb_safetensors_save_model writes. */
GBytes *nnb_safetensors_serialize_model (NnbModel *model, GError **error);
/* The tensors nnb_safetensors_load reads, from bytes in memory. */
GHashTable *nnb_safetensors_parse (const guint8 *data, gsize length, GError **error);

/* The bytes nnb_export_onnx_file writes. */
GBytes *nnb_export_onnx (NnbModel *model, GError **error);

/* make_data(), init_weights() and train() of the project's code
 * (nnb-export-pytorch-train.c); model_expression builds the model. */
void nnb_export_pytorch_append_training (GString *out, const NnbProject *project, const char *model_expression);

G_END_DECLS
