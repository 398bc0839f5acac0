/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-handout.c — a lesson step's screen as a handout: one A4 page in a
 * PDF, or a PNG of A4 at 150 dpi, with the step's title and text, the
 * diagram and both plots; written by the pure draw function and by the
 * window (win.export-handout) for sinenet.nnb after a few epochs.
 *
 * The window part runs under Xvfb (see meson.build) and skips without a
 * display; the pure function needs none. */
#include "nnb-config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "nnb-application.h"
#include "nnb-handout.h"
#include "nnb-plot-loss.h"
#include "nnb-plots-panel.h"
#include "nnb-ui-test-util.h"
#include "nnb-window.h"

#define WAIT_SECONDS 20

/* Pictures drawn for the page: each records the size it was given and
 * draws a real plot, as the window's would. */
typedef struct
{
  int calls;
  int widths[3];
  int heights[3];
} Pictures;

static void
draw_loss_picture (cairo_t *cr, int width, int height, const NnbPlotStyle *style, gpointer user_data)
{
  Pictures *pictures = user_data;
  static const double losses[] = { 0.56, 0.31, 0.2, 0.12, 0.08, 0.05, 0.04, 0.033 };
  NnbLossSeries series = { losses, G_N_ELEMENTS (losses), TRUE, { FALSE, 0, 0 } };

  if (pictures->calls < 3)
    {
      pictures->widths[pictures->calls] = width;
      pictures->heights[pictures->calls] = height;
    }
  pictures->calls++;
  nnb_plot_loss_draw (cr, width, height, &series, style);
}

static NnbHandoutContent
sample_content (Pictures *pictures)
{
  return (NnbHandoutContent){
    .lesson_title = "Day 2 — Building models with nn.Module",
    .step_title = "SineNet against a straight line",
    .step_text = "SineNet(64) has 4353 parameters. Trained with SGD at lr 0.01 for 5000 epochs "
                 "it reaches a loss of 0.0332; a plain Linear(1, 1) stays at 0.2109.\n\n"
                 "A straight line cannot bend to follow a sine.",
    .project_name = "sinenet",
    .footer = "29/11/2026",
    .draw_diagram = draw_loss_picture,
    .draw_data = draw_loss_picture,
    .draw_loss = draw_loss_picture,
    .user_data = pictures,
  };
}

/* Share of the pixels in the rectangle that are not white. */
static double
ink_share (cairo_surface_t *image, int x0, int y0, int x1, int y1)
{
  const guint8 *data = cairo_image_surface_get_data (image);
  int stride = cairo_image_surface_get_stride (image);
  long inked = 0, total = 0;

  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++)
      {
        guint32 pixel = *(const guint32 *) (data + y * stride + x * 4);

        if ((pixel & 0xffffff) != 0xffffff)
          inked++;
        total++;
      }

  return total > 0 ? (double) inked / total : 0;
}

static void
check_png_page (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length = 0;
  cairo_surface_t *image;
  int w, h;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_cmpuint (length, >, 20000);
  g_assert_cmpmem (contents, 8, "\x89PNG\r\n\x1a\n", 8);

  image = cairo_image_surface_create_from_png (path);
  g_assert_cmpint (cairo_surface_status (image), ==, CAIRO_STATUS_SUCCESS);
  w = cairo_image_surface_get_width (image);
  h = cairo_image_surface_get_height (image);
  /* A4 at 150 dpi */
  g_assert_cmpint (w, ==, 1240);
  g_assert_cmpint (h, ==, 1754);
  /* the title at the top, the pictures below: ink in both halves, but
   * mostly white paper */
  g_assert_cmpfloat (ink_share (image, 0, 0, w, h / 4), >, 0.005);
  g_assert_cmpfloat (ink_share (image, 0, h / 2, w, h), >, 0.01);
  g_assert_cmpfloat (ink_share (image, 0, 0, w, h), <, 0.5);
  cairo_surface_destroy (image);
}

