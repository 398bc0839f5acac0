/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-trainer.h — training on a worker thread, for the app.
 *
 * The hand-off, in one place: the worker runs nnb_training_run_epoch in a
 * loop, until the engine's stop rule (nnb-training.h) or a command ends
 * it, and never waits for the UI. After an epoch, when at least
 * publish_interval_us has passed since the last one (and always on a state
 * change), it builds a new immutable NnbSnapshot and swaps it in under a
 * mutex held only for the pointer swap. The UI takes the latest snapshot
 * with nnb_trainer_get_snapshot on its frame clock, reads it at leisure and
 * unrefs it. Commands (pause, step, resume, stop) set flags the worker reads
 * between steps, so they take effect within one training step. */
#pragma once

#include <glib.h>
#include "nnb-step-explain.h"
#include "nnb-training.h"
#include "nnb-units.h"

G_BEGIN_DECLS

typedef enum
{
  NNB_TRAINER_IDLE, /* built, not started */
  NNB_TRAINER_RUNNING,
  NNB_TRAINER_PAUSED,
  NNB_TRAINER_CONVERGED, /* the loss went below until_loss */
  NNB_TRAINER_FINISHED,  /* all epochs done */
  NNB_TRAINER_STOPPED,   /* stopped on request */
  NNB_TRAINER_DIVERGED,  /* nan loss, or the last step blew the weights up; message says what to try */
  NNB_TRAINER_FAILED,    /* any other error; message says what */
} NnbTrainerState;

/* Rows of the training data whose predictions a snapshot carries, for a
 * model whose outputs are not drawn as curves over x (more than one
 * input, or no plotting grid). */
#define NNB_TRAINER_MAX_CHECK_ROWS 256

/* The decision boundary's cells along each side (NnbSnapshot.boundary_*). */
#define NNB_TRAINER_BOUNDARY_SIZE 100

/* Points of norm history kept at most; beyond it every other one goes. */
#define NNB_TRAINER_MAX_NORM_POINTS 2048

typedef struct
{
  char *name;        /* "fc1.weight" */
  double value_norm; /* ‖w‖₂ */
  double grad_norm;  /* ‖∂L/∂w‖₂ of the last step */
} NnbParameterStats;

typedef struct
{
  NnbTrainerState state;
  int epoch;      /* epochs completed */
  double loss;    /* loss of the last completed epoch */
  GArray *losses; /* double, one per completed epoch */
  /* double, the test loss after each completed epoch (parallel to losses)
   * when the data has a test set; empty without one */
  GArray *test_losses;
  /* double, the accuracy and the test accuracy after each completed epoch
   * (nnb_training_get_accuracy), for class data under a classification
   * loss; empty otherwise */
  GArray *accuracies;
  GArray *test_accuracies;
  /* the last completed epoch's predictions by class, beside its accuracy
   * (nnb_training_get_confusion; rows: true class, columns: predicted
   * class), on the training rows and, with a test set, the test rows;
   * NULL where there is no accuracy (or more classes than
   * NNB_CONFUSION_MAX_CLASSES) */
  NnbConfusion *confusion;
  NnbConfusion *test_confusion;
  GArray *parameters; /* NnbParameterStats, named_parameters() order */
  /* Every parameter's norms epoch by epoch, recorded as the losses are
   * (long runs thinned to NNB_TRAINER_MAX_NORM_POINTS points, keeping
   * every other one): norm_epochs holds the loop's counter of each point
   * (double, from 0), value_norms and grad_norms parameters->len doubles
   * per point, in parameters' order. */
  GArray *norm_epochs;
  GArray *value_norms;
  GArray *grad_norms;
  /* the model's output on the plotting grid (models with one input):
   * n_grid points x ascending, and for each grid_outputs numbers (1, or k
   * for a model fitting k target columns), row by row as the forward's
   * (n_grid, k) output: grid_y[i * grid_outputs + j] = model(grid_x[i])[j] */
  int n_grid;
  int grid_outputs;
  float *grid_x;
  float *grid_y;
  /* for the other models: the first training rows' targets and the
   * model's predictions for them, n_check numbers each (rows × outputs,
   * row by row; at most NNB_TRAINER_MAX_CHECK_ROWS rows) */
  int n_check;
  float *check_true;
  float *check_pred;
  /* The decision boundary, for a model with two inputs trained on class
   * data (nnb-dataset.h's n_classes) under a classification loss: its
   * class probabilities (nnb_model_class_probabilities, softmax of the
   * outputs for CrossEntropyLoss, …) on boundary_size × boundary_size
   * cells (NNB_TRAINER_BOUNDARY_SIZE) tiling boundary_extent = { x₁ min,
   * x₁ max, x₂ min, x₂ max } (nnb_class_boundary_extent: the data's
   * range, padded), computed at each snapshot. Cell (i, j), column i from
   * the left and row j from the bottom, is at index j * boundary_size + i
   * and was evaluated at its centre, the floats
   *   x₁ = (float) (min₁ + (max₁ − min₁) · (i + 0.5) / boundary_size)
   * and x₂ likewise with j. It keeps the predicted class, the most
   * probable (the first of equals, as argmax), in boundary_class, and
   * that class's probability in boundary_prob. boundary_classes counts the
   * classes (2 for the binary losses' one output). boundary_size 0: none
   * (other data or losses, or a forward that failed). */
  int boundary_size;
  int boundary_classes;
  double boundary_extent[4];
  guint8 *boundary_class;
  float *boundary_prob;
  /* The watched block's units (nnb_trainer_watch_node): its output on
   * the plotting grid — for one input the grid above, from the same
   * forward as grid_y; for two, NNB_UNITS_GRID_SIZE² cells over the
   * data's extent — unit-major, as nnb-units.h describes. NULL when no
   * block is watched (nothing is computed then), or the forward failed.
   * Check units->node and ->layer: a snapshot published before a new
   * watch still shows the old block. */
  NnbUnits *units;
  /* what the model computes depends on its mode (a Dropout in it), and
   * whether the pictures above (curve, checks, boundary, units) were drawn
   * in train mode (nnb_trainer_set_draw_training) or, as by default, eval */
  gboolean has_mode;
  gboolean drawn_training;
  char *message;        /* for DIVERGED and FAILED */
  gint64 published_us;  /* g_get_monotonic_time () when published */
  gint64 worker_cpu_us; /* the publishing thread's CPU time then (bench/app-speed) */
  /* The latest copy of the parameters' values that was asked for with
   * nnb_trainer_request_values (NnbTensor* on the CPU, parallel to
   * parameters; shared by the snapshots that follow, never changed), and
   * the epoch it was taken at; NULL and -1 before the first request. */
  GPtrArray *values;
  int values_epoch;
  /* The stages of the last step nnb_trainer_explain_step asked for
   * (shared, read-only, by the snapshots that follow; nnb-step-explain.h),
   * NULL before the first. A new one is a new pointer. */
  NnbStepExplain *explain;
  /*< private >*/
  gint ref_count;
} NnbSnapshot;

