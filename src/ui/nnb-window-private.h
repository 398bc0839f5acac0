/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-window-private.h — what the main window's files share: the instance
 * struct and the helpers one file defines and the others call.
 *   nnb-window.c           the type, its template, documents, the lesson
 *                          pane, presentation mode, closing
 *   nnb-window-training.c  the hand-off from the trainer and the state shown
 *   nnb-window-actions.c   the win.* actions
 *   nnb-window-export.c    win.export-* and handouts
 *   nnb-window-layout.c    the parameters pane giving way to the lesson
 *   nnb-window-import.c    win.import-csv and CSV files dropped on it
 *   nnb-window-units.c     the Units tab following the selected block
 *   nnb-window-code.c      code pasted, opened or dropped as a project
 *   nnb-window-code-edit.c the PyTorch Code view as an editor
 *   nnb-window-explain.c   Explain Next Step: the step bar and the diagram
 * Not for other widgets: they use nnb-window.h. */
#pragma once

#include <gtksourceview/gtksource.h>

#include "nnb-data-panel.h"
#include "nnb-diagram-view.h"
#include "nnb-parameter-view.h"
#include "nnb-plots-panel.h"
#include "nnb-step-bar.h"
#include "nnb-training-settings.h"
#include "nnb-units-view.h"
#include "nnb-window.h"

G_BEGIN_DECLS

struct _NnbWindow
{
  AdwApplicationWindow parent_instance;

  /* Template widgets */
  AdwToastOverlay *toast_overlay;
  AdwHeaderBar *header_bar;
  AdwWindowTitle *window_title;
  GtkButton *open_button;
  GtkMenuButton *primary_menu_button;
  GtkStack *train_stack;
  GtkMenuButton *settings_button;
  NnbTrainingSettings *training_settings;
  GtkMenuButton *data_button;
  NnbDataPanel *data_panel;
  GMenu *recent_menu;
  GMenu *examples_menu;
  AdwFlap *flap;
  GtkStack *lesson_stack;
  GtkLabel *lesson_name;
  GtkLabel *lesson_title;
  AdwStatusPage *lesson_status;
  NnbLessonPanel *lesson_panel;
  GtkStack *diagram_stack;
  AdwStatusPage *diagram_status;
  GtkButton *diagram_open_button;
  NnbDiagramView *diagram_view;
  GtkWidget *block_palette;
  AdwViewStack *side_stack;
  GtkStack *parameters_stack;
  AdwStatusPage *parameters_status;
  NnbParameterView *parameter_view;
  GtkStack *code_stack;
  AdwStatusPage *code_status;
  GtkSourceView *code_view;
  GtkRevealer *code_message_revealer;
  GtkRevealer *step_bar_revealer;
  NnbStepBar *step_bar;
  GtkLabel *code_message;
  NnbPlotsPanel *plots_panel;
  NnbUnitsView *units_view;

  /* Owned references (there are no borrowed ones: what the window points
   * to, it holds) */
  GSettings *settings;            /* NULL when the schema is not installed */
  NnbDocument *document;          /* the project shown, or NULL */
  GSignalGroup *document_signals; /* follows document */
  GCancellable *cancellable;      /* set while a file is being opened */
  NnbSnapshot *snapshot;          /* the trainer's latest one taken, or NULL */

  /* State */
  gboolean presentation_mode;
  gboolean train_on_open;
  gboolean close_confirmed;  /* the student chose to discard unsaved changes */
  gboolean close_after_save; /* closing waits for a save */
  gboolean run_asked;        /* Train was pressed and the run has not ended */
  gboolean replace_allowed;  /* inside nnb_window_replace_document's then */

  /* The layout (nnb-window-layout.c) */
  GtkWidget *side_button; /* shows the folded parameters pane anyway */
  gboolean lesson_wanted; /* the lesson is open, even while the flap folds */
  gboolean layout_queued;
  int layout_width, layout_height;
  int side_min_width; /* measured while the pane was shown */

  /* The code view as an editor (nnb-window-code-edit.c) */
  guint code_pause_id;    /* reads the code when it fires */
  gboolean setting_code;  /* the window, not the student, changes the text */
  gboolean code_applying; /* the code's own edit rebuilds the document */

