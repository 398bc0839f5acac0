/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-lesson.c — a lesson's memory, reading lesson files and finding
 * them; the XML itself is read in nnb-lesson-parse.c. */
#include "nnb-config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "nnb-error.h"
#include "nnb-file-read.h"
#include "nnb-lesson-private.h"

#define RESOURCE_BASE "/io/github/nnblocks/NNBlocks/"
#define LESSON_SUFFIX ".lesson"

/* The built-in lessons and examples (data/lessons/nnb-lessons.gresource.xml).
 * Naming the getter keeps the generated object in every program that reads
 * lessons: its constructor registers the resource. */
GResource *nnb_lessons_get_resource (void);

static void
block_free (gpointer data)
{
  NnbLessonBlock *block = data;

  g_free (block->text);
  g_free (block);
}

static void
check_free (gpointer data)
{
  NnbLessonCheck *check = data;

  g_free (check->text);
  g_free (check->parameter);
  nnb_data_spec_clear (&check->data);
  g_free (check);
}

void
nnb_lesson_check_free (NnbLessonCheck *check)
{
  check_free (check);
}

static void
step_free (gpointer data)
{
  NnbLessonStep *step = data;

  g_free (step->id);
  g_free (step->title);
  g_ptr_array_unref (step->blocks);
  g_free (step->keep);
  g_free (step->load_example);
  g_free (step->load_file);
  g_free (step->load_json);
  nnb_data_spec_clear (&step->data);
  g_free (step->show_parameter);
  g_ptr_array_unref (step->checks);
  g_free (step);
}

NnbLessonStep *
nnb_lesson_step_new (const char *id)
{
  NnbLessonStep *step = g_new0 (NnbLessonStep, 1);

  step->id = g_strdup (id);
  step->blocks = g_ptr_array_new_with_free_func (block_free);
  step->checks = g_ptr_array_new_with_free_func (check_free);
  return step;
}

NnbLesson *
nnb_lesson_new (const char *id)
{
  NnbLesson *lesson = g_new0 (NnbLesson, 1);

  lesson->id = g_strdup (id);
  lesson->steps = g_ptr_array_new_with_free_func (step_free);
  lesson->ref_count = 1;
  return lesson;
}

NnbLesson *
nnb_lesson_ref (NnbLesson *lesson)
{
  g_return_val_if_fail (lesson != NULL, NULL);
  g_atomic_int_inc (&lesson->ref_count);
  return lesson;
}

void
nnb_lesson_unref (NnbLesson *lesson)
{
  if (lesson == NULL || !g_atomic_int_dec_and_test (&lesson->ref_count))
    return;
  g_free (lesson->id);
  g_free (lesson->title);
  g_free (lesson->base_dir);
  g_ptr_array_unref (lesson->steps);
  g_free (lesson);
}

static char *
id_from_path (const char *path)
{
  g_autofree char *base = g_path_get_basename (path);

  if (g_str_has_suffix (base, LESSON_SUFFIX))
    base[strlen (base) - strlen (LESSON_SUFFIX)] = '\0';
  return g_steal_pointer (&base);
}

NnbLesson *
nnb_lesson_new_from_file (const char *path, GError **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *id = id_from_path (path);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr (GError) local = NULL;
  gsize length;
  NnbLesson *lesson;

  /* only a regular file: a pipe named NAME.lesson would hang the app */
  if (!nnb_file_read (path, NNB_FILE_READ_MAX_LESSON_MB, &contents, &length, error))
    return NULL;
  lesson = nnb_lesson_new_from_data (id, contents, length, dir, &local);
  if (lesson == NULL)
    g_set_error (error, local->domain, local->code, _("The lesson “%s” cannot be read. %s"), path, local->message);
  return lesson;
}

/* Finding lessons */

char *
nnb_lesson_user_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "nnblocks", "lessons", NULL);
}

static void
add_user_ids (GPtrArray *ids)
{
  g_autofree char *dir_path = nnb_lesson_user_dir ();
  g_autoptr (GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;

  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, LESSON_SUFFIX) && strlen (name) > strlen (LESSON_SUFFIX))
      {
        g_autofree char *id = id_from_path (name);

        if (!g_ptr_array_find_with_equal_func (ids, id, g_str_equal, NULL))
          g_ptr_array_add (ids, g_steal_pointer (&id));
      }
}

