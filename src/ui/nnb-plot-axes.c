/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-plot-axes.c — the frame every plot shares, drawn with Cairo and Pango. */
#include "nnb-locale-format.h"
#include "nnb-plot-axes.h"
#include "nnb-plot-marks.h"
#include "nnb-plot-ticks.h"

#include <math.h>
#include <pango/pangocairo.h>

#define GRID_DIVISIONS 4

/* Draws text with its centre at (x, y), turned by angle radians. */
static void
draw_centred (cairo_t *cr, PangoLayout *layout, double x, double y, double angle)
{
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_save (cr);
  cairo_translate (cr, x, y);
  cairo_rotate (cr, angle);
  cairo_move_to (cr, -w / 2.0, -h / 2.0);
  pango_cairo_show_layout (cr, layout);
  cairo_restore (cr);
}

double
nnb_plot_scale_map (const NnbPlotScale *scale, double v, double from, double to)
{
  double lo = scale->min, hi = scale->max;

  if (scale->log)
    {
      /* Nothing at or below zero on a log axis: pin it to the bottom. */
      v = v > 0 ? log10 (v) : log10 (lo);
      lo = log10 (lo);
      hi = log10 (hi);
    }
  if (hi == lo)
    return (from + to) / 2;

  return from + (v - lo) / (hi - lo) * (to - from);
}

/* One axis' numbers: round values of its scale and their labels. */
typedef struct
{
  double ticks[NNB_PLOT_MAX_TICKS];
  PangoLayout *labels[NNB_PLOT_MAX_TICKS];
  int n;
  int level;
  int widest, tallest; /* of the labels, in pixels */
  int last_width;      /* of the last label: on the x axis it is centred on the end */
} AxisTicks;

/* The text around the plotting area, laid out before anything is drawn:
 * its sizes decide where the area goes. */
typedef struct
{
  PangoLayout *title, *x_name, *y_name;
  int title_w, title_h, x_h, y_h;
  AxisTicks x, y; /* n 0 on an unnumbered axis */
  PangoLayout *legend[NNB_PLOT_MAX_TICKS];
  int n_legend;
  double legend_row_h, legend_h;
  gboolean legend_column; /* beside the data rather than above it */
  double right_margin;    /* NnbPlotFrame's */
} FrameText;

/* A layout of text in the axes' type, or NULL for no text; *height
 * receives its height (0 without). */
static PangoLayout *
label_layout (cairo_t *cr, const NnbPlotStyle *style, const char *text, gboolean bold, int *height)
{
  PangoLayout *layout;

  *height = 0;
  if (text == NULL)
    return NULL;
  layout = nnb_plot_style_make_layout (cr, style, text, style->font_size, bold);
  pango_layout_get_pixel_size (layout, NULL, height);
  return layout;
}

static void
axis_ticks_clear (AxisTicks *axis)
{
  for (int i = 0; i < axis->n; i++)
    g_clear_object (&axis->labels[i]);
  axis->n = 0;
  axis->widest = axis->tallest = axis->last_width = 0;
}

/* Lays out the ticks of axis->level; FALSE when that level has too many. */
static gboolean
axis_ticks_layout (AxisTicks *axis, cairo_t *cr, const NnbPlotStyle *style, const NnbPlotScale *scale)
{
  int decimals;
  int n;

  axis_ticks_clear (axis);
  n = nnb_plot_ticks (scale, axis->level, axis->ticks, &decimals);
  if (n < 0)
    return FALSE;
  axis->n = n;
  for (int i = 0; i < axis->n; i++)
    {
      g_autofree char *text = nnb_plot_tick_text (scale, axis->ticks[i], decimals);
      int w, h;

      axis->labels[i] = nnb_plot_style_make_layout (cr, style, text, style->font_size, FALSE);
      pango_layout_get_pixel_size (axis->labels[i], &w, &h);
      axis->widest = MAX (axis->widest, w);
      axis->tallest = MAX (axis->tallest, h);
      axis->last_width = w;
    }
  return TRUE;
}

