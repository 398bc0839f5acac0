/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-units-view.c — the "Units" tab (see the header). */
#include "nnb-units-view.h"

#include <glib/gi18n.h>

#include "nnb-diagram-view.h"
#include "nnb-plot-units.h"

struct _NnbUnitsView
{
  GtkWidget parent_instance;

  /* Template widgets */
  GtkWidget *box;
  GtkLabel *heading;
  GtkScrolledWindow *scroller;
  GtkDrawingArea *area;

  /* Owned references */
  NnbSnapshot *keep; /* holds units when they are a snapshot's */
  NnbUnits *owned;   /* or the units themselves */
  const NnbUnits *units;
  char *block;
  int last_width; /* the area's width its height was asked for at */
};

G_DEFINE_FINAL_TYPE (NnbUnitsView, nnb_units_view, GTK_TYPE_WIDGET)

static void
series_of (NnbUnitsView *self, NnbUnitsSeries *series)
{
  series->units = self->units;
  series->block = self->block;
}

/* The area asks for the height its plots take at its width, so the
 * scrolled window scrolls through them all. */
static void
fit_height (NnbUnitsView *self, int width)
{
  NnbPlotStyle style;
  NnbUnitsSeries series;

  nnb_plot_style_for_widget (GTK_WIDGET (self->area), &style);
  series_of (self, &series);
  self->last_width = width;
  gtk_drawing_area_set_content_height (self->area, MAX (1, nnb_plot_units_height (width, &series, &style)));
}

static void
draw_cb (GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer user_data)
{
  NnbUnitsView *self = user_data;
  NnbPlotStyle style;
  NnbUnitsSeries series;

  nnb_plot_style_for_widget (GTK_WIDGET (area), &style);
  style.background[3] = 0;
  series_of (self, &series);
  nnb_plot_units_draw (cr, width, height, &series, &style);
}

static void
resize_cb (GtkDrawingArea *area, int width, int height, gpointer user_data)
{
  NnbUnitsView *self = user_data;

  if (width != self->last_width)
    fit_height (self, width);
}

static void
clear_units (NnbUnitsView *self)
{
  g_clear_pointer (&self->keep, nnb_snapshot_unref);
  g_clear_pointer (&self->owned, nnb_units_free);
  self->units = NULL;
}

void
nnb_units_view_show_message (NnbUnitsView *self, const char *message)
{
  g_return_if_fail (NNB_IS_UNITS_VIEW (self));

  clear_units (self);
  if (g_strcmp0 (gtk_label_get_text (self->heading), message) != 0)
    gtk_label_set_text (self->heading, message);
  gtk_widget_set_visible (GTK_WIDGET (self->scroller), FALSE);
}

void
nnb_units_view_show_units (NnbUnitsView *self, const char *block, const char *heading, const NnbUnits *units,
                           NnbSnapshot *keep)
{
  g_return_if_fail (NNB_IS_UNITS_VIEW (self));

  if (keep != NULL)
    nnb_snapshot_ref (keep);
  clear_units (self);
  self->keep = keep;
  if (keep == NULL)
    self->owned = (NnbUnits *) units;
  self->units = units;
  g_free (self->block);
  self->block = g_strdup (block);
  /* a new snapshot each frame while training: the text stays put */
  if (g_strcmp0 (gtk_label_get_text (self->heading), heading) != 0)
    gtk_label_set_text (self->heading, heading);
  gtk_widget_set_visible (GTK_WIDGET (self->scroller), TRUE);
  fit_height (self, gtk_widget_get_width (GTK_WIDGET (self->area)));
  gtk_widget_queue_draw (GTK_WIDGET (self->area));
}

const NnbUnits *
nnb_units_view_get_units (NnbUnitsView *self)
{
  return self->units;
}

const char *
nnb_units_view_get_text (NnbUnitsView *self)
{
  return gtk_label_get_text (self->heading);
}

static void
nnb_units_view_dispose (GObject *object)
{
  NnbUnitsView *self = NNB_UNITS_VIEW (object);

  clear_units (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), NNB_TYPE_UNITS_VIEW);
  G_OBJECT_CLASS (nnb_units_view_parent_class)->dispose (object);
}

static void
nnb_units_view_finalize (GObject *object)
{
  g_free (NNB_UNITS_VIEW (object)->block);
  G_OBJECT_CLASS (nnb_units_view_parent_class)->finalize (object);
}

static void
nnb_units_view_class_init (NnbUnitsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nnb_units_view_dispose;
  object_class->finalize = nnb_units_view_finalize;
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/nnblocks/NNBlocks/ui/nnb-units-view.ui");
  gtk_widget_class_bind_template_child (widget_class, NnbUnitsView, box);
  gtk_widget_class_bind_template_child (widget_class, NnbUnitsView, heading);
  gtk_widget_class_bind_template_child (widget_class, NnbUnitsView, scroller);
  gtk_widget_class_bind_template_child (widget_class, NnbUnitsView, area);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
nnb_units_view_init (NnbUnitsView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_drawing_area_set_draw_func (self->area, draw_cb, self, NULL);
  g_signal_connect (self->area, "resize", G_CALLBACK (resize_cb), self);
  self->last_width = -1;
  nnb_units_view_show_message (self, _("Select one block to see what each of its output units computes."));
}
