#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Golden random numbers for tests/test-rng.c and tests/test-init.c.

Real PyTorch 1.13 draws them: torch.manual_seed(seed), then one call
(rand, randn, uniform_, normal_, randperm or an nn.init function), for
seeds 0, 1, 42, 2026 and sizes 1, 7, 15, 16, 17, 100, 1000. Sizes around 16
matter: normal_ on float32 switches from a scalar double path to the
vectorised Box–Muller at 16 values and redraws a ragged tail
(shared/lesson/RNG.md).

Float32 values are written as 8-hex-digit bit patterns ("3e8a1c2b") so the
C tests compare bits, not decimals; a tensor's values are run together in
one string, 8 digits per value, to keep the file small. Init results larger
than 1024 values keep their first 32 values and a SHA-256 of all of them. After each call the next randn(1) and
rand(1) are recorded too ("after"): they catch a generator left in the
wrong place, or a cached normal sample that should (or should not) be
there.

The vectorised normal_ computes ln, sin and cos with avx_mathfun's
polynomials on AVX2; this script pins ATEN_CPU_CAPABILITY=avx2 so the file
does not depend on the machine's widest vector unit.

Run with PyTorch 1.13 (Debian's /usr/bin/python3 has it):

    /usr/bin/python3 tests/reference/make_rng_golden.py

It writes tests/data/rng-golden.json next to this folder.
"""

import hashlib
import json
import math
import os

os.environ["ATEN_CPU_CAPABILITY"] = "avx2"

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

SEEDS = [0, 1, 42, 2026]
SIZES = [1, 7, 15, 16, 17, 100, 1000]
FULL_LIMIT = 1024
HEAD = 32


def bits(t: torch.Tensor) -> str:
    """float32 bit patterns, 8 hex digits each, run together."""
    a = t.detach().to(torch.float32).contiguous().reshape(-1).numpy()
    return "".join("%08x" % v for v in a.view(np.uint32).tolist())


def values(t: torch.Tensor, key: str = "bits") -> dict:
    """Up to 1024 values in full; a larger tensor as its first 32 values and
    the SHA-256 of all its little-endian bytes, which keeps the file small
    and the comparison exact."""
    t = t.detach().to(torch.float32).contiguous().reshape(-1)
    if t.numel() <= FULL_LIMIT:
        return {key: bits(t)}
    digest = hashlib.sha256(t.numpy().astype("<f4").tobytes()).hexdigest()
    return {key + "_head": bits(t[:HEAD]), key + "_sha256": digest}


def after() -> str:
    """What the generator gives next: one scalar-path normal, one uniform."""
    return bits(torch.randn(1)) + bits(torch.rand(1))


def stream_cases() -> list:
    ops = {
        "rand": lambda n: torch.rand(n),
        "randn": lambda n: torch.randn(n),
        "uniform_": lambda n: torch.empty(n).uniform_(-1.1, 3.3),
        "normal_": lambda n: torch.empty(n).normal_(0.5, 2.0),
    }
    # float(3.3) - float(-1.1) rounds in float32: the range is a float
    # subtraction in PyTorch, and these bounds show it
    args = {"uniform_": [-1.1, 3.3], "normal_": [0.5, 2.0]}
    cases = []
    for op, fn in ops.items():
        for seed in SEEDS:
            for size in SIZES:
                torch.manual_seed(seed)
                values = fn(size)
                case = {"op": op, "seed": seed, "size": size}
                if op in args:
                    case["args"] = args[op]
                case["bits"] = bits(values)
                case["after"] = after()
                cases.append(case)
    return cases


def digest_cases() -> list:
    """Long streams, kept as SHA-256 of their little-endian bytes: a single
    flipped bit anywhere in a million values shows."""
    calls = [
        ("randn", [], lambda n: torch.randn(n)),
        ("normal_", [-0.3, 1.7], lambda n: torch.empty(n).normal_(-0.3, 1.7)),
        ("uniform_", [-1.1, 3.3], lambda n: torch.empty(n).uniform_(-1.1, 3.3)),
        ("randperm", [], lambda n: torch.randperm(n)),
    ]
    cases = []
    for op, args, fn in calls:
        for seed, size in [(0, 1000003), (2026, 65541)]:
            torch.manual_seed(seed)
            values = fn(size)
            data = values.numpy().astype("<i8" if op == "randperm" else "<f4").tobytes()
            cases.append({"op": op, "args": args, "seed": seed, "size": size,
                          "sha256": hashlib.sha256(data).hexdigest(), "after": after()})
    return cases


def randperm_cases() -> list:
    cases = []
    for seed in SEEDS:
        for size in SIZES:
            torch.manual_seed(seed)
            values = torch.randperm(size).tolist()
            cases.append({"seed": seed, "size": size, "values": values, "after": after()})
    return cases


# name, arguments (as the C test reads them), call
INIT_VARIANTS = [
    ("xavier_uniform_", {"gain": 1.0}, lambda t: nn.init.xavier_uniform_(t)),
    ("xavier_uniform_", {"gain": 1.7}, lambda t: nn.init.xavier_uniform_(t, gain=1.7)),
    ("xavier_normal_", {"gain": 1.0}, lambda t: nn.init.xavier_normal_(t)),
    ("xavier_normal_", {"gain": 0.3}, lambda t: nn.init.xavier_normal_(t, gain=0.3)),
    ("kaiming_uniform_", {"a": 0.0, "mode": "fan_in", "nonlinearity": "relu"},
     lambda t: nn.init.kaiming_uniform_(t, mode="fan_in", nonlinearity="relu")),
    ("kaiming_uniform_", {"a": 0.2, "mode": "fan_out", "nonlinearity": "leaky_relu"},
     lambda t: nn.init.kaiming_uniform_(t, a=0.2, mode="fan_out", nonlinearity="leaky_relu")),
    ("kaiming_uniform_", {"a": math.sqrt(5), "mode": "fan_in", "nonlinearity": "leaky_relu"},
     lambda t: nn.init.kaiming_uniform_(t, a=math.sqrt(5))),
    ("kaiming_normal_", {"a": 0.0, "mode": "fan_in", "nonlinearity": "relu"},
     lambda t: nn.init.kaiming_normal_(t, mode="fan_in", nonlinearity="relu")),
    ("kaiming_normal_", {"a": 0.2, "mode": "fan_out", "nonlinearity": "leaky_relu"},
     lambda t: nn.init.kaiming_normal_(t, a=0.2, mode="fan_out", nonlinearity="leaky_relu")),
    ("normal_", {"mean": -0.3, "std": 0.7}, lambda t: nn.init.normal_(t, -0.3, 0.7)),
    ("uniform_", {"a": -2.5, "b": 3.0}, lambda t: nn.init.uniform_(t, -2.5, 3.0)),
    ("zeros_", {}, lambda t: nn.init.zeros_(t)),
    ("ones_", {}, lambda t: nn.init.ones_(t)),
    ("constant_", {"value": 0.1}, lambda t: nn.init.constant_(t, 0.1)),
]


def init_shapes(size: int) -> list:
    # numel 3·size, 4·size and size: the last keeps small sizes on the
    # scalar normal path
    return [[size, 3], [4, size], [1, size]]


def init_cases() -> list:
    cases = []
    for k, (op, args, fn) in enumerate(INIT_VARIANTS):
        for si, seed in enumerate(SEEDS):
            for size in SIZES:
                shape = init_shapes(size)[(k + si) % 3]
                torch.manual_seed(seed)
                t = fn(torch.empty(shape))
                case = {"op": op, "args": args, "seed": seed, "shape": shape}
                if op in ("zeros_", "ones_", "constant_"):
                    fill = bits(t)
                    assert fill == fill[:8] * t.numel()
                    case["fill"] = fill[:8]
                else:
                    case.update(values(t))
                case["after"] = after()
                cases.append(case)
    return cases


def linear_cases() -> list:
    """nn.Linear(in, out) as constructed: weight first, then bias."""
    cases = []
    for si, seed in enumerate(SEEDS):
        for size in SIZES:
            in_f, out_f = [(3, size), (size, 4), (size, 1)][si % 3]
            torch.manual_seed(seed)
            m = nn.Linear(in_f, out_f)
            cases.append({"seed": seed, "in": in_f, "out": out_f,
                          **values(m.weight, "weight"), **values(m.bias, "bias"), "after": after()})
    return cases


def sequence_case() -> dict:
    """Mixed calls on one generator: randn(5) leaves a cached normal that the
    next scalar-path call must use, while the vectorised path ignores it."""
    steps = [("randn", 5), ("randn", 3), ("rand", 100), ("randn", 20), ("randn", 1),
             ("randperm", 10), ("randn", 17), ("rand", 3), ("randn", 2), ("randn", 15)]
    torch.manual_seed(7)
    out = []
    for op, n in steps:
        if op == "randperm":
            out.append({"op": op, "size": n, "values": torch.randperm(n).tolist()})
        else:
            out.append({"op": op, "size": n, "bits": bits(getattr(torch, op)(n))})
    return {"seed": 7, "steps": out}


def big_seed_cases() -> list:
    """torch.manual_seed keeps the low 32 bits of a 64-bit seed."""
    cases = []
    for seed in [2 ** 32 + 42, 2 ** 63 + 2026, 2 ** 64 - 1, 67280421310721]:
        torch.manual_seed(seed)
        cases.append({"seed": str(seed), "rand": bits(torch.rand(20)), "randn": bits(torch.randn(20))})
    return cases


def default_generator_case() -> dict:
    g = torch.Generator()  # a new generator starts at PyTorch's default seed
    return {"initial_seed": str(g.initial_seed()),
            "rand": bits(torch.rand(8, generator=g)),
            "randn": bits(torch.randn(20, generator=g))}


def gains() -> dict:
    g = nn.init.calculate_gain
    return {"linear": g("linear"), "sigmoid": g("sigmoid"), "tanh": g("tanh"),
            "relu": g("relu"), "leaky_relu_0": g("leaky_relu", 0),
            "leaky_relu_0.01": g("leaky_relu", 0.01), "leaky_relu_sqrt5": g("leaky_relu", math.sqrt(5))}


def error_text(fn) -> str:
    try:
        fn()
    except (RuntimeError, ValueError) as e:
        return str(e)
    raise AssertionError("no error")


def errors() -> dict:
    return {
        "fan_1d": error_text(lambda: nn.init.xavier_uniform_(torch.empty(5))),
        "uniform_reversed": error_text(lambda: torch.empty(3).uniform_(2, 1)),
        "uniform_too_wide": error_text(lambda: torch.empty(3).uniform_(-3e38, 3e38)),
        "uniform_from_out_of_bounds": error_text(lambda: torch.empty(3).uniform_(-1e39, 0)),
        "uniform_to_out_of_bounds": error_text(lambda: torch.empty(3).uniform_(0, 1e39)),
        "normal_negative_std": error_text(lambda: torch.empty(3).normal_(0, -1.5)),
    }


def main() -> None:
    assert torch.__version__.startswith("1.13"), torch.__version__
    assert "CPU capability usage: AVX2" in torch.__config__.show()
    torch.set_num_threads(1)
    golden = {
        "generator": "tests/reference/make_rng_golden.py",
        "torch_version": torch.__version__,
        "seeds": SEEDS,
        "sizes": SIZES,
        "streams": stream_cases(),
        "randperm": randperm_cases(),
        "digests": digest_cases(),
        "init": init_cases(),
        "linear": linear_cases(),
        "sequence": sequence_case(),
        "big_seeds": big_seed_cases(),
        "default_generator": default_generator_case(),
        "gains": gains(),
        "errors": errors(),
    }
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "..", "data", "rng-golden.json")
    with open(path, "w") as f:
        # one case per line: compact, yet diffs stay readable
        f.write("{\n")
        items = list(golden.items())
        for i, (key, value) in enumerate(items):
            f.write(json.dumps(key) + ":")
            if isinstance(value, list) and value and isinstance(value[0], dict):
                f.write("[\n" + ",\n".join(json.dumps(v, separators=(",", ":")) for v in value) + "\n]")
            else:
                f.write(json.dumps(value, separators=(",", ":")))
            f.write(",\n" if i + 1 < len(items) else "\n")
        f.write("}\n")


if __name__ == "__main__":
    main()
