/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-module.c — nn.Linear, the activations, nn.Identity, nn.LayerNorm,
 * nn.Softmax, nn.LogSoftmax, nn.Dropout, nn.BatchNorm1d and nn.Sequential:
 * their parameters and buffers, repr and move between devices. */
#include "nnb-module.h"

#include <math.h>
#include <string.h>
#include "nnb-error.h"
#include "nnb-init.h"
#include "nnb-python.h"

static const char *const kind_names[] = {
  [NNB_MODULE_LINEAR] = "Linear",
  [NNB_MODULE_RELU] = "ReLU",
  [NNB_MODULE_TANH] = "Tanh",
  [NNB_MODULE_SIGMOID] = "Sigmoid",
  [NNB_MODULE_LEAKY_RELU] = "LeakyReLU",
  [NNB_MODULE_GELU] = "GELU",
  [NNB_MODULE_IDENTITY] = "Identity",
  [NNB_MODULE_LAYER_NORM] = "LayerNorm",
  [NNB_MODULE_SOFTMAX] = "Softmax",
  [NNB_MODULE_LOG_SOFTMAX] = "LogSoftmax",
  [NNB_MODULE_DROPOUT] = "Dropout",
  [NNB_MODULE_BATCH_NORM] = "BatchNorm1d",
  [NNB_MODULE_SEQUENTIAL] = "Sequential",
};

const char *
nnb_module_kind_to_string (NnbModuleKind kind)
{
  g_return_val_if_fail (kind <= NNB_MODULE_SEQUENTIAL, "?");
  return kind_names[kind];
}

gboolean
nnb_module_kind_from_string (const char *text, NnbModuleKind *out)
{
  for (guint i = 0; i < G_N_ELEMENTS (kind_names); i++)
    if (g_strcmp0 (text, kind_names[i]) == 0)
      {
        *out = i;
        return TRUE;
      }
  return FALSE;
}

static void
parameter_free (gpointer data)
{
  NnbParameter *param = data;
  g_free (param->name);
  nnb_tensor_unref (param->value);
  nnb_tensor_unref (param->grad);
  g_free (param);
}

static void
buffer_free (gpointer data)
{
  NnbBuffer *buffer = data;
  g_free (buffer->name);
  nnb_tensor_unref (buffer->value);
  g_free (buffer);
}

static NnbModule *
module_alloc (NnbModuleKind kind)
{
  NnbModule *module = g_new0 (NnbModule, 1);

  module->kind = kind;
  module->ref_count = 1;
  module->parameters = g_ptr_array_new_with_free_func (parameter_free);
  module->buffers = g_ptr_array_new_with_free_func (buffer_free);
  module->children = g_ptr_array_new_with_free_func ((GDestroyNotify) nnb_module_unref);
  return module;
}

static NnbParameter *
add_parameter (NnbModule *module, const char *name, int ndim, const int64_t *shape, GError **error)
{
  NnbParameter *param;
  NnbTensor *value = nnb_tensor_new (ndim, shape, nnb_device_cpu (), error);
  NnbTensor *grad;

  if (value == NULL)
    return NULL;
  /* the gradient doubles what the layer needs: a weight that fits does not
   * promise that its gradient does */
  grad = nnb_tensor_new (ndim, shape, nnb_device_cpu (), error);
  if (grad == NULL)
    {
      nnb_tensor_unref (value);
      return NULL;
    }
  param = g_new0 (NnbParameter, 1);
  param->name = g_strdup (name);
  param->value = value;
  param->grad = grad;
  param->requires_grad = TRUE;
  g_ptr_array_add (module->parameters, param);
  return param;
}

/* nn.Linear.reset_parameters: kaiming_uniform_(weight, a=√5), then the bias
 * from U(−1/√fan_in, 1/√fan_in) — weight drawn before bias, PyTorch's order. */
