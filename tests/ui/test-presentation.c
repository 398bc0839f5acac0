/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-presentation.c — presentation mode's look for the plots: heavier
 * lines and bigger points, text and axes pure black (or white on dark),
 * so that the same data plot puts clearly more ink on the page. */
#include "nnb-config.h"

#include <math.h>

#include "nnb-plot-data.h"
#include "nnb-presentation.h"

#define W 480
#define H 320

static void
test_style_is_heavier_and_pure (void)
{
  NnbPlotStyle normal, light, dark, contrast;

  nnb_plot_style_init_default (&normal);
  normal.foreground[3] = 0.8; /* as libadwaita's slightly dimmed text */
  light = dark = contrast = normal;
  nnb_plot_style_apply_presentation (&light, FALSE, FALSE);
  nnb_plot_style_apply_presentation (&dark, TRUE, FALSE);
  nnb_plot_style_apply_presentation (&contrast, TRUE, TRUE);

  g_assert_cmpfloat (light.line_width, >=, 1.5 * normal.line_width);
  g_assert_cmpfloat (light.marker_scale, >, 1.0);
  for (int i = 0; i < 3; i++)
    {
      g_assert_cmpfloat (light.foreground[i], ==, 0.0);
      g_assert_cmpfloat (dark.foreground[i], ==, 1.0);
    }
  g_assert_cmpfloat (light.foreground[3], ==, 1.0);
  /* the accent stands out from its background: darker on light, lighter on dark */
  g_assert_cmpfloat (light.accent[0] + light.accent[1] + light.accent[2], <,
                     normal.accent[0] + normal.accent[1] + normal.accent[2]);
  g_assert_cmpfloat (dark.accent[0] + dark.accent[1] + dark.accent[2], >,
                     normal.accent[0] + normal.accent[1] + normal.accent[2]);
  g_assert_cmpfloat (contrast.accent[2], ==, 1.0);
}

/* Pixels where the data plot of a sine (60 points and the curve through
 * them) differs from its empty frame: the same axes and grid drawn by
 * nnb_plot_axes_draw_scaled, with no points and no curve. The frame's own
 * ink (text and axes, blacker when presenting) does not count. */
static long
data_ink (const NnbPlotStyle *style)
{
  float x[60], y[60];
  NnbDataSeries series = { 0 };
  NnbPlotScale x_scale = { INFINITY, -INFINITY, FALSE }, y_scale = { INFINITY, -INFINITY, FALSE };
  cairo_surface_t *plot = cairo_image_surface_create (CAIRO_FORMAT_RGB24, W, H);
  cairo_surface_t *frame = cairo_image_surface_create (CAIRO_FORMAT_RGB24, W, H);
  cairo_t *cr;
  const guint8 *plot_data, *frame_data;
  int stride;
  long inked = 0;

  for (int i = 0; i < 60; i++)
    {
      x[i] = (float) (i * 2 * G_PI / 59);
      y[i] = sinf (x[i]);
      x_scale.min = MIN (x_scale.min, x[i]), x_scale.max = MAX (x_scale.max, x[i]);
      y_scale.min = MIN (y_scale.min, y[i]), y_scale.max = MAX (y_scale.max, y[i]);
    }
  series.data_x = x, series.data_y = y, series.n_data = 60;
  series.curve_x = x, series.curve_y = y, series.n_curve = 60;
  cr = cairo_create (plot);
  nnb_plot_data_draw (cr, W, H, &series, style);
  cairo_destroy (cr);
  /* the axes follow the points, as in nnb_plot_data_draw */
  nnb_plot_scale_nice (&x_scale);
  nnb_plot_scale_nice (&y_scale);
  cr = cairo_create (frame);
  nnb_plot_axes_draw_scaled (cr, W, H, "Data and Fitted Curve", "x", "y", NULL, style, &x_scale, &y_scale, NULL);
  cairo_destroy (cr);
  cairo_surface_flush (plot);
  cairo_surface_flush (frame);

  plot_data = cairo_image_surface_get_data (plot);
  frame_data = cairo_image_surface_get_data (frame);
  stride = cairo_image_surface_get_stride (plot);
  for (int r = 0; r < H; r++)
    for (int c = 0; c < W; c++)
      if ((*(const guint32 *) (plot_data + r * stride + c * 4) & 0xffffff) != (*(const guint32 *) (frame_data + r * stride + c * 4) & 0xffffff))
        inked++;
  cairo_surface_destroy (plot);
  cairo_surface_destroy (frame);

  return inked;
}

static void
test_plot_puts_more_ink (void)
{
  NnbPlotStyle normal, presenting;
  long normal_ink, presenting_ink;

  nnb_plot_style_init_default (&normal);
  presenting = normal;
  nnb_plot_style_apply_presentation (&presenting, FALSE, FALSE);
  normal_ink = data_ink (&normal);
  presenting_ink = data_ink (&presenting);
  g_test_message ("points and curve: %ld pixels as usual, %ld in presentation mode", normal_ink, presenting_ink);
  /* the points and the curve are there at all: a 3.5 px curve across the
   * plot, antialiased, with 60 dots on it is near 3000 pixels */
  g_assert_cmpint (normal_ink, >, 2000);
  /* and they grow: lines at least 1.5 times as wide, points twice the size
   * (on the curve, so mostly under it): a third more */
  g_assert_cmpint (presenting_ink, >, normal_ink * 5 / 4);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ui/presentation/style-is-heavier-and-pure", test_style_is_heavier_and_pure);
  g_test_add_func ("/ui/presentation/plot-puts-more-ink", test_plot_puts_more_ink);

  return g_test_run ();
}
