/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-window.c — the application shell, started the way `nnblocks` starts:
 * the window opens titled "NN Blocks" with all its panes, the application's
 * actions and shortcuts exist, `--lesson day02` shows the Day 2 lesson, a
 * file on the command line shows its name (or why it cannot be opened), and
 * the window size and presentation mode are kept in GSettings.
 *
 * Runs under Xvfb (see meson.build) with GSETTINGS_BACKEND=memory, so it
 * never touches the user's preferences; skips when there is no display. */
#include "nnb-config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "nnb-application.h"
#include "nnb-autosave.h"
#include "nnb-parameter-row.h"
#include "nnb-parameter-view.h"
#include "nnb-plots-panel.h"
#include "nnb-project.h"
#include "nnb-training-settings.h"
#include "nnb-ui-test-util.h"
#include "nnb-window.h"

#define DAY2_TITLE "Day 2 — Building models with nn.Module"

static gboolean
is_hidden (gpointer widget)
{
  return !gtk_widget_get_visible (widget);
}

/* A plot inside the window's plots panel. */
static gpointer
plot (NnbWindow *window, const char *name)
{
  return nnb_ui_test_template_child (nnb_ui_test_window_child (window, "plots_panel"), NNB_TYPE_PLOTS_PANEL, name);
}

static GSettings *
settings_new (void)
{
  return g_settings_new (APP_ID);
}

/* The shell */

static void
check_shell (NnbApplication *app, NnbWindow *window, gpointer data)
{
  static const char *const app_actions[] = { "quit", "about", "shortcuts" };
  static const char *const win_actions[] = { "open", "toggle-lesson", "presentation" };
  g_auto (GStrv) quit_accels = NULL;
  int width, height;

  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "NN Blocks");
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 1400);
  g_assert_cmpint (height, ==, 900);

  for (gsize i = 0; i < G_N_ELEMENTS (app_actions); i++)
    g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), app_actions[i]));
  for (gsize i = 0; i < G_N_ELEMENTS (win_actions); i++)
    g_assert_true (g_action_group_has_action (G_ACTION_GROUP (window), win_actions[i]));
  quit_accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "app.quit");
  g_assert_true (g_strv_contains ((const char *const *) quit_accels, "<Control>q"));

  g_assert_true (ADW_IS_HEADER_BAR (nnb_ui_test_window_child (window, "header_bar")));
  g_assert_cmpstr (adw_window_title_get_title (nnb_ui_test_window_child (window, "window_title")), ==, "NN Blocks");
  g_assert_true (gtk_widget_get_mapped (nnb_ui_test_window_child (window, "open_button")));
  g_assert_true (GTK_IS_MENU_BUTTON (nnb_ui_test_window_child (window, "primary_menu_button")));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (nnb_ui_test_window_child (window, "train_stack")), ==, "train");

  g_assert_true (adw_flap_get_reveal_flap (nnb_ui_test_window_child (window, "flap")));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (nnb_ui_test_window_child (window, "lesson_stack")), ==, "lesson");
  g_assert_cmpstr (gtk_label_get_text (nnb_ui_test_window_child (window, "lesson_title")), ==, DAY2_TITLE);
  g_assert_cmpstr (gtk_label_get_text (nnb_ui_test_window_child (window, "lesson_name")), ==, "day02");

  g_assert_cmpstr (adw_status_page_get_title (nnb_ui_test_window_child (window, "diagram_status")), ==, "No Project Open");
  g_assert_nonnull (adw_view_stack_get_child_by_name (nnb_ui_test_window_child (window, "side_stack"), "parameters"));
  g_assert_nonnull (adw_view_stack_get_child_by_name (nnb_ui_test_window_child (window, "side_stack"), "code"));
  g_assert_cmpstr (adw_status_page_get_description (nnb_ui_test_window_child (window, "parameters_status")), ==,
                   "Open a project to see its parameters");
  g_assert_cmpstr (adw_status_page_get_description (nnb_ui_test_window_child (window, "code_status")), ==,
                   "Open a project to see its PyTorch code");

  g_assert_true (gtk_widget_get_mapped (plot (window, "data_plot")));
  g_assert_true (gtk_widget_get_mapped (plot (window, "loss_plot")));
  g_assert_true (gtk_widget_get_mapped (plot (window, "norms_plot")));
  g_assert_cmpint (gtk_widget_get_width (plot (window, "loss_plot")), >, 100);
  g_assert_cmpint (gtk_widget_get_height (plot (window, "loss_plot")), >, 100);
}

static void
test_window_opens_with_day2_lesson (void)
{
  const char *argv[] = { "nnblocks", "--lesson", "day02", NULL };

  nnb_ui_test_run_app (argv, check_shell, NULL);
}

/* Lessons */

static void
check_lesson_status (NnbApplication *app, NnbWindow *window, gpointer data)
{
  g_assert_cmpstr (gtk_stack_get_visible_child_name (nnb_ui_test_window_child (window, "lesson_stack")), ==, "none");
  g_assert_cmpstr (adw_status_page_get_title (nnb_ui_test_window_child (window, "lesson_status")), ==, data);
}

static void
test_unknown_lesson_says_so (void)
{
  const char *argv[] = { "nnblocks", "--lesson", "day99", NULL };
  g_autoptr (GSettings) settings = settings_new ();
  g_autofree char *last_lesson = NULL;

  g_settings_reset (settings, "last-lesson");
  nnb_ui_test_run_app (argv, check_lesson_status, "Lesson Not Found");
  /* an unknown lesson is not remembered */
  last_lesson = g_settings_get_string (settings, "last-lesson");
  g_assert_cmpstr (last_lesson, ==, "");
}

static void
test_no_lesson_without_option (void)
{
  const char *argv[] = { "nnblocks", NULL };
  g_autoptr (GSettings) settings = settings_new ();

  g_settings_reset (settings, "last-lesson");
  nnb_ui_test_run_app (argv, check_lesson_status, "No Lesson Open");
}

static void
check_day2_shown (NnbApplication *app, NnbWindow *window, gpointer data)
{
  g_assert_cmpstr (gtk_label_get_text (nnb_ui_test_window_child (window, "lesson_title")), ==, DAY2_TITLE);
}

