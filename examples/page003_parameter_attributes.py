"""Reference page 003, "Attribute": a Parameter's printed form and ``data``.

Ported from MindSpore by replacing the word ``mindspore`` with ``gpuparam``. The page's
fragment relies on the imports of its earlier samples; the lines marked "Added" bring them.
"""
# Added: the imports of the page's earlier samples.
import numpy as np
import gpuparam as ms

my_tensor = ms.Tensor(np.arange(2 * 3).reshape((2, 3)))
x = ms.Parameter(default_input=my_tensor, name="x")
print("x: ", x)
print("x.data: ", x.data)
