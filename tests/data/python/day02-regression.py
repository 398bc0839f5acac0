# SPDX-License-Identifier: GPL-3.0-or-later
import torch
import torch.nn as nn

torch.manual_seed(0)
X = torch.rand(100, 1) * 10  # (100, 1) — note the feature dim!
y = 3 * X + 2 + torch.randn(100, 1) * 0.5  # (100, 1)

model = nn.Linear(1, 1)  # w: (1,1), b: (1,) — same 2 params as Day 1
loss_fn = nn.MSELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)

for epoch in range(200):
    y_hat = model(X)  # forward: builds the graph
    loss = loss_fn(y_hat, y)  # scalar tensor
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if epoch % 50 == 0 or epoch == 199:
        print(f"epoch {epoch:3d} loss {loss.item():.4f}")

w = model.weight.item()
b = model.bias.item()
print(f"learned: y = {w:.3f}x + {b:.3f} (true: y = 3x + 2)")
