/* nnb-plot-data.c — data points and the fitted curve, drawn with Cairo. */
#include "nnb-config.h"

#include <glib/gi18n.h>
#include <math.h>

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

void
nnb_plot_data_draw (cairo_t *cr,
                    int width,
                    int height,
                    const NnbDataSeries *series,
                    const NnbPlotStyle *style)
{
  NnbPlotScale x_scale = { INFINITY, -INFINITY, FALSE };
  NnbPlotScale y_scale = { INFINITY, -INFINITY, FALSE };
  cairo_rectangle_t area;
  gboolean has_data, has_curve;
  double radius;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (series != NULL);
  g_return_if_fail (style != NULL);

  has_data = series->data_x != NULL && series->data_y != NULL && series->n_data > 0;
  has_curve = series->curve_x != NULL && series->curve_y != NULL && series->n_curve > 1;

  if (!has_data && !has_curve)
    {
      nnb_plot_axes_draw (cr, width, height, _("Data and Fitted Curve"), "x", "y",
                          series->message != NULL ? series->message : _("No data yet"),
                          style, NULL);
      return;
    }

  /* The axes follow the data; a wild curve early in training is clipped
   * rather than squashing the points into a line. */
  if (has_data)
    {
      extend (&x_scale, series->data_x, series->n_data);
      extend (&y_scale, series->data_y, series->n_data);
    }
  else
    {
      extend (&x_scale, series->curve_x, series->n_curve);
      extend (&y_scale, series->curve_y, series->n_curve);
    }
  nnb_plot_scale_nice (&x_scale);
  nnb_plot_scale_nice (&y_scale);

  nnb_plot_axes_draw_scaled (cr, width, height, _("Data and Fitted Curve"), "x", "y",
                             has_curve ? NULL : series->message, style, &x_scale, &y_scale, &area);
  if (area.width <= 0 || area.height <= 0)
    return;

  cairo_save (cr);
  cairo_rectangle (cr, area.x, area.y, area.width, area.height);
  cairo_clip (cr);

  if (has_data)
    {
      radius = MAX (1.5, style->font_size / 6);
      cairo_set_source_rgba (cr, style->foreground[0], style->foreground[1],
                             style->foreground[2], style->foreground[3] * 0.45);
      for (int i = 0; i < series->n_data; i++)
        {
          double x = nnb_plot_scale_map (&x_scale, series->data_x[i], area.x, area.x + area.width);
          double y = nnb_plot_scale_map (&y_scale, series->data_y[i], area.y + area.height, area.y);

          cairo_new_sub_path (cr);
          cairo_arc (cr, x, y, radius, 0, 2 * G_PI);
        }
      cairo_fill (cr);
    }

  if (has_curve)
    {
      gboolean pen_down = FALSE;

      cairo_set_source_rgba (cr, style->accent[0], style->accent[1], style->accent[2], style->accent[3]);
      cairo_set_line_width (cr, style->line_width * 2.5);
      cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
      cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
      for (int i = 0; i < series->n_curve; i++)
        {
          double x, y;

          /* A NaN breaks the line instead of sending it to a corner. */
          if (!isfinite (series->curve_y[i]))
            {
              pen_down = FALSE;
              continue;
            }
          x = nnb_plot_scale_map (&x_scale, series->curve_x[i], area.x, area.x + area.width);
          y = nnb_plot_scale_map (&y_scale, series->curve_y[i], area.y + area.height, area.y);
          /* Cairo misbehaves far outside the surface; the clip hides the rest. */
          y = CLAMP (y, area.y - area.height * 4, area.y + area.height * 5);
          if (pen_down)
            cairo_line_to (cr, x, y);
          else
            cairo_move_to (cr, x, y);
          pen_down = TRUE;
        }
      cairo_stroke (cr);
    }

  cairo_restore (cr);
}
