/* nnb-executor.c — running data through a model: forward and backward.
 *
 * The graph is compiled once per input shape into a flat list of steps over
 * leaf modules (a Sequential call expands into its children), with one
 * activation buffer and one gradient buffer per step, allocated up front and
 * reused by every later call (llm.c's habit): a training step allocates
 * nothing. Backward walks the steps in reverse; a value used twice (a skip
 * connection) receives the sum of both gradients. */
#include "nnb-model-private.h"

#include <string.h>
#include "nnb-error.h"

typedef enum
{
  STEP_LINEAR,
  STEP_ACTIVATION,
  STEP_ADD,
} StepKind;

typedef struct
{
  StepKind kind;
  NnbModule *module;    /* borrowed: the model holds it */
  NnbActivation act;
  float act_param;
  int in[2];            /* buffer indices; buffer 0 is the model's input */
  int out;
  NnbTensor *weight_grad_t; /* Linear: Xᵀ·dY, (in, out), before it is added into .grad */
} Step;

struct _NnbPlan
{
  int in_ndim;
  int64_t in_shape[NNB_MAX_DIMS];
  NnbDevice device;
  const NnbBackend *backend;
  GArray *steps;        /* Step */
  GPtrArray *values;    /* NnbTensor*, [0] = the current input (ref'd during use) */
  GPtrArray *grads;     /* NnbTensor*, [0] = NULL: the input needs no gradient */
  gboolean *has_grad;   /* per buffer, during backward */
  int output;           /* buffer holding the model's output */
};

void
nnb_plan_free (NnbPlan *plan)
{
  if (plan == NULL)
    return;
  for (guint i = 0; i < plan->steps->len; i++)
    nnb_tensor_unref (g_array_index (plan->steps, Step, i).weight_grad_t);
  g_array_unref (plan->steps);
  g_ptr_array_unref (plan->values);
  g_ptr_array_unref (plan->grads);
  g_free (plan->has_grad);
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
  step.kind = module->kind == NNB_MODULE_LINEAR ? STEP_LINEAR : STEP_ACTIVATION;
  if (step.kind == STEP_ACTIVATION)
    nnb_module_activation (module, &step.act, &step.act_param);
  step.out = add_buffer (plan, out_ndim, out_shape, error);
  if (step.out < 0)
    return -1;
  if (step.kind == STEP_LINEAR)
    {
      int64_t shape[2] = { module->in_features, module->out_features };
      step.weight_grad_t = nnb_tensor_new (2, shape, plan->device, error);
      if (step.weight_grad_t == NULL)
        return -1;
    }
  g_array_append_val (plan->steps, step);
  return step.out;
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
  plan->values = g_ptr_array_new_with_free_func ((GDestroyNotify) nnb_tensor_unref);
  plan->grads = g_ptr_array_new_with_free_func ((GDestroyNotify) nnb_tensor_unref);
  g_ptr_array_add (plan->values, NULL);
  g_ptr_array_add (plan->grads, NULL);

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
          buffer = expand_call (plan, nnb_model_get_module (model, node->module), node_buffer[node->inputs[0]], error);
          break;
        case NNB_NODE_ADD:
          {
            int a = node_buffer[node->inputs[0]];
            NnbTensor *shape_of = a == 0 ? NULL : plan->values->pdata[a];
            Step step = { .kind = STEP_ADD, .in = { a, node_buffer[node->inputs[1]] } };
            step.out = shape_of ? add_buffer (plan, shape_of->ndim, shape_of->shape, error)
                                : add_buffer (plan, plan->in_ndim, plan->in_shape, error);
            if (step.out >= 0)
              g_array_append_val (plan->steps, step);
            buffer = step.out;
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

#define VALUE(plan, i) ((NnbTensor *) (plan)->values->pdata[i])
#define GRAD(plan, i) ((NnbTensor *) (plan)->grads->pdata[i])

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
  be->gemm (FALSE, TRUE, rows, out_f, in_f, 1.0f, x->data, in_f, weight->value->data, in_f,
            bias ? 1.0f : 0.0f, y->data, out_f);
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
  if (!same_device_or_error (model, input, error))
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
      const Step *step = &g_array_index (plan->steps, Step, i);
      NnbTensor *y = VALUE (plan, step->out);
      switch (step->kind)
        {
        case STEP_LINEAR:
          run_linear_forward (plan, step);
          break;
        case STEP_ACTIVATION:
          plan->backend->act_forward (step->act, step->act_param, VALUE (plan, step->in[0])->data, y->data, y->numel);
          break;
        case STEP_ADD:
          plan->backend->add (VALUE (plan, step->in[0])->data, VALUE (plan, step->in[1])->data, y->data, y->numel);
          break;
        }
    }
  return VALUE (plan, plan->output);
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

  /* dW += (Xᵀ · dY)ᵀ and db += Σ dY: .grad accumulates until zero_grad.
   * PyTorch computes the weight's gradient as Xᵀ·dY (the gradient of Wᵀ in
   * addmm) and adds its transpose into .grad; the same gemm call here gives
   * the same bits from the same OpenBLAS. */
  if (weight->requires_grad)
    {
      float *wt = step->weight_grad_t->data;
      be->gemm (TRUE, FALSE, in_f, out_f, rows, 1.0f, x->data, in_f, dy->data, out_f, 0.0f, wt, out_f);
      be->transpose_accumulate (weight->grad->data, wt, in_f, out_f);
    }
  if (bias && bias->requires_grad)
    be->bias_grad (bias->grad->data, dy->data, rows, out_f);
  /* dX = dY · W, skipped for the model's input, which needs no gradient */
  if (in != 0)
    {
      be->gemm (FALSE, FALSE, rows, in_f, out_f, 1.0f, dy->data, out_f, weight->value->data, in_f,
                plan->has_grad[in] ? 1.0f : 0.0f, GRAD (plan, in)->data, in_f);
      plan->has_grad[in] = TRUE;
    }
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
        }
    }
  return plan->backend->sync (error);
}
