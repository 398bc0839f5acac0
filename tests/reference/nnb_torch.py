#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Replays a .nnb project in real PyTorch, as the page's code would, and
prints the parameters as JSON: an independent reference for NN Blocks.

    /usr/bin/python3 tests/reference/nnb_torch.py PROJECT.nnb 0,1,10

prints {"snapshots": {"0": {name: values}, "1": …, "10": …}, "losses": […]}:
the parameters after each listed number of epochs, and every epoch's loss.

The recipe (docs/file-format.md): manual_seed(seed); draw the data;
[manual_seed(model_seed)]; build the modules in registration order;
[manual_seed(init seed)]; model.apply(init); then the training loop with
full batches, or a randperm shuffle every epoch for mini-batches.
"""
import json
import math
import os
import sys

# the PyTorch NN Blocks reproduces: OpenBLAS kernel, threads, ATen kernels
import nnb_pytorch_env  # noqa: E402,F401  (before torch and numpy load)

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

torch.set_num_threads(1)  # run with OPENBLAS_NUM_THREADS=1 too: BLAS's sum order follows it

ACTIVATIONS = {
    "ReLU": nn.ReLU, "Tanh": nn.Tanh, "Sigmoid": nn.Sigmoid, "GELU": nn.GELU,
    "Identity": nn.Identity,
}


def is_number(cell):
    try:
        return math.isfinite(float(cell))
    except ValueError:
        return False


def read_csv(path, spec):
    """The CSV rules of docs/file-format.md: blank and '#' lines skipped,
    cells split at commas and stripped, a first line of names when
    "header" says so (absent: when none of its cells is empty or a number),
    the "targets" (default: the last column) and the "inputs" (default:
    every other column), by name or 0-based index; only they are read."""
    with open(path, encoding="utf-8-sig") as f:
        lines = [line.strip() for line in f.read().splitlines()]
    rows = [[cell.strip() for cell in line.split(",")] for line in lines if line and not line.startswith("#")]
    header = spec.get("header")
    if header is None:
        header = all(cell and not is_number(cell) for cell in rows[0])
    names = rows.pop(0) if header else None

    def index(column):
        return names.index(column) if isinstance(column, str) else column

    targets = [index(c) for c in spec.get("targets", [len(rows[0]) - 1])]
    inputs = [index(c) for c in spec["inputs"]] if "inputs" in spec else \
        [c for c in range(len(rows[0])) if c not in targets]
    table = torch.tensor([[float(row[c]) for c in inputs + targets] for row in rows], dtype=torch.float32)
    return table[:, :len(inputs)].contiguous(), table[:, len(inputs):].contiguous()


# The two-dimensional class data (docs/file-format.md): each kind's fields
# and their defaults. X is (n, 2); y is a LongTensor of shape (n,) holding
# each point's class, 0 … C−1, as nn.CrossEntropyLoss takes it.
TWO_D = {
    "circle": {"n": 200, "radius": 1.0, "noise": 0.1},
    "xor": {"n": 200, "noise": 0.1},
    "gauss": {"n": 200, "distance": 3.0, "noise": 0.5},
    "spiral": {"n": 200, "turns": 1.5, "noise": 0.05},
    "moons": {"n": 200, "noise": 0.1},
    "blobs": {"n": 200, "classes": 3, "noise": 0.2},
}


def make_2d_data(spec):
    """The generator's PyTorch program, as docs/file-format.md writes it."""
    kind = spec["kind"]
    f = dict(TWO_D[kind], **{k: v for k, v in spec.items() if k in TWO_D[kind]})
    n, noise = f["n"], f["noise"]
    if kind == "circle":  # class 0: the inner disc, 1: the ring around it
        y = torch.arange(n) % 2
        r = (torch.rand(n) + 2 * y) * (f["radius"] / 3)
        angle = torch.rand(n) * (2 * math.pi)
        X = torch.stack([r * torch.cos(angle), r * torch.sin(angle)], 1)
        X = X + torch.randn(n, 2) * noise
    elif kind == "xor":  # class 1 where the signs differ: quadrants II and IV
        X = torch.rand(n, 2) * 2 - 1
        y = ((X[:, 0] > 0) != (X[:, 1] > 0)).long()
        X = X + torch.randn(n, 2) * noise
    elif kind == "gauss":  # two clusters, their centres distance apart
        y = torch.arange(n) % 2
        centres = torch.tensor([[-1.0, -1.0], [1.0, 1.0]]) * (f["distance"] / 8 ** 0.5)
        X = centres[y] + torch.randn(n, 2) * noise
    elif kind == "spiral":  # two arms, the second half a turn on
        y = torch.arange(n) % 2
        t = torch.rand(n)
        angle = t * (2 * math.pi * f["turns"]) + math.pi * y
        X = torch.stack([t * torch.cos(angle), t * torch.sin(angle)], 1)
        X = X + torch.randn(n, 2) * noise
    elif kind == "moons":  # the upper moon, and the lower one turned over
        y = torch.arange(n) % 2
        angle = torch.rand(n) * math.pi
        X = torch.stack([torch.cos(angle), torch.sin(angle)], 1)
        X = torch.where(y[:, None] == 0, X, torch.tensor([1.0, 0.5]) - X)
        X = X + torch.randn(n, 2) * noise
    else:  # blobs: classes clusters, their centres on the unit circle
        k = f["classes"]
        y = torch.arange(n) % k
        angle = torch.arange(k) * (2 * math.pi / k)
        centres = torch.stack([torch.cos(angle), torch.sin(angle)], 1)
        X = centres[y] + torch.randn(n, 2) * noise
    return X, y


