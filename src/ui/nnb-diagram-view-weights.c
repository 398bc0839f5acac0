/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-diagram-view-weights.c — the diagram editor's weights view: the
 * editor.show-weights toggle, the values each small Linear is drawn with,
 * and the read-out under the pointer ("fc1.weight[2, 0] = −1.20", or a
 * unit's formula). The picture is nnb-diagram-weights.c's.
 *
 * Where the values come from: the model, except while the trainer runs,
 * when the model is its worker's (nnb-document.h) and the values are the
 * copy the trainer publishes on request. The window hands the view a
 * snapshot a few times a second; the view asks for a copy at most every
 * REQUEST_US from there, never from a frame. */
#include "nnb-config.h"

#include "nnb-diagram-view-private.h"
#include "nnb-diagram-weights.h"
#include "nnb-ui-test-access.h" /* defines some of these */

#define REQUEST_US (G_USEC_PER_SEC / 4) /* values four times a second: the lines move, frames stay cheap */
#define TOLERANCE_PX 3.0                /* how close to a line the pointer must come */

static NnbModule *
linear_of (NnbModel *model, guint block)
{
  NnbNode *node = g_ptr_array_index (model->nodes, block);
  NnbModule *module = node->kind == NNB_NODE_CALL ? nnb_model_get_module (model, node->module) : NULL;

  return module != NULL && module->kind == NNB_MODULE_LINEAR ? module : NULL;
}

gboolean
nnb_dv_is_linear_block (NnbDiagramView *self, guint block)
{
  NnbGraphModule *module = nnb_graph_block_module (self->graph, block);

  return module != NULL && module->kind == NNB_MODULE_LINEAR;
}

/* The published copy of parameter `name`, or NULL. */
static NnbTensor *
snapshot_value (NnbSnapshot *snapshot, const char *name)
{
  if (snapshot == NULL || snapshot->values == NULL || snapshot->parameters == NULL)
    return NULL;
  for (guint p = 0; p < snapshot->parameters->len && p < snapshot->values->len; p++)
    if (g_str_equal (g_array_index (snapshot->parameters, NnbParameterStats, p).name, name))
      return g_ptr_array_index (snapshot->values, p);
  return NULL;
}

/* Copies parameter `module.local` (numel floats) into dst: FALSE when
 * there is no such value of that size. */
static gboolean
read_value (NnbDiagramView *self, NnbModel *model, gboolean training, const char *module, const char *local,
            int64_t numel, float *dst)
{
  g_autofree char *name = g_strdup_printf ("%s.%s", module, local);
  NnbTensor *value;

  if (training)
    value = snapshot_value (self->weights_snapshot, name);
  else
    {
      NnbParameter *param = nnb_model_get_parameter (model, name);

      value = param != NULL ? param->value : NULL;
    }
  if (value == NULL || value->numel != numel)
    return FALSE;
  nnb_tensor_read (value, dst);
  return TRUE;
}

void
nnb_dv_update_weights (NnbDiagramView *self)
{
  NnbModel *model = nnb_dv_shown_model (self);
  gboolean training;
  gsize n_floats = 0, at = 0;

  g_clear_pointer (&self->weights, g_free);
  g_clear_pointer (&self->weight_values, g_free);
  if (!self->show_weights || model == NULL || model->nodes->len == 0)
    return;

  training = nnb_document_is_training (self->document);
  for (guint i = 0; i < model->nodes->len; i++)
    {
      NnbModule *linear = linear_of (model, i);

      if (linear != NULL && nnb_diagram_weights_fit (linear->in_features, linear->out_features))
        n_floats += (linear->in_features + 1) * linear->out_features;
    }
  /* A few 16 × 16 layers at most: copied for each frame rather than kept
   * in step with every change of the model. */
  self->weights = g_new0 (NnbDiagramWeights, model->nodes->len);
  self->weight_values = g_new (float, MAX (n_floats, 1));
  for (guint i = 0; i < model->nodes->len; i++)
    {
      NnbModule *linear = linear_of (model, i);
      NnbDiagramWeights *w = &self->weights[i];
      float *weight = self->weight_values + at, *bias;

      if (linear == NULL || !nnb_diagram_weights_fit (linear->in_features, linear->out_features))
        continue;
      w->name = ((NnbNode *) g_ptr_array_index (model->nodes, i))->module;
      w->in_features = linear->in_features, w->out_features = linear->out_features;
      bias = weight + linear->in_features * linear->out_features;
      at += (linear->in_features + 1) * linear->out_features;
      if (!read_value (self, model, training, w->name, "weight", linear->in_features * linear->out_features, weight))
        continue;
      w->weight = weight;
      w->bias = read_value (self, model, training, w->name, "bias", linear->out_features, bias) ? bias : NULL;
    }
}

/* Whether any block is drawn with its weights: only then are values worth a copy. */
static gboolean
any_drawn (NnbDiagramView *self)
{
  if (!self->show_weights || self->graph == NULL)
    return FALSE;
  for (guint i = 0; i < self->graph->blocks->len; i++)
    {
      NnbGraphModule *module = nnb_graph_block_module (self->graph, i);

      if (module != NULL && module->kind == NNB_MODULE_LINEAR &&
          nnb_diagram_weights_fit (module->in_features, module->out_features))
        return TRUE;
    }
  return FALSE;
}

static void
request_values (NnbDiagramView *self)
{
  NnbTrainer *trainer = self->document != NULL ? nnb_document_get_trainer (self->document) : NULL;
  gint64 now = g_get_monotonic_time ();

  if (trainer == NULL || !any_drawn (self) || now - self->weights_asked_us < REQUEST_US)
    return;
  self->weights_asked_us = now;
  nnb_trainer_request_values (trainer);
}

void
nnb_dv_weights_follow_snapshot (NnbDiagramView *self, NnbSnapshot *snapshot)
{
  if (snapshot == NULL)
    g_clear_pointer (&self->weights_snapshot, nnb_snapshot_unref);
  else if (snapshot->values != NULL &&
           (self->weights_snapshot == NULL || self->weights_snapshot->values != snapshot->values))
    {
      g_clear_pointer (&self->weights_snapshot, nnb_snapshot_unref);
      self->weights_snapshot = nnb_snapshot_ref (snapshot);
      if (self->show_weights)
        gtk_widget_queue_draw (GTK_WIDGET (self));
    }
  if (snapshot != NULL && snapshot->state == NNB_TRAINER_RUNNING)
    request_values (self);
}

void
nnb_dv_set_show_weights (NnbDiagramView *self, gboolean show)
{
  self->show_weights = show;
  if (show)
    request_values (self);
  else
    {
      g_clear_pointer (&self->weights, g_free);
      g_clear_pointer (&self->weight_values, g_free);
    }
  /* the Linears grow: a fitted view fits them again */
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* The block drawn with its weights at diagram point (dx, dy) and its
 * rectangle, or -1. */
static int
weights_block_at (NnbDiagramView *self, NnbModel *model, double dx, double dy, double rect[4])
{
  g_autoptr (GArray) where = NULL;
  g_autofree NnbDiagramOpen *expanded = NULL;
  NnbModule *linear;
  int block = nnb_dv_block_at (self, dx, dy);

  if (block < 0 || (linear = linear_of (model, block)) == NULL)
    return -1;
  where = nnb_dv_positions (self);
  expanded = nnb_dv_expanded (self);
  nnb_diagram_block_rect (model, (const NnbBlockPosition *) where->data, expanded, block, rect);
  return block;
}

/* The read-out at widget point (x, y): a weight's value on its line, a
 * unit's formula on its dot, and on a Linear too large to draw, why it
 * is not drawn; NULL elsewhere. */
static char *
readout_at (NnbDiagramView *self, double x, double y)
{
  NnbModel *model = nnb_dv_shown_model (self);
  NnbModule *linear;
  const NnbDiagramWeights *w;
  double dx, dy, zoom, ox, oy, rect[4];
  int block, out = -1, in = -1;

  if (!self->show_weights || model == NULL)
    return NULL;
  nnb_dv_to_diagram (self, x, y, &dx, &dy);
  if ((block = weights_block_at (self, model, dx, dy, rect)) < 0)
    return NULL;
  linear = linear_of (model, block);
  if (!nnb_diagram_weights_fit (linear->in_features, linear->out_features))
    /* as nn.Linear's weight is shaped: out × in */
    return g_strdup_printf (_("%d×%d: too many weights to draw"), (int) linear->out_features,
                            (int) linear->in_features);

  nnb_dv_update_weights (self);
  if (self->weights == NULL || self->weights[block].weight == NULL)
    return NULL;
  w = &self->weights[block];
  nnb_dv_transform (self, &zoom, &ox, &oy);
  switch (nnb_diagram_weights_hit (rect, w, dx, dy, TOLERANCE_PX / zoom, &out, &in))
    {
    case NNB_DIAGRAM_WEIGHTS_LINE:
      return nnb_diagram_weights_value_text (w, out, in);
    case NNB_DIAGRAM_WEIGHTS_OUTPUT:
      return nnb_diagram_weights_formula (w, out);
    case NNB_DIAGRAM_WEIGHTS_INPUT:
      return nnb_diagram_weights_input_name (in);
    case NNB_DIAGRAM_WEIGHTS_NONE:
    default:
      return NULL;
    }
}

static gboolean
query_tooltip_cb (NnbDiagramView *self, int x, int y, gboolean keyboard, GtkTooltip *tooltip, gpointer user_data)
{
  g_autofree char *text = NULL;
  GdkRectangle area = { x - 1, y - 1, 3, 3 };

  g_assert (NNB_IS_DIAGRAM_VIEW (self));

  if (keyboard || self->drag != DRAG_NONE || (text = readout_at (self, x, y)) == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  /* a tip as small as the pointer: the next line over has its own */
  gtk_tooltip_set_tip_area (tooltip, &area);
  return TRUE;
}

char *
nnb_diagram_view_get_weights_readout (NnbDiagramView *self, double x, double y)
{
  g_return_val_if_fail (NNB_IS_DIAGRAM_VIEW (self), NULL);
  return readout_at (self, x, y);
}

gboolean
nnb_diagram_view_get_weight_dot (NnbDiagramView *self, int block, gboolean output, int k, double *x, double *y)
{
  NnbModel *model = nnb_dv_shown_model (self);
  double r[4], dx, dy;

  g_return_val_if_fail (NNB_IS_DIAGRAM_VIEW (self), FALSE);
  if (model == NULL || block < 0 || (guint) block >= model->nodes->len || linear_of (model, block) == NULL)
    return FALSE;
  nnb_dv_update_weights (self);
  if (self->weights == NULL || self->weights[block].in_features == 0)
    return FALSE;
  {
    g_autoptr (GArray) where = nnb_dv_positions (self);
    g_autofree NnbDiagramOpen *expanded = nnb_dv_expanded (self);

    nnb_diagram_block_rect (model, (const NnbBlockPosition *) where->data, expanded, block, r);
  }
  nnb_diagram_weights_dot (r, &self->weights[block], output, k, &dx, &dy);
  nnb_dv_to_widget (self, dx, dy, x, y);
  return TRUE;
}

void
nnb_dv_weights_init (NnbDiagramView *self)
{
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (query_tooltip_cb), NULL);
}

void
nnb_dv_weights_class_init (GtkWidgetClass *widget_class)
{
  /* stateful, so a menu shows a check and a toggle button follows it */
  gtk_widget_class_install_property_action (widget_class, "editor.show-weights", "show-weights");
}

void
nnb_dv_weights_dispose (NnbDiagramView *self)
{
  g_clear_pointer (&self->weights, g_free);
  g_clear_pointer (&self->weight_values, g_free);
  g_clear_pointer (&self->weights_snapshot, nnb_snapshot_unref);
}
