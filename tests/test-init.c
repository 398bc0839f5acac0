/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-init.c — torch.nn.init with PyTorch's formulas and streams: the same
 * seed gives the same weights, bit for bit, and mistakes get PyTorch's
 * messages. Golden numbers come from tests/reference/make_rng_golden.py. */
#include <glib.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include "nnb-init.h"
#include "nnb-model.h"
#include "nnb-module.h"
#include "nnb-test-util.h"
#include "nnb-rng-golden.h"
#include "nnb-tensor-private.h"

static NnbNonlinearity
nonlinearity_from_name (const char *name)
{
  if (g_str_equal (name, "relu"))
    return NNB_NONLINEARITY_RELU;
  if (g_str_equal (name, "leaky_relu"))
    return NNB_NONLINEARITY_LEAKY_RELU;
  if (g_str_equal (name, "tanh"))
    return NNB_NONLINEARITY_TANH;
  if (g_str_equal (name, "sigmoid"))
    return NNB_NONLINEARITY_SIGMOID;
  g_assert_cmpstr (name, ==, "linear");
  return NNB_NONLINEARITY_LINEAR;
}

static NnbTensor *
tensor_from_shape (JsonArray *shape)
{
  int64_t dims[NNB_MAX_DIMS];
  guint ndim = json_array_get_length (shape);

  g_assert_cmpuint (ndim, <=, NNB_MAX_DIMS);
  for (guint i = 0; i < ndim; i++)
    dims[i] = json_array_get_int_element (shape, i);
  return nnb_tensor_new_cpu ((int) ndim, dims);
}

/* The C call that matches one golden case's torch.nn.init call. */
static gboolean
apply_init (NnbTensor *t, const char *op, JsonObject *args, NnbGenerator *gen, GError **error)
{
#define ARG(name) json_object_get_double_member (args, name)
  if (g_str_equal (op, "xavier_uniform_"))
    return nnb_init_xavier_uniform_ (t, ARG ("gain"), gen, error);
  if (g_str_equal (op, "xavier_normal_"))
    return nnb_init_xavier_normal_ (t, ARG ("gain"), gen, error);
  if (g_str_has_prefix (op, "kaiming_"))
    {
      NnbFanMode mode = g_str_equal (json_object_get_string_member (args, "mode"), "fan_out") ? NNB_FAN_OUT : NNB_FAN_IN;
      NnbNonlinearity nl = nonlinearity_from_name (json_object_get_string_member (args, "nonlinearity"));

      if (g_str_equal (op, "kaiming_uniform_"))
        return nnb_init_kaiming_uniform_ (t, ARG ("a"), mode, nl, gen, error);
      return nnb_init_kaiming_normal_ (t, ARG ("a"), mode, nl, gen, error);
    }
  if (g_str_equal (op, "normal_"))
    return nnb_init_normal_ (t, ARG ("mean"), ARG ("std"), gen, error);
  if (g_str_equal (op, "uniform_"))
    return nnb_init_uniform_ (t, ARG ("a"), ARG ("b"), gen, error);
  if (g_str_equal (op, "zeros_"))
    return nnb_init_zeros_ (t, error);
  if (g_str_equal (op, "ones_"))
    return nnb_init_ones_ (t, error);
  if (g_str_equal (op, "constant_"))
    return nnb_init_constant_ (t, ARG ("value"), error);
#undef ARG
  g_assert_not_reached ();
}

static void
assert_after (NnbGenerator *gen, JsonObject *c)
{
  float next[2];

  nnb_rng_normal (gen, &next[0], 1, 0.0, 1.0);
  nnb_rng_uniform (gen, &next[1], 1, 0.0, 1.0);
  nnb_rng_golden_assert_bits ("after: randn(1), rand(1)", next, 2, json_object_get_string_member (c, "after"));
}

static void
test_init_is_bit_identical (gconstpointer data)
{
  JsonObject *c = (JsonObject *) data;
  const char *op = json_object_get_string_member (c, "op");
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbTensor) t = tensor_from_shape (json_object_get_array_member (c, "shape"));
  g_autofree NnbGenerator *gen = nnb_generator_new ((guint64) json_object_get_int_member (c, "seed"));

  g_assert_true (apply_init (t, op, json_object_get_object_member (c, "args"), gen, &error));
  g_assert_no_error (error);
  if (json_object_has_member (c, "fill"))
    nnb_rng_golden_assert_fill (op, t->data, (gsize) t->numel, json_object_get_string_member (c, "fill"));
  else
    nnb_rng_golden_assert_values (op, t->data, (gsize) t->numel, c, "bits");
  assert_after (gen, c);
}

