/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-picture-cli.c — one engine, one answer for pictures (issue 20): a
 * project stepped once in the app, its data plot exported as the window's
 * Export Picture writes it, and the same project saved and exported by
 * `nnblocks-cli export --format png`: the same pixels, for xor's decision
 * boundary and for a regression's fitted line. Issue 22: the diagram of
 * a project just opened, and the loss plot after the app's full run,
 * against `--what diagram` and `--what loss` of the project as it came.
 * Under Xvfb. */
#include "nnb-config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "nnb-diagram-view.h"
#include "nnb-document.h"
#include "nnb-picture-export.h"
#include "nnb-plots-panel.h"
#include "nnb-project.h"
#include "nnb-trainer.h"
#include "nnb-ui-test-access.h"
#include "nnb-ui-test-util.h"
#include "nnb-window.h"

/* As nnb-window-export.c's draw_data_to: the data plot the panel shows. */
static void
draw_data_to (cairo_t *cr, int width, int height, const NnbPlotStyle *style, gpointer panel)
{
  nnb_plots_panel_draw_data (panel, cr, width, height, style);
}

/* As nnb-window-export.c's draw_diagram_to and draw_loss_to. */
static void
draw_diagram_to (cairo_t *cr, int width, int height, const NnbPlotStyle *style, gpointer view)
{
  nnb_diagram_view_draw_to (view, cr, width, height, style);
}

static void
draw_loss_to (cairo_t *cr, int width, int height, const NnbPlotStyle *style, gpointer panel)
{
  nnb_plots_panel_draw_loss (panel, cr, width, height, style);
}

static gboolean
stepped_once (gpointer data)
{
  NnbTrainer *trainer = nnb_document_get_trainer (nnb_window_get_document (data));
  g_autoptr (NnbSnapshot) snapshot = NULL;
  int epoch;

  if (trainer == NULL)
    return FALSE;
  snapshot = nnb_trainer_get_snapshot (trainer);
  nnb_plots_panel_get_plotted_epochs (nnb_ui_test_window_child (data, "plots_panel"), &epoch, NULL);
  return snapshot->state == NNB_TRAINER_PAUSED && epoch == 1;
}

static int
pixels_differing (cairo_surface_t *a, cairo_surface_t *b)
{
  int w = cairo_image_surface_get_width (a), h = cairo_image_surface_get_height (a), n = 0;

  g_assert_cmpint (cairo_image_surface_get_width (b), ==, w);
  g_assert_cmpint (cairo_image_surface_get_height (b), ==, h);
  for (int y = 0; y < h; y++)
    n += memcmp (cairo_image_surface_get_data (a) + y * cairo_image_surface_get_stride (a),
                 cairo_image_surface_get_data (b) + y * cairo_image_surface_get_stride (b), 4 * (gsize) w) != 0;
  return n;
}

/* The app's picture at app_png and the CLI's export of project with
 * --what what: the same pixels. */
static void
assert_cli_draws_the_same (const char *project, const char *what, const char *app_png, const char *cli_png)
{
  const char *argv[] = { g_getenv ("NNB_CLI"), "export", project, "--format", "png", "--what", what, "-o", cli_png,
                         NULL };
  g_autofree char *err = NULL;
  g_autoptr (GError) error = NULL;
  cairo_surface_t *apps, *ours;
  int differing, status;

  g_assert_nonnull (argv[0]);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err, &status,
                               &error));
  g_assert_no_error (error);
  g_assert_cmpstr (err, ==, "");
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  apps = cairo_image_surface_create_from_png (app_png);
  ours = cairo_image_surface_create_from_png (cli_png);
  g_assert_cmpint (cairo_surface_status (apps), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_surface_status (ours), ==, CAIRO_STATUS_SUCCESS);
  differing = pixels_differing (apps, ours);
  g_test_message ("%s: %d rows of %d differ between the app's picture and the CLI's", what, differing,
                  cairo_image_surface_get_height (apps));
  g_assert_cmpint (differing, ==, 0);
  cairo_surface_destroy (apps);
  cairo_surface_destroy (ours);
}

static gboolean
trained_to_the_end (gpointer data)
{
  NnbTrainer *trainer = nnb_document_get_trainer (nnb_window_get_document (data));
  g_autoptr (NnbSnapshot) snapshot = NULL;
  NnbLossSeries shown;

  if (trainer == NULL)
    return FALSE;
  snapshot = nnb_trainer_get_snapshot (trainer);
  /* the panel holds the last snapshot: its loss plot has every epoch */
  nnb_plots_panel_get_loss_series (nnb_ui_test_window_child (data, "plots_panel"), &shown);
  return (snapshot->state == NNB_TRAINER_FINISHED || snapshot->state == NNB_TRAINER_CONVERGED) &&
         shown.n == (int) snapshot->losses->len;
}

/* The project as it came (path): its diagram on opening, then its loss
 * plot after the whole run Train makes; the CLI draws both from the file. */
