/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-diagram-input.c — the diagram editor's pointer and keyboard: drags
 * from ports make wires, drags on blocks move them, on the canvas a rubber
 * band selects; keys move the focus and the blocks. All edits go through
 * the same helpers as the editor.* actions. */
#include "nnb-config.h"

#include "nnb-diagram-view-private.h"

/* Pointer */

static void
drag_begin_cb (GtkGestureDrag *gesture, double x, double y, NnbDiagramView *self)
{
  GdkModifierType mods = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture));
  gboolean extend = (mods & (GDK_SHIFT_MASK | GDK_CONTROL_MASK)) != 0;
  double dx, dy;
  int block, slot = 0, layer = -2, opened;

  gtk_widget_grab_focus (GTK_WIDGET (self));
  self->drag = DRAG_NONE;
  if (self->graph == NULL)
    return;
  /* still while the pointer drags, fitted again afterwards */
  self->fit_after_drag = self->fit;
  nnb_dv_freeze_view (self);
  nnb_dv_to_diagram (self, x, y, &dx, &dy);
  self->drag_x = self->pointer_x = dx;
  self->drag_y = self->pointer_y = dy;

  if (self->editable && (block = nnb_dv_port_at (self, dx, dy, FALSE, &slot)) >= 0)
    {
      self->drag = DRAG_WIRE;
      self->drag_block = block;
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
      return;
    }
  /* the ▸ of a Sequential opens or closes it, and drags nothing */
  opened = nnb_dv_layer_at (self, dx, dy, &layer);
  if (opened >= 0 && layer == -1)
    {
      nnb_diagram_view_set_expanded (self, opened, !nnb_diagram_view_get_expanded (self, opened));
      nnb_dv_select_only (self, opened);
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
      nnb_dv_update_actions (self);
      gtk_widget_queue_draw (GTK_WIDGET (self));
      return;
    }
  block = nnb_dv_block_at (self, dx, dy);
  if (block >= 0)
    {
      if (extend)
        nnb_dv_set_selected (self, block, !nnb_dv_is_selected (self, block));
      else if (!nnb_dv_is_selected (self, block))
        nnb_dv_select_only (self, block);
      self->focus = block;
      /* a layer inside an open Sequential: chosen, while a drag still
       * moves the whole block */
      nnb_dv_choose_layer (self, opened >= 0 && !extend ? opened : -1, opened >= 0 && !extend ? layer : -1);
      if (self->editable && nnb_dv_is_selected (self, block))
        {
          nnb_dv_bake_fold (self);
          self->drag = DRAG_MOVE;
          self->drag_block = block;
          g_clear_pointer (&self->drag_origins, g_array_unref);
          self->drag_origins = nnb_dv_positions (self);
          g_clear_pointer (&self->drag_before, nnb_graph_free);
          self->drag_before = nnb_graph_copy (self->graph);
        }
    }
  else
    {
      if (!extend)
        nnb_dv_select_none (self);
      self->drag = DRAG_BAND;
    }
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  nnb_dv_update_actions (self);
  nnb_dv_update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
