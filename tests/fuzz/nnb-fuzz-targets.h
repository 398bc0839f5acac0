/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-fuzz-targets.h — what each fuzz target does with one input, shared by
 * the libFuzzer programs (tests/fuzz/fuzz-*.c) and the regression test that
 * replays every past finding (tests/test-fuzz-regressions.c), so both drive
 * exactly the same code.
 *
 * Each function returns TRUE when the engine accepted the input all the way
 * through, or FALSE with the first GError the engine gave. Anything else
 * (a crash, a sanitizer report, FALSE without an error, an error without a
 * message, a broken round trip) is a bug; g_assert turns the last ones into
 * a crash libFuzzer records.
 *
 * Header-only (static functions) because tests/meson.build builds each test
 * from one .c file. */
#pragma once

#include <glib.h>
#include <stdlib.h>
#include <string.h>
#include "nnb-csv.h"
#include "nnb-dataset.h"
#include "nnb-error.h"
#include "nnb-files-private.h"
#include "nnb-lesson.h"
#include "nnb-model.h"
#include "nnb-project.h"
#include "nnb-python-import.h"
#include "nnb-export.h"
#include "nnb-safetensors.h"
#include "nnb-training.h"
#include "nnb-training-private.h"

/* Bounds on what a fuzzed project may make the engine compute, so that a
 * run spends its time on parsing rather than on legal but large work (the
 * engine accepts 10 million points; the fuzzer need not draw them). */
#define NNB_FUZZ_MAX_POINTS 4096
#define NNB_FUZZ_MAX_PARAMETERS 100000

/* An error must be something a student can read. */
static inline void
nnb_fuzz_check_error (gboolean ok, const GError *error)
{
  if (ok)
    {
      g_assert_null (error);
      return;
    }
  g_assert_nonnull (error);
  g_assert_nonnull (error->message);
  g_assert_cmpuint (strlen (error->message), >, 0);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
}

static inline gboolean
nnb_fuzz_project_inner (const guint8 *data, gsize size, GError **error)
{
  g_autoptr (NnbProject) project = NULL;
  g_autoptr (NnbProject) again = NULL;
  g_autoptr (NnbDataset) dataset = NULL;
  g_autoptr (NnbTraining) training = NULL;
  g_autoptr (GError) local = NULL;
  g_autofree char *text = NULL;
  NnbGenerator gen;
  gsize length = 0;
  double loss;

  project = nnb_project_load_from_data ((const char *) data, size, error);
  if (project == NULL)
    return FALSE;
  g_assert_nonnull (project->model);

  /* whatever loads saves, and what it saves loads again */
  text = nnb_project_to_data (project, project->has_weights, &length, error);
  if (text == NULL)
    return FALSE;
  again = nnb_project_load_from_data (text, length, &local);
  if (again == NULL)
    g_error ("a saved project does not load again: %s\n%s", local->message, text);

  /* a CSV path would read whatever file the input names */
  if (project->data.kind == NNB_DATA_CSV ||
      project->data.n > NNB_FUZZ_MAX_POINTS ||
      nnb_model_count_parameters (project->model) > NNB_FUZZ_MAX_PARAMETERS)
    return TRUE;

  dataset = nnb_project_build (project, TRUE, error);
  if (dataset == NULL)
    return FALSE;

  /* one epoch of the file's training settings */
  project->training.device = NNB_DEVICE_CPU_INIT;
  nnb_generator_manual_seed (&gen, 0);
  training = nnb_training_new (project->model, dataset, &project->training, &gen, error);
  if (training == NULL)
    return FALSE;
  return nnb_training_epoch (training, &loss, error);
}

static inline gboolean
nnb_fuzz_project (const guint8 *data, gsize size, GError **error)
{
  gboolean ok = nnb_fuzz_project_inner (data, size, error);

  nnb_fuzz_check_error (ok, error ? *error : NULL);
  return ok;
}

/* The model the state dicts load into: the page's MLP(3, 16, 1) with a skip
 * connection (the names of tests/data/mlp-skip-torch.safetensors). */
