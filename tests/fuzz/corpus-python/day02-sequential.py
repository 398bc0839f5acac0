# SPDX-License-Identifier: GPL-3.0-or-later
import torch
import torch.nn as nn

mlp = nn.Sequential(
    nn.Linear(3, 16),
    nn.ReLU(),
    nn.Linear(16, 16),
    nn.ReLU(),
    nn.Linear(16, 1),
)
x = torch.randn(5, 3)
print(mlp(x).shape)  # torch.Size([5, 1])
print(mlp)

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(1, 32), nn.ReLU(), nn.Linear(32, 1))
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
