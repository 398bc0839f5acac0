#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Golden values, gradients, training runs and messages of the
classification losses, from real PyTorch.

Three kinds of case go to tests/data/class-loss-golden.json, which
tests/test-class-losses.c checks the engine against, bit for bit:

- "units": one loss on one batch. The prediction x (n, c) comes from
  torch.randn, the targets are class indices (a LongTensor (n,)) or floats;
      loss = loss_fn(x, t); loss.backward()
  with the float32 bits of x, of loss and of x.grad.
- "runs": a project on class data trained for a few epochs as
  nnblocks-cli train runs it (nnb_torch.build_split for the recipe), the
  loop also counting the right predictions of every forward pass:
      correct += (y_hat.argmax(1) == y).sum().item()   # CrossEntropyLoss, NLLLoss
      correct += ((y_hat > 0).float() == y).sum().item()    # BCEWithLogitsLoss
      correct += ((y_hat > 0.5).float() == y).sum().item()  # BCELoss
      accuracy = correct / len(X)
  and the same on the test rows with torch.no_grad(); every epoch's loss,
  test loss, accuracy and test accuracy as Python floats.
- "messages": what PyTorch 1.13 raises for the targets students get wrong.

Run with PyTorch 1.13 (Debian's /usr/bin/python3 has it):

    /usr/bin/python3 tests/reference/make_class_loss_golden.py
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
from nnb_torch import build_split, make_optimizer  # noqa: E402

torch.set_num_threads(1)

HERE = os.path.dirname(os.path.abspath(__file__))


def bits(t):
    t = t.detach().to(torch.float32).contiguous().reshape(-1)
    return ["%08x" % struct.unpack("<I", struct.pack("<f", v))[0] for v in t.tolist()]


def loss_fn(name, label_smoothing=0.0):
    if name == "CrossEntropyLoss":
        return nn.CrossEntropyLoss(label_smoothing=label_smoothing)
    return getattr(nn, name)()


# ---------------------------------------------------------------- units

def unit(name, loss, n, c, targets, seed, label_smoothing=0.0, scale=3.0):
    """targets: "classes", "floats" (0 and 1, the shape of x), "probabilities"
    (rows of softmax, the shape of x)"""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, c, generator=g) * scale
    if loss == "BCELoss":
        x = torch.sigmoid(x)
    if loss == "NLLLoss":
        x = torch.log_softmax(x, 1)
    x.requires_grad_(True)
    if targets == "classes":
        t = torch.randint(0, c, (n,), generator=g)
        t_bits = [float(v) for v in t.tolist()]
    elif targets == "floats":
        t = torch.randint(0, 2, (n, c), generator=g).float()
        t_bits = bits(t)
    else:
        t = torch.softmax(torch.randn(n, c, generator=g), 1)
        t_bits = bits(t)
    value = loss_fn(loss, label_smoothing)(x, t)
    value.backward()
    return {"name": name, "loss": loss, "n": n, "c": c, "targets": targets, "label_smoothing": label_smoothing,
            "x": bits(x), "target": t_bits, "value": bits(value)[0], "grad": bits(x.grad)}


UNITS = []
for n, c in [(1, 2), (3, 3), (8, 2), (17, 5), (40, 10), (300, 3)]:
    UNITS.append(unit(f"ce-{n}x{c}", "CrossEntropyLoss", n, c, "classes", n * 31 + c))
    UNITS.append(unit(f"ce-smooth-{n}x{c}", "CrossEntropyLoss", n, c, "classes", n * 37 + c, label_smoothing=0.1))
    UNITS.append(unit(f"ce-probabilities-{n}x{c}", "CrossEntropyLoss", n, c, "probabilities", n * 41 + c))
    UNITS.append(unit(f"nll-{n}x{c}", "NLLLoss", n, c, "classes", n * 43 + c))
for n in [1, 7, 8, 33, 300]:
    UNITS.append(unit(f"bce-with-logits-{n}", "BCEWithLogitsLoss", n, 1, "floats", n * 47))
    UNITS.append(unit(f"bce-{n}", "BCELoss", n, 1, "floats", n * 53))
# logits far out: the max_val and log1p paths, and BCELoss's −100 clamp
UNITS.append(unit("bce-with-logits-large", "BCEWithLogitsLoss", 64, 1, "floats", 5, scale=40.0))
UNITS.append(unit("bce-saturated", "BCELoss", 64, 1, "floats", 6, scale=40.0))
UNITS.append(unit("ce-large", "CrossEntropyLoss", 64, 3, "classes", 7, scale=60.0))


