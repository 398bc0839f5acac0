/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-data-panel.c — the data's recipe, edited in place and applied
 * through the document. */
#include "nnb-config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "nnb-data-panel.h"
#include "nnb-export.h"

/* The generators offered, in the drop-down's order. A CSV project shows
 * its file instead; its Import CSV… button (win.import-csv) opens
 * nnb-csv-import-dialog.c, which chooses one. */
static const NnbDataKind kinds[] = {
  NNB_DATA_LINE,
  NNB_DATA_SINE,
  NNB_DATA_POLYNOMIAL,
  NNB_DATA_STEP,
  NNB_DATA_SINE_PRODUCT,
  NNB_DATA_CIRCLE,
  NNB_DATA_XOR,
  NNB_DATA_GAUSS,
  NNB_DATA_SPIRAL,
  NNB_DATA_MOONS,
  NNB_DATA_BLOBS,
};

struct _NnbDataPanel
{
  GtkWidget parent_instance;

  /* Template widgets */
  GtkWidget *grid;
  GtkDropDown *kind_dropdown;
  GtkLabel *csv_label;
  GtkWidget *a_label;
  GtkSpinButton *a_spin;
  GtkWidget *b_label;
  GtkSpinButton *b_spin;
  GtkWidget *c_label;
  GtkSpinButton *c_spin;
  GtkWidget *x_max_label;
  GtkSpinButton *x_max_spin;
  GtkWidget *radius_label;
  GtkSpinButton *radius_spin;
  GtkWidget *distance_label;
  GtkSpinButton *distance_spin;
  GtkWidget *turns_label;
  GtkSpinButton *turns_spin;
  GtkWidget *classes_label;
  GtkSpinButton *classes_spin;
  GtkSpinButton *n_spin;
  GtkSpinButton *noise_spin;
  GtkSpinButton *test_fraction_spin;
  GtkCheckButton *standardize_inputs_check;
  GtkCheckButton *standardize_targets_check;
  GtkSpinButton *seed_spin;
  GtkLabel *code_label;
  GtkLabel *message_label;

  /* Owned references */
  NnbDocument *document;

  /* State */
  gboolean filling; /* widgets being set from the project */
};

G_DEFINE_FINAL_TYPE (NnbDataPanel, nnb_data_panel, GTK_TYPE_WIDGET)

static guint
kind_position (NnbDataKind kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (kinds[i] == kind)
      return i;
  return GTK_INVALID_LIST_POSITION;
}

/* The fields each generator has (docs/file-format.md's table): a file
 * with another kind's field is refused, so the panel offers only these. */
static void
show_field (GtkWidget *label, GtkSpinButton *spin, gboolean visible)
{
  gtk_widget_set_visible (label, visible);
  gtk_widget_set_visible (GTK_WIDGET (spin), visible);
}

static void
show_fields (NnbDataPanel *self, const NnbDataSpec *spec)
{
  NnbDataKind kind = spec->kind;
  gboolean ab = kind == NNB_DATA_LINE || kind == NNB_DATA_POLYNOMIAL;
  gboolean c = kind == NNB_DATA_POLYNOMIAL;
  gboolean x_max = kind == NNB_DATA_LINE || kind == NNB_DATA_SINE || kind == NNB_DATA_POLYNOMIAL ||
                   kind == NNB_DATA_STEP;
  gboolean generated = kind != NNB_DATA_CSV;
  gboolean classes = nnb_data_spec_has_classes (spec);

  gtk_widget_set_visible (self->a_label, ab);
  gtk_widget_set_visible (GTK_WIDGET (self->a_spin), ab);
  gtk_widget_set_visible (self->b_label, ab);
  gtk_widget_set_visible (GTK_WIDGET (self->b_spin), ab);
  gtk_widget_set_visible (self->c_label, c);
  gtk_widget_set_visible (GTK_WIDGET (self->c_spin), c);
  gtk_widget_set_visible (self->x_max_label, x_max);
  gtk_widget_set_visible (GTK_WIDGET (self->x_max_spin), x_max);
  show_field (self->radius_label, self->radius_spin, kind == NNB_DATA_CIRCLE);
  show_field (self->distance_label, self->distance_spin, kind == NNB_DATA_GAUSS);
  show_field (self->turns_label, self->turns_spin, kind == NNB_DATA_SPIRAL);
  show_field (self->classes_label, self->classes_spin, kind == NNB_DATA_BLOBS);
  /* class data's noise moves the points; its y holds class indices,
   * which are never standardised */
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->noise_spin), classes ? _("The factor of torch.randn(n, 2) added to X")
                                                                      : _("The factor of torch.randn(n, 1) added to y"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->standardize_targets_check), !classes);
  gtk_widget_set_sensitive (GTK_WIDGET (self->kind_dropdown), generated);
  gtk_widget_set_sensitive (GTK_WIDGET (self->n_spin), generated);
  gtk_widget_set_sensitive (GTK_WIDGET (self->noise_spin), generated);
  gtk_widget_set_visible (GTK_WIDGET (self->csv_label), !generated);
}

