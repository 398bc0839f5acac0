/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-autosave.c — each window's copy of its project in this process's
 * session folder, and the origin file beside it (see the header). The
 * recovery of crashed sessions' copies is in nnb-autosave-recovery.c, the
 * session folders and their locks in nnb-autosave-lock.c. */

#include "nnb-config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <math.h>

#include "nnb-autosave-lock.h"
#include "nnb-autosave.h"
#include "nnb-file-write.h"
#include "nnb-safetensors.h"
#include "nnb-ui-test-access.h" /* defines some of these */

struct _NnbAutosave
{
  GObject parent_instance;

  NnbWindow *window; /* unowned: the window owns the autosave */
  guint timeout_id;
  char *path; /* the copy, NULL while there is none */
  char *origin_path;
  char *written_checksum; /* of the text last written, to skip rewriting it */
  char *written_origin;
  gboolean writing;     /* a write runs on a GTask thread */
  guint generation;     /* counts removals, to tell a write made stale */
  gint64 rest_until_us; /* no new write before: see write_done_cb */
};

G_DEFINE_FINAL_TYPE (NnbAutosave, nnb_autosave, G_TYPE_OBJECT)

/* The copy
 *
 * Writing is done on a GTask thread: the window draws training live, and
 * formatting thousands of weights and waiting for the disk (the rename of
 * a consistent write can wait for a flush) must not cost it a frame. The
 * main thread only takes what the worker thread may read: the project as
 * text without weights (its structure and settings, which do not change
 * while training) and the snapshot's copy of the weights, or the whole
 * text when nothing trains. One write at a time; a look that finds one
 * still going waits for the next. */

typedef struct
{
  char *path;
  char *origin_path;
  char *origin;              /* its URI and name: with the run, written when not equal to written_origin */
  NnbTrainerState run_state; /* the run the weights came from (origin_text) */
  GArray *run_losses;
  guint n_losses;
  GArray *run_norm_epochs; /* the run's norms' history (an NnbSnapshot's), or NULL */
  GArray *run_value_norms;
  GArray *run_grad_norms;
  guint n_norm_points; /* the points written: those of the epochs written */
  guint n_norm_params; /* norms of each kind per point */
  char *written_origin;
  char *written_checksum;
  GBytes *text;          /* the whole project, or NULL: */
  char *structure;       /* the project without weights, and */
  NnbSnapshot *snapshot; /* the weights to put in it */
  guint generation;
  gint64 took_us; /* the write's time on its thread */
} Write;

static void
write_free (gpointer data)
{
  Write *write = data;

  g_free (write->path);
  g_free (write->origin_path);
  g_free (write->origin);
  g_clear_pointer (&write->run_losses, g_array_unref);
  g_clear_pointer (&write->run_norm_epochs, g_array_unref);
  g_clear_pointer (&write->run_value_norms, g_array_unref);
  g_clear_pointer (&write->run_grad_norms, g_array_unref);
  g_free (write->written_origin);
  g_free (write->written_checksum);
  g_clear_pointer (&write->text, g_bytes_unref);
  g_free (write->structure);
  g_clear_pointer (&write->snapshot, nnb_snapshot_unref);
  g_free (write);
}

static void
remove_copy (NnbAutosave *self)
{
  if (self->path != NULL)
    {
      g_unlink (self->path);
      g_unlink (self->origin_path);
    }
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->origin_path, g_free);
  g_clear_pointer (&self->written_checksum, g_free);
  g_clear_pointer (&self->written_origin, g_free);
  /* a write still going is now out of date: its file goes when it ends */
  self->generation++;
}

/* The project with the weights of a snapshot: the structure's text loaded
 * into a model of its own, which takes the weights by name. */
static GBytes *
text_with_values (const char *structure, NnbSnapshot *snapshot, GError **error)
{
  g_autoptr (NnbProject) copy = NULL;
  g_autoptr (GHashTable) tensors = NULL;
  char *text;
  gsize length;

  copy = nnb_project_load_from_data (structure, strlen (structure), error);
  if (copy == NULL)
    return NULL;
  tensors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) nnb_tensor_unref);
  for (guint i = 0; i < snapshot->values->len && i < snapshot->parameters->len; i++)
    g_hash_table_insert (tensors,
                         g_strdup (g_array_index (snapshot->parameters, NnbParameterStats, i).name),
                         nnb_tensor_ref (snapshot->values->pdata[i]));
  if (!nnb_model_load_state_dict (copy->model, tensors, error))
    return NULL;
  text = nnb_project_to_data (copy, TRUE, &length, error);
  return text != NULL ? g_bytes_new_take (text, length) : NULL;
}

