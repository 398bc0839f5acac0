/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-export-onnx.c — the model as ONNX (opset 13) for Netron and
 * onnxruntime.
 *
 * The protobuf bytes are written by hand: the handful of messages a model
 * needs do not justify a protobuf dependency. Field numbers are onnx.proto's
 * (onnx 1.12); each encoder below names its message. Every registered
 * Linear's weight and bias becomes one initializer named as in the
 * state_dict ("fc1.weight"), so a module called twice is two nodes reading
 * the same initializers. */
#include "nnb-export.h"

#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>
#include "nnb-config.h"
#include "nnb-error.h"
#include "nnb-file-write.h"
#include "nnb-files-private.h"

/* IR version 7 is the one that came with opset 13 (ONNX 1.8). */
#define ONNX_IR_VERSION 7
#define ONNX_OPSET 13

/* protobuf wire types */
enum
{
  WIRE_VARINT = 0,
  WIRE_LEN = 2,
  WIRE_FIXED32 = 5,
};

/* TensorProto.DataType.FLOAT, AttributeProto.AttributeType */
enum
{
  ONNX_FLOAT = 1,
  ATTR_FLOAT = 1,
  ATTR_INT = 2,
  ATTR_INTS = 7,
};

/* ---------------------------------------------------------------------- */
/* protobuf encoding                                                      */
/* ---------------------------------------------------------------------- */

static void
pb_varint (GByteArray *out, guint64 value)
{
  do
    {
      guint8 byte = value & 0x7f;
      value >>= 7;
      if (value)
        byte |= 0x80;
      g_byte_array_append (out, &byte, 1);
    }
  while (value);
}

static void
pb_key (GByteArray *out, guint field, guint wire)
{
  pb_varint (out, ((guint64) field << 3) | wire);
}

/* int64/int32 fields: a negative value is its 64-bit two's complement */
static void
pb_int (GByteArray *out, guint field, gint64 value)
{
  pb_key (out, field, WIRE_VARINT);
  pb_varint (out, (guint64) value);
}

static void
pb_float (GByteArray *out, guint field, float value)
{
  guint32 bits;

  memcpy (&bits, &value, sizeof bits);
  bits = GUINT32_TO_LE (bits);
  pb_key (out, field, WIRE_FIXED32);
  g_byte_array_append (out, (const guint8 *) &bits, sizeof bits);
}

static void
pb_bytes (GByteArray *out, guint field, const void *data, gsize length)
{
  pb_key (out, field, WIRE_LEN);
  pb_varint (out, length);
  g_byte_array_append (out, data, length);
}

static void
pb_string (GByteArray *out, guint field, const char *text)
{
  pb_bytes (out, field, text, strlen (text));
}

/* A nested message; frees it. */
static void
pb_message (GByteArray *out, guint field, GByteArray *message)
{
  pb_bytes (out, field, message->data, message->len);
  g_byte_array_unref (message);
}

/* ---------------------------------------------------------------------- */
/* ONNX messages                                                          */
/* ---------------------------------------------------------------------- */

/* AttributeProto { name = 1; f = 2; type = 20 } */
static GByteArray *
attribute_float (const char *name, float value)
{
  GByteArray *attr = g_byte_array_new ();
  pb_string (attr, 1, name);
  pb_float (attr, 2, value);
  pb_int (attr, 20, ATTR_FLOAT);
  return attr;
}

/* AttributeProto { name = 1; i = 3; type = 20 } */
static GByteArray *
attribute_int (const char *name, gint64 value)
{
  GByteArray *attr = g_byte_array_new ();
  pb_string (attr, 1, name);
  pb_int (attr, 3, value);
  pb_int (attr, 20, ATTR_INT);
  return attr;
}

/* AttributeProto { name = 1; ints = 8; type = 20 } holding one value */
static GByteArray *
attribute_ints1 (const char *name, gint64 value)
{
  GByteArray *attr = g_byte_array_new ();
  pb_string (attr, 1, name);
  pb_int (attr, 8, value);
  pb_int (attr, 20, ATTR_INTS);
  return attr;
}

