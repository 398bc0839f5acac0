/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-bench.c — how fast NN Blocks' engine trains a .nnb workload, and how
 * fast this machine's OpenBLAS multiplies matrices, measured in one process
 * so that bench/run can set them side by side with PyTorch
 * (bench/torch_bench.py prints the same JSON).
 *
 *   nnb-bench [--threads T] [--epochs E] [--warmup W] WORKLOAD.nnb
 *       builds the project (nnb_project_build: the same data and initial
 *       weights as PyTorch), trains W epochs unmeasured, then E measured ones
 *       with nnb_training_epoch, and prints
 *       {"us_per_epoch": mean, "us_per_epoch_median": …, "cpu_us_per_epoch": …,
 *        "final_loss": the last epoch's loss, "final_accuracy": its accuracy
 *        (class data under a classification loss; null otherwise),
 *        "flops_per_epoch": …, "gflops": …, "peak_rss_kb": …}
 *
 *   nnb-bench --sgemm [--threads T] [--size M,N,K] [--seconds S]
 *       cblas_sgemm C = A·B on M×K and K×N matrices (default 1024³), as many
 *       times as fit in S seconds (default 1), timed in chunks; prints
 *       {"sgemm_gflops": the median chunk's rate, "sgemm_gflops_mean": …,
 *        "sgemm_gflops_best": …, "sgemm_gflops_cpu": per second of CPU time}
 *
 *   nnb-bench --sgemm [--threads T] [--seconds S] WORKLOAD.nnb
 *       the same, but for exactly the gemm calls one training step of the
 *       workload makes, with the engine's shapes and transposes: the rate
 *       OpenBLAS reaches on this workload's matrices, a ceiling for it.
 *
 * FLOPs are counted as 2·m·n·k per matrix product, three products per
 * Linear call and training step (forward x·Wᵀ, backward dW = dYᵀ·x and
 * dX = dY·W), for every row of the data each epoch. The engine and PyTorch
 * both skip dX for the model's first layer (the input needs no gradient),
 * so the count is a little above the work done; it is the same count for
 * both, and for a 1-input first layer the difference is below 0.1%.
 * Element-wise work (bias, activations, loss, SGD) is not counted.
 *
 * A benchmark, not a test: it prints numbers and judges nothing. */
#include "nnb-blas.h"
#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include "nnb-backend.h"
#include "nnb-project.h"
#include "nnb-training.h"

typedef struct
{
  gboolean trans_a, trans_b;
  int m, n, k;
} GemmShape;

static double
now_seconds (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
}

/* CPU time of every thread of the process (OpenBLAS's too), to the ns */
static double
cpu_seconds (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
}

