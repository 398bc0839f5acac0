/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-plots-panel.c — the plots under the diagram. */
#include "nnb-config.h"

#include <glib/gi18n.h>

#include "nnb-class-plot.h"
#include "nnb-confusion-view.h"
#include "nnb-data-layer.h"
#include "nnb-data-plot.h"
#include "nnb-diagram-view.h" /* nnb_plot_style_for_widget */
#include "nnb-norm-history.h"
#include "nnb-plot-data.h"
#include "nnb-plot-descriptions.h"
#include "nnb-plot-loss.h"
#include "nnb-plot-norms.h"
#include "nnb-plots-panel.h"
#include "nnb-ui-test-access.h" /* defines some of these */

typedef struct
{
  char *label;
  float *x, *y; /* y: n rows of n_outputs values */
  int n;
  int n_outputs;
} PinnedCurve;

struct _NnbPlotsPanel
{
  GtkWidget parent_instance;

  GtkWidget *box;
  GtkDrawingArea *data_plot;
  GtkDrawingArea *loss_plot;
  GtkDrawingArea *norms_plot;
  GtkWidget *unpin_button;
  GtkWidget *loss_log_button;
  GtkToggleButton *gradients_button;
  GtkToggleButton *discretize_button;
  NnbConfusionView *confusion_view; /* beside the loss, for class data */
  NnbClassPlot *classes;            /* draws the data plot for two-input class data */

  float *data_x, *data_y; /* y: n_data rows of n_outputs values */
  int n_data;
  int n_outputs;          /* the target columns, 1 or more */
  char **output_names;    /* their names, or NULL */
  float *test_x, *test_y; /* the held-out rows, or NULL */
  int n_test;
  guint data_serial;
  guint pinned_serial;
  NnbPlotDensity *density; /* the points' extent and mask */
  NnbDataLayer data_layer; /* under the curves, as last drawn on screen */
  char *model_name;
  NnbSnapshot *snapshot; /* the one drawn, or NULL */
  NnbNormHistory *norms;
  GArray *pinned; /* PinnedCurve */
  gboolean loss_log_scale;
  NnbPlotPointer data_pointer, loss_pointer, norms_pointer;
  int data_plotted_epoch;
  int loss_plotted_epoch;
  gint64 described_us; /* when the plots' accessible labels last changed */
};

G_DEFINE_FINAL_TYPE (NnbPlotsPanel, nnb_plots_panel, GTK_TYPE_WIDGET)

static void
pinned_curve_clear (gpointer data)
{
  PinnedCurve *curve = data;

  g_free (curve->label);
  g_free (curve->x);
  g_free (curve->y);
}

/* Series: what each plot shows, pointing into the panel's state. */

/* The data plot's source (nnb-data-plot.h): the same gathering for the
 * screen and the files; references holds the kept curves. */
static void
data_source (NnbPlotsPanel *self, NnbDataPlotSource *source, NnbPlotCurve *references)
{
  for (guint i = 0; i < self->pinned->len; i++)
    {
      const PinnedCurve *curve = &g_array_index (self->pinned, PinnedCurve, i);

      references[i] = (NnbPlotCurve){ curve->label, curve->x, curve->y, curve->n, curve->n_outputs };
    }
  *source = (NnbDataPlotSource){
    .data_x = self->data_x,
    .data_y = self->data_y,
    .n_data = self->n_data,
    .n_outputs = self->n_outputs,
    .output_names = (const char *const *) self->output_names,
    .test_x = self->test_x,
    .test_y = self->test_y,
    .n_test = self->n_test,
    .model_name = self->model_name,
    .snapshot = self->snapshot,
    .references = references,
    .n_references = (int) self->pinned->len,
    .classes = self->classes,
    .discretize = gtk_toggle_button_get_active (self->discretize_button),
  };
}

