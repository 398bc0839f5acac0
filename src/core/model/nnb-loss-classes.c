/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-loss-classes.c — nn.CrossEntropyLoss, nn.NLLLoss,
 * nn.BCEWithLogitsLoss and nn.BCELoss on the host, as PyTorch 1.13's CPU
 * code computes them (reduction='mean'), forward and backward:
 *
 *   cross_entropy (indices)  nll_loss (log_softmax (x, 1), t)
 *     label_smoothing ls     (1 − ls) · nll + (−log_softmax.sum (1)).sum () / N · (ls / C)
 *   cross_entropy (probs)    −(log_softmax (x, 1) · t).sum () / N
 *   nll_loss                 −Σ x[i, t_i] / N, summed in LossNLL.cpp's cascade
 *   bce_with_logits          ((1 − t) · x + m + log (exp (−m) + exp (−x − m))).mean (), m = max (−x, 0)
 *   binary_cross_entropy     ((t − 1) · max (log (1 − x), −100) − t · max (log x, −100)).mean ()
 *
 * Each line keeps PyTorch's order of float operations, so the values and
 * gradients are its bits (tests/test-class-losses.c against
 * tests/reference/make_class_loss_golden.py). The batches of a classroom
 * are small, so one pass on the host costs microseconds, on any device. */
#include "nnb-loss-classes.h"

#include <math.h>
#include <string.h>
#include "nnb-confusion.h"
#include "nnb-error.h"
#include "nnb-softmax.h"
#include "nnb-tensor.h"

gsize
nnb_class_loss_scratch_size (int64_t n, int64_t c)
{
  /* log_softmax, the terms of a sum, one float a row */
  return (gsize) (2 * n * c + n);
}

/* The target's shape as PyTorch sees it: (n,) for class indices. */
static char *
target_size (const NnbClassLossCall *call)
{
  int64_t shape[2] = { call->target_rows, call->target_cols };

  return nnb_shape_torch_size (call->class_targets ? 1 : 2, shape);
}

static char *
input_size (const NnbClassLossCall *call)
{
  int64_t shape[2] = { call->n, call->c };

  return nnb_shape_torch_size (2, shape);
}

static gboolean
same_shape (const NnbClassLossCall *call)
{
  return !call->class_targets && call->target_rows == call->n && call->target_cols == call->c;
}

/* nll_loss_out_frame: the terms −x[b, t_b] added into a cascade of eight
 * partial sums, level j emptied into level j + 1 every 2^(level_power·(j+1))
 * rows, so that a long batch keeps its precision; then the levels summed
 * in order and divided by N. Checks each target on the way, as it does. */
static gboolean
nll_forward (const float *x, int64_t n, int64_t c, const float *target, float *value, GError **error)
{
  enum
  {
    LEVELS = 8
  };
  int64_t ceil_log2 = 0, level_power, level_mask;
  float partial[LEVELS] = { 0 };
  float first = 0, sum = 0;

  while (((int64_t) 1 << ceil_log2) < n)
    ceil_log2++;
  level_power = MAX (4, ceil_log2 / LEVELS);
  level_mask = ((int64_t) 1 << level_power) - 1;
  for (int64_t b = 0; b < n; b++)
    {
      int64_t t = (int64_t) target[b];

      if (t < 0 || t >= c)
        {
          g_set_error (error, NNB_ERROR, NNB_ERROR_SHAPE, "Target %" G_GINT64_FORMAT " is out of bounds.", t);
          return FALSE;
        }
      /* the first level in a register: in the array, each row's
       * subtraction waited on the last one's store */
      first -= x[b * c + t];
      if ((b & level_mask) != 0)
        continue;
      partial[1] += first;
      first = 0;
      for (int j = 1; j + 1 < LEVELS; j++)
        {
          if ((b & (level_mask << (j * level_power))) != 0)
            break;
          partial[j + 1] += partial[j];
          partial[j] = 0;
        }
    }
  partial[0] = first;
  for (int j = 0; j < LEVELS; j++)
    sum += partial[j];
  *value = sum / (float) n;
  return TRUE;
}

/* target k of class probabilities, smoothed first when label_smoothing:
 * target * (1 − ls) + ls / C, each factor a float as PyTorch's scalars */
static inline float
target_probability (const NnbClassLossCall *call, int64_t k)
{
  float t = call->target[k];

  if (call->label_smoothing > 0)
    t = t * (float) (1.0 - call->label_smoothing) + (float) (call->label_smoothing / (double) call->c);
  return t;
}