NnbSnapshot *nnb_snapshot_ref (NnbSnapshot *snapshot);
void nnb_snapshot_unref (NnbSnapshot *snapshot);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NnbSnapshot, nnb_snapshot_unref)

typedef struct _NnbTrainer NnbTrainer;

/* The trainer owns a reference to the model and borrows the data and the
 * shuffle generator; the caller must not touch the model or shuffle while
 * the worker runs (take snapshots instead), and frees the trainer first.
 * shuffle is the state the mini-batches' randperm draws from, as
 * nnb_project_build_for_training leaves it; the worker advances it in
 * place, so a later trainer given the same one draws on from where this
 * one stopped, as a second training loop in the same PyTorch script would.
 * grid_min/grid_max span the plotting grid of n_grid points (0: none). */
NnbTrainer *nnb_trainer_new (NnbModel *model, NnbDataset *data, const NnbTrainingOptions *options,
                             NnbGenerator *shuffle, int n_grid, double grid_min, double grid_max,
                             GError **error);
/* Stops the worker (if running) and frees everything. */
void nnb_trainer_free (NnbTrainer *trainer);

void nnb_trainer_start (NnbTrainer *trainer); /* runs, or resumes when paused */
void nnb_trainer_pause (NnbTrainer *trainer);
void nnb_trainer_step (NnbTrainer *trainer); /* one epoch, then paused */
/* nnb_trainer_step, recording the epoch's first step stage by stage: the
 * snapshot published after it carries the record (NnbSnapshot.explain).
 * skip_zero_grad leaves that step's optimizer.zero_grad () out, so its
 * gradients add onto the last ones. */
void nnb_trainer_explain_step (NnbTrainer *trainer, gboolean skip_zero_grad);
void nnb_trainer_stop (NnbTrainer *trainer); /* ends the worker; waits for it */
/* Changes the learning rate between steps. */
void nnb_trainer_set_lr (NnbTrainer *trainer, double lr);
/* Asks the worker for a copy of the weights without stopping it: after the
 * step in progress it publishes a snapshot whose values hold them (how the
 * app autosaves a model while it trains); later snapshots keep that copy
 * until the next request. A worker that is not running publishes nothing;
 * read the model then, as the window does. */
void nnb_trainer_request_values (NnbTrainer *trainer);

/* Which block's units the snapshots carry: node's output (layer -1) or
 * that of the layer-th layer of the Sequential it calls (as
 * nnb_model_node_output); node -1 watches nothing. Thread-safe; the
 * worker reads it when it publishes. A paused trainer publishes a
 * snapshot with the new block's units at once; one that is not running
 * builds it on the calling thread. */
void nnb_trainer_watch_node (NnbTrainer *trainer, int node, int layer);

/* Which mode snapshots draw their pictures in: eval (FALSE, the default:
 * predictions as after model.eval()) or train, Dropout's masks applied.
 * Training always runs in train mode. Train-mode pictures draw their masks
 * from a generator of the trainer's own, so they never move the training's
 * stream. Thread-safe; republishes as nnb_trainer_watch_node does. */
void nnb_trainer_set_draw_training (NnbTrainer *trainer, gboolean training);

/* The latest published snapshot (never NULL after nnb_trainer_new). */
NnbSnapshot *nnb_trainer_get_snapshot (NnbTrainer *trainer);
NnbTrainerState nnb_trainer_get_state (NnbTrainer *trainer);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NnbTrainer, nnb_trainer_free)

G_END_DECLS
