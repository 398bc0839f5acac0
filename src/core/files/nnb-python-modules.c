/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-python-modules.c — the model reader's module constructors: the
 * arguments of nn.Linear(…), nn.LayerNorm(…) and the others bound as
 * Python binds them to PyTorch 1.13's signatures (with Python's messages
 * for a missing, doubled or unknown argument), the numbers they take, and
 * nn.Sequential with positional layers or an OrderedDict. */
#include "nnb-python-import-private.h"

#include <math.h>
#include <string.h>
#include "nnb-error.h"

typedef struct
{
  const char *name; /* PyTorch's class name */
  NnbModuleKind kind;
  const char *const params[8];
  int n_required;
} Signature;

static const Signature signatures[] = {
  { "Linear", NNB_MODULE_LINEAR, { "in_features", "out_features", "bias", "device", "dtype" }, 2 },
  { "ReLU", NNB_MODULE_RELU, { "inplace" }, 0 },
  { "Tanh", NNB_MODULE_TANH, { NULL }, 0 },
  { "Sigmoid", NNB_MODULE_SIGMOID, { NULL }, 0 },
  { "LeakyReLU", NNB_MODULE_LEAKY_RELU, { "negative_slope", "inplace" }, 0 },
  { "GELU", NNB_MODULE_GELU, { "approximate" }, 0 },
  { "Identity", NNB_MODULE_IDENTITY, { NULL }, 0 },
  { "LayerNorm", NNB_MODULE_LAYER_NORM, { "normalized_shape", "eps", "elementwise_affine", "device", "dtype" }, 1 },
  { "Softmax", NNB_MODULE_SOFTMAX, { "dim" }, 0 },
  { "LogSoftmax", NNB_MODULE_LOG_SOFTMAX, { "dim" }, 0 },
  { "Dropout", NNB_MODULE_DROPOUT, { "p", "inplace" }, 0 },
  { "BatchNorm1d", NNB_MODULE_BATCH_NORM, { "num_features", "eps", "momentum", "affine", "track_running_stats", "device", "dtype" }, 1 },
};

gboolean
py_leaf_kind (const char *name, NnbModuleKind *kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (signatures); i++)
    if (strcmp (signatures[i].name, name) == 0)
      {
        *kind = signatures[i].kind;
        return TRUE;
      }
  return FALSE;
}

/* ------------------------------------------------------------- numbers */

