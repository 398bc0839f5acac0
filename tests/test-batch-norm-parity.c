/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-batch-norm-parity.c — nn.BatchNorm1d against real PyTorch 1.13, bit for bit:
 *
 *  - the CPU kernels (the backend table's batch_norm_forward and
 *    _backward) on (rows, features) shapes from 2 × 1 to 100 × 16, with
 *    and without weight and bias: in train mode the output, the batch's
 *    mean and invstd, the running estimates after the update and the
 *    gradients; in eval mode, with those running estimates, the output
 *    and the gradients. A fused multiply-add more or less, a variance
 *    divided by N − 1 or a momentum applied in double all change bits;
 *  - two models, Sequential(Linear(3, 6), BatchNorm1d(6), Tanh(),
 *    Linear(6, 1)) and the same with momentum=None and affine=False, with
 *    MSELoss and SGD in train mode: the output and every .grad of the
 *    first backward, every parameter and buffer after each of three
 *    steps, then the eval-mode output;
 *  - PyTorch's reprs, messages and state_dict counts.
 *
 * Golden bits: tests/reference/make_batch_norm_kernel_golden.py →
 * tests/data/batch-norm-kernel-golden.json. */
#include <glib.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "nnb-backend.h"
#include "nnb-error.h"
#include "nnb-loss.h"
#include "nnb-model.h"
#include "nnb-optimizer.h"
#include "nnb-test-util.h"

static JsonObject *
golden (void)
{
  return nnb_test_golden ("data/batch-norm-kernel-golden.json");
}

static void
test_kernel_is_pytorchs (gconstpointer data)
{
  JsonObject *c = (JsonObject *) data;
  const NnbBackend *cpu = nnb_backend_cpu ();
  gsize rows = json_object_get_int_member (c, "rows"), cols = json_object_get_int_member (c, "cols");
  gboolean affine = json_object_get_boolean_member (c, "affine");
  double eps = json_object_get_double_member (c, "eps");
  float momentum = (float) json_object_get_double_member (c, "momentum");
  g_autofree float *x = nnb_test_floats_of_hex (c, "x", rows * cols);
  g_autofree float *dy = nnb_test_floats_of_hex (c, "dy", rows * cols);
  g_autofree float *weight = affine ? nnb_test_floats_of_hex (c, "weight", cols) : NULL;
  g_autofree float *bias = affine ? nnb_test_floats_of_hex (c, "bias", cols) : NULL;
  g_autofree float *running_mean = nnb_test_floats_of_hex (c, "running_mean", cols);
  g_autofree float *running_var = nnb_test_floats_of_hex (c, "running_var", cols);
  g_autofree float *y = g_new (float, rows *cols);
  g_autofree float *stats = g_new (float, 2 * cols);
  g_autofree float *dx = g_new (float, rows *cols);
  g_autofree float *dweight = g_new (float, cols);
  g_autofree float *dbias = g_new (float, cols);

  cpu->batch_norm_forward (x, rows, cols, weight, bias, TRUE, eps, momentum, running_mean, running_var, y, stats,
                           stats + cols);
  nnb_test_assert_case_bits (c, "save_mean", stats, cols);
  nnb_test_assert_case_bits (c, "save_invstd", stats + cols, cols);
  nnb_test_assert_case_bits (c, "y", y, rows * cols);
  nnb_test_assert_case_bits (c, "running_mean_after", running_mean, cols);
  nnb_test_assert_case_bits (c, "running_var_after", running_var, cols);
  cpu->batch_norm_backward (dy, x, rows, cols, weight, stats, stats + cols, TRUE, dx, dweight, dbias);
  nnb_test_assert_case_bits (c, "dx", dx, rows * cols);
  nnb_test_assert_case_bits (c, "dweight", dweight, cols);
  nnb_test_assert_case_bits (c, "dbias", dbias, cols);

  /* eval mode: the running estimates the step above left */
  cpu->batch_norm_forward (x, rows, cols, weight, bias, FALSE, eps, momentum, running_mean, running_var, y, stats,
                           stats + cols);
  nnb_test_assert_case_bits (c, "y_eval", y, rows * cols);
  nnb_test_assert_case_bits (c, "running_mean_after", running_mean, cols);
  cpu->batch_norm_backward (dy, x, rows, cols, weight, stats, stats + cols, FALSE, dx, dweight, dbias);
  nnb_test_assert_case_bits (c, "dx_eval", dx, rows * cols);
  nnb_test_assert_case_bits (c, "dweight_eval", dweight, cols);
  nnb_test_assert_case_bits (c, "dbias_eval", dbias, cols);
}