drag_update_cb (GtkGestureDrag *gesture, double off_x, double off_y, NnbDiagramView *self)
{
  double start_x, start_y;

  if (self->drag == DRAG_NONE || self->graph == NULL)
    return;
  gtk_gesture_drag_get_start_point (gesture, &start_x, &start_y);
  nnb_dv_to_diagram (self, start_x + off_x, start_y + off_y, &self->pointer_x, &self->pointer_y);
  if (self->drag == DRAG_MOVE && self->drag_origins != NULL)
    {
      double zoom, ox, oy;

      nnb_dv_transform (self, &zoom, &ox, &oy);
      for (guint i = 0; i < self->graph->blocks->len && i < self->drag_origins->len; i++)
        if (nnb_dv_is_selected (self, i))
          {
            NnbBlockPosition *p = &g_array_index (self->drag_origins, NnbBlockPosition, i);
            nnb_graph_move (self->graph, i, round (p->x + off_x / zoom), round (p->y + off_y / zoom));
          }
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
drag_end_cb (GtkGestureDrag *gesture, double off_x, double off_y, NnbDiagramView *self)
{
  DragKind kind = self->drag;

  drag_update_cb (gesture, off_x, off_y, self);
  self->drag = DRAG_NONE;
  if (self->graph == NULL)
    return;

  switch (kind)
    {
    case DRAG_MOVE:
      if (self->drag_before != NULL)
        {
          NnbGraph *before = g_steal_pointer (&self->drag_before);

          if (self->editable)
            nnb_dv_commit (self, before, NULL);
          else
            nnb_graph_free (before);
        }
      break;
    case DRAG_WIRE:
      {
        int slot = 0;
        int target = nnb_dv_port_at (self, self->pointer_x, self->pointer_y, TRUE, &slot);

        /* dropped on a block rather than its port: its first free (or first) input */
        if (target < 0 && (target = nnb_dv_block_at (self, self->pointer_x, self->pointer_y)) >= 0)
          {
            NnbGraphBlock *b = nnb_graph_get_block (self->graph, target);
            slot = 0;
            while (b->n_inputs > 1 && slot < b->n_inputs - 1 && b->inputs[slot] >= 0)
              slot++;
            if (b->inputs[slot] >= 0)
              slot = 0;
          }
        if (target >= 0 && target != self->drag_block)
          nnb_dv_connect_blocks (self, self->drag_block, target, slot);
        else
          gtk_widget_queue_draw (GTK_WIDGET (self));
      }
      break;
    case DRAG_BAND:
      {
        NnbModel *model = nnb_dv_shown_model (self);
        g_autoptr (GArray) where = nnb_dv_positions (self);
        g_autofree NnbDiagramOpen *expanded = nnb_dv_expanded (self);
        double x0 = MIN (self->drag_x, self->pointer_x), x1 = MAX (self->drag_x, self->pointer_x);
        double y0 = MIN (self->drag_y, self->pointer_y), y1 = MAX (self->drag_y, self->pointer_y);

        for (guint i = 0; model != NULL && i < model->nodes->len; i++)
          {
            double r[4];

            nnb_diagram_block_rect (model, (const NnbBlockPosition *) where->data, expanded, i, r);
            if (r[0] < x1 && r[0] + r[2] > x0 && r[1] < y1 && r[1] + r[3] > y0)
              nnb_dv_set_selected (self, i, TRUE);
          }
        nnb_dv_update_actions (self);
        gtk_widget_queue_draw (GTK_WIDGET (self));
      }
      break;
    case DRAG_NONE:
    default:
      break;
    }
  if (self->fit_after_drag)
    {
      self->fit = TRUE, self->fit_after_drag = FALSE;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
  g_clear_pointer (&self->drag_origins, g_array_unref);
  g_clear_pointer (&self->drag_before, nnb_graph_free);
}

static void
pan_begin_cb (GtkGestureDrag *gesture, double x, double y, NnbDiagramView *self)
{
  nnb_dv_freeze_view (self);
  self->pan_origin_x = self->origin_x;
  self->pan_origin_y = self->origin_y;
}

static void
pan_update_cb (GtkGestureDrag *gesture, double off_x, double off_y, NnbDiagramView *self)
{
  self->origin_x = self->pan_origin_x - off_x / self->zoom;
  self->origin_y = self->pan_origin_y - off_y / self->zoom;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
click_cb (GtkGestureClick *gesture, int n_press, double x, double y, NnbDiagramView *self)
{
  guint button = gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture));
  double dx, dy;
  int block;

  if (self->graph == NULL)
    return;
  nnb_dv_to_diagram (self, x, y, &dx, &dy);
  block = nnb_dv_block_at (self, dx, dy);
  if (button == GDK_BUTTON_SECONDARY)
    {
      int layer = -1, opened;

      gtk_widget_grab_focus (GTK_WIDGET (self));
      if (block >= 0 && !nnb_dv_is_selected (self, block))
        nnb_dv_select_only (self, block);
      /* the menu then edits or deletes the layer under the pointer */
      opened = nnb_dv_layer_at (self, dx, dy, &layer);
      if (opened >= 0 && layer >= 0)
        {
          nnb_dv_select_only (self, opened);
          nnb_dv_choose_layer (self, opened, layer);
        }
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

static gboolean
open_editor_idle (gpointer data)
{
  NnbDiagramView *self = data;

  nnb_dv_open_layer_editor (self, self->editing, self->editing_layer);
  return G_SOURCE_REMOVE;
}

/* Menus and the block editor open on release, not press: a popover opened
 * by the press would take the release for a click outside and close. */
static void
released_cb (GtkGestureClick *gesture, int n_press, double x, double y, NnbDiagramView *self)
{
  guint button = gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture));
  double dx, dy;
  int block, layer = -1, opened;

  if (self->graph == NULL)
    return;
  if (button == GDK_BUTTON_SECONDARY)
    {
      nnb_dv_popup_menu_at (self, x, y);
      return;
    }
  if (n_press != 2 || button != GDK_BUTTON_PRIMARY)
    return;
  nnb_dv_to_diagram (self, x, y, &dx, &dy);
  opened = nnb_dv_layer_at (self, dx, dy, &layer);
  if (opened >= 0 && layer == -1)
    return; /* the ▸: its two presses opened and closed it */
  block = nnb_dv_block_at (self, dx, dy);
  if (block >= 0)
    {
      /* a layer inside an open Sequential is edited on its own */
      self->editing_layer = opened >= 0 ? layer : -1;
      /* after the release is handled to the end: the popover's grab must
       * not start inside the click's own */
      self->editing = block;
      g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, open_editor_idle, g_object_ref (self), g_object_unref);
    }
}

static gboolean
scroll_cb (GtkEventControllerScroll *controller, double dx, double dy, NnbDiagramView *self)
{
  GdkModifierType mods = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));

  if (mods & GDK_CONTROL_MASK)
    {
      double x = gtk_widget_get_width (GTK_WIDGET (self)) / 2.0, y = gtk_widget_get_height (GTK_WIDGET (self)) / 2.0;
      nnb_dv_zoom_by (self, dy < 0 ? 1.1 : 1 / 1.1, x, y);
      return TRUE;
    }
  nnb_dv_freeze_view (self);
  self->origin_x += dx * 20 / self->zoom;
  self->origin_y += dy * 20 / self->zoom;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return TRUE;
}

