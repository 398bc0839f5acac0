/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-lesson-classify.c — the lesson "Classifying with nn.Module"
 * (data/lessons/classify.lesson) against real PyTorch 1.13
 * (tests/data/classify-lesson.json, from
 * tests/reference/make_classify_lesson_golden.py):
 *
 * - every run the lesson trains, and the two its text quotes besides,
 *   gives PyTorch's loss at every epoch, bit for bit, and its accuracy;
 * - Show me prints what PyTorch prints: the probabilities of the first
 *   four points before and after training, the wrong targets' messages,
 *   the training logs; and print(t) is PyTorch's for a table of tensors;
 * - every number and message the text quotes is in those printouts or in
 *   the golden file, in the sentence that quotes it;
 * - every step has a Show me and a Check, and passes after Show me, here
 *   and in `nnblocks-cli lesson classify`. */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "nnb-backend.h"
#include "nnb-test-lesson.h"
#include "nnb-test-util.h"
#include "nnb-torch-str.h"
#include "nnb-training.h"

#define GOLDEN "data/classify-lesson.json"

static const char *const step_ids[] = { "logits", "targets", "one-output", "xor-linear", "xor-hidden",
                                        "confidence", "softmax-first", "spiral", "spiral-small", "tanh" };

static JsonObject *
golden_item (const char *member, const char *name)
{
  JsonArray *items = json_object_get_array_member (nnb_test_golden (GOLDEN), member);

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);

      if (g_str_equal (json_object_get_string_member (item, "name"), name))
        return item;
    }
  g_error ("%s has no %s named %s", GOLDEN, member, name);
}

static const char *
golden_text (const char *member, const char *name)
{
  return json_object_get_string_member (golden_item (member, name), json_object_has_member (golden_item (member, name), "log") ? "log" : "text");
}

/* The lesson's text as the student reads it, paragraphs only. */
static char *
lesson_text (NnbLesson *lesson)
{
  GString *text = g_string_new (NULL);

  for (guint s = 0; s < lesson->steps->len; s++)
    {
      NnbLessonStep *step = lesson->steps->pdata[s];

      for (guint b = 0; b < step->blocks->len; b++)
        if (((NnbLessonBlock *) step->blocks->pdata[b])->kind == NNB_LESSON_BLOCK_TEXT)
          g_string_append_printf (text, "%s\n", ((NnbLessonBlock *) step->blocks->pdata[b])->text);
    }
  return g_string_free (text, FALSE);
}

static void
test_is_built_in_with_show_me_and_check_on_every_step (void)
{
  g_autoptr (NnbLesson) lesson = nnb_test_lesson ("classify");
  g_autoptr (GPtrArray) ids = nnb_lesson_list_ids ();

  g_assert_true (g_ptr_array_find_with_equal_func (ids, "classify", g_str_equal, NULL));
  g_assert_cmpstr (lesson->title, ==, "Classifying with nn.Module");
  g_assert_cmpuint (lesson->steps->len, ==, G_N_ELEMENTS (step_ids));
  for (guint i = 0; i < G_N_ELEMENTS (step_ids); i++)
    {
      NnbLessonStep *step = lesson->steps->pdata[i];

      g_assert_cmpstr (step->id, ==, step_ids[i]);
      if (!nnb_lesson_step_has_action (step) || step->checks->len == 0)
        g_error ("step %s has no Show me or no Check", step->id);
    }
}

/* The golden run's project: the lesson's file, or the project the script
 * made from it (the spiral with other hidden layers). */
static NnbProject *
load_run (JsonObject *run)
{
  g_autoptr (GError) error = NULL;
  NnbProject *project;

  if (!json_object_get_null_member (run, "file"))
    {
      g_autofree char *path = nnb_test_source_path (json_object_get_string_member (run, "file"));
      project = nnb_project_load (path, &error);
    }
  else
    {
      g_autoptr (JsonGenerator) generator = json_generator_new ();
      g_autoptr (JsonNode) node = json_node_new (JSON_NODE_OBJECT);
      g_autofree char *json = NULL;

      json_node_set_object (node, json_object_get_object_member (run, "project"));
      json_generator_set_root (generator, node);
      json = json_generator_to_data (generator, NULL);
      project = nnb_project_load_from_data (json, strlen (json), &error);
    }
  g_assert_no_error (error);
  return project;
}

