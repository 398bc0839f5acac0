/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-step-bar.c — the bar of "Explain Next Step" (nnb-step-bar.h): the
 * stage buttons, the PyTorch line and sentence of each stage, and its
 * numbers, read from the engine's record of the step training took. */
#include "nnb-config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "nnb-step-bar.h"

/* Rows of the loss's formula written out; the rest is summed up. */
#define LOSS_ROWS 3
/* A tensor with at most this many values is printed whole. */
#define WHOLE_VALUES 8

struct _NnbStepBar
{
  GtkWidget parent_instance;

  GtkWidget *box;
  GtkToggleButton *stage_buttons[NNB_EXPLAIN_N_STAGES];
  GtkLabel *where_label;
  GtkButton *back_button;
  GtkButton *next_button;
  GtkButton *close_button;
  GtkLabel *sentence_label;
  GtkWidget *choice_box;
  GtkDropDown *parameter_dropdown;
  GtkSpinButton *element_spin;
  GtkCheckButton *skip_check;
  GtkLabel *details_label;

  NnbStepExplain *explain;
  NnbExplainStage stage;
  gboolean updating;
};

G_DEFINE_FINAL_TYPE (NnbStepBar, nnb_step_bar, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_STAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  SIGNAL_NEXT_STEP,
  SIGNAL_CLOSE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The line of PyTorch each stage is, and what it does. */
static const char *const stage_code[NNB_EXPLAIN_N_STAGES] = {
  "y_hat = model(X)",
  "loss = loss_fn(y_hat, y)",
  "loss.backward()",
  "optimizer.step()",
  "optimizer.zero_grad()",
};

static const char *
stage_sentence (NnbExplainStage stage)
{
  switch (stage)
    {
    case NNB_EXPLAIN_FORWARD:
      return _("forward() runs on one mini-batch: every block computes its output from its input, and each wire now "
                "carries a tensor.");
    case NNB_EXPLAIN_LOSS:
      return _("The loss function compares the predictions with the targets and gives one number. With the whole "
                "data in one batch, it is the loss plot’s next point.");
    case NNB_EXPLAIN_BACKWARD:
      return _("Autograd goes back from the loss to the input: each wire gets the gradient of the loss with respect "
                "to its tensor, and every parameter’s .grad gets the gradient with respect to that parameter.");
    case NNB_EXPLAIN_STEP:
      return _("The optimizer moves every parameter against its gradient, by the learning rate. Choose a parameter "
                "and an element to see its update with the numbers.");
    case NNB_EXPLAIN_ZERO_GRAD:
    default:
      return _("The gradients are set back to zero, so that the next backward() starts afresh. Without it, the next "
                "backward() adds its gradients onto these.");
    }
}

/* Numbers */

/* The values whole when there are few (8 significant digits, as PyTorch's
 * float32 needs), otherwise their range and mean. */
static char *
values_text (const NnbTensor *tensor)
{
  GString *text = g_string_new (NULL);
  const float *v = tensor->data;
  double low, mean, high;

  if (tensor->numel <= WHOLE_VALUES)
    {
      g_string_append_c (text, '[');
      for (int64_t i = 0; i < tensor->numel; i++)
        g_string_append_printf (text, "%s%.8g", i > 0 ? ", " : "", v[i]);
      g_string_append_c (text, ']');
      return g_string_free (text, FALSE);
    }
  nnb_step_explain_range (tensor, &low, &mean, &high);
  g_string_printf (text, _("min %.4g, mean %.4g, max %.4g"), low, mean, high);
  return g_string_free (text, FALSE);
}

static void
append_tensor_line (GString *text, const char *name, const NnbTensor *tensor)
{
  g_autofree char *shape = nnb_tensor_shape_string (tensor);
  g_autofree char *values = values_text (tensor);

  g_string_append_printf (text, "%s %s: %s\n", name, shape, values);
}

static char *
forward_details (const NnbStepExplain *explain)
{
  GString *text = g_string_new (NULL);
  const NnbStepWire *prediction = nnb_step_explain_prediction (explain);

  append_tensor_line (text, "X", explain->x);
  if (prediction != NULL)
    append_tensor_line (text, "y_hat", prediction->value);
  return g_string_free (text, FALSE);
}

static char *
loss_details (const NnbStepExplain *explain)
{
  GString *text = g_string_new (NULL);
  const NnbStepWire *prediction = nnb_step_explain_prediction (explain);
  const char *formula = nnb_step_explain_loss_formula (explain->loss_kind);
  gboolean has_terms = prediction != NULL && !isnan (nnb_step_explain_loss_term (explain, 0));

  g_string_append_printf (text, "%s: %s\n", nnb_loss_kind_to_string (explain->loss_kind), formula);
  if (has_terms)
    {
      int64_t n = prediction->value->numel;

      for (int64_t i = 0; i < MIN (n, LOSS_ROWS); i++)
        g_string_append_printf (text, _("element %d: y_hat %.6g, y %.6g → %.6g\n"), (int) i,
                                prediction->value->data[i], explain->y->data[i],
                                nnb_step_explain_loss_term (explain, i));
      if (n > LOSS_ROWS)
        g_string_append_printf (text, _("… and %d more; the mean of all %d terms:\n"), (int) (n - LOSS_ROWS),
                                (int) n);
    }
  g_string_append_printf (text, "loss = %.8g", explain->loss);
  return g_string_free (text, FALSE);
}

static char *
backward_details (const NnbStepExplain *explain)
{
  GString *text = g_string_new (NULL);

  if (explain->loss_grad != NULL)
    append_tensor_line (text, "dL/dy_hat", explain->loss_grad);
  for (guint i = 0; i < explain->parameters->len; i++)
    {
      const NnbStepParameter *p = explain->parameters->pdata[i];
      g_autofree char *name = g_strdup_printf ("%s.grad", p->name);

      if (p->grad == NULL)
        {
          g_string_append_printf (text, _("%s: None (backward() did not reach it)\n"), name);
          continue;
        }
      if (p->grad->numel <= WHOLE_VALUES)
        {
          g_autofree char *shape = nnb_tensor_shape_string (p->grad);
          g_autofree char *values = values_text (p->grad);

          g_string_append_printf (text, "%s %s: %s", name, shape, values);
        }
      else
        {
          g_autofree char *shape = nnb_tensor_shape_string (p->grad);

          g_string_append_printf (text, _("%s %s: norm %.6g"), name, shape, nnb_step_explain_norm (p->grad));
        }
      /* the accumulation: what this backward added onto */
      if (explain->zero_grad_skipped && p->grad_prior != NULL)
        {
          g_autofree char *before = p->grad_prior->numel <= WHOLE_VALUES
                                      ? values_text (p->grad_prior)
                                      : g_strdup_printf (_("norm %.6g"), nnb_step_explain_norm (p->grad_prior));

          g_string_append_printf (text, _(" (zero_grad() was skipped: added onto %s)"), before);
        }
      g_string_append_c (text, '\n');
    }
  if (text->len > 0)
    g_string_truncate (text, text->len - 1);
  return g_string_free (text, FALSE);
}

static char *
step_details (NnbStepBar *self)
{
  guint index = gtk_drop_down_get_selected (self->parameter_dropdown);
  int64_t element = gtk_spin_button_get_value_as_int (self->element_spin);
  char *text;

  if (index == GTK_INVALID_LIST_POSITION)
    return g_strdup ("");
  text = nnb_step_explain_update_text (self->explain, index, element);
  return text != NULL ? text : g_strdup (_("This parameter did not change: it does not require grad, or backward() "
                                            "did not reach it."));
}

static char *
zero_grad_details (const NnbStepExplain *explain)
{
  GString *text = g_string_new (_("PyTorch 1.13’s zero_grad() fills every .grad with zeros:\n"));

  for (guint i = 0; i < explain->parameters->len; i++)
    {
      const NnbStepParameter *p = explain->parameters->pdata[i];

      if (p->grad != NULL)
        {
          g_autofree char *shape = nnb_tensor_shape_string (p->grad);

          g_string_append_printf (text, _("%s.grad %s → zeros\n"), p->name, shape);
        }
    }
  g_string_truncate (text, text->len - 1);
  return g_string_free (text, FALSE);
}

/* Showing a stage */

static void
show_stage (NnbStepBar *self)
{
  g_autofree char *sentence = NULL;
  g_autofree char *details = NULL;
  g_autofree char *where = NULL;

  self->updating = TRUE;
  gtk_toggle_button_set_active (self->stage_buttons[self->stage], TRUE);
  self->updating = FALSE;
  sentence = g_markup_printf_escaped ("<tt><b>%s</b></tt>  %s", stage_code[self->stage], stage_sentence (self->stage));
  gtk_label_set_markup (self->sentence_label, sentence);
  gtk_widget_set_visible (self->choice_box, self->explain != NULL && self->stage == NNB_EXPLAIN_STEP);
  gtk_widget_set_visible (GTK_WIDGET (self->skip_check), self->stage == NNB_EXPLAIN_ZERO_GRAD);
  gtk_widget_set_sensitive (GTK_WIDGET (self->back_button), self->explain != NULL && self->stage > NNB_EXPLAIN_FORWARD);
  gtk_widget_set_sensitive (GTK_WIDGET (self->next_button), self->explain != NULL);
  gtk_button_set_label (self->next_button, self->stage == NNB_EXPLAIN_ZERO_GRAD ? _("_Next Step") : _("_Next"));
  for (int s = 0; s < NNB_EXPLAIN_N_STAGES; s++)
    gtk_widget_set_sensitive (GTK_WIDGET (self->stage_buttons[s]), self->explain != NULL);

  if (self->explain == NULL)
    {
      gtk_label_set_text (self->where_label, _("Training one step…"));
      gtk_label_set_text (self->details_label, "");
      return;
    }
  where = g_strdup_printf (_("Epoch %d, mini-batch %d · loss %.6g"), self->explain->epoch + 1,
                           self->explain->batch + 1, self->explain->loss);
  gtk_label_set_text (self->where_label, where);
  switch (self->stage)
    {
    case NNB_EXPLAIN_FORWARD:
      details = forward_details (self->explain);
      break;
    case NNB_EXPLAIN_LOSS:
      details = loss_details (self->explain);
      break;
    case NNB_EXPLAIN_BACKWARD:
      details = backward_details (self->explain);
      break;
    case NNB_EXPLAIN_STEP:
      details = step_details (self);
      break;
    case NNB_EXPLAIN_ZERO_GRAD:
    default:
      details = zero_grad_details (self->explain);
      break;
    }
  gtk_label_set_text (self->details_label, g_strchomp (details));
  /* screen readers hear the stage as the student sees it: GTK 4.8 has no
   * announcements, so the text is the description of the bar and of the
   * Next button, where the focus stays while the student walks */
  {
    g_autofree char *whole = nnb_step_bar_get_text (self);

    gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, whole, -1);
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->next_button), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, whole,
                                    -1);
  }
}

