/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-plot-data.c — data points and the fitted curve, drawn with Cairo. */
#include "nnb-config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "nnb-locale-format.h"
#include "nnb-plot-data.h"

static void
extend (NnbPlotScale *scale, const float *values, int n)
{
  for (int i = 0; i < n; i++)
    if (isfinite (values[i]))
      {
        scale->min = MIN (scale->min, values[i]);
        scale->max = MAX (scale->max, values[i]);
      }
}

static int max_dots = NNB_PLOT_DATA_MAX_DOTS;

int
nnb_plot_data_set_max_dots (int max)
{
  int old = max_dots;

  max_dots = max < 0 ? NNB_PLOT_DATA_MAX_DOTS : max;
  return old;
}

/* The training points: grey dots, under the curves. Past max_dots, one
 * arc a point would make a frame's cost grow with the data (seconds for
 * 200,000 points): the same dots come as one density mask instead. */
static void
draw_points (cairo_t *cr, const cairo_rectangle_t *area, const NnbPlotScale *x_scale,
             const NnbPlotScale *y_scale, const NnbDataSeries *series, const NnbPlotStyle *style)
{
  double radius = MAX (1.5, style->font_size / 6) * MAX (1.0, style->marker_scale);

  nnb_plot_set_source (cr, style->foreground, 0.45);
  if (series->n_data > max_dots)
    {
      nnb_plot_density_draw (series->density, cr, area, x_scale, y_scale, series->data_x, series->data_y,
                             series->n_data, radius);
      return;
    }
  for (int i = 0; i < series->n_data; i++)
    {
      double x = nnb_plot_scale_map (x_scale, series->data_x[i], area->x, area->x + area->width);
      double y = nnb_plot_scale_map (y_scale, series->data_y[i], area->y + area->height, area->y);

      cairo_new_sub_path (cr);
      cairo_arc (cr, x, y, radius, 0, 2 * G_PI);
    }
  cairo_fill (cr);
}

/* The test rows: rings in series colour 1, the loss plot's test curve's,
 * over the training dots. Held-out sets are a fraction of the data, but a
 * large one still costs at most max_dots rings: past that, every k-th. */
static void
draw_test_points (cairo_t *cr, const cairo_rectangle_t *area, const NnbPlotScale *x_scale,
                  const NnbPlotScale *y_scale, const NnbDataSeries *series, const NnbPlotStyle *style)
{
  double radius = MAX (2.0, style->font_size / 5) * MAX (1.0, style->marker_scale);
  int stride = MAX (1, series->n_test / max_dots);
  double rgba[4];

  nnb_plot_series_color (style, 1, rgba);
  nnb_plot_set_source (cr, rgba, 1.0);
  cairo_set_line_width (cr, MAX (1.0, radius / 2.5));
  for (int i = 0; i < series->n_test; i += stride)
    {
      double x = nnb_plot_scale_map (x_scale, series->test_x[i], area->x, area->x + area->width);
      double y = nnb_plot_scale_map (y_scale, series->test_y[i], area->y + area->height, area->y);

      cairo_new_sub_path (cr);
      cairo_arc (cr, x, y, radius, 0, 2 * G_PI);
    }
  cairo_stroke (cr);
}

