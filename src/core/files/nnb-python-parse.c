/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-python-parse.c — the model reader's cursor over the tokens and its
 * expression parser: names, numbers, strings, attributes, calls with
 * positional and keyword arguments, subscripts, lists, tuples, unary
 * minus and the binary operators. Anything else stops the parse with the
 * line, the column and what it is. */
#include "nnb-python-import-private.h"

#include <string.h>
#include "nnb-error.h"

#define MAX_NESTING 64 /* deeper expressions are refused, not recursed into */

NnbPyToken *
py_peek (Reader *r)
{
  return r->tokens->pdata[r->pos];
}

NnbPyToken *
py_peek_at (Reader *r, guint ahead)
{
  guint i = MIN (r->pos + ahead, r->tokens->len - 1);
  return r->tokens->pdata[i];
}

NnbPyToken *
py_next (Reader *r)
{
  NnbPyToken *tok = r->tokens->pdata[r->pos];

  if (tok->kind != NNB_PY_END)
    r->pos++;
  return tok;
}

gboolean
py_is_op (const NnbPyToken *tok, const char *op)
{
  return tok->kind == NNB_PY_OP && strcmp (tok->text, op) == 0;
}

gboolean
py_is_name (const NnbPyToken *tok, const char *name)
{
  return tok->kind == NNB_PY_NAME && strcmp (tok->text, name) == 0;
}

gboolean
py_fail (Reader *r, const NnbPyToken *tok, const char *format, ...)
{
  va_list args;
  g_autofree char *message = NULL;

  if (r->error != NULL)
    return FALSE;
  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (&r->error, NNB_FILE_ERROR, NNB_FILE_ERROR_INVALID, "line %d, column %d: %s", tok->line, tok->column,
               message);
  return FALSE;
}

char *
py_describe (const NnbPyToken *tok)
{
  static const struct
  {
    const char *keyword, *what;
  } keywords[] = {
    { "for", "a for loop" },
    { "while", "a while loop" },
    { "if", "an if statement" },
    { "with", "a with statement" },
    { "try", "a try statement" },
    { "lambda", "a lambda" },
    { "yield", "yield" },
    { "global", "a global statement" },
    { "del", "a del statement" },
    { "import", "an import" },
    { "from", "an import" },
    { "class", "a class" },
    { "def", "a function" },
    { "assert", "an assert" },
    { "raise", "a raise statement" },
    { "async", "async code" },
    { "await", "await" },
    { "pass", "pass" },
    { "not", "'not'" },
    { "and", "'and'" },
    { "or", "'or'" },
  };

  switch (tok->kind)
    {
    case NNB_PY_NAME:
      for (guint i = 0; i < G_N_ELEMENTS (keywords); i++)
        if (strcmp (tok->text, keywords[i].keyword) == 0)
          return g_strdup (keywords[i].what);
      return g_strdup_printf ("the name %s", tok->text);
    case NNB_PY_NUMBER:
      return g_strdup_printf ("the number %s", tok->text);
    case NNB_PY_STRING:
      return g_strdup ("a string");
    case NNB_PY_OP:
      return g_strdup_printf ("'%s'", tok->text);
    case NNB_PY_NEWLINE:
      return g_strdup ("the end of the line");
    case NNB_PY_INDENT:
      return g_strdup ("an indented block");
    case NNB_PY_DEDENT:
    case NNB_PY_END:
    default:
      return g_strdup ("the end of the block");
    }
}

gboolean
py_expect_op (Reader *r, const char *op, const char *what)
{
  NnbPyToken *tok = py_peek (r);
  g_autofree char *found = NULL;

  if (py_is_op (tok, op))
    {
      py_next (r);
      return TRUE;
    }
  found = py_describe (tok);
  return py_fail (r, tok, "expected %s, not %s.", what, found);
}

gboolean
py_expect_name (Reader *r, NnbPyToken **name)
{
  NnbPyToken *tok = py_peek (r);
  g_autofree char *found = NULL;

  if (tok->kind == NNB_PY_NAME)
    {
      *name = py_next (r);
      return TRUE;
    }
  found = py_describe (tok);
  return py_fail (r, tok, "expected a name, not %s.", found);
}

