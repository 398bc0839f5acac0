/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-python-class.c — the model reader's classes: a class's __init__
 * (super().__init__(), self.NAME = module, local numbers, the arguments of
 * the `model = Name(…)` line bound to its parameters) and what a
 * module-level `model = …` line builds. The forward is
 * nnb-python-forward.c's. */
#include "nnb-python-import-private.h"

#include <string.h>
#include "nnb-error.h"

/* ------------------------------------------------------------ __init__ */

typedef struct
{
  NnbPyToken *name;
  Expr *default_value;
} Param;

/* (self, a: int, b=3) after the name; returns the parameters after self */
static GArray *
read_params (Reader *r, NnbPyToken **self_name)
{
  g_autoptr (GArray) params = g_array_new (FALSE, FALSE, sizeof (Param));

  if (!py_expect_op (r, "(", "'('"))
    return NULL;
  while (!py_is_op (py_peek (r), ")"))
    {
      Param param = { 0 };
      NnbPyToken *tok = py_peek (r);
      if (py_is_op (tok, "*") || py_is_op (tok, "**") || py_is_op (tok, "/"))
        return (py_fail (r, tok, "'%s' in a parameter list is not understood here.", tok->text), NULL);
      if (!py_expect_name (r, &param.name))
        return NULL;
      if (py_is_op (py_peek (r), ":") && py_parse_expr ((py_next (r), r)) == NULL)
        return NULL;
      if (py_is_op (py_peek (r), "="))
        {
          py_next (r);
          if ((param.default_value = py_parse_expr (r)) == NULL)
            return NULL;
        }
      if (*self_name == NULL)
        *self_name = param.name;
      else
        g_array_append_val (params, param);
      if (!py_is_op (py_peek (r), ","))
        break;
      py_next (r);
    }
  if (!py_expect_op (r, ")", "')'"))
    return NULL;
  if (*self_name == NULL)
    return (py_fail (r, py_peek (r), "a method needs self as its first parameter."), NULL);
  if (py_is_op (py_peek (r), "->"))
    {
      py_next (r);
      if (py_parse_expr (r) == NULL)
        return NULL;
    }
  return g_steal_pointer (&params);
}

static void
env_set (GHashTable *env, const char *name, const PyScalar *value)
{
  g_hash_table_insert (env, g_strdup (name), g_memdup2 (value, sizeof *value));
}

/* The class's parameters bound from the call (the `model = Name(…)` line)
 * or their defaults */
static gboolean
bind_params (Reader *r, PyClass *cls, GArray *params, const Expr *call, GHashTable *env)
{
  g_autofree const char **names = g_new0 (const char *, params->len + 1);
  g_autofree const Expr **bound = g_new0 (const Expr *, params->len + 1);
  g_autofree char *function = g_strdup_printf ("%s.__init__", cls->name->text);
  Expr empty = { EXPR_CALL, cls->name };
  g_autoptr (GPtrArray) none = g_ptr_array_new ();
  int n_required = 0;

  empty.items = none;
  empty.keywords = none;
  for (guint i = 0; i < params->len; i++)
    {
      names[i] = g_array_index (params, Param, i).name->text;
      if (g_array_index (params, Param, i).default_value == NULL)
        n_required = i + 1;
    }
  if (!py_bind_arguments (r, call != NULL ? call : &empty, function, names, params->len, 0, bound))
    return FALSE;
  for (guint i = 0; i < params->len; i++)
    {
      const Param *param = &g_array_index (params, Param, i);
      PyScalar value;
      if (bound[i] == NULL && param->default_value == NULL)
        return py_fail (r, call != NULL ? call->tok : cls->name, "%s() missing 1 required positional argument: '%s'.",
                        function, param->name->text);
      (void) n_required;
      if (!py_eval_scalar (r, NULL, bound[i] != NULL ? bound[i] : param->default_value, &value))
        return FALSE;
      env_set (env, param->name->text, &value);
    }
  return TRUE;
}

/* super().__init__(…) or super(Name, self).__init__(…): the call */
static const Expr *
super_init_call (const Expr *expr)
{
  const Expr *callee;

  if (expr->kind != EXPR_CALL || (callee = expr->a)->kind != EXPR_ATTR || strcmp (callee->tok->text, "__init__") != 0 ||
      callee->a->kind != EXPR_CALL || callee->a->a->kind != EXPR_NAME || strcmp (callee->a->a->tok->text, "super") != 0)
    return NULL;
  return expr;
}

