/* nnb-plot-axes.c — the frame every plot shares, drawn with Cairo and Pango. */
#include "nnb-locale-format.h"
#include "nnb-plot-axes.h"

#include <math.h>
#include <pango/pangocairo.h>

#define GRID_DIVISIONS 4
#define MAX_TICKS 16
#define TARGET_TICKS 5

static void
set_source (cairo_t *cr, const NnbPlotStyle *style, double alpha)
{
  cairo_set_source_rgba (cr, style->foreground[0], style->foreground[1],
                         style->foreground[2], style->foreground[3] * alpha);
}

static PangoLayout *
make_layout (cairo_t *cr, const NnbPlotStyle *style, const char *text, gboolean bold)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  g_autoptr(PangoFontDescription) font = pango_font_description_new ();

  pango_font_description_set_family (font, style->font_family != NULL ? style->font_family : "Sans");
  pango_font_description_set_absolute_size (font, style->font_size * PANGO_SCALE);
  if (bold)
    pango_font_description_set_weight (font, PANGO_WEIGHT_BOLD);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_text (layout, text, -1);

  return layout;
}

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

void
nnb_plot_style_init_default (NnbPlotStyle *style)
{
  *style = (NnbPlotStyle) {
    .foreground = { 0.1, 0.1, 0.1, 1.0 },
    .font_family = "Sans",
    .font_size = 14.0,
    .line_width = 1.4,
    .accent = { 0.11, 0.44, 0.85, 1.0 }, /* libadwaita's blue */
    .background = { 1.0, 1.0, 1.0, 1.0 },
    .marker_scale = 1.0,
  };
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
  g_autoptr(PangoLayout) title_layout = NULL;
  g_autoptr(PangoLayout) x_layout = NULL;
  g_autoptr(PangoLayout) y_layout = NULL;
  PangoLayout *x_tick_layouts[MAX_TICKS] = { NULL };
  PangoLayout *y_tick_layouts[MAX_TICKS] = { NULL };
  double x_ticks[MAX_TICKS], y_ticks[MAX_TICKS];
  int n_x_ticks = 0, n_y_ticks = 0;
  cairo_rectangle_t area;
  double unit;
  int title_h = 0, x_h = 0, y_h = 0;
  int tick_w = 0, tick_h = 0, last_x_tick_w = 0;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (style != NULL);

  /* Spacing follows the type size, so presentation mode stays in proportion. */
  unit = style->font_size / 2;

  if (style->background[3] > 0)
    {
      cairo_save (cr);
      cairo_set_source_rgba (cr, style->background[0], style->background[1],
                             style->background[2], style->background[3]);
      cairo_paint (cr);
      cairo_restore (cr);
    }

  if (title != NULL)
    {
      title_layout = make_layout (cr, style, title, TRUE);
      pango_layout_get_pixel_size (title_layout, NULL, &title_h);
    }
  if (x_label != NULL)
    {
      x_layout = make_layout (cr, style, x_label, FALSE);
      pango_layout_get_pixel_size (x_layout, NULL, &x_h);
    }
  if (y_label != NULL)
    {
      y_layout = make_layout (cr, style, y_label, FALSE);
      pango_layout_get_pixel_size (y_layout, NULL, &y_h);
    }

  if (x_scale != NULL)
    {
      int decimals;

      n_x_ticks = scale_ticks (x_scale, x_ticks, &decimals);
      for (int i = 0; i < n_x_ticks; i++)
        {
          g_autofree char *text = format_tick (x_scale, x_ticks[i], decimals);
          int h;

          x_tick_layouts[i] = make_layout (cr, style, text, FALSE);
          pango_layout_get_pixel_size (x_tick_layouts[i], &last_x_tick_w, &h);
          tick_h = MAX (tick_h, h);
        }
    }
  if (y_scale != NULL)
    {
      int decimals;

      n_y_ticks = scale_ticks (y_scale, y_ticks, &decimals);
      for (int i = 0; i < n_y_ticks; i++)
        {
          g_autofree char *text = format_tick (y_scale, y_ticks[i], decimals);
          int w;

          y_tick_layouts[i] = make_layout (cr, style, text, FALSE);
          pango_layout_get_pixel_size (y_tick_layouts[i], &w, NULL);
          tick_w = MAX (tick_w, w);
        }
    }

  /* Room for the axis names and the tick labels on the left and below. */
  area.x = y_h + 6 * unit + (tick_w > 0 ? tick_w + unit : 0);
  area.y = title_h + 2 * unit;
  /* the last x tick's label is centred on the axis' end: room for its half */
  area.width = MAX (0.0, width - area.x - MAX (2 * unit, last_x_tick_w / 2.0 + unit / 2));
  area.height = MAX (0.0, height - area.y - x_h - 4 * unit - tick_h);

  if (title_layout != NULL)
    {
      set_source (cr, style, 1.0);
      cairo_move_to (cr, area.x, 0);
      pango_cairo_show_layout (cr, title_layout);
    }

  /* the grid: at the ticks when there are numbers, in even parts otherwise */
  cairo_save (cr);
  set_source (cr, style, 0.12);
  cairo_set_line_width (cr, 1.0);
  if (x_scale != NULL)
    for (int i = 0; i < n_x_ticks; i++)
      {
        /* +0.5: one-pixel lines on pixel centres stay sharp */
        double x = round (nnb_plot_scale_map (x_scale, x_ticks[i], area.x, area.x + area.width)) + 0.5;

        cairo_move_to (cr, x, area.y);
        cairo_line_to (cr, x, area.y + area.height);
      }
  else
    for (int i = 1; i <= GRID_DIVISIONS; i++)
      {
        double x = round (area.x + area.width * i / GRID_DIVISIONS) + 0.5;

        cairo_move_to (cr, x, area.y);
        cairo_line_to (cr, x, area.y + area.height);
      }
  if (y_scale != NULL)
    for (int i = 0; i < n_y_ticks; i++)
      {
        double y = round (nnb_plot_scale_map (y_scale, y_ticks[i], area.y + area.height, area.y)) + 0.5;

        cairo_move_to (cr, area.x, y);
        cairo_line_to (cr, area.x + area.width, y);
      }
  else
    for (int i = 1; i <= GRID_DIVISIONS; i++)
      {
        double y = round (area.y + area.height * (GRID_DIVISIONS - i) / GRID_DIVISIONS) + 0.5;

        cairo_move_to (cr, area.x, y);
        cairo_line_to (cr, area.x + area.width, y);
      }
  cairo_stroke (cr);
  cairo_restore (cr);

  /* the axes, with ticks under the grid lines */
  set_source (cr, style, 0.8);
  cairo_set_line_width (cr, style->line_width);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_SQUARE);
  cairo_move_to (cr, area.x, area.y);
  cairo_line_to (cr, area.x, area.y + area.height);
  cairo_line_to (cr, area.x + area.width, area.y + area.height);
  if (x_scale != NULL)
    for (int i = 0; i < n_x_ticks; i++)
      {
        double x = nnb_plot_scale_map (x_scale, x_ticks[i], area.x, area.x + area.width);

        cairo_move_to (cr, x, area.y + area.height);
        cairo_line_to (cr, x, area.y + area.height + unit);
      }
  else
    for (int i = 0; i <= GRID_DIVISIONS; i++)
      {
        double x = area.x + area.width * i / GRID_DIVISIONS;

        cairo_move_to (cr, x, area.y + area.height);
        cairo_line_to (cr, x, area.y + area.height + unit);
      }
  if (y_scale != NULL)
    for (int i = 0; i < n_y_ticks; i++)
      {
        double y = nnb_plot_scale_map (y_scale, y_ticks[i], area.y + area.height, area.y);

        cairo_move_to (cr, area.x, y);
        cairo_line_to (cr, area.x - unit, y);
      }
  else
    for (int i = 0; i <= GRID_DIVISIONS; i++)
      {
        double y = area.y + area.height * i / GRID_DIVISIONS;

        cairo_move_to (cr, area.x, y);
        cairo_line_to (cr, area.x - unit, y);
      }
  cairo_stroke (cr);

  /* tick labels; with large type on a narrow plot (presentation mode) a
   * label that would run into the one before is left out, not overprinted */
  {
    double drawn_right = -G_MAXDOUBLE;

    for (int i = 0; i < n_x_ticks; i++)
      {
        int w, h;
        double x = nnb_plot_scale_map (x_scale, x_ticks[i], area.x, area.x + area.width);

        pango_layout_get_pixel_size (x_tick_layouts[i], &w, &h);
        if (x - w / 2.0 >= drawn_right + unit)
          {
            draw_centred (cr, x_tick_layouts[i], x, area.y + area.height + unit * 1.5 + h / 2.0, 0);
            drawn_right = x + w / 2.0;
          }
        g_object_unref (x_tick_layouts[i]);
      }
  }
  for (int i = 0; i < n_y_ticks; i++)
    {
      int w, h;
      double y = nnb_plot_scale_map (y_scale, y_ticks[i], area.y + area.height, area.y);

      pango_layout_get_pixel_size (y_tick_layouts[i], &w, &h);
      cairo_move_to (cr, area.x - unit * 1.5 - w, y - h / 2.0);
      pango_cairo_show_layout (cr, y_tick_layouts[i]);
      g_object_unref (y_tick_layouts[i]);
    }

  if (x_layout != NULL)
    draw_centred (cr, x_layout, area.x + area.width / 2, height - x_h / 2.0, 0);
  if (y_layout != NULL)
    draw_centred (cr, y_layout, y_h / 2.0, area.y + area.height / 2, -G_PI / 2);

  if (message != NULL && area.width > 0 && area.height > 0)
    {
      g_autoptr(PangoLayout) layout = make_layout (cr, style, message, FALSE);

      /* a long explanation wraps inside the plot rather than running off it */
      pango_layout_set_width (layout, (int) (MAX (1.0, area.width - 2 * unit) * PANGO_SCALE));
      pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
      pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
      set_source (cr, style, 0.5);
      draw_centred (cr, layout, area.x + area.width / 2, area.y + area.height / 2, 0);
    }

  if (plot_area != NULL)
    *plot_area = area;
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