static void
test_last_lesson_opens_again (void)
{
  const char *with_lesson[] = { "nnblocks", "--lesson", "day02", NULL };
  const char *without[] = { "nnblocks", NULL };
  g_autoptr (GSettings) settings = settings_new ();
  g_autofree char *last_lesson = NULL;

  g_settings_reset (settings, "last-lesson");
  nnb_ui_test_run_app (with_lesson, check_day2_shown, NULL);
  last_lesson = g_settings_get_string (settings, "last-lesson");
  g_assert_cmpstr (last_lesson, ==, "day02");
  nnb_ui_test_run_app (without, check_day2_shown, NULL);
  g_settings_reset (settings, "last-lesson");
}

/* Files */

static gboolean
diagram_title_is (gpointer data)
{
  void **args = data;

  return g_strcmp0 (adw_status_page_get_title (nnb_ui_test_window_child (args[0], "diagram_status")), args[1]) == 0;
}

static void
check_diagram_title (NnbApplication *app, NnbWindow *window, gpointer data)
{
  void *args[] = { window, data };

  g_assert_true (nnb_ui_test_wait_until (diagram_title_is, args));
}

static void
check_project_shown (NnbApplication *app, NnbWindow *window, gpointer data)
{
  g_assert_true (nnb_ui_test_wait_until (nnb_ui_test_has_document, window));
  g_assert_cmpstr (adw_window_title_get_subtitle (nnb_ui_test_window_child (window, "window_title")), ==, data);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (nnb_ui_test_window_child (window, "diagram_stack")), ==, "diagram");
  g_assert_false (nnb_window_is_empty (window));
}

static void
test_file_on_command_line_shows_its_name (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("nnb-test-window-XXXXXX", &error);
  g_autofree char *example = nnb_ui_test_example_path ("regression.nnb");
  g_autofree char *contents = NULL;
  g_autofree char *path = NULL;
  const char *argv[] = { "nnblocks", NULL, NULL };

  g_assert_no_error (error);
  g_file_get_contents (example, &contents, NULL, &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "my-regression.nnb", NULL);
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);

  argv[1] = path;
  nnb_ui_test_run_app (argv, check_project_shown, "my-regression");

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_broken_file_shows_engine_error (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("nnb-test-window-XXXXXX", &error);
  g_autofree char *path = NULL;
  const char *argv[] = { "nnblocks", NULL, NULL };

  g_assert_no_error (error);
  path = g_build_filename (dir, "broken.nnb", NULL);
  g_file_set_contents (path, "{}\n", -1, &error);
  g_assert_no_error (error);

  argv[1] = path;
  nnb_ui_test_run_app (argv, check_diagram_title, "Could Not Open Project");

  g_unlink (path);
  g_rmdir (dir);
}

/* Training live: the plots follow the worker, pause is prompt, frames keep coming */

typedef struct
{
  NnbWindow *window;
  gint64 last_tick_us;
  gint64 max_gap_us;
  gboolean measuring;
  int data_epochs_seen;
  int loss_epochs_seen;
  int last_data_epoch;
  int last_loss_epoch;
} Watch;

static gboolean
watch_tick (GtkWidget *widget, GdkFrameClock *clock, gpointer user_data)
{
  Watch *w = user_data;
  gint64 now = g_get_monotonic_time ();
  int data_epoch, loss_epoch;

  /* Frames count once training shows: the first frame after Train
   * relays out the header bar, which is not the hand-off's cost. */
  if (w->measuring && w->last_tick_us != 0 && w->last_loss_epoch > 0)
    {
      if (now - w->last_tick_us > 50 * 1000)
        g_test_message ("frame gap of %" G_GINT64_FORMAT " µs after epoch %d",
                        now - w->last_tick_us, w->last_loss_epoch);
      w->max_gap_us = MAX (w->max_gap_us, now - w->last_tick_us);
    }
  w->last_tick_us = now;

  /* What the plots drew, epoch by epoch: each new epoch is a new snapshot drawn. */
  nnb_window_get_plotted_epochs (w->window, &data_epoch, &loss_epoch);
  if (data_epoch > w->last_data_epoch)
    w->data_epochs_seen++, w->last_data_epoch = data_epoch;
  if (loss_epoch > w->last_loss_epoch)
    w->loss_epochs_seen++, w->last_loss_epoch = loss_epoch;

  return G_SOURCE_CONTINUE;
}

static gboolean
plots_followed_training (gpointer data)
{
  Watch *w = data;

  return w->data_epochs_seen >= 5 && w->loss_epochs_seen >= 5;
}

static gboolean
trainer_paused (gpointer data)
{
  NnbTrainer *trainer = nnb_document_get_trainer (nnb_window_get_document (data));
  g_autoptr (NnbSnapshot) snapshot = nnb_trainer_get_snapshot (trainer);

  return snapshot->state == NNB_TRAINER_PAUSED;
}

static gboolean
trainer_converged (gpointer data)
{
  NnbTrainer *trainer = nnb_document_get_trainer (nnb_window_get_document (data));
  g_autoptr (NnbSnapshot) snapshot = nnb_trainer_get_snapshot (trainer);

  return snapshot->state == NNB_TRAINER_CONVERGED;
}

static gboolean
time_passed (gpointer data)
{
  return g_get_monotonic_time () > *(gint64 *) data;
}

