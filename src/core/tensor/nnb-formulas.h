/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-formulas.h — the per-element arithmetic of the activations, the
 * losses and the optimizers, written once for every device: the CPU's
 * scalar loops and the scalar tails of its SIMD kernels compile it as C,
 * the CUDA kernels with nvcc (NNB_FORMULA is __host__ __device__ there).
 *
 * Softmax and log_softmax are not per element, but their rows are written
 * here for the same reason: one order of sums for both devices.
 *
 * Every user builds without fused multiply-adds of its own (-ffp-contract=off
 * for the C files, --fmad=false for nvcc), and fmaf is written out where
 * PyTorch's build fuses, so every device rounds the same way; what differs
 * between them is only the maths library (tanhf, expf), within a few ulps;
 * GELU brings its own exp and erf (oneDNN's), so it is the same everywhere.
 * tests/gpu/test-gpu-formulas.c checks the header on the host against the
 * CPU backend, with no GPU needed.
 *
 * Plain C, no GLib: nvcc compiles the .cu files without the project's
 * pkg-config flags. */
#pragma once

#include <math.h>
#include <stddef.h>

#ifdef __CUDACC__
#define NNB_FORMULA __host__ __device__ static inline
#else
#define NNB_FORMULA static inline
#endif

/* ---- activations: forward f(x), backward f'(·)·dy ---------------------- */

NNB_FORMULA float
nnb_f_relu (float x)
{
  return x > 0.0f ? x : 0.0f;
}

/* threshold_backward on the output, PyTorch's way: 0 where y <= 0 */
NNB_FORMULA float
nnb_f_relu_backward (float y, float dy)
{
  return y <= 0.0f ? 0.0f : dy;
}

NNB_FORMULA float
nnb_f_leaky_relu (float x, float slope)
{
  return x > 0.0f ? x : x * slope;
}

/* leaky_relu_backward looks at the input, not the output */
NNB_FORMULA float
nnb_f_leaky_relu_backward (float x, float dy, float slope)
{
  return x > 0.0f ? dy : dy * slope;
}

/* tanh_backward from the output: dy · (1 − y²), with 1 − y·y as one fused
 * multiply-add, as PyTorch's CPU build (compiled with FMA) computes it */
NNB_FORMULA float
nnb_f_tanh_backward (float y, float dy)
{
  return dy * fmaf (-y, y, 1.0f);
}

/* 1 / (1 + exp(−x)) in float, given exp(−x) from the device's library */
NNB_FORMULA float
nnb_f_sigmoid_from (float exp_neg_x)
{
  return 1.0f / (1.0f + exp_neg_x);
}

NNB_FORMULA float
nnb_f_sigmoid (float x)
{
  return nnb_f_sigmoid_from (expf (-x));
}

/* sigmoid_backward from the output: (dy · (1 − y)) · y, in that order */
NNB_FORMULA float
nnb_f_sigmoid_backward (float y, float dy)
{
  return dy * (1.0f - y) * y;
}

/* exact GELU, approximate='none', as PyTorch 1.13 computes it on the CPU:
 * a contiguous float tensor of more than one element goes to oneDNN's
 * eltwise_gelu_erf (Activation.cpp, use_mkldnn), whose AVX2 JIT kernel
 * (jit_uni_eltwise_injector: gelu_erf_compute_vector_fwd/_bwd and
 * exp_compute_vector_fwd) is written out below instruction by instruction,
 * each fmaf one vfmadd: float32 throughout, erf by Abramowitz and Stegun
 * 7.1.26 and exp by a degree-5 polynomial. It is several ulps from the true
 * GELU, but every bit is torch's (tests/test-gelu-parity.c). The constants
 * are oneDNN's table entries, as bit patterns. */
NNB_FORMULA float
nnb_f_bits (unsigned int u)
{
  union
  {
    unsigned int u;
    float f;
  } v;
  v.u = u;
  return v.f;
}

/* oneDNN's exp: clamp to [ln FLT_MIN, ln FLT_MAX] (a NaN becomes the upper
 * bound, as vminps returns its second operand), x = n·ln2 + r with
 * n = floor(x·log2(e) + 0.5), exp(r) by the polynomial, times 2^n built in
 * the exponent bits; below ln FLT_MIN the result is 0 */
NNB_FORMULA float
nnb_f_onednn_exp (float x)
{
  const float ln_flt_min = nnb_f_bits (0xc2aeac50u), ln_flt_max = nnb_f_bits (0x42b17218u);
  int underflow = x < ln_flt_min;
  float fx, r, p;
  union
  {
    unsigned int u;
    float f;
  } two_n;

  x = x < ln_flt_max ? x : ln_flt_max;
  x = x > ln_flt_min ? x : ln_flt_min;
  fx = floorf (x * nnb_f_bits (0x3fb8aa3bu) + 0.5f);
  r = fmaf (-fx, nnb_f_bits (0x3f317218u), x);
  two_n.u = underflow ? 0u : (unsigned int) ((int) fx + 127) << 23;
  p = fmaf (nnb_f_bits (0x3c07cfceu), r, nnb_f_bits (0x3d2b9d0du));
  p = fmaf (p, r, nnb_f_bits (0x3e2aad40u));
  p = fmaf (p, r, nnb_f_bits (0x3efffee3u));
  p = fmaf (p, r, nnb_f_bits (0x3f7ffffbu));
  p = fmaf (p, r, 1.0f);
  return p * two_n.f;
}

/* erf(z) = sign(z) · (1 − t·P(t)·exp(−z²)), t = 1/(1 + p·|z|), as the
 * kernels compute it from q = −exp(−z²): fma(q·t, P(t), 1) */
NNB_FORMULA float
nnb_f_onednn_erf_from (float z, float q)
{
  float t = 1.0f / fmaf (nnb_f_bits (0x3ea7ba05u), fabsf (z), 1.0f);
  float p = fmaf (nnb_f_bits (0x3f87dc22u), t, nnb_f_bits (0xbfba00e3u));
  float e;

  p = fmaf (p, t, nnb_f_bits (0x3fb5f0e3u));
  p = fmaf (p, t, nnb_f_bits (0xbe91a98eu));
  p = fmaf (p, t, nnb_f_bits (0x3e827906u));
  e = fmaf (q * t, p, 1.0f);
  return signbit (z) ? -e : e;
}

/* 1/√2 and 1/√π as oneDNN's float table holds them */
#define NNB_F_GELU_SQRT1_2 nnb_f_bits (0x3f3504f3u)
#define NNB_F_GELU_1_SQRTPI nnb_f_bits (0x3f106ebau)

/* GELU(s) = S + S·erf(s/√2), S = 0.5·s */
NNB_FORMULA float
nnb_f_gelu (float s)
{
  float z = s * NNB_F_GELU_SQRT1_2, half_s = s * 0.5f;
  float erf_z = nnb_f_onednn_erf_from (z, -nnb_f_onednn_exp (-(z * z)));

  return fmaf (erf_z, half_s, half_s);
}

/* GELU'(s) = (0.5 + z/√π · exp(−z²)) + 0.5·erf(z), z = s/√2; the gradient
 * is dy times it, one rounding each */
NNB_FORMULA float
nnb_f_gelu_derivative (float s)
{
  float z = s * NNB_F_GELU_SQRT1_2;
  float q = nnb_f_onednn_exp (-(z * z));
  float density = (z * NNB_F_GELU_1_SQRTPI) * q;
  float erf_z = nnb_f_onednn_erf_from (z, -q);

  return fmaf (erf_z, 0.5f, density + 0.5f);
}

NNB_FORMULA float
nnb_f_gelu_backward (float x, float dy)
{
  return dy * nnb_f_gelu_derivative (x);
}

/* A tensor of one element is no case for oneDNN (use_mkldnn wants more):
 * ATen's own kernel takes it, in float with the C library's erff and expf
 * (the caller's, as they are given here), nothing fused:
 * x · 0.5 · (1 + erf(x/√2)) and dy · (Φ + x · φ) */
#define NNB_F_GELU_ATEN_SQRT1_2 0.70710678118654752440f
#define NNB_F_GELU_ATEN_ALPHA ((float) (1.12837916709551257390 * 0.70710678118654752440 * 0.5))

NNB_FORMULA float
nnb_f_gelu_aten_from (float x, float erf_value)
{
  return x * 0.5f * (1.0f + erf_value);
}

/* erf_value of x/√2 and exp_value of x · x · −0.5, both in float */
NNB_FORMULA float
nnb_f_gelu_aten_backward_from (float x, float dy, float erf_value, float exp_value)
{
  float cdf = 0.5f * (1.0f + erf_value);
  float pdf = NNB_F_GELU_ATEN_ALPHA * exp_value;

  return dy * (cdf + x * pdf);
}

/* ---- softmax and log_softmax over one row ------------------------------ */

/* PyTorch 1.13 takes softmax and log_softmax of a contiguous (B, F) tensor
 * over its last dimension one row at a time (SoftMaxKernel.cpp:
 * _vec_softmax_lastdim, _vec_log_softmax_lastdim and
 * _vec_host_softmax_backward_lastdim), with the reductions of
 * vec/functional_base.h in 8-float lanes (the AVX2 build). The rows below
 * reproduce that order of operations on any device; the exp and log are
 * the caller's: the CPU passes SLEEF's (PyTorch's own,
 * nnb-softmax.h), a CUDA kernel its device's expf and logf. */
typedef float (*NnbFloatFn) (float);

#define NNB_F_ROW_LANES 8

/* vec::maximum: the larger, and NaN when either is NaN (as _mm256_max_ps
 * with the unordered compare); acc is the running value */
NNB_FORMULA float
nnb_f_row_max_step (float acc, float x)
{
  return acc != acc ? acc : acc > x ? acc
                                    : x;
}

/* The AVX2 vec_reduce_all of 8 lanes: lanes 4 apart, then 2, then 1 */
NNB_FORMULA float
nnb_f_lanes_sum (const float *v)
{
  return ((v[0] + v[4]) + (v[2] + v[6])) + ((v[1] + v[5]) + (v[3] + v[7]));
}

NNB_FORMULA float
nnb_f_lanes_max (const float *v)
{
  float a = nnb_f_row_max_step (nnb_f_row_max_step (v[0], v[4]), nnb_f_row_max_step (v[2], v[6]));
  float b = nnb_f_row_max_step (nnb_f_row_max_step (v[1], v[5]), nnb_f_row_max_step (v[3], v[7]));
  return nnb_f_row_max_step (a, b);
}

/* vec::reduce_all (maximum) over n ≥ 1 floats: fewer than 8 one after the
 * other; more in 8 lanes (the first vector, then each next one, the
 * partial last one into its first lanes), then the lanes */
NNB_FORMULA float
nnb_f_row_max (const float *x, size_t n)
{
  float acc[NNB_F_ROW_LANES];
  size_t d;

  if (n < NNB_F_ROW_LANES)
    {
      float m = x[0];
      for (size_t i = 1; i < n; i++)
        m = nnb_f_row_max_step (m, x[i]);
      return m;
    }
  for (int k = 0; k < NNB_F_ROW_LANES; k++)
    acc[k] = x[k];
  for (d = NNB_F_ROW_LANES; d < n; d += NNB_F_ROW_LANES)
    for (size_t k = 0; k < NNB_F_ROW_LANES && d + k < n; k++)
      acc[k] = nnb_f_row_max_step (acc[k], x[d + k]);
  return nnb_f_lanes_max (acc);
}

/* vec::reduce_all (+) over n ≥ 1 floats, in the same order */
NNB_FORMULA float
nnb_f_row_sum (const float *x, size_t n)
{
  float acc[NNB_F_ROW_LANES];
  size_t d;

  if (n < NNB_F_ROW_LANES)
    {
      float s = x[0];
      for (size_t i = 1; i < n; i++)
        s += x[i];
      return s;
    }
  for (int k = 0; k < NNB_F_ROW_LANES; k++)
    acc[k] = x[k];
  for (d = NNB_F_ROW_LANES; d < n; d += NNB_F_ROW_LANES)
    for (size_t k = 0; k < NNB_F_ROW_LANES && d + k < n; k++)
      acc[k] += x[d + k];
  return nnb_f_lanes_sum (acc);
}

/* vec::map_reduce_all: Σ exp(x − max) in reduce_all's order, without
 * storing the terms (so log_softmax may write over its input) */
NNB_FORMULA float
nnb_f_row_sum_exp (NnbFloatFn exp_fn, const float *x, float max, size_t n)
{
  float acc[NNB_F_ROW_LANES];
  size_t d;

  if (n < NNB_F_ROW_LANES)
    {
      float s = exp_fn (x[0] - max);
      for (size_t i = 1; i < n; i++)
        s += exp_fn (x[i] - max);
      return s;
    }
  for (int k = 0; k < NNB_F_ROW_LANES; k++)
    acc[k] = exp_fn (x[k] - max);
  for (d = NNB_F_ROW_LANES; d < n; d += NNB_F_ROW_LANES)
    for (size_t k = 0; k < NNB_F_ROW_LANES && d + k < n; k++)
      acc[k] += exp_fn (x[d + k] - max);
  return nnb_f_lanes_sum (acc);
}

/* vec::map2_reduce_all (x · y, +): Σ a·b. Past the first vector each
 * product and its addition are one fused multiply-add, as GCC contracted
 * PyTorch's vector code (-mfma, -ffp-contract=fast); fewer than 8 floats
 * go through vec_reduce_all's array, which nothing fuses. */
NNB_FORMULA float
nnb_f_row_dot (const float *a, const float *b, size_t n)
{
  float acc[NNB_F_ROW_LANES];
  size_t d;

  if (n < NNB_F_ROW_LANES)
    {
      float s = a[0] * b[0];
      for (size_t i = 1; i < n; i++)
        s += a[i] * b[i];
      return s;
    }
  for (int k = 0; k < NNB_F_ROW_LANES; k++)
    acc[k] = a[k] * b[k];
  for (d = NNB_F_ROW_LANES; d < n; d += NNB_F_ROW_LANES)
    for (size_t k = 0; k < NNB_F_ROW_LANES && d + k < n; k++)
      acc[k] = fmaf (a[d + k], b[d + k], acc[k]);
  return nnb_f_lanes_sum (acc);
}

/* softmax of one row of n ≥ 1 floats (y may be x):
 *   m = max x;  e = exp(x − m);  y = e · (1 / Σ e)
 * The maximum is subtracted first, so a large x does not overflow exp. */
NNB_FORMULA void
nnb_f_softmax_row (NnbFloatFn exp_fn, const float *x, float *y, size_t n)
{
  float max = nnb_f_row_max (x, n), scale;

  for (size_t i = 0; i < n; i++)
    y[i] = exp_fn (x[i] - max);
  scale = 1.0f / nnb_f_row_sum (y, n);
  for (size_t i = 0; i < n; i++)
    y[i] = y[i] * scale;
}

/* log_softmax of one row (y may be x):
 *   m = max x;  y = (x − m) − log Σ exp(x − m)
 * in that order: m + log Σ first would lose the small differences of large
 * inputs (pytorch/pytorch#11752) */
NNB_FORMULA void
nnb_f_log_softmax_row (NnbFloatFn exp_fn, NnbFloatFn log_fn, const float *x, float *y, size_t n)
{
  float max = nnb_f_row_max (x, n);
  float log_sum = log_fn (nnb_f_row_sum_exp (exp_fn, x, max, n));

  for (size_t i = 0; i < n; i++)
    y[i] = (x[i] - max) - log_sum;
}

/* softmax's backward from its output y: dx = (dy − Σ dy·y) · y; with
 * accumulate, dx += that (dx may be dy without accumulate) */
NNB_FORMULA void
nnb_f_softmax_backward_row (const float *y, const float *dy, float *dx, size_t n, int accumulate)
{
  float dot = nnb_f_row_dot (dy, y, n);

  for (size_t i = 0; i < n; i++)
    {
      float g = (dy[i] - dot) * y[i];
      dx[i] = accumulate ? dx[i] + g : g;
    }
}

/* log_softmax's backward from its output y: dx = dy − exp(y) · Σ dy, the
 * product and the subtraction one fused multiply-add as in PyTorch's
 * build; with accumulate, dx += that (dx may be dy without accumulate) */
NNB_FORMULA void
nnb_f_log_softmax_backward_row (NnbFloatFn exp_fn, const float *y, const float *dy, float *dx, size_t n,
                                int accumulate)
{
  float sum = nnb_f_row_sum (dy, n);

  for (size_t i = 0; i < n; i++)
    {
      float g = fmaf (-exp_fn (y[i]), sum, dy[i]);
      dx[i] = accumulate ? dx[i] + g : g;
    }
}

/* ---- losses: one element's term and its gradient ----------------------- */

/* (x − t)² for MSE, |x − t| for L1; the sum of terms is divided by n */
NNB_FORMULA float
nnb_f_loss_term (int is_mse, float pred, float target)
{
  float diff = pred - target;
  return is_mse ? diff * diff : fabsf (diff);
}

/* mse_loss_backward: norm · (x − t) with norm = 2/n;
 * l1: sign(x − t) · norm with norm = 1/n, and sign(0) = 0 */
NNB_FORMULA float
nnb_f_loss_grad (int is_mse, float pred, float target, float norm)
{
  float diff = pred - target;
  if (is_mse)
    return norm * diff;
  return diff > 0.0f ? norm : diff < 0.0f ? -norm
                                          : 0.0f;
}

/* the gradient's scale: 2/n for MSE, 1/n for L1, rounded once to float */
static inline float
nnb_f_loss_norm (int is_mse, size_t n)
{
  return is_mse ? (float) (2.0 / n) : (float) (1.0 / n);
}

/* loss.item() from the sum of the terms: the sum rounded to float, then
 * divided by n as a float, as the CPU (and PyTorch's mean of a float
 * tensor) computes it. Rounding the sum first matters: a sum beyond
 * FLT_MAX is inf there, and the lesson's diverging run (lr 0.1) prints inf
 * before nan, where a mean taken in double would still be finite. */
static inline double
nnb_f_loss_mean (double sum, size_t n)
{
  return (double) ((float) sum / (float) n);
}

/* ---- optimizers: torch.optim.SGD and Adam for one element -------------- */

/* PyTorch 1.13 _single_tensor_sgd: weight decay, then the momentum buffer
 * (taken as the gradient itself at the first step), then Nesterov, then
 * the update; add_(…, alpha) is fused in PyTorch's vectorised kernel.
 * With momentum 0 the buffer is neither read nor written (it may be NULL). */
NNB_FORMULA void
nnb_f_sgd (float *param, float grad, float *momentum_buf, float lr, float momentum,
           float dampening, float weight_decay, int nesterov, int first_step)
{
  float d_p = grad;

  if (weight_decay != 0.0f)
    d_p = fmaf (weight_decay, *param, d_p);
  if (momentum != 0.0f)
    {
      float buf = first_step ? d_p : fmaf (1.0f - dampening, d_p, *momentum_buf * momentum);
      *momentum_buf = buf;
      d_p = nesterov ? fmaf (momentum, buf, d_p) : buf;
    }
  *param = fmaf (-lr, d_p, *param);
}

/* Adam's per-step scalars: the bias corrections in Python floats (double),
 * computed once on the host; the tensor work in float32 */
typedef struct
{
  float step_size, bias_correction2_sqrt;
  float beta1, beta2, one_minus_beta1, one_minus_beta2;
  float eps, weight_decay;
} NnbAdamScalars;

static inline NnbAdamScalars
nnb_f_adam_scalars (double lr, double beta1, double beta2, double eps, double weight_decay, int step)
{
  NnbAdamScalars k;

  k.step_size = (float) (lr / (1.0 - pow (beta1, step)));
  k.bias_correction2_sqrt = (float) sqrt (1.0 - pow (beta2, step));
  k.beta1 = (float) beta1;
  k.beta2 = (float) beta2;
  k.one_minus_beta1 = (float) (1.0 - beta1);
  k.one_minus_beta2 = (float) (1.0 - beta2);
  k.eps = (float) eps;
  k.weight_decay = (float) weight_decay;
  return k;
}

/* _single_tensor_adam without amsgrad (the CPU has none; torch.optim.Adam
 * takes it on the CPU, foreach being None): exp_avg_sq.mul_(beta2) rounds,
 * then addcmul_(g, g, value=1 − beta2) is self + value·g·g with the last
 * product and the sum one fused multiply-add, fma((1 − beta2)·g, g, self),
 * as ATen's addcmul kernel is compiled with FMA (its vector lanes and its
 * scalar tail alike; unfused, an ulp of exp_avg_sq moves from the second
 * step and the loss within a few epochs: tests/test-adam-losses.c); eps
 * is added after dividing √v by √(bias_correction2), and the step is
 * (−step_size · m) / denom, as PyTorch's addcdiv_ computes it (value times
 * the numerator first, then the division) */
NNB_FORMULA void
nnb_f_adam (float *param, float grad, float *exp_avg, float *exp_avg_sq, const NnbAdamScalars *k)
{
  float g = grad;
  float denom;

  if (k->weight_decay != 0.0f)
    g = fmaf (k->weight_decay, *param, g);
  *exp_avg = fmaf (k->one_minus_beta1, g, *exp_avg * k->beta1);
  *exp_avg_sq = fmaf (k->one_minus_beta2 * g, g, *exp_avg_sq * k->beta2);
  denom = sqrtf (*exp_avg_sq) / k->bias_correction2_sqrt + k->eps;
  *param = *param + ((-k->step_size) * *exp_avg) / denom;
}

/* ---- BatchNorm1d: one feature (column c of rows × cols) ----------------- */

/* PyTorch 1.13's CPU kernels with one thread and AVX2 (batch_norm_kernel.cpp:
 * a (N, C) input is "channels last", each feature one vector lane summed
 * down the rows; Normalization.cpp for the running estimates). The kernel
 * file is built with -mfma and GCC's -ffp-contract=fast, so its a · b + c
 * became fused multiply-adds; Normalization.cpp is built without FMA. The
 * fmaf calls are where the compiler fused: every one of the 64
 * fused/unfused combinations was compared with torch on 18 shapes, and
 * only this one gives every bit (tests/test-batch-norm-parity.c).
 * NnbBackend's batch_norm_forward says what the arguments are. */
NNB_FORMULA void
nnb_f_batch_norm_column (const float *x, size_t rows, size_t cols, size_t c, const float *weight, const float *bias,
                         int batch_stats, double eps, float momentum, float *running_mean, float *running_var,
                         float *y, float *save_mean, float *save_invstd)
{
  float mean, invstd, alpha, beta;

  if (batch_stats)
    {
      /* collect_stats: a float sum per lane, its double copy divided by
       * the count; then Σ (x − mean)², fused */
      float sum = 0.0f, var_sum = 0.0f;

      for (size_t r = 0; r < rows; r++)
        sum = sum + x[r * cols + c];
      mean = (float) ((double) sum / (double) rows);
      for (size_t r = 0; r < rows; r++)
        {
          float d = x[r * cols + c] - mean;
          var_sum = fmaf (d, d, var_sum);
        }
      /* InvStd<double> of the float var_sum / n, eps a double as the
       * module's (a float eps moves a bit now and then) */
      invstd = (float) (1.0 / sqrt ((double) (var_sum / (float) rows) + eps));
      if (running_mean != NULL)
        {
          /* in float, the running variance's first product in double */
          double unbiased = (double) (var_sum / (float) (rows - 1));
          running_mean[c] = momentum * mean + (1.0f - momentum) * running_mean[c];
          running_var[c] = (float) ((double) momentum * unbiased + (double) ((1.0f - momentum) * running_var[c]));
        }
      save_mean[c] = mean;
      save_invstd[c] = invstd;
    }
  else
    {
      /* the forward's invstd in float (eps too); backward's in double */
      mean = running_mean[c];
      invstd = 1.0f / sqrtf (running_var[c] + (float) eps);
      save_mean[c] = mean;
      save_invstd[c] = (float) (1.0 / sqrt ((double) running_var[c] + eps));
    }
  /* y = x · α + β with α = invstd · weight, β = bias − mean · α */
  alpha = weight ? invstd * weight[c] : invstd;
  beta = fmaf (-mean, alpha, bias ? bias[c] : 0.0f);
  for (size_t r = 0; r < rows; r++)
    y[r * cols + c] = fmaf (x[r * cols + c], alpha, beta);
}

/* backward_channels_last_impl for one feature: Σ dy and Σ (x − mean)·dy
 * down the rows, then dx; NnbBackend's batch_norm_backward says what the
 * arguments are */
NNB_FORMULA void
nnb_f_batch_norm_column_backward (const float *dy, const float *x, size_t rows, size_t cols, size_t c,
                                  const float *weight, const float *save_mean, const float *save_invstd,
                                  int batch_stats, float *dx, float *dweight, float *dbias)
{
  float mean = save_mean[c], invstd = save_invstd[c], w = weight ? weight[c] : 1.0f;
  float sum = 0.0f, dotp = 0.0f;

  for (size_t r = 0; r < rows; r++)
    {
      sum = sum + dy[r * cols + c];
      dotp = fmaf (x[r * cols + c] - mean, dy[r * cols + c], dotp);
    }
  if (dx != NULL && batch_stats)
    {
      /* (dy − mean(dy) − (x − mean) · k) · invstd · w, k = dotp · invstd² / N */
      float k = dotp * invstd * invstd / (float) rows, grad_mean = sum / (float) rows;

      for (size_t r = 0; r < rows; r++)
        {
          size_t i = r * cols + c;
          dx[i] = fmaf (-(x[i] - mean), k, dy[i] - grad_mean) * invstd * w;
        }
    }
  else if (dx != NULL)
    for (size_t r = 0; r < rows; r++)
      dx[r * cols + c] = dy[r * cols + c] * invstd * w;
  dweight[c] = dotp * invstd;
  dbias[c] = sum;
}
