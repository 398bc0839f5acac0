/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-new-open.c — work is never lost: Open, Open Recent, New, an
 * example and a lesson's Show me ask Save / Discard / Cancel before they
 * replace unsaved work, and Cancel keeps it; New gives an empty diagram
 * with its input and output blocks; an example (from the main menu or from
 * the program's data/examples) opens as an untitled copy that Save never
 * writes back: it asks where.
 *
 * Runs under Xvfb (see meson.build); skips when there is no display. */
#include "nnb-config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "nnb-application.h"
#include "nnb-ui-test-util.h"
#include "nnb-window.h"

static GtkWindow *
shown_question (void)
{
  return nnb_ui_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG, TRUE);
}

static gboolean
question_shown (gpointer data)
{
  return shown_question () != NULL;
}

static gboolean
question_gone (gpointer data)
{
  return shown_question () == NULL;
}

static void
cancel_chooser (void)
{
  GtkWindow *chooser = nnb_ui_test_shown_chooser ();

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_CANCEL);
  G_GNUC_END_IGNORE_DEPRECATIONS
  g_assert_true (nnb_ui_test_wait_until (nnb_ui_test_chooser_gone, NULL));
}

/* Answers the question shown as a click does: the response, then it closes. */
static void
answer (const char *response)
{
  GtkWindow *question;

  g_assert_true (nnb_ui_test_wait_until (question_shown, NULL));
  question = shown_question ();
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (question), response);
  gtk_window_close (question);
  g_assert_true (nnb_ui_test_wait_until (question_gone, NULL));
}

static gboolean
document_changed (gpointer data)
{
  gpointer *pair = data;

  return nnb_window_get_document (pair[0]) != NULL && nnb_window_get_document (pair[0]) != pair[1];
}

/* Open on unsaved work */

