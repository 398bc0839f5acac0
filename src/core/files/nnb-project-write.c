/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-project-write.c — writing a .nnb project (docs/file-format.md).
 *
 * By hand rather than through JsonGenerator, so that the file reads well:
 * one line per module and per block, one line per weight row, and numbers in
 * their shortest exact form (0.01, not 0.01000000000000000021). */

#include "nnb-project-private.h"

#include <math.h>
#include <string.h>
#include "nnb-error.h"
#include "nnb-file-write.h"
#include "nnb-json-write.h"

static void
append_double (GString *out, double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  nnb_json_format_double (buf, sizeof buf, value);
  g_string_append (out, buf);
}

/* ", "key": */
static void
append_key (GString *out, gboolean *first, const char *key)
{
  if (!*first)
    g_string_append (out, ", ");
  *first = FALSE;
  nnb_json_append_string (out, key);
  g_string_append (out, ": ");
}

static void
append_seed (GString *out, gboolean has_seed, guint64 seed)
{
  if (has_seed)
    g_string_append_printf (out, "%" G_GUINT64_FORMAT, seed);
  else
    g_string_append (out, "null");
}

/* The module's fields after its name and type: sizes, slope, children. */
static void
append_module_fields (GString *out, const NnbModule *module, gboolean *first, int indent)
{
  switch (module->kind)
    {
    case NNB_MODULE_LINEAR:
      append_key (out, first, "in_features");
      g_string_append_printf (out, "%" G_GINT64_FORMAT, module->in_features);
      append_key (out, first, "out_features");
      g_string_append_printf (out, "%" G_GINT64_FORMAT, module->out_features);
      append_key (out, first, "bias");
      g_string_append (out, module->has_bias ? "true" : "false");
      break;
    case NNB_MODULE_LEAKY_RELU:
      append_key (out, first, "negative_slope");
      append_double (out, module->negative_slope);
      break;
    case NNB_MODULE_LAYER_NORM:
      append_key (out, first, "normalized_shape");
      g_string_append_printf (out, "%" G_GINT64_FORMAT, module->normalized_shape);
      append_key (out, first, "eps");
      append_double (out, module->eps);
      append_key (out, first, "elementwise_affine");
      g_string_append (out, module->elementwise_affine ? "true" : "false");
      break;
    case NNB_MODULE_SOFTMAX:
    case NNB_MODULE_LOG_SOFTMAX:
      append_key (out, first, "dim");
      g_string_append_printf (out, "%" G_GINT64_FORMAT, module->dim);
      break;
    case NNB_MODULE_DROPOUT:
      append_key (out, first, "p");
      append_double (out, module->p);
      break;
    case NNB_MODULE_BATCH_NORM:
      append_key (out, first, "num_features");
      g_string_append_printf (out, "%" G_GINT64_FORMAT, module->num_features);
      append_key (out, first, "eps");
      append_double (out, module->eps);
      append_key (out, first, "momentum");
      if (module->has_momentum)
        append_double (out, module->momentum);
      else
        g_string_append (out, "null");
      append_key (out, first, "affine");
      g_string_append (out, module->affine ? "true" : "false");
      append_key (out, first, "track_running_stats");
      g_string_append (out, module->track_running_stats ? "true" : "false");
      break;
    case NNB_MODULE_SEQUENTIAL:
      append_key (out, first, "children");
      g_string_append (out, "[");
      for (guint i = 0; i < module->children->len; i++)
        {
          const NnbModule *child = module->children->pdata[i];
          gboolean child_first = TRUE;
          g_string_append_printf (out, "%s\n%*s{", i ? "," : "", indent + 2, "");
          append_key (out, &child_first, "type");
          nnb_json_append_string (out, nnb_module_kind_to_string (child->kind));
          append_module_fields (out, child, &child_first, indent + 2);
          g_string_append (out, "}");
        }
      if (module->children->len > 0)
        g_string_append_printf (out, "\n%*s", indent, "");
      g_string_append (out, "]");
      break;
    default:
      break;
    }
}

static gboolean
model_is_bare (const NnbModel *model)
{
  return model->modules->len == 1 && ((const char *) model->module_names->pdata[0])[0] == '\0';
}