# ---------------------------------------------------------------- runs

def sequential(*layers):
    return {"class": "Sequential", "modules": list(layers)}


def linear(i, o):
    return {"type": "Linear", "in_features": i, "out_features": o}


def project(data, model, training, seed=0):
    training = dict({"optimizer": "SGD", "batch_size": 0, "log_every": 0}, **training)
    return {"format": "nnblocks", "version": 1, "seed": seed, "model_seed": 1, "model": model, "data": data,
            "training": training}


RULES = {
    "CrossEntropyLoss": lambda y_hat, y: (y_hat.argmax(1) == y).sum().item(),
    "NLLLoss": lambda y_hat, y: (y_hat.argmax(1) == y).sum().item(),
    "BCEWithLogitsLoss": lambda y_hat, y: ((y_hat > 0).float() == y).sum().item(),
    "BCELoss": lambda y_hat, y: ((y_hat > 0.5).float() == y).sum().item(),
}

RUNS = {
    "xor-cross-entropy": project({"kind": "xor", "n": 200, "noise": 0.05, "test_fraction": 0.25},
                                 sequential(linear(2, 8), {"type": "Tanh"}, linear(8, 2)),
                                 {"optimizer": "Adam", "lr": 0.05, "loss": "CrossEntropyLoss", "epochs": 20}),
    "spiral-smoothing-batches": project({"kind": "spiral", "n": 150, "noise": 0.05, "test_fraction": 0.2},
                                        sequential(linear(2, 16), {"type": "ReLU"}, linear(16, 16), {"type": "ReLU"},
                                                   linear(16, 2)),
                                        {"optimizer": "Adam", "lr": 0.02, "loss": "CrossEntropyLoss",
                                         "label_smoothing": 0.1, "epochs": 20, "batch_size": 32}, seed=4),
    "blobs-nll": project({"kind": "blobs", "n": 120, "classes": 4, "noise": 0.2},
                         sequential(linear(2, 8), {"type": "ReLU"}, linear(8, 4), {"type": "LogSoftmax", "dim": 1}),
                         {"lr": 0.2, "momentum": 0.5, "loss": "NLLLoss", "epochs": 20, "batch_size": 50}, seed=2),
    "circle-bce-with-logits": project({"kind": "circle", "n": 160, "noise": 0.1, "test_fraction": 0.25,
                                       "float_targets": True},
                                      sequential(linear(2, 8), {"type": "Tanh"}, linear(8, 1)),
                                      {"optimizer": "Adam", "lr": 0.05, "loss": "BCEWithLogitsLoss", "epochs": 20},
                                      seed=5),
    "moons-bce": project({"kind": "moons", "n": 100, "noise": 0.1, "float_targets": True},
                         sequential(linear(2, 8), {"type": "ReLU"}, linear(8, 1), {"type": "Sigmoid"}),
                         {"lr": 0.5, "loss": "BCELoss", "epochs": 20, "batch_size": 16}, seed=6),
}


