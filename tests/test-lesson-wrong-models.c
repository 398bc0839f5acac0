/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-lesson-wrong-models.c — every Day 2 step's checks, run on models
 * that are wrong for that step (the wrong sizes or activation, no skip
 * connection, another class, other data, another learning rate), must fail
 * with a sentence that names what is wrong; a few right variants must pass.
 * Each row starts from an example project, edits its text, optionally
 * trains it, and runs all the checks of one step on it, as Check does. */
#include <glib.h>
#include <string.h>

#include "nnb-lesson-action.h"
#include "nnb-test-util.h"

/* SineNet's loss after Show me in the exercise (epoch 1543): what the
 * straight-line step compares with. */
#define SINENET_LOSS 0.01999

typedef struct
{
  const char *name;    /* the test's path */
  const char *step;    /* the step whose checks run */
  const char *example; /* data/examples/NAME.nnb, the model edited */
  const char *json;    /* or a whole project instead */
  const char *edits[6][2];
  int epochs; /* > 0: trained for so many epochs, at lr, stopping below until_loss */
  double lr;
  double until_loss;
  /* fragments of the failing sentences, each in one of them; none: every check passes */
  const char *expected[3];
} WrongModel;

/* nn.Sequential(Linear(1, 8), Tanh(), Linear(8, 8), Tanh(), Linear(8, 1))
 * with the exercise's init and data: the exercise without the subclass. */
static const char sequential_width_8[] =
  "{\"format\": \"nnblocks\", \"version\": 1,"
  " \"model\": {\"class\": \"Sequential\", \"modules\": ["
  "  {\"type\": \"Linear\", \"in_features\": 1, \"out_features\": 8, \"bias\": true}, {\"type\": \"Tanh\"},"
  "  {\"type\": \"Linear\", \"in_features\": 8, \"out_features\": 8, \"bias\": true}, {\"type\": \"Tanh\"},"
  "  {\"type\": \"Linear\", \"in_features\": 8, \"out_features\": 1, \"bias\": true}]},"
  " \"seed\": 0, \"init\": {\"weight\": \"xavier_uniform_\", \"bias\": \"zeros_\", \"seed\": null},"
  " \"data\": {\"kind\": \"sine\", \"n\": 200, \"noise\": 0.1, \"x_max\": 6.283185307179586}}";

#define NO_SKIP                                                                                          \
  { "{\"name\": \"add\", \"op\": \"add\", \"inputs\": [\"act_2\", \"act\"], \"pos\": [800, 80]},", "" }, \
  {                                                                                                      \
    "\"inputs\": [\"add\"]", "\"inputs\": [\"act_2\"]"                                                   \
  }
#define FLAT_LINE                                                                                                    \
  {                                                                                                                  \
    "\"data\": {\"kind\": \"sine\", \"n\": 200, \"noise\": 0.1, \"x_max\": 6.283185307179586}",                      \
      "\"data\": {\"kind\": \"line\", \"n\": 200, \"a\": 0, \"b\": 0, \"noise\": 0.1, \"x_max\": 6.283185307179586}" \
  }

