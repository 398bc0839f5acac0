/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-plot-ticks.h — where an axis' numbers go and how they read: round
 * values of a scale (1, 2 or 5 times a power of ten; whole decades on a log
 * axis), sparser and sparser level by level until their labels fit (the
 * frame decides, nnb-plot-axes.c), and the labels' text. */
#pragma once

#include "nnb-plot-axes.h"

G_BEGIN_DECLS

/* Levels of sparseness: 0 the densest. A log axis labels every decade,
 * then every 2nd, 3rd, 5th, 10th … 100th. */
#define NNB_PLOT_TICK_LEVELS 9

/* Fills ticks (room for NNB_PLOT_MAX_TICKS) with round values inside scale
 * at level; returns how many, or -1 when that level would have more.
 * *decimals: how many a linear axis' step has (-2 for a step of 100). */
int nnb_plot_ticks (const NnbPlotScale *scale, int level, double *ticks, int *decimals);

/* A tick's label: "0.5", "1e+20"; a linear axis of huge values in
 * scientific notation, not as 39 digits. */
char *nnb_plot_tick_text (const NnbPlotScale *scale, double v, int decimals);

G_END_DECLS
