/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-device-race-dialog.c — the Device Race window.
 *
 * The race runs in a GTask on a worker thread; every row it measures is
 * copied and handed to the main loop, which appends it and redraws, so the
 * lines grow width by width. Stop (or closing the window) cancels the
 * task's GCancellable, which the race checks between epochs. Rows carry
 * the number of the race they belong to, so a row still on its way from a
 * stopped race never lands in the next one. */
#include "nnb-config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "nnb-backend.h"
#include "nnb-device-race.h"
#include "nnb-device-race-dialog.h"
#include "nnb-diagram-view.h"
#include "nnb-plot-race.h"
#include "nnb-locale-format.h"
#include "nnb-picture-export.h"
#include "nnb-ui-test-access.h" /* defines some of these */

#define EXPORT_WIDTH 1200
#define EXPORT_HEIGHT 800

struct _NnbDeviceRaceDialog
{
  AdwWindow parent_instance;

  GtkButton *start_button;
  GtkButton *stop_button;
  GtkButton *export_button;
  GtkDrawingArea *plot;
  GtkLabel *status_label;
  GtkDropDown *max_width_dropdown;
  GtkDropDown *activation_dropdown;
  GtkSpinButton *threads_spin;

  GPtrArray *rows; /* NnbRaceRow *, in arrival order */
  GCancellable *cancellable;
  guint race; /* the current race's number */
  gboolean running;
  gint64 started_us;
};

G_DEFINE_FINAL_TYPE (NnbDeviceRaceDialog, nnb_device_race_dialog, ADW_TYPE_WINDOW)

static void
update_actions (NnbDeviceRaceDialog *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "race.start", !self->running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "race.stop", self->running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "race.export", self->rows->len > 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->max_width_dropdown), !self->running);
  gtk_widget_set_sensitive (GTK_WIDGET (self->activation_dropdown), !self->running);
  gtk_widget_set_sensitive (GTK_WIDGET (self->threads_spin), !self->running);
}

static void
draw_plot (GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer user_data)
{
  NnbDeviceRaceDialog *self = user_data;
  NnbRaceSeries series = {
    (const NnbRaceRow *const *) self->rows->pdata,
    self->rows->len,
    self->running ? _("Racing…") : NULL,
  };
  NnbPlotStyle style;

  nnb_plot_style_for_widget (GTK_WIDGET (area), &style);
  nnb_plot_race_draw (cr, width, height, &series, &style);
}

/* ---- the worker and its hand-over ------------------------------------ */

typedef struct
{
  NnbDeviceRaceDialog *self; /* a reference */
  guint race;
  NnbRaceRow *row;
} RowArrival;

typedef struct
{
  NnbDeviceRaceDialog *self; /* not a reference: the task holds one */
  guint race;
  NnbRaceOptions options;
} RaceJob;

static gboolean
row_arrived (gpointer data)
{
  RowArrival *arrival = data;
  NnbDeviceRaceDialog *self = arrival->self;

  if (arrival->race == self->race)
    {
      const NnbRaceRow *row = arrival->row;
      g_autofree char *text = NULL;

      if (isnan (row->us_per_epoch))
        /* Translators: the race's progress; a device that did not run at width W, and why */
        text = g_strdup_printf (_("W = %d, %s: %s"), (int) row->width, row->device_label, row->reason);
      else
        /* Translators: the race's progress: the width just timed, the device, the time */
        text = nnb_locale_strdup_printf (_("W = %d, %s: %'.0f µs per epoch"), (int) row->width,
                                         row->device_label, row->us_per_epoch);
      g_ptr_array_add (self->rows, g_steal_pointer (&arrival->row));
      gtk_label_set_text (self->status_label, text);
      gtk_widget_queue_draw (GTK_WIDGET (self->plot));
      update_actions (self);
    }
  nnb_race_row_free (arrival->row);
  g_object_unref (arrival->self);
  g_free (arrival);
  return G_SOURCE_REMOVE;
}

/* on the worker thread */
static void
on_row (const NnbRaceRow *row, gpointer user_data)
{
  RaceJob *job = user_data;
  RowArrival *arrival = g_new0 (RowArrival, 1);

  arrival->self = g_object_ref (job->self);
  arrival->race = job->race;
  arrival->row = nnb_race_row_copy (row);
  /* default priority, ahead of drawing: rows are few and small */
  g_main_context_invoke_full (NULL, G_PRIORITY_DEFAULT, row_arrived, arrival, NULL);
}

static void
race_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  RaceJob *job = task_data;
  GError *error = NULL;
  GPtrArray *rows = nnb_device_race_run (&job->options, cancellable, on_row, job, &error);

  if (rows == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, rows, (GDestroyNotify) g_ptr_array_unref);
}

