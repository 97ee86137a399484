"""Reference page 000, "The Custom of the Tensor": Conv2d weights from a Tensor of ones.

Ported from MindSpore by replacing the word ``mindspore`` with ``gpuparam``. Prints the
page's output exactly: 12 at the corners, 18 on the edges, 27 inside (``pad_mode='same'``).
"""
import numpy as np
import gpuparam.nn as nn
from gpuparam import Tensor
from gpuparam import dtype as mstype

weight = Tensor(np.ones([64, 3, 3, 3]), dtype=mstype.float32)
input_data = Tensor(np.ones([1, 3, 16, 50], dtype=np.float32))
net = nn.Conv2d(3, 64, 3, weight_init=weight)
output = net(input_data)
print(output)
