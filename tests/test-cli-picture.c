/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-cli-picture.c — `nnblocks-cli export --format png|svg|pdf` (issue
 * 20): the data plot with the project's current weights, drawn by the
 * app's own functions (nnb-data-plot.h) — the same pixels as the app's
 * picture export; xor's decision boundary in its classes' colours,
 * changed by training; vector SVG and PDF; a regression's fitted curve;
 * one sentence for every mistake; files written whole. Issue 22: --what
 * diagram (nnb-diagram-picture.h, red where the data does not fit, laid
 * out where the project has no positions) and --what loss (the run the
 * app's trainer makes, drawn by its loss plot). */
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "nnb-backend.h"
#include "nnb-data-plot.h"
#include "nnb-diagram-picture.h"
#include "nnb-diagram-private.h" /* nnb_dg_error_rgba: a broken block's red */
#include "nnb-picture-export.h"
#include "nnb-plot-boundary.h"
#include "nnb-plot-loss.h"
#include "nnb-project.h"
#include "nnb-test-util.h"
#include "nnb-trainer.h"

/* the pictures' default size in points; a PNG has two pixels a point */
#define W NNB_PICTURE_EXPORT_WIDTH
#define H NNB_PICTURE_EXPORT_HEIGHT

static char *tmp_dir;

static char *
tmp_path (const char *name)
{
  return g_build_filename (tmp_dir, name, NULL);
}

/* Runs nnblocks-cli with args (NULL-terminated); "@name" names a file
 * under data/examples. Returns the exit status; stderr in *err (may be
 * NULL). */
static int
cli_args (char **err, const char *const *args)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *out = NULL;

  g_ptr_array_add (argv, g_strdup (g_getenv ("NNB_CLI")));
  for (const char *const *arg = args; *arg != NULL; arg++)
    {
      if ((*arg)[0] == '@')
        {
          g_autofree char *rel = g_strdup_printf ("data/examples/%s", *arg + 1);
          g_ptr_array_add (argv, nnb_test_source_path (rel));
        }
      else
        g_ptr_array_add (argv, g_strdup (*arg));
    }
  g_ptr_array_add (argv, NULL);
  return nnb_test_run ((const char *const *) argv->pdata, &out, err);
}

static int
cli (char **err, const char *first, ...)
{
  g_autoptr (GPtrArray) args = g_ptr_array_new ();
  va_list ap;

  va_start (ap, first);
  for (const char *arg = first; arg; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  return cli_args (err, (const char *const *) args->pdata);
}

/* xor.nnb after its 300 epochs, saved by `nnblocks-cli train -o` as
 * tmp/xor.nnb (once per run). */
static const char *
trained_xor (void)
{
  static char *path;

  if (path == NULL)
    {
      path = tmp_path ("xor.nnb");
      g_assert_cmpint (cli (NULL, "train", "@xor.nnb", "-o", path, NULL), ==, 0);
    }
  return path;
}

static const char *
trained_regression (void)
{
  static char *path;

  if (path == NULL)
    {
      path = tmp_path ("regression.nnb");
      g_assert_cmpint (cli (NULL, "train", "@regression.nnb", "-o", path, NULL), ==, 0);
    }
  return path;
}

/* The project at path as the app opens it, its data plot with the current
 * weights (nnb-data-plot.h): what both the app and the CLI draw from. */
typedef struct
{
  NnbProject *project;
  NnbDataset *data;
  NnbDataPlot *plot;
} Opened;

static void
opened_clear (Opened *o)
{
  g_clear_pointer (&o->plot, nnb_data_plot_free);
  g_clear_pointer (&o->data, nnb_dataset_free);
  g_clear_pointer (&o->project, nnb_project_free);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Opened, opened_clear)

static void
open_project (Opened *o, const char *path, const char *name)
{
  g_autoptr (GError) error = NULL;
  NnbGenerator shuffle;

  o->project = nnb_project_load (path, &error);
  g_assert_no_error (error);
  o->data = nnb_project_build_for_training (o->project, TRUE, &shuffle, &error);
  g_assert_no_error (error);
  o->plot = nnb_data_plot_new (o->project, o->data, &shuffle, name, &error);
  g_assert_no_error (error);
}

static cairo_surface_t *
load_png (const char *path)
{
  cairo_surface_t *image = cairo_image_surface_create_from_png (path);

  g_assert_cmpint (cairo_surface_status (image), ==, CAIRO_STATUS_SUCCESS);
  return image;
}

/* Pixel (x, y) as RGB, each 0…1 (opaque pictures). */
static void
rgb_at (cairo_surface_t *image, int x, int y, double rgb[3])
{
  guint32 p = *(const guint32 *) (cairo_image_surface_get_data (image) + y * cairo_image_surface_get_stride (image) +
                                  4 * x);

  for (int k = 0; k < 3; k++)
    rgb[k] = ((p >> (16 - 8 * k)) & 0xff) / 255.0;
}

static int
pixels_differing (cairo_surface_t *a, cairo_surface_t *b)
{
  int w = cairo_image_surface_get_width (a), h = cairo_image_surface_get_height (a), n = 0;

  g_assert_cmpint (cairo_image_surface_get_width (b), ==, w);
  g_assert_cmpint (cairo_image_surface_get_height (b), ==, h);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        double pa[3], pb[3];

        rgb_at (a, x, y, pa);
        rgb_at (b, x, y, pb);
        n += pa[0] != pb[0] || pa[1] != pb[1] || pa[2] != pb[2];
      }
  return n;
}

