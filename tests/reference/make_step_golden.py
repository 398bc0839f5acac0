#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Golden bits for tests/test-step-golden.c, computed by real PyTorch.

Two things whose last bits every tolerance-based test forgives:

- the losses' gradients, including elements whose residual x - t is exactly
  zero (L1Loss: sign(0) = 0, so the gradient there is 0);
- one and two optimizer steps of torch.optim.SGD (plain, weight decay,
  momentum with dampening, Nesterov) and torch.optim.Adam (with and without
  weight decay) on an nn.Linear(20, 15) (315 parameters), from given
  weights and given .grad tensors. PyTorch's add_(…, alpha) is one fused
  multiply-add; the script checks that the inputs make that visible, i.e.
  that p - lr * g rounded twice differs from PyTorch's result for many
  weights, so a step computed without fma cannot pass.

Float32 values are written as 8-hex-digit bit patterns ("3e8a1c2b").

    /usr/bin/python3 tests/reference/make_step_golden.py

writes tests/data/step-golden.json next to this folder.
"""

import json
import os
import struct

# the PyTorch NN Blocks reproduces: OpenBLAS kernel, threads, ATen kernels
import nnb_pytorch_env  # noqa: E402,F401  (before torch and numpy load)

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

torch.set_num_threads(1)

IN, OUT = 20, 15


def bits(t: torch.Tensor) -> list:
    t = t.detach().to(torch.float32).contiguous().reshape(-1)
    return ["%08x" % struct.unpack("<I", struct.pack("<f", v))[0] for v in t.tolist()]


def loss_cases() -> list:
    """pred and target with exact ties: in the 8-wide vector part and in the tail."""
    gen = torch.Generator().manual_seed(7)
    cases = []
    for n in (5, 19, 64):
        pred = torch.randn(n, 1, generator=gen)
        target = torch.randn(n, 1, generator=gen)
        ties = list(range(0, n, 3))  # every third element: x - t == 0 exactly
        target[ties] = pred[ties]
        for name, fn in (("L1Loss", nn.L1Loss()), ("MSELoss", nn.MSELoss())):
            p = pred.clone().requires_grad_(True)
            loss = fn(p, target)
            loss.backward()
            cases.append({"loss": name, "n": n, "pred": bits(pred), "target": bits(target),
                          "value": bits(loss), "grad": bits(p.grad)})
            if name == "L1Loss":
                assert all(p.grad[i].item() == 0.0 for i in ties), "PyTorch's L1 gradient at a tie is 0"
    return cases


OPTIMIZERS = [
    ("sgd", "SGD", dict(lr=0.1)),
    ("sgd-weight-decay", "SGD", dict(lr=0.1, weight_decay=0.03)),
    ("sgd-momentum", "SGD", dict(lr=0.1, momentum=0.9, dampening=0.1)),
    ("sgd-nesterov", "SGD", dict(lr=0.07, momentum=0.9, nesterov=True, weight_decay=0.01)),
    ("adam", "Adam", dict(lr=0.01)),
    ("adam-weight-decay", "Adam", dict(lr=0.003, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.05)),
]


def optimizer_case(name: str, kind: str, options: dict) -> dict:
    gen = torch.Generator().manual_seed(11)
    model = nn.Linear(IN, OUT)
    with torch.no_grad():
        # weights of order 1 and gradients of order 1 with an lr that is not
        # a power of two: lr * g is rarely exact, so fusing shows
        model.weight.copy_(torch.rand(OUT, IN, generator=gen) * 2 - 1)
        model.bias.copy_(torch.rand(OUT, generator=gen) * 2 - 1)
    params = list(model.parameters())
    initial = [p.detach().clone() for p in params]
    opt = (torch.optim.SGD if kind == "SGD" else torch.optim.Adam)(params, **options)
    steps = []
    unfused_differs = 0
    for _ in range(2):
        grads = [torch.rand(p.shape, generator=gen) * 4 - 2 for p in params]
        before = [p.detach().clone() for p in params]
        for p, g in zip(params, grads):
            p.grad = g.clone()
        opt.step()
        if kind == "SGD" and not options.get("momentum") and not options.get("weight_decay"):
            for b, g, p in zip(before, grads, params):
                unfused = b - (options["lr"] * g)  # two roundings
                unfused_differs += int((unfused != p.detach()).sum())
        steps.append({"grad": {n: bits(g) for n, g in zip(("weight", "bias"), grads)},
                      "after": {n: bits(p) for n, p in zip(("weight", "bias"), params)}})
    if kind == "SGD" and not options.get("momentum") and not options.get("weight_decay"):
        # the fused multiply-add has to matter for some of the weights (about
        # one in ten here)
        assert unfused_differs >= 20, unfused_differs
    out = {"name": name, "optimizer": kind, "lr": options["lr"],
           "momentum": options.get("momentum", 0.0), "dampening": options.get("dampening", 0.0),
           "nesterov": options.get("nesterov", False), "weight_decay": options.get("weight_decay", 0.0),
           "beta1": options.get("betas", (0.9, 0.999))[0], "beta2": options.get("betas", (0.9, 0.999))[1],
           "eps": options.get("eps", 1e-8),
           "in_features": IN, "out_features": OUT,
           "initial": {n: bits(p) for n, p in zip(("weight", "bias"), initial)},
           "steps": steps}
    if unfused_differs:
        out["unfused_differs"] = unfused_differs
    return out


def main():
    golden = {
        "torch": torch.__version__,
        "losses": loss_cases(),
        "optimizers": [optimizer_case(*o) for o in OPTIMIZERS],
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "step-golden.json")
    with open(path, "w") as f:
        json.dump(golden, f)
        f.write("\n")
    print("wrote", os.path.normpath(path))


if __name__ == "__main__":
    main()
