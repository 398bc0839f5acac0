/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-export-script.c — the experiment as a training script and as a
 * Jupyter notebook (`nnblocks-cli export --format script|notebook`): for
 * every example and every lesson model with data, the script run with
 * plain `/usr/bin/python3 train.py` (no environment but PATH and HOME: it
 * sets up PyTorch itself) prints what `nnblocks-cli train` prints, line for
 * line; with --weights it trains from the saved weights as the CLI does;
 * the notebook validates with nbformat and, executed by `jupyter nbconvert`,
 * prints the same lines in its training cell. */
#include <gio/gio.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <stdlib.h>
#include <string.h>
#include "nnb-test-util.h"

/* the notebook runs shorter: a kernel per notebook is the slow part */
#define NOTEBOOK_MAX_EPOCHS 300

typedef struct
{
  char *dir;
} TempDir;

/* path and, for a folder, everything in it (Jupyter and IPython leave
 * their folders in HOME, which is the temporary folder) */
static void
remove_tree (const char *path)
{
  g_autoptr (GDir) dir = NULL;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_SYMLINK) && g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      dir = g_dir_open (path, 0, NULL);
      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          remove_tree (child);
        }
      g_rmdir (path);
    }
  else
    g_remove (path);
}

static void
temp_dir_free (TempDir *tmp)
{
  remove_tree (tmp->dir);
  g_free (tmp->dir);
  g_free (tmp);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TempDir, temp_dir_free)

static TempDir *
temp_dir_new (void)
{
  TempDir *tmp = g_new0 (TempDir, 1);

  tmp->dir = g_dir_make_tmp ("nnb-export-script-XXXXXX", NULL);
  g_assert_nonnull (tmp->dir);
  return tmp;
}

/* every .nnb under data/examples and data/lessons (those carry data) */
static GPtrArray *
project_paths (void)
{
  const char *folders[] = { "data/examples", "data/lessons" };
  GPtrArray *paths = g_ptr_array_new_with_free_func (g_free);

  for (guint f = 0; f < G_N_ELEMENTS (folders); f++)
    {
      g_autofree char *folder = nnb_test_source_path (folders[f]);
      g_autoptr (GDir) dir = g_dir_open (folder, 0, NULL);
      const char *name;

      g_assert_nonnull (dir);
      while ((name = g_dir_read_name (dir)) != NULL)
        if (g_str_has_suffix (name, ".nnb"))
          g_ptr_array_add (paths, g_build_filename (folder, name, NULL));
    }
  g_ptr_array_sort (paths, (GCompareFunc) g_strcmp0);
  g_assert_cmpuint (paths->len, >=, 8);
  return paths;
}

/* `nnblocks-cli train path`'s printout, or NULL and its message in *err
 * when the project cannot train (a lesson's deliberate mistake) */
static char *
cli_train (const char *path, char **err)
{
  const char *argv[] = { g_getenv ("NNB_CLI"), "train", path, NULL };
  char *out = NULL;
  g_autofree char *message = NULL;

  if (nnb_test_run (argv, &out, &message) == 0)
    return out;
  if (err == NULL)
    g_error ("nnblocks-cli train %s failed: %s", path, message);
  *err = g_steal_pointer (&message);
  g_free (out);
  return NULL;
}

static void
cli_export (const char *path, const char *format, const char *output, gboolean weights)
{
  const char *argv[] = { g_getenv ("NNB_CLI"), "export", path, "--format", format, "-o", output,
                         weights ? "--weights" : NULL, NULL };
  g_autofree char *err = NULL;

  if (nnb_test_run (argv, NULL, &err) != 0)
    g_error ("nnblocks-cli export --format %s %s failed: %s", format, path, err);
}

/* /usr/bin/python3 script in a bare environment (PATH and HOME): the
 * script must set PyTorch up itself */
static GSubprocess *
start_script (const char *dir, const char *script)
{
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  const char *envp[] = { "PATH=/usr/bin:/bin", NULL };
  g_autoptr (GError) error = NULL;
  GSubprocess *process;

  g_subprocess_launcher_set_environ (launcher, (char **) envp);
  g_subprocess_launcher_setenv (launcher, "HOME", dir, TRUE);
  process = g_subprocess_launcher_spawn (launcher, &error, "/usr/bin/python3", script, NULL);
  g_assert_no_error (error);
  return process;
}

