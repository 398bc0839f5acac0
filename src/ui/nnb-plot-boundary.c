/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-plot-boundary.c — class points over the model's decision boundary,
 * drawn with Cairo. */
#include "nnb-config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "nnb-locale-format.h"
#include "nnb-plot-boundary.h"

/* The heat map's opacity over the background: a cell the model is sure of
 * (probability 1) at STRONG, one it cannot tell from chance (1/C) at
 * PALE, linearly between; hard class regions all at HARD. Below the
 * points' own colour, so that a point of the other class stands out. */
#define STRONG 0.55
#define PALE 0.04
#define HARD 0.38

/* The plot area's sides keep the data's proportions (equal units), unless
 * that would leave a side less than this share of the room it has, or the
 * area is less than this many lines of text high: a strip that short is
 * read better filled than as a small square in the middle. */
#define MIN_SHARE 0.6
#define MIN_LINES 6

static gboolean
has_map (const NnbBoundarySeries *series)
{
  return series->boundary_size > 0 && series->boundary_class != NULL && series->boundary_prob != NULL &&
         series->boundary_classes > 0;
}

static int
n_points (const NnbBoundarySeries *series)
{
  int n = 0;

  for (int c = 0; c < series->n_classes; c++)
    n += series->points[c].n + (series->test != NULL ? series->test[c].n : 0);
  return n;
}

static gboolean
uses_density (const NnbBoundarySeries *series)
{
  return n_points (series) > nnb_plot_data_get_max_dots ();
}

/* The frame's text; labels made here are added to owned. */
static void
frame_for (const NnbBoundarySeries *series, NnbPlotScale scales[2], GPtrArray *owned, const char **labels,
           int *colors, NnbPlotFrame *frame)
{
  int n = MIN (series->n_classes, NNB_PLOT_MAX_TICKS);

  scales[0] = (NnbPlotScale){ series->extent[0], series->extent[1], FALSE };
  scales[1] = (NnbPlotScale){ series->extent[2], series->extent[3], FALSE };
  for (int c = 0; c < n; c++)
    {
      /* Translators: the data plot's legend for class data: class 0, class 1, … */
      char *label = nnb_locale_strdup_printf (_("class %d"), c);

      g_ptr_array_add (owned, label);
      labels[c] = label;
      colors[c] = c;
    }
  *frame = (NnbPlotFrame){ series->title != NULL ? series->title : _("Decision Boundary"), "x₁", "x₂", NULL, &scales[0], &scales[1],
                           labels, colors, NULL, n };
}

/* Where the frame goes inside width × height: all of it, or less of one
 * side, so that a unit of x₁ is as long as one of x₂ (a circle looks
 * round). The frame moves to the middle of the room; a button in the
 * corner keeps only what it still covers. A few passes: the legend and
 * the corner change the area as the frame narrows. */
static void
equal_units_box (cairo_t *cr, int width, int height, const NnbPlotFrame *frame, const NnbPlotStyle *style,
                 double box[4], NnbPlotStyle *box_style)
{
  double x_span = frame->x_scale->max - frame->x_scale->min;
  double y_span = frame->y_scale->max - frame->y_scale->min;
  double w = width, h = height;

  *box_style = *style;
  box[0] = box[1] = 0, box[2] = width, box[3] = height;
  if (!(x_span > 0) || !(y_span > 0))
    return;
  for (int pass = 0; pass < 3; pass++)
    {
      NnbPlotAxesLayout layout;
      const cairo_rectangle_t *a = &layout.plot_area;

      nnb_plot_axes_layout (cr, (int) w, (int) h, frame, box_style, &layout);
      if (a->width <= 0 || a->height < MIN_LINES * style->font_size)
        break;
      if (a->width * y_span > a->height * x_span)
        w = MAX (w - (a->width - a->height * x_span / y_span), width - a->width * (1 - MIN_SHARE));
      else
        h = MAX (h - (a->height - a->width * y_span / x_span), height - a->height * (1 - MIN_SHARE));
      w = CLAMP (floor (w), 1, width), h = CLAMP (floor (h), 1, height);
      box[0] = floor ((width - w) / 2), box[1] = floor ((height - h) / 2), box[2] = w, box[3] = h;
      /* the part of the corner the moved frame still reaches */
      box_style->corner_width = MAX (0.0, style->corner_width - (width - box[0] - w));
      box_style->corner_height = box_style->corner_width > 0 ? MAX (0.0, style->corner_height - box[1]) : 0;
    }
}

