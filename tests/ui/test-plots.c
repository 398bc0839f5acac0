/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-plots.c — the pure draw functions draw into files as they do on
 * screen: the data plot, the loss plot (linear and log) and the diagram
 * render into an image surface and an SVG surface without error, and put
 * ink where the data is. Needs no display. */
#include "nnb-config.h"

#include <cairo-pdf.h>
#include <cairo-script.h>
#include <cairo-svg.h>
#include <math.h>

#include "nnb-diagram.h"
#include "nnb-plot-data.h"
#include "nnb-plot-descriptions.h"
#include "nnb-norm-history.h"
#include "nnb-plot-loss.h"
#include "nnb-plot-norms.h"
#include "nnb-plot-predicted.h"
#include "nnb-plot-race.h"
#include "nnb-project.h"

#define W 640
#define H 400

typedef void (*Draw) (cairo_t *cr, int width, int height, gpointer data, const NnbPlotStyle *style);

static cairo_status_t
discard (void *closure, const unsigned char *data, unsigned int length)
{
  *(gsize *) closure += length;
  return CAIRO_STATUS_SUCCESS;
}

/* Counts pixels that are not the white background. */
static int
ink (cairo_surface_t *surface)
{
  const guint32 *pixels = (const guint32 *) cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface) / 4;
  int n = 0;

  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      if ((pixels[y * stride + x] & 0xffffff) != 0xffffff)
        n++;

  return n;
}

