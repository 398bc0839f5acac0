# SPDX-License-Identifier: GPL-3.0-or-later
import torch
import torch.nn as nn


class MLP(nn.Module):
    def __init__(self, in_dim: int, hidden: int, out_dim: int):
        super().__init__()  # non-negotiable: registers the bookkeeping
        self.fc1 = nn.Linear(in_dim, hidden)
        self.fc2 = nn.Linear(hidden, hidden)
        self.head = nn.Linear(hidden, out_dim)
        self.act = nn.ReLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.act(self.fc1(x))
        h = self.act(self.fc2(h)) + h  # a residual connection — try THAT in Sequential
        return self.head(h)


model = MLP(in_dim=3, hidden=16, out_dim=1)
print(model)

for name, p in model.named_parameters():
    print(f"{name:12s} {str(tuple(p.shape)):10s} requires_grad={p.requires_grad}")
total = sum(p.numel() for p in model.parameters())
print(f"total parameters: {total:,}")
