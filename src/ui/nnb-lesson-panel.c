/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-lesson-panel.c — the lesson pane: steps, progress, Show me and Check.
 *
 * "Show me" acts through the window's public ways in: a loaded model
 * becomes the window's document (nnb_window_show_document), training runs
 * through win.train, a curve is kept with win.pin-curve. While training
 * runs the panel follows the document's "training-state" (it never reads
 * the model then) and, once the run ends, prints the page's training log
 * from the snapshot.
 * "Check" reads what the window shows at that moment, so a model the
 * student built and trained without Show me is checked just the same. */
#include "nnb-config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "nnb-lesson-action.h"
#include "nnb-lesson-panel-private.h"
#include "nnb-window.h"
#include "nnb-ui-test-access.h" /* defines some of these */

#define MAX_WIDTH_CHARS 16 /* wrapping labels ask for this much and take the width the pane has */
#define PASSED_KEY "lesson-passed"

G_DEFINE_FINAL_TYPE (NnbLessonPanel, nnb_lesson_panel, ADW_TYPE_BIN)

static NnbWindow *
get_window (NnbLessonPanel *self)
{
  GtkWidget *window = gtk_widget_get_ancestor (GTK_WIDGET (self), NNB_TYPE_WINDOW);

  return window != NULL ? NNB_WINDOW (window) : NULL;
}

static NnbLessonStep *
current_step (NnbLessonPanel *self)
{
  if (self->lesson == NULL)
    return NULL;
  return self->lesson->steps->pdata[self->step];
}

/* Progress */

static char *
passed_key (NnbLessonPanel *self, const NnbLessonStep *step)
{
  return g_strdup_printf ("%s/%s", self->lesson->id, step->id);
}

static void
load_progress (NnbLessonPanel *self)
{
  g_auto (GStrv) done = NULL;

  g_hash_table_remove_all (self->passed);
  if (self->settings == NULL || self->lesson == NULL)
    return;
  done = g_settings_get_strv (self->settings, PASSED_KEY);
  for (guint i = 0; i < self->lesson->steps->len; i++)
    {
      NnbLessonStep *step = self->lesson->steps->pdata[i];
      g_autofree char *key = passed_key (self, step);

      if (g_strv_contains ((const char *const *) done, key))
        g_hash_table_add (self->passed, g_strdup (step->id));
    }
}

static void
save_passed (NnbLessonPanel *self, const NnbLessonStep *step)
{
  g_auto (GStrv) done = NULL;
  g_autofree char *key = passed_key (self, step);
  g_autoptr (GStrvBuilder) builder = NULL;
  g_auto (GStrv) updated = NULL;

  g_hash_table_add (self->passed, g_strdup (step->id));
  if (self->settings == NULL)
    return;
  done = g_settings_get_strv (self->settings, PASSED_KEY);
  if (g_strv_contains ((const char *const *) done, key))
    return;
  builder = g_strv_builder_new ();
  g_strv_builder_addv (builder, (const char **) done);
  g_strv_builder_add (builder, key);
  updated = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, PASSED_KEY, (const char *const *) updated);
}

static void
update_progress (NnbLessonPanel *self)
{
  guint checked = 0, passed = 0;
  g_autofree char *text = NULL;

  for (guint i = 0; i < self->lesson->steps->len; i++)
    {
      NnbLessonStep *step = self->lesson->steps->pdata[i];

      /* the checks are counted, not the steps: three ✓ are three */
      checked += step->checks->len;
      if (g_hash_table_contains (self->passed, step->id))
        passed += step->checks->len;
      else
        passed += GPOINTER_TO_UINT (g_hash_table_lookup (self->partly, step->id));
    }
  /* Translators: the lesson's progress: "Step 3 of 16 · 2 of 13 checks passed" */
  text = g_strdup_printf (_("Step %u of %u · %u of %u checks passed"), self->step + 1, self->lesson->steps->len,
                          passed, checked);
  gtk_label_set_text (self->progress_label, text);
  gtk_progress_bar_set_fraction (self->progress_bar, checked > 0 ? (double) passed / checked : 0);
}

/* Showing a step */

