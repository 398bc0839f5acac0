/* test-plots.c — the pure draw functions draw into files as they do on
 * screen: the data plot, the loss plot (linear and log) and the diagram
 * render into an image surface and an SVG surface without error, and put
 * ink where the data is. Needs no display. */
#include "nnb-config.h"

#include <cairo-svg.h>
#include <math.h>

#include "nnb-diagram.h"
#include "nnb-plot-data.h"
#include "nnb-plot-loss.h"
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
}

static void
test_empty_plots_say_so (void)
{
  NnbDataSeries data = { 0 };
  NnbLossSeries loss = { 0 };

  draw_both (draw_data, &data);
  draw_both (draw_loss, &loss);
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

static void
test_diagram_draws_mlp (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "..", "data", "examples",
                                                 "mlp-residual.nnb", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(NnbProject) project = nnb_project_load (path, &error);
  g_autofree char *text = NULL;

  g_assert_no_error (error);
  draw_both (draw_diagram, project);

  text = nnb_diagram_node_text (project->model, 1);
  g_assert_cmpstr (text, ==, "fc1: Linear 3→16");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ui/plots/data-plot-draws-points-and-curve", test_data_plot_draws_points_and_curve);
  g_test_add_func ("/ui/plots/empty-plots-say-so", test_empty_plots_say_so);
  g_test_add_func ("/ui/plots/loss-plot-linear-and-log", test_loss_plot_linear_and_log);
  g_test_add_func ("/ui/plots/diagram-draws-mlp", test_diagram_draws_mlp);

  return g_test_run ();
}
