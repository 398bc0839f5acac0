/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-window.h — the main window: the lesson on the left, the block diagram
 * in the middle, parameters and PyTorch code on the right, plots below.
 * Built from the template data/ui/nnb-window.ui. */
#pragma once

#include <adwaita.h>

#include "nnb-application.h"
#include "nnb-document.h"
#include "nnb-lesson-panel.h"

G_BEGIN_DECLS

#define NNB_TYPE_WINDOW (nnb_window_get_type ())
G_DECLARE_FINAL_TYPE (NnbWindow, nnb_window, NNB, WINDOW, AdwApplicationWindow)

NnbWindow *nnb_window_new (NnbApplication *application);

/* Shows the lesson named lesson_id ("day02") in the lesson pane; NULL or ""
 * for none. An unknown name shows what names there are. */
void nnb_window_set_lesson (NnbWindow *self, const char *lesson_id);

/* Opens a project file in this window. Reading it happens in the background;
 * failures are shown in the window, not returned. */
void nnb_window_open (NnbWindow *self, GFile *file);

/* TRUE while no project is open or being opened: the window can take one. */
gboolean nnb_window_is_empty (NnbWindow *self);

/* Starts training (win.train) as soon as the next project opened is ready. */
void nnb_window_set_train_on_open (NnbWindow *self, gboolean train);

/* The open project, or NULL. */
NnbDocument *nnb_window_get_document (NnbWindow *self);

/* Shows a document made elsewhere (a recovered autosave) as if opened. */
void nnb_window_show_document (NnbWindow *self, NnbDocument *document);

/* Opens the Import CSV dialog for file, as dropping it on the window does
 * (nothing without a project or while it trains). */
void nnb_window_import_csv (NnbWindow *self, GFile *file);

/* Before another project replaces the one shown (Open, New, an example, a
 * lesson's Show me): unsaved changes are asked about (Save, Discard,
 * Cancel). then runs once the project may go (at once when nothing is
 * unsaved, after Discard, or after Save wrote it), never after Cancel;
 * destroy frees user_data either way. lesson: a lesson step's model as
 * Show me left it goes without asking (Show me makes it again). */
typedef void (*NnbWindowReplaceFunc) (NnbWindow *window, gpointer user_data);
void nnb_window_replace_document (NnbWindow *self,
                                  gboolean lesson,
                                  NnbWindowReplaceFunc then,
                                  gpointer user_data,
                                  GDestroyNotify destroy);
/* TRUE when nothing would be lost now, or inside then. */
gboolean nnb_window_may_replace_document (NnbWindow *self, gboolean lesson);

/* Shows a toast over the window's content. */
void nnb_window_add_toast (NnbWindow *self, AdwToast *toast);

/* Writes the lesson step on screen with the diagram, the data plot and
 * the loss plot as an A4 handout: a PDF when path ends in .pdf, else a PNG
 * (win.export-handout asks for the path). With Explain Next Step open:
 * the step's five stages, a page each (a PNG: the stage on screen). */
gboolean nnb_window_export_handout (NnbWindow *self, const char *path, GError **error);

G_END_DECLS