static void
loss_series (NnbPlotsPanel *self, NnbLossSeries *series)
{
  memset (series, 0, sizeof *series);
  series->log_scale = self->loss_log_scale;
  if (self->snapshot != NULL && self->snapshot->losses != NULL)
    {
      series->losses = (const double *) self->snapshot->losses->data;
      series->n = (int) self->snapshot->losses->len;
    }
  if (self->snapshot != NULL && self->snapshot->test_losses != NULL)
    {
      series->test_losses = (const double *) self->snapshot->test_losses->data;
      series->n_test = (int) MIN (self->snapshot->test_losses->len, (guint) series->n);
    }
  /* empty for regression: the loss alone, as before class data came */
  if (self->snapshot != NULL && self->snapshot->accuracies != NULL)
    {
      series->accuracies = (const double *) self->snapshot->accuracies->data;
      series->n_accuracy = (int) MIN (self->snapshot->accuracies->len, (guint) series->n);
    }
  if (self->snapshot != NULL && self->snapshot->test_accuracies != NULL)
    {
      series->test_accuracies = (const double *) self->snapshot->test_accuracies->data;
      series->n_test_accuracy = (int) MIN (self->snapshot->test_accuracies->len, (guint) series->n);
    }
}

static void
norm_series (NnbPlotsPanel *self, NnbNormSeries *series)
{
  gboolean gradients = gtk_toggle_button_get_active (self->gradients_button);

  memset (series, 0, sizeof *series);
  series->names = (const char *const *) self->norms->names->pdata;
  series->n_series = (int) self->norms->names->len;
  series->epochs = (const double *) self->norms->epochs->data;
  series->norms = (const double *) (gradients ? self->norms->grad_norms : self->norms->value_norms)->data;
  series->n_points = (int) self->norms->epochs->len;
  series->gradients = gradients;
}

static void describe_plots (NnbPlotsPanel *self);

static GtkWidget *
data_button (NnbPlotsPanel *self)
{
  return nnb_class_plot_is_shown (self->classes) ? GTK_WIDGET (self->discretize_button) : self->unpin_button;
}

/* Drawing */

/* Each plot draws through one function, on screen with the pointer's
 * read-out, in files (pointer NULL) without; the data plot's is shared
 * with nnblocks-cli (nnb-data-plot.h). */
static void
draw_data (NnbPlotsPanel *self, cairo_t *cr, int width, int height, const NnbPlotStyle *style,
           const NnbPlotPointer *pointer)
{
  g_autofree NnbPlotCurve *references = g_new0 (NnbPlotCurve, self->pinned->len + 1);
  NnbDataPlotSource source;

  data_source (self, &source, references);
  nnb_data_plot_draw (cr, width, height, &source, style, pointer);
}

static void
draw_loss (NnbPlotsPanel *self, cairo_t *cr, int width, int height, const NnbPlotStyle *style,
           const NnbPlotPointer *pointer)
{
  NnbLossSeries series;

  loss_series (self, &series);
  if (pointer != NULL)
    series.pointer = *pointer;
  nnb_plot_loss_draw (cr, width, height, &series, style);
}

static void
draw_norms (NnbPlotsPanel *self, cairo_t *cr, int width, int height, const NnbPlotStyle *style,
            const NnbPlotPointer *pointer)
{
  NnbNormSeries series;

  norm_series (self, &series);
  if (pointer != NULL)
    series.pointer = *pointer;
  nnb_plot_norms_draw (cr, width, height, &series, style);
}

void
nnb_plots_panel_draw_data (NnbPlotsPanel *self, cairo_t *cr, int width, int height, const NnbPlotStyle *style)
{
  g_return_if_fail (NNB_IS_PLOTS_PANEL (self));

  draw_data (self, cr, width, height, style, NULL);
}

void
nnb_plots_panel_draw_loss (NnbPlotsPanel *self, cairo_t *cr, int width, int height, const NnbPlotStyle *style)
{
  g_return_if_fail (NNB_IS_PLOTS_PANEL (self));

  draw_loss (self, cr, width, height, style, NULL);
}

void
nnb_plots_panel_get_loss_series (NnbPlotsPanel *self, NnbLossSeries *series)
{
  g_return_if_fail (NNB_IS_PLOTS_PANEL (self));
  g_return_if_fail (series != NULL);

  loss_series (self, series);
}

void
nnb_plots_panel_draw_norms (NnbPlotsPanel *self, cairo_t *cr, int width, int height, const NnbPlotStyle *style)
{
  g_return_if_fail (NNB_IS_PLOTS_PANEL (self));

  draw_norms (self, cr, width, height, style, NULL);
}

