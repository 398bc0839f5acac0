/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-layout.c — the lesson and the diagram side by side: on a 1024×700
 * laptop the Day 2 lesson stays docked beside the diagram (the parameters
 * pane folds away behind a toggle) instead of covering it, and in
 * presentation mode at 1280×720 with the lesson open the diagram gets the
 * parameters pane's room, and the window still fits a 1024 px screen. Runs
 * under Xvfb; skips without a display. */
#include "nnb-config.h"

#include <adwaita.h>

#include "nnb-diagram-view.h"
#include "nnb-ui-test-util.h"
#include "nnb-window.h"

/* The diagram's canvas in presentation mode at 1280×720 with the lesson
 * open, before the parameters pane gave way: about 428×278. */
#define OLD_CANVAS_WIDTH 428
#define OLD_CANVAS_HEIGHT 278

static void
resize (NnbWindow *window, int width, int height)
{
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  nnb_ui_test_settle (800);
}

/* widget's rectangle in the window's coordinates */
static graphene_rect_t
bounds (NnbWindow *window, GtkWidget *widget)
{
  graphene_rect_t r;

  g_assert_true (gtk_widget_compute_bounds (widget, GTK_WIDGET (window), &r));
  return r;
}

/* the toggle button under widget that shows icon, or NULL */
static GtkWidget *
find_toggle (GtkWidget *widget, const char *icon)
{
  if (GTK_IS_TOGGLE_BUTTON (widget) && g_strcmp0 (gtk_button_get_icon_name (GTK_BUTTON (widget)), icon) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_toggle (child, icon);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
assert_side_by_side (NnbWindow *window, const char *when)
{
  GtkWidget *lesson = nnb_ui_test_window_child (window, "lesson_panel");
  GtkWidget *diagram = nnb_ui_test_window_child (window, "diagram_view");
  graphene_rect_t l, d;

  g_assert_true (gtk_widget_get_mapped (lesson));
  g_assert_true (gtk_widget_get_mapped (diagram));
  l = bounds (window, lesson);
  d = bounds (window, diagram);
  g_test_message ("%s: window %d×%d, lesson %.0f,%.0f %.0f×%.0f, diagram %.0f,%.0f %.0f×%.0f", when,
                  gtk_widget_get_width (GTK_WIDGET (window)), gtk_widget_get_height (GTK_WIDGET (window)),
                  l.origin.x, l.origin.y, l.size.width, l.size.height, d.origin.x, d.origin.y, d.size.width,
                  d.size.height);
  g_assert_cmpfloat (l.size.width, >, 0);
  g_assert_cmpfloat (l.size.height, >, 0);
  g_assert_cmpfloat (d.size.width, >, 0);
  g_assert_cmpfloat (d.size.height, >, 0);
  g_assert_false (graphene_rect_intersection (&l, &d, NULL));
  /* docked, not an overlay over the content */
  g_assert_false (adw_flap_get_folded (nnb_ui_test_window_child (window, "flap")));
  /* both inside the window */
  g_assert_cmpfloat (d.origin.x + d.size.width, <=, gtk_widget_get_width (GTK_WIDGET (window)));
}

static void
check_laptop (NnbApplication *app, NnbWindow *window, gpointer data)
{
  AdwFlap *flap;

  g_assert_true (nnb_ui_test_wait_until (nnb_ui_test_diagram_ready, window));
  flap = nnb_ui_test_window_child (window, "flap");
  resize (window, 1024, 700);
  g_assert_true (adw_flap_get_reveal_flap (flap));
  assert_side_by_side (window, "1024×700");

  /* closing the lesson at this size keeps it closed; opening it docks it again */
  adw_flap_set_reveal_flap (flap, FALSE);
  nnb_ui_test_settle (800);
  g_assert_false (adw_flap_get_reveal_flap (flap));
  g_assert_true (gtk_widget_get_mapped (nnb_ui_test_window_child (window, "side_stack")));
  adw_flap_set_reveal_flap (flap, TRUE);
  nnb_ui_test_settle (800);
  assert_side_by_side (window, "1024×700, lesson reopened");
  g_assert_false (gtk_widget_get_mapped (nnb_ui_test_window_child (window, "side_stack")));

  /* the header bar's toggle shows the folded parameters anyway, and hides them again */
  {
    GtkWidget *side = nnb_ui_test_window_child (window, "side_stack");
    GtkWidget *toggle = find_toggle (GTK_WIDGET (window), "sidebar-show-right-symbolic");
    g_assert_nonnull (toggle);
    g_assert_true (gtk_widget_get_mapped (toggle));
    gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (toggle), TRUE);
    nnb_ui_test_settle (600);
    g_assert_true (gtk_widget_get_mapped (side));
    gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (toggle), FALSE);
    nnb_ui_test_settle (800);
    assert_side_by_side (window, "1024×700, parameters shown and hidden again");
  }

  /* a roomy window shows everything again */
  resize (window, 1400, 900);
  assert_side_by_side (window, "1400×900");
  g_assert_true (gtk_widget_get_mapped (nnb_ui_test_window_child (window, "side_stack")));

  /* and a window made narrow again folds the parameters, not the lesson */
  resize (window, 1024, 700);
  assert_side_by_side (window, "1024×700 again");
}

