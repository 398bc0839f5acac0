/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-block-palette.h — the diagram's palette: one button per kind of
 * block (click to add after the selected block, drag onto the diagram to
 * drop it there), the batch size the wires' shapes use, undo and redo, and
 * the view's zoom. Acts on its NnbDiagramView through the view's editor.*
 * actions. */
#pragma once

#include <gtk/gtk.h>

#include "nnb-diagram-view.h"

G_BEGIN_DECLS

#define NNB_TYPE_BLOCK_PALETTE (nnb_block_palette_get_type ())
G_DECLARE_FINAL_TYPE (NnbBlockPalette, nnb_block_palette, NNB, BLOCK_PALETTE, GtkWidget)

void nnb_block_palette_set_view (NnbBlockPalette *self, NnbDiagramView *view);
NnbDiagramView *nnb_block_palette_get_view (NnbBlockPalette *self);
void nnb_block_palette_set_locked (NnbBlockPalette *self, gboolean locked);
gboolean nnb_block_palette_get_locked (NnbBlockPalette *self);

G_END_DECLS
