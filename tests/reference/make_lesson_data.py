#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Golden data sets for tests/test-dataset.c and tests/test-project.c,
drawn by real PyTorch.

The Day 2 page draws its data with these lines, right after
torch.manual_seed(0):

    regression:  X = torch.rand(100, 1) * 10
                 y = 3 * X + 2 + torch.randn(100, 1) * 0.5
    sine:        X = torch.rand(200, 1) * 2 * math.pi
                 y = torch.sin(X) + 0.1 * torch.randn(200, 1)

NN Blocks' other generators (polynomial, step, sine-product) are written
here the way docs/file-format.md defines them, so the engine's versions of
those are held to PyTorch's bits too.

For the example projects in data/examples, the "recipes" section records
the initial parameters each one's recipe gives in PyTorch (seed, data,
optional reseed, construction, optional init), by their PyTorch names, so
that tests/test-project.c can check nnb_project_build bit for bit.

Every float32 is stored as the 8 hex digits of its bits (big-endian, as
struct.pack(">f") gives them), so the C test can demand bit identity.

Run with PyTorch 1.13 (Debian's /usr/bin/python3 has it):

    /usr/bin/python3 tests/reference/make_lesson_data.py

It writes tests/data/lesson-data.json next to this folder.
"""

import json
import math
import os
import re
import struct

# the PyTorch NN Blocks reproduces: OpenBLAS kernel, threads, ATen kernels
import nnb_pytorch_env  # noqa: E402,F401  (before torch and numpy load)

import torch

torch.set_num_threads(1)


def bits(t: torch.Tensor) -> list:
    values = t.detach().to(torch.float32).contiguous().reshape(-1).tolist()
    return ["%08x" % struct.unpack(">I", struct.pack(">f", v))[0] for v in values]


def entry(code: str, spec: dict) -> dict:
    """Runs code (which must set X and y) and records its tensors."""
    scope = {"torch": torch, "math": math}
    exec(code, scope)
    X, y = scope["X"], scope["y"]
    return {
        "code": code,
        "spec": spec,
        "x_shape": list(X.shape),
        "x": bits(X),
        "y": bits(y),
    }


CASES = {
    # the page's Stage 1
    "regression": (
        "torch.manual_seed(0)\n"
        "X = torch.rand(100, 1) * 10\n"
        "y = 3 * X + 2 + torch.randn(100, 1) * 0.5\n",
        {"kind": "line", "n": 100, "a": 3, "b": 2, "noise": 0.5, "x_max": 10},
    ),
    # the page's exercise
    "sine": (
        "torch.manual_seed(0)\n"
        "X = torch.rand(200, 1) * 2 * math.pi\n"
        "y = torch.sin(X) + 0.1 * torch.randn(200, 1)\n",
        {"kind": "sine", "n": 200, "noise": 0.1, "x_max": 2 * math.pi},
    ),
    # a parabola (x - 1)(x - 3) on [0, 4)
    "polynomial": (
        "torch.manual_seed(0)\n"
        "X = torch.rand(100, 1) * 4\n"
        "y = 1 * (X * X) + -4 * X + 3 + torch.randn(100, 1) * 0.2\n",
        {"kind": "polynomial", "n": 100, "a": 1, "b": -4, "c": 3, "noise": 0.2, "x_max": 4},
    ),
    # 0 below x_max / 2, 1 from there on
    "step": (
        "torch.manual_seed(0)\n"
        "X = torch.rand(100, 1) * 10\n"
        "y = (X >= 10 / 2).float() + torch.randn(100, 1) * 0.1\n",
        {"kind": "step", "n": 100, "noise": 0.1, "x_max": 10},
    ),
    # the residual MLP's data: three inputs, no noise by default
    "sine_product": (
        "torch.manual_seed(0)\n"
        "X = torch.randn(1024, 3)\n"
        "y = torch.sin(X[:, 0:1] * X[:, 1:2]) + X[:, 2:3]\n",
        {"kind": "sine-product", "n": 1024, "noise": 0},
    ),
    # the same with noise: drawn after X
    "sine_product_noisy": (
        "torch.manual_seed(7)\n"
        "X = torch.randn(50, 3)\n"
        "y = torch.sin(X[:, 0:1] * X[:, 1:2]) + X[:, 2:3] + torch.randn(50, 1) * 0.1\n",
        {"kind": "sine-product", "n": 50, "noise": 0.1, "seed": 7},
    ),
}


MODELS = """
import torch.nn as nn

class MLP(nn.Module):
    def __init__(self, in_dim, hidden, out_dim):
        super().__init__()
        self.fc1 = nn.Linear(in_dim, hidden)
        self.fc2 = nn.Linear(hidden, hidden)
        self.head = nn.Linear(hidden, out_dim)
        self.act = nn.ReLU()

    def forward(self, x):
        h = self.act(self.fc1(x))
        h = self.act(self.fc2(h)) + h
        return self.head(h)

class SineNet(nn.Module):
    def __init__(self, hidden=64):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(1, hidden), nn.Tanh(),
            nn.Linear(hidden, hidden), nn.Tanh(),
            nn.Linear(hidden, 1))

    def forward(self, x):
        return self.net(x)

