"""Reference page 003, "Parameter Operations", 3. ``init_data``.

Ported from MindSpore by replacing the word ``mindspore`` with ``gpuparam``. The lines
marked "Added" bring the imports of the page's earlier samples.
"""
# Added: the imports of the page's earlier samples.
import numpy as np
import gpuparam as ms

x = ms.Parameter(ms.Tensor(np.ones((1, 2)), ms.float32), name="x", requires_grad=True)
print(x.init_data(), x.init_data().asnumpy())
