/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-safetensors-write.c — a model's state_dict() written as safetensors:
 * the JSON header in state_dict() order, then the float32 data,
 * little-endian (layout in nnb-safetensors.c). */

#include "nnb-safetensors.h"

#include <string.h>
#include "nnb-error.h"
#include "nnb-file-write.h"
#include "nnb-files-private.h"
#include "nnb-json-write.h"

static void
append_le32 (GByteArray *out, const float *values, int64_t n)
{
  for (int64_t i = 0; i < n; i++)
    {
      guint32 bits;
      memcpy (&bits, &values[i], sizeof bits);
      bits = GUINT32_TO_LE (bits);
      g_byte_array_append (out, (const guint8 *) &bits, sizeof bits);
    }
}

GBytes *
nnb_safetensors_serialize_model (NnbModel *model, GError **error)
{
  g_autoptr (GPtrArray) state = nnb_model_state_dict (model);
  g_autoptr (GString) header = g_string_new ("{");
  g_autoptr (GByteArray) file = g_byte_array_new ();
  guint64 offset = 0, header_len;

  /* state_dict() order; the file does not need it, but a person reading
   * the header sees the model's parameters and buffers as PyTorch lists
   * them */
  for (guint i = 0; i < state->len; i++)
    {
      NnbStateEntry *entry = state->pdata[i];
      const NnbTensor *value = entry->value;
      /* num_batches_tracked: a torch.long scalar, as PyTorch saves it */
      guint64 bytes = value != NULL ? (guint64) value->numel * sizeof (float) : sizeof (gint64);

      nnb_json_append_string (header, entry->name);
      g_string_append_printf (header, ":{\"dtype\":\"%s\",\"shape\":[", value != NULL ? "F32" : "I64");
      for (int d = 0; value != NULL && d < value->ndim; d++)
        g_string_append_printf (header, "%s%" G_GINT64_FORMAT, d ? "," : "", value->shape[d]);
      g_string_append_printf (header, "],\"data_offsets\":[%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT "]},",
                              offset, offset + bytes);
      offset += bytes;
    }
  /* what safetensors.torch.save_file writes for PyTorch files; transformers
   * looks for it */
  g_string_append (header, "\"__metadata__\":{\"format\":\"pt\"}}");
  /* the data starts 8-byte aligned, so a reader may map it in place */
  while ((8 + header->len) % 8 != 0)
    g_string_append_c (header, ' ');

  header_len = GUINT64_TO_LE ((guint64) header->len);
  g_byte_array_append (file, (const guint8 *) &header_len, sizeof header_len);
  g_byte_array_append (file, (const guint8 *) header->str, header->len);
  for (guint i = 0; i < state->len; i++)
    {
      NnbStateEntry *entry = state->pdata[i];
      NnbTensor *value = entry->value;
      g_autofree float *host = NULL;

      if (value == NULL)
        {
          gint64 count = GINT64_TO_LE (entry->buffer->count);
          g_byte_array_append (file, (const guint8 *) &count, sizeof count);
          continue;
        }
      host = g_try_new (float, value->numel);
      if (host == NULL)
        {
          g_set_error (error, NNB_ERROR, NNB_ERROR_OUT_OF_MEMORY, "Not enough memory to copy %s for saving.",
                       entry->name);
          return NULL;
        }
      /* the parameter may live on a GPU */
      nnb_tensor_read (value, host);
      append_le32 (file, host, value->numel);
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&file));
}

gboolean
nnb_safetensors_save_model (NnbModel *model, const char *path, GError **error)
{
  g_autoptr (GBytes) bytes = nnb_safetensors_serialize_model (model, error);
  g_autoptr (GError) local = NULL;
  gsize size;
  const char *data;

  if (bytes == NULL)
    return FALSE;
  data = g_bytes_get_data (bytes, &size);
  /* written beside and renamed: a crash or a full disk never leaves half
   * a weights file behind */
  if (!nnb_file_write (path, data, size, 0666, &local))
    {
      g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_IO,
                   "Cannot save the weights: %s", local->message);
      return FALSE;
    }
  return TRUE;
}
