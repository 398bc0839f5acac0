/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-lesson.c — lessons: reading the format, finding built-in and
 * instructors' lessons, every Day 2 step passing its checks after Show me,
 * the exercise's check failing with a specific sentence for each wrong
 * answer, and `nnblocks-cli lesson day02` printing the page's real numbers. */
#include <glib.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <libintl.h>
#include <locale.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nnb-error.h"
#include "nnb-lesson-action.h"
#include "nnb-test-lesson.h"
#include "nnb-test-util.h"

static NnbLesson *
day02 (void)
{
  g_autoptr (GError) error = NULL;
  NnbLesson *lesson = nnb_lesson_find ("day02", &error);

  g_assert_no_error (error);
  return lesson;
}

static void
test_day02_is_built_in_and_parses (void)
{
  g_autoptr (NnbLesson) lesson = day02 ();
  g_autoptr (GPtrArray) ids = nnb_lesson_list_ids ();
  const char *const expected[] = { "why-modules", "linear", "flat-input", "sequential", "shape-mistake",
                                   "subclass", "parameter-tree", "shape-trace", "devices", "init",
                                   "regression", "zero-grad", "lr-too-large", "exercise", "straight-line",
                                   "recap" };

  g_assert_true (g_ptr_array_find_with_equal_func (ids, "day02", g_str_equal, NULL));
  g_assert_cmpstr (lesson->title, ==, "Day 2 — Building models with nn.Module");
  g_assert_cmpuint (lesson->steps->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      NnbLessonStep *step = lesson->steps->pdata[i];

      g_assert_cmpstr (step->id, ==, expected[i]);
      g_assert_nonnull (step->title);
      g_assert_cmpuint (step->blocks->len, >, 0);
      /* the whitespace of the file is gone, as xgettext's msgids have it */
      for (guint b = 0; b < step->blocks->len; b++)
        {
          NnbLessonBlock *block = step->blocks->pdata[b];
          if (block->kind == NNB_LESSON_BLOCK_TEXT)
            g_assert_null (strstr (block->text, "  "));
        }
    }
}

/* The lesson's text as the student reads it: every paragraph, whitespace
 * collapsed as the parser leaves it. */
static char *
day02_text (void)
{
  g_autoptr (NnbLesson) lesson = day02 ();
  GString *text = g_string_new (NULL);

  for (guint s = 0; s < lesson->steps->len; s++)
    {
      NnbLessonStep *step = lesson->steps->pdata[s];

      for (guint b = 0; b < step->blocks->len; b++)
        {
          NnbLessonBlock *block = step->blocks->pdata[b];

          if (block->kind == NNB_LESSON_BLOCK_TEXT)
            g_string_append_printf (text, "%s\n", block->text);
        }
    }
  return g_string_free (text, FALSE);
}

/* A number the lesson quotes, in the sentence that quotes it, and what
 * `nnblocks-cli lesson day02` prints when Show me runs the program that
 * produces it. FACTS.md has the same numbers from real PyTorch 1.13;
 * tests/reference/lesson_numbers.py prints them from the page's programs. */
typedef struct
{
  const char *lesson;
  const char *const output[4];
} QuotedNumber;

static const QuotedNumber day02_quotes[] = {
  { "the weight with [[-0.0043, 0.3097, -0.4752], [-0.4249, -0.2224, 0.1548]] and the bias with [-0.0114, 0.4578]",
    { "tensor([[-0.0043,  0.3097, -0.4752],\n            [-0.4249, -0.2224,  0.1548]], requires_grad=True)",
      "tensor([-0.0114,  0.4578], requires_grad=True)" } },
  { "1×16 + 1 for the head, 353 in all", { "total parameters: 353\n" } },
  { "Real PyTorch 1.13 prints 0.3105 here", { "tensor(0.3105, grad_fn=<StdBackward0>)", "✓ fc1.weight.std() is 0.3105." } },
  { "Real PyTorch prints the losses 561.6481, 0.8754, 0.6011, 0.4378 and 0.3421 at epochs 0, 50, 100, 150 and 199",
    { "    epoch   0 loss 561.6481\n    epoch  50 loss 0.8754\n    epoch 100 loss 0.6011\n"
      "    epoch 150 loss 0.4378\n    epoch 199 loss 0.3421\n" } },
  { "and learns y = 3.077x + 1.432.", { "learned: y = 3.077x + 1.432 (true: y = 3x + 2)" } },
  { "The weight's gradient grows 1.0579135, 2.1158271, 3.1737406:",
    { "# tensor([[1.0579135]])", "# tensor([[2.1158271]])", "# tensor([[3.1737406]])" } },
  { "the loss goes 0.5604, 5.8015, 32.3362 over the first three epochs, is inf from epoch 21 and NaN from epoch 25.",
    { "    epoch   0 loss 0.5604\n    epoch   1 loss 5.8015\n    epoch   2 loss 32.3362\n",
      "    epoch  25 loss nan\n    Training diverged" } },
  { "the loss drops below 0.02 at epoch 1543.", { "converged at epoch 1543, loss 0.0200\n" } },
  { "64×64 + 64 + 64×1 + 1 = 4353 parameters.", { "SineNet has 4353 parameters", "    params: 4353\n" } },
  { "The line ends at a loss of 0.2109,", { "    epoch 4999 loss 0.2109\n", "Linear at 0.2109, on the same data." } },
};

/* Real numbers only: FACTS.md's, never the page's illustrative ones. Each
 * is matched in its sentence, and the CLI prints it where Show me runs the
 * program behind it: a number moved to another sentence, or a program that
 * gives another, fails here. */