static char *
summary (NnbDeviceRaceDialog *self, GPtrArray *rows, double seconds)
{
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (GPtrArray) devices = nnb_device_list ();
  gboolean any_gpu = FALSE;

  /* Translators: the race is over; %.1f is its length in seconds */
  nnb_locale_string_append_printf (text, _("Finished in %.1f s."), seconds);
  for (guint i = 1; i < devices->len; i++)
    {
      const NnbDeviceInfo *gpu = devices->pdata[i];
      int64_t from;

      if (!gpu->available)
        continue;
      any_gpu = TRUE;
      from = nnb_device_race_crossover (rows, nnb_device_cpu (), gpu->device);
      g_string_append_c (text, ' ');
      if (from > 0)
        /* Translators: %s is a GPU, the number a width */
        /* %d, not G_GINT64_FORMAT: xgettext cannot see through the macro */
        g_string_append_printf (text, _("%s is faster than the CPU from W = %d on."),
                                gpu->label, (int) from);
      else
        /* Translators: %s is a GPU */
        g_string_append_printf (text, _("The CPU beat %s at the widest width both ran."), gpu->label);
    }
  if (!any_gpu && devices->len > 1)
    {
      const NnbDeviceInfo *gpu = devices->pdata[1];
      /* Translators: no GPU could race; %s says why ("CUDA: no NVIDIA driver found") */
      g_string_append_printf (text, _(" Only the CPU raced (%s)."), gpu->reason);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
race_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  NnbDeviceRaceDialog *self = NNB_DEVICE_RACE_DIALOG (source);
  RaceJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) rows = g_task_propagate_pointer (G_TASK (result), &error);

  /* a later race has started since: its own completion will report */
  if (job->race != self->race)
    return;
  self->running = FALSE;
  g_clear_object (&self->cancellable);
  if (rows != NULL)
    {
      g_autofree char *text = summary (self, rows, (g_get_monotonic_time () - self->started_us) / 1e6);

      /* the finished race's rows, whatever is still on its way */
      g_ptr_array_set_size (self->rows, 0);
      for (guint i = 0; i < rows->len; i++)
        g_ptr_array_add (self->rows, nnb_race_row_copy (rows->pdata[i]));
      self->race++;
      gtk_label_set_text (self->status_label, text);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    gtk_label_set_text (self->status_label, _("Stopped."));
  else
    gtk_label_set_text (self->status_label, error->message);
  gtk_widget_queue_draw (GTK_WIDGET (self->plot));
  update_actions (self);
}

void
nnb_device_race_dialog_start (NnbDeviceRaceDialog *self, gint64 max_width)
{
  g_autoptr (GTask) task = NULL;
  RaceJob *job;
  GtkStringObject *width_item;

  g_return_if_fail (NNB_IS_DEVICE_RACE_DIALOG (self));
  if (self->running)
    return;

  job = g_new0 (RaceJob, 1);
  job->self = self;
  job->race = ++self->race;
  nnb_race_options_init (&job->options);
  width_item = gtk_drop_down_get_selected_item (self->max_width_dropdown);
  if (width_item != NULL)
    job->options.max_width = g_ascii_strtoll (gtk_string_object_get_string (width_item), NULL, 10);
  if (max_width > 0)
    job->options.max_width = max_width;
  job->options.activation = gtk_drop_down_get_selected (self->activation_dropdown) == 1 ? NNB_MODULE_RELU
                                                                                        : NNB_MODULE_TANH;
  job->options.cpu_threads = gtk_spin_button_get_value_as_int (self->threads_spin);

  g_ptr_array_set_size (self->rows, 0);
  self->cancellable = g_cancellable_new ();
  self->running = TRUE;
  self->started_us = g_get_monotonic_time ();
  gtk_label_set_text (self->status_label, _("Racing… The first widths take a moment on each device."));

  task = g_task_new (self, self->cancellable, race_done, NULL);
  g_task_set_task_data (task, job, g_free);
  g_task_set_name (task, "device race");
  g_task_run_in_thread (task, race_thread);
  gtk_widget_queue_draw (GTK_WIDGET (self->plot));
  update_actions (self);
}

void
nnb_device_race_dialog_stop (NnbDeviceRaceDialog *self)
{
  g_return_if_fail (NNB_IS_DEVICE_RACE_DIALOG (self));
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

gboolean
nnb_device_race_dialog_is_running (NnbDeviceRaceDialog *self)
{
  g_return_val_if_fail (NNB_IS_DEVICE_RACE_DIALOG (self), FALSE);
  return self->running;
}

GPtrArray *
nnb_device_race_dialog_get_rows (NnbDeviceRaceDialog *self)
{
  g_return_val_if_fail (NNB_IS_DEVICE_RACE_DIALOG (self), NULL);
  return self->rows;
}

/* ---- export ------------------------------------------------------------ */

/* The plot as in the window, the same pure function drawing it. */
static void
draw_race (cairo_t *cr, int width, int height, const NnbPlotStyle *style, gpointer user_data)
{
  NnbDeviceRaceDialog *self = user_data;
  NnbRaceSeries series = { (const NnbRaceRow *const *) self->rows->pdata, self->rows->len, NULL };

  nnb_plot_race_draw (cr, width, height, &series, style);
}

gboolean
nnb_device_race_dialog_export (NnbDeviceRaceDialog *self, const char *path, GError **error)
{
  return nnb_picture_export (path, EXPORT_WIDTH, EXPORT_HEIGHT, draw_race, self, error);
}

static void
export_response (GtkNativeDialog *chooser, int response, gpointer user_data)
{
  NnbDeviceRaceDialog *self = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;
      g_autoptr (GError) error = NULL;

      if (path != NULL && !nnb_device_race_dialog_export (self, path, &error))
        gtk_label_set_text (self->status_label, error->message);
      else if (path != NULL)
        {
          /* Translators: %s is the file the plot was saved to */
          g_autofree char *text = g_strdup_printf (_("Plot saved to %s."), path);
          gtk_label_set_text (self->status_label, text);
        }
    }
  g_object_unref (chooser);
}

/* ---- actions and life cycle ----------------------------------------------- */

static void
start_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  nnb_device_race_dialog_start (NNB_DEVICE_RACE_DIALOG (widget), 0);
}

