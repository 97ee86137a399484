"""Reference page 000, "The Parameter of Init is Str": ops.Conv3D with a lazy 'Normal' weight.

Ported from MindSpore by replacing the word ``mindspore`` with ``gpuparam``.
The page prints zeros: MindSpore computes with the lazy weight's uninitialized buffer.
gpuparam materializes the weight when the convolution first reads it, so the output is
the convolution with N(0, 0.01**2) weights (see docs/porting.md).
"""
import numpy as np
from gpuparam import Tensor
from gpuparam import dtype as mstype
from gpuparam import set_seed
from gpuparam.common.initializer import initializer
import gpuparam.ops as ops

set_seed(1)

input_data = Tensor(np.ones([16, 3, 10, 32, 32]), dtype=mstype.float32)
weight = initializer('Normal', shape=[32, 3, 4, 3, 3], dtype=mstype.float32)
conv3d = ops.Conv3D(out_channel=32, kernel_size=(4, 3, 3))
output = conv3d(input_data, weight)
print(output)
