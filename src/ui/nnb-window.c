/* nnb-window.c — the main window. The layout is in data/ui/nnb-window.ui;
 * this file fills it in and answers the window's actions: opening, saving
 * and exporting a project, training it (win.train, win.pause, win.step,
 * win.reset), the lesson pane and presentation mode.
 *
 * Training runs on the trainer's worker thread (nnb-trainer.h). The window
 * never waits for it: a tick callback on the frame clock takes the latest
 * snapshot and redraws only when a new one was published. */
#include "nnb-config.h"

#include <glib/gi18n.h>
#include <gtksourceview/gtksource.h>

#include "nnb-device-race-dialog.h"
#include "nnb-block-palette.h"
#include "nnb-diagram-link.h"
#include "nnb-diagram-view.h"
#include "nnb-export.h"
#include "nnb-file-write.h"
#include "nnb-handout.h"
#include "nnb-lesson-catalog.h"
#include "nnb-lesson-check.h"
#include "nnb-lesson-panel.h"
#include "nnb-locale-format.h"
#include "nnb-parameter-view.h"
#include "nnb-picture-export.h"
#include "nnb-plot-axes.h"
#include "nnb-plots-panel.h"
#include "nnb-recent-menu.h"
#include "nnb-save-flow.h"
#include "nnb-training-settings.h"
#include "nnb-safetensors.h"
#include "nnb-window.h"

/* After a command, the frame clock keeps ticking this long even when the
 * snapshot says the worker is idle: the command's snapshot is on its way. */
#define SETTLE_US (300 * 1000)
#define TEXT_INTERVAL_US (250 * 1000)
#define EXPORT_WIDTH 1200
#define EXPORT_HEIGHT 800

struct _NnbWindow
{
  AdwApplicationWindow parent_instance;

  /* template children */
  AdwToastOverlay *toast_overlay;
  AdwHeaderBar *header_bar;
  AdwWindowTitle *window_title;
  GtkButton *open_button;
  GtkMenuButton *primary_menu_button;
  GtkStack *train_stack;
  GtkMenuButton *settings_button;
  NnbTrainingSettings *training_settings;
  GMenu *recent_menu;
  AdwFlap *flap;
  GtkStack *lesson_stack;
  GtkLabel *lesson_name;
  GtkLabel *lesson_title;
  AdwStatusPage *lesson_status;
  NnbLessonPanel *lesson_panel;
  GtkStack *diagram_stack;
  AdwStatusPage *diagram_status;
  GtkButton *diagram_open_button;
  NnbDiagramView *diagram_view;
  GtkWidget *block_palette;
  AdwViewStack *side_stack;
  GtkStack *parameters_stack;
  AdwStatusPage *parameters_status;
  NnbParameterView *parameter_view;
  GtkStack *code_stack;
  AdwStatusPage *code_status;
  GtkSourceView *code_view;
  NnbPlotsPanel *plots_panel;

  GSettings *settings;       /* NULL when the schema is not installed */
  NnbDocument *document;     /* the project shown, or NULL */
  GCancellable *cancellable; /* set while a file is being opened */
  gboolean presentation_mode;
  gboolean train_on_open;
  gboolean close_confirmed;  /* the student chose to discard unsaved changes */
  gboolean close_after_save; /* closing waits for a save */
  gboolean run_asked;        /* Train was pressed and the run has not ended */

  /* the data plot's points, copied once: the worker may read the dataset */

  /* the hand-off from the trainer */
  NnbSnapshot *snapshot;     /* the latest one taken, or NULL */
  guint tick_id;
  gint64 settle_until_us;
  NnbTrainerState shown_state;
  gint64 text_updated_us;   /* when the labels last followed a snapshot */
};

G_DEFINE_FINAL_TYPE (NnbWindow, nnb_window, ADW_TYPE_APPLICATION_WINDOW)

