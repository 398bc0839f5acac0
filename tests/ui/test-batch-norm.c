/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-batch-norm.c — nn.BatchNorm1d in the editor, built by hand: blocks
 * dragged from the palette and wires dragged between ports make a network
 * of two branches joined by torch.cat,
 *
 *   x → fc1 = Linear(1, 8) ─┬─ bn = BatchNorm1d(8) → ReLU ─┐
 *                           └─ Dropout → Tanh ─────────────┴─ cat → Linear(16, 1) → out
 *
 * bn takes num_features from its wire; the wires show (B, 8) into cat twice
 * and (B, 16) out of it; the block carries the train/eval tag. Its editor
 * shows PyTorch's defaults, refuses a bad eps or momentum with a sentence
 * and takes momentum=None. The parameter tree lists bn's buffers after its
 * parameters, marked apart, num_batches_tracked as an int64 scalar, and
 * counts as PyTorch does: 49 parameters, 9 state_dict() entries holding 66
 * values. Twenty epochs of four batches train it with a finite loss and
 * num_batches_tracked = 80.
 *
 * Set NNB_SHOT_BATCH_NORM, NNB_SHOT_BATCH_NORM_POPOVER,
 * NNB_SHOT_BATCH_NORM_ERROR and NNB_SHOT_BATCH_NORM_TREE to file names for
 * screenshots. Pointer events go
 * through the X server (XTEST); runs under Xvfb, skips without a display. */
#include "nnb-config.h"

#include <adwaita.h>
#include <gdk/x11/gdkx.h>
#include <glib/gstdio.h>
#include <math.h>

#include "nnb-block-palette.h"
#include "nnb-diagram-view.h"
#include "nnb-diagram.h"
#include "nnb-parameter-row.h"
#include "nnb-parameter-view.h"
#include "nnb-ui-test-pointer.h"
#include "nnb-ui-test-util.h"

/* the sine data, 200 points in batches of 50: four steps an epoch */
static const char project_text[] =
  "{\"format\": \"nnblocks\", \"version\": 1, \"title\": \"BatchNorm1d on one branch\",\n"
  " \"model\": {\"class\": \"Linear\", \"in_features\": 1, \"out_features\": 1, \"bias\": true,\n"
  "  \"graph\": {\"nodes\": [\n"
  "   {\"name\": \"x\", \"op\": \"input\", \"pos\": [0, 0]},\n"
  "   {\"name\": \"linear\", \"op\": \"call\", \"inputs\": [\"x\"], \"pos\": [160, 0]},\n"
  "   {\"name\": \"out\", \"op\": \"output\", \"inputs\": [\"linear\"], \"pos\": [320, 0]}]}},\n"
  " \"seed\": 0, \"model_seed\": 0,\n"
  " \"init\": {\"weight\": \"default\", \"bias\": \"default\", \"seed\": null},\n"
  " \"data\": {\"kind\": \"sine\", \"n\": 200, \"noise\": 0.1, \"x_max\": 6.283185307179586},\n"
  " \"training\": {\"optimizer\": \"SGD\", \"lr\": 0.05, \"momentum\": 0, \"dampening\": 0, \"nesterov\": false,\n"
  "  \"weight_decay\": 0, \"loss\": \"MSELoss\", \"epochs\": 20, \"batch_size\": 50, \"until_loss\": 0,\n"
  "  \"log_every\": 10, \"device\": \"cpu\"}}\n";

#define EPOCHS 20
#define BATCHES_PER_EPOCH 4

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

static int
block (NnbDiagramView *view, const char *name)
{
  int index = nnb_graph_find_block (nnb_diagram_view_get_graph (view), name);

  g_assert_cmpint (index, >=, 0);
  return index;
}

static NnbModel *
model_of (NnbWindow *window)
{
  return nnb_document_get_project (nnb_window_get_document (window))->model;
}

static void
assert_shape (NnbDiagramView *view, const char *name, const char *expected)
{
  g_autofree char *shape = nnb_diagram_view_get_block_shape (view, block (view, name));

  g_assert_cmpstr (shape, ==, expected);
}

/* a block is 124 diagram units wide: 79 pixels after two zooms out, and
 * a drop needs room beside the last one (1600 × 1000 gives 85) */
static gboolean
room_for_seven_columns (gpointer view)
{
  return gtk_widget_get_width (view) / 7.5 >= 80;
}

