/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-lesson-wrong-models.c — every step's checks of Day 2 and of
 * "Classifying with nn.Module" and of "Train mode, eval mode and buffers",
 * run on models that are wrong for that step
 * (the wrong sizes or activation, no skip connection, another class,
 * other data, another learning rate, another loss, a Softmax, the other
 * mode, no BatchNorm1d or no buffers), must fail
 * with a sentence that names what is wrong; a few right variants must pass.
 * Each row starts from an example project, edits its text, optionally
 * trains it, and runs all the checks of one step on it, as Check does. */
#include <glib.h>
#include <string.h>

#include "nnb-lesson-action.h"
#include "nnb-test-lesson.h"
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
  /* the classification lesson's rows: */
  const char *lesson;     /* the lesson whose step it is; NULL: day02 */
  const char *file;       /* or the model edited is this file of the source tree (data/lessons/…) */
  gboolean mistake;       /* the step's mistake made on the model first, as Show me makes it */
  const char *kept_label; /* a kept run to compare with (besides SineNet's), and its loss */
  double kept_loss;
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
  { "exercise/xavier-normal-untrained", "exercise", "sinenet", NULL, { { "\"weight\": \"xavier_uniform_\"", "\"weight\": \"xavier_normal_\"" } }, 0, 0, 0, { "The Linear weights are initialised with xavier_normal_; this step asks for xavier_uniform_.", "SineNet has not been trained yet" } },

  /* The straight line against SineNet */
  { "straight-line/second-sinenet-at-lr-0.01", "straight-line", "sinenet", NULL, { { NULL } }, 5000, 0.01, 0, { "The model is SineNet; this step trains a plain nn.Linear. Press Show me to load it." } },
  { "straight-line/line-on-the-regression-data", "straight-line", "regression", NULL, { { NULL } }, 200, 0.01, 0, { "Linear was trained on a straight line, y = a·x + b; this step trains it on the sine, y = sin x." } },

