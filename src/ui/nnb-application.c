/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-application.c — the application object: command line, preferences,
 * app.quit, app.about and app.shortcuts, and which window a file opens in. */
#include "nnb-config.h"

#include <glib/gi18n.h>
#include <gtksourceview/gtksource.h>

#if NNB_HAVE_CUDA
#include "nnb-gpu.h"
#endif

#include "nnb-application.h"
#include "nnb-backend.h"
#include "nnb-app-benchmark.h"
#include "nnb-first-frame.h"
#include "nnb-autosave.h"
#include "nnb-lesson-catalog.h"
#include "nnb-window.h"

#define RESOURCE_BASE_PATH "/io/github/nnblocks/NNBlocks"
#define WEBSITE "https://github.com/nnblocks/nnblocks"

struct _NnbApplication
{
  AdwApplication parent_instance;

  GSettings *settings;       /* NULL when the schema is not installed */
  char *lesson;              /* NULL for none */
  gboolean train;            /* --train: start training the files opened */
  gboolean benchmark;        /* --benchmark (hidden): time the training, then quit */
  gboolean first_frame;      /* --first-frame (hidden): report the first frame, then quit */
  gboolean recovery_offered; /* the first window asked about crashed sessions */
};

G_DEFINE_FINAL_TYPE (NnbApplication, nnb_application, ADW_TYPE_APPLICATION)

static const GOptionEntry option_entries[] = {
  { "lesson", 'l', G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING, NULL,
    N_("Open the lesson NAME, for example day02"), N_("NAME") },
  { "train", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, NULL,
    N_("Start training the projects given as soon as they are open"), NULL },
  { "version", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, NULL,
    N_("Show the version and quit"), NULL },
  /* for bench/app-speed: src/ui/nnb-app-benchmark.c */
  { "benchmark", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, NULL,
    N_("Print the training speed and frame times when the run ends, then quit"), NULL },
  /* for bench/first-frame: src/ui/nnb-first-frame.c */
  { "first-frame", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, NULL,
    N_("Print when the first frame is drawn, then quit"), NULL },
  { G_OPTION_REMAINING, 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME_ARRAY, NULL, NULL, NULL },
  { NULL }
};

/* Run from the build tree without GSETTINGS_SCHEMA_DIR, or without an
 * installation, the schema is missing and g_settings_new() would abort:
 * look it up first and do without preferences when it is not there. */
static GSettings *
settings_new_if_installed (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);

  if (schema == NULL)
    {
      g_message ("The GSettings schema %s is not installed: preferences will not be saved. "
                 "To run from the build folder, set GSETTINGS_SCHEMA_DIR to its data folder.",
                 APP_ID);
      return NULL;
    }

  return g_settings_new_full (schema, NULL, NULL);
}

static gboolean
style_to_color_scheme (GValue *value, GVariant *variant, gpointer user_data)
{
  const char *style = g_variant_get_string (variant, NULL);

  if (g_str_equal (style, "light"))
    g_value_set_enum (value, ADW_COLOR_SCHEME_FORCE_LIGHT);
  else if (g_str_equal (style, "dark"))
    g_value_set_enum (value, ADW_COLOR_SCHEME_FORCE_DARK);
  else
    g_value_set_enum (value, ADW_COLOR_SCHEME_DEFAULT);

  return TRUE;
}

static void
nnb_application_set_lesson (NnbApplication *self, const char *lesson)
{
  if (lesson != NULL && *lesson == '\0')
    lesson = NULL;

  g_free (self->lesson);
  self->lesson = g_strdup (lesson);

  /* Only a lesson that exists is worth opening again next time. */
  if (self->settings != NULL && lesson != NULL && nnb_lesson_catalog_get_title (lesson) != NULL)
    {
      g_autofree char *last_lesson = g_settings_get_string (self->settings, "last-lesson");

      if (!g_str_equal (last_lesson, lesson))
        g_settings_set_string (self->settings, "last-lesson", lesson);
    }
}

/* Windows */

static NnbWindow *
create_window (NnbApplication *self)
{
  NnbWindow *window = nnb_window_new (self);

  nnb_window_set_lesson (window, self->lesson);
  nnb_autosave_attach (window);
  if (self->first_frame)
    nnb_first_frame_report (GTK_WINDOW (window));
  /* projects a crash left behind are offered once, in the first window */
  if (!self->recovery_offered)
    {
      self->recovery_offered = TRUE;
      nnb_autosave_offer_recovery (window);
    }

  return window;
}

