/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-rng-golden.h — reading tests/data/rng-golden.json (written by
 * tests/reference/make_rng_golden.py) for test-rng.c and test-init.c.
 *
 * Float32 values are stored as runs of 8-hex-digit bit patterns, so a
 * comparison is on bits: no tolerance anywhere. Large tensors keep their
 * first values and a SHA-256 of all their bytes, just as exact. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdint.h>
#include <string.h>
#include "nnb-test-util.h"

/* The parsed file; lives until the test program exits. */
static inline JsonObject *
nnb_rng_golden_load (void)
{
  static JsonParser *parser = NULL;
  g_autofree char *path = nnb_test_path ("data/rng-golden.json");
  g_autoptr (GError) error = NULL;

  if (parser == NULL)
    {
      parser = json_parser_new ();
      if (!json_parser_load_from_file (parser, path, &error))
        g_error ("cannot read %s: %s", path, error->message);
    }
  return json_node_get_object (json_parser_get_root (parser));
}

static inline guint32
nnb_rng_golden_word (const char *hex)
{
  guint32 word = 0;

  for (int i = 0; i < 8; i++)
    {
      int digit = g_ascii_xdigit_value (hex[i]);

      g_assert_cmpint (digit, >=, 0);
      word = (word << 4) | (guint32) digit;
    }
  return word;
}

/* Number of float32 values in a run of bit patterns. */
static inline gsize
nnb_rng_golden_count (const char *hex)
{
  gsize len = strlen (hex);

  g_assert_cmpuint (len % 8, ==, 0);
  return len / 8;
}

static inline float
nnb_rng_golden_float (guint32 word)
{
  float value;

  memcpy (&value, &word, sizeof value);
  return value;
}

/* Fails the test at the first value whose bits differ. */
static inline void
nnb_rng_golden_assert_bits (const char *what, const float *got, gsize n, const char *hex)
{
  g_assert_cmpuint (nnb_rng_golden_count (hex), ==, n);
  for (gsize i = 0; i < n; i++)
    {
      guint32 want = nnb_rng_golden_word (hex + 8 * i);
      guint32 have;

      memcpy (&have, &got[i], sizeof have);
      if (have != want)
        {
          g_test_fail_printf ("%s[%" G_GSIZE_FORMAT "]: PyTorch has %08x (%.9g), we have %08x (%.9g)",
                              what, i, want, nnb_rng_golden_float (want), have, got[i]);
          return;
        }
    }
}

/* A case's member `key` ("bits"), or `key`_head and `key`_sha256 for a
 * tensor too large to store in full. */
static inline void
nnb_rng_golden_assert_values (const char *what, const float *got, gsize n,
                              JsonObject *c, const char *key)
{
  g_autofree char *head_key = g_strconcat (key, "_head", NULL);
  g_autofree char *digest_key = g_strconcat (key, "_sha256", NULL);
  g_autofree char *digest = NULL;
  const char *head;

  if (json_object_has_member (c, key))
    {
      nnb_rng_golden_assert_bits (what, got, n, json_object_get_string_member (c, key));
      return;
    }
  head = json_object_get_string_member (c, head_key);
  g_assert_cmpuint (nnb_rng_golden_count (head), <=, n);
  nnb_rng_golden_assert_bits (what, got, nnb_rng_golden_count (head), head);
  g_assert_true (G_BYTE_ORDER == G_LITTLE_ENDIAN);
  digest = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) got, n * sizeof *got);
  g_assert_cmpstr (digest, ==, json_object_get_string_member (c, digest_key));
}

static inline void
nnb_rng_golden_assert_fill (const char *what, const float *got, gsize n, const char *hex)
{
  guint32 want = nnb_rng_golden_word (hex);

  for (gsize i = 0; i < n; i++)
    {
      guint32 have;

      memcpy (&have, &got[i], sizeof have);
      if (have != want)
        {
          g_test_fail_printf ("%s[%" G_GSIZE_FORMAT "]: PyTorch has %08x, we have %08x", what, i, want, have);
          return;
        }
    }
}
