/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-diagram.c — the block diagram, drawn with Cairo and Pango.
 *
 * Everything is laid out in diagram units, the units of the project's
 * positions, and the whole picture is then scaled to fit: type and lines
 * grow with the window, as they should on a projector. */
#include "nnb-config.h"

#include <glib/gi18n.h>
#include <math.h>
#include "nnb-diagram-private.h"
#include "nnb-python.h"

#define SLOT_GAP 10.0      /* between the two inputs of a + */
#define WIDE_SLOT_GAP 14.0 /* between the inputs of a cat of three or more: room to aim a wire */
#define MARGIN 24.0
#define MAX_ZOOM 1.4       /* a three-block model should not fill a wall */
#define AUTO_SPACING 160.0 /* for blocks without a position */
#define SHAPE_SIZE 10.0
#define MAX_SHAPE_SIZE 26.0    /* shape labels grow when zoomed out, up to this */
#define CAPTION 0.82           /* libadwaita's .caption, relative to the UI font */
#define TEXT_SLACK 1.1         /* blocks are measured in "Sans", drawn in the UI's font */
#define SEQUENTIAL_TITLE 160.0 /* the widest one-line title of a Sequential */

char *
nnb_dg_module_text (const NnbModule *module)
{
  if (module->kind == NNB_MODULE_LINEAR)
    return g_strdup_printf ("Linear %" G_GINT64_FORMAT "→%" G_GINT64_FORMAT,
                            module->in_features, module->out_features);
  if (module->kind == NNB_MODULE_LAYER_NORM)
    return g_strdup_printf ("LayerNorm %" G_GINT64_FORMAT, module->normalized_shape);
  if (module->kind == NNB_MODULE_BATCH_NORM)
    return g_strdup_printf ("BatchNorm1d %" G_GINT64_FORMAT, module->num_features);
  if (module->kind == NNB_MODULE_DROPOUT)
    {
      /* p as print(model) writes it */
      g_autofree char *p = nnb_python_float_repr (module->p);

      return g_strdup_printf ("Dropout(p=%s)", p);
    }

  return g_strdup (nnb_module_kind_to_string (module->kind));
}

/* What a block is, the part after "name: ". */
static char *
kind_text (NnbModel *model, const NnbNode *node)
{
  switch (node->kind)
    {
    case NNB_NODE_INPUT:
      return g_strdup (_("input"));
    case NNB_NODE_OUTPUT:
      return g_strdup (_("output"));
    case NNB_NODE_ADD:
      return g_strdup ("+");
    case NNB_NODE_MUL:
      return g_strdup ("*");
    case NNB_NODE_CAT:
      return g_strdup ("torch.cat(dim=1)");
    case NNB_NODE_FUNCTION:
      /* the call without its tensor, short: "torch.relu",
       * "F.leaky_relu(0.1)", "F.softmax" (dim=1, the features), and
       * "F.softmax(dim=-1)" */
      if ((node->activation->kind == NNB_MODULE_SOFTMAX || node->activation->kind == NNB_MODULE_LOG_SOFTMAX) &&
          node->activation->dim != 1)
        return g_strdup_printf ("%s(dim=%" G_GINT64_FORMAT ")", node->function, node->activation->dim);
      if (node->activation->kind == NNB_MODULE_LEAKY_RELU && node->activation->negative_slope != 0.01)
        {
          g_autofree char *slope = nnb_python_float_repr (node->activation->negative_slope);
          return g_strdup_printf ("%s(%s)", node->function, slope);
        }
      return g_strdup (node->function);
    case NNB_NODE_CALL:
    default:
      {
        NnbModule *module = nnb_model_get_module (model, node->module);

        return module != NULL ? nnb_dg_module_text (module) : g_strdup ("?");
      }
    }
}

char *
nnb_diagram_node_text (NnbModel *model, guint index)
{
  NnbNode *node;
  g_autofree char *kind = NULL;

  g_return_val_if_fail (model != NULL, NULL);
  g_return_val_if_fail (index < model->nodes->len, NULL);

  node = g_ptr_array_index (model->nodes, index);
  kind = kind_text (model, node);
  return g_strdup_printf ("%s: %s", node->name, kind);
}

/* The Sequential a node calls, or NULL. */
NnbModule *
nnb_dg_sequential_of (NnbModel *model, const NnbNode *node)
{
  NnbModule *module;

  if (node->kind != NNB_NODE_CALL)
    return NULL;
  module = nnb_model_get_module (model, node->module);
  return module != NULL && module->kind == NNB_MODULE_SEQUENTIAL ? module : NULL;
}