/* Whether rgb is a tint of colour over white (the heat map's cells: the
 * class colour, pale where the model is unsure): clearly coloured, and
 * its way from white points the colour's way. */
static gboolean
is_tint_of (const double rgb[3], const double colour[4])
{
  double dot = 0, d2 = 0, e2 = 0;

  for (int k = 0; k < 3; k++)
    {
      double d = 1 - rgb[k], e = 1 - colour[k];

      dot += d * e;
      d2 += d * d;
      e2 += e * e;
    }
  return sqrt (d2) > 0.1 && dot / sqrt (d2 * e2) > 0.99;
}

/* The class whose colour tints most of the PNG's pixels around the input
 * (x1, x2), found through the plot's own layout; -1 when none has 60 %. */
static int
class_around (cairo_surface_t *png, NnbDataPlot *plot, double x1, double x2)
{
  cairo_surface_t *scratch = cairo_image_surface_create (CAIRO_FORMAT_RGB24, W, H);
  cairo_t *cr = cairo_create (scratch);
  NnbBoundarySeries series;
  NnbDataLayout layout;
  NnbPlotStyle style;
  int counts[2] = { 0 }, n = 0, px, py;
  double colours[2][4];

  nnb_plot_style_init_default (&style);
  nnb_data_plot_get_boundary_series (nnb_data_plot_get_source (plot), &series);
  nnb_plot_boundary_draw_frame (cr, W, H, &series, &style, &layout);
  cairo_destroy (cr);
  cairo_surface_destroy (scratch);
  for (int c = 0; c < 2; c++)
    nnb_plot_series_color (&style, c, colours[c]);
  px = (int) (2 * nnb_plot_scale_map (&layout.x_scale, x1, layout.area.x, layout.area.x + layout.area.width));
  py = (int) (2 * nnb_plot_scale_map (&layout.y_scale, x2, layout.area.y + layout.area.height, layout.area.y));
  for (int y = py - 20; y < py + 20; y++)
    for (int x = px - 20; x < px + 20; x++, n++)
      {
        double rgb[3];

        rgb_at (png, x, y, rgb);
        for (int c = 0; c < 2; c++)
          counts[c] += is_tint_of (rgb, colours[c]);
      }
  for (int c = 0; c < 2; c++)
    if (counts[c] > 0.6 * n)
      return c;
  return -1;
}

/* The CLI's PNG and the app's picture export (nnb_picture_export with the
 * data plot's draw function, as Export Picture calls it) of one project:
 * the same pixels, xor's boundary and a regression's curve alike. */
static void
test_png_equals_the_apps_export (void)
{
  const char *projects[] = { trained_xor (), trained_regression () };
  const char *names[] = { "xor", "regression" };

  for (guint i = 0; i < G_N_ELEMENTS (projects); i++)
    {
      g_autofree char *cli_png = tmp_path ("cli.png");
      g_autofree char *app_png = tmp_path ("app.png");
      g_autoptr (GError) error = NULL;
      g_auto (Opened) o = { 0 };
      cairo_surface_t *ours, *apps;

      g_assert_cmpint (cli (NULL, "export", projects[i], "--format", "png", "-o", cli_png, NULL), ==, 0);
      open_project (&o, projects[i], names[i]);
      g_assert_true (nnb_picture_export (app_png, W, H, nnb_data_plot_draw_picture, o.plot, &error));
      g_assert_no_error (error);

      ours = load_png (cli_png);
      apps = load_png (app_png);
      g_assert_cmpint (cairo_image_surface_get_width (ours), ==, 2 * W);
      g_assert_cmpint (cairo_image_surface_get_height (ours), ==, 2 * H);
      g_assert_cmpint (pixels_differing (ours, apps), ==, 0);
      cairo_surface_destroy (ours);
      cairo_surface_destroy (apps);
      g_remove (cli_png);
      g_remove (app_png);
    }
}

