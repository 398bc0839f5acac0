/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gradcheck-reference.h — a second forward for test-gradcheck.c: the loss
 * of a model evaluated in double precision at chosen parameter values, so
 * that a central difference of it measures the engine's gradient. A module
 * kind it does not know stops at g_assert_not_reached: a new kind adds its
 * double-precision maths to ref_module (gradcheck-reference.c). */
#pragma once

#include "nnb-loss.h"
#include "nnb-model-private.h"

/* A value in double: one per node (or per module inside a Sequential) */
typedef struct
{
  int ndim;
  int64_t shape[NNB_MAX_DIMS];
  int64_t numel;
  double *data;
} Ref;

typedef struct
{
  NnbModel *model;
  GHashTable *point; /* NnbParameter* → double[numel]: where the loss is evaluated */
  GPtrArray *arena;  /* Ref* made by the current evaluation */
  double min_kink;   /* smallest distance to a kink seen by the evaluation */
} Reference;

/* At the model's current float32 parameter values */
Reference *reference_new (NnbModel *model);
void reference_free (Reference *r);
/* loss_fn(model(input), target) at the reference's point; *pred_out (when
 * not NULL) stays valid until the next evaluation. */
double reference_loss (Reference *r, NnbLossKind kind, const NnbTensor *input, const NnbTensor *target,
                       Ref **pred_out);
