/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-diagram-explain.c — one training step of the page's residual MLP
 * (recorded by nnb_step_explain_next, two rows a batch) shown on the
 * diagram view, stage by stage: what each block's card says. At most 8
 * numbers are printed in full, more as min/mean/max; a .grad's norm and a
 * step's change are the record's; the + says both inputs get its
 * gradient; only the output has a card at Loss. With NNB_EXPLAIN_SHOTS=DIR
 * it also writes every stage's picture at 1280x720, 1024x700 and in
 * presentation mode there, for a person to look at. */
#include "nnb-config.h"

#include <adwaita.h>
#include <math.h>

#include "nnb-diagram-view.h"
#include "nnb-step-explain.h"
#include "nnb-ui-test-util.h"

typedef struct
{
  GtkWindow *window;
  NnbDiagramView *view;
  NnbProject *project; /* the one trained for the record */
  NnbDataset *data;
  NnbStepExplain *explain;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer user_data)
{
  g_autofree char *path = nnb_ui_test_example_path ("mlp-residual.nnb");
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbProject) shown = nnb_project_load (path, &error);
  g_autoptr (NnbDocument) document = NULL;
  g_autoptr (NnbTraining) training = NULL;
  NnbDataset *shown_data;
  NnbGenerator shuffle;

  g_assert_no_error (error);
  shown_data = nnb_project_build (shown, TRUE, &error);
  g_assert_no_error (error);
  document = nnb_document_new (g_steal_pointer (&shown), shown_data, "MLP");

  /* the same model, trained one step on two rows: few enough numbers on
   * the input and the prediction to print them all */
  f->project = nnb_project_load (path, &error);
  g_assert_no_error (error);
  f->project->training.batch_size = 2;
  f->data = nnb_project_build_for_training (f->project, TRUE, &shuffle, &error);
  g_assert_no_error (error);
  training = nnb_training_new (f->project->model, f->data, &f->project->training, &shuffle, &error);
  g_assert_no_error (error);
  f->explain = nnb_step_explain_next (training, FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->explain);

  f->window = GTK_WINDOW (gtk_window_new ());
  f->view = NNB_DIAGRAM_VIEW (nnb_diagram_view_new ());
  gtk_window_set_child (f->window, GTK_WIDGET (f->view));
  gtk_window_set_default_size (f->window, 1280, 720);
  nnb_diagram_view_set_document (f->view, document);
  gtk_window_present (f->window);
  g_assert_true (nnb_ui_test_wait_until (nnb_ui_test_is_mapped, f->view));
}

static void
fixture_tear_down (Fixture *f, gconstpointer user_data)
{
  gtk_window_destroy (f->window);
  g_clear_pointer (&f->explain, nnb_step_explain_unref);
  g_clear_pointer (&f->data, nnb_dataset_free);
  g_clear_pointer (&f->project, nnb_project_free);
}

static int
block (Fixture *f, const char *name)
{
  int b = nnb_graph_find_block (nnb_diagram_view_get_graph (f->view), name);

  g_assert_cmpint (b, >=, 0);
  return b;
}

/* The card's lines at stage */
static GStrv
card (Fixture *f, NnbExplainStage stage, const char *name)
{
  g_autofree char *text = NULL;

  nnb_diagram_view_set_explain (f->view, f->explain, stage);
  text = nnb_diagram_view_describe_explain (f->view, block (f, name));
  g_test_message ("%s at stage %d:\n%s", name, stage, text != NULL ? text : "(none)");
  return text != NULL ? g_strsplit (text, "\n", -1) : NULL;
}

static const NnbStepParameter *
parameter (Fixture *f, const char *name)
{
  for (guint i = 0; i < f->explain->parameters->len; i++)
    {
      const NnbStepParameter *p = f->explain->parameters->pdata[i];

      if (g_str_equal (p->name, name))
        return p;
    }
  g_assert_not_reached ();
}

