/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-confusion.c — predicted classes and the confusion matrix (rows: true
 * class, columns: predicted class); see the header. */
#include "nnb-confusion.h"

#include "nnb-backend-cpu-simd.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

NnbPredictRule
nnb_predict_rule (NnbLossKind kind, gboolean class_data, gboolean class_targets, int64_t c)
{
  switch (kind)
    {
    case NNB_LOSS_CROSS_ENTROPY:
    case NNB_LOSS_NLL:
      /* float targets are class probabilities: nothing to be right about */
      return class_targets ? NNB_PREDICT_ARGMAX : NNB_PREDICT_NONE;
    case NNB_LOSS_BCE_WITH_LOGITS:
      return class_data && c == 1 ? NNB_PREDICT_LOGIT : NNB_PREDICT_NONE;
    case NNB_LOSS_BCE:
      return class_data && c == 1 ? NNB_PREDICT_PROBABILITY : NNB_PREDICT_NONE;
    case NNB_LOSS_MSE:
    case NNB_LOSS_L1:
    default:
      return NNB_PREDICT_NONE;
    }
}

/* torch.argmax of a row: the first largest, a NaN counting as largest
 * (tests/reference/make_confusion_golden.py holds the ties and NaNs) */
static inline int64_t
argmax (const float *row, int64_t c)
{
  int64_t best = 0;

  for (int64_t j = 1; j < c; j++)
    if (!isnan (row[best]) && (isnan (row[j]) || row[j] > row[best]))
      best = j;
  return best;
}

int64_t
nnb_predict_class (NnbPredictRule rule, const float *row, int64_t c)
{
  switch (rule)
    {
    case NNB_PREDICT_ARGMAX:
      return argmax (row, c);
    case NNB_PREDICT_LOGIT:
      /* (y_hat > 0): −0 and a NaN are not above */
      return row[0] > 0.0f ? 1 : 0;
    case NNB_PREDICT_PROBABILITY:
      return row[0] > 0.5f ? 1 : 0;
    case NNB_PREDICT_NONE:
    default:
      return -1;
    }
}

NnbConfusion *
nnb_confusion_new (int k)
{
  NnbConfusion *m;

  g_return_val_if_fail (k >= 1 && k <= NNB_CONFUSION_MAX_CLASSES, NULL);

  m = g_new0 (NnbConfusion, 1);
  m->k = k;
  m->counts = g_new0 (int64_t, (gsize) k * k);
  return m;
}

NnbConfusion *
nnb_confusion_copy (const NnbConfusion *m)
{
  NnbConfusion *copy;

  g_return_val_if_fail (m != NULL, NULL);

  copy = g_new0 (NnbConfusion, 1);
  copy->k = m->k;
  copy->counts = g_memdup2 (m->counts, sizeof (int64_t) * m->k * m->k);
  return copy;
}

void
nnb_confusion_free (NnbConfusion *m)
{
  if (m == NULL)
    return;
  g_free (m->counts);
  g_free (m);
}

void
nnb_confusion_clear (NnbConfusion *m)
{
  g_return_if_fail (m != NULL);

  memset (m->counts, 0, sizeof (int64_t) * m->k * m->k);
}

void
nnb_confusion_add (NnbConfusion *m, const NnbConfusion *other)
{
  g_return_if_fail (m != NULL && other != NULL && m->k == other->k);

  for (int i = 0; i < m->k * m->k; i++)
    m->counts[i] += other->counts[i];
}

/* One row into m; whether it was right. Inlined into a loop per rule with
 * the rule's test in place: the trainer counts every epoch's rows. */
static inline __attribute__ ((always_inline)) gboolean
count_row (NnbConfusion *m, int64_t p, float t)
{
  /* true classes are whole floats in [0, k): the check in this order
   * skips a NaN before it is converted */
  if (m != NULL && t >= 0 && t < m->k && p < m->k)
    {
      int64_t ti = (int64_t) t;

      if ((float) ti == t)
        m->counts[ti * m->k + p]++;
    }
  /* as a float, as (pred == y) compares a LongTensor with y's floats */
  return (float) p == t;
}

/* Two outputs, two classes (the toy data sets): the four cells in
 * registers and no branch on the prediction, which is random while the
 * model is untrained; the same counts as count_row's */