static gboolean
cross_entropy (const NnbClassLossCall *call, double *value, GError **error)
{
  int64_t n = call->n, c = call->c;
  float *logp = call->scratch, *terms = logp + n * c, *smooth = terms + n * c;
  float nll;

  nnb_cpu_softmax_forward (TRUE, call->pred, logp, n, c);

  if (!call->class_targets)
    {
      /* class probabilities: −(log_softmax · t).sum () / N, with
       * t · (1 − ls) + ls / C first when smoothing */
      float inv_n;

      for (int64_t k = 0; k < n * c; k++)
        terms[k] = logp[k] * target_probability (call, k);
      *value = -nnb_cpu_contiguous_sum (terms, n * c) / (float) n;
      if (call->grad == NULL)
        return TRUE;
      /* DivBackward, NegBackward, then MulBackward by the target */
      inv_n = -(1.0f / (float) n);
      for (int64_t k = 0; k < n * c; k++)
        call->grad[k] = inv_n * target_probability (call, k);
      /* in place: each row's Σ dy is taken before its dx is written */
      nnb_cpu_softmax_backward (TRUE, logp, call->grad, call->grad, n, c, FALSE);
      return TRUE;
    }

  if (!nll_forward (logp, n, c, call->target, &nll, error))
    return FALSE;
  if (call->label_smoothing == 0)
    *value = nll;
  else
    {
      float ret;

      /* smooth_loss = −input.sum (1); ret = smooth_loss.sum () / N */
      for (int64_t i = 0; i < n; i++)
        smooth[i] = -nnb_cpu_contiguous_sum (logp + i * c, c);
      ret = nnb_cpu_contiguous_sum (smooth, n) / (float) n;
      *value = (float) (1.0 - call->label_smoothing) * nll + ret * (float) (call->label_smoothing / (double) c);
    }
  if (call->grad == NULL)
    return TRUE;

  {
    /* nll_loss_backward: −(grad_output / total_weight) at each target;
     * the smoothing's share, −((ls / C) / N), everywhere (two terms: the
     * order autograd adds them in does not change the sum) */
    float at_target = -((call->label_smoothing == 0 ? 1.0f : (float) (1.0 - call->label_smoothing)) / (float) n);
    float everywhere = call->label_smoothing == 0 ? 0.0f : -((float) (call->label_smoothing / (double) c) / (float) n);

    for (int64_t i = 0; i < n; i++)
      {
        float *dy = call->grad + i * c;

        for (int64_t j = 0; j < c; j++)
          dy[j] = everywhere;
        dy[(int64_t) call->target[i]] = call->label_smoothing == 0 ? at_target : at_target + everywhere;
      }
    /* in place: each row's Σ dy is taken before its dx is written */
    nnb_cpu_softmax_backward (TRUE, logp, call->grad, call->grad, n, c, FALSE);
  }
  return TRUE;
}

static gboolean
nll_loss (const NnbClassLossCall *call, double *value, GError **error)
{
  float nll;

  if (!nll_forward (call->pred, call->n, call->c, call->target, &nll, error))
    return FALSE;
  *value = nll;
  if (call->grad != NULL)
    {
      float g = -(1.0f / (float) call->n);

      memset (call->grad, 0, call->n * call->c * sizeof (float));
      for (int64_t i = 0; i < call->n; i++)
        call->grad[i * call->c + (int64_t) call->target[i]] = g;
    }
  return TRUE;
}

/* torch.sigmoid of element i of n: ATen's sigmoid kernel (cpu_kernel_vec)
 * takes 16 floats at a time through SLEEF's exp and the last n % 16 one by
 * one through the C library's, 1 / (1 + exp (−x)) either way. (exp_ and
 * log_ are VML kernels, SLEEF's for every element.) */
static float
torch_sigmoid_at (float x, gsize i, gsize n)
{
  return 1.0f / (1.0f + (i < n / 16 * 16 ? nnb_torch_expf (-x) : expf (-x)));
}

/* binary_cross_entropy_with_logits: max_val = (−x).clamp_min_ (0); then
 * (1 − t).mul_ (x).add_ (max_val).add_ ((−max_val).exp_ ().add_ ((−x −
 * max_val).exp_ ()).log_ ()), each step a float rounding; the mean. */
