/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-gelu-parity.c — nn.GELU (approximate='none') against real PyTorch
 * 1.13, bit for bit:
 *
 *  - the CPU backend's forward and backward (AVX2 lanes, their tail, and
 *    accumulating) and nnb-formulas.h's scalar formulas (the scalar loops
 *    and the GPU's) on 100000 values over [-10, 10] and special ones: the
 *    bits of oneDNN's gelu_erf kernel, which PyTorch takes for a tensor of
 *    more than one element;
 *  - a one-element tensor, which PyTorch computes with ATen's own code;
 *  - Linear(2, 8) → GELU → Linear(8, 1): five SGD steps, every loss and
 *    the parameters after them.
 *
 * Golden bits: tests/reference/make_gelu_golden.py →
 * tests/data/gelu-golden.json. */
#include <glib.h>
#include <json-glib/json-glib.h>

#include "nnb-backend.h"
#include "nnb-formulas.h"
#include "nnb-loss.h"
#include "nnb-model-private.h"
#include "nnb-optimizer.h"
#include "nnb-python-import.h"
#include "nnb-test-util.h"

static JsonObject *
golden (const char *member)
{
  return json_object_get_object_member (nnb_test_golden ("data/gelu-golden.json"), member);
}

typedef struct
{
  gsize n, count; /* the evenly spread values, and all of them */
  float *x, *dy;
} Sweep;

/* the inputs make_gelu_golden.py builds, in the same double arithmetic */
static Sweep
sweep_inputs (JsonObject *g)
{
  Sweep s;
  JsonArray *specials = json_object_get_array_member (g, "specials");

  s.n = json_object_get_int_member (g, "n");
  s.count = s.n + json_array_get_length (specials);
  s.x = g_new (float, s.count);
  s.dy = g_new (float, s.count);
  for (gsize i = 0; i < s.count; i++)
    {
      s.x[i] = i < s.n ? (float) (-10.0 + 20.0 * (double) i / (double) (s.n - 1))
                       : nnb_test_float_of_hex (json_array_get_string_element (specials, i - s.n));
      s.dy[i] = (float) (-1.0 + 2.0 * (double) ((i * (guint64) 7919) % s.n) / (double) s.n);
    }
  return s;
}

/* the golden SHA-256 of all the values; on a difference, the sampled
 * values name the first one that differs */
static void
assert_sweep_bits (JsonObject *g, const Sweep *s, const char *what, const char *member, const float *values)
{
  g_autofree char *digest_member = g_strdup_printf ("%s_sha256", member);
  g_autofree char *digest = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) values,
                                                         s->count * sizeof (float));
  JsonArray *picked = json_object_get_array_member (g, member);
  gsize stride = json_object_get_int_member (g, "stride"), k = 0;
  g_autofree float *sampled = g_new (float, json_array_get_length (picked));

  G_STATIC_ASSERT (G_BYTE_ORDER == G_LITTLE_ENDIAN);
  if (g_str_equal (digest, json_object_get_string_member (g, digest_member)))
    return;
  for (gsize i = 0; i < s->n; i += stride)
    sampled[k++] = values[i];
  for (gsize i = s->n; i < s->count; i++)
    sampled[k++] = values[i];
  g_assert_cmpuint (k, ==, json_array_get_length (picked));
  nnb_test_assert_float_bits (what, sampled, k, picked);
  g_error ("%s: the sampled values are PyTorch's, yet the SHA-256 of all %" G_GSIZE_FORMAT " differs", what,
           s->count);
}

/* forward and backward of the whole tensor, then 13 values (one vector
 * and a 5-float tail) at a time, the gradient accumulated onto −0, which
 * leaves every value as it is (−0 + 0 would not) */
static void
test_backend_sweep (void)
{
  JsonObject *g = golden ("sweep");
  Sweep s = sweep_inputs (g);
  const NnbBackend *cpu = nnb_backend_cpu ();
  g_autofree float *y = g_new (float, s.count), *dx = g_new (float, s.count);

  cpu->act_forward (NNB_ACT_GELU, 0.0f, s.x, y, s.count);
  assert_sweep_bits (g, &s, "GELU forward", "y", y);
  cpu->act_backward (NNB_ACT_GELU, 0.0f, s.x, y, s.dy, dx, s.count, FALSE);
  assert_sweep_bits (g, &s, "GELU backward", "dx", dx);

  for (gsize i = 0; i < s.count; i += 13)
    {
      gsize n = MIN (13, s.count - i);
      cpu->act_forward (NNB_ACT_GELU, 0.0f, s.x + i, y + i, n);
      for (gsize j = i; j < i + n; j++)
        dx[j] = -0.0f;
      cpu->act_backward (NNB_ACT_GELU, 0.0f, s.x + i, y + i, s.dy + i, dx + i, n, TRUE);
    }
  assert_sweep_bits (g, &s, "GELU forward, 13 at a time", "y", y);
  assert_sweep_bits (g, &s, "GELU backward, 13 at a time, accumulated", "dx", dx);
  g_free (s.x);
  g_free (s.dy);
}

/* nnb-formulas.h's nnb_f_gelu and nnb_f_gelu_backward one value at a time */
static void
test_formulas_sweep (void)
{
  JsonObject *g = golden ("sweep");
  Sweep s = sweep_inputs (g);
  g_autofree float *y = g_new (float, s.count), *dx = g_new (float, s.count);

  for (gsize i = 0; i < s.count; i++)
    {
      y[i] = nnb_f_gelu (s.x[i]);
      dx[i] = nnb_f_gelu_backward (s.x[i], s.dy[i]);
    }
  assert_sweep_bits (g, &s, "nnb_f_gelu", "y", y);
  assert_sweep_bits (g, &s, "nnb_f_gelu_backward", "dx", dx);
  g_free (s.x);
  g_free (s.dy);
}

/* a one-element tensor: ATen's code, not oneDNN's */
static void
test_single_element (void)
{
  JsonObject *g = golden ("single");
  JsonArray *xs = json_object_get_array_member (g, "x");
  guint n = json_array_get_length (xs);
  g_autofree float *y = g_new (float, n), *dx = g_new (float, n);
  const NnbBackend *cpu = nnb_backend_cpu ();
  const float dy = 0.37f;

  for (guint i = 0; i < n; i++)
    {
      float x = nnb_test_float_of_hex (json_array_get_string_element (xs, i));
      cpu->act_forward (NNB_ACT_GELU, 0.0f, &x, y + i, 1);
      cpu->act_backward (NNB_ACT_GELU, 0.0f, &x, y + i, &dy, dx + i, 1, FALSE);
    }
  nnb_test_assert_float_bits ("GELU of one element", y, n, json_object_get_array_member (g, "y"));
  nnb_test_assert_float_bits ("GELU backward of one element", dx, n, json_object_get_array_member (g, "dx"));
}

/* Linear(2, 8) → nn.GELU → Linear(8, 1), five full-batch SGD steps */
static void
test_trains_like_pytorch (void)
{
  JsonObject *g = golden ("model");
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbModel) model = nnb_python_import (json_object_get_string_member (g, "source"), -1, NULL, &error);

  g_assert_no_error (error);
  nnb_test_assert_sgd_steps (model, g, 8, 0.1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/gelu/backend-sweep", test_backend_sweep);
  g_test_add_func ("/gelu/formulas-sweep", test_formulas_sweep);
  g_test_add_func ("/gelu/single-element", test_single_element);
  g_test_add_func ("/gelu/trains-like-pytorch", test_trains_like_pytorch);
  return g_test_run ();
}