def run(name, proj):
    model, data = build_split(proj)
    t = proj["training"]
    optimizer = make_optimizer(model, t)
    fn = loss_fn(t["loss"], t.get("label_smoothing", 0.0))
    rule = RULES[t["loss"]]
    x, y, x_test, y_test = data["x"], data["y"], data["x_test"], data["y_test"]
    if proj["data"].get("float_targets"):
        y = y.float().unsqueeze(1)
        y_test = None if y_test is None else y_test.float().unsqueeze(1)
    batch = t.get("batch_size", 0)
    losses, test_losses, accuracies, test_accuracies = [], [], [], []
    for _ in range(t["epochs"]):
        correct = 0
        if 0 < batch < len(x):
            order = torch.randperm(len(x))
            total, batches = 0.0, 0
            for start in range(0, len(x), batch):
                idx = order[start:start + batch]
                y_hat = model(x[idx])
                loss = fn(y_hat, y[idx])
                correct += rule(y_hat, y[idx])
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                total, batches = total + loss.item(), batches + 1
            losses.append(total / batches)
        else:
            y_hat = model(x)
            loss = fn(y_hat, y)
            correct += rule(y_hat, y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        accuracies.append(correct / len(x))
        if x_test is not None:
            with torch.no_grad():
                y_hat = model(x_test)
                test_losses.append(fn(y_hat, y_test).item())
                test_accuracies.append(rule(y_hat, y_test) / len(x_test))
    return {"name": name, "project": proj, "losses": losses, "test_losses": test_losses,
            "accuracies": accuracies, "test_accuracies": test_accuracies}


# ---------------------------------------------------------------- messages

def message(name, loss, x_shape, target, label_smoothing=0.0):
    """target: ("classes", n, values) for a LongTensor (n,), or ("floats",
    shape) for floats"""
    x = torch.rand(*x_shape)
    if target[0] == "classes":
        t = torch.tensor(target[2])
    else:
        t = torch.rand(*target[1])
    try:
        loss_fn(loss, label_smoothing)(x, t)
    except Exception as e:  # the message is the golden
        return {"name": name, "loss": loss, "x_shape": list(x_shape), "target": target[0],
                "target_shape": list(t.shape), "target_values": t.reshape(-1).tolist(),
                "label_smoothing": label_smoothing, "message": str(e).split("\n")[0]}
    raise AssertionError(f"{name}: PyTorch took it")


MESSAGES = [
    message("ce-target-out-of-range", "CrossEntropyLoss", (4, 3), ("classes", 4, [0, 1, 3, 1])),
    message("ce-target-for-one-output", "CrossEntropyLoss", (4, 1), ("classes", 4, [0, 1, 1, 0])),
    message("ce-float-target-column", "CrossEntropyLoss", (4, 3), ("floats", (4, 1))),
    message("nll-target-out-of-range", "NLLLoss", (5, 2), ("classes", 5, [0, 1, 2, 1, 0])),
    message("nll-float-target-column", "NLLLoss", (4, 3), ("floats", (4, 1))),
    message("bce-with-logits-class-indices", "BCEWithLogitsLoss", (4, 1), ("classes", 4, [0, 1, 1, 0])),
    message("bce-with-logits-two-outputs", "BCEWithLogitsLoss", (4, 2), ("floats", (4, 1))),
    message("bce-class-indices", "BCELoss", (4, 1), ("classes", 4, [0, 1, 1, 0])),
]
# BCELoss on logits, not probabilities
_x = torch.tensor([[0.5], [1.5], [0.2], [0.1]])
try:
    nn.BCELoss()(_x, torch.tensor([[0.0], [1.0], [1.0], [0.0]]))
except RuntimeError as e:
    MESSAGES.append({"name": "bce-input-outside-0-1", "loss": "BCELoss", "x_shape": [4, 1], "x": _x.reshape(-1).tolist(),
                     "target": "floats", "target_shape": [4, 1], "target_values": [0.0, 1.0, 1.0, 0.0],
                     "label_smoothing": 0.0, "message": str(e).split("\n")[0]})


# torch.sigmoid's last n % 16 floats go through the C library's exp, the
# others through SLEEF's: the same values alone (all tail) and in a long
# tensor (all vector), where some of them differ in the last bit
_g = torch.Generator().manual_seed(11)
_xs = torch.randn(4096, generator=_g) * 6
_tail = torch.cat([torch.sigmoid(_xs[i:i + 15]) for i in range(0, 4096 - 15, 15)])
_vector = torch.sigmoid(_xs)[:len(_tail)]
_differ = (_tail != _vector).nonzero().reshape(-1)
SIGMOID = {"x": bits(_xs[:15 * 16]), "alone_15": bits(_tail[:15 * 16]), "in_4096": bits(_vector[:15 * 16]),
           "differ": len(_differ[_differ < 15 * 16])}


def main():
    out = {"torch": torch.__version__, "sigmoid": SIGMOID,
           "format": "float32 bits as 8 hex digits; class indices, losses and accuracies as Python floats",
           "units": UNITS, "runs": [run(name, proj) for name, proj in RUNS.items()], "messages": MESSAGES}
    path = os.path.join(HERE, "..", "data", "class-loss-golden.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    for r in out["runs"]:
        print(f"{r['name']}: last loss {r['losses'][-1]!r}, accuracy {r['accuracies'][-1]!r}")
    for m in MESSAGES:
        print(f"{m['name']}: {m['message']}")
    print(f"sigmoid: {SIGMOID['differ']} of 240 differ between the tail and the vectors")


if __name__ == "__main__":
    main()
