/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-explain-step.c — Explain Next Step on the Day 2 page's residual
 * MLP (data/examples/mlp-residual.nnb): F7 opens the walk with the
 * trainer's recorded step, F7 and Next walk Forward → Loss → Backward →
 * Step → Zero grad, and each stage's bar and blocks say what the record
 * holds; Shift+F7 goes back; "skip zero_grad" makes the next step's
 * gradients add onto the last ones; Escape closes the walk and Train
 * closes it too. The same walk in presentation mode.
 *
 * Runs under Xvfb with XTEST (see meson.build). NNB_SCREENSHOT_EXPLAIN=
 * PREFIX writes PREFIX-STAGE.png for each stage, and
 * PREFIX-presentation-STAGE.png. */
#include "nnb-config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <gdk/x11/gdkx.h>
#include <math.h>

#include "nnb-graph.h"
#include "nnb-step-bar.h"
#include "nnb-ui-test-pointer.h"
#include "nnb-ui-test-util.h"

static const char *const stage_names[NNB_EXPLAIN_N_STAGES] = { "forward", "loss", "backward", "step", "zero-grad" };

typedef struct
{
  NnbWindow *window;
  NnbStepExplain *not_this; /* a record to wait past */
} Waiting;

static NnbStepBar *
step_bar (NnbWindow *window)
{
  return nnb_ui_test_window_child (window, "step_bar");
}

static gboolean
record_shown (gpointer data)
{
  Waiting *waiting = data;
  NnbStepExplain *explain = nnb_step_bar_get_explain (step_bar (waiting->window));

  return explain != NULL && explain != waiting->not_this;
}

static gboolean
walk_open (NnbWindow *window)
{
  return gtk_revealer_get_reveal_child (nnb_ui_test_window_child (window, "step_bar_revealer"));
}

static gboolean
walk_shown (gpointer window)
{
  return walk_open (window);
}

static gboolean
walk_closed (gpointer window)
{
  return !walk_open (window);
}

typedef struct
{
  NnbStepBar *bar;
  NnbExplainStage stage;
} StageWait;

static gboolean
stage_reached (gpointer data)
{
  StageWait *wait = data;

  return nnb_step_bar_get_stage (wait->bar) == wait->stage;
}

/* F7 (Shift+F7) typed; the X server hands the key over when it will, so
 * the test waits for the stage it brings. */
static void
press_f7 (NnbWindow *window, gboolean shift, NnbExplainStage expected)
{
  StageWait wait = { step_bar (window), expected };

  nnb_ui_test_type_key (GTK_WIDGET (window), XK_F7, FALSE, shift);
  g_assert_true (nnb_ui_test_wait_until (stage_reached, &wait));
}

static char *
bar_text (NnbWindow *window)
{
  return nnb_step_bar_get_text (step_bar (window));
}

static void
assert_bar_says (NnbWindow *window, const char *text)
{
  g_autofree char *said = bar_text (window);

  if (strstr (said, text) == NULL)
    g_error ("the step bar does not say “%s”; it says:\n%s", text, said);
}

static char *
block_says (NnbWindow *window, const char *name)
{
  NnbDiagramView *view = nnb_ui_test_window_child (window, "diagram_view");
  int block = nnb_graph_find_block (nnb_diagram_view_get_graph (view), name);

  g_assert_cmpint (block, >=, 0);
  return nnb_diagram_view_describe_explain (view, block);
}

static void
screenshot (const char *kind, NnbExplainStage stage)
{
  const char *prefix = g_getenv ("NNB_SCREENSHOT_EXPLAIN");
  g_autofree char *path = NULL;

  if (prefix == NULL)
    return;
  path = g_strdup_printf ("%s-%s%s.png", prefix, kind, stage_names[stage]);
  g_setenv ("NNB_SCREENSHOT_EXPLAIN_NOW", path, TRUE);
  nnb_ui_test_screenshot_if_asked ("NNB_SCREENSHOT_EXPLAIN_NOW");
}

static const NnbStepParameter *
parameter_named (const NnbStepExplain *explain, const char *name)
{
  for (guint i = 0; i < explain->parameters->len; i++)
    {
      const NnbStepParameter *p = explain->parameters->pdata[i];

      if (g_str_equal (p->name, name))
        return p;
    }
  g_assert_not_reached ();
}

