/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-editor.c — the diagram editor in the real window: the page's
 * residual MLP built twice on an emptied canvas, once through the editor's
 * actions and once with pointer events (blocks dragged from the palette,
 * wires dragged between ports), each time equal to
 * data/examples/mlp-residual.nnb — 353 parameters, the same names, shapes
 * and outputs for the file's seeds. Undoing the whole build empties the
 * canvas; redoing it builds it again. The page's mismatch (16 ≠ 8) shows
 * PyTorch's message on the block, and the one-click fix mends it. A
 * loaded model fills the canvas until the student zooms (a click on the
 * canvas is no zoom), and every block is wide enough for its whole name.
 *
 * Pointer events go through the X server (XTEST, loaded at run time), so
 * they reach the widgets exactly as a mouse's do. Runs under Xvfb; skips
 * without a display. */
#include "nnb-config.h"

#include <adwaita.h>
#include <gdk/x11/gdkx.h>
#include <gtksourceview/gtksource.h>
#include <math.h>

#include "nnb-block-palette.h"
#include "nnb-diagram-view.h"
#include "nnb-diagram.h"
#include "nnb-parameter-row.h"
#include "nnb-parameter-view.h"
#include "nnb-project.h"
#include "nnb-ui-test-pointer.h"
#include "nnb-ui-test-util.h"
#include "nnb-window.h"

typedef void (*EditorCheck) (NnbWindow *window);

static void maybe_save_screenshot (NnbWindow *window);

static gboolean
flap_hidden (gpointer flap)
{
  return adw_flap_get_reveal_progress (flap) == 0.0;
}

static void
check_with_room (NnbApplication *app, NnbWindow *window, gpointer data)
{
  const EditorCheck *check = data;

  g_assert_true (nnb_ui_test_wait_until (nnb_ui_test_diagram_ready, window));
  /* the lesson pane away, so the diagram has room */
  adw_flap_set_reveal_flap (nnb_ui_test_window_child (window, "flap"), FALSE);
  g_assert_true (nnb_ui_test_wait_until (flap_hidden, nnb_ui_test_window_child (window, "flap")));
  nnb_ui_test_settle (200);
  (*check) (window);
}

/* The application with the page's project open. */
static void
run_app (EditorCheck check)
{
  g_autofree char *path = nnb_ui_test_example_path ("mlp-residual.nnb");
  const char *argv[] = { "nnblocks", path, NULL };

  nnb_ui_test_run_app (argv, check_with_room, &check);
}

/* Editing through actions */

static void
act (NnbDiagramView *view, const char *action, GVariant *parameter)
{
  nnb_ui_test_edit (view, action, parameter);
}

static guint
n_blocks (NnbDiagramView *view)
{
  return nnb_diagram_view_get_graph (view)->blocks->len;
}

static void
empty_canvas (NnbDiagramView *view)
{
  act (view, "editor.select-all", NULL);
  act (view, "editor.delete", NULL);
  g_assert_cmpuint (n_blocks (view), ==, 0);
}

static void
set_features (NnbDiagramView *view, const char *block, gint64 in, gint64 out)
{
  act (view, "editor.select", g_variant_new_string (block));
  act (view, "editor.set-features", g_variant_new ("(xx)", in, out));
}

/* The reference: the file, built by its own recipe. */
static NnbModel *
reference_model (void)
{
  g_autofree char *path = nnb_ui_test_example_path ("mlp-residual.nnb");
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbProject) project = nnb_project_load (path, &error);
  g_autoptr (NnbDataset) data = NULL;

  g_assert_no_error (error);
  data = nnb_project_build (project, FALSE, &error);
  g_assert_no_error (error);
  return nnb_model_ref (project->model);
}