static void
set_output (NnbLessonPanel *self, const char *text)
{
  g_string_assign (self->output, text);
  gtk_label_set_text (self->output_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->output_scroller), *text != '\0');
  gtk_widget_set_visible (GTK_WIDGET (self->output_heading), *text != '\0');
}

static void
append_output (NnbLessonPanel *self, const char *text)
{
  g_autoptr (GString) all = g_string_new (self->output->str);

  if (*text == '\0')
    return;
  if (all->len > 0 && all->str[all->len - 1] != '\n')
    g_string_append_c (all, '\n');
  if (all->len > 0)
    g_string_append_c (all, '\n');
  g_string_append (all, text);
  set_output (self, all->str);
}

static void
clear_result (NnbLessonPanel *self)
{
  GtkWidget *child;

  g_clear_pointer (&self->result, g_free);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->result_box))) != NULL)
    gtk_box_remove (self->result_box, child);
  gtk_widget_set_visible (GTK_WIDGET (self->result_box), FALSE);
}

/* One line of Check's log, green when it passed and red when not: a
 * failing check never turns the lines that passed red. */
static void
add_result (NnbLessonPanel *self, const char *text, gboolean passed)
{
  GtkWidget *label = gtk_label_new (text);
  char *all = g_strconcat (self->result != NULL ? self->result : "", self->result != NULL ? "\n" : "", text, NULL);

  g_free (self->result);
  self->result = all;
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_max_width_chars (GTK_LABEL (label), MAX_WIDTH_CHARS);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, passed ? "success" : "error");
  gtk_box_append (self->result_box, label);
  gtk_widget_set_visible (GTK_WIDGET (self->result_box), TRUE);
}

static void
update_actions (NnbLessonPanel *self)
{
  NnbLessonStep *step = current_step (self);
  gboolean busy = self->waiting;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lesson.previous", step != NULL && self->step > 0 && !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lesson.next",
                                 step != NULL && self->step + 1 < self->lesson->steps->len && !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lesson.show-me",
                                 step != NULL && nnb_lesson_step_has_action (step) && !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lesson.check", step != NULL && step->checks->len > 0 && !busy);
}

static void
show_step (NnbLessonPanel *self)
{
  NnbLessonStep *step = current_step (self);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->content_box))) != NULL)
    gtk_box_remove (self->content_box, child);
  set_output (self, "");
  clear_result (self);
  update_actions (self);
  if (step == NULL)
    return;

  gtk_label_set_text (self->step_title, step->title);
  gtk_widget_set_visible (GTK_WIDGET (self->passed_icon), g_hash_table_contains (self->passed, step->id));
  for (guint i = 0; i < step->blocks->len; i++)
    {
      NnbLessonBlock *block = step->blocks->pdata[i];
      GtkWidget *label = gtk_label_new (block->text);

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_selectable (GTK_LABEL (label), TRUE);
      if (block->kind == NNB_LESSON_BLOCK_CODE)
        {
          /* code keeps its lines and indentation: it scrolls sideways
           * instead of breaking */
          GtkWidget *scroller = gtk_scrolled_window_new ();

          gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_AUTOMATIC, GTK_POLICY_NEVER);
          gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroller), TRUE);
          gtk_widget_add_css_class (scroller, "card");
          gtk_widget_add_css_class (label, "monospace");
          gtk_widget_set_margin_top (label, 6);
          gtk_widget_set_margin_bottom (label, 6);
          gtk_widget_set_margin_start (label, 6);
          gtk_widget_set_margin_end (label, 6);
          gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), label);
          gtk_box_append (self->content_box, scroller);
          continue;
        }
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
      /* a wrapping label asks for its whole text's width otherwise, and the
       * lesson would push the diagram aside */
      gtk_label_set_max_width_chars (GTK_LABEL (label), MAX_WIDTH_CHARS);
      gtk_box_append (self->content_box, label);
    }
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0);
  update_progress (self);

  if (self->settings != NULL)
    g_settings_set_uint (self->settings, "last-step", self->step);
}

/* What the window shows, as the checks read it */

static gboolean
is_finished (NnbTrainerState state)
{
  return state != NNB_TRAINER_IDLE && state != NNB_TRAINER_RUNNING && state != NNB_TRAINER_PAUSED;
}

