/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-shape-inference.c — shape inference through the graph, without data, so every
 * wire can be labelled before anything runs; and the forward-hook trace.
 * The messages are PyTorch's for the same mistakes. */
#include "nnb-model-private.h"

#include <string.h>
#include "nnb-error.h"

/* One dimension as PyTorch prints it in "5x16"; the batch symbol prints as B. */
static char *
dim_text (int64_t value)
{
  return value == NNB_DIM_BATCH ? g_strdup ("B") : g_strdup_printf ("%" G_GINT64_FORMAT, value);
}

/* Rows of mat1 when a Linear flattens every dimension but the last. */
static char *
rows_text (int ndim, const int64_t *in)
{
  GString *text = g_string_new (NULL);
  int64_t known = 1;
  gboolean symbolic = FALSE;

  for (int i = 0; i < ndim - 1; i++)
    {
      if (in[i] == NNB_DIM_BATCH)
        symbolic = TRUE;
      else
        known *= in[i];
    }
  if (symbolic && known == 1)
    g_string_append (text, "B");
  else if (symbolic)
    g_string_append_printf (text, "%" G_GINT64_FORMAT "B", known);
  else
    g_string_append_printf (text, "%" G_GINT64_FORMAT, known);
  return g_string_free (text, FALSE);
}

/* Softmax and LogSoftmax keep the shape; their dim must name a dimension
 * of the input (PyTorch's IndexError), and the engine computes them over
 * the last one, which dim 1 is for (B, F) data. */
static gboolean
softmax_dim_fits (const NnbModule *module, int ndim, GError **error)
{
  int64_t dim = module->dim < 0 ? module->dim + ndim : module->dim;

  if (dim < 0 || dim >= ndim)
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_SHAPE,
                   "Dimension out of range (expected to be in range of [%d, %d], but got %" G_GINT64_FORMAT ")",
                   -ndim, ndim - 1, module->dim);
      return FALSE;
    }
  if (dim != ndim - 1)
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_SHAPE,
                   "%s(dim=%" G_GINT64_FORMAT ") on a %d-D input would normalise over dimension %" G_GINT64_FORMAT
                   "; NN Blocks computes it over the last dimension only: give it (batch, features) data, or use dim=-1.",
                   nnb_module_kind_to_string (module->kind), module->dim, ndim, dim);
      return FALSE;
    }
  return TRUE;
}

/* F.batch_norm's checks, PyTorch's words: the input's rank (BatchNorm1d's
 * _check_input_dim), then its features against the buffers, or the weight
 * when there are no buffers; with neither, any number of features
 * normalises. NN Blocks' data is (batch, features): a 3-D (N, C, L) input,
 * which PyTorch would take, is refused with a sentence. */
static gboolean
batch_norm_input_fits (const NnbModule *module, int ndim, const int64_t *in, GError **error)
{
  const char *what = module->track_running_stats ? "running_mean" : module->affine ? "weight"
                                                                                   : NULL;

  if (ndim != 2 && ndim != 3)
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_SHAPE, "expected 2D or 3D input (got %dD input)", ndim);
      return FALSE;
    }
  if (ndim == 3)
    {
      g_set_error_literal (error, NNB_ERROR, NNB_ERROR_SHAPE,
                           "BatchNorm1d in NN Blocks normalises (batch, features) data; this input has 3 dimensions.");
      return FALSE;
    }
  if (what != NULL && in[1] != NNB_DIM_BATCH && in[1] != module->num_features)
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_SHAPE, "%s should contain %" G_GINT64_FORMAT " elements not %" G_GINT64_FORMAT,
                   what, in[1], module->num_features);
      return FALSE;
    }
  return TRUE;
}

