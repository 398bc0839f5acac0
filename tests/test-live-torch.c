/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-live-torch.c — random projects, trained by nnblocks-cli and by real
 * PyTorch (tests/reference/nnb_torch.py), must agree: the initial weights
 * bit for bit, then after one and ten epochs to float32 rounding, and every
 * epoch's printed loss. The cases cover every data kind (a CSV written to
 * a temporary folder included) and random weight and bias inits. A case
 * whose loss becomes nan must do so in both at the same epoch, and at most
 * one case in six may. Softmax and LogSoftmax heads train on three classes
 * of their own. Skips when /usr/bin/python3 has no torch. The seed
 * of g_test picks the cases: rerun a failure with --seed as printed. */
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include "nnb-project.h"
#include "nnb-test-util.h"

#define N_CASES 6
/* a random model with a random learning rate may blow up; this many may */
#define MAX_DIVERGED 1

/* with LayerNorm, which keeps the shape too: it stands where an activation would */
static const char *const activations[] = { "ReLU", "Tanh", "Sigmoid", "GELU", "LeakyReLU", "Identity", "LayerNorm" };
/* every data kind of docs/file-format.md; each run uses all of them */
static const char *const data_kinds[] = { "line", "sine", "polynomial", "step", "sine-product", "csv" };
G_STATIC_ASSERT (G_N_ELEMENTS (data_kinds) == N_CASES);
static const char *const weight_inits[] = { "default", "xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_" };
static const char *const bias_inits[] = { "default", "zeros_", "ones_", "normal_", "uniform_" };

static void
append_module (GString *json, const char *name, const char *type, int in, int out)
{
  g_string_append_printf (json, "{%s%s%s\"type\": \"%s\"", name ? "\"name\": \"" : "", name ? name : "",
                          name ? "\", " : "", type);
  if (g_str_equal (type, "Linear"))
    g_string_append_printf (json, ", \"in_features\": %d, \"out_features\": %d, \"bias\": %s", in, out,
                            g_test_rand_int_range (0, 4) ? "true" : "false");
  /* in: the width it normalises */
  if (g_str_equal (type, "LayerNorm"))
    g_string_append_printf (json, ", \"normalized_shape\": %d%s", in, g_test_rand_bit () ? ", \"eps\": 0.001" : "");
  g_string_append (json, "}");
}

/* A chain inside nn.Sequential, or the page's MLP shape with a skip
 * connection and one activation module called twice. */
