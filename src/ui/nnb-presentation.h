/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-presentation.h — presentation mode's look for the pictures drawn
 * with Cairo (plots, diagram): what style.css's window.presentation rules
 * do for widgets, for a projector seen from the back of a room. */
#pragma once

#include <gtk/gtk.h>

#include "nnb-plot-axes.h"

G_BEGIN_DECLS

/* TRUE when widget is in a window in presentation mode. */
gboolean nnb_presentation_is_active (GtkWidget *widget);

/* Thick lines, big markers and full contrast: lines and markers heavier,
 * text and axes pure black or white, and the accent made stronger against
 * the background (dark or light; high contrast: purer still). */
void nnb_plot_style_apply_presentation (NnbPlotStyle *style, gboolean dark, gboolean high_contrast);

G_END_DECLS