/* On screen a button sits in a plot's top-right corner: the plot keeps
 * that corner free, so the title and the data never run under it. */
static void
style_for_plot (GtkDrawingArea *area, GtkWidget *button, NnbPlotStyle *style)
{
  nnb_plot_style_for_widget (GTK_WIDGET (area), style);
  if (gtk_widget_get_visible (button))
    {
      int w, h;

      gtk_widget_measure (button, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &w, NULL, NULL);
      gtk_widget_measure (button, GTK_ORIENTATION_VERTICAL, w, NULL, &h, NULL, NULL);
      style->corner_width = w + gtk_widget_get_margin_end (button) + style->font_size / 2;
      style->corner_height = h + gtk_widget_get_margin_top (button);
    }
}

/* Every frame while training: the layer under the curves comes from the
 * surface kept since the points, the size, the style or the axes last
 * changed (the axes follow the points, so training leaves them alone);
 * only the curves and the read-out are drawn anew. */
static void
draw_data_plot (GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer user_data)
{
  NnbPlotsPanel *self = user_data;
  g_autofree NnbPlotCurve *references = g_new0 (NnbPlotCurve, self->pinned->len + 1);
  NnbDataPlotSource source;
  NnbDataSeries series;
  NnbDataLayerKey key = { 0 };

  self->data_plotted_epoch = self->snapshot != NULL ? self->snapshot->epoch : -1;
  if (width <= 0 || height <= 0)
    return;
  style_for_plot (area, data_button (self), &key.style);
  data_source (self, &source, references);
  if (nnb_data_plot_shows_classes (&source))
    {
      NnbBoundarySeries classes;

      nnb_data_plot_get_boundary_series (&source, &classes);
      classes.pointer = self->data_pointer;
      nnb_class_plot_draw (self->classes, cr, width, height, gtk_widget_get_scale_factor (GTK_WIDGET (area)),
                           &key.style, &classes);
      return;
    }
  if (nnb_data_plot_shows_predictions (&source))
    {
      /* a few hundred points that move every epoch: nothing to keep */
      nnb_data_plot_draw (cr, width, height, &source, &key.style, NULL);
      return;
    }
  key.font_family = g_quark_from_string (key.style.font_family);
  nnb_data_plot_get_series (&source, &series);
  series.density = self->density;
  series.pointer = self->data_pointer;
  key.data_serial = self->data_serial;
  key.pinned_serial = self->pinned_serial;
  key.has_curve = series.curve_x != NULL && series.curve_y != NULL && series.n_curve > 1;
  key.message = series.message;
  key.title = series.title;
  key.width = width;
  key.height = height;
  key.scale = gtk_widget_get_scale_factor (GTK_WIDGET (area));
  nnb_plot_data_get_ranges (&series, &key.x_scale, &key.y_scale);

  nnb_data_layer_paint (&self->data_layer, cr, &key, &series);
  nnb_plot_data_draw_over (cr, &self->data_layer.layout, &series, &key.style);
}

static void
draw_loss_plot (GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer user_data)
{
  NnbPlotsPanel *self = user_data;
  NnbPlotStyle style;

  style_for_plot (area, self->loss_log_button, &style);
  draw_loss (self, cr, width, height, &style, &self->loss_pointer);
  self->loss_plotted_epoch = self->snapshot != NULL ? self->snapshot->epoch : -1;
}

static void
draw_norms_plot (GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer user_data)
{
  NnbPlotsPanel *self = user_data;
  NnbPlotStyle style;

  style_for_plot (area, GTK_WIDGET (self->gradients_button), &style);
  draw_norms (self, cr, width, height, &style, &self->norms_pointer);
}

static void
queue_all (NnbPlotsPanel *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self->data_plot));
  gtk_widget_queue_draw (GTK_WIDGET (self->loss_plot));
  gtk_widget_queue_draw (GTK_WIDGET (self->norms_plot));
  nnb_confusion_view_redraw (self->confusion_view);
}

void
nnb_plots_panel_redraw (NnbPlotsPanel *self)
{
  g_return_if_fail (NNB_IS_PLOTS_PANEL (self));

  queue_all (self);
}

