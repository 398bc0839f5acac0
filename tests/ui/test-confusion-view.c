/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-confusion-view.c — the confusion matrix beside the loss (issue
 * 20): four blobs opened in the app show an empty 4 × 4 matrix with a Test
 * Rows button; one step counts the first epoch's rows, training changes
 * the counts while it runs and ends with counts summing to the training
 * rows, a diagonal summing to the accuracy's right ones, and each count
 * written in its cell; Test Rows counts the test rows; in presentation
 * mode at 1280x720 and in a 1024x700 window the cells stay big enough to
 * read and nothing runs under the button. Regression data has no matrix.
 * Under Xvfb at 1280x720. */
#include "nnb-config.h"

#include <adwaita.h>
#include <math.h>
#include <string.h>

#include "nnb-application.h"
#include "nnb-confusion-view.h"
#include "nnb-document.h"
#include "nnb-plots-panel.h"
#include "nnb-project.h"
#include "nnb-trainer.h"
#include "nnb-ui-test-access.h"
#include "nnb-ui-test-util.h"
#include "nnb-window.h"

/* epochs before the test pauses training ("epochs": 0 trains until stopped) */
#define EPOCHS 200

static const char blobs_project[] =
  "{\"format\": \"nnblocks\", \"version\": 1, \"model\": {\"class\": \"Sequential\", \"modules\": ["
  "{\"name\": \"0\", \"type\": \"Linear\", \"in_features\": 2, \"out_features\": 16}, "
  "{\"name\": \"1\", \"type\": \"ReLU\"}, "
  "{\"name\": \"2\", \"type\": \"Linear\", \"in_features\": 16, \"out_features\": 4}]}, "
  "\"seed\": 3, \"model_seed\": 1, "
  "\"data\": {\"kind\": \"blobs\", \"n\": 400, \"classes\": 4, \"noise\": 0.3, \"test_fraction\": 0.25}, "
  "\"training\": {\"optimizer\": \"Adam\", \"lr\": 0.02, \"loss\": \"CrossEntropyLoss\", \"epochs\": 0}}";

static NnbConfusionView *
confusion_view (NnbWindow *window)
{
  return nnb_ui_test_template_child (nnb_ui_test_window_child (window, "plots_panel"), NNB_TYPE_PLOTS_PANEL,
                                     "confusion_view");
}

/* The view shows the trainer's latest snapshot in the given state, epoch
 * epochs in. */
static gboolean
shows (NnbWindow *window, NnbTrainerState state, int epoch)
{
  g_autoptr (NnbSnapshot) snapshot = nnb_ui_test_latest_snapshot (window);
  NnbConfusionSeries series;

  nnb_confusion_view_get_series (confusion_view (window), &series);
  return snapshot != NULL && snapshot->state == state && snapshot->epoch == epoch && series.matrix != NULL &&
         series.matrix == (series.test ? snapshot->test_confusion : snapshot->confusion);
}

static gboolean
stepped_once (gpointer data)
{
  return shows (data, NNB_TRAINER_PAUSED, 1);
}

/* Training, past EPOCHS: the view keeps up with the snapshots. */
static gboolean
counting_while_running (gpointer data)
{
  g_autoptr (NnbSnapshot) snapshot = nnb_ui_test_latest_snapshot (data);

  return snapshot != NULL && snapshot->state == NNB_TRAINER_RUNNING && snapshot->epoch > EPOCHS &&
         shows (data, NNB_TRAINER_RUNNING, snapshot->epoch);
}

static gboolean
paused (gpointer data)
{
  g_autoptr (NnbSnapshot) snapshot = nnb_ui_test_latest_snapshot (data);

  return snapshot != NULL && shows (data, NNB_TRAINER_PAUSED, snapshot->epoch);
}

