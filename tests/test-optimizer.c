/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-optimizer.c — optimizer.step() moves the weights as torch.optim does.
 *
 * tests/reference/make_engine_golden.py ran, in real PyTorch, five steps of
 *
 *     pred = model(X); loss = loss_fn(pred, y)
 *     optimizer.zero_grad(); loss.backward(); optimizer.step()
 *
 * on the page's MLP(3, 16, 1) for each optimizer setting, from fixed initial
 * weights it wrote into tests/data/engine-golden.json together with X, y,
 * every step's loss and the final parameters. Here the engine replays the
 * same runs from the same weights and must land on the same numbers. The
 * same file holds PyTorch's ValueError texts for settings it refuses. */
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "nnb-error.h"
#include "nnb-loss.h"
#include "nnb-model.h"
#include "nnb-optimizer.h"
#include "nnb-test-util.h"

/* Tolerances for the replay. The engine computes every operation in
 * float32 as PyTorch's CPU kernels do: on the machine that wrote the golden
 * file the weight gradients of the first step agree bit for bit (the same
 * OpenBLAS sgemm). A few sums are ordered differently: PyTorch adds a bias
 * gradient's rows with four interleaved accumulators and the loss with a
 * float32 cascade, where the engine goes row by row and sums the loss in
 * double. That is an ulp here and there, which five steps carry forward:
 * the worst seen is 2 ulps on a loss (6e-8) and 7e-9 on a bias near zero,
 * 0.09 of these tolerances (relative 2e-6, about 16–32 ulps, with an
 * absolute floor of 2e-7 for values that pass near zero). That leaves room
 * for another CPU's OpenBLAS kernels, while a wrong formula (a missing bias
 * correction, dampening on the first step, decay added after momentum)
 * moves the numbers by 1e-4 or more. */
#define REPLAY_RTOL 2e-6
#define REPLAY_ATOL 2e-7

static JsonParser *golden_parser;

static JsonObject *
golden (void)
{
  return json_node_get_object (json_parser_get_root (golden_parser));
}

static double
number_member (JsonObject *object, const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  g_assert_nonnull (node);
  /* JSON has no NaN: the script writes it as the string "nan" */
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    {
      g_assert_cmpstr (json_node_get_string (node), ==, "nan");
      return NAN;
    }
  return json_node_get_double (node);
}

/* {"shape": [16, 3], "values": [...]} as a CPU tensor */
static NnbTensor *
tensor_from_json (JsonObject *object)
{
  JsonArray *shape_array = json_object_get_array_member (object, "shape");
  JsonArray *values = json_object_get_array_member (object, "values");
  int64_t shape[NNB_MAX_DIMS];
  int ndim = json_array_get_length (shape_array);
  NnbTensor *tensor;

  g_assert_cmpint (ndim, >=, 1);
  g_assert_cmpint (ndim, <=, NNB_MAX_DIMS);
  for (int i = 0; i < ndim; i++)
    shape[i] = json_array_get_int_element (shape_array, i);
  tensor = nnb_tensor_new_cpu (ndim, shape);
  g_assert_cmpint (json_array_get_length (values), ==, tensor->numel);
  for (int64_t i = 0; i < tensor->numel; i++)
    tensor->data[i] = (float) json_array_get_double_element (values, i);
  return tensor;
}

static void
options_from_json (JsonObject *object, NnbOptimizerOptions *options)
{
  NnbOptimizerKind kind;

  g_assert_true (nnb_optimizer_kind_from_string (json_object_get_string_member (object, "kind"), &kind));
  nnb_optimizer_options_init (options, kind);
  options->lr = number_member (object, "lr");
  options->weight_decay = number_member (object, "weight_decay");
  if (kind == NNB_OPTIMIZER_SGD)
    {
      options->momentum = number_member (object, "momentum");
      options->dampening = number_member (object, "dampening");
      options->nesterov = json_object_get_boolean_member (object, "nesterov");
    }
  else
    {
      options->beta1 = number_member (object, "beta1");
      options->beta2 = number_member (object, "beta2");
      options->eps = number_member (object, "eps");
    }
}

static void
register_linear (NnbModel *model, const char *name, int64_t in, int64_t out)
{
  g_autoptr (GError) error = NULL;
  /* no generator: zero weights, overwritten from the golden file */
  g_autoptr (NnbModule) linear = nnb_linear_new (in, out, TRUE, NULL, &error);

  g_assert_no_error (error);
  nnb_model_register_module (model, name, linear, &error);
  g_assert_no_error (error);
}

