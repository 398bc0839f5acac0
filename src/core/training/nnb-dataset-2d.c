/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-dataset-2d.c — the two-dimensional class data: points X (n, 2) and
 * the class of each, drawn as these PyTorch programs draw them
 * (docs/file-format.md has them with their fields; the golden file
 * tests/data/2d-data-golden.json is the proof):
 *
 *   circle   y = torch.arange(n) % 2
 *            r = (torch.rand(n) + 2 * y) * (radius / 3)
 *            angle = torch.rand(n) * (2 * math.pi)
 *            X = torch.stack([r * torch.cos(angle), r * torch.sin(angle)], 1)
 *   xor      X = torch.rand(n, 2) * 2 - 1
 *            y = ((X[:, 0] > 0) != (X[:, 1] > 0)).long()
 *   gauss    y = torch.arange(n) % 2
 *            centres = torch.tensor([[-1.0, -1.0], [1.0, 1.0]]) * (distance / 8 ** 0.5)
 *            X = centres[y] + torch.randn(n, 2) * noise
 *   spiral   y = torch.arange(n) % 2
 *            t = torch.rand(n)
 *            angle = t * (2 * math.pi * turns) + math.pi * y
 *            X = torch.stack([t * torch.cos(angle), t * torch.sin(angle)], 1)
 *   moons    y = torch.arange(n) % 2
 *            angle = torch.rand(n) * math.pi
 *            X = torch.stack([torch.cos(angle), torch.sin(angle)], 1)
 *            X = torch.where(y[:, None] == 0, X, torch.tensor([1.0, 0.5]) - X)
 *   blobs    y = torch.arange(n) % classes
 *            angle = torch.arange(classes) * (2 * math.pi / classes)
 *            centres = torch.stack([torch.cos(angle), torch.sin(angle)], 1)
 *            X = centres[y] + torch.randn(n, 2) * noise
 *
 * and, but for gauss and blobs whose last line has it, the noise last:
 * X = X + torch.randn(n, 2) * noise, drawn even when noise is 0 as the
 * other generators draw theirs. Only draws and float32 ops the engine
 * reproduces: classes by position in the data (arange), not by randint, so
 * that every class has its share of any n; each op one rounding, a Python
 * number first rounded to float32, as nnb-dataset.c explains. */
#include "nnb-dataset-private.h"

#include <math.h>
#include "nnb-error.h"

gboolean
nnb_data_kind_is_2d (NnbDataKind kind)
{
  return kind >= NNB_DATA_CIRCLE && kind <= NNB_DATA_BLOBS;
}

int64_t
nnb_data_spec_classes (const NnbDataSpec *spec)
{
  g_return_val_if_fail (spec != NULL, 0);

  if (spec->kind == NNB_DATA_BLOBS)
    return spec->classes;
  return nnb_data_kind_is_2d (spec->kind) ? 2 : 0;
}

gboolean
nnb_data_spec_has_classes (const NnbDataSpec *spec)
{
  g_return_val_if_fail (spec != NULL, FALSE);

  return nnb_data_spec_classes (spec) > 0 || (spec->kind == NNB_DATA_CSV && spec->csv_class_targets);
}

void
nnb_data_spec_init_2d (NnbDataSpec *spec)
{
  spec->n = 200;
  switch (spec->kind)
    {
    case NNB_DATA_CIRCLE:
      spec->radius = 1.0;
      spec->noise = 0.1;
      break;
    case NNB_DATA_GAUSS:
      spec->distance = 3.0;
      spec->noise = 0.5;
      break;
    case NNB_DATA_SPIRAL:
      spec->turns = 1.5;
      spec->noise = 0.05;
      break;
    case NNB_DATA_BLOBS:
      spec->classes = 3;
      spec->noise = 0.2;
      break;
    case NNB_DATA_XOR:
    case NNB_DATA_MOONS:
    default:
      spec->noise = 0.1;
      break;
    }
}

