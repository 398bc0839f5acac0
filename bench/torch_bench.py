#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Times real PyTorch training a .nnb workload: the PyTorch side of
bench/run, the same measurement as bench/nnb-bench.c.

    /usr/bin/python3 bench/torch_bench.py [--threads T] [--epochs E] [--warmup W] WORKLOAD.nnb

replays the project as tests/reference/nnb_torch.py does (its builders are
imported: nnb_torch.build_split for the same data, the same initial weights,
nnb_torch.make_optimizer for SGD or Adam, and the same loop with
loss.item() every step), trains W epochs unmeasured, then E measured ones,
and prints one line of JSON:

    {"us_per_epoch": mean, "us_per_epoch_median": …, "cpu_us_per_epoch": …,
     "final_loss": the last epoch's loss, "flops_per_epoch": …, "gflops": …,
     "peak_rss_kb": …}

The loss is the project's: MSELoss, L1Loss, or a classification loss on
class data (docs/file-format.md, "Classification losses"): CrossEntropyLoss
and NLLLoss take the LongTensor (n,) of class indices build_split gives,
BCEWithLogitsLoss and BCELoss the y.float().unsqueeze(1) of
"float_targets". For those the loop also counts the right predictions of
every forward pass, as the engine does each epoch for its accuracy
(nnb-training.h; the loop of tests/reference/make_class_loss_golden.py):

    correct += (y_hat.argmax(1) == y).sum().item()

