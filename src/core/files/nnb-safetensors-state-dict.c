/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-safetensors-state-dict.c — model.load_state_dict(tensors, strict=True),
 * with PyTorch's messages word for word: missing keys, unexpected keys in
 * the order PyTorch meets them, and size mismatches. */

#include "nnb-safetensors.h"

#include <string.h>
#include "nnb-error.h"

/* torch.Size([16, 3]) */
static void
append_torch_size (GString *out, int ndim, const int64_t *shape)
{
  g_autofree char *size = nnb_shape_torch_size (ndim, shape);

  g_string_append (out, size);
}

/* The dotted paths of every submodule, in named_modules() order: "" for
 * the model itself, then "fc1", "net", "net.0", … */
static void
collect_module_paths (GPtrArray *out, const NnbModule *module, const char *path)
{
  g_ptr_array_add (out, g_strdup (path));
  for (guint i = 0; i < module->children->len; i++)
    {
      g_autofree char *child = path[0] ? g_strdup_printf ("%s.%u", path, i) : g_strdup_printf ("%u", i);
      collect_module_paths (out, module->children->pdata[i], child);
    }
}

/* Which module's load() reports an unexpected key in PyTorch: the deepest
 * module whose dotted path prefixes the key. Its index in named_modules()
 * order ranks the key, so keys come out in PyTorch's order. */
static guint
owner_rank (GPtrArray *paths, const char *key)
{
  guint best = 0;
  gsize best_len = 0;

  for (guint i = 1; i < paths->len; i++)
    {
      const char *path = paths->pdata[i];
      gsize len = strlen (path);
      if (len > best_len && strncmp (key, path, len) == 0 && key[len] == '.')
        {
          best = i;
          best_len = len;
        }
    }
  return best;
}

typedef struct
{
  const char *key;
  guint rank;
} RankedKey;

static int
compare_ranked (gconstpointer a, gconstpointer b)
{
  const RankedKey *x = a, *y = b;

  if (x->rank != y->rank)
    return x->rank < y->rank ? -1 : 1;
  return strcmp (x->key, y->key);
}

/* Unexpected keys grouped as PyTorch meets them (module by module); within
 * a module, sorted, since a hash table has no order of its own. */
static GArray *
unexpected_keys (NnbModel *model, GHashTable *tensors)
{
  g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  GArray *keys = g_array_new (FALSE, FALSE, sizeof (RankedKey));
  GHashTableIter iter;
  gpointer key;

  g_ptr_array_add (paths, g_strdup (""));
  for (guint i = 0; i < model->modules->len; i++)
    collect_module_paths (paths, model->modules->pdata[i], model->module_names->pdata[i]);
  g_hash_table_iter_init (&iter, tensors);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (nnb_model_get_parameter (model, key) == NULL && nnb_model_get_buffer (model, key) == NULL)
      {
        RankedKey ranked = { key, owner_rank (paths, key) };
        g_array_append_val (keys, ranked);
      }
  g_array_sort (keys, compare_ranked);
  return keys;
}

/* The shape of a state_dict entry: a count (num_batches_tracked) is a
 * scalar, torch.Size([]) */
static void
append_entry_size (GString *out, const NnbTensor *tensor)
{
  if (tensor == NULL || nnb_safetensors_tensor_is_count (tensor))
    append_torch_size (out, 0, NULL);
  else
    append_torch_size (out, tensor->ndim, tensor->shape);
}

/* A one-number tensor of shape [1] also fills a scalar, as PyTorch
 * accepts it for checkpoints of old versions */
static gboolean
same_entry_shape (const NnbTensor *loaded, const NnbTensor *value)
{
  if (value == NULL)
    return nnb_safetensors_tensor_is_count (loaded) || (loaded->ndim == 1 && loaded->shape[0] == 1);
  if (nnb_safetensors_tensor_is_count (loaded))
    return FALSE;
  return nnb_tensor_same_shape (loaded, value);
}

static int64_t
count_of (const NnbTensor *loaded)
{
  float host;

  if (nnb_safetensors_tensor_is_count (loaded))
    return nnb_safetensors_tensor_count (loaded);
  /* copy_ of a float into a long truncates */
  nnb_tensor_read (loaded, &host);
  return (int64_t) host;
}

gboolean
nnb_model_load_state_dict (NnbModel *model, GHashTable *tensors, GError **error)
{
  g_autoptr (GPtrArray) state = nnb_model_state_dict (model);
  g_autoptr (GString) missing = g_string_new (NULL);
  g_autoptr (GString) mismatches = g_string_new (NULL);
  g_autoptr (GArray) unexpected = unexpected_keys (model, tensors);

  /* check everything first: the model is unchanged unless every key fits */
  for (guint i = 0; i < state->len; i++)
    {
      NnbStateEntry *entry = state->pdata[i];
      NnbTensor *value = entry->value;
      NnbTensor *loaded = g_hash_table_lookup (tensors, entry->name);

      /* _NormBase._load_from_state_dict: a state_dict without version
       * metadata (as safetensors' load_file gives) that lacks
       * num_batches_tracked gets tensor(0) rather than a missing key */
      if (loaded == NULL && entry->buffer != NULL && value == NULL)
        continue;
      if (loaded == NULL)
        g_string_append_printf (missing, "%s\"%s\"", missing->len ? ", " : "", entry->name);
      else if (!same_entry_shape (loaded, value))
        {
          g_string_append_printf (mismatches, "\n\tsize mismatch for %s: copying a param with shape ", entry->name);
          append_entry_size (mismatches, loaded);
          g_string_append (mismatches, " from checkpoint, the shape in current model is ");
          append_entry_size (mismatches, value);
          g_string_append_c (mismatches, '.');
        }
    }
  if (missing->len || unexpected->len || mismatches->len)
    {
      /* torch 1.13 word for word, including the space before each "\n\t" */
      g_autoptr (GString) message = g_string_new (NULL);
      g_string_append_printf (message, "Error(s) in loading state_dict for %s:", model->class_name);
      if (missing->len)
        g_string_append_printf (message, "\n\tMissing key(s) in state_dict: %s. ", missing->str);
      if (unexpected->len)
        {
          g_string_append (message, "\n\tUnexpected key(s) in state_dict: ");
          for (guint i = 0; i < unexpected->len; i++)
            g_string_append_printf (message, "%s\"%s\"", i ? ", " : "", g_array_index (unexpected, RankedKey, i).key);
          g_string_append (message, ". ");
        }
      g_string_append (message, mismatches->str);
      g_set_error_literal (error, NNB_FILE_ERROR, NNB_FILE_ERROR_MISMATCH, message->str);
      return FALSE;
    }

  for (guint i = 0; i < state->len; i++)
    {
      NnbStateEntry *entry = state->pdata[i];
      NnbTensor *value = entry->value;
      NnbTensor *loaded = g_hash_table_lookup (tensors, entry->name);
      g_autofree float *host = NULL;
      const float *values;

      if (value == NULL)
        {
          entry->buffer->count = loaded != NULL ? count_of (loaded) : 0;
          continue;
        }
      values = loaded->data;
      /* nnb_tensor_write copies host memory into the parameter wherever it
       * lives; the tensors nnb_safetensors_parse gives are host tensors
       * already, others are copied to the host first */
      if (loaded->device.type != NNB_DEVICE_CPU)
        {
          host = g_new (float, loaded->numel);
          nnb_tensor_read (loaded, host);
          values = host;
        }
      nnb_tensor_write (value, values);
    }
  return TRUE;
}
