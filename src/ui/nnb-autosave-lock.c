/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-autosave-lock.c — the session folders of autosave and their locks
 * (see the header for the layout). No GTK here: a lock is a file and a
 * flock, and an instance's session lives as long as its GApplication. */

#include "nnb-config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <sys/file.h>
#include <unistd.h>

#include "nnb-autosave-lock.h"

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

void
nnb_autosave_remove_session_dir (const char *dir)
{
  g_autoptr (GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
}

/* This process's session */

static void
session_end (void)
{
  if (the_session == NULL)
    return;

  while (g_atomic_int_get (&writes_in_flight) > 0)
    g_usleep (1000);
  /* the files go before the lock, so nobody sees an unlocked session
   * with projects in it */
  nnb_autosave_remove_session_dir (the_session->dir);
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

gboolean
nnb_autosave_session_new_copy (char **path, char **origin_path, GError **error)
{
  Session *session = session_get (error);
  g_autofree char *stem = NULL;

  if (session == NULL)
    return FALSE;

  stem = g_strdup_printf (COPY_PREFIX "%u", ++session->next_id);
  *path = g_strconcat (session->dir, G_DIR_SEPARATOR_S, stem, COPY_SUFFIX, NULL);
  *origin_path = g_strconcat (session->dir, G_DIR_SEPARATOR_S, stem, ORIGIN_SUFFIX, NULL);
  return TRUE;
}

gboolean
nnb_autosave_session_is_open (void)
{
  return the_session != NULL;
}

void
nnb_autosave_session_write_begin (void)
{
  g_atomic_int_inc (&writes_in_flight);
}

void
nnb_autosave_session_write_end (void)
{
  (void) g_atomic_int_dec_and_test (&writes_in_flight);
}

/* Crashed sessions */

static int
compare_paths (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

char *
nnb_autosave_origin_path (const char *copy_path)
{
  g_autofree char *stem = g_strndup (copy_path, strlen (copy_path) - strlen (COPY_SUFFIX));

  return g_strconcat (stem, ORIGIN_SUFFIX, NULL);
}

static gboolean
is_copy_name (const char *name)
{
  return g_str_has_prefix (name, COPY_PREFIX) && g_str_has_suffix (name, COPY_SUFFIX);
}

static gboolean
session_has_copies (const char *dir)
{
  g_autoptr (GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    if (is_copy_name (name))
      return TRUE;
  return FALSE;
}

GPtrArray *
nnb_autosave_list_copies (const char *dir)
{
  g_autoptr (GDir) session = g_dir_open (dir, 0, NULL);
  GPtrArray *copies = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (session != NULL && (name = g_dir_read_name (session)) != NULL)
    if (is_copy_name (name))
      g_ptr_array_add (copies, g_build_filename (dir, name, NULL));
  g_ptr_array_sort (copies, compare_paths);
  return copies;
}

void
nnb_autosave_forget_orphan_session_if_done (const char *dir)
{
  gpointer fd;

  if (session_has_copies (dir))
    return;
  nnb_autosave_remove_session_dir (dir);
  if (orphan_locks != NULL && g_hash_table_lookup_extended (orphan_locks, dir, NULL, &fd))
    {
      close (GPOINTER_TO_INT (fd));
      g_hash_table_remove (orphan_locks, dir);
    }
}

void
nnb_autosave_discard_orphan_copy (const char *dir, const char *copy_path)
{
  g_autofree char *origin_path = nnb_autosave_origin_path (copy_path);

  g_unlink (copy_path);
  g_unlink (origin_path);
  nnb_autosave_forget_orphan_session_if_done (dir);
}

GPtrArray *
nnb_autosave_claim_orphan_sessions (void)
{
  g_autofree char *base = autosave_base_dir ();
  g_autoptr (GDir) listing = g_dir_open (base, 0, NULL);
  g_autoptr (GPtrArray) sessions = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *claimed = g_ptr_array_new_with_free_func (g_free);
  const char *name;

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
      g_ptr_array_add (claimed, g_strdup (dir));
    }

  return claimed;
}
