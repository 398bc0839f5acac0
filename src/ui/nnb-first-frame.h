/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-first-frame.h — `nnblocks --first-frame` (hidden): when the first
 * frame of a window is on screen, for bench/first-frame. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* When window has drawn its first frame, prints one JSON line on stdout,
 * {"first_frame_unix_us": N} (wall-clock time, so a script can subtract
 * the moment it launched the app), and quits the application. */
void nnb_first_frame_report (GtkWindow *window);

G_END_DECLS
