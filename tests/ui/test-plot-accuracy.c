/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-plot-accuracy.c — issue 20: a classifier's accuracy beside its
 * loss. The loss plot draws the train and test accuracy dashed, in the
 * loss curves' colours, against a second axis on the right (0 % to
 * 100 %); the read-out names the accuracy near its curves; a screen
 * reader hears it; and a regression project's plot is the one it was.
 * Pure functions: no display needed. */
#include "nnb-config.h"

#include <cairo-svg.h>
#include <math.h>

#include "nnb-plot-descriptions.h"
#include "nnb-plot-loss.h"

#define W 640
#define H 400
#define EPOCHS 300

/* A classifier's run: both losses fall towards 0.05 (near the bottom of
 * their axis), both accuracies rise to 100 % (the top of theirs), the
 * test accuracy more slowly. */
typedef struct
{
  double losses[EPOCHS], test_losses[EPOCHS];
  double accuracies[EPOCHS], test_accuracies[EPOCHS];
  NnbLossSeries series;
} Run;

static void
run_init (Run *run, gboolean accuracy)
{
  for (int i = 0; i < EPOCHS; i++)
    {
      run->losses[i] = 0.7 * exp (-i / 40.0) + 0.05;
      run->test_losses[i] = 0.7 * exp (-i / 40.0) + 0.07;
      run->accuracies[i] = MIN (1.0, 0.5 + i / 100.0);
      run->test_accuracies[i] = MIN (1.0, 0.5 + i / 300.0);
    }
  run->series = (NnbLossSeries){ run->losses, EPOCHS, FALSE, { FALSE, 0, 0 }, run->test_losses, EPOCHS };
  if (accuracy)
    {
      run->series.accuracies = run->accuracies;
      run->series.n_accuracy = EPOCHS;
      run->series.test_accuracies = run->test_accuracies;
      run->series.n_test_accuracy = EPOCHS;
    }
}

static cairo_surface_t *
loss_image (const NnbLossSeries *series)
{
  cairo_surface_t *image = cairo_image_surface_create (CAIRO_FORMAT_RGB24, W, H);
  cairo_t *cr = cairo_create (image);
  NnbPlotStyle style;

  nnb_plot_style_init_default (&style);
  nnb_plot_loss_draw (cr, W, H, series, &style);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_flush (image);
  return image;
}

static const guint8 *
pixel (cairo_surface_t *image, int x, int y)
{
  return cairo_image_surface_get_data (image) + y * cairo_image_surface_get_stride (image) + 4 * x;
}

/* Whether the pixel at (x, y) is series colour `index`, give or take the
 * antialiasing. */
static gboolean
is_series_color (cairo_surface_t *image, int x, int y, int index)
{
  const guint8 *px = pixel (image, x, y);
  NnbPlotStyle style;
  double rgba[4];

  nnb_plot_style_init_default (&style);
  nnb_plot_series_color (&style, index, rgba);
  return abs (px[2] - (int) lround (255 * rgba[0])) < 24 && abs (px[1] - (int) lround (255 * rgba[1])) < 24 &&
         abs (px[0] - (int) lround (255 * rgba[2])) < 24;
}

static int
count_series_color (cairo_surface_t *image, int index)
{
  int n = 0;

  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      n += is_series_color (image, x, y, index);
  return n;
}

/* Pixels in a rectangle that are not the white background. */
static int
ink_in (cairo_surface_t *image, int x0, int y0, int x1, int y1)
{
  int n = 0;

  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++)
      n += (*(const guint32 *) pixel (image, x, y) & 0xffffff) != 0xffffff;
  return n;
}

/* Runs of series colour `index` along row y, between x0 and x1: one for a
 * solid line along the row, many for a dashed one. */
static int
runs_along_row (cairo_surface_t *image, int y, int x0, int x1, int index)
{
  gboolean in = FALSE;
  int runs = 0;

  for (int x = x0; x < x1; x++)
    {
      gboolean here = is_series_color (image, x, y, index);

      runs += here && !in;
      in = here;
    }
  return runs;
}

/* The row between y0 and y1 with the most pixels of series colour index. */
static int
row_of_most (cairo_surface_t *image, int y0, int y1, int index)
{
  int best = y0, most = -1;

  for (int y = y0; y < y1; y++)
    {
      int n = 0;

      for (int x = 0; x < W; x++)
        n += is_series_color (image, x, y, index);
      if (n > most)
        most = n, best = y;
    }
  return best;
}

/* Both accuracies are curves of their own, in the loss curves' two
 * colours, dashed where they run flat at 100 % (the test curve's dashes
 * in the train curve's gaps, so both show); the right axis has its
 * numbers and its name, and the title says what the plot shows. */