static void
test_day02_quotes_real_pytorch_numbers (void)
{
  const char *argv[] = { g_getenv ("NNB_CLI"), "lesson", "day02", NULL };
  const char *const illustrative[] = { "0.2323", "268.9260", "0.2993", "3.043", "1.727", "0.3722" };
  g_autofree char *text = day02_text ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_nonnull (argv[0]);
  g_assert_cmpint (nnb_test_run (argv, &out, &err), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (day02_quotes); i++)
    {
      if (strstr (text, day02_quotes[i].lesson) == NULL)
        g_error ("the Day 2 lesson does not say “%s”", day02_quotes[i].lesson);
      for (guint o = 0; o < G_N_ELEMENTS (day02_quotes[i].output) && day02_quotes[i].output[o] != NULL; o++)
        if (strstr (out, day02_quotes[i].output[o]) == NULL)
          g_error ("the lesson says “%s”, but nnblocks-cli lesson day02 did not print “%s”",
                   day02_quotes[i].lesson, day02_quotes[i].output[o]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (illustrative); i++)
    g_assert_null (strstr (text, illustrative[i]));
}

/* "A smaller rate such as 0.01 is safe but slow, still at 0.0332 after 5000
 * epochs": no Show me runs it, so the CLI trains SineNet with lr 0.01 and
 * prints the quoted digits, as PyTorch does (tests/reference/lesson_numbers.py). */
static void
test_day02_quotes_lr_0_01_after_5000_epochs (void)
{
  g_autofree char *sinenet = nnb_test_source_path ("data/examples/sinenet.nnb");
  const char *argv[] = { g_getenv ("NNB_CLI"), "train", sinenet, "--lr", "0.01", "--log-every", "0", NULL };
  const char *phrase = "A smaller rate such as 0.01 is safe but slow, still at ";
  g_autofree char *text = day02_text ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *at = strstr (text, phrase);
  char *end = NULL;
  double quoted;

  if (at == NULL)
    g_error ("the Day 2 lesson does not say “%s”", phrase);
  quoted = g_ascii_strtod (at + strlen (phrase), &end);
  g_assert_true (g_str_has_prefix (end, " after 5000 epochs."));
  g_assert_cmpfloat (quoted, ==, 0.0332);

  g_assert_nonnull (argv[0]);
  g_assert_cmpint (nnb_test_run (argv, &out, &err), ==, 0);
  {
    g_autofree char *expected = g_strdup_printf ("final loss %.4f\n", quoted);
    g_assert_cmpstr (out, ==, expected);
  }
}

static void
assert_parse_error (const char *xml, const char *fragment)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbLesson) lesson = nnb_lesson_new_from_data ("broken", xml, -1, NULL, &error);

  g_assert_null (lesson);
  g_assert_nonnull (error);
  if (strstr (error->message, fragment) == NULL)
    g_error ("expected “%s” in “%s”", fragment, error->message);
}

static void
test_malformed_lessons_are_refused_with_the_line (void)
{
  assert_parse_error ("<lesson><title>T</title>\n<step id=\"a\"><title>A</title><wobble/></step></lesson>",
                      "Line 2: NN Blocks does not know the element <wobble>.");
  assert_parse_error ("<lesson><title>T</title><step><title>A</title></step></lesson>", "needs an id");
  assert_parse_error ("<lesson><title>T</title><step id=\"a\"><title>A</title>"
                      "<check kind=\"loss-below\"/></step></lesson>",
                      "A loss-below check needs value");
  assert_parse_error ("<lesson version=\"2\"><title>T</title></lesson>", "newer NN Blocks");
  assert_parse_error ("<lesson><title>T</title></lesson>", "no <step>");
  assert_parse_error ("<lesson><title>T</title><step id=\"a\"><title>A</title>"
                      "<settings lr=\"fast\"/></step></lesson>",
                      "The lr of <settings> must be a number, not “fast”.");
}

/* GLib 2.74 refuses such CDATA by setting the error and still returning
 * TRUE: the lesson was accepted with the paragraph dropped. */
static void
test_invalid_utf8_in_cdata_is_refused_with_the_place (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbLesson) lesson = NULL;
  static const char xml[] = "<lesson><title>T</title>\n<step id=\"a\"><title>A</title>\n"
                            "<p><![CDATA[ab\xff]]></p></step></lesson>";

  lesson = nnb_lesson_new_from_data ("broken", xml, -1, NULL, &error);
  g_assert_null (lesson);
  g_assert_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_PARSE);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_cmpstr (error->message, ==,
                   "Line 3, character 15: a lesson is UTF-8 text, but the file has the byte 0xff there. "
                   "Save it as UTF-8.");
  g_clear_error (&error);

  /* without a title the second error used to be set over the first */
  assert_parse_error ("<lesson><step id=\"a\"><title>A</title><p><![CDATA[\xc3]]></p></step></lesson>",
                      "Line 1, character 50: a lesson is UTF-8 text, but the file has the byte 0xc3 there.");
}