static void
check_sinenet_trains (NnbApplication *app, NnbWindow *window, gpointer data)
{
  Watch w = { window, 0, 0, FALSE, 0, 0, -1, -1 };
  NnbTrainer *trainer;
  g_autoptr (NnbSnapshot) paused = NULL;
  g_autoptr (NnbSnapshot) later = NULL;
  gint64 pause_us, paused_after_us, until;
  guint tick;

  g_assert_true (nnb_ui_test_wait_until (nnb_ui_test_has_document, window));
  tick = gtk_widget_add_tick_callback (GTK_WIDGET (window), watch_tick, &w, NULL);
  /* one quiet frame first, so the window's first layout is not counted */
  until = g_get_monotonic_time () + 200 * 1000;
  g_assert_true (nnb_ui_test_wait_until (time_passed, &until));

  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "train"));
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "pause"));
  /* SineNet converges in a fraction of a second: train without the early
   * stop, long enough to watch the plots and to pause */
  nnb_document_get_project (nnb_window_get_document (window))->training.until_loss = 0;
  nnb_document_get_project (nnb_window_get_document (window))->training.epochs = 1000000;
  w.measuring = TRUE;
  g_action_group_activate_action (G_ACTION_GROUP (window), "train", NULL);
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "pause"));

  g_assert_true (nnb_ui_test_wait_until (plots_followed_training, &w));
  g_assert_cmpint (w.last_loss_epoch, >, 0);
  g_test_message ("plots drew %d data and %d loss snapshots, up to epoch %d",
                  w.data_epochs_seen, w.loss_epochs_seen, w.last_loss_epoch);

  trainer = nnb_document_get_trainer (nnb_window_get_document (window));
  g_assert_nonnull (trainer);
  pause_us = g_get_monotonic_time ();
  g_action_group_activate_action (G_ACTION_GROUP (window), "pause", NULL);
  g_assert_true (nnb_ui_test_wait_until (trainer_paused, window));
  paused_after_us = g_get_monotonic_time () - pause_us;
  w.measuring = FALSE;
  g_test_message ("paused after %" G_GINT64_FORMAT " µs; longest frame gap %" G_GINT64_FORMAT " µs",
                  paused_after_us, w.max_gap_us);
  g_assert_cmpint (paused_after_us, <, 100 * 1000);
  /* The worker runs a little below the UI's priority, so even on two
   * cores shared with Xvfb the frames keep coming. */
  g_assert_cmpint (w.max_gap_us, <, 50 * 1000);

  /* and the epoch counter stays where it stopped */
  paused = nnb_trainer_get_snapshot (trainer);
  until = g_get_monotonic_time () + 200 * 1000;
  g_assert_true (nnb_ui_test_wait_until (time_passed, &until));
  later = nnb_trainer_get_snapshot (trainer);
  g_assert_cmpint (later->epoch, ==, paused->epoch);
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "train"));

  /* the norms plot gathered a history, and the curve can be kept */
  g_assert_cmpuint (nnb_plots_panel_get_n_norm_points (nnb_ui_test_window_child (window, "plots_panel")), >=, 2);
  g_action_group_activate_action (G_ACTION_GROUP (window), "pin-curve", NULL);
  g_assert_cmpuint (nnb_plots_panel_get_n_pinned (nnb_ui_test_window_child (window, "plots_panel")), ==, 1);
  g_action_group_activate_action (G_ACTION_GROUP (window), "clear-pinned-curves", NULL);
  g_assert_cmpuint (nnb_plots_panel_get_n_pinned (nnb_ui_test_window_child (window, "plots_panel")), ==, 0);

  gtk_widget_remove_tick_callback (GTK_WIDGET (window), tick);
}

static void
test_sinenet_trains_live (void)
{
  g_autofree char *path = nnb_ui_test_example_path ("sinenet.nnb");
  const char *argv[] = { "nnblocks", path, NULL };

  nnb_ui_test_run_app (argv, check_sinenet_trains, NULL);
}

/* Training for seconds: the copy is rewritten every autosave period, and
 * frames keep coming through every look the autosave takes. */

/* nnb-autosave.h's promise, NNB_AUTOSAVE_INTERVAL_S: a look every 2 s.
 * Written out here, so that a longer interval fails rather than moves the
 * test along with it. */
#define AUTOSAVE_PERIOD_US (2 * G_USEC_PER_SEC)
/* Slack for the copy, written on a GTask thread, to reach the disk on a
 * busy machine. */
#define AUTOSAVE_SLACK_US (750 * 1000)
/* Quiet runs on two cores measure 20–35 ms; a stall of 80 ms, or a look
 * that blocks the main loop, is well past it. What counts is the app's own
 * share of a gap: the time the main thread waited for a CPU while other
 * programs had both is not (see main_thread_run_delay_us). */
#define FRAME_GAP_LIMIT_US (50 * 1000)
/* At least this much of training measured, with at least two copies. */
#define LONG_WATCH_MIN_US (4 * G_USEC_PER_SEC)

typedef struct
{
  NnbWindow *window;
  NnbAutosave *autosave;
  gint64 train_us;       /* when Train was pressed */
  gint64 first_frame_us; /* the first frame measured */
  gint64 last_tick_us;
  gint64 last_run_delay_us;
  gint64 max_gap_us;      /* the app's own share of the longest gap */
  gint64 max_gap_at_us;   /* after Train */
  gint64 max_wall_gap_us; /* the longest gap on the clock, for the log */
  int n_frames;
  int n_slow_frames;
  gboolean measuring;
  GArray *writes; /* gint64: when each new copy was seen */
  guint64 copy_inode;
  gint64 copy_mtime_ns;
} LongWatch;

/* How long the calling thread has waited, runnable, for a CPU (the
 * scheduler's run_delay in /proc/thread-self/schedstat), or 0 where the
 * kernel does not say. On a quiet machine it stays near 0; on two cores
 * shared with compilers it is most of a slow frame, and no fault of the
 * app: a stall in the app (work or a blocking call) is not waiting for a CPU. */
