/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-autosave.h — a copy of each window's project in the user's state
 * folder ($XDG_STATE_HOME/nnblocks/autosave/), written atomically every few
 * seconds while it has unsaved changes and while it trains (with the
 * weights the worker reached), removed when the window closes; after a
 * crash, the next start offers each copy back ("Recover unsaved project?").
 *
 * Each running NN Blocks keeps its copies in a session folder of its own
 * and holds a lock (flock) on the folder's lock file as long as it runs. A
 * session folder whose lock anyone can take belongs to a process that is
 * gone without cleaning up: its projects are the ones to recover
 * (nnb-autosave-lock.h keeps the folders and their locks). */
#pragma once

#include <adwaita.h>

#include "nnb-window.h"

G_BEGIN_DECLS

#define NNB_TYPE_AUTOSAVE (nnb_autosave_get_type ())
G_DECLARE_FINAL_TYPE (NnbAutosave, nnb_autosave, NNB, AUTOSAVE, GObject)

/* Seconds between two looks at the window's project. */
#define NNB_AUTOSAVE_INTERVAL_S 2

/* Starts autosaving the project shown in window, for as long as the window
 * lives; its copy is removed when the window goes. Returns the autosave,
 * owned by the window. */
NnbAutosave *nnb_autosave_attach (NnbWindow *window);

/* Writes the copy now if it is out of date, or removes it when the project
 * has no unsaved changes (what the timer does every few seconds). */
void nnb_autosave_update (NnbAutosave *self);

/* Offers, in window, each project that a session which did not end
 * cleanly left behind: a toast with a Recover button that opens it as an
 * unsaved project (in window when it is empty, else in a new window);
 * closing the toast discards the copy. Returns the number offered. */
guint nnb_autosave_offer_recovery (NnbWindow *window);

G_END_DECLS