/* docs/lessons.md: a file that breaks the rules is refused with the line */
static void
test_unknown_attributes_and_bad_numbers_are_refused (void)
{
  static const struct
  {
    const char *element;
    const char *message;
  } cases[] = {
    { "<train epochs=\"5\"/>", "Line 2: <train> has no attribute “epochs”." },
    { "<p class=\"note\">x</p>", "Line 2: <p> has no attribute “class”." },
    { "<code lang=\"py\">x</code>", "Line 2: <code> has no attribute “lang”." },
    { "<keep label=\"a\" colour=\"red\"/>", "Line 2: <keep> has no attribute “colour”." },
    { "<mistake kind=\"device\" size=\"5\"/>", "Line 2: <mistake> has no attribute “size”." },
    { "<settings lr=\"nan\"/>", "Line 2: The lr of <settings> must be a number, not “nan”." },
    { "<settings lr=\"inf\"/>", "Line 2: The lr of <settings> must be a number, not “inf”." },
    { "<settings lr=\"-0.1\"/>", "Line 2: The lr of <settings> must be 0 or more, not “-0.1”." },
    { "<settings until-loss=\"-1\"/>", "Line 2: The until-loss of <settings> must be 0 or more, not “-1”." },
    { "<settings epochs=\"-3\"/>", "Line 2: The epochs of <settings> must be a whole number from 1, not “-3”." },
    { "<data kind=\"sine\" noise=\"-0.1\"/>", "Line 2: The noise of <data> must be 0 or more, not “-0.1”." },
    { "<data kind=\"sine\" x-max=\"0\"/>", "Line 2: The x-max of <data> must be more than 0, not “0”." },
    { "<data kind=\"line\" a=\"NaN\"/>", "Line 2: The a of <data> must be a number, not “NaN”." },
    { "<data kind=\"circle\" radius=\"0\"/>", "Line 2: The radius of <data> must be more than 0, not “0”." },
    { "<data kind=\"gauss\" distance=\"-1\"/>", "Line 2: The distance of <data> must be 0 or more, not “-1”." },
    { "<data kind=\"blobs\" classes=\"11\"/>", "Line 2: The classes of <data> must be at most 10, not “11”." },
    { "<data kind=\"blobs\" classes=\"1\"/>", "Line 2: The classes of <data> must be a whole number from 2, not “1”." },
    { "<data kind=\"cosine\"/>",
      "Line 2: <data> needs a kind: line, sine, polynomial, step, sine-product, circle, xor, gauss, spiral, moons or blobs." },
    { "<check kind=\"parameter-count\" value=\"-5\"/>", "Line 2: The value of <check> must be 0 or more, not “-5”." },
    { "<check kind=\"parameter-count\" value=\"2.5\"/>",
      "Line 2: The value of a parameter-count check must be a whole number, not “2.5”." },
    { "<check kind=\"hidden-layers\" value=\"-1\"/>", "Line 2: The value of <check> must be 0 or more, not “-1”." },
    { "<check kind=\"loss-below\" value=\"nan\"/>", "Line 2: The value of <check> must be a number, not “nan”." },
    { "<check kind=\"data\"/>", "Line 2: A data check needs expect=\"…\", the kind of data: line, sine, polynomial, step, "
                                "sine-product, circle, xor, gauss, spiral, moons or blobs." },
    { "<check kind=\"data\" expect=\"csv\"/>",
      "Line 2: A data check needs expect=\"…\", the kind of data: line, sine, polynomial, step, sine-product, circle, "
      "xor, gauss, spiral, moons or blobs." },
    { "<check kind=\"data\" expect=\"sine\" x-max=\"0\"/>", "Line 2: The x-max of a data check must be more than 0, not “0”." },
    { "<check kind=\"data\" expect=\"sine\" n=\"0\"/>", "Line 2: The n of <check> must be a whole number from 1, not “0”." },
    { "<check kind=\"class\"/>", "Line 2: A class check needs expect=\"…\"." },
    /* the classification lesson's elements */
    { "<settings loss=\"HuberLoss\"/>",
      "Line 2: The loss of <settings> must be MSELoss, L1Loss, CrossEntropyLoss, NLLLoss, BCEWithLogitsLoss or BCELoss, not “HuberLoss”." },
    { "<show what=\"odds\"/>", "Line 2: <show> cannot show “odds”: use model, parameters, count, trace, values, std, probabilities, train-eval, training or state_dict." },
    { "<show what=\"probabilities\" rows=\"0\"/>", "Line 2: The rows of <show> must be a whole number from 1, not “0”." },
    { "<show what=\"probabilities\" rows=\"101\"/>", "Line 2: The rows of <show> must be at most 100, not “101”." },
    { "<mistake kind=\"label\"/>", "Line 2: <mistake> needs a kind: forward, device, accumulate, target, eval-forgotten or missing-buffer." },
    { "<mistake kind=\"target\" input=\"5\"/>", "Line 2: <mistake kind=\"target\"> has no input: it uses the step’s data." },
    { "<check kind=\"accuracy-above\"/>", "Line 2: An accuracy-above check needs value=\"…\", a percentage from 0 to 100." },
    { "<check kind=\"accuracy-below\" value=\"150\"/>",
      "Line 2: An accuracy-below check needs value=\"…\", a percentage from 0 to 100." },
    { "<check kind=\"loss\" expect=\"Huber\"/>",
      "Line 2: A loss check needs expect=\"…\", one of MSELoss, L1Loss, CrossEntropyLoss, NLLLoss, BCEWithLogitsLoss or BCELoss." },
    { "<check kind=\"last-layer\"/>",
      "Line 2: A last-layer check needs expect=\"…\", the class of a layer such as Linear or Softmax." },
    { "<check kind=\"loss-below\" value=\"0.1\" noise=\"0\"/>",
      "Line 2: Only a data check compares n, a, b, c, noise, x-max, radius, distance, turns and classes; a loss-below "
      "check has none of them." },
    /* the modes lesson's elements */
    { "<show what=\"train-eval\" seed=\"-1\"/>", "Line 2: The seed of <show> must be a whole number from 0, not “-1”." },
    { "<mistake kind=\"eval-forgotten\" input=\"5\"/>",
      "Line 2: <mistake kind=\"eval-forgotten\"> has no input: it uses the step’s data." },
    { "<check kind=\"mode\" expect=\"test\"/>", "Line 2: A mode check needs expect=\"train\" or expect=\"eval\"." },
    { "<check kind=\"module\" expect=\"BatchNorm\"/>",
      "Line 2: A module check needs expect=\"…\", the class of a layer such as BatchNorm1d or Dropout." },
    { "<check kind=\"state-dict\" value=\"7.5\"/>", "Line 2: A state-dict check needs value=\"…\", a whole number of entries." },
    { "<check kind=\"state-dict\"/>", "Line 2: A state-dict check needs value=\"…\", a whole number of entries." },
    /* what a project file refuses, a lesson refuses too: the project a
     * step loads must open again once saved (fuzzing found lr="4e125") */
    { "<settings lr=\"1e39\"/>", "Line 2: The lr of <settings> is too large for a float32: “1e39” is more than about 3.4e38 in size." },
    { "<settings epochs=\"200000000\"/>", "Line 2: The epochs of <settings> must be at most 100000000, not “200000000”." },
    { "<data kind=\"sine\" n=\"10000001\"/>", "Line 2: The n of <data> must be at most 10000000, not “10000001”." },
    /* sizes the checks multiply or convert: overflow, not a message, before */
    { "<check kind=\"output-shape\" input=\"4611686018427387904, 4611686018427387904, 5\" expect=\"x\"/>",
      "Line 2: The input of <check> is too large: a batch of shape “4611686018427387904, 4611686018427387904, 5” would hold more than 2147483648 numbers." },
    { "<check kind=\"hidden-layers\" value=\"1e20\"/>",
      "Line 2: The value of a hidden-layers check must be a whole number of at most 2147483647, not “1e20”." },
    { "<check kind=\"parameter-count\" value=\"1e20\"/>",
      "Line 2: The value of a parameter-count check must be a whole number of at most 9007199254740992, not “1e20”." },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *xml = g_strdup_printf ("<lesson><title>T</title><step id=\"a\"><title>A</title>\n%s"
                                              "</step></lesson>",
                                              cases[i].element);
      g_autoptr (GError) error = NULL;
      g_autoptr (NnbLesson) lesson = nnb_lesson_new_from_data ("broken", xml, -1, NULL, &error);

      g_assert_null (lesson);
      g_assert_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_INVALID);
      g_assert_cmpstr (error->message, ==, cases[i].message);
    }
  assert_parse_error ("<lesson lang=\"fr\"><title>T</title></lesson>", "Line 1: <lesson> has no attribute “lang”.");
  assert_parse_error ("<lesson><title id=\"t\">T</title></lesson>", "Line 1: <title> has no attribute “id”.");
  assert_parse_error ("<lesson><title>T</title><step id=\"a\" name=\"b\"><title>A</title></step></lesson>",
                      "Line 1: <step> has no attribute “name”.");
  /* what the format allows still reads: lr 0 as in PyTorch, until-loss 0 */
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (NnbLesson) lesson = nnb_lesson_new_from_data (
      "fine", "<lesson><title>T</title><step id=\"a\"><title>A</title><settings lr=\"0\" until-loss=\"0\"/>"
              "<data kind=\"line\" a=\"-2\" noise=\"0\"/><check kind=\"parameter-count\" value=\"0\"/></step></lesson>",
      -1, NULL, &error);
    g_assert_no_error (error);
    g_assert_nonnull (lesson);
  }
  /* a loss chosen in <settings>, probabilities shown, the class checks:
   * loss names as the .nnb format spells them, kept as PyTorch's */
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (NnbLesson) lesson = nnb_lesson_new_from_data (
      "losses", "<lesson><title>T</title><step id=\"a\"><title>A</title><settings loss=\"bce-with-logits\"/>"
                "<show what=\"probabilities\" rows=\"7\"/><mistake kind=\"target\"/>"
                "<check kind=\"loss\" expect=\"cross-entropy\"/><check kind=\"accuracy-above\" value=\"95\"/>"
                "<check kind=\"last-layer\" expect=\"Softmax\"/></step></lesson>",
      -1, NULL, &error);
    NnbLessonStep *step;
    g_autoptr (NnbProject) project = nnb_test_load_example ("xor.nnb");

    g_assert_no_error (error);
    step = lesson->steps->pdata[0];
    g_assert_true (nnb_lesson_step_has_settings (step));
    g_assert_true (nnb_lesson_step_has_action (step));
    g_assert_cmpint (step->show, ==, NNB_LESSON_SHOW_PROBABILITIES);
    g_assert_cmpint (step->show_rows, ==, 7);
    g_assert_cmpint (step->mistake, ==, NNB_LESSON_MISTAKE_TARGET);
    g_assert_cmpstr (((NnbLessonCheck *) step->checks->pdata[0])->text, ==, "CrossEntropyLoss");
    g_assert_cmpfloat (((NnbLessonCheck *) step->checks->pdata[1])->value, ==, 95);
    /* label_smoothing belongs to CrossEntropyLoss: the project must open again */
    project->training.label_smoothing = 0.1;
    nnb_lesson_step_apply_settings (step, project);
    g_assert_cmpint (project->training.loss, ==, NNB_LOSS_BCE_WITH_LOGITS);
    g_assert_cmpfloat (project->training.label_smoothing, ==, 0);
  }
  /* the class kinds, with their own fields, in <data> and a data check */
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (NnbLesson) lesson = nnb_lesson_new_from_data (
      "classes", "<lesson><title>T</title><step id=\"a\"><title>A</title>"
                 "<data kind=\"blobs\" classes=\"4\" noise=\"0.3\"/>"
                 "<check kind=\"data\" expect=\"spiral\" turns=\"2.5\" n=\"300\"/></step></lesson>",
      -1, NULL, &error);
    NnbLessonStep *step;
    NnbLessonCheck *check;

    g_assert_no_error (error);
    step = lesson->steps->pdata[0];
    g_assert_cmpint (step->data.kind, ==, NNB_DATA_BLOBS);
    g_assert_cmpint (step->data.classes, ==, 4);
    g_assert_cmpfloat (step->data.noise, ==, 0.3);
    check = step->checks->pdata[0];
    g_assert_cmpint (check->data.kind, ==, NNB_DATA_SPIRAL);
    g_assert_cmpfloat (check->data.turns, ==, 2.5);
    g_assert_cmpint (check->data_fields, ==, NNB_LESSON_DATA_TURNS | NNB_LESSON_DATA_N);
  }
}

