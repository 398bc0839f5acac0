/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-gradcheck.c — loss.backward() gives the derivative of the loss.
 *
 * Each case builds a model with fixed float32 weights, runs the engine's
 * forward, loss and backward, and compares every parameter's .grad with a
 * central difference of the same loss. The difference is computed in
 * double precision by a small reference forward written with plain loops
 * (gradcheck-reference.c: it walks the model's graph recursively and
 * shares no code with the executor), at the engine's float32 parameter
 * values. Double precision
 * makes the finite difference itself exact to about 1e-9, so what the
 * comparison measures is the engine's gradient and its float32 rounding.
 *
 * The weights come from a fixed hash, not from the engine's generator, so
 * these checks stand on their own. */
#include <math.h>
#include <string.h>

#include "gradcheck-reference.h"
#include "nnb-test-util.h"

/* Central difference step, in double: truncation error ~eps² ≈ 1e-12,
 * round-off ~1e-16 / eps ≈ 1e-10, both far below the tolerance. */
#define FD_EPS 1e-6
/* The engine's gradient is float32: a few ulps per operation, and more
 * where terms cancel. The worst case here stays below 3% of relative 1e-4
 * with an absolute floor of 1e-6 (gradients are of order 0.01–1), so these
 * are 10× tighter than the usual 1e-3 / 1e-5 and still far from flaky. */
#define GRAD_RTOL 1e-4
#define GRAD_ATOL 1e-6
/* ReLU, LeakyReLU and L1 have kinks at 0; every test point keeps its
 * pre-activations (and L1 residuals) at least this far from them, far more
 * than an FD_EPS step or float32 rounding can move them. */
#define KINK_MARGIN 1e-4

/* ---- fixed values ----------------------------------------------------- */

/* A fixed pseudo-random value in [−1, 1) for element i of stream `salt`
 * (a 32-bit integer hash; 24 bits, so exact in float32). */
static float
fixed_uniform (guint32 salt, guint32 i)
{
  guint32 h = i * 2654435761u + salt * 0x9e3779b9u + 0x7f4a7c15u;

  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return (float) ((h >> 8) / 8388608.0 - 1.0);
}

static void
fill_fixed (NnbTensor *tensor, guint32 salt, float scale)
{
  for (int64_t i = 0; i < tensor->numel; i++)
    tensor->data[i] = scale * fixed_uniform (salt, (guint32) i);
}

/* nn.Linear(in, out, bias) with weights in PyTorch's default range
 * U(−1/√in, 1/√in) drawn from the fixed hash. */
static NnbModule *
linear_new (int64_t in, int64_t out, gboolean bias, guint32 salt)
{
  g_autoptr (GError) error = NULL;
  NnbModule *linear = nnb_linear_new (in, out, bias, NULL, &error);
  float bound = (float) (1.0 / sqrt ((double) in));

  g_assert_no_error (error);
  fill_fixed (nnb_module_get_parameter (linear, "weight")->value, salt, bound);
  if (bias)
    fill_fixed (nnb_module_get_parameter (linear, "bias")->value, salt + 1000, bound);
  return linear;
}

static NnbTensor *
fixed_tensor (int ndim, const int64_t *shape, guint32 salt, float scale)
{
  NnbTensor *tensor = nnb_tensor_new_cpu (ndim, shape);

  fill_fixed (tensor, salt, scale);
  return tensor;
}

/* ---- models ----------------------------------------------------------- */

/* nn.Sequential(Linear(3, 6), act, Linear(6, 2)) */
static NnbModel *
sandwich_new (NnbModule *act, gboolean bias)
{
  g_autoptr (NnbModule) fc1 = linear_new (3, 6, bias, 11);
  g_autoptr (NnbModule) fc2 = linear_new (6, 2, bias, 12);
  NnbModule *modules[] = { fc1, act, fc2 };

  return nnb_model_new_sequential (modules, G_N_ELEMENTS (modules));
}

static void
register_module (NnbModel *model, const char *name, NnbModule *module)
{
  g_autoptr (GError) error = NULL;

  nnb_model_register_module (model, name, module, &error);
  g_assert_no_error (error);
}

/* The page's model:
 *
 *   h = self.act(self.fc1(x))
 *   h = self.act(self.fc2(h)) + h
 *   return self.head(h)
 *
 * self.act is one nn.ReLU called twice. */
