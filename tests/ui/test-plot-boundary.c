/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-plot-boundary.c — class data with two inputs (issue 20): its points
 * in their classes' colours before any training, a trained xor's decision
 * boundary as a heat map in both classes' colours, Discretize's hard
 * regions, the same picture in files, and frames that draw only the map
 * anew, well under 16 ms. Pure draw functions: needs no display. */
#include "nnb-config.h"

#include <cairo-svg.h>
#include <math.h>

#include "nnb-class-plot.h"
#include "nnb-plot-boundary.h"
#include "nnb-plot-descriptions.h"
#include "nnb-project.h"
#include "nnb-trainer.h"

#define W 640
#define H 400

/* xor as a student writes it: 2 → 8 → Tanh → 2, CrossEntropyLoss. */
static const char xor_project[] =
  "{\"format\": \"nnblocks\", \"version\": 1, \"model\": {\"class\": \"Sequential\", \"modules\": ["
  "{\"name\": \"0\", \"type\": \"Linear\", \"in_features\": 2, \"out_features\": 8}, "
  "{\"name\": \"1\", \"type\": \"Tanh\"}, "
  "{\"name\": \"2\", \"type\": \"Linear\", \"in_features\": 8, \"out_features\": 2}]}, "
  "\"seed\": 0, \"model_seed\": 1, "
  "\"data\": {\"kind\": \"xor\", \"n\": 200, \"noise\": 0.05, \"test_fraction\": 0.25}, "
  "\"training\": {\"optimizer\": \"Adam\", \"lr\": 0.05, \"loss\": \"CrossEntropyLoss\", \"epochs\": 300}}";

typedef struct
{
  NnbProject *project;
  NnbDataset *data;
  NnbGenerator shuffle;
  NnbClassPlot *plot;
  NnbSnapshot *untrained, *trained; /* idle snapshots before and after 300 epochs */
} Xor;

static NnbSnapshot *
idle_snapshot (Xor * xor)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbTrainer) trainer = nnb_trainer_new (xor->project->model, xor->data, &xor->project->training,
                                                    &xor->shuffle, 0, 0, 0, &error);

  g_assert_no_error (error);
  return nnb_trainer_get_snapshot (trainer);
}

static void
xor_set_up (Xor * xor, gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbTraining) training = NULL;
  double loss;

  xor->project = nnb_project_load_from_data (xor_project, sizeof xor_project - 1, &error);
  g_assert_no_error (error);
  xor->data = nnb_project_build_for_training (xor->project, FALSE, &xor->shuffle, &error);
  g_assert_no_error (error);
  xor->plot = nnb_class_plot_new ();
  g_assert_true (nnb_class_plot_set_data (xor->plot, xor->data));
  xor->untrained = idle_snapshot (xor);
  training = nnb_training_new (xor->project->model, xor->data, &xor->project->training, &xor->shuffle, &error);
  g_assert_no_error (error);
  for (int epoch = 0; epoch < 300; epoch++)
    g_assert_true (nnb_training_epoch (training, &loss, NULL));
  g_clear_pointer (&training, nnb_training_free);
  xor->trained = idle_snapshot (xor);
}

static void
xor_tear_down (Xor * xor, gconstpointer user_data)
{
  g_clear_pointer (&xor->untrained, nnb_snapshot_unref);
  g_clear_pointer (&xor->trained, nnb_snapshot_unref);
  g_clear_pointer (&xor->plot, nnb_class_plot_free);
  g_clear_pointer (&xor->data, nnb_dataset_free);
  g_clear_pointer (&xor->project, nnb_project_free);
}

