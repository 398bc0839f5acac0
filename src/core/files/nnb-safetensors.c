/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-safetensors.c — reading safetensors: the header's entries checked
 * against the data, then the tensors.
 *
 * Layout (https://github.com/huggingface/safetensors): an unsigned 64-bit
 * little-endian header length N, N bytes of JSON
 *   {"fc1.weight": {"dtype": "F32", "shape": [16, 3], "data_offsets": [0, 192]},
 *    "__metadata__": {"format": "pt"}}
 * and then the data, with offsets counted from the start of the data.
 *
 * The header is read in nnb-safetensors-header.c, written in
 * nnb-safetensors-write.c; load_state_dict is in nnb-safetensors-state-dict.c. */

#include "nnb-safetensors.h"

#include <string.h>
#include "nnb-error.h"
#include "nnb-file-read.h"
#include "nnb-files-private.h"
#include "nnb-json-guard.h"
#include "nnb-safetensors-private.h"

/* ---------------------------------------------------------------------- */
/* Checking the entries against the data                                  */
/* ---------------------------------------------------------------------- */

static char *
shape_text (GArray *shape)
{
  GString *text = g_string_new ("[");
  for (guint i = 0; i < shape->len; i++)
    g_string_append_printf (text, "%s%" G_GUINT64_FORMAT, i ? ", " : "", g_array_index (shape, guint64, i));
  g_string_append_c (text, ']');
  return g_string_free (text, FALSE);
}

/* One entry on its own: fields present, F32, offsets that fit its shape
 * and lie inside the data. */
static gboolean
check_entry (const NnbSafetensorsEntry *info, guint64 data_len, GError **error)
{
  g_autofree char *shape = NULL;
  guint64 bytes = sizeof (float);

  if (info->dtype == NULL || info->shape == NULL || !info->has_offsets)
    {
      g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_PARSE,
                   "In the safetensors header, \"%s\" has no %s; every tensor needs dtype, shape and data_offsets.",
                   info->name, info->dtype == NULL ? "dtype" : info->shape == NULL ? "shape"
                                                                                   : "data_offsets");
      return FALSE;
    }
  /* int64 only as a scalar: BatchNorm1d's num_batches_tracked */
  if (strcmp (info->dtype, "I64") == 0 && info->shape->len == 0)
    bytes = sizeof (int64_t);
  else if (strcmp (info->dtype, "I64") == 0)
    {
      g_autofree char *text = shape_text (info->shape);
      g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_INVALID,
                   "The tensor \"%s\" has dtype I64 and shape %s, but NN Blocks reads int64 tensors only as "
                   "single numbers (shape []), such as a BatchNorm1d's num_batches_tracked.",
                   info->name, text);
      return FALSE;
    }
  else if (strcmp (info->dtype, "F32") != 0)
    {
      g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_INVALID,
                   "The tensor \"%s\" has dtype %s, but NN Blocks supports only float32 (F32) tensors. "
                   "Convert the weights in PyTorch with {k: v.float() for k, v in state_dict.items()} before saving.",
                   info->name, info->dtype);
      return FALSE;
    }
  shape = shape_text (info->shape);
  for (guint i = 0; i < info->shape->len; i++)
    if (!g_uint64_checked_mul (&bytes, bytes, g_array_index (info->shape, guint64, i)))
      {
        g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_INVALID,
                     "The tensor \"%s\" has shape %s: its size in bytes overflows 64 bits, so the file is damaged.",
                     info->name, shape);
        return FALSE;
      }
  if (info->end < info->begin)
    {
      g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_INVALID,
                   "The data_offsets of \"%s\" end (%" G_GUINT64_FORMAT ") before they begin (%" G_GUINT64_FORMAT ").",
                   info->name, info->end, info->begin);
      return FALSE;
    }
  if (info->end - info->begin != bytes)
    {
      g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_INVALID,
                   "The tensor \"%s\" has shape %s, which is %" G_GUINT64_FORMAT " bytes of %s, "
                   "but its data_offsets [%" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT "] hold %" G_GUINT64_FORMAT " bytes.",
                   info->name, shape, bytes, strcmp (info->dtype, "I64") == 0 ? "int64" : "float32", info->begin,
                   info->end, info->end - info->begin);
      return FALSE;
    }
  if (info->end > data_len)
    {
      g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_PARSE,
                   "The tensor \"%s\" needs bytes %" G_GUINT64_FORMAT " to %" G_GUINT64_FORMAT " of the data, "
                   "but the file holds only %" G_GUINT64_FORMAT " bytes of data: the file is truncated or its offsets are wrong.",
                   info->name, info->begin, info->end, data_len);
      return FALSE;
    }
  return TRUE;
}

