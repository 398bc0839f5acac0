/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-lesson-check-modes.c — the checks of train and eval mode and of
 * buffers: the mode the model is in, a layer it must hold (BatchNorm1d,
 * Dropout) and how many entries its state_dict has. */
#include "nnb-config.h"

#include "nnb-lesson-check-private.h"

gboolean
nnb_lesson_check_mode (const NnbLessonCheck *check, const NnbLessonRun *run, char **message)
{
  gboolean want_train = g_str_equal (check->text, "train");
  NnbModel *model = run->project->model;

  if (model->training != want_train)
    return nnb_lesson_fail (message, want_train
                                       ? g_strdup_printf (_("%s is in eval mode (model.training is False); this step wants it in train mode: call model.train(), or press Show me."),
                                                          nnb_lesson_model_name (run))
                                       : g_strdup_printf (_("%s is still in train mode (model.training is True): call model.eval() before measuring, or press Show me."),
                                                          nnb_lesson_model_name (run)));
  return nnb_lesson_pass (message, want_train ? g_strdup_printf (_("%s is in train mode (model.training is True)."), nnb_lesson_model_name (run))
                                              : g_strdup_printf (_("%s is in eval mode (model.training is False)."), nnb_lesson_model_name (run)));
}

static gboolean
holds_kind (const NnbModule *module, NnbModuleKind kind)
{
  if (module->kind == kind)
    return TRUE;
  if (module->children != NULL)
    for (guint i = 0; i < module->children->len; i++)
      if (holds_kind (module->children->pdata[i], kind))
        return TRUE;
  return FALSE;
}

gboolean
nnb_lesson_check_module (const NnbLessonCheck *check, const NnbLessonRun *run, char **message)
{
  NnbModel *model = run->project->model;
  NnbModuleKind kind;

  nnb_module_kind_from_string (check->text, &kind); /* the parser made sure it is a class */
  for (guint i = 0; i < model->modules->len; i++)
    if (holds_kind (model->modules->pdata[i], kind))
      return nnb_lesson_pass (message, g_strdup_printf (_("%s has a %s."), nnb_lesson_model_name (run), check->text));
  return nnb_lesson_fail (message, g_strdup_printf (_("%s has no %s: this step is about one. Add a %s block, or press Show me."),
                                                    nnb_lesson_model_name (run), check->text, check->text));
}

gboolean
nnb_lesson_check_state_dict (const NnbLessonCheck *check, const NnbLessonRun *run, char **message)
{
  g_autoptr (GPtrArray) state = nnb_model_state_dict (run->project->model);
  guint parameters = nnb_model_named_parameters (run->project->model)->len;
  guint want = (guint) check->value;

  if (state->len != want)
    return nnb_lesson_fail (message, g_strdup_printf (_("%s’s state_dict has %u entries (%u parameters and %u buffers); this step expects %u. Press Show me to load its model."),
                                                      nnb_lesson_model_name (run), state->len, parameters,
                                                      state->len - parameters, want));
  return nnb_lesson_pass (message, g_strdup_printf (_("%s’s state_dict has %u entries: %u parameters and %u buffers."),
                                                    nnb_lesson_model_name (run), state->len, parameters,
                                                    state->len - parameters));
}
