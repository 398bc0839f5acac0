#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Golden per-epoch train and test losses of Adam runs (and of a Tanh net
128 wide), from real PyTorch 1.13, bit for bit.

The projects are in tests/data/:

    adam-line-minibatch.nnb        the line, Linear(1, 1), Adam lr 0.1,
                                   batch_size 16, 200 epochs
    adam-line-minibatch-decay.nnb  the same with lr 0.01, batch_size 8,
                                   betas (0.8, 0.99), eps 1e-6,
                                   weight_decay 0.01
    adam-overfit.nnb               data/examples/overfit.nnb (18 training
                                   rows, width 96) with full-batch Adam,
                                   lr 0.01, 600 epochs
    tanh-128.nnb                   overfit.nnb 128 wide, its SGD with
                                   momentum, 300 epochs
    tanh-128-adam.nnb              the same with Adam, lr 0.001

Each is replayed with tests/reference/nnb_torch.py's recipe (build_split,
train_epoch) and torch.optim.Adam(params, lr, betas, eps, weight_decay) as
the file gives them; the test loss, where the data holds test rows, is

    with torch.no_grad(): test_loss = loss_fn(model(X_test), y_test)

after each epoch's steps. Every loss is written as the 16 hex digits of the
double Python holds (struct.pack('>d')): loss.item() of a float32 for a full
batch, the mean of the batches' losses for mini-batches.

torch.optim.Adam in 1.13 runs _single_tensor_adam on the CPU (foreach is
None, which adam() turns into False), where

    exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)

is, in ATen's addcmul kernel compiled with FMA, one fused multiply-add:
fma((1 - beta2) * grad, grad, beta2 * exp_avg_sq). Computing it unfused
moves an exp_avg_sq by an ulp from the second step on (about one element
in four of overfit's), which shows in the losses within a few epochs;
tests/test-adam-losses.c compares the engine's every epoch, and one
step's exp_avg, exp_avg_sq and parameter on 67 floats ("step").

    /usr/bin/python3 tests/reference/make_adam_losses.py

writes tests/data/adam-losses.json. Takes a few seconds.
"""
import json
import os
import struct
import sys

# the PyTorch NN Blocks reproduces: OpenBLAS kernel, threads, ATen kernels
import nnb_pytorch_env  # noqa: E402,F401  (before torch and numpy load)

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nnb_torch import build_split, make_optimizer, train_epoch  # noqa: E402

torch.set_num_threads(1)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

PROJECTS = [
    "tests/data/adam-line-minibatch.nnb",
    "tests/data/adam-line-minibatch-decay.nnb",
    "tests/data/adam-overfit.nnb",
    "tests/data/tanh-128.nnb",
    "tests/data/tanh-128-adam.nnb",
]


def double_hex(value):
    return struct.pack(">d", value).hex()


def optimizer_for(model, t):
    """torch.optim.Adam with the file's "betas" list (docs/file-format.md),
    or nnb_torch's SGD."""
    if t.get("optimizer", "SGD") == "SGD":
        return make_optimizer(model, t)
    return torch.optim.Adam(model.parameters(), lr=t["lr"], betas=tuple(t.get("betas", (0.9, 0.999))),
                            eps=t.get("eps", 1e-8), weight_decay=t.get("weight_decay", 0))


def train(relative):
    path = os.path.join(ROOT, relative)
    project = json.load(open(path))
    t = project["training"]
    assert t.get("loss", "MSELoss") == "MSELoss"
    model, data = build_split(project, os.path.dirname(path))
    optimizer = optimizer_for(model, t)
    loss_fn = nn.MSELoss()
    losses, test_losses = [], []
    for _ in range(t["epochs"]):
        losses.append(double_hex(train_epoch(model, data["x"], data["y"], optimizer, loss_fn,
                                             t.get("batch_size", 0))))
        if data["x_test"] is not None:
            with torch.no_grad():
                test_losses.append(double_hex(loss_fn(model(data["x_test"]), data["y_test"]).item()))
    run = {"project": relative, "epochs": t["epochs"], "losses": losses}
    if test_losses:
        run["test_losses"] = test_losses
    return run


def f32_hex(values):
    return [struct.pack(">f", v).hex() for v in values.reshape(-1).tolist()]


def one_step():
    """Adam's second step on 67 floats (four 16-float blocks of ATen's
    vector loop and a tail of 3), from a given state after step 1: the
    parameter, exp_avg and exp_avg_sq before and after, as float32 bits."""
    gen = torch.Generator().manual_seed(1)
    n = 67
    param = torch.randn(n, generator=gen)
    grad = torch.randn(n, generator=gen) * 0.1
    exp_avg = torch.randn(n, generator=gen) * 0.01
    exp_avg_sq = torch.rand(n, generator=gen) * 1e-3
    lr, betas, eps = 0.01, (0.9, 0.999), 1e-8
    p = nn.Parameter(param.clone())
    p.grad = grad.clone()
    optimizer = torch.optim.Adam([p], lr=lr, betas=betas, eps=eps)
    optimizer.state[p] = {"step": torch.tensor(1.0), "exp_avg": exp_avg.clone(), "exp_avg_sq": exp_avg_sq.clone()}
    optimizer.step()
    state = optimizer.state[p]
    # the case is only worth keeping where the fused multiply-add matters
    c = torch.tensor(1 - betas[1], dtype=torch.float32)
    unfused = exp_avg_sq * betas[1] + (c * grad) * grad
    differ = int((unfused != state["exp_avg_sq"]).sum())
    assert differ > 0, "no exp_avg_sq tells fused from unfused"
    return {"lr": lr, "betas": list(betas), "eps": eps, "step": 2, "unfused_would_differ": differ,
            "param": f32_hex(param), "grad": f32_hex(grad), "exp_avg": f32_hex(exp_avg),
            "exp_avg_sq": f32_hex(exp_avg_sq), "param_after": f32_hex(p.detach()),
            "exp_avg_after": f32_hex(state["exp_avg"]), "exp_avg_sq_after": f32_hex(state["exp_avg_sq"])}


def main():
    step = one_step()
    print(f"one step: {step['unfused_would_differ']} of 67 exp_avg_sq differ without the fused multiply-add")
    runs = []
    for relative in PROJECTS:
        run = train(relative)
        runs.append(run)
        last = struct.unpack(">d", bytes.fromhex(run["losses"][-1]))[0]
        print(f"{relative}: {len(run['losses'])} epochs, last loss {last!r}", flush=True)
    out = {"torch": torch.__version__, "format": "float64 bits, big-endian hex, one per epoch", "step": step, "runs": runs}
    path = os.path.join(HERE, "..", "data", "adam-losses.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print(f"wrote {os.path.normpath(path)}")


if __name__ == "__main__":
    main()