static gint64
main_thread_run_delay_us (void)
{
  g_autofree char *text = NULL;
  guint64 on_cpu_ns, waited_ns;

  if (!g_file_get_contents ("/proc/thread-self/schedstat", &text, NULL, NULL) || sscanf (text, "%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT, &on_cpu_ns, &waited_ns) != 2)
    return 0;
  return (gint64) (waited_ns / 1000);
}

static void
long_watch_gap (LongWatch *w, gint64 now, gint64 run_delay_us)
{
  gint64 wall = now - w->last_tick_us;
  gint64 gap = wall - MAX (run_delay_us - w->last_run_delay_us, 0);

  if (wall > FRAME_GAP_LIMIT_US)
    g_test_message ("frame gap of %" G_GINT64_FORMAT " ms, %" G_GINT64_FORMAT " ms of it the app's, %.2f s after Train",
                    wall / 1000, gap / 1000, (now - w->train_us) / 1e6);
  if (gap > FRAME_GAP_LIMIT_US)
    w->n_slow_frames++;
  w->max_wall_gap_us = MAX (w->max_wall_gap_us, wall);
  if (gap > w->max_gap_us)
    {
      w->max_gap_us = gap;
      w->max_gap_at_us = now - w->train_us;
    }
}

/* A new copy: the file was replaced (atomic writes give it a new inode) or
 * rewritten since the last frame. */
static void
long_watch_copy (LongWatch *w, gint64 now)
{
  const char *path = nnb_autosave_get_path (w->autosave);
  GStatBuf st;
  gint64 mtime_ns;

  if (path == NULL || g_stat (path, &st) != 0)
    return;
  mtime_ns = (gint64) st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
  if ((guint64) st.st_ino == w->copy_inode && mtime_ns == w->copy_mtime_ns)
    return;
  w->copy_inode = st.st_ino;
  w->copy_mtime_ns = mtime_ns;
  g_array_append_val (w->writes, now);
  g_test_message ("autosave copy written, %.2f s after Train", (now - w->train_us) / 1e6);
}

static gboolean
long_watch_tick (GtkWidget *widget, GdkFrameClock *clock, gpointer user_data)
{
  LongWatch *w = user_data;
  gint64 now = g_get_monotonic_time ();
  gint64 run_delay_us = main_thread_run_delay_us ();
  int data_epoch, loss_epoch;

  if (!w->measuring)
    return G_SOURCE_CONTINUE;

  /* Frames count once training shows, as in check_sinenet_trains. */
  nnb_window_get_plotted_epochs (w->window, &data_epoch, &loss_epoch);
  if (loss_epoch > 0)
    {
      if (w->first_frame_us == 0)
        w->first_frame_us = now;
      else
        long_watch_gap (w, now, run_delay_us);
      w->n_frames++;
    }
  w->last_tick_us = now;
  w->last_run_delay_us = run_delay_us;
  long_watch_copy (w, now);

  return G_SOURCE_CONTINUE;
}

static gboolean
long_watch_done (gpointer data)
{
  LongWatch *w = data;
  gint64 now = g_get_monotonic_time ();

  /* the first look asks the worker for its weights, the next writes them:
   * two copies within three periods of Train */
  return (w->writes->len >= 2 && now - w->train_us >= LONG_WATCH_MIN_US) || now - w->train_us > 3 * AUTOSAVE_PERIOD_US + AUTOSAVE_SLACK_US;
}

static void
check_autosaves_while_frames_keep_coming (NnbApplication *app, NnbWindow *window, gpointer data)
{
  LongWatch w = { window };
  gint64 until, measured_us;
  guint tick;

  g_assert_true (nnb_ui_test_wait_until (nnb_ui_test_has_document, window));
  w.autosave = g_object_get_data (G_OBJECT (window), "nnb-autosave");
  g_assert_true (NNB_IS_AUTOSAVE (w.autosave));
  w.writes = g_array_new (FALSE, FALSE, sizeof (gint64));
  tick = gtk_widget_add_tick_callback (GTK_WIDGET (window), long_watch_tick, &w, NULL);
  /* one quiet frame first, so the window's first layout is not counted */
  until = g_get_monotonic_time () + 200 * 1000;
  g_assert_true (nnb_ui_test_wait_until (time_passed, &until));

  /* no early stop: SineNet trains for as long as the test watches */
  nnb_document_get_project (nnb_window_get_document (window))->training.until_loss = 0;
  nnb_document_get_project (nnb_window_get_document (window))->training.epochs = 1000000;
  w.train_us = g_get_monotonic_time ();
  w.measuring = TRUE;
  g_action_group_activate_action (G_ACTION_GROUP (window), "train", NULL);
  g_assert_true (nnb_ui_test_wait_until (long_watch_done, &w));
  w.measuring = FALSE;
  /* a frame clock that stopped altogether leaves its gap at the end */
  if (w.first_frame_us != 0)
    long_watch_gap (&w, g_get_monotonic_time (), main_thread_run_delay_us ());
  measured_us = g_get_monotonic_time () - w.first_frame_us;
  g_action_group_activate_action (G_ACTION_GROUP (window), "pause", NULL);
  g_assert_true (nnb_ui_test_wait_until (trainer_paused, window));
  gtk_widget_remove_tick_callback (GTK_WIDGET (window), tick);

  g_test_message ("%d frames over %.2f s of training, %d over %d ms; the app's longest gap %" G_GINT64_FORMAT
                  " ms, %.2f s after Train (on the clock %" G_GINT64_FORMAT " ms); %u copies written",
                  w.n_frames, measured_us / 1e6, w.n_slow_frames, FRAME_GAP_LIMIT_US / 1000,
                  w.max_gap_us / 1000, w.max_gap_at_us / 1e6, w.max_wall_gap_us / 1000, w.writes->len);

  /* the autosave keeps its period */
  if (w.writes->len < 2)
    g_error ("%u autosave copies in %.1f s of training; one every %d s expected", w.writes->len,
             (g_get_monotonic_time () - w.train_us) / 1e6, (int) (AUTOSAVE_PERIOD_US / G_USEC_PER_SEC));
  g_assert_cmpint (g_array_index (w.writes, gint64, 0) - w.train_us, <=, 2 * AUTOSAVE_PERIOD_US + AUTOSAVE_SLACK_US);
  for (guint i = 1; i < w.writes->len; i++)
    {
      gint64 interval = g_array_index (w.writes, gint64, i) - g_array_index (w.writes, gint64, i - 1);

      g_assert_cmpint (interval, <=, AUTOSAVE_PERIOD_US + AUTOSAVE_SLACK_US);
      g_assert_cmpint (interval, >=, AUTOSAVE_PERIOD_US / 2);
    }

  /* and no frame waited for it, or for anything else, over the whole run */
  g_assert_cmpint (measured_us, >=, LONG_WATCH_MIN_US - 500 * 1000);
  g_assert_cmpint (w.n_frames, >=, measured_us / 1000 / 40);
  g_assert_cmpint (w.max_gap_us, <, FRAME_GAP_LIMIT_US);

  g_array_unref (w.writes);
}

static void
test_autosaves_every_2_s_while_frames_keep_coming (void)
{
  g_autofree char *path = nnb_ui_test_example_path ("sinenet.nnb");
  const char *argv[] = { "nnblocks", path, NULL };

  nnb_ui_test_run_app (argv, check_autosaves_while_frames_keep_coming, NULL);
}

/* The first label under widget whose text starts with prefix, or NULL. */
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

static gboolean
has_toast (gpointer data)
{
  void **args = data;

  return find_label (args[0], args[1]) != NULL;
}

static gboolean
subtitle_ends_with (gpointer data)
{
  void **args = data;

  return g_str_has_suffix (adw_window_title_get_subtitle (nnb_ui_test_window_child (args[0], "window_title")), args[1]);
}

/* The window's words, the toast's and the header's, next to each other. */
static void
assert_says (NnbWindow *window, const char *toast, const char *toast_says, const char *header_ends)
{
  void *toast_args[] = { window, (gpointer) toast };
  void *header_args[] = { window, (gpointer) header_ends };

  g_assert_true (nnb_ui_test_wait_until (has_toast, toast_args));
  g_test_message ("toast: %s", gtk_label_get_text (find_label (GTK_WIDGET (window), toast)));
  g_assert_true (g_str_has_prefix (gtk_label_get_text (find_label (GTK_WIDGET (window), toast)), toast_says));
  if (!nnb_ui_test_wait_until (subtitle_ends_with, header_args))
    g_error ("the header says “%s”, not “…%s”",
             adw_window_title_get_subtitle (nnb_ui_test_window_child (window, "window_title")), header_ends);
}

/* The run ends where the lesson says PyTorch's does: the loop's epoch 1543
 * counts from 0, so 1544 epochs are complete. The toast and the header
 * both say epoch 1543, as the program prints it, and both show the loss
 * with the digits that make it below 0.02 (0.01999, not 0.0200). */
static void
check_sinenet_converges (NnbApplication *app, NnbWindow *window, gpointer data)
{
  NnbTrainer *trainer;
  g_autoptr (NnbSnapshot) last = NULL;

  g_assert_true (nnb_ui_test_wait_until (nnb_ui_test_has_document, window));
  g_action_group_activate_action (G_ACTION_GROUP (window), "train", NULL);
  g_assert_true (nnb_ui_test_wait_until (trainer_converged, window));
  trainer = nnb_document_get_trainer (nnb_window_get_document (window));
  last = nnb_trainer_get_snapshot (trainer);
  g_assert_cmpint (last->epoch, ==, 1544);
  g_assert_cmpfloat (last->loss, <, 0.02);
  assert_says (window, "Converged at epoch", "Converged at epoch 1543, loss 0.01999: below", " — epoch 1543, loss 0.01999");
}

static gboolean
trainer_diverged (gpointer data)
{
  NnbTrainer *trainer = nnb_document_get_trainer (nnb_window_get_document (data));
  g_autoptr (NnbSnapshot) snapshot = nnb_trainer_get_snapshot (trainer);

  return snapshot->state == NNB_TRAINER_DIVERGED;
}

/* The page's own lr 0.1: the loss is inf from epoch 21 and nan at 25,
 * where training stops. The header says nan at 25, as the toast does, not
 * the inf of the last weights kept. */
static void
check_sinenet_diverges (NnbApplication *app, NnbWindow *window, gpointer data)
{
  g_assert_true (nnb_ui_test_wait_until (nnb_ui_test_has_document, window));
  nnb_document_get_project (nnb_window_get_document (window))->training.optimizer.lr = 0.1;
  g_action_group_activate_action (G_ACTION_GROUP (window), "train", NULL);
  g_assert_true (nnb_ui_test_wait_until (trainer_diverged, window));
  assert_says (window, "Training diverged", "Training diverged at epoch 25: the loss became nan.",
               " — epoch 25, loss nan");
}

static void
test_sinenet_at_lr_0_1_says_nan_at_epoch_25 (void)
{
  g_autofree char *path = nnb_ui_test_example_path ("sinenet.nnb");
  const char *argv[] = { "nnblocks", path, NULL };

  nnb_ui_test_run_app (argv, check_sinenet_diverges, NULL);
}

static void
test_sinenet_converges_like_pytorch (void)
{
  g_autofree char *path = nnb_ui_test_example_path ("sinenet.nnb");
  const char *argv[] = { "nnblocks", path, NULL };

  nnb_ui_test_run_app (argv, check_sinenet_converges, NULL);
}

/* The parameter tree and the code of the lesson's MLP */

static void
check_mlp (NnbApplication *app, NnbWindow *window, gpointer data)
{
  NnbParameterView *view;
  GListModel *rows;
  GtkTextBuffer *buffer;
  GtkTextIter start, end;
  g_autofree char *code = NULL;
  int n_parameters = 0;

  g_assert_true (nnb_ui_test_wait_until (nnb_ui_test_has_document, window));

  view = nnb_ui_test_window_child (window, "parameter_view");
  rows = nnb_parameter_view_get_rows (view);
  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr (GtkTreeListRow) row = g_list_model_get_item (rows, i);
      NnbParameterRow *item = gtk_tree_list_row_get_item (row);

      if (nnb_parameter_row_is_parameter (item))
        n_parameters++;
      g_object_unref (item);
    }
  g_assert_cmpint (n_parameters, ==, 6);
  g_assert_cmpint (nnb_parameter_view_get_total (view), ==, 353);

  buffer = gtk_text_view_get_buffer (nnb_ui_test_window_child (window, "code_view"));
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  code = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  g_assert_nonnull (strstr (code, "class MLP(nn.Module)"));
}

static void
test_mlp_has_353_parameters_and_its_code (void)
{
  g_autofree char *path = nnb_ui_test_example_path ("mlp-residual.nnb");
  const char *argv[] = { "nnblocks", path, NULL };

  nnb_ui_test_run_app (argv, check_mlp, NULL);
}

/* The rows of the tree that are parameters, in order. */
static GPtrArray *
parameter_rows (NnbParameterView *view)
{
  GListModel *rows = nnb_parameter_view_get_rows (view);
  GPtrArray *found = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr (GtkTreeListRow) row = g_list_model_get_item (rows, i);
      NnbParameterRow *item = gtk_tree_list_row_get_item (row);

      if (nnb_parameter_row_is_parameter (item))
        g_ptr_array_add (found, item);
      else
        g_object_unref (item);
    }
  return found;
}

