/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-project-read.c — reading a .nnb project: the file's top level, the
 * init, the data, the training settings and the weights (the model itself
 * is read in nnb-project-model.c).
 *
 * Reading is strict (unknown fields, wrong types and impossible sizes are
 * refused with a sentence naming the place, e.g. "model.modules[2] (fc2):
 * in_features must be a positive whole number, not -3") because most
 * mistakes in a hand-written file are typos, and a typo silently ignored is
 * a lesson that silently goes wrong. The graph may be incomplete, though:
 * the app saves work in progress, and the engine says what is missing when
 * the model runs. */

#include "nnb-project-private.h"

#include <math.h>
#include <string.h>
#include "nnb-error.h"
#include "nnb-file-read.h"
#include "nnb-json-guard.h"
#include "nnb-json-write.h"

/* Limits that keep a hand-written typo (1e12 points) from exhausting the
 * machine; far beyond anything a lesson uses. */
#define MAX_POINTS ((int64_t) NNB_PROJECT_MAX_POINTS)
#define MAX_EPOCHS ((int64_t) NNB_PROJECT_MAX_EPOCHS)

/* ------------------------------------------------------- init and data */

static gboolean
parse_init_method (JsonObject *object, const char *key, NnbInitMethod *out, GError **error)
{
  const char *text = NULL;

  if (!nnb_json_read_string (object, "init", key, FALSE, &text, error))
    return FALSE;
  if (text == NULL)
    return TRUE;
  if (!nnb_init_method_from_string (text, out))
    return nnb_json_fail (error, NNB_FILE_ERROR_INVALID, "init",
                          "unknown %s method \"%s\"; use default, xavier_uniform_, xavier_normal_, kaiming_uniform_, "
                          "kaiming_normal_, zeros_, ones_, constant_, normal_ or uniform_.",
                          key, nnb_json_quoted (text));
  return TRUE;
}

static gboolean
parse_init (NnbProject *project, JsonNode *node, GError **error)
{
  static const char *const fields[] = { "weight", "bias", "seed", NULL };
  JsonObject *object;

  if (node == NULL)
    return TRUE;
  object = nnb_json_require_object (node, "init", error);
  return object != NULL &&
         nnb_json_check_fields (object, "init", fields, error) &&
         parse_init_method (object, "weight", &project->init_weight, error) &&
         parse_init_method (object, "bias", &project->init_bias, error) &&
         nnb_json_read_optional_seed (object, "init", "seed", &project->has_init_seed, &project->init_seed, error);
}

/* The fields each kind of data uses (docs/file-format.md). */
const char *const *
nnb_project_data_fields (NnbDataKind kind)
{
  static const char *const line[] = { "kind", "n", "a", "b", "noise", "x_max", "test_fraction", "standardize", NULL };
  static const char *const sine[] = { "kind", "n", "noise", "x_max", "test_fraction", "standardize", NULL };
  static const char *const polynomial[] = { "kind", "n", "a", "b", "c", "noise", "x_max", "test_fraction", "standardize", NULL };
  static const char *const step[] = { "kind", "n", "noise", "x_max", "test_fraction", "standardize", NULL };
  static const char *const sine_product[] = { "kind", "n", "noise", "test_fraction", "standardize", NULL };
  static const char *const csv[] = { "kind", "path", "header", "inputs", "targets", "class_targets", "test_fraction", "standardize", "float_targets", NULL };
  static const char *const circle[] = { "kind", "n", "radius", "noise", "test_fraction", "standardize", "float_targets", NULL };
  static const char *const xor_moons[] = { "kind", "n", "noise", "test_fraction", "standardize", "float_targets", NULL };
  static const char *const gauss[] = { "kind", "n", "distance", "noise", "test_fraction", "standardize", "float_targets", NULL };
  static const char *const spiral[] = { "kind", "n", "turns", "noise", "test_fraction", "standardize", "float_targets", NULL };
  static const char *const blobs[] = { "kind", "n", "classes", "noise", "test_fraction", "standardize", "float_targets", NULL };

  switch (kind)
    {
    case NNB_DATA_LINE: return line;
    case NNB_DATA_SINE: return sine;
    case NNB_DATA_POLYNOMIAL: return polynomial;
    case NNB_DATA_STEP: return step;
    case NNB_DATA_SINE_PRODUCT: return sine_product;
    case NNB_DATA_CIRCLE: return circle;
    case NNB_DATA_XOR: return xor_moons;
    case NNB_DATA_GAUSS: return gauss;
    case NNB_DATA_SPIRAL: return spiral;
    case NNB_DATA_MOONS: return xor_moons;
    case NNB_DATA_BLOBS: return blobs;
    case NNB_DATA_CSV:
    default:
      return csv;
    }
}

/* "standardize": {"inputs": true, "targets": false}, both optional */
static gboolean
parse_standardize (NnbDataSpec *spec, JsonNode *node, GError **error)
{
  static const char *const fields[] = { "inputs", "targets", NULL };
  JsonObject *object;

  if (node == NULL)
    return TRUE;
  object = nnb_json_require_object (node, "data.standardize", error);
  return object != NULL && nnb_json_check_fields (object, "data.standardize", fields, error) &&
         nnb_json_read_bool (object, "data.standardize", "inputs", &spec->standardize_inputs, error) &&
         nnb_json_read_bool (object, "data.standardize", "targets", &spec->standardize_targets, error);
}

/* "inputs" or "targets": a non-empty list of header names and 0-based
 * column indices; left out, the old rule (docs/file-format.md). Whether a
 * name is in the header, or an index in the file, is only known when the
 * CSV file is read (nnb-csv.c). */
static gboolean
parse_columns (JsonObject *object, const char *key, NnbCsvColumn **out, guint *n_out, GError **error)
{
  g_autofree char *where = g_strdup_printf ("data.%s", key);
  JsonNode *node = nnb_json_member (object, key);
  JsonArray *array;
  NnbCsvColumn *columns;
  guint n;

  if (node == NULL)
    return TRUE;
  array = nnb_json_require_array (object, "data", key, error);
  if (array == NULL)
    return FALSE;
  n = json_array_get_length (array);
  if (n == 0)
    return nnb_json_fail (error, NNB_FILE_ERROR_INVALID, NULL,
                          "%s is empty: name at least one %s column, or leave %s out for %s.", where,
                          strcmp (key, "inputs") == 0 ? "input" : "target", key,
                          strcmp (key, "inputs") == 0 ? "every column that is not a target" : "the last column");
  if (n > NNB_CSV_MAX_COLUMNS)
    return nnb_json_fail (error, NNB_FILE_ERROR_INVALID, NULL, "%s lists %u columns; at most %d may be chosen.",
                          where, n, NNB_CSV_MAX_COLUMNS);
  columns = g_new0 (NnbCsvColumn, n);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      int64_t index;

      if (nnb_json_node_is_string (element) && json_node_get_string (element)[0] != '\0')
        columns[i].name = g_strdup (json_node_get_string (element));
      else if (nnb_json_node_to_whole (element, &index) && index >= 0)
        columns[i].index = index;
      else
        {
          g_autofree char *value = nnb_json_describe_node (element);
          nnb_csv_columns_free (columns, n);
          return nnb_json_fail (error, NNB_FILE_ERROR_INVALID, NULL,
                                "%s[%u] must be a column's name in the header or its 0-based index (0, 1, …), not %s.",
                                where, i, value);
        }
    }
  *out = columns;
  *n_out = n;
  return TRUE;
}

