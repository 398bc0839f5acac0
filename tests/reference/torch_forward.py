#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Runs PyTorch code exported by NN Blocks and reports what it computes.

    torch_forward.py EXPORTED.py INPUT.json [CLASS]

Executes EXPORTED.py as a script (its __main__ block builds the model,
loads the weights file beside it and prints the model), then runs the
model on the input from INPUT.json ({"shape": [...], "data": [...]}).
Prints one JSON object on stdout:

    {"repr": what the script printed,
     "output": {"shape": [...], "data": [...]},
     "sequential": same for make_sequential() when the file defines it,
     "class": same for CLASS() when given}

The variants are loaded with the same weights through the file's own
load_safetensors, so each one also checks that the state_dict keys match.
"""
import contextlib
import io
import json
import runpy
import sys

# the PyTorch NN Blocks reproduces: OpenBLAS kernel, threads, ATen kernels
import nnb_pytorch_env  # noqa: E402,F401  (before torch and numpy load)

import torch


def run(model, x):
    model.eval()
    with torch.no_grad():
        y = model(x)
    return {"shape": list(y.shape), "data": [float(v) for v in y.reshape(-1)]}


def main():
    code, input_path = sys.argv[1], sys.argv[2]
    class_name = sys.argv[3] if len(sys.argv) > 3 else None
    with open(input_path) as f:
        spec = json.load(f)
    x = torch.tensor(spec["data"], dtype=torch.float32).reshape(spec["shape"])

    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        scope = runpy.run_path(code, run_name="__main__")
    model = scope["model"]
    result = {"repr": printed.getvalue(), "output": run(model, x)}

    weights = scope.get("path")
    state_dict = scope["load_safetensors"](weights) if weights else None
    variants = {}
    if "make_sequential" in scope:
        variants["sequential"] = scope["make_sequential"]()
    if class_name is not None:
        variants["class"] = scope[class_name]()
    for key, other in variants.items():
        if state_dict is not None:
            other.load_state_dict(state_dict)  # strict: same keys, same shapes
        result[key] = run(other, x)
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
