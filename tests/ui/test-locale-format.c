/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-locale-format.c — numbers for people follow their locale, numbers
 * that quote PyTorch do not: in German the status line says 0,031 and
 * 4.353 parameters, while printf (the code view, printouts, files) still
 * writes 0.031. */
#include "nnb-config.h"

#include <locale.h>

#include "nnb-locale-format.h"

static void
test_german_numbers_for_people (void)
{
  g_autofree char *loss = nnb_locale_strdup_printf ("%.3f", 0.031);
  g_autofree char *count = nnb_locale_format_count (4353);
  g_autofree char *status = nnb_locale_strdup_printf ("epoch %'d, loss %.4g", 12000, 0.03305);
  g_autoptr (GString) text = g_string_new ("fc1.weight");
  g_autofree char *accuracy = nnb_locale_format_percent (0.975, 1);

  g_assert_cmpstr (loss, ==, "0,031");
  g_assert_cmpstr (count, ==, "4.353");
  g_assert_cmpstr (status, ==, "epoch 12.000, loss 0,03305");
  g_assert_cmpstr (accuracy, ==, "97,5 %");
  nnb_locale_string_append_printf (text, "  %.4g", 1.25);
  g_assert_cmpstr (text->str, ==, "fc1.weight  1,25");
}

static void
test_pytorch_numbers_keep_the_point (void)
{
  g_autofree char *german = nnb_locale_strdup_printf ("%.1f", 0.5);
  g_autofree char *quoted = g_strdup_printf ("lr=%.2f", 0.01);

  /* the German one first: formatting for people must not leak into the
   * process's own numeric locale */
  g_assert_cmpstr (german, ==, "0,5");
  g_assert_cmpstr (quoted, ==, "lr=0.01");
}

/* ./test.sh generates the locale and sets NNB_TEST_STRICT=1: a missing
 * one there is a failure, not a skip (tests/nnb-test-util.h) */
static void
test_skip_without_german (void)
{
  if (g_strcmp0 (g_getenv ("NNB_TEST_STRICT"), "1") == 0)
    g_test_fail_printf ("the de_DE.UTF-8 locale is not installed (scripts/setup.sh --tests generates it)");
  else
    g_test_skip ("the de_DE.UTF-8 locale is not installed");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  /* As nnblocks starts in a German session: everything from the
   * environment, then LC_NUMERIC back to "C" (main.c). */
  g_setenv ("LC_ALL", "de_DE.UTF-8", TRUE);
  if (setlocale (LC_ALL, "") == NULL)
    {
      g_test_add_func ("/ui/locale/needs-german", test_skip_without_german);
      return g_test_run ();
    }
  setlocale (LC_NUMERIC, "C");

  g_test_add_func ("/ui/locale/german-numbers-for-people", test_german_numbers_for_people);
  g_test_add_func ("/ui/locale/pytorch-numbers-keep-the-point", test_pytorch_numbers_keep_the_point);

  return g_test_run ();
}