static double
norm (const NnbTensor *t)
{
  double sum = 0;

  for (int64_t i = 0; i < t->numel; i++)
    sum += (double) t->data[i] * t->data[i];
  return sqrt (sum);
}

/* PyTorch's four decimals: every number here is between 1e-4 and 1e3 */
static char *
four (double value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  return g_strdup (g_ascii_formatd (buffer, sizeof buffer, "%.4f", value));
}

/* "[ 0.1234, -0.5678]": every value, four decimals, in order */
static void
assert_all_numbers (const char *line, const NnbTensor *t)
{
  g_auto (GStrv) parts = NULL;
  g_autofree char *inner = NULL;

  g_assert_true (g_str_has_prefix (line, "[") && g_str_has_suffix (line, "]"));
  inner = g_strndup (line + 1, strlen (line) - 2);
  parts = g_strsplit (inner, ",", -1);
  g_assert_cmpuint (g_strv_length (parts), ==, t->numel);
  for (int64_t i = 0; i < t->numel; i++)
    {
      g_autofree char *want = four (t->data[i]);

      g_assert_cmpstr (g_strstrip (parts[i]), ==, want);
    }
}

/* "min a, mean b, max c" of the tensor's values */
static void
assert_summary (const char *line, const NnbTensor *t)
{
  double min = INFINITY, max = -INFINITY, sum = 0;
  g_autofree char *a = NULL, *m = NULL, *b = NULL, *want = NULL;

  for (int64_t i = 0; i < t->numel; i++)
    min = MIN (min, t->data[i]), max = MAX (max, t->data[i]), sum += t->data[i];
  a = four (min), m = four ((float) (sum / t->numel)), b = four (max);
  want = g_strdup_printf ("min %s, mean %s, max %s", a, m, b);
  g_assert_cmpstr (line, ==, want);
}

static void
test_forward (Fixture *f, gconstpointer user_data)
{
  g_auto (GStrv) x = card (f, NNB_EXPLAIN_FORWARD, "x");
  g_auto (GStrv) fc1 = card (f, NNB_EXPLAIN_FORWARD, "fc1");
  g_auto (GStrv) add = card (f, NNB_EXPLAIN_FORWARD, "add");
  g_auto (GStrv) out = card (f, NNB_EXPLAIN_FORWARD, "out");

  /* the batch: 2 × 3 = 6 numbers, all printed */
  g_assert_nonnull (x);
  g_assert_cmpstr (x[0], ==, "value (2, 3)");
  assert_all_numbers (x[1], f->explain->x);
  /* 2 × 16: min, mean and max */
  g_assert_cmpstr (fc1[0], ==, "value (2, 16)");
  assert_summary (fc1[1], nnb_step_explain_find_wire (f->explain, block (f, "fc1"), -1)->value);
  /* the skip connection: both inputs, then their sum */
  g_assert_cmpstr (add[0], ==, "act_2 + act: (2, 16) + (2, 16)");
  g_assert_cmpstr (add[1], ==, "value (2, 16)");
  assert_summary (add[2], nnb_step_explain_find_wire (f->explain, block (f, "add"), -1)->value);
  /* the prediction, two numbers */
  g_assert_cmpstr (out[0], ==, "value (2, 1)");
  assert_all_numbers (out[1], nnb_step_explain_prediction (f->explain)->value);
}

static void
test_loss (Fixture *f, gconstpointer user_data)
{
  g_auto (GStrv) out = card (f, NNB_EXPLAIN_LOSS, "out");
  g_auto (GStrv) fc1 = card (f, NNB_EXPLAIN_LOSS, "fc1");
  g_autofree char *loss = four (f->explain->loss);
  g_autofree char *want = g_strdup_printf ("loss = %s", loss);
  guint n;

  g_assert_null (fc1);
  g_assert_nonnull (out);
  n = g_strv_length (out);
  g_assert_cmpstr (out[0], ==, "loss = mean((y_hat - y)^2)");
  g_assert_cmpstr (out[1], ==, "y_hat (2, 1)");
  assert_all_numbers (out[2], nnb_step_explain_prediction (f->explain)->value);
  g_assert_cmpstr (out[3], ==, "y (2, 1)");
  assert_all_numbers (out[4], f->explain->y);
  g_assert_cmpstr (out[n - 1], ==, want);
}

