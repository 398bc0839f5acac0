/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-init.h — torch.nn.init, on CPU tensors, with PyTorch's formulas and
 * random streams (same seed, same bits). Fans follow
 * _calculate_fan_in_and_fan_out: for a 2-D weight (out, in), fan_in = in and
 * fan_out = out. Errors use PyTorch's wording (e.g. "Fan in and fan out can
 * not be computed for tensor with fewer than 2 dimensions"). */
#pragma once

#include <glib.h>
#include "nnb-rng.h"
#include "nnb-tensor.h"

G_BEGIN_DECLS

typedef enum
{
  NNB_NONLINEARITY_LINEAR,
  NNB_NONLINEARITY_SIGMOID,
  NNB_NONLINEARITY_TANH,
  NNB_NONLINEARITY_RELU,
  NNB_NONLINEARITY_LEAKY_RELU,
} NnbNonlinearity;

typedef enum
{
  NNB_FAN_IN,
  NNB_FAN_OUT,
} NnbFanMode;

/* The init methods a project or lesson can name. */
typedef enum
{
  NNB_INIT_DEFAULT, /* what the module's constructor did: nothing more to do */
  NNB_INIT_XAVIER_UNIFORM,
  NNB_INIT_XAVIER_NORMAL,
  NNB_INIT_KAIMING_UNIFORM,
  NNB_INIT_KAIMING_NORMAL,
  NNB_INIT_ZEROS,
  NNB_INIT_ONES,
  NNB_INIT_CONSTANT,
  NNB_INIT_NORMAL,
  NNB_INIT_UNIFORM,
} NnbInitMethod;

/* nn.init.calculate_gain */
double nnb_init_calculate_gain (NnbNonlinearity nonlinearity, double param);

gboolean nnb_init_uniform_ (NnbTensor *t, double a, double b, NnbGenerator *gen, GError **error);
gboolean nnb_init_normal_ (NnbTensor *t, double mean, double std, NnbGenerator *gen, GError **error);
gboolean nnb_init_constant_ (NnbTensor *t, double value, GError **error);
gboolean nnb_init_zeros_ (NnbTensor *t, GError **error);
gboolean nnb_init_ones_ (NnbTensor *t, GError **error);
gboolean nnb_init_xavier_uniform_ (NnbTensor *t, double gain, NnbGenerator *gen, GError **error);
gboolean nnb_init_xavier_normal_ (NnbTensor *t, double gain, NnbGenerator *gen, GError **error);
/* a: negative slope for leaky_relu (PyTorch's default a = 0) */
gboolean nnb_init_kaiming_uniform_ (NnbTensor *t, double a, NnbFanMode mode,
                                    NnbNonlinearity nonlinearity, NnbGenerator *gen, GError **error);
gboolean nnb_init_kaiming_normal_ (NnbTensor *t, double a, NnbFanMode mode,
                                   NnbNonlinearity nonlinearity, NnbGenerator *gen, GError **error);

/* Applies a named method with PyTorch's default arguments (gain 1, a 0,
 * fan_in, leaky_relu, normal(0, 1), uniform(0, 1)); value is used by
 * CONSTANT only. */
gboolean nnb_init_apply_method (NnbTensor *t, NnbInitMethod method, double value,
                                NnbGenerator *gen, GError **error);

/* "xavier_uniform_" ↔ NNB_INIT_XAVIER_UNIFORM ("default" for NNB_INIT_DEFAULT) */
const char *nnb_init_method_to_string (NnbInitMethod method);
gboolean nnb_init_method_from_string (const char *text, NnbInitMethod *out);

G_END_DECLS
