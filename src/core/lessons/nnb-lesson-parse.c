/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-lesson-parse.c — reading a lesson's XML (with GMarkup) into an
 * NnbLesson. Each element has a row in one table; messages name the line
 * and say what is wrong. The format: docs/lessons.md. */

#include "nnb-config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "nnb-error.h"
#include "nnb-lesson-parse-data.h"
#include "nnb-lesson-parse-modes.h"
#include "nnb-lesson-parse-values.h"
#include "nnb-lesson-private.h"
#include "nnb-loss.h"

typedef enum
{
  TEXT_NONE,
  TEXT_LESSON_TITLE,
  TEXT_STEP_TITLE,
  TEXT_PARAGRAPH,
  TEXT_CODE,
  TEXT_LOAD,
} TextTarget;

typedef struct
{
  NnbLesson *lesson;
  NnbLessonStep *step; /* the step being read */
  TextTarget target;
  GString *text;
  gboolean in_lesson;
} ParseState;

/* xgettext's ITS extraction collapses whitespace; the msgid to look up must
 * be the same string. */
static char *
normalize_space (const char *text)
{
  GString *out = g_string_new (NULL);
  gboolean space = FALSE;

  for (const char *p = text; *p; p++)
    {
      if (g_ascii_isspace (*p))
        {
          space = out->len > 0;
          continue;
        }
      if (space)
        g_string_append_c (out, ' ');
      space = FALSE;
      g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

static char *
translate (const char *text)
{
  g_autofree char *normal = normalize_space (text);

  if (*normal == '\0')
    return g_steal_pointer (&normal);
  return g_strdup (g_dgettext (GETTEXT_PACKAGE, normal));
}

/* Code keeps its indentation; only the blank lines around it go. */
static char *
trim_code (const char *text)
{
  const char *start = text;
  gsize len;

  while (*start == '\n' || *start == '\r')
    start++;
  len = strlen (start);
  while (len > 0 && g_ascii_isspace (start[len - 1]))
    len--;
  return g_strndup (start, len);
}

static const char *const no_attributes[] = { NULL };

/* The largest parameter count a check may expect: 2^53, the last whole
 * number a double (the check's value) holds exactly. */
#define MAX_PARAMETER_COUNT ((int64_t) 1 << 53)

/* <show what="probabilities">: rows of the data printed, by default and
 * at most (PyTorch prints up to 1000 numbers without "…") */
#define DEFAULT_SHOW_ROWS 4
#define MAX_SHOW_ROWS 100

/* Elements: each has a start handler with the same arguments and a row in
 * `elements` below; start_element has checked its place and its attribute
 * names before the handler runs. A handler that refuses sets the error and
 * returns FALSE; GMarkup then stops. */

typedef gboolean (*ElementStart) (GMarkupParseContext *context, ParseState *state, const char *element,
                                  const char **names, const char **values, GError **error);

/* The root: <lesson version="1">, and nothing else; not a row of the table,
 * so it checks its attributes itself. */
static gboolean
start_lesson (GMarkupParseContext *context, ParseState *state, const char *element,
              const char **names, const char **values, GError **error)
{
  static const char *const allowed[] = { "version", NULL };
  const char *version;
  int64_t number;

  if (!g_str_equal (element, "lesson"))
    return nnb_lp_error (context, error, _("A lesson file starts with <lesson>, not <%s>."), element);
  if (!nnb_lp_only_attributes (context, "lesson", names, allowed, error))
    return FALSE;
  version = nnb_lp_attribute (names, values, "version");
  if (version != NULL)
    {
      if (!nnb_lp_int (context, "lesson", "version", version, 1, G_MAXINT, &number, error))
        return FALSE;
      if (number > NNB_LESSON_FORMAT_VERSION)
        {
          g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_VERSION,
                       _("This lesson was written for a newer NN Blocks (lesson format %d; this one reads up to %d). Update NN Blocks to follow it."),
                       (int) number, NNB_LESSON_FORMAT_VERSION);
          return FALSE;
        }
    }
  state->in_lesson = TRUE;
  return TRUE;
}

/* The lesson's title, or the step's when inside one. */
static gboolean
start_title (GMarkupParseContext *context, ParseState *state, const char *element,
             const char **names, const char **values, GError **error)
{
  state->target = state->step != NULL ? TEXT_STEP_TITLE : TEXT_LESSON_TITLE;
  g_string_truncate (state->text, 0);
  return TRUE;
}

static gboolean
start_step (GMarkupParseContext *context, ParseState *state, const char *element,
            const char **names, const char **values, GError **error)
{
  const char *id = nnb_lp_attribute (names, values, "id");

  if (state->step != NULL)
    return nnb_lp_error (context, error, _("A <step> cannot be inside another step."));
  if (id == NULL || *id == '\0')
    return nnb_lp_error (context, error, _("Every <step> needs an id, so progress can be kept."));
  if (nnb_lesson_find_step (state->lesson, id) >= 0)
    return nnb_lp_error (context, error, _("Two steps are called “%s”: step ids must differ."), id);
  state->step = nnb_lesson_step_new (id);
  g_ptr_array_add (state->lesson->steps, state->step);
  return TRUE;
}

/* <p> (translated) and <code> (verbatim): their text is a block. */
static gboolean
start_text_block (GMarkupParseContext *context, ParseState *state, const char *element,
                  const char **names, const char **values, GError **error)
{
  state->target = g_str_equal (element, "p") ? TEXT_PARAGRAPH : TEXT_CODE;
  g_string_truncate (state->text, 0);
  return TRUE;
}

static gboolean
start_keep (GMarkupParseContext *context, ParseState *state, const char *element,
            const char **names, const char **values, GError **error)
{
  NnbLessonStep *step = state->step;
  const char *label = nnb_lp_attribute (names, values, "label");

  if (label == NULL)
    return nnb_lp_error (context, error, _("<keep> needs a label=\"…\" to compare against later."));
  g_free (step->keep);
  step->keep = g_strdup (label);
  return TRUE;
}

/* example="…" or file="…", or a project as the element's text (checked at
 * its end). */
static gboolean
start_load (GMarkupParseContext *context, ParseState *state, const char *element,
            const char **names, const char **values, GError **error)
{
  NnbLessonStep *step = state->step;

  g_free (step->load_example);
  g_free (step->load_file);
  step->load_example = g_strdup (nnb_lp_attribute (names, values, "example"));
  step->load_file = g_strdup (nnb_lp_attribute (names, values, "file"));
  state->target = TEXT_LOAD;
  g_string_truncate (state->text, 0);
  return TRUE;
}

static gboolean
start_init (GMarkupParseContext *context, ParseState *state, const char *element,
            const char **names, const char **values, GError **error)
{
  NnbLessonStep *step = state->step;
  const char *weight = nnb_lp_attribute (names, values, "weight");
  const char *bias = nnb_lp_attribute (names, values, "bias");
  const char *seed = nnb_lp_attribute (names, values, "seed");
  int64_t number;

  step->has_init = TRUE;
  step->init_weight = step->init_bias = NNB_INIT_DEFAULT;
  if (weight != NULL && !nnb_lp_init_method (context, weight, &step->init_weight, error))
    return FALSE;
  if (bias != NULL && !nnb_lp_init_method (context, bias, &step->init_bias, error))
    return FALSE;
  if (seed != NULL)
    {
      if (!nnb_lp_int (context, "init", "seed", seed, 0, G_MAXINT, &number, error))
        return FALSE;
      step->has_init_seed = TRUE;
      step->init_seed = (guint64) number;
    }
  return TRUE;
}

static gboolean
start_mistake (GMarkupParseContext *context, ParseState *state, const char *element,
               const char **names, const char **values, GError **error)
{
  NnbLessonStep *step = state->step;
  const char *kind = nnb_lp_attribute (names, values, "kind");
  const char *input = nnb_lp_attribute (names, values, "input");

  if (g_strcmp0 (kind, "forward") == 0)
    {
      step->mistake = NNB_LESSON_MISTAKE_FORWARD;
      if (input == NULL)
        return nnb_lp_error (context, error, _("<mistake kind=\"forward\"> needs input=\"…\": the shape of the batch to send."));
      return nnb_lp_shape (context, "mistake", input, &step->mistake_ndim, step->mistake_input, error);
    }
  if (g_strcmp0 (kind, "device") == 0)
    step->mistake = NNB_LESSON_MISTAKE_DEVICE;
  else if (g_strcmp0 (kind, "accumulate") == 0)
    step->mistake = NNB_LESSON_MISTAKE_ACCUMULATE;
  else if (g_strcmp0 (kind, "target") == 0)
    {
      step->mistake = NNB_LESSON_MISTAKE_TARGET;
      if (input != NULL)
        return nnb_lp_error (context, error, _("<mistake kind=\"target\"> has no input: it uses the step’s data."));
    }
  else if (nnb_lp_modes_mistake (kind, &step->mistake))
    {
      if (input != NULL)
        return nnb_lp_error (context, error, _("<mistake kind=\"%s\"> has no input: it uses the step’s data."), kind);
    }
  else
    return nnb_lp_error (context, error, _("<mistake> needs a kind: forward, device, accumulate, target, eval-forgotten or missing-buffer."));
  return TRUE;
}

static gboolean
start_train (GMarkupParseContext *context, ParseState *state, const char *element,
             const char **names, const char **values, GError **error)
{
  state->step->train = TRUE;
  return TRUE;
}

static const struct
{
  const char *name;
  NnbLessonCheckKind kind;
} check_kinds[] = {
  { "parameter-count", NNB_LESSON_CHECK_PARAMETER_COUNT },
  { "parameter-names", NNB_LESSON_CHECK_PARAMETER_NAMES },
  { "parameter-shape", NNB_LESSON_CHECK_PARAMETER_SHAPE },
  { "output-shape", NNB_LESSON_CHECK_OUTPUT_SHAPE },
  { "trace", NNB_LESSON_CHECK_TRACE },
  { "activations", NNB_LESSON_CHECK_ACTIVATIONS },
  { "hidden-layers", NNB_LESSON_CHECK_HIDDEN_LAYERS },
  { "init", NNB_LESSON_CHECK_INIT },
  { "std", NNB_LESSON_CHECK_STD },
  { "loss-below", NNB_LESSON_CHECK_LOSS_BELOW },
  { "diverged", NNB_LESSON_CHECK_DIVERGED },
  { "error", NNB_LESSON_CHECK_ERROR },
  { "gradients", NNB_LESSON_CHECK_GRADIENTS },
  { "compare", NNB_LESSON_CHECK_COMPARE },
  { "skip-connection", NNB_LESSON_CHECK_SKIP_CONNECTION },
  { "class", NNB_LESSON_CHECK_CLASS },
  { "data", NNB_LESSON_CHECK_DATA },
  { "device", NNB_LESSON_CHECK_DEVICE },
  { "loss", NNB_LESSON_CHECK_LOSS },
  { "last-layer", NNB_LESSON_CHECK_LAST_LAYER },
  { "accuracy-above", NNB_LESSON_CHECK_ACCURACY_ABOVE },
  { "accuracy-below", NNB_LESSON_CHECK_ACCURACY_BELOW },
  { "mode", NNB_LESSON_CHECK_MODE },
  { "module", NNB_LESSON_CHECK_MODULE },
  { "state-dict", NNB_LESSON_CHECK_STATE_DICT },
};

static gboolean
start_check (GMarkupParseContext *context, ParseState *state, const char *element,
             const char **names, const char **values, GError **error)
{
  NnbLessonStep *step = state->step;
  /* freed with its strings when the element is refused */
  g_autoptr (NnbLessonCheck) check = g_new0 (NnbLessonCheck, 1);
  const char *kind = nnb_lp_attribute (names, values, "kind");
  const char *value = nnb_lp_attribute (names, values, "value");
  const char *expect = nnb_lp_attribute (names, values, "expect");
  const char *parameter = nnb_lp_attribute (names, values, "parameter");
  const char *input = nnb_lp_attribute (names, values, "input");
  const char *against = nnb_lp_attribute (names, values, "against");
  const char *text;
  gboolean found = FALSE;

  if (kind == NULL)
    return nnb_lp_error (context, error, _("<check> needs a kind, for example kind=\"parameter-count\"."));
  for (gsize i = 0; i < G_N_ELEMENTS (check_kinds); i++)
    if (g_str_equal (check_kinds[i].name, kind))
      {
        check->kind = check_kinds[i].kind;
        found = TRUE;
      }
  if (!found)
    return nnb_lp_error (context, error, _("“%s” is not a kind of check NN Blocks knows."), kind);

  check->value = -1;
  /* counts, a std and a loss are never negative */
  if (value != NULL && !nnb_lp_double (context, "check", "value", value, 0, &check->value, error))
    return FALSE;
  if (value != NULL && (check->kind == NNB_LESSON_CHECK_PARAMETER_COUNT || check->kind == NNB_LESSON_CHECK_HIDDEN_LAYERS) &&
      check->value != floor (check->value))
    return nnb_lp_error (context, error, _("The value of a %s check must be a whole number, not “%s”."), kind, value);
  /* nnb-lesson-check.c compares them as an int64_t and an int: value="1e20"
   * would not fit (undefined behaviour) */
  if (value != NULL && check->kind == NNB_LESSON_CHECK_PARAMETER_COUNT && check->value > MAX_PARAMETER_COUNT)
    return nnb_lp_error (context, error, _("The value of a %s check must be a whole number of at most %lld, not “%s”."), kind,
                         (long long) MAX_PARAMETER_COUNT, value);
  if (value != NULL && check->kind == NNB_LESSON_CHECK_HIDDEN_LAYERS && check->value > G_MAXINT)
    return nnb_lp_error (context, error, _("The value of a %s check must be a whole number of at most %lld, not “%s”."), kind,
                         (long long) G_MAXINT, value);
  if (input != NULL && !nnb_lp_shape (context, "check", input, &check->ndim, check->input, error))
    return FALSE;
  if (!nnb_lp_data_fields (context, "check", names, values, &check->data, &check->data_fields, error))
    return FALSE;
  if (check->data_fields != 0 && check->kind != NNB_LESSON_CHECK_DATA)
    return nnb_lp_error (context, error, _("Only a data check compares n, a, b, c, noise, x-max, radius, distance, turns and classes; a %s check has none of them."), kind);
  /* copied into the check only once it is whole: g_autofree frees the
   * struct alone (tests/fuzz/regressions/lesson/) */
  text = check->kind == NNB_LESSON_CHECK_COMPARE ? against : expect;

  /* what each kind cannot do without */
  switch (check->kind)
    {
    case NNB_LESSON_CHECK_PARAMETER_NAMES:
    case NNB_LESSON_CHECK_ACTIVATIONS:
    case NNB_LESSON_CHECK_INIT:
    case NNB_LESSON_CHECK_ERROR:
    case NNB_LESSON_CHECK_CLASS:
      if (text == NULL)
        return nnb_lp_error (context, error, _("A %s check needs expect=\"…\"."), kind);
      break;
    case NNB_LESSON_CHECK_DATA:
      {
        NnbDataKind data_kind;

        if (text == NULL || !nnb_data_kind_from_string (text, &data_kind) || data_kind == NNB_DATA_CSV)
          return nnb_lp_error (context, error, _("A data check needs expect=\"…\", the kind of data: line, sine, polynomial, step, sine-product, circle, xor, gauss, spiral, moons or blobs."));
        check->data.kind = data_kind;
      }
      break;
    case NNB_LESSON_CHECK_PARAMETER_SHAPE:
      if (text == NULL || parameter == NULL)
        return nnb_lp_error (context, error, _("A %s check needs parameter=\"…\" and expect=\"…\"."), kind);
      break;
    case NNB_LESSON_CHECK_OUTPUT_SHAPE:
    case NNB_LESSON_CHECK_TRACE:
      if (text == NULL || check->ndim == 0)
        return nnb_lp_error (context, error, _("A %s check needs input=\"…\" and expect=\"…\"."), kind);
      break;
    case NNB_LESSON_CHECK_STD:
      if (parameter == NULL || value == NULL)
        return nnb_lp_error (context, error, _("A %s check needs parameter=\"…\" and value=\"…\"."), kind);
      break;
    case NNB_LESSON_CHECK_HIDDEN_LAYERS:
    case NNB_LESSON_CHECK_LOSS_BELOW:
      if (value == NULL)
        return nnb_lp_error (context, error, _("A %s check needs value=\"…\"."), kind);
      break;
    case NNB_LESSON_CHECK_ACCURACY_ABOVE:
    case NNB_LESSON_CHECK_ACCURACY_BELOW:
      if (value == NULL || check->value > 100)
        return nnb_lp_error (context, error, _("An %s check needs value=\"…\", a percentage from 0 to 100."), kind);
      break;
    case NNB_LESSON_CHECK_LOSS:
      {
        NnbLossKind loss;

        if (text == NULL || !nnb_loss_kind_from_string (text, &loss))
          return nnb_lp_error (context, error, _("A loss check needs expect=\"…\", one of MSELoss, L1Loss, CrossEntropyLoss, NLLLoss, BCEWithLogitsLoss or BCELoss."));
        /* the name PyTorch gives it, whichever spelling the file uses */
        text = nnb_loss_kind_to_string (loss);
      }
      break;
    case NNB_LESSON_CHECK_LAST_LAYER:
      {
        NnbModuleKind module;

        if (text == NULL || !nnb_module_kind_from_string (text, &module))
          return nnb_lp_error (context, error, _("A last-layer check needs expect=\"…\", the class of a layer such as Linear or Softmax."));
      }
      break;
    case NNB_LESSON_CHECK_COMPARE:
      if (text == NULL)
        return nnb_lp_error (context, error, _("A compare check needs against=\"…\": the label of a kept run."));
      break;
    default:
      if (!nnb_lp_modes_check (context, check, kind, value, text, error))
        return FALSE;
      break;
    }
  check->parameter = g_strdup (parameter);
  check->text = g_strdup (text);
  g_ptr_array_add (step->checks, g_steal_pointer (&check));
  return TRUE;
}

static gboolean
start_show (GMarkupParseContext *context, ParseState *state, const char *element,
            const char **names, const char **values, GError **error)
{
  NnbLessonStep *step = state->step;
  const char *what = nnb_lp_attribute (names, values, "what");
  const char *input = nnb_lp_attribute (names, values, "input");
  const char *rows = nnb_lp_attribute (names, values, "rows");
  const char *text;
  g_auto (GStrv) words = NULL;

  if (what == NULL)
    return nnb_lp_error (context, error, _("<show> needs what=\"…\": model, parameters, count, trace, values, std, probabilities, train-eval, training or state_dict."));
  words = g_strsplit_set (what, " ,", -1);
  for (int i = 0; words[i] != NULL; i++)
    {
      if (*words[i] == '\0')
        continue;
      if (g_str_equal (words[i], "model"))
        step->show |= NNB_LESSON_SHOW_MODEL;
      else if (g_str_equal (words[i], "parameters"))
        step->show |= NNB_LESSON_SHOW_PARAMETERS;
      else if (g_str_equal (words[i], "count"))
        step->show |= NNB_LESSON_SHOW_COUNT;
      else if (g_str_equal (words[i], "trace"))
        step->show |= NNB_LESSON_SHOW_TRACE;
      else if (g_str_equal (words[i], "values"))
        step->show |= NNB_LESSON_SHOW_VALUES;
      else if (g_str_equal (words[i], "std"))
        step->show |= NNB_LESSON_SHOW_STD;
      else if (g_str_equal (words[i], "probabilities"))
        step->show |= NNB_LESSON_SHOW_PROBABILITIES;
      else if (nnb_lp_modes_show (words[i]) != 0)
        step->show |= nnb_lp_modes_show (words[i]);
      else
        return nnb_lp_error (context, error, _("<show> cannot show “%s”: use model, parameters, count, trace, values, std, probabilities, train-eval, training or state_dict."), words[i]);
    }
  step->show_rows = DEFAULT_SHOW_ROWS;
  if (rows != NULL)
    {
      int64_t number;

      if (!nnb_lp_int (context, "show", "rows", rows, 1, MAX_SHOW_ROWS, &number, error))
        return FALSE;
      step->show_rows = (int) number;
    }
  if ((text = nnb_lp_attribute (names, values, "seed")) != NULL)
    {
      int64_t number;

      if (!nnb_lp_int (context, "show", "seed", text, 0, G_MAXINT, &number, error))
        return FALSE;
      step->show_seed = (guint64) number;
    }
  g_free (step->show_parameter);
  step->show_parameter = g_strdup (nnb_lp_attribute (names, values, "parameter"));
  if ((step->show & NNB_LESSON_SHOW_STD) && step->show_parameter == NULL)
    return nnb_lp_error (context, error, _("<show what=\"std\"> needs parameter=\"…\", for example fc1.weight."));
  if (input != NULL && !nnb_lp_shape (context, "show", input, &step->show_ndim, step->show_input, error))
    return FALSE;
  return TRUE;
}

static gboolean
start_settings (GMarkupParseContext *context, ParseState *state, const char *element,
                const char **names, const char **values, GError **error)
{
  NnbLessonStep *step = state->step;
  const char *text;
  int64_t number;

  if ((text = nnb_lp_attribute (names, values, "seed")) != NULL)
    {
      if (!nnb_lp_int (context, "settings", "seed", text, 0, G_MAXINT, &number, error))
        return FALSE;
      step->has_seed = TRUE;
      step->seed = (guint64) number;
    }
  if ((text = nnb_lp_attribute (names, values, "lr")) != NULL)
    {
      /* lr = 0 is allowed, as in PyTorch */
      if (!nnb_lp_double (context, "settings", "lr", text, 0, &step->lr, error))
        return FALSE;
      step->has_lr = TRUE;
    }
  if ((text = nnb_lp_attribute (names, values, "epochs")) != NULL)
    {
      if (!nnb_lp_int (context, "settings", "epochs", text, 1, NNB_PROJECT_MAX_EPOCHS, &number, error))
        return FALSE;
      step->has_epochs = TRUE;
      step->epochs = (int) number;
    }
  if ((text = nnb_lp_attribute (names, values, "until-loss")) != NULL)
    {
      if (!nnb_lp_double (context, "settings", "until-loss", text, 0, &step->until_loss, error))
        return FALSE;
      step->has_until_loss = TRUE;
    }
  if ((text = nnb_lp_attribute (names, values, "log-every")) != NULL)
    {
      if (!nnb_lp_int (context, "settings", "log-every", text, 0, NNB_PROJECT_MAX_EPOCHS, &number, error))
        return FALSE;
      step->has_log_every = TRUE;
      step->log_every = (int) number;
    }
  if ((text = nnb_lp_attribute (names, values, "loss")) != NULL)
    {
      if (!nnb_loss_kind_from_string (text, &step->loss))
        return nnb_lp_error (context, error, _("The loss of <settings> must be MSELoss, L1Loss, CrossEntropyLoss, NLLLoss, BCEWithLogitsLoss or BCELoss, not “%s”."), text);
      step->has_loss = TRUE;
    }
  return TRUE;
}

static gboolean
start_data (GMarkupParseContext *context, ParseState *state, const char *element,
            const char **names, const char **values, GError **error)
{
  NnbLessonStep *step = state->step;
  const char *kind = nnb_lp_attribute (names, values, "kind");
  NnbLessonDataFields given;
  NnbDataKind data_kind;

  if (kind == NULL || !nnb_data_kind_from_string (kind, &data_kind) || data_kind == NNB_DATA_CSV)
    return nnb_lp_error (context, error, _("<data> needs a kind: line, sine, polynomial, step, sine-product, circle, xor, gauss, spiral, moons or blobs."));
  nnb_data_spec_clear (&step->data);
  nnb_data_spec_init (&step->data, data_kind);
  step->has_data = TRUE;
  return nnb_lp_data_fields (context, "data", names, values, &step->data, &given, error);
}

typedef enum
{
  PARENT_LESSON_OR_STEP,
  PARENT_LESSON, /* <step> says itself why it cannot nest, after its attributes */
  PARENT_STEP,
} ElementParent;

#define ATTRIBUTES(...) ((const char *const[]){ __VA_ARGS__, NULL })

typedef struct
{
  const char *name;
  ElementParent parent;
  const char *const *attributes;
  ElementStart start;
} ElementRow;

/* Every element inside <lesson>, where it goes and the attributes it takes;
 * a new element is a new row. */
static const ElementRow elements[] = {
  { "title", PARENT_LESSON_OR_STEP, no_attributes, start_title },
  { "step", PARENT_LESSON, ATTRIBUTES ("id"), start_step },
  { "p", PARENT_STEP, no_attributes, start_text_block },
  { "code", PARENT_STEP, no_attributes, start_text_block },
  { "keep", PARENT_STEP, ATTRIBUTES ("label"), start_keep },
  { "load", PARENT_STEP, ATTRIBUTES ("example", "file"), start_load },
  { "init", PARENT_STEP, ATTRIBUTES ("weight", "bias", "seed"), start_init },
  { "data", PARENT_STEP,
    ATTRIBUTES ("kind", "n", "a", "b", "c", "noise", "x-max", "radius", "distance", "turns", "classes"), start_data },
  { "settings", PARENT_STEP, ATTRIBUTES ("seed", "lr", "epochs", "until-loss", "log-every", "loss"), start_settings },
  { "show", PARENT_STEP, ATTRIBUTES ("what", "parameter", "input", "rows", "seed"), start_show },
  { "mistake", PARENT_STEP, ATTRIBUTES ("kind", "input"), start_mistake },
  { "train", PARENT_STEP, no_attributes, start_train },
  { "check", PARENT_STEP,
    ATTRIBUTES ("kind", "value", "expect", "parameter", "input", "against", "n", "a", "b", "c", "noise", "x-max",
                "radius", "distance", "turns", "classes"),
    start_check },
};

static void
start_element (GMarkupParseContext *context, const char *element, const char **names,
               const char **values, gpointer user_data, GError **error)
{
  ParseState *state = user_data;
  const ElementRow *row = NULL;

  if (!state->in_lesson)
    {
      start_lesson (context, state, element, names, values, error);
      return;
    }
  if (state->target != TEXT_NONE)
    {
      nnb_lp_error (context, error, _("<%s> cannot hold other elements such as <%s>."),
                    (const char *) g_markup_parse_context_get_element_stack (context)->next->data, element);
      return;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (elements) && row == NULL; i++)
    if (g_str_equal (elements[i].name, element))
      row = &elements[i];
  /* outside a step, an unknown element is told where elements go */
  if ((row == NULL || row->parent == PARENT_STEP) && state->step == NULL)
    nnb_lp_error (context, error, _("<%s> belongs inside a <step>."), element);
  else if (row == NULL)
    nnb_lp_error (context, error, _("NN Blocks does not know the element <%s>."), element);
  else if (nnb_lp_only_attributes (context, element, names, row->attributes, error))
    row->start (context, state, element, names, values, error);
}

static void
end_element (GMarkupParseContext *context, const char *element, gpointer user_data, GError **error)
{
  ParseState *state = user_data;
  NnbLessonStep *step = state->step;
  NnbLessonBlock *block;

  switch (state->target)
    {
    case TEXT_LESSON_TITLE:
      g_free (state->lesson->title);
      state->lesson->title = translate (state->text->str);
      break;
    case TEXT_STEP_TITLE:
      g_free (step->title);
      step->title = translate (state->text->str);
      break;
    case TEXT_PARAGRAPH:
    case TEXT_CODE:
      block = g_new0 (NnbLessonBlock, 1);
      block->kind = state->target == TEXT_PARAGRAPH ? NNB_LESSON_BLOCK_TEXT : NNB_LESSON_BLOCK_CODE;
      block->text = state->target == TEXT_PARAGRAPH ? translate (state->text->str) : trim_code (state->text->str);
      g_ptr_array_add (step->blocks, block);
      break;
    case TEXT_LOAD:
      {
        g_autofree char *json = g_strstrip (g_strdup (state->text->str));

        g_clear_pointer (&step->load_json, g_free);
        if (*json != '\0')
          step->load_json = g_steal_pointer (&json);
        if ((step->load_example != NULL) + (step->load_file != NULL) + (step->load_json != NULL) != 1)
          {
            nnb_lp_error (context, error, _("<load> takes one of: example=\"…\", file=\"…\" or a project written inside it."));
            return;
          }
      }
      break;
    case TEXT_NONE:
      if (g_str_equal (element, "step"))
        {
          if (step->title == NULL)
            {
              nnb_lp_error (context, error, _("The step “%s” has no <title>."), step->id);
              return;
            }
          state->step = NULL;
        }
      break;
    }
  state->target = TEXT_NONE;
}

static void
text (GMarkupParseContext *context, const char *text, gsize len, gpointer user_data, GError **error)
{
  ParseState *state = user_data;

  if (state->target != TEXT_NONE)
    g_string_append_len (state->text, text, len);
}

/* A lesson is UTF-8 text. GMarkup's own checks cannot be relied on for it:
 * GLib 2.74 refuses a CDATA section that is not UTF-8 by setting the error
 * and still returning TRUE, and the next error is then set over the first
 * (tests/fuzz/regressions/lesson/invalid-utf8-in-cdata*.lesson). So the
 * bytes are checked before GMarkup sees them, and the place is named. */
static gboolean
check_utf8 (const char *xml, gsize length, GError **error)
{
  const char *end = NULL;
  int line = 1, column = 1;

  if (g_utf8_validate_len (xml, length, &end))
    return TRUE;
  for (const char *p = xml; p < end; p = g_utf8_next_char (p))
    {
      if (*p == '\n')
        {
          line++;
          column = 1;
        }
      else
        column++;
    }
  g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_PARSE,
               _("Line %d, character %d: a lesson is UTF-8 text, but the file has the byte 0x%02x there. "
                  "Save it as UTF-8."),
               line, column, (guint) (guchar) *end);
  return FALSE;
}

