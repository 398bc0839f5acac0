/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-training.h — the training loop, as the page writes it:
 *
 *   for epoch in range(epochs):
 *       y_hat = model(X); loss = loss_fn(y_hat, y)
 *       optimizer.zero_grad(); loss.backward(); optimizer.step()
 *
 * with optional shuffled mini-batches (randperm every epoch, PyTorch's
 * stream) and an early stop below a loss. NnbTraining owns every buffer, so
 * an epoch allocates nothing once the first one has run. The CLI calls it
 * directly; the app's trainer (nnb-trainer.h) runs it on a worker thread. */
#pragma once

#include <glib.h>
#include "nnb-dataset.h"
#include "nnb-loss.h"
#include "nnb-optimizer.h"

G_BEGIN_DECLS

typedef struct
{
  int epochs;
  int64_t batch_size; /* 0: the full batch */
  double until_loss;  /* stop when an epoch's loss is below this; 0: never */
  int log_every;      /* log epochs 0, k, 2k, … and the last; 0: never */
  NnbLossKind loss;
  double label_smoothing; /* nn.CrossEntropyLoss (label_smoothing=…), 0 to 1 */
  NnbOptimizerOptions optimizer;
  NnbDevice device;
} NnbTrainingOptions;

void nnb_training_options_init (NnbTrainingOptions *options);

typedef struct _NnbTraining NnbTraining;

/* Moves the model to options->device, builds the optimizer after it (the
 * page's order) and copies the data there. gen draws the shuffles. */
NnbTraining *nnb_training_new (NnbModel *model, NnbDataset *data,
                               const NnbTrainingOptions *options, NnbGenerator *gen, GError **error);
void nnb_training_free (NnbTraining *training);

/* One epoch; *loss is the epoch's loss (the mean over its batches' losses,
 * or the full batch's loss as loss.item() prints it). Fails with
 * NNB_ERROR_DIVERGED when the loss is NaN or infinite: the message names the
 * epoch and suggests a smaller learning rate. */
gboolean nnb_training_epoch (NnbTraining *training, double *loss, GError **error);
int nnb_training_get_epoch (const NnbTraining *training); /* epochs completed */
/* Whether the data has held-out test rows (data->x_test). */
gboolean nnb_training_has_test_set (const NnbTraining *training);
/* The loss on the test rows after the last completed epoch's steps,
 * computed without gradients, as
 *   with torch.no_grad(): test_loss = loss_fn(model(X_test), y_test)
 * NAN without a test set or before the first epoch. */
double nnb_training_get_test_loss (const NnbTraining *training);
/* For class data with a classification loss (nnb_loss_get_correct), the
 * last completed epoch's share of right predictions, as
 *   correct += (y_hat.argmax(1) == y).sum().item()   # every forward pass
 *   accuracy = correct / len(X)
 * (logit > 0 for BCEWithLogitsLoss, p > 0.5 for BCELoss), and the same on
 * the test rows after the epoch's steps; NAN otherwise. */
double nnb_training_get_accuracy (const NnbTraining *training);
double nnb_training_get_test_accuracy (const NnbTraining *training);
/* The same predictions by class (nnb-confusion.h; rows: true class,
 * columns: predicted class): the last completed epoch's forward passes
 * over the training rows, whose diagonal sums to accuracy × len(X), and
 * the test rows after its steps. Owned by the training, valid until the
 * next epoch; NULL where the accuracy is NAN, or for more than
 * NNB_CONFUSION_MAX_CLASSES classes. */
const NnbConfusion *nnb_training_get_confusion (const NnbTraining *training);
const NnbConfusion *nnb_training_get_test_confusion (const NnbTraining *training);
NnbOptimizer *nnb_training_get_optimizer (NnbTraining *training);
const NnbTrainingOptions *nnb_training_get_options (const NnbTraining *training);
/* The loss's broadcasting warnings so far (char*, owned by the training):
 * each distinct one once, in the order they first came, as PyTorch's
 * default warning filter prints them. */
