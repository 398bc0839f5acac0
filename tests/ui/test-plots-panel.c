/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-plots-panel.c — the plots as a student sees them in the window:
 * the norms plot has every epoch of a short run, as the loss plot does,
 * Reset clears what belonged to the old run (the "Converged…" message),
 * nothing a plot draws runs under the buttons over it, and the data plot
 * redraws only its curves while training, and the views with numbers in
 * text take turns with the plots, a frame each; two target columns train
 * a curve each; a classifier's accuracy reaches the loss plot. */
#include "nnb-config.h"

#include <adwaita.h>
#include <math.h>

#include "nnb-application.h"
#include "nnb-block-palette.h"
#include "nnb-document.h"
#include "nnb-parameter-row.h"
#include "nnb-parameter-view.h"
#include "nnb-plot-descriptions.h"
#include "nnb-plot-marks.h"
#include "nnb-plots-panel.h"
#include "nnb-project.h"
#include "nnb-trainer.h"
#include "nnb-ui-test-access.h"
#include "nnb-ui-test-util.h"
#include "nnb-window.h"

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
trainer_finished (gpointer data)
{
  return trainer_in_state (data, NNB_TRAINER_FINISHED);
}

static gboolean
trainer_converged (gpointer data)
{
  return trainer_in_state (data, NNB_TRAINER_CONVERGED);
}

static gboolean
norm_points_are_200 (gpointer data)
{
  return nnb_plots_panel_get_n_norm_points (nnb_ui_test_window_child (data, "plots_panel")) == 200;
}

/* regression.nnb trains 200 epochs in a blink: the norms plot has all 200,
 * not the two or three the window happened to see. */
static void
check_norms_every_epoch (NnbApplication *app, NnbWindow *window, gpointer data)
{
  NnbPlotsPanel *panel = nnb_ui_test_window_child (window, "plots_panel");

  g_assert_true (nnb_ui_test_wait_until (nnb_ui_test_has_document, window));
  g_action_group_activate_action (G_ACTION_GROUP (window), "train", NULL);
  g_assert_true (nnb_ui_test_wait_until (trainer_finished, window));
  nnb_ui_test_wait_until (norm_points_are_200, window);
  g_assert_cmpuint (nnb_plots_panel_get_n_norm_points (panel), ==, 200);
}

static void
test_norms_plot_has_every_epoch (void)
{
  g_autofree char *path = nnb_ui_test_example_path ("regression.nnb");
  const char *argv[] = { "nnblocks", path, NULL };

  nnb_ui_test_run_app (argv, check_norms_every_epoch, NULL);
}

static gboolean
is_revealed (gpointer revealer)
{
  return gtk_revealer_get_reveal_child (revealer);
}

static gboolean
is_hidden (gpointer revealer)
{
  return !gtk_revealer_get_reveal_child (revealer);
}

/* SineNet converges: the window says so. Reset starts afresh, and the
 * old run's "Converged at epoch 1543…" goes with it. */
static void
check_reset_clears_converged (NnbApplication *app, NnbWindow *window, gpointer data)
{
  GtkRevealer *revealer = nnb_ui_test_window_child (window, "explanation_revealer");
  GtkLabel *label = nnb_ui_test_window_child (window, "explanation_label");

  g_assert_true (nnb_ui_test_wait_until (nnb_ui_test_has_document, window));
  g_action_group_activate_action (G_ACTION_GROUP (window), "train", NULL);
  g_assert_true (nnb_ui_test_wait_until (trainer_converged, window));
  g_assert_true (nnb_ui_test_wait_until (is_revealed, revealer));
  g_assert_true (g_str_has_prefix (gtk_label_get_text (label), "Converged at epoch"));

  g_action_group_activate_action (G_ACTION_GROUP (window), "reset", NULL);
  nnb_ui_test_settle (200);
  g_assert_true (nnb_ui_test_wait_until (is_hidden, revealer));
  /* and the plots start afresh with the new run */
  g_assert_cmpuint (nnb_plots_panel_get_n_norm_points (nnb_ui_test_window_child (window, "plots_panel")), ==, 0);
}

