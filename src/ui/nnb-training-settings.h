/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-training-settings.h — the training settings popover's contents:
 * learning rate, epochs, optimizer (SGD with momentum, Adam), loss, batch
 * size, stop below a loss, seed, init, and the device with its threads.
 * Edits go straight into the project; ::changed says what kind of change it
 * was, so the window knows whether the run goes on, starts anew, or the
 * model must be built again. Built from data/ui/nnb-training-settings.ui. */
#pragma once

#include <gtk/gtk.h>

#include "nnb-project.h"

G_BEGIN_DECLS

typedef enum
{
  NNB_SETTINGS_CHANGED_LR = 1 << 0,     /* the learning rate alone: applies between steps */
  NNB_SETTINGS_CHANGED_RUN = 1 << 1,    /* optimizer, loss, batches, epochs, device: a new run */
  NNB_SETTINGS_CHANGED_RECIPE = 1 << 2, /* seed or init: the weights are drawn again */
} NnbSettingsChange;

#define NNB_TYPE_TRAINING_SETTINGS (nnb_training_settings_get_type ())
G_DECLARE_FINAL_TYPE (NnbTrainingSettings, nnb_training_settings, NNB, TRAINING_SETTINGS, GtkWidget)

/* Shows and edits project (not owned; NULL for none). */
void nnb_training_settings_set_project (NnbTrainingSettings *self, NnbProject *project);
/* Reads the project again (after something else changed it). */
void nnb_training_settings_refresh (NnbTrainingSettings *self);

G_END_DECLS
