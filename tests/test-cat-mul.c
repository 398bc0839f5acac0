/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-cat-mul.c — the graph's cat and * nodes against real PyTorch 1.13:
 *
 *  - a model with torch.cat([a, b], dim=1) of two branches, a gate
 *    h * sigmoid(gate(x)) and torch.cat([m, x], dim=1) with the model's
 *    input: the output and every .grad of one MSELoss backward, bit for bit;
 *  - torch.cat's and `*`'s messages for shapes that disagree, from shape
 *    inference and from a forward;
 *  - both nodes in .nnb files ("op": "cat", "mul"), saved and loaded;
 *  - the editor's Cat and Mul blocks: two slots each, into a model and back.
 *
 * Golden bits: tests/reference/make_cat_mul_golden.py →
 * tests/data/cat-mul-golden.json. */
#include <glib.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "nnb-loss.h"
#include "nnb-graph.h"
#include "nnb-model-private.h"
#include "nnb-project.h"
#include "nnb-test-util.h"

static JsonObject *
golden (void)
{
  return nnb_test_golden ("data/cat-mul-golden.json");
}

/* the model of make_cat_mul_golden.py, registered in its order */
static NnbModel *
gated_branches_new (void)
{
  NnbModel *model = nnb_model_new ("Net");
  int x, a, b, h, g, m, z, y;

  nnb_test_register (model, "fc_a", nnb_test_linear (3, 4, TRUE));
  nnb_test_register (model, "fc_b", nnb_test_linear (3, 5, TRUE));
  nnb_test_register (model, "gate", nnb_test_linear (3, 9, TRUE));
  nnb_test_register (model, "head", nnb_test_linear (12, 1, TRUE));
  nnb_test_register (model, "act", nnb_activation_new (NNB_MODULE_TANH));
  nnb_test_register (model, "sig", nnb_activation_new (NNB_MODULE_SIGMOID));
  x = nnb_test_node (model, NNB_NODE_INPUT, "x", NULL, -1);
  a = nnb_test_node (model, NNB_NODE_CALL, "act_a", "act", nnb_test_node (model, NNB_NODE_CALL, "fc_a", "fc_a", x));
  b = nnb_test_node (model, NNB_NODE_CALL, "act_b", "act", nnb_test_node (model, NNB_NODE_CALL, "fc_b", "fc_b", x));
  h = nnb_test_two_input_node (model, NNB_NODE_CAT, "cat", a, b);
  g = nnb_test_node (model, NNB_NODE_CALL, "sig", "sig", nnb_test_node (model, NNB_NODE_CALL, "gate", "gate", x));
  m = nnb_test_two_input_node (model, NNB_NODE_MUL, "mul", h, g);
  z = nnb_test_two_input_node (model, NNB_NODE_CAT, "cat_2", m, x);
  y = nnb_test_node (model, NNB_NODE_CALL, "head", "head", z);
  nnb_test_node (model, NNB_NODE_OUTPUT, "out", NULL, y);
  return model;
}

static void
test_forward_and_gradients_are_pytorchs (void)
{
  JsonObject *c = golden ();
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbModel) model = gated_branches_new ();
  g_autoptr (NnbTensor) x = nnb_tensor_new_2d (8, 3);
  g_autoptr (NnbTensor) target = nnb_tensor_new_2d (8, 1);
  g_autoptr (NnbLoss) loss = nnb_loss_new (NNB_LOSS_MSE);
  GPtrArray *params = nnb_model_named_parameters (model);
  g_autofree float *xs = nnb_test_floats_of_hex (c, "x", 8 * 3);
  g_autofree float *ts = nnb_test_floats_of_hex (c, "target", 8);
  NnbTensor *out;
  double value;

  nnb_tensor_write (x, xs);
  nnb_tensor_write (target, ts);
  g_assert_cmpuint (params->len, ==, json_object_get_size (json_object_get_object_member (c, "initial")));
  for (guint p = 0; p < params->len; p++)
    {
      NnbNamedParameter *named = params->pdata[p];
      g_autofree float *v = nnb_test_floats_of_hex (json_object_get_object_member (c, "initial"), named->name,
                                                    named->param->value->numel);
      nnb_tensor_write (named->param->value, v);
    }
  /* twice: the second forward and backward reuse the compiled plan */
  for (int round = 0; round < 2; round++)
    {
      nnb_model_zero_grad (model);
      out = nnb_model_forward (model, x, &error);
      g_assert_no_error (error);
      nnb_test_assert_float_bits ("output", out->data, 8, json_object_get_array_member (c, "output"));
      g_assert_true (nnb_loss_forward (loss, out, target, &value, &error));
      g_assert_true (nnb_model_backward (model, nnb_loss_grad (loss), &error));
      g_assert_no_error (error);
      nnb_test_assert_grad_bits (params, json_object_get_object_member (c, "grad"));
    }
}

