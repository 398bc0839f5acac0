/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "nnb-tensor.h"

#include <string.h>
#include "nnb-backend.h"
#include "nnb-error.h"
#include "nnb-tensor-private.h"

/* Checks sizes (positive, product fits) and returns the element count in *numel. */
static gboolean
shape_check (int ndim, const int64_t *shape, int64_t *numel, GError **error)
{
  int64_t total = 1;

  if (ndim < 1 || ndim > NNB_MAX_DIMS)
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT,
                   "A tensor has 1 to %d dimensions, not %d.", NNB_MAX_DIMS, ndim);
      return FALSE;
    }
  for (int i = 0; i < ndim; i++)
    {
      if (shape[i] <= 0)
        {
          g_autofree char *text = nnb_shape_to_string (ndim, shape);
          g_set_error (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT,
                       "Every size of a tensor must be a positive whole number, but the shape %s has %" G_GINT64_FORMAT ".",
                       text, shape[i]);
          return FALSE;
        }
      if (total > NNB_MAX_ELEMENTS / shape[i])
        {
          g_autofree char *text = nnb_shape_to_string (ndim, shape);
          g_set_error (error, NNB_ERROR, NNB_ERROR_OUT_OF_MEMORY,
                       "A tensor of shape %s is too large for memory (more than %" G_GINT64_FORMAT " numbers). Use smaller sizes.",
                       text, (int64_t) NNB_MAX_ELEMENTS);
          return FALSE;
        }
      total *= shape[i];
    }
  if (numel)
    *numel = total;
  return TRUE;
}

NnbTensor *
nnb_tensor_new (int ndim, const int64_t *shape, NnbDevice device, GError **error)
{
  const NnbBackend *backend;
  int64_t numel;
  NnbTensor *tensor;
  void *data;

  if (!shape_check (ndim, shape, &numel, error))
    return NULL;
  backend = nnb_backend_get (device, error);
  if (backend == NULL)
    return NULL;
  data = backend->alloc ((gsize) numel * sizeof (float), error);
  if (data == NULL)
    return NULL;
  backend->fill (data, numel, 0.0f);

  tensor = g_new0 (NnbTensor, 1);
  tensor->ndim = ndim;
  memcpy (tensor->shape, shape, ndim * sizeof (int64_t));
  tensor->numel = numel;
  tensor->device = device;
  tensor->data = data;
  tensor->ref_count = 1;
  return tensor;
}

NnbTensor *
nnb_tensor_new_cpu (int ndim, const int64_t *shape)
{
  g_autoptr (GError) error = NULL;
  NnbTensor *tensor = nnb_tensor_new (ndim, shape, nnb_device_cpu (), &error);

  if (tensor == NULL)
    g_error ("nnb_tensor_new_cpu: %s", error->message);
  return tensor;
}

NnbTensor *
nnb_tensor_new_2d (int64_t rows, int64_t cols)
{
  int64_t shape[2] = { rows, cols };
  return nnb_tensor_new_cpu (2, shape);
}

NnbTensor *
nnb_tensor_new_1d (int64_t n)
{
  return nnb_tensor_new_cpu (1, &n);
}

NnbTensor *
nnb_tensor_new_from_data (int ndim, const int64_t *shape, const float *values)
{
  NnbTensor *tensor = nnb_tensor_new_cpu (ndim, shape);
  memcpy (tensor->data, values, tensor->numel * sizeof (float));
  return tensor;
}

NnbTensor *
nnb_tensor_ref (NnbTensor *tensor)
{
  g_return_val_if_fail (tensor != NULL, NULL);
  g_atomic_int_inc (&tensor->ref_count);
  return tensor;
}

void
nnb_tensor_unref (NnbTensor *tensor)
{
  if (tensor == NULL)
    return;
  if (g_atomic_int_dec_and_test (&tensor->ref_count))
    {
      const NnbBackend *backend = nnb_backend_get (tensor->device, NULL);
      if (backend)
        backend->free (tensor->data);
      g_free (tensor);
    }
}

