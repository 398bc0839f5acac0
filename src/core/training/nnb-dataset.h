/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-dataset.h — the data a model trains on: generated as the lessons draw
 * it (same seed, same numbers as PyTorch), or read from a CSV file.
 *
 * Generators draw in the page's order, e.g. the regression:
 *   X = rand(n, 1) * x_max;  y = a * X + b + randn(n, 1) * noise
 * and the sine: X = rand(n, 1) * 2π;  y = sin(X) + noise * randn(n, 1). */
#pragma once

#include <glib.h>
#include "nnb-rng.h"
#include "nnb-tensor.h"

G_BEGIN_DECLS

typedef enum
{
  NNB_DATA_LINE,         /* y = a·x + b + noise·ε, x ∈ [0, x_max) */
  NNB_DATA_SINE,         /* y = sin x + noise·ε, x ∈ [0, x_max) (2π by default) */
  NNB_DATA_POLYNOMIAL,   /* y = a·x² + b·x + c + noise·ε, x ∈ [0, x_max) */
  NNB_DATA_STEP,         /* y = 0 for x < x_max/2, else 1; plus noise·ε */
  NNB_DATA_SINE_PRODUCT, /* X = randn(n, 3), y = sin(x₀·x₁) + x₂ (bench's residual) */
  NNB_DATA_CSV,          /* columns: inputs…, target (last column) */
} NnbDataKind;

typedef struct
{
  NnbDataKind kind;
  int64_t n;
  double a, b, c;
  double noise;
  double x_max;
  char *csv_path; /* NNB_DATA_CSV */
} NnbDataSpec;

typedef struct
{
  NnbTensor *x; /* (n, in) on the CPU */
  NnbTensor *y; /* (n, 1) on the CPU */
} NnbDataset;

/* Defaults of a kind: the page's regression (100 points, 3x + 2, noise 0.5,
 * x_max 10) or sine (200 points, noise 0.1, x_max 2π). */
void nnb_data_spec_init (NnbDataSpec *spec, NnbDataKind kind);
void nnb_data_spec_clear (NnbDataSpec *spec);
void nnb_data_spec_copy (NnbDataSpec *dst, const NnbDataSpec *src);
const char *nnb_data_kind_to_string (NnbDataKind kind); /* "line", "sine", … */
gboolean nnb_data_kind_from_string (const char *text, NnbDataKind *out);

/* Draws (or reads) the data; generators consume gen exactly as the page's
 * PyTorch code consumes torch's generator. */
NnbDataset *nnb_dataset_new (const NnbDataSpec *spec, NnbGenerator *gen, GError **error);
void nnb_dataset_free (NnbDataset *dataset);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NnbDataset, nnb_dataset_free)

G_END_DECLS