/* TensorProto { dims = 1; data_type = 2; name = 8; raw_data = 9 } with
 * the floats little-endian, as raw_data requires. */
static GByteArray *
tensor_proto (const char *name, int ndim, const int64_t *shape, const float *values, int64_t numel)
{
  GByteArray *tensor = g_byte_array_new ();
  g_autoptr (GByteArray) raw = g_byte_array_sized_new (numel * sizeof (float));

  for (int i = 0; i < ndim; i++)
    pb_int (tensor, 1, shape[i]);
  pb_int (tensor, 2, ONNX_FLOAT);
  pb_string (tensor, 8, name);
  for (int64_t i = 0; i < numel; i++)
    {
      guint32 bits;
      memcpy (&bits, &values[i], sizeof bits);
      bits = GUINT32_TO_LE (bits);
      g_byte_array_append (raw, (const guint8 *) &bits, sizeof bits);
    }
  pb_bytes (tensor, 9, raw->data, raw->len);
  return tensor;
}

/* ValueInfoProto { name = 1; type = 2 } with TypeProto { tensor_type = 1 },
 * TypeProto.Tensor { elem_type = 1; shape = 2 }, TensorShapeProto
 * { dim = 1 } and Dimension { dim_value = 1; dim_param = 2 }. A size of
 * NNB_DIM_BATCH becomes the symbol "batch", 0 the symbol "features". */
static GByteArray *
value_info (const char *name, int ndim, const int64_t *shape)
{
  GByteArray *info = g_byte_array_new ();
  GByteArray *type = g_byte_array_new ();
  GByteArray *tensor = g_byte_array_new ();
  GByteArray *tshape = g_byte_array_new ();

  for (int i = 0; i < ndim; i++)
    {
      GByteArray *dim = g_byte_array_new ();
      if (shape[i] == NNB_DIM_BATCH)
        pb_string (dim, 2, "batch");
      else if (shape[i] == 0)
        pb_string (dim, 2, "features");
      else
        pb_int (dim, 1, shape[i]);
      pb_message (tshape, 1, dim);
    }
  pb_int (tensor, 1, ONNX_FLOAT);
  pb_message (tensor, 2, tshape);
  pb_message (type, 1, tensor);
  pb_string (info, 1, name);
  pb_message (info, 2, type);
  return info;
}

/* ---------------------------------------------------------------------- */
/* The graph                                                              */
/* ---------------------------------------------------------------------- */

typedef struct
{
  NnbModel *model;
  GByteArray *graph;       /* GraphProto being filled: nodes first */
  GByteArray *constants;   /* initializers for constants (GELU's) */
  GHashTable *used;        /* value and initializer names taken */
  GHashTable *node_names;  /* node names taken */
  char *gelu_constants[3]; /* √2, 1, ½ once a GELU needs them */
  GPtrArray *state;        /* the state_dict: buffers' initializer names */
} OnnxBuilder;

/* A name not yet used in `table`: base, else base_2, base_3… */
static char *
unique_name (GHashTable *table, const char *base)
{
  char *name = g_strdup (base);

  for (int i = 2; g_hash_table_contains (table, name); i++)
    {
      g_free (name);
      name = g_strdup_printf ("%s_%d", base, i);
    }
  g_hash_table_add (table, g_strdup (name));
  return name;
}

/* NodeProto { input = 1; output = 2; name = 3; op_type = 4; attribute = 5 };
 * an empty input name marks an optional input left out. Takes the
 * attributes. */
static void
add_node (OnnxBuilder *b, const char *op_type, const char *label,
          const char *const *inputs, const char *output, GByteArray *attr1)
{
  GByteArray *node = g_byte_array_new ();
  g_autofree char *name = NULL;
  g_autofree char *base = g_strdup_printf ("%s/%s", label, op_type);

  name = unique_name (b->node_names, base);
  for (int i = 0; inputs[i] != NULL; i++)
    pb_string (node, 1, inputs[i]);
  pb_string (node, 2, output);
  pb_string (node, 3, name);
  pb_string (node, 4, op_type);
  if (attr1 != NULL)
    pb_message (node, 5, attr1);
  /* GraphProto.node = 1 */
  pb_message (b->graph, 1, node);
}