enum
{
  PROP_0,
  PROP_PRESENTATION_MODE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void update_actions (NnbWindow *self);
static void update_status (NnbWindow *self);

static void
toast (NnbWindow *self, const char *message)
{
  g_autofree char *escaped = g_markup_escape_text (message, -1);
  AdwToast *t = adw_toast_new (escaped);

  /* Engine messages are sentences to read, not flashes. */
  adw_toast_set_timeout (t, 8);
  adw_toast_overlay_add_toast (self->toast_overlay, t);
}

/* Plots */

void
nnb_window_get_plotted_epochs (NnbWindow *self, int *data_epoch, int *loss_epoch)
{
  g_return_if_fail (NNB_IS_WINDOW (self));

  nnb_plots_panel_get_plotted_epochs (self->plots_panel, data_epoch, loss_epoch);
}

/* Lesson */

void
nnb_window_set_lesson (NnbWindow *self, const char *lesson_id)
{
  g_autoptr (NnbLesson) lesson = NULL;
  g_autoptr (GError) error = NULL;
  const char *title;

  g_return_if_fail (NNB_IS_WINDOW (self));

  if (lesson_id == NULL || *lesson_id == '\0')
    {
      adw_status_page_set_title (self->lesson_status, _("No Lesson Open"));
      adw_status_page_set_description (self->lesson_status,
                                       _("Start NN Blocks with <tt>--lesson day02</tt> to follow the Day 2 lesson"));
      gtk_stack_set_visible_child_name (self->lesson_stack, "none");
      nnb_lesson_panel_set_lesson (self->lesson_panel, NULL);
      /* no lesson: the diagram gets the room (F9 still shows the pane) */
      adw_flap_set_reveal_flap (self->flap, FALSE);
      return;
    }

  lesson = nnb_lesson_catalog_load (lesson_id, &error);
  title = lesson != NULL ? lesson->title : NULL;
  /* an instructor's lesson with a mistake in it: say where */
  if (lesson == NULL && !g_error_matches (error, NNB_FILE_ERROR, NNB_FILE_ERROR_IO))
    {
      g_autofree char *description = g_markup_escape_text (error->message, -1);

      adw_status_page_set_title (self->lesson_status, _("Lesson Cannot Be Read"));
      adw_status_page_set_description (self->lesson_status, description);
      gtk_stack_set_visible_child_name (self->lesson_stack, "none");
      nnb_lesson_panel_set_lesson (self->lesson_panel, NULL);
      adw_flap_set_reveal_flap (self->flap, TRUE);
      return;
    }
  if (title == NULL)
    {
      g_autofree char *names = nnb_lesson_catalog_dup_names ();
      g_autofree char *description = NULL;

      description = g_markup_printf_escaped (_("There is no lesson named “%s”. The lessons are: %s."),
                                             lesson_id, names);
      adw_status_page_set_title (self->lesson_status, _("Lesson Not Found"));
      adw_status_page_set_description (self->lesson_status, description);
      gtk_stack_set_visible_child_name (self->lesson_stack, "none");
      nnb_lesson_panel_set_lesson (self->lesson_panel, NULL);
      adw_flap_set_reveal_flap (self->flap, TRUE);
      return;
    }

  gtk_label_set_text (self->lesson_name, lesson_id);
  gtk_label_set_text (self->lesson_title, title);
  nnb_lesson_panel_set_lesson (self->lesson_panel, lesson);
  gtk_stack_set_visible_child_name (self->lesson_stack, "lesson");
  adw_flap_set_reveal_flap (self->flap, TRUE);
}


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

  if (self->document == NULL)
    return;

  project = nnb_document_get_project (self->document);
  trainer = nnb_document_get_trainer (self->document);
  nnb_document_set_dirty (self->document, TRUE);

  if (change & NNB_SETTINGS_CHANGED_RECIPE)
    {
      g_autoptr(GError) error = NULL;

      if (self->snapshot == NULL || self->snapshot->epoch == 0)
        {
          if (!nnb_document_reset (self->document, &error))
            toast (self, error->message);
          return; /* ::rebuilt shows the new weights */
        }
      toast (self, _("The new seed and initialisation apply when you press Reset."));
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

  update_actions (self);
  update_status (self);
}

/* State shown: actions, buttons, subtitle */

/* Running, or about to: the worker takes up a start command a moment
 * later, and the buttons must not flicker back in between. */
static gboolean
is_running (NnbWindow *self)
{
  if (self->document == NULL || nnb_document_get_trainer (self->document) == NULL)
    return FALSE;

  return self->run_asked || nnb_document_is_training (self->document);
}

static void
set_action_enabled (NnbWindow *self, const char *name, gboolean enabled)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), name);

  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

static void
update_actions (NnbWindow *self)
{
  gboolean has_document = self->document != NULL;
  gboolean running = is_running (self);
  static const char *const still_actions[] = {
    "save", "export-weights", "export-code", "export-onnx", "step",
  };

  set_action_enabled (self, "train", has_document && !running);
  set_action_enabled (self, "pause", running);
  set_action_enabled (self, "reset", has_document);
  /* Files read the model's weights, which the worker changes while it runs. */
  for (gsize i = 0; i < G_N_ELEMENTS (still_actions); i++)
    set_action_enabled (self, still_actions[i], has_document && !running);
  set_action_enabled (self, "export-data-plot", has_document);
  set_action_enabled (self, "export-loss-plot", has_document);
  set_action_enabled (self, "export-diagram", has_document);
  set_action_enabled (self, "export-handout", has_document);
  set_action_enabled (self, "copy-code", has_document);

  gtk_stack_set_visible_child_name (self->train_stack, running ? "pause" : "train");
  gtk_widget_set_sensitive (GTK_WIDGET (self->settings_button), has_document && !running);
  nnb_parameter_view_set_editable (self->parameter_view, has_document && !running);
  /* the model belongs to the trainer's worker while it runs */
  nnb_diagram_view_set_editable (self->diagram_view, has_document && !running);
}

/* A converged run's loss with the digits that show it below the target:
 * "0.01998", never "0.0200" beside "below 0.02". */
static char *
format_converged_loss (NnbWindow *self, double loss)
{
  double target = nnb_document_get_project (self->document)->training.until_loss;

  return nnb_locale_strdup_printf ("%.*f", nnb_lesson_decimals_to_compare (loss, target), loss);
}

static void
update_status (NnbWindow *self)
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

/* The hand-off: the frame clock takes the trainer's latest snapshot */