/* A pipe would wait forever for a writer; a device would be read without
 * end. The app showed nothing while it waited. */
static void
test_pipes_and_devices_are_not_read (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("nnb-lesson-XXXXXX", NULL);
  g_autofree char *fifo = g_build_filename (dir, "pipe.nnb", NULL);
  g_autofree char *fifo_lesson = g_build_filename (dir, "pipe.lesson", NULL);
  g_autofree char *big = g_build_filename (dir, "big.lesson", NULL);
  g_autofree char *expected = NULL;
  g_autoptr (NnbLesson) lesson = NULL;
  NnbProject *project;
  static const char xml[] = "<lesson><title>T</title><step id=\"a\"><title>A</title><load file=\"pipe.nnb\"/></step>"
                            "<step id=\"b\"><title>B</title><load file=\"/dev/zero\"/></step></lesson>";
  int fd;

  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  lesson = nnb_lesson_new_from_data ("pipes", xml, -1, dir, &error);
  g_assert_no_error (error);

  project = nnb_lesson_step_load_project (lesson, lesson->steps->pdata[0], &error);
  g_assert_null (project);
  g_assert_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_IO);
  expected = g_strdup_printf ("“%s” is not a regular file (a pipe), so NN Blocks does not read it.", fifo);
  g_assert_cmpstr (error->message, ==, expected);
  g_clear_error (&error);

  project = nnb_lesson_step_load_project (lesson, lesson->steps->pdata[1], &error);
  g_assert_null (project);
  g_assert_cmpstr (error->message, ==, "“/dev/zero” is not a regular file (a character device), so NN Blocks does not read it.");
  g_clear_error (&error);

  /* the lesson file itself */
  g_assert_cmpint (mkfifo (fifo_lesson, 0600), ==, 0);
  g_clear_pointer (&lesson, nnb_lesson_unref);
  lesson = nnb_lesson_new_from_file (fifo_lesson, &error);
  g_assert_null (lesson);
  g_assert_nonnull (strstr (error->message, "is not a regular file (a pipe)"));
  g_clear_error (&error);

  /* sparse: 17 MB on paper, nothing on the disk */
  fd = g_open (big, O_WRONLY | O_CREAT, 0600);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, 17 * 1000 * 1000), ==, 0);
  close (fd);
  lesson = nnb_lesson_new_from_file (big, &error);
  g_assert_null (lesson);
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("“%s” is larger than 16 MB, the most NN Blocks reads from such a file.", big);
  g_assert_cmpstr (error->message, ==, expected);

  g_unlink (fifo);
  g_unlink (fifo_lesson);
  g_unlink (big);
  g_rmdir (dir);
}

