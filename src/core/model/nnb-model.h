/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-model.h — a model: what a subclass of nn.Module expresses.
 *
 * Two halves, like a PyTorch class:
 *  - __init__: the registered submodules, by attribute name, in registration
 *    order ("fc1", "fc2", "head", "act"; "0", "1", … for a Sequential);
 *  - forward: a directed acyclic graph of nodes — the input, calls of a
 *    registered module, `+` of two values (a skip connection), `*` of two
 *    values (a gate), torch.cat of two to eight along dim 1 (branches
 *    merged) and the output. A module may be called by several nodes.
 * A model whose class_name is "Sequential" is nn.Sequential itself: its
 * modules are named 0, 1, 2… and its graph is the chain through them.
 *
 * Running data: nnb_model_forward keeps what backward needs (activations in
 * buffers sized once per input shape and reused, so steady-state training
 * allocates nothing); nnb_model_backward adds into every parameter's grad, as
 * loss.backward() does, until the optimizer's zero_grad. */
#pragma once

#include <glib.h>
#include "nnb-init.h"
#include "nnb-module.h"

G_BEGIN_DECLS

typedef enum
{
  NNB_NODE_INPUT,  /* the forward's argument: no inputs */
  NNB_NODE_CALL,   /* self.<module>(a): one input */
  NNB_NODE_ADD,    /* a + b: two inputs of the same shape */
  NNB_NODE_OUTPUT, /* return a: one input */
  NNB_NODE_CAT,    /* torch.cat([a, b, …], dim=1): 2 to 8 inputs equal but in dim 1 */
  NNB_NODE_MUL,    /* a * b: two inputs of the same shape */
  /* torch.relu(a), F.leaky_relu(a, 0.1)…: one input; a functional
   * activation (nnb-function.h), which registers no module */
  NNB_NODE_FUNCTION,
} NnbNodeKind;

/* The most input slots a node has (a cat of eight tensors); a cat has
 * NNB_NODE_CAT_MIN_INPUTS to this many, the other kinds a fixed count. */
#define NNB_NODE_MAX_INPUTS 8
#define NNB_NODE_CAT_MIN_INPUTS 2

typedef struct
{
  char *name; /* the block's name, unique in the model */
  NnbNodeKind kind;
  char *module; /* CALL: the registered module's name */
  /* FUNCTION: the function as forward writes it ("F.relu", "torch.tanh")
   * and the unregistered activation that computes it, with its arguments
   * (negative_slope, dim), owned */
  char *function;
  NnbModule *activation;
  int n_inputs; /* slots in use: nnb_model_n_inputs (kind), a cat's own count */
  /* indices of the nodes feeding each slot; -1 when unwired, and always
   * -1 from n_inputs on */
  int inputs[NNB_NODE_MAX_INPUTS];
} NnbNode;

typedef struct _NnbPlan NnbPlan;

typedef struct _NnbModel NnbModel;

struct _NnbModel
{
  char *class_name;        /* "MLP", "SineNet", "Sequential" */
  GPtrArray *module_names; /* char*, registration order */
  GPtrArray *modules;      /* NnbModule*, parallel to module_names */
  GPtrArray *nodes;        /* NnbNode* */
  NnbDevice device;
  /* model.training: TRUE from construction, as in PyTorch; what Dropout
   * computes depends on it (nnb_model_train) */
  gboolean training;
  /*< private >*/
  /* where Dropout's masks come from in train mode (borrowed); NULL: the
   * process's default generator, as PyTorch's global one */
  NnbGenerator *generator;
  /* TRUE while the app draws pictures in train mode: BatchNorm1d then
   * normalises with the batch's statistics but leaves its running
   * estimates and num_batches_tracked as training left them */
  gboolean keep_buffers;
  GPtrArray *plans; /* compiled forward/backward, one per input shape seen lately */
  NnbPlan *plan;    /* the plan of the last forward, which backward follows */
  GPtrArray *named_parameters_cache;
  gint ref_count;
};

