/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-plot-loss.c — the loss curve, drawn with Cairo. */
#include "nnb-config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "nnb-locale-format.h"
#include "nnb-plot-loss.h"
#include "nnb-plot-percent-axis.h"

/* Thousands of epochs on a few hundred pixels: one point per pixel column
 * is all the eye can see, and keeps drawing cheap on every frame. */
#define MAX_POINTS_PER_PIXEL 1

/* Epochs count as the training loop's counter does (`for epoch in
 * range(…)`, and every printout, the header and the toasts): losses[i] is
 * epoch i's, the first is epoch 0. */

/* Where value v of a curve lands at the pointer's epoch, or NAN when it
 * has no place on the axes (a diverged loss, zero on a log axis). */
static double
curve_y (const cairo_rectangle_t *area, const NnbPlotScale *y_scale, double v)
{
  if (!isfinite (v) || (y_scale->log && v <= 0))
    return NAN;
  return nnb_plot_scale_map (y_scale, v, area->y + area->height, area->y);
}

/* Whether an accuracy curve is nearer the pointer than the loss curves at
 * epoch's column; *py receives the nearest accuracy's height. */
static gboolean
accuracy_is_nearer (const cairo_rectangle_t *area, const NnbPlotScale *y_scale, const NnbLossSeries *series,
                    int epoch, double *py)
{
  double loss_distance = INFINITY, accuracy_distance = INFINITY;
  double y, accuracy_y = NAN;

  /* the read-out names the training rows' accuracy first: none, no read-out of it */
  if (series->accuracies == NULL || epoch >= series->n_accuracy)
    return FALSE;
  y = curve_y (area, y_scale, series->losses[epoch]);
  if (isfinite (y))
    loss_distance = fabs (series->pointer.y - y);
  if (epoch < series->n_test && isfinite (y = curve_y (area, y_scale, series->test_losses[epoch])))
    loss_distance = MIN (loss_distance, fabs (series->pointer.y - y));
  for (int k = 0; k < 2; k++)
    {
      const double *shares = k == 0 ? series->accuracies : series->test_accuracies;
      int n = k == 0 ? series->n_accuracy : series->n_test_accuracy;

      if (shares == NULL || epoch >= n || !isfinite (y = curve_y (area, &nnb_plot_percent_scale, shares[epoch])))
        continue;
      if (fabs (series->pointer.y - y) < accuracy_distance)
        {
          accuracy_distance = fabs (series->pointer.y - y);
          accuracy_y = y;
        }
    }
  if (accuracy_distance >= loss_distance)
    return FALSE;
  *py = accuracy_y;
  return TRUE;
}

/* The epoch under the pointer's column, read out with its loss, or with
 * its accuracy when the pointer is nearer an accuracy curve. */
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
  if (accuracy_is_nearer (area, y_scale, series, epoch, &py))
    {
      g_autofree char *accuracy = nnb_locale_format_percent (series->accuracies[epoch], 1);

      if (series->test_accuracies != NULL && epoch < series->n_test_accuracy)
        {
          g_autofree char *test = nnb_locale_format_percent (series->test_accuracies[epoch], 1);

          /* Translators: read-out of the loss plot under the pointer, near
           * the accuracy curves: the share of right predictions on the
           * training rows and on the held-out rows (accuracy and
           * test_accuracy in the PyTorch program), each a percentage */
          text = nnb_locale_strdup_printf (_("epoch %d\naccuracy %s\ntest_accuracy %s"), epoch, accuracy, test);
        }
      else
        /* Translators: read-out of the loss plot under the pointer, near
         * the accuracy curve (a percentage) */
        text = nnb_locale_strdup_printf (_("epoch %d\naccuracy %s"), epoch, accuracy);
    }
  else if (epoch < series->n_test)
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
 * epoch always, so the line ends where the status says; in the line's
 * colour and dashes as the caller set them. */
