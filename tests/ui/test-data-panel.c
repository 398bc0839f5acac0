/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-data-panel.c — the Data popover on SineNet: more noise draws new y
 * values around the same X (the noise is drawn after X, as the page's
 * code draws it), the plot shows them at once and the PyTorch lines say
 * the new noise; fewer points are fewer points; another generator starts
 * from its own defaults (the class kinds too, with their own fields and
 * classes as y); a split that leaves no test point is refused in a
 * sentence; and nothing can be changed while the model trains.
 *
 * Runs under Xvfb (see meson.build); skips when there is no display. */
#include "nnb-config.h"

#include <string.h>

#include "nnb-data-panel.h"
#include "nnb-document.h"
#include "nnb-ui-test-util.h"

typedef struct
{
  NnbWindow *window;
  guint serial;
  guint builds;
} PlotWait;

static gpointer
panel_child (NnbWindow *window, const char *name)
{
  return nnb_ui_test_template_child (nnb_ui_test_window_child (window, "data_panel"), NNB_TYPE_DATA_PANEL, name);
}

static NnbPlotsPanel *
plots (NnbWindow *window)
{
  return nnb_ui_test_window_child (window, "plots_panel");
}

static NnbDataset *
dataset (NnbWindow *window)
{
  return nnb_document_get_dataset (nnb_window_get_document (window));
}

/* The plot took new points and drew its layer of points again. */
static gboolean
plot_redrawn (gpointer data)
{
  PlotWait *wait = data;
  NnbPlotsPanel *panel = plots (wait->window);

  return nnb_plots_panel_get_data_serial (panel) != wait->serial &&
         nnb_plots_panel_get_data_layer_builds (panel) != wait->builds;
}

static void
plot_wait_start (PlotWait *wait, NnbWindow *window)
{
  wait->window = window;
  wait->serial = nnb_plots_panel_get_data_serial (plots (window));
  wait->builds = nnb_plots_panel_get_data_layer_builds (plots (window));
}

static const char *
code_text (NnbWindow *window)
{
  return gtk_label_get_text (panel_child (window, "code_label"));
}

static gboolean
is_running (gpointer window)
{
  return nnb_document_get_training_state (nnb_window_get_document (window)) == NNB_TRAINING_RUNNING;
}

static gboolean
is_stopped (gpointer window)
{
  return !nnb_document_is_training (nnb_window_get_document (window));
}

static void
check_noise (NnbWindow *window)
{
  NnbDataset *before = dataset (window);
  g_autofree float *x_before = g_memdup2 (before->x->data, sizeof (float) * 200);
  g_autofree float *y_before = g_memdup2 (before->y->data, sizeof (float) * 200);
  NnbDataset *after;
  PlotWait wait;

  g_assert_cmpint (before->x->shape[0], ==, 200);
  g_assert_cmpint (nnb_plots_panel_get_n_data (plots (window)), ==, 200);
  g_assert_nonnull (strstr (code_text (window), "y = torch.sin(X) + 0.1 * torch.randn(200, 1)"));
  g_assert_false (nnb_document_get_dirty (nnb_window_get_document (window)));

  plot_wait_start (&wait, window);
  gtk_spin_button_set_value (panel_child (window, "noise_spin"), 0.5);
  g_assert_true (nnb_ui_test_wait_until (plot_redrawn, &wait));

  after = dataset (window);
  g_assert_cmpfloat (nnb_document_get_project (nnb_window_get_document (window))->data.noise, ==, 0.5);
  g_assert_cmpint (after->x->shape[0], ==, 200);
  /* the same X (drawn before the noise), new y */
  g_assert_cmpmem (after->x->data, sizeof (float) * 200, x_before, sizeof (float) * 200);
  g_assert_true (memcmp (after->y->data, y_before, sizeof (float) * 200) != 0);
  /* the plot shows the document's new points */
  g_assert_cmpint (nnb_plots_panel_get_n_data (plots (window)), ==, 200);
  g_assert_cmpmem (nnb_plots_panel_get_data_y (plots (window)), sizeof (float) * 200, after->y->data,
                   sizeof (float) * 200);
  g_assert_nonnull (strstr (code_text (window), "torch.manual_seed(0)"));
  g_assert_nonnull (strstr (code_text (window), "y = torch.sin(X) + 0.5 * torch.randn(200, 1)"));
  g_assert_true (nnb_document_get_dirty (nnb_window_get_document (window)));
}