/* The page's MLP(3, 16, 1), loaded with the golden initial weights:
 *
 *   h = self.act(self.fc1(x))
 *   h = self.act(self.fc2(h)) + h
 *   return self.head(h) */
static NnbModel *
page_mlp_new (void)
{
  NnbModel *model = nnb_model_new ("MLP");
  g_autoptr (NnbModule) act = nnb_activation_new (NNB_MODULE_RELU);
  g_autoptr (GError) error = NULL;
  JsonObject *init = json_object_get_object_member (golden (), "initial_parameters");
  g_autoptr (GList) names = json_object_get_members (init);
  GPtrArray *params;
  int x, h1, a1, h2, a2, sum, y, out;

  register_linear (model, "fc1", 3, 16);
  register_linear (model, "fc2", 16, 16);
  register_linear (model, "head", 16, 1);
  nnb_model_register_module (model, "act", act, &error);
  g_assert_no_error (error);
  x = nnb_test_node (model, NNB_NODE_INPUT, "x", NULL, -1);
  h1 = nnb_test_node (model, NNB_NODE_CALL, "fc1", "fc1", -1);
  a1 = nnb_test_node (model, NNB_NODE_CALL, "act_1", "act", -1);
  h2 = nnb_test_node (model, NNB_NODE_CALL, "fc2", "fc2", -1);
  a2 = nnb_test_node (model, NNB_NODE_CALL, "act_2", "act", -1);
  sum = nnb_test_node (model, NNB_NODE_ADD, "add", NULL, -1);
  y = nnb_test_node (model, NNB_NODE_CALL, "head", "head", -1);
  out = nnb_test_node (model, NNB_NODE_OUTPUT, "output", NULL, -1);
  nnb_test_connect (model, x, h1, 0);
  nnb_test_connect (model, h1, a1, 0);
  nnb_test_connect (model, a1, h2, 0);
  nnb_test_connect (model, h2, a2, 0);
  nnb_test_connect (model, a2, sum, 0);
  nnb_test_connect (model, a1, sum, 1);
  nnb_test_connect (model, sum, y, 0);
  nnb_test_connect (model, y, out, 0);

  /* the state_dict's keys are named_parameters(), in the same order */
  params = nnb_model_named_parameters (model);
  g_assert_cmpuint (g_list_length (names), ==, params->len);
  for (guint i = 0; i < params->len; i++)
    {
      NnbNamedParameter *named = params->pdata[i];
      g_autoptr (NnbTensor) value = tensor_from_json (json_object_get_object_member (init, named->name));

      g_assert_cmpstr (g_list_nth_data (names, i), ==, named->name);
      g_assert_true (nnb_tensor_same_shape (value, named->param->value));
      nnb_tensor_write (named->param->value, value->data);
    }
  return model;
}

/* How many float32 steps apart two values are (for the messages). */
static gint64
ulps_apart (float a, float b)
{
  gint32 ia, ib;

  memcpy (&ia, &a, sizeof ia);
  memcpy (&ib, &b, sizeof ib);
  if (ia < 0)
    ia = G_MININT32 - ia;
  if (ib < 0)
    ib = G_MININT32 - ib;
  return ABS ((gint64) ia - (gint64) ib);
}

typedef struct
{
  double worst; /* largest |a − b| / (atol + rtol |b|) */
  gint64 max_ulps;
} Agreement;

static void
assert_close (Agreement *agreement, const char *what, gint64 index, float engine, float torch)
{
  double tolerance = REPLAY_ATOL + REPLAY_RTOL * fabs (torch);
  double error = fabs ((double) engine - (double) torch);

  agreement->worst = MAX (agreement->worst, error / tolerance);
  agreement->max_ulps = MAX (agreement->max_ulps, ulps_apart (engine, torch));
  if (!(error <= tolerance))
    g_test_fail_printf ("%s[%" G_GINT64_FORMAT "]: the engine gives %.9g, PyTorch %.9g (%" G_GINT64_FORMAT " ulps apart)",
                        what, index, engine, torch, ulps_apart (engine, torch));
}

