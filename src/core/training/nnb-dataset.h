/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-dataset.h — the data a model trains on: generated as the lessons draw
 * it (same seed, same numbers as PyTorch), or read from a CSV file.
 *
 * Generators draw in the page's order, e.g. the regression:
 *   X = rand(n, 1) * x_max;  y = a * X + b + randn(n, 1) * noise
 * and the sine: X = rand(n, 1) * 2π;  y = sin(X) + noise * randn(n, 1).
 * The class kinds (circle … blobs, nnb-dataset-2d.c) draw points X (n, 2)
 * and give each its class, 0 … C−1, as the target. */
#pragma once

#include <glib.h>
#include "nnb-csv.h"
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
  NNB_DATA_CSV,          /* the chosen columns; by default inputs…, target (last column) */
  /* class data: X (n, 2), y the class of each point (nnb-dataset-2d.c) */
  NNB_DATA_CIRCLE, /* class 0 an inner disc, class 1 a ring around it (radius) */
  NNB_DATA_XOR,    /* points in [−1, 1)², class 1 where x₀ and x₁ differ in sign */
  NNB_DATA_GAUSS,  /* two Gaussian clusters, their centres distance apart */
  NNB_DATA_SPIRAL, /* two interleaved spiral arms of turns turns */
  NNB_DATA_MOONS,  /* two interleaved half circles (scikit-learn's make_moons) */
  NNB_DATA_BLOBS,  /* classes Gaussian clusters, their centres on the unit circle */
} NnbDataKind;

/* The class kinds' limits on `classes` (blobs). */
#define NNB_DATA_MIN_CLASSES 2
#define NNB_DATA_MAX_CLASSES 10

typedef struct
{
  NnbDataKind kind;
  int64_t n;
  double a, b, c;
  double noise;
  double x_max;
  /* the class kinds' own fields (docs/file-format.md) */
  double radius;   /* circle: the ring's outer radius; the disc's is a third of it */
  double distance; /* gauss: the distance between the two centres */
  double turns;    /* spiral: how many turns each arm makes */
  int64_t classes; /* blobs: how many clusters, 2 … 10 */
  char *csv_path;  /* NNB_DATA_CSV */
  /* NNB_DATA_CSV: the header line and the columns that become X and y
   * (nnb-csv.h); no list given is the old rule, the last column the target
   * and the others the inputs. */
  NnbCsvHeader csv_header;
  NnbCsvColumn *csv_inputs; /* csv_n_inputs entries, NULL when none */
  guint csv_n_inputs;
  NnbCsvColumn *csv_targets; /* csv_n_targets entries, NULL when none */
  guint csv_n_targets;
  /* NNB_DATA_CSV: the one target column holds class indices 0, 1, 2, …
   * (y = y[:, 0].long (), PyTorch's LongTensor (n,)); the data then has
   * max + 1 classes */
  gboolean csv_class_targets;
  /* Held-out rows and standardisation, applied after the data is drawn
   * (nnb-dataset-split.c; docs/file-format.md gives the PyTorch lines):
   * perm = randperm(n) on the same generator, the first
   * int(n * test_fraction) rows of perm are the test set; then
   * X = (X - X.mean(0)) / X.std(0) with the training rows' statistics. */
  double test_fraction;         /* 0 ≤ f < 1; 0: no test set, nothing drawn */
  gboolean standardize_inputs;  /* standardise every input column */
  gboolean standardize_targets; /* standardise the target */
  /* class data: y = y.float ().unsqueeze (1), the (n, 1) float targets
   * BCEWithLogitsLoss and BCELoss take, instead of the LongTensor (n,) */
  gboolean float_targets;
} NnbDataSpec;

