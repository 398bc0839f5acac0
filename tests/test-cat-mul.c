/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-cat-mul.c — the graph's cat and * nodes against real PyTorch 1.13:
 *
 *  - a model with torch.cat([a, b], dim=1) of two branches, a gate
 *    h * sigmoid(gate(x)) and torch.cat([m, x], dim=1) with the model's
 *    input: the output and every .grad of one MSELoss backward, bit for bit;
 *  - torch.cat's and `*`'s messages for shapes that disagree, from shape
 *    inference and from a forward;
 *  - both nodes in .nnb files ("op": "cat", "mul"), saved and loaded;
 *  - the editor's Cat and Mul blocks: two slots each, into a model and back;
 *  - a cat of three ("three" in the golden file): torch.cat([a, b, x]) and
 *    torch.cat([a, h, a]) forward and backward bit for bit, the messages
 *    naming tensor number 2, files with three inputs (and the refusal of
 *    one or nine), the exported code run by real PyTorch.
 *
 * Golden bits: tests/reference/make_cat_mul_golden.py →
 * tests/data/cat-mul-golden.json. */
#include <glib.h>
#include <json-glib/json-glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "nnb-export.h"
#include "nnb-loss.h"
#include "nnb-safetensors.h"
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
  nnb_test_load_parameter_bits (model, json_object_get_object_member (c, "initial"));
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

/* A cat node wired to the nodes in `from` (n of them) */
static int
cat_node (NnbModel *model, const char *name, const int *from, int n)
{
  g_autoptr (GError) error = NULL;
  int node = nnb_test_node (model, NNB_NODE_CAT, name, NULL, -1);

  g_assert_true (nnb_model_set_n_inputs (model, node, n, &error));
  g_assert_no_error (error);
  for (int s = 0; s < n; s++)
    nnb_test_connect (model, from[s], node, s);
  return node;
}

/* Net3 of make_cat_mul_golden.py: torch.cat([a, b, x]) and torch.cat([a, h, a]) */
static NnbModel *
three_inputs_new (void)
{
  NnbModel *model = nnb_model_new ("Net3");
  int x, a, b, h, z, y;

  nnb_test_register (model, "fc_a", nnb_test_linear (3, 4, TRUE));
  nnb_test_register (model, "fc_b", nnb_test_linear (3, 5, TRUE));
  nnb_test_register (model, "head", nnb_test_linear (20, 1, TRUE));
  nnb_test_register (model, "act", nnb_activation_new (NNB_MODULE_TANH));
  x = nnb_test_node (model, NNB_NODE_INPUT, "x", NULL, -1);
  a = nnb_test_node (model, NNB_NODE_CALL, "act_a", "act", nnb_test_node (model, NNB_NODE_CALL, "fc_a", "fc_a", x));
  b = nnb_test_node (model, NNB_NODE_CALL, "act_b", "act", nnb_test_node (model, NNB_NODE_CALL, "fc_b", "fc_b", x));
  h = cat_node (model, "h", (int[]){ a, b, x }, 3);
  z = cat_node (model, "z", (int[]){ a, h, a }, 3);
  y = nnb_test_node (model, NNB_NODE_CALL, "head", "head", z);
  nnb_test_node (model, NNB_NODE_OUTPUT, "out", NULL, y);
  return model;
}

static void
test_three_input_cat_is_pytorchs (void)
{
  JsonObject *c = json_object_get_object_member (golden (), "three");
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbModel) model = three_inputs_new ();
  g_autoptr (NnbTensor) x = nnb_tensor_new_2d (8, 3);
  g_autoptr (NnbTensor) target = nnb_tensor_new_2d (8, 1);
  g_autoptr (NnbLoss) loss = nnb_loss_new (NNB_LOSS_MSE);
  g_autofree float *xs = nnb_test_floats_of_hex (c, "x", 8 * 3);
  g_autofree float *ts = nnb_test_floats_of_hex (c, "target", 8);
  NnbTensor *out;
  double value;

  nnb_tensor_write (x, xs);
  nnb_tensor_write (target, ts);
  nnb_test_load_parameter_bits (model, json_object_get_object_member (c, "initial"));
  for (int round = 0; round < 2; round++)
    {
      nnb_model_zero_grad (model);
      out = nnb_model_forward (model, x, &error);
      g_assert_no_error (error);
      nnb_test_assert_float_bits ("output", out->data, 8, json_object_get_array_member (c, "output"));
      g_assert_true (nnb_loss_forward (loss, out, target, &value, &error));
      g_assert_true (nnb_model_backward (model, nnb_loss_grad (loss), &error));
      g_assert_no_error (error);
      nnb_test_assert_grad_bits (nnb_model_named_parameters (model), json_object_get_object_member (c, "grad"));
    }
}

