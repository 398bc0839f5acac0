/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-python-import.c — code → diagram: the module level of a Python file
 * (imports, classes, `model = …`) and a class's __init__. The forward is
 * nnb-python-forward.c's, the constructors nnb-python-modules.c's, the
 * tokens nnb-python-tokens.c's. */
#include "nnb-python-import.h"
#include "nnb-python-import-private.h"

#include <string.h>
#include "nnb-error.h"

/* Modules a model file may import: PyTorch's that the reader knows, and
 * Python's own that a page's program uses around the model (their names
 * are never part of a model the reader accepts). */
static const char *const known_modules[] = {
  "torch",
  "torch.nn",
  "torch.nn.functional",
  "torch.optim",
  "collections",
  "math",
  "json",
  "os",
  "struct",
  "sys",
  "random",
  "time",
  "typing",
  "__future__",
};

static gboolean
module_known (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (known_modules); i++)
    if (strcmp (known_modules[i], name) == 0)
      return TRUE;
  return FALSE;
}

/* a.b.c as written; NULL on error */
static char *
dotted_name (Reader *r, NnbPyToken **first)
{
  NnbPyToken *part;
  GString *name;

  if (!py_expect_name (r, &part))
    return NULL;
  *first = part;
  name = g_string_new (part->text);
  while (py_is_op (py_peek (r), "."))
    {
      py_next (r);
      if (!py_expect_name (r, &part))
        return (g_string_free (name, TRUE), NULL);
      g_string_append_printf (name, ".%s", part->text);
    }
  return g_string_free (name, FALSE);
}

static gboolean
refuse_import (Reader *r, NnbPyToken *at, const char *name)
{
  return py_fail (r, at,
                  "only import torch, torch.nn, torch.nn.functional and collections.OrderedDict are understood "
                  "(and Python's math, os, sys…), not %s.",
                  name);
}

/* import a.b [as c], … | from a.b import c [as d], … */
static gboolean
read_import (Reader *r)
{
  NnbPyToken *keyword = py_next (r), *first, *alias;
  gboolean from = py_is_name (keyword, "from");
  g_autofree char *module = NULL;

  if (from)
    {
      gboolean paren;
      if ((module = dotted_name (r, &first)) == NULL)
        return FALSE;
      if (!module_known (module))
        return refuse_import (r, keyword, module);
      if (!py_is_name (py_peek (r), "import"))
        return py_expect_op (r, "import", "import");
      py_next (r);
      if (py_is_op (py_peek (r), "*"))
        return py_fail (r, py_peek (r), "import * is not understood: name what you import.");
      paren = py_is_op (py_peek (r), "(");
      if (paren)
        py_next (r);
      for (;;)
        {
          NnbPyToken *name;
          g_autofree char *full = NULL;
          if (!py_expect_name (r, &name))
            return FALSE;
          alias = name;
          if (py_is_name (py_peek (r), "as"))
            {
              py_next (r);
              if (!py_expect_name (r, &alias))
                return FALSE;
            }
          full = g_strdup_printf ("%s.%s", module, name->text);
          g_hash_table_insert (r->imports, g_strdup (alias->text), g_steal_pointer (&full));
          if (!py_is_op (py_peek (r), ","))
            break;
          py_next (r);
          if (paren && py_is_op (py_peek (r), ")"))
            break;
        }
      if (paren && !py_expect_op (r, ")", "')'"))
        return FALSE;
      return py_expect_end (r);
    }
  for (;;)
    {
      if ((module = dotted_name (r, &first)) == NULL)
        return FALSE;
      if (!module_known (module))
        return refuse_import (r, first, module);
      if (py_is_name (py_peek (r), "as"))
        {
          py_next (r);
          if (!py_expect_name (r, &alias))
            return FALSE;
          g_hash_table_insert (r->imports, g_strdup (alias->text), g_strdup (module));
        }
      else
        {
          /* import torch.nn binds torch */
          char *dot = strchr (module, '.');
          if (dot != NULL)
            *dot = '\0';
          g_hash_table_insert (r->imports, g_strdup (module), g_strdup (module));
        }
      g_clear_pointer (&module, g_free);
      if (!py_is_op (py_peek (r), ","))
        break;
      py_next (r);
    }
  return py_expect_end (r);
}

PyClass *
py_find_class (Reader *r, const char *name)
{
  for (guint i = 0; i < r->classes->len; i++)
    {
      PyClass *cls = r->classes->pdata[i];
      if (strcmp (cls->name->text, name) == 0)
        return cls;
    }
  return NULL;
}

