/* nnb-autosave.c — copies of open projects in the state folder, and their
 * recovery after a crash (see the header for the session folders).
 *
 * Layout: $XDG_STATE_HOME/nnblocks/autosave/session-XXXXXX/ holds `lock`
 * (locked with flock by the running process, its pid inside for people),
 * and per window `project-N.nnb` (the copy) with `project-N.origin` (the URI
 * of the file the project came from, so a recovered project saves there). */
#include "nnb-config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <sys/file.h>
#include <unistd.h>

#include "nnb-autosave.h"
#include "nnb-file-write.h"
#include "nnb-safetensors.h"

#define SESSION_PREFIX "session-"
#define COPY_PREFIX "project-"
#define COPY_SUFFIX ".nnb"
#define ORIGIN_SUFFIX ".origin"
#define LOCK_NAME "lock"

/* The running process's session: made on the first copy, removed when the
 * application shuts down. */
typedef struct
{
  char *dir;
  int lock_fd;
  guint next_id;
} Session;

static Session *the_session;

/* Writes running on GTask threads, so the session's end can wait for them
 * rather than leave a file behind in a folder it removes. */
static gint writes_in_flight;

/* Sessions of crashed processes whose projects are on offer: dir → lock fd,
 * held so that a second NN Blocks started meanwhile does not offer them too. */
static GHashTable *orphan_locks;

struct _NnbAutosave
{
  GObject parent_instance;

  NnbWindow *window;       /* unowned: the window owns the autosave */
  guint timeout_id;
  char *path;              /* the copy, NULL while there is none */
  char *origin_path;
  char *written_checksum;  /* of the text last written, to skip rewriting it */
  char *written_origin;
  gboolean writing;        /* a write runs on a GTask thread */
  guint generation;        /* counts removals, to tell a write made stale */
};

G_DEFINE_FINAL_TYPE (NnbAutosave, nnb_autosave, G_TYPE_OBJECT)

static char *
autosave_base_dir (void)
{
  return g_build_filename (g_get_user_state_dir (), "nnblocks", "autosave", NULL);
}

/* An open, exclusively flock-ed lock file, or -1 (errno says why: EWOULDBLOCK
 * when a live process holds it). */
static int
take_lock (const char *path)
{
  int fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

  if (fd < 0)
    return -1;
  if (flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      int saved = errno;

      close (fd);
      errno = saved;
      return -1;
    }
  return fd;
}

/* Removes a session folder and everything in it. */
static void
remove_session_dir (const char *dir)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
}

static void
session_end (void)
{
  if (the_session == NULL)
    return;

  while (g_atomic_int_get (&writes_in_flight) > 0)
    g_usleep (1000);
  /* the files go before the lock, so nobody sees an unlocked session
   * with projects in it */
  remove_session_dir (the_session->dir);
  close (the_session->lock_fd);
  g_free (the_session->dir);
  g_clear_pointer (&the_session, g_free);
}

static void
application_shutdown_cb (GApplication *application)
{
  session_end ();
}

static Session *
session_get (GError **error)
{
  g_autofree char *base = NULL;
  g_autofree char *template = NULL;
  g_autofree char *lock_path = NULL;
  g_autofree char *pid = NULL;
  GApplication *application;
  char *dir;
  int fd;

  if (the_session != NULL)
    return the_session;

  base = autosave_base_dir ();
  if (g_mkdir_with_parents (base, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not make the folder “%s” for copies of unsaved projects: %s"),
                   base, g_strerror (saved));
      return NULL;
    }
  template = g_build_filename (base, SESSION_PREFIX "XXXXXX", NULL);
  dir = g_mkdtemp_full (template, 0700);
  if (dir == NULL)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not make a folder in “%s” for copies of unsaved projects: %s"),
                   base, g_strerror (saved));
      return NULL;
    }
  /* g_mkdtemp_full fills the template in place and returns it */
  template = NULL;

  lock_path = g_build_filename (dir, LOCK_NAME, NULL);
  fd = take_lock (lock_path);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not lock “%s”: %s"), lock_path, g_strerror (saved));
      g_rmdir (dir);
      g_free (dir);
      return NULL;
    }
  pid = g_strdup_printf ("%d\n", (int) getpid ());
  if (write (fd, pid, strlen (pid)) < 0)
    g_debug ("autosave: could not write the pid into %s", lock_path);

  the_session = g_new0 (Session, 1);
  the_session->dir = dir;
  the_session->lock_fd = fd;

  /* a clean end of the application is a clean end of the session */
  application = g_application_get_default ();
  if (application != NULL)
    g_signal_connect (application, "shutdown", G_CALLBACK (application_shutdown_cb), NULL);

  return the_session;
}

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
  char *origin;          /* written when not equal to written_origin */
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
  g_autoptr(NnbProject) copy = NULL;
  g_autoptr(GHashTable) tensors = NULL;
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

