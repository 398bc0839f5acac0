/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-confusion-view.h — the confusion matrix beside the loss, for class
 * data (rows: true class, columns: predicted class; the picture is
 * nnb-plot-confusion.h's): the trainer's latest counts, live, with a Test
 * Rows button when the data holds test rows; hidden for data without
 * classes. The plots panel hands it the data and every snapshot.
 * Built from data/ui/nnb-confusion-view.ui. */
#pragma once

#include <gtk/gtk.h>

#include "nnb-plot-confusion.h"
#include "nnb-trainer.h"

G_BEGIN_DECLS

#define NNB_TYPE_CONFUSION_VIEW (nnb_confusion_view_get_type ())
G_DECLARE_FINAL_TYPE (NnbConfusionView, nnb_confusion_view, NNB, CONFUSION_VIEW, GtkWidget)

/* The data's classes (nnb-dataset.h's n_classes; 0 hides the view) and
 * whether it has held-out test rows (shows the Test Rows button). */
void nnb_confusion_view_set_classes (NnbConfusionView *self, int n_classes, gboolean has_test);

/* Shows snapshot's matrices (may be NULL: nothing trained). Cheap: queues drawing. */
void nnb_confusion_view_take_snapshot (NnbConfusionView *self, NnbSnapshot *snapshot);

/* Draws again in the current style (presentation mode, dark style). */
void nnb_confusion_view_redraw (NnbConfusionView *self);

/* The same picture into any cairo_t (export to PNG, SVG, PDF). */
void nnb_confusion_view_draw (NnbConfusionView *self, cairo_t *cr, int width, int height, const NnbPlotStyle *style);

/* For tests: what the picture shows now (points into the snapshot the
 * view keeps; valid until the next one). */
void nnb_confusion_view_get_series (NnbConfusionView *self, NnbConfusionSeries *series);
/* For tests: how many pixels of the picture, as drawn now, lie under the
 * Test Rows button: 0 when nothing runs under it. */
guint nnb_confusion_view_get_ink_under_button (NnbConfusionView *self);

G_END_DECLS
