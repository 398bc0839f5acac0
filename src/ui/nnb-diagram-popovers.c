/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-diagram-popovers.c — the diagram editor's two popovers: the block
 * editor (name, in and out features or LayerNorm's normalized_shape and eps
 * or BatchNorm1d's arguments, the one-click fix of a mismatch) and the
 * context menu. */
#include "nnb-config.h"

#include "nnb-diagram-view-private.h"
#include "nnb-python.h"

/* The block editor */

static void
point_at_block (NnbDiagramView *self, GtkWidget *popover, int block, int layer)
{
  NnbModel *model = nnb_dv_shown_model (self);
  g_autoptr (GArray) where = nnb_dv_positions (self);
  g_autofree NnbDiagramOpen *expanded = nnb_dv_expanded (self);
  double r[4], x0, y0, x1, y1;
  GdkRectangle rect;

  /* a layer inside an expanded Sequential, or the block */
  if (layer < 0 || !nnb_diagram_layer_rect (model, (const NnbBlockPosition *) where->data, expanded, block, layer, r))
    nnb_diagram_block_rect (model, (const NnbBlockPosition *) where->data, expanded, block, r);
  nnb_dv_to_widget (self, r[0], r[1], &x0, &y0);
  nnb_dv_to_widget (self, r[0] + r[2], r[1] + r[3], &x1, &y1);
  rect.x = (int) x0, rect.y = (int) y0;
  rect.width = MAX (1, (int) (x1 - x0)), rect.height = MAX (1, (int) (y1 - y0));
  gtk_popover_set_pointing_to (GTK_POPOVER (popover), &rect);
}

/* The engine's message on a layer inside a Sequential block, or NULL. */
static char *
layer_error (NnbDiagramView *self, int block, int layer)
{
  NnbModel *model = nnb_dv_shown_model (self);
  NnbNodeShape *layers;
  guint n = 0;
  char *error = NULL;

  layers = model != NULL ? nnb_model_layer_shapes (model, block, self->shapes, &n) : NULL;
  if (layer >= 0 && (guint) layer < n)
    error = g_strdup (layers[layer].error);
  nnb_node_shapes_free (layers, n);
  return error;
}

static void
fill_block_editor (NnbDiagramView *self)
{
  int block = self->editing, layer = self->editing_layer;
  NnbGraphBlock *b;
  NnbGraphModule *module;
  g_autofree char *error = NULL;
  int64_t incoming;
  g_autofree char *kind = NULL;

  if (self->graph == NULL || block < 0 || (guint) block >= self->graph->blocks->len)
    return;
  b = nnb_graph_get_block (self->graph, block);
  module = nnb_graph_block_child (self->graph, block, layer);
  if (module == NULL && layer >= 0)
    return;
  if (layer >= 0)
    {
      /* a layer's name is its place in the Sequential: net.0, as named_parameters() says */
      g_autofree char *dotted = g_strdup_printf ("%s.%d", b->module, layer);

      kind = g_strdup (nnb_module_kind_to_string (module->kind));
      gtk_editable_set_text (GTK_EDITABLE (self->name_entry), dotted);
    }
  else
    {
      kind = g_strdup (nnb_block_kind_to_string (nnb_graph_block_kind (self->graph, block)));
      gtk_editable_set_text (GTK_EDITABLE (self->name_entry), b->name);
    }
  gtk_editable_set_editable (GTK_EDITABLE (self->name_entry), layer < 0);
  gtk_widget_set_can_focus (GTK_WIDGET (self->name_entry), layer < 0);
  gtk_label_set_text (self->kind_label, kind);
  gtk_widget_set_visible (self->features_grid, module != NULL && module->kind == NNB_MODULE_LINEAR);
  if (module != NULL && module->kind == NNB_MODULE_LINEAR)
    {
      gtk_spin_button_set_value (self->in_spin, module->in_features);
      gtk_spin_button_set_value (self->out_spin, module->out_features);
    }
  gtk_widget_set_visible (self->norm_grid, module != NULL && module->kind == NNB_MODULE_LAYER_NORM);
  if (module != NULL && module->kind == NNB_MODULE_LAYER_NORM)
    {
      /* eps as print(model) writes it: 1e-05 */
      g_autofree char *eps = nnb_python_float_repr (module->eps);

      gtk_spin_button_set_value (self->norm_spin, module->normalized_shape);
      gtk_editable_set_text (GTK_EDITABLE (self->eps_entry), eps);
    }
  gtk_widget_set_visible (self->dropout_grid, module != NULL && module->kind == NNB_MODULE_DROPOUT);
  if (module != NULL && module->kind == NNB_MODULE_DROPOUT)
    {
      /* p as print(model) writes it: 0.5 */
      g_autofree char *p = nnb_python_float_repr (module->p);

      gtk_editable_set_text (GTK_EDITABLE (self->p_entry), p);
    }
  gtk_widget_set_visible (self->bn_grid, module != NULL && module->kind == NNB_MODULE_BATCH_NORM);
  if (module != NULL && module->kind == NNB_MODULE_BATCH_NORM)
    {
      /* as print(model) writes them: 1e-05, 0.1 */
      g_autofree char *eps = nnb_python_float_repr (module->eps);
      g_autofree char *momentum = nnb_python_float_repr (module->momentum);

      gtk_spin_button_set_value (self->bn_features_spin, module->num_features);
      gtk_editable_set_text (GTK_EDITABLE (self->bn_eps_entry), eps);
      gtk_editable_set_text (GTK_EDITABLE (self->bn_momentum_entry), momentum);
      gtk_check_button_set_active (self->bn_none_check, !module->has_momentum);
      gtk_widget_set_sensitive (GTK_WIDGET (self->bn_momentum_entry), module->has_momentum);
      gtk_check_button_set_active (self->bn_affine_check, module->affine);
      gtk_check_button_set_active (self->bn_track_check, module->track_running_stats);
    }
  gtk_widget_set_visible (self->cat_grid, layer < 0 && b->kind == NNB_NODE_CAT);
  if (layer < 0 && b->kind == NNB_NODE_CAT)
    gtk_spin_button_set_value (self->cat_spin, b->n_inputs);
  error = layer >= 0 ? layer_error (self, block, layer) : g_strdup (nnb_diagram_view_get_block_error (self, block));
  gtk_label_set_text (self->message_label, error != NULL ? error : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), error != NULL);
  incoming = nnb_dv_incoming_features (self, block, layer);
  if (error != NULL && module != NULL && module->kind == NNB_MODULE_LAYER_NORM && incoming > 0 &&
      incoming != module->normalized_shape)
    {
      /* Translators: the one-click fix of a shape mismatch on a LayerNorm block */
      g_autofree char *label = g_strdup_printf (_("Set normalized_shape to %d (what the wire brings)"), (int) incoming);

      gtk_button_set_label (self->fix_button, label);
      gtk_widget_set_visible (GTK_WIDGET (self->fix_button), TRUE);
    }
  else if (error != NULL && module != NULL && module->kind == NNB_MODULE_BATCH_NORM && incoming > 0 &&
           incoming != module->num_features)
    {
      /* Translators: the one-click fix of a shape mismatch on a BatchNorm1d block */
      g_autofree char *label = g_strdup_printf (_("Set num_features to %d (what the wire brings)"), (int) incoming);

      gtk_button_set_label (self->fix_button, label);
      gtk_widget_set_visible (GTK_WIDGET (self->fix_button), TRUE);
    }
  else if (error != NULL && module != NULL && module->kind == NNB_MODULE_LINEAR && incoming > 0 && incoming != module->in_features)
    {
      /* Translators: the one-click fix of a shape mismatch on a Linear block */
      /* %d, not G_GINT64_FORMAT: xgettext cannot see through the macro */
      g_autofree char *label = g_strdup_printf (_("Set in_features to %d (what the wire brings)"), (int) incoming);

      gtk_button_set_label (self->fix_button, label);
      gtk_widget_set_visible (GTK_WIDGET (self->fix_button), TRUE);
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (self->fix_button), FALSE);
}