/* The value a node produces: the wanted name (the graph's "output") or a
 * fresh one after the block. */
static char *
output_name (OnnxBuilder *b, const char *wanted, const char *label)
{
  if (wanted != NULL)
    return g_strdup (wanted);
  return unique_name (b->used, label);
}

static const char *
parameter_name (OnnxBuilder *b, const NnbParameter *param)
{
  GPtrArray *params = nnb_model_named_parameters (b->model);

  for (guint i = 0; i < params->len; i++)
    {
      NnbNamedParameter *named = params->pdata[i];
      if (named->param == param)
        return named->name;
    }
  g_return_val_if_reached ("");
}

static char *
add_scalar_constant (OnnxBuilder *b, const char *base, float value)
{
  char *name = unique_name (b->used, base);
  /* GraphProto.initializer = 5; a scalar has no dims */
  pb_message (b->constants, 5, tensor_proto (name, 0, NULL, &value, 1));
  return name;
}

/* GELU(x) = x · ½ · (1 + erf(x / √2)): opset 13 has no Gelu, and this is
 * the subgraph PyTorch's own exporter writes. */
static char *
emit_gelu (OnnxBuilder *b, const char *x, const char *wanted, const char *label)
{
  g_autofree char *scaled = NULL, *erf = NULL, *shifted = NULL, *product = NULL;
  g_autofree char *scaled_base = g_strconcat (label, "/div", NULL);
  g_autofree char *erf_base = g_strconcat (label, "/erf", NULL);
  g_autofree char *shifted_base = g_strconcat (label, "/add", NULL);
  g_autofree char *product_base = g_strconcat (label, "/mul", NULL);
  char *out;

  char **k = b->gelu_constants;

  if (k[0] == NULL)
    {
      k[0] = add_scalar_constant (b, "gelu.sqrt2", (float) G_SQRT2);
      k[1] = add_scalar_constant (b, "gelu.one", 1.0f);
      k[2] = add_scalar_constant (b, "gelu.half", 0.5f);
    }
  scaled = unique_name (b->used, scaled_base);
  add_node (b, "Div", label, (const char *[]){ x, k[0], NULL }, scaled, NULL);
  erf = unique_name (b->used, erf_base);
  add_node (b, "Erf", label, (const char *[]){ scaled, NULL }, erf, NULL);
  shifted = unique_name (b->used, shifted_base);
  add_node (b, "Add", label, (const char *[]){ erf, k[1], NULL }, shifted, NULL);
  product = unique_name (b->used, product_base);
  add_node (b, "Mul", label, (const char *[]){ x, shifted, NULL }, product, NULL);
  out = output_name (b, wanted, label);
  add_node (b, "Mul", label, (const char *[]){ product, k[2], NULL }, out, NULL);
  return out;
}

/* One node with a fresh output named label/base; returns the name */
static char *
emit_step (OnnxBuilder *b, const char *op_type, const char *label, const char *base,
           const char *const *inputs, GByteArray *attr)
{
  g_autofree char *wanted = g_strconcat (label, "/", base, NULL);
  char *out = unique_name (b->used, wanted);

  add_node (b, op_type, label, inputs, out, attr);
  return out;
}

/* LayerNorm over the last axis: opset 13 has no LayerNormalization (17
 * has), so it is built from its definition, as torch.onnx does for older
 * opsets:
 *   d = x − ReduceMean(x);  y = d / √(ReduceMean(d · d) + eps) · w + b
 * A BatchNorm1d without running statistics normalises over the batch
 * (axis 0) the same way, in eval mode too. */
