/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-plot-confusion.c — the confusion matrix, drawn with Cairo and Pango. */
#include "nnb-config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <pango/pangocairo.h>

#include "nnb-locale-format.h"
#include "nnb-plot-confusion.h"

/* A cell's opacity of the accent: a share of its row of 0 leaves it
 * empty, a share of 1 fills it at STRONG, linearly between from FAINT. */
#define FAINT 0.10
#define STRONG 0.85
/* The class labels and the counts, against the axes' type. */
#define LABEL_TEXT 0.9
/* Counts smaller than this many pixels are not written: colour only. */
#define MIN_COUNT_PX 6.0

/* The text around the cells, laid out before the cells are placed. */
typedef struct
{
  PangoLayout *title, *x_name, *y_name;
  int title_w, title_h, x_h, y_w, y_h;
  int label_w, label_h; /* the widest class number */
  double unit, strip;
} Frame;

static void
frame_clear (Frame *f)
{
  g_clear_object (&f->title);
  g_clear_object (&f->x_name);
  g_clear_object (&f->y_name);
}

/* A title longer than the room beside the corner's button goes onto a
 * second line (the button is about as tall as two), cut short after it:
 * the picture asks only for the width its cells need. */
static void
fit_title (Frame *f, int width, const NnbPlotStyle *style)
{
  double room = width - style->corner_width - 1.5 * f->unit;

  if (style->corner_width <= 0 || f->title_w <= room)
    return;
  pango_layout_set_width (f->title, (int) (MAX (1.0, room) * PANGO_SCALE));
  pango_layout_set_wrap (f->title, PANGO_WRAP_WORD);
  pango_layout_set_height (f->title, -2);
  pango_layout_set_ellipsize (f->title, PANGO_ELLIPSIZE_END);
  pango_layout_get_pixel_size (f->title, &f->title_w, &f->title_h);
}

static int
classes_of (const NnbConfusionSeries *series)
{
  return series->matrix != NULL ? series->matrix->k : MAX (series->n_classes, 0);
}

static void
frame_init (Frame *f, cairo_t *cr, const NnbConfusionSeries *series, const NnbPlotStyle *style)
{
  g_autofree char *widest = g_strdup_printf ("%d", MAX (classes_of (series) - 1, 0));
  g_autoptr (PangoLayout) label = nnb_plot_style_make_layout (cr, style, widest, style->font_size * LABEL_TEXT, FALSE);

  *f = (Frame){ NULL };
  f->unit = style->font_size / 2;
  /* the class's colour: a strip beside its row and under its column */
  f->strip = MAX (3.0, f->unit * 0.7);
  /* on screen the button in the corner says which rows are counted; a
   * file has no button, and its title says it */
  f->title = nnb_plot_style_make_layout (cr, style,
                                         series->test && style->corner_width <= 0 ? _("Confusion Matrix: Test Rows")
                                                                                  : _("Confusion Matrix"),
                                         style->font_size, TRUE);
  pango_layout_get_pixel_size (f->title, &f->title_w, &f->title_h);
  /* Translators: the confusion matrix's axes: a row per true class, a
   * column per class the model predicted */
  f->x_name = nnb_plot_style_make_layout (cr, style, _("predicted class"), style->font_size, FALSE);
  pango_layout_get_pixel_size (f->x_name, NULL, &f->x_h);
  f->y_name = nnb_plot_style_make_layout (cr, style, _("true class"), style->font_size, FALSE);
  pango_layout_get_pixel_size (f->y_name, &f->y_w, &f->y_h);
  pango_layout_get_pixel_size (label, &f->label_w, &f->label_h);
}

/* The room left of the cells: the turned axis name, the row numbers and
 * the colour strips; below them: the strips, the column numbers and the
 * axis name; above: the title, or the button in the corner. */
static double
room_left (const Frame *f)
{
  return f->unit + f->y_h + f->unit + f->label_w + f->unit / 2 + f->strip + 2;
}

static double
room_top (const Frame *f, const NnbPlotStyle *style)
{
  return MAX (f->title_h + 2 * f->unit, style->corner_height + f->unit);
}

static double
room_bottom (const Frame *f)
{
  return 2 + f->strip + f->unit / 2 + f->label_h + f->unit / 2 + f->x_h + f->unit;
}

