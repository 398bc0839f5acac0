/* nnb-diagram.c — the block diagram, drawn with Cairo and Pango.
 *
 * Everything is laid out in diagram units, the units of the project's
 * positions, and the whole picture is then scaled to fit: type and lines
 * grow with the window, as they should on a projector. */
#include "nnb-config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <pango/pangocairo.h>

#include "nnb-diagram.h"

#define BLOCK_WIDTH 124.0  /* positions are 160 apart in the examples: room for a label */
#define LINE_HEIGHT 16.0
#define BLOCK_PAD 8.0
#define PORT_Y 18.0        /* wires meet a block this far below its top */
#define SLOT_GAP 10.0      /* between the two inputs of a + */
#define MARGIN 24.0
#define MAX_ZOOM 1.8       /* a three-block model should not fill a wall */
#define AUTO_SPACING 160.0 /* for blocks without a position */
#define TEXT_SIZE 11.0     /* block text at zoom 1, in diagram units */

typedef struct
{
  double x, y, w, h;
} Box;

static char *
module_text (const NnbModule *module)
{
  if (module->kind == NNB_MODULE_LINEAR)
    return g_strdup_printf ("Linear %" G_GINT64_FORMAT "→%" G_GINT64_FORMAT,
                            module->in_features, module->out_features);

  return g_strdup (nnb_module_kind_to_string (module->kind));
}

char *
nnb_diagram_node_text (NnbModel *model, guint index)
{
  NnbNode *node;

  g_return_val_if_fail (model != NULL, NULL);
  g_return_val_if_fail (index < model->nodes->len, NULL);

  node = g_ptr_array_index (model->nodes, index);
  switch (node->kind)
    {
    case NNB_NODE_INPUT:
      return g_strdup_printf ("%s: %s", node->name, _("input"));
    case NNB_NODE_OUTPUT:
      return g_strdup_printf ("%s: %s", node->name, _("output"));
    case NNB_NODE_ADD:
      return g_strdup_printf ("%s: +", node->name);
    case NNB_NODE_CALL:
    default:
      {
        NnbModule *module = nnb_model_get_module (model, node->module);
        g_autofree char *text = module != NULL ? module_text (module) : g_strdup ("?");

        return g_strdup_printf ("%s: %s", node->name, text);
      }
    }
}

/* Extra lines under a Sequential's block: its children, as print(model) lists them. */
static int
n_child_lines (NnbModel *model, const NnbNode *node)
{
  NnbModule *module;

  if (node->kind != NNB_NODE_CALL)
    return 0;
  module = nnb_model_get_module (model, node->module);
  if (module == NULL || module->kind != NNB_MODULE_SEQUENTIAL)
    return 0;

  return (int) module->children->len;
}

static PangoLayout *
make_layout (cairo_t *cr, const NnbPlotStyle *style, double size, gboolean bold,
             const char *text, double width)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  g_autoptr(PangoFontDescription) font = pango_font_description_new ();

  pango_font_description_set_family (font, style->font_family != NULL ? style->font_family : "Sans");
  pango_font_description_set_absolute_size (font, size * PANGO_SCALE);
  if (bold)
    pango_font_description_set_weight (font, PANGO_WEIGHT_BOLD);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_text (layout, text, -1);
  if (width > 0)
    {
      pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
    }

  return layout;
}