static gboolean
register_module (Reader *r, NnbModel *model, NnbPyToken *at, const char *name, NnbModule *module)
{
  g_autoptr (GError) engine = NULL;

  if (nnb_model_get_module (model, name) != NULL)
    return py_fail (r, at, "self.%s is assigned twice; NN Blocks keeps one module per name.", name);
  if (!nnb_model_register_module (model, name, module, &engine))
    return py_fail (r, at, "%s", engine->message);
  return TRUE;
}

/* The super().__init__(…) of a subclass of nn.Sequential or of a leaf */
static gboolean
init_base (Reader *r, PyClass *cls, NnbModel *model, GHashTable *env, const Expr *call)
{
  if (cls->base == BASE_MODULE)
    {
      if (call->items->len > 0 || call->keywords->len > 0)
        return py_fail (r, call->tok, "nn.Module.__init__() takes no arguments here.");
      return TRUE;
    }
  if (cls->base == BASE_LEAF)
    {
      g_autoptr (NnbModule) module = py_build_leaf_call (r, env, call, cls->leaf);
      return module != NULL && register_module (r, model, call->tok, "", module);
    }
  {
    g_autoptr (GPtrArray) modules = g_ptr_array_new_with_free_func ((GDestroyNotify) nnb_module_unref);
    g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
    if (!py_sequential_layers (r, env, call, modules, names))
      return FALSE;
    if (names->len > 0 && g_ascii_isdigit (((char *) names->pdata[0])[0]))
      {
        /* layers by position (0, 1, 2…): the engine's nn.Sequential, whose
         * class name print(model) shows; named layers keep the subclass */
        g_free (model->class_name);
        model->class_name = g_strdup ("Sequential");
      }
    for (guint i = 0; i < modules->len; i++)
      if (!register_module (r, model, call->tok, names->pdata[i], modules->pdata[i]))
        return FALSE;
    return TRUE;
  }
}

static gboolean
refuse_statement (Reader *r, const char *where)
{
  NnbPyToken *tok = py_peek (r);
  g_autofree char *what = py_describe (tok);

  if (g_str_has_prefix (what, "the name ") || tok->kind == NNB_PY_OP)
    return py_fail (r, tok, "this statement in %s cannot be drawn as blocks.", where);
  return py_fail (r, tok, "%s in %s cannot be drawn as blocks.", what, where);
}

/* The body of __init__, after its ':' NEWLINE INDENT */
static gboolean
read_init_body (Reader *r, PyClass *cls, NnbModel *model, GHashTable *env, const char *self)
{
  gboolean initialised = FALSE;

  while (py_peek (r)->kind != NNB_PY_DEDENT && py_peek (r)->kind != NNB_PY_END)
    {
      NnbPyToken *tok = py_peek (r);
      Expr *target, *value;
      const Expr *call;

      if (tok->kind == NNB_PY_STRING && py_peek_at (r, 1)->kind == NNB_PY_NEWLINE)
        {
          r->pos += 2;
          continue;
        }
      {
        g_autofree char *what = py_describe (tok);
        if (!g_str_has_prefix (what, "the name "))
          return refuse_statement (r, "__init__()");
      }
      if ((target = py_parse_expr (r)) == NULL)
        return FALSE;
      if ((call = super_init_call (target)) != NULL)
        {
          if (initialised)
            return py_fail (r, tok, "super().__init__() is called twice.");
          if (!init_base (r, cls, model, env, call) || !py_expect_end (r))
            return FALSE;
          initialised = TRUE;
          continue;
        }
      if (py_is_op (py_peek (r), ":"))
        return py_fail (r, py_peek (r), "an annotated assignment in __init__() is not understood here.");
      if (!py_is_op (py_peek (r), "="))
        return py_fail (r, tok, "this statement in __init__() cannot be drawn as blocks: only super().__init__() and "
                                "assignments such as self.fc1 = nn.Linear(3, 16) are understood.");
      py_next (r);
      if ((value = py_parse_expr (r)) == NULL || !py_expect_end (r))
        return FALSE;
      if (target->kind == EXPR_NAME)
        {
          PyScalar scalar;
          if (!py_eval_scalar (r, env, value, &scalar))
            return FALSE;
          env_set (env, target->tok->text, &scalar);
          continue;
        }
      if (target->kind != EXPR_ATTR || target->a->kind != EXPR_NAME || strcmp (target->a->tok->text, self) != 0)
        return py_fail (r, tok, "only assignments to self.NAME or to a local name are understood in __init__().");
      if (!initialised)
        return py_fail (r, tok, "cannot assign module before Module.__init__() call");
      if (cls->base != BASE_MODULE)
        return py_fail (r, tok, "a subclass of nn.%s cannot register more modules here.",
                        cls->base == BASE_SEQUENTIAL ? "Sequential" : nnb_module_kind_to_string (cls->leaf));
      if (value->kind == EXPR_ATTR && value->a->kind == EXPR_NAME && strcmp (value->a->tok->text, self) == 0 &&
          nnb_model_get_module (model, value->tok->text) != NULL)
        {
          /* self.act2 = self.act: one module under two names */
          if (!register_module (r, model, target->tok, target->tok->text, nnb_model_get_module (model, value->tok->text)))
            return FALSE;
          continue;
        }
      if (value->kind != EXPR_CALL)
        {
          PyScalar scalar;
          g_autofree char *key = g_strdup_printf ("%s.%s", self, target->tok->text);
          /* self.hidden = hidden: a plain attribute, not a block */
          if (!py_eval_scalar (r, env, value, &scalar))
            return FALSE;
          env_set (env, key, &scalar);
          continue;
        }
      {
        g_autoptr (NnbModule) module = py_build_module (r, env, value);
        if (module == NULL || !register_module (r, model, target->tok, target->tok->text, module))
          return FALSE;
      }
    }
  if (!initialised && cls->base != BASE_MODULE)
    return py_fail (r, py_peek (r), "super().__init__(…) is missing.");
  return TRUE;
}

