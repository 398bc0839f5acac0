/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-export-notebook.c — the project as a Jupyter notebook (nbformat 4.5):
 * the training script's code (nnb-export-pytorch*.c) cut into cells at
 * module level, each after a markdown cell that says what it does, and a
 * last cell that plots the data, the fit or boundary and the losses. The
 * loop cell prints what `nnblocks-cli train` prints, line for line. */
#include "nnb-export.h"
#include "nnb-files-private.h"

#include <json-glib/json-glib.h>
#include <string.h>

#define INDENT "    "

static void
add_cell (JsonBuilder *builder, const char *id, const char *type, const char *source)
{
  g_autofree char *text = g_strstrip (g_strdup (source));

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "cell_type");
  json_builder_add_string_value (builder, type);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, id);
  json_builder_set_member_name (builder, "metadata");
  json_builder_begin_object (builder);
  json_builder_end_object (builder);
  if (strcmp (type, "code") == 0)
    {
      json_builder_set_member_name (builder, "execution_count");
      json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "outputs");
      json_builder_begin_array (builder);
      json_builder_end_array (builder);
    }
  json_builder_set_member_name (builder, "source");
  json_builder_add_string_value (builder, text);
  json_builder_end_object (builder);
}

static void
add_part (GString *out, const NnbProject *project, NnbExportTrainPart part, const char *model_expression,
          const char *weights_path)
{
  g_autoptr (GString) text = g_string_new (NULL);
  g_autofree char *lines = NULL;

  nnb_export_pytorch_append_train_part (text, project, part, model_expression, weights_path);
  /* train()'s lines at module level, without the blank lines around them */
  lines = g_strstrip (part >= NNB_EXPORT_TRAIN_MODEL ? nnb_export_pytorch_dedent (text->str) : g_strdup (text->str));
  if (*lines == '\0')
    return;
  if (out->len > 0)
    g_string_append (out, "\n\n");
  g_string_append (out, lines);
  g_string_append_c (out, '\n');
}

static const char imports_text[] =
  "# A project from NN Blocks, as a notebook\n"
  "\n"
  "This notebook is the whole experiment of an NN Blocks project in plain PyTorch: the same data, "
  "the same model, the same initial weights, the same optimizer and the same training loop. Run the "
  "cells from top to bottom and the loop prints the losses NN Blocks printed, digit for digit, "
  "because every random number comes from `torch.manual_seed` in the same order. (Running a cell "
  "twice draws new numbers: use *Restart & Run All* to start over.)\n"
  "\n"
  "**On a GPU:** move the model there after its init (`model = model.to(\"cuda\")`, before the "
  "optimizer cell) and every tensor the loop feeds it (`X, y = X.to(\"cuda\"), y.to(\"cuda\")`, and "
  "`X_test, y_test` likewise); delete the `os.environ` lines. The losses then differ in their last "
  "digits: a GPU adds up floats in another order.\n"
  "\n"
  "The first cell sets up PyTorch so that its sums are added in the order NN Blocks adds them, then "
  "imports it.";

static const char data_text[] =
  "## The data\n"
  "\n"
  "`torch.manual_seed` fixes the random generator, so the rows drawn are the same on every run. "
  "`X` holds the inputs, one row per example, and `y` the targets the model should learn to "
  "produce. When the project keeps rows aside, `X_test, y_test` are those held-out rows: the model "
  "never trains on them, so their loss shows how well it does on data it has not seen. "
  "Standardisation (if the project asks for it) uses the training rows' mean and standard deviation "
  "only.";

static const char model_text[] =
  "## The model\n"
  "\n"
  "The diagram as an `nn.Module`: `__init__` creates each block and registers it under the name "
  "it has in the diagram, and `forward` follows the wires from the input to the output. Defining "
  "the class draws no random numbers; building it, in the next cell, does.";

static const char weights_text[] =
  "\n\n`load_safetensors` reads the weights saved beside this notebook, so that the training "
  "starts from them instead of from the initial weights.";

static const char init_text[] =
  "## Building and initialising the model\n"
  "\n"
  "Creating the model gives every `nn.Linear` random initial weights, drawn from the generator "
  "where the data left it (or from the project's model seed). A project that chooses its own "
  "initialisation applies it with `model.apply`, which visits every module.";

