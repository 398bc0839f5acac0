/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-handout.c — a lesson step's screen on an A4 page, drawn with Cairo
 * and Pango. */
#include "nnb-config.h"

#include <cairo-pdf.h>
#include <gio/gio.h>
#include <glib/gi18n.h>
#include <pango/pangocairo.h>

#include "nnb-handout.h"
#include "nnb-picture-export.h"

/* The page is laid out in points on A4 and scaled to whatever it is drawn
 * on, so the PDF and the PNG are the same page. */
#define MARGIN 42.0
#define GAP 14.0
#define FOOTER_HEIGHT 18.0
/* The step's text may take at most this much of the page; longer text is
 * cut with an ellipsis rather than squeezing the pictures to nothing. */
#define MAX_TEXT_FRACTION 0.38
/* Pictures are drawn at this many pixels per point and scaled down: the
 * plots keep the proportions of type to lines they have on screen. */
#define PICTURE_ZOOM 1.6
#define PNG_DPI 150.0

/* Text on the page is in "Sans" whatever the screen's font, and wraps at
 * width points. */
static PangoLayout *
page_layout (cairo_t *cr, double size, gboolean bold, double width)
{
  PangoLayout *layout = nnb_plot_style_make_layout (cr, NULL, NULL, size, bold);

  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);

  return layout;
}

/* Draws layout at (x, y) in grey level `ink`; returns its height. */
static double
show_layout (cairo_t *cr, PangoLayout *layout, double x, double y, double ink)
{
  int h;

  pango_layout_get_pixel_size (layout, NULL, &h);
  cairo_set_source_rgb (cr, ink, ink, ink);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);

  return h;
}

static void
draw_picture (cairo_t *cr, double x, double y, double width, double height,
              NnbHandoutDrawFunc draw, gpointer user_data)
{
  NnbPlotStyle style;
  int pixel_width = (int) (width * PICTURE_ZOOM);
  int pixel_height = (int) (height * PICTURE_ZOOM);

  cairo_save (cr);
  cairo_rectangle (cr, x, y, width, height);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_fill_preserve (cr);
  cairo_clip (cr);

  if (draw != NULL)
    {
      /* The handout is printed: black on white, whatever the screen's style. */
      nnb_plot_style_init_default (&style);
      cairo_translate (cr, x, y);
      cairo_scale (cr, 1 / PICTURE_ZOOM, 1 / PICTURE_ZOOM);
      draw (cr, pixel_width, pixel_height, &style, user_data);
    }
  else
    {
      g_autoptr (PangoLayout) note = page_layout (cr, 9, FALSE, width);
      int h;

      pango_layout_set_alignment (note, PANGO_ALIGN_CENTER);
      pango_layout_set_text (note, _("Nothing to show"), -1);
      pango_layout_get_pixel_size (note, NULL, &h);
      show_layout (cr, note, x, y + (height - h) / 2, 0.45);
    }
  cairo_restore (cr);

  /* a thin frame, so pictures with white backgrounds keep their edges on paper */
  cairo_save (cr);
  cairo_set_source_rgb (cr, 0.75, 0.75, 0.75);
  cairo_set_line_width (cr, 0.6);
  cairo_rectangle (cr, x, y, width, height);
  cairo_stroke (cr);
  cairo_restore (cr);
}

char *
nnb_handout_step_markup (const NnbLessonStep *step)
{
  GString *markup = g_string_new (NULL);

  g_return_val_if_fail (step != NULL, NULL);

  for (guint i = 0; step->blocks != NULL && i < step->blocks->len; i++)
    {
      const NnbLessonBlock *block = step->blocks->pdata[i];
      g_autofree char *escaped = g_markup_escape_text (block->text != NULL ? block->text : "", -1);

      if (markup->len > 0)
        g_string_append (markup, "\n\n");
      if (block->kind == NNB_LESSON_BLOCK_CODE)
        g_string_append_printf (markup, "<tt>%s</tt>", escaped);
      else
        g_string_append (markup, escaped);
    }

  return g_string_free (markup, FALSE);
}

