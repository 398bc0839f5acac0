/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-data-check.c — the model against its data before a run: shape
 * inference from the first batch's real shape, so that a model built for
 * three features beside one-feature data is refused with the message
 * PyTorch gives at `model(X)`, before any step, rather than mid-run. */
#include "nnb-data-check.h"

#include <string.h>
#include "nnb-error.h"

int64_t
nnb_data_check_first_rows (const NnbDataset *data, const NnbTrainingOptions *options)
{
  int64_t n;

  g_return_val_if_fail (data != NULL && data->x != NULL, 0);
  n = data->x->shape[0];
  /* nnb_training_new's rule: a batch as large as the data is the full batch */
  if (options != NULL && options->batch_size > 0 && options->batch_size < n)
    return options->batch_size;
  return n;
}

/* The loss: F.mse_loss and F.l1_loss warn when the shapes differ, then
 * broadcast the output (tensor a) against the target (tensor b). */
static gboolean
check_target (const NnbNodeShape *out, const NnbNodeShape *y, const NnbTrainingOptions *options,
              char **warning, GError **error)
{
  int ndim = MAX (out->ndim, y->ndim);
  g_autofree char *ts = NULL, *ps = NULL, *text = NULL;

  if (out->ndim == y->ndim && memcmp (out->shape, y->shape, out->ndim * sizeof (int64_t)) == 0)
    return TRUE;
  ts = nnb_shape_torch_size (y->ndim, y->shape);
  ps = nnb_shape_torch_size (out->ndim, out->shape);
  text = g_strdup_printf ("Using a target size (%s) that is different to the input size (%s). "
                          "This will likely lead to incorrect results due to broadcasting. "
                          "Please ensure they have the same size.",
                          ts, ps);
  for (int i = 0; i < ndim; i++)
    {
      int ia = out->ndim - 1 - i, ib = y->ndim - 1 - i;
      int64_t da = ia >= 0 ? out->shape[ia] : 1, db = ib >= 0 ? y->shape[ib] : 1;
      if (da != db && da != 1 && db != 1)
        {
          g_set_error (error, NNB_ERROR, NNB_ERROR_SHAPE,
                       "The size of tensor a (%" G_GINT64_FORMAT ") must match the size of tensor b (%" G_GINT64_FORMAT ") at non-singleton dimension %d",
                       da, db, ndim - 1 - i);
          return FALSE;
        }
    }
  /* the engine broadcasts a loss on the CPU only (nnb-loss.c) */
  if (options != NULL && options->device.type != NNB_DEVICE_CPU)
    {
      g_set_error_literal (error, NNB_ERROR, NNB_ERROR_SHAPE, text);
      return FALSE;
    }
  if (warning != NULL)
    *warning = g_steal_pointer (&text);
  return TRUE;
}

gboolean
nnb_model_check_data (NnbModel *model, const NnbDataset *data, const NnbTrainingOptions *options,
                      char **warning, GError **error)
{
  NnbNodeShape *shapes = NULL;
  int64_t input[NNB_MAX_DIMS];
  const NnbNodeShape *out = NULL;
  gboolean ok;

  g_return_val_if_fail (model != NULL && data != NULL && data->x != NULL && data->y != NULL, FALSE);
  if (warning != NULL)
    *warning = NULL;
  if (!nnb_model_validate (model, error))
    return FALSE;

  /* the first batch: X[idx] keeps every dimension but the rows */
  memcpy (input, data->x->shape, data->x->ndim * sizeof (int64_t));
  input[0] = nnb_data_check_first_rows (data, options);
  ok = nnb_model_infer_shapes (model, data->x->ndim, input, &shapes, error);
  for (guint i = 0; ok && i < model->nodes->len; i++)
    if (((NnbNode *) model->nodes->pdata[i])->kind == NNB_NODE_OUTPUT)
      out = &shapes[i];
  /* the classification losses check their targets themselves, with
   * PyTorch's messages, at the first step (nnb-loss-classes.c) */
  if (ok && out != NULL && out->ndim > 0 && (options == NULL || !nnb_loss_kind_is_classification (options->loss)))
    {
      /* the target rows of the same batch; class indices are PyTorch's
       * LongTensor (n,) unless given as floats */
      NnbNodeShape target = { .ndim = data->n_classes > 0 && !data->float_targets ? 1 : data->y->ndim };

      memcpy (target.shape, data->y->shape, target.ndim * sizeof (int64_t));
      target.shape[0] = input[0];
      ok = check_target (out, &target, options, warning, error);
    }
  nnb_node_shapes_free (shapes, model->nodes->len);
  return ok;
}