static void
assert_equals_page_mlp (NnbWindow *window)
{
  NnbModel *model = nnb_document_get_project (nnb_window_get_document (window))->model;
  g_autoptr (NnbModel) expected = reference_model ();
  g_autoptr (GError) error = NULL;
  GPtrArray *params = nnb_model_named_parameters (model);
  GPtrArray *expected_params = nnb_model_named_parameters (expected);
  int64_t shape[2] = { 5, 3 };
  g_autoptr (NnbTensor) x = nnb_tensor_new_cpu (2, shape);
  NnbTensor *y, *expected_y;
  g_autofree float *got = NULL;

  g_assert_true (nnb_model_validate (model, &error));
  g_assert_no_error (error);
  g_assert_cmpint (nnb_model_count_parameters (model), ==, 353);
  g_assert_cmpstr (model->class_name, ==, expected->class_name);
  /* the same modules; the student registered act before fc2, the page
   * after head, which leaves named_parameters() and the numbers as they are */
  g_assert_cmpuint (model->modules->len, ==, expected->modules->len);
  for (guint i = 0; i < expected->modules->len; i++)
    {
      NnbModule *module = nnb_model_get_module (model, expected->module_names->pdata[i]);
      g_autofree char *line = NULL, *expected_line = nnb_module_repr (expected->modules->pdata[i], 0);

      g_assert_nonnull (module);
      line = nnb_module_repr (module, 0);
      g_assert_cmpstr (line, ==, expected_line);
    }
  g_assert_cmpuint (model->nodes->len, ==, expected->nodes->len);
  for (guint i = 0; i < model->nodes->len; i++)
    {
      NnbNode *a = model->nodes->pdata[i], *b = expected->nodes->pdata[i];
      g_assert_cmpstr (a->name, ==, b->name);
      g_assert_cmpint (a->inputs[0], ==, b->inputs[0]);
      g_assert_cmpint (a->inputs[1], ==, b->inputs[1]);
    }
  g_assert_cmpuint (params->len, ==, expected_params->len);
  for (guint i = 0; i < params->len; i++)
    {
      NnbNamedParameter *a = params->pdata[i], *b = expected_params->pdata[i];

      g_assert_cmpstr (a->name, ==, b->name);
      g_assert_cmpint (a->param->value->ndim, ==, b->param->value->ndim);
      for (int d = 0; d < a->param->value->ndim; d++)
        g_assert_cmpint (a->param->value->shape[d], ==, b->param->value->shape[d]);
      /* the same seeds draw the same numbers */
      g_assert_cmpmem (a->param->value->data, a->param->value->numel * sizeof (float),
                       b->param->value->data, b->param->value->numel * sizeof (float));
    }

  for (int i = 0; i < 15; i++)
    x->data[i] = (float) (0.3 * i - 2.0);
  y = nnb_model_forward (model, x, &error);
  g_assert_no_error (error);
  got = g_memdup2 (y->data, y->numel * sizeof (float));
  expected_y = nnb_model_forward (expected, x, &error);
  g_assert_no_error (error);
  g_assert_cmpint (expected_y->numel, ==, 5);
  g_assert_cmpmem (got, 5 * sizeof (float), expected_y->data, 5 * sizeof (float));

  /* the code view followed the edits */
  {
    GtkTextBuffer *buffer = gtk_text_view_get_buffer (nnb_ui_test_window_child (window, "code_view"));
    GtkTextIter start, end;
    g_autofree char *code = NULL;

    gtk_text_buffer_get_bounds (buffer, &start, &end);
    code = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
    g_assert_nonnull (strstr (code, "self.head = nn.Linear(16, 1)"));
    /* one self.act, called twice */
    g_assert_nonnull (strstr (strstr (code, "self.act(") + 1, "self.act("));
  }
}

static gboolean
can (NnbDiagramView *view, const char *property)
{
  gboolean value;

  g_object_get (view, property, &value, NULL);
  return value;
}

/* Undo back to the empty canvas, redo to the whole model again. */
static void
assert_undo_redo_whole_build (NnbWindow *window, NnbDiagramView *view, guint n_edits)
{
  for (guint i = 0; i < n_edits; i++)
    act (view, "editor.undo", NULL);
  g_assert_cmpuint (n_blocks (view), ==, 0);
  g_assert_cmpint (nnb_model_count_parameters (nnb_document_get_project (nnb_window_get_document (window))->model), ==, 0);
  for (guint i = 0; i < n_edits; i++)
    act (view, "editor.redo", NULL);
  g_assert_false (can (view, "can-redo"));
  g_assert_cmpuint (n_blocks (view), ==, 8);
  assert_equals_page_mlp (window);
}

/* Counts the steps of the history by undoing everything and redoing it. */
static guint
undo_depth (NnbDiagramView *view)
{
  guint depth = 0;

  while (can (view, "can-undo"))
    {
      act (view, "editor.undo", NULL);
      depth++;
    }
  for (guint i = 0; i < depth; i++)
    act (view, "editor.redo", NULL);
  return depth;
}

/* The parameter tree's row for name, or -1. */
static int
tree_row (GtkSelectionModel *rows, const char *name)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (rows)); i++)
    {
      g_autoptr (GtkTreeListRow) row = g_list_model_get_item (G_LIST_MODEL (rows), i);
      g_autoptr (NnbParameterRow) item = gtk_tree_list_row_get_item (row);

      if (g_strcmp0 (nnb_parameter_row_get_name (item), name) == 0)
        return i;
    }
  return -1;
}

/* A block selected selects its module's row; a parameter's row selects
 * the blocks of its module. */
static void
check_parameter_link (NnbWindow *window, NnbDiagramView *view)
{
  GtkColumnView *columns = GTK_COLUMN_VIEW (gtk_widget_get_template_child (nnb_ui_test_window_child (window, "parameter_view"),
                                                                           NNB_TYPE_PARAMETER_VIEW, "column_view"));
  GtkSelectionModel *rows = gtk_column_view_get_model (columns);
  g_autoptr (GArray) chosen = NULL;
  int row;

  act (view, "editor.select", g_variant_new_string ("fc2"));
  row = tree_row (rows, "fc2");
  g_assert_cmpint (row, >=, 0);
  g_assert_true (gtk_selection_model_is_selected (rows, row));

  row = tree_row (rows, "head.weight");
  g_assert_cmpint (row, >=, 0);
  gtk_selection_model_select_item (rows, row, TRUE);
  chosen = nnb_diagram_view_get_selection (view);
  g_assert_cmpuint (chosen->len, ==, 1);
  g_assert_cmpstr (nnb_graph_get_block (nnb_diagram_view_get_graph (view), g_array_index (chosen, int, 0))->name, ==, "head");
  g_clear_pointer (&chosen, g_array_unref);

  /* act is called twice: its row selects both calls */
  gtk_selection_model_select_item (rows, tree_row (rows, "act"), TRUE);
  chosen = nnb_diagram_view_get_selection (view);
  g_assert_cmpuint (chosen->len, ==, 2);
}

