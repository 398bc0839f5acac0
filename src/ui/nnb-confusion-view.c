/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-confusion-view.c — the confusion matrix beside the loss (see the header). */
#include "nnb-config.h"

#include <glib/gi18n.h>

#include "nnb-confusion-view.h"
#include "nnb-diagram-view.h" /* nnb_plot_style_for_widget */

/* Screen readers hear what the matrix shows twice a second at most while
 * training: every frame would flood the accessibility bus. */
#define DESCRIBE_INTERVAL_US (500 * 1000)

struct _NnbConfusionView
{
  GtkWidget parent_instance;

  /* Template widgets */
  GtkWidget *overlay;
  GtkDrawingArea *area;
  GtkToggleButton *test_button;

  /* Owned references */
  NnbSnapshot *snapshot; /* the one drawn, or NULL */

  int n_classes;
  char *too_many; /* the message for more classes than a matrix is kept for */
  NnbPlotPointer pointer;
  gint64 described_us;
};

G_DEFINE_FINAL_TYPE (NnbConfusionView, nnb_confusion_view, GTK_TYPE_WIDGET)

static gboolean
shows_test (NnbConfusionView *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->test_button)) && gtk_toggle_button_get_active (self->test_button);
}

void
nnb_confusion_view_get_series (NnbConfusionView *self, NnbConfusionSeries *series)
{
  const NnbSnapshot *s;

  g_return_if_fail (NNB_IS_CONFUSION_VIEW (self) && series != NULL);

  s = self->snapshot;
  *series = (NnbConfusionSeries){ .n_classes = MIN (self->n_classes, NNB_CONFUSION_MAX_CLASSES),
                                  .test = shows_test (self),
                                  .pointer = self->pointer };
  if (s != NULL)
    series->matrix = series->test ? s->test_confusion : s->confusion;
  /* a sentence in place of the cells where there will be none; over the
   * empty cells, as the loss plot says it, until training counts them */
  if (self->n_classes > NNB_CONFUSION_MAX_CLASSES)
    {
      series->n_classes = 0;
      series->message = self->too_many;
    }
  else if (s != NULL && s->epoch > 0 && s->confusion == NULL)
    {
      series->n_classes = 0;
      series->message = _("This loss gives no predicted classes: CrossEntropyLoss and NLLLoss take an output per "
                           "class, BCEWithLogitsLoss and BCELoss one output");
    }
  else
    series->message = _("Not trained yet");
}

static void
describe (NnbConfusionView *self)
{
  NnbConfusionSeries series;
  g_autofree char *text = NULL;
  gint64 now = g_get_monotonic_time ();

  if (self->snapshot != NULL && self->snapshot->state == NNB_TRAINER_RUNNING &&
      now - self->described_us < DESCRIBE_INTERVAL_US)
    return;
  self->described_us = now;
  nnb_confusion_view_get_series (self, &series);
  text = nnb_plot_confusion_describe (&series, self->snapshot != NULL ? self->snapshot->epoch - 1 : -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->area), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
}

/* The button sits in the top-right corner: the picture keeps it free. */
static void
style_for_area (NnbConfusionView *self, NnbPlotStyle *style)
{
  GtkWidget *button = GTK_WIDGET (self->test_button);

  nnb_plot_style_for_widget (GTK_WIDGET (self->area), style);
  if (gtk_widget_get_visible (button))
    {
      int w, h;

      gtk_widget_measure (button, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &w, NULL, NULL);
      gtk_widget_measure (button, GTK_ORIENTATION_VERTICAL, w, NULL, &h, NULL, NULL);
      style->corner_width = w + gtk_widget_get_margin_end (button) + style->font_size / 2;
      style->corner_height = h + gtk_widget_get_margin_top (button);
    }
}

static void
draw_cb (GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer user_data)
{
  NnbConfusionView *self = user_data;
  NnbConfusionSeries series;
  NnbPlotStyle style;

  style_for_area (self, &style);
  nnb_confusion_view_get_series (self, &series);
  nnb_plot_confusion_draw (cr, width, height, &series, &style);
}

