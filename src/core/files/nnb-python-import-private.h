/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-python-import-private.h — shared by the model reader's files: the
 * token cursor, the small expression tree it parses, and the values
 * __init__ computes. */
#pragma once

#include <glib.h>
#include "nnb-model.h"
#include "nnb-python-tokens.h"

G_BEGIN_DECLS

typedef enum
{
  EXPR_NAME,
  EXPR_NUMBER,
  EXPR_STRING,
  EXPR_ATTR,      /* a.name: tok is the name */
  EXPR_CALL,      /* a(items…, keywords…) */
  EXPR_SUBSCRIPT, /* a[b] */
  EXPR_LIST,
  EXPR_TUPLE,
  EXPR_BINOP, /* a op b: op is the token's text */
  EXPR_NEG,   /* -a */
} ExprKind;

typedef struct _Expr Expr;
struct _Expr
{
  ExprKind kind;
  NnbPyToken *tok; /* where it starts (for messages) and its text */
  const char *op;  /* BINOP */
  Expr *a, *b;
  GPtrArray *items;    /* CALL arguments, LIST/TUPLE elements: Expr* */
  GPtrArray *keywords; /* CALL: Keyword* */
};

typedef struct
{
  NnbPyToken *name;
  Expr *value;
} Keyword;

/* A class of the file, read lazily: only the chosen one is parsed. */
typedef enum
{
  BASE_MODULE,     /* nn.Module */
  BASE_SEQUENTIAL, /* nn.Sequential */
  BASE_LEAF,       /* nn.Linear and the other leaf modules */
} ClassBase;

typedef struct
{
  NnbPyToken *name;
  ClassBase base;
  NnbModuleKind leaf; /* BASE_LEAF */
  guint body;         /* index of the token after the class line's ':' */
} PyClass;

typedef struct
{
  GPtrArray *tokens;
  guint pos;
  GPtrArray *arena;         /* Expr* and Keyword* (g_free with the reader) */
  GPtrArray *lists;         /* the GPtrArrays of Expr (unref with the reader) */
  GHashTable *imports;      /* local name → "torch.nn", "collections.OrderedDict" … */
  GPtrArray *classes;       /* PyClass* */
  GHashTable *factories;    /* def NAME(): return EXPR → Expr* */
  Expr *model_line;         /* the last module-level `model = CALL` */
  GError *model_line_error; /* why the last `model = …` line that did not parse did not */
  GError *error;
} Reader;

/* The cursor */
NnbPyToken *py_peek (Reader *r);
NnbPyToken *py_peek_at (Reader *r, guint ahead);
NnbPyToken *py_next (Reader *r);
gboolean py_is_op (const NnbPyToken *tok, const char *op);
gboolean py_is_name (const NnbPyToken *tok, const char *name);
/* Consumes the operator or fails with "expected …" */
gboolean py_expect_op (Reader *r, const char *op, const char *what);
gboolean py_expect_name (Reader *r, NnbPyToken **name);
/* The end of a simple statement: NEWLINE (or a ';' is refused) */
gboolean py_expect_end (Reader *r);
/* Skips the rest of the statement and, when it opened one, its block */
void py_skip_statement (Reader *r);
/* Skips an indented block: at INDENT, to after the matching DEDENT */
void py_skip_block (Reader *r);
/* Enters a block after ':': NEWLINE INDENT */
gboolean py_enter_block (Reader *r, const char *what);

/* "line L, column C: message" as r->error; returns FALSE (or NULL). */
gboolean py_fail (Reader *r, const NnbPyToken *tok, const char *format, ...) G_GNUC_PRINTF (3, 4);
/* What a token is, for messages: "the name x", "a for loop", "'('" */
char *py_describe (const NnbPyToken *tok);

Expr *py_parse_expr (Reader *r);
/* The first token of an expression: where its messages point */
NnbPyToken *py_expr_start (const Expr *expr);
/* "nn.Linear" as written, for messages */
char *py_expr_text (const Expr *expr);
/* The dotted name an expression stands for through the imports
 * ("torch.nn.Linear" for nn.Linear after `from torch import nn`); NULL
 * when it is not one. */
char *py_resolve (Reader *r, const Expr *expr);

/* A number, a truth value, None or a string that __init__ computes */
typedef enum
{
  PY_NONE,
  PY_BOOL,
  PY_INT,
  PY_FLOAT,
  PY_STRING,
} PyScalarKind;

typedef struct
{
  PyScalarKind kind;
  gint64 i;      /* INT, BOOL */
  double f;      /* INT, FLOAT, BOOL */
  const char *s; /* STRING (the token's) */
} PyScalar;

PyClass *py_find_class (Reader *r, const char *name);

/* The module constructors (nnb-python-modules.c). env: name → PyScalar*
 * (may be NULL) */
gboolean py_eval_scalar (Reader *r, GHashTable *env, const Expr *expr, PyScalar *out);
gboolean py_bind_arguments (Reader *r, const Expr *call, const char *function, const char *const *params,
                            int n_params, int n_required, const Expr **bound);
gboolean py_leaf_kind (const char *name, NnbModuleKind *kind);
/* nn.Linear(…), nn.Sequential(…) … as a new module */
NnbModule *py_build_module (Reader *r, GHashTable *env, const Expr *expr);
/* nn.Sequential's arguments: modules (NnbModule*, owned) and their names */
gboolean py_sequential_layers (Reader *r, GHashTable *env, const Expr *call, GPtrArray *modules, GPtrArray *names);
/* The leaf constructor's arguments of a subclass of nn.Linear & co:
 * super().__init__(1, 1) */
NnbModule *py_build_leaf_call (Reader *r, GHashTable *env, const Expr *call, NnbModuleKind kind);

/* __init__ and the module level (nnb-python-import.c) */
NnbModel *py_build_class (Reader *r, PyClass *cls, const Expr *call);
NnbModel *py_build_expression (Reader *r, const Expr *call);

/* forward (nnb-python-forward.c): reads the body of forward (the cursor
 * after its ':' NEWLINE INDENT) into model's graph; input is the
 * parameter after self. self_index: TRUE for a Sequential subclass,
 * whose forward calls self[0], self[1]… */
gboolean py_read_forward (Reader *r, NnbModel *model, const char *self, NnbPyToken *input, gboolean self_index);
/* The chain x → each module → out that nn.Sequential's forward runs */
gboolean py_add_chain (NnbModel *model, gboolean bare, GError **error);

G_END_DECLS