NnbTensor *
nnb_tensor_to (const NnbTensor *tensor, NnbDevice device, GError **error)
{
  NnbTensor *copy = nnb_tensor_new (tensor->ndim, tensor->shape, device, error);
  const NnbBackend *src_backend, *dst_backend;

  if (copy == NULL)
    return NULL;
  src_backend = nnb_backend_get (tensor->device, NULL);
  dst_backend = nnb_backend_get (device, NULL);
  if (nnb_device_equal (tensor->device, device))
    src_backend->copy (copy->data, tensor->data, tensor->numel);
  else if (tensor->device.type == NNB_DEVICE_CPU)
    dst_backend->upload (copy->data, tensor->data, tensor->numel);
  else if (device.type == NNB_DEVICE_CPU)
    src_backend->download (copy->data, tensor->data, tensor->numel);
  else
    {
      /* GPU to another GPU: through the host */
      g_autofree float *host = g_try_new (float, tensor->numel);
      if (host == NULL)
        {
          g_set_error (error, NNB_ERROR, NNB_ERROR_OUT_OF_MEMORY,
                       "DefaultCPUAllocator: can't allocate memory: you tried to allocate %" G_GSIZE_FORMAT " bytes.",
                       (gsize) tensor->numel * sizeof (float));
          nnb_tensor_unref (copy);
          return NULL;
        }
      src_backend->download (host, tensor->data, tensor->numel);
      dst_backend->upload (copy->data, host, tensor->numel);
    }
  return copy;
}

NnbTensor *
nnb_tensor_copy (const NnbTensor *tensor, GError **error)
{
  return nnb_tensor_to (tensor, tensor->device, error);
}

void
nnb_tensor_read (const NnbTensor *tensor, float *host_dst)
{
  nnb_backend_get (tensor->device, NULL)->download (host_dst, tensor->data, tensor->numel);
}

void
nnb_tensor_write (NnbTensor *tensor, const float *host_src)
{
  nnb_backend_get (tensor->device, NULL)->upload (tensor->data, host_src, tensor->numel);
}

void
nnb_tensor_fill (NnbTensor *tensor, float value)
{
  nnb_backend_get (tensor->device, NULL)->fill (tensor->data, tensor->numel, value);
}

gboolean
nnb_tensor_same_shape (const NnbTensor *a, const NnbTensor *b)
{
  return a->ndim == b->ndim && memcmp (a->shape, b->shape, a->ndim * sizeof (int64_t)) == 0;
}

int64_t
nnb_tensor_rows (const NnbTensor *tensor)
{
  return tensor->numel / tensor->shape[tensor->ndim - 1];
}

int64_t
nnb_tensor_cols (const NnbTensor *tensor)
{
  return tensor->shape[tensor->ndim - 1];
}

char *
nnb_shape_torch_size (int ndim, const int64_t *shape)
{
  GString *text = g_string_new ("torch.Size([");

  for (int i = 0; i < ndim; i++)
    g_string_append_printf (text, "%s%" G_GINT64_FORMAT, i ? ", " : "", shape[i]);
  g_string_append (text, "])");
  return g_string_free (text, FALSE);
}

char *
nnb_shape_to_string (int ndim, const int64_t *shape)
{
  GString *text = g_string_new ("(");

  for (int i = 0; i < ndim; i++)
    {
      if (i > 0)
        g_string_append (text, ", ");
      if (shape[i] == NNB_DIM_BATCH)
        g_string_append_c (text, 'B');
      else
        g_string_append_printf (text, "%" G_GINT64_FORMAT, shape[i]);
    }
  /* Python writes a one-element tuple as (16,) */
  g_string_append (text, ndim == 1 ? ",)" : ")");
  return g_string_free (text, FALSE);
}

char *
nnb_tensor_shape_string (const NnbTensor *tensor)
{
  return nnb_shape_to_string (tensor->ndim, tensor->shape);
}