static void
test_reset_clears_converged_message (void)
{
  g_autofree char *path = nnb_ui_test_example_path ("sinenet.nnb");
  const char *argv[] = { "nnblocks", path, NULL };

  nnb_ui_test_run_app (argv, check_reset_clears_converged, NULL);
}

static gboolean
trainer_diverged (gpointer data)
{
  return trainer_in_state (data, NNB_TRAINER_DIVERGED);
}

/* The lr 0.1 step at a projector's 1280x720, with a curve kept: losses to
 * 1e38 and inf, norms to nan. No title, tick label, legend or curve runs
 * under Clear Kept Curves, Log Scale or Gradients. */
static void
check_nothing_under_buttons (NnbApplication *app, NnbWindow *window, gpointer data)
{
  NnbPlotsPanel *panel = nnb_ui_test_window_child (window, "plots_panel");

  g_assert_true (nnb_ui_test_wait_until (nnb_ui_test_has_document, window));
  gtk_window_maximize (GTK_WINDOW (window));
  nnb_document_get_project (nnb_window_get_document (window))->training.optimizer.lr = 0.1;
  g_action_group_activate_action (G_ACTION_GROUP (window), "train", NULL);
  g_assert_true (nnb_ui_test_wait_until (trainer_diverged, window));
  nnb_ui_test_settle (500); /* the window takes the last snapshot on its frame clock */
  g_action_group_activate_action (G_ACTION_GROUP (window), "pin-curve", NULL);
  nnb_ui_test_settle (500);
  g_assert_cmpuint (nnb_plots_panel_get_n_pinned (panel), ==, 1);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), <=, 1280);
  g_assert_cmpuint (nnb_plots_panel_get_ink_under_buttons (panel), ==, 0);
}

static void
test_nothing_under_the_plots_buttons (void)
{
  g_autofree char *path = nnb_ui_test_example_path ("sinenet.nnb");
  const char *argv[] = { "nnblocks", path, NULL };

  nnb_ui_test_run_app (argv, check_nothing_under_buttons, NULL);
}

static gboolean
data_plot_has_curve (gpointer data)
{
  int epoch;

  nnb_plots_panel_get_plotted_epochs (nnb_ui_test_window_child (data, "plots_panel"), &epoch, NULL);
  return epoch > 0;
}

typedef struct
{
  NnbPlotsPanel *panel;
  int epoch;
} PlottedEpoch;

static gboolean
data_plot_drew_another_epoch (gpointer data)
{
  PlottedEpoch *plotted = data;
  int epoch;

  nnb_plots_panel_get_plotted_epochs (plotted->panel, &epoch, NULL);
  return epoch != plotted->epoch;
}

/* Issue 25: the points do not change while training, only the curve does.
 * Frames that draw a new curve reuse the layer under it (frame, axes,
 * points); keeping a curve (a new legend) draws the layer anew. */
static void
check_data_layer_kept (NnbApplication *app, NnbWindow *window, gpointer data)
{
  NnbPlotsPanel *panel = nnb_ui_test_window_child (window, "plots_panel");
  NnbProject *project;
  PlottedEpoch plotted = { panel, 0 };
  guint builds;

  g_assert_true (nnb_ui_test_wait_until (nnb_ui_test_has_document, window));
  project = nnb_document_get_project (nnb_window_get_document (window));
  project->training.until_loss = 0; /* train on: a new curve every frame */
  project->training.epochs = 100000000;
  g_action_group_activate_action (G_ACTION_GROUP (window), "train", NULL);
  g_assert_true (nnb_ui_test_wait_until (data_plot_has_curve, window));
  nnb_ui_test_settle (200);

  builds = nnb_plots_panel_get_data_layer_builds (panel);
  g_assert_cmpuint (builds, >=, 1);
  for (int frame = 0; frame < 3; frame++)
    {
      nnb_plots_panel_get_plotted_epochs (panel, &plotted.epoch, NULL);
      g_assert_true (nnb_ui_test_wait_until (data_plot_drew_another_epoch, &plotted));
      g_assert_cmpuint (nnb_plots_panel_get_data_layer_builds (panel), ==, builds);
    }

  g_action_group_activate_action (G_ACTION_GROUP (window), "pin-curve", NULL);
  nnb_ui_test_settle (300);
  g_assert_cmpuint (nnb_plots_panel_get_data_layer_builds (panel), >, builds);
  g_action_group_activate_action (G_ACTION_GROUP (window), "pause", NULL);
  nnb_ui_test_settle (100);
}

