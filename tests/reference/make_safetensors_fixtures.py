#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes the safetensors fixtures in tests/data from real PyTorch models.

    /usr/bin/python3 tests/reference/make_safetensors_fixtures.py [OUTDIR]

torch.save writes pickles, not safetensors, and the safetensors package is
not in Debian 12, so this script writes the format itself with struct and
json, laid out as safetensors.torch.save_file lays it out (tensors in name
order, header padded with spaces to 8 bytes, {"format": "pt"} metadata).

For each model it writes NAME.safetensors (the state_dict) and NAME.json:
{"class": ..., "keys": state_dict order, "input": {"shape", "data"},
 "output": {"shape", "data"}} with PyTorch's output for the input.
"""
import json
import os
import struct
import sys

# the PyTorch NN Blocks reproduces: OpenBLAS kernel, threads, ATen kernels
import nnb_pytorch_env  # noqa: E402,F401  (before torch and numpy load)

import torch
from torch import nn


class MLP(nn.Module):
    """The lesson page's MLP: a skip connection around fc2."""

    def __init__(self, n_in=3, hidden=16, n_out=1):
        super().__init__()
        self.fc1 = nn.Linear(n_in, hidden)
        self.fc2 = nn.Linear(hidden, hidden)
        self.head = nn.Linear(hidden, n_out)
        self.act = nn.ReLU()

    def forward(self, x):
        h = self.act(self.fc1(x))
        h = self.act(self.fc2(h)) + h
        return self.head(h)


class SineNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(1, 64), nn.Tanh(),
            nn.Linear(64, 64), nn.Tanh(),
            nn.Linear(64, 1),
        )

    def forward(self, x):
        return self.net(x)


def safetensors_bytes(state_dict):
    header = {}
    chunks = []
    offset = 0
    for name in sorted(state_dict):
        tensor = state_dict[name].detach().contiguous().to(torch.float32)
        data = tensor.numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensor.shape),
                        "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    header["__metadata__"] = {"format": "pt"}
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-(8 + len(text)) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(chunks)


def write_fixture(outdir, name, model, x):
    state_dict = model.state_dict()
    with open(os.path.join(outdir, name + ".safetensors"), "wb") as f:
        f.write(safetensors_bytes(state_dict))
    with torch.no_grad():
        y = model(x)
    spec = {
        "class": type(model).__name__,
        "keys": list(state_dict),
        "input": {"shape": list(x.shape), "data": [float(v) for v in x.reshape(-1)]},
        "output": {"shape": list(y.shape), "data": [float(v) for v in y.reshape(-1)]},
    }
    with open(os.path.join(outdir, name + ".json"), "w") as f:
        json.dump(spec, f, indent=1)
        f.write("\n")


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "data")
    torch.manual_seed(0)
    write_fixture(outdir, "mlp-skip-torch", MLP(), torch.randn(5, 3))
    torch.manual_seed(1)
    write_fixture(outdir, "sinenet-torch", SineNet(), torch.linspace(-3.0, 3.0, 7).reshape(7, 1))


if __name__ == "__main__":
    main()