static char *
random_project (const char *kind, const char *dir)
{
  GString *json = g_string_new ("{\"format\": \"nnblocks\", \"version\": 1, \"model\": ");
  gboolean csv = g_str_equal (kind, "csv");
  int in = g_str_equal (kind, "sine-product") ? 3 : csv ? 2
                                                        : 1;
  int hidden = g_test_rand_int_range (2, 24);
  const char *act = activations[g_test_rand_int_range (0, G_N_ELEMENTS (activations))];
  /* LayerNorm over two numbers gives ±1 whatever they are: the gradient
   * through it is rounding noise, which Adam turns into steps of lr, and
   * no two implementations agree there (a CI run: 1.1e-4 apart after one
   * epoch). From three numbers on it has a real gradient. */
  if (g_str_equal (act, "LayerNorm"))
    hidden = MAX (hidden, 3);
  int n = g_test_rand_int_range (16, 120);
  gboolean adam = g_test_rand_int_range (0, 3) == 0;

  if (g_test_rand_bit ())
    {
      g_string_append (json, "{\"class\": \"Net\", \"modules\": [{\"name\": \"net\", \"type\": \"Sequential\", \"children\": [");
      append_module (json, NULL, "Linear", in, hidden);
      g_string_append (json, ", ");
      append_module (json, NULL, act, hidden, hidden);
      g_string_append (json, ", ");
      append_module (json, NULL, "Linear", hidden, 1);
      g_string_append (json, "]}], \"graph\": {\"nodes\": [{\"name\": \"x\", \"op\": \"input\"}, "
                             "{\"name\": \"net\", \"op\": \"call\", \"module\": \"net\", \"inputs\": [\"x\"]}, "
                             "{\"name\": \"out\", \"op\": \"output\", \"inputs\": [\"net\"]}]}}");
    }
  else
    {
      g_string_append (json, "{\"class\": \"MLP\", \"modules\": [");
      append_module (json, "fc1", "Linear", in, hidden);
      g_string_append (json, ", ");
      append_module (json, "fc2", "Linear", hidden, hidden);
      g_string_append (json, ", ");
      append_module (json, "head", "Linear", hidden, 1);
      g_string_append (json, ", ");
      append_module (json, "act", act, hidden, hidden);
      g_string_append (json, "], \"graph\": {\"nodes\": ["
                             "{\"name\": \"x\", \"op\": \"input\"}, "
                             "{\"name\": \"fc1\", \"op\": \"call\", \"module\": \"fc1\", \"inputs\": [\"x\"]}, "
                             "{\"name\": \"act\", \"op\": \"call\", \"module\": \"act\", \"inputs\": [\"fc1\"]}, "
                             "{\"name\": \"fc2\", \"op\": \"call\", \"module\": \"fc2\", \"inputs\": [\"act\"]}, "
                             "{\"name\": \"act_2\", \"op\": \"call\", \"module\": \"act\", \"inputs\": [\"fc2\"]}, "
                             "{\"name\": \"add\", \"op\": \"add\", \"inputs\": [\"act_2\", \"act\"]}, "
                             "{\"name\": \"head\", \"op\": \"call\", \"module\": \"head\", \"inputs\": [\"add\"]}, "
                             "{\"name\": \"out\", \"op\": \"output\", \"inputs\": [\"head\"]}]}}");
    }
  g_string_append_printf (json, ", \"seed\": %u", g_test_rand_int_range (0, 100000));
  if (g_test_rand_bit ())
    g_string_append_printf (json, ", \"model_seed\": %u", g_test_rand_int_range (0, 100000));
  if (g_test_rand_int_range (0, 4) != 0)
    {
      /* both random: model.apply draws each layer's weight, then its bias */
      g_string_append_printf (json, ", \"init\": {\"weight\": \"%s\", \"bias\": \"%s\"",
                              weight_inits[g_test_rand_int_range (0, G_N_ELEMENTS (weight_inits))],
                              bias_inits[g_test_rand_int_range (0, G_N_ELEMENTS (bias_inits))]);
      if (g_test_rand_bit ())
        g_string_append_printf (json, ", \"seed\": %u", g_test_rand_int_range (0, 1000));
      g_string_append (json, "}");
    }
  if (csv)
    {
      /* a CSV beside the project, with a header line: two inputs, a target */
      g_autoptr (GString) table = g_string_new ("# written by test-live-torch\nx1,x2,y\n");
      g_autofree char *path = g_build_filename (dir, "data.csv", NULL);

      for (int r = 0; r < n; r++)
        {
          double a = g_test_rand_double (), b = g_test_rand_double ();
          g_string_append_printf (table, "%.9g,%.9g,%.9g\n", a, b, sin (3 * a) * b + 0.1 * g_test_rand_double ());
        }
      g_assert_true (g_file_set_contents (path, table->str, -1, NULL));
      g_string_append (json, ", \"data\": {\"kind\": \"csv\", \"path\": \"data.csv\"}");
    }
  else if (g_str_equal (kind, "sine-product"))
    g_string_append_printf (json, ", \"data\": {\"kind\": \"sine-product\", \"n\": %d}", n);
  else
    /* x in [0, 1): with the page's x up to 10, these random learning rates
     * make small-batch training chaotic, and chaos turns the last bits of
     * two correct engines into different trajectories within ten epochs */
    g_string_append_printf (json, ", \"data\": {\"kind\": \"%s\", \"n\": %d, \"noise\": 0.1, \"x_max\": 1}", kind, n);
  g_string_append_printf (json, ", \"training\": {\"optimizer\": \"%s\", \"lr\": %g, \"loss\": \"%s\", "
                                "\"epochs\": 10, \"batch_size\": %d, \"log_every\": 0",
                          adam ? "Adam" : "SGD", adam ? 0.01 : 0.02, g_test_rand_bit () ? "MSELoss" : "L1Loss",
                          g_test_rand_bit () ? 0 : g_test_rand_int_range (4, 16));
  if (!adam && g_test_rand_bit ())
    g_string_append (json, ", \"momentum\": 0.9, \"nesterov\": true");
  g_string_append (json, "}}\n");
  return g_string_free (json, FALSE);
}