static void
frame_text_clear (FrameText *text)
{
  g_clear_object (&text->title);
  g_clear_object (&text->x_name);
  g_clear_object (&text->y_name);
  axis_ticks_clear (&text->x);
  axis_ticks_clear (&text->y);
  for (int i = 0; i < text->n_legend; i++)
    g_clear_object (&text->legend[i]);
}

/* A legend entry's width: its colour's short line, then its name. */
static double
legend_width_of (const FrameText *text, int i, double unit, const NnbPlotStyle *style)
{
  int w;

  pango_layout_get_pixel_size (text->legend[i], &w, NULL);
  return style->font_size * 1.6 + unit + w;
}

/* The legend's entries side by side, wrapping into rows within width. */
static int
legend_rows (const FrameText *text, double width, double unit, const NnbPlotStyle *style)
{
  double x = 0;
  int rows = text->n_legend > 0 ? 1 : 0;

  for (int i = 0; i < text->n_legend; i++)
    {
      double w = legend_width_of (text, i, unit, style);

      if (x > 0 && x + w > width)
        {
          rows++;
          x = 0;
        }
      x += w + 2 * unit;
    }
  return rows;
}

/* The legend's widest entry: its width as a column. */
static double
legend_column_width (const FrameText *text, double unit, const NnbPlotStyle *style)
{
  double widest = 0;

  for (int i = 0; i < text->n_legend; i++)
    widest = MAX (widest, legend_width_of (text, i, unit, style));
  return widest;
}

/* Room for the axis names and the tick labels on the left and below, for
 * the title (and the button beside it) on top, and for the legend: a band
 * above the data when it fits in one row, else a column beside the data
 * when that leaves the data most of the width (six parameters' norms on a
 * short plot), else a band of several rows. */
static cairo_rectangle_t
plot_area_inside (FrameText *text, int width, int height, double unit, const NnbPlotStyle *style)
{
  cairo_rectangle_t area;
  double top = MAX (text->title_h + 2 * unit, style->corner_height + unit);
  double column = 0;
  int rows;

  area.x = text->y_h + 6 * unit + (text->y.widest > 0 ? text->y.widest + unit : 0);
  area.y = top;
  area.height = MAX (0.0, height - area.y - text->x_h - 4 * unit - text->x.tallest);
  text->legend_h = 0;
  text->legend_column = FALSE;
  if (text->n_legend > 0)
    {
      rows = legend_rows (text, width - area.x - unit, unit, style);
      column = legend_column_width (text, unit, style);
      /* not behind a second axis' numbers, far from the curves it names */
      if (rows > 1 && text->right_margin <= 0 && column + 2 * unit < (width - area.x) * 0.5 && text->n_legend * text->legend_row_h <= height - top - text->x_h - unit)
        text->legend_column = TRUE;
      else
        {
          text->legend_h = rows * text->legend_row_h + unit / 2;
          area.y += text->legend_h;
          area.height = MAX (0.0, area.height - text->legend_h);
        }
    }
  /* the last x tick's label is centred on the axis' end: room for its half */
  area.width = MAX (0.0, width - area.x - MAX (MAX (2 * unit, text->x.last_width / 2.0 + unit / 2), text->right_margin) - (text->legend_column ? column + unit : 0));
  return area;
}

