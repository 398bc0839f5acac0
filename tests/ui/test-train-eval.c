/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-train-eval.c — the app's train/eval switch and Dropout's p in the
 * editor: a SineNet with a Dropout trained a few hundred epochs draws its
 * fitted curve after model.eval(); "Plots in train mode" redraws it with
 * Dropout's masks (a different curve, and the title says model.train());
 * back to eval, the eval curve again, exactly. Then p = 1.5 in the block's
 * editor gets PyTorch's message and keeps the old p; p = 0.3 is taken and
 * the block shows Dropout(p=0.3). Set NNB_SHOT_TRAIN_EVAL to a file name
 * for a screenshot in train mode. */
#include <string.h>

#include <glib/gstdio.h>

#include "nnb-data-plot.h"
#include "nnb-diagram.h"
#include "nnb-ui-test-util.h"

static const char project_text[] =
  "{\"format\": \"nnblocks\", \"version\": 1, \"title\": \"SineNet with Dropout\",\n"
  " \"model\": {\"class\": \"SineNet\", \"modules\": [\n"
  "  {\"name\": \"net\", \"type\": \"Sequential\", \"children\": [\n"
  "   {\"type\": \"Linear\", \"in_features\": 1, \"out_features\": 64, \"bias\": true}, {\"type\": \"Tanh\"},\n"
  "   {\"type\": \"Linear\", \"in_features\": 64, \"out_features\": 64, \"bias\": true}, {\"type\": \"Tanh\"}]},\n"
  "  {\"name\": \"drop\", \"type\": \"Dropout\", \"p\": 0.2},\n"
  "  {\"name\": \"head\", \"type\": \"Linear\", \"in_features\": 64, \"out_features\": 1, \"bias\": true}],\n"
  "  \"graph\": {\"nodes\": [\n"
  "   {\"name\": \"x\", \"op\": \"input\", \"pos\": [0, 0]},\n"
  "   {\"name\": \"net\", \"op\": \"call\", \"module\": \"net\", \"inputs\": [\"x\"], \"pos\": [160, 0]},\n"
  "   {\"name\": \"drop\", \"op\": \"call\", \"module\": \"drop\", \"inputs\": [\"net\"], \"pos\": [320, 0]},\n"
  "   {\"name\": \"head\", \"op\": \"call\", \"module\": \"head\", \"inputs\": [\"drop\"], \"pos\": [480, 0]},\n"
  "   {\"name\": \"out\", \"op\": \"output\", \"inputs\": [\"head\"], \"pos\": [640, 0]}]}},\n"
  " \"seed\": 0, \"model_seed\": null,\n"
  " \"init\": {\"weight\": \"xavier_uniform_\", \"bias\": \"zeros_\", \"seed\": null},\n"
  " \"data\": {\"kind\": \"sine\", \"n\": 200, \"noise\": 0.1, \"x_max\": 6.283185307179586},\n"
  " \"training\": {\"optimizer\": \"SGD\", \"lr\": 0.05, \"momentum\": 0, \"dampening\": 0, \"nesterov\": false,\n"
  "  \"weight_decay\": 0, \"loss\": \"MSELoss\", \"epochs\": 300, \"batch_size\": 0, \"until_loss\": 0,\n"
  "  \"log_every\": 100, \"device\": \"cpu\"}}\n";

static gboolean
finished (gpointer window)
{
  g_autoptr (NnbSnapshot) s = nnb_ui_test_latest_snapshot (window);

  return s != NULL && s->state == NNB_TRAINER_FINISHED && s->n_grid > 1;
}

typedef struct
{
  NnbWindow *window;
  gboolean training;
} WaitMode;

static gboolean
drawn_in (gpointer data)
{
  WaitMode *wait = data;
  g_autoptr (NnbSnapshot) s = nnb_ui_test_latest_snapshot (wait->window);

  return s != NULL && s->drawn_training == wait->training && s->n_grid > 1;
}

static NnbSnapshot *
switch_mode (NnbWindow *window, gboolean training)
{
  WaitMode wait = { window, training };

  g_action_group_change_action_state (G_ACTION_GROUP (window), "draw-train-mode", g_variant_new_boolean (training));
  g_assert_true (nnb_ui_test_wait_until (drawn_in, &wait));
  nnb_ui_test_settle (200);
  return nnb_ui_test_latest_snapshot (window);
}

/* The data plot's title, as the panel would draw it for this snapshot. */
static const char *
title_of (NnbSnapshot *snapshot)
{
  NnbDataPlotSource source = { 0 };
  NnbDataSeries series;
  static float x[1] = { 0 }, y[1] = { 0 };

  source.snapshot = snapshot;
  source.data_x = x, source.data_y = y, source.n_data = 1, source.n_outputs = 1;
  nnb_data_plot_get_series (&source, &series);
  return series.title;
}

/* The descendant of root that is a `type` and passes `match`. */
static GtkWidget *
find_widget (GtkWidget *root, GType type, gboolean (*match) (GtkWidget *w))
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type) && match (root))
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_widget (c, type, match);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
is_p_entry (GtkWidget *w)
{
  const char *tip = gtk_widget_get_tooltip_text (w);

  return tip != NULL && g_str_has_prefix (tip, "The probability");
}

static gboolean
is_shown_error (GtkWidget *w)
{
  return gtk_widget_has_css_class (w, "error") && gtk_widget_get_visible (w);
}

static gboolean
is_apply (GtkWidget *w)
{
  return gtk_widget_has_css_class (w, "suggested-action") && gtk_widget_is_visible (w);
}