static char *
emit_layer_norm (OnnxBuilder *b, NnbModule *module, const char *x, const char *wanted, const char *label)
{
  gint64 axis = module->kind == NNB_MODULE_BATCH_NORM ? 0 : -1;
  gboolean affine = module->kind == NNB_MODULE_BATCH_NORM ? module->affine : module->elementwise_affine;
  g_autofree char *eps_base = g_strconcat (label, ".eps", NULL);
  g_autofree char *eps = add_scalar_constant (b, eps_base, (float) module->eps);
  g_autofree char *mean = emit_step (b, "ReduceMean", label, "mean", (const char *[]){ x, NULL },
                                     attribute_ints1 ("axes", axis));
  g_autofree char *d = emit_step (b, "Sub", label, "sub", (const char *[]){ x, mean, NULL }, NULL);
  g_autofree char *sq = emit_step (b, "Mul", label, "square", (const char *[]){ d, d, NULL }, NULL);
  g_autofree char *var = emit_step (b, "ReduceMean", label, "var", (const char *[]){ sq, NULL },
                                    attribute_ints1 ("axes", axis));
  g_autofree char *shifted = emit_step (b, "Add", label, "add_eps", (const char *[]){ var, eps, NULL }, NULL);
  g_autofree char *std = emit_step (b, "Sqrt", label, "sqrt", (const char *[]){ shifted, NULL }, NULL);
  g_autofree char *normed = NULL, *scaled = NULL;
  char *out;

  if (!affine)
    {
      out = output_name (b, wanted, label);
      add_node (b, "Div", label, (const char *[]){ d, std, NULL }, out, NULL);
      return out;
    }
  normed = emit_step (b, "Div", label, "div", (const char *[]){ d, std, NULL }, NULL);
  scaled = emit_step (b, "Mul", label, "mul", (const char *[]){ normed, parameter_name (b, module->parameters->pdata[0]), NULL }, NULL);
  out = output_name (b, wanted, label);
  add_node (b, "Add", label, (const char *[]){ scaled, parameter_name (b, module->parameters->pdata[1]), NULL }, out, NULL);
  return out;
}

/* The state_dict name of one of a module's buffers (an initializer) */
static const char *
buffer_name (OnnxBuilder *b, const NnbBuffer *buffer)
{
  for (guint i = 0; i < b->state->len; i++)
    {
      NnbStateEntry *entry = b->state->pdata[i];
      if (entry->buffer == buffer)
        return entry->name;
    }
  g_return_val_if_reached ("");
}

/* A constant vector of n copies of value, as an initializer */
static char *
add_vector_constant (OnnxBuilder *b, const char *base, int64_t n, float value)
{
  char *name = unique_name (b->used, base);
  g_autofree float *values = g_new (float, n);

  for (int64_t i = 0; i < n; i++)
    values[i] = value;
  pb_message (b->constants, 5, tensor_proto (name, 1, &n, values, n));
  return name;
}

/* BatchNorm1d in eval mode with running statistics: one
 * BatchNormalization reading the running_mean and running_var
 * initializers, as torch.onnx writes it; without affine its scale and B
 * are ones and zeros. Without running statistics eval mode normalises
 * with the batch's own, which BatchNormalization cannot: the LayerNorm
 * subgraph over axis 0 does. */
static char *
emit_batch_norm (OnnxBuilder *b, NnbModule *module, const char *x, const char *wanted, const char *label)
{
  g_autofree char *ones = NULL, *zeros = NULL;
  const char *scale, *bias;
  char *out;

  if (!module->track_running_stats)
    return emit_layer_norm (b, module, x, wanted, label);
  if (module->affine)
    {
      scale = parameter_name (b, module->parameters->pdata[0]);
      bias = parameter_name (b, module->parameters->pdata[1]);
    }
  else
    {
      g_autofree char *ones_base = g_strconcat (label, ".scale", NULL);
      g_autofree char *zeros_base = g_strconcat (label, ".B", NULL);
      scale = ones = add_vector_constant (b, ones_base, module->num_features, 1.0f);
      bias = zeros = add_vector_constant (b, zeros_base, module->num_features, 0.0f);
    }
  out = output_name (b, wanted, label);
  add_node (b, "BatchNormalization", label,
            (const char *[]){ x, scale, bias, buffer_name (b, nnb_module_get_buffer (module, "running_mean")),
                              buffer_name (b, nnb_module_get_buffer (module, "running_var")), NULL },
            out, attribute_float ("epsilon", (float) module->eps));
  return out;
}