/* Whether neighbouring labels of an axis keep a gap between them. */
static gboolean
ticks_fit (const AxisTicks *axis, const NnbPlotScale *scale, const cairo_rectangle_t *area,
           gboolean vertical, double gap)
{
  for (int i = 1; i < axis->n; i++)
    {
      int w0, h0, w1, h1;
      double a, b, need;

      pango_layout_get_pixel_size (axis->labels[i - 1], &w0, &h0);
      pango_layout_get_pixel_size (axis->labels[i], &w1, &h1);
      if (vertical)
        {
          a = nnb_plot_scale_map (scale, axis->ticks[i - 1], area->y + area->height, area->y);
          b = nnb_plot_scale_map (scale, axis->ticks[i], area->y + area->height, area->y);
          need = (h0 + h1) / 2.0 + gap;
        }
      else
        {
          a = nnb_plot_scale_map (scale, axis->ticks[i - 1], area->x, area->x + area->width);
          b = nnb_plot_scale_map (scale, axis->ticks[i], area->x, area->x + area->width);
          need = (w0 + w1) / 2.0 + gap;
        }
      if (fabs (b - a) < need)
        return FALSE;
    }
  return TRUE;
}

/* Makes one axis' ticks sparser when they do not fit in area (or, area
 * NULL, when its level had too many); TRUE when it changed. */
static gboolean
thin_axis (AxisTicks *axis, cairo_t *cr, const NnbPlotStyle *style, const NnbPlotScale *scale,
           const cairo_rectangle_t *area, gboolean vertical, double gap)
{
  if (scale == NULL || axis->level >= NNB_PLOT_TICK_LEVELS - 1)
    return FALSE;
  if (area != NULL && ticks_fit (axis, scale, area, vertical, gap))
    return FALSE;
  do
    axis->level++;
  while (!axis_ticks_layout (axis, cr, style, scale) && axis->level < NNB_PLOT_TICK_LEVELS - 1);
  return TRUE;
}

/* Places each tick label; one that would still meet the label kept before
 * it (a plot too small for even the sparsest ticks) is left out. The
 * layout's x_ticks/y_ticks hold indices into text's ticks here. */
static void
place_tick_labels (const FrameText *text, const NnbPlotFrame *frame, const cairo_rectangle_t *area,
                   double unit, NnbPlotAxesLayout *layout)
{
  layout->n_x_labels = layout->n_y_labels = 0;
  for (int i = 0; i < text->x.n; i++)
    {
      int w, h;
      double px = nnb_plot_scale_map (frame->x_scale, text->x.ticks[i], area->x, area->x + area->width);
      cairo_rectangle_t r;

      pango_layout_get_pixel_size (text->x.labels[i], &w, &h);
      r = (cairo_rectangle_t){ px - w / 2.0, area->y + area->height + unit * 1.5, w, h };
      if (layout->n_x_labels > 0)
        {
          const cairo_rectangle_t *last = &layout->x_labels[layout->n_x_labels - 1];

          if (r.x < last->x + last->width + unit)
            continue;
        }
      /* a legend column may reach down beside the axis' last numbers */
      if (layout->legend.width > 0 && r.x + r.width > layout->legend.x && r.y < layout->legend.y + layout->legend.height)
        continue;
      layout->x_ticks[layout->n_x_labels] = i;
      layout->x_labels[layout->n_x_labels++] = r;
    }
  for (int i = 0; i < text->y.n; i++)
    {
      int w, h;
      double py = nnb_plot_scale_map (frame->y_scale, text->y.ticks[i], area->y + area->height, area->y);
      cairo_rectangle_t r;

      pango_layout_get_pixel_size (text->y.labels[i], &w, &h);
      r = (cairo_rectangle_t){ area->x - unit * 1.5 - w, py - h / 2.0, w, h };
      if (layout->n_y_labels > 0)
        {
          const cairo_rectangle_t *last = &layout->y_labels[layout->n_y_labels - 1];

          /* y ticks rise: this one must end above the one before */
          if (r.y + r.height > last->y - unit / 4)
            continue;
        }
      layout->y_ticks[layout->n_y_labels] = i;
      layout->y_labels[layout->n_y_labels++] = r;
    }
}

/* Where the title goes: left-aligned with the plot, moved left (then cut
 * short) to stay clear of a button in the corner. */
