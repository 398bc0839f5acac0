/* nnb-window.c — the main window. The layout is in data/ui/nnb-window.ui;
 * this file fills it in and answers the window's actions: opening, saving
 * and exporting a project, training it (win.train, win.pause, win.step,
 * win.reset), the lesson pane and presentation mode.
 *
 * Training runs on the trainer's worker thread (nnb-trainer.h). The window
 * never waits for it: a tick callback on the frame clock takes the latest
 * snapshot and redraws only when a new one was published. */
#include "nnb-config.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <glib/gi18n.h>
#include <gtksourceview/gtksource.h>

#include "nnb-diagram-view.h"
#include "nnb-export.h"
#include "nnb-lesson-catalog.h"
#include "nnb-parameter-view.h"
#include "nnb-plot-axes.h"
#include "nnb-plot-data.h"
#include "nnb-plot-loss.h"
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
  GtkSpinButton *lr_spin;
  GtkSpinButton *epochs_spin;
  GtkDropDown *optimizer_dropdown;
  GtkDropDown *loss_dropdown;
  GtkSpinButton *batch_spin;
  GtkSpinButton *seed_spin;
  GtkBox *device_box;
  AdwFlap *flap;
  GtkStack *lesson_stack;
  GtkLabel *lesson_name;
  GtkLabel *lesson_title;
  AdwStatusPage *lesson_status;
  GtkStack *diagram_stack;
  AdwStatusPage *diagram_status;
  GtkButton *diagram_open_button;
  NnbDiagramView *diagram_view;
  AdwViewStack *side_stack;
  GtkStack *parameters_stack;
  AdwStatusPage *parameters_status;
  NnbParameterView *parameter_view;
  GtkStack *code_stack;
  AdwStatusPage *code_status;
  GtkSourceView *code_view;
  GtkDrawingArea *data_plot;
  GtkDrawingArea *loss_plot;

  GSettings *settings;       /* NULL when the schema is not installed */
  NnbDocument *document;     /* the project shown, or NULL */
  GCancellable *cancellable; /* set while a file is being opened */
  gboolean presentation_mode;
  gboolean train_on_open;
  gboolean loss_log_scale;
  gboolean run_asked;        /* Train was pressed and the run has not ended */
  gboolean filling_settings; /* settings widgets being set from the project */
  GPtrArray *devices;        /* NnbDeviceInfo*, parallel to the device buttons */
  GPtrArray *device_buttons; /* GtkCheckButton* */

  /* the data plot's points, copied once: the worker may read the dataset */
  float *data_x, *data_y;
  int n_data;

  /* the hand-off from the trainer */
  NnbSnapshot *snapshot;     /* the latest one taken, or NULL */
  guint tick_id;
  gint64 settle_until_us;
  NnbTrainerState shown_state;
  gint64 text_updated_us;   /* when the labels last followed a snapshot */
  int data_plotted_epoch;
  int loss_plotted_epoch;
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

static void
data_series (NnbWindow *self, NnbDataSeries *series)
{
  memset (series, 0, sizeof *series);
  series->data_x = self->data_x;
  series->data_y = self->data_y;
  series->n_data = self->n_data;
  if (self->snapshot != NULL && self->snapshot->n_grid > 1)
    {
      series->curve_x = self->snapshot->grid_x;
      series->curve_y = self->snapshot->grid_y;
      series->n_curve = self->snapshot->n_grid;
    }
  if (self->document != NULL && self->n_data == 0)
    series->message = _("This model has more than one input: there is no curve to draw");
  else if (self->document != NULL && series->n_curve == 0)
    series->message = _("Train to see the fitted curve");
}

static void
loss_series (NnbWindow *self, NnbLossSeries *series)
{
  memset (series, 0, sizeof *series);
  series->log_scale = self->loss_log_scale;
  if (self->snapshot != NULL && self->snapshot->losses != NULL)
    {
      series->losses = (const double *) self->snapshot->losses->data;
      series->n = (int) self->snapshot->losses->len;
    }
}

static void
draw_data_plot (GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer user_data)
{
  NnbWindow *self = user_data;
  NnbPlotStyle style;
  NnbDataSeries series;

  nnb_plot_style_for_widget (GTK_WIDGET (area), &style);
  data_series (self, &series);
  nnb_plot_data_draw (cr, width, height, &series, &style);
  self->data_plotted_epoch = self->snapshot != NULL ? self->snapshot->epoch : -1;
}

