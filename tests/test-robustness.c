/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-robustness.c — what happens when the world is unkind: a full disk, a
 * destination that cannot be written, empty and foreign files, a training
 * run that blows up. Each case ends in one clear GError and leaves what was
 * there before intact (docs/robustness.md lists every case and its test). */
#include <glib.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <utime.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include "nnb-csv.h"
#include "nnb-error.h"
#include "nnb-export.h"
#include "nnb-files-private.h"
#include "nnb-project.h"
#include "nnb-safetensors.h"
#include "nnb-test-util.h"
#include "nnb-training-private.h"

static NnbProject *
load_example (const char *name)
{
  g_autofree char *relative = g_build_filename ("data", "examples", name, NULL);
  g_autofree char *path = nnb_test_source_path (relative);
  g_autoptr (GError) error = NULL;
  NnbProject *project = nnb_project_load (path, &error);

  g_assert_no_error (error);
  return project;
}

static gboolean
is_char_device (const char *path)
{
  GStatBuf st;
  return g_lstat (path, &st) == 0 && S_ISCHR (st.st_mode);
}

/* A device that answers every write with ENOSPC. As root, a private node
 * (mknod c 1 7) so that a regression — renaming a temporary file over the
 * destination — could never replace the machine's /dev/full. */
static char *
full_device (char **dir_out)
{
  if (geteuid () != 0)
    {
      *dir_out = NULL;
      return is_char_device ("/dev/full") ? g_strdup ("/dev/full") : NULL;
    }
  *dir_out = g_dir_make_tmp ("nnb-robustness-XXXXXX", NULL);
  g_assert_nonnull (*dir_out);
  {
    char *path = g_build_filename (*dir_out, "full", NULL);
    if (mknod (path, S_IFCHR | 0666, makedev (1, 7)) != 0)
      {
        g_free (path);
        return NULL;
      }
    return path;
  }
}

static void
test_save_to_a_full_disk_fails_clearly (void)
{
  g_autoptr (NnbProject) project = load_example ("regression.nnb");
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *full = full_device (&dir);

  if (full == NULL)
    {
      g_test_skip ("no /dev/full here, and mknod is not allowed");
      return;
    }
  g_assert_false (nnb_project_save (project, full, TRUE, &error));
  g_assert_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_IO);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, g_strerror (ENOSPC)));
  g_clear_error (&error);

  g_assert_false (nnb_safetensors_save_model (project->model, full, &error));
  g_assert_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_IO);
  g_assert_true (g_str_has_prefix (error->message, "Cannot save the weights: "));
  g_assert_nonnull (strstr (error->message, g_strerror (ENOSPC)));

  /* written into, never replaced */
  g_assert_true (is_char_device (full));
  if (dir != NULL)
    {
      g_unlink (full);
      g_rmdir (dir);
    }
}

static char *
read_text (const char *path)
{
  char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
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

/* The disk fills up half way through the file: RLIMIT_FSIZE stops the
 * write at 256 bytes (with EFBIG, as ENOSPC would), in a subprocess so that
 * the limit stays there. */
static void
test_disk_full_half_way_keeps_the_old_file (void)
{
  const char *old = "{\"format\": \"nnblocks\", \"version\": 1} — the old file";
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;

  if (g_test_subprocess ())
    {
      g_autoptr (NnbProject) project = load_example ("sinenet.nnb");
      g_autoptr (GError) error = NULL;
      struct rlimit limit = { 256, 256 };

      signal (SIGXFSZ, SIG_IGN);
      g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);
      g_assert_false (nnb_project_save (project, g_getenv ("NNB_ROBUSTNESS_PATH"), TRUE, &error));
      g_assert_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_IO);
      g_print ("%s\n", error->message);
      return;
    }
  dir = g_dir_make_tmp ("nnb-robustness-XXXXXX", NULL);
  path = g_build_filename (dir, "project.nnb", NULL);
  g_assert_true (g_file_set_contents (path, old, -1, NULL));
  g_setenv ("NNB_ROBUSTNESS_PATH", path, TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("*File too large*");
  {
    g_autofree char *now = read_text (path);
    g_assert_cmpstr (now, ==, old);
  }
  /* and no temporary file is left beside it */
  g_assert_cmpuint (count_files (dir), ==, 1);
  g_unlink (path);
  g_rmdir (dir);
}