static void
append_graph (GString *out, NnbProject *project)
{
  NnbModel *model = project->model;

  g_string_append (out, "    \"graph\": {\n      \"nodes\": [");
  for (guint i = 0; i < model->nodes->len; i++)
    {
      NnbNode *node = model->nodes->pdata[i];
      int slots = node->n_inputs;
      gboolean first = TRUE;

      g_string_append_printf (out, "%s\n        {", i ? "," : "");
      append_key (out, &first, "name");
      nnb_json_append_string (out, node->name);
      append_key (out, &first, "op");
      nnb_json_append_string (out, nnb_project_op_name (node->kind));
      /* a bare module's one call needs no module name (it is the empty name) */
      if (node->kind == NNB_NODE_CALL && !model_is_bare (model))
        {
          append_key (out, &first, "module");
          nnb_json_append_string (out, node->module);
        }
      /* a function's arguments as its module's fields: negative_slope, dim */
      if (node->kind == NNB_NODE_FUNCTION)
        {
          append_key (out, &first, "function");
          nnb_json_append_string (out, node->function);
          append_module_fields (out, node->activation, &first, 8);
        }
      if (slots > 0)
        {
          append_key (out, &first, "inputs");
          g_string_append (out, "[");
          for (int s = 0; s < slots; s++)
            {
              if (s > 0)
                g_string_append (out, ", ");
              if (node->inputs[s] >= 0)
                nnb_json_append_string (out, nnb_model_get_node (model, node->inputs[s])->name);
              else
                g_string_append (out, "null");
            }
          g_string_append (out, "]");
        }
      if (i < project->positions->len)
        {
          NnbBlockPosition *pos = &g_array_index (project->positions, NnbBlockPosition, i);
          if (isfinite (pos->x) && isfinite (pos->y))
            {
              append_key (out, &first, "pos");
              g_string_append (out, "[");
              append_double (out, pos->x);
              g_string_append (out, ", ");
              append_double (out, pos->y);
              g_string_append (out, "]");
            }
        }
      g_string_append (out, "}");
    }
  g_string_append (out, "\n      ]\n    }\n");
}

static void
append_model (GString *out, NnbProject *project)
{
  NnbModel *model = project->model;
  gboolean sequential = strcmp (model->class_name, "Sequential") == 0;

  g_string_append (out, "  \"model\": {\n");
  if (model_is_bare (model))
    {
      const NnbModule *module = model->modules->pdata[0];
      gboolean first = TRUE;
      g_string_append (out, "    ");
      append_key (out, &first, "class");
      nnb_json_append_string (out, nnb_module_kind_to_string (module->kind));
      append_module_fields (out, module, &first, 4);
      g_string_append (out, ",\n");
    }
  else
    {
      g_string_append (out, "    \"class\": ");
      nnb_json_append_string (out, model->class_name);
      g_string_append (out, ",\n    \"modules\": [");
      for (guint i = 0; i < model->modules->len; i++)
        {
          const NnbModule *module = model->modules->pdata[i];
          const char *name = model->module_names->pdata[i];
          g_autofree char *index = g_strdup_printf ("%u", i);
          gboolean first = TRUE;

          g_string_append_printf (out, "%s\n      {", i ? "," : "");
          /* a Sequential's names are its positions: written only if not */
          if (!sequential || strcmp (name, index) != 0)
            {
              append_key (out, &first, "name");
              nnb_json_append_string (out, name);
            }
          append_key (out, &first, "type");
          nnb_json_append_string (out, nnb_module_kind_to_string (module->kind));
          append_module_fields (out, module, &first, 6);
          g_string_append (out, "}");
        }
      g_string_append (out, model->modules->len ? "\n    ],\n" : "],\n");
    }
  append_graph (out, project);
  g_string_append (out, "  },\n");
}

/* ["x1", "x2", 3]: names as strings, indices as whole numbers */
static void
append_columns (GString *out, const NnbCsvColumn *columns, guint n)
{
  g_string_append_c (out, '[');
  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append (out, ", ");
      if (columns[i].name != NULL)
        nnb_json_append_string (out, columns[i].name);
      else
        g_string_append_printf (out, "%" G_GINT64_FORMAT, columns[i].index);
    }
  g_string_append_c (out, ']');
}

