#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Golden bits for tests/test-layer-norm.c, computed by real PyTorch 1.13.

- kernel cases: torch.native_layer_norm and its backward on given x,
  weight, bias and dy, for widths below one 8-float vector, exactly one,
  with a tail, and long enough for several Welford chunks; and one without
  weight and bias (elementwise_affine=False): the output, mean, rstd, and
  the input, weight and bias gradients;
- a model: nn.Sequential(Linear(3, 19), LayerNorm(19), Tanh(), Linear(19, 1))
  on 8 points with MSELoss and SGD(lr=0.1): the output and every .grad after
  the first backward, then the loss and every parameter after each of 3 steps.

Float32 values are 8-hex-digit bit patterns ("3e8a1c2b").

    /usr/bin/python3 tests/reference/make_layer_norm_golden.py

writes tests/data/layer-norm-golden.json next to this folder.
"""

import json
import os
import struct

# the PyTorch NN Blocks reproduces: OpenBLAS kernel, threads, ATen kernels
import nnb_pytorch_env  # noqa: E402,F401  (before torch and numpy load)

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

# LayerNorm's weight and bias gradients are summed per thread, then across
# threads: one thread fixes the order
torch.set_num_threads(1)

ROWS = 6
EPS = 1e-5


def bits(t: torch.Tensor) -> list:
    t = t.detach().to(torch.float32).contiguous().reshape(-1)
    return ["%08x" % struct.unpack("<I", struct.pack("<f", v))[0] for v in t.tolist()]


def kernel_case(cols: int, affine: bool, gen: torch.Generator) -> dict:
    # an offset mean and a spread: the moments' rounding shows
    x = torch.randn(ROWS, cols, generator=gen) * 3 + 1.5
    weight = torch.randn(cols, generator=gen) if affine else None
    bias = torch.randn(cols, generator=gen) if affine else None
    dy = torch.randn(ROWS, cols, generator=gen)
    y, mean, rstd = torch.native_layer_norm(x, [cols], weight, bias, EPS)
    dx, dw, db = torch.ops.aten.native_layer_norm_backward(
        dy, x, [cols], mean, rstd, weight, bias, [True, affine, affine])
    case = {"rows": ROWS, "cols": cols, "eps": EPS, "affine": affine,
            "x": bits(x), "dy": bits(dy), "y": bits(y), "mean": bits(mean), "rstd": bits(rstd), "dx": bits(dx)}
    if affine:
        case.update(weight=bits(weight), bias=bits(bias), dweight=bits(dw), dbias=bits(db))
    return case


def model_case() -> dict:
    torch.manual_seed(5)
    model = nn.Sequential(nn.Linear(3, 19), nn.LayerNorm(19), nn.Tanh(), nn.Linear(19, 1))
    with torch.no_grad():
        # weight and bias off their ones and zeros, so both matter
        model[1].weight.uniform_(0.5, 1.5)
        model[1].bias.uniform_(-0.5, 0.5)
    x = torch.randn(8, 3) * 2
    target = torch.randn(8, 1)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    case = {"lr": 0.1, "x": bits(x), "target": bits(target),
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
    gen = torch.Generator().manual_seed(3)
    kernels = [kernel_case(cols, True, gen) for cols in (3, 8, 19, 40, 300)]
    kernels.append(kernel_case(19, False, gen))
    kernels.append(kernel_case(4, False, gen))
    out = {"torch": torch.__version__, "kernels": kernels, "model": model_case()}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "layer-norm-golden.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
