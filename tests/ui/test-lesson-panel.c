/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-lesson-panel.c — the Day 2 lesson in the app, as a student walks
 * it: on every step "Show me", then "Check", until every check has passed;
 * what Show me printed is the page's real output; Check before Show me
 * says what is missing; the progress is still there on the next start.
 *
 * Runs under Xvfb with GSETTINGS_BACKEND=memory (see meson.build), so the
 * progress kept is this process's only; skips when there is no display. */
#include "nnb-config.h"

#include <adwaita.h>
#include <string.h>

#include "nnb-application.h"
#include "nnb-lesson-panel.h"
#include "nnb-plots-panel.h"
#include "nnb-ui-test-util.h"
#include "nnb-window.h"

/* SineNet trains 1544 epochs while the window draws: generous on a busy machine */
#define WAIT_SECONDS 120

typedef void (*PanelCheck) (NnbWindow *window, NnbLessonPanel *panel);

static gboolean
is_idle (gpointer panel)
{
  return !nnb_lesson_panel_is_busy (panel);
}

static void
check_panel (NnbApplication *app, NnbWindow *window, gpointer data)
{
  const PanelCheck *check = data;

  (*check) (window, nnb_window_get_lesson_panel (window));
}

/* The application with the Day 2 lesson open; check gets its lesson panel. */
static void
run_app (PanelCheck check)
{
  const char *argv[] = { "nnblocks", "--lesson", "day02", NULL };

  nnb_ui_test_run_app (argv, check_panel, &check);
}

static int
step_index (NnbLessonPanel *panel, const char *id)
{
  int index = nnb_lesson_find_step (nnb_lesson_panel_get_lesson (panel), id);

  g_assert_cmpint (index, >=, 0);
  return index;
}

/* Check before Show me: the exercise says what is missing, and nothing passes. */
static void
check_before_show_me (NnbWindow *window, NnbLessonPanel *panel)
{
  g_assert_nonnull (nnb_lesson_panel_get_lesson (panel));
  nnb_lesson_panel_set_step (panel, step_index (panel, "exercise"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "lesson.check", NULL));
  /* said once, not once per check */
  g_assert_cmpstr (nnb_lesson_panel_get_result (panel), ==,
                   "✗ There is no model yet: press Show me to load this step’s model.");
  g_assert_false (nnb_lesson_panel_step_passed (panel, step_index (panel, "exercise")));
}

static void
test_check_before_show_me_says_what_is_missing (void)
{
  run_app (check_before_show_me);
}

static const struct
{
  const char *step;
  const char *printed;
} expected_output[] = {
  { "linear", "tensor([[-0.0043,  0.3097, -0.4752]," },
  { "flat-input", "RuntimeError: mat1 and mat2 shapes cannot be multiplied (1x5 and 3x2)" },
  { "shape-mistake", "RuntimeError: mat1 and mat2 shapes cannot be multiplied (5x16 and 8x1)" },
  { "parameter-tree", "total parameters: 353" },
  { "shape-trace", "Linear   -> (5, 1)" },
  { "init", "tensor(0.3105, grad_fn=<StdBackward0>)" },
  { "regression", "epoch 199 loss 0.3421" },
  { "regression", "learned: y = 3.077x + 1.432" },
  { "zero-grad", "tensor([[3.1737406]])" },
  { "lr-too-large", "params: 4353\n" },
  { "lr-too-large", "epoch   2 loss 32.3362" },
  { "exercise", "params: 4353\n" },
  { "exercise", "converged at epoch 1543, loss 0.0200" },
  { "straight-line", "epoch 4999 loss 0.2109" },
};

/* What Check says in its own words: never a contradiction of the output
 * above it (0.0200 printed by the program, 0.01998 below 0.02 in the check;
 * nan at epoch 25, where the printout has inf from epoch 21). */
static const struct
{
  const char *step;
  const char *said;
} expected_result[] = {
  { "lr-too-large", "✓ The loss was inf from epoch 21 and nan at epoch 25: lr 0.1 is too large." },
  { "exercise", "✓ The final loss is 0.01999, below 0.02, at epoch 1543." },
};

