/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-window-export.c — the main window's win.export-* actions: the
 * weights, the PyTorch code, the training script and notebook, ONNX,
 * pictures of the plots and the diagram,
 * and the handout of the lesson step on screen. Pictures are drawn by the
 * same functions as on screen. */

#include "nnb-config.h"

#include <glib/gi18n.h>

#include "nnb-export.h"
#include "nnb-file-write.h"
#include "nnb-handout.h"
#include "nnb-picture-export.h"
#include "nnb-safetensors.h"
#include "nnb-window-private.h"

/* the size nnblocks-cli draws too */
#define EXPORT_WIDTH NNB_PICTURE_EXPORT_WIDTH
#define EXPORT_HEIGHT NNB_PICTURE_EXPORT_HEIGHT

typedef enum
{
  EXPORT_WEIGHTS,
  EXPORT_CODE,
  EXPORT_SCRIPT,
  EXPORT_NOTEBOOK,
  EXPORT_ONNX,
  EXPORT_DATA_PLOT,
  EXPORT_LOSS_PLOT,
  EXPORT_NORMS_PLOT,
  EXPORT_DIAGRAM,
  EXPORT_HANDOUT,
} ExportKind;

/* The pictures a file or a handout gets (NnbPictureDrawFunc, NnbHandoutDrawFunc):
 * the same draw functions as on screen. */

static void
draw_data_to (cairo_t *cr, int width, int height, const NnbPlotStyle *style, gpointer self)
{
  nnb_plots_panel_draw_data (NNB_WINDOW (self)->plots_panel, cr, width, height, style);
}

static void
draw_loss_to (cairo_t *cr, int width, int height, const NnbPlotStyle *style, gpointer self)
{
  nnb_plots_panel_draw_loss (NNB_WINDOW (self)->plots_panel, cr, width, height, style);
}

static void
draw_norms_to (cairo_t *cr, int width, int height, const NnbPlotStyle *style, gpointer self)
{
  nnb_plots_panel_draw_norms (NNB_WINDOW (self)->plots_panel, cr, width, height, style);
}

static void
draw_diagram_to (cairo_t *cr, int width, int height, const NnbPlotStyle *style, gpointer self)
{
  nnb_diagram_view_draw_to (NNB_WINDOW (self)->diagram_view, cr, width, height, style);
}

/* Handouts: the lesson step on screen, with the diagram and the plots;
 * with Explain Next Step open, a page per stage of the step. */

typedef struct
{
  NnbWindow *self;
  NnbExplainStage stage;
} StagePage;

static void
draw_stage_diagram_to (cairo_t *cr, int width, int height, const NnbPlotStyle *style, gpointer data)
{
  StagePage *page = data;
  NnbWindow *self = page->self;

  nnb_diagram_view_set_explain (self->diagram_view, nnb_step_bar_get_explain (self->step_bar), page->stage);
  nnb_diagram_view_draw_to (self->diagram_view, cr, width, height, style);
}

static void
draw_stage_data_to (cairo_t *cr, int width, int height, const NnbPlotStyle *style, gpointer data)
{
  draw_data_to (cr, width, height, style, ((StagePage *) data)->self);
}

static void
draw_stage_loss_to (cairo_t *cr, int width, int height, const NnbPlotStyle *style, gpointer data)
{
  draw_loss_to (cr, width, height, style, ((StagePage *) data)->self);
}

