/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-device-race.c — the device race on the CPU: a row per width and
 * device, rows handed over as they come, cancelling, the bound on a slow
 * device, and the reason on a device that cannot run. */
#include <glib.h>
#include <math.h>
#include "nnb-backend.h"
#include "nnb-device-race.h"
#include "nnb-training-private.h"

/* a race that takes milliseconds: widths 16 and 32, 16 points */
static void
tiny_options (NnbRaceOptions *options)
{
  nnb_race_options_init (options);
  options->max_width = 32;
  options->points = 16;
  options->seconds_per_cell = 0.01;
}

static void
collect_row (const NnbRaceRow *row, gpointer user_data)
{
  g_ptr_array_add (user_data, nnb_race_row_copy (row));
}

static void
test_widths_double_from_16 (void)
{
  NnbRaceOptions options;
  g_autoptr (GArray) widths = NULL;

  nnb_race_options_init (&options);
  g_assert_cmpint (options.max_width, ==, 4096);
  widths = nnb_device_race_widths (&options);
  g_assert_cmpuint (widths->len, ==, 9);
  g_assert_cmpint (g_array_index (widths, int64_t, 0), ==, 16);
  g_assert_cmpint (g_array_index (widths, int64_t, 8), ==, 4096);
  g_clear_pointer (&widths, g_array_unref);
  /* not a power of two: the widths stop below it */
  options.max_width = 100;
  widths = nnb_device_race_widths (&options);
  g_assert_cmpuint (widths->len, ==, 3);
  g_assert_cmpint (g_array_index (widths, int64_t, 2), ==, 64);
}

static void
test_tiny_race_gives_a_row_per_width_and_device (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) devices = nnb_device_list ();
  g_autoptr (GPtrArray) seen = g_ptr_array_new_with_free_func ((GDestroyNotify) nnb_race_row_free);
  g_autoptr (GPtrArray) rows = NULL;
  NnbRaceOptions options;

  tiny_options (&options);
  rows = nnb_device_race_run (&options, NULL, collect_row, seen, &error);
  g_assert_no_error (error);
  g_assert_nonnull (rows);
  g_assert_cmpuint (rows->len, ==, 2 * devices->len);
  g_assert_cmpuint (seen->len, ==, rows->len);

  for (guint i = 0; i < rows->len; i++)
    {
      const NnbRaceRow *row = rows->pdata[i], *got = seen->pdata[i];
      const NnbDeviceInfo *info = devices->pdata[i % devices->len];

      /* ordered by width, then as the device list */
      g_assert_cmpint (row->width, ==, i < devices->len ? 16 : 32);
      g_assert_true (nnb_device_equal (row->device, info->device));
      g_assert_cmpstr (row->device_label, ==, info->label);
      /* the progress callback saw the same rows, in the same order */
      g_assert_cmpint (got->width, ==, row->width);
      g_assert_cmpstr (got->device_label, ==, row->device_label);
      if (row->device.type == NNB_DEVICE_CPU)
        {
          g_assert_null (row->reason);
          g_assert_cmpint (row->epochs, >=, 1);
          g_assert_cmpfloat (row->us_per_epoch, >, 0.0);
          g_assert_cmpfloat (row->us_per_epoch, <, 1e6);
        }
    }
}

/* Without a usable GPU the CUDA rows are there, with the device list's
 * reason and no time: the plot and the table name the device and say why */
static void
test_unavailable_cuda_rows_carry_the_reason (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) devices = nnb_device_list ();
  g_autoptr (GPtrArray) rows = NULL;
  NnbRaceOptions options;
  guint cuda_rows = 0;

  tiny_options (&options);
  rows = nnb_device_race_run (&options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < rows->len; i++)
    {
      const NnbRaceRow *row = rows->pdata[i];
      const NnbDeviceInfo *info = devices->pdata[i % devices->len];

      if (row->device.type != NNB_DEVICE_CUDA || info->available)
        continue;
      cuda_rows++;
      g_assert_true (isnan (row->us_per_epoch));
      g_assert_cmpint (row->epochs, ==, 0);
      g_assert_cmpstr (row->reason, ==, info->reason);
      g_assert_true (g_str_has_prefix (row->reason, "CUDA: "));
    }
  /* this program links no CUDA backend: "CUDA: this build has no CUDA backend" */
  g_assert_cmpuint (cuda_rows, ==, 2);
}

static void
cancel_after_first_row (const NnbRaceRow *row, gpointer user_data)
{
  GCancellable *cancellable = user_data;
  guint *count = g_object_get_data (G_OBJECT (cancellable), "count");

  (*count)++;
  g_cancellable_cancel (cancellable);
}

static void
test_cancel_stops_the_race (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GPtrArray) rows = NULL;
  NnbRaceOptions options;
  guint count = 0;

  tiny_options (&options);
  /* were it not stopped, this race would go on to 4096 */
  options.max_width = 4096;
  g_object_set_data (G_OBJECT (cancellable), "count", &count);
  rows = nnb_device_race_run (&options, cancellable, cancel_after_first_row, cancellable, &error);
  g_assert_null (rows);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (count, ==, 1);
}

static gpointer
cancel_soon (gpointer data)
{
  g_usleep (100 * 1000);
  g_cancellable_cancel (data);
  return NULL;
}

/* Cancelled from another thread (the app's Stop button) in the middle of
 * a cell: the race notices between epochs, not at the end of the cell */