/* Follows the window: another document means what was done to the old one
 * no longer counts; a trainer that ended says how training went, whoever
 * pressed Train. */
static void
sync_run (NnbLessonPanel *self)
{
  NnbWindow *window = get_window (self);
  NnbDocument *document = window != NULL ? nnb_window_get_document (window) : NULL;
  NnbTrainer *trainer;

  if (document != self->document)
    {
      g_set_object (&self->document, document);
      g_signal_group_set_target (self->document_signals, document);
      nnb_lesson_run_forget (&self->run);
    }
  self->run.project = document != NULL ? nnb_document_get_project (document) : NULL;
  trainer = document != NULL ? nnb_document_get_trainer (document) : NULL;
  /* the trainer is the one record of training: when the model or the
   * settings change the window drops it, and an old loss no longer counts */
  self->run.trained = FALSE;
  self->run.diverged = FALSE;
  self->run.accuracy = NAN;
  if (trainer != NULL)
    {
      g_autoptr (NnbSnapshot) snapshot = nnb_trainer_get_snapshot (trainer);

      if (is_finished (snapshot->state) || (snapshot->state == NNB_TRAINER_PAUSED && snapshot->epoch > 0))
        {
          self->run.trained = TRUE;
          self->run.diverged = snapshot->state == NNB_TRAINER_DIVERGED;
          self->run.final_loss = snapshot->loss;
          self->run.accuracy = snapshot->accuracies->len > 0
                                 ? g_array_index (snapshot->accuracies, double, snapshot->accuracies->len - 1)
                                 : NAN;
          /* the epoch whose loss was NaN counts too, as the CLI counts it */
          self->run.epochs = snapshot->epoch + (self->run.diverged ? 1 : 0);
          self->run.finite_epochs =
            nnb_lesson_finite_epochs ((const double *) snapshot->losses->data, (int) snapshot->losses->len);
        }
    }
  else if (document != NULL)
    {
      GArray *losses = NULL;
      NnbTrainerState state = nnb_document_get_past_run (document, &losses);

      /* a recovered project's run counts as its trainer's did */
      if (state != NNB_TRAINER_IDLE && losses != NULL && losses->len > 0)
        {
          self->run.trained = TRUE;
          self->run.diverged = state == NNB_TRAINER_DIVERGED;
          self->run.final_loss = g_array_index (losses, double, losses->len - 1);
          self->run.epochs = (int) losses->len + (self->run.diverged ? 1 : 0);
          self->run.finite_epochs = nnb_lesson_finite_epochs ((const double *) losses->data, (int) losses->len);
        }
    }
}

/* Show me */

/* The document's training-state changed while Show me waits: a run that
 * ended prints its log; a dropped trainer (the window took another
 * document, or the settings or the model changed) ends the wait without. */
static void
training_state_cb (NnbLessonPanel *self)
{
  NnbDocument *document = self->document;
  NnbTrainer *trainer = document != NULL ? nnb_document_get_trainer (document) : NULL;
  g_autoptr (NnbSnapshot) snapshot = NULL;
  g_autofree char *log = NULL;
  g_autofree char *line = NULL;
  const double *accuracies;
  NnbProject *project;

  g_assert (NNB_IS_LESSON_PANEL (self));

  if (!self->waiting)
    return;
  if (trainer == NULL)
    {
      self->waiting = FALSE;
      update_actions (self);
      return;
    }
  if (nnb_document_get_training_state (document) != NNB_TRAINING_FINISHED)
    return;

  self->waiting = FALSE;
  /* the log replaces "Training…" */
  if (self->before_training != NULL)
    set_output (self, self->before_training);
  g_clear_pointer (&self->before_training, g_free);
  snapshot = nnb_trainer_get_snapshot (trainer);
  project = nnb_document_get_project (document);
  /* a class run's log has its accuracy on every line */
  accuracies = snapshot->accuracies->len == snapshot->losses->len ? (const double *) snapshot->accuracies->data : NULL;
  log = nnb_lesson_training_log (&project->training, (const double *) snapshot->losses->data, accuracies,
                                 (int) snapshot->losses->len, snapshot->state == NNB_TRAINER_CONVERGED,
                                 snapshot->state == NNB_TRAINER_DIVERGED);
  append_output (self, log);
  if (snapshot->message != NULL)
    append_output (self, snapshot->message);
  if (snapshot->state == NNB_TRAINER_FINISHED || snapshot->state == NNB_TRAINER_CONVERGED)
    line = nnb_lesson_learned_line (project);
  if (line != NULL)
    append_output (self, line);
  sync_run (self);
  update_actions (self);
}

