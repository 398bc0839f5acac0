/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-app-benchmark.h — `nnblocks --benchmark`: how fast the app trains
 * with its plots animating, and how long its frames take (bench/app-speed). */
#pragma once

#include "nnb-window.h"

G_BEGIN_DECLS

/* Watches the window's training from the first epoch to the end of the run,
 * then prints one JSON line on stdout (epochs per second between the first
 * and the last snapshot, and the frames' paint times) and quits the
 * application. */
void nnb_app_benchmark_attach (NnbWindow *window);
/* NNB_BENCH_TRAIN_AFTER_MS=N: --train presses Train N ms after the file
 * opened, on a window that has drawn itself, as a student does; 0 (unset):
 * at once, so the first frames of training are also the window's first. */
guint nnb_app_benchmark_train_delay_ms (void);

G_END_DECLS