static void
show_message (NnbDataPanel *self, const char *message)
{
  gtk_label_set_text (self->message_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
}

static void
show_code (NnbDataPanel *self, const NnbDataSpec *spec, guint64 seed)
{
  g_autofree char *lines = nnb_export_pytorch_data_lines (seed, spec);

  g_strchomp (lines);
  gtk_label_set_text (self->code_label, lines);
}

void
nnb_data_panel_refresh (NnbDataPanel *self)
{
  NnbProject *project;
  const NnbDataSpec *spec;

  g_return_if_fail (NNB_IS_DATA_PANEL (self));

  show_message (self, NULL);
  if (self->document == NULL)
    {
      gtk_label_set_text (self->code_label, "");
      return;
    }

  project = nnb_document_get_project (self->document);
  spec = &project->data;
  self->filling = TRUE;
  gtk_drop_down_set_selected (self->kind_dropdown, kind_position (spec->kind));
  if (spec->kind == NNB_DATA_CSV)
    {
      g_autofree char *text = g_strdup_printf (_("The points come from the CSV file %s."),
                                               spec->csv_path != NULL ? spec->csv_path : "");
      gtk_label_set_text (self->csv_label, text);
    }
  else
    {
      gtk_spin_button_set_value (self->a_spin, spec->a);
      gtk_spin_button_set_value (self->b_spin, spec->b);
      gtk_spin_button_set_value (self->c_spin, spec->c);
      gtk_spin_button_set_value (self->x_max_spin, spec->x_max);
      gtk_spin_button_set_value (self->radius_spin, spec->radius);
      gtk_spin_button_set_value (self->distance_spin, spec->distance);
      gtk_spin_button_set_value (self->turns_spin, spec->turns);
      gtk_spin_button_set_value (self->classes_spin, (double) spec->classes);
      gtk_spin_button_set_value (self->n_spin, (double) spec->n);
      gtk_spin_button_set_value (self->noise_spin, spec->noise);
    }
  gtk_spin_button_set_value (self->test_fraction_spin, spec->test_fraction);
  gtk_check_button_set_active (self->standardize_inputs_check, spec->standardize_inputs);
  gtk_check_button_set_active (self->standardize_targets_check, spec->standardize_targets);
  gtk_spin_button_set_value (self->seed_spin, (double) project->seed);
  show_fields (self, spec);
  show_code (self, spec, project->seed);
  self->filling = FALSE;
}

void
nnb_data_panel_set_document (NnbDataPanel *self, NnbDocument *document)
{
  g_return_if_fail (NNB_IS_DATA_PANEL (self));
  g_return_if_fail (document == NULL || NNB_IS_DOCUMENT (document));

  g_set_object (&self->document, document);
  nnb_data_panel_refresh (self);
}

/* The spin's value, or old when the spin shows old rounded to its digits:
 * a spin that takes the focus and loses it reads its text back (6.283 for
 * 2π), and passing through must not change the recipe. */
static double
spin_value (GtkSpinButton *spin, double old)
{
  double value = gtk_spin_button_get_value (spin);
  double half_step = 0.5 * pow (10.0, -(double) gtk_spin_button_get_digits (spin));

  return fabs (value - old) <= half_step ? old : value;
}

static gboolean
spec_equal (const NnbDataSpec *a, const NnbDataSpec *b)
{
  return a->kind == b->kind && a->n == b->n && a->a == b->a && a->b == b->b && a->c == b->c && a->noise == b->noise && a->x_max == b->x_max && a->radius == b->radius && a->distance == b->distance && a->turns == b->turns && a->classes == b->classes && a->test_fraction == b->test_fraction && a->standardize_inputs == b->standardize_inputs && a->standardize_targets == b->standardize_targets;
}

/* Reads the widgets into a new recipe and hands it to the document. */
static void
changed_cb (NnbDataPanel *self)
{
  NnbProject *project;
  NnbDataSpec spec = { 0 };
  g_autoptr (GError) error = NULL;
  gboolean done;
  guint position;
  guint64 seed;

  if (self->filling || self->document == NULL)
    return;
  if (nnb_document_is_training (self->document))
    return; /* insensitive then; the model and the data are the worker's */

  project = nnb_document_get_project (self->document);
  nnb_data_spec_copy (&spec, &project->data);
  position = gtk_drop_down_get_selected (self->kind_dropdown);
  if (position < G_N_ELEMENTS (kinds) && kinds[position] != spec.kind)
    {
      /* another generator starts from its own defaults (the file format's),
       * as the fields of one kind mean nothing to another */
      nnb_data_spec_clear (&spec);
      nnb_data_spec_init (&spec, kinds[position]);
    }
  else if (spec.kind != NNB_DATA_CSV)
    {
      spec.a = spin_value (self->a_spin, spec.a);
      spec.b = spin_value (self->b_spin, spec.b);
      spec.c = spin_value (self->c_spin, spec.c);
      spec.x_max = spin_value (self->x_max_spin, spec.x_max);
      /* only the kind's own: a hidden spin shows another kind's 0 clamped */
      if (spec.kind == NNB_DATA_CIRCLE)
        spec.radius = spin_value (self->radius_spin, spec.radius);
      if (spec.kind == NNB_DATA_GAUSS)
        spec.distance = spin_value (self->distance_spin, spec.distance);
      if (spec.kind == NNB_DATA_SPIRAL)
        spec.turns = spin_value (self->turns_spin, spec.turns);
      if (spec.kind == NNB_DATA_BLOBS)
        spec.classes = (int64_t) gtk_spin_button_get_value (self->classes_spin);
      spec.n = (int64_t) gtk_spin_button_get_value (self->n_spin);
      spec.noise = spin_value (self->noise_spin, spec.noise);
    }
  spec.test_fraction = spin_value (self->test_fraction_spin, spec.test_fraction);
  spec.standardize_inputs = gtk_check_button_get_active (self->standardize_inputs_check);
  /* class indices are never standardised (the check is insensitive then) */
  spec.standardize_targets = !nnb_data_spec_has_classes (&spec) &&
                             gtk_check_button_get_active (self->standardize_targets_check);
  seed = (guint64) gtk_spin_button_get_value (self->seed_spin);

  if (spec_equal (&spec, &project->data) && seed == project->seed)
    {
      /* back to what the project holds: a refused value's sentence goes */
      show_message (self, NULL);
      show_code (self, &project->data, project->seed);
      nnb_data_spec_clear (&spec);
      return;
    }

  /* ::rebuilt makes the window show the new points and weights */
  done = nnb_document_set_data_spec (self->document, &spec, seed, &error);
  if (done)
    nnb_data_panel_refresh (self);
  else
    {
      /* the widgets keep what the student chose, to be put right */
      show_code (self, &spec, seed);
      show_message (self, error->message);
    }
  nnb_data_spec_clear (&spec);
}

static void
nnb_data_panel_dispose (GObject *object)
{
  NnbDataPanel *self = NNB_DATA_PANEL (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), NNB_TYPE_DATA_PANEL);
  g_clear_object (&self->document);

  G_OBJECT_CLASS (nnb_data_panel_parent_class)->dispose (object);
}

