/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-dropout.c — nn.Dropout(p) draws PyTorch 1.13's masks, bit for bit:
 * for several seeds, shapes (not multiples of a vector's width) and p (0
 * and 1, which draw nothing, and p whose 1/(1 − p) rounds differently in
 * float than in double); eval mode is the identity and draws nothing; bad
 * p gets PyTorch's message; and a 20-epoch training run with two Dropouts,
 * shuffled mini-batches and a test set gives PyTorch's losses and weights,
 * the masks and the shuffles sharing one generator. Golden numbers:
 * tests/reference/make_dropout_golden.py. */
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>
#include "nnb-model.h"
#include "nnb-project.h"
#include "nnb-rng-golden.h"
#include "nnb-rng.h"
#include "nnb-test-util.h"
#include "nnb-training.h"

static JsonObject *
golden (void)
{
  return nnb_test_golden ("data/dropout-golden.json");
}

/* A tensor from a run of 8-hex-digit float32 bit patterns */
static NnbTensor *
tensor_of_bits (JsonArray *shape, const char *hex)
{
  int64_t dims[NNB_MAX_DIMS];
  guint ndim = json_array_get_length (shape);
  NnbTensor *t;

  for (guint d = 0; d < ndim; d++)
    dims[d] = json_array_get_int_element (shape, d);
  t = nnb_tensor_new ((int) ndim, dims, nnb_device_cpu (), NULL);
  g_assert_cmpuint (nnb_rng_golden_count (hex), ==, (gsize) t->numel);
  for (int64_t i = 0; i < t->numel; i++)
    t->data[i] = nnb_rng_golden_float (nnb_rng_golden_word (hex + 8 * i));
  return t;
}

/* What the generator gives next: rand(1) */
static void
assert_after (NnbGenerator *gen, JsonObject *c)
{
  float next;

  nnb_rng_uniform (gen, &next, 1, 0.0, 1.0);
  nnb_rng_golden_assert_bits ("after: rand(1)", &next, 1, json_object_get_string_member (c, "after"));
}

static NnbModel *
dropout_model (double p)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbModule) drop = nnb_dropout_new (p, &error);

  g_assert_no_error (error);
  return nnb_model_new_sequential (&drop, 1);
}

/* torch.manual_seed(seed); nn.Dropout(p)(x) in train mode, through the
 * model, then the same mask's gradient dX = dY · noise */
static void
test_mask_is_pytorchs (gconstpointer data)
{
  JsonObject *c = (JsonObject *) data;
  JsonArray *shape = json_object_get_array_member (c, "shape");
  double p = json_object_get_double_member (c, "p");
  guint64 seed = (guint64) json_object_get_int_member (c, "seed");
  g_autoptr (NnbTensor) x = tensor_of_bits (shape, json_object_get_string_member (c, "x"));
  g_autoptr (NnbTensor) g = tensor_of_bits (shape, json_object_get_string_member (c, "grad_output"));
  g_autoptr (NnbModel) model = dropout_model (p);
  g_autofree NnbGenerator *gen = nnb_generator_new (seed);
  g_autofree NnbGenerator *again = nnb_generator_new (seed);
  g_autofree float *mask = g_new (float, x->numel);
  g_autofree float *dx = g_new (float, x->numel);
  g_autoptr (GError) error = NULL;
  NnbTensor *y;

  g_assert_true (model->training);
  nnb_model_set_generator (model, gen);
  y = nnb_model_forward (model, x, &error);
  g_assert_no_error (error);
  nnb_rng_golden_assert_bits ("y", y->data, y->numel, json_object_get_string_member (c, "y"));
  assert_after (gen, c);

  nnb_rng_dropout_mask (again, mask, x->numel, p);
  nnb_backend_cpu ()->mul (g->data, mask, dx, x->numel);
  nnb_rng_golden_assert_bits ("x.grad", dx, x->numel, json_object_get_string_member (c, "grad_input"));
}

/* model.eval(): y is x, and the generator is where it was */
static void
test_eval_mode_is_identity (void)
{
  JsonObject *c = json_object_get_object_member (golden (), "eval");
  g_autoptr (JsonArray) shape = json_array_new ();
  g_autoptr (NnbTensor) x = NULL;
  g_autoptr (NnbModel) model = dropout_model (0.5);
  g_autofree NnbGenerator *gen = nnb_generator_new ((guint64) json_object_get_int_member (c, "seed"));
  g_autoptr (GError) error = NULL;
  float drawn[15];
  NnbTensor *y;

  json_array_add_int_element (shape, 5);
  json_array_add_int_element (shape, 3);
  x = tensor_of_bits (shape, json_object_get_string_member (c, "x"));
  /* the golden's x is randn(5, 3) right after the seed */
  nnb_rng_normal (gen, drawn, 15, 0.0, 1.0);
  nnb_model_set_generator (model, gen);
  nnb_model_eval (model);
  g_assert_false (model->training);
  y = nnb_model_forward (model, x, &error);
  g_assert_no_error (error);
  nnb_rng_golden_assert_bits ("eval y", y->data, y->numel, json_object_get_string_member (c, "y"));
  assert_after (gen, c);
}

