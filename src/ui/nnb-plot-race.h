/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-plot-race.h — the device race (nnb-device-race.h) as a plot: time per
 * epoch against the hidden width on log–log axes, one line per device, a
 * legend that names a device that could not run and why, and the
 * crossover marked where a GPU starts to beat the CPU. A pure function of
 * its arguments, like every plot (nnb-plot-axes.h). */
#pragma once

#include "nnb-plot-axes.h"
#include "nnb-device-race.h"

G_BEGIN_DECLS

typedef struct
{
  const NnbRaceRow *const *rows; /* in the race's order; may be NULL when n_rows is 0 */
  guint n_rows;
  const char *message; /* shown while there is no row (NULL: a default) */
} NnbRaceSeries;

void nnb_plot_race_draw (cairo_t *cr,
                         int width,
                         int height,
                         const NnbRaceSeries *series,
                         const NnbPlotStyle *style);

G_END_DECLS