static void
test_accuracy_curves_and_right_axis (void)
{
  Run plain, classes;
  cairo_surface_t *without, *with;
  int train_more, test_more, top, runs_0, runs_1;

  run_init (&plain, FALSE);
  run_init (&classes, TRUE);
  without = loss_image (&plain.series);
  with = loss_image (&classes.series);

  train_more = count_series_color (with, 0) - count_series_color (without, 0);
  test_more = count_series_color (with, 1) - count_series_color (without, 1);
  g_test_message ("more pixels of the train colour: %d, of the test colour: %d", train_more, test_more);
  g_assert_cmpint (train_more, >, 300);
  g_assert_cmpint (test_more, >, 150);

  /* the flat stretch at 100 %, in the top part of the plot: many dashes
   * of each colour along one row, not a solid line */
  top = row_of_most (with, 0, H / 3, 0);
  runs_0 = runs_along_row (with, top, W / 2, W, 0);
  runs_1 = runs_along_row (with, top, W / 2, W, 1);
  g_test_message ("row %d: %d dashes of the train colour, %d of the test colour", top, runs_0, runs_1);
  g_assert_cmpint (runs_0, >=, 10);
  g_assert_cmpint (runs_1, >=, 10);

  /* the right axis' name, turned, at the right edge, halfway down; no
   * ink there without it */
  g_assert_cmpint (ink_in (without, W - 12, H * 3 / 10, W, H * 7 / 10), ==, 0);
  g_assert_cmpint (ink_in (with, W - 12, H * 3 / 10, W, H * 7 / 10), >, 50);
  /* "Loss and Accuracy" is a longer title than "Loss" */
  g_assert_cmpint (ink_in (with, 0, 0, W, 20), >, ink_in (without, 0, 0, W, 20) + 100);

  cairo_surface_destroy (without);
  cairo_surface_destroy (with);
}

/* Pixels that two drawings of the same size do not share. */
static int
pixels_differing (cairo_surface_t *a, cairo_surface_t *b)
{
  int n = 0;

  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      n += (*(const guint32 *) pixel (a, x, y) & 0xffffff) != (*(const guint32 *) pixel (b, x, y) & 0xffffff);
  return n;
}

/* A regression project has no accuracy: the panel passes empty arrays
 * (pointers, count 0), which draw the very pixels no arrays draw; and
 * around the data those are the plain frame's, titled "Loss", with no
 * second axis and no room kept for one. */
static void
test_without_accuracies_nothing_changes (void)
{
  Run run;
  cairo_surface_t *none, *empty, *frame;
  cairo_rectangle_t area;
  NnbPlotScale x_scale = { 0, EPOCHS - 1, FALSE }, y_scale = { 0, 0.75, FALSE };
  NnbPlotStyle style;
  cairo_t *cr;
  int outside = 0;

  run_init (&run, FALSE);
  run.series.test_losses = NULL;
  run.series.n_test = 0;
  none = loss_image (&run.series);
  run.series.accuracies = run.accuracies;
  run.series.test_accuracies = run.test_accuracies;
  empty = loss_image (&run.series);
  g_assert_cmpint (pixels_differing (none, empty), ==, 0);

  nnb_plot_style_init_default (&style);
  nnb_plot_scale_nice (&x_scale);
  nnb_plot_scale_nice (&y_scale);
  frame = cairo_image_surface_create (CAIRO_FORMAT_RGB24, W, H);
  cr = cairo_create (frame);
  nnb_plot_axes_draw_scaled (cr, W, H, "Loss", "Epoch", "Loss", NULL, &style, &x_scale, &y_scale, &area);
  cairo_destroy (cr);
  cairo_surface_flush (frame);
  /* every pixel more than a line's width away from the data's area */
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      if (x < area.x - 4 || x > area.x + area.width + 4 || y < area.y - 4 || y > area.y + area.height + 4)
        outside += (*(const guint32 *) pixel (frame, x, y) & 0xffffff) !=
                   (*(const guint32 *) pixel (none, x, y) & 0xffffff);
  g_assert_cmpint (outside, ==, 0);
  /* and nothing dashed inside: the loss curve is one solid line */
  g_assert_cmpint (runs_along_row (none, row_of_most (none, 0, H, 0), (int) area.x, W, 0), <=, 2);

  cairo_surface_destroy (none);
  cairo_surface_destroy (empty);
  cairo_surface_destroy (frame);
}

/* The mean height of the pixels a read-out adds: its mark and its box,
 * which sit beside the point it reads. */
static double
readout_height (const NnbLossSeries *series, cairo_surface_t *without)
{
  cairo_surface_t *with = loss_image (series);
  double sum = 0;
  int n = 0;

  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      if ((*(const guint32 *) pixel (with, x, y) & 0xffffff) != (*(const guint32 *) pixel (without, x, y) & 0xffffff))
        sum += y, n++;
  cairo_surface_destroy (with);
  g_assert_cmpint (n, >, 100);
  return sum / n;
}