static NnbModel *
page_mlp_new (int64_t in_dim, int64_t hidden, int64_t out_dim)
{
  NnbModel *model = nnb_model_new ("MLP");
  g_autoptr (NnbModule) fc1 = linear_new (in_dim, hidden, TRUE, 21);
  g_autoptr (NnbModule) fc2 = linear_new (hidden, hidden, TRUE, 22);
  g_autoptr (NnbModule) head = linear_new (hidden, out_dim, TRUE, 23);
  g_autoptr (NnbModule) act = nnb_activation_new (NNB_MODULE_RELU);
  int x, h1, a1, h2, a2, sum, y, out;

  register_module (model, "fc1", fc1);
  register_module (model, "fc2", fc2);
  register_module (model, "head", head);
  register_module (model, "act", act);
  x = nnb_test_node (model, NNB_NODE_INPUT, "x", NULL, -1);
  h1 = nnb_test_node (model, NNB_NODE_CALL, "fc1", "fc1", -1);
  a1 = nnb_test_node (model, NNB_NODE_CALL, "act_1", "act", -1);
  h2 = nnb_test_node (model, NNB_NODE_CALL, "fc2", "fc2", -1);
  a2 = nnb_test_node (model, NNB_NODE_CALL, "act_2", "act", -1);
  sum = nnb_test_node (model, NNB_NODE_ADD, "add", NULL, -1);
  y = nnb_test_node (model, NNB_NODE_CALL, "head", "head", -1);
  out = nnb_test_node (model, NNB_NODE_OUTPUT, "output", NULL, -1);
  nnb_test_connect (model, x, h1, 0);
  nnb_test_connect (model, h1, a1, 0);
  nnb_test_connect (model, a1, h2, 0);
  nnb_test_connect (model, h2, a2, 0);
  nnb_test_connect (model, a2, sum, 0);
  nnb_test_connect (model, a1, sum, 1);
  nnb_test_connect (model, sum, y, 0);
  nnb_test_connect (model, y, out, 0);
  return model;
}

/* ---- the check -------------------------------------------------------- */

/* The engine's forward → loss → backward, as one training step computes it
 * (without the step). Returns the loss. */
static double
engine_backward (NnbModel *model, NnbLoss *loss, NnbTensor *input, NnbTensor *target)
{
  g_autoptr (GError) error = NULL;
  NnbTensor *pred;
  double value = NAN;

  pred = nnb_model_forward (model, input, &error);
  g_assert_no_error (error);
  g_assert_nonnull (pred);
  nnb_loss_forward (loss, pred, target, &value, &error);
  g_assert_no_error (error);
  nnb_model_backward (model, nnb_loss_grad (loss), &error);
  g_assert_no_error (error);
  return value;
}

/* Zeroes the gradients, runs backward once, and checks every element of
 * every parameter's .grad against the finite difference of the reference
 * loss. A parameter with requires_grad FALSE must keep a zero .grad. */
static void
assert_gradients_match (NnbModel *model, NnbLossKind kind, NnbTensor *input, NnbTensor *target)
{
  g_autoptr (NnbLoss) loss = nnb_loss_new (kind);
  GPtrArray *params = nnb_model_named_parameters (model);
  NnbTensor *pred;
  Reference *r;
  Ref *ref_pred = NULL;
  double value, ref_value, worst = 0.0;
  guint checked = 0;

  nnb_model_zero_grad (model);
  value = engine_backward (model, loss, input, target);
  if (nnb_tensor_same_shape (nnb_loss_grad (loss), target))
    g_assert_null (nnb_loss_get_warning (loss));

  /* the same function: forward and loss agree with the reference (closely
   * enough to tell GELU's exact erf form from its tanh approximation) */
  r = reference_new (model);
  ref_value = reference_loss (r, kind, input, target, &ref_pred);
  pred = nnb_model_forward (model, input, NULL);
  g_assert_cmpint (pred->numel, ==, ref_pred->numel);
  for (int64_t i = 0; i < pred->numel; i++)
    g_assert_cmpfloat (fabs (pred->data[i] - ref_pred->data[i]), <=, 1e-5 + 1e-5 * fabs (ref_pred->data[i]));
  g_assert_cmpfloat (nnb_test_rel_diff (value, ref_value), <=, 1e-5);
  /* a point on a kink would make the finite difference meaningless */
  g_assert_cmpfloat (r->min_kink, >, KINK_MARGIN);

  for (guint p = 0; p < params->len; p++)
    {
      NnbNamedParameter *named = params->pdata[p];
      NnbParameter *param = named->param;
      double *point = g_hash_table_lookup (r->point, param);
      double largest = 0.0;

      for (int64_t j = 0; j < param->value->numel; j++)
        {
          double saved = point[j], plus, minus, numeric, analytic;

          point[j] = saved + FD_EPS;
          plus = reference_loss (r, kind, input, target, NULL);
          point[j] = saved - FD_EPS;
          minus = reference_loss (r, kind, input, target, NULL);
          point[j] = saved;
          numeric = (plus - minus) / (2.0 * FD_EPS);
          analytic = param->grad->data[j];
          largest = MAX (largest, fabs (numeric));

          if (!param->requires_grad)
            {
              /* PyTorch leaves a frozen parameter's .grad None */
              if (analytic != 0.0)
                g_test_fail_printf ("%s[%" G_GINT64_FORMAT "] is frozen but got the gradient %g",
                                    named->name, j, analytic);
              continue;
            }
          if (fabs (analytic - numeric) > GRAD_ATOL + GRAD_RTOL * fabs (numeric))
            g_test_fail_printf ("%s[%" G_GINT64_FORMAT "]: backward gives %.9g, finite differences %.9g",
                                named->name, j, analytic, numeric);
          worst = MAX (worst, fabs (analytic - numeric) / (GRAD_ATOL + GRAD_RTOL * fabs (numeric)));
          checked++;
        }
      /* an all-zero gradient would pass trivially: every tensor must matter */
      g_assert_cmpfloat (largest, >, 1e-4);
    }
  g_test_message ("%u gradient elements checked; worst error %.3f of the tolerance", checked, worst);
  reference_free (r);
}

/* ---- the cases -------------------------------------------------------- */

