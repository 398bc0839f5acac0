/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-lesson-panel.h — the lesson in the window's lesson pane: the steps
 * with the student's progress, Previous and Next, "Show me" (does what the
 * step describes in the window: loads its model, prints, makes a mistake
 * on purpose, trains) and "Check" (says what is right, or exactly what is
 * missing). Progress is kept in GSettings between runs. Actions
 * lesson.previous, lesson.next, lesson.show-me and lesson.check drive it
 * from buttons, shortcuts and tests alike. Built from
 * data/ui/nnb-lesson-panel.ui. */
#pragma once

#include <adwaita.h>

#include "nnb-lesson.h"

G_BEGIN_DECLS

#define NNB_TYPE_LESSON_PANEL (nnb_lesson_panel_get_type ())
G_DECLARE_FINAL_TYPE (NnbLessonPanel, nnb_lesson_panel, NNB, LESSON_PANEL, AdwBin)

/* Shows lesson (NULL: none) at the step the student was at last time. */
void nnb_lesson_panel_set_lesson (NnbLessonPanel *self, NnbLesson *lesson);
NnbLesson *nnb_lesson_panel_get_lesson (NnbLessonPanel *self);

guint nnb_lesson_panel_get_step (NnbLessonPanel *self);
void nnb_lesson_panel_set_step (NnbLessonPanel *self, guint step);

/* The pane's width in pixels, as the student drags its right edge; kept in
 * GSettings (lesson-width) for the next start. */
void nnb_lesson_panel_set_pane_width (NnbLessonPanel *self, int width);
int nnb_lesson_panel_get_pane_width (NnbLessonPanel *self);

G_END_DECLS
