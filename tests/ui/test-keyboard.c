/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-keyboard.c — the whole main window by keyboard alone: with
 * sinenet.nnb and the Day 2 lesson open, Tab walks through every control
 * (and the training settings' popover), each control that takes the focus
 * has a non-empty accessible name and a role other than "generic", and
 * every primary action (train, pause, step, reset, save, open, the exports,
 * the handout, presentation mode) has a keyboard shortcut, a button that
 * Tab reaches or an item in the main menu. The same walk in presentation
 * mode meets none of the editing chrome; the device race's window is
 * walked too.
 *
 * GTK 4.8 has no public getter for an accessible's computed name; the test
 * context (GTK_A11Y=test gives every widget one) answers what a property or
 * relation holds, which is what a screen reader's name comes from: the
 * label property, or the widget a labelled-by relation points to.
 *
 * Runs under Xvfb (see meson.build); skips when there is no display. */
#include "nnb-config.h"

#include <adwaita.h>
#include <string.h>

#include "nnb-application.h"
#include "nnb-ui-test-util.h"
#include "nnb-window.h"

#define MAX_STOPS 400

/* The text of the first visible label in widget, depth first, or NULL. */
static char *
label_text (GtkWidget *widget, int depth)
{
  if (!gtk_widget_get_visible (widget) || depth > 4)
    return NULL;
  if (GTK_IS_LABEL (widget) && *gtk_label_get_text (GTK_LABEL (widget)) != '\0')
    return g_strdup (gtk_label_get_text (GTK_LABEL (widget)));
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      char *text = label_text (c, depth + 1);

      if (text != NULL)
        return text;
    }

  return NULL;
}

static char *explicit_name (GtkWidget *widget);

/* TRUE when widget's labelled-by relation points to exactly candidate. */
static gboolean
is_labelled_by (GtkWidget *widget, GtkWidget *candidate)
{
  char *differs = gtk_test_accessible_check_relation (GTK_ACCESSIBLE (widget),
                                                      GTK_ACCESSIBLE_RELATION_LABELLED_BY, candidate, NULL);

  g_free (differs);
  return differs == NULL;
}

static void
collect_descendants (GtkWidget *widget, GPtrArray *out, int depth)
{
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL && depth < 5; c = gtk_widget_get_next_sibling (c))
    {
      g_ptr_array_add (out, c);
      collect_descendants (c, out, depth + 1);
    }
}

/* The name a labelled-by relation gives: the text of the label (or the
 * name of the widget) it points to. The relation holds a widget, which the
 * test context cannot hand back, so the likely ones are tried: the
 * widget's mnemonic labels, what is inside it, its parent and what is
 * beside it. NULL when
 * it points elsewhere or to something without a name. */
static char *
labelled_by_name (GtkWidget *widget)
{
  g_autoptr (GPtrArray) candidates = g_ptr_array_new ();
  GList *mnemonic = gtk_widget_list_mnemonic_labels (widget);
  GtkWidget *parent = gtk_widget_get_parent (widget);

  for (GList *l = mnemonic; l != NULL; l = l->next)
    g_ptr_array_add (candidates, l->data);
  g_list_free (mnemonic);
  collect_descendants (widget, candidates, 0);
  /* the parent, and what is beside the widget in it (a toast's title) */
  if (parent != NULL)
    {
      g_ptr_array_add (candidates, parent);
      collect_descendants (parent, candidates, 0);
    }

  for (guint i = 0; i < candidates->len; i++)
    {
      GtkWidget *candidate = candidates->pdata[i];

      if (!is_labelled_by (widget, candidate))
        continue;
      if (GTK_IS_LABEL (candidate) && *gtk_label_get_text (GTK_LABEL (candidate)) != '\0')
        return g_strdup (gtk_label_get_text (GTK_LABEL (candidate)));
      if (!gtk_test_accessible_has_relation (GTK_ACCESSIBLE (candidate), GTK_ACCESSIBLE_RELATION_LABELLED_BY))
        return explicit_name (candidate);
    }

  return NULL;
}

/* The name given to widget explicitly: its label property, or the widget
 * a labelled-by relation points to (a mnemonic label does that). */
static char *
explicit_name (GtkWidget *widget)
{
  GtkAccessible *accessible = GTK_ACCESSIBLE (widget);

  if (gtk_test_accessible_has_property (accessible, GTK_ACCESSIBLE_PROPERTY_LABEL))
    {
      /* check_property returns the value when it differs from the one
       * given: here, anything but the empty string. */
      char *label = gtk_test_accessible_check_property (accessible, GTK_ACCESSIBLE_PROPERTY_LABEL, "");

      if (label != NULL && *label != '\0')
        return label;
      g_free (label);
    }
  if (gtk_test_accessible_has_relation (accessible, GTK_ACCESSIBLE_RELATION_LABELLED_BY))
    return labelled_by_name (widget);

  return NULL;
}