typedef struct
{
  char *name;          /* dotted, as PyTorch forms it: "fc1.weight", "net.0.bias" */
  NnbParameter *param; /* borrowed from its module */
  NnbModule *module;   /* the module that owns it */
} NnbNamedParameter;

/* One entry of state_dict(): a parameter or a buffer (the other NULL) */
typedef struct
{
  char *name; /* dotted: "bn.weight", "bn.running_mean", "net.1.num_batches_tracked" */
  NnbParameter *param;
  NnbBuffer *buffer;
  NnbModule *module; /* the module that owns it */
  /* its tensor: param->value or buffer->value; NULL for an int64 count
   * (num_batches_tracked, in buffer->count). Valid until the model moves. */
  NnbTensor *value;
} NnbStateEntry;

/* Output shape of a node (ndim 0 when unknown because of an earlier error),
 * and the message when this node is the one that fails. */
typedef struct
{
  int ndim;
  int64_t shape[NNB_MAX_DIMS];
  char *error;
} NnbNodeShape;

NnbModel *nnb_model_new (const char *class_name);
NnbModel *nnb_model_ref (NnbModel *model);
void nnb_model_unref (NnbModel *model);

/* self.<name> = module. Refuses names that are not Python identifiers,
 * already used, or attributes every nn.Module has (forward, training…). */
gboolean nnb_model_register_module (NnbModel *model, const char *name, NnbModule *module, GError **error);
NnbModule *nnb_model_get_module (const NnbModel *model, const char *name);

/* Adds a node; returns its index or -1. module_name only for CALL; for
 * FUNCTION, the function's name ("F.relu"), with its default arguments
 * (nnb_model_set_activation changes them). */
int nnb_model_add_node (NnbModel *model, NnbNodeKind kind, const char *name,
                        const char *module_name, GError **error);
/* Wires the output of node `from` into slot `slot` of node `to`. Refuses a
 * wire that would close a cycle, naming the blocks. */
gboolean nnb_model_connect (NnbModel *model, int from, int to, int slot, GError **error);
int nnb_model_find_node (const NnbModel *model, const char *name);
/* A FUNCTION node's activation (its arguments): refuses another node kind
 * or an activation of another kind than the function's. Takes a ref. */
gboolean nnb_model_set_activation (NnbModel *model, int node, NnbModule *activation, GError **error);
NnbNode *nnb_model_get_node (const NnbModel *model, int index);
int nnb_model_n_inputs (NnbNodeKind kind); /* slots of a node kind (a new cat's: 2) */
/* A cat node's slot count, NNB_NODE_CAT_MIN_INPUTS to NNB_NODE_MAX_INPUTS;
 * wires into the slots it drops go. Refuses other kinds and other counts. */
gboolean nnb_model_set_n_inputs (NnbModel *model, int node, int n_inputs, GError **error);
/* Refuses a slot count a node of that kind cannot have, with a sentence
 * naming the block. */
gboolean nnb_model_check_n_inputs (NnbNodeKind kind, const char *name, int n_inputs, GError **error);
/* TRUE when item `target` is reachable from item `start` by following wires
 * forward; items (NnbNode*, or the editor's blocks) keep their int
 * inputs[NNB_NODE_MAX_INPUTS] at inputs_offset (G_STRUCT_OFFSET), unused
 * slots -1. */
gboolean nnb_model_wires_reach (const GPtrArray *items, glong inputs_offset, int start, int target);
/* The rules every new wire from `source` into slot `slot` of `target`
 * (which has target_slots slots) follows: nothing out of an output, a slot
 * the target has, no loop (`loop`: the wire would close one). FALSE with a
 * sentence naming the blocks. */
gboolean nnb_model_check_wire (NnbNodeKind source_kind, const char *source_name, int target_slots,
                               const char *target_name, int slot, gboolean loop, GError **error);

/* Convenience: nn.Sequential(m0, m1, …) as a model (class "Sequential"),
 * or a chain of named modules inside a subclass. */
NnbModel *nnb_model_new_sequential (NnbModule **modules, int n_modules);

