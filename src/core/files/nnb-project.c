/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-project.c — the NnbProject type and its recipe: replaying a project's
 * seeds and init so that the same file gives the same numbers as PyTorch.
 *
 * The format is documented in docs/file-format.md; this file and its
 * siblings are its reference implementation: nnb-project-read.c and
 * nnb-project-model.c read it (through the small reader in
 * nnb-project-json.c), nnb-project-write.c writes it. */

#include "nnb-project.h"

#include "nnb-graph.h"

/* ---------------------------------------------------------------- life */

NnbProject *
nnb_project_new (void)
{
  NnbProject *project = g_new0 (NnbProject, 1);

  project->model = nnb_model_new ("Model");
  project->positions = g_array_new (FALSE, TRUE, sizeof (NnbBlockPosition));
  project->init_weight = NNB_INIT_DEFAULT;
  project->init_bias = NNB_INIT_DEFAULT;
  nnb_data_spec_init (&project->data, NNB_DATA_LINE);
  nnb_training_options_init (&project->training);
  return project;
}

NnbProject *
nnb_project_new_for_model (NnbModel *model)
{
  NnbProject *project = nnb_project_new ();
  g_autoptr (NnbGraph) graph = NULL;

  g_clear_pointer (&project->model, nnb_model_unref);
  project->model = nnb_model_ref (model);
  if (nnb_model_input_features (model) == 3)
    {
      nnb_data_spec_clear (&project->data);
      nnb_data_spec_init (&project->data, NNB_DATA_SINE_PRODUCT);
    }
  /* the automatic layout, as the app draws a file without positions */
  graph = nnb_graph_from_model (model, NULL, 0);
  g_array_unref (project->positions);
  project->positions = nnb_graph_positions (graph);
  return project;
}

void
nnb_project_free (NnbProject *project)
{
  if (project == NULL)
    return;
  g_free (project->title);
  g_clear_pointer (&project->model, nnb_model_unref);
  g_clear_pointer (&project->positions, g_array_unref);
  nnb_data_spec_clear (&project->data);
  g_clear_pointer (&project->csv_table, nnb_dataset_free);
  g_free (project->csv_table_key);
  g_free (project);
}

/* ------------------------------------------------------------ the recipe */

/* The whole state_dict, buffers too (reset_parameters resets a
 * BatchNorm1d's running statistics): a float array per tensor, an int64
 * for num_batches_tracked */
static GPtrArray *
save_parameters (NnbModel *model)
{
  g_autoptr (GPtrArray) state = nnb_model_state_dict (model);
  GPtrArray *saved = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < state->len; i++)
    {
      NnbStateEntry *entry = state->pdata[i];
      NnbTensor *value = entry->value;
      if (value != NULL)
        {
          float *host = g_new (float, value->numel);
          nnb_tensor_read (value, host);
          g_ptr_array_add (saved, host);
        }
      else
        g_ptr_array_add (saved, g_memdup2 (&entry->buffer->count, sizeof (int64_t)));
    }
  return saved;
}

static void
restore_parameters (NnbModel *model, GPtrArray *saved)
{
  g_autoptr (GPtrArray) state = nnb_model_state_dict (model);

  for (guint i = 0; i < state->len && i < saved->len; i++)
    {
      NnbStateEntry *entry = state->pdata[i];
      NnbTensor *value = entry->value;
      if (value != NULL)
        nnb_tensor_write (value, saved->pdata[i]);
      else
        entry->buffer->count = *(int64_t *) saved->pdata[i];
    }
}

void
nnb_project_set_csv_table (NnbProject *project, NnbDataset *table)
{
  g_return_if_fail (project != NULL && table != NULL);

  g_clear_pointer (&project->csv_table, nnb_dataset_free);
  g_free (project->csv_table_key);
  project->csv_table = table;
  project->csv_table_key = nnb_data_spec_csv_key (&project->data);
}

/* The data: drawn, or made from the CSV file's table, read again only when
 * the file or the choice of its columns changed since the last read. */
static NnbDataset *
build_data (NnbProject *project, NnbGenerator *gen, GError **error)
{
  g_autofree char *key = NULL;

  if (project->data.kind != NNB_DATA_CSV)
    return nnb_dataset_new (&project->data, gen, error);
  key = nnb_data_spec_csv_key (&project->data);
  if (key == NULL || project->csv_table == NULL || g_strcmp0 (key, project->csv_table_key) != 0)
    {
      NnbDataset *table = nnb_dataset_read_csv (&project->data, error);

      if (table == NULL)
        return NULL;
      g_clear_pointer (&project->csv_table, nnb_dataset_free);
      g_free (project->csv_table_key);
      project->csv_table = table;
      project->csv_table_key = g_steal_pointer (&key);
    }
  return nnb_dataset_new_from_table (&project->data, project->csv_table, gen, error);
}

/* The page's order, on PyTorch's default generator:
 *   torch.manual_seed(seed); X, y = …
 *   [torch.manual_seed(model_seed)]; model = Model()
 *   [torch.manual_seed(init_seed)]; model.apply(init_weights)
 * Kept weights are put back at the end, after every draw, so the generator
 * is left where the recipe leaves it (the shuffles draw from there on). */
NnbDataset *
nnb_project_build (NnbProject *project, gboolean keep_weights, GError **error)
{
  NnbGenerator *gen = nnb_generator_default ();
  g_autoptr (GPtrArray) kept = NULL;
  g_autoptr (NnbDataset) data = NULL;

  g_return_val_if_fail (project != NULL && project->model != NULL, NULL);

  if (keep_weights && project->has_weights)
    kept = save_parameters (project->model);

  nnb_generator_manual_seed (gen, project->seed);
  data = build_data (project, gen, error);
  if (data == NULL)
    return NULL;
  if (project->has_model_seed)
    nnb_generator_manual_seed (gen, project->model_seed);
  if (!nnb_model_reset_parameters (project->model, gen, error))
    return NULL;
  if (project->init_weight != NNB_INIT_DEFAULT || project->init_bias != NNB_INIT_DEFAULT)
    {
      if (project->has_init_seed)
        nnb_generator_manual_seed (gen, project->init_seed);
      if (!nnb_model_apply_init (project->model, project->init_weight, project->init_bias, gen, error))
        return NULL;
    }
  if (kept != NULL)
    restore_parameters (project->model, kept);
  else
    project->has_weights = FALSE;
  return g_steal_pointer (&data);
}

NnbDataset *
nnb_project_build_for_training (NnbProject *project, gboolean keep_weights, NnbGenerator *shuffle,
                                GError **error)
{
  NnbDataset *data;

  g_return_val_if_fail (shuffle != NULL, NULL);

  data = nnb_project_build (project, keep_weights, error);
  /* a copy: the run's draws must not move the default generator under a
   * later recipe, nor a later recipe move the run's */
  if (data != NULL)
    *shuffle = *nnb_generator_default ();
  return data;
}
