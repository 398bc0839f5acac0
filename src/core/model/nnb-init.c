/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-init.c — torch.nn.init's formulas over nnb-rng's streams.
 *
 * Bounds and standard deviations are computed in double in the same order
 * as torch/nn/init.py, then handed to uniform_/normal_, which round them to
 * float32 exactly where PyTorch's kernels do. */
#include "nnb-init.h"

#include <float.h>
#include <math.h>
#include <string.h>

static const char *const method_names[] = {
  [NNB_INIT_DEFAULT] = "default",
  [NNB_INIT_XAVIER_UNIFORM] = "xavier_uniform_",
  [NNB_INIT_XAVIER_NORMAL] = "xavier_normal_",
  [NNB_INIT_KAIMING_UNIFORM] = "kaiming_uniform_",
  [NNB_INIT_KAIMING_NORMAL] = "kaiming_normal_",
  [NNB_INIT_ZEROS] = "zeros_",
  [NNB_INIT_ONES] = "ones_",
  [NNB_INIT_CONSTANT] = "constant_",
  [NNB_INIT_NORMAL] = "normal_",
  [NNB_INIT_UNIFORM] = "uniform_",
};

/* init writes through tensor->data: host memory only */
#define RETURN_IF_NOT_CPU(t) \
  g_return_val_if_fail ((t) != NULL && (t)->device.type == NNB_DEVICE_CPU, FALSE)

double
nnb_init_calculate_gain (NnbNonlinearity nonlinearity, double param)
{
  switch (nonlinearity)
    {
    case NNB_NONLINEARITY_LINEAR:
    case NNB_NONLINEARITY_SIGMOID:
      return 1.0;
    case NNB_NONLINEARITY_TANH:
      return 5.0 / 3;
    case NNB_NONLINEARITY_RELU:
      return sqrt (2.0);
    case NNB_NONLINEARITY_LEAKY_RELU:
      /* negative_slope ** 2: Python's pow(x, 2) is x·x, correctly rounded */
      return sqrt (2.0 / (1 + param * param));
    default:
      g_return_val_if_reached (1.0);
    }
}

/* _calculate_fan_in_and_fan_out: dims beyond the second form the
 * receptive field of a convolution kernel */
static gboolean
calculate_fans (const NnbTensor *t, double *fan_in, double *fan_out, GError **error)
{
  int64_t receptive_field = 1;

  if (t->ndim < 2)
    {
      g_set_error_literal (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT,
                           "Fan in and fan out can not be computed for tensor with fewer than 2 dimensions");
      return FALSE;
    }
  for (int i = 2; i < t->ndim; i++)
    receptive_field *= t->shape[i];
  *fan_in = (double) (t->shape[1] * receptive_field);
  *fan_out = (double) (t->shape[0] * receptive_field);
  return TRUE;
}

static gboolean
calculate_correct_fan (const NnbTensor *t, NnbFanMode mode, double *fan, GError **error)
{
  double fan_in, fan_out;

  if (!calculate_fans (t, &fan_in, &fan_out, error))
    return FALSE;
  *fan = mode == NNB_FAN_OUT ? fan_out : fan_in;
  return TRUE;
}

/* uniform_impl_'s checks, in its order and with its wording */
static gboolean
check_uniform_range (double from, double to, GError **error)
{
  const char *bad = NULL;

  if (!(from >= -FLT_MAX && from <= FLT_MAX))
    bad = "from";
  else if (!(to >= -FLT_MAX && to <= FLT_MAX))
    bad = "to";
  if (bad != NULL)
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT,
                   "%s is out of bounds for float", bad);
      return FALSE;
    }
  if (from > to)
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT,
                   "uniform_ expects to return a [from, to) range, but found from=%g > to=%g",
                   from, to);
      return FALSE;
    }
  if (to - from > FLT_MAX)
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT,
                   "uniform_ expects to-from <= std::numeric_limits<Float>::max(), but found to=%g and from=%g which result in to-from to exceed the limit",
                   to, from);
      return FALSE;
    }
  return TRUE;
}

gboolean
nnb_init_uniform_ (NnbTensor *t, double a, double b, NnbGenerator *gen, GError **error)
{
  RETURN_IF_NOT_CPU (t);
  g_return_val_if_fail (gen != NULL, FALSE);

  if (!check_uniform_range (a, b, error))
    return FALSE;
  nnb_rng_uniform (gen, t->data, (gsize) t->numel, a, b);
  return TRUE;
}

gboolean
nnb_init_normal_ (NnbTensor *t, double mean, double std, NnbGenerator *gen, GError **error)
{
  RETURN_IF_NOT_CPU (t);
  g_return_val_if_fail (gen != NULL, FALSE);

  if (!(std >= 0.0))
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT,
                   "normal expects std >= 0.0, but found std %g", std);
      return FALSE;
    }
  nnb_rng_normal (gen, t->data, (gsize) t->numel, mean, std);
  return TRUE;
}

gboolean
nnb_init_constant_ (NnbTensor *t, double value, GError **error)
{
  RETURN_IF_NOT_CPU (t);
  (void) error; /* filling cannot fail; the GError keeps nn.init's one shape */

  for (int64_t i = 0; i < t->numel; i++)
    t->data[i] = (float) value;
  return TRUE;
}