/* nn.Linear(in, out) as the engine builds it: nnb_linear_new with a
 * generator runs reset_parameters (kaiming_uniform_(a=√5) on the weight,
 * then U(−1/√in, 1/√in) on the bias). The weight and bias are copied out. */
static void
init_like_linear (NnbTensor *weight, NnbTensor *bias, NnbGenerator *gen)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbModule) linear = nnb_linear_new (weight->shape[1], weight->shape[0], TRUE, gen, &error);

  g_assert_no_error (error);
  nnb_tensor_read (nnb_module_get_parameter (linear, "weight")->value, weight->data);
  nnb_tensor_read (nnb_module_get_parameter (linear, "bias")->value, bias->data);
}

static void
test_linear_default_init_is_bit_identical (gconstpointer data)
{
  JsonObject *c = (JsonObject *) data;
  int64_t in = json_object_get_int_member (c, "in");
  int64_t out = json_object_get_int_member (c, "out");
  g_autoptr (NnbTensor) weight = nnb_tensor_new_2d (out, in);
  g_autoptr (NnbTensor) bias = nnb_tensor_new_1d (out);
  g_autofree NnbGenerator *gen = nnb_generator_new ((guint64) json_object_get_int_member (c, "seed"));

  init_like_linear (weight, bias, gen);
  nnb_rng_golden_assert_values ("weight", weight->data, (gsize) weight->numel, c, "weight");
  nnb_rng_golden_assert_values ("bias", bias->data, (gsize) bias->numel, c, "bias");
  assert_after (gen, c);
}

/* The numbers the lesson quotes (shared/lesson/FACTS.md). */
static void
test_seed_0_linear_3_2_matches_the_lesson (void)
{
  const float want_weight[6] = { -0.0043225177f, 0.3097158372f, -0.4751853347f,
                                 -0.4248946011f, -0.2223689705f, 0.1548207253f };
  const float want_bias[2] = { -0.0114391446f, 0.4577749372f };
  g_autoptr (NnbTensor) weight = nnb_tensor_new_2d (2, 3);
  g_autoptr (NnbTensor) bias = nnb_tensor_new_1d (2);
  g_autofree NnbGenerator *gen = nnb_generator_new (0);

  init_like_linear (weight, bias, gen);
  g_assert_cmpmem (weight->data, 6 * sizeof (float), want_weight, sizeof want_weight);
  g_assert_cmpmem (bias->data, 2 * sizeof (float), want_bias, sizeof want_bias);
}

static void
test_calculate_gain_matches_pytorch (void)
{
  JsonObject *gains = json_object_get_object_member (nnb_rng_golden_load (), "gains");

#define GAIN(name) json_object_get_double_member (gains, name)
  g_assert_cmpfloat (nnb_init_calculate_gain (NNB_NONLINEARITY_LINEAR, 0), ==, GAIN ("linear"));
  g_assert_cmpfloat (nnb_init_calculate_gain (NNB_NONLINEARITY_SIGMOID, 0), ==, GAIN ("sigmoid"));
  g_assert_cmpfloat (nnb_init_calculate_gain (NNB_NONLINEARITY_TANH, 0), ==, GAIN ("tanh"));
  g_assert_cmpfloat (nnb_init_calculate_gain (NNB_NONLINEARITY_RELU, 0), ==, GAIN ("relu"));
  g_assert_cmpfloat (nnb_init_calculate_gain (NNB_NONLINEARITY_LEAKY_RELU, 0), ==, GAIN ("leaky_relu_0"));
  g_assert_cmpfloat (nnb_init_calculate_gain (NNB_NONLINEARITY_LEAKY_RELU, 0.01), ==, GAIN ("leaky_relu_0.01"));
  g_assert_cmpfloat (nnb_init_calculate_gain (NNB_NONLINEARITY_LEAKY_RELU, sqrt (5.0)), ==, GAIN ("leaky_relu_sqrt5"));
#undef GAIN
}

