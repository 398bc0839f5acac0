/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-plot-percent-axis.c — the share axis on a plot's right, drawn with
 * Cairo and Pango. */
#include "nnb-locale-format.h"
#include "nnb-plot-percent-axis.h"

#include <pango/pangocairo.h>

const NnbPlotScale nnb_plot_percent_scale = { 0, 1, FALSE };

/* Every quarter, then every half, then the ends: round shares that a
 * reader checks a curve against, as sparse as the height needs. */
static const double steps[] = { 0.25, 0.5, 1.0 };

/* The widest of the numbers ("100 %" in most languages, but not assumed). */
static int
widest_label (cairo_t *cr, const NnbPlotStyle *style, int *height)
{
  int widest = 0;

  *height = 0;
  for (int i = 0; i <= 4; i++)
    {
      g_autofree char *text = nnb_locale_format_percent (i * 0.25, 0);
      g_autoptr (PangoLayout) layout = nnb_plot_style_make_layout (cr, style, text, style->font_size, FALSE);
      int w, h;

      pango_layout_get_pixel_size (layout, &w, &h);
      widest = MAX (widest, w);
      *height = MAX (*height, h);
    }
  return widest;
}

/* Tick, gap, numbers, gap, name: the left axis' spacing (nnb-plot-axes.c)
 * mirrored, a little tighter, since the plot's own numbers are the left's. */
double
nnb_plot_percent_axis_width (cairo_t *cr, const char *label, const NnbPlotStyle *style)
{
  double unit;
  g_autoptr (PangoLayout) name = NULL;
  int widest, name_h, tick_h;

  g_return_val_if_fail (cr != NULL && label != NULL && style != NULL, 0);

  unit = style->font_size / 2;
  name = nnb_plot_style_make_layout (cr, style, label, style->font_size, FALSE);
  pango_layout_get_pixel_size (name, NULL, &name_h);
  widest = widest_label (cr, style, &tick_h);
  return 1.5 * unit + widest + 2 * unit + name_h + unit / 2;
}

void
nnb_plot_percent_axis_draw (cairo_t *cr, const cairo_rectangle_t *area, const char *label, const NnbPlotStyle *style)
{
  double step = steps[G_N_ELEMENTS (steps) - 1];
  g_autoptr (PangoLayout) name = NULL;
  double unit, right, bottom;
  int widest, tick_h, name_w, name_h;

  g_return_if_fail (cr != NULL && area != NULL && label != NULL && style != NULL);

  if (area->width <= 0 || area->height <= 0)
    return;
  unit = style->font_size / 2;
  right = area->x + area->width;
  bottom = area->y + area->height;
  name = nnb_plot_style_make_layout (cr, style, label, style->font_size, FALSE);
  widest = widest_label (cr, style, &tick_h);
  /* the densest quarters whose numbers keep a gap between them */
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    if (area->height * steps[i] >= tick_h + unit / 2)
      {
        step = steps[i];
        break;
      }

  cairo_save (cr);
  nnb_plot_set_source (cr, style->foreground, 0.8);
  cairo_set_line_width (cr, style->line_width);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_SQUARE);
  cairo_move_to (cr, right, area->y);
  cairo_line_to (cr, right, bottom);
  for (double v = 0; v <= 1 + 1e-9; v += step)
    {
      double py = nnb_plot_scale_map (&nnb_plot_percent_scale, v, bottom, area->y);

      cairo_move_to (cr, right, py);
      cairo_line_to (cr, right + unit, py);
    }
  cairo_stroke (cr);

  for (double v = 0; v <= 1 + 1e-9; v += step)
    {
      g_autofree char *text = nnb_locale_format_percent (v, 0);
      g_autoptr (PangoLayout) layout = nnb_plot_style_make_layout (cr, style, text, style->font_size, FALSE);
      double py = nnb_plot_scale_map (&nnb_plot_percent_scale, v, bottom, area->y);
      int h;

      pango_layout_get_pixel_size (layout, NULL, &h);
      cairo_move_to (cr, right + 1.5 * unit, py - h / 2.0);
      pango_cairo_show_layout (cr, layout);
    }

  /* the name centred on the axis, read bottom to top as the left's */
  pango_layout_get_pixel_size (name, &name_w, &name_h);
  cairo_translate (cr, right + 1.5 * unit + widest + 2 * unit + name_h / 2.0, area->y + area->height / 2);
  cairo_rotate (cr, -G_PI / 2);
  cairo_move_to (cr, -name_w / 2.0, -name_h / 2.0);
  pango_cairo_show_layout (cr, name);
  cairo_restore (cr);
}