static void write_thread_inner (GTask *task, Write *write);
static char *origin_text (const Write *write);

static void
write_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  Write *write = task_data;
  gint64 start = g_get_monotonic_time ();

  write_thread_inner (task, write);
  write->took_us = g_get_monotonic_time () - start;
  nnb_autosave_session_write_end ();
}

static void
write_thread_inner (GTask *task, Write *write)
{
  GError *error = NULL;
  g_autofree char *checksum = NULL;
  g_autofree char *origin = origin_text (write);

  if (write->text == NULL)
    {
      write->text = text_with_values (write->structure, write->snapshot, &error);
      if (write->text == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
    }
  checksum = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, write->text);

  /* where it came from first: a copy is never without its origin */
  if (g_strcmp0 (origin, write->written_origin) != 0)
    {
      if (!nnb_file_write (write->origin_path, origin, strlen (origin), 0600, &error))
        {
          g_task_return_error (task, error);
          return;
        }
      g_free (write->written_origin);
      write->written_origin = g_steal_pointer (&origin);
    }
  /* a temporary file renamed over the old copy: a crash while writing
   * leaves the previous copy whole */
  if (g_strcmp0 (checksum, write->written_checksum) != 0)
    {
      if (!nnb_file_write (write->path, g_bytes_get_data (write->text, NULL), g_bytes_get_size (write->text),
                           0600, &error))
        {
          g_task_return_error (task, error);
          return;
        }
      g_free (write->written_checksum);
      write->written_checksum = g_steal_pointer (&checksum);
    }
  g_task_return_boolean (task, TRUE);
}

static void
write_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  NnbAutosave *self = NNB_AUTOSAVE (source);
  Write *write = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;

  self->writing = FALSE;
  /* A big model's copy (half a million weights as text) takes seconds of
   * a core: the next waits nine times as long, so that autosaving never
   * takes more than a tenth of the machine from training. A small one
   * still follows every look. */
  self->rest_until_us = g_get_monotonic_time () + 9 * write->took_us;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      /* Nothing the student can act on; the next look tries again. */
      g_debug ("autosave: %s", error->message);
      return;
    }
  /* removed meanwhile (saved, closed, or the application ended) */
  if (write->generation != self->generation || !nnb_autosave_session_is_open ())
    {
      if (!nnb_autosave_session_is_open () || g_strcmp0 (write->path, self->path) != 0)
        {
          g_autofree char *dir = g_path_get_dirname (write->path);

          g_unlink (write->path);
          g_unlink (write->origin_path);
          if (!nnb_autosave_session_is_open ())
            nnb_autosave_remove_session_dir (dir);
        }
      return;
    }
  g_free (self->written_checksum);
  self->written_checksum = g_steal_pointer (&write->written_checksum);
  g_free (self->written_origin);
  self->written_origin = g_steal_pointer (&write->written_origin);
}

/* The copy's origin file: the URI of the project's file ("" when it has
 * none), its name, and the run its weights came from (the state, then the
 * loss of each epoch, then the history of the parameters' norms), so that a
 * recovered project is shown and checked as it was: under its name,
 * trained, its plots as they were. One item a line, numbers separated by
 * spaces, written by g_ascii_dtostr (locale-independent):
 *
 *   URI
 *   name
 *   state                                       (an NnbTrainerState)
 *   loss loss …                                 (one per epoch)
 *   norms POINTS PARAMETERS                     (the norms: optional)
 *   epoch epoch …                               (POINTS: norm_epochs)
 *   value value …                               (POINTS × PARAMETERS: value_norms)
 *   gradient gradient …                         (POINTS × PARAMETERS: grad_norms)
 *
 * The lines after the name are there only with a run, the last four only
 * with its norms. Head (URI and name) is made on the main thread; the
 * run's thousands of numbers are written out on the writer's. */
static char *
origin_head (NnbDocument *document)
{
  GFile *file = nnb_document_get_file (document);
  g_autofree char *uri = file != NULL ? g_file_get_uri (file) : g_strdup ("");

  return g_strdup_printf ("%s\n%s\n", uri, nnb_document_get_name (document));
}

