/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-fuzz-regressions.c — every input the fuzzers ever broke the engine
 * with (tests/fuzz/regressions/TARGET/), fed again to the same entry points
 * the fuzz targets use (tests/fuzz/nnb-fuzz-targets.h): no crash, no
 * sanitizer report, and either success or one clean GError. */
#include <glib.h>
#include "fuzz/nnb-fuzz-targets.h"
#include "nnb-test-util.h"

typedef gboolean (*FuzzEntry) (const guint8 *data, gsize size, GError **error);

typedef struct
{
  const char *target;
  FuzzEntry entry;
  char *path;
} Regression;

static void
regression_free (gpointer data)
{
  Regression *regression = data;

  g_free (regression->path);
  g_free (regression);
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static void
test_replay (gconstpointer data)
{
  const Regression *regression = data;
  g_autofree char *contents = NULL;
  g_autoptr (GError) error = NULL;
  gsize length;
  gboolean ok;

  g_assert_true (g_file_get_contents (regression->path, &contents, &length, NULL));
  ok = regression->entry ((const guint8 *) contents, length, &error);
  /* the entry points already assert the error is a readable sentence */
  if (!ok)
    g_test_message ("%s: %s", regression->path, error->message);
}

static void
test_every_target_has_a_folder (void)
{
  static const char *const targets[] = { "project", "safetensors", "csv", "lesson", "python" };

  for (guint i = 0; i < G_N_ELEMENTS (targets); i++)
    {
      g_autofree char *relative = g_build_filename ("fuzz", "regressions", targets[i], NULL);
      g_autofree char *dir = nnb_test_path (relative);
      g_assert_true (g_file_test (dir, G_FILE_TEST_IS_DIR));
    }
}

int
main (int argc, char *argv[])
{
  static const struct
  {
    const char *target;
    FuzzEntry entry;
  } targets[] = {
    { "project", nnb_fuzz_project },
    { "safetensors", nnb_fuzz_safetensors },
    { "csv", nnb_fuzz_csv },
    { "lesson", nnb_fuzz_lesson },
    { "python", nnb_fuzz_python },
  };
  g_autoptr (GPtrArray) regressions = g_ptr_array_new_with_free_func (regression_free);

  g_test_init (&argc, &argv, NULL);
  g_log_set_writer_func (nnb_fuzz_log_writer, NULL, NULL);
  g_setenv ("OPENBLAS_NUM_THREADS", "1", FALSE);

  g_test_add_func ("/fuzz-regressions/every-target-has-a-folder", test_every_target_has_a_folder);
  for (guint i = 0; i < G_N_ELEMENTS (targets); i++)
    {
      g_autofree char *relative = g_build_filename ("fuzz", "regressions", targets[i].target, NULL);
      g_autofree char *dir_path = nnb_test_path (relative);
      g_autoptr (GDir) dir = g_dir_open (dir_path, 0, NULL);
      g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      const char *name;

      if (dir == NULL)
        continue;
      while ((name = g_dir_read_name (dir)) != NULL)
        if (name[0] != '.')
          g_ptr_array_add (names, g_strdup (name));
      /* a stable order, whatever the file system's */
      g_ptr_array_sort (names, compare_names);
      for (guint j = 0; j < names->len; j++)
        {
          Regression *regression = g_new0 (Regression, 1);
          g_autofree char *test_path = g_strdup_printf ("/fuzz-regressions/%s/%s", targets[i].target,
                                                        (const char *) names->pdata[j]);
          regression->target = targets[i].target;
          regression->entry = targets[i].entry;
          regression->path = g_build_filename (dir_path, names->pdata[j], NULL);
          g_ptr_array_add (regressions, regression);
          g_test_add_data_func (test_path, regression, test_replay);
        }
    }
  return g_test_run ();
}