static int
compare_by_offset (gconstpointer a, gconstpointer b)
{
  const NnbSafetensorsEntry *x = *(const NnbSafetensorsEntry *const *) a;
  const NnbSafetensorsEntry *y = *(const NnbSafetensorsEntry *const *) b;

  if (x->begin != y->begin)
    return x->begin < y->begin ? -1 : 1;
  if (x->end != y->end)
    return x->end < y->end ? -1 : 1;
  return strcmp (x->name, y->name);
}

/* The tensors must tile the data exactly: no overlap (two names sharing
 * bytes), no gap, nothing after the last one — the format's rule, and what
 * makes a damaged file show up here rather than as wrong weights. */
static gboolean
check_coverage (GPtrArray *infos, guint64 data_len, GError **error)
{
  g_autoptr (GPtrArray) sorted = g_ptr_array_copy (infos, NULL, NULL);
  guint64 covered = 0;
  const NnbSafetensorsEntry *previous = NULL;

  /* the copy borrows the entries (it inherits the free function) */
  g_ptr_array_set_free_func (sorted, NULL);
  g_ptr_array_sort (sorted, compare_by_offset);
  for (guint i = 0; i < sorted->len; i++)
    {
      const NnbSafetensorsEntry *info = sorted->pdata[i];
      if (info->begin < covered)
        {
          g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_INVALID,
                       "The tensors \"%s\" and \"%s\" overlap in the data (bytes %" G_GUINT64_FORMAT " to %" G_GUINT64_FORMAT "); "
                       "each tensor needs its own bytes.",
                       previous->name, info->name, info->begin, MIN (covered, info->end));
          return FALSE;
        }
      if (info->begin > covered)
        {
          g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_INVALID,
                       "The bytes %" G_GUINT64_FORMAT " to %" G_GUINT64_FORMAT " of the data belong to no tensor; "
                       "the tensors must cover the data without gaps.",
                       covered, info->begin);
          return FALSE;
        }
      covered = info->end;
      previous = info;
    }
  if (covered != data_len)
    {
      g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_INVALID,
                   "The file has %" G_GUINT64_FORMAT " bytes of data after the last tensor; "
                   "the header does not describe the whole file.",
                   data_len - covered);
      return FALSE;
    }
  return TRUE;
}

NnbTensor *
nnb_safetensors_count_new (int64_t count)
{
  /* room for the int64's bytes; the tensor then reads as shape () */
  NnbTensor *tensor = nnb_tensor_new_cpu (1, (const int64_t[]){ 2 });

  memcpy (tensor->data, &count, sizeof count);
  tensor->ndim = 0;
  tensor->shape[0] = 0;
  tensor->numel = 1;
  return tensor;
}

gboolean
nnb_safetensors_tensor_is_count (const NnbTensor *tensor)
{
  return tensor->ndim == 0;
}

int64_t
nnb_safetensors_tensor_count (const NnbTensor *tensor)
{
  int64_t count;

  g_return_val_if_fail (tensor->ndim == 0, 0);
  memcpy (&count, tensor->data, sizeof count);
  return count;
}

/* A valid entry NN Blocks still cannot hold: its tensors have 1 to 4
 * dimensions and no empty dimension. */
