/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-cli-picture.h — export --format png|svg|pdf's pictures that need
 * more than a draw call: the loss plot (nnb-cli-loss.c) trains first. */
#pragma once

#include "nnb-cli.h"
#include "nnb-picture-export.h"

G_BEGIN_DECLS

/* --what loss: trains project's model on data as `train` does (the
 * project's settings, from its current weights, shuffled by shuffle) and
 * writes the app's Loss plot of that run to output. Returns the exit
 * status: a run that diverged still draws its picture and returns
 * NNB_EXIT_DIVERGED, with the reason on stderr. */
int nnb_cli_export_loss (NnbProject *project, NnbDataset *data, NnbGenerator *shuffle, const char *output,
                         NnbPictureFormat format, int width, int height);

G_END_DECLS