/* The graph is complete: one input, one output, every slot wired, every
 * node used, no cycle. The message names the block at fault. */
gboolean nnb_model_validate (NnbModel *model, GError **error);
/* TRUE when the graph is a plain chain that calls each registered module
 * once, in registration order: expressible as nn.Sequential. */
gboolean nnb_model_is_chain (NnbModel *model);
/* Node indices in execution order (the forward's order); NULL on error. */
GArray *nnb_model_topological_order (NnbModel *model, GError **error);

/* named_parameters(): PyTorch's names and order (a shared module's
 * parameters once). Owned by the model; valid until its structure changes. */
GPtrArray *nnb_model_named_parameters (NnbModel *model);
NnbParameter *nnb_model_get_parameter (NnbModel *model, const char *dotted_name);
int64_t nnb_model_count_parameters (NnbModel *model);
/* state_dict()'s keys in PyTorch's order (each module's parameters, then
 * its buffers, then its children's): a new array of NnbStateEntry* */
GPtrArray *nnb_model_state_dict (NnbModel *model);
NnbBuffer *nnb_model_get_buffer (NnbModel *model, const char *dotted_name);
/* Σ numel over the buffers (num_batches_tracked counts 1): the
 * state_dict's total is this plus nnb_model_count_parameters */
int64_t nnb_model_count_buffers (NnbModel *model);
/* print(model) */
char *nnb_model_repr (NnbModel *model);

/* Shape inference for an input shape, without data. Fills shapes
 * (model->nodes->len entries; free with nnb_node_shapes_free) even on
 * failure, where the failing node carries PyTorch's message.
 * NNB_DIM_BATCH may stand for the batch dimension. */
gboolean nnb_model_infer_shapes (NnbModel *model, int ndim, const int64_t *input_shape,
                                 NnbNodeShape **shapes, GError **error);
void nnb_node_shapes_free (NnbNodeShape *shapes, guint n);
/* The output shape of a node with two inputs (add, mul, cat) from its
 * inputs' shapes, or FALSE with PyTorch's message. */
gboolean nnb_node_two_input_shape (NnbNodeKind kind, const NnbNodeShape *a, const NnbNodeShape *b, NnbNodeShape *out,
                                   GError **error);
/* torch.cat of n inputs along dim 1 (the shapes of the tensors in the
 * list, in order), or FALSE with PyTorch's message naming the tensor
 * number. */
gboolean nnb_node_cat_shape (const NnbNodeShape *const *inputs, int n, NnbNodeShape *out, GError **error);
/* Inside the Sequential that node calls: the shape after each of its
 * layers, from the shape its input has in shapes (as
 * nnb_model_infer_shapes fills them; may be NULL). One entry per layer
 * (free with nnb_node_shapes_free): the layer that fails gets PyTorch's
 * message, those after it ndim 0, as do all when the input's shape is
 * unknown. NULL (n_layers 0) when node calls no Sequential with layers. */
NnbNodeShape *nnb_model_layer_shapes (NnbModel *model, guint node, const NnbNodeShape *shapes, guint *n_layers);

/* What a forward hook on every leaf module (one without children, an empty
 * Sequential too) prints: "Linear   -> (5, 16)" per leaf call, in execution
 * order. */
GPtrArray *nnb_model_trace (NnbModel *model, int ndim, const int64_t *input_shape, GError **error);

/* model(x): the output is owned by the model and overwritten by the next
 * forward (take a ref or copy to keep it). */
NnbTensor *nnb_model_forward (NnbModel *model, NnbTensor *input, GError **error);
/* What one block computed in the last forward (the activations it keeps
 * for backward): node's output (layer -1), or, for a node that calls a
 * Sequential, the output of its layer-th layer (model.net[layer] in
 * PyTorch). Owned by the model, overwritten by the next forward, and on
 * the model's device; NULL before any forward, or for no such node or
 * layer. The input node's output is the forward's input. */
