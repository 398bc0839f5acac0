/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-gpu-modes.c — the modes and buffers on a GPU: a model with
 * BatchNorm1d and Dropout, moved with .to("cuda"), trains as on the CPU.
 *
 * model.to(device) moves every parameter and buffer: running_mean and
 * running_var live on the GPU afterwards (num_batches_tracked is a count
 * the host keeps), and come back with .to("cpu"). Three SGD steps in train
 * mode, the same weights and the same Dropout seed on both devices, then
 * one eval-mode forward: the losses, parameters and running estimates agree
 * within the matrix products' order (cuBLAS sums otherwise than OpenBLAS;
 * BatchNorm and Dropout themselves run the CPU's formulas, and the masks
 * are drawn on the host). Skips without a GPU. */
#include <glib.h>
#include <math.h>
#include "nnb-gpu.h"
#include "nnb-loss.h"
#include "nnb-model.h"
#include "nnb-optimizer.h"
#include "nnb-test-util.h"

#define CUDA0 ((NnbDevice){ NNB_DEVICE_CUDA, 0 })

static gboolean gpu_available;

static NnbModel *
modes_model (void)
{
  g_autoptr (GError) error = NULL;
  NnbModule *modules[] = {
    nnb_test_linear (3, 6, TRUE),
    nnb_batch_norm_new (6, 1e-5, 0.1, TRUE, TRUE, TRUE, &error),
    nnb_dropout_new (0.3, &error),
    nnb_activation_new (NNB_MODULE_TANH),
    nnb_test_linear (6, 1, TRUE),
  };
  NnbModel *model = nnb_model_new_sequential (modules, G_N_ELEMENTS (modules));

  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (modules); i++)
    nnb_module_unref (modules[i]);
  nnb_test_fill_parameters (model, 0.3);
  return model;
}

static void
assert_close (const char *what, const float *got, const float *want, gsize n)
{
  for (gsize i = 0; i < n; i++)
    if (!(fabs ((double) got[i] - want[i]) <= 1e-4 * fabs (want[i]) + 1e-6))
      g_error ("%s[%" G_GSIZE_FORMAT "]: GPU %.9g, CPU %.9g", what, i, got[i], want[i]);
}

/* The buffer's values on the host, checking where they live */
static float *
buffer_values (NnbModel *model, const char *name, NnbDeviceType where)
{
  NnbBuffer *buffer = nnb_model_get_buffer (model, name);
  float *values = g_new (float, buffer->value->numel);

  g_assert_cmpint (buffer->value->device.type, ==, where);
  nnb_tensor_read (buffer->value, values);
  return values;
}

static double
train_three_steps (NnbModel *model, NnbDevice device, float *eval_out)
{
  g_autoptr (GError) error = NULL;
  g_autofree NnbGenerator *gen = nnb_generator_new (7);
  g_autoptr (GRand) rand = g_rand_new_with_seed (3);
  float xs[16 * 3], ys[16];
  g_autoptr (NnbTensor) x_host = NULL, y_host = NULL, x = NULL, y = NULL;
  g_autoptr (NnbLoss) loss = nnb_loss_new (NNB_LOSS_MSE);
  g_autoptr (NnbOptimizer) opt = NULL;
  NnbOptimizerOptions options;
  double value = NAN;

  for (guint i = 0; i < G_N_ELEMENTS (xs); i++)
    xs[i] = (float) g_rand_double_range (rand, -2, 2);
  for (guint i = 0; i < G_N_ELEMENTS (ys); i++)
    ys[i] = (float) g_rand_double_range (rand, -1, 1);
  x_host = nnb_tensor_new_from_data (2, (int64_t[]){ 16, 3 }, xs);
  y_host = nnb_tensor_new_from_data (2, (int64_t[]){ 16, 1 }, ys);
  g_assert_true (nnb_model_to (model, device, &error));
  x = nnb_tensor_to (x_host, device, &error);
  y = nnb_tensor_to (y_host, device, &error);
  g_assert_no_error (error);
  nnb_model_set_generator (model, gen);
  nnb_optimizer_options_init (&options, NNB_OPTIMIZER_SGD);
  options.lr = 0.1;
  opt = nnb_optimizer_new (model, &options, &error);
  g_assert_no_error (error);
  nnb_model_train (model, TRUE);
  for (int step = 0; step < 3; step++)
    {
      NnbTensor *pred = nnb_model_forward (model, x, &error);
      g_assert_no_error (error);
      g_assert_true (nnb_loss_forward (loss, pred, y, &value, &error));
      nnb_optimizer_zero_grad (opt);
      g_assert_true (nnb_model_backward (model, nnb_loss_grad (loss), &error));
      g_assert_true (nnb_optimizer_step (opt, &error));
      g_assert_no_error (error);
    }
  nnb_model_eval (model);
  nnb_tensor_read (nnb_model_forward (model, x, &error), eval_out);
  g_assert_no_error (error);
  nnb_model_set_generator (model, NULL);
  return value;
}

