/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-diagram-view.c — the diagram editor on screen: the document's model
 * shown as a graph of blocks, the selection and the picture. The view (zoom
 * and scroll) and hit tests are in nnb-diagram-geometry.c, edits come from
 * nnb-diagram-actions.c, pointer and keyboard from nnb-diagram-input.c, the
 * popovers from nnb-diagram-popovers.c. */
#include "nnb-config.h"

#include "nnb-diagram-picture.h"
#include "nnb-diagram-view-private.h"
#include "nnb-ui-test-access.h" /* defines some of these */

G_DEFINE_FINAL_TYPE (NnbDiagramView, nnb_diagram_view, GTK_TYPE_DRAWING_AREA)

enum
{
  PROP_0,
  PROP_CAN_UNDO,
  PROP_CAN_REDO,
  PROP_BATCH_SIZE,
  PROP_EDITABLE,
  PROP_SHOW_WEIGHTS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  SELECTION_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

void
nnb_plot_style_for_widget (GtkWidget *widget, NnbPlotStyle *style)
{
  PangoContext *context = gtk_widget_get_pango_context (widget);
  const PangoFontDescription *font = pango_context_get_font_description (context);
  double size = pango_font_description_get_size (font) / (double) PANGO_SCALE;
  AdwStyleManager *manager = adw_style_manager_get_default ();
  GdkRGBA color;

  memset (style, 0, sizeof *style);

  /* Sizes follow the widget's CSS font, so presentation mode (style.css)
   * enlarges the plots' type and lines with everything else. */
  if (!pango_font_description_get_size_is_absolute (font))
    size *= 96.0 / 72.0; /* points to pixels, at GTK's reference resolution */
  if (size <= 0)
    size = 14.0;

  style->font_family = pango_font_description_get_family (font);

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &color);
  style->foreground[0] = color.red;
  style->foreground[1] = color.green;
  style->foreground[2] = color.blue;
  style->foreground[3] = color.alpha;
  style->font_size = size;
  style->line_width = MAX (1.0, size / 10.0);

  /* libadwaita 1.2's accent blue, lighter on dark backgrounds where the
   * darker one would be hard to see. */
  if (adw_style_manager_get_dark (manager))
    {
      style->accent[0] = 0.47, style->accent[1] = 0.68, style->accent[2] = 0.93;
      style->background[0] = 0.12, style->background[1] = 0.12, style->background[2] = 0.12;
    }
  else
    {
      style->accent[0] = 0.11, style->accent[1] = 0.44, style->accent[2] = 0.85;
      style->background[0] = 1, style->background[1] = 1, style->background[2] = 1;
    }
  style->accent[3] = 1.0;
  /* On screen the widget's own background shows; only blocks use this. */
  style->background[3] = 0.0;

  if (nnb_presentation_is_active (widget))
    nnb_plot_style_apply_presentation (style, adw_style_manager_get_dark (manager),
                                       adw_style_manager_get_high_contrast (manager));
}

GtkWidget *
nnb_diagram_view_new (void)
{
  return g_object_new (NNB_TYPE_DIAGRAM_VIEW, NULL);
}

/* The model drawn: the document's, which each edit rebuilds from the graph. */
NnbModel *
nnb_dv_shown_model (NnbDiagramView *self)
{
  NnbModel *model;

  if (self->document == NULL || self->graph == NULL)
    return NULL;
  model = nnb_document_get_project (self->document)->model;
  /* never draw a graph against a model of another structure */
  return model->nodes->len == self->graph->blocks->len ? model : NULL;
}

static void
clear_shapes (NnbDiagramView *self)
{
  if (self->shapes != NULL)
    nnb_node_shapes_free (self->shapes, self->n_shapes);
  self->shapes = NULL;
  self->n_shapes = 0;
}

static void
infer_shapes (NnbDiagramView *self)
{
  NnbModel *model = nnb_dv_shown_model (self);

  clear_shapes (self);
  if (model == NULL)
    return;
  /* the input is the data, (B, F): a first Linear made for other features
   * turns red with PyTorch's message and its one-click fix; the exported
   * picture infers them alike (nnb-diagram-picture.h) */
  self->shapes = nnb_diagram_infer_shapes (model, nnb_document_get_dataset (self->document), self->batch_size);
  self->n_shapes = model->nodes->len;
}

