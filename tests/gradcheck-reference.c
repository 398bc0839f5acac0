/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gradcheck-reference.c — test-gradcheck.c's reference forward: the model's
 * graph walked recursively with plain loops in double precision, sharing no
 * code with the engine's executor, and the losses on its output. */
#include "gradcheck-reference.h"

#include <math.h>
#include <string.h>

static void
ref_free (gpointer data)
{
  Ref *ref = data;

  g_free (ref->data);
  g_free (ref);
}

static Ref *
ref_new (Reference *r, int ndim, const int64_t *shape)
{
  Ref *ref = g_new0 (Ref, 1);

  ref->ndim = ndim;
  ref->numel = 1;
  for (int i = 0; i < ndim; i++)
    {
      ref->shape[i] = shape[i];
      ref->numel *= shape[i];
    }
  ref->data = g_new0 (double, ref->numel);
  g_ptr_array_add (r->arena, ref);
  return ref;
}

static Ref *
ref_from_tensor (Reference *r, const NnbTensor *tensor)
{
  Ref *ref = ref_new (r, tensor->ndim, tensor->shape);

  for (int64_t i = 0; i < ref->numel; i++)
    ref->data[i] = tensor->data[i];
  return ref;
}

Reference *
reference_new (NnbModel *model)
{
  Reference *r = g_new0 (Reference, 1);
  GPtrArray *params = nnb_model_named_parameters (model);

  r->model = model;
  r->point = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  r->arena = g_ptr_array_new_with_free_func (ref_free);
  for (guint i = 0; i < params->len; i++)
    {
      NnbParameter *param = ((NnbNamedParameter *) params->pdata[i])->param;
      double *values = g_new (double, param->value->numel);

      for (int64_t j = 0; j < param->value->numel; j++)
        values[j] = param->value->data[j];
      g_hash_table_insert (r->point, param, values);
    }
  return r;
}

void
reference_free (Reference *r)
{
  g_hash_table_unref (r->point);
  g_ptr_array_unref (r->arena);
  g_free (r);
}

static void
note_kink (Reference *r, double distance)
{
  r->min_kink = MIN (r->min_kink, fabs (distance));
}