/* One golden run: K steps of forward, loss, zero_grad, backward, step. */
static void
test_replay (gconstpointer data)
{
  JsonObject *run = (JsonObject *) data;
  JsonArray *losses = json_object_get_array_member (run, "losses");
  JsonArray *frozen = json_object_get_array_member (run, "frozen");
  JsonObject *final = json_object_get_object_member (run, "final_parameters");
  g_autoptr (NnbModel) model = page_mlp_new ();
  g_autoptr (NnbTensor) x = tensor_from_json (json_object_get_object_member (golden (), "x"));
  g_autoptr (NnbTensor) y = tensor_from_json (json_object_get_object_member (golden (), "y"));
  g_autoptr (GPtrArray) frozen_before = g_ptr_array_new_with_free_func ((GDestroyNotify) nnb_tensor_unref);
  g_autoptr (NnbOptimizer) optimizer = NULL;
  g_autoptr (NnbLoss) loss = NULL;
  g_autoptr (GError) error = NULL;
  NnbOptimizerOptions options;
  NnbLossKind loss_kind;
  GPtrArray *params;
  Agreement agreement = { 0 };

  g_assert_true (nnb_loss_kind_from_string (json_object_get_string_member (run, "loss"), &loss_kind));
  loss = nnb_loss_new (loss_kind);
  options_from_json (json_object_get_object_member (run, "optimizer"), &options);

  /* p.requires_grad_(False) before the optimizer is built, as the script does */
  for (guint i = 0; i < json_array_get_length (frozen); i++)
    {
      NnbParameter *param = nnb_model_get_parameter (model, json_array_get_string_element (frozen, i));
      g_assert_nonnull (param);
      param->requires_grad = FALSE;
      g_ptr_array_add (frozen_before, nnb_tensor_copy (param->value, NULL));
    }

  optimizer = nnb_optimizer_new (model, &options, &error);
  g_assert_no_error (error);

  g_assert_cmpint (json_object_get_int_member (golden (), "steps"), ==, json_array_get_length (losses));
  for (guint step = 0; step < json_array_get_length (losses); step++)
    {
      NnbTensor *pred = nnb_model_forward (model, x, &error);
      double value;

      g_assert_no_error (error);
      nnb_loss_forward (loss, pred, y, &value, &error);
      g_assert_no_error (error);
      nnb_optimizer_zero_grad (optimizer);
      nnb_model_backward (model, nnb_loss_grad (loss), &error);
      g_assert_no_error (error);
      nnb_optimizer_step (optimizer, &error);
      g_assert_no_error (error);

      assert_close (&agreement, "loss at step", step, (float) value,
                    (float) json_array_get_double_element (losses, step));
    }

  params = nnb_model_named_parameters (model);
  g_assert_cmpuint (json_object_get_size (final), ==, params->len);
  for (guint i = 0; i < params->len; i++)
    {
      NnbNamedParameter *named = params->pdata[i];
      g_autoptr (NnbTensor) expected = tensor_from_json (json_object_get_object_member (final, named->name));

      g_assert_true (nnb_tensor_same_shape (expected, named->param->value));
      for (int64_t j = 0; j < expected->numel; j++)
        assert_close (&agreement, named->name, j, named->param->value->data[j], expected->data[j]);
    }

  /* a frozen parameter is left exactly as it was */
  for (guint i = 0; i < json_array_get_length (frozen); i++)
    {
      NnbTensor *now = nnb_model_get_parameter (model, json_array_get_string_element (frozen, i))->value;
      NnbTensor *before = frozen_before->pdata[i];
      g_assert_cmpmem (now->data, now->numel * sizeof (float), before->data, before->numel * sizeof (float));
    }

  g_test_message ("worst difference %.3f of the tolerance, %" G_GINT64_FORMAT " ulps at most",
                  agreement.worst, agreement.max_ulps);
}

/* SGD(…, lr=-0.1) and friends raise ValueError in PyTorch; the engine
 * refuses the same settings with the same sentence. */
static void
test_invalid_options_give_pytorch_errors (void)
{
  JsonArray *cases = json_object_get_array_member (golden (), "invalid_options");
  g_autoptr (NnbModel) model = page_mlp_new ();

  g_assert_cmpuint (json_array_get_length (cases), >, 0);
  for (guint i = 0; i < json_array_get_length (cases); i++)
    {
      JsonObject *c = json_array_get_object_element (cases, i);
      g_autoptr (GError) error = NULL;
      g_autoptr (NnbOptimizer) optimizer = NULL;
      NnbOptimizerOptions options;

      options_from_json (json_object_get_object_member (c, "optimizer"), &options);
      optimizer = nnb_optimizer_new (model, &options, &error);
      g_assert_null (optimizer);
      g_assert_error (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT);
      g_assert_cmpstr (error->message, ==, json_object_get_string_member (c, "message"));
    }
}