static void
place_title (FrameText *text, int width, double unit, const NnbPlotStyle *style, NnbPlotAxesLayout *layout)
{
  double room = width - style->corner_width - unit;
  double x = layout->plot_area.x;

  if (style->corner_width > 0 && x + text->title_w > room)
    x = MAX (unit / 2, room - text->title_w);
  if (style->corner_width > 0 && x + text->title_w > room)
    {
      pango_layout_set_width (text->title, (int) (MAX (1.0, room - x) * PANGO_SCALE));
      pango_layout_set_ellipsize (text->title, PANGO_ELLIPSIZE_END);
      pango_layout_get_pixel_size (text->title, &text->title_w, NULL);
    }
  layout->title = (cairo_rectangle_t){ x, 0, text->title_w, text->title_h };
}

static void
frame_text_layout (FrameText *text, cairo_t *cr, const NnbPlotFrame *frame, const NnbPlotStyle *style)
{
  double unit = style->font_size / 2;

  *text = (FrameText){ NULL };
  text->title = label_layout (cr, style, frame->title, TRUE, &text->title_h);
  if (text->title != NULL)
    pango_layout_get_pixel_size (text->title, &text->title_w, NULL);
  text->x_name = label_layout (cr, style, frame->x_label, FALSE, &text->x_h);
  text->y_name = label_layout (cr, style, frame->y_label, FALSE, &text->y_h);
  text->n_legend = MIN (frame->n_legend, NNB_PLOT_MAX_TICKS);
  text->right_margin = frame->right_margin;
  for (int i = 0; i < text->n_legend; i++)
    {
      int h;
      const char *label = frame->legend_labels[i] != NULL ? frame->legend_labels[i] : "";

      text->legend[i] = nnb_plot_style_make_layout (cr, style, label, style->font_size * 0.9, FALSE);
      pango_layout_get_pixel_size (text->legend[i], NULL, &h);
      text->legend_row_h = MAX (text->legend_row_h, h + unit / 2);
    }
  if (frame->x_scale != NULL && !axis_ticks_layout (&text->x, cr, style, frame->x_scale))
    thin_axis (&text->x, cr, style, frame->x_scale, NULL, FALSE, unit);
  if (frame->y_scale != NULL && !axis_ticks_layout (&text->y, cr, style, frame->y_scale))
    thin_axis (&text->y, cr, style, frame->y_scale, NULL, TRUE, unit);
}

/* Lays out all the frame's text and decides where everything goes. */
static void
frame_compute (FrameText *text, cairo_t *cr, int width, int height, const NnbPlotFrame *frame,
               const NnbPlotStyle *style, NnbPlotAxesLayout *layout)
{
  double unit = style->font_size / 2;
  cairo_rectangle_t area;

  *layout = (NnbPlotAxesLayout){ { 0 } };
  frame_text_layout (text, cr, frame, style);

  /* Sparser ticks change the labels' sizes, and so the area: again until
   * both axes fit (a few rounds at most). */
  area = plot_area_inside (text, width, height, unit, style);
  for (int round = 0; round < 2 * NNB_PLOT_TICK_LEVELS; round++)
    {
      gboolean changed = thin_axis (&text->y, cr, style, frame->y_scale, &area, TRUE, unit / 2);

      changed |= thin_axis (&text->x, cr, style, frame->x_scale, &area, FALSE, unit);
      if (!changed)
        break;
      area = plot_area_inside (text, width, height, unit, style);
    }

  layout->plot_area = area;
  if (text->title != NULL)
    place_title (text, width, unit, style, layout);
  if (text->n_legend > 0 && text->legend_column)
    layout->legend = (cairo_rectangle_t){ area.x + area.width + 2 * unit, area.y,
                                          legend_column_width (text, unit, style),
                                          text->n_legend * text->legend_row_h };
  else if (text->n_legend > 0)
    layout->legend = (cairo_rectangle_t){ area.x, area.y - text->legend_h, width - area.x - unit,
                                          text->legend_h - unit / 2 };
  place_tick_labels (text, frame, &area, unit, layout);
}

