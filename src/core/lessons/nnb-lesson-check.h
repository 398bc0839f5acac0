/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-lesson-check.h — a lesson step's checks, and the record of what the
 * student has done that they read.
 *
 * A check reads the project the student has now (its model, init and
 * settings) and what happened to it (trained to which loss, diverged, the
 * message of a mistake, the gradients of the accumulation demo, runs kept
 * for a comparison). It passes with a sentence that says what is right, or
 * fails with one that says exactly what is missing and what to do. The app
 * and `nnblocks-cli lesson` fill the record the same way. */
#pragma once

#include <glib.h>
#include "nnb-lesson.h"

G_BEGIN_DECLS

typedef struct
{
  NnbProject *project; /* borrowed: the model the student has now; may be NULL */
  gboolean trained;    /* the project was trained since it was loaded */
  gboolean diverged;   /* and the loss became NaN or infinite */
  double final_loss;   /* the loss of the last epoch trained */
  double accuracy;     /* and its accuracy (0 to 1), for class data under a classification loss; NAN otherwise */
  int epochs;          /* epochs trained */
  int finite_epochs;   /* of them, the first ones whose loss was finite: the
                        * first inf or nan came at this epoch (from 0) */
  char *error;         /* the message of the last mistake made, or NULL */
  char *fixed;         /* after the device mistake, the fixed call's output shape ("(5, 1)"), or NULL */
  double grads[3];     /* the accumulation demo's weight.grad after each backward */
  int n_grads;
  GHashTable *kept; /* label → double* final loss of a kept run */
} NnbLessonRun;

void nnb_lesson_run_init (NnbLessonRun *run);
void nnb_lesson_run_clear (NnbLessonRun *run);
/* A new project is shown: what was done to the old one no longer counts
 * (kept runs stay). */
void nnb_lesson_run_forget (NnbLessonRun *run);
/* Keeps the current trained run's final loss under label; FALSE when
 * nothing was trained. */
gboolean nnb_lesson_run_keep (NnbLessonRun *run, const char *label);

typedef struct
{
  gboolean passed;
  char *message;
} NnbLessonCheckResult;

/* How many of the first n losses are finite, up to the first inf or nan. */
int nnb_lesson_finite_epochs (const double *losses, int n);

/* One check: TRUE when it passes; *message (never NULL) says why. */
gboolean nnb_lesson_check_evaluate (const NnbLessonCheck *check, const NnbLessonRun *run, char **message);
/* Every check of a step; results holds an NnbLessonCheckResult* per check
 * (free with g_ptr_array_unref), except that a failure whose sentence was
 * already said is not repeated (so results may be fewer than the checks;
 * every check that passed has its result). TRUE when all pass; a step
 * without checks passes with no results. */
gboolean nnb_lesson_step_check (const NnbLessonStep *step, const NnbLessonRun *run, GPtrArray **results);

/* The first CUDA GPU that can be used: TRUE with *device; FALSE with
 * *reason (free it), what the device list says, or that this NN Blocks was
 * built without CUDA. The device mistake and its check both ask. */
gboolean nnb_lesson_find_cuda (NnbDevice *device, char **reason);

/* Counts used by the checks, for a model: Linear layers (inside
 * Sequentials too) and the activation modules' classes. */
int nnb_lesson_count_linear (NnbModel *model);
/* param.std() as PyTorch computes it: unbiased (n − 1); param needs two values at least. */
double nnb_lesson_parameter_std (NnbParameter *param);
/* The decimals to print value with, 4 at least, so that the printed number
 * compares with target as value itself does: a loss of 0.019982 against a
 * target of 0.02 needs 5 ("0.01998"), where 4 would print "0.0200", not
 * below 0.02 to the eye. */
int nnb_lesson_decimals_to_compare (double value, double target);

G_END_DECLS