static void
fill_parameters (NnbStepBar *self)
{
  g_autoptr (GtkStringList) names = gtk_string_list_new (NULL);
  guint chosen = 0;

  if (self->explain != NULL)
    for (guint i = 0; i < self->explain->parameters->len; i++)
      {
        const NnbStepParameter *p = self->explain->parameters->pdata[i];

        gtk_string_list_append (names, p->name);
      }
  /* the same parameter from one step to the next */
  if (self->explain != NULL && gtk_drop_down_get_selected (self->parameter_dropdown) != GTK_INVALID_LIST_POSITION)
    chosen = MIN (gtk_drop_down_get_selected (self->parameter_dropdown), self->explain->parameters->len - 1);
  self->updating = TRUE;
  gtk_drop_down_set_model (self->parameter_dropdown, G_LIST_MODEL (names));
  if (self->explain != NULL && self->explain->parameters->len > 0)
    gtk_drop_down_set_selected (self->parameter_dropdown, chosen);
  self->updating = FALSE;
}

static void
parameter_chosen_cb (NnbStepBar *self)
{
  guint index = gtk_drop_down_get_selected (self->parameter_dropdown);
  const NnbStepParameter *p;

  if (self->explain == NULL || index == GTK_INVALID_LIST_POSITION || index >= self->explain->parameters->len)
    return;
  p = self->explain->parameters->pdata[index];
  gtk_spin_button_set_range (self->element_spin, 0, MAX (0, (p->before != NULL ? p->before->numel : 1) - 1));
  if (!self->updating)
    show_stage (self);
}

