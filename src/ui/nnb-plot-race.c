/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-plot-race.c — the device race's plot, drawn with Cairo and Pango. */
#include "nnb-config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <string.h>

#include "nnb-plot-race.h"
#include "nnb-locale-format.h"

/* Devices after the first (the CPU, in the style's accent) take these in
 * turn: orange for the first GPU, the colour people read as "the other one" */
static const double palette[][3] = {
  { 0.90, 0.38, 0.00 },
  { 0.18, 0.63, 0.26 },
  { 0.57, 0.25, 0.67 },
  { 0.75, 0.11, 0.16 },
};

#define MAX_DEVICES 8
/* The legend and the crossover's label: smaller than the axes' text */
#define NOTE_TEXT 0.85

/* One line of the plot: the rows of one device, in width order */
typedef struct
{
  NnbDevice device;
  const char *label;
  const char *reason; /* set when no row of the device was measured */
  guint n_measured;
  double color[4];
} Line;

static void
line_color (Line *line, guint index, const NnbPlotStyle *style)
{
  if (index == 0)
    {
      for (int k = 0; k < 4; k++)
        line->color[k] = style->accent[k];
      return;
    }
  for (int k = 0; k < 3; k++)
    line->color[k] = palette[(index - 1) % G_N_ELEMENTS (palette)][k];
  line->color[3] = 1.0;
}

/* The devices in the order their first rows came, measured or not */
static guint
collect_lines (const NnbRaceSeries *series, Line *lines, const NnbPlotStyle *style)
{
  guint n = 0;

  for (guint i = 0; i < series->n_rows; i++)
    {
      const NnbRaceRow *row = series->rows[i];
      guint l;

      for (l = 0; l < n; l++)
        if (nnb_device_equal (lines[l].device, row->device))
          break;
      if (l == n)
        {
          if (n == MAX_DEVICES)
            continue;
          lines[n] = (Line){ .device = row->device, .label = row->device_label };
          line_color (&lines[n], n, style);
          n++;
        }
      if (!isnan (row->us_per_epoch) && row->us_per_epoch > 0)
        lines[l].n_measured++;
      else if (lines[l].reason == NULL)
        lines[l].reason = row->reason;
    }
  return n;
}

static void
draw_line (cairo_t *cr, const NnbRaceSeries *series, const Line *line, const NnbPlotScale *xs,
           const NnbPlotScale *ys, const cairo_rectangle_t *area, const NnbPlotStyle *style)
{
  gboolean pen_down = FALSE;

  cairo_save (cr);
  nnb_plot_style_set_data_line (cr, style, line->color, 2);
  for (guint i = 0; i < series->n_rows; i++)
    {
      const NnbRaceRow *row = series->rows[i];
      double x, y;

      if (!nnb_device_equal (row->device, line->device))
        continue;
      if (isnan (row->us_per_epoch) || row->us_per_epoch <= 0)
        {
          /* a skipped width ends the line: nothing is drawn across it */
          pen_down = FALSE;
          continue;
        }
      x = nnb_plot_scale_map (xs, row->width, area->x, area->x + area->width);
      y = nnb_plot_scale_map (ys, row->us_per_epoch, area->y + area->height, area->y);
      nnb_plot_line_to (cr, &pen_down, x, y);
    }
  cairo_stroke (cr);
  /* a dot on every measured width: the race measures there, nowhere between */
  for (guint i = 0; i < series->n_rows; i++)
    {
      const NnbRaceRow *row = series->rows[i];

      if (!nnb_device_equal (row->device, line->device) || isnan (row->us_per_epoch) || row->us_per_epoch <= 0)
        continue;
      cairo_arc (cr, nnb_plot_scale_map (xs, row->width, area->x, area->x + area->width),
                 nnb_plot_scale_map (ys, row->us_per_epoch, area->y + area->height, area->y),
                 style->line_width * 2.2, 0, 2 * G_PI);
      cairo_fill (cr);
    }
  cairo_restore (cr);
}

static double
time_at (const NnbRaceSeries *series, NnbDevice device, int64_t width)
{
  for (guint i = 0; i < series->n_rows; i++)
    if (series->rows[i]->width == width && nnb_device_equal (series->rows[i]->device, device))
      return series->rows[i]->us_per_epoch;
  return NAN;
}

/* The largest measured width below `width` where both devices have a time */
static int64_t
previous_shared_width (const NnbRaceSeries *series, NnbDevice a, NnbDevice b, int64_t width)
{
  int64_t best = 0;

  for (guint i = 0; i < series->n_rows; i++)
    {
      int64_t w = series->rows[i]->width;
      if (w < width && w > best && !isnan (time_at (series, a, w)) && !isnan (time_at (series, b, w)))
        best = w;
    }
  return best;
}

