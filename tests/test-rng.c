/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-rng.c — the same seed gives PyTorch's numbers, bit for bit:
 * rand, randn (both normal paths), uniform_, normal_, randperm, and the
 * cached normal sample that survives between calls. Golden numbers come
 * from tests/reference/make_rng_golden.py. */
#include <glib.h>
#include <json-glib/json-glib.h>
#include "nnb-rng-golden.h"
#include "nnb-rng.h"
#include "nnb-tensor-private.h"

/* After a call, the next randn(1) and rand(1): the generator must be in
 * PyTorch's place, with or without a cached normal. */
static void
assert_after (NnbGenerator *gen, JsonObject *c)
{
  float next[2];

  nnb_rng_normal (gen, &next[0], 1, 0.0, 1.0);
  nnb_rng_uniform (gen, &next[1], 1, 0.0, 1.0);
  nnb_rng_golden_assert_bits ("after: randn(1), rand(1)", next, 2, json_object_get_string_member (c, "after"));
}

static void
run_stream (NnbGenerator *gen, const char *op, float *out, gsize n, JsonObject *c)
{
  JsonArray *args = json_object_has_member (c, "args") ? json_object_get_array_member (c, "args") : NULL;
  gboolean given = args != NULL && json_array_get_length (args) == 2;
  double p = given ? json_array_get_double_element (args, 0) : 0.0;
  double q = given ? json_array_get_double_element (args, 1) : 1.0;

  if (g_str_equal (op, "rand") || g_str_equal (op, "uniform_"))
    nnb_rng_uniform (gen, out, n, p, q);
  else if (g_str_equal (op, "randn") || g_str_equal (op, "normal_"))
    nnb_rng_normal (gen, out, n, p, q);
  else
    g_assert_not_reached ();
}

static void
test_stream_is_bit_identical (gconstpointer data)
{
  JsonObject *c = (JsonObject *) data;
  gsize n = (gsize) json_object_get_int_member (c, "size");
  g_autofree NnbGenerator *gen = nnb_generator_new ((guint64) json_object_get_int_member (c, "seed"));
  g_autofree float *out = g_new0 (float, n);

  run_stream (gen, json_object_get_string_member (c, "op"), out, n, c);
  nnb_rng_golden_assert_bits (json_object_get_string_member (c, "op"), out, n,
                              json_object_get_string_member (c, "bits"));
  assert_after (gen, c);
}

static void
test_randperm_is_identical (gconstpointer data)
{
  JsonObject *c = (JsonObject *) data;
  JsonArray *want = json_object_get_array_member (c, "values");
  int64_t n = json_object_get_int_member (c, "size");
  g_autofree NnbGenerator *gen = nnb_generator_new ((guint64) json_object_get_int_member (c, "seed"));
  g_autofree int64_t *perm = g_new0 (int64_t, n);

  nnb_rng_randperm (gen, perm, n);
  g_assert_cmpuint (json_array_get_length (want), ==, (guint) n);
  for (int64_t i = 0; i < n; i++)
    g_assert_cmpint (perm[i], ==, json_array_get_int_element (want, (guint) i));
  assert_after (gen, c);
}

/* A million values, compared through the SHA-256 of their bytes. */
static void
test_long_stream_digest_matches (gconstpointer data)
{
  JsonObject *c = (JsonObject *) data;
  const char *op = json_object_get_string_member (c, "op");
  gsize n = (gsize) json_object_get_int_member (c, "size");
  g_autofree NnbGenerator *gen = nnb_generator_new ((guint64) json_object_get_int_member (c, "seed"));
  g_autofree char *digest = NULL;

  g_assert_true (G_BYTE_ORDER == G_LITTLE_ENDIAN);
  if (g_str_equal (op, "randperm"))
    {
      g_autofree int64_t *perm = g_new (int64_t, n);

      nnb_rng_randperm (gen, perm, (int64_t) n);
      digest = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) perm, n * sizeof *perm);
    }
  else
    {
      g_autofree float *out = g_new (float, n);

      run_stream (gen, op, out, n, c);
      digest = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) out, n * sizeof *out);
    }
  g_assert_cmpstr (digest, ==, json_object_get_string_member (c, "sha256"));
  assert_after (gen, c);
}

