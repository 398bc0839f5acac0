/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-cli-lesson.c — `nnblocks-cli lesson day02`: a lesson in the terminal,
 * for computers and classrooms without a display. Every step's text, then
 * what its "Show me" does (models printed, traces, training logs, mistakes
 * with PyTorch's messages), then its checks. */
#include "nnb-config.h"

#include "nnb-cli.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "nnb-lesson-action.h"

#define WIDTH 78

/* indent starts the first line, hang every other one */
static void
print_wrapped (const char *text, const char *indent, const char *hang)
{
  g_auto (GStrv) words = g_strsplit (text, " ", -1);
  glong column = 0;
  glong indent_len = g_utf8_strlen (indent, -1);

  for (int i = 0; words[i] != NULL; i++)
    {
      glong len = g_utf8_strlen (words[i], -1);

      if (*words[i] == '\0')
        continue;
      if (column > 0 && column + 1 + len > WIDTH)
        {
          printf ("\n%s%s", hang, words[i]);
          column = g_utf8_strlen (hang, -1) + len;
        }
      else if (column == 0)
        {
          printf ("%s%s", indent, words[i]);
          column = indent_len + len;
        }
      else
        {
          printf (" %s", words[i]);
          column += 1 + len;
        }
    }
  printf ("\n");
}

static void
print_underlined (const char *text, const char *rule)
{
  glong len = g_utf8_strlen (text, -1);

  printf ("%s\n", text);
  for (glong i = 0; i < len; i++)
    printf ("%s", rule);
  printf ("\n");
}

static void
print_indented (const char *text)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);

  for (int i = 0; lines[i] != NULL; i++)
    {
      if (lines[i + 1] == NULL && *lines[i] == '\0')
        break; /* the text's own final newline */
      printf ("%s%s\n", *lines[i] != '\0' ? "    " : "", lines[i]);
    }
}

/* The model shown, and its data's training rows. */
typedef struct
{
  NnbProject *project;
  NnbDataset *data;
} Shown;

static void
shown_clear (Shown *shown)
{
  g_clear_pointer (&shown->project, nnb_project_free);
  g_clear_pointer (&shown->data, nnb_dataset_free);
}

/* What the step's "Show me" does. FALSE when it could not (the reason is
 * printed); the checks then say what is missing. */
static gboolean
show_me (NnbLesson *lesson, NnbLessonStep *step, Shown *shown, NnbLessonRun *run)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *printout = NULL;
  NnbProject **project = &shown->project;

  if (step->keep != NULL)
    nnb_lesson_run_keep (run, step->keep);
  if (nnb_lesson_step_loads (step))
    {
      g_autoptr (NnbProject) loaded = nnb_lesson_step_load_project (lesson, step, &error);
      g_autoptr (NnbDataset) data = loaded != NULL ? nnb_project_build (loaded, FALSE, &error) : NULL;

      if (data == NULL)
        {
          printf (_("Could not load this step’s model: %s\n"), error->message);
          return FALSE;
        }
      shown_clear (shown);
      *project = g_steal_pointer (&loaded);
      shown->data = g_steal_pointer (&data);
      nnb_lesson_run_forget (run);
      run->project = *project;
    }
  else if (*project != NULL)
    nnb_lesson_step_apply_settings (step, *project);

  if (step->show != 0 && *project != NULL)
    {
      printout = nnb_lesson_describe (step, *project, shown->data, &error);
      if (printout == NULL)
        {
          printf ("%s\n", error->message);
          return FALSE;
        }
      if (*printout != '\0')
        {
          printf ("\n");
          print_indented (printout);
        }
    }
  if (step->mistake != NNB_LESSON_MISTAKE_NONE)
    {
      g_autofree char *mistake = nnb_lesson_make_mistake (step, *project, shown->data, run);
      printf ("\n");
      print_indented (mistake);
    }
  if (step->train && *project != NULL)
    {
      /* the recipe again, so the training starts from the step's own seed */
      NnbDataset *data = nnb_project_build (*project, FALSE, &error);
      g_autofree char *log = NULL;

      if (data != NULL)
        {
          g_clear_pointer (&shown->data, nnb_dataset_free);
          shown->data = data;
          log = nnb_lesson_train (*project, data, run, &error);
        }
      if (log == NULL)
        {
          printf (_("Training could not run: %s\n"), error->message);
          return FALSE;
        }
      printf ("\n");
      print_indented (log);
    }
  return TRUE;
}

