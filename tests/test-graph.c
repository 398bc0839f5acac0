/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-graph.c — graphs: validation with messages that name the block,
 * shapes on every wire, PyTorch's shape and device errors, the hook trace. */
#include <glib.h>
#include <string.h>
#include "nnb-model-private.h"
#include "nnb-test-util.h"
#include "nnb-tensor-private.h"

static NnbModel *
sequential (NnbModule *a, NnbModule *b, NnbModule *c)
{
  NnbModule *modules[] = { a, b, c };
  NnbModel *model = nnb_model_new_sequential (modules, 3);
  nnb_module_unref (a);
  nnb_module_unref (b);
  nnb_module_unref (c);
  return model;
}

static void
test_bad_sequential_gives_pytorch_shape_error (void)
{
  /* the page's nn.Sequential(nn.Linear(3, 16), nn.ReLU(), nn.Linear(8, 1)) */
  g_autoptr (NnbModel) model = sequential (nnb_test_linear (3, 16, TRUE), nnb_activation_new (NNB_MODULE_RELU), nnb_test_linear (8, 1, TRUE));
  g_autoptr (NnbTensor) x = nnb_tensor_new_2d (5, 3);
  g_autoptr (GError) error = NULL;
  NnbNodeShape *shapes = NULL;
  int64_t batch_shape[2] = { NNB_DIM_BATCH, 3 };

  g_assert_true (nnb_model_validate (model, &error));
  g_assert_null (nnb_model_forward (model, x, &error));
  g_assert_error (error, NNB_ERROR, NNB_ERROR_SHAPE);
  g_assert_cmpstr (error->message, ==, "mat1 and mat2 shapes cannot be multiplied (5x16 and 8x1)");
  g_clear_error (&error);

  /* without data: the failing block carries the message, with B for the batch */
  g_assert_false (nnb_model_infer_shapes (model, 2, batch_shape, &shapes, &error));
  g_assert_cmpstr (shapes[3].error, ==, "mat1 and mat2 shapes cannot be multiplied (Bx16 and 8x1)");
  g_assert_cmpint (shapes[2].ndim, ==, 2);
  g_assert_cmpint (shapes[2].shape[1], ==, 16);
  nnb_node_shapes_free (shapes, model->nodes->len);
}

static void
test_flat_input_gives_pytorch_shape_error (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbModule) layer = nnb_test_linear (3, 2, TRUE);
  NnbModule *modules[] = { layer };
  g_autoptr (NnbModel) model = nnb_model_new_sequential (modules, 1);
  g_autoptr (NnbTensor) flat = nnb_tensor_new_1d (5);

  g_assert_null (nnb_model_forward (model, flat, &error));
  g_assert_cmpstr (error->message, ==, "mat1 and mat2 shapes cannot be multiplied (1x5 and 3x2)");
}

static void
test_linear_acts_on_the_last_dimension (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbModule) layer = nnb_test_linear (3, 2, TRUE);
  NnbModule *modules[] = { layer };
  g_autoptr (NnbModel) model = nnb_model_new_sequential (modules, 1);
  int64_t shape3[3] = { 4, 7, 3 };
  g_autoptr (NnbTensor) x3 = nnb_tensor_new_cpu (3, shape3);
  g_autoptr (NnbTensor) x1 = nnb_tensor_new_1d (3);
  NnbTensor *y;
  g_autofree char *s3 = NULL;
  g_autofree char *s1 = NULL;

  y = nnb_model_forward (model, x3, &error);
  g_assert_no_error (error);
  s3 = nnb_tensor_shape_string (y);
  g_assert_cmpstr (s3, ==, "(4, 7, 2)");
  y = nnb_model_forward (model, x1, &error);
  g_assert_no_error (error);
  s1 = nnb_tensor_shape_string (y);
  g_assert_cmpstr (s1, ==, "(2,)");
}

