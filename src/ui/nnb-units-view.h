/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-units-view.h — the "Units" tab: what each output unit of the chosen
 * block computes over the input space, as small multiples
 * (nnb-plot-units.h) that scroll when there are many, or one sentence
 * saying why there is nothing to show. The window decides what it shows
 * (nnb-window-units.c). */
#pragma once

#include <gtk/gtk.h>

#include "nnb-trainer.h"

G_BEGIN_DECLS

#define NNB_TYPE_UNITS_VIEW (nnb_units_view_get_type ())
G_DECLARE_FINAL_TYPE (NnbUnitsView, nnb_units_view, NNB, UNITS_VIEW, GtkWidget)

/* One sentence instead of plots. */
void nnb_units_view_show_message (NnbUnitsView *self, const char *message);
/* The plots of units (read only) labelled block[:, u] under heading;
 * keep holds them (a snapshot's, ref'd; NULL: the view takes units). */
void nnb_units_view_show_units (NnbUnitsView *self, const char *block, const char *heading, const NnbUnits *units,
                                NnbSnapshot *keep);
/* What is shown: the units (NULL with a message instead) and the text. */
const NnbUnits *nnb_units_view_get_units (NnbUnitsView *self);
const char *nnb_units_view_get_text (NnbUnitsView *self);

G_END_DECLS