gboolean
nnb_linear_reset_parameters (NnbModule *module, NnbGenerator *gen, GError **error)
{
  NnbParameter *weight = nnb_module_get_parameter (module, "weight");
  NnbParameter *bias = nnb_module_get_parameter (module, "bias");
  g_autoptr (NnbTensor) w = NULL;
  g_autoptr (NnbTensor) b = NULL;

  /* init runs on host memory; a model on a GPU is initialised there and copied */
  w = nnb_tensor_to (weight->value, nnb_device_cpu (), error);
  if (w == NULL || !nnb_init_kaiming_uniform_ (w, sqrt (5.0), NNB_FAN_IN, NNB_NONLINEARITY_LEAKY_RELU, gen, error))
    return FALSE;
  nnb_tensor_write (weight->value, w->data);
  if (bias != NULL)
    {
      double bound = module->in_features > 0 ? 1.0 / sqrt ((double) module->in_features) : 0.0;
      b = nnb_tensor_to (bias->value, nnb_device_cpu (), error);
      if (b == NULL || !nnb_init_uniform_ (b, -bound, bound, gen, error))
        return FALSE;
      nnb_tensor_write (bias->value, b->data);
    }
  return TRUE;
}

NnbModule *
nnb_linear_new (int64_t in_features, int64_t out_features, gboolean bias,
                NnbGenerator *gen, GError **error)
{
  g_autoptr (NnbModule) module = NULL;
  int64_t weight_shape[2] = { out_features, in_features };

  if (in_features <= 0 || out_features <= 0)
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT,
                   "Linear(%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "): in_features and out_features must be positive whole numbers.",
                   in_features, out_features);
      return NULL;
    }
  module = module_alloc (NNB_MODULE_LINEAR);
  module->in_features = in_features;
  module->out_features = out_features;
  module->has_bias = bias;
  if (add_parameter (module, "weight", 2, weight_shape, error) == NULL)
    {
      g_prefix_error (error, "Linear(%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "): ", in_features, out_features);
      return NULL;
    }
  if (bias && add_parameter (module, "bias", 1, &out_features, error) == NULL)
    return NULL;
  if (gen != NULL && !nnb_linear_reset_parameters (module, gen, error))
    return NULL;
  return g_steal_pointer (&module);
}

void
nnb_layer_norm_reset_parameters (NnbModule *module)
{
  NnbParameter *weight = nnb_module_get_parameter (module, "weight");
  NnbParameter *bias = nnb_module_get_parameter (module, "bias");
  const NnbBackend *be;

  if (weight == NULL)
    return;
  be = nnb_backend_get (weight->value->device, NULL);
  be->fill (weight->value->data, weight->value->numel, 1.0f);
  be->fill (bias->value->data, bias->value->numel, 0.0f);
}

NnbModule *
nnb_layer_norm_new (int64_t normalized_shape, double eps, gboolean elementwise_affine, GError **error)
{
  g_autoptr (NnbModule) module = NULL;

  /* PyTorch accepts LayerNorm(0) and then fails on every input; NN Blocks
   * says so at once */
  if (normalized_shape <= 0)
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT,
                   "LayerNorm(%" G_GINT64_FORMAT "): normalized_shape must be a positive whole number, the number of features it normalises.",
                   normalized_shape);
      return NULL;
    }
  module = module_alloc (NNB_MODULE_LAYER_NORM);
  module->normalized_shape = normalized_shape;
  module->eps = eps;
  module->elementwise_affine = elementwise_affine;
  /* weight before bias: PyTorch's registration order */
  if (elementwise_affine &&
      (add_parameter (module, "weight", 1, &normalized_shape, error) == NULL ||
       add_parameter (module, "bias", 1, &normalized_shape, error) == NULL))
    return NULL;
  nnb_layer_norm_reset_parameters (module);
  return g_steal_pointer (&module);
}

NnbModule *
nnb_softmax_new (NnbModuleKind kind, int64_t dim, GError **error)
{
  NnbModule *module;

  g_return_val_if_fail (kind == NNB_MODULE_SOFTMAX || kind == NNB_MODULE_LOG_SOFTMAX, NULL);
  /* PyTorch takes any dim of the input; NN Blocks' data is (B, F), where
   * dim 0 would mix the samples of a batch */
  if (dim != 1 && dim != -1)
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT,
                   "%s(dim=%" G_GINT64_FORMAT "): dim must be 1 (or -1, the same axis), the features of each sample; "
                   "NN Blocks' data is (batch, features), and %s over any other dimension would mix the samples of a batch.",
                   kind_names[kind], dim, kind_names[kind]);
      return NULL;
    }
  module = module_alloc (kind);
  module->dim = dim;
  return module;
}