static char *
row_text (NnbParameterRow *row, const char *property)
{
  char *text = NULL;

  g_object_get (row, property, &text, NULL);
  return text;
}

static gboolean
norms_shown (gpointer data)
{
  g_autoptr (GPtrArray) rows = parameter_rows (data);

  for (guint i = 0; i < rows->len; i++)
    {
      g_autofree char *value = row_text (rows->pdata[i], "value-norm-text");
      g_autofree char *grad = row_text (rows->pdata[i], "grad-norm-text");

      if (g_str_equal (value, "—") || g_str_equal (grad, "—"))
        return FALSE;
    }
  return rows->len > 0;
}

static gboolean
trainer_finished (gpointer data)
{
  NnbTrainer *trainer = nnb_document_get_trainer (nnb_window_get_document (data));
  g_autoptr (NnbSnapshot) snapshot = nnb_trainer_get_snapshot (trainer);

  return snapshot->state == NNB_TRAINER_FINISHED;
}

/* A bare nn.Linear(1, 1) (a "form 1" project): named_parameters() gives
 * weight and bias, no dot in front, and the tree shows their norms once
 * it has trained, as it does for a model with named modules. */
static void
check_bare_linear (NnbApplication *app, NnbWindow *window, gpointer data)
{
  NnbParameterView *view;
  g_autoptr (GPtrArray) rows = NULL;

  g_assert_true (nnb_ui_test_wait_until (nnb_ui_test_has_document, window));
  view = nnb_ui_test_window_child (window, "parameter_view");
  rows = parameter_rows (view);
  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_cmpstr (nnb_parameter_row_get_name (rows->pdata[0]), ==, "weight");
  g_assert_cmpstr (nnb_parameter_row_get_name (rows->pdata[1]), ==, "bias");
  g_assert_cmpint (nnb_parameter_view_get_total (view), ==, 2);

  nnb_document_get_project (nnb_window_get_document (window))->training.epochs = 5;
  g_action_group_activate_action (G_ACTION_GROUP (window), "train", NULL);
  g_assert_true (nnb_ui_test_wait_until (trainer_finished, window));
  g_assert_true (nnb_ui_test_wait_until (norms_shown, view));
  for (guint i = 0; i < rows->len; i++)
    {
      g_autofree char *value = row_text (rows->pdata[i], "value-norm-text");
      g_autofree char *grad = row_text (rows->pdata[i], "grad-norm-text");
      char *end;

      g_test_message ("%s: ‖w‖ %s, ‖grad‖ %s", nnb_parameter_row_get_name (rows->pdata[i]), value, grad);
      g_assert_cmpfloat (g_ascii_strtod (value, &end), >, 0);
      g_assert_cmpstr (end, ==, "");
      g_assert_cmpfloat (g_ascii_strtod (grad, &end), >, 0);
      g_assert_cmpstr (end, ==, "");
    }
  /* five epochs: the loop's last is epoch 4 */
  g_assert_nonnull (strstr (adw_window_title_get_subtitle (nnb_ui_test_window_child (window, "window_title")),
                            " — epoch 4, loss "));
}

