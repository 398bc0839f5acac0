/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-save-flow.h — saving a document the way a GNOME app does: to its
 * file, or through a file chooser when it has none yet (or for Save As);
 * atomically, in the background; remembered in the recent files. And the
 * question before closing a window with unsaved changes. */
#pragma once

#include <gtk/gtk.h>

#include "nnb-document.h"

G_BEGIN_DECLS

/* Saves document (not while it trains). With choose_file, or when the
 * document has no file, asks where first. Finish with nnb_save_flow_finish:
 * FALSE with G_IO_ERROR_CANCELLED when the student cancelled the chooser. */
void nnb_save_flow_save_async (GtkWindow *parent,
                               NnbDocument *document,
                               gboolean choose_file,
                               GAsyncReadyCallback callback,
                               gpointer user_data);
gboolean nnb_save_flow_save_finish (GAsyncResult *result, GError **error);

typedef enum
{
  NNB_CLOSE_CANCEL,  /* keep the window open */
  NNB_CLOSE_DISCARD, /* close without saving */
  NNB_CLOSE_SAVE,    /* save, then close */
} NnbCloseAnswer;

/* Asks "Save changes to “name”?" with Cancel, Discard and Save. */
void nnb_save_flow_ask_before_close_async (GtkWindow *parent,
                                           NnbDocument *document,
                                           GAsyncReadyCallback callback,
                                           gpointer user_data);
NnbCloseAnswer nnb_save_flow_ask_before_close_finish (GAsyncResult *result);
/* The same question before another project replaces document (Open, New,
 * an example, a lesson's Show me); finish with
 * nnb_save_flow_ask_before_close_finish. */
void nnb_save_flow_ask_before_replace_async (GtkWindow *parent,
                                             NnbDocument *document,
                                             GAsyncReadyCallback callback,
                                             gpointer user_data);

/* Adds file to GTK's recent files, as a project NN Blocks opens. */
void nnb_save_flow_add_recent (GFile *file);

G_END_DECLS
