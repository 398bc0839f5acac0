/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-class-plot.c — the data plot for class data, as the plots panel
 * keeps it between frames (see the header). */
#include "nnb-config.h"

#include <glib/gi18n.h>

#include "nnb-class-plot.h"
#include "nnb-class-probabilities.h"

/* What the kept surfaces depend on: while it stays, they are reused. */
typedef struct
{
  guint serial; /* the points */
  int width, height, scale;
  NnbPlotStyle style; /* font_family NULL when kept: it points into a font
                       * description GTK may free; font_family is kept */
  GQuark font_family;
  GQuark title; /* the frame's title: it names the model's mode */
} LayerKey;

struct _NnbClassPlot
{
  int n_classes; /* 0: no points */
  double extent[4];
  /* each class's x₁ and x₂, training and test, one allocation a set */
  float *storage[2][NNB_PLOT_BOUNDARY_MAX_CLASSES];
  NnbClassPoints points[NNB_PLOT_BOUNDARY_MAX_CLASSES];
  NnbClassPoints test[NNB_PLOT_BOUNDARY_MAX_CLASSES];
  gboolean has_test;
  guint serial;
  NnbPlotDensity *density;

  cairo_surface_t *frame_layer, *points_layer;
  NnbDataLayout layout;
  LayerKey key;
  guint layer_builds;
};

NnbClassPlot *
nnb_class_plot_new (void)
{
  NnbClassPlot *self = g_new0 (NnbClassPlot, 1);

  self->density = nnb_plot_density_new ();
  return self;
}

static void
clear_points (NnbClassPlot *self)
{
  for (int s = 0; s < 2; s++)
    for (int c = 0; c < NNB_PLOT_BOUNDARY_MAX_CLASSES; c++)
      g_clear_pointer (&self->storage[s][c], g_free);
  memset (self->points, 0, sizeof self->points);
  memset (self->test, 0, sizeof self->test);
  self->n_classes = 0;
  self->has_test = FALSE;
  /* new arrays may come back at the old ones' addresses */
  nnb_plot_density_reset (self->density);
  self->serial++;
}

void
nnb_class_plot_free (NnbClassPlot *self)
{
  if (self == NULL)
    return;
  clear_points (self);
  nnb_plot_density_free (self->density);
  g_clear_pointer (&self->frame_layer, cairo_surface_destroy);
  g_clear_pointer (&self->points_layer, cairo_surface_destroy);
  g_free (self);
}

/* Sorts the rows of x (n, 2) by their class y into sets: x₁ first, then
 * x₂, in one array a class. A class index out of range is no point. */
static void
split (NnbClassPlot *self, const NnbTensor *x, const NnbTensor *y, float **storage, NnbClassPoints *sets)
{
  int64_t n = x->shape[0];
  int counts[NNB_PLOT_BOUNDARY_MAX_CLASSES] = { 0 };

  for (int64_t i = 0; i < n; i++)
    {
      float c = y->data[i];

      if (c >= 0 && c < self->n_classes && c == (int) c)
        counts[(int) c]++;
    }
  for (int c = 0; c < self->n_classes; c++)
    {
      storage[c] = g_new (float, 2 * (gsize) MAX (counts[c], 1));
      sets[c] = (NnbClassPoints){ storage[c], storage[c] + counts[c], 0 };
    }
  for (int64_t i = 0; i < n; i++)
    {
      float c = y->data[i];
      NnbClassPoints *set;

      if (!(c >= 0 && c < self->n_classes && c == (int) c))
        continue;
      set = &sets[(int) c];
      ((float *) set->x1)[set->n] = x->data[2 * i];
      ((float *) set->x2)[set->n] = x->data[2 * i + 1];
      set->n++;
    }
}

static gboolean
is_class_data (const NnbTensor *x, const NnbTensor *y)
{
  return x != NULL && y != NULL && x->ndim == 2 && x->shape[1] == 2 && y->numel == x->shape[0];
}

gboolean
nnb_class_plot_set_data (NnbClassPlot *self, const NnbDataset *data)
{
  g_return_val_if_fail (self != NULL, FALSE);

  clear_points (self);
  if (data == NULL || data->n_classes <= 0 || !is_class_data (data->x, data->y) ||
      !nnb_class_boundary_extent (data, self->extent))
    return FALSE;
  self->n_classes = (int) MIN (data->n_classes, NNB_PLOT_BOUNDARY_MAX_CLASSES);
  split (self, data->x, data->y, self->storage[0], self->points);
  self->has_test = is_class_data (data->x_test, data->y_test);
  if (self->has_test)
    split (self, data->x_test, data->y_test, self->storage[1], self->test);
  return TRUE;
}