static void
assert_buffers (NnbModel *model, JsonObject *step, const char *what)
{
  JsonObject *by_name = json_object_get_object_member (step, "buffers");
  NnbBuffer *count = nnb_model_get_buffer (model, "1.num_batches_tracked");
  const char *names[] = { "1.running_mean", "1.running_var" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      NnbBuffer *buffer = nnb_model_get_buffer (model, names[i]);
      g_autofree float *values = g_new (float, buffer->value->numel);
      g_autofree char *label = g_strdup_printf ("%s: %s", what, names[i]);

      nnb_tensor_read (buffer->value, values);
      nnb_test_assert_float_bits (label, values, buffer->value->numel,
                                  json_object_get_array_member (by_name, names[i]));
    }
  g_assert_nonnull (count);
  g_assert_cmpint (count->count, ==, json_object_get_int_member (step, "num_batches_tracked"));
}

static void
test_model_trains_like_pytorch (gconstpointer data)
{
  JsonObject *c = (JsonObject *) data;
  JsonArray *steps = json_object_get_array_member (c, "steps");
  gboolean affine = json_object_get_boolean_member (c, "affine");
  gboolean has_momentum = !json_object_get_null_member (c, "momentum");
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbModule) norm = nnb_batch_norm_new (6, 1e-5, has_momentum ? json_object_get_double_member (c, "momentum") : 0.0,
                                                   has_momentum, affine, TRUE, &error);
  NnbModule *modules[] = { nnb_test_linear (3, 6, TRUE), norm, nnb_activation_new (NNB_MODULE_TANH),
                           nnb_test_linear (6, 1, TRUE) };
  g_autoptr (NnbModel) model = nnb_model_new_sequential (modules, G_N_ELEMENTS (modules));
  g_autoptr (NnbTensor) x = nnb_tensor_new_2d (8, 3);
  g_autoptr (NnbTensor) target = nnb_tensor_new_2d (8, 1);
  g_autoptr (NnbLoss) loss = nnb_loss_new (NNB_LOSS_MSE);
  g_autoptr (NnbOptimizer) opt = NULL;
  GPtrArray *params = nnb_model_named_parameters (model);
  NnbOptimizerOptions options;
  g_autofree float *xs = nnb_test_floats_of_hex (c, "x", 8 * 3);
  g_autofree float *ts = nnb_test_floats_of_hex (c, "target", 8);
  NnbTensor *out;

  for (guint i = 0; i < G_N_ELEMENTS (modules); i++)
    if (modules[i] != norm)
      nnb_module_unref (modules[i]);
  g_assert_no_error (error);
  nnb_tensor_write (x, xs);
  nnb_tensor_write (target, ts);
  nnb_test_load_parameter_bits (model, json_object_get_object_member (c, "initial"));
  nnb_optimizer_options_init (&options, NNB_OPTIMIZER_SGD);
  options.lr = json_object_get_double_member (c, "lr");
  opt = nnb_optimizer_new (model, &options, &error);
  g_assert_no_error (error);

  for (guint s = 0; s < json_array_get_length (steps); s++)
    {
      JsonObject *step = json_array_get_object_element (steps, s);
      g_autofree float *want_loss = nnb_test_floats_of_hex (step, "loss", 1);
      g_autofree char *what = g_strdup_printf ("after step %u", s + 1);
      double value;

      nnb_optimizer_zero_grad (opt);
      out = nnb_model_forward (model, x, &error);
      g_assert_no_error (error);
      g_assert_true (nnb_loss_forward (loss, out, target, &value, &error));
      if (s == 0)
        nnb_test_assert_float_bits ("output", out->data, 8, json_object_get_array_member (c, "output"));
      g_assert_true (nnb_model_backward (model, nnb_loss_grad (loss), &error));
      g_assert_no_error (error);
      if (s == 0)
        nnb_test_assert_grad_bits (params, json_object_get_object_member (c, "grad"));
      g_assert_cmpfloat (fabs (value - want_loss[0]), <=, 1e-6 * MAX (1.0, fabs (value)));
      g_assert_true (nnb_optimizer_step (opt, &error));
      g_assert_no_error (error);
      nnb_test_assert_parameter_bits (model, json_object_get_object_member (step, "after"), what);
      assert_buffers (model, step, what);
    }
  nnb_model_eval (model);
  out = nnb_model_forward (model, x, &error);
  g_assert_no_error (error);
  nnb_test_assert_float_bits ("eval output", out->data, 8, json_object_get_array_member (c, "eval_output"));
  /* eval mode leaves the running estimates and the count alone */
  assert_buffers (model, json_array_get_object_element (steps, json_array_get_length (steps) - 1), "after eval");
}