/* The acceptance walk: every step, Show me then Check, all passed. */
static void
walk_every_step (NnbWindow *window, NnbLessonPanel *panel)
{
  NnbLesson *lesson = nnb_lesson_panel_get_lesson (panel);
  GObject *plots = nnb_ui_test_window_child (window, "plots_panel");

  g_assert_nonnull (lesson);
  nnb_lesson_panel_set_step (panel, 0);
  for (guint i = 0; i < lesson->steps->len; i++)
    {
      NnbLessonStep *step = lesson->steps->pdata[i];

      g_assert_cmpuint (nnb_lesson_panel_get_step (panel), ==, i);
      if (nnb_lesson_step_has_action (step))
        {
          g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "lesson.show-me", NULL));
          if (!nnb_ui_test_wait_until (is_idle, panel))
            g_error ("step %s: Show me did not finish in %d s", step->id, WAIT_SECONDS);
        }
      for (guint e = 0; e < G_N_ELEMENTS (expected_output); e++)
        if (g_str_equal (expected_output[e].step, step->id) &&
            strstr (nnb_lesson_panel_get_output (panel), expected_output[e].printed) == NULL)
          g_error ("step %s printed “%s”, without “%s”", step->id, nnb_lesson_panel_get_output (panel),
                   expected_output[e].printed);
      /* the SineNet steps quote the solution's print, not the parameter-tree program's */
      if (g_str_has_prefix (step->id, "lr-too-large") || g_str_has_prefix (step->id, "exercise"))
        g_assert_null (strstr (nnb_lesson_panel_get_output (panel), "total parameters"));
      if (step->checks->len > 0)
        {
          g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "lesson.check", NULL));
          if (!nnb_lesson_panel_step_passed (panel, i))
            g_error ("step %s: %s", step->id, nnb_lesson_panel_get_result (panel));
          g_assert_null (strstr (nnb_lesson_panel_get_result (panel), "✗"));
          for (guint e = 0; e < G_N_ELEMENTS (expected_result); e++)
            if (g_str_equal (expected_result[e].step, step->id) &&
                strstr (nnb_lesson_panel_get_result (panel), expected_result[e].said) == NULL)
              g_error ("step %s: Check said “%s”, without “%s”", step->id, nnb_lesson_panel_get_result (panel),
                       expected_result[e].said);
        }
      if (i + 1 < lesson->steps->len)
        g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "lesson.next", NULL));
    }

  for (guint i = 0; i < lesson->steps->len; i++)
    if (((NnbLessonStep *) lesson->steps->pdata[i])->checks->len > 0)
      g_assert_true (nnb_lesson_panel_step_passed (panel, i));
  /* SineNet's curve stayed on the plot beside the straight line */
  g_assert_cmpuint (nnb_plots_panel_get_n_pinned (NNB_PLOTS_PANEL (plots)), ==, 1);
  g_assert_cmpstr (nnb_document_get_name (nnb_window_get_document (window)), ==, "Linear");
}

static gboolean
is_revealed (gpointer revealer)
{
  return gtk_revealer_get_child_revealed (revealer);
}

static void
assert_apart (GtkWidget *widget, GtkWidget *button, GtkWidget *window)
{
  graphene_rect_t a, b;

  g_assert_true (gtk_widget_compute_bounds (widget, window, &a));
  g_assert_true (gtk_widget_compute_bounds (button, window, &b));
  g_assert_cmpfloat (b.size.width, >, 0);
  if (graphene_rect_intersection (&a, &b, NULL))
    g_error ("%s at (%g, %g, %g × %g) covers %s at (%g, %g, %g × %g)", G_OBJECT_TYPE_NAME (widget), a.origin.x,
             a.origin.y, a.size.width, a.size.height, gtk_button_get_label (GTK_BUTTON (button)), b.origin.x,
             b.origin.y, b.size.width, b.size.height);
}

/* The lr 0.1 step diverges: its explanation is shown whole, wrapped, and
 * neither it nor any toast lies over Show Me, Check or ›; Check still
 * registers while it is shown. */
static void
diverge_beside_the_buttons (NnbWindow *window, NnbLessonPanel *panel)
{
  const char *buttons[] = { "show_me_button", "check_button", "next_button" };
  GtkWidget *overlay = nnb_ui_test_window_child (window, "toast_overlay");
  GtkLabel *explanation = nnb_ui_test_window_child (window, "explanation_label");
  GtkWidget *child;

  nnb_lesson_panel_set_step (panel, step_index (panel, "lr-too-large"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "lesson.show-me", NULL));
  g_assert_true (nnb_ui_test_wait_until (is_idle, panel));
  g_assert_true (nnb_ui_test_wait_until (is_revealed, nnb_ui_test_window_child (window, "explanation_revealer")));
  g_assert_nonnull (strstr (gtk_label_get_text (explanation), "too large"));
  g_assert_true (gtk_label_get_wrap (explanation));
  g_assert_cmpint (gtk_label_get_ellipsize (explanation), ==, PANGO_ELLIPSIZE_NONE);
  /* and a short toast confirming something, at the same time */
  nnb_window_add_toast (window, adw_toast_new ("Saved"));
  nnb_ui_test_settle (500);

  for (guint i = 0; i < G_N_ELEMENTS (buttons); i++)
    {
      GtkWidget *button = nnb_ui_test_template_child (panel, NNB_TYPE_LESSON_PANEL, buttons[i]);

      assert_apart (GTK_WIDGET (explanation), button, GTK_WIDGET (window));
      assert_apart (overlay, button, GTK_WIDGET (window));
      /* the toasts themselves: the overlay's children besides its content */
      for (child = gtk_widget_get_first_child (overlay); child != NULL; child = gtk_widget_get_next_sibling (child))
        if (child != adw_toast_overlay_get_child (ADW_TOAST_OVERLAY (overlay)))
          assert_apart (child, button, GTK_WIDGET (window));
    }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "lesson.check", NULL));
  g_assert_nonnull (strstr (nnb_lesson_panel_get_result (panel), "✓ The loss was inf from epoch 21 and nan at epoch 25"));

  /* Reset: the explanation belonged to the old run */
  g_action_group_activate_action (G_ACTION_GROUP (window), "reset", NULL);
  nnb_ui_test_settle (100);
  g_assert_false (gtk_revealer_get_reveal_child (nnb_ui_test_window_child (window, "explanation_revealer")));
}

