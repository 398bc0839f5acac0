/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-plot-descriptions.h — what the plots panel tells a screen reader
 * each plot shows: one sentence a plot, made from the data and the
 * trainer's latest snapshot, in the user's language and numbers. */
#pragma once

#include "nnb-trainer.h"

G_BEGIN_DECLS

/* The data plot: n_data training points of n_outputs target columns (0
 * counts as 1) and, once snapshot (may be NULL) has trained an epoch, the
 * fitted curve of each. */
char *nnb_plot_describe_data (int n_data, int n_outputs, const NnbSnapshot *snapshot);

/* The data plot for class data with two inputs: n_points training points
 * of n_classes classes and, once snapshot (may be NULL) carries one, the
 * model's decision boundary. */
char *nnb_plot_describe_classes (int n_points, int n_classes, const NnbSnapshot *snapshot);

/* The loss plot: the epoch, the loss and, with a test set, the test loss;
 * for class data, the accuracy (and the test accuracy) too. */
char *nnb_plot_describe_loss (const NnbSnapshot *snapshot);

/* The norms plot: the epoch. */
char *nnb_plot_describe_norms (const NnbSnapshot *snapshot);

G_END_DECLS