static long
peak_rss_kb (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* The gemm calls of one training step on `rows` rows through `module`, as
 * nnb-autograd.c makes them; first is TRUE when its input is the model's. */
static void
collect_module_gemms (const NnbModule *module, int64_t rows, gboolean *first, GArray *shapes)
{
  if (module->kind == NNB_MODULE_SEQUENTIAL)
    {
      for (guint i = 0; i < module->children->len; i++)
        collect_module_gemms (module->children->pdata[i], rows, first, shapes);
      return;
    }
  if (module->kind != NNB_MODULE_LINEAR)
    return;

  {
    int in_f = (int) module->in_features, out_f = (int) module->out_features, r = (int) rows;
    GemmShape forward = { FALSE, TRUE, r, out_f, in_f }; /* y = x · Wᵀ */
    GemmShape weight = { TRUE, FALSE, in_f, out_f, r };  /* (dW)ᵀ = xᵀ · dY */
    GemmShape input = { FALSE, FALSE, r, in_f, out_f };  /* dX = dY · W */

    g_array_append_val (shapes, forward);
    g_array_append_val (shapes, weight);
    if (!*first)
      g_array_append_val (shapes, input);
    *first = FALSE;
  }
}

/* Every Linear call of the model's graph, in the graph's order (a module
 * called twice counts twice). */
static void
collect_model_gemms (NnbModel *model, int64_t rows, GArray *shapes)
{
  gboolean first = TRUE;

  for (guint i = 0; i < model->nodes->len; i++)
    {
      const NnbNode *node = model->nodes->pdata[i];

      if (node->kind != NNB_NODE_CALL)
        continue;
      for (guint j = 0; j < model->module_names->len; j++)
        if (g_strcmp0 (model->module_names->pdata[j], node->module) == 0)
          collect_module_gemms (model->modules->pdata[j], rows, &first, shapes);
    }
}

/* 2·m·n·k for each of forward, dW and dX of every Linear call (see the top
 * of this file), over `rows` rows. */
static double
model_flops (NnbModel *model, int64_t rows)
{
  g_autoptr (GArray) shapes = g_array_new (FALSE, FALSE, sizeof (GemmShape));
  double flops = 0.0;

  collect_model_gemms (model, 1, shapes);
  for (guint i = 0; i < shapes->len; i++)
    {
      const GemmShape *s = &g_array_index (shapes, GemmShape, i);
      /* the forward product counts three times: forward, dW and dX */
      if (!s->trans_a && s->trans_b)
        flops += 3.0 * 2.0 * (double) s->n * (double) s->k;
    }
  return flops * (double) rows;
}

static void
sgemm_round (GArray *shapes, GPtrArray *buffers)
{
  for (guint i = 0; i < shapes->len; i++)
    {
      const GemmShape *s = &g_array_index (shapes, GemmShape, i);
      const float *a = buffers->pdata[3 * i], *b = buffers->pdata[3 * i + 1];
      float *c = buffers->pdata[3 * i + 2];

      nnb_blas_sgemm (s->trans_a ? NNB_BLAS_TRANS : NNB_BLAS_NO_TRANS,
                      s->trans_b ? NNB_BLAS_TRANS : NNB_BLAS_NO_TRANS, s->m, s->n, s->k, 1.0f,
                      a, s->trans_a ? s->m : s->k, b, s->trans_b ? s->k : s->n,
                      0.0f, c, s->n);
    }
}

/* Rounds of the given gemm calls for `seconds`, timed in chunks of at least
 * 50 µs; the median chunk gives the rate, as the median epoch gives the
 * training's (a shared machine's preemptions fall into a few chunks). */
static void
run_sgemm (GArray *shapes, double seconds, const char *label)
{
  g_autoptr (GPtrArray) buffers = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GArray) rates = g_array_new (FALSE, FALSE, sizeof (double));
  double flops_per_round = 0.0, start, elapsed, one, cpu_start, cpu_used;
  long rounds = 0, chunk;

  for (guint i = 0; i < shapes->len; i++)
    {
      const GemmShape *s = &g_array_index (shapes, GemmShape, i);
      gsize size_a = (gsize) s->m * (gsize) s->k, size_b = (gsize) s->k * (gsize) s->n;
      gsize size_c = (gsize) s->m * (gsize) s->n;
      float *a = g_new (float, size_a), *b = g_new (float, size_b), *c = g_new0 (float, size_c);

      for (gsize j = 0; j < size_a; j++)
        a[j] = (float) ((j * 7919) % 1000) * 1e-3f - 0.5f;
      for (gsize j = 0; j < size_b; j++)
        b[j] = (float) ((j * 104729) % 1000) * 1e-3f - 0.5f;
      g_ptr_array_add (buffers, a);
      g_ptr_array_add (buffers, b);
      g_ptr_array_add (buffers, c);
      flops_per_round += 2.0 * (double) s->m * (double) s->n * (double) s->k;
    }

  /* unmeasured rounds: OpenBLAS starts its threads, pages are touched, and
   * the fastest of them sizes the chunks */
  one = G_MAXDOUBLE;
  for (int i = 0; i < 3; i++)
    {
      double t = now_seconds ();
      sgemm_round (shapes, buffers);
      one = MIN (one, now_seconds () - t);
    }
  chunk = (long) CLAMP (50e-6 / MAX (one, 1e-9), 1.0, 1e6);

  cpu_start = cpu_seconds ();
  start = now_seconds ();
  do
    {
      double t = now_seconds (), rate;

      for (long i = 0; i < chunk; i++)
        sgemm_round (shapes, buffers);
      rate = flops_per_round * (double) chunk / (now_seconds () - t) * 1e-9;
      g_array_append_val (rates, rate);
      rounds += chunk;
      elapsed = now_seconds () - start;
    }
  while (elapsed < seconds);
  cpu_used = cpu_seconds () - cpu_start;
  g_array_sort (rates, compare_doubles);

  printf ("{\"sgemm\": \"%s\", \"threads\": %d, \"rounds\": %ld, \"sgemm_gflops\": %.2f, "
          "\"sgemm_gflops_mean\": %.2f, \"sgemm_gflops_best\": %.2f, \"sgemm_gflops_cpu\": %.2f}\n",
          label, nnb_backend_cpu_get_threads (), rounds,
          g_array_index (rates, double, rates->len / 2),
          flops_per_round * (double) rounds / elapsed * 1e-9,
          g_array_index (rates, double, rates->len - 1),
          flops_per_round * (double) rounds / cpu_used * 1e-9);
}

