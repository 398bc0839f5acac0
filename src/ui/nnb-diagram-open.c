/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-diagram-open.c — the diagram editor's Sequentials opened in place:
 * which are open (by block name, the view's state, not the project's), the
 * layer chosen inside one, what lies under a point, and what a screen
 * reader and a test hear of the layers. The picture is
 * nnb-diagram-sequential.c's; whether in a row or a column, the
 * geometry's (nnb-diagram-geometry.c). */
#include "nnb-config.h"

#include "nnb-diagram-view-private.h"
#include "nnb-ui-test-access.h" /* defines some of these */

NnbDiagramOpen *
nnb_dv_expanded (NnbDiagramView *self)
{
  NnbDiagramOpen *expanded;
  guint n = self->graph != NULL ? self->graph->blocks->len : 0;

  if (n == 0 || (g_hash_table_size (self->expanded) == 0 && !self->show_weights))
    return NULL;
  expanded = g_new0 (NnbDiagramOpen, n);
  for (guint i = 0; i < n; i++)
    if (g_hash_table_contains (self->expanded, nnb_graph_get_block (self->graph, i)->name))
      expanded[i] = self->open_column ? NNB_DIAGRAM_OPEN_COLUMN : NNB_DIAGRAM_OPEN_ROW;
    else if (self->show_weights && nnb_dv_is_linear_block (self, i))
      /* the picture keeps a Linear too large to draw closed */
      expanded[i] = NNB_DIAGRAM_OPEN_WEIGHTS;
  return expanded;
}

int
nnb_dv_layer_at (NnbDiagramView *self, double dx, double dy, int *child)
{
  NnbModel *model = nnb_dv_shown_model (self);
  g_autoptr (GArray) where = NULL;
  g_autofree NnbDiagramOpen *expanded = NULL;
  int block = nnb_dv_block_at (self, dx, dy);
  NnbModule *seq;
  double r[4];

  if (model == NULL || block < 0)
    return -1;
  seq = nnb_model_get_module (model, ((NnbNode *) model->nodes->pdata[block])->module);
  if (seq == NULL || seq->kind != NNB_MODULE_SEQUENTIAL)
    return -1;
  where = nnb_dv_positions (self);
  expanded = nnb_dv_expanded (self);
  for (int c = -1; c < (int) seq->children->len; c++)
    if (nnb_diagram_layer_rect (model, (const NnbBlockPosition *) where->data, expanded, block, c, r) &&
        dx >= r[0] && dx <= r[0] + r[2] && dy >= r[1] && dy <= r[1] + r[3])
      {
        *child = c;
        return block;
      }
  return -1;
}