static void
check_build_with_actions (NnbWindow *window)
{
  NnbDiagramView *view = nnb_ui_test_window_child (window, "diagram_view");
  guint depth_before, depth_after;

  empty_canvas (view);
  depth_before = undo_depth (view);

  nnb_ui_test_build_residual_mlp (view);
  g_assert_cmpuint (n_blocks (view), ==, 8);
  assert_equals_page_mlp (window);

  /* a wire that would close a loop is refused, and nothing changes */
  act (view, "editor.connect", g_variant_new ("(ssi)", "head", "fc1", 0));
  g_assert_nonnull (nnb_diagram_view_get_message (view));
  g_assert_nonnull (strstr (nnb_diagram_view_get_message (view), "would make a loop"));
  /* so is a name that is not an identifier */
  act (view, "editor.select", g_variant_new_string ("fc1"));
  act (view, "editor.rename", g_variant_new_string ("2nd layer"));
  g_assert_nonnull (strstr (nnb_diagram_view_get_message (view), "Python identifier"));
  assert_equals_page_mlp (window);

  check_parameter_link (window, view);

  depth_after = undo_depth (view);
  assert_undo_redo_whole_build (window, view, depth_after - depth_before);
}

static void
check_build_with_pointer (NnbWindow *window)
{
  NnbDiagramView *view = nnb_ui_test_window_child (window, "diagram_view");
  /* the palette sits beside the diagram */
  NnbBlockPalette *palette = NNB_BLOCK_PALETTE (gtk_widget_get_first_child (gtk_widget_get_parent (GTK_WIDGET (view))));
  guint depth_before, depth_after;
  double col = gtk_widget_get_width (GTK_WIDGET (view)) / 8.0, row0 = 0.55 * gtk_widget_get_height (GTK_WIDGET (view)), row1 = row0 - 80;

  if (!nnb_ui_test_load_xtest ())
    {
      g_test_skip ("libXtst.so.6 is not installed: no way to send pointer events");
      return;
    }
  /* a block is 124 diagram units wide: 79 pixels after two zooms out */
  g_assert_cmpfloat (col, >=, 90);

  empty_canvas (view);
  depth_before = undo_depth (view);
  /* room for eight blocks in a row */
  act (view, "editor.zoom-out", NULL);
  act (view, "editor.zoom-out", NULL);

  nnb_ui_test_drop_block (palette, view, "Input", 0.5 * col, row0);
  nnb_ui_test_drop_block (palette, view, "Linear", 1.5 * col, row0);
  set_features (view, "fc1", 3, 16);
  nnb_ui_test_drop_block (palette, view, "ReLU", 2.5 * col, row0);
  nnb_ui_test_drop_block (palette, view, "Linear", 3.5 * col, row1);
  set_features (view, "fc2", 16, 16);
  act (view, "editor.select", g_variant_new_string ("act"));
  act (view, "editor.call-again", NULL);
  {
    /* the second call dragged by its body into place */
    double x, y;

    g_assert_true (nnb_diagram_view_block_point (view, nnb_graph_find_block (nnb_diagram_view_get_graph (view), "act_2"), -2, &x, &y));
    nnb_ui_test_drag (GTK_WIDGET (view), x, y, GTK_WIDGET (view), 4.5 * col, row1);
  }
  nnb_ui_test_drop_block (palette, view, "Add", 5.5 * col, row0);
  nnb_ui_test_drop_block (palette, view, "Linear", 6.5 * col, row0);
  act (view, "editor.rename", g_variant_new_string ("head"));
  set_features (view, "head", 16, 1);
  nnb_ui_test_drop_block (palette, view, "Output", 7.5 * col, row0);

  nnb_ui_test_drag_wire (view, "x", "fc1", 0);
  nnb_ui_test_drag_wire (view, "fc1", "act", 0);
  nnb_ui_test_drag_wire (view, "act", "fc2", 0);
  nnb_ui_test_drag_wire (view, "fc2", "act_2", 0);
  nnb_ui_test_drag_wire (view, "act_2", "add", 0);
  nnb_ui_test_drag_wire (view, "act", "add", 1);
  nnb_ui_test_drag_wire (view, "add", "head", 0);
  nnb_ui_test_drag_wire (view, "head", "out", 0);
  g_assert_cmpuint (n_blocks (view), ==, 8);
  assert_equals_page_mlp (window);

  /* the wires show the shapes for the batch size */
  act (view, "editor.batch-size", g_variant_new_int32 (5));
  {
    g_autofree char *shape = nnb_diagram_view_get_block_shape (view, nnb_graph_find_block (nnb_diagram_view_get_graph (view), "fc1"));
    g_assert_cmpstr (shape, ==, "(5, 16)");
  }
  act (view, "editor.batch-size", g_variant_new_int32 (0));
  {
    g_autofree char *shape = nnb_diagram_view_get_block_shape (view, nnb_graph_find_block (nnb_diagram_view_get_graph (view), "act_2"));
    g_assert_cmpstr (shape, ==, "(B, 16)");
  }

  act (view, "editor.select", g_variant_new_string ("fc2"));
  g_object_set_data (G_OBJECT (window), "test-view", view);
  maybe_save_screenshot (window);

  depth_after = undo_depth (view);
  assert_undo_redo_whole_build (window, view, depth_after - depth_before);
}