gboolean
nnb_data_spec_check_2d (const NnbDataSpec *spec, GError **error)
{
  if (!isfinite (spec->radius) || !isfinite (spec->distance) || !isfinite (spec->turns))
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT,
                   "The %s data's settings must be ordinary numbers, not NaN or infinity.",
                   nnb_data_kind_to_string (spec->kind));
      return FALSE;
    }
  if (spec->kind == NNB_DATA_CIRCLE && !(spec->radius > 0.0))
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT,
                   "The circle's radius (the ring's outer edge) must be more than 0, not %g.", spec->radius);
      return FALSE;
    }
  if (spec->kind == NNB_DATA_GAUSS && spec->distance < 0.0)
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT,
                   "The distance between the two centres must be 0 or more, not %g.", spec->distance);
      return FALSE;
    }
  if (spec->kind == NNB_DATA_SPIRAL && !(spec->turns > 0.0))
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT,
                   "The spiral's turns must be more than 0, not %g.", spec->turns);
      return FALSE;
    }
  if (spec->kind == NNB_DATA_BLOBS && (spec->classes < NNB_DATA_MIN_CLASSES || spec->classes > NNB_DATA_MAX_CLASSES))
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT,
                   "The blobs must be between %d and %d classes, not %" G_GINT64_FORMAT ".", NNB_DATA_MIN_CLASSES,
                   NNB_DATA_MAX_CLASSES, spec->classes);
      return FALSE;
    }
  return TRUE;
}

/* y = torch.arange(n) % classes: the classes in turn, an equal share each */
static void
classes_in_turn (float *y, int64_t n, int64_t classes)
{
  for (int64_t i = 0; i < n; i++)
    y[i] = (float) (i % classes);
}

/* X = X + torch.randn(n, 2) * noise */
static void
add_noise (NnbGenerator *gen, float *x, int64_t n, double noise)
{
  g_autofree float *e = g_new (float, 2 * n);
  float s = (float) noise;

  nnb_rng_normal (gen, e, 2 * n, 0.0, 1.0);
  for (int64_t i = 0; i < 2 * n; i++)
    e[i] = e[i] * s;
  for (int64_t i = 0; i < 2 * n; i++)
    x[i] = x[i] + e[i];
}

/* X = torch.stack([r * torch.cos(angle), r * torch.sin(angle)], 1); r NULL
 * stands for ones (moons: the bare cos and sin) */
static void
stack_polar (float *x, const float *r, const float *angle, int64_t n)
{
  for (int64_t i = 0; i < n; i++)
    {
      float c = nnb_torch_cosf (angle[i]), s = nnb_torch_sinf (angle[i]);

      x[2 * i] = r != NULL ? r[i] * c : c;
      x[2 * i + 1] = r != NULL ? r[i] * s : s;
    }
}

static void
generate_circle (const NnbDataSpec *spec, NnbGenerator *gen, float *x, float *y)
{
  int64_t n = spec->n;
  g_autofree float *r = g_new (float, n);
  g_autofree float *angle = g_new (float, n);
  float scale = (float) (spec->radius / 3.0);

  classes_in_turn (y, n, 2);
  /* r = (torch.rand(n) + 2 * y) * (radius / 3): 2 * y is a whole number */
  nnb_rng_uniform (gen, r, n, 0.0, 1.0);
  for (int64_t i = 0; i < n; i++)
    r[i] = r[i] + 2.0f * y[i];
  for (int64_t i = 0; i < n; i++)
    r[i] = r[i] * scale;
  nnb_rng_uniform (gen, angle, n, 0.0, 1.0);
  for (int64_t i = 0; i < n; i++)
    angle[i] = angle[i] * (float) (2.0 * G_PI);
  stack_polar (x, r, angle, n);
  add_noise (gen, x, n, spec->noise);
}

static void
generate_xor (const NnbDataSpec *spec, NnbGenerator *gen, float *x, float *y)
{
  int64_t n = spec->n;

  nnb_rng_uniform (gen, x, 2 * n, 0.0, 1.0);
  for (int64_t i = 0; i < 2 * n; i++)
    x[i] = x[i] * 2.0f;
  for (int64_t i = 0; i < 2 * n; i++)
    x[i] = x[i] - 1.0f;
  for (int64_t i = 0; i < n; i++)
    y[i] = (x[2 * i] > 0.0f) != (x[2 * i + 1] > 0.0f) ? 1.0f : 0.0f;
  add_noise (gen, x, n, spec->noise);
}

