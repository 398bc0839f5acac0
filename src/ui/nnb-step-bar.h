/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-step-bar.h — the bar of "Explain Next Step": one training step's
 * stages (Forward → Loss → Backward → Step → Zero grad), each with the
 * PyTorch line it is, a sentence about what PyTorch does there and the
 * stage's numbers from the engine's record (nnb-step-explain.h). The
 * diagram shows the same stage on its wires (nnb-diagram-view.h); the
 * window connects the two (nnb-window-explain.c). */
#pragma once

#include <gtk/gtk.h>

#include "nnb-diagram-view.h"
#include "nnb-step-explain.h"

G_BEGIN_DECLS

#define NNB_TYPE_STEP_BAR (nnb_step_bar_get_type ())
G_DECLARE_FINAL_TYPE (NnbStepBar, nnb_step_bar, NNB, STEP_BAR, GtkWidget)

/* Shows a record from its Forward stage; NULL: "training one step…"
 * until one comes. Takes a reference. */
void nnb_step_bar_set_explain (NnbStepBar *self, NnbStepExplain *explain);
NnbStepExplain *nnb_step_bar_get_explain (NnbStepBar *self);
/* The stage shown (the "stage" property). */
NnbExplainStage nnb_step_bar_get_stage (NnbStepBar *self);
void nnb_step_bar_set_stage (NnbStepBar *self, NnbExplainStage stage);
/* Next stage; from Zero grad, ::next-step asks for the next step's record.
 * Back: the previous stage (none before Forward). */
void nnb_step_bar_next (NnbStepBar *self);
void nnb_step_bar_back (NnbStepBar *self);
/* Whether the next step runs without optimizer.zero_grad(). */
gboolean nnb_step_bar_get_skip_zero_grad (NnbStepBar *self);
/* What the bar says now: the stage's PyTorch line, its sentence and its
 * numbers, as plain text (tests, handouts, screen readers). */
char *nnb_step_bar_get_text (NnbStepBar *self);

G_END_DECLS
