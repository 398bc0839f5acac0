/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpu-device-race.c — how long one training epoch takes on the CPU and on
 * the GPU as the model widens: a 1→W→W→1 ReLU MLP on 8192 points, full
 * batch, MSE and SGD, W = 16 … 4096. Small models are faster on the CPU
 * (each GPU kernel costs a launch), wide ones on the GPU; the table shows
 * where they cross.
 *
 *   gpu-device-race [--widths 16,64,256,1024,4096] [--points 8192]
 *                   [--seconds 1.0] [--cpu-max-width W]
 *
 * A benchmark, not a test: it prints numbers and judges nothing. */
#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "nnb-backend.h"
#include "nnb-gpu.h"
#include "nnb-loss.h"
#include "nnb-model.h"
#include "nnb-optimizer.h"

typedef struct
{
  double ms_per_epoch; /* NAN when not run */
  int epochs;
  double first_loss; /* the unmeasured first epoch's loss: same start on both devices */
  char *error;
} Timing;

static NnbModel *
build_mlp (int64_t width, GError **error)
{
  NnbModule *modules[5] = { NULL };
  NnbModel *model = NULL;

  modules[0] = nnb_linear_new (1, width, TRUE, NULL, error);
  modules[1] = nnb_activation_new (NNB_MODULE_RELU);
  modules[2] = modules[0] ? nnb_linear_new (width, width, TRUE, NULL, error) : NULL;
  modules[3] = nnb_activation_new (NNB_MODULE_RELU);
  modules[4] = modules[2] ? nnb_linear_new (width, 1, TRUE, NULL, error) : NULL;
  if (modules[4] != NULL)
    model = nnb_model_new_sequential (modules, G_N_ELEMENTS (modules));
  for (guint i = 0; i < G_N_ELEMENTS (modules); i++)
    if (modules[i] != NULL)
      nnb_module_unref (modules[i]);
  return model;
}

/* Uniform weights of Kaiming's scale for ReLU, the same on both devices
 * (each run draws from the same seed). */
static void
fill_parameters (NnbModel *model)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (42);
  GPtrArray *params = nnb_model_named_parameters (model);

  for (guint i = 0; i < params->len; i++)
    {
      NnbTensor *value = ((NnbNamedParameter *) params->pdata[i])->param->value;
      double bound = value->ndim == 2 ? sqrt (6.0 / value->shape[1]) : 0.01;
      g_autofree float *values = g_new (float, value->numel);
      for (int64_t j = 0; j < value->numel; j++)
        values[j] = (float) g_rand_double_range (rand, -bound, bound);
      nnb_tensor_write (value, values);
    }
}

/* forward → loss → zero_grad → backward → step; the loss's value comes back
 * to the host every epoch, as the app's loss plot needs it */
static gboolean
epoch (NnbModel *model, NnbLoss *loss, NnbOptimizer *optimizer, NnbTensor *x, NnbTensor *y,
       double *value, GError **error)
{
  NnbTensor *pred = nnb_model_forward (model, x, error);

  if (pred == NULL || !nnb_loss_forward (loss, pred, y, value, error))
    return FALSE;
  nnb_optimizer_zero_grad (optimizer);
  return nnb_model_backward (model, nnb_loss_grad (loss), error) && nnb_optimizer_step (optimizer, error);
}

static Timing
time_device (int64_t width, NnbDevice device, const NnbTensor *x_cpu, const NnbTensor *y_cpu, double seconds)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbModel) model = NULL;
  g_autoptr (NnbOptimizer) optimizer = NULL;
  g_autoptr (NnbLoss) loss = nnb_loss_new (NNB_LOSS_MSE);
  g_autoptr (NnbTensor) x = NULL, y = NULL;
  NnbOptimizerOptions options;
  Timing timing = { NAN, 0, NAN, NULL };
  gint64 start, elapsed;
  double value;

  model = build_mlp (width, &error);
  if (model == NULL || !nnb_model_to (model, device, &error))
    goto failed;
  fill_parameters (model);
  nnb_optimizer_options_init (&options, NNB_OPTIMIZER_SGD);
  /* small enough that no width diverges: NaNs would time other paths */
  options.lr = 1e-4;
  optimizer = nnb_optimizer_new (model, &options, &error);
  if (optimizer == NULL)
    goto failed;
  x = nnb_tensor_to (x_cpu, device, &error);
  y = x ? nnb_tensor_to (y_cpu, device, &error) : NULL;
  if (y == NULL)
    goto failed;

  /* one epoch unmeasured: buffers, cuBLAS's start and the GPU's clocks */
  if (!epoch (model, loss, optimizer, x, y, &timing.first_loss, &error))
    goto failed;
  start = g_get_monotonic_time ();
  do
    {
      if (!epoch (model, loss, optimizer, x, y, &value, &error))
        goto failed;
      timing.epochs++;
      elapsed = g_get_monotonic_time () - start;
    }
  while ((elapsed < seconds * G_USEC_PER_SEC || timing.epochs < 3) && timing.epochs < 10000);
  timing.ms_per_epoch = elapsed / 1000.0 / timing.epochs;
  return timing;

failed:
  timing.error = g_strdup (error ? error->message : "unknown failure");
  return timing;
}

static GArray *
parse_widths (const char *text)
{
  g_auto (GStrv) parts = g_strsplit (text, ",", -1);
  GArray *widths = g_array_new (FALSE, FALSE, sizeof (int64_t));

  for (int i = 0; parts[i] != NULL; i++)
    {
      int64_t w = g_ascii_strtoll (parts[i], NULL, 10);
      if (w <= 0)
        {
          fprintf (stderr, "gpu-device-race: '%s' is not a width\n", parts[i]);
          exit (2);
        }
      g_array_append_val (widths, w);
    }
  return widths;
}

