/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-module-attributes.c — dir(nn.Module()) in PyTorch 1.13, as printed by
 * tests/reference/edge_cases.py (case 4). A Sequential adds append, insert,
 * pop… but names its children 0, 1, 2…, which can never collide. */

#include "nnb-module-attributes.h"

#include <stdlib.h>
#include <string.h>
#include "nnb-error.h"

/* sorted, for bsearch (ASCII order, as Python's sorted() gives) */
static const char *const attributes[] = {
  "T_destination",
  "__annotations__",
  "__call__",
  "__class__",
  "__delattr__",
  "__dict__",
  "__dir__",
  "__doc__",
  "__eq__",
  "__format__",
  "__ge__",
  "__getattr__",
  "__getattribute__",
  "__getstate__",
  "__gt__",
  "__hash__",
  "__init__",
  "__init_subclass__",
  "__le__",
  "__lt__",
  "__module__",
  "__ne__",
  "__new__",
  "__reduce__",
  "__reduce_ex__",
  "__repr__",
  "__setattr__",
  "__setstate__",
  "__sizeof__",
  "__str__",
  "__subclasshook__",
  "__weakref__",
  "_apply",
  "_backward_hooks",
  "_buffers",
  "_call_impl",
  "_forward_hooks",
  "_forward_pre_hooks",
  "_get_backward_hooks",
  "_get_name",
  "_is_full_backward_hook",
  "_load_from_state_dict",
  "_load_state_dict_post_hooks",
  "_load_state_dict_pre_hooks",
  "_maybe_warn_non_full_backward_hook",
  "_modules",
  "_named_members",
  "_non_persistent_buffers_set",
  "_parameters",
  "_register_load_state_dict_pre_hook",
  "_register_state_dict_hook",
  "_replicate_for_data_parallel",
  "_save_to_state_dict",
  "_slow_forward",
  "_state_dict_hooks",
  "_version",
  "add_module",
  "apply",
  "bfloat16",
  "buffers",
  "children",
  "cpu",
  "cuda",
  "double",
  "dump_patches",
  "eval",
  "extra_repr",
  "float",
  "forward",
  "get_buffer",
  "get_extra_state",
  "get_parameter",
  "get_submodule",
  "half",
  "ipu",
  "load_state_dict",
  "modules",
  "named_buffers",
  "named_children",
  "named_modules",
  "named_parameters",
  "parameters",
  "register_backward_hook",
  "register_buffer",
  "register_forward_hook",
  "register_forward_pre_hook",
  "register_full_backward_hook",
  "register_load_state_dict_post_hook",
  "register_module",
  "register_parameter",
  "requires_grad_",
  "set_extra_state",
  "share_memory",
  "state_dict",
  "to",
  "to_empty",
  "train",
  "training",
  "type",
  "xpu",
  "zero_grad",
};

static int
compare_name (const void *key, const void *item)
{
  return strcmp (key, *(const char *const *) item);
}

gboolean
nnb_module_attribute_exists (const char *name)
{
  return name != NULL &&
         bsearch (name, attributes, G_N_ELEMENTS (attributes), sizeof attributes[0], compare_name) != NULL;
}

gboolean
nnb_module_attribute_check (const char *name, GError **error)
{
  if (!nnb_module_attribute_exists (name))
    return TRUE;
  /* add_module's KeyError, then what to do about it */
  g_set_error (error, NNB_ERROR, NNB_ERROR_GRAPH,
               "attribute '%s' already exists: every nn.Module has it; choose another name.", name);
  return FALSE;
}
