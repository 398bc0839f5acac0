/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-lesson-modes.c — the lesson "Train mode, eval mode and buffers"
 * (data/lessons/modes.lesson) against real PyTorch 1.13
 * (tests/data/modes-lesson.json, from
 * tests/reference/make_modes_lesson_golden.py):
 *
 * - Show me prints what PyTorch prints: Dropout's two train-mode passes and
 *   two eval-mode passes (the masks bit for bit), the modules' training
 *   flags, the state_dict with its buffers and counts, the BatchNorm1d
 *   network's training log, the test loss measured with model.eval()
 *   forgotten, and the state_dict loaded without running_var;
 * - the numbers the text quotes are in those printouts, in their sentence;
 * - every step has a Show me and a Check, and passes after Show me, here
 *   and in `nnblocks-cli lesson modes`. */
#include <glib.h>
#include <string.h>

#include "nnb-backend.h"
#include "nnb-test-lesson.h"
#include "nnb-test-util.h"

#define GOLDEN "data/modes-lesson.json"

/* each step and the golden printout its Show me gives */
static const struct
{
  const char *step;
  const char *show;
} printouts[] = {
  { "dropout-modes", "train-eval" },
  { "flags", "training" },
  { "buffers", "state-dict" },
  { "batchnorm-train", "train-log" },
  { "eval-forgotten", "eval-forgotten" },
  { "save-load", "missing-buffer" },
};

static const char *
golden_show (const char *name)
{
  return json_object_get_string_member (json_object_get_object_member (nnb_test_golden (GOLDEN), "shows"), name);
}

static void
test_is_built_in_with_show_me_and_check_on_every_step (void)
{
  g_autoptr (NnbLesson) lesson = nnb_test_lesson ("modes");
  g_autoptr (GPtrArray) ids = nnb_lesson_list_ids ();

  g_assert_true (g_ptr_array_find_with_equal_func (ids, "modes", g_str_equal, NULL));
  g_assert_cmpstr (lesson->title, ==, "Train mode, eval mode and buffers");
  g_assert_cmpuint (lesson->steps->len, ==, G_N_ELEMENTS (printouts));
  for (guint i = 0; i < G_N_ELEMENTS (printouts); i++)
    {
      NnbLessonStep *step = lesson->steps->pdata[i];

      g_assert_cmpstr (step->id, ==, printouts[i].step);
      if (!nnb_lesson_step_has_action (step) || step->checks->len == 0)
        g_error ("step %s has no Show me or no Check", step->id);
    }
}

/* The walk without a screen: each Show me prints PyTorch's output (the
 * training log within the step's printout), and every check passes. */
static void
test_every_step_prints_pytorchs_output_and_passes (void)
{
  g_autoptr (NnbLesson) lesson = nnb_test_lesson ("modes");
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
      const char *want = golden_show (printouts[i].show);

      if (strstr (printed, want) == NULL)
        g_error ("step %s printed\n%s\nwhere PyTorch prints\n%s", step->id, printed, want);
      if (!nnb_lesson_step_check (step, &run, &results))
        for (guint c = 0; c < results->len; c++)
          if (!((NnbLessonCheckResult *) results->pdata[c])->passed)
            g_error ("step %s: %s", step->id, ((NnbLessonCheckResult *) results->pdata[c])->message);
      checked += results->len;
    }
  g_assert_cmpuint (checked, ==, 14);
  run.project = NULL;
  nnb_lesson_run_clear (&run);
  nnb_test_shown_clear (&shown);
}

/* A number the text quotes, in its sentence, and the golden printout line
 * that holds it */
