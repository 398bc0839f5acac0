/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-plot-boundary.h — class data with two inputs: the input plane (x₁
 * across, x₂ up, equal units where the room allows), every point in its
 * class's colour, over the model's decision boundary as a heat map — each
 * cell in its predicted class's colour, strong where the model is sure and
 * pale where it is not, or hard class regions when discretized. A pure
 * function of its arguments, like every plot (nnb-plot-axes.h). */
#pragma once

#include "nnb-plot-data.h"

G_BEGIN_DECLS

/* Classes with a colour of their own (nnb-dataset.h's most). */
#define NNB_PLOT_BOUNDARY_MAX_CLASSES 10

/* Class c wears series colour c (nnb-plot-marks.h), the accent first. */
/* One class's points: x₁ and x₂ in arrays of their own, so that a density
 * mask (nnb-plot-density.h) reads them in place. */
typedef struct
{
  const float *x1, *x2;
  int n;
} NnbClassPoints;

typedef struct
{
  int n_classes;                /* the data's; the legend names each */
  const NnbClassPoints *points; /* n_classes sets: the training points */
  const NnbClassPoints *test;   /* n_classes sets of held-out points (rings), or NULL */
  double extent[4];             /* the axes: x₁ min, x₁ max, x₂ min, x₂ max */
  /* The model's boundary as NnbSnapshot carries it (nnb-trainer.h):
   * size × size cells over boundary_extent, row 0 at the bottom, each
   * with its predicted class and that class's probability; size 0 for
   * none yet. */
  int boundary_size;
  int boundary_classes;
  double boundary_extent[4];
  const guint8 *boundary_class;
  const float *boundary_prob;
  gboolean discretize;    /* hard class regions, not the model's confidence */
  const char *message;    /* over the points while there is no boundary; may be NULL */
  const char *title;      /* NULL: "Decision Boundary"; a model with a mode names it */
  NnbPlotPointer pointer; /* read-out of the nearest point and the model's guess there */
  /* May be NULL. Keeps the points' density masks past
   * NNB_PLOT_DATA_MAX_DOTS points; owned by the caller, who resets it
   * when the points change. */
  NnbPlotDensity *density;
} NnbBoundarySeries;

void nnb_plot_boundary_draw (cairo_t *cr,
                             int width,
                             int height,
                             const NnbBoundarySeries *series,
                             const NnbPlotStyle *style);

/* nnb_plot_boundary_draw in parts, for a caller that keeps the ones that
 * stay while the model trains (the plots panel keeps the frame and the
 * points in surfaces): _frame draws the title, axes and legend and fills
 * *layout; _map the heat map; _points the points; _over the message and
 * the read-out. Drawn in that order they make the plot. */
void nnb_plot_boundary_draw_frame (cairo_t *cr,
                                   int width,
                                   int height,
                                   const NnbBoundarySeries *series,
                                   const NnbPlotStyle *style,
                                   NnbDataLayout *layout);
void nnb_plot_boundary_draw_map (cairo_t *cr,
                                 const NnbDataLayout *layout,
                                 const NnbBoundarySeries *series,
                                 const NnbPlotStyle *style);
void nnb_plot_boundary_draw_points (cairo_t *cr,
                                    const NnbDataLayout *layout,
                                    const NnbBoundarySeries *series,
                                    const NnbPlotStyle *style);
void nnb_plot_boundary_draw_over (cairo_t *cr,
                                  const NnbDataLayout *layout,
                                  const NnbBoundarySeries *series,
                                  const NnbPlotStyle *style);

G_END_DECLS