/* The save fails with EACCES and leaves no file behind: in a subprocess
 * when the test runs as root, as nobody, for whom the folder's mode counts
 * (root writes whatever the mode says). */
static void
save_and_expect_permission_denied (const char *path)
{
  g_autoptr (NnbProject) project = load_example ("regression.nnb");
  g_autoptr (GError) error = NULL;

  if (geteuid () == 0)
    {
      g_assert_cmpint (setgid (65534), ==, 0);
      g_assert_cmpint (setuid (65534), ==, 0);
    }
  g_assert_false (nnb_project_save (project, path, FALSE, &error));
  g_assert_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_IO);
  g_assert_nonnull (strstr (error->message, g_strerror (EACCES)));
}

static void
test_save_into_an_unwritable_folder_keeps_the_old_file (void)
{
  g_autofree char *dir = NULL, *path = NULL;
  const char *old = "the old file";

  if (g_test_subprocess ())
    {
      save_and_expect_permission_denied (g_getenv ("NNB_ROBUSTNESS_PATH"));
      return;
    }
  dir = g_dir_make_tmp ("nnb-robustness-XXXXXX", NULL);
  path = g_build_filename (dir, "project.nnb", NULL);
  g_assert_true (g_file_set_contents (path, old, -1, NULL));
  g_assert_cmpint (g_chmod (path, 0644), ==, 0);
  g_assert_cmpint (g_chmod (dir, 0555), ==, 0);
  if (geteuid () == 0)
    {
      g_setenv ("NNB_ROBUSTNESS_PATH", path, TRUE);
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
    }
  else
    save_and_expect_permission_denied (path);
  g_chmod (dir, 0755);
  {
    g_autofree char *now = read_text (path);
    g_assert_cmpstr (now, ==, old);
  }
  /* and no temporary file is left beside it */
  g_assert_cmpuint (count_files (dir), ==, 1);
  g_unlink (path);
  g_rmdir (dir);
}

/* Nobody, root included, creates files in /proc/self. */
static void
test_save_where_nothing_can_be_created (void)
{
  g_autoptr (NnbProject) project = load_example ("regression.nnb");
  g_autoptr (GError) error = NULL;

  g_assert_false (nnb_project_save (project, "/proc/self/nnb-robustness.nnb", FALSE, &error));
  g_assert_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "/proc/self/nnb-robustness.nnb"));
  g_clear_error (&error);
  g_assert_false (nnb_safetensors_save_model (project->model, "/proc/self/nnb-robustness.safetensors", &error));
  g_assert_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_IO);
}

static void
test_empty_inputs_are_refused (void)
{
  g_autoptr (GError) error = NULL;
  int64_t rows, cols;

  g_assert_null (nnb_project_load_from_data ("", 0, &error));
  g_assert_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_PARSE);
  g_clear_error (&error);
  g_assert_null (nnb_safetensors_parse ((const guint8 *) "", 0, &error));
  g_assert_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_PARSE);
  g_clear_error (&error);
  g_assert_null (nnb_csv_parse ("", 0, &rows, &cols, &error));
  g_assert_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "The CSV file has no rows of numbers.");
  g_clear_error (&error);
  g_assert_null (nnb_dataset_new_from_csv_text ("x,y\n", 4, &error));
  g_assert_nonnull (error);
}

