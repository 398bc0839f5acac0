/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-cli-files.c — data in and models out: forward, export (pictures in
 * nnb-cli-picture.c), import-weights. */
#include "nnb-cli.h"
#include "nnb-file-read.h"

#include <stdio.h>
#include <string.h>
#include "nnb-class-probabilities.h"
#include "nnb-csv.h"
#include "nnb-error.h"
#include "nnb-export.h"
#include "nnb-file-write.h"
#include "nnb-safetensors.h"

/* forward --probabilities: torch.softmax (model (X), dim=1) for
 * CrossEntropyLoss, and each loss's own reading (nnb-class-probabilities.h),
 * one row of probabilities per input row */
static int
print_probabilities (NnbProject *project, NnbTensor *x)
{
  g_autoptr (GError) error = NULL;
  g_autofree float *probs = NULL;
  int classes = 0;

  if (!nnb_loss_kind_is_classification (project->training.loss))
    {
      fprintf (stderr,
               "nnblocks-cli: the project trains with %s, which reads no classes from the outputs: "
               "--probabilities needs CrossEntropyLoss, NLLLoss, BCEWithLogitsLoss or BCELoss.\n",
               nnb_loss_kind_to_string (project->training.loss));
      return NNB_EXIT_FAILURE;
    }
  probs = nnb_model_class_probabilities (project->model, project->training.loss, x, &classes, &error);
  if (probs == NULL)
    return nnb_cli_fail (error);
  for (int64_t r = 0; r < x->shape[0]; r++)
    {
      for (int c = 0; c < classes; c++)
        printf ("%s%.9g", c ? "," : "", probs[r * classes + c]);
      printf ("\n");
    }
  return NNB_EXIT_OK;
}

int
nnb_cli_forward (int argc, char **argv)
{
  static char *input = NULL;
  static gboolean probabilities = FALSE, train = FALSE, eval = FALSE;
  static const GOptionEntry entries[] = {
    { "input", 'i', 0, G_OPTION_ARG_FILENAME, &input, "CSV file: one input row per line", "X.csv" },
    { "probabilities", 'p', 0, G_OPTION_ARG_NONE, &probabilities,
      "Print each row's class probabilities, as the project's loss reads the outputs", NULL },
    { "train", 0, 0, G_OPTION_ARG_NONE, &train,
      "Run in train mode (model.train()): Dropout zeroes values at random", NULL },
    { "eval", 0, 0, G_OPTION_ARG_NONE, &eval, "Run in eval mode (model.eval()), the default", NULL },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("FILE.nnb");
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbProject) project = NULL;
  g_autoptr (NnbTensor) x = NULL;
  g_autofree char *text = NULL;
  g_autofree float *values = NULL;
  g_autofree float *out = NULL;
  gsize length;
  int64_t shape[2];
  NnbTensor *y;
  int status;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!nnb_cli_parse (context, &argc, &argv, 1, "Runs the model on every row of a CSV file and prints one output row per input row.", &status))
    return status;
  if (input == NULL)
    {
      fprintf (stderr, "nnblocks-cli: forward needs --input X.csv\n");
      return NNB_EXIT_USAGE;
    }
  if (train && eval)
    {
      fprintf (stderr, "nnblocks-cli: forward takes --train or --eval, not both\n");
      return NNB_EXIT_USAGE;
    }
  project = nnb_cli_load_project (argv[1], NULL, &error);
  if (project == NULL)
    return nnb_cli_fail (error);
  /* predictions are drawn in eval mode unless asked; train mode's masks
   * come from the default generator, where the project's recipe left it */
  nnb_model_train (project->model, train);
  if (nnb_model_has_mode (project->model))
    fprintf (stderr, "nnblocks-cli: forward in %s mode (model.%s())%s\n", train ? "train" : "eval",
             train ? "train" : "eval", train ? "" : "; --train for train mode");
  if (!nnb_file_read (input, NNB_FILE_READ_MAX_CSV_MB, &text, &length, &error))
    return nnb_cli_fail (error);
  values = nnb_csv_parse (text, length, &shape[0], &shape[1], &error);
  if (values == NULL)
    {
      g_prefix_error (&error, "%s: ", input);
      return nnb_cli_fail (error);
    }
  x = nnb_tensor_new_from_data (2, shape, values);
  if (probabilities)
    return print_probabilities (project, x);
  y = nnb_model_forward (project->model, x, &error);
  if (y == NULL)
    return nnb_cli_fail (error);

  out = g_new (float, y->numel);
  nnb_tensor_read (y, out);
  for (int64_t r = 0; r < nnb_tensor_rows (y); r++)
    {
      for (int64_t c = 0; c < nnb_tensor_cols (y); c++)
        printf ("%s%.9g", c ? "," : "", out[r * nnb_tensor_cols (y) + c]);
      printf ("\n");
    }
  return NNB_EXIT_OK;
}