static void
test_cancel_from_another_thread_is_prompt (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GPtrArray) rows = NULL;
  NnbRaceOptions options;
  GThread *thread;
  gint64 start = g_get_monotonic_time ();

  tiny_options (&options);
  options.seconds_per_cell = 60;
  thread = g_thread_new ("cancel", cancel_soon, cancellable);
  rows = nnb_device_race_run (&options, cancellable, NULL, NULL, &error);
  g_thread_join (thread);
  g_assert_null (rows);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
}

static void
test_cancelled_before_start_gives_no_rows (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GPtrArray) seen = g_ptr_array_new_with_free_func ((GDestroyNotify) nnb_race_row_free);
  g_autoptr (GPtrArray) rows = NULL;
  NnbRaceOptions options;

  tiny_options (&options);
  g_cancellable_cancel (cancellable);
  rows = nnb_device_race_run (&options, cancellable, collect_row, seen, &error);
  g_assert_null (rows);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (seen->len, ==, 0);
}

/* A device slower than give_up_seconds at one width is not timed at the
 * wider ones: the race stays bounded */
static void
test_slow_device_skips_wider_rows (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) rows = NULL;
  NnbRaceOptions options;
  const NnbRaceRow *first = NULL, *second = NULL;

  tiny_options (&options);
  options.max_width = 64;
  options.give_up_seconds = 1e-9;
  rows = nnb_device_race_run (&options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < rows->len; i++)
    {
      const NnbRaceRow *row = rows->pdata[i];
      if (row->device.type != NNB_DEVICE_CPU)
        continue;
      if (row->width == 16)
        first = row;
      else if (row->width == 32)
        second = row;
      else
        g_assert_cmpstr (row->reason, ==, second->reason);
    }
  g_assert_nonnull (first);
  g_assert_nonnull (second);
  g_assert_null (first->reason);
  g_assert_false (isnan (first->us_per_epoch));
  g_assert_true (isnan (second->us_per_epoch));
  g_assert_cmpstr (second->reason, ==, "skipped: an epoch at width 16 took longer than 1e-09 s");
}

/* The CPU's rows run with the threads asked for, and the engine's own
 * setting comes back afterwards */
static void
test_threads_are_restored (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) rows = NULL;
  NnbRaceOptions options;

  nnb_backend_cpu_set_threads (1);
  tiny_options (&options);
  options.max_width = 16;
  options.cpu_threads = 2;
  rows = nnb_device_race_run (&options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (((NnbRaceRow *) rows->pdata[0])->device_label, ==, "CPU (OpenBLAS, 2 threads)");
  g_assert_cmpint (nnb_backend_cpu_get_threads (), ==, 1);
}

static void
add_row (GPtrArray *rows, int64_t width, NnbDevice device, double us)
{
  NnbRaceRow *row = g_new0 (NnbRaceRow, 1);

  row->width = width;
  row->device = device;
  row->us_per_epoch = us;
  g_ptr_array_add (rows, row);
}

/* Small nets faster on the CPU, wide ones on the GPU: the crossover is the
 * first width of the GPU's winning streak, not a lucky narrow one */
static void
test_crossover_is_where_the_streak_starts (void)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) nnb_race_row_free);
  NnbDevice cpu = nnb_device_cpu (), gpu = { NNB_DEVICE_CUDA, 0 };

  add_row (rows, 16, cpu, 10);
  add_row (rows, 16, gpu, 8); /* a lucky narrow win */
  add_row (rows, 32, cpu, 20);
  add_row (rows, 32, gpu, 30);
  add_row (rows, 64, cpu, 80);
  add_row (rows, 64, gpu, 40);
  add_row (rows, 128, gpu, 50); /* the CPU gave up here: no time */
  add_row (rows, 128, cpu, NAN);
  g_assert_cmpint (nnb_device_race_crossover (rows, cpu, gpu), ==, 64);
  /* the CPU never wins at the widest width, so it has no crossover */
  g_assert_cmpint (nnb_device_race_crossover (rows, gpu, cpu), ==, 0);
  g_ptr_array_set_size (rows, 0);
  add_row (rows, 16, cpu, 10);
  add_row (rows, 16, gpu, NAN);
  g_assert_cmpint (nnb_device_race_crossover (rows, cpu, gpu), ==, 0);
}

static void
test_parameters_of_the_mlp (void)
{
  /* Linear(1, 16) 32, Linear(16, 16) 272, Linear(16, 1) 17 */
  g_assert_cmpint (nnb_device_race_parameters (16), ==, 321);
  g_assert_cmpint (nnb_device_race_parameters (4096), ==, 16793601);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/device-race/widths-double-from-16", test_widths_double_from_16);
  g_test_add_func ("/device-race/tiny-race-gives-a-row-per-width-and-device",
                   test_tiny_race_gives_a_row_per_width_and_device);
  g_test_add_func ("/device-race/unavailable-cuda-rows-carry-the-reason", test_unavailable_cuda_rows_carry_the_reason);
  g_test_add_func ("/device-race/cancel-stops-the-race", test_cancel_stops_the_race);
  g_test_add_func ("/device-race/cancel-from-another-thread-is-prompt", test_cancel_from_another_thread_is_prompt);
  g_test_add_func ("/device-race/cancelled-before-start-gives-no-rows", test_cancelled_before_start_gives_no_rows);
  g_test_add_func ("/device-race/slow-device-skips-wider-rows", test_slow_device_skips_wider_rows);
  g_test_add_func ("/device-race/threads-are-restored", test_threads_are_restored);
  g_test_add_func ("/device-race/crossover-is-where-the-streak-starts", test_crossover_is_where_the_streak_starts);
  g_test_add_func ("/device-race/parameters-of-the-mlp", test_parameters_of_the_mlp);

  return g_test_run ();
}
