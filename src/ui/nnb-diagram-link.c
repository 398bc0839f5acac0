/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-diagram-link.c — one selection across the diagram and the parameter
 * tree. The tree replaces its selection model with every model it shows,
 * so the link follows the column view's "model". */
#include "nnb-config.h"

#include "nnb-diagram-link.h"
#include "nnb-parameter-row.h"

typedef struct
{
  NnbDiagramView *view;    /* weak */
  GtkColumnView *columns;  /* weak */
  GtkSelectionModel *rows; /* the column view's current model, ref'd */
  gboolean syncing;        /* one side is following the other */
} Link;

static void
link_free (gpointer data)
{
  Link *link = data;

  if (link->rows != NULL)
    g_signal_handlers_disconnect_by_data (link->rows, link);
  g_clear_object (&link->rows);
  if (link->columns != NULL)
    {
      g_signal_handlers_disconnect_by_data (link->columns, link);
      g_object_remove_weak_pointer (G_OBJECT (link->columns), (gpointer *) &link->columns);
    }
  if (link->view != NULL)
    g_object_remove_weak_pointer (G_OBJECT (link->view), (gpointer *) &link->view);
  g_free (link);
}

/* "fc1.weight" and "net.0.bias" belong to the top-level modules fc1 and net;
 * a bare nn.Linear's "weight" to its one module, named "". */
static char *
module_of (NnbParameterRow *item)
{
  const char *dotted = nnb_parameter_row_get_name (item);

  if (nnb_parameter_row_is_parameter (item) && strchr (dotted, '.') == NULL)
    return g_strdup ("");
  return g_strndup (dotted, strcspn (dotted, "."));
}

static void
rows_changed_cb (GtkSelectionModel *rows, guint position, guint n_items, Link *link)
{
  GtkBitset *selected;
  g_autoptr (GtkTreeListRow) row = NULL;
  NnbParameterRow *item;
  g_autofree char *module = NULL;

  if (link->syncing || link->view == NULL)
    return;
  selected = gtk_selection_model_get_selection (rows);
  if (gtk_bitset_is_empty (selected))
    {
      gtk_bitset_unref (selected);
      return;
    }
  row = g_list_model_get_item (G_LIST_MODEL (rows), gtk_bitset_get_minimum (selected));
  gtk_bitset_unref (selected);
  item = NNB_PARAMETER_ROW (gtk_tree_list_row_get_item (row));
  module = module_of (item);
  g_object_unref (item);

  link->syncing = TRUE;
  nnb_diagram_view_select_module (link->view, module);
  link->syncing = FALSE;
}

static void
follow_model (Link *link)
{
  GtkSelectionModel *rows = link->columns != NULL ? gtk_column_view_get_model (link->columns) : NULL;

  if (link->rows != NULL)
    g_signal_handlers_disconnect_by_data (link->rows, link);
  g_set_object (&link->rows, rows);
  if (rows != NULL)
    g_signal_connect (rows, "selection-changed", G_CALLBACK (rows_changed_cb), link);
}

static void
model_notify_cb (GtkColumnView *columns, GParamSpec *pspec, Link *link)
{
  follow_model (link);
}

static void
blocks_changed_cb (NnbDiagramView *view, Link *link)
{
  g_autoptr (GArray) blocks = nnb_diagram_view_get_selection (view);
  const NnbGraph *graph = nnb_diagram_view_get_graph (view);
  NnbGraphModule *module;
  guint n;

  if (link->syncing || link->rows == NULL || graph == NULL || blocks->len != 1)
    return;
  module = nnb_graph_block_module (graph, g_array_index (blocks, int, 0));
  if (module == NULL)
    return;

  n = g_list_model_get_n_items (G_LIST_MODEL (link->rows));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (GtkTreeListRow) row = g_list_model_get_item (G_LIST_MODEL (link->rows), i);
      g_autoptr (NnbParameterRow) item = NNB_PARAMETER_ROW (gtk_tree_list_row_get_item (row));

      if (g_strcmp0 (nnb_parameter_row_get_name (item), module->name) == 0)
        {
          link->syncing = TRUE;
          gtk_selection_model_select_item (link->rows, i, TRUE);
          link->syncing = FALSE;
          return;
        }
    }
}

void
nnb_diagram_link_parameters (NnbDiagramView *view, NnbParameterView *parameters)
{
  Link *link;

  g_return_if_fail (NNB_IS_DIAGRAM_VIEW (view));
  g_return_if_fail (NNB_IS_PARAMETER_VIEW (parameters));

  link = g_new0 (Link, 1);
  link->view = view;
  link->columns = GTK_COLUMN_VIEW (gtk_widget_get_template_child (GTK_WIDGET (parameters), NNB_TYPE_PARAMETER_VIEW,
                                                                  "column_view"));
  g_return_if_fail (link->columns != NULL);
  g_object_add_weak_pointer (G_OBJECT (link->view), (gpointer *) &link->view);
  g_object_add_weak_pointer (G_OBJECT (link->columns), (gpointer *) &link->columns);
  g_signal_connect (link->columns, "notify::model", G_CALLBACK (model_notify_cb), link);
  g_signal_connect (view, "selection-changed", G_CALLBACK (blocks_changed_cb), link);
  follow_model (link);
  /* freed with the view, which outlives nothing it is linked to */
  g_object_set_data_full (G_OBJECT (view), "nnb-diagram-link", link, link_free);
}
