/* nnb-gpu-optim.cu — torch.optim.SGD and torch.optim.Adam steps on the GPU,
 * one thread per element.
 *
 * The CPU's formulas (nnb-backend-cpu.c), operation for operation: fmaf
 * where the CPU calls fmaf (PyTorch's add_(…, alpha) is fused in its
 * vectorised kernel), separate roundings elsewhere (--fmad=false), sqrtf
 * and division correctly rounded as on the CPU. A step therefore gives the
 * same bits on both devices for the same gradient. */
#include "nnb-gpu-private.h"
#include "nnb-gpu-launch.h"

__global__ static void
sgd_kernel (float *param, const float *grad, float *momentum_buf, size_t n,
            float lr, float momentum, float dampening, float weight_decay,
            int nesterov, int first_step)
{
  NNB_CUDA_GRID_STRIDE (i, n)
    {
      float d_p = grad[i];
      if (weight_decay != 0.0f)
        d_p = fmaf (weight_decay, param[i], d_p);
      if (momentum != 0.0f)
        {
          float buf;
          if (first_step)
            buf = d_p;
          else
            buf = fmaf (1.0f - dampening, d_p, momentum_buf[i] * momentum);
          momentum_buf[i] = buf;
          d_p = nesterov ? fmaf (momentum, buf, d_p) : buf;
        }
      param[i] = fmaf (-lr, d_p, param[i]);
    }
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
adam_kernel (float *param, const float *grad, float *exp_avg, float *exp_avg_sq, size_t n,
             float step_size, float bias_correction2_sqrt, float beta1, float beta2,
             float one_minus_beta1, float one_minus_beta2, float eps, float weight_decay)
{
  NNB_CUDA_GRID_STRIDE (i, n)
    {
      float g = grad[i];
      if (weight_decay != 0.0f)
        g = fmaf (weight_decay, param[i], g);
      exp_avg[i] = fmaf (one_minus_beta1, g, exp_avg[i] * beta1);
      exp_avg_sq[i] = exp_avg_sq[i] * beta2 + one_minus_beta2 * g * g;
      float denom = sqrtf (exp_avg_sq[i]) / bias_correction2_sqrt + eps;
      param[i] = param[i] + (-step_size) * (exp_avg[i] / denom);
    }
}

void
nnb_cuda_adam_step (float *param, const float *grad, float *exp_avg, float *exp_avg_sq, size_t n,
                    double lr, double beta1, double beta2, double eps, double weight_decay, int step)
{
  /* PyTorch 1.13 _single_tensor_adam: the bias corrections in Python
   * floats (double, on the host as on the CPU), the tensor work in float32 */
  double bias_correction1 = 1.0 - pow (beta1, step);
  double bias_correction2 = 1.0 - pow (beta2, step);

  if (n == 0)
    return;
  adam_kernel<<<nnb_cuda_blocks (n), NNB_CUDA_THREADS>>> (param, grad, exp_avg, exp_avg_sq, n,
                                                           (float) (lr / bias_correction1),
                                                           (float) sqrt (bias_correction2),
                                                           (float) beta1, (float) beta2,
                                                           (float) (1.0 - beta1), (float) (1.0 - beta2),
                                                           (float) eps, (float) weight_decay);
  nnb_gpu_check (cudaGetLastError (), "taking an Adam step");
}
