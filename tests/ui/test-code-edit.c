/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-code-edit.c — the PyTorch Code view as an editor, on the Day 2
 * page's residual MLP pasted from the page: a wrong in_features typed into
 * the code turns fc2 red on the diagram (PyTorch's message), the other
 * blocks keep their places; the diagram's undo takes the edit back and the
 * code follows; a for loop typed into forward underlines its line with the
 * reader's sentence and leaves the diagram as it was; removing it draws
 * the model again.
 *
 * Runs under Xvfb (see meson.build); skips when there is no display.
 * NNB_SCREENSHOT_CODE_EDIT and NNB_SCREENSHOT_CODE_REFUSAL name files for
 * screenshots of the red block and of the underline. */
#include "nnb-config.h"

#include <adwaita.h>

#include "nnb-graph.h"
#include "nnb-ui-test-pointer.h"
#include "nnb-ui-test-util.h"

static gboolean
document_changed (gpointer data)
{
  gpointer *pair = data;

  return nnb_window_get_document (pair[0]) != NULL && nnb_window_get_document (pair[0]) != pair[1];
}

static GtkTextBuffer *
code_buffer (NnbWindow *window)
{
  return gtk_text_view_get_buffer (nnb_ui_test_window_child (window, "code_view"));
}

static char *
code_text (NnbWindow *window)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (code_buffer (window), &start, &end);
  return gtk_text_buffer_get_text (code_buffer (window), &start, &end, FALSE);
}

/* Replaces the first `old` in the code as typing does: one user action,
 * through the interactive calls that respect the view's editability. */
static void
type_over (NnbWindow *window, const char *old, const char *new_text)
{
  GtkTextBuffer *buffer = code_buffer (window);
  GtkTextIter start, match_start, match_end;

  gtk_text_buffer_get_start_iter (buffer, &start);
  g_assert_true (gtk_text_iter_forward_search (&start, old, 0, &match_start, &match_end, NULL));
  gtk_text_buffer_begin_user_action (buffer);
  g_assert_true (gtk_text_buffer_delete_interactive (buffer, &match_start, &match_end, TRUE));
  g_assert_true (gtk_text_buffer_insert_interactive (buffer, &match_start, new_text, -1, TRUE));
  gtk_text_buffer_end_user_action (buffer);
}

/* Clicks the cursor in after `after`'s first `offset` characters and
 * types text there on the keyboard (Delete for each of `delete`
 * characters first). */
static void
type_at (NnbWindow *window, const char *after, int offset, const char *text)
{
  GtkWidget *code_view = nnb_ui_test_window_child (window, "code_view");
  GtkTextBuffer *buffer = code_buffer (window);
  GtkTextIter start, match;

  gtk_text_buffer_get_start_iter (buffer, &start);
  g_assert_true (gtk_text_iter_forward_search (&start, after, 0, &match, NULL, NULL));
  gtk_text_iter_forward_chars (&match, offset);
  gtk_text_buffer_place_cursor (buffer, &match);
  gtk_widget_grab_focus (code_view);
  nnb_ui_test_keyboard_to (GTK_WIDGET (window));
  for (const char *c = text; *c != '\0'; c++)
    {
      KeySym key = *c == ' ' ? XK_space : *c == '#'  ? XK_numbersign
                                        : *c == '\b' ? XK_BackSpace
                                                     : (KeySym) *c;

      nnb_ui_test_type_key (code_view, key, FALSE, *c == '#');
    }
}

static int
block_in_features (NnbDiagramView *view, const char *name)
{
  const NnbGraph *graph = nnb_diagram_view_get_graph (view);
  int block = nnb_graph_find_block (graph, name);

  g_assert_cmpint (block, >=, 0);
  return (int) nnb_graph_block_module (graph, block)->in_features;
}

static gboolean
fc2_takes_8 (gpointer view)
{
  return block_in_features (view, "fc2") == 8;
}

static gboolean
fc2_takes_16 (gpointer view)
{
  return block_in_features (view, "fc2") == 16;
}

/* data: { NnbWindow *, const char *text } */
static gboolean
code_says (gpointer data)
{
  gpointer *pair = data;
  g_autofree char *code = code_text (pair[0]);

  return strstr (code, pair[1]) != NULL;
}

/* data: { NnbDiagramView *, NnbGraph * } */
static gboolean
graph_is (gpointer data)
{
  gpointer *pair = data;

  return nnb_graph_equal (nnb_diagram_view_get_graph (pair[0]), pair[1]);
}

static gboolean
refusal_shown (gpointer window)
{
  return gtk_revealer_get_reveal_child (nnb_ui_test_window_child (window, "code_message_revealer"));
}

static gboolean
refusal_gone (gpointer window)
{
  return !refusal_shown (window);
}

