/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-file-write.c — whole files written beside and renamed; see the header. */

#include "nnb-file-write.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "nnb-error.h"

/* A temporary name's part taken from the target: short enough that
 * ".NAME.nnb-XXXXXX" stays within NAME_MAX (255 bytes). */
#define TEMP_NAME_BYTES 200

static gboolean
fail (GError **error, const char *path, int saved_errno)
{
  g_autofree char *shown = g_filename_display_name (path);

  g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_IO, _("Could not write “%s”: %s"), shown,
               g_strerror (saved_errno));
  return FALSE;
}

static gboolean
write_all (int fd, const char *data, gsize length, int *saved_errno)
{
  while (length > 0)
    {
      ssize_t n = write (fd, data, MIN (length, (gsize) G_MAXSSIZE));

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          /* a write of 0 bytes into a file makes no progress: a full disk */
          *saved_errno = n < 0 ? errno : ENOSPC;
          return FALSE;
        }
      data += n;
      length -= (gsize) n;
    }
  return TRUE;
}

/* Where a dangling symbolic link points (the file a write creates), as a
 * shell's `>` would follow it. Loops end after 40 links, as the kernel's do. */
static char *
follow_links (const char *path, int *saved_errno)
{
  g_autofree char *current = g_strdup (path);

  for (int hops = 0; hops < 40; hops++)
    {
      GStatBuf st;
      g_autofree char *link = NULL;
      g_autofree char *dir = NULL;

      if (g_lstat (current, &st) != 0 || !S_ISLNK (st.st_mode))
        return g_steal_pointer (&current);
      link = g_file_read_link (current, NULL);
      if (link == NULL)
        return g_steal_pointer (&current);
      if (g_path_is_absolute (link))
        {
          g_free (current);
          current = g_steal_pointer (&link);
          continue;
        }
      dir = g_path_get_dirname (current);
      g_free (current);
      current = g_build_filename (dir, link, NULL);
    }
  *saved_errno = ELOOP;
  return NULL;
}

/* Temporary files of ours (".NAME.nnb-" and six characters) beside the
 * target and untouched for a minute: a save killed half way left them (a
 * save still writing keeps touching its own). */
static void
remove_stale (const char *dir, const char *prefix)
{
  g_autoptr (GDir) listing = g_dir_open (dir, 0, NULL);
  gsize prefix_length = strlen (prefix);
  const char *name;
  time_t now = time (NULL);

  if (listing == NULL)
    return;
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *stale = NULL;
      GStatBuf st;

      if (strncmp (name, prefix, prefix_length) != 0 || strlen (name) != prefix_length + 6)
        continue;
      stale = g_build_filename (dir, name, NULL);
      if (g_lstat (stale, &st) == 0 && S_ISREG (st.st_mode) && st.st_mtime + NNB_FILE_WRITE_STALE_SECONDS < now)
        g_unlink (stale);
    }
}

static gboolean
write_in_place (const char *path, const char *data, gsize length, GError **error)
{
  int saved_errno = 0;
  int fd = g_open (path, O_WRONLY | O_CLOEXEC | O_NOCTTY, 0);

  if (fd < 0)
    return fail (error, path, errno);
  if (!write_all (fd, data, length, &saved_errno))
    {
      close (fd);
      return fail (error, path, saved_errno);
    }
  if (close (fd) != 0 && errno != EINTR)
    return fail (error, path, errno);
  return TRUE;
}

gboolean
nnb_file_write (const char *path, const void *data, gsize length, int mode, GError **error)
{
  g_autofree char *target = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  g_autofree char *prefix = NULL;
  g_autofree char *temp = NULL;
  GStatBuf st;
  gboolean exists;
  int saved_errno = 0;
  int fd;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  exists = g_stat (path, &st) == 0;
  if (exists && (S_ISCHR (st.st_mode) || S_ISFIFO (st.st_mode)))
    /* /dev/stdout, /dev/null, a pipe: renaming over it would replace the
     * node itself (as root) instead of writing into it */
    return write_in_place (path, data, length, error);
  if (exists && S_ISDIR (st.st_mode))
    return fail (error, path, EISDIR);
  if (exists && !S_ISREG (st.st_mode))
    {
      g_autofree char *shown = g_filename_display_name (path);

      g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_IO,
                   _("Could not write “%s”: it is not a regular file (a block device or a socket). "
                      "Choose a file name instead."),
                   shown);
      return FALSE;
    }

  /* through a symbolic link to the file it names: the link stays a link */
  target = exists ? realpath (path, NULL) : follow_links (path, &saved_errno);
  if (target == NULL)
    return fail (error, path, saved_errno != 0 ? saved_errno : errno);

  dir = g_path_get_dirname (target);
  base = g_path_get_basename (target);
  if (strlen (base) > TEMP_NAME_BYTES)
    base[TEMP_NAME_BYTES] = '\0';
  prefix = g_strdup_printf (".%s.nnb-", base);
  remove_stale (dir, prefix);

  temp = g_strdup_printf ("%s%c%sXXXXXX", dir, G_DIR_SEPARATOR, prefix);
  fd = g_mkstemp_full (temp, O_WRONLY | O_CLOEXEC, exists ? 0600 : mode);
  if (fd < 0)
    return fail (error, path, errno);
  /* a new file gets mode less the umask (from open); the old one's stay */
  if (exists)
    (void) fchmod (fd, st.st_mode & 07777);

  if (!write_all (fd, data, length, &saved_errno))
    goto failed;
  /* on the disk before the rename: a power cut after it finds the new
   * contents, not an empty file */
  if (fsync (fd) != 0)
    {
      saved_errno = errno;
      goto failed;
    }
  if (close (fd) != 0)
    {
      fd = -1;
      saved_errno = errno;
      goto failed;
    }
  fd = -1;
  if (g_rename (temp, target) != 0)
    {
      saved_errno = errno;
      goto failed;
    }

  /* the rename itself on the disk too; a folder that cannot be synced
   * (some network file systems) still has the file */
  fd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  if (fd >= 0)
    {
      (void) fsync (fd);
      close (fd);
    }
  return TRUE;

failed:
  if (fd >= 0)
    close (fd);
  g_unlink (temp);
  return fail (error, path, saved_errno);
}
