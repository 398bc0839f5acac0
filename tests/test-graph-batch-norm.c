/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-graph-batch-norm.c — a BatchNorm1d block in the editor's model: its
 * arguments reach the module the graph builds and come back from it,
 * refused values say why and change nothing, and the counts are PyTorch
 * 1.13's: nn.Sequential(nn.Linear(2, 4), nn.BatchNorm1d(4)) has 20
 * parameters and 7 state_dict() entries holding 29 values. */
#include <math.h>

#include "nnb-error.h"
#include "nnb-graph-private.h"
#include "nnb-test-util.h"

/* x → Linear(2, 4) → BatchNorm1d → out, as the palette makes it */
static NnbGraph *
linear_then_batch_norm (int *bn)
{
  g_autoptr (GError) error = NULL;
  NnbGraph *graph = nnb_graph_new ("Model");
  int x = nnb_graph_add_block (graph, NNB_BLOCK_INPUT, 0, 0, &error);
  int fc = nnb_graph_add_block (graph, NNB_BLOCK_LINEAR, 160, 0, &error);
  int out;

  *bn = nnb_graph_add_block (graph, NNB_BLOCK_BATCH_NORM, 320, 0, &error);
  out = nnb_graph_add_block (graph, NNB_BLOCK_OUTPUT, 480, 0, &error);
  g_assert_no_error (error);
  g_assert_true (nnb_graph_set_features (graph, fc, 2, 4, &error));
  g_assert_true (nnb_graph_connect (graph, x, fc, 0, &error));
  g_assert_true (nnb_graph_connect (graph, fc, *bn, 0, &error));
  g_assert_true (nnb_graph_connect (graph, *bn, out, 0, &error));
  g_assert_no_error (error);
  return graph;
}

static void
test_palette_block_is_bn_with_pytorch_defaults (void)
{
  g_autoptr (NnbGraph) graph = nnb_graph_new ("Model");
  g_autoptr (GError) error = NULL;
  NnbBlockKind kind;
  int bn = nnb_graph_add_block (graph, NNB_BLOCK_BATCH_NORM, 0, 0, &error);
  const NnbGraphModule *module = nnb_graph_block_module (graph, bn);

  g_assert_no_error (error);
  g_assert_cmpstr (nnb_graph_get_block (graph, bn)->name, ==, "bn");
  g_assert_cmpstr (nnb_block_kind_to_string (NNB_BLOCK_BATCH_NORM), ==, "BatchNorm1d");
  g_assert_true (nnb_block_kind_from_string ("BatchNorm1d", &kind));
  g_assert_cmpint (kind, ==, NNB_BLOCK_BATCH_NORM);
  g_assert_cmpint (module->kind, ==, NNB_MODULE_BATCH_NORM);
  g_assert_cmpfloat (module->eps, ==, 1e-5);
  g_assert_cmpfloat (module->momentum, ==, 0.1);
  g_assert_true (module->has_momentum && module->affine && module->track_running_stats);
  /* a second one is bn_2, as act_2 */
  bn = nnb_graph_add_block (graph, NNB_BLOCK_BATCH_NORM, 0, 100, &error);
  g_assert_cmpstr (nnb_graph_get_block (graph, bn)->name, ==, "bn_2");
}

static void
test_sequential_counts_as_pytorch (void)
{
  int bn;
  g_autoptr (NnbGraph) graph = linear_then_batch_norm (&bn);
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbModel) model = NULL;
  g_autoptr (GPtrArray) state = NULL;
  /* self.fc1, self.bn: the Sequential's counts, under the blocks' names */
  static const char *const names[] = { "fc1.weight", "fc1.bias", "bn.weight", "bn.bias", "bn.running_mean", "bn.running_var",
                                       "bn.num_batches_tracked" };

  g_assert_true (nnb_graph_set_batch_norm (graph, bn, -1, 4, 1e-5, 0.1, TRUE, TRUE, TRUE, &error));
  model = nnb_graph_to_model (graph, &error);
  g_assert_no_error (error);
  g_assert_true (nnb_model_validate (model, &error));
  g_assert_cmpint (nnb_model_count_parameters (model), ==, 20);
  state = nnb_model_state_dict (model);
  g_assert_cmpuint (state->len, ==, G_N_ELEMENTS (names));
  for (guint i = 0; i < state->len; i++)
    g_assert_cmpstr (((NnbStateEntry *) state->pdata[i])->name, ==, names[i]);
  g_assert_cmpint (nnb_model_count_parameters (model) + nnb_model_count_buffers (model), ==, 29);
}

