/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-file-write.h — writing a whole file so that a failure never damages
 * the one that was there: every save and export, app and CLI alike, goes
 * through nnb_file_write. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Our temporary files are older than this when a save finds them beside its
 * target: left by a save that was killed, and removed. */
#define NNB_FILE_WRITE_STALE_SECONDS 60

/* Writes length bytes of data to path.
 *
 * A regular file (or a new one) is written completely to a temporary file
 * ".NAME.nnb-XXXXXX" in the same folder, flushed to the disk with fsync and
 * only then renamed over path: on any error the old file stays byte for byte
 * and the temporary file is removed. A symbolic link is followed: the real
 * file is replaced and the link stays. A character device or a FIFO
 * (/dev/stdout, /dev/null, a pipe) is written into, never replaced; a
 * folder or any other kind of file is refused. An existing file keeps its
 * permissions; a new one gets mode (less the umask).
 *
 * Errors are NNB_FILE_ERROR_IO: "Could not write “path”: reason", naming
 * path as given, never the temporary file. Safe to call from any thread. */
gboolean nnb_file_write (const char *path, const void *data, gsize length, int mode, GError **error);

G_END_DECLS