typedef struct
{
  const char *path;
  NnbModuleKind kind;
  double negative_slope;
} ActivationCase;

static const ActivationCase activation_cases[] = {
  { "/gradcheck/activation/relu", NNB_MODULE_RELU, 0 },
  { "/gradcheck/activation/tanh", NNB_MODULE_TANH, 0 },
  { "/gradcheck/activation/sigmoid", NNB_MODULE_SIGMOID, 0 },
  { "/gradcheck/activation/leaky-relu-default-slope", NNB_MODULE_LEAKY_RELU, 0.01 },
  { "/gradcheck/activation/leaky-relu-slope-0.2", NNB_MODULE_LEAKY_RELU, 0.2 },
  { "/gradcheck/activation/gelu-exact-erf-form", NNB_MODULE_GELU, 0 },
  { "/gradcheck/activation/identity", NNB_MODULE_IDENTITY, 0 },
};

/* nn.Sequential(Linear(3, 6), act, Linear(6, 2)) on a (5, 3) batch */
static void
test_activation (gconstpointer data)
{
  const ActivationCase *c = data;
  g_autoptr (NnbModule) act = c->kind == NNB_MODULE_LEAKY_RELU ? nnb_leaky_relu_new (c->negative_slope)
                                                               : nnb_activation_new (c->kind);
  g_autoptr (NnbModel) model = sandwich_new (act, TRUE);
  int64_t x_shape[] = { 5, 3 }, y_shape[] = { 5, 2 };
  g_autoptr (NnbTensor) x = fixed_tensor (2, x_shape, 1, 2.0f);
  g_autoptr (NnbTensor) y = fixed_tensor (2, y_shape, 2, 1.0f);

  assert_gradients_match (model, NNB_LOSS_MSE, x, y);
}

/* nn.Sequential(Linear(3, 6), LayerNorm(6, eps), Linear(6, 2)); the
 * LayerNorm's weight and bias moved off ones and zeros, so that every term
 * of its backward matters */
static void
check_layer_norm (double eps, gboolean affine)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbModule) norm = nnb_layer_norm_new (6, eps, affine, &error);
  g_autoptr (NnbModel) model = NULL;
  int64_t x_shape[] = { 5, 3 }, y_shape[] = { 5, 2 };
  g_autoptr (NnbTensor) x = fixed_tensor (2, x_shape, 1, 2.0f);
  g_autoptr (NnbTensor) y = fixed_tensor (2, y_shape, 2, 1.0f);

  g_assert_no_error (error);
  if (affine)
    {
      float w[6] = { 1.5f, -0.7f, 0.9f, 1.2f, -1.1f, 0.4f }, b[6] = { 0.1f, -0.3f, 0.25f, 0.0f, 0.6f, -0.2f };
      nnb_tensor_write (nnb_module_get_parameter (norm, "weight")->value, w);
      nnb_tensor_write (nnb_module_get_parameter (norm, "bias")->value, b);
    }
  model = sandwich_new (norm, TRUE);
  assert_gradients_match (model, NNB_LOSS_MSE, x, y);
}

/* nn.Sequential(Linear(3, 6), BatchNorm1d(6), Linear(6, 2)) in train mode
 * (the batch's statistics, which depend on every row: each input's
 * gradient has three terms) and in eval mode (running estimates moved off
 * zeros and ones, constants for backward) */
static void
check_batch_norm (gboolean train, gboolean affine)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbModule) norm = nnb_batch_norm_new (6, 1e-5, 0.1, TRUE, affine, TRUE, &error);
  g_autoptr (NnbModel) model = NULL;
  int64_t x_shape[] = { 5, 3 }, y_shape[] = { 5, 2 };
  g_autoptr (NnbTensor) x = fixed_tensor (2, x_shape, 1, 2.0f);
  g_autoptr (NnbTensor) y = fixed_tensor (2, y_shape, 2, 1.0f);
  float mean[6] = { 0.2f, -0.4f, 0.1f, 0.5f, -0.3f, 0.05f }, var[6] = { 1.5f, 0.7f, 2.0f, 0.9f, 1.1f, 0.4f };

  g_assert_no_error (error);
  if (affine)
    {
      float w[6] = { 1.5f, -0.7f, 0.9f, 1.2f, -1.1f, 0.4f }, b[6] = { 0.1f, -0.3f, 0.25f, 0.0f, 0.6f, -0.2f };
      nnb_tensor_write (nnb_module_get_parameter (norm, "weight")->value, w);
      nnb_tensor_write (nnb_module_get_parameter (norm, "bias")->value, b);
    }
  nnb_tensor_write (nnb_module_get_buffer (norm, "running_mean")->value, mean);
  nnb_tensor_write (nnb_module_get_buffer (norm, "running_var")->value, var);
  /* in train mode a bias before BatchNorm has no effect (the batch's mean
   * takes it away) and a zero gradient, which the check refuses to count */
  model = sandwich_new (norm, !train);
  nnb_model_train (model, train);
  assert_gradients_match (model, NNB_LOSS_MSE, x, y);
}

static void
test_batch_norm_train (void)
{
  check_batch_norm (TRUE, TRUE);
}

static void
test_batch_norm_eval (void)
{
  check_batch_norm (FALSE, TRUE);
}

static void
test_batch_norm_train_without_affine (void)
{
  check_batch_norm (TRUE, FALSE);
}