/* torch.cat's messages for lists of three, from the shapes alone and on
 * the block of a model whose third branch has another batch size */
static void
test_three_input_cat_messages_are_pytorchs (void)
{
  JsonArray *cases = json_object_get_array_member (json_object_get_object_member (golden (), "three"), "cat_errors");
  g_autoptr (NnbModel) model = nnb_model_new ("Net");
  g_autoptr (GError) error = NULL;
  NnbNodeShape *shapes = NULL;
  const int64_t shape[] = { 5, 3, 2 };
  int in, fc, cat;

  for (guint i = 0; i < json_array_get_length (cases); i++)
    {
      JsonArray *c = json_array_get_array_element (cases, i);
      JsonArray *list = json_array_get_array_element (c, 0);
      NnbNodeShape inputs[NNB_NODE_MAX_INPUTS];
      const NnbNodeShape *pointers[NNB_NODE_MAX_INPUTS];
      NnbNodeShape result = { 0 };
      guint n = json_array_get_length (list);

      for (guint k = 0; k < n; k++)
        inputs[k] = shape_of (json_array_get_array_element (list, k)), pointers[k] = &inputs[k];
      g_assert_false (nnb_node_cat_shape (pointers, n, &result, &error));
      g_assert_error (error, NNB_ERROR, NNB_ERROR_SHAPE);
      g_assert_cmpstr (error->message, ==, json_array_get_string_element (c, 1));
      g_clear_error (&error);
    }
  g_assert_cmpstr (json_array_get_string_element (json_array_get_array_element (cases, 0), 1), ==,
                   "Sizes of tensors must match except in dimension 1. Expected size 5 but got size 4 for tensor "
                   "number 2 in the list.");

  /* x (5, 3, 2), x, LayerNorm-free: the third input a Linear over the last
   * dimension, (5, 3, 4): tensor number 2 disagrees in dimension 2 */
  nnb_test_register (model, "fc", nnb_test_linear (2, 4, TRUE));
  in = nnb_test_node (model, NNB_NODE_INPUT, "x", NULL, -1);
  fc = nnb_test_node (model, NNB_NODE_CALL, "fc", "fc", in);
  cat = cat_node (model, "cat", (int[]){ in, in, fc }, 3);
  nnb_test_node (model, NNB_NODE_OUTPUT, "out", NULL, cat);
  g_assert_false (nnb_model_infer_shapes (model, 3, shape, &shapes, &error));
  g_assert_cmpstr (shapes[cat].error, ==,
                   "Sizes of tensors must match except in dimension 1. Expected size 2 but got size 4 for tensor "
                   "number 2 in the list.");
  g_assert_null (shapes[fc].error);
  nnb_node_shapes_free (shapes, model->nodes->len);
}

static NnbProject *
three_inputs_project (void)
{
  NnbProject *project = nnb_project_new ();

  nnb_model_unref (project->model);
  project->model = three_inputs_new ();
  g_array_set_size (project->positions, project->model->nodes->len);
  return project;
}

