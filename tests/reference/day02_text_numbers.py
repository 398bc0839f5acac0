#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Day 2 lesson's explanations beyond the page's own programs (issue
26): what the default init is, what a forgotten zero_grad() does, how fast
the page's suggested learning rates diverge, what a flat input does, what
state_dict() holds beyond the parameters, and so on. Real PyTorch 1.13:

    /usr/bin/python3 tests/reference/day02_text_numbers.py

prints one `label = value` line per number, as lesson_numbers.py does;
lesson_numbers.py prints these lines too (at its end), so that
check_lesson_numbers.py holds the lesson's sentences against them.

Takes a few seconds: SineNet trains a few hundred epochs several times.
"""
import collections
import copy
import math

# the PyTorch NN Blocks reproduces: OpenBLAS kernel, threads, ATen kernels
import nnb_pytorch_env  # noqa: E402,F401  (before torch and numpy load)

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

torch.set_num_threads(1)


# the page's SineNet and the little helpers, as lesson_numbers.py has them
from lesson_numbers import SineNet, error_of, init_weights, say, shape  # noqa: E402


def sine_losses(lr, epochs, zero_grad=True):
    """The page's SineNet solution (seed 0, then the data, then the model),
    with lr; zero_grad=False leaves optimizer.zero_grad() out of the loop."""
    torch.manual_seed(0)
    X = torch.rand(200, 1) * 2 * math.pi
    y = torch.sin(X) + 0.1 * torch.randn(200, 1)
    model = SineNet()
    model.apply(init_weights)
    loss_fn = nn.MSELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        loss = loss_fn(model(X), y)
        if zero_grad:
            optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


def first(losses, test):
    return next((epoch for epoch, value in enumerate(losses) if test(value)), "none")


def four(values):
    return ", ".join(f"{v:.4f}" for v in values)


def default_init():
    """nn.Linear's own init, kaiming_uniform_(a=√5), against Kaiming for ReLU."""
    fan_in = 256
    gain = nn.init.calculate_gain("leaky_relu", math.sqrt(5))  # √(2 / (1 + 5))
    bound = gain * math.sqrt(3 / fan_in)
    say("default_init_bound_times_sqrt_fan_in", f"{bound * math.sqrt(fan_in):.4f}")  # 1: U(±1/√fan_in)
    relu_variance = 2 / fan_in                      # Kaiming for ReLU: std² = 2 / fan_in
    default_variance = bound ** 2 / 3               # of U(±bound)
    say("default_init_variance_ratio", f"{relu_variance / default_variance:.4f}")  # 6: a sixth
    torch.manual_seed(0)
    layer = nn.Linear(fan_in, fan_in)
    say("default_init_measured_bound_times_sqrt_fan_in",
        f"{layer.weight.abs().max().item() * math.sqrt(fan_in):.4f}")

    # ten Linear(256, 256) + ReLU layers, a batch of 1024 rows of randn, seed 0
    say("relu_stack", "10 layers of Linear(256, 256) + ReLU, batch 1024 of torch.randn, seed 0")
    for name in ("default", "kaiming_relu"):
        torch.manual_seed(0)
        layers = []
        for _ in range(10):
            linear = nn.Linear(256, 256)
            if name == "kaiming_relu":
                nn.init.kaiming_uniform_(linear.weight, nonlinearity="relu")
            layers += [linear, nn.ReLU()]
        net = nn.Sequential(*layers)
        h = torch.randn(1024, 256)
        stds = []
        with torch.no_grad():
            for module in net:
                h = module(h)
                if isinstance(module, nn.ReLU):
                    stds.append(h.std().item())
        say(f"relu_stack_{name}_std_layer_1", f"{stds[0]:.2f}")
        say(f"relu_stack_{name}_std_layer_10", f"{stds[-1]:.2f}")
        if name == "kaiming_relu":
            say(f"relu_stack_{name}_std_about", f"{stds[-1]:.1f}")
    say("relu_stack_layers", 10)
    say("relu_stack_width", 256)
    say("relu_stack_batch", 1024)


