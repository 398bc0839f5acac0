/* nnb-diagram-view.h — the block diagram of a document's model, read-only
 * for now (the editor comes later): a GtkDrawingArea that calls
 * nnb_diagram_draw with the widget's colours and font. */
#pragma once

#include <gtk/gtk.h>

#include "nnb-document.h"
#include "nnb-plot-axes.h"

G_BEGIN_DECLS

#define NNB_TYPE_DIAGRAM_VIEW (nnb_diagram_view_get_type ())
G_DECLARE_FINAL_TYPE (NnbDiagramView, nnb_diagram_view, NNB, DIAGRAM_VIEW, GtkDrawingArea)

GtkWidget *nnb_diagram_view_new (void);
/* Shows document's model (NULL: nothing) and infers its shapes again. */
void nnb_diagram_view_set_document (NnbDiagramView *self, NnbDocument *document);
/* Draws what the view shows into any cairo_t (a file), with style. */
void nnb_diagram_view_draw_to (NnbDiagramView *self, cairo_t *cr, int width, int height,
                               const NnbPlotStyle *style);

/* The colours, font and line width a plot drawn in widget should have. */
void nnb_plot_style_for_widget (GtkWidget *widget, NnbPlotStyle *style);

G_END_DECLS
