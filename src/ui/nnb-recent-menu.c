/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-recent-menu.c — recently used projects as a menu. */
#include "nnb-config.h"

#include "nnb-recent-menu.h"

static gboolean
is_project (GtkRecentInfo *info)
{
  return g_str_has_suffix (gtk_recent_info_get_uri (info), ".nnb") && gtk_recent_info_exists (info);
}

static int
newest_first (gconstpointer a, gconstpointer b)
{
  GDateTime *ta = gtk_recent_info_get_modified (*(GtkRecentInfo **) a);
  GDateTime *tb = gtk_recent_info_get_modified (*(GtkRecentInfo **) b);

  return g_date_time_compare (tb, ta);
}

static void
refresh (GMenu *menu, GtkRecentManager *manager)
{
  GList *items = gtk_recent_manager_get_items (manager);
  g_autoptr (GPtrArray) projects = g_ptr_array_new ();

  for (GList *l = items; l != NULL; l = l->next)
    if (is_project (l->data))
      g_ptr_array_add (projects, l->data);
  g_ptr_array_sort (projects, newest_first);

  g_menu_remove_all (menu);
  for (guint i = 0; i < projects->len && i < NNB_RECENT_MENU_MAX_ITEMS; i++)
    {
      GtkRecentInfo *info = projects->pdata[i];
      g_autoptr (GMenuItem) item = g_menu_item_new (gtk_recent_info_get_display_name (info), NULL);

      g_menu_item_set_action_and_target (item, "win.open-recent", "s", gtk_recent_info_get_uri (info));
      g_menu_append_item (menu, item);
    }

  g_list_free_full (items, (GDestroyNotify) gtk_recent_info_unref);
}

void
nnb_recent_menu_attach (GMenu *menu)
{
  GtkRecentManager *manager = gtk_recent_manager_get_default ();

  g_return_if_fail (G_IS_MENU (menu));

  refresh (menu, manager);
  g_signal_connect_object (manager, "changed", G_CALLBACK (refresh), menu, G_CONNECT_SWAPPED);
}
