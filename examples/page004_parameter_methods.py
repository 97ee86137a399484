"""Reference page 004, "Methods": clone, init_data and set_data on a lazy Parameter.

Ported from MindSpore by replacing the word ``mindspore`` with ``gpuparam``. Prints the
page's output exactly. ``set_data`` casts the int64 data into the Float32 parameter
(integer to float is a safe cast; float to integer would raise).
"""
import numpy as np
from gpuparam import Tensor, Parameter
from gpuparam import dtype as mstype
from gpuparam.common.initializer import initializer

x = Parameter(default_input=initializer('ones', [1, 2, 3], mstype.float32))

print(x)
x_clone = x.clone()
x_clone.name = "x_clone"
print(x_clone)

print(x.init_data())
print(x.set_data(data=Tensor(np.arange(2*3).reshape((1, 2, 3)))))
