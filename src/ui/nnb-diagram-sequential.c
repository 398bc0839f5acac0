/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-diagram-sequential.c — a Sequential opened in place: a frame with
 * its title, and its layers as blocks, wired in the order its forward runs
 * them, with the shape on every wire between them. In a row where the
 * canvas is wide (the shapes above the wires), in a column where it is
 * narrow (the shapes beside them); the view chooses (nnb-diagram-geometry.c). */
#include "nnb-config.h"

#include "nnb-diagram-private.h"

#define CHILD_GAP 44.0   /* between two layers in a row: a wire and its shape above it */
#define COLUMN_GAP 26.0  /* between two layers in a column: a wire and its shape beside it */
#define CHILD_ENTRY 24.0 /* from the frame's ports to its first and last layer */
#define LAYER_HEIGHT (2 * BLOCK_PAD + LINE_HEIGHT)

char *
nnb_dg_layer_text (const NnbModule *sequential, guint child)
{
  g_autofree char *text = nnb_dg_module_text (g_ptr_array_index (sequential->children, child));

  return g_strdup_printf ("%u: %s", child, text);
}

static double
layer_width (const NnbModule *sequential, guint child)
{
  g_autofree char *text = nnb_dg_layer_text (sequential, child);

  return MAX (BLOCK_WIDTH * 0.75, nnb_dg_text_width (text, TEXT_SIZE, TRUE) + 2 * BLOCK_PAD);
}

/* In a column every layer is as wide as the widest. */
static double
widest_layer (const NnbModule *sequential)
{
  double widest = 0;

  for (guint c = 0; c < sequential->children->len; c++)
    widest = MAX (widest, layer_width (sequential, c));
  return widest;
}

/* Below an open Sequential's top: its layers, under its title (and, in a
 * row, a lane for the shapes above the wires). */
static double
layers_top (const Box *frame)
{
  if (frame->open == NNB_DIAGRAM_OPEN_COLUMN)
    return 2 * BLOCK_PAD + LINE_HEIGHT * frame->title_lines;
  return BLOCK_PAD + LINE_HEIGHT * (frame->title_lines + 1);
}

/* The rectangles of an open Sequential's layers inside its frame. */
static void
layer_boxes (const NnbModule *sequential, const Box *frame, Box *layers)
{
  double x = frame->x + CHILD_ENTRY, y = frame->y + layers_top (frame);
  double widest = frame->open == NNB_DIAGRAM_OPEN_COLUMN ? widest_layer (sequential) : 0;

  for (guint c = 0; c < sequential->children->len; c++)
    {
      layers[c] = (Box){ x, y, widest > 0 ? widest : layer_width (sequential, c), LAYER_HEIGHT, 1, PORT_Y, PORT_Y,
                         NNB_DIAGRAM_CLOSED };
      if (frame->open == NNB_DIAGRAM_OPEN_COLUMN)
        y += LAYER_HEIGHT + COLUMN_GAP;
      else
        x += layers[c].w + CHILD_GAP;
    }
}

void
nnb_dg_size_open (NnbModule *sequential, double title_width, Box *box)
{
  guint n = sequential->children->len;
  double inner;

  box->title_lines = 1;
  if (box->open == NNB_DIAGRAM_OPEN_COLUMN)
    {
      inner = 2 * CHILD_ENTRY + widest_layer (sequential);
      box->h = layers_top (box) + n * LAYER_HEIGHT + (n - 1) * COLUMN_GAP + BLOCK_PAD;
      /* in level with the first layer, out with the last */
      box->port_y = layers_top (box) + PORT_Y;
      box->out_port_y = box->port_y + (n - 1) * (LAYER_HEIGHT + COLUMN_GAP);
    }
  else
    {
      inner = 2 * CHILD_ENTRY - CHILD_GAP;
      for (guint c = 0; c < n; c++)
        inner += layer_width (sequential, c) + CHILD_GAP;
      box->h = layers_top (box) + LAYER_HEIGHT + BLOCK_PAD;
      /* the wires run level with the layers */
      box->port_y = box->out_port_y = layers_top (box) + PORT_Y;
    }
  box->w = MAX (title_width + 2 * BLOCK_PAD, inner);
}

void
nnb_dg_disclosure_rect (const Box *box, double rect[4])
{
  rect[0] = box->x + box->w - BLOCK_PAD - DISCLOSURE;
  rect[1] = box->y + BLOCK_PAD + (LINE_HEIGHT - DISCLOSURE) / 2;
  rect[2] = rect[3] = DISCLOSURE;
}

static void
label_free (gpointer data)
{
  NnbDiagramLabel *label = data;

  g_free (label->text);
  g_free (label);
}