static gboolean
focus_in_popover (gpointer window)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));

  return focus != NULL && gtk_widget_get_ancestor (focus, GTK_TYPE_POPOVER) != NULL;
}

static gboolean
is_visible (gpointer widget)
{
  return gtk_widget_get_visible (widget);
}

/* Tab walks the blocks, arrows move one, Delete removes it, Ctrl+Z and
 * Ctrl+Shift+Z take it back and again, Enter opens its editor. */
static void
check_keyboard (NnbWindow *window)
{
  NnbDiagramView *view = nnb_ui_test_window_child (window, "diagram_view");
  const NnbGraph *graph;
  double x, y;
  g_autoptr (GArray) selection = NULL;

  if (!nnb_ui_test_load_xtest ())
    {
      g_test_skip ("libXtst.so.6 is not installed: no way to send key events");
      return;
    }
  /* a click on empty canvas gives the diagram the keyboard */
  g_assert_true (nnb_diagram_view_block_point (view, 0, -2, &x, &y));
  nnb_ui_test_drag (GTK_WIDGET (view), 10, 10, GTK_WIDGET (view), 10, 10);
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (view)));

  nnb_ui_test_type_key (GTK_WIDGET (view), XK_Tab, FALSE, FALSE);
  nnb_ui_test_type_key (GTK_WIDGET (view), XK_Tab, FALSE, FALSE);
  selection = nnb_diagram_view_get_selection (view);
  g_assert_cmpuint (selection->len, ==, 1);
  g_assert_cmpint (g_array_index (selection, int, 0), ==, 1);
  graph = nnb_diagram_view_get_graph (view);
  g_assert_cmpstr (nnb_graph_get_block (graph, 1)->name, ==, "fc1");
  {
    g_autofree char *text = nnb_diagram_view_describe_block (view, 1);
    g_assert_cmpstr (text, ==, "fc1: Linear 3→16, input from x, shape (B, 3), output shape (B, 16)");
  }

  x = nnb_graph_get_block (graph, 1)->x;
  nnb_ui_test_type_key (GTK_WIDGET (view), XK_Right, FALSE, FALSE);
  g_assert_cmpfloat (nnb_graph_get_block (nnb_diagram_view_get_graph (view), 1)->x, ==, x + 10);

  nnb_ui_test_type_key (GTK_WIDGET (view), XK_Delete, FALSE, FALSE);
  g_assert_cmpuint (n_blocks (view), ==, 7);
  g_assert_cmpint (nnb_graph_find_block (nnb_diagram_view_get_graph (view), "fc1"), ==, -1);
  g_assert_null (nnb_model_get_parameter (nnb_document_get_project (nnb_window_get_document (window))->model, "fc1.weight"));

  nnb_ui_test_type_key (GTK_WIDGET (view), XK_z, TRUE, FALSE);
  g_assert_cmpuint (n_blocks (view), ==, 8);
  g_assert_nonnull (nnb_model_get_parameter (nnb_document_get_project (nnb_window_get_document (window))->model, "fc1.weight"));
  nnb_ui_test_type_key (GTK_WIDGET (view), XK_z, TRUE, TRUE);
  g_assert_cmpuint (n_blocks (view), ==, 7);
  nnb_ui_test_type_key (GTK_WIDGET (view), XK_z, TRUE, FALSE);
  g_assert_cmpuint (n_blocks (view), ==, 8);
  g_assert_cmpfloat (nnb_graph_get_block (nnb_diagram_view_get_graph (view), 1)->x, ==, x + 10);
  nnb_ui_test_type_key (GTK_WIDGET (view), XK_z, TRUE, FALSE);
  g_assert_cmpfloat (nnb_graph_get_block (nnb_diagram_view_get_graph (view), 1)->x, ==, x);

  /* a right click opens the context menu, and it stays open */
  {
    Display *display = gdk_x11_display_get_xdisplay (gtk_widget_get_display (GTK_WIDGET (view)));
    GtkWidget *menu = NULL;
    int sx, sy;

    for (GtkWidget *w = gtk_widget_get_first_child (GTK_WIDGET (view)); w != NULL; w = gtk_widget_get_next_sibling (w))
      if (GTK_IS_POPOVER_MENU (w))
        menu = w;
    g_assert_nonnull (menu);
    g_assert_true (nnb_diagram_view_block_point (view, nnb_graph_find_block (nnb_diagram_view_get_graph (view), "head"), -2, &x, &y));
    nnb_ui_test_screen_point (GTK_WIDGET (view), x, y, &sx, &sy);
    nnb_ui_test_pointer_to (display, sx, sy);
    nnb_ui_test_fake_button (display, 3, TRUE);
    nnb_ui_test_fake_button (display, 3, FALSE);
    XFlush (display);
    g_assert_true (nnb_ui_test_wait_until (is_visible, menu));
    /* still open once the click is over, and the block under it selected */
    nnb_ui_test_settle (300);
    g_assert_true (gtk_widget_get_visible (menu));
    gtk_popover_popdown (GTK_POPOVER (menu));
    nnb_ui_test_settle (200);
  }

  /* Enter: the block's editor, its name ready to change */
  act (view, "editor.select", g_variant_new_string ("head"));
  nnb_ui_test_type_key (GTK_WIDGET (view), XK_Return, FALSE, FALSE);
  {
    GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));
    g_assert_nonnull (focus);
    g_assert_nonnull (gtk_widget_get_ancestor (focus, GTK_TYPE_POPOVER));
    g_assert_true (gtk_widget_get_ancestor (focus, GTK_TYPE_POPOVER) != NULL && gtk_widget_get_parent (gtk_widget_get_ancestor (focus, GTK_TYPE_POPOVER)) == GTK_WIDGET (view));
  }
  nnb_ui_test_type_key (GTK_WIDGET (view), XK_Escape, FALSE, FALSE);
  nnb_ui_test_settle (200);
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (view)));

  /* a double click on a block opens its editor too */
  {
    Display *display = gdk_x11_display_get_xdisplay (gtk_widget_get_display (GTK_WIDGET (view)));
    int sx, sy;

    g_assert_true (nnb_diagram_view_block_point (view, nnb_graph_find_block (nnb_diagram_view_get_graph (view), "fc2"), -2, &x, &y));
    nnb_ui_test_screen_point (GTK_WIDGET (view), x, y, &sx, &sy);
    nnb_ui_test_pointer_to (display, sx, sy);
    for (int i = 0; i < 2; i++)
      {
        nnb_ui_test_fake_button (display, 1, TRUE);
        nnb_ui_test_fake_button (display, 1, FALSE);
      }
    XFlush (display);
    g_assert_true (nnb_ui_test_wait_until (focus_in_popover, window));
    nnb_ui_test_settle (300);
    g_assert_true (focus_in_popover (window));
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (gtk_root_get_focus (GTK_ROOT (window)))), ==, "fc2");
    nnb_ui_test_type_key (GTK_WIDGET (view), XK_Escape, FALSE, FALSE);
    nnb_ui_test_settle (200);
    g_assert_false (focus_in_popover (window));
  }
}