static void
assert_pytorch_error (GError *error, const char *key)
{
  JsonObject *errors = json_object_get_object_member (nnb_rng_golden_load (), "errors");

  g_assert_error (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (error->message, ==, json_object_get_string_member (errors, key));
}

static void
test_a_1d_tensor_has_no_fan (void)
{
  g_autoptr (NnbTensor) bias = nnb_tensor_new_1d (5);
  g_autofree NnbGenerator *gen = nnb_generator_new (0);
  gboolean (*const by_gain[]) (NnbTensor *, double, NnbGenerator *, GError **) = {
    nnb_init_xavier_uniform_,
    nnb_init_xavier_normal_,
  };

  for (guint i = 0; i < G_N_ELEMENTS (by_gain); i++)
    {
      g_autoptr (GError) error = NULL;

      g_assert_false (by_gain[i](bias, 1.0, gen, &error));
      assert_pytorch_error (error, "fan_1d");
    }
  for (int normal = 0; normal < 2; normal++)
    {
      g_autoptr (GError) error = NULL;
      gboolean ok = normal
                      ? nnb_init_kaiming_normal_ (bias, 0, NNB_FAN_IN, NNB_NONLINEARITY_RELU, gen, &error)
                      : nnb_init_kaiming_uniform_ (bias, 0, NNB_FAN_IN, NNB_NONLINEARITY_RELU, gen, &error);

      g_assert_false (ok);
      assert_pytorch_error (error, "fan_1d");
    }
}

static void
test_bad_ranges_get_pytorch_messages (void)
{
  g_autoptr (NnbTensor) t = nnb_tensor_new_2d (2, 3);
  g_autofree NnbGenerator *gen = nnb_generator_new (0);
  g_autoptr (GError) reversed = NULL;
  g_autoptr (GError) too_wide = NULL;
  g_autoptr (GError) from_out = NULL;
  g_autoptr (GError) to_out = NULL;
  g_autoptr (GError) negative_std = NULL;

  g_assert_false (nnb_init_uniform_ (t, 2, 1, gen, &reversed));
  assert_pytorch_error (reversed, "uniform_reversed");
  g_assert_false (nnb_init_uniform_ (t, -3e38, 3e38, gen, &too_wide));
  assert_pytorch_error (too_wide, "uniform_too_wide");
  g_assert_false (nnb_init_uniform_ (t, -1e39, 0, gen, &from_out));
  assert_pytorch_error (from_out, "uniform_from_out_of_bounds");
  g_assert_false (nnb_init_uniform_ (t, 0, 1e39, gen, &to_out));
  assert_pytorch_error (to_out, "uniform_to_out_of_bounds");
  g_assert_false (nnb_init_normal_ (t, 0, -1.5, gen, &negative_std));
  assert_pytorch_error (negative_std, "normal_negative_std");
}

static void
test_method_names_round_trip (void)
{
  static const char *const names[] = {
    "default",
    "xavier_uniform_",
    "xavier_normal_",
    "kaiming_uniform_",
    "kaiming_normal_",
    "zeros_",
    "ones_",
    "constant_",
    "normal_",
    "uniform_",
  };
  NnbInitMethod method;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_assert_true (nnb_init_method_from_string (names[i], &method));
      g_assert_cmpint (method, ==, (int) i);
      g_assert_cmpstr (nnb_init_method_to_string (method), ==, names[i]);
    }
  /* nn.init's deprecated spellings without the underscore */
  g_assert_true (nnb_init_method_from_string ("xavier_uniform", &method));
  g_assert_cmpint (method, ==, NNB_INIT_XAVIER_UNIFORM);
  g_assert_false (nnb_init_method_from_string ("xavier", &method));
  g_assert_false (nnb_init_method_from_string ("", &method));
  g_assert_false (nnb_init_method_from_string (NULL, &method));
}

/* The first golden case of an op with these args, seed and numel. */
static JsonObject *
find_init_case (const char *op, const char *arg, double value)
{
  JsonArray *cases = json_object_get_array_member (nnb_rng_golden_load (), "init");

  for (guint i = 0; i < json_array_get_length (cases); i++)
    {
      JsonObject *c = json_array_get_object_element (cases, i);
      JsonObject *args = json_object_get_object_member (c, "args");

      if (g_str_equal (json_object_get_string_member (c, "op"), op) &&
          (arg == NULL || json_object_get_double_member (args, arg) == value))
        return c;
    }
  g_assert_not_reached ();
}

