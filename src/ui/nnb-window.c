/* nnb-window.c — the main window. The layout is in data/ui/nnb-window.ui;
 * this file fills it in and answers the window's actions: win.open,
 * win.toggle-lesson and win.presentation. */
#include "nnb-config.h"

#include <glib/gi18n.h>

#include "nnb-lesson-catalog.h"
#include "nnb-plot-axes.h"
#include "nnb-window.h"

#define PROJECT_SUFFIX ".nnb"

struct _NnbWindow
{
  AdwApplicationWindow parent_instance;

  /* template children */
  AdwToastOverlay *toast_overlay;
  AdwHeaderBar *header_bar;
  AdwWindowTitle *window_title;
  GtkButton *open_button;
  GtkMenuButton *primary_menu_button;
  GtkStack *train_stack;
  AdwFlap *flap;
  GtkStack *lesson_stack;
  GtkLabel *lesson_name;
  GtkLabel *lesson_title;
  AdwStatusPage *lesson_status;
  AdwStatusPage *diagram_status;
  GtkButton *diagram_open_button;
  AdwViewStack *side_stack;
  AdwStatusPage *parameters_status;
  AdwStatusPage *code_status;
  GtkDrawingArea *data_plot;
  GtkDrawingArea *loss_plot;

  GSettings *settings;       /* NULL when the schema is not installed */
  GFile *file;               /* the project shown, or NULL */
  GCancellable *cancellable; /* set while a file is being opened */
  gboolean presentation_mode;
};

G_DEFINE_FINAL_TYPE (NnbWindow, nnb_window, ADW_TYPE_APPLICATION_WINDOW)

enum
{
  PROP_0,
  PROP_PRESENTATION_MODE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Plots */

static void
plot_style_for_widget (GtkWidget *widget, NnbPlotStyle *style)
{
  PangoContext *context = gtk_widget_get_pango_context (widget);
  const PangoFontDescription *font = pango_context_get_font_description (context);
  double size = pango_font_description_get_size (font) / (double) PANGO_SCALE;
  GdkRGBA color;

  /* Sizes follow the widget's CSS font, so presentation mode (style.css)
   * enlarges the plots' type and lines with everything else. */
  if (!pango_font_description_get_size_is_absolute (font))
    size *= 96.0 / 72.0; /* points to pixels, at GTK's reference resolution */
  if (size <= 0)
    size = 14.0;

  style->font_family = pango_font_description_get_family (font);

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &color);
  style->foreground[0] = color.red;
  style->foreground[1] = color.green;
  style->foreground[2] = color.blue;
  style->foreground[3] = color.alpha;
  style->font_size = size;
  style->line_width = MAX (1.0, size / 10.0);
}

static void
draw_data_plot (GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer user_data)
{
  NnbPlotStyle style;

  plot_style_for_widget (GTK_WIDGET (area), &style);
  nnb_plot_axes_draw (cr, width, height, _("Data and Fitted Curve"), "x", "y",
                      _("No data yet"), &style, NULL);
}

static void
draw_loss_plot (GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer user_data)
{
  NnbPlotStyle style;

  plot_style_for_widget (GTK_WIDGET (area), &style);
  nnb_plot_axes_draw (cr, width, height, _("Loss"), _("Epoch"), _("Loss"),
                      _("Not trained yet"), &style, NULL);
}

/* Lesson */

void
nnb_window_set_lesson (NnbWindow *self, const char *lesson_id)
{
  const char *title;

  g_return_if_fail (NNB_IS_WINDOW (self));

  if (lesson_id == NULL || *lesson_id == '\0')
    {
      adw_status_page_set_title (self->lesson_status, _("No Lesson Open"));
      adw_status_page_set_description (self->lesson_status,
                                       _("Start NN Blocks with <tt>--lesson day02</tt> to follow the Day 2 lesson"));
      gtk_stack_set_visible_child_name (self->lesson_stack, "none");
      return;
    }

  title = nnb_lesson_catalog_get_title (lesson_id);
  if (title == NULL)
    {
      g_autofree char *names = nnb_lesson_catalog_dup_names ();
      g_autofree char *description = NULL;

      description = g_markup_printf_escaped (_("There is no lesson named “%s”. The lessons are: %s."),
                                             lesson_id, names);
      adw_status_page_set_title (self->lesson_status, _("Lesson Not Found"));
      adw_status_page_set_description (self->lesson_status, description);
      gtk_stack_set_visible_child_name (self->lesson_stack, "none");
      adw_flap_set_reveal_flap (self->flap, TRUE);
      return;
    }

  gtk_label_set_text (self->lesson_name, lesson_id);
  gtk_label_set_text (self->lesson_title, title);
  gtk_stack_set_visible_child_name (self->lesson_stack, "lesson");
  adw_flap_set_reveal_flap (self->flap, TRUE);
}