/* n numbers of array, a line */
static void
append_numbers (GString *text, GArray *array, guint n)
{
  for (guint i = 0; i < n; i++)
    {
      char number[G_ASCII_DTOSTR_BUF_SIZE];

      g_string_append (text, g_ascii_dtostr (number, sizeof number, g_array_index (array, double, i)));
      g_string_append_c (text, i + 1 < n ? ' ' : '\n');
    }
}

static char *
origin_text (const Write *write)
{
  GString *text = g_string_new (write->origin);
  NnbTrainerState state = write->run_state;

  if (state == NNB_TRAINER_IDLE || state == NNB_TRAINER_RUNNING || write->run_losses == NULL || write->n_losses == 0)
    return g_string_free (text, FALSE);
  g_string_append_printf (text, "%d\n", (int) state);
  append_numbers (text, write->run_losses, write->n_losses);
  if (write->n_norm_points == 0)
    return g_string_free (text, FALSE);
  g_string_append_printf (text, "norms %u %u\n", write->n_norm_points, write->n_norm_params);
  append_numbers (text, write->run_norm_epochs, write->n_norm_points);
  append_numbers (text, write->run_value_norms, write->n_norm_points * write->n_norm_params);
  append_numbers (text, write->run_grad_norms, write->n_norm_points * write->n_norm_params);
  return g_string_free (text, FALSE);
}

/* The run, for a write (its losses and norms never change: a snapshot's,
 * or the document's past run, replaced whole when it changes). */
static void
write_set_run (Write *write, NnbTrainerState state, GArray *losses, guint n_losses)
{
  write->run_state = state;
  write->run_losses = losses != NULL ? g_array_ref (losses) : NULL;
  write->n_losses = losses != NULL ? MIN (n_losses, losses->len) : 0;
}

/* The run's norms' history, its points before epoch `below` (the loop's
 * counter: those of the losses written), when it is whole: as many norms
 * of each kind per point. */
static void
write_set_norms (Write *write, GArray *norm_epochs, GArray *value_norms, GArray *grad_norms, double below)
{
  guint n_points = 0, n_params;

  if (norm_epochs == NULL || value_norms == NULL || grad_norms == NULL || norm_epochs->len == 0)
    return;
  n_params = value_norms->len / norm_epochs->len;
  if (n_params == 0 || value_norms->len != (guint64) n_params * norm_epochs->len || grad_norms->len != value_norms->len)
    return;
  while (n_points < norm_epochs->len && g_array_index (norm_epochs, double, n_points) < below)
    n_points++;
  if (n_points == 0)
    return;
  write->run_norm_epochs = g_array_ref (norm_epochs);
  write->run_value_norms = g_array_ref (value_norms);
  write->run_grad_norms = g_array_ref (grad_norms);
  write->n_norm_points = n_points;
  write->n_norm_params = n_params;
}

/* The run of a document whose model the worker does not own now. */
static void
write_set_run_at_rest (Write *write, NnbDocument *document)
{
  NnbTrainer *trainer = nnb_document_get_trainer (document);
  GArray *losses = NULL;
  GArray *norm_epochs = NULL, *value_norms = NULL, *grad_norms = NULL;
  NnbTrainerState state;

  if (trainer != NULL)
    {
      g_autoptr (NnbSnapshot) snapshot = nnb_trainer_get_snapshot (trainer);

      write_set_run (write, snapshot->state, snapshot->losses, snapshot->losses->len);
      write_set_norms (write, snapshot->norm_epochs, snapshot->value_norms, snapshot->grad_norms, INFINITY);
      return;
    }
  state = nnb_document_get_past_run (document, &losses);
  write_set_run (write, state, losses, losses != NULL ? losses->len : 0);
  if (nnb_document_get_past_norms (document, &norm_epochs, &value_norms, &grad_norms))
    write_set_norms (write, norm_epochs, value_norms, grad_norms, INFINITY);
}

static void
start_write (NnbAutosave *self, NnbDocument *document, Write *write)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GError) error = NULL;

  if (self->path == NULL && !nnb_autosave_session_new_copy (&self->path, &self->origin_path, &error))
    {
      g_debug ("autosave: %s", error->message);
      write_free (write);
      return;
    }
  write->path = g_strdup (self->path);
  write->origin_path = g_strdup (self->origin_path);
  write->written_origin = g_strdup (self->written_origin);
  write->written_checksum = g_strdup (self->written_checksum);
  write->generation = self->generation;

  self->writing = TRUE;
  nnb_autosave_session_write_begin ();
  task = g_task_new (self, NULL, write_done_cb, NULL);
  g_task_set_task_data (task, write, write_free);
  g_task_run_in_thread (task, write_thread);
}

