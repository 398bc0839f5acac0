/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-csv.c — libFuzzer target: nnb_csv_parse and nnb_dataset_new_from_csv_text
 * (see nnb-fuzz-targets.h; run with scripts/fuzz.sh). */
#include "nnb-fuzz-targets.h"
#include "nnb-training-private.h"

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

  nnb_fuzz_csv (data, size, &error);
  return 0;
}
