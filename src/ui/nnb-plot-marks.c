/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-plot-marks.c — pointer read-out, edge marks and series colours. */
#include "nnb-plot-marks.h"

#include <pango/pangocairo.h>
#include <string.h>

/* Marks sit on the data: their text a little smaller than the axes'. */
#define MARK_TEXT 0.9

/* Hues a colour-blind reader still tells apart (Okabe–Ito), after the
 * accent: orange, bluish green, reddish purple, vermillion, sky blue,
 * yellow; then brown, grey and violet, so that ten classes of data
 * (nnb-plot-boundary.h) wear ten colours before any comes again. */
static const double palette[][3] = {
  { 0.90, 0.62, 0.00 },
  { 0.00, 0.62, 0.45 },
  { 0.80, 0.47, 0.65 },
  { 0.84, 0.37, 0.00 },
  { 0.34, 0.71, 0.91 },
  { 0.75, 0.68, 0.10 },
  { 0.55, 0.36, 0.18 },
  { 0.50, 0.50, 0.50 },
  { 0.45, 0.30, 0.70 },
};

void
nnb_plot_series_color (const NnbPlotStyle *style, int index, double rgba[4])
{
  g_return_if_fail (style != NULL);

  if (index <= 0)
    {
      memcpy (rgba, style->accent, 4 * sizeof (double));
      return;
    }
  index = (index - 1) % (int) G_N_ELEMENTS (palette);
  rgba[0] = palette[index][0];
  rgba[1] = palette[index][1];
  rgba[2] = palette[index][2];
  rgba[3] = style->accent[3];
}

/* A box in the plot's background colour (opaque enough to read over lines). */
static void
fill_box (cairo_t *cr, double x, double y, double w, double h, const NnbPlotStyle *style)
{
  double alpha = style->background[3] > 0 ? 0.88 : 0.0;

  cairo_rectangle (cr, x, y, w, h);
  if (alpha > 0)
    nnb_plot_set_source_alpha (cr, style->background, alpha);
  else
    /* no background known (drawn over a widget): a neutral veil */
    cairo_set_source_rgba (cr, 1 - style->foreground[0], 1 - style->foreground[1],
                           1 - style->foreground[2], 0.85);
  cairo_fill_preserve (cr);
  nnb_plot_set_source_alpha (cr, style->foreground, 0.35);
  cairo_set_line_width (cr, 1.0);
  cairo_stroke (cr);
}

void
nnb_plot_draw_edge_mark (cairo_t *cr,
                         const cairo_rectangle_t *area,
                         double px,
                         gboolean top,
                         const char *text,
                         const double rgba[4],
                         const NnbPlotStyle *style)
{
  double size = style->font_size * 0.6;
  double edge = top ? area->y : area->y + area->height;
  double inward = top ? 1 : -1;

  g_return_if_fail (cr != NULL && area != NULL && rgba != NULL && style != NULL);

  px = CLAMP (px, area->x + size / 2, area->x + area->width - size / 2);
  cairo_save (cr);
  nnb_plot_set_source (cr, rgba, 1.0);
  cairo_move_to (cr, px, edge);
  cairo_line_to (cr, px - size / 2, edge + inward * size);
  cairo_line_to (cr, px + size / 2, edge + inward * size);
  cairo_close_path (cr);
  cairo_fill (cr);
  if (text != NULL)
    {
      g_autoptr (PangoLayout) layout = nnb_plot_style_make_layout (cr, style, text, style->font_size * MARK_TEXT, TRUE);
      int w, h;
      double tx, ty;

      pango_layout_get_pixel_size (layout, &w, &h);
      /* beside the triangle, inside the plot */
      tx = px + size * 0.75;
      if (tx + w > area->x + area->width)
        tx = px - size * 0.75 - w;
      ty = top ? edge + size * 0.2 : edge - size * 0.2 - h;
      cairo_move_to (cr, tx, ty);
      pango_cairo_show_layout (cr, layout);
    }
  cairo_restore (cr);
}

void
nnb_plot_draw_readout (cairo_t *cr,
                       const cairo_rectangle_t *area,
                       double px,
                       double py,
                       const char *text,
                       const NnbPlotStyle *style)
{
  g_autoptr (PangoLayout) layout = NULL;
  double unit, bx, by, bw, bh;
  int w, h;

  g_return_if_fail (cr != NULL && area != NULL && text != NULL && style != NULL);

  unit = style->font_size / 2;
  cairo_save (cr);

  /* the point: a ring in the text colour, seen on any line colour */
  nnb_plot_set_source (cr, style->foreground, 1.0);
  cairo_set_line_width (cr, MAX (1.5, style->line_width * 1.2));
  cairo_arc (cr, px, py, unit * 0.9, 0, 2 * G_PI);
  cairo_stroke (cr);

  layout = nnb_plot_style_make_layout (cr, style, text, style->font_size * MARK_TEXT, FALSE);
  pango_layout_get_pixel_size (layout, &w, &h);
  bw = w + 2 * unit;
  bh = h + unit;
  /* beside the point, on the side with room, inside the plot */
  bx = px + 2 * unit;
  if (bx + bw > area->x + area->width)
    bx = px - 2 * unit - bw;
  by = py - bh - unit;
  if (by < area->y)
    by = py + 2 * unit;
  bx = CLAMP (bx, area->x, MAX (area->x, area->x + area->width - bw));
  by = CLAMP (by, area->y, MAX (area->y, area->y + area->height - bh));

  fill_box (cr, bx, by, bw, bh, style);
  nnb_plot_set_source (cr, style->foreground, 1.0);
  cairo_move_to (cr, bx + unit, by + unit / 2);
  pango_cairo_show_layout (cr, layout);
  cairo_restore (cr);
}
