/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-recovery.c — a crash in the middle of training loses nothing.
 *
 * `nnblocks --train sinenet.nnb` runs as a child process with its own
 * XDG_STATE_HOME until its autosave holds trained weights; then it is
 * killed with SIGKILL, as a crash would end it. The next start (here, in
 * this process, with the same state folder) offers "Recover unsaved
 * project “sinenet”?"; Recover opens it as an unsaved project with exactly
 * the weights of the copy, to be saved where it came from; the crashed
 * session's folder is gone, the new session keeps its own copy, and closing
 * the window for good leaves no copy behind. The run comes back too: its
 * losses, and the history of its weights' norms that the norms plot showed
 * (kept in the copy's origin file, whose older form without the norms is
 * still read, and whose damaged norms are left out).
 *
 * Runs under Xvfb (see meson.build); skips when there is no display. */
#include "nnb-config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <signal.h>

#include "nnb-application.h"
#include "nnb-autosave-lock.h"
#include "nnb-autosave.h"
#include "nnb-project.h"
#include "nnb-ui-test-access.h"
#include "nnb-ui-test-util.h"
#include "nnb-window.h"

#define CRASH_WAIT_S 90
#define WAIT_S 20

static char *temp_dir;
static char *state_dir; /* XDG_STATE_HOME of the child and of this process */
static char *project_path;

static char *
autosave_dir (void)
{
  return g_build_filename (state_dir, "nnblocks", "autosave", NULL);
}

/* The session folders under the autosave folder. */
static GPtrArray *
list_sessions (void)
{
  g_autofree char *base = autosave_dir ();
  g_autoptr (GDir) dir = g_dir_open (base, 0, NULL);
  GPtrArray *sessions = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, "session-"))
      g_ptr_array_add (sessions, g_build_filename (base, name, NULL));
  return sessions;
}

/* The first project copy with weights in any session, or NULL. */
static char *
find_copy_with_weights (char **text_out)
{
  g_autoptr (GPtrArray) sessions = list_sessions ();

  for (guint i = 0; i < sessions->len; i++)
    {
      g_autoptr (GDir) dir = g_dir_open (sessions->pdata[i], 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *path = NULL;
          g_autofree char *text = NULL;

          if (!g_str_has_prefix (name, "project-") || !g_str_has_suffix (name, ".nnb"))
            continue;
          path = g_build_filename (sessions->pdata[i], name, NULL);
          if (g_file_get_contents (path, &text, NULL, NULL) && strstr (text, "\"weights\"") != NULL)
            {
              *text_out = g_steal_pointer (&text);
              return g_steal_pointer (&path);
            }
        }
    }
  return NULL;
}

/* The parameters of a project, in named_parameters() order. */
static GPtrArray *
parameters_of (NnbModel *model)
{
  GPtrArray *params = nnb_model_named_parameters (model);
  GPtrArray *values = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < params->len; i++)
    {
      NnbTensor *value = ((NnbNamedParameter *) params->pdata[i])->param->value;
      float *host = g_new (float, value->numel + 1);

      host[0] = (float) value->numel;
      nnb_tensor_read (value, host + 1);
      g_ptr_array_add (values, host);
    }
  return values;
}

static gboolean
same_parameters (GPtrArray *a, GPtrArray *b)
{
  if (a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++)
    {
      const float *x = a->pdata[i], *y = b->pdata[i];

      if (x[0] != y[0] || memcmp (x + 1, y + 1, (gsize) x[0] * sizeof (float)) != 0)
        return FALSE;
    }
  return TRUE;
}

static gboolean
has_autosave (gpointer window)
{
  NnbAutosave *autosave = g_object_get_data (G_OBJECT (window), "nnb-autosave");

  return autosave != NULL && nnb_autosave_get_path (autosave) != NULL && g_file_test (nnb_autosave_get_path (autosave), G_FILE_TEST_IS_REGULAR);
}

/* A widget under root: a label showing text, or a button labelled text. */
static GtkWidget *
find_widget (GtkWidget *root, GType type, const char *text)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (type == GTK_TYPE_LABEL && GTK_IS_LABEL (child) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (child)), text) == 0)
        return child;
      if (type == GTK_TYPE_BUTTON && GTK_IS_BUTTON (child) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (child)), text) == 0)
        return child;
      found = find_widget (child, type, text);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The data and loss plots drew a run (the fitted curve, the losses). */