static JsonObject *
messages (void)
{
  return json_object_get_object_member (golden (), "messages");
}

static NnbModel *
norm_model (NnbModule *norm)
{
  NnbModule *modules[] = { norm };
  return nnb_model_new_sequential (modules, 1);
}

static void
assert_forward_fails (NnbModel *model, int64_t rows, int64_t cols, const char *want)
{
  g_autoptr (GError) error = NULL;
  int64_t shape[2] = { rows, cols };
  g_autoptr (NnbTensor) x = nnb_tensor_new_cpu (cols > 0 ? 2 : 1, shape);

  g_assert_null (nnb_model_forward (model, x, &error));
  g_assert_nonnull (error);
  g_assert_cmpstr (error->message, ==, want);
}

static void
test_messages_are_pytorchs (void)
{
  JsonArray *reprs = json_object_get_array_member (messages (), "repr");
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbModule) bn = nnb_batch_norm_new (4, 1e-5, 0.1, TRUE, TRUE, TRUE, &error);
  g_autoptr (NnbModule) plain = nnb_batch_norm_new (3, 1e-3, 0.0, FALSE, FALSE, FALSE, &error);
  g_autoptr (NnbModule) untracked = nnb_batch_norm_new (4, 1e-5, 0.1, TRUE, TRUE, FALSE, &error);
  g_autoptr (NnbModel) model = norm_model (bn);
  g_autoptr (NnbModel) untracked_model = norm_model (untracked);
  g_autofree char *repr = nnb_module_repr (bn, 0);
  g_autofree char *plain_repr = nnb_module_repr (plain, 0);

  g_assert_no_error (error);
  g_assert_cmpstr (repr, ==, json_array_get_string_element (reprs, 0));
  g_assert_cmpstr (plain_repr, ==, json_array_get_string_element (reprs, 1));
  assert_forward_fails (model, 5, 3, json_object_get_string_member (messages (), "features"));
  assert_forward_fails (model, 1, 4, json_object_get_string_member (messages (), "one-row"));
  assert_forward_fails (model, 4, 0, json_object_get_string_member (messages (), "one-dim"));
  assert_forward_fails (untracked_model, 5, 3, json_object_get_string_member (messages (), "weight-features"));
  /* eval mode normalises one row with the running estimates; without
   * them, one row has no batch statistics in either mode */
  nnb_model_eval (model);
  {
    g_autoptr (NnbTensor) one = nnb_tensor_new_2d (1, 4);
    g_assert_nonnull (nnb_model_forward (model, one, &error));
    g_assert_no_error (error);
  }
  nnb_model_eval (untracked_model);
  assert_forward_fails (untracked_model, 1, 4, json_object_get_string_member (messages (), "one-row"));
}

static void
test_refuses_bad_arguments (void)
{
  g_autoptr (GError) error = NULL;

  g_assert_null (nnb_batch_norm_new (0, 1e-5, 0.1, TRUE, TRUE, TRUE, &error));
  g_assert_error (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "num_features"));
  g_clear_error (&error);
  g_assert_null (nnb_batch_norm_new (4, 0.0, 0.1, TRUE, TRUE, TRUE, &error));
  g_assert_error (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_null (nnb_batch_norm_new (4, 1e-5, NAN, TRUE, TRUE, TRUE, &error));
  g_assert_error (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT);
}

