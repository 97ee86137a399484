"""Reference page 002, "String Initialization": ``weight_init='normal'`` (case-insensitive).

Ported from MindSpore by replacing the word ``mindspore`` with ``gpuparam``.
"""
import numpy as np
import gpuparam.nn as nn
import gpuparam as ms

# Added: the page reuses `input_data` from its previous sample without defining it here.
input_data = ms.Tensor(np.ones([1, 3, 16, 50], dtype=np.float32))

net = nn.Conv2d(3, 64, 3, weight_init='normal')
output = net(input_data)
