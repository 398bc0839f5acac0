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
  g_assert_cmpstr (nnb_lesson_panel_get_result (panel), ==,
                   "✗ There is no model yet: press Show me to load this step’s model.\n"
                   "✗ There is no model yet: press Show me to load this step’s model.\n"
                   "✗ There is no model yet: press Show me to load this step’s model.\n"
                   "✗ There is no model yet: press Show me to load this step’s model.\n"
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
  { "lr-too-large", "✓ The loss became nan at epoch 25: lr 0.1 is too large for this network." },
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
  g_test_add_func ("/ui/lesson/walk-every-day02-step-show-me-then-check", test_walk_every_day02_step_show_me_then_check);
  return g_test_run ();
}
