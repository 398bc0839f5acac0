/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-sequential.c — a Sequential opened in place: SineNet's one block
 * "net" opens with a click on its ▸ into a frame that shows its five
 * layers as blocks, left to right, with (B, 64) on the wires between them;
 * a double click on a layer edits its sizes, PyTorch's message lands on
 * the layer that no longer fits, the one-click fix mends it, Delete
 * removes a layer and Ctrl+Z brings it back; − closes the block and +
 * opens it again. Beside the lesson at 1400×900 (a 420 px wide canvas)
 * the layers stand in a column, at 1280×720 in presentation mode in a row:
 * either way the open block fits the canvas and its text is readable and
 * as large as the wires'.
 *
 * Pointer and keys go through the X server (nnb-ui-test-pointer.h). Runs
 * under Xvfb; skips without a display. */
#include "nnb-config.h"

#include <adwaita.h>
#include <math.h>
#include <string.h>

#include "nnb-diagram-view.h"
#include "nnb-diagram.h"
#include "nnb-ui-test-access.h"
#include "nnb-ui-test-pointer.h"
#include "nnb-ui-test-util.h"
#include "nnb-window.h"

/* the least block text anyone reads on a projector (as test-diagram-fit) */
#define READABLE_PX 8.5

static gboolean
focus_in_popover (gpointer window)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));

  return focus != NULL && gtk_widget_get_ancestor (focus, GTK_TYPE_POPOVER) != NULL;
}

static int
net_block (NnbDiagramView *view)
{
  return nnb_graph_find_block (nnb_diagram_view_get_graph (view), "net");
}

/* A layer's (or, child -1, the ▸'s) centre in the view. */
static void
layer_centre (NnbDiagramView *view, int child, double *x, double *y)
{
  double r[4];

  g_assert_true (nnb_diagram_view_get_layer_rect (view, net_block (view), child, r));
  *x = r[0] + r[2] / 2, *y = r[1] + r[3] / 2;
}

static void
click_layer (NnbDiagramView *view, int child, int n_presses)
{
  double x, y;

  layer_centre (view, child, &x, &y);
  nnb_ui_test_click (GTK_WIDGET (view), x, y, 1, n_presses);
  nnb_ui_test_settle (200);
}

/* The open block shows every layer inside its frame, left to right and
 * apart, all inside the canvas, block text at least as large as the
 * wires'; the wires between the layers carry shapes. */
static void
assert_open (NnbDiagramView *view, guint n_layers, const char *const *shapes, const char *when)
{
  int net = net_block (view);
  int width = gtk_widget_get_width (GTK_WIDGET (view)), height = gtk_widget_get_height (GTK_WIDGET (view));
  g_auto (GStrv) shown = nnb_diagram_view_get_layer_shapes (view, net);
  double frame[4], previous_right = -INFINITY, previous_bottom = -INFINITY, block_px, label_px;

  nnb_diagram_view_get_text_sizes (view, &block_px, &label_px);
  g_test_message ("%s: canvas %d×%d, block text %.1f px, wire labels %.1f px", when, width, height, block_px, label_px);
  g_assert_true (nnb_diagram_view_get_expanded (view, net));
  g_assert_true (nnb_diagram_view_get_block_rect (view, net, frame));
  {
    double first[4], second[4];

    g_assert_true (nnb_diagram_view_get_layer_rect (view, net, 0, first));
    g_assert_true (nnb_diagram_view_get_layer_rect (view, net, 1, second));
    g_test_message ("%s: the layers in a %s", when, second[0] > first[0] + first[2] ? "row" : "column");
  }
  g_assert_cmpfloat (frame[0], >=, 0);
  g_assert_cmpfloat (frame[1], >=, 0);
  g_assert_cmpfloat (frame[0] + frame[2], <=, width);
  g_assert_cmpfloat (frame[1] + frame[3], <=, height);
  g_assert_cmpfloat (block_px, >=, label_px);
  /* readable beside the lesson too: a row of five layers in its 420 px
   * wide canvas drew them at 5 px, a column at 11 */
  g_assert_cmpfloat (block_px, >=, READABLE_PX);
  for (guint c = 0; c < n_layers; c++)
    {
      double r[4];

      g_assert_true (nnb_diagram_view_get_layer_rect (view, net, c, r));
      g_assert_cmpfloat (r[0], >, frame[0]);
      g_assert_cmpfloat (r[1], >, frame[1]);
      g_assert_cmpfloat (r[0] + r[2], <, frame[0] + frame[2]);
      g_assert_cmpfloat (r[1] + r[3], <, frame[1] + frame[3]);
      /* room for a wire between each and the next: to its right in a row, below it in a column */
      g_assert_true (r[0] > previous_right + 10 || r[1] > previous_bottom + 10);
      previous_right = r[0] + r[2], previous_bottom = r[1] + r[3];
    }
  /* the blocks around it moved aside */
  for (guint i = 0; i < nnb_diagram_view_get_graph (view)->blocks->len; i++)
    {
      double r[4];

      g_assert_true (nnb_diagram_view_get_block_rect (view, i, r));
      if ((int) i != net)
        g_assert_false (r[0] < frame[0] + frame[2] && frame[0] < r[0] + r[2] && r[1] < frame[1] + frame[3] &&
                        frame[1] < r[1] + r[3]);
    }
  g_assert_false (nnb_diagram_view_get_layer_rect (view, net, n_layers, frame));
  g_assert_cmpuint (g_strv_length (shown), ==, n_layers);
  for (guint c = 0; c < n_layers; c++)
    g_assert_cmpstr (shown[c], ==, shapes[c]);
  /* drawn: each shape over the wire from its layer to the next */
  {
    g_autoptr (GPtrArray) labels = nnb_diagram_view_get_layer_labels (view, net);
    guint k = 0;

    for (guint c = 0; c + 1 < n_layers; c++)
      {
        const NnbDiagramLabel *label;
        double left[4], right[4];

        if (shapes[c][0] == '\0')
          continue;
        g_assert_cmpuint (k, <, labels->len);
        label = g_ptr_array_index (labels, k++);
        g_assert_cmpstr (label->text, ==, shapes[c]);
        g_assert_true (nnb_diagram_view_get_layer_rect (view, net, c, left));
        g_assert_true (nnb_diagram_view_get_layer_rect (view, net, c + 1, right));
        if (right[0] > left[0] + left[2])
          {
            /* in a row: over the gap between the two, at their top */
            g_assert_cmpfloat (label->x, >, left[0] + left[2]);
            g_assert_cmpfloat (label->x, <, right[0]);
            g_assert_cmpfloat (fabs (label->y - left[1]), <, 2.0);
          }
        else
          {
            /* in a column: in the gap below the one, above the next */
            g_assert_cmpfloat (right[1], >, left[1] + left[3]);
            g_assert_cmpfloat (label->y, >, left[1] + left[3]);
            g_assert_cmpfloat (label->y, <=, right[1]);
            g_assert_cmpfloat (label->x, >, left[0]);
            g_assert_cmpfloat (label->x, <, left[0] + left[2]);
          }
      }
    g_assert_cmpuint (k, ==, labels->len);
  }
}

