/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-python-tokens.h — Python source as Python's tokenizer splits it:
 * comments and blank lines dropped, lines joined inside brackets and after
 * a backslash, INDENT and DEDENT from the leading whitespace (tabs to
 * multiples of 8, refused when they and spaces disagree, as Python does),
 * strings of every quoting and numbers with underscores. What the model
 * reader needs, nothing more: the tokens keep their line and column
 * (1-based, in characters) for its messages. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  NNB_PY_NAME,
  NNB_PY_NUMBER,
  NNB_PY_STRING,
  NNB_PY_OP, /* ( ) [ ] , : . = + * -> … : text says which */
  NNB_PY_NEWLINE,
  NNB_PY_INDENT,
  NNB_PY_DEDENT,
  NNB_PY_END,
} NnbPyTokenKind;

typedef struct
{
  NnbPyTokenKind kind;
  char *text; /* NAME, OP: as written; STRING: the decoded value; NUMBER: as written */
  int line, column;
  /* NUMBER */
  gboolean is_int;    /* no '.', exponent or 'j' */
  gboolean imaginary; /* 10j */
  double value;
  /* STRING */
  gboolean formatted; /* an f-string: its value is not known */
  gboolean bytes;     /* b"…" */
} NnbPyToken;

/* The tokens of source (length bytes, -1: NUL-terminated), ending with
 * NNB_PY_END; NULL with "line L, column C: …" (NNB_FILE_ERROR_PARSE) when
 * Python's tokenizer would refuse it too. */
GPtrArray *nnb_py_tokenize (const char *source, gssize length, GError **error);

G_END_DECLS
