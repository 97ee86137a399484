"""Reference page 003, "Initializing Network Arguments", Initializer: ``init.Normal(0.2)``.

Ported from MindSpore by replacing the word ``mindspore`` with ``gpuparam``. The page
prints nothing; ``output`` has shape (1, 64, 16, 50).
"""
import numpy as np
import gpuparam.nn as nn
import gpuparam as ms
from gpuparam.common import initializer as init

ms.set_seed(1)

input_data = ms.Tensor(np.ones([1, 3, 16, 50], dtype=np.float32))
# Convolutional layer. The number of input channels is 3, the number of output channels is 64, the size of the convolution kernel is 3 x 3, and the weight argument is a random number generated in normal distribution.
net = nn.Conv2d(3, 64, 3, weight_init=init.Normal(0.2))
# Network output
output = net(input_data)