static void
test_layer_norm (void)
{
  check_layer_norm (1e-5, TRUE);
}

/* a large eps shows in every gradient: the backward must use the same one */
static void
test_layer_norm_large_eps_without_affine (void)
{
  check_layer_norm (0.5, FALSE);
}

/* nn.Sequential(Linear(3, 6), Softmax(dim=1) or LogSoftmax(dim=-1),
 * Linear(6, 2)): the gradient goes through the row's sum to fc1 */
static void
check_softmax (NnbModuleKind kind, int64_t dim)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbModule) softmax = nnb_softmax_new (kind, dim, &error);
  g_autoptr (NnbModel) model = NULL;
  int64_t x_shape[] = { 5, 3 }, y_shape[] = { 5, 2 };
  g_autoptr (NnbTensor) x = fixed_tensor (2, x_shape, 17, 2.0f);
  g_autoptr (NnbTensor) y = fixed_tensor (2, y_shape, 18, 1.0f);

  g_assert_no_error (error);
  model = sandwich_new (softmax, TRUE);
  assert_gradients_match (model, NNB_LOSS_MSE, x, y);
}

static void
test_softmax (void)
{
  check_softmax (NNB_MODULE_SOFTMAX, 1);
}

static void
test_log_softmax (void)
{
  check_softmax (NNB_MODULE_LOG_SOFTMAX, -1);
}

/* forward: head(softmax(fc(x)) + fc(x)) with a 9-wide fc (a vector and a
 * tail): fc's output gets its gradient from the + first, then from the
 * softmax, which adds into it */
static void
test_softmax_beside_a_skip_connection (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbModel) model = nnb_model_new ("Mix");
  g_autoptr (NnbModule) fc = linear_new (3, 9, TRUE, 81);
  g_autoptr (NnbModule) softmax = nnb_softmax_new (NNB_MODULE_LOG_SOFTMAX, 1, &error);
  g_autoptr (NnbModule) head = linear_new (9, 2, TRUE, 82);
  int64_t x_shape[] = { 5, 3 }, y_shape[] = { 5, 2 };
  g_autoptr (NnbTensor) x = fixed_tensor (2, x_shape, 19, 2.0f);
  g_autoptr (NnbTensor) y = fixed_tensor (2, y_shape, 20, 1.0f);
  int in, f, s, sum, h, out;

  g_assert_no_error (error);
  register_module (model, "fc", fc);
  register_module (model, "softmax", softmax);
  register_module (model, "head", head);
  in = nnb_test_node (model, NNB_NODE_INPUT, "x", NULL, -1);
  f = nnb_test_node (model, NNB_NODE_CALL, "fc", "fc", -1);
  s = nnb_test_node (model, NNB_NODE_CALL, "softmax", "softmax", -1);
  sum = nnb_test_node (model, NNB_NODE_ADD, "add", NULL, -1);
  h = nnb_test_node (model, NNB_NODE_CALL, "head", "head", -1);
  out = nnb_test_node (model, NNB_NODE_OUTPUT, "output", NULL, -1);
  nnb_test_connect (model, in, f, 0);
  nnb_test_connect (model, f, s, 0);
  nnb_test_connect (model, s, sum, 0);
  nnb_test_connect (model, f, sum, 1);
  nnb_test_connect (model, sum, h, 0);
  nnb_test_connect (model, h, out, 0);

  assert_gradients_match (model, NNB_LOSS_MSE, x, y);
}

static void
test_linear_with_bias (void)
{
  g_autoptr (NnbModule) act = nnb_activation_new (NNB_MODULE_TANH);
  g_autoptr (NnbModel) model = sandwich_new (act, TRUE);
  int64_t x_shape[] = { 4, 3 }, y_shape[] = { 4, 2 };
  g_autoptr (NnbTensor) x = fixed_tensor (2, x_shape, 3, 2.0f);
  g_autoptr (NnbTensor) y = fixed_tensor (2, y_shape, 4, 1.0f);

  g_assert_cmpuint (nnb_model_named_parameters (model)->len, ==, 4);
  assert_gradients_match (model, NNB_LOSS_MSE, x, y);
}

static void
test_linear_without_bias (void)
{
  g_autoptr (NnbModule) act = nnb_activation_new (NNB_MODULE_TANH);
  g_autoptr (NnbModel) model = sandwich_new (act, FALSE);
  int64_t x_shape[] = { 4, 3 }, y_shape[] = { 4, 2 };
  g_autoptr (NnbTensor) x = fixed_tensor (2, x_shape, 3, 2.0f);
  g_autoptr (NnbTensor) y = fixed_tensor (2, y_shape, 4, 1.0f);

  /* only the two weights: "0.weight", "2.weight" */
  g_assert_cmpuint (nnb_model_named_parameters (model)->len, ==, 2);
  assert_gradients_match (model, NNB_LOSS_MSE, x, y);
}

/* A lone Linear reads the model's input directly (no gradient flows to x). */
static void
test_single_linear (void)
{
  g_autoptr (NnbModule) fc = linear_new (4, 3, TRUE, 31);
  NnbModule *modules[] = { fc };
  g_autoptr (NnbModel) model = nnb_model_new_sequential (modules, 1);
  int64_t x_shape[] = { 6, 4 }, y_shape[] = { 6, 3 };
  g_autoptr (NnbTensor) x = fixed_tensor (2, x_shape, 5, 2.0f);
  g_autoptr (NnbTensor) y = fixed_tensor (2, y_shape, 6, 1.0f);

  assert_gradients_match (model, NNB_LOSS_MSE, x, y);
}

