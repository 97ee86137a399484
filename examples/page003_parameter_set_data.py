"""Reference page 003, "Parameter Operations", 2. ``set_data`` (with ``slice_shape``).

Ported from MindSpore by replacing the word ``mindspore`` with ``gpuparam``. The lines
marked "Added" bring the imports of the page's earlier samples. The last call changes
the shape and passes ``slice_shape=True``, as gpuparam requires for a shape change.
"""
# Added: the imports of the page's earlier samples.
import numpy as np
import gpuparam as ms

x = ms.Parameter(ms.Tensor(np.ones((1, 2)), ms.float32), name="x", requires_grad=True)
print(x, x.asnumpy())

y = x.set_data(ms.Tensor(np.zeros((1, 2)), ms.float32))
print(y, y.asnumpy())

z = x.set_data(ms.Tensor(np.ones((1, 4)), ms.float32), slice_shape=True)
print(z, z.asnumpy())
