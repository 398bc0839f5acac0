/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-ui-test-pointer.c — XTEST's pointer and keyboard for the UI tests
 * (see nnb-ui-test-pointer.h). */
#include "nnb-config.h"

#include <gdk/x11/gdkx.h>
#include <gmodule.h>

#include "nnb-ui-test-pointer.h"
#include "nnb-ui-test-util.h"

typedef int (*FakeMotion) (Display *, int, int, int, unsigned long);
typedef int (*FakeButton) (Display *, unsigned int, Bool, unsigned long);
typedef int (*FakeKey) (Display *, unsigned int, Bool, unsigned long);

static FakeMotion fake_motion;
static FakeButton fake_button;
static FakeKey fake_key;

gboolean
nnb_ui_test_load_xtest (void)
{
  static GModule *module;

  if (module == NULL)
    module = g_module_open ("libXtst.so.6", G_MODULE_BIND_LAZY);
  return module != NULL && g_module_symbol (module, "XTestFakeMotionEvent", (gpointer *) &fake_motion) &&
         g_module_symbol (module, "XTestFakeButtonEvent", (gpointer *) &fake_button) &&
         g_module_symbol (module, "XTestFakeKeyEvent", (gpointer *) &fake_key);
}

void
nnb_ui_test_screen_point (GtkWidget *widget, double x, double y, int *sx, int *sy)
{
  GtkNative *native = gtk_widget_get_native (widget);
  GdkSurface *surface = gtk_native_get_surface (native);
  Display *display = gdk_x11_display_get_xdisplay (gtk_widget_get_display (widget));
  graphene_point_t in = GRAPHENE_POINT_INIT ((float) x, (float) y), out;
  double dx, dy;
  Window child_window;

  g_assert_true (gtk_widget_compute_point (widget, GTK_WIDGET (native), &in, &out));
  gtk_native_get_surface_transform (native, &dx, &dy);
  XTranslateCoordinates (display, gdk_x11_surface_get_xid (surface), DefaultRootWindow (display),
                         (int) (out.x + dx), (int) (out.y + dy), sx, sy, &child_window);
}

void
nnb_ui_test_pointer_to (Display *display, int x, int y)
{
  fake_motion (display, -1, x, y, 0);
  XFlush (display);
  nnb_ui_test_settle (15);
}

void
nnb_ui_test_fake_button (Display *display, guint button, gboolean press)
{
  fake_button (display, button, press ? True : False, 0);
}

void
nnb_ui_test_click (GtkWidget *widget, double x, double y, guint button, int n_presses)
{
  Display *display = gdk_x11_display_get_xdisplay (gtk_widget_get_display (widget));
  int sx, sy;

  nnb_ui_test_screen_point (widget, x, y, &sx, &sy);
  nnb_ui_test_pointer_to (display, sx, sy);
  for (int i = 0; i < n_presses; i++)
    {
      fake_button (display, button, True, 0);
      fake_button (display, button, False, 0);
    }
  XFlush (display);
  nnb_ui_test_settle (60);
}

void
nnb_ui_test_drag (GtkWidget *from, double x0, double y0, GtkWidget *to, double x1, double y1)
{
  Display *display = gdk_x11_display_get_xdisplay (gtk_widget_get_display (from));
  int sx0, sy0, sx1, sy1;
  const int steps = 12;

  nnb_ui_test_screen_point (from, x0, y0, &sx0, &sy0);
  nnb_ui_test_screen_point (to, x1, y1, &sx1, &sy1);
  nnb_ui_test_pointer_to (display, sx0, sy0);
  fake_button (display, 1, True, 0);
  XFlush (display);
  nnb_ui_test_settle (30);
  for (int i = 1; i <= steps; i++)
    nnb_ui_test_pointer_to (display, sx0 + (sx1 - sx0) * i / steps, sy0 + (sy1 - sy0) * i / steps);
  fake_button (display, 1, False, 0);
  XFlush (display);
  nnb_ui_test_settle (60);
}

void
nnb_ui_test_keyboard_to (GtkWidget *window)
{
  int sx, sy;

  nnb_ui_test_screen_point (window, gtk_widget_get_width (window) / 2.0, 4, &sx, &sy);
  nnb_ui_test_pointer_to (gdk_x11_display_get_xdisplay (gtk_widget_get_display (window)), sx, sy);
  nnb_ui_test_settle (50);
}

void
nnb_ui_test_type_key (GtkWidget *widget, KeySym key, gboolean control, gboolean shift)
{
  Display *display = gdk_x11_display_get_xdisplay (gtk_widget_get_display (widget));
  unsigned int ctrl = XKeysymToKeycode (display, XK_Control_L), sh = XKeysymToKeycode (display, XK_Shift_L);
  unsigned int code = XKeysymToKeycode (display, key);

  if (control)
    fake_key (display, ctrl, True, 0);
  if (shift)
    fake_key (display, sh, True, 0);
  fake_key (display, code, True, 0);
  fake_key (display, code, False, 0);
  if (shift)
    fake_key (display, sh, False, 0);
  if (control)
    fake_key (display, ctrl, False, 0);
  XFlush (display);
  nnb_ui_test_settle (80);
}

void
nnb_ui_test_drop_block (NnbBlockPalette *palette, NnbDiagramView *view, const char *kind, double x, double y)
{
  GtkWidget *button = nnb_block_palette_get_button (palette, kind);
  guint before = nnb_diagram_view_get_graph (view)->blocks->len;

  g_assert_nonnull (button);
  /* the list of blocks scrolls (the palette's controls below it do not):
   * scrolled to the button, as a student would */
  {
    GtkWidget *scrolled = gtk_widget_get_ancestor (button, GTK_TYPE_SCROLLED_WINDOW);
    GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
    graphene_point_t at;

    g_assert_true (gtk_widget_compute_point (button, scrolled, &GRAPHENE_POINT_INIT (0, 0), &at));
    if (at.y < 0 || at.y + gtk_widget_get_height (button) > gtk_widget_get_height (scrolled))
      gtk_adjustment_set_value (adj, gtk_adjustment_get_value (adj) + at.y);
    nnb_ui_test_settle (60);
  }
  nnb_ui_test_drag (button, gtk_widget_get_width (button) / 2.0, gtk_widget_get_height (button) / 2.0,
                    GTK_WIDGET (view), x, y);
  g_assert_cmpuint (nnb_diagram_view_get_graph (view)->blocks->len, ==, before + 1);
}

void
nnb_ui_test_drag_wire (NnbDiagramView *view, const char *from, const char *to, int slot)
{
  const NnbGraph *graph = nnb_diagram_view_get_graph (view);
  int a = nnb_graph_find_block (graph, from), b = nnb_graph_find_block (graph, to);
  double x0, y0, x1, y1;

  g_assert_cmpint (a, >=, 0);
  g_assert_cmpint (b, >=, 0);
  g_assert_true (nnb_diagram_view_block_point (view, a, -1, &x0, &y0));
  g_assert_true (nnb_diagram_view_block_point (view, b, slot, &x1, &y1));
  nnb_ui_test_drag (GTK_WIDGET (view), x0, y0, GTK_WIDGET (view), x1, y1);
  /* the graph is rebuilt by the edit: look the blocks up again */
  graph = nnb_diagram_view_get_graph (view);
  b = nnb_graph_find_block (graph, to);
  g_assert_cmpint (nnb_graph_get_block (graph, b)->inputs[slot], ==, nnb_graph_find_block (graph, from));
}
