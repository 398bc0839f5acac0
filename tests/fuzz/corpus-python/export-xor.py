# SPDX-License-Identifier: GPL-3.0-or-later
"""The model Sequential from NN Blocks, as PyTorch code.

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


class Model(nn.Sequential):
    def __init__(self):
        super().__init__(
            nn.Linear(2, 8),
            nn.Tanh(),
            nn.Linear(8, 2),
        )


def make_sequential():
    """The same model as nn.Sequential: the diagram is a chain."""
    return nn.Sequential(
        nn.Linear(2, 8),
        nn.Tanh(),
        nn.Linear(8, 2),
    )


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
    X = torch.rand(200, 2) * 2 - 1
    y = ((X[:, 0] > 0) != (X[:, 1] > 0)).long()
    X = X + torch.randn(200, 2) * 0.05
    perm = torch.randperm(len(X))
    n_test = int(len(X) * 0.25)
    X_test, y_test = X[perm[:n_test]], y[perm[:n_test]]
    X, y = X[perm[n_test:]], y[perm[n_test:]]
    return X, y, X_test, y_test


def predicted_class(y_hat):
    """The class each row is given."""
    return y_hat.argmax(1)


def count_correct(y_hat, y):
    """How many predictions are right."""
    return (predicted_class(y_hat) == y.view(-1)).sum().item()


def confusion_matrix(y_hat, y, classes):
    """counts[t, p]: how many rows of true class t the model put in class p
    (rows: true class, columns: predicted class)."""
    t, p = y.view(-1).long(), predicted_class(y_hat)
    keep = p < classes  # a model with more outputs than the data has classes
    return torch.bincount(t[keep] * classes + p[keep], minlength=classes * classes).view(classes, classes)


def print_confusion(title, counts):
    """The table nnblocks-cli train prints: a row per true class, a column per predicted class."""
    width = max(3, len(str(counts.max().item())), len(str(len(counts) - 1)))
    print(f"{title} (rows: true class, columns: predicted class)")
    print("      predicted")
    print("true" + "".join(f"  {p:>{width}}" for p in range(len(counts))))
    for t, row in enumerate(counts.tolist()):
        print(f"{t:>4}" + "".join(f"  {n:>{width}}" for n in row))


def train():
    """The project's recipe and training loop, printing as nnblocks-cli train."""
    X, y, X_test, y_test = make_data()
    torch.manual_seed(1)
    model = make_sequential()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.05, betas=(0.9, 0.999), eps=1e-08, weight_decay=0.0)
    loss_fn = nn.CrossEntropyLoss()
    epochs, batch_size, log_every = 300, 0, 50
    until_loss = 0.0
    classes = 2  # rows and columns of the confusion matrix
    losses = []  # each epoch's loss, for the plot
    for epoch in range(epochs):
        model.train()
        correct = 0
        confusion = torch.zeros(classes, classes, dtype=torch.long)
        if 0 < batch_size < len(X):
            order = torch.randperm(len(X))
            total, batches = 0.0, 0
            for start in range(0, len(X), batch_size):
                idx = order[start:start + batch_size]
                y_hat = model(X[idx])
                batch_loss = loss_fn(y_hat, y[idx])
                correct += count_correct(y_hat, y[idx])
                confusion += confusion_matrix(y_hat, y[idx], classes)
                optimizer.zero_grad()
                batch_loss.backward()
                optimizer.step()
                total, batches = total + batch_loss.item(), batches + 1
            loss = total / batches
        else:
            y_hat = model(X)
            full_loss = loss_fn(y_hat, y)
            correct += count_correct(y_hat, y)
            confusion += confusion_matrix(y_hat, y, classes)
            optimizer.zero_grad()
            full_loss.backward()
            optimizer.step()
            loss = full_loss.item()
        losses.append(loss)
        model.eval()
        line = f"epoch {epoch:3d} loss {loss:.4f}"
        if X_test is not None:
            with torch.no_grad():
                y_hat_test = model(X_test)
                test_loss = loss_fn(y_hat_test, y_test)
                test_correct = count_correct(y_hat_test, y_test)
                test_confusion = confusion_matrix(y_hat_test, y_test, classes)
            line += f" test_loss {test_loss.item():.4f}"
        line += f" accuracy {correct / len(X):.4f}"
        if X_test is not None:
            line += f" test_accuracy {test_correct / len(X_test):.4f}"
        if log_every > 0 and (epoch % log_every == 0 or epoch == epochs - 1):
            print(line)
        if until_loss > 0 and loss < until_loss:
            print(f"converged at epoch {epoch}, loss {loss:.4f}")
            break
    if epochs > 0 and classes <= 20:
        print_confusion("confusion matrix", confusion)
        if X_test is not None:
            print_confusion("test confusion matrix", test_confusion)
    if until_loss > 0 and epochs > 0 and not loss < until_loss:
        print(f"final loss {loss:.4f}")
    return model


if __name__ == "__main__" and sys.argv[1:] == ["--train"]:
    train()
elif __name__ == "__main__":
    model = make_sequential()
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "export-xor.safetensors")
    model.load_state_dict(load_safetensors(path))
    print(model)
