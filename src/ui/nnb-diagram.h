/* nnb-diagram.h — the model's block diagram as a picture: one block per
 * node at the project's positions, wires between them labelled with the
 * tensor's shape ("(B, 16)"). A pure function of its arguments, so the same
 * code draws on screen (NnbDiagramView) and into PNG, SVG and PDF files. */
#pragma once

#include <cairo.h>

#include "nnb-model.h"
#include "nnb-plot-axes.h"
#include "nnb-project.h"

G_BEGIN_DECLS

/* Draws model scaled to fit a width × height area. positions has one entry
 * per node (NaN entries are laid out automatically); shapes (may be NULL)
 * has one entry per node, as nnb_model_infer_shapes fills it. Blocks whose
 * shape failed are drawn in red. style's font size is the size of block text
 * at a zoom of 1. */
void nnb_diagram_draw (cairo_t *cr,
                       int width,
                       int height,
                       NnbModel *model,
                       const NnbBlockPosition *positions,
                       const NnbNodeShape *shapes,
                       const NnbPlotStyle *style);

/* The text of a node's block: "fc1: Linear 3→16", "act: ReLU", "x: input". */
char *nnb_diagram_node_text (NnbModel *model, guint index);

G_END_DECLS