static const WrongModel wrong_models[] = {
  /* Sequential step: the right stack's names, the wrong sizes and activation */
  { "sequential/width-2-with-sigmoid", "sequential", "sequential", NULL, { { "\"in_features\": 3, \"out_features\": 16", "\"in_features\": 3, \"out_features\": 2" }, { "\"in_features\": 16, \"out_features\": 16", "\"in_features\": 2, \"out_features\": 2" }, { "\"in_features\": 16, \"out_features\": 1", "\"in_features\": 2, \"out_features\": 1" }, { "\"ReLU\"", "\"Sigmoid\"" } }, 0, 0, 0, { "0.weight has the shape (2, 3), not (16, 3).", "Sequential uses Sigmoid where this step asks for ReLU" } },
  { "sequential/tanh", "sequential", "sequential", NULL, { { "\"ReLU\"", "\"Tanh\"" } }, 0, 0, 0, { "Sequential uses Tanh where this step asks for ReLU: replace every Tanh with ReLU." } },
  { "sequential/hidden-8", "sequential", "sequential", NULL, { { "\"in_features\": 3, \"out_features\": 16", "\"in_features\": 3, \"out_features\": 8" }, { "\"in_features\": 16, \"out_features\": 16", "\"in_features\": 8, \"out_features\": 16" } }, 0, 0, 0, { "0.weight has the shape (8, 3), not (16, 3).", "2.weight has the shape (16, 8), not (16, 16)." } },

  /* Subclass step: the skip connection and ReLU are what it is about */
  { "subclass/no-skip-with-tanh", "subclass", "mlp-residual", NULL, { NO_SKIP, { "\"ReLU\"", "\"Tanh\"" } }, 0, 0, 0, { "MLP has no skip connection: a + block must add the first Tanh’s output to the output of the branch computed from it.", "MLP uses Tanh where this step asks for ReLU" } },
  { "subclass/no-skip", "subclass", "mlp-residual", NULL, { NO_SKIP }, 0, 0, 0, { "MLP has no skip connection: a + block must add the first ReLU’s output" } },
  { "subclass/skip-from-fc1", "subclass", "mlp-residual", NULL, { { "\"inputs\": [\"act_2\", \"act\"]", "\"inputs\": [\"act_2\", \"fc1\"]" } }, 0, 0, 0, { "The + block of MLP adds act_2 and fc1; a skip connection adds the first ReLU’s output (act)" } },
  { "subclass/skip-around-fc2-only", "subclass", "mlp-residual", NULL, { { "\"inputs\": [\"act_2\", \"act\"]", "\"inputs\": [\"fc2\", \"act\"]" }, { "\"inputs\": [\"add\"]", "\"inputs\": [\"act_2\"]" }, { "\"inputs\": [\"fc2\"]", "\"inputs\": [\"add\"]" } }, 0, 0, 0, { NULL } }, /* h = act(fc2(h) + h): still a skip from the first ReLU, a right variant */
  { "subclass/add-swapped", "subclass", "mlp-residual", NULL, { { "\"inputs\": [\"act_2\", \"act\"]", "\"inputs\": [\"act\", \"act_2\"]" } }, 0, 0, 0, { NULL } },

  /* The regression: Day 1's data, not any data a line fits */
  { "regression/on-the-sine", "regression", "sine-linear", NULL, { { "\"epochs\": 5000", "\"epochs\": 200" } }, 200, 0.01, 0, { "Linear was trained on the sine, y = sin x; this step trains it on a straight line, y = a·x + b." } },
  { "regression/without-noise", "regression", "regression", NULL, { { "\"noise\": 0.5", "\"noise\": 0" } }, 200, 0.01, 0, { "Linear was trained on data with noise 0; this step’s data has noise 0.5." } },

  /* lr-too-large: SineNet's divergence, not any model's */
  { "lr-too-large/regression-at-lr-1", "lr-too-large", "regression", NULL, { { NULL } }, 100, 1, 0, { "The model is a plain nn.Linear, not a subclass: this step asks for class SineNet(nn.Module).", "Linear was trained on a straight line, y = a·x + b; this step trains it on the sine, y = sin x." } },

  /* The exercise */
  { "exercise/trained-on-a-flat-line", "exercise", "sinenet", NULL, { FLAT_LINE }, 5000, 0.05, 0.02, { "SineNet was trained on a straight line, y = a·x + b; this step trains it on the sine, y = sin x." } },
  { "exercise/plain-sequential-width-8", "exercise", NULL, sequential_width_8, { { NULL } }, 5000, 0.05, 0.02, { "The model is a plain nn.Sequential, not a subclass: this step asks for class SineNet(nn.Module)." } },
  { "exercise/without-noise", "exercise", "sinenet", NULL, { { "\"noise\": 0.1", "\"noise\": 0" } }, 5000, 0.05, 0.02, { "SineNet was trained on data with noise 0; this step’s data has noise 0.1." } },
  { "exercise/100-points", "exercise", "sinenet", NULL, { { "\"n\": 200", "\"n\": 100" } }, 5000, 0.05, 0.02, { "SineNet was trained on 100 points; this step’s data has 200." } },
  { "exercise/relu-untrained", "exercise", "sinenet", NULL, { { "\"Tanh\"", "\"ReLU\"" } }, 0, 0, 0, { "SineNet uses ReLU where this step asks for Tanh", "SineNet has not been trained yet" } },

  /* The straight line against SineNet */
  { "straight-line/second-sinenet-at-lr-0.01", "straight-line", "sinenet", NULL, { { NULL } }, 5000, 0.01, 0, { "The model is SineNet; this step trains a plain nn.Linear. Press Show me to load it." } },
  { "straight-line/line-on-the-regression-data", "straight-line", "regression", NULL, { { NULL } }, 200, 0.01, 0, { "Linear was trained on a straight line, y = a·x + b; this step trains it on the sine, y = sin x." } },
};

static NnbLesson *
day02 (void)
{
  g_autoptr (GError) error = NULL;
  NnbLesson *lesson = nnb_lesson_find ("day02", &error);

  g_assert_no_error (error);
  return lesson;
}