void
nnb_dv_choose_layer (NnbDiagramView *self, int block, int child)
{
  self->layer_node = child >= 0 ? block : -1;
  self->layer = child >= 0 ? child : -1;
  nnb_dv_update_actions (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

int
nnb_diagram_view_get_chosen_layer (NnbDiagramView *self, int block)
{
  g_return_val_if_fail (NNB_IS_DIAGRAM_VIEW (self), -1);
  return self->layer_node >= 0 && self->layer_node == block ? self->layer : -1;
}

void
nnb_diagram_view_choose_layer (NnbDiagramView *self, int block, int layer)
{
  g_return_if_fail (NNB_IS_DIAGRAM_VIEW (self));
  if (layer >= 0 && (self->graph == NULL || nnb_graph_block_child (self->graph, block, layer) == NULL ||
                     !nnb_diagram_view_get_expanded (self, block)))
    return;
  nnb_dv_choose_layer (self, block, layer);
}

void
nnb_diagram_view_set_expanded (NnbDiagramView *self, int block, gboolean expanded)
{
  NnbGraphModule *module;
  const char *name;

  g_return_if_fail (NNB_IS_DIAGRAM_VIEW (self));
  if (self->graph == NULL || block < 0 || (guint) block >= self->graph->blocks->len)
    return;
  module = nnb_graph_block_module (self->graph, block);
  if (module == NULL || module->kind != NNB_MODULE_SEQUENTIAL || module->children->len == 0)
    return;
  name = nnb_graph_get_block (self->graph, block)->name;
  if (expanded == g_hash_table_contains (self->expanded, name))
    return;
  if (expanded)
    g_hash_table_add (self->expanded, g_strdup (name));
  else
    g_hash_table_remove (self->expanded, name);
  if (self->layer_node == block)
    nnb_dv_choose_layer (self, -1, -1);
  nnb_dv_update_actions (self);
  nnb_dv_update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
nnb_diagram_view_get_expanded (NnbDiagramView *self, int block)
{
  g_return_val_if_fail (NNB_IS_DIAGRAM_VIEW (self), FALSE);
  if (self->graph == NULL || block < 0 || (guint) block >= self->graph->blocks->len)
    return FALSE;
  return g_hash_table_contains (self->expanded, nnb_graph_get_block (self->graph, block)->name);
}

GStrv
nnb_diagram_view_get_layer_shapes (NnbDiagramView *self, int block)
{
  NnbModel *model;
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  NnbNodeShape *layers;
  guint n = 0;

  g_return_val_if_fail (NNB_IS_DIAGRAM_VIEW (self), NULL);
  model = nnb_dv_shown_model (self);
  if (model != NULL && block >= 0 && (guint) block < model->nodes->len)
    {
      layers = nnb_model_layer_shapes (model, block, self->shapes, &n);
      for (guint c = 0; c < n; c++)
        {
          g_autofree char *text = layers[c].ndim > 0 ? nnb_shape_to_string (layers[c].ndim, layers[c].shape) : NULL;

          g_strv_builder_add (builder, text != NULL ? text : "");
        }
      nnb_node_shapes_free (layers, n);
    }
  return g_strv_builder_end (builder);
}

GPtrArray *
nnb_diagram_view_get_layer_labels (NnbDiagramView *self, int block)
{
  NnbModel *model;
  g_autoptr (GArray) where = NULL;
  g_autofree NnbDiagramOpen *expanded = NULL;
  GPtrArray *labels;

  g_return_val_if_fail (NNB_IS_DIAGRAM_VIEW (self), NULL);
  model = nnb_dv_shown_model (self);
  if (model == NULL || block < 0 || (guint) block >= model->nodes->len)
    return g_ptr_array_new ();
  where = nnb_dv_positions (self);
  expanded = nnb_dv_expanded (self);
  labels = nnb_diagram_layer_labels (model, (const NnbBlockPosition *) where->data, expanded, self->shapes, block);
  for (guint k = 0; k < labels->len; k++)
    {
      NnbDiagramLabel *label = g_ptr_array_index (labels, k);

      nnb_dv_to_widget (self, label->x, label->y, &label->x, &label->y);
    }
  return labels;
}

gboolean
nnb_diagram_view_get_layer_rect (NnbDiagramView *self, int block, int child, double rect[4])
{
  NnbModel *model;
  g_autoptr (GArray) where = NULL;
  g_autofree NnbDiagramOpen *expanded = NULL;
  double r[4], zoom, ox, oy;

  g_return_val_if_fail (NNB_IS_DIAGRAM_VIEW (self), FALSE);
  model = nnb_dv_shown_model (self);
  if (model == NULL || block < 0 || (guint) block >= model->nodes->len)
    return FALSE;
  where = nnb_dv_positions (self);
  expanded = nnb_dv_expanded (self);
  if (child == -2)
    nnb_diagram_block_rect (model, (const NnbBlockPosition *) where->data, expanded, block, r);
  else if (!nnb_diagram_layer_rect (model, (const NnbBlockPosition *) where->data, expanded, block, child, r))
    return FALSE;
  nnb_dv_transform (self, &zoom, &ox, &oy);
  rect[0] = (r[0] - ox) * zoom, rect[1] = (r[1] - oy) * zoom;
  rect[2] = r[2] * zoom, rect[3] = r[3] * zoom;
  return TRUE;
}

void
nnb_dv_describe_layers (NnbDiagramView *self, int block, GString *out)
{
  if (nnb_diagram_view_get_expanded (self, block))
    {
      g_auto (GStrv) shapes = nnb_diagram_view_get_layer_shapes (self, block);
      NnbGraphModule *seq = nnb_graph_block_module (self->graph, block);

      /* Translators: a Sequential shown with its layers, read by a screen reader */
      g_string_append (out, _(", open, layers:"));
      for (guint c = 0; shapes[c] != NULL && c < seq->children->len; c++)
        {
          NnbGraphModule *layer = g_ptr_array_index (seq->children, c);

          g_string_append_printf (out, " %u %s%s%s", c, nnb_module_kind_to_string (layer->kind),
                                  shapes[c][0] != '\0' ? " → " : "", shapes[c]);
          g_string_append_c (out, shapes[c + 1] != NULL ? ';' : '.');
        }
    }
}