static void
draw_both (Draw draw, gpointer data)
{
  cairo_surface_t *image = cairo_image_surface_create (CAIRO_FORMAT_RGB24, W, H);
  cairo_surface_t *svg;
  cairo_t *cr;
  gsize svg_bytes = 0;
  NnbPlotStyle style;

  nnb_plot_style_init_default (&style);

  cr = cairo_create (image);
  draw (cr, W, H, data, &style);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_flush (image);
  g_assert_cmpint (ink (image), >, 1000);
  cairo_surface_destroy (image);

  svg = cairo_svg_surface_create_for_stream (discard, &svg_bytes, W, H);
  cr = cairo_create (svg);
  draw (cr, W, H, data, &style);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_finish (svg);
  g_assert_cmpint (cairo_surface_status (svg), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (svg);
  g_assert_cmpuint (svg_bytes, >, 1000);
}

static void
draw_data (cairo_t *cr, int width, int height, gpointer data, const NnbPlotStyle *style)
{
  nnb_plot_data_draw (cr, width, height, data, style);
}

static void
draw_loss (cairo_t *cr, int width, int height, gpointer data, const NnbPlotStyle *style)
{
  nnb_plot_loss_draw (cr, width, height, data, style);
}

static void
draw_norms (cairo_t *cr, int width, int height, gpointer data, const NnbPlotStyle *style)
{
  nnb_plot_norms_draw (cr, width, height, data, style);
}

static void
draw_diagram (cairo_t *cr, int width, int height, gpointer data, const NnbPlotStyle *style)
{
  NnbProject *project = data;
  int64_t input[2] = { NNB_DIM_BATCH, 3 };
  NnbNodeShape *shapes = NULL;

  g_assert_true (nnb_model_infer_shapes (project->model, 2, input, &shapes, NULL));
  nnb_diagram_draw (cr, width, height, project->model,
                    (const NnbBlockPosition *) project->positions->data, shapes, style);
  nnb_node_shapes_free (shapes, project->model->nodes->len);
}

/* ---- the data plot against its empty frame ---- */

/* The frame nnb_plot_data_draw draws under series (axes scaled to the
 * points, as the plot scales them) with nothing in it: the picture a plot
 * that skipped its points and curve would give. *area receives the plotting
 * rectangle, *x_scale and *y_scale the axes. */
static cairo_surface_t *
data_plot_frame (const NnbDataSeries *series, const NnbPlotStyle *style, cairo_rectangle_t *area,
                 NnbPlotScale *x_scale, NnbPlotScale *y_scale)
{
  cairo_surface_t *image = cairo_image_surface_create (CAIRO_FORMAT_RGB24, W, H);
  cairo_t *cr = cairo_create (image);

  *x_scale = (NnbPlotScale){ INFINITY, -INFINITY, FALSE };
  *y_scale = (NnbPlotScale){ INFINITY, -INFINITY, FALSE };
  for (int i = 0; i < series->n_data; i++)
    {
      x_scale->min = MIN (x_scale->min, series->data_x[i]);
      x_scale->max = MAX (x_scale->max, series->data_x[i]);
      y_scale->min = MIN (y_scale->min, series->data_y[i]);
      y_scale->max = MAX (y_scale->max, series->data_y[i]);
    }
  nnb_plot_scale_nice (x_scale);
  nnb_plot_scale_nice (y_scale);
  nnb_plot_axes_draw_scaled (cr, W, H, "Data and Fitted Curve", "x", "y", NULL, style, x_scale, y_scale, area);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_flush (image);

  return image;
}

static cairo_surface_t *
data_plot_image (const NnbDataSeries *series, const NnbPlotStyle *style)
{
  cairo_surface_t *image = cairo_image_surface_create (CAIRO_FORMAT_RGB24, W, H);
  cairo_t *cr = cairo_create (image);

  nnb_plot_data_draw (cr, W, H, series, style);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_flush (image);

  return image;
}

static guint32
pixel_at (cairo_surface_t *image, double x, double y)
{
  const guint32 *pixels = (const guint32 *) cairo_image_surface_get_data (image);
  int stride = cairo_image_surface_get_stride (image) / 4;
  int px = CLAMP ((int) floor (x), 0, W - 1), py = CLAMP ((int) floor (y), 0, H - 1);

  return pixels[py * stride + px] & 0xffffff;
}

/* The accent (libadwaita's blue, 28 112 217 in the default style), give or
 * take antialiasing at the pixel's centre of a 3.5 px line. */
static gboolean
is_accent (guint32 p)
{
  int r = (p >> 16) & 0xff, g = (p >> 8) & 0xff, b = p & 0xff;

  return b > 170 && b - r > 110 && g > 70 && g < 160;
}

/* Mid grey at least 60 levels darker than what the frame has there: a data
 * point (the foreground at 45 %) drawn over white or a faint grid line. */
static gboolean
is_point_over (guint32 p, guint32 frame)
{
  int r = (p >> 16) & 0xff, g = (p >> 8) & 0xff, b = p & 0xff;

  return ABS (r - g) < 16 && ABS (g - b) < 16 && (int) (frame & 0xff) - b > 60;
}

/* Distance in pixels from (px, py) to the polyline through xs, ys. */
static double
distance_to_curve (const cairo_rectangle_t *area, const NnbPlotScale *x_scale, const NnbPlotScale *y_scale,
                   const float *xs, const float *ys, int n, double px, double py)
{
  double best = INFINITY;

  for (int i = 0; i + 1 < n; i++)
    {
      double ax = nnb_plot_scale_map (x_scale, xs[i], area->x, area->x + area->width);
      double ay = nnb_plot_scale_map (y_scale, ys[i], area->y + area->height, area->y);
      double bx = nnb_plot_scale_map (x_scale, xs[i + 1], area->x, area->x + area->width);
      double by = nnb_plot_scale_map (y_scale, ys[i + 1], area->y + area->height, area->y);
      double dx = bx - ax, dy = by - ay;
      double t = CLAMP (((px - ax) * dx + (py - ay) * dy) / MAX (dx * dx + dy * dy, 1e-9), 0.0, 1.0);

      best = MIN (best, hypot (px - (ax + t * dx), py - (ay + t * dy)));
    }
  return best;
}

static void
test_data_plot_draws_points_and_curve (void)
{
  float x[50], y[50], gx[100], gy[100];
  NnbDataSeries series = { x, y, 50, gx, gy, 100, NULL };

  for (int i = 0; i < 50; i++)
    x[i] = i * 0.125f, y[i] = sinf (x[i]);
  for (int i = 0; i < 100; i++)
    gx[i] = i * 0.0625f, gy[i] = i == 40 ? NAN : 0.9f * sinf (gx[i]); /* a NaN breaks the line */

  draw_both (draw_data, &series);
  /* more ink than the empty frame on the same axes: the points and curve
   * (test_data_plot_draws_sinenet_points_and_curve says where) */
  {
    NnbPlotStyle style;
    NnbPlotScale x_scale, y_scale;
    cairo_rectangle_t area;
    cairo_surface_t *frame, *plot;

    nnb_plot_style_init_default (&style);
    frame = data_plot_frame (&series, &style, &area, &x_scale, &y_scale);
    plot = data_plot_image (&series, &style);
    g_assert_cmpint (ink (plot), >, ink (frame) + 1500);
    cairo_surface_destroy (plot);
    cairo_surface_destroy (frame);
  }
}

/* SineNet's data (data/examples/sinenet.nnb: 200 points of sin x plus
 * noise) and the curve a trained SineNet draws through them: every point
 * clear of the curve is a grey dot where the empty frame is light, and the
 * curve is the accent colour all along sin x, where the frame has none. */
static void
test_data_plot_draws_sinenet_points_and_curve (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "..", "data", "examples", "sinenet.nnb", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbProject) project = nnb_project_load (path, &error);
  g_autoptr (NnbDataset) data = NULL;
  float grid_x[120], grid_y[120];
  NnbDataSeries series = { 0 };
  NnbPlotStyle style;
  NnbPlotScale x_scale, y_scale;
  cairo_rectangle_t area;
  cairo_surface_t *frame, *plot, *points_only;
  int clear = 0, dotted = 0, on_curve = 0, samples = 0, frame_accent = 0, plot_accent = 0;

  g_assert_no_error (error);
  data = nnb_project_build (project, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (data->x->numel, ==, 200);
  for (int i = 0; i < 120; i++)
    {
      grid_x[i] = (float) (2 * G_PI * i / 119);
      grid_y[i] = sinf (grid_x[i]);
    }
  series.data_x = data->x->data;
  series.data_y = data->y->data;
  series.n_data = (int) data->x->numel;
  series.curve_x = grid_x;
  series.curve_y = grid_y;
  series.n_curve = 120;

  nnb_plot_style_init_default (&style);
  frame = data_plot_frame (&series, &style, &area, &x_scale, &y_scale);
  plot = data_plot_image (&series, &style);
  g_assert_cmpfloat (area.width, >, W / 2);
  g_assert_cmpfloat (area.height, >, H / 2);

  /* the points: each one clear of the curve (whose 3.5 px line would cover
   * it) and of the frame's dark axes and labels */
  for (int i = 0; i < series.n_data; i++)
    {
      double px = nnb_plot_scale_map (&x_scale, series.data_x[i], area.x, area.x + area.width);
      double py = nnb_plot_scale_map (&y_scale, series.data_y[i], area.y + area.height, area.y);

      if (distance_to_curve (&area, &x_scale, &y_scale, grid_x, grid_y, 120, px, py) < 6 || (pixel_at (frame, px, py) & 0xff) < 200)
        continue;
      clear++;
      if (is_point_over (pixel_at (plot, px, py), pixel_at (frame, px, py)))
        dotted++;
    }
  g_test_message ("%d of %d points clear of the curve are drawn", dotted, clear);
  g_assert_cmpint (clear, >=, 40);
  g_assert_cmpint (dotted, >=, clear * 95 / 100);

  /* the curve: the accent colour along sin x, across the plot */
  for (double x = 0.05; x < 2 * G_PI - 0.05; x += 0.02)
    {
      double px = nnb_plot_scale_map (&x_scale, x, area.x, area.x + area.width);
      double py = nnb_plot_scale_map (&y_scale, sin (x), area.y + area.height, area.y);

      samples++;
      if (is_accent (pixel_at (plot, px, py)))
        on_curve++;
      g_assert_false (is_accent (pixel_at (frame, px, py)));
    }
  g_test_message ("%d of %d samples along sin x are the curve's colour", on_curve, samples);
  g_assert_cmpint (samples, >, 250);
  g_assert_cmpint (on_curve, >=, samples * 95 / 100);

  /* and nowhere else is there more blue than a line's worth: the curve is
   * where the model says, not somewhere on the plot */
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      {
        frame_accent += is_accent (pixel_at (frame, x + 0.5, y + 0.5));
        plot_accent += is_accent (pixel_at (plot, x + 0.5, y + 0.5));
      }
  g_assert_cmpint (frame_accent, ==, 0);
  g_assert_cmpint (plot_accent, >, (int) area.width * 2);

  /* without the curve the points alone are drawn, and no accent at all */
  series.curve_x = series.curve_y = NULL;
  series.n_curve = 0;
  points_only = data_plot_image (&series, &style);
  on_curve = 0;
  for (double x = 0.05; x < 2 * G_PI - 0.05; x += 0.02)
    on_curve += is_accent (pixel_at (points_only, nnb_plot_scale_map (&x_scale, x, area.x, area.x + area.width),
                                     nnb_plot_scale_map (&y_scale, sin (x), area.y + area.height, area.y)));
  g_assert_cmpint (on_curve, ==, 0);

  cairo_surface_destroy (points_only);
  cairo_surface_destroy (plot);
  cairo_surface_destroy (frame);
}

static void
test_empty_plots_say_so (void)
{
  NnbDataSeries data = { 0 };
  NnbLossSeries loss = { 0 };

  NnbNormSeries norms = { 0 };

  draw_both (draw_data, &data);
  draw_both (draw_loss, &loss);
  draw_both (draw_norms, &norms);
}

static void
test_loss_plot_linear_and_log (void)
{
  double losses[3000];
  NnbLossSeries series = { losses, 3000, FALSE };

  for (int i = 0; i < 3000; i++)
    losses[i] = 10.0 * exp (-i / 300.0) + 1e-4;

  draw_both (draw_loss, &series);
  series.log_scale = TRUE;
  draw_both (draw_loss, &series);
  /* a single epoch and a zero loss, which a log axis cannot show */
  losses[0] = 0;
  series.n = 1;
  draw_both (draw_loss, &series);
}

/* Ink of one drawing on a white image. */
static int
ink_of (Draw draw, gpointer data)
{
  cairo_surface_t *image = cairo_image_surface_create (CAIRO_FORMAT_RGB24, W, H);
  cairo_t *cr = cairo_create (image);
  NnbPlotStyle style;
  int n;

  nnb_plot_style_init_default (&style);
  draw (cr, W, H, data, &style);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_flush (image);
  n = ink (image);
  cairo_surface_destroy (image);

  return n;
}

static void
test_data_plot_compares_curves_and_reads_out (void)
{
  float x[50], y[50], gx[100], gy[100], line_y[100];
  NnbPlotCurve line = { "straight line", gx, line_y, 100 };
  NnbDataSeries series = { x, y, 50, gx, gy, 100, "SineNet", NULL, 0, NULL, { FALSE, 0, 0 } };
  int plain, compared, pointed, far;

  for (int i = 0; i < 50; i++)
    x[i] = i * 0.125f, y[i] = sinf (x[i]);
  for (int i = 0; i < 100; i++)
    gx[i] = i * 0.0625f, gy[i] = 0.9f * sinf (gx[i]), line_y[i] = 0.5f - 0.1f * gx[i];

  plain = ink_of (draw_data, &series);
  series.references = &line;
  series.n_references = 1;
  compared = ink_of (draw_data, &series);
  /* the line and a legend naming both */
  g_assert_cmpint (compared, >, plain + 500);
  draw_both (draw_data, &series);

  /* the pointer in the middle of the plot reads out the nearest point */
  series.pointer = (NnbPlotPointer){ TRUE, W / 2.0, H / 2.0 };
  pointed = ink_of (draw_data, &series);
  g_assert_cmpint (pointed, >, compared + 200);
  /* in a corner far from everything: nothing to read */
  series.pointer = (NnbPlotPointer){ TRUE, 1, 1 };
  far = ink_of (draw_data, &series);
  g_assert_cmpint (far, ==, compared);
}

/* Pixels of image within tolerance of series colour `index` in every
 * channel (a wide one counts the antialiased edges of thin rings too). */
static int
pixels_near_series_color (cairo_surface_t *image, int index, int tolerance)
{
  NnbPlotStyle style;
  double rgba[4];
  int count = 0;

  nnb_plot_style_init_default (&style);
  nnb_plot_series_color (&style, index, rgba);
  cairo_surface_flush (image);
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      {
        const guint8 *px = cairo_image_surface_get_data (image) + y * cairo_image_surface_get_stride (image) + 4 * x;

        if (abs (px[2] - (int) lround (255 * rgba[0])) < tolerance &&
            abs (px[1] - (int) lround (255 * rgba[1])) < tolerance &&
            abs (px[0] - (int) lround (255 * rgba[2])) < tolerance)
          count++;
      }
  return count;
}

/* Issue 19: with a test set, the held-out rows' loss is a second curve, in
 * the second series colour, named in a legend; without one the plot is as
 * before. */
static void
test_loss_plot_draws_test_loss (void)
{
  double losses[400], test_losses[400];
  NnbLossSeries series = { losses, 400, FALSE };
  NnbPlotStyle style;
  cairo_surface_t *image;
  cairo_t *cr;
  int plain, both;

  for (int i = 0; i < 400; i++)
    {
      losses[i] = 1.0 * exp (-i / 60.0) + 0.01;
      test_losses[i] = 0.8 * exp (-i / 60.0) + 0.05 + 1e-4 * MAX (0, i - 150); /* turns upward */
    }
  plain = ink_of (draw_loss, &series);
  series.test_losses = test_losses;
  series.n_test = 400;
  both = ink_of (draw_loss, &series);
  g_assert_cmpint (both, >, plain + 500); /* a second curve and its legend */
  draw_both (draw_loss, &series);

  nnb_plot_style_init_default (&style);
  image = cairo_image_surface_create (CAIRO_FORMAT_RGB24, W, H);
  cr = cairo_create (image);
  nnb_plot_loss_draw (cr, W, H, &series, &style);
  cairo_destroy (cr);
  g_assert_cmpint (pixels_near_series_color (image, 1, 8), >, 200);
  cairo_surface_destroy (image);

  /* the read-out names both */
  series.pointer = (NnbPlotPointer){ TRUE, W / 2.0, H / 2.0 };
  g_assert_cmpint (ink_of (draw_loss, &series), >, both + 200);
}

static int
data_plot_pixels_near_series_color (const NnbDataSeries *series, int index)
{
  NnbPlotStyle style;
  cairo_surface_t *image = cairo_image_surface_create (CAIRO_FORMAT_RGB24, W, H);
  cairo_t *cr = cairo_create (image);
  int count;

  nnb_plot_style_init_default (&style);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  nnb_plot_data_draw (cr, W, H, series, &style);
  cairo_destroy (cr);
  count = pixels_near_series_color (image, index, 48);
  cairo_surface_destroy (image);
  return count;
}

/* Issue 19: the held-out rows are rings in the test curve's colour (many
 * more pixels of it than the legend's swatch alone), inside the axes even
 * where they lie beyond the training points, and named in the legend. */
static void
test_data_plot_draws_test_points (void)
{
  float x[40], y[40], tx[40], ty[40];
  NnbDataSeries series = { x, y, 40 };
  NnbPlotScale xs, ys;
  int plain, with_test;

  for (int i = 0; i < 40; i++)
    {
      x[i] = i * 0.15f, y[i] = sinf (x[i]);
      tx[i] = 0.07f + i * 0.15f, ty[i] = sinf (tx[i]) + 0.5f;
    }
  tx[39] = 7.5f; /* past every training point */
  plain = data_plot_pixels_near_series_color (&series, 1);
  series.test_x = tx, series.test_y = ty, series.n_test = 40;
  with_test = data_plot_pixels_near_series_color (&series, 1);
  g_test_message ("pixels near series colour 1: %d without test points, %d with", plain, with_test);
  g_assert_cmpint (with_test, >, plain + 200); /* the legend alone: 66 */
  nnb_plot_data_get_ranges (&series, &xs, &ys);
  g_assert_cmpfloat (xs.max, >=, 7.5);
  draw_both (draw_data, &series);
}

/* ---- several outputs: a curve a target column ---- */

/* Series colour `index` over white at alpha (1: the colour itself), as a
 * pixel of an RGB24 image. */
static guint32
series_pixel (int index, double alpha)
{
  NnbPlotStyle style;
  double rgba[4];
  guint32 p = 0;

  nnb_plot_style_init_default (&style);
  nnb_plot_series_color (&style, index, rgba);
  for (int c = 0; c < 3; c++)
    p = p << 8 | (guint32) lround (255 * (alpha * rgba[c] + 1 - alpha));
  return p;
}

static gboolean
pixel_near (guint32 p, guint32 want, int tolerance)
{
  for (int shift = 0; shift < 24; shift += 8)
    if (ABS ((int) ((p >> shift) & 0xff) - (int) ((want >> shift) & 0xff)) >= tolerance)
      return FALSE;
  return TRUE;
}

/* The data plot drawn in two layers, as the panel draws it, with where
 * its parts went. */
static cairo_surface_t *
data_plot_image_with_layout (const NnbDataSeries *series, NnbDataLayout *layout)
{
  cairo_surface_t *image = cairo_image_surface_create (CAIRO_FORMAT_RGB24, W, H);
  cairo_t *cr = cairo_create (image);
  NnbPlotStyle style;

  nnb_plot_style_init_default (&style);
  nnb_plot_data_draw_under (cr, W, H, series, &style, layout);
  nnb_plot_data_draw_over (cr, layout, series, &style);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_flush (image);
  return image;
}

/* Of the samples along f (times scale) over [0, 2π], how many the plot
 * draws in series colour `index`, give or take antialiasing. */
static double
share_along (cairo_surface_t *image, const NnbDataLayout *layout, double (*f) (double), double scale, int index)
{
  const cairo_rectangle_t *area = &layout->area;
  int samples = 0, hits = 0;

  for (double x = 0.05; x < 2 * G_PI - 0.05; x += 0.02)
    {
      double px = nnb_plot_scale_map (&layout->x_scale, x, area->x, area->x + area->width);
      double py = nnb_plot_scale_map (&layout->y_scale, scale * f (x), area->y + area->height, area->y);

      samples++;
      hits += pixel_near (pixel_at (image, px, py), series_pixel (index, 1.0), 40);
    }
  return (double) hits / samples;
}

/* Issue 19: x against two target columns (sin and cos) and a model with
 * two outputs: a curve each, in two series colours (the accent, then
 * colour 2: colour 1 stays the test points'), each output's points tinted
 * in its curve's colour, and a curve kept from another model keeps both
 * its outputs, in the kept curve's own colour. */
static void
test_data_plot_draws_a_curve_per_output (void)
{
  static const char *const names[] = { "sin", "cos" };
  float x[60], y[120], gx[100], gy[200], ref_y[200], gsin[100], gcos[100];
  NnbPlotCurve kept = { "Linear", gx, ref_y, 100, 2 };
  NnbDataSeries series = { x, y, 60, gx, gy, 100, "SineNet" };
  NnbDataLayout layout;
  cairo_surface_t *image;
  int clear = 0, tinted = 0;

  for (int i = 0; i < 60; i++)
    x[i] = (float) (i * 2 * G_PI / 59), y[2 * i] = sinf (x[i]) + (i % 2 ? 0.3f : -0.3f),
    y[2 * i + 1] = cosf (x[i]) + (i % 2 ? -0.3f : 0.3f);
  for (int i = 0; i < 100; i++)
    {
      gx[i] = (float) (i * 2 * G_PI / 99);
      gy[2 * i] = gsin[i] = 0.9f * sinf (gx[i]), gy[2 * i + 1] = gcos[i] = 0.9f * cosf (gx[i]);
      ref_y[2 * i] = 0.5f * sinf (gx[i]), ref_y[2 * i + 1] = 0.5f * cosf (gx[i]);
    }
  series.n_outputs = 2;
  series.output_names = names;
  g_assert_cmpint (nnb_plot_data_output_color (0), ==, 0);
  g_assert_cmpint (nnb_plot_data_output_color (1), ==, 2);

  image = data_plot_image_with_layout (&series, &layout);
  g_test_message ("along 0.9 sin x: %.2f accent; along 0.9 cos x: %.2f colour 2, %.2f accent",
                  share_along (image, &layout, sin, 0.9, 0), share_along (image, &layout, cos, 0.9, 2),
                  share_along (image, &layout, cos, 0.9, 0));
  g_assert_cmpfloat (share_along (image, &layout, sin, 0.9, 0), >=, 0.9);
  g_assert_cmpfloat (share_along (image, &layout, cos, 0.9, 2), >=, 0.9);
  /* two colours, not one curve twice */
  g_assert_cmpfloat (share_along (image, &layout, cos, 0.9, 0), <, 0.1);
  g_assert_cmpfloat (share_along (image, &layout, sin, 0.9, 2), <, 0.1);
  /* and both all over the plot, more than a legend swatch's worth */
  g_assert_cmpint (pixels_near_series_color (image, 0, 40), >, (int) layout.area.width * 2);
  g_assert_cmpint (pixels_near_series_color (image, 2, 40), >, (int) layout.area.width * 2);

  /* output 1's points (cos), clear of both curves, wear colour 2's tint */
  for (int i = 0; i < 60; i++)
    {
      double px = nnb_plot_scale_map (&layout.x_scale, x[i], layout.area.x, layout.area.x + layout.area.width);
      double py = nnb_plot_scale_map (&layout.y_scale, y[2 * i + 1], layout.area.y + layout.area.height,
                                      layout.area.y);

      if (distance_to_curve (&layout.area, &layout.x_scale, &layout.y_scale, gx, gsin, 100, px, py) < 8 ||
          distance_to_curve (&layout.area, &layout.x_scale, &layout.y_scale, gx, gcos, 100, px, py) < 8)
        continue;
      clear++;
      tinted += pixel_near (pixel_at (image, px, py), series_pixel (2, 0.5), 40);
    }
  cairo_surface_destroy (image);
  g_test_message ("%d of %d cos points clear of the curves are tinted", tinted, clear);
  g_assert_cmpint (clear, >=, 20);
  g_assert_cmpint (tinted, >=, clear * 8 / 10);

  /* a kept two-output curve: both its lines, in its colour (after the
   * outputs' and colour 1: 3) */
  series.references = &kept;
  series.n_references = 1;
  image = data_plot_image_with_layout (&series, &layout);
  g_test_message ("kept curve: %.2f along 0.5 sin x, %.2f along 0.5 cos x", share_along (image, &layout, sin, 0.5, 3),
                  share_along (image, &layout, cos, 0.5, 3));
  g_assert_cmpfloat (share_along (image, &layout, sin, 0.5, 3), >=, 0.8);
  g_assert_cmpfloat (share_along (image, &layout, cos, 0.5, 3), >=, 0.8);
  cairo_surface_destroy (image);
  /* and the files and the read-out draw without error */
  series.pointer = (NnbPlotPointer){ TRUE, W / 2.0, H / 2.0 };
  draw_both (draw_data, &series);
}

/* One output draws as before: n_outputs 1 is the zero-initialised 0, to
 * the pixel, and none of the second output's colour appears. */
static void
test_data_plot_one_output_is_unchanged (void)
{
  float x[50], y[50], gx[100], gy[100];
  NnbDataSeries zero = { x, y, 50, gx, gy, 100, "SineNet" };
  NnbDataSeries one;
  NnbPlotStyle style;
  cairo_surface_t *a, *b;

  for (int i = 0; i < 50; i++)
    x[i] = i * 0.125f, y[i] = sinf (x[i]);
  for (int i = 0; i < 100; i++)
    gx[i] = i * 0.0625f, gy[i] = 0.9f * sinf (gx[i]);
  one = zero;
  one.n_outputs = 1;
  nnb_plot_style_init_default (&style);
  a = data_plot_image (&zero, &style);
  b = data_plot_image (&one, &style);
  g_assert_cmpmem (cairo_image_surface_get_data (a), cairo_image_surface_get_stride (a) * H,
                   cairo_image_surface_get_data (b), cairo_image_surface_get_stride (b) * H);
  g_assert_cmpint (pixels_near_series_color (a, 0, 40), >, 500);
  g_assert_cmpint (pixels_near_series_color (a, 2, 40), ==, 0);
  cairo_surface_destroy (a);
  cairo_surface_destroy (b);
}

/* Many points of two targets take the density path: a mask an output,
 * each in its colour, binned once however often the curves move, and a
 * frame that only moves the curves stays cheap. */
static void
test_data_plot_density_of_two_outputs (void)
{
  const int n = 200000;
  g_autofree float *x = g_new (float, n);
  g_autofree float *y = g_new (float, 2 * n);
  float gx[100], gy[200];
  g_autoptr (NnbPlotDensity) density = nnb_plot_density_new ();
  NnbDataSeries series = { x, y, n, gx, gy, 100, "SineNet" };
  NnbDataLayout layout;
  GRand *rand = g_rand_new_with_seed (19);
  cairo_surface_t *image = cairo_image_surface_create (CAIRO_FORMAT_RGB24, W, H);
  cairo_t *cr = cairo_create (image);
  NnbPlotStyle style;
  guint before;
  gint64 start, over_us = G_MAXINT64;

  for (int i = 0; i < n; i++)
    {
      x[i] = (float) g_rand_double_range (rand, 0, 2 * G_PI);
      y[2 * i] = sinf (x[i]) + 0.1f * (float) (g_rand_double (rand) - 0.5);
      y[2 * i + 1] = cosf (x[i]) + 0.1f * (float) (g_rand_double (rand) - 0.5);
    }
  for (int i = 0; i < 100; i++)
    gx[i] = (float) (i * 2 * G_PI / 99), gy[2 * i] = 0.9f * sinf (gx[i]), gy[2 * i + 1] = 0.9f * cosf (gx[i]);
  series.n_outputs = 2;
  series.density = density;
  nnb_plot_style_init_default (&style);

  before = nnb_plot_density_get_n_binnings ();
  start = g_get_monotonic_time ();
  nnb_plot_data_draw_under (cr, W, H, &series, &style, &layout);
  g_test_message ("the layer under the curves, 200,000 points × 2 binned: %.1f ms",
                  (g_get_monotonic_time () - start) / 1000.0);
  g_assert_cmpuint (nnb_plot_density_get_n_binnings (), ==, before + 2);
  for (int frame = 0; frame < 5; frame++)
    {
      gy[2 * 50] += 0.05f; /* the curves move; the points stay */
      start = g_get_monotonic_time ();
      nnb_plot_data_draw_under (cr, W, H, &series, &style, &layout);
      nnb_plot_data_draw_over (cr, &layout, &series, &style);
      over_us = MIN (over_us, g_get_monotonic_time () - start);
    }
  g_test_message ("a whole frame again (masks kept): %.2f ms at best of 5", over_us / 1000.0);
  g_assert_cmpuint (nnb_plot_density_get_n_binnings (), ==, before + 2);
  /* generous for a loaded machine: 400,000 points as arcs took seconds a
   * frame (issue 25); kept masks cost a paint each */
  g_assert_cmpint (over_us, <, 100000);

  /* the read-out finds points of either output through their masks */
  series.pointer = (NnbPlotPointer){ TRUE, layout.area.x + layout.area.width / 2, layout.area.y + 4 };
  nnb_plot_data_draw_over (cr, &layout, &series, &style);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_flush (image);
  /* both clouds drawn, each in its tint */
  g_assert_cmpint (pixels_near_series_color (image, 0, 40), >, 1000);
  {
    int tinted[2] = { 0, 0 };

    for (int py = 0; py < H; py++)
      for (int px = 0; px < W; px++)
        for (int j = 0; j < 2; j++)
          tinted[j] += pixel_near (pixel_at (image, px + 0.5, py + 0.5),
                                   series_pixel (nnb_plot_data_output_color (j), 0.5), 24);
    g_test_message ("pixels of each output's tint: %d, %d", tinted[0], tinted[1]);
    g_assert_cmpint (tinted[0], >, 2000);
    g_assert_cmpint (tinted[1], >, 2000);
  }
  g_rand_free (rand);
  cairo_surface_destroy (image);
}

/* Issue 19: what a screen reader hears says how many targets, and so
 * curves, the data plot has, and the test loss beside the loss when there
 * is a test set; one target reads as before. */
static void
test_descriptions_count_targets_and_test_loss (void)
{
  NnbSnapshot snapshot = { 0 };
  g_autofree char *untrained = NULL;
  g_autofree char *one = NULL;
  g_autofree char *two = NULL;
  g_autofree char *two_untrained = NULL;
  g_autofree char *loss = NULL;
  g_autofree char *test_loss = NULL;
  double test_losses[] = { 0.09, 0.0533 };

  untrained = nnb_plot_describe_data (200, 0, NULL);
  g_assert_cmpstr (untrained, ==, "Data plot: 200 training points, no fitted curve yet");
  snapshot.epoch = 13;
  snapshot.loss = 0.0412;
  one = nnb_plot_describe_data (200, 1, &snapshot);
  g_assert_cmpstr (one, ==, "Data plot: 200 training points and the fitted curve after epoch 12");
  two_untrained = nnb_plot_describe_data (81, 2, NULL);
  g_assert_cmpstr (two_untrained, ==, "Data plot: 81 training points of 2 targets, no fitted curves yet");
  two = nnb_plot_describe_data (81, 2, &snapshot);
  g_assert_cmpstr (two, ==, "Data plot: 81 training points of 2 targets and a fitted curve for each after epoch 12");

  loss = nnb_plot_describe_loss (&snapshot);
  g_assert_cmpstr (loss, ==, "Loss plot, epoch 12, loss 0.0412");
  snapshot.test_losses = g_array_new (FALSE, FALSE, sizeof (double));
  g_array_append_vals (snapshot.test_losses, test_losses, 2);
  test_loss = nnb_plot_describe_loss (&snapshot);
  g_assert_cmpstr (test_loss, ==, "Loss plot, epoch 12, loss 0.0412, test loss 0.0533");
  g_array_unref (snapshot.test_losses);
}

/* Issue 19: predictions against true values, for data with no curve: the
 * points and the dashed y = x line; before training, a message. */
static void
draw_predicted (cairo_t *cr, int width, int height, gpointer data, const NnbPlotStyle *style)
{
  nnb_plot_predicted_draw (cr, width, height, data, style);
}

static void
test_predicted_plot_draws_points_and_the_diagonal (void)
{
  float truth[100], pred[100];
  NnbPredictedSeries series = { truth, pred, 100, NULL };
  NnbPredictedSeries empty = { NULL, NULL, 0, "Train to see the model's predictions" };
  int with_points, without;

  for (int i = 0; i < 100; i++)
    truth[i] = (i - 50) * 0.05f, pred[i] = truth[i] + 0.2f * sinf (i);
  draw_both (draw_predicted, &series);
  with_points = ink_of (draw_predicted, &series);
  series.n = 1; /* one point: the frame and the diagonal */
  without = ink_of (draw_predicted, &series);
  g_assert_cmpint (with_points, >, without + 300);
  draw_both (draw_predicted, &empty);
}

static void
test_loss_plot_reads_out_epoch (void)
{
  double losses[200];
  NnbLossSeries series = { losses, 200, TRUE, { FALSE, 0, 0 } };
  int plain;

  for (int i = 0; i < 200; i++)
    losses[i] = exp (-i / 30.0);
  plain = ink_of (draw_loss, &series);
  series.pointer = (NnbPlotPointer){ TRUE, W / 2.0, H / 2.0 };
  g_assert_cmpint (ink_of (draw_loss, &series), >, plain + 200);
  /* a NaN epoch (divergence) is read out too, without a height */
  losses[100] = NAN;
  g_assert_cmpint (ink_of (draw_loss, &series), >, plain);
}

static void
stats_clear (gpointer data)
{
  g_free (((NnbParameterStats *) data)->name);
}

/* A snapshot as the trainer publishes it, with made-up norms. */
static NnbSnapshot *
fake_snapshot (int epoch, double scale)
{
  NnbSnapshot *snapshot = g_new0 (NnbSnapshot, 1);
  const char *names[] = { "fc1.weight", "fc1.bias", "fc2.weight" };

  snapshot->ref_count = 1;
  snapshot->epoch = epoch;
  snapshot->losses = g_array_new (FALSE, FALSE, sizeof (double));
  snapshot->parameters = g_array_new (FALSE, TRUE, sizeof (NnbParameterStats));
  g_array_set_clear_func (snapshot->parameters, stats_clear);
  for (int i = 0; i < 3; i++)
    {
      NnbParameterStats stats = { g_strdup (names[i]), scale * (i + 1), scale / (i + 1) };

      g_array_append_val (snapshot->parameters, stats);
    }

  return snapshot;
}

static void
test_norm_history_thins_long_runs (void)
{
  g_autoptr (NnbNormHistory) history = nnb_norm_history_new ();
  NnbNormSeries series = { 0 };

  for (int epoch = 1; epoch <= 5000; epoch++)
    {
      NnbSnapshot *snapshot = fake_snapshot (epoch, 1.0 + epoch * 0.001);

      nnb_norm_history_add (history, snapshot);
      nnb_norm_history_add (history, snapshot); /* the same epoch twice counts once */
      nnb_snapshot_unref (snapshot);
    }
  g_assert_cmpuint (history->names->len, ==, 3);
  g_assert_cmpuint (nnb_norm_history_get_n_points (history), <=, NNB_NORM_HISTORY_MAX_POINTS);
  g_assert_cmpuint (nnb_norm_history_get_n_points (history), >, NNB_NORM_HISTORY_MAX_POINTS / 2);
  /* the first epoch stays (the loop's epoch 0), the points stay in order */
  g_assert_cmpfloat (g_array_index (history->epochs, double, 0), ==, 0.0);
  for (guint i = 1; i < history->epochs->len; i++)
    g_assert_cmpfloat (g_array_index (history->epochs, double, i), >, g_array_index (history->epochs, double, i - 1));
  g_assert_cmpfloat (g_array_index (history->epochs, double, history->epochs->len - 1), ==, 4999.0);

  series.names = (const char *const *) history->names->pdata;
  series.n_series = 3;
  series.epochs = (const double *) history->epochs->data;
  series.norms = (const double *) history->value_norms->data;
  series.n_points = (int) history->epochs->len;
  draw_both (draw_norms, &series);
  series.gradients = TRUE;
  series.norms = (const double *) history->grad_norms->data;
  series.pointer = (NnbPlotPointer){ TRUE, W / 2.0, H / 2.0 };
  draw_both (draw_norms, &series);

  /* a new run (Reset: epochs start again) starts a new history */
  {
    NnbSnapshot *snapshot = fake_snapshot (1, 1.0);

    nnb_norm_history_add (history, snapshot);
    nnb_snapshot_unref (snapshot);
  }
  g_assert_cmpuint (nnb_norm_history_get_n_points (history), ==, 1);
}

static cairo_status_t
append_script (void *closure, const unsigned char *data, unsigned int length)
{
  g_string_append_len (closure, (const char *) data, length);
  return CAIRO_STATUS_SUCCESS;
}

/* A long run's norms are drawn with about one point a pixel, as the loss
 * plot's: 2048 points of each of three series once cost a frame several ms
 * (bench/RESULTS.md). Counts the line_to operators ("l") of the drawing. */
static void
test_norms_plot_draws_a_point_a_pixel (void)
{
  const char *names[] = { "fc1.weight", "fc1.bias", "fc2.weight" };
  int n = NNB_NORM_HISTORY_MAX_POINTS;
  g_autofree double *epochs = g_new (double, n);
  g_autofree double *norms = g_new (double, (gsize) n * 3);
  NnbNormSeries series = { names, 3, epochs, norms, n, FALSE, { FALSE, 0, 0 } };
  g_autoptr (GString) script = g_string_new (NULL);
  cairo_device_t *device = cairo_script_create_for_stream (append_script, script);
  cairo_surface_t *surface = cairo_script_surface_create (device, CAIRO_CONTENT_COLOR, W, H);
  cairo_t *cr = cairo_create (surface);
  g_auto (GStrv) tokens = NULL;
  NnbPlotStyle style;
  int line_tos = 0;

  for (int p = 0; p < n; p++)
    {
      epochs[p] = p;
      for (int s = 0; s < 3; s++)
        norms[p * 3 + s] = (s + 1) * (1.0 + 0.5 * sin (p * 0.37 + s));
    }
  nnb_plot_style_init_default (&style);
  nnb_plot_norms_draw (cr, W, H, &series, &style);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  cairo_surface_destroy (surface);
  cairo_device_finish (device);
  cairo_device_destroy (device);

  tokens = g_strsplit_set (script->str, " \n", -1);
  for (int i = 0; tokens[i] != NULL; i++)
    line_tos += g_str_equal (tokens[i], "l");
  /* three series of at most W points, and the frame's grid and ticks */
  g_assert_cmpint (line_tos, >, 3 * 100);
  g_assert_cmpint (line_tos, <, 3 * W + 300);
}

static void
test_diagram_draws_mlp (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "..", "data", "examples",
                                                 "mlp-residual.nnb", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbProject) project = nnb_project_load (path, &error);
  g_autofree char *text = NULL;

  g_assert_no_error (error);
  draw_both (draw_diagram, project);

  text = nnb_diagram_node_text (project->model, 1);
  g_assert_cmpstr (text, ==, "fc1: Linear 3→16");
}