static void
take_snapshot (NnbWindow *self, NnbSnapshot *snapshot)
{
  NnbTrainerState previous = self->shown_state;

  g_clear_pointer (&self->snapshot, nnb_snapshot_unref);
  self->snapshot = snapshot;
  self->shown_state = snapshot != NULL ? snapshot->state : NNB_TRAINER_IDLE;

  nnb_plots_panel_take_snapshot (self->plots_panel, snapshot);
  /* Numbers in labels change the layout of the whole window; a few times a
   * second is as fast as anyone reads them, and keeps each frame cheap.
   * A change of state always shows at once. */
  if (snapshot == NULL || snapshot->state != previous
      || g_get_monotonic_time () - self->text_updated_us > TEXT_INTERVAL_US)
    {
      self->text_updated_us = g_get_monotonic_time ();
      nnb_parameter_view_update (self->parameter_view, snapshot);
      nnb_diagram_view_set_snapshot (self->diagram_view, snapshot);
      update_status (self);
    }

  if (snapshot != NULL && snapshot->state != NNB_TRAINER_RUNNING
      && snapshot->state != NNB_TRAINER_IDLE && snapshot->state != NNB_TRAINER_PAUSED)
    self->run_asked = FALSE; /* the run ended by itself */

  if (snapshot != NULL && snapshot->state != previous)
    {
      if ((snapshot->state == NNB_TRAINER_DIVERGED || snapshot->state == NNB_TRAINER_FAILED)
          && snapshot->message != NULL)
        toast (self, snapshot->message);
      else if (snapshot->state == NNB_TRAINER_CONVERGED)
        {
          /* The epoch as the training loop counts it, from 0: the lesson's
           * "converged at epoch 1543" is the 1544th epoch. */
          g_autofree char *loss = format_converged_loss (self, snapshot->loss);
          g_autofree char *message =
            g_strdup_printf (_("Converged at epoch %d, loss %s: below the project’s target, so training stopped."),
                             snapshot->epoch - 1, loss);

          toast (self, message);
        }
      update_actions (self);
    }
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
      return G_SOURCE_REMOVE;
    }

  snapshot = nnb_trainer_get_snapshot (trainer);
  /* Same pointer: nothing was published since the last frame, nothing to redraw. */
  if (snapshot == self->snapshot)
    nnb_snapshot_unref (snapshot);
  else
    take_snapshot (self, snapshot);

  if (!self->run_asked && self->snapshot->state != NNB_TRAINER_RUNNING
      && nnb_trainer_get_state (trainer) != NNB_TRAINER_RUNNING
      && g_get_monotonic_time () > self->settle_until_us)
    {
      /* Idle: let the frame clock rest until the next command. */
      update_actions (self);
      self->tick_id = 0;
      return G_SOURCE_REMOVE;
    }

  return G_SOURCE_CONTINUE;
}

static void
watch_trainer (NnbWindow *self)
{
  self->settle_until_us = g_get_monotonic_time () + SETTLE_US;
  if (self->tick_id == 0)
    self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), tick_cb, NULL, NULL);
  update_actions (self);
}

static void
stop_watching (NnbWindow *self)
{
  if (self->tick_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
  self->tick_id = 0;
}

/* Showing a document */

static void
set_code (NnbWindow *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->code_view));
  g_autofree char *weights = NULL;
  g_autofree char *code = NULL;

  if (self->document == NULL)
    {
      gtk_text_buffer_set_text (buffer, "", -1);
      return;
    }

  weights = g_strdup_printf ("%s.safetensors", nnb_document_get_name (self->document));
  code = nnb_export_pytorch_code (nnb_document_get_project (self->document)->model, weights);
  gtk_text_buffer_set_text (buffer, code, -1);
}

static void
copy_data_points (NnbWindow *self)
{
  NnbDataset *data;

  if (self->document == NULL)
    {
      nnb_plots_panel_set_data (self->plots_panel, NULL, NULL, 0, NULL);
      return;
    }

  /* Points only for one input: more inputs have no x axis to put them on. */
  data = nnb_document_get_dataset (self->document);
  if (data->x->ndim == 2 && data->x->shape[1] == 1 && data->y->numel == data->x->numel)
    nnb_plots_panel_set_data (self->plots_panel, data->x->data, data->y->data, (int) data->x->numel,
                              nnb_document_get_name (self->document));
  else
    nnb_plots_panel_set_data (self->plots_panel, NULL, NULL, 0, nnb_document_get_name (self->document));
}

static void
show_document_contents (NnbWindow *self)
{
  NnbProject *project = self->document != NULL ? nnb_document_get_project (self->document) : NULL;

  g_clear_pointer (&self->snapshot, nnb_snapshot_unref);
  self->shown_state = NNB_TRAINER_IDLE;
  copy_data_points (self);
  nnb_diagram_view_set_document (self->diagram_view, self->document);
  nnb_parameter_view_set_model (self->parameter_view, project != NULL ? project->model : NULL);
  set_code (self);
  nnb_training_settings_set_project (self->training_settings, project);

  gtk_stack_set_visible_child_name (self->diagram_stack, project != NULL ? "diagram" : "empty");
  gtk_stack_set_visible_child_name (self->parameters_stack, project != NULL ? "tree" : "empty");
  gtk_stack_set_visible_child_name (self->code_stack, project != NULL ? "code" : "empty");

  update_actions (self);
  update_status (self);
  nnb_plots_panel_take_snapshot (self->plots_panel, self->snapshot);
}

static void
document_rebuilt_cb (NnbWindow *self)
{
  show_document_contents (self);
}

