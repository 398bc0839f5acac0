/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-csv-import-dialog.h — Import CSV…: a modal window that reads a CSV
 * file on a worker thread (a progress bar and Cancel while it reads),
 * previews its first rows, lets the student say whether the first line is
 * a header and which columns are inputs and which targets, checks the
 * choice against the whole file as the engine reads it (a bad cell named
 * by line and column, as the CLI says it) and, on Import, makes the
 * project's data that file (nnb_document_set_data_spec). Built from
 * data/ui/nnb-csv-import-dialog.ui. */
#pragma once

#include <adwaita.h>

#include "nnb-document.h"

G_BEGIN_DECLS

#define NNB_TYPE_CSV_IMPORT_DIALOG (nnb_csv_import_dialog_get_type ())
G_DECLARE_FINAL_TYPE (NnbCsvImportDialog, nnb_csv_import_dialog, NNB, CSV_IMPORT_DIALOG, AdwWindow)

/* A dialog, transient for parent and modal, that starts reading file for
 * document at once; present it. */
NnbCsvImportDialog *nnb_csv_import_dialog_new (GtkWindow *parent, NnbDocument *document, GFile *file);

/* For tests: whether the file is still being read or a choice checked. */
gboolean nnb_csv_import_dialog_is_busy (NnbCsvImportDialog *self);
/* For tests: sets column's role (0 input, 1 target, 2 not used), as its
 * drop-down does. */
void nnb_csv_import_dialog_set_role (NnbCsvImportDialog *self, guint column, guint role);

G_END_DECLS
