/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-cli-race.c — `nnblocks-cli race`: the device race as a table, one
 * line per width as soon as every device has run it (nnb-device-race.h). */
#include "nnb-cli.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include "nnb-backend.h"
#include "nnb-device-race.h"

typedef struct
{
  GPtrArray *devices; /* NnbDeviceInfo *, the race's columns */
  GPtrArray *pending; /* NnbRaceRow *, the width being raced */
  GPtrArray *notes;   /* char *, reasons printed under the table, each once */
} Table;

static void
add_note (Table *table, const char *device, const char *reason)
{
  g_autofree char *note = g_strdup_printf ("%s: %s", device, reason);

  for (guint i = 0; i < table->notes->len; i++)
    if (strcmp (table->notes->pdata[i], note) == 0)
      return;
  g_ptr_array_add (table->notes, g_steal_pointer (&note));
}

static gboolean
device_available (Table *table, NnbDevice device)
{
  for (guint i = 0; i < table->devices->len; i++)
    {
      const NnbDeviceInfo *info = table->devices->pdata[i];
      if (nnb_device_equal (info->device, device))
        return info->available;
    }
  return FALSE;
}

static void
print_width (Table *table)
{
  const NnbRaceRow *first = table->pending->pdata[0];
  double cpu_us = NAN, best_gpu_us = NAN;

  printf ("%6" G_GINT64_FORMAT " | %10" G_GINT64_FORMAT, first->width, nnb_device_race_parameters (first->width));
  for (guint i = 0; i < table->pending->len; i++)
    {
      const NnbRaceRow *row = table->pending->pdata[i];
      char name[16];

      nnb_device_name (row->device, name, sizeof name);
      if (isnan (row->us_per_epoch))
        {
          printf (" | %12s", "-");
          /* an unavailable device's reason is in the heading already */
          if (device_available (table, row->device))
            add_note (table, name, row->reason);
          continue;
        }
      printf (" | %12.1f", row->us_per_epoch);
      if (row->device.type == NNB_DEVICE_CPU)
        cpu_us = row->us_per_epoch;
      else if (isnan (best_gpu_us) || row->us_per_epoch < best_gpu_us)
        best_gpu_us = row->us_per_epoch;
    }
  /* how many times faster the GPU is: below 1, the CPU wins */
  if (!isnan (cpu_us) && !isnan (best_gpu_us))
    printf (" | %8.2f×\n", cpu_us / best_gpu_us);
  else
    printf (" | %9s\n", "-");
  fflush (stdout);
  g_ptr_array_set_size (table->pending, 0);
}

static void
on_row (const NnbRaceRow *row, gpointer user_data)
{
  Table *table = user_data;

  g_ptr_array_add (table->pending, nnb_race_row_copy (row));
  if (table->pending->len == table->devices->len)
    print_width (table);
}

static gboolean
parse_activation (const char *text, NnbModuleKind *kind)
{
  if (g_ascii_strcasecmp (text, "tanh") == 0)
    *kind = NNB_MODULE_TANH;
  else if (g_ascii_strcasecmp (text, "relu") == 0)
    *kind = NNB_MODULE_RELU;
  else
    return FALSE;
  return TRUE;
}

/* What is raced, the devices, and the table's header row. */
static void
print_heading (Table *table, const NnbRaceOptions *options)
{
  printf ("Device race: 1→W→W→1 %s MLP, %d points, full batch, MSE + SGD; µs per epoch "
          "(forward, loss, zero_grad, backward, step)\n",
          options->activation == NNB_MODULE_RELU ? "ReLU" : "Tanh", options->points);
  for (guint i = 0; i < table->devices->len; i++)
    nnb_cli_print_device (table->devices->pdata[i], "  ");
  printf ("\n%6s | %10s", "W", "params");
  for (guint i = 0; i < table->devices->len; i++)
    {
      char name[16];
      nnb_device_name (((NnbDeviceInfo *) table->devices->pdata[i])->device, name, sizeof name);
      printf (" | %12s", name);
    }
  printf (" | %9s\n", "GPU gain");
  printf ("-------+------------");
  for (guint i = 0; i < table->devices->len; i++)
    printf ("+--------------");
  printf ("+-----------\n");
}

