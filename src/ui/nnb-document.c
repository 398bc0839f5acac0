/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-document.c — an open project and the work done on it. */
#include "nnb-config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "nnb-document.h"

#define PROJECT_SUFFIX ".nnb"

struct _NnbDocument
{
  GObject parent_instance;

  GFile *file;
  char *name;
  NnbProject *project;
  NnbDataset *dataset; /* the trainer borrows it: freed after the trainer */
  NnbTrainer *trainer; /* NULL until the first Train */
  /* PyTorch's default generator as the recipe left it when the data and
   * weights were built, advanced by every epoch trained since (the trainer
   * borrows it): Train after a settings change or a finished run draws on
   * from there, like another training loop in the same script; rebuilding
   * (reset, a new graph) replays the recipe and starts it again. */
  NnbGenerator shuffle;
  gboolean dirty;
  gboolean replayable;
  NnbTrainingState training_state;
  NnbTrainerState past_state; /* the run the weights came from (a recovery) */
  GArray *past_losses;
  /* its norms' history, as a snapshot holds it (nnb_document_set_past_norms) */
  GArray *past_norm_epochs;
  GArray *past_value_norms;
  GArray *past_grad_norms;
};

G_DEFINE_FINAL_TYPE (NnbDocument, nnb_document, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (NnbTrainingState, nnb_training_state,
                    G_DEFINE_ENUM_VALUE (NNB_TRAINING_IDLE, "idle"),
                    G_DEFINE_ENUM_VALUE (NNB_TRAINING_RUNNING, "running"),
                    G_DEFINE_ENUM_VALUE (NNB_TRAINING_PAUSED, "paused"),
                    G_DEFINE_ENUM_VALUE (NNB_TRAINING_FINISHED, "finished"))

enum
{
  PROP_0,
  PROP_DIRTY,
  PROP_TRAINING_STATE,
  N_PROPS
};

enum
{
  REBUILT,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static char *
name_from_display_name (const char *display_name)
{
  if (g_str_has_suffix (display_name, PROJECT_SUFFIX) && strlen (display_name) > strlen (PROJECT_SUFFIX))
    return g_strndup (display_name, strlen (display_name) - strlen (PROJECT_SUFFIX));

  return g_strdup (display_name);
}

/* Loading, on a GTask worker: nothing here touches a widget. */

static void
load_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  GFile *file = task_data;
  g_autoptr (GFileInfo) info = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbProject) project = NULL;
  g_autoptr (NnbDataset) dataset = NULL;
  g_autofree char *path = NULL;
  NnbGenerator shuffle;
  NnbDocument *self;

  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_DISPLAY_NAME "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
                            G_FILE_QUERY_INFO_NONE, cancellable, &error);

  /* GIO's messages name the system call; say it the way a student would. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    {
      g_autofree char *name = g_file_get_parse_name (file);

      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               _("There is no file “%s”. Check the name, or choose the project with Open."), name);
      return;
    }
  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    {
      g_autofree char *name = g_file_get_parse_name (file);

      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE,
                               _("“%s” is not a file. Choose a project file (.nnb)."), name);
      return;
    }

  path = g_file_get_path (file);
  if (path == NULL)
    {
      g_autofree char *name = g_file_get_parse_name (file);

      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("“%s” is not on this computer. Copy it into a folder here and open it from there."),
                               name);
      return;
    }

  project = nnb_project_load (path, &error);
  if (project != NULL)
    dataset = nnb_project_build_for_training (project, TRUE, &shuffle, &error);
  if (dataset == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  self = g_object_new (NNB_TYPE_DOCUMENT, NULL);
  self->file = g_object_ref (file);
  self->name = name_from_display_name (g_file_info_get_display_name (info));
  self->project = g_steal_pointer (&project);
  self->dataset = g_steal_pointer (&dataset);
  self->shuffle = shuffle;
  g_task_return_pointer (task, self, g_object_unref);
}

void
nnb_document_load_async (GFile *file,
                         GCancellable *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, nnb_document_load_async);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, load_thread);
}

NnbDocument *
nnb_document_load_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* A project made in memory (a lesson step's model): no file until it is
 * saved; name is what the window and the plots' legend call it. */