/* Every epoch's loss, to the bit, and accuracy, exactly, through the loop
 * the lesson and the CLI share. */
static void
test_run_gives_pytorchs_losses_and_accuracies (gconstpointer data)
{
  JsonObject *run = (JsonObject *) data;
  JsonArray *losses = json_object_get_array_member (run, "losses");
  JsonArray *accuracies = json_object_get_array_member (run, "accuracies");
  g_autoptr (NnbProject) project = load_run (run);
  g_autoptr (NnbDataset) dataset = NULL;
  g_autoptr (NnbTraining) training = NULL;
  g_autoptr (GError) error = NULL;
  NnbGenerator shuffle;

  nnb_backend_cpu_set_threads (1);
  dataset = nnb_project_build_for_training (project, FALSE, &shuffle, &error);
  g_assert_no_error (error);
  training = nnb_training_new (project->model, dataset, &project->training, &shuffle, &error);
  g_assert_no_error (error);
  g_assert_cmpint (project->training.epochs, ==, json_array_get_length (losses));
  for (guint epoch = 0; epoch < json_array_get_length (losses); epoch++)
    {
      float torch = nnb_test_float_of_hex (json_array_get_string_element (losses, epoch));
      double want = json_array_get_double_element (accuracies, epoch);
      double loss;

      g_assert_true (nnb_training_epoch (training, &loss, &error));
      g_assert_no_error (error);
      if ((float) loss != torch)
        g_error ("%s: epoch %u's loss is %.9g, PyTorch's %.9g", json_object_get_string_member (run, "name"), epoch,
                 loss, torch);
      if (nnb_training_get_accuracy (training) != want)
        g_error ("%s: epoch %u's accuracy is %.9g, PyTorch's %.9g", json_object_get_string_member (run, "name"),
                 epoch, nnb_training_get_accuracy (training), want);
    }
}

/* print(t) as PyTorch prints it: fixed and scientific notation, whole
 * floats, LongTensors, rows wrapped at 80 characters, grad_fn. */
static void
test_torch_str_prints_as_pytorch (void)
{
  JsonArray *prints = json_object_get_array_member (nnb_test_golden (GOLDEN), "prints");

  g_assert_cmpuint (json_array_get_length (prints), >=, 10);
  for (guint i = 0; i < json_array_get_length (prints); i++)
    {
      JsonObject *p = json_array_get_object_element (prints, i);
      JsonArray *shape = json_object_get_array_member (p, "shape");
      JsonArray *values = json_object_get_array_member (p, "values");
      gboolean integer = json_object_get_boolean_member (p, "integer");
      g_autofree float *floats = g_new0 (float, json_array_get_length (values) + 1);
      int64_t dims[2] = { 0, 0 };
      g_autofree char *text = NULL;

      for (guint d = 0; d < json_array_get_length (shape); d++)
        dims[d] = json_array_get_int_element (shape, d);
      for (guint v = 0; v < json_array_get_length (values); v++)
        floats[v] = integer ? (float) json_array_get_int_element (values, v)
                            : nnb_test_float_of_hex (json_array_get_string_element (values, v));
      text = nnb_torch_str (floats, (int) json_array_get_length (shape), dims, integer,
                            json_object_get_null_member (p, "grad_fn") ? NULL : json_object_get_string_member (p, "grad_fn"));
      if (g_strcmp0 (text, json_object_get_string_member (p, "text")) != 0)
        g_error ("%s: printed\n%s\nwhere PyTorch prints\n%s", json_object_get_string_member (p, "name"), text,
                 json_object_get_string_member (p, "text"));
    }
}

/* What each step's Show me prints, against PyTorch's (NULL: checked
 * elsewhere): a whole printout, or (contains) a part of it. */
static const struct
{
  const char *step;
  const char *member, *name;
  gboolean contains;
} printouts[] = {
  { "logits", "shows", "untrained", TRUE }, /* after print(model) */
  { "targets", "mistakes", "cross-entropy", FALSE },
  { "one-output", "mistakes", "bce-with-logits", FALSE },
  { "xor-linear", "runs", "xor-linear", FALSE },
  { "xor-hidden", "runs", "xor-tanh-8", FALSE },
  { "confidence", "shows", "trained", FALSE },
  { "softmax-first", "runs", "xor-softmax", FALSE },
  { "spiral", "runs", "spiral-relu-32-32", FALSE },
  { "spiral-small", "runs", "spiral-relu-4-4", FALSE },
  { "tanh", "runs", "spiral-tanh-32-32", FALSE },
};

