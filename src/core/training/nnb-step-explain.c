/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-step-explain.c — records one training step from inside the loop
 * (nnb_training_set_observer): copies of what each stage read and wrote. */

#include "nnb-step-explain.h"

#include <math.h>
#include "nnb-error.h"

struct _NnbStepRecording
{
  NnbTraining *training;
  NnbStepExplain *explain;
  gboolean skip_zero_grad;
  gboolean started;  /* the first step's forward is recorded */
  gboolean complete; /* and its optimizer step: the epoch's others run unwatched */
  gboolean cut;      /* that step stopped before step() (a nan loss): no record */
};

static void
wire_free (NnbStepWire *wire)
{
  g_free (wire->label);
  nnb_tensor_unref (wire->value);
  nnb_tensor_unref (wire->grad);
  g_free (wire);
}

static void
call_free (NnbStepCall *call)
{
  nnb_tensor_unref (call->grad);
  g_free (call);
}

static void
parameter_free (NnbStepParameter *p)
{
  g_free (p->name);
  g_clear_pointer (&p->calls, g_ptr_array_unref);
  nnb_tensor_unref (p->grad_prior);
  nnb_tensor_unref (p->grad);
  nnb_tensor_unref (p->before);
  nnb_tensor_unref (p->after);
  nnb_tensor_unref (p->momentum_before);
  nnb_tensor_unref (p->momentum_after);
  nnb_tensor_unref (p->exp_avg_before);
  nnb_tensor_unref (p->exp_avg_after);
  nnb_tensor_unref (p->exp_avg_sq_before);
  nnb_tensor_unref (p->exp_avg_sq_after);
  g_free (p);
}

NnbStepExplain *
nnb_step_explain_ref (NnbStepExplain *e)
{
  g_atomic_int_inc (&e->ref_count);
  return e;
}

void
nnb_step_explain_unref (NnbStepExplain *e)
{
  if (e == NULL || !g_atomic_int_dec_and_test (&e->ref_count))
    return;
  nnb_tensor_unref (e->x);
  nnb_tensor_unref (e->y);
  nnb_tensor_unref (e->loss_grad);
  g_ptr_array_unref (e->wires);
  g_ptr_array_unref (e->parameters);
  g_free (e);
}

/* A copy on the host of a tensor on any device; NULL stays NULL. */
static gboolean
host_copy (NnbTensor **dst, const NnbTensor *src, GError **error)
{
  g_clear_pointer (dst, nnb_tensor_unref);
  if (src == NULL)
    return TRUE;
  *dst = nnb_tensor_to (src, nnb_device_cpu (), error);
  return *dst != NULL;
}

static gboolean
add_wire (NnbStepExplain *e, NnbModel *model, int node, int layer, GError **error)
{
  NnbNode *n = nnb_model_get_node (model, node);
  NnbStepWire *wire = g_new0 (NnbStepWire, 1);

  wire->node = node;
  wire->layer = layer;
  wire->label = layer < 0 ? g_strdup (n->name) : g_strdup_printf ("%s.%d", n->module, layer);
  g_ptr_array_add (e->wires, wire);
  return host_copy (&wire->value, nnb_model_node_output (model, node, layer), error);
}

/* Forward and Loss: every wire's value, the batch, the loss and where
 * backward starts */
