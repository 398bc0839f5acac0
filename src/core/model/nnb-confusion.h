/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-confusion.h — which class a classification loss reads from a row of
 * the model's outputs, and the confusion matrix that counts those
 * predictions by true class: ROWS ARE THE TRUE CLASSES, COLUMNS THE
 * PREDICTED CLASSES, as sklearn.metrics.confusion_matrix lays it out.
 *
 * Accuracy counts a prediction as right when it lands on the diagonal,
 * through the same nnb_confusion_count (nnb-loss-classes.c calls it for
 * every batch): one rule per loss, so the diagonal's sum is always the
 * number of right predictions. Lives beside the losses (model/) because
 * they count with it; the trainer and the CLI read it from there. */
#pragma once

#include <glib.h>
#include "nnb-backend.h"

G_BEGIN_DECLS

/* The most classes a matrix is kept for: a table beyond that is no longer
 * read (and a CSV's class indices may go up to a million). */
#define NNB_CONFUSION_MAX_CLASSES 20

/* How a loss turns a row of outputs into a class. */
typedef enum
{
  NNB_PREDICT_NONE,        /* no rule: regression, class probabilities as targets */
  NNB_PREDICT_ARGMAX,      /* CrossEntropyLoss, NLLLoss: y_hat.argmax(1) */
  NNB_PREDICT_LOGIT,       /* BCEWithLogitsLoss on one output: class 1 when y_hat > 0 */
  NNB_PREDICT_PROBABILITY, /* BCELoss on one output: class 1 when y_hat > 0.5 */
} NnbPredictRule;

/* The rule of kind for c outputs a row: class_data says the targets are
 * classes (given as indices, class_targets, or as 0/1 floats), as
 * nnb_class_loss's arguments do. */
NnbPredictRule nnb_predict_rule (NnbLossKind kind, gboolean class_data, gboolean class_targets, int64_t c);

/* The predicted class of one row of c outputs under rule: torch.argmax's
 * answer (the first of equal largest, a NaN counting as the largest), or 1
 * when the one output is above the threshold (a NaN is not: class 0). −1
 * for NNB_PREDICT_NONE. */
int64_t nnb_predict_class (NnbPredictRule rule, const float *row, int64_t c);

typedef struct
{
  int k;           /* classes: the matrix is k × k */
  int64_t *counts; /* counts[t * k + p]: rows of true class t predicted as class p */
} NnbConfusion;

/* A k × k matrix of zeros, 1 ≤ k ≤ NNB_CONFUSION_MAX_CLASSES. */
NnbConfusion *nnb_confusion_new (int k);
NnbConfusion *nnb_confusion_copy (const NnbConfusion *m);
void nnb_confusion_free (NnbConfusion *m);
void nnb_confusion_clear (NnbConfusion *m);
/* m += other (the same k). */
void nnb_confusion_add (NnbConfusion *m, const NnbConfusion *other);

/* Counts n rows of outputs pred (n, c) against their targets (n floats:
 * class indices, or the 0/1 floats of the binary losses) into m (may be
 * NULL: only the count). Returns how many were right: the rows whose
 * predicted class equals the target, each of which lands on m's diagonal.
 * A row whose true or predicted class is not below m->k (a model with
 * more outputs than the data has classes) is counted in no cell. */
int64_t nnb_confusion_count (NnbConfusion *m, NnbPredictRule rule, const float *pred, int64_t n, int64_t c,
                             const float *target);

int64_t nnb_confusion_get (const NnbConfusion *m, int true_class, int predicted);
int64_t nnb_confusion_correct (const NnbConfusion *m); /* the diagonal's sum */
int64_t nnb_confusion_total (const NnbConfusion *m);   /* every cell's sum */

/* The table nnblocks-cli train prints (and the exported code's
 * print_confusion), title first:
 *
 *   confusion matrix (rows: true class, columns: predicted class)
 *         predicted
 *   true    0    1
 *      0   52    3
 *      1    4   61
 *
 * every cell right-aligned to the widest number (at least 3 wide), lines
 * ending in '\n'. */
char *nnb_confusion_format (const NnbConfusion *m, const char *title);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NnbConfusion, nnb_confusion_free)

G_END_DECLS