static void
build_by_pointer (NnbWindow *window, NnbDiagramView *view)
{
  /* the palette sits beside the diagram */
  NnbBlockPalette *palette = NNB_BLOCK_PALETTE (gtk_widget_get_first_child (gtk_widget_get_parent (GTK_WIDGET (view))));
  double col, row0, up, down;

  /* a loaded machine may show the window before it has its full size */
  g_assert_true (nnb_ui_test_wait_until (room_for_seven_columns, view));
  col = gtk_widget_get_width (GTK_WIDGET (view)) / 7.5;
  row0 = 0.5 * gtk_widget_get_height (GTK_WIDGET (view));
  up = row0 - 70;
  down = row0 + 70;

  act (view, "editor.select-all", NULL);
  act (view, "editor.delete", NULL);
  g_assert_cmpuint (n_blocks (view), ==, 0);
  /* room for seven columns */
  act (view, "editor.zoom-out", NULL);
  act (view, "editor.zoom-out", NULL);

  nnb_ui_test_drop_block (palette, view, "Input", 0.5 * col, row0);
  nnb_ui_test_drop_block (palette, view, "Linear", 1.5 * col, row0);
  act (view, "editor.set-features", g_variant_new ("(xx)", (gint64) 1, (gint64) 8));
  nnb_ui_test_drop_block (palette, view, "BatchNorm1d", 2.5 * col, up);
  nnb_ui_test_drop_block (palette, view, "ReLU", 3.5 * col, up);
  nnb_ui_test_drop_block (palette, view, "Dropout", 2.5 * col, down);
  nnb_ui_test_drop_block (palette, view, "Tanh", 3.5 * col, down);
  nnb_ui_test_drop_block (palette, view, "Cat", 4.5 * col, row0);
  nnb_ui_test_drop_block (palette, view, "Linear", 5.5 * col, row0);
  act (view, "editor.set-features", g_variant_new ("(xx)", (gint64) 16, (gint64) 1));
  nnb_ui_test_drop_block (palette, view, "Output", 6.5 * col, row0);
  /* the palette's default name for it */
  g_assert_cmpint (nnb_graph_find_block (nnb_diagram_view_get_graph (view), "bn"), >=, 0);
  g_assert_cmpint (nnb_graph_block_module (nnb_diagram_view_get_graph (view), block (view, "bn"))->num_features, ==, 1);

  nnb_ui_test_drag_wire (view, "x", "fc1", 0);
  nnb_ui_test_drag_wire (view, "fc1", "bn", 0);
  /* wired, it normalises what the wire brings: 8 features */
  g_assert_cmpint (nnb_graph_block_module (nnb_diagram_view_get_graph (view), block (view, "bn"))->num_features, ==, 8);
  nnb_ui_test_drag_wire (view, "bn", "act", 0);
  nnb_ui_test_drag_wire (view, "fc1", "dropout", 0);
  nnb_ui_test_drag_wire (view, "dropout", "act_2", 0);
  nnb_ui_test_drag_wire (view, "act", "cat", 0);
  nnb_ui_test_drag_wire (view, "act_2", "cat", 1);
  nnb_ui_test_drag_wire (view, "cat", "fc2", 0);
  nnb_ui_test_drag_wire (view, "fc2", "out", 0);
  g_assert_cmpuint (n_blocks (view), ==, 9);
  g_assert_null (nnb_diagram_view_get_message (view));
  g_assert_true (nnb_model_validate (model_of (window), NULL));
}