static void
append_data (GString *out, const NnbDataSpec *spec, const char *base_dir)
{
  const char *const *fields = nnb_project_data_fields (spec->kind);
  gboolean first = TRUE;

  g_string_append (out, "  \"data\": {");
  for (guint i = 0; fields[i]; i++)
    {
      const char *key = fields[i];
      /* left out at their defaults, so older files read and write unchanged */
      if ((strcmp (key, "test_fraction") == 0 && spec->test_fraction == 0.0) ||
          (strcmp (key, "standardize") == 0 && !spec->standardize_inputs && !spec->standardize_targets) ||
          (strcmp (key, "header") == 0 && spec->csv_header == NNB_CSV_HEADER_DETECT) ||
          (strcmp (key, "float_targets") == 0 && !spec->float_targets) ||
          (strcmp (key, "class_targets") == 0 && !spec->csv_class_targets) ||
          (strcmp (key, "inputs") == 0 && spec->csv_n_inputs == 0) ||
          (strcmp (key, "targets") == 0 && spec->csv_n_targets == 0))
        continue;
      append_key (out, &first, key);
      if (strcmp (key, "kind") == 0)
        nnb_json_append_string (out, nnb_data_kind_to_string (spec->kind));
      else if (strcmp (key, "n") == 0)
        g_string_append_printf (out, "%" G_GINT64_FORMAT, spec->n);
      else if (strcmp (key, "classes") == 0)
        g_string_append_printf (out, "%" G_GINT64_FORMAT, spec->classes);
      else if (strcmp (key, "standardize") == 0)
        g_string_append_printf (out, "{\"inputs\": %s, \"targets\": %s}",
                                spec->standardize_inputs ? "true" : "false",
                                spec->standardize_targets ? "true" : "false");
      else if (strcmp (key, "test_fraction") == 0)
        append_double (out, spec->test_fraction);
      else if (strcmp (key, "float_targets") == 0 || strcmp (key, "class_targets") == 0)
        g_string_append (out, "true");
      else if (strcmp (key, "header") == 0)
        g_string_append (out, spec->csv_header == NNB_CSV_HEADER_YES ? "true" : "false");
      else if (strcmp (key, "inputs") == 0)
        append_columns (out, spec->csv_inputs, spec->csv_n_inputs);
      else if (strcmp (key, "targets") == 0)
        append_columns (out, spec->csv_targets, spec->csv_n_targets);
      else if (strcmp (key, "path") == 0)
        {
          const char *path = spec->csv_path ? spec->csv_path : "";
          g_autofree char *prefix = base_dir ? g_strconcat (base_dir, G_DIR_SEPARATOR_S, NULL) : NULL;
          /* beside the project: written relative, so the folder can move */
          if (prefix != NULL && g_str_has_prefix (path, prefix))
            path += strlen (prefix);
          nnb_json_append_string (out, path);
        }
      else
        append_double (out, strcmp (key, "a") == 0 ? spec->a : strcmp (key, "b") == 0        ? spec->b
                                                             : strcmp (key, "c") == 0        ? spec->c
                                                             : strcmp (key, "noise") == 0    ? spec->noise
                                                             : strcmp (key, "radius") == 0   ? spec->radius
                                                             : strcmp (key, "distance") == 0 ? spec->distance
                                                             : strcmp (key, "turns") == 0    ? spec->turns
                                                                                             : spec->x_max);
    }
  g_string_append (out, "},\n");
}

static void
append_training (GString *out, const NnbTrainingOptions *opts)
{
  const NnbOptimizerOptions *opt = &opts->optimizer;
  char device[32];

  g_string_append (out, "  \"training\": {\n    \"optimizer\": ");
  nnb_json_append_string (out, nnb_optimizer_kind_to_string (opt->kind));
  g_string_append (out, ", \"lr\": ");
  append_double (out, opt->lr);
  if (opt->kind == NNB_OPTIMIZER_ADAM)
    {
      g_string_append (out, ", \"betas\": [");
      append_double (out, opt->beta1);
      g_string_append (out, ", ");
      append_double (out, opt->beta2);
      g_string_append (out, "], \"eps\": ");
      append_double (out, opt->eps);
    }
  else
    {
      g_string_append (out, ", \"momentum\": ");
      append_double (out, opt->momentum);
      g_string_append (out, ", \"dampening\": ");
      append_double (out, opt->dampening);
      g_string_append_printf (out, ", \"nesterov\": %s", opt->nesterov ? "true" : "false");
    }
  g_string_append (out, ", \"weight_decay\": ");
  append_double (out, opt->weight_decay);
  g_string_append (out, ",\n    \"loss\": ");
  nnb_json_append_string (out, nnb_loss_kind_to_string (opts->loss));
  if (opts->label_smoothing > 0)
    {
      g_string_append (out, ", \"label_smoothing\": ");
      append_double (out, opts->label_smoothing);
    }
  g_string_append_printf (out, ", \"epochs\": %d, \"batch_size\": %" G_GINT64_FORMAT ", \"until_loss\": ",
                          opts->epochs, opts->batch_size);
  append_double (out, opts->until_loss);
  g_string_append_printf (out, ", \"log_every\": %d, \"device\": ", opts->log_every);
  nnb_json_append_string (out, nnb_device_name (opts->device, device, sizeof device));
  g_string_append (out, "\n  }");
}

/* The whole state_dict: each parameter and float buffer one line per row
 * of a matrix, 16 numbers a line for a vector; num_batches_tracked an
 * integer of shape []. */
