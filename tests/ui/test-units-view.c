/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-units-view.c — "Inside every unit" in the window: SineNet's first
 * Tanh (net[1], a layer of the opened Sequential) chosen in the diagram
 * shows 64 curves in the Units tab before training, and other ones after
 * a few steps; nothing or several blocks selected, one sentence. Set
 * NNB_SHOT_UNITS to a file name for a screenshot. */
#include <string.h>

#include "nnb-ui-test-util.h"
#include "nnb-units-view.h"

typedef struct
{
  NnbUnitsView *view;
  const float *before;
} Wait;

/* The view shows net[1]'s 64 curves, and most of them moved. */
static gboolean
curves_moved (gpointer data)
{
  Wait *wait = data;
  const NnbUnits *u = nnb_units_view_get_units (wait->view);
  int changed = 0;

  if (u == NULL || u->units != 64 || u->layer != 1)
    return FALSE;
  for (int k = 0; k < 64 * u->size; k++)
    changed += u->values[k] != wait->before[k];
  return changed > 64 * u->size / 2;
}

static void
check_sinenet_units (NnbApplication *app, NnbWindow *window, gpointer data)
{
  NnbDiagramView *diagram = nnb_ui_test_window_child (window, "diagram_view");
  NnbUnitsView *view = nnb_ui_test_window_child (window, "units_view");
  AdwViewStack *side = nnb_ui_test_window_child (window, "side_stack");
  const NnbUnits *u;
  g_autofree float *before = NULL;
  int net;

  g_assert_true (nnb_ui_test_wait_until (nnb_ui_test_diagram_ready, window));
  adw_view_stack_set_visible_child_name (side, "units");
  g_assert_null (nnb_units_view_get_units (view));
  g_assert_nonnull (strstr (nnb_units_view_get_text (view), "Select one block"));

  net = nnb_graph_find_block (nnb_diagram_view_get_graph (diagram), "net");
  nnb_ui_test_edit (diagram, "editor.select", g_variant_new_string ("net"));
  nnb_ui_test_edit (diagram, "editor.expand", NULL);
  nnb_diagram_view_choose_layer (diagram, net, 1);
  nnb_ui_test_settle (100);
  u = nnb_units_view_get_units (view);
  g_assert_nonnull (u);
  g_assert_cmpint (u->node, ==, net);
  g_assert_cmpint (u->layer, ==, 1);
  g_assert_cmpint (u->units, ==, 64);
  g_assert_cmpint (u->inputs, ==, 1);
  g_assert_nonnull (strstr (nnb_units_view_get_text (view), "net[1] (Tanh): 64 units"));
  before = g_memdup2 (u->values, (gsize) 64 * u->size * sizeof (float));
  nnb_ui_test_screenshot_if_asked ("NNB_SHOT_UNITS");

  /* a few steps of training: the curves follow the weights */
  for (int k = 0; k < 5; k++)
    {
      g_action_group_activate_action (G_ACTION_GROUP (window), "step", NULL);
      nnb_ui_test_settle (150);
    }
  {
    Wait wait = { view, before };
    g_assert_true (nnb_ui_test_wait_until (curves_moved, &wait));
  }
  nnb_ui_test_settle (300);
  nnb_ui_test_screenshot_if_asked ("NNB_SHOT_UNITS_TRAINED");
  /* presentation mode (F5): the same plots, larger type */
  if (g_getenv ("NNB_SHOT_UNITS_PRESENTING") != NULL)
    {
      g_object_set (window, "presentation-mode", TRUE, NULL);
      nnb_ui_test_settle (500);
      nnb_ui_test_screenshot_if_asked ("NNB_SHOT_UNITS_PRESENTING");
      g_object_set (window, "presentation-mode", FALSE, NULL);
      nnb_ui_test_settle (200);
    }

  /* the whole Sequential: its output, one unit */
  nnb_diagram_view_choose_layer (diagram, net, -1);
  nnb_ui_test_settle (300);
  u = nnb_units_view_get_units (view);
  g_assert_nonnull (u);
  g_assert_cmpint (u->layer, ==, -1);
  g_assert_cmpint (u->units, ==, 1);

  /* several blocks: one sentence, no plots */
  nnb_ui_test_edit (diagram, "editor.select-all", NULL);
  g_assert_null (nnb_units_view_get_units (view));
  g_assert_nonnull (strstr (nnb_units_view_get_text (view), "Several blocks"));
}

static void
test_sinenet_tanh_shows_64_live_curves (void)
{
  g_autofree char *path = nnb_ui_test_example_path ("sinenet.nnb");
  const char *argv[] = { "nnblocks", path, NULL };

  nnb_ui_test_run_app (argv, check_sinenet_units, NULL);
}

static void
check_xor_units (NnbApplication *app, NnbWindow *window, gpointer data)
{
  NnbDiagramView *diagram = nnb_ui_test_window_child (window, "diagram_view");
  NnbUnitsView *view = nnb_ui_test_window_child (window, "units_view");
  AdwViewStack *side = nnb_ui_test_window_child (window, "side_stack");
  const NnbUnits *u;

  g_assert_true (nnb_ui_test_wait_until (nnb_ui_test_diagram_ready, window));
  adw_view_stack_set_visible_child_name (side, "units");
  /* xor's Tanh, the block "1" of its Sequential: 8 heat maps */
  nnb_ui_test_edit (diagram, "editor.select", g_variant_new_string ("1"));
  nnb_ui_test_settle (200);
  u = nnb_units_view_get_units (view);
  g_assert_nonnull (u);
  g_assert_cmpint (u->inputs, ==, 2);
  g_assert_cmpint (u->units, ==, 8);
  g_assert_nonnull (strstr (nnb_units_view_get_text (view), "input plane"));
  nnb_ui_test_screenshot_if_asked ("NNB_SHOT_UNITS_XOR");
}

static void
test_xor_hidden_layer_shows_heat_maps (void)
{
  g_autofree char *path = nnb_ui_test_example_path ("xor.nnb");
  const char *argv[] = { "nnblocks", path, NULL };

  nnb_ui_test_run_app (argv, check_xor_units, NULL);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check ())
    {
      g_test_add_func ("/units-view/skipped", nnb_ui_test_skip_without_display);
      return g_test_run ();
    }
  nnb_ui_test_set_wait_seconds (30);
  g_test_add_func ("/units-view/sinenet-tanh-shows-64-live-curves", test_sinenet_tanh_shows_64_live_curves);
  g_test_add_func ("/units-view/xor-hidden-layer-shows-heat-maps", test_xor_hidden_layer_shows_heat_maps);
  return g_test_run ();
}
