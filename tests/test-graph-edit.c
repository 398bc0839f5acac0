/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-graph-edit.c — the diagram editor's model: the page's residual MLP
 * built edit by edit equals the one the test helpers build; refused edits
 * say why and change nothing. */
#include <math.h>
#include <string.h>

#include "nnb-error.h"
#include "nnb-graph-private.h"
#include "nnb-test-util.h"

/* The page's MLP as a student builds it: blocks dragged in, wires drawn,
 * the third Linear renamed head, one ReLU module called twice. */
static NnbGraph *
build_page_mlp (void)
{
  g_autoptr (GError) error = NULL;
  NnbGraph *graph = nnb_graph_new ("MLP");
  int x, fc1, act, fc2, act2, add, head, out;

  x = nnb_graph_add_block (graph, NNB_BLOCK_INPUT, 0, 80, &error);
  fc1 = nnb_graph_add_block (graph, NNB_BLOCK_LINEAR, 160, 80, &error);
  act = nnb_graph_add_block (graph, NNB_BLOCK_RELU, 320, 80, &error);
  fc2 = nnb_graph_add_block (graph, NNB_BLOCK_LINEAR, 480, 0, &error);
  act2 = nnb_graph_add_call (graph, act, 640, 0, &error);
  add = nnb_graph_add_block (graph, NNB_BLOCK_ADD, 800, 80, &error);
  head = nnb_graph_add_block (graph, NNB_BLOCK_LINEAR, 960, 80, &error);
  out = nnb_graph_add_block (graph, NNB_BLOCK_OUTPUT, 1120, 80, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (nnb_graph_get_block (graph, fc2)->name, ==, "fc2");
  g_assert_cmpstr (nnb_graph_get_block (graph, act2)->name, ==, "act_2");
  g_assert_true (nnb_graph_rename (graph, head, "head", &error));
  g_assert_true (nnb_graph_set_features (graph, fc1, 3, 16, &error));
  g_assert_true (nnb_graph_set_features (graph, fc2, 16, 16, &error));
  g_assert_true (nnb_graph_set_features (graph, head, 16, 1, &error));
  g_assert_true (nnb_graph_connect (graph, x, fc1, 0, &error));
  g_assert_true (nnb_graph_connect (graph, fc1, act, 0, &error));
  g_assert_true (nnb_graph_connect (graph, act, fc2, 0, &error));
  g_assert_true (nnb_graph_connect (graph, fc2, act2, 0, &error));
  g_assert_true (nnb_graph_connect (graph, act2, add, 0, &error));
  g_assert_true (nnb_graph_connect (graph, act, add, 1, &error));
  g_assert_true (nnb_graph_connect (graph, add, head, 0, &error));
  g_assert_true (nnb_graph_connect (graph, head, out, 0, &error));
  g_assert_no_error (error);
  nnb_graph_normalize (graph);
  return graph;
}

static void
assert_same_structure (NnbModel *model, NnbModel *expected)
{
  GPtrArray *a = nnb_model_named_parameters (model);
  GPtrArray *b = nnb_model_named_parameters (expected);
  g_autofree char *repr_a = nnb_model_repr (model);
  g_autofree char *repr_b = nnb_model_repr (expected);

  g_assert_cmpstr (repr_a, ==, repr_b);
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    {
      NnbNamedParameter *p = a->pdata[i], *q = b->pdata[i];
      g_assert_cmpstr (p->name, ==, q->name);
      g_assert_cmpint (p->param->value->numel, ==, q->param->value->numel);
    }
  g_assert_cmpuint (model->nodes->len, ==, expected->nodes->len);
  for (guint i = 0; i < model->nodes->len; i++)
    {
      NnbNode *p = model->nodes->pdata[i], *q = expected->nodes->pdata[i];
      g_assert_cmpstr (p->name, ==, q->name);
      g_assert_cmpint (p->inputs[0], ==, q->inputs[0]);
      g_assert_cmpint (p->inputs[1], ==, q->inputs[1]);
    }
}

static void
test_page_mlp_built_by_edits_has_353_parameters (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbGraph) graph = build_page_mlp ();
  g_autoptr (NnbModel) model = nnb_graph_to_model (graph, &error);
  g_autoptr (NnbModel) expected = nnb_test_page_mlp ();

  g_assert_no_error (error);
  g_assert_true (nnb_model_validate (model, &error));
  g_assert_cmpint (nnb_model_count_parameters (model), ==, 353);
  g_assert_cmpstr (model->class_name, ==, "MLP");
  /* act registered before fc2 here: no parameters, so the same names and order */
  g_assert_cmpstr (((NnbNamedParameter *) nnb_model_named_parameters (model)->pdata[2])->name, ==, "fc2.weight");
  g_assert_cmpint (nnb_model_count_parameters (expected), ==, 353);
}

