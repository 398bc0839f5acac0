/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-diagram-picture.h — the block diagram as a picture file, drawn in
 * one place for the app's Export Diagram (NnbDiagramView) and
 * `nnblocks-cli export --what diagram` (one engine, one answer): the
 * project's graph at its positions (laid out automatically where it has
 * none), the shapes on its wires inferred from the data's width, fitted
 * into the picture, with nothing of the editor's (selection, focus,
 * ports). Pure Cairo and the engine: no GTK. */
#pragma once

#include "nnb-dataset.h"
#include "nnb-diagram.h"

G_BEGIN_DECLS

/* The shapes on the wires: the model run on (batch_size, F), batch_size 0
 * standing for the batch ("B"), F the data's width, or without data the
 * width the first block fixes. Failures stay in the shapes, to be drawn
 * (the broken block red). model->nodes->len entries; free with
 * nnb_node_shapes_free. */
NnbNodeShape *nnb_diagram_infer_shapes (NnbModel *model, const NnbDataset *data, int batch_size);

/* The picture: model fitted into width × height, with expanded (per node,
 * may be NULL: every block closed) and weights (per node, may be NULL). */
void nnb_diagram_draw_picture (cairo_t *cr, int width, int height, NnbModel *model, const NnbBlockPosition *positions,
                               const NnbNodeShape *shapes, const NnbDiagramOpen *expanded,
                               const NnbDiagramWeights *weights, const NnbPlotStyle *style);

/* A project's diagram as the app shows it on opening (its Sequentials
 * closed, no weights drawn), for a file: borrows project's model. */
typedef struct _NnbDiagramPicture NnbDiagramPicture;

NnbDiagramPicture *nnb_diagram_picture_new (NnbProject *project, const NnbDataset *data);
void nnb_diagram_picture_free (NnbDiagramPicture *self);
/* An NnbPictureDrawFunc (nnb-picture-export.h): user_data is the NnbDiagramPicture. */
void nnb_diagram_picture_draw (cairo_t *cr, int width, int height, const NnbPlotStyle *style, gpointer user_data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NnbDiagramPicture, nnb_diagram_picture_free)

G_END_DECLS