static void
test_bad_p_gets_pytorchs_message (void)
{
  JsonObject *messages = json_object_get_object_member (golden (), "messages");
  JsonArray *reprs = json_object_get_array_member (messages, "repr");
  const double bad[] = { 1.5, -0.1, 2.0 };
  const char *const keys[] = { "1.5", "-0.1", "2.0" };
  const double good[] = { 0.5, 0.25, 0.0 };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;

      g_assert_null (nnb_dropout_new (bad[i], &error));
      g_assert_error (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT);
      g_assert_cmpstr (error->message, ==, json_object_get_string_member (messages, keys[i]));
    }
  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr (NnbModule) drop = nnb_dropout_new (good[i], NULL);
      g_autofree char *repr = nnb_module_repr (drop, 0);

      g_assert_cmpstr (repr, ==, json_array_get_string_element (reprs, i));
    }
  {
    g_autoptr (GError) error = NULL;

    g_assert_null (nnb_dropout_new (NAN, &error));
    g_assert_cmpstr (error->message, ==, "dropout probability has to be between 0 and 1, but got nan");
  }
}

/* 20 epochs of mini-batches: model.train() for the steps, randperm and the
 * masks from one generator, model.eval() for the test loss */
static void
test_training_run_is_pytorchs (void)
{
  JsonObject *run = json_object_get_object_member (golden (), "training");
  JsonObject *params = json_object_get_object_member (run, "parameters");
  g_autofree char *text = json_to_string (json_object_get_member (run, "project"), FALSE);
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbProject) project = nnb_project_load_from_data (text, strlen (text), &error);
  g_autoptr (NnbDataset) dataset = NULL;
  g_autoptr (NnbTraining) training = NULL;
  g_autoptr (GArray) losses = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) test_losses = g_array_new (FALSE, FALSE, sizeof (double));
  GPtrArray *named;
  NnbGenerator shuffle;

  g_assert_no_error (error);
  dataset = nnb_project_build_for_training (project, FALSE, &shuffle, &error);
  g_assert_no_error (error);
  training = nnb_training_new (project->model, dataset, &project->training, &shuffle, &error);
  g_assert_no_error (error);
  for (int e = 0; e < project->training.epochs; e++)
    {
      double loss, test_loss;

      g_assert_true (nnb_training_epoch (training, &loss, &error));
      g_assert_no_error (error);
      /* the epoch leaves the model in eval mode, for the pictures */
      g_assert_false (project->model->training);
      test_loss = nnb_training_get_test_loss (training);
      g_array_append_val (losses, loss);
      g_array_append_val (test_losses, test_loss);
    }
  nnb_test_assert_epoch_doubles ("the loss", json_object_get_array_member (run, "losses"), (double *) losses->data, losses->len);
  nnb_test_assert_epoch_doubles ("the test loss", json_object_get_array_member (run, "test_losses"), (double *) test_losses->data,
                                 test_losses->len);
  named = nnb_model_named_parameters (project->model);
  g_assert_cmpuint (named->len, ==, json_object_get_size (params));
  for (guint i = 0; i < named->len; i++)
    {
      NnbNamedParameter *np = named->pdata[i];
      g_autofree float *host = g_new (float, np->param->value->numel);

      nnb_tensor_read (np->param->value, host);
      nnb_rng_golden_assert_bits (np->name, host, np->param->value->numel,
                                  json_object_get_string_member (params, np->name));
    }
  assert_after (&shuffle, run);
}

/* `nnblocks-cli forward` runs in eval mode unless --train, and says which
 * when the model has a mode-dependent block: eval gives the outputs of the
 * same network without its Dropout (it is the identity there), train mode
 * drops values (the same ones on every run of the same project), and both
 * flags at once are a usage error. */
static char *
write_file (const char *dir, const char *name, const char *text)
{
  char *path = g_build_filename (dir, name, NULL);

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return path;
}

static char *
forward (const char *project, const char *input, const char *mode, int expect_status, char **err)
{
  const char *argv[] = { g_getenv ("NNB_CLI"), "forward", project, "--input", input, mode, NULL };
  char *out = NULL;

  g_assert_cmpint (nnb_test_run (argv, &out, err), ==, expect_status);
  return out;
}