static void
test_project_round_trip_keeps_the_graph (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = nnb_test_source_path ("data/examples/mlp-residual.nnb");
  g_autoptr (NnbProject) project = nnb_project_load (path, &error);
  g_autoptr (NnbGraph) graph = NULL;
  g_autoptr (NnbGraph) built = build_page_mlp ();
  g_autoptr (NnbModel) model = NULL;

  g_assert_no_error (error);
  graph = nnb_graph_from_model (project->model, (const NnbBlockPosition *) project->positions->data,
                                project->positions->len);
  model = nnb_graph_to_model (graph, &error);
  g_assert_no_error (error);
  assert_same_structure (model, project->model);
  g_assert_cmpfloat (nnb_graph_get_block (graph, 3)->y, ==, 0);

  /* the file registers fc1, fc2, head, act; the student fc1, act, fc2, head:
   * named_parameters() is the same either way */
  {
    g_autoptr (NnbModel) mine = nnb_graph_to_model (built, &error);
    GPtrArray *a = nnb_model_named_parameters (mine), *b = nnb_model_named_parameters (project->model);

    g_assert_cmpuint (a->len, ==, b->len);
    for (guint i = 0; i < a->len; i++)
      g_assert_cmpstr (((NnbNamedParameter *) a->pdata[i])->name, ==, ((NnbNamedParameter *) b->pdata[i])->name);
  }
}

/* A LayerNorm block from the palette: named norm, its sizes edited, and
 * through nnb_graph_to_model / nnb_graph_from_model unchanged */
static void
test_layer_norm_block_edits_and_round_trips (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbGraph) graph = nnb_graph_new ("Model");
  g_autoptr (NnbGraph) back = NULL;
  g_autoptr (NnbModel) model = NULL;
  g_autofree char *repr = NULL;
  int x = nnb_graph_add_block (graph, NNB_BLOCK_INPUT, 0, 0, &error);
  int fc = nnb_graph_add_block (graph, NNB_BLOCK_LINEAR, 0, 0, &error);
  int norm = nnb_graph_add_block (graph, NNB_BLOCK_LAYER_NORM, 0, 0, &error);
  int out = nnb_graph_add_block (graph, NNB_BLOCK_OUTPUT, 0, 0, &error);

  g_assert_cmpstr (nnb_graph_get_block (graph, norm)->name, ==, "norm");
  g_assert_cmpint (nnb_graph_block_kind (graph, norm), ==, NNB_BLOCK_LAYER_NORM);
  g_assert_true (nnb_graph_set_features (graph, fc, 2, 6, &error));
  g_assert_true (nnb_graph_set_layer_norm (graph, norm, 6, 0.001, &error));
  g_assert_true (nnb_graph_connect (graph, x, fc, 0, &error));
  g_assert_true (nnb_graph_connect (graph, fc, norm, 0, &error));
  g_assert_true (nnb_graph_connect (graph, norm, out, 0, &error));
  g_assert_no_error (error);
  /* a Linear's sizes are not a LayerNorm's, and eps must be positive */
  g_assert_false (nnb_graph_set_features (graph, norm, 6, 6, &error));
  g_assert_error (error, NNB_ERROR, NNB_ERROR_GRAPH);
  g_clear_error (&error);
  g_assert_false (nnb_graph_set_layer_norm (graph, norm, 6, 0.0, &error));
  g_assert_error (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  model = nnb_graph_to_model (graph, &error);
  g_assert_no_error (error);
  repr = nnb_model_repr (model);
  g_assert_nonnull (strstr (repr, "(norm): LayerNorm((6,), eps=0.001, elementwise_affine=True)"));
  back = nnb_graph_from_model (model, NULL, 0);
  g_assert_cmpint (nnb_graph_block_module (back, norm)->normalized_shape, ==, 6);
  g_assert_cmpfloat (nnb_graph_block_module (back, norm)->eps, ==, 0.001);
}

/* Softmax and LogSoftmax blocks from the palette: named softmax and
 * log_softmax, dim=1, and through nnb_graph_to_model / nnb_graph_from_model
 * unchanged (dim -1 included) */
