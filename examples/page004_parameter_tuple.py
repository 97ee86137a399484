"""Reference page 004, "ParameterTuple": build one and clone it with a prefix.

Ported from MindSpore by replacing the word ``mindspore`` with ``gpuparam``. ``x`` prints
``dtype=Int64`` where this page shows ``Int32`` (see page004_parameter_declaration.py).
"""
import numpy as np
from gpuparam import Tensor, Parameter, ParameterTuple
from gpuparam import dtype as mstype
from gpuparam.common.initializer import initializer

x = Parameter(default_input=Tensor(np.arange(2*3).reshape((2, 3))), name='x')
y = Parameter(default_input=initializer('ones', [1, 2, 3], mstype.float32), name='y')
z = Parameter(default_input=2.0, name='z')
params = ParameterTuple((x, y, z))
params_copy = params.clone("params_copy")
print(params, "\n")
print(params_copy)
