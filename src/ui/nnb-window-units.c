/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-window-units.c — the "Units" tab follows the diagram's selection:
 * which block it shows, and where its numbers come from.
 *
 * With a trainer, the trainer's snapshots carry the watched block's units
 * (nnb_trainer_watch_node), live while it trains and at once when paused:
 * the worker owns the model, so only it may run a forward. Without one,
 * the model is the window's, and the units are computed here on the main
 * thread (a forward on the plotting grid: a fraction of a millisecond). */
#include "nnb-config.h"

#include <glib/gi18n.h>

#include "nnb-data-plot.h"
#include "nnb-units-view.h"
#include "nnb-window-private.h"

/* The block to show: FALSE, with the view saying why, when there is none. */
static gboolean
units_target (NnbWindow *self, int *node, int *layer, char **block, char **what)
{
  const NnbGraph *graph = nnb_diagram_view_get_graph (self->diagram_view);
  g_autoptr (GArray) chosen = NULL;
  NnbGraphModule *module;
  int b;

  if (self->document == NULL || graph == NULL)
    {
      nnb_units_view_show_message (self->units_view, _("Open a project to see what each unit of a block computes."));
      return FALSE;
    }
  chosen = nnb_diagram_view_get_selection (self->diagram_view);
  if (chosen->len != 1)
    {
      nnb_units_view_show_message (self->units_view,
                                   chosen->len == 0 ? _("Select one block to see what each of its output units computes.")
                                                    : _("Several blocks are selected: select just one to see its units."));
      return FALSE;
    }
  b = g_array_index (chosen, int, 0);
  /* the document rebuilt before the diagram caught up: its ::selection-changed follows */
  if (b < 0 || (guint) b >= graph->blocks->len ||
      graph->blocks->len != nnb_document_get_project (self->document)->model->nodes->len)
    return FALSE;
  *node = b;
  *layer = nnb_diagram_view_get_chosen_layer (self->diagram_view, b);
  module = nnb_graph_block_child (graph, b, *layer);
  if (*layer >= 0)
    *block = g_strdup_printf ("%s[%d]", nnb_graph_get_block (graph, b)->name, *layer);
  else
    *block = g_strdup (nnb_graph_get_block (graph, b)->name);
  *what = g_strdup (module != NULL ? nnb_module_kind_to_string (module->kind)
                                   : nnb_block_kind_to_string (nnb_graph_block_kind (graph, b)));
  return TRUE;
}

/* Shows units when they are the target's; a sentence when they say why
 * they cannot be drawn. keep: the snapshot holding them, or NULL (the
 * view takes them). */
static void
show_units (NnbWindow *self, const char *block, const char *what, NnbUnits *units, NnbSnapshot *keep)
{
  g_autofree char *heading = NULL;

  if (units->features == 0)
    {
      g_autofree char *message = g_strdup_printf (_("The output of %s is not a (batch, features) table, so it has no units to draw."), block);
      nnb_units_view_show_message (self->units_view, message);
    }
  else if (units->units == 0)
    {
      g_autofree char *message = g_strdup_printf (_("%s has %d output units; this view draws blocks with at most %d."), block,
                                                  units->features, NNB_UNITS_MAX);
      nnb_units_view_show_message (self->units_view, message);
    }
  else
    {
      heading = g_strdup_printf (units->inputs == 2 ? _("%s (%s): %d units, each over the input plane — blue below 0, red above")
                                                    : _("%s (%s): %d units, each a curve over x"),
                                 block, what, units->units);
      /* a model with a mode says which one the units were drawn in */
      if (keep != NULL && keep->has_mode)
        {
          char *with_mode = g_strdup_printf (keep->drawn_training ? _("%s; drawn in model.train()")
                                                                  : _("%s; drawn in model.eval()"),
                                             heading);
          g_free (heading);
          heading = with_mode;
        }
      nnb_units_view_show_units (self->units_view, block, heading, units, keep);
      return;
    }
  if (keep == NULL)
    nnb_units_free (units);
}

void
_nnb_window_units_follow (NnbWindow *self, NnbSnapshot *snapshot)
{
  g_autofree char *block = NULL, *what = NULL;
  NnbTrainer *trainer;
  int node, layer;

  if (!units_target (self, &node, &layer, &block, &what))
    {
      if (self->document != NULL && (trainer = nnb_document_get_trainer (self->document)) != NULL)
        nnb_trainer_watch_node (trainer, -1, -1);
      return;
    }
  trainer = nnb_document_get_trainer (self->document);
  if (trainer != NULL)
    {
      /* cheap when unchanged; a new trainer learns the block here */
      nnb_trainer_watch_node (trainer, node, layer);
      if (snapshot != NULL && snapshot->units != NULL && snapshot->units->node == node && snapshot->units->layer == layer)
        show_units (self, block, what, snapshot->units, snapshot);
      else if (nnb_units_view_get_units (self->units_view) == NULL)
        nnb_units_view_show_message (self->units_view, _("Computing the units…"));
    }
  else
    {
      NnbProject *project = nnb_document_get_project (self->document);
      NnbDataset *data = nnb_document_get_dataset (self->document);
      double x_min, x_max;
      g_autoptr (GError) error = NULL;
      NnbUnits *units;

      /* the grid the trainer will plot on (nnb_document_ensure_trainer) */
      nnb_data_plot_grid (data, &x_min, &x_max);
      units = nnb_units_compute (project->model, data, NNB_DOCUMENT_GRID_POINTS, x_min, x_max, node, layer, &error);
      if (units == NULL)
        nnb_units_view_show_message (self->units_view, error->message);
      else
        show_units (self, block, what, units, NULL);
    }
}

static void
selection_changed_cb (NnbWindow *self)
{
  g_assert (NNB_IS_WINDOW (self));

  _nnb_window_units_follow (self, self->snapshot);
  /* a paused trainer publishes the new block's units: take them */
  if (self->document != NULL && nnb_document_get_trainer (self->document) != NULL && !_nnb_window_is_running (self))
    _nnb_window_watch_trainer (self);
}

void
_nnb_window_units_init (NnbWindow *self)
{
  g_signal_connect_swapped (self->diagram_view, "selection-changed", G_CALLBACK (selection_changed_cb), self);
}
