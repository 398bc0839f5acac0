/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-diagram-actions.c — the diagram editor's editor.* actions: each
 * turns into an edit of the NnbGraph and a rebuilt model in the document.
 *
 * Undo keeps whole copies of the graph, one per edit: a graph is a few
 * hundred bytes, and a copy is always right where a list of inverse
 * operations is easy to get wrong. */
#include "nnb-config.h"

#include "nnb-diagram-view-private.h"

/* Applying edits */

/* Equal apart from where the blocks are. */
static gboolean
same_structure (const NnbGraph *a, const NnbGraph *b)
{
  g_autoptr (NnbGraph) x = nnb_graph_copy (a);
  g_autoptr (NnbGraph) y = nnb_graph_copy (b);

  for (guint i = 0; i < x->blocks->len; i++)
    nnb_graph_move (x, i, 0, 0);
  for (guint i = 0; i < y->blocks->len; i++)
    nnb_graph_move (y, i, 0, 0);
  return nnb_graph_equal (x, y);
}

/* Makes the document show the graph: a new model from the recipe when the
 * structure changed, new positions when only blocks moved. */
static gboolean
apply_graph (NnbDiagramView *self, const NnbGraph *before, GError **error)
{
  g_autoptr (GArray) where = nnb_dv_positions (self);
  g_autoptr (NnbModel) model = NULL;
  gboolean ok;

  if (before != NULL && same_structure (before, self->graph))
    {
      nnb_document_set_positions (self->document, where);
      return TRUE;
    }
  model = nnb_graph_to_model (self->graph, error);
  if (model == NULL)
    return FALSE;
  self->applying = TRUE;
  ok = nnb_document_replace_model (self->document, model, where, error);
  self->applying = FALSE;
  return ok;
}

/* Ends an edit begun with a copy `before`: keeps it (one undo step) when the
 * document took it, puts `before` back otherwise. Takes before. */
gboolean
nnb_dv_commit (NnbDiagramView *self, NnbGraph *before, GError *refusal)
{
  g_autoptr (GError) error = refusal;

  if (error == NULL && nnb_graph_equal (before, self->graph))
    {
      nnb_graph_free (before);
      nnb_dv_update_state (self);
      return TRUE;
    }
  if (error == NULL)
    {
      if (!same_structure (before, self->graph))
        nnb_graph_normalize (self->graph);
      apply_graph (self, before, &error);
    }
  if (error != NULL)
    {
      nnb_graph_free (self->graph);
      self->graph = before;
      if (self->selected->len != self->graph->blocks->len)
        nnb_dv_select_none (self);
      nnb_dv_say (self, error->message);
      nnb_dv_update_state (self);
      return FALSE;
    }

  g_clear_pointer (&self->message, g_free);
  g_ptr_array_add (self->undo, before);
  if (self->undo->len > MAX_UNDO)
    g_ptr_array_remove_index (self->undo, 0);
  g_ptr_array_set_size (self->redo, 0);
  nnb_dv_notify_history (self);
  nnb_dv_update_state (self);
  return TRUE;
}

/* A copy to come back to, or NULL when nothing may be edited now. */
NnbGraph *
nnb_dv_begin (NnbDiagramView *self)
{
  if (self->graph == NULL || !self->editable)
    return NULL;
  nnb_dv_bake_fold (self);
  return nnb_graph_copy (self->graph);
}

static void
travel (NnbDiagramView *self, GPtrArray *from, GPtrArray *to)
{
  g_autoptr (GError) error = NULL;
  NnbGraph *current;

  if (from->len == 0 || self->graph == NULL || !self->editable)
    return;
  current = self->graph;
  self->graph = g_ptr_array_steal_index (from, from->len - 1);
  if (!apply_graph (self, current, &error))
    {
      /* the recipe refused the old state (it cannot: it built it before) */
      g_ptr_array_add (from, self->graph);
      self->graph = current;
      nnb_dv_say (self, error->message);
      return;
    }
  g_ptr_array_add (to, current);
  nnb_dv_select_none (self);
  self->focus = -1;
  nnb_dv_notify_history (self);
  nnb_dv_update_state (self);
}

/* Actions */

/* The block an edit just made (index -1: the edit failed) becomes the
 * selection, which first grows to the graph's new size. */
static void
select_new_block (NnbDiagramView *self, int index)
{
  if (index < 0)
    return;
  g_array_set_size (self->selected, self->graph->blocks->len);
  nnb_dv_select_only (self, index);
}