static const struct
{
  const char *sentence;
  const char *show;
  const char *printed;
} quotes[] = {
  { "In train mode the first point gets the logits 0.6982 and −0.7098, then 0.3524 and −0.2543:", "train-eval",
    "# train, 1st\ntensor([[ 0.6982, -0.7098],\n" },
  { "then 0.3524 and −0.2543:", "train-eval", "# train, 2nd\ntensor([[ 0.3524, -0.2543],\n" },
  { "After model.eval() it gets 0.6020 and −0.5501 on both passes.", "train-eval",
    "# eval, 1st\ntensor([[ 0.6020, -0.5501],\n" },
  { "After model.eval() it gets 0.6020 and −0.5501 on both passes.", "train-eval",
    "# eval, 2nd\ntensor([[ 0.6020, -0.5501],\n" },
  { "Freshly made, all are True;", "training", "model Sequential True\n0 Linear True\n1 BatchNorm1d True\n" },
  { "9 entries, 6 parameters and 3 buffers.", "state-dict", "print(len(model.state_dict()))\n9\n" },
  { "9 entries, 6 parameters and 3 buffers.", "state-dict", "print(name)\n1.running_mean\n1.running_var\n1.num_batches_tracked\n" },
  { "The parameters hold 58 values, the buffers 17,", "state-dict", "model.parameters()))\n58\n" },
  { "The parameters hold 58 values, the buffers 17,", "state-dict", "model.buffers()))\n17\n" },
  { "The loss goes from 0.8069 to 0.1610 and the accuracy reaches 0.9822.", "train-log",
    "epoch  99 loss 0.1610 accuracy 0.9822\n" },
  { "The loss goes from 0.8069", "train-log", "epoch   0 loss 0.8069" },
  { "After it num_batches_tracked is 100:", "eval-forgotten", "num_batches_tracked)\ntensor(100)\n" },
  { "In eval mode it is 0.1783.", "eval-forgotten", "model.eval()\nprint(test_loss())\ntensor(0.1783)\n" },
  { "In train mode it is 0.1923:", "eval-forgotten", "# eval() forgotten\nprint(test_loss())\ntensor(0.1923)\n" },
  { "by up to 0.0031 in running_mean here,", "eval-forgotten", "print(moved.abs().max())\ntensor(0.0031)\n" },
  { "num_batches_tracked went from 100 to 101.", "eval-forgotten", "tensor(100)\n" },
  { "num_batches_tracked went from 100 to 101.", "eval-forgotten", "tensor(101)\n" },
  { "the eval loss still reads 0.1783 at four decimals,", "eval-forgotten",
    "tensor(0.0031)\nmodel.eval()\nprint(test_loss())\ntensor(0.1783)\n" },
  { "Missing key(s) in state_dict: \"1.running_var\".", "missing-buffer",
    "Missing key(s) in state_dict: \"1.running_var\". \n" },
  { "equal, value for value.", "missing-buffer", "print(torch.equal(a, b))\nTrue\n" },
};

static void
test_text_quotes_real_pytorch_numbers (void)
{
  g_autoptr (NnbLesson) lesson = nnb_test_lesson ("modes");
  GString *text = g_string_new (NULL);
  g_autofree char *all = NULL;

  for (guint s = 0; s < lesson->steps->len; s++)
    {
      NnbLessonStep *step = lesson->steps->pdata[s];

      for (guint b = 0; b < step->blocks->len; b++)
        g_string_append_printf (text, "%s\n", ((NnbLessonBlock *) step->blocks->pdata[b])->text);
    }
  all = g_string_free (text, FALSE);
  for (guint i = 0; i < G_N_ELEMENTS (quotes); i++)
    {
      if (strstr (all, quotes[i].sentence) == NULL)
        g_error ("the lesson does not say “%s”", quotes[i].sentence);
      if (strstr (golden_show (quotes[i].show), quotes[i].printed) == NULL)
        g_error ("the lesson says “%s”, but PyTorch's %s did not print “%s”", quotes[i].sentence, quotes[i].show,
                 quotes[i].printed);
    }
}

static void
test_cli_runs_the_lesson_headless (void)
{
  const char *argv[] = { g_getenv ("NNB_CLI"), "lesson", "modes", NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_nonnull (argv[0]);
  g_assert_cmpint (nnb_test_run (argv, &out, &err), ==, 0);
  g_assert_nonnull (strstr (out, "6 of 6 steps passed their checks.\n"));
  g_assert_null (strstr (out, "✗"));
  for (guint i = 0; i < G_N_ELEMENTS (printouts); i++)
    {
      g_autofree char *want = nnb_test_lesson_indented (golden_show (printouts[i].show));

      if (strstr (out, want) == NULL)
        g_error ("nnblocks-cli lesson modes did not print\n%s", want);
    }
}

static void
test_cli_lists_the_lesson (void)
{
  const char *argv[] = { g_getenv ("NNB_CLI"), "lesson", "--list", NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (nnb_test_run (argv, &out, &err), ==, 0);
  g_assert_nonnull (strstr (out, "modes      Train mode, eval mode and buffers\n"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/lesson-modes/is-built-in-with-show-me-and-check-on-every-step",
                   test_is_built_in_with_show_me_and_check_on_every_step);
  g_test_add_func ("/lesson-modes/every-step-prints-pytorchs-output-and-passes",
                   test_every_step_prints_pytorchs_output_and_passes);
  g_test_add_func ("/lesson-modes/text-quotes-real-pytorch-numbers", test_text_quotes_real_pytorch_numbers);
  g_test_add_func ("/lesson-modes/cli-runs-the-lesson-headless", test_cli_runs_the_lesson_headless);
  g_test_add_func ("/lesson-modes/cli-lists-the-lesson", test_cli_lists_the_lesson);
  return g_test_run ();
}
