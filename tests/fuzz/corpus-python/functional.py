# SPDX-License-Identifier: GPL-3.0-or-later
import torch
from torch import nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(2, 16)
        self.fc2 = nn.Linear(16, 16)
        self.head = nn.Linear(16, 3)

    def forward(self, x):
        h = torch.relu(self.fc1(x))
        h = F.leaky_relu(self.fc2(h), negative_slope=0.1) + h
        h = F.gelu(h) * torch.sigmoid(h)
        return F.log_softmax(self.head(torch.tanh(h)), dim=1)


model = Net()