/* The pointer: each plot reads out the value under it. */

static NnbPlotPointer *
pointer_for (NnbPlotsPanel *self, GtkWidget *area)
{
  if (area == GTK_WIDGET (self->data_plot))
    return &self->data_pointer;
  if (area == GTK_WIDGET (self->loss_plot))
    return &self->loss_pointer;
  return &self->norms_pointer;
}

static void
motion_cb (GtkEventControllerMotion *controller, double x, double y, gpointer user_data)
{
  GtkWidget *area = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller));
  NnbPlotPointer *pointer = pointer_for (user_data, area);

  *pointer = (NnbPlotPointer){ TRUE, x, y };
  gtk_widget_queue_draw (area);
}

static void
leave_cb (GtkEventControllerMotion *controller, gpointer user_data)
{
  GtkWidget *area = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller));

  pointer_for (user_data, area)->active = FALSE;
  gtk_widget_queue_draw (area);
}

static void
track_pointer (NnbPlotsPanel *self, GtkDrawingArea *area)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();

  g_signal_connect (motion, "enter", G_CALLBACK (motion_cb), self);
  g_signal_connect (motion, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect (motion, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (area), motion);
}

/* Public API */

void
nnb_plots_panel_set_data (NnbPlotsPanel *self, const float *x, const float *y, int n, int n_outputs,
                          const char *const *output_names, const char *name)
{
  g_return_if_fail (NNB_IS_PLOTS_PANEL (self));

  g_clear_pointer (&self->data_x, g_free);
  g_clear_pointer (&self->data_y, g_free);
  g_clear_pointer (&self->output_names, g_strfreev);
  self->n_data = 0;
  self->n_outputs = MAX (n_outputs, 1);
  if (x != NULL && y != NULL && n > 0)
    {
      self->data_x = g_memdup2 (x, sizeof (float) * n);
      self->data_y = g_memdup2 (y, sizeof (float) * n * self->n_outputs);
      self->n_data = n;
    }
  if (output_names != NULL)
    {
      self->output_names = g_new0 (char *, self->n_outputs + 1);
      gboolean ended = FALSE;

      /* a shorter list (NULL-terminated early) leaves the rest unnamed */
      for (int j = 0; j < self->n_outputs; j++)
        {
          ended = ended || output_names[j] == NULL;
          self->output_names[j] = g_strdup (ended ? "" : output_names[j]);
        }
    }
  g_free (self->model_name);
  self->model_name = g_strdup (name);
  nnb_plots_panel_set_class_data (self, NULL);
  /* the new arrays may have the old ones' addresses: forget those */
  nnb_plot_density_reset (self->density);
  self->data_serial++;
  nnb_norm_history_clear (self->norms);
  queue_all (self);
  describe_plots (self);
}

/* The held-out rows, drawn with the training points; after set_data. */
void
nnb_plots_panel_set_test_data (NnbPlotsPanel *self, const float *x, const float *y, int n)
{
  g_return_if_fail (NNB_IS_PLOTS_PANEL (self));

  g_clear_pointer (&self->test_x, g_free);
  g_clear_pointer (&self->test_y, g_free);
  self->n_test = 0;
  if (x != NULL && y != NULL && n > 0)
    {
      self->test_x = g_memdup2 (x, sizeof (float) * n);
      self->test_y = g_memdup2 (y, sizeof (float) * n * self->n_outputs);
      self->n_test = n;
    }
  nnb_plot_density_reset (self->density);
  self->data_serial++;
  queue_all (self);
}

void
nnb_plots_panel_set_class_data (NnbPlotsPanel *self, const NnbDataset *data)
{
  gboolean shown;

  g_return_if_fail (NNB_IS_PLOTS_PANEL (self));

  shown = nnb_class_plot_set_data (self->classes, data);
  /* kept curves have no place on the input plane */
  gtk_widget_set_visible (GTK_WIDGET (self->discretize_button), shown);
  gtk_widget_set_visible (self->unpin_button, !shown && self->pinned->len > 0);
  /* any class data, whatever its inputs: its confusion matrix */
  nnb_confusion_view_set_classes (self->confusion_view, data != NULL ? (int) MIN (data->n_classes, G_MAXINT) : 0,
                                  data != NULL && data->x_test != NULL);
  gtk_widget_queue_draw (GTK_WIDGET (self->data_plot));
  describe_plots (self);
}

