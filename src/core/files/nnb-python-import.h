/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-python-import.h — code → diagram: the model of a Python file written
 * as a course page writes models.
 *
 * The subset: imports of torch, torch.nn (as nn), torch.nn.functional and
 * collections.OrderedDict; `class Name(nn.Module)` whose __init__ calls
 * super().__init__() and registers modules (`self.fc1 = nn.Linear(3, 16)`,
 * every module the engine has, nn.Sequential positional or with an
 * OrderedDict) and whose forward assigns, calls registered modules and
 * functional activations, adds and multiplies two values, concatenates with torch.cat([…], dim=1) and
 * returns; or a module-level `model = nn.Sequential(…)` / `nn.Linear(1, 1)`.
 * The rest of a program (data, training loop, helper functions, the
 * `if __name__ == "__main__":` block but for its `model = …` line) is
 * read past. Anything else in the model's code is refused with its line,
 * its column and what it is: nothing is guessed.
 *
 * Functional activations (torch.relu(x), F.gelu(x), F.leaky_relu(x, 0.1),
 * F.softmax(x, dim=1)…, nnb-function.h) become function nodes, which
 * register nothing: inventing a module would change print(model) and the
 * state_dict the student's own code gives. */
#pragma once

#include <glib.h>
#include "nnb-model.h"

G_BEGIN_DECLS

/* The model the file builds: class_name's (NULL: the class a module-level
 * `model = Name(…)` line builds, else what that line builds, else the
 * last nn.Module class). Errors: NNB_FILE_ERROR_PARSE (Python would not
 * read it) or NNB_FILE_ERROR_INVALID (outside the subset), each message
 * starting "line L, column C: ". */
NnbModel *nnb_python_import (const char *source, gssize length, const char *class_name, GError **error);

/* The names of the file's model classes (subclasses of nn.Module,
 * nn.Sequential or a leaf module), in the file's order, NULL-terminated;
 * *chosen (may be NULL) is set to the one nnb_python_import picks without
 * a class name (-1: the module-level `model = …` line builds no class),
 * and *by_model_line to whether a `model = …` line picked it. */
char **nnb_python_import_classes (const char *source, gssize length, int *chosen, gboolean *by_model_line,
                                  GError **error);

G_END_DECLS
