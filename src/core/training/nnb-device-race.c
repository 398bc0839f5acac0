/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-device-race.c — times one training epoch per width and device (see
 * nnb-device-race.h). The epoch is the page's loop: forward, loss,
 * zero_grad, backward, step, with the loss read back every epoch as the
 * app's loss plot does; so the GPU's times include the copies and launches
 * a real run pays, which is the point of the race. */
#include "nnb-device-race.h"
#include "nnb-training-private.h"

#include <math.h>
#include "nnb-backend.h"
#include "nnb-loss.h"
#include "nnb-model.h"
#include "nnb-optimizer.h"
#include "nnb-rng.h"

#define MIN_WIDTH 16

static gint
compare_int64 (gconstpointer a, gconstpointer b)
{
  int64_t x = *(const int64_t *) a, y = *(const int64_t *) b;
  return x < y ? -1 : x > y;
}

void
nnb_race_options_init (NnbRaceOptions *options)
{
  *options = (NnbRaceOptions){
    .max_width = 4096,
    .points = 1024,
    .activation = NNB_MODULE_TANH,
    .cpu_threads = 0,
    .seconds_per_cell = 0.25,
    .give_up_seconds = 2.0,
  };
}

GArray *
nnb_device_race_widths (const NnbRaceOptions *options)
{
  GArray *widths = g_array_new (FALSE, FALSE, sizeof (int64_t));

  for (int64_t w = MIN_WIDTH; w <= MAX (options->max_width, MIN_WIDTH); w *= 2)
    g_array_append_val (widths, w);
  return widths;
}

NnbRaceRow *
nnb_race_row_copy (const NnbRaceRow *row)
{
  NnbRaceRow *copy = g_new (NnbRaceRow, 1);

  *copy = *row;
  copy->device_label = g_strdup (row->device_label);
  copy->reason = g_strdup (row->reason);
  return copy;
}

void
nnb_race_row_free (NnbRaceRow *row)
{
  if (row == NULL)
    return;
  g_free (row->device_label);
  g_free (row->reason);
  g_free (row);
}

int64_t
nnb_device_race_parameters (int64_t width)
{
  /* (W + W) + (W² + W) + (W + 1) */
  return width * width + 4 * width + 1;
}

static double
time_at (GPtrArray *rows, NnbDevice device, int64_t width)
{
  for (guint i = 0; i < rows->len; i++)
    {
      const NnbRaceRow *row = rows->pdata[i];
      if (row->width == width && nnb_device_equal (row->device, device))
        return row->us_per_epoch;
    }
  return NAN;
}

int64_t
nnb_device_race_crossover (GPtrArray *rows, NnbDevice baseline, NnbDevice challenger)
{
  g_autoptr (GArray) widths = g_array_new (FALSE, FALSE, sizeof (int64_t));
  int64_t from = 0;

  for (guint i = 0; i < rows->len; i++)
    {
      const NnbRaceRow *row = rows->pdata[i];
      gboolean known = FALSE;
      for (guint j = 0; j < widths->len && !known; j++)
        known = g_array_index (widths, int64_t, j) == row->width;
      if (!known)
        g_array_append_val (widths, row->width);
    }
  g_array_sort (widths, compare_int64);
  /* from the widest down: the crossover is where the winning streak ends */
  for (guint j = widths->len; j-- > 0;)
    {
      int64_t w = g_array_index (widths, int64_t, j);
      double base = time_at (rows, baseline, w), chal = time_at (rows, challenger, w);
      if (isnan (base) || isnan (chal))
        continue;
      if (chal >= base)
        break;
      from = w;
    }
  return from;
}

static NnbModel *
build_mlp (int64_t width, NnbModuleKind activation, GError **error)
{
  g_autofree NnbGenerator *gen = nnb_generator_new (0);
  NnbModule *modules[5] = { NULL };
  NnbModel *model = NULL;

  /* the same weights on every device: one seed per model */
  modules[0] = nnb_linear_new (1, width, TRUE, gen, error);
  modules[2] = modules[0] ? nnb_linear_new (width, width, TRUE, gen, error) : NULL;
  modules[4] = modules[2] ? nnb_linear_new (width, 1, TRUE, gen, error) : NULL;
  modules[1] = nnb_activation_new (activation);
  modules[3] = nnb_activation_new (activation);
  if (modules[4] != NULL)
    model = nnb_model_new_sequential (modules, G_N_ELEMENTS (modules));
  for (guint i = 0; i < G_N_ELEMENTS (modules); i++)
    if (modules[i] != NULL)
      nnb_module_unref (modules[i]);
  return model;
}

static gboolean
run_epoch (NnbModel *model, NnbLoss *loss, NnbOptimizer *optimizer, NnbTensor *x, NnbTensor *y, GError **error)
{
  NnbTensor *pred = nnb_model_forward (model, x, error);
  double value;

  if (pred == NULL || !nnb_loss_forward (loss, pred, y, &value, error))
    return FALSE;
  nnb_optimizer_zero_grad (optimizer);
  return nnb_model_backward (model, nnb_loss_grad (loss), error) && nnb_optimizer_step (optimizer, error);
}