static void
check_pdf_page (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_cmpuint (length, >, 5000);
  g_assert_cmpmem (contents, 5, "%PDF-", 5);
  /* one A4 page (595.28 × 841.89 points); memmem, as the compressed
   * streams hold NUL bytes */
  g_assert_nonnull (memmem (contents, length, "/MediaBox [ 0 0 595.27", 22));
  g_assert_nonnull (memmem (contents, length, "/Count 1\n", 9));
  g_assert_nonnull (memmem (contents, length, "%%EOF", 5));
}

static void
test_handout_png_is_a4_at_150_dpi (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("nnb-test-handout-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "step.png", NULL);
  Pictures pictures = { 0 };
  NnbHandoutContent content = sample_content (&pictures);

  g_assert_no_error (error);
  g_assert_true (nnb_handout_export (&content, path, &error));
  g_assert_no_error (error);
  check_png_page (path);

  /* diagram across the page, two plots side by side under it */
  g_assert_cmpint (pictures.calls, ==, 3);
  g_assert_cmpint (pictures.widths[0], >, 1.9 * pictures.widths[1]);
  g_assert_cmpint (pictures.widths[1], ==, pictures.widths[2]);
  g_assert_cmpint (pictures.heights[1], >, 100);

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_handout_pdf_is_one_a4_page (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("nnb-test-handout-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "step.PDF", NULL);
  Pictures pictures = { 0 };
  NnbHandoutContent content = sample_content (&pictures);

  g_assert_no_error (error);
  g_assert_true (nnb_handout_export (&content, path, &error));
  g_assert_no_error (error);
  check_pdf_page (path);
  g_assert_cmpint (pictures.calls, ==, 3);

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_handout_long_text_leaves_room_for_pictures (void)
{
  g_autoptr (GString) text = g_string_new (NULL);
  Pictures pictures = { 0 };
  NnbHandoutContent content = sample_content (&pictures);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 595, 842);
  cairo_t *cr = cairo_create (surface);

  for (int i = 0; i < 400; i++)
    g_string_append (text, "Gradients add up across calls until zero_grad. ");
  content.step_text = text->str;
  nnb_handout_draw (cr, 595, 842, &content);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);

  /* the text is cut, not the pictures squeezed away */
  g_assert_cmpint (pictures.calls, ==, 3);
  g_assert_cmpint (pictures.heights[0], >, 150);
  g_assert_cmpint (pictures.heights[1], >, 150);

  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

static void
test_handout_unwritable_path_says_so (void)
{
  g_autoptr (GError) error = NULL;
  Pictures pictures = { 0 };
  NnbHandoutContent content = sample_content (&pictures);
  const char *path = "/nonexistent-folder/handout.pdf";

  g_assert_false (nnb_handout_export (&content, path, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, path));
}

static void
test_handout_step_markup_keeps_code_apart (void)
{
  static const char xml[] =
    "<lesson version=\"1\"><title>T</title>"
    "<step id=\"s\"><title>Step</title>"
    "<p>x &lt; y &amp; y &gt; z</p>"
    "<code>print(model)</code>"
    "</step></lesson>";
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbLesson) lesson = nnb_lesson_new_from_data ("test", xml, -1, NULL, &error);
  g_autofree char *markup = NULL;

  g_assert_no_error (error);
  markup = nnb_handout_step_markup (lesson->steps->pdata[0]);
  g_assert_cmpstr (markup, ==, "x &lt; y &amp; y &gt; z\n\n<tt>print(model)</tt>");
  /* and Pango takes it */
  g_assert_true (pango_parse_markup (markup, -1, 0, NULL, NULL, NULL, NULL));
}

/* The window's handout of sinenet.nnb after a few epochs */

static int epochs_wanted;

static gboolean
loss_plotted (gpointer window)
{
  int data_epoch, loss_epoch;

  nnb_window_get_plotted_epochs (window, &data_epoch, &loss_epoch);

  return loss_epoch >= epochs_wanted;
}

static gboolean
step_enabled (gpointer window)
{
  return g_action_group_get_action_enabled (G_ACTION_GROUP (window), "step");
}

static void
check_window_handout (NnbApplication *app, NnbWindow *window, gpointer data)
{
  const char *dir = data;
  g_autoptr (GError) error = NULL;
  g_autofree char *pdf = g_build_filename (dir, "sinenet-handout.pdf", NULL);
  g_autofree char *png = g_build_filename (dir, "sinenet-handout.png", NULL);

  g_assert_true (nnb_ui_test_wait_until (nnb_ui_test_has_document, window));
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (window), "export-handout"));
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "export-handout"));

  /* one epoch at a time, each drawn before the next is asked for */
  for (epochs_wanted = 1; epochs_wanted <= 3; epochs_wanted++)
    {
      g_assert_true (nnb_ui_test_wait_until (step_enabled, window));
      g_action_group_activate_action (G_ACTION_GROUP (window), "step", NULL);
      g_assert_true (nnb_ui_test_wait_until (loss_plotted, window));
    }
  g_assert_true (nnb_ui_test_wait_until (step_enabled, window));

  /* The loss plot tells screen readers where training is. */
  {
    GtkWidget *panel = nnb_ui_test_window_child (window, "plots_panel");
    GtkAccessible *loss_plot = nnb_ui_test_template_child (panel, NNB_TYPE_PLOTS_PANEL, "loss_plot");
    g_autofree char *label = gtk_test_accessible_check_property (loss_plot, GTK_ACCESSIBLE_PROPERTY_LABEL, "");
    int data_epoch, loss_epoch;
    g_autofree char *expected = NULL;

    nnb_window_get_plotted_epochs (window, &data_epoch, &loss_epoch);
    /* the loop's counter, as the header says it: loss_epoch epochs are done */
    expected = g_strdup_printf ("Loss plot, epoch %d, loss ", loss_epoch - 1);
    g_assert_nonnull (label);
    g_assert_true (g_str_has_prefix (label, expected));
  }

  g_assert_true (nnb_window_export_handout (window, pdf, &error));
  g_assert_no_error (error);
  check_pdf_page (pdf);
  g_assert_true (nnb_window_export_handout (window, png, &error));
  g_assert_no_error (error);
  check_png_page (png);

  g_unlink (pdf);
  g_unlink (png);
}