/* nn.Linear acts on the last dimension: (B, T, 3) → (B, T, 5) → (B, T, 2),
 * every (b, t) row a sample */
static void
test_linear_on_3d_input (void)
{
  g_autoptr (NnbModule) fc1 = linear_new (3, 5, TRUE, 41);
  g_autoptr (NnbModule) act = nnb_activation_new (NNB_MODULE_GELU);
  g_autoptr (NnbModule) fc2 = linear_new (5, 2, TRUE, 42);
  NnbModule *modules[] = { fc1, act, fc2 };
  g_autoptr (NnbModel) model = nnb_model_new_sequential (modules, G_N_ELEMENTS (modules));
  int64_t x_shape[] = { 2, 4, 3 }, y_shape[] = { 2, 4, 2 };
  g_autoptr (NnbTensor) x = fixed_tensor (3, x_shape, 7, 2.0f);
  g_autoptr (NnbTensor) y = fixed_tensor (3, y_shape, 8, 1.0f);

  assert_gradients_match (model, NNB_LOSS_MSE, x, y);
}

/* self.body = nn.Sequential(Linear(3, 8), GELU(), Linear(8, 8), ReLU());
 * self.head = nn.Linear(8, 2); forward: head(body(x)) */
static void
test_sequential_inside_a_model (void)
{
  g_autoptr (NnbModel) model = nnb_model_new ("Net");
  g_autoptr (NnbModule) body = nnb_sequential_new ();
  g_autoptr (NnbModule) fc1 = linear_new (3, 8, TRUE, 51);
  g_autoptr (NnbModule) gelu = nnb_activation_new (NNB_MODULE_GELU);
  g_autoptr (NnbModule) fc2 = linear_new (8, 8, TRUE, 52);
  g_autoptr (NnbModule) relu = nnb_activation_new (NNB_MODULE_RELU);
  g_autoptr (NnbModule) head = linear_new (8, 2, TRUE, 53);
  int64_t x_shape[] = { 5, 3 }, y_shape[] = { 5, 2 };
  g_autoptr (NnbTensor) x = fixed_tensor (2, x_shape, 9, 2.0f);
  g_autoptr (NnbTensor) y = fixed_tensor (2, y_shape, 10, 1.0f);
  int in, b, h, out;

  nnb_sequential_append (body, fc1);
  nnb_sequential_append (body, gelu);
  nnb_sequential_append (body, fc2);
  nnb_sequential_append (body, relu);
  register_module (model, "body", body);
  register_module (model, "head", head);
  in = nnb_test_node (model, NNB_NODE_INPUT, "x", NULL, -1);
  b = nnb_test_node (model, NNB_NODE_CALL, "body", "body", -1);
  h = nnb_test_node (model, NNB_NODE_CALL, "head", "head", -1);
  out = nnb_test_node (model, NNB_NODE_OUTPUT, "output", NULL, -1);
  nnb_test_connect (model, in, b, 0);
  nnb_test_connect (model, b, h, 0);
  nnb_test_connect (model, h, out, 0);

  g_assert_nonnull (nnb_model_get_parameter (model, "body.2.weight"));
  assert_gradients_match (model, NNB_LOSS_MSE, x, y);
}

/* The page's MLP(3, 16, 1): the skip connection's `+` sends the gradient down
 * both branches, and the one ReLU called twice back-propagates through each
 * call with that call's own input. */
static void
test_mlp_with_skip_connection_and_shared_act (void)
{
  g_autoptr (NnbModel) model = page_mlp_new (3, 16, 1);
  int64_t x_shape[] = { 6, 3 }, y_shape[] = { 6, 1 };
  g_autoptr (NnbTensor) x = fixed_tensor (2, x_shape, 11, 2.0f);
  g_autoptr (NnbTensor) y = fixed_tensor (2, y_shape, 12, 1.0f);

  g_assert_cmpint (nnb_model_count_parameters (model), ==, 353);
  assert_gradients_match (model, NNB_LOSS_MSE, x, y);
}

/* forward: head(x + tanh(fc(x))): the skip starts at the model's input */
static void
test_skip_connection_from_the_input (void)
{
  g_autoptr (NnbModel) model = nnb_model_new ("Residual");
  g_autoptr (NnbModule) fc = linear_new (3, 3, TRUE, 61);
  g_autoptr (NnbModule) act = nnb_activation_new (NNB_MODULE_TANH);
  g_autoptr (NnbModule) head = linear_new (3, 2, TRUE, 62);
  int64_t x_shape[] = { 5, 3 }, y_shape[] = { 5, 2 };
  g_autoptr (NnbTensor) x = fixed_tensor (2, x_shape, 13, 2.0f);
  g_autoptr (NnbTensor) y = fixed_tensor (2, y_shape, 14, 1.0f);
  int in, f, a, sum, h, out;

  register_module (model, "fc", fc);
  register_module (model, "act", act);
  register_module (model, "head", head);
  in = nnb_test_node (model, NNB_NODE_INPUT, "x", NULL, -1);
  f = nnb_test_node (model, NNB_NODE_CALL, "fc", "fc", -1);
  a = nnb_test_node (model, NNB_NODE_CALL, "act", "act", -1);
  sum = nnb_test_node (model, NNB_NODE_ADD, "add", NULL, -1);
  h = nnb_test_node (model, NNB_NODE_CALL, "head", "head", -1);
  out = nnb_test_node (model, NNB_NODE_OUTPUT, "output", NULL, -1);
  nnb_test_connect (model, in, f, 0);
  nnb_test_connect (model, f, a, 0);
  nnb_test_connect (model, in, sum, 0);
  nnb_test_connect (model, a, sum, 1);
  nnb_test_connect (model, sum, h, 0);
  nnb_test_connect (model, h, out, 0);

  assert_gradients_match (model, NNB_LOSS_MSE, x, y);
}

