/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-module-attributes.h — the names every nn.Module already has.
 *
 * A module registered under one of them cannot work in PyTorch:
 * add_module("forward", …) raises KeyError "attribute 'forward' already
 * exists", and the exported __init__'s self.forward = nn.Linear(…) is
 * accepted but leaves forward calling itself. The project reader, the
 * engine's nnb_model_register_module and the editor's rename all refuse
 * these names with the one sentence below. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* TRUE when name is in dir(nn.Module()) (PyTorch 1.13). */
gboolean nnb_module_attribute_exists (const char *name);
/* FALSE with PyTorch's KeyError text (NNB_ERROR_GRAPH) when name is taken. */
gboolean nnb_module_attribute_check (const char *name, GError **error);

G_END_DECLS