/* The shape leaving each layer but the last: in a row centred over the
 * wire to the next, at the layers' top; in a column to the right of the
 * wire down to the next, in the middle of the gap. */
static GPtrArray *
layer_labels (const NnbModule *sequential, const Box *frame, const NnbNodeShape *shapes, guint n_shapes)
{
  GPtrArray *labels = g_ptr_array_new_with_free_func (label_free);
  g_autofree Box *layers = g_new (Box, MAX (sequential->children->len, 1));

  layer_boxes (sequential, frame, layers);
  for (guint c = 0; c + 1 < n_shapes && c + 1 < sequential->children->len; c++)
    if (shapes[c].ndim > 0)
      {
        NnbDiagramLabel *label = g_new (NnbDiagramLabel, 1);

        label->text = nnb_shape_to_string (shapes[c].ndim, shapes[c].shape);
        if (frame->open == NNB_DIAGRAM_OPEN_COLUMN)
          {
            label->x = layers[c].x + layers[c].w / 2 + 5;
            label->y = layers[c].y + layers[c].h + COLUMN_GAP / 2 + TEXT_SIZE / 2;
            label->xalign = 0.0;
          }
        else
          {
            label->x = layers[c].x + layers[c].w + CHILD_GAP / 2;
            label->y = layers[c].y - 2;
            label->xalign = 0.5;
          }
        g_ptr_array_add (labels, label);
      }
  return labels;
}

GPtrArray *
nnb_diagram_layer_labels (NnbModel *model, const NnbBlockPosition *positions, const NnbDiagramOpen *open,
                          const NnbNodeShape *shapes, guint index)
{
  g_autofree Box *boxes = NULL;
  NnbNodeShape *layers;
  guint n = 0;
  GPtrArray *labels;

  g_return_val_if_fail (model != NULL && index < model->nodes->len, NULL);
  boxes = nnb_dg_compute_boxes (model, positions, open);
  if (boxes[index].open != NNB_DIAGRAM_OPEN_ROW && boxes[index].open != NNB_DIAGRAM_OPEN_COLUMN)
    return g_ptr_array_new_with_free_func (label_free);
  layers = nnb_model_layer_shapes (model, index, shapes, &n);
  labels = layer_labels (nnb_dg_sequential_of (model, g_ptr_array_index (model->nodes, index)), &boxes[index], layers,
                         n);
  nnb_node_shapes_free (layers, n);
  return labels;
}

gboolean
nnb_diagram_layer_rect (NnbModel *model, const NnbBlockPosition *positions, const NnbDiagramOpen *open, guint index,
                        int child, double rect[4])
{
  g_autofree Box *boxes = NULL;
  g_autofree Box *layers = NULL;
  NnbModule *seq;

  g_return_val_if_fail (model != NULL && index < model->nodes->len, FALSE);
  seq = nnb_dg_sequential_of (model, g_ptr_array_index (model->nodes, index));
  if (seq == NULL)
    return FALSE;
  boxes = nnb_dg_compute_boxes (model, positions, open);
  if (child < 0)
    {
      nnb_dg_disclosure_rect (&boxes[index], rect);
      return TRUE;
    }
  if ((boxes[index].open != NNB_DIAGRAM_OPEN_ROW && boxes[index].open != NNB_DIAGRAM_OPEN_COLUMN) ||
      (guint) child >= seq->children->len)
    return FALSE;
  layers = g_new (Box, seq->children->len);
  layer_boxes (seq, &boxes[index], layers);
  rect[0] = layers[child].x, rect[1] = layers[child].y;
  rect[2] = layers[child].w, rect[3] = layers[child].h;
  return TRUE;
}

void
nnb_dg_draw_disclosure (cairo_t *cr, const Picture *p, const Box *box)
{
  double r[4], cx, cy, h = DISCLOSURE * 0.35;

  nnb_dg_disclosure_rect (box, r);
  cx = r[0] + r[2] / 2, cy = r[1] + r[3] / 2;
  if (box->open != NNB_DIAGRAM_CLOSED)
    {
      cairo_move_to (cr, cx - h, cy - h * 0.6);
      cairo_line_to (cr, cx + h, cy - h * 0.6);
      cairo_line_to (cr, cx, cy + h * 0.9);
    }
  else
    {
      cairo_move_to (cr, cx - h * 0.6, cy - h);
      cairo_line_to (cr, cx + h * 0.9, cy);
      cairo_line_to (cr, cx - h * 0.6, cy + h);
    }
  cairo_close_path (cr);
  nnb_plot_set_source (cr, p->style->foreground, 0.8);
  cairo_fill (cr);
}

