"""Reference page 000, "The Parameter of Init is Tensor": ops.Conv3D with a weight of ones.

Ported from MindSpore by replacing the word ``mindspore`` with ``gpuparam``. Every output
element is 108 (= 3 channels x 4 x 3 x 3 ones). gpuparam prints ``108.`` where the page
shows ``108``: the output is float32, as the inputs are.
"""
import numpy as np
from gpuparam import Tensor
from gpuparam import dtype as mstype
from gpuparam import set_seed
from gpuparam.common.initializer import initializer
import gpuparam.ops as ops

set_seed(1)

input_data = Tensor(np.ones([16, 3, 10, 32, 32]), dtype=mstype.float32)
weight_init = Tensor(np.ones([32, 3, 4, 3, 3]), dtype=mstype.float32)
weight = initializer(weight_init, shape=[32, 3, 4, 3, 3])
conv3d = ops.Conv3D(out_channel=32, kernel_size=(4, 3, 3))
output = conv3d(input_data, weight)
print(output)