static void show_me (NnbLessonPanel *self);

/* Unsaved work was saved or discarded: Show me goes on. */
static void
show_me_confirmed (NnbWindow *window, gpointer user_data)
{
  show_me (user_data);
}

static void
show_me (NnbLessonPanel *self)
{
  NnbLessonStep *step = current_step (self);
  NnbWindow *window = get_window (self);
  g_autoptr (GError) error = NULL;
  NnbProject *project;
  NnbDataset *data;

  if (step == NULL || window == NULL || self->waiting)
    return;
  /* a model that replaces the student's unsaved work asks first */
  if (nnb_lesson_step_loads (step) && !nnb_window_may_replace_document (window, TRUE))
    {
      nnb_window_replace_document (window, TRUE, show_me_confirmed, g_object_ref (self), g_object_unref);
      return;
    }
  set_output (self, "");
  clear_result (self);
  sync_run (self);

  if (step->keep != NULL)
    {
      /* the run kept for comparison, and its curve stays on the plot */
      nnb_lesson_run_keep (&self->run, step->keep);
      /* class data has no curve to pin, only its loss to compare */
      if (self->run.trained && self->run.project != NULL && !nnb_data_spec_has_classes (&self->run.project->data))
        g_action_group_activate_action (G_ACTION_GROUP (window), "pin-curve", NULL);
    }

  if (nnb_lesson_step_loads (step))
    {
      g_autoptr (NnbProject) loaded = nnb_lesson_step_load_project (self->lesson, step, &error);
      g_autoptr (NnbDataset) data = loaded != NULL ? nnb_project_build (loaded, FALSE, &error) : NULL;
      g_autoptr (NnbDocument) document = NULL;
      const char *name;

      if (data == NULL)
        {
          g_autofree char *message = g_strdup_printf (_("Could not load this step’s model: %s"), error->message);
          set_output (self, message);
          return;
        }
      name = loaded->model->class_name;
      document = nnb_document_new (g_steal_pointer (&loaded), g_steal_pointer (&data), name);
      nnb_document_set_replayable (document, TRUE);
      nnb_window_show_document (window, document);
      sync_run (self);
    }
  /* new settings make the last run someone else's; a step that only
   * shows what was trained keeps it */
  else if (self->document != NULL && !nnb_document_is_training (self->document) &&
           nnb_lesson_step_has_settings (step))
    {
      nnb_lesson_step_apply_settings (step, nnb_document_get_project (self->document));
      nnb_document_drop_trainer (self->document);
    }

  project = self->run.project;
  data = self->document != NULL ? nnb_document_get_dataset (self->document) : NULL;
  if (step->show != 0 && project != NULL)
    {
      g_autofree char *printout = nnb_lesson_describe (step, project, data, &error);
      set_output (self, printout != NULL ? printout : error->message);
    }
  if (step->mistake != NNB_LESSON_MISTAKE_NONE)
    {
      g_autofree char *mistake = nnb_lesson_make_mistake (step, project, data, &self->run);
      append_output (self, mistake);
    }
  if (step->train && self->document != NULL)
    {
      g_action_group_activate_action (G_ACTION_GROUP (window), "train", NULL);
      if (nnb_document_get_trainer (self->document) != NULL)
        {
          self->waiting = TRUE;
          g_free (self->before_training);
          self->before_training = g_strdup (self->output->str);
          append_output (self, _("Training…"));
        }
      else
        append_output (self, _("Training could not start: the window says why."));
    }
  update_actions (self);
}

/* After layout, so the result's height is known: the student sees it
 * without scrolling. */
static gboolean
scroll_to_end (gpointer user_data)
{
  NnbLessonPanel *self = user_data;
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->scroller);

  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
  return G_SOURCE_REMOVE;
}

