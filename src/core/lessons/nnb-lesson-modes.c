/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-lesson-modes.c — Show me about modes and buffers (see the header). */
#include "nnb-config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "nnb-error.h"
#include "nnb-lesson-modes.h"
#include "nnb-loss.h"
#include "nnb-safetensors.h"
#include "nnb-torch-str.h"

/* rows of x (on the CPU) where the model is */
static NnbTensor *
rows_of (const NnbTensor *x, int64_t rows, NnbDevice device, GError **error)
{
  int64_t shape[2] = { rows, nnb_tensor_cols (x) };
  g_autoptr (NnbTensor) host = nnb_tensor_new_from_data (2, shape, x->data);

  return nnb_tensor_to (host, device, error);
}

/* str(t) of a forward's (rows, k) output */
static char *
output_str (NnbTensor *out)
{
  g_autofree float *values = g_new (float, out->numel);

  nnb_tensor_read (out, values);
  return nnb_torch_str (values, out->ndim, out->shape, FALSE, NULL);
}

char *
nnb_lesson_describe_train_eval (NnbProject *project, const NnbDataset *data, int rows, guint64 seed, GError **error)
{
  NnbModel *model = project->model;
  g_autofree NnbGenerator *gen = nnb_generator_new (seed);
  g_autoptr (NnbTensor) x = NULL;
  g_autoptr (GString) out = g_string_new (NULL);
  NnbGenerator *before;
  gboolean ok = TRUE;

  if (data == NULL || data->x == NULL || data->x->shape[0] == 0)
    {
      g_set_error_literal (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT, _("There is no data to send through the model."));
      return NULL;
    }
  rows = (int) MIN ((int64_t) rows, data->x->shape[0]);
  x = rows_of (data->x, rows, model->device, error);
  if (x == NULL)
    return NULL;
  g_string_append_printf (out, "x = X[:%d]\nwith torch.no_grad():\n    torch.manual_seed(%" G_GUINT64_FORMAT ")\n    model.train()\n",
                          rows, seed);
  /* torch.manual_seed(seed): the masks come from a generator of the
   * step's own, whatever the app drew before */
  before = nnb_model_set_generator (model, gen);
  nnb_model_train (model, TRUE);
  for (int pass = 0; pass < 4 && ok; pass++)
    {
      NnbTensor *y;

      if (pass == 2)
        {
          nnb_model_eval (model);
          g_string_append (out, "    model.eval()\n");
        }
      y = nnb_model_forward (model, x, error);
      if (y == NULL)
        ok = FALSE;
      else
        {
          g_autofree char *text = output_str (y);

          g_string_append_printf (out, "    print(model(x))  # %s, %s\n%s\n", pass < 2 ? "train" : "eval",
                                  pass % 2 == 0 ? "1st" : "2nd", text);
        }
    }
  nnb_model_eval (model);
  nnb_model_set_generator (model, before);
  return ok ? g_string_free (g_steal_pointer (&out), FALSE) : NULL;
}

static void
append_module_training (GString *out, const NnbModule *module, const char *name, gboolean training)
{
  /* every module has its flag; model.train() sets them all at once */
  g_string_append_printf (out, "%s %s %s\n", name, nnb_module_kind_to_string (module->kind), training ? "True" : "False");
  if (module->children != NULL)
    for (guint i = 0; i < module->children->len; i++)
      {
        g_autofree char *child = g_strdup_printf ("%s.%u", name, i);
        append_module_training (out, module->children->pdata[i], child, training);
      }
}

char *
nnb_lesson_describe_training (NnbProject *project)
{
  NnbModel *model = project->model;
  GString *out = g_string_new ("for name, m in model.named_modules():\n"
                               "    print(name or \"model\", type(m).__name__,\n          m.training)\n");

  /* a bare module is the model itself */
  if (model->modules->len == 1 && ((char *) model->module_names->pdata[0])[0] == '\0')
    {
      NnbModule *module = model->modules->pdata[0];

      g_string_append_printf (out, "model %s %s\n", nnb_module_kind_to_string (module->kind),
                              model->training ? "True" : "False");
      return g_string_free (out, FALSE);
    }
  g_string_append_printf (out, "model %s %s\n", model->class_name, model->training ? "True" : "False");
  for (guint i = 0; i < model->modules->len; i++)
    append_module_training (out, model->modules->pdata[i], model->module_names->pdata[i], model->training);
  return g_string_free (out, FALSE);
}