/* ---- the device race ---- */

static void
draw_race (cairo_t *cr, int width, int height, gpointer data, const NnbPlotStyle *style)
{
  nnb_plot_race_draw (cr, width, height, data, style);
}

/* Rows of a race: the CPU's time grows with W², the GPU's stays flat
 * (gpu_us 0: the GPU is unavailable, with the no-driver reason) */
static GPtrArray *
race_rows (double gpu_us)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) nnb_race_row_free);

  for (int64_t w = 16; w <= 4096; w *= 2)
    {
      NnbRaceRow *cpu = g_new0 (NnbRaceRow, 1), *gpu = g_new0 (NnbRaceRow, 1);

      cpu->width = gpu->width = w;
      cpu->device = nnb_device_cpu ();
      cpu->device_label = g_strdup ("CPU (OpenBLAS, 2 threads)");
      cpu->us_per_epoch = 20.0 + 0.05 * (double) w * (double) w;
      gpu->device = (NnbDevice){ NNB_DEVICE_CUDA, 0 };
      if (gpu_us > 0)
        {
          gpu->device_label = g_strdup ("NVIDIA H200 (139 GiB)");
          gpu->us_per_epoch = gpu_us;
        }
      else
        {
          gpu->device_label = g_strdup ("CUDA");
          gpu->us_per_epoch = NAN;
          gpu->reason = g_strdup ("CUDA: no NVIDIA driver found");
        }
      g_ptr_array_add (rows, cpu);
      g_ptr_array_add (rows, gpu);
    }
  return rows;
}