/* The view's picture on white, at its size on screen. */
static cairo_surface_t *
picture (NnbConfusionView *view, NnbConfusionLayout *layout)
{
  int w = gtk_widget_get_width (GTK_WIDGET (view)), h = gtk_widget_get_height (GTK_WIDGET (view));
  cairo_surface_t *image = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
  cairo_t *cr = cairo_create (image);
  NnbConfusionSeries series;
  NnbPlotStyle style;

  nnb_plot_style_init_default (&style);
  nnb_confusion_view_draw (view, cr, w, h, &style);
  nnb_confusion_view_get_series (view, &series);
  nnb_plot_confusion_layout (cr, w, h, &series, &style, layout);
  cairo_destroy (cr);
  cairo_surface_flush (image);
  return image;
}

/* Pixels of cell (t, p) that are neither the cell's shade nor anything
 * near it: the count written in it. */
static int
ink_in_cell (cairo_surface_t *image, const NnbConfusionLayout *l, int t, int p)
{
  const guint8 *data = cairo_image_surface_get_data (image);
  int stride = cairo_image_surface_get_stride (image), n = 0;
  int x0 = (int) (l->grid.x + p * l->cell + 3), y0 = (int) (l->grid.y + t * l->cell + 3);
  int side = (int) l->cell - 6;
  guint32 shade = *(const guint32 *) (data + y0 * stride + 4 * x0) & 0xffffff;

  for (int y = y0; y < y0 + side; y++)
    for (int x = x0; x < x0 + side; x++)
      {
        guint32 px = *(const guint32 *) (data + y * stride + 4 * x) & 0xffffff;
        int d = 0;

        for (int k = 0; k < 3; k++)
          d += abs ((int) ((px >> (8 * k)) & 0xff) - (int) ((shade >> (8 * k)) & 0xff));
        n += d > 120;
      }
  return n;
}

static void
assert_counts_written (NnbConfusionView *view)
{
  NnbConfusionLayout layout;
  cairo_surface_t *image = picture (view, &layout);

  g_test_message ("cells of %.0f px, counts in %.1f px type", layout.cell, layout.count_font_size);
  g_assert_cmpint (layout.k, ==, 4);
  g_assert_cmpfloat (layout.count_font_size, >=, 8);
  for (int t = 0; t < 4; t++)
    for (int p = 0; p < 4; p++)
      g_assert_cmpint (ink_in_cell (image, &layout, t, p), >, 4);
  cairo_surface_destroy (image);
}

static int64_t
diagonal_of (const NnbConfusion *m)
{
  return nnb_confusion_correct (m);
}

/* Readable where a class sees it: the cells big enough to hold their
 * counts, the button's corner free. */
static void
assert_readable (NnbWindow *window, const char *where)
{
  NnbConfusionView *view = confusion_view (window);
  GtkWidget *norms = nnb_ui_test_template_child (nnb_ui_test_window_child (window, "plots_panel"),
                                                 NNB_TYPE_PLOTS_PANEL, "norms_plot");
  NnbConfusionLayout layout;
  cairo_surface_t *image = picture (view, &layout);

  g_test_message ("%s: window %d×%d, the matrix %d×%d, cells of %.0f px, the norms plot %s", where,
                  gtk_widget_get_width (GTK_WIDGET (window)), gtk_widget_get_height (GTK_WIDGET (window)),
                  gtk_widget_get_width (GTK_WIDGET (view)), gtk_widget_get_height (GTK_WIDGET (view)), layout.cell,
                  gtk_widget_get_mapped (norms) ? "shown" : "hidden");
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (view)));
  g_assert_cmpfloat (layout.cell, >=, 24);
  g_assert_cmpfloat (layout.count_font_size, >=, 8);
  g_assert_cmpuint (nnb_confusion_view_get_ink_under_button (view), ==, 0);
  cairo_surface_destroy (image);
}