/* Selection */

void
nnb_dv_select_none (NnbDiagramView *self)
{
  guint n = self->graph != NULL ? self->graph->blocks->len : 0;

  g_array_set_size (self->selected, 0);
  g_array_set_size (self->selected, n);
  self->layer_node = self->layer = -1;
}

gboolean
nnb_dv_is_selected (NnbDiagramView *self, int block)
{
  return block >= 0 && (guint) block < self->selected->len && g_array_index (self->selected, gboolean, block);
}

void
nnb_dv_set_selected (NnbDiagramView *self, int block, gboolean selected)
{
  if (block >= 0 && (guint) block < self->selected->len)
    g_array_index (self->selected, gboolean, block) = selected;
}

void
nnb_dv_select_only (NnbDiagramView *self, int block)
{
  nnb_dv_select_none (self);
  nnb_dv_set_selected (self, block, TRUE);
  self->focus = block;
}

GArray *
nnb_diagram_view_get_selection (NnbDiagramView *self)
{
  GArray *blocks = g_array_new (FALSE, FALSE, sizeof (int));

  g_return_val_if_fail (NNB_IS_DIAGRAM_VIEW (self), blocks);
  for (guint i = 0; i < self->selected->len; i++)
    if (g_array_index (self->selected, gboolean, i))
      {
        int block = i;
        g_array_append_val (blocks, block);
      }
  return blocks;
}

/* The one block an action on "the block" acts on: the only selected one,
 * or the focused one. */
int
nnb_dv_target_block (NnbDiagramView *self)
{
  int found = -1, count = 0;

  for (guint i = 0; i < self->selected->len; i++)
    if (g_array_index (self->selected, gboolean, i))
      found = i, count++;
  if (count == 1)
    return found;
  if (count == 0 && self->graph != NULL && self->focus >= 0 && (guint) self->focus < self->graph->blocks->len)
    return self->focus;
  return -1;
}

/* Messages */

void
nnb_dv_say (NnbDiagramView *self, const char *message)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  g_free (self->message);
  self->message = g_strdup (message);
  if (overlay != NULL)
    {
      AdwToast *toast = adw_toast_new (message);

      adw_toast_set_timeout (toast, 6);
      adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
    }
}

void
nnb_dv_notify_history (NnbDiagramView *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_UNDO]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_REDO]);
}
/* After every change: shapes, actions, accessible text, the picture. */
void
nnb_dv_update_accessible (NnbDiagramView *self)
{
  g_autoptr (GString) text = g_string_new (NULL);

  if (self->graph != NULL && self->focus >= 0 && (guint) self->focus < self->graph->blocks->len)
    {
      g_autofree char *focused = nnb_diagram_view_describe_block (self, self->focus);
      g_string_append_printf (text, "%s. ", focused);
    }
  if (self->graph != NULL)
    for (guint i = 0; i < self->graph->blocks->len; i++)
      {
        g_autofree char *block = nnb_diagram_view_describe_block (self, i);
        g_string_append_printf (text, "%s%s", i > 0 ? "; " : "", block);
      }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text->str, -1);
}

