/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-data-layer.h — the data plot's layer under the curves (frame, axes,
 * legend, points: nnb_plot_data_draw_under) as the plots panel keeps it in
 * a surface: the curves move every frame while training, the points do
 * not. What the layer depends on, and the surface drawn anew only when
 * that changes. */
#pragma once

#include "nnb-plot-data.h"

G_BEGIN_DECLS

/* What the layer depends on: while it stays the same, the layer is reused. */
typedef struct
{
  guint data_serial;   /* the points and the model's name */
  guint pinned_serial; /* the kept curves, named in the legend */
  gboolean has_curve;  /* the legend names it; no curve: a message */
  const char *message;
  const char *title; /* NULL: the default; the mode it names changes */
  int width, height, scale;
  NnbPlotStyle style; /* font_family NULL when kept: it points into a font
                       * description GTK may free; font_family is kept */
  GQuark font_family;
  NnbPlotScale x_scale, y_scale;
} NnbDataLayerKey;

typedef struct
{
  cairo_surface_t *surface; /* as last drawn, or NULL */
  NnbDataLayerKey key;
  NnbDataLayout layout; /* where the curves go over it */
  guint builds;         /* times drawn anew (for tests) */
} NnbDataLayer;

/* Paints the layer for key and series into cr (the widget's own, whose
 * font options it takes), drawing it anew at key's scale first unless the
 * surface kept has key. */
void nnb_data_layer_paint (NnbDataLayer *layer, cairo_t *cr, const NnbDataLayerKey *key, const NnbDataSeries *series);
/* Frees the surface. */
void nnb_data_layer_clear (NnbDataLayer *layer);

G_END_DECLS
