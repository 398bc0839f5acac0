/* test-cli.c — nnblocks-cli as a student, a grader or a script uses it:
 * the page's printouts, exit codes, and one clear line for every mistake. */
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <signal.h>
#include <sys/wait.h>
#include <stdarg.h>
#include <string.h>
#include "nnb-test-util.h"

typedef struct
{
  int status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *run)
{
  g_free (run->out);
  g_free (run->err);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

/* Runs nnblocks-cli; "@name" arguments name files under data/examples. */
static void
cli (Run *run, const char *first, ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  va_list args;

  g_ptr_array_add (argv, g_strdup (g_getenv ("NNB_CLI")));
  va_start (args, first);
  for (const char *arg = first; arg; arg = va_arg (args, const char *))
    {
      if (arg[0] == '@')
        {
          g_autofree char *rel = g_strdup_printf ("data/examples/%s", arg + 1);
          g_ptr_array_add (argv, nnb_test_source_path (rel));
        }
      else
        g_ptr_array_add (argv, g_strdup (arg));
    }
  va_end (args);
  g_ptr_array_add (argv, NULL);
  run->status = nnb_test_run ((const char *const *) argv->pdata, &run->out, &run->err);
}

static int
count_lines (const char *text)
{
  int n = 0;
  for (const char *p = text; *p; p++)
    n += *p == '\n';
  return n;
}

static void
test_inspect_prints_the_pages_parameter_table (void)
{
  g_auto (Run) r = { 0 };

  cli (&r, "inspect", "@mlp-residual.nnb", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.out, ==,
                   "MLP(\n"
                   "  (fc1): Linear(in_features=3, out_features=16, bias=True)\n"
                   "  (fc2): Linear(in_features=16, out_features=16, bias=True)\n"
                   "  (head): Linear(in_features=16, out_features=1, bias=True)\n"
                   "  (act): ReLU()\n"
                   ")\n"
                   "fc1.weight   (16, 3)    requires_grad=True\n"
                   "fc1.bias     (16,)      requires_grad=True\n"
                   "fc2.weight   (16, 16)   requires_grad=True\n"
                   "fc2.bias     (16,)      requires_grad=True\n"
                   "head.weight  (1, 16)    requires_grad=True\n"
                   "head.bias    (1,)       requires_grad=True\n"
                   "total parameters: 353\n");
}

static void
test_inspect_sinenet_counts_4353 (void)
{
  g_auto (Run) r = { 0 };

  cli (&r, "inspect", "@sinenet.nnb", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "net.0.weight "));
  g_assert_true (g_str_has_suffix (r.out, "total parameters: 4,353\n"));
}