/* Buttons, check buttons and tabs are also named by their content, as in
 * ARIA: the text of the label they show. A tooltip alone does not name a
 * control (it becomes its description), so icon-only buttons need a label
 * property of their own. */
static char *
content_name (GtkWidget *widget)
{
  switch (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (widget)))
    {
    case GTK_ACCESSIBLE_ROLE_BUTTON:
    case GTK_ACCESSIBLE_ROLE_CHECKBOX:
    case GTK_ACCESSIBLE_ROLE_RADIO:
    case GTK_ACCESSIBLE_ROLE_TAB:
    case GTK_ACCESSIBLE_ROLE_LINK:
      return label_text (widget, 0);
    default:
      return NULL;
    }
}

static gboolean
is_layout (GtkWidget *widget)
{
  GtkAccessibleRole role = gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (widget));

  return role == GTK_ACCESSIBLE_ROLE_GENERIC || role == GTK_ACCESSIBLE_ROLE_GROUP;
}

/* Focus lands on parts of composite widgets (the text of a spin button,
 * the button inside a menu button or a drop-down): the control a reader
 * meets is the part or the composite around it, up to the first layout
 * container. Names given explicitly win over names from content. */
static GtkWidget *
named_control (GtkWidget *focus, char **name)
{
  GtkWidget *widget = focus;

  for (int level = 0; widget != NULL && level < 3; level++, widget = gtk_widget_get_parent (widget))
    {
      if (level > 0 && is_layout (widget))
        break;
      *name = explicit_name (widget);
      if (*name != NULL)
        return widget;
    }

  *name = content_name (focus);
  return focus;
}

static const char *
describe (GtkWidget *widget)
{
  static char text[256];
  const char *id = gtk_buildable_get_buildable_id (GTK_BUILDABLE (widget));

  g_snprintf (text, sizeof text, "%s%s%s (in %s)", G_OBJECT_TYPE_NAME (widget),
              id != NULL ? " #" : "", id != NULL ? id : "",
              gtk_widget_get_parent (widget) != NULL ? G_OBJECT_TYPE_NAME (gtk_widget_get_parent (widget)) : "-");
  return text;
}

static gboolean
in_toast (GtkWidget *widget)
{
  GType toast = g_type_from_name ("AdwToastWidget");

  return toast != 0 && gtk_widget_get_ancestor (widget, toast) != NULL;
}

/* Tabs through root from where the focus is until it comes round again;
 * every widget that took the focus goes into stops. */
static void
walk (GtkWidget *root, GPtrArray *stops)
{
  GtkWidget *first = NULL;

  for (int i = 0; i < MAX_STOPS; i++)
    {
      GtkWidget *focus;

      if (!gtk_widget_child_focus (root, GTK_DIR_TAB_FORWARD))
        {
          /* at the end: the next Tab starts again from the top */
          if (!gtk_widget_child_focus (root, GTK_DIR_TAB_FORWARD))
            break;
        }
      focus = gtk_root_get_focus (gtk_widget_get_root (root));
      if (focus == NULL)
        continue;
      /* a toast comes and goes (here: the autosave's offer); its buttons
       * are libadwaita's, not the window's controls */
      if (in_toast (focus))
        continue;
      if (focus == first)
        return;
      if (first == NULL)
        first = focus;
      /* held: a toast's buttons may go while the test looks at them */
      if (!g_ptr_array_find (stops, focus, NULL))
        g_ptr_array_add (stops, g_object_ref (focus));
    }

  g_assert_not_reached (); /* the focus never came round: a trap */
}

static gboolean
reaches_action (GPtrArray *stops, const char *detailed)
{
  for (guint i = 0; i < stops->len; i++)
    for (GtkWidget *w = stops->pdata[i]; w != NULL; w = gtk_widget_get_parent (w))
      if (GTK_IS_ACTIONABLE (w) && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (w)), detailed) == 0)
        return TRUE;

  return FALSE;
}