void
nnb_autosave_update (NnbAutosave *self)
{
  NnbDocument *document;
  NnbTrainer *trainer;
  g_autoptr (GError) error = NULL;
  gboolean rested;
  Write *write;

  g_return_if_fail (NNB_IS_AUTOSAVE (self));

  document = self->window != NULL ? nnb_window_get_document (self->window) : NULL;
  if (document == NULL)
    {
      remove_copy (self);
      return;
    }
  if (self->writing)
    return;
  rested = g_get_monotonic_time () >= self->rest_until_us;

  trainer = nnb_document_get_trainer (document);
  /* The window disables Save while the worker owns the model (and in the
   * moment between Train and the worker starting). */
  if (trainer != NULL && (!g_action_group_get_action_enabled (G_ACTION_GROUP (self->window), "save") || nnb_trainer_get_state (trainer) == NNB_TRAINER_RUNNING))
    {
      g_autoptr (NnbSnapshot) snapshot = nnb_trainer_get_snapshot (trainer);
      char *structure = NULL;

      if (!rested)
        return;
      /* a copy of the weights for the next look, taken between two steps */
      nnb_trainer_request_values (trainer);
      if (snapshot->values == NULL)
        return;
      /* reads the model's structure, which the worker never changes */
      structure = nnb_project_to_data (nnb_document_get_project (document), FALSE, NULL, &error);
      if (structure == NULL)
        {
          g_debug ("autosave: %s", error->message);
          return;
        }
      write = g_new0 (Write, 1);
      write->structure = structure;
      /* the weights are the values' epoch's: a crash now is a pause there */
      write->origin = origin_head (document);
      write_set_run (write, NNB_TRAINER_PAUSED, snapshot->losses, (guint) MAX (snapshot->values_epoch, 0));
      /* the norms of those epochs: the point of epoch e follows its loss */
      write_set_norms (write, snapshot->norm_epochs, snapshot->value_norms, snapshot->grad_norms,
                       (double) MAX (snapshot->values_epoch, 0));
      write->snapshot = g_steal_pointer (&snapshot);
    }
  else if (nnb_document_get_dirty (document))
    {
      GBytes *bytes;

      if (!rested)
        return;
      bytes = nnb_document_serialize (document, &error);

      if (bytes == NULL)
        {
          g_debug ("autosave: %s", error->message);
          return;
        }
      write = g_new0 (Write, 1);
      write->text = bytes;
      write->origin = origin_head (document);
      write_set_run_at_rest (write, document);
    }
  else
    {
      /* saved: the file itself is the copy */
      remove_copy (self);
      return;
    }
  start_write (self, document, write);
}

const char *
nnb_autosave_get_path (NnbAutosave *self)
{
  g_return_val_if_fail (NNB_IS_AUTOSAVE (self), NULL);
  return self->path;
}

static gboolean
timeout_cb (gpointer user_data)
{
  nnb_autosave_update (user_data);
  return G_SOURCE_CONTINUE;
}

/* The window closes: a clean end for its project, whose copy goes. */
static void
window_destroy_cb (NnbAutosave *self)
{
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  self->window = NULL;
  remove_copy (self);
}

NnbAutosave *
nnb_autosave_attach (NnbWindow *window)
{
  NnbAutosave *self;

  g_return_val_if_fail (NNB_IS_WINDOW (window), NULL);

  self = g_object_new (NNB_TYPE_AUTOSAVE, NULL);
  self->window = window;
  self->timeout_id = g_timeout_add_seconds (NNB_AUTOSAVE_INTERVAL_S, timeout_cb, self);
  g_signal_connect_object (window, "destroy", G_CALLBACK (window_destroy_cb), self, G_CONNECT_SWAPPED);
  g_object_set_data_full (G_OBJECT (window), "nnb-autosave", self, g_object_unref);

  return self;
}

static void
nnb_autosave_finalize (GObject *object)
{
  NnbAutosave *self = NNB_AUTOSAVE (object);

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  remove_copy (self);

  G_OBJECT_CLASS (nnb_autosave_parent_class)->finalize (object);
}

static void
nnb_autosave_class_init (NnbAutosaveClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = nnb_autosave_finalize;
}

static void
nnb_autosave_init (NnbAutosave *self)
{
}