/* Where a block added without a point goes: after the selected block, else
 * after the rightmost one; moved down while another block is there. */
static void
free_spot (NnbDiagramView *self, int after, double *x, double *y)
{
  gboolean moved = TRUE;

  if (after >= 0)
    {
      NnbGraphBlock *block = nnb_graph_get_block (self->graph, after);
      *x = block->x + STEP_X, *y = block->y;
    }
  else
    {
      *x = 0, *y = 0;
      for (guint i = 0; i < self->graph->blocks->len; i++)
        *x = MAX (*x, nnb_graph_get_block (self->graph, i)->x + STEP_X);
    }
  while (moved)
    {
      moved = FALSE;
      for (guint i = 0; i < self->graph->blocks->len; i++)
        {
          NnbGraphBlock *block = nnb_graph_get_block (self->graph, i);
          if (fabs (block->x - *x) < STEP_X / 2 && fabs (block->y - *y) < STEP_Y / 2)
            {
              *y += STEP_Y;
              moved = TRUE;
            }
        }
    }
}

/* A LayerNorm wired to a block takes that block's width as its
 * normalized_shape, a BatchNorm1d as its num_features: there is no other
 * width they could normalise. (A Linear's in_features stays the student's
 * to choose, with the one-click fix.) */
static void
follow_width (NnbDiagramView *self, int from, int to)
{
  NnbGraphModule *module = nnb_graph_block_module (self->graph, to);
  int64_t width;

  if (module == NULL || (module->kind != NNB_MODULE_LAYER_NORM && module->kind != NNB_MODULE_BATCH_NORM) ||
      self->shapes == NULL || (guint) from >= self->n_shapes || self->shapes[from].ndim == 0 ||
      self->shapes[from].shape[self->shapes[from].ndim - 1] <= 0)
    return;
  width = self->shapes[from].shape[self->shapes[from].ndim - 1];
  if (module->kind == NNB_MODULE_LAYER_NORM)
    nnb_graph_set_layer_norm (self->graph, to, width, module->eps, NULL);
  else
    nnb_graph_set_batch_norm (self->graph, to, -1, width, module->eps, module->momentum, module->has_momentum,
                              module->affine, module->track_running_stats, NULL);
}

static gboolean
add_block (NnbDiagramView *self, const char *kind_name, gboolean at_point, double wx, double wy)
{
  NnbGraph *before = nnb_dv_begin (self);
  GError *error = NULL;
  NnbBlockKind kind;
  int after = -1, index;
  double x, y;

  if (before == NULL)
    return FALSE;
  if (!nnb_block_kind_from_string (kind_name, &kind))
    {
      nnb_graph_free (before);
      return FALSE;
    }
  if (at_point)
    {
      /* the view stays as it is, so the next drop lands where it points */
      nnb_dv_freeze_view (self);
      nnb_dv_to_diagram (self, wx, wy, &x, &y);
      /* the pointer holds the block by its middle */
      x -= 62, y -= 16;
    }
  else
    {
      after = nnb_dv_target_block (self);
      free_spot (self, after, &x, &y);
    }
  index = nnb_graph_add_block (self->graph, kind, round (x), round (y), &error);
  /* Clicked in the palette after a block: the new one continues the chain. */
  if (index >= 0 && after >= 0 && kind != NNB_BLOCK_INPUT && nnb_graph_get_block (self->graph, after)->kind != NNB_NODE_OUTPUT &&
      nnb_graph_connect (self->graph, after, index, 0, NULL))
    follow_width (self, after, index);
  select_new_block (self, index);
  return nnb_dv_commit (self, before, error);
}

static void
add_block_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  add_block (NNB_DIAGRAM_VIEW (widget), g_variant_get_string (parameter, NULL), FALSE, 0, 0);
}

static void
add_block_at_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  const char *kind;
  double x, y;

  g_variant_get (parameter, "(&sdd)", &kind, &x, &y);
  add_block (NNB_DIAGRAM_VIEW (widget), kind, TRUE, x, y);
}

gboolean
nnb_dv_connect_blocks (NnbDiagramView *self, int from, int to, int slot)
{
  NnbGraph *before = nnb_dv_begin (self);
  GError *error = NULL;

  if (before == NULL)
    return FALSE;
  if (nnb_graph_connect (self->graph, from, to, slot, &error) && slot == 0)
    follow_width (self, from, to);
  return nnb_dv_commit (self, before, error);
}

