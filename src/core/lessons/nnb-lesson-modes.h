/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-lesson-modes.h — a lesson's Show me about train and eval mode and
 * buffers (data/lessons/modes.lesson): the same input twice in each mode,
 * every module's .training flag, state_dict() with its buffers, the test
 * loss measured with model.eval() forgotten, and a state_dict loaded
 * without a buffer. Each prints what the PyTorch code it shows prints
 * (tests/reference/make_modes_lesson_golden.py). */
#pragma once

#include <glib.h>
#include "nnb-lesson-check.h"

G_BEGIN_DECLS

/* torch.manual_seed(seed), then model(X[:rows]) twice in train mode and
 * twice after model.eval(); leaves the model in eval mode, as the code
 * does. */
char *nnb_lesson_describe_train_eval (NnbProject *project, const NnbDataset *data, int rows, guint64 seed,
                                      GError **error);
/* name, class and training= of every module in named_modules() order */
char *nnb_lesson_describe_training (NnbProject *project);
/* state_dict()'s keys, shapes, parameter or buffer, and the counts */
char *nnb_lesson_describe_state_dict (NnbProject *project);

/* The test loss in eval mode, in train mode (the mistake: BatchNorm1d
 * uses the test batch's statistics and moves its running estimates), and
 * in eval mode again. Leaves the model in eval mode. */
char *nnb_lesson_eval_forgotten_mistake (NnbProject *project, const NnbDataset *data, NnbLessonRun *run);
/* The state_dict loaded into a fresh model of the same project gives the
 * same eval output (through a safetensors file, as save_file and load_file);
 * without its running_var, load_state_dict refuses with
 * PyTorch's message, which goes to run->error. */
char *nnb_lesson_missing_buffer_mistake (NnbProject *project, const NnbDataset *data, NnbLessonRun *run);

G_END_DECLS