NnbModule *
nnb_dropout_new (double p, GError **error)
{
  NnbModule *module;

  /* _DropoutNd.__init__'s check, with p as Python prints it; nan passes
   * there and fails in ATen's _dropout_impl with the same words */
  if (!(p >= 0.0 && p <= 1.0))
    {
      g_autofree char *text = nnb_python_float_repr (p);
      g_set_error (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT,
                   "dropout probability has to be between 0 and 1, but got %s", text);
      return NULL;
    }
  module = module_alloc (NNB_MODULE_DROPOUT);
  module->p = p;
  return module;
}

void
nnb_batch_norm_reset_running_stats (NnbModule *module)
{
  NnbBuffer *mean = nnb_module_get_buffer (module, "running_mean");
  NnbBuffer *var = nnb_module_get_buffer (module, "running_var");
  NnbBuffer *count = nnb_module_get_buffer (module, "num_batches_tracked");
  const NnbBackend *be;

  if (mean == NULL)
    return;
  be = nnb_backend_get (mean->value->device, NULL);
  be->fill (mean->value->data, mean->value->numel, 0.0f);
  be->fill (var->value->data, var->value->numel, 1.0f);
  count->count = 0;
}

void
nnb_batch_norm_reset_parameters (NnbModule *module)
{
  nnb_batch_norm_reset_running_stats (module);
  /* the same ones and zeros as LayerNorm's */
  nnb_layer_norm_reset_parameters (module);
}

static NnbBuffer *
add_buffer (NnbModule *module, const char *name, int64_t size, GError **error)
{
  NnbBuffer *buffer;
  NnbTensor *value = NULL;

  if (size > 0 && (value = nnb_tensor_new (1, &size, nnb_device_cpu (), error)) == NULL)
    return NULL;
  buffer = g_new0 (NnbBuffer, 1);
  buffer->name = g_strdup (name);
  buffer->value = value;
  g_ptr_array_add (module->buffers, buffer);
  return buffer;
}

NnbModule *
nnb_batch_norm_new (int64_t num_features, double eps, double momentum, gboolean has_momentum, gboolean affine,
                    gboolean track_running_stats, GError **error)
{
  g_autoptr (NnbModule) module = NULL;

  /* PyTorch builds BatchNorm1d(0) and fails on every input; NN Blocks
   * says so at once */
  if (num_features <= 0)
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT,
                   "BatchNorm1d(%" G_GINT64_FORMAT "): num_features must be a positive whole number, the number of features it normalises.",
                   num_features);
      return NULL;
    }
  if (!(eps > 0.0) || !isfinite (eps) || (has_momentum && !isfinite (momentum)))
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT,
                   "BatchNorm1d(%" G_GINT64_FORMAT "): eps must be a positive number and momentum a number (or None).",
                   num_features);
      return NULL;
    }
  module = module_alloc (NNB_MODULE_BATCH_NORM);
  module->num_features = num_features;
  module->eps = eps;
  module->momentum = has_momentum ? momentum : 0.0;
  module->has_momentum = has_momentum;
  module->affine = affine;
  module->track_running_stats = track_running_stats;
  /* _NormBase.__init__'s order: weight, bias, then the buffers */
  if (affine && (add_parameter (module, "weight", 1, &num_features, error) == NULL ||
                 add_parameter (module, "bias", 1, &num_features, error) == NULL))
    return NULL;
  if (track_running_stats && (add_buffer (module, "running_mean", num_features, error) == NULL ||
                              add_buffer (module, "running_var", num_features, error) == NULL ||
                              add_buffer (module, "num_batches_tracked", 0, error) == NULL))
    return NULL;
  nnb_batch_norm_reset_parameters (module);
  return g_steal_pointer (&module);
}

NnbModule *
nnb_activation_new (NnbModuleKind kind)
{
  NnbModule *module;

  g_return_val_if_fail (kind != NNB_MODULE_LINEAR && kind != NNB_MODULE_LAYER_NORM && kind != NNB_MODULE_SOFTMAX &&
                          kind != NNB_MODULE_LOG_SOFTMAX && kind != NNB_MODULE_DROPOUT &&
                          kind != NNB_MODULE_BATCH_NORM && kind != NNB_MODULE_SEQUENTIAL,
                        NULL);
  module = module_alloc (kind);
  module->negative_slope = 0.01;
  return module;
}

