/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-training-private.h — training functions only the tests (and the
 * fuzzers) call: kept out of the public headers so the engine's API is
 * what the app and the CLI use. */
#pragma once

#include <glib.h>
#include "nnb-dataset.h"
#include "nnb-device-race.h"
#include "nnb-trainer.h"

G_BEGIN_DECLS

/* Parses CSV text: a header line is allowed; every row has the same number
 * of numeric columns (at least 2); the last is the target. */
NnbDataset *nnb_dataset_new_from_csv_text (const char *text, gsize length, GError **error);
/* The same with a choice of header and columns (nnb-csv.h); NULL: the old rule. */
NnbDataset *nnb_dataset_new_from_csv_columns (const char *text, gsize length, const NnbCsvChoice *choice,
                                              GError **error);

/* The widths the race will time, in order (int64_t values). */
GArray *nnb_device_race_widths (const NnbRaceOptions *options);

/* How often the worker publishes while running (default 10 ms). */
void nnb_trainer_set_publish_interval (NnbTrainer *trainer, gint64 interval_us);

G_END_DECLS
