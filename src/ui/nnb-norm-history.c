/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-norm-history.c — norms over time, from snapshots. */
#include "nnb-norm-history.h"

NnbNormHistory *
nnb_norm_history_new (void)
{
  NnbNormHistory *history = g_new0 (NnbNormHistory, 1);

  history->names = g_ptr_array_new_with_free_func (g_free);
  history->epochs = g_array_new (FALSE, FALSE, sizeof (double));
  history->value_norms = g_array_new (FALSE, FALSE, sizeof (double));
  history->grad_norms = g_array_new (FALSE, FALSE, sizeof (double));

  return history;
}

void
nnb_norm_history_free (NnbNormHistory *history)
{
  if (history == NULL)
    return;

  g_ptr_array_unref (history->names);
  g_array_unref (history->epochs);
  g_array_unref (history->value_norms);
  g_array_unref (history->grad_norms);
  g_free (history);
}

void
nnb_norm_history_clear (NnbNormHistory *history)
{
  g_return_if_fail (history != NULL);

  g_ptr_array_set_size (history->names, 0);
  g_array_set_size (history->epochs, 0);
  g_array_set_size (history->value_norms, 0);
  g_array_set_size (history->grad_norms, 0);
}

guint
nnb_norm_history_get_n_points (const NnbNormHistory *history)
{
  g_return_val_if_fail (history != NULL, 0);

  return history->epochs->len;
}

static gboolean
same_names (const NnbNormHistory *history, const GArray *parameters)
{
  if (history->names->len != parameters->len)
    return FALSE;
  for (guint i = 0; i < parameters->len; i++)
    if (g_strcmp0 (history->names->pdata[i], g_array_index (parameters, NnbParameterStats, i).name) != 0)
      return FALSE;

  return TRUE;
}

/* Halves the points, keeping the first and every second after it: the
 * curve keeps its shape and the plot stays cheap to draw every frame. */
static void
thin (NnbNormHistory *history)
{
  guint n_series = history->names->len;
  guint kept = 0;

  for (guint p = 0; p < history->epochs->len; p += 2, kept++)
    {
      g_array_index (history->epochs, double, kept) = g_array_index (history->epochs, double, p);
      for (guint s = 0; s < n_series; s++)
        {
          g_array_index (history->value_norms, double, kept *n_series + s) = g_array_index (history->value_norms, double, p *n_series + s);
          g_array_index (history->grad_norms, double, kept *n_series + s) = g_array_index (history->grad_norms, double, p *n_series + s);
        }
    }
  g_array_set_size (history->epochs, kept);
  g_array_set_size (history->value_norms, kept * n_series);
  g_array_set_size (history->grad_norms, kept * n_series);
}

/* The trainer's own record, every epoch: the history is a copy of it. */
static void
copy_record (NnbNormHistory *history, const NnbSnapshot *snapshot)
{
  g_array_set_size (history->epochs, 0);
  g_array_set_size (history->value_norms, 0);
  g_array_set_size (history->grad_norms, 0);
  g_array_append_vals (history->epochs, snapshot->norm_epochs->data, snapshot->norm_epochs->len);
  g_array_append_vals (history->value_norms, snapshot->value_norms->data, snapshot->value_norms->len);
  g_array_append_vals (history->grad_norms, snapshot->grad_norms->data, snapshot->grad_norms->len);
}

void
nnb_norm_history_add (NnbNormHistory *history, const NnbSnapshot *snapshot)
{
  double epoch;

  g_return_if_fail (history != NULL);

  if (snapshot == NULL || snapshot->parameters == NULL || snapshot->parameters->len == 0)
    return;

  if (!same_names (history, snapshot->parameters))
    {
      nnb_norm_history_clear (history);
      for (guint i = 0; i < snapshot->parameters->len; i++)
        g_ptr_array_add (history->names,
                         g_strdup (g_array_index (snapshot->parameters, NnbParameterStats, i).name));
    }

  if (snapshot->norm_epochs != NULL && snapshot->value_norms != NULL && snapshot->grad_norms != NULL && snapshot->value_norms->len == snapshot->norm_epochs->len * snapshot->parameters->len)
    {
      copy_record (history, snapshot);
      return;
    }
  if (snapshot->epoch <= 0)
    return;

  /* the loop's counter, as the printouts and the header count: the first
   * epoch is epoch 0 */
  epoch = snapshot->epoch - 1;
  if (history->epochs->len > 0)
    {
      double last = g_array_index (history->epochs, double, history->epochs->len - 1);

      if (epoch == last)
        return;
      if (epoch < last) /* a new run (Reset): its own history */
        {
          g_array_set_size (history->epochs, 0);
          g_array_set_size (history->value_norms, 0);
          g_array_set_size (history->grad_norms, 0);
        }
    }

  if (history->epochs->len >= NNB_NORM_HISTORY_MAX_POINTS)
    thin (history);

  g_array_append_val (history->epochs, epoch);
  for (guint i = 0; i < snapshot->parameters->len; i++)
    {
      const NnbParameterStats *stats = &g_array_index (snapshot->parameters, NnbParameterStats, i);

      g_array_append_val (history->value_norms, stats->value_norm);
      g_array_append_val (history->grad_norms, stats->grad_norm);
    }
}
