/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "nnb-backend.h"

#include "nnb-blas.h"
#include "nnb-error.h"

/* Installed by src/gpu when the CUDA backend is built in. */
static const NnbBackend *cuda_backend;

void
nnb_backend_register (NnbDeviceType type, const NnbBackend *backend)
{
  if (type == NNB_DEVICE_CUDA)
    cuda_backend = backend;
}

const NnbBackend *
nnb_backend_get (NnbDevice device, GError **error)
{
  if (device.type == NNB_DEVICE_CPU)
    return nnb_backend_cpu ();
  if (cuda_backend == NULL)
    {
      g_set_error_literal (error, NNB_ERROR, NNB_ERROR_DEVICE,
                           "Torch not compiled with CUDA enabled: this NN Blocks was built without its CUDA backend, so training runs on the CPU.");
      return NULL;
    }
  return cuda_backend;
}

static void
device_info_free (gpointer data)
{
  NnbDeviceInfo *info = data;
  g_free (info->label);
  g_free (info->reason);
  g_free (info->note);
  g_free (info);
}

/* Filled by src/gpu: appends one entry per GPU, or one unavailable entry. */
void (*nnb_backend_cuda_list_devices) (GPtrArray *infos) = NULL;

GPtrArray *
nnb_device_list (void)
{
  GPtrArray *infos = g_ptr_array_new_with_free_func (device_info_free);
  NnbDeviceInfo *cpu = g_new0 (NnbDeviceInfo, 1);
  int threads = nnb_backend_cpu_get_threads ();

  cpu->device = nnb_device_cpu ();
  cpu->label = g_strdup_printf ("CPU (OpenBLAS, %d thread%s)", threads, threads == 1 ? "" : "s");
  cpu->available = TRUE;
  cpu->note = nnb_blas_kernel_note ();
  g_ptr_array_add (infos, cpu);

  if (nnb_backend_cuda_list_devices != NULL)
    nnb_backend_cuda_list_devices (infos);
  else
    {
      NnbDeviceInfo *gpu = g_new0 (NnbDeviceInfo, 1);
      gpu->device = (NnbDevice){ NNB_DEVICE_CUDA, 0 };
      gpu->label = g_strdup ("CUDA");
      gpu->available = FALSE;
      gpu->reason = g_strdup ("CUDA: this build has no CUDA backend");
      g_ptr_array_add (infos, gpu);
    }
  return infos;
}
