/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-autosave.c — each window's copy of its project in this process's
 * session folder, and the recovery of crashed sessions' copies (see the
 * header). The session folders and their locks are in nnb-autosave-lock.c. */

#include "nnb-config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <math.h>

#include "nnb-autosave-lock.h"
#include "nnb-autosave.h"
#include "nnb-file-write.h"
#include "nnb-safetensors.h"
#include "nnb-ui-test-access.h" /* defines some of these */

#define PROJECT_SUFFIX ".nnb"

struct _NnbAutosave
{
  GObject parent_instance;

  NnbWindow *window; /* unowned: the window owns the autosave */
  guint timeout_id;
  char *path; /* the copy, NULL while there is none */
  char *origin_path;
  char *written_checksum; /* of the text last written, to skip rewriting it */
  char *written_origin;
  gboolean writing; /* a write runs on a GTask thread */
  guint generation; /* counts removals, to tell a write made stale */
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
  write_thread_inner (task, task_data);
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

  trainer = nnb_document_get_trainer (document);
  /* The window disables Save while the worker owns the model (and in the
   * moment between Train and the worker starting). */
  if (trainer != NULL && (!g_action_group_get_action_enabled (G_ACTION_GROUP (self->window), "save") || nnb_trainer_get_state (trainer) == NNB_TRAINER_RUNNING))
    {
      g_autoptr (NnbSnapshot) snapshot = nnb_trainer_get_snapshot (trainer);
      char *structure = NULL;

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
      GBytes *bytes = nnb_document_serialize (document, &error);

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

/* Recovery */

typedef struct
{
  char *dir;                 /* the crashed session's folder */
  char *path;                /* its copy */
  char *origin;              /* URI of the file it came from; NULL when unknown */
  char *name;                /* the project's name; NULL when unknown */
  NnbTrainerState run_state; /* the run its weights came from, or IDLE */
  GArray *run_losses;
  GArray *run_norm_epochs; /* its norms' history, or NULL */
  GArray *run_value_norms;
  GArray *run_grad_norms;
  gboolean recovering;
} Orphan;

static void
orphan_clear (gpointer data)
{
  Orphan *orphan = data;

  g_free (orphan->dir);
  g_free (orphan->path);
  g_free (orphan->origin);
  g_free (orphan->name);
  g_clear_pointer (&orphan->run_losses, g_array_unref);
  g_clear_pointer (&orphan->run_norm_epochs, g_array_unref);
  g_clear_pointer (&orphan->run_value_norms, g_array_unref);
  g_clear_pointer (&orphan->run_grad_norms, g_array_unref);
}

/* A line of exactly n numbers, each read whole (g_ascii_strtod), or NULL. */
static GArray *
read_numbers (const char *line, guint64 n)
{
  g_auto (GStrv) words = NULL;
  GArray *numbers;

  if (n == 0 || n > G_MAXUINT)
    return NULL;
  words = g_strsplit (line, " ", -1);
  if (g_strv_length (words) != n)
    return NULL;
  numbers = g_array_sized_new (FALSE, FALSE, sizeof (double), (guint) n);
  for (guint i = 0; i < n; i++)
    {
      char *end = NULL;
      double number = g_ascii_strtod (words[i], &end);

      if (end == words[i] || *end != '\0')
        {
          g_array_unref (numbers);
          return NULL;
        }
      g_array_append_val (numbers, number);
    }
  return numbers;
}

/* The norms' lines of an origin (origin_text): all of them, or none when
 * anything does not fit (a damaged file, or an older one without them). */
static void
orphan_read_norms (Orphan *orphan, char **lines)
{
  g_auto (GStrv) head = NULL;
  g_autoptr (GArray) epochs = NULL;
  g_autoptr (GArray) values = NULL;
  g_autoptr (GArray) gradients = NULL;
  guint64 n_points, n_params;
  char *end = NULL;

  if (lines[0] == NULL || lines[1] == NULL || lines[2] == NULL || lines[3] == NULL)
    return;
  head = g_strsplit (g_strstrip (lines[0]), " ", -1);
  if (g_strv_length (head) != 3 || strcmp (head[0], "norms") != 0)
    return;
  n_points = g_ascii_strtoull (head[1], &end, 10);
  if (end == head[1] || *end != '\0' || n_points == 0 || n_points > NNB_TRAINER_MAX_NORM_POINTS)
    return;
  n_params = g_ascii_strtoull (head[2], &end, 10);
  if (end == head[2] || *end != '\0' || n_params == 0 || n_params > G_MAXUINT / NNB_TRAINER_MAX_NORM_POINTS)
    return;
  epochs = read_numbers (g_strstrip (lines[1]), n_points);
  values = read_numbers (g_strstrip (lines[2]), n_points * n_params);
  gradients = read_numbers (g_strstrip (lines[3]), n_points * n_params);
  if (epochs == NULL || values == NULL || gradients == NULL)
    return;
  /* the loop's counter, from 0, rising */
  for (guint i = 0; i < epochs->len; i++)
    {
      double epoch = g_array_index (epochs, double, i);

      if (!isfinite (epoch) || epoch < 0 || (i > 0 && epoch <= g_array_index (epochs, double, i - 1)))
        return;
    }
  orphan->run_norm_epochs = g_steal_pointer (&epochs);
  orphan->run_value_norms = g_steal_pointer (&values);
  orphan->run_grad_norms = g_steal_pointer (&gradients);
}

/* Reads the origin file (origin_text): the URI, the name, the run, its
 * norms. An older origin holds the URI alone, or the run without norms. */
static void
orphan_read_origin (Orphan *orphan, const char *text)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", 9);
  guint n = g_strv_length (lines);

  if (n > 0 && *g_strstrip (lines[0]) != '\0')
    orphan->origin = g_strdup (lines[0]);
  if (n > 1 && *g_strstrip (lines[1]) != '\0')
    orphan->name = g_strdup (lines[1]);
  if (n > 3)
    {
      g_auto (GStrv) numbers = g_strsplit (g_strstrip (lines[3]), " ", -1);
      gint64 state = g_ascii_strtoll (lines[2], NULL, 10);

      if (state <= NNB_TRAINER_RUNNING || state > NNB_TRAINER_FAILED || numbers[0] == NULL)
        return;
      orphan->run_state = (NnbTrainerState) state;
      orphan->run_losses = g_array_new (FALSE, FALSE, sizeof (double));
      for (guint i = 0; numbers[i] != NULL; i++)
        {
          double loss = g_ascii_strtod (numbers[i], NULL);

          g_array_append_val (orphan->run_losses, loss);
        }
      if (n > 4)
        orphan_read_norms (orphan, lines + 4);
    }
}

static void
discard_orphan (Orphan *orphan)
{
  nnb_autosave_discard_orphan_copy (orphan->dir, orphan->path);
}

static char *
display_name (const char *uri, const char *name)
{
  g_autoptr (GFile) file = NULL;
  g_autofree char *basename = NULL;

  if (name != NULL)
    return g_strdup (name);
  if (uri == NULL)
    return g_strdup (_("Untitled"));
  file = g_file_new_for_uri (uri);
  basename = g_file_get_basename (file);
  if (basename != NULL && g_str_has_suffix (basename, PROJECT_SUFFIX) && strlen (basename) > strlen (PROJECT_SUFFIX))
    basename[strlen (basename) - strlen (PROJECT_SUFFIX)] = '\0';
  return basename != NULL ? g_steal_pointer (&basename) : g_strdup (_("Untitled"));
}

typedef struct
{
  NnbWindow *window;
  Orphan *orphan;
} Recovery;

static void
recovered_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Recovery *recovery = user_data;
  Orphan *orphan = recovery->orphan;
  g_autoptr (NnbDocument) document = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GFile) file = NULL;
  NnbWindow *window = recovery->window;

  document = nnb_document_load_finish (result, &error);
  if (document == NULL)
    {
      /* kept under another name, so it is not offered again but not lost */
      g_autofree char *kept = g_strconcat (orphan->path, ".unreadable", NULL);
      AdwToast *toast; /* the overlay takes it (transfer full) */
      g_autofree char *message = NULL;
      g_autofree char *escaped = NULL;

      g_rename (orphan->path, kept);
      message = g_strdup_printf (_("Could not recover the project (the copy is kept as “%s”): %s"),
                                 kept, error->message);
      escaped = g_markup_escape_text (message, -1);
      toast = adw_toast_new (escaped);
      adw_toast_set_timeout (toast, 8);
      nnb_window_add_toast (window, toast);
      goto out;
    }

  /* Saving writes where the project came from; until then it is unsaved.
   * One that had no file is untitled again, under its own name: Save asks. */
  if (orphan->origin != NULL)
    {
      file = g_file_new_for_uri (orphan->origin);
      nnb_document_set_file (document, file);
    }
  else
    {
      g_autofree char *name = display_name (NULL, orphan->name);

      nnb_document_forget_file (document);
      nnb_document_set_name (document, name);
    }
  if (orphan->name != NULL)
    nnb_document_set_name (document, orphan->name);
  /* trained as it was: the curve, the norms, the losses, the lesson's Check */
  nnb_document_set_past_run (document, orphan->run_state, orphan->run_losses);
  nnb_document_set_past_norms (document, orphan->run_norm_epochs, orphan->run_value_norms, orphan->run_grad_norms);
  nnb_document_set_dirty (document, TRUE);

  if (!nnb_window_is_empty (window))
    {
      NnbApplication *application = NNB_APPLICATION (gtk_window_get_application (GTK_WINDOW (window)));

      window = nnb_window_new (application);
      nnb_window_set_lesson (window, nnb_application_get_lesson (application));
      nnb_autosave_attach (window);
    }
  nnb_window_show_document (window, document);
  gtk_window_present (GTK_WINDOW (window));
  /* the window's own autosave keeps it from now on */
  discard_orphan (orphan);