static void
test_arguments_reach_the_module_and_come_back (void)
{
  int bn;
  g_autoptr (NnbGraph) graph = linear_then_batch_norm (&bn);
  g_autoptr (NnbGraph) back = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbModel) model = NULL;
  g_autofree char *line = NULL;

  g_assert_true (nnb_graph_set_batch_norm (graph, bn, -1, 4, 1e-3, 0.3, FALSE, FALSE, TRUE, &error));
  g_assert_no_error (error);
  model = nnb_graph_to_model (graph, &error);
  g_assert_no_error (error);
  line = nnb_module_repr (nnb_model_get_module (model, nnb_graph_get_block (graph, bn)->module), 0);
  g_assert_cmpstr (line, ==, "BatchNorm1d(4, eps=0.001, momentum=None, affine=False, track_running_stats=True)");
  /* affine=False: no weight and bias, the three buffers all the same */
  g_assert_cmpint (nnb_model_count_parameters (model), ==, 12);
  g_assert_cmpint (nnb_model_count_buffers (model), ==, 9);

  /* the model back as a graph: the same arguments, None included */
  back = nnb_graph_from_model (model, NULL, 0);
  g_assert_cmpint (nnb_graph_block_module (back, bn)->num_features, ==, 4);
  g_assert_cmpfloat (nnb_graph_block_module (back, bn)->eps, ==, 1e-3);
  g_assert_false (nnb_graph_block_module (back, bn)->has_momentum);
  g_assert_false (nnb_graph_block_module (back, bn)->affine);
  g_assert_true (nnb_graph_block_module (back, bn)->track_running_stats);
  /* track_running_stats=False: no buffers at all */
  g_assert_true (nnb_graph_set_batch_norm (back, bn, -1, 4, 1e-3, 0.1, FALSE, FALSE, FALSE, &error));
  g_clear_pointer (&model, nnb_model_unref);
  model = nnb_graph_to_model (back, &error);
  g_assert_no_error (error);
  g_assert_cmpint (nnb_model_count_buffers (model), ==, 0);
}

static void
test_refused_values_say_why (void)
{
  int bn;
  g_autoptr (NnbGraph) graph = linear_then_batch_norm (&bn);
  g_autoptr (NnbGraph) before = nnb_graph_copy (graph);
  GError *error = NULL;

  g_assert_false (nnb_graph_set_batch_norm (graph, bn, -1, 0, 1e-5, 0.1, TRUE, TRUE, TRUE, &error));
  g_assert_error (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (error->message, ==,
                   "BatchNorm1d(0): num_features must be a positive whole number, the number of features it normalises.");
  g_clear_error (&error);
  g_assert_false (nnb_graph_set_batch_norm (graph, bn, -1, 4, 0, 0.1, TRUE, TRUE, TRUE, &error));
  g_assert_cmpstr (error->message, ==, "eps must be a small number greater than 0, such as 1e-05 (got 0).");
  g_clear_error (&error);
  g_assert_false (nnb_graph_set_batch_norm (graph, bn, -1, 4, 1e-5, NAN, TRUE, TRUE, TRUE, &error));
  g_assert_true (g_str_has_prefix (error->message, "momentum must be a number such as 0.1"));
  g_clear_error (&error);
  /* None takes no number: a NaN momentum is not looked at */
  g_assert_true (nnb_graph_set_batch_norm (graph, bn, -1, 4, 1e-5, NAN, FALSE, TRUE, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (nnb_graph_set_batch_norm (graph, bn, -1, 1, 1e-5, 0.1, TRUE, TRUE, TRUE, &error));
  g_assert_true (nnb_graph_equal (graph, before));
  /* and a Linear has no such arguments */
  g_assert_false (nnb_graph_set_batch_norm (graph, 1, -1, 4, 1e-5, 0.1, TRUE, TRUE, TRUE, &error));
  g_assert_cmpstr (error->message, ==, "Only a BatchNorm1d block has num_features, eps and momentum.");
  g_clear_error (&error);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/graph/batch-norm/palette-block-is-bn-with-pytorch-defaults", test_palette_block_is_bn_with_pytorch_defaults);
  g_test_add_func ("/graph/batch-norm/sequential-counts-as-pytorch", test_sequential_counts_as_pytorch);
  g_test_add_func ("/graph/batch-norm/arguments-reach-the-module-and-come-back", test_arguments_reach_the_module_and_come_back);
  g_test_add_func ("/graph/batch-norm/refused-values-say-why", test_refused_values_say_why);
  return g_test_run ();
}
