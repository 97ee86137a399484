"""Reference page 002, "After that, we can call it like the built-in initialization method".

Ported from MindSpore by replacing the word ``mindspore`` with ``gpuparam``. The page's
fragment continues the two samples before it; the lines marked "Added" bring in what
it uses from them.
"""
# Added: the imports, the XavierNormal class of the previous sample, and its input data.
import numpy as np
import gpuparam as ms
import gpuparam.nn as nn
from page002_custom_xavier_normal import XavierNormal

input_data = ms.Tensor(np.ones([1, 3, 16, 50], dtype=np.float32))

net = nn.Conv2d(3, 64, 3, weight_init=XavierNormal())
# The network output
output = net(input_data)
