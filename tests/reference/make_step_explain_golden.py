#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Golden numbers for tests/test-step-explain.c: one training step of an
example project, stage by stage, in real PyTorch.

For each case the project trains `epoch` epochs as nnb_torch.py does (the
recipe, then the page's loop), then takes the next step, the first
mini-batch of the next epoch, by hand:

    y_hat = model(X)            # every intermediate value: register_hook
    loss = loss_fn(y_hat, y)
    optimizer.zero_grad()
    loss.backward()             # the hooks see dL/d value on every wire
    optimizer.step()

and writes each wire's value and gradient (named as NN Blocks names its
wires: the block, or "net.0" for a Sequential's layer), each parameter's
.grad, value before and after step(), Adam's exp_avg and exp_avg_sq.

A module called more than once gets each call's part of its .grad
("calls"): the same step of a copy of the model in which every call after
the first runs a copy of the module with the same weights, whose .grad is
then that call's alone. Their sum is checked to be the shared .grad.

Float32 values are 8-hex-digit bit patterns. A tensor keeps its first
LIMIT elements' bits and, over all of them, "sum" and "abs_sum" (float64),
so that the file stays small for SineNet's (200, 64) wires.

    /usr/bin/python3 tests/reference/make_step_explain_golden.py

writes tests/data/step-explain-golden.json next to this folder.
"""

import copy
import json
import os
import struct

import nnb_pytorch_env  # noqa: E402,F401  (before torch and numpy load)

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

import nnb_torch  # noqa: E402

torch.set_num_threads(1)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
LIMIT = 512

# (name, example, epochs trained before the step, overrides of "training")
CASES = [
    ("mlp-residual", "mlp-residual.nnb", 1, {}),
    ("mlp-residual-momentum", "mlp-residual.nnb", 1,
     {"momentum": 0.9, "weight_decay": 0.001, "nesterov": True}),
    ("regression", "regression.nnb", 3, {}),
    ("regression-adam", "regression.nnb", 2, {"optimizer": "Adam", "lr": 0.1, "weight_decay": 0.01}),
    ("sinenet", "sinenet.nnb", 2, {}),
    # fc called twice: h = fc(inp(x)); h = fc(tanh(h))
    ("shared-linear", "tests/data/step-explain-shared.nnb", 1, {}),
]


def tensor(t: torch.Tensor) -> dict:
    flat = t.detach().to(torch.float32).contiguous().reshape(-1)
    bits = ["%08x" % struct.unpack("<I", struct.pack("<f", v))[0] for v in flat[:LIMIT].tolist()]
    return {"shape": list(t.shape), "bits": bits, "sum": flat.double().sum().item(),
            "abs_sum": flat.double().abs().sum().item()}


def run_graph(model, model_spec, x, wires, calls=None):
    """The project's forward, keeping each wire's value (and a hook for its
    gradient) under NN Blocks' wire name. With calls (a dict), every call of
    a module after its first runs a copy of it instead, and calls gets
    module name -> [(node, module run)]."""
    values = {}
    pending = list(model_spec["graph"]["nodes"])
    modules = dict(model.named_children()) if "modules" in model_spec else {}

    def keep(name, value):
        wires[name] = {"value": value}
        if value.requires_grad:
            value.register_hook(lambda g, name=name: wires[name].__setitem__("grad", g.clone()))

    while pending:
        node = next(n for n in pending if all(i in values for i in n.get("inputs", [])))
        pending.remove(node)
        inputs = [values[i] for i in node.get("inputs", [])]
        op, name = node["op"], node["name"]
        if op == "input":
            value = x
        elif op == "call":
            module = modules[node["module"]] if modules else model
            if calls is not None and modules:
                made = calls.setdefault(node["module"], [])
                if made:
                    module = copy.deepcopy(module)
                made.append((name, module))
            if isinstance(module, nn.Sequential):
                value = inputs[0]
                for i, layer in enumerate(module):
                    value = layer(value)
                    keep("%s.%d" % (node["module"], i), value)
            else:
                value = module(inputs[0])
        elif op == "add":
            value = inputs[0] + inputs[1]
        else:
            value = inputs[0]
        values[name] = value
        keep(name, value)
    return values[name]


def call_parts(model, model_spec, xb, yb, loss_fn, grads):
    """Each call's part of the .grad of a module called more than once:
    parameter name -> [{"node", "layer", "grad"}], in the forward's order."""
    calls = {}
    nn.Module.zero_grad(model, set_to_none=True)
    loss_fn(run_graph(model, model_spec, xb, {}, calls), yb).backward()
    parts = {}
    for module, made in calls.items():
        if len(made) < 2:
            continue
        for node, instance in made:
            for pname, p in instance.named_parameters():
                first = pname.split(".")[0]
                layer = int(first) if isinstance(instance, nn.Sequential) else -1
                parts.setdefault("%s.%s" % (module, pname), []).append(
                    {"node": node, "layer": layer, "grad": p.grad.clone()})
    for pname, made in parts.items():
        total = made[0]["grad"]
        for part in made[1:]:
            total = total + part["grad"]
        assert torch.equal(total, grads[pname]), pname
        for part in made:
            part["grad"] = tensor(part["grad"])
    return parts


def run_case(name, example, epochs, overrides):
    path = os.path.join(ROOT, *(example.split("/") if "/" in example else ("data", "examples", example)))
    project = json.load(open(path))
    model, x, y = nnb_torch.build(project, os.path.dirname(path))
    t = dict(project["training"], **overrides)
    opt = nnb_torch.make_optimizer(model, t)
    loss_fn = nn.MSELoss() if t.get("loss", "MSELoss") == "MSELoss" else nn.L1Loss()
    batch = t.get("batch_size", 0)
    for _ in range(epochs):
        nnb_torch.train_epoch(model, x, y, opt, loss_fn, batch)

    # the next epoch's first step, as train_epoch takes it
    if batch and batch < len(x):
        idx = torch.randperm(len(x))[:batch]
        xb, yb = x[idx], y[idx]
    else:
        xb, yb = x, y
    split = copy.deepcopy(model)
    wires = {}
    y_hat = run_graph(model, project["model"], xb, wires)
    y_hat.register_hook(lambda g: wires.__setitem__("dloss", g.clone()))
    loss = loss_fn(y_hat, yb)
    opt.zero_grad()
    loss.backward()
    params = {}
    for pname, p in model.named_parameters():
        params[pname] = {"before": tensor(p), "grad": tensor(p.grad)}
    parts = call_parts(split, project["model"], xb, yb, loss_fn,
                       {pname: p.grad for pname, p in model.named_parameters()})
    for pname, made in parts.items():
        params[pname]["calls"] = made
    opt.step()
    for pname, p in model.named_parameters():
        params[pname]["after"] = tensor(p)
        state = opt.state[p]
        for key in ("momentum_buffer", "exp_avg", "exp_avg_sq"):
            if state.get(key) is not None:
                params[pname][key] = tensor(state[key])
        if "step" in state:
            params[pname]["step"] = int(state["step"])
    return {
        "name": name, "example": example, "epoch": epochs, "training": overrides,
        "x": tensor(xb), "y": tensor(yb), "loss": loss.item(), "dloss": tensor(wires.pop("dloss")),
        "wires": {w: {"value": tensor(v["value"]), **({"grad": tensor(v["grad"])} if "grad" in v else {})}
                  for w, v in wires.items()},
        "parameters": params,
    }


def accumulation():
    """lesson/FACTS.md: seed 0, Linear(1, 1), X = ones(4, 1), zero targets,
    MSELoss, backward three times without zero_grad."""
    torch.manual_seed(0)
    model = nn.Linear(1, 1)
    x, y = torch.ones(4, 1), torch.zeros(4, 1)
    grads = []
    for _ in range(3):
        nn.MSELoss()(model(x), y).backward()
        grads.append(model.weight.grad.item())
    return grads


SHARED3 = "tests/data/step-explain-shared3.nnb"


def f32_add(a, b):
    return (a + b).to(torch.float32)


def shared_accumulation():
    """fc called three times, three full-batch SGD steps without zero_grad:
    each step's .grad (and each call's part of it). PyTorch sums the parts
    of a parameter's AccumulateGrad in its InputBuffer in backward's order,
    the last call's first, then adds the sum once: old + ((p3 + p2) + p1),
    checked here, and checked to differ for some elements from
    ((old + p3) + p2) + p1 (each part added into .grad in turn) and from
    old + ((p1 + p2) + p3) (the parts summed in the forward's order), so
    that either fails the C test."""
    path = os.path.join(ROOT, *SHARED3.split("/"))
    project = json.load(open(path))
    model, x, y = nnb_torch.build(project, os.path.dirname(path))
    t = project["training"]
    opt = nnb_torch.make_optimizer(model, t)
    loss_fn = nn.MSELoss()
    steps, differs, differs_forward = [], 0, 0
    for _ in range(3):
        split, calls = copy.deepcopy(model), {}
        nn.Module.zero_grad(split, set_to_none=True)
        loss_fn(run_graph(split, project["model"], x, {}, calls), y).backward()
        parts = {"fc." + pname: [dict(m.named_parameters())[pname].grad.clone() for _, m in calls["fc"]]
                 for pname, _ in model.fc.named_parameters()}
        old = {pname: (p.grad.clone() if p.grad is not None else torch.zeros_like(p))
               for pname, p in model.named_parameters()}
        loss = loss_fn(model(x), y)
        loss.backward()
        params = {}
        for pname, p in model.named_parameters():
            params[pname] = {"grad": tensor(p.grad)}
            if pname in parts:
                p1, p2, p3 = parts[pname]
                torch_order = f32_add(old[pname], f32_add(f32_add(p3, p2), p1))
                assert torch.equal(p.grad, torch_order), pname
                one_by_one = f32_add(f32_add(f32_add(old[pname], p3), p2), p1)
                differs += int((one_by_one != p.grad).sum())
                forward_order = f32_add(old[pname], f32_add(f32_add(p1, p2), p3))
                differs_forward += int((forward_order != p.grad).sum())
                params[pname]["calls"] = [tensor(g) for g in parts[pname]]
        steps.append({"loss": loss.item(), "parameters": params})
        opt.step()
    assert differs > 0 and differs_forward > 0, "the orders agree: the case tests nothing"
    return {"example": SHARED3, "differs": differs, "differs_forward": differs_forward, "steps": steps}


def main():
    out = {"cases": [run_case(*c) for c in CASES], "accumulation": accumulation(),
           "shared_accumulation": shared_accumulation()}
    path = os.path.join(ROOT, "tests", "data", "step-explain-golden.json")
    with open(path, "w") as f:
        json.dump(out, f)
        f.write("\n")
    print("wrote", path)


if __name__ == "__main__":
    main()
