/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-dataset.c — the lessons' data sets, drawn as PyTorch draws them.
 *
 * Each generator mirrors a line of PyTorch code (docs/file-format.md lists
 * them). PyTorch evaluates `3 * X + 2 + torch.randn(n, 1) * 0.5` one eager
 * op at a time, each op rounding its result to float32 and the Python
 * scalars first converted to float32; so the code here makes one pass over
 * the data per op, in the same order. Separate passes through memory also
 * keep the compiler from fusing a multiply and an add into one rounding. */
#include "nnb-dataset.h"
#include "nnb-dataset-private.h"
#include "nnb-training-private.h"

#include <math.h>
#include <sleef.h>
#include <string.h>
#include "nnb-error.h"

/* More points than any lesson needs, small enough to never exhaust memory. */
#define MAX_POINTS ((int64_t) 10000000)

static const char *const kind_names[] = {
  [NNB_DATA_LINE] = "line",
  [NNB_DATA_SINE] = "sine",
  [NNB_DATA_POLYNOMIAL] = "polynomial",
  [NNB_DATA_STEP] = "step",
  [NNB_DATA_SINE_PRODUCT] = "sine-product",
  [NNB_DATA_CSV] = "csv",
  [NNB_DATA_CIRCLE] = "circle",
  [NNB_DATA_XOR] = "xor",
  [NNB_DATA_GAUSS] = "gauss",
  [NNB_DATA_SPIRAL] = "spiral",
  [NNB_DATA_MOONS] = "moons",
  [NNB_DATA_BLOBS] = "blobs",
};

void
nnb_data_spec_init (NnbDataSpec *spec, NnbDataKind kind)
{
  memset (spec, 0, sizeof *spec);
  spec->kind = kind;
  switch (kind)
    {
    case NNB_DATA_LINE: /* the page's regression: y = 3x + 2 + 0.5ε on [0, 10) */
      spec->n = 100;
      spec->a = 3.0;
      spec->b = 2.0;
      spec->noise = 0.5;
      spec->x_max = 10.0;
      break;
    case NNB_DATA_SINE: /* the page's exercise: y = sin x + 0.1ε on [0, 2π) */
      spec->n = 200;
      spec->noise = 0.1;
      spec->x_max = 2.0 * G_PI;
      break;
    case NNB_DATA_POLYNOMIAL: /* the parabola (x − 1)(x − 3) on [0, 4) */
      spec->n = 100;
      spec->a = 1.0;
      spec->b = -4.0;
      spec->c = 3.0;
      spec->noise = 0.2;
      spec->x_max = 4.0;
      break;
    case NNB_DATA_STEP:
      spec->n = 100;
      spec->noise = 0.1;
      spec->x_max = 10.0;
      break;
    case NNB_DATA_SINE_PRODUCT: /* the residual MLP's workload in FACTS.md */
      spec->n = 1024;
      break;
    case NNB_DATA_CIRCLE:
    case NNB_DATA_XOR:
    case NNB_DATA_GAUSS:
    case NNB_DATA_SPIRAL:
    case NNB_DATA_MOONS:
    case NNB_DATA_BLOBS:
      nnb_data_spec_init_2d (spec);
      break;
    case NNB_DATA_CSV:
    default:
      break;
    }
}

void
nnb_data_spec_clear (NnbDataSpec *spec)
{
  g_clear_pointer (&spec->csv_path, g_free);
  nnb_csv_columns_free (spec->csv_inputs, spec->csv_n_inputs);
  nnb_csv_columns_free (spec->csv_targets, spec->csv_n_targets);
  spec->csv_inputs = spec->csv_targets = NULL;
  spec->csv_n_inputs = spec->csv_n_targets = 0;
}