gboolean
py_eval_scalar (Reader *r, GHashTable *env, const Expr *expr, PyScalar *out)
{
  PyScalar a, b;

  switch (expr->kind)
    {
    case EXPR_NUMBER:
      if (expr->tok->imaginary)
        return py_fail (r, expr->tok, "the complex number %s is not understood here.", expr->tok->text);
      out->kind = expr->tok->is_int ? PY_INT : PY_FLOAT;
      out->f = expr->tok->value;
      if (expr->tok->is_int && expr->tok->value > 1e15)
        return py_fail (r, expr->tok, "the number %s is too large for a model's size.", expr->tok->text);
      out->i = (gint64) expr->tok->value;
      return TRUE;
    case EXPR_STRING:
      if (expr->tok->formatted || expr->tok->bytes)
        return py_fail (r, expr->tok, "only a plain string is understood here.");
      out->kind = PY_STRING;
      out->s = expr->tok->text;
      return TRUE;
    case EXPR_NAME:
      {
        const char *name = expr->tok->text;
        PyScalar *bound = env != NULL ? g_hash_table_lookup (env, name) : NULL;
        if (bound != NULL)
          {
            *out = *bound;
            return TRUE;
          }
        if (strcmp (name, "True") == 0 || strcmp (name, "False") == 0)
          {
            out->kind = PY_BOOL;
            out->i = name[0] == 'T';
            out->f = out->i;
            return TRUE;
          }
        if (strcmp (name, "None") == 0)
          {
            out->kind = PY_NONE;
            return TRUE;
          }
        return py_fail (r, expr->tok, "the name %s is not defined here, or is not a number.", name);
      }
    case EXPR_ATTR:
      if (expr->a->kind == EXPR_NAME && env != NULL)
        {
          g_autofree char *key = g_strdup_printf ("%s.%s", expr->a->tok->text, expr->tok->text);
          PyScalar *bound = g_hash_table_lookup (env, key);
          if (bound != NULL)
            {
              *out = *bound;
              return TRUE;
            }
        }
      {
        g_autofree char *text = py_expr_text (expr);
        return py_fail (r, expr->a->tok, "%s is not a number NN Blocks knows here.", text);
      }
    case EXPR_NEG:
      if (!py_eval_scalar (r, env, expr->a, &a))
        return FALSE;
      if (a.kind != PY_INT && a.kind != PY_FLOAT)
        return py_fail (r, expr->tok, "'-' needs a number here.");
      *out = a;
      out->i = -a.i;
      out->f = -a.f;
      return TRUE;
    case EXPR_BINOP:
      if (!py_eval_scalar (r, env, expr->a, &a) || !py_eval_scalar (r, env, expr->b, &b))
        return FALSE;
      if ((a.kind != PY_INT && a.kind != PY_FLOAT) || (b.kind != PY_INT && b.kind != PY_FLOAT) ||
          strcmp (expr->op, "@") == 0 || strcmp (expr->op, "%") == 0)
        return py_fail (r, expr->tok, "'%s' of these values is not understood here.", expr->op);
      out->kind = a.kind == PY_INT && b.kind == PY_INT && strcmp (expr->op, "/") != 0 ? PY_INT : PY_FLOAT;
      if ((strcmp (expr->op, "/") == 0 || strcmp (expr->op, "//") == 0) && b.f == 0)
        return py_fail (r, expr->tok, "division by zero.");
      switch (expr->op[0])
        {
        case '+':
          out->i = a.i + b.i, out->f = a.f + b.f;
          break;
        case '-':
          out->i = a.i - b.i, out->f = a.f - b.f;
          break;
        case '*':
          if (fabs (a.f * b.f) > 1e15)
            return py_fail (r, expr->tok, "this product is too large for a model's size.");
          out->i = a.i * b.i, out->f = a.f * b.f;
          break;
        default: /* / and // */
          out->f = expr->op[1] == '/' ? floor (a.f / b.f) : a.f / b.f;
          out->i = (gint64) out->f;
          break;
        }
      return TRUE;
    default:
      {
        g_autofree char *text = py_expr_text (expr);
        return py_fail (r, expr->tok, "%s is not a number NN Blocks can read here.", text);
      }
    }
}

static gboolean
eval_int (Reader *r, GHashTable *env, const Expr *expr, const char *what, gint64 *out)
{
  PyScalar v;

  if (!py_eval_scalar (r, env, expr, &v))
    return FALSE;
  if (v.kind != PY_INT)
    return py_fail (r, expr->tok, "%s must be a whole number.", what);
  *out = v.i;
  return TRUE;
}

static gboolean
eval_float (Reader *r, GHashTable *env, const Expr *expr, const char *what, double *out)
{
  PyScalar v;

  if (!py_eval_scalar (r, env, expr, &v))
    return FALSE;
  if (v.kind != PY_INT && v.kind != PY_FLOAT)
    return py_fail (r, expr->tok, "%s must be a number.", what);
  *out = v.f;
  return TRUE;
}

static gboolean
eval_bool (Reader *r, GHashTable *env, const Expr *expr, const char *what, gboolean *out)
{
  PyScalar v;

  if (!py_eval_scalar (r, env, expr, &v))
    return FALSE;
  if (v.kind != PY_BOOL)
    return py_fail (r, expr->tok, "%s must be True or False.", what);
  *out = v.i != 0;
  return TRUE;
}

/* ------------------------------------------------------------- binding */

/* Binds a call's arguments to params as Python does; bound[i] is the
 * expression for params[i] or NULL. */
