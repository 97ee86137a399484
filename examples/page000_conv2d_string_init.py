"""Reference page 000, "Character String": Conv2d weights from the string 'Normal'.

Ported from MindSpore by replacing the word ``mindspore`` with ``gpuparam``.
The printed numbers differ from MindSpore's (another random generator); after the same
``set_seed(1)`` they are exactly the page000_conv2d_initializer_subclass.py numbers
divided by 20 (``'Normal'`` is ``Normal(sigma=0.01)``, that example uses ``Normal(0.2)``).
"""
import numpy as np
import gpuparam.nn as nn
from gpuparam import Tensor
from gpuparam import set_seed

set_seed(1)

input_data = Tensor(np.ones([1, 3, 16, 50], dtype=np.float32))
net = nn.Conv2d(3, 64, 3, weight_init='Normal')
output = net(input_data)
print(output)
