/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-python-forward.c — a model class's forward as the diagram's graph:
 * each call of a registered module is a block, `+` and `*` of two values
 * an add or a mul block, torch.cat([…], dim=1) a cat block and `return`
 * the output. Nodes are made in the order Python evaluates the
 * expressions, so the exported code reads them back in the same order.
 *
 * Functional activations (torch.relu(x), F.gelu(x), F.softmax(x, dim=1)…)
 * are function blocks: they register no module, so print(model) and the
 * state_dict stay PyTorch's. Other functions (F.dropout, F.linear…) are
 * refused with the module to register instead. */
#include "nnb-python-import-private.h"

#include <string.h>
#include "nnb-error.h"
#include "nnb-function.h"

typedef struct
{
  Reader *r;
  NnbModel *model;
  const char *self;
  gboolean self_index;
  GHashTable *env; /* local name → node index + 1 */
} Forward;

/* function name → the module that does the same */
static const struct
{
  const char *function, *module;
} functional[] = {
  { "relu", "relu = nn.ReLU()" },
  { "tanh", "tanh = nn.Tanh()" },
  { "sigmoid", "sigmoid = nn.Sigmoid()" },
  { "gelu", "gelu = nn.GELU()" },
  { "leaky_relu", "leaky_relu = nn.LeakyReLU()" },
  { "softmax", "softmax = nn.Softmax(dim=1)" },
  { "log_softmax", "log_softmax = nn.LogSoftmax(dim=1)" },
  { "dropout", "dropout = nn.Dropout()" },
  { "layer_norm", "norm = nn.LayerNorm(…)" },
  { "batch_norm", "norm = nn.BatchNorm1d(…)" },
  { "linear", "fc = nn.Linear(…)" },
};

/* A name for a new block: base, else base_2, base_3… */
static char *
block_name (NnbModel *model, const char *base)
{
  if (nnb_model_find_node (model, base) < 0)
    return g_strdup (base);
  for (int i = 2;; i++)
    {
      char *name = g_strdup_printf ("%s_%d", base, i);
      if (nnb_model_find_node (model, name) < 0)
        return name;
      g_free (name);
    }
}

static int
add_node (Forward *f, const NnbPyToken *at, NnbNodeKind kind, const char *base, const char *module)
{
  g_autofree char *name = block_name (f->model, base);
  g_autoptr (GError) engine = NULL;
  int node = nnb_model_add_node (f->model, kind, name, module, &engine);

  if (node < 0)
    py_fail (f->r, at, "%s", engine->message);
  return node;
}

static gboolean
connect (Forward *f, const NnbPyToken *at, int from, int to, int slot)
{
  g_autoptr (GError) engine = NULL;

  if (!nnb_model_connect (f->model, from, to, slot, &engine))
    return py_fail (f->r, at, "%s", engine->message);
  return TRUE;
}

static int eval (Forward *f, const Expr *expr);

static int
call_module (Forward *f, const Expr *call, const char *module, const NnbPyToken *at)
{
  int input, node;

  if (call->items->len != 1 || call->keywords->len > 0)
    return (py_fail (f->r, call->tok, "a module is called on one value here, as self.%s(x).", module), -1);
  if ((input = eval (f, call->items->pdata[0])) < 0)
    return -1;
  node = add_node (f, at, NNB_NODE_CALL, module[0] ? module : "call", module);
  if (node < 0 || !connect (f, at, input, node, 0))
    return -1;
  return node;
}

