/* nnb-optim-kernels.h — the element loops of torch.optim.SGD and
 * torch.optim.Adam (PyTorch 1.13's _single_tensor_* formulas), written once
 * and compiled twice: plainly in nnb-backend-cpu.c and for AVX2+FMA in
 * nnb-backend-cpu-simd.c, where fmaf is one instruction and the loops
 * vectorise. PyTorch's add_(…, alpha) is a fused multiply-add in its
 * vectorised kernel, hence fmaf; both files build with -ffp-contract=off so
 * no other expression is fused behind our back. */
#pragma once

#include <glib.h>
#include <math.h>

static inline void
nnb_sgd_kernel (float *param, const float *grad, float *momentum_buf, gsize n,
                float lr, float momentum, float dampening, float weight_decay,
                gboolean nesterov, gboolean first_step)
{
  if (momentum == 0.0f && weight_decay == 0.0f)
    {
      /* plain SGD, the lessons' case: one fused multiply-add per weight */
      for (gsize i = 0; i < n; i++)
        param[i] = fmaf (-lr, grad[i], param[i]);
      return;
    }
  for (gsize i = 0; i < n; i++)
    {
      float d_p = grad[i];
      if (weight_decay != 0.0f)
        d_p = fmaf (weight_decay, param[i], d_p);
      if (momentum != 0.0f)
        {
          float buf = first_step ? d_p : fmaf (1.0f - dampening, d_p, momentum_buf[i] * momentum);
          momentum_buf[i] = buf;
          d_p = nesterov ? fmaf (momentum, buf, d_p) : buf;
        }
      param[i] = fmaf (-lr, d_p, param[i]);
    }
}

/* Adam's per-step scalars: the bias corrections in Python floats (double),
 * the tensor work in float32 */
typedef struct
{
  float step_size, bias_correction2_sqrt;
  float beta1, beta2, one_minus_beta1, one_minus_beta2;
  float eps, weight_decay;
} NnbAdamScalars;

static inline NnbAdamScalars
nnb_adam_scalars (double lr, double beta1, double beta2, double eps, double weight_decay, int step)
{
  return (NnbAdamScalars){
    .step_size = (float) (lr / (1.0 - pow (beta1, step))),
    .bias_correction2_sqrt = (float) sqrt (1.0 - pow (beta2, step)),
    .beta1 = (float) beta1,
    .beta2 = (float) beta2,
    .one_minus_beta1 = (float) (1.0 - beta1),
    .one_minus_beta2 = (float) (1.0 - beta2),
    .eps = (float) eps,
    .weight_decay = (float) weight_decay,
  };
}

static inline void
nnb_adam_kernel (float *param, const float *grad, float *exp_avg, float *exp_avg_sq, gsize n,
                 const NnbAdamScalars *k)
{
  for (gsize i = 0; i < n; i++)
    {
      float g = grad[i];
      if (k->weight_decay != 0.0f)
        g = fmaf (k->weight_decay, param[i], g);
      exp_avg[i] = fmaf (k->one_minus_beta1, g, exp_avg[i] * k->beta1);
      exp_avg_sq[i] = exp_avg_sq[i] * k->beta2 + k->one_minus_beta2 * g * g;
      float denom = sqrtf (exp_avg_sq[i]) / k->bias_correction2_sqrt + k->eps;
      /* addcdiv_(exp_avg, denom, value=-step_size): self + value * t1 / t2,
       * left to right, as PyTorch's kernel writes it (dividing first differs
       * in the last bit for about one weight in a hundred) */
      param[i] = param[i] + ((-k->step_size) * exp_avg[i]) / denom;
    }
}