/* "header": true, false, or left out: detected (nnb-csv.h) */
static gboolean
parse_header (JsonObject *object, NnbDataSpec *spec, GError **error)
{
  gboolean header = FALSE;

  if (nnb_json_member (object, "header") == NULL)
    return TRUE;
  if (!nnb_json_read_bool (object, "data", "header", &header, error))
    return FALSE;
  spec->csv_header = header ? NNB_CSV_HEADER_YES : NNB_CSV_HEADER_NO;
  return TRUE;
}

/* "classes": 2 … 10 (blobs) */
static gboolean
parse_classes (JsonObject *object, NnbDataSpec *spec, GError **error)
{
  JsonNode *node = nnb_json_member (object, "classes");
  int64_t classes;

  if (node == NULL)
    return TRUE;
  if (!nnb_json_node_to_whole (node, &classes) || classes < NNB_DATA_MIN_CLASSES || classes > NNB_DATA_MAX_CLASSES)
    {
      g_autofree char *value = nnb_json_describe_node (node);
      return nnb_json_fail (error, NNB_FILE_ERROR_INVALID, "data", "classes must be a whole number from %d to %d, not %s.",
                            NNB_DATA_MIN_CLASSES, NNB_DATA_MAX_CLASSES, value);
    }
  spec->classes = classes;
  return TRUE;
}

