/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-device-race.h — the device race: how long one training epoch takes
 * on each device as a model widens, so an instructor can show that small
 * networks run faster on the CPU and where a GPU starts to pay.
 *
 * For each width W (16, 32, … up to max_width) a 1→W→W→1 MLP (Tanh or
 * ReLU) trains full-batch on a fixed sine dataset with MSE and SGD, and
 * every device of nnb_device_list() is timed in turn. A device that cannot
 * be used still gets its rows, with the reason instead of a time. The run
 * is bounded: each cell measures for about seconds_per_cell, and once an
 * epoch on a device takes longer than give_up_seconds, that device's wider
 * rows are skipped with a reason that says so.
 *
 * Runs on any thread (the app runs it in a GTask): rows are handed to the
 * progress callback, on the running thread, as they are measured. */
#pragma once

#include <gio/gio.h>
#include "nnb-device.h"
#include "nnb-module.h"

G_BEGIN_DECLS

typedef struct
{
  int64_t max_width;        /* widths 16, 32, … up to this (rounded down to a power of two); default 4096 */
  int points;               /* data points in the one full batch; default 1024 */
  NnbModuleKind activation; /* NNB_MODULE_TANH (default) or NNB_MODULE_RELU */
  int cpu_threads;          /* OpenBLAS threads for the CPU's rows; 0 keeps the current number */
  double seconds_per_cell;  /* measuring time per width and device (at least one epoch); default 0.25 */
  double give_up_seconds;   /* an epoch slower than this ends a device's race; default 2 */
} NnbRaceOptions;

typedef struct
{
  int64_t width;
  NnbDevice device;
  char *device_label;  /* "CPU (OpenBLAS, 2 threads)", "NVIDIA H200 (139 GiB)", "CUDA" */
  double us_per_epoch; /* NAN when not measured */
  int epochs;          /* epochs measured (the unmeasured warm-up not counted) */
  char *reason;        /* NULL when measured; else why not ("CUDA: no NVIDIA driver found") */
} NnbRaceRow;

/* Called for every row as soon as it is known, on the thread running the
 * race; the row is the race's, valid until nnb_device_race_run returns.
 * Copy what is kept (nnb_race_row_copy). */
typedef void (*NnbRaceProgress) (const NnbRaceRow *row, gpointer user_data);

void nnb_race_options_init (NnbRaceOptions *options);

/* Runs the race. Returns every row (NnbRaceRow *, free with
 * g_ptr_array_unref), ordered by width and then by the device list's order,
 * or NULL with G_IO_ERROR_CANCELLED when cancellable was cancelled (the
 * rows so far have reached progress already). Restores the CPU's thread
 * count when it changed it. */
GPtrArray *nnb_device_race_run (const NnbRaceOptions *options,
                                GCancellable *cancellable,
                                NnbRaceProgress progress,
                                gpointer user_data,
                                GError **error);

/* Where `challenger` starts to win: the smallest width from which its time
 * is below `baseline`'s at that width and at every wider width where both
 * were measured; 0 when it never does (or when the two never share a
 * measured width). rows are NnbRaceRow *, in any order. */
int64_t nnb_device_race_crossover (GPtrArray *rows, NnbDevice baseline, NnbDevice challenger);

/* The parameters of the 1→W→W→1 MLP: W² + 4W + 1 */
int64_t nnb_device_race_parameters (int64_t width);

NnbRaceRow *nnb_race_row_copy (const NnbRaceRow *row);
void nnb_race_row_free (NnbRaceRow *row);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NnbRaceRow, nnb_race_row_free)

G_END_DECLS