/* Extra lines under a Sequential's block: its children, as print(model) lists them. */
static int
n_child_lines (NnbModel *model, const NnbNode *node)
{
  NnbModule *module = nnb_dg_sequential_of (model, node);

  return module != NULL ? (int) module->children->len : 0;
}

/* The context blocks are measured in: without a Cairo context (hit tests
 * need their rectangles too), with unhinted metrics so a width does not
 * depend on the zoom. */
static PangoContext *
measuring_context (void)
{
  static PangoContext *context;

  if (context == NULL)
    {
      cairo_font_options_t *options = cairo_font_options_create ();

      context = pango_font_map_create_context (pango_cairo_font_map_get_default ());
      cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
      cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
      pango_cairo_context_set_font_options (context, options);
      cairo_font_options_destroy (options);
    }
  return context;
}

/* A text's width in diagram units. Measuring is the slow part of laying
 * out blocks, and a hit test lays them all out once per block, so widths
 * are kept; the diagram is drawn on the UI thread only. */
double
nnb_dg_text_width (const char *text, double size, gboolean bold)
{
  static GHashTable *widths; /* "b13|fc1: Linear 3→16" → double* */
  g_autofree char *key = g_strdup_printf ("%c%g|%s", bold ? 'b' : 'r', size, text);
  g_autoptr (PangoLayout) layout = NULL;
  g_autoptr (PangoFontDescription) font = NULL;
  PangoRectangle logical;
  double *width;

  if (widths == NULL)
    widths = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if ((width = g_hash_table_lookup (widths, key)) != NULL)
    return *width;
  if (g_hash_table_size (widths) > 4096) /* a long session of renames */
    g_hash_table_remove_all (widths);

  layout = pango_layout_new (measuring_context ());
  font = pango_font_description_from_string ("Sans");
  pango_font_description_set_absolute_size (font, size * PANGO_SCALE);
  if (bold)
    pango_font_description_set_weight (font, PANGO_WEIGHT_BOLD);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_text (layout, text, -1);
  pango_layout_get_extents (layout, NULL, &logical);
  width = g_new (double, 1);
  *width = logical.width / (double) PANGO_SCALE * TEXT_SLACK;
  g_hash_table_insert (widths, g_steal_pointer (&key), width);
  return *width;
}

/* A block's size: its full label fits, on two lines ("fc2:" above
 * "Linear 16→16") where one line is wider than the usual block, and the
 * block grows only when even that does not fit. An open Sequential is a
 * frame around its layers (nnb-diagram-sequential.c). */
static void
size_block (NnbModel *model, guint index, NnbDiagramOpen open, Box *box)
{
  NnbNode *node = g_ptr_array_index (model->nodes, index);
  NnbModule *seq = nnb_dg_sequential_of (model, node);
  g_autofree char *kind = kind_text (model, node);
  g_autofree char *title = g_strdup_printf ("%s: %s", node->name, kind);
  int children = n_child_lines (model, node);
  double inner = (node->kind == NNB_NODE_CALL ? BLOCK_WIDTH : BLOCK_WIDTH * 0.75) - 2 * BLOCK_PAD;
  /* a Sequential's title ends in its disclosure triangle */
  double extra = seq != NULL ? DISCLOSURE + 4 : 0;
  double title_width = nnb_dg_text_width (title, TEXT_SIZE, TRUE) + extra;
  double lines_width = 0;

  box->port_y = box->out_port_y = PORT_Y;
  box->open = children > 0 ? open : NNB_DIAGRAM_CLOSED;
  box->title_lines = 1;
  if (box->open != NNB_DIAGRAM_CLOSED)
    {
      nnb_dg_size_open (seq, title_width, box);
      return;
    }
  /* a Sequential's list of layers (child lines are indented by one more pad) */
  for (int c = 0; c < children; c++)
    {
      g_autofree char *line = nnb_dg_layer_text (seq, c);

      lines_width = MAX (lines_width, nnb_dg_text_width (line, TEXT_SIZE * 0.9, FALSE) + BLOCK_PAD);
    }
  inner = MAX (inner, lines_width);
  /* the narrower input, output and + blocks widen up to a module's width
   * first; a Sequential's title, with its ▸, widens the block a little
   * more before it takes two lines */
  if (title_width <= MAX (seq != NULL ? SEQUENTIAL_TITLE : BLOCK_WIDTH - 2 * BLOCK_PAD, lines_width))
    inner = MAX (inner, title_width);
  else
    {
      g_autofree char *name = g_strdup_printf ("%s:", node->name);

      box->title_lines = 2;
      inner = MAX (inner, nnb_dg_text_width (name, TEXT_SIZE, TRUE) + extra);
      inner = MAX (inner, nnb_dg_text_width (kind, TEXT_SIZE, TRUE));
    }
  box->w = inner + 2 * BLOCK_PAD;
  box->h = 2 * BLOCK_PAD + LINE_HEIGHT * (box->title_lines + children);
  /* a cat of many tensors grows downwards, one port below the other */
  if (node->n_inputs > 2)
    box->h = MAX (box->h, PORT_Y - SLOT_GAP / 2 + (node->n_inputs - 1) * WIDE_SLOT_GAP + BLOCK_PAD + 4);
  if (open == NNB_DIAGRAM_OPEN_WEIGHTS)
    nnb_dg_size_weights (model, node, box);
}

