/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-parameter-view.c — the parameter tree. Cells bind to NnbParameterRow
 * properties through GtkExpressions, so a snapshot changes a row's norms
 * and only the labels that show them redraw. */
#include "nnb-config.h"

#include <glib/gi18n.h>

#include "nnb-locale-format.h"
#include "nnb-parameter-row.h"
#include "nnb-parameter-view.h"
#include "nnb-ui-test-access.h" /* defines some of these */

struct _NnbParameterView
{
  GtkBox parent_instance;

  /* template children */
  GtkColumnView *column_view;
  GtkColumnViewColumn *name_column;
  GtkColumnViewColumn *shape_column;
  GtkColumnViewColumn *count_column;
  GtkColumnViewColumn *requires_grad_column;
  GtkColumnViewColumn *value_norm_column;
  GtkColumnViewColumn *grad_norm_column;
  GtkLabel *total_label;
  GtkLabel *state_label;

  GtkTreeListModel *tree;
  GPtrArray *parameter_rows; /* NnbParameterRow*, named_parameters() order */
  gint64 total;
  guint n_state_entries; /* len(model.state_dict()) */
  gint64 n_state_values; /* its tensors' elements */
  gboolean editable;
};

G_DEFINE_FINAL_TYPE (NnbParameterView, nnb_parameter_view, GTK_TYPE_BOX)

static GListModel *
create_children (gpointer item, gpointer user_data)
{
  GListModel *children = nnb_parameter_row_get_children (item);

  return children != NULL ? g_object_ref (children) : NULL;
}

/* list item → tree row → parameter row → property */
static GtkExpression *
row_property (const char *property)
{
  GtkExpression *expression = gtk_property_expression_new (GTK_TYPE_LIST_ITEM, NULL, "item");

  expression = gtk_property_expression_new (GTK_TYPE_TREE_LIST_ROW, expression, "item");
  return gtk_property_expression_new (NNB_TYPE_PARAMETER_ROW, expression, property);
}

static void
setup_label (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  const char *property = user_data;
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), g_str_equal (property, "shape") ? 0.0 : 1.0);
  gtk_widget_add_css_class (label, "numeric");
  /* A norm's column is as wide as "1.234e-05" (%.4g of a norm, never
   * negative) from the start: the first numbers of a run, or a norm that
   * gains a digit, then relabel their cells without widening the column,
   * which would relayout and repaint the whole tree in one frame. */
  if (g_str_has_suffix (property, "-norm-text"))
    gtk_label_set_width_chars (GTK_LABEL (label), 9);
  gtk_list_item_set_child (item, label);
  gtk_expression_bind (row_property (property), label, "label", item);
}

static void
setup_name (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  GtkWidget *expander = gtk_tree_expander_new ();
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_widget_add_css_class (label, "monospace");
  gtk_tree_expander_set_child (GTK_TREE_EXPANDER (expander), label);
  /* Screen readers name the row's expander by the name it shows. */
  gtk_accessible_update_relation (GTK_ACCESSIBLE (expander), GTK_ACCESSIBLE_RELATION_LABELLED_BY,
                                  label, NULL, -1);
  gtk_list_item_set_child (item, expander);
  gtk_expression_bind (row_property ("name"), label, "label", item);
}

/* A buffer's cells are dimmed (and its name in italics): state that is
 * saved with the model but that no optimizer trains. */
static void
style_buffer_cell (GtkWidget *label, GtkListItem *item, gboolean name)
{
  NnbParameterRow *row = gtk_tree_list_row_get_item (gtk_list_item_get_item (item));
  gboolean buffer = row != NULL && nnb_parameter_row_is_buffer (row);

  if (buffer)
    gtk_widget_add_css_class (label, "dim-label");
  else
    gtk_widget_remove_css_class (label, "dim-label");
  if (name && buffer)
    {
      g_autoptr (PangoAttrList) attrs = pango_attr_list_new ();

      pango_attr_list_insert (attrs, pango_attr_style_new (PANGO_STYLE_ITALIC));
      gtk_label_set_attributes (GTK_LABEL (label), attrs);
    }
  else if (name)
    gtk_label_set_attributes (GTK_LABEL (label), NULL);
  g_clear_object (&row);
}