gboolean
py_bind_arguments (Reader *r, const Expr *call, const char *function, const char *const *params, int n_params,
                   int n_required, const Expr **bound)
{
  for (int i = 0; i < n_params; i++)
    bound[i] = NULL;
  if ((int) call->items->len > n_params)
    {
      const Expr *extra = call->items->pdata[n_params];
      if (n_params == 0)
        return py_fail (r, extra->tok, "%s() takes no arguments.", function);
      return py_fail (r, extra->tok, "%s() takes at most %d positional arguments but %u were given.", function,
                      n_params, call->items->len);
    }
  for (guint i = 0; i < call->items->len; i++)
    bound[i] = call->items->pdata[i];
  for (guint k = 0; k < call->keywords->len; k++)
    {
      const Keyword *keyword = call->keywords->pdata[k];
      int i;
      for (i = 0; i < n_params; i++)
        if (strcmp (params[i], keyword->name->text) == 0)
          break;
      if (i == n_params)
        return py_fail (r, keyword->name, "%s() got an unexpected keyword argument '%s'.", function,
                        keyword->name->text);
      if (bound[i] != NULL)
        return py_fail (r, keyword->name, "%s() got multiple values for argument '%s'.", function, params[i]);
      bound[i] = keyword->value;
    }
  for (int i = 0; i < n_required; i++)
    if (bound[i] == NULL)
      return py_fail (r, call->tok, "%s() missing 1 required positional argument: '%s'.", function, params[i]);
  return TRUE;
}

/* device=None and dtype=None change nothing; anything else is refused */
static gboolean
check_none (Reader *r, GHashTable *env, const Expr *expr, const char *name, const char *why)
{
  PyScalar v;

  if (expr == NULL)
    return TRUE;
  if (expr->kind == EXPR_NAME && strcmp (expr->tok->text, "None") == 0)
    return TRUE;
  if (strcmp (name, "inplace") == 0 && py_eval_scalar (r, env, expr, &v) && v.kind == PY_BOOL && !v.i)
    return TRUE;
  g_clear_error (&r->error);
  return py_fail (r, expr->tok, "%s=… is not understood: %s", name, why);
}

static const char device_why[] = "NN Blocks keeps float32 and chooses the device when it trains; leave it out.";
static const char inplace_why[] = "NN Blocks draws no in-place activations; leave inplace=True out.";

static NnbModule *
fail_engine (Reader *r, const Expr *call, GError *engine)
{
  py_fail (r, py_expr_start (call), "%s", engine->message);
  g_error_free (engine);
  return NULL;
}

