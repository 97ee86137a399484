"""gpuparam in one page: a small network with lazy parameters, materialized, then run.

Runs on the GPU through CuPy when one is usable, else on NumPy with the same numbers.
"""

import numpy as np

import gpuparam
from gpuparam import Tensor, nn
from gpuparam.common.initializer import Normal, TruncatedNormal


class SmallNet(nn.Cell):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 3, weight_init=Normal(0.02), has_bias=True)
        self.conv2 = nn.Conv2d(16, 8, 3, stride=2, weight_init='he_normal')
        self.head = nn.Dense(8, 4, weight_init=TruncatedNormal(0.02), activation='relu')

    def construct(self, x):
        x = self.conv2(self.conv1(x))
        return self.head(x.mean(axis=(2, 3)))


gpuparam.set_seed(0)
net = SmallNet()
print("backend:", gpuparam.get_context("device_target"))
print("lazy before materializing:", [p.has_init for p in net.get_parameters()])

net.init_parameters_data()  # one buffer per parameter, generated on the device
for name, param in net.parameters_and_names():
    print(f"{name:14s} {param}  mean={param.asnumpy().mean():+.4f}")

x = Tensor(np.ones((2, 3, 32, 32), np.float32))
out = net(x)
print("output:", out.shape, out.dtype)
print(out)
