/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-lesson-classes.c — a classifier's Show me: its probabilities and the
 * targets students get wrong (see the header). */
#include "nnb-config.h"

#include <glib/gi18n-lib.h>

#include "nnb-class-probabilities.h"
#include "nnb-error.h"
#include "nnb-lesson-classes.h"
#include "nnb-loss.h"
#include "nnb-torch-str.h"

#define MAX_PRINTED 1000 /* numbers in a tensor PyTorch prints without "…" */

/* The first rows of x (the training rows, on the CPU) where the model is. */
static NnbTensor *
first_rows (const NnbTensor *x, int64_t rows, NnbDevice device, GError **error)
{
  int64_t shape[2] = { rows, nnb_tensor_cols (x) };
  g_autoptr (NnbTensor) host = nnb_tensor_new_from_data (2, shape, x->data);

  return nnb_tensor_to (host, device, error);
}

/* Only class data under a classification loss has classes to show. */
static gboolean
reads_classes (NnbProject *project, const NnbDataset *data, GError **error)
{
  NnbLossKind loss = project->training.loss;

  if (data == NULL || data->n_classes == 0)
    {
      g_set_error_literal (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT,
                           _("The data has no classes: this needs class data, such as xor or spiral."));
      return FALSE;
    }
  if (!nnb_loss_kind_is_classification (loss))
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT,
                   _("The model trains with nn.%s(), which reads no classes from its outputs: choose CrossEntropyLoss, NLLLoss, BCEWithLogitsLoss or BCELoss."),
                   nnb_loss_kind_to_string (loss));
      return FALSE;
    }
  return TRUE;
}

static void
append_print (GString *out, const char *expression, const float *values, int ndim, const int64_t *shape,
              gboolean integer)
{
  g_autofree char *text = nnb_torch_str (values, ndim, shape, integer, NULL);

  g_string_append_printf (out, "print(%s)\n%s\n", expression, text);
}

char *
nnb_lesson_describe_probabilities (NnbProject *project, const NnbDataset *data, int rows, GError **error)
{
  NnbLossKind loss = project->training.loss;
  /* what the model gives: logits, or log-probabilities and probabilities
   * for the losses that take those */
  const char *name = loss == NNB_LOSS_CROSS_ENTROPY || loss == NNB_LOSS_BCE_WITH_LOGITS ? "logits" : "out";
  g_autoptr (NnbTensor) x = NULL;
  g_autofree float *outputs = NULL;
  g_autofree float *probs = NULL;
  g_autofree float *predicted = NULL;
  g_autofree float *truth = NULL;
  g_autoptr (GString) text = NULL;
  NnbTensor *out;
  int64_t k, shape[2];
  gsize n_probs;
  int c;

  if (!reads_classes (project, data, error))
    return NULL;
  /* PyTorch prints up to 1000 numbers whole: fewer rows of many inputs */
  rows = (int) MIN ((int64_t) rows, MIN (data->x->shape[0], MAX_PRINTED / MAX (nnb_tensor_cols (data->x), 1)));
  if (rows == 0)
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_SHAPE, _("The data has too many inputs a row to print: %lld."),
                   (long long) nnb_tensor_cols (data->x));
      return NULL;
    }
  x = first_rows (data->x, rows, project->model->device, error);
  out = x != NULL ? nnb_model_forward (project->model, x, error) : NULL;
  if (out == NULL)
    return NULL;
  k = nnb_tensor_cols (out);
  c = nnb_class_count (loss, k);
  /* and fewer rows of many classes */
  if (c > 0 && c <= MAX_PRINTED && (int64_t) rows * MAX (k, c) > MAX_PRINTED)
    rows = (int) (MAX_PRINTED / MAX (k, c));
  if (c == 0 || c > MAX_PRINTED || nnb_tensor_rows (out) < rows)
    {
      g_set_error (error, NNB_ERROR, NNB_ERROR_SHAPE,
                   _("%s gives %lld outputs a row, which nn.%s() cannot read as class probabilities."),
                   project->model->class_name, (long long) k, nnb_loss_kind_to_string (loss));
      return NULL;
    }
  n_probs = (gsize) rows * (gsize) c;
  outputs = g_new (float, out->numel);
  nnb_tensor_read (out, outputs); /* the first rows rows of it are printed */
  probs = g_new (float, n_probs);
  nnb_class_probabilities_from_outputs (loss, outputs, rows, k, probs);
  /* torch.argmax gives the first of equal largest values */
  predicted = g_new (float, rows);
  truth = g_new (float, rows);
  for (int i = 0; i < rows; i++)
    {
      int best = 0;

      for (int j = 1; j < c; j++)
        if (probs[i * c + j] > probs[i * c + best])
          best = j;
      predicted[i] = (float) best;
      truth[i] = data->y->data[i * nnb_tensor_cols (data->y)];
    }

  /* the points themselves, then what the model says about them */
  text = g_string_new (NULL);
  {
    g_autofree char *expression = g_strdup_printf ("X[:%d]", rows);

    shape[0] = rows;
    shape[1] = nnb_tensor_cols (data->x);
    append_print (text, expression, data->x->data, 2, shape, FALSE);
  }
  g_string_append (text, "with torch.no_grad():\n");
  g_string_append_printf (text, "    %s = model(X[:%d])\n", name, rows);
  switch (loss)
    {
    case NNB_LOSS_CROSS_ENTROPY:
      g_string_append (text, "    probs = torch.softmax(logits, dim=1)\n");
      break;
    case NNB_LOSS_NLL:
      g_string_append (text, "    probs = torch.exp(out)\n");
      break;
    case NNB_LOSS_BCE_WITH_LOGITS:
      g_string_append (text, "    p = torch.sigmoid(logits)\n    probs = torch.cat([1 - p, p], dim=1)\n");
      break;
    default:
      g_string_append (text, "    probs = torch.cat([1 - out, out], dim=1)\n");
      break;
    }
  shape[0] = rows;
  shape[1] = k;
  append_print (text, name, outputs, 2, shape, FALSE);
  shape[1] = c;
  append_print (text, "probs", probs, 2, shape, FALSE);
  append_print (text, "probs.argmax(dim=1)", predicted, 1, shape, TRUE);
  {
    /* the class indices, even where the data gives them as a float column */
    g_autofree char *y = data->float_targets ? g_strdup_printf ("y[:%d, 0].long()", rows)
                                             : g_strdup_printf ("y[:%d]", rows);
    append_print (text, y, truth, 1, shape, TRUE);
  }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* What PyTorch names the backward of each loss's value. */
