# SPDX-License-Identifier: GPL-3.0-or-later
import torch
import torch.nn as nn


class Gate(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(2, 3)
        self.b = nn.Linear(2, 3)
        self.c = nn.Linear(9, 1)

    def forward(self, inputs):
        # comments, blank lines, continuations

        a = self.a(inputs)
        b = self.b(
            inputs,
        )
        g = a * b
        g += a
        joined = torch.cat([a, b,
                            g], dim=-1)
        return self.c(joined) \
            + self.c(joined)
