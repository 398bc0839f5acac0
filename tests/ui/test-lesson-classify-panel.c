/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-lesson-classify-panel.c — the lesson "Classifying with nn.Module" in the
 * app, as a student walks it: on every step Show me, then Check, until
 * every check has passed. What Show me printed is real PyTorch 1.13's
 * (tests/data/classify-lesson.json: the probabilities, the wrong targets'
 * messages, every training log), and the data plot's heat map changes as
 * the models change. The lesson is in the app's lesson catalogue.
 *
 * NNB_LESSON_CLASSIFY_SCREENSHOTS=folder saves the screen after each
 * step's Check there (NN-step.png), for a person to look at.
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
#include "nnb-plots-panel.h"
#include "nnb-ui-test-util.h"
#include "nnb-window.h"

/* nine trainings of at most 300 epochs while the window draws */
#define WAIT_SECONDS 120
#define W 480
#define H 360

static JsonObject *golden;

/* The printout of the golden file's item name in member (its log for a
 * run, its text otherwise). */
static const char *
golden_printout (const char *member, const char *name)
{
  JsonArray *items = json_object_get_array_member (golden, member);

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);

      if (g_str_equal (json_object_get_string_member (item, "name"), name))
        return json_object_get_string_member (item, json_object_has_member (item, "log") ? "log" : "text");
    }
  g_error ("tests/data/classify-lesson.json has no %s named %s", member, name);
}

/* What each step's Show me printed, in the panel. */
static const struct
{
  const char *step;
  const char *member, *name;
} printouts[] = {
  { "logits", "shows", "untrained" },
  { "targets", "mistakes", "cross-entropy" },
  { "one-output", "mistakes", "bce-with-logits" },
  { "xor-linear", "runs", "xor-linear" },
  { "xor-hidden", "runs", "xor-tanh-8" },
  { "confidence", "shows", "trained" },
  { "softmax-first", "runs", "xor-softmax" },
  { "spiral", "runs", "spiral-relu-32-32" },
  { "spiral-small", "runs", "spiral-relu-4-4" },
  { "tanh", "runs", "spiral-tanh-32-32" },
};

static gboolean
is_idle (gpointer panel)
{
  return !nnb_lesson_panel_is_busy (panel);
}

/* The data plot as the panel draws it, a fingerprint of its pixels. */
static guint
data_picture_hash (GObject *plots)
{
  cairo_surface_t *image = cairo_image_surface_create (CAIRO_FORMAT_RGB24, W, H);
  cairo_t *cr = cairo_create (image);
  g_autofree char *text = NULL;
  NnbPlotStyle style;
  guint hash;

  nnb_plot_style_init_default (&style);
  nnb_plots_panel_draw_data (NNB_PLOTS_PANEL (plots), cr, W, H, &style);
  cairo_destroy (cr);
  cairo_surface_flush (image);
  text = g_base64_encode (cairo_image_surface_get_data (image), (gsize) cairo_image_surface_get_stride (image) * H);
  hash = g_str_hash (text);
  cairo_surface_destroy (image);
  return hash;
}

/* The screen, and the data plot alone at 600x600 (NN-step-data.png), as
 * the panel draws it on screen and into files. */
/* A label under widget whose text starts with prefix, or NULL. */
static GtkLabel *
find_label (GtkWidget *widget, const char *prefix)
{
  if (GTK_IS_LABEL (widget) && g_str_has_prefix (gtk_label_get_text (GTK_LABEL (widget)), prefix))
    return GTK_LABEL (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkLabel *label = find_label (child, prefix);

      if (label != NULL)
        return label;
    }
  return NULL;
}

/* The window said something that starts with prefix: in a toast, or in
 * the explanation it shows where a message is too long for one (even if
 * a new document has hidden that again). */
static gboolean
message_said (NnbWindow *window, const char *prefix)
{
  GtkWidget *overlay = nnb_ui_test_window_child (window, "toast_overlay");
  GtkLabel *explanation = nnb_ui_test_window_child (window, "explanation_label");

  if (g_str_has_prefix (gtk_label_get_text (explanation), prefix))
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (overlay); child != NULL; child = gtk_widget_get_next_sibling (child))
    if (child != adw_toast_overlay_get_child (ADW_TOAST_OVERLAY (overlay)) && find_label (child, prefix) != NULL)
      return TRUE;
  return FALSE;
}

static void
screenshot (GObject *plots, guint i, const char *step)
{
  const char *folder = g_getenv ("NNB_LESSON_CLASSIFY_SCREENSHOTS");
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  g_autofree char *data_name = NULL;
  g_autofree char *data_path = NULL;
  cairo_surface_t *image;
  cairo_t *cr;
  NnbPlotStyle style;

  if (folder == NULL)
    return;
  name = g_strdup_printf ("%02u-%s.png", i + 1, step);
  path = g_build_filename (folder, name, NULL);
  g_setenv ("NNB_LESSON_CLASSIFY_STEP_PNG", path, TRUE);
  nnb_ui_test_screenshot_if_asked ("NNB_LESSON_CLASSIFY_STEP_PNG");

  data_name = g_strdup_printf ("%02u-%s-data.png", i + 1, step);
  data_path = g_build_filename (folder, data_name, NULL);
  image = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 600, 600);
  cr = cairo_create (image);
  nnb_plot_style_init_default (&style);
  nnb_plots_panel_draw_data (NNB_PLOTS_PANEL (plots), cr, 600, 600, &style);
  cairo_destroy (cr);
  cairo_surface_write_to_png (image, data_path);
  cairo_surface_destroy (image);
}