/* Fitting and labels */

/* The widget's x span of the blocks' ports; FALSE if any is outside it. */
static gboolean
ports_inside (NnbDiagramView *view, double *span)
{
  double width = gtk_widget_get_width (GTK_WIDGET (view)), height = gtk_widget_get_height (GTK_WIDGET (view));
  double min_x = G_MAXDOUBLE, max_x = -G_MAXDOUBLE;
  gboolean inside = TRUE;

  for (guint i = 0; i < n_blocks (view); i++)
    for (int slot = -1; slot <= 0; slot++)
      {
        double x, y;

        g_assert_true (nnb_diagram_view_block_point (view, i, slot, &x, &y));
        inside = inside && x >= 0 && x <= width && y >= 0 && y <= height;
        min_x = MIN (min_x, x), max_x = MAX (max_x, x);
      }
  *span = max_x - min_x;
  return inside;
}

static double
text_width (GtkWidget *widget, const char *text)
{
  g_autoptr (PangoLayout) layout = gtk_widget_create_pango_layout (widget, text);
  g_autoptr (PangoFontDescription) font = pango_font_description_from_string ("Sans Bold");
  int w, h;

  /* the diagram's block text: 13 units at zoom 1 */
  pango_font_description_set_absolute_size (font, 13 * PANGO_SCALE);
  pango_layout_set_font_description (layout, font);
  pango_layout_get_pixel_size (layout, &w, &h);
  return w;
}

/* The loaded model fills the canvas, follows its size until the student
 * zooms, and comes back with editor.fit; every block is wide enough for its
 * whole name, on two lines where one is too long. */
static void
check_fit_and_labels (NnbWindow *window)
{
  NnbDiagramView *view = nnb_ui_test_window_child (window, "diagram_view");
  NnbModel *model;
  g_autoptr (GArray) where = NULL;
  const NnbGraph *graph;
  double span, span_before, r_fc2[4], r_act[4], r_long[4];
  int width = gtk_widget_get_width (GTK_WIDGET (window)), height = gtk_widget_get_height (GTK_WIDGET (window));

  nnb_ui_test_settle (200);
  g_assert_true (ports_inside (view, &span));
  /* the page's MLP is wide: fitted, it spans most of the canvas */
  g_assert_cmpfloat (span, >, 0.6 * gtk_widget_get_width (GTK_WIDGET (view)));

  /* a narrower window: still all of it, smaller */
  span_before = span;
  gtk_window_set_default_size (GTK_WINDOW (window), width - 200, height);
  nnb_ui_test_settle (400);
  g_assert_true (ports_inside (view, &span));
  g_assert_cmpfloat (span, <, span_before - 50);

  /* once zoomed, the view stays as the student left it */
  act (view, "editor.zoom-in", NULL);
  nnb_ui_test_settle (100);
  ports_inside (view, &span_before);
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  nnb_ui_test_settle (400);
  ports_inside (view, &span);
  g_assert_cmpfloat (fabs (span - span_before), <, 1.0);
  act (view, "editor.fit", NULL);
  nnb_ui_test_settle (100);
  g_assert_true (ports_inside (view, &span));

  /* a click on the canvas is no zoom by hand: the view still fits */
  if (nnb_ui_test_load_xtest ())
    {
      double middle = gtk_widget_get_width (GTK_WIDGET (view)) / 2.0;

      nnb_ui_test_drag (GTK_WIDGET (view), middle, 4, GTK_WIDGET (view), middle, 4);
      ports_inside (view, &span_before);
      gtk_window_set_default_size (GTK_WINDOW (window), width - 200, height);
      nnb_ui_test_settle (400);
      g_assert_true (ports_inside (view, &span));
      g_assert_cmpfloat (span, <, span_before - 50);
      gtk_window_set_default_size (GTK_WINDOW (window), width, height);
      nnb_ui_test_settle (400);
    }

  /* "fc2: Linear 16→16" takes two lines, "act: ReLU" one */
  graph = nnb_diagram_view_get_graph (view);
  model = nnb_document_get_project (nnb_window_get_document (window))->model;
  where = nnb_graph_positions (graph);
  nnb_diagram_block_rect (model, (const NnbBlockPosition *) where->data, NULL, nnb_graph_find_block (graph, "fc2"), r_fc2);
  nnb_diagram_block_rect (model, (const NnbBlockPosition *) where->data, NULL, nnb_graph_find_block (graph, "act"), r_act);
  g_assert_cmpfloat (r_fc2[3], >, r_act[3]);
  g_assert_cmpfloat (r_fc2[2] - 16, >=, text_width (GTK_WIDGET (view), "Linear 16→16"));
  g_assert_cmpfloat (r_act[2] - 16, >=, text_width (GTK_WIDGET (view), "act: ReLU"));

  /* a long name widens its block rather than being cut off */
  act (view, "editor.select", g_variant_new_string ("head"));
  act (view, "editor.rename", g_variant_new_string ("a_very_long_attribute_name"));
  graph = nnb_diagram_view_get_graph (view);
  model = nnb_document_get_project (nnb_window_get_document (window))->model;
  g_clear_pointer (&where, g_array_unref);
  where = nnb_graph_positions (graph);
  nnb_diagram_block_rect (model, (const NnbBlockPosition *) where->data, NULL,
                          nnb_graph_find_block (graph, "a_very_long_attribute_name"), r_long);
  g_assert_cmpfloat (r_long[2] - 16, >=, text_width (GTK_WIDGET (view), "a_very_long_attribute_name:"));
}