/* A dashed vertical line where the challenger's line crosses the CPU's,
 * found on the log–log segments between the last width the CPU won and
 * the first of the challenger's winning streak. */
static void
draw_crossover (cairo_t *cr, const NnbRaceSeries *series, const Line *cpu, const Line *gpu,
                const NnbPlotScale *xs, const cairo_rectangle_t *area, const NnbPlotStyle *style)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_sized_new (series->n_rows);
  g_autoptr (PangoLayout) layout = NULL;
  g_autofree char *text = NULL;
  int64_t from, before;
  double w_cross, x;
  int tw, th;

  for (guint i = 0; i < series->n_rows; i++)
    g_ptr_array_add (rows, (gpointer) series->rows[i]);
  from = nnb_device_race_crossover (rows, cpu->device, gpu->device);
  if (from == 0)
    return;
  before = previous_shared_width (series, cpu->device, gpu->device, from);
  if (before > 0)
    {
      /* log t = a + b·log w on each line; where the two meet */
      double lw0 = log (before), lw1 = log (from);
      double d0 = log (time_at (series, gpu->device, before)) - log (time_at (series, cpu->device, before));
      double d1 = log (time_at (series, gpu->device, from)) - log (time_at (series, cpu->device, from));
      double t = d0 - d1 != 0 ? d0 / (d0 - d1) : 1.0;
      w_cross = exp (lw0 + CLAMP (t, 0.0, 1.0) * (lw1 - lw0));
      /* Translators: marks where the GPU's line crosses below the CPU's; %s is the GPU, %.0f the width */
      text = nnb_locale_strdup_printf (_("%s faster from W ≈ %.0f"), gpu->label, w_cross);
    }
  else
    {
      w_cross = from;
      /* Translators: the GPU won at every width the race measured; %s is the GPU */
      text = g_strdup_printf (_("%s faster at every width"), gpu->label);
    }

  x = nnb_plot_scale_map (xs, w_cross, area->x, area->x + area->width);
  cairo_save (cr);
  nnb_plot_set_source_alpha (cr, gpu->color, 0.9);
  cairo_set_line_width (cr, style->line_width);
  cairo_set_dash (cr, (double[]){ 6, 4 }, 2, 0);
  cairo_move_to (cr, x, area->y);
  cairo_line_to (cr, x, area->y + area->height);
  cairo_stroke (cr);
  layout = nnb_plot_style_make_layout (cr, style, text, style->font_size * NOTE_TEXT, FALSE);
  pango_layout_get_pixel_size (layout, &tw, &th);
  /* the label beside the line, inside the plot, near the bottom */
  cairo_move_to (cr, x + tw + 6 <= area->x + area->width ? x + 4 : x - tw - 4, area->y + area->height - th - 4);
  pango_cairo_show_layout (cr, layout);
  cairo_restore (cr);
}

/* Top left: a swatch and the label of every device; a device that did not
 * run says why, in the foreground's faint colour, with a dashed swatch */
