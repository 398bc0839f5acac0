/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-autosave-recovery.c — after a crash: the copies a crashed session
 * left (nnb-autosave-lock.c finds them), offered in a toast, read back with
 * their origin file (the name, the run's losses and norms: origin_text in
 * nnb-autosave.c writes it) and opened under their own name. */

#include "nnb-config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "nnb-autosave-lock.h"
#include "nnb-autosave.h"

#define PROJECT_SUFFIX ".nnb"

/* Recovery */

typedef struct
{
  char *dir;                 /* the crashed session's folder */
  char *path;                /* its copy */
  char *origin;              /* URI of the file it came from; NULL when unknown */
  char *name;                /* the project's name; NULL when unknown */
  NnbTrainerState run_state; /* the run its weights came from, or IDLE */
  GArray *run_losses;
  GArray *run_norm_epochs; /* its norms' history, or NULL */
  GArray *run_value_norms;
  GArray *run_grad_norms;
  gboolean recovering;
} Orphan;

static void
orphan_clear (gpointer data)
{
  Orphan *orphan = data;

  g_free (orphan->dir);
  g_free (orphan->path);
  g_free (orphan->origin);
  g_free (orphan->name);
  g_clear_pointer (&orphan->run_losses, g_array_unref);
  g_clear_pointer (&orphan->run_norm_epochs, g_array_unref);
  g_clear_pointer (&orphan->run_value_norms, g_array_unref);
  g_clear_pointer (&orphan->run_grad_norms, g_array_unref);
}

/* A line of exactly n numbers, each read whole (g_ascii_strtod), or NULL. */
static GArray *
read_numbers (const char *line, guint64 n)
{
  g_auto (GStrv) words = NULL;
  GArray *numbers;

  if (n == 0 || n > G_MAXUINT)
    return NULL;
  words = g_strsplit (line, " ", -1);
  if (g_strv_length (words) != n)
    return NULL;
  numbers = g_array_sized_new (FALSE, FALSE, sizeof (double), (guint) n);
  for (guint i = 0; i < n; i++)
    {
      char *end = NULL;
      double number = g_ascii_strtod (words[i], &end);

      if (end == words[i] || *end != '\0')
        {
          g_array_unref (numbers);
          return NULL;
        }
      g_array_append_val (numbers, number);
    }
  return numbers;
}

/* The norms' lines of an origin (origin_text): all of them, or none when
 * anything does not fit (a damaged file, or an older one without them). */
static void
orphan_read_norms (Orphan *orphan, char **lines)
{
  g_auto (GStrv) head = NULL;
  g_autoptr (GArray) epochs = NULL;
  g_autoptr (GArray) values = NULL;
  g_autoptr (GArray) gradients = NULL;
  guint64 n_points, n_params;
  char *end = NULL;

  if (lines[0] == NULL || lines[1] == NULL || lines[2] == NULL || lines[3] == NULL)
    return;
  head = g_strsplit (g_strstrip (lines[0]), " ", -1);
  if (g_strv_length (head) != 3 || strcmp (head[0], "norms") != 0)
    return;
  n_points = g_ascii_strtoull (head[1], &end, 10);
  if (end == head[1] || *end != '\0' || n_points == 0 || n_points > NNB_TRAINER_MAX_NORM_POINTS)
    return;
  n_params = g_ascii_strtoull (head[2], &end, 10);
  if (end == head[2] || *end != '\0' || n_params == 0 || n_params > G_MAXUINT / NNB_TRAINER_MAX_NORM_POINTS)
    return;
  epochs = read_numbers (g_strstrip (lines[1]), n_points);
  values = read_numbers (g_strstrip (lines[2]), n_points * n_params);
  gradients = read_numbers (g_strstrip (lines[3]), n_points * n_params);
  if (epochs == NULL || values == NULL || gradients == NULL)
    return;
  /* the loop's counter, from 0, rising */
  for (guint i = 0; i < epochs->len; i++)
    {
      double epoch = g_array_index (epochs, double, i);

      if (!isfinite (epoch) || epoch < 0 || (i > 0 && epoch <= g_array_index (epochs, double, i - 1)))
        return;
    }
  orphan->run_norm_epochs = g_steal_pointer (&epochs);
  orphan->run_value_norms = g_steal_pointer (&values);
  orphan->run_grad_norms = g_steal_pointer (&gradients);
}

