/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-data-fit.c — the input block knows the data (issue 19): the page's
 * residual MLP, made for 3 features, opened beside 1-feature sine data.
 * The input block shows the data's (B, 1); the first Linear turns red with
 * PyTorch's message before anything runs; Train and Step are off, and the
 * Train button's tooltip says why in PyTorch's words for the first step
 * (`mat1 and mat2 shapes cannot be multiplied (200x1 and 3x16)`, what
 * nn.Linear(3, 16)(torch.randn(200, 1)) raises). The one-click fix sets
 * in_features to 1 and Train comes back. Runs under Xvfb; skips without a
 * display. */
#include "nnb-config.h"

#include <adwaita.h>
#include <gdk/x11/gdkx.h>
#include <glib/gstdio.h>
#include <string.h>

#include "nnb-diagram-view.h"
#include "nnb-document.h"
#include "nnb-graph.h"
#include "nnb-ui-test-util.h"
#include "nnb-window.h"

static void
act (NnbDiagramView *view, const char *action, GVariant *parameter)
{
  g_assert_true (gtk_widget_activate_action_variant (GTK_WIDGET (view), action, parameter));
  nnb_ui_test_settle (5);
}

static gboolean
train_enabled (gpointer window)
{
  return g_action_group_get_action_enabled (G_ACTION_GROUP (window), "train");
}

static const char *
train_tooltip (NnbWindow *window)
{
  GtkStack *stack = nnb_ui_test_window_child (window, "train_stack");

  return gtk_widget_get_tooltip_text (gtk_stack_get_child_by_name (stack, "train"));
}

static void
check_input_block_knows_the_data (NnbApplication *app, NnbWindow *window, gpointer data)
{
  NnbDiagramView *view;
  const NnbGraph *graph;
  int x, fc1;

  g_assert_true (nnb_ui_test_wait_until (nnb_ui_test_diagram_ready, window));
  view = nnb_ui_test_window_child (window, "diagram_view");
  graph = nnb_diagram_view_get_graph (view);
  x = nnb_graph_find_block (graph, "x");
  fc1 = nnb_graph_find_block (graph, "fc1");
  g_assert_cmpint (x, >=, 0);
  g_assert_cmpint (fc1, >=, 0);

  /* the data's shape, not the first Linear's */
  {
    g_autofree char *shape = nnb_diagram_view_get_block_shape (view, x);
    g_assert_cmpstr (shape, ==, "(B, 1)");
  }
  g_assert_cmpstr (nnb_diagram_view_get_block_error (view, fc1), ==,
                   "mat1 and mat2 shapes cannot be multiplied (Bx1 and 3x16)");
  /* before anything runs: no Train, no Step, and the reason on the button */
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "train"));
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "step"));
  g_assert_nonnull (strstr (train_tooltip (window), "mat1 and mat2 shapes cannot be multiplied (200x1 and 3x16)"));

  /* NNB_DATA_FIT_SCREENSHOT=file.png: fc1's editor open on the mismatch,
   * with its fix, for a person to look at (not a check) */
  if (g_getenv ("NNB_DATA_FIT_SCREENSHOT") != NULL)
    {
      adw_flap_set_reveal_flap (nnb_ui_test_window_child (window, "flap"), FALSE);
      nnb_ui_test_settle (600);
      act (view, "editor.fit", NULL);
      act (view, "editor.select", g_variant_new_string ("fc1"));
      act (view, "editor.edit", NULL);
      nnb_ui_test_settle (500);
      nnb_ui_test_screenshot_if_asked ("NNB_DATA_FIT_SCREENSHOT");
    }

  /* one click: in_features from the wire, that is from the data */
  act (view, "editor.select", g_variant_new_string ("fc1"));
  act (view, "editor.fix-in-features", NULL);
  graph = nnb_diagram_view_get_graph (view);
  g_assert_null (nnb_diagram_view_get_block_error (view, fc1));
  g_assert_cmpint (nnb_graph_block_module (graph, fc1)->in_features, ==, 1);
  g_assert_true (nnb_ui_test_wait_until (train_enabled, window));
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "step"));
  g_assert_cmpstr (train_tooltip (window), ==, "Train the Network");
}

/* mlp-residual.nnb with the sine data of the page's exercise (200 points,
 * one feature) and the whole data set as one batch. */
static char *
write_residual_mlp_on_sine (void)
{
  g_autofree char *example = nnb_ui_test_example_path ("mlp-residual.nnb");
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) project = NULL;
  g_autofree char *dir = g_dir_make_tmp ("nnb-data-fit-XXXXXX", &error);
  char *path;

  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (example, &text, NULL, &error));
  project = g_string_new (text);
  g_assert_cmpuint (g_string_replace (project, "{\"kind\": \"sine-product\", \"n\": 1024, \"noise\": 0}",
                                      "{\"kind\": \"sine\", \"n\": 200, \"noise\": 0.1}", 1),
                    ==, 1);
  g_assert_cmpuint (g_string_replace (project, "\"batch_size\": 32", "\"batch_size\": 0", 1), ==, 1);
  path = g_build_filename (dir, "residual-on-sine.nnb", NULL);
  g_assert_true (g_file_set_contents (path, project->str, project->len, &error));
  return path;
}

static void
test_input_block_knows_the_data (void)
{
  g_autofree char *path = write_residual_mlp_on_sine ();
  g_autofree char *dir = g_path_get_dirname (path);
  const char *argv[] = { "nnblocks", path, NULL };

  nnb_ui_test_run_app (argv, check_input_block_knows_the_data, NULL);
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_skip_without_display (void)
{
  g_test_skip ("no X11 display: the window's tests run under Xvfb");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check () || !GDK_IS_X11_DISPLAY (gdk_display_get_default ()))
    {
      g_test_add_func ("/data-fit/needs-an-x11-display", test_skip_without_display);
      return g_test_run ();
    }
  g_test_add_func ("/data-fit/input-block-knows-the-data", test_input_block_knows_the_data);
  return g_test_run ();
}