/* Pixels of the plot's second colour (the first GPU's orange), in the
 * column that has most of them */
static int
orange_column (cairo_surface_t *surface)
{
  const guint32 *pixels = (const guint32 *) cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface) / 4;
  int best = 0;

  for (int x = 0; x < W; x++)
    {
      int n = 0;
      for (int y = 0; y < H; y++)
        {
          guint32 p = pixels[y * stride + x];
          int r = (p >> 16) & 0xff, g = (p >> 8) & 0xff, b = p & 0xff;
          if (r > 190 && g > 60 && g < 140 && b < 60)
            n++;
        }
      best = MAX (best, n);
    }
  return best;
}

static cairo_surface_t *
race_image (GPtrArray *rows)
{
  cairo_surface_t *image = cairo_image_surface_create (CAIRO_FORMAT_RGB24, W, H);
  NnbRaceSeries series = { (const NnbRaceRow *const *) rows->pdata, rows->len, NULL };
  NnbPlotStyle style;
  cairo_t *cr = cairo_create (image);

  nnb_plot_style_init_default (&style);
  nnb_plot_race_draw (cr, W, H, &series, &style);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_flush (image);
  return image;
}

static void
test_race_plot_marks_the_crossover (void)
{
  g_autoptr (GPtrArray) rows = race_rows (3000.0);
  NnbRaceSeries series = { (const NnbRaceRow *const *) rows->pdata, rows->len, NULL };
  cairo_surface_t *image;

  draw_both (draw_race, &series);
  /* the dashed crossover line runs down the plot in the GPU's colour: a
   * column far taller than the flat GPU line is thick */
  image = race_image (rows);
  g_assert_cmpint (orange_column (image), >, H / 4);
  cairo_surface_destroy (image);
}