/* Adds the actions of every item of menu, its sections and submenus. */
static void
collect_menu_actions (GMenuModel *menu, GPtrArray *actions)
{
  for (int i = 0; i < g_menu_model_get_n_items (menu); i++)
    {
      g_autoptr (GMenuLinkIter) links = g_menu_model_iterate_item_links (menu, i);
      char *action = NULL;

      if (g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_ACTION, "s", &action))
        g_ptr_array_add (actions, action);
      while (g_menu_link_iter_next (links))
        {
          g_autoptr (GMenuModel) link = g_menu_link_iter_get_value (links);

          collect_menu_actions (link, actions);
        }
    }
}

static void
check_names (GPtrArray *stops, int *n_failed)
{
  for (guint i = 0; i < stops->len; i++)
    {
      GtkWidget *focus = stops->pdata[i];
      g_autofree char *name = NULL;
      GtkWidget *control = named_control (focus, &name);

      g_test_message ("stop %u: %s — “%s”, role %d", i, describe (control), name != NULL ? name : "",
                      gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (control)));
      if (name == NULL)
        {
          g_test_message ("FAIL: %s takes the focus but has no accessible name", describe (focus));
          (*n_failed)++;
        }
      else if (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (control)) == GTK_ACCESSIBLE_ROLE_GENERIC && gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (focus)) == GTK_ACCESSIBLE_ROLE_GENERIC)
        {
          g_test_message ("FAIL: %s takes the focus but says nothing of what it is (role generic)",
                          describe (focus));
          (*n_failed)++;
        }
    }
}