static void
test_softmax_blocks_round_trip (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbGraph) graph = nnb_graph_new ("Model");
  g_autoptr (NnbGraph) back = NULL;
  g_autoptr (NnbModel) model = NULL;
  g_autofree char *repr = NULL;
  int x = nnb_graph_add_block (graph, NNB_BLOCK_INPUT, 0, 0, &error);
  int fc = nnb_graph_add_block (graph, NNB_BLOCK_LINEAR, 0, 0, &error);
  int softmax = nnb_graph_add_block (graph, NNB_BLOCK_SOFTMAX, 0, 0, &error);
  int log_softmax = nnb_graph_add_block (graph, NNB_BLOCK_LOG_SOFTMAX, 0, 0, &error);
  int out = nnb_graph_add_block (graph, NNB_BLOCK_OUTPUT, 0, 0, &error);
  NnbBlockKind kind;

  g_assert_no_error (error);
  g_assert_cmpstr (nnb_graph_get_block (graph, softmax)->name, ==, "softmax");
  g_assert_cmpstr (nnb_graph_get_block (graph, log_softmax)->name, ==, "log_softmax");
  g_assert_cmpint (nnb_graph_block_kind (graph, softmax), ==, NNB_BLOCK_SOFTMAX);
  g_assert_cmpint (nnb_graph_block_kind (graph, log_softmax), ==, NNB_BLOCK_LOG_SOFTMAX);
  g_assert_cmpint (nnb_graph_block_module (graph, softmax)->dim, ==, 1);
  g_assert_true (nnb_block_kind_from_string ("LogSoftmax", &kind));
  g_assert_cmpint (kind, ==, NNB_BLOCK_LOG_SOFTMAX);
  nnb_graph_block_module (graph, log_softmax)->dim = -1;
  g_assert_true (nnb_graph_set_features (graph, fc, 2, 3, &error));
  g_assert_true (nnb_graph_connect (graph, x, fc, 0, &error));
  g_assert_true (nnb_graph_connect (graph, fc, softmax, 0, &error));
  g_assert_true (nnb_graph_connect (graph, softmax, log_softmax, 0, &error));
  g_assert_true (nnb_graph_connect (graph, log_softmax, out, 0, &error));
  g_assert_no_error (error);

  model = nnb_graph_to_model (graph, &error);
  g_assert_no_error (error);
  repr = nnb_model_repr (model);
  g_assert_nonnull (strstr (repr, "(softmax): Softmax(dim=1)"));
  g_assert_nonnull (strstr (repr, "(log_softmax): LogSoftmax(dim=-1)"));
  back = nnb_graph_from_model (model, NULL, 0);
  g_assert_cmpint (nnb_graph_block_kind (back, softmax), ==, NNB_BLOCK_SOFTMAX);
  g_assert_cmpint (nnb_graph_block_kind (back, log_softmax), ==, NNB_BLOCK_LOG_SOFTMAX);
  g_assert_cmpint (nnb_graph_block_module (back, softmax)->dim, ==, 1);
  g_assert_cmpint (nnb_graph_block_module (back, log_softmax)->dim, ==, -1);
}

static void
test_wire_closing_a_loop_is_refused (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbGraph) graph = build_page_mlp ();
  g_autoptr (NnbGraph) before = nnb_graph_copy (graph);
  int head = nnb_graph_find_block (graph, "head");
  int fc1 = nnb_graph_find_block (graph, "fc1");

  g_assert_false (nnb_graph_connect (graph, head, fc1, 0, &error));
  g_assert_error (error, NNB_ERROR, NNB_ERROR_GRAPH);
  g_assert_nonnull (strstr (error->message, "would make a loop"));
  g_assert_nonnull (strstr (error->message, "'head' into 'fc1'"));
  g_assert_true (nnb_graph_equal (graph, before));
  g_clear_error (&error);

  /* nothing goes into an input, nothing out of an output */
  g_assert_false (nnb_graph_connect (graph, fc1, nnb_graph_find_block (graph, "x"), 0, &error));
  g_clear_error (&error);
  g_assert_false (nnb_graph_connect (graph, nnb_graph_find_block (graph, "out"), head, 0, &error));
  g_clear_error (&error);
  g_assert_false (nnb_graph_connect (graph, fc1, head, 1, &error));
  g_assert_true (nnb_graph_equal (graph, before));
}