def make_data(spec, base_dir="."):
    kind, n = spec["kind"], spec.get("n")
    noise = spec.get("noise", 0.0)
    if kind == "line":
        x = torch.rand(n, 1) * spec.get("x_max", 10)
        y = spec.get("a", 3) * x + spec.get("b", 2) + torch.randn(n, 1) * noise
    elif kind == "sine":
        x = torch.rand(n, 1) * spec.get("x_max", 2 * math.pi)
        y = torch.sin(x) + noise * torch.randn(n, 1)
    elif kind == "polynomial":
        x = torch.rand(n, 1) * spec.get("x_max", 4)
        y = spec.get("a", 1) * (x * x) + spec.get("b", -4) * x + spec.get("c", 3) + torch.randn(n, 1) * spec.get("noise", 0.2)
    elif kind == "step":
        x_max = spec.get("x_max", 10)
        x = torch.rand(n, 1) * x_max
        y = (x >= x_max / 2).float() + torch.randn(n, 1) * spec.get("noise", 0.1)
    elif kind == "sine-product":
        x = torch.randn(n, 3)
        y = torch.sin(x[:, 0:1] * x[:, 1:2]) + x[:, 2:3]
        if spec.get("noise", 0):
            y = y + torch.randn(n, 1) * spec["noise"]
    elif kind in TWO_D:
        x, y = make_2d_data(spec)
    elif kind == "csv":
        x, y = read_csv(os.path.join(base_dir, spec["path"]), spec)
    else:
        raise SystemExit(f"nnb_torch.py: data kind {kind} is not replayed here")
    return x, y


def make_module(spec):
    kind = spec["type"]
    if kind == "Linear":
        return nn.Linear(spec["in_features"], spec["out_features"], bias=spec.get("bias", True))
    if kind == "LeakyReLU":
        return nn.LeakyReLU(spec.get("negative_slope", 0.01))
    if kind == "LayerNorm":
        return nn.LayerNorm(spec["normalized_shape"], eps=spec.get("eps", 1e-5),
                            elementwise_affine=spec.get("elementwise_affine", True))
    if kind == "Dropout":
        return nn.Dropout(spec.get("p", 0.5))
    if kind == "BatchNorm1d":
        return nn.BatchNorm1d(spec["num_features"], eps=spec.get("eps", 1e-5), momentum=spec.get("momentum", 0.1),
                              affine=spec.get("affine", True),
                              track_running_stats=spec.get("track_running_stats", True))
    if kind in ("Softmax", "LogSoftmax"):
        return getattr(nn, kind)(dim=spec["dim"])
    if kind == "Sequential":
        return nn.Sequential(*[make_module(child) for child in spec["children"]])
    return ACTIVATIONS[kind]()


class GraphModel(nn.Module):
    """A subclass whose forward walks the project's graph."""

    def __init__(self, model_spec):
        super().__init__()
        for module in model_spec["modules"]:
            self.add_module(module["name"], make_module(module))
        self.nodes = model_spec["graph"]["nodes"]

    def forward(self, x):
        values, pending = {}, list(self.nodes)
        while pending:
            node = next(n for n in pending if all(i in values for i in n.get("inputs", [])))
            pending.remove(node)
            inputs = [values[i] for i in node.get("inputs", [])]
            op = node["op"]
            if op == "input":
                values[node["name"]] = x
            elif op == "call":
                values[node["name"]] = getattr(self, node["module"])(inputs[0])
            elif op == "add":
                values[node["name"]] = inputs[0] + inputs[1]
            else:
                return inputs[0]
        raise SystemExit("nnb_torch.py: the graph has no output")


def make_model(model_spec):
    if "modules" not in model_spec:  # a bare module, e.g. nn.Linear(1, 1)
        return make_module(dict(model_spec, type=model_spec["class"]))
    if model_spec["class"] == "Sequential":  # children 0, 1, … in order
        return nn.Sequential(*[make_module(m) for m in model_spec["modules"]])
    return GraphModel(model_spec)