void
nnb_plots_panel_take_snapshot (NnbPlotsPanel *self, NnbSnapshot *snapshot)
{
  g_return_if_fail (NNB_IS_PLOTS_PANEL (self));

  if (snapshot == self->snapshot)
    return;
  if (snapshot != NULL)
    nnb_snapshot_ref (snapshot);
  g_clear_pointer (&self->snapshot, nnb_snapshot_unref);
  self->snapshot = snapshot;
  if (snapshot != NULL)
    nnb_norm_history_add (self->norms, snapshot);
  else
    nnb_norm_history_clear (self->norms);
  nnb_confusion_view_take_snapshot (self->confusion_view, snapshot);
  queue_all (self);
  describe_plots (self);
}

/* Screen readers hear what the plots show, not only what they are. Twice
 * a second at most: every frame would flood the accessibility bus. */
#define DESCRIBE_INTERVAL_US (500 * 1000)

static void
describe_plots (NnbPlotsPanel *self)
{
  const NnbSnapshot *snapshot = self->snapshot;
  g_autofree char *data = NULL;
  g_autofree char *loss = NULL;
  g_autofree char *norms = NULL;
  gint64 now = g_get_monotonic_time ();

  if (snapshot != NULL && snapshot->state == NNB_TRAINER_RUNNING && now - self->described_us < DESCRIBE_INTERVAL_US)
    return;
  self->described_us = now;

  data = nnb_class_plot_is_shown (self->classes)
           ? nnb_plot_describe_classes (nnb_class_plot_get_n_points (self->classes),
                                        nnb_class_plot_get_n_classes (self->classes), snapshot)
           : nnb_plot_describe_data (self->n_data, self->n_outputs, snapshot);
  loss = nnb_plot_describe_loss (snapshot);
  norms = nnb_plot_describe_norms (snapshot);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->data_plot), GTK_ACCESSIBLE_PROPERTY_LABEL, data, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->loss_plot), GTK_ACCESSIBLE_PROPERTY_LABEL, loss, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->norms_plot), GTK_ACCESSIBLE_PROPERTY_LABEL, norms, -1);
}

gboolean
nnb_plots_panel_pin_curve (NnbPlotsPanel *self, const char *label)
{
  PinnedCurve curve;

  g_return_val_if_fail (NNB_IS_PLOTS_PANEL (self), FALSE);

  if (self->snapshot == NULL || self->snapshot->n_grid < 2)
    return FALSE;

  curve.label = g_strdup (label != NULL ? label : self->model_name);
  curve.n = self->snapshot->n_grid;
  curve.n_outputs = MAX (self->snapshot->grid_outputs, 1);
  curve.x = g_memdup2 (self->snapshot->grid_x, sizeof (float) * curve.n);
  curve.y = g_memdup2 (self->snapshot->grid_y, sizeof (float) * curve.n * curve.n_outputs);
  g_array_append_val (self->pinned, curve);
  self->pinned_serial++;
  gtk_widget_set_visible (self->unpin_button, TRUE);
  gtk_widget_queue_draw (GTK_WIDGET (self->data_plot));

  return TRUE;
}

void
nnb_plots_panel_clear_pinned (NnbPlotsPanel *self)
{
  g_return_if_fail (NNB_IS_PLOTS_PANEL (self));

  g_array_set_size (self->pinned, 0);
  self->pinned_serial++;
  gtk_widget_set_visible (self->unpin_button, FALSE);
  gtk_widget_queue_draw (GTK_WIDGET (self->data_plot));
}

guint
nnb_plots_panel_get_n_pinned (NnbPlotsPanel *self)
{
  g_return_val_if_fail (NNB_IS_PLOTS_PANEL (self), 0);

  return self->pinned->len;
}