/* A cat of three saved and loaded: "inputs" lists three names */
static void
test_three_input_cat_round_trips_through_nnb (void)
{
  g_autoptr (NnbProject) project = three_inputs_project ();
  g_autoptr (NnbProject) again = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *first = NULL, *second = NULL;
  gsize length;

  first = nnb_project_to_data (project, TRUE, &length, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (first, "\"inputs\": [\"act_a\", \"act_b\", \"x\"]"));
  g_assert_nonnull (strstr (first, "\"inputs\": [\"act_a\", \"h\", \"act_a\"]"));
  again = nnb_project_load_from_data (first, length, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (again->model->nodes->len, ==, project->model->nodes->len);
  for (guint i = 0; i < project->model->nodes->len; i++)
    {
      NnbNode *a = project->model->nodes->pdata[i], *b = again->model->nodes->pdata[i];
      g_assert_cmpstr (a->name, ==, b->name);
      g_assert_cmpint (a->n_inputs, ==, b->n_inputs);
      for (int s = 0; s < NNB_NODE_MAX_INPUTS; s++)
        g_assert_cmpint (a->inputs[s], ==, b->inputs[s]);
    }
  g_assert_cmpint (nnb_model_get_node (again->model, nnb_model_find_node (again->model, "z"))->n_inputs, ==, 3);
  g_assert_true (nnb_model_validate (again->model, &error));
  second = nnb_project_to_data (again, TRUE, NULL, &error);
  g_assert_cmpstr (first, ==, second);
}

/* A cat block listing one input, or nine, is refused with a sentence */
static void
test_cat_with_one_or_nine_inputs_is_refused (void)
{
  g_autoptr (NnbProject) project = three_inputs_project ();
  g_autofree char *text = nnb_project_to_data (project, FALSE, NULL, NULL);
  const char *lists[][2] = {
    { "[\"act_a\"]", "a cat block takes 2 to 8 inputs, not 1." },
    { "[\"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\"]",
      "a cat block takes 2 to 8 inputs, not 9." },
    { "[\"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\"]", NULL },
  };
  const char *h_inputs = "[\"act_a\", \"act_b\", \"x\"]";

  g_assert_nonnull (strstr (text, h_inputs));
  for (gsize i = 0; i < G_N_ELEMENTS (lists); i++)
    {
      g_autoptr (GError) error = NULL;
      g_auto (GStrv) parts = g_strsplit (text, h_inputs, 2);
      g_autofree char *changed = g_strjoin (lists[i][0], parts[0], parts[1], NULL);
      g_autoptr (NnbProject) loaded = nnb_project_load_from_data (changed, strlen (changed), &error);

      if (lists[i][1] == NULL)
        {
          /* eight is the most: read, with eight slots */
          g_assert_no_error (error);
          g_assert_cmpint (nnb_model_get_node (loaded->model, nnb_model_find_node (loaded->model, "h"))->n_inputs, ==, 8);
          continue;
        }
      g_assert_null (loaded);
      g_assert_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_INVALID);
      if (!g_str_has_suffix (error->message, lists[i][1]))
        g_error ("unexpected message: %s", error->message);
      g_test_message ("%s", error->message);
    }
}

/* The exported class with torch.cat([a, b, x], dim=1) runs in real
 * PyTorch and computes what the engine computes */