static void
check_open_asks (NnbApplication *app, NnbWindow *window, gpointer data)
{
  NnbDocument *document;
  g_autofree char *uri = NULL;

  g_assert_true (nnb_ui_test_wait_until (nnb_ui_test_has_document, window));
  document = nnb_window_get_document (window);
  nnb_document_set_dirty (document, TRUE);

  /* Ctrl+O asks first; Cancel keeps the project, unsaved, and opens nothing */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open", NULL));
  g_assert_true (nnb_ui_test_wait_until (question_shown, NULL));
  g_assert_true (gtk_window_get_transient_for (shown_question ()) == GTK_WINDOW (window));
  g_assert_null (nnb_ui_test_shown_chooser ());
  answer ("cancel");
  nnb_ui_test_settle (200);
  g_assert_null (nnb_ui_test_shown_chooser ());
  g_assert_true (nnb_window_get_document (window) == document);
  g_assert_true (nnb_document_get_dirty (document));

  /* Open Recent asks the same; Cancel keeps it */
  uri = g_file_get_uri (nnb_document_get_file (document));
  g_action_group_activate_action (G_ACTION_GROUP (window), "open-recent", g_variant_new_string (uri));
  answer ("cancel");
  nnb_ui_test_settle (200);
  g_assert_true (nnb_window_get_document (window) == document);

  /* Discard: then the chooser */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open", NULL));
  answer ("discard");
  g_assert_true (nnb_ui_test_wait_until (nnb_ui_test_chooser_shown, NULL));
  cancel_chooser ();
  g_assert_true (nnb_window_get_document (window) == document);

  /* nothing unsaved: the chooser comes without a question */
  nnb_document_set_dirty (document, FALSE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open", NULL));
  g_assert_true (nnb_ui_test_wait_until (nnb_ui_test_chooser_shown, NULL));
  g_assert_null (shown_question ());
  cancel_chooser ();
}

static void
test_open_on_unsaved_work_asks_and_cancel_keeps_it (void)
{
  g_autofree char *path = nnb_ui_test_copy_example ("regression.nnb");
  const char *argv[] = { "nnblocks", path, NULL };

  nnb_ui_test_run_app (argv, check_open_asks, NULL);
  nnb_ui_test_remove_copy (path);
}

/* New */

static void
check_new (NnbApplication *app, NnbWindow *window, gpointer data)
{
  g_auto (GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "win.new");
  NnbDocument *document;
  NnbModel *model;
  gpointer pair[2] = { window, NULL };

  g_assert_true (g_strv_contains ((const char *const *) accels, "<Control>n"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.new", NULL));
  g_assert_true (nnb_ui_test_wait_until (nnb_ui_test_has_document, window));
  document = nnb_window_get_document (window);
  g_assert_null (nnb_document_get_file (document));
  g_assert_false (nnb_document_get_dirty (document));
  g_assert_cmpstr (nnb_document_get_name (document), ==, "Untitled");

  /* an empty diagram: its input and its output block, nothing between */
  model = nnb_document_get_project (document)->model;
  g_assert_cmpuint (model->nodes->len, ==, 2);
  g_assert_cmpuint (nnb_document_get_project (document)->positions->len, ==, 2);
  /* and the default data: the sine's 200 points */
  g_assert_cmpint (nnb_document_get_dataset (document)->x->shape[0], ==, 200);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (nnb_ui_test_window_child (window, "diagram_stack")), ==,
                   "diagram");

  /* New on unsaved work asks too; Cancel keeps it, Discard replaces it */
  nnb_document_set_dirty (document, TRUE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.new", NULL));
  answer ("cancel");
  g_assert_true (nnb_window_get_document (window) == document);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.new", NULL));
  answer ("discard");
  pair[1] = document;
  g_assert_true (nnb_ui_test_wait_until (document_changed, pair));
}

static void
test_new_project_has_input_and_output_blocks (void)
{
  const char *argv[] = { "nnblocks", NULL };

  nnb_ui_test_run_app (argv, check_new, NULL);
}

/* Examples */

static gboolean
menu_has_example (GMenuModel *menu, const char *name)
{
  for (int i = 0; i < g_menu_model_get_n_items (menu); i++)
    {
      g_autofree char *label = NULL;

      if (g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_LABEL, "s", &label) && g_str_equal (label, name))
        return TRUE;
    }
  return FALSE;
}

static void
check_example (NnbApplication *app, NnbWindow *window, gpointer data)
{
  const char *source_path = data;
  GMenuModel *examples = nnb_ui_test_window_child (window, "examples_menu");
  NnbDocument *document;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  /* the main menu lists the examples built into the program */
  g_assert_true (menu_has_example (examples, "sinenet"));
  g_assert_true (menu_has_example (examples, "mlp-residual"));

  g_assert_true (g_file_get_contents (source_path, &before, NULL, NULL));

  /* data/examples/sinenet.nnb, opened as a file, is an untitled copy */
  {
    g_autoptr (GFile) file = g_file_new_for_path (source_path);

    nnb_window_open (window, file);
  }
  g_assert_true (nnb_ui_test_wait_until (nnb_ui_test_has_document, window));
  document = nnb_window_get_document (window);
  g_assert_null (nnb_document_get_file (document));
  g_assert_cmpstr (nnb_document_get_name (document), ==, "sinenet");

  /* Save asks where (in the documents folder), never writes the example */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.save", NULL));
  g_assert_true (nnb_ui_test_wait_until (nnb_ui_test_chooser_shown, NULL));
  nnb_ui_test_settle (300);
  {
    g_autoptr (GFile) folder = gtk_file_chooser_get_current_folder (GTK_FILE_CHOOSER (nnb_ui_test_shown_chooser ()));
    g_autofree char *folder_path = folder != NULL ? g_file_get_path (folder) : NULL;

    g_assert_nonnull (folder_path);
    g_assert_false (g_str_has_prefix (folder_path, NNB_SOURCE_DIR));
  }
  cancel_chooser ();
  g_assert_true (g_file_get_contents (source_path, &after, NULL, NULL));
  g_assert_cmpstr (before, ==, after);
  g_assert_null (nnb_document_get_file (document));

  /* the menu's example: an untitled copy too */
  {
    gpointer pair[2] = { window, document };

    g_action_group_activate_action (G_ACTION_GROUP (window), "open-example", g_variant_new_string ("mlp-residual"));
    g_assert_true (nnb_ui_test_wait_until (document_changed, pair));
  }
  document = nnb_window_get_document (window);
  g_assert_null (nnb_document_get_file (document));
  g_assert_cmpstr (nnb_document_get_name (document), ==, "mlp-residual");
}

static void
test_examples_open_as_untitled_copies (void)
{
  g_autofree char *example = nnb_ui_test_example_path ("sinenet.nnb");
  const char *argv[] = { "nnblocks", NULL };

  nnb_ui_test_run_app (argv, check_example, example);
}

/* A lesson's Show me */

static void
check_show_me_asks (NnbApplication *app, NnbWindow *window, gpointer data)
{
  NnbLessonPanel *panel = nnb_window_get_lesson_panel (window);
  NnbDocument *document;
  gpointer pair[2] = { window, NULL };

  /* the student's own work, unsaved */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.new", NULL));
  g_assert_true (nnb_ui_test_wait_until (nnb_ui_test_has_document, window));
  document = nnb_window_get_document (window);
  nnb_document_set_dirty (document, TRUE);

  /* the second step loads a model: Show me asks; Cancel keeps the work */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "lesson.next", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "lesson.show-me", NULL));
  answer ("cancel");
  nnb_ui_test_settle (200);
  g_assert_true (nnb_window_get_document (window) == document);

  /* Discard: the step's model */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "lesson.show-me", NULL));
  answer ("discard");
  pair[1] = document;
  g_assert_true (nnb_ui_test_wait_until (document_changed, pair));

  /* the lesson's own model, even changed by Show me, goes without a question */
  document = nnb_window_get_document (window);
  nnb_document_set_dirty (document, TRUE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "lesson.show-me", NULL));
  pair[1] = document;
  g_assert_true (nnb_ui_test_wait_until (document_changed, pair));
  g_assert_null (shown_question ());
}

static void
test_show_me_asks_before_replacing_unsaved_work (void)
{
  const char *argv[] = { "nnblocks", "--lesson", "day02", NULL };

  nnb_ui_test_run_app (argv, check_show_me_asks, NULL);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (!gtk_init_check ())
    {
      g_test_add_func ("/ui/new-open/needs-a-display", nnb_ui_test_skip_without_display);
      return g_test_run ();
    }

  g_test_add_func ("/ui/new-open/open-on-unsaved-work-asks-and-cancel-keeps-it",
                   test_open_on_unsaved_work_asks_and_cancel_keeps_it);
  g_test_add_func ("/ui/new-open/new-project-has-input-and-output-blocks", test_new_project_has_input_and_output_blocks);
  g_test_add_func ("/ui/new-open/examples-open-as-untitled-copies", test_examples_open_as_untitled_copies);
  g_test_add_func ("/ui/new-open/show-me-asks-before-replacing-unsaved-work",
                   test_show_me_asks_before_replacing_unsaved_work);

  return g_test_run ();
}