static const char optimizer_text[] =
  "## Optimizer and loss\n"
  "\n"
  "The optimizer updates the parameters from their gradients, with the project's learning rate and "
  "settings; the loss function measures how far the outputs are from the targets. `epochs`, "
  "`batch_size` and `log_every` are the project's training settings (a batch size of 0 means the "
  "whole training set at once).";

static const char class_text[] =
  "\n\nFor class data, `predicted_class` turns outputs into classes: the accuracy counts the right "
  "ones, and the confusion matrix shows which classes are mistaken for which.";

static const char loop_text[] =
  "## The training loop\n"
  "\n"
  "Each epoch goes once through the training rows: in mini-batches shuffled by `torch.randperm`, or "
  "all at once. For each batch: the forward pass and the loss, `zero_grad` to clear the old "
  "gradients, `backward` to compute new ones, and `step` to update the weights. After the epoch the "
  "model is put in eval mode and, with no gradients, the held-out rows' loss is measured. The lines "
  "printed are those `nnblocks-cli train` prints.";

static const char plot_text[] =
  "## What the model learned\n"
  "\n"
  "Left: the training data with the model's fitted curve (one input) or its decision regions (two "
  "inputs, classes); otherwise its predictions against the targets. Right: the loss after each "
  "epoch.";

/* clang-format off */
static const char plot_start[] =
  "import matplotlib.pyplot as plt\n"
  "\n"
  "model.eval()\n"
  "fig, (ax_data, ax_loss) = plt.subplots(1, 2, figsize=(12, 4.5))\n"
  "with torch.no_grad():\n"
  INDENT "if X.shape[1] == 1:\n"
  INDENT INDENT "grid = torch.linspace(X.min().item(), X.max().item(), 200).unsqueeze(1)\n"
  INDENT INDENT "fit, targets = model(grid), y.view(len(y), -1).float()\n"
  INDENT INDENT "for k in range(targets.shape[1]):\n"
  INDENT INDENT INDENT "ax_data.scatter(X[:, 0], targets[:, k], s=8, alpha=0.5, label=f\"data, target {k}\")\n"
  INDENT INDENT INDENT "ax_data.plot(grid[:, 0], fit[:, k], label=f\"model, output {k}\")\n"
  INDENT INDENT "ax_data.set_xlabel(\"x\")\n"
  INDENT INDENT "ax_data.legend()\n"
  INDENT INDENT "ax_data.set_title(\"The data and the fit\")\n";

static const char plot_boundary[] =
  INDENT "elif X.shape[1] == 2:\n"
  INDENT INDENT "lo, hi = (X.min(0).values - 0.5).tolist(), (X.max(0).values + 0.5).tolist()\n"
  INDENT INDENT "g0, g1 = torch.meshgrid(torch.linspace(lo[0], hi[0], 200), torch.linspace(lo[1], hi[1], 200), indexing=\"xy\")\n"
  INDENT INDENT "regions = predicted_class(model(torch.stack([g0.reshape(-1), g1.reshape(-1)], 1))).view(g0.shape)\n"
  INDENT INDENT "ax_data.contourf(g0, g1, regions, alpha=0.3, cmap=\"tab10\", vmin=0, vmax=9)\n"
  INDENT INDENT "ax_data.scatter(X[:, 0], X[:, 1], c=y.view(-1), cmap=\"tab10\", vmin=0, vmax=9, s=10)\n"
  INDENT INDENT "ax_data.set_title(\"The data and the decision regions\")\n";

static const char plot_end[] =
  INDENT "else:\n"
  INDENT INDENT "predictions = model(X).view(len(X), -1)[:, 0]\n"
  INDENT INDENT "ax_data.scatter(y.view(len(y), -1)[:, 0].float(), predictions, s=8)\n"
  INDENT INDENT "ax_data.set_xlabel(\"target\")\n"
  INDENT INDENT "ax_data.set_ylabel(\"prediction\")\n"
  INDENT INDENT "ax_data.set_title(\"Predictions against targets\")\n"
  "ax_loss.plot(range(len(losses)), losses)\n"
  "if losses and min(losses) > 0:\n"
  INDENT "ax_loss.set_yscale(\"log\")\n"
  "ax_loss.set_xlabel(\"epoch\")\n"
  "ax_loss.set_title(\"Training loss\")\n"
  "plt.show()\n";
/* clang-format on */

