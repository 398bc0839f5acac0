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
  if (epoch < series->n_test)
    /* Translators: read-out of the loss plot under the pointer, with the
     * held-out rows' loss (test_loss in the PyTorch program) */
    text = nnb_locale_strdup_printf (_("epoch %d\nloss %.6g\ntest_loss %.6g"), epoch, loss,
                                     series->test_losses[epoch]);
  else
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

/* One curve of losses[0 … n), a point per pixel column at most, the last
 * epoch always, so the line ends where the status says. */
static void
draw_curve (cairo_t *cr, const cairo_rectangle_t *area, const NnbPlotScale *x_scale, const NnbPlotScale *y_scale,
            const double *losses, int n, gboolean log_scale, const double rgba[4], const NnbPlotStyle *style)
{
  gboolean pen_down = FALSE;
  int stride = MAX (1, (int) (n / (area->width * MAX_POINTS_PER_PIXEL)));

  nnb_plot_style_set_data_line (cr, style, rgba, 2);
  for (int i = 0; i < n; i += stride)
    {
      double v = losses[i];

      if (!isfinite (v) || (log_scale && v <= 0))
        {
          pen_down = FALSE;
          continue;
        }
      nnb_plot_line_to (cr, &pen_down, nnb_plot_scale_map (x_scale, i, area->x, area->x + area->width),
                        nnb_plot_scale_map (y_scale, v, area->y + area->height, area->y));
    }
  if (pen_down && (n - 1) % stride != 0 && isfinite (losses[n - 1]))
    cairo_line_to (cr, nnb_plot_scale_map (x_scale, n - 1, area->x, area->x + area->width),
                   nnb_plot_scale_map (y_scale, losses[n - 1], area->y + area->height, area->y));
  /* One epoch is a point, not a line: a dot. */
  nnb_plot_stroke_line (cr, n == 1 && pen_down, style);
}

static void
extend_scale (NnbPlotScale *y_scale, const double *losses, int n, gboolean log_scale)
{
  for (int i = 0; i < n; i++)
    {
      double v = losses[i];

      if (!isfinite (v) || (log_scale && v <= 0))
        continue;
      y_scale->min = MIN (y_scale->min, v);
      y_scale->max = MAX (y_scale->max, v);
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
  gboolean test;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (series != NULL);
  g_return_if_fail (style != NULL);

  y_label = series->log_scale ? _("Loss (log scale)") : _("Loss");
  test = series->test_losses != NULL && series->n_test > 0;
  if (series->losses == NULL || series->n == 0)
    {
      nnb_plot_axes_draw (cr, width, height, _("Loss"), _("Epoch"), y_label,
                          _("Not trained yet"), style, NULL);
      return;
    }

  extend_scale (&y_scale, series->losses, series->n, series->log_scale);
  if (test)
    extend_scale (&y_scale, series->test_losses, series->n_test, series->log_scale);
  if (!series->log_scale && isfinite (y_scale.min))
    y_scale.min = MIN (0.0, y_scale.min); /* a loss is judged against zero */
  x_scale.max = MAX (1, series->n - 1);
  nnb_plot_scale_nice (&x_scale);
  nnb_plot_scale_nice (&y_scale);

  if (test)
    {
      /* Translators: the loss plot's legend: the training rows' loss and
       * the held-out rows' (loss and test_loss in the PyTorch program) */
      const char *labels[] = { _("train loss"), _("test loss") };
      const int colors[] = { 0, 1 };
      NnbPlotFrame frame = { _("Loss"), _("Epoch"), y_label, NULL, &x_scale, &y_scale, labels, colors, NULL, 2 };

      nnb_plot_axes_draw_frame (cr, width, height, &frame, style, &area);
    }
  else
    nnb_plot_axes_draw_scaled (cr, width, height, _("Loss"), _("Epoch"), y_label, NULL, style, &x_scale, &y_scale,
                               &area);
  if (area.width <= 0 || area.height <= 0)
    return;

  cairo_save (cr);
  cairo_rectangle (cr, area.x, area.y, area.width, area.height);
  cairo_clip (cr);
  if (test)
    {
      double train_rgba[4], test_rgba[4];

      nnb_plot_series_color (style, 0, train_rgba);
      nnb_plot_series_color (style, 1, test_rgba);
      draw_curve (cr, &area, &x_scale, &y_scale, series->test_losses, series->n_test, series->log_scale, test_rgba,
                  style);
      draw_curve (cr, &area, &x_scale, &y_scale, series->losses, series->n, series->log_scale, train_rgba, style);
    }
  else
    draw_curve (cr, &area, &x_scale, &y_scale, series->losses, series->n, series->log_scale, style->accent, style);
  cairo_restore (cr);
  draw_off_axis_marks (cr, &area, &x_scale, series, style);

  if (series->pointer.active)
    draw_readout (cr, &area, &x_scale, &y_scale, series, style);
}