static void
document_dirty_cb (NnbWindow *self)
{
  update_status (self);
}

static void
set_document (NnbWindow *self, NnbDocument *document)
{
  stop_watching (self);
  self->run_asked = FALSE;
  if (self->document != NULL)
    {
      /* The old worker must be gone before its model and data are. */
      nnb_document_drop_trainer (self->document);
      g_signal_handlers_disconnect_by_data (self->document, self);
    }
  g_set_object (&self->document, document);
  if (document != NULL)
    {
      g_signal_connect_swapped (document, "rebuilt", G_CALLBACK (document_rebuilt_cb), self);
      g_signal_connect_swapped (document, "notify::dirty", G_CALLBACK (document_dirty_cb), self);
    }
  show_document_contents (self);
}

NnbDocument *
nnb_window_get_document (NnbWindow *self)
{
  g_return_val_if_fail (NNB_IS_WINDOW (self), NULL);
  return self->document;
}

void
nnb_window_show_document (NnbWindow *self, NnbDocument *document)
{
  g_return_if_fail (NNB_IS_WINDOW (self));
  g_return_if_fail (NNB_IS_DOCUMENT (document));

  /* a file still being opened would replace it when it arrives */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  set_document (self, document);
}

NnbLessonPanel *
nnb_window_get_lesson_panel (NnbWindow *self)
{
  g_return_val_if_fail (NNB_IS_WINDOW (self), NULL);
  return self->lesson_panel;
}

void
nnb_window_add_toast (NnbWindow *self, AdwToast *toast)
{
  g_return_if_fail (NNB_IS_WINDOW (self));
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

void
nnb_window_set_train_on_open (NnbWindow *self, gboolean train)
{
  g_return_if_fail (NNB_IS_WINDOW (self));
  self->train_on_open = train;
}

/* Opening a project */

static void
show_open_error (NnbWindow *self, const GError *error)
{
  g_autofree char *escaped = g_markup_escape_text (error->message, -1);

  /* With a project on screen, the error must not replace it: a toast says it. */
  if (self->document != NULL)
    {
      toast (self, error->message);
      return;
    }

  adw_status_page_set_icon_name (self->diagram_status, "dialog-error-symbolic");
  adw_status_page_set_title (self->diagram_status, _("Could Not Open Project"));
  adw_status_page_set_description (self->diagram_status, escaped);
  gtk_widget_set_visible (GTK_WIDGET (self->diagram_open_button), TRUE);
}

static void
load_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(NnbWindow) self = user_data;
  g_autoptr(NnbDocument) document = NULL;
  g_autoptr(GError) error = NULL;

  document = nnb_document_load_finish (result, &error);

  /* Cancelled: another file was asked for since, or the window closed. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->cancellable);

  if (document == NULL)
    {
      show_open_error (self, error);
      return;
    }

  set_document (self, document);
  if (nnb_document_get_file (document) != NULL)
    nnb_save_flow_add_recent (nnb_document_get_file (document));
  if (self->train_on_open)
    {
      self->train_on_open = FALSE;
      g_action_group_activate_action (G_ACTION_GROUP (self), "train", NULL);
    }
}

void
nnb_window_open (NnbWindow *self, GFile *file)
{
  g_return_if_fail (NNB_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  nnb_document_load_async (file, self->cancellable, load_cb, g_object_ref (self));
}

gboolean
nnb_window_is_empty (NnbWindow *self)
{
  g_return_val_if_fail (NNB_IS_WINDOW (self), FALSE);

  return self->document == NULL && self->cancellable == NULL;
}

static void
open_response_cb (GtkNativeDialog *dialog, int response, gpointer user_data)
{
  NnbWindow *self = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      if (file != NULL)
        nnb_window_open (self, file);
    }

  g_object_unref (dialog);
}

static void
open_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  NnbWindow *self = user_data;
  GtkFileChooserNative *dialog;
  g_autoptr(GtkFileFilter) projects = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all_files = gtk_file_filter_new ();

  dialog = gtk_file_chooser_native_new (_("Open Project"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));

  gtk_file_filter_set_name (projects, _("NN Blocks Projects"));
  gtk_file_filter_add_suffix (projects, "nnb");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), projects);
  gtk_file_filter_set_name (all_files, _("All Files"));
  gtk_file_filter_add_pattern (all_files, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), all_files);

  /* The dialog is unreferenced in open_response_cb. */
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect_object (dialog, "response", G_CALLBACK (open_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* Training */

static void
train_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  NnbWindow *self = user_data;
  g_autoptr(GError) error = NULL;
  NnbTrainer *trainer;
  NnbTrainerState state;

  if (self->document == NULL)
    return;

  trainer = nnb_document_get_trainer (self->document);
  /* A run that ended (all epochs, the target loss, a NaN) starts afresh
   * from the weights it reached, with the settings as they are now. */
  if (trainer != NULL)
    {
      state = nnb_trainer_get_state (trainer);
      if (state != NNB_TRAINER_IDLE && state != NNB_TRAINER_PAUSED)
        nnb_document_drop_trainer (self->document);
    }

  trainer = nnb_document_ensure_trainer (self->document, &error);
  if (trainer == NULL)
    {
      toast (self, error->message);
      return;
    }

  self->run_asked = TRUE;
  nnb_trainer_start (trainer);
  nnb_document_set_dirty (self->document, TRUE);
  watch_trainer (self);
}

static void
pause_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  NnbWindow *self = user_data;
  NnbTrainer *trainer = self->document != NULL ? nnb_document_get_trainer (self->document) : NULL;

  if (trainer == NULL)
    return;

  /* Takes effect between two steps, on the worker; the tick callback shows
   * the paused snapshot when it comes. */
  self->run_asked = FALSE;
  nnb_trainer_pause (trainer);
  watch_trainer (self);
}

static void
step_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  NnbWindow *self = user_data;
  g_autoptr(GError) error = NULL;
  NnbTrainer *trainer;

  if (self->document == NULL)
    return;

  trainer = nnb_document_get_trainer (self->document);
  if (trainer != NULL && nnb_trainer_get_state (trainer) != NNB_TRAINER_IDLE
      && nnb_trainer_get_state (trainer) != NNB_TRAINER_PAUSED)
    nnb_document_drop_trainer (self->document);

  trainer = nnb_document_ensure_trainer (self->document, &error);
  if (trainer == NULL)
    {
      toast (self, error->message);
      return;
    }

  self->run_asked = FALSE;
  nnb_trainer_step (trainer);
  nnb_document_set_dirty (self->document, TRUE);
  watch_trainer (self);
}