static void
test_data_layer_kept_while_the_curve_moves (void)
{
  g_autofree char *path = nnb_ui_test_example_path ("sinenet.nnb");
  const char *argv[] = { "nnblocks", path, NULL };

  nnb_ui_test_run_app (argv, check_data_layer_kept, NULL);
}

/* Pixels of image within 40 of series colour `index` in every channel. */
static int
count_series_color (cairo_surface_t *image, int index)
{
  NnbPlotStyle style;
  double rgba[4];
  int count = 0;

  nnb_plot_style_init_default (&style);
  nnb_plot_series_color (&style, index, rgba);
  for (int y = 0; y < cairo_image_surface_get_height (image); y++)
    for (int x = 0; x < cairo_image_surface_get_width (image); x++)
      {
        const guint8 *px = cairo_image_surface_get_data (image) + y * cairo_image_surface_get_stride (image) + 4 * x;

        count += abs (px[2] - (int) lround (255 * rgba[0])) < 40 && abs (px[1] - (int) lround (255 * rgba[1])) < 40 &&
                 abs (px[0] - (int) lround (255 * rgba[2])) < 40;
      }
  return count;
}

/* Issue 19: data/examples/two-outputs.nnb, x against sin and cos, opens
 * with both columns' points on the data plot and trains a curve for each,
 * in two colours: curves, not the plot of predicted against true values
 * (which is for several inputs, and has the accent alone). */
static void
check_two_outputs (NnbApplication *app, NnbWindow *window, gpointer data)
{
  NnbPlotsPanel *panel = nnb_ui_test_window_child (window, "plots_panel");
  cairo_surface_t *image = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 640, 400);
  cairo_t *cr = cairo_create (image);
  NnbPlotStyle style;
  int first, second;

  g_assert_true (nnb_ui_test_wait_until (nnb_ui_test_has_document, window));
  /* 101 rows, int(101 * 0.2) = 20 held out */
  g_assert_cmpint (nnb_plots_panel_get_n_data (panel), ==, 81);
  nnb_document_get_project (nnb_window_get_document (window))->training.epochs = 300;
  g_action_group_activate_action (G_ACTION_GROUP (window), "train", NULL);
  g_assert_true (nnb_ui_test_wait_until (trainer_finished, window));
  nnb_ui_test_settle (300); /* the window takes the last snapshot on its frame clock */

  nnb_plot_style_init_default (&style);
  nnb_plots_panel_draw_data (panel, cr, 640, 400, &style);
  cairo_destroy (cr);
  cairo_surface_flush (image);
  first = count_series_color (image, 0);
  second = count_series_color (image, 2);
  cairo_surface_destroy (image);
  g_test_message ("pixels of the first output's colour: %d, of the second's: %d", first, second);
  g_assert_cmpint (first, >, 600);
  g_assert_cmpint (second, >, 600);

  /* a kept curve keeps both outputs */
  g_action_group_activate_action (G_ACTION_GROUP (window), "pin-curve", NULL);
  nnb_ui_test_settle (100);
  g_assert_cmpuint (nnb_plots_panel_get_n_pinned (panel), ==, 1);
  g_assert_cmpint (nnb_plots_panel_get_pinned_outputs (panel, 0), ==, 2);
}

static void
test_two_outputs_draw_two_curves (void)
{
  g_autofree char *path = nnb_ui_test_example_path ("two-outputs.nnb");
  const char *argv[] = { "nnblocks", path, NULL };

  nnb_ui_test_run_app (argv, check_two_outputs, NULL);
}

/* Issue 25: a frame costs about the box around everything it repaints, so
 * while training the plots, the parameter tree and the subtitle never
 * change in the same frame (a snapshot comes every frame with SineNet);
 * each still follows the run, and all show the last epoch once it stops.
 * The palette greys out after the frame that starts the run, not in it. */
