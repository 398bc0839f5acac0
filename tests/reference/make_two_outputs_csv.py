#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The data of data/examples/two-outputs.nnb: two target columns over one
input, for a model with two outputs and a fitted curve each.

x runs from -3 to 3 in 101 even steps; the targets are sin(x) and cos(x)
plus a little noise, drawn from Python's own seeded generator so that the
file comes out byte for byte the same on every run and machine (no PyTorch
needed). Four decimals a value keep the file short and readable.

    python3 tests/reference/make_two_outputs_csv.py
"""

import math
import os
import random

ROWS = 101
NOISE = 0.05
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "data", "examples", "two-outputs.csv")


def main():
    rng = random.Random(19)  # issue 19: several target columns
    lines = ["x,sin,cos"]
    for i in range(ROWS):
        x = -3 + 6 * i / (ROWS - 1)
        s = math.sin(x) + rng.gauss(0, NOISE)
        c = math.cos(x) + rng.gauss(0, NOISE)
        lines.append(f"{x:.2f},{s:.4f},{c:.4f}")
    with open(OUT, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