/* class Name(base): the base decides whether it is a model class */
static gboolean
read_class (Reader *r)
{
  NnbPyToken *name;
  PyClass *cls;
  Expr *base = NULL;
  g_autofree char *target = NULL;

  py_next (r);
  if (!py_expect_name (r, &name))
    return FALSE;
  if (py_is_op (py_peek (r), "("))
    {
      py_next (r);
      if (!py_is_op (py_peek (r), ")") && (base = py_parse_expr (r)) == NULL)
        return FALSE;
      while (!py_is_op (py_peek (r), ")") && py_peek (r)->kind != NNB_PY_NEWLINE && py_peek (r)->kind != NNB_PY_END)
        py_next (r);
      if (!py_expect_op (r, ")", "')'"))
        return FALSE;
    }
  if (!py_is_op (py_peek (r), ":"))
    return py_expect_op (r, ":", "':'");
  py_next (r);
  if (base != NULL)
    target = py_resolve (r, base);
  cls = g_new0 (PyClass, 1);
  cls->name = name;
  cls->body = r->pos;
  if (target != NULL && strcmp (target, "torch.nn.Module") == 0)
    cls->base = BASE_MODULE;
  else if (target != NULL && strcmp (target, "torch.nn.Sequential") == 0)
    cls->base = BASE_SEQUENTIAL;
  else if (target != NULL && g_str_has_prefix (target, "torch.nn.") && py_leaf_kind (target + 9, &cls->leaf))
    cls->base = BASE_LEAF;
  else
    {
      g_free (cls);
      cls = NULL;
    }
  if (cls != NULL)
    g_ptr_array_add (r->classes, cls);
  py_skip_statement (r);
  return TRUE;
}

/* def name(): ["""doc"""] return EXPR — a factory a `model = name()` line
 * may call; any other function is part of the program around the model */
static void
read_def (Reader *r)
{
  guint start = r->pos;
  NnbPyToken *name = py_peek_at (r, 1);
  Expr *value;

  r->pos += 2;
  if (name->kind == NNB_PY_NAME && py_is_op (py_peek (r), "(") && py_is_op (py_peek_at (r, 1), ")") &&
      py_is_op (py_peek_at (r, 2), ":") && py_peek_at (r, 3)->kind == NNB_PY_NEWLINE &&
      py_peek_at (r, 4)->kind == NNB_PY_INDENT)
    {
      r->pos += 5;
      if (py_peek (r)->kind == NNB_PY_STRING && py_peek_at (r, 1)->kind == NNB_PY_NEWLINE)
        r->pos += 2;
      if (py_is_name (py_peek (r), "return"))
        {
          py_next (r);
          value = py_parse_expr (r);
          if (value != NULL && py_peek (r)->kind == NNB_PY_NEWLINE && py_peek_at (r, 1)->kind == NNB_PY_DEDENT)
            g_hash_table_insert (r->factories, g_strdup (name->text), value);
          g_clear_error (&r->error);
        }
    }
  r->pos = start;
  py_skip_statement (r);
}

static gboolean
is_model_call (Reader *r, const Expr *expr)
{
  g_autofree char *target = NULL;

  if (expr->kind != EXPR_CALL)
    return FALSE;
  if (expr->a->kind == EXPR_NAME &&
      (py_find_class (r, expr->a->tok->text) != NULL || g_hash_table_contains (r->factories, expr->a->tok->text)))
    return TRUE;
  target = py_resolve (r, expr->a);
  return target != NULL && g_str_has_prefix (target, "torch.nn.") && strchr (target + 9, '.') == NULL;
}

/* if __name__ == "__main__": */
static gboolean
is_main_guard (Reader *r)
{
  NnbPyToken *string = py_peek_at (r, 3);

  return (py_is_name (py_peek (r), "if") || py_is_name (py_peek (r), "elif")) &&
         py_is_name (py_peek_at (r, 1), "__name__") && py_is_op (py_peek_at (r, 2), "==") &&
         string->kind == NNB_PY_STRING && strcmp (string->text, "__main__") == 0 && py_is_op (py_peek_at (r, 4), ":") &&
         py_peek_at (r, 5)->kind == NNB_PY_NEWLINE && py_peek_at (r, 6)->kind == NNB_PY_INDENT;
}

/* Module-level statements up to the end of the block (or the file) */
static gboolean
read_module_level (Reader *r)
{
  for (;;)
    {
      NnbPyToken *tok = py_peek (r);

      if (tok->kind == NNB_PY_END)
        return TRUE;
      if (tok->kind == NNB_PY_DEDENT)
        {
          py_next (r);
          return TRUE;
        }
      if (tok->kind == NNB_PY_INDENT)
        return py_fail (r, tok, "unexpected indent.");
      if (py_is_name (tok, "import") || py_is_name (tok, "from"))
        {
          if (!read_import (r))
            return FALSE;
        }
      else if (py_is_name (tok, "class"))
        {
          if (!read_class (r))
            return FALSE;
        }
      else if (py_is_name (tok, "def"))
        read_def (r);
      else if (is_main_guard (r))
        {
          r->pos += 7;
          if (!read_module_level (r))
            return FALSE;
        }
      else if (py_is_name (tok, "model") && py_is_op (py_peek_at (r, 1), "="))
        {
          guint start = r->pos;
          Expr *value;
          r->pos += 2;
          value = py_parse_expr (r);
          if (value != NULL && py_peek (r)->kind == NNB_PY_NEWLINE && is_model_call (r, value))
            r->model_line = value;
          /* `model = model.to(device)` is the program's business, but a
           * line the reader cannot parse may be the model: say so when no
           * other line gives one */
          if (value == NULL)
            {
              g_clear_error (&r->model_line_error);
              r->model_line_error = g_steal_pointer (&r->error);
            }
          g_clear_error (&r->error);
          r->pos = start;
          py_skip_statement (r);
        }
      else
        py_skip_statement (r);
    }
}