/* A curve of the model's output on a grid, in series colour `color`. */
static void
draw_curve (cairo_t *cr, const cairo_rectangle_t *area, const NnbPlotScale *x_scale,
            const NnbPlotScale *y_scale, const float *xs, const float *ys, int n, int color,
            const NnbPlotStyle *style)
{
  gboolean pen_down = FALSE;
  double rgba[4];
  /* where each run of the curve off the plot begins: 0 inside, -1 below,
   * 1 above, 2 not a number */
  int was = 0;
  g_autoptr (GArray) marks = g_array_new (FALSE, FALSE, sizeof (double) * 2);

  if (xs == NULL || ys == NULL || n < 2)
    return;

  nnb_plot_series_color (style, color, rgba);
  nnb_plot_style_set_data_line (cr, style, rgba, 2.5);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  for (int i = 0; i < n; i++)
    {
      double x, y, mark[2];
      int where;

      x = nnb_plot_scale_map (x_scale, xs[i], area->x, area->x + area->width);
      y = isfinite (ys[i]) ? nnb_plot_scale_map (y_scale, ys[i], area->y + area->height, area->y) : 0;
      where = !isfinite (ys[i]) ? 2 : y < area->y                ? 1
                                    : y > area->y + area->height ? -1
                                                                 : 0;
      if (where != 0 && where != was)
        {
          mark[0] = x;
          mark[1] = isnan (ys[i]) ? 2 : where == 2 ? (ys[i] > 0 ? 3 : 4)
                                                   : where;
          g_array_append_val (marks, mark);
        }
      was = where;
      /* A NaN breaks the line instead of sending it to a corner. */
      if (where == 2)
        {
          pen_down = FALSE;
          continue;
        }
      /* Off the plot the curve runs along its edge, where a mark says so. */
      y = CLAMP (y, area->y, area->y + area->height);
      nnb_plot_line_to (cr, &pen_down, x, y);
    }
  cairo_stroke (cr);

  for (guint m = 0; m < marks->len; m++)
    {
      const double *mark = &g_array_index (marks, double, 2 * m);
      int kind = (int) mark[1];
      const char *text = kind == 2 ? "nan" : kind == 3 ? "inf"
                                           : kind == 4 ? "-inf"
                                                       : NULL;

      nnb_plot_draw_edge_mark (cr, area, mark[0], kind != -1 && kind != 4, text, rgba, style);
    }
}

/* The legend: the model's curve, then each kept one. */
static gboolean
has_test_points (const NnbDataSeries *series)
{
  return series->test_x != NULL && series->test_y != NULL && series->n_test > 0;
}

/* The colour of reference curve r: after the test points' when there are
 * some, so that an orange ring is never a pinned curve's. */
static int
reference_color (const NnbDataSeries *series, int r)
{
  return r + (has_test_points (series) ? 2 : 1);
}

static int
legend_entries (const NnbDataSeries *series, gboolean has_curve, const char **labels, int *colors)
{
  int n = 0;

  if (has_curve)
    {
      labels[n] = series->curve_label != NULL ? series->curve_label : _("Model");
      colors[n++] = 0;
    }
  if (has_test_points (series))
    {
      /* Translators: the data plot's legend for the held-out rows */
      labels[n] = _("test points");
      colors[n++] = 1;
    }
  for (int r = 0; r < series->n_references; r++)
    {
      labels[n] = series->references[r].label != NULL ? series->references[r].label : "";
      colors[n++] = reference_color (series, r);
    }
  return n;
}

/* Keeps (x, y) when its pixel lies nearer the pointer than *best. */
static void
consider (const cairo_rectangle_t *area, const NnbPlotScale *x_scale, const NnbPlotScale *y_scale,
          const NnbPlotPointer *pointer, float x, float y, double *best, double *bx, double *by)
{
  double px, py, d;

  if (!isfinite (x) || !isfinite (y))
    return;
  px = nnb_plot_scale_map (x_scale, x, area->x, area->x + area->width);
  py = nnb_plot_scale_map (y_scale, y, area->y + area->height, area->y);
  d = hypot (px - pointer->x, py - pointer->y);
  if (d < *best)
    {
      *best = d;
      *bx = x;
      *by = y;
    }
}

/* The point nearest the pointer — a data point or a point of a curve —
 * read out with its values, when it is within reach. */