static void
test_trace_prints_like_the_forward_hook (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbModel) model = nnb_model_new ("MLP");
  g_autoptr (NnbModule) fc1 = nnb_test_linear (3, 16, TRUE);
  g_autoptr (NnbModule) fc2 = nnb_test_linear (16, 16, TRUE);
  g_autoptr (NnbModule) head = nnb_test_linear (16, 1, TRUE);
  g_autoptr (NnbModule) act = nnb_activation_new (NNB_MODULE_RELU);
  g_autoptr (GPtrArray) lines = NULL;
  int64_t shape[2] = { 5, 3 };
  const char *expected[] = {
    "Linear   -> (5, 16)",
    "ReLU     -> (5, 16)",
    "Linear   -> (5, 16)",
    "ReLU     -> (5, 16)",
    "Linear   -> (5, 1)",
  };
  int x, a, b, c, d, e, f, o;

  nnb_model_register_module (model, "fc1", fc1, NULL);
  nnb_model_register_module (model, "fc2", fc2, NULL);
  nnb_model_register_module (model, "head", head, NULL);
  nnb_model_register_module (model, "act", act, NULL);
  x = nnb_model_add_node (model, NNB_NODE_INPUT, "x", NULL, NULL);
  a = nnb_model_add_node (model, NNB_NODE_CALL, "fc1", "fc1", NULL);
  b = nnb_model_add_node (model, NNB_NODE_CALL, "act", "act", NULL);
  c = nnb_model_add_node (model, NNB_NODE_CALL, "fc2", "fc2", NULL);
  d = nnb_model_add_node (model, NNB_NODE_CALL, "act_2", "act", NULL);
  e = nnb_model_add_node (model, NNB_NODE_ADD, "add", NULL, NULL);
  f = nnb_model_add_node (model, NNB_NODE_CALL, "head", "head", NULL);
  o = nnb_model_add_node (model, NNB_NODE_OUTPUT, "out", NULL, NULL);
  nnb_model_connect (model, x, a, 0, NULL);
  nnb_model_connect (model, a, b, 0, NULL);
  nnb_model_connect (model, b, c, 0, NULL);
  nnb_model_connect (model, c, d, 0, NULL);
  nnb_model_connect (model, d, e, 0, NULL);
  nnb_model_connect (model, b, e, 1, NULL);
  nnb_model_connect (model, e, f, 0, NULL);
  nnb_model_connect (model, f, o, 0, NULL);

  lines = nnb_model_trace (model, 2, shape, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lines->len, ==, 5);
  for (guint i = 0; i < 5; i++)
    g_assert_cmpstr (lines->pdata[i], ==, expected[i]);
  g_assert_false (nnb_model_is_chain (model));
  g_assert_cmpint (nnb_model_input_features (model), ==, 3);
}

/* tests/reference/edge_cases.py, case 5: the page's hook goes on every
 * module without children, so an empty nn.Sequential() is a leaf and
 * prints its output (its input); a model that is an empty Sequential is
 * itself the one leaf. */
static void
test_trace_shows_an_empty_sequential_as_a_leaf (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbModule) linear = nnb_test_linear (3, 2, TRUE);
  g_autoptr (NnbModule) empty = nnb_sequential_new ();
  g_autoptr (NnbModule) relu = nnb_activation_new (NNB_MODULE_RELU);
  NnbModule *modules[] = { linear, empty, relu };
  g_autoptr (NnbModel) model = nnb_model_new_sequential (modules, G_N_ELEMENTS (modules));
  g_autoptr (NnbModel) nothing = nnb_model_new_sequential (NULL, 0);
  g_autoptr (GPtrArray) lines = NULL;
  int64_t shape[2] = { 5, 3 }, column[2] = { 5, 1 };

  lines = nnb_model_trace (model, 2, shape, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lines->len, ==, 3);
  g_assert_cmpstr (lines->pdata[0], ==, "Linear   -> (5, 2)");
  g_assert_cmpstr (lines->pdata[1], ==, "Sequential -> (5, 2)");
  g_assert_cmpstr (lines->pdata[2], ==, "ReLU     -> (5, 2)");
  g_clear_pointer (&lines, g_ptr_array_unref);

  lines = nnb_model_trace (nothing, 2, column, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lines->len, ==, 1);
  g_assert_cmpstr (lines->pdata[0], ==, "Sequential -> (5, 1)");
}

static void
test_wire_that_closes_a_cycle_is_refused (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbModel) model = sequential (nnb_test_linear (2, 2, TRUE), nnb_activation_new (NNB_MODULE_TANH), nnb_test_linear (2, 2, TRUE));
  int first = nnb_model_find_node (model, "0");
  int last = nnb_model_find_node (model, "2");

  g_assert_false (nnb_model_connect (model, last, first, 0, &error));
  g_assert_error (error, NNB_ERROR, NNB_ERROR_GRAPH);
  g_assert_cmpstr (error->message, ==,
                   "Wiring '2' into '0' would make a loop: data must flow from the input to the output without coming back.");
}

static void
test_incomplete_graphs_name_the_block (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbModel) model = sequential (nnb_test_linear (2, 2, TRUE), nnb_activation_new (NNB_MODULE_TANH), nnb_test_linear (2, 2, TRUE));
  g_autoptr (NnbModule) extra = nnb_test_linear (2, 2, TRUE);
  int add, dangling;

  nnb_model_disconnect (model, nnb_model_find_node (model, "1"), 0);
  g_assert_false (nnb_model_validate (model, &error));
  g_assert_cmpstr (error->message, ==, "The block '1' has nothing connected to its input.");
  g_clear_error (&error);
  nnb_model_connect (model, nnb_model_find_node (model, "0"), nnb_model_find_node (model, "1"), 0, NULL);

  add = nnb_model_add_node (model, NNB_NODE_ADD, "add", NULL, NULL);
  nnb_model_connect (model, nnb_model_find_node (model, "0"), add, 0, NULL);
  g_assert_false (nnb_model_validate (model, &error));
  g_assert_cmpstr (error->message, ==, "The + block 'add' needs two inputs; its input 2 is not connected.");
  g_clear_error (&error);
  nnb_model_connect (model, nnb_model_find_node (model, "1"), add, 1, NULL);
  g_assert_false (nnb_model_validate (model, &error));
  g_assert_cmpstr (error->message, ==, "The output of the block 'add' goes nowhere: connect it or delete the block.");
  g_clear_error (&error);

  g_assert_cmpint (nnb_model_add_node (model, NNB_NODE_CALL, "add", "0", &error), ==, -1);
  g_assert_nonnull (strstr (error->message, "already a block named 'add'"));
  g_clear_error (&error);
  g_assert_cmpint (nnb_model_add_node (model, NNB_NODE_CALL, "fc9", "fc9", &error), ==, -1);
  g_assert_nonnull (strstr (error->message, "no such module"));
  g_clear_error (&error);
  nnb_model_register_module (model, "3", extra, NULL);
  dangling = nnb_model_add_node (model, NNB_NODE_CALL, "3", "3", &error);
  g_assert_cmpint (dangling, >=, 0);
  g_assert_false (nnb_model_unregister_module (model, "3", &error));
  g_assert_nonnull (strstr (error->message, "still called by the block '3'"));
}

