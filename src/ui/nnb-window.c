/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-window.c — the main window: the type and its template (the layout is
 * in data/ui/nnb-window.ui), the document shown, the lesson pane,
 * presentation mode, the window's size and closing. Its other facets are
 * listed in nnb-window-private.h. */

#include "nnb-config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "nnb-block-palette.h"
#include "nnb-data-plot.h"
#include "nnb-diagram-link.h"
#include "nnb-export.h"
#include "nnb-lesson-catalog.h"
#include "nnb-recent-menu.h"
#include "nnb-save-flow.h"
#include "nnb-window-private.h"

#include "nnb-app-benchmark.h"
#include "nnb-ui-test-access.h" /* defines some of these */

G_DEFINE_FINAL_TYPE (NnbWindow, nnb_window, ADW_TYPE_APPLICATION_WINDOW)

enum
{
  PROP_0,
  PROP_PRESENTATION_MODE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* A confirmation this short ("Saved", "Code copied") flashes as a toast. */
#define TOAST_MAX_CHARS 40

static gpointer
explanation_child (NnbWindow *self, const char *name)
{
  return gtk_widget_get_template_child (GTK_WIDGET (self), NNB_TYPE_WINDOW, name);
}

static void
dismiss_explanation (NnbWindow *self)
{
  gtk_revealer_set_reveal_child (explanation_child (self, "explanation_revealer"), FALSE);
}

/* Engine messages are sentences to read, not flashes: why training
 * diverged or converged, what went wrong. They stay whole, wrapped, above
 * the diagram until dismissed or until the next run starts; a toast would
 * cut them off and, over the lesson, cover Show Me and Check. Toasts (only
 * short ones) live over the diagram area, never over the lesson pane. */
void
_nnb_window_toast (NnbWindow *self, const char *message)
{
  if (g_utf8_strlen (message, -1) <= TOAST_MAX_CHARS && strchr (message, ':') == NULL)
    {
      g_autofree char *escaped = g_markup_escape_text (message, -1);

      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (escaped));
      return;
    }
  gtk_label_set_text (explanation_child (self, "explanation_label"), message);
  gtk_revealer_set_reveal_child (explanation_child (self, "explanation_revealer"), TRUE);
}

/* Reset or a new run: the old run's explanation no longer applies. */
static void
explanation_training_state_cb (NnbWindow *self)
{
  NnbTrainingState state = self->document != NULL ? nnb_document_get_training_state (self->document) : NNB_TRAINING_IDLE;

  g_assert (NNB_IS_WINDOW (self));
  if (state == NNB_TRAINING_IDLE || state == NNB_TRAINING_RUNNING)
    dismiss_explanation (self);
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

/* Showing a document */

static void
copy_data_points (NnbWindow *self)
{
  NnbDataPlotSource points;
  NnbDataset *data;
  const char *name;

  if (self->document == NULL)
    {
      nnb_plots_panel_set_data (self->plots_panel, NULL, NULL, 0, 1, NULL, NULL);
      return;
    }

  /* the points as every picture of the data plot takes them (nnb-data-plot.h) */
  data = nnb_document_get_dataset (self->document);
  name = nnb_document_get_name (self->document);
  nnb_data_plot_points (data, &points);
  nnb_plots_panel_set_data (self->plots_panel, points.data_x, points.data_y, points.n_data, points.n_outputs,
                            points.output_names, name);
  nnb_plots_panel_set_test_data (self->plots_panel, points.test_x, points.test_y, points.n_test);
  /* class data with two inputs: its plane, the classes and the boundary */
  nnb_plots_panel_set_class_data (self->plots_panel, data);
}

static void
show_document_contents (NnbWindow *self)
{
  NnbProject *project = self->document != NULL ? nnb_document_get_project (self->document) : NULL;

  /* a record of another model, or of the one before this edit */
  _nnb_window_explain_close (self);
  g_clear_pointer (&self->snapshot, nnb_snapshot_unref);
  self->shown_state = NNB_TRAINER_IDLE;
  copy_data_points (self);
  nnb_diagram_view_set_document (self->diagram_view, self->document);
  nnb_parameter_view_set_model (self->parameter_view, project != NULL ? project->model : NULL);
  _nnb_window_show_code (self);
  nnb_training_settings_set_project (self->training_settings, project);
  nnb_data_panel_set_document (self->data_panel, self->document);

  gtk_stack_set_visible_child_name (self->diagram_stack, project != NULL ? "diagram" : "empty");
  gtk_stack_set_visible_child_name (self->parameters_stack, project != NULL ? "tree" : "empty");
  gtk_stack_set_visible_child_name (self->code_stack, project != NULL ? "code" : "empty");

  _nnb_window_update_actions (self);
  _nnb_window_update_status (self);
  nnb_plots_panel_take_snapshot (self->plots_panel, self->snapshot);
  _nnb_window_show_past_run (self);
}

static void
document_rebuilt_cb (NnbWindow *self)
{
  show_document_contents (self);
  _nnb_window_units_follow (self, self->snapshot);
}

static void
document_dirty_cb (NnbWindow *self)
{
  _nnb_window_update_status (self);
}

static void
set_document (NnbWindow *self, NnbDocument *document)
{
  _nnb_window_stop_watching (self);
  self->run_asked = FALSE;
  /* The old worker must be gone before its model and data are. */
  if (self->document != NULL)
    nnb_document_drop_trainer (self->document);
  g_set_object (&self->document, document);
  g_signal_group_set_target (self->document_signals, document);
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
      _nnb_window_toast (self, error->message);
      return;
    }

  adw_status_page_set_icon_name (self->diagram_status, "dialog-error-symbolic");
  adw_status_page_set_title (self->diagram_status, _("Could Not Open Project"));
  adw_status_page_set_description (self->diagram_status, escaped);
  gtk_widget_set_visible (GTK_WIDGET (self->diagram_open_button), TRUE);
}