  /* One step explained (nnb-window-explain.c) */
  NnbStepExplain *explain_seen; /* the last record the walk took or waits past */

  /* The hand-off from the trainer (nnb-window-training.c) */
  guint tick_id;
  gint64 settle_until_us;
  NnbTrainerState shown_state;
  gint64 text_updated_us; /* when the labels last followed a snapshot */
  guint text_due;         /* the text views still to follow it, one a frame */
  gboolean quiet_frame;   /* the frame after a command shows only the command's changes */
};

/* nnb-window.c */
void _nnb_window_toast (NnbWindow *self, const char *message);
void _nnb_window_update_palette (NnbWindow *self);

/* nnb-window-training.c */
void _nnb_window_training_init (NnbWindow *self);
gboolean _nnb_window_is_running (NnbWindow *self);
void _nnb_window_update_actions (NnbWindow *self);
void _nnb_window_update_status (NnbWindow *self);
void _nnb_window_watch_trainer (NnbWindow *self);
void _nnb_window_stop_watching (NnbWindow *self);
void _nnb_window_show_past_run (NnbWindow *self);

/* nnb-window-actions.c */
void _nnb_window_actions_init (NnbWindow *self);
void _nnb_window_save (NnbWindow *self, gboolean choose_file);
void _nnb_window_fill_examples_menu (NnbWindow *self);
NnbTrainer *_nnb_window_trainer_for_command (NnbWindow *self, gboolean keep_running);
gboolean _nnb_window_is_program_file (GFile *file);

/* nnb-window-layout.c */
void _nnb_window_layout_init (NnbWindow *self);
/* Lays the panes out again (the walk opened or closed). */
void _nnb_window_layout_queue (NnbWindow *self);

/* nnb-window-units.c */
void _nnb_window_units_init (NnbWindow *self);
/* The Units tab follows the selection and the snapshot (NULL: none). */
void _nnb_window_units_follow (NnbWindow *self, NnbSnapshot *snapshot);

/* nnb-window-mode.c */
void _nnb_window_mode_init (NnbWindow *self);
/* Gives the document's trainer the mode its pictures are drawn in. */
void _nnb_window_mode_apply (NnbWindow *self);

/* nnb-window-import.c */
void _nnb_window_import_init (NnbWindow *self);
void _nnb_window_import_csv_action (GSimpleAction *action, GVariant *parameter, gpointer user_data);

/* nnb-window-code.c: PyTorch code pasted, opened or dropped becomes a project */
void _nnb_window_paste_code_action (GSimpleAction *action, GVariant *parameter, gpointer user_data);
gboolean _nnb_window_is_code_file (GFile *file);
/* Unsaved work already asked about; self->cancellable set, as nnb_window_open does. */
void _nnb_window_open_code (NnbWindow *self, GFile *file);
/* Asks about unsaved work once the code has given a model. */
void _nnb_window_drop_code (NnbWindow *self, GFile *file);

/* nnb-window-code-edit.c: the PyTorch Code view as an editor */
void _nnb_window_code_edit_init (NnbWindow *self);
void _nnb_window_code_edit_dispose (NnbWindow *self);
/* The document's code, unless the code view's own edit rebuilt it. */
void _nnb_window_show_code (NnbWindow *self);
/* Reads the code now (not after the pause): TRUE when the diagram shows it. */
gboolean _nnb_window_apply_code (NnbWindow *self);

/* nnb-window-explain.c: Explain Next Step */
void _nnb_window_explain_init (NnbWindow *self);
void _nnb_window_explain_dispose (NnbWindow *self);
void _nnb_window_explain_close (NnbWindow *self);
gboolean _nnb_window_explain_is_open (NnbWindow *self);
/* The walk takes a record it has not shown from the snapshot. */
void _nnb_window_explain_follow (NnbWindow *self, NnbSnapshot *snapshot);

/* nnb-window-export.c */
void _nnb_window_export_action (GSimpleAction *action, GVariant *parameter, gpointer user_data);

G_END_DECLS
