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

/* Draws one picture in a width × height area at the origin, with style. */
typedef void (*NnbPictureDrawFunc) (cairo_t *cr, int width, int height,
                                    const NnbPlotStyle *style, gpointer user_data);

/* Writes draw's picture of width × height to path with the printable style
 * (black on white): SVG or PDF in points, a PNG with twice the pixels so
 * it stays sharp on a slide. FALSE with error when the file cannot be
 * written. */
gboolean nnb_picture_export (const char *path, int width, int height,
                             NnbPictureDrawFunc draw, gpointer user_data, GError **error);

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