static void
connect_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  NnbDiagramView *self = NNB_DIAGRAM_VIEW (widget);
  const char *from, *to;
  int slot;

  if (self->graph == NULL)
    return;
  g_variant_get (parameter, "(&s&si)", &from, &to, &slot);
  nnb_dv_connect_blocks (self, nnb_graph_find_block (self->graph, from), nnb_graph_find_block (self->graph, to), slot);
}

static void
disconnect_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  NnbDiagramView *self = NNB_DIAGRAM_VIEW (widget);
  NnbGraph *before = nnb_dv_begin (self);
  const char *to;
  int slot, block;

  if (before == NULL)
    return;
  g_variant_get (parameter, "(&si)", &to, &slot);
  block = nnb_graph_find_block (self->graph, to);
  if (block >= 0 && slot >= 0 && slot < nnb_graph_get_block (self->graph, block)->n_inputs)
    nnb_graph_disconnect (self->graph, block, slot);
  nnb_dv_commit (self, before, NULL);
}

static void
select_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  NnbDiagramView *self = NNB_DIAGRAM_VIEW (widget);

  if (self->graph == NULL)
    return;
  nnb_dv_select_only (self, nnb_graph_find_block (self->graph, g_variant_get_string (parameter, NULL)));
  nnb_dv_update_actions (self);
  nnb_dv_update_accessible (self);
  gtk_widget_queue_draw (widget);
}

static void
select_all_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  NnbDiagramView *self = NNB_DIAGRAM_VIEW (widget);

  for (guint i = 0; i < self->selected->len; i++)
    g_array_index (self->selected, gboolean, i) = TRUE;
  nnb_dv_update_actions (self);
  gtk_widget_queue_draw (widget);
}

static void
delete_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  NnbDiagramView *self = NNB_DIAGRAM_VIEW (widget);
  g_autoptr (GArray) chosen = nnb_diagram_view_get_selection (self);
  NnbGraph *before;

  if (chosen->len == 0 && self->focus >= 0)
    g_array_append_val (chosen, self->focus);
  if (chosen->len == 0 || (before = nnb_dv_begin (self)) == NULL)
    return;
  /* a layer chosen inside an open Sequential: that layer, not the block */
  if (self->layer_node >= 0)
    {
      GError *error = NULL;
      int block = self->layer_node, layer = self->layer;

      nnb_graph_remove_child (self->graph, block, layer, &error);
      nnb_dv_commit (self, before, error);
      /* the next layer moved up into its place */
      if (nnb_graph_block_child (self->graph, block, layer) == NULL)
        layer--;
      nnb_dv_select_only (self, block);
      nnb_dv_choose_layer (self, block, layer);
      return;
    }
  nnb_graph_remove_blocks (self->graph, (const int *) chosen->data, chosen->len);
  nnb_dv_select_none (self);
  self->focus = -1;
  nnb_dv_commit (self, before, NULL);
}

static void
duplicate_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  NnbDiagramView *self = NNB_DIAGRAM_VIEW (widget);
  int target = nnb_dv_target_block (self), index;
  NnbGraph *before;
  GError *error = NULL;
  NnbGraphBlock *block;

  if (target < 0 || (before = nnb_dv_begin (self)) == NULL)
    return;
  block = nnb_graph_get_block (self->graph, target);
  index = nnb_graph_duplicate (self->graph, target, block->x + 20, block->y + STEP_Y / 2, &error);
  select_new_block (self, index);
  nnb_dv_commit (self, before, error);
}

static void
call_again_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  NnbDiagramView *self = NNB_DIAGRAM_VIEW (widget);
  int target = nnb_dv_target_block (self), index;
  NnbGraph *before;
  GError *error = NULL;
  double x, y;

  if (target < 0 || (before = nnb_dv_begin (self)) == NULL)
    return;
  free_spot (self, target, &x, &y);
  index = nnb_graph_add_call (self->graph, target, x, y, &error);
  select_new_block (self, index);
  nnb_dv_commit (self, before, error);
}

static void
rename_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  NnbDiagramView *self = NNB_DIAGRAM_VIEW (widget);
  int target = nnb_dv_target_block (self);
  NnbGraph *before;
  GError *error = NULL;

  if (target < 0 || (before = nnb_dv_begin (self)) == NULL)
    return;
  nnb_graph_rename (self->graph, target, g_variant_get_string (parameter, NULL), &error);
  nnb_dv_commit (self, before, error);
}