static void
test_names_are_unique_python_identifiers (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbGraph) graph = build_page_mlp ();
  int fc1 = nnb_graph_find_block (graph, "fc1");
  int act2 = nnb_graph_find_block (graph, "act_2");
  const char *bad[] = { "1fc", "fc-1", "class", "", "head", "act", "forward" };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_false (nnb_graph_rename (graph, fc1, bad[i], &error));
      g_assert_error (error, NNB_ERROR, NNB_ERROR_GRAPH);
      g_clear_error (&error);
    }
  g_assert_cmpstr (nnb_graph_get_block (graph, fc1)->name, ==, "fc1");

  /* renaming the module's own block renames the attribute for every call */
  g_assert_true (nnb_graph_rename (graph, nnb_graph_find_block (graph, "act"), "relu", &error));
  g_assert_cmpstr (nnb_graph_get_block (graph, act2)->module, ==, "relu");
  g_assert_cmpstr (nnb_graph_get_block (graph, act2)->name, ==, "act_2");
  g_assert_true (nnb_graph_rename (graph, fc1, "hidden", &error));
  {
    g_autoptr (NnbModel) model = nnb_graph_to_model (graph, &error);
    g_assert_no_error (error);
    g_assert_nonnull (nnb_model_get_parameter (model, "hidden.weight"));
    g_assert_nonnull (nnb_model_get_module (model, "relu"));
  }
}

/* tests/reference/edge_cases.py, case 4: a block that names its module
 * names an attribute of the model, and every name in dir(nn.Module()) is
 * taken (add_module: KeyError "attribute 'state_dict' already exists"). */
static void
test_names_every_nn_module_has_are_refused (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbGraph) graph = build_page_mlp ();
  int fc1 = nnb_graph_find_block (graph, "fc1");
  const char *taken[] = { "forward", "state_dict", "training", "_parameters", "register_module", "T_destination" };

  for (gsize i = 0; i < G_N_ELEMENTS (taken); i++)
    {
      g_autofree char *message = g_strdup_printf (
        "attribute '%s' already exists: every nn.Module has it; choose another name.", taken[i]);
      g_assert_false (nnb_graph_rename (graph, fc1, taken[i], &error));
      g_assert_error (error, NNB_ERROR, NNB_ERROR_GRAPH);
      g_assert_cmpstr (error->message, ==, message);
      g_clear_error (&error);
    }
  g_assert_cmpstr (nnb_graph_get_block (graph, fc1)->name, ==, "fc1");
}

static void
test_delete_drops_wires_and_unused_modules (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbGraph) graph = build_page_mlp ();
  int fc2 = nnb_graph_find_block (graph, "fc2");
  int act = nnb_graph_find_block (graph, "act");
  int act2;

  nnb_graph_remove_blocks (graph, &fc2, 1);
  g_assert_cmpuint (nnb_graph_n_blocks (graph), ==, 7);
  g_assert_cmpuint (graph->modules->len, ==, 3);
  act2 = nnb_graph_find_block (graph, "act_2");
  g_assert_cmpint (nnb_graph_get_block (graph, act2)->inputs[0], ==, -1);
  /* act is still called twice, so its module stays */
  g_assert_cmpuint (nnb_graph_module_calls (graph, "act"), ==, 2);
  act = nnb_graph_find_block (graph, "act");
  {
    int both[] = { act, act2 };
    nnb_graph_remove_blocks (graph, both, 2);
  }
  g_assert_cmpuint (graph->modules->len, ==, 2);
  {
    g_autoptr (NnbModel) model = nnb_graph_to_model (graph, &error);
    g_assert_no_error (error);
    g_assert_false (nnb_model_validate (model, &error));
    g_assert_nonnull (error);
  }
}

