/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-training-settings.c — the training settings, edited in place. */
#include "nnb-config.h"

#include <glib/gi18n.h>

#include "nnb-backend.h"
#include "nnb-training-settings.h"

/* The init methods offered, in the dropdowns' order. A project may use
 * another (e.g. normal_): it is added to the list when shown. */
static const NnbInitMethod weight_inits[] = {
  NNB_INIT_DEFAULT,
  NNB_INIT_XAVIER_UNIFORM,
  NNB_INIT_XAVIER_NORMAL,
  NNB_INIT_KAIMING_UNIFORM,
  NNB_INIT_KAIMING_NORMAL,
};
static const NnbInitMethod bias_inits[] = { NNB_INIT_DEFAULT, NNB_INIT_ZEROS };

struct _NnbTrainingSettings
{
  GtkWidget parent_instance;

  GtkWidget *grid;
  GtkSpinButton *lr_spin;
  GtkSpinButton *epochs_spin;
  GtkDropDown *optimizer_dropdown;
  GtkSpinButton *momentum_spin;
  GtkDropDown *loss_dropdown;
  GtkSpinButton *batch_spin;
  GtkSpinButton *until_spin;
  GtkSpinButton *seed_spin;
  GtkDropDown *weight_init_dropdown;
  GtkDropDown *bias_init_dropdown;
  GtkBox *device_box;
  GtkSpinButton *threads_spin;

  NnbProject *project;       /* not owned */
  GPtrArray *devices;        /* NnbDeviceInfo*, parallel to device_buttons */
  GPtrArray *device_buttons; /* GtkCheckButton* */
  GArray *weight_methods;    /* NnbInitMethod per weight dropdown item */
  GArray *bias_methods;
  gboolean filling; /* widgets being set from the project */
};

G_DEFINE_FINAL_TYPE (NnbTrainingSettings, nnb_training_settings, GTK_TYPE_WIDGET)

