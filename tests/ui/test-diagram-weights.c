/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-diagram-weights.c — a Linear drawn with its weights, as a pure
 * picture: a 2→4 layer draws 8 lines, blue-ish (the accent) where a
 * weight is positive and the second series colour where it is negative,
 * wider as |w| grows; a 64×64 layer draws none; the pointer's read-out
 * says a unit's formula as maths writes it (1-based) and a weight as
 * PyTorch indexes it (0-based). No display needed. */
#include "nnb-config.h"

#include <math.h>

#include "nnb-diagram-weights.h"
#include "nnb-plot-marks.h"
#include "nnb-plot-style.h"

/* W is 4 × 2, W[o, i] at o * 2 + i, as nn.Linear(2, 4).weight */
static const float weight_2_4[8] = { 0.53f, -1.20f, -0.25f, 2.00f, 0.0f, 0.75f, -0.10f, 1.00f };
static const float bias_4[4] = { 0.10f, -0.50f, 0.0f, 3.25f };
static const double rect[4] = { 20, 10, 124, 120 };

static NnbDiagramWeights
layer_2_4 (void)
{
  return (NnbDiagramWeights){ "fc1", 2, 4, weight_2_4, bias_4 };
}

static gboolean
same_rgb (const double a[4], const double b[4])
{
  return fabs (a[0] - b[0]) < 1e-9 && fabs (a[1] - b[1]) < 1e-9 && fabs (a[2] - b[2]) < 1e-9;
}

static void
test_linear_2_4_draws_8_lines_coloured_by_sign_and_sized_by_magnitude (void)
{
  NnbDiagramWeights w = layer_2_4 ();
  NnbPlotStyle style;
  double positive[4], negative[4];
  g_autoptr (GArray) lines = NULL;

  nnb_plot_style_init_default (&style);
  nnb_plot_series_color (&style, 0, positive);
  nnb_plot_series_color (&style, 1, negative);
  g_assert_false (same_rgb (positive, negative));

  lines = nnb_diagram_weights_lines (rect, &w, &style);
  g_assert_cmpuint (lines->len, ==, 8);
  for (guint a = 0; a < lines->len; a++)
    {
      const NnbDiagramWeightLine *la = &g_array_index (lines, NnbDiagramWeightLine, a);
      float wa = weight_2_4[la->out * 2 + la->in];

      /* from input i on the left edge to output o on the right */
      g_assert_cmpfloat (la->x0, <, rect[0] + rect[2] / 2);
      g_assert_cmpfloat (la->x1, >, rect[0] + rect[2] / 2);
      g_assert_true (same_rgb (la->rgba, wa < 0 ? negative : positive));
      for (guint b = 0; b < lines->len; b++)
        {
          const NnbDiagramWeightLine *lb = &g_array_index (lines, NnbDiagramWeightLine, b);
          float wb = weight_2_4[lb->out * 2 + lb->in];

          if (fabsf (wa) < fabsf (wb))
            g_assert_cmpfloat (la->width, <, lb->width);
        }
    }
}

/* The pixel under the middle of the widest line is that line's colour:
 * the lines are drawn as the geometry says. */
static void
test_drawing_puts_the_widest_line_where_it_says (void)
{
  NnbDiagramWeights w = layer_2_4 ();
  NnbPlotStyle style;
  g_autoptr (GArray) lines = NULL;
  const NnbDiagramWeightLine *widest = NULL;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 200, 200);
  cairo_t *cr = cairo_create (surface);
  guint32 pixel;
  double mx, my, r, g, b;

  nnb_plot_style_init_default (&style);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  nnb_diagram_weights_draw (cr, rect, &w, &style);
  cairo_surface_flush (surface);

  lines = nnb_diagram_weights_lines (rect, &w, &style);
  for (guint k = 0; k < lines->len; k++)
    if (widest == NULL || g_array_index (lines, NnbDiagramWeightLine, k).width > widest->width)
      widest = &g_array_index (lines, NnbDiagramWeightLine, k);
  g_assert_cmpint (widest->out, ==, 1); /* W[1, 1] = 2.00, the largest */
  g_assert_cmpint (widest->in, ==, 1);
  mx = (widest->x0 + widest->x1) / 2, my = (widest->y0 + widest->y1) / 2;
  pixel = *(guint32 *) (cairo_image_surface_get_data (surface) + (int) my * cairo_image_surface_get_stride (surface) +
                        (int) mx * 4);
  r = ((pixel >> 16) & 0xff) / 255.0, g = ((pixel >> 8) & 0xff) / 255.0, b = (pixel & 0xff) / 255.0;
  g_test_message ("pixel (%.2f, %.2f, %.2f), line (%.2f, %.2f, %.2f)", r, g, b, widest->rgba[0], widest->rgba[1],
                  widest->rgba[2]);
  g_assert_cmpfloat (fabs (r - widest->rgba[0]) + fabs (g - widest->rgba[1]) + fabs (b - widest->rgba[2]), <, 0.15);

  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

