/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-parameter-row.h — one row of the parameter tree: a module ("fc1",
 * "net.0") with its parameters and buffers as children, one parameter
 * ("fc1.weight") with its shape, element count, requires_grad and, while
 * training, the norms of its value and gradient, or one buffer
 * ("bn.running_mean") with its shape and count only. */
#pragma once

#include <gio/gio.h>

#include "nnb-model.h"

G_BEGIN_DECLS

#define NNB_TYPE_PARAMETER_ROW (nnb_parameter_row_get_type ())
G_DECLARE_FINAL_TYPE (NnbParameterRow, nnb_parameter_row, NNB, PARAMETER_ROW, GObject)

/* A module's row; its children (modules, then parameters) in `children`. */
NnbParameterRow *nnb_parameter_row_new_module (const char *name, NnbModule *module);
/* A parameter's row; param is borrowed from the model and must outlive the row. */
NnbParameterRow *nnb_parameter_row_new_parameter (const char *name, NnbParameter *param);

/* A buffer's row (state_dict() saves it, no optimizer trains it); buffer is
 * borrowed like a parameter. num_batches_tracked shows as an int64 scalar. */
NnbParameterRow *nnb_parameter_row_new_buffer (const char *name, NnbBuffer *buffer);

GListModel *nnb_parameter_row_get_children (NnbParameterRow *self); /* NULL for a parameter */
gboolean nnb_parameter_row_is_parameter (NnbParameterRow *self);
gboolean nnb_parameter_row_is_buffer (NnbParameterRow *self);
/* "(8,)", "() int64", or the module's kind */
const char *nnb_parameter_row_get_shape (NnbParameterRow *self);
const char *nnb_parameter_row_get_name (NnbParameterRow *self);
gint64 nnb_parameter_row_get_count (NnbParameterRow *self);
/* From a snapshot; NAN for "not known yet". */
void nnb_parameter_row_set_norms (NnbParameterRow *self, double value_norm, double grad_norm);
/* Whether the requires_grad switch may be used now (not while training). */
void nnb_parameter_row_set_editable (NnbParameterRow *self, gboolean editable);

G_END_DECLS
