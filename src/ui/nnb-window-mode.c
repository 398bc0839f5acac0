/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-window-mode.c — win.draw-train-mode: which mode the plots draw the
 * model's predictions in. Training always runs in train mode; the fitted
 * curve, the boundary, the checks and the units are drawn after
 * model.eval() unless the student turns this on (the training settings'
 * "Plots in train mode"), to see what Dropout's masks do to them. */
#include "nnb-config.h"

#include "nnb-window-private.h"

static gboolean
draw_train_mode (NnbWindow *self)
{
  g_autoptr (GVariant) state = g_action_group_get_action_state (G_ACTION_GROUP (self), "draw-train-mode");

  return state != NULL && g_variant_get_boolean (state);
}

void
_nnb_window_mode_apply (NnbWindow *self)
{
  NnbTrainer *trainer = self->document != NULL ? nnb_document_get_trainer (self->document) : NULL;

  g_assert (NNB_IS_WINDOW (self));

  /* without a trainer the choice waits for the next run's */
  if (trainer != NULL)
    nnb_trainer_set_draw_training (trainer, draw_train_mode (self));
}

static void
draw_train_mode_action (GSimpleAction *action, GVariant *state, gpointer user_data)
{
  NnbWindow *self = user_data;

  g_assert (NNB_IS_WINDOW (self));

  g_simple_action_set_state (action, state);
  if (self->document == NULL || nnb_document_get_trainer (self->document) == NULL)
    return;
  /* the trainer republishes in the new mode; the frame clock takes it */
  _nnb_window_watch_trainer (self);
}

static const GActionEntry mode_actions[] = {
  { .name = "draw-train-mode", .state = "false", .change_state = draw_train_mode_action },
};

void
_nnb_window_mode_init (NnbWindow *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), mode_actions, G_N_ELEMENTS (mode_actions), self);
}