/* The acceptance walk without a screen: Show me prints PyTorch's output,
 * and every check of every step passes. */
static void
test_every_step_prints_pytorchs_output_and_passes (void)
{
  g_autoptr (NnbLesson) lesson = nnb_test_lesson ("classify");
  NnbTestShown shown = { NULL, NULL };
  NnbLessonRun run;
  guint checked = 0;

  nnb_backend_cpu_set_threads (1);
  nnb_lesson_run_init (&run);
  for (guint i = 0; i < lesson->steps->len; i++)
    {
      NnbLessonStep *step = lesson->steps->pdata[i];
      g_autofree char *printed = nnb_test_lesson_show_me (lesson, step, &shown, &run);
      g_autoptr (GPtrArray) results = NULL;
      const char *want = golden_text (printouts[i].member, printouts[i].name);

      g_assert_cmpstr (printouts[i].step, ==, step->id);
      if (printouts[i].contains ? strstr (printed, want) == NULL : !g_str_equal (printed, want))
        g_error ("step %s printed\n%s\nwhere PyTorch prints\n%s", step->id, printed, want);
      if (!nnb_lesson_step_check (step, &run, &results))
        for (guint c = 0; c < results->len; c++)
          if (!((NnbLessonCheckResult *) results->pdata[c])->passed)
            g_error ("step %s: %s", step->id, ((NnbLessonCheckResult *) results->pdata[c])->message);
      checked += results->len;
    }
  g_assert_cmpuint (checked, >=, 30);
  run.project = NULL;
  nnb_lesson_run_clear (&run);
  nnb_test_shown_clear (&shown);
}

/* A number or message the text quotes, in its sentence, and where it comes
 * from: a golden printout that holds it (member, name), or a run's last
 * epoch. */
typedef struct
{
  const char *sentence;
  const char *member, *name; /* the golden item whose printout holds… */
  const char *printed;       /* …this */
} Quote;