/* xor.nnb as it comes, then trained: the heat map in the classes' colours
 * (class 0 the accent, class 1 the second series colour), xor's pattern
 * — class 1 where x₁ and x₂ differ in sign — only after training, which
 * changes much of the picture; --discretize gives hard regions, another
 * picture of the same classes. */
static void
test_xor_boundary_in_class_colours_changes_after_training (void)
{
  g_autofree char *before_png = tmp_path ("before.png");
  g_autofree char *after_png = tmp_path ("after.png");
  g_autofree char *hard_png = tmp_path ("hard.png");
  g_auto (Opened) untrained = { 0 };
  g_auto (Opened) trained = { 0 };
  g_autofree char *example = nnb_test_source_path ("data/examples/xor.nnb");
  const double corners[4][2] = { { -0.6, 0.6 }, { 0.6, 0.6 }, { -0.6, -0.6 }, { 0.6, -0.6 } };
  const int xor_class[4] = { 1, 0, 0, 1 };
  cairo_surface_t *before, *after, *hard;
  int matches_before = 0, differing;

  g_assert_cmpint (cli (NULL, "export", "@xor.nnb", "--format", "png", "-o", before_png, NULL), ==, 0);
  g_assert_cmpint (cli (NULL, "export", trained_xor (), "--format", "png", "-o", after_png, NULL), ==, 0);
  g_assert_cmpint (cli (NULL, "export", trained_xor (), "--format", "png", "--discretize", "-o", hard_png, NULL), ==,
                   0);
  open_project (&untrained, example, "xor");
  open_project (&trained, trained_xor (), "xor");
  before = load_png (before_png);
  after = load_png (after_png);
  hard = load_png (hard_png);

  for (int q = 0; q < 4; q++)
    {
      int c_before = class_around (before, untrained.plot, corners[q][0], corners[q][1]);
      int c_after = class_around (after, trained.plot, corners[q][0], corners[q][1]);
      int c_hard = class_around (hard, trained.plot, corners[q][0], corners[q][1]);

      g_test_message ("(%g, %g): class %d before training, %d after, %d discretized", corners[q][0], corners[q][1],
                      c_before, c_after, c_hard);
      g_assert_cmpint (c_after, ==, xor_class[q]);
      g_assert_cmpint (c_hard, ==, xor_class[q]);
      matches_before += c_before == xor_class[q];
    }
  /* the untrained model splits the plane with one soft line, not in four */
  g_assert_cmpint (matches_before, <, 4);
  differing = pixels_differing (before, after);
  g_test_message ("%d of %d pixels changed by training", differing, 4 * W * H);
  g_assert_cmpint (differing, >, W * H); /* a quarter of the picture */
  g_assert_cmpint (pixels_differing (after, hard), >, W * H / 4);

  cairo_surface_destroy (before);
  cairo_surface_destroy (after);
  cairo_surface_destroy (hard);
  g_remove (before_png);
  g_remove (after_png);
  g_remove (hard_png);
}

/* --format, not the file's name, says what is written: SVG and PDF are
 * vectors at the size asked for, in points; a PNG has twice the pixels. */
static void
test_svg_and_pdf_are_vectors_at_their_size (void)
{
  g_autofree char *svg = tmp_path ("xor-picture.png"); /* a misleading name on purpose */
  g_autofree char *pdf = tmp_path ("xor-picture");
  g_autofree char *png = tmp_path ("xor-picture.pdf");
  g_autofree char *text = NULL;
  cairo_surface_t *image;
  gsize length;

  g_assert_cmpint (cli (NULL, "export", trained_xor (), "--format", "svg", "--width", "600", "--height", "400", "-o",
                        svg, NULL),
                   ==, 0);
  g_assert_true (g_file_get_contents (svg, &text, &length, NULL));
  g_assert_true (g_str_has_prefix (text, "<?xml"));
  g_assert_nonnull (strstr (text, "<svg"));
  g_assert_nonnull (strstr (text, "width=\"600pt\" height=\"400pt\""));
  g_assert_true (g_str_has_suffix (text, "</svg>\n"));
  g_clear_pointer (&text, g_free);

  g_assert_cmpint (cli (NULL, "export", trained_xor (), "--format", "pdf", "-o", pdf, NULL), ==, 0);
  g_assert_true (g_file_get_contents (pdf, &text, &length, NULL));
  g_assert_true (g_str_has_prefix (text, "%PDF-"));
  /* binary streams hold NUL bytes: memmem, not strstr */
  g_assert_nonnull (memmem (text, length, "/MediaBox [ 0 0 1200 800 ]", 26));
  g_assert_nonnull (memmem (text + length - 8, 8, "%%EOF", 5));
  g_clear_pointer (&text, g_free);

  g_assert_cmpint (cli (NULL, "export", trained_xor (), "--format", "png", "--width", "300", "--height", "200", "-o",
                        png, NULL),
                   ==, 0);
  image = load_png (png);
  g_assert_cmpint (cairo_image_surface_get_width (image), ==, 600);
  g_assert_cmpint (cairo_image_surface_get_height (image), ==, 400);
  cairo_surface_destroy (image);
  g_remove (svg);
  g_remove (pdf);
  g_remove (png);
}

