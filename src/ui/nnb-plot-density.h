/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-plot-density.h — many data points drawn in bounded time. The points'
 * dots (discs, as nnb-plot-data.c draws a few) are rasterised once into a
 * coverage mask at the target's resolution and painted in one operation, so
 * that two million points cost what a few thousand do, on screen and in
 * PNG, SVG and PDF files alike (a file holds one image, not a path per
 * point). An NnbPlotDensity keeps the mask between draws, keyed by the
 * points (their arrays, stride and count), the axes' ranges, the plotting
 * area, the dots' radius and the target's resolution, and the points'
 * extent, keyed by the points alone. It keeps a mask for each set of
 * points drawn (up to NNB_PLOT_DENSITY_MASKS): a plot of k outputs paints
 * k masks, one a colour, and bins none of them again while they stay. */
#pragma once

#include "nnb-plot-axes.h"

G_BEGIN_DECLS

typedef struct _NnbPlotDensity NnbPlotDensity;

/* Sets of points whose masks are kept at once; a further one replaces the
 * one kept longest. */
#define NNB_PLOT_DENSITY_MASKS 16

NnbPlotDensity *nnb_plot_density_new (void);
void nnb_plot_density_free (NnbPlotDensity *self);

/* Forgets what it kept. Call it when the points change or are freed: a
 * new array may come back at the old one's address. */
void nnb_plot_density_reset (NnbPlotDensity *self);

/* Widens x to the finite values of the n xs, and y to those of ys, which
 * holds n rows of n_columns values (a y of shape (n, k): every column
 * counts); remembered in self (may be NULL: computed every time) for these
 * arrays, n and n_columns. */
void nnb_plot_density_extend (NnbPlotDensity *self,
                              const float *xs,
                              const float *ys,
                              int n_columns,
                              int n,
                              NnbPlotScale *x,
                              NnbPlotScale *y);

/* Fills, in the current source, the union of discs of the given radius
 * (user units) around the n points (xs[i], ys[i * y_stride]) mapped into
 * area by x_scale and y_scale (y upwards), as one cairo_fill of their arcs
 * would. y_stride picks one column of a y of shape (n, k): ys points at
 * its first value, y_stride is k (1 for one column). self (may be NULL)
 * keeps the mask for the next call with the same key. */
void nnb_plot_density_draw (NnbPlotDensity *self,
                            cairo_t *cr,
                            const cairo_rectangle_t *area,
                            const NnbPlotScale *x_scale,
                            const NnbPlotScale *y_scale,
                            const float *xs,
                            const float *ys,
                            int y_stride,
                            int n,
                            double radius);

/* For the pointer's read-out without a pass over every point: the point
 * nearest (x, y) (user units) within reach, from the mask self kept for
 * these points, axes and area (one point a mask pixel, so to within a
 * pixel), in *index (the row i of (xs[i], ys[i * y_stride])), or -1 when
 * none is within reach. FALSE when self keeps no such mask: search the
 * points. */
gboolean nnb_plot_density_find_nearest (NnbPlotDensity *self,
                                        const cairo_rectangle_t *area,
                                        const NnbPlotScale *x_scale,
                                        const NnbPlotScale *y_scale,
                                        const float *xs,
                                        const float *ys,
                                        int y_stride,
                                        int n,
                                        double x,
                                        double y,
                                        double reach,
                                        int *index);

/* For tests: how many times a mask was computed (binning every point). */
guint nnb_plot_density_get_n_binnings (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NnbPlotDensity, nnb_plot_density_free)

G_END_DECLS