static gboolean
parse_size (const char *text, GemmShape *shape)
{
  g_auto (GStrv) parts = g_strsplit (text, ",", -1);
  int values[3];

  if (g_strv_length (parts) != 3)
    return FALSE;
  for (int i = 0; i < 3; i++)
    {
      char *end = NULL;
      long value = strtol (parts[i], &end, 10);

      if (end == parts[i] || *end != '\0' || value < 1 || value > 65536)
        return FALSE;
      values[i] = (int) value;
    }
  shape->trans_a = shape->trans_b = FALSE;
  shape->m = values[0];
  shape->n = values[1];
  shape->k = values[2];
  return TRUE;
}

static int
run_training (NnbProject *project, const char *path, int epochs, int warmup)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbDataset) data = NULL;
  g_autoptr (NnbTraining) training = NULL;
  g_autofree NnbGenerator *gen = NULL;
  g_autofree double *times = NULL;
  double loss = NAN, accuracy, start, last, cpu_start, cpu_used, flops;
  char accuracy_text[32] = "null";
  int64_t rows;

  data = nnb_project_build (project, TRUE, &error);
  if (data == NULL)
    goto fail;
  /* shuffles draw from the generator the recipe left behind, as the CLI's do */
  gen = g_memdup2 (nnb_generator_default (), sizeof (NnbGenerator));
  project->training.epochs = warmup + epochs;
  project->training.until_loss = 0.0;
  training = nnb_training_new (project->model, data, &project->training, gen, &error);
  if (training == NULL)
    goto fail;

  for (int i = 0; i < warmup; i++)
    if (!nnb_training_epoch (training, &loss, &error))
      goto fail;

  times = g_new (double, epochs);
  cpu_start = cpu_seconds ();
  start = last = now_seconds ();
  for (int i = 0; i < epochs; i++)
    {
      double t;

      if (!nnb_training_epoch (training, &loss, &error))
        goto fail;
      t = now_seconds ();
      times[i] = t - last;
      last = t;
    }
  cpu_used = cpu_seconds () - cpu_start;
  qsort (times, epochs, sizeof (double), compare_doubles);

  rows = data->x->shape[0];
  flops = model_flops (project->model, rows);
  accuracy = nnb_training_get_accuracy (training);
  if (!isnan (accuracy))
    g_snprintf (accuracy_text, sizeof accuracy_text, "%.9g", accuracy);
  printf ("{\"engine\": \"nnblocks\", \"threads\": %d, \"epochs\": %d, \"warmup\": %d, "
          "\"us_per_epoch\": %.3f, \"us_per_epoch_median\": %.3f, \"cpu_us_per_epoch\": %.3f, "
          "\"final_loss\": %.9g, \"final_accuracy\": %s, \"flops_per_epoch\": %.0f, \"gflops\": %.3f, \"peak_rss_kb\": %ld}\n",
          nnb_backend_cpu_get_threads (), epochs, warmup,
          (last - start) / epochs * 1e6, times[epochs / 2] * 1e6,
          cpu_used / epochs * 1e6,
          loss, accuracy_text, flops, flops * epochs / (last - start) * 1e-9, peak_rss_kb ());
  return EXIT_SUCCESS;