static void
check_wires (NnbWindow *window, NnbDiagramView *view)
{
  NnbModel *model = model_of (window);
  int cat = block (view, "cat");

  assert_shape (view, "bn", "(B, 8)");
  assert_shape (view, "act", "(B, 8)");
  assert_shape (view, "act_2", "(B, 8)");
  assert_shape (view, "cat", "(B, 16)");
  assert_shape (view, "fc2", "(B, 1)");
  for (int s = 0; s < 2; s++)
    g_assert_null (nnb_diagram_view_get_block_error (view, nnb_graph_get_block (nnb_diagram_view_get_graph (view), cat)->inputs[s]));
  {
    g_autofree char *text = nnb_diagram_view_describe_block (view, cat);

    g_assert_cmpstr (text, ==,
                     "cat: torch.cat(dim=1), input from act, shape (B, 8), input from act_2, shape (B, 8), output shape (B, 16)");
  }
  {
    g_autofree char *text = nnb_diagram_node_text (model, block (view, "bn"));

    g_assert_cmpstr (text, ==, "bn: BatchNorm1d 8");
  }
  /* the blocks that model.train() and model.eval() change carry the tag */
  g_assert_true (nnb_module_has_mode (nnb_model_get_module (model, "bn")));
  g_assert_true (nnb_module_has_mode (nnb_model_get_module (model, "dropout")));
  g_assert_false (nnb_module_has_mode (nnb_model_get_module (model, "fc1")));
  {
    g_autofree char *line = nnb_module_repr (nnb_model_get_module (model, "bn"), 0);

    g_assert_cmpstr (line, ==, "BatchNorm1d(8, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)");
  }
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

static GtkWidget *
open_bn_editor (NnbDiagramView *view)
{
  act (view, "editor.select", g_variant_new_string ("bn"));
  act (view, "editor.edit", NULL);
  nnb_ui_test_settle (200);
  g_assert_true (gtk_widget_get_visible (editor_widget (GTK_WIDGET (view), "bn_grid")));
  return editor_widget (GTK_WIDGET (view), "bn_grid");
}

static void
apply_editor (NnbDiagramView *view)
{
  g_signal_emit_by_name (editor_widget (GTK_WIDGET (view), "apply_button"), "clicked");
  nnb_ui_test_settle (200);
}

static const char *
editor_text (NnbDiagramView *view, const char *id)
{
  return gtk_editable_get_text (GTK_EDITABLE (editor_widget (GTK_WIDGET (view), id)));
}

static gboolean
editor_active (NnbDiagramView *view, const char *id)
{
  return gtk_check_button_get_active (GTK_CHECK_BUTTON (editor_widget (GTK_WIDGET (view), id)));
}

static const char *
shown_message (NnbDiagramView *view)
{
  GtkWidget *label = editor_widget (GTK_WIDGET (view), "message_label");

  return gtk_widget_get_visible (label) ? gtk_label_get_text (GTK_LABEL (label)) : NULL;
}

static const NnbGraphModule *
bn_module (NnbDiagramView *view)
{
  return nnb_graph_block_module (nnb_diagram_view_get_graph (view), block (view, "bn"));
}

static void
check_popover (NnbWindow *window, NnbDiagramView *view)
{
  GtkWidget *popover;

  open_bn_editor (view);
  popover = gtk_widget_get_ancestor (editor_widget (GTK_WIDGET (view), "bn_grid"), GTK_TYPE_POPOVER);
  /* PyTorch's defaults, num_features from the wire */
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (editor_widget (GTK_WIDGET (view), "bn_features_spin"))), ==, 8);
  g_assert_cmpstr (editor_text (view, "bn_eps_entry"), ==, "1e-05");
  g_assert_cmpstr (editor_text (view, "bn_momentum_entry"), ==, "0.1");
  g_assert_false (editor_active (view, "bn_none_check"));
  g_assert_true (editor_active (view, "bn_affine_check"));
  g_assert_true (editor_active (view, "bn_track_check"));
  /* the other blocks' fields stay hidden */
  g_assert_false (gtk_widget_get_visible (editor_widget (GTK_WIDGET (view), "norm_grid")));
  g_assert_false (gtk_widget_get_visible (editor_widget (GTK_WIDGET (view), "dropout_grid")));
  nnb_ui_test_screenshot_if_asked ("NNB_SHOT_BATCH_NORM_POPOVER");

  /* a negative eps: a sentence, and the block keeps its eps */
  gtk_editable_set_text (GTK_EDITABLE (editor_widget (GTK_WIDGET (view), "bn_eps_entry")), "-1");
  apply_editor (view);
  g_assert_true (gtk_widget_get_visible (popover));
  g_assert_cmpstr (shown_message (view), ==, "eps must be a small number greater than 0, such as 1e-05 (got -1).");
  g_assert_cmpfloat (bn_module (view)->eps, ==, 1e-5);
  nnb_ui_test_screenshot_if_asked ("NNB_SHOT_BATCH_NORM_ERROR");

  /* a momentum that is not a number */
  gtk_editable_set_text (GTK_EDITABLE (editor_widget (GTK_WIDGET (view), "bn_eps_entry")), "1e-05");
  gtk_editable_set_text (GTK_EDITABLE (editor_widget (GTK_WIDGET (view), "bn_momentum_entry")), "fast");
  apply_editor (view);
  g_assert_nonnull (shown_message (view));
  g_assert_true (g_str_has_prefix (shown_message (view), "momentum must be a number such as 0.1"));
  g_assert_cmpfloat (bn_module (view)->momentum, ==, 0.1);
  g_assert_true (bn_module (view)->has_momentum);

  /* None: a cumulative average; the momentum field is greyed out */
  gtk_editable_set_text (GTK_EDITABLE (editor_widget (GTK_WIDGET (view), "bn_momentum_entry")), "0.1");
  gtk_check_button_set_active (GTK_CHECK_BUTTON (editor_widget (GTK_WIDGET (view), "bn_none_check")), TRUE);
  g_assert_false (gtk_widget_get_sensitive (editor_widget (GTK_WIDGET (view), "bn_momentum_entry")));
  apply_editor (view);
  g_assert_false (gtk_widget_get_visible (popover));
  g_assert_false (bn_module (view)->has_momentum);
  {
    g_autofree char *line = nnb_module_repr (nnb_model_get_module (model_of (window), "bn"), 0);

    g_assert_cmpstr (line, ==, "BatchNorm1d(8, eps=1e-05, momentum=None, affine=True, track_running_stats=True)");
  }
  /* the editor shows None again when reopened, and 0.1 comes back with it off */
  open_bn_editor (view);
  g_assert_true (editor_active (view, "bn_none_check"));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (editor_widget (GTK_WIDGET (view), "bn_none_check")), FALSE);
  g_assert_cmpstr (editor_text (view, "bn_momentum_entry"), ==, "0.1");
  apply_editor (view);
  g_assert_true (bn_module (view)->has_momentum);
  g_assert_cmpfloat (bn_module (view)->momentum, ==, 0.1);
}