out:
  g_object_unref (recovery->window);
  g_rc_box_release_full (orphan, orphan_clear);
  g_free (recovery);
}

static void
recover_clicked_cb (AdwToast *toast, NnbWindow *window)
{
  Orphan *orphan = g_object_get_data (G_OBJECT (toast), "nnb-orphan");
  g_autoptr (GFile) file = g_file_new_for_path (orphan->path);
  Recovery *recovery = g_new0 (Recovery, 1);

  orphan->recovering = TRUE;
  recovery->window = g_object_ref (window);
  recovery->orphan = g_rc_box_acquire (orphan);
  nnb_document_load_async (file, NULL, recovered_cb, recovery);
}

static void
toast_dismissed_cb (AdwToast *toast)
{
  Orphan *orphan = g_object_get_data (G_OBJECT (toast), "nnb-orphan");

  /* closed without Recover: the student does not want it back */
  if (!orphan->recovering)
    discard_orphan (orphan);
}

static void
orphan_release (gpointer data)
{
  g_rc_box_release_full (data, orphan_clear);
}

static void
offer (NnbWindow *window, const char *dir, const char *path)
{
  Orphan *orphan = g_rc_box_new0 (Orphan);
  g_autofree char *origin_path = nnb_autosave_origin_path (path);
  g_autofree char *origin = NULL;
  g_autofree char *name = NULL;
  g_autofree char *title = NULL;
  g_autofree char *escaped = NULL;
  AdwToast *toast;

  orphan->dir = g_strdup (dir);
  orphan->path = g_strdup (path);
  if (g_file_get_contents (origin_path, &origin, NULL, NULL))
    orphan_read_origin (orphan, origin);

  name = display_name (orphan->origin, orphan->name);
  /* Translators: a toast after a crash; the button says Recover */
  title = g_strdup_printf (_("Recover unsaved project “%s”?"), name);
  escaped = g_markup_escape_text (title, -1);
  toast = adw_toast_new (escaped);
  adw_toast_set_button_label (toast, _("_Recover"));
  /* a question stays until answered */
  adw_toast_set_timeout (toast, 0);
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  g_object_set_data_full (G_OBJECT (toast), "nnb-orphan", orphan, orphan_release);
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (recover_clicked_cb), window, 0);
  g_signal_connect (toast, "dismissed", G_CALLBACK (toast_dismissed_cb), NULL);
  nnb_window_add_toast (window, toast);
}

guint
nnb_autosave_offer_recovery (NnbWindow *window)
{
  g_autoptr (GPtrArray) sessions = NULL;
  guint offered = 0;

  g_return_val_if_fail (NNB_IS_WINDOW (window), 0);

  sessions = nnb_autosave_claim_orphan_sessions ();
  for (guint i = 0; i < sessions->len; i++)
    {
      const char *dir = sessions->pdata[i];
      g_autoptr (GPtrArray) copies = nnb_autosave_list_copies (dir);

      for (guint k = 0; k < copies->len; k++, offered++)
        offer (window, dir, copies->pdata[k]);
      nnb_autosave_forget_orphan_session_if_done (dir);
    }

  return offered;
}