/* Opening a project */

static char *
project_name_from_display_name (const char *display_name)
{
  if (g_str_has_suffix (display_name, PROJECT_SUFFIX) && strlen (display_name) > strlen (PROJECT_SUFFIX))
    return g_strndup (display_name, strlen (display_name) - strlen (PROJECT_SUFFIX));

  return g_strdup (display_name);
}

static void
show_project (NnbWindow *self, GFile *file, GFileInfo *info)
{
  g_autofree char *name = project_name_from_display_name (g_file_info_get_display_name (info));
  g_autoptr(GFile) folder = g_file_get_parent (file);
  g_autofree char *location = folder != NULL ? g_file_get_parse_name (folder) : NULL;
  g_autofree char *escaped = location != NULL ? g_markup_escape_text (location, -1) : NULL;

  g_set_object (&self->file, file);

  adw_window_title_set_subtitle (self->window_title, name);
  adw_status_page_set_icon_name (self->diagram_status, "io.github.nnblocks.NNBlocks-symbolic");
  adw_status_page_set_title (self->diagram_status, name);
  adw_status_page_set_description (self->diagram_status, escaped);
  gtk_widget_set_visible (GTK_WIDGET (self->diagram_open_button), FALSE);
}

static void
show_open_error (NnbWindow *self, const GError *error)
{
  g_autofree char *escaped = g_markup_escape_text (error->message, -1);

  /* With a project on screen, the error must not replace it: a toast says it. */
  if (self->file != NULL)
    {
      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (escaped));
      return;
    }

  adw_status_page_set_icon_name (self->diagram_status, "dialog-error-symbolic");
  adw_status_page_set_title (self->diagram_status, _("Could Not Open Project"));
  adw_status_page_set_description (self->diagram_status, escaped);
  gtk_widget_set_visible (GTK_WIDGET (self->diagram_open_button), TRUE);
}

static void
query_info_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GFile *file = G_FILE (source);
  g_autoptr(NnbWindow) self = user_data;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  info = g_file_query_info_finish (file, result, &error);

  /* Cancelled: another file was asked for since, or the window closed. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->cancellable);

  /* GIO's messages name the system call; say it the way a student would. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    {
      g_autofree char *name = g_file_get_parse_name (file);

      g_clear_error (&error);
      g_set_error (&error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("There is no file “%s”. Check the name, or choose the project with Open."), name);
    }
  else if (info != NULL && g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    {
      g_autofree char *name = g_file_get_parse_name (file);

      g_set_error (&error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE,
                   _("“%s” is not a file. Choose a project file (.nnb)."), name);
    }

  if (error != NULL)
    show_open_error (self, error);
  else
    show_project (self, file, info);
}

void
nnb_window_open (NnbWindow *self, GFile *file)
{
  g_return_if_fail (NNB_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  g_file_query_info_async (file,
                           G_FILE_ATTRIBUTE_STANDARD_DISPLAY_NAME "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
                           G_FILE_QUERY_INFO_NONE, G_PRIORITY_DEFAULT, self->cancellable,
                           query_info_cb, g_object_ref (self));
}

gboolean
nnb_window_is_empty (NnbWindow *self)
{
  g_return_val_if_fail (NNB_IS_WINDOW (self), FALSE);

  return self->file == NULL && self->cancellable == NULL;
}

static void
open_response_cb (GtkNativeDialog *dialog, int response, gpointer user_data)
{
  NnbWindow *self = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      if (file != NULL)
        nnb_window_open (self, file);
    }

  g_object_unref (dialog);
}

static void
open_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  NnbWindow *self = user_data;
  GtkFileChooserNative *dialog;
  g_autoptr(GtkFileFilter) projects = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all_files = gtk_file_filter_new ();

  dialog = gtk_file_chooser_native_new (_("Open Project"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));

  gtk_file_filter_set_name (projects, _("NN Blocks Projects"));
  gtk_file_filter_add_suffix (projects, "nnb");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), projects);
  gtk_file_filter_set_name (all_files, _("All Files"));
  gtk_file_filter_add_pattern (all_files, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), all_files);

  /* The dialog is unreferenced in open_response_cb. */
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect_object (dialog, "response", G_CALLBACK (open_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* Presentation mode */

static void
nnb_window_set_presentation_mode (NnbWindow *self, gboolean presentation_mode)
{
  presentation_mode = !!presentation_mode;
  if (self->presentation_mode == presentation_mode)
    return;

  self->presentation_mode = presentation_mode;
  if (presentation_mode)
    gtk_widget_add_css_class (GTK_WIDGET (self), "presentation");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "presentation");
  gtk_widget_queue_draw (GTK_WIDGET (self->data_plot));
  gtk_widget_queue_draw (GTK_WIDGET (self->loss_plot));

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRESENTATION_MODE]);
}

