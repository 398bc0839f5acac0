#include "nnb-test-util.h"

#include <math.h>
#include <stdarg.h>
#include <sys/wait.h>

char *
nnb_test_path (const char *relative)
{
  return g_test_build_filename (G_TEST_DIST, relative, NULL);
}

char *
nnb_test_source_path (const char *relative)
{
  const char *root = g_getenv ("NNB_SOURCE_DIR");
  g_autofree char *fallback = NULL;

  if (root == NULL)
    {
      fallback = g_test_build_filename (G_TEST_DIST, "..", NULL);
      root = fallback;
    }
  return g_build_filename (root, relative, NULL);
}

gboolean
nnb_test_python_has (const char *module, ...)
{
  g_autoptr (GString) script = g_string_new ("import ");
  va_list args;
  int status = 0;

  if (!g_file_test ("/usr/bin/python3", G_FILE_TEST_IS_EXECUTABLE))
    return FALSE;
  va_start (args, module);
  for (const char *m = module; m != NULL; m = va_arg (args, const char *))
    g_string_append_printf (script, "%s%s", m == module ? "" : ", ", m);
  va_end (args);

  const char *argv[] = { "/usr/bin/python3", "-c", script->str, NULL };
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, NULL, NULL, &status, NULL))
    return FALSE;
  return g_spawn_check_wait_status (status, NULL);
}

int
nnb_test_run (const char *const *argv, char **out, char **err)
{
  g_autoptr (GError) error = NULL;
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, err, &status, &error))
    g_error ("cannot run %s: %s", argv[0], error->message);
  if (WIFEXITED (status))
    return WEXITSTATUS (status);
  return 128 + WTERMSIG (status);
}

double
nnb_test_rel_diff (double a, double b)
{
  double scale = fabs (b) > 1e-30 ? fabs (b) : 1e-30;
  return fabs (a - b) / scale;
}