void
nnb_dv_open_layer_editor (NnbDiagramView *self, int block, int layer)
{
  if (self->graph == NULL || block < 0 || !self->editable)
    return;
  if (layer >= 0 && nnb_graph_block_child (self->graph, block, layer) == NULL)
    layer = -1;
  self->editing = block;
  self->editing_layer = layer;
  nnb_dv_select_only (self, block);
  nnb_dv_choose_layer (self, block, layer);
  fill_block_editor (self);
  point_at_block (self, self->popover, block, layer);
  gtk_popover_popup (GTK_POPOVER (self->popover));
  /* a layer has no name of its own to type: its first size instead */
  if (layer >= 0 && gtk_widget_get_visible (self->features_grid))
    gtk_widget_grab_focus (GTK_WIDGET (self->in_spin));
  else if (layer >= 0 && gtk_widget_get_visible (self->norm_grid))
    gtk_widget_grab_focus (GTK_WIDGET (self->norm_spin));
  else if (layer >= 0 && gtk_widget_get_visible (self->bn_grid))
    gtk_widget_grab_focus (GTK_WIDGET (self->bn_features_spin));
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->name_entry));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
nnb_dv_open_block_editor (NnbDiagramView *self, int block)
{
  nnb_dv_open_layer_editor (self, block, -1);
}