static void
check_diagram_and_loss (NnbApplication *app, NnbWindow *window, gpointer data)
{
  const char *path = data;
  g_autofree char *dir = g_dir_make_tmp ("nnb-ui-test-XXXXXX", NULL);
  g_autofree char *app_png = g_build_filename (dir, "app.png", NULL);
  g_autofree char *cli_png = g_build_filename (dir, "cli.png", NULL);
  g_autoptr (GError) error = NULL;

  g_assert_true (nnb_ui_test_wait_until (nnb_ui_test_has_document, window));
  g_assert_true (nnb_picture_export (app_png, NNB_PICTURE_EXPORT_WIDTH, NNB_PICTURE_EXPORT_HEIGHT, draw_diagram_to,
                                     nnb_ui_test_window_child (window, "diagram_view"), &error));
  g_assert_no_error (error);
  assert_cli_draws_the_same (path, "diagram", app_png, cli_png);

  g_action_group_activate_action (G_ACTION_GROUP (window), "train", NULL);
  g_assert_true (nnb_ui_test_wait_until (trained_to_the_end, window));
  g_assert_true (nnb_picture_export (app_png, NNB_PICTURE_EXPORT_WIDTH, NNB_PICTURE_EXPORT_HEIGHT, draw_loss_to,
                                     nnb_ui_test_window_child (window, "plots_panel"), &error));
  g_assert_no_error (error);
  assert_cli_draws_the_same (path, "loss", app_png, cli_png);

  g_remove (app_png);
  g_remove (cli_png);
  g_rmdir (dir);
}

static void
test_same_diagram_and_loss (gconstpointer data)
{
  g_autofree char *path = nnb_ui_test_copy_example (data);
  const char *argv[] = { "nnblocks", path, NULL };

  nnb_ui_test_run_app (argv, check_diagram_and_loss, path);
  nnb_ui_test_remove_copy (path);
}

static void
check_same_picture (NnbApplication *app, NnbWindow *window, gpointer data)
{
  const char *name = data;
  NnbPlotsPanel *panel = nnb_ui_test_window_child (window, "plots_panel");
  g_autofree char *dir = g_dir_make_tmp ("nnb-ui-test-XXXXXX", NULL);
  g_autofree char *saved = g_build_filename (dir, name, NULL);
  g_autofree char *app_png = g_build_filename (dir, "app.png", NULL);
  g_autofree char *cli_png = g_build_filename (dir, "cli.png", NULL);
  g_autofree char *err = NULL;
  g_autoptr (GError) error = NULL;
  const char *argv[] = { g_getenv ("NNB_CLI"), "export", saved, "--format", "png", "-o", cli_png, NULL };
  cairo_surface_t *apps, *ours;
  int differing, status;

  g_assert_nonnull (argv[0]);
  g_assert_true (nnb_ui_test_wait_until (nnb_ui_test_has_document, window));
  g_action_group_activate_action (G_ACTION_GROUP (window), "step", NULL);
  g_assert_true (nnb_ui_test_wait_until (stepped_once, window));

  /* the window's Export Picture of the data plot, and the weights it shows
   * saved (paused: the model is the trainer's, but nothing changes it) */
  g_assert_true (nnb_picture_export (app_png, NNB_PICTURE_EXPORT_WIDTH, NNB_PICTURE_EXPORT_HEIGHT, draw_data_to,
                                     panel, &error));
  g_assert_no_error (error);
  g_assert_true (nnb_project_save (nnb_document_get_project (nnb_window_get_document (window)), saved, TRUE, &error));
  g_assert_no_error (error);

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err, &status,
                               &error));
  g_assert_no_error (error);
  g_assert_cmpstr (err, ==, "");
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  apps = cairo_image_surface_create_from_png (app_png);
  ours = cairo_image_surface_create_from_png (cli_png);
  g_assert_cmpint (cairo_surface_status (apps), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_surface_status (ours), ==, CAIRO_STATUS_SUCCESS);
  differing = pixels_differing (apps, ours);
  g_test_message ("%s: %d rows of %d differ between the app's picture and the CLI's", name, differing,
                  cairo_image_surface_get_height (apps));
  g_assert_cmpint (differing, ==, 0);

  cairo_surface_destroy (apps);
  cairo_surface_destroy (ours);
  g_remove (saved);
  g_remove (app_png);
  g_remove (cli_png);
  g_rmdir (dir);
}

static void
test_same_picture (gconstpointer data)
{
  const char *name = data;
  g_autofree char *path = nnb_ui_test_copy_example (name);
  const char *argv[] = { "nnblocks", path, NULL };

  nnb_ui_test_run_app (argv, check_same_picture, (gpointer) name);
  nnb_ui_test_remove_copy (path);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (!gtk_init_check ())
    {
      g_test_add_func ("/ui/picture-cli/needs-a-display", nnb_ui_test_skip_without_display);
      return g_test_run ();
    }
  /* a whole run of training, on a loaded machine */
  nnb_ui_test_set_wait_seconds (60);
  g_test_add_data_func ("/ui/picture-cli/xor-boundary", "xor.nnb", test_same_picture);
  g_test_add_data_func ("/ui/picture-cli/regression-line", "regression.nnb", test_same_picture);
  g_test_add_data_func ("/ui/picture-cli/xor-diagram-and-loss", "xor.nnb", test_same_diagram_and_loss);
  g_test_add_data_func ("/ui/picture-cli/regression-diagram-and-loss", "regression.nnb", test_same_diagram_and_loss);

  return g_test_run ();
}
