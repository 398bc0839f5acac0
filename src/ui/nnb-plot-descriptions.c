/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-plot-descriptions.c — the plots' accessible descriptions. */
#include "nnb-config.h"

#include <glib/gi18n.h>

#include "nnb-locale-format.h"
#include "nnb-plot-descriptions.h"

static gboolean
has_trained (const NnbSnapshot *snapshot)
{
  return snapshot != NULL && snapshot->epoch > 0;
}

/* The loop's counter, as the header prints it: snapshot->epoch epochs are
 * done, the last one numbered one less. */
static int
last_epoch (const NnbSnapshot *snapshot)
{
  return snapshot->epoch - 1;
}

char *
nnb_plot_describe_data (int n_data, int n_outputs, const NnbSnapshot *snapshot)
{
  if (n_outputs <= 1 && !has_trained (snapshot))
    return nnb_locale_strdup_printf (_("Data plot: %'d training points, no fitted curve yet"), n_data);
  if (n_outputs <= 1)
    /* Translators: accessible descriptions of the plots while training */
    return nnb_locale_strdup_printf (_("Data plot: %'d training points and the fitted curve after epoch %d"),
                                     n_data, last_epoch (snapshot));
  if (!has_trained (snapshot))
    /* Translators: the data plot's accessible description for data with
     * several target columns (always more than one), before training */
    return nnb_locale_strdup_printf (_("Data plot: %'d training points of %d targets, no fitted curves yet"), n_data,
                                     n_outputs);
  /* Translators: the data plot's accessible description for data with
   * several target columns (always more than one): a curve for each */
  return nnb_locale_strdup_printf (_("Data plot: %'d training points of %d targets and a fitted curve for each "
                                      "after epoch %d"),
                                   n_data, n_outputs, last_epoch (snapshot));
}

char *
nnb_plot_describe_loss (const NnbSnapshot *snapshot)
{
  if (!has_trained (snapshot))
    return g_strdup (_("Loss plot: nothing trained yet"));
  if (snapshot->test_losses != NULL && snapshot->test_losses->len > 0)
    /* Translators: the loss plot's accessible description with a test set */
    return nnb_locale_strdup_printf (_("Loss plot, epoch %d, loss %.4g, test loss %.4g"), last_epoch (snapshot),
                                     snapshot->loss,
                                     g_array_index (snapshot->test_losses, double, snapshot->test_losses->len - 1));
  return nnb_locale_strdup_printf (_("Loss plot, epoch %d, loss %.4g"), last_epoch (snapshot), snapshot->loss);
}

char *
nnb_plot_describe_norms (const NnbSnapshot *snapshot)
{
  if (!has_trained (snapshot))
    return g_strdup (_("Parameter norms: nothing trained yet"));
  return nnb_locale_strdup_printf (_("Parameter norms, epoch %d"), last_epoch (snapshot));
}
