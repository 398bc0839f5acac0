#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Golden bits for tests/test-cat-mul.c, computed by real PyTorch 1.13.

A model with both multi-input nodes, torch.cat along dim 1 (two branches,
then the model's input beside a value) and a * b (a gate):

    a = tanh(fc_a(x)); b = tanh(fc_b(x))
    h = torch.cat([a, b], dim=1)          # (8, 9)
    m = h * torch.sigmoid(gate(x))        # (8, 9)
    z = torch.cat([m, x], dim=1)          # (8, 12)
    return head(z)

on 8 points with MSELoss: the output and every .grad after one backward.
And the messages of torch.cat and of `*` for shapes that disagree.

Then ("three") a cat of three tensors, and one that lists a value twice:

    a = tanh(fc_a(x)); b = tanh(fc_b(x))
    h = torch.cat([a, b, x], dim=1)       # (8, 12)
    z = torch.cat([a, h, a], dim=1)       # (8, 20)
    return head(z)

with torch.cat's messages for lists of three (which tensor number is
named).

Float32 values are 8-hex-digit bit patterns ("3e8a1c2b").

    /usr/bin/python3 tests/reference/make_cat_mul_golden.py

writes tests/data/cat-mul-golden.json next to this folder.
"""

import json
import os
import struct

import nnb_pytorch_env  # noqa: E402,F401  (before torch and numpy load)

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

torch.set_num_threads(1)


def bits(t: torch.Tensor) -> list:
    t = t.detach().to(torch.float32).contiguous().reshape(-1)
    return ["%08x" % struct.unpack("<I", struct.pack("<f", v))[0] for v in t.tolist()]


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc_a = nn.Linear(3, 4)
        self.fc_b = nn.Linear(3, 5)
        self.gate = nn.Linear(3, 9)
        self.head = nn.Linear(12, 1)
        self.act = nn.Tanh()
        self.sig = nn.Sigmoid()

    def forward(self, x):
        h = torch.cat([self.act(self.fc_a(x)), self.act(self.fc_b(x))], dim=1)
        m = h * self.sig(self.gate(x))
        return self.head(torch.cat([m, x], dim=1))


class Net3(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc_a = nn.Linear(3, 4)
        self.fc_b = nn.Linear(3, 5)
        self.head = nn.Linear(20, 1)
        self.act = nn.Tanh()

    def forward(self, x):
        a = self.act(self.fc_a(x))
        h = torch.cat([a, self.act(self.fc_b(x)), x], dim=1)
        return self.head(torch.cat([a, h, a], dim=1))


def message(f) -> str:
    try:
        f()
    except (RuntimeError, IndexError) as e:
        return str(e)
    raise AssertionError("no error")


def main() -> None:
    torch.manual_seed(11)
    model = Net()
    x = torch.randn(8, 3) * 2
    target = torch.randn(8, 1)
    out = model(x)
    loss = nn.MSELoss()(out, target)
    loss.backward()
    z = torch.zeros
    golden = {
        "torch": torch.__version__,
        "x": bits(x), "target": bits(target),
        "initial": {n: bits(p) for n, p in model.named_parameters()},
        "output": bits(out),
        "grad": {n: bits(p.grad) for n, p in model.named_parameters()},
        # [a's shape, b's shape, message]
        "cat_errors": [
            [[5, 3], [4, 3], message(lambda: torch.cat([z(5, 3), z(4, 3)], dim=1))],
            [[5, 3], [5], message(lambda: torch.cat([z(5, 3), z(5)], dim=1))],
            [[5], [5], message(lambda: torch.cat([z(5), z(5)], dim=1))],
            [[5, 3, 2], [5, 4, 3], message(lambda: torch.cat([z(5, 3, 2), z(5, 4, 3)], dim=1))],
        ],
        "mul_errors": [
            [[5, 3], [5, 4], message(lambda: z(5, 3) * z(5, 4))],
            [[5, 3], [4, 3], message(lambda: z(5, 3) * z(4, 3))],
        ],
    }
    golden["three"] = three_inputs()
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "cat-mul-golden.json")
    with open(path, "w") as f:
        json.dump(golden, f, indent=1)
        f.write("\n")


def three_inputs() -> dict:
    torch.manual_seed(12)
    model = Net3()
    x = torch.randn(8, 3) * 2
    target = torch.randn(8, 1)
    out = model(x)
    nn.MSELoss()(out, target).backward()
    z = torch.zeros
    return {
        "x": bits(x), "target": bits(target),
        "initial": {n: bits(p) for n, p in model.named_parameters()},
        "output": bits(out),
        "grad": {n: bits(p.grad) for n, p in model.named_parameters()},
        # [[shapes of the tensors in the list], message]
        "cat_errors": [
            [[[5, 3], [5, 2], [4, 3]], message(lambda: torch.cat([z(5, 3), z(5, 2), z(4, 3)], dim=1))],
            [[[5, 3], [4, 2], [4, 3]], message(lambda: torch.cat([z(5, 3), z(4, 2), z(4, 3)], dim=1))],
            [[[5, 3], [5, 2], [5]], message(lambda: torch.cat([z(5, 3), z(5, 2), z(5)], dim=1))],
            [[[5, 3, 2], [5, 2, 3], [4, 2, 2]],
             message(lambda: torch.cat([z(5, 3, 2), z(5, 2, 3), z(4, 2, 2)], dim=1))],
            [[[5, 3, 2], [5, 2, 2], [5, 1, 3]],
             message(lambda: torch.cat([z(5, 3, 2), z(5, 2, 2), z(5, 1, 3)], dim=1))],
        ],
    }


if __name__ == "__main__":
    main()