def init_weights(m):
    if isinstance(m, nn.Linear):
        nn.init.xavier_uniform_(m.weight)
        nn.init.zeros_(m.bias)
"""

# example file -> the PyTorch program its recipe stands for
RECIPES = {
    "regression.nnb": (
        "torch.manual_seed(0)\n"
        "X = torch.rand(100, 1) * 10\n"
        "y = 3 * X + 2 + torch.randn(100, 1) * 0.5\n"
        "model = nn.Linear(1, 1)\n"
    ),
    "sine-linear.nnb": (
        "torch.manual_seed(0)\n"
        "X = torch.rand(200, 1) * 2 * math.pi\n"
        "y = torch.sin(X) + 0.1 * torch.randn(200, 1)\n"
        "torch.manual_seed(0)\n"
        "model = nn.Linear(1, 1)\n"
    ),
    "sinenet.nnb": (
        "torch.manual_seed(0)\n"
        "X = torch.rand(200, 1) * 2 * math.pi\n"
        "y = torch.sin(X) + 0.1 * torch.randn(200, 1)\n"
        "model = SineNet()\n"
        "model.apply(init_weights)\n"
    ),
    "sequential.nnb": (
        "torch.manual_seed(0)\n"
        "X = torch.randn(1024, 3)\n"
        "y = torch.sin(X[:, 0:1] * X[:, 1:2]) + X[:, 2:3]\n"
        "model = nn.Sequential(nn.Linear(3, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 1))\n"
    ),
    "mlp-residual.nnb": (
        "torch.manual_seed(0)\n"
        "X = torch.randn(1024, 3)\n"
        "y = torch.sin(X[:, 0:1] * X[:, 1:2]) + X[:, 2:3]\n"
        "model = MLP(3, 16, 1)\n"
        "torch.manual_seed(42)\n"
        "model.apply(init_weights)\n"
    ),
}


def recipe(code: str) -> dict:
    scope = {"torch": torch, "math": math}
    exec(MODELS, scope)
    exec(code, scope)
    params = {name: {"shape": list(p.shape), "bits": bits(p)}
              for name, p in scope["model"].named_parameters()}
    # the next draw tells where the recipe left the generator
    return {"code": code, "parameters": params, "next_rand": bits(torch.rand(1))[0]}


def main() -> None:
    out = {
        "generator": "tests/reference/make_lesson_data.py",
        "torch_version": torch.__version__,
        "encoding": "float32 bits as 8 hex digits, row-major",
    }
    for name, (code, spec) in CASES.items():
        out[name] = entry(code, spec)
    out["recipes"] = {name: recipe(code) for name, code in RECIPES.items()}
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "..", "data", "lesson-data.json")
    text = json.dumps(out, indent=1)
    # lists of numbers and bit patterns on one line each: a smaller, calmer diff
    text = re.sub(r"\[\s+((?:(?:\"[0-9a-f]{8}\"|\d+),\s+)*(?:\"[0-9a-f]{8}\"|\d+))\s+\]",
                  lambda m: "[" + re.sub(r",\s+", ", ", m.group(1)) + "]", text)
    with open(path, "w") as f:
        f.write(text + "\n")
    print("wrote", os.path.normpath(path))


if __name__ == "__main__":
    main()
