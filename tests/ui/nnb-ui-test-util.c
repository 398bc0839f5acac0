/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-ui-test-util.c — helpers shared by the UI tests; see the header. */
#include "nnb-config.h"

#include "nnb-ui-test-util.h"
#include "nnb-diagram-view.h"

#include <glib/gstdio.h>

static int wait_seconds = 10;

void
nnb_ui_test_set_wait_seconds (int seconds)
{
  wait_seconds = seconds;
}

gboolean
nnb_ui_test_wait_until (gboolean (*cond) (gpointer data), gpointer data)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) wait_seconds * G_USEC_PER_SEC;

  while (!cond (data))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      /* nothing pending: do not spin a core the app under test needs */
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }

  return TRUE;
}

void
nnb_ui_test_settle (int ms)
{
  gint64 until = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < until)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
}

gboolean
nnb_ui_test_is_mapped (gpointer widget)
{
  return gtk_widget_get_mapped (widget);
}

gboolean
nnb_ui_test_has_document (gpointer window)
{
  return nnb_window_get_document (window) != NULL;
}

gboolean
nnb_ui_test_diagram_ready (gpointer window)
{
  return gtk_widget_get_mapped (window) && nnb_window_get_document (window) != NULL &&
         gtk_widget_get_mapped (nnb_ui_test_window_child (window, "diagram_view"));
}

typedef struct
{
  NnbApplication *app;
  NnbUiTestCheck check;
  gpointer data;
  NnbWindow *window;
  gboolean checked;
} Run;

static gboolean
run_check (gpointer user_data)
{
  Run *run = user_data;

  g_assert_true (nnb_ui_test_wait_until (nnb_ui_test_is_mapped, run->window));
  run->check (run->app, run->window, run->data);
  run->checked = TRUE;

  /* A check that closed the window for good leaves the application to end
   * with its last window, as it does for the student. */
  if (g_list_find (gtk_application_get_windows (GTK_APPLICATION (run->app)), run->window) != NULL)
    g_application_quit (G_APPLICATION (run->app));

  return G_SOURCE_REMOVE;
}

static void
window_added_cb (GtkApplication *app, GtkWindow *window, Run *run)
{
  if (NNB_IS_WINDOW (window) && run->window == NULL)
    {
      run->window = NNB_WINDOW (window);
      g_idle_add (run_check, run);
    }
}

void
nnb_ui_test_run_app (const char *const *argv, NnbUiTestCheck check, gpointer data)
{
  g_autoptr (NnbApplication) app = nnb_application_new ();
  g_auto (GStrv) args = g_strdupv ((char **) argv);
  Run run = { app, check, data, NULL, FALSE };
  int status;

  /* Not the session's one instance: a test must never hand its command line
   * to an NN Blocks that happens to be running. */
  g_application_set_flags (G_APPLICATION (app),
                           g_application_get_flags (G_APPLICATION (app)) | G_APPLICATION_NON_UNIQUE);
  g_signal_connect (app, "window-added", G_CALLBACK (window_added_cb), &run);

  status = g_application_run (G_APPLICATION (app), (int) g_strv_length (args), args);

  g_assert_cmpint (status, ==, 0);
  g_assert_true (run.checked);
}

gpointer
nnb_ui_test_template_child (gpointer widget, GType type, const char *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (widget), type, name);

  if (object == NULL)
    g_error ("the %s has no template child “%s”", g_type_name (type), name);

  return object;
}

gpointer
nnb_ui_test_window_child (NnbWindow *window, const char *name)
{
  return nnb_ui_test_template_child (window, NNB_TYPE_WINDOW, name);
}

GtkWindow *
nnb_ui_test_find_toplevel (GType type, gboolean visible_only)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      GtkWindow *window = g_list_model_get_item (toplevels, i);

      /* GTK keeps its own reference to every toplevel */
      g_object_unref (window);
      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && (!visible_only || gtk_widget_get_visible (GTK_WIDGET (window))))
        return window;
    }

  return NULL;
}

char *
nnb_ui_test_example_path (const char *name)
{
  const char *root = g_getenv ("NNB_SOURCE_DIR");

  if (root != NULL)
    return g_build_filename (root, "data", "examples", name, NULL);
  return g_test_build_filename (G_TEST_DIST, "..", "..", "data", "examples", name, NULL);
}

char *
nnb_ui_test_copy_example (const char *name)
{
  g_autofree char *example = nnb_ui_test_example_path (name);
  g_autofree char *dir = g_dir_make_tmp ("nnb-ui-test-XXXXXX", NULL);
  char *path = g_build_filename (dir, name, NULL);
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (example, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (path, contents, length, NULL));
  return path;
}