static int
eval_cat (Forward *f, const Expr *call, const char *written)
{
  const Expr *list = call->items->len > 0 ? call->items->pdata[0] : NULL;
  const Expr *dim = call->items->len > 1 ? call->items->pdata[1] : NULL;
  int inputs[NNB_NODE_MAX_INPUTS], node;
  PyScalar value;
  g_autoptr (GError) engine = NULL;

  for (guint k = 0; k < call->keywords->len; k++)
    {
      const Keyword *keyword = call->keywords->pdata[k];
      if (strcmp (keyword->name->text, "dim") != 0 || dim != NULL)
        return (py_fail (f->r, keyword->name, "%s() is read with a list and dim=1 only.", written), -1);
      dim = keyword->value;
    }
  if (list == NULL || call->items->len > 2 || (list->kind != EXPR_LIST && list->kind != EXPR_TUPLE))
    return (py_fail (f->r, call->tok, "%s() takes a list of values, as torch.cat([a, b], dim=1).", written), -1);
  if (list->items->len < NNB_NODE_CAT_MIN_INPUTS || list->items->len > NNB_NODE_MAX_INPUTS)
    return (py_fail (f->r, list->tok, "NN Blocks joins %d to %d values with torch.cat, not %u.", NNB_NODE_CAT_MIN_INPUTS,
                     NNB_NODE_MAX_INPUTS, list->items->len),
            -1);
  if (dim == NULL)
    return (py_fail (f->r, call->tok, "torch.cat without dim joins along dim 0, the samples; NN Blocks joins features: "
                                      "write dim=1."),
            -1);
  if (!py_eval_scalar (f->r, NULL, dim, &value))
    return -1;
  if (value.kind != PY_INT || (value.i != 1 && value.i != -1))
    return (py_fail (f->r, dim->tok, "NN Blocks joins along dim=1 (or -1), the features."), -1);
  for (guint i = 0; i < list->items->len; i++)
    if ((inputs[i] = eval (f, list->items->pdata[i])) < 0)
      return -1;
  node = add_node (f, call->tok, NNB_NODE_CAT, "cat", NULL);
  if (node < 0)
    return -1;
  if (!nnb_model_set_n_inputs (f->model, node, list->items->len, &engine))
    return (py_fail (f->r, call->tok, "%s", engine->message), -1);
  for (guint i = 0; i < list->items->len; i++)
    if (!connect (f, call->tok, inputs[i], node, i))
      return -1;
  return node;
}

/* PyTorch 1.13's signatures of the functions NN Blocks draws; the first
 * parameter is the tensor. */
static const struct
{
  const char *function; /* as nnb-function.h spells it */
  const char *const params[4];
  int n_required;
} signatures[] = {
  { "torch.relu", { "input" }, 1 },
  { "F.relu", { "input", "inplace" }, 1 },
  { "torch.tanh", { "input" }, 1 },
  { "F.tanh", { "input" }, 1 },
  { "torch.sigmoid", { "input" }, 1 },
  { "F.sigmoid", { "input" }, 1 },
  { "F.gelu", { "input", "approximate" }, 1 },
  { "F.leaky_relu", { "input", "negative_slope", "inplace" }, 1 },
  { "torch.softmax", { "input", "dim", "dtype" }, 2 },
  { "F.softmax", { "input", "dim", "_stacklevel", "dtype" }, 1 },
  { "torch.log_softmax", { "input", "dim", "dtype" }, 2 },
  { "F.log_softmax", { "input", "dim", "_stacklevel", "dtype" }, 1 },
};

static gboolean
is_none (const Expr *expr)
{
  return expr == NULL || (expr->kind == EXPR_NAME && strcmp (expr->tok->text, "None") == 0);
}

/* The activation with the call's arguments, as the module would have them */
static NnbModule *
function_arguments (Forward *f, const Expr *call, const char *short_name, NnbModuleKind kind, const Expr **arg,
                    int n_params, const char *const *params)
{
  PyScalar v;
  g_autoptr (GError) engine = NULL;
  NnbModule *activation;

  for (int i = 1; i < n_params; i++)
    {
      const Expr *value = arg[i];
      if (value == NULL)
        continue;
      if (strcmp (params[i], "inplace") == 0)
        {
          if (!py_eval_scalar (f->r, NULL, value, &v))
            return NULL;
          if (v.kind != PY_BOOL || v.i)
            return (py_fail (f->r, value->tok, "NN Blocks draws no in-place activations; leave inplace=True out."), NULL);
        }
      else if (strcmp (params[i], "dtype") == 0 && !is_none (value))
        return (py_fail (f->r, value->tok, "dtype=… is not understood: NN Blocks keeps float32; leave it out."), NULL);
      else if (strcmp (params[i], "_stacklevel") == 0)
        return (py_fail (f->r, value->tok, "_stacklevel only changes where PyTorch's warnings point; leave it out."),
                NULL);
    }
  switch (kind)
    {
    case NNB_MODULE_LEAKY_RELU:
      {
        double slope = 0.01;
        if (arg[1] != NULL)
          {
            if (!py_eval_scalar (f->r, NULL, arg[1], &v))
              return NULL;
            if (v.kind != PY_INT && v.kind != PY_FLOAT)
              return (py_fail (f->r, arg[1]->tok, "negative_slope must be a number."), NULL);
            slope = v.f;
          }
        return nnb_leaky_relu_new (slope);
      }
    case NNB_MODULE_GELU:
      if (arg[1] != NULL && (!py_eval_scalar (f->r, NULL, arg[1], &v) || v.kind != PY_STRING || strcmp (v.s, "none") != 0))
        {
          g_clear_error (&f->r->error);
          return (py_fail (f->r, arg[1]->tok, "NN Blocks has gelu(approximate='none') only."), NULL);
        }
      return nnb_activation_new (kind);
    case NNB_MODULE_SOFTMAX:
    case NNB_MODULE_LOG_SOFTMAX:
      if (is_none (arg[1]))
        return (py_fail (f->r, call->tok,
                         "%s() needs dim=1: without it PyTorch warns that the implicit choice is deprecated.", short_name),
                NULL);
      if (!py_eval_scalar (f->r, NULL, arg[1], &v))
        return NULL;
      if (v.kind != PY_INT)
        return (py_fail (f->r, arg[1]->tok, "dim must be a whole number."), NULL);
      activation = nnb_softmax_new (kind, v.i, &engine);
      if (activation == NULL)
        py_fail (f->r, arg[1]->tok, "%s", engine->message);
      return activation;
    default:
      return nnb_activation_new (kind);
    }
}