static void
test_bare_linear_names_weight_and_bias_and_shows_norms (void)
{
  g_autofree char *path = nnb_ui_test_example_path ("regression.nnb");
  const char *argv[] = { "nnblocks", path, NULL };

  nnb_ui_test_run_app (argv, check_bare_linear, NULL);
}

static void
test_missing_file_shows_error (void)
{
  const char *argv[] = { "nnblocks", "/nonexistent-nnblocks-test/missing.nnb", NULL };

  nnb_ui_test_run_app (argv, check_diagram_title, "Could Not Open Project");
}

/* Preferences */

static void
check_presentation_mode (NnbApplication *app, NnbWindow *window, gpointer data)
{
  GSettings *settings = data;

  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (window), "presentation"));
  g_action_group_activate_action (G_ACTION_GROUP (window), "presentation", NULL);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (window), "presentation"));
  g_assert_true (g_settings_get_boolean (settings, "presentation-mode"));

  g_settings_set_boolean (settings, "presentation-mode", FALSE);
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (window), "presentation"));
}

static void
test_presentation_mode_follows_setting (void)
{
  const char *argv[] = { "nnblocks", NULL };
  g_autoptr (GSettings) settings = settings_new ();

  g_settings_reset (settings, "presentation-mode");
  nnb_ui_test_run_app (argv, check_presentation_mode, settings);
  g_settings_reset (settings, "presentation-mode");
}

static void
check_resize_and_quit (NnbApplication *app, NnbWindow *window, gpointer data)
{
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  /* app.quit closes the windows, which save their size */
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
}

static void
check_size_1000x700 (NnbApplication *app, NnbWindow *window, gpointer data)
{
  int width, height;

  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 1000);
  g_assert_cmpint (height, ==, 700);
}

static void
test_window_size_is_kept (void)
{
  const char *argv[] = { "nnblocks", NULL };
  g_autoptr (GSettings) settings = settings_new ();

  nnb_ui_test_run_app (argv, check_resize_and_quit, NULL);
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 1000);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 700);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));

  nnb_ui_test_run_app (argv, check_size_1000x700, NULL);

  g_settings_reset (settings, "window-width");
  g_settings_reset (settings, "window-height");
}

static void
check_runs_without_settings (NnbApplication *app, NnbWindow *window, gpointer data)
{
  g_assert_null (nnb_application_get_settings (app));
  g_assert_cmpstr (gtk_label_get_text (nnb_ui_test_window_child (window, "lesson_title")), ==, DAY2_TITLE);
}

/* TRUE when an installed NN Blocks put the schema in the system's folders. */
static gboolean
schema_installed_in_system (void)
{
  const char *const *dirs = g_get_system_data_dirs ();

  for (gsize i = 0; dirs[i] != NULL; i++)
    {
      g_autofree char *path = g_build_filename (dirs[i], "glib-2.0", "schemas", NULL);
      g_autoptr (GSettingsSchemaSource) source = NULL;
      g_autoptr (GSettingsSchema) schema = NULL;

      source = g_settings_schema_source_new_from_directory (path, NULL, FALSE, NULL);
      if (source != NULL)
        schema = g_settings_schema_source_lookup (source, APP_ID, FALSE);
      if (schema != NULL)
        return TRUE;
    }

  return FALSE;
}