gboolean
nnb_init_zeros_ (NnbTensor *t, GError **error)
{
  return nnb_init_constant_ (t, 0.0, error);
}

gboolean
nnb_init_ones_ (NnbTensor *t, GError **error)
{
  return nnb_init_constant_ (t, 1.0, error);
}

/* std = gain·√(2 / (fan_in + fan_out)) */
static gboolean
xavier_std (const NnbTensor *t, double gain, double *std, GError **error)
{
  double fan_in, fan_out;

  if (!calculate_fans (t, &fan_in, &fan_out, error))
    return FALSE;
  *std = gain * sqrt (2.0 / (fan_in + fan_out));
  return TRUE;
}

gboolean
nnb_init_xavier_uniform_ (NnbTensor *t, double gain, NnbGenerator *gen, GError **error)
{
  double std, bound;

  RETURN_IF_NOT_CPU (t);
  if (!xavier_std (t, gain, &std, error))
    return FALSE;
  /* a uniform on (−√3·std, √3·std) has that standard deviation */
  bound = sqrt (3.0) * std;
  return nnb_init_uniform_ (t, -bound, bound, gen, error);
}

gboolean
nnb_init_xavier_normal_ (NnbTensor *t, double gain, NnbGenerator *gen, GError **error)
{
  double std;

  RETURN_IF_NOT_CPU (t);
  if (!xavier_std (t, gain, &std, error))
    return FALSE;
  return nnb_init_normal_ (t, 0.0, std, gen, error);
}

/* std = gain / √fan */
static gboolean
kaiming_std (const NnbTensor *t, double a, NnbFanMode mode,
             NnbNonlinearity nonlinearity, double *std, GError **error)
{
  double fan;

  if (!calculate_correct_fan (t, mode, &fan, error))
    return FALSE;
  *std = nnb_init_calculate_gain (nonlinearity, a) / sqrt (fan);
  return TRUE;
}

gboolean
nnb_init_kaiming_uniform_ (NnbTensor *t, double a, NnbFanMode mode,
                           NnbNonlinearity nonlinearity, NnbGenerator *gen, GError **error)
{
  double std, bound;

  RETURN_IF_NOT_CPU (t);
  if (!kaiming_std (t, a, mode, nonlinearity, &std, error))
    return FALSE;
  bound = sqrt (3.0) * std;
  return nnb_init_uniform_ (t, -bound, bound, gen, error);
}

gboolean
nnb_init_kaiming_normal_ (NnbTensor *t, double a, NnbFanMode mode,
                          NnbNonlinearity nonlinearity, NnbGenerator *gen, GError **error)
{
  double std;

  RETURN_IF_NOT_CPU (t);
  if (!kaiming_std (t, a, mode, nonlinearity, &std, error))
    return FALSE;
  return nnb_init_normal_ (t, 0.0, std, gen, error);
}

gboolean
nnb_init_apply_method (NnbTensor *t, NnbInitMethod method, double value,
                       NnbGenerator *gen, GError **error)
{
  switch (method)
    {
    case NNB_INIT_DEFAULT:
      return TRUE;
    case NNB_INIT_XAVIER_UNIFORM:
      return nnb_init_xavier_uniform_ (t, 1.0, gen, error);
    case NNB_INIT_XAVIER_NORMAL:
      return nnb_init_xavier_normal_ (t, 1.0, gen, error);
    case NNB_INIT_KAIMING_UNIFORM:
      return nnb_init_kaiming_uniform_ (t, 0.0, NNB_FAN_IN, NNB_NONLINEARITY_LEAKY_RELU, gen, error);
    case NNB_INIT_KAIMING_NORMAL:
      return nnb_init_kaiming_normal_ (t, 0.0, NNB_FAN_IN, NNB_NONLINEARITY_LEAKY_RELU, gen, error);
    case NNB_INIT_ZEROS:
      return nnb_init_zeros_ (t, error);
    case NNB_INIT_ONES:
      return nnb_init_ones_ (t, error);
    case NNB_INIT_CONSTANT:
      return nnb_init_constant_ (t, value, error);
    case NNB_INIT_NORMAL:
      return nnb_init_normal_ (t, 0.0, 1.0, gen, error);
    case NNB_INIT_UNIFORM:
      return nnb_init_uniform_ (t, 0.0, 1.0, gen, error);
    default:
      g_return_val_if_reached (FALSE);
    }
}

const char *
nnb_init_method_to_string (NnbInitMethod method)
{
  if ((guint) method >= G_N_ELEMENTS (method_names))
    return NULL;
  return method_names[method];
}

gboolean
nnb_init_method_from_string (const char *text, NnbInitMethod *out)
{
  g_return_val_if_fail (out != NULL, FALSE);

  if (text == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (method_names); i++)
    {
      const char *name = method_names[i];
      gsize len = strlen (name);

      /* nn.init's old spellings without the trailing underscore work too */
      if (strcmp (text, name) == 0 ||
          (name[len - 1] == '_' && strlen (text) == len - 1 && strncmp (text, name, len - 1) == 0))
        {
          *out = (NnbInitMethod) i;
          return TRUE;
        }
    }
  return FALSE;
}
