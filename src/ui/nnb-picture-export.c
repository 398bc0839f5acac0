/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-picture-export.c — pictures into PNG, SVG and PDF files; see the header. */
#include "nnb-config.h"

#include "nnb-picture-export.h"

#include "nnb-file-write.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <gio/gio.h>
#include <glib/gi18n.h>

NnbPictureFormat
nnb_picture_format_for_path (const char *path)
{
  g_autofree char *lower = g_ascii_strdown (path, -1);

  if (g_str_has_suffix (lower, ".svg"))
    return NNB_PICTURE_SVG;
  if (g_str_has_suffix (lower, ".pdf"))
    return NNB_PICTURE_PDF;
  return NNB_PICTURE_PNG;
}

gboolean
nnb_picture_export (const char *path, int width, int height,
                    NnbPictureDrawFunc draw, gpointer user_data, GError **error)
{
  g_return_val_if_fail (path != NULL, FALSE);

  return nnb_picture_export_format (path, nnb_picture_format_for_path (path), width, height, draw, user_data, error);
}

gboolean
nnb_picture_export_format (const char *path, NnbPictureFormat format, int width, int height,
                           NnbPictureDrawFunc draw, gpointer user_data, GError **error)
{
  cairo_surface_t *surface;
  NnbPlotStyle style;
  gboolean png = format == NNB_PICTURE_PNG;
  cairo_t *cr;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (draw != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* files get the printable style, whatever the window's theme */
  nnb_plot_style_init_default (&style);
  if (png)
    /* twice the pixels, so the picture stays sharp on a slide */
    surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width * 2, height * 2);
  else
    surface = nnb_picture_vector_surface_new (format == NNB_PICTURE_PDF, width, height);

  cr = cairo_create (surface);
  if (png)
    cairo_scale (cr, 2, 2);
  draw (cr, width, height, &style, user_data);
  cairo_destroy (cr);

  return nnb_picture_write (surface, path, CAIRO_STATUS_SUCCESS, error);
}

/* The bytes a vector surface wrote, kept on the surface until it goes. */
static const cairo_user_data_key_t written_key;

static cairo_status_t
append_cb (void *closure, const unsigned char *data, unsigned int length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

cairo_surface_t *
nnb_picture_vector_surface_new (gboolean pdf, double width, double height)
{
  GByteArray *written = g_byte_array_new ();
  cairo_surface_t *surface;

  surface = pdf ? cairo_pdf_surface_create_for_stream (append_cb, written, width, height)
                : cairo_svg_surface_create_for_stream (append_cb, written, width, height);
  cairo_surface_set_user_data (surface, &written_key, written, (cairo_destroy_func_t) g_byte_array_unref);
  return surface;
}

gboolean
nnb_picture_write (cairo_surface_t *surface, const char *path, cairo_status_t draw_status, GError **error)
{
  cairo_status_t status = draw_status;
  g_autoptr (GByteArray) written = NULL;
  g_autoptr (GError) local = NULL;

  cairo_surface_flush (surface);
  if (cairo_surface_get_type (surface) == CAIRO_SURFACE_TYPE_IMAGE)
    {
      written = g_byte_array_new ();
      if (status == CAIRO_STATUS_SUCCESS)
        status = cairo_surface_write_to_png_stream (surface, append_cb, written);
    }
  else
    {
      written = cairo_surface_get_user_data (surface, &written_key);
      g_return_val_if_fail (written != NULL, FALSE); /* not from nnb_picture_vector_surface_new */
      g_byte_array_ref (written);
      cairo_surface_finish (surface);
      if (status == CAIRO_STATUS_SUCCESS)
        status = cairo_surface_status (surface);
    }
  cairo_surface_destroy (surface);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Could not write “%s”: %s"),
                   path, cairo_status_to_string (status));
      return FALSE;
    }
  if (!nnb_file_write (path, written->data, written->len, 0666, &local))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, local->message);
      return FALSE;
    }

  return TRUE;
}
