/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-diagram-geometry.c — where the diagram editor's view puts things:
 * its zoom and origin (fitted to the widget until the student zooms or
 * scrolls), widget and diagram coordinates, and the block or port under a
 * point. */
#include "nnb-config.h"

#include "nnb-diagram-view-private.h"

/* nnb_diagram_fit, with room for the cards of a step being explained */
static void
fit (NnbDiagramView *self, int width, int height, NnbModel *model, const NnbBlockPosition *positions,
     const NnbDiagramOpen *expanded, double *zoom, double *origin_x, double *origin_y)
{
  NnbPlotStyle style;

  nnb_plot_style_for_widget (GTK_WIDGET (self), &style);
  /* the UI font relative to 14 px: presentation mode's larger type lets a
   * small model grow larger */
  nnb_diagram_explain_fit (width, height, model, positions, expanded, self->explain, &style, style.font_size / 14.0,
                           zoom, origin_x, origin_y);
}

#define MAX_FOLD 4     /* rows a long chain may be folded into */
#define MIN_FOLD 5     /* columns a chain needs to be folded at all: three blocks stay one row */
#define FOLD_GAIN 1.25 /* how much larger a fold must draw the blocks */
#define FOLD_GAP 24.0  /* between folded rows, diagram units */

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* The distinct x positions of the blocks (columns), in order; 0 when a
 * block has no position (the diagram lays those out itself). */
static guint
columns (const GArray *raw, double *xs)
{
  guint n = 0;

  for (guint i = 0; i < raw->len; i++)
    {
      const NnbBlockPosition *p = &g_array_index (raw, NnbBlockPosition, i);

      if (isnan (p->x) || isnan (p->y))
        return 0;
      xs[i] = p->x;
    }
  qsort (xs, raw->len, sizeof (double), compare_doubles);
  for (guint i = 0; i < raw->len; i++)
    if (n == 0 || xs[i] - xs[n - 1] > 1.0)
      xs[n++] = xs[i];
  return n;
}

/* The blocks as shown with the columns folded into rows: row r shows
 * columns r·k … r·k + k − 1 at the x of the first k, below the row before. */
static GArray *
fold_positions (NnbDiagramView *self, NnbModel *model, const GArray *raw, const NnbDiagramOpen *expanded, int rows,
                gboolean cards)
{
  NnbPlotStyle style;
  GArray *out = g_array_copy ((GArray *) raw);
  g_autofree double *xs = g_new (double, MAX (raw->len, 1));
  guint n_cols = columns (raw, xs), per_row;
  double bounds[4], row_height;

  if (rows <= 1 || n_cols < 2)
    return out;
  per_row = (n_cols + rows - 1) / rows;
  /* a row's cards (largest text) stay above the next row */
  if (cards && self->explain != NULL)
    {
      nnb_plot_style_for_widget (GTK_WIDGET (self), &style);
      nnb_diagram_explain_bounds (model, (const NnbBlockPosition *) raw->data, expanded, self->explain,
                                  NNB_EXPLAIN_N_STAGES, &style, nnb_diagram_text_size (), bounds);
    }
  else
    nnb_diagram_bounds (model, (const NnbBlockPosition *) raw->data, expanded, bounds);
  row_height = bounds[3] - bounds[1] + FOLD_GAP;
  for (guint i = 0; i < out->len; i++)
    {
      NnbBlockPosition *p = &g_array_index (out, NnbBlockPosition, i);
      guint c = 0;

      while (c + 1 < n_cols && p->x - xs[c] > 1.0)
        c++;
      p->x += xs[c % per_row] - xs[c];
      p->y += (c / per_row) * row_height;
    }
  return out;
}

/* Open Sequentials show their layers in a column where that draws the
 * diagram much larger than a row (a narrow canvas beside the lesson),
 * else in a row, which reads left to right as the rest does. */
