/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-lesson-panel-width.c — the lesson pane's width: dragged by its
 * handle, kept in the settings, and given back when the window cannot
 * spare it beside the diagram. */
#include "nnb-config.h"

#include "nnb-lesson-panel-private.h"

/* The pane asks for the width the student chose, or less where the window
 * is too narrow for it beside the diagram's least width: the flap would
 * otherwise fold the lesson away. */
static void
apply_width (NnbLessonPanel *self)
{
  GtkWidget *flap = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_FLAP);
  int room = PANE_MAX_WIDTH;

  if (flap != NULL && gtk_widget_get_width (flap) > 0 && adw_flap_get_content (ADW_FLAP (flap)) != NULL)
    {
      int content_min = 0;

      gtk_widget_measure (adw_flap_get_content (ADW_FLAP (flap)), GTK_ORIENTATION_HORIZONTAL, -1, &content_min, NULL,
                          NULL, NULL);
      room = gtk_widget_get_width (flap) - content_min - 1; /* 1: the separator */
    }
  gtk_widget_set_size_request (GTK_WIDGET (self), CLAMP (self->width, PANE_MIN_WIDTH, MAX (PANE_MIN_WIDTH, room)), -1);
}

static void
set_width (NnbLessonPanel *self, int width)
{
  self->width = CLAMP (width, PANE_MIN_WIDTH, PANE_MAX_WIDTH);
  apply_width (self);
}

static gboolean
apply_width_idle (gpointer user_data)
{
  apply_width (user_data);
  return G_SOURCE_REMOVE;
}

/* A window made narrower or wider gives the pane what fits again. */
static void
panel_map_cb (NnbLessonPanel *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  g_assert (NNB_IS_LESSON_PANEL (self));
  /* once laid out, the window's width is known */
  g_idle_add_full (G_PRIORITY_LOW, apply_width_idle, g_object_ref (self), g_object_unref);
  if (root == NULL || self->watching_window)
    return;
  self->watching_window = TRUE;
  g_signal_connect_object (root, "notify::default-width", G_CALLBACK (apply_width), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (root, "notify::maximized", G_CALLBACK (apply_width), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (root, "notify::fullscreened", G_CALLBACK (apply_width), self, G_CONNECT_SWAPPED);
}

static void
save_width (NnbLessonPanel *self)
{
  g_autoptr (GSettingsSchema) schema = NULL;

  if (self->settings == NULL)
    return;
  g_object_get (self->settings, "settings-schema", &schema, NULL);
  if (g_settings_schema_has_key (schema, PANE_WIDTH_KEY))
    g_settings_set_int (self->settings, PANE_WIDTH_KEY, self->width);
}

static void
drag_begin_cb (NnbLessonPanel *self)
{
  g_assert (NNB_IS_LESSON_PANEL (self));
  self->drag_start_width = self->width;
}

static void
drag_update_cb (NnbLessonPanel *self, double dx)
{
  g_assert (NNB_IS_LESSON_PANEL (self));
  set_width (self, self->drag_start_width + (int) dx);
}

static void
init_width_handle (NnbLessonPanel *self)
{
  GtkGesture *drag = gtk_gesture_drag_new ();

  gtk_widget_set_cursor_from_name (self->width_handle, "col-resize");
  g_signal_connect (self, "map", G_CALLBACK (panel_map_cb), NULL);
  g_signal_connect_swapped (drag, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect_swapped (drag, "drag-update", G_CALLBACK (drag_update_cb), self);
  /* written once the drag ends, not on every motion */
  g_signal_connect_swapped (drag, "drag-end", G_CALLBACK (save_width), self);
  gtk_widget_add_controller (self->width_handle, GTK_EVENT_CONTROLLER (drag));
}

void
nnb_lesson_panel_set_pane_width (NnbLessonPanel *self, int width)
{
  g_return_if_fail (NNB_IS_LESSON_PANEL (self));

  set_width (self, width);
  save_width (self);
}

int
nnb_lesson_panel_get_pane_width (NnbLessonPanel *self)
{
  g_return_val_if_fail (NNB_IS_LESSON_PANEL (self), 0);
  return self->width;
}

void
_nnb_lesson_panel_init_width (NnbLessonPanel *self, GSettingsSchema *schema)
{
  set_width (self, self->settings != NULL && schema != NULL && g_settings_schema_has_key (schema, PANE_WIDTH_KEY)
                     ? g_settings_get_int (self->settings, PANE_WIDTH_KEY)
                     : PANE_DEFAULT_WIDTH);
  init_width_handle (self);
}
