/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-plot-units.c — the small multiples of "Inside every unit"
 * (nnb-plot-units.h), drawn into an image: N units give N plots, each in
 * its own cell with ink inside, curves for one input and heat maps for
 * two, and nothing outside the cells. */
#include <math.h>

#include "nnb-plot-units.h"

/* The ink (pixels unlike the white background) inside rect. */
static int
ink_in (cairo_surface_t *surface, const double rect[4])
{
  guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface), ink = 0;

  for (int y = (int) ceil (rect[1]) + 2; y < (int) (rect[1] + rect[3]) - 2; y++)
    for (int x = (int) ceil (rect[0]) + 2; x < (int) (rect[0] + rect[2]) - 2; x++)
      ink += (((guint32 *) (data + y * stride))[x] & 0xffffff) != 0xffffff;
  return ink;
}

static NnbUnits *
make_units (int n, int inputs)
{
  NnbUnits *u = g_new0 (NnbUnits, 1);
  int size = inputs == 2 ? 32 : 200, points = inputs == 2 ? size * size : size;

  u->features = u->units = n;
  u->inputs = inputs;
  u->size = size;
  u->extent[0] = -1, u->extent[1] = 1, u->extent[2] = -1, u->extent[3] = 1;
  u->values = g_new (float, (gsize) n *points);
  /* unit k: tanh(w x + b), a different slope and shift each */
  for (int k = 0; k < n; k++)
    for (int p = 0; p < points; p++)
      {
        double x = inputs == 2 ? -1 + 2.0 * (p % size + 0.5) / size : -1 + 2.0 * p / (size - 1);
        double y = inputs == 2 ? -1 + 2.0 * (p / size + 0.5) / size : 0;
        u->values[(gsize) k * points + p] = (float) tanh ((k % 7 - 3) * x + (k % 5 - 2) * y + 0.1 * k - 1);
      }
  return u;
}

static void
check_n_plots (int n, int inputs)
{
  g_autoptr (NnbUnits) units = make_units (n, inputs);
  NnbUnitsSeries series = { units, "net[1]" };
  NnbPlotStyle style;
  const int width = 600;
  int height, inked = 0, columns;
  double w, h;
  cairo_surface_t *surface;
  cairo_t *cr;

  nnb_plot_style_init_default (&style);
  height = nnb_plot_units_height (width, &series, &style);
  nnb_plot_units_layout (width, &series, &style, &columns, &w, &h);
  g_assert_cmpint (columns, >=, 1);
  g_assert_cmpint (height, >=, (int) (((n + columns - 1) / columns) * h));
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cr = cairo_create (surface);
  nnb_plot_units_draw (cr, width, height, &series, &style);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  for (int k = 0; k < n; k++)
    {
      double r[4], next[4];

      nnb_plot_units_cell (width, &series, &style, k, r);
      g_assert_cmpfloat (r[0] + r[2], <=, width + 0.5);
      g_assert_cmpfloat (r[1] + r[3], <=, height + 0.5);
      /* cells never overlap: the next one lies right of it or below */
      if (k + 1 < n)
        {
          nnb_plot_units_cell (width, &series, &style, k + 1, next);
          g_assert_true (next[0] >= r[0] + r[2] || next[1] >= r[1] + r[3]);
        }
      /* a curve inks a few pixels, a heat map nearly all of its cell */
      if (ink_in (surface, r) > (inputs == 2 ? r[2] * r[3] / 3 : r[2] / 2))
        inked++;
    }
  g_assert_cmpint (inked, ==, n);
  {
    /* and no cell past the last: the space after it stays blank */
    double last[4], beyond[4];

    nnb_plot_units_cell (width, &series, &style, n - 1, last);
    nnb_plot_units_cell (width, &series, &style, n, beyond);
    if (beyond[1] + beyond[3] <= height && beyond[0] + beyond[2] <= width)
      g_assert_cmpint (ink_in (surface, beyond), ==, 0);
  }
  g_test_message ("%d %s in %d columns, %d px tall", n, inputs == 2 ? "heat maps" : "curves", columns, height);
  cairo_surface_destroy (surface);
}

static void
test_64_units_give_64_curves (void)
{
  check_n_plots (64, 1);
}

static void
test_16_units_give_16_heat_maps (void)
{
  check_n_plots (16, 2);
}

static void
test_one_unit_gives_one_plot (void)
{
  check_n_plots (1, 1);
  check_n_plots (3, 2);
}

/* Nothing to draw draws nothing, and asks for no room. */
static void
test_no_units_draw_nothing (void)
{
  NnbUnitsSeries series = { NULL, "fc1" };
  NnbPlotStyle style;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 100, 100);
  cairo_t *cr = cairo_create (surface);
  double all[4] = { 0, 0, 100, 100 };

  nnb_plot_style_init_default (&style);
  g_assert_cmpint (nnb_plot_units_height (300, &series, &style), ==, 0);
  nnb_plot_units_draw (cr, 100, 100, &series, &style);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  g_assert_cmpint (ink_in (surface, all), ==, 0);
  cairo_surface_destroy (surface);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/plot-units/64-units-give-64-curves", test_64_units_give_64_curves);
  g_test_add_func ("/plot-units/16-units-give-16-heat-maps", test_16_units_give_16_heat_maps);
  g_test_add_func ("/plot-units/one-unit-gives-one-plot", test_one_unit_gives_one_plot);
  g_test_add_func ("/plot-units/no-units-draw-nothing", test_no_units_draw_nothing);
  return g_test_run ();
}