static void
check_opens_in_place (NnbApplication *app, NnbWindow *window, gpointer data)
{
  static const char *const sinenet[] = { "(B, 64)", "(B, 64)", "(B, 64)", "(B, 64)", "(B, 1)" };
  static const char *const narrower[] = { "(B, 64)", "(B, 64)", "(B, 32)", "(B, 32)", "" };
  static const char *const fixed[] = { "(B, 64)", "(B, 64)", "(B, 32)", "(B, 32)", "(B, 1)" };
  static const char *const without_tanh[] = { "(B, 64)", "(B, 64)", "(B, 64)", "(B, 1)" };
  NnbDiagramView *view;
  NnbModel *model;
  double r[4];
  int net;

  if (!nnb_ui_test_load_xtest ())
    {
      g_test_skip ("libXtst.so.6 is not installed: no way to send pointer events");
      return;
    }
  g_assert_true (nnb_ui_test_wait_until (nnb_ui_test_diagram_ready, window));
  view = nnb_ui_test_window_child (window, "diagram_view");
  nnb_ui_test_settle (300);
  net = net_block (view);
  g_assert_cmpint (net, >=, 0);

  /* closed: one block, its ▸ there to click */
  g_assert_false (nnb_diagram_view_get_expanded (view, net));
  g_assert_false (nnb_diagram_view_get_layer_rect (view, net, 0, r));
  click_layer (view, -1, 1);
  assert_open (view, 5, sinenet, "SineNet opened");
  /* what a screen reader says of it */
  {
    g_autofree char *text = nnb_diagram_view_describe_block (view, net);

    g_assert_nonnull (strstr (text, ", open, layers: 0 Linear → (B, 64); 1 Tanh → (B, 64);"));
    g_assert_true (g_str_has_suffix (text, "4 Linear → (B, 1)."));
  }

  /* a double click on net.2 edits it: 64 → 32 (once the ▸'s click is
   * over: within the double-click time it would count as the first) */
  nnb_ui_test_settle (600);
  click_layer (view, 2, 2);
  g_assert_true (nnb_ui_test_wait_until (focus_in_popover, window));
  nnb_ui_test_screenshot_if_asked ("NNB_SEQUENTIAL_EDITOR_SCREENSHOT");
  {
    GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));
    GtkSpinButton *spin = GTK_SPIN_BUTTON (gtk_widget_get_ancestor (focus, GTK_TYPE_SPIN_BUTTON));
    GtkWidget *out_spin;

    /* the first size has the keyboard: a layer has no name to type */
    g_assert_nonnull (spin);
    g_assert_cmpint (gtk_spin_button_get_value_as_int (spin), ==, 64);
    out_spin = gtk_widget_get_next_sibling (GTK_WIDGET (spin));
    while (out_spin != NULL && !GTK_IS_SPIN_BUTTON (out_spin))
      out_spin = gtk_widget_get_next_sibling (out_spin);
    g_assert_nonnull (out_spin);
    gtk_spin_button_set_value (GTK_SPIN_BUTTON (out_spin), 32);
    nnb_ui_test_type_key (GTK_WIDGET (view), XK_Return, FALSE, FALSE);
  }
  nnb_ui_test_settle (300);
  g_assert_false (focus_in_popover (window));
  assert_open (view, 5, narrower, "net.2 made 64 → 32");
  model = nnb_document_get_project (nnb_window_get_document (window))->model;
  g_assert_cmpint (nnb_model_get_parameter (model, "net.2.weight")->value->shape[0], ==, 32);
  /* PyTorch's message, on the block and in the last layer's editor */
  g_assert_cmpstr (nnb_diagram_view_get_block_error (view, net), ==,
                   "mat1 and mat2 shapes cannot be multiplied (Bx32 and 64x1)");

  /* net.4 chosen, the one-click fix: in_features from the wire */
  click_layer (view, 4, 1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "editor.fix-in-features", NULL));
  nnb_ui_test_settle (300);
  assert_open (view, 5, fixed, "net.4 fixed");
  model = nnb_document_get_project (nnb_window_get_document (window))->model;
  g_assert_cmpint (nnb_model_get_parameter (model, "net.4.weight")->value->shape[1], ==, 32);
  g_assert_null (nnb_diagram_view_get_block_error (view, net));
  nnb_ui_test_type_key (GTK_WIDGET (view), XK_z, TRUE, FALSE);
  nnb_ui_test_type_key (GTK_WIDGET (view), XK_z, TRUE, FALSE);
  nnb_ui_test_settle (200);
  assert_open (view, 5, sinenet, "two edits undone");

  /* Delete on a chosen layer removes that layer, not the block */
  click_layer (view, 1, 1);
  nnb_ui_test_type_key (GTK_WIDGET (view), XK_Delete, FALSE, FALSE);
  nnb_ui_test_settle (200);
  g_assert_cmpint (net_block (view), ==, net);
  assert_open (view, 4, without_tanh, "the Tanh after net.0 deleted");
  model = nnb_document_get_project (nnb_window_get_document (window))->model;
  g_assert_nonnull (nnb_model_get_parameter (model, "net.1.weight"));
  g_assert_null (nnb_model_get_parameter (model, "net.4.weight"));
  nnb_ui_test_type_key (GTK_WIDGET (view), XK_z, TRUE, FALSE);
  nnb_ui_test_settle (200);
  assert_open (view, 5, sinenet, "undone");

  /* − closes it, + opens it again (the block has the keyboard; + on the
   * keypad, which needs no Shift) */
  gtk_widget_activate_action (GTK_WIDGET (view), "editor.select", "s", "net");
  nnb_ui_test_type_key (GTK_WIDGET (view), XK_minus, FALSE, FALSE);
  g_assert_false (nnb_diagram_view_get_expanded (view, net));
  g_assert_false (nnb_diagram_view_get_layer_rect (view, net, 0, r));
  nnb_ui_test_type_key (GTK_WIDGET (view), XK_KP_Add, FALSE, FALSE);
  g_assert_true (nnb_diagram_view_get_expanded (view, net));

  /* a projector: 1280×720, presentation mode, the lesson beside it */
  g_assert_true (adw_flap_get_reveal_flap (nnb_ui_test_window_child (window, "flap")));
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 720);
  g_action_group_change_action_state (G_ACTION_GROUP (window), "presentation", g_variant_new_boolean (TRUE));
  nnb_ui_test_settle (900);
  assert_open (view, 5, sinenet, "1280×720, presentation mode, lesson open");
  nnb_ui_test_screenshot_if_asked ("NNB_SEQUENTIAL_SCREENSHOT");
}

static void
test_opens_in_place (void)
{
  g_autofree char *path = nnb_ui_test_example_path ("sinenet.nnb");
  const char *argv[] = { "nnblocks", "--lesson", "day02", path, NULL };

  nnb_ui_test_run_app (argv, check_opens_in_place, NULL);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check ())
    {
      g_test_add_func ("/sequential/needs-an-x11-display", nnb_ui_test_skip_without_display);
      return g_test_run ();
    }
  g_test_add_func ("/sequential/opens-in-place", test_opens_in_place);
  return g_test_run ();
}