static void
draw_readout (cairo_t *cr, const cairo_rectangle_t *area, const NnbPlotScale *x_scale,
              const NnbPlotScale *y_scale, const NnbDataSeries *series, gboolean has_data,
              gboolean has_curve, const NnbPlotStyle *style)
{
  double reach = style->font_size * 2;
  double best = reach, bx = 0, by = 0;
  const char *owner = NULL;
  g_autofree char *text = NULL;
  int nearest;

  /* Many points: the density mask knows which lie near the pointer. */
  if (has_data && series->n_data > max_dots && nnb_plot_density_find_nearest (series->density, area, x_scale, y_scale, series->data_x, series->data_y, series->n_data, series->pointer.x, series->pointer.y, reach, &nearest))
    {
      if (nearest >= 0)
        consider (area, x_scale, y_scale, &series->pointer, series->data_x[nearest], series->data_y[nearest], &best,
                  &bx, &by);
      if (best < reach)
        owner = _("data");
    }
  else if (has_data)
    for (int i = 0; i < series->n_data; i++)
      {
        double before = best;

        consider (area, x_scale, y_scale, &series->pointer, series->data_x[i], series->data_y[i],
                  &best, &bx, &by);
        if (best < before)
          owner = _("data");
      }
  if (has_data && has_test_points (series))
    for (int i = 0; i < series->n_test; i++)
      {
        double before = best;

        consider (area, x_scale, y_scale, &series->pointer, series->test_x[i], series->test_y[i], &best, &bx, &by);
        if (best < before)
          /* Translators: the read-out's name for a held-out test point */
          owner = _("test point");
      }
  if (has_curve)
    for (int i = 0; i < series->n_curve; i++)
      {
        double before = best;

        consider (area, x_scale, y_scale, &series->pointer, series->curve_x[i], series->curve_y[i],
                  &best, &bx, &by);
        if (best < before)
          owner = series->curve_label != NULL ? series->curve_label : _("Model");
      }
  for (int r = 0; r < series->n_references; r++)
    for (int i = 0; i < series->references[r].n; i++)
      {
        double before = best;

        consider (area, x_scale, y_scale, &series->pointer, series->references[r].x[i],
                  series->references[r].y[i], &best, &bx, &by);
        if (best < before)
          owner = series->references[r].label;
      }
  if (best >= reach)
    return;

  /* Translators: a read-out of the point under the pointer: what it is
   * ("data", or a model's name), then its coordinates. */
  text = nnb_locale_strdup_printf (_("%s\nx = %.4g\ny = %.4g"), owner != NULL ? owner : "", bx, by);
  nnb_plot_draw_readout (cr, area,
                         nnb_plot_scale_map (x_scale, bx, area->x, area->x + area->width),
                         nnb_plot_scale_map (y_scale, by, area->y + area->height, area->y),
                         text, style);
}

void
nnb_plot_data_get_ranges (const NnbDataSeries *series, NnbPlotScale *x_scale, NnbPlotScale *y_scale)
{
  gboolean has_data, has_curve;

  g_return_if_fail (series != NULL && x_scale != NULL && y_scale != NULL);

  has_data = series->data_x != NULL && series->data_y != NULL && series->n_data > 0;
  has_curve = series->curve_x != NULL && series->curve_y != NULL && series->n_curve > 1;
  *x_scale = (NnbPlotScale){ INFINITY, -INFINITY, FALSE };
  *y_scale = (NnbPlotScale){ INFINITY, -INFINITY, FALSE };

  /* The axes follow the data; a wild curve early in training is clipped
   * rather than squashing the points into a line. */
  if (has_data)
    nnb_plot_density_extend (series->density, series->data_x, series->data_y, series->n_data, x_scale, y_scale);
  if (has_data && has_test_points (series))
    {
      extend (x_scale, series->test_x, series->n_test);
      extend (y_scale, series->test_y, series->n_test);
    }
  else if (has_curve)
    {
      extend (x_scale, series->curve_x, series->n_curve);
      extend (y_scale, series->curve_y, series->n_curve);
    }
  if (!has_data)
    for (int r = 0; r < series->n_references; r++)
      {
        extend (x_scale, series->references[r].x, series->references[r].n);
        extend (y_scale, series->references[r].y, series->references[r].n);
      }
  nnb_plot_scale_nice (x_scale);
  nnb_plot_scale_nice (y_scale);
}

