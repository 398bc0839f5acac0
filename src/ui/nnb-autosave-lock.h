/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-autosave-lock.h — the process-wide side of autosave, in plain GLib
 * and GIO: the session folder where this NN Blocks keeps its copies,
 * locked (flock) for as long as it runs, and the locks it takes on the
 * folders of crashed sessions while their projects are on offer, so that
 * two NN Blocks never recover the same file. The windows' copies and the
 * recovery toasts are in nnb-autosave.c.
 *
 * Layout: $XDG_STATE_HOME/nnblocks/autosave/session-XXXXXX/ holds `lock`
 * (locked by the running process, its pid inside for people), and per
 * window `project-N.nnb` (the copy) with `project-N.origin` (the URI of
 * the file the project came from, so a recovered project saves there). */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* This process's session */

/* Names a new copy in this process's session folder, which is made and
 * locked on first use and removed when the application shuts down:
 * path is its project-N.nnb, origin_path its project-N.origin. */
gboolean nnb_autosave_session_new_copy (char **path, char **origin_path, GError **error);
/* FALSE before the first copy and after the session ended. */
gboolean nnb_autosave_session_is_open (void);
/* A copy is being written on another thread: the session's end waits for
 * it rather than leave a file behind in a folder it removes. Thread-safe. */
void nnb_autosave_session_write_begin (void);
void nnb_autosave_session_write_end (void);

/* Crashed sessions */

/* The folders of sessions whose process is gone, sorted by name, not
 * listed before: each one's lock is now held by this process. */
GPtrArray *nnb_autosave_claim_orphan_sessions (void);
/* The copies (project-N.nnb) in a session folder, sorted by name. */
GPtrArray *nnb_autosave_list_copies (const char *dir);
/* The origin file that goes with a copy. */
char *nnb_autosave_origin_path (const char *copy_path);
/* Removes a copy and its origin; with the last copy of a crashed session
 * (dir), its folder and its lock go too. */
void nnb_autosave_discard_orphan_copy (const char *dir, const char *copy_path);
/* A claimed session without copies left: its folder and its lock go. */
void nnb_autosave_forget_orphan_session_if_done (const char *dir);

/* Removes a session folder and everything in it. */
void nnb_autosave_remove_session_dir (const char *dir);

G_END_DECLS