/* Walks the five stages of the record shown, checking each. */
static void
walk_stages (NnbWindow *window, const char *kind, gboolean by_keyboard)
{
  NnbStepBar *bar = step_bar (window);
  NnbStepExplain *explain = nnb_step_bar_get_explain (bar);
  const NnbStepParameter *fc1_weight = parameter_named (explain, "fc1.weight");
  g_autofree char *loss_line = g_strdup_printf ("loss = %.8g", explain->loss);
  g_autofree char *says = NULL;

  /* Forward: the batch and the prediction; each block its output */
  g_assert_cmpint (nnb_step_bar_get_stage (bar), ==, NNB_EXPLAIN_FORWARD);
  assert_bar_says (window, "y_hat = model(X)");
  assert_bar_says (window, "X (32, 3)");
  assert_bar_says (window, "y_hat (32, 1)");
  says = block_says (window, "fc1");
  g_assert_nonnull (says);
  g_assert_nonnull (strstr (says, "(32, 16)"));
  g_clear_pointer (&says, g_free);
  screenshot (kind, NNB_EXPLAIN_FORWARD);

  /* Loss: the formula, its first terms and the value; the key works
   * wherever the focus is, the diagram (inside two GtkPaneds) too */
  if (by_keyboard)
    {
      gtk_widget_grab_focus (nnb_ui_test_window_child (window, "diagram_view"));
      nnb_ui_test_keyboard_to (GTK_WIDGET (window));
    }
  if (by_keyboard)
    press_f7 (window, FALSE, NNB_EXPLAIN_LOSS);
  else
    nnb_step_bar_next (bar);
  g_assert_cmpint (nnb_step_bar_get_stage (bar), ==, NNB_EXPLAIN_LOSS);
  assert_bar_says (window, "loss = loss_fn(y_hat, y)");
  assert_bar_says (window, "MSELoss: loss = mean((y_hat - y)^2)");
  assert_bar_says (window, "element 0: y_hat");
  assert_bar_says (window, loss_line);
  screenshot (kind, NNB_EXPLAIN_LOSS);

  /* Backward: dL/dy_hat and every parameter's .grad; the blocks' grads */
  if (by_keyboard)
    {
      /* Shift+F7 goes back a stage, F7 on again */
      press_f7 (window, TRUE, NNB_EXPLAIN_FORWARD);
      press_f7 (window, FALSE, NNB_EXPLAIN_LOSS);
      press_f7 (window, FALSE, NNB_EXPLAIN_BACKWARD);
    }
  else
    nnb_step_bar_next (bar);
  g_assert_cmpint (nnb_step_bar_get_stage (bar), ==, NNB_EXPLAIN_BACKWARD);
  assert_bar_says (window, "loss.backward()");
  assert_bar_says (window, "dL/dy_hat (32, 1)");
  {
    double sum = 0.0;
    g_autofree char *line = NULL;

    for (int64_t i = 0; i < fc1_weight->grad->numel; i++)
      sum += (double) fc1_weight->grad->data[i] * fc1_weight->grad->data[i];
    line = g_strdup_printf ("fc1.weight.grad (16, 3): norm %.6g", sqrt (sum));
    assert_bar_says (window, line);
  }
  says = block_says (window, "fc1");
  g_assert_nonnull (says);
  g_assert_nonnull (strstr (says, "grad"));
  g_clear_pointer (&says, g_free);
  screenshot (kind, NNB_EXPLAIN_BACKWARD);

  /* Step: the chosen element's update, with the numbers training used */
  nnb_step_bar_next (bar);
  g_assert_cmpint (nnb_step_bar_get_stage (bar), ==, NNB_EXPLAIN_STEP);
  assert_bar_says (window, "optimizer.step()");
  g_assert_true (gtk_widget_get_visible (nnb_ui_test_template_child (bar, NNB_TYPE_STEP_BAR, "choice_box")));
  {
    g_autofree char *after = g_strdup_printf ("%.8g", fc1_weight->after->data[0]);

    assert_bar_says (window, "fc1.weight[0]");
    assert_bar_says (window, after);
  }
  screenshot (kind, NNB_EXPLAIN_STEP);

  /* Zero grad: the gradients cleared, the choice to skip it */
  nnb_step_bar_next (bar);
  g_assert_cmpint (nnb_step_bar_get_stage (bar), ==, NNB_EXPLAIN_ZERO_GRAD);
  assert_bar_says (window, "optimizer.zero_grad()");
  assert_bar_says (window, "fc1.weight.grad (16, 3) → zeros");
  g_assert_true (gtk_widget_get_visible (nnb_ui_test_template_child (bar, NNB_TYPE_STEP_BAR, "skip_check")));
  screenshot (kind, NNB_EXPLAIN_ZERO_GRAD);
}

