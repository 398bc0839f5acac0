/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-diagram-mode-mark.c — the marks on a block's top edge: "train/eval"
 * on a block whose output depends on the model's mode (Dropout,
 * BatchNorm1d), so a student sees which blocks model.train() and
 * model.eval() change (the block editor says why; the training settings
 * choose the mode the plots are drawn in); "functional" on a function
 * block (torch.relu(h)), which registers no module. */
#include "nnb-config.h"

#include "nnb-diagram-private.h"

gboolean
nnb_dg_node_has_mode (NnbModel *model, const NnbNode *node)
{
  return node->kind == NNB_NODE_CALL && nnb_module_has_mode (nnb_model_get_module (model, node->module));
}

static void
draw_tag (cairo_t *cr, const Picture *p, guint i, const char *text)
{
  const Box *box = &p->boxes[i];
  g_autoptr (PangoLayout) layout = nnb_plot_style_make_layout (cr, p->style, text, p->shape_size * 0.85, FALSE);
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

void
nnb_dg_draw_mode_mark (cairo_t *cr, const Picture *p, guint i)
{
  /* PyTorch's words, as in the code view: not translated */
  draw_tag (cr, p, i, "train/eval");
}

void
nnb_dg_draw_function_mark (cairo_t *cr, const Picture *p, guint i)
{
  /* Python's word for it, as torch.nn.functional spells it */
  draw_tag (cr, p, i, "functional");
}
