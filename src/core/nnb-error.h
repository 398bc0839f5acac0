/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-error.h — the engine's GError domains.
 *
 * Messages are sentences a student understands; where PyTorch has a message
 * for the same mistake, the message is PyTorch's, word for word. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define NNB_ERROR (nnb_error_quark ())
#define NNB_FILE_ERROR (nnb_file_error_quark ())

typedef enum
{
  NNB_ERROR_SHAPE,            /* shapes that do not fit (PyTorch's RuntimeError text) */
  NNB_ERROR_DEVICE,           /* tensors on two devices, or a device that is missing */
  NNB_ERROR_GRAPH,            /* cycles, dangling inputs, unused outputs, duplicate names */
  NNB_ERROR_INVALID_ARGUMENT, /* bad sizes or hyper-parameters */
  NNB_ERROR_OUT_OF_MEMORY,    /* a size too large to allocate */
  NNB_ERROR_DIVERGED,         /* the loss became NaN or infinite */
  NNB_ERROR_CANCELLED,        /* training stopped on request */
} NnbError;

typedef enum
{
  NNB_FILE_ERROR_IO,       /* cannot read or write the file */
  NNB_FILE_ERROR_PARSE,    /* not valid JSON / CSV / safetensors */
  NNB_FILE_ERROR_VERSION,  /* written by a newer NN Blocks */
  NNB_FILE_ERROR_INVALID,  /* well-formed but wrong content (bad sizes, unknown kinds) */
  NNB_FILE_ERROR_MISMATCH, /* weights that do not fit the model (missing/unexpected keys, size mismatch) */
} NnbFileError;

/* A user's string as a message quotes it: valid UTF-8, control characters
 * shown as spaces, and at most NNB_QUOTE_MAX_CHARS characters, the end cut
 * to "…". A 1 MB name must not make a 1 MB message (a GTK label that size
 * freezes the window). Only the first few hundred bytes of s are read. */
#define NNB_QUOTE_MAX_CHARS 40
char *nnb_quote_short (const char *s);

GQuark nnb_error_quark (void);
GQuark nnb_file_error_quark (void);

G_END_DECLS
