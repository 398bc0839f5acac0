/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-plot-ticks.c — round numbers for the axes, and their labels. */
#include "nnb-locale-format.h"
#include "nnb-plot-ticks.h"

#include <math.h>

#define TARGET_TICKS 5

/* 1, 2 or 5 times a power of ten: steps a reader can add up in the head. */
static double
nice_step (double span)
{
  double raw = span / TARGET_TICKS;
  double magnitude = pow (10, floor (log10 (raw)));
  double norm = raw / magnitude;

  if (norm < 1.5)
    return magnitude;
  if (norm < 3)
    return 2 * magnitude;
  if (norm < 7)
    return 5 * magnitude;
  return 10 * magnitude;
}

void
nnb_plot_scale_nice (NnbPlotScale *scale)
{
  if (!isfinite (scale->min) || !isfinite (scale->max))
    {
      scale->min = scale->log ? 0.1 : 0;
      scale->max = 1;
    }

  if (scale->log)
    {
      if (scale->max <= 0)
        scale->max = 1;
      if (scale->min <= 0 || scale->min > scale->max)
        scale->min = scale->max / 10;
      scale->min = pow (10, floor (log10 (scale->min)));
      scale->max = pow (10, ceil (log10 (scale->max)));
      if (scale->max <= scale->min)
        scale->max = scale->min * 10;
      return;
    }

  if (scale->max - scale->min <= fabs (scale->max) * 1e-9)
    {
      double pad = fabs (scale->max) > 0 ? fabs (scale->max) * 0.5 : 1.0;

      scale->min -= pad;
      scale->max += pad;
    }

  {
    double step = nice_step (scale->max - scale->min);

    scale->min = floor (scale->min / step + 1e-9) * step;
    scale->max = ceil (scale->max / step - 1e-9) * step;
  }
}

/* How sparse an axis' ticks get, level by level, until their labels fit:
 * a log axis labels every decade, then every 2nd, 3rd, 5th … (forty decades
 * of a diverging loss on a short plot: every 10th); a linear axis aims at
 * fewer and fewer round steps. */
static const int decade_steps[] = { 1, 2, 3, 5, 10, 20, 25, 50, 100 };
G_STATIC_ASSERT (G_N_ELEMENTS (decade_steps) == NNB_PLOT_TICK_LEVELS);

int
nnb_plot_ticks (const NnbPlotScale *scale, int level, double *ticks, int *decimals)
{
  int n = 0;

  *decimals = 0;
  if (scale->log)
    {
      int lo = (int) floor (log10 (scale->min) + 1e-9);
      int hi = (int) ceil (log10 (scale->max) - 1e-9);
      int step = decade_steps[level];
      /* Few decades: 2 and 5 as well, or the axis would carry one number. */
      gboolean fill = level == 0 && hi - lo <= 2;
      int first = (int) ceil ((double) lo / step) * step;

      for (int k = first; k <= hi; k += step)
        for (int m = 1; m <= 5; m += (m == 1 ? 1 : 3))
          {
            double v = m * pow (10, k);

            if (m != 1 && !fill)
              continue;
            if (v < scale->min * (1 - 1e-9) || v > scale->max * (1 + 1e-9))
              continue;
            if (n == NNB_PLOT_MAX_TICKS)
              return -1;
            ticks[n++] = v;
          }
      return n;
    }

  {
    double target = MAX (1, TARGET_TICKS - level);
    double step = nice_step ((scale->max - scale->min) * TARGET_TICKS / target);
    double first = ceil (scale->min / step - 1e-9) * step;

    if (!isfinite (step) || step <= 0 || (scale->max - first) / step >= NNB_PLOT_MAX_TICKS)
      return -1;
    /* negative for steps of 10 and more: the digits a label may round off */
    *decimals = (int) -floor (log10 (step) + 1e-9);
    for (int i = 0; i < NNB_PLOT_MAX_TICKS; i++)
      {
        double v = first + i * step;

        if (v > scale->max + step * 1e-6)
          break;
        ticks[n++] = fabs (v) < step * 1e-9 ? 0.0 : v; /* no "-0" */
      }
  }

  return n;
}

char *
nnb_plot_tick_text (const NnbPlotScale *scale, double v, int decimals)
{
  double magnitude = MAX (fabs (scale->min), fabs (scale->max));

  if (scale->log)
    {
      /* 0.001 … 1000 as plain numbers; beyond that 1e-05 reads better. */
      if (v >= 1e-3 && v <= 1e3)
        return nnb_locale_strdup_printf ("%g", v);
      return nnb_locale_strdup_printf ("%.0e", v);
    }
  /* a diverging curve's 1e+20 as such, not as twenty-one digits */
  if (magnitude >= 1e6 || decimals > 4)
    {
      int digits = (int) floor (log10 (MAX (magnitude, 1e-300))) + decimals;

      if (v == 0)
        return g_strdup ("0");
      return nnb_locale_strdup_printf ("%.*e", CLAMP (digits, 0, 3), v);
    }

  return nnb_locale_strdup_printf ("%.*f", MAX (0, decimals), v);
}

const char *
nnb_plot_nonfinite_text (double v)
{
  if (isnan (v))
    return "nan";
  return v > 0 ? "inf" : "-inf";
}