NnbDocument *
nnb_document_new (NnbProject *project, NnbDataset *dataset, const char *name)
{
  NnbDocument *self;

  g_return_val_if_fail (project != NULL && dataset != NULL && name != NULL, NULL);

  self = g_object_new (NNB_TYPE_DOCUMENT, NULL);
  self->name = g_strdup (name);
  self->project = project;
  self->dataset = dataset;
  /* the caller built dataset just now: the generator is where the recipe left it */
  self->shuffle = *nnb_generator_default ();
  return self;
}

/* A new project: the input wired straight to the output, ready for the
 * palette's blocks; the data and the training settings are the defaults. */
static const char empty_project[] =
  "{\"format\": \"nnblocks\", \"version\": 1,\n"
  " \"model\": {\"class\": \"Model\", \"modules\": [],\n"
  "   \"graph\": {\"nodes\": [\n"
  "     {\"name\": \"x\", \"op\": \"input\", \"pos\": [0, 0]},\n"
  "     {\"name\": \"out\", \"op\": \"output\", \"inputs\": [\"x\"], \"pos\": [480, 0]}]}},\n"
  " \"seed\": 0,\n"
  " \"data\": {\"kind\": \"sine\", \"n\": 200, \"noise\": 0.1, \"x_max\": 6.283185307179586}}\n";

NnbDocument *
nnb_document_new_empty (GError **error)
{
  g_autoptr (GBytes) bytes = g_bytes_new_static (empty_project, sizeof empty_project - 1);

  return nnb_document_new_from_data (bytes, _("Untitled"), error);
}

NnbDocument *
nnb_document_new_from_data (GBytes *bytes, const char *name, GError **error)
{
  g_autoptr (NnbProject) project = NULL;
  NnbDataset *dataset;
  gsize length;
  const char *text;

  g_return_val_if_fail (bytes != NULL && name != NULL, NULL);

  text = g_bytes_get_data (bytes, &length);
  project = nnb_project_load_from_data (text, length, error);
  if (project == NULL)
    return NULL;
  dataset = nnb_project_build (project, TRUE, error);
  if (dataset == NULL)
    return NULL;
  return nnb_document_new (g_steal_pointer (&project), dataset, name);
}

/* Accessors */

GFile *
nnb_document_get_file (NnbDocument *self)
{
  g_return_val_if_fail (NNB_IS_DOCUMENT (self), NULL);
  return self->file;
}

void
nnb_document_set_file (NnbDocument *self, GFile *file)
{
  g_autofree char *basename = NULL;

  g_return_if_fail (NNB_IS_DOCUMENT (self));
  g_return_if_fail (G_IS_FILE (file));

  g_set_object (&self->file, file);
  basename = g_file_get_basename (file);
  g_free (self->name);
  self->name = name_from_display_name (basename);
}

void
nnb_document_forget_file (NnbDocument *self)
{
  g_return_if_fail (NNB_IS_DOCUMENT (self));

  g_clear_object (&self->file);
}

gboolean
nnb_document_get_replayable (NnbDocument *self)
{
  g_return_val_if_fail (NNB_IS_DOCUMENT (self), FALSE);
  return self->replayable;
}

void
nnb_document_set_replayable (NnbDocument *self, gboolean replayable)
{
  g_return_if_fail (NNB_IS_DOCUMENT (self));
  self->replayable = !!replayable;
}

void
nnb_document_set_name (NnbDocument *self, const char *name)
{
  g_return_if_fail (NNB_IS_DOCUMENT (self));
  g_return_if_fail (name != NULL);

  g_free (self->name);
  self->name = g_strdup (name);
}

static void
forget_past_run (NnbDocument *self)
{
  self->past_state = NNB_TRAINER_IDLE;
  g_clear_pointer (&self->past_losses, g_array_unref);
  g_clear_pointer (&self->past_norm_epochs, g_array_unref);
  g_clear_pointer (&self->past_value_norms, g_array_unref);
  g_clear_pointer (&self->past_grad_norms, g_array_unref);
}