static void
reset_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  NnbWindow *self = user_data;
  g_autoptr(GError) error = NULL;

  if (self->document == NULL)
    return;

  stop_watching (self);
  self->run_asked = FALSE;
  /* Stops the worker first; ::rebuilt then shows the fresh model. */
  if (!nnb_document_reset (self->document, &error))
    toast (self, error->message);
  update_actions (self);
}

/* Saving */

static void
saved_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(NnbWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!nnb_save_flow_save_finish (result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (self, error->message);
      self->close_after_save = FALSE;
      return;
    }

  update_status (self);
  if (self->close_after_save)
    {
      gtk_window_close (GTK_WINDOW (self));
      return;
    }
  toast (self, _("Saved"));
}

static void
save (NnbWindow *self, gboolean choose_file)
{
  if (self->document == NULL || is_running (self))
    return;

  nnb_save_flow_save_async (GTK_WINDOW (self), self->document, choose_file, saved_cb, g_object_ref (self));
}

static void
save_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  save (user_data, FALSE);
}

static void
save_as_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  save (user_data, TRUE);
}

static void
open_recent_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  g_autoptr(GFile) file = g_file_new_for_uri (g_variant_get_string (parameter, NULL));

  nnb_window_open (user_data, file);
}

/* Exporting */

typedef enum
{
  EXPORT_WEIGHTS,
  EXPORT_CODE,
  EXPORT_ONNX,
  EXPORT_DATA_PLOT,
  EXPORT_LOSS_PLOT,
  EXPORT_NORMS_PLOT,
  EXPORT_DIAGRAM,
  EXPORT_HANDOUT,
} ExportKind;

/* The pictures a file or a handout gets (NnbPictureDrawFunc, NnbHandoutDrawFunc):
 * the same draw functions as on screen. */

static void
draw_data_to (cairo_t *cr, int width, int height, const NnbPlotStyle *style, gpointer self)
{
  nnb_plots_panel_draw_data (NNB_WINDOW (self)->plots_panel, cr, width, height, style);
}

static void
draw_loss_to (cairo_t *cr, int width, int height, const NnbPlotStyle *style, gpointer self)
{
  nnb_plots_panel_draw_loss (NNB_WINDOW (self)->plots_panel, cr, width, height, style);
}

static void
draw_norms_to (cairo_t *cr, int width, int height, const NnbPlotStyle *style, gpointer self)
{
  nnb_plots_panel_draw_norms (NNB_WINDOW (self)->plots_panel, cr, width, height, style);
}

static void
draw_diagram_to (cairo_t *cr, int width, int height, const NnbPlotStyle *style, gpointer self)
{
  nnb_diagram_view_draw_to (NNB_WINDOW (self)->diagram_view, cr, width, height, style);
}

/* Handouts: the lesson step on screen, with the diagram and the plots. */