static gboolean
append_weights (GString *out, NnbModel *model, GError **error)
{
  g_autoptr (GPtrArray) state = nnb_model_state_dict (model);

  g_string_append (out, ",\n  \"weights\": {");
  for (guint i = 0; i < state->len; i++)
    {
      NnbStateEntry *entry = state->pdata[i];
      NnbTensor *value = entry->value;
      g_autofree float *host = NULL;
      g_autofree char *shape = NULL;
      int64_t per_line;

      g_string_append_printf (out, "%s\n    ", i ? "," : "");
      nnb_json_append_string (out, entry->name);
      if (value == NULL)
        {
          g_string_append_printf (out, ": {\"shape\": [], \"data\": [%" G_GINT64_FORMAT "]}", entry->buffer->count);
          continue;
        }
      host = g_new (float, value->numel);
      shape = nnb_json_shape_list (value->ndim, value->shape);
      per_line = value->ndim >= 2 ? value->shape[value->ndim - 1] : 16;
      nnb_tensor_read (value, host);
      g_string_append_printf (out, ": {\"shape\": %s, \"data\": [", shape);
      for (int64_t k = 0; k < value->numel; k++)
        {
          char buf[G_ASCII_DTOSTR_BUF_SIZE];
          if (!isfinite (host[k]))
            {
              g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_INVALID,
                           entry->param != NULL
                             ? "The parameter %s holds NaN or infinite values (did training diverge?); "
                               "reset the model or save without weights."
                             : "The buffer %s holds NaN or infinite values (did training diverge?); "
                               "reset the model or save without weights.",
                           entry->name);
              return FALSE;
            }
          if (k > 0)
            g_string_append (out, k % per_line == 0 ? ",\n      " : ", ");
          else if (value->numel > per_line)
            g_string_append (out, "\n      ");
          nnb_json_format_float (buf, sizeof buf, host[k]);
          g_string_append (out, buf);
        }
      g_string_append (out, value->numel > per_line ? "\n    ]}" : "]}");
    }
  g_string_append (out, "\n  }");
  return TRUE;
}

static char *
project_to_text (NnbProject *project, gboolean with_weights, const char *base_dir, gsize *length, GError **error)
{
  g_autoptr (GString) out = g_string_new ("{\n  \"format\": \"nnblocks\",\n");
  gboolean first = TRUE;

  g_return_val_if_fail (project != NULL && project->model != NULL, NULL);

  g_string_append_printf (out, "  \"version\": %d,\n", NNB_PROJECT_FORMAT_VERSION);
  if (project->title != NULL)
    {
      g_string_append (out, "  \"title\": ");
      nnb_json_append_string (out, project->title);
      g_string_append (out, ",\n");
    }
  append_model (out, project);
  g_string_append_printf (out, "  \"seed\": %" G_GUINT64_FORMAT ",\n  \"model_seed\": ", project->seed);
  append_seed (out, project->has_model_seed, project->model_seed);
  g_string_append (out, ",\n  \"init\": {");
  append_key (out, &first, "weight");
  nnb_json_append_string (out, nnb_init_method_to_string (project->init_weight));
  append_key (out, &first, "bias");
  nnb_json_append_string (out, nnb_init_method_to_string (project->init_bias));
  append_key (out, &first, "seed");
  append_seed (out, project->has_init_seed, project->init_seed);
  g_string_append (out, "},\n");
  append_data (out, &project->data, base_dir);
  append_training (out, &project->training);
  if (with_weights && !append_weights (out, project->model, error))
    return NULL;
  g_string_append (out, "\n}\n");
  if (length != NULL)
    *length = out->len;
  return g_string_free (g_steal_pointer (&out), FALSE);
}

char *
nnb_project_to_data (NnbProject *project, gboolean with_weights, gsize *length, GError **error)
{
  return project_to_text (project, with_weights, NULL, length, error);
}

char *
nnb_project_to_data_for (NnbProject *project, gboolean with_weights, const char *path, gsize *length,
                         GError **error)
{
  g_autofree char *dir = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  dir = g_path_get_dirname (path);
  return project_to_text (project, with_weights, dir, length, error);
}

gboolean
nnb_project_save (NnbProject *project, const char *path, gboolean with_weights, GError **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *text = NULL;
  g_autoptr (GError) io_error = NULL;
  gsize length = 0;

  g_return_val_if_fail (path != NULL, FALSE);

  dir = g_path_get_dirname (path);
  text = project_to_text (project, with_weights, dir, &length, error);
  if (text == NULL)
    return FALSE;
  /* a temporary file, synced and renamed over the old one; a device or a
   * pipe written into; a link followed (nnb-file-write.h) */
  if (!nnb_file_write (path, text, length, 0666, &io_error))
    {
      g_set_error_literal (error, NNB_FILE_ERROR, NNB_FILE_ERROR_IO, io_error->message);
      return FALSE;
    }
  return TRUE;
}
