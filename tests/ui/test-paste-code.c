/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-paste-code.c — Paste PyTorch Code: the Day 2 page's residual MLP
 * copied from the page becomes its diagram (the blocks, (B, 16) on the
 * wires into and out of the skip connection, 353 parameters); code with a
 * for loop in forward is refused with its line and what it is, and the
 * diagram on screen stays; code with two model classes asks which; a .py
 * file opened or dropped (any case of ".py") becomes its model too.
 *
 * Runs under Xvfb (see meson.build); skips when there is no display.
 * NNB_SCREENSHOT_PASTE and NNB_SCREENSHOT_PASTE_REFUSED name files for
 * screenshots of the pasted MLP and of the refusal. */
#include "nnb-config.h"

#include <adwaita.h>

#include <glib/gstdio.h>

#include "nnb-graph.h"
#include "nnb-ui-test-util.h"

static const char for_loop_code[] = "import torch\n"
                                    "from torch import nn\n"
                                    "\n"
                                    "class Deep(nn.Module):\n"
                                    "    def __init__(self):\n"
                                    "        super().__init__()\n"
                                    "        self.fc = nn.Linear(16, 16)\n"
                                    "\n"
                                    "    def forward(self, x):\n"
                                    "        for _ in range(3):\n"
                                    "            x = self.fc(x)\n"
                                    "        return x\n";

static const char two_classes_code[] = "from torch import nn\n"
                                       "\n"
                                       "class Small(nn.Module):\n"
                                       "    def __init__(self):\n"
                                       "        super().__init__()\n"
                                       "        self.fc = nn.Linear(1, 1)\n"
                                       "\n"
                                       "    def forward(self, x):\n"
                                       "        return self.fc(x)\n"
                                       "\n"
                                       "class Wide(nn.Module):\n"
                                       "    def __init__(self):\n"
                                       "        super().__init__()\n"
                                       "        self.fc = nn.Linear(1, 64)\n"
                                       "\n"
                                       "    def forward(self, x):\n"
                                       "        return self.fc(x)\n";

static void
paste (NnbWindow *window, const char *code)
{
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (window)), code);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.paste-code", NULL));
}

static gboolean
document_changed (gpointer data)
{
  gpointer *pair = data;

  return nnb_window_get_document (pair[0]) != NULL && nnb_window_get_document (pair[0]) != pair[1];
}

static gboolean
explanation_shown (gpointer data)
{
  GtkRevealer *revealer = nnb_ui_test_window_child (data, "explanation_revealer");

  return gtk_revealer_get_reveal_child (revealer);
}

static char *
shape_out_of (NnbDiagramView *view, int block)
{
  g_assert_cmpint (block, >=, 0);
  return nnb_diagram_view_get_block_shape (view, block);
}

static int
find_add (const NnbGraph *graph)
{
  for (guint i = 0; i < graph->blocks->len; i++)
    if (nnb_graph_block_kind (graph, (int) i) == NNB_BLOCK_ADD)
      return (int) i;
  return -1;
}