static void
element_chosen_cb (NnbStepBar *self)
{
  if (!self->updating && self->explain != NULL)
    show_stage (self);
}

/* API */

void
nnb_step_bar_set_explain (NnbStepBar *self, NnbStepExplain *explain)
{
  g_return_if_fail (NNB_IS_STEP_BAR (self));

  if (explain != NULL)
    nnb_step_explain_ref (explain);
  g_clear_pointer (&self->explain, nnb_step_explain_unref);
  self->explain = explain;
  fill_parameters (self);
  parameter_chosen_cb (self);
  self->stage = NNB_EXPLAIN_FORWARD;
  show_stage (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STAGE]);
}

NnbStepExplain *
nnb_step_bar_get_explain (NnbStepBar *self)
{
  g_return_val_if_fail (NNB_IS_STEP_BAR (self), NULL);
  return self->explain;
}

NnbExplainStage
nnb_step_bar_get_stage (NnbStepBar *self)
{
  g_return_val_if_fail (NNB_IS_STEP_BAR (self), NNB_EXPLAIN_FORWARD);
  return self->stage;
}

void
nnb_step_bar_set_stage (NnbStepBar *self, NnbExplainStage stage)
{
  g_return_if_fail (NNB_IS_STEP_BAR (self));
  g_return_if_fail (stage < NNB_EXPLAIN_N_STAGES);

  if (self->explain == NULL)
    stage = NNB_EXPLAIN_FORWARD;
  if (self->stage == stage)
    {
      show_stage (self);
      return;
    }
  self->stage = stage;
  show_stage (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STAGE]);
}