typedef struct
{
  NnbWindow *window;
  NnbPlotsPanel *panel;
  NnbParameterRow *row; /* the first parameter's row */
  int plotted_epoch;
  char *norm_text;
  char *subtitle;
  int frames, plots_changes, norm_changes, subtitle_changes, changes_together;
  int palette_locked_frame; /* the first frame the palette was locked in, from 1 */
  gboolean stopping;        /* Pause was pressed */
} TurnWatch;

static const char *
window_subtitle (NnbWindow *window)
{
  return adw_window_title_get_subtitle (nnb_ui_test_window_child (window, "window_title"));
}

static void
turn_after_paint_cb (GdkFrameClock *clock, TurnWatch *watch)
{
  g_autofree char *norm_text = NULL;
  int epoch, changed = 0;

  watch->frames++;
  if (watch->palette_locked_frame == 0 &&
      nnb_block_palette_get_locked (nnb_ui_test_window_child (watch->window, "block_palette")))
    watch->palette_locked_frame = watch->frames;
  nnb_plots_panel_get_plotted_epochs (watch->panel, &epoch, NULL);
  g_object_get (watch->row, "value-norm-text", &norm_text, NULL);
  if (epoch != watch->plotted_epoch)
    watch->plots_changes++, changed++;
  if (g_strcmp0 (norm_text, watch->norm_text) != 0)
    watch->norm_changes++, changed++;
  if (g_strcmp0 (window_subtitle (watch->window), watch->subtitle) != 0)
    watch->subtitle_changes++, changed++;
  /* a run's end shows everything at once: the editor unlocks then */
  if (changed > 1 && !watch->stopping)
    {
      g_test_message ("frame %d: %s%s%s", watch->frames, epoch != watch->plotted_epoch ? "plots " : "",
                      g_strcmp0 (norm_text, watch->norm_text) != 0 ? "norms " : "",
                      g_strcmp0 (window_subtitle (watch->window), watch->subtitle) != 0 ? "subtitle" : "");
      watch->changes_together++;
    }
  watch->plotted_epoch = epoch;
  g_free (watch->norm_text);
  watch->norm_text = g_steal_pointer (&norm_text);
  g_free (watch->subtitle);
  watch->subtitle = g_strdup (window_subtitle (watch->window));
}

static gboolean
trainer_idle_and_shown (gpointer data)
{
  NnbWindow *window = data;

  return !trainer_in_state (window, NNB_TRAINER_RUNNING) &&
         !nnb_block_palette_get_locked (nnb_ui_test_window_child (window, "block_palette"));
}