def devices():
    """model.to() changes the parameters in place: the same Parameter
    objects, so an optimizer built before still holds them. Shown with a
    dtype, which goes through the same Module._apply as a device."""
    torch.manual_seed(0)
    model = nn.Linear(3, 2)
    before = list(model.parameters())
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    model.to(torch.float64)
    after = list(model.parameters())
    say("to_keeps_parameter_objects", all(a is b for a, b in zip(before, after)))
    weight = model.weight.detach().clone()
    model(torch.randn(5, 3, dtype=torch.float64)).sum().backward()
    optimizer.step()
    say("optimizer_built_before_to_still_trains", not torch.equal(weight, model.weight.detach()))
    # PyTorch 1.13's error for the MLP on cuda:0 and a CPU batch: not measured
    # here (no GPU), as PyTorch 1.13 prints it on one (issue 26); addmm's
    # wrapper checks self (the bias, cuda:0) and then mat1 (the input, cpu)
    say("device_error_full", "Expected all tensors to be on the same device, but found at least two devices, "
        "cuda:0 and cpu! (when checking argument for argument mat1 in method wrapper_addmm)")


def flat_input():
    torch.manual_seed(0)
    layer = nn.Linear(3, 2)
    say("flat_unsqueeze_1_error", error_of(lambda: layer(torch.randn(5).unsqueeze(1))))
    say("single_sample_in", shape(torch.randn(3)))
    say("single_sample_out", shape(layer(torch.randn(3))))
    say("single_sample_unsqueeze_0_out", shape(layer(torch.randn(3).unsqueeze(0))))
    say("regression_unsqueeze_1", f"(100,) -> {shape(torch.rand(100).unsqueeze(1))}")


def state_dict_keys():
    net = nn.Sequential(nn.Linear(3, 16), nn.BatchNorm1d(16))
    say("batchnorm_parameter_names", " ".join(n for n, _ in net.named_parameters()))
    say("batchnorm_state_dict_keys", " ".join(net.state_dict().keys()))
    say("batchnorm_buffers", " ".join(n for n, _ in net.named_buffers()))


class MLP(nn.Module):
    """The page's MLP; with functional=True its forward calls F.relu and
    __init__ has no self.act."""

    def __init__(self, in_dim, hidden, out_dim, functional=False):
        super().__init__()
        self.fc1 = nn.Linear(in_dim, hidden)
        self.fc2 = nn.Linear(hidden, hidden)
        self.head = nn.Linear(hidden, out_dim)
        self.functional = functional
        if not functional:
            self.act = nn.ReLU()

    def forward(self, x):
        if self.functional:
            h = F.relu(self.fc1(x))
            h = F.relu(self.fc2(h)) + h
        else:
            h = self.act(self.fc1(x))
            h = self.act(self.fc2(h)) + h
        return self.head(h)


def trace_lines(model, modules, x):
    """The lesson's shape_hook on these modules, one call of the model: the
    lines it prints (spaces collapsed) and the hooks left after h.remove()."""
    lines = []

    def shape_hook(module, args, output):
        lines.append(" ".join(f"{module.__class__.__name__:8s} -> {tuple(output.shape)}".split()))

    handles = [m.register_forward_hook(shape_hook) for m in modules]
    model(x)
    for h in handles:
        h.remove()
    return lines


