/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-csv-import-dialog.c — Import CSV…: the file read off the main
 * thread, its first rows shown, each column given a role, the choice
 * checked by the engine's own reader (on a worker too: a file of a million
 * rows takes a second, with a bar and a Stop) and applied through the
 * document with the rows that check read, so Import does not read again. */
#include "nnb-config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "nnb-csv-import-dialog.h"
#include "nnb-csv.h"
#include "nnb-error.h"
#include "nnb-file-read.h"
#include "nnb-locale-format.h"

/* Rows of numbers shown in the preview. */
#define PREVIEW_ROWS 8
/* Bytes read at a time, so that the progress bar moves and Cancel is heard. */
#define CHUNK_BYTES (1 << 20)

enum
{
  ROLE_INPUT,
  ROLE_TARGET,
  ROLE_UNUSED,
  ROLE_CLASS, /* the one target, each row's class (data.class_targets) */
};

struct _NnbCsvImportDialog
{
  AdwWindow parent_instance;

  /* Template widgets */
  GtkButton *cancel_button;
  GtkButton *import_button;
  GtkStack *stack;
  GtkLabel *reading_label;
  GtkProgressBar *progress_bar;
  GtkButton *stop_button;
  GtkSwitch *header_switch;
  GtkGrid *preview_grid;
  GtkLabel *shape_label;
  GtkLabel *error_label;

  /* Owned references */
  NnbDocument *document;
  GFile *file;
  GCancellable *cancellable;       /* the read, and the dialog's life */
  GCancellable *check_cancellable; /* the check running, if any */
  GTask *read_task;                /* while the file is read */
  GTask *check_task;               /* while the choice is checked */
  NnbDataset *table;               /* the rows the last check read, when it passed */
  GBytes *text;                    /* the file, once read */
  GPtrArray *lines;                /* its first lines, split (GStrv) */
  GArray *roles;                   /* guint per column */

  /* State */
  guint progress_id;
};

G_DEFINE_FINAL_TYPE (NnbCsvImportDialog, nnb_csv_import_dialog, ADW_TYPE_WINDOW)

/* ------------------------------------------------------------ reading */

typedef struct
{
  GFile *file;
  gint permille; /* read so far, atomic: the worker writes, the UI polls */
} Read;

typedef struct
{
  GBytes *text;
  GPtrArray *lines;
  gboolean header;
} ReadResult;

static void
read_free (Read *read)
{
  g_clear_object (&read->file);
  g_free (read);
}

static void
read_result_free (ReadResult *result)
{
  g_clear_pointer (&result->text, g_bytes_unref);
  g_clear_pointer (&result->lines, g_ptr_array_unref);
  g_free (result);
}

/* The worker: the file in chunks (the bar follows), then the lines the
 * preview shows and the engine's header rule applied to the first. */
static void
read_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  Read *read = task_data;
  g_autoptr (GFileInputStream) stream = NULL;
  g_autoptr (GFileInfo) info = NULL;
  g_autoptr (GByteArray) bytes = g_byte_array_new ();
  g_autoptr (GError) error = NULL;
  ReadResult *result;
  goffset size;

  stream = g_file_read (read->file, cancellable, &error);
  if (stream != NULL)
    info = g_file_input_stream_query_info (stream, G_FILE_ATTRIBUTE_STANDARD_SIZE, cancellable, &error);
  if (info == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  size = g_file_info_get_size (info);
  for (;;)
    {
      guint old = bytes->len;
      gssize n;

      if ((guint64) old > (guint64) NNB_FILE_READ_MAX_CSV_MB << 20)
        {
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                                   _("The file is larger than %d MB, the most NN Blocks reads."),
                                   NNB_FILE_READ_MAX_CSV_MB);
          return;
        }
      g_byte_array_set_size (bytes, old + CHUNK_BYTES);
      n = g_input_stream_read (G_INPUT_STREAM (stream), bytes->data + old, CHUNK_BYTES, cancellable, &error);
      if (n < 0)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      g_byte_array_set_size (bytes, old + n);
      if (n == 0)
        break;
      if (size > 0)
        g_atomic_int_set (&read->permille, (gint) MIN (1000, (gint64) bytes->len * 1000 / size));
    }
  result = g_new0 (ReadResult, 1);
  result->lines = nnb_csv_first_lines ((const char *) bytes->data, bytes->len, PREVIEW_ROWS + 1);
  result->header = nnb_csv_detect_header ((const char *) bytes->data, bytes->len);
  result->text = g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
  g_task_return_pointer (task, result, (GDestroyNotify) read_result_free);
}

