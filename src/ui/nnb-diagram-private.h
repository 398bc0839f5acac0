/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-diagram-private.h — what the diagram picture's two files share:
 *   nnb-diagram.c             blocks, wires and shapes, laid out and drawn
 *   nnb-diagram-sequential.c  a Sequential opened in place: its layers
 *   nnb-diagram-weights.c     a Linear with its weights drawn as lines
 * Not for other files: they use nnb-diagram.h. */
#pragma once

#include <pango/pangocairo.h>

#include "nnb-diagram.h"

G_BEGIN_DECLS

#define BLOCK_WIDTH 124.0 /* positions are 160 apart in the examples: room for a label */
#define LINE_HEIGHT 18.0
#define BLOCK_PAD 8.0
#define PORT_Y 17.0     /* wires meet a block this far below its top: its first line */
#define TEXT_SIZE 13.0  /* block text at zoom 1, in diagram units */
#define DISCLOSURE 12.0 /* the ▸ or ▾ at the end of a Sequential's title */

typedef struct
{
  double x, y, w, h;
  int title_lines;     /* 2: "name:" above the kind, when one line does not fit */
  double port_y;       /* where wires come in, below its top */
  double out_port_y;   /* where its wire leaves */
  NnbDiagramOpen open; /* a Sequential shown with its layers as blocks inside */
} Box;

/* What every part of one picture needs: the diagram, its boxes laid out,
 * the style and the editor's additions. */
typedef struct
{
  NnbModel *model;
  const Box *boxes;
  const NnbNodeShape *shapes; /* may be NULL */
  const NnbPlotStyle *style;
  const NnbDiagramState *state; /* may be NULL */
  double zoom;
  double shape_size; /* of the shapes on wires and the error text */
} Picture;

extern const double nnb_dg_error_rgba[4];

/* nnb-diagram.c */
char *nnb_dg_module_text (const NnbModule *module);

/* nnb-diagram-mode-mark.c: whether what a module (a block) computes
 * depends on the model's mode, and the tag that says so on the block */
gboolean nnb_dg_node_has_mode (NnbModel *model, const NnbNode *node);
void nnb_dg_draw_mode_mark (cairo_t *cr, const Picture *p, guint i);
/* "functional" on a function block (torch.relu(h)): no module */
void nnb_dg_draw_function_mark (cairo_t *cr, const Picture *p, guint i);
/* The Sequential a node calls, or NULL. */
NnbModule *nnb_dg_sequential_of (NnbModel *model, const NnbNode *node);
/* A text's width in diagram units, block text measured once. */
double nnb_dg_text_width (const char *text, double size, gboolean bold);
Box *nnb_dg_compute_boxes (NnbModel *model, const NnbBlockPosition *positions, const NnbDiagramOpen *open);
void nnb_dg_rounded_rectangle (cairo_t *cr, const Box *b, double r);
/* A block's rounded box: opaque paper, tinted with edge at tint and
 * outlined in it (twice as thick when chosen). */
void nnb_dg_draw_box (cairo_t *cr, const Picture *p, const Box *box, double radius, const double edge[4], double tint,
                      gboolean thick);
void nnb_dg_set_paper (cairo_t *cr, const NnbPlotStyle *style, double alpha);
PangoLayout *nnb_dg_block_layout (cairo_t *cr, const NnbPlotStyle *style, double size, gboolean bold,
                                  const char *text, double width);
void nnb_dg_port_of (const Box *box, int n_slots, int slot, double *x, double *y);
/* A shape on a plate of the background, its top-left corner at x, top. */
void nnb_dg_draw_shape_plate (cairo_t *cr, const Picture *p, PangoLayout *layout, double x, double top);

/* nnb-diagram-sequential.c */
/* "0: Linear 1→64": a layer of a Sequential, as print(model) numbers it. */
char *nnb_dg_layer_text (const NnbModule *sequential, guint child);
/* An open Sequential's frame: its size and ports around its layers (in a
 * row or a column), title_width the room its title takes. */
void nnb_dg_size_open (NnbModule *sequential, double title_width, Box *box);
void nnb_dg_disclosure_rect (const Box *box, double rect[4]);
void nnb_dg_draw_disclosure (cairo_t *cr, const Picture *p, const Box *box);
void nnb_dg_draw_open_block (cairo_t *cr, const Picture *p, guint i, const double edge[4], gboolean selected);

/* nnb-diagram-weights.c */
/* A Linear small enough to draw its weights grows to hold their dots. */
void nnb_dg_size_weights (NnbModel *model, const NnbNode *node, Box *box);
void nnb_dg_draw_weights (cairo_t *cr, const Picture *p, guint i);

G_END_DECLS