static void
check_confusion (NnbApplication *app, NnbWindow *window, gpointer data)
{
  NnbConfusionView *view = confusion_view (window);
  GtkToggleButton *test_button = nnb_ui_test_template_child (view, NNB_TYPE_CONFUSION_VIEW, "test_button");
  NnbDataset *dataset;
  NnbConfusionSeries series;
  g_autoptr (NnbConfusion) first = NULL;
  g_autoptr (NnbSnapshot) snapshot = NULL;
  int64_t n, n_test;
  double accuracy;

  g_assert_true (nnb_ui_test_wait_until (nnb_ui_test_has_document, window));
  nnb_ui_test_settle (300);
  dataset = nnb_document_get_dataset (nnb_window_get_document (window));
  n = dataset->x->shape[0];
  n_test = dataset->x_test->shape[0];

  /* before any training: the 4 classes' empty cells, and the button */
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (view)));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (test_button)));
  nnb_confusion_view_get_series (view, &series);
  g_assert_null (series.matrix);
  g_assert_cmpint (series.n_classes, ==, 4);

  /* one step: the first epoch's rows, each counted once */
  g_action_group_activate_action (G_ACTION_GROUP (window), "step", NULL);
  g_assert_true (nnb_ui_test_wait_until (stepped_once, window));
  nnb_confusion_view_get_series (view, &series);
  g_assert_cmpint (nnb_confusion_total (series.matrix), ==, n);
  first = nnb_confusion_copy (series.matrix);

  /* live: the counts of an epoch while the worker runs; then paused,
   * the last epoch's */
  g_action_group_activate_action (G_ACTION_GROUP (window), "train", NULL);
  g_assert_true (nnb_ui_test_wait_until (counting_while_running, window));
  g_action_group_activate_action (G_ACTION_GROUP (window), "pause", NULL);
  g_assert_true (nnb_ui_test_wait_until (paused, window));
  nnb_ui_test_settle (200);
  nnb_confusion_view_get_series (view, &series);
  snapshot = nnb_ui_test_latest_snapshot (window);
  accuracy = g_array_index (snapshot->accuracies, double, snapshot->accuracies->len - 1);
  g_test_message ("after %d epochs: %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT " on the diagonal (accuracy %.4f), "
                  "%" G_GINT64_FORMAT " after the first",
                  snapshot->epoch, diagonal_of (series.matrix), n, accuracy, diagonal_of (first));
  g_assert_cmpint (nnb_confusion_total (series.matrix), ==, n);
  g_assert_cmpfloat ((double) diagonal_of (series.matrix) / (double) n, ==, accuracy);
  g_assert_cmpint (diagonal_of (series.matrix), >, diagonal_of (first));
  assert_counts_written (view);

  /* the held-out rows, counted after the last epoch's steps */
  gtk_toggle_button_set_active (test_button, TRUE);
  nnb_ui_test_settle (100);
  nnb_confusion_view_get_series (view, &series);
  g_assert_true (series.test);
  g_assert_true (series.matrix == snapshot->test_confusion);
  g_assert_cmpint (nnb_confusion_total (series.matrix), ==, n_test);

  /* presentation mode on a projector's 1280x720 and in a small laptop's
   * 1024x700 window; and that window without it, the norms beside */
  gtk_window_maximize (GTK_WINDOW (window));
  g_action_group_change_action_state (G_ACTION_GROUP (window), "presentation", g_variant_new_boolean (TRUE));
  nnb_ui_test_settle (600);
  assert_readable (window, "presentation mode, 1280x720");
  nnb_ui_test_screenshot_if_asked ("NNB_CONFUSION_SCREENSHOT");
  gtk_window_unmaximize (GTK_WINDOW (window));
  gtk_window_set_default_size (GTK_WINDOW (window), 1024, 700);
  nnb_ui_test_settle (600);
  assert_readable (window, "presentation mode, 1024x700");
  nnb_ui_test_screenshot_if_asked ("NNB_CONFUSION_SCREENSHOT_SMALL");
  g_action_group_change_action_state (G_ACTION_GROUP (window), "presentation", g_variant_new_boolean (FALSE));
  nnb_ui_test_settle (600);
  assert_readable (window, "1024x700");
  nnb_ui_test_screenshot_if_asked ("NNB_CONFUSION_SCREENSHOT_PLAIN");
}

