/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-cli-step.c — `nnblocks-cli step FILE.nnb --explain` (issue 23):
 * its printout, compared with golden text (whose numbers
 * test-step-explain.c checks against PyTorch), the accumulation without
 * zero_grad, and the usage mistakes.
 *
 * The golden files are this program's own output: after a deliberate
 * change, run it with NNB_UPDATE_GOLDEN=1 to rewrite them, and read the
 * diff. */
#include <glib.h>
#include <string.h>

#include "nnb-test-util.h"

/* Runs nnblocks-cli with args (NULL-terminated); "@name" names a file
 * under data/examples. Returns the exit status. */
static int
cli (char **out, char **err, const char *const *args)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_add (argv, g_strdup (g_getenv ("NNB_CLI")));
  for (const char *const *arg = args; *arg != NULL; arg++)
    if ((*arg)[0] == '@')
      {
        g_autofree char *rel = g_strdup_printf ("data/examples/%s", *arg + 1);
        g_ptr_array_add (argv, nnb_test_source_path (rel));
      }
    else
      g_ptr_array_add (argv, g_strdup (*arg));
  g_ptr_array_add (argv, NULL);
  return nnb_test_run ((const char *const *) argv->pdata, out, err);
}

static void
assert_golden (const char *name, const char *const *args)
{
  g_autofree char *relative = g_strdup_printf ("data/%s", name);
  g_autofree char *path = nnb_test_path (relative);
  g_autofree char *out = NULL, *err = NULL, *want = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (cli (&out, &err, args), ==, 0);
  g_assert_cmpstr (err, ==, "");
  if (g_strcmp0 (g_getenv ("NNB_UPDATE_GOLDEN"), "1") == 0)
    {
      g_autofree char *source = nnb_test_source_path ("tests");
      g_autofree char *target = g_build_filename (source, relative, NULL);

      g_assert_true (g_file_set_contents (target, out, -1, &error));
      return;
    }
  g_assert_true (g_file_get_contents (path, &want, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (out, ==, want);
}

/* The page's MLP with its skip connection, the first mini-batch of epoch 1 */
static void
test_explain_prints_every_stage_of_the_residual_mlp (void)
{
  const char *const args[] = { "step", "@mlp-residual.nnb", "--explain", "--epoch", "1", NULL };

  assert_golden ("cli-step-explain-mlp-residual.txt", args);
}

/* xor's Adam after two steps: its moments and bias corrections written
 * out; CrossEntropyLoss's total */
static void
test_explain_prints_adams_update (void)
{
  const char *const args[] = { "step", "@xor.nnb", "--explain", "--epoch", "2", NULL };

  assert_golden ("cli-step-explain-xor.txt", args);
}

/* fc called twice (tests/data/step-explain-shared.nnb): backward prints
 * each call's part of fc.weight.grad and fc.bias.grad, and their sum */
static void
test_explain_prints_each_calls_part (void)
{
  g_autofree char *path = nnb_test_source_path ("tests/data/step-explain-shared.nnb");
  const char *const args[] = { "step", path, "--explain", "--epoch", "1", NULL };

  assert_golden ("cli-step-explain-shared.txt", args);
}

/* --skip-zero-grad --lr 0 --steps 3: the gradients add up, step by step,
 * the regression's weight.grad once, twice and three times */
static void
test_skip_zero_grad_shows_grads_adding_up (void)
{
  g_autofree char *out = NULL, *err = NULL;
  const char *const args[] = { "step", "@regression.nnb", "--explain", "--skip-zero-grad", "--lr", "0", "--steps", "3", NULL };
  g_auto (GStrv) lines = NULL;
  int found = 0;

  g_assert_cmpint (cli (&out, &err, args), ==, 0);
  g_assert_nonnull (strstr (out, "== Zero grad: skipped (--skip-zero-grad) =="));
  g_assert_null (strstr (out, "== Zero grad: optimizer.zero_grad() =="));
  lines = g_strsplit (out, "\n", -1);
  /* the weight's .grad in each step's backward: g, 2g, 3g */
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *at = strstr (lines[i], "weight         .grad norm ");
      static double first;
      double g;

      /* backward's line, not zero_grad's ("…, kept") */
      if (at == NULL || g_str_has_suffix (lines[i], "kept"))
        continue;
      g = g_ascii_strtod (at + strlen ("weight         .grad norm "), NULL);
      if (found == 0)
        first = g;
      else
        g_assert_cmpfloat_with_epsilon (g, (found + 1) * first, 1e-5 * g);
      found++;
    }
  g_assert_cmpint (found, ==, 3);
}

static void
test_mistakes_are_sentences (void)
{
  g_autofree char *out = NULL, *err = NULL, *out2 = NULL, *err2 = NULL, *out3 = NULL, *err3 = NULL;
  const char *const no_explain[] = { "step", "@regression.nnb", NULL };
  const char *const bad_epoch[] = { "step", "@regression.nnb", "--explain", "--epoch", "-1", NULL };
  const char *const missing[] = { "step", "/nonexistent/model.nnb", "--explain", NULL };

  g_assert_cmpint (cli (&out, &err, no_explain), ==, 2);
  g_assert_nonnull (strstr (err, "step needs --explain"));
  g_assert_cmpint (cli (&out2, &err2, bad_epoch), ==, 2);
  g_assert_nonnull (strstr (err2, "--epoch must be between 0 and"));
  g_assert_cmpint (cli (&out3, &err3, missing), ==, 1);
  g_assert_true (g_str_has_prefix (err3, "nnblocks-cli: "));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli-step/explain-prints-every-stage-of-the-residual-mlp",
                   test_explain_prints_every_stage_of_the_residual_mlp);
  g_test_add_func ("/cli-step/explain-prints-adams-update", test_explain_prints_adams_update);
  g_test_add_func ("/cli-step/explain-prints-each-calls-part", test_explain_prints_each_calls_part);
  g_test_add_func ("/cli-step/skip-zero-grad-shows-grads-adding-up", test_skip_zero_grad_shows_grads_adding_up);
  g_test_add_func ("/cli-step/mistakes-are-sentences", test_mistakes_are_sentences);
  return g_test_run ();
}
