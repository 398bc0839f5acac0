#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Golden per-epoch losses of shuffled mini-batch training, from real PyTorch.

data/examples/mlp-residual.nnb (the page's MLP, 1024 points, batch_size 32,
20 epochs) is replayed as the PyTorch program docs/file-format.md says it
stands for, followed by the loop NN Blocks runs for mini-batches:

    for epoch in range(epochs):
        perm = torch.randperm(len(X))        # from where the recipe left
        for start in range(0, len(X), batch_size):   # the default generator
            idx = perm[start:start + batch_size]
            loss = loss_fn(model(X[idx]), y[idx])
            optimizer.zero_grad(); loss.backward(); optimizer.step()
            total += loss.item()
        epoch_loss = total / batches         # the mean of the batch losses

It runs twice: with the file's batch_size 32 (32 equal batches) and with
48, whose last batch holds the 16 points left over, so that the epoch loss
is seen to be the plain mean of the batch losses, not one weighted by the
batches' sizes. Each epoch's loss is written as a double (Python's repr,
which reads back as exactly the same double); tests/test-app-cli-agree.c
compares the app's trainer with it.

Run with PyTorch 1.13 (Debian's /usr/bin/python3 has it):

    /usr/bin/python3 tests/reference/make_minibatch_losses.py

It writes tests/data/minibatch-losses.json next to this folder.
"""

import json
import os
import sys

# the PyTorch NN Blocks reproduces: OpenBLAS kernel, threads, ATen kernels
import nnb_pytorch_env  # noqa: E402,F401  (before torch and numpy load)

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nnb_torch import build, make_optimizer, train_epoch  # noqa: E402

torch.set_num_threads(1)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
EXAMPLE = "data/examples/mlp-residual.nnb"


def train(project, batch):
    """The epochs' losses with this batch size, from a fresh recipe."""
    t = project["training"]
    model, x, y = build(project)
    optimizer = make_optimizer(model, t)
    assert 0 < batch < len(x), "this script replays shuffled mini-batches"
    return [train_epoch(model, x, y, optimizer, nn.MSELoss(), batch) for _ in range(t["epochs"])]


def main():
    project = json.load(open(os.path.join(ROOT, EXAMPLE)))
    t = project["training"]
    assert t["optimizer"] == "SGD" and t["loss"] == "MSELoss", "this script replays SGD with MSELoss only"
    runs = [{"batch_size": batch, "losses": train(project, batch)} for batch in (t["batch_size"], 48)]
    out = {
        "project": EXAMPLE,
        "torch": torch.__version__,
        "epochs": t["epochs"],
        "runs": runs,
    }
    path = os.path.join(HERE, "..", "data", "minibatch-losses.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    for run in runs:
        print(f"batch_size {run['batch_size']}: {len(run['losses'])} epochs, last loss {run['losses'][-1]!r}")
    print(f"wrote {os.path.normpath(path)}")


if __name__ == "__main__":
    main()