static void
check_paste (NnbApplication *app, NnbWindow *window, gpointer data)
{
  g_autofree char *path = g_build_filename (NNB_SOURCE_DIR, "tests", "data", "python", "day02-mlp.py", NULL);
  g_autofree char *code = NULL;
  g_auto (GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "win.paste-code");
  NnbDiagramView *view = nnb_ui_test_window_child (window, "diagram_view");
  gpointer pair[2] = { window, NULL };
  NnbDocument *document;
  const NnbGraph *graph;
  GtkLabel *explanation;
  guint n_blocks, key;
  GdkModifierType mods;
  int add;

  g_assert_nonnull (accels[0]);
  g_assert_true (gtk_accelerator_parse (accels[0], &key, &mods));
  g_assert_cmpuint (key, ==, GDK_KEY_v);
  g_assert_cmpuint (mods, ==, GDK_CONTROL_MASK | GDK_SHIFT_MASK);
  gtk_window_unmaximize (GTK_WINDOW (window));
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 720);
  g_assert_true (g_file_get_contents (path, &code, NULL, NULL));

  /* the page's code, as copied from it */
  paste (window, code);
  g_assert_true (nnb_ui_test_wait_until (document_changed, pair));
  g_assert_true (nnb_ui_test_wait_until (nnb_ui_test_diagram_ready, window));
  document = nnb_window_get_document (window);
  g_assert_null (nnb_document_get_file (document));
  g_assert_cmpstr (nnb_document_get_name (document), ==, "MLP");
  g_assert_cmpint (nnb_model_count_parameters (nnb_document_get_project (document)->model), ==, 353);

  graph = nnb_diagram_view_get_graph (view);
  for (guint i = 0; i < 4; i++)
    g_assert_cmpint (nnb_graph_find_block (graph, (const char *[]){ "fc1", "fc2", "head", "act" }[i]), >=, 0);
  add = find_add (graph);
  g_assert_cmpint (add, >=, 0);
  for (int slot = 0; slot < 2; slot++)
    {
      g_autofree char *in = shape_out_of (view, nnb_graph_get_block (graph, add)->inputs[slot]);

      g_assert_cmpstr (in, ==, "(B, 16)");
    }
  {
    g_autofree char *out = shape_out_of (view, add);

    g_assert_cmpstr (out, ==, "(B, 16)");
  }
  n_blocks = graph->blocks->len;
  g_assert_cmpuint (n_blocks, ==, 8);
  nnb_ui_test_settle (300);
  nnb_ui_test_screenshot_if_asked ("NNB_SCREENSHOT_PASTE");

  /* a for loop: refused with its line, the MLP stays as it was */
  nnb_document_set_dirty (document, TRUE);
  paste (window, for_loop_code);
  g_assert_true (nnb_ui_test_wait_until (explanation_shown, window));
  explanation = nnb_ui_test_window_child (window, "explanation_label");
  g_assert_nonnull (strstr (gtk_label_get_text (explanation), "line"));
  g_assert_nonnull (strstr (gtk_label_get_text (explanation), "for loop"));
  nnb_ui_test_settle (300);
  g_assert_true (nnb_window_get_document (window) == document);
  g_assert_true (nnb_document_get_dirty (document));
  g_assert_cmpuint (nnb_diagram_view_get_graph (view)->blocks->len, ==, n_blocks);
  g_assert_cmpint (nnb_model_count_parameters (nnb_document_get_project (document)->model), ==, 353);
  nnb_ui_test_screenshot_if_asked ("NNB_SCREENSHOT_PASTE_REFUSED");
}

static void
test_pasted_page_mlp_becomes_its_diagram_and_a_for_loop_is_refused (void)
{
  const char *argv[] = { "nnblocks", NULL };

  nnb_ui_test_run_app (argv, check_paste, NULL);
}

static GtkWindow *
shown_question (void)
{
  return nnb_ui_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG, TRUE);
}

static gboolean
question_shown (gpointer data)
{
  return shown_question () != NULL;
}

static void
check_which_class (NnbApplication *app, NnbWindow *window, gpointer data)
{
  gpointer pair[2] = { window, nnb_window_get_document (window) };
  AdwMessageDialog *question;

  paste (window, two_classes_code);
  g_assert_true (nnb_ui_test_wait_until (question_shown, NULL));
  question = ADW_MESSAGE_DIALOG (shown_question ());
  /* the last class, what the file gives read alone, is offered first */
  g_assert_cmpstr (adw_message_dialog_get_default_response (question), ==, "class-1");
  g_assert_true (nnb_window_get_document (window) == pair[1]);
  adw_message_dialog_response (question, "class-0");
  gtk_window_close (GTK_WINDOW (question));
  g_assert_true (nnb_ui_test_wait_until (document_changed, pair));
  g_assert_cmpstr (nnb_document_get_name (nnb_window_get_document (window)), ==, "Small");
  g_assert_cmpint (nnb_model_count_parameters (nnb_document_get_project (nnb_window_get_document (window))->model), ==,
                   2);
}