void
nnb_plot_data_draw_under (cairo_t *cr,
                          int width,
                          int height,
                          const NnbDataSeries *series,
                          const NnbPlotStyle *style,
                          NnbDataLayout *layout)
{
  gboolean has_data, has_curve;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (series != NULL);
  g_return_if_fail (style != NULL);
  g_return_if_fail (layout != NULL);

  memset (layout, 0, sizeof *layout);
  has_data = series->data_x != NULL && series->data_y != NULL && series->n_data > 0;
  has_curve = series->curve_x != NULL && series->curve_y != NULL && series->n_curve > 1;

  if (!has_data && !has_curve && series->n_references == 0)
    {
      nnb_plot_axes_draw (cr, width, height, _("Data and Fitted Curve"), "x", "y",
                          series->message != NULL ? series->message : _("No data yet"),
                          style, NULL);
      return;
    }

  nnb_plot_data_get_ranges (series, &layout->x_scale, &layout->y_scale);

  {
    g_autofree const char **labels = g_new0 (const char *, series->n_references + 2);
    g_autofree int *colors = g_new0 (int, series->n_references + 2);
    int n_legend = series->n_references > 0 || has_test_points (series)
                     ? legend_entries (series, has_curve, labels, colors)
                     : 0;
    /* the message (why there is no curve yet) comes after the points, over them */
    NnbPlotFrame frame = { _("Data and Fitted Curve"), "x", "y", has_curve || has_data ? NULL : series->message,
                           &layout->x_scale, &layout->y_scale, labels, colors, NULL, n_legend };

    /* the legend in a band of its own, above the curves it names */
    nnb_plot_axes_draw_frame (cr, width, height, &frame, style, &layout->area);
  }
  if (layout->area.width <= 0 || layout->area.height <= 0 || !has_data)
    return;

  cairo_save (cr);
  cairo_rectangle (cr, layout->area.x, layout->area.y, layout->area.width, layout->area.height);
  cairo_clip (cr);
  draw_points (cr, &layout->area, &layout->x_scale, &layout->y_scale, series, style);
  if (has_test_points (series))
    draw_test_points (cr, &layout->area, &layout->x_scale, &layout->y_scale, series, style);
  cairo_restore (cr);
  if (!has_curve && series->message != NULL)
    nnb_plot_axes_draw_message (cr, style, &layout->area, series->message);
}

void
nnb_plot_data_draw_over (cairo_t *cr,
                         const NnbDataLayout *layout,
                         const NnbDataSeries *series,
                         const NnbPlotStyle *style)
{
  const cairo_rectangle_t *area = &layout->area;
  gboolean has_data, has_curve;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (layout != NULL);
  g_return_if_fail (series != NULL);
  g_return_if_fail (style != NULL);

  if (area->width <= 0 || area->height <= 0)
    return;
  has_data = series->data_x != NULL && series->data_y != NULL && series->n_data > 0;
  has_curve = series->curve_x != NULL && series->curve_y != NULL && series->n_curve > 1;

  cairo_save (cr);
  cairo_rectangle (cr, area->x, area->y, area->width, area->height);
  cairo_clip (cr);

  for (int r = 0; r < series->n_references; r++)
    draw_curve (cr, area, &layout->x_scale, &layout->y_scale, series->references[r].x, series->references[r].y,
                series->references[r].n, reference_color (series, r), style);
  if (has_curve)
    draw_curve (cr, area, &layout->x_scale, &layout->y_scale, series->curve_x, series->curve_y, series->n_curve,
                0, style);

  cairo_restore (cr);

  if (series->pointer.active)
    draw_readout (cr, area, &layout->x_scale, &layout->y_scale, series, has_data, has_curve, style);
}

void
nnb_plot_data_draw (cairo_t *cr,
                    int width,
                    int height,
                    const NnbDataSeries *series,
                    const NnbPlotStyle *style)
{
  NnbDataLayout layout;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (series != NULL);
  g_return_if_fail (style != NULL);

  nnb_plot_data_draw_under (cr, width, height, series, style, &layout);
  nnb_plot_data_draw_over (cr, &layout, series, style);
}
