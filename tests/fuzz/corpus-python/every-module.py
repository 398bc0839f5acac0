# SPDX-License-Identifier: GPL-3.0-or-later
"""Every module NN Blocks has, keyword and positional."""
from collections import OrderedDict

import torch
from torch import nn


class Net(nn.Module):
    def __init__(self, width=4):
        super(Net, self).__init__()
        self.fc = nn.Linear(in_features=2, out_features=width, bias=False)
        self.a1 = nn.ReLU(inplace=False)
        self.a2 = nn.Tanh()
        self.a3 = nn.Sigmoid()
        self.a4 = nn.LeakyReLU(0.2)
        self.a5 = nn.GELU(approximate='none')
        self.a6 = nn.Identity()
        self.ln = nn.LayerNorm((4,), eps=1e-3, elementwise_affine=False)
        self.sm = nn.Softmax(dim=-1)
        self.lsm = nn.LogSoftmax(1)
        self.drop = nn.Dropout(p=0.25)
        self.bn = nn.BatchNorm1d(4, 1e-3, None, affine=False, track_running_stats=False)
        self.seq = nn.Sequential(OrderedDict([('0', nn.Linear(4, 4)), ('1', nn.ReLU())]))
        self.again = self.a1

    def forward(self, x):
        h = self.a6(self.a5(self.a4(self.a3(self.a2(self.a1(self.fc(x)))))))
        h = self.drop(self.lsm(self.sm(self.ln(h))))
        return self.again(self.seq(self.bn(h)))


model = Net(width=4)