gboolean
nnb_window_export_handout (NnbWindow *self, const char *path, GError **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *date = g_date_time_format (now, "%x");
  g_autofree char *step_markup = NULL;
  NnbLesson *lesson;
  NnbHandoutContent content = {
    .footer = date,
    .user_data = self,
  };

  g_return_val_if_fail (NNB_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  /* the step the lesson panel shows, as the class sees it */
  lesson = nnb_lesson_panel_get_lesson (self->lesson_panel);
  if (lesson != NULL && g_strcmp0 (gtk_stack_get_visible_child_name (self->lesson_stack), "lesson") == 0)
    {
      guint step = nnb_lesson_panel_get_step (self->lesson_panel);

      content.lesson_title = lesson->title;
      if (step < lesson->steps->len)
        {
          const NnbLessonStep *shown = lesson->steps->pdata[step];

          step_markup = nnb_handout_step_markup (shown);
          content.step_title = shown->title;
          content.step_text = step_markup;
          content.text_is_markup = TRUE;
        }
    }
  if (self->document != NULL)
    {
      content.project_name = nnb_document_get_name (self->document);
      content.draw_diagram = draw_diagram_to;
      content.draw_data = draw_data_to;
      content.draw_loss = draw_loss_to;
    }

  return nnb_handout_export (&content, path, error);
}

static gboolean
export_to (NnbWindow *self, ExportKind kind, const char *path, GError **error)
{
  NnbModel *model = nnb_document_get_project (self->document)->model;

  switch (kind)
    {
    case EXPORT_WEIGHTS:
      return nnb_safetensors_save_model (model, path, error);
    case EXPORT_ONNX:
      return nnb_export_onnx_file (model, path, error);
    case EXPORT_CODE:
      {
        g_autofree char *base = g_path_get_basename (path);
        g_autofree char *stem = g_strndup (base, strcspn (base, "."));
        g_autofree char *weights = g_strdup_printf ("%s.safetensors", stem);
        g_autofree char *code = nnb_export_pytorch_code (model, weights);

        return nnb_file_write (path, code, strlen (code), 0666, error);
      }
    case EXPORT_DATA_PLOT:
      return nnb_picture_export (path, EXPORT_WIDTH, EXPORT_HEIGHT, draw_data_to, self, error);
    case EXPORT_LOSS_PLOT:
      return nnb_picture_export (path, EXPORT_WIDTH, EXPORT_HEIGHT, draw_loss_to, self, error);
    case EXPORT_NORMS_PLOT:
      return nnb_picture_export (path, EXPORT_WIDTH, EXPORT_HEIGHT, draw_norms_to, self, error);
    case EXPORT_HANDOUT:
      return nnb_window_export_handout (self, path, error);
    case EXPORT_DIAGRAM:
    default:
      return nnb_picture_export (path, EXPORT_WIDTH, EXPORT_HEIGHT, draw_diagram_to, self, error);
    }
}

static void
export_response_cb (GtkNativeDialog *dialog, int response, gpointer user_data)
{
  NnbWindow *self = user_data;
  ExportKind kind = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "export-kind"));

  if (response == GTK_RESPONSE_ACCEPT && self->document != NULL && !is_running (self))
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;
      g_autoptr(GError) error = NULL;

      if (path != NULL && !export_to (self, kind, path, &error))
        toast (self, error->message);
      else if (path != NULL)
        {
          g_autofree char *name = g_file_get_basename (file);
          g_autofree char *message = g_strdup_printf (_("Exported “%s”"), name);

          toast (self, message);
        }
    }

  g_object_unref (dialog);
}

static void
export_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  NnbWindow *self = user_data;
  const char *name = g_action_get_name (G_ACTION (action));
  static const struct
  {
    const char *action;
    ExportKind kind;
    const char *suffix;
  } kinds[] = {
    { "export-weights", EXPORT_WEIGHTS, ".safetensors" },
    { "export-code", EXPORT_CODE, ".py" },
    { "export-onnx", EXPORT_ONNX, ".onnx" },
    { "export-data-plot", EXPORT_DATA_PLOT, "-data.png" },
    { "export-loss-plot", EXPORT_LOSS_PLOT, "-loss.png" },
    { "export-norms-plot", EXPORT_NORMS_PLOT, "-norms.png" },
    { "export-diagram", EXPORT_DIAGRAM, "-diagram.png" },
    { "export-handout", EXPORT_HANDOUT, "-handout.pdf" },
  };
  GtkFileChooserNative *dialog;
  g_autofree char *suggested = NULL;

  if (self->document == NULL)
    return;

  for (gsize i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (g_str_equal (name, kinds[i].action))
      {
        dialog = gtk_file_chooser_native_new (_("Export"), GTK_WINDOW (self),
                                              GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
        suggested = g_strconcat (nnb_document_get_name (self->document), kinds[i].suffix, NULL);
        gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), suggested);
        g_object_set_data (G_OBJECT (dialog), "export-kind", GINT_TO_POINTER (kinds[i].kind));
        gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
        /* The dialog is unreferenced in export_response_cb. */
        g_signal_connect_object (dialog, "response", G_CALLBACK (export_response_cb), self, 0);
        gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
        return;
      }
}

/* win.undo and win.redo: the diagram editor keeps the history. */
static void
undo_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  NnbWindow *self = user_data;

  gtk_widget_activate_action (GTK_WIDGET (self->diagram_view),
                              g_str_equal (g_action_get_name (G_ACTION (action)), "undo") ? "editor.undo" : "editor.redo",
                              NULL);
}

static void
copy_code_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  NnbWindow *self = user_data;
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->code_view));
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
  toast (self, _("Code copied"));
}

/* Keeps the fitted curve on the data plot for comparison with the next
 * model's: the straight line beside SineNet. */
static void
pin_curve_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  NnbWindow *self = user_data;
  const char *name = self->document != NULL ? nnb_document_get_name (self->document) : NULL;
  g_autofree char *label = NULL;

  if (self->snapshot != NULL && self->snapshot->epoch > 0)
    /* Translators: legend of a kept curve: the model's name and its epochs */
    label = g_strdup_printf (_("%s (epoch %d)"), name != NULL ? name : _("Model"), self->snapshot->epoch - 1);
  if (!nnb_plots_panel_pin_curve (self->plots_panel, label))
    toast (self, _("There is no fitted curve to keep yet: train the model first."));
}

static void
clear_pinned_curves_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  NnbWindow *self = user_data;

  nnb_plots_panel_clear_pinned (self->plots_panel);
}