static const Quote quotes[] = {
  { "The first gets the logits 0.4565 and −0.5626, which softmax turns into 0.7348 and 0.2652.", "shows", "untrained",
    "tensor([[ 0.4565, -0.5626],\n" },
  { "which softmax turns into 0.7348 and 0.2652.", "shows", "untrained", "tensor([[0.7348, 0.2652],\n" },
  { "with probabilities from 0.6984 to 0.7683, and it is wrong on three of the four points.", "shows", "untrained",
    "tensor([0, 0, 0, 0])\nprint(y[:4])\ntensor([1, 0, 1, 1])" },
  { "with probabilities from 0.6984 to 0.7683,", "shows", "untrained", "        [0.6984, 0.3016],\n" },
  { "with probabilities from 0.6984 to 0.7683,", "shows", "untrained", "        [0.7683, 0.2317]])" },
  { "RuntimeError: 0D or 1D target tensor expected, multi-target not supported.", "mistakes", "cross-entropy",
    "RuntimeError: 0D or 1D target tensor expected, multi-target not supported\n" },
  { "IndexError: Target 2 is out of bounds.", "mistakes", "cross-entropy", "IndexError: Target 2 is out of bounds.\n" },
  { "With the right targets the untrained network's loss is 0.7683,", "mistakes", "cross-entropy",
    "tensor(0.7683, grad_fn=<NllLossBackward0>)" },
  { "ValueError: Target size (torch.Size([300])) must be the same as input size (torch.Size([300, 1])).", "mistakes",
    "bce-with-logits", "ValueError: Target size (torch.Size([300])) must be the same as input size (torch.Size([300, 1]))\n" },
  { "With the right target the untrained network's loss is 0.7103.", "mistakes", "bce-with-logits",
    "tensor(0.7103, grad_fn=<BinaryCrossEntropyWithLogitsBackward0>)" },
  { "The loss falls from 0.8752 to 0.6918 by epoch 40 and stays there,", "runs", "xor-linear",
    "epoch   0 loss 0.8752 accuracy 0.4867\nepoch  20 loss 0.6919 accuracy 0.5933\nepoch  40 loss 0.6918" },
  { "the accuracy ends at 0.5567,", "runs", "xor-linear", "epoch  99 loss 0.6918 accuracy 0.5567\n" },
  { "The loss goes from 0.7683 to 0.1638 and the accuracy from 0.5800 to 0.9767 at epoch 99.", "runs", "xor-tanh-8",
    "epoch  99 loss 0.1638 accuracy 0.9767\n" },
  { "the accuracy from 0.5800 to", "runs", "xor-tanh-8", "epoch   0 loss 0.7683 accuracy 0.5800\n" },
  { "The second point, (−0.8509, −0.6324), lies deep inside its quarter and gets 0.9918 for its class.", "shows",
    "trained", "        [0.9918, 0.0082],\n" },
  { "The second point, (−0.8509, −0.6324),", "shows", "trained", "        [-0.8509, -0.6324],\n" },
  { "The fourth, (−0.0572, 0.8292), lies next to the vertical axis, where two quarters meet, and gets only 0.5275",
    "shows", "trained", "        [0.4725, 0.5275]])" },
  { "The fourth, (−0.0572, 0.8292),", "shows", "trained", "        [-0.0572,  0.8292]])\n" },
  { "as in the first step; all four are now right.", "shows", "trained",
    "tensor([1, 0, 1, 1])\nprint(y[:4])\ntensor([1, 0, 1, 1])" },
  { "At epoch 60 it is right on 0.7500 of the points where the network without Softmax was right on 0.9667;",
    "runs", "xor-softmax", "epoch  60 loss 0.6330 accuracy 0.7500\n" },
  { "where the network without Softmax was right on 0.9667;", "runs", "xor-tanh-8", "epoch  60 loss 0.2775 accuracy 0.9667\n" },
  { "at epoch 99 it has reached 0.9367, with a loss of 0.5047 against 0.1638.", "runs", "xor-softmax",
    "epoch  99 loss 0.5047 accuracy 0.9367\n" },
  { "the loss goes from 0.6949 to 0.0558, the accuracy from 0.5000 to 0.9767.", "runs", "spiral-relu-32-32",
    "epoch   0 loss 0.6949 accuracy 0.5000\n" },
  { "the loss goes from 0.6949 to 0.0558, the accuracy from 0.5000 to 0.9767.", "runs", "spiral-relu-32-32",
    "epoch 299 loss 0.0558 accuracy 0.9767\n" },
  { "it ends at a loss of 0.4495 and an accuracy of 0.7667.", "runs", "spiral-relu-4-4", "epoch 299 loss 0.4495 accuracy 0.7667\n" },
  { "one hidden layer of 4 units reaches 0.6400,", "runs", "spiral-relu-4", "epoch 299 loss 0.5590 accuracy 0.6400\n" },
  { "two layers of 4 reach 0.7667,", "runs", "spiral-relu-4-4", "accuracy 0.7667\n" },
  { "one layer of 32 reaches 0.9200,", "runs", "spiral-relu-32", "epoch 299 loss 0.2107 accuracy 0.9200\n" },
  { "and two layers of 32 reach 0.9767.", "runs", "spiral-relu-32-32", "epoch 299 loss 0.0558 accuracy 0.9767\n" },
  { "still at a loss of 0.6563 at epoch 100,", "runs", "spiral-tanh-32-32", "epoch 100 loss 0.6563 accuracy 0.6433\n" },
  { "0.1235 and an accuracy of 0.9667 at epoch 299.", "runs", "spiral-tanh-32-32", "epoch 299 loss 0.1235 accuracy 0.9667\n" },
  { "with a loss of 0.1235 against ReLU's 0.0558,", "runs", "spiral-tanh-32-32", "epoch 299 loss 0.1235" },
  { "with a loss of 0.1235 against ReLU's 0.0558,", "runs", "spiral-relu-32-32", "epoch 299 loss 0.0558" },
};

/* Numbers the text quotes that no printout holds: PyTorch's own, from the
 * golden file's "quotes". */
