/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-app-benchmark.c — `nnblocks --benchmark` (hidden): the app's training
 * speed and frame times, for bench/app-speed.
 *
 * Speed: the trainer's snapshots carry the epoch, the time they were
 * published and the training thread's CPU time then. The rate is
 * (last epoch − first epoch) / (last time − first time), from the first
 * snapshot past epoch 0 to the one that ends the run, so opening the file
 * and starting the thread do not count; by wall time and by the training
 * thread's CPU time, which other processes on a shared machine do not
 * inflate (bench/app-speed compares each with the CLI's).
 *
 * Frame time: from the frame clock's before-paint to its after-paint, which
 * holds the tick callbacks (taking the snapshot, feeding the plots), layout
 * and drawing; by wall time and by the UI thread's CPU time, with the
 * interval between frames beside them. A frame under 16 ms keeps up with a
 * 60 Hz display. The first frames after training starts switch the window
 * over (buttons, the plots' first curves) and cost more than the rest: the
 * "steady" figures leave out the first half second.
 *
 * First frame: "first_frame_ms" is the process's age when the window first
 * painted a frame with the project open (its data plotted), from launch:
 * start-up, reading the file and generating the data included.
 *
 * For bench/frame-times: NNB_BENCH_SECONDS=S ends the run S seconds after
 * the first snapshot, even while the training goes on, and
 * NNB_BENCH_FRAMES=FILE writes one line per measured frame: its start (ms
 * since the first snapshot), the interval since the previous frame, its
 * duration, and the duration's phases — update (tick callbacks), layout,
 * paint — and the UI thread's CPU time in it, in ms. Each phase ends where this file's handler, connected after
 * GTK's own, runs. NNB_BENCH_TRAIN_AFTER_MS (nnb_app_benchmark_train_delay_ms)
 * separates the window's own first frames from training's. */
#include "nnb-app-benchmark.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define STEADY_AFTER_US 500000

guint
nnb_app_benchmark_train_delay_ms (void)
{
  const char *text = g_getenv ("NNB_BENCH_TRAIN_AFTER_MS");
  guint64 delay = text != NULL ? g_ascii_strtoull (text, NULL, 10) : 0;

  return (guint) MIN (delay, 60000);
}

typedef struct
{
  NnbWindow *window; /* not owned: the data dies with it */
  GdkFrameClock *clock;
  gulong before_id, after_id, update_id, layout_id, paint_id;
  gint64 update_end_us, layout_end_us, paint_end_us; /* the phases of the current frame */
  gint64 limit_us;                                   /* NNB_BENCH_SECONDS, or 0 */
  FILE *frames;                                      /* NNB_BENCH_FRAMES, or NULL */
  gint64 paint_start_us, paint_start_cpu_us, last_frame_us;
  GArray *paint_us;                  /* gint64 per frame while training */
  GArray *paint_cpu_us;              /* gint64: the UI thread's CPU time per frame */
  GArray *interval_us;               /* gint64 between frames while training */
  GArray *steady_us, *steady_cpu_us; /* the same, from STEADY_AFTER_US on */
  int first_epoch;
  gint64 first_us, first_cpu_us;
  double first_frame_ms; /* the process's age at the first frame with the project, or 0 */
  gboolean done;
} Benchmark;

/* How long ago the process started, in ms (to 1/CLK_TCK s: 10 ms), or 0
 * where /proc does not say: its start time in clock ticks since boot, the
 * 20th field after the command's closing parenthesis. */
static double
process_age_ms (void)
{
  g_autofree char *stat = NULL;
  g_auto (GStrv) fields = NULL;
  const char *after_command;
  struct timespec now;
  long ticks_per_s = sysconf (_SC_CLK_TCK);

  if (!g_file_get_contents ("/proc/self/stat", &stat, NULL, NULL) || (after_command = strrchr (stat, ')')) == NULL ||
      ticks_per_s <= 0 || clock_gettime (CLOCK_BOOTTIME, &now) != 0)
    return 0;
  fields = g_strsplit (after_command + 2, " ", 0);
  if (g_strv_length (fields) < 20)
    return 0;
  return (now.tv_sec + now.tv_nsec * 1e-9 - g_ascii_strtod (fields[19], NULL) / ticks_per_s) * 1000.0;
}

static gint64
thread_cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static int
compare_int64 (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

/* the p-quantile (0 … 1) of values, in ms; sorts them */
static double
quantile_ms (GArray *values, double p)
{
  if (values->len == 0)
    return 0.0;
  g_array_sort (values, compare_int64);
  return g_array_index (values, gint64, MIN (values->len - 1, (guint) (p * values->len))) / 1000.0;
}

static void
before_paint_cb (GdkFrameClock *clock, gpointer user_data)
{
  Benchmark *b = user_data;

  b->paint_start_us = g_get_monotonic_time ();
  b->paint_start_cpu_us = thread_cpu_us ();
}

static void
update_end_cb (GdkFrameClock *clock, gpointer user_data)
{
  ((Benchmark *) user_data)->update_end_us = g_get_monotonic_time ();
}

static void
layout_end_cb (GdkFrameClock *clock, gpointer user_data)
{
  ((Benchmark *) user_data)->layout_end_us = g_get_monotonic_time ();
}

static void
paint_end_cb (GdkFrameClock *clock, gpointer user_data)
{
  ((Benchmark *) user_data)->paint_end_us = g_get_monotonic_time ();
}

/* a phase's length in ms from its start and end marks; 0 when the phase did not run this frame */
static double
phase_ms (gint64 start, gint64 end)
{
  return end >= start && start > 0 ? (end - start) / 1000.0 : 0.0;
}

static void
write_frame (Benchmark *b, gint64 now, gint64 cpu)
{
  gint64 start = b->paint_start_us;
  gint64 update = MAX (b->update_end_us, start), layout = MAX (b->layout_end_us, update);
  gint64 paint = MAX (b->paint_end_us, layout);

  fprintf (b->frames, "%.3f %.3f %.3f %.3f %.3f %.3f %.3f\n", (start - b->first_us) / 1000.0,
           b->last_frame_us != 0 ? (start - b->last_frame_us) / 1000.0 : 0.0, (now - start) / 1000.0,
           phase_ms (start, update), phase_ms (update, layout), phase_ms (layout, paint), cpu / 1000.0);
}

static void
after_paint_cb (GdkFrameClock *clock, gpointer user_data)
{
  Benchmark *b = user_data;
  gint64 now = g_get_monotonic_time ();
  gint64 wall = now - b->paint_start_us;
  gint64 cpu = thread_cpu_us () - b->paint_start_cpu_us;

  /* the first frame that shows the project: its data plotted, its model drawn */
  if (b->first_frame_ms == 0 && nnb_window_get_document (b->window) != NULL)
    b->first_frame_ms = process_age_ms ();
  /* only frames while the training is measured */
  if (b->first_us == 0 || b->done || b->paint_start_us == 0)
    return;
  if (b->frames != NULL)
    write_frame (b, now, cpu);
  g_array_append_val (b->paint_us, wall);
  g_array_append_val (b->paint_cpu_us, cpu);
  if (b->paint_start_us - b->first_us >= STEADY_AFTER_US)
    {
      g_array_append_val (b->steady_us, wall);
      g_array_append_val (b->steady_cpu_us, cpu);
    }
  if (b->last_frame_us != 0)
    {
      gint64 interval = b->paint_start_us - b->last_frame_us;
      g_array_append_val (b->interval_us, interval);
    }
  b->last_frame_us = b->paint_start_us;
}

static void
benchmark_free (gpointer data)
{
  Benchmark *b = data;

  if (b->clock != NULL)
    {
      g_clear_signal_handler (&b->before_id, b->clock);
      g_clear_signal_handler (&b->after_id, b->clock);
      g_clear_signal_handler (&b->update_id, b->clock);
      g_clear_signal_handler (&b->layout_id, b->clock);
      g_clear_signal_handler (&b->paint_id, b->clock);
      g_object_unref (b->clock);
    }
  if (b->frames != NULL)
    fclose (b->frames);
  g_array_unref (b->paint_us);
  g_array_unref (b->paint_cpu_us);
  g_array_unref (b->interval_us);
  g_array_unref (b->steady_us);
  g_array_unref (b->steady_cpu_us);
  g_free (b);
}

/* trainer: stopped before quitting, since a worker still inside OpenBLAS
 * while the process exits crashes there */
static void
finish (Benchmark *b, NnbTrainer *trainer, const NnbSnapshot *snapshot)
{
  double seconds = (snapshot->published_us - b->first_us) * 1e-6;
  double cpu_seconds = (snapshot->worker_cpu_us - b->first_cpu_us) * 1e-6;
  int epochs = snapshot->epoch - b->first_epoch;

  printf ("{\"engine\": \"nnblocks-app\", \"epochs\": %d, \"seconds\": %.6f, \"epochs_per_s\": %.1f, "
          "\"trainer_cpu_seconds\": %.6f, \"epochs_per_cpu_s\": %.1f, \"frames\": %u, "
          "\"frame_ms_median\": %.3f, \"frame_ms_p99\": %.3f, \"frame_ms_max\": %.3f, "
          "\"frame_cpu_ms_median\": %.3f, \"frame_cpu_ms_p99\": %.3f, \"frame_cpu_ms_max\": %.3f, "
          "\"frame_interval_ms_median\": %.3f, \"frame_interval_ms_max\": %.3f, "
          "\"steady_frames\": %u, \"steady_frame_ms_max\": %.3f, \"steady_frame_cpu_ms_p99\": %.3f, "
          "\"steady_frame_cpu_ms_max\": %.3f, \"first_frame_ms\": %.1f, \"final_loss\": %.9g}\n",
          epochs, seconds, seconds > 0 ? epochs / seconds : 0.0,
          cpu_seconds, cpu_seconds > 0 ? epochs / cpu_seconds : 0.0, b->paint_us->len,
          quantile_ms (b->paint_us, 0.5), quantile_ms (b->paint_us, 0.99), quantile_ms (b->paint_us, 1.0),
          quantile_ms (b->paint_cpu_us, 0.5), quantile_ms (b->paint_cpu_us, 0.99), quantile_ms (b->paint_cpu_us, 1.0),
          quantile_ms (b->interval_us, 0.5), quantile_ms (b->interval_us, 1.0),
          b->steady_us->len, quantile_ms (b->steady_us, 1.0), quantile_ms (b->steady_cpu_us, 0.99),
          quantile_ms (b->steady_cpu_us, 1.0), b->first_frame_ms, snapshot->loss);
  fflush (stdout);
  if (b->frames != NULL)
    {
      fclose (b->frames);
      b->frames = NULL;
    }
  b->done = TRUE;
  nnb_trainer_stop (trainer);
  g_application_quit (g_application_get_default ());
}

static gboolean
tick_cb (GtkWidget *widget, GdkFrameClock *clock, gpointer user_data)
{
  Benchmark *b = user_data;
  NnbDocument *document = nnb_window_get_document (b->window);
  NnbTrainer *trainer = document != NULL ? nnb_document_get_trainer (document) : NULL;
  g_autoptr (NnbSnapshot) snapshot = NULL;

  if (b->done)
    return G_SOURCE_REMOVE;
  if (b->clock == NULL)
    {
      b->clock = g_object_ref (clock);
      b->before_id = g_signal_connect (clock, "before-paint", G_CALLBACK (before_paint_cb), b);
      b->after_id = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), b);
      b->update_id = g_signal_connect_after (clock, "update", G_CALLBACK (update_end_cb), b);
      b->layout_id = g_signal_connect_after (clock, "layout", G_CALLBACK (layout_end_cb), b);
      b->paint_id = g_signal_connect_after (clock, "paint", G_CALLBACK (paint_end_cb), b);
    }
  if (trainer == NULL)
    return G_SOURCE_CONTINUE;

  snapshot = nnb_trainer_get_snapshot (trainer);
  if (b->first_us == 0 && snapshot->epoch > 0)
    {
      b->first_epoch = snapshot->epoch;
      b->first_us = snapshot->published_us;
      b->first_cpu_us = snapshot->worker_cpu_us;
    }
  if (b->first_us != 0 && ((snapshot->state != NNB_TRAINER_RUNNING && snapshot->state != NNB_TRAINER_IDLE) || (b->limit_us > 0 && g_get_monotonic_time () - b->first_us >= b->limit_us)))
    {
      finish (b, trainer, snapshot);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

void
nnb_app_benchmark_attach (NnbWindow *window)
{
  Benchmark *b = g_new0 (Benchmark, 1);

  b->window = window;
  b->paint_us = g_array_new (FALSE, FALSE, sizeof (gint64));
  b->paint_cpu_us = g_array_new (FALSE, FALSE, sizeof (gint64));
  b->interval_us = g_array_new (FALSE, FALSE, sizeof (gint64));
  b->steady_us = g_array_new (FALSE, FALSE, sizeof (gint64));
  b->steady_cpu_us = g_array_new (FALSE, FALSE, sizeof (gint64));
  if (g_getenv ("NNB_BENCH_SECONDS") != NULL)
    b->limit_us = (gint64) (g_ascii_strtod (g_getenv ("NNB_BENCH_SECONDS"), NULL) * G_USEC_PER_SEC);
  if (g_getenv ("NNB_BENCH_FRAMES") != NULL)
    b->frames = fopen (g_getenv ("NNB_BENCH_FRAMES"), "w");
  g_object_set_data_full (G_OBJECT (window), "nnb-app-benchmark", b, benchmark_free);
  gtk_widget_add_tick_callback (GTK_WIDGET (window), tick_cb, b, NULL);
}