/* A regression's picture: its points and the fitted line where the trained
 * model puts it, along the whole grid (regression.nnb: y ≈ 3.077x + 1.432). */
static void
test_regression_draws_the_fitted_curve (void)
{
  g_autofree char *png = tmp_path ("regression.png");
  g_auto (Opened) o = { 0 };
  const NnbDataPlotSource *source;
  NnbDataSeries series;
  NnbDataLayout layout;
  NnbPlotStyle style;
  cairo_surface_t *scratch, *image;
  cairo_t *cr;
  int on_curve = 0, checked = 0;

  g_assert_cmpint (cli (NULL, "export", trained_regression (), "--format", "png", "-o", png, NULL), ==, 0);
  open_project (&o, trained_regression (), "regression");
  source = nnb_data_plot_get_source (o.plot);
  g_assert_cmpint (source->n_data, >, 0);
  g_assert_cmpint (source->snapshot->n_grid, ==, NNB_DATA_PLOT_GRID_POINTS);

  /* where the plot puts things, from its own layout */
  nnb_plot_style_init_default (&style);
  nnb_data_plot_get_series (source, &series);
  g_assert_null (series.message);
  scratch = cairo_image_surface_create (CAIRO_FORMAT_RGB24, W, H);
  cr = cairo_create (scratch);
  nnb_plot_data_draw_under (cr, W, H, &series, &style, &layout);
  cairo_destroy (cr);
  cairo_surface_destroy (scratch);

  image = load_png (png);
  for (int i = 8; i < series.n_curve - 8; i += 16)
    {
      double x = 2 * nnb_plot_scale_map (&layout.x_scale, series.curve_x[i], layout.area.x,
                                         layout.area.x + layout.area.width);
      double y = 2 * nnb_plot_scale_map (&layout.y_scale, series.curve_y[i], layout.area.y + layout.area.height,
                                         layout.area.y);
      double rgb[3];

      if (y < 2 * layout.area.y || y > 2 * (layout.area.y + layout.area.height))
        continue;
      rgb_at (image, (int) x, (int) y, rgb);
      checked++;
      on_curve += fabs (rgb[0] - style.accent[0]) < 0.1 && fabs (rgb[1] - style.accent[1]) < 0.1 &&
                  fabs (rgb[2] - style.accent[2]) < 0.1;
    }
  g_test_message ("%d of %d points of the grid on the accent-coloured curve", on_curve, checked);
  g_assert_cmpint (checked, >=, 10);
  g_assert_cmpint (on_curve, ==, checked);
  cairo_surface_destroy (image);
  g_remove (png);
}

/* Every mistake gets one line on stderr, a sentence, and no file: a wrong
 * command line (a format, a picture or a size it cannot take, picture
 * options with a format that is no picture) exit status 2, as an unknown
 * --format always had; what the project or the disk cannot give, 1. */