/* dst is overwritten as uninitialised storage: clear it first if it owns a path. */
void
nnb_data_spec_copy (NnbDataSpec *dst, const NnbDataSpec *src)
{
  *dst = *src;
  dst->csv_path = g_strdup (src->csv_path);
  dst->csv_inputs = nnb_csv_columns_copy (src->csv_inputs, src->csv_n_inputs);
  dst->csv_targets = nnb_csv_columns_copy (src->csv_targets, src->csv_n_targets);
}

const char *
nnb_data_kind_to_string (NnbDataKind kind)
{
  if ((guint) kind >= G_N_ELEMENTS (kind_names))
    return NULL;
  return kind_names[kind];
}

gboolean
nnb_data_kind_from_string (const char *text, NnbDataKind *out)
{
  for (guint i = 0; i < G_N_ELEMENTS (kind_names); i++)
    if (g_strcmp0 (text, kind_names[i]) == 0)
      {
        *out = (NnbDataKind) i;
        return TRUE;
      }
  return FALSE;
}

void
nnb_dataset_free (NnbDataset *dataset)
{
  if (dataset == NULL)
    return;
  g_clear_pointer (&dataset->x, nnb_tensor_unref);
  g_clear_pointer (&dataset->y, nnb_tensor_unref);
  g_clear_pointer (&dataset->x_test, nnb_tensor_unref);
  g_clear_pointer (&dataset->y_test, nnb_tensor_unref);
  g_free (dataset->perm);
  g_free (dataset->x_mean);
  g_free (dataset->x_std);
  g_free (dataset->y_mean);
  g_free (dataset->y_std);
  g_free (dataset->x_columns);
  g_free (dataset->y_columns);
  g_strfreev (dataset->x_names);
  g_strfreev (dataset->y_names);
  g_free (dataset);
}

/* torch.sin and torch.cos on the CPU: Debian's PyTorch runs SLEEF's
 * Sleef_sinf8_u10 and Sleef_cosf8_u10 on AVX2 machines (every element, the
 * last partial vector too). Their scalar FMA builds give the same bits for
 * every float but NaN (checked against the vector ones on all 2³² bit
 * patterns), and need no AVX types here. Without FMA, the plain scalar
 * builds are what such a machine's PyTorch would be closest to. */
#if defined(__x86_64__) || defined(__i386__)
/* sleef.h declares the FMA builds only when this file is compiled with
 * -mfma; libsleef exports them anyway, and they are only called after the
 * processor has said it has FMA. */
float Sleef_sinf1_u10purecfma (float x);
float Sleef_cosf1_u10purecfma (float x);
#endif

static gboolean
has_fma (void)
{
#if defined(__x86_64__) || defined(__i386__)
  static int fma = -1;

  if (G_UNLIKELY (fma < 0))
    fma = __builtin_cpu_supports ("fma") ? 1 : 0;
  return fma;
#else
  return FALSE;
#endif
}

float
nnb_torch_sinf (float x)
{
#if defined(__x86_64__) || defined(__i386__)
  if (has_fma ())
    return Sleef_sinf1_u10purecfma (x);
#endif
  return Sleef_sinf_u10 (x);
}

float
nnb_torch_cosf (float x)
{
#if defined(__x86_64__) || defined(__i386__)
  if (has_fma ())
    return Sleef_cosf1_u10purecfma (x);
#endif
  return Sleef_cosf_u10 (x);
}

/* The elementwise ops, one rounding each, as PyTorch's eager ops. */
static void
op_mul_scalar (float *out, const float *in, float s, int64_t n)
{
  for (int64_t i = 0; i < n; i++)
    out[i] = in[i] * s;
}

static void
op_add_scalar (float *out, const float *in, float s, int64_t n)
{
  for (int64_t i = 0; i < n; i++)
    out[i] = in[i] + s;
}

static void
op_add (float *out, const float *a, const float *b, int64_t n)
{
  for (int64_t i = 0; i < n; i++)
    out[i] = a[i] + b[i];
}

static void
op_mul (float *out, const float *a, const float *b, int64_t n)
{
  for (int64_t i = 0; i < n; i++)
    out[i] = a[i] * b[i];
}