void
nnb_step_bar_next (NnbStepBar *self)
{
  g_return_if_fail (NNB_IS_STEP_BAR (self));

  if (self->explain == NULL)
    return;
  if (self->stage == NNB_EXPLAIN_ZERO_GRAD)
    g_signal_emit (self, signals[SIGNAL_NEXT_STEP], 0);
  else
    nnb_step_bar_set_stage (self, self->stage + 1);
}

void
nnb_step_bar_back (NnbStepBar *self)
{
  g_return_if_fail (NNB_IS_STEP_BAR (self));

  if (self->explain != NULL && self->stage > NNB_EXPLAIN_FORWARD)
    nnb_step_bar_set_stage (self, self->stage - 1);
}

gboolean
nnb_step_bar_get_skip_zero_grad (NnbStepBar *self)
{
  g_return_val_if_fail (NNB_IS_STEP_BAR (self), FALSE);
  return gtk_check_button_get_active (self->skip_check);
}

char *
nnb_step_bar_get_text (NnbStepBar *self)
{
  g_return_val_if_fail (NNB_IS_STEP_BAR (self), NULL);

  return g_strdup_printf ("%s  %s\n%s\n%s", stage_code[self->stage], stage_sentence (self->stage),
                          gtk_label_get_text (self->where_label), gtk_label_get_text (self->details_label));
}

/* The widget */

static void
stage_toggled_cb (GtkToggleButton *button, NnbStepBar *self)
{
  if (self->updating || !gtk_toggle_button_get_active (button))
    return;
  for (int s = 0; s < NNB_EXPLAIN_N_STAGES; s++)
    if (self->stage_buttons[s] == button)
      nnb_step_bar_set_stage (self, s);
}

static void
next_clicked_cb (NnbStepBar *self)
{
  nnb_step_bar_next (self);
}

static void
back_clicked_cb (NnbStepBar *self)
{
  nnb_step_bar_back (self);
}

static void
close_clicked_cb (NnbStepBar *self)
{
  g_signal_emit (self, signals[SIGNAL_CLOSE], 0);
}

static void
nnb_step_bar_dispose (GObject *object)
{
  NnbStepBar *self = NNB_STEP_BAR (object);

  g_clear_pointer (&self->explain, nnb_step_explain_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), NNB_TYPE_STEP_BAR);
  G_OBJECT_CLASS (nnb_step_bar_parent_class)->dispose (object);
}

