/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-torch-str.h — print(t) as PyTorch 1.13 prints a small tensor with
 * its default print options (torch/_tensor_str.py): four decimals, one
 * width for every number, scientific notation when the numbers span more
 * than three orders of magnitude, rows wrapped at 80 characters. A
 * lesson's Show me prints logits, probabilities and losses this way, so
 * that the student reads what PyTorch would print. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* str(t) for a tensor of 0, 1 or 2 dimensions and at most 1000 numbers
 * (PyTorch summarises larger ones; this does not): a float32 tensor, or
 * with integer a LongTensor whose values are the whole numbers in values.
 * grad_fn, when not NULL, is added as PyTorch adds it:
 * tensor(0.7683, grad_fn=<NllLossBackward0>). */
char *nnb_torch_str (const float *values, int ndim, const int64_t *shape, gboolean integer, const char *grad_fn);

G_END_DECLS