/* class indices are what CrossEntropyLoss takes: refused before any draw */
static gboolean
check_class_targets (const NnbDataSpec *spec, GError **error)
{
  if (spec->standardize_targets && nnb_data_spec_has_classes (spec))
    return nnb_json_fail (error, NNB_FILE_ERROR_INVALID, NULL,
                          "Class indices cannot be standardised: the %s data's y is the class of each point, "
                          "not a value to rescale; set data.standardize.targets to false.",
                          nnb_data_kind_to_string (spec->kind));
  return TRUE;
}

static gboolean
parse_data (NnbProject *project, JsonNode *node, const char *base_dir, GError **error)
{
  NnbDataSpec *spec = &project->data;
  const char *kind_text, *path;
  JsonObject *object;
  NnbDataKind kind;

  if (node == NULL)
    return TRUE; /* the page's regression data */
  object = nnb_json_require_object (node, "data", error);
  if (object == NULL || !nnb_json_read_string (object, "data", "kind", TRUE, &kind_text, error))
    return FALSE;
  if (!nnb_data_kind_from_string (kind_text, &kind))
    return nnb_json_fail (error, NNB_FILE_ERROR_INVALID, "data",
                          "unknown kind \"%s\"; NN Blocks generates line, sine, polynomial, step and sine-product data, "
                          "the classes circle, xor, gauss, spiral, moons and blobs, or reads csv.",
                          nnb_json_quoted (kind_text));
  nnb_data_spec_clear (spec);
  nnb_data_spec_init (spec, kind);
  if (!nnb_json_check_fields (object, "data", nnb_project_data_fields (kind), error) ||
      !nnb_json_read_number (object, "data", "test_fraction", NNB_JSON_NUMBER_UNIT, &spec->test_fraction, error) ||
      !parse_standardize (spec, nnb_json_member (object, "standardize"), error))
    return FALSE;
  if (kind == NNB_DATA_CSV)
    {
      if (!nnb_json_read_string (object, "data", "path", TRUE, &path, error))
        return FALSE;
      if (path[0] == '\0')
        return nnb_json_fail (error, NNB_FILE_ERROR_INVALID, "data", "path must name a CSV file.");
      /* relative to the project file, so a folder can be moved as a whole */
      if (base_dir != NULL && !g_path_is_absolute (path))
        spec->csv_path = g_build_filename (base_dir, path, NULL);
      else
        spec->csv_path = g_strdup (path);
      return parse_header (object, spec, error) &&
             parse_columns (object, "inputs", &spec->csv_inputs, &spec->csv_n_inputs, error) &&
             parse_columns (object, "targets", &spec->csv_targets, &spec->csv_n_targets, error) &&
             nnb_json_read_bool (object, "data", "class_targets", &spec->csv_class_targets, error) &&
             nnb_json_read_bool (object, "data", "float_targets", &spec->float_targets, error) &&
             check_class_targets (spec, error);
    }
  return nnb_json_read_whole (object, "data", "n", 1, MAX_POINTS, FALSE, spec->n, &spec->n, error) &&
         nnb_json_read_number (object, "data", "a", NNB_JSON_NUMBER_ANY, &spec->a, error) &&
         nnb_json_read_number (object, "data", "b", NNB_JSON_NUMBER_ANY, &spec->b, error) &&
         nnb_json_read_number (object, "data", "c", NNB_JSON_NUMBER_ANY, &spec->c, error) &&
         nnb_json_read_number (object, "data", "noise", NNB_JSON_NUMBER_NON_NEGATIVE, &spec->noise, error) &&
         nnb_json_read_number (object, "data", "x_max", NNB_JSON_NUMBER_POSITIVE, &spec->x_max, error) &&
         nnb_json_read_number (object, "data", "radius", NNB_JSON_NUMBER_POSITIVE, &spec->radius, error) &&
         nnb_json_read_number (object, "data", "distance", NNB_JSON_NUMBER_NON_NEGATIVE, &spec->distance, error) &&
         nnb_json_read_number (object, "data", "turns", NNB_JSON_NUMBER_POSITIVE, &spec->turns, error) &&
         nnb_json_read_bool (object, "data", "float_targets", &spec->float_targets, error) &&
         parse_classes (object, spec, error) && check_class_targets (spec, error);
}

