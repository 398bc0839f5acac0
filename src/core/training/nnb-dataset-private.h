/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-dataset-private.h — what the data set's files share: torch.sin and
 * torch.cos as PyTorch computes them on the CPU, and the class kinds'
 * generators (nnb-dataset-2d.c) that nnb-dataset.c dispatches to. */
#pragma once

#include <glib.h>
#include "nnb-dataset.h"

G_BEGIN_DECLS

/* torch.sin and torch.cos of one float32, to the bit (nnb-dataset.c). */
float nnb_torch_sinf (float x);
float nnb_torch_cosf (float x);

/* circle, xor, gauss, spiral, moons and blobs: X (n, 2), y the classes */
gboolean nnb_data_kind_is_2d (NnbDataKind kind);
/* A class kind's defaults (docs/file-format.md), on a zeroed spec. */
void nnb_data_spec_init_2d (NnbDataSpec *spec);
/* The class kinds' own fields, one sentence each for a refused value. */
gboolean nnb_data_spec_check_2d (const NnbDataSpec *spec, GError **error);
/* Draws the kind's PyTorch program into x (n × 2) and y (n, the class
 * indices as floats), consuming gen as the program consumes torch's. */
void nnb_dataset_generate_2d (const NnbDataSpec *spec, NnbGenerator *gen, float *x, float *y);

G_END_DECLS