/* apply_method's defaults are PyTorch's: gain 1; a 0, fan_in, leaky_relu
 * (the same gain as relu); normal(0, 1); uniform(0, 1). */
static void
test_apply_method_uses_pytorch_defaults (void)
{
  struct
  {
    NnbInitMethod method;
    const char *op;
    const char *arg;
    double value;
  } cases[] = {
    { NNB_INIT_XAVIER_UNIFORM, "xavier_uniform_", "gain", 1.0 },
    { NNB_INIT_XAVIER_NORMAL, "xavier_normal_", "gain", 1.0 },
    { NNB_INIT_KAIMING_UNIFORM, "kaiming_uniform_", "a", 0.0 },
    { NNB_INIT_KAIMING_NORMAL, "kaiming_normal_", "a", 0.0 },
    { NNB_INIT_ZEROS, "zeros_", NULL, 0 },
    { NNB_INIT_ONES, "ones_", NULL, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      JsonObject *c = find_init_case (cases[i].op, cases[i].arg, cases[i].value);
      g_autoptr (GError) error = NULL;
      g_autoptr (NnbTensor) t = tensor_from_shape (json_object_get_array_member (c, "shape"));
      g_autofree NnbGenerator *gen = nnb_generator_new ((guint64) json_object_get_int_member (c, "seed"));

      g_assert_true (nnb_init_apply_method (t, cases[i].method, 0.0, gen, &error));
      g_assert_no_error (error);
      if (json_object_has_member (c, "fill"))
        nnb_rng_golden_assert_fill (cases[i].op, t->data, (gsize) t->numel, json_object_get_string_member (c, "fill"));
      else
        nnb_rng_golden_assert_values (cases[i].op, t->data, (gsize) t->numel, c, "bits");
    }
}

/* normal(0, 1) and uniform(0, 1) are randn and rand; constant uses value;
 * default leaves the tensor and the generator alone. */
static void
test_apply_method_plain_distributions (void)
{
  g_autoptr (NnbTensor) t = nnb_tensor_new_2d (4, 5);
  g_autofree NnbGenerator *gen = nnb_generator_new (3);
  g_autofree NnbGenerator *ref = nnb_generator_new (3);
  float want[20];

  g_assert_true (nnb_init_apply_method (t, NNB_INIT_NORMAL, 0.0, gen, NULL));
  nnb_rng_normal (ref, want, 20, 0.0, 1.0);
  g_assert_cmpmem (t->data, sizeof want, want, sizeof want);
  g_assert_true (nnb_init_apply_method (t, NNB_INIT_UNIFORM, 0.0, gen, NULL));
  nnb_rng_uniform (ref, want, 20, 0.0, 1.0);
  g_assert_cmpmem (t->data, sizeof want, want, sizeof want);
  g_assert_true (nnb_init_apply_method (t, NNB_INIT_CONSTANT, 0.25, gen, NULL));
  g_assert_cmpfloat (t->data[19], ==, 0.25f);
  g_assert_true (nnb_init_apply_method (t, NNB_INIT_DEFAULT, 0.0, gen, NULL));
  g_assert_cmpfloat (t->data[0], ==, 0.25f);
  g_assert_cmpmem (gen->state, sizeof gen->state, ref->state, sizeof ref->state);
  g_assert_cmpint (gen->index, ==, ref->index);
}

/* torch.manual_seed(s); MLP() draws each Linear's weight, then its bias,
 * layer by layer; torch.manual_seed(s + 1); model.apply(init) does the same
 * with the chosen inits (tests/reference/make_init_order_golden.py). */
static void
test_construction_and_apply_draw_in_pytorchs_order (gconstpointer data)
{
  JsonObject *c = (JsonObject *) data;
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbModel) model = nnb_test_page_mlp ();
  guint64 seed = (guint64) json_object_get_int_member (c, "seed");
  g_autofree NnbGenerator *construct = nnb_generator_new (seed);
  g_autofree NnbGenerator *apply = nnb_generator_new (seed + 1);
  NnbInitMethod weight, bias;

  g_assert_true (nnb_model_reset_parameters (model, construct, &error));
  g_assert_no_error (error);
  nnb_test_assert_parameter_bits (model, json_object_get_object_member (c, "constructed"), "MLP()");
  g_assert_true (nnb_init_method_from_string (json_object_get_string_member (c, "weight"), &weight));
  g_assert_true (nnb_init_method_from_string (json_object_get_string_member (c, "bias"), &bias));
  g_assert_true (nnb_model_apply_init (model, weight, bias, apply, &error));
  g_assert_no_error (error);
  nnb_test_assert_parameter_bits (model, json_object_get_object_member (c, "applied"), "model.apply(init)");
}