typedef struct
{
  const char *name;
  const char *shape;
  gboolean buffer;
} TreeRow;

/* state_dict()'s order: each module's parameters, then its buffers */
static const TreeRow expected_rows[] = {
  { "fc1.weight", "(8, 1)", FALSE },
  { "fc1.bias", "(8,)", FALSE },
  { "bn.weight", "(8,)", FALSE },
  { "bn.bias", "(8,)", FALSE },
  { "bn.running_mean", "(8,)", TRUE },
  { "bn.running_var", "(8,)", TRUE },
  { "bn.num_batches_tracked", "() int64", TRUE },
  { "fc2.weight", "(1, 16)", FALSE },
  { "fc2.bias", "(1,)", FALSE },
};

/* The visible labels under root that say text. */
static guint
count_labels (GtkWidget *root, const char *text)
{
  guint n = GTK_IS_LABEL (root) && gtk_widget_is_drawable (root) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (root)), text) == 0;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    n += count_labels (child, text);
  return n;
}

static void
check_parameter_tree (NnbWindow *window)
{
  NnbParameterView *tree = nnb_ui_test_window_child (window, "parameter_view");
  GtkStack *stack = GTK_STACK (gtk_widget_get_ancestor (GTK_WIDGET (tree), GTK_TYPE_STACK));
  GListModel *rows = nnb_parameter_view_get_rows (tree);
  guint n_entries = 0, next = 0;
  gint64 n_values = 0;

  gtk_stack_set_visible_child (stack, GTK_WIDGET (tree));
  nnb_ui_test_settle (300);
  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr (GtkTreeListRow) row = g_list_model_get_item (rows, i);
      g_autoptr (NnbParameterRow) item = gtk_tree_list_row_get_item (row);

      if (nnb_parameter_row_get_children (item) != NULL)
        continue; /* a module's row */
      g_assert_cmpuint (next, <, G_N_ELEMENTS (expected_rows));
      g_assert_cmpstr (nnb_parameter_row_get_name (item), ==, expected_rows[next].name);
      g_assert_cmpstr (nnb_parameter_row_get_shape (item), ==, expected_rows[next].shape);
      g_assert_cmpint (nnb_parameter_row_is_buffer (item), ==, expected_rows[next].buffer);
      /* a buffer has no requires_grad: nothing to train */
      g_assert_cmpint (nnb_parameter_row_is_parameter (item), ==, !expected_rows[next].buffer);
      next++;
    }
  g_assert_cmpuint (next, ==, G_N_ELEMENTS (expected_rows));
  /* sum(p.numel() for p in model.parameters()), len(model.state_dict())
   * and its values, from PyTorch 1.13 */
  g_assert_cmpint (nnb_parameter_view_get_total (tree), ==, 49);
  nnb_parameter_view_get_state_dict (tree, &n_entries, &n_values);
  g_assert_cmpuint (n_entries, ==, 9);
  g_assert_cmpint (n_values, ==, 66);
  g_assert_cmpstr (nnb_parameter_view_get_state_text (tree), ==, "state_dict(): 9 entries, 66 values (parameters and buffers)");
  /* the three buffers say so where a parameter has its switch */
  g_assert_cmpuint (count_labels (GTK_WIDGET (tree), "buffer"), ==, 3);
  nnb_ui_test_screenshot_if_asked ("NNB_SHOT_BATCH_NORM_TREE");
}