/* forward: m = tanh(fc(x)) * sigmoid(gate(x)); head(torch.cat([m * m, sigmoid(gate(x))], dim=1))
 * on a 3-d input: cat along dim 1 of (5, 2, 3) and (5, 2, 3); a * b where
 * one value feeds both slots (m * m) gets both gradients */
static void
test_cat_and_mul (void)
{
  g_autoptr (NnbModel) model = nnb_model_new ("Gated");
  g_autoptr (NnbModule) fc = linear_new (3, 3, TRUE, 71);
  g_autoptr (NnbModule) gate = linear_new (3, 3, TRUE, 72);
  g_autoptr (NnbModule) tanh_act = nnb_activation_new (NNB_MODULE_TANH);
  g_autoptr (NnbModule) sig = nnb_activation_new (NNB_MODULE_SIGMOID);
  g_autoptr (NnbModule) head = linear_new (3, 2, TRUE, 73);
  int64_t x_shape[] = { 5, 2, 3 }, y_shape[] = { 5, 4, 2 };
  g_autoptr (NnbTensor) x = fixed_tensor (3, x_shape, 15, 2.0f);
  g_autoptr (NnbTensor) y = fixed_tensor (3, y_shape, 16, 1.0f);
  int in, f, t, g, s, m, sq, cat, h, out;

  register_module (model, "fc", fc);
  register_module (model, "gate", gate);
  register_module (model, "tanh", tanh_act);
  register_module (model, "sig", sig);
  register_module (model, "head", head);
  in = nnb_test_node (model, NNB_NODE_INPUT, "x", NULL, -1);
  f = nnb_test_node (model, NNB_NODE_CALL, "fc", "fc", in);
  t = nnb_test_node (model, NNB_NODE_CALL, "tanh", "tanh", f);
  g = nnb_test_node (model, NNB_NODE_CALL, "gate", "gate", in);
  s = nnb_test_node (model, NNB_NODE_CALL, "sig", "sig", g);
  m = nnb_test_node (model, NNB_NODE_MUL, "mul", NULL, -1);
  nnb_test_connect (model, t, m, 0);
  nnb_test_connect (model, s, m, 1);
  sq = nnb_test_node (model, NNB_NODE_MUL, "square", NULL, -1);
  nnb_test_connect (model, m, sq, 0);
  nnb_test_connect (model, m, sq, 1);
  cat = nnb_test_node (model, NNB_NODE_CAT, "cat", NULL, -1);
  nnb_test_connect (model, sq, cat, 0);
  nnb_test_connect (model, s, cat, 1);
  h = nnb_test_node (model, NNB_NODE_CALL, "head", "head", cat);
  out = nnb_test_node (model, NNB_NODE_OUTPUT, "output", NULL, h);
  (void) out;

  assert_gradients_match (model, NNB_LOSS_MSE, x, y);
}

/* forward: head(act(fc(act(fc(x))))): one Linear called twice owns one
 * weight, whose .grad is the sum over both calls */
static void
test_linear_called_twice_sums_both_gradients (void)
{
  g_autoptr (NnbModel) model = nnb_model_new ("Twice");
  g_autoptr (NnbModule) fc = linear_new (4, 4, TRUE, 71);
  g_autoptr (NnbModule) act = nnb_activation_new (NNB_MODULE_TANH);
  g_autoptr (NnbModule) head = linear_new (4, 1, TRUE, 72);
  int64_t x_shape[] = { 5, 4 }, y_shape[] = { 5, 1 };
  g_autoptr (NnbTensor) x = fixed_tensor (2, x_shape, 15, 2.0f);
  g_autoptr (NnbTensor) y = fixed_tensor (2, y_shape, 16, 1.0f);
  int in, f1, a1, f2, a2, h, out;

  register_module (model, "fc", fc);
  register_module (model, "act", act);
  register_module (model, "head", head);
  in = nnb_test_node (model, NNB_NODE_INPUT, "x", NULL, -1);
  f1 = nnb_test_node (model, NNB_NODE_CALL, "fc_1", "fc", -1);
  a1 = nnb_test_node (model, NNB_NODE_CALL, "act_1", "act", -1);
  f2 = nnb_test_node (model, NNB_NODE_CALL, "fc_2", "fc", -1);
  a2 = nnb_test_node (model, NNB_NODE_CALL, "act_2", "act", -1);
  h = nnb_test_node (model, NNB_NODE_CALL, "head", "head", -1);
  out = nnb_test_node (model, NNB_NODE_OUTPUT, "output", NULL, -1);
  nnb_test_connect (model, in, f1, 0);
  nnb_test_connect (model, f1, a1, 0);
  nnb_test_connect (model, a1, f2, 0);
  nnb_test_connect (model, f2, a2, 0);
  nnb_test_connect (model, a2, h, 0);
  nnb_test_connect (model, h, out, 0);

  /* fc.weight, fc.bias, head.weight, head.bias: the shared weight once */
  g_assert_cmpuint (nnb_model_named_parameters (model)->len, ==, 4);
  assert_gradients_match (model, NNB_LOSS_MSE, x, y);
}