int
nnb_plots_panel_get_pinned_outputs (NnbPlotsPanel *self, guint i)
{
  g_return_val_if_fail (NNB_IS_PLOTS_PANEL (self), 0);

  return i < self->pinned->len ? g_array_index (self->pinned, PinnedCurve, i).n_outputs : 0;
}

int
nnb_plots_panel_get_n_data (NnbPlotsPanel *self)
{
  g_return_val_if_fail (NNB_IS_PLOTS_PANEL (self), 0);

  return self->n_data;
}

const float *
nnb_plots_panel_get_data_y (NnbPlotsPanel *self)
{
  g_return_val_if_fail (NNB_IS_PLOTS_PANEL (self), NULL);

  return self->data_y;
}

guint
nnb_plots_panel_get_data_serial (NnbPlotsPanel *self)
{
  g_return_val_if_fail (NNB_IS_PLOTS_PANEL (self), 0);

  return self->data_serial;
}

void
nnb_plots_panel_set_loss_log_scale (NnbPlotsPanel *self, gboolean log_scale)
{
  g_return_if_fail (NNB_IS_PLOTS_PANEL (self));

  self->loss_log_scale = log_scale;
  gtk_widget_queue_draw (GTK_WIDGET (self->loss_plot));
}

void
nnb_plots_panel_set_compact (NnbPlotsPanel *self, gboolean compact)
{
  g_return_if_fail (NNB_IS_PLOTS_PANEL (self));

  /* The norms are for a student's own digging; a class follows the fit
   * and the loss, and reads them better with the room the norms leave. */
  gtk_widget_set_visible (gtk_widget_get_parent (GTK_WIDGET (self->norms_plot)), !compact);
}

void
nnb_plots_panel_get_plotted_epochs (NnbPlotsPanel *self, int *data_epoch, int *loss_epoch)
{
  g_return_if_fail (NNB_IS_PLOTS_PANEL (self));

  if (data_epoch != NULL)
    *data_epoch = self->data_plotted_epoch;
  if (loss_epoch != NULL)
    *loss_epoch = self->loss_plotted_epoch;
}

guint
nnb_plots_panel_get_data_layer_builds (NnbPlotsPanel *self)
{
  g_return_val_if_fail (NNB_IS_PLOTS_PANEL (self), 0);

  return self->data_layer.builds + nnb_class_plot_get_layer_builds (self->classes);
}

guint
nnb_plots_panel_get_n_norm_points (NnbPlotsPanel *self)
{
  g_return_val_if_fail (NNB_IS_PLOTS_PANEL (self), 0);

  return nnb_norm_history_get_n_points (self->norms);
}

/* Counts the pixels a plot draws under its button (the button's
 * allocation in the plot's coordinates): drawn with the screen's style
 * into a transparent image, anything opaque there is the plot's. */
typedef void (*PlotDraw) (NnbPlotsPanel *self, cairo_t *cr, int width, int height, const NnbPlotStyle *style,
                          const NnbPlotPointer *pointer);

static guint
ink_under (NnbPlotsPanel *self, GtkDrawingArea *area, GtkWidget *button, PlotDraw draw)
{
  int width = gtk_widget_get_width (GTK_WIDGET (area));
  int height = gtk_widget_get_height (GTK_WIDGET (area));
  graphene_rect_t bounds;
  cairo_surface_t *image;
  cairo_t *cr;
  NnbPlotStyle style;
  guint n = 0;

  if (!gtk_widget_get_visible (button) || !gtk_widget_get_mapped (GTK_WIDGET (area)) || width <= 0 || height <= 0 || !gtk_widget_compute_bounds (button, GTK_WIDGET (area), &bounds))
    return 0;
  image = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cr = cairo_create (image);
  style_for_plot (area, button, &style);
  draw (self, cr, width, height, &style, NULL);
  cairo_destroy (cr);
  cairo_surface_flush (image);
  {
    const guint32 *pixels = (const guint32 *) cairo_image_surface_get_data (image);
    int stride = cairo_image_surface_get_stride (image) / 4;
    int x0 = MAX (0, (int) bounds.origin.x), y0 = MAX (0, (int) bounds.origin.y);
    int x1 = MIN (width, (int) (bounds.origin.x + bounds.size.width));
    int y1 = MIN (height, (int) (bounds.origin.y + bounds.size.height));

    for (int y = y0; y < y1; y++)
      for (int x = x0; x < x1; x++)
        if ((pixels[y * stride + x] >> 24) > 0x20)
          n++;
  }
  cairo_surface_destroy (image);
  return n;
}