static void
draw_curve (cairo_t *cr, const cairo_rectangle_t *area, const NnbPlotScale *x_scale, const NnbPlotScale *y_scale,
            const double *losses, int n, gboolean log_scale, const NnbPlotStyle *style)
{
  gboolean pen_down = FALSE;
  int stride = MAX (1, (int) (n / (area->width * MAX_POINTS_PER_PIXEL)));

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

/* The accuracies, dashed in the loss curves' colours against the share
 * axis, under the losses: the loss is the lesson, the accuracy what it
 * buys. The test curve's dashes fall in the gaps of the training
 * curve's, so both show where they run together at 100 %. */
static void
draw_accuracies (cairo_t *cr, const cairo_rectangle_t *area, const NnbPlotScale *x_scale,
                 const NnbLossSeries *series, const NnbPlotStyle *style)
{
  double rgba[4];

  cairo_save (cr);
  /* a curve at 0 % or 100 % runs on the area's edge: all of its width */
  cairo_rectangle (cr, area->x, area->y - style->line_width, area->width, area->height + 2 * style->line_width);
  cairo_clip (cr);
  if (series->test_accuracies != NULL && series->n_test_accuracy > 0)
    {
      nnb_plot_series_color (style, 1, rgba);
      nnb_plot_style_set_data_line (cr, style, rgba, 2);
      nnb_plot_style_set_dashes (cr, style, 0.5);
      draw_curve (cr, area, x_scale, &nnb_plot_percent_scale, series->test_accuracies, series->n_test_accuracy,
                  FALSE, style);
    }
  nnb_plot_series_color (style, 0, rgba);
  nnb_plot_style_set_data_line (cr, style, rgba, 2);
  nnb_plot_style_set_dashes (cr, style, 0);
  draw_curve (cr, area, x_scale, &nnb_plot_percent_scale, series->accuracies, series->n_accuracy, FALSE, style);
  cairo_restore (cr);
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
  const char *y_label, *title;
  const char *labels[4];
  int colors[4], n_legend = 0;
  gboolean dashed[4];
  cairo_rectangle_t area;
  gboolean test, accuracy;

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
  accuracy = series->accuracies != NULL && series->n_accuracy > 0;
  /* Translators: the loss plot's title when it shows the accuracy too */
  title = accuracy ? _("Loss and Accuracy") : _("Loss");

  extend_scale (&y_scale, series->losses, series->n, series->log_scale);
  if (test)
    extend_scale (&y_scale, series->test_losses, series->n_test, series->log_scale);
  if (!series->log_scale && isfinite (y_scale.min))
    y_scale.min = MIN (0.0, y_scale.min); /* a loss is judged against zero */
  x_scale.max = MAX (1, series->n - 1);
  nnb_plot_scale_nice (&x_scale);
  nnb_plot_scale_nice (&y_scale);

  /* A legend once there is more than the one loss curve to tell apart;
   * the training rows' pair first, then the test rows', so that a narrow
   * plot wraps it into a row for each, not a row and two stragglers. */
  if (test || accuracy)
    {
      /* Translators: the loss plot's legend: the training rows' loss and
       * the held-out rows' (loss and test_loss in the PyTorch program) */
      const char *loss_labels[] = { _("train loss"), _("test loss") };
      /* Translators: the loss plot's legend: the share of right
       * predictions on the training rows and on the held-out rows
       * (accuracy and test_accuracy in the PyTorch program) */
      const char *accuracy_labels[] = { _("train accuracy"), _("test accuracy") };
      gboolean test_accuracy = series->test_accuracies != NULL && series->n_test_accuracy > 0;

      for (int k = 0; k < 2; k++)
        {
          if (k == 0 || test)
            labels[n_legend] = loss_labels[k], colors[n_legend] = k, dashed[n_legend++] = FALSE;
          if (accuracy && (k == 0 || test_accuracy))
            labels[n_legend] = accuracy_labels[k], colors[n_legend] = k, dashed[n_legend++] = TRUE;
        }
    }
  {
    NnbPlotFrame frame = { title, _("Epoch"), y_label, NULL, &x_scale, &y_scale, labels, colors, dashed, n_legend,
                           accuracy ? nnb_plot_percent_axis_width (cr, _("Accuracy"), style) : 0 };

    nnb_plot_axes_draw_frame (cr, width, height, &frame, style, &area);
  }
  if (area.width <= 0 || area.height <= 0)
    return;
  if (accuracy)
    {
      nnb_plot_percent_axis_draw (cr, &area, _("Accuracy"), style);
      draw_accuracies (cr, &area, &x_scale, series, style);
    }

  cairo_save (cr);
  cairo_rectangle (cr, area.x, area.y, area.width, area.height);
  cairo_clip (cr);
  if (test)
    {
      double train_rgba[4], test_rgba[4];

      nnb_plot_series_color (style, 0, train_rgba);
      nnb_plot_series_color (style, 1, test_rgba);
      nnb_plot_style_set_data_line (cr, style, test_rgba, 2);
      draw_curve (cr, &area, &x_scale, &y_scale, series->test_losses, series->n_test, series->log_scale, style);
      nnb_plot_style_set_data_line (cr, style, train_rgba, 2);
      draw_curve (cr, &area, &x_scale, &y_scale, series->losses, series->n, series->log_scale, style);
    }
  else
    {
      nnb_plot_style_set_data_line (cr, style, style->accent, 2);
      draw_curve (cr, &area, &x_scale, &y_scale, series->losses, series->n, series->log_scale, style);
    }
  cairo_restore (cr);
  draw_off_axis_marks (cr, &area, &x_scale, series, style);

  if (series->pointer.active)
    draw_readout (cr, &area, &x_scale, &y_scale, series, style);
}