static void
test_race_plot_without_gpu_names_the_reason (void)
{
  g_autoptr (GPtrArray) rows = race_rows (0.0);
  NnbRaceSeries series = { (const NnbRaceRow *const *) rows->pdata, rows->len, NULL };
  cairo_surface_t *image;

  draw_both (draw_race, &series);
  /* no GPU line and no crossover: nothing in the GPU's colour */
  image = race_image (rows);
  g_assert_cmpint (orange_column (image), <, 3);
  cairo_surface_destroy (image);
}

static void
test_race_plot_empty_and_partial (void)
{
  g_autoptr (GPtrArray) rows = race_rows (3000.0);
  NnbRaceSeries empty = { NULL, 0, NULL };
  NnbRaceSeries first = { (const NnbRaceRow *const *) rows->pdata, 1, NULL };
  NnbRaceSeries one_device_one_width = { (const NnbRaceRow *const *) rows->pdata, 2, NULL };

  /* before the race: axes and a message */
  draw_both (draw_race, &empty);
  /* the first row alone, then one width of each device: as rows arrive */
  draw_both (draw_race, &first);
  draw_both (draw_race, &one_device_one_width);
}

static gboolean
rects_meet (const cairo_rectangle_t *a, const cairo_rectangle_t *b)
{
  return a->width > 0 && a->height > 0 && b->width > 0 && b->height > 0 && a->x < b->x + b->width && b->x < a->x + a->width && a->y < b->y + b->height && b->y < a->y + a->height;
}