/* ------------------------------------------------------------ training */

static const char *const *
training_fields (NnbOptimizerKind kind)
{
  static const char *const sgd[] = {
    "optimizer", "lr", "momentum", "dampening", "weight_decay", "nesterov",
    "loss", "label_smoothing", "epochs", "batch_size", "until_loss", "log_every", "device", NULL
  };
  static const char *const adam[] = {
    "optimizer", "lr", "betas", "eps", "weight_decay",
    "loss", "label_smoothing", "epochs", "batch_size", "until_loss", "log_every", "device", NULL
  };
  return kind == NNB_OPTIMIZER_ADAM ? adam : sgd;
}

static gboolean
parse_betas (JsonObject *object, NnbOptimizerOptions *opt, GError **error)
{
  JsonNode *node = nnb_json_member (object, "betas");
  JsonArray *array;

  if (node == NULL)
    return TRUE;
  array = JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
  if (array == NULL || json_array_get_length (array) != 2)
    {
      g_autofree char *value = nnb_json_describe_node (node);
      return nnb_json_fail (error, NNB_FILE_ERROR_INVALID, "training", "betas must be a list of two numbers, not %s.", value);
    }
  return nnb_json_check_number (json_array_get_element (array, 0), "training", "betas[0]", NNB_JSON_NUMBER_UNIT,
                                &opt->beta1, error) &&
         nnb_json_check_number (json_array_get_element (array, 1), "training", "betas[1]", NNB_JSON_NUMBER_UNIT,
                                &opt->beta2, error);
}

static gboolean
parse_training_kinds (JsonObject *object, NnbTrainingOptions *opts, GError **error)
{
  const char *optimizer = NULL, *loss = NULL, *device = NULL;
  NnbOptimizerKind kind = NNB_OPTIMIZER_SGD;

  if (!nnb_json_read_string (object, "training", "optimizer", FALSE, &optimizer, error) ||
      !nnb_json_read_string (object, "training", "loss", FALSE, &loss, error) ||
      !nnb_json_read_string (object, "training", "device", FALSE, &device, error))
    return FALSE;
  if (optimizer != NULL && !nnb_optimizer_kind_from_string (optimizer, &kind))
    return nnb_json_fail (error, NNB_FILE_ERROR_INVALID, "training",
                          "unknown optimizer \"%s\"; NN Blocks has SGD and Adam.", nnb_json_quoted (optimizer));
  nnb_optimizer_options_init (&opts->optimizer, kind);
  if (loss != NULL && !nnb_loss_kind_from_string (loss, &opts->loss))
    return nnb_json_fail (error, NNB_FILE_ERROR_INVALID, "training",
                          "unknown loss \"%s\"; NN Blocks has MSELoss, L1Loss, CrossEntropyLoss, NLLLoss, "
                          "BCEWithLogitsLoss and BCELoss.",
                          nnb_json_quoted (loss));
  if (device != NULL)
    {
      g_autoptr (GError) local = NULL;
      if (!nnb_device_parse (device, &opts->device, &local))
        return nnb_json_fail (error, NNB_FILE_ERROR_INVALID, "training", "device: %s", local->message);
    }
  return TRUE;
}

