/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-diagram-geometry.c — where the diagram editor's view puts things:
 * its zoom and origin (fitted to the widget until the student zooms or
 * scrolls), widget and diagram coordinates, and the block or port under a
 * point. */
#include "nnb-config.h"

#include "nnb-diagram-view-private.h"

void
nnb_dv_transform (NnbDiagramView *self, double *zoom, double *origin_x, double *origin_y)
{
  NnbModel *model = nnb_dv_shown_model (self);

  if (self->fit && model != NULL && model->nodes->len > 0)
    {
      g_autoptr (GArray) where = nnb_dv_positions (self);
      NnbPlotStyle style;

      /* presentation mode's larger type lets a small model grow larger */
      nnb_plot_style_for_widget (GTK_WIDGET (self), &style);
      nnb_diagram_fit (gtk_widget_get_width (GTK_WIDGET (self)), gtk_widget_get_height (GTK_WIDGET (self)),
                       model, (const NnbBlockPosition *) where->data, style.font_size / 14.0,
                       zoom, origin_x, origin_y);
      return;
    }
  if (self->fit)
    {
      *zoom = 1.0, *origin_x = -40, *origin_y = -gtk_widget_get_height (GTK_WIDGET (self)) / 2.0;
      return;
    }
  *zoom = self->zoom, *origin_x = self->origin_x, *origin_y = self->origin_y;
}

/* Keeps what is on screen where it is, but stops fitting. */
void
nnb_dv_freeze_view (NnbDiagramView *self)
{
  if (!self->fit)
    return;
  nnb_dv_transform (self, &self->zoom, &self->origin_x, &self->origin_y);
  self->fit = FALSE;
}

void
nnb_dv_to_diagram (NnbDiagramView *self, double wx, double wy, double *dx, double *dy)
{
  double zoom, ox, oy;

  nnb_dv_transform (self, &zoom, &ox, &oy);
  *dx = ox + wx / zoom;
  *dy = oy + wy / zoom;
}

void
nnb_dv_to_widget (NnbDiagramView *self, double dx, double dy, double *wx, double *wy)
{
  double zoom, ox, oy;

  nnb_dv_transform (self, &zoom, &ox, &oy);
  *wx = (dx - ox) * zoom;
  *wy = (dy - oy) * zoom;
}

int
nnb_dv_block_at (NnbDiagramView *self, double dx, double dy)
{
  NnbModel *model = nnb_dv_shown_model (self);
  g_autoptr (GArray) where = NULL;

  if (model == NULL)
    return -1;
  where = nnb_dv_positions (self);
  /* the last drawn is on top */
  for (guint i = model->nodes->len; i-- > 0;)
    {
      double r[4];

      nnb_diagram_block_rect (model, (const NnbBlockPosition *) where->data, i, r);
      if (dx >= r[0] && dx <= r[0] + r[2] && dy >= r[1] && dy <= r[1] + r[3])
        return i;
    }
  return -1;
}

/* The port nearest to a point within reach: output ports when slot_out is
 * -1 on return, input slots otherwise. */
int
nnb_dv_port_at (NnbDiagramView *self, double dx, double dy, gboolean inputs, int *slot_out)
{
  NnbModel *model = nnb_dv_shown_model (self);
  g_autoptr (GArray) where = NULL;
  double zoom, ox, oy, best = INFINITY;
  int found = -1;

  if (model == NULL)
    return -1;
  nnb_dv_transform (self, &zoom, &ox, &oy);
  where = nnb_dv_positions (self);
  for (guint i = 0; i < model->nodes->len; i++)
    {
      NnbNode *node = model->nodes->pdata[i];
      int n_slots = nnb_model_n_inputs (node->kind);

      for (int s = inputs ? 0 : -1; s < (inputs ? n_slots : 0); s++)
        {
          double px, py, d;

          if (!inputs && node->kind == NNB_NODE_OUTPUT)
            continue;
          nnb_diagram_port (model, (const NnbBlockPosition *) where->data, i, s, &px, &py);
          d = hypot (px - dx, py - dy) * zoom;
          if (d <= PORT_RADIUS && d < best)
            best = d, found = i, *slot_out = s;
        }
    }
  return found;
}