/* Keyboard */

static gboolean
focus_next (GtkWidget *widget, GVariant *args, gpointer user_data)
{
  NnbDiagramView *self = NNB_DIAGRAM_VIEW (widget);
  int step = g_variant_get_int32 (args);
  int n = self->graph != NULL ? (int) self->graph->blocks->len : 0;
  int next = self->focus + step;

  if (self->focus < 0)
    next = step > 0 ? 0 : n - 1;
  /* past the last block, Tab leaves the diagram as it would any widget */
  if (n == 0 || next < 0 || next >= n)
    {
      self->focus = -1;
      gtk_widget_queue_draw (widget);
      return FALSE;
    }
  nnb_dv_select_only (self, next);
  nnb_dv_update_actions (self);
  nnb_dv_update_accessible (self);
  gtk_widget_queue_draw (widget);
  return TRUE;
}

static gboolean
nudge (GtkWidget *widget, GVariant *args, gpointer user_data)
{
  NnbDiagramView *self = NNB_DIAGRAM_VIEW (widget);
  g_autoptr (GArray) chosen = nnb_diagram_view_get_selection (self);
  NnbGraph *before;
  double dx, dy;

  if (chosen->len == 0 || (before = nnb_dv_begin (self)) == NULL)
    return FALSE;
  g_variant_get (args, "(dd)", &dx, &dy);
  for (guint k = 0; k < chosen->len; k++)
    {
      NnbGraphBlock *block = nnb_graph_get_block (self->graph, g_array_index (chosen, int, k));
      nnb_graph_move (self->graph, g_array_index (chosen, int, k), block->x + dx * NUDGE, block->y + dy * NUDGE);
    }
  nnb_dv_commit (self, before, NULL);
  return TRUE;
}

static gboolean
escape (GtkWidget *widget, GVariant *args, gpointer user_data)
{
  NnbDiagramView *self = NNB_DIAGRAM_VIEW (widget);

  nnb_dv_select_none (self);
  nnb_dv_update_actions (self);
  gtk_widget_queue_draw (widget);
  return TRUE;
}

/* Installing */

void
nnb_dv_input_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "editor.delete", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_BackSpace, 0, "editor.delete", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "editor.undo", NULL);
  /* Ctrl+Y works too, but menus show the binding added last: Shift+Ctrl+Z,
   * as the palette's tooltip and the shortcuts window say. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_y, GDK_CONTROL_MASK, "editor.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Z, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "editor.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "editor.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, 0, "editor.edit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, 0, "editor.edit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F2, 0, "editor.edit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Menu, 0, "editor.menu", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F10, GDK_SHIFT_MASK, "editor.menu", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_a, GDK_CONTROL_MASK, "editor.select-all", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_d, GDK_CONTROL_MASK, "editor.duplicate", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_g, GDK_CONTROL_MASK, "editor.group", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_g, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "editor.ungroup", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_G, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "editor.ungroup", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, GDK_CONTROL_MASK, "editor.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, GDK_CONTROL_MASK, "editor.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, GDK_CONTROL_MASK, "editor.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, GDK_CONTROL_MASK, "editor.fit", NULL);
  /* as a tree view opens and closes a row */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, 0, "editor.expand", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, 0, "editor.expand", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, 0, "editor.collapse", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, 0, "editor.collapse", NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Tab, 0, focus_next, "i", 1);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_ISO_Left_Tab, GDK_SHIFT_MASK, focus_next, "i", -1);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Left, 0, nudge, "(dd)", -1.0, 0.0);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Right, 0, nudge, "(dd)", 1.0, 0.0);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Up, 0, nudge, "(dd)", 0.0, -1.0);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Down, 0, nudge, "(dd)", 0.0, 1.0);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Escape, 0, escape, NULL);
}

void
nnb_dv_input_init (NnbDiagramView *self)
{
  GtkGesture *drag, *pan, *click;
  GtkEventController *scroll;

  drag = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), GDK_BUTTON_PRIMARY);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (drag_update_cb), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (drag_end_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));

  pan = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (pan), GDK_BUTTON_MIDDLE);
  g_signal_connect (pan, "drag-begin", G_CALLBACK (pan_begin_cb), self);
  g_signal_connect (pan, "drag-update", G_CALLBACK (pan_update_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (pan));

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), 0);
  g_signal_connect (click, "pressed", G_CALLBACK (click_cb), self);
  g_signal_connect (click, "released", G_CALLBACK (released_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  /* the drag claims every press; grouped, the click still counts a double one */
  gtk_gesture_group (click, drag);

  scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  g_signal_connect (scroll, "scroll", G_CALLBACK (scroll_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);
}