/* Each reader given the other readers' files, and a PNG. */
static void
test_foreign_files_are_refused (void)
{
  static const guint8 png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R' };
  g_autofree char *nnb_path = nnb_test_source_path ("data/examples/regression.nnb");
  g_autofree char *st_path = nnb_test_path ("data/sinenet-torch.safetensors");
  g_autofree char *nnb = NULL;
  g_autofree char *st = NULL;
  g_autoptr (GError) error = NULL;
  gsize nnb_length, st_length;
  int64_t rows, cols;

  g_assert_true (g_file_get_contents (nnb_path, &nnb, &nnb_length, NULL));
  g_assert_true (g_file_get_contents (st_path, &st, &st_length, NULL));

  g_assert_null (nnb_project_load_from_data ((const char *) png, sizeof png, &error));
  g_assert_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_PARSE);
  g_clear_error (&error);
  g_assert_null (nnb_project_load_from_data (st, st_length, &error));
  g_assert_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_PARSE);
  g_clear_error (&error);

  g_assert_null (nnb_safetensors_parse ((const guint8 *) nnb, nnb_length, &error));
  g_assert_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_PARSE);
  g_clear_error (&error);
  g_assert_null (nnb_safetensors_parse (png, sizeof png, &error));
  g_assert_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_PARSE);
  g_clear_error (&error);

  g_assert_null (nnb_csv_parse ((const char *) png, sizeof png, &rows, &cols, &error));
  g_assert_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_PARSE);
  g_clear_error (&error);
  g_assert_null (nnb_csv_parse (nnb, nnb_length, &rows, &cols, &error));
  g_assert_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_PARSE);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
}

/* A cell the message quotes is shown as valid UTF-8 and cut short (found
 * by fuzz-csv: the raw bytes made an invalid UTF-8 message). */
static void
test_csv_message_quotes_bad_bytes_readably (void)
{
  static const char text[] = "x,y\n1,\xff\xfe"
                             "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz\n";
  g_autoptr (GError) error = NULL;
  int64_t rows, cols;

  g_assert_null (nnb_csv_parse (text, sizeof text - 1, &rows, &cols, &error));
  g_assert_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_PARSE);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_true (g_str_has_prefix (error->message, "line 2, column 2: '"));
  g_assert_true (g_str_has_suffix (error->message, "…' is not a number."));
}

/* lr 10 on the page's regression: the loss is nan within a few epochs; the
 * model keeps the last weights that gave a number. */
static void
test_divergence_keeps_the_last_finite_weights (void)
{
  g_autoptr (NnbProject) project = load_example ("regression.nnb");
  g_autoptr (NnbDataset) data = NULL;
  g_autoptr (NnbTraining) training = NULL;
  g_autoptr (GError) error = NULL;
  NnbTrainingOptions options;
  NnbGenerator gen;
  GPtrArray *params;
  double loss = 0;
  int epochs = 0;

  data = nnb_project_build (project, FALSE, &error);
  g_assert_no_error (error);
  options = project->training;
  options.optimizer.lr = 10.0;
  nnb_generator_manual_seed (&gen, 0);
  training = nnb_training_new (project->model, data, &options, &gen, &error);
  g_assert_no_error (error);
  while (nnb_training_epoch (training, &loss, &error))
    g_assert_cmpint (++epochs, <, 1000);
  g_assert_error (error, NNB_ERROR, NNB_ERROR_DIVERGED);
  g_assert_true (isnan (loss));
  g_assert_nonnull (strstr (error->message, "Try a smaller learning rate, for example 1."));
  params = nnb_model_named_parameters (project->model);
  for (guint i = 0; i < params->len; i++)
    {
      NnbNamedParameter *named = params->pdata[i];
      for (int64_t j = 0; j < named->param->value->numel; j++)
        g_assert_true (isfinite (named->param->value->data[j]));
    }
  /* so the project still saves with its weights */
  g_clear_error (&error);
  g_free (nnb_project_to_data (project, TRUE, NULL, &error));
  g_assert_no_error (error);
}

/* A real file system that fills up: a 64 KiB tmpfs (as root, where mount
 * works) with one page left free. The save fails naming the file the student
 * chose, never our temporary file, keeps the old file byte for byte and
 * leaves nothing beside it. */