/* Nodes for one call of a module on value `x`; returns the name of the
 * result. `wanted` names the result when it is the graph's output. */
static char *
emit_module (OnnxBuilder *b, NnbModule *module, const char *x, const char *wanted, const char *label)
{
  char *out;

  switch (module->kind)
    {
    case NNB_MODULE_SEQUENTIAL:
      {
        char *current = g_strdup (x);
        for (guint i = 0; i < module->children->len; i++)
          {
            g_autofree char *child_label = g_strdup_printf ("%s.%u", label, i);
            gboolean last = i + 1 == module->children->len;
            char *next = emit_module (b, module->children->pdata[i], current,
                                      last ? wanted : NULL, child_label);
            g_free (current);
            current = next;
          }
        /* an empty Sequential passes its input through */
        return current;
      }
    case NNB_MODULE_LINEAR:
      {
        /* y = x Wᵀ + b: Gemm with transB, as torch.onnx writes nn.Linear
         * for 2-D input */
        NnbParameter *weight = nnb_module_get_parameter (module, "weight");
        NnbParameter *bias = nnb_module_get_parameter (module, "bias");
        const char *inputs[] = { x, parameter_name (b, weight), bias ? parameter_name (b, bias) : NULL, NULL };
        out = output_name (b, wanted, label);
        add_node (b, "Gemm", label, inputs, out, attribute_int ("transB", 1));
        return out;
      }
    case NNB_MODULE_GELU:
      return emit_gelu (b, x, wanted, label);
    case NNB_MODULE_LAYER_NORM:
      return emit_layer_norm (b, module, x, wanted, label);
    case NNB_MODULE_BATCH_NORM:
      return emit_batch_norm (b, module, x, wanted, label);
    case NNB_MODULE_SOFTMAX:
    case NNB_MODULE_LOG_SOFTMAX:
      /* opset 13's Softmax and LogSoftmax take one axis, as torch.onnx
       * writes them */
      out = output_name (b, wanted, label);
      add_node (b, module->kind == NNB_MODULE_SOFTMAX ? "Softmax" : "LogSoftmax", label, (const char *[]){ x, NULL },
                out, attribute_int ("axis", module->dim));
      return out;
    case NNB_MODULE_LEAKY_RELU:
      out = output_name (b, wanted, label);
      add_node (b, "LeakyRelu", label, (const char *[]){ x, NULL }, out,
                attribute_float ("alpha", (float) module->negative_slope));
      return out;
    default:
      {
        static const char *const ops[] = {
          [NNB_MODULE_RELU] = "Relu",
          [NNB_MODULE_TANH] = "Tanh",
          [NNB_MODULE_SIGMOID] = "Sigmoid",
          [NNB_MODULE_IDENTITY] = "Identity",
          /* the file is the model in eval mode, where Dropout passes its
           * input on (torch.onnx drops the node); Identity keeps the
           * block's name in the graph */
          [NNB_MODULE_DROPOUT] = "Identity",
        };
        g_return_val_if_fail (module->kind < G_N_ELEMENTS (ops) && ops[module->kind] != NULL, g_strdup (x));
        out = output_name (b, wanted, label);
        add_node (b, ops[module->kind], label, (const char *[]){ x, NULL }, out, NULL);
        return out;
      }
    }
}

