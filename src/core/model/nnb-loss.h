/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-loss.h — the loss functions with reduction='mean': nn.MSELoss,
 * nn.L1Loss, nn.CrossEntropyLoss (label_smoothing too), nn.NLLLoss,
 * nn.BCEWithLogitsLoss and nn.BCELoss.
 *
 * Like PyTorch, a target whose shape differs from the input's is broadcast
 * by MSELoss and L1Loss (CPU only), with PyTorch's UserWarning text kept in
 * `warning`: that is the page's (100,) against (100, 1) trap, which trains
 * on garbage. Class data (nnb-dataset.h's n_classes) holds class indices,
 * PyTorch's LongTensor of shape (n,), which the classification losses take
 * (or refuse with PyTorch's message). */
#pragma once

#include <glib.h>
#include "nnb-backend.h"
#include "nnb-confusion.h"
#include "nnb-tensor.h"

G_BEGIN_DECLS

typedef struct _NnbLoss NnbLoss;

NnbLoss *nnb_loss_new (NnbLossKind kind);
void nnb_loss_free (NnbLoss *loss);

const char *nnb_loss_kind_to_string (NnbLossKind kind);                  /* "MSELoss", "CrossEntropyLoss", … */
gboolean nnb_loss_kind_from_string (const char *text, NnbLossKind *out); /* also "mse", "l1", "cross-entropy", … */
/* Whether kind is one of the classification losses (not MSE or L1). */
gboolean nnb_loss_kind_is_classification (NnbLossKind kind);

/* What the targets are: with n_classes > 0, y (n, 1) holds class indices,
 * the LongTensor (n,) of the PyTorch program; float_targets says the
 * program turned them into floats of shape (n, 1) (y.float ().unsqueeze
 * (1)), as BCEWithLogitsLoss and BCELoss take them. Default: floats, no
 * classes. */
void nnb_loss_set_targets (NnbLoss *loss, int64_t n_classes, gboolean float_targets);
/* nn.CrossEntropyLoss (label_smoothing=…); 0 by default. */
void nnb_loss_set_label_smoothing (NnbLoss *loss, double label_smoothing);
/* How many of the last forward's predictions were right, for class data
 * with a classification loss (argmax for CrossEntropyLoss and NLLLoss,
 * logit > 0 for BCEWithLogitsLoss, p > 0.5 for BCELoss); −1 otherwise. */
int64_t nnb_loss_get_correct (NnbLoss *loss);
/* The last forward's predictions counted by true class (rows) and
 * predicted class (columns), by the same rule: its diagonal sums to
 * nnb_loss_get_correct. Owned by the loss; NULL when there is no rule, or
 * the data has more than NNB_CONFUSION_MAX_CLASSES classes. */
const NnbConfusion *nnb_loss_get_confusion (NnbLoss *loss);

/* loss_fn(pred, target): the mean loss in *value; remembers dL/dpred. */
gboolean nnb_loss_forward (NnbLoss *loss, NnbTensor *pred, NnbTensor *target,
                           double *value, GError **error);
/* dL/dpred of the last forward, shaped like pred (owned by the loss). */
NnbTensor *nnb_loss_grad (NnbLoss *loss);
/* PyTorch's broadcasting warning for the last forward, or NULL. */
const char *nnb_loss_get_warning (NnbLoss *loss);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NnbLoss, nnb_loss_free)

G_END_DECLS