static gboolean
parse_training (NnbProject *project, JsonNode *node, GError **error)
{
  NnbTrainingOptions *opts = &project->training;
  NnbOptimizerOptions *opt = &opts->optimizer;
  int64_t epochs, log_every;
  JsonObject *object;

  if (node == NULL)
    return TRUE;
  object = nnb_json_require_object (node, "training", error);
  if (object == NULL || !parse_training_kinds (object, opts, error) ||
      !nnb_json_check_fields (object, "training", training_fields (opt->kind), error))
    return FALSE;
  if (!nnb_json_read_number (object, "training", "lr", NNB_JSON_NUMBER_NON_NEGATIVE, &opt->lr, error) ||
      !nnb_json_read_number (object, "training", "momentum", NNB_JSON_NUMBER_NON_NEGATIVE, &opt->momentum, error) ||
      !nnb_json_read_number (object, "training", "dampening", NNB_JSON_NUMBER_ANY, &opt->dampening, error) ||
      !nnb_json_read_number (object, "training", "weight_decay", NNB_JSON_NUMBER_NON_NEGATIVE, &opt->weight_decay, error) ||
      !nnb_json_read_bool (object, "training", "nesterov", &opt->nesterov, error) ||
      !parse_betas (object, opt, error) ||
      !nnb_json_read_number (object, "training", "eps", NNB_JSON_NUMBER_NON_NEGATIVE, &opt->eps, error) ||
      !nnb_json_read_whole (object, "training", "epochs", 0, MAX_EPOCHS, FALSE, opts->epochs, &epochs, error) ||
      !nnb_json_read_whole (object, "training", "batch_size", 0, MAX_POINTS, FALSE, opts->batch_size, &opts->batch_size, error) ||
      !nnb_json_read_number (object, "training", "until_loss", NNB_JSON_NUMBER_NON_NEGATIVE, &opts->until_loss, error) ||
      !nnb_json_read_number (object, "training", "label_smoothing", NNB_JSON_NUMBER_UNIT, &opts->label_smoothing, error) ||
      !nnb_json_read_whole (object, "training", "log_every", 0, MAX_EPOCHS, FALSE, opts->log_every, &log_every, error))
    return FALSE;
  opts->epochs = (int) epochs;
  opts->log_every = (int) log_every;
  if (opts->label_smoothing > 0 && opts->loss != NNB_LOSS_CROSS_ENTROPY)
    return nnb_json_fail (error, NNB_FILE_ERROR_INVALID, "training",
                          "label_smoothing is an option of CrossEntropyLoss, not of %s: leave it out, or choose "
                          "CrossEntropyLoss.",
                          nnb_loss_kind_to_string (opts->loss));
  return TRUE;
}

/* ------------------------------------------------------------- weights */

/* [16, 3] as written in the file, or how a wrong value reads */
static char *
describe_shape (JsonArray *shape)
{
  GString *text = g_string_new ("[");

  for (guint d = 0; d < json_array_get_length (shape); d++)
    {
      g_autofree char *dim = nnb_json_describe_node (json_array_get_element (shape, d));
      g_string_append_printf (text, "%s%s", d ? ", " : "", dim);
    }
  g_string_append (text, "]");
  return g_string_free (text, FALSE);
}

/* One state_dict entry: a float tensor (tensor), or num_batches_tracked
 * (tensor NULL, an integer of shape [] into *count) */
static gboolean
parse_one_weight (NnbTensor *tensor, int64_t *count, const char *name, JsonNode *node, GError **error)
{
  static const char *const fields[] = { "shape", "data", NULL };
  g_autofree char *where = g_strdup_printf ("weights[\"%s\"]", nnb_json_quoted (name));
  int64_t scalar_shape[1] = { 0 };
  int ndim = tensor != NULL ? tensor->ndim : 0;
  const int64_t *dims = tensor != NULL ? tensor->shape : scalar_shape;
  int64_t numel = tensor != NULL ? tensor->numel : 1;
  g_autofree char *expected = nnb_json_shape_list (ndim, dims);
  g_autofree float *values = NULL;
  JsonObject *object = nnb_json_require_object (node, where, error);
  JsonArray *shape, *data;
  gboolean same_shape;

  if (object == NULL || !nnb_json_check_fields (object, where, fields, error))
    return FALSE;
  shape = nnb_json_require_array (object, where, "shape", error);
  if (shape == NULL)
    return FALSE;
  same_shape = json_array_get_length (shape) == (guint) ndim;
  for (guint d = 0; same_shape && d < json_array_get_length (shape); d++)
    {
      JsonNode *dim = json_array_get_element (shape, d);
      same_shape = nnb_json_node_is_number (dim) && json_node_get_double (dim) == (double) dims[d];
    }
  if (!same_shape)
    {
      g_autofree char *given = describe_shape (shape);
      return nnb_json_fail (error, NNB_FILE_ERROR_MISMATCH, where,
                            "shape %s does not match the model's %s, whose shape is %s.", given, name, expected);
    }
  data = nnb_json_require_array (object, where, "data", error);
  if (data == NULL)
    return FALSE;
  if ((int64_t) json_array_get_length (data) != numel)
    return nnb_json_fail (error, NNB_FILE_ERROR_MISMATCH, where,
                          "shape %s needs %" G_GINT64_FORMAT " numbers, but data has %u.",
                          expected, numel, json_array_get_length (data));
  if (tensor == NULL)
    {
      JsonNode *value = json_array_get_element (data, 0);
      if (!nnb_json_node_to_whole (value, count) || *count < 0)
        {
          g_autofree char *text = nnb_json_describe_node (value);
          return nnb_json_fail (error, NNB_FILE_ERROR_INVALID, where,
                                "num_batches_tracked counts batches: a whole number, 0 or more, not %s.", text);
        }
      return TRUE;
    }
  values = g_new (float, numel);
  for (guint i = 0; i < json_array_get_length (data); i++)
    {
      JsonNode *value = json_array_get_element (data, i);
      if (!nnb_json_node_is_number (value) || !isfinite ((float) json_node_get_double (value)))
        {
          g_autofree char *what = g_strdup_printf ("data[%u]", i);
          double dummy;
          return nnb_json_check_number (value, where, what, NNB_JSON_NUMBER_ANY, &dummy, error) &&
                 nnb_json_fail (error, NNB_FILE_ERROR_INVALID, where, "data[%u] is too large for a float32.", i);
        }
      values[i] = (float) json_node_get_double (value);
    }
  nnb_tensor_write (tensor, values);
  return TRUE;
}

