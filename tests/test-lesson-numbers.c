/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-lesson-numbers.c — the Day 2 page's programs through nnblocks-cli,
 * giving real PyTorch 1.13's numbers (shared/lesson/FACTS.md), not the
 * page's illustrative ones. */
#include <glib.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include "nnb-loss.h"
#include "nnb-model-private.h"
#include "nnb-test-util.h"

typedef struct
{
  int status;
  char *out;
  char *err;
} CliResult;

static void
cli_result_clear (CliResult *result)
{
  g_free (result->out);
  g_free (result->err);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CliResult, cli_result_clear)

static void
run_cli (CliResult *result, const char *example, ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *path = g_strdup_printf ("data/examples/%s", example);
  va_list args;

  g_ptr_array_add (argv, g_strdup (g_getenv ("NNB_CLI")));
  g_ptr_array_add (argv, g_strdup ("train"));
  g_ptr_array_add (argv, nnb_test_source_path (path));
  va_start (args, example);
  for (const char *arg = va_arg (args, const char *); arg; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, g_strdup (arg));
  va_end (args);
  g_ptr_array_add (argv, NULL);
  result->status = nnb_test_run ((const char *const *) argv->pdata, &result->out, &result->err);
}

static void
test_regression_prints_pytorch_losses_and_line (void)
{
  g_auto (CliResult) r = { 0 };

  run_cli (&r, "regression.nnb", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.out, ==,
                   "epoch   0 loss 561.6481\n"
                   "epoch  50 loss 0.8754\n"
                   "epoch 100 loss 0.6011\n"
                   "epoch 150 loss 0.4378\n"
                   "epoch 199 loss 0.3421\n"
                   "learned: y = 3.077x + 1.432 (true: y = 3x + 2)\n");
}

/* the epoch in "…at epoch N…" or "converged at epoch N" */
static int
epoch_in (const char *text, const char *prefix)
{
  const char *at = strstr (text, prefix);
  g_assert_nonnull (at);
  return atoi (at + strlen (prefix));
}

static void
test_sinenet_diverges_at_lr_0_1 (void)
{
  g_auto (CliResult) r = { 0 };

  run_cli (&r, "sinenet.nnb", "--lr", "0.1", "--log-every", "1", NULL);
  g_assert_cmpint (r.status, ==, 3);
  /* FACTS.md: 0.5604, 5.8015, 32.3362 at epochs 0–2, NaN at epoch 25 */
  g_assert_true (g_str_has_prefix (r.out, "epoch   0 loss 0.5604\nepoch   1 loss 5.8015\nepoch   2 loss 32.3362\n"));
  g_assert_cmpint (ABS (epoch_in (r.err, "diverged at epoch ") - 25), <=, 2);
  g_assert_nonnull (strstr (r.err, "nan"));
  g_assert_nonnull (strstr (r.err, "smaller learning rate"));
}

static void
test_sinenet_converges_at_lr_0_05 (void)
{
  g_auto (CliResult) r = { 0 };

  run_cli (&r, "sinenet.nnb", "--log-every", "0", NULL);
  g_assert_cmpint (r.status, ==, 0);
  /* tests/reference/lesson_numbers.py: PyTorch (AVX2 kernels, OpenBLAS's
   * Haswell kernel, one thread) prints the same */
  g_assert_cmpint (epoch_in (r.out, "converged at epoch "), ==, 1543);
  g_assert_nonnull (strstr (r.out, "converged at epoch 1543, loss 0.0200\n"));
}

static void
test_sinenet_lr_0_01_ends_at_0_0332 (void)
{
  g_auto (CliResult) r = { 0 };

  run_cli (&r, "sinenet.nnb", "--lr", "0.01", "--log-every", "0", NULL);
  g_assert_cmpint (r.status, ==, 0);
  /* tests/reference/lesson_numbers.py prints 0.0332 too (FACTS.md's 0.0330
   * came from PyTorch's AVX-512 kernels, which sum in another order) */
  g_assert_cmpstr (r.out, ==, "final loss 0.0332\n");
}

static void
test_straight_line_cannot_fit_the_sine (void)
{
  g_auto (CliResult) r = { 0 };

  run_cli (&r, "sine-linear.nnb", "--log-every", "0", "--until-loss", "0.0001", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (g_str_has_prefix (r.out, "final loss 0.2109\n"));
}

/* torch.manual_seed(42); model.apply(init_weights) on the page's MLP, then
 * model.fc1.weight.std(): 0.3105 (the page says 0.2323) */
static void
test_xavier_init_gives_std_0_3105 (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree NnbGenerator *gen = nnb_generator_new (42);
  g_autoptr (NnbTensor) weight = nnb_tensor_new_2d (16, 3);
  double mean = 0, var = 0;

  g_assert_true (nnb_init_xavier_uniform_ (weight, 1.0, gen, &error));
  for (int i = 0; i < 48; i++)
    mean += weight->data[i] / 48.0;
  for (int i = 0; i < 48; i++)
    var += (weight->data[i] - mean) * (weight->data[i] - mean) / 47.0;
  g_assert_cmpfloat (round (sqrt (var) * 1e4) / 1e4, ==, 0.3105);
}

/* FACTS.md: seed 0, Linear(1, 1), X = ones(4, 1), target zeros, MSELoss,
 * backward three times without zero_grad */
static void
test_gradients_accumulate_without_zero_grad (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree NnbGenerator *gen = nnb_generator_new (0);
  g_autoptr (NnbModule) layer = nnb_linear_new (1, 1, TRUE, gen, &error);
  NnbModule *modules[] = { layer };
  g_autoptr (NnbModel) model = nnb_model_new_sequential (modules, 1);
  g_autoptr (NnbTensor) x = nnb_tensor_new_2d (4, 1);
  g_autoptr (NnbTensor) y = nnb_tensor_new_2d (4, 1);
  g_autoptr (NnbLoss) loss = nnb_loss_new (NNB_LOSS_MSE);
  const float expected[3] = { 1.0579135f, 2.1158271f, 3.1737406f };
  NnbParameter *weight = nnb_model_get_parameter (model, "0.weight");

  nnb_tensor_fill (x, 1.0f);
  for (int i = 0; i < 3; i++)
    {
      double value;
      NnbTensor *pred = nnb_model_forward (model, x, &error);
      g_assert_no_error (error);
      g_assert_true (nnb_loss_forward (loss, pred, y, &value, &error));
      g_assert_true (nnb_model_backward (model, nnb_loss_grad (loss), &error));
      g_assert_cmpfloat_with_epsilon (weight->grad->data[0], expected[i], 2e-7);
    }
  nnb_model_zero_grad (model);
  g_assert_cmpfloat (weight->grad->data[0], ==, 0.0f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/lesson/xavier-init-gives-std-0.3105", test_xavier_init_gives_std_0_3105);
  g_test_add_func ("/lesson/gradients-accumulate-without-zero-grad", test_gradients_accumulate_without_zero_grad);
  g_test_add_func ("/lesson/regression-prints-pytorch-losses-and-line", test_regression_prints_pytorch_losses_and_line);
  g_test_add_func ("/lesson/sinenet-diverges-at-lr-0.1", test_sinenet_diverges_at_lr_0_1);
  g_test_add_func ("/lesson/sinenet-converges-at-lr-0.05", test_sinenet_converges_at_lr_0_05);
  g_test_add_func ("/lesson/sinenet-lr-0.01-ends-at-0.0332", test_sinenet_lr_0_01_ends_at_0_0332);
  g_test_add_func ("/lesson/straight-line-cannot-fit-the-sine", test_straight_line_cannot_fit_the_sine);
  return g_test_run ();
}
