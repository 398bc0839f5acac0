/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-window-actions.c — the main window's win.* actions: open, save,
 * train, pause, step, reset, the plots' and the code's, undo and redo.
 * Menus, buttons, shortcuts and tests all go through them. The exports are
 * in nnb-window-export.c. */

#include "nnb-config.h"

#include <glib/gi18n.h>

#include "nnb-device-race-dialog.h"
#include "nnb-lesson.h"
#include "nnb-save-flow.h"
#include "nnb-window-private.h"

/* The built-in lessons' resource, with the example projects (generated). */
GResource *nnb_lessons_get_resource (void);

#define EXAMPLES_PATH "/io/github/nnblocks/NNBlocks/examples/"
#define PROJECT_SUFFIX ".nnb"

/* Replacing the project shown: unsaved work is asked about first */

typedef struct
{
  NnbWindow *self;
  NnbWindowReplaceFunc then;
  gpointer user_data;
  GDestroyNotify destroy;
} Replace;

static void
replace_free (Replace *replace)
{
  if (replace->destroy != NULL)
    replace->destroy (replace->user_data);
  g_object_unref (replace->self);
  g_free (replace);
}

static void
replace_now (Replace *replace)
{
  NnbWindow *self = replace->self;

  self->replace_allowed = TRUE;
  replace->then (self, replace->user_data);
  self->replace_allowed = FALSE;
  replace_free (replace);
}

gboolean
nnb_window_may_replace_document (NnbWindow *self, gboolean lesson)
{
  g_return_val_if_fail (NNB_IS_WINDOW (self), TRUE);

  if (self->replace_allowed || self->document == NULL || !nnb_document_get_dirty (self->document))
    return TRUE;
  return lesson && nnb_document_get_replayable (self->document);
}

static void
replace_saved_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Replace *replace = user_data;
  g_autoptr (GError) error = NULL;

  if (!nnb_save_flow_save_finish (result, &error))
    {
      /* not saved: the project stays */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        _nnb_window_toast (replace->self, error->message);
      replace_free (replace);
      return;
    }
  _nnb_window_update_status (replace->self);
  replace_now (replace);
}

static void
replace_answer_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Replace *replace = user_data;
  NnbWindow *self = replace->self;

  switch (nnb_save_flow_ask_before_close_finish (result))
    {
    case NNB_CLOSE_DISCARD:
      replace_now (replace);
      break;
    case NNB_CLOSE_SAVE:
      if (self->document == NULL)
        {
          replace_now (replace);
          break;
        }
      /* the worker stops first: the weights saved are the ones shown */
      _nnb_window_stop_watching (self);
      nnb_document_drop_trainer (self->document);
      self->run_asked = FALSE;
      _nnb_window_update_actions (self);
      nnb_save_flow_save_async (GTK_WINDOW (self), self->document, FALSE, replace_saved_cb, replace);
      break;
    case NNB_CLOSE_CANCEL:
    default:
      replace_free (replace);
      break;
    }
}

void
nnb_window_replace_document (NnbWindow *self,
                             gboolean lesson,
                             NnbWindowReplaceFunc then,
                             gpointer user_data,
                             GDestroyNotify destroy)
{
  Replace *replace;

  g_return_if_fail (NNB_IS_WINDOW (self));
  g_return_if_fail (then != NULL);

  replace = g_new0 (Replace, 1);
  replace->self = g_object_ref (self);
  replace->then = then;
  replace->user_data = user_data;
  replace->destroy = destroy;

  if (nnb_window_may_replace_document (self, lesson))
    {
      replace_now (replace);
      return;
    }
  /* what is saved is what the student sees: the run pauses meanwhile */
  if (_nnb_window_is_running (self))
    g_action_group_activate_action (G_ACTION_GROUP (self), "pause", NULL);
  nnb_save_flow_ask_before_replace_async (GTK_WINDOW (self), self->document, replace_answer_cb, replace);
}

/* The program's own files (the source tree's data, the installation):
 * opened as untitled copies, so that Save never writes into them. */
