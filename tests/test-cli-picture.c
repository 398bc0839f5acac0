/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-cli-picture.c — `nnblocks-cli export --format png|svg|pdf` (issue
 * 20): the data plot with the project's current weights, drawn by the
 * app's own functions (nnb-data-plot.h) — the same pixels as the app's
 * picture export; xor's decision boundary in its classes' colours,
 * changed by training; vector SVG and PDF; a regression's fitted curve;
 * one sentence for every mistake; files written whole. */
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "nnb-data-plot.h"
#include "nnb-picture-export.h"
#include "nnb-plot-boundary.h"
#include "nnb-project.h"
#include "nnb-test-util.h"

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
    const char *args[10];
    int status;
    const char *err;
  } cases[] = {
    { { "export", "@xor.nnb", "--format", "jpeg", "-o", out }, 2, "nnblocks-cli: unknown format 'jpeg': use safetensors, pytorch, onnx, png, svg or pdf\n" },
    { { "export", "@xor.nnb", "--format", "png", "--what", "weights", "-o", out }, 2, "nnblocks-cli: cannot draw --what 'weights': the picture export draws 'data', the data with the model's fitted "
                                                                                      "curve or decision boundary\n" },
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