/* ---------------------------------------------------------------- API */

static void
reader_clear (Reader *r)
{
  g_clear_pointer (&r->tokens, g_ptr_array_unref);
  g_clear_pointer (&r->arena, g_ptr_array_unref);
  g_clear_pointer (&r->lists, g_ptr_array_unref);
  g_clear_pointer (&r->imports, g_hash_table_unref);
  g_clear_pointer (&r->classes, g_ptr_array_unref);
  g_clear_pointer (&r->factories, g_hash_table_unref);
  g_clear_error (&r->error);
  g_clear_error (&r->model_line_error);
}

static gboolean
reader_init (Reader *r, const char *source, gssize length, GError **error)
{
  memset (r, 0, sizeof *r);
  r->tokens = nnb_py_tokenize (source, length, error);
  if (r->tokens == NULL)
    return FALSE;
  r->arena = g_ptr_array_new_with_free_func (g_free);
  r->lists = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  r->imports = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  r->classes = g_ptr_array_new_with_free_func (g_free);
  r->factories = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (!read_module_level (r))
    {
      g_propagate_error (error, g_steal_pointer (&r->error));
      reader_clear (r);
      return FALSE;
    }
  return TRUE;
}

/* The class a file without --class gives, or -1 */
static int
chosen_class (Reader *r, gboolean *by_line)
{
  *by_line = FALSE;
  if (r->model_line != NULL && r->model_line->a->kind == EXPR_NAME)
    for (guint i = 0; i < r->classes->len; i++)
      if (strcmp (((PyClass *) r->classes->pdata[i])->name->text, r->model_line->a->tok->text) == 0)
        {
          *by_line = TRUE;
          return i;
        }
  if (r->model_line != NULL)
    return -1;
  return (int) r->classes->len - 1;
}

NnbModel *
nnb_python_import (const char *source, gssize length, const char *class_name, GError **error)
{
  Reader r;
  NnbModel *model = NULL;

  g_return_val_if_fail (source != NULL, NULL);
  if (!reader_init (&r, source, length, error))
    return NULL;
  if (class_name != NULL)
    {
      PyClass *cls = py_find_class (&r, class_name);
      const Expr *call = r.model_line != NULL && r.model_line->a->kind == EXPR_NAME &&
                             strcmp (r.model_line->a->tok->text, class_name) == 0
                           ? r.model_line
                           : NULL;
      if (cls == NULL)
        {
          GString *names = g_string_new (NULL);
          for (guint i = 0; i < r.classes->len; i++)
            g_string_append_printf (names, "%s%s", i ? ", " : "", ((PyClass *) r.classes->pdata[i])->name->text);
          g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_INVALID, "The file has no model class %s%s%s.", class_name,
                       names->len ? "; its model classes are " : "", names->str);
          g_string_free (names, TRUE);
          reader_clear (&r);
          return NULL;
        }
      model = py_build_class (&r, cls, call);
    }
  else if (r.model_line != NULL)
    model = py_build_expression (&r, r.model_line);
  else if (r.classes->len > 0)
    model = py_build_class (&r, r.classes->pdata[r.classes->len - 1], NULL);
  else if (r.model_line_error != NULL)
    r.error = g_steal_pointer (&r.model_line_error);
  else
    g_set_error (&r.error, NNB_FILE_ERROR, NNB_FILE_ERROR_INVALID,
                 "The file defines no subclass of nn.Module and no `model = …` line, so there is no model to draw.");
  if (model == NULL)
    {
      if (r.error == NULL)
        g_set_error (&r.error, NNB_FILE_ERROR, NNB_FILE_ERROR_INVALID, "The model could not be read.");
      g_propagate_error (error, g_steal_pointer (&r.error));
    }
  reader_clear (&r);
  return model;
}

char **
nnb_python_import_classes (const char *source, gssize length, int *chosen, gboolean *by_model_line, GError **error)
{
  Reader r;
  GStrvBuilder *builder;
  gboolean by_line;
  int pick;

  g_return_val_if_fail (source != NULL, NULL);
  if (!reader_init (&r, source, length, error))
    return NULL;
  builder = g_strv_builder_new ();
  for (guint i = 0; i < r.classes->len; i++)
    g_strv_builder_add (builder, ((PyClass *) r.classes->pdata[i])->name->text);
  pick = chosen_class (&r, &by_line);
  if (chosen != NULL)
    *chosen = pick;
  if (by_model_line != NULL)
    *by_model_line = by_line;
  reader_clear (&r);
  {
    char **names = g_strv_builder_end (builder);
    g_strv_builder_unref (builder);
    return names;
  }
}