void
nnb_dv_edit_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  NnbDiagramView *self = NNB_DIAGRAM_VIEW (widget);
  int target = nnb_dv_target_block (self);

  nnb_dv_open_layer_editor (self, target, nnb_dv_target_layer (self, target));
}

/* nn.Dropout(p) from what the student typed: the engine's check gives
 * PyTorch's message for a p outside [0, 1] (and for what is not a number,
 * read as NaN), and the module keeps its p then. */
static gboolean
set_dropout_p (NnbGraphModule *module, const char *text, GError **error)
{
  g_autoptr (NnbModule) check = NULL;
  char *end = NULL;
  double p = g_ascii_strtod (text, &end);

  if (end == text || *end != '\0')
    p = NAN;
  check = nnb_dropout_new (p, error);
  if (check == NULL)
    return FALSE;
  module->p = p;
  return TRUE;
}

/* A number typed in an entry; what is not one is NaN, which the graph's
 * checks refuse with their sentence. */
static double
entry_number (GtkEntry *entry)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));
  char *end = NULL;
  double value = g_ascii_strtod (text, &end);

  return end == text || *end != '\0' ? NAN : value;
}

/* nn.BatchNorm1d(…) from the popover; with None ticked the momentum typed
 * is kept for later but not checked. */
static void
apply_batch_norm (NnbDiagramView *self, int block, int layer, NnbGraphModule *module, GError **error)
{
  gboolean has_momentum = !gtk_check_button_get_active (self->bn_none_check);
  double momentum = entry_number (self->bn_momentum_entry);

  gtk_spin_button_update (self->bn_features_spin);
  if (!has_momentum && !isfinite (momentum))
    momentum = module->momentum;
  nnb_graph_set_batch_norm (self->graph, block, layer, gtk_spin_button_get_value_as_int (self->bn_features_spin),
                            entry_number (self->bn_eps_entry), momentum, has_momentum,
                            gtk_check_button_get_active (self->bn_affine_check),
                            gtk_check_button_get_active (self->bn_track_check), error);
}

static void
bn_none_toggled_cb (GtkCheckButton *check, NnbDiagramView *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->bn_momentum_entry), !gtk_check_button_get_active (check));
}