/* The most recently used main window, or NULL. */
static NnbWindow *
find_window (NnbApplication *self, gboolean only_empty)
{
  /* The list is in the order the windows were last focused. */
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (NNB_IS_WINDOW (l->data) && (!only_empty || nnb_window_is_empty (l->data)))
      return l->data;

  return NULL;
}

static void
nnb_application_activate (GApplication *app)
{
  NnbApplication *self = NNB_APPLICATION (app);
  NnbWindow *window = find_window (self, FALSE);

  if (window == NULL)
    window = create_window (self);

  gtk_window_present (GTK_WINDOW (window));
}

/* Each file opens in a window that shows nothing yet, or in a new one, so
 * that opening a file never replaces a project on screen. */
static void
nnb_application_open (GApplication *app, GFile **files, int n_files, const char *hint)
{
  NnbApplication *self = NNB_APPLICATION (app);

  for (int i = 0; i < n_files; i++)
    {
      NnbWindow *window = find_window (self, TRUE);

      if (window == NULL)
        window = create_window (self);

      nnb_window_set_train_on_open (window, self->train);
      if (self->benchmark)
        nnb_app_benchmark_attach (window);
      nnb_window_open (window, files[i]);
      gtk_window_present (GTK_WINDOW (window));
    }
}

/* Command line: handled by the primary instance, so that a second
 * `nnblocks --lesson day02 file.nnb` reaches the running one. */

static int
nnb_application_handle_local_options (GApplication *app, GVariantDict *options)
{
  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("nnblocks %s\n", PACKAGE_VERSION);
      return EXIT_SUCCESS;
    }

  return -1; /* go on to the primary instance */
}

static int
nnb_application_command_line (GApplication *app, GApplicationCommandLine *command_line)
{
  NnbApplication *self = NNB_APPLICATION (app);
  GVariantDict *options = g_application_command_line_get_options_dict (command_line);
  g_autofree const char **filenames = NULL;
  const char *lesson = NULL;
  gboolean has_lesson;

  self->train = g_variant_dict_contains (options, "train");
  self->benchmark = g_variant_dict_contains (options, "benchmark");
  self->first_frame = g_variant_dict_contains (options, "first-frame");
  has_lesson = g_variant_dict_lookup (options, "lesson", "&s", &lesson);
  if (has_lesson)
    nnb_application_set_lesson (self, lesson);

  if (g_variant_dict_lookup (options, G_OPTION_REMAINING, "^a&ay", &filenames) && filenames[0] != NULL)
    {
      g_autoptr (GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);

      for (guint i = 0; filenames[i] != NULL; i++)
        g_ptr_array_add (files, g_application_command_line_create_file_for_arg (command_line, filenames[i]));
      g_application_open (app, (GFile **) files->pdata, (int) files->len, "");
    }
  else
    {
      g_application_activate (app);
    }

  /* A lesson asked for now goes to the window in front, even one that was
   * already open. */
  if (has_lesson)
    {
      NnbWindow *window = find_window (self, FALSE);

      if (window != NULL)
        nnb_window_set_lesson (window, self->lesson);
    }

  return EXIT_SUCCESS;
}

/* Actions */

static void
quit_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  GtkApplication *app = user_data;
  GList *windows = NULL;

  /* Closing rather than quitting outright lets each window save its state;
   * the application ends with its last window. A window may go away while
   * another closes, so each is held until all are asked. */
  for (GList *l = gtk_application_get_windows (app); l != NULL; l = l->next)
    windows = g_list_prepend (windows, g_object_ref (l->data));
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);

  g_list_free_full (windows, g_object_unref);
}

static void
about_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  GtkApplication *app = user_data;
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (app),
                        "modal", TRUE,
                        "application-icon", APP_ID,
                        "application-name", _("NN Blocks"),
                        "developer-name", _("The NN Blocks developers"),
                        "version", PACKAGE_VERSION,
                        "comments", _("Learn how PyTorch’s nn.Module builds neural networks: "
                                       "put a network together from blocks, see the shape on "
                                       "every wire and the name of every parameter, and watch "
                                       "it train."),
                        "website", WEBSITE,
                        "issue-url", WEBSITE "/issues",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "copyright", _("© 2026 The NN Blocks developers"),
                        /* Translators: your name and e-mail address, one translator a line */
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
shortcuts_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  GtkApplication *app = user_data;
  g_autoptr (GtkBuilder) builder = NULL;
  GtkWindow *shortcuts;

  builder = gtk_builder_new_from_resource (RESOURCE_BASE_PATH "/ui/help-overlay.ui");
  shortcuts = GTK_WINDOW (gtk_builder_get_object (builder, "help_overlay"));
  gtk_window_set_transient_for (shortcuts, gtk_application_get_active_window (app));
  gtk_window_present (shortcuts);
}