void
nnb_document_set_past_run (NnbDocument *self, NnbTrainerState state, GArray *losses)
{
  g_return_if_fail (NNB_IS_DOCUMENT (self));

  forget_past_run (self);
  if (state == NNB_TRAINER_IDLE || state == NNB_TRAINER_RUNNING || losses == NULL)
    return;
  self->past_state = state;
  self->past_losses = g_array_ref (losses);
}

NnbTrainerState
nnb_document_get_past_run (NnbDocument *self, GArray **losses)
{
  g_return_val_if_fail (NNB_IS_DOCUMENT (self), NNB_TRAINER_IDLE);

  if (losses != NULL)
    *losses = self->past_losses;
  return self->past_state;
}

void
nnb_document_set_past_norms (NnbDocument *self, GArray *norm_epochs, GArray *value_norms, GArray *grad_norms)
{
  guint64 n_values;

  g_return_if_fail (NNB_IS_DOCUMENT (self));

  g_clear_pointer (&self->past_norm_epochs, g_array_unref);
  g_clear_pointer (&self->past_value_norms, g_array_unref);
  g_clear_pointer (&self->past_grad_norms, g_array_unref);
  /* all or nothing, each point with a norm of each kind for each of the
   * model's parameters (no trainer owns the model while a past run is) */
  if (self->past_state == NNB_TRAINER_IDLE || norm_epochs == NULL || value_norms == NULL || grad_norms == NULL || norm_epochs->len == 0)
    return;
  n_values = (guint64) norm_epochs->len * nnb_model_named_parameters (self->project->model)->len;
  if (n_values == 0 || value_norms->len != n_values || grad_norms->len != n_values)
    return;
  self->past_norm_epochs = g_array_ref (norm_epochs);
  self->past_value_norms = g_array_ref (value_norms);
  self->past_grad_norms = g_array_ref (grad_norms);
}

gboolean
nnb_document_get_past_norms (NnbDocument *self, GArray **norm_epochs, GArray **value_norms, GArray **grad_norms)
{
  g_return_val_if_fail (NNB_IS_DOCUMENT (self), FALSE);

  if (norm_epochs != NULL)
    *norm_epochs = self->past_norm_epochs;
  if (value_norms != NULL)
    *value_norms = self->past_value_norms;
  if (grad_norms != NULL)
    *grad_norms = self->past_grad_norms;
  return self->past_norm_epochs != NULL;
}

/* The past run's norms into a snapshot of its model, when they are its
 * parameters' (as many per point); else the snapshot keeps none. */
static void
snapshot_take_norms (NnbSnapshot *snapshot, GArray *norm_epochs, GArray *value_norms, GArray *grad_norms)
{
  guint64 n_values;

  if (norm_epochs == NULL || snapshot->parameters == NULL || snapshot->norm_epochs == NULL || snapshot->value_norms == NULL || snapshot->grad_norms == NULL)
    return;
  n_values = (guint64) norm_epochs->len * snapshot->parameters->len;
  if (value_norms->len != n_values || grad_norms->len != n_values)
    return;
  g_array_set_size (snapshot->norm_epochs, 0);
  g_array_set_size (snapshot->value_norms, 0);
  g_array_set_size (snapshot->grad_norms, 0);
  g_array_append_vals (snapshot->norm_epochs, norm_epochs->data, norm_epochs->len);
  g_array_append_vals (snapshot->value_norms, value_norms->data, value_norms->len);
  g_array_append_vals (snapshot->grad_norms, grad_norms->data, grad_norms->len);
}

