/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-lesson-classes.h — what a lesson step's "Show me" prints about a
 * classifier: its logits and class probabilities for the first rows of
 * its data, and the targets students get wrong with PyTorch's messages.
 * Everything is printed as PyTorch prints it (nnb-torch-str.h). */
#pragma once

#include <glib.h>
#include "nnb-lesson-check.h"

G_BEGIN_DECLS

/* <show what="probabilities" rows="4"/>: the first rows rows of the
 * training data and, with torch.no_grad(), through the model: its outputs and the
 * class probabilities the project's loss reads from them (one engine with
 * `nnblocks-cli forward --probabilities`: torch.softmax (logits, dim=1)
 * for CrossEntropyLoss), the predicted classes and the true ones. NULL
 * with error for data without classes or a loss that reads none. */
char *nnb_lesson_describe_probabilities (NnbProject *project, const NnbDataset *data, int rows, GError **error);

/* <mistake kind="target"/>: the project's loss on the model's outputs for
 * the training rows, with the targets students get wrong, then the right
 * ones: for CrossEntropyLoss and NLLLoss a float column
 * (y.float().unsqueeze(1)) and classes counted from 1 (y + 1); for
 * BCEWithLogitsLoss and BCELoss the class indices as they are. Each
 * refusal is the engine's, which is PyTorch's message; they go into
 * run->error, one a line, for the step's error checks. */
char *nnb_lesson_target_mistake (NnbProject *project, const NnbDataset *data, NnbLessonRun *run);

G_END_DECLS
