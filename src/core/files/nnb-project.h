/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-project.h — a .nnb project: the model's graph with block positions,
 * how it is initialised (seeds, init methods), the dataset, the training
 * settings and, optionally, trained weights. JSON through json-glib,
 * documented in docs/file-format.md.
 *
 * A project is a recipe that replays the page's order exactly:
 *   torch.manual_seed(seed); data = …;            (dataset)
 *   [torch.manual_seed(model_seed)]; model = …;   (construction: default init)
 *   [torch.manual_seed(init_seed)]; model.apply(init_weights)
 * so that the same file gives the same numbers as PyTorch. */
#pragma once

#include <glib.h>
#include "nnb-dataset.h"
#include "nnb-model.h"
#include "nnb-training.h"

G_BEGIN_DECLS

#define NNB_PROJECT_FORMAT_VERSION 1

/* The largest "epochs" (and "log_every") a project file may hold; the CLI
 * refuses more, so that what it saves always loads again. */
#define NNB_PROJECT_MAX_EPOCHS 100000000
/* The most data points (and the largest batch) a project may ask for. */
#define NNB_PROJECT_MAX_POINTS 10000000

typedef struct
{
  double x, y; /* block position in the diagram, in diagram units */
} NnbBlockPosition;

typedef struct
{
  char *title;             /* shown in the window title; may be NULL */
  NnbModel *model;         /* the graph; parameters as built by the recipe or loaded */
  GArray *positions;       /* NnbBlockPosition per model node (same index) */
  guint64 seed;            /* manual_seed before the data */
  gboolean has_model_seed; /* reseed before building the model */
  guint64 model_seed;
  NnbInitMethod init_weight; /* applied to every Linear's weight after construction */
  NnbInitMethod init_bias;
  gboolean has_init_seed; /* reseed before apply(init) */
  guint64 init_seed;
  NnbDataSpec data;
  NnbTrainingOptions training;
  gboolean has_weights; /* the model's parameters came from the file */
  /*< private >*/
  /* The CSV file's table as last read (nnb_dataset_read_csv) and what it
   * stands for (nnb_data_spec_csv_key): the app rebuilds the data on every
   * edit, and a million rows take a second to read. NULL for drawn data. */
  NnbDataset *csv_table;
  char *csv_table_key;
} NnbProject;

NnbProject *nnb_project_new (void);
/* A new project around an imported model (nnblocks-cli import-code, the
 * app's Paste PyTorch Code): the default settings, data that fits the
 * model's input width where there is some (three inputs: the Day 2 page's
 * X = randn(n, 3), so its models show their shapes; otherwise the default
 * line, and a first block that does not fit it turns red as in any
 * project), and the automatic layout. Takes a reference to model. */
NnbProject *nnb_project_new_for_model (NnbModel *model);
void nnb_project_free (NnbProject *project);

/* Reads a .nnb file; refuses newer versions and malformed content with a
 * sentence that says what is wrong and where. */
NnbProject *nnb_project_load (const char *path, GError **error);
NnbProject *nnb_project_load_from_data (const char *json, gsize length, GError **error);
/* Saves atomically (nnb_file_write): a crash or a full disk never leaves half a file. */
gboolean nnb_project_save (NnbProject *project, const char *path, gboolean with_weights, GError **error);
char *nnb_project_to_data (NnbProject *project, gboolean with_weights, gsize *length, GError **error);
/* The text nnb_project_save would write to path: a CSV file inside path's
 * folder named relative to it, so the folder can move as a whole. */
char *nnb_project_to_data_for (NnbProject *project, gboolean with_weights, const char *path, gsize *length,
                               GError **error);

/* Replays the recipe: seeds, draws the data, rebuilds every parameter and
 * applies the init. The returned dataset is new; the model's parameters are
 * replaced (the file's weights too, unless keep_weights and has_weights). */
NnbDataset *nnb_project_build (NnbProject *project, gboolean keep_weights, GError **error);
/* Gives the project a table read for its data as data is now, so that the
 * next build does not read the file again (the import dialog has read it
 * on a worker); takes table. */
void nnb_project_set_csv_table (NnbProject *project, NnbDataset *table);
/* nnb_project_build, then *shuffle = the default generator as the recipe
 * left it: what a training run starts from. The page's loop draws its
 * randperm from there, so `nnblocks-cli train` and the app both start a run
 * this way and shuffle alike ("one engine, one answer"). */
NnbDataset *nnb_project_build_for_training (NnbProject *project, gboolean keep_weights,
                                            NnbGenerator *shuffle, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NnbProject, nnb_project_free)

G_END_DECLS