static void
test_tiny_disk_keeps_the_old_file_and_names_it (void)
{
  const char *old = "{\"format\": \"nnblocks\", \"version\": 1} — the old file";
  g_autoptr (NnbProject) project = load_example ("sinenet.nnb");
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("nnb-tiny-disk-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "project.nnb", NULL);
  g_autofree char *weights = g_build_filename (dir, "model.safetensors", NULL);
  g_autofree char *filler = g_build_filename (dir, "filler", NULL);
  g_autofree char *text = NULL;
  g_autofree char *zeros = NULL;
  struct statvfs fs;
  gsize length = 0;

  if (geteuid () != 0 || mount ("tmpfs", dir, "tmpfs", 0, "size=64k") != 0)
    {
      g_test_skip ("needs root and mount (a 64 KiB tmpfs)");
      g_rmdir (dir);
      return;
    }
  text = nnb_project_to_data (project, TRUE, &length, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (path, old, -1, NULL));
  g_assert_true (g_file_set_contents (weights, old, -1, NULL));
  g_assert_cmpint (statvfs (dir, &fs), ==, 0);
  g_assert_cmpuint (length, >, fs.f_bsize);
  zeros = g_malloc0 ((fs.f_bavail - 1) * fs.f_bsize);
  g_assert_true (g_file_set_contents_full (filler, zeros, (fs.f_bavail - 1) * fs.f_bsize, G_FILE_SET_CONTENTS_NONE,
                                           0644, NULL));

  g_assert_false (nnb_project_save (project, path, TRUE, &error));
  g_assert_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_IO);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, g_strerror (ENOSPC)));
  g_assert_null (strstr (error->message, "project.nnb."));
  g_assert_null (strstr (error->message, ".nnb-"));
  g_clear_error (&error);
  g_assert_false (nnb_safetensors_save_model (project->model, weights, &error));
  g_assert_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_IO);
  g_assert_nonnull (strstr (error->message, weights));
  g_assert_null (strstr (error->message, "model.safetensors."));
  {
    g_autofree char *now = read_text (path);
    g_autofree char *now_weights = read_text (weights);

    g_assert_cmpstr (now, ==, old);
    g_assert_cmpstr (now_weights, ==, old);
  }
  g_assert_cmpuint (count_files (dir), ==, 3);
  g_assert_cmpint (umount (dir), ==, 0);
  g_rmdir (dir);
}

static gboolean
is_link (const char *path)
{
  GStatBuf st;
  return g_lstat (path, &st) == 0 && S_ISLNK (st.st_mode);
}

/* A project saved through a symbolic link: the file it points to gets the
 * new contents (in its own folder: the temporary file goes beside it), the
 * link stays a link; a dangling link makes its target. */
