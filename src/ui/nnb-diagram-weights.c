/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-diagram-weights.c — a Linear block drawn with its weights, the
 * picture of y = W x + b a student draws on paper: x's components as dots
 * on the left, y's on the right, and W[o, i] the line from x_i to y_o.
 *
 * The dots sit at the bottom of the block, under its title (one line or
 * two), so that the geometry needs only the block's rectangle: the hit
 * tests of the view take the same rectangle as the picture. */
#include "nnb-config.h"

#include <math.h>

#include "nnb-diagram-private.h"
#include "nnb-diagram-weights.h"
#include "nnb-plot-marks.h"

#define DOT_GAP 12.0 /* between two dots on one side: a line each side of a dot stays apart */
#define DOT_RADIUS 3.0
#define DOT_INSET 12.0 /* from the block's edge, clear of the ports drawn on it */
#define THIN 0.6       /* the line of a zero weight: still there, as PyTorch still multiplies by it */
#define THICK 3.6      /* the line of the layer's largest |w| */

gboolean
nnb_diagram_weights_fit (int64_t in_features, int64_t out_features)
{
  return in_features > 0 && out_features > 0 && in_features <= NNB_DIAGRAM_MAX_WEIGHTS_FEATURES &&
         out_features <= NNB_DIAGRAM_MAX_WEIGHTS_FEATURES;
}

double
nnb_diagram_weights_height (int64_t in_features, int64_t out_features)
{
  return (MAX (in_features, out_features) - 1) * DOT_GAP + 2 * DOT_RADIUS + BLOCK_PAD;
}

/* Both columns of dots are centred on the taller one's span, which ends
 * a pad above the block's bottom. */
void
nnb_diagram_weights_dot (const double rect[4], const NnbDiagramWeights *weights, gboolean output, int k,
                         double *x, double *y)
{
  int64_t n = output ? weights->out_features : weights->in_features;
  int64_t most = MAX (weights->in_features, weights->out_features);
  double bottom = rect[1] + rect[3] - BLOCK_PAD - DOT_RADIUS;
  double centre = bottom - (most - 1) * DOT_GAP / 2;

  *x = output ? rect[0] + rect[2] - DOT_INSET : rect[0] + DOT_INSET;
  *y = centre + (k - (n - 1) / 2.0) * DOT_GAP;
}

static double
largest_weight (const NnbDiagramWeights *weights)
{
  double largest = 0;

  for (int64_t k = 0; k < weights->in_features * weights->out_features; k++)
    if (isfinite (weights->weight[k]))
      largest = MAX (largest, fabs (weights->weight[k]));
  return largest;
}

static gboolean
drawable (const NnbDiagramWeights *weights)
{
  return weights != NULL && weights->weight != NULL &&
         nnb_diagram_weights_fit (weights->in_features, weights->out_features);
}

GArray *
nnb_diagram_weights_lines (const double rect[4], const NnbDiagramWeights *weights, const NnbPlotStyle *style)
{
  GArray *lines = g_array_new (FALSE, FALSE, sizeof (NnbDiagramWeightLine));
  double largest;

  if (!drawable (weights))
    return lines;
  /* widths are relative to the layer's own largest weight: what a student
   * compares is which inputs a unit listens to, not one layer to another */
  largest = largest_weight (weights);
  for (int o = 0; o < weights->out_features; o++)
    for (int i = 0; i < weights->in_features; i++)
      {
        double w = weights->weight[(gsize) o * weights->in_features + i];
        double size = largest > 0 && isfinite (w) ? fabs (w) / largest : 0;
        NnbDiagramWeightLine line = { o, i };

        nnb_diagram_weights_dot (rect, weights, FALSE, i, &line.x0, &line.y0);
        nnb_diagram_weights_dot (rect, weights, TRUE, o, &line.x1, &line.y1);
        line.width = THIN + (THICK - THIN) * size;
        /* the accent and the second series colour: apart on light, dark and
         * high-contrast backgrounds, as the plots' series are */
        nnb_plot_series_color (style, w < 0 ? 1 : 0, line.rgba);
        /* a small weight fades as well as thins, so the large ones stand out */
        line.rgba[3] *= 0.35 + 0.65 * size;
        g_array_append_val (lines, line);
      }
  return lines;
}