static void
stop_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  nnb_device_race_dialog_stop (NNB_DEVICE_RACE_DIALOG (widget));
}

static void
export_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  NnbDeviceRaceDialog *self = NNB_DEVICE_RACE_DIALOG (widget);
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (_("Export Plot"), GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Export"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), "device-race.png");
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  /* the chooser is unreferenced in export_response */
  g_signal_connect_object (chooser, "response", G_CALLBACK (export_response), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static gboolean
close_request (GtkWindow *window)
{
  /* the worker stops at the next epoch; the task keeps the window alive
   * until then */
  nnb_device_race_dialog_stop (NNB_DEVICE_RACE_DIALOG (window));
  return GTK_WINDOW_CLASS (nnb_device_race_dialog_parent_class)->close_request (window);
}

static void
nnb_device_race_dialog_dispose (GObject *object)
{
  NnbDeviceRaceDialog *self = NNB_DEVICE_RACE_DIALOG (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), NNB_TYPE_DEVICE_RACE_DIALOG);
  G_OBJECT_CLASS (nnb_device_race_dialog_parent_class)->dispose (object);
}

static void
nnb_device_race_dialog_finalize (GObject *object)
{
  NnbDeviceRaceDialog *self = NNB_DEVICE_RACE_DIALOG (object);

  g_ptr_array_unref (self->rows);
  G_OBJECT_CLASS (nnb_device_race_dialog_parent_class)->finalize (object);
}

static void
nnb_device_race_dialog_class_init (NnbDeviceRaceDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = nnb_device_race_dialog_dispose;
  object_class->finalize = nnb_device_race_dialog_finalize;
  window_class->close_request = close_request;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/nnblocks/NNBlocks/ui/nnb-device-race-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, NnbDeviceRaceDialog, start_button);
  gtk_widget_class_bind_template_child (widget_class, NnbDeviceRaceDialog, stop_button);
  gtk_widget_class_bind_template_child (widget_class, NnbDeviceRaceDialog, export_button);
  gtk_widget_class_bind_template_child (widget_class, NnbDeviceRaceDialog, plot);
  gtk_widget_class_bind_template_child (widget_class, NnbDeviceRaceDialog, status_label);
  gtk_widget_class_bind_template_child (widget_class, NnbDeviceRaceDialog, max_width_dropdown);
  gtk_widget_class_bind_template_child (widget_class, NnbDeviceRaceDialog, activation_dropdown);
  gtk_widget_class_bind_template_child (widget_class, NnbDeviceRaceDialog, threads_spin);

  gtk_widget_class_install_action (widget_class, "race.start", NULL, start_action);
  gtk_widget_class_install_action (widget_class, "race.stop", NULL, stop_action);
  gtk_widget_class_install_action (widget_class, "race.export", NULL, export_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
nnb_device_race_dialog_init (NnbDeviceRaceDialog *self)
{
  g_autoptr (GPtrArray) devices = NULL;
  g_autoptr (GString) text = g_string_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));
  self->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) nnb_race_row_free);
  gtk_drawing_area_set_draw_func (self->plot, draw_plot, self, NULL);
  /* the engine's own thread count to begin with */
  gtk_spin_button_set_value (self->threads_spin, nnb_backend_cpu_get_threads ());

  /* before the start: which devices will race, and why one will not */
  devices = nnb_device_list ();
  for (guint i = 0; i < devices->len; i++)
    {
      const NnbDeviceInfo *info = devices->pdata[i];

      if (text->len > 0)
        g_string_append (text, " · ");
      g_string_append (text, info->available ? info->label : info->reason);
    }
  gtk_label_set_text (self->status_label, text->str);
  update_actions (self);
}

NnbDeviceRaceDialog *
nnb_device_race_dialog_new (GtkWindow *parent)
{
  return g_object_new (NNB_TYPE_DEVICE_RACE_DIALOG, "transient-for", parent, NULL);
}
