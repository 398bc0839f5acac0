/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-plot-axes.c — the frame every plot shares, drawn with Cairo and Pango. */
#include "nnb-locale-format.h"
#include "nnb-plot-axes.h"

#include <math.h>
#include <pango/pangocairo.h>

#define GRID_DIVISIONS 4
#define MAX_TICKS 16
#define TARGET_TICKS 5

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

/* 1, 2 or 5 times a power of ten: steps a reader can add up in the head. */
static double
nice_step (double span)
{
  double raw = span / TARGET_TICKS;
  double magnitude = pow (10, floor (log10 (raw)));
  double norm = raw / magnitude;

  if (norm < 1.5)
    return magnitude;
  if (norm < 3)
    return 2 * magnitude;
  if (norm < 7)
    return 5 * magnitude;
  return 10 * magnitude;
}

void
nnb_plot_scale_nice (NnbPlotScale *scale)
{
  if (!isfinite (scale->min) || !isfinite (scale->max))
    {
      scale->min = scale->log ? 0.1 : 0;
      scale->max = 1;
    }

  if (scale->log)
    {
      if (scale->max <= 0)
        scale->max = 1;
      if (scale->min <= 0 || scale->min > scale->max)
        scale->min = scale->max / 10;
      scale->min = pow (10, floor (log10 (scale->min)));
      scale->max = pow (10, ceil (log10 (scale->max)));
      if (scale->max <= scale->min)
        scale->max = scale->min * 10;
      return;
    }

  if (scale->max - scale->min <= fabs (scale->max) * 1e-9)
    {
      double pad = fabs (scale->max) > 0 ? fabs (scale->max) * 0.5 : 1.0;

      scale->min -= pad;
      scale->max += pad;
    }

  {
    double step = nice_step (scale->max - scale->min);

    scale->min = floor (scale->min / step + 1e-9) * step;
    scale->max = ceil (scale->max / step - 1e-9) * step;
  }
}

/* Fills ticks with round values inside scale; returns how many. */
static int
scale_ticks (const NnbPlotScale *scale, double *ticks, int *decimals)
{
  int n = 0;

  *decimals = 0;
  if (scale->log)
    {
      int lo = (int) floor (log10 (scale->min) + 1e-9);
      int hi = (int) ceil (log10 (scale->max) - 1e-9);
      /* Few decades: 2 and 5 as well, or the axis would carry one number. */
      gboolean fill = hi - lo <= 2;

      for (int k = lo; k <= hi && n < MAX_TICKS; k++)
        for (int m = 1; m <= 5 && n < MAX_TICKS; m += (m == 1 ? 1 : 3))
          {
            double v = m * pow (10, k);

            if (m != 1 && !fill)
              continue;
            if (v >= scale->min * (1 - 1e-9) && v <= scale->max * (1 + 1e-9))
              ticks[n++] = v;
          }
      return n;
    }

  {
    double step = nice_step (scale->max - scale->min);
    double first = ceil (scale->min / step - 1e-9) * step;

    *decimals = MAX (0, (int) -floor (log10 (step) + 1e-9));
    for (double v = first; v <= scale->max + step * 1e-6 && n < MAX_TICKS; v += step)
      ticks[n++] = fabs (v) < step * 1e-9 ? 0.0 : v; /* no "-0" */
  }

  return n;
}

static char *
format_tick (const NnbPlotScale *scale, double v, int decimals)
{
  if (scale->log)
    {
      /* 0.001 … 1000 as plain numbers; beyond that 1e-05 reads better. */
      if (v >= 1e-3 && v <= 1e3)
        return nnb_locale_strdup_printf ("%g", v);
      return nnb_locale_strdup_printf ("%.0e", v);
    }

  return nnb_locale_strdup_printf ("%.*f", decimals, v);
}

/* One axis' numbers: round values of its scale and their labels. */
typedef struct
{
  double ticks[MAX_TICKS];
  PangoLayout *labels[MAX_TICKS];
  int n;
  int widest, tallest; /* of the labels, in pixels */
  int last_width;      /* of the last label: on the x axis it is centred on the end */
} AxisTicks;

/* The text around the plotting area, laid out before anything is drawn:
 * its sizes decide where the area goes. */