NnbSnapshot *
nnb_document_snapshot_past_run (NnbDocument *self)
{
  NnbGenerator shuffle;
  NnbTrainer *trainer;
  NnbTrainerState state;
  NnbSnapshot *snapshot;
  GArray *losses;
  g_autoptr (GArray) norm_epochs = NULL;
  g_autoptr (GArray) value_norms = NULL;
  g_autoptr (GArray) grad_norms = NULL;

  g_return_val_if_fail (NNB_IS_DOCUMENT (self), NULL);

  if (self->past_state == NNB_TRAINER_IDLE || self->trainer != NULL)
    return NULL;

  /* a trainer that never starts draws the curve and the norms; the
   * generator it borrows is put back, so the next run shuffles as before */
  shuffle = self->shuffle;
  state = self->past_state;
  losses = g_array_ref (self->past_losses);
  norm_epochs = self->past_norm_epochs != NULL ? g_array_ref (self->past_norm_epochs) : NULL;
  value_norms = self->past_value_norms != NULL ? g_array_ref (self->past_value_norms) : NULL;
  grad_norms = self->past_grad_norms != NULL ? g_array_ref (self->past_grad_norms) : NULL;
  nnb_document_ensure_trainer (self, NULL);
  trainer = g_steal_pointer (&self->trainer);
  self->shuffle = shuffle;
  nnb_document_set_past_run (self, state, losses);
  nnb_document_set_past_norms (self, norm_epochs, value_norms, grad_norms);
  if (trainer == NULL)
    {
      g_array_unref (losses);
      return NULL;
    }
  snapshot = nnb_trainer_get_snapshot (trainer);
  nnb_trainer_free (trainer);

  g_array_append_vals (snapshot->losses, losses->data, losses->len);
  snapshot->epoch = (int) losses->len;
  snapshot->loss = losses->len > 0 ? g_array_index (losses, double, losses->len - 1) : NAN;
  snapshot->state = state;
  snapshot_take_norms (snapshot, norm_epochs, value_norms, grad_norms);
  g_array_unref (losses);
  return snapshot;
}

const char *
nnb_document_get_name (NnbDocument *self)
{
  g_return_val_if_fail (NNB_IS_DOCUMENT (self), NULL);
  return self->name;
}

NnbProject *
nnb_document_get_project (NnbDocument *self)
{
  g_return_val_if_fail (NNB_IS_DOCUMENT (self), NULL);
  return self->project;
}

NnbDataset *
nnb_document_get_dataset (NnbDocument *self)
{
  g_return_val_if_fail (NNB_IS_DOCUMENT (self), NULL);
  return self->dataset;
}

gboolean
nnb_document_get_dirty (NnbDocument *self)
{
  g_return_val_if_fail (NNB_IS_DOCUMENT (self), FALSE);
  return self->dirty;
}

void
nnb_document_set_dirty (NnbDocument *self, gboolean dirty)
{
  g_return_if_fail (NNB_IS_DOCUMENT (self));

  dirty = !!dirty;
  if (self->dirty == dirty)
    return;
  self->dirty = dirty;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DIRTY]);
}

/* Training */

NnbTrainer *
nnb_document_get_trainer (NnbDocument *self)
{
  g_return_val_if_fail (NNB_IS_DOCUMENT (self), NULL);
  return self->trainer;
}

NnbTrainer *
nnb_document_ensure_trainer (NnbDocument *self, GError **error)
{
  double x_min, x_max;

  g_return_val_if_fail (NNB_IS_DOCUMENT (self), NULL);

  if (self->trainer != NULL)
    return self->trainer;
  /* from now on the trainer keeps the record of training */
  forget_past_run (self);

  /* The grid spans the data, so the fitted curve lies over the points
   * (the same grid as nnb_data_plot_snapshot's, for files). */
  nnb_data_plot_grid (self->dataset, &x_min, &x_max);

  self->trainer = nnb_trainer_new (self->project->model, self->dataset, &self->project->training,
                                   &self->shuffle, NNB_DOCUMENT_GRID_POINTS, x_min, x_max, error);
  return self->trainer;
}

void
nnb_document_drop_trainer (NnbDocument *self)
{
  g_return_if_fail (NNB_IS_DOCUMENT (self));

  /* nnb_trainer_free stops the worker first and waits for it: one step. */
  g_clear_pointer (&self->trainer, nnb_trainer_free);
  forget_past_run (self);
  nnb_document_set_training_state (self, NNB_TRAINING_IDLE);
}

