/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-weights-view.c — Show Weights on a 2→4→2 net (Linear, Tanh,
 * Linear on the xor data): editor.show-weights turns the palette's toggle
 * on and draws both Linears taller, one line per weight; the read-out on
 * a line says "0.weight[2, 0] = …" with the model's value and on an
 * output dot the unit's formula; every block stays inside the canvas at
 * 1280×720 and in presentation mode; the toggle turns it off again.
 *
 * Screenshots for a person to look at: WEIGHTS_SCREENSHOT_1600,
 * WEIGHTS_SCREENSHOT_720 and WEIGHTS_SCREENSHOT_PRESENTATION (PNG paths).
 * Runs under Xvfb; skips without a display. */
#include "nnb-config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>

#include "nnb-block-palette.h"
#include "nnb-diagram-view.h"
#include "nnb-diagram-weights.h"
#include "nnb-ui-test-access.h"
#include "nnb-ui-test-util.h"
#include "nnb-window.h"

static const char project_2_4_2[] =
  "{\"format\": \"nnblocks\", \"version\": 1, \"title\": \"Weights on the wires\",\n"
  " \"model\": {\"class\": \"Sequential\", \"modules\": [\n"
  "   {\"type\": \"Linear\", \"in_features\": 2, \"out_features\": 4, \"bias\": true},\n"
  "   {\"type\": \"Tanh\"},\n"
  "   {\"type\": \"Linear\", \"in_features\": 4, \"out_features\": 2, \"bias\": true}]},\n"
  " \"seed\": 0, \"model_seed\": 1,\n"
  " \"data\": {\"kind\": \"xor\", \"n\": 200, \"noise\": 0.05, \"test_fraction\": 0.25},\n"
  " \"training\": {\"optimizer\": \"Adam\", \"lr\": 0.05, \"loss\": \"CrossEntropyLoss\", \"epochs\": 100,\n"
  "              \"batch_size\": 0, \"device\": \"cpu\"}}\n";

static void
resize (NnbWindow *window, int width, int height)
{
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  nnb_ui_test_settle (600);
}

/* A Linear's height over the Tanh's: the zoom cancels out. */
static double
linear_height_ratio (NnbDiagramView *view, int linear, int tanh)
{
  double a[4], b[4];

  g_assert_true (nnb_diagram_view_get_block_rect (view, linear, a));
  g_assert_true (nnb_diagram_view_get_block_rect (view, tanh, b));
  return a[3] / b[3];
}

static void
assert_inside (NnbDiagramView *view, const char *when)
{
  const NnbGraph *graph = nnb_diagram_view_get_graph (view);
  int width = gtk_widget_get_width (GTK_WIDGET (view)), height = gtk_widget_get_height (GTK_WIDGET (view));
  double block_px, label_px;

  nnb_diagram_view_get_text_sizes (view, &block_px, &label_px);
  g_test_message ("%s: canvas %d×%d, block text %.1f px", when, width, height, block_px);
  for (guint i = 0; i < graph->blocks->len; i++)
    {
      double r[4];

      g_assert_true (nnb_diagram_view_get_block_rect (view, i, r));
      g_assert_cmpfloat (r[0], >=, 0);
      g_assert_cmpfloat (r[1], >=, 0);
      g_assert_cmpfloat (r[0] + r[2], <=, width);
      g_assert_cmpfloat (r[1] + r[3], <=, height);
    }
}

