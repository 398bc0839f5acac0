/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-device-race-dialog.h — the Device Race window (win.device-race): runs
 * the race of nnb-device-race.h on a worker thread (GTask), plots its rows
 * as they arrive (nnb-plot-race.h), stops on request, and exports the plot
 * to PNG, SVG or PDF. Built from data/ui/nnb-device-race-dialog.ui. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define NNB_TYPE_DEVICE_RACE_DIALOG (nnb_device_race_dialog_get_type ())
G_DECLARE_FINAL_TYPE (NnbDeviceRaceDialog, nnb_device_race_dialog, NNB, DEVICE_RACE_DIALOG, AdwWindow)

NnbDeviceRaceDialog *nnb_device_race_dialog_new (GtkWindow *parent);

/* What Start does, with the widest width chosen in the window replaced by
 * max_width when it is positive (tests race small widths). */
void nnb_device_race_dialog_start (NnbDeviceRaceDialog *self, gint64 max_width);
/* What Stop does: the worker stops between two epochs. */
void nnb_device_race_dialog_stop (NnbDeviceRaceDialog *self);
/* Draws the plot into path: .svg and .pdf as vectors, anything else PNG. */
gboolean nnb_device_race_dialog_export (NnbDeviceRaceDialog *self, const char *path, GError **error);

G_END_DECLS
