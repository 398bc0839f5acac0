#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Golden held-out splits, standardised data and train/test losses, from
real PyTorch.

Each case is a small project with "test_fraction" and/or "standardize" in
its "data" (docs/file-format.md), replayed as the PyTorch program it stands
for (nnb_torch.py's build_split):

    torch.manual_seed(seed)
    X, y = ...                                   # the data's recipe
    perm = torch.randperm(len(X))                # only when test_fraction > 0
    n_test = int(len(X) * test_fraction)
    X_test, y_test = X[perm[:n_test]], y[perm[:n_test]]
    X, y = X[perm[n_test:]], y[perm[n_test:]]
    x_mean, x_std = X.mean(0), X.std(0)          # "standardize": {"inputs": true}
    X, X_test = (X - x_mean) / x_std, (X_test - x_mean) / x_std
    y_mean, y_std = y.mean(0), y.std(0)          # "standardize": {"targets": true}
    y, y_test = (y - y_mean) / y_std, (y_test - y_mean) / y_std
    model = ...; optimizer = ...                 # the rest of the recipe

followed by the training loop with, after each epoch's steps,

    with torch.no_grad():
        test_loss = loss_fn(model(X_test), y_test)

It writes the permutation, the float32 bits of the training and test rows
and of the statistics, and every epoch's train and test loss (Python's
repr of the double: loss.item(), or the mean of the batches' losses) to
tests/data/split-golden.json; tests/test-split.c checks the engine against
them bit for bit. The last case is data/examples/overfit.nnb, the example
whose test loss turns upward while its train loss keeps falling. Run with PyTorch 1.13 (Debian's /usr/bin/python3 has it):

    /usr/bin/python3 tests/reference/make_split_golden.py
"""

import json
import os
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


def sequential(*layers):
    return {"class": "Sequential", "modules": list(layers)}


def linear(i, o):
    return {"type": "Linear", "in_features": i, "out_features": o}


def project(data, model, training, seed=0):
    training = dict({"optimizer": "SGD", "loss": "MSELoss", "batch_size": 0, "log_every": 0}, **training)
    return {"format": "nnblocks", "version": 1, "seed": seed, "model": model, "data": data, "training": training}


CASES = {
    # a test quarter of a noisy sine, full batches
    "split": project({"kind": "sine", "n": 40, "noise": 0.1, "test_fraction": 0.25},
                     sequential(linear(1, 32), {"type": "Tanh"}, linear(32, 1)),
                     {"lr": 0.02, "epochs": 40}),
    # both standardised, 30 % held out, shuffled mini-batches (the last one of 3)
    "standardize": project({"kind": "line", "n": 50, "noise": 0.5, "test_fraction": 0.3,
                            "standardize": {"inputs": True, "targets": True}},
                           sequential(linear(1, 16), {"type": "ReLU"}, linear(16, 1)),
                           {"lr": 0.05, "momentum": 0.5, "epochs": 20, "batch_size": 8}, seed=3),
    # three input columns; int(100 * 0.29) is 28, not 29
    "columns": project({"kind": "sine-product", "n": 100, "test_fraction": 0.29,
                        "standardize": {"inputs": True}},
                       sequential(linear(3, 8), {"type": "Tanh"}, linear(8, 1)),
                       {"lr": 0.05, "momentum": 0.9, "epochs": 15}, seed=7),
    # no test set: the statistics of all the rows, and no randperm drawn
    "no-split": project({"kind": "polynomial", "n": 64, "standardize": {"inputs": True, "targets": True}},
                        sequential(linear(1, 8), {"type": "Sigmoid"}, linear(8, 1)),
                        {"lr": 0.2, "epochs": 10}, seed=1),
}

# the example whose test loss turns upward while the train loss falls
EXAMPLE = "data/examples/overfit.nnb"
ROOT = os.path.dirname(os.path.dirname(HERE))
with open(os.path.join(ROOT, EXAMPLE)) as example:
    CASES["overfit"] = json.load(example)


def bits(t):
    if t is None:
        return None
    t = t.detach().to(torch.float32).contiguous().reshape(-1)
    return ["%08x" % struct.unpack("<I", struct.pack("<f", v))[0] for v in t.tolist()]


def run(name, proj):
    model, data = build_split(proj)
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
    perm = data["perm"]
    return {
        "name": name,
        "project": proj,
        "n_test": 0 if x_test is None else len(x_test),
        "perm": None if perm is None else perm.tolist(),
        "x": bits(x), "y": bits(y), "x_test": bits(x_test), "y_test": bits(y_test),
        "x_mean": bits(data["x_mean"]), "x_std": bits(data["x_std"]),
        "y_mean": bits(data["y_mean"]), "y_std": bits(data["y_std"]),
        "losses": losses, "test_losses": test_losses,
    }


def main():
    cases = [run(name, proj) for name, proj in CASES.items()]
    out = {"torch": torch.__version__,
           "format": "float32 bits as 8 hex digits (little-endian value); losses as Python floats",
           "cases": cases}
    path = os.path.join(HERE, "..", "data", "split-golden.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    for c in cases:
        last_test = c["test_losses"][-1] if c["test_losses"] else None
        print(f"{c['name']}: n_test {c['n_test']}, last loss {c['losses'][-1]!r}, last test loss {last_test!r}")
    print(f"wrote {os.path.normpath(path)}")


if __name__ == "__main__":
    main()
