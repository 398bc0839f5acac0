/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-loss.c — the loss functions: nn.MSELoss and nn.L1Loss on the
 * device's own code when the shapes match, PyTorch's broadcast and its
 * warning (CPU only) when not; the classification losses on the host
 * (nnb-loss-classes.c), with the data's class indices as the targets. */
#include "nnb-loss.h"

#include <math.h>
#include <string.h>
#include "nnb-error.h"
#include "nnb-loss-classes.h"

struct _NnbLoss
{
  NnbLossKind kind;
  NnbTensor *grad;  /* dL/dpred, reused while pred keeps its shape */
  NnbTensor *spare; /* the previous grad, of another shape: mini-batch
                          * training alternates full batches with a smaller
                          * last one, and keeping both allocates nothing */
  char *warning;
  /* the data's targets: n_classes > 0 for class indices (PyTorch's
   * LongTensor (n,)), given as y.float ().unsqueeze (1) with float_targets */
  int64_t n_classes;
  gboolean float_targets;
  double label_smoothing;
  int64_t correct;         /* of the last forward, −1 without a rule */
  NnbConfusion *confusion; /* of the last forward; NULL without classes, or too many */
  GArray *host;            /* floats: scratch, and a device's tensors read to the host */
};

NnbLoss *
nnb_loss_new (NnbLossKind kind)
{
  NnbLoss *loss = g_new0 (NnbLoss, 1);
  loss->kind = kind;
  loss->correct = -1;
  loss->host = g_array_new (FALSE, FALSE, sizeof (float));
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
  nnb_confusion_free (loss->confusion);
  g_array_unref (loss->host);
  g_free (loss);
}

static const struct
{
  NnbLossKind kind;
  const char *name, *alias;
} loss_names[] = {
  { NNB_LOSS_MSE, "MSELoss", "mse" },
  { NNB_LOSS_L1, "L1Loss", "l1" },
  { NNB_LOSS_CROSS_ENTROPY, "CrossEntropyLoss", "cross-entropy" },
  { NNB_LOSS_NLL, "NLLLoss", "nll" },
  { NNB_LOSS_BCE_WITH_LOGITS, "BCEWithLogitsLoss", "bce-with-logits" },
  { NNB_LOSS_BCE, "BCELoss", "bce" },
};

const char *
nnb_loss_kind_to_string (NnbLossKind kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (loss_names); i++)
    if (loss_names[i].kind == kind)
      return loss_names[i].name;
  g_return_val_if_reached ("MSELoss");
}

gboolean
nnb_loss_kind_from_string (const char *text, NnbLossKind *out)
{
  for (guint i = 0; i < G_N_ELEMENTS (loss_names); i++)
    if (g_strcmp0 (text, loss_names[i].name) == 0 || g_strcmp0 (text, loss_names[i].alias) == 0)
      {
        *out = loss_names[i].kind;
        return TRUE;
      }
  return FALSE;
}

gboolean
nnb_loss_kind_is_classification (NnbLossKind kind)
{
  return kind != NNB_LOSS_MSE && kind != NNB_LOSS_L1;
}

void
nnb_loss_set_targets (NnbLoss *loss, int64_t n_classes, gboolean float_targets)
{
  g_return_if_fail (loss != NULL && n_classes >= 0);

  loss->n_classes = n_classes;
  loss->float_targets = n_classes > 0 && float_targets;
  g_clear_pointer (&loss->confusion, nnb_confusion_free);
  /* two at least: the binary losses' one output still predicts 0 or 1 */
  if (n_classes > 0 && n_classes <= NNB_CONFUSION_MAX_CLASSES)
    loss->confusion = nnb_confusion_new ((int) MAX (n_classes, 2));
}

void
nnb_loss_set_label_smoothing (NnbLoss *loss, double label_smoothing)
{
  g_return_if_fail (loss != NULL);

  loss->label_smoothing = label_smoothing;
}

int64_t
nnb_loss_get_correct (NnbLoss *loss)
{
  return loss->correct;
}

const NnbConfusion *
nnb_loss_get_confusion (NnbLoss *loss)
{
  return loss->correct >= 0 ? loss->confusion : NULL;
}

