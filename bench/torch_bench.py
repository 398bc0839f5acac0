#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Times real PyTorch training a .nnb workload: the PyTorch side of
bench/run, the same measurement as bench/nnb-bench.c.

    /usr/bin/python3 bench/torch_bench.py [--threads T] [--epochs E] [--warmup W] WORKLOAD.nnb

replays the project as tests/reference/nnb_torch.py does (its builders are
imported: the same data, the same initial weights, the same loop with
loss.item() every step), trains W epochs unmeasured, then E measured ones,
and prints one line of JSON:

    {"us_per_epoch": mean, "us_per_epoch_median": …, "cpu_us_per_epoch": …,
     "final_loss": the last epoch's loss, "flops_per_epoch": …, "gflops": …,
     "peak_rss_kb": …}

FLOPs are counted as nnb-bench counts them: 2·m·n·k per matrix product,
three per Linear call and step (forward, dW, dX), for every row each epoch.
The thread count goes to torch.set_num_threads and, before torch is
imported, to OPENBLAS_NUM_THREADS and OMP_NUM_THREADS.
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

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "reference"))
import nnb_torch  # noqa: E402  (it sets one thread when imported: set ours after it)

torch.set_num_threads(ARGS.threads)


def make_model(model_spec):
    """nnb_torch's models, and "class": "Sequential" (nn.Sequential itself)."""
    if model_spec["class"] == "Sequential":
        return nn.Sequential(*[nnb_torch.make_module(m) for m in model_spec["modules"]])
    return nnb_torch.make_model(model_spec)


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


def build(project):
    """The recipe of docs/file-format.md, as nnb_torch.main replays it."""
    torch.manual_seed(project.get("seed", 0))
    x, y = nnb_torch.make_data(project["data"])
    if project.get("model_seed") is not None:
        torch.manual_seed(project["model_seed"])
    model = make_model(project["model"])
    init = project.get("init", {})
    weight_init, bias_init = init.get("weight", "default"), init.get("bias", "default")
    if weight_init != "default" or bias_init != "default":
        if init.get("seed") is not None:
            torch.manual_seed(init["seed"])

        def init_fn(m):
            if isinstance(m, nn.Linear):
                if weight_init != "default":
                    nnb_torch.INIT[weight_init](m.weight)
                if bias_init != "default" and m.bias is not None:
                    nnb_torch.INIT[bias_init](m.bias)
        model.apply(init_fn)
    return x, y, model


def main():
    project = json.load(open(ARGS.workload))
    t = project["training"]
    if t.get("optimizer", "SGD") != "SGD" or t.get("loss", "MSELoss") not in ("MSELoss", "mse"):
        raise SystemExit("torch_bench.py: the workloads train with SGD and MSELoss")
    epochs = ARGS.epochs or max(1, t.get("epochs", 200))
    warmup = ARGS.warmup if ARGS.warmup >= 0 else max(1, epochs // 10)

    x, y, model = build(project)
    opt = torch.optim.SGD(model.parameters(), lr=t["lr"], momentum=t.get("momentum", 0),
                          dampening=t.get("dampening", 0), weight_decay=t.get("weight_decay", 0),
                          nesterov=t.get("nesterov", False))
    loss_fn = nn.MSELoss()
    batch = t.get("batch_size", 0)
    n = len(x)

    # nnb_torch.py's loop, epoch by epoch
    def epoch():
        if batch and batch < n:
            perm = torch.randperm(n)
            total, count = 0.0, 0
            for start in range(0, n, batch):
                idx = perm[start:start + batch]
                loss = loss_fn(model(x[idx]), y[idx])
                opt.zero_grad()
                loss.backward()
                opt.step()
                total, count = total + loss.item(), count + 1
            return total / count
        loss = loss_fn(model(x), y)
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
        "final_loss": float("%.9g" % loss), "flops_per_epoch": flops,
        "gflops": round(flops * epochs / (last - start) * 1e-9, 3),
        "peak_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }, sys.stdout)
    print()


if __name__ == "__main__":
    main()