/* At epoch 250 the losses are near the bottom and the accuracies at the
 * top: the pointer near the top reads out the accuracy there, near the
 * bottom the loss, each beside its own point. */
static void
test_readout_names_the_nearer_curve (void)
{
  Run run;
  cairo_surface_t *plain;
  double near_top, near_bottom;

  run_init (&run, TRUE);
  plain = loss_image (&run.series);
  run.series.pointer = (NnbPlotPointer){ TRUE, W * 0.8, H * 0.2 };
  near_top = readout_height (&run.series, plain);
  run.series.pointer = (NnbPlotPointer){ TRUE, W * 0.8, H * 0.75 };
  near_bottom = readout_height (&run.series, plain);
  g_test_message ("read-out's mean row: %.0f near the accuracy, %.0f near the loss", near_top, near_bottom);
  g_assert_cmpfloat (near_top, <, H * 0.4);
  g_assert_cmpfloat (near_bottom, >, H * 0.6);
  cairo_surface_destroy (plain);
}

/* Presentation mode's heavier lines and larger type, and a small plot,
 * and an SVG: the same function draws them all without error. */
static void
test_draws_into_any_surface (void)
{
  Run run;
  NnbPlotStyle style;
  cairo_surface_t *svg;
  cairo_t *cr;

  run_init (&run, TRUE);
  nnb_plot_style_init_default (&style);
  style.font_size *= 1.5;
  style.line_width *= 1.5;
  svg = cairo_svg_surface_create_for_stream (NULL, NULL, W, H);
  for (int size = 1; size <= 3; size++)
    {
      cr = cairo_create (svg);
      nnb_plot_loss_draw (cr, W / size, H / size, &run.series, &style);
      g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
      cairo_destroy (cr);
    }
  /* one epoch: dots, not lines */
  run.series.n = run.series.n_test = run.series.n_accuracy = run.series.n_test_accuracy = 1;
  cr = cairo_create (svg);
  nnb_plot_loss_draw (cr, W, H, &run.series, &style);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_finish (svg);
  g_assert_cmpint (cairo_surface_status (svg), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (svg);
}

static GArray *
doubles (const double *values, guint n)
{
  GArray *array = g_array_new (FALSE, FALSE, sizeof (double));

  g_array_append_vals (array, values, n);
  return array;
}

/* What a screen reader hears: the accuracy (and the test accuracy) after
 * the loss, as percentages; a regression project's sentence as before. */
static void
test_description_says_the_accuracy (void)
{
  NnbSnapshot snapshot = { 0 };
  double accuracies[] = { 0.5, 0.975 }, test_accuracies[] = { 0.5, 1.0 }, test_losses[] = { 0.09, 0.0533 };
  g_autofree char *regression = NULL;
  g_autofree char *train_only = NULL;
  g_autofree char *both = NULL;

  snapshot.epoch = 121;
  snapshot.loss = 0.0412;
  snapshot.accuracies = g_array_new (FALSE, FALSE, sizeof (double));
  regression = nnb_plot_describe_loss (&snapshot);
  g_assert_cmpstr (regression, ==, "Loss plot, epoch 120, loss 0.0412");
  g_array_unref (snapshot.accuracies);

  snapshot.accuracies = doubles (accuracies, 2);
  train_only = nnb_plot_describe_loss (&snapshot);
  g_assert_cmpstr (train_only, ==, "Loss plot, epoch 120, loss 0.0412, accuracy 97.5 %");

  snapshot.test_losses = doubles (test_losses, 2);
  snapshot.test_accuracies = doubles (test_accuracies, 2);
  both = nnb_plot_describe_loss (&snapshot);
  g_assert_cmpstr (both, ==,
                   "Loss plot, epoch 120, loss 0.0412, test loss 0.0533, accuracy 97.5 %, test accuracy 100.0 %");
  g_array_unref (snapshot.accuracies);
  g_array_unref (snapshot.test_losses);
  g_array_unref (snapshot.test_accuracies);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ui/plot-accuracy/accuracy-curves-and-right-axis", test_accuracy_curves_and_right_axis);
  g_test_add_func ("/ui/plot-accuracy/without-accuracies-nothing-changes", test_without_accuracies_nothing_changes);
  g_test_add_func ("/ui/plot-accuracy/readout-names-the-nearer-curve", test_readout_names_the_nearer_curve);
  g_test_add_func ("/ui/plot-accuracy/draws-into-any-surface", test_draws_into_any_surface);
  g_test_add_func ("/ui/plot-accuracy/description-says-the-accuracy", test_description_says_the_accuracy);

  return g_test_run ();
}
