/* test-cli.c — nnblocks-cli as a student, a grader or a script uses it:
 * the page's printouts, exit codes, and one clear line for every mistake. */
#include <glib.h>
#include <glib/gstdio.h>
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
  return g_test_run ();
}
