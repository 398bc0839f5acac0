/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-module.c — the page's models: parameter names, shapes, counts and
 * print(model), as real PyTorch prints them (FACTS.md). */
#include <glib.h>
#include <string.h>
#include "nnb-model.h"
#include "nnb-test-util.h"

static NnbModel *
build_page_sequential (void)
{
  g_autoptr (NnbModule) l0 = nnb_test_linear (3, 16, TRUE);
  g_autoptr (NnbModule) r1 = nnb_activation_new (NNB_MODULE_RELU);
  g_autoptr (NnbModule) l2 = nnb_test_linear (16, 16, TRUE);
  g_autoptr (NnbModule) r3 = nnb_activation_new (NNB_MODULE_RELU);
  g_autoptr (NnbModule) l4 = nnb_test_linear (16, 1, TRUE);
  NnbModule *modules[] = { l0, r1, l2, r3, l4 };
  return nnb_model_new_sequential (modules, 5);
}

static void
test_mlp_has_353_parameters (void)
{
  g_autoptr (NnbModel) model = nnb_test_page_mlp ();
  g_assert_cmpint (nnb_model_count_parameters (model), ==, 353);
}

static void
test_mlp_parameter_names_in_pytorch_order (void)
{
  g_autoptr (NnbModel) model = nnb_test_page_mlp ();
  GPtrArray *params = nnb_model_named_parameters (model);
  const char *names[] = { "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "head.weight", "head.bias" };
  const char *shapes[] = { "(16, 3)", "(16,)", "(16, 16)", "(16,)", "(1, 16)", "(1,)" };

  g_assert_cmpuint (params->len, ==, 6);
  for (guint i = 0; i < 6; i++)
    {
      NnbNamedParameter *named = params->pdata[i];
      g_autofree char *shape = nnb_tensor_shape_string (named->param->value);
      g_assert_cmpstr (named->name, ==, names[i]);
      g_assert_cmpstr (shape, ==, shapes[i]);
      g_assert_true (named->param->requires_grad);
    }
}

static void
test_mlp_prints_like_pytorch (void)
{
  g_autoptr (NnbModel) model = nnb_test_page_mlp ();
  g_autofree char *text = nnb_model_repr (model);

  g_assert_cmpstr (text, ==,
                   "MLP(\n"
                   "  (fc1): Linear(in_features=3, out_features=16, bias=True)\n"
                   "  (fc2): Linear(in_features=16, out_features=16, bias=True)\n"
                   "  (head): Linear(in_features=16, out_features=1, bias=True)\n"
                   "  (act): ReLU()\n"
                   ")");
}

static void
test_sequential_prints_like_pytorch (void)
{
  g_autoptr (NnbModel) model = build_page_sequential ();
  g_autofree char *text = nnb_model_repr (model);

  g_assert_cmpstr (text, ==,
                   "Sequential(\n"
                   "  (0): Linear(in_features=3, out_features=16, bias=True)\n"
                   "  (1): ReLU()\n"
                   "  (2): Linear(in_features=16, out_features=16, bias=True)\n"
                   "  (3): ReLU()\n"
                   "  (4): Linear(in_features=16, out_features=1, bias=True)\n"
                   ")");
  g_assert_cmpstr (((NnbNamedParameter *) nnb_model_named_parameters (model)->pdata[0])->name, ==, "0.weight");
  g_assert_cmpstr (((NnbNamedParameter *) nnb_model_named_parameters (model)->pdata[5])->name, ==, "4.bias");
  g_assert_true (nnb_model_is_chain (model));
}

static void
test_sinenet_has_4353_parameters_and_nested_names (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbModel) model = nnb_model_new ("SineNet");
  g_autoptr (NnbModule) net = nnb_sequential_new ();
  g_autoptr (NnbModule) l0 = nnb_test_linear (1, 64, TRUE);
  g_autoptr (NnbModule) t1 = nnb_activation_new (NNB_MODULE_TANH);
  g_autoptr (NnbModule) l2 = nnb_test_linear (64, 64, TRUE);
  g_autoptr (NnbModule) t3 = nnb_activation_new (NNB_MODULE_TANH);
  g_autoptr (NnbModule) l4 = nnb_test_linear (64, 1, TRUE);
  g_autofree char *text = NULL;
  int x, call, out;

  nnb_sequential_append (net, l0);
  nnb_sequential_append (net, t1);
  nnb_sequential_append (net, l2);
  nnb_sequential_append (net, t3);
  nnb_sequential_append (net, l4);
  g_assert_true (nnb_model_register_module (model, "net", net, &error));
  x = nnb_model_add_node (model, NNB_NODE_INPUT, "x", NULL, &error);
  call = nnb_model_add_node (model, NNB_NODE_CALL, "net", "net", &error);
  out = nnb_model_add_node (model, NNB_NODE_OUTPUT, "out", NULL, &error);
  nnb_model_connect (model, x, call, 0, &error);
  nnb_model_connect (model, call, out, 0, &error);
  g_assert_no_error (error);

  g_assert_cmpint (nnb_model_count_parameters (model), ==, 4353);
  g_assert_cmpstr (((NnbNamedParameter *) nnb_model_named_parameters (model)->pdata[2])->name, ==, "net.2.weight");
  text = nnb_model_repr (model);
  g_assert_cmpstr (text, ==,
                   "SineNet(\n"
                   "  (net): Sequential(\n"
                   "    (0): Linear(in_features=1, out_features=64, bias=True)\n"
                   "    (1): Tanh()\n"
                   "    (2): Linear(in_features=64, out_features=64, bias=True)\n"
                   "    (3): Tanh()\n"
                   "    (4): Linear(in_features=64, out_features=1, bias=True)\n"
                   "  )\n"
                   ")");
}