static void
draw_loss_plot (GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer user_data)
{
  NnbWindow *self = user_data;
  NnbPlotStyle style;
  NnbLossSeries series;

  nnb_plot_style_for_widget (GTK_WIDGET (area), &style);
  loss_series (self, &series);
  nnb_plot_loss_draw (cr, width, height, &series, &style);
  self->loss_plotted_epoch = self->snapshot != NULL ? self->snapshot->epoch : -1;
}

void
nnb_window_get_plotted_epochs (NnbWindow *self, int *data_epoch, int *loss_epoch)
{
  g_return_if_fail (NNB_IS_WINDOW (self));

  if (data_epoch != NULL)
    *data_epoch = self->data_plotted_epoch;
  if (loss_epoch != NULL)
    *loss_epoch = self->loss_plotted_epoch;
}

static void
queue_plots (NnbWindow *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self->data_plot));
  gtk_widget_queue_draw (GTK_WIDGET (self->loss_plot));
}

/* Lesson */

void
nnb_window_set_lesson (NnbWindow *self, const char *lesson_id)
{
  const char *title;

  g_return_if_fail (NNB_IS_WINDOW (self));

  if (lesson_id == NULL || *lesson_id == '\0')
    {
      adw_status_page_set_title (self->lesson_status, _("No Lesson Open"));
      adw_status_page_set_description (self->lesson_status,
                                       _("Start NN Blocks with <tt>--lesson day02</tt> to follow the Day 2 lesson"));
      gtk_stack_set_visible_child_name (self->lesson_stack, "none");
      return;
    }

  title = nnb_lesson_catalog_get_title (lesson_id);
  if (title == NULL)
    {
      g_autofree char *names = nnb_lesson_catalog_dup_names ();
      g_autofree char *description = NULL;

      description = g_markup_printf_escaped (_("There is no lesson named “%s”. The lessons are: %s."),
                                             lesson_id, names);
      adw_status_page_set_title (self->lesson_status, _("Lesson Not Found"));
      adw_status_page_set_description (self->lesson_status, description);
      gtk_stack_set_visible_child_name (self->lesson_stack, "none");
      adw_flap_set_reveal_flap (self->flap, TRUE);
      return;
    }

  gtk_label_set_text (self->lesson_name, lesson_id);
  gtk_label_set_text (self->lesson_title, title);
  gtk_stack_set_visible_child_name (self->lesson_stack, "lesson");
  adw_flap_set_reveal_flap (self->flap, TRUE);
}


/* The training settings */

static void
fill_settings (NnbWindow *self)
{
  NnbProject *project = self->document != NULL ? nnb_document_get_project (self->document) : NULL;

  if (project == NULL)
    return;

  self->filling_settings = TRUE;
  gtk_spin_button_set_value (self->lr_spin, project->training.optimizer.lr);
  gtk_spin_button_set_value (self->epochs_spin, project->training.epochs);
  gtk_drop_down_set_selected (self->optimizer_dropdown,
                              project->training.optimizer.kind == NNB_OPTIMIZER_ADAM ? 1 : 0);
  gtk_drop_down_set_selected (self->loss_dropdown, project->training.loss == NNB_LOSS_L1 ? 1 : 0);
  gtk_spin_button_set_value (self->batch_spin, (double) project->training.batch_size);
  gtk_spin_button_set_value (self->seed_spin, (double) project->seed);
  for (guint i = 0; i < self->devices->len; i++)
    {
      NnbDeviceInfo *info = self->devices->pdata[i];

      if (nnb_device_equal (info->device, project->training.device))
        gtk_check_button_set_active (self->device_buttons->pdata[i], TRUE);
    }
  self->filling_settings = FALSE;
}