static void
check_walk (NnbApplication *app, NnbWindow *window, gpointer data)
{
  Waiting waiting = { window, NULL };
  NnbStepBar *bar = step_bar (window);
  NnbStepExplain *first;
  const NnbStepParameter *p;

  gtk_window_unmaximize (GTK_WINDOW (window));
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 720);
  g_assert_true (nnb_ui_test_wait_until (nnb_ui_test_diagram_ready, window));
  g_assert_false (walk_open (window));

  /* F7 opens the walk on the trainer's next step */
  nnb_ui_test_keyboard_to (GTK_WIDGET (window));
  nnb_ui_test_type_key (GTK_WIDGET (window), XK_F7, FALSE, FALSE);
  g_assert_true (nnb_ui_test_wait_until (walk_shown, window));
  g_assert_false (gtk_widget_get_visible (nnb_ui_test_window_child (window, "plots_panel")));
  g_assert_true (nnb_ui_test_wait_until (record_shown, &waiting));
  first = nnb_step_bar_get_explain (bar);
  g_assert_cmpint (first->epoch, ==, 0);
  g_assert_cmpint (first->batch, ==, 0);
  g_assert_false (first->zero_grad_skipped);
  walk_stages (window, "", TRUE);

  /* the walk as a handout: a page per stage */
  {
    g_autofree char *folder = g_dir_make_tmp ("nnb-explain-XXXXXX", NULL);
    g_autofree char *pdf = g_build_filename (folder, "step.pdf", NULL);
    g_autofree char *contents = NULL;
    g_autoptr (GError) error = NULL;
    gsize length = 0;
    guint pages = 0;

    g_assert_true (nnb_window_export_handout (window, pdf, &error));
    g_assert_no_error (error);
    g_assert_true (g_file_get_contents (pdf, &contents, &length, NULL));
    /* the page objects of the PDF (its streams hold NUL bytes: memmem) */
    for (const char *at = contents;
         (at = memmem (at, length - (at - contents), "/Type /Page", strlen ("/Type /Page"))) != NULL; at++)
      if (at[strlen ("/Type /Page")] != 's')
        pages++;
    g_assert_cmpuint (pages, ==, NNB_EXPLAIN_N_STAGES);
    g_assert_cmpint (nnb_step_bar_get_stage (bar), ==, NNB_EXPLAIN_ZERO_GRAD);
    g_remove (pdf);
    g_rmdir (folder);
  }

  /* skip zero_grad: the next step's gradients add onto these */
  gtk_check_button_set_active (nnb_ui_test_template_child (bar, NNB_TYPE_STEP_BAR, "skip_check"), TRUE);
  waiting.not_this = first;
  nnb_step_bar_next (bar);
  g_assert_true (nnb_ui_test_wait_until (record_shown, &waiting));
  g_assert_cmpint (nnb_step_bar_get_stage (bar), ==, NNB_EXPLAIN_FORWARD);
  g_assert_true (nnb_step_bar_get_explain (bar)->zero_grad_skipped);
  g_assert_cmpint (nnb_step_bar_get_explain (bar)->epoch, ==, 1);
  p = parameter_named (nnb_step_bar_get_explain (bar), "head.bias");
  g_assert_nonnull (p->grad_prior);
  nnb_step_bar_set_stage (bar, NNB_EXPLAIN_BACKWARD);
  assert_bar_says (window, "(zero_grad() was skipped: added onto ");

  /* Escape in the bar closes the walk; the diagram shows no record */
  gtk_widget_grab_focus (nnb_ui_test_template_child (bar, NNB_TYPE_STEP_BAR, "next_button"));
  nnb_ui_test_type_key (GTK_WIDGET (window), XK_Escape, FALSE, FALSE);
  g_assert_true (nnb_ui_test_wait_until (walk_closed, window));
  g_assert_true (gtk_widget_get_visible (nnb_ui_test_window_child (window, "plots_panel")));
  {
    g_autofree char *says = block_says (window, "fc1");

    g_assert_null (says);
  }

  /* the same walk in presentation mode (F5) */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.presentation", NULL));
  nnb_ui_test_settle (300);
  waiting.not_this = nnb_step_bar_get_explain (bar);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.explain-step", NULL));
  g_assert_true (nnb_ui_test_wait_until (record_shown, &waiting));
  walk_stages (window, "presentation-", FALSE);

  /* Train closes the walk: it shows one step, not a run */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.train", NULL));
  g_assert_false (walk_open (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.pause", NULL));
}

static void
test_walk_one_step (void)
{
  g_autofree char *path = nnb_ui_test_example_path ("mlp-residual.nnb");
  const char *argv[] = { "nnblocks", path, NULL };

  if (!nnb_ui_test_load_xtest ())
    {
      g_test_skip ("libXtst.so.6 is not installed: no keyboard to press F7 with");
      return;
    }
  nnb_ui_test_run_app (argv, check_walk, NULL);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (!gtk_init_check ())
    {
      g_test_add_func ("/ui/explain-step/needs-a-display", nnb_ui_test_skip_without_display);
      return g_test_run ();
    }

  g_test_add_func ("/ui/explain-step/walk-one-step", test_walk_one_step);

  return g_test_run ();
}