static void
set_features_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  NnbDiagramView *self = NNB_DIAGRAM_VIEW (widget);
  int target = nnb_dv_target_block (self);
  NnbGraph *before;
  GError *error = NULL;
  gint64 in_features, out_features;

  if (target < 0 || (before = nnb_dv_begin (self)) == NULL)
    return;
  g_variant_get (parameter, "(xx)", &in_features, &out_features);
  nnb_graph_set_features (self->graph, target, in_features, out_features, &error);
  nnb_dv_commit (self, before, error);
}

/* The size of what flows into a block's first input, or 0. */
int64_t
nnb_dv_incoming_features (NnbDiagramView *self, int block, int layer)
{
  NnbGraphBlock *b = nnb_graph_get_block (self->graph, block);
  NnbModel *model = nnb_dv_shown_model (self);
  int from = b->inputs[0];
  int64_t features = 0;
  NnbNodeShape *layers;
  guint n = 0;

  if (layer <= 0)
    {
      if (from < 0 || self->shapes == NULL || (guint) from >= self->n_shapes || self->shapes[from].ndim == 0)
        return 0;
      return self->shapes[from].shape[self->shapes[from].ndim - 1];
    }
  /* inside a Sequential: what the layer before hands on */
  layers = model != NULL ? nnb_model_layer_shapes (model, block, self->shapes, &n) : NULL;
  if ((guint) layer <= n && layers[layer - 1].ndim > 0)
    features = layers[layer - 1].shape[layers[layer - 1].ndim - 1];
  nnb_node_shapes_free (layers, n);
  return features;
}

int
nnb_dv_target_layer (NnbDiagramView *self, int block)
{
  return block >= 0 && self->layer_node == block ? self->layer : -1;
}

static void
fix_in_features_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  NnbDiagramView *self = NNB_DIAGRAM_VIEW (widget);
  int target = nnb_dv_target_block (self), layer;
  NnbGraphModule *module;
  NnbGraph *before;
  GError *error = NULL;
  int64_t in_features;

  if (target < 0 || self->graph == NULL)
    return;
  /* the layer chosen inside an open Sequential (its editor chooses it too) */
  layer = nnb_dv_target_layer (self, target);
  module = nnb_graph_block_child (self->graph, target, layer);
  in_features = nnb_dv_incoming_features (self, target, layer);
  if (module == NULL || in_features <= 0 || (before = nnb_dv_begin (self)) == NULL)
    return;
  if (module->kind == NNB_MODULE_LAYER_NORM)
    nnb_graph_set_child_layer_norm (self->graph, target, layer, in_features, module->eps, &error);
  else if (module->kind == NNB_MODULE_BATCH_NORM)
    nnb_graph_set_batch_norm (self->graph, target, layer, in_features, module->eps, module->momentum,
                              module->has_momentum, module->affine, module->track_running_stats, &error);
  else
    nnb_graph_set_child_features (self->graph, target, layer, in_features, module->out_features, &error);
  if (nnb_dv_commit (self, before, error) && self->popover != NULL && gtk_widget_get_visible (self->popover))
    gtk_popover_popdown (GTK_POPOVER (self->popover));
}

static void
group_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  NnbDiagramView *self = NNB_DIAGRAM_VIEW (widget);
  g_autoptr (GArray) chosen = nnb_diagram_view_get_selection (self);
  NnbGraph *before;
  GError *error = NULL;
  int index;

  if ((before = nnb_dv_begin (self)) == NULL)
    return;
  index = nnb_graph_group (self->graph, (const int *) chosen->data, chosen->len, &error);
  select_new_block (self, index);
  nnb_dv_commit (self, before, error);
}

static void
ungroup_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  NnbDiagramView *self = NNB_DIAGRAM_VIEW (widget);
  int target = nnb_dv_target_block (self), index;
  NnbGraph *before;
  GError *error = NULL;

  if (target < 0 || (before = nnb_dv_begin (self)) == NULL)
    return;
  nnb_diagram_view_set_expanded (self, target, FALSE);
  index = nnb_graph_ungroup (self->graph, target, &error);
  g_array_set_size (self->selected, self->graph->blocks->len);
  nnb_dv_select_none (self);
  self->focus = index;
  nnb_dv_commit (self, before, error);
}