/* Fills row's time, or its reason. Returns FALSE only when cancelled. */
static gboolean
time_cell (NnbRaceRow *row, const NnbRaceOptions *options, const NnbTensor *x_cpu, const NnbTensor *y_cpu,
           GCancellable *cancellable, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autoptr (NnbModel) model = NULL;
  g_autoptr (NnbOptimizer) optimizer = NULL;
  g_autoptr (NnbLoss) loss = nnb_loss_new (NNB_LOSS_MSE);
  g_autoptr (NnbTensor) x = NULL, y = NULL;
  NnbOptimizerOptions optimizer_options;
  gint64 start, elapsed = 0;

  model = build_mlp (row->width, options->activation, &local_error);
  /* the page's order: model.to(device), then the optimizer */
  if (model == NULL || !nnb_model_to (model, row->device, &local_error))
    goto failed;
  nnb_optimizer_options_init (&optimizer_options, NNB_OPTIMIZER_SGD);
  /* small enough that no width diverges: nan would time other paths */
  optimizer_options.lr = 1e-4;
  optimizer = nnb_optimizer_new (model, &optimizer_options, &local_error);
  if (optimizer == NULL)
    goto failed;
  x = nnb_tensor_to (x_cpu, row->device, &local_error);
  y = x ? nnb_tensor_to (y_cpu, row->device, &local_error) : NULL;
  if (y == NULL)
    goto failed;

  /* one epoch unmeasured: the executor's buffers, cuBLAS's start, the
   * GPU's clocks */
  if (!run_epoch (model, loss, optimizer, x, y, &local_error))
    goto failed;
  start = g_get_monotonic_time ();
  while (row->epochs < 1 || (elapsed < options->seconds_per_cell * G_USEC_PER_SEC && row->epochs < 100000))
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (!run_epoch (model, loss, optimizer, x, y, &local_error))
        goto failed;
      row->epochs++;
      elapsed = g_get_monotonic_time () - start;
    }
  row->us_per_epoch = (double) elapsed / row->epochs;
  return TRUE;

failed:
  row->epochs = 0;
  row->reason = g_strdup (local_error != NULL ? local_error->message : "the epoch failed");
  return TRUE;
}

/* The sine on [−3, 3): the data only has to be the same on every device */
static void
make_data (int points, NnbTensor **x, NnbTensor **y)
{
  g_autofree NnbGenerator *gen = nnb_generator_new (1);

  *x = nnb_tensor_new_2d (points, 1);
  *y = nnb_tensor_new_2d (points, 1);
  nnb_rng_uniform (gen, (*x)->data, points, -3.0, 3.0);
  for (int i = 0; i < points; i++)
    (*y)->data[i] = sinf ((*x)->data[i]);
}

/* What is raced: every device of the list, with the reason for those that
 * cannot run. The CUDA backend computes on the current device, cuda:0,
 * whatever a tensor's index says, so a second GPU would be timed on the
 * first: it is listed with that reason instead. */
static char *
device_reason (const NnbDeviceInfo *info)
{
  if (!info->available)
    return g_strdup (info->reason != NULL ? info->reason : "unavailable");
  if (info->device.type == NNB_DEVICE_CUDA && info->device.index != 0)
    return g_strdup ("not raced: NN Blocks trains on cuda:0 only");
  return NULL;
}

GPtrArray *
nnb_device_race_run (const NnbRaceOptions *options,
                     GCancellable *cancellable,
                     NnbRaceProgress progress,
                     gpointer user_data,
                     GError **error)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) nnb_race_row_free);
  g_autoptr (GPtrArray) devices = NULL;
  g_autoptr (GArray) widths = nnb_device_race_widths (options);
  g_autoptr (NnbTensor) x = NULL, y = NULL;
  g_autofree int64_t *gave_up_at = NULL;
  int old_threads = nnb_backend_cpu_get_threads ();
  gboolean cancelled = FALSE;

  g_return_val_if_fail (options->points > 0, NULL);
  if (options->cpu_threads > 0)
    nnb_backend_cpu_set_threads (options->cpu_threads);
  /* listed after the threads are set, so the CPU's label tells them */
  devices = nnb_device_list ();
  gave_up_at = g_new0 (int64_t, devices->len);
  make_data (options->points, &x, &y);

  for (guint w = 0; w < widths->len && !cancelled; w++)
    for (guint d = 0; d < devices->len && !cancelled; d++)
      {
        const NnbDeviceInfo *info = devices->pdata[d];
        NnbRaceRow *row;

        if (g_cancellable_set_error_if_cancelled (cancellable, error))
          {
            cancelled = TRUE;
            break;
          }
        row = g_new0 (NnbRaceRow, 1);

        row->width = g_array_index (widths, int64_t, w);
        row->device = info->device;
        row->device_label = g_strdup (info->label);
        row->us_per_epoch = NAN;
        row->reason = device_reason (info);
        if (row->reason == NULL && gave_up_at[d] > 0)
          row->reason = g_strdup_printf ("skipped: an epoch at width %" G_GINT64_FORMAT " took longer than %g s",
                                         gave_up_at[d], options->give_up_seconds);
        if (row->reason == NULL)
          {
            cancelled = !time_cell (row, options, x, y, cancellable, error);
            if (!isnan (row->us_per_epoch) && row->us_per_epoch > options->give_up_seconds * G_USEC_PER_SEC)
              gave_up_at[d] = row->width;
          }
        if (cancelled)
          {
            nnb_race_row_free (row);
            break;
          }
        g_ptr_array_add (rows, row);
        if (progress != NULL)
          progress (row, user_data);
      }

  if (options->cpu_threads > 0)
    nnb_backend_cpu_set_threads (old_threads);
  if (cancelled)
    return NULL;
  return g_steal_pointer (&rows);
}