static void
test_mistakes_have_sentences (void)
{
  g_autofree char *out = tmp_path ("refused.png");
  g_autofree char *missing = tmp_path ("no-such-folder/picture.png");
  struct
  {
    const char *args[12];
    int status;
    const char *err;
  } cases[] = {
    { { "export", "@xor.nnb", "--format", "jpeg", "-o", out }, 2, "nnblocks-cli: unknown format 'jpeg': use safetensors, pytorch, script, notebook, onnx, png, svg or pdf\n" },
    { { "export", "@xor.nnb", "--format", "png", "--what", "weights", "-o", out }, 2, "nnblocks-cli: cannot draw --what 'weights': the picture export draws 'data' (the data with "
                                                                                      "the model's fit), 'diagram' (the blocks) or 'loss' (the loss of a training run)\n" },
    { { "export", "@xor.nnb", "--format", "png", "--what", "loss", "--discretize", "-o", out }, 2, "nnblocks-cli: --discretize is for --what data, the decision boundary: leave it out\n" },
    { { "export", "@xor.nnb", "--format", "svg", "--what", "diagram", "--width", "200", "-o", out }, 2, "nnblocks-cli: --width must be from 300 to 4000 points (a PNG has two pixels a point), not 200\n" },
    { { "export", "@xor.nnb", "--format", "png", "--width", "299", "-o", out }, 2, "nnblocks-cli: --width must be from 300 to 4000 points (a PNG has two pixels a point), not 299\n" },
    { { "export", "@xor.nnb", "--format", "svg", "--height", "4001", "-o", out }, 2, "nnblocks-cli: --height must be from 200 to 4000 points (a PNG has two pixels a point), not 4001\n" },
    { { "export", "@xor.nnb", "--format", "pdf", "--height=-800", "-o", out }, 2, "nnblocks-cli: --height must be from 200 to 4000 points (a PNG has two pixels a point), not -800\n" },
    { { "export", "@xor.nnb", "--format", "onnx", "--width", "600", "-o", out }, 2, "nnblocks-cli: --what, --width, --height and --discretize are for pictures: use them with --format png, svg "
                                                                                    "or pdf\n" },
    /* hard class regions for data that has none */
    { { "export", "@sinenet.nnb", "--format", "png", "--discretize", "-o", out }, 1, "nnblocks-cli: --discretize draws hard class regions, and this project's data are not classes with two "
                                                                                     "inputs: leave it out\n" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *err = NULL;
      int status = cli_args (&err, cases[i].args);

      g_assert_cmpstr (err, ==, cases[i].err);
      g_assert_cmpint (status, ==, cases[i].status);
      g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
    }

  /* a model that cannot run on its data: PyTorch's message, as train gives it */
  {
    g_autofree char *example = nnb_test_source_path ("data/examples/xor.nnb");
    g_autofree char *wrong = tmp_path ("wrong.nnb");
    g_autofree char *text = NULL;
    g_autofree char *err = NULL;
    g_autofree char *train_err = NULL;
    GString *edited;
    int status;

    g_assert_true (g_file_get_contents (example, &text, NULL, NULL));
    edited = g_string_new (text);
    g_assert_cmpuint (g_string_replace (edited, "\"in_features\": 2,", "\"in_features\": 3,", 1), ==, 1);
    g_assert_true (g_file_set_contents (wrong, edited->str, -1, NULL));
    g_string_free (edited, TRUE);
    status = cli (&err, "export", wrong, "--format", "png", "-o", out, NULL);
    g_assert_cmpint (cli (&train_err, "train", wrong, NULL), ==, 1);
    g_assert_cmpstr (err, ==, "nnblocks-cli: mat1 and mat2 shapes cannot be multiplied (150x2 and 3x8)\n");
    g_assert_cmpstr (err, ==, train_err);
    g_assert_cmpint (status, ==, 1);
    g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
    g_remove (wrong);
  }
  /* a folder that is not there: the file system's sentence, no file */
  {
    g_autofree char *err = NULL;
    int status = cli (&err, "export", "@xor.nnb", "--format", "png", "-o", missing, NULL);

    g_assert_cmpint (status, ==, 1);
    g_assert_true (g_str_has_prefix (err, "nnblocks-cli: "));
    g_assert_nonnull (strstr (err, missing));
    g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
  }
}

/* The picture replaces an older file at once and whole (written beside
 * and renamed, nnb-file-write.h): no half picture, no leftovers; a disk
 * that fills up fails with a sentence and exit status 1. */
static void
test_written_whole (void)
{
  g_autofree char *dir = tmp_path ("whole");
  g_autofree char *out = g_build_filename (dir, "xor.pdf", NULL);
  g_autofree char *text = NULL;
  g_autofree char *err = NULL;
  g_autoptr (GDir) listing = NULL;
  gsize length;

  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (out, "an older picture", -1, NULL));
  g_assert_cmpint (cli (NULL, "export", trained_xor (), "--format", "pdf", "-o", out, NULL), ==, 0);
  g_assert_true (g_file_get_contents (out, &text, &length, NULL));
  g_assert_true (g_str_has_prefix (text, "%PDF-"));
  g_assert_nonnull (memmem (text + length - 8, 8, "%%EOF", 5));
  listing = g_dir_open (dir, 0, NULL);
  g_assert_cmpstr (g_dir_read_name (listing), ==, "xor.pdf");
  g_assert_null (g_dir_read_name (listing));
  g_remove (out);
  g_rmdir (dir);

  if (g_file_test ("/dev/full", G_FILE_TEST_EXISTS))
    {
      int status = cli (&err, "export", trained_xor (), "--format", "png", "-o", "/dev/full", NULL);

      g_assert_cmpint (status, ==, 1);
      g_assert_true (g_str_has_prefix (err, "nnblocks-cli: "));
      g_assert_nonnull (strstr (err, "/dev/full"));
    }
}