typedef struct
{
  GBytes *text;
  NnbCsvHeader header;
  NnbCsvColumn *inputs, *targets;
  guint n_inputs, n_targets;
  gboolean classes; /* the target is a Class column */
  GCancellable *cancellable;
  gint permille; /* read so far, atomic: the worker writes, the UI polls */
} Check;

/* Polled while a worker runs: the bar (and, for a later check, the line
 * under the preview) follow how far it has read. */
static gboolean
progress_cb (gpointer user_data)
{
  NnbCsvImportDialog *self = user_data;
  GTask *task = self->read_task != NULL ? self->read_task : self->check_task;
  gint permille;

  if (task == NULL)
    {
      self->progress_id = 0;
      return G_SOURCE_REMOVE;
    }
  permille = self->read_task != NULL ? g_atomic_int_get (&((Read *) g_task_get_task_data (task))->permille)
                                     : g_atomic_int_get (&((Check *) g_task_get_task_data (task))->permille);
  gtk_progress_bar_set_fraction (self->progress_bar, permille / 1000.0);
  if (self->read_task == NULL && g_str_equal (gtk_stack_get_visible_child_name (self->stack), "preview"))
    {
      /* Translators: a later check of the rows, how far it is, e.g. "Checking the rows… 40 %" */
      g_autofree char *text = g_strdup_printf (_("Checking the rows… %d %%"), permille / 10);

      gtk_label_set_text (self->shape_label, text);
    }
  return G_SOURCE_CONTINUE;
}

/* ------------------------------------------------------------ the choice */

/* Whether the first line's cell c can name column c in the project file:
 * a header name that no other column has (else the column goes by index). */
static const char *
column_name (NnbCsvImportDialog *self, guint c)
{
  char **first;
  guint count = 0;

  if (!gtk_switch_get_active (self->header_switch) || self->lines->len == 0)
    return NULL;
  first = self->lines->pdata[0];
  if (c >= g_strv_length (first) || first[c][0] == '\0')
    return NULL;
  for (char **cell = first; *cell != NULL; cell++)
    count += strcmp (*cell, first[c]) == 0;
  return count == 1 ? first[c] : NULL;
}

static gboolean
has_role (NnbCsvImportDialog *self, guint role)
{
  for (guint c = 0; c < self->roles->len; c++)
    if (g_array_index (self->roles, guint, c) == role)
      return TRUE;
  return FALSE;
}

static gboolean
has_two (NnbCsvImportDialog *self, guint role)
{
  guint n = 0;

  for (guint c = 0; c < self->roles->len; c++)
    n += g_array_index (self->roles, guint, c) == role;
  return n > 1;
}

/* The columns given role, as the project file names them: by header name
 * when there is one, by 0-based index otherwise. */
static NnbCsvColumn *
chosen_columns (NnbCsvImportDialog *self, guint role, guint *n)
{
  NnbCsvColumn *columns = g_new0 (NnbCsvColumn, self->roles->len + 1);

  *n = 0;
  for (guint c = 0; c < self->roles->len; c++)
    if (g_array_index (self->roles, guint, c) == role)
      {
        columns[*n].name = g_strdup (column_name (self, c));
        columns[*n].index = c;
        (*n)++;
      }
  return columns;
}

static void
check_free (Check *check)
{
  g_bytes_unref (check->text);
  g_clear_object (&check->cancellable);
  nnb_csv_columns_free (check->inputs, check->n_inputs);
  nnb_csv_columns_free (check->targets, check->n_targets);
  g_free (check);
}

static gboolean
check_progress (double fraction, gpointer user_data)
{
  Check *check = user_data;

  g_atomic_int_set (&check->permille, (gint) (fraction * 1000));
  return !g_cancellable_is_cancelled (check->cancellable);
}

/* All of a file's bad rows at once, so the spreadsheet is fixed in one go:
 * "3 rows are not numbers:" with a line each, and how many more. */
