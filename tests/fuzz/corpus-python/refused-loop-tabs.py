# SPDX-License-Identifier: GPL-3.0-or-later
import torch
from torch import nn
import torch.nn.functional as F


class Net(nn.Module):
	def __init__(self):
		super().__init__()
		self.fc = nn.Linear(2, 2)

	def forward(self, x):
		for i in range(3):
			x = F.relu(self.fc(x))
		return x
