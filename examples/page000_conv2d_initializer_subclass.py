"""Reference page 000, "Initializer Subclass": Conv2d weights from ``Normal(0.2)``.

Ported from MindSpore by replacing the word ``mindspore`` with ``gpuparam``.
After the same ``set_seed(1)`` the weights are 20 times those of
page000_conv2d_string_init.py (``'Normal'`` means ``Normal(0.01)``), so the output is too.
"""
import numpy as np
import gpuparam.nn as nn
from gpuparam import Tensor
from gpuparam import set_seed
from gpuparam.common.initializer import Normal

set_seed(1)

input_data = Tensor(np.ones([1, 3, 16, 50], dtype=np.float32))
net = nn.Conv2d(3, 64, 3, weight_init=Normal(0.2))
output = net(input_data)
print(output)