static void
check_show_weights (NnbApplication *app, NnbWindow *window, gpointer data)
{
  NnbDiagramView *view;
  GtkToggleButton *toggle;
  const NnbGraph *graph;
  NnbModel *model;
  NnbParameter *weight, *bias;
  NnbDiagramWeights values;
  int first, tanh;
  double before, x0, y0, x1, y1;
  gboolean shown = FALSE;

  g_assert_true (nnb_ui_test_wait_until (nnb_ui_test_diagram_ready, window));
  resize (window, 1600, 1000);
  view = nnb_ui_test_window_child (window, "diagram_view");
  toggle = nnb_ui_test_template_child (nnb_ui_test_window_child (window, "block_palette"), NNB_TYPE_BLOCK_PALETTE,
                                       "show_weights_button");
  graph = nnb_diagram_view_get_graph (view);
  first = nnb_graph_find_block (graph, "0");
  tanh = nnb_graph_find_block (graph, "1");
  g_assert_cmpint (first, >=, 0);
  g_assert_cmpint (tanh, >=, 0);
  before = linear_height_ratio (view, first, tanh);
  g_assert_false (gtk_toggle_button_get_active (toggle));

  /* the action, as a menu or a shortcut would */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "editor.show-weights", NULL));
  nnb_ui_test_settle (300);
  g_object_get (view, "show-weights", &shown, NULL);
  g_assert_true (shown);
  g_assert_true (gtk_toggle_button_get_active (toggle));
  /* four dots on the right of Linear(2, 4) need room the title did not have */
  g_assert_cmpfloat (linear_height_ratio (view, first, tanh), >, before * 1.5);
  assert_inside (view, "1600×1000");
  nnb_ui_test_screenshot_if_asked ("WEIGHTS_SCREENSHOT_1600");

  /* the read-out speaks the model's values */
  model = nnb_document_get_project (nnb_window_get_document (window))->model;
  weight = nnb_model_get_parameter (model, "0.weight");
  bias = nnb_model_get_parameter (model, "0.bias");
  g_assert_nonnull (weight);
  values = (NnbDiagramWeights){ "0", 2, 4, weight->value->data, bias->value->data };
  g_assert_true (nnb_diagram_view_get_weight_dot (view, first, FALSE, 0, &x0, &y0));
  g_assert_true (nnb_diagram_view_get_weight_dot (view, first, TRUE, 2, &x1, &y1));
  {
    /* a quarter of the way along: the middle is where W[1, 1] crosses it */
    g_autofree char *line = nnb_diagram_view_get_weights_readout (view, x0 + (x1 - x0) / 4, y0 + (y1 - y0) / 4);
    g_autofree char *expected_line = nnb_diagram_weights_value_text (&values, 2, 0);
    g_autofree char *dot = nnb_diagram_view_get_weights_readout (view, x1, y1);
    g_autofree char *expected_dot = nnb_diagram_weights_formula (&values, 2);

    g_test_message ("line: %s; dot: %s", line, dot);
    g_assert_cmpstr (line, ==, expected_line);
    g_assert_true (g_str_has_prefix (line, "0.weight[2, 0] = "));
    g_assert_cmpstr (dot, ==, expected_dot);
    g_assert_true (g_str_has_prefix (dot, "h₃ = "));
  }

  resize (window, 1280, 720);
  assert_inside (view, "1280×720");
  nnb_ui_test_screenshot_if_asked ("WEIGHTS_SCREENSHOT_720");
  g_action_group_change_action_state (G_ACTION_GROUP (window), "presentation", g_variant_new_boolean (TRUE));
  nnb_ui_test_settle (600);
  assert_inside (view, "1280×720, presentation mode");
  nnb_ui_test_screenshot_if_asked ("WEIGHTS_SCREENSHOT_PRESENTATION");
  g_action_group_change_action_state (G_ACTION_GROUP (window), "presentation", g_variant_new_boolean (FALSE));
  nnb_ui_test_settle (300);

  /* the palette's toggle turns it off: the blocks as they were */
  gtk_toggle_button_set_active (toggle, FALSE);
  nnb_ui_test_settle (300);
  g_object_get (view, "show-weights", &shown, NULL);
  g_assert_false (shown);
  g_assert_cmpfloat (fabs (linear_height_ratio (view, first, tanh) - before), <, 1e-6);
}

static void
test_show_weights (void)
{
  g_autofree char *dir = g_dir_make_tmp ("nnb-weights-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "w.nnb", NULL);
  const char *argv[] = { "nnblocks", path, NULL };

  g_assert_true (g_file_set_contents (path, project_2_4_2, -1, NULL));
  nnb_ui_test_run_app (argv, check_show_weights, NULL);
  g_remove (path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check ())
    {
      g_test_add_func ("/weights/needs-an-x11-display", nnb_ui_test_skip_without_display);
      return g_test_run ();
    }
  g_test_add_func ("/weights/show-weights-on-a-2-4-2-net", test_show_weights);
  return g_test_run ();
}
