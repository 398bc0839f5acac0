/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-allocations.c — a training step allocates nothing once it runs.
 *
 * This program replaces malloc, calloc, realloc, free and the aligned
 * allocators with counting versions that forward to glibc's own
 * (__libc_malloc, …), the way glibc documents replacing malloc. Every
 * library in the process allocates through them: GLib, OpenBLAS, SLEEF and
 * the engine. Each workload of bench/workloads trains a few epochs first
 * (the executor compiles its plans, OpenBLAS sets up its buffers), then more
 * epochs with the counter on, which must count zero: the full-batch
 * workloads (regression, sinenet, wide) and the mini-batch one with its
 * randperm shuffle every epoch (residual, batches of 32), and variants with
 * a smaller last batch and with Adam and momentum. */
#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nnb-project.h"
#include "nnb-rng.h"
#include "nnb-test-util.h"
#include "nnb-training.h"

/* glibc's allocator under its internal names */
extern void *__libc_malloc (size_t size);
extern void *__libc_calloc (size_t n, size_t size);
extern void *__libc_realloc (void *ptr, size_t size);
extern void *__libc_memalign (size_t alignment, size_t size);
extern void __libc_free (void *ptr);

static gint counting;
static gint allocations;

static inline void
count_one (void)
{
  if (g_atomic_int_get (&counting))
    g_atomic_int_inc (&allocations);
}

void *
malloc (size_t size)
{
  count_one ();
  return __libc_malloc (size);
}

void *
calloc (size_t n, size_t size)
{
  count_one ();
  return __libc_calloc (n, size);
}

void *
realloc (void *ptr, size_t size)
{
  count_one ();
  return __libc_realloc (ptr, size);
}

void
free (void *ptr)
{
  __libc_free (ptr);
}

void *
memalign (size_t alignment, size_t size)
{
  count_one ();
  return __libc_memalign (alignment, size);
}

void *
aligned_alloc (size_t alignment, size_t size)
{
  count_one ();
  return __libc_memalign (alignment, size);
}

int
posix_memalign (void **out, size_t alignment, size_t size)
{
  void *ptr;

  count_one ();
  if (alignment < sizeof (void *) || (alignment & (alignment - 1)) != 0)
    return 22; /* EINVAL */
  ptr = __libc_memalign (alignment, size);
  if (ptr == NULL && size != 0)
    return 12; /* ENOMEM */
  *out = ptr;
  return 0;
}

void *
valloc (size_t size)
{
  count_one ();
  return __libc_memalign (4096, size);
}

static void
counting_begin (void)
{
  g_atomic_int_set (&allocations, 0);
  g_atomic_int_set (&counting, 1);
}

static int
counting_end (void)
{
  g_atomic_int_set (&counting, 0);
  return g_atomic_int_get (&allocations);
}

/* The counter counts: without this, a replacement the linker ignored would
 * make every test below pass. */
static void
test_counter_counts (void)
{
  void *a, *b, *c;
  int n;

  counting_begin ();
  a = g_malloc (16);
  b = g_realloc (a, 4096);
  c = calloc (3, 8);
  free (c);
  g_free (b);
  n = counting_end ();
  g_assert_cmpint (n, ==, 3);
}

typedef struct
{
  const char *file;      /* under bench/workloads */
  int64_t batch_size;    /* -1: the workload's own */
  const char *optimizer; /* NULL: the workload's own */
  int epochs;            /* counted epochs */
} Workload;

static void
test_workload (gconstpointer data)
{
  const Workload *w = data;
  g_autofree char *relative = g_strdup_printf ("bench/workloads/%s", w->file);
  g_autofree char *path = nnb_test_source_path (relative);
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbProject) project = nnb_project_load (path, &error);
  g_autoptr (NnbDataset) data_set = NULL;
  g_autoptr (NnbTraining) training = NULL;
  g_autofree NnbGenerator *gen = NULL;
  double loss = 0.0;
  int warmup_allocations, n;

  g_assert_no_error (error);
  data_set = nnb_project_build (project, TRUE, &error);
  g_assert_no_error (error);
  if (w->batch_size >= 0)
    project->training.batch_size = w->batch_size;
  if (w->optimizer != NULL && g_str_equal (w->optimizer, "Adam"))
    {
      project->training.optimizer.kind = NNB_OPTIMIZER_ADAM;
      project->training.optimizer.lr = 1e-3;
    }
  else if (w->optimizer != NULL && g_str_equal (w->optimizer, "SGD+momentum"))
    {
      project->training.optimizer.momentum = 0.9;
      project->training.optimizer.weight_decay = 1e-4;
    }
  gen = g_memdup2 (nnb_generator_default (), sizeof (NnbGenerator));
  training = nnb_training_new (project->model, data_set, &project->training, gen, &error);
  g_assert_no_error (error);

  /* the first epochs may allocate: plans, optimizer state, OpenBLAS */
  counting_begin ();
  for (int i = 0; i < 2; i++)
    {
      g_assert_true (nnb_training_epoch (training, &loss, &error));
      g_assert_no_error (error);
    }
  warmup_allocations = counting_end ();

  counting_begin ();
  for (int i = 0; i < w->epochs; i++)
    if (!nnb_training_epoch (training, &loss, NULL))
      break;
  n = counting_end ();

  g_test_message ("%s (batch %" G_GINT64_FORMAT ", %s): %d allocations in the first 2 epochs, "
                  "%d in the next %d (loss %.6g)",
                  w->file, project->training.batch_size, w->optimizer ? w->optimizer : "SGD",
                  warmup_allocations, n, w->epochs, loss);
  g_assert_true (isfinite (loss));
  g_assert_cmpint (n, ==, 0);
}

static const Workload workloads[] = {
  { "regression.nnb", -1, NULL, 50 },
  { "sinenet.nnb", -1, NULL, 20 },
  { "residual.nnb", -1, NULL, 5 },
  { "wide.nnb", -1, NULL, 2 },
  /* 1024 rows in batches of 100: ten full batches and a last one of 24 */
  { "residual.nnb", 100, NULL, 5 },
  { "residual.nnb", -1, "Adam", 5 },
  { "residual.nnb", 100, "SGD+momentum", 5 },
};

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/allocations/counter-counts", test_counter_counts);
  for (guint i = 0; i < G_N_ELEMENTS (workloads); i++)
    {
      const Workload *w = &workloads[i];
      g_autofree char *name = g_strdup_printf ("/allocations/steady-state/%.*s%s%s%s",
                                               (int) (strlen (w->file) - 4), w->file,
                                               w->batch_size >= 0 ? "-batch-100" : "",
                                               w->optimizer ? "-" : "", w->optimizer ? w->optimizer : "");
      g_test_add_data_func (name, w, test_workload);
    }
  return g_test_run ();
}