static gboolean
export_step_handout (NnbWindow *self, const char *path, const char *date, GError **error)
{
  NnbExplainStage shown = nnb_step_bar_get_stage (self->step_bar);
  NnbHandoutContent pages[NNB_EXPLAIN_N_STAGES] = { 0 };
  StagePage stage_pages[NNB_EXPLAIN_N_STAGES];
  char *texts[NNB_EXPLAIN_N_STAGES] = { NULL };
  char *titles[NNB_EXPLAIN_N_STAGES] = { NULL };
  static const char *const names[NNB_EXPLAIN_N_STAGES] = {
    N_("Forward"),
    N_("Loss"),
    N_("Backward"),
    N_("Step"),
    N_("Zero grad"),
  };
  g_autofree char *lower = g_ascii_strdown (path, -1);
  gboolean png = !g_str_has_suffix (lower, ".pdf");
  gboolean ok;

  for (int s = 0; s < NNB_EXPLAIN_N_STAGES; s++)
    {
      /* a picture holds one page: the stage on screen */
      NnbExplainStage stage = png ? shown : (NnbExplainStage) s;

      nnb_step_bar_set_stage (self->step_bar, stage);
      texts[s] = nnb_step_bar_get_text (self->step_bar);
      titles[s] = g_strdup_printf (_("Stage %d of %d: %s"), stage + 1, NNB_EXPLAIN_N_STAGES, _(names[stage]));
      stage_pages[s] = (StagePage){ self, stage };
      pages[s] = (NnbHandoutContent){
        .lesson_title = _("One training step, explained"),
        .step_title = titles[s],
        .step_text = texts[s],
        .project_name = nnb_document_get_name (self->document),
        .footer = date,
        .draw_diagram = draw_stage_diagram_to,
        .draw_data = draw_stage_data_to,
        .draw_loss = draw_stage_loss_to,
        .user_data = &stage_pages[s],
      };
    }
  ok = nnb_handout_export_pages (pages, png ? 1 : NNB_EXPLAIN_N_STAGES, path, error);
  nnb_step_bar_set_stage (self->step_bar, shown);
  nnb_diagram_view_set_explain (self->diagram_view, nnb_step_bar_get_explain (self->step_bar), shown);
  for (int s = 0; s < NNB_EXPLAIN_N_STAGES; s++)
    {
      g_free (texts[s]);
      g_free (titles[s]);
    }
  return ok;
}

gboolean
nnb_window_export_handout (NnbWindow *self, const char *path, GError **error)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *date = g_date_time_format (now, "%x");
  g_autofree char *step_markup = NULL;
  NnbLesson *lesson;
  NnbHandoutContent content = {
    .footer = date,
    .user_data = self,
  };

  g_return_val_if_fail (NNB_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (self->document != NULL && _nnb_window_explain_is_open (self) && nnb_step_bar_get_explain (self->step_bar) != NULL)
    return export_step_handout (self, path, date, error);

  /* the step the lesson panel shows, as the class sees it */
  lesson = nnb_lesson_panel_get_lesson (self->lesson_panel);
  if (lesson != NULL && g_strcmp0 (gtk_stack_get_visible_child_name (self->lesson_stack), "lesson") == 0)
    {
      guint step = nnb_lesson_panel_get_step (self->lesson_panel);

      content.lesson_title = lesson->title;
      if (step < lesson->steps->len)
        {
          const NnbLessonStep *shown = lesson->steps->pdata[step];

          step_markup = nnb_handout_step_markup (shown);
          content.step_title = shown->title;
          content.step_text = step_markup;
          content.text_is_markup = TRUE;
        }
    }
  if (self->document != NULL)
    {
      content.project_name = nnb_document_get_name (self->document);
      content.draw_diagram = draw_diagram_to;
      content.draw_data = draw_data_to;
      content.draw_loss = draw_loss_to;
    }

  return nnb_handout_export (&content, path, error);
}

/* The training script or notebook (as `nnblocks-cli export --format
 * script|notebook`); with_weights: the model's current weights beside it,
 * under the file's name, which the code loads instead of the init's */
static gboolean
export_experiment (NnbWindow *self, ExportKind kind, const char *path, gboolean with_weights, GError **error)
{
  NnbProject *project = nnb_document_get_project (self->document);
  g_autofree char *weights = NULL;
  g_autofree char *text = NULL;

  if (with_weights)
    {
      g_autofree char *base = g_path_get_basename (path);
      g_autofree char *stem = g_strndup (base, strcspn (base, "."));
      g_autofree char *dir = g_path_get_dirname (path);
      g_autofree char *weights_path = NULL;

      weights = g_strdup_printf ("%s.safetensors", stem);
      weights_path = g_build_filename (dir, weights, NULL);
      if (!nnb_safetensors_save_model (project->model, weights_path, error))
        return FALSE;
    }
  text = kind == EXPORT_NOTEBOOK ? nnb_export_notebook (project, weights) : nnb_export_pytorch_script (project, weights);
  return nnb_file_write (path, text, strlen (text), 0666, error);
}