static void
set_p (NnbDiagramView *view, const char *text)
{
  GtkEntry *entry;

  nnb_ui_test_edit (view, "editor.select", g_variant_new_string ("drop"));
  nnb_ui_test_edit (view, "editor.edit", NULL);
  nnb_ui_test_settle (200);
  entry = GTK_ENTRY (find_widget (GTK_WIDGET (view), GTK_TYPE_ENTRY, is_p_entry));
  g_assert_nonnull (entry);
  g_assert_true (gtk_widget_get_visible (gtk_widget_get_parent (GTK_WIDGET (entry))));
  gtk_editable_set_text (GTK_EDITABLE (entry), text);
  /* Apply, as a click */
  g_signal_emit_by_name (find_widget (GTK_WIDGET (view), GTK_TYPE_BUTTON, is_apply), "clicked");
  nnb_ui_test_settle (200);
}

static void
check_train_eval (NnbApplication *app, NnbWindow *window, gpointer data)
{
  NnbDiagramView *view = nnb_ui_test_window_child (window, "diagram_view");
  g_autoptr (NnbSnapshot) eval = NULL;
  g_autoptr (NnbSnapshot) train = NULL;
  g_autoptr (NnbSnapshot) again = NULL;
  const NnbGraph *graph;
  GtkWidget *message;
  int drop, differ = 0;
  guint builds;

  g_assert_true (nnb_ui_test_wait_until (nnb_ui_test_diagram_ready, window));
  graph = nnb_diagram_view_get_graph (view);
  drop = nnb_graph_find_block (graph, "drop");
  g_assert_cmpint (drop, >=, 0);
  {
    g_autofree char *text = nnb_diagram_node_text (nnb_document_get_project (nnb_window_get_document (window))->model, drop);
    g_assert_cmpstr (text, ==, "drop: Dropout(p=0.2)");
  }

  /* 300 epochs, in train mode; the curve drawn after model.eval() */
  nnb_ui_test_set_wait_seconds (60);
  g_action_group_activate_action (G_ACTION_GROUP (window), "train", NULL);
  g_assert_true (nnb_ui_test_wait_until (finished, window));
  nnb_ui_test_settle (300);
  eval = nnb_ui_test_latest_snapshot (window);
  g_assert_cmpint (eval->epoch, ==, 300);
  g_assert_true (eval->has_mode);
  g_assert_false (eval->drawn_training);
  g_assert_cmpstr (title_of (eval), ==, "Data and Fitted Curve (model.eval())");
  builds = nnb_plots_panel_get_data_layer_builds (nnb_ui_test_window_child (window, "plots_panel"));

  /* train mode: Dropout's masks change the curve */
  train = switch_mode (window, TRUE);
  g_assert_cmpint (train->n_grid, ==, eval->n_grid);
  g_assert_cmpint (train->epoch, ==, 300);
  for (int i = 0; i < eval->n_grid; i++)
    differ += train->grid_y[i] != eval->grid_y[i];
  g_assert_cmpint (differ, >, eval->n_grid / 2);
  g_assert_cmpstr (title_of (train), ==, "Data and Fitted Curve (model.train())");
  /* and the title on screen says so: the window drew the panel's kept
   * layer, which holds the title, anew */
  nnb_ui_test_settle (300);
  g_assert_cmpuint (nnb_plots_panel_get_data_layer_builds (nnb_ui_test_window_child (window, "plots_panel")), >,
                    builds);
  nnb_ui_test_screenshot_if_asked ("NNB_SHOT_TRAIN_EVAL");

  /* back to eval: the same curve, bit for bit */
  again = switch_mode (window, FALSE);
  g_assert_cmpmem (again->grid_y, again->n_grid * sizeof (float), eval->grid_y, eval->n_grid * sizeof (float));

  /* p outside [0, 1]: PyTorch's message, the old p kept */
  g_action_group_activate_action (G_ACTION_GROUP (window), "reset", NULL);
  nnb_ui_test_settle (300);
  set_p (view, "1.5");
  message = find_widget (GTK_WIDGET (view), GTK_TYPE_LABEL, is_shown_error);
  g_assert_nonnull (message);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (message)), ==,
                   "dropout probability has to be between 0 and 1, but got 1.5");
  g_assert_cmpfloat (nnb_graph_block_module (nnb_diagram_view_get_graph (view), drop)->p, ==, 0.2);
  nnb_ui_test_screenshot_if_asked ("NNB_SHOT_TRAIN_EVAL_P");

  /* a good p is taken, and the block says it */
  set_p (view, "0.3");
  g_assert_cmpfloat (nnb_graph_block_module (nnb_diagram_view_get_graph (view), drop)->p, ==, 0.3);
  {
    g_autofree char *text = nnb_diagram_node_text (nnb_document_get_project (nnb_window_get_document (window))->model, drop);
    g_assert_cmpstr (text, ==, "drop: Dropout(p=0.3)");
  }
}

static void
test_train_eval_switch_changes_the_dropout_curve (void)
{
  g_autofree char *dir = g_dir_make_tmp ("nnb-train-eval-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "sinenet-dropout.nnb", NULL);
  const char *argv[] = { "nnblocks", path, NULL };

  g_assert_true (g_file_set_contents (path, project_text, -1, NULL));
  nnb_ui_test_run_app (argv, check_train_eval, NULL);
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check ())
    {
      g_test_add_func ("/ui/train-eval/skipped", nnb_ui_test_skip_without_display);
      return g_test_run ();
    }
  g_test_add_func ("/ui/train-eval/switch-changes-the-dropout-curve", test_train_eval_switch_changes_the_dropout_curve);
  return g_test_run ();
}
