/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-parameter-view.h — the Parameters page: a GtkColumnView over a
 * GtkTreeListModel of the model's modules and their parameters (dotted name,
 * shape, count, requires_grad, and the value and gradient norms of the
 * latest training snapshot), with the total parameter count below. */
#pragma once

#include <gtk/gtk.h>

#include "nnb-model.h"
#include "nnb-trainer.h"

G_BEGIN_DECLS

#define NNB_TYPE_PARAMETER_VIEW (nnb_parameter_view_get_type ())
G_DECLARE_FINAL_TYPE (NnbParameterView, nnb_parameter_view, NNB, PARAMETER_VIEW, GtkBox)

/* Shows model's tree (NULL: nothing). The view keeps no reference to the
 * model's parameters beyond the rows; call again after the model changes. */
void nnb_parameter_view_set_model (NnbParameterView *self, NnbModel *model);
/* The norms of a snapshot (NULL: unknown). */
void nnb_parameter_view_update (NnbParameterView *self, const NnbSnapshot *snapshot);
/* requires_grad may be toggled (not while training). */
void nnb_parameter_view_set_editable (NnbParameterView *self, gboolean editable);
/* Compact (presentation mode): only the name, shape and count columns. */
void nnb_parameter_view_set_compact (NnbParameterView *self, gboolean compact);

gint64 nnb_parameter_view_get_total (NnbParameterView *self);

G_END_DECLS
