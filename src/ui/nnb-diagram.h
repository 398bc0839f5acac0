/* SPDX-License-Identifier: GPL-3.0-or-later */
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

/* A block's inside: closed, a Sequential open in place (its layers as
 * blocks in a row or in a column), or a Linear with its weights drawn as
 * lines (nnb-diagram-weights.h; a Linear too large to draw stays closed). */
typedef enum
{
  NNB_DIAGRAM_CLOSED,
  NNB_DIAGRAM_OPEN_ROW,
  NNB_DIAGRAM_OPEN_COLUMN,
  NNB_DIAGRAM_OPEN_WEIGHTS,
} NnbDiagramOpen;

/* A Linear's values, for its block drawn with its weights: weight is
 * out_features × in_features, row-major as PyTorch's W[o, i]; bias has
 * out_features values or is NULL. weight NULL: no values (yet). */
typedef struct
{
  const char *name; /* the module's, "fc1": "fc1.weight[2, 0]" */
  int64_t in_features, out_features;
  const float *weight;
  const float *bias;
} NnbDiagramWeights;

/* Draws model scaled to fit a width × height area. positions has one entry
 * per node (NaN entries are laid out automatically); shapes (may be NULL)
 * has one entry per node, as nnb_model_infer_shapes fills it. Blocks whose
 * shape failed are drawn in red. Block text has a fixed size in diagram
 * units; style's font size sets the least size of the shapes on wires on
 * screen (the UI's caption size) and, when fitting, how far a small model
 * may be enlarged. */
void nnb_diagram_draw (cairo_t *cr,
                       int width,
                       int height,
                       NnbModel *model,
                       const NnbBlockPosition *positions,
                       const NnbNodeShape *shapes,
                       const NnbPlotStyle *style);

/* The text of a node's block: "fc1: Linear 3→16", "act: ReLU", "x: input". */
char *nnb_diagram_node_text (NnbModel *model, guint index);

/* What the editor adds to the picture: its view (zoom and scroll), the
 * selection, the block with keyboard focus, ports, the wire or rubber band
 * being dragged and the training's activity on the wires. */
typedef struct
{
  double zoom;               /* pixels per diagram unit; 0: fit the area */
  double origin_x, origin_y; /* the diagram point at the area's top-left corner */
  const gboolean *selected;  /* per node, or NULL */
  int focus;                 /* node with the keyboard focus, or -1 */
  gboolean show_ports;
  const double *activity; /* per node: its output's magnitude, 0…1, or NULL */
  gboolean pending_wire;  /* a wire follows the pointer */
  double wire_x0, wire_y0, wire_x1, wire_y1;
  gboolean band; /* a rubber band */
  double band_x0, band_y0, band_x1, band_y1;
  const NnbDiagramOpen *expanded;   /* per node: a Sequential shown with its layers inside, or NULL */
  gboolean show_disclosures;        /* the ▸/▾ that expands a Sequential */
  int layer_node, layer;            /* the layer chosen inside an expanded Sequential, or -1 */
  const NnbDiagramWeights *weights; /* per node: the values of a Linear drawn with its weights, or NULL */
} NnbDiagramState;

/* nnb_diagram_draw with the editor's additions (state may be NULL). */
void nnb_diagram_draw_state (cairo_t *cr,
                             int width,
                             int height,
                             NnbModel *model,
                             const NnbBlockPosition *positions,
                             const NnbNodeShape *shapes,
                             const NnbPlotStyle *style,
                             const NnbDiagramState *state);

/* The zoom and origin that fit the whole model in width × height, at most
 * a zoom that keeps a three-block model from filling a wall; type_scale
 * (the UI font relative to 14 px: larger in presentation mode) raises that
 * limit. */
void nnb_diagram_fit (int width, int height, NnbModel *model, const NnbBlockPosition *positions,
                      const NnbDiagramOpen *expanded, double type_scale, double *zoom, double *origin_x,
                      double *origin_y);
/* The size of the blocks' text, and of the shapes on wires at zoom (never
 * larger than the blocks' text), in diagram units: times the zoom, pixels. */
double nnb_diagram_text_size (void);
double nnb_diagram_label_size (const NnbPlotStyle *style, double zoom);
/* The geometry below takes what the picture is drawn with: positions (one
 * per node) and expanded (per node, may be NULL: a Sequential shown as a
 * frame around its layers, which pushes the blocks to its right along). */

/* A block's rectangle in diagram units (x, y, width, height). */
void nnb_diagram_block_rect (NnbModel *model, const NnbBlockPosition *positions, const NnbDiagramOpen *expanded,
                             guint index, double rect[4]);
/* What the blocks and the shapes above their wires cover, in diagram
 * units: x0, y0, x1, y1. */
void nnb_diagram_bounds (NnbModel *model, const NnbBlockPosition *positions, const NnbDiagramOpen *expanded,
                         double bounds[4]);
/* Where a wire meets a block: slot -1 is the output on the right edge,
 * slots 0 and 1 the inputs on the left. */
void nnb_diagram_port (NnbModel *model, const NnbBlockPosition *positions, const NnbDiagramOpen *expanded,
                       guint index, int slot, double *x, double *y);
/* Inside a Sequential's block: the rectangle of layer `child` when it is
 * expanded, or (child -1) of the disclosure triangle that expands and
 * collapses it. FALSE when there is no such thing. */
gboolean nnb_diagram_layer_rect (NnbModel *model, const NnbBlockPosition *positions, const NnbDiagramOpen *expanded,
                                 guint index, int child, double rect[4]);
/* The shape on each wire between the layers of an expanded Sequential,
 * as drawn: its text ("(B, 64)") and the point its bottom centre sits on,
 * in diagram units. Empty when the block is not expanded. */
typedef struct
{
  char *text;
  double x, y;   /* the bottom of the text, at xalign of its width */
  double xalign; /* 0.5: centred on x (a row), 0: starting at x (a column) */
} NnbDiagramLabel;
GPtrArray *nnb_diagram_layer_labels (NnbModel *model, const NnbBlockPosition *positions, const NnbDiagramOpen *expanded,
                                     const NnbNodeShape *shapes, guint index);

G_END_DECLS