/* what the script printed; its stderr in *err, FALSE, when it failed */
static gboolean
finish_script (GSubprocess *process, char **out, char **err)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, out, err, &error));
  g_assert_no_error (error);
  return g_subprocess_get_if_exited (process) && g_subprocess_get_exit_status (process) == 0;
}

static char *
run_script (const char *dir, const char *script)
{
  g_autoptr (GSubprocess) process = start_script (dir, script);
  char *out = NULL;
  g_autofree char *err = NULL;

  if (!finish_script (process, &out, &err))
    g_error ("%s failed in PyTorch: %s", script, err);
  return out;
}

static gboolean
have_torch (void)
{
  if (nnb_test_python_has ("torch", NULL))
    return TRUE;
  nnb_test_missing ("/usr/bin/python3 cannot import torch (apt-get install python3-torch)");
  return FALSE;
}

typedef struct
{
  const char *path;
  TempDir *tmp;
  GSubprocess *process;
} ScriptRun;

/* exports path's script and starts it */
static void
script_run_start (ScriptRun *run, const char *path)
{
  g_autofree char *script = NULL;
  g_autofree char *code = NULL;

  run->path = path;
  run->tmp = temp_dir_new ();
  script = g_build_filename (run->tmp->dir, "train.py", NULL);
  cli_export (path, "script", script, FALSE);
  g_assert_true (g_file_get_contents (script, &code, NULL, NULL));
  /* a GPU is one comment away, and no weights are read */
  g_assert_nonnull (strstr (code, "model.to(\"cuda\")"));
  g_assert_null (strstr (code, "load_state_dict"));
  run->process = start_script (run->tmp->dir, script);
}

/* the script printed what `train` prints, or failed with its message */
static void
script_run_finish (ScriptRun *run)
{
  g_autofree char *cli_err = NULL;
  g_autofree char *ours = cli_train (run->path, &cli_err);
  g_autofree char *theirs = NULL, *err = NULL;
  gboolean ok = finish_script (run->process, &theirs, &err);

  if (ours == NULL)
    {
      /* PyTorch's own words, which the engine uses for the same mistake */
      const char *message = g_str_has_prefix (cli_err, "nnblocks-cli: ") ? cli_err + strlen ("nnblocks-cli: ") : cli_err;

      g_strchomp ((char *) message);
      g_assert_false (ok);
      if (strstr (err, message) == NULL)
        g_error ("%s: the CLI says\n%s\nthe script\n%s", run->path, message, err);
    }
  else if (!ok)
    g_error ("%s: the script failed in PyTorch: %s", run->path, err);
  else if (g_strcmp0 (theirs, ours) != 0)
    g_error ("%s: the script printed\n%s\nnnblocks-cli train printed\n%s", run->path, theirs, ours);
  g_clear_object (&run->process);
  g_clear_pointer (&run->tmp, temp_dir_free);
}

static void
test_script_trains_alike (void)
{
  g_autoptr (GPtrArray) paths = project_paths ();

  if (!have_torch ())
    return;
  /* two at a time: starting PyTorch is most of each run */
  for (guint i = 0; i < paths->len; i += 2)
    {
      ScriptRun runs[2] = { { 0 } };
      guint n = MIN (2, paths->len - i);

      for (guint k = 0; k < n; k++)
        script_run_start (&runs[k], paths->pdata[i + k]);
      for (guint k = 0; k < n; k++)
        script_run_finish (&runs[k]);
    }
}

/* --weights: the safetensors beside the script, which the script loads
 * after the init, as `train` starts from a project's saved weights */