/* Parameters of a project nnblocks-cli trained for `epochs`; NULL when
 * its loss became nan (exit status 3). The printed losses, one per epoch,
 * go into losses when it is not NULL. */
static NnbProject *
train_with_cli (const char *project_path, const char *dir, int epochs, GArray *losses)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *out = g_strdup_printf ("%s/trained-%d.nnb", dir, epochs);
  g_autofree char *epochs_text = g_strdup_printf ("%d", epochs);
  g_autofree char *stdout_text = NULL;
  g_autofree char *stderr_text = NULL;
  const char *argv[] = { g_getenv ("NNB_CLI"), "train", project_path, "--epochs", epochs_text,
                         "--log-every", "1", "-o", out, NULL };
  NnbProject *project;
  int status = nnb_test_run (argv, &stdout_text, &stderr_text);
  g_autoptr (NnbDataset) data = NULL;
  g_auto (GStrv) lines = NULL;

  if (status != 0 && status != 3)
    g_error ("nnblocks-cli train failed (%d): %s", status, stderr_text);
  lines = g_strsplit (stdout_text, "\n", -1);
  for (guint i = 0; losses != NULL && lines[i] != NULL; i++)
    {
      int epoch;
      char word[16];

      if (sscanf (lines[i], "epoch %d loss %15s", &epoch, word) == 2)
        {
          double loss = g_ascii_strtod (word, NULL); /* "nan" and "inf" too */

          g_assert_cmpint (epoch, ==, (int) losses->len);
          g_array_append_val (losses, loss);
        }
    }
  if (status == 3)
    {
      g_unlink (out);
      return NULL;
    }
  project = nnb_project_load (out, &error);
  g_assert_no_error (error);
  data = nnb_project_build (project, TRUE, &error);
  g_assert_no_error (error);
  g_unlink (out);
  return project;
}

static void
compare (NnbProject *ours, JsonObject *theirs, double rel, double abs_floor, const char *what)
{
  GPtrArray *params = nnb_model_named_parameters (ours->model);

  g_assert_cmpuint (params->len, ==, json_object_get_size (theirs));
  for (guint i = 0; i < params->len; i++)
    {
      NnbNamedParameter *named = params->pdata[i];
      JsonArray *values = json_object_get_array_member (theirs, named->name);
      g_assert_nonnull (values);
      g_assert_cmpuint (json_array_get_length (values), ==, named->param->value->numel);
      for (guint k = 0; k < json_array_get_length (values); k++)
        {
          double want = json_array_get_double_element (values, k);
          double got = named->param->value->data[k];
          if (fabs (got - want) > MAX (rel * fabs (want), abs_floor))
            g_error ("%s: %s[%u] is %.9g in NN Blocks and %.9g in PyTorch", what, named->name, k, got, want);
        }
    }
}

/* Every printed loss ("epoch k loss 0.1234") is PyTorch's to its four
 * decimals, give or take the drift the weights are allowed */
static void
compare_losses (GArray *ours, JsonArray *theirs)
{
  g_assert_cmpuint (ours->len, ==, json_array_get_length (theirs));
  for (guint e = 0; e < ours->len; e++)
    {
      double want = json_array_get_double_element (theirs, e);
      double got = g_array_index (ours, double, e);

      if (!(fabs (got - want) <= 6e-5 + (e == 0 ? 1e-6 : 1e-3) * fabs (want)))
        g_error ("epoch %u: the loss is %.4f in NN Blocks and %.9g in PyTorch", e, got, want);
    }
}

/* Trains the project at path (json, in dir) with nnblocks-cli and with
 * nnb_torch.py and compares them; TRUE when it diverged in PyTorch (and
 * NN Blocks stopped at the same epoch). */
