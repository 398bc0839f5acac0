/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-window-code-edit.c — the PyTorch Code view as an editor. It shows
 * the model's code as exported; what the student types is read by the
 * Python reader a short pause after the last key, and code that gives a
 * model becomes one edit of the diagram (blocks keep their places by
 * name). Code the reader refuses underlines its line with the reader's
 * sentence and leaves the diagram as it was.
 *
 * Undo: typing is undone in the code (and the diagram follows); the
 * diagram's undo takes a code edit back like any edit, and Ctrl+Z in the
 * code goes on to it when the code has nothing left to undo. */
#include "nnb-config.h"

#include <glib/gi18n.h>

#include "nnb-export.h"
#include "nnb-python-import.h"
#include "nnb-window-private.h"

/* Long enough not to read every key of "16", short enough to feel live. */
#define CODE_PAUSE_MS 700

static GtkTextBuffer *
code_buffer (NnbWindow *self)
{
  return gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->code_view));
}

static void
clear_refusal (NnbWindow *self)
{
  GtkTextBuffer *buffer = code_buffer (self);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  gtk_text_buffer_remove_tag_by_name (buffer, "refusal", &start, &end);
  gtk_revealer_set_reveal_child (self->code_message_revealer, FALSE);
  gtk_label_set_text (self->code_message, "");
}

/* The reader's messages start "line L, column C: "; the line is
 * underlined from its first character that is not a space. */
static void
show_refusal (NnbWindow *self, const char *message)
{
  GtkTextBuffer *buffer = code_buffer (self);
  int line = 0, column = 0;

  clear_refusal (self);
  if (sscanf (message, "line %d, column %d:", &line, &column) == 2 && line >= 1 && line <= gtk_text_buffer_get_line_count (buffer))
    {
      GtkTextIter start, end;

      gtk_text_buffer_get_iter_at_line (buffer, &start, line - 1);
      while (!gtk_text_iter_ends_line (&start) && g_unichar_isspace (gtk_text_iter_get_char (&start)))
        gtk_text_iter_forward_char (&start);
      end = start;
      if (!gtk_text_iter_ends_line (&end))
        gtk_text_iter_forward_to_line_end (&end);
      /* an empty line: underline where the line ends, one character back */
      if (gtk_text_iter_equal (&start, &end) && !gtk_text_iter_starts_line (&start))
        gtk_text_iter_backward_char (&start);
      gtk_text_buffer_apply_tag_by_name (buffer, "refusal", &start, &end);
    }
  gtk_label_set_text (self->code_message, message);
  gtk_revealer_set_reveal_child (self->code_message_revealer, TRUE);
}

static char *
code_text (NnbWindow *self)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (code_buffer (self), &start, &end);
  return gtk_text_buffer_get_text (code_buffer (self), &start, &end, FALSE);
}

/* Reads the code now; TRUE when the diagram shows it. */
gboolean
_nnb_window_apply_code (NnbWindow *self)
{
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbModel) model = NULL;
  gboolean applied;

  g_clear_handle_id (&self->code_pause_id, g_source_remove);
  if (self->document == NULL)
    return FALSE;
  text = code_text (self);
  model = nnb_python_import (text, -1, NULL, &error);
  if (model == NULL)
    {
      show_refusal (self, error->message);
      return FALSE;
    }
  /* the student's text stays as typed while the diagram follows it */
  self->code_applying = TRUE;
  applied = nnb_diagram_view_apply_code_model (self->diagram_view, model, &error);
  self->code_applying = FALSE;
  if (!applied)
    {
      show_refusal (self, error->message);
      return FALSE;
    }
  clear_refusal (self);
  return TRUE;
}

static gboolean
code_pause_cb (gpointer user_data)
{
  NnbWindow *self = user_data;

  self->code_pause_id = 0;
  _nnb_window_apply_code (self);
  return G_SOURCE_REMOVE;
}

static void
code_changed_cb (NnbWindow *self)
{
  if (self->setting_code)
    return;
  g_clear_handle_id (&self->code_pause_id, g_source_remove);
  self->code_pause_id = g_timeout_add (CODE_PAUSE_MS, code_pause_cb, self);
}

/* The code of the document's model, unless the code view's own edit is
 * what rebuilt it. Not undoable in the code: the diagram's undo is. */
void
_nnb_window_show_code (NnbWindow *self)
{
  GtkTextBuffer *buffer = code_buffer (self);
  g_autofree char *weights = NULL;
  g_autofree char *code = NULL;

  if (self->code_applying)
    return;
  g_clear_handle_id (&self->code_pause_id, g_source_remove);
  if (self->document != NULL)
    {
      weights = g_strdup_printf ("%s.safetensors", nnb_document_get_name (self->document));
      code = nnb_export_pytorch_code (nnb_document_get_project (self->document)->model, weights);
    }
  self->setting_code = TRUE;
  gtk_text_buffer_begin_irreversible_action (buffer);
  gtk_text_buffer_set_text (buffer, code != NULL ? code : "", -1);
  gtk_text_buffer_end_irreversible_action (buffer);
  self->setting_code = FALSE;
  clear_refusal (self);
}

/* Ctrl+Z (Ctrl+Shift+Z, Ctrl+Y) with nothing left to undo (redo) in the
 * code: the diagram's history goes on. */
static gboolean
code_key_cb (NnbWindow *self, guint keyval, guint keycode, GdkModifierType state)
{
  GtkTextBuffer *buffer = code_buffer (self);
  GdkModifierType mods = state & gtk_accelerator_get_default_mod_mask ();
  gboolean undo = mods == GDK_CONTROL_MASK && (keyval == GDK_KEY_z || keyval == GDK_KEY_Z);
  gboolean redo = (mods == (GDK_CONTROL_MASK | GDK_SHIFT_MASK) && (keyval == GDK_KEY_z || keyval == GDK_KEY_Z)) || (mods == GDK_CONTROL_MASK && (keyval == GDK_KEY_y || keyval == GDK_KEY_Y));

  if (undo && !gtk_text_buffer_get_can_undo (buffer))
    return gtk_widget_activate_action (GTK_WIDGET (self->diagram_view), "editor.undo", NULL);
  if (redo && !gtk_text_buffer_get_can_redo (buffer))
    return gtk_widget_activate_action (GTK_WIDGET (self->diagram_view), "editor.redo", NULL);
  return FALSE;
}

void
_nnb_window_code_edit_init (NnbWindow *self)
{
  GtkTextBuffer *buffer = code_buffer (self);
  GtkEventController *keys = gtk_event_controller_key_new ();
  GdkRGBA red = { 0.878, 0.106, 0.141, 1.0 }; /* GNOME's red 3, as the blocks' errors */

  gtk_text_buffer_create_tag (buffer, "refusal", "underline", PANGO_UNDERLINE_ERROR, "underline-rgba", &red, NULL);
  g_signal_connect_swapped (buffer, "changed", G_CALLBACK (code_changed_cb), self);
  /* the code is edited when the diagram is: not while the model trains */
  g_object_bind_property (self->diagram_view, "editable", self->code_view, "editable", G_BINDING_SYNC_CREATE);
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect_swapped (keys, "key-pressed", G_CALLBACK (code_key_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->code_view), keys);
}

/* A pause still pending when the window goes. */
void
_nnb_window_code_edit_dispose (NnbWindow *self)
{
  g_clear_handle_id (&self->code_pause_id, g_source_remove);
}