static gboolean
run_drawn (gpointer window)
{
  int data_epoch = -1, loss_epoch = -1;

  nnb_window_get_plotted_epochs (window, &data_epoch, &loss_epoch);
  return data_epoch > 0 && loss_epoch > 0;
}

/* A norms' history: NnbSnapshot's norm_epochs, value_norms, grad_norms. */
typedef struct
{
  GArray *epochs;
  GArray *values;
  GArray *gradients;
} Norms;

static void
norms_clear (Norms *norms)
{
  g_clear_pointer (&norms->epochs, g_array_unref);
  g_clear_pointer (&norms->values, g_array_unref);
  g_clear_pointer (&norms->gradients, g_array_unref);
}

static GArray *
doubles_of_line (const char *line)
{
  g_auto (GStrv) words = g_strsplit (line, " ", -1);
  GArray *numbers = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint i = 0; words[i] != NULL; i++)
    {
      double number = g_ascii_strtod (words[i], NULL);

      g_array_append_val (numbers, number);
    }
  return numbers;
}

/* The norms an origin file holds (origin_text in src/ui/nnb-autosave.c:
 * after the losses, "norms POINTS PARAMETERS", then the epochs, the values'
 * norms and the gradients' norms, a line each); FALSE when it holds none. */
static gboolean
norms_of_origin (const char *text, Norms *norms, guint *n_params)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  guint n_points;

  if (g_strv_length (lines) < 8 || !g_str_has_prefix (lines[4], "norms "))
    return FALSE;
  g_assert_cmpint (sscanf (lines[4], "norms %u %u", &n_points, n_params), ==, 2);
  norms->epochs = doubles_of_line (lines[5]);
  norms->values = doubles_of_line (lines[6]);
  norms->gradients = doubles_of_line (lines[7]);
  g_assert_cmpuint (norms->epochs->len, ==, n_points);
  g_assert_cmpuint (norms->values->len, ==, n_points * *n_params);
  g_assert_cmpuint (norms->gradients->len, ==, n_points * *n_params);
  return TRUE;
}

static void
assert_same_doubles (GArray *a, GArray *b)
{
  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    g_assert_cmpfloat (g_array_index (a, double, i), ==, g_array_index (b, double, i));
}

typedef struct
{
  NnbWindow *window;
  guint n;
} NormPoints;

static gboolean
norm_points_shown (gpointer data)
{
  NormPoints *points = data;

  return nnb_plots_panel_get_n_norm_points (nnb_ui_test_window_child (points->window, "plots_panel")) == points->n;
}

/* The recovered run's norms are expected's (NULL: none), in the document
 * and in the snapshot it shows (one norm of each kind per parameter and
 * point), and the norms plot shows as many points. */
static void
assert_recovered_norms (NnbWindow *window, NnbDocument *document, const Norms *expected)
{
  g_autoptr (NnbSnapshot) snapshot = NULL;
  GArray *epochs = NULL, *values = NULL, *gradients = NULL;
  NormPoints points = { window, expected != NULL ? expected->epochs->len : 0 };

  g_assert_true (nnb_ui_test_wait_until (norm_points_shown, &points));
  g_assert_cmpint (nnb_document_get_past_norms (document, &epochs, &values, &gradients), ==, expected != NULL);
  snapshot = nnb_document_snapshot_past_run (document);
  g_assert_nonnull (snapshot);
  if (expected == NULL)
    {
      g_assert_null (epochs);
      g_assert_cmpuint (snapshot->norm_epochs->len, ==, 0);
      g_assert_cmpuint (snapshot->value_norms->len, ==, 0);
      g_assert_cmpuint (snapshot->grad_norms->len, ==, 0);
      return;
    }
  assert_same_doubles (epochs, expected->epochs);
  assert_same_doubles (values, expected->values);
  assert_same_doubles (gradients, expected->gradients);
  assert_same_doubles (snapshot->norm_epochs, expected->epochs);
  assert_same_doubles (snapshot->value_norms, expected->values);
  assert_same_doubles (snapshot->grad_norms, expected->gradients);
  g_assert_cmpuint (snapshot->value_norms->len, ==, snapshot->norm_epochs->len * snapshot->parameters->len);
  /* still there for the next look (the snapshot took a copy) */
  g_assert_true (nnb_document_get_past_norms (document, NULL, NULL, NULL));
}

