/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-rng.h — PyTorch's CPU random generator, bit for bit.
 *
 * mt19937 seeded as torch.manual_seed does, with the same transforms as
 * PyTorch 1.13 for rand/uniform_, randn/normal_ (scalar path below 16
 * elements, vectorised path from 16 on), randperm and Dropout's mask, so that the same seed
 * gives the same float32 numbers as PyTorch; tests/reference/make_rng_golden.py
 * prints the streams that tests/test-rng.c checks; docs/rng.md notes Dropout's. */
#pragma once

#include <glib.h>
#include <stdint.h>

G_BEGIN_DECLS

typedef struct
{
  guint32 state[624];
  int index;
  /* normal_distribution<double> caches its second sample between calls */
  gboolean has_next_normal;
  double next_normal;
} NnbGenerator;

/* torch.manual_seed(seed) */
void nnb_generator_manual_seed (NnbGenerator *gen, guint64 seed);
/* A freshly seeded generator (heap); free with g_free. */
NnbGenerator *nnb_generator_new (guint64 seed);

/* The process-wide default generator, like torch's; seeded with 67280421310721
 * as PyTorch's default seed is, until manual_seed is called. Not thread-safe:
 * the trainer uses its own generator. */
NnbGenerator *nnb_generator_default (void);

/* tensor.uniform_(a, b) on n contiguous float32 values; rand(n) is (0, 1). */
void nnb_rng_uniform (NnbGenerator *gen, float *out, gsize n, double a, double b);
/* tensor.normal_(mean, std) on n contiguous float32 values; randn(n) is (0, 1). */
void nnb_rng_normal (NnbGenerator *gen, float *out, gsize n, double mean, double std);
/* torch.randperm(n) */
void nnb_rng_randperm (NnbGenerator *gen, int64_t *out, int64_t n);
/* The noise nn.Dropout(p) multiplies by in training mode, as PyTorch 1.13's
 * CPU _dropout makes it: noise.bernoulli_(1 − p) then noise.div_(1 − p). Per
 * value, in order: one 64-bit draw u (53 bits · 2⁻⁵³, double) and keep when
 * u < 1 − p; a kept value is 1/(1 − p) as float32 division, 1.0f / (float)
 * (1 − p), a dropped one 0. p = 0 gives ones and p = 1 zeros, drawing
 * nothing (PyTorch's shortcuts). p must be in [0, 1]. */
void nnb_rng_dropout_mask (NnbGenerator *gen, float *mask, gsize n, double p);

G_END_DECLS
