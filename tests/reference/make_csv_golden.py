#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Golden losses for a CSV project whose columns are chosen (issue 19).

Writes tests/data/csv-columns.csv, a small table with a header line, an id
column, a text column and the inputs and targets interleaved:

    id,x1,y1,x2,note,x3,y2

and tests/data/csv-columns.nnb, a project that reads it with
"header": true, "inputs": ["x1", "x2", "x3"] and "targets": ["y1", "y2"]
(so y has two columns and the model two outputs). Each case is replayed in
real PyTorch as the program the project stands for (nnb_torch.py's
read_csv and build_split):

    X, y = read_csv("csv-columns.csv", ...)      # X (n, 3), y (n, 2)
    model = nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 2))
    loss = nn.MSELoss()(model(X), y)             # the mean over all n * 2 elements

and every epoch's loss (and test loss) is written as float32 bits to
tests/data/csv-golden.json; tests/test-csv-columns.c checks the engine
against them bit for bit. Run with PyTorch 1.13 (Debian's /usr/bin/python3
has it):

    /usr/bin/python3 tests/reference/make_csv_golden.py
"""

import json
import math
import os
import random
import struct
import sys

# the PyTorch NN Blocks reproduces: OpenBLAS kernel, threads, ATen kernels
import nnb_pytorch_env  # noqa: E402,F401  (before torch and numpy load)

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nnb_torch import build_split, make_optimizer, train_epoch  # noqa: E402

torch.set_num_threads(1)

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.normpath(os.path.join(HERE, "..", "data"))
CSV = "csv-columns.csv"


def write_csv(path, n=40):
    """y1 = x1 * x2 + noise, y2 = sin(x3) - x1 / 2 + noise, with 4 decimals;
    Python's random, so the file never changes when the script is rerun."""
    rng = random.Random(19)
    lines = ["# issue 19: columns chosen by name; id and note are not read", "id,x1,y1,x2,note,x3,y2"]
    for i in range(n):
        x1, x2, x3 = rng.uniform(-2, 2), rng.uniform(-1, 1), rng.uniform(0, 6)
        y1 = x1 * x2 + rng.gauss(0, 0.05)
        y2 = math.sin(x3) - x1 / 2 + rng.gauss(0, 0.05)
        note = "ab"[i % 2]
        lines.append(f"{i},{x1:.4f},{y1:.4f},{x2:.4f},{note},{x3:.4f},{y2:.4f}")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def mlp():
    return {"class": "Sequential", "modules": [
        {"type": "Linear", "in_features": 3, "out_features": 8},
        {"type": "Tanh"},
        {"type": "Linear", "in_features": 8, "out_features": 2}]}


def project(data, training, seed=0):
    training = dict({"optimizer": "SGD", "loss": "MSELoss", "batch_size": 0, "log_every": 0}, **training)
    return {"format": "nnblocks", "version": 1, "title": "Issue 19: two targets from chosen CSV columns",
            "seed": seed, "model": mlp(), "data": dict({"kind": "csv", "path": CSV}, **data),
            "training": training}


CASES = {
    # the header given, inputs and targets by name, full batches
    "columns": project({"header": True, "inputs": ["x1", "x2", "x3"], "targets": ["y1", "y2"]},
                       {"lr": 0.05, "momentum": 0.9, "epochs": 25}),
    # the header detected, names and indices mixed and out of file order,
    # a test quarter, both sides standardised, shuffled mini-batches
    "mixed-split": project({"inputs": ["x3", 1, "x2"], "targets": ["y2", 2], "test_fraction": 0.25,
                            "standardize": {"inputs": True, "targets": True}},
                           {"lr": 0.1, "epochs": 15, "batch_size": 8}, seed=5),
}


def bits(t):
    if t is None:
        return None
    t = t.detach().to(torch.float32).contiguous().reshape(-1)
    return ["%08x" % struct.unpack("<I", struct.pack("<f", v))[0] for v in t.tolist()]


def run(name, proj):
    model, data = build_split(proj, DATA)
    t = proj["training"]
    optimizer = make_optimizer(model, t)
    loss_fn = nn.MSELoss()
    x, y, x_test, y_test = data["x"], data["y"], data["x_test"], data["y_test"]
    losses, test_losses = [], []
    for _ in range(t["epochs"]):
        losses.append(train_epoch(model, x, y, optimizer, loss_fn, t["batch_size"]))
        if x_test is not None:
            with torch.no_grad():
                test_losses.append(loss_fn(model(x_test), y_test).item())
    return {
        "name": name,
        "project": proj,
        "x_shape": list(x.shape), "y_shape": list(y.shape),
        "x": bits(x), "y": bits(y),
        # the per-epoch losses as float32 bits; a mini-batch epoch's loss is
        # the Python mean of its batches' losses, a double: rounded here
        "losses": bits(torch.tensor(losses, dtype=torch.float64)) if t["batch_size"] == 0 else None,
        "losses_double": losses,
        "test_losses": bits(torch.tensor(test_losses)) if test_losses else None,
    }


def main():
    write_csv(os.path.join(DATA, CSV))
    with open(os.path.join(DATA, "csv-columns.nnb"), "w") as f:
        json.dump(CASES["columns"], f, indent=2)
        f.write("\n")
    cases = [run(name, proj) for name, proj in CASES.items()]
    out = {"torch": torch.__version__,
           "format": "float32 bits as 8 hex digits (little-endian value); losses_double as Python floats",
           "cases": cases}
    path = os.path.join(DATA, "csv-golden.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    for c in cases:
        print(f"{c['name']}: X {c['x_shape']}, y {c['y_shape']}, last loss {c['losses_double'][-1]!r}")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