char *
nnb_lesson_describe_state_dict (NnbProject *project)
{
  NnbModel *model = project->model;
  g_autoptr (GPtrArray) state = nnb_model_state_dict (model);
  GString *out = g_string_new ("for name, t in model.state_dict().items():\n"
                               "    print(f\"{name:21s} {tuple(t.shape)}\")\n");

  for (guint i = 0; i < state->len; i++)
    {
      NnbStateEntry *entry = state->pdata[i];
      NnbTensor *value = entry->value;
      /* num_batches_tracked is a scalar: shape () */
      g_autofree char *shape = value != NULL ? nnb_tensor_shape_string (value) : g_strdup ("()");

      g_string_append_printf (out, "%-21s %s\n", entry->name, shape);
    }
  g_string_append (out, "for name, b in model.named_buffers():\n    print(name)\n");
  for (guint i = 0; i < state->len; i++)
    if (((NnbStateEntry *) state->pdata[i])->buffer != NULL)
      g_string_append_printf (out, "%s\n", ((NnbStateEntry *) state->pdata[i])->name);
  g_string_append_printf (out, "print(sum(p.numel() for p in model.parameters()))\n%" G_GINT64_FORMAT "\n"
                               "print(sum(b.numel() for b in model.buffers()))\n%" G_GINT64_FORMAT "\n"
                               "print(len(model.state_dict()))\n%u\n",
                          (gint64) nnb_model_count_parameters (model), (gint64) nnb_model_count_buffers (model),
                          state->len);
  return g_string_free (out, FALSE);
}

/* The first BatchNorm1d that tracks running statistics, and its name in
 * state_dict() ("1"), or NULL */
static NnbModule *
find_batch_norm (NnbModel *model, char **name)
{
  g_autoptr (GPtrArray) state = nnb_model_state_dict (model);

  for (guint i = 0; i < state->len; i++)
    {
      NnbStateEntry *entry = state->pdata[i];
      const char *dot = strrchr (entry->name, '.');

      if (entry->buffer != NULL && entry->module->kind == NNB_MODULE_BATCH_NORM && dot != NULL &&
          g_str_equal (dot + 1, "running_mean"))
        {
          *name = g_strndup (entry->name, (gsize) (dot - entry->name));
          return entry->module;
        }
    }
  return NULL;
}

/* loss_fn(model(X_test), y_test) in the model's mode now */
static gboolean
test_loss (NnbProject *project, const NnbDataset *data, double *value, GError **error)
{
  g_autoptr (NnbLoss) loss = nnb_loss_new (project->training.loss);
  g_autoptr (NnbTensor) x = rows_of (data->x_test, data->x_test->shape[0], project->model->device, error);
  g_autoptr (NnbTensor) y = NULL;
  NnbTensor *pred;

  if (x == NULL)
    return FALSE;
  y = nnb_tensor_to (data->y_test, project->model->device, error);
  nnb_loss_set_targets (loss, data->n_classes, data->float_targets);
  pred = y != NULL ? nnb_model_forward (project->model, x, error) : NULL;
  return pred != NULL && nnb_loss_forward (loss, pred, y, value, error);
}

/* print(test_loss()), the lesson's loss_fn(model(X_test), y_test) under
 * torch.no_grad() */
static void
append_test_loss (GString *out, double value)
{
  int64_t scalar[1] = { 0 };
  float loss = (float) value;
  g_autofree char *text = nnb_torch_str (&loss, 0, scalar, FALSE, NULL);

  g_string_append_printf (out, "print(test_loss())\n%s\n", text);
}

