/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-norm-history.h — every parameter's value and gradient norm, epoch
 * after epoch, gathered from the trainer's snapshots for the norms plot.
 * Plain struct on the UI's thread; long runs are thinned, not cut. */
#pragma once

#include "nnb-trainer.h"

G_BEGIN_DECLS

/* Points kept at most; beyond it every other point goes. */
#define NNB_NORM_HISTORY_MAX_POINTS 2048

typedef struct
{
  GPtrArray *names;    /* char*: "fc1.weight", named_parameters() order */
  GArray *epochs;      /* double */
  GArray *value_norms; /* double, names->len per point */
  GArray *grad_norms;  /* double, names->len per point */
} NnbNormHistory;

NnbNormHistory *nnb_norm_history_new (void);
void nnb_norm_history_free (NnbNormHistory *history);
void nnb_norm_history_clear (NnbNormHistory *history);

/* Takes the trainer's record of every epoch's norms from the snapshot;
 * a snapshot without one (built by hand) adds its current norms when it
 * reached a later epoch than the last point. A snapshot of another model
 * (other names) starts afresh. */
void nnb_norm_history_add (NnbNormHistory *history, const NnbSnapshot *snapshot);

guint nnb_norm_history_get_n_points (const NnbNormHistory *history);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NnbNormHistory, nnb_norm_history_free)

G_END_DECLS
