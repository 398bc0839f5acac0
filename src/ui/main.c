/* main.c — starts NN Blocks: `nnblocks [--lesson NAME] [FILE.nnb…]`. */
#include "nnb-config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "nnb-application.h"

int
main (int argc, char *argv[])
{
  g_autoptr(NnbApplication) app = NULL;

  /* Before the command line is parsed, so that --help is translated too. */
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_application_name (_("NN Blocks"));

  app = nnb_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
