/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-module.h — the building blocks: nn.Linear, the activations, nn.Identity
 * and nn.Sequential.
 *
 * A module owns its parameters (weight before bias: PyTorch's registration
 * order). Modules are reference counted because one module may be called at
 * several places of a model (the page's `self.act` used twice); its
 * parameters are then registered once. The `+` of a skip connection is not a
 * module in PyTorch (it is an expression in forward), so it lives in the
 * model's graph (nnb-model.h), not here. */
#pragma once

#include <glib.h>
#include "nnb-backend.h"
#include "nnb-rng.h"
#include "nnb-tensor.h"

G_BEGIN_DECLS

typedef enum
{
  NNB_MODULE_LINEAR,
  NNB_MODULE_RELU,
  NNB_MODULE_TANH,
  NNB_MODULE_SIGMOID,
  NNB_MODULE_LEAKY_RELU,
  NNB_MODULE_GELU,
  NNB_MODULE_IDENTITY,
  NNB_MODULE_LAYER_NORM,
  NNB_MODULE_SOFTMAX,
  NNB_MODULE_LOG_SOFTMAX,
  NNB_MODULE_DROPOUT,
  NNB_MODULE_BATCH_NORM, /* nn.BatchNorm1d */
  NNB_MODULE_SEQUENTIAL,
} NnbModuleKind;

typedef struct
{
  char *name; /* local name: "weight", "bias" */
  NnbTensor *value;
  NnbTensor *grad; /* same shape and device; zeros until backward */
  gboolean requires_grad;
  /* FALSE while PyTorch's .grad is None: no backward has reached this
   * parameter since the model was built. zero_grad keeps it (set_to_none
   * is False by default in 1.13), and the optimizers skip the parameter
   * while it is FALSE, weight decay and all. */
  gboolean has_grad;
} NnbParameter;

/* A buffer (register_buffer): state that state_dict() saves and .to()
 * moves but no optimizer trains — BatchNorm1d's running_mean and
 * running_var (float tensors) and num_batches_tracked (an int64 scalar,
 * shape (), kept in count with value NULL). */
typedef struct
{
  char *name; /* local name: "running_mean" */
  NnbTensor *value;
  int64_t count;
} NnbBuffer;

typedef struct _NnbModule NnbModule;

struct _NnbModule
{
  NnbModuleKind kind;
  /* Linear */
  int64_t in_features;
  int64_t out_features;
  gboolean has_bias;
  /* LeakyReLU */
  double negative_slope;
  /* LayerNorm: normalized_shape is one size, the last dimension's */
  int64_t normalized_shape;
  double eps;
  gboolean elementwise_affine;
  /* Softmax, LogSoftmax: the features' axis of a (B, F) tensor, 1 or -1 */
  int64_t dim;
  /* Dropout: the probability of zeroing each value, in [0, 1] */
  double p;
  /* BatchNorm1d (eps above): the features (dim 1) it normalises; momentum
   * of the running estimates, or None (has_momentum FALSE: a cumulative
   * average over num_batches_tracked); affine adds weight and bias;
   * track_running_stats adds the three buffers, used in eval mode */
  int64_t num_features;
  double momentum;
  gboolean has_momentum;
  gboolean affine;
  gboolean track_running_stats;
  /* parameters in registration order (weight, then bias) */
  GPtrArray *parameters; /* NnbParameter*, owned */
  /* buffers in registration order */
  GPtrArray *buffers; /* NnbBuffer*, owned */
  /* Sequential: children in order, named "0", "1", … */
  GPtrArray *children; /* NnbModule*, ref'd */
  /*< private >*/
  gint ref_count;
};

/* nn.Linear(in, out, bias): weight (out, in) and bias (out,) initialised at
 * construction as PyTorch does (kaiming_uniform_(a=√5), then the bias from
 * U(−1/√in, 1/√in)), drawing from gen. Sizes must be positive and the weight
 * must fit in memory. */
NnbModule *nnb_linear_new (int64_t in_features, int64_t out_features, gboolean bias,
                           NnbGenerator *gen, GError **error);
/* ReLU, Tanh, Sigmoid, GELU, Identity, LeakyReLU (negative_slope 0.01) */
NnbModule *nnb_activation_new (NnbModuleKind kind);
NnbModule *nnb_leaky_relu_new (double negative_slope);
/* nn.LayerNorm(normalized_shape, eps, elementwise_affine) over the last
 * dimension; with elementwise_affine, weight = ones and bias = zeros (its
 * reset_parameters draws nothing). normalized_shape must be positive. */
NnbModule *nnb_layer_norm_new (int64_t normalized_shape, double eps, gboolean elementwise_affine, GError **error);
/* nn.Softmax(dim) or nn.LogSoftmax(dim) (kind NNB_MODULE_SOFTMAX or
 * NNB_MODULE_LOG_SOFTMAX) over the features of (B, F) data: dim is 1 or -1,
 * the same axis; any other refuses with a sentence. No parameters. */
NnbModule *nnb_softmax_new (NnbModuleKind kind, int64_t dim, GError **error);
/* nn.Dropout(p): in the model's train mode each value is zeroed with
 * probability p and the others scaled by 1/(1 − p), the mask drawn from the
 * model's generator as PyTorch's (nnb_rng_dropout_mask); in eval mode the
 * identity. p outside [0, 1] (or nan) refuses with PyTorch's message. No
 * parameters. */
NnbModule *nnb_dropout_new (double p, GError **error);
/* nn.BatchNorm1d(num_features, eps, momentum, affine, track_running_stats)
 * on (batch, features) data: in train mode each feature is normalised
 * with the batch's mean and biased variance, and the running estimates
 * move towards the batch's mean and unbiased variance by momentum
 * (has_momentum FALSE: momentum=None, a cumulative average); in eval mode
 * with the running estimates (when tracked). weight ones, bias zeros,
 * running_mean zeros, running_var ones, num_batches_tracked 0. */
NnbModule *nnb_batch_norm_new (int64_t num_features, double eps, double momentum, gboolean has_momentum,
                               gboolean affine, gboolean track_running_stats, GError **error);
NnbModule *nnb_sequential_new (void);
void nnb_sequential_append (NnbModule *sequential, NnbModule *child);

NnbModule *nnb_module_ref (NnbModule *module);
void nnb_module_unref (NnbModule *module);

/* "Linear", "ReLU", "Sequential" — the PyTorch class name */
const char *nnb_module_kind_to_string (NnbModuleKind kind);
gboolean nnb_module_kind_from_string (const char *text, NnbModuleKind *out);
/* Whether what module computes depends on the mode (model.train() or
 * model.eval()): a Dropout or a BatchNorm1d, or a Sequential holding one. */
gboolean nnb_module_has_mode (const NnbModule *module);

/* The activation a leaf module computes (NNB_ACT_IDENTITY for Identity);
 * FALSE for Linear, LayerNorm, Softmax, LogSoftmax, Dropout, BatchNorm1d
 * and Sequential. */
gboolean nnb_module_activation (const NnbModule *module, NnbActivation *act, float *param);

/* The module's own line in print(model): "Linear(in_features=3,
 * out_features=16, bias=True)", "ReLU()", "LeakyReLU(negative_slope=0.01)",
 * "GELU(approximate='none')", "Softmax(dim=1)", "Dropout(p=0.5,
 * inplace=False)". Sequential gives its full
 * nested form. */
char *nnb_module_repr (const NnbModule *module, int indent);

NnbParameter *nnb_module_get_parameter (const NnbModule *module, const char *name);
NnbBuffer *nnb_module_get_buffer (const NnbModule *module, const char *name);
/* Elements of every buffer, recursive (num_batches_tracked counts 1) */
int64_t nnb_module_count_buffers (const NnbModule *module);
int64_t nnb_module_count_parameters (const NnbModule *module); /* recursive, all elements */

/* Moves every parameter (and gradient) and every buffer to device. */
gboolean nnb_module_to (NnbModule *module, NnbDevice device, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NnbModule, nnb_module_unref)

G_END_DECLS

G_BEGIN_DECLS
/* nn.Linear.reset_parameters(): the constructor's initialisation, again. */
gboolean nnb_linear_reset_parameters (NnbModule *module, NnbGenerator *gen, GError **error);
/* nn.LayerNorm.reset_parameters(): weight ones, bias zeros. */
void nnb_layer_norm_reset_parameters (NnbModule *module);
/* nn.BatchNorm1d.reset_running_stats(): running_mean zeros, running_var
 * ones, num_batches_tracked 0; reset_parameters() also sets weight ones
 * and bias zeros. */
void nnb_batch_norm_reset_running_stats (NnbModule *module);
void nnb_batch_norm_reset_parameters (NnbModule *module);
G_END_DECLS
