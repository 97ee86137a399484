"""Reference page 000, "The Parameter of Init is the Subclass of Initializer": Conv3D, Normal(0.2).

Ported from MindSpore by replacing the word ``mindspore`` with ``gpuparam``.
As in page000_conv3d_string_init.py, the page's zeros come from MindSpore computing
with an uninitialized weight; gpuparam initializes it first. After the same
``set_seed(1)`` this output is 20 times that example's.
"""
import numpy as np
from gpuparam import Tensor
from gpuparam import dtype as mstype
from gpuparam import set_seed
import gpuparam.ops as ops
from gpuparam.common.initializer import Normal, initializer

set_seed(1)

input_data = Tensor(np.ones([16, 3, 10, 32, 32]), dtype=mstype.float32)
weight = initializer(Normal(0.2), shape=[32, 3, 4, 3, 3], dtype=mstype.float32)
conv3d = ops.Conv3D(out_channel=32, kernel_size=(4, 3, 3))
output = conv3d(input_data, weight)
print(output)
