/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-plot-density.h — many data points drawn in bounded time. The points'
 * dots (discs, as nnb-plot-data.c draws a few) are rasterised once into a
 * coverage mask at the target's resolution and painted in one operation, so
 * that two million points cost what a few thousand do, on screen and in
 * PNG, SVG and PDF files alike (a file holds one image, not a path per
 * point). An NnbPlotDensity keeps the mask between draws, keyed by the
 * points (their arrays and count), the axes' ranges, the plotting area,
 * the dots' radius and the target's resolution, and the points' extent,
 * keyed by the points alone. */
#pragma once

#include "nnb-plot-axes.h"

G_BEGIN_DECLS

typedef struct _NnbPlotDensity NnbPlotDensity;

NnbPlotDensity *nnb_plot_density_new (void);
void nnb_plot_density_free (NnbPlotDensity *self);

/* Forgets what it kept. Call it when the points change or are freed: a
 * new array may come back at the old one's address. */
void nnb_plot_density_reset (NnbPlotDensity *self);

/* Widens x and y to the finite values of the n points, remembered in self
 * (may be NULL: computed every time) for these arrays and n. */
void nnb_plot_density_extend (NnbPlotDensity *self,
                              const float *xs,
                              const float *ys,
                              int n,
                              NnbPlotScale *x,
                              NnbPlotScale *y);

/* Fills, in the current source, the union of discs of the given radius
 * (user units) around the n points mapped into area by x_scale and y_scale
 * (y upwards), as one cairo_fill of their arcs would. self (may be NULL)
 * keeps the mask for the next call with the same key. */
void nnb_plot_density_draw (NnbPlotDensity *self,
                            cairo_t *cr,
                            const cairo_rectangle_t *area,
                            const NnbPlotScale *x_scale,
                            const NnbPlotScale *y_scale,
                            const float *xs,
                            const float *ys,
                            int n,
                            double radius);

/* For the pointer's read-out without a pass over every point: the point
 * nearest (x, y) (user units) within reach, from the mask self kept for
 * these points, axes and area (one point a mask pixel, so to within a
 * pixel), in *index, or -1 when none is within reach. FALSE when self
 * keeps no such mask: search the points. */
gboolean nnb_plot_density_find_nearest (NnbPlotDensity *self,
                                        const cairo_rectangle_t *area,
                                        const NnbPlotScale *x_scale,
                                        const NnbPlotScale *y_scale,
                                        const float *xs,
                                        const float *ys,
                                        int n,
                                        double x,
                                        double y,
                                        double reach,
                                        int *index);

/* For tests: how many times a mask was computed (binning every point). */
guint nnb_plot_density_get_n_binnings (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NnbPlotDensity, nnb_plot_density_free)

G_END_DECLS