/* Name and sizes in one undo step. */
static void
apply_block_editor (NnbDiagramView *self)
{
  NnbGraph *before = nnb_dv_begin (self);
  NnbGraphModule *module;
  GError *error = NULL;
  int block = self->editing, layer = self->editing_layer;

  if (before == NULL || block < 0 || (guint) block >= self->graph->blocks->len)
    {
      g_clear_pointer (&before, nnb_graph_free);
      return;
    }
  /* a layer's name is its number: only the block is renamed */
  if (layer < 0 && !nnb_graph_rename (self->graph, block, gtk_editable_get_text (GTK_EDITABLE (self->name_entry)), &error))
    {
      gtk_label_set_text (self->message_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->message_label), TRUE);
      g_error_free (error);
      nnb_graph_free (before);
      return;
    }
  module = nnb_graph_block_child (self->graph, block, layer);
  if (module != NULL && module->kind == NNB_MODULE_LINEAR)
    {
      gtk_spin_button_update (self->in_spin);
      gtk_spin_button_update (self->out_spin);
      nnb_graph_set_child_features (self->graph, block, layer, gtk_spin_button_get_value_as_int (self->in_spin),
                                    gtk_spin_button_get_value_as_int (self->out_spin), &error);
    }
  if (module != NULL && module->kind == NNB_MODULE_LAYER_NORM)
    {
      const char *text = gtk_editable_get_text (GTK_EDITABLE (self->eps_entry));
      char *end = NULL;
      double eps = g_ascii_strtod (text, &end);

      gtk_spin_button_update (self->norm_spin);
      /* what is not a number reaches nnb_graph_set_layer_norm as NaN, and its sentence */
      if (end == text || *end != '\0')
        eps = NAN;
      nnb_graph_set_child_layer_norm (self->graph, block, layer, gtk_spin_button_get_value_as_int (self->norm_spin), eps,
                                      &error);
    }
  if (module != NULL && module->kind == NNB_MODULE_BATCH_NORM && error == NULL)
    apply_batch_norm (self, block, layer, module, &error);
  if (module != NULL && module->kind == NNB_MODULE_DROPOUT && error == NULL)
    set_dropout_p (module, gtk_editable_get_text (GTK_EDITABLE (self->p_entry)), &error);
  /* fewer slots drop the wires into the last ones; undo brings them back */
  if (layer < 0 && nnb_graph_get_block (self->graph, block)->kind == NNB_NODE_CAT && error == NULL)
    {
      gtk_spin_button_update (self->cat_spin);
      nnb_graph_set_n_inputs (self->graph, block, gtk_spin_button_get_value_as_int (self->cat_spin), &error);
    }
  if (nnb_dv_commit (self, before, error))
    gtk_popover_popdown (GTK_POPOVER (self->popover));
  else
    {
      gtk_label_set_text (self->message_label, self->message);
      gtk_widget_set_visible (GTK_WIDGET (self->message_label), TRUE);
    }
}

static void
popover_closed_cb (NnbDiagramView *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self));
}

static gboolean
spin_key_cb (GtkEventControllerKey *keys, guint keyval, guint keycode, GdkModifierType state, NnbDiagramView *self)
{
  if (keyval != GDK_KEY_Return && keyval != GDK_KEY_KP_Enter)
    return FALSE;
  apply_block_editor (self);
  return TRUE;
}

void
nnb_dv_build_block_editor (NnbDiagramView *self)
{
  g_autoptr (GtkBuilder) builder = gtk_builder_new_from_resource ("/io/github/nnblocks/NNBlocks/ui/nnb-block-editor.ui");
  GtkWidget *apply;

  self->popover = GTK_WIDGET (gtk_builder_get_object (builder, "popover"));
  self->kind_label = GTK_LABEL (gtk_builder_get_object (builder, "kind_label"));
  self->name_entry = GTK_ENTRY (gtk_builder_get_object (builder, "name_entry"));
  self->features_grid = GTK_WIDGET (gtk_builder_get_object (builder, "features_grid"));
  self->in_spin = GTK_SPIN_BUTTON (gtk_builder_get_object (builder, "in_spin"));
  self->out_spin = GTK_SPIN_BUTTON (gtk_builder_get_object (builder, "out_spin"));
  self->norm_grid = GTK_WIDGET (gtk_builder_get_object (builder, "norm_grid"));
  self->norm_spin = GTK_SPIN_BUTTON (gtk_builder_get_object (builder, "norm_spin"));
  self->eps_entry = GTK_ENTRY (gtk_builder_get_object (builder, "eps_entry"));
  self->dropout_grid = GTK_WIDGET (gtk_builder_get_object (builder, "dropout_grid"));
  self->p_entry = GTK_ENTRY (gtk_builder_get_object (builder, "p_entry"));
  self->bn_grid = GTK_WIDGET (gtk_builder_get_object (builder, "bn_grid"));
  self->bn_features_spin = GTK_SPIN_BUTTON (gtk_builder_get_object (builder, "bn_features_spin"));
  self->bn_eps_entry = GTK_ENTRY (gtk_builder_get_object (builder, "bn_eps_entry"));
  self->bn_momentum_entry = GTK_ENTRY (gtk_builder_get_object (builder, "bn_momentum_entry"));
  self->bn_none_check = GTK_CHECK_BUTTON (gtk_builder_get_object (builder, "bn_none_check"));
  self->bn_affine_check = GTK_CHECK_BUTTON (gtk_builder_get_object (builder, "bn_affine_check"));
  self->bn_track_check = GTK_CHECK_BUTTON (gtk_builder_get_object (builder, "bn_track_check"));
  g_signal_connect (self->bn_none_check, "toggled", G_CALLBACK (bn_none_toggled_cb), self);
  self->cat_grid = GTK_WIDGET (gtk_builder_get_object (builder, "cat_grid"));
  self->cat_spin = GTK_SPIN_BUTTON (gtk_builder_get_object (builder, "cat_spin"));
  self->message_label = GTK_LABEL (gtk_builder_get_object (builder, "message_label"));
  self->fix_button = GTK_BUTTON (gtk_builder_get_object (builder, "fix_button"));
  apply = GTK_WIDGET (gtk_builder_get_object (builder, "apply_button"));
  gtk_widget_set_parent (self->popover, GTK_WIDGET (self));
  gtk_popover_set_default_widget (GTK_POPOVER (self->popover), apply);
  g_signal_connect_swapped (apply, "clicked", G_CALLBACK (apply_block_editor), self);
  /* GTK 4.8's spin buttons have no ::activate: Enter in them applies too */
  for (int i = 0; i < 5; i++)
    {
      GtkSpinButton *spins[] = { self->in_spin, self->out_spin, self->norm_spin, self->cat_spin, self->bn_features_spin };
      GtkEventController *keys = gtk_event_controller_key_new ();

      gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
      g_signal_connect (keys, "key-pressed", G_CALLBACK (spin_key_cb), self);
      gtk_widget_add_controller (GTK_WIDGET (spins[i]), keys);
    }
  g_signal_connect_swapped (self->popover, "closed", G_CALLBACK (popover_closed_cb), self);
}