static char *
case_path (JsonObject *c)
{
  JsonArray *shape = json_object_get_array_member (c, "shape");
  JsonObject *args = json_object_get_object_member (c, "args");
  g_autoptr (GString) path = g_string_new ("/init/");
  g_autoptr (GList) members = json_object_get_members (args);

  g_string_append (path, json_object_get_string_member (c, "op"));
  g_string_append_c (path, '/');
  for (GList *m = members; m != NULL; m = m->next)
    {
      JsonNode *node = json_object_get_member (args, m->data);

      if (json_node_get_value_type (node) == G_TYPE_STRING)
        g_string_append_printf (path, "%s-", json_node_get_string (node));
      else
        g_string_append_printf (path, "%s-%g-", (const char *) m->data, json_node_get_double (node));
    }
  g_string_append_printf (path, "seed-%" G_GINT64_FORMAT "-shape-%" G_GINT64_FORMAT "x%" G_GINT64_FORMAT "-bit-identical",
                          json_object_get_int_member (c, "seed"),
                          json_array_get_int_element (shape, 0), json_array_get_int_element (shape, 1));
  return g_string_free (g_steal_pointer (&path), FALSE);
}

static void
add_golden_tests (JsonObject *golden)
{
  JsonArray *inits = json_object_get_array_member (golden, "init");
  JsonArray *linears = json_object_get_array_member (golden, "linear");

  for (guint i = 0; i < json_array_get_length (inits); i++)
    {
      JsonObject *c = json_array_get_object_element (inits, i);
      g_autofree char *path = case_path (c);

      g_test_add_data_func (path, c, test_init_is_bit_identical);
    }
  for (guint i = 0; i < json_array_get_length (linears); i++)
    {
      JsonObject *c = json_array_get_object_element (linears, i);
      g_autofree char *path = g_strdup_printf ("/init/linear-default/seed-%" G_GINT64_FORMAT "-in-%" G_GINT64_FORMAT "-out-%" G_GINT64_FORMAT "-bit-identical",
                                               json_object_get_int_member (c, "seed"),
                                               json_object_get_int_member (c, "in"),
                                               json_object_get_int_member (c, "out"));

      g_test_add_data_func (path, c, test_linear_default_init_is_bit_identical);
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/init/linear-default/seed-0-linear-3-2-matches-the-lesson", test_seed_0_linear_3_2_matches_the_lesson);
  g_test_add_func ("/init/calculate-gain/matches-pytorch", test_calculate_gain_matches_pytorch);
  g_test_add_func ("/init/errors/a-1d-tensor-has-no-fan", test_a_1d_tensor_has_no_fan);
  g_test_add_func ("/init/errors/bad-ranges-get-pytorch-messages", test_bad_ranges_get_pytorch_messages);
  g_test_add_func ("/init/methods/names-round-trip", test_method_names_round_trip);
  g_test_add_func ("/init/methods/apply-uses-pytorch-defaults", test_apply_method_uses_pytorch_defaults);
  g_test_add_func ("/init/methods/apply-plain-distributions", test_apply_method_plain_distributions);
  add_golden_tests (nnb_rng_golden_load ());
  {
    JsonArray *orders = json_object_get_array_member (nnb_test_golden ("data/init-order-golden.json"), "cases");

    for (guint i = 0; i < json_array_get_length (orders); i++)
      {
        JsonObject *c = json_array_get_object_element (orders, i);
        g_autofree char *path = g_strdup_printf ("/init/order/seed-%" G_GINT64_FORMAT "-%s-%s-construction-and-apply-draw-in-pytorchs-order",
                                                 json_object_get_int_member (c, "seed"),
                                                 json_object_get_string_member (c, "weight"),
                                                 json_object_get_string_member (c, "bias"));
        g_test_add_data_func (path, c, test_construction_and_apply_draw_in_pytorchs_order);
      }
  }

  return g_test_run ();
}