static gboolean
record_forward (NnbStepExplain *e, NnbStepContext *c, GError **error)
{
  g_autoptr (GArray) order = nnb_model_topological_order (c->model, error);
  GPtrArray *params = nnb_model_named_parameters (c->model);

  if (order == NULL)
    return FALSE;
  e->epoch = c->epoch;
  e->batch = c->batch;
  e->loss = c->loss;
  e->optimizer = *nnb_optimizer_get_options (c->optimizer);
  if (!host_copy (&e->x, c->x, error) || !host_copy (&e->y, c->y, error) ||
      !host_copy (&e->loss_grad, nnb_loss_grad (c->loss_fn), error))
    return FALSE;
  for (guint k = 0; k < order->len; k++)
    {
      int node = g_array_index (order, int, k);
      NnbNode *n = nnb_model_get_node (c->model, node);
      NnbModule *module = n->kind == NNB_NODE_CALL ? nnb_model_get_module (c->model, n->module) : NULL;

      /* a Sequential's layers are wires of their own, as model.net[i] */
      if (module != NULL && module->kind == NNB_MODULE_SEQUENTIAL)
        for (guint layer = 0; layer < module->children->len; layer++)
          if (!add_wire (e, c->model, node, (int) layer, error))
            return FALSE;
      if (!add_wire (e, c->model, node, -1, error))
        return FALSE;
    }
  for (guint i = 0; i < params->len; i++)
    {
      NnbNamedParameter *named = params->pdata[i];
      NnbStepParameter *p = g_new0 (NnbStepParameter, 1);

      p->name = g_strdup (named->name);
      g_ptr_array_add (e->parameters, p);
      if (!host_copy (&p->before, named->param->value, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
record_zero_grad (NnbStepExplain *e, NnbStepContext *c, gboolean skip, GError **error)
{
  GPtrArray *params = nnb_model_named_parameters (c->model);

  e->zero_grad_skipped = skip;
  c->zero_grad = !skip;
  for (guint i = 0; i < params->len; i++)
    {
      NnbParameter *param = ((NnbNamedParameter *) params->pdata[i])->param;
      NnbStepParameter *p = e->parameters->pdata[i];

      if (param->has_grad && !host_copy (&p->grad_prior, param->grad, error))
        return FALSE;
    }
  return TRUE;
}

/* The optimizer's state of parameter i, into the before or after copies */
static gboolean
record_state (NnbStepParameter *p, NnbOptimizer *optimizer, guint i, gboolean after, GError **error)
{
  NnbOptimizerState state;

  if (!nnb_optimizer_get_state (optimizer, i, &state))
    return TRUE;
  p->step = state.step;
  /* before the first step the buffers hold nothing step() reads */
  if (state.step == 0)
    return TRUE;
  return host_copy (after ? &p->momentum_after : &p->momentum_before, state.momentum_buffer, error) &&
         host_copy (after ? &p->exp_avg_after : &p->exp_avg_before, state.exp_avg, error) &&
         host_copy (after ? &p->exp_avg_sq_after : &p->exp_avg_sq_before, state.exp_avg_sq, error);
}

/* The leaf module a wire's block (or its Sequential's layer) calls */
static NnbModule *
wire_module (NnbModel *model, const NnbStepWire *wire)
{
  NnbNode *n = nnb_model_get_node (model, wire->node);
  NnbModule *module = n->kind == NNB_NODE_CALL ? nnb_model_get_module (model, n->module) : NULL;

  if (module != NULL && wire->layer >= 0)
    module = module->kind == NNB_MODULE_SEQUENTIAL ? module->children->pdata[wire->layer] : NULL;
  return module != NULL && module->kind != NNB_MODULE_SEQUENTIAL ? module : NULL;
}

/* Each call's part of each parameter's .grad, as autograd made it
 * (nnb_model_node_param_grad), kept for modules called more than once */
static gboolean
record_calls (NnbStepExplain *e, NnbStepContext *c, GError **error)
{
  GPtrArray *params = nnb_model_named_parameters (c->model);

  for (guint w = 0; w < e->wires->len; w++)
    {
      const NnbStepWire *wire = e->wires->pdata[w];
      NnbModule *module = wire_module (c->model, wire);

      for (guint k = 0; module != NULL && module->parameters != NULL && k < module->parameters->len; k++)
        {
          NnbTensor *part = nnb_model_node_param_grad (c->model, wire->node, wire->layer, k);
          NnbStepParameter *p = NULL;
          NnbStepCall *call;

          for (guint i = 0; i < params->len && p == NULL; i++)
            if (((NnbNamedParameter *) params->pdata[i])->param == module->parameters->pdata[k])
              p = e->parameters->pdata[i];
          if (part == NULL || p == NULL)
            continue;
          if (p->calls == NULL)
            p->calls = g_ptr_array_new_with_free_func ((GDestroyNotify) call_free);
          call = g_new0 (NnbStepCall, 1);
          call->node = wire->node;
          call->layer = wire->layer;
          g_ptr_array_add (p->calls, call);
          if (!host_copy (&call->grad, part, error))
            return FALSE;
        }
    }
  for (guint i = 0; i < e->parameters->len; i++)
    {
      NnbStepParameter *p = e->parameters->pdata[i];

      if (p->calls != NULL && p->calls->len < 2)
        g_clear_pointer (&p->calls, g_ptr_array_unref);
    }
  return TRUE;
}

static gboolean
record_backward (NnbStepExplain *e, NnbStepContext *c, GError **error)
{
  GPtrArray *params = nnb_model_named_parameters (c->model);

  if (!record_calls (e, c, error))
    return FALSE;

  for (guint w = 0; w < e->wires->len; w++)
    {
      NnbStepWire *wire = e->wires->pdata[w];

      if (!host_copy (&wire->grad, nnb_model_node_grad (c->model, wire->node, wire->layer), error))
        return FALSE;
    }
  for (guint i = 0; i < params->len; i++)
    {
      NnbParameter *param = ((NnbNamedParameter *) params->pdata[i])->param;
      NnbStepParameter *p = e->parameters->pdata[i];

      if ((param->has_grad && !host_copy (&p->grad, param->grad, error)) ||
          !record_state (p, c->optimizer, i, FALSE, error))
        return FALSE;
      p->stepped = param->requires_grad && param->has_grad;
    }
  return TRUE;
}

static gboolean
record_step (NnbStepExplain *e, NnbStepContext *c, GError **error)
{
  GPtrArray *params = nnb_model_named_parameters (c->model);

  for (guint i = 0; i < params->len; i++)
    {
      NnbStepParameter *p = e->parameters->pdata[i];

      if (!host_copy (&p->after, ((NnbNamedParameter *) params->pdata[i])->param->value, error) ||
          !record_state (p, c->optimizer, i, TRUE, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
observe (NnbStepStage stage, NnbStepContext *c, gpointer user_data, GError **error)
{
  NnbStepRecording *r = user_data;

  if (r->complete || r->cut)
    return TRUE;
  switch (stage)
    {
    case NNB_STEP_STAGE_LOSS:
      r->cut = r->started;
      r->started = TRUE;
      return r->cut || record_forward (r->explain, c, error);
    case NNB_STEP_STAGE_ZERO_GRAD:
      return record_zero_grad (r->explain, c, r->skip_zero_grad, error);
    case NNB_STEP_STAGE_BACKWARD:
      return record_backward (r->explain, c, error);
    case NNB_STEP_STAGE_STEP:
      r->complete = TRUE;
      return record_step (r->explain, c, error);
    }
  return TRUE;
}

NnbStepRecording *
nnb_step_explain_attach (NnbTraining *training, gboolean skip_zero_grad)
{
  NnbStepRecording *r = g_new0 (NnbStepRecording, 1);

  r->training = training;
  r->skip_zero_grad = skip_zero_grad;
  r->explain = g_new0 (NnbStepExplain, 1);
  r->explain->ref_count = 1;
  r->explain->wires = g_ptr_array_new_with_free_func ((GDestroyNotify) wire_free);
  r->explain->parameters = g_ptr_array_new_with_free_func ((GDestroyNotify) parameter_free);
  r->explain->loss_kind = nnb_training_get_options (training)->loss;
  nnb_training_set_observer (training, observe, r);
  return r;
}

NnbStepExplain *
nnb_step_explain_detach (NnbStepRecording *r)
{
  NnbStepExplain *e = NULL;

  nnb_training_set_observer (r->training, NULL, NULL);
  if (r->complete)
    e = g_steal_pointer (&r->explain);
  nnb_step_explain_unref (r->explain);
  g_free (r);
  return e;
}

NnbStepExplain *
nnb_step_explain_next (NnbTraining *training, gboolean skip_zero_grad, double *epoch_loss, GError **error)
{
  NnbStepRecording *r = nnb_step_explain_attach (training, skip_zero_grad);
  double loss = NAN;
  gboolean ok = nnb_training_epoch (training, &loss, error);
  g_autoptr (NnbStepExplain) e = nnb_step_explain_detach (r);

  if (epoch_loss != NULL)
    *epoch_loss = loss;
  if (!ok)
    return NULL;
  return g_steal_pointer (&e);
}

const NnbStepWire *
nnb_step_explain_find_wire (const NnbStepExplain *e, int node, int layer)
{
  for (guint w = 0; w < e->wires->len; w++)
    {
      const NnbStepWire *wire = e->wires->pdata[w];
      if (wire->node == node && wire->layer == layer)
        return wire;
    }
  return NULL;
}

const NnbStepWire *
nnb_step_explain_prediction (const NnbStepExplain *e)
{
  return e->wires->len > 0 ? e->wires->pdata[e->wires->len - 1] : NULL;
}

double
nnb_step_explain_loss_term (const NnbStepExplain *e, int64_t i)
{
  const NnbStepWire *pred = nnb_step_explain_prediction (e);
  double d;

  if (pred == NULL || i < 0 || i >= pred->value->numel || e->y->numel != pred->value->numel)
    return NAN;
  d = (double) pred->value->data[i] - (double) e->y->data[i];
  if (e->loss_kind == NNB_LOSS_MSE)
    return d * d;
  if (e->loss_kind == NNB_LOSS_L1)
    return fabs (d);
  return NAN;
}

const char *
nnb_step_explain_loss_formula (NnbLossKind kind)
{
  switch (kind)
    {
    case NNB_LOSS_MSE:
      return "loss = mean((y_hat - y)^2)";
    case NNB_LOSS_L1:
      return "loss = mean(|y_hat - y|)";
    case NNB_LOSS_CROSS_ENTROPY:
      return "loss = mean(-log(softmax(y_hat)[y]))";
    case NNB_LOSS_NLL:
      return "loss = mean(-y_hat[y])";
    case NNB_LOSS_BCE_WITH_LOGITS:
      return "loss = mean(-(y*log(sigmoid(y_hat)) + (1-y)*log(1-sigmoid(y_hat))))";
    case NNB_LOSS_BCE:
      return "loss = mean(-(y*log(y_hat) + (1-y)*log(1-y_hat)))";
    }
  return "";
}

/* step()'s formulas (torch/optim/sgd.py and adam.py of PyTorch 1.13) with
 * the element's numbers; the intermediate values are printed in double,
 * the last line is the value training got */
char *
nnb_step_explain_update_text (const NnbStepExplain *e, guint index, int64_t k)
{
  const NnbOptimizerOptions *o = &e->optimizer;
  const NnbStepParameter *p;
  GString *text;
  double w, g;

  if (index >= e->parameters->len)
    return NULL;
  p = e->parameters->pdata[index];
  if (!p->stepped || p->grad == NULL || k < 0 || k >= p->before->numel)
    return NULL;
  text = g_string_new (NULL);
  w = p->before->data[k];
  g = p->grad->data[k];
  g_string_append_printf (text, "%s[%" G_GINT64_FORMAT "]: p = %.8g, grad = %.8g\n", p->name, k, w, g);
  if (o->weight_decay != 0)
    {
      g_string_append_printf (text, "grad = grad + weight_decay * p = %.8g + %g * %.8g = %.8g\n", g,
                              o->weight_decay, w, g + o->weight_decay * w);
      g += o->weight_decay * w;
    }
  if (o->kind == NNB_OPTIMIZER_SGD)
    {
      if (o->momentum != 0 && p->momentum_after != NULL)
        {
          double buf = p->momentum_after->data[k];

          if (p->momentum_before == NULL)
            g_string_append_printf (text, "buf = grad (the first step) = %.8g\n", buf);
          else
            g_string_append_printf (text, "buf = momentum * buf + (1 - dampening) * grad = %g * %.8g + %g * %.8g = %.8g\n",
                                    o->momentum, p->momentum_before->data[k], 1 - o->dampening, g, buf);
          if (o->nesterov)
            {
              g_string_append_printf (text, "grad = grad + momentum * buf = %.8g + %g * %.8g = %.8g\n", g, o->momentum,
                                      buf, g + o->momentum * buf);
              g += o->momentum * buf;
            }
          else
            g = buf;
        }
      g_string_append_printf (text, "p = p - lr * %s = %.8g - %g * %.8g = %.8g\n",
                              o->momentum != 0 && !o->nesterov ? "buf" : "grad", w, o->lr, g, p->after->data[k]);
    }
  else
    {
      double m0 = p->exp_avg_before ? p->exp_avg_before->data[k] : 0;
      double v0 = p->exp_avg_sq_before ? p->exp_avg_sq_before->data[k] : 0;
      double m = p->exp_avg_after->data[k], v = p->exp_avg_sq_after->data[k];
      double bc1 = 1 - pow (o->beta1, p->step), bc2 = 1 - pow (o->beta2, p->step);

      g_string_append_printf (text, "m = beta1 * m + (1 - beta1) * grad = %g * %.8g + %g * %.8g = %.8g\n", o->beta1,
                              m0, 1 - o->beta1, g, m);
      g_string_append_printf (text, "v = beta2 * v + (1 - beta2) * grad^2 = %g * %.8g + %g * %.8g^2 = %.8g\n",
                              o->beta2, v0, 1 - o->beta2, g, v);
      g_string_append_printf (text, "step = %d: bias_correction1 = 1 - beta1^step = %.8g, "
                                    "bias_correction2 = 1 - beta2^step = %.8g\n",
                              p->step, bc1, bc2);
      g_string_append_printf (text,
                              "p = p - lr / bias_correction1 * m / (sqrt(v) / sqrt(bias_correction2) + eps)"
                              " = %.8g - %g / %.8g * %.8g / (sqrt(%.8g) / sqrt(%.8g) + %g) = %.8g\n",
                              w, o->lr, bc1, m, v, bc2, o->eps, p->after->data[k]);
    }
  return g_string_free (text, FALSE);
}

void
nnb_step_explain_range (const NnbTensor *tensor, double *min, double *mean, double *max)
{
  double low = INFINITY, high = -INFINITY, sum = 0;

  for (int64_t i = 0; i < tensor->numel; i++)
    {
      low = MIN (low, tensor->data[i]);
      high = MAX (high, tensor->data[i]);
      sum += tensor->data[i];
    }
  *min = low;
  *mean = sum / MAX (1, tensor->numel);
  *max = high;
}

double
nnb_step_explain_norm (const NnbTensor *tensor)
{
  double sum = 0;

  for (int64_t i = 0; tensor != NULL && i < tensor->numel; i++)
    sum += (double) tensor->data[i] * tensor->data[i];
  return sqrt (sum);
}

double
nnb_step_explain_change (const NnbStepParameter *parameter)
{
  double sum = 0;

  for (int64_t k = 0; k < parameter->after->numel; k++)
    {
      double d = (double) parameter->after->data[k] - parameter->before->data[k];

      sum += d * d;
    }
  return sqrt (sum);
}