/* Reads the origin file (origin_text): the URI, the name, the run, its
 * norms. An older origin holds the URI alone, or the run without norms. */
static void
orphan_read_origin (Orphan *orphan, const char *text)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", 9);
  guint n = g_strv_length (lines);

  if (n > 0 && *g_strstrip (lines[0]) != '\0')
    orphan->origin = g_strdup (lines[0]);
  if (n > 1 && *g_strstrip (lines[1]) != '\0')
    orphan->name = g_strdup (lines[1]);
  if (n > 3)
    {
      g_auto (GStrv) numbers = g_strsplit (g_strstrip (lines[3]), " ", -1);
      gint64 state = g_ascii_strtoll (lines[2], NULL, 10);

      if (state <= NNB_TRAINER_RUNNING || state > NNB_TRAINER_FAILED || numbers[0] == NULL)
        return;
      orphan->run_state = (NnbTrainerState) state;
      orphan->run_losses = g_array_new (FALSE, FALSE, sizeof (double));
      for (guint i = 0; numbers[i] != NULL; i++)
        {
          double loss = g_ascii_strtod (numbers[i], NULL);

          g_array_append_val (orphan->run_losses, loss);
        }
      if (n > 4)
        orphan_read_norms (orphan, lines + 4);
    }
}

static void
discard_orphan (Orphan *orphan)
{
  nnb_autosave_discard_orphan_copy (orphan->dir, orphan->path);
}

static char *
display_name (const char *uri, const char *name)
{
  g_autoptr (GFile) file = NULL;
  g_autofree char *basename = NULL;

  if (name != NULL)
    return g_strdup (name);
  if (uri == NULL)
    return g_strdup (_("Untitled"));
  file = g_file_new_for_uri (uri);
  basename = g_file_get_basename (file);
  if (basename != NULL && g_str_has_suffix (basename, PROJECT_SUFFIX) && strlen (basename) > strlen (PROJECT_SUFFIX))
    basename[strlen (basename) - strlen (PROJECT_SUFFIX)] = '\0';
  return basename != NULL ? g_steal_pointer (&basename) : g_strdup (_("Untitled"));
}

typedef struct
{
  NnbWindow *window;
  Orphan *orphan;
} Recovery;

static void
recovered_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Recovery *recovery = user_data;
  Orphan *orphan = recovery->orphan;
  g_autoptr (NnbDocument) document = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GFile) file = NULL;
  NnbWindow *window = recovery->window;

  document = nnb_document_load_finish (result, &error);
  if (document == NULL)
    {
      /* kept under another name, so it is not offered again but not lost */
      g_autofree char *kept = g_strconcat (orphan->path, ".unreadable", NULL);
      AdwToast *toast; /* the overlay takes it (transfer full) */
      g_autofree char *message = NULL;
      g_autofree char *escaped = NULL;

      g_rename (orphan->path, kept);
      message = g_strdup_printf (_("Could not recover the project (the copy is kept as “%s”): %s"),
                                 kept, error->message);
      escaped = g_markup_escape_text (message, -1);
      toast = adw_toast_new (escaped);
      adw_toast_set_timeout (toast, 8);
      nnb_window_add_toast (window, toast);
      goto out;
    }

  /* Saving writes where the project came from; until then it is unsaved.
   * One that had no file is untitled again, under its own name: Save asks. */
  if (orphan->origin != NULL)
    {
      file = g_file_new_for_uri (orphan->origin);
      nnb_document_set_file (document, file);
    }
  else
    {
      g_autofree char *name = display_name (NULL, orphan->name);

      nnb_document_forget_file (document);
      nnb_document_set_name (document, name);
    }
  if (orphan->name != NULL)
    nnb_document_set_name (document, orphan->name);
  /* trained as it was: the curve, the norms, the losses, the lesson's Check */
  nnb_document_set_past_run (document, orphan->run_state, orphan->run_losses);
  nnb_document_set_past_norms (document, orphan->run_norm_epochs, orphan->run_value_norms, orphan->run_grad_norms);
  nnb_document_set_dirty (document, TRUE);

  if (!nnb_window_is_empty (window))
    {
      NnbApplication *application = NNB_APPLICATION (gtk_window_get_application (GTK_WINDOW (window)));

      window = nnb_window_new (application);
      nnb_window_set_lesson (window, nnb_application_get_lesson (application));
      nnb_autosave_attach (window);
    }
  nnb_window_show_document (window, document);
  gtk_window_present (GTK_WINDOW (window));
  /* the window's own autosave keeps it from now on */
  discard_orphan (orphan);