static void
check_n (NnbWindow *window)
{
  PlotWait wait;

  plot_wait_start (&wait, window);
  gtk_spin_button_set_value (panel_child (window, "n_spin"), 50);
  g_assert_true (nnb_ui_test_wait_until (plot_redrawn, &wait));
  g_assert_cmpint (dataset (window)->x->shape[0], ==, 50);
  g_assert_cmpint (nnb_plots_panel_get_n_data (plots (window)), ==, 50);
  g_assert_nonnull (strstr (code_text (window), "X = torch.rand(50, 1) * 6.283185307179586"));
}

/* A test fraction that holds out no point of one: refused, nothing changes. */
static void
check_refused_split (NnbWindow *window)
{
  NnbProject *project = nnb_document_get_project (nnb_window_get_document (window));
  GtkLabel *message = panel_child (window, "message_label");
  NnbDataset *before;

  gtk_spin_button_set_value (panel_child (window, "n_spin"), 1);
  g_assert_cmpint (dataset (window)->x->shape[0], ==, 1);
  before = dataset (window);
  gtk_spin_button_set_value (panel_child (window, "test_fraction_spin"), 0.5);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (message)));
  g_assert_nonnull (strstr (gtk_label_get_text (message), "test"));
  g_assert_true (dataset (window) == before);
  g_assert_cmpfloat (project->data.test_fraction, ==, 0.0);

  gtk_spin_button_set_value (panel_child (window, "test_fraction_spin"), 0);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (message)));
}

/* The class kinds: their own field, classes as y, no standardised targets. */
static void
check_class_kinds (NnbWindow *window)
{
  NnbProject *project = nnb_document_get_project (nnb_window_get_document (window));

  gtk_drop_down_set_selected (panel_child (window, "kind_dropdown"), 5); /* Circle */
  g_assert_cmpint (project->data.kind, ==, NNB_DATA_CIRCLE);
  g_assert_cmpfloat (project->data.radius, ==, 1.0);
  g_assert_true (gtk_widget_get_visible (panel_child (window, "radius_spin")));
  g_assert_false (gtk_widget_get_visible (panel_child (window, "x_max_spin")));
  g_assert_false (gtk_widget_get_visible (panel_child (window, "classes_spin")));
  g_assert_false (gtk_widget_get_sensitive (panel_child (window, "standardize_targets_check")));
  g_assert_cmpint (dataset (window)->x->shape[1], ==, 2);
  g_assert_cmpint (dataset (window)->n_classes, ==, 2);
  g_assert_nonnull (strstr (code_text (window), "y = torch.arange(200) % 2\nr = (torch.rand(200) + 2 * y) * (1.0 / 3)"));
  gtk_spin_button_set_value (panel_child (window, "radius_spin"), 2.5);
  g_assert_cmpfloat (project->data.radius, ==, 2.5);
  g_assert_nonnull (strstr (code_text (window), "* (2.5 / 3)"));

  gtk_drop_down_set_selected (panel_child (window, "kind_dropdown"), 10); /* Blobs */
  g_assert_cmpint (project->data.kind, ==, NNB_DATA_BLOBS);
  g_assert_true (gtk_widget_get_visible (panel_child (window, "classes_spin")));
  g_assert_false (gtk_widget_get_visible (panel_child (window, "radius_spin")));
  gtk_spin_button_set_value (panel_child (window, "classes_spin"), 5);
  g_assert_cmpint (project->data.classes, ==, 5);
  g_assert_cmpint (dataset (window)->n_classes, ==, 5);
  g_assert_nonnull (strstr (code_text (window), "y = torch.arange(200) % 5"));
}