static char *
bad_rows_text (const NnbCsvBadRows *bad_rows)
{
  g_autoptr (GString) text = g_string_new (NULL);
  g_autofree char *count = nnb_locale_format_count (bad_rows->count);

  /* Translators: %s is a number of rows, more than one; a list follows */
  g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%s row cannot be read:", "%s rows cannot be read:", (gulong) bad_rows->count),
                          count);
  for (guint i = 0; i < bad_rows->sentences->len; i++)
    g_string_append_printf (text, "\n%s", (const char *) bad_rows->sentences->pdata[i]);
  if (bad_rows->count > (int64_t) bad_rows->sentences->len)
    {
      g_autofree char *more = nnb_locale_format_count (bad_rows->count - bad_rows->sentences->len);

      g_string_append_c (text, '\n');
      /* Translators: after a list of rows that cannot be read, %s is how many more there are */
      g_string_append_printf (text, _("… and %s more."), more);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* The worker: the whole file read as the project will read it; its rows
 * are what Import hands the document. */
static void
check_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  Check *check = task_data;
  NnbCsvChoice choice = { check->header, check->inputs, check->n_inputs, check->targets, check->n_targets };
  g_autoptr (GPtrArray) sentences = g_ptr_array_new_with_free_func (g_free);
  NnbCsvBadRows bad_rows = { sentences, 0 };
  NnbCsvTable table;
  GError *error = NULL;
  gsize length;
  const char *text = g_bytes_get_data (check->text, &length);

  if (!nnb_csv_read_columns_with_progress (text, length, &choice, check_progress, check, &bad_rows, &table, &error))
    {
      if (bad_rows.count > 1)
        {
          g_clear_error (&error);
          error = g_error_new_literal (NNB_FILE_ERROR, NNB_FILE_ERROR_PARSE, "");
          g_free (error->message);
          error->message = bad_rows_text (&bad_rows);
        }
      g_task_return_error (task, error);
      return;
    }
  {
    NnbDataset *data = nnb_dataset_new_from_csv_table (&table);

    if (check->classes && !nnb_dataset_read_class_targets (data, &error))
      {
        nnb_dataset_free (data);
        g_task_return_error (task, error);
        return;
      }
    g_task_return_pointer (task, data, (GDestroyNotify) nnb_dataset_free);
  }
}

static void
show_error (NnbCsvImportDialog *self, const char *message)
{
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
update_import (NnbCsvImportDialog *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->import_button), self->table != NULL && self->check_task == NULL);
}

/* format with count in it, e.g. "%s rows", the count as the locale
 * writes it */
static char *
count_text (int64_t count, const char *format)
{
  g_autofree char *number = nnb_locale_format_count (count);

  return g_strdup_printf (format, number);
}

static void
checked_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  NnbCsvImportDialog *self = NNB_CSV_IMPORT_DIALOG (source);
  g_autoptr (GError) error = NULL;
  NnbDataset *table = g_task_propagate_pointer (G_TASK (result), &error);
  g_autofree char *rows = NULL, *inputs = NULL, *targets = NULL, *text = NULL;
  int64_t n_rows, n_inputs, n_targets;

  if (G_TASK (result) != self->check_task)
    {
      /* a newer choice is being checked, or the dialog went */
      g_clear_pointer (&table, nnb_dataset_free);
      return;
    }
  g_clear_object (&self->check_task);
  gtk_stack_set_visible_child_name (self->stack, "preview");
  if (table == NULL)
    {
      gtk_label_set_text (self->shape_label, "");
      show_error (self, error->message);
      update_import (self);
      return;
    }
  self->table = table;
  n_rows = table->x->shape[0], n_inputs = table->x->shape[1], n_targets = table->y->shape[1];
  rows = count_text (n_rows, g_dngettext (GETTEXT_PACKAGE, "%s row", "%s rows", (gulong) n_rows));
  inputs = count_text (n_inputs, g_dngettext (GETTEXT_PACKAGE, "%s input", "%s inputs", (gulong) n_inputs));
  if (table->n_classes > 0)
    targets = count_text (table->n_classes,
                          g_dngettext (GETTEXT_PACKAGE, "%s class", "%s classes", (gulong) table->n_classes));
  else
    targets = count_text (n_targets, g_dngettext (GETTEXT_PACKAGE, "%s target", "%s targets", (gulong) n_targets));
  /* Translators: the data the choice gives, e.g. "X: 40 rows × 3 inputs, y: 2 targets" */
  text = g_strdup_printf (_("X: %s × %s, y: %s"), rows, inputs, targets);
  gtk_label_set_text (self->shape_label, text);
  show_error (self, NULL);
  update_import (self);
}

