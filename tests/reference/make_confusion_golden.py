#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Golden confusion matrices from real PyTorch: rows are the true classes,
columns the predicted classes (counts[t][p]: rows of true class t the
model put in class p), counted from the same predictions as the accuracy.

Two kinds of case go to tests/data/confusion-golden.json, which
tests/test-confusion.c checks the engine against:

- "rows": hand-made outputs where the rules meet their edges — ties and
  NaNs for torch.argmax (CrossEntropyLoss, NLLLoss), 0, −0 and NaN for
  BCEWithLogitsLoss's (y_hat > 0), 0.5 and its neighbours for BCELoss's
  (y_hat > 0.5) — with the class PyTorch predicts for each row and the
  matrix against the given targets; outputs as float32 bits.
- "runs": projects on class data trained for a few epochs as nnblocks-cli
  train runs them (nnb_torch.build_split for the recipe), the loop
  counting every forward pass's predictions by class as the exported
  code does:
      confusion += confusion_matrix(y_hat, y, classes)
  and the test rows' after each epoch's steps, with torch.no_grad();
  every epoch's matrices and accuracies.

Run with PyTorch 1.13 (Debian's /usr/bin/python3 has it):

    /usr/bin/python3 tests/reference/make_confusion_golden.py
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
from nnb_torch import build_split, make_optimizer  # noqa: E402

torch.set_num_threads(1)

HERE = os.path.dirname(os.path.abspath(__file__))


def bits(t):
    t = t.detach().to(torch.float32).contiguous().reshape(-1)
    return ["%08x" % struct.unpack("<I", struct.pack("<f", v))[0] for v in t.tolist()]


PREDICT = {
    "CrossEntropyLoss": lambda y_hat: y_hat.argmax(1),
    "NLLLoss": lambda y_hat: y_hat.argmax(1),
    "BCEWithLogitsLoss": lambda y_hat: (y_hat > 0).long().view(-1),
    "BCELoss": lambda y_hat: (y_hat > 0.5).long().view(-1),
}


def confusion_matrix(loss, y_hat, y, classes):
    """As the exported code counts: a model with more outputs than the data
    has classes puts some rows in no cell."""
    t, p = y.view(-1).long(), PREDICT[loss](y_hat)
    keep = p < classes
    return torch.bincount(t[keep] * classes + p[keep], minlength=classes * classes).view(classes, classes)


def count_correct(loss, y_hat, y):
    return (PREDICT[loss](y_hat) == y.view(-1)).sum().item()


# ---------------------------------------------------------------- rows

NAN, INF = math.nan, math.inf
_HALF_UP = struct.unpack("<f", struct.pack("<I", 0x3f000001))[0]
_HALF_DOWN = struct.unpack("<f", struct.pack("<I", 0x3effffff))[0]
_TINY = struct.unpack("<f", struct.pack("<I", 0x00000001))[0]


def rows_case(name, loss, outputs, targets, classes):
    y_hat = torch.tensor(outputs, dtype=torch.float32)
    y = torch.tensor(targets, dtype=torch.long if loss in ("CrossEntropyLoss", "NLLLoss") else torch.float32)
    if y.dtype == torch.float32:
        y = y.unsqueeze(1)
    return {"name": name, "loss": loss, "n": len(outputs), "c": len(outputs[0]), "classes": classes,
            "x": bits(y_hat), "target": [float(v) for v in targets],
            "predicted": PREDICT[loss](y_hat).tolist(),
            "correct": count_correct(loss, y_hat, y),
            "matrix": confusion_matrix(loss, y_hat, y, classes).tolist()}


ROWS = [
    # equal largest outputs: the first of them; a NaN anywhere: the first NaN
    rows_case("argmax-ties-and-nans", "CrossEntropyLoss",
              [[1, 1, 0], [0, 2, 2], [3, 3, 3], [NAN, 1, 2], [1, NAN, NAN], [2, 5, NAN],
               [-INF, -INF, -INF], [INF, INF, 1], [-0.0, 0.0, -1], [0.0, -0.0, -1], [-INF, NAN, INF]],
              [0, 2, 1, 0, 1, 2, 2, 0, 1, 0, 1], 3),
    rows_case("argmax-nll-ties", "NLLLoss",
              [[-0.5, -0.5], [-1, -0.25], [-0.25, -0.25], [-2, -2]], [1, 1, 0, 0], 2),
    # a fourth output the data has no class for: predicted, but in no cell
    rows_case("argmax-more-outputs-than-classes", "CrossEntropyLoss",
              [[0, 1, 2, 5], [3, 1, 0, 1], [0, 4, 1, 4], [0, 0, 1, 9]], [0, 0, 1, 2], 3),
    # (y_hat > 0): 0 and −0 are not above, nor is a NaN
    rows_case("logit-zero-and-nan", "BCEWithLogitsLoss",
              [[0.0], [-0.0], [_TINY], [-_TINY], [NAN], [INF], [-INF], [0.25]],
              [0, 1, 1, 0, 1, 1, 0, 0], 2),
    # (y_hat > 0.5): 0.5 itself is not above, the next float is
    rows_case("probability-half", "BCELoss",
              [[0.5], [_HALF_UP], [_HALF_DOWN], [0.0], [1.0], [NAN], [0.75]],
              [1, 1, 0, 0, 1, 0, 1], 2),
]


# ---------------------------------------------------------------- runs

def sequential(*layers):
    return {"class": "Sequential", "modules": list(layers)}


def linear(i, o):
    return {"type": "Linear", "in_features": i, "out_features": o}


def project(data, model, training, seed=0):
    training = dict({"optimizer": "SGD", "batch_size": 0, "log_every": 0}, **training)
    return {"format": "nnblocks", "version": 1, "seed": seed, "model_seed": 1, "model": model, "data": data,
            "training": training}


RUNS = {
    "blobs-4-cross-entropy": project({"kind": "blobs", "n": 200, "classes": 4, "noise": 0.5, "test_fraction": 0.25},
                                     sequential(linear(2, 8), {"type": "ReLU"}, linear(8, 4)),
                                     {"optimizer": "Adam", "lr": 0.03, "loss": "CrossEntropyLoss", "epochs": 12,
                                      "batch_size": 32}, seed=3),
    "spiral-cross-entropy": project({"kind": "spiral", "n": 300, "noise": 0.05, "test_fraction": 0.2},
                                    sequential(linear(2, 16), {"type": "ReLU"}, linear(16, 16), {"type": "ReLU"},
                                               linear(16, 2)),
                                    {"optimizer": "Adam", "lr": 0.02, "loss": "CrossEntropyLoss", "epochs": 15},
                                    seed=4),
    "blobs-3-four-outputs-nll": project({"kind": "blobs", "n": 90, "classes": 3, "noise": 0.6},
                                        sequential(linear(2, 4), {"type": "LogSoftmax", "dim": 1}),
                                        {"lr": 0.1, "loss": "NLLLoss", "epochs": 10, "batch_size": 20}, seed=7),
    "circle-bce-with-logits": project({"kind": "circle", "n": 160, "noise": 0.1, "test_fraction": 0.25,
                                       "float_targets": True},
                                      sequential(linear(2, 8), {"type": "Tanh"}, linear(8, 1)),
                                      {"optimizer": "Adam", "lr": 0.05, "loss": "BCEWithLogitsLoss", "epochs": 12},
                                      seed=5),
    "moons-bce": project({"kind": "moons", "n": 100, "noise": 0.1, "float_targets": True, "test_fraction": 0.2},
                         sequential(linear(2, 8), {"type": "ReLU"}, linear(8, 1), {"type": "Sigmoid"}),
                         {"lr": 0.5, "loss": "BCELoss", "epochs": 12, "batch_size": 16}, seed=6),
}


def run(name, proj):
    model, data = build_split(proj)
    t = proj["training"]
    optimizer = make_optimizer(model, t)
    loss_name = t["loss"]
    fn = getattr(nn, loss_name)()
    x, y, x_test, y_test = data["x"], data["y"], data["x_test"], data["y_test"]
    classes = max(2, int(max(y.max(), y_test.max() if y_test is not None else 0)) + 1)
    if proj["data"].get("float_targets"):
        y = y.float().unsqueeze(1)
        y_test = None if y_test is None else y_test.float().unsqueeze(1)
    batch = t.get("batch_size", 0)
    matrices, test_matrices, accuracies, test_accuracies = [], [], [], []
    for _ in range(t["epochs"]):
        correct = 0
        confusion = torch.zeros(classes, classes, dtype=torch.long)
        if 0 < batch < len(x):
            order = torch.randperm(len(x))
            for start in range(0, len(x), batch):
                idx = order[start:start + batch]
                y_hat = model(x[idx])
                loss = fn(y_hat, y[idx])
                correct += count_correct(loss_name, y_hat, y[idx])
                confusion += confusion_matrix(loss_name, y_hat, y[idx], classes)
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
        else:
            y_hat = model(x)
            loss = fn(y_hat, y)
            correct += count_correct(loss_name, y_hat, y)
            confusion += confusion_matrix(loss_name, y_hat, y, classes)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        matrices.append(confusion.tolist())
        accuracies.append(correct / len(x))
        if x_test is not None:
            with torch.no_grad():
                y_hat = model(x_test)
                test_matrices.append(confusion_matrix(loss_name, y_hat, y_test, classes).tolist())
                test_accuracies.append(count_correct(loss_name, y_hat, y_test) / len(x_test))
    return {"name": name, "project": proj, "classes": classes, "matrices": matrices,
            "test_matrices": test_matrices, "accuracies": accuracies, "test_accuracies": test_accuracies}


def main():
    out = {"torch": torch.__version__,
           "format": "outputs as float32 bits (8 hex digits); matrices as counts[true class][predicted class]",
           "rows": ROWS, "runs": [run(name, proj) for name, proj in RUNS.items()]}
    path = os.path.join(HERE, "..", "data", "confusion-golden.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    for r in ROWS:
        print(f"{r['name']}: predicted {r['predicted']}")
    for r in out["runs"]:
        print(f"{r['name']}: last matrix {r['matrices'][-1]}, accuracy {r['accuracies'][-1]!r}")


if __name__ == "__main__":
    main()
