/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-document.h — one open project, as a window shows it: the project
 * (model, positions, recipe, training settings), the dataset it built, the
 * trainer while there is one, the file it came from and whether it changed
 * since. Plain GObject, no widgets; the window owns one at a time.
 *
 * Threads: loading runs on a GTask worker. While the trainer runs, the
 * model belongs to the trainer's worker: read snapshots, not the model, and
 * change nothing (nnb_document_is_training says when). Views that wait for
 * a run to end follow the "training-state" property rather than polling
 * the trainer. */
#pragma once

#include <gio/gio.h>

#include "nnb-data-plot.h" /* NNB_DATA_PLOT_GRID_POINTS */
#include "nnb-project.h"
#include "nnb-trainer.h"

G_BEGIN_DECLS

/* Where training stands, as the window shows it (the "training-state"
 * property). */
typedef enum
{
  NNB_TRAINING_IDLE,     /* no trainer, or one that has not started */
  NNB_TRAINING_RUNNING,  /* training, or about to: Train was pressed */
  NNB_TRAINING_PAUSED,   /* between epochs: Train or Step goes on */
  NNB_TRAINING_FINISHED, /* the run ended: all epochs, the target loss, a NaN, an error */
} NnbTrainingState;

#define NNB_TYPE_TRAINING_STATE (nnb_training_state_get_type ())
GType nnb_training_state_get_type (void);

#define NNB_TYPE_DOCUMENT (nnb_document_get_type ())
G_DECLARE_FINAL_TYPE (NnbDocument, nnb_document, NNB, DOCUMENT, GObject)

/* Points on the data plot's grid of predictions: the files' too. */
#define NNB_DOCUMENT_GRID_POINTS NNB_DATA_PLOT_GRID_POINTS

/* Reads and builds the project (keeping the file's weights) off the main
 * thread. Errors are sentences for the student. */
void nnb_document_load_async (GFile *file,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data);
NnbDocument *nnb_document_load_finish (GAsyncResult *result, GError **error);
/* Takes project and dataset (built from it just before, on this thread:
 * the shuffles draw from where that left PyTorch's default generator): a
 * project made in memory, such as a lesson step's model, with no file until
 * it is saved. */
NnbDocument *nnb_document_new (NnbProject *project, NnbDataset *dataset, const char *name);

/* A new project: an empty diagram (its input and its output block), the
 * default data and training settings, named "Untitled", with no file. */
NnbDocument *nnb_document_new_empty (GError **error);
/* An untitled copy of a project given as .nnb text (a built-in example):
 * its weights, its name, and no file, so Save asks where to write it. */
NnbDocument *nnb_document_new_from_data (GBytes *bytes, const char *name, GError **error);

GFile *nnb_document_get_file (NnbDocument *self);
/* Makes the document an untitled copy: it keeps its name and forgets its
 * file (one of the program's own), so Save asks where to write it. */
void nnb_document_forget_file (NnbDocument *self);

/* The name shown when the document has no file (a recovered untitled
 * project keeps the name it had). */
void nnb_document_set_name (NnbDocument *self, const char *name);

/* The run the weights came from, when no trainer remembers it (a project
 * recovered after a crash): state (a finished one, or PAUSED) and the loss
 * of each epoch (double). Forgotten when a trainer is made or dropped, as
 * a trainer's own record is. NNB_TRAINER_IDLE when there is none. */
void nnb_document_set_past_run (NnbDocument *self, NnbTrainerState state, GArray *losses);
NnbTrainerState nnb_document_get_past_run (NnbDocument *self, GArray **losses);
/* The past run's history of the norms, as its trainer's snapshot held it
 * (NnbSnapshot's norm_epochs, value_norms and grad_norms: the parameters'
 * norms point by point), set after nnb_document_set_past_run (which forgets
 * them), forgotten with the run. Not kept when there is no past run, when
 * any is NULL or empty, or when value_norms and grad_norms do not hold a
 * norm for each of the model's parameters at each point. get: FALSE (and
 * NULLs) when none. */
