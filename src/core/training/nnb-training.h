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
  int64_t batch_size;    /* 0: the full batch */
  double until_loss;     /* stop when an epoch's loss is below this; 0: never */
  int log_every;         /* log epochs 0, k, 2k, … and the last; 0: never */
  NnbLossKind loss;
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
/* After the last epoch: the loss an epoch reports comes before its last
 * step, so that step may still have left NaN or infinite weights. If it
 * did, puts back the last weights that gave a finite loss and fails with
 * NNB_ERROR_DIVERGED, as nnb_training_epoch does when the loss is nan. */
gboolean nnb_training_check_weights (NnbTraining *training, GError **error);
int nnb_training_get_epoch (const NnbTraining *training); /* epochs completed */
NnbOptimizer *nnb_training_get_optimizer (NnbTraining *training);
/* The loss's broadcasting warnings so far (char*, owned by the training):
 * each distinct one once, in the order they first came, as PyTorch's
 * default warning filter prints them. */
GPtrArray *nnb_training_get_warnings (NnbTraining *training);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NnbTraining, nnb_training_free)

G_END_DECLS