/* X = torch.rand(n, 1) * x_max */
static void
draw_uniform_x (NnbGenerator *gen, float *x, int64_t n, double x_max)
{
  nnb_rng_uniform (gen, x, n, 0.0, 1.0);
  op_mul_scalar (x, x, (float) x_max, n);
}

/* y = y + torch.randn(n, 1) * noise — drawn even when noise is 0, as the
 * page's code does, so that moving the noise slider never changes the
 * weights drawn after the data. */
static void
add_noise (NnbGenerator *gen, float *y, int64_t n, double noise)
{
  g_autofree float *e = g_new (float, n);

  nnb_rng_normal (gen, e, n, 0.0, 1.0);
  op_mul_scalar (e, e, (float) noise, n);
  op_add (y, y, e, n);
}

/* y = a * X + b + torch.randn(n, 1) * noise */
static void
generate_line (const NnbDataSpec *spec, NnbGenerator *gen, float *x, float *y)
{
  int64_t n = spec->n;

  draw_uniform_x (gen, x, n, spec->x_max);
  op_mul_scalar (y, x, (float) spec->a, n);
  op_add_scalar (y, y, (float) spec->b, n);
  add_noise (gen, y, n, spec->noise);
}

/* y = torch.sin(X) + noise * torch.randn(n, 1) */
static void
generate_sine (const NnbDataSpec *spec, NnbGenerator *gen, float *x, float *y)
{
  int64_t n = spec->n;

  draw_uniform_x (gen, x, n, spec->x_max);
  for (int64_t i = 0; i < n; i++)
    y[i] = nnb_torch_sinf (x[i]);
  add_noise (gen, y, n, spec->noise);
}

/* y = a * (X * X) + b * X + c + torch.randn(n, 1) * noise */
static void
generate_polynomial (const NnbDataSpec *spec, NnbGenerator *gen, float *x, float *y)
{
  int64_t n = spec->n;
  g_autofree float *bx = g_new (float, n);

  draw_uniform_x (gen, x, n, spec->x_max);
  op_mul (y, x, x, n);
  op_mul_scalar (y, y, (float) spec->a, n);
  op_mul_scalar (bx, x, (float) spec->b, n);
  op_add (y, y, bx, n);
  op_add_scalar (y, y, (float) spec->c, n);
  add_noise (gen, y, n, spec->noise);
}

/* y = (X >= x_max / 2).float() + torch.randn(n, 1) * noise */
static void
generate_step (const NnbDataSpec *spec, NnbGenerator *gen, float *x, float *y)
{
  int64_t n = spec->n;
  float edge = (float) (spec->x_max / 2.0);

  draw_uniform_x (gen, x, n, spec->x_max);
  for (int64_t i = 0; i < n; i++)
    y[i] = x[i] >= edge ? 1.0f : 0.0f;
  add_noise (gen, y, n, spec->noise);
}

/* X = torch.randn(n, 3); y = torch.sin(X[:, 0:1] * X[:, 1:2]) + X[:, 2:3],
 * plus torch.randn(n, 1) * noise only when noise is not 0 (the benchmark's
 * code has no noise term, and its generator must stay where it left it). */
static void
generate_sine_product (const NnbDataSpec *spec, NnbGenerator *gen, float *x, float *y)
{
  int64_t n = spec->n;

  nnb_rng_normal (gen, x, n * 3, 0.0, 1.0);
  for (int64_t i = 0; i < n; i++)
    y[i] = nnb_torch_sinf (x[3 * i] * x[3 * i + 1]);
  for (int64_t i = 0; i < n; i++)
    y[i] = y[i] + x[3 * i + 2];
  if (spec->noise != 0.0)
    add_noise (gen, y, n, spec->noise);
}

static int64_t
input_features (NnbDataKind kind)
{
  if (nnb_data_kind_is_2d (kind))
    return 2;
  return kind == NNB_DATA_SINE_PRODUCT ? 3 : 1;
}