/* The plot of series in an RGB24 image, white behind it. */
static cairo_surface_t *
draw_image (const NnbBoundarySeries *series)
{
  cairo_surface_t *image = cairo_image_surface_create (CAIRO_FORMAT_RGB24, W, H);
  cairo_t *cr = cairo_create (image);
  NnbPlotStyle style;

  nnb_plot_style_init_default (&style);
  nnb_plot_boundary_draw (cr, W, H, series, &style);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_flush (image);
  /* NNB_DUMP=/tmp/plot: each picture also saved as /tmp/plot-N.png, for a person to look at */
  if (g_getenv ("NNB_DUMP") != NULL)
    {
      static int n;
      g_autofree char *name = g_strdup_printf ("%s-%d.png", g_getenv ("NNB_DUMP"), n++);
      cairo_surface_write_to_png (image, name);
    }
  return image;
}

static guint32
pixel (cairo_surface_t *image, int x, int y)
{
  return *(const guint32 *) (cairo_image_surface_get_data (image) + y * cairo_image_surface_get_stride (image) + 4 * x) &
         0xffffff;
}

/* Pixels of image that are class c's colour at some opacity from `from`
 * to `to` over white (the heat map's cells): on the line from white to
 * the colour, within a few levels a channel. */
static int
pixels_of_class (cairo_surface_t *image, int c, double from, double to)
{
  NnbPlotStyle style;
  double rgba[4];
  int n = 0;

  nnb_plot_style_init_default (&style);
  nnb_plot_series_color (&style, c, rgba);
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      {
        guint32 p = pixel (image, x, y);
        /* the opacity the red channel says (all three colours have one
         * channel far from white), then the others must agree */
        int far = rgba[0] < rgba[2] ? 0 : 2;
        double a = (255.0 - ((p >> (16 - 8 * far)) & 0xff)) / (255.0 * (1 - rgba[far]));
        gboolean on_line = a >= from && a <= to;

        for (int k = 0; k < 3 && on_line; k++)
          on_line = fabs ((double) ((p >> (16 - 8 * k)) & 0xff) - 255 * (1 - a + a * rgba[k])) < 6;
        n += on_line;
      }
  return n;
}

static int
pixels_differing (cairo_surface_t *a, cairo_surface_t *b)
{
  int n = 0;

  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      n += pixel (a, x, y) != pixel (b, x, y);
  return n;
}

/* Before any training (no snapshot): the points, each class in its colour
 * (class 0 the accent, class 1 the second series colour), and the
 * message that says what training will show. */
static void
test_points_before_training (Xor * xor, gconstpointer user_data)
{
  NnbBoundarySeries series;
  cairo_surface_t *image;
  int class0, class1;

  nnb_class_plot_get_series (xor->plot, NULL, FALSE, &series);
  g_assert_cmpint (series.n_classes, ==, 2);
  g_assert_nonnull (series.test);
  g_assert_cmpint (series.points[0].n + series.points[1].n, ==, 150);
  g_assert_cmpint (series.test[0].n + series.test[1].n, ==, 50);
  g_assert_nonnull (series.message);
  image = draw_image (&series);
  class0 = pixels_of_class (image, 0, 0.97, 1.05);
  class1 = pixels_of_class (image, 1, 0.97, 1.05);
  g_test_message ("pixels of class 0's colour: %d, of class 1's: %d", class0, class1);
  g_assert_cmpint (class0, >, 400);
  g_assert_cmpint (class1, >, 400);
  cairo_surface_destroy (image);
}

/* The trained xor's boundary: both classes' colours fill the plot, each
 * over a good share of it (xor's four quadrants, two a class), strong
 * where the model is sure; Discretize draws hard regions instead, a
 * different picture in the same two colours. */
