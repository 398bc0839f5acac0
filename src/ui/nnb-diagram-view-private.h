/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-diagram-view-private.h — what the diagram editor's files share: the
 * widget's state and the helpers one file defines and the others call.
 *   nnb-diagram-view.c      the widget: document, selection, drawing
 *   nnb-diagram-open.c      Sequentials opened in place, the layer chosen inside one
 *   nnb-diagram-geometry.c  the view (zoom, scroll, folding) and what lies under a point
 *   nnb-diagram-actions.c   the editor.* actions and the undo history
 *   nnb-diagram-code.c      a PyTorch code edit as one edit of the graph
 *   nnb-diagram-popovers.c  the block editor and the context menu
 *   nnb-diagram-input.c     pointer and keyboard
 *   nnb-diagram-view-weights.c  Linears drawn with their weights, and their read-out
 * Not installed, not for other widgets: they use nnb-diagram-view.h. */
#pragma once

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>

#include "nnb-diagram-view.h"
#include "nnb-diagram.h"
#include "nnb-presentation.h"

G_BEGIN_DECLS

#define PORT_RADIUS 9.0 /* pixels: how close the pointer must come to a port */
#define NUDGE 10.0      /* diagram units an arrow key moves a block */
#define STEP_X 160.0    /* where a new block goes after the selected one */
#define STEP_Y 100.0
#define MIN_ZOOM 0.2
#define MAX_ZOOM 4.0
#define MAX_UNDO 200

typedef enum
{
  DRAG_NONE,
  DRAG_MOVE,
  DRAG_WIRE,
  DRAG_BAND,
} DragKind;

struct _NnbDiagramView
{
  GtkDrawingArea parent_instance;

  NnbDocument *document;
  NnbGraph *graph; /* what the editor edits; block i is the model's node i */
  GPtrArray *undo; /* NnbGraph*: the states before each edit, oldest first */
  GPtrArray *redo;
  NnbNodeShape *shapes; /* one per node; NULL when not inferred */
  guint n_shapes;
  GArray *selected; /* gboolean per block */
  int focus;        /* the block with the keyboard focus, or -1 */
  int batch_size;   /* 0: the symbolic batch B */
  gboolean editable;
  gboolean applying; /* our own edit is rebuilding the document */
  char *message;
  double *activity;      /* per block, from the trainer's snapshot; NULL: none */
  GHashTable *expanded;  /* names of the Sequential blocks shown with their layers inside */
  gboolean open_column;  /* their layers in a column (a narrow canvas), not a row */
  int layer_node, layer; /* the layer chosen inside an expanded Sequential, or -1 */

  /* the view: fitted to the widget until the student zooms or scrolls */
  gboolean fit;
  gboolean fit_after_drag; /* a click or a drag is no zoom by hand */
  int fold;                /* rows the view folds the columns into; 1: none */
  gboolean fold_cards;     /* with room between the rows for a step's cards */
  double zoom, origin_x, origin_y;

  /* a pointer drag */
  DragKind drag;
  int drag_block;
  double drag_x, drag_y; /* where it started, diagram units */
  double pointer_x, pointer_y;
  GArray *drag_origins; /* NnbBlockPosition per block at the start */
  NnbGraph *drag_before;
  double pan_origin_x, pan_origin_y;

  /* the block editor and the context menu */
  GtkWidget *popover;
  GtkLabel *kind_label;
  GtkEntry *name_entry;
  GtkWidget *features_grid;
  GtkSpinButton *in_spin, *out_spin;
  GtkWidget *norm_grid; /* LayerNorm: normalized_shape and eps */
  GtkSpinButton *norm_spin;
  GtkEntry *eps_entry;
  GtkWidget *dropout_grid; /* Dropout: p, and why it depends on the mode */
  GtkEntry *p_entry;
  GtkWidget *bn_grid; /* BatchNorm1d: its constructor's arguments */
  GtkSpinButton *bn_features_spin;
  GtkEntry *bn_eps_entry;
  GtkEntry *bn_momentum_entry;
  GtkCheckButton *bn_none_check; /* momentum=None */
  GtkCheckButton *bn_affine_check;
  GtkCheckButton *bn_track_check;
  GtkWidget *cat_grid; /* cat: how many inputs */
  GtkSpinButton *cat_spin;
  GtkLabel *message_label;
  GtkButton *fix_button;
  GtkWidget *menu;
  int editing;       /* the block the popover edits */
  int editing_layer; /* and the layer inside it, or -1 for the block itself */

  /* the weights view (nnb-diagram-view-weights.c) */
  gboolean show_weights;
  NnbDiagramWeights *weights;    /* per block, for the frame being drawn; NULL when not shown */
  float *weight_values;          /* what weights point into */
  NnbSnapshot *weights_snapshot; /* the latest with values from the trainer, or NULL */
  gint64 weights_asked_us;       /* when values were last asked for */