static void
test_backward (Fixture *f, gconstpointer user_data)
{
  g_auto (GStrv) fc1 = card (f, NNB_EXPLAIN_BACKWARD, "fc1");
  g_auto (GStrv) add = card (f, NNB_EXPLAIN_BACKWARD, "add");
  g_auto (GStrv) head = card (f, NNB_EXPLAIN_BACKWARD, "head");
  g_auto (GStrv) x = card (f, NNB_EXPLAIN_BACKWARD, "x");
  const NnbStepParameter *w = parameter (f, "fc1.weight"), *b = parameter (f, "head.bias");
  g_autofree char *w_norm = four (norm (w->grad)), *b_norm = four (norm (b->grad));
  g_autofree char *w_line = g_strdup_printf ("fc1.weight.grad (16, 3), norm %s", w_norm);
  g_autofree char *b_line = g_strdup_printf ("head.bias.grad (1,), norm %s", b_norm);
  guint n = g_strv_length (head);

  /* dL/d(wire): 32 numbers, summarised */
  g_assert_cmpstr (fc1[0], ==, "dL/d(fc1) (2, 16)");
  assert_summary (fc1[1], nnb_step_explain_find_wire (f->explain, block (f, "fc1"), -1)->grad);
  /* .grad: the record's norm; 48 numbers as a sign map, not printed */
  g_assert_cmpstr (fc1[2], ==, w_line);
  g_assert_true (g_str_has_prefix (fc1[3], "fc1.bias.grad (16,), norm "));
  /* one number: printed */
  g_assert_cmpstr (head[n - 2], ==, b_line);
  assert_all_numbers (head[n - 1], b->grad);
  g_assert_true (g_strv_contains ((const char *const *) add, "both inputs get this same gradient"));
  g_assert_cmpstr (x[0], ==, "no gradient: the input does not require grad");
}

static void
test_step_and_zero_grad (Fixture *f, gconstpointer user_data)
{
  g_auto (GStrv) step = card (f, NNB_EXPLAIN_STEP, "fc1");
  g_auto (GStrv) zero = card (f, NNB_EXPLAIN_ZERO_GRAD, "fc1");
  g_auto (GStrv) act = card (f, NNB_EXPLAIN_STEP, "act");
  const NnbStepParameter *w = parameter (f, "fc1.weight");
  double change = 0;
  g_autofree char *moved = NULL, *line = NULL, *grad = four (norm (w->grad)), *cleared = NULL;
  g_autofree char *described = NULL;

  for (int64_t k = 0; k < w->after->numel; k++)
    change += ((double) w->after->data[k] - w->before->data[k]) * ((double) w->after->data[k] - w->before->data[k]);
  moved = four (sqrt (change));
  line = g_strdup_printf ("fc1.weight changed by norm %s", moved);
  g_assert_cmpstr (step[0], ==, line);
  g_assert_true (g_str_has_prefix (step[1], "fc1.weight[0, 0]: "));
  g_assert_nonnull (strstr (step[1], " → "));
  /* a ReLU has no parameters to step */
  g_assert_null (act);

  cleared = g_strdup_printf ("fc1.weight.grad ← 0 (16, 3), was norm %s", grad);
  g_assert_cmpstr (zero[0], ==, cleared);

  /* screen readers hear the card with the block */
  nnb_diagram_view_set_explain (f->view, f->explain, NNB_EXPLAIN_ZERO_GRAD);
  described = nnb_diagram_view_describe_block (f->view, block (f, "fc1"));
  g_assert_nonnull (strstr (described, cleared));
  /* and the normal diagram has none */
  nnb_diagram_view_set_explain (f->view, NULL, NNB_EXPLAIN_FORWARD);
  g_assert_null (nnb_diagram_view_describe_explain (f->view, block (f, "fc1")));
}