/* Started from the build folder without GSETTINGS_SCHEMA_DIR, the app runs
 * on defaults instead of aborting in g_settings_new(). */
static void
test_runs_without_installed_schema (void)
{
  g_autofree char *schema_dir = NULL;

  if (g_test_subprocess ())
    {
      const char *argv[] = { "nnblocks", "--lesson", "day02", NULL };

      nnb_ui_test_run_app (argv, check_runs_without_settings, NULL);
      return;
    }

  if (schema_installed_in_system ())
    {
      g_test_skip ("the schema is installed in the system's folders");
      return;
    }

  schema_dir = g_strdup (g_getenv ("GSETTINGS_SCHEMA_DIR"));
  g_unsetenv ("GSETTINGS_SCHEMA_DIR");
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  if (schema_dir != NULL)
    g_setenv ("GSETTINGS_SCHEMA_DIR", schema_dir, TRUE);

  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*schema io.github.nnblocks.NNBlocks is not installed*");
}

/* Dialogs */

static void
check_dialogs (NnbApplication *app, NnbWindow *window, gpointer data)
{
  GtkWindow *about, *shortcuts;

  g_assert_null (nnb_ui_test_find_toplevel (ADW_TYPE_ABOUT_WINDOW, FALSE));
  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  about = nnb_ui_test_find_toplevel (ADW_TYPE_ABOUT_WINDOW, FALSE);
  g_assert_nonnull (about);
  g_assert_cmpstr (adw_about_window_get_application_name (ADW_ABOUT_WINDOW (about)), ==, "NN Blocks");
  g_assert_cmpstr (adw_about_window_get_version (ADW_ABOUT_WINDOW (about)), ==, PACKAGE_VERSION);
  gtk_window_destroy (about);

  g_action_group_activate_action (G_ACTION_GROUP (app), "shortcuts", NULL);
  shortcuts = nnb_ui_test_find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW, FALSE);
  g_assert_nonnull (shortcuts);
  g_assert_true (gtk_window_get_transient_for (shortcuts) == GTK_WINDOW (window));
  gtk_window_destroy (shortcuts);
}

/* Training settings: what each change does to the run */

static gboolean
stepped_once (gpointer data)
{
  NnbTrainer *trainer = nnb_document_get_trainer (nnb_window_get_document (data));
  g_autoptr (NnbSnapshot) snapshot = NULL;

  if (trainer == NULL)
    return FALSE;
  snapshot = nnb_trainer_get_snapshot (trainer);

  return snapshot->epoch == 1 && snapshot->state == NNB_TRAINER_PAUSED;
}

static gpointer
settings_child (NnbWindow *window, const char *name)
{
  return nnb_ui_test_template_child (nnb_ui_test_window_child (window, "training_settings"), NNB_TYPE_TRAINING_SETTINGS, name);
}

static void
check_settings_apply (NnbApplication *app, NnbWindow *window, gpointer data)
{
  NnbDocument *document;
  NnbProject *project;
  NnbTrainer *trainer;
  float before;

  g_assert_true (nnb_ui_test_wait_until (nnb_ui_test_has_document, window));
  document = nnb_window_get_document (window);
  project = nnb_document_get_project (document);
  before = ((float *) nnb_model_get_parameter (project->model, "weight")->value->data)[0];

  /* a new init before any training draws the weights again at once */
  gtk_drop_down_set_selected (settings_child (window, "weight_init_dropdown"), 1);
  project = nnb_document_get_project (nnb_window_get_document (window));
  g_assert_cmpint (project->init_weight, ==, NNB_INIT_XAVIER_UNIFORM);
  g_assert_cmpfloat (((float *) nnb_model_get_parameter (project->model, "weight")->value->data)[0], !=, before);
  g_assert_true (nnb_document_get_dirty (nnb_window_get_document (window)));

  /* one epoch, paused: a new learning rate goes to the same run */
  g_action_group_activate_action (G_ACTION_GROUP (window), "step", NULL);
  g_assert_true (nnb_ui_test_wait_until (stepped_once, window));
  trainer = nnb_document_get_trainer (document);
  gtk_spin_button_set_value (settings_child (window, "lr_spin"), 0.02);
  g_assert_cmpfloat (project->training.optimizer.lr, ==, 0.02);
  g_assert_true (nnb_document_get_trainer (document) == trainer);

  /* momentum is SGD's; another optimizer is a new run */
  gtk_spin_button_set_value (settings_child (window, "momentum_spin"), 0.9);
  g_assert_cmpfloat (project->training.optimizer.momentum, ==, 0.9);
  g_assert_null (nnb_document_get_trainer (document));
  gtk_drop_down_set_selected (settings_child (window, "optimizer_dropdown"), 1);
  g_assert_cmpint (project->training.optimizer.kind, ==, NNB_OPTIMIZER_ADAM);
  g_assert_cmpfloat (project->training.optimizer.lr, ==, 0.02);
  g_assert_false (gtk_widget_get_sensitive (settings_child (window, "momentum_spin")));

  gtk_spin_button_set_value (settings_child (window, "until_spin"), 0.5);
  g_assert_cmpfloat (project->training.until_loss, ==, 0.5);
}

static void
test_settings_apply (void)
{
  g_autofree char *path = nnb_ui_test_example_path ("regression.nnb");
  const char *argv[] = { "nnblocks", path, NULL };

  nnb_ui_test_run_app (argv, check_settings_apply, NULL);
}

/* Saving, and the question before losing unsaved work */

static gboolean
is_clean (gpointer data)
{
  return !nnb_document_get_dirty (data);
}

/* The close question on screen (a dismissed one may linger, hidden). */
static GtkWindow *
shown_question (void)
{
  return nnb_ui_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG, TRUE);
}

static gboolean
close_question_shown (gpointer data)
{
  return shown_question () != NULL;
}

static gboolean
close_question_gone (gpointer data)
{
  return shown_question () == NULL;
}