void
nnb_plot_axes_layout (cairo_t *cr, int width, int height, const NnbPlotFrame *frame,
                      const NnbPlotStyle *style, NnbPlotAxesLayout *layout)
{
  FrameText text;

  g_return_if_fail (cr != NULL && frame != NULL && style != NULL && layout != NULL);

  frame_compute (&text, cr, width, height, frame, style, layout);
  for (int i = 0; i < layout->n_x_labels; i++)
    layout->x_ticks[i] = text.x.ticks[(int) layout->x_ticks[i]];
  for (int i = 0; i < layout->n_y_labels; i++)
    layout->y_ticks[i] = text.y.ticks[(int) layout->y_ticks[i]];
  frame_text_clear (&text);
}

/* The grid: at the ticks when there are numbers, in even parts otherwise. */
static void
draw_grid (cairo_t *cr, const NnbPlotStyle *style, const cairo_rectangle_t *area,
           const NnbPlotScale *x_scale, const AxisTicks *x, const NnbPlotScale *y_scale, const AxisTicks *y)
{
  cairo_save (cr);
  nnb_plot_set_source (cr, style->foreground, 0.12);
  cairo_set_line_width (cr, 1.0);
  if (x_scale != NULL)
    for (int i = 0; i < x->n; i++)
      {
        /* +0.5: one-pixel lines on pixel centres stay sharp */
        double px = round (nnb_plot_scale_map (x_scale, x->ticks[i], area->x, area->x + area->width)) + 0.5;

        cairo_move_to (cr, px, area->y);
        cairo_line_to (cr, px, area->y + area->height);
      }
  else
    for (int i = 1; i <= GRID_DIVISIONS; i++)
      {
        double px = round (area->x + area->width * i / GRID_DIVISIONS) + 0.5;

        cairo_move_to (cr, px, area->y);
        cairo_line_to (cr, px, area->y + area->height);
      }
  if (y_scale != NULL)
    for (int i = 0; i < y->n; i++)
      {
        double py = round (nnb_plot_scale_map (y_scale, y->ticks[i], area->y + area->height, area->y)) + 0.5;

        cairo_move_to (cr, area->x, py);
        cairo_line_to (cr, area->x + area->width, py);
      }
  else
    for (int i = 1; i <= GRID_DIVISIONS; i++)
      {
        double py = round (area->y + area->height * (GRID_DIVISIONS - i) / GRID_DIVISIONS) + 0.5;

        cairo_move_to (cr, area->x, py);
        cairo_line_to (cr, area->x + area->width, py);
      }
  cairo_stroke (cr);
  cairo_restore (cr);
}

/* The axes, with ticks under the grid lines. Leaves the axes' colour,
 * width and square caps set: the labels are drawn in that colour, and the
 * plots' lines end with those caps. */
static void
draw_axis_lines (cairo_t *cr, const NnbPlotStyle *style, const cairo_rectangle_t *area, double unit,
                 const NnbPlotScale *x_scale, const AxisTicks *x, const NnbPlotScale *y_scale, const AxisTicks *y)
{
  double bottom = area->y + area->height;

  nnb_plot_set_source (cr, style->foreground, 0.8);
  cairo_set_line_width (cr, style->line_width);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_SQUARE);
  cairo_move_to (cr, area->x, area->y);
  cairo_line_to (cr, area->x, bottom);
  cairo_line_to (cr, area->x + area->width, bottom);
  if (x_scale != NULL)
    for (int i = 0; i < x->n; i++)
      {
        double px = nnb_plot_scale_map (x_scale, x->ticks[i], area->x, area->x + area->width);

        cairo_move_to (cr, px, bottom);
        cairo_line_to (cr, px, bottom + unit);
      }
  else
    for (int i = 0; i <= GRID_DIVISIONS; i++)
      {
        double px = area->x + area->width * i / GRID_DIVISIONS;

        cairo_move_to (cr, px, bottom);
        cairo_line_to (cr, px, bottom + unit);
      }
  if (y_scale != NULL)
    for (int i = 0; i < y->n; i++)
      {
        double py = nnb_plot_scale_map (y_scale, y->ticks[i], bottom, area->y);

        cairo_move_to (cr, area->x, py);
        cairo_line_to (cr, area->x - unit, py);
      }
  else
    for (int i = 0; i <= GRID_DIVISIONS; i++)
      {
        double py = area->y + area->height * i / GRID_DIVISIONS;

        cairo_move_to (cr, area->x, py);
        cairo_line_to (cr, area->x - unit, py);
      }
  cairo_stroke (cr);
}