static void
test_group_and_ungroup_a_chain (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbGraph) graph = nnb_graph_new ("Model");
  g_autoptr (NnbModel) model = NULL;
  int x = nnb_graph_add_block (graph, NNB_BLOCK_INPUT, 0, 0, &error);
  int a = nnb_graph_add_block (graph, NNB_BLOCK_LINEAR, 160, 0, &error);
  int r = nnb_graph_add_block (graph, NNB_BLOCK_TANH, 320, 0, &error);
  int b = nnb_graph_add_block (graph, NNB_BLOCK_LINEAR, 480, 0, &error);
  int out = nnb_graph_add_block (graph, NNB_BLOCK_OUTPUT, 640, 0, &error);
  int chain[] = { b, a, r };
  int net, first;

  nnb_graph_set_features (graph, a, 1, 8, &error);
  nnb_graph_set_features (graph, b, 8, 1, &error);
  nnb_graph_connect (graph, x, a, 0, &error);
  nnb_graph_connect (graph, a, r, 0, &error);
  nnb_graph_connect (graph, r, b, 0, &error);
  nnb_graph_connect (graph, b, out, 0, &error);
  g_assert_no_error (error);

  /* not a chain: x is not a module */
  {
    int wrong[] = { x, a };
    g_assert_cmpint (nnb_graph_group (graph, wrong, 2, &error), ==, -1);
    g_assert_error (error, NNB_ERROR, NNB_ERROR_GRAPH);
    g_clear_error (&error);
  }
  {
    int gap[] = { a, b };
    g_assert_cmpint (nnb_graph_group (graph, gap, 2, &error), ==, -1);
    g_clear_error (&error);
  }

  net = nnb_graph_group (graph, chain, 3, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (nnb_graph_get_block (graph, net)->name, ==, "net");
  g_assert_cmpuint (nnb_graph_n_blocks (graph), ==, 3);
  model = nnb_graph_to_model (graph, &error);
  g_assert_no_error (error);
  g_assert_true (nnb_model_validate (model, &error));
  g_assert_nonnull (nnb_model_get_parameter (model, "net.0.weight"));
  g_assert_nonnull (nnb_model_get_parameter (model, "net.2.bias"));
  g_assert_cmpint (nnb_model_count_parameters (model), ==, 8 + 8 + 8 + 1);
  g_clear_pointer (&model, nnb_model_unref);

  first = nnb_graph_ungroup (graph, net, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (nnb_graph_n_blocks (graph), ==, 5);
  g_assert_cmpstr (nnb_graph_get_block (graph, first)->name, ==, "fc1");
  model = nnb_graph_to_model (graph, &error);
  g_assert_true (nnb_model_validate (model, &error));
  g_assert_no_error (error);
  g_assert_nonnull (nnb_model_get_parameter (model, "fc2.weight"));
  g_assert_cmpint (nnb_model_count_parameters (model), ==, 25);
}

/* SineNet's layers, seen and edited inside its Sequential: the shape after
 * each (what the open block's inner wires show), one layer resized with
 * PyTorch's message on the next, one removed and the rest renumbered. */
static void
test_layers_inside_a_sequential (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbProject) project = nnb_test_load_example ("sinenet.nnb");
  g_autoptr (NnbGraph) graph = NULL;
  g_autoptr (NnbModel) model = NULL;
  const int64_t input[] = { NNB_DIM_BATCH, 1 };
  NnbNodeShape *shapes = NULL, *layers;
  guint n_layers;
  int net;
  const char *expected[] = { "(B, 64)", "(B, 64)", "(B, 64)", "(B, 64)", "(B, 1)" };

  graph = nnb_graph_from_model (project->model, (const NnbBlockPosition *) project->positions->data,
                                project->positions->len);
  net = nnb_graph_find_block (graph, "net");
  g_assert_cmpint (net, ==, 1);
  g_assert_true (nnb_graph_block_child (graph, net, -1) == nnb_graph_block_module (graph, net));
  g_assert_cmpint (nnb_graph_block_child (graph, net, 2)->out_features, ==, 64);
  g_assert_null (nnb_graph_block_child (graph, net, 5));
  g_assert_null (nnb_graph_block_child (graph, 0, 0));

  g_assert_true (nnb_model_infer_shapes (project->model, 2, input, &shapes, &error));
  layers = nnb_model_layer_shapes (project->model, net, shapes, &n_layers);
  g_assert_cmpuint (n_layers, ==, 5);
  for (guint c = 0; c < n_layers; c++)
    {
      g_autofree char *text = nnb_shape_to_string (layers[c].ndim, layers[c].shape);
      g_assert_cmpstr (text, ==, expected[c]);
      g_assert_null (layers[c].error);
    }
  nnb_node_shapes_free (layers, n_layers);
  /* not a Sequential: nothing inside */
  g_assert_null (nnb_model_layer_shapes (project->model, 0, shapes, &n_layers));
  g_assert_cmpuint (n_layers, ==, 0);
  nnb_node_shapes_free (shapes, project->model->nodes->len);

  /* net.2 made 64 → 32: net.4 (64 → 1) gets PyTorch's message, after it nothing */
  g_assert_true (nnb_graph_set_child_features (graph, net, 2, 64, 32, &error));
  g_assert_false (nnb_graph_set_child_features (graph, net, 1, 64, 32, &error));
  g_assert_error (error, NNB_ERROR, NNB_ERROR_GRAPH);
  g_clear_error (&error);
  g_assert_false (nnb_graph_set_child_features (graph, net, 7, 64, 32, &error));
  g_assert_nonnull (strstr (error->message, "no layer 7"));
  g_clear_error (&error);
  model = nnb_graph_to_model (graph, &error);
  g_assert_no_error (error);
  g_assert_false (nnb_model_infer_shapes (model, 2, input, &shapes, &error));
  g_clear_error (&error);
  layers = nnb_model_layer_shapes (model, net, shapes, &n_layers);
  g_assert_cmpint (layers[2].shape[1], ==, 32);
  g_assert_cmpint (layers[3].shape[1], ==, 32);
  g_assert_cmpstr (layers[4].error, ==, "mat1 and mat2 shapes cannot be multiplied (Bx32 and 64x1)");
  g_assert_cmpint (layers[4].ndim, ==, 0);
  nnb_node_shapes_free (layers, n_layers);
  nnb_node_shapes_free (shapes, model->nodes->len);
  g_clear_pointer (&model, nnb_model_unref);

  /* the Tanh after net.0 removed: the layers after it move up */
  g_assert_true (nnb_graph_remove_child (graph, net, 1, &error));
  g_assert_cmpint (nnb_graph_block_child (graph, net, 1)->kind, ==, NNB_MODULE_LINEAR);
  g_assert_null (nnb_graph_block_child (graph, net, 4));
  model = nnb_graph_to_model (graph, &error);
  g_assert_no_error (error);
  g_assert_nonnull (nnb_model_get_parameter (model, "net.1.weight"));
  g_assert_nonnull (nnb_model_get_parameter (model, "net.3.bias"));
  g_assert_null (nnb_model_get_parameter (model, "net.4.bias"));

  /* the last layer stays */
  for (int k = 0; k < 3; k++)
    g_assert_true (nnb_graph_remove_child (graph, net, 0, &error));
  g_assert_false (nnb_graph_remove_child (graph, net, 0, &error));
  g_assert_nonnull (strstr (error->message, "only this layer left"));
  g_clear_error (&error);
  g_assert_false (nnb_graph_remove_child (graph, 0, 0, &error));
  g_assert_error (error, NNB_ERROR, NNB_ERROR_GRAPH);
}