NnbLesson *
nnb_lesson_new_from_data (const char *id, const char *xml, gssize length,
                          const char *base_dir, GError **error)
{
  static const GMarkupParser parser = { start_element, end_element, text, NULL, NULL };
  g_autoptr (NnbLesson) lesson = nnb_lesson_new (id);
  g_autoptr (GMarkupParseContext) context = NULL;
  g_autoptr (GString) buffer = g_string_new (NULL);
  g_autoptr (GError) local = NULL;
  ParseState state = { lesson, NULL, TEXT_NONE, buffer, FALSE };

  g_return_val_if_fail (id != NULL && xml != NULL, NULL);

  if (length < 0)
    length = (gssize) strlen (xml);
  if (!check_utf8 (xml, (gsize) length, error))
    return NULL;
  lesson->base_dir = g_strdup (base_dir);
  context = g_markup_parse_context_new (&parser, G_MARKUP_TREAT_CDATA_AS_TEXT, &state, NULL);
  /* the error, not only the return value: GMarkup may set one and go on */
  if (!g_markup_parse_context_parse (context, xml, length, &local) || local != NULL ||
      !g_markup_parse_context_end_parse (context, &local) || local != NULL)
    {
      if (local == NULL)
        g_set_error (&local, NNB_FILE_ERROR, NNB_FILE_ERROR_PARSE, _("The lesson cannot be read."));
      /* GMarkup quotes invalid UTF-8 as it found it, and GTK will not show
       * such a message (tests/fuzz/regressions/lesson/) */
      if (!g_utf8_validate (local->message, -1, NULL))
        {
          char *valid = g_utf8_make_valid (local->message, -1);

          g_free (local->message);
          local->message = valid;
        }
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  if (lesson->title == NULL)
    {
      g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_INVALID, _("The lesson has no <title>."));
      return NULL;
    }
  if (lesson->steps->len == 0)
    {
      g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_INVALID, _("The lesson has no <step>."));
      return NULL;
    }
  return g_steal_pointer (&lesson);
}