static const GActionEntry app_actions[] = {
  { .name = "quit", .activate = quit_action },
  { .name = "about", .activate = about_action },
  { .name = "shortcuts", .activate = shortcuts_action },
};

/* Keep in step with data/ui/help-overlay.ui, which lists them. */
static const struct
{
  const char *action;
  const char *accels[2];
} accels[] = {
  { "app.quit", { "<Control>q", NULL } },
  { "app.shortcuts", { "<Control>question", NULL } },
  { "window.close", { "<Control>w", NULL } },
  { "win.new", { "<Control>n", NULL } },
  { "win.open", { "<Control>o", NULL } },
  { "win.paste-code", { "<Control><Shift>v", NULL } },
  { "win.toggle-lesson", { "F9", NULL } },
  { "win.presentation", { "F5", NULL } },
  { "win.save", { "<Control>s", NULL } },
  { "win.save-as", { "<Control><Shift>s", NULL } },
  { "win.train", { "<Control>Return", NULL } },
  { "win.pause", { "<Control>period", NULL } },
  { "win.step", { "<Control><Shift>Return", NULL } },
  { "win.explain-step", { "F7", NULL } },
  { "win.explain-back", { "<Shift>F7", NULL } },
  { "win.reset", { "<Control>r", NULL } },
  { "win.data", { "<Control><Shift>d", NULL } },
  { "win.export-code", { "<Control>e", NULL } },
  { "win.export-handout", { "<Control>p", NULL } },
};

static void
nnb_application_startup (GApplication *app)
{
  NnbApplication *self = NNB_APPLICATION (app);

  G_APPLICATION_CLASS (nnb_application_parent_class)->startup (app);

  /* GtkSourceView's languages and styles, for the code view. */
  gtk_source_init ();
  /* One OpenBLAS thread, as for nnblocks-cli: BLAS sums in another order
   * with more threads, and the lessons quote PyTorch's one-thread numbers
   * (SineNet converges at epoch 1543). The settings offer more. */
  nnb_backend_cpu_set_threads (1);
#if NNB_HAVE_CUDA
  /* installs the CUDA table; without a GPU, the device list says why */
  nnb_gpu_init ();
#endif

  self->settings = settings_new_if_installed ();
  if (self->settings != NULL)
    {
      g_autofree char *last_lesson = g_settings_get_string (self->settings, "last-lesson");

      if (self->lesson == NULL && *last_lesson != '\0')
        self->lesson = g_steal_pointer (&last_lesson);

      g_settings_bind_with_mapping (self->settings, "style",
                                    adw_style_manager_get_default (), "color-scheme",
                                    G_SETTINGS_BIND_GET, style_to_color_scheme, NULL, NULL, NULL);
    }

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  for (gsize i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), accels[i].action, accels[i].accels);
}

static void
nnb_application_finalize (GObject *object)
{
  NnbApplication *self = NNB_APPLICATION (object);

  g_clear_object (&self->settings);
  g_clear_pointer (&self->lesson, g_free);

  G_OBJECT_CLASS (nnb_application_parent_class)->finalize (object);
}

static void
nnb_application_class_init (NnbApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = nnb_application_finalize;
  app_class->startup = nnb_application_startup;
  app_class->activate = nnb_application_activate;
  app_class->open = nnb_application_open;
  app_class->command_line = nnb_application_command_line;
  app_class->handle_local_options = nnb_application_handle_local_options;
}

static void
nnb_application_init (NnbApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), _("[FILE.nnb…]"));
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Build neural networks from blocks and learn PyTorch’s nn.Module."));
}

NnbApplication *
nnb_application_new (void)
{
  return g_object_new (NNB_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN | G_APPLICATION_HANDLES_COMMAND_LINE,
                       "resource-base-path", RESOURCE_BASE_PATH,
                       NULL);
}

GSettings *
nnb_application_get_settings (NnbApplication *self)
{
  g_return_val_if_fail (NNB_IS_APPLICATION (self), NULL);

  return self->settings;
}

const char *
nnb_application_get_lesson (NnbApplication *self)
{
  g_return_val_if_fail (NNB_IS_APPLICATION (self), NULL);

  return self->lesson;
}
