/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "nnb-device.h"

#include <stdlib.h>
#include <string.h>
#include "nnb-error.h"

const char *
nnb_device_name (NnbDevice device, char *buf, gsize size)
{
  if (device.type == NNB_DEVICE_CPU)
    g_strlcpy (buf, "cpu", size);
  else
    g_snprintf (buf, size, "cuda:%d", device.index);
  return buf;
}

gboolean
nnb_device_parse (const char *text, NnbDevice *out, GError **error)
{
  if (g_strcmp0 (text, "cpu") == 0)
    {
      *out = nnb_device_cpu ();
      return TRUE;
    }
  if (g_strcmp0 (text, "cuda") == 0)
    {
      *out = (NnbDevice){ NNB_DEVICE_CUDA, 0 };
      return TRUE;
    }
  if (text != NULL && g_str_has_prefix (text, "cuda:"))
    {
      char *end = NULL;
      long index = strtol (text + 5, &end, 10);
      if (end != text + 5 && *end == '\0' && index >= 0 && index < 64)
        {
          *out = (NnbDevice){ NNB_DEVICE_CUDA, (int) index };
          return TRUE;
        }
    }
  /* PyTorch's wording for torch.device("gpu") */
  g_set_error (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT,
               "Expected one of cpu, cuda device type at start of device string: %s",
               text ? text : "(null)");
  return FALSE;
}