gboolean
_nnb_window_is_program_file (GFile *file)
{
  g_autoptr (GFile) source_data = g_file_new_build_filename (NNB_SOURCE_DIR, "data", NULL);
  g_autofree char *share = g_path_get_dirname (LOCALEDIR);
  g_autofree char *prefix = g_path_get_dirname (share);
  g_autoptr (GFile) installed = g_file_new_for_path (prefix);
  g_autoptr (GFile) home = g_file_new_for_path (g_get_home_dir ());

  if (g_file_has_prefix (file, source_data))
    return TRUE;
  /* a prefix of / or of the home folder holds the student's own files too */
  if (g_file_has_parent (installed, NULL) && !g_file_equal (installed, home) && !g_file_has_prefix (home, installed))
    return g_file_has_prefix (file, installed);
  return FALSE;
}

/* New and the examples */

static void
show_new_document (NnbWindow *self, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbDocument) document = nnb_document_new_empty (&error);

  if (document == NULL)
    {
      _nnb_window_toast (self, error->message);
      return;
    }
  nnb_window_show_document (self, document);
}

static void
new_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  nnb_window_replace_document (user_data, FALSE, show_new_document, NULL, NULL);
}

/* An example opens as an untitled copy: Save asks where to write it. */
static void
show_example (NnbWindow *self, gpointer user_data)
{
  const char *name = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = nnb_lesson_lookup_example (name, &error);
  g_autoptr (NnbDocument) document = NULL;

  if (bytes != NULL)
    document = nnb_document_new_from_data (bytes, name, &error);
  if (document == NULL)
    {
      _nnb_window_toast (self, error->message);
      return;
    }
  nnb_window_show_document (self, document);
}

static void
open_example_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  nnb_window_replace_document (user_data, FALSE, show_example, g_variant_dup_string (parameter, NULL), g_free);
}

/* The main menu's Examples: the projects built into the program, so an
 * installed copy with no source tree offers them too. */
void
_nnb_window_fill_examples_menu (NnbWindow *self)
{
  g_auto (GStrv) names = NULL;

  nnb_lessons_get_resource ();
  names = g_resources_enumerate_children (EXAMPLES_PATH, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  if (names == NULL)
    return;
  qsort (names, g_strv_length (names), sizeof (char *), (GCompareFunc) g_strcmp0);
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *name = NULL;
      g_autofree char *action = NULL;

      if (!g_str_has_suffix (names[i], PROJECT_SUFFIX))
        continue;
      name = g_strndup (names[i], strlen (names[i]) - strlen (PROJECT_SUFFIX));
      action = g_strdup_printf ("win.open-example('%s')", name);
      g_menu_append (self->examples_menu, name, action);
    }
}

/* Opening */

static void
open_response_cb (GtkNativeDialog *dialog, int response, gpointer user_data)
{
  NnbWindow *self = user_data;

  g_assert (NNB_IS_WINDOW (self));

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      if (file != NULL)
        nnb_window_open (self, file);
    }

  g_object_unref (dialog);
}

static void
show_open_chooser (NnbWindow *self, gpointer user_data)
{
  GtkFileChooserNative *dialog;
  g_autoptr (GtkFileFilter) projects = gtk_file_filter_new ();
  g_autoptr (GtkFileFilter) all_files = gtk_file_filter_new ();

  dialog = gtk_file_chooser_native_new (_("Open Project"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));

  gtk_file_filter_set_name (projects, _("NN Blocks Projects and PyTorch Code"));
  gtk_file_filter_add_suffix (projects, "nnb");
  gtk_file_filter_add_suffix (projects, "py");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), projects);
  gtk_file_filter_set_name (all_files, _("All Files"));
  gtk_file_filter_add_pattern (all_files, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), all_files);

  /* The dialog is unreferenced in open_response_cb. */
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect_object (dialog, "response", G_CALLBACK (open_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* Asks about unsaved work before the chooser: choosing a file is then
 * the last step, as in other GNOME apps with one document a window. */
static void
open_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  nnb_window_replace_document (user_data, FALSE, show_open_chooser, NULL, NULL);
}

static void
open_file (NnbWindow *self, gpointer user_data)
{
  nnb_window_open (self, user_data);
}

static void
open_recent_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  GFile *file = g_file_new_for_uri (g_variant_get_string (parameter, NULL));

  nnb_window_replace_document (user_data, FALSE, open_file, file, g_object_unref);
}

/* Training */

/* The trainer that win.train, win.step and win.explain-step command. A run
 * that ended (all epochs, the target loss, a NaN) starts afresh from the
 * weights it reached, with the settings as they are now; a running one is
 * kept when keep_running (explaining a step pauses it after its step).
 * NULL, said in a toast, when the settings are refused. */