static void
test_laptop (void)
{
  g_autofree char *path = nnb_ui_test_example_path ("sinenet.nnb");
  const char *argv[] = { "nnblocks", "--lesson", "day02", path, NULL };

  nnb_ui_test_run_app (argv, check_laptop, NULL);
}

static void
check_presentation (NnbApplication *app, NnbWindow *window, gpointer data)
{
  GtkWidget *diagram;
  int width, height;

  g_assert_true (nnb_ui_test_wait_until (nnb_ui_test_diagram_ready, window));
  diagram = nnb_ui_test_window_child (window, "diagram_view");
  resize (window, 1280, 720);
  g_action_group_change_action_state (G_ACTION_GROUP (window), "presentation", g_variant_new_boolean (TRUE));
  nnb_ui_test_settle (800);
  g_assert_true (adw_flap_get_reveal_flap (nnb_ui_test_window_child (window, "flap")));
  assert_side_by_side (window, "1280×720, presentation mode");
  width = gtk_widget_get_width (diagram);
  height = gtk_widget_get_height (diagram);
  {
    double block_px, label_px;

    nnb_diagram_view_get_text_sizes (NNB_DIAGRAM_VIEW (diagram), &block_px, &label_px);
    g_test_message ("presentation canvas %d×%d (was about %d×%d), block text %.1f px, wire labels %.1f px", width,
                    height, OLD_CANVAS_WIDTH, OLD_CANVAS_HEIGHT, block_px, label_px);
  }
  g_assert_cmpint (width, >, OLD_CANVAS_WIDTH + 200);
  g_assert_cmpint (height, >=, OLD_CANVAS_HEIGHT);

  /* on a 1024 px laptop the window, header bar and all, still fits: its
   * contents' narrowest (the window's first child, without the shadow and
   * the resize border) is at most 1024; a labelled Data button made it
   * 1057, the icon 1018 */
  {
    int min_width;

    gtk_widget_measure (gtk_widget_get_first_child (GTK_WIDGET (window)), GTK_ORIENTATION_HORIZONTAL, -1,
                        &min_width, NULL, NULL, NULL);
    g_test_message ("presentation mode, the window's contents at their narrowest: %d px", min_width);
    g_assert_cmpint (min_width, <=, 1024);
  }

  /* presentation mode off: the parameters come back */
  g_action_group_change_action_state (G_ACTION_GROUP (window), "presentation", g_variant_new_boolean (FALSE));
  nnb_ui_test_settle (800);
  g_assert_true (gtk_widget_get_mapped (nnb_ui_test_window_child (window, "side_stack")));
}

static void
test_presentation (void)
{
  g_autofree char *path = nnb_ui_test_example_path ("mlp-residual.nnb");
  const char *argv[] = { "nnblocks", "--lesson", "day02", path, NULL };

  nnb_ui_test_run_app (argv, check_presentation, NULL);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check ())
    {
      g_test_add_func ("/layout/needs-an-x11-display", nnb_ui_test_skip_without_display);
      return g_test_run ();
    }
  g_test_add_func ("/layout/laptop", test_laptop);
  g_test_add_func ("/layout/presentation", test_presentation);
  return g_test_run ();
}
