#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Golden Dropout masks for tests/test-dropout.c, from real PyTorch 1.13.

Each case: torch.manual_seed(seed), then nn.Dropout(p) in training mode on
a float32 input x of the given shape (x drawn beforehand from another seed,
stored as bits), y = dropout(x), then y.backward(g) for a fixed g. Recorded:
x, y, x.grad and what the generator gives next (rand(1)), which shows how
many numbers the mask drew (two 32-bit draws a value; none for p = 0 or 1).
Shapes are not multiples of 8 or 16 on purpose, and p covers 0, 0.1, 0.5,
0.9, 1 and 0.15 and 0.45, whose 1/(1 − p) rounds differently in float32
division than in double (the mask's value is 1.0f / (float)(1 − p)).

It also trains a small network with Dropout for 20 epochs of shuffled
mini-batches, as NN Blocks' trainer does (randperm and the masks from the
one default generator, model.train() for the steps, model.eval() for the
test loss), and records each epoch's loss and test loss.

Run with PyTorch 1.13 (Debian's /usr/bin/python3 has it):

    /usr/bin/python3 tests/reference/make_dropout_golden.py

It writes tests/data/dropout-golden.json next to this folder.
"""

import json
import os
import sys

import nnb_pytorch_env  # noqa: E402,F401  (before torch and numpy load)

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nnb_torch import build_split, make_optimizer, train_epoch  # noqa: E402

torch.set_num_threads(1)

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(os.path.dirname(HERE), "data", "dropout-golden.json")

SEEDS = [0, 1, 42, 2026]
SHAPES = [[1], [7], [5, 3], [17, 3], [8, 16], [33, 5], [100, 10]]
PS = [0.0, 0.1, 0.15, 0.45, 0.5, 0.9, 1.0]

# data/examples-like project: a 1-in, 1-out net with Dropout between its
# hidden layers, a test split and shuffled mini-batches
TRAIN_PROJECT = {
    "format": "nnblocks",
    "version": 1,
    "model": {
        "class": "Sequential",
        "modules": [
            {"type": "Linear", "in_features": 1, "out_features": 16, "bias": True},
            {"type": "Tanh"},
            {"type": "Dropout", "p": 0.25},
            {"type": "Linear", "in_features": 16, "out_features": 16, "bias": True},
            {"type": "ReLU"},
            {"type": "Dropout", "p": 0.5},
            {"type": "Linear", "in_features": 16, "out_features": 1, "bias": True},
        ],
    },
    "seed": 0,
    "model_seed": 1,
    "data": {"kind": "sine", "n": 64, "noise": 0.1, "test_fraction": 0.25},
    "training": {"optimizer": "SGD", "lr": 0.05, "momentum": 0.9, "loss": "MSELoss", "epochs": 20,
                 "batch_size": 10},
}


def bits(t):
    a = t.detach().to(torch.float32).contiguous().reshape(-1).numpy()
    return "".join("%08x" % v for v in a.view(np.uint32).tolist())


def mask_cases():
    cases = []
    for seed in SEEDS:
        # the 1000-value shape once: it is most of the file
        for shape in SHAPES if seed == 0 else SHAPES[:-1]:
            for p in PS:
                torch.manual_seed(1000 + seed)
                x = torch.randn(*shape) * 3
                g = torch.randn(*shape)
                x.requires_grad_(True)
                torch.manual_seed(seed)
                drop = nn.Dropout(p)
                drop.train()
                y = drop(x)
                after = bits(torch.rand(1))
                y.backward(g)
                cases.append({"seed": seed, "shape": shape, "p": p, "x": bits(x), "grad_output": bits(g),
                              "y": bits(y), "grad_input": bits(x.grad), "after": after})
    return cases


def eval_cases():
    """eval mode is the identity and draws nothing"""
    torch.manual_seed(7)
    x = torch.randn(5, 3)
    drop = nn.Dropout(0.5)
    drop.eval()
    y = drop(x)
    return {"seed": 7, "x": bits(x), "y": bits(y), "after": bits(torch.rand(1))}


def messages():
    out = {}
    for p in [1.5, -0.1, 2.0]:
        try:
            nn.Dropout(p)
        except ValueError as e:
            out[repr(p)] = str(e)
    out["repr"] = [str(nn.Dropout(0.5)), str(nn.Dropout(0.25)), str(nn.Dropout(0.0))]
    return out


def training_run():
    project = TRAIN_PROJECT
    t = project["training"]
    model, data = build_split(project)
    x, y, x_test, y_test = data["x"], data["y"], data["x_test"], data["y_test"]
    opt = make_optimizer(model, t)
    loss_fn = nn.MSELoss()
    batch = t["batch_size"]
    losses, test_losses = [], []
    for _ in range(t["epochs"]):
        model.train()
        losses.append(train_epoch(model, x, y, opt, loss_fn, batch))
        model.eval()
        with torch.no_grad():
            test_losses.append(loss_fn(model(x_test), y_test).item())
    with torch.no_grad():
        final = {name: bits(p) for name, p in model.named_parameters()}
    return {"project": project, "losses": losses, "test_losses": test_losses, "parameters": final,
            "after": bits(torch.rand(1))}


def main():
    golden = {"masks": mask_cases(), "eval": eval_cases(), "messages": messages(), "training": training_run()}
    with open(OUT, "w") as f:
        json.dump(golden, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
