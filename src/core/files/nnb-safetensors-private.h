/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-safetensors-private.h — the header reader's result, shared by the
 * safetensors files only: the entries as read (nnb-safetensors-header.c),
 * before nnb-safetensors.c checks them against the data. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One tensor's entry in the header, as written: nothing checked yet but
 * the JSON syntax and that each number fits in 64 bits. */
typedef struct
{
  char *name;
  char *dtype;        /* NULL when the entry has none */
  GArray *shape;      /* guint64; NULL when the entry has none */
  guint64 begin, end; /* data_offsets, counted from the start of the data */
  gboolean has_offsets;
} NnbSafetensorsEntry;

void nnb_safetensors_entry_free (gpointer entry);

/* The header's entries in the file's order (__metadata__ checked and left
 * out), or NULL with NNB_FILE_ERROR_PARSE or _INVALID saying where. */
GPtrArray *nnb_safetensors_read_header (const char *text, gsize length, GError **error);

G_END_DECLS