/* torch.relu(h), F.leaky_relu(h, 0.1)…: a function block named after the
 * function (relu, relu_2…), its arguments bound as Python binds them */
static int
call_function (Forward *f, const Expr *call, const char *function)
{
  const char *short_name = nnb_function_short_name (function);
  const Expr *arg[4];
  int n_params = 0, input, node;
  NnbModuleKind kind;
  g_autoptr (NnbModule) activation = NULL;
  g_autoptr (GError) engine = NULL;
  guint i;

  for (i = 0; strcmp (signatures[i].function, function) != 0; i++)
    ;
  while (n_params < 4 && signatures[i].params[n_params] != NULL)
    n_params++;
  nnb_function_kind (function, &kind);
  if (!py_bind_arguments (f->r, call, short_name, signatures[i].params, n_params, signatures[i].n_required, arg))
    return -1;
  activation = function_arguments (f, call, short_name, kind, arg, n_params, signatures[i].params);
  if (activation == NULL || (input = eval (f, arg[0])) < 0)
    return -1;
  node = add_node (f, py_expr_start (call), NNB_NODE_FUNCTION, short_name, function);
  if (node < 0)
    return -1;
  if (!nnb_model_set_activation (f->model, node, activation, &engine))
    return (py_fail (f->r, call->tok, "%s", engine->message), -1);
  if (!connect (f, call->tok, input, node, 0))
    return -1;
  return node;
}

static int
refuse_functional (Forward *f, const Expr *call, const char *written, const char *function)
{
  for (guint i = 0; i < G_N_ELEMENTS (functional); i++)
    if (strcmp (functional[i].function, function) == 0)
      {
        g_autofree char *attribute = g_strndup (functional[i].module, strcspn (functional[i].module, " "));
        return (py_fail (f->r, py_expr_start (call),
                         "%s(…) is a function, and NN Blocks draws registered modules only: write self.%s in "
                         "__init__() and call self.%s(…) here.",
                         written, functional[i].module, attribute),
                -1);
      }
  return (py_fail (f->r, py_expr_start (call), "%s(…) cannot be drawn as blocks.", written), -1);
}

