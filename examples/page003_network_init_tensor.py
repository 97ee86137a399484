"""Reference page 003, "Tensor Initialization": a Tensor of ones as the weight.

Ported from MindSpore by replacing the word ``mindspore`` with ``gpuparam``.
"""
import numpy as np
import gpuparam.nn as nn
import gpuparam as ms

init_data = ms.Tensor(np.ones([64, 3, 3, 3]), dtype=ms.float32)
input_data = ms.Tensor(np.ones([1, 3, 16, 50], dtype=np.float32))

net = nn.Conv2d(3, 64, 3, weight_init=init_data)
output = net(input_data)
