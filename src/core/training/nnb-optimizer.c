/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "nnb-optimizer.h"

#include <math.h>
#include "nnb-error.h"
#include "nnb-python.h"

typedef struct
{
  NnbParameter *param; /* live: the model's own */
  NnbTensor *state_a;  /* SGD momentum buffer, or Adam exp_avg */
  NnbTensor *state_b;  /* Adam exp_avg_sq */
  int step;            /* this parameter's steps: PyTorch keeps state['step'] and the
                         * momentum buffer per parameter, from its first .grad */
} ParamState;

struct _NnbOptimizer
{
  NnbOptimizerOptions options;
  NnbModel *model;
  GArray *states; /* ParamState */
  const NnbBackend *backend;
};

void
nnb_optimizer_options_init (NnbOptimizerOptions *options, NnbOptimizerKind kind)
{
  *options = (NnbOptimizerOptions){
    .kind = kind,
    .lr = kind == NNB_OPTIMIZER_ADAM ? 0.001 : 0.01,
    .beta1 = 0.9,
    .beta2 = 0.999,
    .eps = 1e-8,
  };
}

const char *
nnb_optimizer_kind_to_string (NnbOptimizerKind kind)
{
  return kind == NNB_OPTIMIZER_ADAM ? "Adam" : "SGD";
}

gboolean
nnb_optimizer_kind_from_string (const char *text, NnbOptimizerKind *out)
{
  if (g_ascii_strcasecmp (text ? text : "", "SGD") == 0)
    *out = NNB_OPTIMIZER_SGD;
  else if (g_ascii_strcasecmp (text ? text : "", "Adam") == 0)
    *out = NNB_OPTIMIZER_ADAM;
  else
    return FALSE;
  return TRUE;
}

static gboolean
invalid (GError **error, const char *what, double value)
{
  g_autofree char *text = nnb_python_float_repr (value);
  g_set_error (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT, "Invalid %s: %s", what, text);
  return FALSE;
}

/* PyTorch's checks in SGD.__init__ and Adam.__init__ ("not 0.0 <= lr" also
 * refuses NaN); a learning rate of 0 is allowed, as in PyTorch. */
static gboolean
check_options (const NnbOptimizerOptions *o, GError **error)
{
  if (!(o->lr >= 0.0) || isinf (o->lr))
    return invalid (error, "learning rate", o->lr);
  if (o->kind == NNB_OPTIMIZER_SGD)
    {
      if (!(o->momentum >= 0.0))
        return invalid (error, "momentum value", o->momentum);
      if (!(o->weight_decay >= 0.0))
        return invalid (error, "weight_decay value", o->weight_decay);
      if (o->nesterov && (o->momentum <= 0 || o->dampening != 0))
        {
          g_set_error_literal (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT,
                               "Nesterov momentum requires a momentum and zero dampening");
          return FALSE;
        }
      return TRUE;
    }
  if (!(o->eps >= 0.0))
    return invalid (error, "epsilon value", o->eps);
  if (!(o->beta1 >= 0.0 && o->beta1 < 1.0))
    return invalid (error, "beta parameter at index 0", o->beta1);
  if (!(o->beta2 >= 0.0 && o->beta2 < 1.0))
    return invalid (error, "beta parameter at index 1", o->beta2);
  if (!(o->weight_decay >= 0.0))
    return invalid (error, "weight_decay value", o->weight_decay);
  return TRUE;
}