/* torch.Size([100, 1]) */
static char *
torch_size (const NnbTensor *t)
{
  return nnb_shape_torch_size (t->ndim, t->shape);
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

/* The floats of a tensor on the host: its own on the CPU, else a copy
 * in loss->host from offset on. */
static float *
host_floats (NnbLoss *loss, const NnbTensor *tensor, gsize offset)
{
  if (tensor->device.type == NNB_DEVICE_CPU)
    return tensor->data;
  nnb_tensor_read (tensor, &g_array_index (loss->host, float, offset));
  return &g_array_index (loss->host, float, offset);
}

/* The classification losses (nnb-loss-classes.c) on host memory; a
 * device's prediction comes over and its gradient goes back. */
static gboolean
class_forward (NnbLoss *loss, NnbTensor *pred, NnbTensor *target, double *value, GError **error)
{
  NnbClassLossCall call = { 0 };
  gboolean on_cpu = pred->device.type == NNB_DEVICE_CPU;
  gsize scratch;

  if (pred->ndim != 2)
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_SHAPE,
                   "%s takes the model's output as (batch, classes), not a tensor of %d dimensions.",
                   nnb_loss_kind_to_string (loss->kind), pred->ndim);
      return FALSE;
    }
  call.kind = loss->kind;
  call.n = pred->shape[0];
  call.c = pred->shape[1];
  call.class_targets = loss->n_classes > 0 && !loss->float_targets;
  call.target_rows = target->shape[0];
  call.target_cols = target->ndim > 1 ? target->shape[1] : 1;
  call.label_smoothing = loss->label_smoothing;
  call.confusion = loss->confusion;
  if (loss->confusion != NULL)
    nnb_confusion_clear (loss->confusion);
  /* scratch, then (on a device) pred, target and grad */
  scratch = nnb_class_loss_scratch_size (call.n, call.c);
  g_array_set_size (loss->host, scratch + (on_cpu ? 0 : 2 * pred->numel + target->numel));
  call.scratch = &g_array_index (loss->host, float, 0);
  call.pred = host_floats (loss, pred, scratch);
  call.target = host_floats (loss, target, scratch + pred->numel);
  call.grad = on_cpu ? loss->grad->data : &g_array_index (loss->host, float, scratch + pred->numel + target->numel);
  if (!nnb_class_loss (&call, loss->n_classes > 0, value, &loss->correct, error))
    return FALSE;
  if (!on_cpu)
    nnb_tensor_write (loss->grad, call.grad);
  return TRUE;
}

/* MSELoss or L1Loss on class indices: PyTorch broadcasts the (n,) target
 * against the (n, k) prediction with its warning; MSELoss's backward then
 * refuses the LongTensor, L1Loss trains on the broadcast. */
static gboolean
long_target_loss (NnbLoss *loss, NnbTensor *pred, const NnbTensor *target, double *value, GError **error)
{
  g_autofree char *ts = torch_size (target);
  g_autofree char *ps = torch_size (pred);

  loss->warning = g_strdup_printf ("Using a target size (%s) that is different to the input size (%s). "
                                   "This will likely lead to incorrect results due to broadcasting. "
                                   "Please ensure they have the same size.",
                                   ts, ps);
  if (loss->kind == NNB_LOSS_MSE)
    {
      g_set_error_literal (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT, "Found dtype Long but expected Float");
      return FALSE;
    }
  if (pred->device.type != NNB_DEVICE_CPU)
    {
      g_set_error_literal (error, NNB_ERROR, NNB_ERROR_SHAPE, loss->warning);
      return FALSE;
    }
  return broadcast_loss (loss->kind, pred, target, value, loss->grad->data, error);
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
  loss->correct = -1;
  if (nnb_loss_kind_is_classification (loss->kind))
    return class_forward (loss, pred, target, value, error);
  if (loss->n_classes > 0 && !loss->float_targets)
    {
      /* class indices, PyTorch's LongTensor (n,): broadcast against the
       * (n, k) prediction as PyTorch does, with its warning */
      NnbTensor flat = *target;

      flat.ndim = 1;
      flat.shape[0] = target->numel;
      return long_target_loss (loss, pred, &flat, value, error);
    }
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
