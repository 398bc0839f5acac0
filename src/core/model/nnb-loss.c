/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-loss.c — nn.MSELoss and nn.L1Loss: the device's own loss when the
 * shapes match, PyTorch's broadcast and its warning (CPU only) when not. */
#include "nnb-loss.h"

#include <math.h>
#include <string.h>
#include "nnb-error.h"

struct _NnbLoss
{
  NnbLossKind kind;
  NnbTensor *grad;  /* dL/dpred, reused while pred keeps its shape */
  NnbTensor *spare; /* the previous grad, of another shape: mini-batch
                          * training alternates full batches with a smaller
                          * last one, and keeping both allocates nothing */
  char *warning;
};

NnbLoss *
nnb_loss_new (NnbLossKind kind)
{
  NnbLoss *loss = g_new0 (NnbLoss, 1);
  loss->kind = kind;
  return loss;
}

void
nnb_loss_free (NnbLoss *loss)
{
  if (loss == NULL)
    return;
  nnb_tensor_unref (loss->grad);
  nnb_tensor_unref (loss->spare);
  g_free (loss->warning);
  g_free (loss);
}

const char *
nnb_loss_kind_to_string (NnbLossKind kind)
{
  return kind == NNB_LOSS_MSE ? "MSELoss" : "L1Loss";
}

gboolean
nnb_loss_kind_from_string (const char *text, NnbLossKind *out)
{
  if (g_strcmp0 (text, "MSELoss") == 0 || g_strcmp0 (text, "mse") == 0)
    *out = NNB_LOSS_MSE;
  else if (g_strcmp0 (text, "L1Loss") == 0 || g_strcmp0 (text, "l1") == 0)
    *out = NNB_LOSS_L1;
  else
    return FALSE;
  return TRUE;
}

/* torch.Size([100, 1]) */
static char *
torch_size (const NnbTensor *t)
{
  GString *text = g_string_new ("torch.Size([");
  for (int i = 0; i < t->ndim; i++)
    g_string_append_printf (text, "%s%" G_GINT64_FORMAT, i ? ", " : "", t->shape[i]);
  g_string_append (text, "])");
  return g_string_free (text, FALSE);
}

/* Broadcasts pred against target as PyTorch does (right-aligned, size-1
 * dimensions stretch), computes the mean loss over the broadcast shape and
 * sums each element's gradient back onto pred. Host memory only. */
static gboolean
broadcast_loss (NnbLossKind kind, const NnbTensor *pred, const NnbTensor *target,
                double *value, float *grad, GError **error)
{
  int ndim = MAX (pred->ndim, target->ndim);
  int64_t shape[NNB_MAX_DIMS], ps[NNB_MAX_DIMS], ts[NNB_MAX_DIMS];
  int64_t total = 1;
  double sum = 0.0;

  for (int i = 0; i < ndim; i++)
    {
      int ip = pred->ndim - ndim + i, it = target->ndim - ndim + i;
      ps[i] = ip >= 0 ? pred->shape[ip] : 1;
      ts[i] = it >= 0 ? target->shape[it] : 1;
      if (ps[i] != ts[i] && ps[i] != 1 && ts[i] != 1)
        {
          g_set_error (error, NNB_ERROR, NNB_ERROR_SHAPE,
                       "The size of tensor a (%" G_GINT64_FORMAT ") must match the size of tensor b (%" G_GINT64_FORMAT ") at non-singleton dimension %d",
                       ps[i], ts[i], i);
          return FALSE;
        }
      shape[i] = MAX (ps[i], ts[i]);
      if (total > NNB_MAX_ELEMENTS / shape[i])
        {
          g_set_error_literal (error, NNB_ERROR, NNB_ERROR_OUT_OF_MEMORY,
                               "Broadcasting the target against the prediction would need more memory than there is; make their shapes equal.");
          return FALSE;
        }
      total *= shape[i];
    }

  memset (grad, 0, pred->numel * sizeof (float));
  for (int64_t flat = 0; flat < total; flat++)
    {
      int64_t rest = flat, pi = 0, ti = 0, pstride = 1, tstride = 1;
      for (int i = ndim - 1; i >= 0; i--)
        {
          int64_t coord = rest % shape[i];
          rest /= shape[i];
          pi += (ps[i] == 1 ? 0 : coord) * pstride;
          ti += (ts[i] == 1 ? 0 : coord) * tstride;
          pstride *= ps[i];
          tstride *= ts[i];
        }
      float diff = pred->data[pi] - target->data[ti];
      if (kind == NNB_LOSS_MSE)
        {
          sum += diff * diff;
          grad[pi] += (float) (2.0 / total) * diff;
        }
      else
        {
          sum += fabsf (diff);
          grad[pi] += diff > 0 ? (float) (1.0 / total) : diff < 0 ? -(float) (1.0 / total)
                                                                  : 0.0f;
        }
    }
  *value = (double) (float) (sum / total);
  return TRUE;
}

gboolean
nnb_loss_forward (NnbLoss *loss, NnbTensor *pred, NnbTensor *target, double *value, GError **error)
{
  const NnbBackend *backend;
  char a[16], b[16];

  if (!nnb_device_equal (pred->device, target->device))
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_DEVICE,
                   "Expected all tensors to be on the same device, but found at least two devices, %s and %s!",
                   nnb_device_name (pred->device, a, sizeof a), nnb_device_name (target->device, b, sizeof b));
      return FALSE;
    }
  backend = nnb_backend_get (pred->device, error);
  if (backend == NULL)
    return FALSE;

  if (loss->grad == NULL || !nnb_tensor_same_shape (loss->grad, pred) ||
      !nnb_device_equal (loss->grad->device, pred->device))
    {
      NnbTensor *previous = loss->grad;

      if (loss->spare != NULL && nnb_tensor_same_shape (loss->spare, pred) &&
          nnb_device_equal (loss->spare->device, pred->device))
        loss->grad = loss->spare;
      else
        {
          nnb_tensor_unref (loss->spare);
          loss->grad = nnb_tensor_new (pred->ndim, pred->shape, pred->device, error);
          if (loss->grad == NULL)
            {
              loss->spare = NULL;
              loss->grad = previous;
              return FALSE;
            }
        }
      loss->spare = previous;
    }

  g_clear_pointer (&loss->warning, g_free);
  if (nnb_tensor_same_shape (pred, target))
    {
      *value = backend->loss (loss->kind, pred->data, target->data, pred->numel, loss->grad->data);
      return TRUE;
    }

  {
    g_autofree char *ts = torch_size (target);
    g_autofree char *ps = torch_size (pred);
    loss->warning = g_strdup_printf ("Using a target size (%s) that is different to the input size (%s). "
                                     "This will likely lead to incorrect results due to broadcasting. "
                                     "Please ensure they have the same size.",
                                     ts, ps);
  }
  if (pred->device.type != NNB_DEVICE_CPU)
    {
      g_set_error_literal (error, NNB_ERROR, NNB_ERROR_SHAPE, loss->warning);
      return FALSE;
    }
  return broadcast_loss (loss->kind, pred, target, value, loss->grad->data, error);
}

NnbTensor *
nnb_loss_grad (NnbLoss *loss)
{
  return loss->grad;
}

const char *
nnb_loss_get_warning (NnbLoss *loss)
{
  return loss->warning;
}