/* Pixels of image within 0.1 of rgba's colour in each channel. */
static int
pixels_of_colour (cairo_surface_t *image, const double rgba[4])
{
  int n = 0;

  for (int y = 0; y < cairo_image_surface_get_height (image); y++)
    for (int x = 0; x < cairo_image_surface_get_width (image); x++)
      {
        double rgb[3];

        rgb_at (image, x, y, rgb);
        n += fabs (rgb[0] - rgba[0]) < 0.1 && fabs (rgb[1] - rgba[1]) < 0.1 && fabs (rgb[2] - rgba[2]) < 0.1;
      }
  return n;
}

/* Pixels that are not the white paper. */
static int
ink_pixels (cairo_surface_t *image)
{
  const double white[4] = { 1, 1, 1, 1 };

  return cairo_image_surface_get_width (image) * cairo_image_surface_get_height (image) -
         pixels_of_colour (image, white);
}

/* data/examples/example edited: what the regular expression pattern
 * matches replaced by by, in a copy at tmp/name. */
static char *
edited_example (const char *example_name, const char *name, const char *pattern, const char *by)
{
  g_autofree char *rel = g_strdup_printf ("data/examples/%s", example_name);
  g_autofree char *example = nnb_test_source_path (rel);
  g_autofree char *contents = NULL;
  g_autofree char *edited = NULL;
  g_autoptr (GRegex) regex = g_regex_new (pattern, 0, 0, NULL);
  char *path = tmp_path (name);

  g_assert_nonnull (regex);
  g_assert_true (g_file_get_contents (example, &contents, NULL, NULL));
  g_assert_true (g_regex_match (regex, contents, 0, NULL));
  edited = g_regex_replace_literal (regex, contents, -1, 0, by, 0, NULL);
  g_assert_true (g_file_set_contents (path, edited, -1, NULL));
  return path;
}

/* --what diagram: the app's Export Diagram picture (nnb_diagram_picture_draw,
 * which NnbDiagramView's draw_to draws with too), pixel for pixel, at the
 * size asked for; blocks and wires in ink, no red while the data fits its
 * first Linear, red when it does not; a project without positions laid
 * out and drawn all the same; SVG and PDF alike. */
static void
test_diagram_is_the_apps (void)
{
  g_autofree char *cli_png = tmp_path ("diagram-cli.png");
  g_autofree char *app_png = tmp_path ("diagram-app.png");
  g_autofree char *red_png = tmp_path ("diagram-red.png");
  g_autofree char *svg = tmp_path ("diagram.svg");
  g_autofree char *pdf = tmp_path ("diagram.pdf");
  g_autofree char *wrong = edited_example ("xor.nnb", "diagram-wrong.nnb", "\"in_features\": 2,", "\"in_features\": 3,");
  g_autofree char *unplaced = edited_example ("xor.nnb", "diagram-unplaced.nnb", ", \"pos\": \\[[0-9, ]*\\]", "");
  g_autofree char *example = nnb_test_source_path ("data/examples/xor.nnb");
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbProject) project = nnb_project_load (example, &error);
  g_autoptr (NnbDataset) data = NULL;
  g_autoptr (NnbDiagramPicture) diagram = NULL;
  cairo_surface_t *ours, *apps, *red;
  NnbGenerator shuffle;
  gsize length;
  int ink;

  g_assert_no_error (error);
  data = nnb_project_build_for_training (project, TRUE, &shuffle, &error);
  g_assert_no_error (error);
  diagram = nnb_diagram_picture_new (project, data);
  g_assert_true (nnb_picture_export (app_png, W, H, nnb_diagram_picture_draw, diagram, &error));
  g_assert_no_error (error);
  g_assert_cmpint (cli (NULL, "export", "@xor.nnb", "--format", "png", "--what", "diagram", "-o", cli_png, NULL), ==,
                   0);
  ours = load_png (cli_png);
  apps = load_png (app_png);
  g_assert_cmpint (cairo_image_surface_get_width (ours), ==, 2 * W);
  g_assert_cmpint (cairo_image_surface_get_height (ours), ==, 2 * H);
  g_assert_cmpint (pixels_differing (ours, apps), ==, 0);
  ink = ink_pixels (ours);
  g_test_message ("diagram: %d of %d pixels inked, %d red", ink, 4 * W * H,
                  pixels_of_colour (ours, nnb_dg_error_rgba));
  g_assert_cmpint (ink, >, 4 * W * H / 100);
  g_assert_cmpint (ink, <, 4 * W * H / 2);
  g_assert_cmpint (pixels_of_colour (ours, nnb_dg_error_rgba), ==, 0);

  /* a first Linear for three inputs on xor's two: red, as on screen */
  g_assert_cmpint (cli (NULL, "export", wrong, "--format", "png", "--what", "diagram", "-o", red_png, NULL), ==, 0);
  red = load_png (red_png);
  g_test_message ("diagram with the wrong in_features: %d red pixels", pixels_of_colour (red, nnb_dg_error_rgba));
  g_assert_cmpint (pixels_of_colour (red, nnb_dg_error_rgba), >, 1000);
  cairo_surface_destroy (red);

  /* no positions: the automatic layout, the same blocks in ink */
  g_assert_cmpint (cli (NULL, "export", unplaced, "--format", "png", "--what", "diagram", "-o", red_png, NULL), ==, 0);
  red = load_png (red_png);
  g_test_message ("diagram laid out: %d pixels inked", ink_pixels (red));
  g_assert_cmpint (ink_pixels (red), >, 4 * W * H / 100);
  g_assert_cmpint (pixels_of_colour (red, nnb_dg_error_rgba), ==, 0);
  cairo_surface_destroy (red);

  g_assert_cmpint (cli (NULL, "export", "@xor.nnb", "--format", "svg", "--what", "diagram", "--width", "600",
                        "--height", "400", "-o", svg, NULL),
                   ==, 0);
  g_assert_true (g_file_get_contents (svg, &text, &length, NULL));
  g_assert_nonnull (strstr (text, "width=\"600pt\" height=\"400pt\""));
  g_assert_true (g_str_has_suffix (text, "</svg>\n"));
  g_clear_pointer (&text, g_free);
  g_assert_cmpint (cli (NULL, "export", "@xor.nnb", "--format", "pdf", "--what", "diagram", "-o", pdf, NULL), ==, 0);
  g_assert_true (g_file_get_contents (pdf, &text, &length, NULL));
  g_assert_true (g_str_has_prefix (text, "%PDF-"));
  g_assert_nonnull (memmem (text, length, "/MediaBox [ 0 0 1200 800 ]", 26));

  cairo_surface_destroy (ours);
  cairo_surface_destroy (apps);
  g_remove (cli_png);
  g_remove (app_png);
  g_remove (red_png);
  g_remove (svg);
  g_remove (pdf);
  g_remove (wrong);
  g_remove (unplaced);
}

