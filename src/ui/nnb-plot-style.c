/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-plot-style.c — a picture's colours, type and line widths, set on a
 * cairo_t in one way for every plot, the diagram and the handout. */
#include "nnb-plot-style.h"

void
nnb_plot_style_init_default (NnbPlotStyle *style)
{
  *style = (NnbPlotStyle){
    .foreground = { 0.1, 0.1, 0.1, 1.0 },
    .font_family = "Sans",
    .font_size = 14.0,
    .line_width = 1.4,
    .accent = { 0.11, 0.44, 0.85, 1.0 }, /* libadwaita's blue */
    .background = { 1.0, 1.0, 1.0, 1.0 },
    .marker_scale = 1.0,
  };
}

PangoLayout *
nnb_plot_style_make_layout (cairo_t *cr, const NnbPlotStyle *style, const char *text, double size, gboolean bold)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  g_autoptr (PangoFontDescription) font = pango_font_description_new ();

  pango_font_description_set_family (font, style != NULL && style->font_family != NULL ? style->font_family : "Sans");
  /* absolute: Cairo units, whatever the surface's resolution (a PDF's points) */
  pango_font_description_set_absolute_size (font, size * PANGO_SCALE);
  if (bold)
    pango_font_description_set_weight (font, PANGO_WEIGHT_BOLD);
  pango_layout_set_font_description (layout, font);
  if (text != NULL)
    pango_layout_set_text (layout, text, -1);

  return layout;
}

void
nnb_plot_set_source (cairo_t *cr, const double rgba[4], double alpha)
{
  cairo_set_source_rgba (cr, rgba[0], rgba[1], rgba[2], rgba[3] * alpha);
}

void
nnb_plot_set_source_alpha (cairo_t *cr, const double rgba[4], double alpha)
{
  cairo_set_source_rgba (cr, rgba[0], rgba[1], rgba[2], alpha);
}

void
nnb_plot_style_paint_background (cairo_t *cr, const NnbPlotStyle *style)
{
  if (style->background[3] <= 0)
    return;
  cairo_save (cr);
  nnb_plot_set_source (cr, style->background, 1.0);
  cairo_paint (cr);
  cairo_restore (cr);
}

void
nnb_plot_style_set_data_line (cairo_t *cr, const NnbPlotStyle *style, const double rgba[4], double width)
{
  nnb_plot_set_source (cr, rgba, 1.0);
  cairo_set_line_width (cr, style->line_width * width);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
}

void
nnb_plot_style_set_dashes (cairo_t *cr, const NnbPlotStyle *style, double phase)
{
  double dashes[2] = { style->line_width * 5, style->line_width * 3 };

  cairo_set_line_cap (cr, CAIRO_LINE_CAP_BUTT);
  cairo_set_dash (cr, dashes, 2, phase * (dashes[0] + dashes[1]));
}

gboolean
nnb_plot_style_equal (const NnbPlotStyle *a, const NnbPlotStyle *b)
{
  for (int i = 0; i < 4; i++)
    if (a->foreground[i] != b->foreground[i] || a->accent[i] != b->accent[i] || a->background[i] != b->background[i])
      return FALSE;
  return a->font_size == b->font_size && a->line_width == b->line_width && a->marker_scale == b->marker_scale &&
         a->corner_width == b->corner_width && a->corner_height == b->corner_height;
}

cairo_t *
nnb_plot_style_create_layer (cairo_t *like, int width, int height, int scale)
{
  cairo_surface_t *layer = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width * scale, height * scale);
  cairo_font_options_t *options = cairo_font_options_create ();
  cairo_font_options_t *like_options = cairo_font_options_create ();
  cairo_t *cr;

  cairo_surface_set_device_scale (layer, scale, scale);
  cr = cairo_create (layer);
  cairo_surface_destroy (layer); /* cr keeps it */
  cairo_surface_get_font_options (cairo_get_target (like), options);
  cairo_get_font_options (like, like_options);
  cairo_font_options_merge (options, like_options);
  cairo_set_font_options (cr, options);
  cairo_font_options_destroy (options);
  cairo_font_options_destroy (like_options);
  return cr;
}