NnbTensor *nnb_model_node_output (NnbModel *model, int node, int layer);
/* What the last backward sent into that same value: dL/d(node's output),
 * or dL/d(its layer-th layer's output), summed over every block it feeds,
 * as a tensor hook (register_hook) would see it. Owned by the model, on its
 * device, valid until the next forward or backward; NULL before a
 * backward, for the input node (the input needs no gradient), or for no
 * such node or layer. */
NnbTensor *nnb_model_node_grad (NnbModel *model, int node, int layer);
/* What that call of a module added into its index-th parameter's .grad in
 * the last backward (module.parameters()[index]: weight 0, bias 1): a
 * module called twice gets two, whose sum is what backward added. The
 * tensor autograd made and then added, not a second computation; owned by
 * the model, on its device, valid until the next backward. NULL before a
 * backward, where backward did not reach the call, for a parameter that
 * does not require grad, or where node (or its layer) calls no module with
 * that parameter. */
NnbTensor *nnb_model_node_param_grad (NnbModel *model, int node, int layer, guint index);
/* Back-propagates dL/doutput from the last forward, adding into .grad.
 * Fails with PyTorch's "element 0 of tensors does not require grad…" when
 * the output depends on no parameter that requires grad. */
gboolean nnb_model_backward (NnbModel *model, NnbTensor *grad_output, GError **error);

/* model.to(device) */
gboolean nnb_model_to (NnbModel *model, NnbDevice device, GError **error);

/* model.train(mode) and model.eval() (= train(FALSE)): the mode of every
 * module; Dropout's and BatchNorm1d's forwards depend on it. */
void nnb_model_train (NnbModel *model, gboolean mode);
void nnb_model_eval (NnbModel *model);
/* Whether any of the model's modules depends on the mode (nnb_module_has_mode) */
gboolean nnb_model_has_mode (const NnbModel *model);
/* The generator Dropout draws from in train mode; PyTorch has one global
 * generator, so a training program's shuffles and masks share a stream:
 * the trainer gives the model its own (borrowed until set again). NULL
 * means nnb_generator_default (). Returns the one set before. */
NnbGenerator *nnb_model_set_generator (NnbModel *model, NnbGenerator *gen);
/* Forwards in train mode that leave the buffers alone (keep TRUE): what a
 * picture drawn in train mode needs, so that looking never changes what
 * training computes next. PyTorch has no such switch; a plot there runs
 * under model.eval(). Returns the setting before. */
gboolean nnb_model_keep_buffers (NnbModel *model, gboolean keep);

/* model.apply(init_weights) where init_weights does, for each nn.Linear
 * (visited in apply()'s order), weight_method(weight) then
 * bias_method(bias). NNB_INIT_DEFAULT leaves that tensor as it is. */
gboolean nnb_model_apply_init (NnbModel *model, NnbInitMethod weight_method,
                               NnbInitMethod bias_method, NnbGenerator *gen, GError **error);

/* Tells whether a string is a valid Python identifier (and not a keyword). */
gboolean nnb_is_python_identifier (const char *name);

/* The longest name a module, a block or a parameter may have, in
 * characters (docs/file-format.md): longer ones are refused, so a name
 * never makes a message or a diagram that cannot be read. */
#define NNB_NAME_MAX_CHARS 64

/* Refuses a name longer than NNB_NAME_MAX_CHARS: "what" names the kind of
 * name ("module name", "block name") in the message. */
gboolean nnb_name_check_length (const char *name, const char *what, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NnbModel, nnb_model_unref)

G_END_DECLS

G_BEGIN_DECLS
/* Re-runs every Linear's constructor initialisation, in construction
 * (registration, depth-first) order, drawing from gen: a fresh model as
 * `torch.manual_seed(s); Model()` would build it. */
gboolean nnb_model_reset_parameters (NnbModel *model, NnbGenerator *gen, GError **error);
G_END_DECLS

G_BEGIN_DECLS
/* The number of input features the model expects: in_features of the first
 * Linear the input reaches (through activations and Sequentials); 0 when no
 * Linear fixes it. */
int64_t nnb_model_input_features (NnbModel *model);
G_END_DECLS
