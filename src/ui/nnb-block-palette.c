/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-block-palette.c — the palette beside the diagram. A block is dragged
 * from its button onto the diagram with a drag gesture of its own rather
 * than GTK's drag and drop: the drop point is all the editor needs, and a
 * gesture works the same under every display server and in tests. */
#include "nnb-config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "nnb-block-palette.h"
#include "nnb-ui-test-access.h" /* defines some of these */

#define DRAG_THRESHOLD 8.0 /* pixels the pointer moves before a press is a drag */

struct _NnbBlockPalette
{
  GtkWidget parent_instance;

  GtkBox *blocks_box;
  GtkSpinButton *batch_spin;
  GtkButton *undo_button;
  GtkButton *redo_button;
  GtkButton *zoom_out_button;
  GtkButton *fit_button;
  GtkButton *zoom_in_button;
  GtkButton *layout_button;
  GtkToggleButton *show_weights_button;

  NnbDiagramView *view;
  GBindingGroup *view_bindings; /* the palette's widgets follow the current view */
  GHashTable *buttons;          /* kind name → GtkWidget* */
};

G_DEFINE_FINAL_TYPE (NnbBlockPalette, nnb_block_palette, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_VIEW,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* What each button says when the pointer rests on it. */
static const struct
{
  NnbBlockKind kind;
  const char *label;
  const char *tooltip;
} entries[] = {
  { NNB_BLOCK_INPUT, "Input", N_("Where the data comes in: the argument x of forward") },
  { NNB_BLOCK_LINEAR, "Linear", N_("nn.Linear(in_features, out_features): y = x Wᵀ + b") },
  { NNB_BLOCK_RELU, "ReLU", N_("nn.ReLU(): max(0, x)") },
  { NNB_BLOCK_TANH, "Tanh", N_("nn.Tanh()") },
  { NNB_BLOCK_SIGMOID, "Sigmoid", N_("nn.Sigmoid()") },
  { NNB_BLOCK_LEAKY_RELU, "LeakyReLU", N_("nn.LeakyReLU(negative_slope=0.01)") },
  { NNB_BLOCK_GELU, "GELU", N_("nn.GELU()") },
  { NNB_BLOCK_IDENTITY, "Identity", N_("nn.Identity(): passes x through") },
  { NNB_BLOCK_LAYER_NORM, "LayerNorm", N_("nn.LayerNorm(normalized_shape, eps=1e-05): each row to mean 0 and variance 1, then · weight + bias") },
  { NNB_BLOCK_BATCH_NORM, "BatchNorm1d", N_("nn.BatchNorm1d(num_features): each feature to mean 0 and variance 1 over the batch, then · weight + bias; eval mode uses running estimates kept as buffers") },
  { NNB_BLOCK_SOFTMAX, "Softmax", N_("nn.Softmax(dim=1): each row to probabilities, exp(x) / Σ exp(x) over the features") },
  { NNB_BLOCK_LOG_SOFTMAX, "LogSoftmax", N_("nn.LogSoftmax(dim=1): log of Softmax, x − log Σ exp(x) over the features") },
  { NNB_BLOCK_DROPOUT, "Dropout", N_("nn.Dropout(p=0.5): in train mode zeroes each value with probability p and scales the rest by 1/(1 − p); in eval mode passes values on") },
  { NNB_BLOCK_ADD, "Add (+)", N_("a + b: a skip connection adds two tensors of the same shape") },
  { NNB_BLOCK_MUL, "Mul (*)", N_("a * b: multiplies two tensors of the same shape element by element, as a gate does") },
  { NNB_BLOCK_CAT, "Cat", N_("torch.cat([a, b, …], dim=1): puts 2 to 8 branches side by side (Inputs in its editor); the widths add up") },
  { NNB_BLOCK_SEQUENTIAL, "Sequential", N_("nn.Sequential(): select a chain and use Group as Sequential to fill one") },
  { NNB_BLOCK_OUTPUT, "Output", N_("What forward returns") },
};

static void
activate_on_view (NnbBlockPalette *self, const char *action, GVariant *parameter)
{
  if (self->view == NULL)
    {
      if (parameter != NULL)
        g_variant_unref (g_variant_ref_sink (parameter));
      return;
    }
  gtk_widget_activate_action_variant (GTK_WIDGET (self->view), action, parameter);
  /* keys go on to the diagram: Delete, Ctrl+Z, Enter act on what was added */
  gtk_widget_grab_focus (GTK_WIDGET (self->view));
}

static void
block_clicked_cb (GtkButton *button, NnbBlockPalette *self)
{
  const char *kind = g_object_get_data (G_OBJECT (button), "block-kind");

  activate_on_view (self, "editor.add-block", g_variant_new_string (kind));
}

static void
block_drag_update_cb (GtkGestureDrag *gesture, double off_x, double off_y, NnbBlockPalette *self)
{
  /* past the threshold, this is a drag: the button's click is cancelled */
  if (hypot (off_x, off_y) > DRAG_THRESHOLD)
    gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static void
block_drag_end_cb (GtkGestureDrag *gesture, double off_x, double off_y, NnbBlockPalette *self)
{
  GtkWidget *button = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));
  const char *kind = g_object_get_data (G_OBJECT (button), "block-kind");
  double start_x, start_y, x, y;

  if (self->view == NULL || hypot (off_x, off_y) <= DRAG_THRESHOLD)
    return;
  gtk_gesture_drag_get_start_point (gesture, &start_x, &start_y);
  {
    graphene_point_t from = GRAPHENE_POINT_INIT ((float) (start_x + off_x), (float) (start_y + off_y));
    graphene_point_t to;

    if (!gtk_widget_compute_point (button, GTK_WIDGET (self->view), &from, &to))
      return;
    x = to.x, y = to.y;
  }
  /* dropped outside the diagram: nothing */
  if (x < 0 || y < 0 || x > gtk_widget_get_width (GTK_WIDGET (self->view)) || y > gtk_widget_get_height (GTK_WIDGET (self->view)))
    return;
  activate_on_view (self, "editor.add-block-at", g_variant_new ("(sdd)", kind, x, y));
}