static int
eval_call (Forward *f, const Expr *call)
{
  const Expr *callee = call->a;
  g_autofree char *written = py_expr_text (callee);
  g_autofree char *target = NULL;

  if (callee->kind == EXPR_ATTR && callee->a->kind == EXPR_NAME && strcmp (callee->a->tok->text, f->self) == 0)
    {
      const char *name = callee->tok->text;
      if (nnb_model_get_module (f->model, name) == NULL)
        return (py_fail (f->r, py_expr_start (callee), "self.%s is not a module registered in __init__().", name), -1);
      return call_module (f, call, name, callee->tok);
    }
  if (callee->kind == EXPR_SUBSCRIPT && callee->a->kind == EXPR_NAME && strcmp (callee->a->tok->text, f->self) == 0)
    {
      PyScalar index;
      if (!f->self_index)
        return (py_fail (f->r, callee->tok, "%s[…] is understood in a subclass of nn.Sequential only.", f->self), -1);
      if (!py_eval_scalar (f->r, NULL, callee->b, &index))
        return -1;
      if (index.kind != PY_INT || index.i < 0 || index.i >= f->model->modules->len)
        return (py_fail (f->r, callee->tok, "index %s is out of range: the Sequential has %u layers.", callee->b->tok->text,
                         f->model->modules->len),
                -1);
      return call_module (f, call, f->model->module_names->pdata[index.i], callee->tok);
    }
  target = py_resolve (f->r, callee);
  if (target != NULL && (strcmp (target, "torch.cat") == 0 || strcmp (target, "torch.concat") == 0))
    return eval_cat (f, call, written);
  if (target != NULL && g_str_has_prefix (target, "torch.nn.functional."))
    {
      g_autofree char *function = g_strconcat ("F.", target + strlen ("torch.nn.functional."), NULL);
      if (nnb_function_kind (function, NULL))
        return call_function (f, call, function);
      return refuse_functional (f, call, written, target + strlen ("torch.nn.functional."));
    }
  if (target != NULL && g_str_has_prefix (target, "torch.") && strchr (target + 6, '.') == NULL)
    {
      if (nnb_function_kind (target, NULL))
        return call_function (f, call, target);
      return refuse_functional (f, call, written, target + 6);
    }
  if (callee->kind == EXPR_ATTR && callee->a->kind == EXPR_NAME && g_hash_table_contains (f->env, callee->a->tok->text))
    {
      /* x.relu(): the function NN Blocks draws is torch.relu(x) */
      g_autofree char *function = g_strconcat ("torch.", callee->tok->text, NULL);
      if (nnb_function_kind (function, NULL))
        return (py_fail (f->r, py_expr_start (call), "%s(…) is a tensor method NN Blocks does not draw: write %s(%s).",
                         written, function, callee->a->tok->text),
                -1);
      return refuse_functional (f, call, written, callee->tok->text);
    }
  return (py_fail (f->r, py_expr_start (callee), "%s(…) cannot be drawn as blocks.", written), -1);
}

static int
eval (Forward *f, const Expr *expr)
{
  switch (expr->kind)
    {
    case EXPR_NAME:
      {
        gpointer node = g_hash_table_lookup (f->env, expr->tok->text);
        if (node == NULL)
          return (py_fail (f->r, expr->tok, "name '%s' is not defined", expr->tok->text), -1);
        return GPOINTER_TO_INT (node) - 1;
      }
    case EXPR_CALL:
      return eval_call (f, expr);
    case EXPR_BINOP:
      {
        NnbNodeKind kind;
        int a, b, node;
        if (strcmp (expr->op, "+") == 0)
          kind = NNB_NODE_ADD;
        else if (strcmp (expr->op, "*") == 0)
          kind = NNB_NODE_MUL;
        else
          return (py_fail (f->r, expr->tok, "'%s' of two values cannot be drawn as blocks: NN Blocks has + and *.", expr->op),
                  -1);
        if ((a = eval (f, expr->a)) < 0 || (b = eval (f, expr->b)) < 0)
          return -1;
        node = add_node (f, expr->tok, kind, kind == NNB_NODE_ADD ? "add" : "mul", NULL);
        if (node < 0 || !connect (f, expr->tok, a, node, 0) || !connect (f, expr->tok, b, node, 1))
          return -1;
        return node;
      }
    case EXPR_NUMBER:
      return (py_fail (f->r, expr->tok, "the number %s in forward() cannot be drawn as a block.", expr->tok->text), -1);
    case EXPR_ATTR:
      {
        g_autofree char *written = py_expr_text (expr);
        return (py_fail (f->r, py_expr_start (expr), "%s in forward() cannot be drawn as a block.", written), -1);
      }
    default:
      return (py_fail (f->r, expr->tok, "this value in forward() cannot be drawn as a block."), -1);
    }
}

static gboolean
refuse (Forward *f, NnbPyToken *tok)
{
  g_autofree char *what = py_describe (tok);

  if (g_str_has_prefix (what, "the name ") || tok->kind == NNB_PY_OP || tok->kind == NNB_PY_STRING ||
      tok->kind == NNB_PY_NUMBER)
    return py_fail (f->r, tok, "this statement in forward() cannot be drawn as blocks.");
  return py_fail (f->r, tok, "%s in forward() cannot be drawn as blocks.", what);
}

