#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Golden per-epoch losses of the Day 2 lesson's training runs, from real
PyTorch 1.13, bit for bit.

The runs are the ones data/lessons/day02.lesson trains (its <load>,
<settings> and <train> actions) plus SineNet at lr 0.01, whose final loss
the lesson quotes:

    regression.nnb          lr 0.01,  200 epochs
    sinenet.nnb             lr 0.1,   100 epochs (diverges: nan at 25)
    sinenet.nnb             lr 0.05, 5000 epochs (the lesson stops at 0.02)
    sinenet.nnb             lr 0.01, 5000 epochs
    sine-linear.nnb         lr 0.01, 5000 epochs

Each project is replayed with tests/reference/nnb_torch.py's recipe
(docs/file-format.md: seed, data, model, init, SGD and MSELoss, full
batch), the same helpers the other reference scripts use. SineNet at
lr 0.05 runs all 5000 epochs, past the lesson's stop below 0.02, so that
the whole curve is held; a diverging run is kept up to and including its
first nan loss, where NN Blocks stops.

Every epoch's loss.item() is a float32 and is written as its 8 hex digits
(struct.pack('>f')), so nothing is lost on the way; tests/test-lesson-
losses.c trains the same runs through the engine and compares each epoch's
loss bit for bit.

    /usr/bin/python3 tests/reference/make_lesson_losses.py

writes tests/data/lesson-losses.json. Takes about half a minute.
"""
import json
import math
import os
import struct
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

# (example, lr, epochs): the lesson's runs
RUNS = [
    ("regression.nnb", 0.01, 200),
    ("sinenet.nnb", 0.1, 100),
    ("sinenet.nnb", 0.05, 5000),
    ("sinenet.nnb", 0.01, 5000),
    ("sine-linear.nnb", 0.01, 5000),
]


def f32_hex(value):
    """The float32 loss.item() came from, as 8 hex digits (exact)."""
    bits = struct.pack(">f", value)
    assert math.isnan(value) or struct.unpack(">f", bits)[0] == value, "loss.item() is a float32"
    return bits.hex()


def train(example, lr, epochs):
    path = os.path.join(ROOT, "data", "examples", example)
    project = json.load(open(path))
    t = dict(project["training"], lr=lr)
    assert t["optimizer"] == "SGD" and t["loss"] == "MSELoss" and not t.get("batch_size")
    model, x, y = build(project, os.path.dirname(path))
    optimizer = make_optimizer(model, t)
    losses = []
    for _ in range(epochs):
        loss = train_epoch(model, x, y, optimizer, nn.MSELoss(), 0)
        losses.append(f32_hex(loss))
        if math.isnan(loss):
            break  # NN Blocks stops at the first nan; an infinite loss goes on, as here
    return losses


def main():
    runs = []
    for example, lr, epochs in RUNS:
        losses = train(example, lr, epochs)
        runs.append({"project": "data/examples/" + example, "lr": lr, "epochs": epochs, "losses": losses})
        last = struct.unpack(">f", bytes.fromhex(losses[-1]))[0]
        print(f"{example} lr {lr}: {len(losses)} epochs, last loss {last!r}", flush=True)
    out = {"torch": torch.__version__, "format": "float32 bits, big-endian hex, one per epoch", "runs": runs}
    path = os.path.join(HERE, "..", "data", "lesson-losses.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print(f"wrote {os.path.normpath(path)}")


if __name__ == "__main__":
    main()