static void
test_script_with_weights (void)
{
  g_autoptr (TempDir) tmp = temp_dir_new ();
  g_autofree char *example = nnb_test_source_path ("data/examples/regression.nnb");
  g_autofree char *trained = g_build_filename (tmp->dir, "trained.nnb", NULL);
  g_autofree char *script = g_build_filename (tmp->dir, "go.py", NULL);
  g_autofree char *weights = g_build_filename (tmp->dir, "go.safetensors", NULL);
  const char *train_argv[] = { g_getenv ("NNB_CLI"), "train", example, "--epochs", "30", "-o", trained, NULL };
  g_autofree char *code = NULL, *ours = NULL, *theirs = NULL, *fresh = NULL, *printed = NULL;

  if (!have_torch ())
    return;
  g_assert_cmpint (nnb_test_run (train_argv, &printed, NULL), ==, 0);
  cli_export (trained, "script", script, TRUE);
  g_assert_true (g_file_test (weights, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_get_contents (script, &code, NULL, NULL));
  g_assert_nonnull (strstr (code, "\"go.safetensors\")))  # the weights saved with the project"));
  ours = cli_train (trained, NULL);
  fresh = cli_train (example, NULL);
  /* the saved weights change the run: this compares something */
  g_assert_cmpstr (ours, !=, fresh);
  theirs = run_script (tmp->dir, script);
  g_assert_cmpstr (theirs, ==, ours);
}

static gboolean
cap_epochs (const GMatchInfo *match, GString *out, gpointer max_epochs)
{
  g_autofree char *epochs = g_match_info_fetch (match, 1);

  g_string_append_printf (out, "\"epochs\": %d", MIN (atoi (epochs), GPOINTER_TO_INT (max_epochs)));
  return FALSE;
}

/* A copy of path in dir whose training runs at most max_epochs epochs, with
 * its CSV file beside it. The text is edited, not re-serialised: json-glib
 * 1.6 writes 1e-08 as 1e-08.0, which it then refuses. */
static char *
shortened_copy (const char *path, const char *dir, int max_epochs)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GRegex) epochs = g_regex_new ("\"epochs\": *([0-9]+)", 0, 0, NULL);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *folder = g_path_get_dirname (path);
  g_autofree char *text = NULL, *shortened = NULL;
  char *copy = g_build_filename (dir, base, NULL);
  JsonObject *data;

  g_assert_true (json_parser_load_from_file (parser, path, &error));
  data = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)), "data");
  if (json_object_has_member (data, "path"))
    {
      const char *csv = json_object_get_string_member (data, "path");
      g_autofree char *from = g_build_filename (folder, csv, NULL);
      g_autofree char *to = g_build_filename (dir, csv, NULL);
      g_autofree char *table = NULL;

      g_assert_false (g_path_is_absolute (csv) || strchr (csv, '/') != NULL);
      g_assert_true (g_file_get_contents (from, &table, NULL, NULL));
      g_assert_true (g_file_set_contents (to, table, -1, NULL));
    }
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  shortened = g_regex_replace_eval (epochs, text, -1, 0, 0, cap_epochs, GINT_TO_POINTER (max_epochs), &error);
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (copy, shortened, -1, NULL));
  return copy;
}

/* The notebook's shape as nbformat 4 has it, checked here without Python */
static void
assert_notebook_shape (const char *notebook)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  JsonObject *root;
  JsonArray *cells;
  guint markdown = 0, code = 0;

  g_assert_true (json_parser_load_from_file (parser, notebook, &error));
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (root, "nbformat"), ==, 4);
  cells = json_object_get_array_member (root, "cells");
  for (guint i = 0; i < json_array_get_length (cells); i++)
    {
      const char *type = json_object_get_string_member (json_array_get_object_element (cells, i), "cell_type");
      markdown += g_str_equal (type, "markdown");
      code += g_str_equal (type, "code");
    }
  g_assert_cmpuint (markdown, >=, 6);
  g_assert_cmpuint (code, >=, 6);
}

