/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-plot-units.c — one small plot per unit (see the header). */
#include "nnb-plot-units.h"

#include <math.h>

/* A plot narrower than this many times the font size stops being read:
 * fewer columns instead, and the view scrolls. */
#define MIN_CELL_EMS 9.0
#define GAP_EMS 0.6
#define LABEL_EMS 1.5

static int
points_of (const NnbUnits *u)
{
  return u->inputs == 2 ? u->size * u->size : u->size;
}

void
nnb_plot_units_layout (int width, const NnbUnitsSeries *series, const NnbPlotStyle *style, int *columns,
                       double *cell_width, double *cell_height)
{
  double em = style->font_size > 0 ? style->font_size : 13;
  double gap = GAP_EMS * em;
  int n = series->units != NULL ? series->units->units : 0;
  int c = MAX (1, (int) ((width + gap) / (MIN_CELL_EMS * em + gap)));
  double w;

  c = MIN (c, MAX (n, 1));
  w = MAX (1.0, (width - gap * (c - 1)) / c);
  *columns = c;
  *cell_width = w;
  /* heat maps are square, as the plane is drawn; curves wider than tall */
  *cell_height = LABEL_EMS * em + (series->units != NULL && series->units->inputs == 2 ? w : w * 0.6);
}

int
nnb_plot_units_height (int width, const NnbUnitsSeries *series, const NnbPlotStyle *style)
{
  double em = style->font_size > 0 ? style->font_size : 13, w, h;
  int columns, n = series->units != NULL ? series->units->units : 0, rows;

  nnb_plot_units_layout (width, series, style, &columns, &w, &h);
  rows = (n + columns - 1) / columns;
  return rows == 0 ? 0 : (int) ceil (rows * h + (rows - 1) * GAP_EMS * em);
}

void
nnb_plot_units_cell (int width, const NnbUnitsSeries *series, const NnbPlotStyle *style, int u, double rect[4])
{
  double em = style->font_size > 0 ? style->font_size : 13, w, h;
  int columns;

  nnb_plot_units_layout (width, series, style, &columns, &w, &h);
  rect[0] = (u % columns) * (w + GAP_EMS * em);
  rect[1] = (u / columns) * (h + GAP_EMS * em) + LABEL_EMS * em;
  rect[2] = w;
  rect[3] = h - LABEL_EMS * em;
}

/* Every unit's range together, so one unit's size compares with
 * another's; never empty, and always holding 0. */
static void
value_range (const NnbUnits *u, double *lo, double *hi)
{
  gsize n = (gsize) points_of (u) * u->units;

  *lo = 0;
  *hi = 0;
  for (gsize k = 0; k < n; k++)
    if (isfinite (u->values[k]))
      {
        *lo = MIN (*lo, u->values[k]);
        *hi = MAX (*hi, u->values[k]);
      }
  if (*hi - *lo < 1e-6)
    {
      *lo -= 0.5;
      *hi += 0.5;
    }
}

static void
draw_curve (cairo_t *cr, const double r[4], const NnbUnits *u, int unit, double lo, double hi,
            const NnbPlotStyle *style)
{
  const float *y = u->values + (gsize) unit * u->size;
  double x0 = u->extent[0], x1 = u->extent[1];
  gboolean down = FALSE;

  if (x1 <= x0)
    x1 = x0 + 1;
  /* the zero line: where a unit switches sign */
  nnb_plot_set_source (cr, style->foreground, 0.35);
  cairo_set_line_width (cr, MAX (1.0, style->line_width * 0.5));
  cairo_move_to (cr, r[0], r[1] + r[3] * hi / (hi - lo));
  cairo_rel_line_to (cr, r[2], 0);
  cairo_stroke (cr);
  cairo_save (cr);
  cairo_rectangle (cr, r[0], r[1], r[2], r[3]);
  cairo_clip (cr);
  nnb_plot_style_set_data_line (cr, style, style->accent, 1.0);
  for (int p = 0; p < u->size; p++)
    {
      double x = u->x != NULL ? u->x[p] : x0 + (x1 - x0) * p / MAX (1, u->size - 1);
      double px = r[0] + r[2] * (x - x0) / (x1 - x0), py = r[1] + r[3] * (hi - y[p]) / (hi - lo);

      if (!isfinite (y[p]))
        {
          down = FALSE;
          continue;
        }
      if (down)
        cairo_line_to (cr, px, py);
      else
        cairo_move_to (cr, px, py);
      down = TRUE;
    }
  cairo_stroke (cr);
  cairo_restore (cr);
}