/* One step of the project in text (two rows a batch when two_rows),
 * recorded; the project comes back in *project */
static NnbStepExplain *
explain_text (const char *text, gboolean two_rows, NnbProject **project_out)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbProject) project = nnb_project_load_from_data (text, strlen (text), &error);
  g_autoptr (NnbDataset) data = NULL;
  g_autoptr (NnbTraining) training = NULL;
  NnbStepExplain *explain;
  NnbGenerator shuffle;

  g_assert_no_error (error);
  if (two_rows)
    project->training.batch_size = 2;
  data = nnb_project_build_for_training (project, TRUE, &shuffle, &error);
  g_assert_no_error (error);
  training = nnb_training_new (project->model, data, &project->training, &shuffle, &error);
  g_assert_no_error (error);
  explain = nnb_step_explain_next (training, FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (explain);
  *project_out = g_steal_pointer (&project);
  return explain;
}

/* "call k adds to NAME.grad SHAPE, norm N" is among lines, followed by
 * the part's numbers when it has at most 8 */
static void
assert_call_part (GStrv lines, const NnbStepParameter *p, guint k)
{
  const NnbTensor *part = ((const NnbStepCall *) p->calls->pdata[k])->grad;
  g_autofree char *shape = nnb_tensor_shape_string (part), *size = four (norm (part));
  g_autofree char *want = g_strdup_printf ("call %u adds to %s.grad %s, norm %s", k + 1, p->name, shape, size);

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_equal (lines[i], want))
      {
        if (part->numel <= 8)
          assert_all_numbers (lines[i + 1], part);
        return;
      }
  g_error ("no line \"%s\"", want);
}

/* The record's parameter called name */
static const NnbStepParameter *
find_parameter (const NnbStepExplain *e, const char *name)
{
  for (guint i = 0; i < e->parameters->len; i++)
    if (g_str_equal (((const NnbStepParameter *) e->parameters->pdata[i])->name, name))
      return e->parameters->pdata[i];
  g_assert_not_reached ();
}

/* fc2 called twice (act_2 made a second call of it): each block's card
 * at Backward shows its call's part of each .grad, 256 and 16 numbers
 * (by their norm), and that .grad is the sum of both calls'. Drawn
 * without a view. */
static void
test_module_called_twice (void)
{
  g_autofree char *path = nnb_ui_test_example_path ("mlp-residual.nnb");
  g_autofree char *text = NULL;
  g_autoptr (GString) twice = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbProject) project = NULL;
  g_autoptr (NnbStepExplain) explain = NULL;
  const NnbStepParameter *weight, *bias;
  guint replaced, k = 0;

  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  twice = g_string_new (text);
  replaced = g_string_replace (twice, "\"name\": \"act_2\", \"op\": \"call\", \"module\": \"act\"",
                               "\"name\": \"act_2\", \"op\": \"call\", \"module\": \"fc2\"", 1);
  g_assert_cmpuint (replaced, ==, 1);
  explain = explain_text (twice->str, FALSE, &project);
  weight = find_parameter (explain, "fc2.weight");
  bias = find_parameter (explain, "fc2.bias");
  g_assert_cmpuint (weight->calls->len, ==, 2);
  g_assert_cmpuint (bias->calls->len, ==, 2);
  for (guint i = 0; i < project->model->nodes->len; i++)
    {
      NnbNode *node = nnb_model_get_node (project->model, i);
      g_autofree char *card = nnb_diagram_explain_describe (project->model, explain, NNB_EXPLAIN_BACKWARD, i);
      g_auto (GStrv) lines = card != NULL ? g_strsplit (card, "\n", -1) : NULL;
      gboolean fc2 = node->kind == NNB_NODE_CALL && g_str_equal (node->module, "fc2");

      g_test_message ("%s:\n%s", node->name, card);
      g_assert_cmpint (card != NULL && strstr (card, "fc2.weight.grad = call 1 + call 2") != NULL, ==, fc2);
      g_assert_cmpint (card != NULL && strstr (card, "fc2.bias.grad = call 1 + call 2") != NULL, ==, fc2);
      if (!fc2)
        continue;
      /* the calls in the forward's order: fc2, then act_2 */
      g_assert_cmpstr (node->name, ==, k == 0 ? "fc2" : "act_2");
      g_assert_cmpint (((const NnbStepCall *) weight->calls->pdata[k])->node, ==, (int) i);
      assert_call_part (lines, weight, k);
      assert_call_part (lines, bias, k);
      /* and not the other call's */
      g_assert_null (strstr (card, k == 0 ? "call 2 adds" : "call 1 adds"));
      k++;
    }
  g_assert_cmpuint (k, ==, 2);
}