/* X = centres[y] + torch.randn(n, 2) * noise, centres (classes, 2) */
static void
place_around_centres (const float *centres, const float *y, NnbGenerator *gen, float *x, int64_t n,
                      double noise)
{
  for (int64_t i = 0; i < n; i++)
    {
      int64_t c = (int64_t) y[i];

      x[2 * i] = centres[2 * c];
      x[2 * i + 1] = centres[2 * c + 1];
    }
  add_noise (gen, x, n, noise);
}

static void
generate_gauss (const NnbDataSpec *spec, NnbGenerator *gen, float *x, float *y)
{
  /* ±1 times the float32 of distance / √8: exact, ±(d/√8, d/√8) are d apart */
  float c = (float) (spec->distance / sqrt (8.0));
  float centres[4] = { -c, -c, c, c };

  classes_in_turn (y, spec->n, 2);
  place_around_centres (centres, y, gen, x, spec->n, spec->noise);
}

static void
generate_spiral (const NnbDataSpec *spec, NnbGenerator *gen, float *x, float *y)
{
  int64_t n = spec->n;
  g_autofree float *t = g_new (float, n);
  g_autofree float *angle = g_new (float, n);
  float k = (float) (2.0 * G_PI * spec->turns);

  classes_in_turn (y, n, 2);
  nnb_rng_uniform (gen, t, n, 0.0, 1.0);
  /* angle = t * (2 * math.pi * turns) + math.pi * y: the second arm half a
   * turn on (math.pi * y is 0 or π's float32, exactly) */
  for (int64_t i = 0; i < n; i++)
    angle[i] = t[i] * k;
  for (int64_t i = 0; i < n; i++)
    angle[i] = angle[i] + (float) G_PI * y[i];
  stack_polar (x, t, angle, n);
  add_noise (gen, x, n, spec->noise);
}

static void
generate_moons (const NnbDataSpec *spec, NnbGenerator *gen, float *x, float *y)
{
  int64_t n = spec->n;
  g_autofree float *angle = g_new (float, n);

  classes_in_turn (y, n, 2);
  nnb_rng_uniform (gen, angle, n, 0.0, 1.0);
  for (int64_t i = 0; i < n; i++)
    angle[i] = angle[i] * (float) G_PI;
  stack_polar (x, NULL, angle, n);
  /* torch.where(y[:, None] == 0, X, torch.tensor([1.0, 0.5]) - X) */
  for (int64_t i = 0; i < n; i++)
    if (y[i] != 0.0f)
      {
        x[2 * i] = 1.0f - x[2 * i];
        x[2 * i + 1] = 0.5f - x[2 * i + 1];
      }
  add_noise (gen, x, n, spec->noise);
}

static void
generate_blobs (const NnbDataSpec *spec, NnbGenerator *gen, float *x, float *y)
{
  int64_t k = spec->classes;
  float step = (float) (2.0 * G_PI / (double) k);
  float angle[NNB_DATA_MAX_CLASSES];
  float centres[2 * NNB_DATA_MAX_CLASSES];

  g_assert (k >= NNB_DATA_MIN_CLASSES && k <= NNB_DATA_MAX_CLASSES);
  for (int64_t j = 0; j < k; j++)
    angle[j] = (float) j * step;
  stack_polar (centres, NULL, angle, k);
  classes_in_turn (y, spec->n, k);
  place_around_centres (centres, y, gen, x, spec->n, spec->noise);
}

void
nnb_dataset_generate_2d (const NnbDataSpec *spec, NnbGenerator *gen, float *x, float *y)
{
  switch (spec->kind)
    {
    case NNB_DATA_CIRCLE:
      generate_circle (spec, gen, x, y);
      break;
    case NNB_DATA_XOR:
      generate_xor (spec, gen, x, y);
      break;
    case NNB_DATA_GAUSS:
      generate_gauss (spec, gen, x, y);
      break;
    case NNB_DATA_SPIRAL:
      generate_spiral (spec, gen, x, y);
      break;
    case NNB_DATA_MOONS:
      generate_moons (spec, gen, x, y);
      break;
    case NNB_DATA_BLOBS:
      generate_blobs (spec, gen, x, y);
      break;
    default:
      g_assert_not_reached ();
    }
}
