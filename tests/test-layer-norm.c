/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-layer-norm.c — nn.LayerNorm against real PyTorch 1.13, bit for bit:
 *
 *  - the CPU kernels (the backend table's layer_norm_forward and
 *    _backward) for widths 3, 8, 19, 40 and 300 with weight and bias, and
 *    19 and 4 without: output, mean, rstd, and the input, weight and bias
 *    gradients. PyTorch's kernel computes Welford moments in 8 float lanes
 *    and fuses some multiply-adds; a variance divided by F − 1, another eps
 *    or plain products instead of the fused ones all change bits here;
 *  - a model, Sequential(Linear(3, 19), LayerNorm(19), Tanh(),
 *    Linear(19, 1)) with MSELoss and SGD: the output and every .grad of the
 *    first backward, then every parameter after each of three steps.
 *
 * Golden bits: tests/reference/make_layer_norm_golden.py →
 * tests/data/layer-norm-golden.json. */
#include <glib.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "nnb-backend.h"
#include "nnb-loss.h"
#include "nnb-model.h"
#include "nnb-optimizer.h"
#include "nnb-test-util.h"

static JsonObject *
golden (void)
{
  return nnb_test_golden ("data/layer-norm-golden.json");
}

static void
test_kernel_is_pytorchs (gconstpointer data)
{
  JsonObject *c = (JsonObject *) data;
  const NnbBackend *cpu = nnb_backend_cpu ();
  gsize rows = json_object_get_int_member (c, "rows"), cols = json_object_get_int_member (c, "cols");
  gboolean affine = json_object_get_boolean_member (c, "affine");
  float eps = (float) json_object_get_double_member (c, "eps");
  g_autofree float *x = nnb_test_floats_of_hex (c, "x", rows * cols);
  g_autofree float *dy = nnb_test_floats_of_hex (c, "dy", rows * cols);
  g_autofree float *weight = affine ? nnb_test_floats_of_hex (c, "weight", cols) : NULL;
  g_autofree float *bias = affine ? nnb_test_floats_of_hex (c, "bias", cols) : NULL;
  g_autofree float *y = g_new (float, rows *cols);
  g_autofree float *stats = g_new (float, 2 * rows);
  g_autofree float *dx = g_new (float, rows *cols);
  g_autofree float *dweight = g_new (float, cols);
  g_autofree float *dbias = g_new (float, cols);

  cpu->layer_norm_forward (x, weight, bias, rows, cols, eps, y, stats, stats + rows);
  nnb_test_assert_float_bits ("mean", stats, rows, json_object_get_array_member (c, "mean"));
  nnb_test_assert_float_bits ("rstd", stats + rows, rows, json_object_get_array_member (c, "rstd"));
  nnb_test_assert_float_bits ("output", y, rows * cols, json_object_get_array_member (c, "y"));
  cpu->layer_norm_backward (dy, x, stats, stats + rows, weight, rows, cols, dx, affine ? dweight : NULL,
                            affine ? dbias : NULL);
  nnb_test_assert_float_bits ("input gradient", dx, rows * cols, json_object_get_array_member (c, "dx"));
  if (affine)
    {
      nnb_test_assert_float_bits ("weight gradient", dweight, cols, json_object_get_array_member (c, "dweight"));
      nnb_test_assert_float_bits ("bias gradient", dbias, cols, json_object_get_array_member (c, "dbias"));
    }
}

static void
test_model_trains_like_pytorch (void)
{
  JsonObject *c = json_object_get_object_member (golden (), "model");
  JsonArray *steps = json_object_get_array_member (c, "steps");
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbModule) norm = nnb_layer_norm_new (19, 1e-5, TRUE, &error);
  NnbModule *modules[] = { nnb_test_linear (3, 19, TRUE), norm, nnb_activation_new (NNB_MODULE_TANH),
                           nnb_test_linear (19, 1, TRUE) };
  g_autoptr (NnbModel) model = nnb_model_new_sequential (modules, G_N_ELEMENTS (modules));
  g_autoptr (NnbTensor) x = nnb_tensor_new_2d (8, 3);
  g_autoptr (NnbTensor) target = nnb_tensor_new_2d (8, 1);
  g_autoptr (NnbLoss) loss = nnb_loss_new (NNB_LOSS_MSE);
  g_autoptr (NnbOptimizer) opt = NULL;
  GPtrArray *params = nnb_model_named_parameters (model);
  NnbOptimizerOptions options;
  g_autofree float *xs = nnb_test_floats_of_hex (c, "x", 8 * 3);
  g_autofree float *ts = nnb_test_floats_of_hex (c, "target", 8);

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
      NnbTensor *out;
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
      /* the loss value's own sum is not PyTorch's to the bit (test-step-golden.c) */
      g_assert_cmpfloat (fabs (value - want_loss[0]), <=, 1e-6 * MAX (1.0, fabs (value)));
      g_assert_true (nnb_optimizer_step (opt, &error));
      g_assert_no_error (error);
      nnb_test_assert_parameter_bits (model, json_object_get_object_member (step, "after"), what);
    }
}

int
main (int argc, char *argv[])
{
  JsonArray *kernels;

  g_test_init (&argc, &argv, NULL);
  kernels = json_object_get_array_member (golden (), "kernels");
  for (guint i = 0; i < json_array_get_length (kernels); i++)
    {
      JsonObject *c = json_array_get_object_element (kernels, i);
      g_autofree char *path = g_strdup_printf ("/layer-norm/kernel/width-%" G_GINT64_FORMAT "%s-is-pytorchs-bits",
                                               json_object_get_int_member (c, "cols"),
                                               json_object_get_boolean_member (c, "affine") ? "" : "-without-affine");
      g_test_add_data_func (path, c, test_kernel_is_pytorchs);
    }
  g_test_add_func ("/layer-norm/model-trains-three-sgd-steps-like-pytorch", test_model_trains_like_pytorch);
  return g_test_run ();
}