static NnbModule *
build_leaf (Reader *r, GHashTable *env, const Expr *call, const Signature *sig)
{
  const Expr *arg[8];
  int n_params = 0;
  GError *engine = NULL;
  NnbModule *module = NULL;
  g_autofree char *function = g_strdup_printf ("%s.__init__", sig->name);

  while (n_params < 8 && sig->params[n_params] != NULL)
    n_params++;
  if (sig->kind == NNB_MODULE_IDENTITY && (call->items->len > 0 || call->keywords->len > 0))
    return (py_fail (r, call->tok, "nn.Identity() takes its arguments and ignores them; leave them out."), NULL);
  if (!py_bind_arguments (r, call, function, sig->params, n_params, sig->n_required, arg))
    return NULL;
  switch (sig->kind)
    {
    case NNB_MODULE_LINEAR:
      {
        gint64 in = 0, out = 0;
        gboolean bias = TRUE;
        if (!eval_int (r, env, arg[0], "in_features", &in) || !eval_int (r, env, arg[1], "out_features", &out) ||
            (arg[2] != NULL && !eval_bool (r, env, arg[2], "bias", &bias)) ||
            !check_none (r, env, arg[3], "device", device_why) || !check_none (r, env, arg[4], "dtype", device_why))
          return NULL;
        module = nnb_linear_new (in, out, bias, NULL, &engine);
        break;
      }
    case NNB_MODULE_RELU:
      if (!check_none (r, env, arg[0], "inplace", inplace_why))
        return NULL;
      module = nnb_activation_new (sig->kind);
      break;
    case NNB_MODULE_LEAKY_RELU:
      {
        double slope = 0.01;
        if ((arg[0] != NULL && !eval_float (r, env, arg[0], "negative_slope", &slope)) ||
            !check_none (r, env, arg[1], "inplace", inplace_why))
          return NULL;
        module = nnb_leaky_relu_new (slope);
        break;
      }
    case NNB_MODULE_GELU:
      {
        PyScalar v;
        if (arg[0] != NULL && (!py_eval_scalar (r, env, arg[0], &v) || v.kind != PY_STRING || strcmp (v.s, "none") != 0))
          {
            g_clear_error (&r->error);
            return (py_fail (r, arg[0]->tok, "NN Blocks has GELU(approximate='none') only."), NULL);
          }
        module = nnb_activation_new (sig->kind);
        break;
      }
    case NNB_MODULE_LAYER_NORM:
      {
        gint64 shape = 0;
        double eps = 1e-5;
        gboolean affine = TRUE;
        const Expr *size = arg[0];
        if ((size->kind == EXPR_TUPLE || size->kind == EXPR_LIST) && size->items->len == 1)
          size = size->items->pdata[0];
        else if (size->kind == EXPR_TUPLE || size->kind == EXPR_LIST)
          return (py_fail (r, size->tok, "NN Blocks normalises over the last dimension only: give LayerNorm one size."),
                  NULL);
        if (!eval_int (r, env, size, "normalized_shape", &shape) ||
            (arg[1] != NULL && !eval_float (r, env, arg[1], "eps", &eps)) ||
            (arg[2] != NULL && !eval_bool (r, env, arg[2], "elementwise_affine", &affine)) ||
            !check_none (r, env, arg[3], "device", device_why) || !check_none (r, env, arg[4], "dtype", device_why))
          return NULL;
        module = nnb_layer_norm_new (shape, eps, affine, &engine);
        break;
      }
    case NNB_MODULE_SOFTMAX:
    case NNB_MODULE_LOG_SOFTMAX:
      {
        gint64 dim = 0;
        if (arg[0] == NULL || (arg[0]->kind == EXPR_NAME && strcmp (arg[0]->tok->text, "None") == 0))
          return (py_fail (r, call->tok, "nn.%s() needs dim=1: without it PyTorch warns that the implicit choice is deprecated.",
                           sig->name),
                  NULL);
        if (!eval_int (r, env, arg[0], "dim", &dim))
          return NULL;
        module = nnb_softmax_new (sig->kind, dim, &engine);
        break;
      }
    case NNB_MODULE_DROPOUT:
      {
        double p = 0.5;
        if ((arg[0] != NULL && !eval_float (r, env, arg[0], "p", &p)) ||
            !check_none (r, env, arg[1], "inplace", inplace_why))
          return NULL;
        module = nnb_dropout_new (p, &engine);
        break;
      }
    case NNB_MODULE_BATCH_NORM:
      {
        gint64 n = 0;
        double eps = 1e-5, momentum = 0.1;
        gboolean has_momentum = TRUE, affine = TRUE, track = TRUE;
        if (!eval_int (r, env, arg[0], "num_features", &n) ||
            (arg[1] != NULL && !eval_float (r, env, arg[1], "eps", &eps)))
          return NULL;
        if (arg[2] != NULL && arg[2]->kind == EXPR_NAME && strcmp (arg[2]->tok->text, "None") == 0)
          has_momentum = FALSE;
        else if (arg[2] != NULL && !eval_float (r, env, arg[2], "momentum", &momentum))
          return NULL;
        if ((arg[3] != NULL && !eval_bool (r, env, arg[3], "affine", &affine)) ||
            (arg[4] != NULL && !eval_bool (r, env, arg[4], "track_running_stats", &track)) ||
            !check_none (r, env, arg[5], "device", device_why) || !check_none (r, env, arg[6], "dtype", device_why))
          return NULL;
        module = nnb_batch_norm_new (n, eps, momentum, has_momentum, affine, track, &engine);
        break;
      }
    default:
      module = nnb_activation_new (sig->kind);
      break;
    }
  if (module == NULL)
    return fail_engine (r, call, engine);
  return module;
}

/* ---------------------------------------------------------- Sequential */

/* The layers of nn.Sequential(…): names[i] is "0", "1"… or the
 * OrderedDict's key. */
