/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-save-flow.c — Save, Save As and the unsaved-changes question. */
#include "nnb-config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "nnb-file-write.h"
#include "nnb-save-flow.h"

void
nnb_save_flow_add_recent (GFile *file)
{
  g_autofree char *uri = NULL;
  GtkRecentData data = { 0 };
  static char *groups[] = { (char *) "nnblocks", NULL };

  g_return_if_fail (G_IS_FILE (file));

  uri = g_file_get_uri (file);
  data.mime_type = (char *) "application/x-nnblocks-project";
  data.app_name = (char *) "nnblocks";
  data.app_exec = (char *) "nnblocks %u";
  data.groups = groups;
  gtk_recent_manager_add_full (gtk_recent_manager_get_default (), uri, &data);
}

/* On a GTask thread: the engine's writer (a temporary file beside the
 * target, synced, then renamed), not GIO's replace, which on a full disk
 * left its ".goutputstream-XXXXXX" file behind. */
static void
write_thread (GTask *write, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  g_autofree char *path = g_file_get_path (G_FILE (source));
  GBytes *bytes = task_data;
  GError *error = NULL;

  if (path == NULL)
    {
      g_autofree char *name = g_file_get_parse_name (G_FILE (source));

      g_task_return_new_error (write, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("Could not save “%s”: NN Blocks saves to folders on this computer. "
                                  "Choose another place."),
                               name);
      return;
    }
  if (!nnb_file_write (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), 0666, &error))
    g_task_return_error (write, error); /* "Could not write “path”: reason" */
  else
    g_task_return_boolean (write, TRUE);
}

static void
written_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  NnbDocument *document = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }

  /* From now on the document is this file (Save As moves it there). */
  nnb_document_set_file (document, G_FILE (source));
  nnb_document_set_dirty (document, FALSE);
  nnb_save_flow_add_recent (G_FILE (source));
  g_task_return_boolean (task, TRUE);
}

/* Serialised here, on the main thread where the model is not training;
 * written in the background, atomically (a temporary file renamed over
 * the old one only once it is whole on the disk). */
static void
write_to (GTask *task, GFile *file)
{
  NnbDocument *document = g_task_get_task_data (task);
  g_autoptr (GBytes) bytes = NULL;
  GError *error = NULL;

  bytes = nnb_document_serialize_for (document, file, &error);
  if (bytes == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  {
    g_autoptr (GTask) write = g_task_new (file, g_task_get_cancellable (task), written_cb, task);

    g_task_set_source_tag (write, write_to);
    g_task_set_task_data (write, g_steal_pointer (&bytes), (GDestroyNotify) g_bytes_unref);
    g_task_run_in_thread (write, write_thread);
  }
}

static void
chooser_response_cb (GtkNativeDialog *dialog, int response, gpointer user_data)
{
  GTask *task = user_data;
  g_autoptr (GFile) chosen = NULL;
  g_autoptr (GFile) file = NULL;

  if (response != GTK_RESPONSE_ACCEPT || (chosen = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog))) == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Not saved"));
      g_object_unref (task);
      g_object_unref (dialog);
      return;
    }

  /* A project keeps its extension, so the file manager and Open know it. */
  {
    g_autofree char *name = g_file_get_basename (chosen);

    if (g_str_has_suffix (name, ".nnb"))
      file = g_object_ref (chosen);
    else
      {
        g_autofree char *with_suffix = g_strconcat (name, ".nnb", NULL);
        g_autoptr (GFile) parent = g_file_get_parent (chosen);

        file = g_file_get_child (parent, with_suffix);
      }
  }

  g_object_unref (dialog);
  write_to (task, file);
}

