/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-model-private.h — what the model's files share (structure, shape
 * inference and the executor); not for users of the engine. */
#pragma once

#include "nnb-model.h"

G_BEGIN_DECLS

/* Forgets the compiled plan and the parameter list after a structural edit. */
void nnb_model_invalidate (NnbModel *model);
void nnb_plan_free (NnbPlan *plan);

/* Output shape of one module applied to an input shape, or PyTorch's message. */
gboolean nnb_module_output_shape (const NnbModule *module, int ndim, const int64_t *in,
                                  int *out_ndim, int64_t *out, GError **error);

/* For tests: the app edits an NnbGraph and builds a new model from it, and
 * clears gradients through its optimizer. */
/* Removes a registered module; nodes that call it must be removed first. */
gboolean nnb_model_unregister_module (NnbModel *model, const char *name, GError **error);
void nnb_model_disconnect (NnbModel *model, int to, int slot);
void nnb_model_zero_grad (NnbModel *model);

G_END_DECLS
