/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-lesson-modes-panel.c — the lesson "Train mode, eval mode and
 * buffers" in the app, as a student walks it: on every step Show me, then
 * Check, until every check has passed. What Show me printed is real
 * PyTorch 1.13's (tests/data/modes-lesson.json: Dropout's passes in both
 * modes, the training flags, the state_dict, the training log, the test
 * loss with model.eval() forgotten, the missing running_var), through the
 * same code as `nnblocks-cli lesson modes`, with the app's own trainer.
 *
 * NNB_LESSON_MODES_SCREENSHOTS=folder saves the screen after each step's
 * Check there (NN-step.png), for a person to look at.
 *
 * Runs under Xvfb with GSETTINGS_BACKEND=memory (see meson.build); skips
 * when there is no display. */
#include "nnb-config.h"

#include <adwaita.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "nnb-application.h"
#include "nnb-lesson-catalog.h"
#include "nnb-lesson-panel.h"
#include "nnb-ui-test-util.h"
#include "nnb-window.h"

#define WAIT_SECONDS 60

static JsonObject *golden;

/* What each step's Show me printed, in the panel. */
static const struct
{
  const char *step;
  const char *show;
} printouts[] = {
  { "dropout-modes", "train-eval" },
  { "flags", "training" },
  { "buffers", "state-dict" },
  { "batchnorm-train", "train-log" },
  { "eval-forgotten", "eval-forgotten" },
  { "save-load", "missing-buffer" },
};

static gboolean
is_idle (gpointer panel)
{
  return !nnb_lesson_panel_is_busy (panel);
}

static void
screenshot (guint i, const char *step)
{
  const char *folder = g_getenv ("NNB_LESSON_MODES_SCREENSHOTS");
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;

  if (folder == NULL)
    return;
  name = g_strdup_printf ("%02u-%s.png", i + 1, step);
  path = g_build_filename (folder, name, NULL);
  g_setenv ("NNB_LESSON_MODES_STEP_PNG", path, TRUE);
  nnb_ui_test_screenshot_if_asked ("NNB_LESSON_MODES_STEP_PNG");
}

/* The acceptance walk: every step, Show me then Check, all passed. */
static void
walk_every_step (NnbApplication *app, NnbWindow *window, gpointer data)
{
  NnbLessonPanel *panel = nnb_window_get_lesson_panel (window);
  NnbLesson *lesson = nnb_lesson_panel_get_lesson (panel);
  JsonObject *shows = json_object_get_object_member (golden, "shows");

  g_assert_nonnull (lesson);
  g_assert_cmpstr (lesson->id, ==, "modes");
  /* the pictures show the whole screen */
  if (g_getenv ("NNB_LESSON_MODES_SCREENSHOTS") != NULL)
    gtk_window_maximize (GTK_WINDOW (window));
  g_assert_cmpuint (lesson->steps->len, ==, G_N_ELEMENTS (printouts));
  nnb_lesson_panel_set_step (panel, 0);
  for (guint i = 0; i < lesson->steps->len; i++)
    {
      NnbLessonStep *step = lesson->steps->pdata[i];
      const char *want = json_object_get_string_member (shows, printouts[i].show);

      g_assert_cmpstr (step->id, ==, printouts[i].step);
      g_assert_cmpuint (nnb_lesson_panel_get_step (panel), ==, i);
      g_assert_true (nnb_lesson_step_has_action (step));
      g_assert_cmpuint (step->checks->len, >, 0);

      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "lesson.show-me", NULL));
      if (!nnb_ui_test_wait_until (is_idle, panel))
        g_error ("step %s: Show me did not finish in %d s", step->id, WAIT_SECONDS);
      if (strstr (nnb_lesson_panel_get_output (panel), want) == NULL)
        g_error ("step %s printed\n%s\nwithout PyTorch's\n%s", step->id, nnb_lesson_panel_get_output (panel), want);

      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "lesson.check", NULL));
      if (!nnb_lesson_panel_step_passed (panel, i))
        g_error ("step %s: %s", step->id, nnb_lesson_panel_get_result (panel));
      g_assert_null (strstr (nnb_lesson_panel_get_result (panel), "✗"));
      nnb_ui_test_settle (100);
      screenshot (i, step->id);
      if (i + 1 < lesson->steps->len)
        g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "lesson.next", NULL));
    }
  for (guint i = 0; i < lesson->steps->len; i++)
    g_assert_true (nnb_lesson_panel_step_passed (panel, i));
}

static void
test_walk_every_step_show_me_then_check (void)
{
  const char *argv[] = { "nnblocks", "--lesson", "modes", NULL };

  nnb_ui_test_run_app (argv, walk_every_step, NULL);
}

/* The app's catalogue names it, with its title. */
static void
test_lesson_is_in_the_catalogue (void)
{
  g_autofree char *names = nnb_lesson_catalog_dup_names ();

  g_assert_nonnull (strstr (names, "modes"));
  g_assert_cmpstr (nnb_lesson_catalog_get_title ("modes"), ==, "Train mode, eval mode and buffers");
}

int
main (int argc, char *argv[])
{
  g_autofree char *path = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;

  g_test_init (&argc, &argv, NULL);
  nnb_ui_test_set_wait_seconds (WAIT_SECONDS);
  path = g_test_build_filename (G_TEST_DIST, "..", "data", "modes-lesson.json", NULL);
  g_assert_true (json_parser_load_from_file (parser, path, &error));
  g_assert_no_error (error);
  golden = json_node_get_object (json_parser_get_root (parser));

  g_test_add_func ("/ui/lesson-modes/lesson-is-in-the-catalogue", test_lesson_is_in_the_catalogue);
  if (!gtk_init_check ())
    {
      g_test_add_func ("/ui/lesson-modes/needs-a-display", nnb_ui_test_skip_without_display);
      return g_test_run ();
    }
  g_test_add_func ("/ui/lesson-modes/walk-every-step-show-me-then-check", test_walk_every_step_show_me_then_check);
  return g_test_run ();
}