static void
draw_tick_labels (cairo_t *cr, const FrameText *text, const NnbPlotAxesLayout *layout)
{
  for (int i = 0; i < layout->n_x_labels; i++)
    {
      cairo_move_to (cr, layout->x_labels[i].x, layout->x_labels[i].y);
      pango_cairo_show_layout (cr, text->x.labels[(int) layout->x_ticks[i]]);
    }
  for (int i = 0; i < layout->n_y_labels; i++)
    {
      cairo_move_to (cr, layout->y_labels[i].x, layout->y_labels[i].y);
      pango_cairo_show_layout (cr, text->y.labels[(int) layout->y_ticks[i]]);
    }
}

/* The legend's band: a short line in each series' colour and its name. */
static void
draw_legend_band (cairo_t *cr, const FrameText *text, const NnbPlotFrame *frame,
                  const cairo_rectangle_t *band, double unit, const NnbPlotStyle *style)
{
  double x = band->x, y = band->y;
  double swatch = style->font_size * 1.6;

  cairo_save (cr);
  for (int i = 0; i < text->n_legend; i++)
    {
      double w = legend_width_of (text, i, unit, style);
      double rgba[4];

      if (x > band->x && x + w > band->x + band->width)
        {
          x = band->x;
          y += text->legend_row_h;
        }
      nnb_plot_series_color (style, frame->legend_colors != NULL ? frame->legend_colors[i] : i, rgba);
      nnb_plot_set_source (cr, rgba, 1.0);
      cairo_set_line_width (cr, style->line_width * 2.5);
      cairo_set_line_cap (cr, CAIRO_LINE_CAP_BUTT);
      if (frame->legend_dashed != NULL && frame->legend_dashed[i])
        nnb_plot_style_set_dashes (cr, style, 0);
      cairo_move_to (cr, x, y + text->legend_row_h / 2);
      cairo_line_to (cr, x + swatch, y + text->legend_row_h / 2);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
      nnb_plot_set_source (cr, style->foreground, 1.0);
      cairo_move_to (cr, x + swatch + unit, y + unit / 4);
      pango_cairo_show_layout (cr, text->legend[i]);
      x += w + 2 * unit;
    }
  cairo_restore (cr);
}

/* A message in the middle of the plot; a long explanation wraps inside the
 * plot rather than running off it, on a plate of the background so that
 * points under it (the data before training) do not cross it out. */