typedef struct
{
  NnbTensor *x; /* (n, in) on the CPU: the training rows */
  NnbTensor *y; /* (n, k) on the CPU: k targets, 1 but for a CSV with several */
  /* The held-out rows (test_fraction > 0), NULL without a test set. */
  NnbTensor *x_test; /* (n_test, in) on the CPU */
  NnbTensor *y_test; /* (n_test, k) on the CPU */
  /* randperm(n_all) when there is a test set, else NULL: perm[0 … n_test)
   * are the test rows, perm[n_test …] the training rows, in that order. */
  int64_t *perm;
  int64_t n_all;
  /* The statistics the data was standardised with (training rows'
   * X.mean(0), X.std(0); y.mean(0), y.std(0)), NULL when not. */
  float *x_mean, *x_std; /* x->shape[1] each */
  float *y_mean, *y_std; /* y->shape[1] each */
  /* CSV data: the file's 0-based column of each of X's and y's columns,
   * and their header names (NULL-terminated; NULL without a header). NULL
   * for generated data. */
  int64_t *x_columns, *y_columns;
  char **x_names, **y_names;
  /* 0 for regression data (y holds values); C for class data, whose y
   * (n, 1) holds each point's class 0 … C−1 as an exact float: the
   * LongTensor y of shape (n,) of the PyTorch program, which
   * nn.CrossEntropyLoss takes. Kept by the split; never standardised. */
  int64_t n_classes;
  /* class data given as y.float ().unsqueeze (1) (NnbDataSpec's) */
  gboolean float_targets;
} NnbDataset;

/* Defaults of a kind: the page's regression (100 points, 3x + 2, noise 0.5,
 * x_max 10) or sine (200 points, noise 0.1, x_max 2π). */
void nnb_data_spec_init (NnbDataSpec *spec, NnbDataKind kind);
void nnb_data_spec_clear (NnbDataSpec *spec);
void nnb_data_spec_copy (NnbDataSpec *dst, const NnbDataSpec *src);
const char *nnb_data_kind_to_string (NnbDataKind kind); /* "line", "sine", … */
gboolean nnb_data_kind_from_string (const char *text, NnbDataKind *out);
/* How many classes spec's generator gives its points: 0 for regression
 * data (and CSV files, for now), 2 for circle … moons, classes for blobs. */
int64_t nnb_data_spec_classes (const NnbDataSpec *spec);
/* Whether spec's targets are class indices: a class kind, or a CSV file
 * with csv_class_targets (whose count is known once it is read). */
gboolean nnb_data_spec_has_classes (const NnbDataSpec *spec);

/* Draws (or reads) the data; generators consume gen exactly as the page's
 * PyTorch code consumes torch's generator. */
NnbDataset *nnb_dataset_new (const NnbDataSpec *spec, NnbGenerator *gen, GError **error);
void nnb_dataset_free (NnbDataset *dataset);

/* The CSV file of spec (NNB_DATA_CSV) read whole: its chosen columns as X
 * and y, not yet split nor standardised (the table). The file's errors
 * start with its name. */
NnbDataset *nnb_dataset_read_csv (const NnbDataSpec *spec, GError **error);
/* spec's data made from a table nnb_dataset_read_csv (or the import
 * dialog) read: a copy, split and standardised as nnb_dataset_new does, with
 * the same draws from gen; the same numbers as reading the file again. */
NnbDataset *nnb_dataset_new_from_table (const NnbDataSpec *spec, const NnbDataset *table, NnbGenerator *gen,
                                        GError **error);
/* A table from the rows nnb_csv_read_columns read; takes them (table is
 * cleared). */
NnbDataset *nnb_dataset_new_from_csv_table (NnbCsvTable *table);
/* A table's one target column read as class indices (data.class_targets):
 * sets n_classes to the largest plus one; refuses, in one sentence naming
 * the row, a value that is no whole number from 0 to 1,000,000, and more
 * than one target column. */
gboolean nnb_dataset_read_class_targets (NnbDataset *table, GError **error);
/* What a table read for spec stands for: the file (path, inode, size and
 * time of its last change) and the header and column choice. Equal keys,
 * equal tables; NULL for generated data or a file that is not there. */
char *nnb_data_spec_csv_key (const NnbDataSpec *spec);

/* The split and standardisation of spec (nnb-dataset-split.c), applied to
 * a dataset just drawn or read, whole: draws randperm from gen (the
 * default generator when NULL) only when spec->test_fraction > 0. Called
 * by nnb_dataset_new; refuses a split that leaves a side empty and a column
 * whose std is 0 or nan, in one sentence each. */
gboolean nnb_dataset_split_and_standardize (NnbDataset *dataset, const NnbDataSpec *spec, NnbGenerator *gen,
                                            GError **error);
/* int(n * test_fraction), as Python computes it: the test rows of n. */
int64_t nnb_data_test_rows (int64_t n, double test_fraction);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NnbDataset, nnb_dataset_free)

G_END_DECLS
