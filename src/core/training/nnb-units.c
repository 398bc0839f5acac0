/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-units.c — a block's output units on a grid of inputs (see the
 * header). */
#include "nnb-units.h"
#include "nnb-class-probabilities.h"
#include "nnb-error.h"

#include <string.h>

void
nnb_units_free (NnbUnits *units)
{
  if (units == NULL)
    return;
  g_free (units->x);
  g_free (units->values);
  g_free (units);
}

NnbTensor *
nnb_units_plane_grid (const double extent[4], int size)
{
  NnbTensor *grid = nnb_tensor_new_2d ((int64_t) size * size, 2);

  /* the decision boundary's formula (nnb-trainer.h), so both pictures
   * sample the plane alike */
  for (int j = 0; j < size; j++)
    for (int i = 0; i < size; i++)
      {
        grid->data[2 * (j * size + i)] = (float) (extent[0] + (extent[1] - extent[0]) * (i + 0.5) / size);
        grid->data[2 * (j * size + i) + 1] = (float) (extent[2] + (extent[3] - extent[2]) * (j + 0.5) / size);
      }
  return grid;
}

NnbUnits *
nnb_units_read (NnbModel *model, int node, int layer, int inputs, int size, const double extent[4],
                const float *x)
{
  NnbTensor *out = nnb_model_node_output (model, node, layer);
  int points = inputs == 2 ? size * size : size;
  g_autofree float *rows = NULL;
  NnbUnits *units;

  if (out == NULL || out->ndim < 1 || out->shape[0] != points)
    return NULL;
  units = g_new0 (NnbUnits, 1);
  units->node = node;
  units->layer = layer;
  units->inputs = inputs;
  units->size = size;
  memcpy (units->extent, extent, sizeof units->extent);
  if (x != NULL)
    units->x = g_memdup2 (x, size * sizeof (float));
  if (out->ndim != 2 || out->shape[1] < 1 || out->shape[1] > G_MAXINT)
    return units;
  units->features = (int) out->shape[1];
  if (units->features > NNB_UNITS_MAX)
    return units;
  units->units = units->features;
  /* (points, F) row by row in the forward; one unit's picture reads its
   * column, so the snapshot keeps the columns, each contiguous */
  rows = g_new (float, (gsize) points * units->units);
  nnb_tensor_read (out, rows);
  units->values = g_new (float, (gsize) points * units->units);
  for (int p = 0; p < points; p++)
    for (int u = 0; u < units->units; u++)
      units->values[(gsize) u * points + p] = rows[(gsize) p * units->units + u];
  return units;
}

NnbUnits *
nnb_units_compute (NnbModel *model, const NnbDataset *data, int n_grid, double x_min, double x_max, int node,
                   int layer, GError **error)
{
  int64_t features = nnb_model_input_features (model);
  g_autoptr (NnbTensor) host = NULL;
  g_autoptr (NnbTensor) grid = NULL;
  double extent[4] = { x_min, x_max, 0, 0 };
  int inputs, size;
  gboolean was_training;
  NnbUnits *units;

  if (features == 1 && n_grid > 1)
    {
      inputs = 1;
      size = n_grid;
      host = nnb_tensor_new_2d (n_grid, 1);
      /* the trainer's plotting grid, float for float */
      for (int i = 0; i < n_grid; i++)
        host->data[i] = (float) (x_min + (x_max - x_min) * i / (n_grid - 1));
    }
  else if (features == 2 && nnb_class_boundary_extent (data, extent))
    {
      inputs = 2;
      size = NNB_UNITS_GRID_SIZE;
      host = nnb_units_plane_grid (extent, size);
    }
  else
    {
      g_set_error_literal (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT,
                           "Units are drawn over the input space of a model with one or two inputs.");
      return NULL;
    }
  grid = nnb_tensor_to (host, model->device, error);
  if (grid == NULL)
    return NULL;
  /* a picture, drawn as the trainer draws its own: after model.eval(), so
   * that looking neither draws Dropout masks nor moves BatchNorm1d's
   * running estimates; the model's mode comes back afterwards */
  was_training = model->training;
  nnb_model_eval (model);
  if (nnb_model_forward (model, grid, error) == NULL)
    {
      nnb_model_train (model, was_training);
      return NULL;
    }
  units = nnb_units_read (model, node, layer, inputs, size, extent, inputs == 1 ? host->data : NULL);
  nnb_model_train (model, was_training);
  if (units == NULL)
    g_set_error_literal (error, NNB_ERROR, NNB_ERROR_GRAPH, "That block has no output to show.");
  return units;
}
