/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-first-frame.c — reports the first painted frame of a window (see the header). */

#include "nnb-first-frame.h"

#include <stdio.h>

static void
after_paint_cb (GdkFrameClock *clock, gpointer user_data)
{
  g_signal_handlers_disconnect_by_func (clock, after_paint_cb, user_data);
  printf ("{\"first_frame_unix_us\": %" G_GINT64_FORMAT "}\n", g_get_real_time ());
  fflush (stdout);
  g_application_quit (g_application_get_default ());
}

/* the frame clock exists once the window has a surface */
static void
realize_cb (GtkWidget *window, gpointer user_data)
{
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint", G_CALLBACK (after_paint_cb), NULL);
}

void
nnb_first_frame_report (GtkWindow *window)
{
  g_return_if_fail (GTK_IS_WINDOW (window));

  if (gtk_widget_get_realized (GTK_WIDGET (window)))
    realize_cb (GTK_WIDGET (window), NULL);
  else
    g_signal_connect (window, "realize", G_CALLBACK (realize_cb), NULL);
}