typedef struct
{
  PangoLayout *title, *x_name, *y_name;
  int title_h, x_h, y_h;
  AxisTicks x, y; /* n 0 on an unnumbered axis */
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
axis_ticks_layout (AxisTicks *axis, cairo_t *cr, const NnbPlotStyle *style, const NnbPlotScale *scale)
{
  int decimals;

  axis->n = scale_ticks (scale, axis->ticks, &decimals);
  for (int i = 0; i < axis->n; i++)
    {
      g_autofree char *text = format_tick (scale, axis->ticks[i], decimals);
      int w, h;

      axis->labels[i] = nnb_plot_style_make_layout (cr, style, text, style->font_size, FALSE);
      pango_layout_get_pixel_size (axis->labels[i], &w, &h);
      axis->widest = MAX (axis->widest, w);
      axis->tallest = MAX (axis->tallest, h);
      axis->last_width = w;
    }
}

static void
frame_text_layout (FrameText *text, cairo_t *cr, const NnbPlotStyle *style, const char *title,
                   const char *x_label, const char *y_label, const NnbPlotScale *x_scale,
                   const NnbPlotScale *y_scale)
{
  *text = (FrameText){ NULL };
  text->title = label_layout (cr, style, title, TRUE, &text->title_h);
  text->x_name = label_layout (cr, style, x_label, FALSE, &text->x_h);
  text->y_name = label_layout (cr, style, y_label, FALSE, &text->y_h);
  if (x_scale != NULL)
    axis_ticks_layout (&text->x, cr, style, x_scale);
  if (y_scale != NULL)
    axis_ticks_layout (&text->y, cr, style, y_scale);
}

static void
frame_text_clear (FrameText *text)
{
  g_clear_object (&text->title);
  g_clear_object (&text->x_name);
  g_clear_object (&text->y_name);
  for (int i = 0; i < text->x.n; i++)
    g_object_unref (text->x.labels[i]);
  for (int i = 0; i < text->y.n; i++)
    g_object_unref (text->y.labels[i]);
}

/* Room for the axis names and the tick labels on the left and below. */
static cairo_rectangle_t
plot_area_inside (const FrameText *text, int width, int height, double unit)
{
  cairo_rectangle_t area;

  area.x = text->y_h + 6 * unit + (text->y.widest > 0 ? text->y.widest + unit : 0);
  area.y = text->title_h + 2 * unit;
  /* the last x tick's label is centred on the axis' end: room for its half */
  area.width = MAX (0.0, width - area.x - MAX (2 * unit, text->x.last_width / 2.0 + unit / 2));
  area.height = MAX (0.0, height - area.y - text->x_h - 4 * unit - text->x.tallest);
  return area;
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

/* Tick labels; with large type on a narrow plot (presentation mode) an x
 * label that would run into the one before is left out, not overprinted. */
static void
draw_tick_labels (cairo_t *cr, const cairo_rectangle_t *area, double unit,
                  const NnbPlotScale *x_scale, const AxisTicks *x, const NnbPlotScale *y_scale, const AxisTicks *y)
{
  double drawn_right = -G_MAXDOUBLE;

  for (int i = 0; i < x->n; i++)
    {
      int w, h;
      double px = nnb_plot_scale_map (x_scale, x->ticks[i], area->x, area->x + area->width);

      pango_layout_get_pixel_size (x->labels[i], &w, &h);
      if (px - w / 2.0 >= drawn_right + unit)
        {
          draw_centred (cr, x->labels[i], px, area->y + area->height + unit * 1.5 + h / 2.0, 0);
          drawn_right = px + w / 2.0;
        }
    }
  for (int i = 0; i < y->n; i++)
    {
      int w, h;
      double py = nnb_plot_scale_map (y_scale, y->ticks[i], area->y + area->height, area->y);

      pango_layout_get_pixel_size (y->labels[i], &w, &h);
      cairo_move_to (cr, area->x - unit * 1.5 - w, py - h / 2.0);
      pango_cairo_show_layout (cr, y->labels[i]);
    }
}

/* A message in the middle of the plot; a long explanation wraps inside the
 * plot rather than running off it. */
static void
draw_message (cairo_t *cr, const NnbPlotStyle *style, const cairo_rectangle_t *area, double unit,
              const char *message)
{
  g_autoptr (PangoLayout) layout = nnb_plot_style_make_layout (cr, style, message, style->font_size, FALSE);

  pango_layout_set_width (layout, (int) (MAX (1.0, area->width - 2 * unit) * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
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
  FrameText text;
  cairo_rectangle_t area;
  double unit;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (style != NULL);

  /* Spacing follows the type size, so presentation mode stays in proportion. */
  unit = style->font_size / 2;

  nnb_plot_style_paint_background (cr, style);
  frame_text_layout (&text, cr, style, title, x_label, y_label, x_scale, y_scale);
  area = plot_area_inside (&text, width, height, unit);

  if (text.title != NULL)
    {
      nnb_plot_set_source (cr, style->foreground, 1.0);
      cairo_move_to (cr, area.x, 0);
      pango_cairo_show_layout (cr, text.title);
    }
  draw_grid (cr, style, &area, x_scale, &text.x, y_scale, &text.y);
  draw_axis_lines (cr, style, &area, unit, x_scale, &text.x, y_scale, &text.y);
  draw_tick_labels (cr, &area, unit, x_scale, &text.x, y_scale, &text.y);
  if (text.x_name != NULL)
    draw_centred (cr, text.x_name, area.x + area.width / 2, height - text.x_h / 2.0, 0);
  if (text.y_name != NULL)
    draw_centred (cr, text.y_name, text.y_h / 2.0, area.y + area.height / 2, -G_PI / 2);
  if (message != NULL && area.width > 0 && area.height > 0)
    draw_message (cr, style, &area, unit, message);
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