unless --no-accuracy leaves it out (the page's bare loop, for comparison).

FLOPs are counted as nnb-bench counts them: 2·m·n·k per matrix product,
three per Linear call and step (forward, dW, dX), for every row each epoch.
The thread count goes to torch.set_num_threads and, before torch is
imported, to OPENBLAS_NUM_THREADS and OMP_NUM_THREADS; ATEN_CPU_CAPABILITY
is avx2 as tests/reference/nnb_pytorch_env.py sets it (the kernels, and so
the sums' order, the engine reproduces).
"""
import argparse
import json
import os
import resource
import sys
import time


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("workload")
    parser.add_argument("--threads", "-t", type=int, default=1)
    parser.add_argument("--epochs", "-e", type=int, default=0, help="measured epochs (default: the project's)")
    parser.add_argument("--warmup", "-w", type=int, default=-1, help="unmeasured epochs first (default: E/10, at least 1)")
    parser.add_argument("--no-accuracy", action="store_true",
                        help="leave out the count of right predictions (the engine always counts them)")
    args = parser.parse_args()
    if args.threads < 1 or args.epochs < 0:
        parser.error("--threads must be 1 or more and --epochs 0 or more")
    return args


ARGS = parse_args()
# before torch loads OpenBLAS and OpenMP, which read these once
os.environ["OPENBLAS_NUM_THREADS"] = str(ARGS.threads)
os.environ["OMP_NUM_THREADS"] = str(ARGS.threads)

# before torch loads OpenBLAS: the kernel NN Blocks pins (src/core/nnb-blas.h),
# whatever the processor would choose, so BLAS's sum order is the same
os.environ["OPENBLAS_CORETYPE"] = "Haswell"
# PyTorch's own vectorised kernels in 8-float lanes, as nnb_pytorch_env.py
# sets them (on an AVX-512 processor 1.13 would pick AVX-512 ones)
os.environ["ATEN_CPU_CAPABILITY"] = "avx2"

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "reference"))
import nnb_torch  # noqa: E402  (it sets one thread when imported: set ours after it)

torch.set_num_threads(ARGS.threads)


def linear_sizes(module):
    """in·out of every Linear a call of this module runs through."""
    if isinstance(module, nn.Linear):
        return [module.in_features * module.out_features]
    return [size for child in module.children() for size in linear_sizes(child)]


def flops_per_row(model, model_spec):
    if isinstance(model, nnb_torch.GraphModel):
        calls = [n["module"] for n in model_spec["graph"]["nodes"] if n["op"] == "call"]
        sizes = [size for name in calls for size in linear_sizes(getattr(model, name))]
    else:
        sizes = linear_sizes(model)
    return 3 * 2 * sum(sizes)


# the right predictions of one forward pass, as nnb_loss_get_correct counts them
CORRECT = {
    "CrossEntropyLoss": lambda y_hat, y: (y_hat.argmax(1) == y).sum().item(),
    "NLLLoss": lambda y_hat, y: (y_hat.argmax(1) == y).sum().item(),
    "BCEWithLogitsLoss": lambda y_hat, y: ((y_hat > 0).float() == y).sum().item(),
    "BCELoss": lambda y_hat, y: ((y_hat > 0.5).float() == y).sum().item(),
}
# the file's short names (docs/file-format.md, "training")
LOSS_NAMES = {"mse": "MSELoss", "l1": "L1Loss", "cross-entropy": "CrossEntropyLoss", "nll": "NLLLoss",
              "bce-with-logits": "BCEWithLogitsLoss", "bce": "BCELoss"}


def make_loss(t):
    name = LOSS_NAMES.get(t.get("loss", "MSELoss"), t.get("loss", "MSELoss"))
    if name == "CrossEntropyLoss":
        return name, nn.CrossEntropyLoss(label_smoothing=t.get("label_smoothing", 0.0))
    if name not in ("MSELoss", "L1Loss") and name not in CORRECT:
        raise SystemExit(f"torch_bench.py: loss {name} is not replayed here")
    return name, getattr(nn, name)()


def main():
    project = json.load(open(ARGS.workload))
    t = project["training"]
    epochs = ARGS.epochs or max(1, t.get("epochs", 200))
    warmup = ARGS.warmup if ARGS.warmup >= 0 else max(1, epochs // 10)

    model, data = nnb_torch.build_split(project, os.path.dirname(os.path.abspath(ARGS.workload)))
    x, y = data["x"], data["y"]
    if project["data"].get("float_targets"):
        y = y.float().unsqueeze(1)
    opt = nnb_torch.make_optimizer(model, t)
    loss_name, loss_fn = make_loss(t)
    count = None if ARGS.no_accuracy else CORRECT.get(loss_name)
    batch = t.get("batch_size", 0)
    n = len(x)
    correct = 0

    # nnb_torch.py's loop, epoch by epoch, counting the right predictions
    # for a classification loss as the engine's epoch does
    def epoch():
        nonlocal correct
        correct = 0
        if batch and batch < n:
            perm = torch.randperm(n)
            total, steps = 0.0, 0
            for start in range(0, n, batch):
                idx = perm[start:start + batch]
                y_hat = model(x[idx])
                loss = loss_fn(y_hat, y[idx])
                if count:
                    correct += count(y_hat, y[idx])
                opt.zero_grad()
                loss.backward()
                opt.step()
                total, steps = total + loss.item(), steps + 1
            return total / steps
        y_hat = model(x)
        loss = loss_fn(y_hat, y)
        if count:
            correct += count(y_hat, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss.item()

    for _ in range(warmup):
        loss = epoch()
    times = []
    cpu_start = time.process_time()
    start = last = time.perf_counter()
    for _ in range(epochs):
        loss = epoch()
        now = time.perf_counter()
        times.append(now - last)
        last = now
    cpu_used = time.process_time() - cpu_start
    times.sort()

    flops = flops_per_row(model, project["model"]) * n
    json.dump({
        "engine": "pytorch", "torch": torch.__version__, "threads": torch.get_num_threads(),
        "epochs": epochs, "warmup": warmup,
        "us_per_epoch": round((last - start) / epochs * 1e6, 3),
        "us_per_epoch_median": round(times[epochs // 2] * 1e6, 3),
        "cpu_us_per_epoch": round(cpu_used / epochs * 1e6, 3),
        "final_loss": float("%.9g" % loss),
        "final_accuracy": correct / n if count else None, "flops_per_epoch": flops,
        "gflops": round(flops * epochs / (last - start) * 1e-9, 3),
        "peak_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }, sys.stdout)
    print()


if __name__ == "__main__":
    main()
