/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-graph.h — the model as the diagram editor edits it: registered
 * modules (sizes only, no tensors) and blocks on a canvas with their wires
 * and positions. Every edit checks what PyTorch would refuse (a name that is
 * not a Python identifier, a name used twice, a loop) and says why.
 *
 * Blocks are the nodes of forward, in the same order: block i becomes node
 * i of the model nnb_graph_to_model builds, so shapes and messages the
 * engine infers for node i belong to block i. Modules keep their
 * registration order, which fixes the order of named_parameters() and of
 * the initialisation, as the order of assignments in __init__ does.
 *
 * A plain struct, cheap to copy: the editor's undo keeps whole copies. */
#pragma once

#include <glib.h>
#include "nnb-model.h"
#include "nnb-project.h"

G_BEGIN_DECLS

/* What the palette offers. */
typedef enum
{
  NNB_BLOCK_INPUT,
  NNB_BLOCK_LINEAR,
  NNB_BLOCK_RELU,
  NNB_BLOCK_TANH,
  NNB_BLOCK_SIGMOID,
  NNB_BLOCK_LEAKY_RELU,
  NNB_BLOCK_GELU,
  NNB_BLOCK_IDENTITY,
  NNB_BLOCK_ADD,
  NNB_BLOCK_SEQUENTIAL,
  NNB_BLOCK_OUTPUT,
  NNB_BLOCK_LAYER_NORM, /* after the first eleven, which keep their numbers */
  NNB_BLOCK_SOFTMAX,
  NNB_BLOCK_LOG_SOFTMAX,
  NNB_BLOCK_DROPOUT,
  NNB_BLOCK_CAT,        /* torch.cat([a, b, …], dim=1) */
  NNB_BLOCK_MUL,        /* a * b */
  NNB_BLOCK_BATCH_NORM, /* nn.BatchNorm1d */
  NNB_BLOCK_FUNCTION,   /* torch.relu(h), F.gelu(h)…: no module */
  NNB_N_BLOCK_KINDS
} NnbBlockKind;

/* self.<name> = nn.<kind>(…): sizes only. */
typedef struct _NnbGraphModule NnbGraphModule;
struct _NnbGraphModule
{
  char *name; /* attribute name; NULL for a Sequential's child */
  NnbModuleKind kind;
  int64_t in_features; /* Linear */
  int64_t out_features;
  gboolean bias;
  double negative_slope;    /* LeakyReLU */
  int64_t normalized_shape; /* LayerNorm */
  double eps;
  gboolean elementwise_affine;
  int64_t dim; /* Softmax, LogSoftmax: 1 or -1 */
  double p;    /* Dropout: in [0, 1] */
  /* BatchNorm1d (eps above); momentum is kept while has_momentum is FALSE
   * (momentum=None) so that turning None off brings it back */
  int64_t num_features;
  double momentum;
  gboolean has_momentum;
  gboolean affine;
  gboolean track_running_stats;
  GPtrArray *children; /* Sequential: NnbGraphModule*, named 0, 1, 2… */
};

/* A block on the canvas: one node of forward. */
typedef struct
{
  char *name; /* unique among blocks */
  NnbNodeKind kind;
  char *module; /* CALL: the module it calls */
  /* FUNCTION: the function as forward writes it ("F.relu") and its
   * arguments (an unnamed module of the activation's kind: negative_slope,
   * dim); NULL for the other kinds */
  char *function;
  NnbGraphModule *arguments;
  int n_inputs; /* slots: nnb_model_n_inputs (kind), a cat's own 2 to 8 */
  /* block feeding each slot, -1 when unwired and from n_inputs on */
  int inputs[NNB_NODE_MAX_INPUTS];
  double x, y; /* top-left corner, diagram units */
} NnbGraphBlock;

typedef struct
{
  char *class_name;   /* "MLP", "Model", "Sequential" */
  GPtrArray *modules; /* NnbGraphModule*, registration order */
  GPtrArray *blocks;  /* NnbGraphBlock* */
} NnbGraph;

NnbGraph *nnb_graph_new (const char *class_name);
NnbGraph *nnb_graph_copy (const NnbGraph *graph);
void nnb_graph_free (NnbGraph *graph);
/* Same modules, blocks, wires and positions. */
gboolean nnb_graph_equal (const NnbGraph *a, const NnbGraph *b);

/* The model's structure; positions (one per node, may be NULL) place the
 * blocks, and blocks without one (NULL or NaN) are laid out in layers. */
NnbGraph *nnb_graph_from_model (NnbModel *model, const NnbBlockPosition *positions, guint n_positions);
/* A model with this structure on the CPU; its parameters are zeros until the
 * project's recipe initialises them. Unfinished graphs are allowed (unwired
 * slots stay -1): the engine's validation names what is missing. */
NnbModel *nnb_graph_to_model (const NnbGraph *graph, GError **error);
/* The positions, one per block, for NnbProject. */
GArray *nnb_graph_positions (const NnbGraph *graph);

NnbGraphBlock *nnb_graph_get_block (const NnbGraph *graph, int index);
int nnb_graph_find_block (const NnbGraph *graph, const char *name);
/* The module a CALL block calls; NULL for other blocks (a FUNCTION
 * block's arguments are block->arguments). */