static NnbNodeShape
shape_of (JsonArray *dims)
{
  NnbNodeShape s = { 0 };

  s.ndim = json_array_get_length (dims);
  for (int d = 0; d < s.ndim; d++)
    s.shape[d] = json_array_get_int_element (dims, d);
  return s;
}

static void
assert_messages (NnbNodeKind kind, const char *member)
{
  JsonArray *cases = json_object_get_array_member (golden (), member);

  for (guint i = 0; i < json_array_get_length (cases); i++)
    {
      JsonArray *c = json_array_get_array_element (cases, i);
      NnbNodeShape a = shape_of (json_array_get_array_element (c, 0));
      NnbNodeShape b = shape_of (json_array_get_array_element (c, 1));
      NnbNodeShape out = { 0 };
      g_autoptr (GError) error = NULL;

      g_assert_false (nnb_node_two_input_shape (kind, &a, &b, &out, &error));
      g_assert_error (error, NNB_ERROR, NNB_ERROR_SHAPE);
      g_assert_cmpstr (error->message, ==, json_array_get_string_element (c, 2));
    }
}

static void
test_cat_messages_are_pytorchs (void)
{
  NnbNodeShape a = { 3, { 5, 3, 2 } }, b = { 3, { 5, 4, 2 } }, out = { 0 };
  NnbNodeShape batch_a = { 2, { NNB_DIM_BATCH, 3 } }, batch_b = { 2, { NNB_DIM_BATCH, 4 } };
  g_autoptr (GError) error = NULL;

  assert_messages (NNB_NODE_CAT, "cat_errors");
  g_assert_true (nnb_node_two_input_shape (NNB_NODE_CAT, &a, &b, &out, &error));
  g_assert_no_error (error);
  g_assert_cmpint (out.ndim, ==, 3);
  g_assert_cmpint (out.shape[0], ==, 5);
  g_assert_cmpint (out.shape[1], ==, 7);
  g_assert_cmpint (out.shape[2], ==, 2);
  g_assert_true (nnb_node_two_input_shape (NNB_NODE_CAT, &batch_a, &batch_b, &out, &error));
  g_assert_cmpint (out.shape[0], ==, NNB_DIM_BATCH);
  g_assert_cmpint (out.shape[1], ==, 7);
}

static void
test_mul_messages_are_pytorchs (void)
{
  assert_messages (NNB_NODE_MUL, "mul_errors");
}

/* x * fc(x) with fc: Linear(3, 4): the forward stops with the message, and
 * shape inference puts it on the * block */
static void
test_mul_of_unequal_shapes_fails_on_its_block (void)
{
  g_autoptr (NnbModel) model = nnb_model_new ("Net");
  g_autoptr (NnbTensor) x = nnb_tensor_new_2d (5, 3);
  g_autoptr (GError) error = NULL;
  NnbNodeShape *shapes = NULL;
  int in, fc, mul;
  const int64_t shape[] = { 5, 3 };

  nnb_test_register (model, "fc", nnb_test_linear (3, 4, TRUE));
  in = nnb_test_node (model, NNB_NODE_INPUT, "x", NULL, -1);
  fc = nnb_test_node (model, NNB_NODE_CALL, "fc", "fc", in);
  mul = nnb_test_two_input_node (model, NNB_NODE_MUL, "mul", in, fc);
  nnb_test_node (model, NNB_NODE_OUTPUT, "out", NULL, mul);
  g_assert_null (nnb_model_forward (model, x, &error));
  g_assert_error (error, NNB_ERROR, NNB_ERROR_SHAPE);
  g_assert_cmpstr (error->message, ==,
                   "The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1");
  g_assert_false (nnb_model_infer_shapes (model, 2, shape, &shapes, NULL));
  g_assert_cmpstr (shapes[mul].error, ==, error->message);
  g_assert_null (shapes[fc].error);
  nnb_node_shapes_free (shapes, model->nodes->len);
}