/* beside and renamed, or into a device or pipe (-o /dev/stdout) */
static gboolean
write_text (const char *path, const char *text, GError **error)
{
  return nnb_file_write (path, text, strlen (text), 0666, error);
}

/* "train" for train.py: the name the weights beside it take */
static char *
file_stem (const char *path, const char *suffix)
{
  g_autofree char *base = g_path_get_basename (path);

  return g_str_has_suffix (base, suffix) ? g_strndup (base, strlen (base) - strlen (suffix)) : g_strdup (base);
}

static gboolean
is_experiment_format (const char *format)
{
  return strcmp (format, "script") == 0 || strcmp (format, "notebook") == 0;
}

/* The training script or notebook; with weights, OUT's stem.safetensors
 * beside it, which the code loads after the init */
static gboolean
export_experiment (NnbProject *project, const char *format, const char *output, gboolean with_weights,
                   GError **error)
{
  gboolean notebook = strcmp (format, "notebook") == 0;
  g_autofree char *stem = NULL, *weights = NULL, *text = NULL;

  if (with_weights)
    {
      g_autofree char *dir = g_path_get_dirname (output);
      g_autofree char *weights_path = NULL;

      stem = file_stem (output, notebook ? ".ipynb" : ".py");
      weights = g_strconcat (stem, ".safetensors", NULL);
      weights_path = g_build_filename (dir, weights, NULL);
      if (!nnb_safetensors_save_model (project->model, weights_path, error))
        return FALSE;
    }
  text = notebook ? nnb_export_notebook (project, weights) : nnb_export_pytorch_script (project, weights);
  return write_text (output, text, error);
}

