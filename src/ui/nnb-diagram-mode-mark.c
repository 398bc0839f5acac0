/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-diagram-mode-mark.c — the mark on a block whose output depends on
 * the model's mode (Dropout, BatchNorm1d): a small "train/eval"
 * tag on the block's top edge, so a student sees which blocks
 * model.train() and model.eval() change. The block editor says why; the
 * training settings choose the mode the plots are drawn in. */
#include "nnb-config.h"

#include "nnb-diagram-private.h"

gboolean
nnb_dg_node_has_mode (NnbModel *model, const NnbNode *node)
{
  return node->kind == NNB_NODE_CALL && nnb_module_has_mode (nnb_model_get_module (model, node->module));
}

void
nnb_dg_draw_mode_mark (cairo_t *cr, const Picture *p, guint i)
{
  const Box *box = &p->boxes[i];
  /* PyTorch's words, as in the code view: not translated */
  g_autoptr (PangoLayout) layout = nnb_plot_style_make_layout (cr, p->style, "train/eval", p->shape_size * 0.85, FALSE);
  int w, h;
  Box tag;

  pango_layout_get_pixel_size (layout, &w, &h);
  /* on the top edge, at the right: clear of the title, which starts left */
  tag.w = w + 8, tag.h = h + 2;
  tag.x = box->x + box->w - tag.w - 6;
  tag.y = box->y - tag.h / 2;
  nnb_dg_rounded_rectangle (cr, &tag, tag.h / 2);
  nnb_dg_set_paper (cr, p->style, 1.0);
  cairo_fill_preserve (cr);
  nnb_plot_set_source (cr, p->style->accent, 0.9);
  cairo_set_line_width (cr, 1.0);
  cairo_stroke (cr);
  cairo_move_to (cr, tag.x + 4, tag.y + 1);
  pango_cairo_show_layout (cr, layout);
}