static void
print_cell (const Timing *t)
{
  if (t->error != NULL)
    printf (" | %12s", "failed");
  else if (isnan (t->ms_per_epoch))
    printf (" | %12s", "-");
  else
    printf (" | %12.3f", t->ms_per_epoch);
}

static void
print_gflops (double flops, const Timing *t)
{
  if (isnan (t->ms_per_epoch))
    printf (" | %9s", "-");
  else
    printf (" | %9.1f", flops / t->ms_per_epoch / 1e6);
}

int
main (int argc, char **argv)
{
  g_autofree char *widths_text = g_strdup ("16,64,256,1024,4096");
  int points = 8192;
  double seconds = 1.0;
  int cpu_max_width = 0;
  GOptionEntry entries[] = {
    { "widths", 0, 0, G_OPTION_ARG_STRING, &widths_text, "Hidden widths W, comma-separated", "W,…" },
    { "points", 0, 0, G_OPTION_ARG_INT, &points, "Data points (one full batch)", "N" },
    { "seconds", 0, 0, G_OPTION_ARG_DOUBLE, &seconds, "Time to measure per width and device (at least 3 epochs)", "S" },
    { "cpu-max-width", 0, 0, G_OPTION_ARG_INT, &cpu_max_width, "Skip the CPU above this width (0: never)", "W" },
    { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("— CPU against GPU, epoch time per width");
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) widths = NULL;
  g_autoptr (GPtrArray) devices = NULL;
  g_autoptr (GRand) rand = NULL;
  g_autoptr (NnbTensor) x = NULL, y = NULL;
  gboolean have_gpu;
  const char *gpu_label = NULL, *gpu_reason = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "gpu-device-race: %s\n", error->message);
      return 2;
    }
  if (points <= 0)
    {
      fprintf (stderr, "gpu-device-race: --points must be positive\n");
      return 2;
    }
  widths = parse_widths (widths_text);

  have_gpu = nnb_gpu_init ();
  devices = nnb_device_list ();
  for (guint i = 0; i < devices->len; i++)
    {
      NnbDeviceInfo *info = devices->pdata[i];
      if (info->device.type == NNB_DEVICE_CUDA && gpu_label == NULL)
        {
          gpu_label = info->label;
          gpu_reason = info->reason;
        }
    }

  /* the sine on [−3, 3): the data only has to be the same on both devices */
  rand = g_rand_new_with_seed (0);
  x = nnb_tensor_new_2d (points, 1);
  y = nnb_tensor_new_2d (points, 1);
  for (int i = 0; i < points; i++)
    {
      x->data[i] = (float) g_rand_double_range (rand, -3.0, 3.0);
      y->data[i] = sinf (x->data[i]);
    }

  printf ("1→W→W→1 ReLU MLP, %d points, full batch, MSE + SGD; time per epoch "
          "(forward, loss, zero_grad, backward, step)\n",
          points);
  printf ("CPU: %s\n", ((NnbDeviceInfo *) devices->pdata[0])->label);
  printf ("GPU: %s%s%s\n", gpu_label ? gpu_label : "none", gpu_reason ? " — " : "", gpu_reason ? gpu_reason : "");
  printf ("\n%6s | %10s | %12s | %12s | %8s | %9s | %9s | %9s\n",
          "W", "params", "CPU ms/ep", "GPU ms/ep", "speed-up", "CPU GF/s", "GPU GF/s", "loss0 rel");
  printf ("-------+------------+--------------+--------------+----------+-----------+-----------+----------\n");

  for (guint i = 0; i < widths->len; i++)
    {
      int64_t w = g_array_index (widths, int64_t, i);
      int64_t params = w + w + w * w + w + w + 1;
      /* the products' multiply-adds: forward and dW for all three layers
       * (2W + W² each), dX for the last two (W² + W; the input needs none) */
      double flops = 2.0 * points * (3.0 * w * w + 5.0 * w);
      Timing cpu = { NAN, 0, NAN, NULL }, gpu = { NAN, 0, NAN, NULL };

      if (cpu_max_width <= 0 || w <= cpu_max_width)
        cpu = time_device (w, nnb_device_cpu (), x, y, seconds);
      if (have_gpu)
        gpu = time_device (w, (NnbDevice){ NNB_DEVICE_CUDA, 0 }, x, y, seconds);

      printf ("%6" G_GINT64_FORMAT " | %10" G_GINT64_FORMAT, w, params);
      print_cell (&cpu);
      print_cell (&gpu);
      if (!isnan (cpu.ms_per_epoch) && !isnan (gpu.ms_per_epoch))
        printf (" | %8.2f", cpu.ms_per_epoch / gpu.ms_per_epoch);
      else
        printf (" | %8s", "-");
      print_gflops (flops, &cpu);
      print_gflops (flops, &gpu);
      /* both devices start from the same weights and data, so their first
       * losses differ by float rounding only: a check that the GPU computed
       * the same thing while it was being timed */
      if (!isnan (cpu.first_loss) && !isnan (gpu.first_loss))
        printf (" | %9.1e\n", fabs (gpu.first_loss - cpu.first_loss) / fabs (cpu.first_loss));
      else
        printf (" | %9s\n", "-");
      if (cpu.error)
        printf ("       CPU failed: %s\n", cpu.error);
      if (gpu.error)
        printf ("       GPU failed: %s\n", gpu.error);
      g_free (cpu.error);
      g_free (gpu.error);
      fflush (stdout);
    }
  return 0;
}