NnbModule *
nnb_leaky_relu_new (double negative_slope)
{
  NnbModule *module = nnb_activation_new (NNB_MODULE_LEAKY_RELU);
  module->negative_slope = negative_slope;
  return module;
}

NnbModule *
nnb_sequential_new (void)
{
  return module_alloc (NNB_MODULE_SEQUENTIAL);
}

void
nnb_sequential_append (NnbModule *sequential, NnbModule *child)
{
  g_return_if_fail (sequential->kind == NNB_MODULE_SEQUENTIAL);
  g_ptr_array_add (sequential->children, nnb_module_ref (child));
}

NnbModule *
nnb_module_ref (NnbModule *module)
{
  g_return_val_if_fail (module != NULL, NULL);
  g_atomic_int_inc (&module->ref_count);
  return module;
}

void
nnb_module_unref (NnbModule *module)
{
  if (module == NULL)
    return;
  if (g_atomic_int_dec_and_test (&module->ref_count))
    {
      g_ptr_array_unref (module->parameters);
      g_ptr_array_unref (module->buffers);
      g_ptr_array_unref (module->children);
      g_free (module);
    }
}

gboolean
nnb_module_activation (const NnbModule *module, NnbActivation *act, float *param)
{
  NnbActivation a;

  switch (module->kind)
    {
    case NNB_MODULE_RELU: a = NNB_ACT_RELU; break;
    case NNB_MODULE_TANH: a = NNB_ACT_TANH; break;
    case NNB_MODULE_SIGMOID: a = NNB_ACT_SIGMOID; break;
    case NNB_MODULE_LEAKY_RELU: a = NNB_ACT_LEAKY_RELU; break;
    case NNB_MODULE_GELU: a = NNB_ACT_GELU; break;
    case NNB_MODULE_IDENTITY: a = NNB_ACT_IDENTITY; break;
    case NNB_MODULE_LINEAR:
    case NNB_MODULE_LAYER_NORM:
    case NNB_MODULE_SOFTMAX:
    case NNB_MODULE_LOG_SOFTMAX:
    case NNB_MODULE_DROPOUT:
    case NNB_MODULE_BATCH_NORM:
    case NNB_MODULE_SEQUENTIAL:
    default:
      return FALSE;
    }
  if (act)
    *act = a;
  if (param)
    *param = (float) module->negative_slope;
  return TRUE;
}

char *
nnb_module_repr (const NnbModule *module, int indent)
{
  switch (module->kind)
    {
    case NNB_MODULE_LINEAR:
      return g_strdup_printf ("Linear(in_features=%" G_GINT64_FORMAT ", out_features=%" G_GINT64_FORMAT ", bias=%s)",
                              module->in_features, module->out_features, module->has_bias ? "True" : "False");
    case NNB_MODULE_LEAKY_RELU:
      {
        g_autofree char *slope = nnb_python_float_repr (module->negative_slope);
        return g_strdup_printf ("LeakyReLU(negative_slope=%s)", slope);
      }
    case NNB_MODULE_GELU:
      return g_strdup ("GELU(approximate='none')");
    case NNB_MODULE_LAYER_NORM:
      {
        /* eps as Python prints a float: 1e-05, 0.001 */
        g_autofree char *eps = nnb_python_float_repr (module->eps);
        return g_strdup_printf ("LayerNorm((%" G_GINT64_FORMAT ",), eps=%s, elementwise_affine=%s)",
                                module->normalized_shape, eps, module->elementwise_affine ? "True" : "False");
      }
    case NNB_MODULE_SOFTMAX:
    case NNB_MODULE_LOG_SOFTMAX:
      return g_strdup_printf ("%s(dim=%" G_GINT64_FORMAT ")", kind_names[module->kind], module->dim);
    case NNB_MODULE_DROPOUT:
      {
        g_autofree char *p = nnb_python_float_repr (module->p);
        return g_strdup_printf ("Dropout(p=%s, inplace=False)", p);
      }
    case NNB_MODULE_BATCH_NORM:
      {
        g_autofree char *eps = nnb_python_float_repr (module->eps);
        g_autofree char *momentum = module->has_momentum ? nnb_python_float_repr (module->momentum) : g_strdup ("None");
        return g_strdup_printf ("BatchNorm1d(%" G_GINT64_FORMAT ", eps=%s, momentum=%s, affine=%s, track_running_stats=%s)",
                                module->num_features, eps, momentum, module->affine ? "True" : "False",
                                module->track_running_stats ? "True" : "False");
      }
    case NNB_MODULE_SEQUENTIAL:
      {
        GString *text;
        if (module->children->len == 0)
          return g_strdup ("Sequential()");
        text = g_string_new ("Sequential(\n");
        for (guint i = 0; i < module->children->len; i++)
          {
            g_autofree char *child = nnb_module_repr (module->children->pdata[i], indent + 2);
            g_string_append_printf (text, "%*s(%u): %s\n", indent + 2, "", i, child);
          }
        g_string_append_printf (text, "%*s)", indent, "");
        return g_string_free (text, FALSE);
      }
    default:
      return g_strdup_printf ("%s()", nnb_module_kind_to_string (module->kind));
    }
}