/* No two tick labels of the layout meet, and each axis keeps at least one. */
static void
assert_ticks_apart (const NnbPlotAxesLayout *layout)
{
  g_assert_cmpint (layout->n_y_labels, >=, 1);
  g_assert_cmpint (layout->n_x_labels, >=, 1);
  for (int i = 0; i < layout->n_y_labels; i++)
    for (int j = i + 1; j < layout->n_y_labels; j++)
      g_assert_false (rects_meet (&layout->y_labels[i], &layout->y_labels[j]));
  for (int i = 0; i < layout->n_x_labels; i++)
    for (int j = i + 1; j < layout->n_x_labels; j++)
      g_assert_false (rects_meet (&layout->x_labels[i], &layout->x_labels[j]));
  for (int i = 0; i < layout->n_y_labels; i++)
    for (int j = 0; j < layout->n_x_labels; j++)
      g_assert_false (rects_meet (&layout->y_labels[i], &layout->x_labels[j]));
  for (int i = 0; i < layout->n_y_labels; i++)
    g_assert_false (rects_meet (&layout->y_labels[i], &layout->title));
}

/* A diverging run's losses span up to float's limits: on a log or linear
 * axis, at a projector's plot size or a thumbnail's, in presentation
 * type, the tick labels never pile up; a log axis labels every few decades. */
static void
test_tick_labels_never_overlap (void)
{
  const double tops[] = { 1e-3, 1.0, 7.5, 1e3, 1e6, 1e14, 1e20, 1e30, 1e38, 3.4e38 };
  const int sizes[][2] = { { 640, 400 }, { 400, 180 }, { 300, 120 }, { 200, 90 } };
  cairo_surface_t *image = cairo_image_surface_create (CAIRO_FORMAT_RGB24, W, H);
  cairo_t *cr = cairo_create (image);
  NnbPlotStyle style;

  nnb_plot_style_init_default (&style);
  for (int font = 0; font < 2; font++)
    {
      style.font_size = font == 0 ? 14.0 : 24.0; /* presentation mode's type */
      for (guint t = 0; t < G_N_ELEMENTS (tops); t++)
        for (int log = 0; log < 2; log++)
          for (guint z = 0; z < G_N_ELEMENTS (sizes); z++)
            {
              NnbPlotScale x_scale = { 0, 2000, FALSE };
              NnbPlotScale y_scale = { log ? 1e-3 : -tops[t], tops[t], log };
              NnbPlotFrame frame = { "Loss", "Epoch", "Loss (log scale)", NULL, &x_scale, &y_scale };
              NnbPlotAxesLayout layout;

              nnb_plot_scale_nice (&x_scale);
              nnb_plot_scale_nice (&y_scale);
              nnb_plot_axes_layout (cr, sizes[z][0], sizes[z][1], &frame, &style, &layout);
              assert_ticks_apart (&layout);
              /* the numbers stay numbers a reader can take in: no 39 digits */
              for (int i = 0; i < layout.n_y_labels; i++)
                g_assert_cmpfloat (layout.y_labels[i].width, <, style.font_size * 6);
              /* every label inside the plot's own height */
              for (int i = 0; i < layout.n_y_labels; i++)
                {
                  g_assert_cmpfloat (layout.y_labels[i].y, >=, 0);
                  g_assert_cmpfloat (layout.y_labels[i].y + layout.y_labels[i].height, <=, sizes[z][1]);
                }
            }
    }
  /* forty decades on a 180-pixel-high plot: labels, not a smear */
  {
    NnbPlotScale x_scale = { 0, 25, FALSE };
    NnbPlotScale y_scale = { 1e-3, 1e38, TRUE };
    NnbPlotFrame frame = { "Loss", "Epoch", "Loss (log scale)", NULL, &x_scale, &y_scale };
    NnbPlotAxesLayout layout;

    style.font_size = 14.0;
    nnb_plot_axes_layout (cr, 400, 180, &frame, &style, &layout);
    assert_ticks_apart (&layout);
    g_assert_cmpint (layout.n_y_labels, >=, 2);
    g_assert_cmpint (layout.n_y_labels, <=, 6);
  }
  cairo_destroy (cr);
  cairo_surface_destroy (image);
}

/* The loss of the lr 0.1 run: growing to 1e38, then inf and nan. The plot
 * draws (the non-finite epochs marked at the edge, not as lines) and its
 * axes are those of the finite losses. */
static void
test_loss_plot_with_inf_and_nan (void)
{
  double losses[30];
  NnbLossSeries series = { losses, G_N_ELEMENTS (losses), TRUE };
  cairo_surface_t *image = cairo_image_surface_create (CAIRO_FORMAT_RGB24, W, H);
  cairo_t *cr = cairo_create (image);
  NnbPlotStyle style;
  NnbNormSeries norms = { 0 };
  const char *names[] = { "net.0.weight" };
  double epochs[30];

  for (int i = 0; i < 30; i++)
    {
      losses[i] = i < 22 ? pow (10, i * 1.8) : i < 26 ? INFINITY
                                                      : NAN;
      epochs[i] = i;
    }
  nnb_plot_style_init_default (&style);
  draw_both (draw_loss, &series);
  series.log_scale = FALSE;
  draw_both (draw_loss, &series);
  norms = (NnbNormSeries){ names, 1, epochs, losses, 30 };
  draw_both (draw_norms, &norms);

  /* the layout the loss plot uses for these losses keeps its labels apart */
  {
    NnbPlotScale x_scale = { 0, 29, FALSE };
    NnbPlotScale y_scale = { INFINITY, -INFINITY, TRUE };
    NnbPlotFrame frame = { "Loss", "Epoch", "Loss (log scale)", NULL, &x_scale, &y_scale };
    NnbPlotAxesLayout layout;

    for (int i = 0; i < 30; i++)
      if (isfinite (losses[i]))
        {
          y_scale.min = MIN (y_scale.min, losses[i]);
          y_scale.max = MAX (y_scale.max, losses[i]);
        }
    nnb_plot_scale_nice (&x_scale);
    nnb_plot_scale_nice (&y_scale);
    nnb_plot_axes_layout (cr, 400, 180, &frame, &style, &layout);
    assert_ticks_apart (&layout);
    /* a scale of nan and inf alone still has round ends */
    y_scale = (NnbPlotScale){ NAN, INFINITY, TRUE };
    nnb_plot_scale_nice (&y_scale);
    nnb_plot_axes_layout (cr, 400, 180, &frame, &style, &layout);
    assert_ticks_apart (&layout);
  }
  g_assert_cmpstr (nnb_plot_nonfinite_text (NAN), ==, "nan");
  g_assert_cmpstr (nnb_plot_nonfinite_text (INFINITY), ==, "inf");
  g_assert_cmpstr (nnb_plot_nonfinite_text (-INFINITY), ==, "-inf");
  cairo_destroy (cr);
  cairo_surface_destroy (image);
}