static void
nnb_step_bar_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  NnbStepBar *self = NNB_STEP_BAR (object);

  switch (prop_id)
    {
    case PROP_STAGE:
      g_value_set_int (value, self->stage);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nnb_step_bar_class_init (NnbStepBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nnb_step_bar_dispose;
  object_class->get_property = nnb_step_bar_get_property;

  properties[PROP_STAGE] = g_param_spec_int ("stage", NULL, NULL, 0, NNB_EXPLAIN_N_STAGES - 1, 0,
                                             G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Next pressed at Zero grad: the window explains another step. */
  signals[SIGNAL_NEXT_STEP] = g_signal_new ("next-step", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                            NULL, G_TYPE_NONE, 0);
  /* The close button or Escape. */
  signals[SIGNAL_CLOSE] = g_signal_new ("close", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION, 0,
                                        NULL, NULL, NULL, G_TYPE_NONE, 0);
  gtk_widget_class_add_binding_signal (widget_class, GDK_KEY_Escape, 0, "close", NULL);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/nnblocks/NNBlocks/ui/nnb-step-bar.ui");
  gtk_widget_class_bind_template_child (widget_class, NnbStepBar, box);
  gtk_widget_class_bind_template_child_full (widget_class, "forward_button", FALSE,
                                             G_STRUCT_OFFSET (NnbStepBar, stage_buttons[NNB_EXPLAIN_FORWARD]));
  gtk_widget_class_bind_template_child_full (widget_class, "loss_button", FALSE,
                                             G_STRUCT_OFFSET (NnbStepBar, stage_buttons[NNB_EXPLAIN_LOSS]));
  gtk_widget_class_bind_template_child_full (widget_class, "backward_button", FALSE,
                                             G_STRUCT_OFFSET (NnbStepBar, stage_buttons[NNB_EXPLAIN_BACKWARD]));
  gtk_widget_class_bind_template_child_full (widget_class, "step_button", FALSE,
                                             G_STRUCT_OFFSET (NnbStepBar, stage_buttons[NNB_EXPLAIN_STEP]));
  gtk_widget_class_bind_template_child_full (widget_class, "zero_grad_button", FALSE,
                                             G_STRUCT_OFFSET (NnbStepBar, stage_buttons[NNB_EXPLAIN_ZERO_GRAD]));
  gtk_widget_class_bind_template_child (widget_class, NnbStepBar, where_label);
  gtk_widget_class_bind_template_child (widget_class, NnbStepBar, back_button);
  gtk_widget_class_bind_template_child (widget_class, NnbStepBar, next_button);
  gtk_widget_class_bind_template_child (widget_class, NnbStepBar, close_button);
  gtk_widget_class_bind_template_child (widget_class, NnbStepBar, sentence_label);
  gtk_widget_class_bind_template_child (widget_class, NnbStepBar, choice_box);
  gtk_widget_class_bind_template_child (widget_class, NnbStepBar, parameter_dropdown);
  gtk_widget_class_bind_template_child (widget_class, NnbStepBar, element_spin);
  gtk_widget_class_bind_template_child (widget_class, NnbStepBar, skip_check);
  gtk_widget_class_bind_template_child (widget_class, NnbStepBar, details_label);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "stepbar");
}

static void
nnb_step_bar_init (NnbStepBar *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  for (int s = 0; s < NNB_EXPLAIN_N_STAGES; s++)
    g_signal_connect (self->stage_buttons[s], "toggled", G_CALLBACK (stage_toggled_cb), self);
  g_signal_connect_swapped (self->next_button, "clicked", G_CALLBACK (next_clicked_cb), self);
  g_signal_connect_swapped (self->back_button, "clicked", G_CALLBACK (back_clicked_cb), self);
  g_signal_connect_swapped (self->close_button, "clicked", G_CALLBACK (close_clicked_cb), self);
  g_signal_connect_swapped (self->parameter_dropdown, "notify::selected", G_CALLBACK (parameter_chosen_cb), self);
  g_signal_connect_swapped (self->element_spin, "value-changed", G_CALLBACK (element_chosen_cb), self);
  show_stage (self);
}