void
nnb_confusion_view_draw (NnbConfusionView *self, cairo_t *cr, int width, int height, const NnbPlotStyle *style)
{
  NnbConfusionSeries series;

  g_return_if_fail (NNB_IS_CONFUSION_VIEW (self));

  nnb_confusion_view_get_series (self, &series);
  series.pointer.active = FALSE;
  nnb_plot_confusion_draw (cr, width, height, &series, style);
}

void
nnb_confusion_view_redraw (NnbConfusionView *self)
{
  g_return_if_fail (NNB_IS_CONFUSION_VIEW (self));

  gtk_widget_queue_draw (GTK_WIDGET (self->area));
}

void
nnb_confusion_view_set_classes (NnbConfusionView *self, int n_classes, gboolean has_test)
{
  g_return_if_fail (NNB_IS_CONFUSION_VIEW (self));

  self->n_classes = MAX (n_classes, 0);
  g_free (self->too_many);
  /* Translators: instead of a confusion matrix, for data with more classes
   * than the number (always more than 2) */
  self->too_many = g_strdup_printf (_("Too many classes for a confusion matrix to be read: it is drawn for %d at most"),
                                    NNB_CONFUSION_MAX_CLASSES);
  gtk_widget_set_visible (GTK_WIDGET (self), self->n_classes > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->test_button), self->n_classes > 0 && has_test);
  gtk_widget_queue_draw (GTK_WIDGET (self->area));
  describe (self);
}

void
nnb_confusion_view_take_snapshot (NnbConfusionView *self, NnbSnapshot *snapshot)
{
  g_return_if_fail (NNB_IS_CONFUSION_VIEW (self));

  if (snapshot == self->snapshot)
    return;
  if (snapshot != NULL)
    nnb_snapshot_ref (snapshot);
  g_clear_pointer (&self->snapshot, nnb_snapshot_unref);
  self->snapshot = snapshot;
  if (self->n_classes == 0)
    return;
  gtk_widget_queue_draw (GTK_WIDGET (self->area));
  describe (self);
}

guint
nnb_confusion_view_get_ink_under_button (NnbConfusionView *self)
{
  GtkWidget *button = GTK_WIDGET (self->test_button);
  int width = gtk_widget_get_width (GTK_WIDGET (self->area)), height = gtk_widget_get_height (GTK_WIDGET (self->area));
  graphene_rect_t bounds;
  cairo_surface_t *image;
  cairo_t *cr;
  NnbConfusionSeries series;
  NnbPlotStyle style;
  guint n = 0;

  g_return_val_if_fail (NNB_IS_CONFUSION_VIEW (self), 0);

  if (!gtk_widget_get_visible (button) || !gtk_widget_get_mapped (GTK_WIDGET (self->area)) || width <= 0 ||
      height <= 0 || !gtk_widget_compute_bounds (button, GTK_WIDGET (self->area), &bounds))
    return 0;
  /* the screen's style on a transparent image: anything opaque is the picture's */
  image = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cr = cairo_create (image);
  style_for_area (self, &style);
  style.background[3] = 0;
  nnb_confusion_view_get_series (self, &series);
  series.pointer.active = FALSE;
  nnb_plot_confusion_draw (cr, width, height, &series, &style);
  cairo_destroy (cr);
  cairo_surface_flush (image);
  for (int y = MAX (0, (int) bounds.origin.y); y < MIN (height, (int) (bounds.origin.y + bounds.size.height)); y++)
    for (int x = MAX (0, (int) bounds.origin.x); x < MIN (width, (int) (bounds.origin.x + bounds.size.width)); x++)
      {
        const guint32 *row = (const guint32 *) (cairo_image_surface_get_data (image) +
                                                y * cairo_image_surface_get_stride (image));

        n += (row[x] >> 24) > 0x20;
      }
  cairo_surface_destroy (image);
  return n;
}

/* The pointer: the read-out of the cell under it. */