/* state_dict() holds what parameters() does not: the counts PyTorch gives */
static void
test_state_dict_counts_buffers (void)
{
  JsonObject *counts = json_object_get_object_member (messages (), "counts");
  JsonArray *keys = json_object_get_array_member (counts, "keys");
  g_autoptr (GError) error = NULL;
  NnbModule *modules[] = { nnb_test_linear (2, 4, TRUE), nnb_batch_norm_new (4, 1e-5, 0.1, TRUE, TRUE, TRUE, &error) };
  g_autoptr (NnbModel) model = nnb_model_new_sequential (modules, 2);
  g_autoptr (GPtrArray) state = nnb_model_state_dict (model);

  g_assert_no_error (error);
  nnb_module_unref (modules[0]);
  nnb_module_unref (modules[1]);
  g_assert_cmpint (nnb_model_count_parameters (model), ==, json_object_get_int_member (counts, "parameters"));
  g_assert_cmpuint (state->len, ==, json_object_get_int_member (counts, "state_dict"));
  g_assert_cmpint (nnb_model_count_parameters (model) + nnb_model_count_buffers (model), ==,
                   json_object_get_int_member (counts, "state_dict_values"));
  for (guint i = 0; i < state->len; i++)
    g_assert_cmpstr (((NnbStateEntry *) state->pdata[i])->name, ==, json_array_get_string_element (keys, i));
  /* buffers are no parameters: the optimizer never sees them */
  g_assert_cmpuint (nnb_model_named_parameters (model)->len, ==, 4);
}

/* The app's pictures in train mode: batch statistics, buffers untouched */
static void
test_keep_buffers_leaves_running_estimates (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbModule) bn = nnb_batch_norm_new (2, 1e-5, 0.1, TRUE, TRUE, TRUE, &error);
  g_autoptr (NnbModel) model = norm_model (bn);
  float xs[6] = { 1, 2, 3, 5, -1, 0 }, mean[2], var[2];
  int64_t shape[2] = { 3, 2 };
  g_autoptr (NnbTensor) x = nnb_tensor_new_from_data (2, shape, xs);
  NnbTensor *out;

  g_assert_no_error (error);
  g_assert_false (nnb_model_keep_buffers (model, TRUE));
  out = nnb_model_forward (model, x, &error);
  g_assert_no_error (error);
  /* normalised with the batch's statistics: feature 0 has mean 1 and variance 8/3 */
  g_assert_cmpfloat_with_epsilon (out->data[2], 1.2247f, 1e-4);
  nnb_tensor_read (nnb_module_get_buffer (bn, "running_mean")->value, mean);
  nnb_tensor_read (nnb_module_get_buffer (bn, "running_var")->value, var);
  g_assert_cmpfloat (mean[0], ==, 0.0f);
  g_assert_cmpfloat (var[1], ==, 1.0f);
  g_assert_cmpint (nnb_module_get_buffer (bn, "num_batches_tracked")->count, ==, 0);
  g_assert_true (nnb_model_keep_buffers (model, FALSE));
  g_assert_nonnull (nnb_model_forward (model, x, &error));
  g_assert_cmpint (nnb_module_get_buffer (bn, "num_batches_tracked")->count, ==, 1);
  nnb_tensor_read (nnb_module_get_buffer (bn, "running_mean")->value, mean);
  g_assert_cmpfloat_with_epsilon (mean[0], 0.1f, 1e-6);
}

int
main (int argc, char *argv[])
{
  JsonArray *kernels, *models;

  g_test_init (&argc, &argv, NULL);
  kernels = json_object_get_array_member (golden (), "kernels");
  for (guint i = 0; i < json_array_get_length (kernels); i++)
    {
      JsonObject *c = json_array_get_object_element (kernels, i);
      g_autofree char *path = g_strdup_printf (
        "/batch-norm/kernel/%" G_GINT64_FORMAT "x%" G_GINT64_FORMAT "-momentum-%g%s-is-pytorchs-bits",
        json_object_get_int_member (c, "rows"), json_object_get_int_member (c, "cols"),
        json_object_get_double_member (c, "momentum"), json_object_get_boolean_member (c, "affine") ? "" : "-without-affine");
      g_test_add_data_func (path, c, test_kernel_is_pytorchs);
    }
  models = json_object_get_array_member (golden (), "models");
  g_test_add_data_func ("/batch-norm/model-trains-three-sgd-steps-like-pytorch", json_array_get_object_element (models, 0),
                        test_model_trains_like_pytorch);
  g_test_add_data_func ("/batch-norm/model-with-momentum-none-without-affine-like-pytorch",
                        json_array_get_object_element (models, 1), test_model_trains_like_pytorch);
  g_test_add_func ("/batch-norm/messages-are-pytorchs", test_messages_are_pytorchs);
  g_test_add_func ("/batch-norm/refuses-bad-arguments", test_refuses_bad_arguments);
  g_test_add_func ("/batch-norm/state-dict-counts-buffers", test_state_dict_counts_buffers);
  g_test_add_func ("/batch-norm/keep-buffers-leaves-running-estimates", test_keep_buffers_leaves_running_estimates);
  return g_test_run ();
}
