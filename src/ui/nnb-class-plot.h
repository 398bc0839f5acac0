/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-class-plot.h — the plots panel's data plot for class data with two
 * inputs (the picture is nnb-plot-boundary.h's): the points split by
 * class, their density masks, and the frame and the points kept in
 * surfaces between frames, so that a frame while the model trains draws
 * only the heat map of its decision boundary anew. */
#pragma once

#include "nnb-plot-boundary.h"
#include "nnb-trainer.h"

G_BEGIN_DECLS

typedef struct _NnbClassPlot NnbClassPlot;

NnbClassPlot *nnb_class_plot_new (void);
void nnb_class_plot_free (NnbClassPlot *self);

/* Takes a copy of data's points when it is class data with two inputs
 * (n_classes > 0, x of shape (n, 2)), test rows too, with the axes
 * spanning nnb_class_boundary_extent, as the trainer's boundary does;
 * anything else (or NULL) forgets them. TRUE when it took them. */
gboolean nnb_class_plot_set_data (NnbClassPlot *self, const NnbDataset *data);
/* Whether it has points: the data plot is this one. */
gboolean nnb_class_plot_is_shown (NnbClassPlot *self);
int nnb_class_plot_get_n_points (NnbClassPlot *self); /* training points */
int nnb_class_plot_get_n_classes (NnbClassPlot *self);

/* What the plot shows for snapshot (may be NULL: nothing trained), hard
 * regions or not: series points into self and snapshot, which must
 * outlive it. */
void nnb_class_plot_get_series (NnbClassPlot *self, const NnbSnapshot *snapshot, gboolean discretize,
                                NnbBoundarySeries *series);

/* Draws series on screen into cr, at the widget's scale factor: the frame
 * and the points from the surfaces kept since the size, the style or the
 * points last changed, the heat map and the read-out anew. */
void nnb_class_plot_draw (NnbClassPlot *self, cairo_t *cr, int width, int height, int scale, const NnbPlotStyle *style,
                          const NnbBoundarySeries *series);

/* For tests: how many times the kept surfaces were drawn anew. */
guint nnb_class_plot_get_layer_builds (NnbClassPlot *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NnbClassPlot, nnb_class_plot_free)

G_END_DECLS
