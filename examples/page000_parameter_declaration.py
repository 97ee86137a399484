"""Reference page 000, "Application in Parameter": Parameters from a Tensor, an initializer, a float.

Ported from MindSpore by replacing the word ``mindspore`` with ``gpuparam``.
``x`` prints ``dtype=Int64`` where the English page shows ``Int32``: ``np.arange``
gives int64 on Linux, and gpuparam keeps the array's dtype (the Chinese page 001 and
page 003 show ``Int64`` too).
"""
import numpy as np
from gpuparam import Tensor, Parameter
from gpuparam import dtype as mstype
from gpuparam.common.initializer import initializer

x = Parameter(default_input=Tensor(np.arange(2*3).reshape((2, 3))), name='x')
y = Parameter(default_input=initializer('ones', [1, 2, 3], mstype.float32), name='y')
z = Parameter(default_input=2.0, name='z')

print(x, "\n\n", y, "\n\n", z)