/* Under the table: the notes, then where each GPU overtakes the CPU. */
static void
print_summary (Table *table, GPtrArray *rows)
{
  const NnbDeviceInfo *cpu = table->devices->pdata[0];

  if (table->notes->len > 0)
    printf ("\n");
  for (guint i = 0; i < table->notes->len; i++)
    printf ("- %s\n", (const char *) table->notes->pdata[i]);
  for (guint i = 1; i < table->devices->len; i++)
    {
      const NnbDeviceInfo *gpu = table->devices->pdata[i];
      char name[16];
      int64_t from;

      if (!gpu->available)
        continue;
      nnb_device_name (gpu->device, name, sizeof name);
      from = nnb_device_race_crossover (rows, cpu->device, gpu->device);
      if (from > 0)
        printf ("\n%s is faster than the CPU from W = %" G_GINT64_FORMAT " on.\n", name, from);
      else
        printf ("\nThe CPU is faster than %s at the widest width both ran.\n", name);
    }
}

int
nnb_cli_race (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = g_option_context_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) rows = NULL;
  g_autofree char *activation = NULL;
  NnbRaceOptions options;
  int max_width, threads = 0, status;
  Table table;
  GOptionEntry entries[] = {
    { "max-width", 0, 0, G_OPTION_ARG_INT, &max_width, "Widest hidden layer raced (16, 32, … up to N; default 4096)", "N" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads, "OpenBLAS threads for the CPU (default: the engine's setting)", "N" },
    { "points", 0, 0, G_OPTION_ARG_INT, &options.points, "Data points in the one full batch (default 1024)", "N" },
    { "activation", 0, 0, G_OPTION_ARG_STRING, &activation, "Tanh or ReLU between the layers (default tanh)", "tanh|relu" },
    { "seconds", 0, 0, G_OPTION_ARG_DOUBLE, &options.seconds_per_cell, "Measuring time per width and device (default 0.25)", "S" },
    { NULL },
  };

  nnb_race_options_init (&options);
  max_width = (int) options.max_width;
  g_option_context_add_main_entries (context, entries, NULL);
  if (!nnb_cli_parse (context, &argc, &argv, 0,
                      "Times one training epoch on every device as a 1→W→W→1 MLP widens, W = 16 … 4096:\n"
                      "small networks run faster on the CPU, wide ones on a GPU.",
                      &status))
    return status;
  if (max_width < 16 || threads < 0 || options.points <= 0 || !(options.seconds_per_cell >= 0.0) ||
      (activation != NULL && !parse_activation (activation, &options.activation)))
    {
      fprintf (stderr, "nnblocks-cli: --max-width must be at least 16, --threads and --seconds at least 0, "
                       "--points positive and --activation tanh or relu\n");
      return NNB_EXIT_USAGE;
    }
  options.max_width = max_width;
  options.cpu_threads = threads;

  /* the columns: the device list as the race will see it, threads set */
  if (threads > 0)
    {
      int old = nnb_backend_cpu_get_threads ();
      nnb_backend_cpu_set_threads (threads);
      table.devices = nnb_device_list ();
      nnb_backend_cpu_set_threads (old);
    }
  else
    table.devices = nnb_device_list ();
  table.pending = g_ptr_array_new_with_free_func ((GDestroyNotify) nnb_race_row_free);
  table.notes = g_ptr_array_new_with_free_func (g_free);

  print_heading (&table, &options);
  fflush (stdout);

  rows = nnb_device_race_run (&options, NULL, on_row, &table, &error);
  if (rows != NULL)
    print_summary (&table, rows);
  g_ptr_array_unref (table.devices);
  g_ptr_array_unref (table.pending);
  g_ptr_array_unref (table.notes);
  if (rows == NULL)
    return nnb_cli_fail (error);
  return NNB_EXIT_OK;
}