static void
test_two_classes_ask_which (void)
{
  const char *argv[] = { "nnblocks", NULL };

  nnb_ui_test_run_app (argv, check_which_class, NULL);
}

static NnbModel *
shown_model (NnbWindow *window)
{
  return nnb_document_get_project (nnb_window_get_document (window))->model;
}

/* A .py file opened (Open, the command line) or dropped on the window:
 * its model as a new untitled project; another file dropped is not taken. */
static void
check_code_files (NnbApplication *app, NnbWindow *window, gpointer data)
{
  g_autofree char *sinenet = g_build_filename (NNB_SOURCE_DIR, "tests", "data", "python", "day02-sinenet.py", NULL);
  g_autofree char *mlp = g_build_filename (NNB_SOURCE_DIR, "tests", "data", "python", "day02-mlp.py", NULL);
  g_autofree char *folder = g_dir_make_tmp ("nnb-code-files-XXXXXX", NULL);
  g_autofree char *upper = g_build_filename (folder, "Page Model.PY", NULL);
  g_autofree char *text = g_build_filename (folder, "model.txt", NULL);
  g_autofree char *code = NULL;
  g_autoptr (GFile) text_file = g_file_new_for_path (text);
  g_autoptr (GFile) upper_file = g_file_new_for_path (upper);
  g_autoptr (GFile) sinenet_file = g_file_new_for_path (sinenet);
  gpointer pair[2] = { window, nnb_window_get_document (window) };

  nnb_window_open (window, sinenet_file);
  g_assert_true (nnb_ui_test_wait_until (document_changed, pair));
  g_assert_cmpstr (nnb_document_get_name (nnb_window_get_document (window)), ==, "SineNet");
  g_assert_null (nnb_document_get_file (nnb_window_get_document (window)));
  g_assert_cmpint (nnb_model_count_parameters (shown_model (window)), ==, 4353);

  /* dropped, whatever the case of its extension */
  g_assert_true (g_file_get_contents (mlp, &code, NULL, NULL));
  g_assert_true (g_file_set_contents (upper, code, -1, NULL));
  g_assert_true (g_file_set_contents (text, code, -1, NULL));
  pair[1] = nnb_window_get_document (window);
  g_assert_false (nnb_ui_test_drop_file (window, text_file));
  nnb_ui_test_settle (300);
  g_assert_true (nnb_window_get_document (window) == pair[1]);
  g_assert_true (nnb_ui_test_drop_file (window, upper_file));
  g_assert_true (nnb_ui_test_wait_until (document_changed, pair));
  g_assert_cmpstr (nnb_document_get_name (nnb_window_get_document (window)), ==, "MLP");
  g_assert_cmpint (nnb_model_count_parameters (shown_model (window)), ==, 353);

  g_remove (upper);
  g_remove (text);
  g_rmdir (folder);
}

static void
test_py_files_opened_or_dropped (void)
{
  const char *argv[] = { "nnblocks", NULL };

  nnb_ui_test_run_app (argv, check_code_files, NULL);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (!gtk_init_check ())
    {
      g_test_add_func ("/ui/paste-code/needs-a-display", nnb_ui_test_skip_without_display);
      return g_test_run ();
    }

  g_test_add_func ("/ui/paste-code/pasted-page-mlp-becomes-its-diagram-and-a-for-loop-is-refused",
                   test_pasted_page_mlp_becomes_its_diagram_and_a_for_loop_is_refused);
  g_test_add_func ("/ui/paste-code/two-classes-ask-which", test_two_classes_ask_which);
  g_test_add_func ("/ui/paste-code/py-files-opened-or-dropped", test_py_files_opened_or_dropped);

  return g_test_run ();
}
