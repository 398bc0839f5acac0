/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-blas-kernel.c — every machine computes with the BLAS kernel the
 * lessons' numbers belong to, whatever the environment asks for
 * (src/core/nnb-blas.h). */
#include <glib.h>
#include <string.h>
#include "nnb-backend.h"
#include "nnb-blas.h"
#include "nnb-test-util.h"
#include "nnb-tensor-private.h"

/* main() asked OpenBLAS for another kernel before the engine loaded it */
static void
test_engine_runs_the_lesson_kernel_whatever_the_environment_says (void)
{
  if (!nnb_blas_kernel_supported ())
    {
      g_autofree char *note = nnb_blas_kernel_note ();
      g_assert_nonnull (note);
      g_test_skip ("this processor lacks AVX2 or FMA: the device list says the digits may differ");
      return;
    }
  g_assert_cmpstr (nnb_blas_kernel (), ==, NNB_BLAS_KERNEL);
  g_assert_cmpstr (g_getenv ("OPENBLAS_CORETYPE"), ==, NNB_BLAS_KERNEL);
}

static void
test_device_list_has_no_note_on_the_lesson_kernel (void)
{
  g_autoptr (GPtrArray) devices = nnb_device_list ();
  const NnbDeviceInfo *cpu = devices->pdata[0];

  if (!nnb_blas_kernel_supported ())
    {
      g_assert_nonnull (cpu->note);
      g_assert_nonnull (strstr (cpu->note, "may differ"));
      return;
    }
  g_assert_null (cpu->note);
}

/* SineNet converges at the lesson's epoch 1543 (as PyTorch does, tests/reference/lesson_numbers.py) under whatever kernel the
 * environment names (NULL: unset), and every run prints the same losses */
static void
test_sinenet_converges_at_1543_whatever_the_environment_says (void)
{
  static const char *const kernels[] = { NULL, "Haswell", "Sandybridge", "Zen", "Nehalem", "Prescott" };
  g_autofree char *project = nnb_test_source_path ("data/examples/sinenet.nnb");
  g_autofree char *first = NULL;

  if (!nnb_blas_kernel_supported ())
    {
      g_test_skip ("this processor lacks AVX2 or FMA");
      return;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (kernels); i++)
    {
      const char *argv[] = { g_getenv ("NNB_CLI"), "train", project, "--log-every", "100", NULL };
      g_autofree char *out = NULL, *err = NULL;
      g_auto (GStrv) env = g_get_environ ();
      int status;

      env = kernels[i] != NULL ? g_environ_setenv (env, "OPENBLAS_CORETYPE", kernels[i], TRUE)
                               : g_environ_unsetenv (env, "OPENBLAS_CORETYPE");
      status = nnb_test_run_env (argv, (const char *const *) env, &out, &err);
      g_test_message ("OPENBLAS_CORETYPE=%s: %s", kernels[i] ? kernels[i] : "(unset)", err);
      g_assert_cmpint (status, ==, 0);
      g_assert_nonnull (strstr (out, "converged at epoch 1543, loss 0.0200"));
      if (first == NULL)
        first = g_steal_pointer (&out);
      else
        g_assert_cmpstr (out, ==, first);
    }
}

int
main (int argc, char **argv)
{
  /* what a machine's environment might say: a kernel other than the lessons' */
  g_setenv ("OPENBLAS_CORETYPE", "Sandybridge", TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/blas/kernel/engine-runs-the-lesson-kernel", test_engine_runs_the_lesson_kernel_whatever_the_environment_says);
  g_test_add_func ("/blas/kernel/device-list-note", test_device_list_has_no_note_on_the_lesson_kernel);
  g_test_add_func ("/blas/kernel/sinenet-converges-at-1543-under-every-kernel", test_sinenet_converges_at_1543_whatever_the_environment_says);
  return g_test_run ();
}
