/* SPDX-License-Identifier: GPL-3.0-or-later */
/* main.c — starts NN Blocks: `nnblocks [--lesson NAME] [FILE.nnb…]`. */
#include "nnb-config.h"

#include <glib/gi18n.h>
#include <gtk/gtk.h>
#include <locale.h>

#include "nnb-application.h"

/* Installed, the catalogs are in LOCALEDIR. Started from the build folder
 * (./run.sh), they are the ones just built there, so that LANGUAGE=de
 * shows the German the po/ folder holds now, not an older installed one. */
static const char *
locale_dir (void)
{
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);

  if (exe != NULL && g_str_has_prefix (exe, NNB_BUILD_ROOT G_DIR_SEPARATOR_S))
    return NNB_BUILD_ROOT G_DIR_SEPARATOR_S "po";
  return LOCALEDIR;
}

int
main (int argc, char *argv[])
{
  g_autoptr (NnbApplication) app = NULL;

  /* Before the command line is parsed, so that --help is translated too. */
  setlocale (LC_ALL, "");
  /* Numbers that quote PyTorch (code, printouts, lesson output, files) have
   * a decimal point in every language; those only people read are put in
   * their locale by nnb-locale-format.h. GTK must not set it back. */
  setlocale (LC_NUMERIC, "C");
  gtk_disable_setlocale ();
  bindtextdomain (GETTEXT_PACKAGE, locale_dir ());
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_application_name (_("NN Blocks"));

  app = nnb_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
