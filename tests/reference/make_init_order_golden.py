#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Golden bits for the order of draws in model construction and model.apply,
for tests/test-init.c: the page's MLP (fc1: Linear(3, 16), fc2: Linear(16,
16), head: Linear(16, 1), act: ReLU) built after torch.manual_seed(seed)
(each Linear: weight, then bias), then, after manual_seed(seed + 1),

    def init(m):
        if isinstance(m, nn.Linear):
            weight_init(m.weight); bias_init(m.bias)
    model.apply(init)

with both inits random, so drawing a bias before its weight (or a layer out
of order) changes every number. Bits are 8 hex digits per float32.

    /usr/bin/python3 tests/reference/make_init_order_golden.py

writes tests/data/init-order-golden.json next to this folder.
"""

import json
import os
import struct

# the PyTorch NN Blocks reproduces: OpenBLAS kernel, threads, ATen kernels
import nnb_pytorch_env  # noqa: E402,F401  (before torch and numpy load)

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(3, 16)
        self.fc2 = nn.Linear(16, 16)
        self.head = nn.Linear(16, 1)
        self.act = nn.ReLU()


def bits(t: torch.Tensor) -> list:
    t = t.detach().to(torch.float32).contiguous().reshape(-1)
    return ["%08x" % struct.unpack("<I", struct.pack("<f", v))[0] for v in t.tolist()]


def params(model: nn.Module) -> dict:
    return {name: bits(p) for name, p in model.named_parameters()}


INITS = [
    ("xavier_uniform_", "uniform_", nn.init.xavier_uniform_, nn.init.uniform_),
    ("kaiming_normal_", "normal_", nn.init.kaiming_normal_, nn.init.normal_),
    ("normal_", "uniform_", nn.init.normal_, nn.init.uniform_),
]


def main():
    cases = []
    for seed in (0, 5):
        torch.manual_seed(seed)
        model = MLP()
        constructed = params(model)
        for weight_name, bias_name, weight_init, bias_init in INITS:
            torch.manual_seed(seed)
            model = MLP()
            torch.manual_seed(seed + 1)

            def init(m):
                if isinstance(m, nn.Linear):
                    weight_init(m.weight)
                    bias_init(m.bias)

            model.apply(init)
            cases.append({"seed": seed, "weight": weight_name, "bias": bias_name,
                          "constructed": constructed, "applied": params(model)})
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "init-order-golden.json")
    with open(path, "w") as f:
        json.dump({"torch": torch.__version__, "cases": cases}, f)
        f.write("\n")
    print("wrote", os.path.normpath(path))


if __name__ == "__main__":
    main()
