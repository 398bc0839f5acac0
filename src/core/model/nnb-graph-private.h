/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-graph-private.h — what the graph's files share (the type in
 * nnb-graph.c, its edits in nnb-graph-edit.c, its layout in
 * nnb-graph-layout.c), and what only the tests call; not for the editor. */
#pragma once

#include "nnb-graph.h"

G_BEGIN_DECLS

#define NNB_GRAPH_LAYER_DX 160.0 /* the examples' spacing: room for a block and a shape label */
#define NNB_GRAPH_LAYER_DY 100.0 /* a skip connection's wire passes between two rows */

/* What each palette entry becomes in the model. */
typedef struct
{
  const char *name;
  NnbNodeKind node;
  NnbModuleKind module;
  const char *base; /* default attribute name */
} NnbBlockKindInfo;

extern const NnbBlockKindInfo nnb_block_kinds[NNB_N_BLOCK_KINDS];

/* A Linear is 1 → 1 with a bias until edited; a Sequential has no children. */
NnbGraphModule *nnb_graph_module_new (const char *name, NnbModuleKind kind);
/* A deep copy under another name (NULL for a Sequential's child). */
NnbGraphModule *nnb_graph_module_copy (const NnbGraphModule *source, const char *name);
/* Index in registration order, or -1. */
int nnb_graph_module_index (const NnbGraph *graph, const char *name);
NnbGraphModule *nnb_graph_find_module (const NnbGraph *graph, const char *name);
/* Unwired, at x, y. module: CALL's module, or FUNCTION's function (with
 * its default arguments). */
NnbGraphBlock *nnb_graph_block_new (const char *name, NnbNodeKind kind, const char *module, double x, double y);

/* For tests: the editor reads graph->blocks itself. */
guint nnb_graph_n_blocks (const NnbGraph *graph);

G_END_DECLS
