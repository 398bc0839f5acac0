# SPDX-License-Identifier: GPL-3.0-or-later
"""The model Linear from NN Blocks, as PyTorch code.

Run it with python3: it builds the model, loads the trained weights from
the safetensors file beside it (named in the __main__ block) and prints
the model.

With --train it replays the project instead: the seeds, the data (with its
held-out test rows and standardisation, if any), the init and the training
loop, printing the losses as nnblocks-cli train prints them.
"""
import json
import os
import struct
import sys

import torch
from torch import nn


class Model(nn.Linear):
    def __init__(self):
        super().__init__(1, 1)


def load_safetensors(path):
    """Reads a safetensors file into a state_dict of float32 tensors.

    Uses the safetensors package when it is installed; otherwise reads the
    format itself: an 8-byte little-endian header length, a JSON header
    {name: {dtype, shape, data_offsets}}, then the little-endian data.
    """
    try:
        from safetensors.torch import load_file
    except ImportError:
        load_file = None
    if load_file is not None:
        return load_file(path)

    with open(path, "rb") as f:
        data = f.read()
    (header_len,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + header_len])
    start = 8 + header_len
    state_dict = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if info["dtype"] != "F32":
            raise ValueError(f"{name}: dtype {info['dtype']} is not float32 (F32)")
        begin, end = info["data_offsets"]
        if begin == end:
            tensor = torch.zeros(info["shape"])
        else:
            # a bytearray copy: frombuffer wants a writable buffer, and the
            # tensor keeps it alive
            buffer = bytearray(data[start + begin:start + end])
            tensor = torch.frombuffer(buffer, dtype=torch.float32).reshape(info["shape"])
        state_dict[name] = tensor
    return state_dict


def make_data():
    """The project's data: X, y (the training rows), X_test, y_test."""
    torch.manual_seed(0)
    X = torch.rand(100, 1) * 10.0
    y = 3.0 * X + 2.0 + torch.randn(100, 1) * 0.5
    X_test, y_test = None, None  # no test set
    return X, y, X_test, y_test


def train():
    """The project's recipe and training loop, printing as nnblocks-cli train."""
    X, y, X_test, y_test = make_data()
    model = Model()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.0, dampening=0.0, nesterov=False, weight_decay=0.0)
    loss_fn = nn.MSELoss()
    epochs, batch_size, log_every = 200, 0, 50
    until_loss = 0.0
    losses = []  # each epoch's loss, for the plot
    for epoch in range(epochs):
        model.train()
        if 0 < batch_size < len(X):
            order = torch.randperm(len(X))
            total, batches = 0.0, 0
            for start in range(0, len(X), batch_size):
                idx = order[start:start + batch_size]
                batch_loss = loss_fn(model(X[idx]), y[idx])
                optimizer.zero_grad()
                batch_loss.backward()
                optimizer.step()
                total, batches = total + batch_loss.item(), batches + 1
            loss = total / batches
        else:
            full_loss = loss_fn(model(X), y)
            optimizer.zero_grad()
            full_loss.backward()
            optimizer.step()
            loss = full_loss.item()
        losses.append(loss)
        model.eval()
        line = f"epoch {epoch:3d} loss {loss:.4f}"
        if X_test is not None:
            with torch.no_grad():
                test_loss = loss_fn(model(X_test), y_test)
            line += f" test_loss {test_loss.item():.4f}"
        if log_every > 0 and (epoch % log_every == 0 or epoch == epochs - 1):
            print(line)
        if until_loss > 0 and loss < until_loss:
            print(f"converged at epoch {epoch}, loss {loss:.4f}")
            break
    if until_loss > 0 and epochs > 0 and not loss < until_loss:
        print(f"final loss {loss:.4f}")
    w, b = [p.item() for p in model.parameters()]
    print(f"learned: y = {w:.3f}x + {b:.3f} (true: y = 3x + 2)")
    return model


if __name__ == "__main__" and sys.argv[1:] == ["--train"]:
    train()
elif __name__ == "__main__":
    model = Model()
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "export-regression.safetensors")
    model.load_state_dict(load_safetensors(path))
    print(model)