/* randn(5) runs the scalar path and leaves a cached normal; randn(3) must
 * start with it, the vectorised randn(20) must leave it alone. */
static void
test_mixed_calls_keep_the_cached_normal (void)
{
  JsonObject *seq = json_object_get_object_member (nnb_rng_golden_load (), "sequence");
  JsonArray *steps = json_object_get_array_member (seq, "steps");
  g_autofree NnbGenerator *gen = nnb_generator_new ((guint64) json_object_get_int_member (seq, "seed"));

  for (guint i = 0; i < json_array_get_length (steps); i++)
    {
      JsonObject *step = json_array_get_object_element (steps, i);
      const char *op = json_object_get_string_member (step, "op");
      gsize n = (gsize) json_object_get_int_member (step, "size");
      g_autofree char *what = g_strdup_printf ("step %u: %s(%" G_GSIZE_FORMAT ")", i, op, n);

      if (g_str_equal (op, "randperm"))
        {
          JsonArray *want = json_object_get_array_member (step, "values");
          g_autofree int64_t *perm = g_new0 (int64_t, n);

          nnb_rng_randperm (gen, perm, (int64_t) n);
          for (gsize k = 0; k < n; k++)
            g_assert_cmpint (perm[k], ==, json_array_get_int_element (want, (guint) k));
        }
      else
        {
          g_autofree float *out = g_new0 (float, n);

          run_stream (gen, op, out, n, step);
          nnb_rng_golden_assert_bits (what, out, n, json_object_get_string_member (step, "bits"));
        }
      if (g_test_failed ())
        return;
    }
}

/* torch.manual_seed keeps the low 32 bits of a 64-bit seed. */
static void
test_large_seeds_use_their_low_32_bits (void)
{
  JsonArray *cases = json_object_get_array_member (nnb_rng_golden_load (), "big_seeds");

  for (guint i = 0; i < json_array_get_length (cases); i++)
    {
      JsonObject *c = json_array_get_object_element (cases, i);
      guint64 seed = g_ascii_strtoull (json_object_get_string_member (c, "seed"), NULL, 10);
      g_autofree NnbGenerator *gen = nnb_generator_new (seed);
      float rand[20], randn[20];

      nnb_rng_uniform (gen, rand, 20, 0.0, 1.0);
      nnb_rng_normal (gen, randn, 20, 0.0, 1.0);
      nnb_rng_golden_assert_bits ("rand(20)", rand, 20, json_object_get_string_member (c, "rand"));
      nnb_rng_golden_assert_bits ("randn(20)", randn, 20, json_object_get_string_member (c, "randn"));
    }
}

static void
test_default_generator_starts_at_pytorch_default_seed (void)
{
  JsonObject *c = json_object_get_object_member (nnb_rng_golden_load (), "default_generator");
  NnbGenerator copy = *nnb_generator_default ();
  g_autofree NnbGenerator *fresh = nnb_generator_new (67280421310721);
  float rand[8], randn[20];

  /* a copy: other tests in this program must not see the draws */
  g_assert_cmpstr (json_object_get_string_member (c, "initial_seed"), ==, "67280421310721");
  g_assert_cmpmem (copy.state, sizeof copy.state, fresh->state, sizeof fresh->state);
  nnb_rng_uniform (&copy, rand, 8, 0.0, 1.0);
  nnb_rng_normal (&copy, randn, 20, 0.0, 1.0);
  nnb_rng_golden_assert_bits ("rand(8)", rand, 8, json_object_get_string_member (c, "rand"));
  nnb_rng_golden_assert_bits ("randn(20)", randn, 20, json_object_get_string_member (c, "randn"));
}

/* The reference mt19937 check value: the 10000th draw after seeding 5489
 * is 4123659995 (C++ [rand.predef]). */
static void
test_mt19937_matches_the_reference_engine (void)
{
  g_autofree NnbGenerator *gen = nnb_generator_new (5489);
  guint32 x = 0;

  g_assert_cmpuint (nnb_generator_random (gen), ==, 3499211612u);
  for (int i = 1; i < 10000; i++)
    x = nnb_generator_random (gen);
  g_assert_cmpuint (x, ==, 4123659995u);
}

