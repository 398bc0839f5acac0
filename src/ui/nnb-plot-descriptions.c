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
nnb_plot_describe_classes (int n_points, int n_classes, const NnbSnapshot *snapshot)
{
  if (snapshot == NULL || snapshot->boundary_size == 0)
    /* Translators: the data plot's accessible description for class data
     * (always two classes or more) before there is a decision boundary */
    return nnb_locale_strdup_printf (_("Data plot: %'d points of %d classes, no decision boundary yet"), n_points,
                                     n_classes);
  if (!has_trained (snapshot))
    /* Translators: the data plot's accessible description for class data
     * (always two classes or more) over the untrained model's boundary */
    return nnb_locale_strdup_printf (_("Data plot: %'d points of %d classes over the untrained model’s decision "
                                        "boundary"),
                                     n_points, n_classes);
  /* Translators: the data plot's accessible description for class data
   * (always two classes or more) while and after training */
  return nnb_locale_strdup_printf (_("Data plot: %'d points of %d classes over the model’s decision boundary "
                                      "after epoch %d"),
                                   n_points, n_classes, last_epoch (snapshot));
}

static gboolean
has_values (const GArray *values)
{
  return values != NULL && values->len > 0;
}

/* The last epoch's value in values (a snapshot's array of double). */
static double
last_value (const GArray *values)
{
  return g_array_index (values, double, values->len - 1);
}

char *
nnb_plot_describe_loss (const NnbSnapshot *snapshot)
{
  gboolean test;

  if (!has_trained (snapshot))
    return g_strdup (_("Loss plot: nothing trained yet"));
  test = has_values (snapshot->test_losses);
  /* empty for regression */
  if (has_values (snapshot->accuracies))
    {
      g_autofree char *accuracy = nnb_locale_format_percent (last_value (snapshot->accuracies), 1);
      g_autofree char *test_accuracy = NULL;

      if (test && has_values (snapshot->test_accuracies))
        {
          test_accuracy = nnb_locale_format_percent (last_value (snapshot->test_accuracies), 1);
          /* Translators: the loss plot's accessible description for class
           * data with a test set; the accuracies are percentages ("97.5 %") */
          return nnb_locale_strdup_printf (_("Loss plot, epoch %d, loss %.4g, test loss %.4g, accuracy %s, "
                                              "test accuracy %s"),
                                           last_epoch (snapshot), snapshot->loss, last_value (snapshot->test_losses),
                                           accuracy, test_accuracy);
        }
      /* Translators: the loss plot's accessible description for class
       * data; the accuracy is a percentage ("97.5 %") */
      return nnb_locale_strdup_printf (_("Loss plot, epoch %d, loss %.4g, accuracy %s"), last_epoch (snapshot),
                                       snapshot->loss, accuracy);
    }
  if (test)
    /* Translators: the loss plot's accessible description with a test set */
    return nnb_locale_strdup_printf (_("Loss plot, epoch %d, loss %.4g, test loss %.4g"), last_epoch (snapshot),
                                     snapshot->loss, last_value (snapshot->test_losses));
  return nnb_locale_strdup_printf (_("Loss plot, epoch %d, loss %.4g"), last_epoch (snapshot), snapshot->loss);
}

char *
nnb_plot_describe_norms (const NnbSnapshot *snapshot)
{
  if (!has_trained (snapshot))
    return g_strdup (_("Parameter norms: nothing trained yet"));
  return nnb_locale_strdup_printf (_("Parameter norms, epoch %d"), last_epoch (snapshot));
}