gboolean
nnb_module_output_shape (const NnbModule *module, int ndim, const int64_t *in,
                         int *out_ndim, int64_t *out, GError **error)
{
  if (module->kind == NNB_MODULE_SEQUENTIAL)
    {
      int cur_ndim = ndim;
      int64_t cur[NNB_MAX_DIMS];
      memcpy (cur, in, ndim * sizeof (int64_t));
      for (guint i = 0; i < module->children->len; i++)
        if (!nnb_module_output_shape (module->children->pdata[i], cur_ndim, cur, &cur_ndim, cur, error))
          return FALSE;
      *out_ndim = cur_ndim;
      memmove (out, cur, cur_ndim * sizeof (int64_t));
      return TRUE;
    }
  if (module->kind == NNB_MODULE_LAYER_NORM && (ndim < 1 || in[ndim - 1] != module->normalized_shape))
    {
      /* F.layer_norm's check of the trailing dimensions */
      GString *size = g_string_new (NULL);
      for (int i = 0; i < ndim; i++)
        {
          g_autofree char *dim = dim_text (in[i]);
          g_string_append_printf (size, "%s%s", i > 0 ? ", " : "", dim);
        }
      g_set_error (error, NNB_ERROR, NNB_ERROR_SHAPE,
                   "Given normalized_shape=[%" G_GINT64_FORMAT "], expected input with shape [*, %" G_GINT64_FORMAT "], but got input of size[%s]",
                   module->normalized_shape, module->normalized_shape, size->str);
      g_string_free (size, TRUE);
      return FALSE;
    }
  if ((module->kind == NNB_MODULE_SOFTMAX || module->kind == NNB_MODULE_LOG_SOFTMAX) &&
      !softmax_dim_fits (module, ndim, error))
    return FALSE;
  if (module->kind == NNB_MODULE_BATCH_NORM && !batch_norm_input_fits (module, ndim, in, error))
    return FALSE;
  if (module->kind != NNB_MODULE_LINEAR)
    {
      *out_ndim = ndim;
      memmove (out, in, ndim * sizeof (int64_t));
      return TRUE;
    }
  if (in[ndim - 1] != module->in_features)
    {
      /* F.linear: mat1 is the input flattened to 2-D (a 1-D input is one
       * row), mat2 is the transposed weight (in, out). */
      g_autofree char *rows = ndim == 1 ? g_strdup ("1") : rows_text (ndim, in);
      g_autofree char *cols = dim_text (in[ndim - 1]);
      g_set_error (error, NNB_ERROR, NNB_ERROR_SHAPE,
                   "mat1 and mat2 shapes cannot be multiplied (%sx%s and %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT ")",
                   rows, cols, module->in_features, module->out_features);
      return FALSE;
    }
  *out_ndim = ndim;
  memmove (out, in, ndim * sizeof (int64_t));
  out[ndim - 1] = module->out_features;
  return TRUE;
}

/* a + b and a * b: PyTorch broadcasts; NN Blocks' + and * blocks take equal
 * shapes only. what: "The + block adds", "The * block multiplies". */
static gboolean
elementwise_output_shape (const NnbNodeShape *a, const NnbNodeShape *b, const char *what, NnbNodeShape *out,
                          GError **error)
{
  int ndim = MAX (a->ndim, b->ndim);

  for (int i = 0; i < ndim; i++)
    {
      int ia = a->ndim - 1 - i, ib = b->ndim - 1 - i;
      int64_t da = ia >= 0 ? a->shape[ia] : 1, db = ib >= 0 ? b->shape[ib] : 1;
      if (da != db && da != 1 && db != 1)
        {
          g_autofree char *ta = dim_text (da);
          g_autofree char *tb = dim_text (db);
          g_set_error (error, NNB_ERROR, NNB_ERROR_SHAPE,
                       "The size of tensor a (%s) must match the size of tensor b (%s) at non-singleton dimension %d",
                       ta, tb, ndim - 1 - i);
          return FALSE;
        }
    }
  if (a->ndim != b->ndim || memcmp (a->shape, b->shape, a->ndim * sizeof (int64_t)) != 0)
    {
      g_autofree char *ta = nnb_shape_to_string (a->ndim, a->shape);
      g_autofree char *tb = nnb_shape_to_string (b->ndim, b->shape);
      g_set_error (error, NNB_ERROR, NNB_ERROR_SHAPE,
                   "%s two tensors of the same shape, but got %s and %s. (PyTorch would broadcast them; NN Blocks asks you to make the shapes equal.)",
                   what, ta, tb);
      return FALSE;
    }
  out->ndim = a->ndim;
  memcpy (out->shape, a->shape, a->ndim * sizeof (int64_t));
  return TRUE;
}