static void
check (NnbLessonPanel *self)
{
  NnbLessonStep *step = current_step (self);
  g_autoptr (GPtrArray) results = NULL;
  gboolean passed;
  guint n_passed = 0;

  if (step == NULL || self->waiting)
    return;
  sync_run (self);
  if (self->document != NULL && nnb_document_is_training (self->document))
    {
      clear_result (self);
      add_result (self, _("Training is still running: wait until it ends, then press Check."), FALSE);
      return;
    }
  passed = nnb_lesson_step_check (step, &self->run, &results);
  clear_result (self);
  for (guint i = 0; i < results->len; i++)
    {
      NnbLessonCheckResult *result = results->pdata[i];
      g_autofree char *line = g_strdup_printf ("%s %s", result->passed ? "✓" : "✗", result->message);

      add_result (self, line, result->passed);
      n_passed += result->passed;
    }
  if (!passed)
    {
      g_hash_table_replace (self->partly, g_strdup (step->id), GUINT_TO_POINTER (n_passed));
      update_progress (self);
    }
  g_idle_add_full (G_PRIORITY_LOW, scroll_to_end, g_object_ref (self), g_object_unref);
  if (passed)
    {
      save_passed (self, step);
      gtk_widget_set_visible (GTK_WIDGET (self->passed_icon), TRUE);
      update_progress (self);
    }
}

static void
lesson_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  NnbLessonPanel *self = NNB_LESSON_PANEL (widget);

  if (self->lesson == NULL)
    return;
  if (g_str_equal (action_name, "lesson.next"))
    nnb_lesson_panel_set_step (self, self->step + 1);
  else if (g_str_equal (action_name, "lesson.previous") && self->step > 0)
    nnb_lesson_panel_set_step (self, self->step - 1);
  else if (g_str_equal (action_name, "lesson.show-me"))
    show_me (self);
  else if (g_str_equal (action_name, "lesson.check"))
    check (self);
}

/* Public */

void
nnb_lesson_panel_set_lesson (NnbLessonPanel *self, NnbLesson *lesson)
{
  g_return_if_fail (NNB_IS_LESSON_PANEL (self));

  self->waiting = FALSE;
  if (lesson != NULL)
    nnb_lesson_ref (lesson);
  g_clear_pointer (&self->lesson, nnb_lesson_unref);
  self->lesson = lesson;
  self->step = 0;
  load_progress (self);
  if (lesson != NULL && self->settings != NULL)
    self->step = MIN (g_settings_get_uint (self->settings, "last-step"), lesson->steps->len - 1);
  show_step (self);
}

NnbLesson *
nnb_lesson_panel_get_lesson (NnbLessonPanel *self)
{
  g_return_val_if_fail (NNB_IS_LESSON_PANEL (self), NULL);
  return self->lesson;
}

guint
nnb_lesson_panel_get_step (NnbLessonPanel *self)
{
  g_return_val_if_fail (NNB_IS_LESSON_PANEL (self), 0);
  return self->step;
}

void
nnb_lesson_panel_set_step (NnbLessonPanel *self, guint step)
{
  g_return_if_fail (NNB_IS_LESSON_PANEL (self));

  if (self->lesson == NULL || step >= self->lesson->steps->len || self->waiting)
    return;
  self->step = step;
  show_step (self);
}

gboolean
nnb_lesson_panel_is_busy (NnbLessonPanel *self)
{
  g_return_val_if_fail (NNB_IS_LESSON_PANEL (self), FALSE);
  return self->waiting;
}

gboolean
nnb_lesson_panel_step_passed (NnbLessonPanel *self, guint step)
{
  g_return_val_if_fail (NNB_IS_LESSON_PANEL (self), FALSE);

  if (self->lesson == NULL || step >= self->lesson->steps->len)
    return FALSE;
  return g_hash_table_contains (self->passed, ((NnbLessonStep *) self->lesson->steps->pdata[step])->id);
}

const char *
nnb_lesson_panel_get_output (NnbLessonPanel *self)
{
  g_return_val_if_fail (NNB_IS_LESSON_PANEL (self), NULL);
  return self->output->str;
}