static void
test_window_handout_of_sinenet (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *example = nnb_ui_test_example_path ("sinenet.nnb");
  g_autofree char *dir = g_dir_make_tmp ("nnb-test-handout-XXXXXX", &error);
  const char *argv[] = { "nnblocks", "--lesson", "day02", example, NULL };

  g_assert_no_error (error);
  nnb_ui_test_run_app (argv, check_window_handout, dir);
  g_rmdir (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  nnb_ui_test_set_wait_seconds (WAIT_SECONDS);
  /* The test accessibility context keeps the plots' labels where the test
   * can read them. */
  g_setenv ("GTK_A11Y", "test", TRUE);

  g_test_add_func ("/ui/handout/png-is-a4-at-150-dpi", test_handout_png_is_a4_at_150_dpi);
  g_test_add_func ("/ui/handout/pdf-is-one-a4-page", test_handout_pdf_is_one_a4_page);
  g_test_add_func ("/ui/handout/long-text-leaves-room-for-pictures", test_handout_long_text_leaves_room_for_pictures);
  g_test_add_func ("/ui/handout/unwritable-path-says-so", test_handout_unwritable_path_says_so);
  g_test_add_func ("/ui/handout/step-markup-keeps-code-apart", test_handout_step_markup_keeps_code_apart);
  if (gtk_init_check ())
    g_test_add_func ("/ui/handout/window-handout-of-sinenet", test_window_handout_of_sinenet);
  else
    g_test_add_func ("/ui/handout/window-needs-a-display", nnb_ui_test_skip_without_display);

  return g_test_run ();
}