static void
write_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  write_thread_inner (task, task_data);
  (void) g_atomic_int_dec_and_test (&writes_in_flight);
}

static void
write_thread_inner (GTask *task, Write *write)
{
  GError *error = NULL;
  g_autofree char *checksum = NULL;

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
  if (g_strcmp0 (write->origin, write->written_origin) != 0)
    {
      if (!nnb_file_write (write->origin_path, write->origin, strlen (write->origin), 0600, &error))
        {
          g_task_return_error (task, error);
          return;
        }
      g_free (write->written_origin);
      write->written_origin = g_strdup (write->origin);
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
  g_autoptr(GError) error = NULL;

  self->writing = FALSE;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      /* Nothing the student can act on; the next look tries again. */
      g_debug ("autosave: %s", error->message);
      return;
    }
  /* removed meanwhile (saved, closed, or the application ended) */
  if (write->generation != self->generation || the_session == NULL)
    {
      if (the_session == NULL || g_strcmp0 (write->path, self->path) != 0)
        {
          g_autofree char *dir = g_path_get_dirname (write->path);

          g_unlink (write->path);
          g_unlink (write->origin_path);
          if (the_session == NULL)
            remove_session_dir (dir);
        }
      return;
    }
  g_free (self->written_checksum);
  self->written_checksum = g_steal_pointer (&write->written_checksum);
  g_free (self->written_origin);
  self->written_origin = g_steal_pointer (&write->written_origin);
}

static void
start_write (NnbAutosave *self, NnbDocument *document, Write *write)
{
  GFile *file = nnb_document_get_file (document);
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;

  if (self->path == NULL)
    {
      Session *session = session_get (&error);
      g_autofree char *stem = NULL;

      if (session == NULL)
        {
          g_debug ("autosave: %s", error->message);
          write_free (write);
          return;
        }
      stem = g_strdup_printf (COPY_PREFIX "%u", ++session->next_id);
      self->path = g_strconcat (session->dir, G_DIR_SEPARATOR_S, stem, COPY_SUFFIX, NULL);
      self->origin_path = g_strconcat (session->dir, G_DIR_SEPARATOR_S, stem, ORIGIN_SUFFIX, NULL);
    }
  write->path = g_strdup (self->path);
  write->origin_path = g_strdup (self->origin_path);
  write->origin = file != NULL ? g_file_get_uri (file) : g_strdup ("");
  write->written_origin = g_strdup (self->written_origin);
  write->written_checksum = g_strdup (self->written_checksum);
  write->generation = self->generation;

  self->writing = TRUE;
  g_atomic_int_inc (&writes_in_flight);
  task = g_task_new (self, NULL, write_done_cb, NULL);
  g_task_set_task_data (task, write, write_free);
  g_task_run_in_thread (task, write_thread);
}