/* The text the executed notebook's "training" cell printed */
static char *
training_cell_output (const char *executed)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  JsonArray *cells;
  GString *text = g_string_new (NULL);

  g_assert_true (json_parser_load_from_file (parser, executed, &error));
  cells = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "cells");
  for (guint i = 0; i < json_array_get_length (cells); i++)
    {
      JsonObject *cell = json_array_get_object_element (cells, i);
      JsonArray *outputs;

      if (!g_str_equal (json_object_get_string_member (cell, "id"), "training"))
        continue;
      outputs = json_object_get_array_member (cell, "outputs");
      for (guint k = 0; k < json_array_get_length (outputs); k++)
        {
          JsonObject *output = json_array_get_object_element (outputs, k);
          JsonNode *lines;

          if (!g_str_equal (json_object_get_string_member (output, "output_type"), "stream"))
            continue;
          g_assert_cmpstr (json_object_get_string_member (output, "name"), ==, "stdout");
          lines = json_object_get_member (output, "text");
          if (JSON_NODE_HOLDS_VALUE (lines))
            g_string_append (text, json_node_get_string (lines));
          else
            for (guint l = 0; l < json_array_get_length (json_node_get_array (lines)); l++)
              g_string_append (text, json_array_get_string_element (json_node_get_array (lines), l));
        }
    }
  return g_string_free (text, FALSE);
}

/* Every cell ran: a plot came out of the last (an image/png display) */
static void
assert_plotted (const char *executed)
{
  g_autofree char *text = NULL;

  g_assert_true (g_file_get_contents (executed, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "\"image/png\""));
}

/* The notebooks executed (a kernel each is slow): every plot — the fit of
 * one input and two targets (CSV), the decision regions, predictions
 * against targets — the learned line, held-out rows, BatchNorm; every
 * project's notebook is validated. */
static const char *const executed_notebooks[] = {
  "mlp-residual.nnb",
  "regression.nnb",
  "two-outputs.nnb",
  "xor.nnb",
  "modes-batchnorm.nnb",
  "overfit.nnb",
};

typedef struct
{
  char *source; /* the project as the data folder has it */
  char *path;   /* its shortened copy */
  char *notebook;
  TempDir *tmp;
  GSubprocess *process;
} NotebookRun;

/* exports the shortened project's notebook and checks its shape */
static void
notebook_run_export (NotebookRun *run, const char *source)
{
  run->source = g_strdup (source);
  run->tmp = temp_dir_new ();
  run->path = shortened_copy (source, run->tmp->dir, NOTEBOOK_MAX_EPOCHS);
  run->notebook = g_build_filename (run->tmp->dir, "train.ipynb", NULL);
  cli_export (run->path, "notebook", run->notebook, FALSE);
  assert_notebook_shape (run->notebook);
}

/* starts `jupyter-nbconvert --execute` on it, in a bare environment, as
 * for the script: the notebook sets PyTorch up */
static void
notebook_run_start (NotebookRun *run)
{
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GError) error = NULL;
  const char *envp[] = { "PATH=/usr/bin:/bin", NULL };

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_set_environ (launcher, (char **) envp);
  g_subprocess_launcher_setenv (launcher, "HOME", run->tmp->dir, TRUE);
  run->process = g_subprocess_launcher_spawn (launcher, &error, "jupyter-nbconvert", "--to", "notebook", "--execute",
                                              "--output", "executed.ipynb", run->notebook, NULL);
  g_assert_no_error (error);
}

/* the executed notebook's training cell printed what `train` prints */
static void
notebook_run_finish (NotebookRun *run)
{
  g_autofree char *executed = g_build_filename (run->tmp->dir, "executed.ipynb", NULL);
  g_autofree char *ours = NULL, *theirs = NULL, *err = NULL;

  if (run->process != NULL)
    {
      if (!finish_script (run->process, NULL, &err))
        g_error ("%s: the notebook failed: %s", run->source, err);
      ours = cli_train (run->path, NULL);
      theirs = training_cell_output (executed);
      if (g_strcmp0 (theirs, ours) != 0)
        g_error ("%s: the notebook printed\n%s\nnnblocks-cli train printed\n%s", run->source, theirs, ours);
      assert_plotted (executed);
    }
  g_clear_object (&run->process);
}

static void
notebook_run_clear (NotebookRun *run)
{
  g_clear_pointer (&run->tmp, temp_dir_free);
  g_clear_pointer (&run->notebook, g_free);
  g_clear_pointer (&run->path, g_free);
  g_clear_pointer (&run->source, g_free);
}

static gboolean
is_executed (const char *path)
{
  g_autofree char *base = g_path_get_basename (path);

  return g_strv_contains ((const char *const *) executed_notebooks, base);
}