static int64_t
count_two_classes (NnbConfusion *m, const float *pred, int64_t n, const float *target)
{
  int64_t cells[2][2] = { { 0, 0 }, { 0, 0 } };

  if (nnb_simd_available ())
    {
      int64_t flat[4] = { 0, 0, 0, 0 };

      nnb_simd_count_two_classes (pred, n, target, flat);
      for (int i = 0; i < 4; i++)
        m->counts[i] += flat[i];
      return flat[0] + flat[3];
    }
  for (int64_t i = 0; i < n; i++)
    {
      const float r0 = pred[2 * i], r1 = pred[2 * i + 1], t = target[i];
      /* argmax (): class 1 when row 0 is a number and row 1 a NaN or larger */
      const int p = (r0 == r0) & ((r1 != r1) | (r1 > r0));
      const int t0 = t == 0.0f, t1 = t == 1.0f;

      cells[0][0] += t0 & !p;
      cells[0][1] += t0 & p;
      cells[1][0] += t1 & !p;
      cells[1][1] += t1 & p;
    }
  for (int i = 0; i < 4; i++)
    m->counts[i] += cells[i / 2][i % 2];
  /* a row is right when its target is its predicted class: the diagonal */
  return cells[0][0] + cells[1][1];
}

int64_t
nnb_confusion_count (NnbConfusion *m, NnbPredictRule rule, const float *pred, int64_t n, int64_t c,
                     const float *target)
{
  int64_t correct = 0;

  g_return_val_if_fail (rule != NNB_PREDICT_NONE, 0);

  switch (rule)
    {
    case NNB_PREDICT_ARGMAX:
      if (c == 2 && m != NULL && m->k == 2)
        correct += count_two_classes (m, pred, n, target);
      else if (c == 2)
        for (int64_t i = 0; i < n; i++)
          correct += count_row (m, argmax (pred + i * 2, 2), target[i]);
      else
        for (int64_t i = 0; i < n; i++)
          correct += count_row (m, argmax (pred + i * c, c), target[i]);
      break;
    case NNB_PREDICT_LOGIT:
    case NNB_PREDICT_PROBABILITY:
    default:
      for (int64_t i = 0; i < n; i++)
        correct += count_row (m, nnb_predict_class (rule, pred + i * c, c), target[i]);
      break;
    }
  return correct;
}

int64_t
nnb_confusion_get (const NnbConfusion *m, int true_class, int predicted)
{
  g_return_val_if_fail (m != NULL, 0);
  g_return_val_if_fail (true_class >= 0 && true_class < m->k && predicted >= 0 && predicted < m->k, 0);

  return m->counts[true_class * m->k + predicted];
}

int64_t
nnb_confusion_correct (const NnbConfusion *m)
{
  int64_t sum = 0;

  g_return_val_if_fail (m != NULL, 0);

  for (int i = 0; i < m->k; i++)
    sum += m->counts[i * m->k + i];
  return sum;
}

int64_t
nnb_confusion_total (const NnbConfusion *m)
{
  int64_t sum = 0;

  g_return_val_if_fail (m != NULL, 0);

  for (int i = 0; i < m->k * m->k; i++)
    sum += m->counts[i];
  return sum;
}

char *
nnb_confusion_format (const NnbConfusion *m, const char *title)
{
  GString *out;
  int width = 3;

  g_return_val_if_fail (m != NULL && title != NULL, NULL);

  /* the widest number, a count or a class: every column as wide */
  for (int i = 0; i < m->k * m->k; i++)
    width = MAX (width, snprintf (NULL, 0, "%" G_GINT64_FORMAT, m->counts[i]));
  width = MAX (width, snprintf (NULL, 0, "%d", m->k - 1));
  out = g_string_new (title);
  g_string_append (out, " (rows: true class, columns: predicted class)\n      predicted\ntrue");
  for (int p = 0; p < m->k; p++)
    g_string_append_printf (out, "  %*d", width, p);
  g_string_append_c (out, '\n');
  for (int t = 0; t < m->k; t++)
    {
      g_string_append_printf (out, "%4d", t);
      for (int p = 0; p < m->k; p++)
        g_string_append_printf (out, "  %*" G_GINT64_FORMAT, width, m->counts[t * m->k + p]);
      g_string_append_c (out, '\n');
    }
  return g_string_free (out, FALSE);
}