/* Checks the choice as it is now, on a worker; an older check is dropped. */
static void
check_choice (NnbCsvImportDialog *self)
{
  Check *check;

  if (self->check_cancellable != NULL)
    g_cancellable_cancel (self->check_cancellable);
  g_clear_object (&self->check_cancellable);
  g_clear_object (&self->check_task);
  g_clear_pointer (&self->table, nnb_dataset_free);

  check = g_new0 (Check, 1);
  check->text = g_bytes_ref (self->text);
  check->header = gtk_switch_get_active (self->header_switch) ? NNB_CSV_HEADER_YES : NNB_CSV_HEADER_NO;
  check->inputs = chosen_columns (self, ROLE_INPUT, &check->n_inputs);
  check->targets = chosen_columns (self, ROLE_TARGET, &check->n_targets);
  check->classes = has_role (self, ROLE_CLASS);
  if (check->classes && (check->n_targets > 0 || has_two (self, ROLE_CLASS)))
    {
      gtk_label_set_text (self->shape_label, "");
      show_error (self, _("Choose one Class column and no Target: the class of each row is y."));
      update_import (self);
      check_free (check);
      return;
    }
  if (check->classes)
    {
      nnb_csv_columns_free (check->targets, check->n_targets);
      check->targets = chosen_columns (self, ROLE_CLASS, &check->n_targets);
    }
  if (check->n_inputs == 0 || check->n_targets == 0)
    {
      gtk_label_set_text (self->shape_label, "");
      show_error (self, _("Choose at least one input column and one target column."));
      update_import (self);
      check_free (check);
      return;
    }

  self->check_cancellable = g_cancellable_new ();
  check->cancellable = g_object_ref (self->check_cancellable);
  gtk_label_set_text (self->shape_label, _("Checking the rows…"));
  self->check_task = g_task_new (self, self->check_cancellable, checked_cb, NULL);
  g_task_set_source_tag (self->check_task, check_choice);
  g_task_set_task_data (self->check_task, check, (GDestroyNotify) check_free);
  g_task_run_in_thread (self->check_task, check_thread);
  update_import (self);
  if (self->progress_id == 0)
    self->progress_id = g_timeout_add (50, progress_cb, self);
}

/* ------------------------------------------------------------ the preview */

static void
role_changed_cb (GtkDropDown *dropdown, GParamSpec *pspec, NnbCsvImportDialog *self)
{
  guint c = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (dropdown), "nnb-column"));

  g_array_index (self->roles, guint, c) = gtk_drop_down_get_selected (dropdown);
  check_choice (self);
}

static GtkWidget *
cell_label (const char *text, gboolean title)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 16);
  gtk_widget_add_css_class (label, title ? "heading" : "numeric");
  return label;
}

/* Row 0: each column's role; row 1: its title (the header's name, or
 * "Column 1"…, counted from 1 as the error sentences count); then the
 * first rows of the file. */
static void
fill_grid (NnbCsvImportDialog *self)
{
  static const char *const roles[] = { N_("Input"), N_("Target"), N_("Not used"), N_("Class"), NULL };
  gboolean header = gtk_switch_get_active (self->header_switch);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->preview_grid))) != NULL)
    gtk_grid_remove (self->preview_grid, child);

  for (guint c = 0; c < self->roles->len; c++)
    {
      const char *translated[G_N_ELEMENTS (roles)];
      g_autofree char *title = NULL;
      g_autofree char *accessible = NULL;
      GtkWidget *dropdown;

      for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
        translated[i] = roles[i] != NULL ? _(roles[i]) : NULL;
      dropdown = gtk_drop_down_new_from_strings (translated);
      gtk_drop_down_set_selected (GTK_DROP_DOWN (dropdown), g_array_index (self->roles, guint, c));
      g_object_set_data (G_OBJECT (dropdown), "nnb-column", GUINT_TO_POINTER (c));
      g_signal_connect_object (dropdown, "notify::selected", G_CALLBACK (role_changed_cb), self, 0);

      if (header && c < g_strv_length (self->lines->pdata[0]))
        title = g_strdup (((char **) self->lines->pdata[0])[c]);
      else
        /* Translators: a CSV column's title when the file names none */
        title = g_strdup_printf (_("Column %u"), c + 1);
      /* Translators: the accessible name of a column's role drop-down */
      accessible = g_strdup_printf (_("Role of %s"), title);
      gtk_accessible_update_property (GTK_ACCESSIBLE (dropdown), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
      gtk_grid_attach (self->preview_grid, dropdown, c, 0, 1, 1);
      gtk_grid_attach (self->preview_grid, cell_label (title, TRUE), c, 1, 1, 1);
    }
  for (guint r = header ? 1 : 0, row = 2; r < self->lines->len && row < PREVIEW_ROWS + 2; r++, row++)
    {
      char **cells = self->lines->pdata[r];

      for (guint c = 0; cells[c] != NULL; c++)
        gtk_grid_attach (self->preview_grid, cell_label (cells[c], FALSE), c, row, 1, 1);
    }
}

