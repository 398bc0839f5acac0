/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-loss.h — nn.MSELoss and nn.L1Loss with reduction='mean'.
 *
 * Like PyTorch, a target whose shape differs from the input's is broadcast
 * (CPU only), with PyTorch's UserWarning text kept in `warning`: that is the
 * page's (100,) against (100, 1) trap, which trains on garbage. */
#pragma once

#include <glib.h>
#include "nnb-backend.h"
#include "nnb-tensor.h"

G_BEGIN_DECLS

typedef struct _NnbLoss NnbLoss;

NnbLoss *nnb_loss_new (NnbLossKind kind);
void nnb_loss_free (NnbLoss *loss);

const char *nnb_loss_kind_to_string (NnbLossKind kind);                  /* "MSELoss", "L1Loss" */
gboolean nnb_loss_kind_from_string (const char *text, NnbLossKind *out); /* also "mse", "l1" */

/* loss_fn(pred, target): the mean loss in *value; remembers dL/dpred. */
gboolean nnb_loss_forward (NnbLoss *loss, NnbTensor *pred, NnbTensor *target,
                           double *value, GError **error);
/* dL/dpred of the last forward, shaped like pred (owned by the loss). */
NnbTensor *nnb_loss_grad (NnbLoss *loss);
/* PyTorch's broadcasting warning for the last forward, or NULL. */
const char *nnb_loss_get_warning (NnbLoss *loss);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NnbLoss, nnb_loss_free)

G_END_DECLS