/* --train with NNB_BENCH_TRAIN_AFTER_MS: Train pressed on a settled window */
static gboolean
train_later_cb (gpointer user_data)
{
  NnbWindow *self = user_data;

  if (self->document != NULL)
    g_action_group_activate_action (G_ACTION_GROUP (self), "train", NULL);
  return G_SOURCE_REMOVE;
}

static void
load_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (NnbWindow) self = user_data;
  g_autoptr (NnbDocument) document = NULL;
  g_autoptr (GError) error = NULL;

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

  /* an example in the program's files opens as an untitled copy */
  if (nnb_document_get_file (document) != NULL && _nnb_window_is_program_file (nnb_document_get_file (document)))
    nnb_document_forget_file (document);
  set_document (self, document);
  if (nnb_document_get_file (document) != NULL)
    nnb_save_flow_add_recent (nnb_document_get_file (document));
  if (self->train_on_open)
    {
      guint delay = nnb_app_benchmark_train_delay_ms ();

      self->train_on_open = FALSE;
      if (delay > 0)
        g_timeout_add_full (G_PRIORITY_DEFAULT, delay, train_later_cb, g_object_ref (self), g_object_unref);
      else
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

  if (_nnb_window_is_code_file (file))
    {
      _nnb_window_open_code (self, file);
      return;
    }
  nnb_document_load_async (file, self->cancellable, load_cb, g_object_ref (self));
}

gboolean
nnb_window_is_empty (NnbWindow *self)
{
  g_return_val_if_fail (NNB_IS_WINDOW (self), FALSE);

  return self->document == NULL && self->cancellable == NULL;
}

/* Presentation mode */

/* The palette is for editing: not in presentation mode, not while a step
 * is explained (an edit would end the walk). */
