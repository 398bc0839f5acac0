/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-cli.c — nnblocks-cli as a student, a grader or a script uses it:
 * the page's printouts, exit codes, and one clear line for every mistake. */
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <signal.h>
#include <sys/wait.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>
#include "nnb-project.h"
#include "nnb-test-util.h"

/* built with AddressSanitizer (gcc says so with a macro, clang with a feature) */
#if defined(__SANITIZE_ADDRESS__)
#define NNB_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NNB_UNDER_ASAN 1
#endif
#endif

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

/* Issue 19: the data as the PyTorch program has it. SineNet's first rows
 * are real PyTorch's: torch.manual_seed(0); X = torch.rand(200, 1) * 2π;
 * y = torch.sin(X) + 0.1 * torch.randn(200, 1) gives X[0] 3.1181 and
 * y[0] -0.0276. */
static void
test_data_prints_shapes_columns_and_first_rows (void)
{
  g_auto (Run) r = { 0 };
  g_auto (Run) split = { 0 };
  g_auto (Run) bad = { 0 };

  cli (&r, "data", "@sinenet.nnb", "--rows", "2", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.out, ==,
                   "data: sine, 200 points, noise 0.1, x from 0 to 6.28319\n"
                   "X: torch.Size([200, 1])  y: torch.Size([200, 1])\n"
                   "columns: X[:, 0] is x, y is the target\n"
                   "first 2 rows:\n"
                   "         x         y\n"
                   "    3.1181   -0.0276\n"
                   "    4.8269   -1.1648\n");

  cli (&split, "data", "@overfit.nnb", "--rows", "0", NULL);
  g_assert_cmpint (split.status, ==, 0);
  g_assert_nonnull (strstr (split.out, "test_fraction 0.25: 6 test rows (X_test), 18 training rows (X)\n"));
  g_assert_nonnull (strstr (split.out, "standardised with the training rows' mean(0) and std(0): X\n"));

  cli (&bad, "data", "@sinenet.nnb", "--rows", "-1", NULL);
  g_assert_cmpint (bad.status, ==, 2);
  g_assert_cmpstr (bad.err, ==, "nnblocks-cli: --rows must be 0 or more, not -1\n");
}

/* Issue 19: a CSV's chosen columns by their header names, y (n, 2); the
 * first row is the file's (tests/data/csv-columns.csv, whose columns are
 * id,x1,y1,x2,note,x3,y2) */
