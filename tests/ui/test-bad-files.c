/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-bad-files.c — the window opens files a student should never meet
 * and says what is wrong, staying responsive: JSON nested
 * 80,000 levels deep (json-glib's recursive parser would crash on it), a
 * module name of 50 KB (a label that long froze the window for 40 s), and
 * a project whose CSV is a FIFO (a plain read waits for a writer forever),
 * and a layer whose gradient does not fit in memory (g_new aborted).
 * The project files are made in a temporary folder and left unchanged. */
#include "nnb-config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nnb-ui-test-util.h"

/* the message's length on screen. How fast it comes is not timed here (a
 * loaded machine took 2.3 s once): nnb_ui_test_wait_until gives up after
 * 10 s, which still fails the 40 s freeze and the endless FIFO read. */
#define MESSAGE_MAX_CHARS 400

typedef struct
{
  const char *expected; /* a piece of the message */
  char *path;
  char *original; /* the file's bytes before it was opened */
} BadFile;

static gboolean
error_shown (gpointer data)
{
  AdwStatusPage *status = nnb_ui_test_window_child (data, "diagram_status");

  return g_strcmp0 (adw_status_page_get_title (status), "Could Not Open Project") == 0;
}

static gboolean
one_frame_later (gpointer data)
{
  return *(gboolean *) data;
}

static gboolean
tick_cb (GtkWidget *widget, GdkFrameClock *clock, gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
check_message (NnbApplication *app, NnbWindow *window, gpointer data)
{
  BadFile *bad = data;
  AdwStatusPage *status;
  const char *description;
  gboolean ticked = FALSE;
  g_autofree char *now = NULL;

  g_assert_true (nnb_ui_test_wait_until (error_shown, window));
  status = nnb_ui_test_window_child (window, "diagram_status");
  description = adw_status_page_get_description (status);
  g_test_message ("%s: %s", bad->path, description);
  g_assert_nonnull (strstr (description, bad->expected));
  g_assert_cmpint (g_utf8_strlen (description, -1), <, MESSAGE_MAX_CHARS);

  /* still drawing: the next frame comes */
  gtk_widget_add_tick_callback (GTK_WIDGET (window), tick_cb, &ticked, NULL);
  gtk_widget_queue_draw (GTK_WIDGET (window));
  g_assert_true (nnb_ui_test_wait_until (one_frame_later, &ticked));

  g_assert_true (g_file_get_contents (bad->path, &now, NULL, NULL));
  g_assert_cmpstr (now, ==, bad->original);
}

static void
open_and_check (BadFile *bad)
{
  const char *argv[] = { "nnblocks", bad->path, NULL };

  g_assert_true (g_file_get_contents (bad->path, &bad->original, NULL, NULL));
  nnb_ui_test_run_app (argv, check_message, bad);
  g_free (bad->original);
}

static char *
example_text (const char *name)
{
  g_autofree char *path = nnb_ui_test_example_path (name);
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

static void
test_deeply_nested_json_says_so (void)
{
  g_autofree char *dir = g_dir_make_tmp ("nnb-bad-files-XXXXXX", NULL);
  g_autoptr (GString) json = g_string_new ("{\"format\": \"nnblocks\", \"version\": 1, \"x\": ");
  BadFile bad = { "nested too deeply", g_build_filename (dir, "deep.nnb", NULL), NULL };

  for (int i = 0; i < 80000; i++)
    g_string_append_c (json, '[');
  for (int i = 0; i < 80000; i++)
    g_string_append_c (json, ']');
  g_string_append (json, "}\n");
  g_assert_true (g_file_set_contents (bad.path, json->str, json->len, NULL));
  open_and_check (&bad);
  g_unlink (bad.path);
  g_rmdir (dir);
  g_free (bad.path);
}

static void
test_name_of_50_kb_is_quoted_short (void)
{
  g_autofree char *dir = g_dir_make_tmp ("nnb-bad-files-XXXXXX", NULL);
  g_autofree char *text = example_text ("sinenet.nnb");
  g_autofree char *name = g_strnfill (50000, 'n');
  g_autofree char *quoted = g_strdup_printf ("\"%s\"", name);
  g_autoptr (GString) json = g_string_new (text);
  BadFile bad = { "at most 64 characters", g_build_filename (dir, "long-name.nnb", NULL), NULL };

  g_assert_cmpint (g_string_replace (json, "\"net\"", quoted, 0), >=, 1);
  g_assert_true (g_file_set_contents (bad.path, json->str, json->len, NULL));
  open_and_check (&bad);
  g_unlink (bad.path);
  g_rmdir (dir);
  g_free (bad.path);
}

static void
test_fifo_as_csv_is_refused_at_once (void)
{
  g_autofree char *dir = g_dir_make_tmp ("nnb-bad-files-XXXXXX", NULL);
  g_autofree char *fifo = g_build_filename (dir, "points.csv", NULL);
  g_autofree char *text = example_text ("regression.nnb");
  g_autoptr (GRegex) data = g_regex_new ("\"data\": *\\{[^}]*\\}", 0, 0, NULL);
  g_autofree char *json = g_regex_replace_literal (data, text, -1, 0,
                                                   "\"data\": {\"kind\": \"csv\", \"path\": \"points.csv\"}", 0, NULL);
  BadFile bad = { "is not a regular file (a pipe)", g_build_filename (dir, "fifo.nnb", NULL), NULL };

  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  g_assert_nonnull (strstr (json, "points.csv"));
  g_assert_true (g_file_set_contents (bad.path, json, -1, NULL));
  open_and_check (&bad);
  g_unlink (bad.path);
  g_unlink (fifo);
  g_rmdir (dir);
  g_free (bad.path);
}

/* The process's address space now, in bytes (/proc/self/statm). */
static guint64
address_space_bytes (void)
{
  g_autofree char *statm = NULL;

  g_assert_true (g_file_get_contents ("/proc/self/statm", &statm, NULL, NULL));
  return g_ascii_strtoull (statm, NULL, 10) * (guint64) sysconf (_SC_PAGESIZE);
}

/* A Linear(150000, 1000) whose weight (600 MB) fits in what the process may
 * still map but whose gradient does not: PyTorch's allocator message, and
 * the app goes on (the limit is lifted again afterwards). */
static void
test_layer_too_big_for_memory_says_so (void)
{
  g_autofree char *dir = g_dir_make_tmp ("nnb-bad-files-XXXXXX", NULL);
  g_autofree char *text = example_text ("regression.nnb");
  g_autoptr (GString) json = g_string_new (text);
  /* the description is markup: its apostrophe is &apos; */
  BadFile bad = { "DefaultCPUAllocator: can&apos;t allocate memory: you tried to allocate 600000000 bytes.",
                  g_build_filename (dir, "huge.nnb", NULL), NULL };
  struct rlimit old, limit;

  g_assert_cmpint (g_string_replace (json, "\"in_features\": 1, \"out_features\": 1",
                                     "\"in_features\": 150000, \"out_features\": 1000", 1),
                   ==, 1);
  g_assert_true (g_file_set_contents (bad.path, json->str, json->len, NULL));
  g_assert_cmpint (getrlimit (RLIMIT_AS, &old), ==, 0);
  limit = old;
  limit.rlim_cur = address_space_bytes () + (guint64) 900 * 1000 * 1000;
  g_assert_cmpint (setrlimit (RLIMIT_AS, &limit), ==, 0);
  open_and_check (&bad);
  g_assert_cmpint (setrlimit (RLIMIT_AS, &old), ==, 0);
  g_unlink (bad.path);
  g_rmdir (dir);
  g_free (bad.path);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (gtk_init_check ())
    {
      g_test_add_func ("/ui/bad-files/deeply-nested-json-says-so", test_deeply_nested_json_says_so);
      g_test_add_func ("/ui/bad-files/name-of-50-kb-is-quoted-short", test_name_of_50_kb_is_quoted_short);
      g_test_add_func ("/ui/bad-files/fifo-as-csv-is-refused-at-once", test_fifo_as_csv_is_refused_at_once);
      g_test_add_func ("/ui/bad-files/layer-too-big-for-memory-says-so", test_layer_too_big_for_memory_says_so);
    }
  else
    g_test_add_func ("/ui/bad-files/needs-a-display", nnb_ui_test_skip_without_display);

  return g_test_run ();
}
