#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Golden bits for tests/test-gelu-parity.c, computed by real PyTorch 1.13.

PyTorch 1.13 hands a contiguous float tensor of more than one element to
oneDNN's gelu_erf kernel (forward and backward), and a one-element tensor
to ATen's own scalar code; the two differ in the last bits.

- sweep: GELU forward and backward of one tensor of N = 100000 values
  spread evenly over [-10, 10] (x_i = -10 + 20 i / (N - 1) in double,
  rounded to float), then the special values below, with upstream
  gradient dy_i = -1 + 2 ((i * 7919) mod N) / N; the C test builds the
  same inputs. Written: SHA-256 of the outputs' little-endian float32
  bytes, and the bits of every 97th value (and every special) to name
  the first difference;
- single: 64 one-element tensors (x = -6 + 0.19 k, dy = 0.37), ATen's path;
- model: Linear(2, 8) -> GELU -> Linear(8, 1) from manual_seed(3), five
  full-batch SGD steps (lr 0.1, MSELoss) on 8 points: each loss and the
  parameters after the last.

Float32 values are 8-hex-digit bit patterns ("3e8a1c2b").

    /usr/bin/python3 tests/reference/make_gelu_golden.py

writes tests/data/gelu-golden.json next to this folder.
"""

import hashlib
import json
import os
import struct

import nnb_pytorch_env  # noqa: E402,F401  (before torch and numpy load)

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

torch.set_num_threads(1)

N = 100000
STRIDE = 97
SPECIALS = ["00000000", "80000000", "322bcc77", "b22bcc77", "00000001", "80000001", "3f800000", "bf800000",
            "40a00000", "c0a00000", "41200000", "c1200000", "41500000", "c1500000", "41540000", "c1540000",
            "41600000", "c1600000", "41a00000", "c1a00000", "7f7fffff", "ff7fffff", "7f800000", "ff800000",
            "7fc00000", "00800000", "3e800000", "be800000"]

SOURCE = '''import torch
from torch import nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(2, 8)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(8, 1)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))
'''


def bits(t: torch.Tensor) -> list:
    t = t.detach().to(torch.float32).contiguous().reshape(-1)
    return ["%08x" % struct.unpack("<I", struct.pack("<f", v))[0] for v in t.tolist()]


def of_hex(h: str) -> float:
    return struct.unpack("<f", bytes.fromhex(h)[::-1])[0]


def sha256(t: torch.Tensor) -> str:
    return hashlib.sha256(t.detach().contiguous().numpy().astype("<f4").tobytes()).hexdigest()


def sweep() -> dict:
    xs = [-10.0 + 20.0 * i / (N - 1) for i in range(N)] + [of_hex(h) for h in SPECIALS]
    n = len(xs)
    x = torch.tensor(xs, dtype=torch.float32, requires_grad=True)
    dy = torch.tensor([-1.0 + 2.0 * ((i * 7919) % N) / N for i in range(n)], dtype=torch.float32)
    y = nn.GELU()(x)
    (dx,) = torch.autograd.grad(y, x, dy)
    picked = list(range(0, N, STRIDE)) + list(range(N, n))
    yb, dxb = bits(y), bits(dx)
    return {"n": N, "specials": SPECIALS, "stride": STRIDE, "y_sha256": sha256(y), "dx_sha256": sha256(dx),
            "y": [yb[i] for i in picked], "dx": [dxb[i] for i in picked]}


def single() -> dict:
    out = {"x": [], "y": [], "dx": []}
    for k in range(64):
        x = torch.tensor([-6.0 + 0.19 * k], requires_grad=True)
        y = nn.GELU()(x)
        (dx,) = torch.autograd.grad(y, x, torch.tensor([0.37]))
        out["x"] += bits(x)
        out["y"] += bits(y)
        out["dx"] += bits(dx)
    return out


def model() -> dict:
    scope = {}
    exec(SOURCE, scope)
    torch.manual_seed(3)
    net = scope["Net"]()
    x = torch.randn(8, 2) * 2
    target = torch.randn(8, 1)
    golden = {"source": SOURCE, "x": bits(x), "target": bits(target),
              "initial": {n: bits(p) for n, p in net.named_parameters()}}
    optimizer = torch.optim.SGD(net.parameters(), lr=0.1)
    losses = []
    for _ in range(5):
        optimizer.zero_grad()
        loss = nn.MSELoss()(net(x), target)
        loss.backward()
        optimizer.step()
        losses.append(bits(loss)[0])
    golden["losses"] = losses
    golden["final"] = {n: bits(p) for n, p in net.named_parameters()}
    return golden


def main() -> None:
    golden = {"torch": torch.__version__, "sweep": sweep(), "single": single(), "model": model()}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "gelu-golden.json")
    with open(path, "w") as f:
        json.dump(golden, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