void
nnb_save_flow_save_async (GtkWindow *parent,
                          NnbDocument *document,
                          gboolean choose_file,
                          GAsyncReadyCallback callback,
                          gpointer user_data)
{
  GTask *task;
  GtkFileChooserNative *dialog;
  g_autoptr (GtkFileFilter) projects = NULL;
  g_autofree char *suggested = NULL;

  g_return_if_fail (NNB_IS_DOCUMENT (document));

  task = g_task_new (document, NULL, callback, user_data);
  g_task_set_source_tag (task, nnb_save_flow_save_async);
  g_task_set_task_data (task, g_object_ref (document), g_object_unref);

  if (!choose_file && nnb_document_get_file (document) != NULL)
    {
      write_to (task, nnb_document_get_file (document));
      return;
    }

  dialog = gtk_file_chooser_native_new (_("Save Project"), parent, GTK_FILE_CHOOSER_ACTION_SAVE,
                                        _("_Save"), _("_Cancel"));
  projects = gtk_file_filter_new ();
  gtk_file_filter_set_name (projects, _("NN Blocks Projects"));
  gtk_file_filter_add_suffix (projects, "nnb");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), projects);
  suggested = g_strconcat (nnb_document_get_name (document), ".nnb", NULL);
  /* An untitled project (a new one, an example's copy, a lesson's model)
   * goes to the student's documents, never into the program's files. */
  if (nnb_document_get_file (document) == NULL)
    {
      const char *documents = g_get_user_special_dir (G_USER_DIRECTORY_DOCUMENTS);
      g_autoptr (GFile) folder = NULL;

      if (documents == NULL || !g_file_test (documents, G_FILE_TEST_IS_DIR))
        documents = g_get_home_dir ();
      folder = g_file_new_for_path (documents);

      gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (dialog), folder, NULL);
    }
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), suggested);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (chooser_response_cb), task);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

gboolean
nnb_save_flow_save_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (G_IS_TASK (result), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
close_response_cb (AdwMessageDialog *dialog, const char *response, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  NnbCloseAnswer answer = NNB_CLOSE_CANCEL;

  /* one answer: closing the dialog after it would report "cancel" again */
  g_signal_handlers_disconnect_by_func (dialog, close_response_cb, user_data);

  if (g_str_equal (response, "save"))
    answer = NNB_CLOSE_SAVE;
  else if (g_str_equal (response, "discard"))
    answer = NNB_CLOSE_DISCARD;
  g_task_return_int (task, answer);
}

static void
ask_async (GtkWindow *parent,
           NnbDocument *document,
           const char *body,
           GAsyncReadyCallback callback,
           gpointer user_data)
{
  GTask *task;
  GtkWidget *dialog;
  g_autofree char *heading = NULL;

  task = g_task_new (document, NULL, callback, user_data);
  g_task_set_source_tag (task, nnb_save_flow_ask_before_close_async);

  heading = g_strdup_printf (_("Save Changes to “%s”?"), nnb_document_get_name (document));
  dialog = adw_message_dialog_new (parent, heading, body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "discard", _("_Discard"),
                                    "save", _("_Save"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (close_response_cb), task);
  gtk_window_present (GTK_WINDOW (dialog));
}

void
nnb_save_flow_ask_before_close_async (GtkWindow *parent,
                                      NnbDocument *document,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data)
{
  g_return_if_fail (NNB_IS_DOCUMENT (document));

  ask_async (parent, document,
             _("The model, its settings and its trained weights are lost "
                "if you close without saving."),
             callback, user_data);
}

void
nnb_save_flow_ask_before_replace_async (GtkWindow *parent,
                                        NnbDocument *document,
                                        GAsyncReadyCallback callback,
                                        gpointer user_data)
{
  g_return_if_fail (NNB_IS_DOCUMENT (document));

  ask_async (parent, document,
             _("The model, its settings and its trained weights are lost "
                "if another project replaces it without saving."),
             callback, user_data);
}

NnbCloseAnswer
nnb_save_flow_ask_before_close_finish (GAsyncResult *result)
{
  g_return_val_if_fail (G_IS_TASK (result), NNB_CLOSE_CANCEL);

  return (NnbCloseAnswer) g_task_propagate_int (G_TASK (result), NULL);
}