/* print(bn.num_batches_tracked): tensor(100) */
static void
append_tracked (GString *out, const char *name, const NnbBuffer *tracked)
{
  int64_t scalar[1] = { 0 };
  float count = (float) tracked->count;
  g_autofree char *text = nnb_torch_str (&count, 0, scalar, TRUE, NULL);

  g_string_append_printf (out, "print(model[%s].num_batches_tracked)\n%s\n", name, text);
}

char *
nnb_lesson_eval_forgotten_mistake (NnbProject *project, const NnbDataset *data, NnbLessonRun *run)
{
  NnbModel *model = project->model;
  g_autoptr (GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree float *before = NULL;
  g_autofree float *after = NULL;
  g_autoptr (GString) out = g_string_new (NULL);
  NnbModule *bn = find_batch_norm (model, &name);
  NnbBuffer *mean, *tracked;
  double loss;
  float moved = 0;
  gboolean ok;

  if (bn == NULL)
    return g_strdup_printf (_("%s has no BatchNorm1d with running estimates: in eval mode it would compute the same as in train mode, so there is no mistake to see."),
                            model->class_name);
  if (data == NULL || data->x_test == NULL)
    return g_strdup (_("The data has no test rows: set a test fraction to measure a test loss."));
  mean = nnb_module_get_buffer (bn, "running_mean");
  tracked = nnb_module_get_buffer (bn, "num_batches_tracked");
  before = g_new (float, mean->value->numel);
  after = g_new (float, mean->value->numel);

  nnb_model_eval (model);
  if (!test_loss (project, data, &loss, &error))
    return g_strdup_printf ("RuntimeError: %s\n", error->message);
  g_string_append (out, "model.eval()\n");
  append_test_loss (out, loss);
  append_tracked (out, name, tracked);

  nnb_tensor_read (mean->value, before);
  g_string_append_printf (out, "before = model[%s].running_mean.clone()\nmodel.train()  # eval() forgotten\n", name);
  /* the test batch's own statistics, and the running estimates move, as
   * in PyTorch even under no_grad */
  nnb_model_train (model, TRUE);
  ok = test_loss (project, data, &loss, &error);
  nnb_model_eval (model);
  if (!ok)
    return g_strdup_printf ("RuntimeError: %s\n", error->message);
  append_test_loss (out, loss);
  append_tracked (out, name, tracked);
  nnb_tensor_read (mean->value, after);
  for (int64_t i = 0; i < mean->value->numel; i++)
    moved = MAX (moved, fabsf (after[i] - before[i]));
  {
    int64_t scalar[1] = { 0 };
    g_autofree char *moved_text = nnb_torch_str (&moved, 0, scalar, FALSE, NULL);

    g_string_append_printf (out, "moved = model[%s].running_mean - before\nprint(moved.abs().max())\n%s\n", name,
                            moved_text);
  }
  if (!test_loss (project, data, &loss, &error))
    return g_strdup_printf ("RuntimeError: %s\n", error->message);
  g_string_append (out, "model.eval()\n");
  append_test_loss (out, loss);
  (void) run;
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* save_file(model.state_dict(), path) then load_file(path), through a
 * folder of its own that goes again: the real file, buffers and all */
static GHashTable *
round_trip (NnbModel *model, GError **error)
{
  g_autofree char *dir = g_dir_make_tmp ("nnblocks-lesson-XXXXXX", error);
  g_autofree char *path = dir != NULL ? g_build_filename (dir, "m.safetensors", NULL) : NULL;
  GHashTable *tensors = NULL;

  if (dir == NULL)
    return NULL;
  if (nnb_safetensors_save_model (model, path, error))
    tensors = nnb_safetensors_load (path, error);
  g_unlink (path);
  g_rmdir (dir);
  return tensors;
}

/* model(X_test) of both models, bit for bit */
static gboolean
same_outputs (NnbModel *a, NnbModel *b, const NnbTensor *x_test, GError **error)
{
  g_autoptr (NnbTensor) xa = rows_of (x_test, x_test->shape[0], a->device, error);
  g_autoptr (NnbTensor) xb = xa != NULL ? rows_of (x_test, x_test->shape[0], b->device, error) : NULL;
  NnbTensor *ya = xb != NULL ? nnb_model_forward (a, xa, error) : NULL;
  g_autofree float *va = ya != NULL ? g_new (float, ya->numel) : NULL;
  NnbTensor *yb;
  g_autofree float *vb = NULL;

  if (ya == NULL)
    return FALSE;
  nnb_tensor_read (ya, va); /* before b's forward: a's output stays a's */
  yb = nnb_model_forward (b, xb, error);
  if (yb == NULL)
    return FALSE;
  vb = g_new (float, yb->numel);
  nnb_tensor_read (yb, vb);
  return ya->numel == yb->numel && memcmp (va, vb, sizeof (float) * (gsize) yb->numel) == 0;
}

char *
nnb_lesson_missing_buffer_mistake (NnbProject *project, const NnbDataset *data, NnbLessonRun *run)
{
  NnbModel *model = project->model;
  NnbGenerator generator = *nnb_generator_default ();
  g_autoptr (GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *json = NULL;
  g_autofree char *key = NULL;
  g_autoptr (NnbProject) copy = NULL;
  g_autoptr (NnbDataset) copy_data = NULL;
  g_autoptr (GHashTable) saved = NULL;
  g_autoptr (GString) out = g_string_new (NULL);
  gsize length;
  gboolean same;

  if (find_batch_norm (model, &name) == NULL)
    return g_strdup_printf (_("%s has no BatchNorm1d with running estimates: its state_dict has no buffer to leave out."),
                            model->class_name);
  if (data == NULL || data->x_test == NULL)
    return g_strdup (_("The data has no test rows: set a test fraction to compare the outputs."));
  /* the same architecture with new weights: the project's recipe again,
   * which must not move the generator the app draws from next */
  json = nnb_project_to_data (project, FALSE, &length, &error);
  copy = json != NULL ? nnb_project_load_from_data (json, length, &error) : NULL;
  copy_data = copy != NULL ? nnb_project_build (copy, FALSE, &error) : NULL;
  *nnb_generator_default () = generator;
  if (copy_data == NULL)
    return g_strdup_printf (_("A fresh model could not be built: %s"), error->message);

  saved = round_trip (model, &error);
  if (saved == NULL)
    return g_strdup_printf (_("The state_dict could not be saved and read again: %s"), error->message);
  g_string_append (out, "state = model.state_dict()\nsave_file(state, \"m.safetensors\")\n"
                        "fresh = make_model()  # new weights\nstate = load_file(\"m.safetensors\")\n"
                        "fresh.load_state_dict(state)\nfresh.eval()\n");
  if (!nnb_model_load_state_dict (copy->model, saved, &error))
    return g_strdup_printf ("RuntimeError: %s\n", error->message);
  nnb_model_eval (model);
  nnb_model_eval (copy->model);
  same = same_outputs (model, copy->model, data->x_test, &error);
  if (error != NULL)
    return g_strdup_printf ("RuntimeError: %s\n", error->message);
  g_string_append_printf (out, "a, b = model(X_test), fresh(X_test)\nprint(torch.equal(a, b))\n%s\n",
                          same ? "True" : "False");

  key = g_strdup_printf ("%s.running_var", name);
  g_hash_table_remove (saved, key);
  g_string_append_printf (out, "del state[\"%s\"]\nfresh.load_state_dict(state)\n", key);
  if (nnb_model_load_state_dict (copy->model, saved, &error))
    {
      g_string_append (out, _("The state_dict loaded without it: there was no mistake to see.\n"));
      return g_string_free (g_steal_pointer (&out), FALSE);
    }
  g_free (run->error);
  run->error = g_strdup (error->message);
  g_string_append_printf (out, "RuntimeError: %s\n", error->message);
  return g_string_free (g_steal_pointer (&out), FALSE);
}