gboolean
nnb_document_is_training (NnbDocument *self)
{
  g_return_val_if_fail (NNB_IS_DOCUMENT (self), FALSE);

  return self->trainer != NULL && nnb_trainer_get_state (self->trainer) == NNB_TRAINER_RUNNING;
}

NnbTrainingState
nnb_document_get_training_state (NnbDocument *self)
{
  g_return_val_if_fail (NNB_IS_DOCUMENT (self), NNB_TRAINING_IDLE);
  return self->training_state;
}

void
nnb_document_set_training_state (NnbDocument *self, NnbTrainingState state)
{
  g_return_if_fail (NNB_IS_DOCUMENT (self));

  if (self->training_state == state)
    return;
  self->training_state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TRAINING_STATE]);
}

gboolean
nnb_document_reset (NnbDocument *self, GError **error)
{
  NnbDataset *dataset;

  g_return_val_if_fail (NNB_IS_DOCUMENT (self), FALSE);

  nnb_document_drop_trainer (self);

  /* Training may have moved the model to a GPU; the recipe builds on the CPU. */
  if (!nnb_model_to (self->project->model, nnb_device_cpu (), error))
    return FALSE;
  dataset = nnb_project_build_for_training (self->project, FALSE, &self->shuffle, error);
  if (dataset == NULL)
    return FALSE;

  g_clear_pointer (&self->dataset, nnb_dataset_free);
  self->dataset = dataset;
  nnb_document_set_dirty (self, TRUE);
  g_signal_emit (self, signals[REBUILT], 0);

  return TRUE;
}

static gboolean
replace_data (NnbDocument *self, const NnbDataSpec *spec, guint64 seed, NnbDataset *table, GError **error)
{
  NnbDataSpec before = { 0 };
  guint64 seed_before;

  nnb_data_spec_copy (&before, &self->project->data);
  seed_before = self->project->seed;
  nnb_data_spec_clear (&self->project->data);
  nnb_data_spec_copy (&self->project->data, spec);
  self->project->seed = seed;
  if (table != NULL)
    nnb_project_set_csv_table (self->project, table);
  /* ::rebuilt (from the reset) must find the student's own project */
  self->replayable = FALSE;
  if (!nnb_document_reset (self, error))
    {
      nnb_data_spec_clear (&self->project->data);
      self->project->data = before;
      self->project->seed = seed_before;
      return FALSE;
    }
  nnb_data_spec_clear (&before);

  return TRUE;
}

gboolean
nnb_document_set_data_spec (NnbDocument *self, const NnbDataSpec *spec, guint64 seed, GError **error)
{
  g_return_val_if_fail (NNB_IS_DOCUMENT (self), FALSE);
  g_return_val_if_fail (spec != NULL, FALSE);
  g_return_val_if_fail (!nnb_document_is_training (self), FALSE);

  return replace_data (self, spec, seed, NULL, error);
}

gboolean
nnb_document_import_csv (NnbDocument *self, const NnbDataSpec *spec, guint64 seed, NnbDataset *table,
                         GError **error)
{
  g_autoptr (NnbDataset) owned = table;

  g_return_val_if_fail (NNB_IS_DOCUMENT (self), FALSE);
  g_return_val_if_fail (spec != NULL && spec->kind == NNB_DATA_CSV, FALSE);
  g_return_val_if_fail (table != NULL, FALSE);
  g_return_val_if_fail (!nnb_document_is_training (self), FALSE);

  return replace_data (self, spec, seed, g_steal_pointer (&owned), error);
}