static void
test_heat_map_and_discretize (Xor * xor, gconstpointer user_data)
{
  NnbBoundarySeries series;
  cairo_surface_t *soft, *hard, *untrained;
  int area = W * H / 2; /* the plot area is more than half the picture */
  int strong[2], regions[2];

  nnb_class_plot_get_series (xor->plot, xor->trained, FALSE, &series);
  g_assert_cmpint (series.boundary_size, ==, NNB_TRAINER_BOUNDARY_SIZE);
  g_assert_null (series.message);
  soft = draw_image (&series);
  nnb_class_plot_get_series (xor->plot, xor->trained, TRUE, &series);
  hard = draw_image (&series);
  nnb_class_plot_get_series (xor->plot, xor->untrained, FALSE, &series);
  untrained = draw_image (&series);

  for (int c = 0; c < 2; c++)
    {
      strong[c] = pixels_of_class (soft, c, 0.3, 0.6);
      regions[c] = pixels_of_class (hard, c, 0.3, 0.45);
    }
  g_test_message ("confident cells' pixels %d and %d; hard regions' %d and %d; %d pixels differ", strong[0], strong[1],
                  regions[0], regions[1], pixels_differing (soft, hard));
  for (int c = 0; c < 2; c++)
    {
      g_assert_cmpint (strong[c], >, area / 10);
      g_assert_cmpint (regions[c], >, area / 5);
    }
  g_assert_cmpint (pixels_differing (soft, hard), >, area / 4);
  /* and training changed the picture */
  g_assert_cmpint (pixels_differing (soft, untrained), >, area / 10);
  cairo_surface_destroy (soft);
  cairo_surface_destroy (hard);
  cairo_surface_destroy (untrained);
}

static cairo_status_t
count_bytes (void *closure, const unsigned char *data, unsigned int length)
{
  *(gsize *) closure += length;
  return CAIRO_STATUS_SUCCESS;
}

/* A file holds the map as one image, not a rectangle a cell: an SVG of
 * the plot stays far under the 10,000 cells' worth of rectangles. Past
 * the dots' limit the points come as density masks, in their colours. */
static void
test_files_and_many_points (Xor * xor, gconstpointer user_data)
{
  NnbBoundarySeries series;
  NnbPlotStyle style;
  gsize bytes = 0;
  cairo_surface_t *svg = cairo_svg_surface_create_for_stream (count_bytes, &bytes, W, H);
  cairo_surface_t *image;
  cairo_t *cr = cairo_create (svg);
  int old;

  nnb_plot_style_init_default (&style);
  nnb_class_plot_get_series (xor->plot, xor->trained, FALSE, &series);
  series.density = NULL;
  nnb_plot_boundary_draw (cr, W, H, &series, &style);
  cairo_destroy (cr);
  cairo_surface_finish (svg);
  g_assert_cmpint (cairo_surface_status (svg), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (svg);
  g_test_message ("SVG: %" G_GSIZE_FORMAT " bytes", bytes);
  g_assert_cmpuint (bytes, >, 1000);
  g_assert_cmpuint (bytes, <, 400000);

  old = nnb_plot_data_set_max_dots (20);
  nnb_class_plot_get_series (xor->plot, NULL, FALSE, &series);
  image = draw_image (&series);
  g_assert_cmpint (pixels_of_class (image, 0, 0.97, 1.05), >, 400);
  g_assert_cmpint (pixels_of_class (image, 1, 0.97, 1.05), >, 400);
  cairo_surface_destroy (image);
  nnb_plot_data_set_max_dots (old);
}

/* On screen the frame and the points are kept: a frame while training
 * paints them and draws the heat map anew, in well under a 60 Hz frame's
 * 16 ms (a bound for a loaded test machine; a frame takes a few). */
static void
test_frames_stay_cheap (Xor * xor, gconstpointer user_data)
{
  cairo_surface_t *screen = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 900, 500);
  cairo_t *cr = cairo_create (screen);
  NnbBoundarySeries series;
  NnbPlotStyle style;
  gint64 start, slowest = 0;
  guint builds;

  nnb_plot_style_init_default (&style);
  nnb_class_plot_get_series (xor->plot, xor->untrained, FALSE, &series);
  nnb_class_plot_draw (xor->plot, cr, 900, 500, 1, &style, &series);
  builds = nnb_class_plot_get_layer_builds (xor->plot);
  for (int frame = 0; frame < 30; frame++)
    {
      nnb_class_plot_get_series (xor->plot, frame % 2 ? xor->trained : xor->untrained, frame % 3 == 0, &series);
      series.pointer = (NnbPlotPointer){ frame % 2, 300 + frame, 250 };
      start = g_get_monotonic_time ();
      nnb_class_plot_draw (xor->plot, cr, 900, 500, 1, &style, &series);
      slowest = MAX (slowest, g_get_monotonic_time () - start);
    }
  g_test_message ("slowest of 30 frames: %.2f ms", slowest / 1000.0);
  g_assert_cmpuint (nnb_class_plot_get_layer_builds (xor->plot), ==, builds);
  g_assert_cmpint (slowest, <, 16000);
  cairo_destroy (cr);
  cairo_surface_destroy (screen);
}

