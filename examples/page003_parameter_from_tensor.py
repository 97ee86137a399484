"""Reference page 003: a Parameter from a Tensor.

Ported from MindSpore by replacing the word ``mindspore`` with ``gpuparam``.
"""
import numpy as np
import gpuparam as ms

my_tensor = ms.Tensor(np.arange(2 * 3).reshape((2, 3)))
x = ms.Parameter(default_input=my_tensor, name="tensor")
print(x)