/* Blocks without a position go in layers: one column per step from the input. */
static void
auto_layout (NnbModel *model, Box *boxes)
{
  g_autoptr(GArray) order = nnb_model_topological_order (model, NULL);
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

      for (int s = 0; s < 2; s++)
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

static void
set_rgba (cairo_t *cr, const double rgba[4], double alpha)
{
  cairo_set_source_rgba (cr, rgba[0], rgba[1], rgba[2], rgba[3] * alpha);
}

static void
rounded_rectangle (cairo_t *cr, const Box *b, double r)
{
  cairo_new_sub_path (cr);
  cairo_arc (cr, b->x + b->w - r, b->y + r, r, -G_PI / 2, 0);
  cairo_arc (cr, b->x + b->w - r, b->y + b->h - r, r, 0, G_PI / 2);
  cairo_arc (cr, b->x + r, b->y + b->h - r, r, G_PI / 2, G_PI);
  cairo_arc (cr, b->x + r, b->y + r, r, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
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
  static const double error_rgba[4] = { 0.88, 0.11, 0.14, 1.0 };
  g_autofree Box *boxes = NULL;
  guint n;
  double min_x = INFINITY, min_y = INFINITY, max_x = -INFINITY, max_y = -INFINITY;
  double zoom, text_size;
  gboolean needs_layout = FALSE;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (model != NULL);
  g_return_if_fail (style != NULL);

  if (style->background[3] > 0)
    {
      set_rgba (cr, style->background, 1.0);
      cairo_paint (cr);
    }

  n = model->nodes->len;
  if (n == 0 || width <= 0 || height <= 0)
    return;

  boxes = g_new0 (Box, n);
  for (guint i = 0; i < n; i++)
    {
      NnbNode *node = g_ptr_array_index (model->nodes, i);

      boxes[i].x = positions != NULL ? positions[i].x : NAN;
      boxes[i].y = positions != NULL ? positions[i].y : NAN;
      boxes[i].w = node->kind == NNB_NODE_CALL ? BLOCK_WIDTH : BLOCK_WIDTH * 0.75;
      boxes[i].h = 2 * BLOCK_PAD + LINE_HEIGHT * (1 + n_child_lines (model, node));
      if (isnan (boxes[i].x) || isnan (boxes[i].y))
        needs_layout = TRUE;
    }
  if (needs_layout)
    auto_layout (model, boxes);

  for (guint i = 0; i < n; i++)
    {
      min_x = MIN (min_x, boxes[i].x);
      min_y = MIN (min_y, boxes[i].y - LINE_HEIGHT); /* shape labels above */
      max_x = MAX (max_x, boxes[i].x + boxes[i].w);
      max_y = MAX (max_y, boxes[i].y + boxes[i].h);
    }

  zoom = MIN ((width - 2 * MARGIN) / MAX (1.0, max_x - min_x),
              (height - 2 * MARGIN) / MAX (1.0, max_y - min_y));
  zoom = CLAMP (zoom, 0.05, MAX_ZOOM);
  /* The style's font size is a minimum on screen: presentation mode's
   * larger type makes the diagram larger too. */
  text_size = TEXT_SIZE * MAX (1.0, style->font_size / 14.0);

  cairo_save (cr);
  /* centred in the area */
  cairo_translate (cr, (width - (max_x - min_x) * zoom) / 2, (height - (max_y - min_y) * zoom) / 2);
  cairo_scale (cr, zoom, zoom);
  cairo_translate (cr, -min_x, -min_y);

  /* wires first, so blocks sit on top of them */
  cairo_set_line_width (cr, MAX (1.5, style->line_width));
  for (guint i = 0; i < n; i++)
    {
      NnbNode *node = g_ptr_array_index (model->nodes, i);
      int n_slots = nnb_model_n_inputs (node->kind);

      for (int s = 0; s < n_slots; s++)
        {
          int from = node->inputs[s];
          double x0, y0, x1, y1, dx;

          if (from < 0 || (guint) from >= n)
            continue;
          x0 = boxes[from].x + boxes[from].w;
          y0 = boxes[from].y + PORT_Y;
          x1 = boxes[i].x;
          y1 = boxes[i].y + PORT_Y + (n_slots == 2 ? (s == 0 ? -SLOT_GAP : SLOT_GAP) / 2 : 0);
          dx = MAX (30.0, fabs (x1 - x0) / 2);

          set_rgba (cr, style->foreground, 0.6);
          cairo_move_to (cr, x0, y0);
          cairo_curve_to (cr, x0 + dx, y0, x1 - dx, y1, x1, y1);
          cairo_stroke (cr);

          if (shapes != NULL && shapes[from].ndim > 0)
            {
              g_autofree char *label = nnb_shape_to_string (shapes[from].ndim, shapes[from].shape);
              g_autoptr(PangoLayout) layout = make_layout (cr, style, text_size * 0.85, FALSE, label, 0);
              /* the curve's midpoint, where a Bézier with these controls passes at t = ½ */
              double mx = (x0 + x1) / 2, my = (y0 + y1) / 2;
              int w, h;

              pango_layout_get_pixel_size (layout, &w, &h);
              set_rgba (cr, style->accent, 1.0);
              cairo_move_to (cr, mx - w / 2.0, my - h - 1);
              pango_cairo_show_layout (cr, layout);
            }
        }
    }

  for (guint i = 0; i < n; i++)
    {
      NnbNode *node = g_ptr_array_index (model->nodes, i);
      const double *edge = style->accent;
      gboolean broken = shapes != NULL && shapes[i].error != NULL;
      g_autofree char *text = nnb_diagram_node_text (model, i);
      g_autoptr(PangoLayout) layout = NULL;
      int lines = n_child_lines (model, node);

      if (broken)
        edge = error_rgba;
      else if (node->kind != NNB_NODE_CALL)
        edge = style->foreground;

      /* an opaque base, so wires behind a block do not show through */
      rounded_rectangle (cr, &boxes[i], 6);
      if (style->background[3] > 0)
        set_rgba (cr, style->background, 1.0);
      else
        cairo_set_source_rgba (cr, 1, 1, 1, 1);
      cairo_fill_preserve (cr);
      set_rgba (cr, edge, node->kind == NNB_NODE_CALL || broken ? 0.14 : 0.06);
      cairo_fill_preserve (cr);
      set_rgba (cr, edge, 0.9);
      cairo_set_line_width (cr, MAX (1.2, style->line_width));
      cairo_stroke (cr);

      set_rgba (cr, style->foreground, 1.0);
      layout = make_layout (cr, style, text_size, TRUE, text, boxes[i].w - 2 * BLOCK_PAD);
      cairo_move_to (cr, boxes[i].x + BLOCK_PAD, boxes[i].y + BLOCK_PAD);
      pango_cairo_show_layout (cr, layout);

      if (lines > 0)
        {
          NnbModule *seq = nnb_model_get_module (model, node->module);

          for (int c = 0; c < lines; c++)
            {
              g_autofree char *child = module_text (g_ptr_array_index (seq->children, c));
              g_autofree char *line = g_strdup_printf ("%d: %s", c, child);
              g_autoptr(PangoLayout) child_layout =
                make_layout (cr, style, text_size * 0.9, FALSE, line, boxes[i].w - 2 * BLOCK_PAD);

              set_rgba (cr, style->foreground, 0.8);
              cairo_move_to (cr, boxes[i].x + BLOCK_PAD * 2, boxes[i].y + BLOCK_PAD + LINE_HEIGHT * (c + 1));
              pango_cairo_show_layout (cr, child_layout);
            }
        }

      if (broken)
        {
          g_autoptr(PangoLayout) error_layout =
            make_layout (cr, style, text_size * 0.85, FALSE, shapes[i].error, 0);

          pango_layout_set_width (error_layout, (int) (BLOCK_WIDTH * 2 * PANGO_SCALE));
          pango_layout_set_wrap (error_layout, PANGO_WRAP_WORD_CHAR);
          set_rgba (cr, error_rgba, 1.0);
          cairo_move_to (cr, boxes[i].x, boxes[i].y + boxes[i].h + 4);
          pango_cairo_show_layout (cr, error_layout);
        }
    }

  cairo_restore (cr);
}