static NnbTensor *
tensor_from_entry (const NnbSafetensorsEntry *info, const guint8 *data, GError **error)
{
  int64_t shape[NNB_MAX_DIMS];
  g_autoptr (GError) local = NULL;
  NnbTensor *tensor;

  if (strcmp (info->dtype, "I64") == 0)
    {
      gint64 count;
      memcpy (&count, data + info->begin, sizeof count);
      return nnb_safetensors_count_new (GINT64_FROM_LE (count));
    }
  if (info->shape->len < 1 || info->shape->len > NNB_MAX_DIMS)
    {
      g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_INVALID,
                   "The tensor \"%s\" has %u dimensions; NN Blocks reads tensors with 1 to %d dimensions.",
                   info->name, info->shape->len, NNB_MAX_DIMS);
      return NULL;
    }
  for (guint i = 0; i < info->shape->len; i++)
    {
      guint64 size = g_array_index (info->shape, guint64, i);
      if (size == 0)
        {
          g_autofree char *text = shape_text (info->shape);
          g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_INVALID,
                       "The tensor \"%s\" is empty (shape %s); NN Blocks reads tensors that hold at least one number.",
                       info->name, text);
          return NULL;
        }
      /* the byte count was checked against the file, so each size is
       * below 2^61 and fits in int64_t */
      shape[i] = (int64_t) size;
    }
  tensor = nnb_tensor_new (info->shape->len, shape, nnb_device_cpu (), &local);
  if (tensor == NULL)
    {
      g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_INVALID,
                   "The tensor \"%s\" cannot be loaded: %s", info->name, local->message);
      return NULL;
    }
  /* the data need not be 4-byte aligned in memory, and is little-endian */
  memcpy (tensor->data, data + info->begin, info->end - info->begin);
#if G_BYTE_ORDER == G_BIG_ENDIAN
  for (int64_t i = 0; i < tensor->numel; i++)
    {
      guint32 bits;
      memcpy (&bits, &tensor->data[i], sizeof bits);
      bits = GUINT32_FROM_LE (bits);
      memcpy (&tensor->data[i], &bits, sizeof bits);
    }
#endif
  return tensor;
}

GHashTable *
nnb_safetensors_parse (const guint8 *data, gsize length, GError **error)
{
  guint64 header_len, data_len;
  g_autoptr (GPtrArray) infos = NULL;
  g_autoptr (GHashTable) tensors = NULL;
  const guint8 *buffer;

  if (length < 8)
    {
      g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_PARSE,
                   "The file is truncated: it has %" G_GSIZE_FORMAT " bytes, but a safetensors file starts with an 8-byte header length.",
                   length);
      return NULL;
    }
  memcpy (&header_len, data, sizeof header_len);
  header_len = GUINT64_FROM_LE (header_len);
  if (header_len > length - 8)
    {
      g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_PARSE,
                   "The header length says %" G_GUINT64_FORMAT " bytes, but only %" G_GSIZE_FORMAT " bytes follow it: "
                   "the file is truncated or is not safetensors.",
                   header_len, length - 8);
      return NULL;
    }
  if (!nnb_json_check_nesting ((const char *) data + 8, header_len, "safetensors header", error))
    return NULL;
  infos = nnb_safetensors_read_header ((const char *) data + 8, header_len, error);
  if (infos == NULL)
    return NULL;

  buffer = data + 8 + header_len;
  data_len = length - 8 - header_len;
  for (guint i = 0; i < infos->len; i++)
    if (!check_entry (infos->pdata[i], data_len, error))
      return NULL;
  if (!check_coverage (infos, data_len, error))
    return NULL;

  tensors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) nnb_tensor_unref);
  for (guint i = 0; i < infos->len; i++)
    {
      NnbSafetensorsEntry *info = infos->pdata[i];
      NnbTensor *tensor = tensor_from_entry (info, buffer, error);
      if (tensor == NULL)
        return NULL;
      g_hash_table_insert (tensors, g_strdup (info->name), tensor);
    }
  return g_steal_pointer (&tensors);
}

GHashTable *
nnb_safetensors_load (const char *path, GError **error)
{
  g_autofree char *contents = NULL;
  g_autoptr (GError) local = NULL;
  gsize length;
  GHashTable *tensors;

  /* a regular file only: a pipe would wait forever, /dev/zero never end */
  if (!nnb_file_read (path, NNB_FILE_READ_MAX_PROJECT_MB, &contents, &length, &local))
    {
      g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_IO,
                   "Cannot read the weights: %s", local->message);
      return NULL;
    }
  tensors = nnb_safetensors_parse ((const guint8 *) contents, length, error);
  if (tensors == NULL)
    {
      g_autofree char *base = g_path_get_basename (path);
      g_prefix_error (error, "%s: ", base);
    }
  return tensors;
}