static int
compare_ids (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

GPtrArray *
nnb_lesson_list_ids (void)
{
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  g_auto (GStrv) names = NULL;

  nnb_lessons_get_resource ();
  names = g_resources_enumerate_children (RESOURCE_BASE "lessons", G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  for (int i = 0; names != NULL && names[i] != NULL; i++)
    if (g_str_has_suffix (names[i], LESSON_SUFFIX))
      g_ptr_array_add (ids, id_from_path (names[i]));
  add_user_ids (ids);
  g_ptr_array_sort (ids, compare_ids);
  return ids;
}

static gboolean
valid_id (const char *id)
{
  if (*id == '\0' || *id == '.')
    return FALSE;
  for (const char *p = id; *p; p++)
    if (*p == '/' || *p == '\\')
      return FALSE;
  return TRUE;
}

NnbLesson *
nnb_lesson_find (const char *id, GError **error)
{
  g_autofree char *file_name = NULL;
  g_autofree char *user_dir = NULL;
  g_autofree char *user_path = NULL;
  g_autofree char *resource = NULL;
  g_autoptr (GBytes) bytes = NULL;

  g_return_val_if_fail (id != NULL, NULL);

  if (valid_id (id))
    {
      file_name = g_strconcat (id, LESSON_SUFFIX, NULL);
      user_dir = nnb_lesson_user_dir ();
      user_path = g_build_filename (user_dir, file_name, NULL);
      /* the instructor's own version wins over the built-in one */
      if (g_file_test (user_path, G_FILE_TEST_IS_REGULAR))
        return nnb_lesson_new_from_file (user_path, error);

      nnb_lessons_get_resource ();
      resource = g_strconcat (RESOURCE_BASE "lessons/", file_name, NULL);
      bytes = g_resources_lookup_data (resource, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
      if (bytes != NULL)
        {
          gsize length;
          const char *xml = g_bytes_get_data (bytes, &length);
          return nnb_lesson_new_from_data (id, xml, length, NULL, error);
        }
    }

  {
    g_autoptr (GPtrArray) ids = nnb_lesson_list_ids ();
    g_autofree char *dir = nnb_lesson_user_dir ();
    g_autoptr (GString) names = g_string_new (NULL);

    for (guint i = 0; i < ids->len; i++)
      g_string_append_printf (names, "%s%s", i > 0 ? ", " : "", (char *) ids->pdata[i]);
    g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_IO,
                 _("There is no lesson named “%s”. The lessons are: %s. Your own lessons go in %s."),
                 id, names->str, dir);
    return NULL;
  }
}

int
nnb_lesson_find_step (const NnbLesson *lesson, const char *step_id)
{
  for (guint i = 0; i < lesson->steps->len; i++)
    if (g_str_equal (((NnbLessonStep *) lesson->steps->pdata[i])->id, step_id))
      return (int) i;
  return -1;
}

gboolean
nnb_lesson_step_loads (const NnbLessonStep *step)
{
  return step->load_example != NULL || step->load_file != NULL || step->load_json != NULL;
}

gboolean
nnb_lesson_step_has_settings (const NnbLessonStep *step)
{
  return step->has_lr || step->has_epochs || step->has_until_loss || step->has_log_every || step->has_loss;
}

gboolean
nnb_lesson_step_has_action (const NnbLessonStep *step)
{
  return nnb_lesson_step_loads (step) || step->keep != NULL || step->show != 0 ||
         step->mistake != NNB_LESSON_MISTAKE_NONE || step->train || nnb_lesson_step_has_settings (step);
}

GBytes *
nnb_lesson_lookup_example (const char *name, GError **error)
{
  g_autofree char *path = NULL;
  GBytes *bytes;

  nnb_lessons_get_resource ();
  path = g_strconcat (RESOURCE_BASE "examples/", name, ".nnb", NULL);
  bytes = valid_id (name) ? g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL) : NULL;
  if (bytes == NULL)
    g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_IO,
                 _("NN Blocks has no example project named “%s”."), name);
  return bytes;
}

void
nnb_lesson_step_apply_settings (const NnbLessonStep *step, NnbProject *project)
{
  if (step->has_lr)
    project->training.optimizer.lr = step->lr;
  if (step->has_epochs)
    project->training.epochs = step->epochs;
  if (step->has_until_loss)
    project->training.until_loss = step->until_loss;
  if (step->has_log_every)
    project->training.log_every = step->log_every;
  if (step->has_loss)
    {
      project->training.loss = step->loss;
      /* an option of CrossEntropyLoss only: the project must open again once saved */
      if (step->loss != NNB_LOSS_CROSS_ENTROPY)
        project->training.label_smoothing = 0;
    }
}

NnbProject *
nnb_lesson_step_load_project (const NnbLesson *lesson, const NnbLessonStep *step, GError **error)
{
  g_autoptr (NnbProject) project = NULL;

  g_return_val_if_fail (nnb_lesson_step_loads (step), NULL);

  if (step->load_example != NULL)
    {
      g_autoptr (GBytes) bytes = nnb_lesson_lookup_example (step->load_example, error);
      gsize length;
      const char *json;

      if (bytes == NULL)
        return NULL;
      json = g_bytes_get_data (bytes, &length);
      project = nnb_project_load_from_data (json, length, error);
    }
  else if (step->load_file != NULL)
    {
      g_autofree char *path = NULL;

      /* a built-in lesson's folder is its place in the resources */
      if (lesson->base_dir == NULL)
        {
          g_autoptr (GBytes) bytes = NULL;
          gsize length;
          const char *json;

          nnb_lessons_get_resource ();
          path = g_strconcat (RESOURCE_BASE "lessons/", step->load_file, NULL);
          bytes = g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
          if (bytes == NULL)
            {
              g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_IO,
                           _("The lesson “%s” loads “%s”, which it does not have."), lesson->id, step->load_file);
              return NULL;
            }
          json = g_bytes_get_data (bytes, &length);
          project = nnb_project_load_from_data (json, length, error);
        }
      else
        {
          path = g_path_is_absolute (step->load_file) ? g_strdup (step->load_file)
                                                      : g_build_filename (lesson->base_dir, step->load_file, NULL);
          project = nnb_project_load (path, error);
        }
    }
  else
    project = nnb_project_load_from_data (step->load_json, strlen (step->load_json), error);
  if (project == NULL)
    return NULL;

  if (step->has_init)
    {
      project->init_weight = step->init_weight;
      project->init_bias = step->init_bias;
      project->has_init_seed = step->has_init_seed;
      project->init_seed = step->init_seed;
    }
  if (step->has_data)
    {
      nnb_data_spec_clear (&project->data);
      nnb_data_spec_copy (&project->data, &step->data);
    }
  if (step->has_seed)
    project->seed = step->seed;
  nnb_lesson_step_apply_settings (step, project);
  return g_steal_pointer (&project);
}