/* The context menu */

void
nnb_dv_build_menu (NnbDiagramView *self)
{
  g_autoptr (GMenu) menu = g_menu_new ();
  g_autoptr (GMenu) block = g_menu_new ();
  g_autoptr (GMenu) group = g_menu_new ();
  g_autoptr (GMenu) view = g_menu_new ();

  g_menu_append (block, _("_Edit Name and Sizes…"), "editor.edit");
  g_menu_append (block, _("_Duplicate"), "editor.duplicate");
  g_menu_append (block, _("_Call Again (Share the Module)"), "editor.call-again");
  /* "__": the underscore of in_features is text, not a mnemonic */
  g_menu_append (block, _("Set in__features _from the Wire"), "editor.fix-in-features");
  g_menu_append (block, _("De_lete"), "editor.delete");
  g_menu_append (group, _("_Group as Sequential"), "editor.group");
  g_menu_append (group, _("_Ungroup"), "editor.ungroup");
  g_menu_append (group, _("_Show Layers Inside"), "editor.expand");
  g_menu_append (group, _("_Hide Layers Inside"), "editor.collapse");
  g_menu_append (view, _("_Undo"), "editor.undo");
  g_menu_append (view, _("_Redo"), "editor.redo");
  g_menu_append (view, _("_Arrange Automatically"), "editor.layout");
  g_menu_append (view, _("_Fit to Window"), "editor.fit");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (block));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (group));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (view));
  self->menu = gtk_popover_menu_new_from_model (G_MENU_MODEL (menu));
  gtk_popover_set_has_arrow (GTK_POPOVER (self->menu), FALSE);
  gtk_widget_set_halign (self->menu, GTK_ALIGN_START);
  gtk_widget_set_parent (self->menu, GTK_WIDGET (self));
}

void
nnb_dv_popup_menu_at (NnbDiagramView *self, double x, double y)
{
  GdkRectangle rect = { (int) x, (int) y, 1, 1 };

  nnb_dv_update_actions (self);
  gtk_popover_set_pointing_to (GTK_POPOVER (self->menu), &rect);
  gtk_popover_popup (GTK_POPOVER (self->menu));
}

void
nnb_dv_menu_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  NnbDiagramView *self = NNB_DIAGRAM_VIEW (widget);
  int target = nnb_dv_target_block (self);
  double x = gtk_widget_get_width (widget) / 2.0, y = gtk_widget_get_height (widget) / 2.0;

  if (target >= 0)
    nnb_diagram_view_block_point (self, target, -2, &x, &y);
  nnb_dv_popup_menu_at (self, x, y);
}
