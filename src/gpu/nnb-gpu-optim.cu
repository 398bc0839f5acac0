/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-gpu-optim.cu — torch.optim.SGD and torch.optim.Adam steps on the GPU,
 * one thread per element.
 *
 * The per-element arithmetic is nnb-formulas.h's, the CPU's own formulas
 * (nnb-optim-kernels.h) operation for operation, fmaf where the CPU calls
 * fmaf (PyTorch's add_(…, alpha) is fused in its vectorised kernel),
 * separate roundings elsewhere (--fmad=false), sqrtf and division
 * correctly rounded as on the CPU. A step therefore gives the same bits on
 * both devices for the same gradient; tests/gpu/test-gpu-formulas.c checks
 * that on the host. */
#include "nnb-gpu-private.h"
#include "nnb-gpu-launch.h"
#include "nnb-formulas.h"

__global__ static void
sgd_kernel (float *param, const float *grad, float *momentum_buf, size_t n,
            float lr, float momentum, float dampening, float weight_decay,
            int nesterov, int first_step)
{
  NNB_CUDA_GRID_STRIDE (i, n)
    nnb_f_sgd (&param[i], grad[i], momentum != 0.0f ? &momentum_buf[i] : NULL, lr, momentum, dampening,
               weight_decay, nesterov, first_step);
}

void
nnb_cuda_sgd_step (float *param, const float *grad, float *momentum_buf, size_t n,
                   float lr, float momentum, float dampening, float weight_decay,
                   int nesterov, int first_step)
{
  if (n == 0)
    return;
  sgd_kernel<<<nnb_cuda_blocks (n), NNB_CUDA_THREADS>>> (param, grad, momentum_buf, n, lr, momentum, dampening,
                                                          weight_decay, nesterov, first_step);
  nnb_gpu_check (cudaGetLastError (), "taking an SGD step");
}

__global__ static void
adam_kernel (float *param, const float *grad, float *exp_avg, float *exp_avg_sq, size_t n, NnbAdamScalars k)
{
  NNB_CUDA_GRID_STRIDE (i, n)
    nnb_f_adam (&param[i], grad[i], &exp_avg[i], &exp_avg_sq[i], &k);
}

void
nnb_cuda_adam_step (float *param, const float *grad, float *exp_avg, float *exp_avg_sq, size_t n,
                    double lr, double beta1, double beta2, double eps, double weight_decay, int step)
{
  /* PyTorch 1.13 _single_tensor_adam: the bias corrections in Python
   * floats (double, on the host as on the CPU), the tensor work in float32 */
  NnbAdamScalars k = nnb_f_adam_scalars (lr, beta1, beta2, eps, weight_decay, step);

  if (n == 0)
    return;
  adam_kernel<<<nnb_cuda_blocks (n), NNB_CUDA_THREADS>>> (param, grad, exp_avg, exp_avg_sq, n, k);
  nnb_gpu_check (cudaGetLastError (), "taking an Adam step");
}
