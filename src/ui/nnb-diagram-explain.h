/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-diagram-explain.h — one training step's record (nnb-step-explain.h)
 * drawn on the block diagram, one stage at a time: a card under each
 * block with what that stage did there (its output, its gradient, its
 * parameters' .grad, their update). Pure Cairo and Pango, like
 * nnb-diagram.h: the view draws it over the diagram, a picture export
 * can draw it into a file. */
#pragma once

#include <cairo.h>

#include "nnb-diagram.h"
#include "nnb-step-explain.h"

G_BEGIN_DECLS

/* The stages of the walk, in the order the student goes through them */
typedef enum
{
  NNB_EXPLAIN_FORWARD,   /* y_hat = model(X) */
  NNB_EXPLAIN_LOSS,      /* loss = loss_fn(y_hat, y) */
  NNB_EXPLAIN_BACKWARD,  /* loss.backward() */
  NNB_EXPLAIN_STEP,      /* optimizer.step() */
  NNB_EXPLAIN_ZERO_GRAD, /* optimizer.zero_grad() */
  NNB_EXPLAIN_N_STAGES
} NnbExplainStage;

/* What block's card says at stage, one plain-text line per item ("value
 * (32, 16)", "min -1.2, mean 0.1, max 2.3", "fc1.weight.grad (16, 3), norm
 * 0.5012"); NULL when the block has no card at that stage. */
char *nnb_diagram_explain_describe (NnbModel *model, const NnbStepExplain *explain, NnbExplainStage stage,
                                    int block);

/* Draws the cards of stage over a diagram drawn with the same model,
 * positions, expanded and view (zoom and origin, as NnbDiagramState's;
 * nnb_diagram_explain_fit's when fitted), in style. Where the view is too
 * small for every card's text to be read, only block detail's card is
 * drawn, at the UI's caption size (-1: none; the Loss stage's output),
 * and the other blocks with a card get a tab. The Loss stage also dims
 * all but the output and the block that feeds it. */
void nnb_diagram_explain_draw (cairo_t *cr, NnbModel *model, const NnbBlockPosition *positions,
                               const NnbDiagramOpen *expanded, double zoom, double origin_x, double origin_y,
                               const NnbStepExplain *explain, NnbExplainStage stage, int detail,
                               const NnbPlotStyle *style);

/* Whether at zoom every card's text is large enough to read (else one
 * card at a time is drawn). */
gboolean nnb_diagram_explain_readable (const NnbPlotStyle *style, double zoom);
/* What the diagram and its cards cover, in diagram units (x0, y0, x1, y1),
 * as nnb_diagram_bounds; the cards of stage, or of every stage
 * (NNB_EXPLAIN_N_STAGES), measured with text of size (diagram units). */
void nnb_diagram_explain_bounds (NnbModel *model, const NnbBlockPosition *positions, const NnbDiagramOpen *expanded,
                                 const NnbStepExplain *explain, NnbExplainStage stage, const NnbPlotStyle *style,
                                 double size, double bounds[4]);
/* nnb_diagram_fit with room for the cards of every stage (explain NULL:
 * the same), so the blocks stay where they are through the walk; where
 * even then their text would be too small to read, nnb_diagram_fit's
 * (one card at a time). */
void nnb_diagram_explain_fit (int width, int height, NnbModel *model, const NnbBlockPosition *positions,
                              const NnbDiagramOpen *expanded, const NnbStepExplain *explain, const NnbPlotStyle *style,
                              double type_scale, double *zoom, double *origin_x, double *origin_y);

G_END_DECLS