static void
loss_log_scale_action (GSimpleAction *action, GVariant *state, gpointer user_data)
{
  NnbWindow *self = user_data;

  g_simple_action_set_state (action, state);
  nnb_plots_panel_set_loss_log_scale (self->plots_panel, g_variant_get_boolean (state));
}

/* Presentation mode */

static void
nnb_window_set_presentation_mode (NnbWindow *self, gboolean presentation_mode)
{
  presentation_mode = !!presentation_mode;
  if (self->presentation_mode == presentation_mode)
    return;

  self->presentation_mode = presentation_mode;
  if (presentation_mode)
    gtk_widget_add_css_class (GTK_WIDGET (self), "presentation");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "presentation");

  /* The editing chrome goes: a class watching the screen needs the lesson,
   * the diagram, the plots, the code and the buttons that train, not the
   * palette, the settings or the tree's bookkeeping columns. */
  {
    GtkWidget *separator = gtk_widget_get_next_sibling (self->block_palette);

    gtk_widget_set_visible (self->block_palette, !presentation_mode);
    if (GTK_IS_SEPARATOR (separator))
      gtk_widget_set_visible (separator, !presentation_mode);
  }
  gtk_widget_set_visible (GTK_WIDGET (self->settings_button), !presentation_mode);
  nnb_parameter_view_set_compact (self->parameter_view, presentation_mode);
  nnb_plots_panel_set_compact (self->plots_panel, presentation_mode);
  nnb_plots_panel_redraw (self->plots_panel);
  gtk_widget_queue_draw (GTK_WIDGET (self->diagram_view));

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRESENTATION_MODE]);
}

/* Window size: read once when the window is made and written when it
 * closes, rather than bound, so that two windows do not resize each other. */

static void
restore_window_state (NnbWindow *self)
{
  if (self->settings == NULL)
    return;

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static void
save_window_state (NnbWindow *self)
{
  int width, height;

  if (self->settings == NULL)
    return;

  /* The default size is the size the window has when not maximized. */
  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
}

static void
close_answer_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(NnbWindow) self = user_data;

  switch (nnb_save_flow_ask_before_close_finish (result))
    {
    case NNB_CLOSE_DISCARD:
      self->close_confirmed = TRUE;
      gtk_window_close (GTK_WINDOW (self));
      break;
    case NNB_CLOSE_SAVE:
      /* the worker stops first: the weights saved are the ones shown */
      stop_watching (self);
      nnb_document_drop_trainer (self->document);
      self->run_asked = FALSE;
      self->close_after_save = TRUE;
      save (self, FALSE);
      break;
    case NNB_CLOSE_CANCEL:
    default:
      break;
    }
}

static gboolean
nnb_window_close_request (GtkWindow *window)
{
  NnbWindow *self = NNB_WINDOW (window);

  /* Unsaved work: ask first (the trainer pauses meanwhile, so what is
   * saved is what the student sees). */
  if (self->document != NULL && nnb_document_get_dirty (self->document) && !self->close_confirmed)
    {
      if (is_running (self))
        g_action_group_activate_action (G_ACTION_GROUP (self), "pause", NULL);
      nnb_save_flow_ask_before_close_async (window, self->document, close_answer_cb, g_object_ref (self));
      return TRUE;
    }

  save_window_state (self);
  /* The worker stops before the window goes, never after. */
  stop_watching (self);
  if (self->document != NULL)
    nnb_document_drop_trainer (self->document);

  return GTK_WINDOW_CLASS (nnb_window_parent_class)->close_request (window);
}

NnbWindow *
nnb_window_new (NnbApplication *application)
{
  NnbWindow *self;
  GSettings *settings;

  g_return_val_if_fail (NNB_IS_APPLICATION (application), NULL);

  self = g_object_new (NNB_TYPE_WINDOW, "application", application, NULL);

  settings = nnb_application_get_settings (application);
  if (settings != NULL)
    {
      self->settings = g_object_ref (settings);
      restore_window_state (self);
      g_settings_bind (settings, "presentation-mode", self, "presentation-mode", G_SETTINGS_BIND_DEFAULT);
    }

  return self;
}

static void
nnb_window_dispose (GObject *object)
{
  NnbWindow *self = NNB_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  stop_watching (self);
  if (self->document != NULL)
    {
      nnb_document_drop_trainer (self->document);
      g_signal_handlers_disconnect_by_data (self->document, self);
    }
  g_clear_object (&self->document);
  g_clear_pointer (&self->snapshot, nnb_snapshot_unref);
  g_clear_object (&self->settings);

  gtk_widget_dispose_template (GTK_WIDGET (self), NNB_TYPE_WINDOW);

  G_OBJECT_CLASS (nnb_window_parent_class)->dispose (object);
}