gboolean
nnb_document_replace_model (NnbDocument *self, NnbModel *model, GArray *positions, GError **error)
{
  NnbModel *old_model;
  GArray *old_positions;
  NnbDataset *dataset;
  NnbGenerator shuffle;
  gboolean had_weights;

  g_return_val_if_fail (NNB_IS_DOCUMENT (self), FALSE);
  g_return_val_if_fail (model != NULL && positions != NULL, FALSE);

  /* the worker must be gone before its model is */
  nnb_document_drop_trainer (self);

  old_model = self->project->model;
  old_positions = self->project->positions;
  had_weights = self->project->has_weights;
  self->project->model = nnb_model_ref (model);
  self->project->positions = g_array_ref (positions);
  dataset = nnb_project_build_for_training (self->project, FALSE, &shuffle, error);
  if (dataset == NULL)
    {
      nnb_model_unref (self->project->model);
      g_array_unref (self->project->positions);
      self->project->model = old_model;
      self->project->positions = old_positions;
      self->project->has_weights = had_weights;
      return FALSE;
    }
  nnb_model_unref (old_model);
  if (old_positions != NULL)
    g_array_unref (old_positions);

  g_clear_pointer (&self->dataset, nnb_dataset_free);
  self->dataset = dataset;
  self->shuffle = shuffle;
  self->replayable = FALSE;
  nnb_document_set_dirty (self, TRUE);
  g_signal_emit (self, signals[REBUILT], 0);

  return TRUE;
}

void
nnb_document_set_positions (NnbDocument *self, GArray *positions)
{
  g_return_if_fail (NNB_IS_DOCUMENT (self));
  g_return_if_fail (positions != NULL);

  if (self->project->positions != NULL)
    g_array_unref (self->project->positions);
  self->project->positions = g_array_ref (positions);
  self->replayable = FALSE;
  nnb_document_set_dirty (self, TRUE);
}

GBytes *
nnb_document_serialize (NnbDocument *self, GError **error)
{
  char *data;
  gsize length;

  g_return_val_if_fail (NNB_IS_DOCUMENT (self), NULL);
  g_return_val_if_fail (!nnb_document_is_training (self), NULL);

  data = nnb_project_to_data (self->project, TRUE, &length, error);
  if (data == NULL)
    return NULL;

  return g_bytes_new_take (data, length);
}

GBytes *
nnb_document_serialize_for (NnbDocument *self, GFile *file, GError **error)
{
  g_autofree char *path = NULL;
  char *data;
  gsize length;

  g_return_val_if_fail (NNB_IS_DOCUMENT (self), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (!nnb_document_is_training (self), NULL);

  path = g_file_get_path (file);
  data = path != NULL ? nnb_project_to_data_for (self->project, TRUE, path, &length, error)
                      : nnb_project_to_data (self->project, TRUE, &length, error);
  if (data == NULL)
    return NULL;

  return g_bytes_new_take (data, length);
}

/* GObject */

static void
nnb_document_finalize (GObject *object)
{
  NnbDocument *self = NNB_DOCUMENT (object);

  /* The trainer before the data it borrows. */
  g_clear_pointer (&self->trainer, nnb_trainer_free);
  g_clear_pointer (&self->dataset, nnb_dataset_free);
  g_clear_pointer (&self->project, nnb_project_free);
  forget_past_run (self);
  g_clear_object (&self->file);
  g_clear_pointer (&self->name, g_free);

  G_OBJECT_CLASS (nnb_document_parent_class)->finalize (object);
}

static void
nnb_document_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  NnbDocument *self = NNB_DOCUMENT (object);

  switch (prop_id)
    {
    case PROP_DIRTY:
      g_value_set_boolean (value, self->dirty);
      break;

    case PROP_TRAINING_STATE:
      g_value_set_enum (value, self->training_state);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nnb_document_class_init (NnbDocumentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = nnb_document_finalize;
  object_class->get_property = nnb_document_get_property;

  /* Changed since it was opened or saved. */
  properties[PROP_DIRTY] =
    g_param_spec_boolean ("dirty", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Where training stands (nnb_document_set_training_state says who sets it). */
  properties[PROP_TRAINING_STATE] =
    g_param_spec_enum ("training-state", NULL, NULL, NNB_TYPE_TRAINING_STATE, NNB_TRAINING_IDLE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The model's parameters and the data were made anew (reset): views
   * that show them must read them again. */
  signals[REBUILT] = g_signal_new ("rebuilt", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
nnb_document_init (NnbDocument *self)
{
}