void
nnb_dv_update_actions (NnbDiagramView *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean editing = self->graph != NULL && self->editable;
  gboolean has_blocks = editing && self->graph->blocks->len > 0;
  int target = nnb_dv_target_block (self);
  NnbGraphModule *module = editing && target >= 0 ? nnb_graph_block_module (self->graph, target) : NULL;
  NnbGraphModule *shown = self->graph != NULL && target >= 0 ? nnb_graph_block_module (self->graph, target) : NULL;
  gboolean sequential = shown != NULL && shown->kind == NNB_MODULE_SEQUENTIAL && shown->children->len > 0;
  NnbGraphModule *fixable;
  static const char *const editing_actions[] = {
    "editor.add-block",
    "editor.add-block-at",
    "editor.connect",
    "editor.disconnect",
    "editor.rename",
    "editor.set-features",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (editing_actions); i++)
    gtk_widget_action_set_enabled (widget, editing_actions[i], editing);
  gtk_widget_action_set_enabled (widget, "editor.undo", editing && self->undo->len > 0);
  gtk_widget_action_set_enabled (widget, "editor.redo", editing && self->redo->len > 0);
  gtk_widget_action_set_enabled (widget, "editor.delete", has_blocks);
  gtk_widget_action_set_enabled (widget, "editor.select-all", has_blocks);
  gtk_widget_action_set_enabled (widget, "editor.duplicate", editing && target >= 0);
  gtk_widget_action_set_enabled (widget, "editor.call-again", module != NULL);
  gtk_widget_action_set_enabled (widget, "editor.group", has_blocks);
  gtk_widget_action_set_enabled (widget, "editor.ungroup", module != NULL && module->kind == NNB_MODULE_SEQUENTIAL);
  /* viewing, not editing: a running model's Sequentials open too */
  gtk_widget_action_set_enabled (widget, "editor.expand", sequential && !nnb_diagram_view_get_expanded (self, target));
  gtk_widget_action_set_enabled (widget, "editor.collapse", sequential && nnb_diagram_view_get_expanded (self, target));
  fixable = editing && target >= 0 ? nnb_graph_block_child (self->graph, target, nnb_dv_target_layer (self, target)) : NULL;
  gtk_widget_action_set_enabled (widget, "editor.fix-in-features",
                                 fixable != NULL && (fixable->kind == NNB_MODULE_LINEAR || fixable->kind == NNB_MODULE_LAYER_NORM ||
                                                     fixable->kind == NNB_MODULE_BATCH_NORM));
  gtk_widget_action_set_enabled (widget, "editor.edit", editing && target >= 0);
  gtk_widget_action_set_enabled (widget, "editor.layout", has_blocks);
  /* every path that changes the selection ends here */
  g_signal_emit (self, signals[SELECTION_CHANGED], 0);
}

