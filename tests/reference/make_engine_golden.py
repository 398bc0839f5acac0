#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Golden numbers for tests/test-optimizer.c, computed by real PyTorch.

The page's MLP(3, 16, 1) (fc1 -> act -> fc2 -> act, + skip, -> head) starts
from torch.manual_seed(0)'s weights; for each optimizer setting, K steps of

    pred = model(X); loss = loss_fn(pred, y)
    optimizer.zero_grad(); loss.backward(); optimizer.step()

are run and the loss of every step and the final parameters (by PyTorch
name) are recorded. The initial weights, X and y are written out too, so the
C test replays the same run without depending on the engine's generator.
The invalid hyper-parameters are tried on the real constructors and their
ValueError texts recorded.

Float32 values are written with 9 significant digits, which round-trips any
float32 exactly.

Run with PyTorch 1.13 (Debian's /usr/bin/python3 has it):

    /usr/bin/python3 tests/reference/make_engine_golden.py

It writes tests/data/engine-golden.json next to this folder.
"""

import json
import math
import os
import re

# the PyTorch NN Blocks reproduces: OpenBLAS kernel, threads, ATen kernels
import nnb_pytorch_env  # noqa: E402,F401  (before torch and numpy load)

import torch
import torch.nn as nn

STEPS = 5


class MLP(nn.Module):
    def __init__(self, in_dim: int, hidden: int, out_dim: int):
        super().__init__()
        self.fc1 = nn.Linear(in_dim, hidden)
        self.fc2 = nn.Linear(hidden, hidden)
        self.head = nn.Linear(hidden, out_dim)
        self.act = nn.ReLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.act(self.fc1(x))
        h = self.act(self.fc2(h)) + h
        return self.head(h)


def f32(value: float) -> float:
    """A float32 value as the shortest double that keeps its 9 digits."""
    return float("%.9g" % value)


def tensor_json(t: torch.Tensor) -> dict:
    t = t.detach().to(torch.float32).contiguous()
    return {"shape": list(t.shape), "values": [f32(v) for v in t.reshape(-1).tolist()]}


def optimizer_json(kind: str, **options) -> dict:
    full = {"kind": kind}
    if kind == "SGD":
        full.update(lr=0.01, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False)
    else:
        full.update(lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0)
    full.update(options)
    return full


def make_optimizer(params, o: dict):
    if o["kind"] == "SGD":
        return torch.optim.SGD(params, lr=o["lr"], momentum=o["momentum"], dampening=o["dampening"],
                               weight_decay=o["weight_decay"], nesterov=o["nesterov"])
    return torch.optim.Adam(params, lr=o["lr"], betas=(o["beta1"], o["beta2"]), eps=o["eps"],
                            weight_decay=o["weight_decay"])


RUNS = [
    # name, loss, optimizer settings, frozen parameters
    ("sgd", "MSELoss", optimizer_json("SGD", lr=0.1), []),
    ("sgd-momentum", "MSELoss", optimizer_json("SGD", lr=0.1, momentum=0.9), []),
    ("sgd-momentum-dampening", "MSELoss", optimizer_json("SGD", lr=0.1, momentum=0.9, dampening=0.1), []),
    ("sgd-weight-decay", "MSELoss", optimizer_json("SGD", lr=0.1, weight_decay=0.01), []),
    ("sgd-nesterov", "MSELoss", optimizer_json("SGD", lr=0.1, momentum=0.9, nesterov=True), []),
    ("adam", "MSELoss", optimizer_json("Adam", lr=0.01), []),
    ("adam-weight-decay", "MSELoss", optimizer_json("Adam", lr=0.01, weight_decay=0.01), []),
    ("sgd-l1-loss", "L1Loss", optimizer_json("SGD", lr=0.1), []),
    ("sgd-momentum-frozen-fc2-weight", "MSELoss", optimizer_json("SGD", lr=0.1, momentum=0.9), ["fc2.weight"]),
    ("adam-frozen-fc1-bias", "MSELoss", optimizer_json("Adam", lr=0.01), ["fc1.bias"]),
]

# Settings the constructors refuse; the engine must give the same text.
INVALID = [
    optimizer_json("SGD", lr=-0.1),
    optimizer_json("SGD", lr=0.1, momentum=-1.0),
    optimizer_json("SGD", lr=0.1, weight_decay=-0.01),
    optimizer_json("SGD", lr=0.1, nesterov=True),
    optimizer_json("SGD", lr=0.1, momentum=0.9, dampening=0.1, nesterov=True),
    optimizer_json("Adam", lr=-0.1),
    optimizer_json("Adam", lr=float("nan")),
    optimizer_json("Adam", lr=-1e-05),
    optimizer_json("Adam", beta1=1.0),
    optimizer_json("Adam", beta2=1.0),
    optimizer_json("Adam", beta1=-0.5),
    optimizer_json("Adam", eps=-1.0),
    optimizer_json("Adam", weight_decay=-0.01),
]


def run(name, loss_name, o, frozen, init, X, y):
    model = MLP(3, 16, 1)
    model.load_state_dict(init)
    params = dict(model.named_parameters())
    for p in frozen:
        params[p].requires_grad_(False)
    loss_fn = nn.MSELoss() if loss_name == "MSELoss" else nn.L1Loss()
    optimizer = make_optimizer(model.parameters(), o)
    losses = []
    for _ in range(STEPS):
        pred = model(X)
        loss = loss_fn(pred, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(f32(loss.item()))
    for p in frozen:
        assert torch.equal(params[p], init[p]), p
    return {
        "name": name,
        "loss": loss_name,
        "optimizer": o,
        "frozen": frozen,
        "losses": losses,
        "final_parameters": {n: tensor_json(p) for n, p in model.named_parameters()},
    }


def invalid_message(o):
    p = [nn.Parameter(torch.zeros(2))]
    try:
        make_optimizer(p, o)
    except ValueError as e:
        return str(e)
    raise AssertionError("PyTorch accepted %r" % o)


def json_value(v):
    # JSON has no NaN: hyper-parameters that are NaN are written as the string "nan"
    if isinstance(v, float) and math.isnan(v):
        return "nan"
    return v


def main():
    torch.manual_seed(0)
    model = MLP(3, 16, 1)
    X = torch.randn(8, 3)
    y = torch.randn(8, 1)
    init = {n: p.detach().clone() for n, p in model.state_dict().items()}

    golden = {
        "generator": "tests/reference/make_engine_golden.py",
        "torch_version": torch.__version__,
        "model": "MLP(3, 16, 1): h = act(fc1(x)); h = act(fc2(h)) + h; head(h), act = ReLU",
        "steps": STEPS,
        "initial_parameters": {n: tensor_json(t) for n, t in init.items()},
        "x": tensor_json(X),
        "y": tensor_json(y),
        "runs": [run(*r, init, X, y) for r in RUNS],
        "invalid_options": [
            {"optimizer": {k: json_value(v) for k, v in o.items()}, "message": invalid_message(o)}
            for o in INVALID
        ],
    }

    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "..", "data", "engine-golden.json")
    text = json.dumps(golden, indent=1)
    # one line per list of numbers, so the file reads (and diffs) by tensor
    text = re.sub(r"\[\s*([-+0-9.e,\s]+?)\s*\]",
                  lambda m: "[" + ", ".join(v.strip() for v in m.group(1).split(",")) + "]", text)
    with open(path, "w") as f:
        f.write(text + "\n")
    print("wrote", os.path.normpath(path))


if __name__ == "__main__":
    main()