static gboolean
trains_like_pytorch (const char *path, const char *dir, const char *json)
{
  g_autofree char *script = nnb_test_source_path ("tests/reference/nnb_torch.py");
  g_autoptr (GError) error = NULL;
  g_autofree char *torch_out = NULL;
  g_autofree char *torch_err = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GArray) losses = g_array_new (FALSE, FALSE, sizeof (double));
  const char *argv[] = { "/usr/bin/python3", script, path, "0,1,10", NULL };
  g_autoptr (NnbProject) ten = NULL;
  g_autoptr (NnbProject) initial = NULL;
  g_autoptr (NnbProject) one = NULL;
  JsonObject *root, *snapshots;
  double floor_one;

  g_assert_true (g_file_set_contents (path, json, -1, NULL));
  if (nnb_test_run (argv, &torch_out, &torch_err) != 0)
    g_error ("nnb_torch.py failed: %s", torch_err);
  g_assert_true (json_parser_load_from_data (parser, torch_out, -1, &error));
  root = json_node_get_object (json_parser_get_root (parser));
  ten = train_with_cli (path, dir, 10, losses);
  if (json_object_has_member (root, "diverged"))
    {
      JsonNode *epoch = json_object_get_member (root, "epoch");

      /* the loss became nan (or inf) in PyTorch: NN Blocks stops at
       * the epoch whose loss is nan, and prints it */
      if (epoch != NULL && !JSON_NODE_HOLDS_NULL (epoch))
        {
          g_assert_null (ten);
          g_assert_cmpuint (losses->len, ==, json_node_get_int (epoch) + 1);
          g_assert_true (isnan (g_array_index (losses, double, losses->len - 1)));
        }
      return TRUE;
    }
  initial = train_with_cli (path, dir, 0, NULL);
  one = train_with_cli (path, dir, 1, NULL);
  g_assert_nonnull (ten);
  snapshots = json_object_get_object_member (root, "snapshots");
  /* the same seed gives the same bits; training then differs only by
   * the order of float32 sums inside BLAS */
  /* Adam divides each gradient by its own running size, so a weight
   * whose gradient is near zero moves by up to lr whatever the
   * gradient's last bits are: an ulp of difference there (GELU's erf,
   * a BLAS sum) becomes a step of a small fraction of lr. */
  floor_one = initial->training.optimizer.kind == NNB_OPTIMIZER_ADAM
                ? MAX (1e-6, initial->training.optimizer.lr * 1e-3)
                : 1e-6;

  compare (initial, json_object_get_object_member (snapshots, "0"), 0, 0, "initial weights");
  compare (one, json_object_get_object_member (snapshots, "1"), 1e-5, floor_one, "after one epoch");
  compare (ten, json_object_get_object_member (snapshots, "10"), 1e-3, MAX (1e-5, floor_one), "after ten epochs");
  compare_losses (losses, json_object_get_array_member (root, "losses"));
  return FALSE;
}

static void
test_random_projects_train_like_pytorch (void)
{
  int kind_offset = g_test_rand_int_range (0, N_CASES);
  int diverged = 0;

  if (!nnb_test_python_has ("torch", NULL))
    {
      nnb_test_missing ("/usr/bin/python3 cannot import torch (apt-get install python3-torch)");
      return;
    }
  for (int c = 0; c < N_CASES; c++)
    {
      g_autofree char *dir = g_dir_make_tmp ("nnb-live-XXXXXX", NULL);
      g_autofree char *path = g_build_filename (dir, "case.nnb", NULL);
      g_autofree char *csv = g_build_filename (dir, "data.csv", NULL);
      g_autofree char *json = random_project (data_kinds[(c + kind_offset) % N_CASES], dir);

      g_test_message ("case %d: %s", c, json);
      if (trains_like_pytorch (path, dir, json))
        {
          diverged++;
          g_test_message ("case %d diverged in PyTorch", c);
        }
      g_unlink (csv);
      g_unlink (path);
      g_rmdir (dir);
    }
  /* a test where most cases blow up compares almost nothing */
  g_assert_cmpint (diverged, <=, MAX_DIVERGED);
}

