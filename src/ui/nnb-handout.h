/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-handout.h — one lesson step's screen on a page to hand out: the
 * step's title and text, the diagram, the data plot and the loss plot, laid
 * out on A4. A pure function of its inputs on any cairo_t (like the plots,
 * nnb-plot-axes.h), plus a helper that writes it to a PDF or PNG file. */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "nnb-lesson.h"
#include "nnb-plot-axes.h"

G_BEGIN_DECLS

/* A4 in PostScript points, the unit of PDF pages. */
#define NNB_HANDOUT_A4_WIDTH 595.276
#define NNB_HANDOUT_A4_HEIGHT 841.89

/* Draws one picture of the screen (diagram, a plot) in a width × height
 * area at the origin, with style. */
typedef void (*NnbHandoutDrawFunc) (cairo_t *cr, int width, int height,
                                    const NnbPlotStyle *style, gpointer user_data);

/* What goes on the page. Every string may be NULL (left out); a picture
 * whose function is NULL leaves its place empty with a note. */
typedef struct
{
  const char *lesson_title; /* "Day 2 — Building models with nn.Module" */
  const char *step_title;   /* the step shown */
  const char *step_text;    /* its text; paragraphs separated by blank lines */
  gboolean text_is_markup;  /* step_text is Pango markup rather than plain text */
  const char *project_name; /* the model on screen */
  const char *footer;       /* e.g. the date; printed at the bottom */

  NnbHandoutDrawFunc draw_diagram;
  NnbHandoutDrawFunc draw_data;
  NnbHandoutDrawFunc draw_loss;
  gpointer user_data; /* passed to the three draw functions */
} NnbHandoutContent;

/* The text of a lesson step as Pango markup for step_text: paragraphs as
 * they are, code in a monospace font, separated by blank lines. */
char *nnb_handout_step_markup (const NnbLessonStep *step);

/* Draws the page in a width × height area at the origin (any unit; the
 * layout follows A4's proportions and scales with width). */
void nnb_handout_draw (cairo_t *cr, double width, double height, const NnbHandoutContent *content);

/* Writes the page to path: a one-page A4 PDF when path ends in .pdf, else a
 * PNG of A4 at 150 dpi (1240 × 1754 pixels). */
gboolean nnb_handout_export (const NnbHandoutContent *content, const char *path, GError **error);
/* Several pages (Explain Next Step's stages, one a page) in one PDF; a PNG
 * holds the first page only. */
gboolean nnb_handout_export_pages (const NnbHandoutContent *pages, guint n_pages, const char *path, GError **error);

G_END_DECLS