static void
check_window (NnbApplication *app, NnbWindow *main_window, gpointer data)
{
  GtkWidget *window = GTK_WIDGET (main_window);
  g_autoptr (GPtrArray) stops = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GPtrArray) popover_stops = g_ptr_array_new_with_free_func (g_object_unref);
  GtkWidget *settings_button;
  GtkWidget *menu_button;
  g_autoptr (GPtrArray) menu_actions = g_ptr_array_new_with_free_func (g_free);
  GtkWidget *popover;
  int n_failed = 0;
  static const char *const primary[] = {
    "train",
    "pause",
    "step",
    "reset",
    "save",
    "open",
    "export-code",
    "export-weights",
    "export-onnx",
    "export-diagram",
    "export-data-plot",
    "export-loss-plot",
    "export-handout",
    "presentation",
  };

  g_assert_true (nnb_ui_test_wait_until (nnb_ui_test_has_document, window));
  nnb_ui_test_settle (100);

  walk (window, stops);
  g_test_message ("%u controls take the focus in the main window", stops->len);
  /* the header bar's, the lesson's, the side pane's, the plots' at least */
  g_assert_cmpuint (stops->len, >=, 10);
  check_names (stops, &n_failed);

  /* Presentation mode: the editing chrome is out of the way (not even
   * reachable by Tab), what the class needs still is, with names. */
  {
    g_autoptr (GPtrArray) presenting = g_ptr_array_new_with_free_func (g_object_unref);
    GtkWidget *palette = nnb_ui_test_window_child (main_window, "block_palette");
    GtkWidget *settings = nnb_ui_test_window_child (main_window, "settings_button");

    g_object_set (window, "presentation-mode", TRUE, NULL);
    nnb_ui_test_settle (100);
    g_assert_true (gtk_widget_has_css_class (window, "presentation"));
    walk (window, presenting);
    g_test_message ("%u controls take the focus in presentation mode", presenting->len);
    for (guint i = 0; i < presenting->len; i++)
      {
        g_assert_false (gtk_widget_is_ancestor (presenting->pdata[i], palette));
        g_assert_false (presenting->pdata[i] == settings || gtk_widget_is_ancestor (presenting->pdata[i], settings));
      }
    g_assert_cmpuint (presenting->len, <, stops->len);
    g_assert_true (reaches_action (presenting, "win.train"));
    g_assert_true (reaches_action (presenting, "win.step"));
    g_assert_true (reaches_action (presenting, "win.presentation"));
    check_names (presenting, &n_failed);
    g_object_set (window, "presentation-mode", FALSE, NULL);
    nnb_ui_test_settle (100);
    g_assert_true (gtk_widget_get_visible (palette));
    g_assert_true (gtk_widget_get_visible (settings));
  }

  /* The training settings live in a popover: open it by keyboard and walk it. */
  settings_button = nnb_ui_test_window_child (main_window, "settings_button");
  {
    gboolean reached = FALSE;

    for (guint i = 0; i < stops->len; i++)
      if (stops->pdata[i] == settings_button || gtk_widget_is_ancestor (stops->pdata[i], settings_button))
        reached = TRUE;
    g_assert_true (reached);
  }
  gtk_menu_button_popup (GTK_MENU_BUTTON (settings_button));
  popover = GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (settings_button)));
  g_assert_true (nnb_ui_test_wait_until (nnb_ui_test_is_mapped, popover));
  nnb_ui_test_settle (100);
  walk (popover, popover_stops);
  g_test_message ("%u controls take the focus in the training settings", popover_stops->len);
  /* learning rate, epochs, optimizer, loss, batch size, seed, a device */
  g_assert_cmpuint (popover_stops->len, >=, 7);
  check_names (popover_stops, &n_failed);
  /* every control that failed is listed above */
  g_assert_cmpint (n_failed, ==, 0);
  gtk_menu_button_popdown (GTK_MENU_BUTTON (settings_button));

  /* The device race opens in a window of its own: walk it too. */
  {
    g_autoptr (GPtrArray) race_stops = g_ptr_array_new_with_free_func (g_object_unref);
    GtkWindow *race = NULL;

    g_action_group_activate_action (G_ACTION_GROUP (window), "device-race", NULL);
    nnb_ui_test_settle (100);
    for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
      if (l->data != (gpointer) window)
        race = l->data;
    if (race == NULL)
      {
        /* a transient window that is not the application's */
        GListModel *toplevels = gtk_window_get_toplevels (); /* GTK's own */

        for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
          {
            g_autoptr (GtkWindow) w = g_list_model_get_item (toplevels, i);

            if (GTK_WIDGET (w) != window && gtk_window_get_transient_for (w) == GTK_WINDOW (window) && gtk_widget_get_visible (GTK_WIDGET (w)))
              race = w;
          }
      }
    g_assert_nonnull (race);
    g_test_message ("the device race: %s", G_OBJECT_TYPE_NAME (race));
    g_assert_true (nnb_ui_test_wait_until (nnb_ui_test_is_mapped, race));
    nnb_ui_test_settle (100);
    walk (GTK_WIDGET (race), race_stops);
    g_test_message ("%u controls take the focus in the device race", race_stops->len);
    g_assert_cmpuint (race_stops->len, >=, 3);
    check_names (race_stops, &n_failed);
    gtk_window_destroy (race);
    g_assert_cmpint (n_failed, ==, 0);
  }

  /* The main menu (Tab to its button, or F10) opens with the keyboard and
   * its items are walked with the arrow keys. */
  menu_button = nnb_ui_test_window_child (main_window, "primary_menu_button");
  for (guint i = 0; i < stops->len; i++)
    if (gtk_widget_is_ancestor (stops->pdata[i], menu_button))
      collect_menu_actions (gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (menu_button)), menu_actions);
  g_assert_cmpuint (menu_actions->len, >, 0);

  for (gsize i = 0; i < G_N_ELEMENTS (primary); i++)
    {
      g_autofree char *detailed = g_strconcat ("win.", primary[i], NULL);
      g_auto (GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), detailed);
      gboolean by_button = reaches_action (stops, detailed);
      gboolean in_menu = g_ptr_array_find_with_equal_func (menu_actions, detailed, g_str_equal, NULL);

      g_assert_true (g_action_group_has_action (G_ACTION_GROUP (window), primary[i]));
      g_test_message ("%s: %s%s%s", detailed, accels[0] != NULL ? accels[0] : "no shortcut",
                      by_button ? ", a button Tab reaches" : "", in_menu ? ", the main menu" : "");
      if (accels[0] == NULL && !by_button && !in_menu)
        g_error ("%s has no keyboard shortcut, no button Tab reaches and no item in the main menu", detailed);
    }

  /* The buttons a class uses most are on the way, not only behind shortcuts. */
  g_assert_true (reaches_action (stops, "win.train"));
  g_assert_true (reaches_action (stops, "win.step"));
  g_assert_true (reaches_action (stops, "win.open"));
  g_assert_true (reaches_action (stops, "win.presentation"));
}

static void
test_window_by_keyboard (void)
{
  g_autofree char *example = nnb_ui_test_example_path ("sinenet.nnb");
  const char *argv[] = { "nnblocks", "--lesson", "day02", example, NULL };

  nnb_ui_test_run_app (argv, check_window, NULL);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  /* The test context keeps every accessible property and relation where
   * the test can read them; "none" (the other UI tests') keeps nothing. */
  g_setenv ("GTK_A11Y", "test", TRUE);

  if (gtk_init_check ())
    g_test_add_func ("/ui/keyboard/whole-window-by-keyboard-with-names", test_window_by_keyboard);
  else
    g_test_add_func ("/ui/keyboard/needs-a-display", nnb_ui_test_skip_without_display);

  return g_test_run ();
}
