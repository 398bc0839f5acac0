/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-class-probabilities.h — what a classifier says about its inputs: the
 * model's class probabilities for a batch, read from its outputs the way
 * its loss reads them, and the input plane a picture of them spans. One
 * place for the app's decision boundary (nnb-trainer.h) and any other
 * picture of it, so that what is drawn is what the model computes. */
#pragma once

#include <glib.h>
#include "nnb-dataset.h"
#include "nnb-loss.h"
#include "nnb-model.h"

G_BEGIN_DECLS

/* How many class probabilities a row gets from a model with `outputs`
 * outputs trained with loss: the outputs themselves (at least 2) for
 * CrossEntropyLoss and NLLLoss; 2 for BCEWithLogitsLoss and BCELoss on
 * one output (p of class 1, and 1 − p of class 0); 0 where the loss reads
 * no classes (MSELoss, L1Loss) or the outputs cannot be them. */
int nnb_class_count (NnbLossKind loss, int64_t outputs);

/* The class probabilities of n rows of `outputs` outputs each (host
 * memory, row by row), into probs (n × nnb_class_count floats; may be
 * outputs when that holds them): as PyTorch computes them from what the
 * loss takes,
 *   CrossEntropyLoss   torch.softmax (out, dim=1)
 *   NLLLoss            torch.exp (out)   (the model ends in LogSoftmax(dim=1))
 *   BCEWithLogitsLoss  p = torch.sigmoid (out); (1 − p, p)
 *   BCELoss            p = out;             (1 − p, p)
 * FALSE, writing nothing, when nnb_class_count is 0. */
gboolean nnb_class_probabilities_from_outputs (NnbLossKind loss, const float *outputs, int64_t n, int64_t outputs_per_row,
                                               float *probs);

/* model(x) for the batch x (n, in) on the model's device, then its class
 * probabilities as above: n × *n_classes floats on the host, row by row
 * (g_free them). NULL with error set when the forward fails or its
 * outputs, (n, k), are no classes for loss. Overwrites the model's saved
 * activations, as any forward does: call it between training steps. */
float *nnb_model_class_probabilities (NnbModel *model, NnbLossKind loss, NnbTensor *x, int *n_classes, GError **error);

/* The part of the input plane a picture of two-input class data spans:
 * extent = { x₁ min, x₁ max, x₂ min, x₂ max } over the finite values of
 * the training and the test rows, each side padded by a twentieth of its
 * span (a point on the edge keeps a little of the picture around it).
 * FALSE, leaving extent alone, unless x has two columns and some finite
 * row. */
gboolean nnb_class_boundary_extent (const NnbDataset *data, double extent[4]);

G_END_DECLS