static void
bind_label (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  style_buffer_cell (gtk_list_item_get_child (item), item, FALSE);
}

static void
bind_name (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  GtkTreeExpander *expander = GTK_TREE_EXPANDER (gtk_list_item_get_child (item));

  gtk_tree_expander_set_list_row (expander, gtk_list_item_get_item (item));
  style_buffer_cell (gtk_tree_expander_get_child (expander), item, TRUE);
}

static void
unbind_name (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (gtk_list_item_get_child (item)), NULL);
}

/* A parameter's requires_grad switch, or the word "buffer" where a buffer
 * has none: buffers are not trained, so there is nothing to switch. */
static void
setup_switch (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *toggle = gtk_switch_new ();
  /* Translators: in the requires_grad column, beside running_mean and
   * running_var: state_dict() saves them but no optimizer trains them */
  GtkWidget *mark = gtk_label_new (_("buffer"));

  gtk_widget_set_halign (box, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (mark, "dim-label");
  gtk_widget_add_css_class (mark, "caption");
  gtk_box_append (GTK_BOX (box), toggle);
  gtk_box_append (GTK_BOX (box), mark);
  gtk_list_item_set_child (item, box);
  gtk_expression_bind (row_property ("is-parameter"), toggle, "visible", item);
  gtk_expression_bind (row_property ("editable"), toggle, "sensitive", item);
  gtk_expression_bind (row_property ("is-buffer"), mark, "visible", item);
}

static void
bind_switch (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  GtkWidget *toggle = gtk_widget_get_first_child (gtk_list_item_get_child (item));
  NnbParameterRow *row = gtk_tree_list_row_get_item (gtk_list_item_get_item (item));
  GBinding *binding;

  /* Two ways, which expressions cannot do: the switch shows and sets
   * param->requires_grad. */
  binding = g_object_bind_property (row, "requires-grad", toggle, "active",
                                    G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_object_set_data (G_OBJECT (toggle), "binding", binding);
  {
    /* Translators: the accessible name of a parameter's switch; requires_grad
     * is PyTorch's attribute, %s the parameter's dotted name (fc1.weight) */
    g_autofree char *name = g_strdup_printf (_("requires_grad of %s"), nnb_parameter_row_get_name (row));

    gtk_accessible_update_property (GTK_ACCESSIBLE (toggle), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  }
  g_object_unref (row);
}

static void
unbind_switch (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  GtkWidget *toggle = gtk_widget_get_first_child (gtk_list_item_get_child (item));
  GBinding *binding = g_object_steal_data (G_OBJECT (toggle), "binding");

  if (binding != NULL)
    g_binding_unbind (binding);
}

static void
set_factory (GtkColumnViewColumn *column, GCallback setup, GCallback bind, GCallback unbind, const char *property)
{
  g_autoptr (GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (factory, "setup", setup, (gpointer) property);
  if (bind != NULL)
    g_signal_connect (factory, "bind", bind, NULL);
  if (unbind != NULL)
    g_signal_connect (factory, "unbind", unbind, NULL);
  gtk_column_view_column_set_factory (column, factory);
}

static void
collect_parameter_rows (NnbParameterView *self, GListModel *rows)
{
  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr (NnbParameterRow) row = g_list_model_get_item (rows, i);

      if (nnb_parameter_row_is_parameter (row))
        g_ptr_array_add (self->parameter_rows, g_object_ref (row));
      else if (!nnb_parameter_row_is_buffer (row))
        collect_parameter_rows (self, nnb_parameter_row_get_children (row));
    }
}

void
nnb_parameter_view_set_model (NnbParameterView *self, NnbModel *model)
{
  g_autoptr (GListStore) roots = g_list_store_new (NNB_TYPE_PARAMETER_ROW);
  g_autoptr (GtkSingleSelection) selection = NULL;
  g_autofree char *total = NULL;
  g_autofree char *count = NULL;

  g_return_if_fail (NNB_IS_PARAMETER_VIEW (self));

  g_ptr_array_set_size (self->parameter_rows, 0);
  self->total = 0;
  self->n_state_entries = 0;
  self->n_state_values = 0;

  if (model != NULL)
    {
      /* Modules in registration order, as named_modules() lists them; a
       * module called twice (act) is one row, its parameters counted once. */
      for (guint i = 0; i < model->modules->len; i++)
        {
          g_autoptr (NnbParameterRow) row =
            nnb_parameter_row_new_module (model->module_names->pdata[i], model->modules->pdata[i]);

          g_list_store_append (roots, row);
        }
      collect_parameter_rows (self, G_LIST_MODEL (roots));
      self->total = nnb_model_count_parameters (model);
      {
        g_autoptr (GPtrArray) state = nnb_model_state_dict (model);

        self->n_state_entries = state->len;
      }
      self->n_state_values = self->total + nnb_model_count_buffers (model);
    }

  for (guint i = 0; i < self->parameter_rows->len; i++)
    nnb_parameter_row_set_editable (self->parameter_rows->pdata[i], self->editable);

  g_clear_object (&self->tree);
  /* autoexpand: the point of the page is the parameters, not the modules */
  self->tree = gtk_tree_list_model_new (G_LIST_MODEL (g_object_ref (roots)), FALSE, TRUE,
                                        create_children, NULL, NULL);
  selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->tree)));
  gtk_single_selection_set_autoselect (selection, FALSE);
  gtk_single_selection_set_can_unselect (selection, TRUE);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (selection));

  count = nnb_locale_format_count (self->total);
  /* Translators: the total number of a model's parameters, e.g. "Total: 353 parameters" */
  total = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Total: %s parameter", "Total: %s parameters",
                                        (gulong) self->total),
                           count);
  gtk_label_set_text (self->total_label, model != NULL ? total : "");
  /* only where it says more than the line above: a model with buffers */
  gtk_widget_set_visible (GTK_WIDGET (self->state_label), self->n_state_values > self->total);
  if (self->n_state_values > self->total)
    {
      g_autofree char *values = nnb_locale_format_count (self->n_state_values);
      /* Translators: len(model.state_dict()) and its tensors' elements, for a
       * model with buffers, e.g. "state_dict(): 7 entries, 29 values (parameters and buffers)" */
      g_autofree char *entries = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "state_dict(): %u entry", "state_dict(): %u entries",
                                                               self->n_state_entries),
                                                  self->n_state_entries);
      /* Translators: the second half of the line above, %s the number of values */
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s, %s value (parameters and buffers)",
                                                            "%s, %s values (parameters and buffers)",
                                                            (gulong) self->n_state_values),
                                               entries, values);

      gtk_label_set_text (self->state_label, text);
    }
}

