/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-save.c — the app's Save never damages the file it replaces: a disk
 * that fills half way leaves the old file byte for byte, with no temporary
 * file beside it and a message that names the project's file; a project
 * opened through a symbolic link is saved into the file it points to; a
 * picture exported onto a full disk leaves the old picture.
 *
 * The save flow itself (nnb-save-flow.h) on a document loaded as the window
 * loads one; GTK is initialised for the recent files, so it runs under Xvfb
 * (see meson.build) and skips without a display. */
#include "nnb-config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "nnb-document.h"
#include "nnb-picture-export.h"
#include "nnb-save-flow.h"
#include "nnb-ui-test-util.h"

typedef struct
{
  gboolean done;
  gboolean ok;
  NnbDocument *document;
  GError *error;
} Result;

static gboolean
is_done (gpointer data)
{
  return ((Result *) data)->done;
}

static void
loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Result *r = user_data;

  r->document = nnb_document_load_finish (result, &r->error);
  r->done = TRUE;
}

static void
saved_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Result *r = user_data;

  r->ok = nnb_save_flow_save_finish (result, &r->error);
  r->done = TRUE;
}

static NnbDocument *
load (const char *path)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  Result r = { 0 };

  nnb_document_load_async (file, NULL, loaded_cb, &r);
  g_assert_true (nnb_ui_test_wait_until (is_done, &r));
  g_assert_no_error (r.error);
  return r.document;
}

/* Save (not Save As): FALSE with error when it failed. */
static gboolean
save (NnbDocument *document, GError **error)
{
  Result r = { 0 };

  nnb_save_flow_save_async (NULL, document, FALSE, saved_cb, &r);
  g_assert_true (nnb_ui_test_wait_until (is_done, &r));
  if (r.error != NULL)
    g_propagate_error (error, r.error);
  return r.ok;
}

static char *
copy_example (const char *dir, const char *name)
{
  g_autofree char *example = nnb_ui_test_example_path (name);
  g_autofree char *contents = NULL;
  char *path = g_build_filename (dir, name, NULL);
  gsize length;

  g_assert_true (g_file_get_contents (example, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (path, contents, length, NULL));
  return path;
}

static guint
count_files (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

/* The disk fills up 256 bytes into the new file (RLIMIT_FSIZE: writes past
 * it fail with EFBIG, as a full disk's fail with ENOSPC). */
static void
test_full_disk_keeps_the_old_file (void)
{
  g_autofree char *dir = g_dir_make_tmp ("nnb-save-XXXXXX", NULL);
  g_autofree char *path = copy_example (dir, "sinenet.nnb");
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr (NnbDocument) document = load (path);
  g_autoptr (GError) error = NULL;
  struct rlimit unlimited, limit = { 256, 256 };
  gsize before_length, after_length;

  g_assert_true (g_file_get_contents (path, &before, &before_length, NULL));
  g_assert_cmpuint (before_length, >, 256);
  nnb_document_set_dirty (document, TRUE);

  signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &unlimited), ==, 0);
  limit.rlim_max = unlimited.rlim_max;
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);
  g_assert_false (save (document, &error));
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &unlimited), ==, 0);

  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, g_strerror (EFBIG)));
  g_assert_null (strstr (error->message, "sinenet.nnb."));
  g_assert_true (nnb_document_get_dirty (document));
  /* the old file byte for byte, and nothing beside it */
  g_assert_true (g_file_get_contents (path, &after, &after_length, NULL));
  g_assert_cmpmem (after, after_length, before, before_length);
  g_assert_cmpuint (count_files (dir), ==, 1);

  /* with room again, the same Save works */
  g_clear_error (&error);
  g_assert_true (save (document, &error));
  g_assert_no_error (error);
  g_assert_false (nnb_document_get_dirty (document));
  g_assert_cmpuint (count_files (dir), ==, 1);

  g_remove (path);
  g_rmdir (dir);
}

/* A project opened through a link is saved into the file the link names. */
static void
test_save_through_a_symlink_keeps_the_link (void)
{
  g_autofree char *dir = g_dir_make_tmp ("nnb-save-XXXXXX", NULL);
  g_autofree char *real = copy_example (dir, "regression.nnb");
  g_autofree char *link = g_build_filename (dir, "link.nnb", NULL);
  g_autoptr (NnbDocument) document = NULL;
  g_autoptr (GError) error = NULL;
  GStatBuf st;

  g_assert_cmpint (symlink ("regression.nnb", link), ==, 0);
  document = load (link);
  nnb_document_set_dirty (document, TRUE);
  g_assert_true (save (document, &error));
  g_assert_no_error (error);

  g_assert_cmpint (g_lstat (link, &st), ==, 0);
  g_assert_true (S_ISLNK (st.st_mode));
  g_assert_cmpint (g_lstat (real, &st), ==, 0);
  g_assert_true (S_ISREG (st.st_mode));
  g_assert_cmpuint (count_files (dir), ==, 2);

  g_remove (link);
  g_remove (real);
  g_rmdir (dir);
}

static void
draw_picture (cairo_t *cr, int width, int height, const NnbPlotStyle *style, gpointer user_data)
{
  /* noise, so the PNG does not compress to a few bytes */
  for (int y = 0; y < height; y += 4)
    for (int x = 0; x < width; x += 4)
      {
        cairo_set_source_rgb (cr, g_random_double (), g_random_double (), g_random_double ());
        cairo_rectangle (cr, x, y, 4, 4);
        cairo_fill (cr);
      }
}

/* PNG, SVG and PDF exports onto a disk that fills 256 bytes in: the old
 * picture stays whole (cairo wrote straight into the file before). */
static void
test_picture_export_keeps_the_old_picture (void)
{
  const char *names[] = { "loss.png", "loss.svg", "loss.pdf" };
  const char *old = "the old picture, longer than nothing at all";
  g_autofree char *dir = g_dir_make_tmp ("nnb-save-XXXXXX", NULL);
  struct rlimit unlimited, limit = { 256, 256 };

  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &unlimited), ==, 0);
  limit.rlim_max = unlimited.rlim_max;
  signal (SIGXFSZ, SIG_IGN);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);
      g_autofree char *now = NULL;
      g_autoptr (GError) error = NULL;
      gboolean ok;

      g_assert_true (g_file_set_contents (path, old, -1, NULL));
      g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);
      ok = nnb_picture_export (path, 400, 300, draw_picture, NULL, &error);
      g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &unlimited), ==, 0);
      g_assert_false (ok);
      g_assert_nonnull (error);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, path));
      g_assert_true (g_file_get_contents (path, &now, NULL, NULL));
      g_assert_cmpstr (now, ==, old);
      g_assert_cmpuint (count_files (dir), ==, i + 1);
    }
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);
      g_remove (path);
    }
  g_rmdir (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ui/save/picture-export-keeps-the-old-picture", test_picture_export_keeps_the_old_picture);

  if (gtk_init_check ())
    {
      g_test_add_func ("/ui/save/full-disk-keeps-the-old-file", test_full_disk_keeps_the_old_file);
      g_test_add_func ("/ui/save/through-a-symlink-keeps-the-link", test_save_through_a_symlink_keeps_the_link);
    }
  else
    g_test_add_func ("/ui/save/needs-a-display", nnb_ui_test_skip_without_display);

  return g_test_run ();
}