static void
test_data_names_a_csvs_chosen_columns (void)
{
  g_autofree char *path = nnb_test_source_path ("tests/data/csv-columns.nnb");
  g_auto (Run) r = { 0 };

  cli (&r, "data", path, "--rows", "1", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (g_str_has_prefix (r.out, "data: csv, "));
  g_assert_nonnull (strstr (r.out, "csv-columns.csv\n"
                                   "X: torch.Size([40, 3])  y: torch.Size([40, 2])\n"
                                   "columns: X from x1, x2, x3; y from y1, y2\n"
                                   "first 1 rows:\n"
                                   "        x1        x2        x3        y1        y2\n"
                                   "    0.7085    0.5698    3.1228    0.3538   -0.3391\n"));
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

/* Writes json as a project in a new folder; the caller removes both. */
static char *
temp_project (const char *json)
{
  g_autofree char *dir = g_dir_make_tmp ("nnb-cli-XXXXXX", NULL);
  char *path = g_build_filename (dir, "edge.nnb", NULL);

  g_assert_true (g_file_set_contents (path, json, -1, NULL));
  return path;
}

static void
remove_temp_project (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);

  g_unlink (path);
  g_rmdir (dir);
}

/* tests/reference/edge_cases.py, case 3: forward returns act(x) and never
 * reaches fc1, so the loss needs no gradient and PyTorch's loss.backward()
 * raises before the first step. */
static void
test_train_without_a_parameter_in_forward_gives_pytorchs_error (void)
{
  g_auto (Run) r = { 0 };
  g_autofree char *path = temp_project (
    "{\"format\": \"nnblocks\", \"version\": 1, \"model\": {\"class\": \"Net\", \"modules\": ["
    "{\"name\": \"fc1\", \"type\": \"Linear\", \"in_features\": 1, \"out_features\": 1}, {\"name\": \"act\", \"type\": \"ReLU\"}],"
    " \"graph\": {\"nodes\": [{\"name\": \"x\", \"op\": \"input\"}, {\"name\": \"act\", \"op\": \"call\", \"inputs\": [\"x\"]},"
    " {\"name\": \"out\", \"op\": \"output\", \"inputs\": [\"act\"]}]}},"
    " \"training\": {\"epochs\": 5, \"log_every\": 1}}");

  cli (&r, "train", path, NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_cmpstr (r.out, ==, "");
  g_assert_cmpstr (r.err, ==, "nnblocks-cli: element 0 of tensors does not require grad and does not have a grad_fn\n");
  remove_temp_project (path);
}

/* tests/reference/edge_cases.py, case 4: add_module's KeyError, with the
 * place in the file. */
static void
test_module_named_forward_is_refused (void)
{
  g_auto (Run) r = { 0 };
  g_autofree char *path = temp_project (
    "{\"format\": \"nnblocks\", \"version\": 1, \"model\": {\"class\": \"Net\", \"modules\": ["
    "{\"name\": \"forward\", \"type\": \"Linear\", \"in_features\": 1, \"out_features\": 1}],"
    " \"graph\": {\"nodes\": [{\"name\": \"x\", \"op\": \"input\"}, {\"name\": \"fc\", \"op\": \"call\", \"module\": \"forward\", \"inputs\": [\"x\"]},"
    " {\"name\": \"out\", \"op\": \"output\", \"inputs\": [\"fc\"]}]}}}");

  cli (&r, "inspect", path, NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_cmpstr (r.out, ==, "");
  g_assert_nonnull (strstr (r.err, "model.modules[0] (forward): attribute 'forward' already exists: every nn.Module has it; choose another name.\n"));
  g_assert_cmpint (count_lines (r.err), ==, 1);
  remove_temp_project (path);
}

/* tests/reference/edge_cases.py, case 5: the hook fires on an empty
 * nn.Sequential(), a module without children. */
static void
test_trace_shows_an_empty_sequential (void)
{
  g_auto (Run) r = { 0 };
  g_autofree char *path = temp_project (
    "{\"format\": \"nnblocks\", \"version\": 1, \"model\": {\"class\": \"Sequential\", \"modules\": ["
    "{\"type\": \"Linear\", \"in_features\": 3, \"out_features\": 2}, {\"type\": \"Sequential\", \"children\": []},"
    " {\"type\": \"ReLU\"}]}}");

  cli (&r, "trace", path, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.out, ==, "Linear   -> (5, 2)\nSequential -> (5, 2)\nReLU     -> (5, 2)\n");
  remove_temp_project (path);
}

/* Issue 19: the page's residual MLP (3 inputs) beside one-feature data
 * stops before the first step with what PyTorch says at model(X) on the
 * first mini-batch: nn.Linear(3, 16)(torch.randn(32, 1)). */
static void
test_train_refuses_a_model_that_cannot_take_the_data (void)
{
  g_auto (Run) r = { 0 };
  g_autofree char *path = temp_project (
    "{\"format\": \"nnblocks\", \"version\": 1, \"model\": {\"class\": \"Sequential\", \"modules\": ["
    "{\"type\": \"Linear\", \"in_features\": 3, \"out_features\": 16}, {\"type\": \"ReLU\"},"
    " {\"type\": \"Linear\", \"in_features\": 16, \"out_features\": 1}]},"
    " \"data\": {\"kind\": \"sine\"}, \"training\": {\"epochs\": 5, \"batch_size\": 32, \"log_every\": 1}}");

  cli (&r, "train", path, NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_cmpstr (r.out, ==, "");
  g_assert_cmpstr (r.err, ==, "nnblocks-cli: mat1 and mat2 shapes cannot be multiplied (32x1 and 3x16)\n");
  remove_temp_project (path);
}

/* tests/reference/edge_cases.py, case 6: ten rows in batches of four give
 * batches of 4, 4 and 2 every epoch; PyTorch's default warning filter shows
 * each distinct message once, in the order they first come: the full
 * batches' shapes, then the last batch's. */
static void
test_train_warns_once_per_batch_shape (void)
{
  g_auto (Run) r = { 0 };
  g_autofree char *path = temp_project (
    "{\"format\": \"nnblocks\", \"version\": 1, \"model\": {\"class\": \"Linear\", \"in_features\": 1, \"out_features\": 2},"
    " \"data\": {\"kind\": \"line\", \"n\": 10}, \"training\": {\"epochs\": 3, \"batch_size\": 4, \"log_every\": 0}}");

  cli (&r, "train", path, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.err, ==,
                   "UserWarning: Using a target size (torch.Size([4, 1])) that is different to the input size "
                   "(torch.Size([4, 2])). This will likely lead to incorrect results due to broadcasting. "
                   "Please ensure they have the same size.\n"
                   "UserWarning: Using a target size (torch.Size([2, 1])) that is different to the input size "
                   "(torch.Size([2, 2])). This will likely lead to incorrect results due to broadcasting. "
                   "Please ensure they have the same size.\n");
  remove_temp_project (path);
}

/* The reader's limit, in the reader's words: train -o must never write a
 * project that cannot be loaded again. */
static void
test_train_refuses_more_epochs_than_a_project_holds (void)
{
  g_auto (Run) r = { 0 };

  cli (&r, "train", "@regression.nnb", "--epochs", "1000000000", NULL);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_cmpstr (r.out, ==, "");
  g_assert_cmpstr (r.err, ==, "nnblocks-cli: training: epochs must be at most 100000000, not 1000000000.\n");
  run_clear (&r);
  cli (&r, "train", "@regression.nnb", "--epochs", "0", "--log-every", "100000001", NULL);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_cmpstr (r.err, ==, "nnblocks-cli: training: log_every must be at most 100000000, not 100000001.\n");
}

/* 80,000 levels of [ (160 KB) crashed json-glib's recursive parser. */
static void
test_deeply_nested_project_is_refused_not_a_crash (void)
{
  g_auto (Run) r = { 0 };
  GString *json = g_string_new ("{\"format\": \"nnblocks\", \"version\": 1, \"comment\": ");
  g_autofree char *path = NULL;

  for (int d = 0; d < 80000; d++)
    g_string_append_c (json, '[');
  for (int d = 0; d < 80000; d++)
    g_string_append_c (json, ']');
  g_string_append (json, "}\n");
  path = temp_project (json->str);
  g_string_free (json, TRUE);
  cli (&r, "inspect", path, NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_true (g_str_has_prefix (r.err, "nnblocks-cli: This project file is nested too deeply: at line 1, column 112"));
  g_assert_cmpint (count_lines (r.err), ==, 1);
  remove_temp_project (path);
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
  const struct
  {
    const char *file;
    int in_features;
  } examples[] = {
    { "regression.nnb", 1 },
    { "sequential.nnb", 3 },
    { "mlp-residual.nnb", 3 },
    { "sinenet.nnb", 1 },
    { "sine-linear.nnb", 1 },
  };
  g_autofree char *runner = nnb_test_source_path ("tests/reference/torch_forward.py");

  if (!nnb_test_python_has ("torch", NULL))
    {
      nnb_test_missing ("/usr/bin/python3 cannot import torch (apt-get install python3-torch)");
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

/* All of a file descriptor's bytes until end of file. */
static char *
read_to_end (int fd)
{
  GString *text = g_string_new (NULL);
  char buffer[4096];
  gssize n;

  while ((n = read (fd, buffer, sizeof buffer)) > 0)
    g_string_append_len (text, buffer, n);
  close (fd);
  return g_string_free (text, FALSE);
}

/* The parameters of a saved project, as building it keeps them. */
static GPtrArray *
saved_parameters (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbProject) project = nnb_project_load (path, &error);
  g_autoptr (NnbDataset) data = NULL;
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *params;

  g_assert_no_error (error);
  g_assert_true (project->has_weights);
  data = nnb_project_build (project, TRUE, &error);
  g_assert_no_error (error);
  params = nnb_model_named_parameters (project->model);
  for (guint i = 0; i < params->len; i++)
    {
      NnbTensor *value = ((NnbNamedParameter *) params->pdata[i])->param->value;
      float *values = g_new (float, value->numel + 1);

      nnb_tensor_read (value, values + 1);
      values[0] = (float) value->numel; /* the count first, exact below 2²⁴ */
      g_ptr_array_add (out, values);
    }
  return out;
}

static gboolean
same_parameters (GPtrArray *a, GPtrArray *b)
{
  if (a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++)
    {
      const float *x = a->pdata[i], *y = b->pdata[i];
      if (x[0] != y[0] || memcmp (x, y, ((gsize) x[0] + 1) * sizeof (float)) != 0)
        return FALSE;
    }
  return TRUE;
}

/* Ctrl-C during training stops after the current step and still saves -o,
 * with the weights that training reached: training again for exactly the
 * epochs it printed gives the same file's weights, bit for bit, and they
 * are not the initial ones. */
static void
test_ctrl_c_stops_cleanly_and_saves (void)
{
  g_autoptr (GError) error = NULL;
  g_auto (Run) again = { 0 };
  g_auto (Run) initial = { 0 };
  g_autofree char *dir = g_dir_make_tmp ("nnb-cli-XXXXXX", NULL);
  g_autofree char *out = g_build_filename (dir, "stopped.nnb", NULL);
  g_autofree char *out_again = g_build_filename (dir, "again.nnb", NULL);
  g_autofree char *out_initial = g_build_filename (dir, "initial.nnb", NULL);
  g_autofree char *example = nnb_test_source_path ("data/examples/sinenet.nnb");
  const char *argv[] = { g_getenv ("NNB_CLI"), "train", example, "--epochs", "100000000", "--until-loss", "0",
                         "--log-every", "1", "-o", out, NULL };
  g_autofree char *printed = NULL;
  g_autofree char *stderr_text = NULL;
  g_autofree char *epochs_text = NULL;
  g_autoptr (GPtrArray) stopped = NULL;
  g_autoptr (GPtrArray) retrained = NULL;
  g_autoptr (GPtrArray) untrained = NULL;
  const char *last;
  int out_fd, err_fd, last_epoch = -1;
  char first[1];
  GPid pid;
  int status;

  g_assert_true (g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                                           &pid, NULL, &out_fd, &err_fd, &error));
  g_assert_no_error (error);
  /* its stdout is a pipe, so fully buffered: the first byte arrives after
   * a few kilobytes of "epoch N loss …" lines, i.e. after ~180 epochs */
  g_assert_cmpint (read (out_fd, first, 1), ==, 1);
  kill (pid, SIGINT);
  printed = read_to_end (out_fd);
  stderr_text = read_to_end (err_fd);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_spawn_close_pid (pid);
  g_assert_true (WIFEXITED (status));
  /* 128 + SIGINT, as a shell reports a program Ctrl-C stopped */
  g_assert_cmpint (WEXITSTATUS (status), ==, 130);
  g_assert_true (g_file_test (out, G_FILE_TEST_EXISTS));

  /* the epochs it ran, as it printed them and as it said on stopping */
  last = g_strrstr (printed, "epoch ");
  g_assert_nonnull (last);
  g_assert_cmpint (sscanf (last, "epoch %d", &last_epoch), ==, 1);
  g_assert_cmpint (last_epoch, >, 0);
  {
    g_autofree char *said = g_strdup_printf ("nnblocks-cli: interrupted after epoch %d\n", last_epoch);
    g_assert_nonnull (strstr (stderr_text, said));
  }

  epochs_text = g_strdup_printf ("%d", last_epoch + 1);
  cli (&again, "train", example, "--epochs", epochs_text, "--until-loss", "0", "--log-every", "1", "-o", out_again, NULL);
  g_assert_cmpint (again.status, ==, 0);
  cli (&initial, "train", example, "--epochs", "0", "--until-loss", "0", "--log-every", "0", "-o", out_initial, NULL);
  g_assert_cmpint (initial.status, ==, 0);
  /* the same losses printed (the byte read first is the 'e' of "epoch") */
  g_assert_cmpint (first[0], ==, again.out[0]);
  g_assert_cmpstr (again.out + 1, ==, printed);

  stopped = saved_parameters (out);
  retrained = saved_parameters (out_again);
  untrained = saved_parameters (out_initial);
  g_assert_true (same_parameters (stopped, retrained));
  g_assert_false (same_parameters (stopped, untrained));

  g_unlink (out);
  g_unlink (out_again);
  g_unlink (out_initial);
  g_rmdir (dir);
}

/* Linear(150000, 1000): its 600 MB weight fits under a 1 GB address
 * space, its gradient does not. PyTorch's allocator message, exit 1, no
 * abort. */
static void
test_out_of_memory_is_a_message_not_a_crash (void)
{
  g_autofree char *example = nnb_test_source_path ("data/examples/regression.nnb");
  g_autofree char *text = NULL;
  g_autofree char *path = NULL;
  g_autofree char *script = NULL;
  g_auto (Run) r = { 0 };
  const char *argv[] = { "/bin/sh", "-c", NULL, NULL };

#ifdef NNB_UNDER_ASAN
  /* AddressSanitizer reserves terabytes of shadow memory, which ulimit -v
   * forbids: the CLI could not even start */
  g_test_skip ("ulimit -v and AddressSanitizer exclude each other");
  return;
#endif
  g_assert_true (g_file_get_contents (example, &text, NULL, NULL));
  {
    g_autoptr (GString) json = g_string_new (text);
    g_assert_cmpint (g_string_replace (json, "\"in_features\": 1, \"out_features\": 1",
                                       "\"in_features\": 150000, \"out_features\": 1000", 1),
                     ==, 1);
    path = temp_project (json->str);
  }
  script = g_strdup_printf ("ulimit -v 1000000; exec \"$NNB_CLI\" train '%s'", path);
  argv[2] = script;
  r.status = nnb_test_run (argv, &r.out, &r.err);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "DefaultCPUAllocator: can't allocate memory: you tried to allocate 600000000 bytes."));
  g_assert_cmpint (count_lines (r.err), ==, 1);
  remove_temp_project (path);
}

/* lr 10 on the regression: the loss is inf at epoch 14 and the last step
 * leaves nan weights. -o still writes the last finite ones, and no
 * "learned: y = -nanx + -nan" is printed. */
static void
test_divergence_in_the_last_epoch_keeps_the_output (void)
{
  g_autofree char *dir = g_dir_make_tmp ("nnb-cli-XXXXXX", NULL);
  g_autofree char *out = g_build_filename (dir, "diverged.nnb", NULL);
  g_auto (Run) r = { 0 };
  g_auto (Run) again = { 0 };

  cli (&r, "train", "@regression.nnb", "--lr", "10", "--epochs", "15", "-o", out, NULL);
  g_assert_cmpint (r.status, ==, 3);
  g_assert_null (strstr (r.out, "learned"));
  g_assert_nonnull (strstr (r.err, "Training diverged at epoch 14"));
  g_assert_nonnull (strstr (r.err, "for example 1.\n"));
  g_assert_true (g_file_test (out, G_FILE_TEST_EXISTS));
  /* the file loads, with weights that are numbers */
  cli (&again, "train", out, "--epochs", "0", NULL);
  g_assert_cmpint (again.status, ==, 0);
  g_assert_true (g_str_has_prefix (again.out, "learned: y = "));
  g_assert_null (strstr (again.out, "nan"));
  g_assert_null (strstr (again.out, "inf"));
  g_unlink (out);
  g_rmdir (dir);
}

/* --epochs 0 runs no epoch, so there is no final loss (it read "nan");
 * lr 1e30 advises a rate that might work, written readably (it was
 * "5e+29", which diverges as well). */
static void
test_no_epoch_no_loss_and_readable_advice (void)
{
  g_auto (Run) r = { 0 };

  cli (&r, "train", "@regression.nnb", "--epochs", "0", "--until-loss", "1", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_null (strstr (r.out, "final loss"));
  g_assert_null (strstr (r.out, "nan"));
  run_clear (&r);
  cli (&r, "train", "@regression.nnb", "--lr", "1e30", "--epochs", "3", NULL);
  g_assert_cmpint (r.status, ==, 3);
  g_assert_nonnull (strstr (r.err, "Try a smaller learning rate, for example 1e29.\n"));
  g_assert_null (strstr (r.out, "nan"));
}

/* A 100 KB command name is quoted in a short piece, not whole. */
static void
test_unknown_command_is_quoted_short (void)
{
  g_autofree char *command = g_strnfill (100000, 'x');
  g_auto (Run) r = { 0 };

  cli (&r, command, NULL);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_true (g_str_has_prefix (r.err, "nnblocks-cli: unknown command 'xxx"));
  g_assert_cmpint (strcspn (r.err, "\n"), <, 100);
  g_assert_cmpint (strlen (r.err), <, 5000);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli/inspect-prints-the-pages-parameter-table", test_inspect_prints_the_pages_parameter_table);
  g_test_add_func ("/cli/inspect-sinenet-counts-4353", test_inspect_sinenet_counts_4353);
  g_test_add_func ("/cli/data-prints-shapes-columns-and-first-rows", test_data_prints_shapes_columns_and_first_rows);
  g_test_add_func ("/cli/data-names-a-csvs-chosen-columns", test_data_names_a_csvs_chosen_columns);
  g_test_add_func ("/cli/trace-prints-the-hook-lines", test_trace_prints_the_hook_lines);
  g_test_add_func ("/cli/trace-shows-an-empty-sequential", test_trace_shows_an_empty_sequential);
  g_test_add_func ("/cli/train-without-a-parameter-in-forward-gives-pytorchs-error",
                   test_train_without_a_parameter_in_forward_gives_pytorchs_error);
  g_test_add_func ("/cli/module-named-forward-is-refused", test_module_named_forward_is_refused);
  g_test_add_func ("/cli/train-warns-once-per-batch-shape", test_train_warns_once_per_batch_shape);
  g_test_add_func ("/cli/train-refuses-a-model-that-cannot-take-the-data",
                   test_train_refuses_a_model_that_cannot_take_the_data);
  g_test_add_func ("/cli/forward-prints-one-row-per-input-row", test_forward_prints_one_row_per_input_row);
  g_test_add_func ("/cli/train-writes-the-trained-project", test_train_writes_the_trained_project);
  g_test_add_func ("/cli/bad-usage-exits-2-and-bad-input-exits-1", test_bad_usage_exits_2_and_bad_input_exits_1);
  g_test_add_func ("/cli/train-refuses-more-epochs-than-a-project-holds",
                   test_train_refuses_more_epochs_than_a_project_holds);
  g_test_add_func ("/cli/deeply-nested-project-is-refused-not-a-crash",
                   test_deeply_nested_project_is_refused_not_a_crash);
  g_test_add_func ("/cli/every-command-has-help", test_every_command_has_help);
  g_test_add_func ("/cli/devices-lists-the-cpu-first", test_devices_lists_the_cpu_first);
  g_test_add_func ("/cli/ctrl-c-stops-cleanly-and-saves", test_ctrl_c_stops_cleanly_and_saves);
  g_test_add_func ("/cli/out-of-memory-is-a-message-not-a-crash", test_out_of_memory_is_a_message_not_a_crash);
  g_test_add_func ("/cli/divergence-in-the-last-epoch-keeps-the-output",
                   test_divergence_in_the_last_epoch_keeps_the_output);
  g_test_add_func ("/cli/no-epoch-no-loss-and-readable-advice", test_no_epoch_no_loss_and_readable_advice);
  g_test_add_func ("/cli/unknown-command-is-quoted-short", test_unknown_command_is_quoted_short);
  g_test_add_func ("/cli/every-example-runs-the-same-in-pytorch", test_every_example_runs_the_same_in_pytorch);
  return g_test_run ();
}