static void
nnb_data_panel_class_init (NnbDataPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nnb_data_panel_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/nnblocks/NNBlocks/ui/nnb-data-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, NnbDataPanel, grid);
  gtk_widget_class_bind_template_child (widget_class, NnbDataPanel, kind_dropdown);
  gtk_widget_class_bind_template_child (widget_class, NnbDataPanel, csv_label);
  gtk_widget_class_bind_template_child (widget_class, NnbDataPanel, a_label);
  gtk_widget_class_bind_template_child (widget_class, NnbDataPanel, a_spin);
  gtk_widget_class_bind_template_child (widget_class, NnbDataPanel, b_label);
  gtk_widget_class_bind_template_child (widget_class, NnbDataPanel, b_spin);
  gtk_widget_class_bind_template_child (widget_class, NnbDataPanel, c_label);
  gtk_widget_class_bind_template_child (widget_class, NnbDataPanel, c_spin);
  gtk_widget_class_bind_template_child (widget_class, NnbDataPanel, x_max_label);
  gtk_widget_class_bind_template_child (widget_class, NnbDataPanel, x_max_spin);
  gtk_widget_class_bind_template_child (widget_class, NnbDataPanel, radius_label);
  gtk_widget_class_bind_template_child (widget_class, NnbDataPanel, radius_spin);
  gtk_widget_class_bind_template_child (widget_class, NnbDataPanel, distance_label);
  gtk_widget_class_bind_template_child (widget_class, NnbDataPanel, distance_spin);
  gtk_widget_class_bind_template_child (widget_class, NnbDataPanel, turns_label);
  gtk_widget_class_bind_template_child (widget_class, NnbDataPanel, turns_spin);
  gtk_widget_class_bind_template_child (widget_class, NnbDataPanel, classes_label);
  gtk_widget_class_bind_template_child (widget_class, NnbDataPanel, classes_spin);
  gtk_widget_class_bind_template_child (widget_class, NnbDataPanel, n_spin);
  gtk_widget_class_bind_template_child (widget_class, NnbDataPanel, noise_spin);
  gtk_widget_class_bind_template_child (widget_class, NnbDataPanel, test_fraction_spin);
  gtk_widget_class_bind_template_child (widget_class, NnbDataPanel, standardize_inputs_check);
  gtk_widget_class_bind_template_child (widget_class, NnbDataPanel, standardize_targets_check);
  gtk_widget_class_bind_template_child (widget_class, NnbDataPanel, seed_spin);
  gtk_widget_class_bind_template_child (widget_class, NnbDataPanel, code_label);
  gtk_widget_class_bind_template_child (widget_class, NnbDataPanel, message_label);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