/* Blocks without a position go in layers: one column per step from the input. */
static void
auto_layout (NnbModel *model, Box *boxes)
{
  g_autoptr (GArray) order = nnb_model_topological_order (model, NULL);
  g_autofree int *depth = g_new0 (int, model->nodes->len);
  g_autofree int *row = g_new0 (int, model->nodes->len + 1);

  if (order == NULL)
    {
      for (guint i = 0; i < model->nodes->len; i++)
        if (isnan (boxes[i].x))
          boxes[i].x = i * AUTO_SPACING, boxes[i].y = 0;
      return;
    }

  for (guint k = 0; k < order->len; k++)
    {
      int i = g_array_index (order, int, k);
      NnbNode *node = g_ptr_array_index (model->nodes, i);

      for (int s = 0; s < node->n_inputs; s++)
        if (node->inputs[s] >= 0)
          depth[i] = MAX (depth[i], depth[node->inputs[s]] + 1);
      if (isnan (boxes[i].x) || isnan (boxes[i].y))
        {
          int d = MIN (depth[i], (int) model->nodes->len);

          boxes[i].x = depth[i] * AUTO_SPACING;
          boxes[i].y = row[d]++ * 80.0;
        }
    }
}

void
nnb_dg_draw_box (cairo_t *cr, const Picture *p, const Box *box, double radius, const double edge[4], double tint,
                 gboolean thick)
{
  /* an opaque base, so wires behind a block do not show through */
  nnb_dg_rounded_rectangle (cr, box, radius);
  nnb_dg_set_paper (cr, p->style, 1.0);
  cairo_fill_preserve (cr);
  nnb_plot_set_source (cr, edge, tint);
  cairo_fill_preserve (cr);
  nnb_plot_set_source (cr, edge, 0.9);
  cairo_set_line_width (cr, MAX (1.2, p->style->line_width) * (thick ? 2.0 : 1.0));
  cairo_stroke (cr);
}

