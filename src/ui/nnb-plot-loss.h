/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-plot-loss.h — the loss of every epoch, on a linear or a log axis,
 * and beside it the held-out rows' loss when the data has a test set, and
 * the accuracies when the model classifies.
 * A pure function of its arguments, like every plot (nnb-plot-axes.h). */
#pragma once

#include "nnb-plot-axes.h"
#include "nnb-plot-marks.h"

G_BEGIN_DECLS

typedef struct
{
  const double *losses; /* one per completed epoch, epoch 1 first */
  int n;
  gboolean log_scale;        /* losses shrink by orders of magnitude: log shows it */
  NnbPlotPointer pointer;    /* read-out of the epoch under it */
  const double *test_losses; /* the test set's loss after each epoch, or NULL */
  int n_test;
  /* For class data under a classification loss, the share of right
   * predictions (0 … 1) after each epoch, on the training rows and on the
   * test rows (parallel to losses and test_losses), drawn dashed against a
   * second axis, 0 % to 100 %; NULL (regression) for the loss alone. */
  const double *accuracies;
  int n_accuracy;
  const double *test_accuracies;
  int n_test_accuracy;
} NnbLossSeries;

void nnb_plot_loss_draw (cairo_t *cr,
                         int width,
                         int height,
                         const NnbLossSeries *series,
                         const NnbPlotStyle *style);

G_END_DECLS