void
nnb_parameter_view_update (NnbParameterView *self, const NnbSnapshot *snapshot)
{
  g_return_if_fail (NNB_IS_PARAMETER_VIEW (self));

  for (guint i = 0; i < self->parameter_rows->len; i++)
    {
      NnbParameterRow *row = self->parameter_rows->pdata[i];
      double value_norm = NAN, grad_norm = NAN;

      /* The snapshot lists named_parameters() in the tree's order; the
       * names are compared anyway, in case the model changed since. */
      if (snapshot != NULL && snapshot->parameters != NULL && i < snapshot->parameters->len)
        {
          NnbParameterStats *stats = &g_array_index (snapshot->parameters, NnbParameterStats, i);

          if (g_strcmp0 (stats->name, nnb_parameter_row_get_name (row)) == 0)
            {
              value_norm = stats->value_norm;
              grad_norm = stats->grad_norm;
            }
        }
      nnb_parameter_row_set_norms (row, value_norm, grad_norm);
    }
}

void
nnb_parameter_view_set_compact (NnbParameterView *self, gboolean compact)
{
  g_return_if_fail (NNB_IS_PARAMETER_VIEW (self));

  /* What a class reads from afar is which tensors there are and how big;
   * requires_grad and the norms are for the student at the keyboard (the
   * norms plot shows them too). */
  gtk_column_view_column_set_visible (self->requires_grad_column, !compact);
  gtk_column_view_column_set_visible (self->value_norm_column, !compact);
  gtk_column_view_column_set_visible (self->grad_norm_column, !compact);
}