void
_nnb_window_update_palette (NnbWindow *self)
{
  GtkWidget *separator = gtk_widget_get_next_sibling (GTK_WIDGET (self->block_palette));
  gboolean shown = !self->presentation_mode && !_nnb_window_explain_is_open (self);

  gtk_widget_set_visible (GTK_WIDGET (self->block_palette), shown);
  if (GTK_IS_SEPARATOR (separator))
    gtk_widget_set_visible (separator, shown);
}

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
  _nnb_window_update_palette (self);
  gtk_widget_set_visible (GTK_WIDGET (self->settings_button), !presentation_mode);
  /* the main menu has the same Export submenu: the header bar keeps room
   * for Explain the Next Step on a 1024 px laptop */
  gtk_widget_set_visible (GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (self), NNB_TYPE_WINDOW, "export_button")),
                          !presentation_mode);
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
  g_autoptr (NnbWindow) self = user_data;

  switch (nnb_save_flow_ask_before_close_finish (result))
    {
    case NNB_CLOSE_DISCARD:
      self->close_confirmed = TRUE;
      gtk_window_close (GTK_WINDOW (self));
      break;
    case NNB_CLOSE_SAVE:
      /* the worker stops first: the weights saved are the ones shown */
      _nnb_window_stop_watching (self);
      nnb_document_drop_trainer (self->document);
      self->run_asked = FALSE;
      self->close_after_save = TRUE;
      _nnb_window_save (self, FALSE);
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
      if (_nnb_window_is_running (self))
        g_action_group_activate_action (G_ACTION_GROUP (self), "pause", NULL);
      nnb_save_flow_ask_before_close_async (window, self->document, close_answer_cb, g_object_ref (self));
      return TRUE;
    }

  save_window_state (self);
  /* The worker stops before the window goes, never after. */
  _nnb_window_stop_watching (self);
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
  _nnb_window_stop_watching (self);
  if (self->document != NULL)
    nnb_document_drop_trainer (self->document);
  if (self->document_signals != NULL)
    g_signal_group_set_target (self->document_signals, NULL);
  g_clear_object (&self->document_signals);
  _nnb_window_code_edit_dispose (self);
  _nnb_window_explain_dispose (self);
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
  g_type_ensure (NNB_TYPE_UNITS_VIEW);
  g_type_ensure (NNB_TYPE_LESSON_PANEL);
  g_type_ensure (NNB_TYPE_TRAINING_SETTINGS);
  g_type_ensure (NNB_TYPE_DATA_PANEL);
  g_type_ensure (GTK_SOURCE_TYPE_VIEW);
  g_type_ensure (NNB_TYPE_STEP_BAR);

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
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, data_button);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, data_panel);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, recent_menu);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, examples_menu);
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
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, code_message_revealer);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, code_message);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, step_bar_revealer);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, step_bar);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, plots_panel);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, units_view);
  gtk_widget_class_bind_template_child_full (widget_class, "explanation_revealer", FALSE, 0);
  gtk_widget_class_bind_template_child_full (widget_class, "export_button", FALSE, 0);
  gtk_widget_class_bind_template_child_full (widget_class, "explanation_label", FALSE, 0);
  gtk_widget_class_bind_template_child_full (widget_class, "explanation_close", FALSE, 0);
}

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

/* The PyTorch code pane: Python, in the window's light or dark style. */
static void
set_up_code_view (NnbWindow *self)
{
  GtkSourceLanguageManager *languages = gtk_source_language_manager_get_default ();
  GtkSourceLanguage *python = gtk_source_language_manager_get_language (languages, "python3");
  GtkSourceBuffer *buffer = GTK_SOURCE_BUFFER (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->code_view)));

  if (python == NULL)
    python = gtk_source_language_manager_get_language (languages, "python");
  gtk_source_buffer_set_language (buffer, python);
  gtk_source_buffer_set_highlight_syntax (buffer, TRUE);
  g_object_bind_property_full (adw_style_manager_get_default (), "dark", buffer, "style-scheme",
                               G_BINDING_SYNC_CREATE, dark_to_scheme, NULL, NULL, NULL);
}

static void
nnb_window_init (NnbWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  nnb_recent_menu_attach (self->recent_menu);
  _nnb_window_fill_examples_menu (self);
  /* a parameter selected in the tree selects its blocks, and back */
  nnb_diagram_link_parameters (self->diagram_view, self->parameter_view);

  /* the document shown, whichever it is: set_document changes the target */
  self->document_signals = g_signal_group_new (NNB_TYPE_DOCUMENT);
  g_signal_group_connect_swapped (self->document_signals, "rebuilt", G_CALLBACK (document_rebuilt_cb), self);
  g_signal_group_connect_swapped (self->document_signals, "notify::dirty", G_CALLBACK (document_dirty_cb), self);
  g_signal_group_connect_swapped (self->document_signals, "notify::training-state",
                                  G_CALLBACK (explanation_training_state_cb), self);
  g_signal_connect_swapped (explanation_child (self, "explanation_close"), "clicked", G_CALLBACK (dismiss_explanation),
                            self);

  _nnb_window_actions_init (self);
  _nnb_window_mode_init (self);
  _nnb_window_layout_init (self);
  _nnb_window_import_init (self);
  set_up_code_view (self);
  _nnb_window_code_edit_init (self);
  _nnb_window_explain_init (self);
  _nnb_window_training_init (self);
  _nnb_window_units_init (self);
  _nnb_window_update_actions (self);

  nnb_window_set_lesson (self, NULL);
}