static const struct
{
  const char *key;
  const char *sentence; /* with %s for the golden value */
} golden_quotes[] = {
  { "float-flat", "y.float() stops with RuntimeError: %s." },
  { "squeezed-output", "gives the message the other way round: %s." },
  { "softmax-floor", "the loss can never fall below %s." },
  { "softmax-ceiling", "the surest it can be is softmax of (1, 0), %s for one class," },
  { "softmax-ceiling", "and those never pass %s." },
  { "ln2", "a little above ln 2 = %s, which is the loss" },
  { "ln2", "just below ln 2 = %s;" },
};

static void
test_text_quotes_real_pytorch_numbers (void)
{
  g_autoptr (NnbLesson) lesson = nnb_test_lesson ("classify");
  g_autofree char *text = lesson_text (lesson);
  JsonObject *golden = json_object_get_object_member (nnb_test_golden (GOLDEN), "quotes");

  for (guint i = 0; i < G_N_ELEMENTS (quotes); i++)
    {
      if (strstr (text, quotes[i].sentence) == NULL)
        g_error ("the lesson does not say “%s”", quotes[i].sentence);
      if (strstr (golden_text (quotes[i].member, quotes[i].name), quotes[i].printed) == NULL)
        g_error ("the lesson says “%s”, but PyTorch's %s did not print “%s”", quotes[i].sentence, quotes[i].name,
                 quotes[i].printed);
    }
  for (guint i = 0; i < G_N_ELEMENTS (golden_quotes); i++)
    {
      g_autofree char *sentence = g_strdup_printf (golden_quotes[i].sentence,
                                                   json_object_get_string_member (golden, golden_quotes[i].key));

      if (strstr (text, sentence) == NULL)
        g_error ("the lesson does not say “%s”", sentence);
    }
}

static void
test_cli_runs_the_lesson_headless (void)
{
  const char *argv[] = { g_getenv ("NNB_CLI"), "lesson", "classify", NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_nonnull (argv[0]);
  g_assert_cmpint (nnb_test_run (argv, &out, &err), ==, 0);
  g_assert_nonnull (strstr (out, "10 of 10 steps passed their checks.\n"));
  g_assert_null (strstr (out, "✗"));
  for (guint i = 0; i < G_N_ELEMENTS (printouts); i++)
    {
      g_autofree char *want = nnb_test_lesson_indented (golden_text (printouts[i].member, printouts[i].name));

      if (strstr (out, want) == NULL)
        g_error ("nnblocks-cli lesson classify did not print\n%s", want);
    }
}

static void
test_cli_lists_the_lesson (void)
{
  const char *argv[] = { g_getenv ("NNB_CLI"), "lesson", "--list", NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (nnb_test_run (argv, &out, &err), ==, 0);
  g_assert_nonnull (strstr (out, "classify   Classifying with nn.Module\n"));
}

int
main (int argc, char **argv)
{
  JsonArray *runs;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/lesson-classify/is-built-in-with-show-me-and-check-on-every-step",
                   test_is_built_in_with_show_me_and_check_on_every_step);
  g_test_add_func ("/lesson-classify/torch-str-prints-as-pytorch", test_torch_str_prints_as_pytorch);
  runs = json_object_get_array_member (nnb_test_golden (GOLDEN), "runs");
  for (guint i = 0; i < json_array_get_length (runs); i++)
    {
      JsonObject *run = json_array_get_object_element (runs, i);
      g_autofree char *path = g_strdup_printf ("/lesson-classify/run/%s-gives-pytorchs-losses-and-accuracies",
                                               json_object_get_string_member (run, "name"));

      g_test_add_data_func (path, run, test_run_gives_pytorchs_losses_and_accuracies);
    }
  g_test_add_func ("/lesson-classify/every-step-prints-pytorchs-output-and-passes",
                   test_every_step_prints_pytorchs_output_and_passes);
  g_test_add_func ("/lesson-classify/text-quotes-real-pytorch-numbers", test_text_quotes_real_pytorch_numbers);
  g_test_add_func ("/lesson-classify/cli-runs-the-lesson-headless", test_cli_runs_the_lesson_headless);
  g_test_add_func ("/lesson-classify/cli-lists-the-lesson", test_cli_lists_the_lesson);
  return g_test_run ();
}