/* Every node of the diagram in forward's order. */
static void
emit_nodes (OnnxBuilder *b, GArray *order)
{
  NnbModel *model = b->model;
  g_autoptr (GPtrArray) values = g_ptr_array_new_full (model->nodes->len, g_free);

  g_ptr_array_set_size (values, model->nodes->len);
  for (guint k = 0; k < order->len; k++)
    {
      int index = g_array_index (order, int, k);
      NnbNode *node = model->nodes->pdata[index];
      /* the block feeding the output block names its value "output" */
      NnbNode *next = k + 1 < order->len ? model->nodes->pdata[g_array_index (order, int, k + 1)] : NULL;
      const char *wanted = next && next->kind == NNB_NODE_OUTPUT && next->inputs[0] == index ? "output" : NULL;
      const char *in0 = node->inputs[0] >= 0 ? values->pdata[node->inputs[0]] : NULL;
      const char *in1 = node->inputs[1] >= 0 ? values->pdata[node->inputs[1]] : NULL;

      switch (node->kind)
        {
        case NNB_NODE_INPUT:
          values->pdata[index] = g_strdup ("input");
          break;
        case NNB_NODE_CALL:
          values->pdata[index] = emit_module (b, nnb_model_get_module (model, node->module), in0, wanted, node->name);
          break;
        case NNB_NODE_FUNCTION:
          /* the same ONNX ops as the module it stands for */
          values->pdata[index] = emit_module (b, node->activation, in0, wanted, node->name);
          break;
        case NNB_NODE_ADD:
          values->pdata[index] = output_name (b, wanted, node->name);
          add_node (b, "Add", node->name, (const char *[]){ in0, in1, NULL }, values->pdata[index], NULL);
          break;
        case NNB_NODE_MUL:
          values->pdata[index] = output_name (b, wanted, node->name);
          add_node (b, "Mul", node->name, (const char *[]){ in0, in1, NULL }, values->pdata[index], NULL);
          break;
        case NNB_NODE_CAT:
          values->pdata[index] = output_name (b, wanted, node->name);
          {
            /* Concat takes the whole list (variadic inputs) */
            const char *list[NNB_NODE_MAX_INPUTS + 1] = { NULL };
            for (int s = 0; s < node->n_inputs; s++)
              list[s] = values->pdata[node->inputs[s]];
            add_node (b, "Concat", node->name, list, values->pdata[index], attribute_int ("axis", 1));
          }
          break;
        case NNB_NODE_OUTPUT:
        default:
          /* the value reached the output under another name (the input
           * itself, or an empty Sequential): an ONNX graph output needs a
           * producer of that name */
          if (strcmp (in0, "output") != 0)
            add_node (b, "Identity", node->name, (const char *[]){ in0, NULL }, "output", NULL);
          break;
        }
    }
}

static void
emit_initializers (OnnxBuilder *b)
{
  GPtrArray *params = nnb_model_named_parameters (b->model);

  for (guint i = 0; i < params->len; i++)
    {
      NnbNamedParameter *named = params->pdata[i];
      const NnbTensor *value = named->param->value;
      g_autofree float *host = g_new (float, value->numel);

      /* the weights may live on a GPU */
      nnb_tensor_read (value, host);
      pb_message (b->graph, 5, tensor_proto (named->name, value->ndim, value->shape, host, value->numel));
    }
  /* the running statistics (num_batches_tracked only counts, and no
   * node reads it) */
  for (guint i = 0; i < b->state->len; i++)
    {
      NnbStateEntry *entry = b->state->pdata[i];
      const NnbTensor *value = entry->buffer != NULL ? entry->buffer->value : NULL;
      g_autofree float *host = NULL;

      if (value == NULL)
        continue;
      host = g_new (float, value->numel);
      nnb_tensor_read (value, host);
      pb_message (b->graph, 5, tensor_proto (entry->name, value->ndim, value->shape, host, value->numel));
    }
  g_byte_array_append (b->graph, b->constants->data, b->constants->len);
}

/* The input (batch, in_features) and the output shape that follows from
 * it. A model without a Linear does not fix its width: "features". */