nnb_data_panel_init (NnbDataPanel *self)
{
  NnbDataSpec line;
  GtkSpinButton *spins[12];

  gtk_widget_init_template (GTK_WIDGET (self));

  spins[0] = self->a_spin, spins[1] = self->b_spin, spins[2] = self->c_spin, spins[3] = self->x_max_spin;
  spins[4] = self->n_spin, spins[5] = self->noise_spin, spins[6] = self->test_fraction_spin;
  spins[7] = self->seed_spin, spins[8] = self->radius_spin, spins[9] = self->distance_spin;
  spins[10] = self->turns_spin, spins[11] = self->classes_spin;
  for (gsize i = 0; i < G_N_ELEMENTS (spins); i++)
    g_signal_connect_swapped (spins[i], "value-changed", G_CALLBACK (changed_cb), self);
  g_signal_connect_swapped (self->kind_dropdown, "notify::selected", G_CALLBACK (changed_cb), self);
  g_signal_connect_swapped (self->standardize_inputs_check, "toggled", G_CALLBACK (changed_cb), self);
  g_signal_connect_swapped (self->standardize_targets_check, "toggled", G_CALLBACK (changed_cb), self);
  nnb_data_spec_init (&line, NNB_DATA_LINE);
  show_fields (self, &line);
}
