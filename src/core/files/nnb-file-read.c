/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-file-read.c — reading input files that are regular files of a sane size. */
#include "nnb-config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nnb-error.h"
#include "nnb-file-read.h"

static const char *
kind_of_file (mode_t mode)
{
  if (S_ISFIFO (mode))
    return _("a pipe");
  if (S_ISCHR (mode))
    return _("a character device");
  if (S_ISBLK (mode))
    return _("a block device");
  if (S_ISDIR (mode))
    return _("a folder");
  if (S_ISSOCK (mode))
    return _("a socket");
  return _("not a plain file");
}

static gboolean
too_large (const char *path, guint max_mb, GError **error)
{
  g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_IO,
               _("“%s” is larger than %u MB, the most NN Blocks reads from such a file."), path, max_mb);
  return FALSE;
}

gboolean
nnb_file_read (const char *path, guint max_mb, char **contents, gsize *length, GError **error)
{
  const gsize max_bytes = (gsize) max_mb * 1000 * 1000;
  g_autofree char *buffer = NULL;
  gsize size, used = 0;
  struct stat st;
  int fd, saved;

  g_return_val_if_fail (path != NULL && contents != NULL, FALSE);

  /* O_NONBLOCK: opening a FIFO without a writer would wait forever before
   * fstat could say what it is */
  fd = g_open (path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      saved = errno;
      g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_IO, _("Could not read “%s”: %s"), path, g_strerror (saved));
      return FALSE;
    }
  if (fstat (fd, &st) != 0)
    {
      saved = errno;
      close (fd);
      g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_IO, _("Could not read “%s”: %s"), path, g_strerror (saved));
      return FALSE;
    }
  if (!S_ISREG (st.st_mode))
    {
      close (fd);
      g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_IO,
                   _("“%s” is not a regular file (%s), so NN Blocks does not read it."), path, kind_of_file (st.st_mode));
      return FALSE;
    }
  if (st.st_size < 0 || (guint64) st.st_size > max_bytes)
    {
      close (fd);
      return too_large (path, max_mb, error);
    }

  /* the file may grow while it is read: stop one byte past the limit */
  size = (gsize) st.st_size + 1;
  buffer = g_malloc (size + 1);
  for (;;)
    {
      gssize got;

      if (used == size)
        {
          if (size > max_bytes)
            {
              close (fd);
              return too_large (path, max_mb, error);
            }
          size = MIN (size * 2, max_bytes + 1);
          buffer = g_realloc (buffer, size + 1);
        }
      got = read (fd, buffer + used, size - used);
      if (got < 0 && errno == EINTR)
        continue;
      if (got < 0)
        {
          saved = errno;
          close (fd);
          g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_IO, _("Could not read “%s”: %s"), path, g_strerror (saved));
          return FALSE;
        }
      if (got == 0)
        break;
      used += (gsize) got;
    }
  close (fd);
  if (used > max_bytes)
    return too_large (path, max_mb, error);
  buffer[used] = '\0';
  if (length != NULL)
    *length = used;
  *contents = g_steal_pointer (&buffer);
  return TRUE;
}