static void
test_save_through_a_symlink_keeps_the_link (void)
{
  g_autoptr (NnbProject) project = load_example ("regression.nnb");
  g_autoptr (GError) error = NULL;
  g_autofree char *real_dir = g_dir_make_tmp ("nnb-real-XXXXXX", NULL);
  g_autofree char *link_dir = g_dir_make_tmp ("nnb-links-XXXXXX", NULL);
  g_autofree char *real = g_build_filename (real_dir, "real.nnb", NULL);
  g_autofree char *link = g_build_filename (link_dir, "link.nnb", NULL);
  g_autofree char *fresh = g_build_filename (real_dir, "fresh.safetensors", NULL);
  g_autofree char *dangling = g_build_filename (link_dir, "dangling.safetensors", NULL);
  g_autofree char *onnx = g_build_filename (real_dir, "model.onnx", NULL);
  g_autofree char *onnx_link = g_build_filename (link_dir, "model.onnx", NULL);

  g_assert_true (g_file_set_contents (real, "old", -1, NULL));
  g_assert_true (g_file_set_contents (onnx, "old", -1, NULL));
  g_assert_cmpint (symlink (real, link), ==, 0);
  g_assert_cmpint (symlink (fresh, dangling), ==, 0);
  g_assert_cmpint (symlink (onnx, onnx_link), ==, 0);

  g_assert_true (nnb_project_save (project, link, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (nnb_safetensors_save_model (project->model, dangling, &error));
  g_assert_no_error (error);
  g_assert_true (nnb_export_onnx_file (project->model, onnx_link, &error));
  g_assert_no_error (error);

  g_assert_true (is_link (link));
  g_assert_true (is_link (dangling));
  g_assert_true (is_link (onnx_link));
  {
    g_autoptr (NnbProject) saved = nnb_project_load (real, &error);
    g_autoptr (GHashTable) tensors = NULL;

    g_assert_no_error (error);
    g_assert_cmpuint (saved->model->nodes->len, ==, project->model->nodes->len);
    tensors = nnb_safetensors_load (fresh, &error);
    g_assert_no_error (error);
  }
  /* nothing else in either folder */
  g_assert_cmpuint (count_files (real_dir), ==, 3);
  g_assert_cmpuint (count_files (link_dir), ==, 3);
  g_unlink (link);
  g_unlink (dangling);
  g_unlink (onnx_link);
  g_unlink (real);
  g_unlink (fresh);
  g_unlink (onnx);
  g_rmdir (real_dir);
  g_rmdir (link_dir);
}

/* The CLI's exports into a device or a pipe: written into, never replaced.
 * A private link to /proc/self/fd/1 stands for /dev/stdout (a regression
 * must never replace the machine's own); as root, a private /dev/null
 * node (mknod c 1 3). */
static void
test_export_to_a_device_writes_into_it (void)
{
  g_autofree char *example = nnb_test_source_path ("data/examples/regression.nnb");
  g_autofree char *dir = g_dir_make_tmp ("nnb-devices-XXXXXX", NULL);
  g_autofree char *out = g_build_filename (dir, "stdout", NULL);
  g_autofree char *null = g_build_filename (dir, "null", NULL);
  const char *formats[] = { "pytorch", "safetensors", "onnx" };

  g_assert_cmpint (symlink ("/proc/self/fd/1", out), ==, 0);
  {
    const char *argv[] = { g_getenv ("NNB_CLI"), "export", "--format", "pytorch", "-o", out, example, NULL };
    g_autofree char *output = NULL;
    g_autofree char *errors = NULL;
    g_autoptr (GError) error = NULL;
    int status = -1;

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &output, &errors, &status,
                                 &error));
    g_assert_no_error (error);
    g_test_message ("%s", errors);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
    g_assert_nonnull (strstr (output, "import torch"));
    g_assert_true (is_link (out));
  }
  if (geteuid () == 0 && mknod (null, S_IFCHR | 0666, makedev (1, 3)) == 0)
    for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
      {
        const char *argv[] = { g_getenv ("NNB_CLI"), "export", "--format", formats[i], "-o", null, example, NULL };
        int status = -1;

        g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status,
                                     NULL));
        g_assert_true (g_spawn_check_wait_status (status, NULL));
        g_assert_true (is_char_device (null));
      }
  g_assert_cmpuint (count_files (dir), <=, 2);
  g_unlink (null);
  g_unlink (out);
  g_rmdir (dir);
}

static void
make_file (const char *dir, const char *name, int age_s)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  struct utimbuf times;

  g_assert_true (g_file_set_contents (path, "a save that was killed", -1, NULL));
  times.actime = times.modtime = time (NULL) - age_s;
  g_assert_cmpint (g_utime (path, &times), ==, 0);
}

static gboolean
exists (const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  return g_file_test (path, G_FILE_TEST_EXISTS);
}

/* `kill -9` in the middle of a save leaves its temporary file: the next save
 * of the same file removes ours (".NAME.nnb-XXXXXX") once they are a
 * minute old, and nothing else. */
