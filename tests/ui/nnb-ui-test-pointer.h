/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-ui-test-pointer.h — a mouse and a keyboard for the UI tests: events
 * sent through the X server (XTEST, loaded at run time), so they reach the
 * widgets exactly as a hand's do. Under Xvfb only. */
#pragma once

#include <gtk/gtk.h>
#include <X11/Xlib.h>
#include <X11/keysym.h>

#include "nnb-block-palette.h"
#include "nnb-diagram-view.h"

G_BEGIN_DECLS

/* FALSE when libXtst.so.6 is not installed: the test then skips. */
gboolean nnb_ui_test_load_xtest (void);
/* A point of widget on the X screen. */
void nnb_ui_test_screen_point (GtkWidget *widget, double x, double y, int *sx, int *sy);
/* Moves the pointer to a point of the X screen. */
void nnb_ui_test_pointer_to (Display *display, int x, int y);
/* Presses and releases button at a point of widget, n_presses times in a row (2: a double click). */
void nnb_ui_test_click (GtkWidget *widget, double x, double y, guint button, int n_presses);
/* Presses at a point of one widget, moves in steps and releases at a
 * point of another. */
void nnb_ui_test_drag (GtkWidget *from, double x0, double y0, GtkWidget *to, double x1, double y1);
/* Without a window manager the keyboard goes to the X window under the
 * pointer: this rests the pointer on the middle of window's top edge (the
 * header bar's title), where no tooltip (an X window of its own) comes up
 * under it to take the keys. */
void nnb_ui_test_keyboard_to (GtkWidget *window);
/* A key typed on the keyboard, with Control and Shift held when asked. */
void nnb_ui_test_type_key (GtkWidget *widget, KeySym key, gboolean control, gboolean shift);
/* The editor by hand: a palette button dragged onto the diagram at (x,
 * y), scrolled to first as a student would, asserting that a block came;
 * a wire dragged from one block's output port into slot of another,
 * asserting that it holds. */
void nnb_ui_test_drop_block (NnbBlockPalette *palette, NnbDiagramView *view, const char *kind, double x, double y);
void nnb_ui_test_drag_wire (NnbDiagramView *view, const char *from, const char *to, int slot);
/* The raw XTEST calls, for what the helpers above do not cover. */
void nnb_ui_test_fake_button (Display *display, guint button, gboolean press);

G_END_DECLS
