/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-data-layer.c — the data plot's layer under the curves, kept between
 * frames (see the header). */
#include "nnb-data-layer.h"

static gboolean
key_equal (const NnbDataLayerKey *a, const NnbDataLayerKey *b)
{
  return a->data_serial == b->data_serial && a->font_family == b->font_family &&
         a->pinned_serial == b->pinned_serial && !a->has_curve == !b->has_curve &&
         g_strcmp0 (a->message, b->message) == 0 && g_strcmp0 (a->title, b->title) == 0 && a->width == b->width && a->height == b->height &&
         a->scale == b->scale && nnb_plot_style_equal (&a->style, &b->style) && a->x_scale.min == b->x_scale.min &&
         a->x_scale.max == b->x_scale.max && !a->x_scale.log == !b->x_scale.log && a->y_scale.min == b->y_scale.min &&
         a->y_scale.max == b->y_scale.max && !a->y_scale.log == !b->y_scale.log;
}

void
nnb_data_layer_paint (NnbDataLayer *layer, cairo_t *cr, const NnbDataLayerKey *key, const NnbDataSeries *series)
{
  g_return_if_fail (layer != NULL && cr != NULL && key != NULL && series != NULL);

  if (layer->surface == NULL || !key_equal (key, &layer->key))
    {
      cairo_t *layer_cr = nnb_plot_style_create_layer (cr, key->width, key->height, key->scale);

      g_clear_pointer (&layer->surface, cairo_surface_destroy);
      layer->surface = cairo_surface_reference (cairo_get_target (layer_cr));
      nnb_plot_data_draw_under (layer_cr, key->width, key->height, series, &key->style, &layer->layout);
      cairo_destroy (layer_cr);
      layer->key = *key;
      layer->key.style.font_family = NULL;
      layer->builds++;
    }
  cairo_save (cr);
  cairo_set_source_surface (cr, layer->surface, 0, 0);
  cairo_paint (cr);
  cairo_restore (cr);
}

void
nnb_data_layer_clear (NnbDataLayer *layer)
{
  g_return_if_fail (layer != NULL);

  g_clear_pointer (&layer->surface, cairo_surface_destroy);
}
