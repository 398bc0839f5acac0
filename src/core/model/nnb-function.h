/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-function.h — the functional activations forward may call:
 * torch.relu(h), F.gelu(h), F.leaky_relu(h, 0.1), F.softmax(h, dim=1)…
 *
 * A call of one is a node of forward (NNB_NODE_FUNCTION), not a module: it
 * registers nothing, so print(model), named_parameters() and state_dict()
 * stay PyTorch's. The node keeps the function as written ("F.relu",
 * "torch.tanh") and an unregistered activation module carrying its
 * arguments, whose forward and backward are the module's own. */
#pragma once

#include <glib.h>
#include "nnb-module.h"

G_BEGIN_DECLS

/* The activation a function computes: FALSE for a name NN Blocks does not
 * draw. Names are spelled as forward calls them, "F." for
 * torch.nn.functional. */
gboolean nnb_function_kind (const char *function, NnbModuleKind *kind);
/* The known names, NULL-terminated, in the order the editor lists them */
const char *const *nnb_function_names (void);
/* A new activation for function with PyTorch's default arguments
 * (negative_slope 0.01; dim 1 for the softmaxes, which forward always
 * writes); NULL for an unknown name. */
NnbModule *nnb_function_new_activation (const char *function);
/* TRUE when F.<name> needs `import torch.nn.functional as F` */
gboolean nnb_function_needs_f (const char *function);
/* The call as the student writes it, on the value named argument:
 * "torch.relu(h)", "F.leaky_relu(h, negative_slope=0.1)",
 * "F.softmax(h, dim=1)" (the defaults left out, dim always written) */
char *nnb_function_call_text (const char *function, const NnbModule *activation, const char *argument);
/* A block's default name for function: "relu" for torch.relu */
const char *nnb_function_short_name (const char *function);

G_END_DECLS