def forward_hooks():
    """The shape-trace step's registration: the leaf filter, the handles."""
    torch.manual_seed(0)
    model = MLP(3, 16, 1)
    say("hook_modules", " ".join(type(m).__name__ + (f" {n}" if n else "")
                                 for n, m in model.named_modules()))
    leaves = [m for m in model.modules() if not list(m.children())]
    say("hook_leaves", " ".join(type(m).__name__ for m in leaves))
    handle = leaves[0].register_forward_hook(lambda *a: None)
    say("hook_handle_type", type(handle).__name__)
    handle.remove()
    say("hook_trace_leaves", "; ".join(trace_lines(model, leaves, torch.randn(5, 3))))
    with_model = trace_lines(model, list(model.modules()), torch.randn(5, 3))
    say("hook_trace_with_model_last_line", with_model[-1])
    say("hook_trace_with_model_lines", len(with_model))
    say("hook_model_output_shape", shape(model(torch.randn(5, 3))))
    # after h.remove(): no hook left, a call prints nothing
    say("hooks_left_after_remove", sum(len(m._forward_hooks) for m in model.modules()))
    calls = []
    handles = [m.register_forward_hook(lambda *a: calls.append(a[0])) for m in leaves]
    for h in handles:
        h.remove()
    model(torch.randn(5, 3))
    say("hook_calls_after_remove", len(calls))
    # a hook returning None leaves the output; one returning a tensor replaces it
    layer, x = nn.Linear(3, 2), torch.randn(5, 3)
    y = layer(x)
    handle = layer.register_forward_hook(lambda m, args, out: None)
    say("hook_returning_none_keeps_output", torch.equal(layer(x), y))
    handle.remove()
    handle = layer.register_forward_hook(lambda m, args, out: out * 0)
    say("hook_returning_tensor_keeps_output", torch.equal(layer(x), y))
    handle.remove()
    seen = []
    handle = layer.register_forward_hook(lambda m, args, out: seen.append(type(args).__name__))
    layer(x)
    handle.remove()
    say("hook_args_type", seen[0])


def functional_activation():
    """F.relu in forward instead of a self.act module."""
    torch.manual_seed(0)
    with_module = MLP(3, 16, 1)
    torch.manual_seed(0)
    with_function = MLP(3, 16, 1, functional=True)
    x = torch.randn(5, 3)
    say("functional_relu_same_output", torch.equal(with_module(x), with_function(x)))
    say("torch_relu_equals_F_relu", torch.equal(torch.relu(x), F.relu(x)))
    say("functional_relu_same_parameter_count",
        sum(p.numel() for p in with_module.parameters()) == sum(p.numel() for p in with_function.parameters()))
    say("functional_relu_printed_children", " ".join(n for n, _ in with_function.named_children()))
    leaves = [m for m in with_function.modules() if not list(m.children())]
    say("functional_relu_trace", "; ".join(trace_lines(with_function, leaves, torch.randn(5, 3))))
    say("functional_relu_trace_lines", len(leaves))


def reused_modules():
    """One module called at two places is one layer: a Linear's gradients
    add up, a BatchNorm1d's running statistics see both batches."""
    torch.manual_seed(0)
    layer = nn.Linear(3, 3)
    x1, x2 = torch.randn(4, 3), torch.randn(4, 3)
    (layer(x1).sum() + layer(x2).sum()).backward()
    both = layer.weight.grad.clone()
    grads = []
    for x in (x1, x2):
        layer.weight.grad = None
        layer(x).sum().backward()
        grads.append(layer.weight.grad.clone())
    say("reused_linear_grad_is_sum", torch.allclose(both, grads[0] + grads[1]))
    norm = nn.BatchNorm1d(3)
    norm(x1)
    norm(x2)
    say("reused_batchnorm_num_batches_tracked", norm.num_batches_tracked.item())
    norm.eval()
    mean = norm.running_mean.clone()
    norm(x1)
    say("batchnorm_eval_keeps_running_mean", torch.equal(mean, norm.running_mean))


def state_dict_contents():
    """What state_dict() holds: an OrderedDict of detached tensors that share
    memory with the model; a deepcopy keeps the weights of that moment."""
    torch.manual_seed(0)
    model = MLP(3, 16, 1)
    sd = model.state_dict()
    say("state_dict_type", type(sd).__name__)
    say("state_dict_len", len(sd))
    say("state_dict_first_keys", list(sd)[:2])
    say("state_dict_requires_grad", sd["fc1.weight"].requires_grad)
    say("state_dict_grad_fn", sd["fc1.weight"].grad_fn)
    say("state_dict_shares_memory", sd["fc1.weight"].data_ptr() == model.fc1.weight.data_ptr())
    saved = copy.deepcopy(model.state_dict())
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    model(torch.randn(5, 3)).sum().backward()
    optimizer.step()
    say("state_dict_follows_step", torch.equal(sd["fc1.weight"], model.fc1.weight.detach()))
    say("state_dict_deepcopy_kept", not torch.equal(saved["fc1.weight"], model.fc1.weight.detach()))
    net = nn.Sequential(nn.Linear(3, 16), nn.BatchNorm1d(16))
    say("batchnorm_buffer_in_parameters",
        any(b is p for _, b in net.named_buffers() for p in net.parameters()))
    net.to(torch.float64)
    say("buffer_moved_by_to", net[1].running_mean.dtype)


