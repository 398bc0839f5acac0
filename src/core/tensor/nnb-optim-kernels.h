/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-optim-kernels.h — the CPU's element loops of torch.optim.SGD and
 * torch.optim.Adam around nnb-formulas.h's per-element formulas (PyTorch
 * 1.13's _single_tensor_*, shared with the CUDA kernels), compiled twice:
 * plainly in nnb-backend-cpu.c and for AVX2+FMA in nnb-backend-cpu-simd.c,
 * where fmaf is one instruction and the loops vectorise. Both files build
 * with -ffp-contract=off so no other expression is fused behind our back. */
#pragma once

#include <glib.h>
#include <math.h>
#include "nnb-formulas.h"

static inline void
nnb_sgd_kernel (float *param, const float *grad, float *momentum_buf, gsize n,
                float lr, float momentum, float dampening, float weight_decay,
                gboolean nesterov, gboolean first_step)
{
  if (momentum == 0.0f && weight_decay == 0.0f)
    {
      /* plain SGD, the lessons' case: nnb_f_sgd with neither momentum nor
       * decay, one fused multiply-add per weight, written out so it vectorises */
      for (gsize i = 0; i < n; i++)
        param[i] = fmaf (-lr, grad[i], param[i]);
      return;
    }
  for (gsize i = 0; i < n; i++)
    nnb_f_sgd (&param[i], grad[i], momentum_buf != NULL ? &momentum_buf[i] : NULL, lr, momentum, dampening,
               weight_decay, nesterov, first_step);
}

static inline void
nnb_adam_kernel (float *param, const float *grad, float *exp_avg, float *exp_avg_sq, gsize n,
                 const NnbAdamScalars *k)
{
  for (gsize i = 0; i < n; i++)
    nnb_f_adam (&param[i], grad[i], &exp_avg[i], &exp_avg_sq[i], k);
}
