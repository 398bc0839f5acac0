/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-python.c — libFuzzer target: nnb_python_import and the round trip through the exported code
 * (see nnb-fuzz-targets.h; run with scripts/fuzz.sh). */
#include "nnb-fuzz-targets.h"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  g_log_set_writer_func (nnb_fuzz_log_writer, NULL, NULL);
  return 0;
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autoptr (GError) error = NULL;

  nnb_fuzz_python (data, size, &error);
  return 0;
}
