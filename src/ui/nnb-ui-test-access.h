/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-ui-test-access.h — what the UI tests look at: accessors that show a
 * widget's state and that the app itself never needs, kept out of the
 * widgets' public headers. Only tests/ui includes this file. */
#pragma once

#include "nnb-autosave.h"
#include "nnb-block-palette.h"
#include "nnb-device-race-dialog.h"
#include "nnb-diagram-view.h"
#include "nnb-lesson-panel.h"
#include "nnb-parameter-view.h"
#include "nnb-plot-loss.h"
#include "nnb-plots-panel.h"
#include "nnb-window.h"

G_BEGIN_DECLS

/* nnb-autosave */
/* The copy's path, or NULL while there is none. */
const char *nnb_autosave_get_path (NnbAutosave *self);

/* nnb-block-palette */
/* The button that adds blocks of kind ("Linear"), for tests. */
GtkWidget *nnb_block_palette_get_button (NnbBlockPalette *self, const char *kind);

/* nnb-device-race-dialog */
gboolean nnb_device_race_dialog_is_running (NnbDeviceRaceDialog *self);
/* The rows plotted so far (NnbRaceRow *), owned by the window. */
GPtrArray *nnb_device_race_dialog_get_rows (NnbDeviceRaceDialog *self);

/* nnb-diagram-view */
/* The wire's shape out of a block as shown: "(B, 16)", "(5, 16)", or NULL. */
char *nnb_diagram_view_get_block_shape (NnbDiagramView *self, int block);
/* The last refused edit's message (also shown as a toast), or NULL. */
const char *nnb_diagram_view_get_message (NnbDiagramView *self);
/* The rectangle of layer `child` inside an expanded Sequential (child -1:
 * its disclosure triangle), in widget coordinates; FALSE when not shown. */
gboolean nnb_diagram_view_get_layer_rect (NnbDiagramView *self, int block, int child, double rect[4]);
/* The shape after each layer of a Sequential block, as its wires show
 * them ("(B, 64)"; "" where unknown). */
GStrv nnb_diagram_view_get_layer_shapes (NnbDiagramView *self, int block);
/* The shapes drawn on the wires between those layers (NnbDiagramLabel:
 * text, and the bottom centre in widget coordinates). */
GPtrArray *nnb_diagram_view_get_layer_labels (NnbDiagramView *self, int block);
/* With the weights shown: what the pointer's tooltip says at widget point
 * (x, y) ("0.weight[2, 0] = −1.20", "h₁ = …"), or NULL; and where dot k of
 * a Linear block's inputs (or outputs) is, in widget coordinates. */
char *nnb_diagram_view_get_weights_readout (NnbDiagramView *self, double x, double y);
gboolean nnb_diagram_view_get_weight_dot (NnbDiagramView *self, int block, gboolean output, int k, double *x,
                                          double *y);

/* nnb-lesson-panel */
/* TRUE while "Show me" waits for training to end. */
gboolean nnb_lesson_panel_is_busy (NnbLessonPanel *self);
/* Whether the step's checks have passed (now or in an earlier run). */
gboolean nnb_lesson_panel_step_passed (NnbLessonPanel *self, guint step);
/* What the panel shows now, for tests: the printout of the last Show me
 * and the result of the last Check ("" when none). */
const char *nnb_lesson_panel_get_output (NnbLessonPanel *self);
const char *nnb_lesson_panel_get_result (NnbLessonPanel *self);

/* nnb-parameter-view */
/* The rows as shown, every module expanded: GtkTreeListRow items. */
GListModel *nnb_parameter_view_get_rows (NnbParameterView *self);
/* len(model.state_dict()) and its tensors' elements, as the page counts
 * them; and the line that says so (NULL while hidden: no buffers). */
void nnb_parameter_view_get_state_dict (NnbParameterView *self, guint *n_entries, gint64 *n_values);
const char *nnb_parameter_view_get_state_text (NnbParameterView *self);

/* nnb-plots-panel */
guint nnb_plots_panel_get_n_pinned (NnbPlotsPanel *self);
/* How many outputs kept curve i keeps (the model's, 1 or more), or 0 when
 * there is no curve i. */
int nnb_plots_panel_get_pinned_outputs (NnbPlotsPanel *self, guint i);
/* The data points shown (their count and their y values, n of them), and
 * a number that grows each time they are replaced. */
int nnb_plots_panel_get_n_data (NnbPlotsPanel *self);
const float *nnb_plots_panel_get_data_y (NnbPlotsPanel *self);
guint nnb_plots_panel_get_data_serial (NnbPlotsPanel *self);
/* Points in the norms plot's history (so tests see it grow). */
guint nnb_plots_panel_get_n_norm_points (NnbPlotsPanel *self);
/* The loss plot's series as the panel draws it: pointers into the
 * snapshot it shows, valid until the next one. */
void nnb_plots_panel_get_loss_series (NnbPlotsPanel *self, NnbLossSeries *series);

/* nnb-window */
/* The lesson pane's panel (its lesson.* actions drive it). */
NnbLessonPanel *nnb_window_get_lesson_panel (NnbWindow *self);
/* The epochs of the snapshots the data and loss plots last drew (-1:
 * none), so tests can see that drawing keeps up with training. */
void nnb_window_get_plotted_epochs (NnbWindow *self, int *data_epoch, int *loss_epoch);

G_END_DECLS