static const char *
grad_fn (NnbLossKind loss)
{
  switch (loss)
    {
    case NNB_LOSS_BCE_WITH_LOGITS:
      return "BinaryCrossEntropyWithLogitsBackward0";
    case NNB_LOSS_BCE:
      return "BinaryCrossEntropyBackward0";
    default:
      /* CrossEntropyLoss is log_softmax, then nll_loss */
      return "NllLossBackward0";
    }
}

typedef struct
{
  NnbProject *project;
  NnbTensor *pred;
  int64_t n_classes;
  GString *out;
  GString *errors;
} Attempts;

/* loss_fn(model(X), target), as code, then its value or the exception
 * PyTorch raises (named as PyTorch names it) with the engine's message */
static void
attempt (Attempts *a, const char *code, NnbTensor *target, gboolean float_targets, const char *exception)
{
  NnbLossKind kind = a->project->training.loss;
  g_autoptr (NnbLoss) loss = nnb_loss_new (kind);
  g_autoptr (GError) error = NULL;
  double value;

  nnb_loss_set_targets (loss, a->n_classes, float_targets);
  if (kind == NNB_LOSS_CROSS_ENTROPY)
    nnb_loss_set_label_smoothing (loss, a->project->training.label_smoothing);
  g_string_append_printf (a->out, "%s\n", code);
  if (nnb_loss_forward (loss, a->pred, target, &value, &error))
    {
      float item = (float) value;
      g_autofree char *text = nnb_torch_str (&item, 0, NULL, FALSE, grad_fn (kind));

      g_string_append_printf (a->out, "%s\n", text);
      return;
    }
  g_string_append_printf (a->out, "%s: %s\n", exception, error->message);
  if (a->errors->len > 0)
    g_string_append_c (a->errors, '\n');
  g_string_append (a->errors, error->message);
}

char *
nnb_lesson_target_mistake (NnbProject *project, const NnbDataset *data, NnbLessonRun *run)
{
  NnbLossKind kind = project->training.loss;
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbTensor) x = NULL;
  g_autoptr (NnbTensor) pred = NULL;
  g_autoptr (NnbTensor) shifted = NULL;
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (GString) errors = g_string_new (NULL);
  g_autofree char *y_size = NULL;
  int64_t n;
  NnbTensor *y, *output;
  Attempts a;

  g_clear_pointer (&run->error, g_free);
  if (!reads_classes (project, data, &error))
    return g_strdup_printf ("%s\n", error->message);
  y = data->y;
  n = y->shape[0];
  x = first_rows (data->x, n, project->model->device, &error);
  output = x != NULL ? nnb_model_forward (project->model, x, &error) : NULL;
  if (output == NULL)
    return g_strdup_printf ("model(X)\nRuntimeError: %s\n", error->message);
  /* the model's next forward would overwrite it */
  pred = nnb_tensor_ref (output);
  y_size = nnb_shape_torch_size (1, &n);
  a = (Attempts){ project, pred, data->n_classes, out, errors };

  if (kind == NNB_LOSS_CROSS_ENTROPY && project->training.label_smoothing > 0)
    g_string_append_printf (out, "loss_fn = nn.CrossEntropyLoss(label_smoothing=%g)\n", project->training.label_smoothing);
  else
    g_string_append_printf (out, "loss_fn = nn.%s()\n", nnb_loss_kind_to_string (kind));
  if (kind == NNB_LOSS_CROSS_ENTROPY || kind == NNB_LOSS_NLL)
    {
      g_string_append_printf (out, "print(y.shape, y.dtype)\n%s torch.int64\n", y_size);
      attempt (&a, "loss_fn(model(X), y.float().unsqueeze(1))  # a float column, as for MSELoss", y, TRUE,
               "RuntimeError");
      shifted = nnb_tensor_copy (y, NULL);
      for (int64_t i = 0; i < shifted->numel; i++)
        shifted->data[i] += 1.0f;
      attempt (&a, "loss_fn(model(X), y + 1)  # classes counted from 1", shifted, FALSE, "IndexError");
      attempt (&a, "loss_fn(model(X), y)", y, FALSE, "RuntimeError");
    }
  else
    {
      g_autofree char *pred_size = nnb_shape_torch_size (pred->ndim, pred->shape);

      g_string_append_printf (out, "print(model(X).shape, y.shape, y.dtype)\n%s %s torch.int64\n", pred_size, y_size);
      attempt (&a, "loss_fn(model(X), y)  # the class indices", y, FALSE, "ValueError");
      attempt (&a, "loss_fn(model(X), y.float().unsqueeze(1))", y, TRUE, "RuntimeError");
    }
  if (errors->len > 0)
    run->error = g_strdup (errors->str);
  return g_string_free (g_steal_pointer (&out), FALSE);
}