static void
test_confusion_in_the_window (void)
{
  g_autofree char *dir = g_dir_make_tmp ("nnb-ui-test-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "blobs.nnb", NULL);
  const char *argv[] = { "nnblocks", path, NULL };

  g_assert_true (g_file_set_contents (path, blobs_project, -1, NULL));
  nnb_ui_test_run_app (argv, check_confusion, NULL);
  nnb_ui_test_remove_copy (path);
}

static void
check_regression (NnbApplication *app, NnbWindow *window, gpointer data)
{
  g_assert_true (nnb_ui_test_wait_until (nnb_ui_test_has_document, window));
  nnb_ui_test_settle (300);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (confusion_view (window))));
}

static void
test_regression_has_no_matrix (void)
{
  g_autofree char *path = nnb_ui_test_example_path ("sine-linear.nnb");
  const char *argv[] = { "nnblocks", path, NULL };

  nnb_ui_test_run_app (argv, check_regression, NULL);
}

/* The picture alone (nnb-plot-confusion.h), on white: a cell's shade
 * follows its share of the row, not its count. */
static guint32
pixel_at (cairo_surface_t *image, double x, double y)
{
  return *(const guint32 *) (cairo_image_surface_get_data (image) + (int) y * cairo_image_surface_get_stride (image) +
                             4 * (int) x) &
         0xffffff;
}

static int
darkness (guint32 rgb)
{
  return 3 * 255 - (int) ((rgb >> 16) & 0xff) - (int) ((rgb >> 8) & 0xff) - (int) (rgb & 0xff);
}

static void
test_picture_shades_by_row_share (void)
{
  g_autoptr (NnbConfusion) m = nnb_confusion_new (2);
  cairo_surface_t *image = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 400, 300);
  cairo_t *cr = cairo_create (image);
  NnbConfusionSeries series = { .n_classes = 2, .matrix = m };
  NnbConfusionLayout l;
  NnbPlotStyle style;
  int shade[2][2];

  /* rows of 10 and of 100: 9 of 10 and 90 of 100 alike */
  m->counts[0] = 9, m->counts[1] = 1, m->counts[2] = 10, m->counts[3] = 90;
  nnb_plot_style_init_default (&style);
  nnb_plot_confusion_draw (cr, 400, 300, &series, &style);
  nnb_plot_confusion_layout (cr, 400, 300, &series, &style, &l);
  cairo_surface_flush (image);
  g_assert_cmpfloat (l.cell, >, 40);
  for (int t = 0; t < 2; t++)
    for (int p = 0; p < 2; p++)
      shade[t][p] = darkness (pixel_at (image, l.grid.x + p * l.cell + 4, l.grid.y + t * l.cell + 4));
  g_test_message ("shades: %d %d / %d %d", shade[0][0], shade[0][1], shade[1][0], shade[1][1]);
  g_assert_cmpint (shade[0][0], ==, shade[1][1]);
  g_assert_cmpint (shade[0][1], ==, shade[1][0]);
  g_assert_cmpint (shade[0][0], >, shade[0][1] + 100);
  cairo_destroy (cr);
  cairo_surface_destroy (image);
}

/* Ten classes fit a small plot, each count written; the read-out names
 * the cell under the pointer; a screen reader hears every row. */
