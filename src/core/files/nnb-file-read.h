/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-file-read.h — reading a whole input file (a CSV, a project, a lesson)
 * only when it is a regular file, and only up to a size: a pipe named as data
 * would wait forever for a writer, and /dev/zero would be read until memory
 * runs out. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The most a CSV file may hold: 10⁷ rows of a few full-precision columns. */
#define NNB_FILE_READ_MAX_CSV_MB 1024
/* The most a project or lesson file may hold (a project keeps its trained
 * weights inside it). */
#define NNB_FILE_READ_MAX_PROJECT_MB 1024
#define NNB_FILE_READ_MAX_LESSON_MB 16

/* Reads path into *contents (NUL-terminated, length in *length), as
 * g_file_get_contents does, after checking with fstat on the opened file
 * (opened with O_NONBLOCK, so that opening a FIFO does not wait) that it is
 * a regular file of at most max_mb megabytes (10⁶ bytes each).
 *
 * Errors are NNB_FILE_ERROR_IO sentences naming path: "Could not read
 * “path”: reason", "“path” is not a regular file (a pipe), so NN Blocks does
 * not read it.", "“path” is larger than 16 MB, …". */
gboolean nnb_file_read (const char *path, guint max_mb, char **contents, gsize *length, GError **error);

G_END_DECLS