static Ref *
ref_module (Reference *r, const NnbModule *module, Ref *x)
{
  Ref *y;

  if (module->kind == NNB_MODULE_SEQUENTIAL)
    {
      for (guint i = 0; i < module->children->len; i++)
        x = ref_module (r, module->children->pdata[i], x);
      return x;
    }

  if (module->kind == NNB_MODULE_LINEAR)
    {
      /* y = x Wᵀ + b over the last dimension */
      int64_t in = module->in_features, out = module->out_features;
      int64_t rows = x->numel / in;
      int64_t shape[NNB_MAX_DIMS];
      const double *w = g_hash_table_lookup (r->point, nnb_module_get_parameter (module, "weight"));
      const double *b = module->has_bias ? g_hash_table_lookup (r->point, nnb_module_get_parameter (module, "bias")) : NULL;

      g_assert_cmpint (x->shape[x->ndim - 1], ==, in);
      memcpy (shape, x->shape, sizeof shape);
      shape[x->ndim - 1] = out;
      y = ref_new (r, x->ndim, shape);
      for (int64_t row = 0; row < rows; row++)
        for (int64_t o = 0; o < out; o++)
          {
            double sum = b ? b[o] : 0.0;
            for (int64_t i = 0; i < in; i++)
              sum += x->data[row * in + i] * w[o * in + i];
            y->data[row * out + o] = sum;
          }
      return y;
    }

  if (module->kind == NNB_MODULE_LAYER_NORM)
    {
      /* (x − mean) / √(var + eps) · w + b per row, var the biased one */
      int64_t f = module->normalized_shape, rows = x->numel / f;
      const double *w = module->elementwise_affine ? g_hash_table_lookup (r->point, nnb_module_get_parameter (module, "weight")) : NULL;
      const double *b = module->elementwise_affine ? g_hash_table_lookup (r->point, nnb_module_get_parameter (module, "bias")) : NULL;

      y = ref_new (r, x->ndim, x->shape);
      for (int64_t row = 0; row < rows; row++)
        {
          const double *xr = x->data + row * f;
          double mean = 0.0, var = 0.0;
          for (int64_t j = 0; j < f; j++)
            mean += xr[j] / f;
          for (int64_t j = 0; j < f; j++)
            var += (xr[j] - mean) * (xr[j] - mean) / f;
          for (int64_t j = 0; j < f; j++)
            y->data[row * f + j] = (xr[j] - mean) / sqrt (var + module->eps) * (w ? w[j] : 1.0) + (b ? b[j] : 0.0);
        }
      return y;
    }

  if (module->kind == NNB_MODULE_BATCH_NORM)
    {
      /* (x − mean) / √(var + eps) · w + b per feature (column): the batch's
       * mean and biased variance in train mode, the running ones in eval */
      int64_t f = x->shape[1], rows = x->shape[0];
      gboolean batch = r->model->training || !module->track_running_stats;
      const double *w = module->affine ? g_hash_table_lookup (r->point, nnb_module_get_parameter (module, "weight")) : NULL;
      const double *b = module->affine ? g_hash_table_lookup (r->point, nnb_module_get_parameter (module, "bias")) : NULL;

      y = ref_new (r, x->ndim, x->shape);
      for (int64_t j = 0; j < f; j++)
        {
          double mean = 0.0, var = 0.0;
          if (batch)
            {
              for (int64_t row = 0; row < rows; row++)
                mean += x->data[row * f + j] / rows;
              for (int64_t row = 0; row < rows; row++)
                var += (x->data[row * f + j] - mean) * (x->data[row * f + j] - mean) / rows;
            }
          else
            {
              mean = nnb_module_get_buffer (module, "running_mean")->value->data[j];
              var = nnb_module_get_buffer (module, "running_var")->value->data[j];
            }
          for (int64_t row = 0; row < rows; row++)
            y->data[row * f + j] =
              (x->data[row * f + j] - mean) / sqrt (var + module->eps) * (w ? w[j] : 1.0) + (b ? b[j] : 0.0);
        }
      return y;
    }

  if (module->kind == NNB_MODULE_SOFTMAX || module->kind == NNB_MODULE_LOG_SOFTMAX)
    {
      /* over the last dimension: exp(x) / Σ exp(x), or its log, per row */
      int64_t f = x->shape[x->ndim - 1], rows = x->numel / f;

      y = ref_new (r, x->ndim, x->shape);
      for (int64_t row = 0; row < rows; row++)
        {
          const double *xr = x->data + row * f;
          double sum = 0.0;
          for (int64_t j = 0; j < f; j++)
            sum += exp (xr[j]);
          for (int64_t j = 0; j < f; j++)
            y->data[row * f + j] = module->kind == NNB_MODULE_SOFTMAX ? exp (xr[j]) / sum : xr[j] - log (sum);
        }
      return y;
    }

  y = ref_new (r, x->ndim, x->shape);
  for (int64_t i = 0; i < x->numel; i++)
    {
      double v = x->data[i];
      switch (module->kind)
        {
        case NNB_MODULE_RELU:
          note_kink (r, v);
          y->data[i] = v > 0.0 ? v : 0.0;
          break;
        case NNB_MODULE_LEAKY_RELU:
          note_kink (r, v);
          y->data[i] = v > 0.0 ? v : module->negative_slope * v;
          break;
        case NNB_MODULE_TANH:
          y->data[i] = tanh (v);
          break;
        case NNB_MODULE_SIGMOID:
          y->data[i] = 1.0 / (1.0 + exp (-v));
          break;
        case NNB_MODULE_GELU:
          /* approximate='none': x · Φ(x) */
          y->data[i] = 0.5 * v * (1.0 + erf (v / sqrt (2.0)));
          break;
        case NNB_MODULE_IDENTITY:
          y->data[i] = v;
          break;
        case NNB_MODULE_LINEAR:
        case NNB_MODULE_SEQUENTIAL:
        default:
          g_assert_not_reached ();
        }
    }
  return y;
}

/* The value of node `index`, evaluated from its inputs (memoised, so a value
 * used twice is computed once, as forward computes it). */