/* model.fc2.weight.requires_grad_(False): its .grad stays zero, while fc1,
 * below it, still gets its full gradient through the frozen weight. */
static void
test_frozen_weight_gets_no_gradient_but_earlier_layers_do (void)
{
  g_autoptr (NnbModel) model = page_mlp_new (3, 16, 1);
  int64_t x_shape[] = { 6, 3 }, y_shape[] = { 6, 1 };
  g_autoptr (NnbTensor) x = fixed_tensor (2, x_shape, 11, 2.0f);
  g_autoptr (NnbTensor) y = fixed_tensor (2, y_shape, 12, 1.0f);
  g_autoptr (NnbLoss) loss = nnb_loss_new (NNB_LOSS_MSE);
  NnbParameter *frozen = nnb_model_get_parameter (model, "fc2.weight");

  frozen->requires_grad = FALSE;
  assert_gradients_match (model, NNB_LOSS_MSE, x, y);
  /* and a second backward still leaves it untouched */
  engine_backward (model, loss, x, y);
  for (int64_t j = 0; j < frozen->grad->numel; j++)
    g_assert_cmpfloat (frozen->grad->data[j], ==, 0.0f);
}

/* Without zero_grad, a second loss.backward() adds the same gradient again:
 * exactly twice the first (g + g is exact in float32); zero_grad() then
 * resets every .grad to 0. */
static void
test_gradients_accumulate_until_zero_grad (void)
{
  g_autoptr (NnbModel) model = page_mlp_new (3, 16, 1);
  g_autoptr (NnbLoss) loss = nnb_loss_new (NNB_LOSS_MSE);
  int64_t x_shape[] = { 6, 3 }, y_shape[] = { 6, 1 };
  g_autoptr (NnbTensor) x = fixed_tensor (2, x_shape, 11, 2.0f);
  g_autoptr (NnbTensor) y = fixed_tensor (2, y_shape, 12, 1.0f);
  GPtrArray *params = nnb_model_named_parameters (model);
  g_autoptr (GPtrArray) first = g_ptr_array_new_with_free_func ((GDestroyNotify) nnb_tensor_unref);

  nnb_model_zero_grad (model);
  engine_backward (model, loss, x, y);
  for (guint p = 0; p < params->len; p++)
    g_ptr_array_add (first, nnb_tensor_copy (((NnbNamedParameter *) params->pdata[p])->param->grad, NULL));

  engine_backward (model, loss, x, y);
  for (guint p = 0; p < params->len; p++)
    {
      NnbNamedParameter *named = params->pdata[p];
      NnbTensor *once = first->pdata[p];
      for (int64_t j = 0; j < once->numel; j++)
        if (named->param->grad->data[j] != 2.0f * once->data[j])
          g_test_fail_printf ("%s[%" G_GINT64_FORMAT "]: after two backward calls %.9g, not twice %.9g",
                              named->name, j, named->param->grad->data[j], once->data[j]);
    }

  nnb_model_zero_grad (model);
  for (guint p = 0; p < params->len; p++)
    {
      NnbTensor *grad = ((NnbNamedParameter *) params->pdata[p])->param->grad;
      for (int64_t j = 0; j < grad->numel; j++)
        g_assert_cmpfloat (grad->data[j], ==, 0.0f);
    }

  /* and after zero_grad the next backward gives the first gradient again */
  engine_backward (model, loss, x, y);
  for (guint p = 0; p < params->len; p++)
    {
      NnbTensor *grad = ((NnbNamedParameter *) params->pdata[p])->param->grad;
      g_assert_cmpmem (grad->data, grad->numel * sizeof (float),
                       ((NnbTensor *) first->pdata[p])->data, grad->numel * sizeof (float));
    }
}

static void
test_l1_loss (void)
{
  g_autoptr (NnbModule) act = nnb_activation_new (NNB_MODULE_TANH);
  g_autoptr (NnbModel) model = sandwich_new (act, TRUE);
  int64_t x_shape[] = { 5, 3 }, y_shape[] = { 5, 2 };
  g_autoptr (NnbTensor) x = fixed_tensor (2, x_shape, 17, 2.0f);
  g_autoptr (NnbTensor) y = fixed_tensor (2, y_shape, 18, 1.0f);

  assert_gradients_match (model, NNB_LOSS_L1, x, y);
}

/* The page's trap: predictions (N, 1) against targets (N,) broadcast to an
 * (N, N) grid. PyTorch warns, then computes exactly that, and its gradient
 * sums over the grid's rows; the engine must do the same. */