/* the kinds whose x is drawn from [0, x_max) */
static gboolean
has_x_max (NnbDataKind kind)
{
  return kind == NNB_DATA_LINE || kind == NNB_DATA_SINE || kind == NNB_DATA_POLYNOMIAL || kind == NNB_DATA_STEP;
}

/* The checks the .nnb reader makes with more precise wording; these guard
 * callers that fill a spec by hand (the CLI, the UI). */
static gboolean
check_spec (const NnbDataSpec *spec, GError **error)
{
  const char *kind = nnb_data_kind_to_string (spec->kind);

  if (kind == NULL)
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT, "Unknown kind of data (%d).", (int) spec->kind);
      return FALSE;
    }
  if (spec->n <= 0 || spec->n > MAX_POINTS)
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT,
                   "The number of points must be between 1 and %" G_GINT64_FORMAT ", not %" G_GINT64_FORMAT ".",
                   MAX_POINTS, spec->n);
      return FALSE;
    }
  if (!isfinite (spec->a) || !isfinite (spec->b) || !isfinite (spec->c) ||
      !isfinite (spec->noise) || !isfinite (spec->x_max))
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT,
                   "The %s data's settings must be ordinary numbers, not NaN or infinity.", kind);
      return FALSE;
    }
  if (spec->noise < 0.0)
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT,
                   "The noise must be 0 or more, not %g.", spec->noise);
      return FALSE;
    }
  if (has_x_max (spec->kind) && spec->x_max <= 0.0)
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT,
                   "x_max (the end of the x range) must be more than 0, not %g.", spec->x_max);
      return FALSE;
    }
  return !nnb_data_kind_is_2d (spec->kind) || nnb_data_spec_check_2d (spec, error);
}

NnbDataset *
nnb_dataset_new (const NnbDataSpec *spec, NnbGenerator *gen, GError **error)
{
  g_autoptr (NnbDataset) data = NULL;

  g_return_val_if_fail (spec != NULL, NULL);

  if (gen == NULL)
    gen = nnb_generator_default ();
  if (spec->kind == NNB_DATA_CSV)
    {
      g_autoptr (NnbDataset) table = nnb_dataset_read_csv (spec, error);

      return table != NULL ? nnb_dataset_new_from_table (spec, table, gen, error) : NULL;
    }
  if (!check_spec (spec, error))
    return NULL;

  data = g_new0 (NnbDataset, 1);
  data->x = nnb_tensor_new_2d (spec->n, input_features (spec->kind));
  data->y = nnb_tensor_new_2d (spec->n, 1);
  switch (spec->kind)
    {
    case NNB_DATA_LINE:
      generate_line (spec, gen, data->x->data, data->y->data);
      break;
    case NNB_DATA_SINE:
      generate_sine (spec, gen, data->x->data, data->y->data);
      break;
    case NNB_DATA_POLYNOMIAL:
      generate_polynomial (spec, gen, data->x->data, data->y->data);
      break;
    case NNB_DATA_STEP:
      generate_step (spec, gen, data->x->data, data->y->data);
      break;
    case NNB_DATA_SINE_PRODUCT:
      generate_sine_product (spec, gen, data->x->data, data->y->data);
      break;
    case NNB_DATA_CIRCLE:
    case NNB_DATA_XOR:
    case NNB_DATA_GAUSS:
    case NNB_DATA_SPIRAL:
    case NNB_DATA_MOONS:
    case NNB_DATA_BLOBS:
      nnb_dataset_generate_2d (spec, gen, data->x->data, data->y->data);
      data->n_classes = nnb_data_spec_classes (spec);
      break;
    case NNB_DATA_CSV:
    default:
      g_assert_not_reached ();
    }
  /* split and standardise after the draws, on the same generator */
  if (!nnb_dataset_split_and_standardize (data, spec, gen, error))
    return NULL;
  return g_steal_pointer (&data);
}