enum
{
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Selects method in an init dropdown, adding it when the list lacks it. */
static void
select_method (GtkDropDown *dropdown, GArray *methods, NnbInitMethod method)
{
  for (guint i = 0; i < methods->len; i++)
    if (g_array_index (methods, NnbInitMethod, i) == method)
      {
        gtk_drop_down_set_selected (dropdown, i);
        return;
      }
  gtk_string_list_append (GTK_STRING_LIST (gtk_drop_down_get_model (dropdown)),
                          nnb_init_method_to_string (method));
  g_array_append_val (methods, method);
  gtk_drop_down_set_selected (dropdown, methods->len - 1);
}

static NnbInitMethod
selected_method (GtkDropDown *dropdown, GArray *methods)
{
  guint i = gtk_drop_down_get_selected (dropdown);

  return i < methods->len ? g_array_index (methods, NnbInitMethod, i) : NNB_INIT_DEFAULT;
}

static void
update_sensitivity (NnbTrainingSettings *self)
{
  gboolean sgd = gtk_drop_down_get_selected (self->optimizer_dropdown) == 0;

  gtk_widget_set_sensitive (GTK_WIDGET (self->grid), self->project != NULL);
  /* Adam has no momentum argument: its betas play that part */
  gtk_widget_set_sensitive (GTK_WIDGET (self->momentum_spin), sgd);
}

void
nnb_training_settings_refresh (NnbTrainingSettings *self)
{
  NnbProject *project;

  g_return_if_fail (NNB_IS_TRAINING_SETTINGS (self));

  project = self->project;
  update_sensitivity (self);
  if (project == NULL)
    return;

  self->filling = TRUE;
  gtk_spin_button_set_value (self->lr_spin, project->training.optimizer.lr);
  gtk_spin_button_set_value (self->epochs_spin, project->training.epochs);
  gtk_drop_down_set_selected (self->optimizer_dropdown,
                              project->training.optimizer.kind == NNB_OPTIMIZER_ADAM ? 1 : 0);
  gtk_spin_button_set_value (self->momentum_spin, project->training.optimizer.momentum);
  /* the list holds the losses in NnbLossKind's order */
  gtk_drop_down_set_selected (self->loss_dropdown, (guint) project->training.loss);
  gtk_spin_button_set_value (self->batch_spin, (double) project->training.batch_size);
  gtk_spin_button_set_value (self->until_spin, project->training.until_loss);
  gtk_spin_button_set_value (self->seed_spin, (double) project->seed);
  select_method (self->weight_init_dropdown, self->weight_methods, project->init_weight);
  select_method (self->bias_init_dropdown, self->bias_methods, project->init_bias);
  for (guint i = 0; i < self->devices->len; i++)
    {
      NnbDeviceInfo *info = self->devices->pdata[i];

      if (nnb_device_equal (info->device, project->training.device))
        gtk_check_button_set_active (self->device_buttons->pdata[i], TRUE);
    }
  gtk_spin_button_set_value (self->threads_spin, nnb_backend_cpu_get_threads ());
  update_sensitivity (self);
  self->filling = FALSE;
}

void
nnb_training_settings_set_project (NnbTrainingSettings *self, NnbProject *project)
{
  g_return_if_fail (NNB_IS_TRAINING_SETTINGS (self));

  self->project = project;
  nnb_training_settings_refresh (self);
}

/* What these settings change besides the lr: a new optimizer, loss,
 * batching or device is a new run. */
static gboolean
run_differs (const NnbTrainingOptions *a, const NnbTrainingOptions *b)
{
  return a->epochs != b->epochs || a->batch_size != b->batch_size || a->until_loss != b->until_loss || a->loss != b->loss || a->optimizer.kind != b->optimizer.kind || a->optimizer.momentum != b->optimizer.momentum || !nnb_device_equal (a->device, b->device);
}

/* Writes the widgets into the project and says what kind of change it was. */
static void
changed_cb (NnbTrainingSettings *self)
{
  NnbProject *project = self->project;
  NnbTrainingOptions before;
  NnbSettingsChange change = 0;
  NnbOptimizerKind kind;
  guint64 seed;
  NnbInitMethod weight, bias;

  update_sensitivity (self);
  if (self->filling || project == NULL)
    return;

  before = project->training;
  /* Switching optimizer takes the new one's defaults (Adam's betas), as
   * writing a different optim class in PyTorch would, but keeps the lr. */
  kind = gtk_drop_down_get_selected (self->optimizer_dropdown) == 1 ? NNB_OPTIMIZER_ADAM : NNB_OPTIMIZER_SGD;
  if (kind != project->training.optimizer.kind)
    nnb_optimizer_options_init (&project->training.optimizer, kind);
  project->training.optimizer.lr = gtk_spin_button_get_value (self->lr_spin);
  if (kind == NNB_OPTIMIZER_SGD)
    project->training.optimizer.momentum = gtk_spin_button_get_value (self->momentum_spin);
  project->training.epochs = gtk_spin_button_get_value_as_int (self->epochs_spin);
  project->training.loss = (NnbLossKind) MIN (gtk_drop_down_get_selected (self->loss_dropdown), NNB_LOSS_BCE);
  /* label_smoothing belongs to CrossEntropyLoss: another loss leaves it */
  if (project->training.loss != NNB_LOSS_CROSS_ENTROPY)
    project->training.label_smoothing = 0;
  project->training.batch_size = gtk_spin_button_get_value_as_int (self->batch_spin);
  project->training.until_loss = gtk_spin_button_get_value (self->until_spin);
  for (guint i = 0; i < self->devices->len; i++)
    if (gtk_check_button_get_active (self->device_buttons->pdata[i]))
      project->training.device = ((NnbDeviceInfo *) self->devices->pdata[i])->device;

  if (project->training.optimizer.lr != before.optimizer.lr)
    change |= NNB_SETTINGS_CHANGED_LR;
  if (run_differs (&before, &project->training))
    change |= NNB_SETTINGS_CHANGED_RUN;

  seed = (guint64) gtk_spin_button_get_value (self->seed_spin);
  weight = selected_method (self->weight_init_dropdown, self->weight_methods);
  bias = selected_method (self->bias_init_dropdown, self->bias_methods);
  if (seed != project->seed || weight != project->init_weight || bias != project->init_bias)
    {
      project->seed = seed;
      project->init_weight = weight;
      project->init_bias = bias;
      change |= NNB_SETTINGS_CHANGED_RECIPE;
    }

  if (gtk_spin_button_get_value_as_int (self->threads_spin) != nnb_backend_cpu_get_threads ())
    {
      nnb_backend_cpu_set_threads (gtk_spin_button_get_value_as_int (self->threads_spin));
      change |= NNB_SETTINGS_CHANGED_RUN;
    }

  if (change != 0)
    g_signal_emit (self, signals[SIGNAL_CHANGED], 0, (guint) change);
}

static void
append_device_caption (NnbTrainingSettings *self, const char *text)
{
  GtkWidget *caption = gtk_label_new (text != NULL ? text : "");

  gtk_label_set_xalign (GTK_LABEL (caption), 0);
  gtk_label_set_wrap (GTK_LABEL (caption), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (caption), 36);
  gtk_widget_set_margin_start (caption, 28);
  gtk_widget_add_css_class (caption, "caption");
  gtk_widget_add_css_class (caption, "dim-label");
  gtk_box_append (self->device_box, caption);
}

static void
build_device_list (NnbTrainingSettings *self)
{
  GtkCheckButton *group = NULL;

  self->devices = nnb_device_list ();
  self->device_buttons = g_ptr_array_new ();
  for (guint i = 0; i < self->devices->len; i++)
    {
      NnbDeviceInfo *info = self->devices->pdata[i];
      GtkWidget *button = gtk_check_button_new_with_label (info->label);

      if (group != NULL)
        gtk_check_button_set_group (GTK_CHECK_BUTTON (button), group);
      else
        group = GTK_CHECK_BUTTON (button);
      gtk_box_append (self->device_box, button);
      g_ptr_array_add (self->device_buttons, button);

      /* A device that cannot be used is listed, greyed, with the reason:
       * the student learns why there is no GPU rather than wondering. A
       * usable one may carry a note (another BLAS kernel than the lessons'). */
      if (!info->available)
        {
          gtk_widget_set_sensitive (button, FALSE);
          gtk_widget_set_tooltip_text (button, info->reason);
          append_device_caption (self, info->reason);
        }
      else
        {
          if (info->note != NULL)
            append_device_caption (self, info->note);
          g_signal_connect_swapped (button, "toggled", G_CALLBACK (changed_cb), self);
        }
    }
  if (self->device_buttons->len > 0)
    gtk_check_button_set_active (self->device_buttons->pdata[0], TRUE);
}

static void
nnb_training_settings_dispose (GObject *object)
{
  NnbTrainingSettings *self = NNB_TRAINING_SETTINGS (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), NNB_TYPE_TRAINING_SETTINGS);
  g_clear_pointer (&self->devices, g_ptr_array_unref);
  g_clear_pointer (&self->device_buttons, g_ptr_array_unref);
  g_clear_pointer (&self->weight_methods, g_array_unref);
  g_clear_pointer (&self->bias_methods, g_array_unref);