static void
check_views_take_turns (NnbApplication *app, NnbWindow *window, gpointer data)
{
  TurnWatch watch = { window, nnb_ui_test_window_child (window, "plots_panel") };
  NnbParameterView *view = nnb_ui_test_window_child (window, "parameter_view");
  GListModel *rows;
  GdkFrameClock *clock;
  NnbProject *project;
  NnbTrainer *trainer;
  g_autoptr (NnbSnapshot) last = NULL;
  g_autofree char *norm_text = NULL;
  g_autofree char *expected = NULL;
  gulong handler;

  g_assert_true (nnb_ui_test_wait_until (nnb_ui_test_has_document, window));
  project = nnb_document_get_project (nnb_window_get_document (window));
  project->training.until_loss = 0; /* train on: a snapshot every frame */
  project->training.epochs = 100000000;
  rows = nnb_parameter_view_get_rows (view);
  for (guint i = 0; i < g_list_model_get_n_items (rows) && watch.row == NULL; i++)
    {
      g_autoptr (GtkTreeListRow) row = g_list_model_get_item (rows, i);
      NnbParameterRow *item = gtk_tree_list_row_get_item (row);

      if (nnb_parameter_row_is_parameter (item))
        watch.row = g_object_ref (item);
      g_object_unref (item);
    }
  g_assert_nonnull (watch.row);
  nnb_plots_panel_get_plotted_epochs (watch.panel, &watch.plotted_epoch, NULL);
  g_object_get (watch.row, "value-norm-text", &watch.norm_text, NULL);
  watch.subtitle = g_strdup (window_subtitle (window));
  g_assert_false (nnb_block_palette_get_locked (nnb_ui_test_window_child (window, "block_palette")));

  clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (turn_after_paint_cb), &watch);
  g_action_group_activate_action (G_ACTION_GROUP (window), "train", NULL);
  nnb_ui_test_settle (1500);
  watch.stopping = TRUE;
  g_action_group_activate_action (G_ACTION_GROUP (window), "pause", NULL);
  g_assert_true (nnb_ui_test_wait_until (trainer_idle_and_shown, window));
  nnb_ui_test_settle (400);
  g_signal_handler_disconnect (clock, handler);

  g_test_message ("%d frames: the plots changed in %d, the first norm in %d, the subtitle in %d; the palette "
                  "greyed in frame %d",
                  watch.frames, watch.plots_changes, watch.norm_changes, watch.subtitle_changes,
                  watch.palette_locked_frame);
  g_assert_cmpint (watch.frames, >=, 20);
  g_assert_cmpint (watch.plots_changes, >=, 10);
  g_assert_cmpint (watch.norm_changes, >=, 3);
  g_assert_cmpint (watch.subtitle_changes, >=, 3);
  g_assert_cmpint (watch.changes_together, ==, 0);
  g_assert_cmpint (watch.palette_locked_frame, >=, 2);

  /* stopped: every view shows the last epoch */
  trainer = nnb_document_get_trainer (nnb_window_get_document (window));
  last = nnb_trainer_get_snapshot (trainer);
  nnb_plots_panel_get_plotted_epochs (watch.panel, &watch.plotted_epoch, NULL);
  g_assert_cmpint (watch.plotted_epoch, ==, last->epoch);
  g_object_get (watch.row, "value-norm-text", &norm_text, NULL);
  expected = g_strdup_printf ("%.4g", g_array_index (last->parameters, NnbParameterStats, 0).value_norm);
  g_assert_cmpstr (norm_text, ==, expected);
  g_assert_nonnull (strstr (window_subtitle (window), "epoch"));

  g_free (watch.norm_text);
  g_free (watch.subtitle);
  g_object_unref (watch.row);
}

static void
test_views_take_turns_while_training (void)
{
  g_autofree char *path = nnb_ui_test_example_path ("sinenet.nnb");
  const char *argv[] = { "nnblocks", path, NULL };

  nnb_ui_test_run_app (argv, check_views_take_turns, NULL);
}

/* Issue 20: xor, the smallest problem a straight line cannot split, as a
 * student writes it: an 8-unit Tanh layer and CrossEntropyLoss. */
static const char xor_project[] =
  "{\"format\": \"nnblocks\", \"version\": 1, \"model\": {\"class\": \"Sequential\", \"modules\": ["
  "{\"name\": \"0\", \"type\": \"Linear\", \"in_features\": 2, \"out_features\": 8}, "
  "{\"name\": \"1\", \"type\": \"Tanh\"}, "
  "{\"name\": \"2\", \"type\": \"Linear\", \"in_features\": 8, \"out_features\": 2}]}, "
  "\"seed\": 0, \"model_seed\": 1, "
  "\"data\": {\"kind\": \"xor\", \"n\": 200, \"noise\": 0.05, \"test_fraction\": 0.25}, "
  "\"training\": {\"optimizer\": \"Adam\", \"lr\": 0.05, \"loss\": \"CrossEntropyLoss\", \"epochs\": 300, "
  "\"log_every\": 50}}";

static double
last_of (const GArray *values)
{
  return g_array_index (values, double, values->len - 1);
}

/* Trained in the app, xor's accuracy passes 90 % on the training and the
 * test rows; the loss plot's series carries every epoch's, the picture
 * it exports (the same drawing) has the accuracy's axis at its right
 * edge, and a screen reader hears the accuracy. */