static void
nnb_window_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  NnbWindow *self = NNB_WINDOW (object);

  switch (prop_id)
    {
    case PROP_PRESENTATION_MODE:
      g_value_set_boolean (value, self->presentation_mode);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nnb_window_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  NnbWindow *self = NNB_WINDOW (object);

  switch (prop_id)
    {
    case PROP_PRESENTATION_MODE:
      nnb_window_set_presentation_mode (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nnb_window_class_init (NnbWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = nnb_window_dispose;
  object_class->get_property = nnb_window_get_property;
  object_class->set_property = nnb_window_set_property;
  window_class->close_request = nnb_window_close_request;

  /* Large type and thick lines for projectors. */
  properties[PROP_PRESENTATION_MODE] =
    g_param_spec_boolean ("presentation-mode", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Types the template names must exist before it is parsed. */
  g_type_ensure (NNB_TYPE_DIAGRAM_VIEW);
  g_type_ensure (NNB_TYPE_BLOCK_PALETTE);
  g_type_ensure (NNB_TYPE_PARAMETER_VIEW);
  g_type_ensure (NNB_TYPE_PLOTS_PANEL);
  g_type_ensure (NNB_TYPE_LESSON_PANEL);
  g_type_ensure (NNB_TYPE_TRAINING_SETTINGS);
  g_type_ensure (GTK_SOURCE_TYPE_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/nnblocks/NNBlocks/ui/nnb-window.ui");
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, open_button);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, primary_menu_button);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, train_stack);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, flap);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, lesson_stack);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, lesson_name);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, lesson_title);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, lesson_status);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, lesson_panel);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, settings_button);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, training_settings);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, recent_menu);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, diagram_stack);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, diagram_status);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, diagram_open_button);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, diagram_view);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, block_palette);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, side_stack);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, parameters_stack);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, parameters_status);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, parameter_view);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, code_stack);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, code_status);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, code_view);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, plots_panel);
}

/* The device race opens in its own window (nnb-device-race-dialog.c). */
static void
device_race_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  gtk_window_present (GTK_WINDOW (nnb_device_race_dialog_new (GTK_WINDOW (user_data))));
}

static const GActionEntry win_actions[] = {
  { .name = "open", .activate = open_action },
  { .name = "save", .activate = save_action },
  { .name = "save-as", .activate = save_as_action },
  { .name = "open-recent", .activate = open_recent_action, .parameter_type = "s" },
  { .name = "train", .activate = train_action },
  { .name = "pause", .activate = pause_action },
  { .name = "step", .activate = step_action },
  { .name = "reset", .activate = reset_action },
  { .name = "export-weights", .activate = export_action },
  { .name = "export-code", .activate = export_action },
  { .name = "export-onnx", .activate = export_action },
  { .name = "export-data-plot", .activate = export_action },
  { .name = "export-loss-plot", .activate = export_action },
  { .name = "export-norms-plot", .activate = export_action },
  { .name = "pin-curve", .activate = pin_curve_action },
  { .name = "clear-pinned-curves", .activate = clear_pinned_curves_action },
  { .name = "export-diagram", .activate = export_action },
  { .name = "export-handout", .activate = export_action },
  { .name = "copy-code", .activate = copy_code_action },
  { .name = "undo", .activate = undo_action },
  { .name = "redo", .activate = undo_action },
  { .name = "device-race", .activate = device_race_action },
  { .name = "loss-log-scale", .state = "true", .change_state = loss_log_scale_action },
};

static gboolean
dark_to_scheme (GBinding *binding, const GValue *from, GValue *to, gpointer user_data)
{
  GtkSourceStyleSchemeManager *schemes = gtk_source_style_scheme_manager_get_default ();
  const char *id = g_value_get_boolean (from) ? "Adwaita-dark" : "Adwaita";
  GtkSourceStyleScheme *scheme = gtk_source_style_scheme_manager_get_scheme (schemes, id);

  if (scheme == NULL)
    scheme = gtk_source_style_scheme_manager_get_scheme (schemes, g_value_get_boolean (from) ? "classic-dark" : "classic");
  g_value_set_object (to, scheme);
  return TRUE;
}

static void
nnb_window_init (NnbWindow *self)
{
  g_autoptr(GPropertyAction) toggle_lesson = NULL;
  g_autoptr(GPropertyAction) presentation = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  nnb_recent_menu_attach (self->recent_menu);
  /* a parameter selected in the tree selects its blocks, and back */
  nnb_diagram_link_parameters (self->diagram_view, self->parameter_view);

  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions, G_N_ELEMENTS (win_actions), self);
  toggle_lesson = g_property_action_new ("toggle-lesson", self->flap, "reveal-flap");
  g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (toggle_lesson));
  presentation = g_property_action_new ("presentation", self, "presentation-mode");
  g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (presentation));

  /* Losses shrink by orders of magnitude: a log axis shows the late
   * progress that a linear one flattens into the floor. */

  {
    GtkSourceLanguageManager *languages = gtk_source_language_manager_get_default ();
    GtkSourceLanguage *python = gtk_source_language_manager_get_language (languages, "python3");
    GtkSourceBuffer *buffer = GTK_SOURCE_BUFFER (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->code_view)));

    if (python == NULL)
      python = gtk_source_language_manager_get_language (languages, "python");
    gtk_source_buffer_set_language (buffer, python);
    gtk_source_buffer_set_highlight_syntax (buffer, TRUE);
    /* The code follows the light or dark style of the window. */
    g_object_bind_property_full (adw_style_manager_get_default (), "dark", buffer, "style-scheme",
                                 G_BINDING_SYNC_CREATE, dark_to_scheme, NULL, NULL, NULL);
  }

  g_signal_connect_swapped (self->training_settings, "changed", G_CALLBACK (settings_changed_cb), self);

  update_actions (self);

  nnb_window_set_lesson (self, NULL);
}