/* PyTorch 1.13's SGD checks `lr < 0.0`, which lets NaN through (and every
 * weight becomes NaN at the first step); Adam's `not 0.0 <= lr` refuses it.
 * The engine refuses a NaN learning rate for both, with Adam's sentence. */
static void
test_nan_learning_rate_is_refused (void)
{
  g_autoptr (NnbModel) model = page_mlp_new ();
  NnbOptimizerKind kinds[] = { NNB_OPTIMIZER_SGD, NNB_OPTIMIZER_ADAM };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (NnbOptimizer) optimizer = NULL;
      NnbOptimizerOptions options;

      nnb_optimizer_options_init (&options, kinds[i]);
      options.lr = NAN;
      optimizer = nnb_optimizer_new (model, &options, &error);
      g_assert_null (optimizer);
      g_assert_error (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT);
      g_assert_cmpstr (error->message, ==, "Invalid learning rate: nan");
    }
}

/* Edge values PyTorch accepts: lr=0, and momentum 0 with dampening. */
static void
test_boundary_options_are_accepted (void)
{
  g_autoptr (NnbModel) model = page_mlp_new ();
  NnbOptimizerOptions options;
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbOptimizer) sgd = NULL;
  g_autoptr (NnbOptimizer) adam = NULL;

  nnb_optimizer_options_init (&options, NNB_OPTIMIZER_SGD);
  options.lr = 0.0;
  options.dampening = 0.5;
  sgd = nnb_optimizer_new (model, &options, &error);
  g_assert_no_error (error);

  nnb_optimizer_options_init (&options, NNB_OPTIMIZER_ADAM);
  options.beta1 = 0.0;
  options.eps = 0.0;
  adam = nnb_optimizer_new (model, &options, &error);
  g_assert_no_error (error);
}

/* model.fc1.weight.requires_grad_(False): step() leaves it untouched, even
 * under weight decay and momentum, which would move a parameter whose
 * gradient is merely zero; the others still train. */
static void
test_frozen_parameter_is_not_updated (void)
{
  NnbOptimizerKind kinds[] = { NNB_OPTIMIZER_SGD, NNB_OPTIMIZER_ADAM };

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      g_autoptr (NnbModel) model = page_mlp_new ();
      g_autoptr (NnbTensor) x = tensor_from_json (json_object_get_object_member (golden (), "x"));
      g_autoptr (NnbTensor) y = tensor_from_json (json_object_get_object_member (golden (), "y"));
      g_autoptr (NnbLoss) loss = nnb_loss_new (NNB_LOSS_MSE);
      g_autoptr (NnbOptimizer) optimizer = NULL;
      g_autoptr (GError) error = NULL;
      NnbParameter *frozen = nnb_model_get_parameter (model, "fc1.weight");
      NnbParameter *trained = nnb_model_get_parameter (model, "fc1.bias");
      g_autoptr (NnbTensor) frozen_before = nnb_tensor_copy (frozen->value, NULL);
      g_autoptr (NnbTensor) trained_before = nnb_tensor_copy (trained->value, NULL);
      NnbOptimizerOptions options;

      nnb_optimizer_options_init (&options, kinds[k]);
      options.lr = 0.05;
      options.weight_decay = 0.1;
      options.momentum = kinds[k] == NNB_OPTIMIZER_SGD ? 0.9 : 0.0;
      frozen->requires_grad = FALSE;
      optimizer = nnb_optimizer_new (model, &options, &error);
      g_assert_no_error (error);

      for (int step = 0; step < 3; step++)
        {
          double value;
          NnbTensor *pred = nnb_model_forward (model, x, &error);
          g_assert_no_error (error);
          nnb_loss_forward (loss, pred, y, &value, &error);
          g_assert_no_error (error);
          nnb_optimizer_zero_grad (optimizer);
          nnb_model_backward (model, nnb_loss_grad (loss), &error);
          g_assert_no_error (error);
          nnb_optimizer_step (optimizer, &error);
          g_assert_no_error (error);
        }

      g_assert_cmpmem (frozen->value->data, frozen->value->numel * sizeof (float),
                       frozen_before->data, frozen_before->numel * sizeof (float));
      g_assert_true (memcmp (trained->value->data, trained_before->data,
                             trained->value->numel * sizeof (float)) != 0);
    }
}

