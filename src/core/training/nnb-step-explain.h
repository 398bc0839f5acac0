/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-step-explain.h — one training step, stage by stage, with its numbers:
 *
 *   loss = loss_fn(model(X), y)   # Forward and Loss
 *   optimizer.zero_grad()         # Zero grad
 *   loss.backward()               # Backward
 *   optimizer.step()              # Step
 *
 * The record is taken from inside the step training takes (an observer on
 * nnb-training.c's loop), not from a second forward, loss, backward or
 * optimizer: what it shows is what training did, on any device (every
 * tensor here is a copy on the CPU). */
#pragma once

#include <glib.h>
#include "nnb-training.h"

G_BEGIN_DECLS

/* One value the forward computed: a wire of the diagram */
typedef struct
{
  int node;         /* its index in model->nodes */
  int layer;        /* -1: the node's output; else the output of layer `layer` of the Sequential it calls */
  char *label;      /* the block's name ("fc1", "add", "out"), or the layer's as PyTorch names it ("net.0") */
  NnbTensor *value; /* Forward: the tensor on the wire */
  NnbTensor *grad;  /* Backward: dL/d value, summed over every block it feeds (NULL for the input) */
} NnbStepWire;

/* One call's part of a parameter's .grad: what backward through that call
 * of the module added into .grad */
typedef struct
{
  int node;        /* the block that calls the module */
  int layer;       /* -1: the module is the block's; else layer `layer` of the Sequential it calls */
  NnbTensor *grad; /* the call's contribution, the parameter's shape */
} NnbStepCall;

/* One parameter through the step, in named_parameters() order */
typedef struct
{
  char *name;            /* "fc1.weight" */
  gboolean stepped;      /* step() changed it: it requires grad and backward reached it */
  NnbTensor *grad_prior; /* .grad as zero_grad found it; NULL while PyTorch's .grad is None */
  NnbTensor *grad;       /* .grad after backward: what step() reads; NULL if backward never reached it */
  /* a module called more than once: NnbStepCall*, each call's part, in the
   * forward's order; .grad = grad_prior (or 0) + their sum. NULL for a
   * module called once */
  GPtrArray *calls;
  NnbTensor *before; /* the value before step() */
  NnbTensor *after;  /* the value after step() */
  /* optimizer.state[p] before and after step(); NULL where there is none
   * (before: also at the first step, where step() creates it) */
  NnbTensor *momentum_before, *momentum_after;     /* SGD with momentum */
  NnbTensor *exp_avg_before, *exp_avg_after;       /* Adam's m */
  NnbTensor *exp_avg_sq_before, *exp_avg_sq_after; /* Adam's v */
  int step;                                        /* state['step'] after step() */
} NnbStepParameter;

typedef struct
{
  int epoch;        /* epochs completed before the step */
  int batch;        /* its mini-batch in the epoch: 0, the first */
  NnbTensor *x, *y; /* the batch: input and target */
  GPtrArray *wires; /* NnbStepWire*, in the forward's order, input first, output last */
  NnbLossKind loss_kind;
  double loss;          /* loss.item (), the trainer's loss for this step */
  NnbTensor *loss_grad; /* dL/d prediction: the gradient backward starts from */
  NnbOptimizerOptions optimizer;
  gboolean zero_grad_skipped; /* the step ran without optimizer.zero_grad () */
  GPtrArray *parameters;      /* NnbStepParameter* */
  /*< private >*/
  gint ref_count;
} NnbStepExplain;

/* Trains the next epoch, as nnb_training_epoch does, and records its first
 * step: the next (mini-)batch training takes. skip_zero_grad runs that step
 * without zero_grad, so its gradients add onto the ones already there.
 * *epoch_loss gets the epoch's loss. NULL with error set when the epoch
 * fails (a nan loss: NNB_ERROR_DIVERGED, as nnb_training_epoch). */
NnbStepExplain *nnb_step_explain_next (NnbTraining *training, gboolean skip_zero_grad, double *epoch_loss,
                                       GError **error);
/* Records are read-only once made: the trainer's snapshots share one */
NnbStepExplain *nnb_step_explain_ref (NnbStepExplain *explain);
void nnb_step_explain_unref (NnbStepExplain *explain);

/* The same for a loop that runs elsewhere (the app's trainer, on its
 * worker): attach, then whatever runs the training's next epoch
 * (nnb_training_run_epoch), then detach, on that thread. Detach returns
 * the record of the epoch's first step, or NULL when none was completed
 * (the epoch failed, or none ran); it frees the recording either way. */
typedef struct _NnbStepRecording NnbStepRecording;
NnbStepRecording *nnb_step_explain_attach (NnbTraining *training, gboolean skip_zero_grad);
NnbStepExplain *nnb_step_explain_detach (NnbStepRecording *recording);

/* The wire of a node (layer -1) or of a Sequential's layer; NULL if none. */
const NnbStepWire *nnb_step_explain_find_wire (const NnbStepExplain *explain, int node, int layer);
/* The wire carrying the model's prediction (the output node's). */
const NnbStepWire *nnb_step_explain_prediction (const NnbStepExplain *explain);
/* MSELoss and L1Loss: the i-th element's term of the mean, (ŷ − y)² or
 * |ŷ − y|, whose mean over the batch is the loss; NAN for other losses. */
double nnb_step_explain_loss_term (const NnbStepExplain *explain, int64_t i);
/* The loss's formula, as one line: "mean((y_hat - y)^2)" and the like. */
const char *nnb_step_explain_loss_formula (NnbLossKind kind);
/* What the CLI, the step bar and the diagram's cards print of a recorded
 * tensor (a host copy), in double: its smallest, mean and largest value;
 * its 2-norm (0 for NULL); and how far step() moved a parameter,
 * ‖after − before‖. */
void nnb_step_explain_range (const NnbTensor *tensor, double *min, double *mean, double *max);
double nnb_step_explain_norm (const NnbTensor *tensor);
double nnb_step_explain_change (const NnbStepParameter *parameter);
/* The update of element `element` of parameter `index` as PyTorch's
 * step() computes it, one line per formula with its numbers, ending with
 * the new value training got; NULL when that parameter did not step. */
char *nnb_step_explain_update_text (const NnbStepExplain *explain, guint index, int64_t element);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NnbStepExplain, nnb_step_explain_unref)

G_END_DECLS
