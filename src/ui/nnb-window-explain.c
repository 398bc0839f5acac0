/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-window-explain.c — "Explain Next Step" (win.explain-step, F7): the
 * trainer takes its next step with the engine recording it stage by stage
 * (nnb_trainer_explain_step), and the window shows the record in the step
 * bar and on the diagram, stage by stage. F7 (or Next) goes on, Shift+F7
 * (or the arrow) back; Next at Zero grad explains the step after, with or
 * without zero_grad(). A running training pauses after its step. */
#include "nnb-config.h"

#include <glib/gi18n.h>

#include "nnb-window-private.h"

static void
show_stage (NnbWindow *self)
{
  nnb_diagram_view_set_explain (self->diagram_view, nnb_step_bar_get_explain (self->step_bar),
                                nnb_step_bar_get_stage (self->step_bar));
}

void
_nnb_window_explain_close (NnbWindow *self)
{
  if (!gtk_revealer_get_reveal_child (self->step_bar_revealer) && self->explain_seen == NULL)
    return;
  gtk_revealer_set_reveal_child (self->step_bar_revealer, FALSE);
  /* a hidden revealer still asks for its child's width */
  gtk_widget_set_visible (GTK_WIDGET (self->step_bar_revealer), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->plots_panel), TRUE);
  _nnb_window_update_palette (self);
  _nnb_window_layout_queue (self);
  nnb_step_bar_set_explain (self->step_bar, NULL);
  g_clear_pointer (&self->explain_seen, nnb_step_explain_unref);
  nnb_diagram_view_set_explain (self->diagram_view, NULL, NNB_EXPLAIN_FORWARD);
}

gboolean
_nnb_window_explain_is_open (NnbWindow *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->step_bar_revealer)) &&
         gtk_revealer_get_reveal_child (self->step_bar_revealer);
}

/* Asks the trainer for the next step, recorded. */
static void
request_step (NnbWindow *self)
{
  NnbTrainer *trainer = _nnb_window_trainer_for_command (self, TRUE);

  if (trainer == NULL)
    return;
  /* the record shown so far is not the one to wait for */
  if (self->explain_seen == NULL && self->snapshot != NULL && self->snapshot->explain != NULL)
    self->explain_seen = nnb_step_explain_ref (self->snapshot->explain);
  self->run_asked = FALSE;
  nnb_trainer_explain_step (trainer, nnb_step_bar_get_skip_zero_grad (self->step_bar));
  nnb_step_bar_set_explain (self->step_bar, NULL);
  show_stage (self);
  gtk_widget_set_visible (GTK_WIDGET (self->step_bar_revealer), TRUE);
  gtk_revealer_set_reveal_child (self->step_bar_revealer, TRUE);
  /* the walk is about the diagram: it takes the room of the plots (the
   * bar says the loss the plot would show), of the palette (an edit would
   * end the walk) and of the parameters pane (behind its header-bar
   * toggle) */
  gtk_widget_set_visible (GTK_WIDGET (self->plots_panel), FALSE);
  _nnb_window_update_palette (self);
  _nnb_window_layout_queue (self);
  nnb_document_set_dirty (self->document, TRUE);
  _nnb_window_watch_trainer (self);
}

/* From take_snapshot: a record the window has not shown yet. */
void
_nnb_window_explain_follow (NnbWindow *self, NnbSnapshot *snapshot)
{
  if (snapshot == NULL || snapshot->explain == NULL || !_nnb_window_explain_is_open (self) ||
      snapshot->explain == self->explain_seen)
    return;
  g_clear_pointer (&self->explain_seen, nnb_step_explain_unref);
  self->explain_seen = nnb_step_explain_ref (snapshot->explain);
  nnb_step_bar_set_explain (self->step_bar, snapshot->explain);
  show_stage (self);
}

static void
explain_step_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  NnbWindow *self = user_data;

  g_assert (NNB_IS_WINDOW (self));

  if (self->document == NULL)
    return;
  if (_nnb_window_explain_is_open (self))
    {
      nnb_step_bar_next (self->step_bar);
      return;
    }
  request_step (self);
}

static void
explain_back_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  NnbWindow *self = user_data;

  if (_nnb_window_explain_is_open (self))
    nnb_step_bar_back (self->step_bar);
}

static const GActionEntry explain_actions[] = {
  { .name = "explain-step", .activate = explain_step_action },
  { .name = "explain-back", .activate = explain_back_action },
};

void
_nnb_window_explain_init (NnbWindow *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), explain_actions, G_N_ELEMENTS (explain_actions), self);
  g_signal_connect_swapped (self->step_bar, "notify::stage", G_CALLBACK (show_stage), self);
  g_signal_connect_swapped (self->step_bar, "next-step", G_CALLBACK (request_step), self);
  g_signal_connect_swapped (self->step_bar, "close", G_CALLBACK (_nnb_window_explain_close), self);
}

void
_nnb_window_explain_dispose (NnbWindow *self)
{
  g_clear_pointer (&self->explain_seen, nnb_step_explain_unref);
}