static void
check_xor_accuracy (NnbApplication *app, NnbWindow *window, gpointer data)
{
  NnbPlotsPanel *panel = nnb_ui_test_window_child (window, "plots_panel");
  g_autoptr (NnbSnapshot) snapshot = NULL;
  g_autofree char *description = NULL;
  cairo_surface_t *image = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 640, 400);
  cairo_t *cr = cairo_create (image);
  NnbLossSeries series;
  NnbPlotStyle style;
  int edge_ink = 0;

  g_assert_true (nnb_ui_test_wait_until (nnb_ui_test_has_document, window));
  g_action_group_activate_action (G_ACTION_GROUP (window), "train", NULL);
  g_assert_true (nnb_ui_test_wait_until (trainer_finished, window));
  nnb_ui_test_settle (300); /* the window takes the last snapshot on its frame clock */

  snapshot = nnb_trainer_get_snapshot (nnb_document_get_trainer (nnb_window_get_document (window)));
  g_test_message ("epoch %d: accuracy %.4f, test accuracy %.4f", snapshot->epoch - 1, last_of (snapshot->accuracies),
                  last_of (snapshot->test_accuracies));
  g_assert_cmpuint (snapshot->accuracies->len, ==, 300);
  g_assert_cmpuint (snapshot->test_accuracies->len, ==, 300);
  g_assert_cmpfloat (last_of (snapshot->accuracies), >, 0.9);
  g_assert_cmpfloat (last_of (snapshot->test_accuracies), >, 0.9);

  nnb_plots_panel_get_loss_series (panel, &series);
  g_assert_cmpint (series.n, ==, 300);
  g_assert_cmpint (series.n_accuracy, ==, 300);
  g_assert_cmpint (series.n_test_accuracy, ==, 300);
  g_assert_cmpfloat (series.accuracies[299], >, 0.9);
  g_assert_cmpfloat (series.test_accuracies[299], >, 0.9);

  nnb_plot_style_init_default (&style);
  nnb_plots_panel_draw_loss (panel, cr, 640, 400, &style);
  cairo_destroy (cr);
  cairo_surface_flush (image);
  /* the axis' name, turned, halfway down the right edge */
  for (int y = 120; y < 280; y++)
    for (int x = 628; x < 640; x++)
      edge_ink += (*(const guint32 *) (cairo_image_surface_get_data (image) + y * cairo_image_surface_get_stride (image) +
                                       4 * x) &
                   0xffffff) != 0xffffff;
  cairo_surface_destroy (image);
  g_assert_cmpint (edge_ink, >, 50);

  /* the sentence the panel gives the loss plot's accessible label */
  description = nnb_plot_describe_loss (snapshot);
  g_test_message ("%s", description);
  g_assert_nonnull (strstr (description, ", accuracy "));
  g_assert_nonnull (strstr (description, ", test accuracy "));
}

static void
test_xor_accuracy_reaches_the_loss_plot (void)
{
  g_autofree char *dir = g_dir_make_tmp ("nnb-ui-test-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "xor.nnb", NULL);
  const char *argv[] = { "nnblocks", path, NULL };

  g_assert_true (g_file_set_contents (path, xor_project, -1, NULL));
  nnb_ui_test_run_app (argv, check_xor_accuracy, NULL);
  nnb_ui_test_remove_copy (path);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (!gtk_init_check ())
    {
      g_test_add_func ("/ui/plots-panel/needs-a-display", nnb_ui_test_skip_without_display);
      return g_test_run ();
    }

  g_test_add_func ("/ui/plots-panel/norms-plot-has-every-epoch", test_norms_plot_has_every_epoch);
  g_test_add_func ("/ui/plots-panel/reset-clears-converged-message", test_reset_clears_converged_message);
  g_test_add_func ("/ui/plots-panel/nothing-under-the-plots-buttons", test_nothing_under_the_plots_buttons);
  g_test_add_func ("/ui/plots-panel/data-layer-kept-while-the-curve-moves", test_data_layer_kept_while_the_curve_moves);
  g_test_add_func ("/ui/plots-panel/views-take-turns-while-training", test_views_take_turns_while_training);
  g_test_add_func ("/ui/plots-panel/two-outputs-draw-two-curves", test_two_outputs_draw_two_curves);
  g_test_add_func ("/ui/plots-panel/xor-accuracy-reaches-the-loss-plot", test_xor_accuracy_reaches_the_loss_plot);

  return g_test_run ();
}