static void
test_cli_forward_modes (void)
{
  static const char with_dropout[] =
    "{\"format\": \"nnblocks\", \"version\": 1, \"model\": {\"class\": \"Sequential\", \"modules\": ["
    "{\"type\": \"Linear\", \"in_features\": 2, \"out_features\": 8}, {\"type\": \"Dropout\", \"p\": 0.5},"
    "{\"type\": \"Linear\", \"in_features\": 8, \"out_features\": 1}]}, \"seed\": 0, \"model_seed\": 1,"
    "\"data\": {\"kind\": \"sine-product\", \"n\": 20}}";
  static const char without[] =
    "{\"format\": \"nnblocks\", \"version\": 1, \"model\": {\"class\": \"Sequential\", \"modules\": ["
    "{\"type\": \"Linear\", \"in_features\": 2, \"out_features\": 8}, {\"type\": \"Identity\"},"
    "{\"type\": \"Linear\", \"in_features\": 8, \"out_features\": 1}]}, \"seed\": 0, \"model_seed\": 1,"
    "\"data\": {\"kind\": \"sine-product\", \"n\": 20}}";
  g_autofree char *dir = g_dir_make_tmp ("nnb-dropout-cli-XXXXXX", NULL);
  g_autofree char *dropout_path = write_file (dir, "dropout.nnb", with_dropout);
  g_autofree char *plain_path = write_file (dir, "plain.nnb", without);
  g_autofree char *input = write_file (dir, "x.csv", "0.5,1\n-1,2\n3,-0.25\n0.1,0.2\n1,1\n-2,-3\n");
  g_autofree char *err_default = NULL, *err_train = NULL, *err_both = NULL;
  g_autofree char *by_default = forward (dropout_path, input, NULL, 0, &err_default);
  g_autofree char *eval = forward (dropout_path, input, "--eval", 0, NULL);
  g_autofree char *plain = forward (plain_path, input, NULL, 0, NULL);
  g_autofree char *train = forward (dropout_path, input, "--train", 0, &err_train);
  g_autofree char *train_again = forward (dropout_path, input, "--train", 0, NULL);
  g_autofree char *both = NULL;
  const char *argv[] = { g_getenv ("NNB_CLI"), "forward", dropout_path, "--input", input, "--train", "--eval", NULL };

  g_assert_cmpstr (err_default, ==, "nnblocks-cli: forward in eval mode (model.eval()); --train for train mode\n");
  g_assert_cmpstr (err_train, ==, "nnblocks-cli: forward in train mode (model.train())\n");
  g_assert_cmpstr (by_default, ==, eval);
  g_assert_cmpstr (eval, ==, plain);
  g_assert_cmpstr (train, !=, eval);
  g_assert_cmpstr (train, ==, train_again);
  g_assert_cmpint (nnb_test_run (argv, &both, &err_both), ==, 2);
  g_assert_cmpstr (err_both, ==, "nnblocks-cli: forward takes --train or --eval, not both\n");
  for (const char *const *path = (const char *const[]){ dropout_path, plain_path, input, NULL }; *path; path++)
    g_remove (*path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  JsonArray *masks;

  g_test_init (&argc, &argv, NULL);
  masks = json_object_get_array_member (golden (), "masks");
  for (guint i = 0; i < json_array_get_length (masks); i++)
    {
      JsonObject *c = json_array_get_object_element (masks, i);
      JsonArray *shape = json_object_get_array_member (c, "shape");
      GString *path = g_string_new (NULL);

      g_string_append_printf (path, "/dropout/mask/seed%" G_GINT64_FORMAT "/p%g/", json_object_get_int_member (c, "seed"),
                              json_object_get_double_member (c, "p"));
      for (guint d = 0; d < json_array_get_length (shape); d++)
        g_string_append_printf (path, "%s%" G_GINT64_FORMAT, d ? "x" : "", json_array_get_int_element (shape, d));
      g_test_add_data_func (path->str, c, test_mask_is_pytorchs);
      g_string_free (path, TRUE);
    }
  g_test_add_func ("/dropout/eval-mode-is-identity", test_eval_mode_is_identity);
  g_test_add_func ("/dropout/bad-p-gets-pytorchs-message", test_bad_p_gets_pytorchs_message);
  g_test_add_func ("/dropout/training-run-is-pytorchs", test_training_run_is_pytorchs);
  g_test_add_func ("/dropout/cli-forward-modes", test_cli_forward_modes);
  return g_test_run ();
}
