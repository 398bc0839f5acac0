/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-diagram-weights.h — a Linear block drawn with its weights: a dot per
 * input on its left, a dot per output on its right and one line per
 * weight W[o, i] between them, coloured by its sign and as wide as its
 * size. Pure geometry and drawing, so that the diagram, its hit tests and
 * the tests all take the same lines. */
#pragma once

#include <cairo.h>

#include "nnb-diagram.h"

G_BEGIN_DECLS

/* The largest Linear drawn with its weights: 16 × 16 is 256 lines, as
 * many as a block at lesson size shows apart. */
#define NNB_DIAGRAM_MAX_WEIGHTS_FEATURES 16

/* Whether a Linear of these sizes is drawn with its weights. */
gboolean nnb_diagram_weights_fit (int64_t in_features, int64_t out_features);

/* The room the dots need below a block's title, in diagram units. */
double nnb_diagram_weights_height (int64_t in_features, int64_t out_features);

/* One weight's line, in diagram units. */
typedef struct
{
  int out, in; /* W[out, in], 0-based as PyTorch indexes it */
  double x0, y0, x1, y1;
  double width; /* grows with |w| relative to the layer's largest |w| */
  double rgba[4];
} NnbDiagramWeightLine;

/* Where dot k sits (an output's on the right edge when output, else an
 * input's on the left) in a block's rect (x, y, width, height). */
void nnb_diagram_weights_dot (const double rect[4], const NnbDiagramWeights *weights, gboolean output, int k,
                              double *x, double *y);
/* Every weight's line in a block's rect: empty when the Linear is too
 * large to draw or has no values. */
GArray *nnb_diagram_weights_lines (const double rect[4], const NnbDiagramWeights *weights,
                                   const NnbPlotStyle *style);
/* The lines and dots, inside a block already drawn at rect. */
void nnb_diagram_weights_draw (cairo_t *cr, const double rect[4], const NnbDiagramWeights *weights,
                               const NnbPlotStyle *style);

/* What lies under the diagram point (x, y), within tolerance diagram
 * units: NNB_DIAGRAM_WEIGHTS_OUTPUT (index in *out), _INPUT (*in), _LINE
 * (both), or _NONE. Dots before lines: they sit on the lines' ends. */
typedef enum
{
  NNB_DIAGRAM_WEIGHTS_NONE,
  NNB_DIAGRAM_WEIGHTS_LINE,
  NNB_DIAGRAM_WEIGHTS_INPUT,
  NNB_DIAGRAM_WEIGHTS_OUTPUT,
} NnbDiagramWeightsHit;
NnbDiagramWeightsHit nnb_diagram_weights_hit (const double rect[4], const NnbDiagramWeights *weights, double x,
                                              double y, double tolerance, int *out, int *in);

/* Output unit `out` as the maths writes it, 1-based:
 * "h₃ = 0.53·x₁ − 1.20·x₂ + 0.10". */
char *nnb_diagram_weights_formula (const NnbDiagramWeights *weights, int out);
/* Input `in` (0-based) as the formulas name it: "x₂" for 1. */
char *nnb_diagram_weights_input_name (int in);
/* One weight as PyTorch indexes it, 0-based: "fc1.weight[2, 0] = −1.20". */
char *nnb_diagram_weights_value_text (const NnbDiagramWeights *weights, int out, int in);

G_END_DECLS
