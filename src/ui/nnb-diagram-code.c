/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-diagram-code.c — an edit of the PyTorch code view as an edit of the
 * diagram: the structure the code builds replaces the graph in one undo
 * step, so the diagram's undo takes a code edit back like any other. */
#include "nnb-config.h"

#include "nnb-diagram-view-private.h"

/* Blocks keep their places by name; a new block sits where the automatic
 * layout puts it relative to its first input, so a layer typed into the
 * code appears after the block it follows. */
static void
keep_positions (const NnbGraph *old, NnbGraph *graph)
{
  g_autoptr (NnbGraph) laid_out = nnb_graph_copy (graph);

  for (guint i = 0; i < graph->blocks->len; i++)
    {
      NnbGraphBlock *block = graph->blocks->pdata[i];
      int before = nnb_graph_find_block (old, block->name);
      int from = block->n_inputs > 0 ? block->inputs[0] : -1;

      if (before >= 0)
        {
          const NnbGraphBlock *kept = old->blocks->pdata[before];

          nnb_graph_move (graph, i, kept->x, kept->y);
        }
      else if (from >= 0 && from < (int) i)
        {
          /* inputs come first: from's final place is known */
          const NnbGraphBlock *input = graph->blocks->pdata[from];
          const NnbGraphBlock *a = laid_out->blocks->pdata[from];
          const NnbGraphBlock *b = laid_out->blocks->pdata[i];

          nnb_graph_move (graph, i, input->x + (b->x - a->x), input->y + (b->y - a->y));
        }
    }
}

gboolean
nnb_diagram_view_apply_code_model (NnbDiagramView *self, NnbModel *model, GError **error)
{
  NnbGraph *before;

  g_return_val_if_fail (NNB_IS_DIAGRAM_VIEW (self), FALSE);
  g_return_val_if_fail (model != NULL, FALSE);

  before = nnb_dv_begin (self);
  if (before == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                           _("The model cannot change while it trains: pause or stop training first."));
      return FALSE;
    }
  /* block indices change with the structure */
  nnb_dv_select_none (self);
  self->focus = -1;
  nnb_graph_free (self->graph);
  self->graph = nnb_graph_from_model (model, NULL, 0);
  keep_positions (before, self->graph);
  if (!nnb_dv_commit (self, before, NULL))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, self->message);
      return FALSE;
    }
  return TRUE;
}
