/* SPDX-License-Identifier: GPL-3.0-or-later */
/* boundary-grid.c — what the app's decision boundary costs the worker at
 * each snapshot (nnb-trainer.h: NNB_TRAINER_BOUNDARY_SIZE² cells): the
 * model's class probabilities on the grid and each cell's most probable
 * class, for a 2→16→16→2 net on the spiral (or the .nnb given). Issue 20
 * asks for under 2 ms. Prints the median and the slowest of the runs. */
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>

#include "nnb-class-probabilities.h"
#include "nnb-project.h"
#include "nnb-trainer.h"

static const char spiral[] =
  "{\"format\": \"nnblocks\", \"version\": 1, \"model\": {\"class\": \"Sequential\", \"modules\": ["
  "{\"name\": \"0\", \"type\": \"Linear\", \"in_features\": 2, \"out_features\": 16},"
  "{\"name\": \"1\", \"type\": \"ReLU\"},"
  "{\"name\": \"2\", \"type\": \"Linear\", \"in_features\": 16, \"out_features\": 16},"
  "{\"name\": \"3\", \"type\": \"ReLU\"},"
  "{\"name\": \"4\", \"type\": \"Linear\", \"in_features\": 16, \"out_features\": 2}]},"
  "\"seed\": 0, \"model_seed\": 1, \"data\": {\"kind\": \"spiral\", \"n\": 300, \"noise\": 0.05},"
  "\"training\": {\"optimizer\": \"Adam\", \"lr\": 0.02, \"loss\": \"CrossEntropyLoss\", \"epochs\": 10}}";

static int
compare (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

int
main (int argc, char **argv)
{
  enum
  {
    RUNS = 300
  };
  int size = NNB_TRAINER_BOUNDARY_SIZE, cells = size * size;
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbProject) project = argc > 1 ? nnb_project_load (argv[1], &error)
                                            : nnb_project_load_from_data (spiral, sizeof spiral - 1, &error);
  g_autoptr (NnbDataset) data = NULL;
  g_autoptr (NnbTensor) grid = nnb_tensor_new_2d (cells, 2);
  g_autofree guint8 *classes = g_new (guint8, cells);
  g_autofree float *best = g_new (float, cells);
  double times[RUNS], extent[4];

  if (project != NULL)
    data = nnb_project_build (project, FALSE, &error);
  if (data == NULL || !nnb_class_boundary_extent (data, extent))
    {
      fprintf (stderr, "boundary-grid: %s\n", error != NULL ? error->message : "not two-input data");
      return EXIT_FAILURE;
    }
  for (int j = 0; j < size; j++)
    for (int i = 0; i < size; i++)
      {
        grid->data[2 * (j * size + i)] = (float) (extent[0] + (extent[1] - extent[0]) * (i + 0.5) / size);
        grid->data[2 * (j * size + i) + 1] = (float) (extent[2] + (extent[3] - extent[2]) * (j + 0.5) / size);
      }
  for (int r = -10; r < RUNS; r++)
    {
      gint64 start = g_get_monotonic_time ();
      int c = 0;
      g_autofree float *probs = nnb_model_class_probabilities (project->model, project->training.loss, grid, &c, &error);

      if (probs == NULL)
        {
          fprintf (stderr, "boundary-grid: %s\n", error->message);
          return EXIT_FAILURE;
        }
      for (int k = 0; k < cells; k++)
        {
          int b = 0;

          for (int j = 1; j < c; j++)
            if (probs[k * c + j] > probs[k * c + b])
              b = j;
          classes[k] = (guint8) b;
          best[k] = probs[k * c + b];
        }
      if (r >= 0)
        times[r] = (g_get_monotonic_time () - start) / 1000.0;
    }
  qsort (times, RUNS, sizeof (double), compare);
  printf ("boundary grid %dx%d: median %.3f ms, slowest %.3f ms over %d runs\n", size, size, times[RUNS / 2],
          times[RUNS - 1], RUNS);
  return EXIT_SUCCESS;
}