/* torch.cat([a, b, …], dim=1), with PyTorch's checks in its order: each
 * tensor in the list against the first, its rank, then its sizes */
gboolean
nnb_node_cat_shape (const NnbNodeShape *const *inputs, int n, NnbNodeShape *out, GError **error)
{
  const NnbNodeShape *a = inputs[0];
  gboolean batch = FALSE;
  int64_t width = 0;

  g_return_val_if_fail (n >= 1, FALSE);
  if (a->ndim < 2)
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_SHAPE,
                   "Dimension out of range (expected to be in range of [%d, %d], but got 1)", -a->ndim, a->ndim - 1);
      return FALSE;
    }
  for (int i = 0; i < n; i++)
    {
      const NnbNodeShape *b = inputs[i];

      if (b->ndim != a->ndim)
        {
          g_set_error (error, NNB_ERROR, NNB_ERROR_SHAPE, "Tensors must have same number of dimensions: got %d and %d",
                       a->ndim, b->ndim);
          return FALSE;
        }
      for (int d = 0; d < a->ndim; d++)
        if (d != 1 && a->shape[d] != b->shape[d])
          {
            g_autofree char *ta = dim_text (a->shape[d]);
            g_autofree char *tb = dim_text (b->shape[d]);
            g_set_error (error, NNB_ERROR, NNB_ERROR_SHAPE,
                         "Sizes of tensors must match except in dimension 1. Expected size %s but got size %s for tensor number %d in the list.",
                         ta, tb, i);
            return FALSE;
          }
      batch = batch || b->shape[1] == NNB_DIM_BATCH;
      width += b->shape[1];
    }
  *out = *a;
  out->error = NULL;
  out->shape[1] = batch ? NNB_DIM_BATCH : width;
  return TRUE;
}

gboolean
nnb_node_two_input_shape (NnbNodeKind kind, const NnbNodeShape *a, const NnbNodeShape *b, NnbNodeShape *out,
                          GError **error)
{
  switch (kind)
    {
    case NNB_NODE_ADD:
      return elementwise_output_shape (a, b, "The + block adds", out, error);
    case NNB_NODE_MUL:
      return elementwise_output_shape (a, b, "The * block multiplies", out, error);
    case NNB_NODE_CAT:
      return nnb_node_cat_shape ((const NnbNodeShape *const[]){ a, b }, 2, out, error);
    default:
      g_return_val_if_reached (FALSE);
    }
}

void
nnb_node_shapes_free (NnbNodeShape *shapes, guint n)
{
  if (shapes == NULL)
    return;
  for (guint i = 0; i < n; i++)
    g_free (shapes[i].error);
  g_free (shapes);
}

