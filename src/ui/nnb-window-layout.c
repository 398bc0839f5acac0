/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-window-layout.c — the parameters and code pane gives way to the
 * lesson: where the window cannot show the lesson, the diagram and that
 * pane side by side (a 1024×700 laptop), or in presentation mode with the
 * lesson open (a 720p projector), the pane folds away behind a header-bar
 * toggle, so the lesson stays docked beside the diagram instead of
 * covering it. While a step is explained (nnb-window-explain.c) it folds
 * away too: the numbers on the diagram need the room. */
#include "nnb-config.h"

#include <glib/gi18n.h>

#include "nnb-window-private.h"

/* GtkPaned's handle between the diagram and the pane */
#define PANED_HANDLE 1

static GtkWidget *
side_pane (NnbWindow *self)
{
  return gtk_widget_get_parent (GTK_WIDGET (self->side_stack));
}

static int
min_width (GtkWidget *widget)
{
  int width = 0;

  gtk_widget_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, &width, NULL, NULL, NULL);
  return width;
}

/* Whether the lesson at its width, the diagram and the pane all fit. */
static gboolean
side_pane_fits (NnbWindow *self)
{
  GtkWidget *side = side_pane (self);
  int width = gtk_widget_get_width (GTK_WIDGET (self->flap));
  int needed;

  if (width <= 0)
    return TRUE;
  needed = min_width (GTK_WIDGET (self->lesson_stack)) + 1 + min_width (adw_flap_get_content (self->flap));
  /* a hidden widget measures 0: the pane's width from when it was shown */
  if (gtk_widget_get_visible (side))
    self->side_min_width = min_width (side);
  else
    needed += self->side_min_width + PANED_HANDLE;
  return needed <= width;
}

static void
update_layout (NnbWindow *self)
{
  /* Explain Next Step needs the room for the numbers on the diagram */
  gboolean fold = (self->lesson_wanted && (self->presentation_mode || !side_pane_fits (self))) ||
                  _nnb_window_explain_is_open (self);

  /* the pane shown anyway is for this narrow spell only */
  if (!fold)
    gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->side_button), FALSE);
  gtk_widget_set_visible (self->side_button, fold);
  gtk_widget_set_visible (side_pane (self), !fold || gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->side_button)));
}

static gboolean
update_layout_idle (gpointer user_data)
{
  NnbWindow *self = user_data;

  self->layout_queued = FALSE;
  update_layout (self);
  return G_SOURCE_REMOVE;
}

/* After the window has laid itself out at its new size. */
static void
queue_update (NnbWindow *self)
{
  if (self->layout_queued)
    return;
  self->layout_queued = TRUE;
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, update_layout_idle, g_object_ref (self), g_object_unref);
}

void
_nnb_window_layout_queue (NnbWindow *self)
{
  queue_update (self);
}

/* The flap hides the lesson by itself when it folds: that is not the
 * student closing it, and the pane folding lets the lesson back. */
static void
reveal_cb (NnbWindow *self)
{
  if (adw_flap_get_reveal_flap (self->flap))
    self->lesson_wanted = TRUE;
  else if (!adw_flap_get_folded (self->flap))
    self->lesson_wanted = FALSE;
  queue_update (self);
}

static void
surface_layout_cb (NnbWindow *self, int width, int height)
{
  if (width == self->layout_width && height == self->layout_height)
    return;
  self->layout_width = width;
  self->layout_height = height;
  queue_update (self);
}

static void
realize_cb (NnbWindow *self)
{
  g_signal_connect_object (gtk_native_get_surface (GTK_NATIVE (self)), "layout", G_CALLBACK (surface_layout_cb), self,
                           G_CONNECT_SWAPPED);
}

void
_nnb_window_layout_init (NnbWindow *self)
{
  GtkWidget *button = gtk_toggle_button_new ();

  gtk_button_set_icon_name (GTK_BUTTON (button), "sidebar-show-right-symbolic");
  gtk_widget_set_tooltip_text (button, _("Show or Hide the Parameters and Code"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Parameters and Code"), -1);
  gtk_widget_set_visible (button, FALSE);
  adw_header_bar_pack_start (self->header_bar, button);
  self->side_button = button;
  self->lesson_wanted = adw_flap_get_reveal_flap (self->flap);

  g_signal_connect_swapped (button, "toggled", G_CALLBACK (update_layout), self);
  g_signal_connect_swapped (self->flap, "notify::reveal-flap", G_CALLBACK (reveal_cb), self);
  g_signal_connect_swapped (self->flap, "notify::folded", G_CALLBACK (queue_update), self);
  g_signal_connect_swapped (self, "notify::presentation-mode", G_CALLBACK (queue_update), self);
  g_signal_connect_swapped (self->diagram_stack, "notify::visible-child", G_CALLBACK (queue_update), self);
  g_signal_connect (self, "realize", G_CALLBACK (realize_cb), NULL);
}