static void
check_save_and_close (NnbApplication *app, NnbWindow *window, gpointer data)
{
  const char *path = data;
  NnbDocument *document;
  GtkWindow *question;
  g_autoptr (NnbProject) saved = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (nnb_ui_test_wait_until (nnb_ui_test_has_document, window));
  document = nnb_window_get_document (window);

  /* Save writes the file in place and the title loses its "•" */
  nnb_document_set_dirty (document, TRUE);
  g_action_group_activate_action (G_ACTION_GROUP (window), "save", NULL);
  g_assert_true (nnb_ui_test_wait_until (is_clean, document));
  saved = nnb_project_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (saved->model->nodes->len, >, 0);

  /* Closing with unsaved changes asks; Cancel keeps the window */
  nnb_document_set_dirty (document, TRUE);
  gtk_window_close (GTK_WINDOW (window));
  g_assert_true (nnb_ui_test_wait_until (close_question_shown, NULL));
  question = shown_question ();
  g_assert_true (gtk_window_get_transient_for (question) == GTK_WINDOW (window));
  /* as a click does: the response, then the dialog closes */
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (question), "cancel");
  gtk_window_close (question);
  g_assert_true (nnb_ui_test_wait_until (close_question_gone, NULL));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));
  g_assert_true (nnb_document_get_dirty (document));

  /* and Save saves, then closes */
  g_object_ref (window);
  gtk_window_close (GTK_WINDOW (window));
  g_assert_true (nnb_ui_test_wait_until (close_question_shown, NULL));
  question = shown_question ();
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (question), "save");
  gtk_window_close (question);
  g_assert_true (nnb_ui_test_wait_until (is_clean, document));
  g_assert_true (nnb_ui_test_wait_until (is_hidden, window));
  g_object_unref (window);
}

static gboolean
trainer_past_epoch_20 (gpointer data)
{
  NnbTrainer *trainer = nnb_document_get_trainer (nnb_window_get_document (data));
  g_autoptr (NnbSnapshot) snapshot = nnb_trainer_get_snapshot (trainer);

  return snapshot->state == NNB_TRAINER_RUNNING && snapshot->epoch > 20;
}

/* Quit (Ctrl+Q) in the middle of training: the unsaved run is asked
 * about, Discard ends the application cleanly (the worker stopped and
 * joined before the model goes: no crash at exit), the file unchanged. */
static void
check_quit_while_training (NnbApplication *app, NnbWindow *window, gpointer data)
{
  const char *path = data;
  g_autofree char *before = NULL, *after = NULL;
  GtkWindow *question;

  g_assert_true (g_file_get_contents (path, &before, NULL, NULL));
  g_assert_true (nnb_ui_test_wait_until (nnb_ui_test_has_document, window));
  g_action_group_activate_action (G_ACTION_GROUP (window), "train", NULL);
  g_assert_true (nnb_ui_test_wait_until (trainer_past_epoch_20, window));
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  g_assert_true (nnb_ui_test_wait_until (close_question_shown, NULL));
  question = shown_question ();
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (question), "discard");
  gtk_window_close (question);
  g_assert_true (nnb_ui_test_wait_until (close_question_gone, NULL));
  g_assert_true (g_file_get_contents (path, &after, NULL, NULL));
  g_assert_cmpstr (after, ==, before);
}

static void
test_quit_while_training (void)
{
  g_autofree char *path = nnb_ui_test_copy_example ("sinenet.nnb");
  const char *argv[] = { "nnblocks", path, NULL };

  nnb_ui_test_run_app (argv, check_quit_while_training, path);
  nnb_ui_test_remove_copy (path);
}

static void
test_save_and_unsaved_changes_prompt (void)
{
  g_autofree char *path = nnb_ui_test_copy_example ("regression.nnb");
  const char *argv[] = { "nnblocks", path, NULL };

  nnb_ui_test_run_app (argv, check_save_and_close, path);
  nnb_ui_test_remove_copy (path);
}

static void
test_about_and_shortcuts_windows_open (void)
{
  const char *argv[] = { "nnblocks", NULL };

  nnb_ui_test_run_app (argv, check_dialogs, NULL);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (!gtk_init_check ())
    {
      g_test_add_func ("/ui/window/needs-a-display", nnb_ui_test_skip_without_display);
      return g_test_run ();
    }

  g_test_add_func ("/ui/window/opens-with-day2-lesson", test_window_opens_with_day2_lesson);
  g_test_add_func ("/ui/window/unknown-lesson-says-so", test_unknown_lesson_says_so);
  g_test_add_func ("/ui/window/no-lesson-without-option", test_no_lesson_without_option);
  g_test_add_func ("/ui/window/last-lesson-opens-again", test_last_lesson_opens_again);
  g_test_add_func ("/ui/window/file-on-command-line-shows-its-name", test_file_on_command_line_shows_its_name);
  g_test_add_func ("/ui/window/missing-file-shows-error", test_missing_file_shows_error);
  g_test_add_func ("/ui/window/broken-file-shows-engine-error", test_broken_file_shows_engine_error);
  g_test_add_func ("/ui/training/sinenet-trains-live", test_sinenet_trains_live);
  g_test_add_func ("/ui/training/autosaves-every-2-s-while-frames-keep-coming",
                   test_autosaves_every_2_s_while_frames_keep_coming);
  g_test_add_func ("/ui/parameters/mlp-has-353-parameters-and-its-code", test_mlp_has_353_parameters_and_its_code);
  g_test_add_func ("/ui/window/presentation-mode-follows-setting", test_presentation_mode_follows_setting);
  g_test_add_func ("/ui/window/size-is-kept", test_window_size_is_kept);
  g_test_add_func ("/ui/window/runs-without-installed-schema", test_runs_without_installed_schema);
  g_test_add_func ("/ui/window/about-and-shortcuts-windows-open", test_about_and_shortcuts_windows_open);
  g_test_add_func ("/ui/window/save-and-unsaved-changes-prompt", test_save_and_unsaved_changes_prompt);
  g_test_add_func ("/ui/window/settings-apply", test_settings_apply);
  g_test_add_func ("/ui/window/quit-while-training", test_quit_while_training);
  g_test_add_func ("/ui/training/sinenet-converges-like-pytorch", test_sinenet_converges_like_pytorch);
  g_test_add_func ("/ui/training/sinenet-at-lr-0.1-says-nan-at-epoch-25", test_sinenet_at_lr_0_1_says_nan_at_epoch_25);
  g_test_add_func ("/ui/parameters/bare-linear-names-weight-and-bias-and-shows-norms",
                   test_bare_linear_names_weight_and_bias_and_shows_norms);

  return g_test_run ();
}