static void
place_grid (const Frame *f, int width, int height, int k, const NnbPlotStyle *style, NnbConfusionLayout *layout)
{
  double u = f->unit;
  double left = room_left (f), top = room_top (f, style);
  double room_w = width - left - u, room_h = height - top - room_bottom (f);

  *layout = (NnbConfusionLayout){ .k = k };
  if (k <= 0 || room_w <= 0 || room_h <= 0)
    return;
  layout->cell = floor (MIN (room_w, room_h) / k);
  if (layout->cell < 1)
    return;
  layout->grid.width = layout->grid.height = layout->cell * k;
  /* in the middle of the room, the labels travelling with it */
  layout->grid.x = floor (left + (room_w - layout->grid.width) / 2);
  layout->grid.y = floor (top + (room_h - layout->grid.height) / 2);
  layout->count_font_size = MIN (style->font_size * LABEL_TEXT, layout->cell * 0.42);
  if (layout->count_font_size < MIN_COUNT_PX)
    layout->count_font_size = 0;
}

void
nnb_plot_confusion_layout (cairo_t *cr, int width, int height, const NnbConfusionSeries *series,
                           const NnbPlotStyle *style, NnbConfusionLayout *layout)
{
  Frame f;

  g_return_if_fail (cr != NULL && series != NULL && style != NULL && layout != NULL);

  frame_init (&f, cr, series, style);
  fit_title (&f, width, style);
  place_grid (&f, width, height, classes_of (series), style, layout);
  frame_clear (&f);
}

/* The widest word of text in the title's type. */
static double
widest_word (cairo_t *cr, const char *text, const NnbPlotStyle *style)
{
  g_auto (GStrv) words = g_strsplit (text, " ", -1);
  int widest = 0;

  for (guint i = 0; words[i] != NULL; i++)
    {
      g_autoptr (PangoLayout) word = nnb_plot_style_make_layout (cr, style, words[i], style->font_size, TRUE);
      int w;

      pango_layout_get_pixel_size (word, &w, NULL);
      widest = MAX (widest, w);
    }
  return widest;
}

double
nnb_plot_confusion_natural_width (cairo_t *cr, int height, const NnbConfusionSeries *series, const NnbPlotStyle *style)
{
  Frame f;
  double side, width;

  g_return_val_if_fail (cr != NULL && series != NULL && style != NULL, 0);

  frame_init (&f, cr, series, style);
  /* square cells as tall as the room allows; the title wraps beside the
   * button rather than ask for more, but keeps each word whole */
  side = MAX (0.0, height - room_top (&f, style) - room_bottom (&f));
  width = room_left (&f) + side + f.unit;
  if (style->corner_width > 0)
    width = MAX (width, widest_word (cr, pango_layout_get_text (f.title), style) + style->corner_width + 2 * f.unit);
  frame_clear (&f);
  return ceil (width);
}

static void
show_at (cairo_t *cr, PangoLayout *text, double x, double y)
{
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, text);
}

/* The title, left-aligned with the axis name and clear of the corner's
 * button (fit_title wrapped it to the room), as nnb-plot-axes.c places its own. */
static void
draw_title (cairo_t *cr, Frame *f, int width, double x, const NnbPlotStyle *style)
{
  double room = width - style->corner_width - f->unit;

  if (style->corner_width > 0 && x + f->title_w > room)
    x = MAX (f->unit / 2, room - f->title_w);
  nnb_plot_set_source (cr, style->foreground, 1.0);
  show_at (cr, f->title, x, 0);
}

