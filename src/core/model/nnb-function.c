/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-function.c — the functional activations: names, defaults and the
 * text of a call. */
#include "nnb-function.h"

#include <string.h>
#include "nnb-python.h"

static const struct
{
  const char *name;
  NnbModuleKind kind;
} functions[] = {
  { "torch.relu", NNB_MODULE_RELU },
  { "F.relu", NNB_MODULE_RELU },
  { "torch.tanh", NNB_MODULE_TANH },
  { "F.tanh", NNB_MODULE_TANH },
  { "torch.sigmoid", NNB_MODULE_SIGMOID },
  { "F.sigmoid", NNB_MODULE_SIGMOID },
  { "F.gelu", NNB_MODULE_GELU },
  { "F.leaky_relu", NNB_MODULE_LEAKY_RELU },
  { "torch.softmax", NNB_MODULE_SOFTMAX },
  { "F.softmax", NNB_MODULE_SOFTMAX },
  { "torch.log_softmax", NNB_MODULE_LOG_SOFTMAX },
  { "F.log_softmax", NNB_MODULE_LOG_SOFTMAX },
};

static const char *const names[] = {
  "torch.relu",
  "F.relu",
  "torch.tanh",
  "F.tanh",
  "torch.sigmoid",
  "F.sigmoid",
  "F.gelu",
  "F.leaky_relu",
  "torch.softmax",
  "F.softmax",
  "torch.log_softmax",
  "F.log_softmax",
  NULL,
};

G_STATIC_ASSERT (G_N_ELEMENTS (names) == G_N_ELEMENTS (functions) + 1);

gboolean
nnb_function_kind (const char *function, NnbModuleKind *kind)
{
  for (guint i = 0; function != NULL && i < G_N_ELEMENTS (functions); i++)
    if (strcmp (functions[i].name, function) == 0)
      {
        if (kind != NULL)
          *kind = functions[i].kind;
        return TRUE;
      }
  return FALSE;
}

const char *const *
nnb_function_names (void)
{
  return names;
}

NnbModule *
nnb_function_new_activation (const char *function)
{
  NnbModuleKind kind;

  if (!nnb_function_kind (function, &kind))
    return NULL;
  switch (kind)
    {
    case NNB_MODULE_LEAKY_RELU:
      return nnb_leaky_relu_new (0.01);
    case NNB_MODULE_SOFTMAX:
    case NNB_MODULE_LOG_SOFTMAX:
      return nnb_softmax_new (kind, 1, NULL);
    default:
      return nnb_activation_new (kind);
    }
}

gboolean
nnb_function_needs_f (const char *function)
{
  return g_str_has_prefix (function, "F.");
}

const char *
nnb_function_short_name (const char *function)
{
  const char *dot = strrchr (function, '.');
  return dot != NULL ? dot + 1 : function;
}

char *
nnb_function_call_text (const char *function, const NnbModule *activation, const char *argument)
{
  switch (activation->kind)
    {
    case NNB_MODULE_LEAKY_RELU:
      if (activation->negative_slope != 0.01)
        {
          g_autofree char *slope = nnb_python_float_repr (activation->negative_slope);
          return g_strdup_printf ("%s(%s, negative_slope=%s)", function, argument, slope);
        }
      break;
    case NNB_MODULE_SOFTMAX:
    case NNB_MODULE_LOG_SOFTMAX:
      return g_strdup_printf ("%s(%s, dim=%" G_GINT64_FORMAT ")", function, argument, activation->dim);
    default:
      break;
    }
  return g_strdup_printf ("%s(%s)", function, argument);
}
