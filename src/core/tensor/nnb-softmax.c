/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-softmax.c — softmax and log_softmax over rows on the CPU: the rows of
 * nnb-formulas.h with the exp and log PyTorch's AVX2 kernels call. */
#include "nnb-softmax.h"

#include <math.h>
#include <sleef.h>
#include "nnb-backend-cpu-simd.h"
#include "nnb-formulas.h"

/* PyTorch's Vectorized<float>::exp and ::log are SLEEF's Sleef_expf8_u10
 * and Sleef_logf8_u10. Their one-lane builds with fused multiply-adds give
 * the same bits lane for lane (tests/test-softmax.c compares against torch
 * at every row width it holds), so the rows need no vector code to match.
 * A processor without FMA gets SLEEF's plain one-lane functions, which can
 * differ in the last bit. */
#ifndef FP_FAST_FMA
/* sleef.h declares its FMA builds only to files compiled for FMA */
float Sleef_expf1_u10purecfma (float);
float Sleef_logf1_u10purecfma (float);
#endif

typedef struct
{
  NnbFloatFn exp;
  NnbFloatFn log;
} SoftmaxMath;

static const SoftmaxMath *
softmax_math (void)
{
  static SoftmaxMath math;
  static gsize chosen = 0;

  if (g_once_init_enter (&chosen))
    {
      __builtin_cpu_init ();
      if (__builtin_cpu_supports ("fma"))
        math = (SoftmaxMath){ Sleef_expf1_u10purecfma, Sleef_logf1_u10purecfma };
      else
        math = (SoftmaxMath){ Sleef_expf_u10, Sleef_logf_u10 };
      g_once_init_leave (&chosen, 1);
    }
  return &math;
}

float
nnb_torch_expf (float x)
{
  return softmax_math ()->exp (x);
}

float
nnb_torch_logf (float x)
{
  return softmax_math ()->log (x);
}

void
nnb_softmax_row (const float *x, float *y, gsize n)
{
  g_return_if_fail (n >= 1);
  nnb_f_softmax_row (softmax_math ()->exp, x, y, n);
}

void
nnb_log_softmax_row (const float *x, float *y, gsize n)
{
  const SoftmaxMath *math = softmax_math ();

  g_return_if_fail (n >= 1);
  nnb_f_log_softmax_row (math->exp, math->log, x, y, n);
}

void
nnb_softmax_backward_row (const float *y, const float *dy, float *dx, gsize n, gboolean accumulate)
{
  g_return_if_fail (n >= 1);
  nnb_f_softmax_backward_row (y, dy, dx, n, accumulate);
}

void
nnb_log_softmax_backward_row (const float *y, const float *dy, float *dx, gsize n, gboolean accumulate)
{
  g_return_if_fail (n >= 1);
  nnb_f_log_softmax_backward_row (softmax_math ()->exp, y, dy, dx, n, accumulate);
}

void
nnb_cpu_softmax_forward (gboolean log_softmax, const float *x, float *y, gsize rows, gsize cols)
{
  gsize r = 0;

  if (cols == 0)
    return;
  /* a classifier's few outputs: eight rows at a time, the same bits */
  if (log_softmax && cols < 8 && nnb_simd_available ())
    r = nnb_simd_log_softmax_narrow (x, y, rows, cols);
  for (; r < rows; r++)
    if (log_softmax)
      nnb_log_softmax_row (x + r * cols, y + r * cols, cols);
    else
      nnb_softmax_row (x + r * cols, y + r * cols, cols);
}

void
nnb_cpu_softmax_backward (gboolean log_softmax, const float *y, const float *dy, float *dx, gsize rows, gsize cols,
                          gboolean accumulate)
{
  gsize r = 0;

  if (cols == 0)
    return;
  if (log_softmax && cols < 8 && nnb_simd_available ())
    r = nnb_simd_log_softmax_backward_narrow (y, dy, dx, rows, cols, accumulate);
  for (; r < rows; r++)
    if (log_softmax)
      nnb_log_softmax_backward_row (y + r * cols, dy + r * cols, dx + r * cols, cols, accumulate);
    else
      nnb_softmax_backward_row (y + r * cols, dy + r * cols, dx + r * cols, cols, accumulate);
}