NnbGraphModule *nnb_graph_block_module (const NnbGraph *graph, int index);
NnbBlockKind nnb_graph_block_kind (const NnbGraph *graph, int index);
/* How many blocks call the module. */
guint nnb_graph_module_calls (const NnbGraph *graph, const char *module);

/* "Linear", "ReLU", "Add", "Input"… (the palette's names, untranslated). */
const char *nnb_block_kind_to_string (NnbBlockKind kind);
gboolean nnb_block_kind_from_string (const char *text, NnbBlockKind *kind);

/* Edits. Each returns FALSE (or -1) with a sentence for the student when
 * the edit is refused, and leaves the graph as it was. */

/* A new block with its own module (named fc1, fc2…, act, act_2…, net…) at
 * x, y. A new Linear gets in_features from nothing: 1 → 1 until edited. */
int nnb_graph_add_block (NnbGraph *graph, NnbBlockKind kind, double x, double y, GError **error);
/* A second call of the block's module (the page's `self.act` used twice):
 * no new parameters. */
int nnb_graph_add_call (NnbGraph *graph, int block, double x, double y, GError **error);
/* A copy of the block with a module of its own (same sizes), unwired. */
int nnb_graph_duplicate (NnbGraph *graph, int block, double x, double y, GError **error);
/* Removes blocks (indices in any order) and their wires; a module nobody
 * calls any more is unregistered. */
void nnb_graph_remove_blocks (NnbGraph *graph, const int *blocks, guint n_blocks);
/* Wires block `from`'s output into slot `slot` of block `to`, replacing what
 * was there. Refuses a wire out of an output, into an input, or one that
 * would close a loop. */
gboolean nnb_graph_connect (NnbGraph *graph, int from, int to, int slot, GError **error);
void nnb_graph_disconnect (NnbGraph *graph, int to, int slot);
/* The number of tensors a cat block joins (2 to 8): new slots come
 * unwired, the wires into dropped slots go. */
gboolean nnb_graph_set_n_inputs (NnbGraph *graph, int block, int n_inputs, GError **error);
/* Renames a block. A block that calls its own module renames the module
 * too: the name is the attribute name (self.<name>), so it must be a Python
 * identifier and no other module's or block's name. */
gboolean nnb_graph_rename (NnbGraph *graph, int block, const char *name, GError **error);
/* nn.Linear(in, out) sizes of the block's module. */
gboolean nnb_graph_set_features (NnbGraph *graph, int block, int64_t in_features,
                                 int64_t out_features, GError **error);
/* nn.LayerNorm(normalized_shape, eps) of the block's module. */
gboolean nnb_graph_set_layer_norm (NnbGraph *graph, int block, int64_t normalized_shape, double eps,
                                   GError **error);
/* nn.BatchNorm1d(num_features, eps, momentum, affine, track_running_stats)
 * of the block's module (child as for the layers below; has_momentum FALSE:
 * momentum=None); refuses what the engine's constructor refuses. */
gboolean nnb_graph_set_batch_norm (NnbGraph *graph, int block, int child, int64_t num_features, double eps,
                                   double momentum, gboolean has_momentum, gboolean affine,
                                   gboolean track_running_stats, GError **error);
/* The layers inside a Sequential block, seen and edited in place: the
 * child-th module of the block's Sequential (child -1: the block's own
 * module; NULL when there is no such layer). Edits change the module, so
 * every block that calls it. */
NnbGraphModule *nnb_graph_block_child (const NnbGraph *graph, int block, int child);
gboolean nnb_graph_set_child_features (NnbGraph *graph, int block, int child, int64_t in_features,
                                       int64_t out_features, GError **error);
gboolean nnb_graph_set_child_layer_norm (NnbGraph *graph, int block, int child, int64_t normalized_shape,
                                         double eps, GError **error);
/* Removes one layer; the layers after it are renumbered. A Sequential's
 * last layer stays (the whole block is deleted or ungrouped instead). */
gboolean nnb_graph_remove_child (NnbGraph *graph, int block, int child, GError **error);
void nnb_graph_move (NnbGraph *graph, int block, double x, double y);
/* Groups a chain of blocks (each feeding the next, each calling a module
 * of its own that no other block calls) into one nn.Sequential block whose
 * children are 0, 1, 2… Returns the new block's index. */
int nnb_graph_group (NnbGraph *graph, const int *blocks, guint n_blocks, GError **error);
/* The reverse: a Sequential block becomes a chain of blocks. Returns the
 * index of the chain's first block. */
int nnb_graph_ungroup (NnbGraph *graph, int block, GError **error);

/* Places every block in layers from the input (one column per step, skip
 * connections kept off the straight path). */
void nnb_graph_layout (NnbGraph *graph);

/* The edits above keep a model whose class is "Sequential" (modules named
 * 0, 1, 2…) a Sequential while it stays a chain; any other structure makes
 * it a subclass "Model" with identifiers for names. The editor calls this
 * after each structural edit. */
void nnb_graph_normalize (NnbGraph *graph);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NnbGraph, nnb_graph_free)

G_END_DECLS
