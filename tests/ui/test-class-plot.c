/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-class-plot.c — class data in the window (issue 20): xor opened in
 * the app shows its points by class before any training, with Discretize
 * over the data plot in place of Clear Kept Curves; one step draws the
 * untrained model's decision boundary, training changes it while the
 * frame and the points stay kept, Discretize changes the picture, and in
 * presentation mode at a projector's 1280x720 the plot keeps its room and
 * nothing runs under its button. Under Xvfb at 1280x720. */
#include "nnb-config.h"

#include <adwaita.h>
#include <math.h>

#include "nnb-application.h"
#include "nnb-document.h"
#include "nnb-plot-marks.h"
#include "nnb-plots-panel.h"
#include "nnb-project.h"
#include "nnb-trainer.h"
#include "nnb-ui-test-access.h"
#include "nnb-ui-test-util.h"
#include "nnb-window.h"

#define W 640
#define H 400

static const char xor_project[] =
  "{\"format\": \"nnblocks\", \"version\": 1, \"model\": {\"class\": \"Sequential\", \"modules\": ["
  "{\"name\": \"0\", \"type\": \"Linear\", \"in_features\": 2, \"out_features\": 8}, "
  "{\"name\": \"1\", \"type\": \"Tanh\"}, "
  "{\"name\": \"2\", \"type\": \"Linear\", \"in_features\": 8, \"out_features\": 2}]}, "
  "\"seed\": 0, \"model_seed\": 1, "
  "\"data\": {\"kind\": \"xor\", \"n\": 200, \"noise\": 0.05, \"test_fraction\": 0.25}, "
  "\"training\": {\"optimizer\": \"Adam\", \"lr\": 0.05, \"loss\": \"CrossEntropyLoss\", \"epochs\": 300}}";

/* The data plot as the panel draws it into a file, on white. */
static cairo_surface_t *
data_picture (NnbPlotsPanel *panel)
{
  cairo_surface_t *image = cairo_image_surface_create (CAIRO_FORMAT_RGB24, W, H);
  cairo_t *cr = cairo_create (image);
  NnbPlotStyle style;

  nnb_plot_style_init_default (&style);
  nnb_plots_panel_draw_data (panel, cr, W, H, &style);
  cairo_destroy (cr);
  cairo_surface_flush (image);
  return image;
}

static guint32
pixel (cairo_surface_t *image, int x, int y)
{
  return *(const guint32 *) (cairo_image_surface_get_data (image) + y * cairo_image_surface_get_stride (image) + 4 * x) &
         0xffffff;
}

/* Pixels within a few levels of class c's colour at opacity alpha over white. */
static int
pixels_near_class (cairo_surface_t *image, int c, double alpha)
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
        gboolean near = TRUE;

        for (int k = 0; k < 3 && near; k++)
          near = fabs ((double) ((p >> (16 - 8 * k)) & 0xff) - 255 * (1 - alpha + alpha * rgba[k])) < 8;
        n += near;
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

static gboolean
trainer_in_state (NnbWindow *window, NnbTrainerState state)
{
  NnbTrainer *trainer = nnb_document_get_trainer (nnb_window_get_document (window));
  g_autoptr (NnbSnapshot) snapshot = NULL;

  if (trainer == NULL)
    return FALSE;
  snapshot = nnb_trainer_get_snapshot (trainer);
  return snapshot->state == state;
}

static gboolean
stepped_once (gpointer data)
{
  int epoch;

  nnb_plots_panel_get_plotted_epochs (nnb_ui_test_window_child (data, "plots_panel"), &epoch, NULL);
  return trainer_in_state (data, NNB_TRAINER_PAUSED) && epoch == 1;
}

static gboolean
finished_and_drawn (gpointer data)
{
  int epoch;

  nnb_plots_panel_get_plotted_epochs (nnb_ui_test_window_child (data, "plots_panel"), &epoch, NULL);
  return trainer_in_state (data, NNB_TRAINER_FINISHED) && epoch == 300;
}