static void
choose_open_layout (NnbDiagramView *self, NnbModel *model, const GArray *raw, int width, int height)
{
  g_autofree NnbDiagramOpen *open = NULL;
  double row, column, ox, oy;

  self->open_column = FALSE;
  if ((open = nnb_dv_expanded (self)) == NULL)
    return;
  fit (self, width, height, model, (const NnbBlockPosition *) raw->data, open, &row, &ox, &oy);
  for (guint i = 0; i < raw->len; i++)
    if (open[i] == NNB_DIAGRAM_OPEN_ROW)
      open[i] = NNB_DIAGRAM_OPEN_COLUMN;
  fit (self, width, height, model, (const NnbBlockPosition *) raw->data, open, &column, &ox, &oy);
  self->open_column = column > row * FOLD_GAIN;
}

/* A long chain in a narrow canvas is shown folded into rows when that
 * draws its blocks much larger: a projector's 400 px wide canvas cannot
 * show eight blocks in a row at a size anyone reads. Only the view
 * folds; the first edit keeps what it shows (nnb_dv_bake_fold). */
static void
choose_fold (NnbDiagramView *self, NnbModel *model)
{
  g_autoptr (GArray) raw = nnb_graph_positions (self->graph);
  g_autofree double *xs = g_new (double, MAX (raw->len, 1));
  g_autofree NnbDiagramOpen *expanded = NULL;
  guint n_cols = columns (raw, xs);
  int width = gtk_widget_get_width (GTK_WIDGET (self)), height = gtk_widget_get_height (GTK_WIDGET (self));
  double best, ox, oy;
  NnbPlotStyle style;

  choose_open_layout (self, model, raw, width, height);
  expanded = nnb_dv_expanded (self);
  self->fold = 1;
  self->fold_cards = FALSE;
  if (n_cols < MIN_FOLD)
    return;
  nnb_plot_style_for_widget (GTK_WIDGET (self), &style);
  fit (self, width, height, model, (const NnbBlockPosition *) raw->data, expanded, &best, &ox, &oy);
  for (int rows = 2; rows <= MIN (MAX_FOLD, (int) n_cols); rows++)
    for (int cards = 0; cards <= (self->explain != NULL); cards++)
      {
        g_autoptr (GArray) folded = fold_positions (self, model, raw, expanded, rows, cards);
        double z;

        fit (self, width, height, model, (const NnbBlockPosition *) folded->data, expanded, &z, &ox, &oy);
        /* a step's cards between the rows, or rows as close as ever
         * where the cards are shown one at a time */
        if (!cards && self->explain != NULL && nnb_diagram_explain_readable (&style, z))
          continue;
        /* the cards of a step being explained need every pixel: fold at any gain */
        if (z > best * (self->explain != NULL ? 1.05 : FOLD_GAIN))
          best = z, self->fold = rows, self->fold_cards = cards;
      }
}

GArray *
nnb_dv_positions (NnbDiagramView *self)
{
  g_autoptr (GArray) raw = NULL;
  g_autofree NnbDiagramOpen *expanded = NULL;
  NnbModel *model = nnb_dv_shown_model (self);

  if (self->graph == NULL)
    return g_array_new (FALSE, FALSE, sizeof (NnbBlockPosition));
  raw = nnb_graph_positions (self->graph);
  /* fitted, the view folds as the widget's size asks now */
  if (self->fit && model != NULL && model->nodes->len > 0)
    choose_fold (self, model);
  if (self->fold <= 1 || model == NULL)
    return g_steal_pointer (&raw);
  expanded = nnb_dv_expanded (self);
  return fold_positions (self, model, raw, expanded, self->fold, self->fold_cards);
}

/* Before an edit: the blocks go where the view shows them, so what the
 * student moves or adds to is what they see. */
void
nnb_dv_bake_fold (NnbDiagramView *self)
{
  g_autoptr (GArray) where = NULL;

  if (self->fold <= 1 || self->graph == NULL)
    return;
  where = nnb_dv_positions (self);
  for (guint i = 0; i < where->len; i++)
    {
      NnbBlockPosition *p = &g_array_index (where, NnbBlockPosition, i);

      nnb_graph_move (self->graph, i, p->x, p->y);
    }
  self->fold = 1;
}