static gboolean
trainer_done (const NnbSnapshot *snapshot, gconstpointer data)
{
  return snapshot->state == NNB_TRAINER_FINISHED || snapshot->state == NNB_TRAINER_CONVERGED;
}

/* The app's loss plot after a full run of its trainer, as the plots
 * panel draws it on opening (its log axis). */
static void
draw_snapshot_loss (cairo_t *cr, int width, int height, const NnbPlotStyle *style, gpointer user_data)
{
  const NnbSnapshot *s = user_data;
  NnbLossSeries series = {
    .losses = (const double *) s->losses->data,
    .n = (int) s->losses->len,
    .log_scale = TRUE,
    .test_losses = (const double *) s->test_losses->data,
    .n_test = (int) s->test_losses->len,
    .accuracies = (const double *) s->accuracies->data,
    .n_accuracy = (int) s->accuracies->len,
    .test_accuracies = (const double *) s->test_accuracies->data,
    .n_test_accuracy = (int) s->test_accuracies->len,
  };

  nnb_plot_loss_draw (cr, width, height, &series, style);
}

/* --what loss: the CLI trains the project as the app's trainer does and
 * draws its loss plot: the same pixels as the plot of the trainer's own
 * history; the accent-coloured curve across the plot; SVG and PDF too;
 * the project file is left as it was. */