NnbTrainer *
_nnb_window_trainer_for_command (NnbWindow *self, gboolean keep_running)
{
  g_autoptr (GError) error = NULL;
  NnbTrainer *trainer = nnb_document_get_trainer (self->document);

  if (trainer != NULL)
    {
      NnbTrainerState state = nnb_trainer_get_state (trainer);

      if (state != NNB_TRAINER_IDLE && state != NNB_TRAINER_PAUSED &&
          !(keep_running && state == NNB_TRAINER_RUNNING))
        nnb_document_drop_trainer (self->document);
    }

  trainer = nnb_document_ensure_trainer (self->document, &error);
  if (trainer == NULL)
    _nnb_window_toast (self, error->message);
  return trainer;
}

/* win.train runs to the end of the run; win.step runs one epoch and pauses. */
static void
train_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  NnbWindow *self = user_data;
  gboolean one_step = g_str_equal (g_action_get_name (G_ACTION (action)), "step");
  NnbTrainer *trainer;

  g_assert (NNB_IS_WINDOW (self));

  if (self->document == NULL || (trainer = _nnb_window_trainer_for_command (self, FALSE)) == NULL)
    return;

  /* the walk shows one recorded step, not a run */
  _nnb_window_explain_close (self);
  self->run_asked = !one_step;
  if (one_step)
    nnb_trainer_step (trainer);
  else
    nnb_trainer_start (trainer);
  nnb_document_set_dirty (self->document, TRUE);
  _nnb_window_watch_trainer (self);
}

static void
pause_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  NnbWindow *self = user_data;
  NnbTrainer *trainer;

  g_assert (NNB_IS_WINDOW (self));

  trainer = self->document != NULL ? nnb_document_get_trainer (self->document) : NULL;
  if (trainer == NULL)
    return;

  /* Takes effect between two steps, on the worker; the tick callback shows
   * the paused snapshot when it comes. */
  self->run_asked = FALSE;
  nnb_trainer_pause (trainer);
  _nnb_window_watch_trainer (self);
}

static void
reset_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  NnbWindow *self = user_data;
  g_autoptr (GError) error = NULL;

  g_assert (NNB_IS_WINDOW (self));

  if (self->document == NULL)
    return;

  _nnb_window_stop_watching (self);
  self->run_asked = FALSE;
  /* Stops the worker first; ::rebuilt then shows the fresh model. */
  if (!nnb_document_reset (self->document, &error))
    _nnb_window_toast (self, error->message);
  _nnb_window_update_actions (self);
}

/* Saving */

static void
saved_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (NnbWindow) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!nnb_save_flow_save_finish (result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        _nnb_window_toast (self, error->message);
      self->close_after_save = FALSE;
      return;
    }

  _nnb_window_update_status (self);
  if (self->close_after_save)
    {
      gtk_window_close (GTK_WINDOW (self));
      return;
    }
  _nnb_window_toast (self, _("Saved"));
}

void
_nnb_window_save (NnbWindow *self, gboolean choose_file)
{
  if (self->document == NULL || _nnb_window_is_running (self))
    return;

  nnb_save_flow_save_async (GTK_WINDOW (self), self->document, choose_file, saved_cb, g_object_ref (self));
}

static void
save_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  _nnb_window_save (user_data, FALSE);
}

static void
save_as_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  _nnb_window_save (user_data, TRUE);
}

/* The code and the plots */

static void
copy_code_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  NnbWindow *self = user_data;
  GtkTextBuffer *buffer;
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  g_assert (NNB_IS_WINDOW (self));

  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->code_view));
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
  _nnb_window_toast (self, _("Code copied"));
}

/* Opens the Data popover from the keyboard (the header's Data button). */
static void
data_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  NnbWindow *self = user_data;

  g_assert (NNB_IS_WINDOW (self));

  if (self->document != NULL && gtk_widget_is_sensitive (GTK_WIDGET (self->data_button)))
    gtk_menu_button_popup (self->data_button);
}

/* Keeps the fitted curve on the data plot for comparison with the next
 * model's: the straight line beside SineNet. */