static gboolean
finished (gpointer window)
{
  g_autoptr (NnbSnapshot) s = nnb_ui_test_latest_snapshot (window);

  return s != NULL && s->state == NNB_TRAINER_FINISHED;
}

static void
check_training (NnbWindow *window)
{
  g_autoptr (NnbSnapshot) snapshot = NULL;
  NnbBuffer *tracked, *mean;
  double moved = 0;

  g_assert_cmpint (nnb_model_get_buffer (model_of (window), "bn.num_batches_tracked")->count, ==, 0);
  nnb_ui_test_set_wait_seconds (60);
  g_action_group_activate_action (G_ACTION_GROUP (window), "train", NULL);
  g_assert_true (nnb_ui_test_wait_until (finished, window));
  nnb_ui_test_settle (300);
  snapshot = nnb_ui_test_latest_snapshot (window);
  g_assert_cmpint (snapshot->epoch, ==, EPOCHS);
  g_assert_true (isfinite (snapshot->loss));
  g_test_message ("loss after %d epochs: %g", EPOCHS, snapshot->loss);
  /* the curve is drawn after model.eval(): BatchNorm1d and Dropout change */
  g_assert_true (snapshot->has_mode);
  /* one step of the running estimates per batch */
  tracked = nnb_model_get_buffer (model_of (window), "bn.num_batches_tracked");
  g_assert_nonnull (tracked);
  g_assert_cmpint (tracked->count, ==, EPOCHS * BATCHES_PER_EPOCH);
  mean = nnb_model_get_buffer (model_of (window), "bn.running_mean");
  g_assert_nonnull (mean);
  g_assert_cmpint (mean->value->device.type, ==, NNB_DEVICE_CPU);
  for (int i = 0; i < mean->value->numel; i++)
    moved += fabs (mean->value->data[i]);
  g_assert_cmpfloat (moved, >, 0);
}

static gboolean
flap_hidden (gpointer flap)
{
  return adw_flap_get_reveal_progress (flap) == 0.0;
}

static void
check_batch_norm (NnbApplication *app, NnbWindow *window, gpointer data)
{
  NnbDiagramView *view = nnb_ui_test_window_child (window, "diagram_view");

  g_assert_true (nnb_ui_test_wait_until (nnb_ui_test_diagram_ready, window));
  /* the lesson pane away, so the diagram has room */
  adw_flap_set_reveal_flap (nnb_ui_test_window_child (window, "flap"), FALSE);
  g_assert_true (nnb_ui_test_wait_until (flap_hidden, nnb_ui_test_window_child (window, "flap")));
  nnb_ui_test_settle (200);

  build_by_pointer (window, view);
  check_wires (window, view);
  act (view, "editor.layout", NULL);
  act (view, "editor.fit", NULL);
  act (view, "editor.select", g_variant_new_string ("bn"));
  nnb_ui_test_settle (300);
  nnb_ui_test_screenshot_if_asked ("NNB_SHOT_BATCH_NORM");
  check_popover (window, view);
  check_parameter_tree (window);
  check_training (window);
}

static void
test_batch_norm_branch_built_by_pointer (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  const char *argv[] = { "nnblocks", NULL, NULL };

  if (!nnb_ui_test_load_xtest ())
    {
      g_test_skip ("libXtst.so.6 is not installed: no way to send pointer events");
      return;
    }
  dir = g_dir_make_tmp ("nnb-batch-norm-XXXXXX", NULL);
  path = g_build_filename (dir, "batch-norm.nnb", NULL);
  argv[1] = path;
  g_assert_true (g_file_set_contents (path, project_text, -1, NULL));
  nnb_ui_test_run_app (argv, check_batch_norm, NULL);
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check () || !GDK_IS_X11_DISPLAY (gdk_display_get_default ()))
    {
      g_test_add_func ("/ui/batch-norm/skipped", nnb_ui_test_skip_without_display);
      return g_test_run ();
    }
  g_test_add_func ("/ui/batch-norm/branch-built-by-pointer", test_batch_norm_branch_built_by_pointer);
  return g_test_run ();
}