static gboolean
read_return (Forward *f)
{
  NnbPyToken *keyword = py_next (f->r);
  const Expr *value;
  int from, out;
  g_autoptr (GError) engine = NULL;

  if ((value = py_parse_expr (f->r)) == NULL)
    return FALSE;
  if (value->kind == EXPR_TUPLE || py_is_op (py_peek (f->r), ","))
    return py_fail (f->r, value->kind == EXPR_TUPLE ? value->tok : keyword,
                    "forward() returns one value in NN Blocks, not a tuple.");
  if ((from = eval (f, value)) < 0 || !py_expect_end (f->r))
    return FALSE;
  out = add_node (f, keyword, NNB_NODE_OUTPUT, "out", NULL);
  if (out < 0 || !connect (f, keyword, from, out, 0))
    return FALSE;
  if (py_peek (f->r)->kind != NNB_PY_DEDENT && py_peek (f->r)->kind != NNB_PY_END)
    return py_fail (f->r, py_peek (f->r), "code after return in forward() never runs; remove it.");
  if (!nnb_model_validate (f->model, &engine))
    return py_fail (f->r, keyword, "%s", engine->message);
  return TRUE;
}

gboolean
py_read_forward (Reader *r, NnbModel *model, const char *self, NnbPyToken *input, gboolean self_index)
{
  g_autoptr (GHashTable) env = g_hash_table_new (g_str_hash, g_str_equal);
  Forward f = { r, model, self, self_index, env };
  NnbPyToken *first = py_peek (r);
  int node;

  node = add_node (&f, input, NNB_NODE_INPUT, input->text, NULL);
  if (node < 0)
    return FALSE;
  g_hash_table_insert (env, input->text, GINT_TO_POINTER (node + 1));
  for (;;)
    {
      NnbPyToken *tok = py_peek (r), *op;
      const Expr *value;

      if (tok->kind == NNB_PY_DEDENT || tok->kind == NNB_PY_END)
        return py_fail (r, first, "forward() ends without return: return the model's output.");
      if (tok->kind == NNB_PY_STRING && py_peek_at (r, 1)->kind == NNB_PY_NEWLINE)
        {
          r->pos += 2;
          continue;
        }
      if (py_is_name (tok, "return"))
        return read_return (&f);
      if (tok->kind != NNB_PY_NAME || py_is_name (tok, self) ||
          !(py_is_op (op = py_peek_at (r, 1), "=") || py_is_op (op, "+=") || py_is_op (op, "*=")))
        {
          if (tok->kind == NNB_PY_NAME && py_is_op (py_peek_at (r, 1), ","))
            return py_fail (r, tok, "assign one value per line in forward(): unpacking cannot be drawn as blocks.");
          return refuse (&f, tok);
        }
      {
        g_autofree char *what = py_describe (tok);
        if (!g_str_has_prefix (what, "the name "))
          return refuse (&f, tok);
      }
      r->pos += 2;
      if ((value = py_parse_expr (r)) == NULL)
        return FALSE;
      if (py_is_op (py_peek (r), "="))
        return py_fail (r, py_peek (r), "assign one name at a time in forward().");
      if ((node = eval (&f, value)) < 0 || !py_expect_end (r))
        return FALSE;
      if (!py_is_op (op, "="))
        {
          /* h += x is h = h + x */
          NnbNodeKind kind = py_is_op (op, "+=") ? NNB_NODE_ADD : NNB_NODE_MUL;
          gpointer before = g_hash_table_lookup (env, tok->text);
          int sum;
          if (before == NULL)
            return py_fail (r, tok, "name '%s' is not defined", tok->text);
          sum = add_node (&f, op, kind, kind == NNB_NODE_ADD ? "add" : "mul", NULL);
          if (sum < 0 || !connect (&f, op, GPOINTER_TO_INT (before) - 1, sum, 0) || !connect (&f, op, node, sum, 1))
            return FALSE;
          node = sum;
        }
      g_hash_table_insert (env, tok->text, GINT_TO_POINTER (node + 1));
    }
}

gboolean
py_add_chain (NnbModel *model, gboolean bare, GError **error)
{
  int previous = nnb_model_add_node (model, NNB_NODE_INPUT, "x", NULL, error);

  if (previous < 0)
    return FALSE;
  for (guint i = 0; i < model->modules->len; i++)
    {
      const char *module = model->module_names->pdata[i];
      g_autofree char *name = NULL;
      int node;

      if (bare)
        name = g_ascii_strdown (nnb_module_kind_to_string (((NnbModule *) model->modules->pdata[i])->kind), -1);
      else
        name = g_strdup (module);
      node = nnb_model_add_node (model, NNB_NODE_CALL, name, module, error);
      if (node < 0 || !nnb_model_connect (model, previous, node, 0, error))
        return FALSE;
      previous = node;
    }
  {
    int out = nnb_model_add_node (model, NNB_NODE_OUTPUT, "out", NULL, error);
    return out >= 0 && nnb_model_connect (model, previous, out, 0, error);
  }
}