/* A button over the plot's corner (Log Scale, Gradients, Clear Kept
 * Curves): the title moves left or shortens to stay clear of it, the data
 * starts below it, and the legend has its own band above the data. Plot
 * sizes as at 1280x720. */
static void
test_title_button_and_legend_stay_apart (void)
{
  const char *titles[] = { "Data and Fitted Curve", "Weight Norms", "Loss" };
  const char *labels[] = { "net.0.weight", "net.0.bias", "net.2.weight", "net.2.bias", "net.4.weight", "net.4.bias" };
  const int colors[] = { 0, 1, 2, 3, 4, 5 };
  const int sizes[][2] = { { 400, 200 }, { 330, 180 }, { 260, 150 } };
  cairo_surface_t *image = cairo_image_surface_create (CAIRO_FORMAT_RGB24, W, H);
  cairo_t *cr = cairo_create (image);
  NnbPlotStyle style;

  nnb_plot_style_init_default (&style);
  style.corner_width = 160; /* "Clear Kept Curves", the widest */
  style.corner_height = 34;
  for (guint t = 0; t < G_N_ELEMENTS (titles); t++)
    for (guint z = 0; z < G_N_ELEMENTS (sizes); z++)
      {
        NnbPlotScale x_scale = { 0, 200, FALSE };
        NnbPlotScale y_scale = { 1e-2, 1e3, TRUE };
        NnbPlotFrame frame = { titles[t], "Epoch", "‖value‖ (log scale)", NULL, &x_scale, &y_scale,
                               labels, colors, NULL, G_N_ELEMENTS (labels) };
        cairo_rectangle_t button = { sizes[z][0] - style.corner_width, 0, style.corner_width, style.corner_height };
        NnbPlotAxesLayout layout;

        nnb_plot_axes_layout (cr, sizes[z][0], sizes[z][1], &frame, &style, &layout);
        g_assert_cmpfloat (layout.title.width, >, 0);
        g_assert_false (rects_meet (&layout.title, &button));
        g_assert_false (rects_meet (&layout.plot_area, &button));
        g_assert_false (rects_meet (&layout.legend, &button));
        g_assert_false (rects_meet (&layout.legend, &layout.plot_area));
        g_assert_false (rects_meet (&layout.legend, &layout.title));
        g_assert_cmpfloat (layout.title.x, >=, 0);
        g_assert_cmpfloat (layout.legend.x + layout.legend.width, <=, sizes[z][0]);
        for (int i = 0; i < layout.n_x_labels; i++)
          g_assert_false (rects_meet (&layout.legend, &layout.x_labels[i]));
        for (int i = 0; i < layout.n_y_labels; i++)
          g_assert_false (rects_meet (&layout.legend, &layout.y_labels[i]));
        assert_ticks_apart (&layout);
      }
  cairo_destroy (cr);
  cairo_surface_destroy (image);
}

/* ---- many points: bounded work, the same picture ---- */

/* n points of sin x plus noise over [0, 2π], as SineNet's data, and a
 * fitted curve of 100 points; the arrays are the caller's to free. */
static void
sine_cloud (int n, float **x, float **y, float *gx, float *gy)
{
  GRand *rand = g_rand_new_with_seed (7);

  *x = g_new (float, n);
  *y = g_new (float, n);
  for (int i = 0; i < n; i++)
    {
      (*x)[i] = (float) g_rand_double_range (rand, 0, 2 * G_PI);
      (*y)[i] = sinf ((*x)[i]) + 0.1f * (float) (g_rand_double (rand) + g_rand_double (rand) - 1);
    }
  for (int i = 0; i < 100; i++)
    gx[i] = (float) (i * 2 * G_PI / 99), gy[i] = 0.9f * sinf (gx[i]);
  g_rand_free (rand);
}

typedef struct
{
  gsize bytes;
  gsize curves; /* Bézier segments in the paths: one or more a dot */
} SvgCount;

static cairo_status_t
count_svg (void *closure, const unsigned char *data, unsigned int length)
{
  SvgCount *count = closure;

  count->bytes += length;
  for (unsigned int i = 0; i < length; i++)
    count->curves += data[i] == 'C';
  return CAIRO_STATUS_SUCCESS;
}

/* The data plot of n points written through a Cairo stream surface (SVG or
 * PDF, as File → Export writes them), counted. */
static SvgCount
data_plot_stream (int n, cairo_surface_t *(*create) (cairo_write_func_t, void *, double, double) )
{
  g_autofree float *x = NULL;
  g_autofree float *y = NULL;
  float gx[100], gy[100];
  NnbDataSeries series = { 0 };
  NnbPlotStyle style;
  SvgCount count = { 0 };
  cairo_surface_t *surface;
  cairo_t *cr;

  sine_cloud (n, &x, &y, gx, gy);
  series = (NnbDataSeries){ x, y, n, gx, gy, 100, "SineNet" };
  nnb_plot_style_init_default (&style);
  surface = create (count_svg, &count, W, H);
  cr = cairo_create (surface);
  nnb_plot_data_draw (cr, W, H, &series, &style);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);

  return count;
}

static SvgCount
data_plot_svg (int n)
{
  return data_plot_stream (n, cairo_svg_surface_create_for_stream);
}

/* The bytes of the data plot of n points as a PDF. */
static gsize
data_plot_pdf_bytes (int n)
{
  return data_plot_stream (n, cairo_pdf_surface_create_for_stream).bytes;
}

/* Issue 25: a frame with 200,000 points took seconds, an arc a point. Past
 * a few thousand points the plot is a density mask: in an SVG (as on
 * screen) 200,000 or 2,000,000 points are one image, no more paths than
 * 200 points make and never more bytes than the plot's raw pixels. */
static void
test_data_plot_work_does_not_grow_with_points (void)
{
  SvgCount few = data_plot_svg (200);
  gsize bound = (gsize) W * H * 4;

  g_assert_cmpuint (few.curves, >=, 200); /* a dot is a Bézier segment or more */
  for (int n = 200000; n <= 2000000; n *= 10)
    {
      SvgCount many = data_plot_svg (n);

      g_test_message ("%d points: %" G_GSIZE_FORMAT " bytes, %" G_GSIZE_FORMAT " curves; 200 points: %" G_GSIZE_FORMAT
                      " bytes, %" G_GSIZE_FORMAT " curves",
                      n, many.bytes, many.curves, few.bytes, few.curves);
      g_assert_cmpuint (many.curves, <=, few.curves);
      g_assert_cmpuint (many.bytes, <=, bound);
    }
  /* the PDF: one image too, not two million circles */
  {
    gsize pdf_few = data_plot_pdf_bytes (200), pdf_many = data_plot_pdf_bytes (2000000);

    g_test_message ("PDF: 200 points %" G_GSIZE_FORMAT " bytes, 2,000,000 points %" G_GSIZE_FORMAT " bytes", pdf_few,
                    pdf_many);
    g_assert_cmpuint (pdf_many, <=, bound);
  }
}

/* How dark image is, on average, in each of the COLS × ROWS blocks of the
 * rectangle area (a fraction: 0 white, 1 black). */
#define COLS 12
#define ROWS 6

static void
block_darkness (cairo_surface_t *image, const cairo_rectangle_t *area, double darkness[ROWS][COLS])
{
  const guint8 *data = cairo_image_surface_get_data (image);
  int stride = cairo_image_surface_get_stride (image);

  for (int r = 0; r < ROWS; r++)
    for (int c = 0; c < COLS; c++)
      {
        int x0 = (int) ceil (area->x + area->width * c / COLS), x1 = (int) floor (area->x + area->width * (c + 1) / COLS);
        int y0 = (int) ceil (area->y + area->height * r / ROWS), y1 = (int) floor (area->y + area->height * (r + 1) / ROWS);
        double sum = 0;

        for (int y = y0; y < y1; y++)
          for (int x = x0; x < x1; x++)
            sum += 1 - data[y * stride + 4 * x + 1] / 255.0; /* green: grey's every channel */
        darkness[r][c] = sum / ((x1 - x0) * (y1 - y0));
      }
}

/* The density mask is the same grey dots: 3,000 points (few enough for
 * dots) drawn both ways darken every part of the plot alike. */