/* classify: logits and CrossEntropyLoss, not probabilities or one output */
#define CLASSIFY .lesson = "classify"
#define XOR_TANH_8 .file = "data/lessons/xor-tanh-8.nnb"
#define XOR_LINEAR .file = "data/lessons/xor-linear.nnb"
#define XOR_SOFTMAX .file = "data/lessons/xor-softmax.nnb"
#define XOR_ONE_OUTPUT .file = "data/lessons/xor-one-output.nnb"
#define SPIRAL_32_32 .file = "data/lessons/spiral-relu-32-32.nnb"
#define SPIRAL_TANH .file = "data/lessons/spiral-tanh-32-32.nnb"
  { "logits/softmax-at-the-end", "logits", CLASSIFY, XOR_SOFTMAX, .expected = { "Sequential ends in Softmax, so its outputs are no longer logits: CrossEntropyLoss applies log_softmax itself. Remove the Softmax and end in the Linear." } },
  { "logits/one-output", "logits", CLASSIFY, XOR_ONE_OUTPUT, .expected = { "A batch of shape (4, 2) comes out as (4, 1), not (4, 2).", "Sequential trains with nn.BCEWithLogitsLoss(); this step asks for nn.CrossEntropyLoss()." } },
  { "logits/mse-loss", "logits", CLASSIFY, XOR_TANH_8, .edits = { { "\"CrossEntropyLoss\"", "\"MSELoss\"" } }, .expected = { "Sequential trains with nn.MSELoss(); this step asks for nn.CrossEntropyLoss()." } },

  /* the wrong targets: made on this step's model, and made at all */
  { "targets/one-output-model", "targets", CLASSIFY, XOR_ONE_OUTPUT, .mistake = TRUE, .expected = { "The message was “Target size (torch.Size([300])) must be the same as input size (torch.Size([300, 1]))”, not the expected “0D or 1D target tensor expected, multi-target not supported”.", "not the expected “Target 2 is out of bounds.”", "Sequential trains with nn.BCEWithLogitsLoss(); this step asks for nn.CrossEntropyLoss()." } },
  { "targets/not-made", "targets", CLASSIFY, XOR_TANH_8, .expected = { "The mistake has not been made yet: press Show me to make it." } },
  { "targets/three-classes", "targets", CLASSIFY, XOR_TANH_8, .edits = { { "\"out_features\": 2", "\"out_features\": 3" } }, .mistake = TRUE, .expected = { "The message was “0D or 1D target tensor expected, multi-target not supported”, not the expected “Target 2 is out of bounds.”" } }, /* classes 1 and 2 fit three outputs */
  { "one-output/two-outputs", "one-output", CLASSIFY, XOR_TANH_8, .edits = { { "\"CrossEntropyLoss\"", "\"BCEWithLogitsLoss\"" }, { "\"noise\": 0.05", "\"noise\": 0.05, \"float_targets\": true" } }, .mistake = TRUE, .expected = { "The messages were “Target size (torch.Size([300])) must be the same as input size (torch.Size([300, 2]))”, “Target size (torch.Size([300, 1])) must be the same as input size (torch.Size([300, 2]))”, none of them the expected", "A batch of shape (4, 2) comes out as (4, 2), not (4, 1)." } },
  { "one-output/cross-entropy", "one-output", CLASSIFY, XOR_ONE_OUTPUT, .edits = { { "\"BCEWithLogitsLoss\"", "\"CrossEntropyLoss\"" }, { ", \"float_targets\": true", "" } }, .mistake = TRUE, .expected = { "Sequential trains with nn.CrossEntropyLoss(); this step asks for nn.BCEWithLogitsLoss()." } },

  /* xor: a straight line stalls, one hidden layer solves it */
  { "xor-linear/hidden-layer", "xor-linear", CLASSIFY, XOR_TANH_8, .epochs = 100, .lr = 1.0, .expected = { "The model is nn.Sequential; this step trains a plain nn.Linear.", "Sequential is right on 97.67 % of the training points, not below 65 %: this step is about a model that cannot separate the classes." } },
  { "xor-linear/untrained", "xor-linear", CLASSIFY, XOR_LINEAR, .expected = { "Linear has not been trained yet" } },
  { "xor-hidden/linear", "xor-hidden", CLASSIFY, XOR_LINEAR, .epochs = 100, .lr = 1.0, .expected = { "Linear has 0 hidden layers (a Linear followed by an activation); this step asks for at least 1.", "Linear is right on 55.67 % of the training points, not above 95 %." } },
  { "xor-hidden/40-epochs", "xor-hidden", CLASSIFY, XOR_TANH_8, .epochs = 40, .lr = 1.0, .expected = { "Sequential is right on 89.00 % of the training points, not above 95 %. Train for more epochs, or give the model more room" } },
  { "xor-hidden/nll-loss", "xor-hidden", CLASSIFY, XOR_TANH_8, .edits = { { "\"CrossEntropyLoss\"", "\"NLLLoss\"" } }, .epochs = 100, .lr = 1.0, .expected = { "Sequential trains with nn.NLLLoss(); this step asks for nn.CrossEntropyLoss()." } },
  { "xor-hidden/spiral-data", "xor-hidden", CLASSIFY, XOR_TANH_8, .edits = { { "\"kind\": \"xor\", \"n\": 300, \"noise\": 0.05", "\"kind\": \"spiral\", \"n\": 300, \"noise\": 0.05" } }, .epochs = 100, .lr = 1.0, .expected = { "Sequential was trained on two interleaved spirals; this step trains it on two classes in opposite quadrants (xor)." } },
  { "confidence/untrained", "confidence", CLASSIFY, XOR_TANH_8, .expected = { "Sequential has not been trained yet" } },
  { "confidence/regression", "confidence", CLASSIFY, .example = "regression", .epochs = 200, .lr = 0.01, .expected = { "Linear was trained without an accuracy: that needs class data and a classification loss, such as nn.CrossEntropyLoss().", "Linear was trained on a straight line, y = a·x + b; this step trains it on two classes in opposite quadrants (xor)." } },

  /* Softmax first: the Softmax is there, and it loses */
  { "softmax-first/without-softmax", "softmax-first", CLASSIFY, XOR_TANH_8, .epochs = 100, .lr = 1.0, .kept_label = "2→8→2", .kept_loss = 0.1638, .expected = { "Sequential ends in Linear; this step asks for a model whose last layer is Softmax.", "this comparison expects 2→8→2 to win" } },
  { "softmax-first/not-kept", "softmax-first", CLASSIFY, XOR_SOFTMAX, .epochs = 100, .lr = 1.0, .expected = { "There is no run of 2→8→2 to compare with: do the step that trains it first." } },

  /* the spiral: width, depth, ReLU, then Tanh */
  { "spiral/tanh", "spiral", CLASSIFY, SPIRAL_TANH, .epochs = 300, .lr = 0.01, .expected = { "Sequential uses Tanh where this step asks for ReLU" } },
  { "spiral/one-hidden-layer", "spiral", CLASSIFY, SPIRAL_32_32, .edits = { { "{\"type\": \"Linear\", \"in_features\": 32, \"out_features\": 32}, {\"type\": \"ReLU\"},", "" } }, .epochs = 300, .lr = 0.01, .expected = { "Sequential has 1 hidden layer (a Linear followed by an activation); this step asks for at least 2.", "Sequential is right on 92.00 % of the training points, not above 95 %." } },
  { "spiral/xor-data", "spiral", CLASSIFY, XOR_TANH_8, .epochs = 100, .lr = 1.0, .expected = { "Sequential was trained on two classes in opposite quadrants (xor); this step trains it on two interleaved spirals." } },
  { "spiral-small/32-32-again", "spiral-small", CLASSIFY, SPIRAL_32_32, .epochs = 300, .lr = 0.01, .kept_label = "2→32→32→2", .kept_loss = 0.0558, .expected = { "Sequential has 1218 parameters; this step expects 42.", "this comparison expects 2→32→32→2 to win" } },
  { "tanh/relu", "tanh", CLASSIFY, SPIRAL_32_32, .epochs = 300, .lr = 0.01, .expected = { "Sequential uses ReLU where this step asks for Tanh" } },
  { "tanh/100-epochs", "tanh", CLASSIFY, SPIRAL_TANH, .epochs = 100, .lr = 0.01, .expected = { "Sequential is right on 65.00 % of the training points, not above 95 %." } },
  { "tanh/200-points", "tanh", CLASSIFY, SPIRAL_TANH, .edits = { { "\"n\": 300", "\"n\": 200" } }, .epochs = 300, .lr = 0.01, .expected = { "Sequential was trained on 200 points; this step’s data has 300." } },
  /* right variants: a wider Tanh network, the lesson's own xor run */
  { "tanh/wider-passes", "tanh", CLASSIFY, SPIRAL_TANH, .edits = { { "\"out_features\": 32}, {\"type\": \"Tanh\"},\n   {\"type\": \"Linear\", \"in_features\": 32", "\"out_features\": 48}, {\"type\": \"Tanh\"},\n   {\"type\": \"Linear\", \"in_features\": 48" } }, .epochs = 300, .lr = 0.01, .expected = { NULL } },
  { "xor-hidden/as-shown", "xor-hidden", CLASSIFY, XOR_TANH_8, .epochs = 100, .lr = 1.0, .expected = { NULL } },

