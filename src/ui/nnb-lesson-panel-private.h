/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-lesson-panel-private.h — the lesson pane's instance, shared by its
 * files: nnb-lesson-panel.c (steps, Show me, Check) and
 * nnb-lesson-panel-width.c (the width the student drags). */
#pragma once

#include "nnb-document.h"
#include "nnb-lesson-action.h"
#include "nnb-lesson-panel.h"

G_BEGIN_DECLS

/* the pane's width, in pixels, as the student dragged it */
#define PANE_WIDTH_KEY "lesson-width"
#define PANE_DEFAULT_WIDTH 360
#define PANE_MIN_WIDTH 300
#define PANE_MAX_WIDTH 900

struct _NnbLessonPanel
{
  AdwBin parent_instance;

  /* template children */
  GtkLabel *progress_label;
  GtkProgressBar *progress_bar;
  GtkScrolledWindow *scroller;
  GtkImage *passed_icon;
  GtkLabel *step_title;
  GtkBox *content_box;
  GtkLabel *output_heading;
  GtkWidget *output_scroller; /* a card now: printouts wrap, nothing scrolls sideways */
  GtkLabel *output_label;
  GtkBox *result_box;
  GtkWidget *width_handle;

  NnbLesson *lesson;
  guint step;
  GHashTable *passed; /* step ids whose checks passed */
  GHashTable *partly; /* step id → checks that passed at its last Check, while not all did */
  int width;          /* the pane's width, as the student dragged it */
  int drag_start_width;
  gboolean watching_window;
  GSettings *settings; /* NULL when the schema (with our keys) is missing */
  NnbLessonRun run;
  NnbDocument *document;          /* the document run describes (a ref, for comparison) */
  GSignalGroup *document_signals; /* follows document */
  GString *output;
  char *before_training; /* the output before "Training…", while it runs */
  char *result;
  gboolean waiting; /* Show me waits for training to end */
};

/* The width from the settings (schema: the app's, or NULL), and the
 * handle that drags it. */
void _nnb_lesson_panel_init_width (NnbLessonPanel *self, GSettingsSchema *schema);

G_END_DECLS
