/* test-live-torch.c — random projects, trained by nnblocks-cli and by real
 * PyTorch (tests/reference/nnb_torch.py), must agree: the initial weights
 * bit for bit, then after one and ten epochs to float32 rounding. Skips
 * when /usr/bin/python3 has no torch. The seed of g_test picks the cases:
 * rerun a failure with --seed as printed. */
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include "nnb-project.h"
#include "nnb-test-util.h"

#define N_CASES 6

static const char *const activations[] = { "ReLU", "Tanh", "Sigmoid", "GELU", "LeakyReLU", "Identity" };

static void
append_module (GString *json, const char *name, const char *type, int in, int out)
{
  g_string_append_printf (json, "{%s%s%s\"type\": \"%s\"", name ? "\"name\": \"" : "", name ? name : "",
                          name ? "\", " : "", type);
  if (g_str_equal (type, "Linear"))
    g_string_append_printf (json, ", \"in_features\": %d, \"out_features\": %d, \"bias\": %s", in, out,
                            g_test_rand_int_range (0, 4) ? "true" : "false");
  g_string_append (json, "}");
}

/* A chain inside nn.Sequential, or the page's MLP shape with a skip
 * connection and one activation module called twice. */
static char *
random_project (void)
{
  GString *json = g_string_new ("{\"format\": \"nnblocks\", \"version\": 1, \"model\": ");
  gboolean three_inputs = g_test_rand_bit ();
  int in = three_inputs ? 3 : 1;
  int hidden = g_test_rand_int_range (2, 24);
  const char *act = activations[g_test_rand_int_range (0, G_N_ELEMENTS (activations))];
  int n = g_test_rand_int_range (16, 120);
  gboolean adam = g_test_rand_int_range (0, 3) == 0;

  if (g_test_rand_bit ())
    {
      g_string_append (json, "{\"class\": \"Net\", \"modules\": [{\"name\": \"net\", \"type\": \"Sequential\", \"children\": [");
      append_module (json, NULL, "Linear", in, hidden);
      g_string_append (json, ", ");
      append_module (json, NULL, act, 0, 0);
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
      append_module (json, "act", act, 0, 0);
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
  if (g_test_rand_bit ())
    g_string_append_printf (json, ", \"init\": {\"weight\": \"%s\", \"bias\": \"zeros_\", \"seed\": %u}",
                            g_test_rand_bit () ? "xavier_uniform_" : "kaiming_normal_", g_test_rand_int_range (0, 1000));
  if (three_inputs)
    g_string_append_printf (json, ", \"data\": {\"kind\": \"sine-product\", \"n\": %d}", n);
  else
    /* x in [0, 1): with the page's x up to 10, these random learning rates
     * make small-batch training chaotic, and chaos turns the last bits of
     * two correct engines into different trajectories within ten epochs */
    g_string_append_printf (json, ", \"data\": {\"kind\": \"%s\", \"n\": %d, \"noise\": 0.1, \"x_max\": 1}",
                            g_test_rand_bit () ? "sine" : "line", n);
  g_string_append_printf (json, ", \"training\": {\"optimizer\": \"%s\", \"lr\": %g, \"loss\": \"%s\", "
                                "\"epochs\": 10, \"batch_size\": %d, \"log_every\": 0",
                          adam ? "Adam" : "SGD", adam ? 0.01 : 0.02, g_test_rand_bit () ? "MSELoss" : "L1Loss",
                          g_test_rand_bit () ? 0 : g_test_rand_int_range (4, 16));
  if (!adam && g_test_rand_bit ())
    g_string_append (json, ", \"momentum\": 0.9, \"nesterov\": true");
  g_string_append (json, "}}\n");
  return g_string_free (json, FALSE);
}

/* Parameters of a project nnblocks-cli trained for `epochs`. */
static NnbProject *
train_with_cli (const char *project_path, const char *dir, int epochs)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *out = g_strdup_printf ("%s/trained-%d.nnb", dir, epochs);
  g_autofree char *epochs_text = g_strdup_printf ("%d", epochs);
  g_autofree char *stdout_text = NULL;
  g_autofree char *stderr_text = NULL;
  const char *argv[] = { g_getenv ("NNB_CLI"), "train", project_path, "--epochs", epochs_text, "-o", out, NULL };
  NnbProject *project;
  int status = nnb_test_run (argv, &stdout_text, &stderr_text);
  g_autoptr (NnbDataset) data = NULL;

  if (status != 0)
    g_error ("nnblocks-cli train failed (%d): %s", status, stderr_text);
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

static void
test_random_projects_train_like_pytorch (void)
{
  g_autofree char *script = nnb_test_source_path ("tests/reference/nnb_torch.py");

  if (!nnb_test_python_has ("torch", NULL))
    {
      g_test_skip ("/usr/bin/python3 cannot import torch (apt-get install python3-torch)");
      return;
    }
  for (int c = 0; c < N_CASES; c++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *dir = g_dir_make_tmp ("nnb-live-XXXXXX", NULL);
      g_autofree char *path = g_build_filename (dir, "case.nnb", NULL);
      g_autofree char *json = random_project ();
      g_autofree char *torch_out = NULL;
      g_autofree char *torch_err = NULL;
      g_autoptr (JsonParser) parser = json_parser_new ();
      const char *argv[] = { "/usr/bin/python3", script, path, "0,1,10", NULL };
      JsonObject *snapshots;

      g_test_message ("case %d: %s", c, json);
      g_assert_true (g_file_set_contents (path, json, -1, NULL));
      if (nnb_test_run (argv, &torch_out, &torch_err) != 0)
        g_error ("nnb_torch.py failed: %s", torch_err);
      g_assert_true (json_parser_load_from_data (parser, torch_out, -1, &error));
      if (json_object_has_member (json_node_get_object (json_parser_get_root (parser)), "diverged"))
        {
          /* a random learning rate can be too large for a random model: the
           * lesson tests cover divergence; nothing to compare here */
          g_test_message ("case %d diverged in PyTorch; skipped", c);
          g_unlink (path);
          g_rmdir (dir);
          continue;
        }
      snapshots = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)), "snapshots");

      {
        g_autoptr (NnbProject) initial = train_with_cli (path, dir, 0);
        g_autoptr (NnbProject) one = train_with_cli (path, dir, 1);
        g_autoptr (NnbProject) ten = train_with_cli (path, dir, 10);
        /* the same seed gives the same bits; training then differs only by
         * the order of float32 sums inside BLAS */
        /* Adam divides each gradient by its own running size, so a weight
         * whose gradient is near zero moves by up to lr whatever the
         * gradient's last bits are: an ulp of difference there (GELU's erf,
         * a BLAS sum) becomes a step of a small fraction of lr. */
        double floor_one = initial->training.optimizer.kind == NNB_OPTIMIZER_ADAM
                             ? MAX (1e-6, initial->training.optimizer.lr * 1e-3) : 1e-6;

        compare (initial, json_object_get_object_member (snapshots, "0"), 0, 0, "initial weights");
        compare (one, json_object_get_object_member (snapshots, "1"), 1e-5, floor_one, "after one epoch");
        compare (ten, json_object_get_object_member (snapshots, "10"), 1e-3, MAX (1e-5, floor_one),
                 "after ten epochs");
      }
      g_unlink (path);
      g_rmdir (dir);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/live/random-projects-train-like-pytorch", test_random_projects_train_like_pytorch);
  return g_test_run ();
}