out:
  g_object_unref (recovery->window);
  g_rc_box_release_full (orphan, orphan_clear);
  g_free (recovery);
}

static void
recover_clicked_cb (AdwToast *toast, NnbWindow *window)
{
  Orphan *orphan = g_object_get_data (G_OBJECT (toast), "nnb-orphan");
  g_autoptr (GFile) file = g_file_new_for_path (orphan->path);
  Recovery *recovery = g_new0 (Recovery, 1);

  orphan->recovering = TRUE;
  recovery->window = g_object_ref (window);
  recovery->orphan = g_rc_box_acquire (orphan);
  nnb_document_load_async (file, NULL, recovered_cb, recovery);
}

static void
toast_dismissed_cb (AdwToast *toast)
{
  Orphan *orphan = g_object_get_data (G_OBJECT (toast), "nnb-orphan");

  /* closed without Recover: the student does not want it back */
  if (!orphan->recovering)
    discard_orphan (orphan);
}

static void
orphan_release (gpointer data)
{
  g_rc_box_release_full (data, orphan_clear);
}

static void
offer (NnbWindow *window, const char *dir, const char *path)
{
  Orphan *orphan = g_rc_box_new0 (Orphan);
  g_autofree char *origin_path = nnb_autosave_origin_path (path);
  g_autofree char *origin = NULL;
  g_autofree char *name = NULL;
  g_autofree char *title = NULL;
  g_autofree char *escaped = NULL;
  AdwToast *toast;

  orphan->dir = g_strdup (dir);
  orphan->path = g_strdup (path);
  if (g_file_get_contents (origin_path, &origin, NULL, NULL))
    orphan_read_origin (orphan, origin);

  name = display_name (orphan->origin, orphan->name);
  /* Translators: a toast after a crash; the button says Recover */
  title = g_strdup_printf (_("Recover unsaved project “%s”?"), name);
  escaped = g_markup_escape_text (title, -1);
  toast = adw_toast_new (escaped);
  adw_toast_set_button_label (toast, _("_Recover"));
  /* a question stays until answered */
  adw_toast_set_timeout (toast, 0);
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  g_object_set_data_full (G_OBJECT (toast), "nnb-orphan", orphan, orphan_release);
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (recover_clicked_cb), window, 0);
  g_signal_connect (toast, "dismissed", G_CALLBACK (toast_dismissed_cb), NULL);
  nnb_window_add_toast (window, toast);
}

guint
nnb_autosave_offer_recovery (NnbWindow *window)
{
  g_autoptr (GPtrArray) sessions = NULL;
  guint offered = 0;

  g_return_val_if_fail (NNB_IS_WINDOW (window), 0);

  sessions = nnb_autosave_claim_orphan_sessions ();
  for (guint i = 0; i < sessions->len; i++)
    {
      const char *dir = sessions->pdata[i];
      g_autoptr (GPtrArray) copies = nnb_autosave_list_copies (dir);

      for (guint k = 0; k < copies->len; k++, offered++)
        offer (window, dir, copies->pdata[k]);
      nnb_autosave_forget_orphan_session_if_done (dir);
    }

  return offered;
}