fail:
  fprintf (stderr, "nnb-bench: %s: %s\n", path, error->message);
  return EXIT_FAILURE;
}

int
main (int argc, char **argv)
{
  static int threads = 1, epochs = 0, warmup = -1;
  static gboolean sgemm = FALSE;
  static char *size = NULL;
  static double seconds = 1.0;
  static const GOptionEntry entries[] = {
    { "threads", 't', 0, G_OPTION_ARG_INT, &threads, "OpenBLAS threads (default 1)", "T" },
    { "epochs", 'e', 0, G_OPTION_ARG_INT, &epochs, "Measured epochs (default: the project's)", "E" },
    { "warmup", 'w', 0, G_OPTION_ARG_INT, &warmup, "Unmeasured epochs first (default: E/10, at least 1)", "W" },
    { "sgemm", 0, 0, G_OPTION_ARG_NONE, &sgemm, "Measure cblas_sgemm instead of training", NULL },
    { "size", 0, 0, G_OPTION_ARG_STRING, &size, "sgemm's M,N,K (default 1024,1024,1024)", "M,N,K" },
    { "seconds", 0, 0, G_OPTION_ARG_DOUBLE, &seconds, "How long sgemm is measured (default 1)", "S" },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("[WORKLOAD.nnb]");
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbProject) project = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_summary (context, "Times NN Blocks' training of a .nnb workload, or OpenBLAS's sgemm.");
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "nnb-bench: %s\n", error->message);
      return 2;
    }
  if (threads < 1 || epochs < 0 || seconds <= 0.0 || argc > 2 || (argc < 2 && !sgemm))
    {
      g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);
      fputs (help, stderr);
      return 2;
    }
  /* one process, one thread count: the engine and the sgemm measurement
   * both go through OpenBLAS */
  nnb_backend_cpu_set_threads (threads);

  if (argc == 2)
    {
      project = nnb_project_load (argv[1], &error);
      if (project == NULL)
        {
          fprintf (stderr, "nnb-bench: %s: %s\n", argv[1], error->message);
          return EXIT_FAILURE;
        }
    }

  if (sgemm)
    {
      g_autoptr (GArray) shapes = g_array_new (FALSE, FALSE, sizeof (GemmShape));
      g_autofree char *label = NULL;
      GemmShape shape = { FALSE, FALSE, 1024, 1024, 1024 };

      if (project != NULL)
        {
          g_autoptr (NnbDataset) data = nnb_project_build (project, FALSE, &error);
          int64_t rows;

          if (data == NULL)
            {
              fprintf (stderr, "nnb-bench: %s: %s\n", argv[1], error->message);
              return EXIT_FAILURE;
            }
          rows = project->training.batch_size > 0 && project->training.batch_size < data->x->shape[0]
                   ? project->training.batch_size
                   : data->x->shape[0];
          collect_model_gemms (project->model, rows, shapes);
          label = g_strdup_printf ("workload, %" G_GINT64_FORMAT " rows a step", rows);
        }
      else
        {
          if (size != NULL && !parse_size (size, &shape))
            {
              fprintf (stderr, "nnb-bench: --size wants M,N,K, three whole numbers from 1 to 65536\n");
              return 2;
            }
          g_array_append_val (shapes, shape);
          label = g_strdup_printf ("%dx%dx%d", shape.m, shape.n, shape.k);
        }
      run_sgemm (shapes, seconds, label);
      return EXIT_SUCCESS;
    }

  if (epochs == 0)
    epochs = MAX (1, project->training.epochs);
  if (warmup < 0)
    warmup = MAX (1, epochs / 10);
  return run_training (project, argv[1], epochs, warmup);
}