void
nnb_plot_boundary_draw_frame (cairo_t *cr,
                              int width,
                              int height,
                              const NnbBoundarySeries *series,
                              const NnbPlotStyle *style,
                              NnbDataLayout *layout)
{
  g_autoptr (GPtrArray) owned = g_ptr_array_new_with_free_func (g_free);
  const char *labels[NNB_PLOT_MAX_TICKS];
  int colors[NNB_PLOT_MAX_TICKS];
  NnbPlotScale scales[2];
  NnbPlotFrame frame;
  NnbPlotStyle box_style;
  double box[4];

  g_return_if_fail (cr != NULL && series != NULL && style != NULL && layout != NULL);

  memset (layout, 0, sizeof *layout);
  frame_for (series, scales, owned, labels, colors, &frame);
  equal_units_box (cr, width, height, &frame, style, box, &box_style);
  cairo_save (cr);
  cairo_translate (cr, box[0], box[1]);
  nnb_plot_axes_draw_frame (cr, (int) box[2], (int) box[3], &frame, &box_style, &layout->area);
  cairo_restore (cr);
  layout->area.x += box[0];
  layout->area.y += box[1];
  layout->x_scale = scales[0];
  layout->y_scale = scales[1];
}

/* The heat map's image: a pixel a cell, row 0 (the top) the boundary's
 * last row, in premultiplied ARGB as Cairo keeps it. */
static cairo_surface_t *
map_image (const NnbBoundarySeries *series, const NnbPlotStyle *style)
{
  int size = series->boundary_size, classes = series->boundary_classes;
  cairo_surface_t *image = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, size, size);
  guint8 *pixels = cairo_image_surface_get_data (image);
  int stride = cairo_image_surface_get_stride (image);
  double chance = 1.0 / MAX (classes, 2);
  guint32 colors[256][3];

  if (cairo_surface_status (image) != CAIRO_STATUS_SUCCESS)
    return image;
  for (int c = 0; c < MIN (classes, 256); c++)
    {
      double rgba[4];

      nnb_plot_series_color (style, c, rgba);
      for (int k = 0; k < 3; k++)
        colors[c][k] = (guint32) lround (255 * CLAMP (rgba[k], 0, 1));
    }
  cairo_surface_flush (image);
  for (int j = 0; j < size; j++)
    {
      guint32 *row = (guint32 *) (pixels + (gsize) (size - 1 - j) * stride);

      for (int i = 0; i < size; i++)
        {
          int k = j * size + i, c = series->boundary_class[k];
          double p = series->boundary_prob[k];
          double sure = CLAMP ((p - chance) / (1 - chance), 0, 1);
          guint32 a;

          /* no number (a diverging model): nothing to colour */
          if (isnan (p) || c >= classes)
            {
              row[i] = 0;
              continue;
            }
          a = (guint32) lround (255 * (series->discretize ? HARD : PALE + (STRONG - PALE) * sure));
          row[i] = a << 24 | (colors[c][0] * a / 255) << 16 | (colors[c][1] * a / 255) << 8 | colors[c][2] * a / 255;
        }
    }
  cairo_surface_mark_dirty (image);
  return image;
}

void
nnb_plot_boundary_draw_map (cairo_t *cr,
                            const NnbDataLayout *layout,
                            const NnbBoundarySeries *series,
                            const NnbPlotStyle *style)
{
  const cairo_rectangle_t *area = &layout->area;
  const double *e = series->boundary_extent;
  cairo_surface_t *image;
  cairo_pattern_t *pattern;
  double x0, x1, y0, y1;

  g_return_if_fail (cr != NULL && layout != NULL && series != NULL && style != NULL);

  if (!has_map (series) || area->width <= 0 || area->height <= 0 || !(e[1] > e[0]) || !(e[3] > e[2]))
    return;
  image = map_image (series, style);
  x0 = nnb_plot_scale_map (&layout->x_scale, e[0], area->x, area->x + area->width);
  x1 = nnb_plot_scale_map (&layout->x_scale, e[1], area->x, area->x + area->width);
  y0 = nnb_plot_scale_map (&layout->y_scale, e[3], area->y + area->height, area->y);
  y1 = nnb_plot_scale_map (&layout->y_scale, e[2], area->y + area->height, area->y);

  /* one image scaled to the area, not size² rectangles: a frame's cost
   * stays the same whatever the plot's size */
  cairo_save (cr);
  cairo_rectangle (cr, area->x, area->y, area->width, area->height);
  cairo_clip (cr);
  cairo_rectangle (cr, x0, y0, x1 - x0, y1 - y0);
  cairo_clip (cr);
  cairo_translate (cr, x0, y0);
  cairo_scale (cr, (x1 - x0) / series->boundary_size, (y1 - y0) / series->boundary_size);
  cairo_set_source_surface (cr, image, 0, 0);
  pattern = cairo_get_source (cr);
  /* cells blend into their neighbours, as the probabilities do between
   * the centres they were computed at; the edge cells reach the edges */
  cairo_pattern_set_filter (pattern, CAIRO_FILTER_BILINEAR);
  cairo_pattern_set_extend (pattern, CAIRO_EXTEND_PAD);
  cairo_paint (cr);
  cairo_restore (cr);
  cairo_surface_destroy (image);
}