static void
draw_legend (cairo_t *cr, const Line *lines, guint n_lines, const cairo_rectangle_t *area, const NnbPlotStyle *style)
{
  PangoLayout *layouts[MAX_DEVICES] = { NULL };
  double unit = style->font_size / 2, swatch = 3 * unit;
  double box_w = 0, box_h = 0, y;
  int heights[MAX_DEVICES];

  for (guint l = 0; l < n_lines; l++)
    {
      g_autofree char *text = NULL;
      int w;

      if (lines[l].reason == NULL)
        text = g_strdup (lines[l].label);
      else if (lines[l].n_measured == 0 && g_str_has_prefix (lines[l].reason, lines[l].label) &&
               lines[l].reason[strlen (lines[l].label)] == ':')
        /* "CUDA: no NVIDIA driver found" names the device already */
        text = g_strdup (lines[l].reason);
      else if (lines[l].n_measured == 0)
        /* Translators: a device in the race's legend that could not run, and why */
        text = g_strdup_printf (_("%s — %s"), lines[l].label, lines[l].reason);
      else
        /* a device that ran the narrow widths and was stopped: why, below its name */
        text = g_strdup_printf ("%s\n%s", lines[l].label, lines[l].reason);
      layouts[l] = nnb_plot_style_make_layout (cr, style, text, style->font_size * NOTE_TEXT, FALSE);
      pango_layout_set_width (layouts[l], (int) MAX (40, area->width - swatch - 4 * unit) * PANGO_SCALE);
      pango_layout_set_wrap (layouts[l], PANGO_WRAP_WORD_CHAR);
      pango_layout_get_pixel_size (layouts[l], &w, &heights[l]);
      box_w = MAX (box_w, swatch + unit + w);
      box_h += heights[l] + (l > 0 ? unit / 2 : 0);
    }
  if (n_lines == 0)
    return;

  cairo_save (cr);
  cairo_rectangle (cr, area->x + unit, area->y + unit, box_w + 2 * unit, box_h + 2 * unit);
  nnb_plot_set_source_alpha (cr, style->background, style->background[3] > 0 ? 0.85 : 0.0);
  cairo_fill_preserve (cr);
  nnb_plot_set_source_alpha (cr, style->foreground, 0.25);
  cairo_set_line_width (cr, 1);
  cairo_stroke (cr);

  y = area->y + 2 * unit;
  for (guint l = 0; l < n_lines; l++)
    {
      gboolean ran = lines[l].n_measured > 0;
      double sx = area->x + 2 * unit, sy = y + heights[l] / 2.0;
      double alpha = ran ? 1.0 : 0.6;

      if (ran)
        nnb_plot_set_source_alpha (cr, lines[l].color, 1.0);
      else
        nnb_plot_set_source_alpha (cr, style->foreground, 0.5);
      cairo_set_line_width (cr, style->line_width * 2);
      cairo_set_dash (cr, (double[]){ 3, 3 }, ran ? 0 : 2, 0);
      cairo_move_to (cr, sx, sy);
      cairo_line_to (cr, sx + swatch, sy);
      cairo_stroke (cr);
      nnb_plot_set_source (cr, style->foreground, alpha);
      cairo_move_to (cr, sx + swatch + unit, y);
      pango_cairo_show_layout (cr, layouts[l]);
      y += heights[l] + unit / 2;
      g_object_unref (layouts[l]);
    }
  cairo_restore (cr);
}

void
nnb_plot_race_draw (cairo_t *cr,
                    int width,
                    int height,
                    const NnbRaceSeries *series,
                    const NnbPlotStyle *style)
{
  NnbPlotScale xs = { INFINITY, -INFINITY, TRUE };
  NnbPlotScale ys = { INFINITY, -INFINITY, TRUE };
  const char *title = _("Device race");
  const char *x_label = _("Hidden width W (log scale)");
  const char *y_label = _("µs per epoch (log scale)");
  Line lines[MAX_DEVICES];
  cairo_rectangle_t area;
  guint n_lines;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (series != NULL);
  g_return_if_fail (style != NULL);

  n_lines = collect_lines (series, lines, style);
  for (guint i = 0; i < series->n_rows; i++)
    {
      const NnbRaceRow *row = series->rows[i];

      /* the x axis spans every width raced, measured or not */
      xs.min = MIN (xs.min, (double) row->width);
      xs.max = MAX (xs.max, (double) row->width);
      if (isnan (row->us_per_epoch) || row->us_per_epoch <= 0)
        continue;
      ys.min = MIN (ys.min, row->us_per_epoch);
      ys.max = MAX (ys.max, row->us_per_epoch);
    }

  if (series->n_rows == 0)
    {
      nnb_plot_axes_draw (cr, width, height, title, x_label, y_label,
                          series->message != NULL ? series->message : _("Press Start to race the devices"),
                          style, NULL);
      return;
    }
  /* whole decades, so that both axes carry their powers of ten */
  nnb_plot_scale_nice (&xs);
  nnb_plot_scale_nice (&ys);
  nnb_plot_axes_draw_scaled (cr, width, height, title, x_label, y_label,
                             isfinite (ys.min) && ys.max > 0 && series->n_rows > 0 ? NULL : _("No device could run"),
                             style, &xs, &ys, &area);
  if (area.width <= 0 || area.height <= 0)
    return;

  cairo_save (cr);
  cairo_rectangle (cr, area.x, area.y, area.width, area.height);
  cairo_clip (cr);
  for (guint l = 0; l < n_lines; l++)
    if (lines[l].n_measured > 0)
      draw_line (cr, series, &lines[l], &xs, &ys, &area, style);
  /* the crossover of each GPU that ran with the CPU (the first line) */
  if (n_lines > 1 && lines[0].device.type == NNB_DEVICE_CPU && lines[0].n_measured > 0)
    for (guint l = 1; l < n_lines; l++)
      if (lines[l].n_measured > 0)
        draw_crossover (cr, series, &lines[0], &lines[l], &xs, &area, style);
  draw_legend (cr, lines, n_lines, &area, style);
  cairo_restore (cr);
}
