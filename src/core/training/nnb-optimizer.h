/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-optimizer.h — torch.optim.SGD and torch.optim.Adam.
 *
 * An optimizer holds the model's live parameters (not copies), as
 * optimizer = SGD(model.parameters(), …) does: build it after nnb_model_to.
 * Parameters without requires_grad, or that no backward has reached yet
 * (PyTorch's .grad is None), are skipped. Invalid hyper-parameters
 * are refused with PyTorch's ValueError text ("Invalid learning rate: -0.1"). */
#pragma once

#include <glib.h>
#include "nnb-model.h"

G_BEGIN_DECLS

typedef enum
{
  NNB_OPTIMIZER_SGD,
  NNB_OPTIMIZER_ADAM,
} NnbOptimizerKind;

typedef struct
{
  NnbOptimizerKind kind;
  double lr;
  /* SGD */
  double momentum;
  double dampening;
  double weight_decay; /* both */
  gboolean nesterov;
  /* Adam */
  double beta1;
  double beta2;
  double eps;
} NnbOptimizerOptions;

/* PyTorch's defaults for kind (SGD has no default lr in PyTorch; 0.01 here). */
void nnb_optimizer_options_init (NnbOptimizerOptions *options, NnbOptimizerKind kind);
const char *nnb_optimizer_kind_to_string (NnbOptimizerKind kind); /* "SGD", "Adam" */
gboolean nnb_optimizer_kind_from_string (const char *text, NnbOptimizerKind *out);

typedef struct _NnbOptimizer NnbOptimizer;

NnbOptimizer *nnb_optimizer_new (NnbModel *model, const NnbOptimizerOptions *options, GError **error);
void nnb_optimizer_free (NnbOptimizer *optimizer);
void nnb_optimizer_zero_grad (NnbOptimizer *optimizer);
gboolean nnb_optimizer_step (NnbOptimizer *optimizer, GError **error);
/* Changes the learning rate between steps (UI slider). */
void nnb_optimizer_set_lr (NnbOptimizer *optimizer, double lr);
const NnbOptimizerOptions *nnb_optimizer_get_options (const NnbOptimizer *optimizer);

/* What step() keeps for one parameter (optimizer.state[p]), borrowed and on
 * the model's device; NULL where the optimizer keeps none. */
typedef struct
{
  int step;                        /* state['step']: the steps this parameter has taken */
  NnbTensor *momentum_buffer;      /* SGD with momentum: state['momentum_buffer'] */
  NnbTensor *exp_avg, *exp_avg_sq; /* Adam: state['exp_avg'], state['exp_avg_sq'] */
} NnbOptimizerState;

/* The state of the index-th parameter of nnb_model_named_parameters;
 * FALSE for no such parameter. */
gboolean nnb_optimizer_get_state (const NnbOptimizer *optimizer, guint index, NnbOptimizerState *state);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NnbOptimizer, nnb_optimizer_free)

G_END_DECLS
