/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-plot-data.c — data points and the fitted curves, drawn with Cairo. */
#include "nnb-config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "nnb-locale-format.h"
#include "nnb-plot-data.h"

/* Several outputs' points are tinted in their curve's colour, lighter than
 * the curve, as one output's grey dots are lighter than the text. */
#define POINT_TINT 0.5

static void
extend (NnbPlotScale *scale, const float *values, gsize n)
{
  for (gsize i = 0; i < n; i++)
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

int
nnb_plot_data_get_max_dots (void)
{
  return max_dots;
}

int
nnb_plot_data_output_color (int j)
{
  return j <= 0 ? 0 : j + 1;
}

static int
n_outputs (const NnbDataSeries *series)
{
  return MAX (series->n_outputs, 1);
}

/* Every output's points count: two targets of 3,000 rows are 6,000 dots. */
static gboolean
uses_density (const NnbDataSeries *series)
{
  return (gint64) series->n_data * n_outputs (series) > max_dots;
}

/* Output j's name: its target column's, or its place. */
static char *
output_name (const NnbDataSeries *series, int j)
{
  if (series->output_names != NULL && j < n_outputs (series) && series->output_names[j] != NULL &&
      series->output_names[j][0] != '\0')
    return g_strdup (series->output_names[j]);
  /* Translators: the data plot's name for a model's output j (counted
   * from 0, as y[:, j]) when its target column has no name */
  return nnb_locale_strdup_printf (_("output %d"), j);
}

/* What output j of `what` (the model, the data, a kept curve) is called in
 * the legend and the read-out: `what` alone when it has one output (k),
 * else `what` and the output's name. */
static char *
owner_name (const NnbDataSeries *series, const char *what, int j, int k)
{
  g_autofree char *output = NULL;

  if (k <= 1)
    return g_strdup (what);
  output = output_name (series, j);
  /* Translators: a curve's (or a data point's) name in the data plot's
   * legend and read-out when the model has several outputs: the model's
   * name (or "data") and the output's, e.g. "SineNet · sin" */
  return g_strdup_printf (_("%s · %s"), what, output);
}

/* The training points, under the curves: grey dots for one output; for
 * several, each output's in its curve's colour, so that a student sees
 * which points each curve fits. Past max_dots, one arc a point would make
 * a frame's cost grow with the data (seconds for 200,000 points): the
 * same dots come as a density mask instead, one an output. */
static void
draw_points (cairo_t *cr, const cairo_rectangle_t *area, const NnbPlotScale *x_scale,
             const NnbPlotScale *y_scale, const NnbDataSeries *series, const NnbPlotStyle *style)
{
  double radius = MAX (1.5, style->font_size / 6) * MAX (1.0, style->marker_scale);
  int k = n_outputs (series);

  for (int j = 0; j < k; j++)
    {
      const float *ys = series->data_y + j;

      if (k == 1)
        nnb_plot_set_source (cr, style->foreground, 0.45);
      else
        {
          double rgba[4];

          nnb_plot_series_color (style, nnb_plot_data_output_color (j), rgba);
          nnb_plot_set_source (cr, rgba, POINT_TINT);
        }
      if (uses_density (series))
        {
          nnb_plot_density_draw (series->density, cr, area, x_scale, y_scale, series->data_x, ys, k, series->n_data,
                                 radius);
          continue;
        }
      for (int i = 0; i < series->n_data; i++)
        {
          double x = nnb_plot_scale_map (x_scale, series->data_x[i], area->x, area->x + area->width);
          double y = nnb_plot_scale_map (y_scale, ys[(gsize) i * k], area->y + area->height, area->y);

          cairo_new_sub_path (cr);
          cairo_arc (cr, x, y, radius, 0, 2 * G_PI);
        }
      cairo_fill (cr);
    }
}

/* The test rows: rings in series colour 1, the loss plot's test curve's,
 * over the training dots (every output's: a ring, not a dot, tells them
 * apart from the training points). Held-out sets are a fraction of the
 * data, but a large one still costs at most max_dots rings: past that,
 * every k-th. */
static void
draw_test_points (cairo_t *cr, const cairo_rectangle_t *area, const NnbPlotScale *x_scale,
                  const NnbPlotScale *y_scale, const NnbDataSeries *series, const NnbPlotStyle *style)
{
  double radius = MAX (2.0, style->font_size / 5) * MAX (1.0, style->marker_scale);
  int k = n_outputs (series);
  int stride = MAX (1, (int) ((gint64) series->n_test * k / MAX (max_dots, 1)));
  double rgba[4];

  nnb_plot_series_color (style, 1, rgba);
  nnb_plot_set_source (cr, rgba, 1.0);
  cairo_set_line_width (cr, MAX (1.0, radius / 2.5));
  for (int j = 0; j < k; j++)
    for (int i = 0; i < series->n_test; i += stride)
      {
        double x = nnb_plot_scale_map (x_scale, series->test_x[i], area->x, area->x + area->width);
        double y = nnb_plot_scale_map (y_scale, series->test_y[(gsize) i * k + j], area->y + area->height, area->y);

        cairo_new_sub_path (cr);
        cairo_arc (cr, x, y, radius, 0, 2 * G_PI);
      }
  cairo_stroke (cr);
}

/* A curve of one of the model's outputs on a grid, in series colour
 * `color`: point i is (xs[i], ys[i * stride]). */
static void
draw_curve (cairo_t *cr, const cairo_rectangle_t *area, const NnbPlotScale *x_scale,
            const NnbPlotScale *y_scale, const float *xs, const float *ys, int stride, int n, int color,
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
      float v = ys[(gsize) i * stride];
      double x, y, mark[2];
      int where;

      x = nnb_plot_scale_map (x_scale, xs[i], area->x, area->x + area->width);
      y = isfinite (v) ? nnb_plot_scale_map (y_scale, v, area->y + area->height, area->y) : 0;
      where = !isfinite (v) ? 2 : y < area->y                ? 1
                                : y > area->y + area->height ? -1
                                                             : 0;
      if (where != 0 && where != was)
        {
          mark[0] = x;
          mark[1] = isnan (v) ? 2 : where == 2 ? (v > 0 ? 3 : 4)
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

static gboolean
has_test_points (const NnbDataSeries *series)
{
  return series->test_x != NULL && series->test_y != NULL && series->n_test > 0;
}

/* The colour of reference curve r: after the outputs' and the test
 * points' (colour 1, which several outputs leave free even without test
 * points), so that an orange ring is never a pinned curve's. */
static int
reference_color (const NnbDataSeries *series, int r)
{
  int k = n_outputs (series);

  return r + (k > 1 || has_test_points (series) ? k + 1 : 1);
}

static const char *
plot_title (const NnbDataSeries *series)
{
  return series->title != NULL ? series->title : _("Data and Fitted Curve");
}

static const char *
model_label (const NnbDataSeries *series)
{
  return series->curve_label != NULL ? series->curve_label : _("Model");
}

/* The legend: the model's curve (several outputs: each, named, even before
 * there is a curve, since their points wear its colour), the test points,
 * then each kept curve. Labels made here are added to owned. */
static int
legend_entries (const NnbDataSeries *series, gboolean has_curve, GPtrArray *owned, const char **labels, int *colors)
{
  int n = 0, k = n_outputs (series);

  if (k > 1)
    for (int j = 0; j < k; j++)
      {
        char *label = owner_name (series, model_label (series), j, k);

        g_ptr_array_add (owned, label);
        labels[n] = label;
        colors[n++] = nnb_plot_data_output_color (j);
      }
  else if (has_curve)
    {
      labels[n] = model_label (series);
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

/* The read-out's search: the nearest point so far, and whose it is. */
typedef struct
{
  double best, x, y;
  const char *what; /* "data", a model's name, … */
  int output, n_outputs;
} Nearest;

/* Keeps (x, y) as output j of k of `what` when its pixel lies nearer the
 * pointer than the nearest so far. */
static void
consider (const cairo_rectangle_t *area, const NnbPlotScale *x_scale, const NnbPlotScale *y_scale,
          const NnbPlotPointer *pointer, float x, float y, const char *what, int j, int k, Nearest *nearest)
{
  double px, py, d;

  if (!isfinite (x) || !isfinite (y))
    return;
  px = nnb_plot_scale_map (x_scale, x, area->x, area->x + area->width);
  py = nnb_plot_scale_map (y_scale, y, area->y + area->height, area->y);
  d = hypot (px - pointer->x, py - pointer->y);
  if (d < nearest->best)
    *nearest = (Nearest){ d, x, y, what, j, k };
}

/* Considers every point of a line (or a set of points) of output j of k:
 * (xs[i], ys[i * k + j]). */
static void
consider_all (const cairo_rectangle_t *area, const NnbPlotScale *x_scale, const NnbPlotScale *y_scale,
              const NnbPlotPointer *pointer, const float *xs, const float *ys, int n, const char *what, int k,
              Nearest *nearest)
{
  for (int j = 0; j < k; j++)
    for (int i = 0; i < n; i++)
      consider (area, x_scale, y_scale, pointer, xs[i], ys[(gsize) i * k + j], what, j, k, nearest);
}

/* The point nearest the pointer — a data point or a point of a curve —
 * read out with its values and, with several outputs, which one's it is,
 * when it is within reach. */
static void
draw_readout (cairo_t *cr, const cairo_rectangle_t *area, const NnbPlotScale *x_scale,
              const NnbPlotScale *y_scale, const NnbDataSeries *series, gboolean has_data,
              gboolean has_curve, const NnbPlotStyle *style)
{
  double reach = style->font_size * 2;
  Nearest nearest = { reach, 0, 0, NULL, 0, 1 };
  const NnbPlotPointer *pointer = &series->pointer;
  int k = n_outputs (series);
  g_autofree char *owner = NULL;
  g_autofree char *text = NULL;

  if (has_data && uses_density (series))
    for (int j = 0; j < k; j++)
      {
        int index;

        /* Many points: each output's density mask knows which lie near the
         * pointer; without one (not drawn yet), every point is searched. */
        if (!nnb_plot_density_find_nearest (series->density, area, x_scale, y_scale, series->data_x,
                                            series->data_y + j, k, series->n_data, pointer->x, pointer->y, reach,
                                            &index))
          for (int i = 0; i < series->n_data; i++)
            consider (area, x_scale, y_scale, pointer, series->data_x[i], series->data_y[(gsize) i * k + j],
                      _("data"), j, k, &nearest);
        else if (index >= 0)
          consider (area, x_scale, y_scale, pointer, series->data_x[index], series->data_y[(gsize) index * k + j],
                    _("data"), j, k, &nearest);
      }
  else if (has_data)
    consider_all (area, x_scale, y_scale, pointer, series->data_x, series->data_y, series->n_data, _("data"), k,
                  &nearest);
  if (has_data && has_test_points (series))
    {
      /* Translators: the read-out's name for a held-out test point */
      const char *test_point = _("test point");

      consider_all (area, x_scale, y_scale, pointer, series->test_x, series->test_y, series->n_test, test_point, k,
                    &nearest);
    }
  if (has_curve)
    consider_all (area, x_scale, y_scale, pointer, series->curve_x, series->curve_y, series->n_curve,
                  model_label (series), k, &nearest);
  for (int r = 0; r < series->n_references; r++)
    consider_all (area, x_scale, y_scale, pointer, series->references[r].x, series->references[r].y,
                  series->references[r].n, series->references[r].label != NULL ? series->references[r].label : "",
                  MAX (series->references[r].n_outputs, 1), &nearest);
  if (nearest.best >= reach)
    return;

  owner = owner_name (series, nearest.what != NULL ? nearest.what : "", nearest.output, nearest.n_outputs);
  /* Translators: a read-out of the point under the pointer: what it is
   * ("data", or a model's name), then its coordinates. */
  text = nnb_locale_strdup_printf (_("%s\nx = %.4g\ny = %.4g"), owner, nearest.x, nearest.y);
  nnb_plot_draw_readout (cr, area,
                         nnb_plot_scale_map (x_scale, nearest.x, area->x, area->x + area->width),
                         nnb_plot_scale_map (y_scale, nearest.y, area->y + area->height, area->y),
                         text, style);
}

void
nnb_plot_data_get_ranges (const NnbDataSeries *series, NnbPlotScale *x_scale, NnbPlotScale *y_scale)
{
  gboolean has_data, has_curve;
  int k;

  g_return_if_fail (series != NULL && x_scale != NULL && y_scale != NULL);

  has_data = series->data_x != NULL && series->data_y != NULL && series->n_data > 0;
  has_curve = series->curve_x != NULL && series->curve_y != NULL && series->n_curve > 1;
  *x_scale = (NnbPlotScale){ INFINITY, -INFINITY, FALSE };
  *y_scale = (NnbPlotScale){ INFINITY, -INFINITY, FALSE };

  k = n_outputs (series);

  /* The axes follow the data, every output's; a wild curve early in
   * training is clipped rather than squashing the points into a line. */
  if (has_data)
    nnb_plot_density_extend (series->density, series->data_x, series->data_y, k, series->n_data, x_scale, y_scale);
  if (has_data && has_test_points (series))
    {
      extend (x_scale, series->test_x, series->n_test);
      extend (y_scale, series->test_y, (gsize) series->n_test * k);
    }
  else if (has_curve)
    {
      extend (x_scale, series->curve_x, series->n_curve);
      extend (y_scale, series->curve_y, (gsize) series->n_curve * k);
    }
  if (!has_data)
    for (int r = 0; r < series->n_references; r++)
      {
        extend (x_scale, series->references[r].x, series->references[r].n);
        extend (y_scale, series->references[r].y,
                (gsize) series->references[r].n * MAX (series->references[r].n_outputs, 1));
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
      nnb_plot_axes_draw (cr, width, height, plot_title (series), "x", "y",
                          series->message != NULL ? series->message : _("No data yet"),
                          style, NULL);
      return;
    }

  nnb_plot_data_get_ranges (series, &layout->x_scale, &layout->y_scale);

  {
    int capacity = series->n_references + n_outputs (series) + 1;
    g_autofree const char **labels = g_new0 (const char *, capacity);
    g_autofree int *colors = g_new0 (int, capacity);
    g_autoptr (GPtrArray) owned = g_ptr_array_new_with_free_func (g_free);
    int n_legend = series->n_references > 0 || has_test_points (series) || n_outputs (series) > 1
                     ? legend_entries (series, has_curve, owned, labels, colors)
                     : 0;
    /* the message (why there is no curve yet) comes after the points, over them */
    NnbPlotFrame frame = { plot_title (series), "x", "y", has_curve || has_data ? NULL : series->message,
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

  /* a kept curve in one colour, however many outputs: the legend names
   * it once, and each of its lines lies by the points it fitted */
  for (int r = 0; r < series->n_references; r++)
    {
      const NnbPlotCurve *reference = &series->references[r];
      int k = MAX (reference->n_outputs, 1);

      for (int j = 0; j < k; j++)
        draw_curve (cr, area, &layout->x_scale, &layout->y_scale, reference->x, reference->y + j, k, reference->n,
                    reference_color (series, r), style);
    }
  if (has_curve)
    for (int j = 0; j < n_outputs (series); j++)
      draw_curve (cr, area, &layout->x_scale, &layout->y_scale, series->curve_x, series->curve_y + j,
                  n_outputs (series), series->n_curve, nnb_plot_data_output_color (j), style);

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