/* A model with a mode says which one its boundary shows, and the kept
 * frame is drawn again when that changes (it holds the title) */
static void
test_title_names_the_mode (Xor * xor, gconstpointer user_data)
{
  cairo_surface_t *screen = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 900, 500);
  cairo_t *cr = cairo_create (screen);
  NnbBoundarySeries series;
  NnbPlotStyle style;
  guint builds;

  nnb_plot_style_init_default (&style);
  nnb_class_plot_get_series (xor->plot, xor->trained, FALSE, &series);
  g_assert_null (series.title);
  nnb_class_plot_draw (xor->plot, cr, 900, 500, 1, &style, &series);
  builds = nnb_class_plot_get_layer_builds (xor->plot);
  xor->trained->has_mode = TRUE;
  nnb_class_plot_get_series (xor->plot, xor->trained, FALSE, &series);
  g_assert_cmpstr (series.title, ==, "Boundary (eval mode)");
  nnb_class_plot_draw (xor->plot, cr, 900, 500, 1, &style, &series);
  g_assert_cmpuint (nnb_class_plot_get_layer_builds (xor->plot), ==, builds + 1);
  xor->trained->drawn_training = TRUE;
  nnb_class_plot_get_series (xor->plot, xor->trained, FALSE, &series);
  g_assert_cmpstr (series.title, ==, "Boundary (train mode)");
  xor->trained->has_mode = FALSE;
  xor->trained->drawn_training = FALSE;
  cairo_destroy (cr);
  cairo_surface_destroy (screen);
}

/* What a screen reader hears of the data plot for class data. */
static void
test_description (Xor * xor, gconstpointer user_data)
{
  g_autofree char *before = nnb_plot_describe_classes (150, 2, NULL);
  g_autofree char *after = NULL;

  xor->trained->epoch = 121;
  after = nnb_plot_describe_classes (150, 2, xor->trained);
  g_assert_cmpstr (before, ==, "Data plot: 150 points of 2 classes, no decision boundary yet");
  g_assert_cmpstr (after, ==, "Data plot: 150 points of 2 classes over the model’s decision boundary after epoch 120");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/plot-boundary/points-before-training", Xor, NULL, xor_set_up, test_points_before_training,
              xor_tear_down);
  g_test_add ("/plot-boundary/heat-map-and-discretize", Xor, NULL, xor_set_up, test_heat_map_and_discretize,
              xor_tear_down);
  g_test_add ("/plot-boundary/files-and-many-points", Xor, NULL, xor_set_up, test_files_and_many_points,
              xor_tear_down);
  g_test_add ("/plot-boundary/frames-stay-cheap", Xor, NULL, xor_set_up, test_frames_stay_cheap, xor_tear_down);
  g_test_add ("/plot-boundary/description", Xor, NULL, xor_set_up, test_description, xor_tear_down);
  g_test_add ("/plot-boundary/title-names-the-mode", Xor, NULL, xor_set_up, test_title_names_the_mode, xor_tear_down);

  return g_test_run ();
}