/* ------------------------------------------------------------ a class */

static NnbModel *
build_class (Reader *r, PyClass *cls, const Expr *call)
{
  guint init = 0, forward = 0;
  g_autoptr (NnbModel) model = NULL;
  g_autoptr (GHashTable) env = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  NnbPyToken *self = NULL, *input = NULL;

  r->pos = cls->body;
  if (py_peek (r)->kind != NNB_PY_NEWLINE || py_peek_at (r, 1)->kind != NNB_PY_INDENT)
    return (py_fail (r, py_peek (r), "write the body of class %s on the lines below it, indented.", cls->name->text), NULL);
  r->pos += 2;
  while (py_peek (r)->kind != NNB_PY_DEDENT && py_peek (r)->kind != NNB_PY_END)
    {
      NnbPyToken *tok = py_peek (r), *name = py_peek_at (r, 1);
      if (tok->kind == NNB_PY_STRING && py_peek_at (r, 1)->kind == NNB_PY_NEWLINE)
        r->pos += 2;
      else if (py_is_name (tok, "pass") && py_peek_at (r, 1)->kind == NNB_PY_NEWLINE)
        r->pos += 2;
      else if (py_is_name (tok, "def") && py_is_name (name, "__init__"))
        {
          init = r->pos;
          py_skip_statement (r);
        }
      else if (py_is_name (tok, "def") && py_is_name (name, "forward"))
        {
          forward = r->pos;
          py_skip_statement (r);
        }
      else if (py_is_name (tok, "def") && name->kind == NNB_PY_NAME)
        return (py_fail (r, name, "the method %s() is not understood: NN Blocks reads a model class's __init__() and "
                                  "forward() only.",
                         name->text),
                NULL);
      else
        return (refuse_statement (r, "a model class"), NULL);
    }

  if (cls->base == BASE_LEAF)
    model = nnb_model_new (nnb_module_kind_to_string (cls->leaf));
  else
    model = nnb_model_new (cls->name->text);
  if (init != 0)
    {
      g_autoptr (GArray) params = NULL;
      r->pos = init + 2;
      if ((params = read_params (r, &self)) == NULL || !py_enter_block (r, "__init__()") ||
          !bind_params (r, cls, params, call, env) || !read_init_body (r, cls, model, env, self->text))
        return NULL;
    }
  else
    {
      GPtrArray *none = g_ptr_array_new ();
      Expr empty = { EXPR_CALL, cls->name, NULL, NULL, NULL, none, none };
      gboolean ok = cls->base == BASE_MODULE || init_base (r, cls, model, NULL, call != NULL ? call : &empty);
      g_ptr_array_unref (none);
      if (!ok)
        return NULL;
    }
  if (forward == 0)
    {
      g_autoptr (GError) engine = NULL;
      if (cls->base == BASE_MODULE)
        return (py_fail (r, cls->name, "class %s has no forward(): write def forward(self, x): and what it computes.",
                         cls->name->text),
                NULL);
      if (!py_add_chain (model, cls->base == BASE_LEAF, &engine))
        return (py_fail (r, cls->name, "%s", engine->message), NULL);
      return g_steal_pointer (&model);
    }
  if (cls->base == BASE_LEAF)
    return (py_fail (r, py_peek_at (r, 1), "a subclass of nn.%s with its own forward() cannot be drawn as blocks.",
                     nnb_module_kind_to_string (cls->leaf)),
            NULL);
  r->pos = forward + 2;
  self = NULL;
  {
    g_autoptr (GArray) params = read_params (r, &self);
    if (params == NULL)
      return NULL;
    if (params->len != 1)
      return (py_fail (r, py_peek_at (r, 0), "forward() must take one input besides self, as forward(self, x)."), NULL);
    input = g_array_index (params, Param, 0).name;
    if (!py_enter_block (r, "forward()"))
      return NULL;
  }
  if (!py_read_forward (r, model, self->text, input, cls->base == BASE_SEQUENTIAL))
    return NULL;
  return g_steal_pointer (&model);
}