static void
test_stale_temporary_files_are_removed (void)
{
  g_autoptr (NnbProject) project = load_example ("regression.nnb");
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("nnb-stale-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "project.nnb", NULL);

  make_file (dir, ".project.nnb.nnb-Ab3xYz", 120); /* ours, killed: removed */
  make_file (dir, ".project.nnb.nnb-Fresh1", 0);   /* ours, maybe still writing */
  make_file (dir, ".other.nnb.nnb-Ab3xYz", 120);   /* another file's */
  make_file (dir, "project.nnb.Ab3xYz", 120);      /* not our pattern */
  g_assert_true (nnb_project_save (project, path, FALSE, &error));
  g_assert_no_error (error);
  g_assert_false (exists (dir, ".project.nnb.nnb-Ab3xYz"));
  g_assert_true (exists (dir, ".project.nnb.nnb-Fresh1"));
  g_assert_true (exists (dir, ".other.nnb.nnb-Ab3xYz"));
  g_assert_true (exists (dir, "project.nnb.Ab3xYz"));
  g_assert_cmpuint (count_files (dir), ==, 4);
  {
    g_autoptr (GDir) listing = g_dir_open (dir, 0, NULL);
    const char *name;

    while ((name = g_dir_read_name (listing)) != NULL)
      {
        g_autofree char *file = g_build_filename (dir, name, NULL);
        g_unlink (file);
      }
  }
  g_rmdir (dir);
}

/* Weights and a forward's input named by a pipe: refused at once, never
 * waited for (a FIFO without a writer would block a plain read forever) */
static void
test_weights_and_inputs_that_are_pipes_are_refused (void)
{
  g_autofree char *dir = g_dir_make_tmp ("nnb-robustness-XXXXXX", NULL);
  g_autofree char *fifo = g_build_filename (dir, "weights.safetensors", NULL);
  g_autofree char *project = nnb_test_source_path ("data/examples/regression.nnb");
  g_autoptr (GError) error = NULL;
  GHashTable *tensors;

  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  tensors = nnb_safetensors_load (fifo, &error);
  g_assert_null (tensors);
  g_assert_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "is not a regular file (a pipe)"));
  {
    const char *argv[] = { "/usr/bin/timeout", "10", g_getenv ("NNB_CLI"), "forward", project, "--input", fifo, NULL };
    g_autofree char *out = NULL, *err = NULL;
    int status = nnb_test_run (argv, &out, &err);

    g_assert_cmpint (status, ==, 1); /* timeout's 124 would mean it waited */
    g_assert_nonnull (strstr (err, "is not a regular file (a pipe)"));
  }
  g_unlink (fifo);
  g_rmdir (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/robustness/save-to-a-full-disk-fails-clearly", test_save_to_a_full_disk_fails_clearly);
  g_test_add_func ("/robustness/disk-full-half-way-keeps-the-old-file", test_disk_full_half_way_keeps_the_old_file);
  g_test_add_func ("/robustness/save-into-an-unwritable-folder-keeps-the-old-file",
                   test_save_into_an_unwritable_folder_keeps_the_old_file);
  g_test_add_func ("/robustness/save-where-nothing-can-be-created", test_save_where_nothing_can_be_created);
  g_test_add_func ("/robustness/tiny-disk-keeps-the-old-file-and-names-it",
                   test_tiny_disk_keeps_the_old_file_and_names_it);
  g_test_add_func ("/robustness/save-through-a-symlink-keeps-the-link", test_save_through_a_symlink_keeps_the_link);
  g_test_add_func ("/robustness/export-to-a-device-writes-into-it", test_export_to_a_device_writes_into_it);
  g_test_add_func ("/robustness/stale-temporary-files-are-removed", test_stale_temporary_files_are_removed);
  g_test_add_func ("/robustness/empty-inputs-are-refused", test_empty_inputs_are_refused);
  g_test_add_func ("/robustness/foreign-files-are-refused", test_foreign_files_are_refused);
  g_test_add_func ("/robustness/csv-message-quotes-bad-bytes-readably", test_csv_message_quotes_bad_bytes_readably);
  g_test_add_func ("/robustness/divergence-keeps-the-last-finite-weights", test_divergence_keeps_the_last_finite_weights);
  g_test_add_func ("/robustness/weights-and-inputs-that-are-pipes-are-refused", test_weights_and_inputs_that_are_pipes_are_refused);
  return g_test_run ();
}