static void
pin_curve_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  NnbWindow *self = user_data;
  const char *name;
  g_autofree char *label = NULL;

  g_assert (NNB_IS_WINDOW (self));

  name = self->document != NULL ? nnb_document_get_name (self->document) : NULL;
  if (self->snapshot != NULL && self->snapshot->epoch > 0)
    /* Translators: legend of a kept curve: the model's name and its epochs */
    label = g_strdup_printf (_("%s (epoch %d)"), name != NULL ? name : _("Model"), self->snapshot->epoch - 1);
  if (!nnb_plots_panel_pin_curve (self->plots_panel, label))
    _nnb_window_toast (self, _("There is no fitted curve to keep yet: train the model first."));
}

static void
clear_pinned_curves_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  NnbWindow *self = user_data;

  g_assert (NNB_IS_WINDOW (self));

  nnb_plots_panel_clear_pinned (self->plots_panel);
}

static void
loss_log_scale_action (GSimpleAction *action, GVariant *state, gpointer user_data)
{
  NnbWindow *self = user_data;

  g_assert (NNB_IS_WINDOW (self));

  g_simple_action_set_state (action, state);
  nnb_plots_panel_set_loss_log_scale (self->plots_panel, g_variant_get_boolean (state));
}

/* The diagram editor */

/* win.undo and win.redo: the diagram editor keeps the history. */
static void
undo_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  NnbWindow *self = user_data;

  g_assert (NNB_IS_WINDOW (self));

  gtk_widget_activate_action (GTK_WIDGET (self->diagram_view),
                              g_str_equal (g_action_get_name (G_ACTION (action)), "undo") ? "editor.undo" : "editor.redo",
                              NULL);
}

/* The device race opens in its own window (nnb-device-race-dialog.c). */
static void
device_race_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  gtk_window_present (GTK_WINDOW (nnb_device_race_dialog_new (GTK_WINDOW (user_data))));
}

static const GActionEntry win_actions[] = {
  { .name = "new", .activate = new_action },
  { .name = "open", .activate = open_action },
  { .name = "open-example", .activate = open_example_action, .parameter_type = "s" },
  { .name = "save", .activate = save_action },
  { .name = "save-as", .activate = save_as_action },
  { .name = "open-recent", .activate = open_recent_action, .parameter_type = "s" },
  { .name = "train", .activate = train_action },
  { .name = "pause", .activate = pause_action },
  { .name = "step", .activate = train_action },
  { .name = "reset", .activate = reset_action },
  { .name = "data", .activate = data_action },
  { .name = "import-csv", .activate = _nnb_window_import_csv_action },
  { .name = "paste-code", .activate = _nnb_window_paste_code_action },
  { .name = "export-weights", .activate = _nnb_window_export_action },
  { .name = "export-code", .activate = _nnb_window_export_action },
  { .name = "export-script", .activate = _nnb_window_export_action },
  { .name = "export-notebook", .activate = _nnb_window_export_action },
  { .name = "export-onnx", .activate = _nnb_window_export_action },
  { .name = "export-data-plot", .activate = _nnb_window_export_action },
  { .name = "export-loss-plot", .activate = _nnb_window_export_action },
  { .name = "export-norms-plot", .activate = _nnb_window_export_action },
  { .name = "pin-curve", .activate = pin_curve_action },
  { .name = "clear-pinned-curves", .activate = clear_pinned_curves_action },
  { .name = "export-diagram", .activate = _nnb_window_export_action },
  { .name = "export-handout", .activate = _nnb_window_export_action },
  { .name = "copy-code", .activate = copy_code_action },
  { .name = "undo", .activate = undo_action },
  { .name = "redo", .activate = undo_action },
  { .name = "device-race", .activate = device_race_action },
  /* Losses shrink by orders of magnitude: a log axis shows the late
   * progress that a linear one flattens into the floor. */
  { .name = "loss-log-scale", .state = "true", .change_state = loss_log_scale_action },
};

/* Called from nnb_window_init. The actions live in the window's action map
 * rather than on the class (gtk_widget_class_install_action): the autosave
 * and the tests read them through the window's GActionGroup
 * (g_action_group_get_action_enabled), which class actions do not join. */
void
_nnb_window_actions_init (NnbWindow *self)
{
  g_autoptr (GPropertyAction) toggle_lesson = NULL;
  g_autoptr (GPropertyAction) presentation = NULL;

  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions, G_N_ELEMENTS (win_actions), self);
  toggle_lesson = g_property_action_new ("toggle-lesson", self->flap, "reveal-flap");
  g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (toggle_lesson));
  presentation = g_property_action_new ("presentation", self, "presentation-mode");
  g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (presentation));
}
