/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-softmax.c — nn.Softmax(dim=1) and nn.LogSoftmax(dim=1) against real
 * PyTorch 1.13, bit for bit:
 *
 *  - the CPU's rows (nnb-softmax.h, and the backend table's
 *    softmax_forward and _backward over the same rows) for F = 1, 2, 3, 7,
 *    8, 9, 16, 33 and 100, each with ordinary values and with values near
 *    1000, whose exp overflows unless the row's maximum is subtracted
 *    first, and a case with -inf entries: both outputs and both input
 *    gradients. PyTorch sums in 8 float lanes past 7 columns, one by one
 *    below, and fuses the products of softmax's Σ dy·y and of
 *    log_softmax's backward; another order or a plain product changes bits
 *    here;
 *  - two models, Sequential(Linear(2, 3), Softmax(dim=1)) and the same
 *    with LogSoftmax(dim=1), with MSELoss and SGD: the output and every
 *    .grad of the first backward, then every parameter after each of three
 *    steps.
 *
 * Golden bits: tests/reference/make_softmax_golden.py →
 * tests/data/softmax-golden.json. */
#include <glib.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "nnb-backend.h"
#include "nnb-loss.h"
#include "nnb-model.h"
#include "nnb-optimizer.h"
#include "nnb-softmax.h"
#include "nnb-test-util.h"

static JsonObject *
golden (void)
{
  return nnb_test_golden ("data/softmax-golden.json");
}

static void
assert_bits (JsonObject *c, const char *name, const float *got, gsize n)
{
  nnb_test_assert_float_bits (name, got, n, json_object_get_array_member (c, name));
}

/* the rows one by one, as a loss calls them */
static void
test_rows_are_pytorchs (gconstpointer data)
{
  JsonObject *c = (JsonObject *) data;
  gsize rows = json_object_get_int_member (c, "rows"), cols = json_object_get_int_member (c, "cols");
  g_autofree float *x = nnb_test_floats_of_hex (c, "x", rows * cols);
  g_autofree float *dy = nnb_test_floats_of_hex (c, "dy", rows * cols);
  g_autofree float *y = nnb_test_floats_of_hex (c, "softmax", rows * cols);
  g_autofree float *log_y = nnb_test_floats_of_hex (c, "log_softmax", rows * cols);
  g_autofree float *out = g_new (float, rows *cols);

  for (gsize r = 0; r < rows; r++)
    nnb_softmax_row (x + r * cols, out + r * cols, cols);
  assert_bits (c, "softmax", out, rows * cols);
  for (gsize r = 0; r < rows; r++)
    nnb_softmax_backward_row (y + r * cols, dy + r * cols, out + r * cols, cols, FALSE);
  assert_bits (c, "softmax_dx", out, rows * cols);
  for (gsize r = 0; r < rows; r++)
    nnb_log_softmax_row (x + r * cols, out + r * cols, cols);
  assert_bits (c, "log_softmax", out, rows * cols);
  for (gsize r = 0; r < rows; r++)
    nnb_log_softmax_backward_row (log_y + r * cols, dy + r * cols, out + r * cols, cols, FALSE);
  assert_bits (c, "log_softmax_dx", out, rows * cols);
}

/* the backend table over all rows at once, in place (y = x, dx = dy) as
 * the documentation allows; accumulating adds the same gradient once more */
static void
test_backend_is_pytorchs (gconstpointer data)
{
  JsonObject *c = (JsonObject *) data;
  const NnbBackend *cpu = nnb_backend_cpu ();
  gsize rows = json_object_get_int_member (c, "rows"), cols = json_object_get_int_member (c, "cols");
  gsize n = rows * cols;
  g_autofree float *dy = nnb_test_floats_of_hex (c, "dy", n);

  for (int log = 0; log < 2; log++)
    {
      const char *forward = log ? "log_softmax" : "softmax";
      const char *backward = log ? "log_softmax_dx" : "softmax_dx";
      g_autofree float *y = nnb_test_floats_of_hex (c, "x", n);
      g_autofree float *dx = nnb_test_floats_of_hex (c, "dy", n);
      g_autofree float *twice = nnb_test_floats_of_hex (c, backward, n);

      cpu->softmax_forward (log, y, y, rows, cols);
      assert_bits (c, forward, y, n);
      cpu->softmax_backward (log, y, dx, dx, rows, cols, FALSE);
      assert_bits (c, backward, dx, n);
      for (gsize i = 0; i < n; i++)
        twice[i] = twice[i] + twice[i];
      cpu->softmax_backward (log, y, dy, dx, rows, cols, TRUE);
      g_assert_cmpmem (dx, n * sizeof (float), twice, n * sizeof (float));
    }
}

static void
test_model_trains_like_pytorch (gconstpointer data)
{
  JsonObject *c = (JsonObject *) data;
  JsonArray *steps = json_object_get_array_member (c, "steps");
  gboolean log = g_str_equal (json_object_get_string_member (c, "head"), "LogSoftmax");
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbModule) linear = nnb_test_linear (2, 3, TRUE);
  g_autoptr (NnbModule) head = nnb_softmax_new (log ? NNB_MODULE_LOG_SOFTMAX : NNB_MODULE_SOFTMAX, 1, &error);
  NnbModule *modules[] = { linear, head };
  g_autoptr (NnbModel) model = nnb_model_new_sequential (modules, G_N_ELEMENTS (modules));
  g_autoptr (NnbTensor) x = nnb_tensor_new_2d (8, 2);
  g_autoptr (NnbTensor) target = nnb_tensor_new_2d (8, 3);
  g_autoptr (NnbLoss) loss = nnb_loss_new (NNB_LOSS_MSE);
  g_autoptr (NnbOptimizer) opt = NULL;
  GPtrArray *params = nnb_model_named_parameters (model);
  NnbOptimizerOptions options;
  g_autofree float *xs = nnb_test_floats_of_hex (c, "x", 8 * 2);
  g_autofree float *ts = nnb_test_floats_of_hex (c, "target", 8 * 3);

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
        assert_bits (c, "output", out->data, 8 * 3);
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
  JsonArray *kernels, *models;

  g_test_init (&argc, &argv, NULL);
  kernels = json_object_get_array_member (golden (), "kernels");
  for (guint i = 0; i < json_array_get_length (kernels); i++)
    {
      JsonObject *c = json_array_get_object_element (kernels, i);
      g_autofree char *name = g_strdup_printf ("width-%" G_GINT64_FORMAT "-%s", json_object_get_int_member (c, "cols"),
                                               json_object_get_string_member (c, "label"));
      g_autofree char *rows = g_strdup_printf ("/softmax/rows/%s-is-pytorchs-bits", name);
      g_autofree char *table = g_strdup_printf ("/softmax/backend/%s-is-pytorchs-bits", name);

      g_test_add_data_func (rows, c, test_rows_are_pytorchs);
      g_test_add_data_func (table, c, test_backend_is_pytorchs);
    }
  models = json_object_get_array_member (golden (), "models");
  for (guint i = 0; i < json_array_get_length (models); i++)
    {
      JsonObject *c = json_array_get_object_element (models, i);
      g_autofree char *head = g_ascii_strdown (json_object_get_string_member (c, "head"), -1);
      g_autofree char *path = g_strdup_printf ("/softmax/model/linear-then-%s-trains-three-sgd-steps-like-pytorch", head);
      g_test_add_data_func (path, c, test_model_trains_like_pytorch);
    }
  return g_test_run ();
}
