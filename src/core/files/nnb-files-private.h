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
 * (nnb-export-pytorch-train.c); model_expression builds the model;
 * weights_path (a Python expression, or NULL) names the safetensors file
 * train() loads after the init. */
void nnb_export_pytorch_append_training (GString *out, const NnbProject *project, const char *model_expression,
                                         const char *weights_path);

/* The parts of that code, for the notebook's cells: the first four at
 * module level (each empty where the project has none), the last three
 * train()'s lines, indented one level. */
typedef enum
{
  NNB_EXPORT_TRAIN_CSV_READER,      /* read_csv(), for CSV data */
  NNB_EXPORT_TRAIN_MAKE_DATA,       /* make_data() */
  NNB_EXPORT_TRAIN_INIT_FUNCTION,   /* init_weights(m), for a project's init */
  NNB_EXPORT_TRAIN_CLASS_FUNCTIONS, /* predicted_class() and the confusion matrix */
  NNB_EXPORT_TRAIN_MODEL,           /* the model, its init, the weights */
  NNB_EXPORT_TRAIN_OPTIMIZER,       /* optimizer, loss_fn, epochs… */
  NNB_EXPORT_TRAIN_LOOP,            /* the loop, printing; losses: each epoch's */
} NnbExportTrainPart;
void nnb_export_pytorch_append_train_part (GString *out, const NnbProject *project, NnbExportTrainPart part,
                                           const char *model_expression, const char *weights_path);
/* TRUE when the code defines predicted_class() (class data, class loss). */
gboolean nnb_export_pytorch_has_class_rule (const NnbProject *project);
/* The model's class (and make_sequential() for a chain) at module level,
 * as nnb_export_pytorch_code writes it; returns the expression that builds
 * the model. */
char *nnb_export_pytorch_append_model (GString *out, NnbModel *model);
/* Whether forward calls F.… (import torch.nn.functional as F) */
gboolean nnb_export_pytorch_uses_f (NnbModel *model);
/* os.environ[…] = …: the PyTorch set-up whose float sums the engine
 * reproduces, for the lines before `import torch` (after `import os`) */
void nnb_export_pytorch_append_environment (GString *out);
/* load_safetensors(path), the reader that needs only PyTorch */
void nnb_export_pytorch_append_loader (GString *out);
/* text with one level of indentation ("    ") taken off every line that
 * has it: a function's body at module level; a new string */
char *nnb_export_pytorch_dedent (const char *text);

G_END_DECLS