void
nnb_dv_transform (NnbDiagramView *self, double *zoom, double *origin_x, double *origin_y)
{
  NnbModel *model = nnb_dv_shown_model (self);

  if (self->fit && model != NULL && model->nodes->len > 0)
    {
      g_autoptr (GArray) where = nnb_dv_positions (self);
      g_autofree NnbDiagramOpen *expanded = nnb_dv_expanded (self);

      fit (self, gtk_widget_get_width (GTK_WIDGET (self)), gtk_widget_get_height (GTK_WIDGET (self)), model,
           (const NnbBlockPosition *) where->data, expanded, zoom, origin_x, origin_y);
      return;
    }
  if (self->fit)
    {
      *zoom = 1.0, *origin_x = -40, *origin_y = -gtk_widget_get_height (GTK_WIDGET (self)) / 2.0;
      return;
    }
  *zoom = self->zoom, *origin_x = self->origin_x, *origin_y = self->origin_y;
}

/* Keeps what is on screen where it is, but stops fitting. */
void
nnb_dv_freeze_view (NnbDiagramView *self)
{
  if (!self->fit)
    return;
  nnb_dv_transform (self, &self->zoom, &self->origin_x, &self->origin_y);
  self->fit = FALSE;
}

void
nnb_dv_to_diagram (NnbDiagramView *self, double wx, double wy, double *dx, double *dy)
{
  double zoom, ox, oy;

  nnb_dv_transform (self, &zoom, &ox, &oy);
  *dx = ox + wx / zoom;
  *dy = oy + wy / zoom;
}

void
nnb_dv_to_widget (NnbDiagramView *self, double dx, double dy, double *wx, double *wy)
{
  double zoom, ox, oy;

  nnb_dv_transform (self, &zoom, &ox, &oy);
  *wx = (dx - ox) * zoom;
  *wy = (dy - oy) * zoom;
}

int
nnb_dv_block_at (NnbDiagramView *self, double dx, double dy)
{
  NnbModel *model = nnb_dv_shown_model (self);
  g_autoptr (GArray) where = NULL;
  g_autofree NnbDiagramOpen *expanded = NULL;

  if (model == NULL)
    return -1;
  where = nnb_dv_positions (self);
  expanded = nnb_dv_expanded (self);
  /* the last drawn is on top */
  for (guint i = model->nodes->len; i-- > 0;)
    {
      double r[4];

      nnb_diagram_block_rect (model, (const NnbBlockPosition *) where->data, expanded, i, r);
      if (dx >= r[0] && dx <= r[0] + r[2] && dy >= r[1] && dy <= r[1] + r[3])
        return i;
    }
  return -1;
}

/* The port nearest to a point within reach: output ports when slot_out is
 * -1 on return, input slots otherwise. */
int
nnb_dv_port_at (NnbDiagramView *self, double dx, double dy, gboolean inputs, int *slot_out)
{
  NnbModel *model = nnb_dv_shown_model (self);
  g_autoptr (GArray) where = NULL;
  g_autofree NnbDiagramOpen *expanded = NULL;
  double zoom, ox, oy, best = INFINITY;
  int found = -1;

  if (model == NULL)
    return -1;
  nnb_dv_transform (self, &zoom, &ox, &oy);
  where = nnb_dv_positions (self);
  expanded = nnb_dv_expanded (self);
  for (guint i = 0; i < model->nodes->len; i++)
    {
      NnbNode *node = model->nodes->pdata[i];
      int n_slots = node->n_inputs;

      for (int s = inputs ? 0 : -1; s < (inputs ? n_slots : 0); s++)
        {
          double px, py, d;

          if (!inputs && node->kind == NNB_NODE_OUTPUT)
            continue;
          nnb_diagram_port (model, (const NnbBlockPosition *) where->data, expanded, i, s, &px, &py);
          d = hypot (px - dx, py - dy) * zoom;
          if (d <= PORT_RADIUS && d < best)
            best = d, found = i, *slot_out = s;
        }
    }
  return found;
}