/* Screenshots */

/* NNB_EDITOR_SCREENSHOT=file.png: the window as the test left it, for
 * the README (not a check). */
static void
maybe_save_screenshot (NnbWindow *window)
{
  const char *path = g_getenv ("NNB_EDITOR_SCREENSHOT");
  int width = gtk_widget_get_width (GTK_WIDGET (window)), height = gtk_widget_get_height (GTK_WIDGET (window));
  g_autoptr (GdkPaintable) paintable = NULL;
  g_autoptr (GtkSnapshot) snapshot = NULL;
  g_autoptr (GskRenderNode) node = NULL;
  g_autoptr (GdkTexture) texture = NULL;

  if (path == NULL)
    return;
  {
    GtkWidget *view = g_object_get_data (G_OBJECT (window), "test-view");
    /* the whole screen, for more room */
    gtk_window_set_default_size (GTK_WINDOW (window), 1600, 1000);
    nnb_ui_test_settle (500);
    act (NNB_DIAGRAM_VIEW (view), "editor.layout", NULL);
  }
  nnb_ui_test_settle (300);
  width = gtk_widget_get_width (GTK_WIDGET (window));
  height = gtk_widget_get_height (GTK_WIDGET (window));
  paintable = gtk_widget_paintable_new (GTK_WIDGET (window));
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
}

/* The page's mistake: nn.Sequential(nn.Linear(3, 16), nn.ReLU(), nn.Linear(8, 1)) */
static void
check_mismatch_shows_pytorch_message (NnbWindow *window)
{
  NnbDiagramView *view = nnb_ui_test_window_child (window, "diagram_view");
  const NnbGraph *graph;
  int fc2;

  empty_canvas (view);
  act (view, "editor.add-block", g_variant_new_string ("Input"));
  act (view, "editor.add-block", g_variant_new_string ("Linear"));
  act (view, "editor.set-features", g_variant_new ("(xx)", (gint64) 3, (gint64) 16));
  act (view, "editor.add-block", g_variant_new_string ("ReLU"));
  act (view, "editor.add-block", g_variant_new_string ("Linear"));
  act (view, "editor.set-features", g_variant_new ("(xx)", (gint64) 8, (gint64) 1));
  act (view, "editor.add-block", g_variant_new_string ("Output"));
  act (view, "editor.batch-size", g_variant_new_int32 (5));

  graph = nnb_diagram_view_get_graph (view);
  fc2 = nnb_graph_find_block (graph, "fc2");
  g_assert_cmpstr (nnb_diagram_view_get_block_error (view, fc2), ==,
                   "mat1 and mat2 shapes cannot be multiplied (5x16 and 8x1)");
  g_assert_null (nnb_diagram_view_get_block_error (view, nnb_graph_find_block (graph, "fc1")));
  {
    g_autofree char *text = nnb_diagram_view_describe_block (view, fc2);
    g_assert_nonnull (strstr (text, "mat1 and mat2 shapes cannot be multiplied (5x16 and 8x1)"));
  }

  /* NNB_EDITOR_MISMATCH_SCREENSHOT=file.png: the screen with the block's
   * editor open, for a person to look at (not a check) */
  if (g_getenv ("NNB_EDITOR_MISMATCH_SCREENSHOT") != NULL)
    {
      act (view, "editor.select", g_variant_new_string ("fc2"));
      act (view, "editor.edit", NULL);
      nnb_ui_test_settle (500);
      nnb_ui_test_screenshot_if_asked ("NNB_EDITOR_MISMATCH_SCREENSHOT");
      act (view, "editor.fit", NULL);
    }

  /* one click: in_features from the incoming wire */
  act (view, "editor.select", g_variant_new_string ("fc2"));
  act (view, "editor.fix-in-features", NULL);
  graph = nnb_diagram_view_get_graph (view);
  g_assert_null (nnb_diagram_view_get_block_error (view, fc2));
  g_assert_cmpint (nnb_graph_block_module (graph, fc2)->in_features, ==, 16);
  g_assert_cmpint (nnb_model_count_parameters (nnb_document_get_project (nnb_window_get_document (window))->model), ==, 64 + 17);
}