gboolean
nnb_model_infer_shapes (NnbModel *model, int ndim, const int64_t *input_shape,
                        NnbNodeShape **shapes_out, GError **error)
{
  guint n = model->nodes->len;
  NnbNodeShape *shapes = g_new0 (NnbNodeShape, n);
  g_autoptr (GArray) order = NULL;
  GError *first_error = NULL;

  if (shapes_out)
    *shapes_out = shapes;
  if (ndim < 1 || ndim > NNB_MAX_DIMS)
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_SHAPE, "The input must have 1 to %d dimensions.", NNB_MAX_DIMS);
      goto fail;
    }
  order = nnb_model_topological_order (model, error);
  if (order == NULL)
    goto fail;

  for (guint k = 0; k < order->len; k++)
    {
      int index = g_array_index (order, int, k);
      NnbNode *node = model->nodes->pdata[index];
      NnbNodeShape *s = &shapes[index];
      g_autoptr (GError) local = NULL;
      gboolean inputs_known = TRUE;

      for (int slot = 0; slot < node->n_inputs; slot++)
        if (node->inputs[slot] < 0 || shapes[node->inputs[slot]].ndim == 0)
          inputs_known = FALSE;

      switch (node->kind)
        {
        case NNB_NODE_INPUT:
          s->ndim = ndim;
          memcpy (s->shape, input_shape, ndim * sizeof (int64_t));
          break;
        case NNB_NODE_OUTPUT:
          if (inputs_known)
            *s = shapes[node->inputs[0]], s->error = NULL;
          break;
        case NNB_NODE_CALL:
          if (inputs_known)
            {
              const NnbNodeShape *in = &shapes[node->inputs[0]];
              NnbModule *module = nnb_model_get_module (model, node->module);
              if (!nnb_module_output_shape (module, in->ndim, in->shape, &s->ndim, s->shape, &local))
                s->ndim = 0;
            }
          break;
        case NNB_NODE_FUNCTION:
          /* the same shapes and messages as the module it stands for */
          if (inputs_known)
            {
              const NnbNodeShape *in = &shapes[node->inputs[0]];
              if (!nnb_module_output_shape (node->activation, in->ndim, in->shape, &s->ndim, s->shape, &local))
                s->ndim = 0;
            }
          break;
        case NNB_NODE_ADD:
        case NNB_NODE_MUL:
          if (inputs_known &&
              !nnb_node_two_input_shape (node->kind, &shapes[node->inputs[0]], &shapes[node->inputs[1]], s, &local))
            s->ndim = 0;
          break;
        case NNB_NODE_CAT:
          if (inputs_known)
            {
              const NnbNodeShape *list[NNB_NODE_MAX_INPUTS];
              for (int slot = 0; slot < node->n_inputs; slot++)
                list[slot] = &shapes[node->inputs[slot]];
              if (!nnb_node_cat_shape (list, node->n_inputs, s, &local))
                s->ndim = 0;
            }
          break;
        }
      if (local != NULL)
        {
          s->error = g_strdup (local->message);
          if (first_error == NULL)
            first_error = g_steal_pointer (&local);
        }
    }
  if (first_error != NULL)
    {
      g_propagate_error (error, first_error);
      goto fail;
    }
  if (!shapes_out)
    g_free (shapes);
  return TRUE;

fail:
  if (!shapes_out)
    nnb_node_shapes_free (shapes, n);
  return FALSE;
}

NnbNodeShape *
nnb_model_layer_shapes (NnbModel *model, guint node_index, const NnbNodeShape *shapes, guint *n_layers)
{
  NnbNode *node;
  NnbModule *module;
  NnbNodeShape *layers;
  int ndim = 0;
  int64_t shape[NNB_MAX_DIMS];

  g_return_val_if_fail (model != NULL && n_layers != NULL, NULL);
  *n_layers = 0;
  if (node_index >= model->nodes->len)
    return NULL;
  node = model->nodes->pdata[node_index];
  if (node->kind != NNB_NODE_CALL || (module = nnb_model_get_module (model, node->module)) == NULL ||
      module->kind != NNB_MODULE_SEQUENTIAL || module->children->len == 0)
    return NULL;
  layers = g_new0 (NnbNodeShape, module->children->len);
  *n_layers = module->children->len;
  if (shapes != NULL && node->inputs[0] >= 0 && (guint) node->inputs[0] < model->nodes->len)
    {
      ndim = shapes[node->inputs[0]].ndim;
      memcpy (shape, shapes[node->inputs[0]].shape, sizeof shape);
    }
  /* each layer from the one before, as the Sequential's forward runs them */
  for (guint c = 0; c < module->children->len && ndim > 0; c++)
    {
      g_autoptr (GError) local = NULL;

      if (!nnb_module_output_shape (module->children->pdata[c], ndim, shape, &ndim, shape, &local))
        {
          layers[c].error = g_strdup (local->message);
          break;
        }
      layers[c].ndim = ndim;
      memcpy (layers[c].shape, shape, sizeof shape);
    }
  return layers;
}