static void
test_explanations_never_cover_the_lesson_buttons (void)
{
  run_app (diverge_beside_the_buttons);
}

/* After the lr 0.1 run the exercise's Check has six ✓ (its structure, the
 * class and the data) and one ✗ (the loss diverged): the ✓ lines stay
 * green, and the progress counts checks, not steps. */
static void
check_log_lines_and_counts (NnbWindow *window, NnbLessonPanel *panel)
{
  NnbLesson *lesson = nnb_lesson_panel_get_lesson (panel);
  guint exercise = step_index (panel, "exercise");
  GtkWidget *box = nnb_ui_test_template_child (panel, NNB_TYPE_LESSON_PANEL, "result_box");
  GtkLabel *progress = nnb_ui_test_template_child (panel, NNB_TYPE_LESSON_PANEL, "progress_label");
  guint checks = 0, passed = 0, lines = 0;
  g_autofree char *counted = NULL;
  GtkWidget *line;

  nnb_lesson_panel_set_step (panel, step_index (panel, "lr-too-large"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "lesson.show-me", NULL));
  g_assert_true (nnb_ui_test_wait_until (is_idle, panel));
  nnb_lesson_panel_set_step (panel, exercise);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "lesson.check", NULL));

  for (line = gtk_widget_get_first_child (box); line != NULL; line = gtk_widget_get_next_sibling (line), lines++)
    {
      gboolean ok = g_str_has_prefix (gtk_label_get_text (GTK_LABEL (line)), "✓");

      g_assert_true (gtk_widget_has_css_class (line, ok ? "success" : "error"));
      g_assert_false (gtk_widget_has_css_class (line, ok ? "error" : "success"));
      passed += ok;
    }
  g_assert_cmpuint (lines, ==, 7);
  g_assert_cmpuint (passed, ==, 6);

  /* six of the exercise's seven count, unless an earlier test passed it all */
  passed = nnb_lesson_panel_step_passed (panel, exercise) ? 0 : 6;
  for (guint i = 0; i < lesson->steps->len; i++)
    {
      guint n = ((NnbLessonStep *) lesson->steps->pdata[i])->checks->len;

      checks += n;
      passed += nnb_lesson_panel_step_passed (panel, i) ? n : 0;
    }
  g_assert_cmpuint (checks, >, 13);
  counted = g_strdup_printf ("%u of %u checks passed", passed, checks);
  if (strstr (gtk_label_get_text (progress), counted) == NULL)
    g_error ("the progress says “%s”, not “%s”", gtk_label_get_text (progress), counted);
}

static void
test_check_log_counts_checks_and_keeps_passed_lines_green (void)
{
  run_app (check_log_lines_and_counts);
}

static GtkGesture *
width_drag (NnbLessonPanel *panel)
{
  GtkWidget *handle = nnb_ui_test_template_child (panel, NNB_TYPE_LESSON_PANEL, "width_handle");
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (handle);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_GESTURE_DRAG (controller))
        return GTK_GESTURE (controller);
    }
  g_error ("the lesson pane’s edge cannot be dragged");
}

static gboolean
is_500_wide (gpointer panel)
{
  return gtk_widget_get_width (panel) == 500;
}

/* Dragging the pane's edge 140 px to the right makes it 500 px wide… */
static void
drag_pane_wider (NnbWindow *window, NnbLessonPanel *panel)
{
  GtkGesture *drag = width_drag (panel);

  g_assert_cmpint (nnb_lesson_panel_get_pane_width (panel), ==, 360);
  g_signal_emit_by_name (drag, "drag-begin", 0.0, 100.0);
  g_signal_emit_by_name (drag, "drag-update", 140.0, 3.0);
  g_signal_emit_by_name (drag, "drag-end", 140.0, 3.0);
  g_assert_cmpint (nnb_lesson_panel_get_pane_width (panel), ==, 500);
  g_assert_true (nnb_ui_test_wait_until (is_500_wide, panel));
}