NnbOptimizer *
nnb_optimizer_new (NnbModel *model, const NnbOptimizerOptions *options, GError **error)
{
  g_autoptr (NnbOptimizer) opt = NULL;
  GPtrArray *params;

  if (!check_options (options, error))
    return NULL;
  params = nnb_model_named_parameters (model);
  if (params->len == 0)
    {
      g_set_error_literal (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT, "optimizer got an empty parameter list");
      return NULL;
    }
  opt = g_new0 (NnbOptimizer, 1);
  opt->options = *options;
  opt->model = nnb_model_ref (model);
  opt->states = g_array_new (FALSE, TRUE, sizeof (ParamState));
  opt->backend = nnb_backend_get (model->device, error);
  if (opt->backend == NULL)
    return NULL;

  /* state is allocated here, before the loop, on the parameters' device */
  for (guint i = 0; i < params->len; i++)
    {
      NnbParameter *param = ((NnbNamedParameter *) params->pdata[i])->param;
      ParamState state = { .param = param };
      NnbTensor *v = param->value;
      gboolean need_a = options->kind == NNB_OPTIMIZER_ADAM || options->momentum != 0.0;
      if (need_a && (state.state_a = nnb_tensor_new (v->ndim, v->shape, v->device, error)) == NULL)
        return NULL;
      g_array_append_val (opt->states, state);
      if (options->kind == NNB_OPTIMIZER_ADAM &&
          (g_array_index (opt->states, ParamState, i).state_b = nnb_tensor_new (v->ndim, v->shape, v->device, error)) == NULL)
        return NULL;
    }
  return g_steal_pointer (&opt);
}

void
nnb_optimizer_free (NnbOptimizer *opt)
{
  if (opt == NULL)
    return;
  for (guint i = 0; i < opt->states->len; i++)
    {
      ParamState *state = &g_array_index (opt->states, ParamState, i);
      nnb_tensor_unref (state->state_a);
      nnb_tensor_unref (state->state_b);
    }
  g_array_unref (opt->states);
  nnb_model_unref (opt->model);
  g_free (opt);
}

void
nnb_optimizer_zero_grad (NnbOptimizer *opt)
{
  for (guint i = 0; i < opt->states->len; i++)
    nnb_tensor_fill (g_array_index (opt->states, ParamState, i).param->grad, 0.0f);
}

gboolean
nnb_optimizer_step (NnbOptimizer *opt, GError **error)
{
  const NnbOptimizerOptions *o = &opt->options;

  for (guint i = 0; i < opt->states->len; i++)
    {
      ParamState *state = &g_array_index (opt->states, ParamState, i);
      NnbParameter *p = state->param;

      /* step() skips a parameter whose .grad is None: frozen, or never
       * reached by backward (a module forward does not call), which weight
       * decay would otherwise shrink */
      if (!p->requires_grad || !p->has_grad)
        continue;
      if (!nnb_device_equal (p->value->device, opt->model->device))
        {
          g_set_error_literal (error, NNB_ERROR, NNB_ERROR_DEVICE,
                               "The model moved to another device after the optimizer was built: build the optimizer after model.to(device).");
          return FALSE;
        }
      state->step++;
      if (o->kind == NNB_OPTIMIZER_SGD)
        opt->backend->sgd_step (p->value->data, p->grad->data, state->state_a ? state->state_a->data : NULL,
                                p->value->numel, (float) o->lr, (float) o->momentum, (float) o->dampening,
                                (float) o->weight_decay, o->nesterov, state->step == 1);
      else
        opt->backend->adam_step (p->value->data, p->grad->data, state->state_a->data, state->state_b->data,
                                 p->value->numel, o->lr, o->beta1, o->beta2, o->eps, o->weight_decay, state->step);
    }
  return opt->backend->sync (error);
}

void
nnb_optimizer_set_lr (NnbOptimizer *opt, double lr)
{
  opt->options.lr = lr;
}

const NnbOptimizerOptions *
nnb_optimizer_get_options (const NnbOptimizer *opt)
{
  return &opt->options;
}

gboolean
nnb_optimizer_get_state (const NnbOptimizer *opt, guint index, NnbOptimizerState *out)
{
  const ParamState *state;

  if (index >= opt->states->len)
    return FALSE;
  state = &g_array_index (opt->states, ParamState, index);
  *out = (NnbOptimizerState){ .step = state->step };
  if (opt->options.kind == NNB_OPTIMIZER_ADAM)
    {
      out->exp_avg = state->state_a;
      out->exp_avg_sq = state->state_b;
    }
  else
    out->momentum_buffer = state->state_a;
  return TRUE;
}
