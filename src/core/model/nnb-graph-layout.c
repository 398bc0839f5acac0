/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-graph-layout.c — placing a graph's blocks: when a file gives no
 * positions, and when the student asks the editor to tidy the diagram.
 *
 * Layers by longest path from a source; long wires get a placeholder in each
 * layer they cross, so the blocks of a skipped path move aside and the skip
 * connection runs straight. */

#include "nnb-graph-private.h"

typedef struct
{
  int block;  /* -1 for a placeholder */
  double key; /* mean row of what feeds it, for ordering */
  int pred;   /* placeholder: the item (index in the previous layer) feeding it */
} LayoutItem;

/* Each block's layer is its longest path from a source, found by repeated
 * relaxation (the graph has no loop). Returns the number of layers. */
static int
assign_layers (const NnbGraph *graph, int *layer)
{
  guint n = graph->blocks->len;
  g_autofree gboolean *done = g_new0 (gboolean, n + 1);
  int n_layers = 0;
  guint placed = 0;

  while (placed < n)
    {
      gboolean progress = FALSE;

      for (guint i = 0; i < n; i++)
        {
          NnbGraphBlock *block = graph->blocks->pdata[i];
          gboolean ready = TRUE;
          int depth = 0;

          if (done[i])
            continue;
          for (int s = 0; s < block->n_inputs; s++)
            if (block->inputs[s] >= 0)
              {
                if (!done[block->inputs[s]])
                  ready = FALSE;
                else
                  depth = MAX (depth, layer[block->inputs[s]] + 1);
              }
          if (ready)
            {
              layer[i] = depth;
              done[i] = TRUE;
              placed++;
              progress = TRUE;
            }
        }
      if (!progress) /* a loop: should not happen; put the rest at the end */
        for (guint i = 0; i < n; i++)
          if (!done[i])
            layer[i] = 0, done[i] = TRUE, placed++;
    }
  for (guint i = 0; i < n; i++)
    n_layers = MAX (n_layers, layer[i] + 1);
  return n_layers;
}

/* The blocks of layer l, keyed by the rows of what feeds them (a block
 * above, or the placeholder of a long wire in the layer above). */
static void
add_layer_blocks (const NnbGraph *graph, const int *layer, const int *row, int l,
                  GArray *above, GArray *items)
{
  for (guint i = 0; i < graph->blocks->len; i++)
    if (layer[i] == l)
      {
        NnbGraphBlock *block = graph->blocks->pdata[i];
        LayoutItem item = { (int) i, (double) i * 1e-3, -1 };
        double sum = 0;
        int count = 0;

        for (int s = 0; s < block->n_inputs; s++)
          {
            int from = block->inputs[s];
            if (from < 0 || above == NULL)
              continue;
            if (layer[from] == l - 1)
              sum += row[from], count++;
            else
              for (guint k = 0; k < above->len; k++)
                {
                  LayoutItem *p = &g_array_index (above, LayoutItem, k);
                  /* the placeholder of this wire in the layer above */
                  if (p->block < 0 && p->pred == from)
                    sum += k, count++;
                }
          }
        if (count > 0)
          item.key = sum / count + item.key;
        g_array_append_val (items, item);
      }
}

/* Placeholders for the wires that pass through layer l. */
static void
add_placeholders (const NnbGraph *graph, const int *layer, const int *row, int l,
                  GArray *above, GArray *items)
{
  guint n = graph->blocks->len;

  for (guint i = 0; i < n; i++)
    {
      gboolean needed = FALSE;

      if (layer[i] >= l)
        continue;
      for (guint j = 0; j < n && !needed; j++)
        {
          NnbGraphBlock *block = graph->blocks->pdata[j];
          for (int s = 0; s < block->n_inputs; s++)
            if (block->inputs[s] == (int) i && layer[j] > l)
              needed = TRUE;
        }
      if (needed)
        {
          /* after the blocks with the same key: the main path stays first */
          LayoutItem item = { -1, (layer[i] == l - 1 ? row[i] : 0) + 0.5, (int) i };

          if (above != NULL && layer[i] < l - 1)
            for (guint k = 0; k < above->len; k++)
              if (g_array_index (above, LayoutItem, k).block < 0 && g_array_index (above, LayoutItem, k).pred == (int) i)
                item.key = k + 0.5;
          g_array_append_val (items, item);
        }
    }
}

/* Order by key (insertion sort: layers are small, and it keeps equal keys
 * in the order they came). */
static void
sort_by_key (GArray *items)
{
  for (guint a = 1; a < items->len; a++)
    for (guint b = a; b > 0 && g_array_index (items, LayoutItem, b).key < g_array_index (items, LayoutItem, b - 1).key; b--)
      {
        LayoutItem t = g_array_index (items, LayoutItem, b);
        g_array_index (items, LayoutItem, b) = g_array_index (items, LayoutItem, b - 1);
        g_array_index (items, LayoutItem, b - 1) = t;
      }
}

/* Moves the blocks of layer l to their rows, and remembers each row. */
static void
place_layer (NnbGraph *graph, GArray *items, int l, int *row)
{
  for (guint k = 0; k < items->len; k++)
    {
      LayoutItem *item = &g_array_index (items, LayoutItem, k);
      if (item->block >= 0)
        {
          NnbGraphBlock *block = graph->blocks->pdata[item->block];
          row[item->block] = k;
          block->x = l * NNB_GRAPH_LAYER_DX;
          /* rows centred on the layer, so a chain stays on one line */
          block->y = (k - (items->len - 1) / 2.0) * NNB_GRAPH_LAYER_DY;
        }
    }
}

void
nnb_graph_layout (NnbGraph *graph)
{
  guint n = graph->blocks->len;
  g_autofree int *layer = g_new0 (int, n + 1);
  g_autofree int *row = g_new0 (int, n + 1);
  g_autoptr (GPtrArray) layers = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  int n_layers;

  if (n == 0)
    return;

  n_layers = assign_layers (graph, layer);
  for (int l = 0; l < n_layers; l++)
    g_ptr_array_add (layers, g_array_new (FALSE, FALSE, sizeof (LayoutItem)));
  for (int l = 0; l < n_layers; l++)
    {
      GArray *items = layers->pdata[l];
      GArray *above = l > 0 ? layers->pdata[l - 1] : NULL;

      add_layer_blocks (graph, layer, row, l, above, items);
      add_placeholders (graph, layer, row, l, above, items);
      sort_by_key (items);
      place_layer (graph, items, l, row);
    }
}