static gboolean
export_to (NnbWindow *self, ExportKind kind, const char *path, gboolean with_weights, GError **error)
{
  NnbModel *model = nnb_document_get_project (self->document)->model;

  switch (kind)
    {
    case EXPORT_WEIGHTS:
      return nnb_safetensors_save_model (model, path, error);
    case EXPORT_ONNX:
      return nnb_export_onnx_file (model, path, error);
    case EXPORT_CODE:
      {
        g_autofree char *base = g_path_get_basename (path);
        g_autofree char *stem = g_strndup (base, strcspn (base, "."));
        g_autofree char *weights = g_strdup_printf ("%s.safetensors", stem);
        g_autofree char *code = nnb_export_pytorch_code (model, weights);

        return nnb_file_write (path, code, strlen (code), 0666, error);
      }
    case EXPORT_SCRIPT:
    case EXPORT_NOTEBOOK:
      return export_experiment (self, kind, path, with_weights, error);
    case EXPORT_DATA_PLOT:
      return nnb_picture_export (path, EXPORT_WIDTH, EXPORT_HEIGHT, draw_data_to, self, error);
    case EXPORT_LOSS_PLOT:
      return nnb_picture_export (path, EXPORT_WIDTH, EXPORT_HEIGHT, draw_loss_to, self, error);
    case EXPORT_NORMS_PLOT:
      return nnb_picture_export (path, EXPORT_WIDTH, EXPORT_HEIGHT, draw_norms_to, self, error);
    case EXPORT_HANDOUT:
      return nnb_window_export_handout (self, path, error);
    case EXPORT_DIAGRAM:
    default:
      return nnb_picture_export (path, EXPORT_WIDTH, EXPORT_HEIGHT, draw_diagram_to, self, error);
    }
}

static void
export_response_cb (GtkNativeDialog *dialog, int response, gpointer user_data)
{
  NnbWindow *self = user_data;
  ExportKind kind = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "export-kind"));

  g_assert (NNB_IS_WINDOW (self));

  if (response == GTK_RESPONSE_ACCEPT && self->document != NULL && !_nnb_window_is_running (self))
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;
      g_autoptr (GError) error = NULL;
      const char *weights = gtk_file_chooser_get_choice (GTK_FILE_CHOOSER (dialog), "weights");
      gboolean with_weights = g_strcmp0 (weights, "true") == 0;

      if (path != NULL && !export_to (self, kind, path, with_weights, &error))
        _nnb_window_toast (self, error->message);
      else if (path != NULL)
        {
          g_autofree char *name = g_file_get_basename (file);
          g_autofree char *message = g_strdup_printf (_("Exported “%s”"), name);

          _nnb_window_toast (self, message);
        }
    }

  g_object_unref (dialog);
}

/* Every win.export-*: asks where, with a name made from the project's. */
void
_nnb_window_export_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  NnbWindow *self = user_data;
  const char *name = g_action_get_name (G_ACTION (action));
  static const struct
  {
    const char *action;
    ExportKind kind;
    const char *suffix;
  } kinds[] = {
    { "export-weights", EXPORT_WEIGHTS, ".safetensors" },
    { "export-code", EXPORT_CODE, ".py" },
    { "export-script", EXPORT_SCRIPT, "-train.py" },
    { "export-notebook", EXPORT_NOTEBOOK, ".ipynb" },
    { "export-onnx", EXPORT_ONNX, ".onnx" },
    { "export-data-plot", EXPORT_DATA_PLOT, "-data.png" },
    { "export-loss-plot", EXPORT_LOSS_PLOT, "-loss.png" },
    { "export-norms-plot", EXPORT_NORMS_PLOT, "-norms.png" },
    { "export-diagram", EXPORT_DIAGRAM, "-diagram.png" },
    { "export-handout", EXPORT_HANDOUT, "-handout.pdf" },
  };
  GtkFileChooserNative *dialog;
  g_autofree char *suggested = NULL;

  g_assert (NNB_IS_WINDOW (self));

  if (self->document == NULL)
    return;

  for (gsize i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (g_str_equal (name, kinds[i].action))
      {
        dialog = gtk_file_chooser_native_new (_("Export"), GTK_WINDOW (self),
                                              GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
        suggested = g_strconcat (nnb_document_get_name (self->document), kinds[i].suffix, NULL);
        gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), suggested);
        g_object_set_data (G_OBJECT (dialog), "export-kind", GINT_TO_POINTER (kinds[i].kind));
        /* a checkbox in the dialog: train on from the weights on screen */
        if (kinds[i].kind == EXPORT_SCRIPT || kinds[i].kind == EXPORT_NOTEBOOK)
          gtk_file_chooser_add_choice (GTK_FILE_CHOOSER (dialog), "weights",
                                       _("Start from the current weights (saved beside it)"), NULL, NULL);
        gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
        /* The dialog is unreferenced in export_response_cb. */
        g_signal_connect_object (dialog, "response", G_CALLBACK (export_response_cb), self, 0);
        gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
        return;
      }
}