static void
check_class_plot (NnbApplication *app, NnbWindow *window, gpointer data)
{
  NnbPlotsPanel *panel = nnb_ui_test_window_child (window, "plots_panel");
  GtkToggleButton *discretize = nnb_ui_test_template_child (panel, NNB_TYPE_PLOTS_PANEL, "discretize_button");
  GtkWidget *unpin = nnb_ui_test_template_child (panel, NNB_TYPE_PLOTS_PANEL, "unpin_button");
  GtkWidget *data_plot = nnb_ui_test_template_child (panel, NNB_TYPE_PLOTS_PANEL, "data_plot");
  cairo_surface_t *before, *stepped, *trained, *hard;
  guint builds;

  g_assert_true (nnb_ui_test_wait_until (nnb_ui_test_has_document, window));
  nnb_ui_test_settle (300);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (discretize)));
  g_assert_false (gtk_widget_get_visible (unpin));

  /* before any training: the points in their classes' colours, no map */
  before = data_picture (panel);
  g_test_message ("before training: %d and %d pixels of the classes' colours, %d of class 0's map",
                  pixels_near_class (before, 0, 1.0), pixels_near_class (before, 1, 1.0),
                  pixels_near_class (before, 0, 0.5));
  g_assert_cmpint (pixels_near_class (before, 0, 1.0), >, 400);
  g_assert_cmpint (pixels_near_class (before, 1, 1.0), >, 400);
  g_assert_cmpint (pixels_near_class (before, 0, 0.5) + pixels_near_class (before, 1, 0.5), <, 2000);

  /* one step: the model's boundary after one epoch */
  g_action_group_activate_action (G_ACTION_GROUP (window), "step", NULL);
  g_assert_true (nnb_ui_test_wait_until (stepped_once, window));
  stepped = data_picture (panel);
  builds = nnb_plots_panel_get_data_layer_builds (panel);
  g_assert_cmpint (pixels_differing (before, stepped), >, W * H / 4);

  /* trained: the boundary moved; frames drew the map over the kept layers */
  g_action_group_activate_action (G_ACTION_GROUP (window), "train", NULL);
  g_assert_true (nnb_ui_test_wait_until (finished_and_drawn, window));
  trained = data_picture (panel);
  g_test_message ("%d pixels changed with training; kept layers drawn %u times, %u before",
                  pixels_differing (stepped, trained), nnb_plots_panel_get_data_layer_builds (panel), builds);
  g_assert_cmpint (pixels_differing (stepped, trained), >, W * H / 20);
  /* the hidden layer solves xor: the accuracy the window shows passes 95 % */
  {
    const NnbSnapshot *snapshot = nnb_trainer_get_snapshot (nnb_document_get_trainer (nnb_window_get_document (window)));
    double accuracy;

    g_assert_nonnull (snapshot->accuracies);
    g_assert_cmpuint (snapshot->accuracies->len, ==, 300);
    accuracy = g_array_index (snapshot->accuracies, double, snapshot->accuracies->len - 1);
    g_test_message ("xor's accuracy after 300 epochs: %.1f %%", 100 * accuracy);
    g_assert_cmpfloat (accuracy, >, 0.95);
  }
  g_assert_cmpint (pixels_near_class (trained, 0, 0.5) + pixels_near_class (trained, 1, 0.5), >, 5000);
  g_assert_cmpuint (nnb_plots_panel_get_data_layer_builds (panel), ==, builds);

  gtk_toggle_button_set_active (discretize, TRUE);
  nnb_ui_test_settle (100);
  hard = data_picture (panel);
  g_assert_cmpint (pixels_differing (trained, hard), >, W * H / 10);

  /* a projector's 1280x720: the plot keeps its room, the button its corner */
  gtk_window_maximize (GTK_WINDOW (window));
  g_action_group_change_action_state (G_ACTION_GROUP (window), "presentation", g_variant_new_boolean (TRUE));
  nnb_ui_test_settle (600);
  g_test_message ("presentation mode: the data plot %d×%d in a window %d×%d", gtk_widget_get_width (data_plot),
                  gtk_widget_get_height (data_plot), gtk_widget_get_width (GTK_WIDGET (window)),
                  gtk_widget_get_height (GTK_WIDGET (window)));
  g_assert_cmpint (gtk_widget_get_width (data_plot), >=, 400);
  g_assert_cmpint (gtk_widget_get_height (data_plot), >=, 150);
  g_assert_cmpuint (nnb_plots_panel_get_ink_under_buttons (panel), ==, 0);
  nnb_ui_test_screenshot_if_asked ("NNB_CLASS_PLOT_SCREENSHOT");

  cairo_surface_destroy (before);
  cairo_surface_destroy (stepped);
  cairo_surface_destroy (trained);
  cairo_surface_destroy (hard);
}

static void
test_class_plot_in_the_window (void)
{
  g_autofree char *dir = g_dir_make_tmp ("nnb-ui-test-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "xor.nnb", NULL);
  const char *argv[] = { "nnblocks", path, NULL };

  g_assert_true (g_file_set_contents (path, xor_project, -1, NULL));
  nnb_ui_test_run_app (argv, check_class_plot, NULL);
  nnb_ui_test_remove_copy (path);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (!gtk_init_check ())
    {
      g_test_add_func ("/ui/class-plot/needs-a-display", nnb_ui_test_skip_without_display);
      return g_test_run ();
    }
  g_test_add_func ("/ui/class-plot/in-the-window", test_class_plot_in_the_window);

  return g_test_run ();
}
