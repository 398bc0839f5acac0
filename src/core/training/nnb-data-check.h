/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-data-check.h — can this model run on this data? The check a run makes
 * before its first step, without running anything: the data's features
 * against what the model takes in, and the model's output against the
 * targets, with PyTorch's message for the first op that would fail, as the
 * first forward of the loop would see it:
 *
 *   mat1 and mat2 shapes cannot be multiplied (200x1 and 3x16)
 *
 * The app disables Train with this message, and `nnblocks-cli train` stops
 * with it (exit 1) before training starts. */
#pragma once

#include <glib.h>
#include "nnb-dataset.h"
#include "nnb-model.h"
#include "nnb-training.h"

G_BEGIN_DECLS

/* The rows the loop's first forward sees: one mini-batch when the data
 * splits into several, otherwise all of it. */
int64_t nnb_data_check_first_rows (const NnbDataset *data, const NnbTrainingOptions *options);

/* TRUE when the model can run on data with options: its graph is complete
 * and every op fits the shape (rows, features) of the first batch. Then
 * *warning (may be NULL) is PyTorch's UserWarning when the loss will
 * broadcast the output against the targets ("Using a target size …"), or
 * NULL; free it with g_free. FALSE with PyTorch's message (NNB_ERROR_SHAPE),
 * or the graph's (NNB_ERROR_GRAPH), otherwise. */
gboolean nnb_model_check_data (NnbModel *model, const NnbDataset *data, const NnbTrainingOptions *options,
                               char **warning, GError **error);

G_END_DECLS
