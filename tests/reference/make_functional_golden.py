#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Golden bits for tests/test-functional.c, computed by real PyTorch 1.13.

A model whose forward calls functional activations (torch.relu, F.relu,
torch.tanh, F.tanh, torch.sigmoid, F.sigmoid, F.gelu, F.leaky_relu with a
slope, torch.softmax, F.softmax, torch.log_softmax, F.log_softmax), none
registered as a module. The model's code is in the golden file ("source"):
the C test reads the very same text with the Python reader.

Written: print(model), the parameter count, the trace a forward hook on
every leaf module prints (a function has no hook), the initial
parameters, and five SGD steps (lr 0.1, MSELoss) on 8 points: each
step's loss and the parameters after the last.

Float32 values are 8-hex-digit bit patterns ("3e8a1c2b").

    /usr/bin/python3 tests/reference/make_functional_golden.py

writes tests/data/functional-golden.json next to this folder.
"""

import json
import os
import struct
import warnings

import nnb_pytorch_env  # noqa: E402,F401  (before torch and numpy load)

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

torch.set_num_threads(1)

SOURCE = '''import torch
from torch import nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(3, 8)
        self.fc2 = nn.Linear(8, 8)
        self.head = nn.Linear(8, 2)

    def forward(self, x):
        h = torch.relu(self.fc1(x))
        a = F.leaky_relu(self.fc2(h), negative_slope=0.1)
        b = torch.tanh(a) * torch.sigmoid(a) + F.gelu(a)
        c = F.softmax(b, dim=1) + F.relu(b) + F.tanh(b) + F.sigmoid(b)
        c = c + torch.softmax(b, 1) + torch.log_softmax(b, dim=-1)
        return F.log_softmax(self.head(c), dim=1)
'''


def bits(t: torch.Tensor) -> list:
    t = t.detach().to(torch.float32).contiguous().reshape(-1)
    return ["%08x" % struct.unpack("<I", struct.pack("<f", v))[0] for v in t.tolist()]


def trace(model, x) -> list:
    lines = []

    def hook(module, inputs, output):
        lines.append(f"{module.__class__.__name__:8s} -> {tuple(output.shape)}")

    handles = [m.register_forward_hook(hook) for m in model.modules() if not list(m.children())]
    model(x)
    for h in handles:
        h.remove()
    return lines


def main() -> None:
    scope = {}
    exec(SOURCE, scope)
    warnings.simplefilter("ignore")  # F.tanh and F.sigmoid are deprecated aliases
    torch.manual_seed(5)
    model = scope["Net"]()
    x = torch.randn(8, 3)
    target = torch.randn(8, 2)
    golden = {
        "torch": torch.__version__,
        "source": SOURCE,
        "repr": str(model),
        "parameters": sum(p.numel() for p in model.parameters()),
        "state_dict": list(model.state_dict().keys()),
        "trace": trace(model, x[:5]),
        "x": bits(x),
        "target": bits(target),
        "initial": {n: bits(p) for n, p in model.named_parameters()},
    }
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    losses = []
    for _ in range(5):
        optimizer.zero_grad()
        loss = nn.MSELoss()(model(x), target)
        loss.backward()
        optimizer.step()
        losses.append(bits(loss)[0])
    golden["losses"] = losses
    golden["final"] = {n: bits(p) for n, p in model.named_parameters()}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "functional-golden.json")
    with open(path, "w") as f:
        json.dump(golden, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