static void
test_bare_linear_is_named_like_pytorch (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbModel) model = nnb_model_new ("Linear");
  g_autoptr (NnbModule) line = nnb_test_linear (1, 1, TRUE);
  g_autofree char *text = NULL;

  g_assert_true (nnb_model_register_module (model, "", line, &error));
  g_assert_cmpstr (((NnbNamedParameter *) nnb_model_named_parameters (model)->pdata[0])->name, ==, "weight");
  g_assert_cmpstr (((NnbNamedParameter *) nnb_model_named_parameters (model)->pdata[1])->name, ==, "bias");
  text = nnb_model_repr (model);
  g_assert_cmpstr (text, ==, "Linear(in_features=1, out_features=1, bias=True)");
  g_assert_false (nnb_model_register_module (model, "other", line, &error));
  g_assert_error (error, NNB_ERROR, NNB_ERROR_GRAPH);
}

static void
test_activation_reprs (void)
{
  struct
  {
    NnbModule *module;
    const char *text;
  } cases[] = {
    { nnb_activation_new (NNB_MODULE_TANH), "Tanh()" },
    { nnb_activation_new (NNB_MODULE_SIGMOID), "Sigmoid()" },
    { nnb_activation_new (NNB_MODULE_GELU), "GELU(approximate='none')" },
    { nnb_activation_new (NNB_MODULE_IDENTITY), "Identity()" },
    { nnb_activation_new (NNB_MODULE_LEAKY_RELU), "LeakyReLU(negative_slope=0.01)" },
    { nnb_leaky_relu_new (0.2), "LeakyReLU(negative_slope=0.2)" },
    { nnb_leaky_relu_new (1.0), "LeakyReLU(negative_slope=1.0)" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = nnb_module_repr (cases[i].module, 0);
      g_assert_cmpstr (text, ==, cases[i].text);
      nnb_module_unref (cases[i].module);
    }
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (NnbModule) nobias = nnb_linear_new (4, 2, FALSE, NULL, &error);
    g_autofree char *text = nnb_module_repr (nobias, 0);
    g_assert_cmpstr (text, ==, "Linear(in_features=4, out_features=2, bias=False)");
    g_assert_cmpint (nnb_module_count_parameters (nobias), ==, 8);
  }
}

/* print(nn.LayerNorm(3)) and its parameters: weight then bias, ones and
 * zeros; LayerNorm(0) is refused with a sentence */