typedef struct
{
  char *crashed_copy; /* the copy the crash left */
  GPtrArray *crashed_weights;
  GPtrArray *initial_weights;
  Norms crashed_norms; /* the norms' history of its run, from its origin */
  guint n_params;
} Run;

static void
check_recovery (NnbApplication *app, NnbWindow *window, gpointer user_data)
{
  Run *run = user_data;
  g_autofree char *crashed_session = g_path_get_dirname (run->crashed_copy);
  g_autoptr (GPtrArray) recovered = NULL;
  g_autofree char *recovered_path = NULL;
  NnbDocument *document;
  GtkWidget *label, *button;
  NnbAutosave *autosave;

  g_test_message ("the window is mapped");

  /* the question, with the project's name, and its button */
  label = find_widget (GTK_WIDGET (window), GTK_TYPE_LABEL, "Recover unsaved project “sinenet”?");
  g_assert_nonnull (label);
  g_assert_true (gtk_widget_is_visible (label));
  button = find_widget (GTK_WIDGET (window), GTK_TYPE_BUTTON, "_Recover");
  g_assert_nonnull (button);
  g_assert_null (nnb_window_get_document (window));

  g_test_message ("recovery offered; clicking Recover");
  g_signal_emit_by_name (button, "clicked");
  g_assert_true (nnb_ui_test_wait_until (nnb_ui_test_has_document, window));
  document = nnb_window_get_document (window);

  /* unsaved, saving where it came from */
  g_assert_true (nnb_document_get_dirty (document));
  recovered_path = g_file_get_path (nnb_document_get_file (document));
  g_assert_cmpstr (recovered_path, ==, project_path);
  g_assert_cmpstr (nnb_document_get_name (document), ==, "sinenet");

  /* trained, as it was when it crashed: paused after the copy's epochs,
   * with their losses, the fitted curve drawn */
  {
    GArray *losses = NULL;

    g_assert_cmpint (nnb_document_get_past_run (document, &losses), ==, NNB_TRAINER_PAUSED);
    g_assert_cmpuint (losses->len, >, 0);
    g_assert_true (nnb_ui_test_wait_until (run_drawn, window));

    /* and the norms plot shows the history it showed: a point after each
     * of those epochs (thinned on a long run), no later one */
    g_test_message ("%u epochs, %u points of norms", losses->len, run->crashed_norms.epochs->len);
    g_assert_cmpfloat (g_array_index (run->crashed_norms.epochs, double, run->crashed_norms.epochs->len - 1), <, losses->len);
    assert_recovered_norms (window, document, &run->crashed_norms);
    g_assert_cmpuint (run->n_params, ==, nnb_model_named_parameters (nnb_document_get_project (document)->model)->len);
  }

  /* the trained weights of the copy, not the recipe's */
  recovered = parameters_of (nnb_document_get_project (document)->model);
  g_assert_true (same_parameters (recovered, run->crashed_weights));
  g_assert_false (same_parameters (recovered, run->initial_weights));

  /* the crashed session is dealt with; this session keeps its own copy */
  g_assert_false (g_file_test (crashed_session, G_FILE_TEST_EXISTS));
  g_assert_true (nnb_ui_test_wait_until (has_autosave, window));
  autosave = g_object_get_data (G_OBJECT (window), "nnb-autosave");
  g_assert_false (g_str_has_prefix (nnb_autosave_get_path (autosave), crashed_session));

  g_test_message ("recovered");
  /* closed for good, as after "Discard" in the unsaved-changes question:
   * the application ends with its last window */
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_crash_while_training_is_recovered (void)
{
  g_autofree char *example = nnb_ui_test_example_path ("sinenet.nnb");
  g_autofree char *text = NULL;
  g_autoptr (GString) endless = NULL;
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GSubprocess) child = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbProject) initial = NULL;
  g_autoptr (NnbDataset) data = NULL;
  g_autoptr (NnbProject) crashed = NULL;
  g_autoptr (GPtrArray) sessions = NULL;
  g_autofree char *copy_text = NULL;
  g_autofree char *origin_path = NULL;
  g_autofree char *origin_text = NULL;
  const char *gui = g_getenv ("NNB_GUI");
  const char *argv[] = { "nnblocks", NULL };
  Run run = { 0 };
  gint64 deadline;

  g_assert_nonnull (gui);

  /* SineNet, training until stopped: the kill always comes mid-training */
  g_assert_true (g_file_get_contents (example, &text, NULL, &error));
  endless = g_string_new (text);
  g_assert_cmpuint (g_string_replace (endless, "\"epochs\": 5000", "\"epochs\": 0", 0), ==, 1);
  g_assert_cmpuint (g_string_replace (endless, "\"until_loss\": 0.02", "\"until_loss\": 0", 0), ==, 1);
  g_assert_true (g_file_set_contents (project_path, endless->str, -1, &error));

  initial = nnb_project_load (project_path, &error);
  g_assert_no_error (error);
  data = nnb_project_build (initial, FALSE, &error);
  g_assert_no_error (error);
  run.initial_weights = parameters_of (initial->model);

  /* the child crashes (SIGKILL) once its copy holds trained weights */
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  child = g_subprocess_launcher_spawn (launcher, &error, gui, "--train", project_path, NULL);
  g_assert_no_error (error);
  deadline = g_get_monotonic_time () + CRASH_WAIT_S * G_USEC_PER_SEC;
  for (;;)
    {
      g_autofree char *path = NULL;
      g_autofree char *candidate = NULL;

      path = find_copy_with_weights (&candidate);
      if (path != NULL)
        {
          g_autoptr (NnbProject) project = nnb_project_load_from_data (candidate, strlen (candidate), &error);
          g_autoptr (GPtrArray) weights = NULL;

          g_assert_no_error (error);
          weights = parameters_of (project->model);
          if (!same_parameters (weights, run.initial_weights))
            {
              run.crashed_copy = g_steal_pointer (&path);
              break;
            }
        }
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      /* the child still runs (GLib clears the identifier when it ends) */
      g_assert_nonnull (g_subprocess_get_identifier (child));
      g_usleep (100 * 1000);
    }
  g_test_message ("killing the child, whose copy %s has trained weights", run.crashed_copy);
  g_subprocess_send_signal (child, SIGKILL);
  g_assert_true (g_subprocess_wait (child, NULL, &error));
  g_assert_true (g_subprocess_get_if_signaled (child));
  g_assert_cmpint (g_subprocess_get_term_sig (child), ==, SIGKILL);

  /* what the crash left: the last copy written (a later one may have
   * replaced the one seen above, atomically) */
  g_assert_true (g_file_get_contents (run.crashed_copy, &copy_text, NULL, &error));
  crashed = nnb_project_load_from_data (copy_text, strlen (copy_text), &error);
  g_assert_no_error (error);
  g_assert_true (crashed->has_weights);
  run.crashed_weights = parameters_of (crashed->model);
  g_assert_false (same_parameters (run.crashed_weights, run.initial_weights));
  /* its run's norms, as the plot drew them, with the losses */
  origin_path = nnb_autosave_origin_path (run.crashed_copy);
  g_assert_true (g_file_get_contents (origin_path, &origin_text, NULL, &error));
  g_assert_true (norms_of_origin (origin_text, &run.crashed_norms, &run.n_params));
  g_assert_cmpuint (run.crashed_norms.epochs->len, >, 0);

  /* the next start, in this process */
  nnb_ui_test_run_app (argv, check_recovery, &run);

  /* a clean quit leaves no copy and no session */
  sessions = list_sessions ();
  g_assert_cmpuint (sessions->len, ==, 0);

  g_free (run.crashed_copy);
  g_ptr_array_unref (run.crashed_weights);
  g_ptr_array_unref (run.initial_weights);
  norms_clear (&run.crashed_norms);
}

