/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-ui-test-util.h — helpers shared by the UI tests (tests/ui), as
 * tests/nnb-test-util.h serves the engine's: the main loop run until
 * something holds, the application run with a command line and checked
 * once its window is on screen, widgets and files found by name. */
#pragma once

#include <adwaita.h>

#include "nnb-application.h"
#include "nnb-window.h"
#include "nnb-ui-test-access.h"

/* How long nnb_ui_test_wait_until waits before it gives up: 10 s unless the
 * test program sets more (once, in main). */
void nnb_ui_test_set_wait_seconds (int seconds);
/* Iterates the main loop until cond (data) holds; FALSE when the wait ran out first. */
gboolean nnb_ui_test_wait_until (gboolean (*cond) (gpointer data), gpointer data);
/* Lets the main loop handle what is pending for ms milliseconds. */
void nnb_ui_test_settle (int ms);
/* The window's trainer's latest snapshot (a reference), or NULL before
 * there is a trainer */
NnbSnapshot *nnb_ui_test_latest_snapshot (NnbWindow *window);

/* Conditions for nnb_ui_test_wait_until: the widget is mapped; the NnbWindow has a project open. */
gboolean nnb_ui_test_is_mapped (gpointer widget);
gboolean nnb_ui_test_has_document (gpointer window);
/* The window is on screen with a document, its diagram drawn: where the
 * diagram tests begin. */
gboolean nnb_ui_test_diagram_ready (gpointer window);

typedef void (*NnbUiTestCheck) (NnbApplication *app, NnbWindow *window, gpointer data);

/* Runs a new, non-unique NnbApplication with argv (argv[0] included, NULL
 * at the end), calls check once its first window is mapped, then quits it
 * (unless check closed that window: then the application must end by
 * itself); asserts that it ran the check and exited with 0. */
void nnb_ui_test_run_app (const char *const *argv, NnbUiTestCheck check, gpointer data);

/* The child called name in widget's template of type; fails the test when there is none. */
gpointer nnb_ui_test_template_child (gpointer widget, GType type, const char *name);
/* The child called name in an NnbWindow's template; fails the test when there is none. */
gpointer nnb_ui_test_window_child (NnbWindow *window, const char *name);
/* The first toplevel window of type (only a visible one when visible_only), or
 * NULL; GTK keeps the reference. */
GtkWindow *nnb_ui_test_find_toplevel (GType type, gboolean visible_only);
/* The file chooser a GtkFileChooserNative shows without a portal, or NULL;
 * and conditions for nnb_ui_test_wait_until: it is shown, it is gone. */
GtkWindow *nnb_ui_test_shown_chooser (void);
gboolean nnb_ui_test_chooser_shown (gpointer data);
gboolean nnb_ui_test_chooser_gone (gpointer data);

/* Emits ::drop on the window's drop target as GTK does when a file is
 * dropped (a real drag needs a second client); what the target answered. */
gboolean nnb_ui_test_drop_file (NnbWindow *window, GFile *file);

/* Path of data/examples/name in the source tree (under $NNB_SOURCE_DIR when set); free it. */
char *nnb_ui_test_example_path (const char *name);
/* A copy of that example in a new temporary folder, for a test that saves
 * over it; its path (free it), and nnb_ui_test_remove_copy to delete both. */
char *nnb_ui_test_copy_example (const char *name);
void nnb_ui_test_remove_copy (const char *path);
/* A test function that skips, saying how to give the test a display. */
void nnb_ui_test_skip_without_display (void);
/* With the environment variable set to a file name, the whole X screen
 * saved there (imagemagick's import): for a person to look at, not a check. */
void nnb_ui_test_screenshot_if_asked (const char *variable);

/* Editing as the palette and the block menus do: the editor's action
 * activated on the diagram view, then a moment for it to take effect. */
void nnb_ui_test_edit (gpointer diagram_view, const char *action, GVariant *parameter);
/* The page's residual MLP (3 → 16 → ReLU → 16 → ReLU, + the first ReLU's
 * output, → 1) built block by block on the diagram view's empty canvas, as
 * a student builds it; 8 blocks, one self.act called twice. */
void nnb_ui_test_build_residual_mlp (gpointer diagram_view);
