/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-window-code.c — code → diagram in the window: Paste PyTorch Code
 * (win.paste-code), a .py file opened or dropped on the window. All three
 * read the text, let nnb_python_import build the model (asking which class
 * when several are there and nothing says which) and show it as a new,
 * untitled project laid out automatically. A refusal says the reader's
 * sentence and changes nothing. */
#include "nnb-config.h"

#include <glib/gi18n.h>

#include "nnb-graph.h"
#include "nnb-python-import.h"
#include "nnb-window-private.h"

typedef struct
{
  NnbWindow *self;
  char *source;
  char *name;         /* the project's name when no class names it */
  gboolean ask_first; /* unsaved work not yet asked about (paste, drop) */
  char **classes;
} Pending;

static void
pending_free (Pending *pending)
{
  g_clear_object (&pending->self);
  g_free (pending->source);
  g_free (pending->name);
  g_strfreev (pending->classes);
  g_free (pending);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Pending, pending_free)

typedef struct
{
  NnbModel *model;
  char *name;
} Imported;

static void
imported_free (gpointer data)
{
  Imported *imported = data;

  nnb_model_unref (imported->model);
  g_free (imported->name);
  g_free (imported);
}

/* A new project around the model, as `nnblocks-cli import-code` makes it
 * (nnb_project_new_for_model) */
static void
show_imported (NnbWindow *self, gpointer user_data)
{
  Imported *imported = user_data;
  g_autoptr (NnbProject) project = nnb_project_new_for_model (imported->model);
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbDocument) document = NULL;
  NnbDataset *dataset;

  /* built right before the document: its shuffles start from here */
  dataset = nnb_project_build (project, FALSE, &error);
  if (dataset == NULL)
    {
      _nnb_window_toast (self, error->message);
      return;
    }
  document = nnb_document_new (g_steal_pointer (&project), dataset, imported->name);
  nnb_window_show_document (self, document);
}

static void
import_class (Pending *pending, const char *class_name)
{
  NnbWindow *self = pending->self;
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbModel) model = nnb_python_import (pending->source, -1, class_name, &error);
  Imported *imported;

  if (model == NULL)
    {
      _nnb_window_toast (self, error->message);
      return;
    }
  imported = g_new0 (Imported, 1);
  imported->name = g_strdup (model->class_name != NULL && !g_str_equal (model->class_name, "Sequential")
                               ? model->class_name
                               : pending->name);
  imported->model = g_steal_pointer (&model);
  if (pending->ask_first)
    nnb_window_replace_document (self, FALSE, show_imported, imported, imported_free);
  else
    {
      show_imported (self, imported);
      imported_free (imported);
    }
}

static void
class_chosen_cb (AdwMessageDialog *dialog, const char *response, gpointer user_data)
{
  g_autoptr (Pending) pending = user_data;
  guint64 index;

  /* one answer: closing after it would answer "cancel" with pending gone */
  g_signal_handlers_disconnect_by_data (dialog, pending);
  if (!g_str_has_prefix (response, "class-") || !g_ascii_string_to_unsigned (response + strlen ("class-"), 10, 0, g_strv_length (pending->classes) - 1, &index,
                                                                             NULL))
    return;
  import_class (pending, pending->classes[index]);
}

/* Several classes, and no `model = Name(…)` line that says which: the
 * student picks, the last one (what a file read alone gives) first. */
static void
ask_which_class (Pending *pending, int chosen)
{
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (pending->self), _("Which Model?"),
                                                       _("The code defines several model classes. Choose the one "
                                                          "to draw as blocks.")));
  adw_message_dialog_add_response (dialog, "cancel", _("_Cancel"));
  for (guint i = 0; pending->classes[i] != NULL; i++)
    {
      g_autofree char *id = g_strdup_printf ("class-%u", i);
      g_auto (GStrv) parts = g_strsplit (pending->classes[i], "_", -1);
      /* a class name's underscores are not mnemonics */
      g_autofree char *label = g_strjoinv ("__", parts);

      adw_message_dialog_add_response (dialog, id, label);
      if ((int) i == chosen)
        {
          adw_message_dialog_set_response_appearance (dialog, id, ADW_RESPONSE_SUGGESTED);
          adw_message_dialog_set_default_response (dialog, id);
        }
    }
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (class_chosen_cb), pending);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Takes source. */
static void
import_source (NnbWindow *self, char *source, const char *name, gboolean ask_first)
{
  g_autoptr (Pending) pending = g_new0 (Pending, 1);
  g_autoptr (GError) error = NULL;
  gboolean by_model_line = FALSE;
  int chosen = -1;

  pending->self = g_object_ref (self);
  pending->source = source;
  pending->name = g_strdup (name);
  pending->ask_first = ask_first;
  pending->classes = nnb_python_import_classes (source, -1, &chosen, &by_model_line, &error);
  if (pending->classes == NULL)
    {
      _nnb_window_toast (self, error->message);
      return;
    }
  if (g_strv_length (pending->classes) >= 2 && !by_model_line)
    ask_which_class (g_steal_pointer (&pending), chosen);
  else
    import_class (pending, NULL);
}

/* Paste */

static void
clipboard_read_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (NnbWindow) self = user_data;
  g_autofree char *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, NULL);

  if (text == NULL || *g_strstrip (text) == '\0')
    {
      _nnb_window_toast (self, _("The clipboard holds no text: copy a model’s PyTorch code first."));
      return;
    }
  import_source (self, g_steal_pointer (&text), _("Pasted Model"), TRUE);
}

void
_nnb_window_paste_code_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  NnbWindow *self = user_data;

  g_assert (NNB_IS_WINDOW (self));

  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (self)), NULL, clipboard_read_cb,
                                 g_object_ref (self));
}

/* A .py file: opened (unsaved work already asked about) or dropped */

gboolean
_nnb_window_is_code_file (GFile *file)
{
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *lower = name != NULL ? g_ascii_strdown (name, -1) : NULL;

  return lower != NULL && g_str_has_suffix (lower, ".py");
}

typedef struct
{
  NnbWindow *self;
  gboolean ask_first;
} Reading;

static void
load_contents_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Reading *reading = user_data;
  g_autoptr (NnbWindow) self = reading->self;
  gboolean ask_first = reading->ask_first;
  g_autoptr (GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *basename = g_file_get_basename (G_FILE (source));
  g_autofree char *name = NULL;

  g_free (reading);
  if (!g_file_load_contents_finish (G_FILE (source), result, &contents, NULL, NULL, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      if (!ask_first)
        g_clear_object (&self->cancellable);
      _nnb_window_toast (self, error->message);
      return;
    }
  if (!ask_first)
    g_clear_object (&self->cancellable);
  name = g_strndup (basename, strlen (basename) - strlen (".py"));
  import_source (self, g_steal_pointer (&contents), name, ask_first);
}

static void
read_code_file (NnbWindow *self, GFile *file, gboolean ask_first)
{
  Reading *reading = g_new0 (Reading, 1);

  reading->self = g_object_ref (self);
  reading->ask_first = ask_first;
  g_file_load_contents_async (file, ask_first ? NULL : self->cancellable, load_contents_cb, reading);
}

/* From nnb_window_open, which set self->cancellable. */
void
_nnb_window_open_code (NnbWindow *self, GFile *file)
{
  read_code_file (self, file, FALSE);
}

/* From the window's drop target. */
void
_nnb_window_drop_code (NnbWindow *self, GFile *file)
{
  read_code_file (self, file, TRUE);
}
