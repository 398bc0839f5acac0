/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-parameter-row.c — a row of the parameter tree, as GObject properties
 * that the tree's cells bind to. */
#include "nnb-config.h"

#include <math.h>

#include "nnb-locale-format.h"
#include "nnb-parameter-row.h"

struct _NnbParameterRow
{
  GObject parent_instance;

  char *name;  /* dotted, as PyTorch names it */
  char *shape; /* "(16, 3)" for a parameter, the module's kind for a module */
  gint64 count;
  NnbParameter *param;  /* NULL for a module or a buffer */
  NnbBuffer *buffer;    /* NULL for a module or a parameter */
  GListStore *children; /* NULL for a parameter */
  double value_norm;
  double grad_norm;
  gboolean editable;
};

G_DEFINE_FINAL_TYPE (NnbParameterRow, nnb_parameter_row, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_NAME,
  PROP_SHAPE,
  PROP_COUNT_TEXT,
  PROP_IS_PARAMETER,
  PROP_IS_BUFFER,
  PROP_REQUIRES_GRAD,
  PROP_EDITABLE,
  PROP_VALUE_NORM_TEXT,
  PROP_GRAD_NORM_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* named_parameters()'s names: a bare module (nn.Linear(1, 1) as the whole
 * model) is named "", so its parameters are plain weight and bias. */
static void
append_module_children (NnbParameterRow *self, const char *prefix, NnbModule *module)
{
  if (module->children != NULL)
    for (guint i = 0; i < module->children->len; i++)
      {
        g_autofree char *name = prefix[0] ? g_strdup_printf ("%s.%u", prefix, i) : g_strdup_printf ("%u", i);
        g_autoptr (NnbParameterRow) row = nnb_parameter_row_new_module (name, module->children->pdata[i]);

        g_list_store_append (self->children, row);
      }

  for (guint i = 0; i < module->parameters->len; i++)
    {
      NnbParameter *param = module->parameters->pdata[i];
      g_autofree char *name = prefix[0] ? g_strdup_printf ("%s.%s", prefix, param->name) : g_strdup (param->name);
      g_autoptr (NnbParameterRow) row = nnb_parameter_row_new_parameter (name, param);

      g_list_store_append (self->children, row);
    }
  /* state_dict()'s order: a module's parameters, then its buffers */
  for (guint i = 0; module->buffers != NULL && i < module->buffers->len; i++)
    {
      NnbBuffer *buffer = module->buffers->pdata[i];
      g_autofree char *name = prefix[0] ? g_strdup_printf ("%s.%s", prefix, buffer->name) : g_strdup (buffer->name);
      g_autoptr (NnbParameterRow) row = nnb_parameter_row_new_buffer (name, buffer);

      g_list_store_append (self->children, row);
    }
}

NnbParameterRow *
nnb_parameter_row_new_module (const char *name, NnbModule *module)
{
  NnbParameterRow *self = g_object_new (NNB_TYPE_PARAMETER_ROW, NULL);

  self->name = g_strdup (name);
  self->shape = g_strdup (nnb_module_kind_to_string (module->kind));
  self->count = nnb_module_count_parameters (module);
  self->children = g_list_store_new (NNB_TYPE_PARAMETER_ROW);
  append_module_children (self, name, module);

  return self;
}

NnbParameterRow *
nnb_parameter_row_new_parameter (const char *name, NnbParameter *param)
{
  NnbParameterRow *self = g_object_new (NNB_TYPE_PARAMETER_ROW, NULL);

  self->name = g_strdup (name);
  self->shape = nnb_tensor_shape_string (param->value);
  self->count = param->value->numel;
  self->param = param;

  return self;
}

NnbParameterRow *
nnb_parameter_row_new_buffer (const char *name, NnbBuffer *buffer)
{
  NnbParameterRow *self = g_object_new (NNB_TYPE_PARAMETER_ROW, NULL);

  self->name = g_strdup (name);
  /* num_batches_tracked is torch.tensor(0, dtype=torch.long): one value,
   * no dimensions, not a float */
  self->shape = buffer->value != NULL ? nnb_tensor_shape_string (buffer->value) : g_strdup ("() int64");
  self->count = buffer->value != NULL ? buffer->value->numel : 1;
  self->buffer = buffer;

  return self;
}

GListModel *
nnb_parameter_row_get_children (NnbParameterRow *self)
{
  g_return_val_if_fail (NNB_IS_PARAMETER_ROW (self), NULL);
  return self->children != NULL ? G_LIST_MODEL (self->children) : NULL;
}

gboolean
nnb_parameter_row_is_parameter (NnbParameterRow *self)
{
  g_return_val_if_fail (NNB_IS_PARAMETER_ROW (self), FALSE);
  return self->param != NULL;
}

gboolean
nnb_parameter_row_is_buffer (NnbParameterRow *self)
{
  g_return_val_if_fail (NNB_IS_PARAMETER_ROW (self), FALSE);
  return self->buffer != NULL;
}