static void
add_buttons (NnbBlockPalette *self)
{
  for (gsize i = 0; i < G_N_ELEMENTS (entries); i++)
    {
      GtkWidget *button = gtk_button_new_with_label (entries[i].label);
      GtkGesture *drag = gtk_gesture_drag_new ();
      const char *kind = nnb_block_kind_to_string (entries[i].kind);

      g_object_set_data (G_OBJECT (button), "block-kind", (gpointer) kind);
      gtk_widget_set_tooltip_text (button, _(entries[i].tooltip));
      gtk_widget_set_focus_on_click (button, FALSE);
      gtk_label_set_xalign (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (button))), 0);
      g_signal_connect (button, "clicked", G_CALLBACK (block_clicked_cb), self);
      /* before the button's own click, so a drag can take the press over */
      gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (drag), GTK_PHASE_CAPTURE);
      g_signal_connect (drag, "drag-update", G_CALLBACK (block_drag_update_cb), self);
      g_signal_connect (drag, "drag-end", G_CALLBACK (block_drag_end_cb), self);
      gtk_widget_add_controller (button, GTK_EVENT_CONTROLLER (drag));
      gtk_box_append (self->blocks_box, button);
      g_hash_table_insert (self->buttons, (gpointer) kind, button);
    }
}

/* 0 is the symbolic batch: the spin button shows B. */
static gboolean
batch_output_cb (GtkSpinButton *spin, gpointer user_data)
{
  int value = (int) gtk_adjustment_get_value (gtk_spin_button_get_adjustment (spin));
  g_autofree char *text = value == 0 ? g_strdup ("B") : g_strdup_printf ("%d", value);

  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (spin)), text) != 0)
    gtk_editable_set_text (GTK_EDITABLE (spin), text);
  return TRUE;
}

static int
batch_input_cb (GtkSpinButton *spin, double *value, gpointer user_data)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (spin));
  char *end = NULL;

  if (g_ascii_strcasecmp (text, "B") == 0 || *text == '\0')
    {
      *value = 0;
      return TRUE;
    }
  *value = g_ascii_strtod (text, &end);
  return end != NULL && *end == '\0' ? TRUE : GTK_INPUT_ERROR;
}

static void
undo_clicked_cb (NnbBlockPalette *self)
{
  activate_on_view (self, "editor.undo", NULL);
}

static void
redo_clicked_cb (NnbBlockPalette *self)
{
  activate_on_view (self, "editor.redo", NULL);
}

static void
zoom_in_clicked_cb (NnbBlockPalette *self)
{
  activate_on_view (self, "editor.zoom-in", NULL);
}

static void
zoom_out_clicked_cb (NnbBlockPalette *self)
{
  activate_on_view (self, "editor.zoom-out", NULL);
}

static void
fit_clicked_cb (NnbBlockPalette *self)
{
  activate_on_view (self, "editor.fit", NULL);
}

static void
layout_clicked_cb (NnbBlockPalette *self)
{
  activate_on_view (self, "editor.layout", NULL);
}

void
nnb_block_palette_set_view (NnbBlockPalette *self, NnbDiagramView *view)
{
  g_return_if_fail (NNB_IS_BLOCK_PALETTE (self));
  g_return_if_fail (view == NULL || NNB_IS_DIAGRAM_VIEW (view));

  if (self->view == view)
    return;
  g_set_object (&self->view, view);
  g_binding_group_set_source (self->view_bindings, view);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VIEW]);
}

/* Nothing to add while the trainer owns the model. The view's actions
 * refuse blocks as soon as it is not editable; this is the look, which the
 * window greys out in a frame of its own (nnb-window-training.c). */
void
nnb_block_palette_set_locked (NnbBlockPalette *self, gboolean locked)
{
  g_return_if_fail (NNB_IS_BLOCK_PALETTE (self));

  gtk_widget_set_sensitive (GTK_WIDGET (self->blocks_box), !locked);
}