static void
test_broadcast_target (NnbLossKind kind)
{
  g_autoptr (NnbModule) act = nnb_activation_new (NNB_MODULE_TANH);
  g_autoptr (NnbModule) fc1 = linear_new (3, 4, TRUE, 81);
  g_autoptr (NnbModule) fc2 = linear_new (4, 1, TRUE, 82);
  NnbModule *modules[] = { fc1, act, fc2 };
  g_autoptr (NnbModel) model = nnb_model_new_sequential (modules, G_N_ELEMENTS (modules));
  g_autoptr (NnbLoss) loss = nnb_loss_new (kind);
  g_autoptr (GError) error = NULL;
  int64_t x_shape[] = { 4, 3 }, y_shape[] = { 4 }, column_shape[] = { 4, 1 };
  g_autoptr (NnbTensor) x = fixed_tensor (2, x_shape, 19, 2.0f);
  /* targets among the predictions (about −0.5): with every prediction on
   * one side of every target, L1's grid mean would equal the column's */
  const float targets[] = { -1.0f, 0.5f, -0.4f, 0.2f };
  g_autoptr (NnbTensor) y = nnb_tensor_new_from_data (1, y_shape, targets);
  g_autoptr (NnbTensor) y_column = nnb_tensor_new_from_data (2, column_shape, targets);
  NnbTensor *pred;
  double broadcast_value, column_value;

  pred = nnb_model_forward (model, x, &error);
  g_assert_no_error (error);
  nnb_loss_forward (loss, pred, y, &broadcast_value, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (nnb_loss_get_warning (loss), ==,
                   "Using a target size (torch.Size([4])) that is different to the input size "
                   "(torch.Size([4, 1])). This will likely lead to incorrect results due to "
                   "broadcasting. Please ensure they have the same size.");
  /* the gradient has pred's shape, not the grid's */
  g_assert_cmpint (nnb_loss_grad (loss)->ndim, ==, 2);
  g_assert_cmpint (nnb_loss_grad (loss)->shape[0], ==, 4);
  g_assert_cmpint (nnb_loss_grad (loss)->shape[1], ==, 1);

  /* the same targets as a column: no warning, and a different loss */
  nnb_loss_forward (loss, pred, y_column, &column_value, &error);
  g_assert_no_error (error);
  g_assert_null (nnb_loss_get_warning (loss));
  g_assert_cmpfloat (fabs (broadcast_value - column_value), >, 1e-3);

  assert_gradients_match (model, kind, x, y);
}

static void
test_mse_broadcast_target_warns_and_broadcasts (void)
{
  test_broadcast_target (NNB_LOSS_MSE);
}

static void
test_l1_broadcast_target_warns_and_broadcasts (void)
{
  test_broadcast_target (NNB_LOSS_L1);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (activation_cases); i++)
    g_test_add_data_func (activation_cases[i].path, &activation_cases[i], test_activation);
  g_test_add_func ("/gradcheck/layer-norm", test_layer_norm);
  g_test_add_func ("/gradcheck/batch-norm-train-mode", test_batch_norm_train);
  g_test_add_func ("/gradcheck/batch-norm-eval-mode", test_batch_norm_eval);
  g_test_add_func ("/gradcheck/batch-norm-train-mode-without-affine", test_batch_norm_train_without_affine);
  g_test_add_func ("/gradcheck/layer-norm-large-eps-without-affine", test_layer_norm_large_eps_without_affine);
  g_test_add_func ("/gradcheck/softmax", test_softmax);
  g_test_add_func ("/gradcheck/log-softmax", test_log_softmax);
  g_test_add_func ("/gradcheck/softmax-beside-a-skip-connection", test_softmax_beside_a_skip_connection);
  g_test_add_func ("/gradcheck/linear-with-bias", test_linear_with_bias);
  g_test_add_func ("/gradcheck/linear-without-bias", test_linear_without_bias);
  g_test_add_func ("/gradcheck/single-linear-reading-the-input", test_single_linear);
  g_test_add_func ("/gradcheck/linear-on-3d-input-acts-on-last-dim", test_linear_on_3d_input);
  g_test_add_func ("/gradcheck/sequential-inside-a-model", test_sequential_inside_a_model);
  g_test_add_func ("/gradcheck/mlp-with-skip-connection-and-shared-act", test_mlp_with_skip_connection_and_shared_act);
  g_test_add_func ("/gradcheck/skip-connection-from-the-input", test_skip_connection_from_the_input);
  g_test_add_func ("/gradcheck/cat-and-mul", test_cat_and_mul);
  g_test_add_func ("/gradcheck/linear-called-twice-sums-both-gradients", test_linear_called_twice_sums_both_gradients);
  g_test_add_func ("/gradcheck/frozen-weight-gets-no-gradient-but-earlier-layers-do",
                   test_frozen_weight_gets_no_gradient_but_earlier_layers_do);
  g_test_add_func ("/gradcheck/gradients-accumulate-until-zero-grad", test_gradients_accumulate_until_zero_grad);
  g_test_add_func ("/gradcheck/l1-loss", test_l1_loss);
  g_test_add_func ("/gradcheck/mse-broadcast-target-warns-and-broadcasts", test_mse_broadcast_target_warns_and_broadcasts);
  g_test_add_func ("/gradcheck/l1-broadcast-target-warns-and-broadcasts", test_l1_broadcast_target_warns_and_broadcasts);

  return g_test_run ();
}