static void
test_linear_64_64_draws_no_lines (void)
{
  g_autofree float *weight = g_new0 (float, 64 * 64);
  NnbDiagramWeights w = { "fc2", 64, 64, weight, NULL };
  NnbPlotStyle style;
  g_autoptr (GArray) lines = NULL;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 200, 200);
  cairo_t *cr = cairo_create (surface);
  const guint8 *data;

  for (int k = 0; k < 64 * 64; k++)
    weight[k] = k % 3 - 1;
  nnb_plot_style_init_default (&style);
  g_assert_false (nnb_diagram_weights_fit (64, 64));
  g_assert_false (nnb_diagram_weights_fit (17, 2));
  g_assert_true (nnb_diagram_weights_fit (16, 16));
  lines = nnb_diagram_weights_lines (rect, &w, &style);
  g_assert_cmpuint (lines->len, ==, 0);

  /* and nothing is painted */
  nnb_diagram_weights_draw (cr, rect, &w, &style);
  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);
  for (int k = 0; k < 200 * cairo_image_surface_get_stride (surface); k++)
    g_assert_cmpuint (data[k], ==, 0);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

static void
test_formula_reads_as_maths_writes_it (void)
{
  NnbDiagramWeights w = layer_2_4 ();
  g_autofree char *h1 = nnb_diagram_weights_formula (&w, 0);
  g_autofree char *h2 = nnb_diagram_weights_formula (&w, 1);
  g_autofree char *h3 = nnb_diagram_weights_formula (&w, 2);
  g_autofree char *weight = nnb_diagram_weights_value_text (&w, 0, 1);
  g_autofree char *x12 = nnb_diagram_weights_input_name (11);
  NnbDiagramWeights no_bias = { "fc1", 2, 4, weight_2_4, NULL };
  g_autofree char *h4 = nnb_diagram_weights_formula (&no_bias, 3);

  g_assert_cmpstr (h1, ==, "h₁ = 0.53·x₁ − 1.20·x₂ + 0.10");
  g_assert_cmpstr (h2, ==, "h₂ = −0.25·x₁ + 2.00·x₂ − 0.50");
  g_assert_cmpstr (h3, ==, "h₃ = 0.00·x₁ + 0.75·x₂ + 0.00");
  g_assert_cmpstr (h4, ==, "h₄ = −0.10·x₁ + 1.00·x₂");
  /* PyTorch's 0-based W[o, i]: the second input of the first unit */
  g_assert_cmpstr (weight, ==, "fc1.weight[0, 1] = −1.20");
  g_assert_cmpstr (x12, ==, "x₁₂");
}

/* The read-out finds what the pointer is on: a dot, else the nearest line. */
static void
test_pointer_finds_the_line_and_the_dot (void)
{
  NnbDiagramWeights w = layer_2_4 ();
  double x0, y0, x1, y1;
  int out = -1, in = -1;

  nnb_diagram_weights_dot (rect, &w, FALSE, 1, &x0, &y0);
  nnb_diagram_weights_dot (rect, &w, TRUE, 3, &x1, &y1);
  g_assert_cmpint (nnb_diagram_weights_hit (rect, &w, (x0 + x1) / 2, (y0 + y1) / 2, 1.0, &out, &in), ==,
                   NNB_DIAGRAM_WEIGHTS_LINE);
  g_assert_cmpint (out, ==, 3);
  g_assert_cmpint (in, ==, 1);
  g_assert_cmpint (nnb_diagram_weights_hit (rect, &w, x1 + 1, y1, 1.0, &out, &in), ==, NNB_DIAGRAM_WEIGHTS_OUTPUT);
  g_assert_cmpint (out, ==, 3);
  g_assert_cmpint (nnb_diagram_weights_hit (rect, &w, x0, y0 - 1, 1.0, &out, &in), ==, NNB_DIAGRAM_WEIGHTS_INPUT);
  g_assert_cmpint (in, ==, 1);
  /* the title, above the dots */
  g_assert_cmpint (nnb_diagram_weights_hit (rect, &w, rect[0] + 30, rect[1] + 8, 1.0, &out, &in), ==,
                   NNB_DIAGRAM_WEIGHTS_NONE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/diagram-weights/linear-2-4-draws-8-lines-coloured-by-sign-sized-by-magnitude",
                   test_linear_2_4_draws_8_lines_coloured_by_sign_and_sized_by_magnitude);
  g_test_add_func ("/diagram-weights/drawing-puts-the-widest-line-where-it-says",
                   test_drawing_puts_the_widest_line_where_it_says);
  g_test_add_func ("/diagram-weights/linear-64-64-draws-no-lines", test_linear_64_64_draws_no_lines);
  g_test_add_func ("/diagram-weights/formula-reads-as-maths-writes-it", test_formula_reads_as_maths_writes_it);
  g_test_add_func ("/diagram-weights/pointer-finds-the-line-and-the-dot", test_pointer_finds_the_line_and_the_dot);
  return g_test_run ();
}
