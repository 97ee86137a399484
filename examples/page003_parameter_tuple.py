"""Reference page 003, "Parameter Tuple": create a ParameterTuple and clone it with a prefix.

Ported from MindSpore by replacing the word ``mindspore`` with ``gpuparam``.
"""
import numpy as np
import gpuparam as ms
from gpuparam.common.initializer import initializer

# Create.
x = ms.Parameter(default_input=ms.Tensor(np.arange(2 * 3).reshape((2, 3))), name="x")
y = ms.Parameter(default_input=initializer('ones', [1, 2, 3], ms.float32), name='y')
z = ms.Parameter(default_input=2.0, name='z')
params = ms.ParameterTuple((x, y, z))

# Clone from params and change the name to "params_copy".
params_copy = params.clone("params_copy")

print(params)
print(params_copy)
