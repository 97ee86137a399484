"""Reference page 003, "Parameter Operations", 1. ``clone``.

Ported from MindSpore by replacing the word ``mindspore`` with ``gpuparam``. The lines
marked "Added" bring the imports of the page's earlier samples.
"""
# Added: the imports of the page's earlier samples.
from gpuparam.common.initializer import initializer as init
import gpuparam as ms

x = ms.Parameter(default_input=init('ones', [1, 2, 3], ms.float32))
x_clone = x.clone()
x_clone.name = "x_clone"
print(x)
print(x_clone)