GPtrArray *nnb_training_get_warnings (NnbTraining *training);

/* Why a training loop stops: the one rule the CLI, the lesson and the
 * app's trainer share, each reporting it in its own words. */
typedef enum
{
  NNB_STOP_NONE,      /* not yet: train another epoch */
  NNB_STOP_FINISHED,  /* every epoch asked for has run */
  NNB_STOP_CONVERGED, /* the last epoch's loss went below until_loss */
  NNB_STOP_DIVERGED,  /* the loss became nan, or the last step left nan or infinite weights */
  NNB_STOP_FAILED,    /* any other error (out of memory, a device failing) */
} NnbStopReason;

typedef struct
{
  int epochs;        /* stop once this many epochs have run; -1: never (the app's "until stopped") */
  double until_loss; /* stop when an epoch's loss is below this; 0: never */
} NnbStopRule;

/* The rule options ask for: their epochs and until_loss, as they are. */
void nnb_stop_rule_init (NnbStopRule *rule, const NnbTrainingOptions *options);
/* The rule after epochs_done epochs, the last of which gave loss (before
 * the first: 0 and any loss). A nan loss comes first, then the target,
 * then the count, so that the last epoch can still converge. An infinite
 * loss alone goes on, as PyTorch's loop does (see nnb_training_epoch). */
NnbStopReason nnb_training_should_stop (const NnbStopRule *rule, int epochs_done, double loss);
/* One nnb_training_epoch, then the rule. NNB_STOP_DIVERGED and
 * NNB_STOP_FAILED set error; *loss is the epoch's loss either way. */
NnbStopReason nnb_training_run_epoch (NnbTraining *training, const NnbStopRule *rule, double *loss,
                                      GError **error);
/* After the loop, whatever ended it: the loss an epoch reports comes
 * before its last step, so that step may still have left nan or infinite
 * weights. Unless training diverged or failed already, this looks; if it
 * did, puts back the last weights that gave a finite loss and returns
 * NNB_STOP_DIVERGED with error set, as for a nan loss. Else reason. */
NnbStopReason nnb_training_finish (NnbTraining *training, NnbStopReason reason, GError **error);

/* Watching a step (nnb-step-explain.h records one): the observer is called
 * inside every step the training takes, at these points of its loop */
typedef enum
{
  NNB_STEP_STAGE_LOSS,      /* loss = loss_fn(model(X), y) has run */
  NNB_STEP_STAGE_ZERO_GRAD, /* optimizer.zero_grad() is next: .grad still holds what it clears */
  NNB_STEP_STAGE_BACKWARD,  /* loss.backward() has run; optimizer.step() is next */
  NNB_STEP_STAGE_STEP,      /* optimizer.step() has run */
} NnbStepStage;

typedef struct
{
  NnbModel *model;
  NnbOptimizer *optimizer;
  NnbLoss *loss_fn;   /* its last forward is this step's */
  NnbTensor *x, *y;   /* the step's (mini-)batch, on the device */
  double loss;        /* loss.item () */
  int epoch;          /* epochs completed before this one */
  int batch;          /* the step's mini-batch in its epoch, from 0 */
  gboolean zero_grad; /* at NNB_STEP_STAGE_ZERO_GRAD: set FALSE to skip it, so grads add up */
} NnbStepContext;

/* FALSE with error set stops the epoch with that error. */
typedef gboolean (*NnbStepObserver) (NnbStepStage stage, NnbStepContext *context, gpointer user_data,
                                     GError **error);
/* Calls observer in every step from now on; NULL stops. Steps that stop
 * early (a nan loss) skip the stages they do not reach. */
void nnb_training_set_observer (NnbTraining *training, NnbStepObserver observer, gpointer user_data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NnbTraining, nnb_training_free)

G_END_DECLS