/* A copy a crash left that cannot be read back (here: half a JSON object):
 * Recover says why and keeps it as "….unreadable", which the next start
 * neither offers nor deletes. */
typedef struct
{
  char *copy;
  gboolean offered;
} Unreadable;

static gboolean
unreadable_kept (gpointer data)
{
  g_autofree char *kept = g_strconcat (((Unreadable *) data)->copy, ".unreadable", NULL);

  return g_file_test (kept, G_FILE_TEST_IS_REGULAR);
}

static void
check_unreadable_recovery (NnbApplication *app, NnbWindow *window, gpointer user_data)
{
  Unreadable *u = user_data;
  GtkWidget *button = find_widget (GTK_WIDGET (window), GTK_TYPE_BUTTON, "_Recover");

  u->offered = find_widget (GTK_WIDGET (window), GTK_TYPE_LABEL, "Recover unsaved project “broken”?") != NULL;
  if (!u->offered)
    return;
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  g_assert_true (nnb_ui_test_wait_until (unreadable_kept, u));
  g_assert_false (g_file_test (u->copy, G_FILE_TEST_EXISTS));
  g_assert_null (nnb_window_get_document (window));
}

static void
test_unreadable_copy_is_kept_and_not_offered_again (void)
{
  g_autofree char *session = g_build_filename (state_dir, "nnblocks", "autosave", "session-unreadable", NULL);
  g_autofree char *lock = g_build_filename (session, "lock", NULL);
  g_autofree char *origin = g_build_filename (session, "project-1.origin", NULL);
  g_autofree char *origin_uri = g_strconcat ("file://", temp_dir, "/broken.nnb", NULL);
  g_autofree char *kept = NULL;
  Unreadable u = { g_build_filename (session, "project-1.nnb", NULL), FALSE };
  const char *argv[] = { "nnblocks", NULL };

  /* what a crash leaves: an unlocked session with a copy cut short */
  g_assert_cmpint (g_mkdir_with_parents (session, 0700), ==, 0);
  g_assert_true (g_file_set_contents (lock, "", 0, NULL));
  g_assert_true (g_file_set_contents (origin, origin_uri, -1, NULL));
  g_assert_true (g_file_set_contents (u.copy, "{\"format\": \"nnblocks\", \"version\": 1, \"mo", -1, NULL));

  nnb_ui_test_run_app (argv, check_unreadable_recovery, &u);
  g_assert_true (u.offered);
  kept = g_strconcat (u.copy, ".unreadable", NULL);
  g_assert_true (g_file_test (kept, G_FILE_TEST_IS_REGULAR));

  /* the next start: not offered again, not deleted */
  nnb_ui_test_run_app (argv, check_unreadable_recovery, &u);
  g_assert_false (u.offered);
  g_assert_true (g_file_test (kept, G_FILE_TEST_IS_REGULAR));
  g_free (u.copy);
}