/* What sets points apart from the heat map under them: the background,
 * or (drawn over a widget, which keeps its own) the opposite of the text. */
static void
set_halo (cairo_t *cr, const NnbPlotStyle *style)
{
  if (style->background[3] > 0)
    nnb_plot_set_source_alpha (cr, style->background, 0.9);
  else
    cairo_set_source_rgba (cr, 1 - style->foreground[0], 1 - style->foreground[1], 1 - style->foreground[2], 0.9);
}

static void
map_point (const NnbDataLayout *layout, float x1, float x2, double *px, double *py)
{
  const cairo_rectangle_t *area = &layout->area;

  *px = nnb_plot_scale_map (&layout->x_scale, x1, area->x, area->x + area->width);
  *py = nnb_plot_scale_map (&layout->y_scale, x2, area->y + area->height, area->y);
}

/* One class's training points: discs with a thin halo, or past
 * NNB_PLOT_DATA_MAX_DOTS points, a density mask in the class's colour. */
static void
draw_class (cairo_t *cr, const NnbDataLayout *layout, const NnbBoundarySeries *series, int c, double radius,
            const NnbPlotStyle *style)
{
  const NnbClassPoints *set = &series->points[c];
  double rgba[4];

  nnb_plot_series_color (style, c, rgba);
  if (uses_density (series))
    {
      nnb_plot_set_source (cr, rgba, 1.0);
      nnb_plot_density_draw (series->density, cr, &layout->area, &layout->x_scale, &layout->y_scale, set->x1,
                             set->x2, 1, set->n, radius);
      return;
    }
  for (int i = 0; i < set->n; i++)
    {
      double px, py;

      if (!isfinite (set->x1[i]) || !isfinite (set->x2[i]))
        continue;
      map_point (layout, set->x1[i], set->x2[i], &px, &py);
      cairo_new_sub_path (cr);
      cairo_arc (cr, px, py, radius, 0, 2 * G_PI);
    }
  nnb_plot_set_source (cr, rgba, 1.0);
  cairo_fill_preserve (cr);
  set_halo (cr, style);
  cairo_set_line_width (cr, MAX (0.75, radius / 3));
  cairo_stroke (cr);
}

/* One class's held-out points: rings in its colour on a wider halo, over
 * the training points, every k-th past NNB_PLOT_DATA_MAX_DOTS. */
static void
draw_test_class (cairo_t *cr, const NnbDataLayout *layout, const NnbBoundarySeries *series, int c, double radius,
                 int stride, const NnbPlotStyle *style)
{
  const NnbClassPoints *set = &series->test[c];
  double rgba[4], width = MAX (1.0, radius / 2.5);

  for (int i = 0; i < set->n; i += stride)
    {
      double px, py;

      if (!isfinite (set->x1[i]) || !isfinite (set->x2[i]))
        continue;
      map_point (layout, set->x1[i], set->x2[i], &px, &py);
      cairo_new_sub_path (cr);
      cairo_arc (cr, px, py, radius, 0, 2 * G_PI);
    }
  set_halo (cr, style);
  cairo_set_line_width (cr, width * 2.5);
  cairo_stroke_preserve (cr);
  nnb_plot_series_color (style, c, rgba);
  nnb_plot_set_source (cr, rgba, 1.0);
  cairo_set_line_width (cr, width);
  cairo_stroke (cr);
}

void
nnb_plot_boundary_draw_points (cairo_t *cr,
                               const NnbDataLayout *layout,
                               const NnbBoundarySeries *series,
                               const NnbPlotStyle *style)
{
  const cairo_rectangle_t *area = &layout->area;
  double scale = MAX (1.0, style->marker_scale);
  int max_dots = nnb_plot_data_get_max_dots ();
  int n_test = 0;

  g_return_if_fail (cr != NULL && layout != NULL && series != NULL && style != NULL);

  if (area->width <= 0 || area->height <= 0)
    return;
  cairo_save (cr);
  cairo_rectangle (cr, area->x, area->y, area->width, area->height);
  cairo_clip (cr);
  for (int c = 0; c < series->n_classes; c++)
    draw_class (cr, layout, series, c, MAX (2.0, style->font_size / 5) * scale, style);
  for (int c = 0; series->test != NULL && c < series->n_classes; c++)
    n_test += series->test[c].n;
  for (int c = 0; series->test != NULL && c < series->n_classes; c++)
    draw_test_class (cr, layout, series, c, MAX (2.5, style->font_size / 4) * scale,
                     MAX (1, n_test / MAX (max_dots, 1)), style);
  cairo_restore (cr);
}

/* The read-out: the point nearest the pointer, within reach, with its
 * class; and wherever the pointer is over the map, the model's guess
 * there. */
