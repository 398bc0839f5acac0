/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-plot-norms.c — parameter norms over time, drawn with Cairo. */
#include "nnb-config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "nnb-locale-format.h"
#include "nnb-plot-norms.h"

/* More series than this crowd the legend; the plot still draws them all. */
#define MAX_LEGEND 8

static double
norm_at (const NnbNormSeries *series, int point, int s)
{
  return series->norms[(gsize) point * series->n_series + s];
}

/* the point after p, stride on, but never past the last one */
static int
next_point (int p, int stride, int n)
{
  return p < n - 1 && p + stride > n - 1 ? n - 1 : p + stride;
}

static void
draw_series (cairo_t *cr, const cairo_rectangle_t *area, const NnbPlotScale *x_scale,
             const NnbPlotScale *y_scale, const NnbNormSeries *series, int s, const NnbPlotStyle *style)
{
  gboolean pen_down = FALSE;
  double rgba[4];
  /* about one point a pixel, as the loss plot, and always the last one:
   * thousands of segments a series cost a frame several ms (bench/RESULTS.md) */
  int stride = MAX (1, (int) (series->n_points / MAX (1.0, area->width)));

  nnb_plot_series_color (style, s, rgba);
  nnb_plot_style_set_data_line (cr, style, rgba, 2);
  for (int p = 0; p < series->n_points; p = next_point (p, stride, series->n_points))
    {
      double v = norm_at (series, p, s);
      double x, y;

      /* zero, nan and inf have no place on a log axis: a gap (marked
       * after all the lines, draw_off_axis_marks) */
      if (!isfinite (v) || v <= 0)
        {
          pen_down = FALSE;
          continue;
        }
      x = nnb_plot_scale_map (x_scale, series->epochs[p], area->x, area->x + area->width);
      y = nnb_plot_scale_map (y_scale, v, area->y + area->height, area->y);
      nnb_plot_line_to (cr, &pen_down, x, y);
    }
  nnb_plot_stroke_line (cr, series->n_points == 1 && pen_down, style);
}

/* Where norms leave the axes — nan or inf when training diverges — one
 * mark at the top edge says so, at the first epoch of each such run; a
 * norm of zero (a gap in a log plot) gets a mark at the bottom. */
static void
draw_off_axis_marks (cairo_t *cr, const cairo_rectangle_t *area, const NnbPlotScale *x_scale,
                     const NnbNormSeries *series, const NnbPlotStyle *style)
{
  gboolean before = FALSE;

  for (int p = 0; p < series->n_points; p++)
    {
      const char *text = NULL;
      gboolean zero = FALSE;

      for (int s = 0; s < series->n_series; s++)
        {
          double v = norm_at (series, p, s);

          if (!isfinite (v) && text == NULL)
            text = nnb_plot_nonfinite_text (v);
          zero |= isfinite (v) && v <= 0;
        }
      if ((text != NULL || zero) && !before)
        nnb_plot_draw_edge_mark (cr, area, nnb_plot_scale_map (x_scale, series->epochs[p], area->x, area->x + area->width),
                                 text != NULL, text, style->foreground, style);
      before = text != NULL || zero;
    }
}

static void
draw_readout (cairo_t *cr, const cairo_rectangle_t *area, const NnbPlotScale *x_scale,
              const NnbPlotScale *y_scale, const NnbNormSeries *series, const NnbPlotStyle *style)
{
  g_autoptr (GString) text = g_string_new (NULL);
  double epoch, best = INFINITY, top = INFINITY;
  int point = 0;

  if (series->pointer.x < area->x - 4 || series->pointer.x > area->x + area->width + 4)
    return;
  epoch = x_scale->min + (series->pointer.x - area->x) / area->width * (x_scale->max - x_scale->min);
  for (int p = 0; p < series->n_points; p++)
    if (fabs (series->epochs[p] - epoch) < best)
      {
        best = fabs (series->epochs[p] - epoch);
        point = p;
      }

  /* Translators: first line of the norms plot's read-out */
  g_string_append_printf (text, _("epoch %d"), (int) series->epochs[point]);
  for (int s = 0; s < series->n_series; s++)
    {
      double v = norm_at (series, point, s);

      nnb_locale_string_append_printf (text, "\n%s  %.4g", series->names[s], v);
      if (isfinite (v) && v > 0)
        top = MIN (top, nnb_plot_scale_map (y_scale, v, area->y + area->height, area->y));
    }
  nnb_plot_draw_readout (cr, area,
                         nnb_plot_scale_map (x_scale, series->epochs[point], area->x, area->x + area->width),
                         isfinite (top) ? top : area->y + area->height / 2, text->str, style);
}

void
nnb_plot_norms_draw (cairo_t *cr,
                     int width,
                     int height,
                     const NnbNormSeries *series,
                     const NnbPlotStyle *style)
{
  NnbPlotScale x_scale = { INFINITY, -INFINITY, FALSE };
  NnbPlotScale y_scale = { INFINITY, -INFINITY, TRUE };
  const char *title, *y_label;
  cairo_rectangle_t area;
  const char *labels[MAX_LEGEND];
  int colors[MAX_LEGEND];
  int n_legend;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (series != NULL);
  g_return_if_fail (style != NULL);

  title = series->gradients ? _("Gradient Norms") : _("Weight Norms");
  y_label = series->gradients ? _("‖grad‖ (log scale)") : _("‖value‖ (log scale)");
  if (series->n_points == 0 || series->n_series == 0 || series->norms == NULL)
    {
      nnb_plot_axes_draw (cr, width, height, title, _("Epoch"), y_label, _("Not trained yet"), style, NULL);
      return;
    }

  for (int p = 0; p < series->n_points; p++)
    {
      x_scale.min = MIN (x_scale.min, series->epochs[p]);
      x_scale.max = MAX (x_scale.max, series->epochs[p]);
      for (int s = 0; s < series->n_series; s++)
        {
          double v = norm_at (series, p, s);

          if (isfinite (v) && v > 0)
            {
              y_scale.min = MIN (y_scale.min, v);
              y_scale.max = MAX (y_scale.max, v);
            }
        }
    }
  x_scale.min = MIN (x_scale.min, 1);
  x_scale.max = MAX (x_scale.max, x_scale.min + 1);
  nnb_plot_scale_nice (&x_scale);
  nnb_plot_scale_nice (&y_scale);

  /* the legend in a band of its own, above the lines it names */
  n_legend = MIN (series->n_series, MAX_LEGEND);
  for (int s = 0; s < n_legend; s++)
    {
      labels[s] = series->names[s];
      colors[s] = s;
    }
  {
    NnbPlotFrame frame = { title, _("Epoch"), y_label, NULL, &x_scale, &y_scale, labels, colors, NULL, n_legend };

    nnb_plot_axes_draw_frame (cr, width, height, &frame, style, &area);
  }
  if (area.width <= 0 || area.height <= 0)
    return;

  cairo_save (cr);
  cairo_rectangle (cr, area.x, area.y, area.width, area.height);
  cairo_clip (cr);
  for (int s = 0; s < series->n_series; s++)
    draw_series (cr, &area, &x_scale, &y_scale, series, s, style);
  cairo_restore (cr);
  draw_off_axis_marks (cr, &area, &x_scale, series, style);

  if (series->pointer.active)
    draw_readout (cr, &area, &x_scale, &y_scale, series, style);
}