static int
by_width (gconstpointer a, gconstpointer b)
{
  const NnbDiagramWeightLine *la = a, *lb = b;

  return (la->width > lb->width) - (la->width < lb->width);
}

static void
draw_dots (cairo_t *cr, const double rect[4], const NnbDiagramWeights *weights, const NnbPlotStyle *style,
           gboolean output)
{
  int64_t n = output ? weights->out_features : weights->in_features;

  for (int k = 0; k < n; k++)
    {
      double x, y;

      nnb_diagram_weights_dot (rect, weights, output, k, &x, &y);
      cairo_new_sub_path (cr);
      cairo_arc (cr, x, y, DOT_RADIUS, 0, 2 * G_PI);
      nnb_dg_set_paper (cr, style, 1.0);
      cairo_fill_preserve (cr);
      nnb_plot_set_source (cr, style->foreground, 0.9);
      cairo_set_line_width (cr, 1.2);
      cairo_stroke (cr);
    }
}

void
nnb_diagram_weights_draw (cairo_t *cr, const double rect[4], const NnbDiagramWeights *weights,
                          const NnbPlotStyle *style)
{
  g_autoptr (GArray) lines = NULL;

  if (weights == NULL || !nnb_diagram_weights_fit (weights->in_features, weights->out_features))
    return;
  lines = nnb_diagram_weights_lines (rect, weights, style);
  /* the strong weights last, on top of the faint ones they cross */
  g_array_sort (lines, by_width);
  cairo_save (cr);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  for (guint k = 0; k < lines->len; k++)
    {
      const NnbDiagramWeightLine *line = &g_array_index (lines, NnbDiagramWeightLine, k);

      cairo_set_line_width (cr, line->width);
      nnb_plot_set_source (cr, line->rgba, 1.0);
      cairo_move_to (cr, line->x0, line->y0);
      cairo_line_to (cr, line->x1, line->y1);
      cairo_stroke (cr);
    }
  /* dots without values yet too: the shape of the layer is known */
  draw_dots (cr, rect, weights, style, FALSE);
  draw_dots (cr, rect, weights, style, TRUE);
  cairo_restore (cr);
}

static double
segment_distance (double px, double py, const NnbDiagramWeightLine *line)
{
  double dx = line->x1 - line->x0, dy = line->y1 - line->y0;
  double t = ((px - line->x0) * dx + (py - line->y0) * dy) / MAX (dx * dx + dy * dy, 1e-9);

  t = CLAMP (t, 0.0, 1.0);
  return hypot (px - (line->x0 + t * dx), py - (line->y0 + t * dy));
}

NnbDiagramWeightsHit
nnb_diagram_weights_hit (const double rect[4], const NnbDiagramWeights *weights, double x, double y,
                         double tolerance, int *out, int *in)
{
  NnbPlotStyle style;
  g_autoptr (GArray) lines = NULL;
  double nearest = INFINITY;
  NnbDiagramWeightsHit hit = NNB_DIAGRAM_WEIGHTS_NONE;

  if (weights == NULL || !nnb_diagram_weights_fit (weights->in_features, weights->out_features))
    return NNB_DIAGRAM_WEIGHTS_NONE;
  for (int side = 0; side < 2; side++)
    for (int k = 0; k < (side ? weights->out_features : weights->in_features); k++)
      {
        double dx, dy;

        nnb_diagram_weights_dot (rect, weights, side, k, &dx, &dy);
        if (hypot (x - dx, y - dy) <= DOT_RADIUS + tolerance)
          {
            *(side ? out : in) = k;
            return side ? NNB_DIAGRAM_WEIGHTS_OUTPUT : NNB_DIAGRAM_WEIGHTS_INPUT;
          }
      }
  nnb_plot_style_init_default (&style);
  lines = nnb_diagram_weights_lines (rect, weights, &style);
  for (guint k = 0; k < lines->len; k++)
    {
      const NnbDiagramWeightLine *line = &g_array_index (lines, NnbDiagramWeightLine, k);
      double d = segment_distance (x, y, line);

      if (d <= tolerance + line->width / 2 && d < nearest)
        {
          nearest = d;
          *out = line->out, *in = line->in;
          hit = NNB_DIAGRAM_WEIGHTS_LINE;
        }
    }
  return hit;
}

