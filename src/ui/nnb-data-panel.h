/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-data-panel.h — the data popover's contents: the recipe's generator
 * (line, sine, polynomial, step, sine-product, or the classes circle, xor,
 * gauss, spiral, moons and blobs) with only the fields it has, n, noise,
 * the held-out test fraction, standardisation and the seed, and the
 * PyTorch lines they stand for (the exported file's own). Edits go
 * through the document (nnb_document_set_data_spec), which draws the data
 * again and says so with ::rebuilt. Built from data/ui/nnb-data-panel.ui. */
#pragma once

#include <gtk/gtk.h>

#include "nnb-document.h"

G_BEGIN_DECLS

#define NNB_TYPE_DATA_PANEL (nnb_data_panel_get_type ())
G_DECLARE_FINAL_TYPE (NnbDataPanel, nnb_data_panel, NNB, DATA_PANEL, GtkWidget)

/* Shows and edits document's data (NULL for none) and reads it again. */
void nnb_data_panel_set_document (NnbDataPanel *self, NnbDocument *document);
/* Reads the project again (after something else changed it, e.g. the seed
 * in the training settings). */
void nnb_data_panel_refresh (NnbDataPanel *self);

G_END_DECLS
