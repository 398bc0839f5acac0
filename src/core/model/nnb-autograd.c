/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-autograd.c — running data through a model: forward and backward.
 *
 * The graph is compiled once per input shape into a flat list of steps over
 * leaf modules (a Sequential call expands into its children), with one
 * activation buffer and one gradient buffer per step, allocated up front and
 * reused by every later call (llm.c's habit): a training step allocates
 * nothing. Backward walks the steps in reverse; a value used twice (a skip
 * connection) receives the sum of both gradients, and a parameter used by
 * several calls the sum of their parts, added into .grad once (PyTorch's
 * AccumulateGrad). */
#include "nnb-model-private.h"

#include <string.h>
#include "nnb-error.h"

typedef enum
{
  STEP_LINEAR,
  STEP_LAYER_NORM,
  STEP_SOFTMAX, /* Softmax and LogSoftmax: rows, not elements */
  STEP_DROPOUT,
  STEP_BATCH_NORM,
  STEP_ACTIVATION,
  STEP_ADD,
  STEP_MUL,
  STEP_CAT, /* torch.cat([a, b, …], dim=1) */
} StepKind;

typedef struct
{
  StepKind kind;
  NnbModule *module; /* borrowed: the model holds it */
  NnbActivation act;
  float act_param;
  int in[NNB_NODE_MAX_INPUTS]; /* buffer indices; buffer 0 is the model's input */
  int n_in;                    /* cat: how many of in[] it joins */
  int out;
  NnbTensor *weight_grad;                    /* Linear: dYᵀ·X, (out, in), before it is added into .grad;
                           * LayerNorm, BatchNorm1d: Σ dY·x̂, (features,) */
  NnbTensor *bias_grad;                      /* Linear, LayerNorm, BatchNorm1d: Σ dY, (features,), this call's */
  NnbTensor *neg_zero;                       /* Linear with a bias: out_features times −0, where Σ dY starts */
  NnbTensor *stats;                          /* LayerNorm: each row's mean, then each row's rstd;
                           * BatchNorm1d: each feature's mean, then its invstd */
  NnbTensor *input_grad;                     /* LayerNorm, Dropout, BatchNorm1d: dX before it is added into the input's gradient;
                           * *: the first input's */
  NnbTensor *other_grad;                     /* *: the second input's */
  NnbTensor *part_grad[NNB_NODE_MAX_INPUTS]; /* cat: each input's columns of dY */
  NnbTensor *mask;                           /* Dropout: the last train-mode forward's noise, 0 or 1/(1 − p) */
  float *host_mask;                          /* Dropout off the CPU: the mask drawn on the host, then uploaded */
  gboolean masked;                           /* Dropout: the last forward multiplied by mask (else it copied);
                           * BatchNorm1d: the last forward used the batch's statistics */
  guint shared[2];                           /* weight, bias: 1 + the index in plan->shared of the parameter's
                    * sum of parts when several calls use it; 0: called once */
} Step;

/* A parameter several calls use: PyTorch's AccumulateGrad sums the parts
 * in its InputBuffer, in the order backward makes them (the last call's
 * first: ((p3 + p2) + p1)), then adds that sum into .grad once */
typedef struct
{
  NnbParameter *param; /* borrowed */
  NnbTensor *sum;
  gboolean started; /* this backward's first part is in sum */
} SharedGrad;

struct _NnbPlan
{
  int in_ndim;
  int64_t in_shape[NNB_MAX_DIMS];
  NnbDevice device;
  const NnbBackend *backend;
  GArray *steps;      /* Step */
  GArray *shared;     /* SharedGrad */
  GPtrArray *values;  /* NnbTensor*, [0] = the current input (ref'd during use) */
  GPtrArray *grads;   /* NnbTensor*, [0] = NULL: the input needs no gradient */
  gboolean *has_grad; /* per buffer, during backward */
  int output;         /* buffer holding the model's output */
  /* what nnb_model_node_output reads: each node's buffer, and for a node
   * calling a Sequential the buffer after each of its layers (layer_out
   * from layer_first[node], n_layers[node] of them) */
  int *node_out;
  int *layer_first, *n_layers;
  GArray *layer_out; /* int */
};

void
nnb_plan_free (NnbPlan *plan)
{
  if (plan == NULL)
    return;
  for (guint i = 0; i < plan->steps->len; i++)
    {
      Step *step = &g_array_index (plan->steps, Step, i);
      nnb_tensor_unref (step->weight_grad);
      nnb_tensor_unref (step->bias_grad);
      nnb_tensor_unref (step->neg_zero);
      nnb_tensor_unref (step->stats);
      nnb_tensor_unref (step->input_grad);
      nnb_tensor_unref (step->other_grad);
      for (int k = 0; k < NNB_NODE_MAX_INPUTS; k++)
        nnb_tensor_unref (step->part_grad[k]);
      nnb_tensor_unref (step->mask);
      g_free (step->host_mask);
    }
  g_array_unref (plan->steps);
  for (guint i = 0; plan->shared != NULL && i < plan->shared->len; i++)
    nnb_tensor_unref (g_array_index (plan->shared, SharedGrad, i).sum);
  g_clear_pointer (&plan->shared, g_array_unref);
  g_ptr_array_unref (plan->values);
  g_ptr_array_unref (plan->grads);
  g_free (plan->has_grad);
  g_free (plan->node_out);
  g_free (plan->layer_first);
  g_free (plan->n_layers);
  g_array_unref (plan->layer_out);
  g_free (plan);
}

static int
add_buffer (NnbPlan *plan, int ndim, const int64_t *shape, GError **error)
{
  NnbTensor *value = nnb_tensor_new (ndim, shape, plan->device, error);
  NnbTensor *grad = value ? nnb_tensor_new (ndim, shape, plan->device, error) : NULL;

  if (grad == NULL)
    {
      nnb_tensor_unref (value);
      return -1;
    }
  g_ptr_array_add (plan->values, value);
  g_ptr_array_add (plan->grads, grad);
  return plan->values->len - 1;
}

static void
buffer_shape (const NnbPlan *plan, int b, int *ndim, int64_t *shape)
{
  const NnbTensor *t = plan->values->pdata[b];

  *ndim = b == 0 ? plan->in_ndim : t->ndim;
  memcpy (shape, b == 0 ? plan->in_shape : t->shape, *ndim * sizeof (int64_t));
}

/* The step of a + b or a * b (shapes checked by shape inference before);
 * returns the buffer with its result, or -1. */
static int
add_two_input_step (NnbPlan *plan, StepKind kind, int a, int b, GError **error)
{
  Step step = { .kind = kind, .in = { a, b } };
  int ndim, b_ndim;
  int64_t shape[NNB_MAX_DIMS], b_shape[NNB_MAX_DIMS];
  Step *owned;

  buffer_shape (plan, a, &ndim, shape);
  buffer_shape (plan, b, &b_ndim, b_shape);
  step.out = add_buffer (plan, ndim, shape, error);
  if (step.out < 0)
    return -1;
  g_array_append_val (plan->steps, step);
  if (kind == STEP_ADD)
    return step.out;
  /* each input's gradient is made apart, then added where it belongs */
  owned = &g_array_index (plan->steps, Step, plan->steps->len - 1);
  buffer_shape (plan, a, &ndim, shape);
  owned->input_grad = nnb_tensor_new (ndim, shape, plan->device, error);
  owned->other_grad = owned->input_grad ? nnb_tensor_new (b_ndim, b_shape, plan->device, error) : NULL;
  return owned->other_grad != NULL ? owned->out : -1;
}

/* The step of torch.cat([in[0], …, in[n - 1]], dim=1) (shapes checked by
 * shape inference before); returns the buffer with its result, or -1. */
static int
add_cat_step (NnbPlan *plan, const int *in, int n, GError **error)
{
  Step step = { .kind = STEP_CAT, .n_in = n };
  int ndim = 0;
  int64_t shape[NNB_MAX_DIMS], width = 0;
  Step *owned;

  for (int k = 0; k < n; k++)
    {
      step.in[k] = in[k];
      buffer_shape (plan, in[k], &ndim, shape);
      width += shape[1];
    }
  shape[1] = width; /* the others' sizes are the last one's */
  step.out = add_buffer (plan, ndim, shape, error);
  if (step.out < 0)
    return -1;
  g_array_append_val (plan->steps, step);
  /* each input's columns of dY are gathered apart, then added where they belong */
  owned = &g_array_index (plan->steps, Step, plan->steps->len - 1);
  for (int k = 0; k < n; k++)
    {
      buffer_shape (plan, in[k], &ndim, shape);
      owned->part_grad[k] = nnb_tensor_new (ndim, shape, plan->device, error);
      if (owned->part_grad[k] == NULL)
        return -1;
    }
  return owned->out;
}

/* Appends the steps of one module call reading buffer `in`; returns the
 * buffer with its result, or -1. */
static int
expand_call (NnbPlan *plan, NnbModule *module, int in, GError **error)
{
  NnbTensor *input = plan->values->pdata[in];
  int in_ndim = in == 0 ? plan->in_ndim : input->ndim;
  const int64_t *in_shape = in == 0 ? plan->in_shape : input->shape;
  int out_ndim;
  int64_t out_shape[NNB_MAX_DIMS];
  Step step = { 0 };

  if (module->kind == NNB_MODULE_SEQUENTIAL)
    {
      for (guint i = 0; i < module->children->len && in >= 0; i++)
        in = expand_call (plan, module->children->pdata[i], in, error);
      return in;
    }
  if (!nnb_module_output_shape (module, in_ndim, in_shape, &out_ndim, out_shape, error))
    return -1;
  step.module = module;
  step.in[0] = in;
  step.in[1] = -1;
  step.kind = module->kind == NNB_MODULE_LINEAR        ? STEP_LINEAR
              : module->kind == NNB_MODULE_LAYER_NORM  ? STEP_LAYER_NORM
              : module->kind == NNB_MODULE_SOFTMAX     ? STEP_SOFTMAX
              : module->kind == NNB_MODULE_LOG_SOFTMAX ? STEP_SOFTMAX
              : module->kind == NNB_MODULE_DROPOUT     ? STEP_DROPOUT
              : module->kind == NNB_MODULE_BATCH_NORM  ? STEP_BATCH_NORM
                                                       : STEP_ACTIVATION;
  if (step.kind == STEP_ACTIVATION)
    nnb_module_activation (module, &step.act, &step.act_param);
  step.out = add_buffer (plan, out_ndim, out_shape, error);
  if (step.out < 0)
    return -1;
  if (step.kind == STEP_LINEAR)
    {
      int64_t shape[2] = { module->out_features, module->in_features };
      step.weight_grad = nnb_tensor_new (2, shape, plan->device, error);
      if (step.weight_grad == NULL)
        return -1;
      /* −0 is the sum's identity (−0 + x is x, bit for bit, −0 too);
       * fill () makes every zero +0, so it is uploaded */
      if (module->has_bias)
        {
          g_autofree float *host = g_new (float, MAX (module->out_features, 1));
          Step *owned;

          for (int64_t c = 0; c < module->out_features; c++)
            host[c] = -0.0f;
          g_array_append_val (plan->steps, step);
          owned = &g_array_index (plan->steps, Step, plan->steps->len - 1);
          owned->bias_grad = nnb_tensor_new (1, shape, plan->device, error);
          owned->neg_zero = owned->bias_grad ? nnb_tensor_new (1, shape, plan->device, error) : NULL;
          if (owned->neg_zero == NULL)
            return -1;
          plan->backend->upload (owned->neg_zero->data, host, module->out_features);
          return owned->out;
        }
    }
  if (step.kind == STEP_LAYER_NORM)
    {
      int64_t features = module->normalized_shape, rows = 1;
      int64_t stats_shape[1];
      Step *owned;

      for (int d = 0; d < out_ndim - 1; d++)
        rows *= out_shape[d];
      stats_shape[0] = 2 * rows;
      /* appended first: the plan owns the buffers from here, so a failed
       * allocation below frees those made before it */
      g_array_append_val (plan->steps, step);
      owned = &g_array_index (plan->steps, Step, plan->steps->len - 1);
      owned->stats = nnb_tensor_new (1, stats_shape, plan->device, error);
      owned->input_grad = owned->stats ? nnb_tensor_new (out_ndim, out_shape, plan->device, error) : NULL;
      if (owned->input_grad == NULL)
        return -1;
      if (module->elementwise_affine)
        {
          owned->weight_grad = nnb_tensor_new (1, &features, plan->device, error);
          owned->bias_grad = owned->weight_grad ? nnb_tensor_new (1, &features, plan->device, error) : NULL;
          if (owned->bias_grad == NULL)
            return -1;
        }
      return owned->out;
    }
  if (step.kind == STEP_BATCH_NORM)
    {
      int64_t features = out_shape[1], stats_shape[1] = { 2 * out_shape[1] };
      Step *owned;

      g_array_append_val (plan->steps, step);
      owned = &g_array_index (plan->steps, Step, plan->steps->len - 1);
      owned->stats = nnb_tensor_new (1, stats_shape, plan->device, error);
      owned->input_grad = owned->stats ? nnb_tensor_new (out_ndim, out_shape, plan->device, error) : NULL;
      owned->weight_grad = owned->input_grad ? nnb_tensor_new (1, &features, plan->device, error) : NULL;
      owned->bias_grad = owned->weight_grad ? nnb_tensor_new (1, &features, plan->device, error) : NULL;
      return owned->bias_grad != NULL ? owned->out : -1;
    }
  if (step.kind == STEP_DROPOUT)
    {
      Step *owned;

      g_array_append_val (plan->steps, step);
      owned = &g_array_index (plan->steps, Step, plan->steps->len - 1);
      owned->mask = nnb_tensor_new (out_ndim, out_shape, plan->device, error);
      owned->input_grad = owned->mask ? nnb_tensor_new (out_ndim, out_shape, plan->device, error) : NULL;
      if (owned->input_grad == NULL)
        return -1;
      if (plan->device.type != NNB_DEVICE_CPU)
        {
          owned->host_mask = g_try_new (float, MAX (owned->mask->numel, 1));
          if (owned->host_mask == NULL)
            {
              g_set_error_literal (error, NNB_ERROR, NNB_ERROR_OUT_OF_MEMORY,
                                   "Not enough memory for a Dropout mask.");
              return -1;
            }
        }
      return owned->out;
    }
  g_array_append_val (plan->steps, step);
  return step.out;
}

/* The step's parameter k (0 weight, 1 bias) whose gradient it makes, or NULL */
static NnbParameter *
step_param (const Step *step, guint k)
{
  const NnbTensor *part = k == 0 ? step->weight_grad : step->bias_grad;

  if ((step->kind != STEP_LINEAR && step->kind != STEP_LAYER_NORM && step->kind != STEP_BATCH_NORM) ||
      part == NULL || k >= step->module->parameters->len)
    return NULL;
  return step->module->parameters->pdata[k];
}

/* Gives each parameter more than one step uses a sum of parts */
static gboolean
find_shared_params (NnbPlan *plan, GError **error)
{
  for (guint i = 0; i < plan->steps->len; i++)
    for (guint k = 0; k < 2; k++)
      {
        Step *step = &g_array_index (plan->steps, Step, i);
        NnbParameter *param = step_param (step, k);
        const NnbTensor *part = k == 0 ? step->weight_grad : step->bias_grad;
        SharedGrad shared = { param, NULL, FALSE };
        guint id = plan->shared->len + 1;
        gboolean again = FALSE;

        if (param == NULL || step->shared[k] != 0)
          continue;
        for (guint j = i + 1; j < plan->steps->len; j++)
          for (guint kk = 0; kk < 2; kk++)
            if (step_param (&g_array_index (plan->steps, Step, j), kk) == param)
              {
                g_array_index (plan->steps, Step, j).shared[kk] = id;
                again = TRUE;
              }
        if (!again)
          continue;
        shared.sum = nnb_tensor_new (part->ndim, part->shape, plan->device, error);
        if (shared.sum == NULL)
          return FALSE;
        step->shared[k] = id;
        g_array_append_val (plan->shared, shared);
      }
  return TRUE;
}

static NnbPlan *
plan_new (NnbModel *model, const NnbTensor *input, GError **error)
{
  g_autoptr (GArray) order = NULL;
  g_autofree int *node_buffer = NULL;
  NnbPlan *plan;

  if (!nnb_model_validate (model, error))
    return NULL;
  /* shape inference first, so a mismatch reports PyTorch's message before
   * anything is allocated */
  if (!nnb_model_infer_shapes (model, input->ndim, input->shape, NULL, error))
    return NULL;

  plan = g_new0 (NnbPlan, 1);
  plan->in_ndim = input->ndim;
  memcpy (plan->in_shape, input->shape, sizeof plan->in_shape);
  plan->device = model->device;
  plan->backend = nnb_backend_get (model->device, NULL);
  plan->steps = g_array_new (FALSE, FALSE, sizeof (Step));
  plan->shared = g_array_new (FALSE, FALSE, sizeof (SharedGrad));
  plan->values = g_ptr_array_new_with_free_func ((GDestroyNotify) nnb_tensor_unref);
  plan->grads = g_ptr_array_new_with_free_func ((GDestroyNotify) nnb_tensor_unref);
  g_ptr_array_add (plan->values, NULL);
  g_ptr_array_add (plan->grads, NULL);
  plan->layer_out = g_array_new (FALSE, FALSE, sizeof (int));
  plan->layer_first = g_new0 (int, model->nodes->len);
  plan->n_layers = g_new0 (int, model->nodes->len);

  order = nnb_model_topological_order (model, NULL);
  node_buffer = g_new0 (int, model->nodes->len);
  for (guint k = 0; k < order->len; k++)
    {
      int index = g_array_index (order, int, k);
      NnbNode *node = model->nodes->pdata[index];
      int buffer = 0;

      switch (node->kind)
        {
        case NNB_NODE_INPUT:
          buffer = 0;
          break;
        case NNB_NODE_OUTPUT:
          buffer = node_buffer[node->inputs[0]];
          plan->output = buffer;
          break;
        case NNB_NODE_CALL:
          {
            NnbModule *module = nnb_model_get_module (model, node->module);

            buffer = node_buffer[node->inputs[0]];
            if (module->kind != NNB_MODULE_SEQUENTIAL)
              buffer = expand_call (plan, module, buffer, error);
            else
              {
                /* layer by layer, so each layer's output can be read back */
                plan->layer_first[index] = plan->layer_out->len;
                for (guint c = 0; c < module->children->len && buffer >= 0; c++)
                  {
                    buffer = expand_call (plan, module->children->pdata[c], buffer, error);
                    g_array_append_val (plan->layer_out, buffer);
                  }
                plan->n_layers[index] = module->children->len;
              }
          }
          break;
        case NNB_NODE_FUNCTION:
          /* the module activation's own steps, forward and backward */
          buffer = expand_call (plan, node->activation, node_buffer[node->inputs[0]], error);
          break;
        case NNB_NODE_ADD:
        case NNB_NODE_MUL:
          buffer = add_two_input_step (plan, node->kind == NNB_NODE_ADD ? STEP_ADD : STEP_MUL,
                                       node_buffer[node->inputs[0]], node_buffer[node->inputs[1]], error);
          break;
        case NNB_NODE_CAT:
          {
            int in[NNB_NODE_MAX_INPUTS];
            for (int k = 0; k < node->n_inputs; k++)
              in[k] = node_buffer[node->inputs[k]];
            buffer = add_cat_step (plan, in, node->n_inputs, error);
          }
          break;
        }
      if (buffer < 0)
        {
          nnb_plan_free (plan);
          return NULL;
        }
      node_buffer[index] = buffer;
    }
  plan->has_grad = g_new0 (gboolean, plan->values->len);
  plan->node_out = g_steal_pointer (&node_buffer);
  if (!find_shared_params (plan, error))
    {
      nnb_plan_free (plan);
      return NULL;
    }
  return plan;
}

static gboolean
same_device_or_error (NnbModel *model, const NnbTensor *tensor, GError **error)
{
  char a[16], b[16];

  if (nnb_device_equal (model->device, tensor->device))
    return TRUE;
  g_set_error (error, NNB_ERROR, NNB_ERROR_DEVICE,
               "Expected all tensors to be on the same device, but found at least two devices, %s and %s!",
               nnb_device_name (model->device, a, sizeof a), nnb_device_name (tensor->device, b, sizeof b));
  return FALSE;
}

/* The first module with parameters in m, depth first (a Sequential's
 * children in order), or NULL */
static NnbModule *
first_with_parameters (NnbModule *m)
{
  if (m == NULL)
    return NULL;
  if (m->kind == NNB_MODULE_SEQUENTIAL)
    {
      for (guint i = 0; m->children != NULL && i < m->children->len; i++)
        {
          NnbModule *found = first_with_parameters (m->children->pdata[i]);
          if (found != NULL)
            return found;
        }
      return NULL;
    }
  return m->parameters != NULL && m->parameters->len > 0 ? m : NULL;
}

/* model(x) with x on another device. The modules without parameters run
 * wherever x is; the first with parameters stops. When that is a Linear
 * with a bias and x is 2-D, PyTorch 1.13 runs addmm(bias, x, weight.t()),
 * whose check names the bias's device first and then mat1:
 * "… cuda:0 and cpu! (when checking argument for argument mat1 in method
 * wrapper_addmm)". Other first layers keep the message without its end. */
static gboolean
forward_device_or_error (NnbModel *model, const NnbTensor *input, GError **error)
{
  g_autoptr (GArray) order = NULL;
  NnbModule *first = NULL;
  char a[16], b[16];

  if (nnb_device_equal (model->device, input->device))
    return TRUE;
  order = nnb_model_topological_order (model, NULL);
  for (guint k = 0; order != NULL && k < order->len && first == NULL; k++)
    {
      NnbNode *node = model->nodes->pdata[g_array_index (order, int, k)];
      if (node->kind == NNB_NODE_CALL)
        first = first_with_parameters (nnb_model_get_module (model, node->module));
    }
  if (first == NULL || first->kind != NNB_MODULE_LINEAR || !first->has_bias || input->ndim != 2)
    return same_device_or_error (model, input, error);
  g_set_error (error, NNB_ERROR, NNB_ERROR_DEVICE,
               "Expected all tensors to be on the same device, but found at least two devices, %s and %s! "
               "(when checking argument for argument mat1 in method wrapper_addmm)",
               nnb_device_name (model->device, a, sizeof a), nnb_device_name (input->device, b, sizeof b));
  return FALSE;
}

#define VALUE(plan, i) ((NnbTensor *) (plan)->values->pdata[i])
#define GRAD(plan, i) ((NnbTensor *) (plan)->grads->pdata[i])

/* A matrix as PyTorch strides it, in elements: a contiguous one or the
 * transpose (.t()) of one */
typedef struct
{
  const float *data;
  int64_t size[2];
  int64_t stride[2];
} TorchMatrix;

static TorchMatrix
contiguous (const float *data, int64_t rows, int64_t cols)
{
  return (TorchMatrix){ data, { rows, cols }, { MAX (cols, 1), 1 } };
}

static TorchMatrix
transposed (TorchMatrix m)
{
  return (TorchMatrix){ m.data, { m.size[1], m.size[0] }, { m.stride[1], m.stride[0] } };
}

/* c = m1 · m2 + beta · c for a contiguous c, through the very sgemm call
 * PyTorch 1.13 makes: addmm_impl_cpu_ (aten/src/ATen/native/LinearAlgebra.cpp)
 * picks which operand becomes BLAS's column-major A, the transpose flags and
 * m, n, k from the strides, and cpublas::gemm's normalize_last_dims fixes the
 * leading dimensions of size-1 sides. These decide how OpenBLAS packs and
 * tiles, and so the order of its sums: the same product with the operands
 * swapped (a 16 × 16 weight gradient) differs in the last bit. The call
 * traced from torch (an LD_PRELOAD sgemm_) matches this for every Linear
 * shape tried, 1 included; a column-major call is the backend's row-major
 * one with the operands swapped, as cblas itself does. */
static void
torch_addmm (const NnbBackend *be, TorchMatrix m1, TorchMatrix m2, float beta, float *c)
{
  int64_t rsize[2] = { m1.size[0], m2.size[1] };
  int64_t rstride[2] = { MAX (rsize[1], 1), 1 };
  gboolean tc, ta, tb;
  int r, s;
  int64_t m, n, k, lda, ldb, ldc;

  /* a row-major result is a column-major one transposed: unless it is a
   * single column, BLAS computes cᵀ = m2ᵀ · m1ᵀ */
  tc = !(rstride[0] == 1 && (rsize[1] == 1 || rstride[1] >= MAX (1, rsize[0])));
  if (tc)
    {
      TorchMatrix t = m1;
      m1 = m2;
      m2 = t;
    }
  r = tc ? 1 : 0;
  s = tc ? 0 : 1;
  m = rsize[r];
  n = rsize[s];
  k = m1.size[s];
  /* contiguous operands and their transposes always fit one of the two
   * (checked for every shape up to 69 × 69 × 69): PyTorch's third case,
   * a contiguous copy, never arises here */
  if (m1.stride[r] == 1 && m1.stride[s] >= MAX (1, m))
    ta = FALSE;
  else
    {
      g_assert (m1.stride[s] == 1 && m1.stride[r] >= MAX (1, k));
      ta = TRUE;
    }
  if (m2.stride[r] == 1 && m2.stride[s] >= MAX (1, k))
    tb = FALSE;
  else
    {
      g_assert (m2.stride[s] == 1 && m2.stride[r] >= MAX (1, n));
      tb = TRUE;
    }
  lda = m1.stride[ta == tc ? 1 : 0];
  ldb = m2.stride[tb == tc ? 1 : 0];
  ldc = rstride[tc ? 0 : 1];
  if (n == 1)
    ldc = m;
  if (ta ? m == 1 : k == 1)
    lda = ta ? k : m;
  if (tb ? k == 1 : n == 1)
    ldb = tb ? n : k;
  be->gemm (tb, ta, (int) n, (int) m, (int) k, 1.0f, m2.data, (int) ldb, m1.data, (int) lda, beta, c, (int) ldc);
}

static void
run_linear_forward (NnbPlan *plan, const Step *step)
{
  const NnbBackend *be = plan->backend;
  NnbTensor *x = VALUE (plan, step->in[0]);
  NnbTensor *y = VALUE (plan, step->out);
  NnbParameter *weight = step->module->parameters->pdata[0];
  NnbParameter *bias = step->module->has_bias ? step->module->parameters->pdata[1] : NULL;
  int rows = (int) (x->numel / step->module->in_features);
  int in_f = (int) step->module->in_features, out_f = (int) step->module->out_features;

  /* addmm: y = bias + x · Wᵀ, the bias first and gemm adding onto it */
  if (bias)
    be->bias_fill (y->data, bias->value->data, rows, out_f);
  torch_addmm (be, contiguous (x->data, rows, in_f), transposed (contiguous (weight->value->data, out_f, in_f)),
               bias ? 1.0f : 0.0f, y->data);
}

static void give_grad (NnbPlan *plan, int b, const NnbTensor *g);

/* Adds a call's part of parameter k's gradient into its .grad; for a
 * parameter several calls use, into the sum of parts instead, which
 * add_shared_grads adds into .grad once backward has made them all */
static void
add_param_part (NnbPlan *plan, const Step *step, guint k, NnbParameter *param, const NnbTensor *part, gsize n)
{
  SharedGrad *shared = step->shared[k] ? &g_array_index (plan->shared, SharedGrad, step->shared[k] - 1) : NULL;

  if (shared == NULL)
    plan->backend->accumulate (param->grad->data, part->data, n);
  else if (shared->started)
    plan->backend->accumulate (shared->sum->data, part->data, n);
  else
    plan->backend->copy (shared->sum->data, part->data, n);
  if (shared != NULL)
    shared->started = TRUE;
  param->has_grad = TRUE;
}

static void
add_shared_grads (NnbPlan *plan)
{
  for (guint i = 0; i < plan->shared->len; i++)
    {
      SharedGrad *shared = &g_array_index (plan->shared, SharedGrad, i);

      if (shared->started)
        plan->backend->accumulate (shared->param->grad->data, shared->sum->data, shared->sum->numel);
      shared->started = FALSE;
    }
}

/* nn.LayerNorm over the last dimension, each row on its own:
 *   mean = Σ x / F,  var = Σ (x − mean)² / F (biased),  rstd = 1/√(var + eps)
 *   y = (x − mean) · rstd · weight + bias
 * mean and rstd are kept for backward, as PyTorch's native_layer_norm does. */
static void
run_layer_norm_forward (NnbPlan *plan, const Step *step)
{
  NnbModule *module = step->module;
  NnbTensor *x = VALUE (plan, step->in[0]);
  gsize features = module->normalized_shape, rows = x->numel / features;
  NnbParameter *weight = module->elementwise_affine ? module->parameters->pdata[0] : NULL;
  NnbParameter *bias = module->elementwise_affine ? module->parameters->pdata[1] : NULL;

  plan->backend->layer_norm_forward (x->data, weight ? weight->value->data : NULL, bias ? bias->value->data : NULL,
                                     rows, features, (float) module->eps, VALUE (plan, step->out)->data,
                                     step->stats->data, step->stats->data + rows);
}

/* With x̂ = (x − mean) · rstd and g = dY · weight:
 *   dweight = Σ_rows dY · x̂,  dbias = Σ_rows dY
 *   dX = rstd · (g − mean(g) − x̂ · mean(g · x̂))
 * dX is made fresh, then added into the input's gradient (autograd's order). */
static void
run_layer_norm_backward (NnbPlan *plan, const Step *step)
{
  const NnbBackend *be = plan->backend;
  NnbModule *module = step->module;
  NnbTensor *x = VALUE (plan, step->in[0]);
  gsize features = module->normalized_shape, rows = x->numel / features;
  NnbParameter *weight = module->elementwise_affine ? module->parameters->pdata[0] : NULL;
  NnbParameter *bias = module->elementwise_affine ? module->parameters->pdata[1] : NULL;
  gboolean want_params = weight != NULL && (weight->requires_grad || bias->requires_grad);
  int in = step->in[0];

  if (!want_params && in == 0)
    return;
  be->layer_norm_backward (GRAD (plan, step->out)->data, x->data, step->stats->data, step->stats->data + rows,
                           weight ? weight->value->data : NULL, rows, features,
                           in != 0 ? step->input_grad->data : NULL, want_params ? step->weight_grad->data : NULL,
                           want_params ? step->bias_grad->data : NULL);
  if (want_params && weight->requires_grad)
    add_param_part (plan, step, 0, weight, step->weight_grad, features);
  if (want_params && bias->requires_grad)
    add_param_part (plan, step, 1, bias, step->bias_grad, features);
  if (in != 0)
    give_grad (plan, in, step->input_grad);
}

/* nn.Softmax / nn.LogSoftmax over the last dimension (shape inference
 * made sure it is dim), each row on its own:
 *   softmax:      y = exp(x − max) / Σ exp(x − max)
 *   log_softmax:  y = (x − max) − log Σ exp(x − max)
 * Backward needs only the output, as PyTorch's _softmax_backward_data:
 *   softmax:      dX = (dY − Σ dY·y) · y
 *   log_softmax:  dX = dY − exp(y) · Σ dY */
static gsize
softmax_cols (const NnbTensor *x)
{
  return x->ndim > 0 ? (gsize) x->shape[x->ndim - 1] : 1;
}

static void
run_softmax_forward (NnbPlan *plan, const Step *step)
{
  NnbTensor *x = VALUE (plan, step->in[0]);
  gsize cols = softmax_cols (x);

  if (cols > 0)
    plan->backend->softmax_forward (step->module->kind == NNB_MODULE_LOG_SOFTMAX, x->data,
                                    VALUE (plan, step->out)->data, x->numel / cols, cols);
}

static void
run_softmax_backward (NnbPlan *plan, const Step *step)
{
  NnbTensor *y = VALUE (plan, step->out);
  gsize cols = softmax_cols (y);
  int in = step->in[0];

  if (in == 0 || cols == 0)
    return;
  plan->backend->softmax_backward (step->module->kind == NNB_MODULE_LOG_SOFTMAX, y->data, GRAD (plan, step->out)->data,
                                   GRAD (plan, in)->data, y->numel / cols, cols, plan->has_grad[in]);
  plan->has_grad[in] = TRUE;
}

/* nn.Dropout(p) (ATen's _dropout_impl on the CPU):
 *   train mode, 0 < p:  y = x · noise, noise = bernoulli(1 − p) / (1 − p)
 *   eval mode or p = 0: y = x (PyTorch returns the input itself)
 * The noise comes from the model's generator in PyTorch's stream
 * (nnb_rng_dropout_mask), drawn on the host on every device so that a GPU
 * gives the CPU's masks; backward multiplies by the same noise:
 *   dX = dY · noise */
static void
run_dropout_forward (NnbModel *model, NnbPlan *plan, Step *step)
{
  const NnbBackend *be = plan->backend;
  NnbTensor *x = VALUE (plan, step->in[0]);
  NnbTensor *y = VALUE (plan, step->out);
  NnbGenerator *gen = model->generator != NULL ? model->generator : nnb_generator_default ();
  float *host = step->host_mask != NULL ? step->host_mask : step->mask->data;

  step->masked = model->training && step->module->p > 0.0;
  if (!step->masked)
    {
      be->copy (y->data, x->data, x->numel);
      return;
    }
  nnb_rng_dropout_mask (gen, host, x->numel, step->module->p);
  if (step->host_mask != NULL)
    be->upload (step->mask->data, host, x->numel);
  be->mul (x->data, step->mask->data, y->data, x->numel);
}

static void
run_dropout_backward (NnbPlan *plan, const Step *step)
{
  NnbTensor *dy = GRAD (plan, step->out);

  if (step->in[0] == 0)
    return;
  if (step->masked)
    plan->backend->mul (dy->data, step->mask->data, step->input_grad->data, dy->numel);
  give_grad (plan, step->in[0], step->masked ? step->input_grad : dy);
}

/* nn.BatchNorm1d (F.batch_norm): in train mode, or without running
 * estimates, each feature is normalised with the batch's mean and biased
 * variance; in train mode the running estimates then move towards the
 * batch's mean and unbiased variance:
 *   running = (1 − momentum) · running + momentum · batch
 * with momentum=None a cumulative average, momentum = 1 / num_batches_tracked.
 * num_batches_tracked counts before F.batch_norm checks the batch, as the
 * module's forward does. In eval mode the running estimates normalise. */
static gboolean
run_batch_norm_forward (NnbModel *model, NnbPlan *plan, Step *step, GError **error)
{
  NnbModule *module = step->module;
  NnbTensor *x = VALUE (plan, step->in[0]);
  gsize rows = (gsize) x->shape[0], cols = rows ? x->numel / rows : 0;
  NnbParameter *weight = module->affine ? module->parameters->pdata[0] : NULL;
  NnbParameter *bias = module->affine ? module->parameters->pdata[1] : NULL;
  NnbBuffer *running_mean = nnb_module_get_buffer (module, "running_mean");
  NnbBuffer *running_var = nnb_module_get_buffer (module, "running_var");
  NnbBuffer *count = nnb_module_get_buffer (module, "num_batches_tracked");
  gboolean update = model->training && module->track_running_stats && !model->keep_buffers;
  double momentum = module->momentum;

  /* a buffer left behind by a move (.to() moves them all; a state_dict
   * copied in by hand may not) stops here, as F.batch_norm's device check */
  if (running_mean != NULL && !nnb_device_equal (running_mean->value->device, x->device))
    {
      char a[16], b[16];
      g_set_error (error, NNB_ERROR, NNB_ERROR_DEVICE,
                   "Expected all tensors to be on the same device, but found at least two devices, %s and %s!",
                   nnb_device_name (x->device, a, sizeof a), nnb_device_name (running_mean->value->device, b, sizeof b));
      return FALSE;
    }
  step->masked = model->training || !module->track_running_stats;
  if (update)
    {
      count->count++;
      if (!module->has_momentum)
        momentum = 1.0 / (double) count->count;
    }
  if (step->masked && rows <= 1)
    {
      g_autofree char *size = nnb_shape_torch_size (x->ndim, x->shape);
      g_set_error (error, NNB_ERROR, NNB_ERROR_SHAPE,
                   "Expected more than 1 value per channel when training, got input size %s", size);
      return FALSE;
    }
  plan->backend->batch_norm_forward (x->data, rows, cols, weight ? weight->value->data : NULL,
                                     bias ? bias->value->data : NULL, step->masked, module->eps,
                                     (float) momentum, update || !step->masked ? running_mean->value->data : NULL,
                                     update || !step->masked ? running_var->value->data : NULL,
                                     VALUE (plan, step->out)->data, step->stats->data, step->stats->data + cols);
  return TRUE;
}

/* With the statistics of the forward (x̂ = (x − mean) · invstd):
 *   dweight = Σ dY · x̂,  dbias = Σ dY
 *   batch statistics:  dX = (dY − mean(dY) − x̂ · mean(dY · x̂)) · invstd · weight
 *   running ones:      dX = dY · invstd · weight */
static void
run_batch_norm_backward (NnbPlan *plan, const Step *step)
{
  const NnbBackend *be = plan->backend;
  NnbModule *module = step->module;
  NnbTensor *x = VALUE (plan, step->in[0]);
  gsize rows = (gsize) x->shape[0], cols = rows ? x->numel / rows : 0;
  NnbParameter *weight = module->affine ? module->parameters->pdata[0] : NULL;
  NnbParameter *bias = module->affine ? module->parameters->pdata[1] : NULL;
  int in = step->in[0];

  if (in == 0 && (weight == NULL || (!weight->requires_grad && !bias->requires_grad)))
    return;
  be->batch_norm_backward (GRAD (plan, step->out)->data, x->data, rows, cols, weight ? weight->value->data : NULL,
                           step->stats->data, step->stats->data + cols, step->masked,
                           in != 0 ? step->input_grad->data : NULL, step->weight_grad->data, step->bias_grad->data);
  if (weight != NULL && weight->requires_grad)
    add_param_part (plan, step, 0, weight, step->weight_grad, cols);
  if (bias != NULL && bias->requires_grad)
    add_param_part (plan, step, 1, bias, step->bias_grad, cols);
  if (in != 0)
    give_grad (plan, in, step->input_grad);
}

/* A row's length in torch.cat(…, dim=1) of contiguous tensors: a row is
 * everything from dim 1 on, one row per entry of dim 0. */
static gsize
cat_width (const NnbTensor *t)
{
  return t->shape[0] ? t->numel / (gsize) t->shape[0] : 0;
}

/* Each input's rows side by side in the output's rows */
static void
run_cat_forward (NnbPlan *plan, const Step *step)
{
  NnbTensor *y = VALUE (plan, step->out);
  gsize rows = (gsize) y->shape[0], wy = cat_width (y), at = 0;

  for (int k = 0; k < step->n_in; k++)
    {
      NnbTensor *x = VALUE (plan, step->in[k]);
      gsize w = cat_width (x);

      plan->backend->copy_2d (y->data + at, wy, x->data, w, rows, w);
      at += w;
    }
}

/* Each input's gradient: the columns of dY it filled (all gathered before
 * any is added, so torch.cat([h, h, h]) works too) */
static void
run_cat_backward (NnbPlan *plan, const Step *step)
{
  NnbTensor *dy = GRAD (plan, step->out);
  gsize rows = (gsize) dy->shape[0], wy = cat_width (dy), at = 0;

  for (int k = 0; k < step->n_in; k++)
    {
      NnbTensor *dx = step->part_grad[k];
      gsize w = cat_width (dx);

      plan->backend->copy_2d (dx->data, w, dy->data + at, wy, rows, w);
      at += w;
    }
  for (int k = 0; k < step->n_in; k++)
    give_grad (plan, step->in[k], step->part_grad[k]);
}

/* y = a · b; dA = dY · b, dB = dY · a (both made before either is added,
 * so a * a works too) */
static void
run_mul_backward (NnbPlan *plan, const Step *step)
{
  NnbTensor *dy = GRAD (plan, step->out);

  plan->backend->mul (dy->data, VALUE (plan, step->in[1])->data, step->input_grad->data, dy->numel);
  plan->backend->mul (dy->data, VALUE (plan, step->in[0])->data, step->other_grad->data, dy->numel);
  give_grad (plan, step->in[0], step->input_grad);
  give_grad (plan, step->in[1], step->other_grad);
}

#define MAX_PLANS 4

static NnbPlan *
find_plan (NnbModel *model, const NnbTensor *input)
{
  for (guint i = 0; model->plans && i < model->plans->len; i++)
    {
      NnbPlan *plan = model->plans->pdata[i];
      if (plan->in_ndim == input->ndim && nnb_device_equal (plan->device, model->device) &&
          memcmp (plan->in_shape, input->shape, input->ndim * sizeof (int64_t)) == 0)
        return plan;
    }
  return NULL;
}

NnbTensor *
nnb_model_forward (NnbModel *model, NnbTensor *input, GError **error)
{
  NnbPlan *plan;

  g_return_val_if_fail (input != NULL, NULL);
  if (!forward_device_or_error (model, input, error))
    return NULL;
  plan = find_plan (model, input);
  if (plan == NULL)
    {
      plan = plan_new (model, input, error);
      if (plan == NULL)
        return NULL;
      /* a few shapes stay compiled (training batches, the last smaller
       * batch, the plotting grid), so alternating between them allocates
       * nothing */
      if (model->plans == NULL)
        model->plans = g_ptr_array_new_with_free_func ((GDestroyNotify) nnb_plan_free);
      if (model->plans->len >= MAX_PLANS)
        g_ptr_array_remove_index (model->plans, 0);
      g_ptr_array_add (model->plans, plan);
    }
  model->plan = plan;

  nnb_tensor_ref (input);
  g_clear_pointer (&plan->values->pdata[0], nnb_tensor_unref);
  plan->values->pdata[0] = input;

  for (guint i = 0; i < plan->steps->len; i++)
    {
      Step *step = &g_array_index (plan->steps, Step, i);
      NnbTensor *y = VALUE (plan, step->out);
      switch (step->kind)
        {
        case STEP_DROPOUT:
          run_dropout_forward (model, plan, step);
          break;
        case STEP_BATCH_NORM:
          if (!run_batch_norm_forward (model, plan, step, error))
            {
              model->plan = NULL;
              return NULL;
            }
          break;
        case STEP_LINEAR:
          run_linear_forward (plan, step);
          break;
        case STEP_LAYER_NORM:
          run_layer_norm_forward (plan, step);
          break;
        case STEP_SOFTMAX:
          run_softmax_forward (plan, step);
          break;
        case STEP_ACTIVATION:
          plan->backend->act_forward (step->act, step->act_param, VALUE (plan, step->in[0])->data, y->data, y->numel);
          break;
        case STEP_ADD:
          plan->backend->add (VALUE (plan, step->in[0])->data, VALUE (plan, step->in[1])->data, y->data, y->numel);
          break;
        case STEP_MUL:
          plan->backend->mul (VALUE (plan, step->in[0])->data, VALUE (plan, step->in[1])->data, y->data, y->numel);
          break;
        case STEP_CAT:
          run_cat_forward (plan, step);
          break;
        }
    }
  return VALUE (plan, plan->output);
}

NnbTensor *
nnb_model_node_output (NnbModel *model, int node, int layer)
{
  NnbPlan *plan = model->plan;
  int buffer;

  if (plan == NULL || node < 0 || (guint) node >= model->nodes->len)
    return NULL;
  if (layer < 0)
    buffer = plan->node_out[node];
  else if (layer < plan->n_layers[node])
    buffer = g_array_index (plan->layer_out, int, plan->layer_first[node] + layer);
  else
    return NULL;
  return VALUE (plan, buffer);
}

NnbTensor *
nnb_model_node_grad (NnbModel *model, int node, int layer)
{
  NnbTensor *value = nnb_model_node_output (model, node, layer);
  NnbPlan *plan = model->plan;

  /* the buffer whose value node_output found; its grad is complete once
   * backward has run, and has_grad says whether backward reached it */
  for (guint b = 1; value != NULL && b < plan->values->len; b++)
    if (VALUE (plan, b) == value)
      return plan->has_grad[b] ? GRAD (plan, b) : NULL;
  return NULL;
}

/* The leaf module a node (layer -1) or a Sequential's layer calls, or NULL */
static NnbModule *
called_leaf (NnbModel *model, int node, int layer)
{
  NnbNode *n = node >= 0 && (guint) node < model->nodes->len ? model->nodes->pdata[node] : NULL;
  NnbModule *module = n != NULL && n->kind == NNB_NODE_CALL ? nnb_model_get_module (model, n->module) : NULL;

  if (module != NULL && layer >= 0)
    module = module->kind == NNB_MODULE_SEQUENTIAL && (guint) layer < module->children->len
               ? module->children->pdata[layer]
               : NULL;
  return module != NULL && module->kind != NNB_MODULE_SEQUENTIAL ? module : NULL;
}

NnbTensor *
nnb_model_node_param_grad (NnbModel *model, int node, int layer, guint index)
{
  NnbModule *module = called_leaf (model, node, layer);
  NnbTensor *value = module != NULL ? nnb_model_node_output (model, node, layer) : NULL;
  NnbPlan *plan = model->plan;
  NnbParameter *param;

  if (value == NULL || module->parameters == NULL || index >= module->parameters->len)
    return NULL;
  param = module->parameters->pdata[index];
  if (!param->requires_grad)
    return NULL;
  /* the call's step: the one that wrote the value, whose backward made
   * weight_grad and bias_grad before adding them into .grad */
  for (guint i = 0; i < plan->steps->len; i++)
    {
      const Step *step = &g_array_index (plan->steps, Step, i);

      if (step->module != module || VALUE (plan, step->out) != value)
        continue;
      if (!plan->has_grad[step->out] || (step->kind != STEP_LINEAR && step->kind != STEP_LAYER_NORM &&
                                         step->kind != STEP_BATCH_NORM))
        return NULL;
      return index == 0 ? step->weight_grad : step->bias_grad;
    }
  return NULL;
}

/* Adds g into the gradient of buffer b (the first contribution overwrites). */
static void
give_grad (NnbPlan *plan, int b, const NnbTensor *g)
{
  if (b == 0)
    return;
  if (plan->has_grad[b])
    plan->backend->accumulate (GRAD (plan, b)->data, g->data, g->numel);
  else
    plan->backend->copy (GRAD (plan, b)->data, g->data, g->numel);
  plan->has_grad[b] = TRUE;
}

static void
run_linear_backward (NnbPlan *plan, const Step *step)
{
  const NnbBackend *be = plan->backend;
  NnbTensor *x = VALUE (plan, step->in[0]);
  NnbTensor *dy = GRAD (plan, step->out);
  NnbParameter *weight = step->module->parameters->pdata[0];
  NnbParameter *bias = step->module->has_bias ? step->module->parameters->pdata[1] : NULL;
  int rows = (int) (x->numel / step->module->in_features);
  int in_f = (int) step->module->in_features, out_f = (int) step->module->out_features;
  int in = step->in[0];

  /* dW += dYᵀ · X and db += Σ dY: .grad accumulates until zero_grad.
   * Wᵀ, addmm's operand, is column-major, so autograd's mm_mat2_backward
   * computes its gradient as (dYᵀ · X)ᵀ: the weight's gradient is dYᵀ · X,
   * made fresh and then added into .grad */
  if (weight->requires_grad)
    {
      float *dw = step->weight_grad->data;
      torch_addmm (be, transposed (contiguous (dy->data, rows, out_f)), contiguous (x->data, rows, in_f), 0.0f, dw);
      add_param_part (plan, step, 0, weight, step->weight_grad, (gsize) out_f * in_f);
    }
  /* db apart too, so that each call's part can be shown: summed onto −0,
   * the sum's identity (every bit kept, a zero's sign too), then added
   * into .grad: the one addition bias_grad makes into .grad itself */
  if (bias && bias->requires_grad)
    {
      float *db = step->bias_grad->data;
      be->copy (db, step->neg_zero->data, out_f);
      be->bias_grad (db, dy->data, rows, out_f);
      add_param_part (plan, step, 1, bias, step->bias_grad, out_f);
    }
  /* dX = dY · W, skipped for the model's input, which needs no gradient.
   * mm_mat1_backward computes (Wᵀ · dYᵀ)ᵀ instead when X is column-major
   * by its strides, which for a contiguous X means a 1 × 1 one: the same
   * layout, so the result still lands in place */
  if (in != 0)
    {
      TorchMatrix xm = contiguous (x->data, rows, in_f);
      TorchMatrix dym = contiguous (dy->data, rows, out_f), wm = contiguous (weight->value->data, out_f, in_f);
      float beta = plan->has_grad[in] ? 1.0f : 0.0f;

      if (xm.stride[0] == 1 && xm.stride[1] == xm.size[0])
        torch_addmm (be, transposed (wm), transposed (dym), beta, GRAD (plan, in)->data);
      else
        torch_addmm (be, dym, wm, beta, GRAD (plan, in)->data);
      plan->has_grad[in] = TRUE;
    }
}

/* Whether the output depends on a parameter that requires grad. Every step
 * of a valid graph lies on a path to the output (each block's result is
 * used), so one trainable Linear anywhere is enough. */
static gboolean
plan_reaches_a_parameter (const NnbPlan *plan)
{
  for (guint i = 0; i < plan->steps->len; i++)
    {
      const Step *step = &g_array_index (plan->steps, Step, i);
      if (step->kind == STEP_LINEAR || step->kind == STEP_LAYER_NORM || step->kind == STEP_BATCH_NORM)
        for (guint k = 0; k < step->module->parameters->len; k++)
          if (((NnbParameter *) step->module->parameters->pdata[k])->requires_grad)
            return TRUE;
    }
  return FALSE;
}

gboolean
nnb_model_backward (NnbModel *model, NnbTensor *grad_output, GError **error)
{
  NnbPlan *plan = model->plan;

  if (plan == NULL || plan->values->pdata[0] == NULL)
    {
      g_set_error_literal (error, NNB_ERROR, NNB_ERROR_GRAPH,
                           "backward() needs a forward pass first: run the model on data, compute the loss, then call backward.");
      return FALSE;
    }
  /* a forward that reaches no parameter (the output wired to the input
   * through activations) gives a loss without a grad_fn: loss.backward()
   * refuses it, where training on would print the same loss every epoch */
  if (!plan_reaches_a_parameter (plan))
    {
      g_set_error_literal (error, NNB_ERROR, NNB_ERROR_GRAPH,
                           "element 0 of tensors does not require grad and does not have a grad_fn");
      return FALSE;
    }
  if (!same_device_or_error (model, grad_output, error))
    return FALSE;
  if (grad_output->numel != VALUE (plan, plan->output)->numel)
    {
      g_autofree char *want = nnb_tensor_shape_string (VALUE (plan, plan->output));
      g_autofree char *got = nnb_tensor_shape_string (grad_output);
      g_set_error (error, NNB_ERROR, NNB_ERROR_SHAPE,
                   "Mismatch in shape: grad_output[0] has a shape of torch.Size(%s) and output[0] has a shape of torch.Size(%s).",
                   got, want);
      return FALSE;
    }

  memset (plan->has_grad, 0, plan->values->len * sizeof (gboolean));
  give_grad (plan, plan->output, grad_output);

  for (guint i = plan->steps->len; i-- > 0;)
    {
      const Step *step = &g_array_index (plan->steps, Step, i);
      NnbTensor *dy = GRAD (plan, step->out);
      int in = step->in[0];

      if (!plan->has_grad[step->out])
        continue;
      switch (step->kind)
        {
        case STEP_LINEAR:
          run_linear_backward (plan, step);
          break;
        case STEP_LAYER_NORM:
          run_layer_norm_backward (plan, step);
          break;
        case STEP_SOFTMAX:
          run_softmax_backward (plan, step);
          break;
        case STEP_DROPOUT:
          run_dropout_backward (plan, step);
          break;
        case STEP_BATCH_NORM:
          run_batch_norm_backward (plan, step);
          break;
        case STEP_ACTIVATION:
          if (in != 0)
            {
              plan->backend->act_backward (step->act, step->act_param, VALUE (plan, in)->data,
                                           VALUE (plan, step->out)->data, dy->data, GRAD (plan, in)->data,
                                           dy->numel, plan->has_grad[in]);
              plan->has_grad[in] = TRUE;
            }
          break;
        case STEP_ADD:
          give_grad (plan, step->in[0], dy);
          give_grad (plan, step->in[1], dy);
          break;
        case STEP_MUL:
          run_mul_backward (plan, step);
          break;
        case STEP_CAT:
          run_cat_backward (plan, step);
          break;
        }
    }
  add_shared_grads (plan);
  return plan->backend->sync (error);
}
