"""Reference page 003, "Character String Initialization": ``weight_init='Normal'``.

Ported from MindSpore by replacing the word ``mindspore`` with ``gpuparam``.
"""
import numpy as np
import gpuparam.nn as nn
import gpuparam as ms

ms.set_seed(1)

input_data = ms.Tensor(np.ones([1, 3, 16, 50], dtype=np.float32))

net = nn.Conv2d(3, 64, 3, weight_init='Normal')
output = net(input_data)