void
nnb_plot_axes_draw_message (cairo_t *cr, const NnbPlotStyle *style, const cairo_rectangle_t *area,
                            const char *message)
{
  double unit = style->font_size / 2;
  g_autoptr (PangoLayout) layout = nnb_plot_style_make_layout (cr, style, message, style->font_size, FALSE);
  PangoRectangle ink;

  pango_layout_set_width (layout, (int) (MAX (1.0, area->width - 2 * unit) * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
  pango_layout_get_pixel_extents (layout, NULL, &ink);
  {
    int w, h;

    /* the background's colour even where the plot leaves the widget's own
     * to show through (alpha 0 on screen) */
    pango_layout_get_pixel_size (layout, &w, &h);
    cairo_rectangle (cr, area->x + area->width / 2 - w / 2.0 + ink.x - unit / 2, area->y + area->height / 2 - h / 2.0 - unit / 4,
                     ink.width + unit, h + unit / 2);
    nnb_plot_set_source_alpha (cr, style->background, 0.85);
    cairo_fill (cr);
  }
  nnb_plot_set_source (cr, style->foreground, 0.5);
  draw_centred (cr, layout, area->x + area->width / 2, area->y + area->height / 2, 0);
}

void
nnb_plot_axes_draw (cairo_t *cr,
                    int width,
                    int height,
                    const char *title,
                    const char *x_label,
                    const char *y_label,
                    const char *message,
                    const NnbPlotStyle *style,
                    cairo_rectangle_t *plot_area)
{
  nnb_plot_axes_draw_scaled (cr, width, height, title, x_label, y_label, message, style,
                             NULL, NULL, plot_area);
}

void
nnb_plot_axes_draw_scaled (cairo_t *cr,
                           int width,
                           int height,
                           const char *title,
                           const char *x_label,
                           const char *y_label,
                           const char *message,
                           const NnbPlotStyle *style,
                           const NnbPlotScale *x_scale,
                           const NnbPlotScale *y_scale,
                           cairo_rectangle_t *plot_area)
{
  NnbPlotFrame frame = { title, x_label, y_label, message, x_scale, y_scale, NULL, NULL, NULL, 0 };

  nnb_plot_axes_draw_frame (cr, width, height, &frame, style, plot_area);
}

void
nnb_plot_axes_draw_frame (cairo_t *cr,
                          int width,
                          int height,
                          const NnbPlotFrame *frame,
                          const NnbPlotStyle *style,
                          cairo_rectangle_t *plot_area)
{
  FrameText text;
  NnbPlotAxesLayout layout;
  cairo_rectangle_t area;
  double unit;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (frame != NULL);
  g_return_if_fail (style != NULL);

  /* Spacing follows the type size, so presentation mode stays in proportion. */
  unit = style->font_size / 2;

  nnb_plot_style_paint_background (cr, style);
  frame_compute (&text, cr, width, height, frame, style, &layout);
  area = layout.plot_area;

  if (text.title != NULL)
    {
      nnb_plot_set_source (cr, style->foreground, 1.0);
      cairo_move_to (cr, layout.title.x, layout.title.y);
      pango_cairo_show_layout (cr, text.title);
    }
  draw_grid (cr, style, &area, frame->x_scale, &text.x, frame->y_scale, &text.y);
  draw_axis_lines (cr, style, &area, unit, frame->x_scale, &text.x, frame->y_scale, &text.y);
  draw_tick_labels (cr, &text, &layout);
  if (text.x_name != NULL)
    draw_centred (cr, text.x_name, area.x + area.width / 2, height - text.x_h / 2.0, 0);
  if (text.y_name != NULL)
    draw_centred (cr, text.y_name, text.y_h / 2.0, area.y + area.height / 2, -G_PI / 2);
  if (text.n_legend > 0)
    draw_legend_band (cr, &text, frame, &layout.legend, unit, style);
  if (frame->message != NULL && area.width > 0 && area.height > 0)
    nnb_plot_axes_draw_message (cr, style, &area, frame->message);
  frame_text_clear (&text);

  if (plot_area != NULL)
    *plot_area = area;
}

void
nnb_plot_line_to (cairo_t *cr, gboolean *pen_down, double x, double y)
{
  if (*pen_down)
    cairo_line_to (cr, x, y);
  else
    cairo_move_to (cr, x, y);
  *pen_down = TRUE;
}

void
nnb_plot_stroke_line (cairo_t *cr, gboolean single_point, const NnbPlotStyle *style)
{
  if (single_point)
    {
      double x, y;

      cairo_get_current_point (cr, &x, &y);
      cairo_new_path (cr);
      cairo_arc (cr, x, y, style->line_width * 2, 0, 2 * G_PI);
      cairo_fill (cr);
    }
  else
    cairo_stroke (cr);
}