void
nnb_ui_test_remove_copy (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);

  g_remove (path);
  g_rmdir (dir);
}

void
nnb_ui_test_skip_without_display (void)
{
  g_test_skip ("no display: run under xvfb-run, or with DISPLAY or WAYLAND_DISPLAY set");
}

void
nnb_ui_test_screenshot_if_asked (const char *variable)
{
  const char *path = g_getenv (variable);
  const char *argv[] = { "import", "-window", "root", path, NULL };

  if (path == NULL)
    return;
  nnb_ui_test_settle (300);
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
}

GtkWindow *
nnb_ui_test_shown_chooser (void)
{
  GtkWindow *chooser;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  chooser = nnb_ui_test_find_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG, TRUE);
  G_GNUC_END_IGNORE_DEPRECATIONS
  return chooser;
}

gboolean
nnb_ui_test_chooser_shown (gpointer data)
{
  return nnb_ui_test_shown_chooser () != NULL;
}

gboolean
nnb_ui_test_chooser_gone (gpointer data)
{
  return nnb_ui_test_shown_chooser () == NULL;
}

void
nnb_ui_test_edit (gpointer diagram_view, const char *action, GVariant *parameter)
{
  g_assert_true (gtk_widget_activate_action_variant (GTK_WIDGET (diagram_view), action, parameter));
  nnb_ui_test_settle (5);
}

static void
wire (gpointer diagram_view, const char *from, const char *to, int slot)
{
  nnb_ui_test_edit (diagram_view, "editor.connect", g_variant_new ("(ssi)", from, to, slot));
  g_assert_null (nnb_diagram_view_get_message (diagram_view));
}

void
nnb_ui_test_build_residual_mlp (gpointer diagram_view)
{
  /* a click in the palette adds after the selected block and wires it */
  nnb_ui_test_edit (diagram_view, "editor.add-block", g_variant_new_string ("Input"));
  nnb_ui_test_edit (diagram_view, "editor.add-block", g_variant_new_string ("Linear"));
  nnb_ui_test_edit (diagram_view, "editor.set-features", g_variant_new ("(xx)", (gint64) 3, (gint64) 16));
  nnb_ui_test_edit (diagram_view, "editor.add-block", g_variant_new_string ("ReLU"));
  nnb_ui_test_edit (diagram_view, "editor.add-block", g_variant_new_string ("Linear"));
  nnb_ui_test_edit (diagram_view, "editor.set-features", g_variant_new ("(xx)", (gint64) 16, (gint64) 16));
  /* the page calls one self.act twice */
  nnb_ui_test_edit (diagram_view, "editor.select", g_variant_new_string ("act"));
  nnb_ui_test_edit (diagram_view, "editor.call-again", NULL);
  wire (diagram_view, "fc2", "act_2", 0);
  nnb_ui_test_edit (diagram_view, "editor.add-block", g_variant_new_string ("Add"));
  wire (diagram_view, "act", "add", 1);
  nnb_ui_test_edit (diagram_view, "editor.add-block", g_variant_new_string ("Linear"));
  nnb_ui_test_edit (diagram_view, "editor.rename", g_variant_new_string ("head"));
  nnb_ui_test_edit (diagram_view, "editor.set-features", g_variant_new ("(xx)", (gint64) 16, (gint64) 1));
  nnb_ui_test_edit (diagram_view, "editor.add-block", g_variant_new_string ("Output"));
}

NnbSnapshot *
nnb_ui_test_latest_snapshot (NnbWindow *window)
{
  NnbTrainer *trainer = nnb_document_get_trainer (nnb_window_get_document (window));

  return trainer != NULL ? nnb_trainer_get_snapshot (trainer) : NULL;
}

/* Emits ::drop on the window's drop target as GTK does when a file is
 * dropped (a real drag needs a second client). */
gboolean
nnb_ui_test_drop_file (NnbWindow *window, GFile *file)
{
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (nnb_ui_test_window_child (window, "toast_overlay"));
  g_auto (GValue) value = G_VALUE_INIT;
  gboolean done = FALSE;

  g_value_init (&value, G_TYPE_FILE);
  g_value_set_object (&value, file);
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (controller))
        {
          g_signal_emit_by_name (controller, "drop", &value, 10.0, 10.0, &done);
          return done;
        }
    }
  g_assert_not_reached ();
}
