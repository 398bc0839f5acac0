#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Golden two-dimensional class data, from real PyTorch.

Each case is a project's "data" object with one of the class kinds
(circle, xor, gauss, spiral, moons, blobs) and a seed, replayed as the
PyTorch program docs/file-format.md gives for it (nnb_torch.py's
make_2d_data), then split and standardised as the project says:

    torch.manual_seed(seed)
    X, y = ...                                   # the kind's program
    perm = torch.randperm(len(X))                # only when test_fraction > 0
    ...

Every kind runs with two seeds, with its noise and with none, at its
defaults and at other field values and sizes (small n for randn's scalar
path, an n whose 2·n is no multiple of 16 for its last chunk); blobs with 2,
3 and 10 classes; and a few cases with a test set. It writes X's float32
bits and y's class indices to tests/data/2d-data-golden.json;
tests/test-dataset-2d.c checks the engine against them bit for bit. Run
with PyTorch 1.13 (Debian's /usr/bin/python3 has it):

    /usr/bin/python3 tests/reference/make_2d_data_golden.py
"""

import json
import os
import struct
import sys

# the PyTorch NN Blocks reproduces: OpenBLAS kernel, threads, ATen kernels
import nnb_pytorch_env  # noqa: E402,F401  (before torch and numpy load)

import torch  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nnb_torch import TWO_D, make_2d_data, split_and_standardize  # noqa: E402

torch.set_num_threads(1)

HERE = os.path.dirname(os.path.abspath(__file__))

# other values of each kind's own fields, and other sizes
OTHER = {
    "circle": {"n": 37, "radius": 2.5, "noise": 0.3},
    "xor": {"n": 5, "noise": 0.25},
    "gauss": {"n": 101, "distance": 1.25, "noise": 0.8},
    "spiral": {"n": 300, "turns": 3.7, "noise": 0.02},
    "moons": {"n": 9, "noise": 0.15},
    "blobs": {"n": 123, "classes": 10, "noise": 0.05},
}


def cases():
    out = []
    for kind in TWO_D:
        for seed, fields in ((0, {}), (7, OTHER[kind])):
            data = dict({"kind": kind}, **fields)
            out.append((f"{kind}-{seed}", seed, data))
            out.append((f"{kind}-{seed}-no-noise", seed, dict(data, noise=0)))
    out.append(("blobs-2", 3, {"kind": "blobs", "classes": 2}))
    # held-out rows: the randperm drawn after the data, class indices kept
    out.append(("circle-split", 1, {"kind": "circle", "n": 80, "test_fraction": 0.25,
                                    "standardize": {"inputs": True}}))
    out.append(("blobs-split", 2, {"kind": "blobs", "n": 50, "classes": 4, "noise": 0.3,
                                   "test_fraction": 0.3}))
    out.append(("spiral-split", 5, {"kind": "spiral", "test_fraction": 0.1}))
    return out


def bits(t):
    if t is None:
        return None
    t = t.detach().to(torch.float32).contiguous().reshape(-1)
    return ["%08x" % struct.unpack("<I", struct.pack("<f", v))[0] for v in t.tolist()]


def run(name, seed, data):
    torch.manual_seed(seed)
    x, y = make_2d_data(data)
    assert x.dtype == torch.float32 and x.shape == (len(y), 2) and y.dtype == torch.int64
    split = split_and_standardize(data, x, y)
    perm = split["perm"]
    return {
        "name": name,
        "seed": seed,
        "data": data,
        "n_classes": data.get("classes", TWO_D[data["kind"]].get("classes", 2)),
        "perm": None if perm is None else perm.tolist(),
        "x": bits(split["x"]),
        "y": split["y"].tolist(),
        "x_test": bits(split["x_test"]),
        "y_test": None if split["y_test"] is None else split["y_test"].tolist(),
        "x_mean": bits(split["x_mean"]),
        "x_std": bits(split["x_std"]),
    }


def main():
    results = [run(name, seed, data) for name, seed, data in cases()]
    out = {"torch": torch.__version__,
           "format": "X as float32 bits, 8 hex digits (little-endian value), row by row; y as class indices",
           "cases": results}
    path = os.path.join(HERE, "..", "data", "2d-data-golden.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    for c in results:
        print(f"{c['name']}: {len(c['y'])} training rows, classes {sorted(set(c['y']))}")
    print(f"wrote {os.path.normpath(path)}")


if __name__ == "__main__":
    main()