def sequential_or_subclass():
    mlp = nn.Sequential(nn.Linear(3, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 1))
    say("mlp_index_0_weight_shape", shape(mlp[0].weight))
    named = nn.Sequential(collections.OrderedDict([
        ("fc1", nn.Linear(3, 16)), ("act", nn.ReLU()), ("head", nn.Linear(16, 1)),
    ]))
    say("ordered_dict_parameter_names", " ".join(n for n, _ in named.named_parameters()))
    say("ordered_dict_attribute", shape(named.fc1.weight))
    say("sinenet_parameter_names", " ".join(n for n, _ in SineNet().named_parameters()))


def zero_grad_print():
    torch.manual_seed(0)
    lin = nn.Linear(1, 1)
    nn.MSELoss()(lin(torch.ones(4, 1)), torch.zeros(4, 1)).backward()
    say("zero_grad_print_default", str(lin.weight.grad))
    torch.set_printoptions(precision=7)
    say("zero_grad_print_precision_7", str(lin.weight.grad))
    torch.set_printoptions(profile="default")


def learning_rates():
    # the page's lr 0.1: inf first, nan a few epochs later
    losses = sine_losses(0.1, 100)
    say("sinenet_lr_0_1_first_inf_epoch", first(losses, math.isinf))

    # the right loop at lr 0.05 rises for a few epochs too, then converges
    losses = sine_losses(0.05, 10)
    say("sinenet_lr_0_05_first_losses", four(losses[:5]))
    say("sinenet_lr_0_05_peak", f"{max(losses):.4f} at epoch {losses.index(max(losses))}")

    # the loop without optimizer.zero_grad(), lr 0.05
    losses = sine_losses(0.05, 2000, zero_grad=False)
    say("no_zero_grad_lr", 0.05)
    say("no_zero_grad_first_losses", four(losses[:3]))
    say("no_zero_grad_first_40_range", f"{min(losses[3:40]):.2f} and {max(losses[3:40]):.2f}")
    say("no_zero_grad_first_40_epochs", 40)
    say("no_zero_grad_below_0_02", any(v < 0.02 for v in losses))
    say("no_zero_grad_first_inf_epoch", first(losses, math.isinf))
    say("no_zero_grad_first_nan_epoch", first(losses, math.isnan))

    # the page's hint: "try 0.1–0.5 for tanh nets"
    for lr, label in ((0.1, "0_1"), (0.2, "0_2"), (0.5, "0_5")):
        losses = sine_losses(lr, 100)
        say(f"page_hint_lr_{label}_first_losses", four(losses[:3]))
        say(f"page_hint_lr_{label}_first_inf_epoch", first(losses, math.isinf))
        say(f"page_hint_lr_{label}_first_nan_epoch", first(losses, math.isnan))


def straight_line():
    """The best straight line by least squares: what no lr or init can beat."""
    torch.manual_seed(0)
    X = torch.rand(200, 1) * 2 * math.pi
    y = torch.sin(X) + 0.1 * torch.randn(200, 1)
    A = torch.cat([X, torch.ones_like(X)], dim=1).double()
    solution = torch.linalg.lstsq(A, y.double()).solution
    best = ((A @ solution - y.double()) ** 2).mean().item()
    say("best_straight_line_loss", f"{best:.4f}")
    say("best_straight_line", f"y = {solution[0].item():.3f}x + {solution[1].item():.3f}")


def main():
    default_init()
    devices()
    flat_input()
    state_dict_keys()
    state_dict_contents()
    sequential_or_subclass()
    reused_modules()
    functional_activation()
    forward_hooks()
    zero_grad_print()
    learning_rates()
    straight_line()


if __name__ == "__main__":
    main()