/* The frame: the block's outline and its title. */
static void
draw_frame (cairo_t *cr, const Picture *p, guint i, const double edge[4], gboolean selected)
{
  const Box *frame = &p->boxes[i];
  g_autofree char *title = nnb_diagram_node_text (p->model, i);
  g_autoptr (PangoLayout) title_layout = nnb_dg_block_layout (cr, p->style, TEXT_SIZE, TRUE, title, 0);

  nnb_dg_draw_box (cr, p, frame, 8, edge, selected ? 0.16 : 0.05, selected);
  nnb_plot_set_source (cr, p->style->foreground, 1.0);
  cairo_move_to (cr, frame->x + BLOCK_PAD, frame->y + BLOCK_PAD);
  pango_cairo_show_layout (cr, title_layout);
}

/* frame → first layer → … → last layer → frame */
static void
draw_inner_wires (cairo_t *cr, const Picture *p, const Box *frame, const Box *layers, guint n)
{
  double x0, y0, x1, y1;

  cairo_set_line_width (cr, MAX (1.5, p->style->line_width));
  nnb_plot_set_source (cr, p->style->foreground, 0.6);
  nnb_dg_port_of (&layers[0], 1, 0, &x1, &y1);
  cairo_move_to (cr, frame->x, frame->y + frame->port_y);
  cairo_line_to (cr, x1, y1);
  for (guint c = 0; c + 1 < n; c++)
    {
      if (frame->open == NNB_DIAGRAM_OPEN_COLUMN)
        {
          /* straight down the middle */
          x0 = x1 = layers[c].x + layers[c].w / 2;
          y0 = layers[c].y + layers[c].h, y1 = layers[c + 1].y;
        }
      else
        {
          nnb_dg_port_of (&layers[c], 1, -1, &x0, &y0);
          nnb_dg_port_of (&layers[c + 1], 1, 0, &x1, &y1);
        }
      cairo_move_to (cr, x0, y0);
      cairo_line_to (cr, x1, y1);
    }
  nnb_dg_port_of (&layers[n - 1], 1, -1, &x0, &y0);
  cairo_move_to (cr, x0, y0);
  cairo_line_to (cr, frame->x + frame->w, frame->y + frame->out_port_y);
  cairo_stroke (cr);
}

void
nnb_dg_draw_open_block (cairo_t *cr, const Picture *p, guint i, const double edge[4], gboolean selected)
{
  NnbModule *seq = nnb_dg_sequential_of (p->model, g_ptr_array_index (p->model->nodes, i));
  const Box *frame = &p->boxes[i];
  guint n = seq->children->len, n_shapes = 0;
  g_autofree Box *layers = g_new (Box, n);
  NnbNodeShape *shapes = nnb_model_layer_shapes (p->model, i, p->shapes, &n_shapes);
  g_autoptr (GPtrArray) labels = layer_labels (seq, frame, shapes, n_shapes);

  draw_frame (cr, p, i, edge, selected);
  layer_boxes (seq, frame, layers);
  draw_inner_wires (cr, p, frame, layers, n);
  for (guint c = 0; c < n; c++)
    {
      g_autofree char *text = nnb_dg_layer_text (seq, c);
      gboolean broken = shapes != NULL && shapes[c].error != NULL;
      gboolean chosen = p->state != NULL && p->state->layer_node == (int) i && p->state->layer == (int) c;
      const double *layer_edge = broken ? nnb_dg_error_rgba : p->style->accent;
      g_autoptr (PangoLayout) layout = NULL;

      nnb_dg_draw_box (cr, p, &layers[c], 6, layer_edge, chosen ? 0.3 : 0.14, chosen);
      layout = nnb_dg_block_layout (cr, p->style, TEXT_SIZE, TRUE, text, layers[c].w - 2 * BLOCK_PAD);
      nnb_plot_set_source (cr, p->style->foreground, 1.0);
      cairo_move_to (cr, layers[c].x + BLOCK_PAD, layers[c].y + BLOCK_PAD);
      pango_cairo_show_layout (cr, layout);
    }
  for (guint k = 0; k < labels->len; k++)
    {
      const NnbDiagramLabel *at = g_ptr_array_index (labels, k);
      g_autoptr (PangoLayout) label = nnb_plot_style_make_layout (cr, p->style, at->text, p->shape_size, FALSE);
      int w, h;

      pango_layout_get_pixel_size (label, &w, &h);
      nnb_dg_draw_shape_plate (cr, p, label, at->x - w * at->xalign, at->y - h);
    }
  nnb_node_shapes_free (shapes, n_shapes);
}