/* A Linear(4, 4) called twice (h = fc(inp(x)); h = fc(tanh(h))): a part
 * of fc.bias.grad has 4 numbers, printed in full, and the two parts add
 * up to the .grad the card shows after them */
static void
test_each_calls_numbers (void)
{
  g_autofree char *examples = nnb_ui_test_example_path ("");
  g_autofree char *path = g_build_filename (examples, "..", "..", "tests", "data", "step-explain-shared.nnb", NULL);
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbProject) project = NULL;
  g_autoptr (NnbStepExplain) explain = NULL;
  const NnbStepParameter *bias;
  const char *names[] = { "fc", "fc_2" };

  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  explain = explain_text (text, TRUE, &project);
  bias = find_parameter (explain, "fc.bias");
  for (guint k = 0; k < 2; k++)
    {
      int b = nnb_model_find_node (project->model, names[k]);
      g_autofree char *card = nnb_diagram_explain_describe (project->model, explain, NNB_EXPLAIN_BACKWARD, b);
      g_auto (GStrv) lines = g_strsplit (card, "\n", -1);
      g_autofree char *size = four (norm (bias->grad));
      g_autofree char *total = g_strdup_printf ("fc.bias.grad (4,), norm %s", size);
      const NnbTensor *a = ((const NnbStepCall *) bias->calls->pdata[0])->grad;
      const NnbTensor *c = ((const NnbStepCall *) bias->calls->pdata[1])->grad;
      guint i;

      g_test_message ("%s:\n%s", names[k], card);
      assert_call_part (lines, bias, k);
      /* the sum, then the total it makes */
      for (i = 0; lines[i] != NULL && !g_str_equal (lines[i], "fc.bias.grad = call 1 + call 2"); i++)
        ;
      g_assert_nonnull (lines[i]);
      g_assert_cmpstr (lines[i + 1], ==, total);
      assert_all_numbers (lines[i + 2], bias->grad);
      for (int64_t j = 0; j < 4; j++)
        g_assert_cmpfloat (a->data[j] + c->data[j], ==, bias->grad->data[j]);
    }
}