gboolean
py_sequential_layers (Reader *r, GHashTable *env, const Expr *call, GPtrArray *modules, GPtrArray *names)
{
  const Expr *first = call->items->len == 1 ? call->items->pdata[0] : NULL;
  g_autofree char *dict = NULL;

  if (call->keywords->len > 0)
    return py_fail (r, ((Keyword *) call->keywords->pdata[0])->name, "nn.Sequential() takes its layers as positional arguments.");
  if (first != NULL && first->kind == EXPR_CALL)
    dict = py_resolve (r, first->a);
  if (dict != NULL && strcmp (dict, "collections.OrderedDict") == 0)
    {
      const Expr *list = first->items->len == 1 ? first->items->pdata[0] : NULL;
      if (list == NULL || first->keywords->len > 0 || (list->kind != EXPR_LIST && list->kind != EXPR_TUPLE))
        return py_fail (r, first->tok, "write the OrderedDict as a list of (name, module) pairs: OrderedDict([(\"fc\", nn.Linear(1, 2)), …]).");
      for (guint i = 0; i < list->items->len; i++)
        {
          const Expr *pair = list->items->pdata[i];
          const Expr *key;
          NnbModule *module;
          if (pair->kind != EXPR_TUPLE || pair->items->len != 2 ||
              (key = pair->items->pdata[0])->kind != EXPR_STRING || key->tok->formatted || key->tok->bytes)
            return py_fail (r, pair->tok, "each entry of the OrderedDict must be a pair (\"name\", module).");
          for (guint k = 0; k < names->len; k++)
            if (strcmp (names->pdata[k], key->tok->text) == 0)
              return py_fail (r, key->tok, "the name \"%s\" is used twice in this OrderedDict.", key->tok->text);
          module = py_build_module (r, env, pair->items->pdata[1]);
          if (module == NULL)
            return FALSE;
          g_ptr_array_add (modules, module);
          g_ptr_array_add (names, g_strdup (key->tok->text));
        }
      return TRUE;
    }
  for (guint i = 0; i < call->items->len; i++)
    {
      NnbModule *module = py_build_module (r, env, call->items->pdata[i]);
      if (module == NULL)
        return FALSE;
      g_ptr_array_add (modules, module);
      g_ptr_array_add (names, g_strdup_printf ("%u", i));
    }
  return TRUE;
}

/* A Sequential inside a model keeps its layers by position, as the
 * engine's NnbModule does. */
static NnbModule *
build_sequential (Reader *r, GHashTable *env, const Expr *call)
{
  g_autoptr (GPtrArray) modules = g_ptr_array_new_with_free_func ((GDestroyNotify) nnb_module_unref);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  NnbModule *sequential;

  if (!py_sequential_layers (r, env, call, modules, names))
    return NULL;
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *position = g_strdup_printf ("%u", i);
      if (strcmp (names->pdata[i], position) != 0)
        return (py_fail (r, call->tok, "NN Blocks keeps the layers of a Sequential by position (0, 1, 2…), so the name \"%s\" "
                                       "cannot be kept: register the layers as self.%s = … in a class instead.",
                         (char *) names->pdata[i], nnb_is_python_identifier (names->pdata[i]) ? (char *) names->pdata[i] : "fc"),
                NULL);
    }
  sequential = nnb_sequential_new ();
  for (guint i = 0; i < modules->len; i++)
    nnb_sequential_append (sequential, modules->pdata[i]);
  return sequential;
}

/* ------------------------------------------------------------- modules */

NnbModule *
py_build_module (Reader *r, GHashTable *env, const Expr *expr)
{
  g_autofree char *target = NULL;
  g_autofree char *text = NULL;

  if (expr->kind != EXPR_CALL)
    {
      text = py_expr_text (expr);
      return (py_fail (r, py_expr_start (expr), "%s is not a module NN Blocks can build here.", text), NULL);
    }
  target = py_resolve (r, expr->a);
  text = py_expr_text (expr->a);
  if (target != NULL && g_str_has_prefix (target, "torch.nn.") && strchr (target + 9, '.') == NULL)
    {
      const char *name = target + 9;
      if (strcmp (name, "Sequential") == 0)
        return build_sequential (r, env, expr);
      for (guint i = 0; i < G_N_ELEMENTS (signatures); i++)
        if (strcmp (signatures[i].name, name) == 0)
          return build_leaf (r, env, expr, &signatures[i]);
      return (py_fail (r, py_expr_start (expr), "%s is not a block NN Blocks has.", text), NULL);
    }
  if (expr->a->kind == EXPR_NAME && py_find_class (r, expr->a->tok->text) != NULL)
    return (py_fail (r, py_expr_start (expr), "%s is a class of this file; NN Blocks cannot put one model class inside another.",
                     text),
            NULL);
  return (py_fail (r, py_expr_start (expr), "%s is not a module NN Blocks knows.", text), NULL);
}

NnbModule *
py_build_leaf_call (Reader *r, GHashTable *env, const Expr *call, NnbModuleKind kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (signatures); i++)
    if (signatures[i].kind == kind)
      return build_leaf (r, env, call, &signatures[i]);
  return NULL;
}