static void
test_layer_norm_prints_like_pytorch (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbModule) norm = nnb_layer_norm_new (3, 1e-5, TRUE, &error);
  g_autoptr (NnbModule) plain = nnb_layer_norm_new (3, 0.001, FALSE, &error);
  g_autofree char *text = nnb_module_repr (norm, 0);
  g_autofree char *plain_text = nnb_module_repr (plain, 0);
  NnbParameter *weight = norm->parameters->pdata[0], *bias = norm->parameters->pdata[1];

  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, "LayerNorm((3,), eps=1e-05, elementwise_affine=True)");
  g_assert_cmpstr (plain_text, ==, "LayerNorm((3,), eps=0.001, elementwise_affine=False)");
  g_assert_cmpint (nnb_module_count_parameters (norm), ==, 6);
  g_assert_cmpint (nnb_module_count_parameters (plain), ==, 0);
  g_assert_cmpstr (weight->name, ==, "weight");
  g_assert_cmpstr (bias->name, ==, "bias");
  for (int i = 0; i < 3; i++)
    {
      g_assert_cmpfloat (weight->value->data[i], ==, 1.0f);
      g_assert_cmpfloat (bias->value->data[i], ==, 0.0f);
    }
  g_assert_null (nnb_layer_norm_new (0, 1e-5, TRUE, &error));
  g_assert_error (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT);
}

/* F.layer_norm's message for an input whose last size is not 3 */
static void
test_layer_norm_wrong_width_gives_pytorch_error (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbModule) norm = nnb_layer_norm_new (3, 1e-5, TRUE, &error);
  NnbModule *modules[] = { norm };
  g_autoptr (NnbModel) model = nnb_model_new_sequential (modules, 1);
  int64_t wrong[2] = { 5, 4 }, right[2] = { 5, 3 };
  g_autoptr (NnbTensor) x = nnb_tensor_new (2, wrong, nnb_device_cpu (), &error);
  g_autoptr (NnbTensor) ok = nnb_tensor_new (2, right, nnb_device_cpu (), &error);
  NnbTensor *y;

  g_assert_null (nnb_model_forward (model, x, &error));
  g_assert_error (error, NNB_ERROR, NNB_ERROR_SHAPE);
  g_assert_cmpstr (error->message, ==,
                   "Given normalized_shape=[3], expected input with shape [*, 3], but got input of size[5, 4]");
  g_clear_error (&error);
  y = nnb_model_forward (model, ok, &error);
  g_assert_no_error (error);
  g_assert_cmpint (y->shape[1], ==, 3);
}

/* print(nn.Softmax(dim=1)), print(nn.LogSoftmax(dim=-1)): no parameters;
 * a dim other than the features' is refused with a sentence */
static void
test_softmax_prints_like_pytorch (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbModule) softmax = nnb_softmax_new (NNB_MODULE_SOFTMAX, 1, &error);
  g_autoptr (NnbModule) log_softmax = nnb_softmax_new (NNB_MODULE_LOG_SOFTMAX, -1, &error);
  g_autofree char *text = nnb_module_repr (softmax, 0);
  g_autofree char *log_text = nnb_module_repr (log_softmax, 0);

  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, "Softmax(dim=1)");
  g_assert_cmpstr (log_text, ==, "LogSoftmax(dim=-1)");
  g_assert_cmpint (nnb_module_count_parameters (softmax), ==, 0);
  g_assert_false (nnb_module_activation (softmax, NULL, NULL));
  g_assert_null (nnb_softmax_new (NNB_MODULE_SOFTMAX, 0, &error));
  g_assert_error (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (error->message, ==,
                   "Softmax(dim=0): dim must be 1 (or -1, the same axis), the features of each sample; NN Blocks' data "
                   "is (batch, features), and Softmax over any other dimension would mix the samples of a batch.");
}

/* Softmax keeps the shape; a dim the input lacks gives PyTorch's
 * IndexError, and dim=1 of a 3-D input (not the last) a sentence */