  /* one training step's record shown for a stage (nnb-diagram-explain.h), or NULL */
  NnbStepExplain *explain;
  NnbExplainStage explain_stage;
};

/* nnb-diagram-view.c */
NnbModel *nnb_dv_shown_model (NnbDiagramView *self);
void nnb_dv_select_none (NnbDiagramView *self);
gboolean nnb_dv_is_selected (NnbDiagramView *self, int block);
void nnb_dv_set_selected (NnbDiagramView *self, int block, gboolean selected);
void nnb_dv_select_only (NnbDiagramView *self, int block);
int nnb_dv_target_block (NnbDiagramView *self);
void nnb_dv_say (NnbDiagramView *self, const char *message);
void nnb_dv_notify_history (NnbDiagramView *self);
void nnb_dv_update_accessible (NnbDiagramView *self);
void nnb_dv_update_actions (NnbDiagramView *self);
void nnb_dv_update_state (NnbDiagramView *self);

/* nnb-diagram-open.c */
/* Per block: shown with its layers inside (g_free it). */
NnbDiagramOpen *nnb_dv_expanded (NnbDiagramView *self);
/* The disclosure triangle (child -1) or the layer of an expanded
 * Sequential under a diagram point: the block, or -1. */
int nnb_dv_layer_at (NnbDiagramView *self, double dx, double dy, int *child);
void nnb_dv_choose_layer (NnbDiagramView *self, int block, int child);
/* ", open, layers: 0 Linear → (B, 64); …" for an open Sequential */
void nnb_dv_describe_layers (NnbDiagramView *self, int block, GString *out);

/* nnb-diagram-geometry.c */
GArray *nnb_dv_positions (NnbDiagramView *self);
void nnb_dv_bake_fold (NnbDiagramView *self);
void nnb_dv_transform (NnbDiagramView *self, double *zoom, double *origin_x, double *origin_y);
void nnb_dv_freeze_view (NnbDiagramView *self);
void nnb_dv_to_diagram (NnbDiagramView *self, double wx, double wy, double *dx, double *dy);
void nnb_dv_to_widget (NnbDiagramView *self, double dx, double dy, double *wx, double *wy);
int nnb_dv_block_at (NnbDiagramView *self, double dx, double dy);
int nnb_dv_port_at (NnbDiagramView *self, double dx, double dy, gboolean inputs, int *slot_out);

/* nnb-diagram-actions.c */
gboolean nnb_dv_commit (NnbDiagramView *self, NnbGraph *before, GError *refusal);
NnbGraph *nnb_dv_begin (NnbDiagramView *self);
gboolean nnb_dv_connect_blocks (NnbDiagramView *self, int from, int to, int slot);
/* What the wire brings into block (layer -1 or 0) or into a layer inside
 * its Sequential: the last dimension, or 0 when unknown. */
int64_t nnb_dv_incoming_features (NnbDiagramView *self, int block, int layer);
/* The layer chosen inside block (an open Sequential), or -1. */
int nnb_dv_target_layer (NnbDiagramView *self, int block);
void nnb_dv_zoom_by (NnbDiagramView *self, double factor, double wx, double wy);

/* nnb-diagram-popovers.c */
void nnb_dv_open_block_editor (NnbDiagramView *self, int block);
/* The editor of one layer inside an open Sequential (layer -1: the block). */
void nnb_dv_open_layer_editor (NnbDiagramView *self, int block, int layer);
void nnb_dv_edit_action (GtkWidget *widget, const char *name, GVariant *parameter);
void nnb_dv_build_block_editor (NnbDiagramView *self);
void nnb_dv_build_menu (NnbDiagramView *self);
void nnb_dv_popup_menu_at (NnbDiagramView *self, double x, double y);
void nnb_dv_menu_action (GtkWidget *widget, const char *name, GVariant *parameter);

/* nnb-diagram-view-weights.c */
gboolean nnb_dv_is_linear_block (NnbDiagramView *self, guint block);
/* Fills self->weights for the frame about to be drawn (nothing when not shown). */
void nnb_dv_update_weights (NnbDiagramView *self);
void nnb_dv_weights_follow_snapshot (NnbDiagramView *self, NnbSnapshot *snapshot);
void nnb_dv_set_show_weights (NnbDiagramView *self, gboolean show);
void nnb_dv_weights_class_init (GtkWidgetClass *widget_class);
void nnb_dv_weights_init (NnbDiagramView *self);
void nnb_dv_weights_dispose (NnbDiagramView *self);

/* nnb-diagram-actions.c: installs the editor.* actions. */
void nnb_dv_actions_class_init (GtkWidgetClass *widget_class);
/* nnb-diagram-input.c: key bindings, and the gestures of one view. */
void nnb_dv_input_class_init (GtkWidgetClass *widget_class);
void nnb_dv_input_init (NnbDiagramView *self);

G_END_DECLS
