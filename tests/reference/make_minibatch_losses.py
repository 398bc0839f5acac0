#!/usr/bin/python3
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
from nnb_torch import INIT, make_data, make_model  # noqa: E402

torch.set_num_threads(1)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
EXAMPLE = "data/examples/mlp-residual.nnb"


def build(project):
    """The recipe (docs/file-format.md, "The recipe"), on the default generator."""
    torch.manual_seed(project.get("seed", 0))
    x, y = make_data(project["data"])
    if project.get("model_seed") is not None:
        torch.manual_seed(project["model_seed"])
    model = make_model(project["model"])
    init = project.get("init", {})
    weight_init, bias_init = init.get("weight", "default"), init.get("bias", "default")
    if weight_init != "default" or bias_init != "default":
        if init.get("seed") is not None:
            torch.manual_seed(init["seed"])

        def init_fn(m):
            if isinstance(m, nn.Linear):
                if weight_init != "default":
                    INIT[weight_init](m.weight)
                if bias_init != "default" and m.bias is not None:
                    INIT[bias_init](m.bias)
        model.apply(init_fn)
    return model, x, y


def train(project, batch):
    """The epochs' losses with this batch size, from a fresh recipe."""
    t = project["training"]
    model, x, y = build(project)
    optimizer = torch.optim.SGD(model.parameters(), lr=t["lr"], momentum=t.get("momentum", 0),
                                dampening=t.get("dampening", 0), weight_decay=t.get("weight_decay", 0),
                                nesterov=t.get("nesterov", False))
    loss_fn = nn.MSELoss()
    assert 0 < batch < len(x), "this script replays shuffled mini-batches"

    losses = []
    for epoch in range(t["epochs"]):
        perm = torch.randperm(len(x))
        total, batches = 0.0, 0
        for start in range(0, len(x), batch):
            idx = perm[start:start + batch]
            loss = loss_fn(model(x[idx]), y[idx])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item()
            batches += 1
        losses.append(total / batches)
    return losses


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
