/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-units.h — what each output unit of one block computes over the
 * input space: the block's output on a grid of inputs, one small picture
 * per unit (a curve over x for one input, a heat map over the plane for
 * two). The trainer fills it at snapshot cadence for the block the window
 * watches (nnb_trainer_watch_node); with no trainer running, the window
 * computes it from the model directly (nnb_units_compute). */
#pragma once

#include <glib.h>
#include "nnb-dataset.h"
#include "nnb-model.h"

G_BEGIN_DECLS

/* The most units drawn: a block with more output features shows none. */
#define NNB_UNITS_MAX 64

/* The two-input grid's cells along each side. */
#define NNB_UNITS_GRID_SIZE 32

typedef struct
{
  int node, layer; /* the block (nnb_model_node_output's arguments) */
  /* F of the block's (B, F) output; 0 when the output is not 2-D. Units
   * are only read when 0 < features <= NNB_UNITS_MAX. */
  int features;
  int units; /* features when read, else 0 (values NULL) */
  /* the grid: inputs 1 — size points x ascending, the plotting grid (x in
   * the snapshot's grid_x, or here in x); inputs 2 — size × size cells
   * tiling extent = { x₁ min, x₁ max, x₂ min, x₂ max }, cell (i, j) —
   * column i from the left, row j from the bottom — at point j * size + i
   * and evaluated at its centre, as the decision boundary's cells are. */
  int inputs;
  int size;
  double extent[4]; /* inputs 1: { x min, x max, 0, 0 } */
  float *x;         /* inputs 1: the size grid points; NULL for 2 */
  /* Unit-major: values[u * points + p] is unit u's value at point p
   * (points = size, or size² for two inputs): output[p, u] of the forward
   * on the grid, the same float. */
  float *values;
} NnbUnits;

void nnb_units_free (NnbUnits *units);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NnbUnits, nnb_units_free)

/* Points on the grid of a two-input model: the cell centres (size², 2) on
 * the host, as nnb_units_compute evaluates them. */
NnbTensor *nnb_units_plane_grid (const double extent[4], int size);

/* After a forward on the grid (inputs, size and extent as NnbUnits
 * describes; x the one-input grid's points, copied, or NULL), reads the
 * block's output. NULL when the block has no output in that forward. */
NnbUnits *nnb_units_read (NnbModel *model, int node, int layer, int inputs, int size,
                          const double extent[4], const float *x);

/* The whole job, on the calling thread (the model must be the caller's:
 * no trainer running on it): the model's input count decides the grid —
 * one input: n_grid points over [x_min, x_max] like the trainer's plotting
 * grid; two: NNB_UNITS_GRID_SIZE² cells over the data's extent
 * (nnb_class_boundary_extent). NULL with error when the model has another
 * number of inputs or the forward fails. */
NnbUnits *nnb_units_compute (NnbModel *model, const NnbDataset *data, int n_grid, double x_min,
                             double x_max, int node, int layer, GError **error);

G_END_DECLS