/* A lesson's SineNet (no file), trained to the end, then a crash: Recover
 * shows it under its own name, untitled, trained as it was. */
typedef struct
{
  gboolean recovered;
  const Norms *norms; /* those the origin holds, or NULL (an older origin, or damaged norms) */
} Untitled;

static void
check_untitled_recovery (NnbApplication *app, NnbWindow *window, gpointer user_data)
{
  Untitled *u = user_data;
  GtkWidget *button = find_widget (GTK_WIDGET (window), GTK_TYPE_BUTTON, "_Recover");
  NnbDocument *document;
  GArray *losses = NULL;

  g_assert_nonnull (find_widget (GTK_WIDGET (window), GTK_TYPE_LABEL, "Recover unsaved project “SineNet”?"));
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  g_assert_true (nnb_ui_test_wait_until (nnb_ui_test_has_document, window));
  document = nnb_window_get_document (window);

  /* its name, no file: Save asks where */
  g_assert_cmpstr (nnb_document_get_name (document), ==, "SineNet");
  g_assert_null (nnb_document_get_file (document));
  g_assert_true (nnb_document_get_dirty (document));
  g_assert_nonnull (strstr (adw_window_title_get_subtitle (nnb_ui_test_window_child (window, "window_title")),
                            "SineNet — epoch 2, loss 0.01"));

  /* trained to the end, with its losses; the curve and the losses drawn */
  g_assert_cmpint (nnb_document_get_past_run (document, &losses), ==, NNB_TRAINER_FINISHED);
  g_assert_cmpuint (losses->len, ==, 3);
  g_assert_cmpfloat (g_array_index (losses, double, 2), ==, 0.01);
  g_assert_true (nnb_ui_test_wait_until (run_drawn, window));
  /* the norms plot: the origin's history, or none as before */
  assert_recovered_norms (window, document, u->norms);

  /* the lesson's Check sees it trained, with the loss it reached */
  {
    NnbLessonPanel *panel = nnb_window_get_lesson_panel (window);
    int exercise = nnb_lesson_find_step (nnb_lesson_panel_get_lesson (panel), "exercise");

    g_assert_cmpint (exercise, >=, 0);
    nnb_lesson_panel_set_step (panel, (guint) exercise);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "lesson.check", NULL));
    g_test_message ("Check: %s", nnb_lesson_panel_get_result (panel));
    g_assert_null (strstr (nnb_lesson_panel_get_result (panel), "has not been trained"));
    g_assert_nonnull (strstr (nnb_lesson_panel_get_result (panel), "✓ The final loss"));
  }
  u->recovered = TRUE;
  gtk_window_destroy (GTK_WINDOW (window));
}