/* A classifier's head: Linear(2, 3) → Softmax(dim=1), and an MLP whose
 * last block is LogSoftmax(dim=-1), each trained with MSELoss on one-hot
 * targets of three classes read from a CSV (2 inputs, 3 targets), with SGD
 * on the full batch and Adam on mini-batches. */
static void
test_softmax_heads_train_like_pytorch (void)
{
  static const char *const models[] = {
    "{\"class\": \"Sequential\", \"modules\": [{\"type\": \"Linear\", \"in_features\": 2, \"out_features\": 3},"
    " {\"type\": \"Softmax\", \"dim\": 1}]}",
    "{\"class\": \"Net\", \"modules\": [{\"name\": \"fc1\", \"type\": \"Linear\", \"in_features\": 2, \"out_features\": 9},"
    " {\"name\": \"act\", \"type\": \"Tanh\"}, {\"name\": \"fc2\", \"type\": \"Linear\", \"in_features\": 9, \"out_features\": 3},"
    " {\"name\": \"log_softmax\", \"type\": \"LogSoftmax\", \"dim\": -1}], \"graph\": {\"nodes\": ["
    "{\"name\": \"x\", \"op\": \"input\"}, {\"name\": \"fc1\", \"op\": \"call\", \"module\": \"fc1\", \"inputs\": [\"x\"]},"
    " {\"name\": \"act\", \"op\": \"call\", \"module\": \"act\", \"inputs\": [\"fc1\"]},"
    " {\"name\": \"fc2\", \"op\": \"call\", \"module\": \"fc2\", \"inputs\": [\"act\"]},"
    " {\"name\": \"log_softmax\", \"op\": \"call\", \"module\": \"log_softmax\", \"inputs\": [\"fc2\"]},"
    " {\"name\": \"out\", \"op\": \"output\", \"inputs\": [\"log_softmax\"]}]}}",
  };
  static const char *const trainings[] = {
    "\"optimizer\": \"SGD\", \"lr\": 0.5, \"epochs\": 10, \"batch_size\": 0",
    "\"optimizer\": \"Adam\", \"lr\": 0.01, \"epochs\": 10, \"batch_size\": 8",
  };

  if (!nnb_test_python_has ("torch", NULL))
    {
      nnb_test_missing ("/usr/bin/python3 cannot import torch (apt-get install python3-torch)");
      return;
    }
  for (guint m = 0; m < G_N_ELEMENTS (models); m++)
    {
      g_autofree char *dir = g_dir_make_tmp ("nnb-live-XXXXXX", NULL);
      g_autofree char *path = g_build_filename (dir, "case.nnb", NULL);
      g_autofree char *csv = g_build_filename (dir, "classes.csv", NULL);
      g_autoptr (GString) table = g_string_new ("x1,x2,c0,c1,c2\n");
      g_autofree char *json = NULL;

      /* the class of a point: which third of the circle its angle is in */
      for (int r = 0; r < 40; r++)
        {
          double a = g_test_rand_double_range (-1, 1), b = g_test_rand_double_range (-1, 1);
          int c = (int) floor ((atan2 (b, a) + G_PI) / (2 * G_PI / 3)) % 3;
          g_string_append_printf (table, "%.9g,%.9g,%d,%d,%d\n", a, b, c == 0, c == 1, c == 2);
        }
      g_assert_true (g_file_set_contents (csv, table->str, -1, NULL));
      json = g_strdup_printf ("{\"format\": \"nnblocks\", \"version\": 1, \"model\": %s, \"seed\": %d,"
                              " \"data\": {\"kind\": \"csv\", \"path\": \"classes.csv\", \"targets\": [\"c0\", \"c1\", \"c2\"]},"
                              " \"training\": {%s, \"loss\": \"MSELoss\", \"log_every\": 0}}\n",
                              models[m], g_test_rand_int_range (0, 1000), trainings[m]);
      g_test_message ("%s", json);
      g_assert_false (trains_like_pytorch (path, dir, json));
      g_unlink (csv);
      g_unlink (path);
      g_rmdir (dir);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/live/random-projects-train-like-pytorch", test_random_projects_train_like_pytorch);
  g_test_add_func ("/live/softmax-heads-train-like-pytorch", test_softmax_heads_train_like_pytorch);
  return g_test_run ();
}
