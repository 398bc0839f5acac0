/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-plot-predicted.c — predictions against true values, drawn with Cairo. */
#include "nnb-config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "nnb-plot-predicted.h"

void
nnb_plot_predicted_draw (cairo_t *cr,
                         int width,
                         int height,
                         const NnbPredictedSeries *series,
                         const NnbPlotStyle *style)
{
  /* both axes the same range, so that y = x is the diagonal */
  NnbPlotScale scale = { INFINITY, -INFINITY, FALSE };
  double radius, dashes[2];
  cairo_rectangle_t area;
  const char *title = _("Predicted against True");
  const char *x_label = _("true y");
  const char *y_label = _("model(X)");

  g_return_if_fail (cr != NULL);
  g_return_if_fail (series != NULL);
  g_return_if_fail (style != NULL);

  for (int i = 0; i < series->n; i++)
    if (isfinite (series->true_y[i]) && isfinite (series->pred_y[i]))
      {
        scale.min = MIN (scale.min, MIN (series->true_y[i], series->pred_y[i]));
        scale.max = MAX (scale.max, MAX (series->true_y[i], series->pred_y[i]));
      }
  if (series->n == 0 || !isfinite (scale.min))
    {
      nnb_plot_axes_draw (cr, width, height, title, x_label, y_label,
                          series->message != NULL ? series->message : _("No predictions yet"), style, NULL);
      return;
    }
  nnb_plot_scale_nice (&scale);
  nnb_plot_axes_draw_scaled (cr, width, height, title, x_label, y_label, NULL, style, &scale, &scale, &area);
  if (area.width <= 0 || area.height <= 0)
    return;

  cairo_save (cr);
  cairo_rectangle (cr, area.x, area.y, area.width, area.height);
  cairo_clip (cr);
  /* where a perfect model's points lie */
  dashes[0] = dashes[1] = MAX (3.0, style->font_size / 3);
  nnb_plot_set_source (cr, style->foreground, 0.5);
  cairo_set_line_width (cr, MAX (1.0, style->line_width));
  cairo_set_dash (cr, dashes, 2, 0);
  cairo_move_to (cr, area.x, area.y + area.height);
  cairo_line_to (cr, area.x + area.width, area.y);
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);

  radius = MAX (1.5, style->font_size / 6) * MAX (1.0, style->marker_scale);
  nnb_plot_set_source (cr, style->accent, 0.7);
  for (int i = 0; i < series->n; i++)
    {
      if (!isfinite (series->true_y[i]) || !isfinite (series->pred_y[i]))
        continue;
      cairo_new_sub_path (cr);
      cairo_arc (cr, nnb_plot_scale_map (&scale, series->true_y[i], area.x, area.x + area.width),
                 nnb_plot_scale_map (&scale, series->pred_y[i], area.y + area.height, area.y), radius, 0, 2 * G_PI);
    }
  cairo_fill (cr);
  cairo_restore (cr);
}