/* The acceptance walk: every step, Show me then Check, all passed. */
static void
walk_every_step (NnbApplication *app, NnbWindow *window, gpointer data)
{
  NnbLessonPanel *panel = nnb_window_get_lesson_panel (window);
  NnbLesson *lesson = nnb_lesson_panel_get_lesson (panel);
  GObject *plots = nnb_ui_test_window_child (window, "plots_panel");
  GHashTable *pictures = g_hash_table_new (g_direct_hash, g_direct_equal);

  g_assert_nonnull (lesson);
  g_assert_cmpstr (lesson->id, ==, "classify");
  /* the pictures show the whole screen */
  if (g_getenv ("NNB_LESSON_CLASSIFY_SCREENSHOTS") != NULL)
    gtk_window_maximize (GTK_WINDOW (window));
  g_assert_cmpuint (lesson->steps->len, ==, G_N_ELEMENTS (printouts));
  nnb_lesson_panel_set_step (panel, 0);
  for (guint i = 0; i < lesson->steps->len; i++)
    {
      NnbLessonStep *step = lesson->steps->pdata[i];
      const char *want = golden_printout (printouts[i].member, printouts[i].name);

      g_assert_cmpstr (step->id, ==, printouts[i].step);
      g_assert_cmpuint (nnb_lesson_panel_get_step (panel), ==, i);
      /* every step of this lesson has both */
      g_assert_true (nnb_lesson_step_has_action (step));
      g_assert_cmpuint (step->checks->len, >, 0);

      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "lesson.show-me", NULL));
      if (!nnb_ui_test_wait_until (is_idle, panel))
        g_error ("step %s: Show me did not finish in %d s", step->id, WAIT_SECONDS);
      if (strstr (nnb_lesson_panel_get_output (panel), want) == NULL)
        g_error ("step %s printed\n%s\nwithout PyTorch's\n%s", step->id, nnb_lesson_panel_get_output (panel), want);
      /* a kept run of class data is compared by its loss: no curve to
       * pin, and no message saying so */
      if (step->keep != NULL && message_said (window, "There is no fitted curve to keep yet"))
        g_error ("step %s keeps a run, and the window said there is no curve to keep", step->id);

      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "lesson.check", NULL));
      if (!nnb_lesson_panel_step_passed (panel, i))
        g_error ("step %s: %s", step->id, nnb_lesson_panel_get_result (panel));
      g_assert_null (strstr (nnb_lesson_panel_get_result (panel), "✗"));
      /* the heat map is the model's: each trained model draws its own */
      nnb_ui_test_settle (100);
      if (step->train)
        g_hash_table_add (pictures, GUINT_TO_POINTER (data_picture_hash (plots)));
      screenshot (plots, i, step->id);
      if (i + 1 < lesson->steps->len)
        g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "lesson.next", NULL));
    }
  /* six trainings, six pictures */
  g_assert_cmpuint (g_hash_table_size (pictures), ==, 6);
  g_hash_table_unref (pictures);
  for (guint i = 0; i < lesson->steps->len; i++)
    g_assert_true (nnb_lesson_panel_step_passed (panel, i));
  /* class data pins no curve where a step keeps a run: its loss is compared */
  g_assert_cmpuint (nnb_plots_panel_get_n_pinned (NNB_PLOTS_PANEL (plots)), ==, 0);
}

static void
test_walk_every_step_show_me_then_check (void)
{
  const char *argv[] = { "nnblocks", "--lesson", "classify", NULL };

  nnb_ui_test_run_app (argv, walk_every_step, NULL);
}

/* The app's catalogue names it beside Day 2, with its title. */
static void
test_lesson_is_in_the_catalogue (void)
{
  g_autofree char *names = nnb_lesson_catalog_dup_names ();

  g_assert_nonnull (strstr (names, "classify"));
  g_assert_cmpstr (nnb_lesson_catalog_get_title ("classify"), ==, "Classifying with nn.Module");
}

int
main (int argc, char *argv[])
{
  g_autofree char *path = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;

  g_test_init (&argc, &argv, NULL);
  nnb_ui_test_set_wait_seconds (WAIT_SECONDS);
  path = g_test_build_filename (G_TEST_DIST, "..", "data", "classify-lesson.json", NULL);
  g_assert_true (json_parser_load_from_file (parser, path, &error));
  g_assert_no_error (error);
  golden = json_node_get_object (json_parser_get_root (parser));

  g_test_add_func ("/ui/lesson-classify/lesson-is-in-the-catalogue", test_lesson_is_in_the_catalogue);
  if (!gtk_init_check ())
    {
      g_test_add_func ("/ui/lesson-classify/needs-a-display", nnb_ui_test_skip_without_display);
      return g_test_run ();
    }
  g_test_add_func ("/ui/lesson-classify/walk-every-step-show-me-then-check", test_walk_every_step_show_me_then_check);
  return g_test_run ();
}