/* nbformat.validate on every notebook, in one Python */
static void
validate_notebooks (NotebookRun *runs, guint n)
{
  const char *source = "import sys, nbformat\n"
                       "for path in sys.argv[1:]:\n"
                       "    try:\n"
                       "        nbformat.validate(nbformat.read(path, as_version=4))\n"
                       "    except nbformat.ValidationError as e:\n"
                       "        sys.exit(f'{path}: {e}')\n";
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *err = NULL;

  g_ptr_array_add (argv, "/usr/bin/python3");
  g_ptr_array_add (argv, "-c");
  g_ptr_array_add (argv, (gpointer) source);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (argv, runs[i].notebook);
  g_ptr_array_add (argv, NULL);
  if (nnb_test_run ((const char *const *) argv->pdata, NULL, &err) != 0)
    g_error ("nbformat refuses a notebook: %s", err);
}

static void
test_notebook (void)
{
  g_autoptr (GPtrArray) paths = project_paths ();
  g_autofree char *jupyter = g_find_program_in_path ("jupyter-nbconvert");
  gboolean validate = nnb_test_python_has ("nbformat", NULL);
  gboolean execute = jupyter != NULL && nnb_test_python_has ("torch", "ipykernel", "matplotlib", NULL);
  g_autofree NotebookRun *runs = g_new0 (NotebookRun, paths->len);
  g_autoptr (GPtrArray) running = g_ptr_array_new ();
  guint n_executed = 0;

  for (guint i = 0; i < paths->len; i++)
    notebook_run_export (&runs[i], paths->pdata[i]);
  if (validate)
    validate_notebooks (runs, paths->len);
  /* two kernels at a time, as the scripts */
  for (guint i = 0; execute && i < paths->len; i++)
    {
      if (is_executed (paths->pdata[i]))
        {
          notebook_run_start (&runs[i]);
          g_ptr_array_add (running, &runs[i]);
          n_executed++;
        }
      if (running->len == 2 || (i + 1 == paths->len && running->len > 0))
        {
          for (guint k = 0; k < running->len; k++)
            notebook_run_finish (running->pdata[k]);
          g_ptr_array_set_size (running, 0);
        }
    }
  for (guint i = 0; i < paths->len; i++)
    notebook_run_clear (&runs[i]);
  if (execute)
    g_assert_cmpuint (n_executed, ==, G_N_ELEMENTS (executed_notebooks));
  if (!validate)
    nnb_test_missing ("/usr/bin/python3 cannot import nbformat (apt-get install python3-nbformat)");
  else if (!execute)
    nnb_test_missing ("jupyter-nbconvert, python3-ipykernel, python3-matplotlib or python3-torch is missing");
}

/* --weights belongs to the script and the notebook; the unknown format's
 * message names them */
static void
test_usage (void)
{
  g_autofree char *example = nnb_test_source_path ("data/examples/xor.nnb");
  g_autoptr (TempDir) tmp = temp_dir_new ();
  g_autofree char *out = g_build_filename (tmp->dir, "xor.onnx", NULL);
  const char *weights_argv[] = { g_getenv ("NNB_CLI"), "export", example, "--format", "onnx", "--weights", "-o", out, NULL };
  const char *format_argv[] = { g_getenv ("NNB_CLI"), "export", example, "--format", "ipynb", "-o", out, NULL };
  g_autofree char *err = NULL, *format_err = NULL;

  g_assert_cmpint (nnb_test_run (weights_argv, NULL, &err), ==, 2);
  g_assert_cmpstr (err, ==, "nnblocks-cli: --weights is for --format script and notebook\n");
  g_assert_cmpint (nnb_test_run (format_argv, NULL, &format_err), ==, 2);
  g_assert_nonnull (strstr (format_err, "use safetensors, pytorch, script, notebook, onnx"));
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/export-script/every-project-trains-alike", test_script_trains_alike);
  g_test_add_func ("/export-script/with-weights", test_script_with_weights);
  g_test_add_func ("/export-notebook/every-project-trains-alike", test_notebook);
  g_test_add_func ("/export-script/usage", test_usage);
  return g_test_run ();
}
