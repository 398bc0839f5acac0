/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-lesson-check-classes.c — the checks of a classifier: the loss it
 * trains with, its last layer (logits, not probabilities) and the last
 * training's accuracy. */
#include "nnb-config.h"

#include <math.h>

#include "nnb-lesson-check-private.h"
#include "nnb-loss.h"

gboolean
nnb_lesson_check_loss (const NnbLessonCheck *check, const NnbLessonRun *run, char **message)
{
  const char *used = nnb_loss_kind_to_string (run->project->training.loss);

  if (!g_str_equal (used, check->text))
    return nnb_lesson_fail (message, g_strdup_printf (_("%s trains with nn.%s(); this step asks for nn.%s(). Choose it in the training settings, or press Show me."),
                                                      nnb_lesson_model_name (run), used, check->text));
  return nnb_lesson_pass (message, g_strdup_printf (_("%s trains with nn.%s()."), nnb_lesson_model_name (run), used));
}

gboolean
nnb_lesson_check_last_layer (const NnbLessonCheck *check, const NnbLessonRun *run, char **message)
{
  g_autoptr (GPtrArray) calls = nnb_lesson_leaf_calls (run, message);
  const char *last;
  NnbModuleKind kind;

  if (calls == NULL)
    return FALSE;
  if (calls->len == 0)
    return nnb_lesson_fail (message, g_strdup_printf (_("%s has no layer yet."), nnb_lesson_model_name (run)));
  last = calls->pdata[calls->len - 1];
  if (g_str_equal (last, check->text))
    return nnb_lesson_pass (message, g_str_equal (last, "Linear")
                                       ? g_strdup_printf (_("%s ends in a Linear: its outputs are raw logits."), nnb_lesson_model_name (run))
                                       : g_strdup_printf (_("%s ends in %s."), nnb_lesson_model_name (run), last));
  /* the classic: probabilities where the loss wants logits */
  if (g_str_equal (check->text, "Linear") && nnb_module_kind_from_string (last, &kind) &&
      (kind == NNB_MODULE_SOFTMAX || kind == NNB_MODULE_LOG_SOFTMAX || kind == NNB_MODULE_SIGMOID))
    return nnb_lesson_fail (message, g_strdup_printf (_("%s ends in %s, so its outputs are no longer logits: CrossEntropyLoss applies log_softmax itself. Remove the %s and end in the Linear."),
                                                      nnb_lesson_model_name (run), last, last));
  return nnb_lesson_fail (message, g_strdup_printf (_("%s ends in %s; this step asks for a model whose last layer is %s."),
                                                    nnb_lesson_model_name (run), last, check->text));
}

/* The last training's accuracy, or why there is none: FALSE with message. */
static gboolean
trained_accuracy (const NnbLessonRun *run, char **message)
{
  if (!run->trained)
    return nnb_lesson_fail (message, nnb_lesson_not_trained (run));
  if (run->diverged)
    return nnb_lesson_fail (message, g_strdup_printf (_("Training diverged (the loss became nan at epoch %d): lower the learning rate and train again."),
                                                      run->epochs - 1));
  if (isnan (run->accuracy))
    return nnb_lesson_fail (message, g_strdup_printf (_("%s was trained without an accuracy: that needs class data and a classification loss, such as nn.CrossEntropyLoss()."),
                                                      nnb_lesson_model_name (run)));
  return TRUE;
}

gboolean
nnb_lesson_check_accuracy_above (const NnbLessonCheck *check, const NnbLessonRun *run, char **message)
{
  double percent = run->accuracy * 100;

  if (!trained_accuracy (run, message))
    return FALSE;
  if (!(percent > check->value))
    return nnb_lesson_fail (message, g_strdup_printf (_("%s is right on %.2f %% of the training points, not above %g %%. Train for more epochs, or give the model more room: another hidden layer, more units."),
                                                      nnb_lesson_model_name (run), percent, check->value));
  return nnb_lesson_pass (message, g_strdup_printf (_("%s is right on %.2f %% of the training points, above %g %%."),
                                                    nnb_lesson_model_name (run), percent, check->value));
}

gboolean
nnb_lesson_check_accuracy_below (const NnbLessonCheck *check, const NnbLessonRun *run, char **message)
{
  double percent = run->accuracy * 100;

  if (!trained_accuracy (run, message))
    return FALSE;
  if (!(percent < check->value))
    return nnb_lesson_fail (message, g_strdup_printf (_("%s is right on %.2f %% of the training points, not below %g %%: this step is about a model that cannot separate the classes."),
                                                      nnb_lesson_model_name (run), percent, check->value));
  return nnb_lesson_pass (message, g_strdup_printf (_("%s is right on only %.2f %% of the training points, below %g %%."),
                                                    nnb_lesson_model_name (run), percent, check->value));
}
