/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-cli.c — the entry point of nnblocks-cli: dispatches subcommands. */
#include "nnb-cli.h"

#include "nnb-config.h"

#if NNB_HAVE_CUDA
#include "nnb-gpu.h"
#endif

#include <locale.h>
#include <stdio.h>
#include <string.h>

typedef struct
{
  const char *name;
  int (*run) (int argc, char **argv);
  const char *summary;
} Command;

static const Command commands[] = {
  { "inspect", nnb_cli_inspect, "print(model), named_parameters() and the parameter count" },
  { "trace", nnb_cli_trace, "the forward shape trace, as a forward hook prints it" },
  { "data", nnb_cli_data, "the data a project trains on: shapes, columns, split and first rows" },
  { "train", nnb_cli_train, "train a project and print the loss as the lesson does" },
  { "step", nnb_cli_step, "one training step, explained: forward, loss, zero_grad, backward and step with their numbers" },
  { "forward", nnb_cli_forward, "run the model on the rows of a CSV file" },
  { "export", nnb_cli_export, "write weights (safetensors), PyTorch code, ONNX or a picture (png, svg, pdf)" },
  { "import-weights", nnb_cli_import_weights, "load a PyTorch state_dict (safetensors) into a project" },
  { "import-code", nnb_cli_import_code, "read the model of PyTorch code (an nn.Module class) into a new project" },
  { "devices", nnb_cli_devices, "list the devices training can run on" },
  { "lesson", nnb_cli_lesson, "run a lesson in the terminal: text, models, training and checks" },
  { "race", nnb_cli_race, "time an epoch on every device as the model widens (the device race)" },
};

static void
print_usage (FILE *out)
{
  fprintf (out, "Usage: nnblocks-cli COMMAND [OPTIONS…] FILE\n\nCommands:\n");
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-15s %s\n", commands[i].name, commands[i].summary);
  fprintf (out, "\nRun 'nnblocks-cli COMMAND --help' for a command's options.\n");
}

gboolean
nnb_cli_parse (GOptionContext *context, int *argc, char ***argv,
               int n_positional, const char *usage, int *status)
{
  g_autoptr (GError) error = NULL;

  g_option_context_set_summary (context, usage);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      fprintf (stderr, "nnblocks-cli: %s\n", error->message);
      *status = NNB_EXIT_USAGE;
      return FALSE;
    }
  if (*argc - 1 != n_positional)
    {
      g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);
      fprintf (stderr, "%s", help);
      *status = NNB_EXIT_USAGE;
      return FALSE;
    }
  return TRUE;
}

int
nnb_cli_fail (const GError *error)
{
  fprintf (stderr, "nnblocks-cli: %s\n", error->message);
  return NNB_EXIT_FAILURE;
}

NnbProject *
nnb_cli_load_project (const char *path, NnbDataset **dataset, GError **error)
{
  g_autoptr (NnbProject) project = nnb_project_load (path, error);
  NnbDataset *data;

  if (project == NULL)
    return NULL;
  data = nnb_project_build (project, TRUE, error);
  if (data == NULL)
    return NULL;
  if (dataset)
    *dataset = data;
  else
    nnb_dataset_free (data);
  return g_steal_pointer (&project);
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  /* numbers printed here are PyTorch's, with a decimal point in any locale */
  setlocale (LC_NUMERIC, "C");
#if NNB_HAVE_CUDA
  /* installs the CUDA table; without a GPU, "cuda" then reports why */
  nnb_gpu_init ();
#endif

  if (argc < 2)
    {
      print_usage (stderr);
      return NNB_EXIT_USAGE;
    }
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0 || strcmp (argv[1], "help") == 0)
    {
      print_usage (stdout);
      return NNB_EXIT_OK;
    }
  if (strcmp (argv[1], "--version") == 0)
    {
      printf ("nnblocks-cli %s\n", PACKAGE_VERSION);
      return NNB_EXIT_OK;
    }
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (argv[1], commands[i].name) == 0)
      return commands[i].run (argc - 1, argv + 1);

  {
    g_autofree char *shown = nnb_quote_short (argv[1]);
    fprintf (stderr, "nnblocks-cli: unknown command '%s'\n", shown);
  }
  print_usage (stderr);
  return NNB_EXIT_USAGE;
}