static void
header_changed_cb (NnbCsvImportDialog *self)
{
  if (self->text == NULL)
    return;
  fill_grid (self);
  check_choice (self);
}

static void
read_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  NnbCsvImportDialog *self = NNB_CSV_IMPORT_DIALOG (source);
  g_autoptr (GError) error = NULL;
  ReadResult *read = g_task_propagate_pointer (G_TASK (result), &error);
  guint columns;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->read_task);
  if (read == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "preview");
      gtk_widget_set_visible (GTK_WIDGET (self->header_switch), FALSE);
      show_error (self, error->message);
      return;
    }

  self->text = g_steal_pointer (&read->text);
  self->lines = g_steal_pointer (&read->lines);
  columns = self->lines->len > 0 ? g_strv_length (self->lines->pdata[0]) : 0;
  /* the engine's default: the last column the target, the others inputs */
  g_array_set_size (self->roles, columns);
  for (guint c = 0; c < columns; c++)
    g_array_index (self->roles, guint, c) = c + 1 == columns ? ROLE_TARGET : ROLE_INPUT;
  g_signal_handlers_block_by_func (self->header_switch, header_changed_cb, self);
  gtk_switch_set_active (self->header_switch, read->header);
  g_signal_handlers_unblock_by_func (self->header_switch, header_changed_cb, self);
  read_result_free (read);
  fill_grid (self);
  /* the first check reads every row: the bar stays until it is done */
  gtk_label_set_text (self->reading_label, _("Checking the rows…"));
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  check_choice (self);
  if (self->check_task == NULL)
    gtk_stack_set_visible_child_name (self->stack, "preview");
}

static void
start_reading (NnbCsvImportDialog *self)
{
  g_autofree char *name = g_file_get_basename (self->file);
  g_autofree char *text = NULL;
  Read *read = g_new0 (Read, 1);

  /* Translators: %s is a file name */
  text = g_strdup_printf (_("Reading %s…"), name);
  gtk_label_set_text (self->reading_label, text);
  read->file = g_object_ref (self->file);
  self->read_task = g_task_new (self, self->cancellable, read_cb, NULL);
  g_task_set_source_tag (self->read_task, start_reading);
  g_task_set_task_data (self->read_task, read, (GDestroyNotify) read_free);
  g_task_run_in_thread (self->read_task, read_thread);
  self->progress_id = g_timeout_add (50, progress_cb, self);
}

/* ------------------------------------------------------------ import */

static void
import_clicked_cb (NnbCsvImportDialog *self)
{
  NnbProject *project = nnb_document_get_project (self->document);
  NnbDataSpec spec = { 0 };
  g_autoptr (GError) error = NULL;

  if (self->table == NULL || self->check_task != NULL)
    return;
  if (nnb_document_is_training (self->document))
    {
      show_error (self, _("Pause the training first: the data cannot change while the model trains."));
      return;
    }
  nnb_data_spec_init (&spec, NNB_DATA_CSV);
  /* the student's split and standardisation stay, for the new data */
  spec.test_fraction = project->data.test_fraction;
  spec.standardize_inputs = project->data.standardize_inputs;
  spec.standardize_targets = project->data.standardize_targets;
  /* absolute here, as the reader makes it; saving writes it relative to
   * the project's folder when the file is inside it */
  spec.csv_path = g_file_get_path (self->file);
  spec.csv_header = gtk_switch_get_active (self->header_switch) ? NNB_CSV_HEADER_YES : NNB_CSV_HEADER_NO;
  spec.csv_inputs = chosen_columns (self, ROLE_INPUT, &spec.csv_n_inputs);
  spec.csv_class_targets = has_role (self, ROLE_CLASS);
  spec.csv_targets = chosen_columns (self, spec.csv_class_targets ? ROLE_CLASS : ROLE_TARGET, &spec.csv_n_targets);

  /* the rows go to the document: a failed Import needs a new check */
  if (nnb_document_import_csv (self->document, &spec, project->seed, g_steal_pointer (&self->table), &error))
    gtk_window_destroy (GTK_WINDOW (self));
  else
    {
      show_error (self, error->message);
      update_import (self);
    }
  nnb_data_spec_clear (&spec);
}

