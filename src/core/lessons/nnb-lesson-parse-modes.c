/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-lesson-parse-modes.c — parsing the lesson elements about modes and
 * buffers (see the header; the format: docs/lessons.md). */
#include "nnb-config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "nnb-lesson-parse-modes.h"
#include "nnb-lesson-parse-values.h"

NnbLessonShow
nnb_lp_modes_show (const char *word)
{
  if (g_str_equal (word, "train-eval"))
    return NNB_LESSON_SHOW_TRAIN_EVAL;
  if (g_str_equal (word, "training"))
    return NNB_LESSON_SHOW_TRAINING;
  if (g_str_equal (word, "state_dict"))
    return NNB_LESSON_SHOW_STATE_DICT;
  return 0;
}

gboolean
nnb_lp_modes_mistake (const char *kind, NnbLessonMistake *mistake)
{
  if (g_strcmp0 (kind, "eval-forgotten") == 0)
    *mistake = NNB_LESSON_MISTAKE_EVAL_FORGOTTEN;
  else if (g_strcmp0 (kind, "missing-buffer") == 0)
    *mistake = NNB_LESSON_MISTAKE_MISSING_BUFFER;
  else
    return FALSE;
  return TRUE;
}

gboolean
nnb_lp_modes_check (GMarkupParseContext *context, const NnbLessonCheck *check, const char *kind, const char *value,
                    const char *text, GError **error)
{
  NnbModuleKind module;

  switch (check->kind)
    {
    case NNB_LESSON_CHECK_MODE:
      if (g_strcmp0 (text, "train") != 0 && g_strcmp0 (text, "eval") != 0)
        return nnb_lp_error (context, error, _("A mode check needs expect=\"train\" or expect=\"eval\"."));
      break;
    case NNB_LESSON_CHECK_MODULE:
      if (text == NULL || !nnb_module_kind_from_string (text, &module))
        return nnb_lp_error (context, error, _("A module check needs expect=\"…\", the class of a layer such as BatchNorm1d or Dropout."));
      break;
    case NNB_LESSON_CHECK_STATE_DICT:
      if (value == NULL || check->value != floor (check->value) || check->value > G_MAXINT)
        return nnb_lp_error (context, error, _("A %s check needs value=\"…\", a whole number of entries."), kind);
      break;
    default:
      break;
    }
  return TRUE;
}