static void
test_picture_ten_classes_and_words (void)
{
  g_autoptr (NnbConfusion) m = nnb_confusion_new (10);
  cairo_surface_t *plain = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 480, 400);
  cairo_surface_t *pointed = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 480, 400);
  cairo_t *cr = cairo_create (plain), *cr2 = cairo_create (pointed);
  NnbConfusionSeries series = { .n_classes = 10, .matrix = m };
  NnbConfusionLayout l;
  NnbPlotStyle style;
  g_autofree char *words = NULL;
  g_autoptr (NnbConfusion) two = nnb_confusion_new (2);
  NnbConfusionSeries small = { .n_classes = 2, .matrix = two, .test = TRUE };
  int differ = 0;

  for (int t = 0; t < 10; t++)
    m->counts[t * 10 + t] = 20 + t, m->counts[t * 10 + (t + 1) % 10] = 3;
  nnb_plot_style_init_default (&style);
  nnb_plot_confusion_layout (cr, 480, 400, &series, &style, &l);
  g_assert_cmpint (l.k, ==, 10);
  g_assert_cmpfloat (l.grid.x + l.grid.width, <=, 480);
  g_assert_cmpfloat (l.grid.y + l.grid.height, <=, 400);
  g_assert_cmpfloat (l.count_font_size, >, 0);
  nnb_plot_confusion_draw (cr, 480, 400, &series, &style);
  series.pointer = (NnbPlotPointer){ TRUE, l.grid.x + 2.5 * l.cell, l.grid.y + 1.5 * l.cell };
  nnb_plot_confusion_draw (cr2, 480, 400, &series, &style);
  cairo_surface_flush (plain);
  cairo_surface_flush (pointed);
  for (int y = 0; y < 400; y++)
    for (int x = 0; x < 480; x++)
      differ += pixel_at (plain, x, y) != pixel_at (pointed, x, y);
  g_assert_cmpint (differ, >, 500);

  two->counts[0] = 69, two->counts[1] = 2, two->counts[3] = 77;
  words = nnb_plot_confusion_describe (&small, 299);
  g_assert_cmpstr (words, ==,
                   "Confusion matrix of the test rows after epoch 299, 146 of 148 right; true class 0: 69 as class 0, "
                   "2 as class 1; true class 1: 77 as class 1");
  g_free (words);
  small.matrix = NULL;
  words = nnb_plot_confusion_describe (&small, -1);
  g_assert_cmpstr (words, ==, "Confusion matrix of 2 classes: nothing counted yet");
  cairo_destroy (cr);
  cairo_destroy (cr2);
  cairo_surface_destroy (plain);
  cairo_surface_destroy (pointed);
}

/* Class data under a loss without predicted classes (MSELoss): a
 * sentence saying which losses have them, in place of the cells. */
static void
test_view_without_a_rule (void)
{
  NnbConfusionView *view = g_object_ref_sink (g_object_new (NNB_TYPE_CONFUSION_VIEW, NULL));
  NnbSnapshot *snapshot = g_new0 (NnbSnapshot, 1);
  NnbConfusionSeries series;

  snapshot->ref_count = 1;
  snapshot->epoch = 3;
  snapshot->losses = g_array_new (FALSE, FALSE, sizeof (double));
  snapshot->parameters = g_array_new (FALSE, FALSE, sizeof (NnbParameterStats));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (view)));
  nnb_confusion_view_set_classes (view, 3, FALSE);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (view)));
  nnb_confusion_view_get_series (view, &series);
  g_assert_cmpint (series.n_classes, ==, 3);
  g_assert_cmpstr (series.message, ==, "Not trained yet");
  nnb_confusion_view_take_snapshot (view, snapshot);
  nnb_confusion_view_get_series (view, &series);
  g_assert_null (series.matrix);
  g_assert_cmpint (series.n_classes, ==, 0);
  g_assert_nonnull (strstr (series.message, "CrossEntropyLoss"));
  nnb_confusion_view_set_classes (view, 0, FALSE);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (view)));
  nnb_snapshot_unref (snapshot);
  g_object_unref (view);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (!gtk_init_check ())
    {
      g_test_add_func ("/ui/confusion-view/needs-a-display", nnb_ui_test_skip_without_display);
      return g_test_run ();
    }
  nnb_ui_test_set_wait_seconds (60);
  g_test_add_func ("/ui/confusion-view/picture/shades-by-row-share", test_picture_shades_by_row_share);
  g_test_add_func ("/ui/confusion-view/picture/ten-classes-and-words", test_picture_ten_classes_and_words);
  g_test_add_func ("/ui/confusion-view/without-a-rule", test_view_without_a_rule);
  g_test_add_func ("/ui/confusion-view/in-the-window", test_confusion_in_the_window);
  g_test_add_func ("/ui/confusion-view/regression-has-no-matrix", test_regression_has_no_matrix);

  return g_test_run ();
}
