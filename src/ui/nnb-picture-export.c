/* nnb-picture-export.c — pictures into PNG, SVG and PDF files; see the header. */
#include "nnb-config.h"

#include "nnb-picture-export.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <gio/gio.h>
#include <glib/gi18n.h>

gboolean
nnb_picture_export (const char *path, int width, int height,
                    NnbPictureDrawFunc draw, gpointer user_data, GError **error)
{
  g_autofree char *lower = g_ascii_strdown (path, -1);
  cairo_surface_t *surface;
  NnbPlotStyle style;
  gboolean png = FALSE;
  cairo_t *cr;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (draw != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* files get the printable style, whatever the window's theme */
  nnb_plot_style_init_default (&style);
  if (g_str_has_suffix (lower, ".svg"))
    surface = cairo_svg_surface_create (path, width, height);
  else if (g_str_has_suffix (lower, ".pdf"))
    surface = cairo_pdf_surface_create (path, width, height);
  else
    {
      /* twice the pixels, so the picture stays sharp on a slide */
      surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width * 2, height * 2);
      png = TRUE;
    }

  cr = cairo_create (surface);
  if (png)
    cairo_scale (cr, 2, 2);
  draw (cr, width, height, &style, user_data);
  cairo_destroy (cr);

  return nnb_picture_write (surface, path, CAIRO_STATUS_SUCCESS, error);
}

gboolean
nnb_picture_write (cairo_surface_t *surface, const char *path, cairo_status_t draw_status, GError **error)
{
  cairo_status_t status = draw_status;

  cairo_surface_flush (surface);
  if (status == CAIRO_STATUS_SUCCESS && cairo_surface_get_type (surface) == CAIRO_SURFACE_TYPE_IMAGE)
    status = cairo_surface_write_to_png (surface, path);
  else if (status == CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_finish (surface);
      status = cairo_surface_status (surface);
    }
  cairo_surface_destroy (surface);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Could not write “%s”: %s"),
                   path, cairo_status_to_string (status));
      return FALSE;
    }

  return TRUE;
}
