/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-gpu.c — the CUDA backend's table and its place in the engine:
 * registration at start-up and the entries of the device list.
 *
 * The table serves the CUDA device current in the calling thread (cuda:0
 * unless the program chose another): one table per device kind is the
 * engine's contract (nnb-backend.h). */
#include "nnb-gpu.h"

#include "nnb-gpu-host.h"

G_STATIC_ASSERT ((int) NNB_ACT_IDENTITY == NNB_CUDA_ACT_IDENTITY);
G_STATIC_ASSERT ((int) NNB_ACT_RELU == NNB_CUDA_ACT_RELU);
G_STATIC_ASSERT ((int) NNB_ACT_TANH == NNB_CUDA_ACT_TANH);
G_STATIC_ASSERT ((int) NNB_ACT_SIGMOID == NNB_CUDA_ACT_SIGMOID);
G_STATIC_ASSERT ((int) NNB_ACT_LEAKY_RELU == NNB_CUDA_ACT_LEAKY_RELU);
G_STATIC_ASSERT ((int) NNB_ACT_GELU == NNB_CUDA_ACT_GELU);
G_STATIC_ASSERT ((int) NNB_LOSS_MSE == NNB_CUDA_LOSS_MSE);
G_STATIC_ASSERT ((int) NNB_LOSS_L1 == NNB_CUDA_LOSS_L1);
/* the launch functions take size_t where the table says gsize */
G_STATIC_ASSERT (sizeof (gsize) == sizeof (size_t));

static void
cuda_act_forward (NnbActivation act, float param, const float *x, float *y, gsize n)
{
  nnb_cuda_act_forward ((int) act, param, x, y, n);
}

static void
cuda_act_backward (NnbActivation act, float param, const float *x, const float *y,
                   const float *dy, float *dx, gsize n, gboolean accumulate)
{
  nnb_cuda_act_backward ((int) act, param, x, y, dy, dx, n, accumulate);
}

static void
cuda_softmax_forward (gboolean log_softmax, const float *x, float *y, gsize rows, gsize cols)
{
  nnb_cuda_softmax_forward (log_softmax, x, y, rows, cols);
}

static void
cuda_softmax_backward (gboolean log_softmax, const float *y, const float *dy, float *dx, gsize rows, gsize cols,
                       gboolean accumulate)
{
  nnb_cuda_softmax_backward (log_softmax, y, dy, dx, rows, cols, accumulate);
}

static double
cuda_loss (NnbLossKind kind, const float *pred, const float *target, gsize n, float *grad)
{
  return nnb_cuda_loss ((int) kind, pred, target, n, grad);
}

static void
cuda_sgd_step (float *param, const float *grad, float *momentum_buf, gsize n,
               float lr, float momentum, float dampening, float weight_decay,
               gboolean nesterov, gboolean first_step)
{
  nnb_cuda_sgd_step (param, grad, momentum_buf, n, lr, momentum, dampening, weight_decay, nesterov, first_step);
}

static gboolean
cuda_all_finite (const float *x, gsize n)
{
  return nnb_cuda_all_finite (x, n) != 0;
}

static const NnbBackend cuda_backend = {
  .name = "cuda",
  .alloc = nnb_gpu_alloc,
  .free = nnb_gpu_free,
  .upload = nnb_gpu_upload,
  .download = nnb_gpu_download,
  .copy = nnb_gpu_copy,
  .fill = nnb_gpu_fill,
  .gemm = nnb_gpu_gemm,
  .bias_fill = nnb_cuda_bias_fill,
  .bias_grad = nnb_cuda_bias_grad,
  .act_forward = cuda_act_forward,
  .act_backward = cuda_act_backward,
  .layer_norm_forward = nnb_cuda_layer_norm_forward,
  .layer_norm_backward = nnb_cuda_layer_norm_backward,
  .batch_norm_forward = nnb_cuda_batch_norm_forward,
  .batch_norm_backward = nnb_cuda_batch_norm_backward,
  .softmax_forward = cuda_softmax_forward,
  .softmax_backward = cuda_softmax_backward,
  .add = nnb_cuda_add,
  .accumulate = nnb_cuda_accumulate,
  .mul = nnb_cuda_mul,
  .copy_2d = nnb_gpu_copy_2d,
  .loss = cuda_loss,
  .sgd_step = cuda_sgd_step,
  .adam_step = nnb_cuda_adam_step,
  .sum_squares = nnb_cuda_sum_squares,
  .all_finite = cuda_all_finite,
  .sync = nnb_gpu_sync,
};

static void
add_unavailable (GPtrArray *infos, char *reason)
{
  NnbDeviceInfo *info = g_new0 (NnbDeviceInfo, 1);

  info->device = (NnbDevice){ NNB_DEVICE_CUDA, 0 };
  info->label = g_strdup ("CUDA");
  info->available = FALSE;
  info->reason = reason;
  g_ptr_array_add (infos, info);
}

/* nnb_backend_cuda_list_devices: one entry per GPU, "NVIDIA H200 (139 GiB)",
 * or one unavailable entry that says why there is none. */
static void
list_devices (GPtrArray *infos)
{
  const char *blas_error;
  cudaError_t status;
  int count = 0;

  status = cudaGetDeviceCount (&count);
  if (status != cudaSuccess)
    {
      /* not a failure of any computation: keep it out of the sticky error */
      cudaGetLastError ();
      add_unavailable (infos, nnb_gpu_status_reason (status));
      return;
    }
  if (count == 0)
    {
      add_unavailable (infos, nnb_gpu_status_reason (cudaErrorNoDevice));
      return;
    }
  /* a GPU without cuBLAS cannot train: one entry that says so */
  blas_error = nnb_gpu_blas_load ();
  if (blas_error != NULL)
    {
      add_unavailable (infos, g_strdup (blas_error));
      return;
    }
  for (int i = 0; i < count; i++)
    {
      struct cudaDeviceProp prop;
      NnbDeviceInfo *info;

      status = cudaGetDeviceProperties (&prop, i);
      info = g_new0 (NnbDeviceInfo, 1);
      info->device = (NnbDevice){ NNB_DEVICE_CUDA, i };
      if (status != cudaSuccess)
        {
          cudaGetLastError ();
          info->label = g_strdup_printf ("CUDA %d", i);
          info->reason = nnb_gpu_status_reason (status);
        }
      else
        {
          /* whole GiB, rounded down as the card's usable memory is a little
           * under its marketing size: an H200 shows 139 GiB */
          info->label = g_strdup_printf ("%s (%" G_GUINT64_FORMAT " GiB)", prop.name,
                                         (guint64) prop.totalGlobalMem >> 30);
          info->available = TRUE;
        }
      g_ptr_array_add (infos, info);
    }
}

gboolean
nnb_gpu_init (void)
{
  static gsize registered = 0;
  int count = 0;

  /* registered even without a GPU: then moving a model to cuda fails with
   * PyTorch's "Found no NVIDIA driver…" rather than with "not compiled with
   * CUDA", which would be untrue */
  if (g_once_init_enter (&registered))
    {
      nnb_backend_register (NNB_DEVICE_CUDA, &cuda_backend);
      nnb_backend_cuda_list_devices = list_devices;
      g_once_init_leave (&registered, 1);
    }
  if (cudaGetDeviceCount (&count) != cudaSuccess)
    {
      cudaGetLastError ();
      return FALSE;
    }
  /* only where there is a GPU: loading cuBLAS takes a good part of a
   * second, which a process on a machine without one never pays */
  if (count == 0)
    return FALSE;
  return nnb_gpu_blas_load () == NULL;
}
