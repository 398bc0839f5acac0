/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-class-probabilities.c — a classifier's class probabilities, and the
 * input plane they are pictured over (see the header). */
#include "nnb-class-probabilities.h"
#include "nnb-error.h"
#include "nnb-softmax.h"

#include <math.h>
#include <string.h>

int
nnb_class_count (NnbLossKind loss, int64_t outputs)
{
  switch (loss)
    {
    case NNB_LOSS_CROSS_ENTROPY:
    case NNB_LOSS_NLL:
      return outputs >= 2 && outputs <= G_MAXINT ? (int) outputs : 0;
    case NNB_LOSS_BCE_WITH_LOGITS:
    case NNB_LOSS_BCE:
      return outputs == 1 ? 2 : 0;
    case NNB_LOSS_MSE:
    case NNB_LOSS_L1:
      break;
    }
  return 0;
}

gboolean
nnb_class_probabilities_from_outputs (NnbLossKind loss, const float *outputs, int64_t n, int64_t k, float *probs)
{
  int c = nnb_class_count (loss, k);

  g_return_val_if_fail (n >= 0 && (n == 0 || (outputs != NULL && probs != NULL)), FALSE);

  if (c == 0)
    return FALSE;
  switch (loss)
    {
    case NNB_LOSS_CROSS_ENTROPY:
      for (int64_t i = 0; i < n; i++)
        nnb_softmax_row (outputs + i * k, probs + i * k, (gsize) k);
      break;
    case NNB_LOSS_NLL:
      for (int64_t i = 0; i < n * k; i++)
        probs[i] = nnb_torch_expf (outputs[i]);
      break;
    default:
      /* one output a row, two probabilities: backwards, so that probs may
       * be outputs */
      for (int64_t i = n - 1; i >= 0; i--)
        {
          float x = outputs[i];
          float p = loss == NNB_LOSS_BCE ? x : 1.0f / (1.0f + nnb_torch_expf (-x));

          probs[2 * i + 1] = p;
          probs[2 * i] = 1.0f - p;
        }
      break;
    }
  return TRUE;
}

float *
nnb_model_class_probabilities (NnbModel *model, NnbLossKind loss, NnbTensor *x, int *n_classes, GError **error)
{
  NnbTensor *out;
  int64_t n, k;
  float *probs;
  int c;

  g_return_val_if_fail (model != NULL && x != NULL && n_classes != NULL, NULL);

  out = nnb_model_forward (model, x, error);
  if (out == NULL)
    return NULL;
  n = x->shape[0];
  k = out->ndim == 2 && out->shape[0] == n ? out->shape[1] : out->numel == n ? 1
                                                                             : 0;
  c = nnb_class_count (loss, k);
  if (c == 0)
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_SHAPE,
                   "%s reads no class probabilities from outputs of this shape: give the model one output a "
                   "class (one output for the binary losses)",
                   nnb_loss_kind_to_string (loss));
      return NULL;
    }
  /* room for the wider of the outputs and the probabilities: read in
   * place, then widened in place */
  probs = g_new (float, (gsize) n *MAX (c, k));
  nnb_tensor_read (out, probs);
  nnb_class_probabilities_from_outputs (loss, probs, n, k, probs);
  *n_classes = c;
  return probs;
}

gboolean
nnb_class_boundary_extent (const NnbDataset *data, double extent[4])
{
  const NnbTensor *sets[2] = { data->x, data->x_test };
  double box[4] = { INFINITY, -INFINITY, INFINITY, -INFINITY };

  g_return_val_if_fail (data != NULL && extent != NULL, FALSE);

  for (int s = 0; s < 2; s++)
    {
      const NnbTensor *x = sets[s];

      if (x == NULL || x->ndim != 2 || x->shape[1] != 2)
        continue;
      for (int64_t i = 0; i < x->shape[0]; i++)
        {
          float a = x->data[2 * i], b = x->data[2 * i + 1];

          if (!isfinite (a) || !isfinite (b))
            continue;
          box[0] = MIN (box[0], a), box[1] = MAX (box[1], a);
          box[2] = MIN (box[2], b), box[3] = MAX (box[3], b);
        }
    }
  if (!isfinite (box[0]))
    return FALSE;
  for (int axis = 0; axis < 2; axis++)
    {
      double span = box[2 * axis + 1] - box[2 * axis];
      double pad = span > 0 ? span / 20 : MAX (fabs (box[2 * axis]) * 0.5, 1.0);

      extent[2 * axis] = box[2 * axis] - pad;
      extent[2 * axis + 1] = box[2 * axis + 1] + pad;
    }
  return TRUE;
}