static void
test_random64_is_two_draws_high_first (void)
{
  g_autofree NnbGenerator *a = nnb_generator_new (42);
  g_autofree NnbGenerator *b = nnb_generator_new (42);
  guint64 hi = nnb_generator_random (a);
  guint64 lo = nnb_generator_random (a);

  g_assert_cmphex (nnb_generator_random64 (b), ==, (hi << 32) | lo);
}

static void
test_manual_seed_clears_the_cached_normal (void)
{
  g_autofree NnbGenerator *gen = nnb_generator_new (0);
  g_autofree NnbGenerator *fresh = nnb_generator_new (0);
  float x, a, b;

  nnb_rng_normal (gen, &x, 1, 0.0, 1.0);
  g_assert_true (gen->has_next_normal);
  nnb_generator_manual_seed (gen, 0);
  g_assert_false (gen->has_next_normal);
  nnb_rng_normal (gen, &a, 1, 0.0, 1.0);
  nnb_rng_normal (fresh, &b, 1, 0.0, 1.0);
  g_assert_cmpfloat (a, ==, b);
}

static void
add_stream_tests (JsonObject *golden)
{
  JsonArray *streams = json_object_get_array_member (golden, "streams");
  JsonArray *perms = json_object_get_array_member (golden, "randperm");
  JsonArray *digests = json_object_get_array_member (golden, "digests");

  for (guint i = 0; i < json_array_get_length (streams); i++)
    {
      JsonObject *c = json_array_get_object_element (streams, i);
      g_autofree char *op = g_strdup (json_object_get_string_member (c, "op"));
      g_autofree char *path = NULL;

      g_strdelimit (op, "_", '\0'); /* "uniform_" reads as /rng/uniform/ */
      path = g_strdup_printf ("/rng/%s/seed-%" G_GINT64_FORMAT "-size-%" G_GINT64_FORMAT "-bit-identical",
                              op, json_object_get_int_member (c, "seed"), json_object_get_int_member (c, "size"));
      g_test_add_data_func (path, c, test_stream_is_bit_identical);
    }
  for (guint i = 0; i < json_array_get_length (perms); i++)
    {
      JsonObject *c = json_array_get_object_element (perms, i);
      g_autofree char *path = g_strdup_printf ("/rng/randperm/seed-%" G_GINT64_FORMAT "-size-%" G_GINT64_FORMAT "-identical",
                                               json_object_get_int_member (c, "seed"),
                                               json_object_get_int_member (c, "size"));
      g_test_add_data_func (path, c, test_randperm_is_identical);
    }
  for (guint i = 0; i < json_array_get_length (digests); i++)
    {
      JsonObject *c = json_array_get_object_element (digests, i);
      g_autofree char *op = g_strdup (json_object_get_string_member (c, "op"));
      g_autofree char *path = NULL;

      g_strdelimit (op, "_", '\0');
      path = g_strdup_printf ("/rng/%s/seed-%" G_GINT64_FORMAT "-size-%" G_GINT64_FORMAT "-digest-identical",
                              op, json_object_get_int_member (c, "seed"), json_object_get_int_member (c, "size"));
      g_test_add_data_func (path, c, test_long_stream_digest_matches);
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/rng/mt19937/matches-the-reference-engine", test_mt19937_matches_the_reference_engine);
  g_test_add_func ("/rng/random64/is-two-draws-high-first", test_random64_is_two_draws_high_first);
  g_test_add_func ("/rng/manual-seed/clears-the-cached-normal", test_manual_seed_clears_the_cached_normal);
  g_test_add_func ("/rng/manual-seed/large-seeds-use-their-low-32-bits", test_large_seeds_use_their_low_32_bits);
  g_test_add_func ("/rng/default-generator/starts-at-pytorch-default-seed",
                   test_default_generator_starts_at_pytorch_default_seed);
  g_test_add_func ("/rng/sequence/mixed-calls-keep-the-cached-normal", test_mixed_calls_keep_the_cached_normal);
  add_stream_tests (nnb_rng_golden_load ());

  return g_test_run ();
}