/* Window size: read once when the window is made and written when it
 * closes, rather than bound, so that two windows do not resize each other. */

static void
restore_window_state (NnbWindow *self)
{
  if (self->settings == NULL)
    return;

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static void
save_window_state (NnbWindow *self)
{
  int width, height;

  if (self->settings == NULL)
    return;

  /* The default size is the size the window has when not maximized. */
  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
}

static gboolean
nnb_window_close_request (GtkWindow *window)
{
  save_window_state (NNB_WINDOW (window));

  return GTK_WINDOW_CLASS (nnb_window_parent_class)->close_request (window);
}

NnbWindow *
nnb_window_new (NnbApplication *application)
{
  NnbWindow *self;
  GSettings *settings;

  g_return_val_if_fail (NNB_IS_APPLICATION (application), NULL);

  self = g_object_new (NNB_TYPE_WINDOW, "application", application, NULL);

  settings = nnb_application_get_settings (application);
  if (settings != NULL)
    {
      self->settings = g_object_ref (settings);
      restore_window_state (self);
      g_settings_bind (settings, "presentation-mode", self, "presentation-mode", G_SETTINGS_BIND_DEFAULT);
    }

  return self;
}

static void
nnb_window_dispose (GObject *object)
{
  NnbWindow *self = NNB_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->file);
  g_clear_object (&self->settings);

  gtk_widget_dispose_template (GTK_WIDGET (self), NNB_TYPE_WINDOW);

  G_OBJECT_CLASS (nnb_window_parent_class)->dispose (object);
}

static void
nnb_window_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  NnbWindow *self = NNB_WINDOW (object);

  switch (prop_id)
    {
    case PROP_PRESENTATION_MODE:
      g_value_set_boolean (value, self->presentation_mode);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nnb_window_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  NnbWindow *self = NNB_WINDOW (object);

  switch (prop_id)
    {
    case PROP_PRESENTATION_MODE:
      nnb_window_set_presentation_mode (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nnb_window_class_init (NnbWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = nnb_window_dispose;
  object_class->get_property = nnb_window_get_property;
  object_class->set_property = nnb_window_set_property;
  window_class->close_request = nnb_window_close_request;

  /* Large type and thick lines for projectors. */
  properties[PROP_PRESENTATION_MODE] =
    g_param_spec_boolean ("presentation-mode", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/nnblocks/NNBlocks/ui/nnb-window.ui");
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, open_button);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, primary_menu_button);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, train_stack);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, flap);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, lesson_stack);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, lesson_name);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, lesson_title);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, lesson_status);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, diagram_status);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, diagram_open_button);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, side_stack);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, parameters_status);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, code_status);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, data_plot);
  gtk_widget_class_bind_template_child (widget_class, NnbWindow, loss_plot);
}

static const GActionEntry win_actions[] = {
  { .name = "open", .activate = open_action },
};

static void
nnb_window_init (NnbWindow *self)
{
  g_autoptr(GPropertyAction) toggle_lesson = NULL;
  g_autoptr(GPropertyAction) presentation = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions, G_N_ELEMENTS (win_actions), self);
  toggle_lesson = g_property_action_new ("toggle-lesson", self->flap, "reveal-flap");
  g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (toggle_lesson));
  presentation = g_property_action_new ("presentation", self, "presentation-mode");
  g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (presentation));

  gtk_drawing_area_set_draw_func (self->data_plot, draw_data_plot, self, NULL);
  gtk_drawing_area_set_draw_func (self->loss_plot, draw_loss_plot, self, NULL);

  nnb_window_set_lesson (self, NULL);
}
