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

G_END_DECLS
