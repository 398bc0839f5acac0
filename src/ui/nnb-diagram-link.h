/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-diagram-link.h — keeps the diagram's selection and the parameter
 * tree's in step: a row selected in the tree (fc1, or fc1.weight) selects
 * the blocks that call its module; a block selected in the diagram selects
 * its module's row. */
#pragma once

#include "nnb-diagram-view.h"
#include "nnb-parameter-view.h"

G_BEGIN_DECLS

/* For as long as both widgets live. */
void nnb_diagram_link_parameters (NnbDiagramView *view, NnbParameterView *parameters);

G_END_DECLS
