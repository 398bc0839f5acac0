/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-device.h — where a tensor lives: the CPU or one CUDA GPU. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  NNB_DEVICE_CPU,
  NNB_DEVICE_CUDA,
} NnbDeviceType;

typedef struct
{
  NnbDeviceType type;
  int index; /* GPU ordinal; 0 for the CPU */
} NnbDevice;

#define NNB_DEVICE_CPU_INIT ((NnbDevice){ NNB_DEVICE_CPU, 0 })

static inline NnbDevice
nnb_device_cpu (void)
{
  return (NnbDevice){ NNB_DEVICE_CPU, 0 };
}

static inline gboolean
nnb_device_equal (NnbDevice a, NnbDevice b)
{
  return a.type == b.type && (a.type == NNB_DEVICE_CPU || a.index == b.index);
}

/* PyTorch's spelling: "cpu", "cuda:0". Writes into buf (at least 16 bytes). */
const char *nnb_device_name (NnbDevice device, char *buf, gsize size);

/* Parses "cpu", "cuda", "cuda:N". */
gboolean nnb_device_parse (const char *text, NnbDevice *out, GError **error);

G_END_DECLS