/* What a crash leaves of the lesson's SineNet: an unlocked session; the
 * origin (origin_text, then recovered as in check_untitled_recovery) has no
 * file, the name, the run's state (finished) and its losses, then what
 * norms says. */
static void
recover_untitled (const char *session_name, const char *norms, const Norms *expected)
{
  g_autofree char *session = g_build_filename (state_dir, "nnblocks", "autosave", session_name, NULL);
  g_autofree char *lock = g_build_filename (session, "lock", NULL);
  g_autofree char *origin = g_build_filename (session, "project-1.origin", NULL);
  g_autofree char *copy = g_build_filename (session, "project-1.nnb", NULL);
  g_autofree char *example = nnb_ui_test_example_path ("sinenet.nnb");
  g_autofree char *text = NULL;
  g_autofree char *origin_text = g_strconcat ("\nSineNet\n4\n0.5 0.1 0.01\n", norms, NULL);
  Untitled u = { FALSE, expected };
  const char *argv[] = { "nnblocks", "--lesson", "day02", NULL };

  g_test_message ("norms in the origin: %.200s", norms);
  g_assert_true (g_file_get_contents (example, &text, NULL, NULL));
  g_assert_cmpint (g_mkdir_with_parents (session, 0700), ==, 0);
  g_assert_true (g_file_set_contents (lock, "", 0, NULL));
  g_assert_true (g_file_set_contents (origin, origin_text, -1, NULL));
  g_assert_true (g_file_set_contents (copy, text, -1, NULL));

  nnb_ui_test_run_app (argv, check_untitled_recovery, &u);
  g_assert_true (u.recovered);
  g_assert_false (g_file_test (session, G_FILE_TEST_EXISTS));
}

/* An origin written before the norms were kept: the run comes back as
 * before, with no norms' history. */
static void
test_untitled_trained_project_is_recovered_under_its_name (void)
{
  recover_untitled ("session-untitled", "", NULL);
}

/* SineNet's parameters, as many as its model has. */
static guint
sinenet_n_params (void)
{
  g_autofree char *example = nnb_ui_test_example_path ("sinenet.nnb");
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbProject) project = nnb_project_load (example, &error);

  g_assert_no_error (error);
  return nnb_model_named_parameters (project->model)->len;
}

static void
append_line (GString *text, GArray *numbers)
{
  for (guint i = 0; i < numbers->len; i++)
    {
      char number[G_ASCII_DTOSTR_BUF_SIZE];

      g_string_append (text, g_ascii_dtostr (number, sizeof number, g_array_index (numbers, double, i)));
      g_string_append_c (text, i + 1 < numbers->len ? ' ' : '\n');
    }
}

/* The norms of three epochs, thinned to the first and the last, as the
 * origin holds them: exactly those come back, to the last bit. */
static void
test_untitled_norms_are_recovered (void)
{
  guint n_params = sinenet_n_params ();
  Norms norms = {
    g_array_new (FALSE, FALSE, sizeof (double)),
    g_array_new (FALSE, FALSE, sizeof (double)),
    g_array_new (FALSE, FALSE, sizeof (double)),
  };
  g_autoptr (GString) text = g_string_new (NULL);

  for (guint p = 0; p < 2; p++)
    {
      double epoch = 2.0 * p;

      g_array_append_val (norms.epochs, epoch);
      for (guint i = 0; i < n_params; i++)
        {
          double value = 1.0 / 3.0 + i + 10 * p;
          double gradient = (p == 0 ? 1e-300 : 2.5e10) * (i + 1);

          g_array_append_val (norms.values, value);
          g_array_append_val (norms.gradients, gradient);
        }
    }
  g_string_append_printf (text, "norms 2 %u\n", n_params);
  append_line (text, norms.epochs);
  append_line (text, norms.values);
  append_line (text, norms.gradients);
  recover_untitled ("session-norms", text->str, &norms);
  norms_clear (&norms);
}

/* Damaged norms (a cut file, wrong counts, garbage numbers, epochs out of
 * order, as many per point as another model's): left out, never read past
 * their end; the run comes back as from an older origin. */
