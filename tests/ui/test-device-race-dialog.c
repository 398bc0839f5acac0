/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-device-race-dialog.c — the Device Race window: Start races a small
 * model on every device and the rows reach the plot while it runs, Stop
 * ends a long race early, the window's Start and Stop follow the race, the
 * plot exports to PNG, SVG and PDF.
 *
 * Runs under Xvfb (see meson.build); skips when there is no display. With
 * NNB_TEST_SCREENSHOT_DIR set it leaves a picture of the finished race
 * there, for a person to look at. */
#include "nnb-config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "nnb-backend.h"
#include "nnb-device-race.h"
#include "nnb-device-race-dialog.h"
#include "nnb-ui-test-util.h"

#define WAIT_SECONDS 60

static gboolean
race_over (gpointer dialog)
{
  return !nnb_device_race_dialog_is_running (dialog);
}

static gboolean
has_a_row (gpointer dialog)
{
  return nnb_device_race_dialog_get_rows (dialog)->len > 0;
}

static const char *
status_text (NnbDeviceRaceDialog *dialog)
{
  return gtk_label_get_text (nnb_ui_test_template_child (dialog, NNB_TYPE_DEVICE_RACE_DIALOG, "status_label"));
}

static gboolean
button_sensitive (NnbDeviceRaceDialog *dialog, const char *name)
{
  return gtk_widget_is_sensitive (nnb_ui_test_template_child (dialog, NNB_TYPE_DEVICE_RACE_DIALOG, name));
}

/* The window as it is on screen, into a PNG, through its own renderer */
static void
save_picture (GtkWidget *widget, const char *path)
{
  g_autoptr (GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  g_autoptr (GskRenderNode) node = NULL;
  g_autoptr (GdkTexture) texture = NULL;

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (widget)), node, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
}

static void
test_race_fills_the_plot (void)
{
  NnbDeviceRaceDialog *dialog = nnb_device_race_dialog_new (NULL);
  g_autoptr (GPtrArray) devices = nnb_device_list ();
  const char *shots = g_getenv ("NNB_TEST_SCREENSHOT_DIR");
  GPtrArray *rows;

  gtk_window_present (GTK_WINDOW (dialog));
  g_assert_true (nnb_ui_test_wait_until (nnb_ui_test_is_mapped, dialog));
  /* before the start: Start only; the status names the devices */
  g_assert_true (button_sensitive (dialog, "start_button"));
  g_assert_false (button_sensitive (dialog, "stop_button"));
  g_assert_false (button_sensitive (dialog, "export_button"));
  g_assert_nonnull (strstr (status_text (dialog), "CPU (OpenBLAS"));

  nnb_device_race_dialog_start (dialog, 64);
  g_assert_true (nnb_device_race_dialog_is_running (dialog));
  g_assert_false (button_sensitive (dialog, "start_button"));
  g_assert_true (button_sensitive (dialog, "stop_button"));
  g_assert_true (nnb_ui_test_wait_until (race_over, dialog));

  /* widths 16, 32, 64 on every device of the list */
  rows = nnb_device_race_dialog_get_rows (dialog);
  g_assert_cmpuint (rows->len, ==, 3 * devices->len);
  for (guint i = 0; i < rows->len; i++)
    {
      const NnbRaceRow *row = rows->pdata[i];
      if (row->device.type == NNB_DEVICE_CPU)
        g_assert_cmpfloat (row->us_per_epoch, >, 0.0);
      else if (row->reason != NULL)
        g_assert_true (isnan (row->us_per_epoch));
    }
  g_assert_true (g_str_has_prefix (status_text (dialog), "Finished in "));
  g_assert_true (button_sensitive (dialog, "start_button"));
  g_assert_false (button_sensitive (dialog, "stop_button"));
  g_assert_true (button_sensitive (dialog, "export_button"));

  if (shots != NULL)
    {
      g_autofree char *path = g_build_filename (shots, "device-race-dialog.png", NULL);
      /* a frame drawn with every row */
      for (int i = 0; i < 20; i++)
        g_main_context_iteration (NULL, FALSE);
      save_picture (GTK_WIDGET (dialog), path);
      g_test_message ("picture: %s", path);
    }
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
test_stop_ends_a_long_race (void)
{
  NnbDeviceRaceDialog *dialog = nnb_device_race_dialog_new (NULL);
  gint64 start;

  gtk_window_present (GTK_WINDOW (dialog));
  /* up to 4096: minutes on a small CPU, were it not stopped */
  nnb_device_race_dialog_start (dialog, 4096);
  g_assert_true (nnb_ui_test_wait_until (has_a_row, dialog));
  start = g_get_monotonic_time ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "race.stop", NULL));
  g_assert_true (nnb_ui_test_wait_until (race_over, dialog));
  /* the worker stops between two epochs, not at the end of the race */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 20 * G_USEC_PER_SEC);
  g_assert_cmpstr (status_text (dialog), ==, "Stopped.");
  g_assert_cmpuint (nnb_device_race_dialog_get_rows (dialog)->len, <, 9 * 2);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
test_export_writes_png_svg_pdf (void)
{
  NnbDeviceRaceDialog *dialog = nnb_device_race_dialog_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("nnb-race-XXXXXX", &error);
  const char *names[] = { "race.png", "race.svg", "race.pdf" };
  const char *magic[] = { "\x89PNG", "<?xml", "%PDF" };

  g_assert_no_error (error);
  gtk_window_present (GTK_WINDOW (dialog));
  nnb_device_race_dialog_start (dialog, 16);
  g_assert_true (nnb_ui_test_wait_until (race_over, dialog));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);
      g_autofree char *contents = NULL;
      gsize length = 0;

      g_assert_true (nnb_device_race_dialog_export (dialog, path, &error));
      g_assert_no_error (error);
      g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
      g_assert_cmpuint (length, >, 1000);
      g_assert_true (g_str_has_prefix (contents, magic[i]));
      g_unlink (path);
    }
  g_rmdir (dir);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  nnb_ui_test_set_wait_seconds (WAIT_SECONDS);
  if (!gtk_init_check ())
    {
      g_test_add_func ("/ui/device-race/needs-a-display", nnb_ui_test_skip_without_display);
      return g_test_run ();
    }
  adw_init ();
  g_test_add_func ("/ui/device-race/race-fills-the-plot", test_race_fills_the_plot);
  g_test_add_func ("/ui/device-race/stop-ends-a-long-race", test_stop_ends_a_long_race);
  g_test_add_func ("/ui/device-race/export-writes-png-svg-pdf", test_export_writes_png_svg_pdf);
  return g_test_run ();
}