void
nnb_dv_update_state (NnbDiagramView *self)
{
  if (self->graph != NULL && self->selected->len != self->graph->blocks->len)
    g_array_set_size (self->selected, self->graph->blocks->len);
  if (self->graph == NULL || self->focus >= (int) self->graph->blocks->len)
    self->focus = -1;
  /* an edit may have removed the chosen layer or its Sequential */
  if (self->layer_node >= 0 && (self->graph == NULL || nnb_graph_block_child (self->graph, self->layer_node, self->layer) == NULL ||
                                !nnb_diagram_view_get_expanded (self, self->layer_node)))
    self->layer_node = self->layer = -1;
  g_clear_pointer (&self->activity, g_free);
  infer_shapes (self);
  nnb_dv_update_actions (self);
  nnb_dv_update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* The document */

void
nnb_diagram_view_set_document (NnbDiagramView *self, NnbDocument *document)
{
  NnbProject *project;
  g_autoptr (NnbGraph) old = NULL;

  g_return_if_fail (NNB_IS_DIAGRAM_VIEW (self));

  /* our own edit's ::rebuilt: the graph is already what the model shows */
  if (document != NULL && document == self->document && self->applying)
    return;

  if (document != self->document)
    {
      g_ptr_array_set_size (self->undo, 0);
      g_ptr_array_set_size (self->redo, 0);
      self->fit = TRUE;
      self->focus = -1;
      /* another project: its Sequentials start closed */
      g_hash_table_remove_all (self->expanded);
      nnb_dv_notify_history (self);
    }
  g_set_object (&self->document, document);
  old = g_steal_pointer (&self->graph);
  if (document != NULL)
    {
      project = nnb_document_get_project (document);
      self->graph = nnb_graph_from_model (project->model,
                                          project->positions != NULL ? (const NnbBlockPosition *) project->positions->data : NULL,
                                          project->positions != NULL ? project->positions->len : 0);
    }
  /* Another model put into the same document (a lesson's step) is shown
   * whole, like a new document; new weights (a reset) leave the view be. */
  if (old != NULL && self->graph != NULL && !nnb_graph_equal (old, self->graph))
    self->fit = TRUE;
  nnb_dv_select_none (self);
  nnb_dv_update_state (self);
}

void
nnb_diagram_view_select_module (NnbDiagramView *self, const char *module)
{
  g_return_if_fail (NNB_IS_DIAGRAM_VIEW (self));

  if (self->graph == NULL)
    return;
  nnb_dv_select_none (self);
  self->focus = -1;
  for (guint i = 0; i < self->graph->blocks->len; i++)
    {
      NnbGraphBlock *block = nnb_graph_get_block (self->graph, i);

      if (block->kind == NNB_NODE_CALL && g_strcmp0 (block->module, module) == 0)
        {
          nnb_dv_set_selected (self, i, TRUE);
          if (self->focus < 0)
            self->focus = i;
        }
    }
  nnb_dv_update_actions (self);
  nnb_dv_update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const NnbGraph *
nnb_diagram_view_get_graph (NnbDiagramView *self)
{
  g_return_val_if_fail (NNB_IS_DIAGRAM_VIEW (self), NULL);
  return self->graph;
}

const char *
nnb_diagram_view_get_block_error (NnbDiagramView *self, int block)
{
  g_return_val_if_fail (NNB_IS_DIAGRAM_VIEW (self), NULL);
  if (self->shapes == NULL || block < 0 || (guint) block >= self->n_shapes)
    return NULL;
  return self->shapes[block].error;
}

char *
nnb_diagram_view_get_block_shape (NnbDiagramView *self, int block)
{
  g_return_val_if_fail (NNB_IS_DIAGRAM_VIEW (self), NULL);
  if (self->shapes == NULL || block < 0 || (guint) block >= self->n_shapes || self->shapes[block].ndim == 0)
    return NULL;
  return nnb_shape_to_string (self->shapes[block].ndim, self->shapes[block].shape);
}

const char *
nnb_diagram_view_get_message (NnbDiagramView *self)
{
  g_return_val_if_fail (NNB_IS_DIAGRAM_VIEW (self), NULL);
  return self->message;
}

gboolean
nnb_diagram_view_block_point (NnbDiagramView *self, int block, int slot, double *x, double *y)
{
  NnbModel *model;
  g_autoptr (GArray) where = NULL;
  g_autofree NnbDiagramOpen *expanded = NULL;
  double dx, dy;

  g_return_val_if_fail (NNB_IS_DIAGRAM_VIEW (self), FALSE);
  model = nnb_dv_shown_model (self);
  if (model == NULL || block < 0 || (guint) block >= model->nodes->len)
    return FALSE;
  where = nnb_dv_positions (self);
  expanded = nnb_dv_expanded (self);
  if (slot == -2)
    {
      double r[4];

      nnb_diagram_block_rect (model, (const NnbBlockPosition *) where->data, expanded, block, r);
      dx = r[0] + r[2] / 2, dy = r[1] + r[3] / 2;
    }
  else
    nnb_diagram_port (model, (const NnbBlockPosition *) where->data, expanded, block, slot, &dx, &dy);
  nnb_dv_to_widget (self, dx, dy, x, y);
  return TRUE;
}

gboolean
nnb_diagram_view_get_block_rect (NnbDiagramView *self, int block, double rect[4])
{
  return nnb_diagram_view_get_layer_rect (self, block, -2, rect);
}

void
nnb_diagram_view_get_text_sizes (NnbDiagramView *self, double *block_px, double *label_px)
{
  NnbPlotStyle style;
  double zoom, ox, oy;

  g_return_if_fail (NNB_IS_DIAGRAM_VIEW (self));
  nnb_plot_style_for_widget (GTK_WIDGET (self), &style);
  nnb_dv_transform (self, &zoom, &ox, &oy);
  *block_px = nnb_diagram_text_size () * zoom;
  *label_px = nnb_diagram_label_size (&style, zoom) * zoom;
}

char *
nnb_diagram_view_describe_block (NnbDiagramView *self, int block)
{
  NnbModel *model = nnb_dv_shown_model (self);
  NnbGraphBlock *b;
  g_autofree char *text = NULL;
  g_autoptr (GString) out = g_string_new (NULL);

  g_return_val_if_fail (NNB_IS_DIAGRAM_VIEW (self), NULL);
  if (model == NULL || block < 0 || (guint) block >= model->nodes->len)
    return g_strdup ("");
  b = nnb_graph_get_block (self->graph, block);
  text = nnb_diagram_node_text (model, block);
  g_string_append (out, text);
  for (int s = 0; s < b->n_inputs; s++)
    {
      g_autofree char *shape = b->inputs[s] >= 0 ? nnb_diagram_view_get_block_shape (self, b->inputs[s]) : NULL;

      if (b->inputs[s] < 0)
        /* Translators: a block's input slot with no wire, read by a screen reader */
        g_string_append_printf (out, _(", input %d not connected"), s + 1);
      else
        /* Translators: a block's input, read by a screen reader: "from fc1, shape (B, 16)" */
        g_string_append_printf (out, _(", input from %s, shape %s"),
                                nnb_graph_get_block (self->graph, b->inputs[s])->name, shape != NULL ? shape : "?");
    }
  {
    g_autofree char *shape = nnb_diagram_view_get_block_shape (self, block);
    const char *error = nnb_diagram_view_get_block_error (self, block);

    if (error != NULL)
      /* Translators: a block's shape error, read by a screen reader */
      g_string_append_printf (out, _(", error: %s"), error);
    else if (shape != NULL && b->kind != NNB_NODE_OUTPUT)
      /* Translators: a block's output shape, read by a screen reader */
      g_string_append_printf (out, _(", output shape %s"), shape);
  }
  /* an open Sequential: what its inner wires show */
  nnb_dv_describe_layers (self, block, out);
  /* and what the step being explained shows on it */
  {
    g_autofree char *explain = nnb_diagram_view_describe_explain (self, block);

    if (explain != NULL)
      g_strdelimit (explain, "\n", ';'), g_string_append_printf (out, ". %s", explain);
  }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

void
nnb_diagram_view_set_explain (NnbDiagramView *self, NnbStepExplain *explain, NnbExplainStage stage)
{
  g_return_if_fail (NNB_IS_DIAGRAM_VIEW (self));
  g_return_if_fail (stage >= 0 && stage < NNB_EXPLAIN_N_STAGES);

  if (explain != NULL)
    nnb_step_explain_ref (explain);
  g_clear_pointer (&self->explain, nnb_step_explain_unref);
  self->explain = explain;
  self->explain_stage = stage;
  nnb_dv_update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

char *
nnb_diagram_view_describe_explain (NnbDiagramView *self, int block)
{
  g_return_val_if_fail (NNB_IS_DIAGRAM_VIEW (self), NULL);
  if (self->explain == NULL)
    return NULL;
  return nnb_diagram_explain_describe (nnb_dv_shown_model (self), self->explain, self->explain_stage, block);
}

void
nnb_diagram_view_set_editable (NnbDiagramView *self, gboolean editable)
{
  g_return_if_fail (NNB_IS_DIAGRAM_VIEW (self));

  editable = !!editable;
  if (self->editable == editable)
    return;
  self->editable = editable;
  if (!editable)
    {
      if (self->popover != NULL)
        gtk_popover_popdown (GTK_POPOVER (self->popover));
      if (self->menu != NULL)
        gtk_popover_popdown (GTK_POPOVER (self->menu));
    }
  nnb_dv_update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EDITABLE]);
}

/* Activity: how strongly each block's parameters moved in the last step,
 * carried along blocks without parameters, 0…1 over the model. */
void
nnb_diagram_view_set_snapshot (NnbDiagramView *self, NnbSnapshot *snapshot)
{
  g_autofree double *previous = NULL;
  gboolean changed = FALSE;
  guint n;
  double top = 0;

  g_return_if_fail (NNB_IS_DIAGRAM_VIEW (self));

  nnb_dv_weights_follow_snapshot (self, snapshot);
  previous = g_steal_pointer (&self->activity);
  if (snapshot == NULL || snapshot->parameters == NULL || self->graph == NULL || snapshot->epoch == 0)
    {
      if (previous != NULL)
        gtk_widget_queue_draw (GTK_WIDGET (self));
      return;
    }
  n = self->graph->blocks->len;
  self->activity = g_new0 (double, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      NnbGraphBlock *block = nnb_graph_get_block (self->graph, i);
      g_autofree char *prefix = NULL;

      if (block->kind != NNB_NODE_CALL)
        continue;
      prefix = g_strconcat (block->module, ".", NULL);
      for (guint p = 0; p < snapshot->parameters->len; p++)
        {
          NnbParameterStats *stats = &g_array_index (snapshot->parameters, NnbParameterStats, p);
          if (g_str_has_prefix (stats->name, prefix) && isfinite (stats->grad_norm))
            self->activity[i] += stats->grad_norm;
        }
    }
  /* a ReLU or a + carries what flows into it */
  for (guint pass = 0; pass < n; pass++)
    for (guint i = 0; i < n; i++)
      {
        NnbGraphBlock *block = nnb_graph_get_block (self->graph, i);
        NnbGraphModule *module = nnb_graph_block_module (self->graph, i);

        /* a block with parameters shows its own gradients */
        if (module != NULL && (module->kind == NNB_MODULE_LINEAR || module->kind == NNB_MODULE_SEQUENTIAL ||
                               (module->kind == NNB_MODULE_LAYER_NORM && module->elementwise_affine) ||
                               (module->kind == NNB_MODULE_BATCH_NORM && module->affine)))
          continue;
        for (int s = 0; s < block->n_inputs; s++)
          if (block->inputs[s] >= 0)
            self->activity[i] = MAX (self->activity[i], self->activity[block->inputs[s]]);
      }
  for (guint i = 0; i < n; i++)
    top = MAX (top, self->activity[i]);
  for (guint i = 0; i < n; i++)
    {
      self->activity[i] = top > 0 ? self->activity[i] / top : 0;
      /* a change too small to see costs the frame nothing */
      if (previous == NULL || fabs (self->activity[i] - previous[i]) > 0.05)
        changed = TRUE;
    }
  if (changed)
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Drawing */

void
nnb_diagram_view_draw_to (NnbDiagramView *self, cairo_t *cr, int width, int height,
                          const NnbPlotStyle *style)
{
  NnbModel *model;
  g_autoptr (GArray) where = NULL;
  g_autofree NnbDiagramOpen *expanded = NULL;

  g_return_if_fail (NNB_IS_DIAGRAM_VIEW (self));

  model = nnb_dv_shown_model (self);
  if (model == NULL)
    return;
  /* the project's layout: a picture has its own size, and the view's
   * folding is for the canvas only; the Sequentials open as on screen,
   * nothing else of the editor's (as nnblocks-cli draws it) */
  where = nnb_graph_positions (self->graph);
  expanded = nnb_dv_expanded (self);
  nnb_dv_update_weights (self);
  if (self->explain != NULL)
    {
      /* a step's stage (a handout's page): fitted with room for its cards */
      NnbDiagramState state = { .focus = -1, .layer_node = -1, .layer = -1, .expanded = expanded, .weights = self->weights };

      nnb_diagram_explain_fit (width, height, model, (const NnbBlockPosition *) where->data, expanded, self->explain,
                               style, style->font_size / 14.0, &state.zoom, &state.origin_x, &state.origin_y);
      nnb_diagram_draw_state (cr, width, height, model, (const NnbBlockPosition *) where->data, self->shapes, style,
                              &state);
      nnb_diagram_explain_draw (cr, model, (const NnbBlockPosition *) where->data, expanded, state.zoom,
                                state.origin_x, state.origin_y, self->explain, self->explain_stage,
                                nnb_dv_target_block (self), style);
      return;
    }
  nnb_diagram_draw_picture (cr, width, height, model, (const NnbBlockPosition *) where->data, self->shapes, expanded,
                            self->weights, style);
}

static void
draw_cb (GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer user_data)
{
  NnbDiagramView *self = NNB_DIAGRAM_VIEW (area);
  NnbModel *model = nnb_dv_shown_model (self);
  g_autoptr (GArray) where = NULL;
  NnbDiagramState state = { 0 };
  g_autofree NnbDiagramOpen *expanded = NULL;
  NnbPlotStyle style;

  nnb_plot_style_for_widget (GTK_WIDGET (area), &style);
  /* The diagram paints the view's background itself: blocks need an
   * opaque base of that colour over the wires behind them. */
  style.background[3] = 1.0;
  if (model == NULL)
    return;

  if (model->nodes->len == 0)
    {
      g_autoptr (PangoLayout) layout =
        gtk_widget_create_pango_layout (GTK_WIDGET (area), _("Drag blocks here from the palette, or click one to add it"));
      int w, h;

      cairo_set_source_rgba (cr, style.background[0], style.background[1], style.background[2], 1);
      cairo_paint (cr);
      pango_layout_get_pixel_size (layout, &w, &h);
      cairo_set_source_rgba (cr, style.foreground[0], style.foreground[1], style.foreground[2], 0.55);
      cairo_move_to (cr, (width - w) / 2.0, (height - h) / 2.0);
      pango_cairo_show_layout (cr, layout);
      return;
    }

  where = nnb_dv_positions (self);
  state.expanded = expanded = nnb_dv_expanded (self);
  state.show_disclosures = TRUE;
  state.layer_node = self->layer_node, state.layer = self->layer;
  nnb_dv_transform (self, &state.zoom, &state.origin_x, &state.origin_y);
  state.selected = (const gboolean *) self->selected->data;
  state.focus = gtk_widget_has_focus (GTK_WIDGET (self)) ? self->focus : -1;
  state.show_ports = self->editable;
  state.activity = self->activity;
  nnb_dv_update_weights (self);
  state.weights = self->weights;
  if (self->drag == DRAG_WIRE)
    {
      state.pending_wire = TRUE;
      nnb_diagram_port (model, (const NnbBlockPosition *) where->data, expanded, self->drag_block, -1,
                        &state.wire_x0, &state.wire_y0);
      state.wire_x1 = self->pointer_x, state.wire_y1 = self->pointer_y;
    }
  else if (self->drag == DRAG_BAND)
    {
      state.band = TRUE;
      state.band_x0 = self->drag_x, state.band_y0 = self->drag_y;
      state.band_x1 = self->pointer_x, state.band_y1 = self->pointer_y;
    }
  nnb_diagram_draw_state (cr, width, height, model, (const NnbBlockPosition *) where->data,
                          self->shapes, &style, &state);
  /* on a small canvas, the card of the block the student chose */
  nnb_diagram_explain_draw (cr, model, (const NnbBlockPosition *) where->data, expanded, state.zoom, state.origin_x,
                            state.origin_y, self->explain, self->explain_stage, nnb_dv_target_block (self), &style);
}

/* GObject */

static void
nnb_diagram_view_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  NnbDiagramView *self = NNB_DIAGRAM_VIEW (widget);

  GTK_WIDGET_CLASS (nnb_diagram_view_parent_class)->size_allocate (widget, width, height, baseline);
  if (self->popover != NULL)
    gtk_popover_present (GTK_POPOVER (self->popover));
  if (self->menu != NULL)
    gtk_popover_present (GTK_POPOVER (self->menu));
}

static void
nnb_diagram_view_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  NnbDiagramView *self = NNB_DIAGRAM_VIEW (object);

  switch (prop_id)
    {
    case PROP_CAN_UNDO:
      g_value_set_boolean (value, self->undo->len > 0);
      break;
    case PROP_CAN_REDO:
      g_value_set_boolean (value, self->redo->len > 0);
      break;
    case PROP_BATCH_SIZE:
      g_value_set_int (value, self->batch_size);
      break;
    case PROP_EDITABLE:
      g_value_set_boolean (value, self->editable);
      break;
    case PROP_SHOW_WEIGHTS:
      g_value_set_boolean (value, self->show_weights);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nnb_diagram_view_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  NnbDiagramView *self = NNB_DIAGRAM_VIEW (object);

  switch (prop_id)
    {
    case PROP_BATCH_SIZE:
      if (self->batch_size != g_value_get_int (value))
        {
          self->batch_size = g_value_get_int (value);
          nnb_dv_update_state (self);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_EDITABLE:
      nnb_diagram_view_set_editable (self, g_value_get_boolean (value));
      break;
    case PROP_SHOW_WEIGHTS:
      if (self->show_weights != g_value_get_boolean (value))
        {
          nnb_dv_set_show_weights (self, g_value_get_boolean (value));
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nnb_diagram_view_dispose (GObject *object)
{
  NnbDiagramView *self = NNB_DIAGRAM_VIEW (object);

  g_clear_pointer (&self->popover, gtk_widget_unparent);
  g_clear_pointer (&self->menu, gtk_widget_unparent);
  clear_shapes (self);
  g_clear_object (&self->document);
  g_clear_pointer (&self->graph, nnb_graph_free);
  g_clear_pointer (&self->drag_before, nnb_graph_free);
  g_clear_pointer (&self->drag_origins, g_array_unref);
  g_clear_pointer (&self->activity, g_free);
  g_clear_pointer (&self->explain, nnb_step_explain_unref);
  nnb_dv_weights_dispose (self);
  g_clear_pointer (&self->message, g_free);
  g_clear_pointer (&self->expanded, g_hash_table_unref);
  if (self->undo != NULL)
    g_ptr_array_set_size (self->undo, 0);
  if (self->redo != NULL)
    g_ptr_array_set_size (self->redo, 0);

  G_OBJECT_CLASS (nnb_diagram_view_parent_class)->dispose (object);
}

static void
nnb_diagram_view_finalize (GObject *object)
{
  NnbDiagramView *self = NNB_DIAGRAM_VIEW (object);

  g_ptr_array_unref (self->undo);
  g_ptr_array_unref (self->redo);
  g_array_unref (self->selected);

  G_OBJECT_CLASS (nnb_diagram_view_parent_class)->finalize (object);
}

static void
nnb_diagram_view_class_init (NnbDiagramViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nnb_diagram_view_dispose;
  object_class->finalize = nnb_diagram_view_finalize;
  object_class->get_property = nnb_diagram_view_get_property;
  object_class->set_property = nnb_diagram_view_set_property;
  widget_class->size_allocate = nnb_diagram_view_size_allocate;

  properties[PROP_CAN_UNDO] = g_param_spec_boolean ("can-undo", NULL, NULL, FALSE,
                                                    G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_REDO] = g_param_spec_boolean ("can-redo", NULL, NULL, FALSE,
                                                    G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /* The batch dimension the wires show: 0 for the symbolic B. */
  properties[PROP_BATCH_SIZE] = g_param_spec_int ("batch-size", NULL, NULL, 0, 1 << 20, 0,
                                                  G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_EDITABLE] = g_param_spec_boolean ("editable", NULL, NULL, TRUE,
                                                    G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Small Linears drawn with one line per weight (editor.show-weights). */
  properties[PROP_SHOW_WEIGHTS] = g_param_spec_boolean ("show-weights", NULL, NULL, FALSE,
                                                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                                                          G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The selected blocks changed (or may have). */
  signals[SELECTION_CHANGED] = g_signal_new ("selection-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                             0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  nnb_dv_actions_class_init (widget_class);
  nnb_dv_input_class_init (widget_class);
  nnb_dv_weights_class_init (widget_class);

  gtk_widget_class_set_css_name (widget_class, "diagram");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
nnb_diagram_view_init (NnbDiagramView *self)
{
  self->undo = g_ptr_array_new_with_free_func ((GDestroyNotify) nnb_graph_free);
  self->redo = g_ptr_array_new_with_free_func ((GDestroyNotify) nnb_graph_free);
  self->selected = g_array_new (FALSE, TRUE, sizeof (gboolean));
  self->focus = -1;
  self->editing = -1;
  self->editing_layer = -1;
  self->layer_node = self->layer = -1;
  self->expanded = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->editable = TRUE;
  self->fit = TRUE;
  self->fold = 1;
  self->zoom = 1.0;

  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_focus_on_click (GTK_WIDGET (self), TRUE);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self), draw_cb, NULL, NULL);

  nnb_dv_input_init (self);
  nnb_dv_weights_init (self);

  nnb_dv_build_block_editor (self);
  nnb_dv_build_menu (self);
  nnb_dv_update_actions (self);
}
