/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-data-check.c — a model checked against its project's data before a
 * run, with the message real PyTorch (1.13) gives at the first step:
 *
 *   >>> nn.Linear(3, 16)(torch.randn(200, 1))
 *   RuntimeError: mat1 and mat2 shapes cannot be multiplied (200x1 and 3x16)
 *   >>> nn.MSELoss()(torch.randn(100, 2), torch.randn(100, 1))
 *   UserWarning: Using a target size (torch.Size([100, 1])) that is different
 *   to the input size (torch.Size([100, 2])). This will likely lead to …
 *
 * (the page's residual MLP built by hand beside one-feature data, issue 19) */
#include <glib.h>
#include <string.h>
#include "nnb-data-check.h"
#include "nnb-error.h"
#include "nnb-project.h"
#include "nnb-training-private.h"

/* The page's MLP(3, 16, 1) with its skip connection, on the data given. */
#define RESIDUAL_MLP(DATA, BATCH)                                                                     \
  "{\"format\": \"nnblocks\", \"version\": 1, \"model\": {\"class\": \"MLP\", \"modules\": ["         \
  "{\"name\": \"fc1\", \"type\": \"Linear\", \"in_features\": 3, \"out_features\": 16},"              \
  "{\"name\": \"fc2\", \"type\": \"Linear\", \"in_features\": 16, \"out_features\": 16},"             \
  "{\"name\": \"head\", \"type\": \"Linear\", \"in_features\": 16, \"out_features\": 1},"             \
  "{\"name\": \"act\", \"type\": \"ReLU\"}], \"graph\": {\"nodes\": ["                                \
  "{\"name\": \"x\", \"op\": \"input\"}, {\"name\": \"fc1\", \"op\": \"call\", \"inputs\": [\"x\"]}," \
  "{\"name\": \"act\", \"op\": \"call\", \"module\": \"act\", \"inputs\": [\"fc1\"]},"                \
  "{\"name\": \"fc2\", \"op\": \"call\", \"inputs\": [\"act\"]},"                                     \
  "{\"name\": \"act_2\", \"op\": \"call\", \"module\": \"act\", \"inputs\": [\"fc2\"]},"              \
  "{\"name\": \"add\", \"op\": \"add\", \"inputs\": [\"act_2\", \"act\"]},"                           \
  "{\"name\": \"head\", \"op\": \"call\", \"inputs\": [\"add\"]},"                                    \
  "{\"name\": \"out\", \"op\": \"output\", \"inputs\": [\"head\"]}]}},"                               \
  " \"data\": " DATA ", \"training\": {\"batch_size\": " BATCH "}}"

/* Builds the project and checks its model against its data. */
static gboolean
check (const char *json, char **warning, GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autoptr (NnbProject) project = nnb_project_load_from_data (json, strlen (json), &local);
  g_autoptr (NnbDataset) data = NULL;

  g_assert_no_error (local);
  data = nnb_project_build (project, FALSE, &local);
  g_assert_no_error (local);
  return nnb_model_check_data (project->model, data, &project->training, warning, error);
}

static void
test_three_feature_mlp_on_sine_data_gives_pytorch_error (void)
{
  g_autoptr (GError) error = NULL;

  /* full batch: model(X) sees all 200 rows */
  g_assert_false (check (RESIDUAL_MLP ("{\"kind\": \"sine\"}", "0"), NULL, &error));
  g_assert_error (error, NNB_ERROR, NNB_ERROR_SHAPE);
  g_assert_cmpstr (error->message, ==, "mat1 and mat2 shapes cannot be multiplied (200x1 and 3x16)");
}

static void
test_minibatches_give_the_first_batch_rows (void)
{
  g_autoptr (GError) error = NULL;

  g_assert_false (check (RESIDUAL_MLP ("{\"kind\": \"line\"}", "32"), NULL, &error));
  g_assert_cmpstr (error->message, ==, "mat1 and mat2 shapes cannot be multiplied (32x1 and 3x16)");
  g_clear_error (&error);
  /* a batch larger than the data is the whole data */
  g_assert_false (check (RESIDUAL_MLP ("{\"kind\": \"step\", \"n\": 10}", "32"), NULL, &error));
  g_assert_cmpstr (error->message, ==, "mat1 and mat2 shapes cannot be multiplied (10x1 and 3x16)");
}

static void
test_three_feature_mlp_runs_on_sine_product (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *warning = NULL;

  g_assert_true (check (RESIDUAL_MLP ("{\"kind\": \"sine-product\"}", "32"), &warning, &error));
  g_assert_no_error (error);
  g_assert_null (warning);
}

static void
test_wide_output_warns_as_mse_loss_does (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *warning = NULL;

  g_assert_true (check ("{\"format\": \"nnblocks\", \"version\": 1, \"model\": {\"class\": \"Linear\", \"in_features\": 1,"
                        " \"out_features\": 2}, \"data\": {\"kind\": \"line\"}}",
                        &warning, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (warning, ==,
                   "Using a target size (torch.Size([100, 1])) that is different to the input size "
                   "(torch.Size([100, 2])). This will likely lead to incorrect results due to broadcasting. "
                   "Please ensure they have the same size.");
}

static void
test_incomplete_graph_cannot_run (void)
{
  g_autoptr (GError) error = NULL;

  g_assert_false (check ("{\"format\": \"nnblocks\", \"version\": 1, \"model\": {\"class\": \"Net\", \"modules\": [],"
                         " \"graph\": {\"nodes\": [{\"name\": \"x\", \"op\": \"input\"}]}}}",
                         NULL, &error));
  g_assert_error (error, NNB_ERROR, NNB_ERROR_GRAPH);
}

/* A CSV's inputs are all its columns but the last. */
static void
test_csv_inputs_are_its_columns_but_the_target (void)
{
  g_autoptr (GError) error = NULL;
  const char *json = "{\"format\": \"nnblocks\", \"version\": 1, \"model\": {\"class\": \"Linear\", \"in_features\": 1,"
                     " \"out_features\": 1}}";
  const char *csv = "a,b,y\n1,2,3\n4,5,6\n7,8,9\n";
  g_autoptr (NnbProject) project = nnb_project_load_from_data (json, strlen (json), &error);
  g_autoptr (NnbDataset) data = nnb_dataset_new_from_csv_text (csv, strlen (csv), &error);

  g_assert_no_error (error);
  g_assert_false (nnb_model_check_data (project->model, data, &project->training, NULL, &error));
  g_assert_cmpstr (error->message, ==, "mat1 and mat2 shapes cannot be multiplied (3x2 and 1x1)");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/data-check/three-feature-mlp-on-sine-data-gives-pytorch-error",
                   test_three_feature_mlp_on_sine_data_gives_pytorch_error);
  g_test_add_func ("/data-check/minibatches-give-the-first-batch-rows", test_minibatches_give_the_first_batch_rows);
  g_test_add_func ("/data-check/three-feature-mlp-runs-on-sine-product", test_three_feature_mlp_runs_on_sine_product);
  g_test_add_func ("/data-check/wide-output-warns-as-mse-loss-does", test_wide_output_warns_as_mse_loss_does);
  g_test_add_func ("/data-check/incomplete-graph-cannot-run", test_incomplete_graph_cannot_run);
  g_test_add_func ("/data-check/csv-inputs-are-its-columns-but-the-target", test_csv_inputs_are_its_columns_but_the_target);
  return g_test_run ();
}
