/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-window-training.c — what the main window shows of training: the
 * hand-off from the trainer, the actions and buttons a run enables, the
 * subtitle with the epoch and the loss, and edits of the training settings.
 *
 * Training runs on the trainer's worker thread (nnb-trainer.h). The window
 * never waits for it: a tick callback on the frame clock takes the latest
 * snapshot and redraws only when a new one was published. */

#include "nnb-config.h"

#include <glib/gi18n.h>

#include "nnb-block-palette.h"
#include "nnb-data-check.h"
#include "nnb-lesson-check.h"
#include "nnb-locale-format.h"
#include "nnb-window-private.h"

/* After a command, the frame clock keeps ticking this long even when the
 * snapshot says the worker is idle: the command's snapshot is on its way. */
#define SETTLE_US (300 * 1000)
#define TEXT_INTERVAL_US (250 * 1000)

/* The training settings */

/* Edited settings: a new learning rate applies to the paused run between
 * steps (its loss history goes on); a new optimizer, loss, batching or
 * device makes a new run from the weights reached, as building a new
 * optimizer in PyTorch would; a new seed or init draws the weights again
 * when nothing was trained yet, and otherwise on Reset. */
static void
settings_changed_cb (NnbWindow *self, guint change)
{
  NnbProject *project;
  NnbTrainer *trainer;

  g_assert (NNB_IS_WINDOW (self));

  if (self->document == NULL)
    return;

  project = nnb_document_get_project (self->document);
  trainer = nnb_document_get_trainer (self->document);
  nnb_document_set_dirty (self->document, TRUE);
  /* the student's own settings: no longer the lesson's model */
  nnb_document_set_replayable (self->document, FALSE);

  if (change & NNB_SETTINGS_CHANGED_RECIPE)
    {
      g_autoptr (GError) error = NULL;

      nnb_data_panel_refresh (self->data_panel); /* the seed is shown there too */

      if (self->snapshot == NULL || self->snapshot->epoch == 0)
        {
          if (!nnb_document_reset (self->document, &error))
            _nnb_window_toast (self, error->message);
          return; /* ::rebuilt shows the new weights */
        }
      _nnb_window_toast (self, _("The new seed and initialisation apply when you press Reset."));
    }

  if (change & NNB_SETTINGS_CHANGED_RUN)
    {
      nnb_document_drop_trainer (self->document);
      self->run_asked = FALSE;
      g_clear_pointer (&self->snapshot, nnb_snapshot_unref);
      nnb_plots_panel_take_snapshot (self->plots_panel, NULL);
      nnb_parameter_view_update (self->parameter_view, NULL);
    }
  else if ((change & NNB_SETTINGS_CHANGED_LR) && trainer != NULL)
    nnb_trainer_set_lr (trainer, project->training.optimizer.lr);

  _nnb_window_update_actions (self);
  _nnb_window_update_status (self);
}

void
_nnb_window_training_init (NnbWindow *self)
{
  g_signal_connect_swapped (self->training_settings, "changed", G_CALLBACK (settings_changed_cb), self);
}

/* State shown: actions, buttons, subtitle */

/* Running, or about to: the worker takes up a start command a moment
 * later, and the buttons must not flicker back in between. */
gboolean
_nnb_window_is_running (NnbWindow *self)
{
  if (self->document == NULL || nnb_document_get_trainer (self->document) == NULL)
    return FALSE;

  return self->run_asked || nnb_document_is_training (self->document);
}

/* The views with numbers in text (the parameter tree, the diagram's
 * activity, the subtitle) follow the snapshot a few times a second, as fast
 * as anyone reads them, and take turns: one a frame, each in a frame of its
 * own (tick_cb), so that no frame pays for all of them. The palette's
 * greying at a run's start (a repaint of all its buttons) takes its turn
 * the same way, first. */
enum
{
  LOOK_PALETTE_LOCKED = 1 << 0,
  TEXT_PARAMETERS = 1 << 1,
  TEXT_DIAGRAM = 1 << 2,
  TEXT_STATUS = 1 << 3,
  TEXT_ALL = TEXT_PARAMETERS | TEXT_DIAGRAM | TEXT_STATUS,
};

static void
follow_snapshot_in_text (NnbWindow *self, guint views)
{
  views &= self->text_due;
  self->text_due &= ~views;
  if (views & LOOK_PALETTE_LOCKED)
    nnb_block_palette_set_locked (NNB_BLOCK_PALETTE (self->block_palette), TRUE);
  if (views & TEXT_PARAMETERS)
    nnb_parameter_view_update (self->parameter_view, self->snapshot);
  if (views & TEXT_DIAGRAM)
    nnb_diagram_view_set_snapshot (self->diagram_view, self->snapshot);
  if (views & TEXT_STATUS)
    _nnb_window_update_status (self);
}