static void
test_sequential_becomes_a_subclass_when_it_branches (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = nnb_test_source_path ("data/examples/sequential.nnb");
  g_autoptr (NnbProject) project = nnb_project_load (path, &error);
  g_autoptr (NnbGraph) graph = NULL;
  g_autoptr (NnbModel) model = NULL;
  int add;

  g_assert_no_error (error);
  graph = nnb_graph_from_model (project->model, NULL, 0);
  nnb_graph_normalize (graph);
  g_assert_cmpstr (graph->class_name, ==, "Sequential");

  add = nnb_graph_add_block (graph, NNB_BLOCK_ADD, 0, 0, &error);
  g_assert_cmpint (add, >=, 0);
  nnb_graph_normalize (graph);
  g_assert_cmpstr (graph->class_name, ==, "Model");
  model = nnb_graph_to_model (graph, &error);
  g_assert_no_error (error);
  g_assert_nonnull (nnb_model_get_parameter (model, "layer0.weight"));
}

/* A bare module is one call (tests/reference/edge_cases.py, case 2; the
 * reader refuses a bare module called twice): a second call, or an add
 * for a skip around it, makes the model a subclass the file can hold. */
static void
test_bare_module_becomes_a_subclass_when_called_twice (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = nnb_test_source_path ("data/examples/regression.nnb");
  g_autoptr (NnbProject) project = nnb_project_load (path, &error);
  NnbBlockKind kinds[] = { NNB_BLOCK_LINEAR, NNB_BLOCK_ADD };

  g_assert_no_error (error);
  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      g_autoptr (NnbGraph) graph = nnb_graph_from_model (project->model, NULL, 0);
      g_autoptr (NnbModel) model = NULL;
      int linear;

      nnb_graph_normalize (graph);
      g_assert_cmpstr (graph->class_name, ==, "Linear");
      linear = nnb_graph_find_block (graph, "linear");
      g_assert_cmpint (linear, >=, 0);
      if (kinds[k] == NNB_BLOCK_LINEAR)
        g_assert_cmpint (nnb_graph_add_call (graph, linear, 0, 0, &error), >=, 0);
      else
        g_assert_cmpint (nnb_graph_add_block (graph, NNB_BLOCK_ADD, 0, 0, &error), >=, 0);
      g_assert_no_error (error);
      nnb_graph_normalize (graph);
      g_assert_cmpstr (graph->class_name, ==, "Model");
      model = nnb_graph_to_model (graph, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (model->modules->len, ==, 1);
      g_assert_true (nnb_is_python_identifier (model->module_names->pdata[0]));
    }
}

static void
test_layout_keeps_the_skip_connection_straight (void)
{
  g_autoptr (NnbGraph) graph = build_page_mlp ();
  NnbGraphBlock *act, *fc2, *add;

  nnb_graph_layout (graph);
  act = nnb_graph_get_block (graph, nnb_graph_find_block (graph, "act"));
  fc2 = nnb_graph_get_block (graph, nnb_graph_find_block (graph, "fc2"));
  add = nnb_graph_get_block (graph, nnb_graph_find_block (graph, "add"));
  /* one column per step from the input */
  g_assert_cmpfloat (act->x, <, fc2->x);
  g_assert_cmpfloat (fc2->x, <, add->x);
  /* the skipped path moves aside, the skip wire runs straight */
  g_assert_cmpfloat (act->y, ==, add->y);
  g_assert_cmpfloat (fabs (fc2->y - act->y), >=, 40);
}