static void
settings_changed_cb (NnbWindow *self)
{
  NnbProject *project;
  NnbTrainingOptions *options;
  NnbOptimizerKind kind;
  double lr;

  if (self->filling_settings || self->document == NULL)
    return;

  project = nnb_document_get_project (self->document);
  options = &project->training;

  /* Switching optimizer takes the new one's defaults (Adam's betas), as
   * writing a different optim class in PyTorch would, but keeps the lr. */
  kind = gtk_drop_down_get_selected (self->optimizer_dropdown) == 1 ? NNB_OPTIMIZER_ADAM : NNB_OPTIMIZER_SGD;
  lr = gtk_spin_button_get_value (self->lr_spin);
  if (kind != options->optimizer.kind)
    nnb_optimizer_options_init (&options->optimizer, kind);
  options->optimizer.lr = lr;
  options->epochs = gtk_spin_button_get_value_as_int (self->epochs_spin);
  options->loss = gtk_drop_down_get_selected (self->loss_dropdown) == 1 ? NNB_LOSS_L1 : NNB_LOSS_MSE;
  options->batch_size = gtk_spin_button_get_value_as_int (self->batch_spin);
  project->seed = (guint64) gtk_spin_button_get_value (self->seed_spin);
  for (guint i = 0; i < self->devices->len; i++)
    if (gtk_check_button_get_active (self->device_buttons->pdata[i]))
      options->device = ((NnbDeviceInfo *) self->devices->pdata[i])->device;

  /* The settings are fixed while the worker runs (the widgets are
   * insensitive then); a trainer that waits is made again with them on the
   * next Train, from the weights it reached. */
  nnb_document_drop_trainer (self->document);
  self->run_asked = FALSE;
  g_clear_pointer (&self->snapshot, nnb_snapshot_unref);
  nnb_document_set_dirty (self->document, TRUE);
  nnb_parameter_view_update (self->parameter_view, NULL);
  update_actions (self);
  update_status (self);
  queue_plots (self);
}

static void
build_device_list (NnbWindow *self)
{
  GtkCheckButton *group = NULL;

  self->devices = nnb_device_list ();
  self->device_buttons = g_ptr_array_new ();
  for (guint i = 0; i < self->devices->len; i++)
    {
      NnbDeviceInfo *info = self->devices->pdata[i];
      GtkWidget *button = gtk_check_button_new_with_label (info->label);

      if (group != NULL)
        gtk_check_button_set_group (GTK_CHECK_BUTTON (button), group);
      else
        group = GTK_CHECK_BUTTON (button);
      gtk_box_append (self->device_box, button);
      g_ptr_array_add (self->device_buttons, button);

      /* A device that cannot be used is listed, greyed, with the reason:
       * the student learns why there is no GPU rather than wondering. */
      if (!info->available)
        {
          GtkWidget *reason = gtk_label_new (info->reason != NULL ? info->reason : "");

          gtk_widget_set_sensitive (button, FALSE);
          gtk_widget_set_tooltip_text (button, info->reason);
          gtk_label_set_xalign (GTK_LABEL (reason), 0);
          gtk_label_set_wrap (GTK_LABEL (reason), TRUE);
          gtk_label_set_max_width_chars (GTK_LABEL (reason), 36);
          gtk_widget_set_margin_start (reason, 28);
          gtk_widget_add_css_class (reason, "caption");
          gtk_widget_add_css_class (reason, "dim-label");
          gtk_box_append (self->device_box, reason);
        }
      else
        g_signal_connect_swapped (button, "toggled", G_CALLBACK (settings_changed_cb), self);
    }
  if (self->device_buttons->len > 0)
    gtk_check_button_set_active (self->device_buttons->pdata[0], TRUE);
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
  set_action_enabled (self, "copy-code", has_document);

  gtk_stack_set_visible_child_name (self->train_stack, running ? "pause" : "train");
  gtk_widget_set_sensitive (GTK_WIDGET (self->settings_button), has_document && !running);
  nnb_parameter_view_set_editable (self->parameter_view, has_document && !running);
}