static const char nnb_fuzz_mlp_project[] =
  "{\"format\": \"nnblocks\", \"version\": 1, \"model\": {\"class\": \"MLP\", \"modules\": ["
  "{\"name\": \"fc1\", \"type\": \"Linear\", \"in_features\": 3, \"out_features\": 16, \"bias\": true},"
  "{\"name\": \"fc2\", \"type\": \"Linear\", \"in_features\": 16, \"out_features\": 16, \"bias\": true},"
  "{\"name\": \"head\", \"type\": \"Linear\", \"in_features\": 16, \"out_features\": 1, \"bias\": true},"
  "{\"name\": \"act\", \"type\": \"ReLU\"}],"
  "\"graph\": {\"nodes\": ["
  "{\"name\": \"x\", \"op\": \"input\"},"
  "{\"name\": \"fc1\", \"op\": \"call\", \"module\": \"fc1\", \"inputs\": [\"x\"]},"
  "{\"name\": \"act\", \"op\": \"call\", \"module\": \"act\", \"inputs\": [\"fc1\"]},"
  "{\"name\": \"fc2\", \"op\": \"call\", \"module\": \"fc2\", \"inputs\": [\"act\"]},"
  "{\"name\": \"act_2\", \"op\": \"call\", \"module\": \"act\", \"inputs\": [\"fc2\"]},"
  "{\"name\": \"add\", \"op\": \"add\", \"inputs\": [\"act_2\", \"act\"]},"
  "{\"name\": \"head\", \"op\": \"call\", \"module\": \"head\", \"inputs\": [\"add\"]},"
  "{\"name\": \"out\", \"op\": \"output\", \"inputs\": [\"head\"]}]}}}";

static inline gboolean
nnb_fuzz_safetensors_inner (const guint8 *data, gsize size, GError **error)
{
  g_autoptr (GHashTable) tensors = NULL;
  g_autoptr (GHashTable) again = NULL;
  g_autoptr (NnbProject) project = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (NnbTensor) input = NULL;
  g_autoptr (GError) local = NULL;

  tensors = nnb_safetensors_parse (data, size, error);
  if (tensors == NULL)
    return FALSE;

  project = nnb_project_load_from_data (nnb_fuzz_mlp_project, sizeof nnb_fuzz_mlp_project - 1, &local);
  g_assert_no_error (local);
  if (!nnb_model_load_state_dict (project->model, tensors, error))
    return FALSE;

  /* the loaded weights compute, and save and parse again */
  input = nnb_tensor_new_2d (2, 3);
  g_assert_nonnull (nnb_model_forward (project->model, input, &local));
  g_assert_no_error (local);
  bytes = nnb_safetensors_serialize_model (project->model, error);
  if (bytes == NULL)
    return FALSE;
  again = nnb_safetensors_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &local);
  g_assert_no_error (local);
  g_assert_cmpuint (g_hash_table_size (again), ==, 6);
  return TRUE;
}

static inline gboolean
nnb_fuzz_safetensors (const guint8 *data, gsize size, GError **error)
{
  gboolean ok = nnb_fuzz_safetensors_inner (data, size, error);

  nnb_fuzz_check_error (ok, error ? *error : NULL);
  return ok;
}

/* Both readers of CSV text; returns TRUE when both accepted it. */
static inline gboolean
nnb_fuzz_csv (const guint8 *data, gsize size, GError **error)
{
  g_autoptr (GError) csv_error = NULL;
  g_autoptr (NnbDataset) dataset = NULL;
  g_autofree float *values = NULL;
  int64_t rows = -1, cols = -1;

  values = nnb_csv_parse ((const char *) data, size, &rows, &cols, &csv_error);
  nnb_fuzz_check_error (values != NULL, csv_error);
  if (values != NULL)
    {
      g_assert_cmpint (rows, >, 0);
      g_assert_cmpint (cols, >, 0);
      /* touch every value: a short buffer shows up under ASan */
      for (int64_t i = 0; i < rows * cols; i++)
        g_assert_true (values[i] == values[i]);
    }

  dataset = nnb_dataset_new_from_csv_text ((const char *) data, size, error);
  nnb_fuzz_check_error (dataset != NULL, error ? *error : NULL);
  if (dataset != NULL)
    {
      /* the dataset reader accepts a subset of what the parser accepts */
      g_assert_nonnull (values);
      g_assert_cmpint (dataset->x->shape[0], ==, rows);
      g_assert_cmpint (dataset->y->shape[0], ==, rows);
    }
  return dataset != NULL;
}