/* The axis names and each class's number and colour strip. */
static void
draw_axes (cairo_t *cr, const Frame *f, const NnbConfusionLayout *l, const NnbPlotStyle *style)
{
  const cairo_rectangle_t *g = &l->grid;
  double u = f->unit;
  int xw;

  nnb_plot_set_source (cr, style->foreground, 1.0);
  pango_layout_get_pixel_size (f->x_name, &xw, NULL);
  show_at (cr, f->x_name, g->x + (g->width - xw) / 2,
           g->y + g->height + 2 + f->strip + u / 2 + f->label_h + u / 2);
  cairo_save (cr);
  cairo_translate (cr, g->x - 2 - f->strip - u / 2 - f->label_w - u - f->y_h, g->y + (g->height + f->y_w) / 2);
  cairo_rotate (cr, -G_PI / 2);
  show_at (cr, f->y_name, 0, 0);
  cairo_restore (cr);

  for (int c = 0; c < l->k; c++)
    {
      g_autofree char *number = nnb_locale_strdup_printf ("%d", c);
      g_autoptr (PangoLayout) text = nnb_plot_style_make_layout (cr, style, number, style->font_size * LABEL_TEXT, FALSE);
      double rgba[4], along = c * l->cell + 1;
      int w, h;

      nnb_plot_series_color (style, c, rgba);
      nnb_plot_set_source (cr, rgba, 1.0);
      cairo_rectangle (cr, g->x - 2 - f->strip, g->y + along, f->strip, l->cell - 2);
      cairo_rectangle (cr, g->x + along, g->y + g->height + 2, l->cell - 2, f->strip);
      cairo_fill (cr);
      pango_layout_get_pixel_size (text, &w, &h);
      nnb_plot_set_source (cr, style->foreground, 1.0);
      show_at (cr, text, g->x - 2 - f->strip - u / 2 - w, g->y + c * l->cell + (l->cell - h) / 2);
      show_at (cr, text, g->x + c * l->cell + (l->cell - w) / 2, g->y + g->height + 2 + f->strip + u / 2);
    }
}

/* What the plot's background is: its own, or (drawn over a widget) the
 * opposite of the text's colour. */
static void
background_of (const NnbPlotStyle *style, double rgb[3])
{
  for (int i = 0; i < 3; i++)
    rgb[i] = style->background[3] > 0 ? style->background[i] : 1 - style->foreground[i];
}

static double
luminance (const double rgb[3])
{
  return 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
}

static double
share_of (const NnbConfusion *m, int t, int p)
{
  int64_t row = 0;

  for (int j = 0; j < m->k; j++)
    row += m->counts[t * m->k + j];
  return row > 0 ? (double) m->counts[t * m->k + p] / (double) row : 0;
}

static void
draw_cells (cairo_t *cr, const NnbConfusionLayout *l, const NnbConfusion *m, const NnbPlotStyle *style)
{
  double back[3];

  background_of (style, back);
  for (int t = 0; t < l->k; t++)
    for (int p = 0; p < l->k; p++)
      {
        double x = l->grid.x + p * l->cell + 1, y = l->grid.y + t * l->cell + 1, side = l->cell - 2;
        double share = m != NULL ? share_of (m, t, p) : 0;
        double alpha = share > 0 ? FAINT + (STRONG - FAINT) * share : 0;
        double blend[3];

        /* every cell shows where it is, a counted one how much of its row */
        nnb_plot_set_source_alpha (cr, style->foreground, 0.05);
        cairo_rectangle (cr, x, y, side, side);
        cairo_fill (cr);
        if (alpha > 0)
          {
            nnb_plot_set_source (cr, style->accent, alpha);
            cairo_rectangle (cr, x, y, side, side);
            cairo_fill (cr);
          }
        if (m == NULL || l->count_font_size <= 0)
          continue;
        for (int i = 0; i < 3; i++)
          blend[i] = style->accent[i] * alpha + back[i] * (1 - alpha);
        {
          g_autofree char *count = nnb_locale_format_count (m->counts[t * m->k + p]);
          g_autoptr (PangoLayout) text = nnb_plot_style_make_layout (cr, style, count, l->count_font_size, FALSE);
          int w, h;

          pango_layout_get_pixel_size (text, &w, &h);
          if (w > side - 2)
            continue;
          /* dark type on a light cell, light type on a dark one */
          if (luminance (blend) < 0.5)
            cairo_set_source_rgb (cr, 1, 1, 1);
          else
            cairo_set_source_rgb (cr, 0, 0, 0);
          show_at (cr, text, x + (side - w) / 2, y + (side - h) / 2);
        }
      }
}