static void
test_batch_norm_and_dropout_train_alike (void)
{
  g_autoptr (NnbModel) cpu = modes_model (), gpu = modes_model ();
  g_autoptr (GError) error = NULL;
  float cpu_out[16], gpu_out[16];
  double cpu_loss, gpu_loss;
  const char *names[] = { "1.running_mean", "1.running_var" };

  if (!gpu_available)
    {
      g_test_skip ("No usable CUDA GPU here");
      return;
    }
  cpu_loss = train_three_steps (cpu, nnb_device_cpu (), cpu_out);
  gpu_loss = train_three_steps (gpu, CUDA0, gpu_out);
  g_assert_cmpfloat (fabs (gpu_loss - cpu_loss), <=, 1e-4 * fabs (cpu_loss));
  assert_close ("eval output", gpu_out, cpu_out, 16);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree float *want = buffer_values (cpu, names[i], NNB_DEVICE_CPU);
      g_autofree float *got = buffer_values (gpu, names[i], NNB_DEVICE_CUDA);
      assert_close (names[i], got, want, 6);
    }
  g_assert_cmpint (nnb_model_get_buffer (gpu, "1.num_batches_tracked")->count, ==, 3);
  /* and back: .to("cpu") brings the buffers home too */
  g_assert_true (nnb_model_to (gpu, nnb_device_cpu (), &error));
  g_assert_no_error (error);
  g_free (buffer_values (gpu, "1.running_var", NNB_DEVICE_CPU));
}

/* A running estimate left on the CPU while the model is on the GPU stops
 * the forward with PyTorch's device message, not a crash */
static void
test_buffer_left_behind (void)
{
  g_autoptr (NnbModel) model = modes_model ();
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbTensor) x_host = nnb_tensor_new_2d (4, 3);
  g_autoptr (NnbTensor) x = NULL;
  NnbBuffer *mean;
  NnbTensor *back;

  if (!gpu_available)
    {
      g_test_skip ("No usable CUDA GPU here");
      return;
    }
  g_assert_true (nnb_model_to (model, CUDA0, &error));
  x = nnb_tensor_to (x_host, CUDA0, &error);
  g_assert_no_error (error);
  mean = nnb_model_get_buffer (model, "1.running_mean");
  back = nnb_tensor_to (mean->value, nnb_device_cpu (), &error);
  g_assert_no_error (error);
  nnb_tensor_unref (mean->value);
  mean->value = back;
  g_assert_null (nnb_model_forward (model, x, &error));
  g_assert_nonnull (error);
  g_assert_cmpstr (error->message, ==,
                   "Expected all tensors to be on the same device, but found at least two devices, cuda:0 and cpu!");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  gpu_available = nnb_gpu_init ();
  g_test_add_func ("/gpu/device/batch-norm-and-dropout-train-alike", test_batch_norm_and_dropout_train_alike);
  g_test_add_func ("/gpu/device/buffer-left-behind", test_buffer_left_behind);
  return g_test_run ();
}
