/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-cli-inspect.c — looking at a model: inspect, trace, devices. */
#include "nnb-cli.h"
#include "nnb-python.h"

#include <stdio.h>
#include <string.h>

/* named_buffers() apart from the parameters (nothing for a model without
 * any, so older output stays as it was), then the state_dict's size:
 * len(state_dict()) and Σ numel over it */
static void
append_buffers (NnbModel *model)
{
  g_autoptr (GPtrArray) state = nnb_model_state_dict (model);
  g_autofree char *buffers = NULL, *numbers = NULL;
  int64_t n_buffers = nnb_model_count_buffers (model);

  if (n_buffers == 0)
    return;
  for (guint i = 0; i < state->len; i++)
    {
      NnbStateEntry *entry = state->pdata[i];
      g_autofree char *shape = NULL;
      if (entry->buffer == NULL)
        continue;
      shape = entry->buffer->value != NULL ? nnb_tensor_shape_string (entry->buffer->value) : g_strdup ("()");
      printf ("%-12s %-10s buffer\n", entry->name, shape);
    }
  buffers = nnb_python_int_with_commas (n_buffers);
  numbers = nnb_python_int_with_commas (n_buffers + nnb_model_count_parameters (model));
  printf ("total buffers: %s (not trained)\n", buffers);
  printf ("state_dict: %u entries, %s numbers\n", state->len, numbers);
}

int
nnb_cli_inspect (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = g_option_context_new ("FILE.nnb");
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbProject) project = NULL;
  g_autofree char *repr = NULL;
  g_autofree char *total = NULL;
  GPtrArray *params;
  int status;

  if (!nnb_cli_parse (context, &argc, &argv, 1,
                      "Prints the model as print(model) does, its named_parameters() and the parameter count.", &status))
    return status;
  project = nnb_cli_load_project (argv[1], NULL, &error);
  if (project == NULL)
    return nnb_cli_fail (error);

  repr = nnb_model_repr (project->model);
  printf ("%s\n", repr);
  params = nnb_model_named_parameters (project->model);
  for (guint i = 0; i < params->len; i++)
    {
      NnbNamedParameter *named = params->pdata[i];
      g_autofree char *shape = nnb_tensor_shape_string (named->param->value);
      /* the page's f"{name:12s} {str(tuple(p.shape)):10s} requires_grad={…}" */
      printf ("%-12s %-10s requires_grad=%s\n", named->name, shape, named->param->requires_grad ? "True" : "False");
    }
  total = nnb_python_int_with_commas (nnb_model_count_parameters (project->model));
  printf ("total parameters: %s\n", total);
  append_buffers (project->model);
  return NNB_EXIT_OK;
}

int
nnb_cli_trace (int argc, char **argv)
{
  static int batch = 5;
  static const GOptionEntry entries[] = {
    { "batch", 'b', 0, G_OPTION_ARG_INT, &batch, "Batch size of the example input (default 5)", "N" },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("FILE.nnb");
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbProject) project = NULL;
  g_autoptr (GPtrArray) lines = NULL;
  int64_t shape[2];
  int status;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!nnb_cli_parse (context, &argc, &argv, 1,
                      "Runs an example batch through the model and prints each leaf module's output shape, as the lesson's forward hook does.",
                      &status))
    return status;
  if (batch <= 0)
    {
      fprintf (stderr, "nnblocks-cli: --batch must be a positive whole number, not %d\n", batch);
      return NNB_EXIT_USAGE;
    }
  project = nnb_cli_load_project (argv[1], NULL, &error);
  if (project == NULL)
    return nnb_cli_fail (error);

  shape[0] = batch;
  shape[1] = nnb_model_input_features (project->model);
  if (shape[1] <= 0)
    shape[1] = 1;
  lines = nnb_model_trace (project->model, 2, shape, &error);
  if (lines == NULL)
    return nnb_cli_fail (error);
  for (guint i = 0; i < lines->len; i++)
    printf ("%s\n", (char *) lines->pdata[i]);
  return NNB_EXIT_OK;
}

int
nnb_cli_devices (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = g_option_context_new (NULL);
  g_autoptr (GPtrArray) devices = NULL;
  int status;

  if (!nnb_cli_parse (context, &argc, &argv, 0, "Lists the devices training can run on.", &status))
    return status;
  devices = nnb_device_list ();
  for (guint i = 0; i < devices->len; i++)
    nnb_cli_print_device (devices->pdata[i], "");
  return NNB_EXIT_OK;
}

void
nnb_cli_print_device (const NnbDeviceInfo *info, const char *indent)
{
  char name[16];

  nnb_device_name (info->device, name, sizeof name);
  if (info->available)
    printf ("%s%-8s %s\n", indent, name, info->label);
  else
    printf ("%s%-8s unavailable — %s\n", indent, name, info->reason);
  if (info->available && info->note != NULL)
    printf ("%s%-8s %s\n", indent, "", info->note);
}