gboolean
nnb_class_plot_is_shown (NnbClassPlot *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->n_classes > 0;
}

int
nnb_class_plot_get_n_points (NnbClassPlot *self)
{
  int n = 0;

  g_return_val_if_fail (self != NULL, 0);

  for (int c = 0; c < self->n_classes; c++)
    n += self->points[c].n;
  return n;
}

int
nnb_class_plot_get_n_classes (NnbClassPlot *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_classes;
}

void
nnb_class_plot_get_series (NnbClassPlot *self, const NnbSnapshot *snapshot, gboolean discretize,
                           NnbBoundarySeries *series)
{
  g_return_if_fail (self != NULL && series != NULL);

  memset (series, 0, sizeof *series);
  series->n_classes = self->n_classes;
  series->points = self->points;
  series->test = self->has_test ? self->test : NULL;
  memcpy (series->extent, self->extent, sizeof series->extent);
  series->discretize = discretize;
  series->density = self->density;
  if (snapshot != NULL && snapshot->boundary_size > 0)
    {
      series->boundary_size = snapshot->boundary_size;
      series->boundary_classes = snapshot->boundary_classes;
      memcpy (series->boundary_extent, snapshot->boundary_extent, sizeof series->boundary_extent);
      series->boundary_class = snapshot->boundary_class;
      series->boundary_prob = snapshot->boundary_prob;
      /* a model with a mode says which one its boundary shows, as the
       * fitted curve does; short, beside the Discretize button at 1280 px */
      if (snapshot->has_mode)
        series->title = snapshot->drawn_training ? _("Boundary (train mode)") : _("Boundary (eval mode)");
    }
  else if (snapshot != NULL)
    series->message = _("This model gives no class probabilities: train it with a classification loss and an "
                         "output a class to see its decision boundary");
  else
    series->message = _("Train to see the model’s decision boundary");
}

static gboolean
key_equal (const LayerKey *a, const LayerKey *b)
{
  return a->serial == b->serial && a->width == b->width && a->height == b->height && a->scale == b->scale &&
         a->font_family == b->font_family && a->title == b->title && nnb_plot_style_equal (&a->style, &b->style);
}

/* Draws the frame and the points into surfaces of their own: the heat map
 * goes between them. */
static void
build_layers (NnbClassPlot *self, cairo_t *cr, const LayerKey *key, const NnbBoundarySeries *series)
{
  cairo_t *layer_cr = nnb_plot_style_create_layer (cr, key->width, key->height, key->scale);

  nnb_plot_boundary_draw_frame (layer_cr, key->width, key->height, series, &key->style, &self->layout);
  g_clear_pointer (&self->frame_layer, cairo_surface_destroy);
  self->frame_layer = cairo_surface_reference (cairo_get_target (layer_cr));
  cairo_destroy (layer_cr);

  layer_cr = nnb_plot_style_create_layer (cr, key->width, key->height, key->scale);
  nnb_plot_boundary_draw_points (layer_cr, &self->layout, series, &key->style);
  g_clear_pointer (&self->points_layer, cairo_surface_destroy);
  self->points_layer = cairo_surface_reference (cairo_get_target (layer_cr));
  cairo_destroy (layer_cr);

  self->key = *key;
  self->key.style.font_family = NULL;
  self->layer_builds++;
}

void
nnb_class_plot_draw (NnbClassPlot *self, cairo_t *cr, int width, int height, int scale, const NnbPlotStyle *style,
                     const NnbBoundarySeries *series)
{
  LayerKey key = { self->serial,
                   width,
                   height,
                   MAX (scale, 1),
                   *style,
                   g_quark_from_string (style->font_family),
                   series != NULL && series->title != NULL ? g_quark_from_string (series->title) : 0 };

  g_return_if_fail (self != NULL && cr != NULL && style != NULL && series != NULL);

  if (width <= 0 || height <= 0)
    return;
  if (self->frame_layer == NULL || !key_equal (&key, &self->key))
    build_layers (self, cr, &key, series);
  cairo_save (cr);
  cairo_set_source_surface (cr, self->frame_layer, 0, 0);
  cairo_paint (cr);
  nnb_plot_boundary_draw_map (cr, &self->layout, series, style);
  cairo_set_source_surface (cr, self->points_layer, 0, 0);
  cairo_paint (cr);
  cairo_restore (cr);
  nnb_plot_boundary_draw_over (cr, &self->layout, series, style);
}

guint
nnb_class_plot_get_layer_builds (NnbClassPlot *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->layer_builds;
}