static void
test_user_lessons_are_found_and_load_their_files (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = nnb_lesson_user_dir ();
  g_autofree char *lesson_path = g_build_filename (dir, "mine.lesson", NULL);
  g_autofree char *project_path = g_build_filename (dir, "line.nnb", NULL);
  g_autofree char *example = nnb_test_source_path ("data/examples/regression.nnb");
  g_autofree char *project_text = NULL;
  g_autoptr (GPtrArray) ids = NULL;
  g_autoptr (NnbLesson) lesson = NULL;
  g_autoptr (NnbProject) project = NULL;
  static const char xml[] =
    "<lesson version=\"1\"><title>My lesson</title>\n"
    "<step id=\"one\"><title>One</title><p>Some   text\n  here.</p>"
    "<load file=\"line.nnb\"/><settings lr=\"0.02\"/>"
    "<check kind=\"parameter-count\" value=\"2\"/></step></lesson>\n";

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_assert_true (g_file_get_contents (example, &project_text, NULL, NULL));
  g_assert_true (g_file_set_contents (project_path, project_text, -1, NULL));
  g_assert_true (g_file_set_contents (lesson_path, xml, -1, NULL));

  ids = nnb_lesson_list_ids ();
  g_assert_true (g_ptr_array_find_with_equal_func (ids, "mine", g_str_equal, NULL));
  g_assert_true (g_ptr_array_find_with_equal_func (ids, "day02", g_str_equal, NULL));
  lesson = nnb_lesson_find ("mine", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (((NnbLessonBlock *) ((NnbLessonStep *) lesson->steps->pdata[0])->blocks->pdata[0])->text, ==,
                   "Some text here.");
  project = nnb_lesson_step_load_project (lesson, lesson->steps->pdata[0], &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (project->training.optimizer.lr, ==, 0.02);

  g_clear_pointer (&lesson, nnb_lesson_unref);
  lesson = nnb_lesson_find ("nope", &error);
  g_assert_null (lesson);
  g_assert_nonnull (strstr (error->message, "The lessons are: classify, day02, mine, modes."));
}

/* Titles and paragraphs go through gettext when a lesson is read, with
 * the file's line breaks and indentation collapsed as xgettext collapses
 * them in the msgids. */
static void
test_lesson_text_is_translated_when_read (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("nnb-locale-XXXXXX", &error);
  g_autofree char *messages = g_build_filename (dir, "de", "LC_MESSAGES", NULL);
  g_autofree char *po = g_build_filename (dir, "nnblocks.po", NULL);
  g_autofree char *mo = g_build_filename (messages, "nnblocks.mo", NULL);
  g_autoptr (NnbLesson) lesson = NULL;
  const char *msgfmt_argv[] = { "msgfmt", "-o", mo, po, NULL };
  int status = -1;
  static const char po_text[] =
    "msgid \"\"\nmsgstr \"Content-Type: text/plain; charset=UTF-8\\n\"\n\n"
    "msgid \"Layers\"\nmsgstr \"Schichten\"\n\n"
    "msgid \"A layer maps x to x·Wᵀ + b.\"\nmsgstr \"Eine Schicht bildet x auf x·Wᵀ + b ab.\"\n";
  static const char xml[] =
    "<lesson><title>Layers</title><step id=\"a\"><title>Layers</title>\n"
    "  <p>A layer maps\n     x to   x·Wᵀ + b.</p><code>y = layer(x)</code></step></lesson>";

  g_assert_no_error (error);
  if (setlocale (LC_ALL, "de_DE.UTF-8") == NULL && setlocale (LC_ALL, "de_DE.utf8") == NULL)
    {
      nnb_test_missing ("the de_DE.UTF-8 locale is not installed");
      return;
    }
  g_assert_cmpint (g_mkdir_with_parents (messages, 0755), ==, 0);
  g_assert_true (g_file_set_contents (po, po_text, -1, NULL));
  if (!g_spawn_sync (NULL, (char **) msgfmt_argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, NULL) ||
      !g_spawn_check_wait_status (status, NULL))
    {
      setlocale (LC_ALL, "C");
      nnb_test_missing ("msgfmt is not installed");
      return;
    }
  g_setenv ("LANGUAGE", "de", TRUE);
  bindtextdomain ("nnblocks", dir);
  bind_textdomain_codeset ("nnblocks", "UTF-8");

  lesson = nnb_lesson_new_from_data ("layers", xml, -1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (lesson->title, ==, "Schichten");
  g_assert_cmpstr (((NnbLessonBlock *) ((NnbLessonStep *) lesson->steps->pdata[0])->blocks->pdata[0])->text, ==,
                   "Eine Schicht bildet x auf x·Wᵀ + b ab.");
  /* code is never translated */
  g_assert_cmpstr (((NnbLessonBlock *) ((NnbLessonStep *) lesson->steps->pdata[0])->blocks->pdata[1])->text, ==,
                   "y = layer(x)");

  g_unsetenv ("LANGUAGE");
  setlocale (LC_ALL, "C");
  g_remove (mo);
  g_remove (po);
}

/* The acceptance walk, without a screen: Show me, then Check, on every step. */
static void
test_every_day02_step_passes_after_show_me (void)
{
  g_autoptr (NnbLesson) lesson = day02 ();
  NnbTestShown shown = { NULL, NULL };
  NnbLessonRun run;
  guint checked = 0;

  nnb_backend_cpu_set_threads (1);
  nnb_lesson_run_init (&run);
  for (guint i = 0; i < lesson->steps->len; i++)
    {
      NnbLessonStep *step = lesson->steps->pdata[i];
      g_autoptr (GPtrArray) results = NULL;

      g_free (nnb_test_lesson_show_me (lesson, step, &shown, &run));
      if (!nnb_lesson_step_check (step, &run, &results))
        for (guint c = 0; c < results->len; c++)
          {
            NnbLessonCheckResult *result = results->pdata[c];
            if (!result->passed)
              g_error ("step %s: %s", step->id, result->message);
          }
      checked += results->len;
    }
  g_assert_cmpuint (checked, >=, 20);
  run.project = NULL;
  nnb_lesson_run_clear (&run);
  nnb_test_shown_clear (&shown);
}

/* The exercise's checks against a SineNet changed by edit (find → replace
 * in the example's text), trained for epochs when epochs > 0. */
static char *
exercise_message (NnbLessonCheckKind kind, const char *find, const char *replace, double lr, int epochs,
                  gboolean *passed)
{
  g_autoptr (NnbLesson) lesson = day02 ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = nnb_lesson_lookup_example ("sinenet", &error);
  g_autoptr (GString) json = g_string_new_len (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_autoptr (NnbProject) project = NULL;
  g_autoptr (NnbDataset) data = NULL;
  NnbLessonStep *step = lesson->steps->pdata[nnb_lesson_find_step (lesson, "exercise")];
  NnbLessonRun run;
  char *message = NULL;

  if (find != NULL)
    g_assert_cmpuint (g_string_replace (json, find, replace, 0), >, 0);
  project = nnb_project_load_from_data (json->str, json->len, &error);
  g_assert_no_error (error);
  data = nnb_project_build (project, FALSE, &error);
  g_assert_no_error (error);
  nnb_lesson_run_init (&run);
  run.project = project;
  if (epochs > 0)
    {
      g_autofree char *log = NULL;

      project->training.optimizer.lr = lr;
      project->training.epochs = epochs;
      project->training.until_loss = 0.02;
      log = nnb_lesson_train (project, data, &run, &error);
      g_assert_no_error (error);
    }
  for (guint i = 0; i < step->checks->len; i++)
    {
      NnbLessonCheck *check = step->checks->pdata[i];
      if (check->kind == kind)
        {
          g_assert_null (message);
          *passed = nnb_lesson_check_evaluate (check, &run, &message);
        }
    }
  nnb_lesson_run_clear (&run);
  g_assert_nonnull (message);
  return message;
}

static void
assert_fails_with (char *message, gboolean passed, const char *expected)
{
  g_autofree char *owned = message;

  g_assert_false (passed);
  g_assert_cmpstr (message, ==, expected);
}

static void
test_exercise_with_relu_fails_the_activation_check (void)
{
  gboolean passed;
  char *message = exercise_message (NNB_LESSON_CHECK_ACTIVATIONS, "Tanh", "ReLU", 0, 0, &passed);

  assert_fails_with (message, passed, "SineNet uses ReLU where this step asks for Tanh: replace every ReLU with Tanh.");
}

static void
test_exercise_with_one_hidden_layer_fails_the_layer_check (void)
{
  gboolean passed;
  char *message = exercise_message (NNB_LESSON_CHECK_HIDDEN_LAYERS,
                                    "{\"type\": \"Linear\", \"in_features\": 64, \"out_features\": 64, \"bias\": true},\n"
                                    "        {\"type\": \"Tanh\"},\n",
                                    "", 0, 0, &passed);

  assert_fails_with (message, passed,
                     "SineNet has 1 hidden layer (a Linear followed by an activation); this step asks for at least 2. "
                     "Add a Linear and an activation before the last Linear.");
}

static void
test_exercise_without_xavier_fails_the_init_check (void)
{
  gboolean passed;
  char *message = exercise_message (NNB_LESSON_CHECK_INIT, "\"weight\": \"xavier_uniform_\"", "\"weight\": \"default\"",
                                    0, 0, &passed);

  assert_fails_with (message, passed,
                     "The Linear weights keep the init nn.Linear gives them (kaiming_uniform_ with a = √5); this step "
                     "asks for xavier_uniform_ on every Linear’s weight, through model.apply(init_weights).");
}

static void
test_exercise_with_loss_above_0_02_fails_the_loss_check (void)
{
  gboolean passed;
  char *message = exercise_message (NNB_LESSON_CHECK_LOSS_BELOW, NULL, NULL, 0.01, 300, &passed);

  g_assert_false (passed);
  g_assert_true (g_str_has_prefix (message, "The final loss is 0."));
  g_assert_true (g_str_has_suffix (message, ", not below 0.02. Train for more epochs, or try a somewhat larger learning rate."));
  g_free (message);

  message = exercise_message (NNB_LESSON_CHECK_LOSS_BELOW, NULL, NULL, 0, 0, &passed);
  assert_fails_with (message, passed,
                     "SineNet has not been trained yet: press Show me (or Train) and wait until training ends.");
}

static void
test_exercise_as_given_passes_its_structure_checks (void)
{
  const NnbLessonCheckKind kinds[] = { NNB_LESSON_CHECK_HIDDEN_LAYERS, NNB_LESSON_CHECK_ACTIVATIONS,
                                       NNB_LESSON_CHECK_INIT, NNB_LESSON_CHECK_PARAMETER_COUNT };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      gboolean passed = FALSE;
      g_autofree char *message = exercise_message (kinds[i], NULL, NULL, 0, 0, &passed);
      g_assert_true (passed);
    }
}

/* Before Show me, the exercise's five checks have one reason to fail:
 * "There is no model yet" is said once, not five times. */
static void
test_no_model_yet_is_said_once (void)
{
  g_autoptr (NnbLesson) lesson = day02 ();
  NnbLessonStep *step = lesson->steps->pdata[nnb_lesson_find_step (lesson, "exercise")];
  g_autoptr (GPtrArray) results = NULL;
  NnbLessonRun run;

  g_assert_cmpuint (step->checks->len, >, 1);
  nnb_lesson_run_init (&run);
  g_assert_false (nnb_lesson_step_check (step, &run, &results));
  g_assert_cmpuint (results->len, ==, 1);
  g_assert_false (((NnbLessonCheckResult *) results->pdata[0])->passed);
  g_assert_cmpstr (((NnbLessonCheckResult *) results->pdata[0])->message, ==,
                   "There is no model yet: press Show me to load this step’s model.");
  nnb_lesson_run_clear (&run);
}

/* "The final loss is 0.0200, below 0.02" reads as a contradiction: the
 * check prints as many decimals as it takes, 4 at least. */
static void
test_loss_is_printed_with_the_digits_that_show_the_comparison (void)
{
  static const struct
  {
    double value, target;
    int decimals;
  } cases[] = {
    { 0.019982, 0.02, 5 },   /* "0.01998", not "0.0200" */
    { 0.0199999, 0.02, 7 },  /* "0.0199999" */
    { 0.3421, 0.35, 4 },     /* the regression: 4 are enough */
    { 0.0330, 0.02, 4 },     /* not below: "0.0330" shows it */
    { 0.02000004, 0.02, 4 }, /* not below: "0.0200" is not below 0.02 either */
    { 0.02, 0.02, 4 },
    { 1e-9, 0.02, 4 }, /* "0.0000" < 0.02 */
    { 5.8015, 0.0, 4 },
    { NAN, 0.02, 4 },
    { INFINITY, 0.02, 4 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      int decimals = nnb_lesson_decimals_to_compare (cases[i].value, cases[i].target);

      if (decimals != cases[i].decimals)
        g_error ("%.9g against %g: %d decimals, expected %d", cases[i].value, cases[i].target, decimals,
                 cases[i].decimals);
    }
}

static void
test_cli_runs_day02_with_the_real_numbers (void)
{
  const char *argv[] = { g_getenv ("NNB_CLI"), "lesson", "day02", NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *const expected[] = {
    "total parameters: 353",
    /* the SineNet solution's print("params:", sum(…)) as it prints it */
    "    params: 4353\n",
    "SineNet has 4353 parameters",
    "RuntimeError: mat1 and mat2 shapes cannot be multiplied (5x16 and 8x1)",
    "RuntimeError: mat1 and mat2 shapes cannot be multiplied (1x5 and 3x2)",
    "Linear   -> (5, 16)",
    "tensor(0.3105, grad_fn=<StdBackward0>)",
    "epoch   0 loss 561.6481\n",
    "epoch  50 loss 0.8754\n",
    "epoch 100 loss 0.6011\n",
    "epoch 150 loss 0.4378\n",
    "epoch 199 loss 0.3421\n",
    "learned: y = 3.077x + 1.432 (true: y = 3x + 2)",
    "epoch   2 loss 32.3362\n",
    "epoch  25 loss nan\n",
    "converged at epoch 1543, loss 0.0200",
    /* the check speaks for itself: the digits that make it true */
    "The final loss is 0.01999, below 0.02, at epoch 1543.",
    "The loss was inf from epoch 21 and nan at epoch 25: lr 0.1 is too large.",
    "epoch 4999 loss 0.2109\n",
    "tensor([[1.0579135]])",
    "14 of 14 steps passed their checks.",
  };

  g_assert_nonnull (argv[0]);
  g_assert_cmpint (nnb_test_run (argv, &out, &err), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    if (strstr (out, expected[i]) == NULL)
      g_error ("nnblocks-cli lesson day02 did not print “%s”", expected[i]);
  g_assert_null (strstr (out, "✗"));
  /* no SineNet step prints the parameter-tree program's line */
  g_assert_null (strstr (out, "total parameters: 4,353"));
}

static void
test_cli_names_the_lessons_for_an_unknown_one (void)
{
  const char *argv[] = { g_getenv ("NNB_CLI"), "lesson", "day99", NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (nnb_test_run (argv, &out, &err), ==, 1);
  g_assert_nonnull (strstr (err, "There is no lesson named “day99”. The lessons are: classify, day02, modes."));
}

int
main (int argc, char **argv)
{
  /* the user's own lessons folder is a fresh temporary one */
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/lesson/day02-is-built-in-and-parses", test_day02_is_built_in_and_parses);
  g_test_add_func ("/lesson/day02-quotes-real-pytorch-numbers", test_day02_quotes_real_pytorch_numbers);
  g_test_add_func ("/lesson/day02-quotes-lr-0.01-after-5000-epochs", test_day02_quotes_lr_0_01_after_5000_epochs);
  g_test_add_func ("/lesson/malformed-lessons-are-refused-with-the-line", test_malformed_lessons_are_refused_with_the_line);
  g_test_add_func ("/lesson/invalid-utf8-in-cdata-is-refused-with-the-place",
                   test_invalid_utf8_in_cdata_is_refused_with_the_place);
  g_test_add_func ("/lesson/unknown-attributes-and-bad-numbers-are-refused",
                   test_unknown_attributes_and_bad_numbers_are_refused);
  g_test_add_func ("/lesson/pipes-and-devices-are-not-read", test_pipes_and_devices_are_not_read);
  g_test_add_func ("/lesson/user-lessons-are-found-and-load-their-files", test_user_lessons_are_found_and_load_their_files);
  g_test_add_func ("/lesson/lesson-text-is-translated-when-read", test_lesson_text_is_translated_when_read);
  g_test_add_func ("/lesson/every-day02-step-passes-after-show-me", test_every_day02_step_passes_after_show_me);
  g_test_add_func ("/lesson/exercise-as-given-passes-its-structure-checks", test_exercise_as_given_passes_its_structure_checks);
  g_test_add_func ("/lesson/exercise-with-relu-fails-the-activation-check", test_exercise_with_relu_fails_the_activation_check);
  g_test_add_func ("/lesson/exercise-with-one-hidden-layer-fails-the-layer-check",
                   test_exercise_with_one_hidden_layer_fails_the_layer_check);
  g_test_add_func ("/lesson/exercise-without-xavier-fails-the-init-check", test_exercise_without_xavier_fails_the_init_check);
  g_test_add_func ("/lesson/exercise-with-loss-above-0.02-fails-the-loss-check",
                   test_exercise_with_loss_above_0_02_fails_the_loss_check);
  g_test_add_func ("/lesson/loss-is-printed-with-the-digits-that-show-the-comparison",
                   test_loss_is_printed_with_the_digits_that_show_the_comparison);
  g_test_add_func ("/lesson/no-model-yet-is-said-once", test_no_model_yet_is_said_once);
  g_test_add_func ("/lesson/cli-runs-day02-with-the-real-numbers", test_cli_runs_day02_with_the_real_numbers);
  g_test_add_func ("/lesson/cli-names-the-lessons-for-an-unknown-one", test_cli_names_the_lessons_for_an_unknown_one);
  return g_test_run ();
}
