/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-plot-confusion.h — the confusion matrix as a picture: a row per true
 * class (down the left, "true class"), a column per predicted class
 * (along the bottom, "predicted class"), each labelled in its class's
 * colour as the decision boundary colours it, each cell holding its count
 * and shaded by its share of the row, so that a good model shows a dark
 * diagonal. A pure function of its arguments (no GTK), like every plot
 * (nnb-plot-axes.h): the same picture on screen, in files and in tests. */
#pragma once

#include "nnb-confusion.h"
#include "nnb-plot-marks.h"

G_BEGIN_DECLS

typedef struct
{
  int n_classes;              /* the data's: the rows and columns drawn even before a matrix */
  const NnbConfusion *matrix; /* counts[true][predicted]; NULL: nothing counted yet */
  gboolean test;              /* the test rows' matrix: the title says so, unless a
                               * button sits in the corner (the style's corner_width) */
  /* while there is no matrix (may be NULL): over the empty cells, or with
   * n_classes 0 in their place */
  const char *message;
  NnbPlotPointer pointer; /* read-out of the cell under it */
} NnbConfusionSeries;

/* Where the picture puts its cells: k × k squares of side cell, row t's
 * top at grid.y + t · cell, column p's left at grid.x + p · cell. */
typedef struct
{
  int k;
  double cell;
  cairo_rectangle_t grid;
  double count_font_size; /* of the counts in the cells; 0: too small to write */
} NnbConfusionLayout;

void nnb_plot_confusion_layout (cairo_t *cr,
                                int width,
                                int height,
                                const NnbConfusionSeries *series,
                                const NnbPlotStyle *style,
                                NnbConfusionLayout *layout);

/* How wide the picture wants to be at height: its cells square and as
 * tall as the room allows, its title beside the corner's button. */
double nnb_plot_confusion_natural_width (cairo_t *cr,
                                         int height,
                                         const NnbConfusionSeries *series,
                                         const NnbPlotStyle *style);

void nnb_plot_confusion_draw (cairo_t *cr,
                              int width,
                              int height,
                              const NnbConfusionSeries *series,
                              const NnbPlotStyle *style);

/* What the picture shows, in a sentence for a screen reader: the rows
 * counted after epoch (the loop's counter), how many are right, and each
 * true class's predictions. */
char *nnb_plot_confusion_describe (const NnbConfusionSeries *series, int epoch);

G_END_DECLS
