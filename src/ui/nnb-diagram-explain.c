/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-diagram-explain.c — a training step's stages on the diagram: each
 * block gets a card under it, a list of items (lines of text, a tiny
 * histogram, a sign map). The same items are the card's text for tests
 * and screen readers, so what is read is what is drawn. */
#include "nnb-config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "nnb-diagram-explain.h"
#include "nnb-diagram-private.h"
#include "nnb-plot-marks.h"
#include "nnb-torch-str.h"

#define FULL_VALUES 8    /* at most this many numbers are printed in full */
#define CARD_WIDTH 150.0 /* diagram units: blocks are 160 apart in the examples */
#define CARD_GAP 6.0     /* between a block and its card */
#define CARD_PAD 5.0
#define HISTOGRAM_BINS 12
#define SIGN_ROWS 16       /* a sign map shows at most this many rows */
#define MIN_CARD_PX 9.5    /* cards' text smaller than this on screen: one card at a time */
#define DETAIL_SIZE 13.0   /* that card's text size, in its own units */
#define DETAIL_WIDTH 210.0 /* and its width */

typedef enum
{
  ITEM_TEXT,
  ITEM_SUMMARY, /* "min a, mean b, max c", drawn one a line beside tensor's histogram */
  ITEM_SIGNS,   /* tensor's signs, one small cell per value */
} ItemKind;

typedef struct
{
  ItemKind kind;
  char *text;              /* ITEM_TEXT */
  gboolean strong;         /* bold: the loss */
  const NnbTensor *tensor; /* ITEM_SUMMARY (NULL: no histogram), ITEM_SIGNS: borrowed from the record */
} Item;

static void
item_free (Item *item)
{
  g_free (item->text);
  g_free (item);
}

static void
add_text (GPtrArray *items, gboolean strong, char *text)
{
  Item *item = g_new0 (Item, 1);

  item->kind = ITEM_TEXT;
  item->text = text;
  item->strong = strong;
  g_ptr_array_add (items, item);
}

static void
add_picture (GPtrArray *items, ItemKind kind, char *text, const NnbTensor *tensor)
{
  Item *item = g_new0 (Item, 1);

  item->kind = kind;
  item->text = text;
  item->tensor = tensor;
  g_ptr_array_add (items, item);
}

/* Numbers

 * PyTorch's print of a 1-d tensor, on one line and without "tensor(...)":
 * "[ 0.1234, -0.5678]" with the width and notation PyTorch picks for them. */