static void
draw_readout (cairo_t *cr, const NnbDataLayout *layout, const NnbBoundarySeries *series, const NnbPlotStyle *style)
{
  const cairo_rectangle_t *area = &layout->area;
  const NnbPlotPointer *pointer = &series->pointer;
  double reach = style->font_size * 2, best = reach, px, py, x1, x2;
  int best_c = -1, best_i = -1;
  gboolean best_test = FALSE;
  g_autoptr (GString) text = g_string_new (NULL);
  const double *e = series->boundary_extent;

  /* the pointer's place in the data's units: the axes' map, inverted */
  x1 = layout->x_scale.min + (pointer->x - area->x) / area->width * (layout->x_scale.max - layout->x_scale.min);
  x2 = layout->y_scale.min + (area->y + area->height - pointer->y) / area->height *
                               (layout->y_scale.max - layout->y_scale.min);
  for (int t = 0; t < 2; t++)
    for (int c = 0; c < series->n_classes && (t == 0 || series->test != NULL); c++)
      {
        const NnbClassPoints *set = t == 0 ? &series->points[c] : &series->test[c];
        int index;

        if (t == 0 && uses_density (series) &&
            nnb_plot_density_find_nearest (series->density, area, &layout->x_scale, &layout->y_scale, set->x1,
                                           set->x2, 1, set->n, pointer->x, pointer->y, reach, &index))
          {
            if (index >= 0)
              {
                map_point (layout, set->x1[index], set->x2[index], &px, &py);
                if (hypot (px - pointer->x, py - pointer->y) < best)
                  best = hypot (px - pointer->x, py - pointer->y), best_c = c, best_i = index, best_test = FALSE;
              }
            continue;
          }
        for (int i = 0; i < set->n; i++)
          {
            double d;

            map_point (layout, set->x1[i], set->x2[i], &px, &py);
            d = hypot (px - pointer->x, py - pointer->y);
            if (d < best)
              best = d, best_c = c, best_i = i, best_test = t == 1;
          }
      }
  if (best_c >= 0)
    {
      const NnbClassPoints *set = best_test ? &series->test[best_c] : &series->points[best_c];

      x1 = set->x1[best_i], x2 = set->x2[best_i];
      g_string_append_printf (text, best_test ? _("test point of class %d") : _("point of class %d"), best_c);
      g_string_append_c (text, '\n');
    }
  {
    g_autofree char *where = nnb_locale_strdup_printf (_("x₁ = %.4g\nx₂ = %.4g"), x1, x2);

    g_string_append (text, where);
  }
  if (has_map (series) && x1 >= e[0] && x1 < e[1] && x2 >= e[2] && x2 < e[3])
    {
      int size = series->boundary_size;
      int i = CLAMP ((int) ((x1 - e[0]) / (e[1] - e[0]) * size), 0, size - 1);
      int j = CLAMP ((int) ((x2 - e[2]) / (e[3] - e[2]) * size), 0, size - 1);
      /* Translators: the read-out of the model's guess under the pointer:
       * the class it predicts and its probability */
      g_autofree char *guess = nnb_locale_strdup_printf (_("model: class %d, p = %.2f"),
                                                         series->boundary_class[j * size + i],
                                                         series->boundary_prob[j * size + i]);

      g_string_append_printf (text, "\n%s", guess);
    }
  map_point (layout, x1, x2, &px, &py);
  nnb_plot_draw_readout (cr, area, px, py, text->str, style);
}

void
nnb_plot_boundary_draw_over (cairo_t *cr,
                             const NnbDataLayout *layout,
                             const NnbBoundarySeries *series,
                             const NnbPlotStyle *style)
{
  const cairo_rectangle_t *area = &layout->area;

  g_return_if_fail (cr != NULL && layout != NULL && series != NULL && style != NULL);

  if (area->width <= 0 || area->height <= 0)
    return;
  if (!has_map (series) && series->message != NULL)
    nnb_plot_axes_draw_message (cr, style, area, series->message);
  if (series->pointer.active && series->pointer.x >= area->x && series->pointer.x <= area->x + area->width &&
      series->pointer.y >= area->y && series->pointer.y <= area->y + area->height)
    draw_readout (cr, layout, series, style);
}

void
nnb_plot_boundary_draw (cairo_t *cr,
                        int width,
                        int height,
                        const NnbBoundarySeries *series,
                        const NnbPlotStyle *style)
{
  NnbDataLayout layout;

  g_return_if_fail (cr != NULL && series != NULL && style != NULL);

  nnb_plot_boundary_draw_frame (cr, width, height, series, style, &layout);
  nnb_plot_boundary_draw_map (cr, &layout, series, style);
  nnb_plot_boundary_draw_points (cr, &layout, series, style);
  nnb_plot_boundary_draw_over (cr, &layout, series, style);
}
