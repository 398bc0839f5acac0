/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-cli-import.c — import-code: a Python file's model as a new project
 * (the default project's data, seeds and training settings, the diagram
 * laid out automatically). */
#include "nnb-cli.h"

#include <stdio.h>
#include "nnb-file-read.h"
#include "nnb-python-import.h"

/* A model file is source code: a few hundred kB at most */
#define MAX_SOURCE_MB 16

/* Several model classes and nothing that says which: name the one read
 * and the others, so the student knows about --class. */
static void
note_choice (const char *source, gsize length)
{
  g_auto (GStrv) classes = NULL;
  int chosen = -1;
  gboolean by_line = FALSE;
  g_autofree char *list = NULL;

  classes = nnb_python_import_classes (source, length, &chosen, &by_line, NULL);
  if (classes == NULL || g_strv_length (classes) < 2 || by_line || chosen < 0)
    return;
  list = g_strjoinv (", ", classes);
  fprintf (stderr, "nnblocks-cli: the file defines the model classes %s; importing %s, the last (choose another with "
                   "--class NAME).\n",
           list, classes[chosen]);
}

int
nnb_cli_import_code (int argc, char **argv)
{
  static char *output = NULL;
  static char *class_name = NULL;
  static const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Project to write", "OUT.nnb" },
    { "class", 0, 0, G_OPTION_ARG_STRING, &class_name, "The model class to import, when the file has several", "NAME" },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("MODEL.py");
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbProject) project = NULL;
  g_autoptr (NnbModel) model = NULL;
  g_autofree char *source = NULL;
  g_autofree char *where = NULL;
  gsize length;
  int status;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!nnb_cli_parse (context, &argc, &argv, 1,
                      "Reads the model of a PyTorch file (an nn.Module class or model = nn.Sequential(…)) into a new project.",
                      &status))
    return status;
  if (output == NULL)
    {
      fprintf (stderr, "nnblocks-cli: import-code needs -o OUT.nnb\n");
      return NNB_EXIT_USAGE;
    }
  if (!nnb_file_read (argv[1], MAX_SOURCE_MB, &source, &length, &error))
    return nnb_cli_fail (error);
  model = nnb_python_import (source, length, class_name, &error);
  if (model == NULL)
    {
      /* "model.py: line 12, column 9: …", as a compiler names the file */
      g_prefix_error (&error, "%s: ", argv[1]);
      return nnb_cli_fail (error);
    }
  if (class_name == NULL)
    note_choice (source, length);

  /* the same project as the app's Paste PyTorch Code makes */
  project = nnb_project_new_for_model (model);
  if (!nnb_project_save (project, output, FALSE, &error))
    return nnb_cli_fail (error);
  return NNB_EXIT_OK;
}