/* Half a model is work in progress: it saves and opens again as it was. */
static void
test_unfinished_graph_saves_and_opens (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = nnb_test_source_path ("data/examples/mlp-residual.nnb");
  g_autoptr (NnbProject) project = nnb_project_load (path, &error);
  g_autoptr (NnbGraph) graph = nnb_graph_new ("MLP");
  g_autoptr (NnbGraph) again = NULL;
  g_autoptr (NnbProject) reopened = NULL;
  g_autofree char *text = NULL;
  gsize length;
  int x, fc;

  g_assert_no_error (error);
  x = nnb_graph_add_block (graph, NNB_BLOCK_INPUT, 0, 0, &error);
  fc = nnb_graph_add_block (graph, NNB_BLOCK_LINEAR, 160, 0, &error);
  nnb_graph_add_block (graph, NNB_BLOCK_ADD, 320, 40, &error);
  g_assert_true (nnb_graph_connect (graph, x, fc, 0, &error));
  nnb_model_unref (project->model);
  project->model = nnb_graph_to_model (graph, &error);
  g_assert_no_error (error);
  g_array_unref (project->positions);
  project->positions = nnb_graph_positions (graph);

  text = nnb_project_to_data (project, FALSE, &length, &error);
  g_assert_no_error (error);
  reopened = nnb_project_load_from_data (text, length, &error);
  g_assert_no_error (error);
  again = nnb_graph_from_model (reopened->model, (const NnbBlockPosition *) reopened->positions->data,
                                reopened->positions->len);
  g_assert_true (nnb_graph_equal (graph, again));
}

/* A cat block raised to three inputs takes three branches (widths 3 + 4 +
 * 2); lowered to two, the wire into its third input goes, and the copy the
 * editor's undo keeps brings it back */
