/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-recent-menu.h — the "Open Recent" submenu: the projects opened or
 * saved lately (GTK's recent files), kept up to date. Items activate
 * win.open-recent with the file's URI. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define NNB_RECENT_MENU_MAX_ITEMS 8

/* Fills menu now and whenever the recent files change, for as long as
 * menu lives. */
void nnb_recent_menu_attach (GMenu *menu);

G_END_DECLS
