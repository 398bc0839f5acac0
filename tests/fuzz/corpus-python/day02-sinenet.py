# SPDX-License-Identifier: GPL-3.0-or-later
import math
import torch
import torch.nn as nn

torch.manual_seed(0)

# --- data: (N, 1) shapes, always ---
X = torch.rand(200, 1) * 2 * math.pi
y = torch.sin(X) + 0.1 * torch.randn(200, 1)


# --- model ---
class SineNet(nn.Module):
    def __init__(self, hidden: int = 64):
        super().__init__()
        self.net = nn.Sequential(  # Sequential-inside-subclass hybrid
            nn.Linear(1, hidden),
            nn.Tanh(),
            nn.Linear(hidden, hidden),
            nn.Tanh(),
            nn.Linear(hidden, 1),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


def init_weights(m: nn.Module) -> None:
    if isinstance(m, nn.Linear):
        nn.init.xavier_uniform_(m.weight)
        nn.init.zeros_(m.bias)


model = SineNet()
model.apply(init_weights)
print("params:", sum(p.numel() for p in model.parameters()))  # params: 4353

# --- train ---
loss_fn = nn.MSELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
for epoch in range(5000):
    loss = loss_fn(model(X), y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if loss.item() < 0.02:
        print(f"converged at epoch {epoch}, loss {loss.item():.4f}")
        break
else:
    print(f"final loss {loss.item():.4f}")

# --- baseline: a straight line cannot fit a sine ---
torch.manual_seed(0)
linear = nn.Linear(1, 1)
opt = torch.optim.SGD(linear.parameters(), lr=0.01)
for _ in range(5000):
    l = loss_fn(linear(X), y)
    opt.zero_grad(); l.backward(); opt.step()
print(f"SineNet loss: {loss.item():.4f} Linear loss: {l.item():.4f}")