void nnb_document_set_past_norms (NnbDocument *self, GArray *norm_epochs, GArray *value_norms, GArray *grad_norms);
gboolean nnb_document_get_past_norms (NnbDocument *self, GArray **norm_epochs, GArray **value_norms, GArray **grad_norms);
/* The past run as a trainer's snapshot would show it: the fitted curve and
 * the parameters' norms of the weights as they are, the state, the losses
 * and the norms' history of the run (the history only when it has as many
 * norms per point as the model has parameters). NULL when there is none.
 * Not while training. */
NnbSnapshot *nnb_document_snapshot_past_run (NnbDocument *self);

/* TRUE for a lesson step's model as Show me made it (trained or not):
 * Show me makes it again, so replacing it loses nothing. Editing the
 * diagram or the settings makes it the student's own work (FALSE). */
gboolean nnb_document_get_replayable (NnbDocument *self);
void nnb_document_set_replayable (NnbDocument *self, gboolean replayable);
/* The file's name without ".nnb". */
const char *nnb_document_get_name (NnbDocument *self);
NnbProject *nnb_document_get_project (NnbDocument *self);
NnbDataset *nnb_document_get_dataset (NnbDocument *self);

gboolean nnb_document_get_dirty (NnbDocument *self);
void nnb_document_set_dirty (NnbDocument *self, gboolean dirty);

/* The trainer, made on first use from the project's training settings with
 * a plotting grid over the data's x range. NULL with error when the
 * settings are refused (e.g. a negative learning rate). */
NnbTrainer *nnb_document_ensure_trainer (NnbDocument *self, GError **error);
NnbTrainer *nnb_document_get_trainer (NnbDocument *self); /* may be NULL */
/* Stops and frees the trainer: changed settings apply to the next one. */
void nnb_document_drop_trainer (NnbDocument *self);
gboolean nnb_document_is_training (NnbDocument *self);

/* "training-state", notified on the main thread. The worker never waits
 * for anyone, so the window, which takes its snapshots on the frame clock,
 * says how the run goes: running when it starts the trainer, then what
 * each snapshot it shows says. Dropping the trainer sets it back to
 * NNB_TRAINING_IDLE. */
NnbTrainingState nnb_document_get_training_state (NnbDocument *self);
void nnb_document_set_training_state (NnbDocument *self, NnbTrainingState state);

/* Replays the recipe without the file's weights: the model as it was
 * before any training. Drops the trainer. Emits ::rebuilt. */
gboolean nnb_document_reset (NnbDocument *self, GError **error);

/* The data panel changed the data's recipe: spec (copied) and seed replace
 * the project's, and the recipe is replayed as Reset does: the data drawn
 * again, the weights as the recipe draws them after it, the trainer
 * dropped, ::rebuilt emitted, the document dirty and the student's own. On
 * error (a split that leaves a side empty, a column that cannot be
 * standardised) nothing but the trainer changes. Not while training. */
gboolean nnb_document_set_data_spec (NnbDocument *self, const NnbDataSpec *spec, guint64 seed, GError **error);
/* nnb_document_set_data_spec for a CSV file whose chosen columns table
 * (nnb_dataset_read_csv's kind, not split) already holds, read on a worker:
 * the file is not read again, so Import costs a copy, not a parse. Takes
 * table, whatever the outcome. */
gboolean nnb_document_import_csv (NnbDocument *self, const NnbDataSpec *spec, guint64 seed, NnbDataset *table,
                                  GError **error);

/* The editor changed the graph: model (a new structure, parameters to be
 * made) and positions (one per node) replace the project's, the recipe is
 * replayed with the project's seeds so the parameters are what PyTorch
 * would draw for this structure, and ::rebuilt is emitted. Drops the
 * trainer. On error nothing changes. Takes neither argument's ownership. */
gboolean nnb_document_replace_model (NnbDocument *self, NnbModel *model, GArray *positions, GError **error);
/* Blocks moved: the positions (one per node) replace the project's; the
 * parameters stay. */
void nnb_document_set_positions (NnbDocument *self, GArray *positions);

/* The project as .nnb text with its current weights. Not while training. */
GBytes *nnb_document_serialize (NnbDocument *self, GError **error);
/* The same, as file will hold it: a CSV file inside file's folder is named
 * relative to it (nnb_project_to_data_for). */
GBytes *nnb_document_serialize_for (NnbDocument *self, GFile *file, GError **error);
void nnb_document_set_file (NnbDocument *self, GFile *file);

G_END_DECLS
