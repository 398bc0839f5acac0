/* nnb-diagram-view.c — the diagram on screen. */
#include "nnb-config.h"

#include <adwaita.h>

#include "nnb-diagram-view.h"
#include "nnb-diagram.h"

struct _NnbDiagramView
{
  GtkDrawingArea parent_instance;

  NnbDocument *document;
  NnbNodeShape *shapes; /* one per node; NULL when not inferred */
  guint n_shapes;
};

G_DEFINE_FINAL_TYPE (NnbDiagramView, nnb_diagram_view, GTK_TYPE_DRAWING_AREA)

void
nnb_plot_style_for_widget (GtkWidget *widget, NnbPlotStyle *style)
{
  PangoContext *context = gtk_widget_get_pango_context (widget);
  const PangoFontDescription *font = pango_context_get_font_description (context);
  double size = pango_font_description_get_size (font) / (double) PANGO_SCALE;
  AdwStyleManager *manager = adw_style_manager_get_default ();
  GdkRGBA color;

  memset (style, 0, sizeof *style);

  /* Sizes follow the widget's CSS font, so presentation mode (style.css)
   * enlarges the plots' type and lines with everything else. */
  if (!pango_font_description_get_size_is_absolute (font))
    size *= 96.0 / 72.0; /* points to pixels, at GTK's reference resolution */
  if (size <= 0)
    size = 14.0;

  style->font_family = pango_font_description_get_family (font);

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &color);
  style->foreground[0] = color.red;
  style->foreground[1] = color.green;
  style->foreground[2] = color.blue;
  style->foreground[3] = color.alpha;
  style->font_size = size;
  style->line_width = MAX (1.0, size / 10.0);

  /* libadwaita 1.2's accent blue, lighter on dark backgrounds where the
   * darker one would be hard to see. */
  if (adw_style_manager_get_dark (manager))
    {
      style->accent[0] = 0.47, style->accent[1] = 0.68, style->accent[2] = 0.93;
      style->background[0] = 0.12, style->background[1] = 0.12, style->background[2] = 0.12;
    }
  else
    {
      style->accent[0] = 0.11, style->accent[1] = 0.44, style->accent[2] = 0.85;
      style->background[0] = 1, style->background[1] = 1, style->background[2] = 1;
    }
  style->accent[3] = 1.0;
  /* On screen the widget's own background shows; only blocks use this. */
  style->background[3] = 0.0;
}

GtkWidget *
nnb_diagram_view_new (void)
{
  return g_object_new (NNB_TYPE_DIAGRAM_VIEW, NULL);
}

static void
clear_shapes (NnbDiagramView *self)
{
  if (self->shapes != NULL)
    nnb_node_shapes_free (self->shapes, self->n_shapes);
  self->shapes = NULL;
  self->n_shapes = 0;
}

void
nnb_diagram_view_set_document (NnbDiagramView *self, NnbDocument *document)
{
  g_return_if_fail (NNB_IS_DIAGRAM_VIEW (self));

  g_set_object (&self->document, document);
  clear_shapes (self);

  if (document != NULL)
    {
      NnbProject *project = nnb_document_get_project (document);
      NnbDataset *data = nnb_document_get_dataset (document);
      int64_t in_features = nnb_model_input_features (project->model);
      int64_t input_shape[2];

      /* A model whose first block fixes no size takes the data's width. */
      if (in_features <= 0 && data != NULL)
        in_features = data->x->shape[data->x->ndim - 1];
      input_shape[0] = NNB_DIM_BATCH;
      input_shape[1] = MAX (1, in_features);
      /* Failures are drawn (the broken block in red), not reported here. */
      nnb_model_infer_shapes (project->model, 2, input_shape, &self->shapes, NULL);
      self->n_shapes = project->model->nodes->len;
    }

  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
nnb_diagram_view_draw_to (NnbDiagramView *self, cairo_t *cr, int width, int height,
                          const NnbPlotStyle *style)
{
  NnbProject *project;
  const NnbBlockPosition *positions = NULL;

  g_return_if_fail (NNB_IS_DIAGRAM_VIEW (self));

  if (self->document == NULL)
    return;

  project = nnb_document_get_project (self->document);
  if (project->positions != NULL && project->positions->len >= project->model->nodes->len)
    positions = (const NnbBlockPosition *) project->positions->data;
  nnb_diagram_draw (cr, width, height, project->model, positions, self->shapes, style);
}

static void
draw_cb (GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer user_data)
{
  NnbDiagramView *self = NNB_DIAGRAM_VIEW (area);
  NnbPlotStyle style;

  nnb_plot_style_for_widget (GTK_WIDGET (area), &style);
  /* The diagram paints the view's background itself: blocks need an
   * opaque base of that colour over the wires behind them. */
  style.background[3] = 1.0;
  nnb_diagram_view_draw_to (self, cr, width, height, &style);
}

static void
nnb_diagram_view_dispose (GObject *object)
{
  NnbDiagramView *self = NNB_DIAGRAM_VIEW (object);

  clear_shapes (self);
  g_clear_object (&self->document);

  G_OBJECT_CLASS (nnb_diagram_view_parent_class)->dispose (object);
}

static void
nnb_diagram_view_class_init (NnbDiagramViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nnb_diagram_view_dispose;
  gtk_widget_class_set_css_name (widget_class, "diagram");
}

static void
nnb_diagram_view_init (NnbDiagramView *self)
{
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self), draw_cb, NULL, NULL);
}