void
nnb_handout_draw (cairo_t *cr, double width, double height, const NnbHandoutContent *content)
{
  double page_w = NNB_HANDOUT_A4_WIDTH;
  double page_h = height * (NNB_HANDOUT_A4_WIDTH / width);
  double text_w = page_w - 2 * MARGIN;
  double y = MARGIN;
  double rest, diagram_h, plot_w, plot_h;
  g_autoptr (GString) footer = g_string_new ("NN Blocks");

  g_return_if_fail (cr != NULL);
  g_return_if_fail (content != NULL);
  g_return_if_fail (width > 0 && height > 0);

  cairo_save (cr);
  cairo_scale (cr, width / page_w, width / page_w);

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);

  if (content->lesson_title != NULL && *content->lesson_title != '\0')
    {
      g_autoptr (PangoLayout) layout = page_layout (cr, 9.5, FALSE, text_w);

      pango_layout_set_text (layout, content->lesson_title, -1);
      y += show_layout (cr, layout, MARGIN, y, 0.35) + 4;
    }
  if (content->step_title != NULL && *content->step_title != '\0')
    {
      g_autoptr (PangoLayout) layout = page_layout (cr, 18, TRUE, text_w);

      pango_layout_set_text (layout, content->step_title, -1);
      y += show_layout (cr, layout, MARGIN, y, 0.0) + 6;
    }

  cairo_set_source_rgb (cr, 0.11, 0.44, 0.85);
  cairo_set_line_width (cr, 1.5);
  cairo_move_to (cr, MARGIN, y);
  cairo_line_to (cr, page_w - MARGIN, y);
  cairo_stroke (cr);
  y += 10;

  if (content->step_text != NULL && *content->step_text != '\0')
    {
      g_autoptr (PangoLayout) layout = page_layout (cr, 10.5, FALSE, text_w);

      pango_layout_set_spacing (layout, (int) (2.5 * PANGO_SCALE));
      pango_layout_set_height (layout, (int) (page_h * MAX_TEXT_FRACTION * PANGO_SCALE));
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
      if (content->text_is_markup)
        pango_layout_set_markup (layout, content->step_text, -1);
      else
        pango_layout_set_text (layout, content->step_text, -1);
      y += show_layout (cr, layout, MARGIN, y, 0.1) + GAP;
    }

  /* The diagram across the page, the two plots side by side under it. */
  rest = page_h - MARGIN - FOOTER_HEIGHT - y - GAP;
  diagram_h = MAX (60, rest * 0.5);
  plot_h = MAX (60, rest - diagram_h - GAP);
  plot_w = (text_w - GAP) / 2;
  draw_picture (cr, MARGIN, y, text_w, diagram_h, content->draw_diagram, content->user_data);
  y += diagram_h + GAP;
  draw_picture (cr, MARGIN, y, plot_w, plot_h, content->draw_data, content->user_data);
  draw_picture (cr, MARGIN + plot_w + GAP, y, plot_w, plot_h, content->draw_loss, content->user_data);

  if (content->project_name != NULL && *content->project_name != '\0')
    g_string_append_printf (footer, " · %s", content->project_name);
  if (content->footer != NULL && *content->footer != '\0')
    g_string_append_printf (footer, " · %s", content->footer);
  {
    g_autoptr (PangoLayout) layout = page_layout (cr, 8, FALSE, text_w);

    pango_layout_set_text (layout, footer->str, -1);
    show_layout (cr, layout, MARGIN, page_h - MARGIN + 6, 0.45);
  }

  cairo_restore (cr);
}

gboolean
nnb_handout_export (const NnbHandoutContent *content, const char *path, GError **error)
{
  return nnb_handout_export_pages (content, 1, path, error);
}

gboolean
nnb_handout_export_pages (const NnbHandoutContent *pages, guint n_pages, const char *path, GError **error)
{
  g_autofree char *lower = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;
  cairo_status_t status;
  gboolean pdf;
  double width, height;

  g_return_val_if_fail (pages != NULL && n_pages > 0, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  lower = g_ascii_strdown (path, -1);
  pdf = g_str_has_suffix (lower, ".pdf");
  if (pdf)
    {
      width = NNB_HANDOUT_A4_WIDTH;
      height = NNB_HANDOUT_A4_HEIGHT;
      surface = nnb_picture_vector_surface_new (TRUE, width, height);
    }
  else
    {
      width = (int) (NNB_HANDOUT_A4_WIDTH / 72.0 * PNG_DPI + 0.5);
      height = (int) (NNB_HANDOUT_A4_HEIGHT / 72.0 * PNG_DPI + 0.5);
      surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) width, (int) height);
      /* a picture holds one page */
      n_pages = 1;
    }

  cr = cairo_create (surface);
  for (guint i = 0; i < n_pages; i++)
    {
      nnb_handout_draw (cr, width, height, &pages[i]);
      if (i + 1 < n_pages)
        cairo_show_page (cr);
    }
  status = cairo_status (cr);
  cairo_destroy (cr);

  return nnb_picture_write (surface, path, status, error);
}