static void
motion_cb (GtkEventControllerMotion *controller, double x, double y, gpointer user_data)
{
  NnbConfusionView *self = user_data;

  self->pointer = (NnbPlotPointer){ TRUE, x, y };
  gtk_widget_queue_draw (GTK_WIDGET (self->area));
}

static void
leave_cb (GtkEventControllerMotion *controller, gpointer user_data)
{
  NnbConfusionView *self = user_data;

  self->pointer.active = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self->area));
}

static void
test_toggled_cb (NnbConfusionView *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self->area));
  self->described_us = 0;
  describe (self);
}

/* Size: as wide as square cells need at the height the panel gives (the
 * plots beside it share the rest), so it never takes more than it uses. */

static GtkSizeRequestMode
nnb_confusion_view_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_WIDTH_FOR_HEIGHT;
}

#define MIN_WIDTH 120

static void
nnb_confusion_view_measure (GtkWidget *widget, GtkOrientation orientation, int for_size, int *minimum, int *natural,
                            int *minimum_baseline, int *natural_baseline)
{
  NnbConfusionView *self = NNB_CONFUSION_VIEW (widget);

  gtk_widget_measure (self->overlay, orientation, for_size, minimum, natural, minimum_baseline, natural_baseline);
  if (orientation == GTK_ORIENTATION_HORIZONTAL && for_size > 0)
    {
      cairo_surface_t *scratch = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1, 1);
      cairo_t *cr = cairo_create (scratch);
      NnbConfusionSeries series;
      NnbPlotStyle style;

      style_for_area (self, &style);
      nnb_confusion_view_get_series (self, &series);
      *natural = MAX (*natural, (int) nnb_plot_confusion_natural_width (cr, for_size, &series, &style));
      cairo_destroy (cr);
      cairo_surface_destroy (scratch);
    }
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = MAX (*minimum, MIN_WIDTH);
      *natural = MAX (*natural, *minimum);
    }
}

static void
nnb_confusion_view_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  gtk_widget_allocate (NNB_CONFUSION_VIEW (widget)->overlay, width, height, baseline, NULL);
}

static void
nnb_confusion_view_dispose (GObject *object)
{
  NnbConfusionView *self = NNB_CONFUSION_VIEW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), NNB_TYPE_CONFUSION_VIEW);
  g_clear_pointer (&self->snapshot, nnb_snapshot_unref);

  G_OBJECT_CLASS (nnb_confusion_view_parent_class)->dispose (object);
}

static void
nnb_confusion_view_finalize (GObject *object)
{
  NnbConfusionView *self = NNB_CONFUSION_VIEW (object);

  g_free (self->too_many);

  G_OBJECT_CLASS (nnb_confusion_view_parent_class)->finalize (object);
}

static void
nnb_confusion_view_class_init (NnbConfusionViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nnb_confusion_view_dispose;
  object_class->finalize = nnb_confusion_view_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/nnblocks/NNBlocks/ui/nnb-confusion-view.ui");
  gtk_widget_class_bind_template_child (widget_class, NnbConfusionView, overlay);
  gtk_widget_class_bind_template_child (widget_class, NnbConfusionView, area);
  gtk_widget_class_bind_template_child (widget_class, NnbConfusionView, test_button);
  widget_class->get_request_mode = nnb_confusion_view_get_request_mode;
  widget_class->measure = nnb_confusion_view_measure;
  widget_class->size_allocate = nnb_confusion_view_size_allocate;
}

static void
nnb_confusion_view_init (NnbConfusionView *self)
{
  GtkEventController *motion;

  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_drawing_area_set_draw_func (self->area, draw_cb, self, NULL);
  motion = gtk_event_controller_motion_new ();
  g_signal_connect (motion, "enter", G_CALLBACK (motion_cb), self);
  g_signal_connect (motion, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect (motion, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->area), motion);
  g_signal_connect_swapped (self->test_button, "toggled", G_CALLBACK (test_toggled_cb), self);
  /* class data shows it (nnb_confusion_view_set_classes) */
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}