/* The file's weights must name every entry of the state_dict (parameters
 * and buffers), and nothing else — like load_state_dict(strict=True). */
static gboolean
parse_weights (NnbProject *project, JsonNode *node, GError **error)
{
  g_autoptr (GPtrArray) state = nnb_model_state_dict (project->model);
  g_autoptr (GList) names = NULL;
  gboolean has_buffers = FALSE;
  JsonObject *object;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  object = nnb_json_require_object (node, "weights", error);
  if (object == NULL)
    return FALSE;
  for (guint i = 0; i < state->len; i++)
    has_buffers |= ((NnbStateEntry *) state->pdata[i])->buffer != NULL;
  names = json_object_get_members (object);
  for (GList *l = names; l != NULL; l = l->next)
    {
      gboolean known = FALSE;
      for (guint i = 0; i < state->len && !known; i++)
        known = strcmp (((NnbStateEntry *) state->pdata[i])->name, l->data) == 0;
      if (!known)
        return nnb_json_fail (error, NNB_FILE_ERROR_MISMATCH, "weights",
                              has_buffers ? "\"%s\" is not a parameter or buffer of this model."
                                          : "\"%s\" is not a parameter of this model.",
                              nnb_json_quoted ((const char *) l->data));
    }
  for (guint i = 0; i < state->len; i++)
    {
      NnbStateEntry *entry = state->pdata[i];
      NnbTensor *tensor = entry->value;
      int64_t count = 0;

      if (!json_object_has_member (object, entry->name))
        {
          if (entry->param != NULL)
            return nnb_json_fail (error, NNB_FILE_ERROR_MISMATCH, "weights",
                                  has_buffers ? "the model's parameter \"%s\" has no values here; give every parameter "
                                                "and buffer, or leave out \"weights\"."
                                              : "the model's parameter \"%s\" has no values here; give every parameter, "
                                                "or leave out \"weights\".",
                                  entry->name);
          return nnb_json_fail (error, NNB_FILE_ERROR_MISMATCH, "weights",
                                "the model's buffer \"%s\" has no values here; give every parameter and buffer "
                                "(the whole state_dict), or leave out \"weights\".",
                                entry->name);
        }
      if (!parse_one_weight (tensor, &count, entry->name, json_object_get_member (object, entry->name), error))
        return FALSE;
      if (tensor == NULL)
        entry->buffer->count = count;
    }
  project->has_weights = TRUE;
  return TRUE;
}

/* ------------------------------------------------------------- reading */