/* modes: the model in the mode the step leaves it in, with the layer and buffers it is about */
#define MODES .lesson = "modes"
#define MODES_DROPOUT .file = "data/lessons/modes-dropout.nnb"
#define MODES_BATCHNORM .file = "data/lessons/modes-batchnorm.nnb"
  { "dropout-modes/batchnorm-in-train-mode", "dropout-modes", MODES, MODES_BATCHNORM, .expected = { "Sequential has no Dropout: this step is about one.", "Sequential is still in train mode (model.training is True): call model.eval() before measuring" } },
  { "flags/dropout-in-eval-mode", "flags", MODES, MODES_DROPOUT, .epochs = 100, .lr = 1.0, .expected = { "Sequential has no BatchNorm1d", "Sequential is in eval mode (model.training is False); this step wants it in train mode: call model.train()" } },
  { "buffers/dropout-model", "buffers", MODES, MODES_DROPOUT, .expected = { "Sequential’s state_dict has 4 entries (4 parameters and 0 buffers); this step expects 9.", "Sequential has no BatchNorm1d" } },
  { "buffers/without-running-stats", "buffers", MODES, MODES_BATCHNORM, .edits = { { "\"track_running_stats\": true", "\"track_running_stats\": false" } }, .expected = { "Sequential’s state_dict has 6 entries (6 parameters and 0 buffers); this step expects 9." } },
  { "batchnorm-train/untrained", "batchnorm-train", MODES, MODES_BATCHNORM, .expected = { "Sequential has not been trained yet", "Sequential is still in train mode" } },
  { "batchnorm-train/dropout-model", "batchnorm-train", MODES, MODES_DROPOUT, .epochs = 100, .lr = 1.0, .expected = { "Sequential has no BatchNorm1d" } },
  { "eval-forgotten/untrained", "eval-forgotten", MODES, MODES_BATCHNORM, .expected = { "Sequential is still in train mode", "Sequential has not been trained yet" } },
  { "save-load/dropout-model", "save-load", MODES, MODES_DROPOUT, .mistake = TRUE, .expected = { "The mistake has not been made yet: press Show me to make it.", "Sequential has no BatchNorm1d" } },
  { "save-load/not-made", "save-load", MODES, MODES_BATCHNORM, .expected = { "The mistake has not been made yet: press Show me to make it." } },
  /* right variants: the lesson's own models */
  { "save-load/as-shown", "save-load", MODES, MODES_BATCHNORM, .mistake = TRUE, .expected = { NULL } },
  { "eval-forgotten/as-shown", "eval-forgotten", MODES, MODES_BATCHNORM, .epochs = 100, .lr = 0.01, .expected = { NULL } },
};

static NnbLesson *
day02 (void)
{
  return nnb_test_lesson ("day02");
}

static void
test_wrong_model (gconstpointer data)
{
  const WrongModel *row = data;
  g_autoptr (NnbLesson) lesson = nnb_test_lesson (row->lesson != NULL ? row->lesson : "day02");
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
  else if (row->file != NULL)
    {
      g_autofree char *path = nnb_test_source_path (row->file);
      g_autofree char *text = NULL;

      g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
      json = g_string_new (text);
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
  if (row->kept_label != NULL)
    g_hash_table_insert (run.kept, g_strdup (row->kept_label), g_memdup2 (&row->kept_loss, sizeof row->kept_loss));
  if (row->mistake)
    g_free (nnb_lesson_make_mistake (step, project, dataset, &run));
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
  shown = nnb_lesson_make_mistake (step, project, dataset, &run);
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