/* Blue below 0, white at 0, red above: a diverging map whose middle is
 * the sign change, read the same in print. */
static guint32
diverging (double t)
{
  double r, g, b;

  if (!isfinite (t))
    return 0xff808080;
  t = CLAMP (t, -1, 1);
  if (t < 0)
    r = 1 + 0.87 * t, g = 1 + 0.55 * t, b = 1 + 0.25 * t; /* towards #2166ac */
  else
    r = 1 - 0.30 * t, g = 1 - 0.90 * t, b = 1 - 0.85 * t; /* towards #b2182b */
  return 0xff000000u | (guint32) (r * 255) << 16 | (guint32) (g * 255) << 8 | (guint32) (b * 255);
}

static void
draw_map (cairo_t *cr, const double r[4], const NnbUnits *u, int unit, double scale)
{
  int size = u->size;
  cairo_surface_t *image = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, size, size);
  guint8 *data = cairo_image_surface_get_data (image);
  int stride = cairo_image_surface_get_stride (image);
  const float *v = u->values + (gsize) unit * size * size;

  cairo_surface_flush (image);
  /* row 0 of the grid is the bottom of the plane, the image's last row */
  for (int j = 0; j < size; j++)
    for (int i = 0; i < size; i++)
      ((guint32 *) (data + (size - 1 - j) * stride))[i] = diverging (v[j * size + i] / scale);
  cairo_surface_mark_dirty (image);
  cairo_save (cr);
  cairo_rectangle (cr, r[0], r[1], r[2], r[3]);
  cairo_clip (cr);
  cairo_translate (cr, r[0], r[1]);
  cairo_scale (cr, r[2] / size, r[3] / size);
  cairo_set_source_surface (cr, image, 0, 0);
  /* the cells as computed, not smoothed into something the model never said */
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_NEAREST);
  cairo_paint (cr);
  cairo_restore (cr);
  cairo_surface_destroy (image);
}

void
nnb_plot_units_draw (cairo_t *cr, int width, int height, const NnbUnitsSeries *series,
                     const NnbPlotStyle *style)
{
  const NnbUnits *u = series->units;
  double em = style->font_size > 0 ? style->font_size : 13, lo, hi;
  g_autoptr (PangoLayout) layout = NULL;

  nnb_plot_style_paint_background (cr, style);
  if (u == NULL || u->units == 0 || u->values == NULL)
    return;
  value_range (u, &lo, &hi);
  layout = nnb_plot_style_make_layout (cr, style, NULL, em * 0.85, FALSE);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  for (int k = 0; k < u->units; k++)
    {
      double r[4];
      g_autofree char *label = NULL;

      nnb_plot_units_cell (width, series, style, k, r);
      if (r[1] - LABEL_EMS * em > height)
        break;
      label = g_strdup_printf ("%s[:, %d]", series->block != NULL ? series->block : "", k);
      pango_layout_set_text (layout, label, -1);
      pango_layout_set_width (layout, (int) (r[2] * PANGO_SCALE));
      nnb_plot_set_source (cr, style->foreground, 1.0);
      cairo_move_to (cr, r[0], r[1] - LABEL_EMS * em + 0.2 * em);
      pango_cairo_show_layout (cr, layout);
      if (u->inputs == 2)
        draw_map (cr, r, u, k, MAX (fabs (lo), fabs (hi)));
      else
        draw_curve (cr, r, u, k, lo, hi, style);
      /* the frame: each plot its own, so the eye counts units */
      nnb_plot_set_source (cr, style->foreground, 0.5);
      cairo_set_line_width (cr, 1.0);
      cairo_rectangle (cr, r[0] + 0.5, r[1] + 0.5, r[2] - 1, r[3] - 1);
      cairo_stroke (cr);
    }
}