gboolean
py_expect_end (Reader *r)
{
  NnbPyToken *tok = py_peek (r);
  g_autofree char *found = NULL;

  if (tok->kind == NNB_PY_NEWLINE)
    {
      py_next (r);
      return TRUE;
    }
  if (tok->kind == NNB_PY_END || tok->kind == NNB_PY_DEDENT)
    return TRUE;
  if (py_is_op (tok, ";"))
    return py_fail (r, tok, "write one statement per line here, without ';'.");
  found = py_describe (tok);
  return py_fail (r, tok, "%s is not understood here.", found);
}

void
py_skip_block (Reader *r)
{
  int depth = 0;

  do
    {
      NnbPyToken *tok = py_next (r);
      if (tok->kind == NNB_PY_INDENT)
        depth++;
      else if (tok->kind == NNB_PY_DEDENT)
        depth--;
      else if (tok->kind == NNB_PY_END)
        return;
    }
  while (depth > 0);
}

void
py_skip_statement (Reader *r)
{
  for (;;)
    {
      NnbPyToken *tok = py_peek (r);
      if (tok->kind == NNB_PY_END || tok->kind == NNB_PY_DEDENT)
        return;
      py_next (r);
      if (tok->kind == NNB_PY_NEWLINE)
        break;
    }
  if (py_peek (r)->kind == NNB_PY_INDENT)
    py_skip_block (r);
}

gboolean
py_enter_block (Reader *r, const char *what)
{
  if (!py_expect_op (r, ":", "':'"))
    return FALSE;
  if (py_peek (r)->kind != NNB_PY_NEWLINE)
    return py_fail (r, py_peek (r), "write the body of %s on the lines below it, indented.", what);
  py_next (r);
  if (py_peek (r)->kind != NNB_PY_INDENT)
    return py_fail (r, py_peek (r), "expected an indented block after %s.", what);
  py_next (r);
  return TRUE;
}

/* ---------------------------------------------------------------- parse */

static Expr *
new_expr (Reader *r, ExprKind kind, NnbPyToken *tok)
{
  Expr *expr = g_new0 (Expr, 1);

  expr->kind = kind;
  expr->tok = tok;
  g_ptr_array_add (r->arena, expr);
  return expr;
}

static GPtrArray *
new_list (Reader *r)
{
  GPtrArray *list = g_ptr_array_new ();

  g_ptr_array_add (r->lists, list);
  return list;
}

static Expr *parse_expr (Reader *r, int depth);

static gboolean
at_close (NnbPyToken *tok, const char *close)
{
  return py_is_op (tok, close);
}

/* Elements up to close (which is consumed): for lists, tuples and calls.
 * keywords: a call's, NULL elsewhere. Returns whether a comma was seen. */
static gboolean
parse_items (Reader *r, const char *close, GPtrArray *items, GPtrArray *keywords, gboolean *comma, int depth)
{
  *comma = FALSE;
  while (!at_close (py_peek (r), close))
    {
      NnbPyToken *tok = py_peek (r);
      Expr *value;

      if (py_is_op (tok, "*") || py_is_op (tok, "**"))
        return py_fail (r, tok, "unpacking with %s is not understood here.", tok->text);
      if (keywords != NULL && tok->kind == NNB_PY_NAME && py_is_op (py_peek_at (r, 1), "="))
        {
          Keyword *keyword = g_new0 (Keyword, 1);
          g_ptr_array_add (r->arena, keyword);
          keyword->name = py_next (r);
          py_next (r);
          keyword->value = parse_expr (r, depth + 1);
          if (keyword->value == NULL)
            return FALSE;
          g_ptr_array_add (keywords, keyword);
        }
      else
        {
          if (keywords != NULL && keywords->len > 0)
            return py_fail (r, tok, "positional argument follows keyword argument.");
          value = parse_expr (r, depth + 1);
          if (value == NULL)
            return FALSE;
          g_ptr_array_add (items, value);
        }
      if (py_is_op (py_peek (r), ","))
        {
          py_next (r);
          *comma = TRUE;
        }
      else if (!at_close (py_peek (r), close))
        {
          g_autofree char *found = py_describe (py_peek (r));
          return py_fail (r, py_peek (r), "expected ',' or '%s', not %s.", close, found);
        }
    }
  py_next (r);
  return TRUE;
}

