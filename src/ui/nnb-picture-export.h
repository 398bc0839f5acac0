/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-picture-export.h — a picture (a plot, the diagram) written to a file
 * by the same pure draw function that draws it on screen, on the surface
 * the file's extension asks for: .svg and .pdf stay vectors, anything else
 * is a PNG. Used by the window's exports and the Device Race window. */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "nnb-plot-axes.h"

G_BEGIN_DECLS

/* The size of a picture file unless asked otherwise (Export Picture, and
 * `nnblocks-cli export --format png|svg|pdf`), in points. */
#define NNB_PICTURE_EXPORT_WIDTH 1200
#define NNB_PICTURE_EXPORT_HEIGHT 800

typedef enum
{
  NNB_PICTURE_PNG,
  NNB_PICTURE_SVG,
  NNB_PICTURE_PDF,
} NnbPictureFormat;

/* Draws one picture in a width × height area at the origin, with style. */
typedef void (*NnbPictureDrawFunc) (cairo_t *cr, int width, int height,
                                    const NnbPlotStyle *style, gpointer user_data);

/* Writes draw's picture of width × height to path with the printable style
 * (black on white): SVG or PDF in points, a PNG with twice the pixels so
 * it stays sharp on a slide. FALSE with error when the file cannot be
 * written. */
gboolean nnb_picture_export (const char *path, int width, int height,
                             NnbPictureDrawFunc draw, gpointer user_data, GError **error);
/* The same in format, whatever path's extension (a format the caller was
 * given, not a file name it chose). */
gboolean nnb_picture_export_format (const char *path, NnbPictureFormat format, int width, int height,
                                    NnbPictureDrawFunc draw, gpointer user_data, GError **error);
/* The format path's extension asks for: .svg, .pdf (in any case), or else PNG. */
NnbPictureFormat nnb_picture_format_for_path (const char *path);

/* A PDF (or else SVG) surface of width × height points that writes into
 * memory: nnb_picture_write puts it in its file. */
cairo_surface_t *nnb_picture_vector_surface_new (gboolean pdf, double width, double height);

/* Writes what was drawn on surface to path and destroys surface: an image
 * surface as a PNG, a surface from nnb_picture_vector_surface_new finished.
 * The file is written whole beside path and renamed over it
 * (nnb-file-write.h): a full disk never leaves half a picture. draw_status (the drawing
 * context's cairo_status) is reported instead when it is an error. FALSE
 * with error when the file cannot be written. */
gboolean nnb_picture_write (cairo_surface_t *surface, const char *path, cairo_status_t draw_status,
                            GError **error);

G_END_DECLS