/* The cell under the pointer, told in words beside it. */
static void
draw_readout (cairo_t *cr, const NnbConfusionLayout *l, const NnbConfusionSeries *series, const NnbPlotStyle *style)
{
  const NnbConfusion *m = series->matrix;
  int t, p;
  int64_t row = 0;
  g_autofree char *count = NULL, *total = NULL, *percent = NULL, *text = NULL;

  if (!series->pointer.active || m == NULL || l->cell <= 0)
    return;
  p = (int) floor ((series->pointer.x - l->grid.x) / l->cell);
  t = (int) floor ((series->pointer.y - l->grid.y) / l->cell);
  if (t < 0 || p < 0 || t >= l->k || p >= l->k)
    return;
  for (int j = 0; j < m->k; j++)
    row += m->counts[t * m->k + j];
  count = nnb_locale_format_count (m->counts[t * m->k + p]);
  total = nnb_locale_format_count (row);
  percent = nnb_locale_format_percent (share_of (m, t, p), 1);
  /* Translators: the confusion matrix's read-out of one cell: "true class
   * 1, predicted 2", then "7 of 40 rows (17.5 %)" */
  text = nnb_locale_strdup_printf (_("true class %d, predicted %d\n%s of %s rows (%s)"), t, p, count, total, percent);
  nnb_plot_draw_readout (cr, &l->grid, l->grid.x + (p + 0.5) * l->cell, l->grid.y + (t + 0.5) * l->cell, text,
                         style);
}

void
nnb_plot_confusion_draw (cairo_t *cr, int width, int height, const NnbConfusionSeries *series,
                         const NnbPlotStyle *style)
{
  NnbConfusionLayout layout;
  Frame f;

  g_return_if_fail (cr != NULL && series != NULL && style != NULL);

  cairo_save (cr);
  nnb_plot_style_paint_background (cr, style);
  frame_init (&f, cr, series, style);
  fit_title (&f, width, style);
  place_grid (&f, width, height, classes_of (series), style, &layout);
  draw_title (cr, &f, width,
              layout.cell > 0 ? layout.grid.x - 2 - f.strip - f.unit / 2 - f.label_w - f.unit - f.y_h : f.unit, style);
  if (layout.cell > 0)
    {
      draw_axes (cr, &f, &layout, style);
      draw_cells (cr, &layout, series->matrix, style);
    }
  if (series->matrix == NULL && series->message != NULL)
    {
      cairo_rectangle_t area = layout.cell > 0 ? layout.grid
                                               : (cairo_rectangle_t){ 0, f.title_h, width, MAX (0, height - f.title_h) };

      nnb_plot_axes_draw_message (cr, style, &area, series->message);
    }
  draw_readout (cr, &layout, series, style);
  frame_clear (&f);
  cairo_restore (cr);
}

char *
nnb_plot_confusion_describe (const NnbConfusionSeries *series, int epoch)
{
  const NnbConfusion *m;
  g_autoptr (GString) out = NULL;
  g_autofree char *right = NULL, *total = NULL;

  g_return_val_if_fail (series != NULL, NULL);

  m = series->matrix;
  if (m == NULL)
    /* Translators: the confusion matrix's accessible description before
     * anything is counted; always two classes or more */
    return nnb_locale_strdup_printf (_("Confusion matrix of %d classes: nothing counted yet"), series->n_classes);
  right = nnb_locale_format_count (nnb_confusion_correct (m));
  total = nnb_locale_format_count (nnb_confusion_total (m));
  out = g_string_new (NULL);
  if (series->test)
    /* Translators: the confusion matrix's accessible description: "… after
     * epoch 12, 47 of 50 right", then each true class's predictions */
    nnb_locale_string_append_printf (out, _("Confusion matrix of the test rows after epoch %d, %s of %s right"), epoch,
                                     right, total);
  else
    nnb_locale_string_append_printf (out, _("Confusion matrix of the training rows after epoch %d, %s of %s right"),
                                     epoch, right, total);
  for (int t = 0; t < m->k; t++)
    {
      gboolean first = TRUE;

      /* Translators: one row of the confusion matrix's accessible
       * description, followed by its counts ("69 as class 0, 2 as class 1") */
      nnb_locale_string_append_printf (out, _("; true class %d:"), t);
      for (int p = 0; p < m->k; p++)
        {
          g_autofree char *count = NULL;

          if (m->counts[t * m->k + p] == 0)
            continue;
          count = nnb_locale_format_count (m->counts[t * m->k + p]);
          g_string_append (out, first ? " " : ", ");
          /* Translators: a count of rows predicted as a class, in the
           * confusion matrix's accessible description: "69 as class 0" */
          nnb_locale_string_append_printf (out, _("%s as class %d"), count, p);
          first = FALSE;
        }
      if (first)
        /* Translators: a class with no rows in the confusion matrix's
         * accessible description */
        g_string_append_printf (out, " %s", _("no rows"));
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}