static Expr *
parse_atom (Reader *r, int depth)
{
  NnbPyToken *tok = py_peek (r);
  Expr *expr;
  gboolean comma;

  if (depth > MAX_NESTING)
    {
      py_fail (r, tok, "this expression is nested too deeply.");
      return NULL;
    }
  if (tok->kind == NNB_PY_NAME)
    {
      g_autofree char *what = py_describe (tok);
      if (strncmp (what, "the name ", 9) != 0)
        {
          py_fail (r, tok, "%s is not understood in a model's code.", what);
          return NULL;
        }
      return new_expr (r, EXPR_NAME, py_next (r));
    }
  if (tok->kind == NNB_PY_NUMBER)
    return new_expr (r, EXPR_NUMBER, py_next (r));
  if (tok->kind == NNB_PY_STRING)
    {
      expr = new_expr (r, EXPR_STRING, py_next (r));
      /* "a" "b": implicit concatenation, as in a docstring split over lines */
      while (py_peek (r)->kind == NNB_PY_STRING)
        py_next (r);
      return expr;
    }
  if (py_is_op (tok, "(") || py_is_op (tok, "["))
    {
      gboolean list = py_is_op (tok, "[");
      py_next (r);
      expr = new_expr (r, list ? EXPR_LIST : EXPR_TUPLE, tok);
      expr->items = new_list (r);
      if (!parse_items (r, list ? "]" : ")", expr->items, NULL, &comma, depth))
        return NULL;
      /* (a) is a, (a,) a tuple */
      if (!list && expr->items->len == 1 && !comma)
        return expr->items->pdata[0];
      return expr;
    }
  {
    g_autofree char *what = py_describe (tok);
    py_fail (r, tok, "expected a value, not %s.", what);
  }
  return NULL;
}

static Expr *
parse_postfix (Reader *r, int depth)
{
  Expr *expr = parse_atom (r, depth);
  gboolean comma;

  while (expr != NULL)
    {
      NnbPyToken *tok = py_peek (r);
      Expr *outer;

      if (py_is_op (tok, "."))
        {
          py_next (r);
          outer = new_expr (r, EXPR_ATTR, NULL);
          if (!py_expect_name (r, &outer->tok))
            return NULL;
          outer->a = expr;
        }
      else if (py_is_op (tok, "("))
        {
          py_next (r);
          outer = new_expr (r, EXPR_CALL, tok);
          outer->a = expr;
          outer->items = new_list (r);
          outer->keywords = new_list (r);
          if (!parse_items (r, ")", outer->items, outer->keywords, &comma, depth + 1))
            return NULL;
        }
      else if (py_is_op (tok, "["))
        {
          py_next (r);
          outer = new_expr (r, EXPR_SUBSCRIPT, tok);
          outer->a = expr;
          if (py_is_op (py_peek (r), ":") || (outer->b = parse_expr (r, depth + 1)) == NULL)
            {
              py_fail (r, py_peek (r), "only an index such as self[0] is understood here, not a slice.");
              return NULL;
            }
          if (!py_expect_op (r, "]", "']'"))
            return NULL;
        }
      else
        return expr;
      expr = outer;
    }
  return NULL;
}

static Expr *
parse_unary (Reader *r, int depth)
{
  NnbPyToken *tok = py_peek (r);

  if (depth > MAX_NESTING)
    {
      py_fail (r, tok, "this expression is nested too deeply.");
      return NULL;
    }
  if (py_is_op (tok, "-") || py_is_op (tok, "+"))
    {
      Expr *expr, *inner;
      py_next (r);
      inner = parse_unary (r, depth + 1);
      if (inner == NULL || py_is_op (tok, "+"))
        return inner;
      expr = new_expr (r, EXPR_NEG, tok);
      expr->a = inner;
      return expr;
    }
  return parse_postfix (r, depth);
}