/* tests/reference/edge_cases.py, case 1: a module registered in __init__
 * but never called by forward keeps .grad None (zero_grad defaults to
 * set_to_none=False in 1.13, which leaves a None grad None), and SGD and
 * Adam skip a parameter whose .grad is None, weight_decay or not: PyTorch
 * prints "fc2 unchanged after 5 epochs: True" for SGD, SGD with momentum
 * and Adam. */
static void
test_weight_decay_leaves_a_module_forward_never_calls_alone (void)
{
  NnbOptimizerKind kinds[] = { NNB_OPTIMIZER_SGD, NNB_OPTIMIZER_SGD, NNB_OPTIMIZER_ADAM };
  double momenta[] = { 0.0, 0.9, 0.0 };

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      g_autoptr (NnbModel) model = nnb_test_page_mlp ();
      g_autoptr (NnbTensor) x = tensor_from_json (json_object_get_object_member (golden (), "x"));
      g_autoptr (NnbTensor) y = tensor_from_json (json_object_get_object_member (golden (), "y"));
      g_autoptr (NnbLoss) loss = nnb_loss_new (NNB_LOSS_MSE);
      g_autoptr (NnbOptimizer) optimizer = NULL;
      g_autoptr (NnbTensor) spare_before = NULL;
      g_autoptr (GError) error = NULL;
      NnbParameter *spare, *head;
      g_autoptr (NnbTensor) head_before = NULL;
      NnbOptimizerOptions options;

      nnb_test_register (model, "spare", nnb_test_linear (16, 16, TRUE));
      nnb_test_fill_parameters (model, 0.3);
      spare = nnb_model_get_parameter (model, "spare.weight");
      head = nnb_model_get_parameter (model, "head.weight");
      spare_before = nnb_tensor_copy (spare->value, NULL);
      head_before = nnb_tensor_copy (head->value, NULL);
      nnb_optimizer_options_init (&options, kinds[k]);
      options.lr = 0.1;
      options.weight_decay = 0.5;
      options.momentum = momenta[k];
      optimizer = nnb_optimizer_new (model, &options, &error);
      g_assert_no_error (error);

      for (int epoch = 0; epoch < 5; epoch++)
        {
          double value;
          NnbTensor *pred = nnb_model_forward (model, x, &error);
          g_assert_no_error (error);
          nnb_loss_forward (loss, pred, y, &value, &error);
          g_assert_no_error (error);
          nnb_optimizer_zero_grad (optimizer);
          nnb_model_backward (model, nnb_loss_grad (loss), &error);
          g_assert_no_error (error);
          nnb_optimizer_step (optimizer, &error);
          g_assert_no_error (error);
        }

      g_assert_cmpmem (spare->value->data, spare->value->numel * sizeof (float),
                       spare_before->data, spare_before->numel * sizeof (float));
      g_assert_true (memcmp (head->value->data, head_before->data, head->value->numel * sizeof (float)) != 0);
    }
}

int
main (int argc, char *argv[])
{
  g_autofree char *path = NULL;
  g_autoptr (GError) error = NULL;
  JsonArray *runs;

  g_test_init (&argc, &argv, NULL);

  path = nnb_test_path ("data/engine-golden.json");
  golden_parser = json_parser_new ();
  if (!json_parser_load_from_file (golden_parser, path, &error))
    g_error ("cannot read %s (run tests/reference/make_engine_golden.py): %s", path, error->message);

  runs = json_object_get_array_member (golden (), "runs");
  for (guint i = 0; i < json_array_get_length (runs); i++)
    {
      JsonObject *run = json_array_get_object_element (runs, i);
      g_autofree char *test_path = g_strdup_printf ("/optimizer/replays-pytorch/%s",
                                                    json_object_get_string_member (run, "name"));
      g_test_add_data_func (test_path, run, test_replay);
    }
  g_test_add_func ("/optimizer/invalid-options-give-pytorch-errors", test_invalid_options_give_pytorch_errors);
  g_test_add_func ("/optimizer/nan-learning-rate-is-refused", test_nan_learning_rate_is_refused);
  g_test_add_func ("/optimizer/boundary-options-are-accepted", test_boundary_options_are_accepted);
  g_test_add_func ("/optimizer/frozen-parameter-is-not-updated", test_frozen_parameter_is_not_updated);
  g_test_add_func ("/optimizer/weight-decay-leaves-a-module-forward-never-calls-alone",
                   test_weight_decay_leaves_a_module_forward_never_calls_alone);

  {
    int status = g_test_run ();
    g_clear_object (&golden_parser);
    return status;
  }
}