NnbModel *
py_build_class (Reader *r, PyClass *cls, const Expr *call)
{
  return build_class (r, cls, call);
}

/* model = nn.Sequential(…), nn.Linear(1, 1), Name(…) or factory() */
NnbModel *
py_build_expression (Reader *r, const Expr *call)
{
  g_autofree char *target = py_resolve (r, call->a);
  g_autoptr (NnbModel) model = NULL;
  g_autoptr (GError) engine = NULL;
  NnbModuleKind kind;

  if (call->a->kind == EXPR_NAME && py_find_class (r, call->a->tok->text) != NULL)
    return build_class (r, py_find_class (r, call->a->tok->text), call);
  if (call->a->kind == EXPR_NAME && g_hash_table_contains (r->factories, call->a->tok->text))
    {
      const Expr *made = g_hash_table_lookup (r->factories, call->a->tok->text);
      g_autofree char *inner = made->kind == EXPR_CALL ? py_resolve (r, made->a) : NULL;
      if (call->items->len > 0 || call->keywords->len > 0)
        return (py_fail (r, call->tok, "%s() takes no arguments.", call->a->tok->text), NULL);
      if (inner == NULL || !g_str_has_prefix (inner, "torch.nn."))
        return (py_fail (r, made->tok, "%s() must return an nn module such as nn.Sequential(…).", call->a->tok->text),
                NULL);
      return py_build_expression (r, made);
    }
  if (target != NULL && strcmp (target, "torch.nn.Sequential") == 0)
    {
      g_autoptr (GPtrArray) modules = g_ptr_array_new_with_free_func ((GDestroyNotify) nnb_module_unref);
      g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      if (!py_sequential_layers (r, NULL, call, modules, names))
        return NULL;
      model = nnb_model_new ("Sequential");
      for (guint i = 0; i < modules->len; i++)
        {
          if (!nnb_is_python_identifier (names->pdata[i]) && strspn (names->pdata[i], "0123456789") != strlen (names->pdata[i]))
            return (py_fail (r, call->tok, "\"%s\" cannot be a module name.", (char *) names->pdata[i]), NULL);
          if (!g_ascii_isdigit (((char *) names->pdata[i])[0]))
            return (py_fail (r, call->tok,
                             "NN Blocks keeps the layers of an nn.Sequential model by position (0, 1, 2…), so the name "
                             "\"%s\" cannot be kept: write a class of nn.Module with self.%s = … to keep the names.",
                             (char *) names->pdata[i], (char *) names->pdata[i]),
                    NULL);
          if (!register_module (r, model, call->tok, names->pdata[i], modules->pdata[i]))
            return NULL;
        }
      if (!py_add_chain (model, FALSE, &engine))
        return (py_fail (r, call->tok, "%s", engine->message), NULL);
      return g_steal_pointer (&model);
    }
  if (target != NULL && g_str_has_prefix (target, "torch.nn.") && py_leaf_kind (target + 9, &kind))
    {
      g_autoptr (NnbModule) module = py_build_module (r, NULL, call);
      if (module == NULL)
        return NULL;
      model = nnb_model_new (nnb_module_kind_to_string (kind));
      if (!register_module (r, model, call->tok, "", module) || !py_add_chain (model, TRUE, &engine))
        return (engine != NULL ? py_fail (r, call->tok, "%s", engine->message) : FALSE, NULL);
      return g_steal_pointer (&model);
    }
  {
    g_autoptr (NnbModule) module = py_build_module (r, NULL, call); /* says what it is */
    return NULL;
  }
}