/* The next view's turn: the lowest bit due. */
static void
follow_snapshot_in_next_text (NnbWindow *self)
{
  follow_snapshot_in_text (self, self->text_due & (~self->text_due + 1));
}

static void
set_action_enabled (NnbWindow *self, const char *name, gboolean enabled)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), name);

  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

/* Why the document's model cannot run on its data (PyTorch's message for
 * the first step, as `nnblocks-cli train` stops with), or NULL when it can.
 * Not while running: the model is the worker's then. */
static char *
cannot_run_reason (NnbWindow *self)
{
  NnbProject *project = nnb_document_get_project (self->document);
  NnbDataset *data = nnb_document_get_dataset (self->document);
  g_autoptr (GError) error = NULL;

  if (data == NULL || nnb_model_check_data (project->model, data, &project->training, NULL, &error))
    return NULL;
  return g_steal_pointer (&error->message);
}

/* Train says why it is off: a student who built a model for three
 * features beside one-feature data learns it before pressing anything. */
static void
show_train_reason (NnbWindow *self, const char *reason)
{
  GtkWidget *button = gtk_stack_get_child_by_name (self->train_stack, "train");
  g_autofree char *text = NULL;

  if (reason != NULL)
    /* Translators: the Train button's tooltip while the model cannot run
     * on the project's data; %s says why, in PyTorch's words where it has
     * some, e.g. "mat1 and mat2 shapes cannot be multiplied (200x1 and 3x16)" */
    text = g_strdup_printf (_("Cannot train yet: %s"), reason);
  gtk_widget_set_tooltip_text (button, text != NULL ? text : _("Train the Network"));
  if (text != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text, -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
}

void
_nnb_window_update_actions (NnbWindow *self)
{
  gboolean has_document = self->document != NULL;
  gboolean running = _nnb_window_is_running (self);
  g_autofree char *reason = has_document && !running ? cannot_run_reason (self) : NULL;
  static const char *const still_actions[] = {
    "save",
    "export-weights",
    "export-code",
    "export-script",
    "export-notebook",
    "export-onnx",
  };

  set_action_enabled (self, "train", has_document && !running && reason == NULL);
  set_action_enabled (self, "pause", running);
  set_action_enabled (self, "reset", has_document);
  /* Files read the model's weights, which the worker changes while it runs. */
  for (gsize i = 0; i < G_N_ELEMENTS (still_actions); i++)
    set_action_enabled (self, still_actions[i], has_document && !running);
  /* a step is a run of one epoch: a model that cannot train cannot step */
  set_action_enabled (self, "step", has_document && !running && reason == NULL);
  /* explaining a step pauses a running training after its step */
  set_action_enabled (self, "explain-step", has_document && reason == NULL);
  show_train_reason (self, reason);
  set_action_enabled (self, "export-data-plot", has_document);
  set_action_enabled (self, "export-loss-plot", has_document);
  set_action_enabled (self, "export-diagram", has_document);
  set_action_enabled (self, "export-handout", has_document);
  set_action_enabled (self, "copy-code", has_document);

  gtk_stack_set_visible_child_name (self->train_stack, running ? "pause" : "train");
  gtk_widget_set_sensitive (GTK_WIDGET (self->settings_button), has_document && !running);
  /* new data would pull the points from under the worker */
  gtk_widget_set_sensitive (GTK_WIDGET (self->data_button), has_document && !running);
  gtk_widget_set_sensitive (GTK_WIDGET (self->data_panel), has_document && !running);
  set_action_enabled (self, "data", has_document && !running);
  set_action_enabled (self, "import-csv", has_document && !running);
  nnb_parameter_view_set_editable (self->parameter_view, has_document && !running);
  /* the model belongs to the trainer's worker while it runs */
  nnb_diagram_view_set_editable (self->diagram_view, has_document && !running);
  if (!running)
    {
      self->text_due &= ~LOOK_PALETTE_LOCKED;
      nnb_block_palette_set_locked (NNB_BLOCK_PALETTE (self->block_palette), FALSE);
    }
  else if (!nnb_block_palette_get_locked (NNB_BLOCK_PALETTE (self->block_palette)))
    {
      self->text_due |= LOOK_PALETTE_LOCKED;
      if (self->tick_id == 0)
        follow_snapshot_in_text (self, LOOK_PALETTE_LOCKED);
    }
}

/* A converged run's loss with the digits that show it below the target:
 * "0.01998", never "0.0200" beside "below 0.02". */
static char *
format_converged_loss (NnbWindow *self, double loss)
{
  double target = nnb_document_get_project (self->document)->training.until_loss;

  return nnb_locale_strdup_printf ("%.*f", nnb_lesson_decimals_to_compare (loss, target), loss);
}

void
_nnb_window_update_status (NnbWindow *self)
{
  g_autofree char *subtitle = NULL;
  g_autofree char *loss = NULL;
  const char *name;
  int epoch;

  if (self->document == NULL)
    {
      adw_window_title_set_subtitle (self->window_title, NULL);
      return;
    }

  name = nnb_document_get_name (self->document);
  if (self->snapshot == NULL || (self->snapshot->epoch == 0 && self->snapshot->state != NNB_TRAINER_DIVERGED))
    {
      subtitle = g_strdup_printf ("%s%s", nnb_document_get_dirty (self->document) ? "• " : "", name);
      adw_window_title_set_subtitle (self->window_title, subtitle);
      return;
    }

  /* The epoch as the loop `for epoch in range(…)` prints it, from 0, as the
   * lesson and the toasts quote it: the last epoch trained, with its loss.
   * A diverged run stopped at the epoch whose loss was nan, which the
   * snapshot does not keep (its loss is the last that was a number). */
  if (self->snapshot->state == NNB_TRAINER_DIVERGED)
    {
      epoch = self->snapshot->epoch;
      loss = g_strdup ("nan");
    }
  else
    {
      epoch = self->snapshot->epoch - 1;
      loss = self->snapshot->state == NNB_TRAINER_CONVERGED
               ? format_converged_loss (self, self->snapshot->loss)
               : nnb_locale_strdup_printf ("%.4g", self->snapshot->loss);
    }
  /* Translators: the window's subtitle while training: "• " when unsaved,
   * the project's name, the epoch (counted from 0, as PyTorch's loop
   * prints it) and its loss, already formatted */
  subtitle = g_strdup_printf (_("%s%s — epoch %d, loss %s"), nnb_document_get_dirty (self->document) ? "• " : "",
                              name, epoch, loss);
  adw_window_title_set_subtitle (self->window_title, subtitle);
}

/* The document's training-state */

static NnbTrainingState
training_state_of (NnbTrainerState state)
{
  switch (state)
    {
    case NNB_TRAINER_IDLE:
      return NNB_TRAINING_IDLE;
    case NNB_TRAINER_RUNNING:
      return NNB_TRAINING_RUNNING;
    case NNB_TRAINER_PAUSED:
      return NNB_TRAINING_PAUSED;
    default:
      return NNB_TRAINING_FINISHED;
    }
}

/* The document says what the window shows (views that wait for a run to
 * end follow it): running from the moment Train is pressed, as the buttons
 * do, then what the trainer says. */
static void
show_training_state (NnbWindow *self, NnbTrainerState state)
{
  nnb_document_set_training_state (self->document, self->run_asked ? NNB_TRAINING_RUNNING : training_state_of (state));
}

/* The hand-off: the frame clock takes the trainer's latest snapshot */

static void
take_snapshot (NnbWindow *self, NnbSnapshot *snapshot)
{
  NnbTrainerState previous = self->shown_state;
  gint64 now = g_get_monotonic_time ();

  g_clear_pointer (&self->snapshot, nnb_snapshot_unref);
  self->snapshot = snapshot;
  self->shown_state = snapshot != NULL ? snapshot->state : NNB_TRAINER_IDLE;

  nnb_plots_panel_take_snapshot (self->plots_panel, snapshot);
  _nnb_window_units_follow (self, snapshot);
  _nnb_window_explain_follow (self, snapshot);
  if (snapshot == NULL || snapshot->state != previous || now - self->text_updated_us >= TEXT_INTERVAL_US)
    {
      self->text_updated_us = now;
      self->text_due |= TEXT_ALL;
    }
  /* Without the frame clock (a past run shown), or at a run's end, or
   * without a snapshot, at once; otherwise in the frames that follow (a
   * run's start, whose frame already switches the actions and the views to
   * training, shows its first numbers after it). */
  if (self->tick_id == 0 || snapshot == NULL ||
      (snapshot->state != previous && snapshot->state != NNB_TRAINER_RUNNING))
    follow_snapshot_in_text (self, TEXT_ALL);

  if (snapshot != NULL && snapshot->state != NNB_TRAINER_RUNNING && snapshot->state != NNB_TRAINER_IDLE && snapshot->state != NNB_TRAINER_PAUSED)
    self->run_asked = FALSE; /* the run ended by itself */

  if (snapshot != NULL && snapshot->state != previous)
    {
      if ((snapshot->state == NNB_TRAINER_DIVERGED || snapshot->state == NNB_TRAINER_FAILED) && snapshot->message != NULL)
        _nnb_window_toast (self, snapshot->message);
      else if (snapshot->state == NNB_TRAINER_CONVERGED)
        {
          /* The epoch as the training loop counts it, from 0: the lesson's
           * "converged at epoch 1543" is the 1544th epoch. */
          g_autofree char *loss = format_converged_loss (self, snapshot->loss);
          g_autofree char *message =
            g_strdup_printf (_("Converged at epoch %d, loss %s: below the project’s target, so training stopped."),
                             snapshot->epoch - 1, loss);

          _nnb_window_toast (self, message);
        }
      _nnb_window_update_actions (self);
    }

  /* last, so that whoever follows it finds the window up to date */
  if (snapshot != NULL)
    show_training_state (self, snapshot->state);
}

/* A document whose weights come from a run no trainer remembers (a
 * recovered project) shows that run as it ended: the fitted curve, the
 * norms, the losses, the epoch; no toast, it is not news. */
void
_nnb_window_show_past_run (NnbWindow *self)
{
  NnbSnapshot *snapshot;

  if (self->document == NULL || nnb_document_get_trainer (self->document) != NULL)
    return;
  snapshot = nnb_document_snapshot_past_run (self->document);
  if (snapshot == NULL)
    return;
  self->shown_state = snapshot->state;
  self->text_updated_us = 0;
  take_snapshot (self, snapshot);
  /* views that follow the training state see a run that ended */
  nnb_document_set_training_state (self->document, NNB_TRAINING_IDLE);
}

static gboolean
tick_cb (GtkWidget *widget, GdkFrameClock *clock, gpointer user_data)
{
  NnbWindow *self = NNB_WINDOW (widget);
  NnbTrainer *trainer = self->document != NULL ? nnb_document_get_trainer (self->document) : NULL;
  NnbSnapshot *snapshot;

  if (trainer == NULL)
    {
      self->tick_id = 0;
      self->text_due = 0;
      return G_SOURCE_REMOVE;
    }

  /* A command's own changes (the Train button turned Pause, the editor
   * locked) paint in a frame of their own; then the palette's look; then,
   * a frame each, the text views due. A frame costs about the box around
   * everything it repaints (GTK's X11 backend paints that box into a new
   * image), so the plots wait while the tree or the diagram changes rather
   * than paint a box that spans the window with them. */
  if (self->quiet_frame)
    {
      self->quiet_frame = FALSE;
      return G_SOURCE_CONTINUE;
    }
  if (self->text_due != 0)
    {
      follow_snapshot_in_next_text (self);
      return G_SOURCE_CONTINUE;
    }

  snapshot = nnb_trainer_get_snapshot (trainer);
  /* Same pointer: nothing was published since the last frame, nothing to
   * redraw. */
  if (snapshot == self->snapshot)
    nnb_snapshot_unref (snapshot);
  else
    take_snapshot (self, snapshot);

  if (!self->run_asked && self->snapshot->state != NNB_TRAINER_RUNNING && nnb_trainer_get_state (trainer) != NNB_TRAINER_RUNNING && g_get_monotonic_time () > self->settle_until_us)
    {
      /* Idle: let the frame clock rest until the next command, with every
       * view up to date. */
      follow_snapshot_in_text (self, TEXT_ALL);
      _nnb_window_update_actions (self);
      self->tick_id = 0;
      return G_SOURCE_REMOVE;
    }

  return G_SOURCE_CONTINUE;
}

/* After a command to the document's trainer (there is one). */
void
_nnb_window_watch_trainer (NnbWindow *self)
{
  _nnb_window_mode_apply (self);
  self->settle_until_us = g_get_monotonic_time () + SETTLE_US;
  self->quiet_frame = TRUE;
  if (self->tick_id == 0)
    self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), tick_cb, NULL, NULL);
  _nnb_window_update_actions (self);
  show_training_state (self, nnb_trainer_get_state (nnb_document_get_trainer (self->document)));
}

void
_nnb_window_stop_watching (NnbWindow *self)
{
  if (self->tick_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
  self->tick_id = 0;
  self->text_due = 0;
}