static Expr *
parse_binary (Reader *r, int depth, const char *const *ops, Expr *(*operand) (Reader *, int) )
{
  Expr *expr = operand (r, depth);

  while (expr != NULL)
    {
      NnbPyToken *tok = py_peek (r);
      gboolean found = FALSE;
      Expr *outer;

      for (guint i = 0; ops[i] != NULL; i++)
        found |= py_is_op (tok, ops[i]);
      if (!found)
        return expr;
      py_next (r);
      outer = new_expr (r, EXPR_BINOP, tok);
      outer->op = tok->text;
      outer->a = expr;
      outer->b = operand (r, depth + 1);
      if (outer->b == NULL)
        return NULL;
      expr = outer;
    }
  return NULL;
}

static Expr *
parse_term (Reader *r, int depth)
{
  static const char *const ops[] = { "*", "/", "//", "%", "@", NULL };
  return parse_binary (r, depth, ops, parse_unary);
}

static Expr *
parse_expr (Reader *r, int depth)
{
  static const char *const ops[] = { "+", "-", NULL };
  Expr *expr = parse_binary (r, depth, ops, parse_term);
  NnbPyToken *tok;

  if (expr == NULL)
    return NULL;
  tok = py_peek (r);
  if (py_is_op (tok, "**") || py_is_op (tok, "<") || py_is_op (tok, ">") || py_is_op (tok, "==") ||
      py_is_op (tok, "!=") || py_is_op (tok, "<=") || py_is_op (tok, ">=") || py_is_op (tok, "|") ||
      py_is_op (tok, "&") || py_is_op (tok, "^") || py_is_op (tok, "<<") || py_is_op (tok, ">>") ||
      py_is_name (tok, "if") || py_is_name (tok, "and") || py_is_name (tok, "or") || py_is_name (tok, "for") ||
      py_is_name (tok, "is") || py_is_name (tok, "in") || py_is_name (tok, "not"))
    {
      g_autofree char *what = py_is_name (tok, "if") ? g_strdup ("a conditional expression (a if b else c)")
                                                     : py_describe (tok);
      py_fail (r, tok, "%s is not understood in a model's code.", what);
      return NULL;
    }
  return expr;
}

Expr *
py_parse_expr (Reader *r)
{
  return parse_expr (r, 0);
}

char *
py_expr_text (const Expr *expr)
{
  switch (expr->kind)
    {
    case EXPR_ATTR:
      {
        g_autofree char *left = py_expr_text (expr->a);
        return g_strdup_printf ("%s.%s", left, expr->tok->text);
      }
    case EXPR_CALL:
      {
        g_autofree char *left = py_expr_text (expr->a);
        return g_strdup_printf ("%s(…)", left);
      }
    case EXPR_NAME:
    case EXPR_NUMBER:
      return g_strdup (expr->tok->text);
    default:
      return g_strdup ("this expression");
    }
}

char *
py_resolve (Reader *r, const Expr *expr)
{
  if (expr->kind == EXPR_NAME)
    {
      const char *target = g_hash_table_lookup (r->imports, expr->tok->text);
      return g_strdup (target);
    }
  if (expr->kind == EXPR_ATTR)
    {
      g_autofree char *left = py_resolve (r, expr->a);
      if (left == NULL)
        return NULL;
      return g_strdup_printf ("%s.%s", left, expr->tok->text);
    }
  return NULL;
}

NnbPyToken *
py_expr_start (const Expr *expr)
{
  while ((expr->kind == EXPR_ATTR || expr->kind == EXPR_CALL || expr->kind == EXPR_SUBSCRIPT ||
          expr->kind == EXPR_BINOP) &&
         expr->a != NULL)
    expr = expr->a;
  return expr->tok;
}