INIT = {
    "xavier_uniform_": nn.init.xavier_uniform_, "xavier_normal_": nn.init.xavier_normal_,
    "kaiming_uniform_": nn.init.kaiming_uniform_, "kaiming_normal_": nn.init.kaiming_normal_,
    "zeros_": nn.init.zeros_, "ones_": nn.init.ones_, "normal_": nn.init.normal_,
    "uniform_": nn.init.uniform_,
}


def split_and_standardize(spec, x, y):
    """The data's held-out rows and standardisation (docs/file-format.md),
    right after the data, on the default generator. Returns a dict with
    x, y (the training rows), x_test, y_test (None without a test set),
    perm (None without) and the statistics used (None when not)."""
    out = {"perm": None, "x_test": None, "y_test": None,
           "x_mean": None, "x_std": None, "y_mean": None, "y_std": None}
    fraction = spec.get("test_fraction", 0)
    if fraction > 0:
        perm = torch.randperm(len(x))
        n_test = int(len(x) * fraction)
        out["perm"] = perm
        x, x_test = x[perm[n_test:]], x[perm[:n_test]]
        y, y_test = y[perm[n_test:]], y[perm[:n_test]]
        out["x_test"], out["y_test"] = x_test, y_test
    standardize = spec.get("standardize", {})
    if standardize.get("inputs", False):
        x_mean, x_std = x.mean(0), x.std(0)
        x = (x - x_mean) / x_std
        if out["x_test"] is not None:
            out["x_test"] = (out["x_test"] - x_mean) / x_std
        out["x_mean"], out["x_std"] = x_mean, x_std
    if standardize.get("targets", False):
        y_mean, y_std = y.mean(0), y.std(0)
        y = (y - y_mean) / y_std
        if out["y_test"] is not None:
            out["y_test"] = (out["y_test"] - y_mean) / y_std
        out["y_mean"], out["y_std"] = y_mean, y_std
    out["x"], out["y"] = x, y
    return out


def build(project, base_dir="."):
    """The recipe (docs/file-format.md): data, modules and init, in order,
    on the default generator. Returns (model, x, y): the training rows."""
    model, data = build_split(project, base_dir)
    return model, data["x"], data["y"]


def build_split(project, base_dir="."):
    """build, returning (model, data) with data as split_and_standardize
    gives it: the test rows and the statistics too."""
    torch.manual_seed(project.get("seed", 0))
    x, y = make_data(project["data"], base_dir)
    data = split_and_standardize(project["data"], x, y)
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
                    INIT[weight_init](m.weight)
                if bias_init != "default" and m.bias is not None:
                    INIT[bias_init](m.bias)
        model.apply(init_fn)
    return model, data


def make_optimizer(model, t):
    if t.get("optimizer", "SGD") == "SGD":
        return torch.optim.SGD(model.parameters(), lr=t["lr"], momentum=t.get("momentum", 0),
                               dampening=t.get("dampening", 0), weight_decay=t.get("weight_decay", 0),
                               nesterov=t.get("nesterov", False))
    # the project file's "betas": [beta1, beta2]
    betas = tuple(t.get("betas", (t.get("beta1", 0.9), t.get("beta2", 0.999))))
    return torch.optim.Adam(model.parameters(), lr=t["lr"], betas=betas,
                            eps=t.get("eps", 1e-8), weight_decay=t.get("weight_decay", 0))


def train_epoch(model, x, y, opt, loss_fn, batch):
    """One epoch: the loss, or with mini-batches (a randperm shuffle) the
    mean of the batches' losses, as the page's loop prints it."""
    if batch and batch < len(x):
        perm = torch.randperm(len(x))
        total, count = 0.0, 0
        for start in range(0, len(x), batch):
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


def main():
    project = json.load(open(sys.argv[1]))
    marks = sorted(int(e) for e in sys.argv[2].split(","))
    epochs = marks[-1]
    model, x, y = build(project, os.path.dirname(os.path.abspath(sys.argv[1])))
    t = project["training"]
    opt = make_optimizer(model, t)
    loss_fn = nn.MSELoss() if t.get("loss", "MSELoss") == "MSELoss" else nn.L1Loss()
    batch = t.get("batch_size", 0)
    losses, snapshots = [], {}

    def snapshot(epoch):
        if epoch in marks:
            snapshots[str(epoch)] = {name: p.detach().reshape(-1).tolist() for name, p in model.named_parameters()}

    snapshot(0)
    for epoch in range(epochs):
        losses.append(train_epoch(model, x, y, opt, loss_fn, batch))
        snapshot(epoch + 1)
    # JSON has no nan: a run that blew up says so, and at which epoch its
    # loss first became nan (NN Blocks stops there too)
    if not all(math.isfinite(v) for v in losses):
        first_nan = next((e for e, v in enumerate(losses) if math.isnan(v)), None)
        json.dump({"diverged": True, "epoch": first_nan}, sys.stdout)
        return
    json.dump({"snapshots": snapshots, "losses": losses}, sys.stdout)


if __name__ == "__main__":
    main()