void
nnb_parameter_view_set_editable (NnbParameterView *self, gboolean editable)
{
  g_return_if_fail (NNB_IS_PARAMETER_VIEW (self));

  self->editable = editable;
  for (guint i = 0; i < self->parameter_rows->len; i++)
    nnb_parameter_row_set_editable (self->parameter_rows->pdata[i], editable);
}

GListModel *
nnb_parameter_view_get_rows (NnbParameterView *self)
{
  g_return_val_if_fail (NNB_IS_PARAMETER_VIEW (self), NULL);
  return self->tree != NULL ? G_LIST_MODEL (self->tree) : NULL;
}

gint64
nnb_parameter_view_get_total (NnbParameterView *self)
{
  g_return_val_if_fail (NNB_IS_PARAMETER_VIEW (self), 0);
  return self->total;
}

void
nnb_parameter_view_get_state_dict (NnbParameterView *self, guint *n_entries, gint64 *n_values)
{
  g_return_if_fail (NNB_IS_PARAMETER_VIEW (self));
  *n_entries = self->n_state_entries;
  *n_values = self->n_state_values;
}

const char *
nnb_parameter_view_get_state_text (NnbParameterView *self)
{
  g_return_val_if_fail (NNB_IS_PARAMETER_VIEW (self), NULL);
  return gtk_widget_get_visible (GTK_WIDGET (self->state_label)) ? gtk_label_get_text (self->state_label) : NULL;
}

static void
nnb_parameter_view_dispose (GObject *object)
{
  NnbParameterView *self = NNB_PARAMETER_VIEW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), NNB_TYPE_PARAMETER_VIEW);
  g_clear_object (&self->tree);
  g_clear_pointer (&self->parameter_rows, g_ptr_array_unref);

  G_OBJECT_CLASS (nnb_parameter_view_parent_class)->dispose (object);
}

static void
nnb_parameter_view_class_init (NnbParameterViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nnb_parameter_view_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/nnblocks/NNBlocks/ui/nnb-parameter-view.ui");
  gtk_widget_class_bind_template_child (widget_class, NnbParameterView, column_view);
  gtk_widget_class_bind_template_child (widget_class, NnbParameterView, name_column);
  gtk_widget_class_bind_template_child (widget_class, NnbParameterView, shape_column);
  gtk_widget_class_bind_template_child (widget_class, NnbParameterView, count_column);
  gtk_widget_class_bind_template_child (widget_class, NnbParameterView, requires_grad_column);
  gtk_widget_class_bind_template_child (widget_class, NnbParameterView, value_norm_column);
  gtk_widget_class_bind_template_child (widget_class, NnbParameterView, grad_norm_column);
  gtk_widget_class_bind_template_child (widget_class, NnbParameterView, total_label);
  gtk_widget_class_bind_template_child (widget_class, NnbParameterView, state_label);
}

static void
nnb_parameter_view_init (NnbParameterView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->parameter_rows = g_ptr_array_new_with_free_func (g_object_unref);

  set_factory (self->name_column, G_CALLBACK (setup_name), G_CALLBACK (bind_name), G_CALLBACK (unbind_name), NULL);
  set_factory (self->shape_column, G_CALLBACK (setup_label), G_CALLBACK (bind_label), NULL, "shape");
  set_factory (self->count_column, G_CALLBACK (setup_label), G_CALLBACK (bind_label), NULL, "count-text");
  set_factory (self->requires_grad_column, G_CALLBACK (setup_switch), G_CALLBACK (bind_switch),
               G_CALLBACK (unbind_switch), NULL);
  set_factory (self->value_norm_column, G_CALLBACK (setup_label), NULL, NULL, "value-norm-text");
  set_factory (self->grad_norm_column, G_CALLBACK (setup_label), NULL, NULL, "grad-norm-text");

  nnb_parameter_view_set_model (self, NULL);
}