static void
test_trace_prints_the_hook_lines (void)
{
  g_auto (Run) r = { 0 };

  cli (&r, "trace", "@mlp-residual.nnb", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.out, ==,
                   "Linear   -> (5, 16)\n"
                   "ReLU     -> (5, 16)\n"
                   "Linear   -> (5, 16)\n"
                   "ReLU     -> (5, 16)\n"
                   "Linear   -> (5, 1)\n");
  run_clear (&r);
  cli (&r, "trace", "--batch", "32", "@sequential.nnb", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (g_str_has_suffix (r.out, "Linear   -> (32, 1)\n"));
}

static void
test_forward_prints_one_row_per_input_row (void)
{
  g_auto (Run) r = { 0 };
  g_autofree char *dir = g_dir_make_tmp ("nnb-cli-XXXXXX", NULL);
  g_autofree char *csv = g_build_filename (dir, "x.csv", NULL);
  g_autofree char *bad = g_build_filename (dir, "bad.csv", NULL);

  g_assert_true (g_file_set_contents (csv, "x0,x1,x2\n0.1,0.2,0.3\n-1,0,1\n1,2,3\n", -1, NULL));
  cli (&r, "forward", "@mlp-residual.nnb", "--input", csv, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpint (count_lines (r.out), ==, 3);
  run_clear (&r);

  g_assert_true (g_file_set_contents (bad, "1,2,3\n4,five,6\n", -1, NULL));
  cli (&r, "forward", "@mlp-residual.nnb", "--input", bad, NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "line 2, column 2: 'five' is not a number."));
  g_assert_cmpint (count_lines (r.err), ==, 1);
  run_clear (&r);

  /* two columns into a model that wants three: PyTorch's message */
  g_assert_true (g_file_set_contents (bad, "1,2\n", -1, NULL));
  cli (&r, "forward", "@mlp-residual.nnb", "--input", bad, NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_cmpstr (r.err, ==, "nnblocks-cli: mat1 and mat2 shapes cannot be multiplied (1x2 and 3x16)\n");
  g_unlink (csv);
  g_unlink (bad);
  g_rmdir (dir);
}

static void
test_train_writes_the_trained_project (void)
{
  g_auto (Run) r = { 0 };
  g_autofree char *dir = g_dir_make_tmp ("nnb-cli-XXXXXX", NULL);
  g_autofree char *out = g_build_filename (dir, "trained.nnb", NULL);

  cli (&r, "train", "@regression.nnb", "--epochs", "3", "--log-every", "1", "-o", out, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (g_str_has_prefix (r.out, "epoch   0 loss 561.6481\nepoch   1 loss "));
  g_assert_true (g_file_test (out, G_FILE_TEST_EXISTS));
  run_clear (&r);
  /* the trained file keeps its weights: training on continues from them */
  cli (&r, "train", out, "--epochs", "1", "--log-every", "1", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_false (g_str_has_prefix (r.out, "epoch   0 loss 561.6481"));
  g_unlink (out);
  g_rmdir (dir);
}

static void
test_bad_usage_exits_2_and_bad_input_exits_1 (void)
{
  g_auto (Run) r = { 0 };

  cli (&r, NULL);
  g_assert_cmpint (r.status, ==, 2);
  run_clear (&r);
  cli (&r, "frobnicate", NULL);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "unknown command 'frobnicate'"));
  run_clear (&r);
  cli (&r, "train", "--epochs", "many", "@regression.nnb", NULL);
  g_assert_cmpint (r.status, ==, 2);
  run_clear (&r);
  cli (&r, "train", NULL);
  g_assert_cmpint (r.status, ==, 2);
  run_clear (&r);
  cli (&r, "inspect", "/nonexistent/model.nnb", NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_true (g_str_has_prefix (r.err, "nnblocks-cli: "));
  g_assert_cmpint (count_lines (r.err), ==, 1);
  run_clear (&r);
  cli (&r, "train", "@regression.nnb", "--lr", "-0.1", NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_cmpstr (r.err, ==, "nnblocks-cli: Invalid learning rate: -0.1\n");
  run_clear (&r);
  cli (&r, "train", "@regression.nnb", "--epochs", "-3", NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "epochs"));
  run_clear (&r);
  cli (&r, "export", "@regression.nnb", "--format", "docx", "-o", "x", NULL);
  g_assert_cmpint (r.status, ==, 2);
}

static void
test_every_command_has_help (void)
{
  const char *commands[] = { "inspect", "trace", "train", "forward", "export", "import-weights", "devices" };

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_auto (Run) r = { 0 };
      cli (&r, commands[i], "--help", NULL);
      g_assert_cmpint (r.status, ==, 0);
      g_assert_nonnull (strstr (r.out, "Usage:"));
    }
}

static void
test_devices_lists_the_cpu_first (void)
{
  g_auto (Run) r = { 0 };

  cli (&r, "devices", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (g_str_has_prefix (r.out, "cpu      CPU (OpenBLAS"));
  g_assert_nonnull (strstr (r.out, "cuda:0"));
}

/* Every example leaves NN Blocks intact: its exported weights and code,
 * run by real PyTorch, compute what `nnblocks-cli forward` computes. */
static void
test_every_example_runs_the_same_in_pytorch (void)
{
  const struct { const char *file; int in_features; } examples[] = {
    { "regression.nnb", 1 }, { "sequential.nnb", 3 }, { "mlp-residual.nnb", 3 },
    { "sinenet.nnb", 1 }, { "sine-linear.nnb", 1 },
  };
  g_autofree char *runner = nnb_test_source_path ("tests/reference/torch_forward.py");

  if (!nnb_test_python_has ("torch", NULL))
    {
      g_test_skip ("/usr/bin/python3 cannot import torch (apt-get install python3-torch)");
      return;
    }
  for (guint e = 0; e < G_N_ELEMENTS (examples); e++)
    {
      g_autofree char *dir = g_dir_make_tmp ("nnb-example-XXXXXX", NULL);
      g_autofree char *weights = g_build_filename (dir, "model.safetensors", NULL);
      g_autofree char *code = g_build_filename (dir, "model.py", NULL);
      g_autofree char *csv_path = g_build_filename (dir, "x.csv", NULL);
      g_autofree char *json_path = g_build_filename (dir, "x.json", NULL);
      g_autofree char *example = g_strconcat ("@", examples[e].file, NULL);
      g_autoptr (GString) csv = g_string_new (NULL);
      g_autoptr (GString) json = g_string_new (NULL);
      g_auto (GStrv) ours = NULL;
      g_autofree char *torch_out = NULL;
      g_autofree char *torch_err = NULL;
      const char *argv[] = { "/usr/bin/python3", runner, code, json_path, NULL };
      const char *data_start;
      int rows = 7;

      g_string_append_printf (json, "{\"shape\": [%d, %d], \"data\": [", rows, examples[e].in_features);
      for (int r = 0; r < rows; r++)
        for (int c = 0; c < examples[e].in_features; c++)
          {
            /* values that print exactly in both files */
            double v = (r * 7 + c * 3) % 11 * 0.25 - 1.0;
            g_string_append_printf (csv, "%s%g", c ? "," : "", v);
            g_string_append_printf (json, "%s%g", r + c ? ", " : "", v);
            if (c == examples[e].in_features - 1)
              g_string_append_c (csv, '\n');
          }
      g_string_append (json, "]}");
      g_assert_true (g_file_set_contents (csv_path, csv->str, -1, NULL));
      g_assert_true (g_file_set_contents (json_path, json->str, -1, NULL));

      {
        g_auto (Run) r = { 0 };
        cli (&r, "export", example, "--format", "safetensors", "-o", weights, NULL);
        g_assert_cmpint (r.status, ==, 0);
      }
      {
        g_auto (Run) r = { 0 };
        cli (&r, "export", example, "--format", "pytorch", "-o", code, NULL);
        g_assert_cmpint (r.status, ==, 0);
      }
      {
        g_auto (Run) r = { 0 };
        cli (&r, "forward", example, "--input", csv_path, NULL);
        g_assert_cmpint (r.status, ==, 0);
        ours = g_strsplit_set (g_strstrip (r.out), "\n,", -1);
      }
      if (nnb_test_run (argv, &torch_out, &torch_err) != 0)
        g_error ("%s: the exported code failed in PyTorch: %s", examples[e].file, torch_err);

      /* "output": {"shape": [...], "data": [v, v, …]} */
      data_start = strstr (strstr (torch_out, "\"output\""), "\"data\": [") + strlen ("\"data\": [");
      for (guint i = 0; ours[i] != NULL; i++)
        {
          char *end = NULL;
          double theirs = g_ascii_strtod (data_start, &end);
          double mine = g_ascii_strtod (ours[i], NULL);
          g_assert_true (end != data_start);
          if (fabs (mine - theirs) > MAX (1e-6 * fabs (theirs), 1e-6))
            g_error ("%s: row value %u is %.9g in NN Blocks and %.9g in PyTorch", examples[e].file, i, mine, theirs);
          data_start = end + strspn (end, ", ");
        }
      g_assert_cmpint (*data_start, ==, ']');
      g_unlink (weights);
      g_unlink (code);
      g_unlink (csv_path);
      g_unlink (json_path);
      {
        g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
        const char *left;
        while (d && (left = g_dir_read_name (d)) != NULL)
          {
            g_autofree char *path = g_build_filename (dir, left, NULL);
            g_unlink (path);
          }
      }
      g_rmdir (dir);
    }
}

/* Ctrl-C during training stops after the current step and still saves -o */
static void
test_ctrl_c_stops_cleanly_and_saves (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("nnb-cli-XXXXXX", NULL);
  g_autofree char *out = g_build_filename (dir, "stopped.nnb", NULL);
  g_autofree char *example = nnb_test_source_path ("data/examples/sinenet.nnb");
  const char *argv[] = { g_getenv ("NNB_CLI"), "train", example, "--epochs", "100000000", "--until-loss", "0",
                         "--log-every", "0", "-o", out, NULL };
  GPid pid;
  int status;

  g_assert_true (g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
                                NULL, NULL, &pid, &error));
  g_usleep (G_USEC_PER_SEC / 2);
  kill (pid, SIGINT);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_spawn_close_pid (pid);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  g_assert_true (g_file_test (out, G_FILE_TEST_EXISTS));
  g_unlink (out);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli/inspect-prints-the-pages-parameter-table", test_inspect_prints_the_pages_parameter_table);
  g_test_add_func ("/cli/inspect-sinenet-counts-4353", test_inspect_sinenet_counts_4353);
  g_test_add_func ("/cli/trace-prints-the-hook-lines", test_trace_prints_the_hook_lines);
  g_test_add_func ("/cli/forward-prints-one-row-per-input-row", test_forward_prints_one_row_per_input_row);
  g_test_add_func ("/cli/train-writes-the-trained-project", test_train_writes_the_trained_project);
  g_test_add_func ("/cli/bad-usage-exits-2-and-bad-input-exits-1", test_bad_usage_exits_2_and_bad_input_exits_1);
  g_test_add_func ("/cli/every-command-has-help", test_every_command_has_help);
  g_test_add_func ("/cli/devices-lists-the-cpu-first", test_devices_lists_the_cpu_first);
  g_test_add_func ("/cli/ctrl-c-stops-cleanly-and-saves", test_ctrl_c_stops_cleanly_and_saves);
  g_test_add_func ("/cli/every-example-runs-the-same-in-pytorch", test_every_example_runs_the_same_in_pytorch);
  return g_test_run ();
}