static gboolean
check_format (JsonObject *root, GError **error)
{
  JsonNode *format = nnb_json_member (root, "format");
  int64_t version;

  if (!nnb_json_node_is_string (format) || strcmp (json_node_get_string (format), "nnblocks") != 0)
    {
      g_autofree char *value = nnb_json_describe_node (format);
      if (format == NULL)
        return nnb_json_fail (error, NNB_FILE_ERROR_INVALID, NULL,
                              "This is not an NN Blocks project: it has no \"format\": \"nnblocks\".");
      return nnb_json_fail (error, NNB_FILE_ERROR_INVALID, NULL,
                            "This is not an NN Blocks project: its format is %s, not \"nnblocks\".", value);
    }
  if (!nnb_json_read_whole (root, NULL, "version", 1, G_MAXINT64, TRUE, 0, &version, error))
    return FALSE;
  if (version > NNB_PROJECT_FORMAT_VERSION)
    return nnb_json_fail (error, NNB_FILE_ERROR_VERSION, NULL,
                          "This file was written by a newer NN Blocks (format version %" G_GINT64_FORMAT
                          "); this version reads up to version %d.",
                          version, NNB_PROJECT_FORMAT_VERSION);
  return TRUE;
}

static gboolean
parse_root (NnbProject *project, JsonObject *root, const char *base_dir, GError **error)
{
  static const char *const fields[] = {
    "format", "version", "title", "model", "seed", "model_seed", "init", "data", "training", "weights", NULL
  };
  const char *title = NULL;
  int64_t seed;

  if (!check_format (root, error) || !nnb_json_check_fields (root, NULL, fields, error) ||
      !nnb_json_read_string (root, NULL, "title", FALSE, &title, error) ||
      !nnb_json_read_whole (root, NULL, "seed", 0, G_MAXINT64, FALSE, 0, &seed, error) ||
      !nnb_json_read_optional_seed (root, NULL, "model_seed", &project->has_model_seed, &project->model_seed, error))
    return FALSE;
  project->title = g_strdup (title);
  project->seed = (guint64) seed;
  if (!json_object_has_member (root, "model"))
    return nnb_json_fail (error, NNB_FILE_ERROR_INVALID, NULL, "The project has no model: \"model\" is missing.");
  return nnb_project_read_model (project, json_object_get_member (root, "model"), error) &&
         parse_init (project, nnb_json_member (root, "init"), error) &&
         parse_data (project, nnb_json_member (root, "data"), base_dir, error) &&
         parse_training (project, nnb_json_member (root, "training"), error) &&
         parse_weights (project, nnb_json_member (root, "weights"), error);
}

static NnbProject *
load_from_data (const char *text, gsize length, const char *base_dir, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) parse_error = NULL;
  g_autoptr (NnbProject) project = NULL;
  JsonNode *root;

  /* before json-glib, whose recursive parser a deeply nested file would
   * crash; after it, what it would silently get wrong */
  if (!nnb_json_check_nesting (text, length, "project file", error))
    return NULL;
  if (!json_parser_load_from_data (parser, text, length, &parse_error))
    {
      nnb_json_parse_error (parse_error, text, length, error);
      return NULL;
    }
  if (!nnb_json_check_members (text, length, error))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      nnb_json_fail (error, NNB_FILE_ERROR_PARSE, NULL, "The file is empty.");
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_autofree char *value = nnb_json_describe_node (root);
      nnb_json_fail (error, NNB_FILE_ERROR_INVALID, NULL,
                     "This is not an NN Blocks project: a project is a JSON object ({ … }), not %s.", value);
      return NULL;
    }
  project = nnb_project_new ();
  if (!parse_root (project, json_node_get_object (root), base_dir, error))
    return NULL;
  return g_steal_pointer (&project);
}

NnbProject *
nnb_project_load_from_data (const char *json, gsize length, GError **error)
{
  g_return_val_if_fail (json != NULL || length == 0, NULL);
  return load_from_data (json ? json : "", length, NULL, error);
}

NnbProject *
nnb_project_load (const char *path, GError **error)
{
  g_autofree char *text = NULL;
  g_autofree char *base_dir = NULL;
  gsize length = 0;

  g_return_val_if_fail (path != NULL, NULL);

  /* a pipe would hang, a device fill the memory (a lesson's file="…" too) */
  if (!nnb_file_read (path, NNB_FILE_READ_MAX_PROJECT_MB, &text, &length, error))
    return NULL;
  base_dir = g_path_get_dirname (path);
  return load_from_data (text, length, base_dir, error);
}
