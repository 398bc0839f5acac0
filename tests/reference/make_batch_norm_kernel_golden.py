#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Golden bits for tests/test-batch-norm-parity.c, computed by real PyTorch 1.13.

- kernel cases: torch.native_batch_norm in training mode (the batch's
  statistics, updating running_mean and running_var in place) and its
  backward, then in eval mode with the updated running estimates and its
  backward, on given x, weight, bias, running estimates and dy, for
  (rows, features) shapes below one 8-float vector, exactly one, with a
  tail and several vectors, momentum 0.1 and 0.3, and without weight and
  bias (affine=False);
- a model: nn.Sequential(Linear(3, 6), BatchNorm1d(6), Tanh(), Linear(6, 1))
  and one with BatchNorm1d(6, momentum=None, affine=False) on 8 points with
  MSELoss and SGD(lr=0.1): the output and every .grad after the first
  backward, then the loss, every parameter and every buffer after each of
  3 steps, and the eval-mode output at the end;
- PyTorch's messages and reprs for the mistakes the engine reproduces.

Float32 values are 8-hex-digit bit patterns ("3e8a1c2b").

    /usr/bin/python3 tests/reference/make_batch_norm_kernel_golden.py

writes tests/data/batch-norm-kernel-golden.json next to this folder.
"""

import json
import os
import struct

# the PyTorch NN Blocks reproduces: OpenBLAS kernel, threads, ATen kernels
import nnb_pytorch_env  # noqa: E402,F401  (before torch and numpy load)

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

# the batch statistics are summed per thread, then across threads: one
# thread fixes the order
torch.set_num_threads(1)

EPS = 1e-5
SHAPES = [(2, 1), (3, 3), (5, 8), (6, 9), (17, 20), (64, 5), (7, 33), (100, 16)]


def bits(t: torch.Tensor) -> list:
    t = t.detach().to(torch.float32).contiguous().reshape(-1)
    return ["%08x" % struct.unpack("<I", struct.pack("<f", v))[0] for v in t.tolist()]


def kernel_case(rows: int, cols: int, momentum: float, affine: bool, gen: torch.Generator) -> dict:
    # an offset mean and a spread: the sums' rounding shows
    x = torch.randn(rows, cols, generator=gen) * 3 + 1.5
    w = torch.randn(cols, generator=gen) if affine else None
    b = torch.randn(cols, generator=gen) if affine else None
    running_mean = torch.randn(cols, generator=gen)
    running_var = torch.rand(cols, generator=gen) + 0.5
    dy = torch.randn(rows, cols, generator=gen)
    case = {"name": "%dx%d, momentum %g%s" % (rows, cols, momentum, "" if affine else ", affine=False"),
            "rows": rows, "cols": cols, "momentum": momentum, "eps": EPS, "affine": affine,
            "x": bits(x), "dy": bits(dy), "running_mean": bits(running_mean), "running_var": bits(running_var)}
    if affine:
        case.update(weight=bits(w), bias=bits(b))
    y, mean, invstd = torch.native_batch_norm(x, w, b, running_mean, running_var, True, momentum, EPS)
    dx, dw, db = torch.ops.aten.native_batch_norm_backward(
        dy, x, w, running_mean, running_var, mean, invstd, True, EPS, [True, affine, affine])
    case.update(y=bits(y), save_mean=bits(mean), save_invstd=bits(invstd), dx=bits(dx),
                running_mean_after=bits(running_mean), running_var_after=bits(running_var))
    # affine=False has no weight gradient in PyTorch; the engine's sums
    # are the same numbers with weight 1, so record them through ones
    ones = torch.ones(cols)
    _, dw1, db1 = torch.ops.aten.native_batch_norm_backward(
        dy, x, w if affine else ones, running_mean, running_var, mean, invstd, True, EPS, [True, True, True])
    case.update(dweight=bits(dw1), dbias=bits(db1))
    # eval mode, with the running estimates the training step left
    ye, _, _ = torch.native_batch_norm(x, w, b, running_mean, running_var, False, momentum, EPS)
    dxe, dwe, dbe = torch.ops.aten.native_batch_norm_backward(
        dy, x, w if affine else ones, running_mean, running_var, None, None, False, EPS, [True, True, True])
    case.update(y_eval=bits(ye), dx_eval=bits(dxe), dweight_eval=bits(dwe), dbias_eval=bits(dbe))
    return case


def model_case(momentum, affine) -> dict:
    torch.manual_seed(5)
    model = nn.Sequential(nn.Linear(3, 6), nn.BatchNorm1d(6, momentum=momentum, affine=affine), nn.Tanh(),
                          nn.Linear(6, 1))
    if affine:
        with torch.no_grad():
            # weight and bias off their ones and zeros, so both matter
            model[1].weight.uniform_(0.5, 1.5)
            model[1].bias.uniform_(-0.5, 0.5)
    x = torch.randn(8, 3) * 2
    target = torch.randn(8, 1)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    case = {"lr": 0.1, "momentum": momentum, "affine": affine, "x": bits(x), "target": bits(target),
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
        case["steps"].append({
            "loss": bits(loss),
            "after": {n: bits(p) for n, p in model.named_parameters()},
            "buffers": {n: bits(b) for n, b in model.named_buffers() if b.dtype == torch.float32},
            "num_batches_tracked": int(model[1].num_batches_tracked)})
    model.eval()
    case["eval_output"] = bits(model(x))
    return case


def messages() -> dict:
    out = {"repr": [str(nn.BatchNorm1d(4)),
                    str(nn.BatchNorm1d(3, eps=1e-3, momentum=None, affine=False, track_running_stats=False))]}
    bn = nn.BatchNorm1d(4)
    for name, x in [("features", torch.randn(5, 3)), ("one-row", torch.randn(1, 4)), ("one-dim", torch.randn(4))]:
        try:
            bn(x)
        except (RuntimeError, ValueError) as e:
            out[name] = str(e)
    out["weight-features"] = ""
    try:
        nn.BatchNorm1d(4, track_running_stats=False)(torch.randn(5, 3))
    except RuntimeError as e:
        out["weight-features"] = str(e)
    m = nn.Sequential(nn.Linear(2, 4), nn.BatchNorm1d(4))
    out["counts"] = {"parameters": sum(p.numel() for p in m.parameters()), "state_dict": len(m.state_dict()),
                     "state_dict_values": sum(t.numel() for t in m.state_dict().values()),
                     "keys": list(m.state_dict().keys())}
    return out


def main() -> None:
    gen = torch.Generator().manual_seed(3)
    kernels = []
    for rows, cols in SHAPES:
        for momentum in (0.1, 0.3):
            kernels.append(kernel_case(rows, cols, momentum, True, gen))
    kernels.append(kernel_case(9, 11, 0.1, False, gen))
    kernels.append(kernel_case(4, 3, 0.1, False, gen))
    out = {"torch": torch.__version__, "kernels": kernels,
           "models": [model_case(0.1, True), model_case(None, False)], "messages": messages()}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "batch-norm-kernel-golden.json")
    with open(path, "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