gboolean
nnb_block_palette_get_locked (NnbBlockPalette *self)
{
  g_return_val_if_fail (NNB_IS_BLOCK_PALETTE (self), FALSE);
  return !gtk_widget_get_sensitive (GTK_WIDGET (self->blocks_box));
}

NnbDiagramView *
nnb_block_palette_get_view (NnbBlockPalette *self)
{
  g_return_val_if_fail (NNB_IS_BLOCK_PALETTE (self), NULL);
  return self->view;
}

GtkWidget *
nnb_block_palette_get_button (NnbBlockPalette *self, const char *kind)
{
  g_return_val_if_fail (NNB_IS_BLOCK_PALETTE (self), NULL);
  return g_hash_table_lookup (self->buttons, kind);
}

static void
nnb_block_palette_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  NnbBlockPalette *self = NNB_BLOCK_PALETTE (object);

  switch (prop_id)
    {
    case PROP_VIEW:
      g_value_set_object (value, self->view);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nnb_block_palette_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  NnbBlockPalette *self = NNB_BLOCK_PALETTE (object);

  switch (prop_id)
    {
    case PROP_VIEW:
      nnb_block_palette_set_view (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nnb_block_palette_dispose (GObject *object)
{
  NnbBlockPalette *self = NNB_BLOCK_PALETTE (object);

  if (self->view_bindings != NULL)
    g_binding_group_set_source (self->view_bindings, NULL);
  g_clear_object (&self->view_bindings);
  g_clear_object (&self->view);
  g_clear_pointer (&self->buttons, g_hash_table_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), NNB_TYPE_BLOCK_PALETTE);

  G_OBJECT_CLASS (nnb_block_palette_parent_class)->dispose (object);
}

static void
nnb_block_palette_class_init (NnbBlockPaletteClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nnb_block_palette_dispose;
  object_class->get_property = nnb_block_palette_get_property;
  object_class->set_property = nnb_block_palette_set_property;

  /* The diagram the palette adds to. */
  properties[PROP_VIEW] = g_param_spec_object ("view", NULL, NULL, NNB_TYPE_DIAGRAM_VIEW,
                                               G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "blockpalette");
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/nnblocks/NNBlocks/ui/nnb-block-palette.ui");
  gtk_widget_class_bind_template_child (widget_class, NnbBlockPalette, blocks_box);
  gtk_widget_class_bind_template_child (widget_class, NnbBlockPalette, batch_spin);
  gtk_widget_class_bind_template_child (widget_class, NnbBlockPalette, undo_button);
  gtk_widget_class_bind_template_child (widget_class, NnbBlockPalette, redo_button);
  gtk_widget_class_bind_template_child (widget_class, NnbBlockPalette, zoom_out_button);
  gtk_widget_class_bind_template_child (widget_class, NnbBlockPalette, fit_button);
  gtk_widget_class_bind_template_child (widget_class, NnbBlockPalette, zoom_in_button);
  gtk_widget_class_bind_template_child (widget_class, NnbBlockPalette, layout_button);
  gtk_widget_class_bind_template_child (widget_class, NnbBlockPalette, show_weights_button);
}

static void
nnb_block_palette_init (NnbBlockPalette *self)
{
  self->buttons = g_hash_table_new (g_str_hash, g_str_equal);

  gtk_widget_init_template (GTK_WIDGET (self));

  self->view_bindings = g_binding_group_new ();
  g_binding_group_bind (self->view_bindings, "batch-size",
                        gtk_spin_button_get_adjustment (self->batch_spin), "value",
                        G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_binding_group_bind (self->view_bindings, "can-undo", self->undo_button, "sensitive",
                        G_BINDING_SYNC_CREATE);
  g_binding_group_bind (self->view_bindings, "can-redo", self->redo_button, "sensitive",
                        G_BINDING_SYNC_CREATE);
  /* the view's editor.show-weights state, which its menu and tests set too */
  g_binding_group_bind (self->view_bindings, "show-weights", self->show_weights_button, "active",
                        G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  add_buttons (self);
  g_signal_connect (self->batch_spin, "output", G_CALLBACK (batch_output_cb), NULL);
  g_signal_connect (self->batch_spin, "input", G_CALLBACK (batch_input_cb), NULL);
  g_signal_connect_swapped (self->undo_button, "clicked", G_CALLBACK (undo_clicked_cb), self);
  g_signal_connect_swapped (self->redo_button, "clicked", G_CALLBACK (redo_clicked_cb), self);
  g_signal_connect_swapped (self->zoom_in_button, "clicked", G_CALLBACK (zoom_in_clicked_cb), self);
  g_signal_connect_swapped (self->zoom_out_button, "clicked", G_CALLBACK (zoom_out_clicked_cb), self);
  g_signal_connect_swapped (self->fit_button, "clicked", G_CALLBACK (fit_clicked_cb), self);
  g_signal_connect_swapped (self->layout_button, "clicked", G_CALLBACK (layout_clicked_cb), self);
}