/* Another generator: its own fields only, at the file format's defaults. */
static void
check_kind (NnbWindow *window)
{
  NnbProject *project = nnb_document_get_project (nnb_window_get_document (window));

  g_assert_false (gtk_widget_get_visible (panel_child (window, "a_spin")));
  gtk_drop_down_set_selected (panel_child (window, "kind_dropdown"), 2); /* Polynomial */
  g_assert_cmpint (project->data.kind, ==, NNB_DATA_POLYNOMIAL);
  g_assert_cmpint (project->data.n, ==, 100);
  g_assert_cmpfloat (project->data.a, ==, 1.0);
  g_assert_cmpfloat (project->data.b, ==, -4.0);
  g_assert_cmpfloat (project->data.c, ==, 3.0);
  g_assert_cmpint (dataset (window)->x->shape[0], ==, 100);
  g_assert_true (gtk_widget_get_visible (panel_child (window, "c_spin")));
  g_assert_cmpfloat (gtk_spin_button_get_value (panel_child (window, "c_spin")), ==, 3.0);
  g_assert_nonnull (strstr (code_text (window), "y = 1.0 * (X * X) + -4.0 * X + 3.0 + torch.randn(100, 1) * 0.2"));

  gtk_drop_down_set_selected (panel_child (window, "kind_dropdown"), 4); /* Sine product */
  g_assert_cmpint (project->data.kind, ==, NNB_DATA_SINE_PRODUCT);
  g_assert_false (gtk_widget_get_visible (panel_child (window, "x_max_spin")));
  g_assert_false (gtk_widget_get_visible (panel_child (window, "c_spin")));
  check_class_kinds (window);
  gtk_drop_down_set_selected (panel_child (window, "kind_dropdown"), 1); /* back to the sine */
  g_assert_cmpint (project->data.kind, ==, NNB_DATA_SINE);
  g_assert_true (gtk_widget_get_sensitive (panel_child (window, "standardize_targets_check")));
}

static void
check_not_while_training (NnbWindow *window)
{
  GtkWidget *panel = nnb_ui_test_window_child (window, "data_panel");

  g_assert_true (gtk_widget_is_sensitive (panel));
  g_action_group_activate_action (G_ACTION_GROUP (window), "train", NULL);
  g_assert_true (nnb_ui_test_wait_until (is_running, window));
  g_assert_false (gtk_widget_is_sensitive (panel));
  g_assert_false (gtk_widget_is_sensitive (nnb_ui_test_window_child (window, "data_button")));
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "data"));

  g_action_group_activate_action (G_ACTION_GROUP (window), "pause", NULL);
  g_assert_true (nnb_ui_test_wait_until (is_stopped, window));
  nnb_ui_test_settle (200);
  g_assert_true (gtk_widget_is_sensitive (panel));
}

static void
check_data_panel (NnbApplication *app, NnbWindow *window, gpointer data)
{
  GtkWidget *popover;
  guint key;
  GdkModifierType mods;
  g_auto (GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "win.data");
  g_autoptr (GBytes) overlay = g_resources_lookup_data ("/io/github/nnblocks/NNBlocks/ui/help-overlay.ui", 0, NULL);

  /* the keyboard's way in, listed where the shortcuts are */
  g_assert_nonnull (accels[0]);
  g_assert_true (gtk_accelerator_parse (accels[0], &key, &mods));
  g_assert_cmpuint (key, ==, GDK_KEY_d);
  g_assert_cmpuint (mods, ==, GDK_CONTROL_MASK | GDK_SHIFT_MASK);
  g_assert_nonnull (overlay);
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (overlay, NULL), g_bytes_get_size (overlay),
                                  "&lt;Control&gt;&lt;Shift&gt;d"));

  g_assert_true (nnb_ui_test_wait_until (nnb_ui_test_has_document, window));
  if (g_getenv ("NNB_DATA_PANEL_SCREENSHOT") != NULL)
    {
      /* for a person to look at the popover on a small screen */
      gtk_window_maximize (GTK_WINDOW (window));
      nnb_ui_test_settle (500);
    }
  g_action_group_activate_action (G_ACTION_GROUP (window), "data", NULL);
  popover = GTK_WIDGET (gtk_menu_button_get_popover (nnb_ui_test_window_child (window, "data_button")));
  g_assert_true (nnb_ui_test_wait_until (nnb_ui_test_is_mapped, popover));
  nnb_ui_test_settle (200);
  nnb_ui_test_screenshot_if_asked ("NNB_DATA_PANEL_SCREENSHOT");

  check_noise (window);
  check_n (window);
  check_refused_split (window);
  check_kind (window);
  gtk_popover_popdown (GTK_POPOVER (popover));
  check_not_while_training (window);
}

static void
test_data_panel (void)
{
  g_autofree char *path = nnb_ui_test_example_path ("sinenet.nnb");
  const char *argv[] = { "nnblocks", path, NULL };

  nnb_ui_test_run_app (argv, check_data_panel, NULL);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (!gtk_init_check ())
    {
      g_test_add_func ("/ui/data-panel/needs-a-display", nnb_ui_test_skip_without_display);
      return g_test_run ();
    }

  g_test_add_func ("/ui/data-panel/noise-n-kind-and-training", test_data_panel);

  return g_test_run ();
}