/* Pictures for a person: every stage, at two sizes and in presentation mode */
static void
test_pictures (Fixture *f, gconstpointer user_data)
{
  const char *dir = g_getenv ("NNB_EXPLAIN_SHOTS");
  static const struct
  {
    int width, height;
    gboolean presentation;
    const char *name;
    const char *select; /* a module whose blocks are selected */
  } sizes[] = { { 1280, 720, FALSE, "1280", NULL },
                { 1024, 700, FALSE, "1024", NULL },
                { 640, 450, FALSE, "640", NULL },
                { 640, 450, FALSE, "640-fc2", "fc2" },
                { 1280, 720, TRUE, "present", NULL },
                { 640, 450, TRUE, "present-640-fc2", "fc2" } };
  static const char *const stages[] = { "forward", "loss", "backward", "step", "zero-grad" };

  if (dir == NULL)
    {
      g_test_skip ("set NNB_EXPLAIN_SHOTS=DIR for the pictures");
      return;
    }
  {
    g_autoptr (GtkCssProvider) css = gtk_css_provider_new ();

    gtk_css_provider_load_from_resource (css, "/io/github/nnblocks/NNBlocks/style.css");
    gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  }
  /* the picture a handout's page gets (nnb_diagram_view_draw_to) */
  for (int stage = 0; stage < NNB_EXPLAIN_N_STAGES; stage++)
    {
      cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1000, 560);
      cairo_t *cr = cairo_create (surface);
      g_autofree char *name = g_strdup_printf ("%s-picture.png", stages[stage]);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      NnbPlotStyle style;

      nnb_plot_style_init_default (&style);
      nnb_diagram_view_set_explain (f->view, f->explain, stage);
      nnb_diagram_view_draw_to (f->view, cr, 1000, 560, &style);
      cairo_surface_write_to_png (surface, path);
      cairo_destroy (cr);
      cairo_surface_destroy (surface);
    }
  for (gsize s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      if (sizes[s].presentation)
        gtk_widget_add_css_class (GTK_WIDGET (f->window), "presentation");
      gtk_window_set_default_size (f->window, sizes[s].width, sizes[s].height);
      if (sizes[s].select != NULL)
        nnb_diagram_view_select_module (f->view, sizes[s].select);
      nnb_ui_test_settle (300);
      for (int stage = 0; stage < NNB_EXPLAIN_N_STAGES; stage++)
        {
          int w = gtk_widget_get_width (GTK_WIDGET (f->view)), h = gtk_widget_get_height (GTK_WIDGET (f->view));
          g_autoptr (GdkPaintable) paintable = gtk_widget_paintable_new (GTK_WIDGET (f->view));
          GtkSnapshot *snapshot = gtk_snapshot_new ();
          g_autoptr (GskRenderNode) node = NULL;
          cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
          cairo_t *cr = cairo_create (surface);
          g_autofree char *name = g_strdup_printf ("%s-%s.png", stages[stage], sizes[s].name);
          g_autofree char *path = g_build_filename (dir, name, NULL);

          nnb_diagram_view_set_explain (f->view, f->explain, stage);
          nnb_ui_test_settle (400);
          gdk_paintable_snapshot (paintable, snapshot, w, h);
          node = gtk_snapshot_free_to_node (snapshot);
          cairo_set_source_rgb (cr, 1, 1, 1);
          cairo_paint (cr);
          if (node != NULL)
            gsk_render_node_draw (node, cr);
          cairo_surface_write_to_png (surface, path);
          cairo_destroy (cr);
          cairo_surface_destroy (surface);
        }
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check ())
    {
      g_test_add_func ("/diagram-explain/needs-a-display", nnb_ui_test_skip_without_display);
      return g_test_run ();
    }
  adw_init ();
  g_test_add ("/diagram-explain/forward", Fixture, NULL, fixture_set_up, test_forward, fixture_tear_down);
  g_test_add ("/diagram-explain/loss", Fixture, NULL, fixture_set_up, test_loss, fixture_tear_down);
  g_test_add ("/diagram-explain/backward", Fixture, NULL, fixture_set_up, test_backward, fixture_tear_down);
  g_test_add ("/diagram-explain/step-and-zero-grad", Fixture, NULL, fixture_set_up, test_step_and_zero_grad,
              fixture_tear_down);
  g_test_add_func ("/diagram-explain/module-called-twice", test_module_called_twice);
  g_test_add_func ("/diagram-explain/each-calls-numbers", test_each_calls_numbers);
  g_test_add ("/diagram-explain/pictures", Fixture, NULL, fixture_set_up, test_pictures, fixture_tear_down);
  return g_test_run ();
}