/* the page's hook: f"{module.__class__.__name__:8s} -> {tuple(output.shape)}" */
static void
trace_line (GPtrArray *lines, const char *class_name, int ndim, const int64_t *shape)
{
  g_autofree char *text = nnb_shape_to_string (ndim, shape);

  g_ptr_array_add (lines, g_strdup_printf ("%-8s -> %s", class_name, text));
}

/* The page hooks the modules without children, so an empty nn.Sequential()
 * is a leaf too: it prints its input, which it returns. */
static gboolean
trace_module (GPtrArray *lines, const NnbModule *module, int *ndim, int64_t *shape, GError **error)
{
  if (module->kind == NNB_MODULE_SEQUENTIAL && module->children->len > 0)
    {
      for (guint i = 0; i < module->children->len; i++)
        if (!trace_module (lines, module->children->pdata[i], ndim, shape, error))
          return FALSE;
      return TRUE;
    }
  if (module->kind != NNB_MODULE_SEQUENTIAL && !nnb_module_output_shape (module, *ndim, shape, ndim, shape, error))
    return FALSE;
  trace_line (lines, nnb_module_kind_to_string (module->kind), *ndim, shape);
  return TRUE;
}

GPtrArray *
nnb_model_trace (NnbModel *model, int ndim, const int64_t *input_shape, GError **error)
{
  g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  NnbNodeShape *shapes = NULL;
  g_autoptr (GArray) order = NULL;
  gboolean ok;

  if (!nnb_model_validate (model, error))
    return NULL;
  ok = nnb_model_infer_shapes (model, ndim, input_shape, &shapes, error);
  order = nnb_model_topological_order (model, NULL);
  for (guint k = 0; ok && k < order->len; k++)
    {
      NnbNode *node = model->nodes->pdata[g_array_index (order, int, k)];
      if (node->kind == NNB_NODE_CALL)
        {
          const NnbNodeShape *in = &shapes[node->inputs[0]];
          int cur_ndim = in->ndim;
          int64_t cur[NNB_MAX_DIMS];
          memcpy (cur, in->shape, sizeof cur);
          ok = trace_module (lines, nnb_model_get_module (model, node->module), &cur_ndim, cur, error);
        }
      /* a model without modules (an empty nn.Sequential(), a class whose
       * forward returns x) is itself a leaf: its hook sees the output */
      if (ok && node->kind == NNB_NODE_OUTPUT && model->modules->len == 0)
        {
          const NnbNodeShape *out = &shapes[node->inputs[0]];
          trace_line (lines, model->class_name, out->ndim, out->shape);
        }
    }
  nnb_node_shapes_free (shapes, model->nodes->len);
  return ok ? g_steal_pointer (&lines) : NULL;
}

static int64_t
module_input_features (const NnbModule *module)
{
  if (module->kind == NNB_MODULE_LINEAR)
    return module->in_features;
  if (module->kind == NNB_MODULE_LAYER_NORM)
    return module->normalized_shape;
  for (guint i = 0; i < module->children->len; i++)
    {
      int64_t n = module_input_features (module->children->pdata[i]);
      if (n > 0)
        return n;
    }
  return 0;
}

int64_t
nnb_model_input_features (NnbModel *model)
{
  g_autoptr (GArray) order = nnb_model_topological_order (model, NULL);

  /* the first module call in execution order that fixes a size */
  for (guint k = 0; order && k < order->len; k++)
    {
      NnbNode *node = model->nodes->pdata[g_array_index (order, int, k)];
      if (node->kind == NNB_NODE_CALL)
        {
          int64_t n = module_input_features (nnb_model_get_module (model, node->module));
          if (n > 0)
            return n;
        }
    }
  return 0;
}
