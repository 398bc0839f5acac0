/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-cli-picture.c — export --format png|svg|pdf: the project's data plot
 * with its current weights, its block diagram, or its loss plot after a
 * run (nnb-cli-loss.c), drawn by the app's own functions (nnb-data-plot.h,
 * nnb-diagram-picture.h, nnb-plot-loss.h) and written as its Export
 * Picture writes them (nnb-picture-export.h): a file from the terminal is
 * the app's. */
#include "nnb-cli-picture.h"

#include <stdio.h>
#include <string.h>

#include "nnb-data-check.h"
#include "nnb-data-plot.h"
#include "nnb-diagram-picture.h"
#include "nnb-error.h"

/* Below these the title, the legend and the axes leave the data no room
 * (the text keeps its size); a PNG has two pixels a point, and 4000
 * points make 8000 pixels a side (256 MB while it is drawn). */
#define PICTURE_MIN_WIDTH 300
#define PICTURE_MIN_HEIGHT 200
#define PICTURE_MAX_SIZE 4000

static const struct
{
  const char *name;
  NnbPictureFormat format;
} formats[] = {
  { "png", NNB_PICTURE_PNG },
  { "svg", NNB_PICTURE_SVG },
  { "pdf", NNB_PICTURE_PDF },
};

gboolean
nnb_cli_is_picture_format (const char *format)
{
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    if (g_strcmp0 (format, formats[i].name) == 0)
      return TRUE;
  return FALSE;
}

static NnbPictureFormat
picture_format (const char *format)
{
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    if (strcmp (format, formats[i].name) == 0)
      return formats[i].format;
  g_return_val_if_reached (NNB_PICTURE_PNG);
}

static gboolean
check_size (const char *option, int size, int min)
{
  if (size >= min && size <= PICTURE_MAX_SIZE)
    return TRUE;
  fprintf (stderr, "nnblocks-cli: %s must be from %d to %d points (a PNG has two pixels a point), not %d\n", option,
           min, PICTURE_MAX_SIZE, size);
  return FALSE;
}

/* The project's name as the app shows it: its file's name without .nnb. */
static char *
project_name (const char *path)
{
  g_autofree char *base = g_path_get_basename (path);

  if (g_str_has_suffix (base, ".nnb") && strlen (base) > 4)
    return g_strndup (base, strlen (base) - 4);
  return g_steal_pointer (&base);
}

/* --what data: the data with the model's fit, its current weights */
static int
export_data (NnbProject *project, NnbDataset *data, NnbGenerator *shuffle, const char *project_path,
             const char *output, NnbPictureFormat format, int width, int height, gboolean discretize)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbDataPlot) plot = NULL;
  g_autofree char *name = NULL;

  /* a model that cannot run on its data has no fit to draw: PyTorch's
   * words, as train says them, rather than a picture without one */
  if (!nnb_model_check_data (project->model, data, &project->training, NULL, &error))
    return nnb_cli_fail (error);
  name = project_name (project_path);
  plot = nnb_data_plot_new (project, data, shuffle, name, &error);
  if (plot == NULL)
    return nnb_cli_fail (error);
  if (discretize && !nnb_data_plot_shows_classes (nnb_data_plot_get_source (plot)))
    {
      fprintf (stderr, "nnblocks-cli: --discretize draws hard class regions, and this project's data are not "
                       "classes with two inputs: leave it out\n");
      return NNB_EXIT_FAILURE;
    }
  nnb_data_plot_set_discretize (plot, discretize);
  if (!nnb_picture_export_format (output, format, width, height, nnb_data_plot_draw_picture, plot, &error))
    return nnb_cli_fail (error);
  return NNB_EXIT_OK;
}

/* --what diagram: the blocks as the app shows the project on opening; a
 * block its data does not fit is drawn red, as on screen */
static int
export_diagram (NnbProject *project, NnbDataset *data, const char *output, NnbPictureFormat format, int width,
                int height)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbDiagramPicture) diagram = nnb_diagram_picture_new (project, data);

  if (!nnb_picture_export_format (output, format, width, height, nnb_diagram_picture_draw, diagram, &error))
    return nnb_cli_fail (error);
  return NNB_EXIT_OK;
}

int
nnb_cli_export_picture (const char *project_path, const char *format, const char *output,
                        const NnbCliPicture *picture)
{
  const char *what = picture->what != NULL ? picture->what : "data";
  int width = picture->width != 0 ? picture->width : NNB_PICTURE_EXPORT_WIDTH;
  int height = picture->height != 0 ? picture->height : NNB_PICTURE_EXPORT_HEIGHT;
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbProject) project = NULL;
  g_autoptr (NnbDataset) data = NULL;
  NnbGenerator shuffle;

  /* mistakes in the command line are bad usage (exit status 2), as an
   * unknown --format is */
  if (strcmp (what, "data") != 0 && strcmp (what, "diagram") != 0 && strcmp (what, "loss") != 0)
    {
      g_autofree char *shown = nnb_quote_short (what);

      fprintf (stderr,
               "nnblocks-cli: cannot draw --what '%s': the picture export draws 'data' (the data with the "
               "model's fit), 'diagram' (the blocks) or 'loss' (the loss of a training run)\n",
               shown);
      return NNB_EXIT_USAGE;
    }
  if (picture->discretize && strcmp (what, "data") != 0)
    {
      fprintf (stderr, "nnblocks-cli: --discretize is for --what data, the decision boundary: leave it out\n");
      return NNB_EXIT_USAGE;
    }
  if (!check_size ("--width", width, PICTURE_MIN_WIDTH) || !check_size ("--height", height, PICTURE_MIN_HEIGHT))
    return NNB_EXIT_USAGE;

  /* the model and the data as the app opens them (nnb_document_load_async) */
  project = nnb_project_load (project_path, &error);
  if (project == NULL)
    return nnb_cli_fail (error);
  data = nnb_project_build_for_training (project, TRUE, &shuffle, &error);
  if (data == NULL)
    return nnb_cli_fail (error);

  if (strcmp (what, "diagram") == 0)
    return export_diagram (project, data, output, picture_format (format), width, height);
  if (strcmp (what, "loss") == 0)
    {
      /* as train stops there, before any step, in PyTorch's words */
      if (!nnb_model_check_data (project->model, data, &project->training, NULL, &error))
        return nnb_cli_fail (error);
      return nnb_cli_export_loss (project, data, &shuffle, output, picture_format (format), width, height);
    }
  return export_data (project, data, &shuffle, project_path, output, picture_format (format), width, height,
                      picture->discretize);
}