static gboolean
io_shapes (NnbModel *model, int64_t *in_shape, int *out_ndim, int64_t *out_shape, GError **error)
{
  NnbNodeShape *shapes = NULL;
  gboolean ok;

  in_shape[0] = NNB_DIM_BATCH;
  in_shape[1] = nnb_model_input_features (model);
  if (in_shape[1] == 0)
    {
      *out_ndim = 2;
      out_shape[0] = NNB_DIM_BATCH;
      out_shape[1] = 0;
      return TRUE;
    }
  ok = nnb_model_infer_shapes (model, 2, in_shape, &shapes, error);
  if (ok)
    for (guint i = 0; i < model->nodes->len; i++)
      if (((NnbNode *) model->nodes->pdata[i])->kind == NNB_NODE_OUTPUT)
        {
          *out_ndim = shapes[i].ndim;
          memcpy (out_shape, shapes[i].shape, shapes[i].ndim * sizeof (int64_t));
        }
  nnb_node_shapes_free (shapes, model->nodes->len);
  return ok;
}

GBytes *
nnb_export_onnx (NnbModel *model, GError **error)
{
  g_autoptr (GArray) order = NULL;
  g_autoptr (GHashTable) used = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GHashTable) node_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GByteArray) constants = g_byte_array_new ();
  g_autoptr (GPtrArray) state = nnb_model_state_dict (model);
  OnnxBuilder b = { model, NULL, constants, used, node_names, { NULL, NULL, NULL }, state };
  GPtrArray *params = nnb_model_named_parameters (model);
  int64_t in_shape[2], out_shape[NNB_MAX_DIMS];
  int out_ndim = 0;
  GByteArray *onnx, *opset;

  if (!nnb_model_validate (model, error) || !io_shapes (model, in_shape, &out_ndim, out_shape, error))
    {
      g_prefix_error (error, "Cannot export to ONNX: ");
      return NULL;
    }
  order = nnb_model_topological_order (model, error);
  if (order == NULL)
    return NULL;

  /* the graph's names: inputs, outputs and weights are fixed; blocks take
   * what is left */
  g_hash_table_add (used, g_strdup ("input"));
  g_hash_table_add (used, g_strdup ("output"));
  for (guint i = 0; i < params->len; i++)
    g_hash_table_add (used, g_strdup (((NnbNamedParameter *) params->pdata[i])->name));
  for (guint i = 0; i < state->len; i++)
    if (((NnbStateEntry *) state->pdata[i])->buffer != NULL)
      g_hash_table_add (used, g_strdup (((NnbStateEntry *) state->pdata[i])->name));

  /* GraphProto { node = 1; name = 2; initializer = 5; input = 11; output = 12 } */
  b.graph = g_byte_array_new ();
  emit_nodes (&b, order);
  pb_string (b.graph, 2, model->class_name);
  emit_initializers (&b);
  pb_message (b.graph, 11, value_info ("input", 2, in_shape));
  pb_message (b.graph, 12, value_info ("output", out_ndim, out_shape));

  /* ModelProto { ir_version = 1; producer_name = 2; producer_version = 3;
   * graph = 7; opset_import = 8 }, OperatorSetIdProto { domain = 1;
   * version = 2 } */
  for (guint i = 0; i < G_N_ELEMENTS (b.gelu_constants); i++)
    g_free (b.gelu_constants[i]);

  onnx = g_byte_array_new ();
  pb_int (onnx, 1, ONNX_IR_VERSION);
  pb_string (onnx, 2, "NN Blocks");
  pb_string (onnx, 3, PACKAGE_VERSION);
  pb_message (onnx, 7, b.graph);
  opset = g_byte_array_new ();
  pb_string (opset, 1, "");
  pb_int (opset, 2, ONNX_OPSET);
  pb_message (onnx, 8, opset);
  return g_byte_array_free_to_bytes (onnx);
}

gboolean
nnb_export_onnx_file (NnbModel *model, const char *path, GError **error)
{
  g_autoptr (GBytes) bytes = nnb_export_onnx (model, error);
  g_autoptr (GError) local = NULL;
  const char *data;
  gsize size;

  if (bytes == NULL)
    return FALSE;
  data = g_bytes_get_data (bytes, &size);
  /* a temporary file, synced and renamed over the old one; a device or a
   * pipe written into; a link followed (nnb-file-write.h) */
  if (!nnb_file_write (path, data, size, 0666, &local))
    {
      g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_IO, "Cannot save the ONNX file: %s", local->message);
      return FALSE;
    }
  return TRUE;
}