static void
update_status (NnbWindow *self)
{
  g_autofree char *subtitle = NULL;
  const char *name;

  if (self->document == NULL)
    {
      adw_window_title_set_subtitle (self->window_title, NULL);
      return;
    }

  name = nnb_document_get_name (self->document);
  if (self->snapshot == NULL || self->snapshot->epoch == 0)
    subtitle = g_strdup_printf ("%s%s", nnb_document_get_dirty (self->document) ? "• " : "", name);
  else
    /* Translators: the window's subtitle while training: project name, epoch, loss */
    subtitle = g_strdup_printf (_("%s%s — epoch %d, loss %.4g"),
                                nnb_document_get_dirty (self->document) ? "• " : "", name,
                                self->snapshot->epoch, self->snapshot->loss);
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

  queue_plots (self);
  /* Numbers in labels change the layout of the whole window; a few times a
   * second is as fast as anyone reads them, and keeps each frame cheap.
   * A change of state always shows at once. */
  if (snapshot == NULL || snapshot->state != previous
      || g_get_monotonic_time () - self->text_updated_us > TEXT_INTERVAL_US)
    {
      self->text_updated_us = g_get_monotonic_time ();
      nnb_parameter_view_update (self->parameter_view, snapshot);
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
        toast (self, _("The loss went below the project’s target: training stopped."));
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

  g_clear_pointer (&self->data_x, g_free);
  g_clear_pointer (&self->data_y, g_free);
  self->n_data = 0;

  if (self->document == NULL)
    return;

  /* Points only for one input: more inputs have no x axis to put them on. */
  data = nnb_document_get_dataset (self->document);
  if (data->x->ndim == 2 && data->x->shape[1] == 1 && data->y->numel == data->x->numel)
    {
      self->n_data = (int) data->x->numel;
      self->data_x = g_memdup2 (data->x->data, sizeof (float) * self->n_data);
      self->data_y = g_memdup2 (data->y->data, sizeof (float) * self->n_data);
    }
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
  fill_settings (self);

  gtk_stack_set_visible_child_name (self->diagram_stack, project != NULL ? "diagram" : "empty");
  gtk_stack_set_visible_child_name (self->parameters_stack, project != NULL ? "tree" : "empty");
  gtk_stack_set_visible_child_name (self->code_stack, project != NULL ? "code" : "empty");

  update_actions (self);
  update_status (self);
  queue_plots (self);
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
save_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(NnbWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    {
      g_autofree char *name = g_file_get_parse_name (G_FILE (source));
      g_autofree char *message = g_strdup_printf (_("Could not save “%s”: %s"), name, error->message);

      toast (self, message);
      return;
    }

  if (self->document != NULL && nnb_document_get_file (self->document) != NULL
      && g_file_equal (nnb_document_get_file (self->document), G_FILE (source)))
    nnb_document_set_dirty (self->document, FALSE);
  toast (self, _("Saved"));
}

static void
save_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  NnbWindow *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  GFile *file;

  if (self->document == NULL || is_running (self))
    return;

  /* Serialised here, where the model is not training; written in the
   * background, atomically (a temporary file renamed over the old one). */
  bytes = nnb_document_serialize (self->document, &error);
  if (bytes == NULL)
    {
      toast (self, error->message);
      return;
    }
  file = nnb_document_get_file (self->document);
  g_file_replace_contents_bytes_async (file, bytes, NULL, TRUE, G_FILE_CREATE_NONE, NULL,
                                       save_cb, g_object_ref (self));
}

/* Exporting */

typedef enum
{
  EXPORT_WEIGHTS,
  EXPORT_CODE,
  EXPORT_ONNX,
  EXPORT_DATA_PLOT,
  EXPORT_LOSS_PLOT,
  EXPORT_DIAGRAM,
} ExportKind;

typedef void (*DrawFunc) (NnbWindow *self, cairo_t *cr, int width, int height, const NnbPlotStyle *style);

static void
draw_data_to (NnbWindow *self, cairo_t *cr, int width, int height, const NnbPlotStyle *style)
{
  NnbDataSeries series;

  data_series (self, &series);
  nnb_plot_data_draw (cr, width, height, &series, style);
}

static void
draw_loss_to (NnbWindow *self, cairo_t *cr, int width, int height, const NnbPlotStyle *style)
{
  NnbLossSeries series;

  loss_series (self, &series);
  nnb_plot_loss_draw (cr, width, height, &series, style);
}

static void
draw_diagram_to (NnbWindow *self, cairo_t *cr, int width, int height, const NnbPlotStyle *style)
{
  nnb_diagram_view_draw_to (self->diagram_view, cr, width, height, style);
}

/* The same draw function as on screen, on a surface chosen by the file's
 * extension: .svg and .pdf stay vectors, anything else is a PNG. */
static gboolean
export_picture (NnbWindow *self, const char *path, DrawFunc draw, GError **error)
{
  cairo_surface_t *surface;
  cairo_t *cr;
  NnbPlotStyle style;
  cairo_status_t status;
  g_autofree char *lower = g_ascii_strdown (path, -1);
  gboolean png = FALSE;

  nnb_plot_style_init_default (&style);
  if (g_str_has_suffix (lower, ".svg"))
    surface = cairo_svg_surface_create (path, EXPORT_WIDTH, EXPORT_HEIGHT);
  else if (g_str_has_suffix (lower, ".pdf"))
    surface = cairo_pdf_surface_create (path, EXPORT_WIDTH, EXPORT_HEIGHT);
  else
    {
      /* twice the pixels, so the picture stays sharp on a slide */
      surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, EXPORT_WIDTH * 2, EXPORT_HEIGHT * 2);
      png = TRUE;
    }

  cr = cairo_create (surface);
  if (png)
    cairo_scale (cr, 2, 2);
  draw (self, cr, EXPORT_WIDTH, EXPORT_HEIGHT, &style);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  if (png)
    status = cairo_surface_write_to_png (surface, path);
  else
    {
      cairo_surface_finish (surface);
      status = cairo_surface_status (surface);
    }
  cairo_surface_destroy (surface);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Could not write “%s”: %s"),
                   path, cairo_status_to_string (status));
      return FALSE;
    }

  return TRUE;
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

        return g_file_set_contents (path, code, -1, error);
      }
    case EXPORT_DATA_PLOT:
      return export_picture (self, path, draw_data_to, error);
    case EXPORT_LOSS_PLOT:
      return export_picture (self, path, draw_loss_to, error);
    case EXPORT_DIAGRAM:
    default:
      return export_picture (self, path, draw_diagram_to, error);
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
    { "export-diagram", EXPORT_DIAGRAM, "-diagram.png" },
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

