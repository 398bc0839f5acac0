/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-export.h — the model as other tools read it: PyTorch source code and
 * ONNX. (Weights: nnb-safetensors.h; pictures: the plot and diagram code.) */
#pragma once

#include <glib.h>
#include "nnb-model.h"
#include "nnb-project.h"

G_BEGIN_DECLS

/* A runnable Python file: the model as an nn.Module subclass (and, for a
 * chain, as nn.Sequential), constructible with no arguments, with the
 * diagram's names; a loader for the exported safetensors that needs only
 * PyTorch (and uses safetensors.torch when installed); a __main__ block that
 * loads weights_file (relative to the script) and prints the model. */
char *nnb_export_pytorch_code (NnbModel *model, const char *weights_file);
/* The same file for a whole project (`nnblocks-cli export --format
 * pytorch`), plus make_data() and train(): the project's recipe — seeds,
 * data, held-out split, standardisation, init — and its training loop, which
 * `python3 FILE.py --train` runs, printing the losses as nnblocks-cli train
 * prints them. */
char *nnb_export_pytorch_project_code (NnbProject *project, const char *weights_file);
/* The project as one training script (`nnblocks-cli export --format
 * script`): the same code, whose __main__ block trains, printing what
 * `nnblocks-cli train` prints, under the PyTorch set-up the engine
 * reproduces; a docstring says how to move it to a GPU. weights_file
 * (relative to the script, or NULL): loaded after the init, as the CLI
 * trains a project saved with weights; NULL trains from the init. */
char *nnb_export_pytorch_script (NnbProject *project, const char *weights_file);
/* The same experiment as a Jupyter notebook (nbformat 4.5 JSON): markdown
 * cells that explain, code cells for the imports, data, model, init,
 * optimizer and loss, the loop (printing as the script does) and a
 * matplotlib plot of the data, the fit or boundary and the losses.
 * weights_file: as for the script, relative to the notebook's folder. */
char *nnb_export_notebook (NnbProject *project, const char *weights_file);
/* The lines of that file's make_data() that draw the data (the seed, the
 * generator's or the CSV file's lines, the held-out split and the
 * standardisation), unindented, each ending in a newline: what the data
 * panel shows beside the recipe. */
char *nnb_export_pytorch_data_lines (guint64 seed, const NnbDataSpec *spec);

/* ONNX (opset 13) with the model's weights as initializers, input "input"
 * of shape (batch, in_features) with a symbolic batch, output "output";
 * written atomically (nnb_file_write). */
gboolean nnb_export_onnx_file (NnbModel *model, const char *path, GError **error);

G_END_DECLS