void
nnb_dg_rounded_rectangle (cairo_t *cr, const Box *b, double r)
{
  cairo_new_sub_path (cr);
  cairo_arc (cr, b->x + b->w - r, b->y + r, r, -G_PI / 2, 0);
  cairo_arc (cr, b->x + b->w - r, b->y + b->h - r, r, 0, G_PI / 2);
  cairo_arc (cr, b->x + r, b->y + b->h - r, r, G_PI / 2, G_PI);
  cairo_arc (cr, b->x + r, b->y + r, r, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
}

/* Every block's rectangle; blocks without a position are laid out. An
 * expanded Sequential keeps its wires level (its frame rises by what its
 * title adds above its layers) and pushes the blocks to its right along
 * by what it grew, so it covers none of them. */
Box *
nnb_dg_compute_boxes (NnbModel *model, const NnbBlockPosition *positions, const NnbDiagramOpen *expanded)
{
  guint n = model->nodes->len;
  Box *boxes = g_new0 (Box, MAX (n, 1));
  g_autofree double *left = g_new (double, MAX (n, 1));
  gboolean needs_layout = FALSE;

  for (guint i = 0; i < n; i++)
    {
      boxes[i].x = positions != NULL ? positions[i].x : NAN;
      boxes[i].y = positions != NULL ? positions[i].y : NAN;
      size_block (model, i, expanded != NULL ? expanded[i] : NNB_DIAGRAM_CLOSED, &boxes[i]);
      if (isnan (boxes[i].x) || isnan (boxes[i].y))
        needs_layout = TRUE;
    }
  if (needs_layout)
    auto_layout (model, boxes);
  for (guint i = 0; i < n; i++)
    left[i] = boxes[i].x;
  for (guint e = 0; e < n; e++)
    {
      Box collapsed;

      if (boxes[e].open == NNB_DIAGRAM_CLOSED)
        continue;
      size_block (model, e, NNB_DIAGRAM_CLOSED, &collapsed);
      boxes[e].y -= boxes[e].port_y - PORT_Y;
      for (guint j = 0; j < n; j++)
        if (left[j] > left[e] + 1.0)
          boxes[j].x += boxes[e].w - collapsed.w;
    }
  return boxes;
}

static void
fit_boxes (int width, int height, const Box *boxes, guint n, double max_zoom,
           double *zoom, double *origin_x, double *origin_y)
{
  double min_x = INFINITY, min_y = INFINITY, max_x = -INFINITY, max_y = -INFINITY;
  /* a small canvas (a projector's, beside the lesson) spends less on its edges */
  double margin = MIN (MARGIN, 0.04 * MIN (width, height));
  double z;

  if (n == 0)
    {
      *zoom = 1.0, *origin_x = 0, *origin_y = 0;
      return;
    }
  for (guint i = 0; i < n; i++)
    {
      min_x = MIN (min_x, boxes[i].x);
      min_y = MIN (min_y, boxes[i].y - 2 * LINE_HEIGHT); /* shape labels above */
      max_x = MAX (max_x, boxes[i].x + boxes[i].w);
      max_y = MAX (max_y, boxes[i].y + boxes[i].h);
    }
  z = MIN ((width - 2 * margin) / MAX (1.0, max_x - min_x),
           (height - 2 * margin) / MAX (1.0, max_y - min_y));
  z = CLAMP (z, 0.05, max_zoom);
  *zoom = z;
  /* centred in the area */
  *origin_x = min_x - (width - (max_x - min_x) * z) / 2 / z;
  *origin_y = min_y - (height - (max_y - min_y) * z) / 2 / z;
}

void
nnb_diagram_fit (int width, int height, NnbModel *model, const NnbBlockPosition *positions,
                 const NnbDiagramOpen *expanded, double type_scale, double *zoom, double *origin_x, double *origin_y)
{
  g_autofree Box *boxes = NULL;

  g_return_if_fail (model != NULL);
  boxes = nnb_dg_compute_boxes (model, positions, expanded);
  fit_boxes (width, height, boxes, model->nodes->len, MAX_ZOOM * MAX (1.0, type_scale),
             zoom, origin_x, origin_y);
}

void
nnb_diagram_block_rect (NnbModel *model, const NnbBlockPosition *positions, const NnbDiagramOpen *expanded,
                        guint index, double rect[4])
{
  g_autofree Box *boxes = NULL;

  g_return_if_fail (model != NULL && index < model->nodes->len);
  boxes = nnb_dg_compute_boxes (model, positions, expanded);
  rect[0] = boxes[index].x, rect[1] = boxes[index].y;
  rect[2] = boxes[index].w, rect[3] = boxes[index].h;
}

void
nnb_diagram_bounds (NnbModel *model, const NnbBlockPosition *positions, const NnbDiagramOpen *expanded,
                    double bounds[4])
{
  g_autofree Box *boxes = NULL;

  g_return_if_fail (model != NULL);
  bounds[0] = bounds[1] = INFINITY, bounds[2] = bounds[3] = -INFINITY;
  boxes = nnb_dg_compute_boxes (model, positions, expanded);
  for (guint i = 0; i < model->nodes->len; i++)
    {
      bounds[0] = MIN (bounds[0], boxes[i].x);
      bounds[1] = MIN (bounds[1], boxes[i].y - 2 * LINE_HEIGHT); /* shape labels above */
      bounds[2] = MAX (bounds[2], boxes[i].x + boxes[i].w);
      bounds[3] = MAX (bounds[3], boxes[i].y + boxes[i].h);
    }
}

void
nnb_dg_port_of (const Box *box, int n_slots, int slot, double *x, double *y)
{
  if (slot < 0)
    {
      *x = box->x + box->w;
      *y = box->y + box->out_port_y;
      return;
    }
  *x = box->x;
  /* one input on the title line; two around it; more from there down */
  if (n_slots < 2)
    *y = box->y + box->port_y;
  else
    *y = box->y + box->port_y - SLOT_GAP / 2 + slot * (n_slots == 2 ? SLOT_GAP : WIDE_SLOT_GAP);
}

void
nnb_diagram_port (NnbModel *model, const NnbBlockPosition *positions, const NnbDiagramOpen *expanded, guint index,
                  int slot, double *x, double *y)
{
  g_autofree Box *boxes = NULL;
  NnbNode *node;

  g_return_if_fail (model != NULL && index < model->nodes->len);
  boxes = nnb_dg_compute_boxes (model, positions, expanded);
  node = g_ptr_array_index (model->nodes, index);
  nnb_dg_port_of (&boxes[index], node->n_inputs, slot, x, y);
}

void
nnb_diagram_draw (cairo_t *cr,
                  int width,
                  int height,
                  NnbModel *model,
                  const NnbBlockPosition *positions,
                  const NnbNodeShape *shapes,
                  const NnbPlotStyle *style)
{
  nnb_diagram_draw_state (cr, width, height, model, positions, shapes, style, NULL);
}

/* A shape label waiting to be drawn: the wire's midpoint, and the wire's
 * ends (blocks from and to). */
typedef struct
{
  double x, y;
  int from, to;
} ShapeLabel;

const double nnb_dg_error_rgba[4] = { 0.88, 0.11, 0.14, 1.0 };

/* The paper under blocks, ports and labels: the style's background, or
 * white where it has none. */
void
nnb_dg_set_paper (cairo_t *cr, const NnbPlotStyle *style, double alpha)
{
  if (style->background[3] > 0)
    nnb_plot_set_source (cr, style->background, alpha);
  else
    cairo_set_source_rgba (cr, 1, 1, 1, alpha);
}

/* Block text: in the style's family at a size in diagram units, cut with
 * an ellipsis at width (0: never). */
PangoLayout *
nnb_dg_block_layout (cairo_t *cr, const NnbPlotStyle *style, double size, gboolean bold,
                     const char *text, double width)
{
  PangoLayout *layout = nnb_plot_style_make_layout (cr, style, text, size, bold);

  if (width > 0)
    {
      pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
    }
  return layout;
}

/* Every wire from an output to an input, under the blocks; where the
 * wire's tensor has a shape, its label goes into labels for later. */
static void
draw_wires (cairo_t *cr, const Picture *p, GArray *labels)
{
  guint n = p->model->nodes->len;

  for (guint i = 0; i < n; i++)
    {
      NnbNode *node = g_ptr_array_index (p->model->nodes, i);
      int n_slots = node->n_inputs;

      for (int s = 0; s < n_slots; s++)
        {
          int from = node->inputs[s];
          double x0, y0, x1, y1, dx, activity = 0;

          if (from < 0 || (guint) from >= n)
            continue;
          nnb_dg_port_of (&p->boxes[from], 1, -1, &x0, &y0);
          nnb_dg_port_of (&p->boxes[i], n_slots, s, &x1, &y1);
          /* a wire back to the left (a folded row's next) bends a little
           * past its ports, rather than looping out of the picture */
          dx = x1 >= x0 ? MAX (30.0, (x1 - x0) / 2) : 40.0;

          /* training's activity: a busier wire is thicker and stronger */
          if (p->state != NULL && p->state->activity != NULL)
            activity = CLAMP (p->state->activity[from], 0.0, 1.0);
          cairo_set_line_width (cr, MAX (1.5, p->style->line_width) * (1.0 + 3.0 * activity));
          if (activity > 0)
            nnb_plot_set_source (cr, p->style->accent, 0.35 + 0.65 * activity);
          else
            nnb_plot_set_source (cr, p->style->foreground, 0.6);
          cairo_move_to (cr, x0, y0);
          cairo_curve_to (cr, x0 + dx, y0, x1 - dx, y1, x1, y1);
          cairo_stroke (cr);

          if (p->shapes != NULL && p->shapes[from].ndim > 0)
            {
              /* the curve's midpoint, where a Bézier with these controls passes at t = ½ */
              ShapeLabel label = { (x0 + x1) / 2, (y0 + y1) / 2, from, i };
              g_array_append_val (labels, label);
            }
        }
    }
}

/* The wire being dragged from an output, dashed, to the pointer. */
static void
draw_pending_wire (cairo_t *cr, const NnbPlotStyle *style, const NnbDiagramState *state)
{
  double dx = MAX (30.0, fabs (state->wire_x1 - state->wire_x0) / 2);
  const double dashes[] = { 6.0, 4.0 };

  cairo_save (cr);
  cairo_set_dash (cr, dashes, 2, 0);
  cairo_set_line_width (cr, MAX (1.5, style->line_width));
  nnb_plot_set_source (cr, style->accent, 0.9);
  cairo_move_to (cr, state->wire_x0, state->wire_y0);
  cairo_curve_to (cr, state->wire_x0 + dx, state->wire_y0, state->wire_x1 - dx, state->wire_y1,
                  state->wire_x1, state->wire_y1);
  cairo_stroke (cr);
  cairo_restore (cr);
}

/* A block's rounded rectangle, tinted in its edge colour (stronger when
 * selected) and outlined. */
static void
draw_block_frame (cairo_t *cr, const Picture *p, guint i, const double edge[4], gboolean selected,
                  gboolean broken)
{
  NnbNode *node = g_ptr_array_index (p->model->nodes, i);

  nnb_dg_draw_box (cr, p, &p->boxes[i], 6, edge,
                   selected ? 0.3 : node->kind == NNB_NODE_CALL || broken ? 0.14
                                                                          : 0.06,
                   selected);
}

/* A dashed ring around the block with the keyboard focus. */
static void
draw_focus_ring (cairo_t *cr, const NnbPlotStyle *style, const Box *box)
{
  const double dashes[] = { 3.0, 3.0 };
  Box ring = { box->x - 4, box->y - 4, box->w + 8, box->h + 8 };

  cairo_save (cr);
  cairo_set_dash (cr, dashes, 2, 0);
  cairo_set_line_width (cr, 1.5);
  nnb_plot_set_source (cr, style->foreground, 0.8);
  nnb_dg_rounded_rectangle (cr, &ring, 8);
  cairo_stroke (cr);
  cairo_restore (cr);
}

/* The circles wires are dragged from and to: every input, and the output
 * of any block but the model's output. */
static void
draw_ports (cairo_t *cr, const Picture *p, guint i, const double edge[4])
{
  NnbNode *node = g_ptr_array_index (p->model->nodes, i);
  int n_slots = node->n_inputs;

  for (int s = (node->kind == NNB_NODE_OUTPUT ? 0 : -1); s < n_slots; s++)
    {
      double px, py;

      nnb_dg_port_of (&p->boxes[i], n_slots, s, &px, &py);
      cairo_new_sub_path (cr);
      cairo_arc (cr, px, py, 4.0, 0, 2 * G_PI);
      nnb_dg_set_paper (cr, p->style, 1.0);
      cairo_fill_preserve (cr);
      nnb_plot_set_source (cr, edge, 0.9);
      cairo_set_line_width (cr, 1.5);
      cairo_stroke (cr);
    }
}

/* The block's title ("fc1: Linear 3→16", or "fc2:" above the kind when
 * that is too wide) and, for a Sequential, its children. */
static void
draw_block_text (cairo_t *cr, const Picture *p, guint i)
{
  NnbNode *node = g_ptr_array_index (p->model->nodes, i);
  const Box *box = &p->boxes[i];
  const NnbPlotStyle *style = p->style;
  /* Block text has a fixed size in diagram units, so that blocks can be
   * sized to fit it; presentation mode's larger type enlarges the whole
   * diagram through the zoom instead. */
  double text_size = TEXT_SIZE, inner = box->w - 2 * BLOCK_PAD;
  g_autoptr (PangoLayout) layout = NULL;
  int lines = n_child_lines (p->model, node);

  nnb_plot_set_source (cr, style->foreground, 1.0);
  if (box->title_lines == 2)
    {
      g_autofree char *name = g_strdup_printf ("%s:", node->name);
      g_autofree char *kind = kind_text (p->model, node);
      g_autoptr (PangoLayout) kind_layout = nnb_dg_block_layout (cr, style, text_size, TRUE, kind, inner);

      layout = nnb_dg_block_layout (cr, style, text_size, TRUE, name, inner);
      cairo_move_to (cr, box->x + BLOCK_PAD, box->y + BLOCK_PAD + LINE_HEIGHT);
      pango_cairo_show_layout (cr, kind_layout);
    }
  else
    {
      g_autofree char *text = nnb_diagram_node_text (p->model, i);

      layout = nnb_dg_block_layout (cr, style, text_size, TRUE, text, inner);
    }
  cairo_move_to (cr, box->x + BLOCK_PAD, box->y + BLOCK_PAD);
  pango_cairo_show_layout (cr, layout);

  if (lines > 0)
    {
      NnbModule *seq = nnb_model_get_module (p->model, node->module);

      for (int c = 0; c < lines; c++)
        {
          g_autofree char *child = nnb_dg_module_text (g_ptr_array_index (seq->children, c));
          g_autofree char *line = g_strdup_printf ("%d: %s", c, child);
          g_autoptr (PangoLayout) child_layout = nnb_dg_block_layout (cr, style, text_size * 0.9, FALSE, line, inner);

          nnb_plot_set_source (cr, style->foreground, 0.8);
          cairo_move_to (cr, box->x + BLOCK_PAD * 2, box->y + BLOCK_PAD + LINE_HEIGHT * (c + box->title_lines));
          pango_cairo_show_layout (cr, child_layout);
        }
    }
}

/* The engine's message under a block whose shape failed, in red. */
static void
draw_block_error (cairo_t *cr, const Picture *p, guint i)
{
  g_autoptr (PangoLayout) layout =
    nnb_plot_style_make_layout (cr, p->style, p->shapes[i].error, p->shape_size, FALSE);

  /* the engine's message is long: wrapped to about two blocks' width at any zoom */
  pango_layout_set_width (layout, (int) (BLOCK_WIDTH * 2 * p->shape_size / SHAPE_SIZE * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  nnb_plot_set_source (cr, nnb_dg_error_rgba, 1.0);
  cairo_move_to (cr, p->boxes[i].x, p->boxes[i].y + p->boxes[i].h + 4);
  pango_cairo_show_layout (cr, layout);
}

/* A shape on a plate of the background, its top-left corner at x, top. */
void
nnb_dg_draw_shape_plate (cairo_t *cr, const Picture *p, PangoLayout *layout, double x, double top)
{
  int w, h;
  Box plate;

  pango_layout_get_pixel_size (layout, &w, &h);
  plate.x = x - 3, plate.y = top - 1, plate.w = w + 6, plate.h = h + 2;
  nnb_dg_rounded_rectangle (cr, &plate, 3);
  nnb_dg_set_paper (cr, p->style, 0.9);
  cairo_fill (cr);
  nnb_plot_set_source (cr, p->style->accent, 1.0);
  cairo_move_to (cr, x, top);
  pango_cairo_show_layout (cr, layout);
}

static void
draw_block (cairo_t *cr, const Picture *p, guint i)
{
  NnbNode *node = g_ptr_array_index (p->model->nodes, i);
  const NnbDiagramState *state = p->state;
  const double *edge = p->style->accent;
  gboolean broken = p->shapes != NULL && p->shapes[i].error != NULL;
  gboolean selected = state != NULL && state->selected != NULL && state->selected[i];

  if (broken)
    edge = nnb_dg_error_rgba;
  else if (node->kind != NNB_NODE_CALL && !selected)
    edge = p->style->foreground;

  if (p->boxes[i].open == NNB_DIAGRAM_OPEN_ROW || p->boxes[i].open == NNB_DIAGRAM_OPEN_COLUMN)
    nnb_dg_draw_open_block (cr, p, i, edge, selected);
  else
    {
      draw_block_frame (cr, p, i, edge, selected, broken);
      draw_block_text (cr, p, i);
      if (p->boxes[i].open == NNB_DIAGRAM_OPEN_WEIGHTS)
        nnb_dg_draw_weights (cr, p, i);
    }
  if (state != NULL && state->focus == (int) i)
    draw_focus_ring (cr, p->style, &p->boxes[i]);
  if (state != NULL && state->show_ports)
    draw_ports (cr, p, i, edge);
  if (state != NULL && state->show_disclosures && nnb_dg_sequential_of (p->model, node) != NULL &&
      n_child_lines (p->model, node) > 0)
    nnb_dg_draw_disclosure (cr, p, &p->boxes[i]);
  if (nnb_dg_node_has_mode (p->model, node))
    nnb_dg_draw_mode_mark (cr, p, i);
  if (node->kind == NNB_NODE_FUNCTION)
    nnb_dg_draw_function_mark (cr, p, i);
  if (broken)
    draw_block_error (cr, p, i);
}

/* Shapes last, on a plate of the background: between blocks 160 units
 * apart a label is often wider than the gap, and must stay readable. A
 * short wire between blocks side by side has its label just above them,
 * clear of their names; any other wire has it on its middle, where there
 * is room (a skip connection's long run, the space between rows). */
static void
draw_shape_label (cairo_t *cr, const Picture *p, const ShapeLabel *label)
{
  const NnbNodeShape *shape = &p->shapes[label->from];
  g_autofree char *text = nnb_shape_to_string (shape->ndim, shape->shape);
  g_autoptr (PangoLayout) layout = nnb_plot_style_make_layout (cr, p->style, text, p->shape_size, FALSE);
  const Box *a = &p->boxes[label->from], *b = &p->boxes[label->to];
  int w, h;
  double top;
  /* an open Sequential's wires are level with its first and last layers */
  double a_top = a->y + a->out_port_y - PORT_Y, b_top = b->y + b->port_y - PORT_Y;

  pango_layout_get_pixel_size (layout, &w, &h);
  /* side by side with too little room between them for the label */
  if (a->y < b->y + b->h && b->y < a->y + a->h && b->x - (a->x + a->w) < w + 12)
    top = MIN (a_top, b_top) - h - 3;
  else
    top = label->y - h / 2.0;
  nnb_dg_draw_shape_plate (cr, p, layout, label->x - w / 2.0, top);
}

/* The rubber band, a line one pixel wide at any zoom. */
static void
draw_band (cairo_t *cr, const NnbPlotStyle *style, const NnbDiagramState *state, double zoom)
{
  Box band = { MIN (state->band_x0, state->band_x1), MIN (state->band_y0, state->band_y1),
               fabs (state->band_x1 - state->band_x0), fabs (state->band_y1 - state->band_y0) };

  cairo_rectangle (cr, band.x, band.y, band.w, band.h);
  nnb_plot_set_source (cr, style->accent, 0.15);
  cairo_fill_preserve (cr);
  nnb_plot_set_source (cr, style->accent, 0.8);
  cairo_set_line_width (cr, 1.0 / zoom);
  cairo_stroke (cr);
}

double
nnb_diagram_text_size (void)
{
  return TEXT_SIZE;
}

/* Shapes on wires stay as large as the UI's caption text when the diagram
 * is zoomed out a little, but never larger than the blocks' own text: a
 * label that outshouts its block (5 px blocks under 12 px labels on a
 * projector) is worse than both shrinking together. */
double
nnb_diagram_label_size (const NnbPlotStyle *style, double zoom)
{
  double size = CLAMP (style->font_size * CAPTION / MAX (zoom, 1e-3), SHAPE_SIZE, MAX_SHAPE_SIZE);

  return MIN (size, TEXT_SIZE);
}

void
nnb_diagram_draw_state (cairo_t *cr,
                        int width,
                        int height,
                        NnbModel *model,
                        const NnbBlockPosition *positions,
                        const NnbNodeShape *shapes,
                        const NnbPlotStyle *style,
                        const NnbDiagramState *state)
{
  g_autofree Box *boxes = NULL;
  g_autoptr (GArray) labels = NULL; /* ShapeLabel: one per wire with a shape */
  Picture p = { model, NULL, shapes, style, state };
  double origin_x, origin_y;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (model != NULL);
  g_return_if_fail (style != NULL);

  nnb_plot_style_paint_background (cr, style);
  if (width <= 0 || height <= 0)
    return;

  p.boxes = boxes = nnb_dg_compute_boxes (model, positions, state != NULL ? state->expanded : NULL);
  if (state != NULL && state->zoom > 0)
    p.zoom = state->zoom, origin_x = state->origin_x, origin_y = state->origin_y;
  else
    fit_boxes (width, height, boxes, model->nodes->len, MAX_ZOOM * MAX (1.0, style->font_size / 14.0),
               &p.zoom, &origin_x, &origin_y);
  p.shape_size = nnb_diagram_label_size (style, p.zoom);

  cairo_save (cr);
  cairo_scale (cr, p.zoom, p.zoom);
  cairo_translate (cr, -origin_x, -origin_y);

  labels = g_array_new (FALSE, FALSE, sizeof (ShapeLabel));
  /* wires first, so blocks sit on top of them */
  draw_wires (cr, &p, labels);
  if (state != NULL && state->pending_wire)
    draw_pending_wire (cr, style, state);
  for (guint i = 0; i < model->nodes->len; i++)
    draw_block (cr, &p, i);
  for (guint k = 0; k < labels->len; k++)
    draw_shape_label (cr, &p, &g_array_index (labels, ShapeLabel, k));
  if (state != NULL && state->band)
    draw_band (cr, style, state, p.zoom);

  cairo_restore (cr);
}
