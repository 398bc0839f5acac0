/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-window-import.c — the window's ways to a CSV file's data: the
 * win.import-csv action (a file chooser, then the import dialog) and a
 * .csv file dropped on the window, which opens the same dialog. */
#include "nnb-config.h"

#include <glib/gi18n.h>

#include "nnb-csv-import-dialog.h"
#include "nnb-window-private.h"

/* The data cannot change under a running worker, nor without a project. */
static gboolean
may_import (NnbWindow *self)
{
  return self->document != NULL && !nnb_document_is_training (self->document);
}

static void
show_import_dialog (NnbWindow *self, GFile *file)
{
  NnbCsvImportDialog *dialog;

  if (!may_import (self))
    return;
  /* the Data popover gives way to the dialog it opened */
  gtk_menu_button_popdown (self->data_button);
  dialog = nnb_csv_import_dialog_new (GTK_WINDOW (self), self->document, file);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
chooser_response_cb (GtkNativeDialog *chooser, int response, gpointer user_data)
{
  NnbWindow *self = user_data;

  g_assert (NNB_IS_WINDOW (self));

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        show_import_dialog (self, file);
    }
  g_object_unref (chooser);
}

void
_nnb_window_import_csv_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  NnbWindow *self = user_data;
  GtkFileChooserNative *chooser;
  g_autoptr (GtkFileFilter) csv = gtk_file_filter_new ();
  g_autoptr (GtkFileFilter) all_files = gtk_file_filter_new ();

  g_assert (NNB_IS_WINDOW (self));

  if (!may_import (self))
    return;
  gtk_menu_button_popdown (self->data_button);
  chooser = gtk_file_chooser_native_new (_("Import CSV"), GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Open"), _("_Cancel"));
  gtk_file_filter_set_name (csv, _("CSV Files"));
  gtk_file_filter_add_suffix (csv, "csv");
  gtk_file_filter_add_mime_type (csv, "text/csv");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), csv);
  gtk_file_filter_set_name (all_files, _("All Files"));
  gtk_file_filter_add_pattern (all_files, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), all_files);

  /* unreferenced in chooser_response_cb */
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect_object (chooser, "response", G_CALLBACK (chooser_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static gboolean
is_csv (GFile *file)
{
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *lower = name != NULL ? g_ascii_strdown (name, -1) : NULL;

  return lower != NULL && g_str_has_suffix (lower, ".csv");
}

static gboolean
drop_cb (GtkDropTarget *target, const GValue *value, double x, double y, gpointer user_data)
{
  NnbWindow *self = user_data;
  GFile *file;

  g_assert (NNB_IS_WINDOW (self));

  if (!G_VALUE_HOLDS (value, G_TYPE_FILE))
    return FALSE;
  file = g_value_get_object (value);
  if (file != NULL && _nnb_window_is_code_file (file))
    {
      _nnb_window_drop_code (self, file);
      return TRUE;
    }
  if (file == NULL || !is_csv (file))
    return FALSE;
  if (!may_import (self))
    {
      _nnb_window_toast (self, self->document == NULL
                                 ? _("Open a project first: the CSV file becomes its data.")
                                 : _("Pause the training first: the data cannot change while the model trains."));
      return FALSE;
    }
  show_import_dialog (self, file);
  return TRUE;
}

/* Opens the import dialog for file, as a drop does (for tests too). */
void
nnb_window_import_csv (NnbWindow *self, GFile *file)
{
  g_return_if_fail (NNB_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  show_import_dialog (self, file);
}

void
_nnb_window_import_init (NnbWindow *self)
{
  GtkDropTarget *target = gtk_drop_target_new (G_TYPE_FILE, GDK_ACTION_COPY);

  g_signal_connect (target, "drop", G_CALLBACK (drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->toast_overlay), GTK_EVENT_CONTROLLER (target));
}