static char *
torch_numbers (const float *values, int64_t n)
{
  g_autofree char *text = nnb_torch_str (values, 1, &n, FALSE, NULL);
  g_autoptr (GString) out = g_string_new (NULL);
  const char *start = g_str_has_prefix (text, "tensor(") ? text + 7 : text;
  gsize len = strlen (start);

  if (len > 0 && start[len - 1] == ')')
    len--;
  /* the rows PyTorch wraps at 80 characters join again */
  for (gsize i = 0; i < len; i++)
    {
      if (g_ascii_isspace (start[i]))
        {
          while (i + 1 < len && g_ascii_isspace (start[i + 1]))
            i++;
          if (out->len > 0 && out->str[out->len - 1] != '[')
            g_string_append_c (out, ' ');
          continue;
        }
      g_string_append_c (out, start[i]);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* One number as PyTorch prints a 0-d tensor: "0.1234", "1.2346e-05" */
static char *
torch_scalar (double value)
{
  float f = (float) value;
  g_autofree char *text = nnb_torch_str (&f, 0, NULL, FALSE, NULL);

  if (g_str_has_prefix (text, "tensor(") && g_str_has_suffix (text, ")"))
    return g_strndup (text + 7, strlen (text) - 8);
  return g_steal_pointer (&text);
}

/* A float32 with the fewest digits that read back as it (numpy's repr):
 * an update's before and after differ past PyTorch's four decimals. */
static char *
float_repr (float value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  for (int digits = 1; digits <= 9; digits++)
    {
      char format[8];

      g_snprintf (format, sizeof format, "%%.%dg", digits);
      g_ascii_formatd (buffer, sizeof buffer, format, value);
      if ((float) g_ascii_strtod (buffer, NULL) == value)
        break;
    }
  return g_strdup (buffer);
}

/* "min -1.2345, mean 0.0123, max 2.3456" */
static char *
summary_text (const NnbTensor *t)
{
  double min, mean, max;
  float three[3];
  g_autofree char *text = NULL;
  g_auto (GStrv) parts = NULL;

  nnb_step_explain_range (t, &min, &mean, &max);
  three[0] = min, three[1] = mean, three[2] = max;
  /* printed together, as torch.stack([t.min(), t.mean(), t.max()]): one
   * notation for the three ("0.0000", not "0.") */
  text = torch_numbers (three, 3);
  parts = g_strsplit_set (text, "[],", -1);
  if (g_strv_length (parts) < 4)
    return g_steal_pointer (&text);
  /* Translators: a tensor's smallest, mean and largest value */
  return g_strdup_printf (_("min %s, mean %s, max %s"), g_strstrip (parts[1]), g_strstrip (parts[2]),
                          g_strstrip (parts[3]));
}

/* name and shape on one line, then its numbers (at most 8) or their
 * summary and, with picture, their histogram */
static void
add_tensor (GPtrArray *items, const char *name, const NnbTensor *t, gboolean picture)
{
  g_autofree char *shape = nnb_tensor_shape_string (t);

  add_text (items, FALSE, g_strdup_printf ("%s %s", name, shape));
  if (t->numel <= FULL_VALUES)
    add_text (items, FALSE, torch_numbers (t->data, t->numel));
  else
    add_picture (items, ITEM_SUMMARY, summary_text (t), picture ? t : NULL);
}

/* The cards */

/* The module a block calls, and how many blocks call it */
static const char *
called_module (NnbModel *model, int block, int *calls)
{
  NnbNode *node = nnb_model_get_node (model, block);

  *calls = 0;
  if (node->kind != NNB_NODE_CALL)
    return NULL;
  for (guint i = 0; i < model->nodes->len; i++)
    {
      NnbNode *other = nnb_model_get_node (model, i);

      if (other->kind == NNB_NODE_CALL && g_strcmp0 (other->module, node->module) == 0)
        (*calls)++;
    }
  return node->module;
}

/* The record's parameters of block's module, in named_parameters() order */
static GPtrArray *
block_parameters (NnbModel *model, const NnbStepExplain *e, int block, int *calls)
{
  const char *module = called_module (model, block, calls);
  g_autofree char *prefix = module != NULL ? g_strconcat (module, ".", NULL) : NULL;
  GPtrArray *found = g_ptr_array_new ();

  for (guint p = 0; prefix != NULL && p < e->parameters->len; p++)
    {
      const NnbStepParameter *param = e->parameters->pdata[p];

      if (g_str_has_prefix (param->name, prefix))
        g_ptr_array_add (found, (gpointer) param);
    }
  return found;
}

static void
forward_card (NnbModel *model, const NnbStepExplain *e, int block, GPtrArray *items)
{
  const NnbStepWire *wire = nnb_step_explain_find_wire (e, block, -1);
  NnbNode *node = nnb_model_get_node (model, block);

  if (wire == NULL || wire->value == NULL)
    return;
  if ((node->kind == NNB_NODE_ADD || node->kind == NNB_NODE_MUL) && node->n_inputs == 2)
    {
      const NnbStepWire *a = nnb_step_explain_find_wire (e, node->inputs[0], -1);
      const NnbStepWire *b = nnb_step_explain_find_wire (e, node->inputs[1], -1);

      if (a != NULL && b != NULL && a->value != NULL && b->value != NULL)
        {
          g_autofree char *sa = nnb_tensor_shape_string (a->value), *sb = nnb_tensor_shape_string (b->value);
          const char *op = node->kind == NNB_NODE_ADD ? "+" : "*";

          add_text (items, FALSE, g_strdup_printf ("%s %s %s: %s %s %s", a->label, op, b->label, sa, op, sb));
        }
    }
  /* Translators: the tensor a block puts on its output wire, before its shape */
  add_tensor (items, _("value"), wire->value, TRUE);
}

static void
loss_card (NnbModel *model, const NnbStepExplain *e, int block, GPtrArray *items)
{
  const NnbStepWire *pred = nnb_step_explain_prediction (e);
  g_autofree char *loss = NULL;

  if (pred == NULL || pred->node != block || pred->value == NULL || e->y == NULL)
    return;
  add_text (items, FALSE, g_strdup (nnb_step_explain_loss_formula (e->loss_kind)));
  add_tensor (items, "y_hat", pred->value, FALSE);
  add_tensor (items, "y", e->y, FALSE);
  if (!isnan (nnb_step_explain_loss_term (e, 0)))
    {
      int64_t n = MIN (3, pred->value->numel);
      float terms[3];
      g_autofree char *text = NULL;

      for (int64_t i = 0; i < n; i++)
        terms[i] = (float) nnb_step_explain_loss_term (e, i);
      text = torch_numbers (terms, n);
      if (pred->value->numel <= n)
        /* Translators: the terms whose mean is the loss */
        add_text (items, FALSE, g_strdup_printf (_("terms %s"), text));
      else
        /* Translators: the first terms of the loss's mean, then how many there are */
        add_text (items, FALSE, g_strdup_printf (_("terms %s… of %d"), text, (int) pred->value->numel));
    }
  loss = torch_scalar (e->loss);
  add_text (items, TRUE, g_strdup_printf ("loss = %s", loss));
}

/* A module called more than once: this block's call's part of a .grad,
 * then how .grad is made of the calls' parts: "fc.weight.grad = call 1 +
 * call 2" (the total follows) */
static void
add_calls (GPtrArray *items, const NnbStepExplain *e, const NnbStepParameter *param, int block)
{
  g_autoptr (GString) sum = g_string_new (NULL);

  if (e->zero_grad_skipped)
    /* Translators: the .grad zero_grad did not clear, the first term of a sum of gradients */
    g_string_append (sum, _("the kept .grad"));
  for (guint k = 0; k < param->calls->len; k++)
    {
      const NnbStepCall *call = param->calls->pdata[k];
      g_autofree char *shape = NULL, *size = NULL;

      if (sum->len > 0)
        g_string_append (sum, " + ");
      /* Translators: the k-th call of a module in the forward, a term of its .grad */
      g_string_append_printf (sum, _("call %u"), k + 1);
      if (call->node != block)
        continue;
      shape = nnb_tensor_shape_string (call->grad);
      size = torch_scalar (nnb_step_explain_norm (call->grad));
      /* Translators: one call's part of a gradient: "call 1 adds to fc.weight.grad (4, 4), norm 0.0123" */
      add_text (items, FALSE, g_strdup_printf (_("call %u adds to %s.grad %s, norm %s"), k + 1, param->name, shape, size));
      if (call->grad->numel <= FULL_VALUES)
        add_text (items, FALSE, torch_numbers (call->grad->data, call->grad->numel));
    }
  add_text (items, FALSE, g_strdup_printf ("%s.grad = %s", param->name, sum->str));
}

static void
backward_card (NnbModel *model, const NnbStepExplain *e, int block, GPtrArray *items)
{
  const NnbStepWire *wire = nnb_step_explain_find_wire (e, block, -1);
  NnbNode *node = nnb_model_get_node (model, block);
  g_autoptr (GPtrArray) params = NULL;
  int calls;

  if (wire != NULL && wire->grad != NULL)
    {
      g_autofree char *name = g_strdup_printf ("dL/d(%s)", wire->label);

      add_tensor (items, name, wire->grad, TRUE);
    }
  else if (wire != NULL && node->kind == NNB_NODE_INPUT)
    add_text (items, FALSE, g_strdup (_("no gradient: the input does not require grad")));
  if (node->kind == NNB_NODE_ADD)
    /* Translators: backward through a + copies its gradient to both branches */
    add_text (items, FALSE, g_strdup (_("both inputs get this same gradient")));

  params = block_parameters (model, e, block, &calls);
  if (calls > 1 && params->len > 0 && ((const NnbStepParameter *) params->pdata[0])->calls == NULL)
    /* Translators: a module called more than once adds each call's gradient into one .grad */
    add_text (items, FALSE, g_strdup_printf (_("each .grad: the sum of %d calls"), calls));
  for (guint p = 0; p < params->len; p++)
    {
      const NnbStepParameter *param = params->pdata[p];
      g_autofree char *shape = NULL, *size = NULL;

      if (param->grad == NULL)
        {
          add_text (items, FALSE, g_strdup_printf (_("%s.grad is None"), param->name));
          continue;
        }
      if (param->calls != NULL)
        add_calls (items, e, param, block);
      shape = nnb_tensor_shape_string (param->grad);
      size = torch_scalar (nnb_step_explain_norm (param->grad));
      /* Translators: a parameter's gradient: "fc1.weight.grad (16, 3), norm 0.5012" */
      add_text (items, FALSE, g_strdup_printf (_("%s.grad %s, norm %s"), param->name, shape, size));
      if (param->grad->numel <= FULL_VALUES)
        add_text (items, FALSE, torch_numbers (param->grad->data, param->grad->numel));
      else
        add_picture (items, ITEM_SIGNS, NULL, param->grad);
    }
}

/* "fc1.weight[0, 0]": the first element, as PyTorch indexes it */
static char *
first_element (const NnbStepParameter *p)
{
  g_autoptr (GString) out = g_string_new (p->name);

  g_string_append_c (out, '[');
  for (int d = 0; d < p->after->ndim; d++)
    g_string_append (out, d > 0 ? ", 0" : "0");
  g_string_append_c (out, ']');
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
step_card (NnbModel *model, const NnbStepExplain *e, int block, GPtrArray *items)
{
  int calls;
  g_autoptr (GPtrArray) params = block_parameters (model, e, block, &calls);

  for (guint p = 0; p < params->len; p++)
    {
      const NnbStepParameter *param = params->pdata[p];
      g_autofree char *change = NULL, *element = NULL, *before = NULL, *after = NULL;

      if (!param->stepped || param->before == NULL || param->after == NULL || param->after->numel == 0)
        {
          add_text (items, FALSE, g_strdup_printf (_("%s unchanged: no gradient"), param->name));
          continue;
        }
      change = torch_scalar (nnb_step_explain_change (param));
      /* Translators: how far step() moved a parameter: "fc1.weight changed by norm 0.0012" */
      add_text (items, FALSE, g_strdup_printf (_("%s changed by norm %s"), param->name, change));
      element = first_element (param);
      before = float_repr (param->before->data[0]), after = float_repr (param->after->data[0]);
      add_text (items, FALSE, g_strdup_printf ("%s: %s → %s", element, before, after));
    }
}

static void
zero_grad_card (NnbModel *model, const NnbStepExplain *e, int block, GPtrArray *items)
{
  int calls;
  g_autoptr (GPtrArray) params = block_parameters (model, e, block, &calls);

  for (guint p = 0; p < params->len; p++)
    {
      const NnbStepParameter *param = params->pdata[p];
      g_autofree char *shape = NULL, *was = NULL;

      if (param->grad == NULL)
        {
          add_text (items, FALSE, g_strdup_printf (_("%s.grad is None"), param->name));
          continue;
        }
      was = torch_scalar (nnb_step_explain_norm (param->grad));
      if (e->zero_grad_skipped)
        /* Translators: zero_grad skipped: the next backward adds onto this .grad */
        add_text (items, FALSE, g_strdup_printf (_("%s.grad kept (norm %s): the next backward adds to it"), param->name, was));
      else
        {
          shape = nnb_tensor_shape_string (param->grad);
          /* Translators: zero_grad() clears a gradient: "fc1.weight.grad ← 0 (16, 3), was norm 0.5012" */
          add_text (items, FALSE, g_strdup_printf (_("%s.grad ← 0 %s, was norm %s"), param->name, shape, was));
        }
    }
}

/* Item*, for block at stage; NULL when it has none */
static GPtrArray *
card_items (NnbModel *model, const NnbStepExplain *e, NnbExplainStage stage, int block)
{
  GPtrArray *items;

  if (model == NULL || e == NULL || block < 0 || (guint) block >= model->nodes->len)
    return NULL;
  items = g_ptr_array_new_with_free_func ((GDestroyNotify) item_free);
  switch (stage)
    {
    case NNB_EXPLAIN_FORWARD:
      forward_card (model, e, block, items);
      break;
    case NNB_EXPLAIN_LOSS:
      loss_card (model, e, block, items);
      break;
    case NNB_EXPLAIN_BACKWARD:
      backward_card (model, e, block, items);
      break;
    case NNB_EXPLAIN_STEP:
      step_card (model, e, block, items);
      break;
    case NNB_EXPLAIN_ZERO_GRAD:
      zero_grad_card (model, e, block, items);
      break;
    case NNB_EXPLAIN_N_STAGES:
    default:
      break;
    }
  if (items->len == 0)
    g_clear_pointer (&items, g_ptr_array_unref);
  return items;
}

char *
nnb_diagram_explain_describe (NnbModel *model, const NnbStepExplain *explain, NnbExplainStage stage, int block)
{
  g_autoptr (GPtrArray) items = card_items (model, explain, stage, block);
  g_autoptr (GString) out = NULL;

  if (items == NULL)
    return NULL;
  out = g_string_new (NULL);
  for (guint k = 0; k < items->len; k++)
    {
      const Item *item = items->pdata[k];

      if (item->text == NULL)
        continue;
      if (out->len > 0)
        g_string_append_c (out, '\n');
      g_string_append (out, item->text);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Drawing */

/* A sign map's grid: the longer side across, at most SIGN_ROWS rows */
static void
sign_grid (const NnbTensor *t, int64_t *cols, int64_t *rows, gboolean *transposed)
{
  *transposed = t->ndim == 2 && t->shape[0] > t->shape[1];
  if (t->ndim != 2)
    *cols = t->numel, *rows = 1;
  else if (*transposed)
    *cols = t->shape[0], *rows = t->shape[1];
  else
    *cols = t->shape[1], *rows = t->shape[0];
  *rows = MIN (*rows, SIGN_ROWS);
}

/* A cell's width and height: square up to a few lines of text high, then
 * flatter, so that a 16 × 16 weight's map stays a small picture */
static void
sign_cell (const NnbTensor *t, double width, double size, double *cw, double *ch)
{
  int64_t cols, rows;
  gboolean transposed;

  sign_grid (t, &cols, &rows, &transposed);
  *cw = MIN (size * 0.6, width / MAX (1, cols));
  *ch = MIN (*cw, size * 2.5 / rows);
}

static double
item_height (const Item *item, PangoLayout *layout, double width, double size)
{
  int w, h;
  int64_t cols, rows;
  gboolean transposed;
  double cw, ch;

  switch (item->kind)
    {
    case ITEM_TEXT:
    case ITEM_SUMMARY:
      pango_layout_get_pixel_size (layout, &w, &h);
      return h;
    case ITEM_SIGNS:
      sign_grid (item->tensor, &cols, &rows, &transposed);
      sign_cell (item->tensor, width, size, &cw, &ch);
      return rows * ch + 3;
    }
  return 0;
}

static void
draw_histogram (cairo_t *cr, const NnbTensor *t, double x, double y, double width, double height,
                const double rgba[4])
{
  double min = INFINITY, max = -INFINITY, top = 0;
  double bins[HISTOGRAM_BINS] = { 0 };

  for (int64_t i = 0; i < t->numel; i++)
    if (isfinite (t->data[i]))
      min = MIN (min, t->data[i]), max = MAX (max, t->data[i]);
  if (!(max >= min))
    return;
  for (int64_t i = 0; i < t->numel; i++)
    if (isfinite (t->data[i]))
      {
        int b = max > min ? (int) ((t->data[i] - min) / (max - min) * HISTOGRAM_BINS) : HISTOGRAM_BINS / 2;
        bins[CLAMP (b, 0, HISTOGRAM_BINS - 1)]++;
      }
  for (int b = 0; b < HISTOGRAM_BINS; b++)
    top = MAX (top, bins[b]);
  nnb_plot_set_source (cr, rgba, 0.75);
  for (int b = 0; b < HISTOGRAM_BINS; b++)
    {
      double bw = width / HISTOGRAM_BINS, bh = top > 0 ? bins[b] / top * (height - 2) : 0;

      if (bh > 0)
        cairo_rectangle (cr, x + b * bw + bw * 0.1, y + height - 1 - MAX (bh, 1), bw * 0.8, MAX (bh, 1));
    }
  cairo_fill (cr);
  /* the axis the bars stand on */
  cairo_set_line_width (cr, 0.8);
  cairo_move_to (cr, x, y + height - 0.5);
  cairo_line_to (cr, x + width, y + height - 0.5);
  cairo_stroke (cr);
}

/* + filled, − hollow, 0 faint: readable in one colour */
static void
draw_signs (cairo_t *cr, const NnbTensor *t, double x, double y, double width, double size, const double rgba[4])
{
  int64_t cols, rows;
  gboolean transposed;
  double cw, ch;

  sign_grid (t, &cols, &rows, &transposed);
  sign_cell (t, width, size, &cw, &ch);
  cairo_set_line_width (cr, MAX (0.4, MIN (cw, ch) * 0.15));
  for (int64_t r = 0; r < rows; r++)
    for (int64_t c = 0; c < cols; c++)
      {
        int64_t k = t->ndim != 2 ? c : transposed ? c * t->shape[1] + r
                                                  : r * t->shape[1] + c;
        float v = t->data[k];
        double ix = MAX (0.3, cw * 0.12), iy = MAX (0.3, ch * 0.12);

        cairo_rectangle (cr, x + c * cw + ix, y + r * ch + iy, cw - 2 * ix, ch - 2 * iy);
        if (v > 0)
          nnb_plot_set_source (cr, rgba, 0.9), cairo_fill (cr);
        else if (v < 0)
          nnb_plot_set_source (cr, rgba, 0.9), cairo_stroke (cr);
        else
          nnb_plot_set_source (cr, rgba, 0.2), cairo_fill (cr);
      }
}

/* A card laid out: its items' layouts and heights, and its size */
typedef struct
{
  GPtrArray *layouts; /* PangoLayout*, one per item */
  double *heights;
  double width, height, inner;
} CardLayout;

static void
card_layout_clear (CardLayout *c)
{
  g_clear_pointer (&c->layouts, g_ptr_array_unref);
  g_clear_pointer (&c->heights, g_free);
}

static void
layout_card (cairo_t *cr, const NnbPlotStyle *style, const Box *box, GPtrArray *items, double size, CardLayout *c)
{
  c->width = MAX (box->w, CARD_WIDTH);
  c->inner = c->width - 2 * CARD_PAD - 2;
  c->height = 2 * CARD_PAD;
  c->layouts = g_ptr_array_new_with_free_func (g_object_unref);
  c->heights = g_new0 (double, MAX (items->len, 1));
  for (guint k = 0; k < items->len; k++)
    {
      const Item *item = items->pdata[k];
      g_autofree char *lines = NULL;
      PangoLayout *layout;
      double width = c->inner;

      /* a summary reads down, beside its histogram */
      if (item->kind == ITEM_SUMMARY)
        {
          g_auto (GStrv) parts = g_strsplit (item->text, ", ", -1);

          lines = g_strjoinv ("\n", parts);
          if (item->tensor != NULL)
            width = c->inner * 0.7;
        }
      layout = nnb_plot_style_make_layout (cr, style, lines != NULL ? lines : item->text != NULL ? item->text
                                                                                                 : "",
                                           size, item->strong);
      pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
      pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
      g_ptr_array_add (c->layouts, layout);
      c->heights[k] = item_height (item, layout, c->inner, size);
      c->height += c->heights[k] + 1;
    }
}

/* A card whose top-left corner is at x, y */
static void
draw_card_at (cairo_t *cr, const NnbPlotStyle *style, const CardLayout *c, GPtrArray *items, double x, double y,
              double size, const double rgba[4])
{
  double at;
  Box plate;

  plate = (Box){ x, y, c->width, c->height };
  nnb_dg_rounded_rectangle (cr, &plate, 4);
  nnb_dg_set_paper (cr, style, 0.94);
  cairo_fill_preserve (cr);
  nnb_plot_set_source (cr, rgba, 0.08);
  cairo_fill_preserve (cr);
  nnb_plot_set_source (cr, rgba, 0.9);
  cairo_set_line_width (cr, MAX (1.0, style->line_width * 0.8));
  cairo_stroke (cr);
  /* the stage's colour down the left edge */
  cairo_rectangle (cr, x + 1, y + 3, 2, c->height - 6);
  cairo_fill (cr);

  at = y + CARD_PAD;
  for (guint k = 0; k < items->len; k++)
    {
      const Item *item = items->pdata[k];
      PangoLayout *layout = c->layouts->pdata[k];
      double h = c->heights[k], left = x + CARD_PAD + 2;

      switch (item->kind)
        {
        case ITEM_TEXT:
        case ITEM_SUMMARY:
          nnb_plot_set_source (cr, style->foreground, item->strong ? 1.0 : 0.9);
          cairo_move_to (cr, left, at);
          pango_cairo_show_layout (cr, layout);
          if (item->kind == ITEM_SUMMARY && item->tensor != NULL)
            draw_histogram (cr, item->tensor, left + c->inner * 0.72, at + h * 0.15, c->inner * 0.28, h * 0.8, rgba);
          break;
        case ITEM_SIGNS:
          draw_signs (cr, item->tensor, left, at + 1, c->inner, size, rgba);
          break;
        }
      at += h + 1;
    }
}

static void
draw_card (cairo_t *cr, const NnbPlotStyle *style, const Box *box, GPtrArray *items, double size,
           const double rgba[4])
{
  CardLayout c = { 0 };

  layout_card (cr, style, box, items, size, &c);
  draw_card_at (cr, style, &c, items, box->x, box->y + box->h + CARD_GAP, size, rgba);
  card_layout_clear (&c);
}

/* Loss: all but the output and the block feeding it under a veil, the
 * prediction's wire drawn strong */
static void
dim_for_loss (cairo_t *cr, NnbModel *model, const Box *boxes, const NnbStepExplain *e, const NnbPlotStyle *style)
{
  const NnbStepWire *pred = nnb_step_explain_prediction (e);
  NnbNode *out;
  double x0, y0, x1, y1;

  if (pred == NULL || pred->node < 0 || (guint) pred->node >= model->nodes->len)
    return;
  out = nnb_model_get_node (model, pred->node);
  cairo_clip_extents (cr, &x0, &y0, &x1, &y1);
  cairo_save (cr);
  cairo_rectangle (cr, x0, y0, x1 - x0, y1 - y0);
  for (int s = -1; s < out->n_inputs; s++)
    {
      int i = s < 0 ? pred->node : out->inputs[s];
      Box hole;

      if (i < 0)
        continue;
      hole = (Box){ boxes[i].x - 4, boxes[i].y - 4, boxes[i].w + 8, boxes[i].h + 8 };
      nnb_dg_rounded_rectangle (cr, &hole, 8);
    }
  cairo_set_fill_rule (cr, CAIRO_FILL_RULE_EVEN_ODD);
  nnb_dg_set_paper (cr, style, 0.6);
  cairo_fill (cr);
  cairo_restore (cr);

  if (out->n_inputs > 0 && out->inputs[0] >= 0)
    {
      double ax, ay, bx, by, dx;

      nnb_dg_port_of (&boxes[out->inputs[0]], 1, -1, &ax, &ay);
      nnb_dg_port_of (&boxes[pred->node], out->n_inputs, 0, &bx, &by);
      dx = bx >= ax ? MAX (30.0, (bx - ax) / 2) : 40.0;
      nnb_plot_set_source (cr, style->accent, 1.0);
      cairo_set_line_width (cr, MAX (1.5, style->line_width) * 3);
      cairo_move_to (cr, ax, ay);
      cairo_curve_to (cr, ax + dx, ay, bx - dx, by, bx, by);
      cairo_stroke (cr);
    }
}

gboolean
nnb_diagram_explain_readable (const NnbPlotStyle *style, double zoom)
{
  return nnb_diagram_label_size (style, zoom) * zoom >= MIN_CARD_PX;
}

/* A line in the canvas's top-left corner, at the UI's caption size */
static void
draw_hint (cairo_t *cr, const NnbPlotStyle *style, const char *text, double x, double y)
{
  g_autoptr (PangoLayout) layout = nnb_plot_style_make_layout (cr, style, text, MAX (11.0, style->font_size * 0.82),
                                                               FALSE);
  int w, h;
  Box plate;

  pango_layout_get_pixel_size (layout, &w, &h);
  plate = (Box){ x, y, w + 12, h + 6 };
  nnb_dg_rounded_rectangle (cr, &plate, 4);
  nnb_dg_set_paper (cr, style, 0.94);
  cairo_fill (cr);
  nnb_plot_set_source (cr, style->foreground, 0.8);
  cairo_move_to (cr, x + 6, y + 3);
  pango_cairo_show_layout (cr, layout);
}

/* Where the chosen block's card covers the least of the other blocks:
 * under it, above it, right or left of it, inside the area (x0…y1); in
 * the card's units (zc pixels each). */
static void
place_detail (NnbModel *model, const Box *boxes, double zoom, double origin_x, double origin_y, int detail, double zc,
              const CardLayout *c, double x0, double y0, double x1, double y1, double *cx, double *cy)
{
  double k = zoom / zc, best = INFINITY;
  Box b = { (boxes[detail].x - origin_x) * k, (boxes[detail].y - origin_y) * k, boxes[detail].w * k,
            boxes[detail].h * k };
  const double at[4][2] = {
    { b.x, b.y + b.h + CARD_GAP },
    { b.x, b.y - CARD_GAP - c->height },
    { b.x + b.w + CARD_GAP, b.y },
    { b.x - CARD_GAP - c->width, b.y },
  };

  *cx = x0 + 4, *cy = y0 + 4;
  for (int p = 0; p < 4; p++)
    {
      double x = MAX (x0 + 4, MIN (at[p][0], x1 - c->width - 4));
      double y = MAX (y0 + 4, MIN (at[p][1], y1 - c->height - 4));
      double covered = 0;

      for (guint i = 0; i < model->nodes->len; i++)
        {
          double bx = (boxes[i].x - origin_x) * k, by = (boxes[i].y - origin_y) * k;
          double w = MIN (x + c->width, bx + boxes[i].w * k) - MAX (x, bx);
          double h = MIN (y + c->height, by + boxes[i].h * k) - MAX (y, by);

          /* its own block most of all */
          if (w > 0 && h > 0)
            covered += w * h * ((int) i == detail ? 4 : 1);
        }
      if (covered < best)
        best = covered, *cx = x, *cy = y;
    }
}

/* Too small a view for every card: the chosen block's card alone, at a
 * size anyone reads, under the block (above it where there is no room),
 * inside the area; or a line saying how to choose one. In the area's own
 * units (pixels), not the diagram's. */
static void
draw_detail (cairo_t *cr, NnbModel *model, const Box *boxes, double zoom, double origin_x, double origin_y,
             const NnbStepExplain *explain, NnbExplainStage stage, int detail, const NnbPlotStyle *style,
             const double rgba[4])
{
  g_autoptr (GPtrArray) items = NULL;
  const NnbStepWire *pred = nnb_step_explain_prediction (explain);
  double x0, y0, x1, y1, zc, cx, cy;
  CardLayout c = { 0 };
  Box like;

  cairo_clip_extents (cr, &x0, &y0, &x1, &y1);
  if (detail >= 0)
    items = card_items (model, explain, stage, detail);
  /* the loss has one card: the output's */
  if (items == NULL && stage == NNB_EXPLAIN_LOSS && pred != NULL)
    items = card_items (model, explain, stage, detail = pred->node);
  if (items == NULL)
    {
      draw_hint (cr, style, _("Select a block to read its numbers"), x0 + 8, y0 + 8);
      return;
    }
  /* the card's units: DETAIL_SIZE of them make the UI's caption */
  zc = MAX (MIN_CARD_PX + 1.5, style->font_size * 0.82) / DETAIL_SIZE;

  cairo_save (cr);
  cairo_scale (cr, zc, zc);
  /* wider than the cards under every block: it has the room */
  like = (Box){ 0, 0, MIN (DETAIL_WIDTH, (x1 - x0) / zc - 8), 0 };
  layout_card (cr, style, &like, items, DETAIL_SIZE, &c);
  place_detail (model, boxes, zoom, origin_x, origin_y, detail, zc, &c, x0 / zc, y0 / zc, x1 / zc, y1 / zc, &cx, &cy);
  draw_card_at (cr, style, &c, items, cx, cy, DETAIL_SIZE, rgba);
  card_layout_clear (&c);
  cairo_restore (cr);
}

void
nnb_diagram_explain_draw (cairo_t *cr, NnbModel *model, const NnbBlockPosition *positions,
                          const NnbDiagramOpen *expanded, double zoom, double origin_x, double origin_y,
                          const NnbStepExplain *explain, NnbExplainStage stage, int detail,
                          const NnbPlotStyle *style)
{
  g_autofree Box *boxes = NULL;
  double rgba[4], size;
  gboolean readable;

  g_return_if_fail (cr != NULL && style != NULL);
  if (model == NULL || explain == NULL || model->nodes->len == 0 || zoom <= 0)
    return;

  boxes = nnb_dg_compute_boxes (model, positions, expanded);
  /* the size of the shapes on the wires: readable as they are, and larger
   * in presentation mode */
  size = nnb_diagram_label_size (style, zoom);
  readable = nnb_diagram_explain_readable (style, zoom);
  /* values in the accent, gradients in the first series colour */
  if (stage == NNB_EXPLAIN_BACKWARD || stage == NNB_EXPLAIN_ZERO_GRAD)
    nnb_plot_series_color (style, 1, rgba);
  else
    memcpy (rgba, style->accent, sizeof rgba);

  cairo_save (cr);
  cairo_scale (cr, zoom, zoom);
  cairo_translate (cr, -origin_x, -origin_y);
  if (stage == NNB_EXPLAIN_LOSS)
    dim_for_loss (cr, model, boxes, explain, style);
  for (guint i = 0; i < model->nodes->len; i++)
    {
      g_autoptr (GPtrArray) items = card_items (model, explain, stage, i);

      if (items == NULL)
        continue;
      if (readable)
        draw_card (cr, style, &boxes[i], items, size, rgba);
      else
        {
          /* a tab under the block: it has a card, shown when chosen */
          Box tab = { boxes[i].x + 6, boxes[i].y + boxes[i].h - 1, MIN (30.0, boxes[i].w - 12), 5 };

          nnb_dg_rounded_rectangle (cr, &tab, 2);
          nnb_plot_set_source (cr, rgba, (int) i == detail ? 1.0 : 0.8);
          cairo_fill (cr);
        }
    }
  cairo_restore (cr);
  if (!readable)
    draw_detail (cr, model, boxes, zoom, origin_x, origin_y, explain, stage, detail, style, rgba);
}

void
nnb_diagram_explain_bounds (NnbModel *model, const NnbBlockPosition *positions, const NnbDiagramOpen *expanded,
                            const NnbStepExplain *explain, NnbExplainStage stage, const NnbPlotStyle *style,
                            double size, double bounds[4])
{
  g_autofree Box *boxes = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;

  g_return_if_fail (model != NULL && style != NULL);
  nnb_diagram_bounds (model, positions, expanded, bounds);
  if (explain == NULL || model->nodes->len == 0)
    return;
  boxes = nnb_dg_compute_boxes (model, positions, expanded);
  /* text is measured, not drawn */
  surface = cairo_image_surface_create (CAIRO_FORMAT_A8, 1, 1);
  cr = cairo_create (surface);
  for (int s = 0; s < NNB_EXPLAIN_N_STAGES; s++)
    for (guint i = 0; i < model->nodes->len; i++)
      {
        g_autoptr (GPtrArray) items = NULL;
        CardLayout c = { 0 };
        double top = boxes[i].y + boxes[i].h + CARD_GAP;

        if ((stage != NNB_EXPLAIN_N_STAGES && s != (int) stage) ||
            (items = card_items (model, explain, s, i)) == NULL)
          continue;
        layout_card (cr, style, &boxes[i], items, size, &c);
        bounds[0] = MIN (bounds[0], boxes[i].x);
        bounds[2] = MAX (bounds[2], boxes[i].x + c.width);
        bounds[3] = MAX (bounds[3], top + c.height);
        card_layout_clear (&c);
      }
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

void
nnb_diagram_explain_fit (int width, int height, NnbModel *model, const NnbBlockPosition *positions,
                         const NnbDiagramOpen *expanded, const NnbStepExplain *explain, const NnbPlotStyle *style,
                         double type_scale, double *zoom, double *origin_x, double *origin_y)
{
  double most, margin = MIN (24.0, 0.04 * MIN (width, height));

  g_return_if_fail (model != NULL && style != NULL);
  nnb_diagram_fit (width, height, model, positions, expanded, type_scale, zoom, origin_x, origin_y);
  if (explain == NULL || model->nodes->len == 0 || width <= 0 || height <= 0)
    return;
  most = *zoom;
  /* the cards' text size follows the zoom: twice is close enough */
  for (int pass = 0; pass < 2; pass++)
    {
      double b[4], z;

      nnb_diagram_explain_bounds (model, positions, expanded, explain, NNB_EXPLAIN_N_STAGES, style,
                                  nnb_diagram_label_size (style, *zoom), b);
      z = MIN ((width - 2 * margin) / MAX (1.0, b[2] - b[0]), (height - 2 * margin) / MAX (1.0, b[3] - b[1]));
      *zoom = z = CLAMP (z, 0.05, most);
      *origin_x = b[0] - (width - (b[2] - b[0]) * z) / 2 / z;
      *origin_y = b[1] - (height - (b[3] - b[1]) * z) / 2 / z;
    }
  /* no room for every card at a size anyone reads: the blocks as large as
   * without them, and one card at a time (nnb_diagram_explain_draw) */
  if (!nnb_diagram_explain_readable (style, *zoom))
    {
      double z, ox, oy;

      nnb_diagram_fit (width, height, model, positions, expanded, type_scale, &z, &ox, &oy);
      if (!nnb_diagram_explain_readable (style, z))
        *zoom = z, *origin_x = ox, *origin_y = oy;
    }
}