/* A LayerNorm added after fc1 takes its width; when fc1 changes, the
 * block shows F.layer_norm's message and the one-click fix mends it */
static void
check_layer_norm_follows_the_wire (NnbWindow *window)
{
  NnbDiagramView *view = nnb_ui_test_window_child (window, "diagram_view");
  const NnbGraph *graph;
  int norm;

  empty_canvas (view);
  act (view, "editor.add-block", g_variant_new_string ("Input"));
  act (view, "editor.add-block", g_variant_new_string ("Linear"));
  act (view, "editor.set-features", g_variant_new ("(xx)", (gint64) 3, (gint64) 16));
  act (view, "editor.add-block", g_variant_new_string ("LayerNorm"));
  act (view, "editor.add-block", g_variant_new_string ("Output"));
  act (view, "editor.batch-size", g_variant_new_int32 (5));
  graph = nnb_diagram_view_get_graph (view);
  norm = nnb_graph_find_block (graph, "norm");
  g_assert_cmpint (norm, >=, 0);
  g_assert_cmpint (nnb_graph_block_module (graph, norm)->normalized_shape, ==, 16);
  g_assert_null (nnb_diagram_view_get_block_error (view, norm));

  set_features (view, "fc1", 3, 8);
  g_assert_cmpstr (nnb_diagram_view_get_block_error (view, norm), ==,
                   "Given normalized_shape=[16], expected input with shape [*, 16], but got input of size[5, 8]");
  /* NNB_EDITOR_LAYER_NORM_SCREENSHOT=file.png: the block's editor open on
   * the mismatch, for a person to look at (not a check) */
  if (g_getenv ("NNB_EDITOR_LAYER_NORM_SCREENSHOT") != NULL)
    {
      act (view, "editor.select", g_variant_new_string ("norm"));
      act (view, "editor.edit", NULL);
      nnb_ui_test_settle (500);
      nnb_ui_test_screenshot_if_asked ("NNB_EDITOR_LAYER_NORM_SCREENSHOT");
    }
  act (view, "editor.select", g_variant_new_string ("norm"));
  act (view, "editor.fix-in-features", NULL);
  graph = nnb_diagram_view_get_graph (view);
  g_assert_null (nnb_diagram_view_get_block_error (view, norm));
  g_assert_cmpint (nnb_graph_block_module (graph, norm)->normalized_shape, ==, 8);
  /* fc1: 3·8 + 8; norm: weight and bias, 8 each */
  g_assert_cmpint (nnb_model_count_parameters (nnb_document_get_project (nnb_window_get_document (window))->model), ==, 32 + 16);
}

/* A widget of the block editor by its id in nnb-block-editor.ui */
static GtkWidget *
editor_widget (GtkWidget *root, const char *id)
{
  if (GTK_IS_BUILDABLE (root) && g_strcmp0 (gtk_buildable_get_buildable_id (GTK_BUILDABLE (root)), id) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = editor_widget (child, id);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The block's popover: Inputs set to n, applied */
static void
set_cat_inputs (NnbDiagramView *view, const char *block, int n)
{
  GtkWidget *spin, *grid;

  act (view, "editor.select", g_variant_new_string (block));
  act (view, "editor.edit", NULL);
  nnb_ui_test_settle (50);
  spin = editor_widget (GTK_WIDGET (view), "cat_spin");
  grid = editor_widget (GTK_WIDGET (view), "cat_grid");
  g_assert_nonnull (spin);
  g_assert_true (gtk_widget_get_visible (grid));
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), n);
  g_signal_emit_by_name (editor_widget (GTK_WIDGET (view), "apply_button"), "clicked");
  nnb_ui_test_settle (50);
}

/* A cat block raised to three inputs in its popover joins three branches
 * (3 + 4 + 2 wide); lowered to two, its third wire goes, and undo brings
 * it back */