/* …and the next start shows it 500 px wide again. */
static void
pane_width_kept (NnbWindow *window, NnbLessonPanel *panel)
{
  g_assert_cmpint (nnb_lesson_panel_get_pane_width (panel), ==, 500);
  g_assert_true (nnb_ui_test_wait_until (is_500_wide, panel));
  nnb_lesson_panel_set_pane_width (panel, 360);
}

static void
test_lesson_pane_width_is_dragged_and_kept (void)
{
  run_app (drag_pane_wider);
  run_app (pane_width_kept);
}

/* The device step's message is long: it wraps inside the pane, and a new
 * step's printout starts at its beginning. */
static void
output_fits_the_pane (NnbWindow *window, NnbLessonPanel *panel)
{
  GtkWidget *card = nnb_ui_test_template_child (panel, NNB_TYPE_LESSON_PANEL, "output_scroller");
  GtkLabel *output = nnb_ui_test_template_child (panel, NNB_TYPE_LESSON_PANEL, "output_label");
  GtkWidget *ancestor;
  int lines;

  nnb_lesson_panel_set_step (panel, step_index (panel, "flat-input"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "lesson.show-me", NULL));
  g_assert_true (nnb_ui_test_wait_until (is_idle, panel));
  nnb_ui_test_settle (200);
  g_assert_nonnull (strstr (gtk_label_get_text (output), "RuntimeError: mat1 and mat2 shapes cannot be multiplied"));
  /* nothing between the printout and the lesson's own scroller scrolls sideways */
  for (ancestor = card; ancestor != GTK_WIDGET (panel); ancestor = gtk_widget_get_parent (ancestor))
    if (GTK_IS_SCROLLED_WINDOW (ancestor))
      {
        GtkPolicyType horizontal;

        gtk_scrolled_window_get_policy (GTK_SCROLLED_WINDOW (ancestor), &horizontal, NULL);
        g_assert_cmpint (horizontal, ==, GTK_POLICY_NEVER);
      }
  g_assert_true (gtk_label_get_wrap (output));
  g_assert_cmpint (gtk_widget_get_width (card), <=, gtk_widget_get_width (GTK_WIDGET (panel)));
  /* the card is as tall as the lines shown, not as tall as a narrower pane would need */
  lines = pango_layout_get_line_count (gtk_label_get_layout (output));
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (output)), <=, (lines + 1) * 24);
}

static void
test_output_wraps_inside_the_pane (void)
{
  run_app (output_fits_the_pane);
}

/* The next start shows the last step and remembers what passed. */
static void
check_progress_kept (NnbWindow *window, NnbLessonPanel *panel)
{
  NnbLesson *lesson = nnb_lesson_panel_get_lesson (panel);

  g_assert_cmpuint (nnb_lesson_panel_get_step (panel), ==, lesson->steps->len - 1);
  g_assert_true (nnb_lesson_panel_step_passed (panel, step_index (panel, "exercise")));
  g_assert_true (nnb_lesson_panel_step_passed (panel, step_index (panel, "linear")));
}

static void
test_walk_every_day02_step_show_me_then_check (void)
{
  run_app (walk_every_step);
  run_app (check_progress_kept);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  nnb_ui_test_set_wait_seconds (WAIT_SECONDS);

  if (!gtk_init_check ())
    {
      g_test_add_func ("/ui/lesson/needs-a-display", nnb_ui_test_skip_without_display);
      return g_test_run ();
    }
  g_test_add_func ("/ui/lesson/check-before-show-me-says-what-is-missing", test_check_before_show_me_says_what_is_missing);
  g_test_add_func ("/ui/lesson/explanations-never-cover-the-lesson-buttons",
                   test_explanations_never_cover_the_lesson_buttons);
  g_test_add_func ("/ui/lesson/check-log-counts-checks-and-keeps-passed-lines-green",
                   test_check_log_counts_checks_and_keeps_passed_lines_green);
  g_test_add_func ("/ui/lesson/lesson-pane-width-is-dragged-and-kept", test_lesson_pane_width_is_dragged_and_kept);
  g_test_add_func ("/ui/lesson/output-wraps-inside-the-pane", test_output_wraps_inside_the_pane);
  g_test_add_func ("/ui/lesson/walk-every-day02-step-show-me-then-check", test_walk_every_day02_step_show_me_then_check);
  return g_test_run ();
}