static void
test_untitled_damaged_norms_are_ignored (void)
{
  guint n = sinenet_n_params ();
  g_autofree char *values = g_strnfill (2 * n * 2 - 1, '1');
  g_autoptr (GPtrArray) damaged = g_ptr_array_new_with_free_func (g_free);

  /* "1 1 … 1": 2 × n numbers */
  for (guint i = 1; i < 2 * n * 2 - 1; i += 2)
    values[i] = ' ';
  g_ptr_array_add (damaged, g_strdup ("norms 2"));                                 /* cut */
  g_ptr_array_add (damaged, g_strdup_printf ("norms 2 %u\n0 1\n%s\n", n, values)); /* no gradients */
  g_ptr_array_add (damaged, g_strdup_printf ("norms 3 %u\n0 1\n%s\n%s\n", n, values, values));
  g_ptr_array_add (damaged, g_strdup_printf ("norms 2 %u\n0 1\n%s\n%s\n", n + 1, values, values));
  g_ptr_array_add (damaged, g_strdup_printf ("norms 2 %u\n0 1\n%s\n%s 1\n", n, values, values));
  g_ptr_array_add (damaged, g_strdup_printf ("norms 2 %u\n0 x\n%s\n%s\n", n, values, values));
  g_ptr_array_add (damaged, g_strdup_printf ("norms 2 %u\n0 1\n%s\n1e5zz%s\n", n, values, values + 1));
  g_ptr_array_add (damaged, g_strdup_printf ("norms 2 %u\n1 0\n%s\n%s\n", n, values, values));
  g_ptr_array_add (damaged, g_strdup_printf ("norms 2 %u\n-1 0\n%s\n%s\n", n, values, values));
  g_ptr_array_add (damaged, g_strdup_printf ("norms 4294967295 4294967295\n0 1\n%s\n%s\n", values, values));
  g_ptr_array_add (damaged, g_strdup_printf ("norms -2 -%u\n0 1\n%s\n%s\n", n, values, values));
  g_ptr_array_add (damaged, g_strdup_printf ("norms 1 %u\n0\n%s\n%s\n", 2 * n, values, values)); /* another model's */
  g_ptr_array_add (damaged, g_strdup_printf ("norms 2 %u\n\n%s\n%s\n", n, values, values));

  for (guint i = 0; i < damaged->len; i++)
    {
      g_autofree char *session_name = g_strdup_printf ("session-damaged-%u", i);

      recover_untitled (session_name, damaged->pdata[i], NULL);
    }
}

static void
remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

int
main (int argc, char *argv[])
{
  int status;

  /* Before anything asks GLib for the state folder, which it reads once. */
  temp_dir = g_dir_make_tmp ("nnb-recovery-XXXXXX", NULL);
  g_assert_nonnull (temp_dir);
  state_dir = g_build_filename (temp_dir, "state", NULL);
  project_path = g_build_filename (temp_dir, "sinenet.nnb", NULL);
  g_setenv ("XDG_STATE_HOME", state_dir, TRUE);
  /* No session bus for the child or for us: each runs as its own instance
   * and never hands its command line to an NN Blocks already running. */
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/nnblocks-test", TRUE);
  g_setenv ("OPENBLAS_NUM_THREADS", "1", FALSE);

  g_test_init (&argc, &argv, NULL);
  nnb_ui_test_set_wait_seconds (WAIT_S);

  if (!gtk_init_check ())
    g_test_add_func ("/ui/recovery/needs-a-display", nnb_ui_test_skip_without_display);
  else
    {
      g_test_add_func ("/ui/recovery/crash-while-training-is-recovered", test_crash_while_training_is_recovered);
      /* after the crash test, which expects no session left at its end */
      g_test_add_func ("/ui/recovery/unreadable-copy-is-kept-and-not-offered-again",
                       test_unreadable_copy_is_kept_and_not_offered_again);
      g_test_add_func ("/ui/recovery/untitled-trained-project-is-recovered-under-its-name",
                       test_untitled_trained_project_is_recovered_under_its_name);
      g_test_add_func ("/ui/recovery/untitled-norms-are-recovered", test_untitled_norms_are_recovered);
      g_test_add_func ("/ui/recovery/untitled-damaged-norms-are-ignored", test_untitled_damaged_norms_are_ignored);
    }

  status = g_test_run ();
  remove_tree (temp_dir);
  return status;
}
