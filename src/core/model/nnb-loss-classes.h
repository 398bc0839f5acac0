/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-loss-classes.h — the classification losses on host memory, for
 * nnb-loss.c: nn.CrossEntropyLoss (class indices or class probabilities,
 * label_smoothing), nn.NLLLoss, nn.BCEWithLogitsLoss and nn.BCELoss, all
 * with reduction='mean', as PyTorch 1.13's CPU kernels compute them. */
#pragma once

#include <glib.h>
#include "nnb-backend.h"
#include "nnb-confusion.h"

G_BEGIN_DECLS

typedef struct
{
  NnbLossKind kind;
  const float *pred; /* (n, c), row-major */
  int64_t n, c;
  /* Class indices (class_targets: n of them, each a whole number stored
   * as a float, PyTorch's LongTensor of shape (n,)) or float targets of
   * shape (target_rows, target_cols). */
  const float *target;
  gboolean class_targets;
  int64_t target_rows, target_cols;
  double label_smoothing;  /* CrossEntropyLoss only */
  float *grad;             /* (n, c): dL/dpred, written; may be NULL */
  float *scratch;          /* nnb_class_loss_scratch_size (n, c) floats of room */
  NnbConfusion *confusion; /* may be NULL; the batch's predictions are added to it */
} NnbClassLossCall;

/* The loss's value in *value and, for class data (class_indices, or float
 * targets that are 0 and 1), the predictions that were right in *correct
 * (−1 when the loss has no rule for it, nnb_predict_rule), counted by
 * nnb_confusion_count into call->confusion. Fails with PyTorch's message for
 * a target it would refuse: "Target 3 is out of bounds.", "0D or 1D
 * target tensor expected, multi-target not supported", "Target size (…)
 * must be the same as input size (…)", … */
gboolean nnb_class_loss (const NnbClassLossCall *call, gboolean class_data, double *value, int64_t *correct,
                         GError **error);

/* The floats of scratch call needs. */
gsize nnb_class_loss_scratch_size (int64_t n, int64_t c);

G_END_DECLS