/* "₁₂" for 12: maths' indices. */
static void
append_subscript (GString *out, int n)
{
  static const char *const digits[] = { "₀", "₁", "₂", "₃", "₄", "₅", "₆", "₇", "₈", "₉" };
  char text[16];

  g_snprintf (text, sizeof text, "%d", n);
  for (const char *c = text; *c != '\0'; c++)
    g_string_append (out, digits[*c - '0']);
}

/* |v| with two decimals, and whether it reads as negative: −0.00 is 0.00. */
static gboolean
magnitude (double v, char text[G_ASCII_DTOSTR_BUF_SIZE])
{
  g_ascii_formatd (text, G_ASCII_DTOSTR_BUF_SIZE, "%.2f", fabs (v));
  return v < 0 && g_strcmp0 (text, "0.00") != 0;
}

char *
nnb_diagram_weights_formula (const NnbDiagramWeights *weights, int out)
{
  GString *text = g_string_new ("h");
  char number[G_ASCII_DTOSTR_BUF_SIZE];

  g_return_val_if_fail (weights != NULL && weights->weight != NULL, NULL);
  g_return_val_if_fail (out >= 0 && out < weights->out_features, NULL);

  append_subscript (text, out + 1);
  g_string_append (text, " = ");
  for (int i = 0; i < weights->in_features; i++)
    {
      gboolean negative = magnitude (weights->weight[(gsize) out * weights->in_features + i], number);

      if (i == 0)
        g_string_append (text, negative ? "−" : "");
      else
        g_string_append (text, negative ? " − " : " + ");
      g_string_append_printf (text, "%s·x", number);
      append_subscript (text, i + 1);
    }
  if (weights->bias != NULL)
    {
      gboolean negative = magnitude (weights->bias[out], number);

      g_string_append_printf (text, " %s %s", negative ? "−" : "+", number);
    }
  return g_string_free (text, FALSE);
}

char *
nnb_diagram_weights_input_name (int in)
{
  GString *text = g_string_new ("x");

  append_subscript (text, in + 1);
  return g_string_free (text, FALSE);
}

char *
nnb_diagram_weights_value_text (const NnbDiagramWeights *weights, int out, int in)
{
  char number[G_ASCII_DTOSTR_BUF_SIZE];
  gboolean negative;

  g_return_val_if_fail (weights != NULL && weights->weight != NULL, NULL);
  g_return_val_if_fail (out >= 0 && out < weights->out_features && in >= 0 && in < weights->in_features, NULL);

  negative = magnitude (weights->weight[(gsize) out * weights->in_features + in], number);
  return g_strdup_printf ("%s.weight[%d, %d] = %s%s", weights->name != NULL ? weights->name : "?", out, in,
                          negative ? "−" : "", number);
}

void
nnb_dg_size_weights (NnbModel *model, const NnbNode *node, Box *box)
{
  NnbModule *module = node->kind == NNB_NODE_CALL ? nnb_model_get_module (model, node->module) : NULL;

  if (module == NULL || module->kind != NNB_MODULE_LINEAR ||
      !nnb_diagram_weights_fit (module->in_features, module->out_features))
    return;
  box->open = NNB_DIAGRAM_OPEN_WEIGHTS;
  box->h += nnb_diagram_weights_height (module->in_features, module->out_features);
}

void
nnb_dg_draw_weights (cairo_t *cr, const Picture *p, guint i)
{
  const NnbNode *node = g_ptr_array_index (p->model->nodes, i);
  NnbModule *module = nnb_model_get_module (p->model, node->module);
  const Box *box = &p->boxes[i];
  double rect[4] = { box->x, box->y, box->w, box->h };
  /* without values (a picture drawn before any), the dots alone */
  NnbDiagramWeights none = { node->module, module->in_features, module->out_features, NULL, NULL };
  const NnbDiagramWeights *weights = &none;

  if (p->state != NULL && p->state->weights != NULL && p->state->weights[i].weight != NULL &&
      p->state->weights[i].in_features == module->in_features &&
      p->state->weights[i].out_features == module->out_features)
    weights = &p->state->weights[i];
  nnb_diagram_weights_draw (cr, rect, weights, p->style);
}
