#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Golden bits for tests/test-softmax.c, computed by real PyTorch 1.13.

- kernel cases: torch.softmax and torch.log_softmax over dim 1 of (ROWS, F)
  tensors, and their backward passes for a given upstream gradient dy, for
  F = 1, 2, 3, 7 (fewer than one 8-float vector: summed one by one), 8 (one
  vector), 9, 16, 33, 100 (vectors and a tail); each F with ordinary values
  and with large ones (around 1000, where exp overflows unless the maximum
  is subtracted first); one case with -inf entries (a masked class);
- models: nn.Sequential(Linear(2, 3), Softmax(dim=1)) and
  nn.Sequential(Linear(2, 3), LogSoftmax(dim=1)) on 8 points with
  MSELoss and SGD(lr=0.5): the output and every .grad after the first
  backward, then the loss and every parameter after each of 3 steps.

Float32 values are 8-hex-digit bit patterns ("3e8a1c2b").

    /usr/bin/python3 tests/reference/make_softmax_golden.py

writes tests/data/softmax-golden.json next to this folder.
"""

import json
import os
import struct

# the PyTorch NN Blocks reproduces: OpenBLAS kernel, threads, ATen kernels
import nnb_pytorch_env  # noqa: E402,F401  (before torch and numpy load)

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

torch.set_num_threads(1)

ROWS = 5
WIDTHS = (1, 2, 3, 7, 8, 9, 16, 33, 100)


def bits(t: torch.Tensor) -> list:
    t = t.detach().to(torch.float32).contiguous().reshape(-1)
    return ["%08x" % struct.unpack("<I", struct.pack("<f", v))[0] for v in t.tolist()]


def kernel_case(x: torch.Tensor, dy: torch.Tensor, label: str) -> dict:
    x = x.contiguous().requires_grad_(True)
    y = torch.softmax(x, 1)
    (dx,) = torch.autograd.grad(y, x, dy)
    log_y = torch.log_softmax(x, 1)
    (log_dx,) = torch.autograd.grad(log_y, x, dy)
    rows, cols = x.shape
    return {"label": label, "rows": rows, "cols": cols, "x": bits(x), "dy": bits(dy),
            "softmax": bits(y), "softmax_dx": bits(dx), "log_softmax": bits(log_y), "log_softmax_dx": bits(log_dx)}


def kernel_cases(gen: torch.Generator) -> list:
    cases = []
    for cols in WIDTHS:
        x = torch.randn(ROWS, cols, generator=gen) * 3
        cases.append(kernel_case(x, torch.randn(ROWS, cols, generator=gen), "ordinary"))
        # exp(1000) is inf in float32: only x − max keeps these finite
        x = torch.randn(ROWS, cols, generator=gen) * 40 + 1000
        cases.append(kernel_case(x, torch.randn(ROWS, cols, generator=gen), "large"))
    x = torch.randn(3, 9, generator=gen) * 2
    x[0, 2] = x[1, 0] = x[1, 8] = x[2, 3] = float("-inf")
    cases.append(kernel_case(x, torch.randn(3, 9, generator=gen), "masked"))
    return cases


def model_case(head: type) -> dict:
    torch.manual_seed(7)
    model = nn.Sequential(nn.Linear(2, 3), head(dim=1))
    x = torch.randn(8, 2) * 2
    # one-hot targets: which of three classes each point is
    target = nn.functional.one_hot(torch.randint(0, 3, (8,)), 3).float()
    opt = torch.optim.SGD(model.parameters(), lr=0.5)
    case = {"head": head.__name__, "lr": 0.5, "x": bits(x), "target": bits(target),
            "initial": {n: bits(p) for n, p in model.named_parameters()}, "steps": []}
    for step in range(3):
        opt.zero_grad()
        out = model(x)
        loss = nn.MSELoss()(out, target)
        loss.backward()
        if step == 0:
            case["output"] = bits(out)
            case["grad"] = {n: bits(p.grad) for n, p in model.named_parameters()}
        opt.step()
        case["steps"].append({"loss": bits(loss), "after": {n: bits(p) for n, p in model.named_parameters()}})
    return case


def main() -> None:
    gen = torch.Generator().manual_seed(11)
    out = {"torch": torch.__version__, "kernels": kernel_cases(gen),
           "models": [model_case(nn.Softmax), model_case(nn.LogSoftmax)]}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "softmax-golden.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
