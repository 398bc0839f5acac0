/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-diagram-view.h — the block diagram editor: the document's model as
 * blocks and wires that the student drags, wires, renames and resizes.
 *
 * Every edit goes through one of the widget's "editor.*" actions, so the
 * palette, the context menu, the keyboard and the tests all take one path:
 *   editor.add-block "Linear"            new block (wired from the selected one)
 *   editor.add-block-at ("Linear", x, y) new block dropped at a point of the widget
 *   editor.connect ("fc1", "act", 0)     wire an output into an input slot
 *   editor.disconnect ("add", 1)
 *   editor.select "fc1", editor.select-all, editor.delete, editor.duplicate,
 *   editor.call-again, editor.rename "head", editor.set-features (3, 16),
 *   editor.fix-in-features, editor.group, editor.ungroup, editor.undo,
 *   editor.redo, editor.edit, editor.menu, editor.layout, editor.zoom-in,
 *   editor.zoom-out, editor.fit, editor.batch-size 5
 * After each edit the document's model is rebuilt from the project's recipe
 * (nnb_document_replace_model), so the parameter tree and the code view
 * follow through the document's ::rebuilt. Nothing can be edited while the
 * trainer runs (nnb_diagram_view_set_editable). */
#pragma once

#include <gtk/gtk.h>

#include "nnb-diagram-explain.h" /* NnbExplainStage: the stages of one training step (issue 23) */
#include "nnb-document.h"
#include "nnb-graph.h"
#include "nnb-plot-axes.h"
#include "nnb-trainer.h"

G_BEGIN_DECLS

#define NNB_TYPE_DIAGRAM_VIEW (nnb_diagram_view_get_type ())
G_DECLARE_FINAL_TYPE (NnbDiagramView, nnb_diagram_view, NNB, DIAGRAM_VIEW, GtkDrawingArea)

GtkWidget *nnb_diagram_view_new (void);
/* Shows document's model (NULL: nothing) and infers its shapes again. A new
 * document starts a new undo history. */
void nnb_diagram_view_set_document (NnbDiagramView *self, NnbDocument *document);
/* Draws what the view shows into any cairo_t (a file), with style, fitted,
 * in the project's layout (the view may fold a long chain into rows). */
void nnb_diagram_view_draw_to (NnbDiagramView *self, cairo_t *cr, int width, int height,
                               const NnbPlotStyle *style);

/* The PyTorch code view's edit: the graph takes model's structure (its
 * modules, blocks and wires) as one undo step; blocks keep their places by
 * name. FALSE with a sentence when nothing may be edited now or the
 * document refused it. */
gboolean nnb_diagram_view_apply_code_model (NnbDiagramView *self, NnbModel *model, GError **error);

/* FALSE while the model belongs to the trainer's worker. */
void nnb_diagram_view_set_editable (NnbDiagramView *self, gboolean editable);
/* The graph being edited (NULL without a document); read only. */
const NnbGraph *nnb_diagram_view_get_graph (NnbDiagramView *self);
/* The engine's message on a block (a shape error), or NULL. */
const char *nnb_diagram_view_get_block_error (NnbDiagramView *self, int block);
/* Selects the blocks that call module (a parameter tree's row). */
void nnb_diagram_view_select_module (NnbDiagramView *self, const char *module);
/* The layer chosen inside block, an open Sequential (its index among the
 * Sequential's layers), or -1 for the block itself. */
int nnb_diagram_view_get_chosen_layer (NnbDiagramView *self, int block);
/* Chooses that layer (-1: none) as a click on it does. */
void nnb_diagram_view_choose_layer (NnbDiagramView *self, int block, int layer);
/* Selected blocks, by index; ::selection-changed says when they change. */
GArray *nnb_diagram_view_get_selection (NnbDiagramView *self);
/* Widget coordinates of a block's centre, of its output port (slot -1) or
 * an input port (slot 0, 1): where a pointer goes to act on it. */
gboolean nnb_diagram_view_block_point (NnbDiagramView *self, int block, int slot, double *x, double *y);
/* A block's rectangle (x, y, width, height) in widget coordinates. */
gboolean nnb_diagram_view_get_block_rect (NnbDiagramView *self, int block, double rect[4]);

/* A Sequential block opened in place: its layers as blocks inside a frame,
 * with the shape on every wire between them, each editable (double-click,
 * Enter) and removable (Delete); closed again to one block. The view's
 * state, not the project's (editor.expand, editor.collapse, the ▸ on the
 * block, + and −). */
void nnb_diagram_view_set_expanded (NnbDiagramView *self, int block, gboolean expanded);
gboolean nnb_diagram_view_get_expanded (NnbDiagramView *self, int block);

/* The pixel sizes of the blocks' text and of the shapes on wires as the
 * view now draws them. */
void nnb_diagram_view_get_text_sizes (NnbDiagramView *self, double *block_px, double *label_px);
/* Training's activity on the wires, from a snapshot (NULL: none). */
void nnb_diagram_view_set_snapshot (NnbDiagramView *self, NnbSnapshot *snapshot);
/* The accessible label of a block: name, kind and shapes. */
char *nnb_diagram_view_describe_block (NnbDiagramView *self, int block);
/* Shows one training step's record on the wires and blocks for a stage
 * (nnb-diagram-explain.h); NULL: none (the normal diagram). Takes a
 * reference. */
void nnb_diagram_view_set_explain (NnbDiagramView *self, NnbStepExplain *explain, NnbExplainStage stage);
/* What the view shows for block at this stage, as one plain-text line per
 * item (for tests and screen readers); NULL when nothing. */
char *nnb_diagram_view_describe_explain (NnbDiagramView *self, int block);

/* The colours, font and line width a plot drawn in widget should have. */
void nnb_plot_style_for_widget (GtkWidget *widget, NnbPlotStyle *style);

G_END_DECLS
