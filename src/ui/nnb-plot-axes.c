/* nnb-plot-axes.c — the frame every plot shares, drawn with Cairo and Pango. */
#include "nnb-plot-axes.h"

#include <math.h>
#include <pango/pangocairo.h>

#define GRID_DIVISIONS 4

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
  g_autoptr(PangoLayout) title_layout = NULL;
  g_autoptr(PangoLayout) x_layout = NULL;
  g_autoptr(PangoLayout) y_layout = NULL;
  cairo_rectangle_t area;
  double unit;
  int title_h = 0, x_h = 0, y_h = 0;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (style != NULL);

  /* Spacing follows the type size, so presentation mode stays in proportion. */
  unit = style->font_size / 2;

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

  /* Room for tick labels on the left and below, filled in by the plots that
   * have numbers to show. */
  area.x = y_h + 6 * unit;
  area.y = title_h + 2 * unit;
  area.width = MAX (0.0, width - area.x - 2 * unit);
  area.height = MAX (0.0, height - area.y - x_h - 4 * unit);

  if (title_layout != NULL)
    {
      set_source (cr, style, 1.0);
      cairo_move_to (cr, area.x, 0);
      pango_cairo_show_layout (cr, title_layout);
    }

  /* the grid */
  cairo_save (cr);
  set_source (cr, style, 0.12);
  cairo_set_line_width (cr, 1.0);
  for (int i = 1; i <= GRID_DIVISIONS; i++)
    {
      /* +0.5: one-pixel lines on pixel centres stay sharp */
      double x = round (area.x + area.width * i / GRID_DIVISIONS) + 0.5;
      double y = round (area.y + area.height * (GRID_DIVISIONS - i) / GRID_DIVISIONS) + 0.5;

      cairo_move_to (cr, x, area.y);
      cairo_line_to (cr, x, area.y + area.height);
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
  for (int i = 0; i <= GRID_DIVISIONS; i++)
    {
      double x = area.x + area.width * i / GRID_DIVISIONS;
      double y = area.y + area.height * i / GRID_DIVISIONS;

      cairo_move_to (cr, x, area.y + area.height);
      cairo_line_to (cr, x, area.y + area.height + unit);
      cairo_move_to (cr, area.x, y);
      cairo_line_to (cr, area.x - unit, y);
    }
  cairo_stroke (cr);

  set_source (cr, style, 0.8);
  if (x_layout != NULL)
    draw_centred (cr, x_layout, area.x + area.width / 2, height - x_h / 2.0, 0);
  if (y_layout != NULL)
    draw_centred (cr, y_layout, y_h / 2.0, area.y + area.height / 2, -G_PI / 2);

  if (message != NULL && area.width > 0 && area.height > 0)
    {
      g_autoptr(PangoLayout) layout = make_layout (cr, style, message, FALSE);

      set_source (cr, style, 0.5);
      draw_centred (cr, layout, area.x + area.width / 2, area.y + area.height / 2, 0);
    }

  if (plot_area != NULL)
    *plot_area = area;
}