static void
bce_with_logits (const NnbClassLossCall *call, double *value)
{
  gsize total = call->n * call->c;
  float *terms = call->scratch;

  for (gsize k = 0; k < total; k++)
    {
      float x = call->pred[k], t = call->target[k];
      float m = -x < 0.0f ? 0.0f : -x;
      float a = (1.0f - t) * x + m;
      float e = nnb_torch_expf (-m) + nnb_torch_expf (-x - m);

      terms[k] = a + nnb_torch_logf (e);
    }
  *value = nnb_cpu_contiguous_sum (terms, total) / (float) total;
  /* (x.sigmoid () − t) · grad, then / numel */
  if (call->grad != NULL)
    for (gsize k = 0; k < total; k++)
      {
        float sigmoid = torch_sigmoid_at (call->pred[k], k, total);

        call->grad[k] = ((sigmoid - call->target[k]) * 1.0f) / (float) total;
      }
}

/* binary_cross_entropy: (t − 1) · max (log (1 − x), −100) − t · max (log x,
 * −100), with the C library's log as ATen's scalar loop calls it (1.13
 * takes log (1 − x), not log1p); its backward (x − t) / max ((1 − x) · x,
 * 1e-12), then / numel. */
static gboolean
bce (const NnbClassLossCall *call, double *value, GError **error)
{
  gsize total = call->n * call->c;
  float *terms = call->scratch;

  for (gsize k = 0; k < total; k++)
    {
      float x = call->pred[k], t = call->target[k];

      if (!(x >= 0.0f && x <= 1.0f))
        {
          g_set_error_literal (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT,
                               "all elements of input should be between 0 and 1");
          return FALSE;
        }
      terms[k] = (t - 1.0f) * MAX (logf (1.0f - x), -100.0f) - t * MAX (logf (x), -100.0f);
    }
  *value = nnb_cpu_contiguous_sum (terms, total) / (float) total;
  if (call->grad != NULL)
    for (gsize k = 0; k < total; k++)
      {
        float x = call->pred[k], t = call->target[k];

        call->grad[k] = (1.0f * (x - t)) / MAX ((1.0f - x) * x, 1e-12f) / (float) total;
      }
  return TRUE;
}

gboolean
nnb_class_loss (const NnbClassLossCall *call, gboolean class_data, double *value, int64_t *correct, GError **error)
{
  g_autofree char *ts = target_size (call);
  g_autofree char *is = input_size (call);
  NnbPredictRule rule;

  *correct = -1;
  switch (call->kind)
    {
    case NNB_LOSS_CROSS_ENTROPY:
      /* float targets of the input's shape are class probabilities; any
       * other float target reaches nll_loss's check */
      if (!call->class_targets && !same_shape (call))
        {
          g_set_error_literal (error, NNB_ERROR, NNB_ERROR_SHAPE,
                               "0D or 1D target tensor expected, multi-target not supported");
          return FALSE;
        }
      if (call->label_smoothing < 0 || call->label_smoothing > 1)
        {
          g_set_error (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT,
                       "label_smoothing must be between 0.0 and 1.0. Got: %g", call->label_smoothing);
          return FALSE;
        }
      if (!cross_entropy (call, value, error))
        return FALSE;
      break;

    case NNB_LOSS_NLL:
      if (!call->class_targets)
        {
          g_set_error_literal (error, NNB_ERROR, NNB_ERROR_SHAPE,
                               "0D or 1D target tensor expected, multi-target not supported");
          return FALSE;
        }
      if (!nll_loss (call, value, error))
        return FALSE;
      break;

    case NNB_LOSS_BCE_WITH_LOGITS:
      if (!same_shape (call))
        {
          g_set_error (error, NNB_ERROR, NNB_ERROR_SHAPE, "Target size (%s) must be the same as input size (%s)", ts,
                       is);
          return FALSE;
        }
      bce_with_logits (call, value);
      break;

    case NNB_LOSS_BCE:
      if (!same_shape (call))
        {
          g_set_error (error, NNB_ERROR, NNB_ERROR_SHAPE,
                       "Using a target size (%s) that is different to the input size (%s) is deprecated. "
                       "Please ensure they have the same size.",
                       ts, is);
          return FALSE;
        }
      if (!bce (call, value, error))
        return FALSE;
      break;

    case NNB_LOSS_MSE:
    case NNB_LOSS_L1:
    default:
      g_return_val_if_reached (FALSE);
    }
  /* the right predictions are the confusion matrix's diagonal: one count */
  rule = nnb_predict_rule (call->kind, class_data, call->class_targets, call->c);
  if (rule != NNB_PREDICT_NONE)
    *correct = nnb_confusion_count (call->confusion, rule, call->pred, call->n, call->c, call->target);
  return TRUE;
}