int
nnb_cli_export (int argc, char **argv)
{
  static char *format = NULL, *output = NULL;
  static gboolean with_weights = FALSE;
  static NnbCliPicture picture = { 0 };
  static const GOptionEntry entries[] = {
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format,
      "safetensors, pytorch, script (a training script), notebook (Jupyter), onnx, or a picture: png, svg or pdf",
      "FORMAT" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "File to write", "OUT" },
    { "weights", 0, 0, G_OPTION_ARG_NONE, &with_weights,
      "For script and notebook: write the model's current weights beside OUT (as .safetensors) and train from them",
      NULL },
    { "what", 0, 0, G_OPTION_ARG_STRING, &picture.what,
      "The picture: data (default), the data with the model's fit at its current weights; diagram, the blocks; "
      "loss, the loss of each epoch after training the project as train does (its settings, from its weights)",
      "WHAT" },
    { "width", 0, 0, G_OPTION_ARG_INT, &picture.width, "The picture's width in points, 300 to 4000 (default 1200; a PNG has two pixels a point)", "W" },
    { "height", 0, 0, G_OPTION_ARG_INT, &picture.height, "The picture's height in points, 200 to 4000 (default 800)", "H" },
    { "discretize", 0, 0, G_OPTION_ARG_NONE, &picture.discretize, "Hard class regions instead of the model's confidence", NULL },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("FILE.nnb");
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbProject) project = NULL;
  gboolean ok;
  int status;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!nnb_cli_parse (context, &argc, &argv, 1,
                      "Exports the model's weights (safetensors), its PyTorch code, the experiment as a training script "
                      "or a Jupyter notebook, ONNX, or a picture (png, svg, "
                      "pdf): its data with its current weights, its diagram, or its loss after training.",
                      &status))
    return status;
  if (format == NULL || output == NULL)
    {
      fprintf (stderr, "nnblocks-cli: export needs --format and -o OUT\n");
      return NNB_EXIT_USAGE;
    }
  if (nnb_cli_is_picture_format (format))
    return nnb_cli_export_picture (argv[1], format, output, &picture);
  if (strcmp (format, "safetensors") != 0 && strcmp (format, "pytorch") != 0 && strcmp (format, "onnx") != 0 &&
      !is_experiment_format (format))
    {
      g_autofree char *shown = nnb_quote_short (format);

      fprintf (stderr, "nnblocks-cli: unknown format '%s': use safetensors, pytorch, script, notebook, onnx, png, svg or pdf\n",
               shown);
      return NNB_EXIT_USAGE;
    }
  if (with_weights && !is_experiment_format (format))
    {
      fprintf (stderr, "nnblocks-cli: --weights is for --format script and notebook\n");
      return NNB_EXIT_USAGE;
    }
  if (picture.what != NULL || picture.width != 0 || picture.height != 0 || picture.discretize)
    {
      fprintf (stderr, "nnblocks-cli: --what, --width, --height and --discretize are for pictures: use them with "
                       "--format png, svg or pdf\n");
      return NNB_EXIT_USAGE;
    }
  project = nnb_cli_load_project (argv[1], NULL, &error);
  if (project == NULL)
    return nnb_cli_fail (error);

  if (is_experiment_format (format))
    ok = export_experiment (project, format, output, with_weights, &error);
  else if (strcmp (format, "safetensors") == 0)
    ok = nnb_safetensors_save_model (project->model, output, &error);
  else if (strcmp (format, "pytorch") == 0)
    {
      /* the code loads weights exported beside it with the same base name */
      g_autofree char *base = g_path_get_basename (output);
      g_autofree char *stem = g_str_has_suffix (base, ".py") ? g_strndup (base, strlen (base) - 3) : g_strdup (base);
      g_autofree char *weights = g_strconcat (stem, ".safetensors", NULL);
      g_autofree char *code = nnb_export_pytorch_project_code (project, weights);
      ok = write_text (output, code, &error);
    }
  else
    ok = nnb_export_onnx_file (project->model, output, &error);
  return ok ? NNB_EXIT_OK : nnb_cli_fail (error);
}

int
nnb_cli_import_weights (int argc, char **argv)
{
  static char *output = NULL;
  static const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Project to write, with the imported weights", "OUT.nnb" },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("FILE.nnb WEIGHTS.safetensors");
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbProject) project = NULL;
  g_autoptr (GHashTable) tensors = NULL;
  int status;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!nnb_cli_parse (context, &argc, &argv, 2, "Loads a PyTorch state_dict saved as safetensors into the project's model.", &status))
    return status;
  if (output == NULL)
    {
      fprintf (stderr, "nnblocks-cli: import-weights needs -o OUT.nnb\n");
      return NNB_EXIT_USAGE;
    }
  project = nnb_cli_load_project (argv[1], NULL, &error);
  if (project == NULL)
    return nnb_cli_fail (error);
  tensors = nnb_safetensors_load (argv[2], &error);
  if (tensors == NULL || !nnb_model_load_state_dict (project->model, tensors, &error))
    return nnb_cli_fail (error);
  project->has_weights = TRUE;
  if (!nnb_project_save (project, output, TRUE, &error))
    return nnb_cli_fail (error);
  return NNB_EXIT_OK;
}