static void
test_skip_connection_shapes_must_agree (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbModel) model = nnb_model_new ("Net");
  g_autoptr (NnbModule) wide = nnb_test_linear (3, 16, TRUE);
  g_autoptr (NnbModule) narrow = nnb_test_linear (3, 8, TRUE);
  int64_t shape[2] = { 5, 3 };
  NnbNodeShape *shapes = NULL;
  int x, a, b, add, out;

  nnb_model_register_module (model, "wide", wide, NULL);
  nnb_model_register_module (model, "narrow", narrow, NULL);
  x = nnb_model_add_node (model, NNB_NODE_INPUT, "x", NULL, NULL);
  a = nnb_model_add_node (model, NNB_NODE_CALL, "wide", "wide", NULL);
  b = nnb_model_add_node (model, NNB_NODE_CALL, "narrow", "narrow", NULL);
  add = nnb_model_add_node (model, NNB_NODE_ADD, "add", NULL, NULL);
  out = nnb_model_add_node (model, NNB_NODE_OUTPUT, "out", NULL, NULL);
  nnb_model_connect (model, x, a, 0, NULL);
  nnb_model_connect (model, x, b, 0, NULL);
  nnb_model_connect (model, a, add, 0, NULL);
  nnb_model_connect (model, b, add, 1, NULL);
  nnb_model_connect (model, add, out, 0, NULL);
  g_assert_false (nnb_model_infer_shapes (model, 2, shape, &shapes, &error));
  g_assert_cmpstr (error->message, ==,
                   "The size of tensor a (16) must match the size of tensor b (8) at non-singleton dimension 1");
  g_assert_cmpstr (shapes[add].error, ==, error->message);
  g_assert_cmpint (shapes[out].ndim, ==, 0);
  nnb_node_shapes_free (shapes, model->nodes->len);
}

static void
test_input_on_another_device_gives_pytorch_message (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbModel) model = sequential (nnb_test_linear (3, 2, TRUE), nnb_activation_new (NNB_MODULE_RELU), nnb_test_linear (2, 1, TRUE));
  g_autoptr (NnbTensor) x = nnb_tensor_new_2d (5, 3);

  /* as if model.to("cuda") had run: the check comes before any GPU work */
  model->device = (NnbDevice){ NNB_DEVICE_CUDA, 0 };
  g_assert_null (nnb_model_forward (model, x, &error));
  g_assert_error (error, NNB_ERROR, NNB_ERROR_DEVICE);
  g_assert_cmpstr (error->message, ==,
                   "Expected all tensors to be on the same device, but found at least two devices, cuda:0 and cpu! "
                   "(when checking argument for argument mat1 in method wrapper_addmm)");
  model->device = nnb_device_cpu ();
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/graph/bad-sequential-gives-pytorch-shape-error", test_bad_sequential_gives_pytorch_shape_error);
  g_test_add_func ("/graph/flat-input-gives-pytorch-shape-error", test_flat_input_gives_pytorch_shape_error);
  g_test_add_func ("/graph/linear-acts-on-the-last-dimension", test_linear_acts_on_the_last_dimension);
  g_test_add_func ("/graph/trace-prints-like-the-forward-hook", test_trace_prints_like_the_forward_hook);
  g_test_add_func ("/graph/trace-shows-an-empty-sequential-as-a-leaf", test_trace_shows_an_empty_sequential_as_a_leaf);
  g_test_add_func ("/graph/wire-that-closes-a-cycle-is-refused", test_wire_that_closes_a_cycle_is_refused);
  g_test_add_func ("/graph/incomplete-graphs-name-the-block", test_incomplete_graphs_name_the_block);
  g_test_add_func ("/graph/skip-connection-shapes-must-agree", test_skip_connection_shapes_must_agree);
  g_test_add_func ("/graph/input-on-another-device-gives-pytorch-message", test_input_on_another_device_gives_pytorch_message);
  return g_test_run ();
}