static void
add_metadata (JsonBuilder *builder)
{
  json_builder_set_member_name (builder, "metadata");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "kernelspec");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "display_name");
  json_builder_add_string_value (builder, "Python 3");
  json_builder_set_member_name (builder, "language");
  json_builder_add_string_value (builder, "python");
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, "python3");
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "language_info");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, "python");
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "nbformat");
  json_builder_add_int_value (builder, 4);
  json_builder_set_member_name (builder, "nbformat_minor");
  json_builder_add_int_value (builder, 5);
}

char *
nnb_export_notebook (NnbProject *project, const char *weights_file)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GString) imports = g_string_new ("import os\n\n");
  g_autoptr (GString) data = g_string_new (NULL);
  g_autoptr (GString) model = g_string_new (NULL);
  g_autoptr (GString) init = g_string_new (NULL);
  g_autoptr (GString) optimizer = g_string_new (NULL);
  g_autoptr (GString) loop = g_string_new (NULL);
  g_autoptr (GString) plot = g_string_new (plot_start);
  g_autofree char *data_lines = NULL, *expression = NULL, *weights_path = NULL;
  g_autofree char *model_md = NULL, *optimizer_md = NULL;

  g_return_val_if_fail (project != NULL && project->model != NULL, NULL);

  nnb_export_pytorch_append_environment (imports);
  g_string_append (imports, "\n"
                            "import json  # noqa: E402\n"
                            "import struct  # noqa: E402\n"
                            "from collections import OrderedDict  # noqa: E402,F401\n"
                            "\n"
                            "import torch  # noqa: E402\n"
                            "from torch import nn  # noqa: E402\n");
  if (nnb_export_pytorch_uses_f (project->model))
    g_string_append (imports, "import torch.nn.functional as F  # noqa: E402\n");
  g_string_append (imports, "\n"
                            "torch.set_num_threads(1)\n");

  add_part (data, project, NNB_EXPORT_TRAIN_CSV_READER, NULL, NULL);
  data_lines = nnb_export_pytorch_data_lines (project->seed, &project->data);
  if (data->len > 0)
    g_string_append (data, "\n\n");
  g_string_append (data, data_lines);
  g_string_append (data, "print(f\"X: {tuple(X.shape)}, y: {tuple(y.shape)}\")\n");

  expression = nnb_export_pytorch_append_model (model, project->model);
  if (weights_file != NULL)
    {
      /* a Python string literal: the file name is the exporter's, plain */
      g_autoptr (JsonNode) literal = json_node_init_string (json_node_alloc (), weights_file);
      nnb_export_pytorch_append_loader (model);
      weights_path = json_to_string (literal, FALSE);
    }

  add_part (init, project, NNB_EXPORT_TRAIN_INIT_FUNCTION, expression, weights_path);
  add_part (init, project, NNB_EXPORT_TRAIN_MODEL, expression, weights_path);
  g_string_append (init, "print(model)\n");
  add_part (optimizer, project, NNB_EXPORT_TRAIN_OPTIMIZER, expression, weights_path);
  add_part (optimizer, project, NNB_EXPORT_TRAIN_CLASS_FUNCTIONS, expression, weights_path);
  add_part (loop, project, NNB_EXPORT_TRAIN_LOOP, expression, weights_path);
  if (nnb_export_pytorch_has_class_rule (project))
    g_string_append (plot, plot_boundary);
  g_string_append (plot, plot_end);

  model_md = g_strconcat (model_text, weights_file != NULL ? weights_text : "", NULL);
  optimizer_md = g_strconcat (optimizer_text, nnb_export_pytorch_has_class_rule (project) ? class_text : "", NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "cells");
  json_builder_begin_array (builder);
  add_cell (builder, "about", "markdown", imports_text);
  add_cell (builder, "imports", "code", imports->str);
  add_cell (builder, "about-data", "markdown", data_text);
  add_cell (builder, "data", "code", data->str);
  add_cell (builder, "about-model", "markdown", model_md);
  add_cell (builder, "model", "code", model->str);
  add_cell (builder, "about-init", "markdown", init_text);
  add_cell (builder, "init", "code", init->str);
  add_cell (builder, "about-optimizer", "markdown", optimizer_md);
  add_cell (builder, "optimizer", "code", optimizer->str);
  add_cell (builder, "about-training", "markdown", loop_text);
  add_cell (builder, "training", "code", loop->str);
  add_cell (builder, "about-plot", "markdown", plot_text);
  add_cell (builder, "plot", "code", plot->str);
  json_builder_end_array (builder);
  add_metadata (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 1);
  return json_generator_to_data (generator, NULL);
}