static void
test_three_input_cat_exported_runs_in_pytorch (void)
{
  JsonObject *c = json_object_get_object_member (golden (), "three");
  g_autoptr (NnbModel) model = three_inputs_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = NULL, *weights = NULL, *code_path = NULL, *input_path = NULL, *code = NULL;
  g_autofree char *script = nnb_test_path ("reference/torch_forward.py");
  g_autofree char *out = NULL, *err = NULL;
  g_autofree float *xs = nnb_test_floats_of_hex (c, "x", 8 * 3);
  g_autoptr (NnbTensor) x = nnb_tensor_new_2d (8, 3);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GString) input = g_string_new ("{\"shape\": [8, 3], \"data\": [");
  JsonArray *data;
  NnbTensor *y;

  nnb_test_load_parameter_bits (model, json_object_get_object_member (c, "initial"));
  code = nnb_export_pytorch_code (model, "net3.safetensors");
  if (strstr (code, "h2 = torch.cat([h, h2, x], dim=1)") == NULL || strstr (code, "h = torch.cat([h, h2, h], dim=1)") == NULL)
    g_error ("no three-input torch.cat in:\n%s", code);
  if (!nnb_test_python_has ("torch", NULL))
    {
      nnb_test_missing ("/usr/bin/python3 cannot import torch");
      return;
    }
  dir = g_dir_make_tmp ("nnb-cat-XXXXXX", &error);
  g_assert_no_error (error);
  weights = g_build_filename (dir, "net3.safetensors", NULL);
  code_path = g_build_filename (dir, "net3.py", NULL);
  input_path = g_build_filename (dir, "input.json", NULL);
  g_assert_true (nnb_safetensors_save_model (model, weights, &error));
  g_assert_true (g_file_set_contents (code_path, code, -1, &error));
  nnb_tensor_write (x, xs);
  for (int i = 0; i < 24; i++)
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];
      g_string_append_printf (input, "%s%s", i ? ", " : "", g_ascii_dtostr (buf, sizeof buf, xs[i]));
    }
  g_string_append (input, "]}");
  g_assert_true (g_file_set_contents (input_path, input->str, -1, &error));
  {
    const char *argv[] = { "/usr/bin/python3", script, code_path, input_path, "Net3", NULL };
    int status = nnb_test_run (argv, &out, &err);
    if (status != 0)
      g_error ("torch_forward.py failed (%d):\n%s\n%s", status, err, code);
  }
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  data = json_object_get_array_member (
    json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)), "class"), "data");
  y = nnb_model_forward (model, x, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (data), ==, 8);
  /* the same float32 operations in the same order: the same bits */
  for (int i = 0; i < 8; i++)
    g_assert_cmpfloat ((float) json_array_get_double_element (data, i), ==, y->data[i]);
  g_remove (weights), g_remove (code_path), g_remove (input_path), g_rmdir (dir);
}

/* ONNX's Concat with three inputs (one of them the graph's input) in a
 * real runtime, against the engine's forward */
static void
test_three_input_cat_runs_in_onnxruntime (void)
{
  JsonObject *c = json_object_get_object_member (golden (), "three");
  g_autoptr (NnbModel) model = three_inputs_new ();
  g_autoptr (GError) error = NULL;
  g_autofree float *xs = nnb_test_floats_of_hex (c, "x", 8 * 3);
  g_autoptr (NnbTensor) x = nnb_tensor_new_2d (8, 3);
  g_autofree char *dir = NULL, *path = NULL;
  NnbTensor *y;

  if (!nnb_test_have_onnxruntime ())
    {
      nnb_test_missing ("node cannot load onnxruntime-web from tests/onnxruntime/node_modules");
      return;
    }
  nnb_test_load_parameter_bits (model, json_object_get_object_member (c, "initial"));
  nnb_tensor_write (x, xs);
  dir = g_dir_make_tmp ("nnb-cat-onnx-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "net3.onnx", NULL);
  g_assert_true (nnb_export_onnx_file (model, path, &error));
  g_assert_no_error (error);
  nnb_model_eval (model);
  y = nnb_model_forward (model, x, &error);
  g_assert_no_error (error);
  nnb_test_assert_onnxruntime_matches ("three-input cat", path, x, y);
  g_remove (path), g_rmdir (dir);
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
  g_test_add_func ("/cat-mul/three-input-cat-is-pytorchs-bits", test_three_input_cat_is_pytorchs);
  g_test_add_func ("/cat-mul/three-input-cat-messages-are-pytorchs", test_three_input_cat_messages_are_pytorchs);
  g_test_add_func ("/cat-mul/three-input-cat-round-trips-through-nnb", test_three_input_cat_round_trips_through_nnb);
  g_test_add_func ("/cat-mul/cat-with-one-or-nine-inputs-is-refused", test_cat_with_one_or_nine_inputs_is_refused);
  g_test_add_func ("/cat-mul/three-input-cat-exported-runs-in-pytorch", test_three_input_cat_exported_runs_in_pytorch);
  g_test_add_func ("/cat-mul/three-input-cat-runs-in-onnxruntime", test_three_input_cat_runs_in_onnxruntime);
  return g_test_run ();
}
