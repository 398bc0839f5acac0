/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-softmax.h — softmax and log_softmax over rows on the CPU, with
 * PyTorch 1.13's bits: for the modules nn.Softmax(dim=1) and
 * nn.LogSoftmax(dim=1), and for any loss built on them (cross-entropy is
 * log_softmax, then nll_loss).
 *
 * Each function takes one contiguous row of n ≥ 1 floats, the last
 * dimension of a (B, F) tensor, and computes what torch.softmax (x, -1),
 * torch.log_softmax (x, -1) and their backward passes give on the CPU
 * (ATen's AVX2 kernels, one thread: tests/test-softmax.c holds them to
 * it, bit for bit): the order of operations is nnb-formulas.h's
 * nnb_f_*_row, the exp and log SLEEF's, which PyTorch calls. Any row
 * length works; none allocates. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* y = exp(x − max x) / Σ exp(x − max x); y may be x. */
void nnb_softmax_row (const float *x, float *y, gsize n);
/* y = (x − max x) − log Σ exp(x − max x); y may be x. */
void nnb_log_softmax_row (const float *x, float *y, gsize n);
/* Softmax's backward from its output y and the gradient dy of the output:
 * dx = (dy − Σ dy·y) · y, overwritten, or added into dx with accumulate
 * (the one rounding autograd's accumulation makes). dx may be dy when not
 * accumulating. */
void nnb_softmax_backward_row (const float *y, const float *dy, float *dx, gsize n, gboolean accumulate);
/* LogSoftmax's backward from its output y (the log-probabilities):
 * dx = dy − exp(y) · Σ dy, overwritten or added as above. For
 * cross-entropy, dy is nll_loss's gradient (−weight/N at the target,
 * 0 elsewhere). dx may be dy when not accumulating. */
void nnb_log_softmax_backward_row (const float *y, const float *dy, float *dx, gsize n, gboolean accumulate);

/* torch.exp and torch.log of one float on this CPU (SLEEF's, as above):
 * for the losses written as element-wise tensor code in PyTorch. */
float nnb_torch_expf (float x);
float nnb_torch_logf (float x);

/* The CPU table's softmax_forward and softmax_backward (nnb-backend.h):
 * the rows above over rows × cols. */
void nnb_cpu_softmax_forward (gboolean log_softmax, const float *x, float *y, gsize rows, gsize cols);
void nnb_cpu_softmax_backward (gboolean log_softmax, const float *y, const float *dy, float *dx, gsize rows, gsize cols,
                               gboolean accumulate);

G_END_DECLS
