/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-diagram-picture.c — the block diagram as a picture file, for the
 * app and nnblocks-cli alike (nnb-diagram-picture.h). */
#include "nnb-config.h"

#include "nnb-diagram-picture.h"
#include "nnb-graph.h"

NnbNodeShape *
nnb_diagram_infer_shapes (NnbModel *model, const NnbDataset *data, int batch_size)
{
  NnbNodeShape *shapes = NULL;
  int64_t in_features, input_shape[2];

  g_return_val_if_fail (model != NULL, NULL);

  /* The input is the data, (B, F): a first Linear made for other features
   * turns red with PyTorch's message. Without data, the width the first
   * block fixes. */
  in_features = data != NULL ? data->x->shape[data->x->ndim - 1] : nnb_model_input_features (model);
  input_shape[0] = batch_size > 0 ? batch_size : NNB_DIM_BATCH;
  input_shape[1] = MAX (1, in_features);
  /* failures are drawn (the broken block in red), not reported here */
  nnb_model_infer_shapes (model, 2, input_shape, &shapes, NULL);
  return shapes;
}

void
nnb_diagram_draw_picture (cairo_t *cr, int width, int height, NnbModel *model, const NnbBlockPosition *positions,
                          const NnbNodeShape *shapes, const NnbDiagramOpen *expanded,
                          const NnbDiagramWeights *weights, const NnbPlotStyle *style)
{
  /* fitted (zoom 0), nothing of the editor's */
  NnbDiagramState state = {
    .focus = -1,
    .layer_node = -1,
    .layer = -1,
    .expanded = expanded,
    .weights = weights,
  };

  nnb_diagram_draw_state (cr, width, height, model, positions, shapes, style, &state);
}

struct _NnbDiagramPicture
{
  NnbModel *model; /* borrowed */
  GArray *positions;
  NnbNodeShape *shapes;
};

NnbDiagramPicture *
nnb_diagram_picture_new (NnbProject *project, const NnbDataset *data)
{
  NnbDiagramPicture *self;
  g_autoptr (NnbGraph) graph = NULL;

  g_return_val_if_fail (project != NULL, NULL);

  self = g_new0 (NnbDiagramPicture, 1);
  self->model = project->model;
  /* the positions the app's view reads: the graph lays out the blocks the
   * project gives none */
  graph = nnb_graph_from_model (project->model,
                                project->positions != NULL ? (const NnbBlockPosition *) project->positions->data : NULL,
                                project->positions != NULL ? project->positions->len : 0);
  self->positions = nnb_graph_positions (graph);
  self->shapes = nnb_diagram_infer_shapes (project->model, data, 0);
  return self;
}

void
nnb_diagram_picture_free (NnbDiagramPicture *self)
{
  if (self == NULL)
    return;
  if (self->shapes != NULL)
    nnb_node_shapes_free (self->shapes, self->model->nodes->len);
  g_array_unref (self->positions);
  g_free (self);
}

void
nnb_diagram_picture_draw (cairo_t *cr, int width, int height, const NnbPlotStyle *style, gpointer user_data)
{
  NnbDiagramPicture *self = user_data;

  nnb_diagram_draw_picture (cr, width, height, self->model, (const NnbBlockPosition *) self->positions->data,
                            self->shapes, NULL, NULL, style);
}