static void
test_data_plot_density_looks_like_dots (void)
{
  g_autofree float *x = NULL;
  g_autofree float *y = NULL;
  float gx[100], gy[100];
  NnbDataSeries series = { 0 };
  NnbPlotStyle style;
  NnbPlotScale x_scale, y_scale;
  cairo_rectangle_t area;
  cairo_surface_t *frame, *dots, *density;
  double frame_dark[ROWS][COLS], dots_dark[ROWS][COLS], density_dark[ROWS][COLS];
  double dots_total = 0, density_total = 0;
  int old;

  sine_cloud (3000, &x, &y, gx, gy);
  series = (NnbDataSeries){ x, y, 3000 }; /* no curve: only the points differ */
  nnb_plot_style_init_default (&style);
  frame = data_plot_frame (&series, &style, &area, &x_scale, &y_scale);
  dots = data_plot_image (&series, &style);
  old = nnb_plot_data_set_max_dots (0);
  density = data_plot_image (&series, &style);
  nnb_plot_data_set_max_dots (old);

  block_darkness (frame, &area, frame_dark);
  block_darkness (dots, &area, dots_dark);
  block_darkness (density, &area, density_dark);
  for (int r = 0; r < ROWS; r++)
    for (int c = 0; c < COLS; c++)
      {
        double a = dots_dark[r][c] - frame_dark[r][c], b = density_dark[r][c] - frame_dark[r][c];

        /* within 0.02 of each other, and of a tenth of the dots' own */
        if (fabs (a - b) > 0.02 + 0.1 * a)
          g_error ("block (%d, %d): the dots darken it by %.3f, the density mask by %.3f", c, r, a, b);
        dots_total += a;
        density_total += b;
      }
  g_assert_cmpfloat (dots_total, >, 1.0); /* the cloud is there */
  g_assert_cmpfloat (fabs (dots_total - density_total), <, 0.03 * dots_total);

  cairo_surface_destroy (density);
  cairo_surface_destroy (dots);
  cairo_surface_destroy (frame);
}

/* The mask is binned once per points, axes and size, not once a draw. */
static void
test_data_plot_density_is_binned_once (void)
{
  g_autofree float *x = NULL;
  g_autofree float *y = NULL;
  float gx[100], gy[100];
  g_autoptr (NnbPlotDensity) density = nnb_plot_density_new ();
  NnbDataSeries series = { 0 };
  NnbPlotStyle style;
  guint before;

  sine_cloud (20000, &x, &y, gx, gy);
  series = (NnbDataSeries){ x, y, 20000, gx, gy, 100 };
  series.density = density;
  nnb_plot_style_init_default (&style);
  before = nnb_plot_density_get_n_binnings ();
  for (int i = 0; i < 3; i++)
    {
      cairo_surface_destroy (data_plot_image (&series, &style));
      gy[50] += 0.1f; /* the curve moves; the points stay */
    }
  g_assert_cmpuint (nnb_plot_density_get_n_binnings (), ==, before + 1);
  /* another size is another mask */
  {
    cairo_surface_t *image = cairo_image_surface_create (CAIRO_FORMAT_RGB24, W / 2, H / 2);
    cairo_t *cr = cairo_create (image);

    nnb_plot_data_draw (cr, W / 2, H / 2, &series, &style);
    cairo_destroy (cr);
    cairo_surface_destroy (image);
  }
  g_assert_cmpuint (nnb_plot_density_get_n_binnings (), ==, before + 2);
}

/* The read-out over many points looks near the pointer only, in the
 * mask's pixels: it finds the point a search of every point finds, to
 * within a pixel, and nothing where that search finds nothing. */
static void
test_data_plot_density_finds_the_nearest_point (void)
{
  g_autofree float *x = NULL;
  g_autofree float *y = NULL;
  float gx[100], gy[100];
  g_autoptr (NnbPlotDensity) density = nnb_plot_density_new ();
  NnbPlotScale x_scale = { 0, 7, FALSE }, y_scale = { -1.5, 1.5, FALSE };
  cairo_rectangle_t area = { 40, 30, W - 80, H - 60 };
  cairo_surface_t *image = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, W, H);
  cairo_t *cr = cairo_create (image);
  GRand *rand = g_rand_new_with_seed (3);
  double reach = 20;
  int n = 20000, index;

  sine_cloud (n, &x, &y, gx, gy);
  nnb_plot_density_draw (density, cr, &area, &x_scale, &y_scale, x, y, 1, n, 2);
  for (int k = 0; k < 200; k++)
    {
      double px = g_rand_double_range (rand, area.x, area.x + area.width);
      double py = g_rand_double_range (rand, area.y, area.y + area.height);
      double brute = INFINITY, found = INFINITY;

      for (int i = 0; i < n; i++)
        brute = MIN (brute, hypot (nnb_plot_scale_map (&x_scale, x[i], area.x, area.x + area.width) - px,
                                   nnb_plot_scale_map (&y_scale, y[i], area.y + area.height, area.y) - py));
      g_assert_true (nnb_plot_density_find_nearest (density, &area, &x_scale, &y_scale, x, y, 1, n, px, py, reach, &index));
      if (index >= 0)
        found = hypot (nnb_plot_scale_map (&x_scale, x[index], area.x, area.x + area.width) - px,
                       nnb_plot_scale_map (&y_scale, y[index], area.y + area.height, area.y) - py);
      if (brute < reach - 1.5)
        g_assert_cmpfloat (found, <=, brute + 1.5);
      if (brute >= reach)
        g_assert_cmpint (index, ==, -1);
    }
  /* other points (the same count) are not the mask's */
  g_assert_false (nnb_plot_density_find_nearest (density, &area, &x_scale, &y_scale, gx, gy, 1, n, 0, 0, reach, &index));

  g_rand_free (rand);
  cairo_destroy (cr);
  cairo_surface_destroy (image);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ui/plots/data-plot-draws-points-and-curve", test_data_plot_draws_points_and_curve);
  g_test_add_func ("/ui/plots/data-plot-draws-sinenet-points-and-curve", test_data_plot_draws_sinenet_points_and_curve);
  g_test_add_func ("/ui/plots/empty-plots-say-so", test_empty_plots_say_so);
  g_test_add_func ("/ui/plots/loss-plot-linear-and-log", test_loss_plot_linear_and_log);
  g_test_add_func ("/ui/plots/diagram-draws-mlp", test_diagram_draws_mlp);
  g_test_add_func ("/ui/plots/data-plot-compares-curves-and-reads-out", test_data_plot_compares_curves_and_reads_out);
  g_test_add_func ("/ui/plots/loss-plot-reads-out-epoch", test_loss_plot_reads_out_epoch);
  g_test_add_func ("/ui/plots/loss-plot-draws-test-loss", test_loss_plot_draws_test_loss);
  g_test_add_func ("/ui/plots/data-plot-draws-test-points", test_data_plot_draws_test_points);
  g_test_add_func ("/ui/plots/data-plot-draws-a-curve-per-output", test_data_plot_draws_a_curve_per_output);
  g_test_add_func ("/ui/plots/data-plot-one-output-is-unchanged", test_data_plot_one_output_is_unchanged);
  g_test_add_func ("/ui/plots/data-plot-density-of-two-outputs", test_data_plot_density_of_two_outputs);
  g_test_add_func ("/ui/plots/descriptions-count-targets-and-test-loss", test_descriptions_count_targets_and_test_loss);
  g_test_add_func ("/ui/plots/predicted-plot-draws-points-and-the-diagonal",
                   test_predicted_plot_draws_points_and_the_diagonal);
  g_test_add_func ("/ui/plots/norm-history-thins-long-runs", test_norm_history_thins_long_runs);
  g_test_add_func ("/ui/plots/tick-labels-never-overlap", test_tick_labels_never_overlap);
  g_test_add_func ("/ui/plots/loss-plot-with-inf-and-nan", test_loss_plot_with_inf_and_nan);
  g_test_add_func ("/ui/plots/title-button-and-legend-stay-apart", test_title_button_and_legend_stay_apart);
  g_test_add_func ("/ui/plots/norms-plot-draws-a-point-a-pixel", test_norms_plot_draws_a_point_a_pixel);
  g_test_add_func ("/ui/plots/data-plot-work-does-not-grow-with-points", test_data_plot_work_does_not_grow_with_points);
  g_test_add_func ("/ui/plots/data-plot-density-looks-like-dots", test_data_plot_density_looks_like_dots);
  g_test_add_func ("/ui/plots/data-plot-density-is-binned-once", test_data_plot_density_is_binned_once);
  g_test_add_func ("/ui/plots/data-plot-density-finds-the-nearest-point", test_data_plot_density_finds_the_nearest_point);

  g_test_add_func ("/ui/plots/race-plot-marks-the-crossover", test_race_plot_marks_the_crossover);
  g_test_add_func ("/ui/plots/race-plot-without-gpu-names-the-reason", test_race_plot_without_gpu_names_the_reason);
  g_test_add_func ("/ui/plots/race-plot-empty-and-partial", test_race_plot_empty_and_partial);

  return g_test_run ();
}