const char *
nnb_parameter_row_get_shape (NnbParameterRow *self)
{
  g_return_val_if_fail (NNB_IS_PARAMETER_ROW (self), NULL);
  return self->shape;
}

const char *
nnb_parameter_row_get_name (NnbParameterRow *self)
{
  g_return_val_if_fail (NNB_IS_PARAMETER_ROW (self), NULL);
  return self->name;
}

gint64
nnb_parameter_row_get_count (NnbParameterRow *self)
{
  g_return_val_if_fail (NNB_IS_PARAMETER_ROW (self), 0);
  return self->count;
}

void
nnb_parameter_row_set_norms (NnbParameterRow *self, double value_norm, double grad_norm)
{
  g_return_if_fail (NNB_IS_PARAMETER_ROW (self));

  /* Notifying only on change keeps an idle tree from relabelling itself
   * sixty times a second. */
  if (self->value_norm != value_norm && !(isnan (self->value_norm) && isnan (value_norm)))
    {
      self->value_norm = value_norm;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VALUE_NORM_TEXT]);
    }
  if (self->grad_norm != grad_norm && !(isnan (self->grad_norm) && isnan (grad_norm)))
    {
      self->grad_norm = grad_norm;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GRAD_NORM_TEXT]);
    }
}

void
nnb_parameter_row_set_editable (NnbParameterRow *self, gboolean editable)
{
  g_return_if_fail (NNB_IS_PARAMETER_ROW (self));

  editable = !!editable && self->param != NULL;
  if (self->editable == editable)
    return;
  self->editable = editable;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EDITABLE]);
}

static char *
format_norm (double v)
{
  if (isnan (v))
    return g_strdup ("—");
  return nnb_locale_strdup_printf ("%.4g", v);
}

static void
nnb_parameter_row_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  NnbParameterRow *self = NNB_PARAMETER_ROW (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_SHAPE:
      g_value_set_string (value, self->shape);
      break;
    case PROP_COUNT_TEXT:
      g_value_take_string (value, nnb_locale_format_count (self->count));
      break;
    case PROP_IS_PARAMETER:
      g_value_set_boolean (value, self->param != NULL);
      break;
    case PROP_IS_BUFFER:
      g_value_set_boolean (value, self->buffer != NULL);
      break;
    case PROP_REQUIRES_GRAD:
      g_value_set_boolean (value, self->param != NULL && self->param->requires_grad);
      break;
    case PROP_EDITABLE:
      g_value_set_boolean (value, self->editable);
      break;
    case PROP_VALUE_NORM_TEXT:
      g_value_take_string (value, self->param != NULL ? format_norm (self->value_norm) : g_strdup (""));
      break;
    case PROP_GRAD_NORM_TEXT:
      g_value_take_string (value, self->param != NULL ? format_norm (self->grad_norm) : g_strdup (""));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nnb_parameter_row_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  NnbParameterRow *self = NNB_PARAMETER_ROW (object);

  switch (prop_id)
    {
    case PROP_REQUIRES_GRAD:
      /* The switch is insensitive while training: the worker owns the
       * model then (nnb-document.h). */
      if (self->param != NULL && self->editable && self->param->requires_grad != g_value_get_boolean (value))
        {
          self->param->requires_grad = g_value_get_boolean (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nnb_parameter_row_finalize (GObject *object)
{
  NnbParameterRow *self = NNB_PARAMETER_ROW (object);

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->shape, g_free);
  g_clear_object (&self->children);

  G_OBJECT_CLASS (nnb_parameter_row_parent_class)->finalize (object);
}

static void
nnb_parameter_row_class_init (NnbParameterRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = nnb_parameter_row_finalize;
  object_class->get_property = nnb_parameter_row_get_property;
  object_class->set_property = nnb_parameter_row_set_property;

  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, ro);
  properties[PROP_SHAPE] = g_param_spec_string ("shape", NULL, NULL, NULL, ro);
  properties[PROP_COUNT_TEXT] = g_param_spec_string ("count-text", NULL, NULL, NULL, ro);
  properties[PROP_IS_PARAMETER] = g_param_spec_boolean ("is-parameter", NULL, NULL, FALSE, ro);
  properties[PROP_IS_BUFFER] = g_param_spec_boolean ("is-buffer", NULL, NULL, FALSE, ro);
  properties[PROP_REQUIRES_GRAD] =
    g_param_spec_boolean ("requires-grad", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_EDITABLE] = g_param_spec_boolean ("editable", NULL, NULL, FALSE, ro | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_VALUE_NORM_TEXT] = g_param_spec_string ("value-norm-text", NULL, NULL, NULL, ro);
  properties[PROP_GRAD_NORM_TEXT] = g_param_spec_string ("grad-norm-text", NULL, NULL, NULL, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
nnb_parameter_row_init (NnbParameterRow *self)
{
  self->value_norm = NAN;
  self->grad_norm = NAN;
}