NnbParameter *
nnb_module_get_parameter (const NnbModule *module, const char *name)
{
  for (guint i = 0; i < module->parameters->len; i++)
    {
      NnbParameter *param = module->parameters->pdata[i];
      if (strcmp (param->name, name) == 0)
        return param;
    }
  return NULL;
}

NnbBuffer *
nnb_module_get_buffer (const NnbModule *module, const char *name)
{
  for (guint i = 0; i < module->buffers->len; i++)
    {
      NnbBuffer *buffer = module->buffers->pdata[i];
      if (strcmp (buffer->name, name) == 0)
        return buffer;
    }
  return NULL;
}

int64_t
nnb_module_count_buffers (const NnbModule *module)
{
  int64_t total = 0;

  for (guint i = 0; i < module->buffers->len; i++)
    {
      NnbBuffer *buffer = module->buffers->pdata[i];
      total += buffer->value != NULL ? buffer->value->numel : 1;
    }
  for (guint i = 0; i < module->children->len; i++)
    total += nnb_module_count_buffers (module->children->pdata[i]);
  return total;
}

int64_t
nnb_module_count_parameters (const NnbModule *module)
{
  int64_t total = 0;

  for (guint i = 0; i < module->parameters->len; i++)
    total += ((NnbParameter *) module->parameters->pdata[i])->value->numel;
  for (guint i = 0; i < module->children->len; i++)
    total += nnb_module_count_parameters (module->children->pdata[i]);
  return total;
}

static gboolean
move_tensor (NnbTensor **slot, NnbDevice device, GError **error)
{
  NnbTensor *moved;

  if (nnb_device_equal ((*slot)->device, device))
    return TRUE;
  moved = nnb_tensor_to (*slot, device, error);
  if (moved == NULL)
    return FALSE;
  nnb_tensor_unref (*slot);
  *slot = moved;
  return TRUE;
}

gboolean
nnb_module_to (NnbModule *module, NnbDevice device, GError **error)
{
  for (guint i = 0; i < module->parameters->len; i++)
    {
      NnbParameter *param = module->parameters->pdata[i];
      if (!move_tensor (&param->value, device, error) || !move_tensor (&param->grad, device, error))
        return FALSE;
    }
  /* num_batches_tracked stays a host integer: it is only ever counted */
  for (guint i = 0; i < module->buffers->len; i++)
    {
      NnbBuffer *buffer = module->buffers->pdata[i];
      if (buffer->value != NULL && !move_tensor (&buffer->value, device, error))
        return FALSE;
    }
  for (guint i = 0; i < module->children->len; i++)
    if (!nnb_module_to (module->children->pdata[i], device, error))
      return FALSE;
  return TRUE;
}

gboolean
nnb_module_has_mode (const NnbModule *module)
{
  if (module == NULL)
    return FALSE;
  if (module->kind == NNB_MODULE_DROPOUT || module->kind == NNB_MODULE_BATCH_NORM)
    return TRUE;
  for (guint i = 0; module->children != NULL && i < module->children->len; i++)
    if (nnb_module_has_mode (module->children->pdata[i]))
      return TRUE;
  return FALSE;
}