static void
test_loss_is_the_apps_run (void)
{
  g_autofree char *cli_png = tmp_path ("loss-cli.png");
  g_autofree char *app_png = tmp_path ("loss-app.png");
  g_autofree char *svg = tmp_path ("loss.svg");
  g_autofree char *pdf = tmp_path ("loss.pdf");
  g_autofree char *example = nnb_test_source_path ("data/examples/xor.nnb");
  g_autofree char *text = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbProject) project = nnb_project_load (example, &error);
  g_autoptr (NnbDataset) data = NULL;
  g_autoptr (NnbTrainer) trainer = NULL;
  g_autoptr (NnbSnapshot) done = NULL;
  cairo_surface_t *ours, *apps;
  NnbPlotStyle style;
  NnbGenerator shuffle;
  gsize length;
  int curve;

  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (example, &before, NULL, NULL));
  nnb_backend_cpu_set_threads (1);
  data = nnb_project_build_for_training (project, TRUE, &shuffle, &error);
  g_assert_no_error (error);
  trainer = nnb_trainer_new (project->model, data, &project->training, &shuffle, 0, 0, 0, &error);
  g_assert_no_error (error);
  nnb_trainer_start (trainer);
  done = nnb_test_wait_for_snapshot (trainer, trainer_done, NULL, 60 * G_USEC_PER_SEC, NULL);
  g_assert_nonnull (done);
  g_assert_cmpint (done->losses->len, ==, project->training.epochs);
  g_assert_cmpint (done->accuracies->len, ==, project->training.epochs);
  g_assert_true (nnb_picture_export (app_png, W, H, draw_snapshot_loss, done, &error));
  g_assert_no_error (error);

  g_assert_cmpint (cli (NULL, "export", "@xor.nnb", "--format", "png", "--what", "loss", "-o", cli_png, NULL), ==, 0);
  ours = load_png (cli_png);
  apps = load_png (app_png);
  g_assert_cmpint (cairo_image_surface_get_width (ours), ==, 2 * W);
  g_assert_cmpint (cairo_image_surface_get_height (ours), ==, 2 * H);
  g_assert_cmpint (pixels_differing (ours, apps), ==, 0);
  /* the training loss in the accent colour, a long line across the plot */
  nnb_plot_style_init_default (&style);
  curve = pixels_of_colour (ours, style.accent);
  g_test_message ("loss: %d accent pixels, %d inked of %d", curve, ink_pixels (ours), 4 * W * H);
  g_assert_cmpint (curve, >, 2 * W);
  g_assert_cmpint (ink_pixels (ours), >, 4 * W * H / 100);
  g_assert_true (g_file_get_contents (example, &after, NULL, NULL));
  g_assert_cmpstr (after, ==, before);

  g_assert_cmpint (cli (NULL, "export", "@xor.nnb", "--format", "svg", "--what", "loss", "-o", svg, NULL), ==, 0);
  g_assert_true (g_file_get_contents (svg, &text, &length, NULL));
  g_assert_nonnull (strstr (text, "width=\"1200pt\" height=\"800pt\""));
  g_clear_pointer (&text, g_free);
  g_assert_cmpint (cli (NULL, "export", "@regression.nnb", "--format", "pdf", "--what", "loss", "--width", "600",
                        "-o", pdf, NULL),
                   ==, 0);
  g_assert_true (g_file_get_contents (pdf, &text, &length, NULL));
  g_assert_nonnull (memmem (text, length, "/MediaBox [ 0 0 600 800 ]", 25));

  cairo_surface_destroy (ours);
  cairo_surface_destroy (apps);
  g_remove (cli_png);
  g_remove (app_png);
  g_remove (svg);
  g_remove (pdf);
}

/* A run that diverges is drawn (its curve shows where) and exits 3 with
 * train's sentence, as train does. */
static void
test_loss_of_a_diverging_run (void)
{
  g_autofree char *png = tmp_path ("loss-diverged.png");
  g_autofree char *wild = edited_example ("regression.nnb", "loss-wild.nnb", "\"lr\": 0\\.01,", "\"lr\": 10,");
  g_autofree char *err = NULL;
  g_autofree char *train_err = NULL;
  cairo_surface_t *image;

  g_assert_cmpint (cli (&err, "export", wild, "--format", "png", "--what", "loss", "-o", png, NULL), ==, 3);
  g_assert_cmpint (cli (&train_err, "train", wild, NULL), ==, 3);
  g_assert_cmpstr (err, ==, train_err);
  image = load_png (png);
  g_assert_cmpint (cairo_image_surface_get_width (image), ==, 2 * W);
  cairo_surface_destroy (image);
  g_remove (png);
  g_remove (wild);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = g_dir_make_tmp ("nnb-cli-picture-XXXXXX", NULL);
  g_assert_nonnull (tmp_dir);

  g_test_add_func ("/cli-picture/png-equals-the-apps-export", test_png_equals_the_apps_export);
  g_test_add_func ("/cli-picture/xor-boundary-in-class-colours-changes-after-training",
                   test_xor_boundary_in_class_colours_changes_after_training);
  g_test_add_func ("/cli-picture/svg-and-pdf-are-vectors-at-their-size", test_svg_and_pdf_are_vectors_at_their_size);
  g_test_add_func ("/cli-picture/regression-draws-the-fitted-curve", test_regression_draws_the_fitted_curve);
  g_test_add_func ("/cli-picture/mistakes-have-sentences", test_mistakes_have_sentences);
  g_test_add_func ("/cli-picture/written-whole", test_written_whole);
  g_test_add_func ("/cli-picture/diagram-is-the-apps", test_diagram_is_the_apps);
  g_test_add_func ("/cli-picture/loss-is-the-apps-run", test_loss_is_the_apps_run);
  g_test_add_func ("/cli-picture/loss-of-a-diverging-run", test_loss_of_a_diverging_run);

  status = g_test_run ();
  {
    g_autofree char * xor = tmp_path ("xor.nnb");
    g_autofree char *regression = tmp_path ("regression.nnb");

    g_remove (xor);
    g_remove (regression);
    g_rmdir (tmp_dir);
  }
  return status;
}