/* Opens (editor.expand) or closes the chosen Sequentials in place. */
static void
expand_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  NnbDiagramView *self = NNB_DIAGRAM_VIEW (widget);
  g_autoptr (GArray) chosen = nnb_diagram_view_get_selection (self);
  gboolean expand = g_str_equal (name, "editor.expand");

  if (chosen->len == 0 && self->focus >= 0)
    g_array_append_val (chosen, self->focus);
  for (guint k = 0; k < chosen->len; k++)
    nnb_diagram_view_set_expanded (self, g_array_index (chosen, int, k), expand);
}

static void
undo_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  NnbDiagramView *self = NNB_DIAGRAM_VIEW (widget);
  travel (self, self->undo, self->redo);
}

static void
redo_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  NnbDiagramView *self = NNB_DIAGRAM_VIEW (widget);
  travel (self, self->redo, self->undo);
}

static void
layout_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  NnbDiagramView *self = NNB_DIAGRAM_VIEW (widget);
  NnbGraph *before = nnb_dv_begin (self);

  if (before == NULL)
    return;
  nnb_graph_layout (self->graph);
  self->fit = TRUE;
  nnb_dv_commit (self, before, NULL);
}

void
nnb_dv_zoom_by (NnbDiagramView *self, double factor, double wx, double wy)
{
  double dx, dy;

  nnb_dv_freeze_view (self);
  nnb_dv_to_diagram (self, wx, wy, &dx, &dy);
  self->zoom = CLAMP (self->zoom * factor, MIN_ZOOM, MAX_ZOOM);
  /* the point under the pointer stays under it */
  self->origin_x = dx - wx / self->zoom;
  self->origin_y = dy - wy / self->zoom;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
zoom_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  double factor = g_str_equal (name, "editor.zoom-in") ? 1.25 : 0.8;

  nnb_dv_zoom_by (NNB_DIAGRAM_VIEW (widget), factor, gtk_widget_get_width (widget) / 2.0, gtk_widget_get_height (widget) / 2.0);
}

static void
fit_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  NNB_DIAGRAM_VIEW (widget)->fit = TRUE;
  gtk_widget_queue_draw (widget);
}

static void
batch_size_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  g_object_set (widget, "batch-size", g_variant_get_int32 (parameter), NULL);
}

/* Installing */

void
nnb_dv_actions_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "editor.add-block", "s", add_block_action);
  gtk_widget_class_install_action (widget_class, "editor.add-block-at", "(sdd)", add_block_at_action);
  gtk_widget_class_install_action (widget_class, "editor.connect", "(ssi)", connect_action);
  gtk_widget_class_install_action (widget_class, "editor.disconnect", "(si)", disconnect_action);
  gtk_widget_class_install_action (widget_class, "editor.select", "s", select_action);
  gtk_widget_class_install_action (widget_class, "editor.select-all", NULL, select_all_action);
  gtk_widget_class_install_action (widget_class, "editor.delete", NULL, delete_action);
  gtk_widget_class_install_action (widget_class, "editor.duplicate", NULL, duplicate_action);
  gtk_widget_class_install_action (widget_class, "editor.call-again", NULL, call_again_action);
  gtk_widget_class_install_action (widget_class, "editor.rename", "s", rename_action);
  gtk_widget_class_install_action (widget_class, "editor.set-features", "(xx)", set_features_action);
  gtk_widget_class_install_action (widget_class, "editor.fix-in-features", NULL, fix_in_features_action);
  gtk_widget_class_install_action (widget_class, "editor.group", NULL, group_action);
  gtk_widget_class_install_action (widget_class, "editor.ungroup", NULL, ungroup_action);
  gtk_widget_class_install_action (widget_class, "editor.expand", NULL, expand_action);
  gtk_widget_class_install_action (widget_class, "editor.collapse", NULL, expand_action);
  gtk_widget_class_install_action (widget_class, "editor.undo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "editor.redo", NULL, redo_action);
  gtk_widget_class_install_action (widget_class, "editor.edit", NULL, nnb_dv_edit_action);
  gtk_widget_class_install_action (widget_class, "editor.menu", NULL, nnb_dv_menu_action);
  gtk_widget_class_install_action (widget_class, "editor.layout", NULL, layout_action);
  gtk_widget_class_install_action (widget_class, "editor.zoom-in", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "editor.zoom-out", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "editor.fit", NULL, fit_action);
  gtk_widget_class_install_action (widget_class, "editor.batch-size", "i", batch_size_action);
}
