/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-gpu-error.c — the CUDA backend's sticky error.
 *
 * Most backend operations return void (the table's contract) and CUDA
 * reports kernel failures late anyway, so the first failure is kept here
 * and sync() — called by backward and by the optimizer's step — turns it
 * into a GError. */
#include "nnb-gpu-host.h"

#include "nnb-error.h"

/* the trainer's worker thread and the UI thread may both touch the GPU */
G_LOCK_DEFINE_STATIC (sticky);
static char *sticky_message;

void
nnb_gpu_record_error (const char *message)
{
  G_LOCK (sticky);
  /* the first failure explains the later ones, which are its consequences */
  if (sticky_message == NULL)
    sticky_message = g_strdup (message);
  G_UNLOCK (sticky);
}

int
nnb_gpu_check (cudaError_t status, const char *what)
{
  g_autofree char *message = NULL;

  if (status == cudaSuccess)
    return TRUE;
  /* reset the runtime's last-error slot, so that the next launch's check
   * does not report this failure a second time */
  cudaGetLastError ();
  message = g_strdup_printf ("CUDA error: %s (%s, while %s). The GPU's results since then cannot be trusted: "
                             "save your work and restart, or train on the CPU.",
                             cudaGetErrorString (status), cudaGetErrorName (status), what);
  nnb_gpu_record_error (message);
  return FALSE;
}

char *
nnb_gpu_take_error (void)
{
  char *message;

  G_LOCK (sticky);
  message = g_steal_pointer (&sticky_message);
  G_UNLOCK (sticky);
  return message;
}

gboolean
nnb_gpu_sync (GError **error)
{
  g_autofree char *message = NULL;

  /* a kernel's own failure (a bad address, say) only surfaces here */
  nnb_gpu_check (cudaDeviceSynchronize (), "waiting for the GPU to finish");
  message = nnb_gpu_take_error ();
  if (message == NULL)
    return TRUE;
  g_set_error_literal (error, NNB_ERROR, NNB_ERROR_DEVICE, message);
  return FALSE;
}

char *
nnb_gpu_status_reason (cudaError_t status)
{
  int driver = 0, runtime = 0;

  /* error 35 is what the runtime answers both without a driver (the
   * toolkit alone, as on a build machine) and with one older than itself;
   * the driver's version, 0 when there is none, tells which */
  if (status == cudaErrorInsufficientDriver)
    {
      if (cudaDriverGetVersion (&driver) != cudaSuccess || driver == 0)
        return g_strdup ("CUDA: no NVIDIA driver found");
      if (cudaRuntimeGetVersion (&runtime) != cudaSuccess)
        runtime = CUDART_VERSION;
      return g_strdup_printf ("CUDA: the NVIDIA driver is too old (it supports CUDA %d.%d, this build needs %d.%d)",
                              driver / 1000, driver % 1000 / 10, runtime / 1000, runtime % 1000 / 10);
    }
  return g_strconcat ("CUDA: ", cudaGetErrorString (status), NULL);
}