static void
loss_log_scale_action (GSimpleAction *action, GVariant *state, gpointer user_data)
{
  NnbWindow *self = user_data;

  self->loss_log_scale = g_variant_get_boolean (state);
  g_simple_action_set_state (action, state);
  gtk_widget_queue_draw (GTK_WIDGET (self->loss_plot));
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
  queue_plots (self);
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

static gboolean
nnb_window_close_request (GtkWindow *window)
{
  NnbWindow *self = NNB_WINDOW (window);

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
  g_clear_pointer (&self->data_x, g_free);
  g_clear_pointer (&self->data_y, g_free);
  g_clear_pointer (&self->devices, g_ptr_array_unref);
  g_clear_pointer (&self->device_buttons, g_ptr_array_unref);
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
  g_type_ensure (NNB_TYPE_PARAMETER_VIEW);
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
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, settings_button);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, lr_spin);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, epochs_spin);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, optimizer_dropdown);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, loss_dropdown);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, batch_spin);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, seed_spin);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, device_box);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, diagram_stack);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, diagram_status);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, diagram_open_button);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, diagram_view);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, side_stack);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, parameters_stack);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, parameters_status);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, parameter_view);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, code_stack);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, code_status);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, code_view);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, data_plot);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, loss_plot);
}

static const GActionEntry win_actions[] = {
  { .name = "open", .activate = open_action },
  { .name = "save", .activate = save_action },
  { .name = "train", .activate = train_action },
  { .name = "pause", .activate = pause_action },
  { .name = "step", .activate = step_action },
  { .name = "reset", .activate = reset_action },
  { .name = "export-weights", .activate = export_action },
  { .name = "export-code", .activate = export_action },
  { .name = "export-onnx", .activate = export_action },
  { .name = "export-data-plot", .activate = export_action },
  { .name = "export-loss-plot", .activate = export_action },
  { .name = "export-diagram", .activate = export_action },
  { .name = "copy-code", .activate = copy_code_action },
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

  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions, G_N_ELEMENTS (win_actions), self);
  toggle_lesson = g_property_action_new ("toggle-lesson", self->flap, "reveal-flap");
  g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (toggle_lesson));
  presentation = g_property_action_new ("presentation", self, "presentation-mode");
  g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (presentation));

  gtk_drawing_area_set_draw_func (self->data_plot, draw_data_plot, self, NULL);
  gtk_drawing_area_set_draw_func (self->loss_plot, draw_loss_plot, self, NULL);
  self->data_plotted_epoch = -1;
  self->loss_plotted_epoch = -1;
  /* Losses shrink by orders of magnitude: a log axis shows the late
   * progress that a linear one flattens into the floor. */
  self->loss_log_scale = TRUE;

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

  build_device_list (self);
  g_signal_connect_swapped (self->lr_spin, "value-changed", G_CALLBACK (settings_changed_cb), self);
  g_signal_connect_swapped (self->epochs_spin, "value-changed", G_CALLBACK (settings_changed_cb), self);
  g_signal_connect_swapped (self->batch_spin, "value-changed", G_CALLBACK (settings_changed_cb), self);
  g_signal_connect_swapped (self->seed_spin, "value-changed", G_CALLBACK (settings_changed_cb), self);
  g_signal_connect_swapped (self->optimizer_dropdown, "notify::selected", G_CALLBACK (settings_changed_cb), self);
  g_signal_connect_swapped (self->loss_dropdown, "notify::selected", G_CALLBACK (settings_changed_cb), self);

  update_actions (self);

  nnb_window_set_lesson (self, NULL);
}