void
nnb_autosave_update (NnbAutosave *self)
{
  NnbDocument *document;
  NnbTrainer *trainer;
  g_autoptr(GError) error = NULL;
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
  if (trainer != NULL
      && (!g_action_group_get_action_enabled (G_ACTION_GROUP (self->window), "save")
          || nnb_trainer_get_state (trainer) == NNB_TRAINER_RUNNING))
    {
      g_autoptr(NnbSnapshot) snapshot = nnb_trainer_get_snapshot (trainer);
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
  char *dir;     /* the crashed session's folder */
  char *path;    /* its copy */
  char *origin;  /* URI of the file it came from; NULL when unknown */
  gboolean recovering;
} Orphan;

static void
orphan_clear (gpointer data)
{
  Orphan *orphan = data;

  g_free (orphan->dir);
  g_free (orphan->path);
  g_free (orphan->origin);
}

static char *
origin_path_of (const char *copy_path)
{
  g_autofree char *stem = g_strndup (copy_path, strlen (copy_path) - strlen (COPY_SUFFIX));

  return g_strconcat (stem, ORIGIN_SUFFIX, NULL);
}

static int
compare_paths (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static gboolean
session_has_copies (const char *dir)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    if (g_str_has_prefix (name, COPY_PREFIX) && g_str_has_suffix (name, COPY_SUFFIX))
      return TRUE;
  return FALSE;
}

/* The last copy of a crashed session is dealt with: the folder and its
 * lock go. */
static void
forget_orphan_session_if_done (const char *dir)
{
  gpointer fd;

  if (session_has_copies (dir))
    return;
  remove_session_dir (dir);
  if (orphan_locks != NULL && g_hash_table_lookup_extended (orphan_locks, dir, NULL, &fd))
    {
      close (GPOINTER_TO_INT (fd));
      g_hash_table_remove (orphan_locks, dir);
    }
}

static void
discard_orphan (Orphan *orphan)
{
  g_autofree char *origin_path = origin_path_of (orphan->path);

  g_unlink (orphan->path);
  g_unlink (origin_path);
  forget_orphan_session_if_done (orphan->dir);
}

static char *
display_name (const char *uri)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *basename = NULL;

  if (uri == NULL)
    return g_strdup (_("Untitled"));
  file = g_file_new_for_uri (uri);
  basename = g_file_get_basename (file);
  if (basename != NULL && g_str_has_suffix (basename, COPY_SUFFIX) && strlen (basename) > strlen (COPY_SUFFIX))
    basename[strlen (basename) - strlen (COPY_SUFFIX)] = '\0';
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
  g_autoptr(NnbDocument) document = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
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

  /* Saving writes where the project came from; until then it is unsaved. */
  if (orphan->origin != NULL)
    file = g_file_new_for_uri (orphan->origin);
  else
    file = g_file_new_build_filename (g_get_home_dir (), _("Recovered project.nnb"), NULL);
  nnb_document_set_file (document, file);
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
  g_autoptr(GFile) file = g_file_new_for_path (orphan->path);
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
  g_autofree char *origin_path = origin_path_of (path);
  g_autofree char *origin = NULL;
  g_autofree char *name = NULL;
  g_autofree char *title = NULL;
  g_autofree char *escaped = NULL;
  AdwToast *toast;

  orphan->dir = g_strdup (dir);
  orphan->path = g_strdup (path);
  if (g_file_get_contents (origin_path, &origin, NULL, NULL) && *g_strstrip (origin) != '\0')
    orphan->origin = g_steal_pointer (&origin);

  name = display_name (orphan->origin);
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
  g_autofree char *base = NULL;
  g_autoptr(GDir) listing = NULL;
  g_autoptr(GPtrArray) sessions = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  guint offered = 0;

  g_return_val_if_fail (NNB_IS_WINDOW (window), 0);

  base = autosave_base_dir ();
  listing = g_dir_open (base, 0, NULL);
  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    if (g_str_has_prefix (name, SESSION_PREFIX))
      g_ptr_array_add (sessions, g_build_filename (base, name, NULL));
  g_ptr_array_sort (sessions, compare_paths);

  if (orphan_locks == NULL)
    orphan_locks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < sessions->len; i++)
    {
      const char *dir = sessions->pdata[i];
      g_autofree char *lock_path = g_build_filename (dir, LOCK_NAME, NULL);
      g_autoptr(GDir) session = NULL;
      g_autoptr(GPtrArray) copies = g_ptr_array_new_with_free_func (g_free);
      int fd;

      /* ours, or already on offer */
      if ((the_session != NULL && g_str_equal (dir, the_session->dir)) || g_hash_table_contains (orphan_locks, dir))
        continue;
      if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
        continue;
      /* a live NN Blocks holds its lock */
      fd = take_lock (lock_path);
      if (fd < 0)
        continue;
      g_hash_table_insert (orphan_locks, g_strdup (dir), GINT_TO_POINTER (fd));

      session = g_dir_open (dir, 0, NULL);
      while (session != NULL && (name = g_dir_read_name (session)) != NULL)
        if (g_str_has_prefix (name, COPY_PREFIX) && g_str_has_suffix (name, COPY_SUFFIX))
          g_ptr_array_add (copies, g_build_filename (dir, name, NULL));
      g_ptr_array_sort (copies, compare_paths);
      for (guint k = 0; k < copies->len; k++, offered++)
        offer (window, dir, copies->pdata[k]);
      forget_orphan_session_if_done (dir);
    }

  return offered;
}