static void
test_softmax_dim_must_fit_the_input (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbModule) softmax = nnb_softmax_new (NNB_MODULE_SOFTMAX, 1, &error);
  NnbModule *modules[] = { softmax };
  g_autoptr (NnbModel) model = nnb_model_new_sequential (modules, 1);
  int64_t flat[1] = { 5 }, cube[3] = { 2, 3, 4 }, rows[2] = { 2, 3 };
  g_autoptr (NnbTensor) x = nnb_tensor_new (2, rows, nnb_device_cpu (), &error);
  NnbTensor *y;

  g_assert_false (nnb_model_infer_shapes (model, 1, flat, NULL, &error));
  g_assert_error (error, NNB_ERROR, NNB_ERROR_SHAPE);
  g_assert_cmpstr (error->message, ==, "Dimension out of range (expected to be in range of [-1, 0], but got 1)");
  g_clear_error (&error);
  g_assert_false (nnb_model_infer_shapes (model, 3, cube, NULL, &error));
  g_assert_error (error, NNB_ERROR, NNB_ERROR_SHAPE);
  g_assert_nonnull (strstr (error->message, "over the last dimension only"));
  g_clear_error (&error);
  y = nnb_model_forward (model, x, &error);
  g_assert_no_error (error);
  g_assert_cmpint (y->ndim, ==, 2);
  g_assert_cmpint (y->shape[1], ==, 3);
  /* zeros in, a third each out */
  for (int i = 0; i < 6; i++)
    g_assert_cmpfloat (y->data[i], ==, 1.0f / 3.0f);
}

static void
test_registration_refuses_bad_and_duplicate_names (void)
{
  g_autoptr (NnbModel) model = nnb_model_new ("Net");
  g_autoptr (NnbModule) act = nnb_activation_new (NNB_MODULE_RELU);
  g_autoptr (GError) error = NULL;

  g_assert_true (nnb_model_register_module (model, "act", act, &error));
  g_assert_false (nnb_model_register_module (model, "act", act, &error));
  g_assert_error (error, NNB_ERROR, NNB_ERROR_GRAPH);
  g_assert_nonnull (strstr (error->message, "already a module named 'act'"));
  g_clear_error (&error);
  g_assert_false (nnb_model_register_module (model, "2fast", act, &error));
  g_assert_nonnull (strstr (error->message, "Python identifier"));
  g_clear_error (&error);
  g_assert_false (nnb_model_register_module (model, "class", act, &error));
  g_clear_error (&error);
  g_assert_false (nnb_is_python_identifier ("fc-1"));
  g_assert_true (nnb_is_python_identifier ("_hidden2"));
}

static void
test_linear_refuses_bad_and_huge_sizes (void)
{
  g_autoptr (GError) error = NULL;
  NnbModule *module = nnb_linear_new (0, 3, TRUE, NULL, &error);

  g_assert_null (module);
  g_assert_error (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  module = nnb_linear_new (-3, 3, TRUE, NULL, &error);
  g_assert_null (module);
  g_clear_error (&error);
  /* Linear(100000, 100000) would need 40 GB: a sentence, not a crash */
  module = nnb_linear_new (100000, 100000, TRUE, NULL, &error);
  g_assert_null (module);
  g_assert_error (error, NNB_ERROR, NNB_ERROR_OUT_OF_MEMORY);
  g_assert_nonnull (strstr (error->message, "too large for memory"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/module/mlp-has-353-parameters", test_mlp_has_353_parameters);
  g_test_add_func ("/module/mlp-parameter-names-in-pytorch-order", test_mlp_parameter_names_in_pytorch_order);
  g_test_add_func ("/module/mlp-prints-like-pytorch", test_mlp_prints_like_pytorch);
  g_test_add_func ("/module/sequential-prints-like-pytorch", test_sequential_prints_like_pytorch);
  g_test_add_func ("/module/sinenet-has-4353-parameters-and-nested-names", test_sinenet_has_4353_parameters_and_nested_names);
  g_test_add_func ("/module/bare-linear-is-named-like-pytorch", test_bare_linear_is_named_like_pytorch);
  g_test_add_func ("/module/activation-reprs", test_activation_reprs);
  g_test_add_func ("/module/layer-norm-prints-like-pytorch", test_layer_norm_prints_like_pytorch);
  g_test_add_func ("/module/layer-norm-wrong-width-gives-pytorch-error", test_layer_norm_wrong_width_gives_pytorch_error);
  g_test_add_func ("/module/softmax-prints-like-pytorch", test_softmax_prints_like_pytorch);
  g_test_add_func ("/module/softmax-dim-must-fit-the-input", test_softmax_dim_must_fit_the_input);
  g_test_add_func ("/module/registration-refuses-bad-and-duplicate-names", test_registration_refuses_bad_and_duplicate_names);
  g_test_add_func ("/module/linear-refuses-bad-and-huge-sizes", test_linear_refuses_bad_and_huge_sizes);
  return g_test_run ();
}
