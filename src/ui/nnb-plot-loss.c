/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-plot-loss.c — the loss curve, drawn with Cairo. */
#include "nnb-config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "nnb-locale-format.h"
#include "nnb-plot-loss.h"

/* Thousands of epochs on a few hundred pixels: one point per pixel column
 * is all the eye can see, and keeps drawing cheap on every frame. */
#define MAX_POINTS_PER_PIXEL 1

/* Epochs count as the training loop's counter does (`for epoch in
 * range(…)`, and every printout, the header and the toasts): losses[i] is
 * epoch i's, the first is epoch 0. */

/* The epoch under the pointer's column, read out with its loss. */
static void
draw_readout (cairo_t *cr, const cairo_rectangle_t *area, const NnbPlotScale *x_scale,
              const NnbPlotScale *y_scale, const NnbLossSeries *series, const NnbPlotStyle *style)
{
  g_autofree char *text = NULL;
  double fraction, loss, py;
  int epoch;

  if (area->width <= 0 || series->pointer.x < area->x - 4 || series->pointer.x > area->x + area->width + 4)
    return;
  fraction = (series->pointer.x - area->x) / area->width;
  epoch = (int) lround (x_scale->min + fraction * (x_scale->max - x_scale->min));
  epoch = CLAMP (epoch, 0, series->n - 1);
  loss = series->losses[epoch];
  /* a loss that is not a number (divergence) has no height: read it mid-plot */
  py = isfinite (loss) && (!series->log_scale || loss > 0)
         ? nnb_plot_scale_map (y_scale, loss, area->y + area->height, area->y)
         : area->y + area->height / 2;
  /* Translators: read-out of the loss plot under the pointer */
  text = nnb_locale_strdup_printf (_("epoch %d\nloss %.6g"), epoch, loss);
  nnb_plot_draw_readout (cr, area, nnb_plot_scale_map (x_scale, epoch, area->x, area->x + area->width),
                         py, text, style);
}

/* Losses with no place on the axes — nan and inf when training diverges,
 * zero on a log axis — are not drawn as lines: a mark at the edge says
 * what they are, once for each run of them. */
static void
draw_off_axis_marks (cairo_t *cr, const cairo_rectangle_t *area, const NnbPlotScale *x_scale,
                     const NnbLossSeries *series, const NnbPlotStyle *style)
{
  gboolean previous_off = FALSE;

  for (int i = 0; i < series->n; i++)
    {
      double v = series->losses[i];
      gboolean off = !isfinite (v) || (series->log_scale && v <= 0);
      double px;

      if (off && !previous_off)
        {
          px = nnb_plot_scale_map (x_scale, i, area->x, area->x + area->width);
          if (isfinite (v))
            nnb_plot_draw_edge_mark (cr, area, px, FALSE, NULL, style->accent, style);
          else
            nnb_plot_draw_edge_mark (cr, area, px, !(v < 0), nnb_plot_nonfinite_text (v), style->accent, style);
        }
      previous_off = off;
    }
}

void
nnb_plot_loss_draw (cairo_t *cr,
                    int width,
                    int height,
                    const NnbLossSeries *series,
                    const NnbPlotStyle *style)
{
  NnbPlotScale x_scale = { 0, 1, FALSE };
  NnbPlotScale y_scale = { INFINITY, -INFINITY, series != NULL && series->log_scale };
  const char *y_label;
  cairo_rectangle_t area;
  gboolean pen_down = FALSE;
  int stride;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (series != NULL);
  g_return_if_fail (style != NULL);

  y_label = series->log_scale ? _("Loss (log scale)") : _("Loss");
  if (series->losses == NULL || series->n == 0)
    {
      nnb_plot_axes_draw (cr, width, height, _("Loss"), _("Epoch"), y_label,
                          _("Not trained yet"), style, NULL);
      return;
    }

  for (int i = 0; i < series->n; i++)
    {
      double v = series->losses[i];

      if (!isfinite (v) || (series->log_scale && v <= 0))
        continue;
      y_scale.min = MIN (y_scale.min, v);
      y_scale.max = MAX (y_scale.max, v);
    }
  if (!series->log_scale && isfinite (y_scale.min))
    y_scale.min = MIN (0.0, y_scale.min); /* a loss is judged against zero */
  x_scale.max = MAX (1, series->n - 1);
  nnb_plot_scale_nice (&x_scale);
  nnb_plot_scale_nice (&y_scale);

  nnb_plot_axes_draw_scaled (cr, width, height, _("Loss"), _("Epoch"), y_label, NULL,
                             style, &x_scale, &y_scale, &area);
  if (area.width <= 0 || area.height <= 0)
    return;

  cairo_save (cr);
  cairo_rectangle (cr, area.x, area.y, area.width, area.height);
  cairo_clip (cr);
  nnb_plot_style_set_data_line (cr, style, style->accent, 2);

  stride = MAX (1, (int) (series->n / (area.width * MAX_POINTS_PER_PIXEL)));
  for (int i = 0; i < series->n; i += stride)
    {
      double v = series->losses[i];
      double x, y;

      if (!isfinite (v) || (series->log_scale && v <= 0))
        {
          pen_down = FALSE;
          continue;
        }
      x = nnb_plot_scale_map (&x_scale, i, area.x, area.x + area.width);
      y = nnb_plot_scale_map (&y_scale, v, area.y + area.height, area.y);
      nnb_plot_line_to (cr, &pen_down, x, y);
    }
  /* The last epoch always, so the line ends where the status says. */
  if (pen_down && (series->n - 1) % stride != 0 && isfinite (series->losses[series->n - 1]))
    cairo_line_to (cr,
                   nnb_plot_scale_map (&x_scale, series->n - 1, area.x, area.x + area.width),
                   nnb_plot_scale_map (&y_scale, series->losses[series->n - 1], area.y + area.height, area.y));
  /* One epoch is a point, not a line: a dot. */
  nnb_plot_stroke_line (cr, series->n == 1 && pen_down, style);

  cairo_restore (cr);
  draw_off_axis_marks (cr, &area, &x_scale, series, style);

  if (series->pointer.active)
    draw_readout (cr, &area, &x_scale, &y_scale, series, style);
}
