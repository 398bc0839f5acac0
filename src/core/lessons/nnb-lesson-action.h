/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-lesson-action.h — what a lesson step's "Show me" prints and runs,
 * shared by the app's lesson panel and `nnblocks-cli lesson`: the model's
 * printouts, the mistakes made on purpose (with the engine's real message,
 * which is PyTorch's), and the training log as the page prints it. */
#pragma once

#include <glib.h>
#include "nnb-lesson-check.h"

G_BEGIN_DECLS

/* The printouts the step asks for (print(model), named_parameters() and the
 * total, the shape trace, values, std(), and for a classifier the
 * probabilities of the first rows of data, its training rows; data may be
 * NULL when the step shows no probabilities), or "" when none. */
char *nnb_lesson_describe (const NnbLessonStep *step, NnbProject *project, const NnbDataset *data, GError **error);

/* Makes the step's mistake on project's model and data (the accumulation
 * demo uses its own Linear(1, 1)) and returns what the student would
 * see: PyTorch's message, or, for the device mistake on a computer
 * without a CUDA GPU, why it cannot be shown and what PyTorch prints.
 * Records the message (or the gradients) in run. */
char *nnb_lesson_make_mistake (const NnbLessonStep *step, NnbProject *project, const NnbDataset *data,
                               NnbLessonRun *run);

/* The page's training printout for losses[0..n): "epoch   0 loss 561.6481"
 * every log_every epochs and at the last, then "converged at epoch …",
 * "final loss …" or the divergence. With accuracies (may be NULL; NAN
 * where there is none) each line ends in the epoch's accuracy, as
 * `nnblocks-cli train` prints it: "epoch  20 loss 0.6524 accuracy 0.7100". */
char *nnb_lesson_training_log (const NnbTrainingOptions *options, const double *losses, const double *accuracies,
                               int n, gboolean converged, gboolean diverged);
/* "learned: y = 3.077x + 1.432 (true: y = 3x + 2)" for a model that is one
 * Linear(1, 1) on CPU; NULL for any other. */
char *nnb_lesson_learned_line (NnbProject *project);

/* Trains project's model on data as the CLI does (one thread, the
 * project's settings), records the result (the final loss, and accuracy
 * for class data) in run and returns the log
 * (with the learned line when there is one). NULL with error only when
 * training could not start or failed for another reason than divergence. */
char *nnb_lesson_train (NnbProject *project, NnbDataset *data, NnbLessonRun *run, GError **error);

G_END_DECLS
