#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""What PyTorch 1.13 does in the engine's edge cases (issue 16).

Run with /usr/bin/python3 (torch 1.13); every test that cites this script
checks one of the lines it prints. The loop is the page's:

    y_hat = model(X); loss = loss_fn(y_hat, y)
    optimizer.zero_grad(); loss.backward(); optimizer.step()
"""
import io
import contextlib
import sys
import warnings

import torch
import torch.nn as nn


def page_loop(model, optimizer, X, y, epochs, loss_fn=None, batch_size=0):
    loss_fn = loss_fn or nn.MSELoss()
    for _ in range(epochs):
        batches = [(X, y)]
        if batch_size:
            perm = torch.randperm(len(X))
            batches = [(X[perm[i:i + batch_size]], y[perm[i:i + batch_size]])
                       for i in range(0, len(X), batch_size)]
        for bx, by in batches:
            loss = loss_fn(model(bx), by)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()


class Unused(nn.Module):
    """fc1 is called; fc2 is registered but forward never calls it."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(1, 1)
        self.fc2 = nn.Linear(1, 1)

    def forward(self, x):
        return self.fc1(x)


def case1_weight_decay_skips_unused_parameters():
    print("# 1. weight_decay and a module forward never calls")
    print("zero_grad default:", "set_to_none=False" if
          __import__("inspect").signature(torch.optim.Optimizer.zero_grad)
          .parameters["set_to_none"].default is False else "set_to_none=True")
    for name, make in (("SGD", lambda p: torch.optim.SGD(p, lr=0.1, weight_decay=0.5)),
                       ("SGD+momentum", lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, weight_decay=0.5)),
                       ("Adam", lambda p: torch.optim.Adam(p, lr=0.1, weight_decay=0.5))):
        torch.manual_seed(0)
        X = torch.rand(8, 1)
        y = 3 * X + 2
        model = Unused()
        before = model.fc2.weight.item(), model.fc2.bias.item()
        page_loop(model, make(model.parameters()), X, y, epochs=5)
        after = model.fc2.weight.item(), model.fc2.bias.item()
        print(f"{name}: fc2.weight.grad is None: {model.fc2.weight.grad is None}; "
              f"fc2 unchanged after 5 epochs: {before == after}; "
              f"fc1.weight.grad is None: {model.fc1.weight.grad is None}")


def case2_bare_module_called_twice():
    print("# 2. a bare module is one call: nn.Linear(2, 2) as the model")
    lin = nn.Linear(2, 2)
    print("forward of a bare Linear calls it once; lin(lin(x)) needs a subclass:",
          type(lin).forward is nn.Linear.forward)


class ParameterFree(nn.Module):
    """fc1 is registered; forward returns act(x), reaching no parameter."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(1, 1)
        self.act = nn.ReLU()

    def forward(self, x):
        return self.act(x)


def case3_forward_reaches_no_parameter():
    print("# 3. a forward that reaches no parameter")
    torch.manual_seed(0)
    X = torch.rand(8, 1)
    y = 3 * X + 2
    model = ParameterFree()
    try:
        page_loop(model, torch.optim.SGD(model.parameters(), lr=0.01), X, y, epochs=1)
        print("no error")
    except RuntimeError as e:
        print(f"RuntimeError at loss.backward(): {e}")


def case4_module_attribute_names():
    print("# 4. names every nn.Module already has")
    for name in ("forward", "training", "parameters", "state_dict", "to", "cuda", "train", "eval", "_modules"):
        try:
            nn.Module().add_module(name, nn.Linear(1, 1))
            print(f"{name}: accepted")
        except KeyError as e:
            print(f"{name}: KeyError: {e}")
    # self.forward = nn.Linear(…) is accepted by __setattr__, but the
    # method still wins the lookup, so forward calls itself
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.forward = nn.Linear(1, 1)

        def forward(self, x):
            return self.forward(x)
    try:
        Net()(torch.zeros(1, 1))
    except RecursionError:
        print("self.forward = nn.Linear(1, 1) then forward: RecursionError")
    names = sorted(dir(nn.Module()))
    print(f"dir(nn.Module()): {len(names)} names")
    print(" ".join(names))
    extra = sorted(set(dir(nn.Sequential())) - set(names))
    print("a Sequential adds (its children are named 0, 1, 2…, never these):", " ".join(extra))


def case5_trace_empty_sequential():
    print("# 5. the forward hook on leaf modules, with an empty nn.Sequential()")
    model = nn.Sequential(nn.Linear(3, 2), nn.Sequential(), nn.ReLU())
    lines = []

    def hook(module, inputs, output):
        lines.append(f"{module.__class__.__name__:8s} -> {tuple(output.shape)}")
    for m in model.modules():
        if len(list(m.children())) == 0:
            m.register_forward_hook(hook)
    model(torch.randn(5, 3))
    for line in lines:
        print(line)
    lines.clear()
    empty = nn.Sequential()
    for m in empty.modules():
        if len(list(m.children())) == 0:
            m.register_forward_hook(hook)
    empty(torch.randn(5, 1))
    print("a model that is an empty nn.Sequential():", lines)


def case6_broadcasting_warnings():
    print("# 6. MSELoss broadcasting warnings with a smaller last batch")
    torch.manual_seed(0)
    X = torch.rand(10, 1)
    y = 3 * X + 2                  # (10, 1) against the model's (10, 2)
    model = nn.Linear(1, 2)
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr):
        warnings.resetwarnings()
        warnings.simplefilter("default")
        page_loop(model, torch.optim.SGD(model.parameters(), lr=0.01), X, y, epochs=3, batch_size=4)
    for line in stderr.getvalue().splitlines():
        if "UserWarning" in line:
            print(line[line.index("UserWarning"):])


if __name__ == "__main__":
    sys.setrecursionlimit(200)
    case1_weight_decay_skips_unused_parameters()
    case2_bare_module_called_twice()
    case3_forward_reaches_no_parameter()
    case4_module_attribute_names()
    case5_trace_empty_sequential()
    case6_broadcasting_warnings()
