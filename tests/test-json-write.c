/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-json-write.c — numbers in NN Blocks' JSON: the shortest decimal that
 * reads back as the same float32 or double, exactly what trying 1, 2, 3…
 * significant digits in turn gives (the binary search that replaced it
 * must not change a single saved byte), for special values and random
 * bit patterns: floats and doubles of every exponent. */
#include <math.h>
#include <string.h>

#include "nnb-json-write.h"

/* The first digit count that reads back, tried in turn: the reference. */
static void
reference (char *buf, gsize size, double value, int max, gboolean as_float)
{
  char format[8];

  for (int digits = 1; digits <= max; digits++)
    {
      double back;

      g_snprintf (format, sizeof format, "%%.%dg", digits);
      g_ascii_formatd (buf, size, format, value);
      back = g_ascii_strtod (buf, NULL);
      if (as_float ? (float) back == (float) value : back == value)
        return;
    }
}

/* The number as read back from what was written. */
static void
assert_float (float value)
{
  char got[G_ASCII_DTOSTR_BUF_SIZE], want[G_ASCII_DTOSTR_BUF_SIZE];

  nnb_json_format_float (got, sizeof got, value);
  g_assert_cmpfloat ((float) g_ascii_strtod (got, NULL), ==, value);
  reference (want, sizeof want, value, 9, TRUE);
  /* the same digits (large integers are then spelled out in full) */
  if (strstr (want, "e+") == NULL)
    g_assert_cmpstr (got, ==, want);
}

static void
test_floats_are_shortest (void)
{
  static const float special[] = {
    0.0f,
    1.0f,
    -1.0f,
    0.5f,
    0.1f,
    0.2f,
    0.3f,
    1e-45f,
    1.17549435e-38f,
    3.40282347e38f,
    -3.40282347e38f,
    0.01999f,
    0.0330f,
    123456.789f,
    16777216.0f,
    16777217.0f,
    1e-5f,
    6.2831855f,
  };
  GRand *rand = g_rand_new_with_seed (20261205);

  for (gsize i = 0; i < G_N_ELEMENTS (special); i++)
    assert_float (special[i]);
  for (int i = 0; i < 150000; i++)
    {
      guint32 bits = g_rand_int (rand);
      float value;

      memcpy (&value, &bits, sizeof value);
      if (!isfinite (value))
        continue;
      assert_float (value);
    }
  g_rand_free (rand);
}

static void
test_doubles_are_shortest (void)
{
  GRand *rand = g_rand_new_with_seed (5122026);

  for (int i = 0; i < 40000; i++)
    {
      guint64 bits = ((guint64) g_rand_int (rand) << 32) | g_rand_int (rand);
      char got[G_ASCII_DTOSTR_BUF_SIZE], want[G_ASCII_DTOSTR_BUF_SIZE];
      double value;

      memcpy (&value, &bits, sizeof value);
      if (!isfinite (value) || fabs (value) >= 1e16)
        continue;
      nnb_json_format_double (got, sizeof got, value);
      g_assert_cmpfloat (g_ascii_strtod (got, NULL), ==, value);
      reference (want, sizeof want, value, 17, FALSE);
      if (strstr (want, "e+") == NULL)
        g_assert_cmpstr (got, ==, want);
    }
  g_rand_free (rand);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/json-write/floats-are-shortest", test_floats_are_shortest);
  g_test_add_func ("/json-write/doubles-are-shortest", test_doubles_are_shortest);
  return g_test_run ();
}
