#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every number the Day 2 lesson (data/lessons/day02.lesson) quotes, from
the page's own programs run in real PyTorch 1.13.

    /usr/bin/python3 tests/reference/lesson_numbers.py

prints one `label = value` line per number, in the lesson's order, e.g.

    sinenet_lr_0_05_converged_epoch = 1543

The programs are the page's (shared/lesson/day02-building-models-with-nn-
module.txt), copied as they stand: the same seeds, the same order of draws,
the same loops and print formats. tests/reference/check_lesson_numbers.py
holds the lesson's sentences against these lines; FACTS.md records the
same numbers by hand. The numbers of the lesson's explanations around
those programs (default init, forgotten zero_grad(), other learning rates…)
come from day02_text_numbers.py, whose lines this script prints at its end.

Takes about ten seconds: SineNet trains 1544 + 5000 epochs.
"""
import math
import warnings

# the PyTorch NN Blocks reproduces: OpenBLAS kernel, threads, ATen kernels
import nnb_pytorch_env  # noqa: E402,F401  (before torch and numpy load)

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

torch.set_num_threads(1)


def say(label, value):
    print(f"{label} = {value}", flush=True)


def shape(t):
    return str(tuple(t.shape))


def error_of(fn):
    try:
        fn()
    except (RuntimeError, AttributeError) as e:
        return f"{type(e).__name__}: {e}"
    return "no error"


def init_weights(m):
    if isinstance(m, nn.Linear):
        nn.init.xavier_uniform_(m.weight)
        nn.init.zeros_(m.bias)


# --- the page's models ---

class MLP(nn.Module):
    def __init__(self, in_dim, hidden, out_dim):
        super().__init__()
        self.fc1 = nn.Linear(in_dim, hidden)
        self.fc2 = nn.Linear(hidden, hidden)
        self.head = nn.Linear(hidden, out_dim)
        self.act = nn.ReLU()

    def forward(self, x):
        h = self.act(self.fc1(x))
        h = self.act(self.fc2(h)) + h
        return self.head(h)


class SineNet(nn.Module):
    def __init__(self, hidden=64):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(1, hidden), nn.Tanh(),
            nn.Linear(hidden, hidden), nn.Tanh(),
            nn.Linear(hidden, 1),
        )

    def forward(self, x):
        return self.net(x)


class Forgetful(nn.Module):
    """The subclass that leaves out super().__init__()."""

    def __init__(self):
        self.fc1 = nn.Linear(3, 16)


def main():
    say("pytorch_version", ".".join(torch.__version__.split(".")[:2]))
    say("day", 1)  # the course day the lesson builds on ("On Day 1 …")

    # --- linear: nn.Linear keeps its weight transposed ---
    torch.manual_seed(0)
    layer = nn.Linear(in_features=3, out_features=2)
    say("linear_seed", 0)
    say("linear_in_out", "3 2")
    say("linear_weight_shape", shape(layer.weight))
    say("linear_bias_shape", shape(layer.bias))
    w = layer.weight.detach().tolist()
    say("linear_weight", "[" + ", ".join("[" + ", ".join(f"{v:.4f}" for v in row) + "]" for row in w) + "]")
    say("linear_bias", "[" + ", ".join(f"{v:.4f}" for v in layer.bias.detach().tolist()) + "]")
    x = torch.randn(5, 3)
    say("linear_batch_in", shape(x))
    say("linear_weight_t_shape", shape(layer.weight.t()))
    say("linear_batch_out", shape(layer(x)))
    say("linear_sequence_out", f"(batch, sequence, 3) -> (batch, sequence, {layer(torch.randn(4, 7, 3)).shape[-1]})")

    # --- flat-input: a (5,) tensor through Linear(3, 2) ---
    say("flat_input_shape", shape(torch.randn(5)))
    say("flat_input_error", error_of(lambda: layer(torch.randn(5))))
    say("flat_input_mat1_rows_by_cols", "1 5")
    say("flat_input_mat2_rows_by_cols", "3 2")
    say("flat_input_fixed", f"x.unsqueeze(1) -> {shape(torch.randn(5).unsqueeze(1))}")

    # --- sequential ---
    mlp = nn.Sequential(
        nn.Linear(3, 16), nn.ReLU(),
        nn.Linear(16, 16), nn.ReLU(),
        nn.Linear(16, 1),
    )
    say("sequential_out", shape(mlp(torch.randn(5, 3))))
    say("sequential_children", " ".join(name for name, _ in mlp.named_children()))
    say("sequential_parameter_names", " ".join(name for name, _ in mlp.named_parameters()))
    say("sequential_relu_positions", " ".join(n for n, m in mlp.named_children() if isinstance(m, nn.ReLU)))

    # --- shape-mistake ---
    bad = nn.Sequential(nn.Linear(3, 16), nn.ReLU(), nn.Linear(8, 1))
    say("shape_mistake_error", error_of(lambda: bad(torch.randn(5, 3))))

    # --- subclass: forgetting super().__init__() ---
    say("subclass_error", error_of(Forgetful))

    # --- parameter-tree: 353 ---
    model = MLP(in_dim=3, hidden=16, out_dim=1)
    for name, p in model.named_parameters():
        say(f"parameter_{name.replace('.', '_')}", f"{shape(p)} {p.numel()}")
    say("mlp_parameters", sum(p.numel() for p in model.parameters()))
    say("mlp_act_parameters", sum(p.numel() for p in model.act.parameters()))

    # --- shape-trace ---
    lines = []

    def shape_hook(module, args, output):
        lines.append(f"{module.__class__.__name__:8s} -> {tuple(output.shape)}")

    handles = [m.register_forward_hook(shape_hook) for m in model.modules() if len(list(m.children())) == 0]
    model(torch.randn(5, 3))
    for h in handles:
        h.remove()
    say("shape_trace", "; ".join(lines))

    # --- devices ---
    if torch.cuda.is_available():
        say("device_error", error_of(lambda: model.to("cuda")(torch.randn(5, 3))))
        model.to("cpu")
    else:
        say("device_error", "no CUDA here; PyTorch's message names cuda:0 and cpu")

    # --- init: std 0.3105, and what theory predicts ---
    say("default_init_a", "kaiming_uniform_ a = sqrt(5)")
    torch.manual_seed(42)
    model.apply(init_weights)
    say("init_seed", 42)
    say("init_fc1_weight_std", f"{model.fc1.weight.std().item():.4f}")
    bound = math.sqrt(6 / (3 + 16))
    say("xavier_bound_fan_in_fan_out", "6 / (3 + 16)")
    say("xavier_bound", f"{bound:.3f}")
    say("xavier_std", f"{bound / math.sqrt(3):.3f}")  # of a uniform ±bound: bound / √3

    # --- regression (Stages 1–3) ---
    torch.manual_seed(0)
    X = torch.rand(100, 1) * 10
    y = 3 * X + 2 + torch.randn(100, 1) * 0.5
    say("regression_data", "100 points of y = 3x + 2, x between 0 and 10, seed 0")
    say("regression_x_shape", shape(X))
    model = nn.Linear(1, 1)
    loss_fn = nn.MSELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    say("regression_model", "nn.Linear(1, 1), lr 0.01")
    for epoch in range(200):
        y_hat = model(X)
        loss = loss_fn(y_hat, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if epoch % 50 == 0 or epoch == 199:
            say(f"regression_loss_epoch_{epoch}", f"{loss.item():.4f}")
    say("regression_learned", f"y = {model.weight.item():.3f}x + {model.bias.item():.3f}")
    # the flat target: broadcast, with PyTorch's warning
    flat = y.reshape(-1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        loss_fn(model(X), flat)
    say("regression_flat_target", f"{shape(flat)} against {shape(model(X))} broadcasts to "
        f"{shape(model(X) - flat)}; warns: {caught[0].message if caught else 'nothing'}")

    # --- zero-grad: three backward() calls add up ---
    torch.manual_seed(0)
    lin = nn.Linear(1, 1)
    X4, y4 = torch.ones(4, 1), torch.zeros(4, 1)
    grads = []
    for _ in range(3):
        nn.MSELoss()(lin(X4), y4).backward()
        grads.append(f"{lin.weight.grad.item():.7f}")
    say("zero_grad_rows", "4 rows of ones, zeros as targets, Linear(1, 1) seed 0")
    say("zero_grad_weight_grads", ", ".join(grads))

    # --- the exercise: the page's solution ---
    torch.manual_seed(0)
    X = torch.rand(200, 1) * 2 * math.pi
    y = torch.sin(X) + 0.1 * torch.randn(200, 1)
    say("sine_data", "200 points of y = sin(x) + 0.1 noise, x between 0 and 2 pi, until loss 0.02")

    def solution(lr, epochs=5000, until=0.02, log=None):
        """The printed solution with its lr; the model is built from the
        same generator state every time (seed 0, then the data)."""
        torch.manual_seed(0)
        torch.rand(200, 1), torch.randn(200, 1)  # the data's draws, as above
        model = SineNet()
        model.apply(init_weights)
        loss_fn = nn.MSELoss()
        optimizer = torch.optim.SGD(model.parameters(), lr=lr)
        for epoch in range(epochs):
            loss = loss_fn(model(X), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            if log is not None:
                log(epoch, loss.item())
            if until is not None and loss.item() < until:
                return model, epoch, loss.item(), True
        return model, epochs - 1, loss.item(), False

    # as printed: lr 0.1 diverges
    first = []
    nan_epoch = []

    def log(epoch, value):
        if epoch < 3:
            first.append(f"{value:.4f}")
        if math.isnan(value) and not nan_epoch:
            nan_epoch.append(epoch)

    model, _, _, _ = solution(0.1, epochs=100, until=None, log=log)
    say("sinenet_hidden", 64)
    say("sinenet_parameters", sum(p.numel() for p in model.parameters()))
    say("sinenet_parameter_sum", " + ".join(f"{p.numel()}" for p in model.parameters()))
    say("sinenet_lr_0_1_first_losses", ", ".join(first))
    say("sinenet_lr_0_1_first_nan_epoch", nan_epoch[0] if nan_epoch else "none")
    say("page_claim_sinenet_loss", "0.019 (the page's comment; not what PyTorch gives)")

    say("sinenet_lr_0_05_run", "lr 0.05 (half of 0.1), until loss 0.02")
    _, epoch, loss, converged = solution(0.05)
    say("sinenet_lr_0_05_converged_epoch", epoch if converged else "none")
    say("sinenet_lr_0_05_converged_loss", f"{loss:.4f} (below 0.02)")
    say("sinenet_lr_0_01_run", "lr 0.01, 5000 epochs")
    _, epoch, loss, converged = solution(0.01)
    say("sinenet_lr_0_01_epochs", epoch + 1)
    say("sinenet_lr_0_01_final_loss", f"{loss:.4f}")

    # --- straight-line: the page's baseline ---
    torch.manual_seed(0)
    linear = nn.Linear(1, 1)
    opt = torch.optim.SGD(linear.parameters(), lr=0.01)
    loss_fn = nn.MSELoss()
    for _ in range(5000):
        l = loss_fn(linear(X), y)
        opt.zero_grad()
        l.backward()
        opt.step()
    say("linear_on_sine", "nn.Linear(1, 1) seed 0, lr 0.01, 5000 epochs")
    say("linear_on_sine_final_loss", f"{l.item():.4f}")
    say("linear_on_sine_tensors", len(list(linear.parameters())))

    # --- the explanations around the page's programs (issue 26) ---
    import day02_text_numbers
    day02_text_numbers.main()


if __name__ == "__main__":
    main()