  G_OBJECT_CLASS (nnb_training_settings_parent_class)->dispose (object);
}

static void
nnb_training_settings_class_init (NnbTrainingSettingsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nnb_training_settings_dispose;

  /* ::changed (NnbSettingsChange flags as guint): the project was edited */
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/nnblocks/NNBlocks/ui/nnb-training-settings.ui");
  gtk_widget_class_bind_template_child (widget_class, NnbTrainingSettings, grid);
  gtk_widget_class_bind_template_child (widget_class, NnbTrainingSettings, lr_spin);
  gtk_widget_class_bind_template_child (widget_class, NnbTrainingSettings, epochs_spin);
  gtk_widget_class_bind_template_child (widget_class, NnbTrainingSettings, optimizer_dropdown);
  gtk_widget_class_bind_template_child (widget_class, NnbTrainingSettings, momentum_spin);
  gtk_widget_class_bind_template_child (widget_class, NnbTrainingSettings, loss_dropdown);
  gtk_widget_class_bind_template_child (widget_class, NnbTrainingSettings, batch_spin);
  gtk_widget_class_bind_template_child (widget_class, NnbTrainingSettings, until_spin);
  gtk_widget_class_bind_template_child (widget_class, NnbTrainingSettings, seed_spin);
  gtk_widget_class_bind_template_child (widget_class, NnbTrainingSettings, weight_init_dropdown);
  gtk_widget_class_bind_template_child (widget_class, NnbTrainingSettings, bias_init_dropdown);
  gtk_widget_class_bind_template_child (widget_class, NnbTrainingSettings, device_box);
  gtk_widget_class_bind_template_child (widget_class, NnbTrainingSettings, threads_spin);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
nnb_training_settings_init (NnbTrainingSettings *self)
{
  GtkSpinButton *spins[7];

  gtk_widget_init_template (GTK_WIDGET (self));

  self->weight_methods = g_array_new (FALSE, FALSE, sizeof (NnbInitMethod));
  g_array_append_vals (self->weight_methods, weight_inits, G_N_ELEMENTS (weight_inits));
  self->bias_methods = g_array_new (FALSE, FALSE, sizeof (NnbInitMethod));
  g_array_append_vals (self->bias_methods, bias_inits, G_N_ELEMENTS (bias_inits));
  build_device_list (self);

  spins[0] = self->lr_spin, spins[1] = self->epochs_spin, spins[2] = self->momentum_spin;
  spins[3] = self->batch_spin, spins[4] = self->until_spin, spins[5] = self->seed_spin;
  spins[6] = self->threads_spin;
  for (gsize i = 0; i < G_N_ELEMENTS (spins); i++)
    g_signal_connect_swapped (spins[i], "value-changed", G_CALLBACK (changed_cb), self);
  g_signal_connect_swapped (self->optimizer_dropdown, "notify::selected", G_CALLBACK (changed_cb), self);
  g_signal_connect_swapped (self->loss_dropdown, "notify::selected", G_CALLBACK (changed_cb), self);
  g_signal_connect_swapped (self->weight_init_dropdown, "notify::selected", G_CALLBACK (changed_cb), self);
  g_signal_connect_swapped (self->bias_init_dropdown, "notify::selected", G_CALLBACK (changed_cb), self);
  gtk_spin_button_set_value (self->threads_spin, nnb_backend_cpu_get_threads ());
  update_sensitivity (self);
}