/* The line (1-based) of the code that holds text. */
static int
line_of (NnbWindow *window, const char *text)
{
  GtkTextIter start, match_start;

  gtk_text_buffer_get_start_iter (code_buffer (window), &start);
  g_assert_true (gtk_text_iter_forward_search (&start, text, 0, &match_start, NULL, NULL));
  return gtk_text_iter_get_line (&match_start) + 1;
}

static gboolean
line_underlined (NnbWindow *window, int line, int column)
{
  GtkTextBuffer *buffer = code_buffer (window);
  GtkTextTag *refusal = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (buffer), "refusal");
  GtkTextIter at;

  g_assert_nonnull (refusal);
  gtk_text_buffer_get_iter_at_line_offset (buffer, &at, line - 1, column - 1);
  return gtk_text_iter_has_tag (&at, refusal);
}

static void
check_code_edit (NnbApplication *app, NnbWindow *window, gpointer data)
{
  g_autofree char *path = g_build_filename (NNB_SOURCE_DIR, "tests", "data", "python", "day02-mlp.py", NULL);
  g_autofree char *page_code = NULL;
  g_autofree char *code = NULL;
  NnbDiagramView *view = nnb_ui_test_window_child (window, "diagram_view");
  GtkLabel *message = nnb_ui_test_window_child (window, "code_message");
  gpointer pair[2] = { window, NULL };
  g_autoptr (NnbGraph) pasted = NULL;
  g_autoptr (GArray) pasted_rects = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (NnbGraph) edited = NULL;
  NnbDocument *document;
  const NnbGraph *graph;
  int fc2, line;

  gtk_window_unmaximize (GTK_WINDOW (window));
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 720);
  g_assert_true (g_file_get_contents (path, &page_code, NULL, NULL));
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (window)), page_code);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.paste-code", NULL));
  g_assert_true (nnb_ui_test_wait_until (document_changed, pair));
  g_assert_true (nnb_ui_test_wait_until (nnb_ui_test_diagram_ready, window));
  document = nnb_window_get_document (window);
  adw_view_stack_set_visible_child_name (nnb_ui_test_window_child (window, "side_stack"), "code");
  g_assert_true (gtk_text_view_get_editable (nnb_ui_test_window_child (window, "code_view")));
  /* the head moved by hand; where the student sees the blocks is what
   * the code's edit keeps */
  nnb_ui_test_settle (300);
  {
    double x, y;

    g_assert_true (nnb_diagram_view_block_point (view, nnb_graph_find_block (nnb_diagram_view_get_graph (view), "head"),
                                                 -2, &x, &y));
    nnb_ui_test_drag (GTK_WIDGET (view), x, y, GTK_WIDGET (view), x, y + 90);
    nnb_ui_test_settle (300);
  }
  pasted = nnb_graph_copy (nnb_diagram_view_get_graph (view));
  for (guint i = 0; i < pasted->blocks->len; i++)
    {
      double rect[4];

      g_assert_true (nnb_diagram_view_get_block_rect (view, (int) i, rect));
      g_array_append_vals (pasted_rects, rect, 4);
    }
  code = code_text (window);
  g_assert_nonnull (strstr (code, "self.fc2 = nn.Linear(16, 16)"));

  /* a wrong in_features, typed: fc2 turns red with PyTorch's message,
   * the blocks stay where they were, the code stays as typed */
  type_at (window, "16, 16)", 2, "\b\b8");
  g_assert_true (nnb_ui_test_wait_until (code_says, (gpointer[]){ window, "nn.Linear(8, 16)" }));
  type_at (window, "(8, 16)", 7, "  # too narrow");
  g_assert_true (nnb_ui_test_wait_until (code_says, (gpointer[]){ window, "(8, 16)  # too narrow" }));
  g_assert_true (nnb_ui_test_wait_until (fc2_takes_8, view));
  graph = nnb_diagram_view_get_graph (view);
  fc2 = nnb_graph_find_block (graph, "fc2");
  g_assert_nonnull (nnb_diagram_view_get_block_error (view, fc2));
  g_assert_nonnull (strstr (nnb_diagram_view_get_block_error (view, fc2), "mat1 and mat2 shapes cannot be multiplied"));
  g_assert_null (nnb_diagram_view_get_block_error (view, nnb_graph_find_block (graph, "fc1")));
  g_assert_cmpuint (graph->blocks->len, ==, pasted->blocks->len);
  for (guint i = 0; i < graph->blocks->len; i++)
    {
      const NnbGraphBlock *now = graph->blocks->pdata[i];
      double rect[4];

      g_assert_true (nnb_diagram_view_get_block_rect (view, (int) i, rect));
      for (int k = 0; k < 4; k++)
        g_assert_cmpfloat (rect[k], ==, g_array_index (pasted_rects, double, 4 * nnb_graph_find_block (pasted, now->name) + k));
    }
  g_assert_true (nnb_window_get_document (window) == document);
  g_assert_true (nnb_document_get_dirty (document));
  g_clear_pointer (&code, g_free);
  code = code_text (window);
  g_assert_nonnull (strstr (code, "self.fc2 = nn.Linear(8, 16)  # too narrow"));
  g_assert_false (refusal_shown (window));
  nnb_ui_test_settle (300);
  nnb_ui_test_screenshot_if_asked ("NNB_SCREENSHOT_CODE_EDIT");

  /* the diagram's undo takes the code's edit back, and the code follows */
  edited = nnb_graph_copy (nnb_diagram_view_get_graph (view));
  nnb_ui_test_edit (view, "editor.undo", NULL);
  g_assert_cmpint (block_in_features (view, "fc2"), ==, 16);
  g_assert_null (nnb_diagram_view_get_block_error (view, nnb_graph_find_block (nnb_diagram_view_get_graph (view), "fc2")));
  g_clear_pointer (&code, g_free);
  code = code_text (window);
  g_assert_nonnull (strstr (code, "self.fc2 = nn.Linear(16, 16)"));
  /* Ctrl+Shift+Z and Ctrl+Z in the code, which has nothing of its own to
   * redo or undo after the diagram's undo: the diagram's history */
  gtk_widget_grab_focus (nnb_ui_test_window_child (window, "code_view"));
  nnb_ui_test_keyboard_to (GTK_WIDGET (window));
  nnb_ui_test_type_key (nnb_ui_test_window_child (window, "code_view"), XK_z, TRUE, TRUE);
  g_assert_true (nnb_ui_test_wait_until (graph_is, (gpointer[]){ view, edited }));
  g_clear_pointer (&code, g_free);
  code = code_text (window);
  g_assert_nonnull (strstr (code, "self.fc2 = nn.Linear(8, 16)"));
  nnb_ui_test_type_key (nnb_ui_test_window_child (window, "code_view"), XK_z, TRUE, FALSE);
  g_assert_true (nnb_ui_test_wait_until (fc2_takes_16, view));
  nnb_ui_test_edit (view, "editor.redo", NULL);
  g_assert_true (nnb_graph_equal (nnb_diagram_view_get_graph (view), edited));

  /* a for loop in forward: its line is underlined with the reader's
   * sentence, and the diagram stays as it was */
  type_over (window, "        return self.head(h)",
             "        for _ in range(2):\n            h = self.fc2(h)\n        return self.head(h)");
  g_assert_true (nnb_ui_test_wait_until (refusal_shown, window));
  line = line_of (window, "for _ in range(2):");
  {
    g_autofree char *expected = g_strdup_printf ("line %d, column 9: a for loop in forward() cannot be drawn as blocks.",
                                                 line);

    g_assert_cmpstr (gtk_label_get_text (message), ==, expected);
  }
  g_assert_true (line_underlined (window, line, 9));
  g_assert_true (line_underlined (window, line, 25));
  g_assert_false (line_underlined (window, line + 1, 13));
  g_assert_false (line_underlined (window, line, 1)); /* the indentation is not the mistake */
  g_assert_true (nnb_graph_equal (nnb_diagram_view_get_graph (view), edited));
  /* the cursor where a student typing the loop has it */
  {
    GtkTextIter at;

    gtk_text_buffer_get_iter_at_line (code_buffer (window), &at, line);
    gtk_text_buffer_place_cursor (code_buffer (window), &at);
    gtk_text_view_scroll_to_mark (nnb_ui_test_window_child (window, "code_view"),
                                  gtk_text_buffer_get_insert (code_buffer (window)), 0.0, TRUE, 0.0, 0.5);
  }
  nnb_ui_test_settle (300);
  nnb_ui_test_screenshot_if_asked ("NNB_SCREENSHOT_CODE_REFUSAL");

  /* taking the loop out draws the model again and clears the underline */
  type_over (window, "        for _ in range(2):\n            h = self.fc2(h)\n", "");
  g_assert_true (nnb_ui_test_wait_until (refusal_gone, window));
  g_assert_false (line_underlined (window, line, 9));
  g_assert_true (nnb_graph_equal (nnb_diagram_view_get_graph (view), edited));
}

static void
test_code_view_edits_the_diagram (void)
{
  const char *argv[] = { "nnblocks", NULL };

  if (!nnb_ui_test_load_xtest ())
    {
      g_test_skip ("libXtst.so.6 is not installed: no keyboard to type with");
      return;
    }

  nnb_ui_test_run_app (argv, check_code_edit, NULL);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (!gtk_init_check ())
    {
      g_test_add_func ("/ui/code-edit/needs-a-display", nnb_ui_test_skip_without_display);
      return g_test_run ();
    }

  g_test_add_func ("/ui/code-edit/code-view-edits-the-diagram", test_code_view_edits_the_diagram);

  return g_test_run ();
}