static void
test_wrong_model (gconstpointer data)
{
  const WrongModel *row = data;
  g_autoptr (NnbLesson) lesson = day02 ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) json = NULL;
  g_autoptr (NnbProject) project = NULL;
  g_autoptr (NnbDataset) dataset = NULL;
  g_autoptr (GPtrArray) results = NULL;
  g_autoptr (GString) said = g_string_new (NULL);
  int index = nnb_lesson_find_step (lesson, row->step);
  NnbLessonStep *step;
  NnbLessonRun run;
  double kept = SINENET_LOSS;
  gboolean all;

  g_assert_cmpint (index, >=, 0);
  step = lesson->steps->pdata[index];
  g_assert_cmpuint (step->checks->len, >, 0);
  if (row->example != NULL)
    {
      g_autoptr (GBytes) bytes = nnb_lesson_lookup_example (row->example, &error);

      g_assert_no_error (error);
      json = g_string_new_len (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
    }
  else
    json = g_string_new (row->json);
  for (guint i = 0; i < G_N_ELEMENTS (row->edits) && row->edits[i][0] != NULL; i++)
    if (g_string_replace (json, row->edits[i][0], row->edits[i][1], 0) == 0)
      g_error ("%s: “%s” is not in the project", row->name, row->edits[i][0]);
  project = nnb_project_load_from_data (json->str, json->len, &error);
  g_assert_no_error (error);
  dataset = nnb_project_build (project, FALSE, &error);
  g_assert_no_error (error);

  nnb_lesson_run_init (&run);
  run.project = project;
  g_hash_table_insert (run.kept, g_strdup ("SineNet"), g_memdup2 (&kept, sizeof kept));
  if (row->epochs > 0)
    {
      g_autofree char *log = NULL;

      project->training.optimizer.lr = row->lr;
      project->training.epochs = row->epochs;
      project->training.until_loss = row->until_loss;
      log = nnb_lesson_train (project, dataset, &run, &error);
      g_assert_no_error (error);
    }

  all = nnb_lesson_step_check (step, &run, &results);
  for (guint i = 0; i < results->len; i++)
    {
      NnbLessonCheckResult *result = results->pdata[i];
      g_string_append_printf (said, "\n  %s %s", result->passed ? "✓" : "✗", result->message);
    }
  g_test_message ("%s:%s", row->name, said->str);
  if (row->expected[0] == NULL && !all)
    g_error ("%s is right for step %s, but Check said:%s", row->name, row->step, said->str);
  for (guint e = 0; e < G_N_ELEMENTS (row->expected) && row->expected[e] != NULL; e++)
    {
      gboolean found = FALSE;

      for (guint i = 0; i < results->len && !found; i++)
        {
          NnbLessonCheckResult *result = results->pdata[i];
          found = !result->passed && strstr (result->message, row->expected[e]) != NULL;
        }
      if (!found)
        g_error ("%s must fail step %s with “%s”, but Check said:%s", row->name, row->step, row->expected[e],
                 said->str);
    }
  run.project = NULL;
  nnb_lesson_run_clear (&run);
}

/* Without a CUDA GPU the devices step cannot make its mistake: Check says
 * why nothing is checked, and passes. (With one, the acceptance walk in
 * test-lesson.c makes the mistake and checks the message and the fix.) */
static void
test_devices_without_cuda_say_why_nothing_is_checked (void)
{
  g_autoptr (NnbLesson) lesson = day02 ();
  NnbLessonStep *step = lesson->steps->pdata[nnb_lesson_find_step (lesson, "devices")];
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbProject) project = nnb_lesson_step_load_project (lesson, step, &error);
  g_autoptr (NnbDataset) dataset = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *shown = NULL;
  g_autoptr (GPtrArray) results = NULL;
  NnbDevice gpu;
  NnbLessonRun run;

  if (nnb_lesson_find_cuda (&gpu, &reason))
    {
      g_test_skip ("this computer has a CUDA GPU: the devices step checks the real mistake");
      return;
    }
  g_assert_no_error (error);
  dataset = nnb_project_build (project, FALSE, &error);
  g_assert_no_error (error);
  nnb_lesson_run_init (&run);
  run.project = project;
  shown = nnb_lesson_make_mistake (step, project, &run);
  g_assert_nonnull (strstr (shown, "This computer has no CUDA GPU"));
  g_assert_true (nnb_lesson_step_check (step, &run, &results));
  g_assert_cmpuint (results->len, ==, 1);
  g_assert_true (g_str_has_prefix (((NnbLessonCheckResult *) results->pdata[0])->message,
                                   "Nothing is checked on this computer: it has no CUDA GPU ("));
  g_assert_nonnull (strstr (((NnbLessonCheckResult *) results->pdata[0])->message, reason));
  run.project = NULL;
  nnb_lesson_run_clear (&run);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  /* the numbers of the page: one thread, as the CLI trains */
  nnb_backend_cpu_set_threads (1);
  for (guint i = 0; i < G_N_ELEMENTS (wrong_models); i++)
    {
      g_autofree char *path = g_strdup_printf ("/lesson-wrong-models/%s", wrong_models[i].name);
      g_test_add_data_func (path, &wrong_models[i], test_wrong_model);
    }
  g_test_add_func ("/lesson-wrong-models/devices-without-cuda-say-why-nothing-is-checked",
                   test_devices_without_cuda_say_why_nothing_is_checked);
  return g_test_run ();
}