guint
nnb_plots_panel_get_ink_under_buttons (NnbPlotsPanel *self)
{
  g_return_val_if_fail (NNB_IS_PLOTS_PANEL (self), 0);

  return ink_under (self, self->data_plot, data_button (self), draw_data) + ink_under (self, self->loss_plot, self->loss_log_button, draw_loss) + ink_under (self, self->norms_plot, GTK_WIDGET (self->gradients_button), draw_norms);
}

/* GObject */

static void
nnb_plots_panel_dispose (GObject *object)
{
  NnbPlotsPanel *self = NNB_PLOTS_PANEL (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), NNB_TYPE_PLOTS_PANEL);
  g_clear_pointer (&self->snapshot, nnb_snapshot_unref);

  G_OBJECT_CLASS (nnb_plots_panel_parent_class)->dispose (object);
}

static void
nnb_plots_panel_finalize (GObject *object)
{
  NnbPlotsPanel *self = NNB_PLOTS_PANEL (object);

  g_free (self->test_x);
  g_free (self->test_y);
  g_free (self->data_x);
  g_free (self->data_y);
  g_strfreev (self->output_names);
  g_free (self->model_name);
  nnb_plot_density_free (self->density);
  nnb_class_plot_free (self->classes);
  nnb_data_layer_clear (&self->data_layer);
  nnb_norm_history_free (self->norms);
  g_array_unref (self->pinned);

  G_OBJECT_CLASS (nnb_plots_panel_parent_class)->finalize (object);
}

static void
nnb_plots_panel_class_init (NnbPlotsPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nnb_plots_panel_dispose;
  object_class->finalize = nnb_plots_panel_finalize;

  g_type_ensure (NNB_TYPE_CONFUSION_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/nnblocks/NNBlocks/ui/nnb-plots-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, NnbPlotsPanel, box);
  gtk_widget_class_bind_template_child (widget_class, NnbPlotsPanel, data_plot);
  gtk_widget_class_bind_template_child (widget_class, NnbPlotsPanel, loss_plot);
  gtk_widget_class_bind_template_child (widget_class, NnbPlotsPanel, norms_plot);
  gtk_widget_class_bind_template_child (widget_class, NnbPlotsPanel, unpin_button);
  gtk_widget_class_bind_template_child (widget_class, NnbPlotsPanel, gradients_button);
  gtk_widget_class_bind_template_child (widget_class, NnbPlotsPanel, discretize_button);
  gtk_widget_class_bind_template_child (widget_class, NnbPlotsPanel, loss_log_button);
  gtk_widget_class_bind_template_child (widget_class, NnbPlotsPanel, confusion_view);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
nnb_plots_panel_init (NnbPlotsPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->norms = nnb_norm_history_new ();
  self->density = nnb_plot_density_new ();
  self->classes = nnb_class_plot_new ();
  self->pinned = g_array_new (FALSE, TRUE, sizeof (PinnedCurve));
  g_array_set_clear_func (self->pinned, pinned_curve_clear);
  self->loss_log_scale = TRUE;
  self->n_outputs = 1;
  self->data_plotted_epoch = -1;
  self->loss_plotted_epoch = -1;

  gtk_drawing_area_set_draw_func (self->data_plot, draw_data_plot, self, NULL);
  gtk_drawing_area_set_draw_func (self->loss_plot, draw_loss_plot, self, NULL);
  gtk_drawing_area_set_draw_func (self->norms_plot, draw_norms_plot, self, NULL);
  track_pointer (self, self->data_plot);
  track_pointer (self, self->loss_plot);
  track_pointer (self, self->norms_plot);
  g_signal_connect_swapped (self->gradients_button, "toggled", G_CALLBACK (gtk_widget_queue_draw), self->norms_plot);
  g_signal_connect_swapped (self->discretize_button, "toggled", G_CALLBACK (gtk_widget_queue_draw), self->data_plot);
}