/* A lesson file: parsed as a built-in lesson would be (so a step's
 * load file= reads the resources, never the disk); each step that loads a
 * project loads it with the step's settings applied, and that project saves
 * and loads again. */
static inline gboolean
nnb_fuzz_lesson_inner (const guint8 *data, gsize size, GError **error)
{
  g_autoptr (NnbLesson) lesson = NULL;

  lesson = nnb_lesson_new_from_data ("fuzz", (const char *) data, (gssize) size, NULL, error);
  if (lesson == NULL)
    return FALSE;
  g_assert_nonnull (lesson->steps);
  for (guint i = 0; i < lesson->steps->len; i++)
    {
      const NnbLessonStep *step = lesson->steps->pdata[i];
      g_autoptr (NnbProject) project = NULL;
      g_autoptr (NnbProject) again = NULL;
      g_autoptr (GError) local = NULL;
      g_autofree char *text = NULL;
      gsize length = 0;

      g_assert_nonnull (step->id);
      g_assert_cmpint (nnb_lesson_find_step (lesson, step->id), >=, 0);
      nnb_lesson_step_has_action (step);
      if (!nnb_lesson_step_loads (step))
        continue;
      project = nnb_lesson_step_load_project (lesson, step, error);
      if (project == NULL)
        return FALSE;
      nnb_lesson_step_apply_settings (step, project);
      text = nnb_project_to_data (project, project->has_weights, &length, error);
      if (text == NULL)
        return FALSE;
      again = nnb_project_load_from_data (text, length, &local);
      if (again == NULL)
        g_error ("a lesson's project does not load again once saved: %s\n%s", local->message, text);
    }
  return TRUE;
}

/* Python model code (nnb-python-import.h): the classes, the import; when
 * it imports, the model validates, and its exported code imports again as
 * the same model (print(model) and the parameter count). */
static inline gboolean
nnb_fuzz_python (const guint8 *data, gsize size, GError **error)
{
  g_autoptr (GError) classes_error = NULL;
  g_auto (GStrv) classes = NULL;
  g_autoptr (NnbModel) model = NULL;
  int chosen = -2;
  gboolean by_line = FALSE;

  classes = nnb_python_import_classes ((const char *) data, size, &chosen, &by_line, &classes_error);
  nnb_fuzz_check_error (classes != NULL, classes_error);
  if (classes != NULL)
    g_assert_true (chosen >= -1 && chosen < (int) g_strv_length (classes));
  model = nnb_python_import ((const char *) data, size, NULL, error);
  nnb_fuzz_check_error (model != NULL, error ? *error : NULL);
  if (model != NULL)
    {
      g_autofree char *code = nnb_export_pytorch_code (model, NULL);
      g_autofree char *repr = nnb_model_repr (model);
      g_autofree char *again_repr = NULL;
      g_autoptr (GError) again_error = NULL;
      g_autoptr (NnbModel) again = NULL;

      g_assert_true (nnb_model_validate (model, NULL));
      again = nnb_python_import (code, -1, NULL, &again_error);
      g_assert_no_error (again_error);
      again_repr = nnb_model_repr (again);
      g_assert_cmpstr (again_repr, ==, repr);
      g_assert_cmpint (nnb_model_count_parameters (again), ==, nnb_model_count_parameters (model));
    }
  return model != NULL;
}

static inline gboolean
nnb_fuzz_lesson (const guint8 *data, gsize size, GError **error)
{
  gboolean ok = nnb_fuzz_lesson_inner (data, size, error);

  nnb_fuzz_check_error (ok, error ? *error : NULL);
  return ok;
}

/* libFuzzer must not see GLib's criticals and warnings as harmless: they
 * mean a g_return_if_fail tripped, i.e. a bug. Everything quieter is
 * dropped so the fuzzer's output stays readable. */
static inline GLogWriterOutput
nnb_fuzz_log_writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    {
      g_log_writer_standard_streams (level, fields, n_fields, user_data);
      abort ();
    }
  return G_LOG_WRITER_HANDLED;
}