/* ------------------------------------------------------------ the type */

gboolean
nnb_csv_import_dialog_is_busy (NnbCsvImportDialog *self)
{
  g_return_val_if_fail (NNB_IS_CSV_IMPORT_DIALOG (self), FALSE);

  return self->read_task != NULL || self->check_task != NULL;
}

void
nnb_csv_import_dialog_set_role (NnbCsvImportDialog *self, guint column, guint role)
{
  GtkWidget *dropdown;

  g_return_if_fail (NNB_IS_CSV_IMPORT_DIALOG (self));

  dropdown = gtk_grid_get_child_at (self->preview_grid, column, 0);
  g_return_if_fail (GTK_IS_DROP_DOWN (dropdown));
  gtk_drop_down_set_selected (GTK_DROP_DOWN (dropdown), role);
}

static void
close_cb (NnbCsvImportDialog *self)
{
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
nnb_csv_import_dialog_dispose (GObject *object)
{
  NnbCsvImportDialog *self = NNB_CSV_IMPORT_DIALOG (object);

  /* the workers finish on their own; their results are dropped */
  g_cancellable_cancel (self->cancellable);
  if (self->check_cancellable != NULL)
    g_cancellable_cancel (self->check_cancellable);
  g_clear_handle_id (&self->progress_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), NNB_TYPE_CSV_IMPORT_DIALOG);
  g_clear_object (&self->read_task);
  g_clear_object (&self->check_task);
  g_clear_pointer (&self->table, nnb_dataset_free);
  g_clear_object (&self->document);

  G_OBJECT_CLASS (nnb_csv_import_dialog_parent_class)->dispose (object);
}

static void
nnb_csv_import_dialog_finalize (GObject *object)
{
  NnbCsvImportDialog *self = NNB_CSV_IMPORT_DIALOG (object);

  g_clear_object (&self->file);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->check_cancellable);
  g_clear_pointer (&self->text, g_bytes_unref);
  g_clear_pointer (&self->lines, g_ptr_array_unref);
  g_clear_pointer (&self->roles, g_array_unref);

  G_OBJECT_CLASS (nnb_csv_import_dialog_parent_class)->finalize (object);
}

static void
nnb_csv_import_dialog_class_init (NnbCsvImportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nnb_csv_import_dialog_dispose;
  object_class->finalize = nnb_csv_import_dialog_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/nnblocks/NNBlocks/ui/nnb-csv-import-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, NnbCsvImportDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, NnbCsvImportDialog, import_button);
  gtk_widget_class_bind_template_child (widget_class, NnbCsvImportDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, NnbCsvImportDialog, reading_label);
  gtk_widget_class_bind_template_child (widget_class, NnbCsvImportDialog, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, NnbCsvImportDialog, stop_button);
  gtk_widget_class_bind_template_child (widget_class, NnbCsvImportDialog, header_switch);
  gtk_widget_class_bind_template_child (widget_class, NnbCsvImportDialog, preview_grid);
  gtk_widget_class_bind_template_child (widget_class, NnbCsvImportDialog, shape_label);
  gtk_widget_class_bind_template_child (widget_class, NnbCsvImportDialog, error_label);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
nnb_csv_import_dialog_init (NnbCsvImportDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->roles = g_array_new (FALSE, TRUE, sizeof (guint));
  g_signal_connect_swapped (self->cancel_button, "clicked", G_CALLBACK (close_cb), self);
  g_signal_connect_swapped (self->stop_button, "clicked", G_CALLBACK (close_cb), self);
  g_signal_connect_swapped (self->import_button, "clicked", G_CALLBACK (import_clicked_cb), self);
  g_signal_connect_swapped (self->header_switch, "notify::active", G_CALLBACK (header_changed_cb), self);
}

NnbCsvImportDialog *
nnb_csv_import_dialog_new (GtkWindow *parent, NnbDocument *document, GFile *file)
{
  NnbCsvImportDialog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (NNB_IS_DOCUMENT (document), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  self = g_object_new (NNB_TYPE_CSV_IMPORT_DIALOG, "transient-for", parent, NULL);
  self->document = g_object_ref (document);
  self->file = g_object_ref (file);
  start_reading (self);
  return self;
}