static void
test_cat_block_takes_more_inputs (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbGraph) graph = nnb_graph_new ("Net");
  g_autoptr (NnbGraph) before = NULL;
  g_autoptr (NnbModel) model = NULL;
  NnbNodeShape *shapes = NULL;
  const int64_t shape[] = { 5, 3 };
  int x = nnb_graph_add_block (graph, NNB_BLOCK_INPUT, 0, 0, &error);
  int fa = nnb_graph_add_block (graph, NNB_BLOCK_LINEAR, 160, 0, &error);
  int fb = nnb_graph_add_block (graph, NNB_BLOCK_LINEAR, 160, 80, &error);
  int cat = nnb_graph_add_block (graph, NNB_BLOCK_CAT, 320, 0, &error);
  int out = nnb_graph_add_block (graph, NNB_BLOCK_OUTPUT, 480, 0, &error);

  g_assert_no_error (error);
  g_assert_cmpint (nnb_graph_get_block (graph, cat)->n_inputs, ==, 2);
  g_assert_true (nnb_graph_set_features (graph, fa, 3, 4, &error));
  g_assert_true (nnb_graph_set_features (graph, fb, 3, 2, &error));
  g_assert_true (nnb_graph_connect (graph, x, fa, 0, &error));
  g_assert_true (nnb_graph_connect (graph, x, fb, 0, &error));
  g_assert_true (nnb_graph_connect (graph, x, cat, 0, &error));
  g_assert_true (nnb_graph_connect (graph, fa, cat, 1, &error));
  /* two slots: no third */
  g_assert_false (nnb_graph_connect (graph, fb, cat, 2, &error));
  g_assert_error (error, NNB_ERROR, NNB_ERROR_GRAPH);
  g_assert_cmpstr (error->message, ==, "The block 'cat' has no input number 3.");
  g_clear_error (&error);
  g_assert_true (nnb_graph_set_n_inputs (graph, cat, 3, &error));
  g_assert_true (nnb_graph_connect (graph, fb, cat, 2, &error));
  g_assert_true (nnb_graph_connect (graph, cat, out, 0, &error));
  g_assert_no_error (error);

  model = nnb_graph_to_model (graph, &error);
  g_assert_no_error (error);
  g_assert_true (nnb_model_validate (model, &error));
  g_assert_true (nnb_model_infer_shapes (model, 2, shape, &shapes, &error));
  g_assert_cmpint (shapes[cat].ndim, ==, 2);
  g_assert_cmpint (shapes[cat].shape[0], ==, 5);
  g_assert_cmpint (shapes[cat].shape[1], ==, 3 + 4 + 2);
  nnb_node_shapes_free (shapes, model->nodes->len);

  /* only a cat has a count to change, and only 2 to 8 */
  g_assert_false (nnb_graph_set_n_inputs (graph, cat, 9, &error));
  g_assert_cmpstr (error->message, ==, "The cat block 'cat' has 9 inputs; a cat block joins 2 to 8 tensors.");
  g_clear_error (&error);
  g_assert_false (nnb_graph_set_n_inputs (graph, cat, 1, NULL));
  g_assert_false (nnb_graph_set_n_inputs (graph, fa, 3, NULL));
  g_assert_cmpint (nnb_graph_get_block (graph, cat)->n_inputs, ==, 3);

  before = nnb_graph_copy (graph);
  g_assert_true (nnb_graph_set_n_inputs (graph, cat, 2, &error));
  g_assert_cmpint (nnb_graph_get_block (graph, cat)->inputs[2], ==, -1);
  g_assert_cmpint (nnb_graph_get_block (graph, cat)->inputs[1], ==, fa);
  g_assert_false (nnb_graph_equal (graph, before));
  /* raised again, the slot comes back empty: the wire is not remembered */
  g_assert_true (nnb_graph_set_n_inputs (graph, cat, 3, &error));
  g_assert_cmpint (nnb_graph_get_block (graph, cat)->inputs[2], ==, -1);
  g_clear_pointer (&model, nnb_model_unref);
  model = nnb_graph_to_model (graph, &error);
  g_assert_false (nnb_model_validate (model, &error));
  g_assert_cmpstr (error->message, ==, "The cat block 'cat' needs 3 inputs; its input 3 is not connected.");
  g_clear_error (&error);
  /* the undo's copy has the wire; a copy of it too */
  {
    g_autoptr (NnbGraph) again = nnb_graph_copy (before);
    g_assert_true (nnb_graph_equal (again, before));
    g_assert_cmpint (nnb_graph_get_block (again, cat)->n_inputs, ==, 3);
    g_assert_cmpint (nnb_graph_get_block (again, cat)->inputs[2], ==, fb);
  }
  /* deleting a branch renumbers the wires of all three slots */
  nnb_graph_remove_blocks (before, &x, 1);
  g_assert_cmpint (nnb_graph_get_block (before, cat - 1)->inputs[0], ==, -1);
  g_assert_cmpint (nnb_graph_get_block (before, cat - 1)->inputs[1], ==, fa - 1);
  g_assert_cmpint (nnb_graph_get_block (before, cat - 1)->inputs[2], ==, fb - 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/graph-edit/page-mlp-built-by-edits-has-353-parameters", test_page_mlp_built_by_edits_has_353_parameters);
  g_test_add_func ("/graph-edit/project-round-trip-keeps-the-graph", test_project_round_trip_keeps_the_graph);
  g_test_add_func ("/graph-edit/layer-norm-block-edits-and-round-trips", test_layer_norm_block_edits_and_round_trips);
  g_test_add_func ("/graph-edit/softmax-blocks-round-trip", test_softmax_blocks_round_trip);
  g_test_add_func ("/graph-edit/wire-closing-a-loop-is-refused", test_wire_closing_a_loop_is_refused);
  g_test_add_func ("/graph-edit/names-are-unique-python-identifiers", test_names_are_unique_python_identifiers);
  g_test_add_func ("/graph-edit/names-every-nn-module-has-are-refused", test_names_every_nn_module_has_are_refused);
  g_test_add_func ("/graph-edit/delete-drops-wires-and-unused-modules", test_delete_drops_wires_and_unused_modules);
  g_test_add_func ("/graph-edit/group-and-ungroup-a-chain", test_group_and_ungroup_a_chain);
  g_test_add_func ("/graph-edit/layers-inside-a-sequential", test_layers_inside_a_sequential);
  g_test_add_func ("/graph-edit/sequential-becomes-a-subclass-when-it-branches", test_sequential_becomes_a_subclass_when_it_branches);
  g_test_add_func ("/graph-edit/bare-module-becomes-a-subclass-when-called-twice",
                   test_bare_module_becomes_a_subclass_when_called_twice);
  g_test_add_func ("/graph-edit/layout-keeps-the-skip-connection-straight", test_layout_keeps_the_skip_connection_straight);
  g_test_add_func ("/graph-edit/unfinished-graph-saves-and-opens", test_unfinished_graph_saves_and_opens);
  g_test_add_func ("/graph-edit/cat-block-takes-more-inputs", test_cat_block_takes_more_inputs);
  return g_test_run ();
}
