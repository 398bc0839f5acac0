/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-plots-panel.h — the plots under the diagram: the data with the fitted
 * curve (and curves pinned for comparison), the loss, and the parameters'
 * norms over time; each reads out the value under the pointer. It draws
 * the snapshot it was last given; the window hands it the trainer's latest
 * on every frame. Built from data/ui/nnb-plots-panel.ui. */
#pragma once

#include <gtk/gtk.h>

#include "nnb-plot-axes.h"
#include "nnb-trainer.h"

G_BEGIN_DECLS

#define NNB_TYPE_PLOTS_PANEL (nnb_plots_panel_get_type ())
G_DECLARE_FINAL_TYPE (NnbPlotsPanel, nnb_plots_panel, NNB, PLOTS_PANEL, GtkWidget)

/* The training points (copied), for models with one input: x of shape
 * (n, 1) and y of shape (n, n_outputs), row by row, n_outputs the target
 * columns (a curve each; 0 counts as 1); n 0 for none. output_names (may
 * be NULL) holds the columns' n_outputs names; name labels the model's
 * curves in the legend. */
void nnb_plots_panel_set_data (NnbPlotsPanel *self, const float *x, const float *y, int n, int n_outputs,
                               const char *const *output_names, const char *name);
/* The held-out test rows (data.test_fraction), drawn as rings beside the
 * training points; x NULL for none; y has set_data's n_outputs columns.
 * Call after nnb_plots_panel_set_data. */
void nnb_plots_panel_set_test_data (NnbPlotsPanel *self, const float *x, const float *y, int n);
/* Class data with two inputs (nnb-dataset.h's n_classes; copied): the
 * data plot shows its points by class, test rows as rings, over the
 * model's decision boundary, with a Discretize button. NULL, or other
 * data, for set_data's plot. set_data forgets it: call it after. */
void nnb_plots_panel_set_class_data (NnbPlotsPanel *self, const NnbDataset *data);

/* Shows snapshot (may be NULL: nothing trained). Cheap: queues drawing. */
void nnb_plots_panel_take_snapshot (NnbPlotsPanel *self, NnbSnapshot *snapshot);

/* Keeps the current fitted curve on the data plot, labelled, while other
 * models train — the page's straight line beside SineNet. FALSE when there
 * is no curve to keep. */
gboolean nnb_plots_panel_pin_curve (NnbPlotsPanel *self, const char *label);
void nnb_plots_panel_clear_pinned (NnbPlotsPanel *self);

/* Draws again in the current style (presentation mode, dark style). */
void nnb_plots_panel_redraw (NnbPlotsPanel *self);

void nnb_plots_panel_set_loss_log_scale (NnbPlotsPanel *self, gboolean log_scale);

/* Compact (presentation mode): the data and the loss only, each wider. */
void nnb_plots_panel_set_compact (NnbPlotsPanel *self, gboolean compact);

/* The epochs of the snapshots the data and loss plots last drew (-1: none). */
void nnb_plots_panel_get_plotted_epochs (NnbPlotsPanel *self, int *data_epoch, int *loss_epoch);

/* For tests: how many pixels of the plots, as drawn now, lie under the
 * buttons over them (Clear Kept Curves, Log Scale, Gradients): 0 when no
 * title, curve or legend runs under a button. */
guint nnb_plots_panel_get_ink_under_buttons (NnbPlotsPanel *self);

/* For tests: how many times the data plot has drawn its layer under the
 * curves (frame, axes and points) anew rather than reusing it: not once
 * between frames that change only the fitted curve. */
guint nnb_plots_panel_get_data_layer_builds (NnbPlotsPanel *self);

/* The same drawings into any cairo_t (export to PNG, SVG, PDF, handouts). */
void nnb_plots_panel_draw_data (NnbPlotsPanel *self, cairo_t *cr, int width, int height, const NnbPlotStyle *style);
void nnb_plots_panel_draw_loss (NnbPlotsPanel *self, cairo_t *cr, int width, int height, const NnbPlotStyle *style);
void nnb_plots_panel_draw_norms (NnbPlotsPanel *self, cairo_t *cr, int width, int height, const NnbPlotStyle *style);

G_END_DECLS
