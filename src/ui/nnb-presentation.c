/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-presentation.c — presentation mode's look for Cairo pictures. */
#include "nnb-config.h"

#include "nnb-presentation.h"

/* Lines and markers this much heavier, on top of the larger type they
 * already follow (style.css: 150 %): a 2 px curve on a laptop is a
 * hairline on a projector three metres wide, but points much bigger than
 * this merge into one blob. */
#define LINE_EMPHASIS 1.5
#define MARKER_EMPHASIS 1.3

gboolean
nnb_presentation_is_active (GtkWidget *widget)
{
  GtkRoot *root;

  g_return_val_if_fail (GTK_IS_WIDGET (widget), FALSE);

  root = gtk_widget_get_root (widget);
  return root != NULL && gtk_widget_has_css_class (GTK_WIDGET (root), "presentation");
}

void
nnb_plot_style_apply_presentation (NnbPlotStyle *style, gboolean dark, gboolean high_contrast)
{
  g_return_if_fail (style != NULL);

  style->line_width *= LINE_EMPHASIS;
  style->marker_scale = MARKER_EMPHASIS * MAX (1.0, style->marker_scale);

  /* Grey text washes out on a projector: full black or white. */
  style->foreground[0] = style->foreground[1] = style->foreground[2] = dark ? 1.0 : 0.0;
  style->foreground[3] = 1.0;

  /* The accent a shade stronger than libadwaita's: darker blue on light,
   * lighter on dark, so the fitted curve stands out from the points. */
  if (dark)
    {
      style->accent[0] = 0.55, style->accent[1] = 0.78, style->accent[2] = 1.0;
    }
  else
    {
      style->accent[0] = 0.0, style->accent[1] = 0.30, style->accent[2] = 0.75;
    }
  if (high_contrast)
    {
      /* in libadwaita's high-contrast style, pure colours only */
      style->accent[0] = dark ? 0.4 : 0.0, style->accent[1] = dark ? 0.8 : 0.2, style->accent[2] = 1.0;
    }
  style->accent[3] = 1.0;
}