static int
list_lessons (void)
{
  g_autoptr (GPtrArray) ids = nnb_lesson_list_ids ();

  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (NnbLesson) lesson = nnb_lesson_find (ids->pdata[i], &error);

      if (lesson != NULL)
        printf ("%-10s %s\n", (char *) ids->pdata[i], lesson->title);
      else
        printf ("%-10s %s\n", (char *) ids->pdata[i], error->message);
    }
  return NNB_EXIT_OK;
}

/* One step as the panel shows it: its heading and text, what "Show me"
 * does, then its checks, counted in *n_checked and *n_passed. */
static void
run_step (NnbLesson *lesson, int i, Shown *shown, NnbLessonRun *run, guint *n_checked, guint *n_passed)
{
  NnbLessonStep *step = lesson->steps->pdata[i];
  g_autofree char *heading = g_strdup_printf ("[%d/%u] %s", i + 1, lesson->steps->len, step->title);

  printf ("\n");
  print_underlined (heading, "-");
  for (guint b = 0; b < step->blocks->len; b++)
    {
      NnbLessonBlock *block = step->blocks->pdata[b];

      printf ("\n");
      if (block->kind == NNB_LESSON_BLOCK_CODE)
        print_indented (block->text);
      else
        print_wrapped (block->text, "", "");
    }
  if (nnb_lesson_step_has_action (step))
    {
      printf ("\n%s\n", _("Show me:"));
      show_me (lesson, step, shown, run);
    }
  if (step->checks->len > 0)
    {
      g_autoptr (GPtrArray) results = NULL;
      gboolean passed = nnb_lesson_step_check (step, run, &results);

      printf ("\n%s\n", _("Check:"));
      for (guint c = 0; c < results->len; c++)
        {
          NnbLessonCheckResult *result = results->pdata[c];
          g_autofree char *line = g_strdup_printf ("%s %s", result->passed ? "✓" : "✗", result->message);
          print_wrapped (line, "  ", "    ");
        }
      (*n_checked)++;
      *n_passed += passed;
    }
}

int
nnb_cli_lesson (int argc, char **argv)
{
  static gboolean list = FALSE;
  static char *only = NULL;
  static const GOptionEntry entries[] = {
    { "list", 'l', 0, G_OPTION_ARG_NONE, &list, "List the lessons there are", NULL },
    { "step", 0, 0, G_OPTION_ARG_STRING, &only, "Run only the step with this id", "ID" },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("LESSON");
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbLesson) lesson = NULL;
  Shown shown = { NULL, NULL };
  NnbLessonRun run;
  guint n_checked = 0, n_passed = 0;
  int first = 0, last;

  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_summary (context,
                                "Runs a lesson in the terminal: its text, what each step's \"Show me\" does, and its checks.\n"
                                "Your own lessons go in ~/.local/share/nnblocks/lessons/NAME.lesson (docs/lessons.md).");
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "nnblocks-cli: %s\n", error->message);
      return NNB_EXIT_USAGE;
    }
  if (list)
    return list_lessons ();
  if (argc != 2)
    {
      g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);
      fprintf (stderr, "%s", help);
      return NNB_EXIT_USAGE;
    }

  lesson = nnb_lesson_find (argv[1], &error);
  if (lesson == NULL)
    return nnb_cli_fail (error);
  last = (int) lesson->steps->len - 1;
  if (only != NULL)
    {
      first = last = nnb_lesson_find_step (lesson, only);
      if (first < 0)
        {
          fprintf (stderr, "nnblocks-cli: the lesson %s has no step “%s”.\n", lesson->id, only);
          return NNB_EXIT_USAGE;
        }
    }

  /* one BLAS thread: the lesson's PyTorch numbers were measured that way */
  nnb_backend_cpu_set_threads (1);
  nnb_lesson_run_init (&run);

  print_underlined (lesson->title, "=");
  for (int i = first; i <= last; i++)
    run_step (lesson, i, &shown, &run, &n_checked, &n_passed);

  printf ("\n");
  printf (g_dngettext (GETTEXT_PACKAGE, "%u of %u step passed its checks.\n", "%u of %u steps passed their checks.\n", n_checked),
          n_passed, n_checked);
  run.project = NULL;
  nnb_lesson_run_clear (&run);
  shown_clear (&shown);
  return n_passed == n_checked ? NNB_EXIT_OK : NNB_EXIT_FAILURE;
}
