/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-plot-units.h — inside every unit: one small plot per output unit of
 * a block, in rows of small multiples — a curve over x for a model with
 * one input, a heat map over the input plane for two (a diverging colour
 * map, white at 0, one scale for every unit so their sizes compare). A
 * pure function of its arguments, like every plot (nnb-plot-axes.h). */
#pragma once

#include "nnb-plot-style.h"
#include "nnb-units.h"

G_BEGIN_DECLS

typedef struct
{
  const NnbUnits *units; /* units->units plots; NULL or none: nothing drawn */
  /* what each plot's label names, PyTorch's way: "net[1]" labels unit 7
   * "net[1][:, 7]", the column of the block's (B, F) output */
  const char *block;
} NnbUnitsSeries;

/* How the plots tile width: columns, and each cell's size (label
 * included), in Cairo units. */
void nnb_plot_units_layout (int width, const NnbUnitsSeries *series, const NnbPlotStyle *style, int *columns,
                            double *cell_width, double *cell_height);
/* The height the plots take at width: what a scrolled view asks for. */
int nnb_plot_units_height (int width, const NnbUnitsSeries *series, const NnbPlotStyle *style);
/* Unit u's plot area (x, y, width, height), without its label. */
void nnb_plot_units_cell (int width, const NnbUnitsSeries *series, const NnbPlotStyle *style, int u,
                          double rect[4]);

void nnb_plot_units_draw (cairo_t *cr, int width, int height, const NnbUnitsSeries *series,
                          const NnbPlotStyle *style);

G_END_DECLS