static void
check_cat_takes_three_inputs (NnbWindow *window)
{
  NnbDiagramView *view = nnb_ui_test_window_child (window, "diagram_view");
  const NnbGraph *graph;
  g_autofree char *shape = NULL;
  int cat, fc2;

  empty_canvas (view);
  act (view, "editor.add-block", g_variant_new_string ("Input"));
  act (view, "editor.add-block", g_variant_new_string ("Linear"));
  act (view, "editor.set-features", g_variant_new ("(xx)", (gint64) 3, (gint64) 4));
  act (view, "editor.select", g_variant_new_string ("x"));
  act (view, "editor.add-block", g_variant_new_string ("Linear"));
  act (view, "editor.set-features", g_variant_new ("(xx)", (gint64) 3, (gint64) 2));
  act (view, "editor.add-block", g_variant_new_string ("Cat"));
  act (view, "editor.add-block", g_variant_new_string ("Output"));
  act (view, "editor.batch-size", g_variant_new_int32 (5));
  graph = nnb_diagram_view_get_graph (view);
  cat = nnb_graph_find_block (graph, "cat");
  fc2 = nnb_graph_find_block (graph, "fc2");
  g_assert_cmpint (cat, >=, 0);
  g_assert_cmpint (fc2, >=, 0);
  g_assert_cmpint (nnb_graph_get_block (graph, cat)->n_inputs, ==, 2);

  set_cat_inputs (view, "cat", 3);
  graph = nnb_diagram_view_get_graph (view);
  g_assert_cmpint (nnb_graph_get_block (graph, cat)->n_inputs, ==, 3);
  act (view, "editor.connect", g_variant_new ("(ssi)", "x", "cat", 0));
  act (view, "editor.connect", g_variant_new ("(ssi)", "fc1", "cat", 1));
  act (view, "editor.connect", g_variant_new ("(ssi)", "fc2", "cat", 2));
  g_assert_null (nnb_diagram_view_get_message (view));
  graph = nnb_diagram_view_get_graph (view);
  g_assert_cmpint (nnb_graph_get_block (graph, cat)->inputs[2], ==, fc2);
  g_assert_null (nnb_diagram_view_get_block_error (view, cat));
  shape = nnb_diagram_view_get_block_shape (view, cat);
  g_assert_cmpstr (shape, ==, "(5, 9)");
  g_assert_true (nnb_model_validate (nnb_document_get_project (nnb_window_get_document (window))->model, NULL));
  act (view, "editor.layout", NULL);
  act (view, "editor.fit", NULL);
  /* NNB_EDITOR_CAT_SCREENSHOT=file.png: the three wires into the cat, and
   * NNB_EDITOR_CAT_POPOVER_SCREENSHOT its popover, for a person to look
   * at (not checks) */
  nnb_ui_test_screenshot_if_asked ("NNB_EDITOR_CAT_SCREENSHOT");
  if (g_getenv ("NNB_EDITOR_CAT_POPOVER_SCREENSHOT") != NULL)
    {
      act (view, "editor.select", g_variant_new_string ("cat"));
      act (view, "editor.edit", NULL);
      nnb_ui_test_settle (500);
      nnb_ui_test_screenshot_if_asked ("NNB_EDITOR_CAT_POPOVER_SCREENSHOT");
      gtk_popover_popdown (GTK_POPOVER (gtk_widget_get_ancestor (editor_widget (GTK_WIDGET (view), "cat_spin"),
                                                                 GTK_TYPE_POPOVER)));
    }

  set_cat_inputs (view, "cat", 2);
  graph = nnb_diagram_view_get_graph (view);
  g_assert_cmpint (nnb_graph_get_block (graph, cat)->n_inputs, ==, 2);
  g_assert_cmpint (nnb_graph_get_block (graph, cat)->inputs[2], ==, -1);
  g_clear_pointer (&shape, g_free);
  shape = nnb_diagram_view_get_block_shape (view, cat);
  g_assert_cmpstr (shape, ==, "(5, 7)");

  act (view, "editor.undo", NULL);
  graph = nnb_diagram_view_get_graph (view);
  g_assert_cmpint (nnb_graph_get_block (graph, cat)->n_inputs, ==, 3);
  g_assert_cmpint (nnb_graph_get_block (graph, cat)->inputs[2], ==, fc2);
  g_clear_pointer (&shape, g_free);
  shape = nnb_diagram_view_get_block_shape (view, cat);
  g_assert_cmpstr (shape, ==, "(5, 9)");
}

static void
test_cat_takes_three_inputs (void)
{
  run_app (check_cat_takes_three_inputs);
}

static void
test_layer_norm_follows_the_wire (void)
{
  run_app (check_layer_norm_follows_the_wire);
}

static void
test_build_with_actions (void)
{
  run_app (check_build_with_actions);
}

static void
test_build_with_pointer (void)
{
  run_app (check_build_with_pointer);
}

static void
test_keyboard (void)
{
  run_app (check_keyboard);
}

static void
test_mismatch_shows_pytorch_message (void)
{
  run_app (check_mismatch_shows_pytorch_message);
}

static void
test_fit_and_labels (void)
{
  run_app (check_fit_and_labels);
}

static void
test_skip_without_display (void)
{
  g_test_skip ("no X11 display: the editor's tests run under Xvfb");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check () || !GDK_IS_X11_DISPLAY (gdk_display_get_default ()))
    {
      g_test_add_func ("/editor/needs-an-x11-display", test_skip_without_display);
      return g_test_run ();
    }
  g_test_add_func ("/editor/build-page-mlp-with-actions", test_build_with_actions);
  g_test_add_func ("/editor/build-page-mlp-with-pointer", test_build_with_pointer);
  g_test_add_func ("/editor/mismatch-shows-pytorch-message", test_mismatch_shows_pytorch_message);
  g_test_add_func ("/editor/layer-norm-follows-the-wire", test_layer_norm_follows_the_wire);
  g_test_add_func ("/editor/cat-takes-three-inputs", test_cat_takes_three_inputs);
  g_test_add_func ("/editor/keyboard", test_keyboard);
  g_test_add_func ("/editor/loaded-model-fits-and-labels-fit", test_fit_and_labels);
  return g_test_run ();
}