static Ref *
ref_node (Reference *r, int index, Ref **memo)
{
  NnbNode *node = nnb_model_get_node (r->model, index);
  Ref *a, *b;

  if (memo[index] != NULL)
    return memo[index];
  switch (node->kind)
    {
    case NNB_NODE_INPUT:
      g_assert_not_reached (); /* set by the caller */
      break;
    case NNB_NODE_CALL:
      memo[index] = ref_module (r, nnb_model_get_module (r->model, node->module),
                                ref_node (r, node->inputs[0], memo));
      break;
    case NNB_NODE_FUNCTION:
      memo[index] = ref_module (r, node->activation, ref_node (r, node->inputs[0], memo));
      break;
    case NNB_NODE_ADD:
      a = ref_node (r, node->inputs[0], memo);
      b = ref_node (r, node->inputs[1], memo);
      g_assert_cmpint (a->numel, ==, b->numel);
      memo[index] = ref_new (r, a->ndim, a->shape);
      for (int64_t i = 0; i < a->numel; i++)
        memo[index]->data[i] = a->data[i] + b->data[i];
      break;
    case NNB_NODE_MUL:
      a = ref_node (r, node->inputs[0], memo);
      b = ref_node (r, node->inputs[1], memo);
      g_assert_cmpint (a->numel, ==, b->numel);
      memo[index] = ref_new (r, a->ndim, a->shape);
      for (int64_t i = 0; i < a->numel; i++)
        memo[index]->data[i] = a->data[i] * b->data[i];
      break;
    case NNB_NODE_CAT:
      {
        /* torch.cat([a, b], dim=1): each row of a, then the same row of b */
        int64_t shape[NNB_MAX_DIMS], rows, wa, wb;

        a = ref_node (r, node->inputs[0], memo);
        b = ref_node (r, node->inputs[1], memo);
        rows = a->shape[0], wa = a->numel / rows, wb = b->numel / rows;
        memcpy (shape, a->shape, sizeof shape);
        shape[1] += b->shape[1];
        memo[index] = ref_new (r, a->ndim, shape);
        for (int64_t row = 0; row < rows; row++)
          {
            memcpy (memo[index]->data + row * (wa + wb), a->data + row * wa, wa * sizeof (double));
            memcpy (memo[index]->data + row * (wa + wb) + wa, b->data + row * wb, wb * sizeof (double));
          }
      }
      break;
    case NNB_NODE_OUTPUT:
      memo[index] = ref_node (r, node->inputs[0], memo);
      break;
    }
  return memo[index];
}

static double
ref_elementwise_loss (Reference *r, NnbLossKind kind, double diff)
{
  if (kind == NNB_LOSS_MSE)
    return diff * diff;
  note_kink (r, diff);
  return fabs (diff);
}

/* reduction='mean' over the shape PyTorch computes on: the common shape, or
 * for pred (N, 1) against target (N,) the broadcast (N, N) grid, where
 * element [i, j] is pred[i] − target[j]. */
static double
ref_loss (Reference *r, NnbLossKind kind, const Ref *pred, const NnbTensor *target)
{
  double sum = 0.0;

  if (pred->ndim == target->ndim &&
      memcmp (pred->shape, target->shape, pred->ndim * sizeof (int64_t)) == 0)
    {
      for (int64_t i = 0; i < pred->numel; i++)
        sum += ref_elementwise_loss (r, kind, pred->data[i] - target->data[i]);
      return sum / pred->numel;
    }

  g_assert_cmpint (pred->ndim, ==, 2);
  g_assert_cmpint (pred->shape[1], ==, 1);
  g_assert_cmpint (target->ndim, ==, 1);
  g_assert_cmpint (target->shape[0], ==, pred->shape[0]);
  for (int64_t i = 0; i < pred->numel; i++)
    for (int64_t j = 0; j < target->numel; j++)
      sum += ref_elementwise_loss (r, kind, pred->data[i] - target->data[j]);
  return sum / ((double) pred->numel * target->numel);
}

double
reference_loss (Reference *r, NnbLossKind kind, const NnbTensor *input,
                const NnbTensor *target, Ref **pred_out)
{
  guint n = r->model->nodes->len;
  g_autofree Ref **memo = g_new0 (Ref *, n);
  int output = -1;
  Ref *pred;

  g_ptr_array_set_size (r->arena, 0);
  r->min_kink = INFINITY;
  for (guint i = 0; i < n; i++)
    {
      NnbNode *node = nnb_model_get_node (r->model, i);
      if (node->kind == NNB_NODE_INPUT)
        memo[i] = ref_from_tensor (r, input);
      else if (node->kind == NNB_NODE_OUTPUT)
        output = i;
    }
  g_assert_cmpint (output, >=, 0);
  pred = ref_node (r, output, memo);
  if (pred_out)
    *pred_out = pred;
  return ref_loss (r, kind, pred, target);
}
