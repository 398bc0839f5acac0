#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Golden numbers for tests/test-batch-norm-train.c, from real PyTorch 1.13.

Two projects train for 20 epochs of shuffled mini-batches, as NN Blocks'
trainer does (randperm from the default generator, model.train() for the
steps, model.eval() for the test loss): one with two BatchNorm1d (the second
momentum=None and affine=False), the same with the second affine, one with a BatchNorm1d without running
statistics (track_running_stats=False, eps=1e-3) and a LayerNorm. Recorded:
each epoch's loss and test loss, the final parameters and buffers
(running_mean, running_var as float32 bits, num_batches_tracked).

Then the first model's state_dict as PyTorch saves it in safetensors (the
format written by hand, as in make_safetensors_fixtures.py: the safetensors
package is not in Debian 12; num_batches_tracked as I64 of shape []), its
eval-mode output for a fixed input, and load_state_dict's messages for a
state_dict with a key missing, one too many and a wrong shape.

    /usr/bin/python3 tests/reference/make_batch_norm_golden.py

writes tests/data/batch-norm-golden.json. The C test also runs

    /usr/bin/python3 make_batch_norm_golden.py --check PROJECT.json W.safetensors X_HEX

which loads NN Blocks' safetensors with load_state_dict (strict) into the
project's PyTorch model and prints its eval-mode output on x as hex bits.
"""

import json
import os
import struct
import sys

import nnb_pytorch_env  # noqa: E402,F401  (before torch and numpy load)

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nnb_torch import build_split, make_model, make_optimizer, train_epoch  # noqa: E402

torch.set_num_threads(1)

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(os.path.dirname(HERE), "data", "batch-norm-golden.json")

BATCH_NORM_PROJECT = {
    "format": "nnblocks",
    "version": 1,
    "model": {
        "class": "Sequential",
        "modules": [
            {"type": "Linear", "in_features": 1, "out_features": 16, "bias": True},
            {"type": "BatchNorm1d", "num_features": 16},
            {"type": "Tanh"},
            {"type": "Linear", "in_features": 16, "out_features": 16, "bias": True},
            {"type": "BatchNorm1d", "num_features": 16, "momentum": None, "affine": False},
            {"type": "ReLU"},
            {"type": "Linear", "in_features": 16, "out_features": 1, "bias": True},
        ],
    },
    "seed": 0,
    "model_seed": 1,
    "data": {"kind": "sine", "n": 64, "noise": 0.1, "test_fraction": 0.25},
    "training": {"optimizer": "SGD", "lr": 0.05, "momentum": 0.9, "loss": "MSELoss", "epochs": 20,
                 "batch_size": 10},
}

# the same with the second BatchNorm1d affine (momentum=None only)
MOMENTUM_NONE_PROJECT = json.loads(json.dumps(BATCH_NORM_PROJECT))
MOMENTUM_NONE_PROJECT["model"]["modules"][4] = {"type": "BatchNorm1d", "num_features": 16, "momentum": None}

# batch statistics in eval mode too, and a LayerNorm
BATCH_STATS_PROJECT = {
    "format": "nnblocks",
    "version": 1,
    "model": {
        "class": "Sequential",
        "modules": [
            {"type": "Linear", "in_features": 1, "out_features": 8, "bias": True},
            {"type": "BatchNorm1d", "num_features": 8, "eps": 0.001, "track_running_stats": False},
            {"type": "ReLU"},
            {"type": "Linear", "in_features": 8, "out_features": 8, "bias": True},
            {"type": "LayerNorm", "normalized_shape": 8},
            {"type": "Tanh"},
            {"type": "Linear", "in_features": 8, "out_features": 1, "bias": True},
        ],
    },
    "seed": 3,
    "model_seed": 4,
    "data": {"kind": "sine", "n": 50, "noise": 0.1, "test_fraction": 0.2},
    "training": {"optimizer": "Adam", "lr": 0.01, "loss": "MSELoss", "epochs": 20, "batch_size": 8},
}


def bits(t):
    a = t.detach().to(torch.float32).contiguous().reshape(-1).numpy()
    return "".join("%08x" % v for v in a.view(np.uint32).tolist())


def floats_of_hex(text):
    return torch.from_numpy(np.array([int(text[i:i + 8], 16) for i in range(0, len(text), 8)],
                                     dtype=np.uint32).view(np.float32).copy())


def state_of(model):
    """the state_dict: float tensors as bits, num_batches_tracked as int"""
    out = {}
    for name, value in model.state_dict().items():
        out[name] = value.item() if value.dtype == torch.int64 else bits(value)
    return out


def training_run(project):
    t = project["training"]
    model, data = build_split(project)
    x, y, x_test, y_test = data["x"], data["y"], data["x_test"], data["y_test"]
    opt = make_optimizer(model, t)
    loss_fn = nn.MSELoss()
    losses, test_losses = [], []
    for _ in range(t["epochs"]):
        model.train()
        losses.append(train_epoch(model, x, y, opt, loss_fn, t["batch_size"]))
        model.eval()
        with torch.no_grad():
            test_losses.append(loss_fn(model(x_test), y_test).item())
    return model, {"project": project, "losses": losses, "test_losses": test_losses,
                   "state_dict": state_of(model), "keys": list(model.state_dict().keys()),
                   "after": bits(torch.rand(1))}


def safetensors_bytes(state_dict):
    """as safetensors.torch.save_file: names sorted, int64 as I64"""
    header, chunks, offset = {}, [], 0
    for name in sorted(state_dict):
        tensor = state_dict[name].detach().contiguous()
        if tensor.dtype == torch.int64:
            dtype, data = "I64", tensor.numpy().astype("<i8").tobytes()
        else:
            dtype, data = "F32", tensor.to(torch.float32).numpy().astype("<f4").tobytes()
        header[name] = {"dtype": dtype, "shape": list(tensor.shape), "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    header["__metadata__"] = {"format": "pt"}
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-(8 + len(text)) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(chunks)


def read_safetensors(path):
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n])
    header.pop("__metadata__", None)
    data = blob[8 + n:]
    out = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        dtype = {"F32": np.float32, "I64": np.int64}[info["dtype"]]
        array = np.frombuffer(data[begin:end], dtype=np.dtype(dtype).newbyteorder("<")).astype(dtype)
        out[name] = torch.from_numpy(array.reshape(info["shape"]).copy())
    return out


def load_message(model, state_dict):
    try:
        model.load_state_dict(state_dict)
        return "ok"
    except RuntimeError as e:
        return str(e)


def state_dict_messages(model):
    base = model.state_dict()
    wrong = dict(base)
    del wrong["1.running_var"]
    wrong["1.foo"] = torch.zeros(16)
    no_count = dict(base)
    del no_count["4.num_batches_tracked"]
    shape = dict(base)
    shape["4.running_mean"] = torch.zeros(8)
    shape["1.num_batches_tracked"] = torch.zeros(1, dtype=torch.int64)
    fresh = make_model(BATCH_NORM_PROJECT["model"])
    return {"missing_and_unexpected": load_message(fresh, wrong),
            "without_num_batches_tracked": load_message(fresh, no_count),
            "num_batches_tracked_after_load": fresh.state_dict()["4.num_batches_tracked"].item(),
            "size_mismatch": load_message(fresh, shape)}


def check(project_path, weights_path, x_hex):
    with open(project_path) as f:
        project = json.load(f)
    model = make_model(project["model"])
    model.load_state_dict(read_safetensors(weights_path))
    model.eval()
    x = floats_of_hex(x_hex).reshape(-1, 1)
    with torch.no_grad():
        print(bits(model(x)))


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "--check":
        check(*sys.argv[2:])
        return
    model, run = training_run(BATCH_NORM_PROJECT)
    _, stats_run = training_run(BATCH_STATS_PROJECT)
    _, momentum_none_run = training_run(MOMENTUM_NONE_PROJECT)
    torch.manual_seed(11)
    x = torch.randn(6, 1)
    model.eval()
    with torch.no_grad():
        y = model(x)
    golden = {"training": [run, stats_run, momentum_none_run],
              "safetensors": {"bytes": safetensors_bytes(model.state_dict()).hex(), "x": bits(x), "y": bits(y)},
              "messages": state_dict_messages(model),
              "repr": [str(nn.BatchNorm1d(16)), str(nn.BatchNorm1d(8, eps=0.001, momentum=None, affine=False,
                                                                   track_running_stats=False))]}
    with open(OUT, "w") as f:
        json.dump(golden, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