const char *
nnb_lesson_panel_get_result (NnbLessonPanel *self)
{
  g_return_val_if_fail (NNB_IS_LESSON_PANEL (self), NULL);
  return self->result != NULL ? self->result : "";
}

/* GObject */

static void
nnb_lesson_panel_dispose (GObject *object)
{
  NnbLessonPanel *self = NNB_LESSON_PANEL (object);

  self->waiting = FALSE;
  if (self->document_signals != NULL)
    g_signal_group_set_target (self->document_signals, NULL);
  g_clear_object (&self->document_signals);
  g_clear_object (&self->document);
  gtk_widget_dispose_template (GTK_WIDGET (self), NNB_TYPE_LESSON_PANEL);
  G_OBJECT_CLASS (nnb_lesson_panel_parent_class)->dispose (object);
}

static void
nnb_lesson_panel_finalize (GObject *object)
{
  NnbLessonPanel *self = NNB_LESSON_PANEL (object);

  g_clear_pointer (&self->lesson, nnb_lesson_unref);
  g_clear_pointer (&self->passed, g_hash_table_unref);
  g_clear_pointer (&self->partly, g_hash_table_unref);
  g_clear_object (&self->settings);
  self->run.project = NULL;
  nnb_lesson_run_clear (&self->run);
  g_string_free (self->output, TRUE);
  g_free (self->before_training);
  g_free (self->result);
  G_OBJECT_CLASS (nnb_lesson_panel_parent_class)->finalize (object);
}

static void
nnb_lesson_panel_class_init (NnbLessonPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nnb_lesson_panel_dispose;
  object_class->finalize = nnb_lesson_panel_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/nnblocks/NNBlocks/ui/nnb-lesson-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, NnbLessonPanel, progress_label);
  gtk_widget_class_bind_template_child (widget_class, NnbLessonPanel, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, NnbLessonPanel, scroller);
  gtk_widget_class_bind_template_child (widget_class, NnbLessonPanel, passed_icon);
  gtk_widget_class_bind_template_child (widget_class, NnbLessonPanel, step_title);
  gtk_widget_class_bind_template_child (widget_class, NnbLessonPanel, content_box);
  gtk_widget_class_bind_template_child (widget_class, NnbLessonPanel, output_heading);
  gtk_widget_class_bind_template_child (widget_class, NnbLessonPanel, output_scroller);
  gtk_widget_class_bind_template_child (widget_class, NnbLessonPanel, output_label);
  gtk_widget_class_bind_template_child (widget_class, NnbLessonPanel, result_box);
  gtk_widget_class_bind_template_child (widget_class, NnbLessonPanel, width_handle);
  /* for the tests, which look where the buttons are */
  gtk_widget_class_bind_template_child_full (widget_class, "show_me_button", FALSE, 0);
  gtk_widget_class_bind_template_child_full (widget_class, "check_button", FALSE, 0);
  gtk_widget_class_bind_template_child_full (widget_class, "next_button", FALSE, 0);

  gtk_widget_class_install_action (widget_class, "lesson.previous", NULL, lesson_action);
  gtk_widget_class_install_action (widget_class, "lesson.next", NULL, lesson_action);
  gtk_widget_class_install_action (widget_class, "lesson.show-me", NULL, lesson_action);
  gtk_widget_class_install_action (widget_class, "lesson.check", NULL, lesson_action);
}

static void
nnb_lesson_panel_init (NnbLessonPanel *self)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = source != NULL ? g_settings_schema_source_lookup (source, APP_ID, TRUE) : NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->passed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->partly = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->output = g_string_new (NULL);
  nnb_lesson_run_init (&self->run);
  self->document_signals = g_signal_group_new (NNB_TYPE_DOCUMENT);
  g_signal_group_connect_swapped (self->document_signals, "notify::training-state",
                                  G_CALLBACK (training_state_cb), self);

  /* Without the schema (or an older one) progress lasts for this run only. */
  if (schema != NULL && g_settings_schema_has_key (schema, PASSED_KEY) && g_settings_schema_has_key (schema, "last-step"))
    self->settings = g_settings_new (APP_ID);
  _nnb_lesson_panel_init_width (self, schema);
  update_actions (self);
}