/* Saved with weights and loaded again: the same graph, the same file */
static void
test_nodes_round_trip_through_nnb (void)
{
  g_autoptr (NnbProject) project = nnb_project_new ();
  g_autoptr (NnbProject) again = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *first = NULL, *second = NULL;
  gsize length;

  nnb_model_unref (project->model);
  project->model = gated_branches_new ();
  g_array_set_size (project->positions, project->model->nodes->len);
  first = nnb_project_to_data (project, TRUE, &length, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (first, "\"op\": \"cat\""));
  g_assert_nonnull (strstr (first, "\"op\": \"mul\""));
  again = nnb_project_load_from_data (first, length, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (again->model->nodes->len, ==, project->model->nodes->len);
  for (guint i = 0; i < project->model->nodes->len; i++)
    {
      NnbNode *a = project->model->nodes->pdata[i], *b = again->model->nodes->pdata[i];
      g_assert_cmpstr (a->name, ==, b->name);
      g_assert_cmpint (a->kind, ==, b->kind);
      g_assert_cmpint (a->inputs[0], ==, b->inputs[0]);
      g_assert_cmpint (a->inputs[1], ==, b->inputs[1]);
    }
  second = nnb_project_to_data (again, TRUE, NULL, &error);
  g_assert_cmpstr (first, ==, second);
}

/* A cat block with one input wired names the one that is missing */
static void
test_unwired_cat_says_which_input (void)
{
  g_autoptr (NnbModel) model = nnb_model_new ("Net");
  g_autoptr (GError) error = NULL;
  int in = nnb_test_node (model, NNB_NODE_INPUT, "x", NULL, -1);
  int cat = nnb_test_node (model, NNB_NODE_CAT, "cat", NULL, in);

  nnb_test_node (model, NNB_NODE_OUTPUT, "out", NULL, cat);
  g_assert_false (nnb_model_validate (model, &error));
  g_assert_cmpstr (error->message, ==, "The cat block 'cat' needs two inputs; its input 2 is not connected.");
}

/* The palette's Cat and Mul blocks become cat and mul nodes, and back */
static void
test_editor_blocks_make_the_nodes (void)
{
  g_autoptr (GError) error = NULL;
  NnbGraph *graph = nnb_graph_new ("Net");
  NnbGraph *back;
  int x = nnb_graph_add_block (graph, NNB_BLOCK_INPUT, 0, 0, &error);
  int fc = nnb_graph_add_block (graph, NNB_BLOCK_LINEAR, 100, 0, &error);
  int cat = nnb_graph_add_block (graph, NNB_BLOCK_CAT, 200, 0, &error);
  int mul = nnb_graph_add_block (graph, NNB_BLOCK_MUL, 300, 0, &error);
  int out = nnb_graph_add_block (graph, NNB_BLOCK_OUTPUT, 400, 0, &error);
  NnbModel *model;
  NnbNode *node;

  g_assert_no_error (error);
  g_assert_true (nnb_graph_connect (graph, x, fc, 0, &error));
  g_assert_true (nnb_graph_connect (graph, x, cat, 0, &error));
  g_assert_true (nnb_graph_connect (graph, fc, cat, 1, &error));
  g_assert_true (nnb_graph_connect (graph, cat, mul, 0, &error));
  g_assert_true (nnb_graph_connect (graph, cat, mul, 1, &error));
  g_assert_true (nnb_graph_connect (graph, mul, out, 0, &error));
  g_assert_false (nnb_graph_connect (graph, x, mul, 2, NULL));
  model = nnb_graph_to_model (graph, &error);
  g_assert_no_error (error);
  node = nnb_model_get_node (model, nnb_model_find_node (model, "cat"));
  g_assert_cmpint (node->kind, ==, NNB_NODE_CAT);
  g_assert_cmpint (node->inputs[1], ==, nnb_model_find_node (model, nnb_graph_get_block (graph, fc)->name));
  node = nnb_model_get_node (model, nnb_model_find_node (model, "mul"));
  g_assert_cmpint (node->kind, ==, NNB_NODE_MUL);
  g_assert_true (nnb_model_validate (model, &error));
  back = nnb_graph_from_model (model, NULL, 0);
  g_assert_cmpint (nnb_graph_block_kind (back, nnb_graph_find_block (back, "cat")), ==, NNB_BLOCK_CAT);
  g_assert_cmpint (nnb_graph_block_kind (back, nnb_graph_find_block (back, "mul")), ==, NNB_BLOCK_MUL);
  nnb_graph_free (back);
  nnb_model_unref (model);
  nnb_graph_free (graph);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cat-mul/forward-and-gradients-are-pytorchs-bits", test_forward_and_gradients_are_pytorchs);
  g_test_add_func ("/cat-mul/cat-messages-are-pytorchs", test_cat_messages_are_pytorchs);
  g_test_add_func ("/cat-mul/mul-messages-are-pytorchs", test_mul_messages_are_pytorchs);
  g_test_add_func ("/cat-mul/mul-of-unequal-shapes-fails-on-its-block", test_mul_of_unequal_shapes_fails_on_its_block);
  g_test_add_func ("/cat-mul/nodes-round-trip-through-nnb", test_nodes_round_trip_through_nnb);
  g_test_add_func ("/cat-mul/unwired-cat-says-which-input", test_unwired_cat_says_which_input);
  g_test_add_func ("/cat-mul/editor-blocks-make-the-nodes", test_editor_blocks_make_the_nodes);
  return g_test_run ();
}
